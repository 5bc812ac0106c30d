//! GraphQL: `lookup`, direct access to entities and policies by id, with privilege checks.

use crate::account::Account;
use crate::authorization::{Authorization, load_policy};
use crate::community::RoleSet;
use crate::context::{actor, data};
use crate::contributor::User;
use alkemio_authorization::{AuthorizationPrivilege, grant_access_or_fail};
use alkemio_community::RoleSetService;
use alkemio_contributor::{ActorService, UserService};
use alkemio_kernel::ids::{RoleSetId, UserId};
use alkemio_kernel::scalars::{NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use async_graphql::{Context, Object, Result};

async fn require_platform_admin(ctx: &Context<'_>, action: &str) -> AppResult<()> {
    crate::authorization::require_on_platform(ctx, AuthorizationPrivilege::PlatformAdmin, action)
        .await
}

async fn user_or_fail(ctx: &Context<'_>, id: UuidScalar) -> AppResult<alkemio_contributor::User> {
    data::<UserService>(ctx)?
        .user(UserId(id.0))
        .await?
        .ok_or_else(|| AppError::not_found(format!("User {id} not found")))
}

/// Root query field `lookup`.
#[derive(Debug, Default)]
pub struct LookupQuery;

#[Object]
impl LookupQuery {
    /// Direct access to entities by id.
    async fn lookup(&self) -> LookupQueryResults {
        LookupQueryResults
    }

    /// Entity ids by NameID.
    async fn lookup_by_name(&self) -> LookupByNameQueryResults {
        LookupByNameQueryResults
    }
}

/// Entity ids by NameID, as the client resolves URL slugs.
#[derive(Debug, Clone, Copy)]
pub struct LookupByNameQueryResults;

#[Object(name = "LookupByNameQueryResults")]
impl LookupByNameQueryResults {
    /// The L0 space with this NameID (needs READ_ABOUT on it).
    async fn space(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<crate::space::Space>> {
        let space = data::<alkemio_space::SpaceService>(ctx)?
            .l0_by_name_id(name_id.as_str())
            .await?
            .ok_or_else(|| AppError::not_found("L0 Space not found"))?;
        crate::space::require_read_about(ctx, &space).await?;
        Ok(Some(crate::space::Space(space)))
    }

    /// The id of the template of a set with this NameID (needs READ on it).
    async fn template(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
        #[graphql(name = "templatesSetID")] templates_set_id: UuidScalar,
    ) -> Result<Option<String>> {
        crate::template::template_id_by_name(ctx, templates_set_id.0, name_id.as_str()).await
    }

    /// The id of the innovation hub with this NameID (needs READ on it).
    async fn innovation_hub(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<String>> {
        crate::innovation_hub::lookup_hub_by_name(ctx, name_id.as_str()).await
    }

    /// The id of the virtual contributor with this NameID (needs READ on it).
    async fn virtual_contributor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<String>> {
        crate::virtual_contributor::lookup_by_name(ctx, name_id.as_str()).await
    }

    /// The id of the innovation pack with this NameID (needs READ on it).
    async fn innovation_pack(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<String>> {
        crate::library::lookup_pack_by_name(ctx, name_id.as_str()).await
    }

    /// The id of the organization with this NameID.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<String>> {
        let id = data::<alkemio_organization::OrganizationService>(ctx)?
            .id_by_name_id(name_id.as_str())
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!("Organization with NameID {name_id} not found"))
            })?;
        Ok(Some(id.0.to_string()))
    }

    /// The id of the user with this NameID (needs READ_USERS on the platform).
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "NAMEID")] name_id: NameId,
    ) -> Result<Option<String>> {
        let id = data::<UserService>(ctx)?
            .id_by_name_id(name_id.as_str())
            .await?
            .ok_or_else(|| AppError::not_found(format!("User with NameID {name_id} not found")))?;
        crate::authorization::require_on_platform(
            ctx,
            AuthorizationPrivilege::ReadUsers,
            "look up a user by NameID",
        )
        .await?;
        Ok(Some(id.0.to_string()))
    }
}

/// Entities by id.
#[derive(Debug, Clone, Copy)]
pub struct LookupQueryResults;

