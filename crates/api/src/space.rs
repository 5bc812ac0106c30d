//! GraphQL: `Space` (levels 0 to 2), its about, settings, community and guidelines, the space
//! queries (`spaces`, `spacesPaginated`, `restrictedSpaceNames`) and mutations (create,
//! update, settings, platform settings, delete, subspace order), and `joinRoleSet`.

use crate::account::{Account, License};
use crate::authorization::{Authorization, load_policy, require_on};
use crate::community::RoleSet;
use crate::context::{actor, data};
use crate::contributor::{Actor, ActorFull, ContributorFilterInput, Credential, User, actors_full};
use crate::loaders::{Loaders, loaded};
use crate::organization::{CreateProfileInput, CreateUserGroupInput, Nvp, Organization, UserGroup};
use crate::profile::{Profile, UpdateProfileInput};
use crate::storage::StorageAggregator;
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_community::{RoleName, RoleSetService};
use alkemio_contributor::{ActorType, UserService};
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::pagination::{PageInfo, PaginationArgs, limit_and_shuffle};
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_organization::OrganizationService;
use alkemio_space::model::{
    CalloutDescriptionDisplayMode, CommunityMembershipStatus, LayoutSettings, MembershipSettings,
    SettingsChange, UserInformationVisibility,
};
use alkemio_space::service::RESTRICTED_SPACE_NAMES;
use alkemio_space::{
    CommunityMembershipPolicy, NewSpace, SpaceLevel, SpacePrivacyMode, SpaceService, SpaceSortMode,
    SpaceVisibility, model,
};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a SpaceService> {
    data::<SpaceService>(ctx)
}

pub(crate) async fn load_spaces(ctx: &Context<'_>, ids: &[uuid::Uuid]) -> AppResult<Vec<Space>> {
    let found = loaded(
        data::<Loaders>(ctx)?
            .spaces
            .load_many(ids.iter().copied())
            .await,
    )?;
    Ok(ids
        .iter()
        .filter_map(|id| found.get(id).cloned())
        .map(Space)
        .collect())
}

/// A space: an account's L0 space or one of its subspaces.
#[derive(Debug, Clone)]
pub struct Space(pub model::Space);

impl Space {
    async fn require(&self, ctx: &Context<'_>, privilege: P, action: &str) -> AppResult<()> {
        require_on(ctx, self.0.authorization_id, privilege, action).await
    }
}

#[Object(name = "Space")]
impl Space {
    /// Its id.
    pub(crate) async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// Its URL slug (unique among L0 spaces, or within its L0 space's tree).
    #[graphql(name = "nameID")]
    pub(crate) async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// The kind of actor: always `SPACE`.
    pub(crate) async fn r#type(&self) -> ActorType {
        ActorType::Space
    }

    /// How deep it sits.
    async fn level(&self) -> SpaceLevel {
        self.0.level
    }

    /// The id of the L0 space of its tree.
    #[graphql(name = "levelZeroSpaceID")]
    async fn level_zero_space_id(&self) -> String {
        self.0.level_zero_space_id.0.to_string()
    }

    /// Active, archived, demo or inactive.
    async fn visibility(&self) -> SpaceVisibility {
        self.0.visibility
    }

    /// Position among its siblings.
    async fn sort_order(&self) -> i32 {
        self.0.sort_order
    }

    /// Whether it is pinned among its siblings.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }

    /// How its subspaces are meant to be ordered.
    async fn sort_mode(&self) -> SpaceSortMode {
        self.0.settings.sort_mode
    }

    /// Layout options.
    async fn layout(&self) -> SpaceSettingsLayout {
        SpaceSettingsLayout(self.0.settings.layout)
    }

    /// When it was created.
    pub(crate) async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    pub(crate) async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// Its authorization policy.
    pub(crate) async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// Its profile (the about's).
    pub(crate) async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }

    /// The credentials it holds (its licenses).
    pub(crate) async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = data::<UserService>(ctx)?
            .credential_records(self.0.id)
            .await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }

    /// The space as an actor (needs READ).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        self.require(ctx, P::Read, "read a space's actor").await?;
        let found = data::<alkemio_contributor::ActorService>(ctx)?
            .actor(self.0.id)
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("space {} has no actor", self.0.id))
            })?;
        Ok(Actor(found))
    }

    /// What the space is about (needs READ_ABOUT).
    async fn about(&self, ctx: &Context<'_>) -> Result<SpaceAbout> {
        self.require(ctx, P::ReadAbout, "read a space's about")
            .await?;
        let id = self.0.about_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no about", self.0.id))
        })?;
        let about = loaded(data::<Loaders>(ctx)?.space_abouts.load_one(id).await)?
            .ok_or_else(|| AppError::internal_msg(format_args!("about {id} missing")))?;
        Ok(SpaceAbout::new(about, self.0.clone()))
    }

    /// The licensing credentials the space holds.
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::licensing::SpaceSubscription>> {
        crate::licensing::space_subscriptions(ctx, self.0.id).await
    }

    /// The space's current plan: of its unexpired space plans, the highest.
    async fn active_subscription(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::licensing::SpaceSubscription>> {
        crate::licensing::space_active_subscription(ctx, self.0.id).await
    }

    /// Its collaboration: callouts and what they gather (needs READ).
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::collaboration::Collaboration> {
        self.require(ctx, P::Read, "read a space's collaboration")
            .await?;
        let id = self.0.collaboration_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no collaboration", self.0.id))
        })?;
        let found = data::<alkemio_collaboration::CollaborationService>(ctx)?
            .collaboration_or_fail(id)
            .await?;
        Ok(crate::collaboration::Collaboration(found))
    }

    /// Its community (needs READ).
    async fn community(&self, ctx: &Context<'_>) -> Result<Community> {
        self.require(ctx, P::Read, "read a space's community")
            .await?;
        let id = self.0.community_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no community", self.0.id))
        })?;
        let community = loaded(data::<Loaders>(ctx)?.communities.load_one(id).await)?
            .ok_or_else(|| AppError::internal_msg(format_args!("community {id} missing")))?;
        Ok(Community(community))
    }

    /// Who may be @mentioned here, by display name (needs READ): users (and virtual
    /// contributors) unless `types` says otherwise; at most `limit` (default 25, 1 to 50).
    /// A private space, or a public one below a private ancestor, offers the members up to that
    /// ancestor; a chain of public spaces up to its L0 offers everyone on the platform.
    async fn mentionable_contributors(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContributorFilterInput>,
        limit: Option<i32>,
        types: Option<Vec<ActorType>>,
    ) -> Result<Vec<ActorFull>> {
        self.require(ctx, P::Read, "read who may be mentioned in a space")
            .await?;
        let types = match types {
            Some(t) if !t.is_empty() => t,
            _ => vec![ActorType::User, ActorType::VirtualContributor],
        };
        let filter = filter.unwrap_or_default();
        let query = alkemio_contributor::listing::MentionQuery {
            types,
            scope: service(ctx)?.mention_scope(&self.0).await?,
            display_name: filter.display_name.filter(|v| !v.trim().is_empty()),
            name_id: filter.name_id.filter(|v| !v.trim().is_empty()),
            limit: u64::try_from(limit.unwrap_or(25).clamp(1, 50)).unwrap_or(25),
        };
        let found = data::<UserService>(ctx)?
            .actors()
            .mentionable(&query)
            .await?;
        actors_full(ctx, &found).await
    }

    /// Its settings (needs READ).
    async fn settings(&self, ctx: &Context<'_>) -> Result<SpaceSettings> {
        self.require(ctx, P::Read, "read a space's settings")
            .await?;
        Ok(SpaceSettings(self.0.settings.clone()))
    }

    /// What each platform role may do here.
    async fn platform_access(&self) -> PlatformRolesAccess {
        PlatformRolesAccess(self.0.platform_roles_access.clone())
    }

    /// The account hosting its tree (needs READ_ABOUT: whoever may see the about sees who
    /// hosts the space; the reference asks READ, yet its client reads this on the about of a
    /// private space for anonymous visitors, where that fails).
    async fn account(&self, ctx: &Context<'_>) -> Result<Account> {
        self.require(ctx, P::ReadAbout, "read a space's account")
            .await?;
        let id = self
            .0
            .account_id
            .ok_or_else(|| AppError::not_found(format!("Space {} has no account", self.0.id)))?;
        Ok(loaded(data::<Loaders>(ctx)?.accounts.load_one(id.0).await)?
            .map(Account)
            .ok_or_else(|| AppError::not_found(format!("Account {id} not found")))?)
    }

    /// The templates manager of its L0 space (needs READ).
    async fn templates_manager(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::template::TemplatesManager>> {
        self.require(ctx, P::Read, "read a space's templates")
            .await?;
        let l0 = if self.0.level == alkemio_space::model::SpaceLevel::L0 {
            self.0.clone()
        } else {
            service(ctx)?
                .get_or_fail(self.0.level_zero_space_id)
                .await?
        };
        let Some(id) = l0.templates_manager_id else {
            return Ok(None);
        };
        Ok(Some(crate::template::TemplatesManager(
            service(ctx)?.templates().manager_or_fail(id).await?,
        )))
    }

    /// Its license (needs READ_LICENSE).
    async fn license(&self, ctx: &Context<'_>) -> Result<License> {
        self.require(ctx, P::ReadLicense, "read a space's license")
            .await?;
        let id = self.0.license_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no license", self.0.id))
        })?;
        let license = alkemio_licensing::licenses(service(ctx)?.db_conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("license {id} missing")))?;
        Ok(License(license, None))
    }

    /// Where its files are stored (needs READ).
    async fn storage_aggregator(&self, ctx: &Context<'_>) -> Result<StorageAggregator> {
        self.require(ctx, P::Read, "read a space's storage").await?;
        let id = self.0.storage_aggregator_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no storage", self.0.id))
        })?;
        Ok(StorageAggregator(
            data::<alkemio_storage::StorageService>(ctx)?
                .aggregator(id)
                .await?,
        ))
    }

    /// Its direct subspaces: pinned first, then by sort order.
    async fn subspaces(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "IDs")] ids: Option<Vec<UuidScalar>>,
        limit: Option<f64>,
        shuffle: Option<bool>,
    ) -> Result<Vec<Space>> {
        let mut children = loaded(
            data::<Loaders>(ctx)?
                .subspace_ids
                .load_one(self.0.id.0)
                .await,
        )?
        .unwrap_or_default();
        if let Some(ids) = ids {
            children.retain(|c| ids.iter().any(|i| i.0 == *c));
        }
        let children = limit_and_shuffle(children, limit, shuffle.unwrap_or(false))?;
        Ok(load_spaces(ctx, &children).await?)
    }

    /// The subspace (at any depth of this tree) with this NameID (needs READ).
    #[graphql(name = "subspaceByNameID")]
    async fn subspace_by_name_id(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Space> {
        self.require(ctx, P::Read, "read a space's subspaces")
            .await?;
        let found = service(ctx)?
            .in_tree_by_name_id(self.0.level_zero_space_id, name_id.as_str())
            .await?
            .filter(|s| s.level != SpaceLevel::L0);
        Ok(found.map(Space).ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find subspace with ID: '{}'",
                name_id.as_str()
            ))
        })?)
    }
}

