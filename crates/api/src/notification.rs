//! GraphQL of notifications (module `alkemio-notification`): `me.notifications`, the in-app
//! notification types and payloads, the state mutations, pruning, and the subscriptions
//! `inAppNotificationReceived` and `notificationsUnreadCount`.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::AppError;
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::pagination::{PageInfo, PaginationArgs};
use alkemio_kernel::scalars::{DateTime, UuidScalar};
use alkemio_notification::{
    InAppNotification as Model, Live, NotificationEvent, NotificationEventCategory,
    NotificationEventInAppState, NotificationEventPayload, NotificationService,
};
use async_graphql::{Context, InputObject, Interface, Object, Result, SimpleObject, Subscription};
use serde_json::Value;
use uuid::Uuid;

use crate::context::{actor, data};
use crate::contributor::{Actor, User};
use crate::entry::Application;
use crate::loaders::{Loaders, loaded};
use crate::space::Space;

fn service<'a>(ctx: &Context<'a>) -> Result<&'a NotificationService, AppError> {
    data::<NotificationService>(ctx)
}

/// Which notifications to include.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "NotificationEventsFilterInput")]
pub struct NotificationEventsFilterInput {
    /// Only these types (all when absent or empty).
    pub types: Option<Vec<NotificationEvent>>,
}

/// A notification's new state.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "UpdateNotificationStateInput")]
pub struct UpdateNotificationStateInput {
    /// The notification.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Its new state.
    pub state: NotificationEventInAppState,
}

/// A page of in-app notifications.
#[derive(Debug, SimpleObject)]
#[graphql(name = "PaginatedInAppNotifications")]
pub struct PaginatedInAppNotifications {
    /// The notifications, newest first.
    pub in_app_notifications: Vec<InAppNotification>,
    /// Where the page sits.
    pub page_info: PageInfo,
    /// All the caller's matching notifications that are not archived.
    pub total: f64,
}

/// What a prune removed.
#[derive(Debug, SimpleObject)]
#[graphql(name = "PruneInAppNotificationAdminResult")]
pub struct PruneInAppNotificationAdminResult {
    /// Removed because a user had more than the maximum.
    pub removed_count_exceeding_user_limit: i32,
    /// Removed because they were older than the retention period.
    pub removed_count_outside_retention_period: i32,
}

pub(crate) async fn my_notifications(
    ctx: &Context<'_>,
    after: Option<UuidScalar>,
    before: Option<UuidScalar>,
    filter: Option<NotificationEventsFilterInput>,
    first: Option<i32>,
    last: Option<i32>,
) -> Result<PaginatedInAppNotifications> {
    let (page, total) = service(ctx)?
        .page(
            &actor(ctx),
            filter.and_then(|f| f.types),
            PaginationArgs {
                first,
                after,
                last,
                before,
            },
        )
        .await?;
    #[allow(clippy::cast_precision_loss)]
    Ok(PaginatedInAppNotifications {
        in_app_notifications: page.items.into_iter().map(InAppNotification).collect(),
        page_info: page.page_info,
        total: total as f64,
    })
}

pub(crate) async fn my_unread_count(ctx: &Context<'_>) -> Result<f64> {
    #[allow(clippy::cast_precision_loss)]
    Ok(service(ctx)?.unread_count(&actor(ctx)).await? as f64)
}

/// An in-app notification.
#[derive(Debug, Clone)]
pub struct InAppNotification(pub Model);

fn uuid_at(payload: &Value, key: &str) -> Result<Uuid, AppError> {
    payload
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| AppError::internal_msg(format_args!("notification payload lacks {key}")))
}

