//! Credentials granted and revoked by platform administrators directly, outside any role set
//! (`grantCredentialTo*`, `revokeCredentialFrom*`), and who holds a credential.

use alkemio_authorization::{Credential, CredentialType};
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult};

use crate::model::{Actor, ActorType};
use crate::repo::{self, CredentialRecord};
use crate::service::UserService;

/// The global credential types: they are held without a resource.
pub const GLOBAL_ROLE_CREDENTIALS: [CredentialType; 5] = [
    CredentialType::GlobalRegistered,
    CredentialType::GlobalCommunityRead,
    CredentialType::GlobalSupport,
    CredentialType::GlobalAdmin,
    CredentialType::PlatformOperationsAdmin,
];

/// Refuses a resource on a global credential.
pub fn check_global_without_resource(
    kind: CredentialType,
    resource: Option<&str>,
) -> AppResult<()> {
    if GLOBAL_ROLE_CREDENTIALS.contains(&kind) && resource.is_some_and(|r| !r.is_empty()) {
        return Err(AppError::forbidden(format!(
            "resourceID should not be specified for global AuthorizationCredentials: {}",
            kind.as_str()
        )));
    }
    Ok(())
}

fn credential_of(kind: CredentialType, resource: Option<&str>) -> Credential {
    Credential {
        credential_type: kind,
        resource_id: resource.unwrap_or_default().to_owned(),
    }
}

impl UserService {
    async fn actor_of_kind(&self, id: ActorId, kind: Option<ActorType>) -> AppResult<Actor> {
        self.actors()
            .actor(id)
            .await?
            .filter(|a| kind.is_none_or(|k| a.actor_type == k))
            .ok_or_else(|| {
                AppError::not_found(match kind {
                    Some(ActorType::User) => format!("Unable to find user with ID: {id}"),
                    Some(ActorType::Organization) => {
                        format!("Unable to find Organization with ID: {id}")
                    }
                    _ => format!("Actor with id {id} not found"),
                })
            })
    }

    /// Grants a credential to an actor (of `kind` when given) and returns the stored record;
    /// a user's own policy is recomputed, as it depends on what the user holds. The caller
    /// has checked the administrator's privilege.
    pub async fn grant_credential_directly(
        &self,
        id: ActorId,
        kind: Option<ActorType>,
        credential_type: CredentialType,
        resource: Option<&str>,
    ) -> AppResult<(Actor, CredentialRecord)> {
        let actor = self.actor_of_kind(id, kind).await?;
        let credential = credential_of(credential_type, resource);
        let txn = self.db().begin().await?;
        self.actors().grant_in(&txn, id, &credential).await?;
        txn.commit().await?;
        self.actors().invalidate(id).await?;
        if actor.actor_type == ActorType::User {
            self.reset_authorization(UserId(id.0)).await?;
        }
        let record = self
            .credential_records(id)
            .await?
            .into_iter()
            .find(|r| r.credential == credential)
            .ok_or_else(|| AppError::internal_msg("a granted credential is missing"))?;
        tracing::info!(actor.id = %id, credential = credential_type.as_str(), "credential granted directly");
        Ok((actor, record))
    }

    /// Revokes a credential from an actor (of `kind` when given); returns whether it was held.
    /// The last global admin keeps the credential: the platform is never left without one.
    pub async fn revoke_credential_directly(
        &self,
        id: ActorId,
        kind: Option<ActorType>,
        credential_type: CredentialType,
        resource: Option<&str>,
    ) -> AppResult<(Actor, bool)> {
        let actor = self.actor_of_kind(id, kind).await?;
        let credential = credential_of(credential_type, resource);
        let txn = self.db().begin().await?;
        if credential_type == CredentialType::GlobalAdmin
            && self
                .actors()
                .credentials_in(&txn, id)
                .await?
                .contains(&credential)
            && self
                .actors()
                .count_holders(&txn, &credential, ActorType::User)
                .await?
                <= 1
        {
            return Err(AppError::forbidden(
                "Not allowed to remove the last global admin",
            ));
        }
        let held = self.actors().revoke_in(&txn, id, &credential).await?;
        txn.commit().await?;
        self.actors().invalidate(id).await?;
        if actor.actor_type == ActorType::User {
            self.reset_authorization(UserId(id.0)).await?;
        }
        tracing::info!(actor.id = %id, credential = credential_type.as_str(), held, "credential revoked directly");
        Ok((actor, held))
    }

    /// The actors holding a credential type, for one resource or any; each once, with its
    /// kind.
    pub async fn holders_of(
        &self,
        credential_type: CredentialType,
        resource: Option<&str>,
    ) -> AppResult<Vec<(ActorId, ActorType)>> {
        let ids = repo::holders_of(self.db_conn(), credential_type.as_str(), resource).await?;
        let raw: Vec<uuid::Uuid> = ids.iter().map(|i| i.0).collect();
        let actors = self.actors().many(&raw).await?;
        Ok(ids
            .into_iter()
            .filter_map(|id| actors.get(&id.0).map(|a| (id, a.actor_type)))
            .collect())
    }
}
