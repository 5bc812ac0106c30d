//! GraphQL of the authorization module: the `Authorization` type (wherever an entity exposes
//! `authorization`) and the per-request policy loader.

use alkemio_kernel::scalars::{DateTime, UuidScalar};
use async_graphql::{Context, Object, Result, SimpleObject};

use alkemio_authorization::repo::StoredPolicy;
use alkemio_authorization::{AuthorizationPolicyType, AuthorizationPrivilege};

use crate::context::actor;

/// An entity's authorization policy, as seen by the caller.
#[derive(Debug, Clone)]
pub struct Authorization(pub std::sync::Arc<StoredPolicy>);

impl Authorization {
    fn my_privileges_of(&self, ctx: &Context<'_>) -> Result<Vec<AuthorizationPrivilege>> {
        let actor = actor(ctx);
        Ok(self
            .0
            .policy
            .granted_privileges(&actor.credentials)?
            .into_iter()
            .collect())
    }
}

#[Object(name = "Authorization")]
impl Authorization {
    /// The policy's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.policy.id)
    }

    /// The kind of entity the policy belongs to.
    async fn r#type(&self) -> Option<AuthorizationPolicyType> {
        Some(self.0.policy.policy_type)
    }

    /// When the policy was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the policy was last computed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// The credential rules of the policy.
    async fn credential_rules(&self) -> Option<Vec<AuthorizationPolicyRuleCredential>> {
        Some(
            self.0
                .policy
                .credential_rules
                .iter()
                .map(|r| AuthorizationPolicyRuleCredential {
                    cascade: r.cascade,
                    criterias: r
                        .criterias
                        .iter()
                        .map(|c| CredentialDefinition {
                            resource_id: c.resource_id.clone(),
                            r#type: c.credential_type.as_str().to_owned(),
                        })
                        .collect(),
                    granted_privileges: r.granted_privileges.clone(),
                    name: Some(r.name.clone()),
                })
                .collect(),
        )
    }

    /// The privilege rules of the policy.
    async fn privilege_rules(&self) -> Option<Vec<AuthorizationPolicyRulePrivilege>> {
        Some(
            self.0
                .policy
                .privilege_rules
                .iter()
                .map(|r| AuthorizationPolicyRulePrivilege {
                    granted_privileges: r.granted_privileges.clone(),
                    name: Some(r.name.clone()),
                    source_privilege: r.source_privilege,
                })
                .collect(),
        )
    }

    /// The privileges the caller holds on this policy.
    async fn my_privileges(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        Ok(Some(self.my_privileges_of(ctx)?))
    }

    /// Whether the caller holds a privilege on this policy.
    async fn has_privilege(
        &self,
        ctx: &Context<'_>,
        privilege: AuthorizationPrivilege,
    ) -> Result<bool> {
        Ok(self.my_privileges_of(ctx)?.contains(&privilege))
    }
}

/// A credential rule as shown to clients.
#[derive(Debug, Clone, SimpleObject)]
pub struct AuthorizationPolicyRuleCredential {
    /// Whether child policies inherit it.
    pub cascade: bool,
    /// Alternatives: any one matching is enough.
    pub criterias: Vec<CredentialDefinition>,
    /// What it grants.
    pub granted_privileges: Vec<AuthorizationPrivilege>,
    /// Its name.
    pub name: Option<String>,
}

/// A credential criterion: a credential type and a resource (empty: any).
#[derive(Debug, Clone, SimpleObject)]
pub struct CredentialDefinition {
    /// The resource; empty for any.
    #[graphql(name = "resourceID")]
    pub resource_id: String,
    /// The credential type's stored value.
    pub r#type: String,
}

/// A privilege rule as shown to clients.
#[derive(Debug, Clone, SimpleObject)]
pub struct AuthorizationPolicyRulePrivilege {
    /// What it adds.
    pub granted_privileges: Vec<AuthorizationPrivilege>,
    /// Its name.
    pub name: Option<String>,
    /// What triggers it.
    pub source_privilege: AuthorizationPrivilege,
}

/// Batches policy reads: every policy the requests in flight need is loaded in as few queries
/// as possible, and decoded only when it changed since it was last decoded.
#[derive(Debug, Clone)]
pub struct PolicyLoader {
    conn: sea_orm::DatabaseConnection,
    decoded: std::sync::Arc<alkemio_authorization::PolicyCache>,
}

impl PolicyLoader {
    /// A loader over a connection pool, keeping decoded policies in `decoded`.
    pub fn new(
        conn: sea_orm::DatabaseConnection,
        decoded: std::sync::Arc<alkemio_authorization::PolicyCache>,
    ) -> Self {
        Self { conn, decoded }
    }
}

