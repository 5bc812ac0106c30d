//! GraphQL: who belongs where. The caller's space memberships (`me.spaceMemberships*`), and
//! the roles an actor holds in spaces and organizations (`rolesUser`, `rolesOrganization`),
//! read from the actor's credentials.

use std::collections::{HashMap, HashSet};

use crate::authorization::{load_policy, require_on_platform};
use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};
use crate::space::{Space, SpaceFilterInput};
use alkemio_authorization::{AuthorizationPrivilege as P, Credential, CredentialType as C};
use alkemio_contributor::ActorService;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_organization::OrganizationService;
use alkemio_space::{EntryService, SpaceLevel, SpaceService, SpaceVisibility};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

/// The role a space or organization credential stands for, as the reference names it.
fn role_of(c: &Credential) -> Option<(&'static str, bool)> {
    // (role, whether it is a space role)
    Some(match c.credential_type {
        C::SpaceAdmin => ("admin", true),
        C::SpaceLead => ("lead", true),
        C::SpaceMember => ("member", true),
        C::SpaceSubspaceAdmin => ("subspace-admin", true),
        C::OrganizationAdmin => ("admin", false),
        C::OrganizationOwner => ("owner", false),
        C::OrganizationAssociate => ("associate", false),
        _ => return None,
    })
}