fn string_at(payload: &Value, key: &str) -> String {
    payload
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

async fn load_actor(ctx: &Context<'_>, id: Uuid) -> Result<Option<Actor>> {
    Ok(data::<alkemio_contributor::ActorService>(ctx)?
        .actor(ActorId(id))
        .await?
        .map(Actor))
}

/// The space a payload names, only where the caller may read its about (a receiver who has
/// lost access since does not read the space through an old notification).
async fn load_space(ctx: &Context<'_>, id: Uuid) -> Result<Space> {
    let space = data::<alkemio_space::SpaceService>(ctx)?
        .get(ActorId(id))
        .await?
        .ok_or_else(|| AppError::not_found(format!("Space {id} not found")))?;
    crate::space::require_read_about(ctx, &space).await?;
    Ok(Space(space))
}

#[Object(name = "InAppNotification")]
impl InAppNotification {
    /// The notification's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// What happened.
    async fn r#type(&self) -> NotificationEvent {
        self.0.event
    }
    /// Who it is for, broadly.
    async fn category(&self) -> NotificationEventCategory {
        self.0.category
    }
    /// Read, unread or archived.
    async fn state(&self) -> NotificationEventInAppState {
        self.0.state
    }
    /// When the change happened.
    async fn triggered_at(&self) -> DateTime {
        DateTime(self.0.triggered_at)
    }
    /// When the notification was stored.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When its state last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
    /// The user it is for.
    async fn receiver(&self, ctx: &Context<'_>) -> Result<Actor> {
        load_actor(ctx, self.0.receiver_id).await?.ok_or_else(|| {
            AppError::not_found(format!("Receiver {} not found", self.0.receiver_id)).into()
        })
    }
    /// Who made the change (null when unknown or gone).
    async fn triggered_by(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        match self.0.triggered_by {
            Some(id) => load_actor(ctx, id).await,
            None => Ok(None),
        }
    }
    /// What it is about.
    async fn payload(&self) -> Result<InAppNotificationPayload> {
        let p = &self.0.payload;
        let kind = string_at(p, "type");
        let kind: NotificationEventPayload = kind
            .parse()
            .map_err(|_| AppError::internal_msg(format_args!("unknown payload type {kind}")))?;
        use NotificationEventPayload as T;
        Ok(match kind {
            T::User => InAppNotificationPayload::PlatformUser(PayloadPlatformUser { kind }),
            T::PlatformUserProfileRemoved => {
                InAppNotificationPayload::PlatformUserProfileRemoved(PayloadUserProfileRemoved {
                    kind,
                    user_display_name: string_at(p, "userDisplayName"),
                    user_email: string_at(p, "userEmail"),
                })
            }
            T::PlatformGlobalRoleChange => {
                InAppNotificationPayload::PlatformGlobalRoleChange(PayloadGlobalRoleChange {
                    kind,
                    user_id: uuid_at(p, "userID")?,
                    role: string_at(p, "roleName"),
                })
            }
            T::Space => InAppNotificationPayload::Space(PayloadSpace {
                kind,
                space_id: uuid_at(p, "spaceID")?,
            }),
            T::SpaceCommunityApplication => {
                InAppNotificationPayload::SpaceCommunityApplication(PayloadApplication {
                    kind,
                    space_id: uuid_at(p, "spaceID")?,
                    application_id: uuid_at(p, "applicationID")?,
                })
            }
            T::SpaceCommunityActor => InAppNotificationPayload::SpaceCommunityActor(PayloadActor {
                kind,
                space_id: uuid_at(p, "spaceID")?,
                actor_id: uuid_at(p, "actorID")?,
            }),
            T::UserMessageDirect => {
                InAppNotificationPayload::UserMessageDirect(PayloadUserMessage {
                    kind,
                    user_id: uuid_at(p, "userID")?,
                    message: string_at(p, "message"),
                })
            }
            T::OrganizationMessageDirect => {
                InAppNotificationPayload::OrganizationMessageDirect(PayloadOrganizationMessage {
                    kind,
                    organization_id: uuid_at(p, "organizationID")?,
                    message: string_at(p, "message"),
                })
            }
            T::SpaceCommunicationMessageDirect => {
                InAppNotificationPayload::SpaceCommunicationMessageDirect(PayloadSpaceMessage {
                    kind,
                    space_id: uuid_at(p, "spaceID")?,
                    message: string_at(p, "message"),
                })
            }
            T::SpaceCommunicationUpdate => {
                InAppNotificationPayload::SpaceCommunicationUpdate(PayloadCommunicationUpdate {
                    kind,
                    space_id: uuid_at(p, "spaceID")?,
                    update: string_at(p, "update"),
                })
            }
            T::SpaceCollaborationCallout => {
                InAppNotificationPayload::SpaceCollaborationCallout(PayloadCallout {
                    kind,
                    space_id: uuid_at(p, "spaceID")?,
                    callout_id: uuid_at(p, "calloutID")?,
                })
            }
            T::SpaceCommunityInvitation => {
                InAppNotificationPayload::SpaceCommunityInvitation(PayloadInvitation {
                    kind,
                    space_id: uuid_at(p, "spaceID")?,
                })
            }
            T::PlatformForumDiscussion => {
                let d = &p["discussion"];
                InAppNotificationPayload::PlatformForumDiscussion(PayloadForumDiscussion {
                    kind,
                    comment: p["comment"].as_str().map(str::to_owned),
                    discussion: DiscussionDetails {
                        id: string_at(d, "id"),
                        display_name: string_at(d, "displayName"),
                        description: d["description"].as_str().map(str::to_owned),
                        category: d["category"].as_str().map(str::to_owned),
                        url: string_at(d, "url"),
                    },
                })
            }
            other => {
                return Err(AppError::internal_msg(format_args!(
                    "no GraphQL type for payload {}",
                    other.graphql_name()
                ))
                .into());
            }
        })
    }
}

