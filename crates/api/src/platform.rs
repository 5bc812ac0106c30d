//! GraphQL of the platform module: the `platform` query, the `Platform` type and the platform
//! mutations (global roles, authorization resets).

use alkemio_community::RoleName;
use alkemio_kernel::AppError;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_metadata::Metadata as ServiceMetadataList;
use async_graphql::InputObject;
use async_graphql::{Context, Object, Result, SimpleObject};
use tokio::sync::OnceCell;

use alkemio_platform::service::IntegrationListChange;
use alkemio_platform::{PlatformService, model};

use crate::authorization::Authorization;
use crate::community::RoleSet;
use crate::configuration::Config;
use crate::context::{actor, data};
use crate::contributor::User;

/// Root query fields of the platform module.
#[derive(Debug, Default)]
pub struct PlatformQuery;

#[Object]
impl PlatformQuery {
    /// The platform: its configuration, metadata and settings.
    async fn platform(&self, ctx: &Context<'_>) -> Result<Platform> {
        let id = service(ctx)?.id().await?;
        Ok(Platform {
            id: UuidScalar(id.0),
            row: OnceCell::new(),
        })
    }
}

/// The platform singleton. Its id is known without a query; the row is read once, when a
/// field needs it.
#[derive(Debug)]
pub struct Platform {
    id: UuidScalar,
    row: OnceCell<model::Platform>,
}

impl Platform {
    async fn row(&self, ctx: &Context<'_>) -> Result<&model::Platform, AppError> {
        self.row
            .get_or_try_init(|| async { service(ctx)?.get().await })
            .await
    }
}

fn service<'a>(ctx: &Context<'a>) -> Result<&'a PlatformService, AppError> {
    data::<PlatformService>(ctx)
}

#[Object(name = "Platform")]
impl Platform {
    /// An innovation hub by id or subdomain; without either, the hub the request came
    /// through (null when none).
    async fn innovation_hub(
        &self,
        ctx: &Context<'_>,
        id: Option<UuidScalar>,
        subdomain: Option<String>,
    ) -> Result<Option<crate::innovation_hub::InnovationHub>> {
        crate::innovation_hub::platform_hub(ctx, id, subdomain).await
    }

    /// Whether the caller may use the web AI assistant (holds ACCESS_VIRTUAL_ASSISTANT on the
    /// platform); false rather than an error for everyone else.
    async fn virtual_assistant_access(&self, ctx: &Context<'_>) -> Result<bool> {
        let platform = data::<alkemio_platform::PlatformService>(ctx)?
            .authorization()
            .await?;
        Ok(platform.policy.is_granted(
            &crate::context::actor(ctx).credentials,
            alkemio_authorization::AuthorizationPrivilege::AccessVirtualAssistant,
        )?)
    }