impl async_graphql::dataloader::Loader<uuid::Uuid> for PolicyLoader {
    type Value = std::sync::Arc<StoredPolicy>;
    type Error = std::sync::Arc<alkemio_kernel::AppError>;

    async fn load(
        &self,
        keys: &[uuid::Uuid],
    ) -> std::result::Result<std::collections::HashMap<uuid::Uuid, Self::Value>, Self::Error> {
        let rows = alkemio_authorization::repo::load_many_text(&self.conn, keys)
            .await
            .map_err(std::sync::Arc::new)?;
        self.decoded.decode_all(rows).map_err(std::sync::Arc::new)
    }
}

/// The loader type resolvers find in the schema data.
pub type Policies = async_graphql::dataloader::DataLoader<PolicyLoader>;

/// Loads a policy through the request's loader.
pub async fn load_policy(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> std::result::Result<Option<std::sync::Arc<StoredPolicy>>, alkemio_kernel::AppError> {
    let loader = ctx.data::<Policies>().map_err(|e| {
        alkemio_kernel::AppError::internal_msg(format_args!("schema data missing: {}", e.message))
    })?;
    loader.load_one(id).await.map_err(|e| {
        alkemio_kernel::AppError::internal_msg(format_args!("loading policy {id}: {e:?}"))
    })
}

/// Whether the caller holds `privilege` on the policy `id` (false when there is none).
pub(crate) async fn can(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
    privilege: AuthorizationPrivilege,
) -> alkemio_kernel::AppResult<bool> {
    let Some(id) = id else { return Ok(false) };
    match load_policy(ctx, id).await? {
        Some(p) => p.policy.is_granted(&actor(ctx).credentials, privilege),
        None => Ok(false),
    }
}

/// Fails unless the caller holds `privilege` on the policy with this id.
pub(crate) async fn require_on(
    ctx: &Context<'_>,
    policy: Option<uuid::Uuid>,
    privilege: AuthorizationPrivilege,
    action: &str,
) -> alkemio_kernel::AppResult<()> {
    let policy = match policy {
        Some(id) => load_policy(ctx, id).await?,
        None => None,
    };
    let caller = actor(ctx);
    alkemio_authorization::grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        policy.as_ref().map(|p| &p.policy),
        privilege,
        action,
    )
}

/// Fails unless the caller holds `privilege` on the platform's policy.
pub(crate) async fn require_on_platform(
    ctx: &Context<'_>,
    privilege: AuthorizationPrivilege,
    action: &str,
) -> alkemio_kernel::AppResult<()> {
    let platform = crate::context::data::<alkemio_platform::PlatformService>(ctx)?
        .authorization()
        .await?;
    let caller = actor(ctx);
    alkemio_authorization::grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        Some(&platform.policy),
        privilege,
        action,
    )
}

/// A subscriber's access checked again while its subscription runs: the caller's credentials
/// as they are now (an authenticated caller's are read again, through the credentials cache)
/// against a policy as it is now. A subscriber who lost access stops hearing events.
#[derive(Clone)]
pub(crate) struct LiveAccess {
    db: sea_orm::DatabaseConnection,
    actors: alkemio_contributor::ActorService,
    caller: alkemio_authorization::ActorContext,
}

impl LiveAccess {
    /// The request's caller, to be checked again later.
    pub(crate) fn from_ctx(ctx: &Context<'_>) -> alkemio_kernel::AppResult<Self> {
        Ok(Self {
            db: crate::context::data::<crate::SchemaServices>(ctx)?
                .db
                .conn()
                .clone(),
            actors: crate::context::data::<alkemio_contributor::ActorService>(ctx)?.clone(),
            caller: actor(ctx).into_owned(),
        })
    }

    /// Whether the caller holds `privilege` on the policy now.
    pub(crate) async fn may(
        &self,
        policy: Option<uuid::Uuid>,
        privilege: AuthorizationPrivilege,
    ) -> bool {
        let credentials = match self.caller.authenticated_id() {
            Some(id) => match self
                .actors
                .credentials(alkemio_kernel::ids::ActorId(id))
                .await
            {
                Ok(Some(c)) => c,
                _ => return false,
            },
            None => self.caller.credentials.clone(),
        };
        let Some(id) = policy else {
            return false;
        };
        match alkemio_authorization::repo::load(&self.db, id).await {
            Ok(Some(stored)) => stored
                .policy
                .is_granted(&credentials, privilege)
                .unwrap_or(false),
            _ => false,
        }
    }
}

/// The `authorization` field of an entity: its stored policy (null when it has none).
pub(crate) async fn authorization_of(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
) -> async_graphql::Result<Option<Authorization>> {
    let Some(id) = id else { return Ok(None) };
    Ok(load_policy(ctx, id).await?.map(Authorization))
}
