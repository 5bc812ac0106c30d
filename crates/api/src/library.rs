//! GraphQL of the library module (`alkemio-library`): innovation packs, their mutations and
//! the platform's library listing.

use std::collections::HashMap;

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::AppError;
use alkemio_kernel::AppResult;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::pagination::{PageInfo, PaginationArgs};
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_library::{LibraryService, NewPack, PackUpdate, SearchVisibility};
use alkemio_template::TemplateType;
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use crate::authorization::{Authorization, authorization_of, require_on};
use crate::context::{actor, data};
use crate::contributor::Actor;
use crate::innovation_hub::InnovationHub;
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};
use crate::template::{Template, TemplatesSet};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a LibraryService> {
    data::<LibraryService>(ctx)
}

/// An innovation pack.
#[derive(Debug, Clone)]
pub struct InnovationPack(pub alkemio_library::InnovationPack);

#[Object(name = "InnovationPack")]
impl InnovationPack {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its URL slug.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }
    /// Whether the library offers it (when it is also public).
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
            AppError::internal_msg(format_args!("pack {} has no profile", self.0.id))
        })?;
        Ok(Profile(
            loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
                .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?,
        ))
    }
    /// Who publishes it: the user or organization hosting its account.
    async fn provider(&self, ctx: &Context<'_>) -> Result<Actor> {
        let account = self.0.account_id.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to load innovation pack with account to get Provider for InnovationPack {}",
                self.0.id
            ))
        })?;
        crate::innovation_hub::account_provider(ctx, account).await
    }
    /// Its templates (needs READ on the pack).
    async fn templates_set(&self, ctx: &Context<'_>) -> Result<Option<TemplatesSet>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read an innovation pack's templates",
        )
        .await?;
        let id = self.0.templates_set_id.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find templatesSet for innovationPack with nameID: {}",
                self.0.id
            ))
        })?;
        Ok(Some(TemplatesSet(
            data::<alkemio_space::SpaceService>(ctx)?
                .templates()
                .set_or_fail(id)
                .await?,
        )))
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        authorization_of(ctx, self.0.authorization_id).await
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

/// How the library orders its packs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "InnovationPacksOrderBy")]
pub enum InnovationPacksOrderBy {
    /// Fewest templates first.
    NumberOfTemplatesAsc,
    /// Most templates first.
    NumberOfTemplatesDesc,
    /// In random order.
    Random,
}

/// Which packs the library lists, and how.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "InnovationPacksInput")]
pub struct InnovationPacksInput {
    /// At most this many (all when absent or 0).
    pub limit: Option<f64>,
    /// Their order (most templates first when absent).
    pub order_by: Option<InnovationPacksOrderBy>,
}

/// A text filter on the library's packs.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "LibraryInnovationPacksFilterInput")]
pub struct LibraryInnovationPacksFilterInput {
    /// Text in the pack's name, description or tags.
    pub search_term: Option<String>,
}

/// A filter on the library's templates.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "LibraryTemplatesFilterInput")]
pub struct LibraryTemplatesFilterInput {
    /// Text in the template's name, description or tags.
    pub search_term: Option<String>,
    /// Only templates of these kinds (all when absent or empty).
    pub types: Option<Vec<TemplateType>>,
}

/// One page of the library's packs.
#[derive(SimpleObject)]
#[graphql(name = "PaginatedInnovationPacks")]
pub struct PaginatedInnovationPacks {
    /// The packs, newest first.
    pub innovation_packs: Vec<InnovationPack>,
    /// Where the page sits.
    pub page_info: PageInfo,
    /// How many packs match in all.
    pub total: f64,
}

/// A template in the library with the pack offering it.
#[derive(SimpleObject)]
#[graphql(name = "TemplateResult")]
pub struct TemplateResult {
    /// The pack.
    pub innovation_pack: InnovationPack,
    /// The template.
    pub template: Template,
}

/// One page of the library's templates.
#[derive(SimpleObject)]
#[graphql(name = "PaginatedLibraryTemplateResults")]
pub struct PaginatedLibraryTemplateResults {
    /// The templates, newest first.
    pub template_results: Vec<TemplateResult>,
    /// Where the page sits.
    pub page_info: PageInfo,
    /// How many templates match in all.
    pub total: f64,
}

#[allow(clippy::cast_precision_loss, reason = "counts are small")]
fn as_total(n: usize) -> f64 {
    n as f64
}

