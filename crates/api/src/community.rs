//! GraphQL: the `RoleSet` and `Role` types.

use crate::authorization::{Authorization, CredentialDefinition, load_policy};
use crate::context::{actor, data};
use crate::contributor::{PaginatedUsers, User, UserFilterInput};
use crate::entry::{Application, Form, Invitation, PlatformInvitation};
use crate::loaders::{Loaders, loaded};
use crate::organization::Organization;
use crate::virtual_contributor::VirtualContributor;
use alkemio_authorization::CredentialType;
use alkemio_authorization::{AuthorizationPrivilege, Credential, grant_access_or_fail};
use alkemio_community::entry::{CommunityMembershipStatus, RoleSetRoleImplicit};
use alkemio_contributor::UserService;
use alkemio_contributor::listing::UserFilter;
use alkemio_kernel::ids::UserId;
use alkemio_kernel::pagination::PaginationArgs;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_organization::OrganizationService;
use alkemio_space::EntryService;
use async_graphql::{Context, Object, Result, SimpleObject};

use alkemio_community::{RoleName, RolePolicy, RoleSetService, RoleSetType, model};

/// A set of roles and who holds them.
#[derive(Debug, Clone)]
pub struct RoleSet(pub model::RoleSet);

impl RoleSet {
    async fn require(
        &self,
        ctx: &Context<'_>,
        privilege: AuthorizationPrivilege,
        action: &str,
    ) -> AppResult<()> {
        let policy = match self.0.authorization_id {
            Some(id) => load_policy(ctx, id).await?,
            None => None,
        };
        let caller = actor(ctx);
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            privilege,
            action,
        )
    }

    async fn users_holding(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
        limit: Option<f64>,
    ) -> Result<Vec<User>> {
        self.require(ctx, AuthorizationPrivilege::Read, "read users in role")
            .await?;
        let holders = data::<RoleSetService>(ctx)?.holders(&self.0, role).await?;
        let ids: Vec<UserId> = holders.into_iter().map(|a| UserId(a.0)).collect();
        let mut users = data::<UserService>(ctx)?.users(&ids).await?;
        users.sort_by(|a, b| a.name_id.cmp(&b.name_id));
        if let Some(limit) = limit.filter(|l| *l >= 0.0) {
            users.truncate(limit as usize);
        }
        Ok(users.into_iter().map(User).collect())
    }
}

impl RoleSet {
    fn entry_credential(&self) -> AppResult<Credential> {
        self.0
            .role(self.0.entry_role_name)
            .map(|r| r.credential.clone())
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("role set {} has no entry role", self.0.id))
            })
    }

    async fn organizations_holding(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
    ) -> Result<Vec<Organization>> {
        self.require(
            ctx,
            AuthorizationPrivilege::Read,
            "read organizations in role",
        )
        .await?;
        let holders = data::<RoleSetService>(ctx)?.holders(&self.0, role).await?;
        let ids: Vec<uuid::Uuid> = holders.into_iter().map(|a| a.0).collect();
        let mut found = data::<OrganizationService>(ctx)?.many(&ids).await?;
        found.sort_by(|a, b| a.name_id.cmp(&b.name_id));
        Ok(found.into_iter().map(Organization).collect())
    }
}

impl RoleSet {
    async fn virtual_contributors_of(
        &self,
        ctx: &Context<'_>,
        holders: Vec<alkemio_kernel::ids::ActorId>,
    ) -> Result<Vec<VirtualContributor>> {
        let ids: Vec<uuid::Uuid> = holders.into_iter().map(|a| a.0).collect();
        let found = loaded(
            data::<Loaders>(ctx)?
                .virtual_contributors
                .load_many(ids.iter().copied())
                .await,
        )?;
        let mut seen = std::collections::HashSet::new();
        Ok(ids
            .iter()
            .filter(|id| seen.insert(**id))
            .filter_map(|id| found.get(id).cloned())
            .map(VirtualContributor)
            .collect())
    }

