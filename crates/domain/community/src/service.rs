//! Role-set use cases: who holds which role, and assigning and removing roles within the
//! role's limits.

use alkemio_authorization::{AuthorizationPolicy, AuthorizationPolicyType, Credential};
use alkemio_contributor::{ActorService, ActorType};
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_licensing::LicenseEntitlementType;
use alkemio_persistence::Database;
use sea_orm::ConnectionTrait;

use crate::model::{Role, RoleName, RolePolicy, RoleSet};
use crate::repo;

/// Role sets.
#[derive(Debug, Clone)]
pub struct RoleSetService {
    db: Database,
    actors: ActorService,
}

fn policy_for(role: &Role, actor_type: ActorType) -> AppResult<RolePolicy> {
    match actor_type {
        ActorType::User => Ok(role.user_policy),
        ActorType::Organization => Ok(role.organization_policy),
        ActorType::VirtualContributor => Ok(role.virtual_contributor_policy),
        other => Err(AppError::bad_input(format!(
            "Actors of type {} cannot hold roles",
            other.as_str()
        ))),
    }
}

impl RoleSetService {
    /// A service over the database and the actors' credentials.
    pub fn new(db: Database, actors: ActorService) -> Self {
        Self { db, actors }
    }

    /// Stores a new role set with its license inside the caller's transaction: the license's
    /// flags as given ([`alkemio_licensing::role_set_flags`]), its policy inheriting the role
    /// set's when known. Returns the license's policy for the caller to save with the others.
    pub async fn create_in(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
        policy: Option<&AuthorizationPolicy>,
        flags: &[(LicenseEntitlementType, i32, bool)],
    ) -> AppResult<AuthorizationPolicy> {
        let (license, license_policy) = alkemio_licensing::new_role_set_license(policy, flags);
        alkemio_licensing::insert_license(conn, &license).await?;
        let mut set = set.clone();
        set.license_id = Some(license.id);
        repo::insert(conn, &set).await?;
        Ok(license_policy)
    }

    /// The recomputed policy of a role set's license (inheriting the role set's), inside the
    /// caller's transaction; none for a role set without a license.
    pub async fn license_policy_in(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
        set_policy: &AuthorizationPolicy,
    ) -> AppResult<Option<AuthorizationPolicy>> {
        let Some(license) = set.license_id else {
            return Ok(None);
        };
        let Some(l) = alkemio_licensing::licenses(conn, &[license])
            .await?
            .remove(&license)
        else {
            return Ok(None);
        };
        let mut policy = alkemio_authorization::repo::load_or_new(
            conn,
            l.authorization_id,
            AuthorizationPolicyType::License,
        )
        .await?;
        policy.inherit_from(set_policy);
        Ok(Some(policy))
    }

    /// Sets the flags of a role set's license, inside the caller's transaction.
    pub async fn set_license_flags_in(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
        flags: &[(LicenseEntitlementType, i32, bool)],
    ) -> AppResult<()> {
        match set.license_id {
            Some(license) => alkemio_licensing::set_entitlements(conn, license, flags).await,
            None => Ok(()),
        }
    }

    /// Gives role sets made before role set licenses existed a license (the flag off, its
    /// policy inheriting the role set's); returns them, now with their licenses.
    pub async fn ensure_licenses(&self) -> AppResult<Vec<RoleSet>> {
        let missing = repo::without_license(self.db.conn()).await?;
        let mut out = Vec::with_capacity(missing.len());
        for mut set in missing {
            let txn = self.db.begin().await?;
            let parent = match set.authorization_id {
                Some(id) => alkemio_authorization::repo::load(&txn, id)
                    .await?
                    .map(|s| s.policy),
                None => None,
            };
            let (license, policy) = alkemio_licensing::new_role_set_license(
                parent.as_ref(),
                &alkemio_licensing::role_set_flags(None),
            );
            alkemio_licensing::insert_license(&txn, &license).await?;
            alkemio_authorization::repo::save_all(&txn, std::slice::from_ref(&policy)).await?;
            repo::set_license_id(&txn, set.id, license.id).await?;
            txn.commit().await?;
            set.license_id = Some(license.id);
            out.push(set);
        }
        if !out.is_empty() {
            tracing::info!(role_sets = out.len(), "role set licenses created");
        }
        Ok(out)
    }

    /// Points a role set at its policy, inside the caller's transaction.
    pub async fn set_authorization_in(
        &self,
        conn: &impl ConnectionTrait,
        id: RoleSetId,
        policy: uuid::Uuid,
    ) -> AppResult<()> {
        repo::set_authorization_id(conn, id, policy).await
    }

