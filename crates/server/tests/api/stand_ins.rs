//! Protocol-level stand-ins for the identity services that cannot run here: a JWKS endpoint
//! with test keys (what Hydra publishes) and the Kratos endpoints the server calls (native login
//! flow, admin identity). Each listens on a random loopback port for one test.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::Mutex;

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{addr}")
}

/// The RSA key the stand-in Hydra signs with.
pub const HYDRA_KEY: &[u8] = include_bytes!("fixtures/hydra-test-rsa.pem");
/// A key the stand-in does not publish.
pub const OTHER_KEY: &[u8] = include_bytes!("fixtures/other-test-rsa.pem");

/// A JWKS endpoint serving the public halves of the keys it is given.
pub struct Jwks {
    pub url: String,
    pub fetches: Arc<AtomicUsize>,
}

type JwksState = (Arc<Mutex<Vec<Jwk>>>, Arc<AtomicUsize>);

fn public_jwk(pem: &[u8], kid: &str) -> Jwk {
    let mut jwk =
        Jwk::from_encoding_key(&EncodingKey::from_rsa_pem(pem).unwrap(), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid.to_owned());
    jwk
}

impl Jwks {
    pub async fn start(pem: &[u8], kid: &str) -> Self {
        let keys = Arc::new(Mutex::new(vec![public_jwk(pem, kid)]));
        let fetches = Arc::new(AtomicUsize::new(0));
        let state = (keys.clone(), fetches.clone());
        let router = Router::new()
            .route(
                "/.well-known/jwks.json",
                get(|State((keys, fetches)): State<JwksState>| async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    Json(JwkSet {
                        keys: keys.lock().await.clone(),
                    })
                }),
            )
            .with_state(state);
        let url = format!("{}/.well-known/jwks.json", serve(router).await);
        Self { url, fetches }
    }
}

/// An RS256 token signed with `pem` under key id `kid`.
pub fn rs256(pem: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap()
}

/// One identity known to the stand-in Kratos.
#[derive(Clone)]
pub struct Identity {
    pub id: String,
    pub email: String,
    pub password: String,
    pub first: String,
    pub last: String,
}

#[derive(Clone, Default)]
struct KratosState {
    identities: Arc<Mutex<Vec<Identity>>>,
    flows: Arc<Mutex<HashMap<String, ()>>>,
}

fn identity_json(i: &Identity) -> Value {
    json!({
        "id": i.id,
        "schema_id": "default",
        "state": "active",
        "traits": {"email": i.email, "name": {"first": i.first, "last": i.last}},
        "verifiable_addresses": [{"value": i.email, "verified": true, "via": "email", "status": "completed"}],
        "credentials": {
            "password": {"type": "password", "identifiers": [i.email]},
            "oidc": {"type": "oidc", "identifiers": ["github:4711"]},
        },
        "created_at": "2024-06-01T10:00:00Z",
    })
}

/// The public and admin Kratos endpoints the server uses.
pub struct Kratos {
    pub url: String,
    state: KratosState,
}

impl Kratos {
    pub async fn start() -> Self {
        let state = KratosState::default();
        let router = Router::new()
            .route(
                "/self-service/login/api",
                get(|State(s): State<KratosState>| async move {
                    let id = uuid::Uuid::new_v4().to_string();
                    s.flows.lock().await.insert(id.clone(), ());
                    Json(json!({"id": id, "type": "api", "ui": {"action": format!("/self-service/login?flow={id}"), "method": "POST"}}))
                }),
            )
            .route(
                "/self-service/login",
                post(
                    |State(s): State<KratosState>, Query(q): Query<HashMap<String, String>>, Json(body): Json<Value>| async move {
                        let flow = q.get("flow").cloned().unwrap_or_default();
                        if s.flows.lock().await.remove(&flow).is_none() {
                            return (StatusCode::GONE, Json(json!({"error": {"id": "self_service_flow_expired"}}))).into_response();
                        }
                        let identifier = body["identifier"].as_str().unwrap_or_default();
                        let password = body["password"].as_str().unwrap_or_default();
                        let identities = s.identities.lock().await;
                        match identities.iter().find(|i| i.email == identifier && i.password == password) {
                            Some(i) => Json(json!({"session_token": "st", "session": {"id": "s1", "active": true, "identity": identity_json(i)}}))
                                .into_response(),
                            None => (StatusCode::BAD_REQUEST, Json(json!({"ui": {"messages": [{"id": 4000006, "type": "error"}]}})))
                                .into_response(),
                        }
                    },
                ),
            )
            .route(
                "/admin/identities/{id}/sessions",
                get(|State(s): State<KratosState>, Path(id): Path<String>| async move {
                    if s.identities.lock().await.iter().any(|i| i.id == id) {
                        Json(json!([
                            {"id": "s1", "active": true, "authenticated_at": "2025-01-02T03:04:05Z"},
                            {"id": "s2", "active": true, "authenticated_at": "2025-03-04T05:06:07Z"},
                        ]))
                        .into_response()
                    } else {
                        (StatusCode::NOT_FOUND, Json(json!({"error": {"code": 404}}))).into_response()
                    }
                }),
            )
            .route(
                "/admin/identities/{id}",
                get(|State(s): State<KratosState>, Path(id): Path<String>| async move {
                    match s.identities.lock().await.iter().find(|i| i.id == id) {
                        Some(i) => Json(identity_json(i)).into_response(),
                        None => (StatusCode::NOT_FOUND, Json(json!({"error": {"code": 404, "status": "Not Found"}}))).into_response(),
                    }
                })
                .delete(|State(s): State<KratosState>, Path(id): Path<String>| async move {
                    let mut identities = s.identities.lock().await;
                    let before = identities.len();
                    identities.retain(|i| i.id != id);
                    if identities.len() < before {
                        StatusCode::NO_CONTENT.into_response()
                    } else {
                        (StatusCode::NOT_FOUND, Json(json!({"error": {"code": 404, "status": "Not Found"}}))).into_response()
                    }
                }),
            )
            .with_state(state.clone());
        Self {
            url: serve(router).await,
            state,
        }
    }

    pub async fn add(&self, identity: Identity) {
        self.state.identities.lock().await.push(identity);
    }

    /// Whether Kratos still holds an identity with this id.
    pub async fn has(&self, id: &str) -> bool {
        self.state
            .identities
            .lock()
            .await
            .iter()
            .any(|i| i.id == id)
    }
}