    /// Which virtual contributor plays each well-known part (needs
    /// ACCESS_INTERACTIVE_GUIDANCE on the platform).
    async fn well_known_virtual_contributors(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::virtual_contributor::PlatformWellKnownVirtualContributors> {
        crate::virtual_contributor::well_known(ctx).await
    }

    /// The library: the innovation packs, templates and hubs offered publicly.
    async fn library(&self, ctx: &Context<'_>) -> Result<crate::library::Library> {
        crate::library::platform_library(ctx).await
    }

    /// The licensing framework: plans and the license policy.
    async fn licensing_framework(&self, ctx: &Context<'_>) -> Result<crate::licensing::Licensing> {
        crate::licensing::framework(ctx).await
    }

    /// The messaging that holds every user conversation.
    async fn messaging(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::communication::Messaging>> {
        Ok(
            data::<alkemio_communication::conversation::ConversationService>(ctx)?
                .messaging()
                .await?
                .map(crate::communication::Messaging),
        )
    }

    /// The platform's id.
    async fn id(&self) -> UuidScalar {
        self.id
    }

    /// When the platform was created.
    async fn created_date(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(DateTime(self.row(ctx).await?.created_date))
    }

    /// When the platform last changed.
    async fn updated_date(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(DateTime(self.row(ctx).await?.updated_date))
    }

    /// The platform's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        Ok(Some(Authorization(std::sync::Arc::new(
            service(ctx)?.authorization().await?,
        ))))
    }

    /// The platform's role set: the global roles and who holds them.
    async fn role_set(&self, ctx: &Context<'_>) -> Result<RoleSet> {
        Ok(RoleSet(service(ctx)?.role_set().await?))
    }

    /// The platform's forum.
    async fn forum(&self, ctx: &Context<'_>) -> Result<crate::forum::Forum> {
        Ok(crate::forum::forum(ctx).await?)
    }

    /// The newest discussion of the forum's RELEASES category, if any.
    async fn latest_release_discussion(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::forum::LatestReleaseDiscussion>> {
        Ok(crate::forum::latest_release(ctx).await?)
    }

    /// The platform's templates manager: the defaults for new spaces, subspaces, tutorials and
    /// knowledge bases, and the platform's templates set.
    async fn templates_manager(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::template::TemplatesManager>> {
        let Some(id) = self.row(ctx).await?.templates_manager_id else {
            return Ok(None);
        };
        Ok(Some(crate::template::TemplatesManager(
            data::<alkemio_space::SpaceService>(ctx)?
                .templates()
                .manager_or_fail(id)
                .await?,
        )))
    }

    /// Where files that belong to the platform itself are stored.
    async fn storage_aggregator(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::storage::StorageAggregator> {
        let id = self.row(ctx).await?.storage_aggregator_id.ok_or_else(|| {
            alkemio_kernel::AppError::internal_msg("the platform has no storage aggregator")
        })?;
        Ok(crate::storage::StorageAggregator(
            data::<alkemio_storage::StorageService>(ctx)?
                .aggregator(id)
                .await?,
        ))
    }

    /// What a client needs to know before logging in.
    async fn configuration(&self, ctx: &Context<'_>) -> Result<Config> {
        Ok(Config(service(ctx)?.client_config().clone()))
    }

    /// Name and version of the running services.
    async fn metadata(&self) -> Metadata {
        let m = ServiceMetadataList::current();
        Metadata {
            services: m
                .services
                .into_iter()
                .map(|s| ServiceMetadata {
                    name: s.name,
                    version: s.version,
                })
                .collect(),
        }
    }

    /// Platform-wide settings.
    async fn settings(&self, ctx: &Context<'_>) -> Result<PlatformSettings> {
        Ok(PlatformSettings::from(&self.row(ctx).await?.settings))
    }
}

impl From<&model::PlatformSettings> for PlatformSettings {
    fn from(s: &model::PlatformSettings) -> Self {
        PlatformSettings {
            integration: PlatformIntegrationSettings {
                iframe_allowed_urls: s.integration.iframe_allowed_urls.clone(),
                notification_email_blacklist: s.integration.notification_email_blacklist.clone(),
            },
        }
    }
}

/// New values for the platform-wide settings.
#[derive(Debug, InputObject)]
pub struct UpdatePlatformSettingsInput {
    /// Integration settings.
    pub integration: Option<UpdatePlatformSettingsIntegrationInput>,
}

/// New integration settings: each list given replaces the stored one.
#[derive(Debug, InputObject)]
pub struct UpdatePlatformSettingsIntegrationInput {
    /// The http(s) URLs Markdown content may embed in iframes.
    pub iframe_allowed_urls: Vec<String>,
    /// The addresses that never receive notification e-mails (kept when absent).
    pub notification_email_blacklist: Option<Vec<String>>,
}

/// A full e-mail address.
#[derive(Debug, InputObject)]
pub struct NotificationEmailAddressInput {
    /// The address (no wildcards).
    pub email: String,
}

/// Platform-wide settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformSettings {
    /// Integration with other sites and services.
    pub integration: PlatformIntegrationSettings,
}

/// Integration settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformIntegrationSettings {
    /// URLs that Markdown content may embed in iframes.
    pub iframe_allowed_urls: Vec<String>,
    /// Addresses that never receive notification e-mails.
    pub notification_email_blacklist: Vec<String>,
}

/// Root mutations of the platform module.
#[derive(Debug, Default)]
pub struct PlatformMutation;

/// Which platform role to give to which actor.
#[derive(Debug, InputObject)]
pub struct AssignPlatformRoleInput {
    /// The actor (a user).
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// The role.
    pub role: RoleName,
}

/// Which platform role to take from which actor.
#[derive(Debug, InputObject)]
pub struct RemovePlatformRoleInput {
    /// The actor (a user).
    #[graphql(name = "actorID")]
    pub actor_id: UuidScalar,
    /// The role.
    pub role: RoleName,
}

