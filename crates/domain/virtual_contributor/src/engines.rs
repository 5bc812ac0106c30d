//! The way to the AI engines: the reference's `event-bus` exchange on RabbitMQ. Refreshing a
//! body of knowledge sends an ingest request there; the ingest service's results come back on
//! the bus and set when the persona's knowledge was last ingested. Without a broker there is
//! no way to the engines, and nothing is sent.

use std::sync::Arc;

use alkemio_events::rabbit::Publisher;
use alkemio_kernel::{AppError, AppResult};
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::model::{AiPersona, AiPersonaEngine, BodyOfKnowledgeType, VirtualContributor};

/// Routing key (and `eventType`) of a request to ingest a body of knowledge.
pub const INGEST_BODY_OF_KNOWLEDGE: &str = "IngestBodyOfKnowledge";
/// Routing key (and `eventType`) of a request to ingest a web site.
pub const INGEST_WEBSITE: &str = "IngestWebsite";
/// The queue and routing key of body-of-knowledge ingest results.
pub const BODY_OF_KNOWLEDGE_RESULTS: (&str, &str) = (
    "virtual-contributor-ingest-body-of-knowledge-result",
    "IngestBodyOfKnowledgeResult",
);
/// The queue and routing key of web-site ingest results.
pub const WEBSITE_RESULTS: (&str, &str) = (
    "virtual-contributor-ingest-website-result",
    "IngestWebsiteResult",
);

/// The engines' exchange: the reference's `event-bus`, prefixed when several deployments
/// (or test runs) share a broker.
pub fn exchange(prefix: &str) -> String {
    format!("{prefix}{}", alkemio_events::rabbit::EVENT_BUS_EXCHANGE)
}

/// The sites the guidance engine answers from.
const GUIDANCE_SITES: [&str; 3] = [
    "https://alkem.io/documentation",
    "https://www.alkemio.org",
    "https://welcome.alkem.io",
];

/// A message to the engines: its routing key and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineMessage {
    /// The routing key (the message's class name in the reference).
    pub routing_key: &'static str,
    /// The body.
    pub body: serde_json::Value,
}

/// The ingest requests refreshing a virtual contributor's knowledge: none for a body of
/// knowledge of NONE or OTHER; the guidance engine's fixed sites; or its body of knowledge.
pub fn ingest_requests(vc: &VirtualContributor, persona: &AiPersona) -> Vec<EngineMessage> {
    let kind = vc.body_of_knowledge_type;
    if matches!(
        kind,
        BodyOfKnowledgeType::Nothing | BodyOfKnowledgeType::Other
    ) {
        return Vec::new();
    }
    let body_of_knowledge = vc.body_of_knowledge_id.as_deref();
    let guidance = persona.engine == AiPersonaEngine::Guidance;
    let persona = persona.id;
    if guidance {
        return GUIDANCE_SITES
            .iter()
            .map(|url| EngineMessage {
                routing_key: INGEST_WEBSITE,
                body: json!({"eventType": INGEST_WEBSITE, "baseUrl": url,
                    "type": BodyOfKnowledgeType::Website.as_str(), "purpose": "knowledge",
                    "personaId": persona}),
            })
            .collect();
    }
    vec![EngineMessage {
        routing_key: INGEST_BODY_OF_KNOWLEDGE,
        body: json!({"eventType": INGEST_BODY_OF_KNOWLEDGE,
            "bodyOfKnowledgeId": body_of_knowledge.unwrap_or_default(),
            "type": kind.as_str(), "purpose": "knowledge", "personaId": persona}),
    }]
}

/// The publisher to the engines' bus (and the bus's exchange); none without a broker.
#[derive(Clone, Default)]
pub struct EngineBus(Option<(Arc<Mutex<Publisher>>, String)>);

impl std::fmt::Debug for EngineBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EngineBus").field(&self.0.is_some()).finish()
    }
}

impl EngineBus {
    /// A bus over the broker at `uri`, its exchange's name prefixed with `prefix`.
    pub fn rabbit(uri: String, namespace: String, prefix: &str) -> Self {
        let publisher = Publisher::new(uri, namespace, Vec::new());
        Self(Some((Arc::new(Mutex::new(publisher)), exchange(prefix))))
    }

    /// Whether there is a way to the engines.
    pub fn is_connected(&self) -> bool {
        self.0.is_some()
    }

    /// Sends the messages, each confirmed by the broker.
    pub async fn send(&self, messages: &[EngineMessage]) -> AppResult<()> {
        let Some((publisher, exchange)) = &self.0 else {
            return Err(AppError::internal_msg("no broker for the AI engines"));
        };
        let mut publisher = publisher.lock().await;
        for m in messages {
            let body = serde_json::to_vec(&m.body)
                .map_err(|e| AppError::internal_msg(format_args!("encoding: {e}")))?;
            publisher
                .send_to_bus(exchange, m.routing_key, &body)
                .await
                .map_err(|e| {
                    AppError::internal_msg(format_args!("sending to the AI engines: {e}"))
                })?;
        }
        Ok(())
    }
}

