//! Platform use cases: bootstrap, the platform's role set and global roles, and authorization
//! resets.

use std::sync::{Arc, OnceLock};

use alkemio_authorization::repo::{self as auth_repo, StoredPolicy};
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege, Credential,
    CredentialRule, CredentialType, grant_access_or_fail,
};
use alkemio_community::authorization::apply_role_set_policy;
use alkemio_community::model::platform_role_definitions;
use alkemio_community::{Role, RoleName, RolePolicy, RoleSet, RoleSetService, RoleSetType};
use alkemio_configuration::settings::{BootstrapSettings, ClientConfig};
use alkemio_contributor::{NewUser, User, UserService};
use alkemio_kernel::ids::{ActorId, PlatformId, RoleId, RoleSetId, UserId};
use alkemio_kernel::{AppError, AppResult};
use alkemio_organization::OrganizationService;
use alkemio_persistence::Database;
use alkemio_storage::StorageAggregatorType;
use alkemio_task::{Task, TaskService};
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;

use crate::authorization::{apply_platform_policy, platform_role_set_rules};
use crate::model::{Platform, PlatformSettings};
use crate::repo;

/// Platform use cases.
#[derive(Debug, Clone)]
pub struct PlatformService {
    db: Database,
    client_config: Arc<ClientConfig>,
    bootstrap: BootstrapSettings,
    users: UserService,
    role_sets: RoleSetService,
    organizations: OrganizationService,
    tasks: Arc<TaskService>,
    templates: alkemio_template::TemplateService,
    id: Arc<OnceLock<PlatformId>>,
}

/// The users every platform starts with: e-mail, first and last name, and global role.
fn bootstrap_users(admin_email: &str) -> [(String, &'static str, &'static str, CredentialType); 2] {
    [
        (
            admin_email.to_owned(),
            "admin",
            "alkemio",
            CredentialType::GlobalAdmin,
        ),
        (
            "notifications@alkem.io".to_owned(),
            "notifications",
            "admin",
            CredentialType::GlobalCommunityRead,
        ),
    ]
}

fn platform_role_set() -> RoleSet {
    let now = Utc::now().trunc_subsecs(6);
    let roles = platform_role_definitions()
        .into_iter()
        .map(|(name, credential, user_policy)| Role {
            id: RoleId::new(),
            name,
            credential: Credential::global(credential),
            parent_credentials: Vec::new(),
            requires_entry_role: false,
            requires_same_role_in_parent_role_set: false,
            user_policy,
            organization_policy: RolePolicy::NONE,
            virtual_contributor_policy: RolePolicy::NONE,
            created_date: now,
            updated_date: now,
        })
        .collect();
    RoleSet {
        id: RoleSetId::new(),
        role_set_type: RoleSetType::Platform,
        entry_role_name: RoleName::Registered,
        authorization_id: None,
        parent_role_set_id: None,
        license_id: None,
        roles,
        created_date: now,
        updated_date: now,
    }
}

/// The policy the platform hands its storage: its own, plus file upload and read for registered
/// users and read for anonymous ones (everything cascading).
fn platform_storage_owner(platform: &AuthorizationPolicy) -> AuthorizationPolicy {
    let mut owner = platform.clone();
    owner.add_credential_rules([
        CredentialRule::new(
            "credentialRule-platformStorageRegisteredUpload",
            vec![Credential::global(CredentialType::GlobalRegistered)],
            &[
                AuthorizationPrivilege::FileUpload,
                AuthorizationPrivilege::Read,
            ],
        ),
        CredentialRule::new(
            "credentialRule-platformStorageAnonymousRead",
            vec![
                Credential::global(CredentialType::GlobalAnonymous),
                Credential::global(CredentialType::GlobalRegistered),
            ],
            &[AuthorizationPrivilege::Read],
        ),
    ]);
    owner
}

/// The privilege needed to give or take a platform role: `GRANT` for the feature roles anyone
/// in support may hand out, `GRANT_GLOBAL_ADMINS` for the others.
pub fn privilege_to_manage(role: RoleName) -> AuthorizationPrivilege {
    match role {
        RoleName::PlatformBetaTester | RoleName::PlatformVcCampaign => {
            AuthorizationPrivilege::Grant
        }
        _ => AuthorizationPrivilege::GrantGlobalAdmins,
    }
}

