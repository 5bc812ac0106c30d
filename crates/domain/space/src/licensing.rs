//! Licensing of accounts and spaces: assigning and revoking plans (each issues a licensing
//! credential to the account or space), and recomputing licenses from the license policy. An
//! account's limits are its baseline plus what its credentials grant; a space's flags are what
//! the licensing credentials of the space and its ancestors grant (so a plan on the L0 space
//! licenses the whole tree, and one on a subspace adds to it below). The reference, by
//! contrast, recomputes a subspace from its own credentials only when a plan is assigned to it
//! and forgets them at the next reset of its L0 space.

use alkemio_authorization::{
    ActorContext, AuthorizationPrivilege as P, Credential, CredentialType, grant_access_or_fail,
};
use alkemio_contributor::UserService;
use alkemio_contributor::account::Account;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_licensing::LicenseEntitlementType as E;
use alkemio_licensing::framework::{self, LicensePlan, LicensingCredentialBasedCredentialType};
use alkemio_persistence::Database;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::model::Space;
use crate::repo;
use crate::service::SpaceService;

/// The licensing credentials of `space` and its ancestors.
pub(crate) async fn licensing_credentials_of_tree(
    spaces: &SpaceService,
    space: &Space,
) -> AppResult<Vec<CredentialType>> {
    let mut held = Vec::new();
    let mut next = Some(space.clone());
    while let Some(s) = next {
        let credentials = spaces.actor_credentials(s.id).await?;
        held.extend(
            credentials
                .iter()
                .filter(|c| LicensingCredentialBasedCredentialType::of(c.credential_type).is_some())
                .map(|c| c.credential_type),
        );
        next = match s.parent_space_id {
            Some(p) => spaces.get(p).await?,
            None => None,
        };
    }
    Ok(held)
}

/// What a license subscription is: a licensing credential and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The licensing credential.
    pub name: LicensingCredentialBasedCredentialType,
    /// When it expires (never when absent).
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
}

/// Plans and licenses of accounts and spaces.
#[derive(Debug, Clone)]
pub struct LicenseService {
    db: Database,
    spaces: SpaceService,
    users: UserService,
}

impl LicenseService {
    /// A service over the spaces and the accounts.
    pub fn new(db: Database, spaces: SpaceService, users: UserService) -> Self {
        Self { db, spaces, users }
    }

    async fn require_on_framework(&self, caller: &ActorContext, privilege: P) -> AppResult<()> {
        let f = framework::framework(self.db.conn()).await?;
        let policy = self.spaces.policy_of(f.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            "manage licenses",
        )
    }

