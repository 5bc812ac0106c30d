//! GraphQL: the `User` type and the `me` query.

use crate::account::Account;
use crate::authorization::{Authorization, load_policy, require_on, require_on_platform};
use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};
use crate::profile::Profile;
use crate::storage::StorageAggregator;
use crate::user_settings_types as ust;
use alkemio_authorization::AuthorizationCredential;
use alkemio_authorization::{ActorKind, AuthorizationPrivilege};
use alkemio_contributor::listing::UserFilter;
use alkemio_kernel::ids::UserId;
use alkemio_kernel::pagination::{PageInfo, PaginationArgs, limit_and_shuffle};
use alkemio_kernel::scalars::{DateTime, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_storage::StorageService;
use async_graphql::{Context, InputObject, Interface, Object, Result, SimpleObject};

use alkemio_contributor::{ActorType, UserService, model};

/// What `email` shows to a caller without the right to see personal data (as the reference).
pub const NOT_ACCESSIBLE: &str = "not accessible";

fn users<'a>(ctx: &Context<'a>) -> AppResult<&'a UserService> {
    data::<UserService>(ctx)
}

/// A user of the platform.
#[derive(Debug, Clone)]
pub struct User(pub model::User);

fn forbidden(privilege: &str, action: &str) -> AppError {
    AppError::new(
        alkemio_kernel::ErrorStatus::ForbiddenPolicy,
        format!("Authorization: unable to grant '{privilege}' privilege: {action}"),
    )
}

impl User {
    async fn settings_record(
        &self,
        ctx: &Context<'_>,
    ) -> Result<alkemio_contributor::UserSettings, AppError> {
        loaded(
            data::<Loaders>(ctx)?
                .user_settings
                .load_one(self.0.id.0)
                .await,
        )?
        .ok_or_else(|| AppError::internal_msg(format_args!("user {} has no settings", self.0.id)))
    }

    async fn can(&self, ctx: &Context<'_>, privilege: AuthorizationPrivilege) -> AppResult<bool> {
        crate::authorization::can(ctx, self.0.authorization_id, privilege).await
    }
}

#[Object(name = "User")]
impl User {
    /// The user's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }

    /// The user's URL slug.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Last name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// E-mail address; shown only to callers who may read the user's personal data.
    async fn email(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(
            if self.can(ctx, AuthorizationPrivilege::ReadUserPii).await? {
                self.0.email.clone()
            } else {
                NOT_ACCESSIBLE.to_owned()
            },
        )
    }