/// One change to a list of the platform's integration settings.
#[derive(Debug, Clone, Copy)]
pub enum IntegrationListChange<'a> {
    /// Allow iframes from this URL.
    AddIframeUrl(&'a str),
    /// Stop allowing iframes from this URL.
    RemoveIframeUrl(&'a str),
    /// Send no notification e-mail to this address.
    AddBlacklisted(&'a str),
    /// Send notification e-mails to this address again.
    RemoveBlacklisted(&'a str),
}

impl PlatformService {
    /// A platform service.
    #[allow(
        clippy::too_many_arguments,
        reason = "the platform's collaborators are services built once at start-up"
    )]
    pub fn new(
        db: Database,
        client_config: Arc<ClientConfig>,
        bootstrap: BootstrapSettings,
        users: UserService,
        role_sets: RoleSetService,
        organizations: OrganizationService,
        tasks: Arc<TaskService>,
        templates: alkemio_template::TemplateService,
    ) -> Self {
        Self {
            db,
            client_config,
            bootstrap,
            users,
            role_sets,
            organizations,
            tasks,
            templates,
            id: Arc::default(),
        }
    }

    /// First-start work, idempotent on later starts: the platform row, its role set, their
    /// policies (recomputed when the rules changed), and the bootstrap users.
    pub async fn bootstrap(&self) -> AppResult<PlatformId> {
        let txn = self.db.begin().await?;
        let mut platform = match repo::find(&txn).await? {
            Some(existing) => existing,
            None => {
                // PostgreSQL keeps microseconds; truncate so a value reads back as written.
                let now = Utc::now().trunc_subsecs(6);
                let platform = Platform {
                    id: PlatformId::new(),
                    created_date: now,
                    updated_date: now,
                    settings: PlatformSettings::default(),
                    authorization_id: None,
                    role_set_id: None,
                    storage_aggregator_id: None,
                    templates_manager_id: None,
                    well_known_virtual_contributors: Vec::new(),
                };
                repo::insert(&txn, &platform).await?;
                tracing::info!(platform.id = %platform.id, "bootstrapped the platform");
                platform
            }
        };
        if platform.role_set_id.is_none() {
            let set = platform_role_set();
            let license_policy = self
                .role_sets
                .create_in(&txn, &set, None, &alkemio_licensing::role_set_flags(None))
                .await?;
            auth_repo::save_all(&txn, std::slice::from_ref(&license_policy)).await?;
            repo::set_role_set_id(&txn, platform.id, set.id).await?;
            platform.role_set_id = Some(set.id);
        }
        let storage = self.users.profiles().storage();
        if platform.storage_aggregator_id.is_none() {
            let owner = platform_storage_owner(&self.platform_policy_in(&txn, &platform).await?);
            let (aggregator, direct, policies) =
                storage.new_aggregator(StorageAggregatorType::Platform, None, &owner);
            storage
                .insert_aggregator_in(&txn, &aggregator, &direct)
                .await?;
            auth_repo::save_all(&txn, &policies).await?;
            repo::set_storage_aggregator_id(&txn, platform.id, aggregator.id).await?;
            platform.storage_aggregator_id = Some(aggregator.id);
        }
        if platform.templates_manager_id.is_none() {
            use alkemio_template::{TemplateDefaultType as D, TemplateType as T};
            let owner = self.platform_policy_in(&txn, &platform).await?;
            let (manager, set, defaults, policies) =
                alkemio_template::TemplateService::build_manager(
                    &owner,
                    &[
                        (D::PlatformSpace, T::Space),
                        (D::PlatformSubspace, T::Space),
                        (D::PlatformSpaceTutorials, T::Space),
                        (D::PlatformSubspaceKnowledge, T::Space),
                    ],
                );
            alkemio_template::TemplateService::insert_manager_in(&txn, &manager, &set, &defaults)
                .await?;
            auth_repo::save_all(&txn, &policies).await?;
            repo::set_templates_manager_id(&txn, platform.id, manager.id).await?;
            platform.templates_manager_id = Some(manager.id);
        }
        self.apply_authorization(&txn, &platform).await?;
        let platform_policy = self.platform_policy_in(&txn, &platform).await?;
        alkemio_licensing::framework::ensure_seeded(&txn, &platform_policy).await?;
        txn.commit().await?;
        let _ = self.id.set(platform.id);
        self.bootstrap_users().await?;
        let admin = self
            .users
            .user_by_email(&self.bootstrap.admin_email)
            .await?
            .map(|u| u.id.into());
        self.organizations.ensure_host(admin).await?;
        Ok(platform.id)
    }

    async fn bootstrap_users(&self) -> AppResult<()> {
        for (email, first, last, role_credential) in bootstrap_users(&self.bootstrap.admin_email) {
            if self.users.user_by_email(&email).await?.is_some() {
                continue;
            }
            let new = NewUser {
                email,
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                authentication_id: None,
            };
            let user = self
                .users
                .register(new, &[Credential::global(role_credential)])
                .await?;
            tracing::info!(user.id = %user.id, role = %role_credential, "bootstrap user created");
        }
        Ok(())
    }

    /// Recomputes the platform and role-set policies, saving those whose rules changed.
    async fn apply_authorization(
        &self,
        txn: &impl ConnectionTrait,
        platform: &Platform,
    ) -> AppResult<()> {
        let load = |id: Option<uuid::Uuid>| async move {
            match id {
                Some(id) => auth_repo::load(txn, id).await.map(|s| s.map(|s| s.policy)),
                None => Ok(None),
            }
        };
        let existing = load(platform.authorization_id).await?;
        let mut policy = existing
            .clone()
            .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::Platform));
        apply_platform_policy(&mut policy);
        let mut changed: Vec<AuthorizationPolicy> = Vec::new();
        if existing.as_ref() != Some(&policy) {
            changed.push(policy.clone());
        }
        if platform.authorization_id != Some(policy.id) {
            repo::set_authorization_id(txn, platform.id, policy.id).await?;
        }
        if let Some(set_id) = platform.role_set_id {
            let set = self.role_sets.get_in(txn, set_id).await?;
            let existing = load(set.authorization_id).await?;
            let mut set_policy = existing
                .clone()
                .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::RoleSet));
            apply_role_set_policy(&mut set_policy, &policy, platform_role_set_rules());
            if existing.as_ref() != Some(&set_policy) {
                changed.push(set_policy.clone());
            }
            if set.authorization_id != Some(set_policy.id) {
                self.role_sets
                    .set_authorization_in(txn, set.id, set_policy.id)
                    .await?;
            }
            if let Some(lp) = self
                .role_sets
                .license_policy_in(txn, &set, &set_policy)
                .await?
                && load(Some(lp.id)).await?.as_ref() != Some(&lp)
            {
                changed.push(lp);
            }
        }
        if let Some(manager) = platform.templates_manager_id {
            for p in self
                .templates
                .recompute_manager_policies(txn, manager, &policy)
                .await?
            {
                let stored = load(Some(p.id)).await?;
                if stored.as_ref() != Some(&p) {
                    changed.push(p);
                }
            }
        }
        if let Some(aggregator) = platform.storage_aggregator_id {
            let recomputed = self
                .users
                .profiles()
                .storage()
                .recompute_aggregator_policies(txn, aggregator, &platform_storage_owner(&policy))
                .await?;
            for p in recomputed {
                let stored = load(Some(p.id)).await?;
                if stored.as_ref() != Some(&p) {
                    changed.push(p);
                }
            }
        }
        if !changed.is_empty() {
            auth_repo::save_all(txn, &changed).await?;
            tracing::info!(
                policies = changed.len(),
                "platform authorization policies computed"
            );
        }
        Ok(())
    }

    async fn platform_policy_in(
        &self,
        conn: &impl ConnectionTrait,
        platform: &Platform,
    ) -> AppResult<AuthorizationPolicy> {
        let mut policy = match platform.authorization_id {
            Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
            None => None,
        }
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::Platform));
        apply_platform_policy(&mut policy);
        Ok(policy)
    }

    /// The platform's storage aggregator.
    pub async fn storage_aggregator_id(&self) -> AppResult<Option<uuid::Uuid>> {
        Ok(self.get().await?.storage_aggregator_id)
    }

    async fn platform_in(&self, conn: &impl ConnectionTrait) -> AppResult<Platform> {
        match self.id.get() {
            Some(id) => repo::find_by_id(conn, *id).await?,
            None => repo::find(conn).await?,
        }
        .ok_or_else(|| AppError::internal_msg("the platform row is missing: bootstrap has not run"))
    }

    /// Changes the platform's integration settings in one transaction (the platform row locked),
    /// once the caller holds `privilege` on the platform; returns the settings stored.
    async fn change_integration(
        &self,
        caller: &ActorContext,
        privilege: AuthorizationPrivilege,
        action: &str,
        change: impl FnOnce(&mut crate::model::IntegrationSettings) -> AppResult<()>,
    ) -> AppResult<PlatformSettings> {
        let policy = self.authorization().await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(&policy.policy),
            privilege,
            action,
        )?;
        let id = self.id().await?;
        let txn = self.db.begin().await?;
        let platform = repo::find_for_update(&txn, id)
            .await?
            .ok_or_else(|| AppError::internal_msg("the platform row is missing"))?;
        let mut settings = platform.settings;
        change(&mut settings.integration)?;
        repo::set_settings(&txn, id, &settings).await?;
        txn.commit().await?;
        Ok(settings)
    }

    /// `updatePlatformSettings`: needs PLATFORM_SETTINGS_ADMIN; replaces the lists given (each
    /// entry checked) and keeps the others.
    pub async fn update_settings(
        &self,
        caller: &ActorContext,
        iframe_allowed_urls: Option<Vec<String>>,
        notification_email_blacklist: Option<Vec<String>>,
    ) -> AppResult<PlatformSettings> {
        self.change_integration(
            caller,
            AuthorizationPrivilege::PlatformSettingsAdmin,
            "update the platform settings",
            |s| {
                if let Some(urls) = &iframe_allowed_urls {
                    s.set_iframe_urls(urls)?;
                }
                if let Some(emails) = &notification_email_blacklist {
                    s.set_blacklist(emails)?;
                }
                Ok(())
            },
        )
        .await
    }

    /// `addIframeAllowedURL`, `removeIframeAllowedURL`, `addNotificationEmailToBlacklist` and
    /// `removeNotificationEmailFromBlacklist` (each needs PLATFORM_ADMIN); returns the list
    /// changed.
    pub async fn change_integration_list(
        &self,
        caller: &ActorContext,
        change: IntegrationListChange<'_>,
    ) -> AppResult<Vec<String>> {
        use IntegrationListChange::*;
        let action = match change {
            AddIframeUrl(_) => "add an iframe allowed URL",
            RemoveIframeUrl(_) => "remove an iframe allowed URL",
            AddBlacklisted(_) => "add an address to the notification blacklist",
            RemoveBlacklisted(_) => "remove an address from the notification blacklist",
        };
        let s = self
            .change_integration(caller, AuthorizationPrivilege::PlatformAdmin, action, |s| {
                match change {
                    AddIframeUrl(url) => s.add_iframe_url(url),
                    RemoveIframeUrl(url) => s.remove_iframe_url(url),
                    AddBlacklisted(email) => s.add_blacklisted(email),
                    RemoveBlacklisted(email) => s.remove_blacklisted(email),
                }
            })
            .await?;
        Ok(match change {
            AddIframeUrl(_) | RemoveIframeUrl(_) => s.integration.iframe_allowed_urls,
            AddBlacklisted(_) | RemoveBlacklisted(_) => s.integration.notification_email_blacklist,
        })
    }

    /// Recomputes the platform's policies (`authorizationPolicyResetOnPlatform`), after checking
    /// that the caller holds `AUTHORIZATION_RESET` on the platform.
    pub async fn reset_authorization(&self, caller: &ActorContext) -> AppResult<()> {
        let policy = self.authorization().await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(&policy.policy),
            AuthorizationPrivilege::AuthorizationReset,
            "reset the platform's authorization",
        )?;
        self.reset_platform_policies().await
    }

    /// `setPlatformWellKnownVirtualContributor`: needs PLATFORM_ADMIN on the platform; the
    /// virtual contributor now plays the part `well_known` (replacing whoever played it).
    /// The caller checks that the virtual contributor exists. Returns every mapping.
    pub async fn set_well_known_virtual_contributor(
        &self,
        caller: &ActorContext,
        well_known: &str,
        virtual_contributor: uuid::Uuid,
    ) -> AppResult<Vec<crate::model::WellKnownVirtualContributor>> {
        let policy = self.authorization().await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(&policy.policy),
            AuthorizationPrivilege::PlatformAdmin,
            &format!(
                "set Platform well-known Virtual Contributor: {}",
                caller.actor_id()
            ),
        )?;
        let txn = self.db.begin().await?;
        let platform = self.platform_in(&txn).await?;
        let mut mappings = platform.well_known_virtual_contributors;
        match mappings.iter_mut().find(|m| m.well_known == well_known) {
            Some(m) => m.virtual_contributor_id = virtual_contributor,
            None => mappings.push(crate::model::WellKnownVirtualContributor {
                well_known: well_known.to_owned(),
                virtual_contributor_id: virtual_contributor,
            }),
        }
        repo::set_well_known_virtual_contributors(&txn, platform.id, &mappings).await?;
        txn.commit().await?;
        Ok(mappings)
    }

    /// Drops deleted virtual contributors from the well-known parts they played.
    pub async fn forget_well_known_virtual_contributors(
        &self,
        gone: &[uuid::Uuid],
    ) -> AppResult<()> {
        if gone.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        let platform = self.platform_in(&txn).await?;
        let mut mappings = platform.well_known_virtual_contributors;
        let count = mappings.len();
        mappings.retain(|m| !gone.contains(&m.virtual_contributor_id));
        if mappings.len() != count {
            repo::set_well_known_virtual_contributors(&txn, platform.id, &mappings).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn reset_platform_policies(&self) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let mut platform = self.platform_in(&txn).await?;
        let storage = self.users.profiles().storage();
        if platform.storage_aggregator_id.is_none() {
            let owner = platform_storage_owner(&self.platform_policy_in(&txn, &platform).await?);
            let (aggregator, direct, policies) =
                storage.new_aggregator(StorageAggregatorType::Platform, None, &owner);
            storage
                .insert_aggregator_in(&txn, &aggregator, &direct)
                .await?;
            auth_repo::save_all(&txn, &policies).await?;
            repo::set_storage_aggregator_id(&txn, platform.id, aggregator.id).await?;
            platform.storage_aggregator_id = Some(aggregator.id);
        }
        self.apply_authorization(&txn, &platform).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Starts resetting every policy (platform, then every user) in the background, after
    /// checking `AUTHORIZATION_RESET` on the platform. Returns the task that reports progress.
    pub async fn reset_all_authorization(&self, caller: &ActorContext) -> AppResult<Task> {
        let policy = self.authorization().await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            Some(&policy.policy),
            AuthorizationPrivilege::AuthorizationReset,
            "reset all authorization policies",
        )?;
        let users = self.users.all_ids().await?;
        let organizations = self.organizations.all_ids().await?;
        let task = self
            .tasks
            .create("authorization-reset", users.len() + organizations.len() + 1)
            .await;
        let this = self.clone();
        let task_id = task.task_id;
        tokio::spawn(async move {
            match this.reset_platform_policies().await {
                Ok(()) => {
                    this.tasks
                        .record(
                            task_id,
                            "Finished resetting authorization for the platform.".into(),
                            false,
                        )
                        .await
                }
                Err(e) => {
                    e.log();
                    this.tasks
                        .record(
                            task_id,
                            format!("Resetting the platform failed (error {}).", e.error_id()),
                            true,
                        )
                        .await;
                }
            }
            for user in users {
                match this.users.reset_authorization(user).await {
                    Ok(()) => {
                        this.tasks
                            .record(
                                task_id,
                                format!(
                                    "Finished resetting authorization for user with id {user}."
                                ),
                                false,
                            )
                            .await;
                    }
                    Err(e) => {
                        e.log();
                        this.tasks
                            .record(
                                task_id,
                                format!(
                                    "Resetting authorization for user {user} failed (error {}).",
                                    e.error_id()
                                ),
                                true,
                            )
                            .await;
                    }
                }
            }
            for organization in organizations {
                let (message, failed) = match this
                    .organizations
                    .reset_authorization(organization)
                    .await
                {
                    Ok(()) => (
                        format!(
                            "Finished resetting authorization for organization with id {organization}."
                        ),
                        false,
                    ),
                    Err(e) => {
                        e.log();
                        (
                            format!(
                                "Resetting authorization for organization {organization} failed (error {}).",
                                e.error_id()
                            ),
                            true,
                        )
                    }
                };
                this.tasks.record(task_id, message, failed).await;
            }
        });
        Ok(task)
    }

    /// The platform id, known without a query once bootstrap ran.
    pub async fn id(&self) -> AppResult<PlatformId> {
        if let Some(id) = self.id.get() {
            return Ok(*id);
        }
        let platform = self.get().await?;
        let _ = self.id.set(platform.id);
        Ok(platform.id)
    }

    /// The platform singleton.
    pub async fn get(&self) -> AppResult<Platform> {
        self.platform_in(self.db.conn()).await
    }

    /// The client-facing configuration.
    pub fn client_config(&self) -> &ClientConfig {
        &self.client_config
    }

    /// The platform's stored authorization policy.
    pub async fn authorization(&self) -> AppResult<StoredPolicy> {
        let platform = self.get().await?;
        let id = platform
            .authorization_id
            .ok_or_else(|| AppError::internal_msg("the platform has no authorization policy"))?;
        auth_repo::load(self.db.conn(), id).await?.ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "authorization policy {id} of the platform is missing"
            ))
        })
    }

    /// The platform's role set.
    pub async fn role_set(&self) -> AppResult<RoleSet> {
        let platform = self.get().await?;
        let id = platform
            .role_set_id
            .ok_or_else(|| AppError::internal_msg("the platform has no role set"))?;
        self.role_sets.get(id).await
    }

    async fn role_set_policy(&self, set: &RoleSet) -> AppResult<Option<AuthorizationPolicy>> {
        Ok(match set.authorization_id {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        })
    }

    /// Gives a user a platform role (`assignPlatformRoleToUser`).
    pub async fn assign_platform_role(
        &self,
        caller: &ActorContext,
        actor: ActorId,
        role: RoleName,
    ) -> AppResult<User> {
        let set = self.role_set().await?;
        let policy = self.role_set_policy(&set).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege_to_manage(role),
            &format!("assign platform role '{role}'"),
        )?;
        let txn = self.db.begin().await?;
        let granted = self
            .role_sets
            .assign_in(&txn, &set, role, actor, &[])
            .await?;
        self.finish_role_change(txn, caller, actor, role, true, granted)
            .await
    }

    /// Takes a platform role from a user (`removePlatformRoleFromUser`). A user may give up
    /// their own beta-tester and campaign roles.
    pub async fn remove_platform_role(
        &self,
        caller: &ActorContext,
        actor: ActorId,
        role: RoleName,
    ) -> AppResult<User> {
        let set = self.role_set().await?;
        let mut policy = self.role_set_policy(&set).await?;
        if privilege_to_manage(role) == AuthorizationPrivilege::Grant
            && let Some(policy) = policy.as_mut()
        {
            // In memory only, for this request: the user may remove themself.
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
            privilege_to_manage(role),
            &format!("remove platform role '{role}'"),
        )?;
        let txn = self.db.begin().await?;
        let revoked = self
            .role_sets
            .remove_in(&txn, &set, role, actor, None, &[])
            .await?;
        self.finish_role_change(txn, caller, actor, role, false, revoked)
            .await
    }

    /// Records a platform role change (when there was one) in the change's transaction, commits,
    /// and returns the user.
    async fn finish_role_change(
        &self,
        txn: sea_orm::DatabaseTransaction,
        caller: &ActorContext,
        actor: ActorId,
        role: RoleName,
        added: bool,
        changed: bool,
    ) -> AppResult<User> {
        if changed {
            self.users
                .outbox()
                .record(
                    &txn,
                    alkemio_events::DomainEvent::GlobalRoleChanged {
                        user_id: actor.0,
                        role: role.as_str().to_owned(),
                        added,
                    },
                    caller.authenticated_id(),
                )
                .await?;
        }
        txn.commit().await?;
        if changed {
            self.users.outbox().wake();
            self.users.actors().invalidate(actor).await?;
        }
        self.users
            .user(UserId(actor.0))
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {actor} not found")))
    }
}