    async fn virtual_contributors_holding(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
    ) -> Result<Vec<VirtualContributor>> {
        self.require(
            ctx,
            AuthorizationPrivilege::Read,
            "read virtual contributors in role",
        )
        .await?;
        let holders = data::<RoleSetService>(ctx)?.holders(&self.0, role).await?;
        self.virtual_contributors_of(ctx, holders).await
    }
}

/// The virtual contributors holding one role.
#[derive(SimpleObject)]
pub struct VirtualContributorsInRolesResponse {
    /// The role.
    pub role: RoleName,
    /// Its holders.
    pub virtual_contributors: Vec<VirtualContributor>,
}

/// A page of virtual contributors.
#[derive(SimpleObject)]
#[graphql(name = "PaginatedVirtualContributor")]
pub struct PaginatedVirtualContributor {
    /// Where the page sits in the whole list.
    pub page_info: alkemio_kernel::pagination::PageInfo,
    /// How many there are in all.
    pub total: f64,
    /// The virtual contributors on this page.
    pub virtual_contributors: Vec<VirtualContributor>,
}

/// One page of users matching `filter`, holding every credential in `holding` and none in
/// `not_holding`.
#[allow(clippy::too_many_arguments)]
async fn available_users(
    ctx: &Context<'_>,
    filter: Option<UserFilterInput>,
    holding: Vec<Credential>,
    not_holding: Vec<Credential>,
    after: Option<UuidScalar>,
    before: Option<UuidScalar>,
    first: Option<i32>,
    last: Option<i32>,
) -> Result<PaginatedUsers> {
    let filter = filter.unwrap_or_default();
    let filter = UserFilter {
        display_name: filter.display_name,
        email: filter.email,
        first_name: filter.first_name,
        last_name: filter.last_name,
        holding,
        not_holding,
    };
    let args = PaginationArgs {
        first,
        after,
        last,
        before,
    };
    let (page, total) = data::<UserService>(ctx)?.page(&filter, None, args).await?;
    #[allow(clippy::cast_precision_loss)]
    let total = total as f64;
    Ok(PaginatedUsers {
        page_info: page.page_info,
        total,
        users: page.items.into_iter().map(User).collect(),
    })
}

/// The organizations holding one role.
#[derive(SimpleObject)]
pub struct OrganizationsInRolesResponse {
    /// The role.
    pub role: RoleName,
    /// Its holders.
    pub organizations: Vec<Organization>,
}