    /// Phone number; shown only to callers who may read the user's personal data.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(
            if self.can(ctx, AuthorizationPrivilege::ReadUserPii).await? {
                self.0.phone.clone()
            } else {
                Some(NOT_ACCESSIBLE.to_owned())
            },
        )
    }

    /// The kind of actor: always `USER`.
    async fn r#type(&self) -> ActorType {
        ActorType::User
    }

    /// When the user was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When the user last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }

    /// The user's profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }

    /// Where the user's files are stored (needs READ on the user).
    async fn storage_aggregator(&self, ctx: &Context<'_>) -> Result<Option<StorageAggregator>> {
        if !self.can(ctx, AuthorizationPrivilege::Read).await? {
            return Err(AppError::new(
                alkemio_kernel::ErrorStatus::ForbiddenPolicy,
                "Authorization: unable to grant 'read' privilege: read a user's storage",
            )
            .into());
        }
        let Some(id) = self.0.storage_aggregator_id else {
            return Ok(None);
        };
        Ok(Some(StorageAggregator(
            data::<StorageService>(ctx)?.aggregator(id).await?,
        )))
    }

    /// The user's account (to the user and to callers who may read the user's personal data).
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let own = actor(ctx).actor_id() == self.0.id.to_string();
        if !own && !self.can(ctx, AuthorizationPrivilege::ReadUserPii).await? {
            return Ok(None);
        }
        let Some(id) = self.0.account_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.accounts.load_one(id.0).await)?.map(Account))
    }

    /// The user as an actor.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        let found = data::<alkemio_contributor::ActorService>(ctx)?
            .actor(self.0.id.into())
            .await?
            .ok_or_else(|| {
                AppError::internal_msg(format_args!("user {} has no actor", self.0.id))
            })?;
        Ok(Actor(found))
    }

    /// The credentials the user holds.
    async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = users(ctx)?.credential_records(self.0.id.into()).await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }

    /// The user's settings (needs READ_USER_SETTINGS on the user).
    async fn settings(&self, ctx: &Context<'_>) -> Result<UserSettings> {
        if !self
            .can(ctx, AuthorizationPrivilege::ReadUserSettings)
            .await?
        {
            return Err(forbidden("read_user_settings", "read a user's settings").into());
        }
        Ok(UserSettings(self.settings_record(ctx).await?))
    }

    /// Whether other users may send this user messages (needs READ on the user).
    async fn is_contactable(&self, ctx: &Context<'_>) -> Result<bool> {
        if !self.can(ctx, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read", "read a user").into());
        }
        Ok(self.settings_record(ctx).await?.allows_messages())
    }

    /// Whether other users may contact this user by e-mail (needs READ on the user).
    async fn is_contactable_via_email(&self, ctx: &Context<'_>) -> Result<bool> {
        if !self.can(ctx, AuthorizationPrivilege::Read).await? {
            return Err(forbidden("read", "read a user").into());
        }
        Ok(self.settings_record(ctx).await?.allows_email())
    }

    /// The user's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }

    /// How the user signs in, from the identity provider: to the user and platform admins;
    /// others (and users without a linked identity) see only `UNKNOWN`.
    async fn authentication(&self, ctx: &Context<'_>) -> Result<Option<UserAuthenticationResult>> {
        let unknown = UserAuthenticationResult {
            authenticated_at: None,
            created_at: None,
            methods: vec![AuthenticationType::Unknown],
        };
        let own = actor(ctx).actor_id() == self.0.id.to_string();
        let allowed = own
            || data::<alkemio_platform::PlatformService>(ctx)?
                .authorization()
                .await?
                .policy
                .is_granted(
                    &actor(ctx).credentials,
                    AuthorizationPrivilege::PlatformAdmin,
                )?;
        let Some(identity) = self.0.authentication_id.as_deref().filter(|_| allowed) else {
            return Ok(Some(unknown));
        };
        let kratos = &data::<crate::SchemaServices>(ctx)?.kratos;
        match kratos.authentication(identity).await {
            Ok(Some(found)) => {
                use alkemio_authentication::kratos::SignInMethod as M;
                let mut methods: Vec<AuthenticationType> = found
                    .methods
                    .iter()
                    .map(|m| match m {
                        M::Password => AuthenticationType::Email,
                        M::Microsoft => AuthenticationType::Microsoft,
                        M::Linkedin => AuthenticationType::Linkedin,
                        M::Github => AuthenticationType::Github,
                        M::Cleverbase => AuthenticationType::Cleverbase,
                        M::Passkey => AuthenticationType::Passkey,
                    })
                    .collect();
                if methods.is_empty() {
                    methods.push(AuthenticationType::Unknown);
                }
                Ok(Some(UserAuthenticationResult {
                    authenticated_at: found.authenticated_at.map(DateTime),
                    created_at: found.created_at.map(DateTime),
                    methods,
                }))
            }
            Ok(None) => Ok(Some(unknown)),
            Err(e) => {
                tracing::warn!(user.id = %self.0.id, error = ?e, "identity provider unavailable");
                Ok(Some(unknown))
            }
        }
    }
}

/// How a user signs in.
#[derive(Debug, Clone, SimpleObject)]
pub struct UserAuthenticationResult {
    /// The latest sign-in among the user's active sessions.
    pub authenticated_at: Option<DateTime>,
    /// When the user's identity was created.
    pub created_at: Option<DateTime>,
    /// The ways the user can sign in.
    pub methods: Vec<AuthenticationType>,
}

/// A way of signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum AuthenticationType {
    /// Cleverbase (OIDC).
    Cleverbase,
    /// E-mail and password.
    Email,
    /// GitHub (OIDC).
    Github,
    /// LinkedIn (OIDC).
    Linkedin,
    /// Microsoft (OIDC).
    Microsoft,
    /// A passkey.
    Passkey,
    /// Not known (or not shown to this caller).
    Unknown,
}

/// Root query fields of the contributor module.
#[derive(Debug, Default)]
pub struct ContributorQuery;

/// Filter on actors by the credentials they hold.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "ActorFilterInput")]
pub struct ActorFilterInput {
    /// Keep actors holding any of these credential types.
    pub credentials: Option<Vec<AuthorizationCredential>>,
}

/// Filter on users: any given field matches as a case-insensitive substring.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "UserFilterInput")]
pub struct UserFilterInput {
    /// Part of the profile's display name.
    pub display_name: Option<String>,
    /// Part of the e-mail address.
    pub email: Option<String>,
    /// Part of the first name.
    pub first_name: Option<String>,
    /// Part of the last name.
    pub last_name: Option<String>,
}

/// A page of users.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "PaginatedUsers")]
pub struct PaginatedUsers {
    /// Where the page sits in the whole list.
    pub page_info: PageInfo,
    /// How many users match the filter.
    pub total: f64,
    /// The users on this page.
    pub users: Vec<User>,
}

/// Anything that can hold credentials and act on the platform, with its full details.
#[allow(
    clippy::duplicated_attributes,
    reason = "each `field(...)` of the interface repeats `ty` by design"
)]
#[derive(Interface)]
#[graphql(
    name = "ActorFull",
    field(name = "authorization", ty = "Option<Authorization>"),
    field(name = "createdDate", method = "created_date", ty = "DateTime"),
    field(name = "credentials", ty = "Option<Vec<Credential>>"),
    field(name = "id", ty = "UuidScalar"),
    field(name = "nameID", method = "name_id", ty = "NameId"),
    field(name = "profile", ty = "Option<Profile>"),
    field(name = "type", ty = "ActorType"),
    field(name = "updatedDate", method = "updated_date", ty = "DateTime")
)]
pub enum ActorFull {
    /// A user.
    User(User),
    /// An organization.
    Organization(crate::organization::Organization),
    /// A space.
    Space(crate::space::Space),
    /// An account.
    Account(Account),
    /// A virtual contributor.
    VirtualContributor(crate::virtual_contributor::VirtualContributor),
}

