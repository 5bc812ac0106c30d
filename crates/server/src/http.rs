//! The HTTP surface: GraphQL endpoints (POST, GET and WebSocket), GraphiQL, health probes,
//! CORS and the request body limit.

use std::sync::Arc;

use alkemio_api::Api;
use alkemio_authentication::resolve::IdentityResolver;
use alkemio_authentication::{AuthFailure, Authenticator};
use alkemio_cache::Cache;
use alkemio_configuration::Settings;
use alkemio_configuration::settings::CorsSettings;
use alkemio_kernel::ErrorStatus;
use alkemio_kernel::error::extensions_for;
use alkemio_persistence::Database;
use async_graphql::ParseRequestError;
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql::{BatchRequest, BatchResponse, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};
use uuid::Uuid;

use crate::health;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// The executable schema.
    pub schema: Api,
    /// The database (health checks).
    pub db: Database,
    /// The cache (health checks).
    pub cache: Cache,
    /// Turns request headers into the caller's actor context.
    pub authenticator: Authenticator,
    /// Maps identity-provider identities to users.
    pub resolver: IdentityResolver,
    /// Stored documents (downloads).
    pub storage: alkemio_storage::StorageService,
    /// Spaces and what they hold (calendar event downloads).
    pub spaces: alkemio_space::SpaceService,
    /// The settings.
    pub settings: Arc<Settings>,
    /// Answers to anonymous reads.
    pub responses: crate::response_cache::ResponseCache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The paths GraphQL is served on: the root path and the paths the reference's ingress
/// forwards (served here directly, so no path rewriting is needed in front of us).
pub const GRAPHQL_PATHS: &[&str] = &[
    "/graphql",
    "/api/private/graphql",
    "/api/public/graphql",
    "/api/private/non-interactive/graphql",
];

/// The application's router.
pub fn router(state: AppState) -> Router {
    let cors = cors_layer(&state.settings.http.cors);
    let mut router = Router::new()
        .route("/graphiql", get(graphiql))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics))
        .route(
            "/api/auth/non-interactive-login",
            axum::routing::post(crate::auth_routes::non_interactive_login),
        )
        .route(
            "/rest/internal/identity/resolve",
            axum::routing::post(crate::auth_routes::resolve_identity),
        )
        .route(
            "/api/private/rest/storage/document/{id}",
            get(crate::storage_routes::document),
        )
        .route(
            "/rest/storage/document/{id}",
            get(crate::storage_routes::document),
        )
        .route(
            "/api/private/rest/calendar/event/{id}/ics",
            get(crate::calendar_routes::ics),
        )
        .route(
            "/rest/calendar/event/{id}/ics",
            get(crate::calendar_routes::ics),
        );
    for path in GRAPHQL_PATHS {
        router = router.route(path, get(graphql_get).post(graphql_post));
    }
    let router = router.with_state(state);
    match cors {
        Some(layer) => router.layer(layer),
        None => router,
    }
}

fn cors_layer(cors: &CorsSettings) -> Option<CorsLayer> {
    if !cors.enabled {
        return None;
    }
    let origin = if cors.origin == "*" {
        // The reference reflects the caller's origin so that credentials are allowed.
        AllowOrigin::mirror_request()
    } else {
        match HeaderValue::from_str(&cors.origin) {
            Ok(v) => AllowOrigin::exact(v),
            Err(_) => {
                tracing::warn!(origin = %cors.origin, "CORS_ORIGIN is not a valid header value; CORS is off");
                return None;
            }
        }
    };
    let methods: Vec<Method> = cors.methods.iter().filter_map(|m| m.parse().ok()).collect();
    let headers: Vec<header::HeaderName> = cors
        .allowed_headers
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods(methods)
            .allow_headers(headers)
            .allow_credentials(true),
    )
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .title("Alkemio GraphiQL")
            .finish(),
    )
}