/// What a space is about.
#[derive(Debug, Clone)]
pub struct SpaceAbout {
    about: model::SpaceAbout,
    owner: AboutOwner,
}

/// Whose about it is: a space's, or a space template's content space's (with its settings).
#[derive(Debug, Clone)]
enum AboutOwner {
    Space(Box<model::Space>),
    Template(Box<model::SpaceSettings>),
}

impl SpaceAbout {
    /// A space's about, with the space.
    pub(crate) fn new(about: model::SpaceAbout, space: model::Space) -> Self {
        Self {
            about,
            owner: AboutOwner::Space(Box::new(space)),
        }
    }

    /// The about of a space template's content space, with the settings it gives.
    pub(crate) fn of_template(about: model::SpaceAbout, settings: model::SpaceSettings) -> Self {
        Self {
            about,
            owner: AboutOwner::Template(Box::new(settings)),
        }
    }

    fn space(&self) -> AppResult<&model::Space> {
        match &self.owner {
            AboutOwner::Space(space) => Ok(space),
            AboutOwner::Template(_) => Err(AppError::not_found(format!(
                "The about {} belongs to a space template: it has no space",
                self.about.id
            ))),
        }
    }
}

#[Object(name = "SpaceAbout")]
impl SpaceAbout {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.about.id)
    }

    /// Why the space exists.
    async fn why(&self) -> Option<Markdown> {
        self.about.why.clone().map(Markdown)
    }

    /// Who it is for.
    async fn who(&self) -> Option<Markdown> {
        self.about.who.clone().map(Markdown)
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.about.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.about.updated_date)
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.about.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        let id = self.about.profile_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("about {} has no profile", self.about.id))
        })?;
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
            .map(Profile)
            .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?)
    }

    /// The community's guidelines.
    async fn guidelines(&self, ctx: &Context<'_>) -> Result<CommunityGuidelines> {
        let id = self.about.guidelines_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("about {} has no guidelines", self.about.id))
        })?;
        Ok(service(ctx)?
            .guidelines(&[id])
            .await?
            .remove(&id)
            .map(CommunityGuidelines)
            .ok_or_else(|| AppError::internal_msg(format_args!("guidelines {id} missing")))?)
    }

    /// Whether the space's content is public (needs READ on the about).
    async fn is_content_public(&self, ctx: &Context<'_>) -> Result<bool> {
        require_on(
            ctx,
            self.about.authorization_id,
            P::Read,
            "read a space's about",
        )
        .await?;
        Ok(match &self.owner {
            AboutOwner::Space(space) => space.settings.is_public(),
            AboutOwner::Template(settings) => settings.is_public(),
        })
    }

    /// How many members the space has (needs READ on the about).
    async fn metrics(&self, ctx: &Context<'_>) -> Result<Option<Vec<Nvp>>> {
        require_on(
            ctx,
            self.about.authorization_id,
            P::Read,
            "read a space's about",
        )
        .await?;
        if matches!(self.owner, AboutOwner::Template(_)) {
            return Ok(None);
        }
        let set = self.role_set(ctx).await?;
        let members = match set.role(RoleName::Member) {
            Some(role) => holders_of(ctx, &role.credential).await?.len(),
            None => 0,
        };
        Ok(Some(vec![Nvp {
            id: UuidScalar(uuid::Uuid::new_v5(&self.about.id, b"members")),
            name: "members".to_owned(),
            value: members.to_string(),
            created_date: DateTime(self.about.created_date),
            updated_date: DateTime(chrono::Utc::now()),
        }]))
    }

    /// Who hosts the space: the user or organization owning its account (needs READ on the
    /// about).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        require_on(
            ctx,
            self.about.authorization_id,
            P::Read,
            "read a space's about",
        )
        .await?;
        let AboutOwner::Space(space) = &self.owner else {
            return Ok(None);
        };
        let Some(account) = space.account_id else {
            return Ok(None);
        };
        let host = match data::<UserService>(ctx)?.account_host(account).await? {
            Some(user) => Some(user.id.0),
            None => data::<OrganizationService>(ctx)?
                .by_account(account)
                .await?
                .map(|o| o.id.0),
        };
        let Some(host) = host else {
            return Ok(None);
        };
        Ok(data::<alkemio_contributor::ActorService>(ctx)?
            .actor(ActorId(host))
            .await?
            .map(Actor))
    }

    /// Membership: leads, the caller's status and privileges (needs READ on the about).
    async fn membership(&self, ctx: &Context<'_>) -> Result<SpaceAboutMembership> {
        require_on(
            ctx,
            self.about.authorization_id,
            P::Read,
            "read a space's about",
        )
        .await?;
        let role_set = self.role_set(ctx).await?;
        Ok(SpaceAboutMembership {
            community_id: self.space()?.community_id.unwrap_or_default(),
            role_set,
        })
    }
}

