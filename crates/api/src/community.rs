//! GraphQL: the `RoleSet` and `Role` types.

use crate::authorization::{Authorization, CredentialDefinition, load_policy};
use crate::context::{actor, data};
use crate::contributor::User;
use alkemio_authorization::{AuthorizationPrivilege, Credential, grant_access_or_fail};
use alkemio_contributor::UserService;
use alkemio_kernel::ids::UserId;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
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
