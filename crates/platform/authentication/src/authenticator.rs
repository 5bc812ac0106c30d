//! The strategy chain: from a request's headers to its actor context.

use std::sync::Arc;

use alkemio_authorization::ActorContext;
use alkemio_contributor::ActorService;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, ErrorStatus};
use base64::Engine as _;
use http::HeaderMap;
use jsonwebtoken::Algorithm;
use jsonwebtoken::errors::ErrorKind;

use crate::jwks::HydraVerifier;
use crate::tokens::NonInteractiveTokens;

/// The header a guest's display name arrives in (base64 of UTF-8).
pub const GUEST_NAME_HEADER: &str = "x-guest-name";

/// Why a presented token was refused; answered with 401 `UNAUTHENTICATED` and this
/// `error_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// The machine-readable reason, as the reference names it.
    pub error_code: String,
}

impl AuthFailure {
    /// A failure with a reason.
    pub fn new(error_code: &str) -> Self {
        Self {
            error_code: error_code.to_owned(),
        }
    }

    /// The reason a JWT library error stands for.
    pub fn from_jwt(err: &jsonwebtoken::errors::Error) -> Self {
        Self::new(match err.kind() {
            ErrorKind::ExpiredSignature => "token_expired",
            ErrorKind::InvalidIssuer => "invalid_iss",
            ErrorKind::InvalidAudience => "invalid_audience",
            ErrorKind::ImmatureSignature => "invalid_nbf",
            ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => "invalid_audience",
            ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => "invalid_iss",
            ErrorKind::MissingRequiredClaim(_) => "claim_validation_failed",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                "ERR_JOSE_ALG_NOT_ALLOWED"
            }
            ErrorKind::InvalidToken
            | ErrorKind::Base64(_)
            | ErrorKind::Json(_)
            | ErrorKind::Utf8(_) => "ERR_JWS_INVALID",
            _ => "ERR_JOSE_GENERIC",
        })
    }

    /// The GraphQL-shaped error (`UNAUTHENTICATED`, with `error_code`) for this failure.
    pub fn to_app_error(&self) -> AppError {
        AppError::new(ErrorStatus::Unauthenticated, "unauthenticated")
    }
}

/// Turns request headers into an actor context.
#[derive(Debug, Clone)]
pub struct Authenticator {
    non_interactive: Option<NonInteractiveTokens>,
    hydra: Option<Arc<HydraVerifier>>,
    actors: ActorService,
}

/// Decodes the guest name: base64 of UTF-8, trimmed; `None` when absent, malformed or empty.
pub fn guest_name(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(GUEST_NAME_HEADER)?.to_str().ok()?.trim();
    if raw.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
    let name = String::from_utf8(bytes).ok()?.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

impl Authenticator {
    /// An authenticator with the configured strategies.
    pub fn new(
        non_interactive: Option<NonInteractiveTokens>,
        hydra: Option<Arc<HydraVerifier>>,
        actors: ActorService,
    ) -> Self {
        Self {
            non_interactive,
            hydra,
            actors,
        }
    }

    /// The non-interactive token minter, when that login is enabled.
    pub fn non_interactive(&self) -> Option<&NonInteractiveTokens> {
        self.non_interactive.as_ref()
    }

    /// The actor context of a request. No `Authorization` header: a guest or anonymous. A
    /// token that verifies: its actor with the actor's credentials (anonymous when the actor no
    /// longer exists, as in the reference). Anything else: refused.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<ActorContext, AuthFailure> {
        let Some(value) = headers.get(http::header::AUTHORIZATION) else {
            return Ok(match guest_name(headers) {
                Some(name) => ActorContext::guest(name),
                None => ActorContext::anonymous(),
            });
        };
        let token = bearer_token(value.to_str().unwrap_or_default())
            .ok_or_else(|| AuthFailure::new("malformed_bearer_header"))?;
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| AuthFailure::new("ERR_JWS_INVALID"))?;
        let actor_id = match (header.alg, &self.non_interactive, &self.hydra) {
            (Algorithm::HS256, Some(tokens), _) => tokens.verify(token)?,
            (_, _, Some(hydra)) => hydra.verify(token, &header).await?,
            _ => return Err(AuthFailure::new("ERR_JOSE_NOT_SUPPORTED")),
        };
        let actor = uuid::Uuid::parse_str(&actor_id)
            .map_err(|_| AuthFailure::new("missing_alkemio_actor_id"))?;
        match self.actors.credentials(ActorId(actor)).await {
            Ok(Some(credentials)) => Ok(ActorContext::authenticated(actor, credentials)),
            Ok(None) => Ok(ActorContext::anonymous()),
            Err(e) => {
                e.log();
                Err(AuthFailure::new("unknown_error"))
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value.
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once(char::is_whitespace)?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && !token.contains(char::is_whitespace))
    .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_headers_are_parsed_strictly() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer   abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer a b"), None);
    }

    #[test]
    fn guest_names_are_base64_utf8() {
        let mut h = HeaderMap::new();
        h.insert(GUEST_NAME_HEADER, "5p2O5piO".parse().unwrap());
        assert_eq!(guest_name(&h).as_deref(), Some("李明"));
        h.insert(GUEST_NAME_HEADER, "not base64!".parse().unwrap());
        assert_eq!(guest_name(&h), None);
        h.insert(GUEST_NAME_HEADER, "ICA=".parse().unwrap());
        assert_eq!(guest_name(&h), None);
    }
}