#[Object(name = "RoleSet")]
impl RoleSet {
    /// The role set's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// What the role set belongs to.
    async fn r#type(&self) -> Option<RoleSetType> {
        Some(self.0.role_set_type)
    }

    /// The role an actor enters with.
    async fn entry_role_name(&self) -> RoleName {
        self.0.entry_role_name
    }

    /// Its license: whether virtual contributors may take roles (needs READ).
    async fn license(&self, ctx: &Context<'_>) -> Result<crate::account::License> {
        crate::authorization::require_on(
            ctx,
            self.0.authorization_id,
            alkemio_authorization::AuthorizationPrivilege::Read,
            "read a role set's license",
        )
        .await?;
        let id = self.0.license_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("role set {} has no license", self.0.id))
        })?;
        let license =
            alkemio_licensing::licenses(data::<crate::SchemaServices>(ctx)?.db.conn(), &[id])
                .await?
                .remove(&id)
                .ok_or_else(|| AppError::internal_msg(format_args!("license {id} missing")))?;
        Ok(crate::account::License(license, None))
    }

    /// The names of the roles in the set.
    async fn role_names(&self) -> Vec<RoleName> {
        self.0.roles.iter().map(|r| r.name).collect()
    }

    /// The definitions of the given roles, or of all.
    async fn role_definitions(&self, roles: Option<Vec<RoleName>>) -> Vec<Role> {
        self.0
            .roles
            .iter()
            .filter(|r| roles.as_ref().is_none_or(|wanted| wanted.contains(&r.name)))
            .cloned()
            .map(Role)
            .collect()
    }

    /// The definition of one role.
    async fn role_definition(&self, role: RoleName) -> Result<Role> {
        Ok(Role(self.0.role(role).cloned().ok_or_else(|| {
            AppError::not_found(format!("Role set {} has no role '{role}'", self.0.id))
        })?))
    }

    /// The roles the caller holds in this set.
    async fn my_roles(&self, ctx: &Context<'_>) -> Vec<RoleName> {
        RoleSetService::roles_of(&self.0, &actor(ctx).credentials)
    }

    /// The users holding a role (needs READ on the role set).
    async fn users_in_role(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
        limit: Option<f64>,
    ) -> Result<Vec<User>> {
        self.users_holding(ctx, role, limit).await
    }

    /// The users holding each of the given roles (needs READ on the role set).
    async fn users_in_roles(
        &self,
        ctx: &Context<'_>,
        roles: Vec<RoleName>,
        limit: Option<f64>,
    ) -> Result<Vec<UsersInRolesResponse>> {
        let mut out = Vec::with_capacity(roles.len());
        for role in roles {
            out.push(UsersInRolesResponse {
                role,
                users: self.users_holding(ctx, role, limit).await?,
            });
        }
        Ok(out)
    }

    /// The form applicants fill in.
    async fn application_form(&self, ctx: &Context<'_>) -> Result<Form> {
        Ok(Form(data::<EntryService>(ctx)?.form(&self.0).await?))
    }

    /// Every application to the role set, oldest first (needs READ on the role set).
    async fn applications(&self, ctx: &Context<'_>) -> Result<Vec<Application>> {
        self.require(ctx, AuthorizationPrivilege::Read, "read applications")
            .await?;
        Ok(data::<EntryService>(ctx)?
            .applications_of(self.0.id)
            .await?
            .into_iter()
            .map(Application)
            .collect())
    }

    /// Every invitation to the role set, oldest first (needs READ on the role set).
    async fn invitations(&self, ctx: &Context<'_>) -> Result<Vec<Invitation>> {
        self.require(ctx, AuthorizationPrivilege::Read, "read invitations")
            .await?;
        Ok(data::<EntryService>(ctx)?
            .invitations_of(self.0.id)
            .await?
            .into_iter()
            .map(Invitation)
            .collect())
    }

    /// Every invitation of an e-mail address to the role set, oldest first (needs READ on the
    /// role set).
    async fn platform_invitations(&self, ctx: &Context<'_>) -> Result<Vec<PlatformInvitation>> {
        self.require(ctx, AuthorizationPrivilege::Read, "read invitations")
            .await?;
        Ok(data::<EntryService>(ctx)?
            .platform_invitations_of(self.0.id)
            .await?
            .into_iter()
            .map(PlatformInvitation)
            .collect())
    }

    /// The caller's relation to the entry role: member, applied, invited or none of these.
    async fn my_membership_status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<CommunityMembershipStatus>> {
        Ok(Some(crate::space::membership_status(ctx, &self.0).await?))
    }

    /// Roles the caller holds because of roles elsewhere: admin of a subspace (space role
    /// sets), admin of the organization's account (organization role sets).
    async fn my_roles_implicit(&self, ctx: &Context<'_>) -> Result<Vec<RoleSetRoleImplicit>> {
        let caller = actor(ctx);
        let Some(entry) = self.0.role(self.0.entry_role_name) else {
            return Ok(Vec::new());
        };
        let owner = entry.credential.resource_id.clone();
        Ok(match self.0.role_set_type {
            RoleSetType::Space => {
                let held = caller.credentials.iter().any(|c| {
                    c.credential_type == CredentialType::SpaceSubspaceAdmin
                        && c.resource_id == owner
                });
                if held {
                    vec![RoleSetRoleImplicit::SubspaceAdmin]
                } else {
                    Vec::new()
                }
            }
            RoleSetType::Organization => {
                let account = data::<OrganizationService>(ctx)?
                    .by_role_set(self.0.id)
                    .await?
                    .and_then(|o| o.account_id);
                match account {
                    Some(a)
                        if caller
                            .credentials
                            .contains(&Credential::new(CredentialType::AccountAdmin, a)) =>
                    {
                        vec![RoleSetRoleImplicit::AccountAdmin]
                    }
                    _ => Vec::new(),
                }
            }
            RoleSetType::Platform => Vec::new(),
        })
    }

    /// Users who could take the entry role: not holding it, and for a subspace members of the
    /// parent unless the caller may invite into the parent too (needs READ on the role set).
    #[allow(clippy::too_many_arguments)]
    async fn available_users_for_entry_role(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<UserFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<PaginatedUsers> {
        self.require(ctx, AuthorizationPrivilege::Read, "list available users")
            .await?;
        let entry = self.entry_credential()?;
        let mut holding = Vec::new();
        if let Some(parent_id) = self.0.parent_role_set_id {
            let roles = data::<RoleSetService>(ctx)?;
            let parent = roles.get(parent_id).await?;
            let may_invite = RoleSet(parent.clone())
                .require(
                    ctx,
                    AuthorizationPrivilege::RolesetEntryRoleInvite,
                    "invite",
                )
                .await
                .is_ok();
            if !may_invite {
                holding.push(RoleSet(parent).entry_credential()?);
            }
        }
        available_users(
            ctx,
            filter,
            holding,
            vec![entry],
            after,
            before,
            first,
            last,
        )
        .await
    }

    /// Members who could take an elevated role (lead, admin) they do not hold yet (needs READ
    /// on the role set).
    #[allow(clippy::too_many_arguments)]
    async fn available_users_for_elevated_role(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<UserFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
        role: RoleName,
    ) -> Result<PaginatedUsers> {
        self.require(ctx, AuthorizationPrivilege::Read, "list available users")
            .await?;
        let definition = self.0.role(role).ok_or_else(|| {
            AppError::not_found(format!("Role set {} has no role '{role}'", self.0.id))
        })?;
        if !definition.requires_entry_role {
            return Err(AppError::bad_input(format!(
                "Role {role} does not require the entry role, so it is not an elevated role"
            ))
            .into());
        }
        let entry = self.entry_credential()?;
        available_users(
            ctx,
            filter,
            vec![entry],
            vec![definition.credential.clone()],
            after,
            before,
            first,
            last,
        )
        .await
    }

    /// The virtual contributors holding a role (needs READ on the role set).
    async fn virtual_contributors_in_role(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
    ) -> Result<Vec<VirtualContributor>> {
        self.virtual_contributors_holding(ctx, role).await
    }

    /// The virtual contributors holding each of the given roles (needs READ on the role set).
    async fn virtual_contributors_in_roles(
        &self,
        ctx: &Context<'_>,
        roles: Vec<RoleName>,
    ) -> Result<Vec<VirtualContributorsInRolesResponse>> {
        let mut out = Vec::with_capacity(roles.len());
        for role in roles {
            out.push(VirtualContributorsInRolesResponse {
                role,
                virtual_contributors: self.virtual_contributors_holding(ctx, role).await?,
            });
        }
        Ok(out)
    }

    /// The virtual contributors holding a role here or its counterpart in a parent role set
    /// (needs READ on the role set).
    async fn virtual_contributors_in_role_in_hierarchy(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
    ) -> Result<Vec<VirtualContributor>> {
        self.require(
            ctx,
            AuthorizationPrivilege::Read,
            "read virtual contributors in role",
        )
        .await?;
        let definition = RoleSetService::role(&self.0, role)?;
        let actors = data::<alkemio_contributor::ActorService>(ctx)?;
        let conn = data::<crate::SchemaServices>(ctx)?.db.conn();
        let mut holders = Vec::new();
        for credential in
            std::iter::once(&definition.credential).chain(definition.parent_credentials.iter())
        {
            holders.extend(actors.actors_with(conn, credential).await?);
        }
        self.virtual_contributors_of(ctx, holders).await
    }

    /// Virtual contributors that could take the entry role: not holding it, and, in a
    /// subspace, holding the parent's entry role; oldest first, page by page (needs READ on
    /// the role set).
    async fn available_virtual_contributors_for_entry_role(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<PaginatedVirtualContributor> {
        let request = PaginationArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        self.require(
            ctx,
            AuthorizationPrivilege::Read,
            "list available virtual contributors",
        )
        .await?;
        let roles = data::<RoleSetService>(ctx)?;
        let members: std::collections::HashSet<uuid::Uuid> = roles
            .holders(&self.0, self.0.entry_role_name)
            .await?
            .into_iter()
            .map(|a| a.0)
            .collect();
        let parents: Option<std::collections::HashSet<uuid::Uuid>> = match self.0.parent_role_set_id
        {
            Some(parent) => {
                let parent = roles.get(parent).await?;
                Some(
                    roles
                        .holders(&parent, parent.entry_role_name)
                        .await?
                        .into_iter()
                        .map(|a| a.0)
                        .collect(),
                )
            }
            None => None,
        };
        let mut candidates = data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
            .all()
            .await?;
        candidates.retain(|v| {
            !members.contains(&v.id.0) && parents.as_ref().is_none_or(|p| p.contains(&v.id.0))
        });
        #[allow(clippy::cast_precision_loss)]
        let total = candidates.len() as f64;
        let page = request.page_in_memory(candidates, |v| v.id.0)?;
        Ok(PaginatedVirtualContributor {
            page_info: page.page_info,
            total,
            virtual_contributors: page.items.into_iter().map(VirtualContributor).collect(),
        })
    }

    /// The organizations holding a role (needs READ on the role set).
    async fn organizations_in_role(
        &self,
        ctx: &Context<'_>,
        role: RoleName,
    ) -> Result<Vec<Organization>> {
        self.organizations_holding(ctx, role).await
    }

    /// The organizations holding each of the given roles (needs READ on the role set).
    async fn organizations_in_roles(
        &self,
        ctx: &Context<'_>,
        roles: Vec<RoleName>,
    ) -> Result<Vec<OrganizationsInRolesResponse>> {
        let mut out = Vec::with_capacity(roles.len());
        for role in roles {
            out.push(OrganizationsInRolesResponse {
                role,
                organizations: self.organizations_holding(ctx, role).await?,
            });
        }
        Ok(out)
    }

    /// The role set's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// When the role set was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the role set last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The users holding one role.
#[derive(SimpleObject)]
pub struct UsersInRolesResponse {
    /// The role.
    pub role: RoleName,
    /// Its holders.
    pub users: Vec<User>,
}

/// A role's definition.
#[derive(Debug, Clone)]
pub struct Role(pub model::Role);

fn definition(c: &Credential) -> CredentialDefinition {
    CredentialDefinition {
        resource_id: c.resource_id.clone(),
        r#type: c.credential_type.as_str().to_owned(),
    }
}

/// Limits on how many actors of one kind may hold a role (-1: no limit).
#[derive(Debug, Clone, SimpleObject)]
pub struct ActorRolePolicy {
    /// Fewest holders.
    pub minimum: f64,
    /// Most holders.
    pub maximum: f64,
}

impl From<RolePolicy> for ActorRolePolicy {
    fn from(p: RolePolicy) -> Self {
        Self {
            minimum: f64::from(p.minimum),
            maximum: f64::from(p.maximum),
        }
    }
}

#[Object(name = "Role")]
impl Role {
    /// The role's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// Its name.
    async fn name(&self) -> RoleName {
        self.0.name
    }

    /// The credential that holding the role means.
    async fn credential(&self) -> CredentialDefinition {
        definition(&self.0.credential)
    }

    /// The same role's credentials in the ancestor role sets.
    async fn parent_credentials(&self) -> Vec<CredentialDefinition> {
        self.0.parent_credentials.iter().map(definition).collect()
    }

    /// Whether the entry role is needed first.
    async fn requires_entry_role(&self) -> bool {
        self.0.requires_entry_role
    }

    /// Whether the same role in the parent role set is needed first.
    async fn requires_same_role_in_parent_role_set(&self) -> bool {
        self.0.requires_same_role_in_parent_role_set
    }

    /// Limits for users.
    async fn user_policy(&self) -> ActorRolePolicy {
        self.0.user_policy.into()
    }

    /// Limits for organizations.
    async fn organization_policy(&self) -> ActorRolePolicy {
        self.0.organization_policy.into()
    }

    /// Limits for virtual contributors.
    async fn virtual_contributor_policy(&self) -> ActorRolePolicy {
        self.0.virtual_contributor_policy.into()
    }

    /// When the role was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the role last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}
