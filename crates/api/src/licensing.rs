//! GraphQL: the licensing framework (plans and the license policy), subscriptions of accounts
//! and spaces, and the mutations that assign and revoke plans and recompute licenses.

use crate::account::Account;
use crate::authorization::{Authorization, load_policy, require_on};
use crate::context::{actor, data};
use crate::space::Space;
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_licensing::LicenseEntitlementType;
use alkemio_licensing::framework::{
    self as model, LicensingCredentialBasedCredentialType, LicensingCredentialBasedPlanType,
};
use alkemio_space::LicenseService;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

fn service<'a>(ctx: &Context<'a>) -> alkemio_kernel::AppResult<&'a LicenseService> {
    data::<LicenseService>(ctx)
}

fn conn<'a>(ctx: &Context<'a>) -> alkemio_kernel::AppResult<&'a sea_orm::DatabaseConnection> {
    Ok(data::<crate::SchemaServices>(ctx)?.db.conn())
}

/// The licensing framework.
#[derive(Debug, Clone)]
pub struct Licensing(pub model::LicensingFramework);

#[Object(name = "Licensing")]
impl Licensing {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// The plans, by sort order (needs READ on the framework).
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<LicensePlan>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read license plans").await?;
        Ok(model::plans(conn(ctx)?)
            .await?
            .into_iter()
            .map(LicensePlan)
            .collect())
    }
    /// The license policy.
    async fn policy(&self, ctx: &Context<'_>) -> Result<LicensePolicy> {
        Ok(LicensePolicy(model::policy(conn(ctx)?).await?))
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The framework, for `platform.licensingFramework`.
pub(crate) async fn framework(ctx: &Context<'_>) -> Result<Licensing> {
    Ok(Licensing(model::framework(conn(ctx)?).await?))
}

/// A license plan.
#[derive(Debug, Clone)]
pub struct LicensePlan(pub model::LicensePlan);

#[Object(name = "LicensePlan")]
impl LicensePlan {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether it is offered.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Position among the plans.
    async fn sort_order(&self) -> f64 {
        f64::from(self.0.sort_order)
    }
    /// What it is for.
    async fn r#type(&self) -> LicensingCredentialBasedPlanType {
        self.0.plan_type
    }
    /// Monthly price.
    async fn price_per_month(&self) -> Option<f64> {
        self.0.price_per_month
    }
    /// Whether it is free.
    async fn is_free(&self) -> bool {
        self.0.is_free
    }
    /// Whether it starts as a trial.
    async fn trial_enabled(&self) -> bool {
        self.0.trial_enabled
    }
    /// Whether a payment method is needed.
    async fn requires_payment_method(&self) -> bool {
        self.0.requires_payment_method
    }
    /// Whether support must be contacted.
    async fn requires_contact_support(&self) -> bool {
        self.0.requires_contact_support
    }
    /// The credential it issues.
    async fn license_credential(&self) -> LicensingCredentialBasedCredentialType {
        self.0.license_credential
    }
    /// Whether new spaces of organizations' accounts get it.
    async fn assign_to_new_organization_accounts(&self) -> bool {
        self.0.assign_to_new_organization_accounts
    }
    /// Whether new spaces of users' accounts get it.
    async fn assign_to_new_user_accounts(&self) -> bool {
        self.0.assign_to_new_user_accounts
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The license policy.
#[derive(Debug, Clone)]
pub struct LicensePolicy(pub model::LicensePolicy);

/// One entitlement a rule grants.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "LicensingGrantedEntitlement")]
pub struct LicensingGrantedEntitlement {
    /// What.
    pub r#type: LicenseEntitlementType,
    /// How many.
    pub limit: f64,
}

/// A rule of the license policy.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "LicensingCredentialBasedPolicyCredentialRule")]
pub struct LicensingCredentialBasedPolicyCredentialRule {
    /// Its id.
    pub id: String,
    /// The licensing credential it applies to.
    pub credential_type: LicensingCredentialBasedCredentialType,
    /// What it grants.
    pub granted_entitlements: Vec<LicensingGrantedEntitlement>,
    /// Its label.
    pub name: Option<String>,
}

#[Object(name = "LicensePolicy")]
impl LicensePolicy {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its rules, in order (the first rule matching a credential decides an entitlement).
    async fn credential_rules(&self) -> Result<Vec<LicensingCredentialBasedPolicyCredentialRule>> {
        self.0
            .rules
            .iter()
            .map(|r| {
                Ok(LicensingCredentialBasedPolicyCredentialRule {
                    id: r.id.to_string(),
                    credential_type: r.credential()?,
                    granted_entitlements: r
                        .granted_entitlements
                        .iter()
                        .map(|g| LicensingGrantedEntitlement {
                            r#type: g.entitlement_type.0,
                            limit: f64::from(g.limit),
                        })
                        .collect(),
                    name: r.name.clone(),
                })
            })
            .collect::<alkemio_kernel::AppResult<_>>()
            .map_err(Into::into)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A licensing credential an account holds.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "AccountSubscription")]
pub struct AccountSubscription {
    /// The credential.
    pub name: LicensingCredentialBasedCredentialType,
    /// When it expires (never when absent).
    pub expires: Option<DateTime>,
}

/// A licensing credential a space holds.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "SpaceSubscription")]
pub struct SpaceSubscription {
    /// The credential.
    pub name: LicensingCredentialBasedCredentialType,
    /// When it expires (never when absent).
    pub expires: Option<DateTime>,
}

/// The licensing credentials of an account.
pub(crate) async fn account_subscriptions(
    ctx: &Context<'_>,
    account: ActorId,
) -> Result<Vec<AccountSubscription>> {
    Ok(service(ctx)?
        .subscriptions(account)
        .await?
        .into_iter()
        .map(|s| AccountSubscription {
            name: s.name,
            expires: s.expires.map(DateTime),
        })
        .collect())
}

/// The licensing credentials of a space.
pub(crate) async fn space_subscriptions(
    ctx: &Context<'_>,
    space: ActorId,
) -> Result<Vec<SpaceSubscription>> {
    Ok(service(ctx)?
        .subscriptions(space)
        .await?
        .into_iter()
        .map(|s| SpaceSubscription {
            name: s.name,
            expires: s.expires.map(DateTime),
        })
        .collect())
}

/// A space's current plan.
pub(crate) async fn space_active_subscription(
    ctx: &Context<'_>,
    space: ActorId,
) -> Result<Option<SpaceSubscription>> {
    Ok(service(ctx)?
        .active_subscription(space)
        .await?
        .map(|s| SpaceSubscription {
            name: s.name,
            expires: s.expires.map(DateTime),
        }))
}

/// A plan for an account.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "AssignLicensePlanToAccount")]
pub struct AssignLicensePlanToAccount {
    /// The plan.
    #[graphql(name = "licensePlanID")]
    pub license_plan_id: UuidScalar,
    /// The account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// The framework (there is one).
    #[graphql(name = "licensingID")]
    pub licensing_id: Option<UuidScalar>,
}

/// A plan taken from an account.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "RevokeLicensePlanFromAccount")]
pub struct RevokeLicensePlanFromAccount {
    /// The plan.
    #[graphql(name = "licensePlanID")]
    pub license_plan_id: UuidScalar,
    /// The account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// The framework (there is one).
    #[graphql(name = "licensingID")]
    pub licensing_id: Option<UuidScalar>,
}

/// A plan for a space.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "AssignLicensePlanToSpace")]
pub struct AssignLicensePlanToSpace {
    /// The plan.
    #[graphql(name = "licensePlanID")]
    pub license_plan_id: UuidScalar,
    /// The space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The framework (there is one).
    #[graphql(name = "licensingID")]
    pub licensing_id: Option<UuidScalar>,
}

/// A plan taken from a space.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "RevokeLicensePlanFromSpace")]
pub struct RevokeLicensePlanFromSpace {
    /// The plan.
    #[graphql(name = "licensePlanID")]
    pub license_plan_id: UuidScalar,
    /// The space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The framework (there is one).
    #[graphql(name = "licensingID")]
    pub licensing_id: Option<UuidScalar>,
}

/// An account whose license is recomputed.
#[derive(Debug, Clone, InputObject)]
pub struct AccountLicenseResetInput {
    /// The account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
}

/// An account whose authorization policy is recomputed.
#[derive(Debug, Clone, InputObject)]
pub struct AccountAuthorizationResetInput {
    /// The account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
}

/// New baseline values for an account (the given ones replace the old).
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "UpdateBaselineLicensePlanOnAccount")]
pub struct UpdateBaselineLicensePlanOnAccount {
    /// The account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// Free spaces.
    pub space_free: Option<i32>,
    /// Plus spaces.
    pub space_plus: Option<i32>,
    /// Premium spaces.
    pub space_premium: Option<i32>,
    /// Virtual contributors.
    pub virtual_contributor: Option<i32>,
    /// Innovation packs.
    pub innovation_packs: Option<i32>,
    /// Starting pages (innovation hubs).
    pub starting_pages: Option<i32>,
}