/// Actors as their concrete types, in the given order, read in one batch per kind; an actor
/// whose row is gone is left out.
pub(crate) async fn actors_full(
    ctx: &Context<'_>,
    actors: &[(alkemio_kernel::ids::ActorId, ActorType)],
) -> Result<Vec<ActorFull>> {
    let loaders = data::<Loaders>(ctx)?;
    let of = |kind: ActorType| -> Vec<uuid::Uuid> {
        actors
            .iter()
            .filter(|(_, t)| *t == kind)
            .map(|(id, _)| id.0)
            .collect()
    };
    let users = loaded(loaders.users.load_many(of(ActorType::User)).await)?;
    let organizations = loaded(
        loaders
            .organizations
            .load_many(of(ActorType::Organization))
            .await,
    )?;
    let spaces = loaded(loaders.spaces.load_many(of(ActorType::Space)).await)?;
    let accounts = loaded(loaders.accounts.load_many(of(ActorType::Account)).await)?;
    let vcs = loaded(
        loaders
            .virtual_contributors
            .load_many(of(ActorType::VirtualContributor))
            .await,
    )?;
    Ok(actors
        .iter()
        .filter_map(|(id, kind)| match kind {
            ActorType::User => users.get(&id.0).cloned().map(|u| ActorFull::User(User(u))),
            ActorType::Organization => organizations
                .get(&id.0)
                .cloned()
                .map(|o| ActorFull::Organization(crate::organization::Organization(o))),
            ActorType::Space => spaces
                .get(&id.0)
                .cloned()
                .map(|s| ActorFull::Space(crate::space::Space(s))),
            ActorType::Account => accounts
                .get(&id.0)
                .cloned()
                .map(|a| ActorFull::Account(Account(a))),
            ActorType::VirtualContributor => vcs.get(&id.0).cloned().map(|v| {
                ActorFull::VirtualContributor(crate::virtual_contributor::VirtualContributor(v))
            }),
            _ => None,
        })
        .collect())
}

/// Narrows a list of contributors by name.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ContributorFilterInput {
    /// Part of the display name (any case).
    pub display_name: Option<String>,
    /// Part of the NameID (any case).
    #[graphql(name = "nameID")]
    pub name_id: Option<String>,
}

