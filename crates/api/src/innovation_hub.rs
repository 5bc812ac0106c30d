//! GraphQL: innovation hubs, the hub a request arrives through, and their mutations.

use crate::account::Account;
use crate::authorization::{Authorization, load_policy, require_on};
use crate::context::{actor, data};
use crate::contributor::Actor;
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};
use crate::space::Space;
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_innovation_hub::{
    HubUpdate, InnovationHubService, InnovationHubType, NewHub, SearchVisibility,
};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_space::SpaceVisibility;
use async_graphql::{Context, InputObject, Object, Result};

/// The subdomain the request came through (from the configured header), if any.
#[derive(Debug, Clone, Default)]
pub struct RequestHub(pub Option<String>);

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a InnovationHubService> {
    data::<InnovationHubService>(ctx)
}

/// The hub the request came through, when its subdomain names one.
pub(crate) async fn request_hub(
    ctx: &Context<'_>,
) -> AppResult<Option<alkemio_innovation_hub::InnovationHub>> {
    let Some(RequestHub(Some(subdomain))) = ctx.data_opt::<RequestHub>() else {
        return Ok(None);
    };
    let found = service(ctx)?.by_subdomain(subdomain).await?;
    if found.is_none() {
        tracing::debug!(%subdomain, "no innovation hub on this subdomain");
    }
    Ok(found)
}

/// An innovation hub.
#[derive(Debug, Clone)]
pub struct InnovationHub(pub alkemio_innovation_hub::InnovationHub);

