//! GraphQL of accounts and licenses: `Account`, `License`, `LicenseEntitlement`,
//! `AccountLicensePlan`.

use alkemio_authorization::AuthorizationPrivilege;
use alkemio_contributor::UserService;
use alkemio_contributor::account::{self as acc, AccountType};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_licensing::{LicenseEntitlementDataType, LicenseEntitlementType, LicenseType};
use alkemio_storage::StorageService;
use async_graphql::{Context, Object, Result, SimpleObject};

use crate::authorization::{Authorization, load_policy};
use crate::context::data;
use crate::contributor::{Actor, Credential};
use crate::loaders::{Loaders, loaded};
use crate::profile::Profile;
use crate::storage::StorageAggregator;

use crate::authorization::can;

fn forbidden(action: &str) -> AppError {
    AppError::new(
        alkemio_kernel::ErrorStatus::ForbiddenPolicy,
        format!("Authorization: unable to grant 'read' privilege: {action}"),
    )
}

/// An account.
#[derive(Debug, Clone)]
pub struct Account(pub acc::Account);

#[Object(name = "Account")]
impl Account {
    /// The account's id.
    pub(crate) async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }
    /// The account's URL slug.
    #[graphql(name = "nameID")]
    pub(crate) async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }
    /// The kind of actor: always `ACCOUNT`.
    pub(crate) async fn r#type(&self) -> alkemio_contributor::ActorType {
        alkemio_contributor::ActorType::Account
    }
    /// Who hosts it.
    async fn account_type(&self) -> Option<AccountType> {
        Some(self.0.account_type)
    }
    /// The plan values it starts from.
    async fn baseline_license_plan(&self) -> AccountLicensePlan {
        let b = self.0.baseline_license_plan;
        AccountLicensePlan {
            space_free: b.space_free,
            space_plus: b.space_plus,
            space_premium: b.space_premium,
            virtual_contributor: b.virtual_contributor,
            innovation_packs: b.innovation_packs,
            starting_pages: b.starting_pages,
        }
    }
    /// External billing id.
    #[graphql(name = "externalSubscriptionID")]
    async fn external_subscription_id(&self) -> Option<&str> {
        self.0.external_subscription_id.as_deref()
    }
    /// The account's authorization policy.
    pub(crate) async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
    /// The account's profile.
    pub(crate) async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }
    /// The credentials the account holds (licenses).
    pub(crate) async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = data::<UserService>(ctx)?
            .credential_records(self.0.id)
            .await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }
    /// The account as an actor (needs READ on the account).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        if !can(ctx, self.0.authorization_id, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read an account").into());
        }
        let found = data::<alkemio_contributor::ActorService>(ctx)?
            .actor(self.0.id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("account {} has no actor", self.0.id))
            })?;
        Ok(Actor(found))
    }
    /// The user or organization hosting the account.
    async fn host(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        let host: Option<alkemio_kernel::ids::ActorId> =
            match data::<UserService>(ctx)?.account_host(self.0.id).await? {
                Some(user) => Some(user.id.into()),
                None => data::<alkemio_organization::OrganizationService>(ctx)?
                    .by_account(self.0.id)
                    .await?
                    .map(|o| o.id),
            };
        let Some(host) = host else {
            return Err(AppError::not_found(format!(
                "Unable to find Host for account {}",
                self.0.id
            ))
            .into());
        };
        Ok(data::<alkemio_contributor::ActorService>(ctx)?
            .actor(host)
            .await?
            .map(Actor))
    }
    /// The account's innovation hubs, optionally only of some search visibilities.
    async fn innovation_hubs(
        &self,
        ctx: &Context<'_>,
        search_visibility: Option<Vec<alkemio_innovation_hub::SearchVisibility>>,
    ) -> Result<Vec<crate::innovation_hub::InnovationHub>> {
        crate::innovation_hub::hubs_of_account(ctx, self.0.id, search_visibility).await
    }
    /// The account's innovation packs, optionally only of some search visibilities.
    async fn innovation_packs(
        &self,
        ctx: &Context<'_>,
        search_visibility: Option<Vec<alkemio_library::SearchVisibility>>,
    ) -> Result<Vec<crate::library::InnovationPack>> {
        crate::library::packs_of_account(ctx, self.0.id, search_visibility).await
    }

    /// The account's virtual contributors, oldest first.
    async fn virtual_contributors(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::virtual_contributor::VirtualContributor>> {
        crate::virtual_contributor::of_account(ctx, self.0.id).await
    }

    /// The licensing credentials the account holds.
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::licensing::AccountSubscription>> {
        crate::licensing::account_subscriptions(ctx, self.0.id).await
    }

    /// The account's license (needs READ on the account).
    async fn license(&self, ctx: &Context<'_>) -> Result<License> {
        if !can(ctx, self.0.authorization_id, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read an account's license").into());
        }
        let id = self
            .0
            .license_id
            .ok_or_else(|| AppError::internal_msg("account without license"))?;
        let users = data::<UserService>(ctx)?;
        let license = alkemio_licensing::licenses(users.db_conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("license {id} missing")))?;
        Ok(License(license, Some(self.0.id)))
    }
    /// The L0 spaces the account hosts, in creation order (needs READ on the account).
    async fn spaces(&self, ctx: &Context<'_>) -> Result<Vec<crate::space::Space>> {
        if !can(ctx, self.0.authorization_id, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read an account's spaces").into());
        }
        let loaders = data::<crate::loaders::Loaders>(ctx)?;
        let ids = crate::loaders::loaded(loaders.account_spaces.load_one(self.0.id.0).await)?
            .unwrap_or_default();
        let found = crate::loaders::loaded(loaders.spaces.load_many(ids.iter().copied()).await)?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(crate::space::Space)
            .collect())
    }

    /// Where the account's files are stored (needs READ on the account).
    async fn storage_aggregator(&self, ctx: &Context<'_>) -> Result<StorageAggregator> {
        if !can(ctx, self.0.authorization_id, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read an account's storage").into());
        }
        let id = self
            .0
            .storage_aggregator_id
            .ok_or_else(|| AppError::internal_msg("account without storage"))?;
        Ok(StorageAggregator(
            data::<StorageService>(ctx)?.aggregator(id).await?,
        ))
    }
    /// When the account was created.
    pub(crate) async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When the account last changed.
    pub(crate) async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Baseline plan values of an account.