#[Object]
impl ContributorQuery {
    /// The users holding a credential, for one resource or any (needs READ_USERS on the
    /// platform).
    async fn users_with_authorization_credential(
        &self,
        ctx: &Context<'_>,
        credentials_criteria_data: UsersWithAuthorizationCredentialInput,
    ) -> Result<Vec<User>> {
        require_on_platform(ctx, AuthorizationPrivilege::ReadUsers, "list users").await?;
        let input = credentials_criteria_data;
        let resource = resource_text(input.resource_id.as_ref());
        let service = users(ctx)?;
        let ids: Vec<UserId> = service
            .holders_of(input.r#type.credential_type(), resource.as_deref())
            .await?
            .into_iter()
            .filter(|(_, kind)| *kind == ActorType::User)
            .map(|(id, _)| UserId(id.0))
            .collect();
        Ok(service.users(&ids).await?.into_iter().map(User).collect())
    }

    /// The actors holding a credential, for one resource or any, as their concrete types
    /// (needs READ_USERS on the platform).
    async fn actors_with_credential(
        &self,
        ctx: &Context<'_>,
        credential_type: alkemio_authorization::CredentialType,
        #[graphql(name = "resourceID")] resource_id: Option<UuidScalar>,
    ) -> Result<Vec<ActorFull>> {
        require_on_platform(ctx, AuthorizationPrivilege::ReadUsers, "list actors").await?;
        let resource = resource_text(resource_id.as_ref());
        let holders = users(ctx)?
            .holders_of(credential_type, resource.as_deref())
            .await?;
        actors_full(ctx, &holders).await
    }

    /// The caller: its id and, for a user, the user.
    async fn me(&self) -> MeQueryResults {
        MeQueryResults
    }

    /// One user (needs READ_USERS on the platform).
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<User> {
        require_on_platform(ctx, AuthorizationPrivilege::ReadUsers, "read a user").await?;
        let user = users(ctx)?
            .user(UserId(id.0))
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {id} not found")))?;
        Ok(User(user))
    }

    /// Users (needs READ_USERS on the platform): those holding any of the filter's credential
    /// types, or else every user who is not a service profile; narrowed to `IDs` when given;
    /// `limit` keeps that many, at random with `shuffle`.
    async fn users(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActorFilterInput>,
        #[graphql(name = "IDs")] ids: Option<Vec<UuidScalar>>,
        limit: Option<f64>,
        shuffle: Option<bool>,
    ) -> Result<Vec<User>> {
        require_on_platform(ctx, AuthorizationPrivilege::ReadUsers, "list users").await?;
        let types: Option<Vec<&str>> = filter.and_then(|f| f.credentials).map(|cs| {
            cs.into_iter()
                .map(|c| c.credential_type().as_str())
                .collect()
        });
        let ids: Option<Vec<UserId>> =
            ids.map(|ids| ids.into_iter().map(|i| UserId(i.0)).collect());
        let listed = users(ctx)?.list(types.as_deref(), ids.as_deref()).await?;
        Ok(limit_and_shuffle(listed, limit, shuffle.unwrap_or(false))?
            .into_iter()
            .map(User)
            .collect())
    }

    /// Users page by page in the order they joined (needs READ_USERS on the platform).
    #[allow(clippy::too_many_arguments)]
    async fn users_paginated(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<UserFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
        with_tags: Option<bool>,
    ) -> Result<PaginatedUsers> {
        require_on_platform(ctx, AuthorizationPrivilege::ReadUsers, "list users").await?;
        let filter = filter.unwrap_or_default();
        let filter = UserFilter {
            display_name: filter.display_name,
            email: filter.email,
            first_name: filter.first_name,
            last_name: filter.last_name,
            ..UserFilter::default()
        };
        let args = PaginationArgs {
            first,
            after,
            last,
            before,
        };
        let (page, total) = users(ctx)?.page(&filter, with_tags, args).await?;
        #[allow(clippy::cast_precision_loss)]
        let total = total as f64;
        Ok(PaginatedUsers {
            page_info: page.page_info,
            total,
            users: page.items.into_iter().map(User).collect(),
        })
    }

    /// An actor by id, as its concrete type; null when there is none (needs READ on it).
    async fn actor(&self, ctx: &Context<'_>, id: UuidScalar) -> Result<Option<ActorFull>> {
        let service = users(ctx)?;
        let Some(found) = service
            .actors()
            .actor(alkemio_kernel::ids::ActorId(id.0))
            .await?
        else {
            return Ok(None);
        };
        let resolved = match found.actor_type {
            ActorType::User => service
                .user(UserId(id.0))
                .await?
                .map(|u| (u.authorization_id, ActorFull::User(User(u)))),
            ActorType::Organization => data::<alkemio_organization::OrganizationService>(ctx)?
                .get(alkemio_kernel::ids::ActorId(id.0))
                .await?
                .map(|o| {
                    (
                        o.authorization_id,
                        ActorFull::Organization(crate::organization::Organization(o)),
                    )
                }),
            ActorType::Account => service
                .account(alkemio_kernel::ids::ActorId(id.0))
                .await?
                .map(|a| (a.authorization_id, ActorFull::Account(Account(a)))),
            ActorType::Space => data::<alkemio_space::SpaceService>(ctx)?
                .get(alkemio_kernel::ids::ActorId(id.0))
                .await?
                .map(|s| (s.authorization_id, ActorFull::Space(crate::space::Space(s)))),
            ActorType::VirtualContributor => {
                data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
                    .many(&[id.0])
                    .await?
                    .remove(&id.0)
                    .map(|v| {
                        (
                            v.authorization_id,
                            ActorFull::VirtualContributor(
                                crate::virtual_contributor::VirtualContributor(v),
                            ),
                        )
                    })
            }
            _ => None,
        };
        let Some((policy, resolved)) = resolved else {
            return Ok(None);
        };
        require_on(ctx, policy, AuthorizationPrivilege::Read, "read an actor").await?;
        Ok(Some(resolved))
    }
}

/// What the caller can learn about itself.
#[derive(Debug, Clone, Copy)]
pub struct MeQueryResults;

#[Object(name = "MeQueryResults")]
impl MeQueryResults {
    /// `me-` followed by the caller's actor id (empty for anonymous callers and guests).
    async fn id(&self, ctx: &Context<'_>) -> String {
        format!("me-{}", actor(ctx).actor_id())
    }