async fn check_framework(ctx: &Context<'_>, id: Option<UuidScalar>) -> Result<()> {
    if let Some(id) = id {
        let f = model::framework(conn(ctx)?).await?;
        if f.id != id.0 {
            return Err(alkemio_kernel::AppError::not_found(format!(
                "Licensing framework {id} not found"
            ))
            .into());
        }
    }
    Ok(())
}

/// Licensing mutations.
#[derive(Debug, Default)]
pub struct LicensingMutation;

/// A new license plan on the licensing framework.
#[derive(Debug, Clone, InputObject)]
pub struct CreateLicensePlanOnLicensingFrameworkInput {
    /// Whether new organization accounts get it.
    pub assign_to_new_organization_accounts: bool,
    /// Whether new user accounts get it.
    pub assign_to_new_user_accounts: bool,
    /// Whether it is offered.
    pub enabled: bool,
    /// Whether it is free.
    pub is_free: bool,
    /// The credential it issues.
    pub license_credential: LicensingCredentialBasedCredentialType,
    /// The licensing framework.
    #[graphql(name = "licensingFrameworkID")]
    pub licensing_framework_id: UuidScalar,
    /// Its name (unique).
    pub name: String,
    /// Monthly price.
    pub price_per_month: Option<f64>,
    /// Whether support must be contacted.
    pub requires_contact_support: bool,
    /// Whether a payment method is needed.
    pub requires_payment_method: bool,
    /// Position among the plans.
    pub sort_order: f64,
    /// Whether it starts as a trial.
    pub trial_enabled: bool,
    /// What it is for.
    pub r#type: LicensingCredentialBasedPlanType,
}