/// What an in-app notification is about.
#[derive(Interface)]
#[graphql(
    name = "InAppNotificationPayload",
    field(name = "type", ty = "NotificationEventPayload")
)]
pub enum InAppNotificationPayload {
    /// A user (a new registration).
    PlatformUser(PayloadPlatformUser),
    /// A removed user.
    PlatformUserProfileRemoved(PayloadUserProfileRemoved),
    /// A platform role change.
    PlatformGlobalRoleChange(PayloadGlobalRoleChange),
    /// A forum discussion (started, or commented on).
    PlatformForumDiscussion(PayloadForumDiscussion),
    /// A space.
    Space(PayloadSpace),
    /// An application to a space.
    SpaceCommunityApplication(PayloadApplication),
    /// A new member of a space.
    SpaceCommunityActor(PayloadActor),
    /// An invitation to a space.
    SpaceCommunityInvitation(PayloadInvitation),
    /// An update sent to a space's community.
    SpaceCommunicationUpdate(PayloadCommunicationUpdate),
    /// A message to a user.
    UserMessageDirect(PayloadUserMessage),
    /// A message to an organization.
    OrganizationMessageDirect(PayloadOrganizationMessage),
    /// A message to a space's leads.
    SpaceCommunicationMessageDirect(PayloadSpaceMessage),
    /// A published callout.
    SpaceCollaborationCallout(PayloadCallout),
}

/// Payload of a published callout.
pub struct PayloadCallout {
    kind: NotificationEventPayload,
    space_id: Uuid,
    callout_id: Uuid,
}

#[Object(name = "InAppNotificationPayloadSpaceCollaborationCallout")]
impl PayloadCallout {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
    /// The callout (needs READ on it).
    async fn callout(&self, ctx: &Context<'_>) -> Result<crate::collaboration::Callout> {
        crate::collaboration::lookup_callout(ctx, self.callout_id).await
    }
}

/// Payload of a message to a user.
pub struct PayloadUserMessage {
    kind: NotificationEventPayload,
    user_id: Uuid,
    message: String,
}

#[Object(name = "InAppNotificationPayloadUserMessageDirect")]
impl PayloadUserMessage {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The user the message was sent to (null when gone).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(self.user_id).await)?.map(User))
    }
    /// The message.
    async fn message(&self) -> &str {
        &self.message
    }
}

/// Payload of a message to an organization.
pub struct PayloadOrganizationMessage {
    kind: NotificationEventPayload,
    organization_id: Uuid,
    message: String,
}

#[Object(name = "InAppNotificationPayloadOrganizationMessageDirect")]
impl PayloadOrganizationMessage {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The organization the message was sent to (null when gone).
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::organization::Organization>> {
        Ok(loaded(
            data::<Loaders>(ctx)?
                .organizations
                .load_one(self.organization_id)
                .await,
        )?
        .map(crate::organization::Organization))
    }
    /// The message.
    async fn message(&self) -> &str {
        &self.message
    }
}