impl SpaceAbout {
    /// The space's role set, through the request's loaders.
    async fn role_set(&self, ctx: &Context<'_>) -> AppResult<alkemio_community::RoleSet> {
        let loaders = data::<Loaders>(ctx)?;
        let space = self.space()?;
        let community = space.community_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("space {} has no community", space.id))
        })?;
        let role_set = loaded(loaders.communities.load_one(community).await)?
            .and_then(|c| c.role_set_id)
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("space {} has no role set", space.id))
            })?;
        loaded(loaders.role_sets.load_one(role_set.0).await)?
            .ok_or_else(|| AppError::internal_msg(format_args!("role set {role_set} missing")))
    }
}

/// The actors holding a credential, through the request's loaders (batched by resource).
async fn holders_of(
    ctx: &Context<'_>,
    credential: &alkemio_authorization::Credential,
) -> AppResult<Vec<uuid::Uuid>> {
    let Ok(resource) = uuid::Uuid::parse_str(&credential.resource_id) else {
        return Ok(Vec::new());
    };
    let held = loaded(
        data::<Loaders>(ctx)?
            .credential_holders
            .load_one(resource)
            .await,
    )?
    .unwrap_or_default();
    Ok(held
        .into_iter()
        .filter(|(c, _)| c == credential)
        .map(|(_, a)| a.0)
        .collect())
}

/// A space's membership summary.
#[derive(Debug, Clone)]
pub struct SpaceAboutMembership {
    community_id: uuid::Uuid,
    role_set: alkemio_community::RoleSet,
}

impl SpaceAboutMembership {
    /// The ids of the actors holding the lead role.
    async fn leads(&self, ctx: &Context<'_>) -> AppResult<Vec<uuid::Uuid>> {
        match self.role_set.role(RoleName::Lead) {
            Some(role) => holders_of(ctx, &role.credential).await,
            None => Ok(Vec::new()),
        }
    }
}

#[Object(name = "SpaceAboutMembership")]
impl SpaceAboutMembership {
    /// The community's id.
    #[graphql(name = "communityID")]
    async fn community_id(&self) -> UuidScalar {
        UuidScalar(self.community_id)
    }

    /// The role set's id.
    #[graphql(name = "roleSetID")]
    async fn role_set_id(&self) -> UuidScalar {
        UuidScalar(self.role_set.id.0)
    }

    /// The users leading the space.
    async fn lead_users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let loaders = data::<Loaders>(ctx)?;
        let leads = self.leads(ctx).await?;
        let found = loaded(loaders.users.load_many(leads.iter().copied()).await)?;
        Ok(leads
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(User)
            .collect())
    }

    /// The organizations leading the space.
    async fn lead_organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let loaders = data::<Loaders>(ctx)?;
        let leads = self.leads(ctx).await?;
        let found = loaded(loaders.organizations.load_many(leads.iter().copied()).await)?;
        Ok(leads
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(Organization)
            .collect())
    }

    /// The caller's relation to the community: member, applied, invited or none of these.
    async fn my_membership_status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<CommunityMembershipStatus>> {
        Ok(Some(membership_status(ctx, &self.role_set).await?))
    }

    /// The form an applicant fills in.
    async fn application_form(&self, ctx: &Context<'_>) -> Result<crate::entry::Form> {
        Ok(crate::entry::Form(
            data::<alkemio_space::EntryService>(ctx)?
                .form(&self.role_set)
                .await?,
        ))
    }

    /// The caller's privileges on the role set (join, apply, invite, …).
    async fn my_privileges(&self, ctx: &Context<'_>) -> Result<Option<Vec<P>>> {
        let Some(id) = self.role_set.authorization_id else {
            return Ok(None);
        };
        let Some(policy) = load_policy(ctx, id).await? else {
            return Ok(None);
        };
        Ok(Some(
            policy
                .policy
                .granted_privileges(&actor(ctx).credentials)?
                .into_iter()
                .collect(),
        ))
    }
}

/// A community's guidelines.
#[derive(Debug, Clone)]
pub struct CommunityGuidelines(pub model::CommunityGuidelines);

#[Object(name = "CommunityGuidelines")]
impl CommunityGuidelines {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        let id = self.0.profile_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("guidelines {} have no profile", self.0.id))
        })?;
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
            .map(Profile)
            .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?)
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

/// A space's community: who belongs to it.
#[derive(Debug, Clone)]
pub struct Community(pub model::Community);

