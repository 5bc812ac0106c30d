//! Hydra access tokens: JWTs signed with a key from Hydra's JWKS.
//!
//! The key set is fetched on first use, kept for ten minutes, and fetched again early when a
//! token names a key id the set does not have (at most once every 30 seconds), as the
//! reference's JOSE library does.

use std::time::{Duration, Instant};

use alkemio_configuration::settings::HydraSettings;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use tokio::sync::Mutex;

use crate::authenticator::AuthFailure;

/// How long a fetched key set is used.
pub const CACHE_MAX_AGE: Duration = Duration::from_secs(600);
/// Least time between two fetches triggered by an unknown key id.
pub const COOLDOWN: Duration = Duration::from_secs(30);
/// How long a fetch may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Clock tolerance.
pub const LEEWAY_SECS: u64 = 30;

#[derive(Default)]
struct Cached {
    set: Option<JwkSet>,
    fetched_at: Option<Instant>,
}

/// Verifies Hydra access tokens.
pub struct HydraVerifier {
    settings: HydraSettings,
    http: reqwest::Client,
    cache: Mutex<Cached>,
}

impl std::fmt::Debug for HydraVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HydraVerifier")
            .field("issuer", &self.settings.issuer)
            .finish_non_exhaustive()
    }
}

fn key_matches(jwk: &Jwk, kid: Option<&str>, alg: Algorithm) -> bool {
    if let Some(kid) = kid
        && jwk.common.key_id.as_deref() != Some(kid)
    {
        return false;
    }
    if let Some(key_alg) = jwk.common.key_algorithm
        && key_alg.to_string() != format!("{alg:?}")
    {
        return false;
    }
    if matches!(jwk.common.public_key_use, Some(ref u) if *u != jsonwebtoken::jwk::PublicKeyUse::Signature)
    {
        return false;
    }
    DecodingKey::from_jwk(jwk).is_ok()
}

impl HydraVerifier {
    /// A verifier for the configured issuer, audiences and key set.
    pub fn new(settings: HydraSettings, http: reqwest::Client) -> Self {
        Self {
            settings,
            http,
            cache: Mutex::new(Cached::default()),
        }
    }

    async fn fetch(&self) -> Result<JwkSet, AuthFailure> {
        let response = self
            .http
            .get(&self.settings.jwks_url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    AuthFailure::new("ERR_JWKS_TIMEOUT")
                } else {
                    AuthFailure::new("unknown_error")
                }
            })?;
        if !response.status().is_success() {
            return Err(AuthFailure::new("ERR_JOSE_GENERIC"));
        }
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|_| AuthFailure::new("ERR_JOSE_GENERIC"))?;
        serde_json::from_value(body).map_err(|_| AuthFailure::new("ERR_JWKS_INVALID"))
    }

    /// The key to verify a token with, fetching the set when it is stale or lacks the key.
    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, AuthFailure> {
        let mut cache = self.cache.lock().await;
        let stale = cache
            .fetched_at
            .is_none_or(|at| at.elapsed() >= CACHE_MAX_AGE);
        if stale {
            cache.set = Some(self.fetch().await?);
            cache.fetched_at = Some(Instant::now());
        }
        let find = |set: &JwkSet| -> Result<Option<DecodingKey>, AuthFailure> {
            let candidates: Vec<&Jwk> = set
                .keys
                .iter()
                .filter(|k| key_matches(k, kid, alg))
                .collect();
            match candidates.as_slice() {
                [] => Ok(None),
                [one] => DecodingKey::from_jwk(one)
                    .map(Some)
                    .map_err(|_| AuthFailure::new("ERR_JWK_INVALID")),
                _ => Err(AuthFailure::new("ERR_JWKS_MULTIPLE_MATCHING_KEYS")),
            }
        };
        if let Some(key) = cache.set.as_ref().map(find).transpose()?.flatten() {
            return Ok(key);
        }
        // An unknown key: the provider may have rotated its keys.
        if !stale && cache.fetched_at.is_some_and(|at| at.elapsed() >= COOLDOWN) {
            cache.set = Some(self.fetch().await?);
            cache.fetched_at = Some(Instant::now());
            if let Some(key) = cache.set.as_ref().map(find).transpose()?.flatten() {
                return Ok(key);
            }
        }
        Err(AuthFailure::new("ERR_JWKS_NO_MATCHING_KEY"))
    }

    /// Verifies a token (signature, `iss`, `aud`, `exp`, `nbf` with 30 s tolerance) and returns
    /// its `alkemio_actor_id`.
    pub async fn verify(
        &self,
        token: &str,
        header: &jsonwebtoken::Header,
    ) -> Result<String, AuthFailure> {
        let alg = header.alg;
        if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
            return Err(AuthFailure::new("ERR_JOSE_NOT_SUPPORTED"));
        }
        let key = self.key_for(header.kid.as_deref(), alg).await?;
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[self.settings.issuer.as_str()]);
        validation.set_audience(&self.settings.audiences);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        // Like the reference, `exp` is checked when present but not required.
        validation.set_required_spec_claims(&["iss", "aud"]);
        let data = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .map_err(|e| AuthFailure::from_jwt(&e))?;
        match data.claims.get("alkemio_actor_id").and_then(|v| v.as_str()) {
            Some(id) if !id.is_empty() => Ok(id.to_owned()),
            _ => Err(AuthFailure::new("missing_alkemio_actor_id")),
        }
    }
}