/// The roles held on one resource.
type HeldRoles = (Uuid, Vec<&'static str>);

/// Roles by resource id, spaces and organizations apart (resources in the order first held).
fn group_roles(credentials: &[Credential]) -> (Vec<HeldRoles>, Vec<HeldRoles>) {
    let mut spaces: Vec<HeldRoles> = Vec::new();
    let mut orgs: Vec<HeldRoles> = Vec::new();
    for c in credentials {
        let (Some((role, is_space)), Ok(id)) = (role_of(c), Uuid::parse_str(&c.resource_id)) else {
            continue;
        };
        let bucket = if is_space { &mut spaces } else { &mut orgs };
        match bucket.iter_mut().find(|(r, _)| *r == id) {
            Some((_, roles)) => {
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
            None => bucket.push((id, vec![role])),
        }
    }
    // Entry role first, then by rank.
    let rank = |r: &&str| {
        [
            "member",
            "associate",
            "lead",
            "admin",
            "owner",
            "subspace-admin",
        ]
        .iter()
        .position(|x| x == r)
    };
    for (_, roles) in spaces.iter_mut().chain(orgs.iter_mut()) {
        roles.sort_by_key(rank);
    }
    (spaces, orgs)
}

/// One space the caller belongs to, with the caller's memberships below it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CommunityMembershipResult")]
pub struct CommunityMembershipResult {
    /// The space's id.
    pub id: UuidScalar,
    /// The space.
    pub space: Space,
    /// The caller's memberships in its subspaces (empty in the flat list).
    pub child_memberships: Vec<CommunityMembershipResult>,
}

/// The spaces the caller holds a role in, archived ones left out, in creation order.
async fn my_spaces(ctx: &Context<'_>) -> AppResult<Vec<alkemio_space::Space>> {
    let caller = actor(ctx);
    let (spaces, _) = group_roles(&caller.credentials);
    let ids: Vec<Uuid> = spaces.iter().map(|(id, _)| *id).collect();
    let mut found: Vec<alkemio_space::Space> = data::<SpaceService>(ctx)?
        .many(&ids)
        .await?
        .into_iter()
        .filter(|s| s.visibility != SpaceVisibility::Archived)
        .collect();
    found.sort_by_key(|s| s.row_id);
    Ok(found)
}

/// `me.spaceMembershipsFlat`: every space the caller belongs to, at every level.
pub(crate) async fn memberships_flat(ctx: &Context<'_>) -> Result<Vec<CommunityMembershipResult>> {
    Ok(my_spaces(ctx)
        .await?
        .into_iter()
        .map(|s| CommunityMembershipResult {
            id: UuidScalar(s.id.0),
            space: Space(s),
            child_memberships: Vec::new(),
        })
        .collect())
}

/// `me.spaceMembershipsHierarchical`: the caller's L0 spaces (the first `limit` when given and
/// positive), each with the caller's subspaces nested below it.
pub(crate) async fn memberships_hierarchical(
    ctx: &Context<'_>,
    limit: Option<f64>,
) -> Result<Vec<CommunityMembershipResult>> {
    let spaces = my_spaces(ctx).await?;
    let children = |parent: ActorId| -> Vec<alkemio_space::Space> {
        spaces
            .iter()
            .filter(|s| s.parent_space_id == Some(parent))
            .cloned()
            .collect()
    };
    let nest = |s: alkemio_space::Space, below: Vec<CommunityMembershipResult>| {
        CommunityMembershipResult {
            id: UuidScalar(s.id.0),
            space: Space(s),
            child_memberships: below,
        }
    };
    let mut roots: Vec<CommunityMembershipResult> = spaces
        .iter()
        .filter(|s| s.level == SpaceLevel::L0)
        .map(|l0| {
            let l1s = children(l0.id)
                .into_iter()
                .map(|l1| {
                    let l2s = children(l1.id)
                        .into_iter()
                        .map(|l2| nest(l2, Vec::new()))
                        .collect();
                    nest(l1, l2s)
                })
                .collect();
            nest(l0.clone(), l1s)
        })
        .collect();
    if let Some(limit) = limit.filter(|l| *l >= 1.0) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        roots.truncate(limit as usize);
    }
    Ok(roots)
}

/// Which actor and, optionally, which space visibilities.
#[derive(Debug, Clone, InputObject)]
pub struct RolesActorInput {
    /// The actor.
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// Space visibilities to include (ACTIVE when absent or empty).
    pub filter: Option<SpaceFilterInput>,
}

/// The roles of an actor in one subspace.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RolesResultCommunity")]
pub struct RolesResultCommunity {
    /// The subspace's id.
    pub id: String,
    /// Its NameID.
    #[graphql(name = "nameID")]
    pub name_id: NameId,
    /// Its display name.
    pub display_name: String,
    /// Its level.
    pub level: SpaceLevel,
    /// The roles held there.
    pub roles: Vec<String>,
}

/// The roles of an actor in one L0 space and its subspaces.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RolesResultSpace")]
pub struct RolesResultSpace {
    /// The space's id.
    pub id: String,
    /// The space's id again.
    #[graphql(name = "spaceID")]
    pub space_id: String,
    /// Its NameID.
    #[graphql(name = "nameID")]
    pub name_id: NameId,
    /// Its display name.
    pub display_name: String,
    /// Its level.
    pub level: SpaceLevel,
    /// Its visibility.
    pub visibility: SpaceVisibility,
    /// The roles held there.
    pub roles: Vec<String>,
    /// The subspaces (at any depth) where roles are held.
    pub subspaces: Vec<RolesResultCommunity>,
}

/// The roles of an actor in one user group.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RolesResult")]
pub struct RolesResult {
    /// The group's id.
    pub id: String,
    /// Groups have no NameID of their own: their id.
    #[graphql(name = "nameID")]
    pub name_id: NameId,
    /// The group's display name.
    pub display_name: String,
    /// The roles held (`member`).
    pub roles: Vec<String>,
}

/// The roles of an actor in one organization.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RolesResultOrganization")]
pub struct RolesResultOrganization {
    /// The organization's id.
    pub id: String,
    /// The organization's id again.
    #[graphql(name = "organizationID")]
    pub organization_id: String,
    /// Its NameID.
    #[graphql(name = "nameID")]
    pub name_id: NameId,
    /// Its display name.
    pub display_name: String,
    /// The roles held there.
    pub roles: Vec<String>,
    /// The organization's groups the actor belongs to.
    pub user_groups: Vec<RolesResult>,
}

/// One application, as listed in an actor's roles.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CommunityApplicationForRoleResult")]
pub struct CommunityApplicationForRoleResult {
    /// The application's id.
    pub id: UuidScalar,
    /// The role set applied to (the reference names it a community).
    #[graphql(name = "communityID")]
    pub community_id: UuidScalar,
    /// The space's display name.
    pub display_name: String,
    /// The application's state.
    pub state: String,
    /// The space's id.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The space's level.
    pub space_level: f64,
    /// When it was made.
    pub created_date: DateTime,
    /// When it last changed.
    pub updated_date: DateTime,
}

/// One invitation, as listed in an actor's roles.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "CommunityInvitationForRoleResult")]
pub struct CommunityInvitationForRoleResult {
    /// The invitation's id.
    pub id: UuidScalar,
    /// The invited actor.
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// The role set invited to (the reference names it a community).
    #[graphql(name = "communityID")]
    pub community_id: UuidScalar,
    /// The inviting user.
    pub created_by: UuidScalar,
    /// The space's display name.
    pub display_name: String,
    /// The invitation's state.
    pub state: String,
    /// The space's id.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The space's level.
    pub space_level: f64,
    /// The inviter's note (typed UUID in the reference's schema, carried as given).
    pub welcome_message: Option<UuidScalarText>,
    /// When it was made.
    pub created_date: DateTime,
    /// When it last changed.
    pub updated_date: DateTime,
}

/// Free text in a field the reference's schema types as `UUID` (it carries a welcome
/// message): shown as the `UUID` scalar, written as given.
#[derive(Debug, Clone)]
pub struct UuidScalarText(pub String);

impl async_graphql::OutputType for UuidScalarText {
    fn type_name() -> std::borrow::Cow<'static, str> {
        <UuidScalar as async_graphql::OutputType>::type_name()
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        <UuidScalar as async_graphql::OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        _ctx: &async_graphql::ContextSelectionSet<'_>,
        _field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
    ) -> async_graphql::ServerResult<async_graphql::Value> {
        Ok(async_graphql::Value::String(self.0.clone()))
    }
}