#[Object(name = "Community")]
impl Community {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its roles and who holds them.
    async fn role_set(&self, ctx: &Context<'_>) -> Result<RoleSet> {
        let id = self.0.role_set_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("community {} has no role set", self.0.id))
        })?;
        Ok(RoleSet(data::<RoleSetService>(ctx)?.get(id).await?))
    }

    /// Its communication: the updates room (needs READ on the community).
    async fn communication(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::communication::Communication> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a community's communication",
        )
        .await?;
        let id = self.0.communication_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("community {} has no communication", self.0.id))
        })?;
        let found = data::<alkemio_communication::CommunicationService>(ctx)?
            .communications(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::internal_msg(format_args!("communication {id} missing")))?;
        Ok(crate::communication::Communication(found))
    }

    /// Its user groups, oldest first (needs READ on the community).
    pub(crate) async fn groups(&self, ctx: &Context<'_>) -> Result<Vec<UserGroup>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a community's groups",
        )
        .await?;
        Ok(service(ctx)?
            .community_groups(&[self.0.id])
            .await?
            .into_iter()
            .map(UserGroup)
            .collect())
    }

    /// One of its user groups (needs READ on the community).
    async fn group(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<UserGroup> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a community's group",
        )
        .await?;
        service(ctx)?
            .community_groups(&[self.0.id])
            .await?
            .into_iter()
            .find(|g| g.id == id.0)
            .map(UserGroup)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "User group {id} not found in community {}",
                    self.0.id
                ))
                .into()
            })
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

/// A space's settings.
#[derive(Debug, Clone)]
pub struct SpaceSettings(pub model::SpaceSettings);

#[Object(name = "SpaceSettings")]
impl SpaceSettings {
    /// Privacy.
    async fn privacy(&self) -> SpaceSettingsPrivacy {
        SpaceSettingsPrivacy {
            mode: self.0.privacy.mode,
            allow_platform_support_as_admin: self.0.privacy.allow_platform_support_as_admin,
            user_information_visibility: Some(
                self.0
                    .privacy
                    .user_information_visibility
                    .unwrap_or(UserInformationVisibility::FollowSpaceVisibility),
            ),
        }
    }

    /// Membership.
    async fn membership(&self) -> SpaceSettingsMembership {
        let m = &self.0.membership;
        SpaceSettingsMembership {
            policy: m.policy,
            trusted_organizations: m
                .trusted_organizations
                .iter()
                .map(|o| UuidScalar(*o))
                .collect(),
            allow_subspace_admins_to_invite_members: m.allow_subspace_admins_to_invite_members,
        }
    }

    /// Collaboration.
    async fn collaboration(&self) -> SpaceSettingsCollaboration {
        let c = self.0.collaboration;
        SpaceSettingsCollaboration {
            allow_events_from_subspaces: c.allow_events_from_subspaces,
            allow_guest_contributions: c.allow_guest_contributions,
            allow_members_to_create_callouts: c.allow_members_to_create_callouts,
            allow_members_to_create_subspaces: c.allow_members_to_create_subspaces,
            allow_members_to_video_call: c.allow_members_to_video_call,
            inherit_membership_rights: c.inherit_membership_rights,
        }
    }

    /// Layout.
    async fn layout(&self) -> SpaceSettingsLayout {
        SpaceSettingsLayout(self.0.layout)
    }

    /// Subspace order.
    async fn sort_mode(&self) -> SpaceSortMode {
        self.0.sort_mode
    }
}

/// Privacy settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct SpaceSettingsPrivacy {
    /// Public or private content.
    pub mode: SpacePrivacyMode,
    /// Whether platform support acts as an admin.
    pub allow_platform_support_as_admin: bool,
    /// Who sees members' information.
    pub user_information_visibility: Option<UserInformationVisibility>,
}

/// Membership settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct SpaceSettingsMembership {
    /// How people join.
    pub policy: CommunityMembershipPolicy,
    /// Organizations whose associates may join directly.
    pub trusted_organizations: Vec<UuidScalar>,
    /// Whether subspace admins may invite members.
    pub allow_subspace_admins_to_invite_members: bool,
}

/// Collaboration settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct SpaceSettingsCollaboration {
    /// Whether subspace events show here.
    pub allow_events_from_subspaces: bool,
    /// Whether guests may contribute to shared whiteboards.
    pub allow_guest_contributions: bool,
    /// Whether members create callouts.
    pub allow_members_to_create_callouts: bool,
    /// Whether members create subspaces.
    pub allow_members_to_create_subspaces: bool,
    /// Whether members start video calls.
    pub allow_members_to_video_call: bool,
    /// Whether parent members contribute here.
    pub inherit_membership_rights: bool,
}

/// Layout settings.
#[derive(Debug, Clone, Copy)]
pub struct SpaceSettingsLayout(pub LayoutSettings);

#[Object(name = "SpaceSettingsLayout")]
impl SpaceSettingsLayout {
    /// How callout descriptions show.
    #[graphql(
        deprecation = "REMOVE_AFTER=2026-10-31 | superseded by InnovationFlowStateSettings.descriptionDisplayMode"
    )]
    async fn callout_description_display_mode(&self) -> CalloutDescriptionDisplayMode {
        self.0.callout_description_display_mode
    }
}

/// What each platform role may do on a space.
#[derive(Debug, Clone)]
pub struct PlatformRolesAccess(pub model::PlatformRolesAccess);

#[Object(name = "PlatformRolesAccess")]
impl PlatformRolesAccess {
    /// Per role.
    async fn roles(&self) -> Vec<PlatformAccessRole> {
        self.0
            .roles
            .iter()
            .map(|r| PlatformAccessRole {
                role_name: r.role_name,
                granted_privileges: r.granted_privileges.clone(),
            })
            .collect()
    }
}

/// One platform role's privileges on a space.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformAccessRole {
    /// The role.
    pub role_name: RoleName,
    /// What it may do.
    pub granted_privileges: Vec<P>,
}

/// A page of spaces.
#[derive(Debug, Clone, SimpleObject)]
pub struct PaginatedSpaces {
    /// The spaces on this page.
    pub spaces: Vec<Space>,
    /// Where the page sits.
    pub page_info: PageInfo,
    /// How many spaces match.
    pub total: f64,
}

/// Filter on spaces.
#[derive(Debug, Clone, Default, InputObject)]
pub struct SpaceFilterInput {
    /// Visibilities to include (ACTIVE when absent or empty).
    pub visibilities: Option<Vec<SpaceVisibility>>,
}

fn visibilities(filter: Option<SpaceFilterInput>) -> Vec<SpaceVisibility> {
    filter
        .and_then(|f| f.visibilities)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec![SpaceVisibility::Active])
}

/// Space queries.
#[derive(Debug, Default)]
pub struct SpaceQuery;

