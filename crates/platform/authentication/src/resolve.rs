//! From a Kratos identity to the user it belongs to: found by authentication id, else linked by
//! e-mail, else registered from the identity's traits.

use alkemio_contributor::{NewUser, User, UserService};
use alkemio_kernel::ErrorStatus;

use crate::kratos::{KratosClient, KratosError};

/// Why an identity could not be resolved, with the HTTP status the reference answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    /// 400, 404 or 500.
    pub status: u16,
    /// What went wrong.
    pub message: String,
}

impl ResolveError {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

/// Resolves identities to users.
#[derive(Debug, Clone)]
pub struct IdentityResolver {
    kratos: KratosClient,
    users: UserService,
}

fn internal(e: alkemio_kernel::AppError) -> ResolveError {
    e.log();
    ResolveError::new(500, "Internal error")
}

impl IdentityResolver {
    /// A resolver over Kratos and the users.
    pub fn new(kratos: KratosClient, users: UserService) -> Self {
        Self { kratos, users }
    }

    /// The Kratos client.
    pub fn kratos(&self) -> &KratosClient {
        &self.kratos
    }

    /// The user of a Kratos identity, linking or registering it when needed.
    pub async fn resolve(&self, authentication_id: &str) -> Result<User, ResolveError> {
        let authentication_id = authentication_id.trim();
        if authentication_id.is_empty() {
            return Err(ResolveError::new(400, "authenticationId is required"));
        }
        if let Some(user) = self
            .users
            .user_by_authentication_id(authentication_id)
            .await
            .map_err(internal)?
        {
            return Ok(user);
        }
        let identity = match self.kratos.identity(authentication_id).await {
            Ok(Some(identity)) => identity,
            Ok(None) => {
                return Err(ResolveError::new(
                    404,
                    format!("Identity {authentication_id} not found"),
                ));
            }
            Err(KratosError::Unavailable(why)) => {
                tracing::warn!(error = %why, "Kratos unavailable while resolving an identity");
                return Err(ResolveError::new(
                    500,
                    "The identity provider is unavailable",
                ));
            }
            Err(_) => {
                return Err(ResolveError::new(
                    500,
                    "The identity provider refused the request",
                ));
            }
        };
        let email = identity
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .ok_or_else(|| ResolveError::new(400, "The identity has no e-mail address"))?
            .to_lowercase();
        if let Some(user) = self.users.user_by_email(&email).await.map_err(internal)? {
            if let Some(linked) = user.authentication_id.as_deref()
                && linked != authentication_id
                && matches!(self.kratos.identity(linked).await, Ok(Some(_)))
            {
                return Err(ResolveError::new(
                    400,
                    "The user is linked to another identity",
                ));
            }
            self.users
                .link_authentication_id(user.id, authentication_id)
                .await
                .map_err(internal)?;
            return self
                .users
                .user(user.id)
                .await
                .map_err(internal)?
                .ok_or_else(|| ResolveError::new(500, "User vanished"));
        }
        let new = NewUser {
            email,
            first_name: identity.first_name,
            last_name: identity.last_name,
            authentication_id: Some(authentication_id.to_owned()),
        };
        self.users
            .register(new, &[])
            .await
            .map_err(|e| match e.status() {
                ErrorStatus::BadUserInput | ErrorStatus::UserAlreadyRegistered => {
                    ResolveError::new(400, e.message().to_owned())
                }
                _ => internal(e),
            })
    }
}