    /// A role set, read through the caller's connection or transaction.
    pub async fn get_in(&self, conn: &impl ConnectionTrait, id: RoleSetId) -> AppResult<RoleSet> {
        repo::find(conn, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Role set {id} not found")))
    }

    /// Role sets by id (for batched loading).
    pub async fn many(&self, ids: &[uuid::Uuid]) -> AppResult<Vec<RoleSet>> {
        repo::find_many(self.db.conn(), ids).await
    }

    /// A role set.
    pub async fn get(&self, id: RoleSetId) -> AppResult<RoleSet> {
        self.get_in(self.db.conn(), id).await
    }

    /// A role of the set, or the reference's role error when it has none.
    pub fn role(set: &RoleSet, name: RoleName) -> AppResult<&Role> {
        set.role(name).ok_or_else(|| {
            AppError::new(
                ErrorStatus::RoleSetRole,
                format!("Role set {} has no role '{}'", set.id, name),
            )
        })
    }

    /// Gives `actor` the role. Returns `false` when it already held it. Fails when the actor does
    /// not exist, cannot hold roles, is not a member of the parent role set, or the role is full.
    pub async fn assign(&self, set: &RoleSet, name: RoleName, actor: ActorId) -> AppResult<bool> {
        self.assign_with(set, name, actor, &[]).await
    }

    /// [`Self::assign`], also granting `implied` credentials (e.g. the account admin credential
    /// an organization admin gets) in the same transaction.
    pub async fn assign_with(
        &self,
        set: &RoleSet,
        name: RoleName,
        actor: ActorId,
        implied: &[Credential],
    ) -> AppResult<bool> {
        let txn = self.db.begin().await?;
        let granted = self.assign_in(&txn, set, name, actor, implied).await?;
        txn.commit().await?;
        if granted {
            self.actors.invalidate(actor).await?;
        }
        Ok(granted)
    }

    /// [`Self::assign_with`] inside the caller's transaction; the caller invalidates the
    /// actor's cached credentials after committing.
    pub async fn assign_in(
        &self,
        txn: &impl ConnectionTrait,
        set: &RoleSet,
        name: RoleName,
        actor: ActorId,
        implied: &[Credential],
    ) -> AppResult<bool> {
        let role = Self::role(set, name)?;
        let found = self
            .actors
            .actor_in(txn, actor)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Actor {actor} not found")))?;
        let held = self.actors.credentials_in(txn, actor).await?;
        if held.contains(&role.credential) {
            return Ok(false);
        }
        if let Some(parent_id) = set.parent_role_set_id {
            let parent = self.get_in(txn, parent_id).await?;
            let entry = Self::role(&parent, parent.entry_role_name)?;
            if !held.contains(&entry.credential) {
                return Err(AppError::bad_input(format!(
                    "Unable to assign Actor ({actor}) to roleSet ({}): actor is not a member of parent roleSet {parent_id}",
                    set.id
                )));
            }
        }
        let limits = policy_for(role, found.actor_type)?;
        if limits.maximum >= 0 {
            let count = self
                .actors
                .count_holders(txn, &role.credential, found.actor_type)
                .await?;
            if count >= u64::try_from(limits.maximum).unwrap_or(0) {
                return Err(AppError::new(
                    ErrorStatus::RoleSetPolicyRoleLimitsViolated,
                    format!(
                        "Max limit of {} reached for role '{name}': {}",
                        found.actor_type.as_str(),
                        limits.maximum
                    ),
                ));
            }
        }
        let granted = self.actors.grant_in(txn, actor, &role.credential).await?;
        for credential in implied {
            self.actors.grant_in(txn, actor, credential).await?;
        }
        Ok(granted)
    }

    /// Grants a credential that goes with no role (e.g. an invitee's) inside the caller's
    /// transaction.
    pub async fn grant_credential_in(
        &self,
        txn: &impl ConnectionTrait,
        actor: ActorId,
        credential: &Credential,
    ) -> AppResult<bool> {
        self.actors.grant_in(txn, actor, credential).await
    }

    /// Revokes a credential that goes with no role inside the caller's transaction.
    pub async fn revoke_credential_in(
        &self,
        txn: &impl ConnectionTrait,
        actor: ActorId,
        credential: &Credential,
    ) -> AppResult<bool> {
        self.actors.revoke_in(txn, actor, credential).await
    }

    /// Drops an actor's cached credentials after a change committed.
    pub async fn invalidate(&self, actor: ActorId) -> AppResult<()> {
        self.actors.invalidate(actor).await
    }

    /// The stored credentials of an actor, read through the caller's connection.
    pub async fn credentials_in(
        &self,
        conn: &impl ConnectionTrait,
        actor: ActorId,
    ) -> AppResult<Vec<Credential>> {
        self.actors.credentials_in(conn, actor).await
    }

    /// An actor, read through the caller's connection.
    pub async fn actor_in(
        &self,
        conn: &impl ConnectionTrait,
        actor: ActorId,
    ) -> AppResult<Option<alkemio_contributor::Actor>> {
        self.actors.actor_in(conn, actor).await
    }

    /// Takes the role from `actor`. Returns `false` when it did not hold it. Fails when removing
    /// it would leave fewer holders than the role's minimum.
    ///
    /// The reference checks the minimum before looking at whether the actor holds the role, so
    /// with exactly one global admin, removing that role from anybody fails; here only a removal
    /// that really takes a holder away is checked.
    pub async fn remove(&self, set: &RoleSet, name: RoleName, actor: ActorId) -> AppResult<bool> {
        self.remove_with(set, name, actor, None, &[]).await
    }

    /// [`Self::remove`], also revoking, in the same transaction, the credentials in `also`
    /// (roles that go with this one) and an implied credential unless the actor still holds one
    /// of the credentials that imply it (`(implied, still_implied_by)`).
    pub async fn remove_with(
        &self,
        set: &RoleSet,
        name: RoleName,
        actor: ActorId,
        implied: Option<(Credential, Vec<Credential>)>,
        also: &[Credential],
    ) -> AppResult<bool> {
        let txn = self.db.begin().await?;
        let revoked = self
            .remove_in(&txn, set, name, actor, implied, also)
            .await?;
        txn.commit().await?;
        if revoked {
            self.actors.invalidate(actor).await?;
        }
        Ok(revoked)
    }

    /// [`Self::remove_with`] inside the caller's transaction; the caller invalidates the
    /// actor's cached credentials after committing.
    pub async fn remove_in(
        &self,
        txn: &impl ConnectionTrait,
        set: &RoleSet,
        name: RoleName,
        actor: ActorId,
        implied: Option<(Credential, Vec<Credential>)>,
        also: &[Credential],
    ) -> AppResult<bool> {
        let role = Self::role(set, name)?;
        let found = self
            .actors
            .actor_in(txn, actor)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Actor {actor} not found")))?;
        let held = self.actors.credentials_in(txn, actor).await?;
        if !held.contains(&role.credential) {
            return Ok(false);
        }
        let limits = policy_for(role, found.actor_type)?;
        let count = self
            .actors
            .count_holders(txn, &role.credential, found.actor_type)
            .await?;
        if limits.minimum > 0 && count <= u64::try_from(limits.minimum).unwrap_or(0) {
            return Err(AppError::new(
                ErrorStatus::RoleSetPolicyRoleLimitsViolated,
                format!(
                    "Min limit of {} reached for role '{name}': {}, cannot remove",
                    found.actor_type.as_str(),
                    limits.minimum
                ),
            ));
        }
        let revoked = self.actors.revoke_in(txn, actor, &role.credential).await?;
        for credential in also {
            self.actors.revoke_in(txn, actor, credential).await?;
        }
        if let Some((implied, implied_by)) = implied {
            let remaining = self.actors.credentials_in(txn, actor).await?;
            if !implied_by.iter().any(|c| remaining.contains(c)) {
                self.actors.revoke_in(txn, actor, &implied).await?;
            }
        }
        Ok(revoked)
    }

    /// Deletes a role set inside the caller's transaction, taking every role from whoever
    /// holds it; returns the holders and the role set's policy id.
    pub async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        set: &RoleSet,
    ) -> AppResult<(Vec<ActorId>, Option<uuid::Uuid>)> {
        let entry = crate::entry_repo::entry_policy_ids(conn, &[set.id.0], &[]).await?;
        alkemio_authorization::repo::delete(conn, &entry).await?;
        let mut holders = Vec::new();
        for role in &set.roles {
            holders
                .extend(alkemio_contributor::repo::revoke_from_all(conn, &role.credential).await?);
        }
        repo::delete(conn, set.id).await?;
        if let Some(license) = set.license_id {
            let policies = alkemio_licensing::delete_licenses(conn, &[license]).await?;
            alkemio_authorization::repo::delete(conn, &policies).await?;
        }
        holders.sort();
        holders.dedup();
        Ok((holders, set.authorization_id))
    }

    /// The actors holding a role.
    pub async fn holders(&self, set: &RoleSet, name: RoleName) -> AppResult<Vec<ActorId>> {
        let role = Self::role(set, name)?;
        self.actors
            .actors_with(self.db.conn(), &role.credential)
            .await
    }

    /// The roles of `set` the credentials include.
    pub fn roles_of(set: &RoleSet, credentials: &[Credential]) -> Vec<RoleName> {
        set.roles_held(credentials)
    }
}
