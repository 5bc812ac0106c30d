//! Contributor use cases: an actor's credentials (cached, invalidated on every change) and user
//! registration.

use std::time::Duration;

use alkemio_authorization::repo::{self as auth_repo, StoredPolicy};
use alkemio_authorization::{AuthorizationPolicyType, Credential, CredentialType};
use alkemio_cache::Cache;
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::authorization::apply_user_policy;
use crate::model::{Actor, ActorType, NewUser, User};
use crate::{name_id, repo};

/// The cache key of an actor's credentials (the reference's key).
pub fn credentials_cache_key(actor: ActorId) -> String {
    format!("@actorContext:actorID:{actor}")
}

/// Actors and their credentials.
#[derive(Debug, Clone)]
pub struct ActorService {
    db: Database,
    cache: Cache,
    ttl: Duration,
}

impl ActorService {
    /// A service caching credentials for `ttl`.
    pub fn new(db: Database, cache: Cache, ttl: Duration) -> Self {
        Self { db, cache, ttl }
    }

    /// The database.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The credentials an actor holds, from the cache when present; `None` when no such actor
    /// exists.
    pub async fn credentials(&self, actor: ActorId) -> AppResult<Option<Vec<Credential>>> {
        let key = credentials_cache_key(actor);
        if let Some(cached) = self.cache.get::<Vec<Credential>>(&key).await {
            return Ok(Some(cached));
        }
        if repo::find_actor(self.db.conn(), actor).await?.is_none() {
            return Ok(None);
        }
        let credentials = repo::credentials_of(self.db.conn(), actor).await?;
        self.cache.set(&key, &credentials, self.ttl).await;
        Ok(Some(credentials))
    }

    /// The actor row.
    pub async fn actor(&self, id: ActorId) -> AppResult<Option<Actor>> {
        repo::find_actor(self.db.conn(), id).await
    }

    /// Grants a credential inside the caller's transaction; returns whether it is new. Call
    /// [`ActorService::invalidate`] after the transaction commits.
    pub async fn grant_in(
        &self,
        conn: &impl ConnectionTrait,
        actor: ActorId,
        credential: &Credential,
    ) -> AppResult<bool> {
        repo::insert_credential(conn, actor, credential).await
    }

    /// Revokes a credential inside the caller's transaction; returns whether it was held. Call
    /// [`ActorService::invalidate`] after the transaction commits.
    pub async fn revoke_in(
        &self,
        conn: &impl ConnectionTrait,
        actor: ActorId,
        credential: &Credential,
    ) -> AppResult<bool> {
        repo::delete_credential(conn, actor, credential).await
    }

    /// Drops the cached credentials of an actor, so its next request sees the change.
    pub async fn invalidate(&self, actor: ActorId) -> AppResult<()> {
        self.cache.delete(&credentials_cache_key(actor)).await
    }

    /// The actors that hold a credential.
    pub async fn actors_with(
        &self,
        conn: &impl ConnectionTrait,
        credential: &Credential,
    ) -> AppResult<Vec<ActorId>> {
        repo::actors_with_credential(conn, credential).await
    }

    /// How many actors of a kind hold a credential.
    pub async fn count_holders(
        &self,
        conn: &impl ConnectionTrait,
        credential: &Credential,
        actor_type: ActorType,
    ) -> AppResult<u64> {
        repo::count_holders(conn, credential, actor_type).await
    }

    /// The actor row, read through the caller's connection or transaction.
    pub async fn actor_in(
        &self,
        conn: &impl ConnectionTrait,
        id: ActorId,
    ) -> AppResult<Option<Actor>> {
        repo::find_actor(conn, id).await
    }

    /// The credentials of an actor, read through the caller's connection (uncached).
    pub async fn credentials_in(
        &self,
        conn: &impl ConnectionTrait,
        id: ActorId,
    ) -> AppResult<Vec<Credential>> {
        repo::credentials_of(conn, id).await
    }
}

/// Users.
#[derive(Debug, Clone)]
pub struct UserService {
    actors: ActorService,
}

impl UserService {
    /// A service over the actor service.
    pub fn new(actors: ActorService) -> Self {
        Self { actors }
    }

    fn db(&self) -> &Database {
        self.actors.db()
    }

    /// A user by id.
    pub async fn user(&self, id: UserId) -> AppResult<Option<User>> {
        repo::find_user(self.db().conn(), id).await
    }

    /// The users with these ids, in no particular order.
    pub async fn users(&self, ids: &[UserId]) -> AppResult<Vec<User>> {
        repo::find_users(self.db().conn(), ids).await
    }