    /// The calling user; null for anonymous callers and guests.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let ActorKind::Authenticated { actor_id } = actor(ctx).kind else {
            return Ok(None);
        };
        let user = users(ctx)?
            .user(UserId(actor_id))
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {actor_id} not found")))?;
        Ok(Some(User(user)))
    }

    /// The caller's applications, in every state or only in the given ones (`new`,
    /// `approved`, `rejected`, `archived`).
    async fn community_applications(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<String>>,
    ) -> Result<Vec<crate::entry::CommunityApplicationResult>> {
        crate::entry::my_applications(ctx, states).await
    }

    /// The invitations the caller can act on (their own and their organizations'), in every
    /// state or only in the given ones (`invited`, `accepted`, `rejected`, `archived`).
    async fn community_invitations(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<String>>,
    ) -> Result<Vec<crate::entry::CommunityInvitationResult>> {
        crate::entry::my_invitations(ctx, states).await
    }

    /// The caller's conversations.
    async fn conversations(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::communication::MeConversationsResult> {
        crate::communication::my_conversations(ctx).await
    }

    /// The spaces where the caller holds a role and was last active, newest activity first,
    /// each with that activity (at most `limit`, default 20).
    async fn my_spaces(
        &self,
        ctx: &Context<'_>,
        limit: Option<f64>,
    ) -> Result<Vec<crate::activity::MySpaceResults>> {
        crate::activity::my_spaces(ctx, limit).await
    }

    /// Every space the caller belongs to, at every level (archived ones left out).
    async fn space_memberships_flat(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::membership::CommunityMembershipResult>> {
        crate::membership::memberships_flat(ctx).await
    }

    /// The caller's L0 spaces (the first `limit` when given), each with the caller's
    /// subspaces nested below it.
    async fn space_memberships_hierarchical(
        &self,
        ctx: &Context<'_>,
        limit: Option<f64>,
    ) -> Result<Vec<crate::membership::CommunityMembershipResult>> {
        crate::membership::memberships_hierarchical(ctx, limit).await
    }

    /// The caller's in-app notifications that are not archived, newest first.
    #[allow(clippy::too_many_arguments)]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        after: Option<UuidScalar>,
        before: Option<UuidScalar>,
        filter: Option<crate::notification::NotificationEventsFilterInput>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<crate::notification::PaginatedInAppNotifications> {
        crate::notification::my_notifications(ctx, after, before, filter, first, last).await
    }

    /// How many of the caller's in-app notifications are unread.
    async fn notifications_unread_count(&self, ctx: &Context<'_>) -> Result<f64> {
        crate::notification::my_unread_count(ctx).await
    }

    /// How many invitations `communityInvitations` lists.
    async fn community_invitations_count(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<String>>,
    ) -> Result<f64> {
        #[allow(clippy::cast_precision_loss)]
        Ok(crate::entry::my_invitations(ctx, states).await?.len() as f64)
    }
}

/// A user's settings.
#[derive(Debug, Clone)]
pub struct UserSettings(pub alkemio_contributor::UserSettings);

impl UserSettings {
    fn part<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, AppError> {
        serde_json::from_value(self.0.document[key].clone()).map_err(|e| {
            AppError::internal_msg(format_args!(
                "settings {} of user {}: {key}: {e}",
                self.0.id, self.0.user_id
            ))
        })
    }
}

#[Object(name = "UserSettings")]
impl UserSettings {
    /// The settings' id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Privacy choices.
    async fn privacy(&self) -> Result<ust::UserSettingsPrivacy> {
        Ok(self.part("privacy")?)
    }
    /// Who may contact the user and how.
    async fn communication(&self) -> Result<ust::UserSettingsCommunication> {
        Ok(self.part("communication")?)
    }
    /// Which notifications the user receives, per event and channel.
    async fn notification(&self) -> Result<ust::UserSettingsNotification> {
        Ok(self.part("notification")?)
    }
    /// The space the user starts in.
    async fn home_space(&self) -> Result<ust::UserSettingsHomeSpace> {
        Ok(self.part("homeSpace")?)
    }
    /// The web assistant's capabilities the user enabled.
    async fn assistant(&self) -> Result<ust::UserSettingsAssistant> {
        Ok(self.part("assistant")?)
    }
    /// Which version of the client's design the user uses.
    async fn design_version(&self) -> i32 {
        self.0.document["designVersion"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(2)
    }
    /// The settings' authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
    /// When the settings were created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When the settings last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Which user's settings to change, and how.
#[derive(Debug, async_graphql::InputObject)]
pub struct UpdateUserSettingsInput {
    /// The user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
    /// The changes.
    pub settings: ust::UpdateUserSettingsEntityInput,
}

/// Contributor mutations.
#[derive(Debug, Default)]
pub struct ContributorMutation;

/// Changes to a user.
#[derive(Debug, InputObject)]
pub struct UpdateUserInput {
    /// Which user.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New phone number.
    pub phone: Option<String>,
    /// Profile changes.
    pub profile_data: Option<crate::profile::UpdateProfileInput>,
    /// Whether this user is a service account.
    pub service_profile: Option<bool>,
}

/// Platform-managed details of a user.
#[derive(Debug, InputObject)]
pub struct UpdateUserPlatformSettingsInput {
    /// New e-mail address.
    pub email: Option<String>,
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Which user (its id).
    #[graphql(name = "userID")]
    pub user_id: String,
}

/// A user created by an administrator.
#[derive(Debug, InputObject)]
pub struct CreateUserInput {
    /// E-mail address (unique).
    pub email: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// URL slug (generated from the names when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Phone number.
    pub phone: Option<String>,
    /// The profile to start with.
    pub profile_data: crate::organization::CreateProfileInput,
}

/// A credential to grant a user.
#[derive(Debug, InputObject)]
pub struct GrantAuthorizationCredentialInput {
    /// The resource (none for global credentials).
    #[graphql(name = "resourceID")]
    pub resource_id: Option<UuidScalar>,
    /// Its type.
    pub r#type: AuthorizationCredential,
    /// Which user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
}

/// A credential to take from a user.
#[derive(Debug, InputObject)]
pub struct RevokeAuthorizationCredentialInput {
    /// The resource (empty for global credentials).
    #[graphql(name = "resourceID")]
    pub resource_id: String,
    /// Its type.
    pub r#type: AuthorizationCredential,
    /// Which user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
}

/// A credential to grant an organization.
#[derive(Debug, InputObject)]
pub struct GrantOrganizationAuthorizationCredentialInput {
    /// Which organization.
    #[graphql(name = "organizationID")]
    pub organization_id: UuidScalar,
    /// The resource (none for global credentials).
    #[graphql(name = "resourceID")]
    pub resource_id: Option<UuidScalar>,
    /// Its type.
    pub r#type: AuthorizationCredential,
}

/// A credential to take from an organization.
#[derive(Debug, InputObject)]
pub struct RevokeOrganizationAuthorizationCredentialInput {
    /// Which organization.
    #[graphql(name = "organizationID")]
    pub organization_id: UuidScalar,
    /// The resource (none for global credentials).
    #[graphql(name = "resourceID")]
    pub resource_id: Option<UuidScalar>,
    /// Its type.
    pub r#type: AuthorizationCredential,
}

/// Which credential to look for.
#[derive(Debug, InputObject)]
pub struct UsersWithAuthorizationCredentialInput {
    /// The resource (any when absent).
    #[graphql(name = "resourceID")]
    pub resource_id: Option<UuidScalar>,
    /// Its type.
    pub r#type: AuthorizationCredential,
}

/// Whose policy to recompute.
#[derive(Debug, InputObject)]
pub struct UserAuthorizationResetInput {
    /// Which user.
    #[graphql(name = "userID")]
    pub user_id: UuidScalar,
}

/// Only global admins may grant or revoke credentials of users and organizations.
fn require_global_admin(ctx: &Context<'_>, action: &str) -> AppResult<()> {
    use alkemio_authorization::{Credential as C, CredentialRule, CredentialType};
    let mut policy = alkemio_authorization::repo::new_policy(
        alkemio_authorization::AuthorizationPolicyType::Platform,
    );
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-globalAdminsGrant",
        vec![C::global(CredentialType::GlobalAdmin)],
        &[AuthorizationPrivilege::GrantGlobalAdmins],
    )]);
    let caller = actor(ctx);
    alkemio_authorization::grant_access_or_fail(
        &caller.actor_id(),
        &caller.credentials,
        Some(&policy),
        AuthorizationPrivilege::GrantGlobalAdmins,
        action,
    )
}

