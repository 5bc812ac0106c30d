//! Contributor use cases: an actor's credentials (cached, invalidated on every change) and user
//! registration.

use std::collections::HashMap;
use std::time::Duration;

use alkemio_authorization::repo::{self as auth_repo, StoredPolicy};
use alkemio_authorization::{AuthorizationPolicyType, Credential, CredentialType};
use alkemio_cache::Cache;
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;

use alkemio_common::profile::authorization::publicly_readable;
use alkemio_common::profile::{NewProfile, NewReference, NewTagset, ProfileService, ProfileType};
use alkemio_common::visual::VisualType;
use alkemio_storage::StorageAggregatorType;

use crate::account::{Account, AccountType, BaselineLicensePlan, new_account_policy};
use crate::authorization::apply_user_policy;
use crate::model::{Actor, ActorType, NewUser, User, UserSettings};
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

    /// The actors owning these profiles: profile id → (actor type, NameID), in one query.
    pub async fn actors_by_profile(
        &self,
        profiles: &[uuid::Uuid],
    ) -> AppResult<std::collections::HashMap<uuid::Uuid, (ActorType, String)>> {
        repo::actors_by_profile(self.db.conn(), profiles).await
    }

    /// The id of the actor owning a profile.
    pub async fn actor_id_by_profile(&self, profile: uuid::Uuid) -> AppResult<Option<ActorId>> {
        Ok(repo::actor_id_by_profile(self.db.conn(), profile)
            .await?
            .map(ActorId))
    }

    /// The actor whose storage aggregator this is.
    pub async fn actor_by_aggregator(&self, aggregator: uuid::Uuid) -> AppResult<Option<Actor>> {
        repo::actor_by_aggregator(self.db.conn(), aggregator).await
    }

    /// The actor row.
    pub async fn actor(&self, id: ActorId) -> AppResult<Option<Actor>> {
        repo::find_actor(self.db.conn(), id).await
    }

    /// Actors by id (one statement).
    pub async fn many(&self, ids: &[uuid::Uuid]) -> AppResult<HashMap<uuid::Uuid, Actor>> {
        repo::find_actors(self.db.conn(), ids).await
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

    /// The actors a mention query matches, by display name.
    pub async fn mentionable(
        &self,
        q: &crate::listing::MentionQuery,
    ) -> AppResult<Vec<(ActorId, crate::model::ActorType)>> {
        crate::listing::mentionable_actors(self.db.conn(), q).await
    }

    /// The actors that hold a credential.
    pub async fn actors_with(
        &self,
        conn: &impl ConnectionTrait,
        credential: &Credential,
    ) -> AppResult<Vec<ActorId>> {
        repo::actors_with_credential(conn, credential).await
    }

    /// Every credential held for any of these resources, with its holder, by resource id.
    pub async fn holders_by_resources(
        &self,
        resources: &[uuid::Uuid],
    ) -> AppResult<std::collections::HashMap<uuid::Uuid, Vec<(Credential, ActorId)>>> {
        let mut out: std::collections::HashMap<uuid::Uuid, Vec<(Credential, ActorId)>> =
            std::collections::HashMap::new();
        for (credential, holder) in repo::holders_by_resources(self.db.conn(), resources).await? {
            if let Ok(resource) = uuid::Uuid::parse_str(&credential.resource_id) {
                out.entry(resource).or_default().push((credential, holder));
            }
        }
        Ok(out)
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

/// Work another module does when a user has registered (e.g. turning invitations of the
/// user's e-mail address into invitations of the user).
pub type RegistrationHook = std::sync::Arc<
    dyn Fn(User) -> std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<()>> + Send>>
        + Send
        + Sync,
>;

/// Users.
#[derive(Clone)]
pub struct UserService {
    actors: ActorService,
    profiles: ProfileService,
    outbox: alkemio_events::Outbox,
    on_registered: std::sync::Arc<std::sync::OnceLock<RegistrationHook>>,
}

impl std::fmt::Debug for UserService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserService").finish_non_exhaustive()
    }
}

impl UserService {
    /// A service over actors and profiles, recording its events in `outbox`.
    pub fn new(
        actors: ActorService,
        profiles: ProfileService,
        outbox: alkemio_events::Outbox,
    ) -> Self {
        Self {
            actors,
            profiles,
            outbox,
            on_registered: std::sync::Arc::default(),
        }
    }