#[Object(name = "InnovationHub")]
impl InnovationHub {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its URL slug.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }
    /// Its subdomain.
    async fn subdomain(&self) -> &str {
        &self.0.subdomain
    }
    /// How it chooses its spaces.
    async fn r#type(&self) -> InnovationHubType {
        self.0.hub_type
    }
    /// The visibility of the spaces it shows (VISIBILITY hubs).
    async fn space_visibility_filter(&self) -> Option<SpaceVisibility> {
        self.0.space_visibility_filter
    }
    /// The spaces it shows, in order (LIST hubs; null until set).
    async fn space_list_filter(&self, ctx: &Context<'_>) -> Result<Option<Vec<Space>>> {
        let Some(ids) = self.0.space_list_filter.clone() else {
            return Ok(None);
        };
        let found = data::<alkemio_space::SpaceService>(ctx)?.many(&ids).await?;
        Ok(Some(
            ids.iter()
                .filter_map(|id| found.iter().find(|s| s.id.0 == *id).cloned())
                .map(Space)
                .collect(),
        ))
    }
    /// Whether it is offered in the platform's store.
    async fn listed_in_store(&self) -> bool {
        self.0.listed_in_store
    }
    /// Where it shows up in listings.
    async fn search_visibility(&self) -> SearchVisibility {
        self.0.search_visibility
    }
    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        let id = self.0.profile_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("hub {} has no profile", self.0.id))
        })?;
        Ok(Profile(
            loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
                .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?,
        ))
    }
    /// The account running it (needs READ on the hub).
    async fn account(&self, ctx: &Context<'_>) -> Result<Account> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a hub's account",
        )
        .await?;
        let id = self
            .0
            .account_id
            .ok_or_else(|| AppError::not_found(format!("Hub {} has no account", self.0.id)))?;
        Ok(Account(
            data::<alkemio_contributor::UserService>(ctx)?
                .account(id)
                .await?
                .ok_or_else(|| AppError::not_found(format!("Account {id} not found")))?,
        ))
    }
    /// Who runs it: the user or organization hosting its account (needs READ on the hub).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Actor> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a hub's provider",
        )
        .await?;
        let account = self
            .0
            .account_id
            .ok_or_else(|| AppError::not_found(format!("Hub {} has no account", self.0.id)))?;
        account_provider(ctx, account).await
    }
    /// Its curated innovation packs, in order (those the caller may read; null until set).
    async fn innovation_pack_list_filter(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<crate::library::InnovationPack>>> {
        let Some(ids) = self.0.pack_list_filter.clone() else {
            return Ok(None);
        };
        let library = data::<alkemio_library::LibraryService>(ctx)?;
        let mut found = library.many(&ids).await?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(pack) = found.remove(&id)
                && crate::authorization::can(ctx, pack.authorization_id, P::Read).await?
            {
                out.push(crate::library::InnovationPack(pack));
            }
        }
        Ok(Some(out))
    }
    /// Its curated virtual contributors, in order (those the caller may read; null until set).
    async fn virtual_contributor_list_filter(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<crate::virtual_contributor::VirtualContributor>>> {
        let Some(ids) = self.0.vc_list_filter.clone() else {
            return Ok(None);
        };
        let found = loaded(
            data::<crate::loaders::Loaders>(ctx)?
                .virtual_contributors
                .load_many(ids.iter().copied())
                .await,
        )?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(vc) = found.get(&id)
                && crate::authorization::can(ctx, vc.authorization_id, P::Read).await?
            {
                out.push(crate::virtual_contributor::VirtualContributor(vc.clone()));
            }
        }
        Ok(Some(out))
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

/// The actor hosting an account: its user, or else its organization.
pub(crate) async fn account_provider(ctx: &Context<'_>, account: ActorId) -> Result<Actor> {
    let host = match data::<alkemio_contributor::UserService>(ctx)?
        .account_host(account)
        .await?
    {
        Some(user) => Some(ActorId(user.id.0)),
        None => data::<alkemio_organization::OrganizationService>(ctx)?
            .by_account(account)
            .await?
            .map(|o| o.id),
    }
    .ok_or_else(|| AppError::not_found(format!("Account {account} has no host")))?;
    Ok(Actor(
        data::<alkemio_contributor::ActorService>(ctx)?
            .actor(host)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Actor {host} not found")))?,
    ))
}

/// `platform.innovationHub`: by id or subdomain, or the hub the request came through.
pub(crate) async fn platform_hub(
    ctx: &Context<'_>,
    id: Option<UuidScalar>,
    subdomain: Option<String>,
) -> Result<Option<InnovationHub>> {
    let s = service(ctx)?;
    let found = match (id, subdomain) {
        (Some(id), _) => Some(s.get(id.0).await?),
        (None, Some(sub)) => Some(
            s.by_subdomain(&sub)
                .await?
                .ok_or_else(|| AppError::not_found(format!("Innovation hub '{sub}' not found")))?,
        ),
        (None, None) => request_hub(ctx).await?,
    };
    Ok(found.map(InnovationHub))
}

/// `lookup.innovationHub`: needs READ on it.
pub(crate) async fn lookup_hub(ctx: &Context<'_>, id: UuidScalar) -> Result<Option<InnovationHub>> {
    let hub = service(ctx)?.get(id.0).await?;
    require_on(ctx, hub.authorization_id, P::Read, "read an innovation hub").await?;
    Ok(Some(InnovationHub(hub)))
}

/// `lookupByName.innovationHub`: the id of the hub with this NameID (needs READ on it).
pub(crate) async fn lookup_hub_by_name(ctx: &Context<'_>, name_id: &str) -> Result<Option<String>> {
    let hub = service(ctx)?
        .by_name_id(name_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Innovation hub {name_id} not found")))?;
    require_on(ctx, hub.authorization_id, P::Read, "read an innovation hub").await?;
    Ok(Some(hub.id.to_string()))
}

/// `Account.innovationHubs`, optionally only of some search visibilities.
pub(crate) async fn hubs_of_account(
    ctx: &Context<'_>,
    account: ActorId,
    visibilities: Option<Vec<SearchVisibility>>,
) -> Result<Vec<InnovationHub>> {
    let wanted = visibilities.unwrap_or_default();
    Ok(service(ctx)?
        .of_accounts(&[account.0])
        .await?
        .into_iter()
        .filter(|h| wanted.is_empty() || wanted.contains(&h.search_visibility))
        .map(InnovationHub)
        .collect())
}

/// A new hub.
#[derive(Debug, InputObject)]
pub struct CreateInnovationHubOnAccountInput {
    /// The account running it.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// Its URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Its subdomain (a DNS label).
    pub subdomain: String,
    /// How it chooses spaces.
    pub r#type: InnovationHubType,
    /// Spaces shown (LIST hubs).
    pub space_list_filter: Option<Vec<UuidScalar>>,
    /// Visibility shown (VISIBILITY hubs).
    pub space_visibility_filter: Option<SpaceVisibility>,
    /// Innovation packs curated.
    pub innovation_pack_list_filter: Option<Vec<UuidScalar>>,
    /// Virtual contributors curated.
    pub virtual_contributor_list_filter: Option<Vec<UuidScalar>>,
}

/// Changes to a hub.
#[derive(Debug, InputObject)]
pub struct UpdateInnovationHubInput {
    /// The hub.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
    /// New space list (LIST hubs).
    pub space_list_filter: Option<Vec<UuidScalar>>,
    /// New visibility (VISIBILITY hubs).
    pub space_visibility_filter: Option<SpaceVisibility>,
    /// New curated packs.
    pub innovation_pack_list_filter: Option<Vec<UuidScalar>>,
    /// New curated virtual contributors.
    pub virtual_contributor_list_filter: Option<Vec<UuidScalar>>,
    /// Store listing.
    pub listed_in_store: Option<bool>,
    /// Listing visibility.
    pub search_visibility: Option<SearchVisibility>,
}

/// A hub to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteInnovationHubInput {
    /// The hub.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

fn ids(list: Option<Vec<UuidScalar>>) -> Option<Vec<uuid::Uuid>> {
    list.map(|l| l.into_iter().map(|i| i.0).collect())
}

/// Innovation hub mutations.
#[derive(Debug, Default)]
pub struct InnovationHubMutation;

/// An innovation hub to move to another account.
#[derive(Debug, Clone, InputObject)]
pub struct TransferAccountInnovationHubInput {
    /// The hub.
    #[graphql(name = "innovationHubID")]
    pub innovation_hub_id: UuidScalar,
    /// The account it moves to.
    #[graphql(name = "targetAccountID")]
    pub target_account_id: UuidScalar,
}

#[Object]
impl InnovationHubMutation {
    /// Moves an innovation hub to another account (needs TRANSFER_RESOURCE_OFFER on its
    /// account and TRANSFER_RESOURCE_ACCEPT on the target).
    async fn transfer_innovation_hub_to_account(
        &self,
        ctx: &Context<'_>,
        transfer_data: TransferAccountInnovationHubInput,
    ) -> Result<InnovationHub> {
        Ok(InnovationHub(
            data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
                .transfer(
                    &actor(ctx),
                    transfer_data.innovation_hub_id.0,
                    alkemio_kernel::ids::ActorId(transfer_data.target_account_id.0),
                )
                .await?,
        ))
    }

    /// Creates a hub on an account (needs CREATE_INNOVATION_HUB on the account, and a free
    /// hub in its license unless a platform admin asks).
    async fn create_innovation_hub(
        &self,
        ctx: &Context<'_>,
        create_data: CreateInnovationHubOnAccountInput,
    ) -> Result<InnovationHub> {
        let (profile, _) = create_data.profile_data.into_new_profile()?;
        let new = NewHub {
            account: ActorId(create_data.account_id.0),
            name_id: create_data.name_id.map(|n| n.as_str().to_owned()),
            subdomain: create_data.subdomain,
            hub_type: create_data.r#type,
            space_list_filter: ids(create_data.space_list_filter),
            space_visibility_filter: create_data.space_visibility_filter,
            pack_list_filter: ids(create_data.innovation_pack_list_filter),
            vc_list_filter: ids(create_data.virtual_contributor_list_filter),
            profile,
        };
        Ok(InnovationHub(service(ctx)?.create(&actor(ctx), new).await?))
    }

    /// Changes a hub (needs UPDATE on it).
    async fn update_innovation_hub(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateInnovationHubInput,
    ) -> Result<InnovationHub> {
        let change = HubUpdate {
            name_id: update_data.name_id.map(|n| n.as_str().to_owned()),
            profile: update_data.profile_data.map(Into::into),
            space_list_filter: ids(update_data.space_list_filter),
            space_visibility_filter: update_data.space_visibility_filter,
            pack_list_filter: ids(update_data.innovation_pack_list_filter),
            vc_list_filter: ids(update_data.virtual_contributor_list_filter),
            listed_in_store: update_data.listed_in_store,
            search_visibility: update_data.search_visibility,
        };
        Ok(InnovationHub(
            service(ctx)?
                .update(&actor(ctx), update_data.id.0, change)
                .await?,
        ))
    }

    /// Deletes a hub with its profile (needs DELETE on it).
    async fn delete_innovation_hub(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteInnovationHubInput,
    ) -> Result<InnovationHub> {
        Ok(InnovationHub(
            service(ctx)?.delete(&actor(ctx), delete_data.id.0).await?,
        ))
    }
}
