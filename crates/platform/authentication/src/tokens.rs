//! Non-interactive login tokens: HS256 JWTs the server mints for scripts and tests, with the
//! reference's claims.

use std::path::Path;
use std::time::Duration;

use alkemio_configuration::settings::MIN_SIGNING_KEY_BYTES;
use alkemio_kernel::{AppError, AppResult};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::authenticator::AuthFailure;

/// The issuer of non-interactive login tokens.
pub const ISSUER: &str = "alkemio-non-interactive-login";
/// Clock tolerance when checking `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;
/// The file, inside the data directory, that holds a generated signing key.
pub const KEY_FILE: &str = "non-interactive-login.key";

/// The claims of a non-interactive login token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonInteractiveClaims {
    /// The actor the token speaks for.
    pub alkemio_actor_id: String,
    /// Always true.
    pub non_interactive_login: bool,
    /// Always [`ISSUER`].
    pub iss: String,
    /// The identity-provider id, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sub: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// Mints and verifies non-interactive login tokens.
#[derive(Clone)]
pub struct NonInteractiveTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl std::fmt::Debug for NonInteractiveTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NonInteractiveTokens")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// A minted token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedToken {
    /// The bearer token.
    pub token: String,
    /// When it expires (seconds since the epoch).
    pub expires_at: i64,
}

impl NonInteractiveTokens {
    /// Tokens signed with `key`, valid for `ttl`.
    pub fn new(key: &[u8], ttl: Duration) -> AppResult<Self> {
        if key.len() < MIN_SIGNING_KEY_BYTES {
            return Err(AppError::internal_msg(
                "the non-interactive login key is shorter than 32 bytes",
            ));
        }
        Ok(Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            ttl,
        })
    }

    /// Reads the signing key generated into `data_dir`, creating it (32 random bytes, base64,
    /// readable by the owner only) on first use.
    pub fn load_or_generate_key(data_dir: &Path) -> AppResult<Vec<u8>> {
        alkemio_configuration::secret_file::load_or_generate(
            data_dir,
            KEY_FILE,
            MIN_SIGNING_KEY_BYTES,
            "a non-interactive login signing key",
        )
    }

    /// A token for `actor`, optionally naming the identity-provider id as `sub`.
    pub fn mint(&self, actor: Uuid, sub: Option<&str>) -> AppResult<MintedToken> {
        let now = chrono::Utc::now().timestamp();
        let exp = now + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let claims = NonInteractiveClaims {
            alkemio_actor_id: actor.to_string(),
            non_interactive_login: true,
            iss: ISSUER.to_owned(),
            sub: sub.unwrap_or_default().to_owned(),
            iat: now,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::internal_msg(format_args!("signing a token: {e}")))?;
        Ok(MintedToken {
            token,
            expires_at: exp,
        })
    }

    /// Verifies a token and returns the actor it speaks for.
    pub fn verify(&self, token: &str) -> Result<String, AuthFailure> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["iss"]);
        let data = jsonwebtoken::decode::<serde_json::Value>(token, &self.decoding, &validation)
            .map_err(|e| AuthFailure::from_jwt(&e))?;
        if data.claims.get("non_interactive_login") != Some(&serde_json::Value::Bool(true)) {
            return Err(AuthFailure::new("missing_non_interactive_login_marker"));
        }
        match data.claims.get("alkemio_actor_id").and_then(|v| v.as_str()) {
            Some(id) if !id.is_empty() => Ok(id.to_owned()),
            _ => Err(AuthFailure::new("missing_alkemio_actor_id")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(ttl: u64) -> NonInteractiveTokens {
        NonInteractiveTokens::new(&[7u8; 32], Duration::from_secs(ttl)).unwrap()
    }

    #[test]
    fn minted_tokens_verify_to_their_actor() {
        let actor = Uuid::new_v4();
        let t = tokens(60).mint(actor, Some("kratos-id")).unwrap();
        assert_eq!(tokens(60).verify(&t.token).unwrap(), actor.to_string());
    }

    #[test]
    fn tampered_expired_and_foreign_tokens_are_refused() {
        let t = tokens(60).mint(Uuid::new_v4(), None).unwrap();
        let other = NonInteractiveTokens::new(&[8u8; 32], Duration::from_secs(60)).unwrap();
        assert_eq!(
            other.verify(&t.token).unwrap_err().error_code,
            "invalid_signature"
        );
        let expired = NonInteractiveTokens::new(&[7u8; 32], Duration::from_secs(0)).unwrap();
        let mut claims = serde_json::to_value(NonInteractiveClaims {
            alkemio_actor_id: Uuid::new_v4().to_string(),
            non_interactive_login: true,
            iss: ISSUER.into(),
            sub: String::new(),
            iat: 0,
            exp: 100,
        })
        .unwrap();
        let old = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap();
        assert_eq!(
            expired.verify(&old).unwrap_err().error_code,
            "token_expired"
        );
        claims["exp"] = serde_json::json!(chrono::Utc::now().timestamp() + 100);
        claims["iss"] = serde_json::json!("someone-else");
        let foreign = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap();
        assert_eq!(
            expired.verify(&foreign).unwrap_err().error_code,
            "invalid_iss"
        );
        assert!(NonInteractiveTokens::new(&[1u8; 16], Duration::from_secs(1)).is_err());
    }

    #[test]
    fn generated_keys_are_kept() {
        let dir = std::env::temp_dir().join(format!("alkemio-key-{}", Uuid::new_v4()));
        let first = NonInteractiveTokens::load_or_generate_key(&dir).unwrap();
        let second = NonInteractiveTokens::load_or_generate_key(&dir).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(first, second);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