fn resource_text(resource: Option<&UuidScalar>) -> Option<String> {
    resource.map(|r| r.0.to_string())
}

/// Grants (or revokes) a credential of a user or an organization directly: global admins
/// only; a global credential takes no resource.
async fn change_credential(
    ctx: &Context<'_>,
    actor_id: uuid::Uuid,
    kind: ActorType,
    credential: AuthorizationCredential,
    resource: Option<String>,
    grant: bool,
) -> AppResult<()> {
    require_global_admin(
        ctx,
        if grant {
            "grant a credential"
        } else {
            "revoke a credential"
        },
    )?;
    let credential = credential.credential_type();
    alkemio_contributor::admin::check_global_without_resource(credential, resource.as_deref())?;
    let id = alkemio_kernel::ids::ActorId(actor_id);
    let service = users(ctx)?;
    if grant {
        service
            .grant_credential_directly(id, Some(kind), credential, resource.as_deref())
            .await?;
    } else {
        service
            .revoke_credential_directly(id, Some(kind), credential, resource.as_deref())
            .await?;
    }
    Ok(())
}

/// Which user to delete.
#[derive(Debug, InputObject)]
pub struct DeleteUserInput {
    /// Also delete the user's identity at the identity provider.
    #[graphql(default_with = "Some(true)")]
    pub delete_identity: Option<bool>,
    /// Which user.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

#[Object]
impl ContributorMutation {
    /// Registers a user on someone's behalf (needs CREATE on the platform); platform
    /// invitations to the e-mail address are honoured as at self-registration.
    async fn create_user(&self, ctx: &Context<'_>, user_data: CreateUserInput) -> Result<User> {
        require_on_platform(ctx, AuthorizationPrivilege::Create, "create a user").await?;
        let (profile, avatar_uri) = user_data.profile_data.into_new_profile()?;
        let user = users(ctx)?
            .create(
                model::NewUser {
                    email: user_data.email,
                    first_name: user_data.first_name.unwrap_or_default(),
                    last_name: user_data.last_name.unwrap_or_default(),
                    authentication_id: None,
                },
                model::UserDetails {
                    name_id: user_data.name_id.map(|n| n.as_str().to_owned()),
                    phone: user_data.phone,
                    profile: Some(profile),
                    avatar_uri,
                },
            )
            .await?;
        Ok(User(user))
    }