#[derive(Debug, Clone, SimpleObject)]
pub struct AccountLicensePlan {
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

/// A license.
#[derive(Debug, Clone)]
pub struct License(pub alkemio_licensing::License, pub Option<ActorId>);

/// Deletes what a deleted account hosted: its innovation hubs, innovation packs and virtual
/// contributors.
pub(crate) async fn delete_hosted(ctx: &Context<'_>, account: ActorId) -> AppResult<()> {
    data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
        .delete_of_account(account)
        .await?;
    data::<alkemio_library::LibraryService>(ctx)?
        .delete_of_account(account)
        .await?;
    let vcs = data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?;
    let gone: Vec<uuid::Uuid> = vcs
        .of_accounts(&[account.0])
        .await?
        .iter()
        .map(|v| v.id.0)
        .collect();
    vcs.delete_of_account(account).await?;
    data::<alkemio_platform::PlatformService>(ctx)?
        .forget_well_known_virtual_contributors(&gone)
        .await
}

/// How many of an account entitlement's kind the account already uses: its L0 spaces by their
/// level (free, plus, premium), its innovation hubs, innovation packs and virtual
/// contributors.
async fn account_usage(
    ctx: &Context<'_>,
    account: Option<ActorId>,
    entitlement: LicenseEntitlementType,
) -> AppResult<i64> {
    use LicenseEntitlementType as E;
    let Some(account) = account else {
        return Ok(0);
    };
    match entitlement {
        E::AccountSpaceFree | E::AccountSpacePlus | E::AccountSpacePremium => {
            let usage = data::<alkemio_space::SpaceService>(ctx)?
                .usage_of_account(account)
                .await?;
            Ok(match entitlement {
                E::AccountSpaceFree => usage.free,
                E::AccountSpacePlus => usage.plus,
                _ => usage.premium,
            })
        }
        E::AccountInnovationHub => {
            let hubs = data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
                .of_accounts(&[account.0])
                .await?;
            Ok(i64::try_from(hubs.len()).unwrap_or(i64::MAX))
        }
        E::AccountInnovationPack => {
            let packs = data::<alkemio_library::LibraryService>(ctx)?
                .of_accounts(&[account.0])
                .await?;
            Ok(i64::try_from(packs.len()).unwrap_or(i64::MAX))
        }
        E::AccountVirtualContributor => {
            let vcs = data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
                .of_accounts(&[account.0])
                .await?;
            Ok(i64::try_from(vcs.len()).unwrap_or(i64::MAX))
        }
        _ => Ok(0),
    }
}

#[Object(name = "License")]
impl License {
    /// The license's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// What it belongs to.
    async fn r#type(&self) -> Option<LicenseType> {
        Some(self.0.license_type)
    }
    /// Its entitlements.
    async fn entitlements(&self) -> Vec<LicenseEntitlement> {
        self.0
            .entitlements
            .iter()
            .cloned()
            .map(|e| LicenseEntitlement(e, self.0.license_type, self.1))
            .collect()
    }
    /// The entitlements of which one more may be used.
    async fn available_entitlements(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<LicenseEntitlementType>>> {
        let mut out = Vec::new();
        for e in &self.0.entitlements {
            if e.is_available(account_usage(ctx, self.1, e.entitlement_type).await?) {
                out.push(e.entitlement_type);
            }
        }
        Ok(Some(out))
    }
    /// The license's authorization policy.
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

/// One entitlement of a license.
#[derive(Debug, Clone)]
pub struct LicenseEntitlement(
    pub alkemio_licensing::Entitlement,
    pub LicenseType,
    pub Option<ActorId>,
);

#[Object(name = "LicenseEntitlement")]
impl LicenseEntitlement {
    /// The entitlement's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// What it entitles to.
    async fn r#type(&self) -> LicenseEntitlementType {
        self.0.entitlement_type
    }
    /// Flag or limit.
    async fn data_type(&self) -> LicenseEntitlementDataType {
        self.0.data_type
    }
    /// How many (for limits).
    async fn limit(&self) -> f64 {
        f64::from(self.0.limit)
    }
    /// Whether it is on.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// How many are used (-1 for flags).
    async fn usage(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(match (self.0.data_type, self.1) {
            (LicenseEntitlementDataType::Flag, _) => -1.0,
            (LicenseEntitlementDataType::Limit, LicenseType::Account) => {
                account_usage(ctx, self.2, self.0.entitlement_type).await? as f64
            }
            _ => {
                return Err(AppError::new(
                    alkemio_kernel::ErrorStatus::LicenseEntitlementNotSupported,
                    "Usage is only known for account limits",
                )
                .into());
            }
        })
    }
    /// Whether one more may be used.
    async fn is_available(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self
            .0
            .is_available(account_usage(ctx, self.2, self.0.entitlement_type).await?))
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