#[Object]
impl SpaceQuery {
    /// L0 spaces (ACTIVE unless the filter says otherwise): active before demo and inactive,
    /// public before private, then by how many subspaces they have.
    async fn spaces(
        &self,
        ctx: &Context<'_>,
        filter: Option<SpaceFilterInput>,
        #[graphql(name = "IDs")] ids: Option<Vec<UuidScalar>>,
    ) -> Result<Vec<Space>> {
        // Through an innovation hub, the hub's spaces (the arguments do not apply).
        if let Some(hub) = crate::innovation_hub::request_hub(ctx).await? {
            let hubs = data::<alkemio_innovation_hub::InnovationHubService>(ctx)?;
            return Ok(hubs.spaces(&hub).await?.into_iter().map(Space).collect());
        }
        let restrict: Option<Vec<uuid::Uuid>> = ids.map(|i| i.into_iter().map(|x| x.0).collect());
        let spaces = service(ctx)?
            .l0_list(&visibilities(filter), restrict.as_deref())
            .await?;
        let ids: Vec<uuid::Uuid> = spaces.iter().map(|s| s.id.0).collect();
        let counts = service(ctx)?.subtree_sizes(&ids).await?;
        let mut spaces: Vec<(usize, model::Space)> = spaces.into_iter().enumerate().collect();
        spaces.sort_by_key(|(i, s)| {
            (
                matches!(
                    s.visibility,
                    SpaceVisibility::Demo | SpaceVisibility::Inactive
                ),
                !s.settings.is_public(),
                std::cmp::Reverse(counts.get(&s.id.0).copied().unwrap_or(0)),
                *i,
            )
        });
        Ok(spaces.into_iter().map(|(_, s)| Space(s)).collect())
    }

    /// A page of L0 spaces in creation order (ACTIVE unless the filter says otherwise).
    async fn spaces_paginated(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<SpaceFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<PaginatedSpaces> {
        let args = PaginationArgs {
            first,
            after,
            last,
            before,
        };
        let (page, total) = service(ctx)?.l0_page(&visibilities(filter), args).await?;
        #[allow(clippy::cast_precision_loss)]
        let total = total as f64;
        Ok(PaginatedSpaces {
            spaces: page.items.into_iter().map(Space).collect(),
            page_info: page.page_info,
            total,
        })
    }

    /// NameIDs no L0 space may take.
    async fn restricted_space_names(&self) -> Vec<String> {
        RESTRICTED_SPACE_NAMES
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }
}

/// Settings for a new space's privacy.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceSettingsPrivacyInput {
    /// Whether platform support acts as an admin.
    pub allow_platform_support_as_admin: Option<bool>,
    /// Public or private content.
    pub mode: Option<SpacePrivacyMode>,
    /// Who sees members' information.
    pub user_information_visibility: Option<UserInformationVisibility>,
}

/// Membership settings.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceSettingsMembershipInput {
    /// Whether subspace admins may invite members.
    pub allow_subspace_admins_to_invite_members: bool,
    /// How people join.
    pub policy: CommunityMembershipPolicy,
    /// Organizations whose associates may join directly.
    pub trusted_organizations: Vec<UuidScalar>,
}

/// Collaboration settings.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceSettingsCollaborationInput {
    /// Whether subspace events show here.
    pub allow_events_from_subspaces: bool,
    /// Whether guests may contribute.
    pub allow_guest_contributions: bool,
    /// Whether members create callouts.
    pub allow_members_to_create_callouts: bool,
    /// Whether members create subspaces.
    pub allow_members_to_create_subspaces: bool,
    /// Whether members start video calls.
    pub allow_members_to_video_call: bool,
    /// Whether parent members contribute here.
    pub inherit_membership_rights: bool,
}

/// Layout settings.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceSettingsLayoutInput {
    /// How callout descriptions show.
    pub callout_description_display_mode: CalloutDescriptionDisplayMode,
}

/// Settings for a new space.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceSettingsInput {
    /// Collaboration.
    pub collaboration: Option<CreateSpaceSettingsCollaborationInput>,
    /// Layout.
    pub layout: Option<CreateSpaceSettingsLayoutInput>,
    /// Membership.
    pub membership: Option<CreateSpaceSettingsMembershipInput>,
    /// Privacy.
    pub privacy: Option<CreateSpaceSettingsPrivacyInput>,
    /// Subspace order.
    pub sort_mode: Option<SpaceSortMode>,
}

impl From<CreateSpaceSettingsInput> for SettingsChange {
    fn from(s: CreateSpaceSettingsInput) -> Self {
        // the same change as an update that sets every collaboration flag given
        UpdateSpaceSettingsEntityInput {
            collaboration: s
                .collaboration
                .map(|c| UpdateSpaceSettingsCollaborationInput {
                    allow_events_from_subspaces: Some(c.allow_events_from_subspaces),
                    allow_guest_contributions: Some(c.allow_guest_contributions),
                    allow_members_to_create_callouts: Some(c.allow_members_to_create_callouts),
                    allow_members_to_create_subspaces: Some(c.allow_members_to_create_subspaces),
                    allow_members_to_video_call: Some(c.allow_members_to_video_call),
                    inherit_membership_rights: Some(c.inherit_membership_rights),
                }),
            layout: s.layout.map(|l| UpdateSpaceSettingsLayoutInput {
                callout_description_display_mode: l.callout_description_display_mode,
            }),
            membership: s.membership.map(|m| UpdateSpaceSettingsMembershipInput {
                allow_subspace_admins_to_invite_members: m.allow_subspace_admins_to_invite_members,
                policy: m.policy,
                trusted_organizations: m.trusted_organizations,
            }),
            privacy: s.privacy.map(|p| UpdateSpaceSettingsPrivacyInput {
                allow_platform_support_as_admin: p.allow_platform_support_as_admin,
                mode: p.mode,
                user_information_visibility: p.user_information_visibility,
            }),
            sort_mode: s.sort_mode,
        }
        .into()
    }
}

/// New community guidelines.
#[derive(Debug, Clone, InputObject)]
pub struct CreateCommunityGuidelinesInput {
    /// Their profile.
    pub profile: CreateProfileInput,
}

/// What a new space is about.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceAboutInput {
    /// Community guidelines.
    pub guidelines: Option<CreateCommunityGuidelinesInput>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Who it is for.
    pub who: Option<Markdown>,
    /// Why it exists.
    pub why: Option<Markdown>,
}

/// The parts of a new about: profile, why, who and guidelines.
pub(crate) struct AboutParts {
    pub(crate) profile: alkemio_common::profile::NewProfile,
    pub(crate) why: Option<String>,
    pub(crate) who: Option<String>,
    pub(crate) guidelines: Option<alkemio_common::profile::NewProfile>,
}

/// Reads a new about (a space's tags live in its `default` tagset).
pub(crate) fn about_parts(about: CreateSpaceAboutInput) -> AppResult<AboutParts> {
    let (mut profile, _) = about.profile_data.into_new_profile()?;
    for t in &mut profile.tagsets {
        if t.name == "keywords" {
            t.name = "default".to_owned();
        }
    }
    let guidelines = match about.guidelines {
        Some(g) => Some(g.profile.into_new_profile()?.0),
        None => None,
    };
    Ok(AboutParts {
        profile,
        why: about.why.map(|w| w.0),
        who: about.who.map(|w| w.0),
        guidelines,
    })
}