/// Payload of a message to a space's leads.
pub struct PayloadSpaceMessage {
    kind: NotificationEventPayload,
    space_id: Uuid,
    message: String,
}

#[Object(name = "InAppNotificationPayloadSpaceCommunicationMessageDirect")]
impl PayloadSpaceMessage {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space whose leads were written to.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
    /// The message.
    async fn message(&self) -> &str {
        &self.message
    }
}

/// Payload of an update sent to a space's community.
pub struct PayloadCommunicationUpdate {
    kind: NotificationEventPayload,
    space_id: Uuid,
    update: String,
}

#[Object(name = "InAppNotificationPayloadSpaceCommunicationUpdate")]
impl PayloadCommunicationUpdate {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
    /// The update's text.
    async fn update(&self) -> &str {
        &self.update
    }
}

/// Payload naming a user.
pub struct PayloadPlatformUser {
    kind: NotificationEventPayload,
}

#[Object(name = "InAppNotificationPayloadPlatformUser")]
impl PayloadPlatformUser {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
}

/// Payload of a removed user (kept as text: the user is gone).
pub struct PayloadUserProfileRemoved {
    kind: NotificationEventPayload,
    user_display_name: String,
    user_email: String,
}

#[Object(name = "InAppNotificationPayloadPlatformUserProfileRemoved")]
impl PayloadUserProfileRemoved {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The removed user's name.
    async fn user_display_name(&self) -> &str {
        &self.user_display_name
    }
    /// The removed user's e-mail.
    async fn user_email(&self) -> &str {
        &self.user_email
    }
}

/// Payload of a platform role change.
pub struct PayloadGlobalRoleChange {
    kind: NotificationEventPayload,
    user_id: Uuid,
    role: String,
}

#[Object(name = "InAppNotificationPayloadPlatformGlobalRoleChange")]
impl PayloadGlobalRoleChange {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The role.
    async fn role(&self) -> &str {
        &self.role
    }
    /// Whose role changed (null when the user is gone).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(data::<alkemio_contributor::UserService>(ctx)?
            .user(UserId(self.user_id))
            .await?
            .map(User))
    }
}

/// What a notification tells of a forum discussion.
#[derive(Debug, Clone, SimpleObject)]
pub struct DiscussionDetails {
    /// Its id.
    pub id: String,
    /// Its title.
    pub display_name: String,
    /// Its text.
    pub description: Option<String>,
    /// Its category (the stored value).
    pub category: Option<String>,
    /// Where it is.
    pub url: String,
}

/// Payload of a forum discussion notification.
pub struct PayloadForumDiscussion {
    kind: NotificationEventPayload,
    comment: Option<String>,
    discussion: DiscussionDetails,
}

#[Object(name = "InAppNotificationPayloadPlatformForumDiscussion")]
impl PayloadForumDiscussion {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The comment (for a new comment).
    async fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    /// The discussion.
    async fn discussion(&self) -> &DiscussionDetails {
        &self.discussion
    }
}

/// Payload naming a space.
pub struct PayloadSpace {
    kind: NotificationEventPayload,
    space_id: Uuid,
}

#[Object(name = "InAppNotificationPayloadSpace")]
impl PayloadSpace {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
}

/// Payload of an application.
pub struct PayloadApplication {
    kind: NotificationEventPayload,
    space_id: Uuid,
    application_id: Uuid,
}

#[Object(name = "InAppNotificationPayloadSpaceCommunityApplication")]
impl PayloadApplication {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space applied to.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
    /// The application.
    async fn application(&self, ctx: &Context<'_>) -> Result<Application> {
        Ok(Application(
            data::<alkemio_space::EntryService>(ctx)?
                .application(self.application_id)
                .await?,
        ))
    }
}

/// Payload of a new member.
pub struct PayloadActor {
    kind: NotificationEventPayload,
    space_id: Uuid,
    actor_id: Uuid,
}

#[Object(name = "InAppNotificationPayloadSpaceCommunityActor")]
impl PayloadActor {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space joined.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
    /// The new member.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        load_actor(ctx, self.actor_id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Actor {} not found", self.actor_id)).into())
    }
}

/// Payload of an invitation.
pub struct PayloadInvitation {
    kind: NotificationEventPayload,
    space_id: Uuid,
}