/// A response with one GraphQL error carrying the reference's extensions; for failures that
/// happen before the request reaches the schema (bad body, too large, bad query string).
fn error_response(
    http_status: StatusCode,
    status: ErrorStatus,
    message: impl Into<String>,
) -> Response {
    let error_id = Uuid::new_v4();
    let mut error = ServerError::new(message, None);
    error.extensions = Some(extensions_for(status, error_id));
    tracing::debug!(error.id = %error_id, error.code = status.code(), error.message = %error.message, "request rejected");
    let body = async_graphql::Response::from_errors(vec![error]);
    (http_status, axum::Json(body)).into_response()
}

fn parse_error_response(err: ParseRequestError, limit: u64) -> Response {
    match err {
        ParseRequestError::PayloadTooLarge => payload_too_large(limit),
        ParseRequestError::InvalidRequest(e) => error_response(
            StatusCode::BAD_REQUEST,
            ErrorStatus::BadUserInput,
            format!("Malformed request body: {e}"),
        ),
        ParseRequestError::Io(_) => error_response(
            StatusCode::BAD_REQUEST,
            ErrorStatus::BadUserInput,
            "The request body could not be read.",
        ),
        other => error_response(
            StatusCode::BAD_REQUEST,
            ErrorStatus::BadUserInput,
            format!("Invalid request: {other}"),
        ),
    }
}

/// 413, closing the connection: the rest of the body is never read, so the connection cannot
/// carry another request (without `Connection: close` a client could pick it from its pool for
/// the next request and have that one cut off).
fn payload_too_large(limit: u64) -> Response {
    let mut response = error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorStatus::BadUserInput,
        format!("The request body is larger than the limit of {limit} bytes."),
    );
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// 401 with one `UNAUTHENTICATED` GraphQL error naming why the token was refused.
fn unauthenticated(failure: &AuthFailure) -> Response {
    let error_id = Uuid::new_v4();
    let mut ext = extensions_for(ErrorStatus::Unauthenticated, error_id);
    ext.set("error_code", failure.error_code.as_str());
    let mut error = ServerError::new("unauthenticated", None);
    error.extensions = Some(ext);
    tracing::info!(error.id = %error_id, auth.error_code = %failure.error_code, "bearer token refused");
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(async_graphql::Response::from_errors(vec![error])),
    )
        .into_response()
}