fn new_space(
    about: CreateSpaceAboutInput,
    name_id: Option<NameId>,
    settings: Option<CreateSpaceSettingsInput>,
    flow: Option<alkemio_collaboration::innovation_flow::FlowInput>,
    license_plan_id: Option<uuid::Uuid>,
) -> AppResult<NewSpace> {
    let about = about_parts(about)?;
    Ok(NewSpace {
        name_id: name_id.map(|n| n.as_str().to_owned()),
        profile: about.profile,
        why: about.why,
        who: about.who,
        guidelines: about.guidelines,
        settings: settings.map(SettingsChange::from).unwrap_or_default(),
        base_settings: None,
        flow,
        license_plan_id,
    })
}

/// The platform's templates manager, with the defaults of new spaces and subspaces.
async fn platform_templates_manager(ctx: &Context<'_>) -> AppResult<Option<uuid::Uuid>> {
    Ok(data::<alkemio_platform::PlatformService>(ctx)?
        .get()
        .await?
        .templates_manager_id)
}

/// Creates the subspaces of a template's content below a new space (not below an L2 space),
/// each with its content's about, settings, flow and (when wanted) callouts, as the caller.
async fn create_content_subspaces(
    ctx: &Context<'_>,
    parent: &alkemio_space::Space,
    subspaces: Vec<alkemio_template::content_space::NewContentSpace>,
    add_callouts: bool,
) -> AppResult<()> {
    let Some(level) = parent.level.child() else {
        return Ok(());
    };
    if subspaces.is_empty() {
        return Ok(());
    }
    // the creator's roles in the new parent came after this request read its credentials
    let caller = crate::collaboration::refreshed_caller(ctx).await?;
    for sub in subspaces {
        let mut new = NewSpace {
            profile: sub.profile.clone(),
            ..NewSpace::default()
        };
        alkemio_space::templates::start_from(&mut new, &sub, level);
        let states =
            alkemio_collaboration::innovation_flow::planned_state_names(false, new.flow.as_ref());
        let callouts = if add_callouts {
            alkemio_space::templates::callouts_from(Vec::new(), &sub.callouts, &states)
        } else {
            Vec::new()
        };
        let space = service(ctx)?
            .create_subspace(&caller, parent.id, new)
            .await?;
        crate::collaboration::add_planned_callouts(ctx, &space, callouts, false).await?;
        Box::pin(create_content_subspaces(
            ctx,
            &space,
            sub.subspaces,
            add_callouts,
        ))
        .await?;
    }
    Ok(())
}

/// An L0 space to move to another account.
#[derive(Debug, Clone, InputObject)]
pub struct TransferAccountSpaceInput {
    /// The space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The account it moves to.
    #[graphql(name = "targetAccountID")]
    pub target_account_id: UuidScalar,
}

/// A new L0 space on an account.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSpaceOnAccountInput {
    /// What it is about.
    pub about: CreateSpaceAboutInput,
    /// The hosting account.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// Its collaboration: innovation flow and first callouts.
    pub collaboration_data: crate::collaboration::CreateCollaborationOnSpaceInput,
    /// The space plan it is to have (free, plus, premium); the account's license must have
    /// room for a space of that plan.
    #[graphql(name = "licensePlanID")]
    pub license_plan_id: Option<UuidScalar>,
    /// Its URL slug (generated from the name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Settings.
    pub settings: Option<CreateSpaceSettingsInput>,
    /// The space template it starts from (the platform's default space template, when absent
    /// and set).
    #[graphql(name = "spaceTemplateID")]
    pub space_template_id: Option<UuidScalar>,
}

/// A new subspace.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSubspaceInput {
    /// What it is about.
    pub about: CreateSpaceAboutInput,
    /// Its collaboration: innovation flow and first callouts.
    pub collaboration_data: crate::collaboration::CreateCollaborationOnSpaceInput,
    /// Its URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Settings.
    pub settings: Option<CreateSpaceSettingsInput>,
    /// The parent space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The space template it starts from (its L0 space's default subspace template, else the
    /// platform's, when absent and set).
    #[graphql(name = "spaceTemplateID")]
    pub space_template_id: Option<UuidScalar>,
}

/// Changes to a space's about.
#[derive(Debug, InputObject)]
pub struct UpdateSpaceAboutInput {
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
    /// Who it is for.
    pub who: Option<Markdown>,
    /// Why it exists.
    pub why: Option<Markdown>,
}

/// Changes to a space.
#[derive(Debug, InputObject)]
pub struct UpdateSpaceInput {
    /// The space.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// About changes.
    pub about: Option<UpdateSpaceAboutInput>,
}

/// Privacy changes.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsPrivacyInput {
    /// Platform support as admin.
    pub allow_platform_support_as_admin: Option<bool>,
    /// Public or private.
    pub mode: Option<SpacePrivacyMode>,
    /// Who sees members' information.
    pub user_information_visibility: Option<UserInformationVisibility>,
}

/// Membership settings (replaced as a whole).
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsMembershipInput {
    /// Subspace admins invite.
    pub allow_subspace_admins_to_invite_members: bool,
    /// How people join.
    pub policy: CommunityMembershipPolicy,
    /// Trusted organizations.
    pub trusted_organizations: Vec<UuidScalar>,
}

/// Collaboration changes.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsCollaborationInput {
    /// Subspace events show here.
    pub allow_events_from_subspaces: Option<bool>,
    /// Guests contribute.
    pub allow_guest_contributions: Option<bool>,
    /// Members create callouts.
    pub allow_members_to_create_callouts: Option<bool>,
    /// Members create subspaces.
    pub allow_members_to_create_subspaces: Option<bool>,
    /// Members start video calls.
    pub allow_members_to_video_call: Option<bool>,
    /// Parent members contribute.
    pub inherit_membership_rights: Option<bool>,
}

/// Layout changes.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsLayoutInput {
    /// How callout descriptions show.
    pub callout_description_display_mode: CalloutDescriptionDisplayMode,
}

/// Settings changes.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsEntityInput {
    /// Collaboration.
    pub collaboration: Option<UpdateSpaceSettingsCollaborationInput>,
    /// Layout.
    pub layout: Option<UpdateSpaceSettingsLayoutInput>,
    /// Membership.
    pub membership: Option<UpdateSpaceSettingsMembershipInput>,
    /// Privacy.
    pub privacy: Option<UpdateSpaceSettingsPrivacyInput>,
    /// Subspace order.
    pub sort_mode: Option<SpaceSortMode>,
}

/// Settings changes on a space.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpaceSettingsInput {
    /// The space.
    #[graphql(name = "spaceID")]
    pub space_id: String,
    /// The changes.
    pub settings: UpdateSpaceSettingsEntityInput,
}