    /// The actor service.
    pub fn actors(&self) -> &ActorService {
        &self.actors
    }

    /// A user by e-mail (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> AppResult<Option<User>> {
        repo::find_user_by_email(self.db().conn(), email).await
    }

    /// A user by identity-provider id.
    pub async fn user_by_authentication_id(
        &self,
        authentication_id: &str,
    ) -> AppResult<Option<User>> {
        repo::find_user_by_authentication_id(self.db().conn(), authentication_id).await
    }

    /// Recomputes a user's policy from its current credentials and stores it; returns its id.
    async fn apply_authorization_in(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
    ) -> AppResult<uuid::Uuid> {
        let credentials = repo::credentials_of(conn, user.id.into()).await?;
        let mut policy = match user.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        }
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::User));
        apply_user_policy(&mut policy, user.id, &credentials);
        auth_repo::save_all(conn, std::slice::from_ref(&policy)).await?;
        if user.authorization_id != Some(policy.id) {
            repo::set_actor_authorization_id(conn, user.id.into(), policy.id).await?;
        }
        Ok(policy.id)
    }

    /// Recomputes and stores a user's policy (the reference's reset on a user).
    pub async fn reset_authorization(&self, id: UserId) -> AppResult<()> {
        let txn = self.db().conn().begin().await?;
        let user = repo::find_user(&txn, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        self.apply_authorization_in(&txn, &user).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every user's id.
    pub async fn all_ids(&self) -> AppResult<Vec<UserId>> {
        repo::all_user_ids(self.db().conn()).await
    }

    /// A user's stored policy.
    pub async fn authorization(&self, user: &User) -> AppResult<Option<StoredPolicy>> {
        match user.authorization_id {
            Some(id) => auth_repo::load(self.db().conn(), id).await,
            None => Ok(None),
        }
    }

    /// Links an existing user to an identity-provider id.
    pub async fn link_authentication_id(
        &self,
        id: UserId,
        authentication_id: &str,
    ) -> AppResult<()> {
        repo::set_authentication_id(self.db().conn(), id, authentication_id).await
    }

    /// Registers a user: its actor (with a generated NameID), its row, and the credentials every
    /// user holds (`global-registered`, `user-self`), plus any `extra` credentials, in one
    /// transaction.
    pub async fn register(&self, new: NewUser, extra: &[Credential]) -> AppResult<User> {
        let email = new.email.trim().to_lowercase();
        if !email.contains('@') || email.len() > 512 {
            return Err(AppError::new(
                ErrorStatus::BadUserInput,
                format!("Not a valid e-mail address: {email}"),
            ));
        }
        let base = match (new.first_name.trim(), new.last_name.trim()) {
            ("", "") => email.split('@').next().unwrap_or("user").to_owned(),
            (first, "") => first.to_owned(),
            ("", last) => last.to_owned(),
            (first, last) => format!("{first}-{last}"),
        };
        let txn = self.db().conn().begin().await?;
        if repo::find_user_by_email(&txn, &email).await?.is_some() {
            return Err(AppError::new(
                ErrorStatus::UserAlreadyRegistered,
                format!("A user with e-mail {email} is already registered"),
            ));
        }
        let prefix = name_id::generate(&base);
        let taken = repo::name_ids_with_prefix(&txn, ActorType::User, &prefix).await?;
        let name_id = name_id::generate_unique(&base, |n| taken.iter().any(|t| t == n));
        let id = UserId::new();
        repo::insert_actor(
            &txn,
            &Actor {
                id: id.into(),
                actor_type: ActorType::User,
                name_id: name_id.clone(),
            },
        )
        .await?;
        let now = Utc::now().trunc_subsecs(6);
        let mut user = User {
            id,
            name_id,
            email,
            first_name: new.first_name.trim().to_owned(),
            last_name: new.last_name.trim().to_owned(),
            phone: None,
            authentication_id: new.authentication_id,
            service_profile: false,
            authorization_id: None,
            created_date: now,
            updated_date: now,
        };
        repo::insert_user(&txn, &user).await?;
        let base_credentials = [
            Credential::global(CredentialType::GlobalRegistered),
            Credential::new(CredentialType::UserSelfManagement, id),
        ];
        for credential in base_credentials.iter().chain(extra) {
            self.actors.grant_in(&txn, id.into(), credential).await?;
        }
        user.authorization_id = Some(self.apply_authorization_in(&txn, &user).await?);
        txn.commit().await?;
        self.actors.invalidate(id.into()).await?;
        tracing::info!(user.id = %id, user.name_id = %user.name_id, "user registered");
        Ok(user)
    }
}