/// What an ingest result tells about a persona's knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// Its knowledge was ingested at this time.
    Ingested(Uuid, DateTime<Utc>),
    /// Its knowledge is gone from the engine's store (a vector insert failed).
    Lost(Uuid),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultMessage {
    response: Option<ResultBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultBody {
    persona_id: Option<Uuid>,
    timestamp: Option<i64>,
    purpose: Option<String>,
    result: Option<String>,
    error: Option<ResultError>,
}

#[derive(Deserialize)]
struct ResultError {
    code: Option<String>,
}

/// Reads an ingest result (`{response: {personaId, timestamp, purpose, result, error}}`, the
/// timestamp in milliseconds): what it says about a persona's knowledge, or nothing (a
/// result about a conversation's context, a failure that loses nothing, or a message that
/// is not a result). `website` results count without a timestamp (now), as the reference's.
pub fn read_result(body: &[u8], website: bool) -> Option<IngestOutcome> {
    let message: ResultMessage = serde_json::from_slice(body).ok()?;
    let r = message.response?;
    let persona = r.persona_id?;
    if r.purpose.as_deref() == Some("context") || (!website && r.purpose.is_none()) {
        return None;
    }
    let at = |ms: Option<i64>| ms.and_then(|ms| Utc.timestamp_millis_opt(ms).single());
    if r.result.as_deref() == Some("success") {
        return match (at(r.timestamp), website) {
            (Some(t), _) => Some(IngestOutcome::Ingested(persona, t)),
            (None, true) => Some(IngestOutcome::Ingested(persona, Utc::now())),
            (None, false) => None,
        };
    }
    if !website && r.error.and_then(|e| e.code).as_deref() == Some("vector_insert") {
        return Some(IngestOutcome::Lost(persona));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_read_as_the_reference_reads_them() {
        let p = Uuid::now_v7();
        let ok = format!(
            r#"{{"response":{{"personaId":"{p}","timestamp":1700000000000,"purpose":"knowledge","result":"success","bodyOfKnowledgeId":"x","type":"alkemio-space"}}}}"#
        );
        assert_eq!(
            read_result(ok.as_bytes(), false),
            Some(IngestOutcome::Ingested(
                p,
                Utc.timestamp_millis_opt(1_700_000_000_000).unwrap()
            ))
        );
        let context = ok.replace("knowledge", "context");
        assert_eq!(read_result(context.as_bytes(), false), None);
        let lost = format!(
            r#"{{"response":{{"personaId":"{p}","timestamp":1,"purpose":"knowledge","result":"failure","error":{{"code":"vector_insert","message":"m"}}}}}}"#
        );
        assert_eq!(
            read_result(lost.as_bytes(), false),
            Some(IngestOutcome::Lost(p))
        );
        assert_eq!(read_result(lost.as_bytes(), true), None);
        assert_eq!(read_result(b"not json", false), None);
        let persona = AiPersona {
            id: p,
            engine: AiPersonaEngine::Guidance,
            prompt: Vec::new(),
            external_config: None,
            body_of_knowledge_last_updated: None,
            prompt_graph: None,
            authorization_id: None,
            created_date: Utc::now(),
            updated_date: Utc::now(),
        };
        let mut vc = VirtualContributor {
            id: alkemio_kernel::ids::ActorId(Uuid::now_v7()),
            name_id: "v".into(),
            account_id: None,
            settings: crate::model::VirtualContributorSettings::default(),
            prompt_graph_editing_enabled: false,
            ai_persona_id: p,
            body_of_knowledge_id: Some("s".into()),
            body_of_knowledge_type: BodyOfKnowledgeType::AlkemioSpace,
            body_of_knowledge_description: None,
            listed_in_store: true,
            search_visibility: alkemio_library::SearchVisibility::Public,
            data_access_mode: crate::model::DataAccessMode::Nothing,
            interaction_modes: Vec::new(),
            knowledge_base_id: None,
            profile_id: None,
            authorization_id: None,
            created_date: Utc::now(),
            updated_date: Utc::now(),
        };
        let requests = ingest_requests(&vc, &persona);
        assert_eq!(requests.len(), 3);
        assert!(requests.iter().all(|r| r.routing_key == INGEST_WEBSITE));
        let expert = AiPersona {
            engine: AiPersonaEngine::Expert,
            ..persona
        };
        let request = ingest_requests(&vc, &expert);
        assert_eq!(request[0].body["type"], "alkemio-space");
        assert_eq!(request[0].body["bodyOfKnowledgeId"], "s");
        vc.body_of_knowledge_type = BodyOfKnowledgeType::Other;
        assert!(ingest_requests(&vc, &expert).is_empty());
    }
}