/// The roles an actor holds.
#[derive(Debug, Clone)]
pub struct ActorRoles {
    actor: ActorId,
    credentials: Vec<Credential>,
    visibilities: Vec<SpaceVisibility>,
}

async fn display_names(
    ctx: &Context<'_>,
    profiles: impl Iterator<Item = Option<Uuid>>,
) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = profiles.flatten().collect();
    let found = loaded(data::<Loaders>(ctx)?.profiles.load_many(ids).await)?;
    Ok(found
        .into_iter()
        .map(|(id, p)| (id, p.display_name))
        .collect())
}

async fn readable_about(ctx: &Context<'_>, policy: Option<Uuid>) -> AppResult<bool> {
    let Some(id) = policy else {
        return Ok(false);
    };
    let Some(stored) = load_policy(ctx, id).await? else {
        return Ok(false);
    };
    let caller = actor(ctx);
    Ok(stored
        .policy
        .granted_privileges(&caller.credentials)?
        .contains(&P::ReadAbout))
}

#[Object(name = "ActorRoles")]
impl ActorRoles {
    /// The actor's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.actor.0)
    }

    /// The L0 spaces (of the chosen visibilities) where the actor holds roles, with the
    /// subspaces below them where it does; only spaces whose about the caller may read.
    async fn spaces(&self, ctx: &Context<'_>) -> Result<Vec<RolesResultSpace>> {
        let (by_space, _) = group_roles(&self.credentials);
        let roles: HashMap<Uuid, Vec<&'static str>> = by_space.iter().cloned().collect();
        let ids: Vec<Uuid> = by_space.iter().map(|(id, _)| *id).collect();
        let mut spaces = data::<SpaceService>(ctx)?.many(&ids).await?;
        spaces.sort_by_key(|s| s.row_id);
        let names = display_names(ctx, spaces.iter().map(|s| s.profile_id)).await?;
        let name = |s: &alkemio_space::Space| {
            s.profile_id
                .and_then(|p| names.get(&p).cloned())
                .unwrap_or_default()
        };
        let strings = |s: &alkemio_space::Space| -> Vec<String> {
            roles
                .get(&s.id.0)
                .map(|r| r.iter().map(|x| (*x).to_owned()).collect())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for l0 in spaces
            .iter()
            .filter(|s| s.level == SpaceLevel::L0 && self.visibilities.contains(&s.visibility))
        {
            if !readable_about(ctx, l0.authorization_id).await? {
                continue;
            }
            let mut subspaces = Vec::new();
            for sub in spaces
                .iter()
                .filter(|s| s.level != SpaceLevel::L0 && s.level_zero_space_id == l0.id)
            {
                if readable_about(ctx, sub.authorization_id).await? {
                    subspaces.push(RolesResultCommunity {
                        id: sub.id.to_string(),
                        name_id: NameId::from_trusted(sub.name_id.clone()),
                        display_name: name(sub),
                        level: sub.level,
                        roles: strings(sub),
                    });
                }
            }
            out.push(RolesResultSpace {
                id: l0.id.to_string(),
                space_id: l0.id.to_string(),
                name_id: NameId::from_trusted(l0.name_id.clone()),
                display_name: name(l0),
                level: l0.level,
                visibility: l0.visibility,
                roles: strings(l0),
                subspaces,
            });
        }
        Ok(out)
    }

    /// The organizations where the actor holds roles, with the groups it belongs to there.
    async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<RolesResultOrganization>> {
        let (_, by_org) = group_roles(&self.credentials);
        let ids: Vec<Uuid> = by_org.iter().map(|(id, _)| *id).collect();
        let service = data::<OrganizationService>(ctx)?;
        let orgs: HashMap<Uuid, alkemio_organization::Organization> = service
            .many(&ids)
            .await?
            .into_iter()
            .map(|o| (o.id.0, o))
            .collect();
        let member_of: HashSet<Uuid> = self
            .credentials
            .iter()
            .filter(|c| c.credential_type == C::UserGroupMember)
            .filter_map(|c| Uuid::parse_str(&c.resource_id).ok())
            .collect();
        let groups: Vec<alkemio_organization::groups::UserGroup> = service
            .groups_of(&ids)
            .await?
            .into_iter()
            .filter(|g| member_of.contains(&g.id))
            .collect();
        let names = display_names(
            ctx,
            orgs.values()
                .map(|o| o.profile_id)
                .chain(groups.iter().map(|g| g.profile_id)),
        )
        .await?;
        Ok(by_org
            .into_iter()
            .filter_map(|(id, roles)| {
                let org = orgs.get(&id)?;
                let user_groups = groups
                    .iter()
                    .filter(|g| g.organization_id.map(|o| o.0) == Some(id))
                    .map(|g| RolesResult {
                        id: g.id.to_string(),
                        name_id: NameId::from_trusted(g.id.to_string()),
                        display_name: g
                            .profile_id
                            .and_then(|p| names.get(&p).cloned())
                            .unwrap_or_default(),
                        roles: vec!["member".to_owned()],
                    })
                    .collect();
                Some(RolesResultOrganization {
                    id: id.to_string(),
                    organization_id: id.to_string(),
                    name_id: NameId::from_trusted(org.name_id.clone()),
                    display_name: org
                        .profile_id
                        .and_then(|p| names.get(&p).cloned())
                        .unwrap_or_default(),
                    roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                    user_groups,
                })
            })
            .collect())
    }

    /// The actor's applications, in every state or only in the given ones (needs
    /// PLATFORM_ADMIN).
    async fn applications(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<String>>,
    ) -> Result<Vec<CommunityApplicationForRoleResult>> {
        require_on_platform(ctx, P::PlatformAdmin, "read another's applications").await?;
        let found = data::<EntryService>(ctx)?
            .applications_of_actor(self.actor, &states.unwrap_or_default())
            .await?;
        let names = display_names(ctx, found.iter().map(|(_, s)| s.profile_id)).await?;
        Ok(found
            .into_iter()
            .map(|(a, s)| CommunityApplicationForRoleResult {
                id: UuidScalar(a.id),
                community_id: UuidScalar(a.role_set_id.0),
                display_name: s
                    .profile_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
                state: a.state.as_str().to_owned(),
                space_id: UuidScalar(s.id.0),
                space_level: f64::from(s.level.number()),
                created_date: DateTime(a.created_date),
                updated_date: DateTime(a.updated_date),
            })
            .collect())
    }

    /// The invitations the actor can act on, in every state or only in the given ones (needs
    /// PLATFORM_ADMIN).
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<String>>,
    ) -> Result<Vec<CommunityInvitationForRoleResult>> {
        require_on_platform(ctx, P::PlatformAdmin, "read another's invitations").await?;
        let found = data::<EntryService>(ctx)?
            .invitations_for(self.actor, &self.credentials, &states.unwrap_or_default())
            .await?;
        let names = display_names(ctx, found.iter().map(|(_, s)| s.profile_id)).await?;
        Ok(found
            .into_iter()
            .map(|(i, s)| CommunityInvitationForRoleResult {
                id: UuidScalar(i.id),
                actor_id: UuidScalar(i.invited_actor_id.0),
                community_id: UuidScalar(i.role_set_id.0),
                created_by: UuidScalar(i.created_by.map(|u| u.0).unwrap_or_default()),
                display_name: s
                    .profile_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
                state: i.state.as_str().to_owned(),
                space_id: UuidScalar(s.id.0),
                space_level: f64::from(s.level.number()),
                welcome_message: i.welcome_message.map(UuidScalarText),
                created_date: DateTime(i.created_date),
                updated_date: DateTime(i.updated_date),
            })
            .collect())
    }
}