impl From<UpdateSpaceSettingsEntityInput> for SettingsChange {
    fn from(s: UpdateSpaceSettingsEntityInput) -> Self {
        let c = s.collaboration;
        SettingsChange {
            privacy_mode: s.privacy.as_ref().and_then(|p| p.mode),
            allow_platform_support_as_admin: s
                .privacy
                .as_ref()
                .and_then(|p| p.allow_platform_support_as_admin),
            user_information_visibility: s
                .privacy
                .as_ref()
                .and_then(|p| p.user_information_visibility),
            membership: s.membership.map(|m| MembershipSettings {
                policy: m.policy,
                trusted_organizations: m.trusted_organizations.into_iter().map(|o| o.0).collect(),
                allow_subspace_admins_to_invite_members: m.allow_subspace_admins_to_invite_members,
            }),
            inherit_membership_rights: c.as_ref().and_then(|c| c.inherit_membership_rights),
            allow_members_to_create_subspaces: c
                .as_ref()
                .and_then(|c| c.allow_members_to_create_subspaces),
            allow_members_to_create_callouts: c
                .as_ref()
                .and_then(|c| c.allow_members_to_create_callouts),
            allow_events_from_subspaces: c.as_ref().and_then(|c| c.allow_events_from_subspaces),
            allow_members_to_video_call: c.as_ref().and_then(|c| c.allow_members_to_video_call),
            allow_guest_contributions: c.as_ref().and_then(|c| c.allow_guest_contributions),
            layout: s.layout.map(|l| LayoutSettings {
                callout_description_display_mode: l.callout_description_display_mode,
            }),
            sort_mode: s.sort_mode,
        }
    }
}

/// Platform settings of a space.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSpacePlatformSettingsInput {
    /// A new NameID.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// The space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// A new visibility (L0 only; subspaces follow).
    pub visibility: Option<SpaceVisibility>,
}

/// The space to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteSpaceInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// Pins or unpins a subspace.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSubspacePinnedInput {
    /// Pinned or not.
    pub pinned: bool,
    /// The parent.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The subspace.
    #[graphql(name = "subspaceID")]
    pub subspace_id: UuidScalar,
}

/// Orders subspaces.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSubspacesSortOrderInput {
    /// The parent.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The subspaces in their new order.
    #[graphql(name = "subspaceIDs")]
    pub subspace_ids: Vec<UuidScalar>,
}

/// Joining a role set's entry role.
#[derive(Debug, Clone, InputObject)]
pub struct JoinAsEntryRoleOnRoleSetInput {
    /// The role set.
    #[graphql(name = "roleSetID")]
    pub role_set_id: UuidScalar,
}

/// New content for community guidelines.
#[derive(Debug, InputObject)]
pub struct UpdateCommunityGuidelinesEntityInput {
    /// The guidelines.
    #[graphql(name = "communityGuidelinesID")]
    pub community_guidelines_id: UuidScalar,
    /// Their profile's changes.
    pub profile: crate::profile::UpdateProfileInput,
}

/// Community guidelines to empty.
#[derive(Debug, Clone, InputObject)]
pub struct RemoveCommunityGuidelinesContentInput {
    /// The guidelines.
    #[graphql(name = "communityGuidelinesID")]
    pub community_guidelines_id: UuidScalar,
}

/// Space mutations.
#[derive(Debug, Default)]
pub struct SpaceMutation;

#[Object]
impl SpaceMutation {
    /// Creates an L0 space on an account (needs CREATE_SPACE on the account and a free space
    /// in its license, unless a platform admin asks).
    async fn create_space(
        &self,
        ctx: &Context<'_>,
        space_data: CreateSpaceOnAccountInput,
    ) -> Result<Space> {
        let svc = service(ctx)?;
        let content = match &space_data.space_template_id {
            Some(t) => Some(svc.content_of_template(t.0).await?),
            None => {
                svc.default_content(platform_templates_manager(ctx).await?, None)
                    .await?
            }
        };
        let plan = space_data.collaboration_data.plan(true, content.as_ref())?;
        let mut new = new_space(
            space_data.about,
            space_data.name_id,
            space_data.settings,
            plan.flow,
            space_data.license_plan_id.map(|p| p.0),
        )?;
        if let Some(c) = &content {
            alkemio_space::templates::start_from(&mut new, c, SpaceLevel::L0);
        }
        let space = svc
            .create_space(&actor(ctx), ActorId(space_data.account_id.0), new)
            .await?;
        crate::collaboration::add_planned_callouts(ctx, &space, plan.callouts, plan.welcome)
            .await?;
        if let Some(c) = content {
            create_content_subspaces(ctx, &space, c.subspaces, plan.add_callouts).await?;
        }
        Ok(Space(space))
    }

    /// Creates a subspace (needs CREATE_SUBSPACE on the parent).
    async fn create_subspace(
        &self,
        ctx: &Context<'_>,
        subspace_data: CreateSubspaceInput,
    ) -> Result<Space> {
        let svc = service(ctx)?;
        let parent = svc.get_or_fail(ActorId(subspace_data.space_id.0)).await?;
        let content = match &subspace_data.space_template_id {
            Some(t) => Some(svc.content_of_template(t.0).await?),
            None => {
                svc.default_content(platform_templates_manager(ctx).await?, Some(&parent))
                    .await?
            }
        };
        let plan = subspace_data
            .collaboration_data
            .plan(false, content.as_ref())?;
        let mut new = new_space(
            subspace_data.about,
            subspace_data.name_id,
            subspace_data.settings,
            plan.flow,
            None,
        )?;
        if let Some(c) = &content {
            let level = parent.level.child().unwrap_or(SpaceLevel::L2);
            alkemio_space::templates::start_from(&mut new, c, level);
        }
        let space = svc.create_subspace(&actor(ctx), parent.id, new).await?;
        crate::collaboration::add_planned_callouts(ctx, &space, plan.callouts, plan.welcome)
            .await?;
        if let Some(c) = content {
            create_content_subspaces(ctx, &space, c.subspaces, plan.add_callouts).await?;
        }
        Ok(Space(space))
    }

    /// Moves an L0 space with its subspaces to another account (needs TRANSFER_RESOURCE_OFFER
    /// on its account and TRANSFER_RESOURCE_ACCEPT on the target).
    async fn transfer_space_to_account(
        &self,
        ctx: &Context<'_>,
        transfer_data: TransferAccountSpaceInput,
    ) -> Result<Space> {
        Ok(Space(
            service(ctx)?
                .transfer_to_account(
                    &actor(ctx),
                    ActorId(transfer_data.space_id.0),
                    ActorId(transfer_data.target_account_id.0),
                )
                .await?,
        ))
    }

    /// Changes a space's about (needs UPDATE).
    async fn update_space(&self, ctx: &Context<'_>, space_data: UpdateSpaceInput) -> Result<Space> {
        let about = space_data.about;
        let (why, who, profile) = match about {
            Some(a) => (
                a.why.map(|w| w.0),
                a.who.map(|w| w.0),
                a.profile.map(Into::into),
            ),
            None => (None, None, None),
        };
        let space = service(ctx)?
            .update(&actor(ctx), ActorId(space_data.id.0), why, who, profile)
            .await?;
        Ok(Space(space))
    }

