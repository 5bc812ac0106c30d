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
