//! REST endpoints of authentication: the non-interactive login and the internal identity
//! resolution used by the OIDC service.

use alkemio_authentication::kratos::KratosError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::http::AppState;

fn rest_error(status: StatusCode, message: &str) -> Response {
    let body = json!({
        "statusCode": status.as_u16(),
        "message": message,
        "timestamp": chrono_now(),
    });
    (status, Json(body)).into_response()
}

fn chrono_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[derive(Deserialize)]
struct LoginBody {
    email: Option<String>,
    password: Option<String>,
}

/// `POST /api/auth/non-interactive-login {email, password}`: logs in through Kratos' native
/// password flow, resolves the user and answers 201 with a bearer token.
pub async fn non_interactive_login(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Response {
    let Some(tokens) = state.authenticator.non_interactive() else {
        return rest_error(StatusCode::NOT_FOUND, "Not Found");
    };
    let parsed: Option<LoginBody> = serde_json::from_slice(&body).ok();
    let (email, password) = match parsed {
        Some(LoginBody {
            email: Some(e),
            password: Some(p),
        }) if !e.trim().is_empty() && !p.is_empty() => (e, p),
        _ => return rest_error(StatusCode::BAD_REQUEST, "invalid_request"),
    };
    let identity = match state
        .resolver
        .kratos()
        .password_login(email.trim(), &password)
        .await
    {
        Ok(identity) => identity,
        Err(KratosError::InvalidCredentials) => {
            return rest_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
        }
        Err(KratosError::RateLimited) => {
            return rest_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        }
        Err(KratosError::Unavailable(why)) => {
            tracing::warn!(error = %why, "Kratos unavailable during non-interactive login");
            return rest_error(StatusCode::SERVICE_UNAVAILABLE, "kratos_unavailable");
        }
    };
    let user = match state.resolver.resolve(&identity.id).await {
        Ok(user) => user,
        Err(e) => {
            tracing::warn!(status = e.status, error = %e.message, "non-interactive login could not resolve the user");
            return rest_error(StatusCode::UNPROCESSABLE_ENTITY, "actor_id_missing");
        }
    };
    match tokens.mint(user.id.0, Some(&identity.id)) {
        Ok(minted) => (
            StatusCode::CREATED,
            Json(json!({"api_token": minted.token, "expires_at": minted.expires_at, "token_type": "Bearer"})),
        )
            .into_response(),
        Err(e) => {
            e.log();
            rest_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    }
}

#[derive(Deserialize)]
struct ResolveBody {
    #[serde(rename = "authenticationId")]
    authentication_id: Option<String>,
}

/// `POST /rest/internal/identity/resolve {authenticationId}` → `{userId, actorID}`. Internal:
/// the deployment must not route it from outside.
pub async fn resolve_identity(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let parsed: Option<ResolveBody> = serde_json::from_slice(&body).ok();
    let Some(id) = parsed
        .and_then(|b| b.authentication_id)
        .filter(|id| !id.trim().is_empty())
    else {
        return rest_error(StatusCode::BAD_REQUEST, "authenticationId is required");
    };
    match state.resolver.resolve(&id).await {
        Ok(user) => Json(json!({"userId": user.id.to_string(), "actorID": user.id.to_string()}))
            .into_response(),
        Err(e) => rest_error(
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e.message,
        ),
    }
}