#[Object(name = "InAppNotificationPayloadSpaceCommunityInvitation")]
impl PayloadInvitation {
    /// The payload type.
    async fn r#type(&self) -> NotificationEventPayload {
        self.kind
    }
    /// The space invited to.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        load_space(ctx, self.space_id).await
    }
}

/// Notification mutations.
#[derive(Debug, Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks the caller's notifications (of the given types) read; true when any matched.
    async fn mark_notifications_as_read(
        &self,
        ctx: &Context<'_>,
        filter: Option<NotificationEventsFilterInput>,
    ) -> Result<bool> {
        Ok(service(ctx)?
            .mark_all(
                &actor(ctx),
                filter.and_then(|f| f.types),
                NotificationEventInAppState::Read,
            )
            .await?)
    }

    /// Marks the caller's notifications (of the given types) unread; true when any matched.
    async fn mark_notifications_as_unread(
        &self,
        ctx: &Context<'_>,
        filter: Option<NotificationEventsFilterInput>,
    ) -> Result<bool> {
        Ok(service(ctx)?
            .mark_all(
                &actor(ctx),
                filter.and_then(|f| f.types),
                NotificationEventInAppState::Unread,
            )
            .await?)
    }

    /// Sets the state of one of the caller's notifications.
    async fn update_notification_state(
        &self,
        ctx: &Context<'_>,
        notification_data: UpdateNotificationStateInput,
    ) -> Result<NotificationEventInAppState> {
        Ok(service(ctx)?
            .update_state(&actor(ctx), notification_data.id.0, notification_data.state)
            .await?)
    }

    /// Removes notifications beyond the retention period and each user's maximum (needs
    /// PLATFORM_OPERATIONS_ADMIN on the platform).
    async fn admin_in_app_notifications_prune(
        &self,
        ctx: &Context<'_>,
    ) -> Result<PruneInAppNotificationAdminResult> {
        crate::authorization::require_on_platform(
            ctx,
            P::PlatformOperationsAdmin,
            "prune in-app notifications",
        )
        .await?;
        let pruned = service(ctx)?.prune().await?;
        Ok(PruneInAppNotificationAdminResult {
            removed_count_exceeding_user_limit: i32::try_from(pruned.over_user_limit)
                .unwrap_or(i32::MAX),
            removed_count_outside_retention_period: i32::try_from(pruned.outside_retention)
                .unwrap_or(i32::MAX),
        })
    }
}

/// Live notification updates for the signed-in caller.
#[derive(Debug, Default)]
pub struct NotificationLiveEvents;

fn signed_in(ctx: &Context<'_>) -> Result<Uuid> {
    actor(ctx).authenticated_id().ok_or_else(|| {
        AppError::forbidden("Notifications are only available to signed-in users").into()
    })
}

#[Subscription]
impl NotificationLiveEvents {
    /// Each in-app notification stored for the caller from now on.
    async fn in_app_notification_received(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl futures_util::Stream<Item = InAppNotification> + use<>> {
        let me = signed_in(ctx)?;
        Ok(live_stream(service(ctx)?, move |live| match live {
            Live::Received(n) if n.receiver_id == me => Some(InAppNotification(*n)),
            _ => None,
        }))
    }

    /// The caller's unread count, each time it changes from now on.
    async fn notifications_unread_count(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl futures_util::Stream<Item = i32> + use<>> {
        let me = signed_in(ctx)?;
        Ok(live_stream(service(ctx)?, move |live| match live {
            Live::UnreadCount { receiver, count } if receiver == me => {
                Some(i32::try_from(count).unwrap_or(i32::MAX))
            }
            _ => None,
        }))
    }
}

/// The live updates `pick` keeps, from now on (updates missed by a lagging subscriber are
/// skipped; the stream ends when the service goes away).
fn live_stream<T, F>(
    service: &NotificationService,
    pick: F,
) -> impl futures_util::Stream<Item = T> + use<T, F>
where
    T: Send + 'static,
    F: Fn(Live) -> Option<T> + Send + Sync + Copy + 'static,
{
    futures_util::stream::unfold(service.subscribe(), move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(live) => {
                    if let Some(item) = pick(live) {
                        return Some((item, rx));
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
