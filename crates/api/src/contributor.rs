//! GraphQL: the `User` type and the `me` query.

use crate::authorization::{Authorization, load_policy};
use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};
use crate::profile::Profile;
use crate::storage::StorageAggregator;
use alkemio_authorization::{ActorKind, AuthorizationPrivilege};
use alkemio_kernel::ids::UserId;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_storage::StorageService;
use async_graphql::{Context, Object, Result};

use alkemio_contributor::{ActorType, UserService, model};

/// What `email` shows to a caller without the right to see personal data (as the reference).
pub const NOT_ACCESSIBLE: &str = "not accessible";

fn users<'a>(ctx: &Context<'a>) -> AppResult<&'a UserService> {
    data::<UserService>(ctx)
}

/// A user of the platform.
#[derive(Debug, Clone)]
pub struct User(pub model::User);

impl User {
    async fn can(&self, ctx: &Context<'_>, privilege: AuthorizationPrivilege) -> AppResult<bool> {
        let Some(policy_id) = self.0.authorization_id else {
            return Ok(false);
        };
        let Some(policy) = load_policy(ctx, policy_id).await? else {
            return Ok(false);
        };
        policy.policy.is_granted(&actor(ctx).credentials, privilege)
    }
}

#[Object(name = "User")]
impl User {
    /// The user's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// The user's URL slug.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Last name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// E-mail address; shown only to callers who may read the user's personal data.
    async fn email(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(
            if self.can(ctx, AuthorizationPrivilege::ReadUserPii).await? {
                self.0.email.clone()
            } else {
                NOT_ACCESSIBLE.to_owned()
            },
        )
    }

    /// Phone number; shown only to callers who may read the user's personal data.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(
            if self.can(ctx, AuthorizationPrivilege::ReadUserPii).await? {
                self.0.phone.clone()
            } else {
                None
            },
        )
    }

    /// The kind of actor: always `USER`.
    async fn r#type(&self) -> ActorType {
        ActorType::User
    }

    /// When the user was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the user last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// The user's profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }

    /// Where the user's files are stored (needs READ on the user).
    async fn storage_aggregator(&self, ctx: &Context<'_>) -> Result<Option<StorageAggregator>> {
        if !self.can(ctx, AuthorizationPrivilege::Read).await? {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::ForbiddenPolicy,
                "Authorization: unable to grant 'read' privilege: read a user's storage",
            )
            .into());
        }
        let Some(id) = self.0.storage_aggregator_id else {
            return Ok(None);
        };
        Ok(Some(StorageAggregator(
            data::<StorageService>(ctx)?.aggregator(id).await?,
        )))
    }

    /// The user's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
}

/// Root query fields of the contributor module.
#[derive(Debug, Default)]
pub struct ContributorQuery;

#[Object]
impl ContributorQuery {
    /// The caller: its id and, for a user, the user.
    async fn me(&self) -> MeQueryResults {
        MeQueryResults
    }
}

/// What the caller can learn about itself.
#[derive(Debug, Clone, Copy)]
pub struct MeQueryResults;

#[Object(name = "MeQueryResults")]
impl MeQueryResults {
    /// `me-` followed by the caller's actor id (empty for anonymous callers and guests).
    async fn id(&self, ctx: &Context<'_>) -> String {
        format!("me-{}", actor(ctx).actor_id())
    }

    /// The calling user; null for anonymous callers and guests.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let ActorKind::Authenticated { actor_id } = actor(ctx).kind else {
            return Ok(None);
        };
        let user = users(ctx)?
            .user(UserId(actor_id))
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {actor_id} not found")))?;
        Ok(Some(User(user)))
    }
}