/// Executes a GraphQL request. `cache_key` is the exact request (a JSON body or a query
/// string) when its answer may be cached for anonymous callers.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    request: BatchRequest,
    cache_key: Option<Bytes>,
) -> Response {
    let actor = match state.authenticator.authenticate(headers).await {
        Ok(actor) => actor,
        Err(failure) => return unauthenticated(&failure),
    };
    let hub = headers
        .get(state.settings.http.innovation_hub_header.as_str())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            alkemio_innovation_hub::subdomain_of(
                v,
                &state.settings.http.innovation_hub_whitelisted_subdomains,
            )
        });
    let cacheable = match cache_key {
        Some(key)
            if state.responses.enabled()
                && actor.kind == alkemio_authorization::ActorKind::Anonymous =>
        {
            state.responses.epoch().await.map(|epoch| (epoch, key))
        }
        _ => None,
    };
    if let Some((epoch, key)) = &cacheable
        && let Some(hit) = state.responses.get(*epoch, hub.as_deref(), key).await
    {
        return cached_response(&hit);
    }
    let mutation = alkemio_api::MutationFlag::default();
    let request = request
        .data(actor)
        .data(alkemio_api::innovation_hub::RequestHub(hub.clone()))
        .data(mutation.clone());
    // A request that may carry a mutation runs on a task of its own: a client that goes away
    // mid-request does not cut short the work after a commit (the audit record, the cache's
    // epoch). Reads stay on the connection's task, so an abandoned read stops with its client
    // instead of running on (and piling up under overload).
    let may_write = request.iter().any(|r| r.query.contains("mutation"));
    let response: BatchResponse = if may_write {
        let schema = state.schema.clone();
        match tokio::spawn(async move { schema.execute_batch(request).await }).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "a GraphQL request's task failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    } else {
        state.schema.execute_batch(request).await
    };
    let body = match serde_json::to_vec(&response) {
        Ok(b) => Bytes::from(b),
        Err(e) => {
            tracing::error!(error = %e, "encoding a GraphQL response failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let cache_control = response
        .cache_control()
        .value()
        .and_then(|cc| HeaderValue::from_str(&cc).ok());
    let answer = crate::response_cache::Cached {
        body,
        cache_control,
    };
    if let Some((epoch, key)) = cacheable
        && !mutation.mutated()
        && response.is_ok()
    {
        state
            .responses
            .put(epoch, hub.as_deref(), key, answer.clone())
            .await;
    }
    cached_response(&answer)
}

fn cached_response(answer: &crate::response_cache::Cached) -> Response {
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        answer.body.clone(),
    )
        .into_response();
    if let Some(cc) = &answer.cache_control {
        res.headers_mut().insert(header::CACHE_CONTROL, cc.clone());
    }
    res
}

/// `POST` on a GraphQL path: a JSON body (single or batch) or a multipart upload.
async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let limit = state.settings.http.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return payload_too_large(limit);
    }
    let bytes: Bytes =
        match axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX)).await {
            Ok(b) => b,
            Err(_) => return payload_too_large(limit),
        };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // CSRF protection as Apollo's: a multipart (or form, or plain-text) POST must carry a
    // header a browser cannot add to a cross-site form submission.
    let simple = content_type.as_deref().is_none_or(|ct| {
        let ct = ct.to_ascii_lowercase();
        ct.starts_with("multipart/form-data")
            || ct.starts_with("application/x-www-form-urlencoded")
            || ct.starts_with("text/plain")
    });
    let preflighted = ["apollo-require-preflight", "x-apollo-operation-name"]
        .iter()
        .any(|h| {
            headers
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| !v.trim().is_empty())
        });
    if simple && !preflighted {
        return error_response(
            StatusCode::BAD_REQUEST,
            ErrorStatus::BadUserInput,
            "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF): send a non-empty 'apollo-require-preflight' header.",
        );
    }
    let json_body = content_type
        .as_deref()
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
    let cache_key = json_body.then(|| bytes.clone());
    let options =
        MultipartOptions::default().max_file_size(usize::try_from(limit).unwrap_or(usize::MAX));
    let request = match async_graphql::http::receive_batch_body(
        content_type,
        futures_util::io::Cursor::new(bytes.to_vec()),
        options,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return parse_error_response(e, limit),
    };
    execute(&state, &headers, request, cache_key).await
}

/// `GET` on a GraphQL path: a WebSocket upgrade for subscriptions (graphql-ws and the legacy
/// subscriptions-transport-ws), or a query in the query string.
async fn graphql_get(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let is_upgrade = parts
        .headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if is_upgrade {
        let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
            Ok(p) => p,
            Err(status) => return status.into_response(),
        };
        let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
            Ok(u) => u,
            Err(rejection) => return rejection.into_response(),
        };
        // Credentials come from the upgrade request only, as in the reference.
        let actor = match state.authenticator.authenticate(&parts.headers).await {
            Ok(actor) => actor,
            Err(failure) => return unauthenticated(&failure),
        };
        let schema = state.schema.clone();
        return upgrade
            .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
            .on_upgrade(move |socket| {
                let mut data = async_graphql::Data::default();
                data.insert(actor);
                GraphQLWebSocket::new(socket, schema, protocol)
                    .with_data(data)
                    .serve()
            });
    }
    let query = parts.uri.query().unwrap_or_default();
    let cache_key = Some(Bytes::from(format!("GET {query}")));
    match async_graphql::http::parse_query_string(query) {
        Ok(request) => {
            execute(
                &state,
                &parts.headers,
                BatchRequest::Single(request),
                cache_key,
            )
            .await
        }
        Err(e) => parse_error_response(e, state.settings.http.max_body_bytes),
    }
}

/// `GET /metrics`: counters in the Prometheus text format (SQL statements executed so far, for
/// measuring what a request costs).
async fn metrics(State(state): State<AppState>) -> Response {
    let body = format!(
        "# HELP alkemio_sql_statements_total SQL statements executed since start.\n\
         # TYPE alkemio_sql_statements_total counter\n\
         alkemio_sql_statements_total {}\n",
        state.db.statements().get()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