    /// Grants a credential to a user directly, outside any role set (global admins only; a
    /// global credential takes no resource).
    async fn grant_credential_to_user(
        &self,
        ctx: &Context<'_>,
        grant_credential_data: GrantAuthorizationCredentialInput,
    ) -> Result<User> {
        let input = grant_credential_data;
        let resource = resource_text(input.resource_id.as_ref());
        let user = input.user_id.0;
        change_credential(ctx, user, ActorType::User, input.r#type, resource, true).await?;
        user_or_fail(users(ctx)?, user).await
    }

    /// Takes a directly granted credential from a user (global admins only; the last global
    /// admin keeps theirs).
    async fn revoke_credential_from_user(
        &self,
        ctx: &Context<'_>,
        revoke_credential_data: RevokeAuthorizationCredentialInput,
    ) -> Result<User> {
        let input = revoke_credential_data;
        let resource = Some(input.resource_id.trim().to_owned()).filter(|r| !r.is_empty());
        let user = input.user_id.0;
        change_credential(ctx, user, ActorType::User, input.r#type, resource, false).await?;
        user_or_fail(users(ctx)?, user).await
    }

    /// Grants a credential to an organization directly (global admins only).
    async fn grant_credential_to_organization(
        &self,
        ctx: &Context<'_>,
        grant_credential_data: GrantOrganizationAuthorizationCredentialInput,
    ) -> Result<crate::organization::Organization> {
        let input = grant_credential_data;
        let resource = resource_text(input.resource_id.as_ref());
        let org = input.organization_id.0;
        change_credential(
            ctx,
            org,
            ActorType::Organization,
            input.r#type,
            resource,
            true,
        )
        .await?;
        organization_or_fail(ctx, org).await
    }

    /// Takes a directly granted credential from an organization (global admins only).
    async fn revoke_credential_from_organization(
        &self,
        ctx: &Context<'_>,
        revoke_credential_data: RevokeOrganizationAuthorizationCredentialInput,
    ) -> Result<crate::organization::Organization> {
        let input = revoke_credential_data;
        let resource = resource_text(input.resource_id.as_ref());
        let org = input.organization_id.0;
        change_credential(
            ctx,
            org,
            ActorType::Organization,
            input.r#type,
            resource,
            false,
        )
        .await?;
        organization_or_fail(ctx, org).await
    }

    /// Grants any credential to any actor directly (needs PLATFORM_ADMIN on the platform).
    async fn grant_credential_to_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "actorID")] actor_id: UuidScalar,
        credential_type: alkemio_authorization::CredentialType,
        #[graphql(name = "resourceID")] resource_id: Option<UuidScalar>,
    ) -> Result<Credential> {
        require_on_platform(
            ctx,
            AuthorizationPrivilege::PlatformAdmin,
            "grant a credential",
        )
        .await?;
        let resource = resource_text(resource_id.as_ref());
        let (_, record) = users(ctx)?
            .grant_credential_directly(
                alkemio_kernel::ids::ActorId(actor_id.0),
                None,
                credential_type,
                resource.as_deref(),
            )
            .await?;
        Ok(Credential(record))
    }