#[Object(name = "LookupQueryResults")]
impl LookupQueryResults {
    /// A collaboration (needs READ on it).
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::Collaboration>> {
        Ok(Some(
            crate::collaboration::lookup_collaboration(ctx, id.0).await?,
        ))
    }

    /// A calendar (needs READ on it).
    async fn calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::timeline::Calendar>> {
        Ok(Some(crate::timeline::lookup_calendar(ctx, id.0).await?))
    }

    /// A calendar event (needs READ on it).
    async fn calendar_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::timeline::CalendarEvent>> {
        Ok(Some(crate::timeline::lookup_event(ctx, id.0).await?))
    }

    /// An innovation flow (needs READ on it).
    async fn innovation_flow(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::InnovationFlow>> {
        Ok(Some(
            crate::collaboration::lookup_innovation_flow(ctx, id.0).await?,
        ))
    }

    /// A callouts set (needs READ on it).
    async fn callouts_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::CalloutsSet>> {
        Ok(Some(
            crate::collaboration::lookup_callouts_set(ctx, id.0).await?,
        ))
    }

    /// A callout (needs READ on it).
    async fn callout(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::Callout>> {
        Ok(Some(crate::collaboration::lookup_callout(ctx, id.0).await?))
    }

    /// A contribution to a callout (needs READ on it).
    async fn contribution(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::CalloutContribution>> {
        Ok(Some(
            crate::collaboration::lookup_contribution(ctx, id.0).await?,
        ))
    }

    /// A post (needs READ on it).
    async fn post(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::collaboration::Post>> {
        Ok(Some(crate::collaboration::lookup_post(ctx, id.0).await?))
    }

    /// A template (needs READ on it).
    async fn template(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::template::Template>> {
        Ok(Some(crate::template::lookup_template(ctx, id.0).await?))
    }

    /// A space template's content space (needs READ on it).
    async fn template_content_space(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::template::TemplateContentSpace>> {
        Ok(Some(
            crate::template::lookup_content_space(ctx, id.0).await?,
        ))
    }

    /// A templates manager (needs READ on it).
    async fn templates_manager(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::template::TemplatesManager>> {
        Ok(Some(crate::template::lookup_manager(ctx, id.0).await?))
    }

    /// A templates set (needs READ on it).
    async fn templates_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::template::TemplatesSet>> {
        Ok(Some(crate::template::lookup_set(ctx, id.0).await?))
    }

    /// A memo (needs READ on it).
    async fn memo(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::content::Memo>> {
        Ok(Some(crate::collaboration::lookup_memo(ctx, id.0).await?))
    }

    /// A whiteboard (needs READ on it).
    async fn whiteboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::content::Whiteboard>> {
        Ok(Some(
            crate::collaboration::lookup_whiteboard(ctx, id.0).await?,
        ))
    }

    /// An authorization policy (needs PLATFORM_ADMIN on the platform).
    async fn authorization_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Authorization>> {
        let policy = load_policy(ctx, id.0).await?.ok_or_else(|| {
            AppError::not_found(format!(
                "Not able to locate Authorization Policy with the specified ID: {id}"
            ))
        })?;
        require_platform_admin(ctx, "look up an authorization policy").await?;
        Ok(Some(Authorization(policy)))
    }

    /// The privileges a user holds on a policy (needs PLATFORM_ADMIN on the platform).
    async fn authorization_privileges_for_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "userID")] user_id: UuidScalar,
        #[graphql(name = "authorizationPolicyID")] authorization_policy_id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        require_platform_admin(ctx, "read another user's privileges").await?;
        let policy = load_policy(ctx, authorization_policy_id.0).await?.ok_or_else(|| {
            AppError::not_found(format!("Not able to locate Authorization Policy with the specified ID: {authorization_policy_id}"))
        })?;
        let user = user_or_fail(ctx, user_id).await?;
        let credentials = data::<ActorService>(ctx)?
            .credentials(user.id.into())
            .await?
            .unwrap_or_default();
        Ok(Some(
            policy
                .policy
                .granted_privileges(&credentials)?
                .into_iter()
                .collect(),
        ))
    }

    /// The caller's privileges on entities by id.
    async fn my_privileges(&self) -> Option<LookupMyPrivilegesQueryResults> {
        Some(LookupMyPrivilegesQueryResults)
    }

    /// A user (needs READ on the user).
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<User>> {
        let user = user_or_fail(ctx, id).await?;
        let policy = match user.authorization_id {
            Some(pid) => load_policy(ctx, pid).await?,
            None => None,
        };
        let caller = actor(ctx);
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            AuthorizationPrivilege::Read,
            "look up a user",
        )?;
        Ok(Some(User(user)))
    }

    /// An account (needs READ on it).
    async fn account(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Account>> {
        let account = data::<UserService>(ctx)?
            .account(alkemio_kernel::ids::ActorId(id.0))
            .await?
            .ok_or_else(|| AppError::not_found(format!("Account {id} not found")))?;
        let policy = match account.authorization_id {
            Some(pid) => load_policy(ctx, pid).await?,
            None => None,
        };
        let caller = actor(ctx);
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref().map(|p| &p.policy),
            AuthorizationPrivilege::Read,
            "look up an account",
        )?;
        Ok(Some(Account(account)))
    }

    /// An organization.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::organization::Organization>> {
        let found = data::<alkemio_organization::OrganizationService>(ctx)?
            .get_or_fail(alkemio_kernel::ids::ActorId(id.0))
            .await?;
        Ok(Some(crate::organization::Organization(found)))
    }

    /// A space at any level (needs READ_ABOUT on it).
    async fn space(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::space::Space>> {
        let space = data::<alkemio_space::SpaceService>(ctx)?
            .get(alkemio_kernel::ids::ActorId(id.0))
            .await?
            .ok_or_else(|| AppError::not_found(format!("Unable to find Space with ID: {id}")))?;
        crate::space::require_read_about(ctx, &space).await?;
        Ok(Some(crate::space::Space(space)))
    }

    /// An innovation hub (needs READ on it).
    async fn innovation_hub(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::innovation_hub::InnovationHub>> {
        crate::innovation_hub::lookup_hub(ctx, id).await
    }

    /// A virtual contributor (needs READ on it).
    async fn virtual_contributor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::virtual_contributor::VirtualContributor>> {
        crate::virtual_contributor::lookup(ctx, id.0).await
    }

    /// A virtual contributor's knowledge base (needs READ_ABOUT on it).
    async fn knowledge_base(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<crate::virtual_contributor::KnowledgeBase> {
        crate::virtual_contributor::lookup_knowledge_base(ctx, id.0).await
    }

    /// An innovation pack (needs READ on it).
    async fn innovation_pack(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::library::InnovationPack>> {
        crate::library::lookup_pack(ctx, id).await
    }

    /// A conversation (needs READ on it: its members).
    async fn conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::communication::Conversation>> {
        let conversation = data::<alkemio_communication::conversation::ConversationService>(ctx)?
            .conversation_or_fail(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            conversation.authorization_id,
            AuthorizationPrivilege::Read,
            "read a conversation",
        )
        .await?;
        Ok(Some(crate::communication::Conversation(conversation)))
    }

    /// A space's about (needs READ_ABOUT on the space).
    async fn about(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::space::SpaceAbout>> {
        let spaces = data::<alkemio_space::SpaceService>(ctx)?;
        let space = spaces
            .by_about(id.0)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Space about {id} not found")))?;
        crate::space::require_read_about(ctx, &space).await?;
        let about = spaces
            .abouts(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Space about {id} not found")))?;
        Ok(Some(crate::space::SpaceAbout::new(about, space)))
    }

    /// A license of an account or a space (needs READ on it).
    async fn license(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::account::License>> {
        let users = data::<alkemio_contributor::UserService>(ctx)?;
        let license = alkemio_licensing::licenses(users.db_conn(), &[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("License {id} not found")))?;
        crate::authorization::require_on(
            ctx,
            license.authorization_id,
            AuthorizationPrivilege::Read,
            "read a license",
        )
        .await?;
        // an account's license counts the account's usage; a space's has none to count
        let account = users.account_by_license(id.0).await?.map(|a| a.id);
        Ok(Some(crate::account::License(license, account)))
    }

    /// A profile (needs READ on it).
    async fn profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::profile::Profile>> {
        let found = data::<alkemio_common::profile::ProfileService>(ctx)?
            .profile(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            found.authorization_id,
            AuthorizationPrivilege::Read,
            "read a profile",
        )
        .await?;
        Ok(Some(crate::profile::Profile(found)))
    }

    /// A storage aggregator (needs READ on it).
    async fn storage_aggregator(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::storage::StorageAggregator>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .aggregator(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            found.authorization_id,
            AuthorizationPrivilege::Read,
            "read a storage aggregator",
        )
        .await?;
        Ok(Some(crate::storage::StorageAggregator(found)))
    }

    /// A storage bucket (needs READ on it).
    async fn storage_bucket(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::storage::StorageBucket>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .bucket(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            found.authorization_id,
            AuthorizationPrivilege::Read,
            "read a storage bucket",
        )
        .await?;
        Ok(Some(crate::storage::StorageBucket(found)))
    }

    /// A document (needs READ on it).
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::storage::Document>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .document(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            found.authorization_id,
            AuthorizationPrivilege::Read,
            "read a document",
        )
        .await?;
        Ok(Some(crate::storage::Document(found)))
    }

    /// A room (needs READ on it).
    async fn room(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::communication::Room>> {
        let room = data::<alkemio_communication::CommunicationService>(ctx)?
            .room_or_fail(id.0)
            .await?;
        crate::authorization::require_on(
            ctx,
            room.authorization_id,
            AuthorizationPrivilege::Read,
            "read a room",
        )
        .await?;
        Ok(Some(crate::communication::Room(room)))
    }

    /// A space's community (needs READ on it).
    async fn community(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::space::Community>> {
        let community = data::<alkemio_space::SpaceService>(ctx)?
            .communities(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Community {id} not found")))?;
        crate::authorization::require_on(
            ctx,
            community.authorization_id,
            AuthorizationPrivilege::Read,
            "read a community",
        )
        .await?;
        Ok(Some(crate::space::Community(community)))
    }

    /// A community's guidelines (needs READ on them).
    async fn community_guidelines(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::space::CommunityGuidelines>> {
        let guidelines = data::<alkemio_space::SpaceService>(ctx)?
            .guidelines(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Community guidelines {id} not found")))?;
        crate::authorization::require_on(
            ctx,
            guidelines.authorization_id,
            AuthorizationPrivilege::Read,
            "read community guidelines",
        )
        .await?;
        Ok(Some(crate::space::CommunityGuidelines(guidelines)))
    }

    /// An application (needs READ on it).
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::entry::Application>> {
        crate::entry::lookup_application(ctx, id).await
    }

    /// An invitation (needs READ on it).
    async fn invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::entry::Invitation>> {
        crate::entry::lookup_invitation(ctx, id).await
    }

    /// An invitation of an e-mail address (needs READ on it).
    async fn platform_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<crate::entry::PlatformInvitation>> {
        crate::entry::lookup_platform_invitation(ctx, id).await
    }

    /// A role set.
    async fn role_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<RoleSet>> {
        Ok(Some(RoleSet(
            data::<RoleSetService>(ctx)?.get(RoleSetId(id.0)).await?,
        )))
    }
}

/// The caller's privileges on entities by id.
#[derive(Debug, Clone, Copy)]
pub struct LookupMyPrivilegesQueryResults;

async fn my_privileges_on(
    ctx: &Context<'_>,
    policy: Option<uuid::Uuid>,
) -> Result<Option<Vec<AuthorizationPrivilege>>> {
    let Some(policy_id) = policy else {
        return Err(AppError::new(
            alkemio_kernel::ErrorStatus::RelationNotLoaded,
            "The entity has no authorization policy",
        )
        .into());
    };
    let policy = load_policy(ctx, policy_id).await?.ok_or_else(|| {
        AppError::internal_msg(format_args!("authorization policy {policy_id} is missing"))
    })?;
    Ok(Some(
        policy
            .policy
            .granted_privileges(&actor(ctx).credentials)?
            .into_iter()
            .collect(),
    ))
}

#[Object(name = "LookupMyPrivilegesQueryResults")]
impl LookupMyPrivilegesQueryResults {
    /// The caller's privileges on a collaboration.
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::collaboration::policy_of(ctx, "collaboration", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a callout.
    async fn callout(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::collaboration::policy_of(ctx, "callout", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a license.
    async fn license(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let users = data::<UserService>(ctx)?;
        let license = alkemio_licensing::licenses(users.db_conn(), &[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("License {id} not found")))?;
        my_privileges_on(ctx, license.authorization_id).await
    }

    /// The caller's privileges on a room.
    async fn room(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let room = data::<alkemio_communication::CommunicationService>(ctx)?
            .room_or_fail(id.0)
            .await?;
        my_privileges_on(ctx, room.authorization_id).await
    }

    /// The caller's privileges on a space's about.
    async fn space_about(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let about = data::<alkemio_space::SpaceService>(ctx)?
            .abouts(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Space about {id} not found")))?;
        my_privileges_on(ctx, about.authorization_id).await
    }

    /// The caller's privileges on a calendar.
    async fn calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::timeline::policy_of(ctx, false, id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a calendar event.
    async fn calendar_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::timeline::policy_of(ctx, true, id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on an innovation flow.
    async fn innovation_flow(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::collaboration::policy_of(ctx, "innovationFlow", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a post.
    async fn post(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::collaboration::policy_of(ctx, "post", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a template.
    async fn template(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::template::policy_of(ctx, "template", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a templates manager.
    async fn templates_manager(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::template::policy_of(ctx, "templatesManager", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a templates set.
    async fn templates_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::template::policy_of(ctx, "templatesSet", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a whiteboard.
    async fn whiteboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::collaboration::policy_of(ctx, "whiteboard", id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a user.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let user = user_or_fail(ctx, id).await?;
        my_privileges_on(ctx, user.authorization_id).await
    }

    /// The caller's privileges on a space.
    async fn space(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let space = data::<alkemio_space::SpaceService>(ctx)?
            .get_or_fail(alkemio_kernel::ids::ActorId(id.0))
            .await?;
        my_privileges_on(ctx, space.authorization_id).await
    }

    /// The caller's privileges on a role set.
    async fn role_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let set = data::<RoleSetService>(ctx)?.get(RoleSetId(id.0)).await?;
        my_privileges_on(ctx, set.authorization_id).await
    }

    /// The caller's privileges on an account.
    async fn account(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let account = data::<UserService>(ctx)?
            .account(alkemio_kernel::ids::ActorId(id.0))
            .await?
            .ok_or_else(|| AppError::not_found(format!("Account {id} not found")))?;
        my_privileges_on(ctx, account.authorization_id).await
    }

    /// The caller's privileges on an application.
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_space::EntryService>(ctx)?
            .application(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on an invitation.
    async fn invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_space::EntryService>(ctx)?
            .invitation(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on a community.
    async fn community(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_space::SpaceService>(ctx)?
            .communities(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Community {id} not found")))?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on community guidelines.
    async fn community_guidelines(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_space::SpaceService>(ctx)?
            .guidelines(&[id.0])
            .await?
            .remove(&id.0)
            .ok_or_else(|| AppError::not_found(format!("Community guidelines {id} not found")))?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on an innovation hub.
    async fn innovation_hub(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
            .get(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on a virtual contributor.
    async fn virtual_contributor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::virtual_contributor::policy(ctx, id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on an innovation pack.
    async fn innovation_pack(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let policy = crate::library::pack_policy(ctx, id.0).await?;
        my_privileges_on(ctx, policy).await
    }

    /// The caller's privileges on a profile.
    async fn profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_common::profile::ProfileService>(ctx)?
            .profile(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on a storage aggregator.
    async fn storage_aggregator(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .aggregator(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on a storage bucket.
    async fn storage_bucket(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .bucket(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }

    /// The caller's privileges on a document.
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<Option<Vec<AuthorizationPrivilege>>> {
        let found = data::<alkemio_storage::StorageService>(ctx)?
            .document(id.0)
            .await?;
        my_privileges_on(ctx, found.authorization_id).await
    }
}
