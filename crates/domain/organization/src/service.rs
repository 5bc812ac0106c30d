//! Organization use cases: creating one with everything it owns, reading and listing them,
//! changing them, their verification, and handing out their roles.

use alkemio_authorization::repo::{self as auth_repo, StoredPolicy};
use alkemio_authorization::{
    ActorContext, ActorKind, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege,
    Credential, CredentialRule, CredentialType, grant_access_or_fail,
};
use alkemio_common::profile::authorization::publicly_readable;
use alkemio_common::profile::{NewTagset, ProfileService, ProfileType};
use alkemio_common::visual::VisualType;
use alkemio_community::authorization::apply_role_set_policy;
use alkemio_community::{RoleName, RoleSet, RoleSetService, RoleSetType};
use alkemio_contributor::account::AccountType;
use alkemio_contributor::service::default_references;
use alkemio_contributor::{Actor, ActorType, UserService, name_id};
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::pagination::{Page, PaginationArgs};
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use alkemio_storage::StorageAggregatorType;

use crate::authorization::{
    apply_organization_policy, apply_verification_policy, managers, new_role_set,
    role_set_additional_rules,
};
use crate::model::{
    NewOrganization, Organization, OrganizationFilter, OrganizationSettings, OrganizationUpdate,
};
use crate::repo;
use crate::verification::{OrganizationVerification, VerificationState};

/// The NameID of the platform's host organization.
pub const HOST_NAME_ID: &str = "eco1host";

/// Organizations.
#[derive(Debug, Clone)]
pub struct OrganizationService {
    db: Database,
    users: UserService,
    role_sets: RoleSetService,
}

fn check_len(label: &str, value: Option<&str>) -> AppResult<()> {
    if value.is_some_and(|v| v.chars().count() > 128) {
        return Err(AppError::bad_input(format!(
            "{label} may have at most 128 characters"
        )));
    }
    Ok(())
}

fn check_email(value: Option<&str>) -> AppResult<()> {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        let valid = v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !v.contains(' ')
        });
        if !valid {
            return Err(AppError::bad_input(format!(
                "Not a valid contact e-mail address: {v}"
            )));
        }
    }
    Ok(())
}

fn trimmed(v: Option<String>) -> String {
    v.map(|s| s.trim().to_owned()).unwrap_or_default()
}

impl OrganizationService {
    /// A service over the database, users (for actors, accounts and profiles) and role sets.
    pub fn new(db: Database, users: UserService, role_sets: RoleSetService) -> Self {
        Self {
            db,
            users,
            role_sets,
        }
    }