/// Changes to a license plan.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateLicensePlanInput {
    /// Whether new organization accounts get it.
    pub assign_to_new_organization_accounts: Option<bool>,
    /// Whether new user accounts get it.
    pub assign_to_new_user_accounts: Option<bool>,
    /// Whether it is offered.
    pub enabled: Option<bool>,
    /// Which plan.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Whether it is free.
    pub is_free: Option<bool>,
    /// The credential it issues.
    pub license_credential: Option<LicensingCredentialBasedCredentialType>,
    /// Monthly price.
    pub price_per_month: Option<f64>,
    /// Whether support must be contacted.
    pub requires_contact_support: Option<bool>,
    /// Whether a payment method is needed.
    pub requires_payment_method: Option<bool>,
    /// Position among the plans.
    pub sort_order: Option<f64>,
    /// Whether it starts as a trial.
    pub trial_enabled: Option<bool>,
}

/// The plan to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteLicensePlanInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// An entitlement a rule grants.
#[derive(Debug, Clone, InputObject)]
pub struct LicensingGrantedEntitlementInput {
    /// How many.
    pub limit: f64,
    /// What.
    pub r#type: LicenseEntitlementType,
}

/// A new rule of the license policy.
#[derive(Debug, Clone, InputObject)]
pub struct CreateLicensePolicyCredentialRuleInput {
    /// The licensing credential it applies to.
    pub credential_type: LicensingCredentialBasedCredentialType,
    /// What it grants.
    pub granted_entitlements: Vec<LicensingGrantedEntitlementInput>,
    /// Its label.
    pub name: String,
}

/// A rule of the license policy, changed.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateLicensePolicyCredentialRuleInput {
    /// The licensing credential it applies to.
    pub credential_type: LicensingCredentialBasedCredentialType,
    /// What it grants.
    pub granted_entitlements: Vec<LicensingGrantedEntitlementInput>,
    /// Which rule.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Its label (kept when absent).
    pub name: Option<String>,
}

/// The rule to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteLicensePolicyCredentialRuleInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

fn rule_out(r: model::PolicyRule) -> Result<LicensingCredentialBasedPolicyCredentialRule> {
    Ok(LicensingCredentialBasedPolicyCredentialRule {
        id: r.id.to_string(),
        credential_type: r.credential()?,
        granted_entitlements: r
            .granted_entitlements
            .iter()
            .map(|g| LicensingGrantedEntitlement {
                r#type: g.entitlement_type.0,
                limit: f64::from(g.limit),
            })
            .collect(),
        name: r.name,
    })
}