#[Object]
impl PlatformMutation {
    /// Gives a user a global role. Global roles need GRANT_GLOBAL_ADMINS on the platform's role
    /// set; beta tester and campaign need GRANT.
    async fn assign_platform_role_to_user(
        &self,
        ctx: &Context<'_>,
        role_data: AssignPlatformRoleInput,
    ) -> Result<User> {
        let user = service(ctx)?
            .assign_platform_role(&actor(ctx), ActorId(role_data.actor_id.0), role_data.role)
            .await?;
        Ok(User(user))
    }

    /// Takes a global role from a user, keeping at least one global admin.
    async fn remove_platform_role_from_user(
        &self,
        ctx: &Context<'_>,
        role_data: RemovePlatformRoleInput,
    ) -> Result<User> {
        let user = service(ctx)?
            .remove_platform_role(&actor(ctx), ActorId(role_data.actor_id.0), role_data.role)
            .await?;
        Ok(User(user))
    }

    /// Replaces the platform's integration settings given (needs PLATFORM_SETTINGS_ADMIN).
    async fn update_platform_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdatePlatformSettingsInput,
    ) -> Result<PlatformSettings> {
        let (urls, blacklist) = match settings_data.integration {
            Some(i) => (Some(i.iframe_allowed_urls), i.notification_email_blacklist),
            None => (None, None),
        };
        let stored = service(ctx)?
            .update_settings(&actor(ctx), urls, blacklist)
            .await?;
        Ok(PlatformSettings::from(&stored))
    }

    /// Lets Markdown content embed iframes from this http(s) URL (needs PLATFORM_ADMIN);
    /// returns the allowed URLs.
    #[graphql(name = "addIframeAllowedURL")]
    async fn add_iframe_allowed_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "whitelistedURL")] whitelisted_url: String,
    ) -> Result<Vec<String>> {
        Ok(service(ctx)?
            .change_integration_list(
                &actor(ctx),
                IntegrationListChange::AddIframeUrl(&whitelisted_url),
            )
            .await?)
    }

    /// Stops allowing iframes from this URL (needs PLATFORM_ADMIN); returns the URLs left.
    #[graphql(name = "removeIframeAllowedURL")]
    async fn remove_iframe_allowed_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "whitelistedURL")] whitelisted_url: String,
    ) -> Result<Vec<String>> {
        Ok(service(ctx)?
            .change_integration_list(
                &actor(ctx),
                IntegrationListChange::RemoveIframeUrl(&whitelisted_url),
            )
            .await?)
    }

    /// Stops notification e-mails to this address (needs PLATFORM_ADMIN); returns the
    /// blacklist.
    async fn add_notification_email_to_blacklist(
        &self,
        ctx: &Context<'_>,
        input: NotificationEmailAddressInput,
    ) -> Result<Vec<String>> {
        Ok(service(ctx)?
            .change_integration_list(
                &actor(ctx),
                IntegrationListChange::AddBlacklisted(&input.email),
            )
            .await?)
    }

    /// Sends notification e-mails to this address again (needs PLATFORM_ADMIN); returns the
    /// blacklist.
    async fn remove_notification_email_from_blacklist(
        &self,
        ctx: &Context<'_>,
        input: NotificationEmailAddressInput,
    ) -> Result<Vec<String>> {
        Ok(service(ctx)?
            .change_integration_list(
                &actor(ctx),
                IntegrationListChange::RemoveBlacklisted(&input.email),
            )
            .await?)
    }

    /// Recomputes the platform's authorization policies (needs AUTHORIZATION_RESET).
    async fn authorization_policy_reset_on_platform(&self, ctx: &Context<'_>) -> Result<Platform> {
        let service = service(ctx)?;
        service.reset_authorization(&actor(ctx)).await?;
        let id = service.id().await?;
        Ok(Platform {
            id: UuidScalar(id.0),
            row: OnceCell::new(),
        })
    }

    /// Starts recomputing every authorization policy in the background (needs
    /// AUTHORIZATION_RESET); returns the id of the task that reports progress.
    async fn authorization_policy_reset_all(&self, ctx: &Context<'_>) -> Result<String> {
        let task = service(ctx)?.reset_all_authorization(&actor(ctx)).await?;
        Ok(task.task_id.to_string())
    }
}

/// Metadata about the platform's services.
#[derive(Debug, Clone, SimpleObject)]
pub struct Metadata {
    /// One entry per service.
    pub services: Vec<ServiceMetadata>,
}

/// One service's name and version.
#[derive(Debug, Clone, SimpleObject)]
pub struct ServiceMetadata {
    /// Service name.
    pub name: Option<String>,
    /// Semantic version of the running build.
    pub version: Option<String>,
}