    pub(crate) fn profiles(&self) -> &ProfileService {
        self.users.profiles()
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    pub(crate) fn users(&self) -> &UserService {
        &self.users
    }

    /// One organization.
    pub async fn get(&self, id: ActorId) -> AppResult<Option<Organization>> {
        repo::find(self.db.conn(), id).await
    }

    /// One organization, or ENTITY_NOT_FOUND.
    pub async fn get_or_fail(&self, id: ActorId) -> AppResult<Organization> {
        self.get(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Organization {id} not found")))
    }

    /// Organizations by id, in the order asked.
    pub async fn many(&self, ids: &[uuid::Uuid]) -> AppResult<Vec<Organization>> {
        repo::find_many(self.db.conn(), ids).await
    }

    /// The organization with this NameID.
    pub async fn id_by_name_id(&self, name_id: &str) -> AppResult<Option<ActorId>> {
        alkemio_contributor::repo::actor_id_by_name_id(
            self.db.conn(),
            ActorType::Organization,
            name_id,
        )
        .await
    }

    /// The organization owning a role set.
    pub async fn by_role_set(&self, id: RoleSetId) -> AppResult<Option<Organization>> {
        repo::find_by_role_set(self.db.conn(), id).await
    }

    /// The organization hosting an account.
    pub async fn by_account(&self, id: ActorId) -> AppResult<Option<Organization>> {
        repo::find_by_account(self.db.conn(), id).await
    }

    /// Every organization, or those holding any of these credential types, in creation order.
    pub async fn list(&self, credential_types: Option<&[&str]>) -> AppResult<Vec<Organization>> {
        let ids = repo::listed_ids(self.db.conn(), credential_types).await?;
        self.many(&ids).await
    }

    /// One page of matching organizations in creation order, with the filtered total.
    pub async fn page(
        &self,
        filter: &OrganizationFilter,
        status: Option<crate::verification::VerificationStatus>,
        args: PaginationArgs,
    ) -> AppResult<(Page<Organization>, u64)> {
        let request = args.validate()?;
        let (ids, total) = repo::page_ids(self.db.conn(), filter, status, &request).await?;
        let organizations = self.many(&ids).await?;
        Ok((request.into_page(organizations, |o| o.id.0), total))
    }

    /// The verifications of these organizations (for batched loading).
    pub async fn verifications_of(
        &self,
        organizations: &[uuid::Uuid],
    ) -> AppResult<Vec<OrganizationVerification>> {
        repo::verifications_of(self.db.conn(), organizations).await
    }

    /// How many users are associates of the organization.
    pub async fn associate_count(&self, organization: &Organization) -> AppResult<u64> {
        self.users
            .actors()
            .count_holders(
                self.db.conn(),
                &Credential::new(CredentialType::OrganizationAssociate, organization.id),
                ActorType::User,
            )
            .await
    }

    async fn policy(&self, id: Option<uuid::Uuid>) -> AppResult<Option<StoredPolicy>> {
        match id {
            Some(id) => auth_repo::load(self.db.conn(), id).await,
            None => Ok(None),
        }
    }

    /// Fails unless the caller holds `privilege` on the organization.
    pub async fn require(
        &self,
        caller: &ActorContext,
        organization: &Organization,
        privilege: AuthorizationPrivilege,
        action: &str,
    ) -> AppResult<()> {
        let policy = self.policy(organization.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            privilege,
            action,
        )
    }

    async fn check_unique_display_name(
        &self,
        display_name: &str,
        except: Option<ActorId>,
    ) -> AppResult<()> {
        if repo::display_name_taken(self.db.conn(), display_name.trim(), except).await? {
            return Err(AppError::bad_input(format!(
                "Organization: the provided displayName is already taken: {}",
                display_name.trim()
            )));
        }
        Ok(())
    }

    /// `createOrganization`: needs CREATE_ORGANIZATION on the platform (`platform`). Creates,
    /// in one transaction, the organization's actor and row, its profile (avatar, `keywords`
    /// and `capabilities` tagsets, the default references), storage, account, role set,
    /// verification and every policy; the creator becomes associate and admin (and so
    /// administers the account).
    pub async fn create(
        &self,
        caller: &ActorContext,
        platform: &AuthorizationPolicy,
        new: NewOrganization,
    ) -> AppResult<Organization> {
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(platform),
            AuthorizationPrivilege::CreateOrganization,
            "create an organization",
        )?;
        let creator = match caller.kind {
            ActorKind::Authenticated { actor_id } => Some(ActorId(actor_id)),
            _ => None,
        };
        self.create_for(new, creator).await
    }

    /// The platform's host organization (NameID `eco1host`, "Eco1 Host"), created on first
    /// start; `admin` becomes its associate and admin, as in the reference.
    pub async fn ensure_host(&self, admin: Option<ActorId>) -> AppResult<Organization> {
        if let Some(id) = self.id_by_name_id(HOST_NAME_ID).await? {
            return self.get_or_fail(id).await;
        }
        let host = self
            .create_for(
                NewOrganization {
                    name_id: Some(HOST_NAME_ID.to_owned()),
                    profile: alkemio_common::profile::NewProfile {
                        display_name: "Eco1 Host".to_owned(),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                admin,
            )
            .await?;
        tracing::info!(organization.id = %host.id, "bootstrapped the host organization");
        Ok(host)
    }

    async fn create_for(
        &self,
        new: NewOrganization,
        creator: Option<ActorId>,
    ) -> AppResult<Organization> {
        check_len("legalEntityName", new.legal_entity_name.as_deref())?;
        check_len("domain", new.domain.as_deref())?;
        check_len("website", new.website.as_deref())?;
        check_len("contactEmail", new.contact_email.as_deref())?;
        check_email(new.contact_email.as_deref())?;
        self.check_unique_display_name(&new.profile.display_name, None)
            .await?;

        let conn = self.db.conn();
        let name_id = match new.name_id {
            Some(wanted) => {
                let wanted = wanted.to_lowercase();
                if self.id_by_name_id(&wanted).await?.is_some() {
                    return Err(AppError::bad_input(format!(
                        "Organization: the provided nameID is already taken: {wanted}"
                    )));
                }
                wanted
            }
            None => {
                let base = new.profile.display_name.trim().to_owned();
                let prefix = name_id::generate(&base);
                let taken = alkemio_contributor::repo::name_ids_with_prefix(
                    conn,
                    ActorType::Organization,
                    &prefix,
                )
                .await?;
                name_id::generate_unique(&base, |n| taken.iter().any(|t| t == n))
            }
        };

        let id = ActorId::new();
        let account_id = ActorId::new();
        let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Organization);
        apply_organization_policy(&mut policy, id);
        let readable = publicly_readable(&policy);
        let (aggregator, direct, mut policies) = self.profiles().storage().new_aggregator(
            StorageAggregatorType::Organization,
            None,
            &readable,
        );
        let mut profile_input = new.profile;
        for default in ["keywords", "capabilities"] {
            if !profile_input.tagsets.iter().any(|t| t.name == default) {
                profile_input.tagsets.insert(
                    0,
                    NewTagset {
                        name: default.to_owned(),
                        tags: Vec::new(),
                    },
                );
            }
        }
        // The default references come first. The reference drops the supplied ones; here
        // they are kept (one with a default's name fills in that default's address).
        let mut references = default_references();
        for supplied in std::mem::take(&mut profile_input.references) {
            match references.iter_mut().find(|r| r.name == supplied.name) {
                Some(default) => *default = supplied,
                None => references.push(supplied),
            }
        }
        profile_input.references = references;
        if !profile_input.visuals.contains(&VisualType::Avatar) {
            profile_input.visuals.push(VisualType::Avatar);
        }
        let mut profile = self.profiles().build(
            profile_input,
            ProfileType::Organization,
            &readable,
            Some(aggregator.id),
        )?;
        if let Some(uri) = new
            .avatar_uri
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            && let Some(avatar) = profile
                .visuals
                .iter_mut()
                .find(|v| v.name == VisualType::Avatar)
        {
            avatar.uri = uri;
        }

        let mut role_set = new_role_set(id);
        let mut role_set_policy = auth_repo::new_policy(AuthorizationPolicyType::RoleSet);
        apply_role_set_policy(&mut role_set_policy, &policy, role_set_additional_rules(id));
        role_set.authorization_id = Some(role_set_policy.id);

        let mut verification_policy =
            auth_repo::new_policy(AuthorizationPolicyType::OrganizationVerification);
        apply_verification_policy(&mut verification_policy, Some(account_id));
        let now = repo::now();
        let verification = OrganizationVerification {
            id: uuid::Uuid::now_v7(),
            organization_id: id.0,
            status: VerificationState::NotVerified.status(),
            state: VerificationState::NotVerified,
            lifecycle_id: uuid::Uuid::now_v7(),
            lifecycle_created_date: now,
            lifecycle_updated_date: now,
            authorization_id: Some(verification_policy.id),
            created_date: now,
            updated_date: now,
        };
        let organization = Organization {
            id,
            name_id: name_id.clone(),
            legal_entity_name: trimmed(new.legal_entity_name),
            domain: trimmed(new.domain),
            website: trimmed(new.website),
            contact_email: trimmed(new.contact_email),
            settings: OrganizationSettings::default(),
            account_id: Some(account_id),
            role_set_id: Some(role_set.id),
            profile_id: Some(profile.profile.id),
            storage_aggregator_id: Some(aggregator.id),
            authorization_id: Some(policy.id),
            created_date: now,
            updated_date: now,
        };

        let txn = self.db.begin().await?;
        alkemio_contributor::repo::insert_actor(
            &txn,
            &Actor {
                id,
                actor_type: ActorType::Organization,
                name_id,
                profile_id: organization.profile_id,
                storage_aggregator_id: organization.storage_aggregator_id,
                authorization_id: None,
                created_date: now,
                updated_date: now,
            },
        )
        .await?;
        self.users
            .create_account_in(&txn, account_id, AccountType::Organization, &mut policies)
            .await?;
        repo::insert(&txn, &organization).await?;
        policies.push(
            self.role_sets
                .create_in(
                    &txn,
                    &role_set,
                    Some(&role_set_policy),
                    &alkemio_licensing::role_set_flags(None),
                )
                .await?,
        );
        repo::insert_verification(&txn, &verification).await?;
        self.profiles()
            .storage()
            .insert_aggregator_in(&txn, &aggregator, &direct)
            .await?;
        self.profiles().insert_in(&txn, &profile).await?;
        policies.push(policy.clone());
        policies.push(role_set_policy);
        policies.push(verification_policy);
        auth_repo::save_all(&txn, &policies).await?;
        alkemio_contributor::repo::set_actor_authorization_id(&txn, id, policy.id).await?;
        if let Some(creator) = creator {
            for credential in [
                Credential::new(CredentialType::OrganizationAssociate, id),
                Credential::new(CredentialType::OrganizationAdmin, id),
                Credential::new(CredentialType::AccountAdmin, account_id),
            ] {
                self.users
                    .actors()
                    .grant_in(&txn, creator, &credential)
                    .await?;
            }
        }
        txn.commit().await?;
        if let Some(creator) = creator {
            self.users.actors().invalidate(creator).await?;
        }
        tracing::info!(organization.id = %id, organization.name_id = %organization.name_id, "organization created");
        Ok(organization)
    }

    /// `updateOrganization`: needs UPDATE on the organization. A changed display name must be
    /// free among organizations. As in the reference, the NameID does not change here.
    pub async fn update(
        &self,
        caller: &ActorContext,
        update: OrganizationUpdate,
    ) -> AppResult<Organization> {
        let mut organization = self.get_or_fail(update.id).await?;
        self.require(
            caller,
            &organization,
            AuthorizationPrivilege::Update,
            "update an organization",
        )
        .await?;
        check_len("legalEntityName", update.legal_entity_name.as_deref())?;
        check_len("domain", update.domain.as_deref())?;
        check_len("website", update.website.as_deref())?;
        check_len("contactEmail", update.contact_email.as_deref())?;
        check_email(update.contact_email.as_deref())?;
        if let Some(name) = update
            .profile
            .as_ref()
            .and_then(|p| p.display_name.as_deref())
        {
            self.check_unique_display_name(name, Some(organization.id))
                .await?;
        }
        for (field, value) in [
            (
                &mut organization.legal_entity_name,
                update.legal_entity_name,
            ),
            (&mut organization.domain, update.domain),
            (&mut organization.website, update.website),
            (&mut organization.contact_email, update.contact_email),
        ] {
            if let Some(v) = value {
                *field = v.trim().to_owned();
            }
        }
        let profile = match (update.profile, organization.profile_id) {
            (Some(changes), Some(profile_id)) => {
                Some(self.profiles().prepare_update(profile_id, changes).await?)
            }
            _ => None,
        };
        let txn = self.db.begin().await?;
        repo::update(&txn, &organization).await?;
        if let Some(profile) = &profile {
            ProfileService::write_update(&txn, profile).await?;
        }
        txn.commit().await?;
        self.get_or_fail(organization.id).await
    }

    /// `deleteOrganization`: needs DELETE on the organization (its admins and owners, global
    /// support, global admins). Takes every organization role from its holders and removes the
    /// organization with its profile, storage, role set, verification, policies and account, in
    /// one transaction. Returns the organization as it was.
    pub async fn delete(&self, caller: &ActorContext, id: ActorId) -> AppResult<Organization> {
        let organization = self.get_or_fail(id).await?;
        self.require(
            caller,
            &organization,
            AuthorizationPrivilege::Delete,
            "delete an organization",
        )
        .await?;
        let account = match organization.account_id {
            Some(account) => self.users.account(account).await?,
            None => None,
        };
        let verification = repo::verifications_of(self.db.conn(), &[id.0])
            .await?
            .into_iter()
            .next();
        let txn = self.db.begin().await?;
        let mut deleted = alkemio_contributor::service::Deleted::default();
        if let Some(set_id) = organization.role_set_id {
            let set = self.role_sets.get_in(&txn, set_id).await?;
            let (holders, policy) = self.role_sets.delete_in(&txn, &set).await?;
            deleted.actors.extend(holders);
            deleted.policies.extend(policy);
        }
        let groups = crate::groups::groups_of(&txn, &[id.0]).await?;
        crate::groups::delete_groups_in(&txn, self.profiles(), &groups, &mut deleted).await?;
        self.users
            .delete_profile_and_storage_in(
                &txn,
                organization.profile_id,
                organization.storage_aggregator_id,
                &mut deleted,
            )
            .await?;
        if let Some(account) = &account {
            let from_account = self.users.delete_account_in(&txn, account).await?;
            deleted.merge(from_account);
        }
        if let Some(v) = &verification {
            deleted.policies.extend(v.authorization_id);
        }
        deleted.policies.extend(organization.authorization_id);
        alkemio_collaboration::activity::delete_involving(&txn, id.0).await?;
        // the organization row and its verification go with the actor row
        alkemio_contributor::repo::delete_actor(&txn, id).await?;
        if let Some(v) = &verification {
            repo::delete_lifecycle(&txn, v.lifecycle_id).await?;
        }
        auth_repo::delete(&txn, &deleted.policies).await?;
        txn.commit().await?;
        self.users.finish_deletion(&deleted).await?;
        // former associates' personal-data rules named this organization's admins
        for actor in &deleted.actors {
            self.refresh_user_policy(*actor).await?;
        }
        tracing::info!(organization.id = %id, "organization deleted");
        Ok(organization)
    }

    /// Recomputes an organization's policy and every policy below it (profile, storage, role
    /// set, verification, account) and stores them in one transaction.
    pub async fn reset_authorization(&self, id: ActorId) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let organization = repo::find(&txn, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Organization {id} not found")))?;
        let mut policy = match organization.authorization_id {
            Some(pid) => auth_repo::load(&txn, pid).await?.map(|s| s.policy),
            None => None,
        }
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::Organization));
        apply_organization_policy(&mut policy, id);
        let readable = publicly_readable(&policy);
        let mut policies = vec![policy.clone()];
        if let Some(profile) = organization.profile_id {
            policies.extend(
                self.profiles()
                    .recompute_policies(&txn, profile, &readable)
                    .await?,
            );
        }
        if let Some(aggregator) = organization.storage_aggregator_id {
            policies.extend(
                self.profiles()
                    .storage()
                    .recompute_aggregator_policies(&txn, aggregator, &readable)
                    .await?,
            );
        }
        if let Some(set_id) = organization.role_set_id {
            let set = self.role_sets.get_in(&txn, set_id).await?;
            let mut set_policy = match set.authorization_id {
                Some(pid) => auth_repo::load(&txn, pid).await?.map(|s| s.policy),
                None => None,
            }
            .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::RoleSet));
            apply_role_set_policy(&mut set_policy, &policy, role_set_additional_rules(id));
            if set.authorization_id != Some(set_policy.id) {
                self.role_sets
                    .set_authorization_in(&txn, set.id, set_policy.id)
                    .await?;
            }
            policies.extend(
                self.role_sets
                    .license_policy_in(&txn, &set, &set_policy)
                    .await?,
            );
            policies.push(set_policy);
        }
        policies.extend(
            crate::groups::group_policies_under(
                &txn,
                self.profiles(),
                &policy,
                crate::groups::GroupParent::Organization(id),
            )
            .await?,
        );
        for v in repo::verifications_of(&txn, &[id.0]).await? {
            if let Some(pid) = v.authorization_id
                && let Some(stored) = auth_repo::load(&txn, pid).await?
            {
                let mut verification_policy = stored.policy;
                apply_verification_policy(&mut verification_policy, organization.account_id);
                policies.push(verification_policy);
            }
        }
        if let Some(account_id) = organization.account_id
            && let Some(account) = self.users.account_in(&txn, account_id).await?
        {
            policies.extend(self.users.account_policies_in(&txn, &account).await?);
        }
        auth_repo::save_all(&txn, &policies).await?;
        if organization.authorization_id != Some(policy.id) {
            alkemio_contributor::repo::set_actor_authorization_id(&txn, id, policy.id).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Ids of every organization, oldest first.
    pub async fn all_ids(&self) -> AppResult<Vec<ActorId>> {
        Ok(repo::listed_ids(self.db.conn(), None)
            .await?
            .into_iter()
            .map(ActorId)
            .collect())
    }

    /// `updateOrganizationPlatformSettings`: needs PLATFORM_ADMIN on the organization; the new
    /// NameID must be free among organizations.
    pub async fn update_platform_settings(
        &self,
        caller: &ActorContext,
        id: ActorId,
        name_id: String,
    ) -> AppResult<Organization> {
        let organization = self.get_or_fail(id).await?;
        self.require(
            caller,
            &organization,
            AuthorizationPrivilege::PlatformAdmin,
            "change an organization's platform settings",
        )
        .await?;
        let name_id = name_id.to_lowercase();
        if !name_id.eq_ignore_ascii_case(&organization.name_id) {
            if self.id_by_name_id(&name_id).await?.is_some() {
                return Err(AppError::bad_input(format!(
                    "Organization: the provided nameID is already taken: {name_id}"
                )));
            }
            alkemio_contributor::repo::set_actor_name_id(self.db.conn(), id, &name_id).await?;
        }
        self.get_or_fail(id).await
    }

    /// `updateOrganizationSettings`: needs UPDATE on the organization.
    pub async fn update_settings(
        &self,
        caller: &ActorContext,
        id: ActorId,
        allow_users_matching_domain_to_join: Option<bool>,
        contribution_roles_publicly_visible: Option<bool>,
    ) -> AppResult<Organization> {
        let mut organization = self.get_or_fail(id).await?;
        self.require(
            caller,
            &organization,
            AuthorizationPrivilege::Update,
            "update an organization's settings",
        )
        .await?;
        if let Some(v) = allow_users_matching_domain_to_join {
            organization
                .settings
                .membership
                .allow_users_matching_domain_to_join = v;
        }
        if let Some(v) = contribution_roles_publicly_visible {
            organization
                .settings
                .privacy
                .contribution_roles_publicly_visible = v;
        }
        repo::update(self.db.conn(), &organization).await?;
        self.get_or_fail(id).await
    }

    /// `eventOnOrganizationVerification`: needs UPDATE on the verification; the event must be
    /// one the current state accepts (INVALID_STATE_TRANSITION otherwise), and its own guard
    /// must hold. The reference silently keeps the state when a guard fails; here the caller
    /// gets FORBIDDEN_POLICY, so a refused verification is not mistaken for a done one.
    pub async fn verification_event(
        &self,
        caller: &ActorContext,
        verification_id: uuid::Uuid,
        event: &str,
    ) -> AppResult<OrganizationVerification> {
        let mut verification = repo::find_verification(self.db.conn(), verification_id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Organization verification {verification_id} not found"
                ))
            })?;
        let policy = self.policy(verification.authorization_id).await?;
        let policy = policy.as_ref().map(|p| &p.policy);
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy,
            AuthorizationPrivilege::Update,
            "change an organization's verification",
        )?;
        let transitions = verification.state.transitions();
        if transitions.is_empty() {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::InvalidStateTransition,
                format!(
                    "No next states for verification in state {}",
                    verification.state.as_str()
                ),
            ));
        }
        let Some((_, guard, target)) = transitions.iter().find(|(e, _, _)| *e == event) else {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::InvalidStateTransition,
                format!(
                    "Not in valid set of next events: {event} (valid: {})",
                    verification.state.next_events().join(", ")
                ),
            ));
        };
        if let Some(privilege) = guard {
            grant_access_or_fail(
                &caller.actor_id(),
                &caller.credentials,
                policy,
                *privilege,
                &format!("send '{event}' to an organization's verification"),
            )?;
        }
        verification.state = *target;
        verification.status = target.status();
        repo::save_verification_state(self.db.conn(), &verification).await?;
        repo::find_verification(self.db.conn(), verification_id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("verification {verification_id} vanished"))
            })
    }

    /// Recomputes a user's policy after an organization role changed, so that the
    /// organization's admins read its associates' personal data from now on. (The reference
    /// leaves the user's policy as it was until the next reset.)
    async fn refresh_user_policy(&self, actor: ActorId) -> AppResult<()> {
        let user = alkemio_kernel::ids::UserId(actor.0);
        if self.users.user(user).await?.is_some() {
            self.users.reset_authorization(user).await?;
        }
        Ok(())
    }

    async fn organization_role_set(&self, set: &RoleSet) -> AppResult<Organization> {
        if set.role_set_type != RoleSetType::Organization {
            return Err(AppError::bad_input(format!(
                "Role set {} does not belong to an organization",
                set.id
            )));
        }
        self.by_role_set(set.id).await?.ok_or_else(|| {
            AppError::internal_msg(format_args!("role set {} has no organization", set.id))
        })
    }

    /// Gives a user a role in an organization's role set (needs GRANT on the role set). Admins
    /// and owners also administer the organization's account.
    pub async fn assign_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
    ) -> AppResult<()> {
        let organization = self.organization_role_set(set).await?;
        let policy = self.policy(set.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            AuthorizationPrivilege::Grant,
            &format!("assign role '{role}' in an organization"),
        )?;
        let implied: Vec<Credential> = match (role, organization.account_id) {
            (RoleName::Admin | RoleName::Owner, Some(account)) => {
                vec![Credential::new(CredentialType::AccountAdmin, account)]
            }
            _ => Vec::new(),
        };
        self.role_sets
            .assign_with(set, role, actor, &implied)
            .await?;
        self.refresh_user_policy(actor).await
    }

    /// Takes a user's role in an organization's role set (needs GRANT on the role set; a user
    /// may leave as an associate on their own). The account admin credential goes when the
    /// user is neither admin nor owner any more. The last owner cannot be removed.
    pub async fn remove_role(
        &self,
        caller: &ActorContext,
        set: &RoleSet,
        role: RoleName,
        actor: ActorId,
    ) -> AppResult<()> {
        let organization = self.organization_role_set(set).await?;
        let mut policy = self.policy(set.authorization_id).await?.map(|p| p.policy);
        if role == RoleName::Associate
            && let Some(policy) = policy.as_mut()
        {
            // In memory only, for this request: the user may leave.
            policy.add_credential_rules([CredentialRule::new(
                "credentialRule-roleSetSelfRemoval",
                vec![Credential::new(CredentialType::UserSelfManagement, actor)],
                &[AuthorizationPrivilege::Grant],
            )]);
        }
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            AuthorizationPrivilege::Grant,
            &format!("remove role '{role}' in an organization"),
        )?;
        let implied = match (role, organization.account_id) {
            (RoleName::Admin | RoleName::Owner, Some(account)) => Some((
                Credential::new(CredentialType::AccountAdmin, account),
                managers(organization.id),
            )),
            _ => None,
        };
        self.role_sets
            .remove_with(set, role, actor, implied, &[])
            .await?;
        self.refresh_user_policy(actor).await
    }
}