    /// Takes a credential from any actor (needs PLATFORM_ADMIN on the platform); whether it
    /// was held.
    async fn revoke_credential_from_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "actorID")] actor_id: UuidScalar,
        credential_type: alkemio_authorization::CredentialType,
        #[graphql(name = "resourceID")] resource_id: Option<UuidScalar>,
    ) -> Result<bool> {
        require_on_platform(
            ctx,
            AuthorizationPrivilege::PlatformAdmin,
            "revoke a credential",
        )
        .await?;
        let resource = resource_text(resource_id.as_ref());
        let (_, held) = users(ctx)?
            .revoke_credential_directly(
                alkemio_kernel::ids::ActorId(actor_id.0),
                None,
                credential_type,
                resource.as_deref(),
            )
            .await?;
        Ok(held)
    }

    /// Recomputes a user's authorization policy and its parts (needs AUTHORIZATION_RESET on
    /// the user).
    async fn authorization_policy_reset_on_user(
        &self,
        ctx: &Context<'_>,
        authorization_reset_data: UserAuthorizationResetInput,
    ) -> Result<User> {
        let service = users(ctx)?;
        let id = authorization_reset_data.user_id.0;
        let user = user_or_fail(service, id).await?;
        require_on(
            ctx,
            user.0.authorization_id,
            AuthorizationPrivilege::AuthorizationReset,
            "reset the authorization of a user",
        )
        .await?;
        service.reset_authorization(UserId(id)).await?;
        user_or_fail(service, id).await
    }

    /// Changes a user's names, phone, NameID, service-profile flag and profile (needs UPDATE
    /// on the user).
    async fn update_user(&self, ctx: &Context<'_>, user_data: UpdateUserInput) -> Result<User> {
        let update = alkemio_contributor::service::UserUpdate {
            id: UserId(user_data.id.0),
            name_id: user_data.name_id.map(|n| n.as_str().to_owned()),
            first_name: user_data.first_name,
            last_name: user_data.last_name,
            phone: user_data.phone,
            service_profile: user_data.service_profile,
            profile: user_data.profile_data.map(Into::into),
        };
        Ok(User(users(ctx)?.update_user(&actor(ctx), update).await?))
    }

    /// Changes a user's NameID and e-mail address (needs PLATFORM_ADMIN on the user).
    async fn update_user_platform_settings(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateUserPlatformSettingsInput,
    ) -> Result<User> {
        let id = uuid::Uuid::parse_str(update_data.user_id.trim()).map_err(|_| {
            AppError::new(
                alkemio_kernel::ErrorStatus::InvalidUuid,
                format!("Not a user id: {}", update_data.user_id),
            )
        })?;
        let user = users(ctx)?
            .update_platform_settings(
                &actor(ctx),
                UserId(id),
                update_data.name_id.map(|n| n.as_str().to_owned()),
                update_data.email,
            )
            .await?;
        Ok(User(user))
    }

    /// Deletes a user with everything it owns: profile, files, settings, credentials and its
    /// account (needs DELETE on the user: the user itself or a global admin). With
    /// `deleteIdentity` the identity at the identity provider goes too; a failure there is
    /// logged, as the user is already gone.
    async fn delete_user(&self, ctx: &Context<'_>, delete_data: DeleteUserInput) -> Result<User> {
        // The user's applications and invitations go with the user; their policies after it.
        let entry = data::<alkemio_space::EntryService>(ctx)?;
        let left = entry.policies_of_actors(&[delete_data.id.0]).await?;
        let deleted = users(ctx)?
            .delete_user(&actor(ctx), UserId(delete_data.id.0))
            .await?;
        entry.delete_policies(&left).await?;
        data::<alkemio_communication::conversation::ConversationService>(ctx)?
            .forget_actor(deleted.id.into())
            .await?;
        if let Some(account) = deleted.account_id {
            crate::account::delete_hosted(ctx, account).await?;
        }
        if delete_data.delete_identity.unwrap_or(true)
            && let Some(identity) = deleted.authentication_id.as_deref()
        {
            let kratos = &data::<crate::SchemaServices>(ctx)?.kratos;
            if let Err(e) = kratos.delete_identity(identity).await {
                tracing::warn!(user.id = %deleted.id, error = ?e, "identity of a deleted user not deleted");
            }
        }
        Ok(User(deleted))
    }

    /// Changes a user's settings (needs UPDATE on the user).
    async fn update_user_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdateUserSettingsInput,
    ) -> Result<User> {
        let patch = serde_json::to_value(&settings_data.settings)
            .map_err(|e| AppError::internal_msg(format_args!("{e}")))?;
        let user = users(ctx)?
            .update_settings(&actor(ctx), UserId(settings_data.user_id.0), patch)
            .await?;
        Ok(User(user))
    }
}

/// An actor: a user, organization, virtual contributor, space or account, as one kind of object.
#[derive(Debug, Clone)]
pub struct Actor(pub alkemio_contributor::Actor);

#[Object(name = "Actor")]
impl Actor {
    /// The actor's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }
    /// The actor's URL slug.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }
    /// What kind of actor it is.
    async fn r#type(&self) -> ActorType {
        self.0.actor_type
    }
    /// The actor's profile.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }
    /// The credentials the actor holds.
    async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = users(ctx)?.credential_records(self.0.id).await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }
    /// The actor's authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        let Some(id) = self.0.authorization_id else {
            return Ok(None);
        };
        Ok(load_policy(ctx, id).await?.map(Authorization))
    }
    /// When the actor was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When the actor last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A credential an actor holds.
#[derive(Debug, Clone)]
pub struct Credential(pub alkemio_contributor::repo::CredentialRecord);

#[Object(name = "Credential")]
impl Credential {
    /// The credential's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its type.
    async fn r#type(&self) -> alkemio_authorization::CredentialType {
        self.0.credential.credential_type
    }
    /// The resource it is for (empty for global credentials).
    #[graphql(name = "resourceID")]
    async fn resource_id(&self) -> &str {
        &self.0.credential.resource_id
    }
    /// Who issued it.
    async fn issuer(&self) -> Option<UuidScalar> {
        self.0.issuer.map(UuidScalar)
    }
    /// When it expires, in milliseconds since the epoch.
    async fn expires(&self) -> Option<f64> {
        self.0.expires.map(|e| e.timestamp_millis() as f64)
    }
    /// When it was granted.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

async fn user_or_fail(service: &UserService, id: uuid::Uuid) -> Result<User> {
    Ok(User(service.user(UserId(id)).await?.ok_or_else(|| {
        AppError::not_found(format!("Unable to find user with ID: {id}"))
    })?))
}

async fn organization_or_fail(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> Result<crate::organization::Organization> {
    Ok(crate::organization::Organization(
        data::<alkemio_organization::OrganizationService>(ctx)?
            .get_or_fail(alkemio_kernel::ids::ActorId(id))
            .await?,
    ))
}