    /// Changes a space's settings (needs UPDATE); the tree's policies follow at once.
    async fn update_space_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdateSpaceSettingsInput,
    ) -> Result<Space> {
        let id = uuid::Uuid::parse_str(&settings_data.space_id).map_err(|_| {
            AppError::new(
                alkemio_kernel::ErrorStatus::InvalidUuid,
                format!("Not a valid space id: {}", settings_data.space_id),
            )
        })?;
        let space = service(ctx)?
            .update_settings(&actor(ctx), ActorId(id), settings_data.settings.into())
            .await?;
        Ok(Space(space))
    }

    /// Changes a space's NameID or visibility (needs PLATFORM_ADMIN).
    async fn update_space_platform_settings(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateSpacePlatformSettingsInput,
    ) -> Result<Space> {
        let space = service(ctx)?
            .update_platform_settings(
                &actor(ctx),
                ActorId(update_data.space_id.0),
                update_data.name_id.map(|n| n.as_str().to_owned()),
                update_data.visibility,
            )
            .await?;
        Ok(Space(space))
    }

    /// Deletes a space with all its subspaces and everything they own (needs DELETE).
    async fn delete_space(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteSpaceInput,
    ) -> Result<Space> {
        Ok(Space(
            service(ctx)?
                .delete(&actor(ctx), ActorId(delete_data.id.0))
                .await?,
        ))
    }

    /// Pins or unpins a subspace (needs UPDATE on the parent).
    async fn update_subspace_pinned(
        &self,
        ctx: &Context<'_>,
        pinned_data: UpdateSubspacePinnedInput,
    ) -> Result<Space> {
        Ok(Space(
            service(ctx)?
                .update_pinned(
                    &actor(ctx),
                    ActorId(pinned_data.space_id.0),
                    ActorId(pinned_data.subspace_id.0),
                    pinned_data.pinned,
                )
                .await?,
        ))
    }

    /// Orders subspaces as listed (needs UPDATE on the parent).
    async fn update_subspaces_sort_order(
        &self,
        ctx: &Context<'_>,
        sort_order_data: UpdateSubspacesSortOrderInput,
    ) -> Result<Vec<Space>> {
        let ids: Vec<uuid::Uuid> = sort_order_data.subspace_ids.iter().map(|i| i.0).collect();
        Ok(service(ctx)?
            .update_sort_order(&actor(ctx), ActorId(sort_order_data.space_id.0), &ids)
            .await?
            .into_iter()
            .map(Space)
            .collect())
    }

    /// Creates a user group in a space's community (needs CREATE on the community).
    async fn create_group_on_community(
        &self,
        ctx: &Context<'_>,
        group_data: CreateUserGroupInput,
    ) -> Result<UserGroup> {
        let (profile, _) = group_data.profile.into_new_profile()?;
        Ok(UserGroup(
            service(ctx)?
                .create_community_group(&actor(ctx), group_data.parent_id.0, profile)
                .await?,
        ))
    }

    /// Changes community guidelines (needs UPDATE on them).
    async fn update_community_guidelines(
        &self,
        ctx: &Context<'_>,
        community_guidelines_data: UpdateCommunityGuidelinesEntityInput,
    ) -> Result<CommunityGuidelines> {
        Ok(CommunityGuidelines(
            service(ctx)?
                .update_guidelines(
                    &actor(ctx),
                    community_guidelines_data.community_guidelines_id.0,
                    community_guidelines_data.profile.into(),
                )
                .await?,
        ))
    }

    /// Empties community guidelines: no title, no text, no references (needs UPDATE on them).
    async fn remove_community_guidelines_content(
        &self,
        ctx: &Context<'_>,
        community_guidelines_data: RemoveCommunityGuidelinesContentInput,
    ) -> Result<CommunityGuidelines> {
        Ok(CommunityGuidelines(
            service(ctx)?
                .erase_guidelines(
                    &actor(ctx),
                    community_guidelines_data.community_guidelines_id.0,
                )
                .await?,
        ))
    }

    /// Joins a space's community as a member where it is open to the caller.
    async fn join_role_set(
        &self,
        ctx: &Context<'_>,
        join_data: JoinAsEntryRoleOnRoleSetInput,
    ) -> Result<RoleSet> {
        let roles = data::<RoleSetService>(ctx)?;
        let set = roles.get(RoleSetId(join_data.role_set_id.0)).await?;
        service(ctx)?.join(&actor(ctx), &set).await?;
        Ok(RoleSet(roles.get(set.id).await?))
    }
}

/// Whether the caller may read a space's about (for lookups).
pub(crate) async fn require_read_about(ctx: &Context<'_>, space: &model::Space) -> AppResult<()> {
    require_on(ctx, space.authorization_id, P::ReadAbout, "read a space").await
}

/// The caller's relation to a role set's entry role (pending states batched per request).
pub(crate) async fn membership_status(
    ctx: &Context<'_>,
    set: &alkemio_community::RoleSet,
) -> AppResult<CommunityMembershipStatus> {
    let caller = actor(ctx);
    let member = set
        .role(set.entry_role_name)
        .is_some_and(|r| caller.credentials.contains(&r.credential));
    if member {
        return Ok(CommunityMembershipStatus::Member);
    }
    let Some(actor_id) = alkemio_community::entry::caller_actor(&caller) else {
        return Ok(CommunityMembershipStatus::NotMember);
    };
    Ok(loaded(
        data::<Loaders>(ctx)?
            .pending_entries
            .load_one((actor_id.0, set.id.0))
            .await,
    )?
    .unwrap_or(CommunityMembershipStatus::NotMember))
}

/// A space's about and its community guidelines, for the spaces of pending memberships.
pub(crate) async fn about_and_guidelines(
    ctx: &Context<'_>,
    space: &model::Space,
) -> Result<(SpaceAbout, CommunityGuidelines)> {
    let about = Space(space.clone()).about(ctx).await?;
    let guidelines = about.guidelines(ctx).await?;
    Ok((about, guidelines))
}

/// A subspace created under a space.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "SubspaceCreated")]
pub struct SubspaceCreatedEvent {
    /// The parent space.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The new subspace.
    pub subspace: Space,
}

/// Live events.
#[derive(Debug, Default)]
pub struct SpaceLiveEvents;

#[async_graphql::Subscription]
impl SpaceLiveEvents {
    /// Each subspace created under the space from now on (needs READ on the space).
    async fn subspace_created(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "spaceID")] space_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = SubspaceCreatedEvent> + use<>> {
        let spaces = service(ctx)?.clone();
        let parent = spaces.get_or_fail(ActorId(space_id.0)).await?;
        require_on(
            ctx,
            parent.authorization_id,
            P::Read,
            "follow a space's subspaces",
        )
        .await?;
        let rx = spaces.subspaces_created();
        let stream =
            futures_util::stream::unfold((rx, spaces), move |(mut rx, spaces)| async move {
                loop {
                    match rx.recv().await {
                        Ok(event) if event.parent == parent.id => {
                            if let Ok(Some(subspace)) = spaces.get(event.subspace).await {
                                let item = SubspaceCreatedEvent {
                                    space_id: UuidScalar(parent.id.0),
                                    subspace: Space(subspace),
                                };
                                return Some((item, (rx, spaces)));
                            }
                        }
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            });
        Ok(stream)
    }
}