    /// Sets what runs after each registration (once, at start-up; every clone shares it).
    pub fn on_registered(&self, hook: RegistrationHook) {
        if self.on_registered.set(hook).is_err() {
            tracing::warn!("a registration hook was set already");
        }
    }

    /// The database connection (for reads composed by the GraphQL layer).
    pub fn db_conn(&self) -> &sea_orm::DatabaseConnection {
        self.db().conn()
    }

    /// Where this module's events are recorded.
    pub fn outbox(&self) -> &alkemio_events::Outbox {
        &self.outbox
    }

    /// The profile service.
    pub fn profiles(&self) -> &ProfileService {
        &self.profiles
    }

    pub(crate) fn db(&self) -> &Database {
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

    /// One page of users matching `filter` (and, when given, having or lacking tags), in
    /// insertion order, with the filtered total.
    pub async fn page(
        &self,
        filter: &crate::listing::UserFilter,
        with_tags: Option<bool>,
        args: alkemio_kernel::pagination::PaginationArgs,
    ) -> AppResult<(alkemio_kernel::pagination::Page<User>, u64)> {
        let request = args.validate()?;
        let conn = self.db().conn();
        let ids = crate::listing::page_user_ids(conn, filter, with_tags, &request).await?;
        let mut by_id: std::collections::HashMap<UserId, User> =
            repo::find_users(conn, &ids.fetched)
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
        let ordered: Vec<User> = ids
            .fetched
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect();
        Ok((request.into_page(ordered, |u| u.id.0), ids.total))
    }

    /// The users listed by `users(…)`: holders of any of `credential_types` (service profiles
    /// included) or, without types, every user who is not a service profile; narrowed to `ids`
    /// when given, in insertion order.
    pub async fn list(
        &self,
        credential_types: Option<&[&str]>,
        ids: Option<&[UserId]>,
    ) -> AppResult<Vec<User>> {
        let conn = self.db().conn();
        let mut listed = crate::listing::listed_user_ids(conn, credential_types).await?;
        if let Some(wanted) = ids {
            listed.retain(|id| wanted.contains(id));
        }
        let mut by_id: std::collections::HashMap<UserId, User> = repo::find_users(conn, &listed)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        Ok(listed.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// `updateUser`: needs UPDATE on the user. A changed NameID must be free among users;
    /// names and phone are at most 128 characters; the e-mail address cannot change here. The
    /// user's fields and its profile change in one transaction, or not at all.
    pub async fn update_user(
        &self,
        caller: &alkemio_authorization::ActorContext,
        update: UserUpdate,
    ) -> AppResult<User> {
        let mut user = self
            .user(update.id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {} not found", update.id)))?;
        self.require(
            caller,
            &user,
            alkemio_authorization::AuthorizationPrivilege::Update,
            "update a user",
        )
        .await?;
        for (label, value) in [
            ("firstName", &update.first_name),
            ("lastName", &update.last_name),
            ("phone", &update.phone),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 128) {
                return Err(AppError::bad_input(format!(
                    "{label} may have at most 128 characters"
                )));
            }
        }
        let mut new_name_id = None;
        if let Some(name_id) = update
            .name_id
            .filter(|n| !n.eq_ignore_ascii_case(&user.name_id))
        {
            if self.id_by_name_id(&name_id).await?.is_some() {
                return Err(AppError::bad_input(format!(
                    "The provided nameID is already taken: {name_id}"
                )));
            }
            new_name_id = Some(name_id);
        }
        if let Some(v) = update.first_name {
            user.first_name = v.trim().to_owned();
        }
        if let Some(v) = update.last_name {
            user.last_name = v.trim().to_owned();
        }
        if let Some(v) = update.phone {
            user.phone = Some(v.trim().to_owned());
        }
        if let Some(v) = update.service_profile {
            user.service_profile = v;
        }
        let profile = match (update.profile, user.profile_id) {
            (Some(changes), Some(profile_id)) => {
                Some(self.profiles.prepare_update(profile_id, changes).await?)
            }
            (Some(_), None) => {
                return Err(AppError::internal_msg(format_args!(
                    "user {} has no profile",
                    user.id
                )));
            }
            (None, _) => None,
        };
        let txn = self.db().begin().await?;
        repo::update_user_fields(&txn, &user).await?;
        if let Some(name_id) = &new_name_id {
            repo::set_actor_name_id(&txn, user.id.into(), name_id).await?;
        }
        if let Some(profile) = &profile {
            ProfileService::write_update(&txn, profile).await?;
        }
        txn.commit().await?;
        self.user(user.id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("user {} vanished", user.id)))
    }

    /// Deletes an account inside the caller's transaction: its profile, storage, license,
    /// actor row and everybody's admin credential for it. Returns the policy ids and content
    /// hashes to clean up, and the actors whose credentials changed.
    pub async fn delete_account_in(
        &self,
        conn: &impl ConnectionTrait,
        account: &Account,
    ) -> AppResult<Deleted> {
        let mut deleted = Deleted::default();
        if let Some(profile) = account.profile_id {
            deleted
                .policies
                .extend(self.profiles.delete_in(conn, &[profile]).await?);
        }
        if let Some(aggregator) = account.storage_aggregator_id {
            let (policies, hashes) = self
                .profiles
                .storage()
                .delete_aggregators_in(conn, &[aggregator])
                .await?;
            deleted.policies.extend(policies);
            deleted.contents.extend(hashes);
        }
        if let Some(license) = account.license_id {
            deleted
                .policies
                .extend(alkemio_licensing::delete_licenses(conn, &[license]).await?);
        }
        deleted.policies.extend(account.authorization_id);
        deleted.actors.extend(
            repo::revoke_from_all(
                conn,
                &Credential::new(CredentialType::AccountAdmin, account.id),
            )
            .await?,
        );
        repo::delete_actor(conn, account.id).await?;
        Ok(deleted)
    }

    /// Deletes an actor's profile and storage aggregator inside the caller's transaction.
    pub async fn delete_profile_and_storage_in(
        &self,
        conn: &impl ConnectionTrait,
        profile: Option<uuid::Uuid>,
        aggregator: Option<uuid::Uuid>,
        deleted: &mut Deleted,
    ) -> AppResult<()> {
        if let Some(profile) = profile {
            deleted
                .policies
                .extend(self.profiles.delete_in(conn, &[profile]).await?);
        }
        if let Some(aggregator) = aggregator {
            let (policies, hashes) = self
                .profiles
                .storage()
                .delete_aggregators_in(conn, &[aggregator])
                .await?;
            deleted.policies.extend(policies);
            deleted.contents.extend(hashes);
        }
        Ok(())
    }

    /// After the deleting transaction committed: drops cached credentials of the actors whose
    /// credentials changed and removes file bytes nothing uses any more.
    pub async fn finish_deletion(&self, deleted: &Deleted) -> AppResult<()> {
        for actor in &deleted.actors {
            self.actors.invalidate(*actor).await?;
        }
        self.profiles
            .storage()
            .release_contents(&deleted.contents)
            .await
    }

    /// `deleteUser`: needs DELETE on the user (the user itself or a global admin). Removes the
    /// user with its profile, storage (and stored files), settings, credentials, policies and
    /// its account with everything the account holds, in one transaction. Content the user
    /// created elsewhere stays. Returns the user as it was.
    pub async fn delete_user(
        &self,
        caller: &alkemio_authorization::ActorContext,
        id: UserId,
    ) -> AppResult<User> {
        let user = self
            .user(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        self.require(
            caller,
            &user,
            alkemio_authorization::AuthorizationPrivilege::Delete,
            "delete a user",
        )
        .await?;
        let account = match user.account_id {
            Some(account) => self.account(account).await?,
            None => None,
        };
        let display_name = match user.profile_id {
            Some(p) => self.profiles.profile(p).await?.display_name,
            None => format!("{} {}", user.first_name, user.last_name),
        };
        let txn = self.db().begin().await?;
        self.outbox
            .record(
                &txn,
                alkemio_events::DomainEvent::UserRemoved {
                    user_id: id.0,
                    display_name,
                    email: user.email.clone(),
                },
                caller.authenticated_id(),
            )
            .await?;
        let mut deleted = Deleted::default();
        if let Some(settings) = repo::find_settings(&txn, id).await? {
            deleted.policies.extend(settings.authorization_id);
        }
        self.delete_profile_and_storage_in(
            &txn,
            user.profile_id,
            user.storage_aggregator_id,
            &mut deleted,
        )
        .await?;
        if let Some(account) = &account {
            let from_account = self.delete_account_in(&txn, account).await?;
            deleted.merge(from_account);
        }
        deleted.policies.extend(user.authorization_id);
        alkemio_activity::delete_involving(&txn, id.0).await?;
        repo::delete_actor(&txn, id.into()).await?;
        auth_repo::delete(&txn, &deleted.policies).await?;
        txn.commit().await?;
        self.outbox.wake();
        deleted.actors.push(id.into());
        self.finish_deletion(&deleted).await?;
        tracing::info!(user.id = %id, "user deleted");
        Ok(user)
    }

    /// Records domain events that change nothing else (messages sent) in one transaction of
    /// their own, all or none, and wakes the relay.
    pub async fn announce(
        &self,
        events: Vec<alkemio_events::DomainEvent>,
        trigger: Option<uuid::Uuid>,
    ) -> AppResult<()> {
        let txn = self.db().begin().await?;
        for event in events {
            self.outbox.record(&txn, event, trigger).await?;
        }
        txn.commit().await?;
        self.outbox.wake();
        Ok(())
    }

    /// `updateUserPlatformSettings`: needs PLATFORM_ADMIN on the user. Changes the NameID (which
    /// must be free among users) and the e-mail address (trimmed, lower-cased, valid and not
    /// used by another user).
    pub async fn update_platform_settings(
        &self,
        caller: &alkemio_authorization::ActorContext,
        id: UserId,
        name_id: Option<String>,
        email: Option<String>,
    ) -> AppResult<User> {
        let mut user = self
            .user(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        self.require(
            caller,
            &user,
            alkemio_authorization::AuthorizationPrivilege::PlatformAdmin,
            "change a user's platform settings",
        )
        .await?;
        let new_name_id = match name_id.filter(|n| !n.eq_ignore_ascii_case(&user.name_id)) {
            Some(n) if self.id_by_name_id(&n).await?.is_some() => {
                return Err(AppError::bad_input(format!(
                    "The provided nameID is already taken: {n}"
                )));
            }
            other => other,
        };
        if let Some(email) = email {
            let email = email.trim().to_lowercase();
            let valid = email
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !email.contains(' '));
            if !valid || email.len() > 512 {
                return Err(AppError::bad_input(format!(
                    "Not a valid e-mail address: {email}"
                )));
            }
            if email != user.email {
                if self.user_by_email(&email).await?.is_some() {
                    return Err(AppError::bad_input(format!(
                        "The e-mail address is already in use: {email}"
                    )));
                }
                user.email = email;
            }
        }
        let txn = self.db().begin().await?;
        repo::update_user_email(&txn, &user).await?;
        if let Some(n) = &new_name_id {
            repo::set_actor_name_id(&txn, id.into(), n).await?;
        }
        txn.commit().await?;
        self.user(id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("user {id} vanished")))
    }

    /// The id of the user with this NameID.
    pub async fn id_by_name_id(&self, name_id: &str) -> AppResult<Option<UserId>> {
        crate::listing::user_id_by_name_id(self.db().conn(), name_id).await
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

    /// Recomputes a user's policy from its current credentials, and the policies of its
    /// profile and storage below it, and stores them; returns the user policy's id.
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
        let mut policies = vec![policy.clone()];
        if let Some(profile) = user.profile_id {
            policies.extend(
                self.profiles
                    .recompute_policies(conn, profile, &publicly_readable(&policy))
                    .await?,
            );
        }
        if let Some(aggregator) = user.storage_aggregator_id {
            policies.extend(
                self.profiles
                    .storage()
                    .recompute_aggregator_policies(conn, aggregator, &policy)
                    .await?,
            );
        }
        if let Some(account_id) = user.account_id
            && let Some(account) = crate::account::find(conn, account_id).await?
        {
            policies.extend(self.account_policies_in(conn, &account).await?);
        }
        auth_repo::save_all(conn, &policies).await?;
        if user.authorization_id != Some(policy.id) {
            repo::set_actor_authorization_id(conn, user.id.into(), policy.id).await?;
        }
        Ok(policy.id)
    }

    /// Recomputes an account's policy and the policies below it (license, profile, storage),
    /// inside the caller's transaction; returns them for the caller to save.
    pub async fn account_policies_in(
        &self,
        conn: &impl ConnectionTrait,
        account: &Account,
    ) -> AppResult<Vec<alkemio_authorization::AuthorizationPolicy>> {
        let mut policy = match account.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        }
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::Account));
        crate::account::apply_account_policy(&mut policy, account.id);
        let mut policies = vec![policy.clone()];
        if let Some(license_id) = account.license_id
            && let Some(license) = alkemio_licensing::licenses(conn, &[license_id])
                .await?
                .remove(&license_id)
            && let Some(license_policy_id) = license.authorization_id
            && let Some(stored) = auth_repo::load(conn, license_policy_id).await?
        {
            let mut license_policy = stored.policy;
            license_policy.inherit_from(&policy);
            policies.push(license_policy);
        }
        if let Some(profile) = account.profile_id {
            policies.extend(
                self.profiles
                    .recompute_policies(conn, profile, &policy)
                    .await?,
            );
        }
        if let Some(aggregator) = account.storage_aggregator_id {
            policies.extend(
                self.profiles
                    .storage()
                    .recompute_aggregator_policies(conn, aggregator, &policy)
                    .await?,
            );
        }
        if account.authorization_id != Some(policy.id) {
            repo::set_actor_authorization_id(conn, account.id, policy.id).await?;
        }
        Ok(policies)
    }

    /// Recomputes and stores an account's policy and the policies of its license, profile and
    /// storage; returns the account's policy for what the account hosts.
    pub async fn reset_account_authorization(
        &self,
        account: &Account,
    ) -> AppResult<alkemio_authorization::AuthorizationPolicy> {
        let txn = self.db().begin().await?;
        let policies = self.account_policies_in(&txn, account).await?;
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        policies
            .into_iter()
            .next()
            .ok_or_else(|| AppError::internal_msg("an account without a policy"))
    }

    /// Recomputes and stores a user's policy (the reference's reset on a user).
    pub async fn reset_authorization(&self, id: UserId) -> AppResult<()> {
        let txn = self.db().begin().await?;
        let user = repo::find_user(&txn, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        self.apply_authorization_in(&txn, &user).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A user's settings.
    pub async fn settings(&self, id: UserId) -> AppResult<UserSettings> {
        repo::find_settings(self.db().conn(), id)
            .await?
            .ok_or_else(|| AppError::internal_msg(format_args!("user {id} has no settings")))
    }

    /// Settings of many users (one query).
    pub async fn settings_many(&self, ids: &[uuid::Uuid]) -> AppResult<Vec<UserSettings>> {
        repo::find_settings_many(self.db().conn(), ids).await
    }

    /// `updateUserSettings`: merges the changes into the user's settings (needs UPDATE on the
    /// user).
    pub async fn update_settings(
        &self,
        caller: &alkemio_authorization::ActorContext,
        id: UserId,
        patch: serde_json::Value,
    ) -> AppResult<User> {
        let user = self
            .user(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        self.require(
            caller,
            &user,
            alkemio_authorization::AuthorizationPrivilege::Update,
            "update a user's settings",
        )
        .await?;
        let settings = self.settings(id).await?;
        let mut document = settings.document;
        crate::settings::merge(&mut document, patch);
        repo::update_settings(self.db().conn(), settings.id, document).await?;
        Ok(user)
    }

    /// Checks a privilege on a user's policy.
    pub async fn require(
        &self,
        caller: &alkemio_authorization::ActorContext,
        user: &User,
        privilege: alkemio_authorization::AuthorizationPrivilege,
        action: &str,
    ) -> AppResult<()> {
        let policy = self.authorization(user).await?;
        alkemio_authorization::grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            privilege,
            action,
        )
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

    /// Creates an account hosted by a user or organization, inside the caller's transaction: its
    /// actor, row, license, storage aggregator and profile; their policies are added to
    /// `policies` for the caller to save.
    pub async fn create_account_in(
        &self,
        conn: &impl ConnectionTrait,
        id: ActorId,
        kind: AccountType,
        policies: &mut Vec<alkemio_authorization::AuthorizationPolicy>,
    ) -> AppResult<Account> {
        let name_id = format!(
            "account-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let policy = new_account_policy(id);
        let (license, license_policy) = alkemio_licensing::new_account_license(&policy);
        let (aggregator, direct, storage_policies) =
            self.profiles
                .storage()
                .new_aggregator(StorageAggregatorType::Account, None, &policy);
        let profile = self.profiles.build(
            NewProfile {
                display_name: name_id.clone(),
                ..Default::default()
            },
            ProfileType::Account,
            &policy,
            Some(aggregator.id),
        )?;
        repo::insert_actor(
            conn,
            &Actor {
                id,
                actor_type: ActorType::Account,
                name_id: name_id.clone(),
                profile_id: Some(profile.profile.id),
                storage_aggregator_id: Some(aggregator.id),
                authorization_id: None,
                created_date: Utc::now().trunc_subsecs(6),
                updated_date: Utc::now().trunc_subsecs(6),
            },
        )
        .await?;
        let now = Utc::now().trunc_subsecs(6);
        let account = Account {
            id,
            name_id,
            account_type: kind,
            baseline_license_plan: BaselineLicensePlan::default(),
            external_subscription_id: None,
            license_id: Some(license.id),
            authorization_id: Some(policy.id),
            profile_id: Some(profile.profile.id),
            storage_aggregator_id: Some(aggregator.id),
            created_date: now,
            updated_date: now,
        };
        alkemio_licensing::insert_license(conn, &license).await?;
        crate::account::insert(conn, &account).await?;
        self.profiles
            .storage()
            .insert_aggregator_in(conn, &aggregator, &direct)
            .await?;
        self.profiles.insert_in(conn, &profile).await?;
        repo::set_actor_authorization_id(conn, id, policy.id).await?;
        policies.push(policy);
        policies.push(license_policy);
        policies.extend(storage_policies);
        Ok(account)
    }

    /// Accounts by id (for batched loading).
    pub async fn accounts(&self, ids: &[uuid::Uuid]) -> AppResult<Vec<Account>> {
        crate::account::find_many(self.db().conn(), ids).await
    }

    /// An account, read through the caller's connection or transaction.
    pub async fn account_in(
        &self,
        conn: &impl ConnectionTrait,
        id: ActorId,
    ) -> AppResult<Option<Account>> {
        crate::account::find(conn, id).await
    }

    /// An account.
    pub async fn account(&self, id: ActorId) -> AppResult<Option<Account>> {
        crate::account::find(self.db().conn(), id).await
    }

    /// An account, or ENTITY_NOT_FOUND.
    pub async fn account_or_fail(&self, id: ActorId) -> AppResult<Account> {
        self.account(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Unable to find Account with ID: {id}")))
    }

    /// The account holding a license.
    pub async fn account_by_license(&self, license: uuid::Uuid) -> AppResult<Option<Account>> {
        match crate::account::id_by_license(self.db().conn(), license).await? {
            Some(id) => self.account(ActorId(id)).await,
            None => Ok(None),
        }
    }

    /// Replaces an account's baseline license plan.
    pub async fn set_baseline_plan(
        &self,
        id: ActorId,
        plan: crate::account::BaselineLicensePlan,
    ) -> AppResult<()> {
        crate::account::set_baseline(self.db().conn(), id, plan).await
    }

    /// Every account's id, oldest first.
    pub async fn all_account_ids(&self) -> AppResult<Vec<uuid::Uuid>> {
        crate::account::all_ids(self.db().conn()).await
    }

    /// The user hosting an account, if a user hosts it.
    pub async fn account_host(&self, id: ActorId) -> AppResult<Option<User>> {
        repo::user_by_account(self.db().conn(), id).await
    }

    /// The stored credentials of an actor.
    pub async fn credential_records(&self, id: ActorId) -> AppResult<Vec<repo::CredentialRecord>> {
        repo::credential_records(self.db().conn(), id).await
    }

    /// Registers a user: its actor (with a generated NameID), its row, its profile (avatar,
    /// `skills` and `keywords` tagsets, LinkedIn/GitHub/Bluesky references, location, bucket),
    /// its storage aggregator, its policies, and the credentials every user holds
    /// (`global-registered`, `user-self`), plus any `extra` credentials, in one transaction.
    pub async fn register(&self, new: NewUser, extra: &[Credential]) -> AppResult<User> {
        self.register_with(new, crate::model::UserDetails::default(), extra)
            .await
    }

    /// `createUser`: registers a user on someone's behalf with the given details; the caller
    /// has checked CREATE on the platform. An e-mail address or NameID in use is refused.
    pub async fn create(
        &self,
        new: NewUser,
        details: crate::model::UserDetails,
    ) -> AppResult<User> {
        let email = new.email.trim().to_lowercase();
        if repo::find_user_by_email(self.db().conn(), &email)
            .await?
            .is_some()
        {
            return Err(AppError::bad_input(format!(
                "User profile with the specified email ({email}) already exists"
            )));
        }
        self.register_with(new, details, &[]).await
    }

    async fn register_with(
        &self,
        new: NewUser,
        details: crate::model::UserDetails,
        extra: &[Credential],
    ) -> AppResult<User> {
        let email = new.email.trim().to_lowercase();
        if !email.contains('@') || email.len() > 512 {
            return Err(AppError::new(
                ErrorStatus::BadUserInput,
                format!("Not a valid e-mail address: {email}"),
            ));
        }
        let (first, last) = (
            new.first_name.trim().to_owned(),
            new.last_name.trim().to_owned(),
        );
        let local = email.split('@').next().unwrap_or("user").to_owned();
        let base = match (first.as_str(), last.as_str()) {
            ("", "") => local.clone(),
            (f, "") => f.to_owned(),
            ("", l) => l.to_owned(),
            (f, l) => format!("{f}-{l}"),
        };
        let mut display_name = match format!("{first} {last}").trim() {
            "" => local,
            name => name.to_owned(),
        };
        let mut profile_input = details.profile.unwrap_or_default();
        if !profile_input.display_name.trim().is_empty() {
            display_name = profile_input.display_name.trim().to_owned();
        }
        for name in ["skills", "keywords"] {
            if !profile_input.tagsets.iter().any(|t| t.name == name) {
                profile_input.tagsets.push(NewTagset {
                    name: name.to_owned(),
                    tags: Vec::new(),
                });
            }
        }
        for reference in default_references() {
            if !profile_input
                .references
                .iter()
                .any(|r| r.name == reference.name)
            {
                profile_input.references.push(reference);
            }
        }
        let phone = match details.phone.map(|p| p.trim().to_owned()) {
            Some(p) if p.chars().count() > 128 => {
                return Err(AppError::bad_input(
                    "A phone number may have at most 128 characters",
                ));
            }
            other => other.filter(|p| !p.is_empty()),
        };
        let txn = self.db().begin().await?;
        if repo::find_user_by_email(&txn, &email).await?.is_some() {
            return Err(AppError::new(
                ErrorStatus::UserAlreadyRegistered,
                format!("A user with e-mail {email} is already registered"),
            ));
        }
        let name_id = match details.name_id.map(|n| n.trim().to_lowercase()) {
            Some(chosen) => {
                let taken = repo::name_ids_with_prefix(&txn, ActorType::User, &chosen).await?;
                if taken.contains(&chosen) {
                    return Err(AppError::bad_input(format!(
                        "The provided nameID is already taken: {chosen}"
                    )));
                }
                chosen
            }
            None => {
                let prefix = name_id::generate(&base);
                let taken = repo::name_ids_with_prefix(&txn, ActorType::User, &prefix).await?;
                name_id::generate_unique(&base, |n| taken.iter().any(|t| t == n))
            }
        };
        let id = UserId::new();
        let account_id = ActorId::new();
        let base_credentials = [
            Credential::global(CredentialType::GlobalRegistered),
            Credential::new(CredentialType::UserSelfManagement, id),
            Credential::new(CredentialType::AccountAdmin, account_id),
        ];
        let credentials: Vec<Credential> = base_credentials.iter().chain(extra).cloned().collect();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::User);
        apply_user_policy(&mut policy, id, &credentials);
        let (aggregator, direct, mut policies) =
            self.profiles
                .storage()
                .new_aggregator(StorageAggregatorType::User, None, &policy);
        let mut profile = self.profiles.build(
            NewProfile {
                display_name,
                visuals: vec![VisualType::Avatar],
                ..profile_input
            },
            ProfileType::User,
            &publicly_readable(&policy),
            Some(aggregator.id),
        )?;
        if let Some(uri) = details.avatar_uri.filter(|u| !u.trim().is_empty())
            && let Some(avatar) = profile
                .visuals
                .iter_mut()
                .find(|v| v.name == VisualType::Avatar)
        {
            avatar.uri = uri;
        }
        policies.push(policy.clone());
        repo::insert_actor(
            &txn,
            &Actor {
                id: id.into(),
                actor_type: ActorType::User,
                name_id: name_id.clone(),
                profile_id: Some(profile.profile.id),
                storage_aggregator_id: Some(aggregator.id),
                authorization_id: None,
                created_date: Utc::now().trunc_subsecs(6),
                updated_date: Utc::now().trunc_subsecs(6),
            },
        )
        .await?;
        let now = Utc::now().trunc_subsecs(6);
        let user = User {
            id,
            name_id,
            email,
            first_name: first,
            last_name: last,
            phone,
            authentication_id: new.authentication_id,
            service_profile: false,
            authorization_id: Some(policy.id),
            account_id: Some(account_id),
            profile_id: Some(profile.profile.id),
            storage_aggregator_id: Some(aggregator.id),
            created_date: now,
            updated_date: now,
        };
        let account = self
            .create_account_in(&txn, account_id, AccountType::User, &mut policies)
            .await?;
        repo::insert_user(&txn, &user).await?;
        repo::set_user_account(&txn, id, account.id).await?;
        let mut settings_policy = auth_repo::new_policy(AuthorizationPolicyType::UserSettings);
        settings_policy.inherit_from(&policy);
        repo::insert_settings(
            &txn,
            &UserSettings {
                id: uuid::Uuid::now_v7(),
                user_id: id,
                document: crate::settings::default_settings(),
                authorization_id: Some(settings_policy.id),
                created_date: now,
                updated_date: now,
            },
        )
        .await?;
        policies.push(settings_policy);
        self.profiles
            .storage()
            .insert_aggregator_in(&txn, &aggregator, &direct)
            .await?;
        self.profiles.insert_in(&txn, &profile).await?;
        auth_repo::save_all(&txn, &policies).await?;
        repo::set_actor_authorization_id(&txn, id.into(), policy.id).await?;
        for credential in &credentials {
            self.actors.grant_in(&txn, id.into(), credential).await?;
        }
        self.outbox
            .record(
                &txn,
                alkemio_events::DomainEvent::UserRegistered { user_id: id.0 },
                Some(id.0),
            )
            .await?;
        txn.commit().await?;
        self.outbox.wake();
        self.actors.invalidate(id.into()).await?;
        tracing::info!(user.id = %id, user.name_id = %user.name_id, "user registered");
        if let Some(hook) = self.on_registered.get() {
            // The registration stands; what follows it is logged when it fails.
            if let Err(e) = hook(user.clone()).await {
                e.log();
            }
        }
        Ok(user)
    }
}

/// The references every user and organization profile starts with (empty links to fill in).
pub fn default_references() -> Vec<NewReference> {
    [
        ("linkedin", "User profile on LinkedIn"),
        ("github", "User profile on GitHub"),
        ("bsky", "User profile on BlueSky"),
    ]
    .map(|(name, description)| NewReference {
        name: name.to_owned(),
        uri: String::new(),
        description: Some(description.to_owned()),
    })
    .to_vec()
}

/// Changes to a user (`updateUser`); `None` leaves a field as it is.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    /// Which user.
    pub id: UserId,
    /// New NameID.
    pub name_id: Option<String>,
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New phone number.
    pub phone: Option<String>,
    /// Whether the user is a service profile.
    pub service_profile: Option<bool>,
    /// Profile changes.
    pub profile: Option<alkemio_common::profile::ProfileUpdate>,
}

/// What a deletion leaves to clean up after its transaction: policies to delete (inside it),
/// file contents that may now be unused, and actors whose credentials changed.
#[derive(Debug, Clone, Default)]
pub struct Deleted {
    /// Ids of the policies of deleted entities.
    pub policies: Vec<uuid::Uuid>,
    /// Content hashes of deleted documents.
    pub contents: Vec<String>,
    /// Actors whose credentials changed.
    pub actors: Vec<ActorId>,
}

impl Deleted {
    /// Adds another deletion's leftovers.
    pub fn merge(&mut self, other: Deleted) {
        self.policies.extend(other.policies);
        self.contents.extend(other.contents);
        self.actors.extend(other.actors);
    }
}
