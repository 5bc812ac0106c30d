//! A client for the two Kratos APIs the server uses: the native (API) password login flow on the
//! public API, and identity look-up on the admin API.

use std::time::Duration;

use alkemio_configuration::settings::KratosSettings;
use serde::Deserialize;
use serde_json::json;

/// How long one Kratos call may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong talking to Kratos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KratosError {
    /// Kratos refused the credentials (or the flow).
    InvalidCredentials,
    /// Kratos is rate-limiting.
    RateLimited,
    /// Kratos is not configured, unreachable, or answered with a server error.
    Unavailable(String),
}

/// The parts of a Kratos identity the server uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KratosIdentity {
    /// The identity id (the user's authentication id).
    pub id: String,
    /// The `email` trait.
    pub email: Option<String>,
    /// The `name.first` trait.
    pub first_name: String,
    /// The `name.last` trait.
    pub last_name: String,
}

#[derive(Deserialize)]
struct RawIdentity {
    id: String,
    #[serde(default)]
    traits: RawTraits,
    #[serde(default)]
    credentials: std::collections::HashMap<String, RawCredential>,
    #[serde(default)]
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize, Default)]
struct RawCredential {
    #[serde(default)]
    identifiers: Vec<String>,
}

#[derive(Deserialize)]
struct RawSession {
    #[serde(default)]
    authenticated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How a user signs in, as Kratos records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityAuthentication {
    /// The sign-in methods: `password`, the OIDC providers (`microsoft`, `linkedin`, `github`,
    /// `cleverbase`) and `passkey`; empty when none is recognised.
    pub methods: Vec<SignInMethod>,
    /// When the identity was created.
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The latest authentication among its active sessions.
    pub authenticated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A way of signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SignInMethod {
    /// E-mail and password.
    Password,
    /// Microsoft (OIDC).
    Microsoft,
    /// LinkedIn (OIDC).
    Linkedin,
    /// GitHub (OIDC).
    Github,
    /// Cleverbase (OIDC).
    Cleverbase,
    /// A passkey (WebAuthn).
    Passkey,
}

fn sign_in_methods(
    credentials: &std::collections::HashMap<String, RawCredential>,
) -> Vec<SignInMethod> {
    let mut methods = Vec::new();
    if let Some(oidc) = credentials.get("oidc") {
        for identifier in &oidc.identifiers {
            for (prefix, method) in [
                ("microsoft", SignInMethod::Microsoft),
                ("linkedin", SignInMethod::Linkedin),
                ("github", SignInMethod::Github),
                ("cleverbase", SignInMethod::Cleverbase),
            ] {
                if identifier.starts_with(prefix) && !methods.contains(&method) {
                    methods.push(method);
                }
            }
        }
    }
    if credentials.contains_key("password") {
        methods.push(SignInMethod::Password);
    }
    if credentials.contains_key("passkey") || credentials.contains_key("webauthn") {
        methods.push(SignInMethod::Passkey);
    }
    methods
}

#[derive(Deserialize, Default)]
struct RawTraits {
    email: Option<String>,
    #[serde(default)]
    name: RawName,
}

#[derive(Deserialize, Default)]
struct RawName {
    #[serde(default)]
    first: String,
    #[serde(default)]
    last: String,
}

impl From<RawIdentity> for KratosIdentity {
    fn from(raw: RawIdentity) -> Self {
        Self {
            id: raw.id,
            email: raw.traits.email,
            first_name: raw.traits.name.first,
            last_name: raw.traits.name.last,
        }
    }
}

/// The Kratos client.
#[derive(Debug, Clone)]
pub struct KratosClient {
    settings: KratosSettings,
    http: reqwest::Client,
}

fn unavailable(e: impl std::fmt::Display) -> KratosError {
    KratosError::Unavailable(e.to_string())
}

impl KratosClient {
    /// A client for the configured endpoints.
    pub fn new(settings: KratosSettings, http: reqwest::Client) -> Self {
        Self { settings, http }
    }

    /// Logs in with a password through a native login flow and returns the identity.
    pub async fn password_login(
        &self,
        identifier: &str,
        password: &str,
    ) -> Result<KratosIdentity, KratosError> {
        let base = self
            .settings
            .public_url
            .as_deref()
            .ok_or_else(|| unavailable("the Kratos public API is not configured"))?;
        #[derive(Deserialize)]
        struct Flow {
            id: String,
        }
        let response = self
            .http
            .get(format!("{base}/self-service/login/api"))
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "creating a login flow: HTTP {}",
                response.status()
            )));
        }
        let flow: Flow = response.json().await.map_err(unavailable)?;
        let response = self
            .http
            .post(
                reqwest::Url::parse_with_params(
                    &format!("{base}/self-service/login"),
                    &[("flow", flow.id.as_str())],
                )
                .map_err(unavailable)?,
            )
            .json(&json!({"method": "password", "identifier": identifier, "password": password}))
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        if status.as_u16() == 429 {
            return Err(KratosError::RateLimited);
        }
        if status.is_client_error() {
            return Err(KratosError::InvalidCredentials);
        }
        if !status.is_success() {
            return Err(unavailable(format!(
                "submitting the login flow: HTTP {status}"
            )));
        }
        #[derive(Deserialize)]
        struct Session {
            identity: Option<RawIdentity>,
        }
        #[derive(Deserialize)]
        struct LoginResult {
            session: Option<Session>,
        }
        let result: LoginResult = response.json().await.map_err(unavailable)?;
        result
            .session
            .and_then(|s| s.identity)
            .map(KratosIdentity::from)
            .ok_or_else(|| unavailable("the login answer has no identity"))
    }

    /// How an identity signs in: its credential types, creation time and latest active
    /// session; `None` when Kratos does not know it.
    pub async fn authentication(
        &self,
        id: &str,
    ) -> Result<Option<IdentityAuthentication>, KratosError> {
        let base = self
            .settings
            .admin_url
            .as_deref()
            .ok_or_else(|| unavailable("the Kratos admin API is not configured"))?;
        let response = self
            .http
            .get(format!("{base}/admin/identities/{id}"))
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        if response.status().as_u16() == 404 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "reading identity: HTTP {}",
                response.status()
            )));
        }
        let raw: RawIdentity = response.json().await.map_err(unavailable)?;
        // Sessions are a detail: without them the rest is still worth answering.
        let authenticated_at = match self
            .http
            .get(format!("{base}/admin/identities/{id}/sessions?active=true"))
            .timeout(TIMEOUT)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => r
                .json::<Vec<RawSession>>()
                .await
                .ok()
                .and_then(|s| s.into_iter().filter_map(|s| s.authenticated_at).max()),
            _ => None,
        };
        Ok(Some(IdentityAuthentication {
            methods: sign_in_methods(&raw.credentials),
            created_at: raw.created_at,
            authenticated_at,
        }))
    }

    /// Deletes an identity on the admin API; an identity Kratos does not know counts as
    /// deleted.
    pub async fn delete_identity(&self, id: &str) -> Result<(), KratosError> {
        let base = self
            .settings
            .admin_url
            .as_deref()
            .ok_or_else(|| unavailable("the Kratos admin API is not configured"))?;
        let response = self
            .http
            .delete(format!("{base}/admin/identities/{id}"))
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status().as_u16();
        if status == 204 || status == 404 || response.status().is_success() {
            return Ok(());
        }
        Err(unavailable(format!("deleting identity: HTTP {status}")))
    }

    /// The identity with this id; `None` when Kratos does not know it.
    pub async fn identity(&self, id: &str) -> Result<Option<KratosIdentity>, KratosError> {
        let base = self
            .settings
            .admin_url
            .as_deref()
            .ok_or_else(|| unavailable("the Kratos admin API is not configured"))?;
        let response = self
            .http
            .get(format!("{base}/admin/identities/{id}"))
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        if response.status().as_u16() == 404 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "reading identity: HTTP {}",
                response.status()
            )));
        }
        let raw: RawIdentity = response.json().await.map_err(unavailable)?;
        Ok(Some(raw.into()))
    }
}