/// Whether a profile's name, description or tags contain `term` (case-insensitive).
async fn profile_matches(
    ctx: &Context<'_>,
    profiles: &[Uuid],
    term: &str,
) -> AppResult<HashMap<Uuid, bool>> {
    let term = term.to_lowercase();
    let svc = data::<alkemio_common::profile::ProfileService>(ctx)?;
    let found = svc.profiles(profiles).await?;
    let tagged: std::collections::HashSet<Uuid> = svc
        .tagsets_of(profiles)
        .await?
        .into_iter()
        .filter(|t| t.tags.iter().any(|tag| tag.to_lowercase().contains(&term)))
        .filter_map(|t| t.profile_id)
        .collect();
    Ok(profiles
        .iter()
        .map(|id| {
            let hit = tagged.contains(id)
                || found.get(id).is_some_and(|p| {
                    p.display_name.to_lowercase().contains(&term)
                        || p.description
                            .as_deref()
                            .is_some_and(|d| d.to_lowercase().contains(&term))
                });
            (*id, hit)
        })
        .collect())
}

fn search_term(raw: Option<String>) -> Option<String> {
    raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The platform's library: the packs, templates and hubs offered publicly.
#[derive(Debug, Clone)]
pub struct Library(pub alkemio_library::Library);

impl Library {
    async fn require_read(&self, ctx: &Context<'_>) -> AppResult<()> {
        require_on(ctx, self.0.authorization_id, P::Read, "read the library").await
    }

    /// The listed packs with their template counts.
    async fn listed_with_counts(
        ctx: &Context<'_>,
    ) -> AppResult<(Vec<alkemio_library::InnovationPack>, HashMap<Uuid, u64>)> {
        let packs = service(ctx)?.listed().await?;
        let counts = service(ctx)?.template_counts(&packs).await?;
        Ok((packs, counts))
    }

    /// The templates of the listed packs, each with its pack, newest first, optionally of some
    /// kinds.
    async fn listed_templates(
        ctx: &Context<'_>,
        types: &[TemplateType],
    ) -> AppResult<Vec<(alkemio_template::Template, alkemio_library::InnovationPack)>> {
        let packs = service(ctx)?.listed().await?;
        let by_set: HashMap<Uuid, &alkemio_library::InnovationPack> = packs
            .iter()
            .filter_map(|p| p.templates_set_id.map(|s| (s, p)))
            .collect();
        let sets: Vec<Uuid> = by_set.keys().copied().collect();
        let mut templates = data::<alkemio_space::SpaceService>(ctx)?
            .templates()
            .templates_of_sets(&sets)
            .await?;
        templates.retain(|t| types.is_empty() || types.contains(&t.template_type));
        templates.sort_by_key(|t| std::cmp::Reverse((t.created_date, t.id)));
        Ok(templates
            .into_iter()
            .filter_map(|t| by_set.get(&t.templates_set_id).map(|p| (t, (*p).clone())))
            .collect())
    }
}

#[Object(name = "Library")]
impl Library {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// The packs offered: listed in the store and public; by number of templates (most first)
    /// unless asked otherwise (needs READ on the library).
    async fn innovation_packs(
        &self,
        ctx: &Context<'_>,
        query_data: Option<InnovationPacksInput>,
    ) -> Result<Vec<InnovationPack>> {
        self.require_read(ctx).await?;
        let q = query_data.unwrap_or_default();
        let (mut packs, counts) = Self::listed_with_counts(ctx).await?;
        let count = |p: &alkemio_library::InnovationPack| counts.get(&p.id).copied().unwrap_or(0);
        let shuffle = match q
            .order_by
            .unwrap_or(InnovationPacksOrderBy::NumberOfTemplatesDesc)
        {
            InnovationPacksOrderBy::NumberOfTemplatesDesc => {
                packs.sort_by_key(|p| std::cmp::Reverse(count(p)));
                false
            }
            InnovationPacksOrderBy::NumberOfTemplatesAsc => {
                packs.sort_by_key(count);
                false
            }
            InnovationPacksOrderBy::Random => true,
        };
        let packs = if shuffle {
            let n = packs.len();
            alkemio_kernel::pagination::limit_and_shuffle(
                packs,
                Some(q.limit.filter(|l| *l > 0.0).unwrap_or(as_total(n))),
                true,
            )?
        } else {
            alkemio_kernel::pagination::limit_and_shuffle(packs, q.limit, false)?
        };
        Ok(packs.into_iter().map(InnovationPack).collect())
    }
    /// A page of the packs offered, newest first, optionally matching a text (needs READ on
    /// the library).
    async fn innovation_packs_paginated(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<UuidScalar>,
        last: Option<i32>,
        before: Option<UuidScalar>,
        filter: Option<LibraryInnovationPacksFilterInput>,
    ) -> Result<PaginatedInnovationPacks> {
        let request = PaginationArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        self.require_read(ctx).await?;
        let mut packs = service(ctx)?.listed().await?;
        if let Some(term) = search_term(filter.and_then(|f| f.search_term)) {
            let profiles: Vec<Uuid> = packs.iter().filter_map(|p| p.profile_id).collect();
            let hits = profile_matches(ctx, &profiles, &term).await?;
            packs.retain(|p| p.profile_id.is_some_and(|id| hits.get(&id) == Some(&true)));
        }
        let total = as_total(packs.len());
        let page = request.page_in_memory(packs, |p| p.id)?;
        Ok(PaginatedInnovationPacks {
            innovation_packs: page.items.into_iter().map(InnovationPack).collect(),
            page_info: page.page_info,
            total,
        })
    }
    /// The templates of the packs offered, by name, optionally of some kinds (needs READ on
    /// the library). As in the reference, the search term applies only to the paginated list.
    async fn templates(
        &self,
        ctx: &Context<'_>,
        filter: Option<LibraryTemplatesFilterInput>,
    ) -> Result<Vec<TemplateResult>> {
        self.require_read(ctx).await?;
        let types = filter.and_then(|f| f.types).unwrap_or_default();
        let found = Self::listed_templates(ctx, &types).await?;
        let profiles: Vec<Uuid> = found.iter().map(|(t, _)| t.profile_id).collect();
        let names = data::<alkemio_common::profile::ProfileService>(ctx)?
            .profiles(&profiles)
            .await?;
        let mut found = found;
        found.sort_by_key(|(t, _)| {
            (
                names.get(&t.profile_id).map(|p| p.display_name.clone()),
                t.id,
            )
        });
        Ok(found
            .into_iter()
            .map(|(t, p)| TemplateResult {
                innovation_pack: InnovationPack(p),
                template: Template(t),
            })
            .collect())
    }
    /// A page of the templates of the packs offered, newest first, optionally of some kinds and
    /// matching a text (needs READ on the library).
    async fn templates_paginated(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<UuidScalar>,
        last: Option<i32>,
        before: Option<UuidScalar>,
        filter: Option<LibraryTemplatesFilterInput>,
    ) -> Result<PaginatedLibraryTemplateResults> {
        let request = PaginationArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        self.require_read(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut found = Self::listed_templates(ctx, &filter.types.unwrap_or_default()).await?;
        if let Some(term) = search_term(filter.search_term) {
            let profiles: Vec<Uuid> = found.iter().map(|(t, _)| t.profile_id).collect();
            let hits = profile_matches(ctx, &profiles, &term).await?;
            found.retain(|(t, _)| hits.get(&t.profile_id) == Some(&true));
        }
        let total = as_total(found.len());
        let page = request.page_in_memory(found, |(t, _)| t.id)?;
        Ok(PaginatedLibraryTemplateResults {
            template_results: page
                .items
                .into_iter()
                .map(|(t, p)| TemplateResult {
                    innovation_pack: InnovationPack(p),
                    template: Template(t),
                })
                .collect(),
            page_info: page.page_info,
            total,
        })
    }
    /// The virtual contributors offered: listed in the store and public.
    async fn virtual_contributors(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::virtual_contributor::VirtualContributor>> {
        crate::virtual_contributor::listed(ctx).await
    }
    /// The innovation hubs offered: listed in the store and public.
    async fn innovation_hubs(&self, ctx: &Context<'_>) -> Result<Vec<InnovationHub>> {
        Ok(data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
            .listed()
            .await?
            .into_iter()
            .map(InnovationHub)
            .collect())
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        authorization_of(ctx, self.0.authorization_id).await
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

/// `platform.library`.
pub(crate) async fn platform_library(ctx: &Context<'_>) -> Result<Library> {
    Ok(Library(service(ctx)?.library().await?))
}

/// `lookup.innovationPack`: needs READ on it.
pub(crate) async fn lookup_pack(
    ctx: &Context<'_>,
    id: UuidScalar,
) -> Result<Option<InnovationPack>> {
    let pack = service(ctx)?.get(id.0).await?;
    require_on(
        ctx,
        pack.authorization_id,
        P::Read,
        &format!("lookup InnovationPack: {}", id.0),
    )
    .await?;
    Ok(Some(InnovationPack(pack)))
}

/// `lookupByName.innovationPack`: the id of the pack with this NameID (needs READ on it).
pub(crate) async fn lookup_pack_by_name(
    ctx: &Context<'_>,
    name_id: &str,
) -> Result<Option<String>> {
    let pack = service(ctx)?.by_name_id(name_id).await?.ok_or_else(|| {
        AppError::not_found(format!(
            "Unable to find InnovationPack using NameID: {name_id}"
        ))
    })?;
    require_on(
        ctx,
        pack.authorization_id,
        P::Read,
        &format!("lookup InnovationPack by NameID: {name_id}"),
    )
    .await?;
    Ok(Some(pack.id.to_string()))
}

/// The policy of a pack (for `lookupMyPrivileges`).
pub(crate) async fn pack_policy(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Uuid>> {
    Ok(service(ctx)?.get(id).await?.authorization_id)
}

/// `Account.innovationPacks`, optionally only of some search visibilities.
pub(crate) async fn packs_of_account(
    ctx: &Context<'_>,
    account: ActorId,
    visibilities: Option<Vec<SearchVisibility>>,
) -> Result<Vec<InnovationPack>> {
    let wanted = visibilities.unwrap_or_default();
    Ok(service(ctx)?
        .of_accounts(&[account.0])
        .await?
        .into_iter()
        .filter(|p| wanted.is_empty() || wanted.contains(&p.search_visibility))
        .map(InnovationPack)
        .collect())
}

/// A new pack on an account.
#[derive(Debug, InputObject)]
pub struct CreateInnovationPackOnAccountInput {
    /// The account publishing it.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// Its URL slug (generated from the name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Tags for its default tagset.
    pub tags: Option<Vec<String>>,
}

/// Changes to a pack.
#[derive(Debug, InputObject)]
pub struct UpdateInnovationPackInput {
    /// The pack.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Whether the library offers it.
    pub listed_in_store: Option<bool>,
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
    /// Where it shows up in listings.
    pub search_visibility: Option<SearchVisibility>,
}

/// A pack to delete.
#[derive(Debug, InputObject)]
pub struct DeleteInnovationPackInput {
    /// The pack.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A pack moving to another account.
#[derive(Debug, InputObject)]
pub struct TransferAccountInnovationPackInput {
    /// The pack.
    #[graphql(name = "innovationPackID")]
    pub innovation_pack_id: UuidScalar,
    /// The account taking it.
    #[graphql(name = "targetAccountID")]
    pub target_account_id: UuidScalar,
}

/// Innovation pack mutations.
#[derive(Debug, Default)]
pub struct LibraryMutation;

#[Object]
impl LibraryMutation {
    /// Creates a pack on an account (needs CREATE_INNOVATION_PACK on the account, and a free
    /// pack in its license unless a platform admin asks).
    async fn create_innovation_pack(
        &self,
        ctx: &Context<'_>,
        innovation_pack_data: CreateInnovationPackOnAccountInput,
    ) -> Result<InnovationPack> {
        let d = innovation_pack_data;
        let (profile, _) = d.profile_data.into_new_profile()?;
        let new = NewPack {
            account: ActorId(d.account_id.0),
            name_id: d.name_id.map(NameId::into_inner),
            profile,
            tags: d.tags.unwrap_or_default(),
        };
        Ok(InnovationPack(
            service(ctx)?.create(&actor(ctx), new).await?,
        ))
    }

    /// Changes a pack (needs UPDATE on it).
    async fn update_innovation_pack(
        &self,
        ctx: &Context<'_>,
        innovation_pack_data: UpdateInnovationPackInput,
    ) -> Result<InnovationPack> {
        let d = innovation_pack_data;
        let change = PackUpdate {
            name_id: d.name_id.map(NameId::into_inner),
            profile: d.profile_data.map(Into::into),
            listed_in_store: d.listed_in_store,
            search_visibility: d.search_visibility,
        };
        Ok(InnovationPack(
            service(ctx)?.update(&actor(ctx), d.id.0, change).await?,
        ))
    }

    /// Deletes a pack with its templates and profile (needs DELETE on it).
    async fn delete_innovation_pack(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteInnovationPackInput,
    ) -> Result<InnovationPack> {
        Ok(InnovationPack(
            service(ctx)?.delete(&actor(ctx), delete_data.id.0).await?,
        ))
    }

    /// Moves a pack to another account (needs TRANSFER_RESOURCE_OFFER on its account and
    /// TRANSFER_RESOURCE_ACCEPT on the target).
    async fn transfer_innovation_pack_to_account(
        &self,
        ctx: &Context<'_>,
        transfer_data: TransferAccountInnovationPackInput,
    ) -> Result<InnovationPack> {
        Ok(InnovationPack(
            service(ctx)?
                .transfer(
                    &actor(ctx),
                    transfer_data.innovation_pack_id.0,
                    ActorId(transfer_data.target_account_id.0),
                )
                .await?,
        ))
    }
}

/// The mutations of templates and innovation packs.
#[derive(Debug, Default, async_graphql::MergedObject)]
pub struct LibraryMutations(
    crate::template::TemplateMutation,
    LibraryMutation,
    crate::virtual_contributor::VirtualContributorMutation,
    crate::search::SearchMutation,
);