async fn roles_of(ctx: &Context<'_>, input: RolesActorInput) -> Result<ActorRoles> {
    let id = ActorId(input.actor_id.0);
    let credentials = data::<ActorService>(ctx)?
        .credentials(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Actor {id} not found")))?;
    let visibilities = input
        .filter
        .and_then(|f| f.visibilities)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec![SpaceVisibility::Active]);
    Ok(ActorRoles {
        actor: id,
        credentials,
        visibilities,
    })
}

/// Role queries.
#[derive(Debug, Default)]
pub struct RolesQuery;

#[Object]
impl RolesQuery {
    /// The roles a user holds (needs READ_USERS on the platform).
    async fn roles_user(
        &self,
        ctx: &Context<'_>,
        roles_data: RolesActorInput,
    ) -> Result<ActorRoles> {
        require_on_platform(ctx, P::ReadUsers, "read a user's roles").await?;
        roles_of(ctx, roles_data).await
    }

    /// The roles a virtual contributor holds.
    async fn roles_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        roles_data: RolesActorInput,
    ) -> Result<ActorRoles> {
        roles_of(ctx, roles_data).await
    }

    /// The roles an organization holds.
    async fn roles_organization(
        &self,
        ctx: &Context<'_>,
        roles_data: RolesActorInput,
    ) -> Result<ActorRoles> {
        roles_of(ctx, roles_data).await
    }
}