fn rule_in(
    credential: LicensingCredentialBasedCredentialType,
    granted: Vec<LicensingGrantedEntitlementInput>,
    name: Option<String>,
) -> alkemio_space::licensing::RuleInput {
    alkemio_space::licensing::RuleInput {
        credential,
        granted: granted.into_iter().map(|g| (g.r#type, g.limit)).collect(),
        name,
    }
}

#[Object]
impl LicensingMutation {
    /// Adds a plan to the licensing framework (needs CREATE on it).
    async fn create_license_plan(
        &self,
        ctx: &Context<'_>,
        plan_data: CreateLicensePlanOnLicensingFrameworkInput,
    ) -> Result<LicensePlan> {
        let d = plan_data;
        let changes = alkemio_space::licensing::PlanChanges {
            name: Some(d.name),
            plan_type: Some(d.r#type),
            enabled: Some(d.enabled),
            sort_order: Some(d.sort_order),
            price_per_month: d.price_per_month,
            is_free: Some(d.is_free),
            trial_enabled: Some(d.trial_enabled),
            requires_payment_method: Some(d.requires_payment_method),
            requires_contact_support: Some(d.requires_contact_support),
            license_credential: Some(d.license_credential),
            assign_to_new_organization_accounts: Some(d.assign_to_new_organization_accounts),
            assign_to_new_user_accounts: Some(d.assign_to_new_user_accounts),
        };
        Ok(LicensePlan(
            service(ctx)?
                .create_plan(&actor(ctx), d.licensing_framework_id.0, changes)
                .await?,
        ))
    }

    /// Changes a license plan (needs UPDATE on the licensing framework).
    async fn update_license_plan(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateLicensePlanInput,
    ) -> Result<LicensePlan> {
        let d = update_data;
        let changes = alkemio_space::licensing::PlanChanges {
            name: None,
            plan_type: None,
            enabled: d.enabled,
            sort_order: d.sort_order,
            price_per_month: d.price_per_month,
            is_free: d.is_free,
            trial_enabled: d.trial_enabled,
            requires_payment_method: d.requires_payment_method,
            requires_contact_support: d.requires_contact_support,
            license_credential: d.license_credential,
            assign_to_new_organization_accounts: d.assign_to_new_organization_accounts,
            assign_to_new_user_accounts: d.assign_to_new_user_accounts,
        };
        Ok(LicensePlan(
            service(ctx)?
                .update_plan(&actor(ctx), d.id.0, changes)
                .await?,
        ))
    }

    /// Deletes a license plan (needs DELETE on the licensing framework).
    async fn delete_license_plan(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteLicensePlanInput,
    ) -> Result<LicensePlan> {
        Ok(LicensePlan(
            service(ctx)?
                .delete_plan(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Adds a rule to the license policy, last (needs CREATE on the policy).
    async fn admin_license_policy_create_credential_rule(
        &self,
        ctx: &Context<'_>,
        create_data: CreateLicensePolicyCredentialRuleInput,
    ) -> Result<LicensingCredentialBasedPolicyCredentialRule> {
        let d = create_data;
        let rule = service(ctx)?
            .create_rule(
                &actor(ctx),
                rule_in(d.credential_type, d.granted_entitlements, Some(d.name)),
            )
            .await?;
        rule_out(rule)
    }

    /// Changes a rule of the license policy, in place (needs UPDATE on the policy).
    async fn admin_license_policy_update_credential_rule(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateLicensePolicyCredentialRuleInput,
    ) -> Result<LicensingCredentialBasedPolicyCredentialRule> {
        let d = update_data;
        let rule = service(ctx)?
            .update_rule(
                &actor(ctx),
                d.id.0,
                rule_in(d.credential_type, d.granted_entitlements, d.name),
            )
            .await?;
        rule_out(rule)
    }

    /// Deletes a rule of the license policy (needs DELETE on the policy).
    async fn admin_license_policy_delete_credential_rule(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteLicensePolicyCredentialRuleInput,
    ) -> Result<LicensingCredentialBasedPolicyCredentialRule> {
        let rule = service(ctx)?
            .delete_rule(&actor(ctx), delete_data.id.0)
            .await?;
        rule_out(rule)
    }

    /// Assigns a plan to an account (needs GRANT on the licensing framework).
    async fn assign_license_plan_to_account(
        &self,
        ctx: &Context<'_>,
        plan_data: AssignLicensePlanToAccount,
    ) -> Result<Account> {
        check_framework(ctx, plan_data.licensing_id).await?;
        Ok(Account(
            service(ctx)?
                .plan_on_account(
                    &actor(ctx),
                    plan_data.license_plan_id.0,
                    ActorId(plan_data.account_id.0),
                    true,
                )
                .await?,
        ))
    }

    /// Takes a plan from an account (needs GRANT on the licensing framework).
    async fn revoke_license_plan_from_account(
        &self,
        ctx: &Context<'_>,
        plan_data: RevokeLicensePlanFromAccount,
    ) -> Result<Account> {
        check_framework(ctx, plan_data.licensing_id).await?;
        Ok(Account(
            service(ctx)?
                .plan_on_account(
                    &actor(ctx),
                    plan_data.license_plan_id.0,
                    ActorId(plan_data.account_id.0),
                    false,
                )
                .await?,
        ))
    }

    /// Assigns a plan to a space (needs GRANT on the licensing framework).
    async fn assign_license_plan_to_space(
        &self,
        ctx: &Context<'_>,
        plan_data: AssignLicensePlanToSpace,
    ) -> Result<Space> {
        check_framework(ctx, plan_data.licensing_id).await?;
        Ok(Space(
            service(ctx)?
                .plan_on_space(
                    &actor(ctx),
                    plan_data.license_plan_id.0,
                    ActorId(plan_data.space_id.0),
                    true,
                )
                .await?,
        ))
    }

    /// Takes a plan from a space (needs GRANT on the licensing framework).
    async fn revoke_license_plan_from_space(
        &self,
        ctx: &Context<'_>,
        plan_data: RevokeLicensePlanFromSpace,
    ) -> Result<Space> {
        check_framework(ctx, plan_data.licensing_id).await?;
        Ok(Space(
            service(ctx)?
                .plan_on_space(
                    &actor(ctx),
                    plan_data.license_plan_id.0,
                    ActorId(plan_data.space_id.0),
                    false,
                )
                .await?,
        ))
    }

    /// Recomputes an account's license and its spaces' (needs LICENSE_RESET on the account).
    async fn license_reset_on_account(
        &self,
        ctx: &Context<'_>,
        reset_data: AccountLicenseResetInput,
    ) -> Result<Account> {
        Ok(Account(
            service(ctx)?
                .reset_account(&actor(ctx), ActorId(reset_data.account_id.0))
                .await?,
        ))
    }

    /// Recomputes the authorization policies of an account and of everything it hosts: its
    /// spaces with their subtrees, virtual contributors, innovation hubs and innovation packs
    /// (needs AUTHORIZATION_RESET on the account).
    async fn authorization_policy_reset_on_account(
        &self,
        ctx: &Context<'_>,
        authorization_reset_data: AccountAuthorizationResetInput,
    ) -> Result<Account> {
        let id = ActorId(authorization_reset_data.account_id.0);
        let users = data::<alkemio_contributor::UserService>(ctx)?;
        let account = users.account_or_fail(id).await?;
        require_on(
            ctx,
            account.authorization_id,
            P::AuthorizationReset,
            "reset the authorization of an account",
        )
        .await?;
        let policy = users.reset_account_authorization(&account).await?;
        let spaces = data::<alkemio_space::SpaceService>(ctx)?
            .reset_authorization_of_account(id)
            .await?;
        data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
            .reset_authorization_of_account(id, &spaces)
            .await?;
        data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
            .reset_authorization_of_account(id, &policy)
            .await?;
        data::<alkemio_library::LibraryService>(ctx)?
            .reset_authorization_of_account(id, &policy)
            .await?;
        Ok(Account(users.account_or_fail(id).await?))
    }

    /// Recomputes every account's license (needs LICENSE_RESET on the licensing framework).
    async fn reset_license_on_accounts(&self, ctx: &Context<'_>) -> Result<bool> {
        service(ctx)?.reset_all(&actor(ctx)).await?;
        Ok(true)
    }

    /// Changes an account's baseline plan (needs ACCOUNT_LICENSE_MANAGE on the account).
    async fn update_baseline_license_plan_on_account(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateBaselineLicensePlanOnAccount,
    ) -> Result<Account> {
        let change = alkemio_contributor::account::BaselineLicensePlanChange {
            space_free: update_data.space_free,
            space_plus: update_data.space_plus,
            space_premium: update_data.space_premium,
            virtual_contributor: update_data.virtual_contributor,
            innovation_packs: update_data.innovation_packs,
            starting_pages: update_data.starting_pages,
        };
        Ok(Account(
            service(ctx)?
                .update_baseline(&actor(ctx), ActorId(update_data.account_id.0), change)
                .await?,
        ))
    }
}
