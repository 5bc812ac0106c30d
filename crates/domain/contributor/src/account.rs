//! Accounts: the actor that holds a user's or an organization's spaces, virtual contributors,
//! innovation packs and hubs, with a license saying how many of each it may have.

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P, Credential,
    CredentialRule, CredentialType as C, root_policy,
};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult, stored_enum};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

stored_enum! {
    /// Who hosts an account.
    AccountType {
        Organization => ("ORGANIZATION", "organization"),
        User => ("USER", "user"),
    }
}

/// The plan values an account starts from before licenses add to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineLicensePlan {
    /// Free spaces.
    pub space_free: i32,
    /// Plus spaces.
    pub space_plus: i32,
    /// Premium spaces.
    pub space_premium: i32,
    /// Virtual contributors.
    pub virtual_contributor: i32,
    /// Innovation packs.
    pub innovation_packs: i32,
    /// Starting pages (innovation hubs).
    pub starting_pages: i32,
}

/// Changes to a baseline plan: the given values replace the old ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineLicensePlanChange {
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

impl BaselineLicensePlanChange {
    /// The plan with the change applied; a negative value is BAD_USER_INPUT.
    pub fn apply(self, mut plan: BaselineLicensePlan) -> AppResult<BaselineLicensePlan> {
        let fields = [
            (self.space_free, &mut plan.space_free, "spaceFree"),
            (self.space_plus, &mut plan.space_plus, "spacePlus"),
            (self.space_premium, &mut plan.space_premium, "spacePremium"),
            (
                self.virtual_contributor,
                &mut plan.virtual_contributor,
                "virtualContributor",
            ),
            (
                self.innovation_packs,
                &mut plan.innovation_packs,
                "innovationPacks",
            ),
            (
                self.starting_pages,
                &mut plan.starting_pages,
                "startingPages",
            ),
        ];
        for (value, slot, name) in fields {
            if let Some(v) = value {
                if v < 0 {
                    return Err(AppError::bad_input(format!(
                        "{name} must not be negative: {v}"
                    )));
                }
                *slot = v;
            }
        }
        Ok(plan)
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its id (also its actor id).
    pub id: ActorId,
    /// Its URL slug.
    pub name_id: String,
    /// Who hosts it.
    pub account_type: AccountType,
    /// Baseline plan.
    pub baseline_license_plan: BaselineLicensePlan,
    /// External billing id.
    pub external_subscription_id: Option<String>,
    /// Its license.
    pub license_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its storage.
    pub storage_aggregator_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An account's policy: a root of the forest. Everyone reads it; its admins
/// (`account-admin[account]`) manage it and create spaces, virtual contributors and packs in it;
/// global roles administer and reset it.
pub fn apply_account_policy(policy: &mut AuthorizationPolicy, account: ActorId) {
    let global = |types: &[C]| {
        types
            .iter()
            .map(|c| Credential::global(*c))
            .collect::<Vec<_>>()
    };
    let admin = || vec![Credential::new(C::AccountAdmin, account)];
    let admins_and = |types: &[C]| {
        let mut v = global(types);
        v.extend(admin());
        v
    };
    policy.inherit_from(&root_policy());
    policy.add_credential_rules([
        CredentialRule::new(
            "Anonymous agent granted 'read' anonymous registered access",
            global(&[C::GlobalAnonymous, C::GlobalRegistered]),
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-accountManageGlobalRoles",
            global(&[C::GlobalAdmin, C::GlobalLicenseManager, C::GlobalSupport]),
            &[
                P::PlatformAdmin,
                P::CreateSpace,
                P::CreateInnovationHub,
                P::CreateInnovationPack,
                P::CreateVirtual,
            ],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-accountAuthReset",
            global(&[
                C::GlobalAdmin,
                C::GlobalSupport,
                C::GlobalLicenseManager,
                C::PlatformOperationsAdmin,
            ]),
            &[P::AuthorizationReset, P::LicenseReset],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-spaceGlobalRead",
            global(&[C::GlobalSpacesReader]),
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-accountResourcesManage",
            admins_and(&[C::GlobalAdmin, C::GlobalSupport]),
            &[P::TransferResourceOffer],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-accountResourceTransferAccept",
            admins_and(&[C::GlobalAdmin, C::GlobalSupport]),
            &[P::TransferResourceAccept],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-accountLicenseManage",
            global(&[C::GlobalAdmin, C::GlobalLicenseManager]),
            &[P::AccountLicenseManage],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-accountManage",
            admin(),
            &[P::Create, P::Read, P::Update, P::Delete],
        ),
        CredentialRule::new(
            "credentialRuleTypes-platformCreateSpace",
            admin(),
            &[P::CreateSpace],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-platformCreateVC",
            admin(),
            &[P::CreateVirtual],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-platformCreateInnovationPack",
            admin(),
            &[P::CreateInnovationPack],
        )
        .local(),
    ]);
}

/// Fails unless the caller may move a resource (`what`: "Space", "Innovation Hub", …) from one
/// account to another: TRANSFER_RESOURCE_OFFER on the source and TRANSFER_RESOURCE_ACCEPT on
/// the target (the reference's messages). Returns the target account's policy.
pub async fn require_transfer(
    conn: &impl ConnectionTrait,
    caller: &alkemio_authorization::ActorContext,
    source: &Account,
    target: &Account,
    what: &str,
) -> AppResult<AuthorizationPolicy> {
    auth_repo::require(
        conn,
        caller,
        source.authorization_id,
        P::TransferResourceOffer,
        &format!("transfer {what} to another Account: {}", caller.actor_id()),
    )
    .await?;
    auth_repo::require(
        conn,
        caller,
        target.authorization_id,
        P::TransferResourceAccept,
        &format!("transfer {what} to target Account: {}", caller.actor_id()),
    )
    .await
}

/// Fails unless the caller may create a resource of `entitlement`'s kind on the account: it
/// holds `privilege` there, and one more fits the account's license given that `used` are in
/// use (a caller with PLATFORM_ADMIN on the account is not limited). The errors are the
/// reference's (FORBIDDEN_POLICY; "Entitlement limit of N of type … reached"). Returns the
/// account's policy.
pub async fn require_to_create_on(
    conn: &impl ConnectionTrait,
    caller: &alkemio_authorization::ActorContext,
    account: &Account,
    privilege: P,
    entitlement: alkemio_licensing::LicenseEntitlementType,
    used: usize,
) -> AppResult<AuthorizationPolicy> {
    let account_policy = auth_repo::require(
        conn,
        caller,
        account.authorization_id,
        privilege,
        &format!("create {} on account: {}", entitlement.as_str(), account.id),
    )
    .await?;

    let limit = match account.license_id {
        Some(id) => alkemio_licensing::licenses(conn, &[id])
            .await?
            .remove(&id)
            .and_then(|l| {
                l.entitlements
                    .into_iter()
                    .find(|e| e.entitlement_type == entitlement)
            })
            .map_or(0, |e| e.limit),
        None => 0,
    };
    let platform_admin = alkemio_authorization::grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        Some(&account_policy),
        P::PlatformAdmin,
        "check",
    )
    .is_ok();
    if !platform_admin && i64::try_from(used).unwrap_or(i64::MAX) >= i64::from(limit) {
        return Err(AppError::bad_input(format!(
            "Unable to create {kind} on account: {id}. Entitlement limit of {limit} of type {kind} reached",
            kind = entitlement.as_str(),
            id = account.id
        )));
    }
    Ok(account_policy)
}

/// A new account's policy.
pub fn new_account_policy(account: ActorId) -> AuthorizationPolicy {
    let mut policy = auth_repo::new_policy(AuthorizationPolicyType::Account);
    apply_account_policy(&mut policy, account);
    policy
}

pub(crate) mod row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub account_type: String,
        pub baseline_license_plan: Json,
        pub external_subscription_id: Option<String>,
        pub license_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stores an account row (its actor row must exist).
pub(crate) async fn insert(conn: &impl ConnectionTrait, a: &Account) -> AppResult<()> {
    row::Entity::insert(row::ActiveModel {
        id: Set(a.id.0),
        created_date: Set(a.created_date),
        updated_date: Set(a.updated_date),
        version: Set(1),
        account_type: Set(a.account_type.as_str().to_owned()),
        baseline_license_plan: Set(
            serde_json::to_value(a.baseline_license_plan).unwrap_or_default()
        ),
        external_subscription_id: Set(a.external_subscription_id.clone()),
        license_id: Set(a.license_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// An account with its actor fields.
pub(crate) async fn find(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<Option<Account>> {
    Ok(find_many(conn, &[id.0]).await?.into_iter().next())
}

/// Accounts with their actor fields, two queries for any number.
pub(crate) async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<Account>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = row::Entity::find()
        .filter(row::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let actors = crate::repo::find_actors(conn, ids).await?;
    rows.into_iter()
        .map(|r| {
            let id = ActorId(r.id);
            let actor = actors.get(&r.id).ok_or_else(|| {
                AppError::internal_msg(format_args!("account {id} has no actor row"))
            })?;
            Ok(Account {
                id,
                name_id: actor.name_id.clone(),
                account_type: r
                    .account_type
                    .parse()
                    .map_err(|e| AppError::internal_msg(format_args!("account {id}: {e}")))?,
                baseline_license_plan: serde_json::from_value(r.baseline_license_plan)
                    .unwrap_or_default(),
                external_subscription_id: r.external_subscription_id,
                license_id: r.license_id,
                authorization_id: actor.authorization_id,
                profile_id: actor.profile_id,
                storage_aggregator_id: actor.storage_aggregator_id,
                created_date: r.created_date,
                updated_date: r.updated_date,
            })
        })
        .collect()
}

/// Replaces an account's baseline plan.
pub(crate) async fn set_baseline(
    conn: &impl ConnectionTrait,
    id: ActorId,
    plan: BaselineLicensePlan,
) -> AppResult<()> {
    row::Entity::update_many()
        .col_expr(
            row::Column::BaselineLicensePlan,
            sea_orm::sea_query::Expr::value(serde_json::to_value(plan).unwrap_or_default()),
        )
        .filter(row::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Every account's id.
/// The account holding a license.
pub(crate) async fn id_by_license(
    conn: &impl ConnectionTrait,
    license: Uuid,
) -> AppResult<Option<Uuid>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    Ok(row::Entity::find()
        .select_only()
        .column(row::Column::Id)
        .filter(row::Column::LicenseId.eq(license))
        .into_tuple()
        .one(conn)
        .await?)
}

pub(crate) async fn all_ids(conn: &impl ConnectionTrait) -> AppResult<Vec<Uuid>> {
    Ok(row::Entity::find()
        .select_only()
        .column(row::Column::Id)
        .order_by_asc(row::Column::CreatedDate)
        .into_tuple()
        .all(conn)
        .await?)
}
