//! Virtual contributors answering in rooms: a message mentioning a virtual contributor engages
//! it in the message's thread and asks its engine for an answer (`InvokeEngine` on the
//! engines' bus, routing key = the engine); a later message in that thread asks again. The
//! engine's result (`invoke-engine-result`) is posted as the virtual contributor's reply in
//! the thread.

use alkemio_communication::mentions::{MentionKind, mentions};
use alkemio_communication::{CommunicationService, Message, VcInteraction};
use alkemio_kernel::AppResult;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::engines::EngineMessage;
use crate::model::{AiPersona, AiPersonaEngine, VirtualContributor};

/// The queue and routing key of the engines' answers.
pub const ENGINE_RESULTS: (&str, &str) = (
    "virtual-contributor-invoke-engine-result",
    "invoke-engine-result",
);

/// The engines that answer with the thread's history.
fn uses_history(engine: AiPersonaEngine) -> bool {
    matches!(
        engine,
        AiPersonaEngine::Expert
            | AiPersonaEngine::Guidance
            | AiPersonaEngine::GenericOpenai
            | AiPersonaEngine::LibraFlow
    )
}

/// What the engine needs to answer a message in a thread.
pub struct Invocation<'a> {
    /// The virtual contributor asked.
    pub vc: &'a VirtualContributor,
    /// Its persona.
    pub persona: &'a AiPersona,
    /// Its display name and description.
    pub display_name: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// The interaction (room and thread).
    pub interaction: &'a VcInteraction,
    /// The message asked.
    pub message: &'a Message,
    /// The thread so far, oldest first.
    pub thread: &'a [Message],
    /// How many of its last messages go as history.
    pub history_length: usize,
}

/// The `InvokeEngine` message of an invocation, in the reference's shape.
pub fn invoke_engine(i: &Invocation<'_>) -> EngineMessage {
    let history: Vec<Value> = if uses_history(i.persona.engine) {
        let start = i.thread.len().saturating_sub(i.history_length);
        i.thread[start..]
            .iter()
            .map(|m| {
                let role = if m.sender_id == i.vc.id.0 {
                    "assistant"
                } else {
                    "human"
                };
                json!({"role": role, "content": m.body})
            })
            .collect()
    } else {
        Vec::new()
    };
    let config = i.persona.external_config.clone().unwrap_or_default();
    let mut external_metadata = serde_json::Map::new();
    if let Some(t) = &i.interaction.external_thread_id {
        external_metadata.insert("threadId".to_owned(), json!(t));
    }
    EngineMessage {
        routing_key: i.persona.engine.as_str(),
        body: json!({"eventType": "InvokeEngine", "input": {
            "engine": i.persona.engine.as_str(),
            "operation": "query",
            "userID": i.message.sender_id,
            "message": i.message.body,
            "prompt": i.persona.prompt,
            "bodyOfKnowledgeID": i.vc.body_of_knowledge_id,
            "history": history,
            "description": i.description.unwrap_or_default(),
            "displayName": i.display_name,
            "externalConfig": {"apiKey": config.api_key, "assistantId": config.assistant_id,
                "model": config.model},
            "externalMetadata": external_metadata,
            "resultHandler": {"action": "postReply", "roomDetails": {
                "roomID": i.interaction.room_id, "threadID": i.interaction.thread_id,
                "actorID": i.vc.id.0, "vcInteractionID": i.interaction.id}},
            "personaID": i.persona.id,
        }}),
    }
}

/// The NameIDs of the virtual contributors a message mentions, in order.
pub fn mentioned(message: &Message) -> Vec<String> {
    mentions(&message.body)
        .into_iter()
        .filter(|m| m.kind == MentionKind::VirtualContributor)
        .map(|m| m.name_id)
        .collect()
}

/// The thread a message belongs to: the one it replies in, or the one it starts.
pub fn thread_of(message: &Message) -> String {
    message
        .thread_id
        .clone()
        .unwrap_or_else(|| message.id.clone())
}