    async fn account(&self, id: ActorId) -> AppResult<Account> {
        self.users
            .account(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Account {id} not found")))
    }

    async fn require_on_account(
        &self,
        caller: &ActorContext,
        account: &Account,
        privilege: P,
    ) -> AppResult<()> {
        let policy = self.spaces.policy_of(account.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            "manage an account's license",
        )
    }

    async fn plan_for(&self, plan: Uuid, accounts: bool) -> AppResult<LicensePlan> {
        let plan = framework::plan(self.db.conn(), plan).await?;
        if plan.plan_type.for_accounts() != accounts {
            return Err(AppError::bad_input(format!(
                "License plan {} is not for {}: {}",
                plan.name,
                if accounts { "accounts" } else { "spaces" },
                plan.plan_type.as_str()
            )));
        }
        Ok(plan)
    }

    /// `assignLicensePlanToAccount` / `revokeLicensePlanFromAccount`: needs GRANT on the
    /// licensing framework; the account's license (and its spaces') follow.
    pub async fn plan_on_account(
        &self,
        caller: &ActorContext,
        plan: Uuid,
        account: ActorId,
        assign: bool,
    ) -> AppResult<Account> {
        self.require_on_framework(caller, P::Grant).await?;
        let plan = self.plan_for(plan, true).await?;
        let account = self.account(account).await?;
        let credential = Credential::new(plan.license_credential.credential_type(), account.id);
        let txn = self.db.begin().await?;
        if assign {
            self.users
                .actors()
                .grant_in(&txn, account.id, &credential)
                .await?;
        } else {
            self.users
                .actors()
                .revoke_in(&txn, account.id, &credential)
                .await?;
        }
        self.reset_account_in(&txn, &account).await?;
        txn.commit().await?;
        self.users.actors().invalidate(account.id).await?;
        self.account(account.id).await
    }

    /// `assignLicensePlanToSpace` / `revokeLicensePlanFromSpace`: needs GRANT on the licensing
    /// framework; the licenses of the space and the spaces below it follow.
    pub async fn plan_on_space(
        &self,
        caller: &ActorContext,
        plan: Uuid,
        space: ActorId,
        assign: bool,
    ) -> AppResult<Space> {
        self.require_on_framework(caller, P::Grant).await?;
        let plan = self.plan_for(plan, false).await?;
        let space = self.spaces.get_or_fail(space).await?;
        let credential = Credential::new(plan.license_credential.credential_type(), space.id);
        let txn = self.db.begin().await?;
        if assign {
            self.users
                .actors()
                .grant_in(&txn, space.id, &credential)
                .await?;
        } else {
            self.users
                .actors()
                .revoke_in(&txn, space.id, &credential)
                .await?;
        }
        self.reset_tree_in(&txn, &space).await?;
        txn.commit().await?;
        self.users.actors().invalidate(space.id).await?;
        self.spaces.get_or_fail(space.id).await
    }

    /// `licenseResetOnAccount`: needs LICENSE_RESET on the account.
    pub async fn reset_account(&self, caller: &ActorContext, id: ActorId) -> AppResult<Account> {
        let account = self.account(id).await?;
        self.require_on_account(caller, &account, P::LicenseReset)
            .await?;
        let txn = self.db.begin().await?;
        self.reset_account_in(&txn, &account).await?;
        txn.commit().await?;
        self.account(id).await
    }

    /// `resetLicenseOnAccounts`: needs LICENSE_RESET on the licensing framework.
    pub async fn reset_all(&self, caller: &ActorContext) -> AppResult<()> {
        self.require_on_framework(caller, P::LicenseReset).await?;
        for id in self.users.all_account_ids().await? {
            let account = self.account(ActorId(id)).await?;
            let txn = self.db.begin().await?;
            self.reset_account_in(&txn, &account).await?;
            txn.commit().await?;
        }
        Ok(())
    }

    /// `updateBaselineLicensePlanOnAccount`: needs ACCOUNT_LICENSE_MANAGE on the account;
    /// replaces the given baseline values (each at least 0) and recomputes the license.
    pub async fn update_baseline(
        &self,
        caller: &ActorContext,
        id: ActorId,
        change: alkemio_contributor::account::BaselineLicensePlanChange,
    ) -> AppResult<Account> {
        let account = self.account(id).await?;
        self.require_on_account(caller, &account, P::AccountLicenseManage)
            .await?;
        let plan = change.apply(account.baseline_license_plan)?;
        self.users.set_baseline_plan(id, plan).await?;
        let account = self.account(id).await?;
        let txn = self.db.begin().await?;
        self.reset_account_in(&txn, &account).await?;
        txn.commit().await?;
        self.account(id).await
    }

    async fn reset_account_in(
        &self,
        conn: &impl ConnectionTrait,
        account: &Account,
    ) -> AppResult<()> {
        let rules = framework::policy(conn).await?;
        let held: Vec<CredentialType> = self
            .users
            .actors()
            .credentials_in(conn, account.id)
            .await?
            .iter()
            .map(|c| c.credential_type)
            .collect();
        let b = account.baseline_license_plan;
        let baseline = |t: E| match t {
            E::AccountSpaceFree => b.space_free,
            E::AccountSpacePlus => b.space_plus,
            E::AccountSpacePremium => b.space_premium,
            E::AccountVirtualContributor => b.virtual_contributor,
            E::AccountInnovationPack => b.innovation_packs,
            E::AccountInnovationHub => b.starting_pages,
            _ => 0,
        };
        if let Some(license) = account.license_id {
            let values = alkemio_licensing::account_limits(baseline, &held, &rules);
            alkemio_licensing::set_entitlements(conn, license, &values).await?;
        }
        for (_, space) in repo::ids_of_accounts(conn, &[account.id.0]).await? {
            if let Some(s) = repo::find(conn, ActorId(space)).await? {
                self.reset_tree_in(conn, &s).await?;
            }
        }
        Ok(())
    }

    /// Recomputes the licenses of `root` and every space below it.
    async fn reset_tree_in(&self, conn: &impl ConnectionTrait, root: &Space) -> AppResult<()> {
        let rules = framework::policy(conn).await?;
        let mut stack: Vec<(Space, Vec<CredentialType>)> = vec![(
            root.clone(),
            match root.parent_space_id {
                Some(p) => match repo::find(conn, p).await? {
                    Some(parent) => licensing_credentials_of_tree(&self.spaces, &parent).await?,
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
        )];
        while let Some((space, inherited)) = stack.pop() {
            let mut held = inherited;
            held.extend(
                self.users
                    .actors()
                    .credentials_in(conn, space.id)
                    .await?
                    .iter()
                    .filter(|c| {
                        LicensingCredentialBasedCredentialType::of(c.credential_type).is_some()
                    })
                    .map(|c| c.credential_type),
            );
            if let Some(license) = space.license_id {
                let values = alkemio_licensing::space_flags(&held, &rules);
                alkemio_licensing::set_entitlements(conn, license, &values).await?;
                if let Some(c) = space.collaboration_id
                    && let Some(l) = self
                        .spaces
                        .collaborations()
                        .collaborations(&[c])
                        .await?
                        .remove(&c)
                        .and_then(|c| c.license_id)
                {
                    let flags: Vec<_> = values
                        .iter()
                        .filter(|(t, _, _)| {
                            alkemio_licensing::COLLABORATION_ENTITLEMENTS.contains(t)
                        })
                        .copied()
                        .collect();
                    alkemio_collaboration::CollaborationService::set_license_flags_in(
                        conn, l, &flags,
                    )
                    .await?;
                }
                let set = self.spaces.community_role_set_in(conn, &space).await?;
                self.spaces
                    .role_sets()
                    .set_license_flags_in(conn, &set, &alkemio_licensing::role_set_values(&values))
                    .await?;
            }
            let children: Vec<Uuid> = repo::subspace_ids_of(conn, &[space.id.0])
                .await?
                .into_iter()
                .map(|(_, c)| c)
                .collect();
            for child in repo::find_many(conn, &children).await? {
                stack.push((child, held.clone()));
            }
        }
        Ok(())
    }

    /// The licensing credentials an actor (account or space) holds.
    pub async fn subscriptions(&self, actor: ActorId) -> AppResult<Vec<Subscription>> {
        let records = self.users.credential_records(actor).await?;
        Ok(records
            .into_iter()
            .filter_map(|r| {
                LicensingCredentialBasedCredentialType::of(r.credential.credential_type).map(
                    |name| Subscription {
                        name,
                        expires: r.expires,
                    },
                )
            })
            .collect())
    }

    /// A space's current plan: of its unexpired licensing credentials that belong to space
    /// plans, the one whose plan sorts highest.
    pub async fn active_subscription(&self, space: ActorId) -> AppResult<Option<Subscription>> {
        let now = chrono::Utc::now();
        let plans = framework::plans(self.db.conn()).await?;
        Ok(self
            .subscriptions(space)
            .await?
            .into_iter()
            .filter(|s| s.expires.is_none_or(|e| e > now))
            .filter_map(|s| {
                plans
                    .iter()
                    .filter(|p| {
                        p.license_credential == s.name
                            && p.plan_type == framework::LicensingCredentialBasedPlanType::SpacePlan
                    })
                    .map(|p| p.sort_order)
                    .max()
                    .map(|order| (order, s))
            })
            .max_by_key(|(order, _)| *order)
            .map(|(_, s)| s))
    }
}

/// A new license plan, or a plan's changes (`None` leaves a value as it is).
#[derive(Debug, Clone, Default)]
pub struct PlanChanges {
    /// Its name (new plans only).
    pub name: Option<String>,
    /// What it is for (new plans only).
    pub plan_type: Option<framework::LicensingCredentialBasedPlanType>,
    /// Whether it is offered.
    pub enabled: Option<bool>,
    /// Position among the plans.
    pub sort_order: Option<f64>,
    /// Monthly price.
    pub price_per_month: Option<f64>,
    /// Whether it is free.
    pub is_free: Option<bool>,
    /// Whether it starts as a trial.
    pub trial_enabled: Option<bool>,
    /// Whether a payment method is needed.
    pub requires_payment_method: Option<bool>,
    /// Whether support must be contacted.
    pub requires_contact_support: Option<bool>,
    /// The credential it issues.
    pub license_credential: Option<framework::LicensingCredentialBasedCredentialType>,
    /// Whether new organization accounts get it.
    pub assign_to_new_organization_accounts: Option<bool>,
    /// Whether new user accounts get it.
    pub assign_to_new_user_accounts: Option<bool>,
}

fn sort_order_of(order: f64) -> AppResult<i32> {
    if !order.is_finite() || order.abs() > f64::from(i32::MAX) {
        return Err(AppError::bad_input(format!("Not a sort order: {order}")));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(order.round() as i32)
}

impl PlanChanges {
    fn apply(self, p: &mut framework::LicensePlan) -> AppResult<()> {
        if let Some(v) = self.enabled {
            p.enabled = v;
        }
        if let Some(v) = self.sort_order {
            p.sort_order = sort_order_of(v)?;
        }
        if let Some(v) = self.price_per_month {
            if !v.is_finite() || v < 0.0 {
                return Err(AppError::bad_input("A price cannot be negative"));
            }
            p.price_per_month = Some(v);
        }
        if let Some(v) = self.is_free {
            p.is_free = v;
        }
        if let Some(v) = self.trial_enabled {
            p.trial_enabled = v;
        }
        if let Some(v) = self.requires_payment_method {
            p.requires_payment_method = v;
        }
        if let Some(v) = self.requires_contact_support {
            p.requires_contact_support = v;
        }
        if let Some(v) = self.license_credential {
            p.license_credential = v;
        }
        if let Some(v) = self.assign_to_new_organization_accounts {
            p.assign_to_new_organization_accounts = v;
        }
        if let Some(v) = self.assign_to_new_user_accounts {
            p.assign_to_new_user_accounts = v;
        }
        Ok(())
    }
}

/// A rule of the license policy, as asked for.
#[derive(Debug, Clone)]
pub struct RuleInput {
    /// The licensing credential it applies to.
    pub credential: framework::LicensingCredentialBasedCredentialType,
    /// What it grants: (entitlement, limit).
    pub granted: Vec<(alkemio_licensing::LicenseEntitlementType, f64)>,
    /// Its label.
    pub name: Option<String>,
}

fn rule_of(id: uuid::Uuid, input: RuleInput) -> AppResult<framework::PolicyRule> {
    let mut granted = Vec::new();
    for (kind, limit) in input.granted {
        if !limit.is_finite() || limit < -1.0 || limit > f64::from(i32::MAX) {
            return Err(AppError::bad_input(format!(
                "Not an entitlement limit: {limit}"
            )));
        }
        #[allow(clippy::cast_possible_truncation)]
        granted.push(framework::GrantedEntitlement {
            entitlement_type: framework::LicenseEntitlementTypeStored(kind),
            limit: limit.round() as i32,
        });
    }
    Ok(framework::PolicyRule {
        id,
        credential_type: input.credential.credential_type().as_str().to_owned(),
        granted_entitlements: granted,
        name: input
            .name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
    })
}

impl LicenseService {
    /// `createLicensePlan`: needs CREATE on the licensing framework; a plan's name is unique.
    pub async fn create_plan(
        &self,
        caller: &ActorContext,
        framework_id: uuid::Uuid,
        changes: PlanChanges,
    ) -> AppResult<framework::LicensePlan> {
        self.require_on_framework(caller, P::Create).await?;
        let f = framework::framework(self.db.conn()).await?;
        if f.id != framework_id {
            return Err(AppError::not_found(format!(
                "Unable to find Licensing with ID: {framework_id}"
            )));
        }
        let name = changes
            .name
            .clone()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| AppError::bad_input("A license plan needs a name"))?;
        if framework::plans(self.db.conn())
            .await?
            .iter()
            .any(|p| p.name == name)
        {
            return Err(AppError::bad_input(format!(
                "A license plan named '{name}' already exists"
            )));
        }
        let now = chrono::Utc::now();
        let mut plan = framework::LicensePlan {
            id: uuid::Uuid::now_v7(),
            framework_id: f.id,
            name,
            enabled: false,
            sort_order: 0,
            plan_type: changes
                .plan_type
                .ok_or_else(|| AppError::bad_input("A license plan needs a type"))?,
            price_per_month: None,
            is_free: false,
            trial_enabled: false,
            requires_payment_method: false,
            requires_contact_support: false,
            license_credential: changes
                .license_credential
                .ok_or_else(|| AppError::bad_input("A license plan needs a credential"))?,
            assign_to_new_organization_accounts: false,
            assign_to_new_user_accounts: false,
            created_date: now,
            updated_date: now,
        };
        changes.apply(&mut plan)?;
        framework::insert_plan(self.db.conn(), &plan).await?;
        framework::plan(self.db.conn(), plan.id).await
    }

    /// `updateLicensePlan`: needs UPDATE on the licensing framework.
    pub async fn update_plan(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
        changes: PlanChanges,
    ) -> AppResult<framework::LicensePlan> {
        let mut plan = framework::plan(self.db.conn(), id).await?;
        self.require_on_framework(caller, P::Update).await?;
        changes.apply(&mut plan)?;
        plan.updated_date = chrono::Utc::now();
        framework::update_plan(self.db.conn(), &plan).await?;
        framework::plan(self.db.conn(), id).await
    }

    /// `deleteLicensePlan`: needs DELETE on the licensing framework. Licenses keep what the
    /// plan's credential gave until they are reset.
    pub async fn delete_plan(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
    ) -> AppResult<framework::LicensePlan> {
        let plan = framework::plan(self.db.conn(), id).await?;
        self.require_on_framework(caller, P::Delete).await?;
        framework::delete_plan(self.db.conn(), id).await?;
        Ok(plan)
    }

    async fn require_on_license_policy(
        &self,
        caller: &ActorContext,
        privilege: P,
    ) -> AppResult<framework::LicensePolicy> {
        let policy = framework::policy(self.db.conn()).await?;
        let auth = self.spaces.policy_of(policy.authorization_id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            auth.as_ref(),
            privilege,
            "manage the license policy",
        )?;
        Ok(policy)
    }

    /// `adminLicensePolicyCreateCredentialRule`: needs CREATE on the license policy; the rule
    /// goes last (the first matching rule decides an entitlement).
    pub async fn create_rule(
        &self,
        caller: &ActorContext,
        input: RuleInput,
    ) -> AppResult<framework::PolicyRule> {
        let mut policy = self.require_on_license_policy(caller, P::Create).await?;
        let rule = rule_of(uuid::Uuid::now_v7(), input)?;
        policy.rules.push(rule.clone());
        framework::save_rules(self.db.conn(), policy.id, &policy.rules).await?;
        Ok(rule)
    }

    /// `adminLicensePolicyUpdateCredentialRule`: needs UPDATE on the license policy; the rule
    /// keeps its place.
    pub async fn update_rule(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
        input: RuleInput,
    ) -> AppResult<framework::PolicyRule> {
        let mut policy = self.require_on_license_policy(caller, P::Update).await?;
        let slot = policy
            .rules
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::not_found(format!("License policy rule {id} not found")))?;
        let keep_name = slot.name.clone();
        let mut rule = rule_of(id, input)?;
        if rule.name.is_none() {
            rule.name = keep_name;
        }
        *slot = rule.clone();
        framework::save_rules(self.db.conn(), policy.id, &policy.rules).await?;
        Ok(rule)
    }

    /// `adminLicensePolicyDeleteCredentialRule`: needs DELETE on the license policy.
    pub async fn delete_rule(
        &self,
        caller: &ActorContext,
        id: uuid::Uuid,
    ) -> AppResult<framework::PolicyRule> {
        let mut policy = self.require_on_license_policy(caller, P::Delete).await?;
        let at = policy
            .rules
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| AppError::not_found(format!("License policy rule {id} not found")))?;
        let rule = policy.rules.remove(at);
        framework::save_rules(self.db.conn(), policy.id, &policy.rules).await?;
        Ok(rule)
    }
}