/// An engine's answer: where to post it and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineAnswer {
    /// The room.
    pub room_id: Uuid,
    /// The thread.
    pub thread_id: String,
    /// The virtual contributor answering.
    pub actor_id: Uuid,
    /// The reply's text (the answer, then its sources as links).
    pub text: String,
    /// The engine's own conversation id.
    pub external_thread_id: Option<String>,
}

#[derive(Deserialize)]
struct ResultMessage {
    original: Original,
    response: Response,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Original {
    result_handler: ResultHandler,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultHandler {
    action: String,
    room_details: Option<RoomDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomDetails {
    #[serde(rename = "roomID")]
    room_id: Uuid,
    #[serde(rename = "threadID")]
    thread_id: Option<String>,
    #[serde(rename = "actorID")]
    actor_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    result: Option<String>,
    #[serde(default)]
    sources: Vec<Source>,
    thread_id: Option<String>,
}

#[derive(Deserialize)]
struct Source {
    title: Option<String>,
    uri: Option<String>,
}

/// Reads an engine's result: the reply to post, or nothing (not a reply to a thread, or not a
/// result at all).
pub fn read_answer(body: &[u8]) -> Option<EngineAnswer> {
    let m: ResultMessage = serde_json::from_slice(body).ok()?;
    if m.original.result_handler.action != "postReply" {
        return None;
    }
    let room = m.original.result_handler.room_details?;
    let thread = room.thread_id.filter(|t| !t.is_empty())?;
    let mut text = m.response.result.unwrap_or_default();
    let links: Vec<String> = m
        .response
        .sources
        .iter()
        .filter_map(|s| {
            let uri = s.uri.as_deref()?;
            let title = s.title.as_deref().filter(|t| !t.is_empty()).unwrap_or(uri);
            Some(format!("- [{title}]({uri})"))
        })
        .collect();
    if !links.is_empty() {
        text.push('\n');
        text.push_str(&links.join("\n"));
    }
    if text.trim().is_empty() {
        return None;
    }
    Some(EngineAnswer {
        room_id: room.room_id,
        thread_id: thread,
        actor_id: room.actor_id,
        text,
        external_thread_id: m.response.thread_id.filter(|t| !t.is_empty()),
    })
}

/// Posts an answer as the virtual contributor's reply, when that virtual contributor is the
/// one engaged in the thread (anything else on the bus is dropped).
pub async fn post_answer(
    rooms: &CommunicationService,
    answer: &EngineAnswer,
) -> AppResult<Option<Message>> {
    let Some(interaction) = rooms
        .vc_interaction(answer.room_id, &answer.thread_id)
        .await?
        .filter(|i| i.virtual_contributor_id == answer.actor_id)
    else {
        tracing::warn!(room.id = %answer.room_id, "engine answer for a thread with no such virtual contributor");
        return Ok(None);
    };
    let posted = rooms
        .post_vc_reply(&interaction, answer.text.clone())
        .await?;
    if let Some(external) = &answer.external_thread_id {
        rooms.set_external_thread(interaction.id, external).await?;
    }
    Ok(Some(posted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_with_their_sources() {
        let room = Uuid::now_v7();
        let actor = Uuid::now_v7();
        let body = json!({"original": {"resultHandler": {"action": "postReply",
            "roomDetails": {"roomID": room, "threadID": "t1", "actorID": actor}}},
            "response": {"result": "Plant trees.", "threadId": "ext-1",
                "sources": [{"title": "Guide", "uri": "https://a.b/g"}, {"uri": "https://a.b/h"}]}});
        let answer = read_answer(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(answer.room_id, room);
        assert_eq!(answer.thread_id, "t1");
        assert_eq!(
            answer.text,
            "Plant trees.\n- [Guide](https://a.b/g)\n- [https://a.b/h](https://a.b/h)"
        );
        assert_eq!(answer.external_thread_id.as_deref(), Some("ext-1"));
        let none = json!({"original": {"resultHandler": {"action": "none"}}, "response": {}});
        assert!(read_answer(&serde_json::to_vec(&none).unwrap()).is_none());
    }
}
