//! GraphQL: a community's `Communication`, `Room` with its messages, reactions and unread
//! counts, the room mutations (send, reply, react, remove, mark read) and the `roomEvents`
//! subscription.

use std::collections::HashMap;

use crate::authorization::{Authorization, load_policy, require_on};
use crate::context::{actor, data};
use crate::contributor::{Actor, User};
use crate::loaders::{Loaders, loaded};
use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_communication::model::MutationType;
use alkemio_communication::{CommunicationService, RoomEventKind, RoomType, model};
use alkemio_kernel::AppResult;
use alkemio_kernel::scalars::{DateTime, Emoji, Markdown, MessageId, UuidScalar};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a CommunicationService> {
    data::<CommunicationService>(ctx)
}

/// A space community's communication.
#[derive(Debug, Clone)]
pub struct Communication(pub model::Communication);

#[Object(name = "Communication")]
impl Communication {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// The room the space's admins post updates to.
    async fn updates(&self, ctx: &Context<'_>) -> Result<Room> {
        let id = self.0.updates_room_id;
        let room = loaded(data::<Loaders>(ctx)?.rooms.load_one(id).await)?.ok_or_else(|| {
            alkemio_kernel::AppError::internal_msg(format_args!("room {id} missing"))
        })?;
        Ok(Room(room))
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

/// A room: a place where messages are sent, in threads, with reactions.
#[derive(Debug, Clone)]
pub struct Room(pub model::Room);

impl Room {
    async fn require_read(&self, ctx: &Context<'_>, action: &str) -> AppResult<()> {
        require_on(ctx, self.0.authorization_id, P::Read, action).await
    }
}

/// Unread messages of a room and of some of its threads.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoomUnreadCounts")]
pub struct RoomUnreadCounts {
    /// Unread messages in the whole room.
    pub room_unread_count: i32,
    /// Unread replies per asked-for thread (null when no threads were asked for).
    pub thread_unread_counts: Option<Vec<RoomThreadUnreadCount>>,
}

/// Unread replies in one thread.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoomThreadUnreadCount")]
pub struct RoomThreadUnreadCount {
    /// The thread.
    pub thread_id: MessageId,
    /// How many of its replies are unread.
    pub count: i32,
}

fn total(counts: Option<&HashMap<String, i64>>) -> i32 {
    i32::try_from(counts.map_or(0, |c| c.values().sum::<i64>())).unwrap_or(i32::MAX)
}

#[Object(name = "Room")]
impl Room {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its name.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Its picture, if any.
    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// What it is for.
    async fn r#type(&self) -> RoomType {
        self.0.room_type
    }

    /// How many messages (replies included) it holds.
    async fn messages_count(&self) -> i32 {
        self.0.messages_count
    }

    /// Its messages, oldest first, with their reactions (needs READ).
    async fn messages(&self, ctx: &Context<'_>) -> Result<Vec<Message>> {
        self.require_read(ctx, "read a room's messages").await?;
        let found = loaded(
            data::<Loaders>(ctx)?
                .room_messages
                .load_one(self.0.id)
                .await,
        )?;
        Ok(found.unwrap_or_default().into_iter().map(Message).collect())
    }

    /// The virtual contributors engaged in its threads, oldest first (needs READ).
    async fn vc_interactions(&self, ctx: &Context<'_>) -> Result<Vec<VcInteraction>> {
        self.require_read(ctx, "read a room's messages").await?;
        let found = loaded(
            data::<Loaders>(ctx)?
                .vc_interactions
                .load_one(self.0.id)
                .await,
        )?;
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .map(|i| VcInteraction {
                thread_id: MessageId(i.thread_id),
                virtual_contributor_id: i.virtual_contributor_id.to_string(),
            })
            .collect())
    }

    /// Its newest message (needs READ).
    async fn last_message(&self, ctx: &Context<'_>) -> Result<Option<Message>> {
        self.require_read(ctx, "read a room's messages").await?;
        Ok(loaded(
            data::<Loaders>(ctx)?
                .last_messages
                .load_one(self.0.id)
                .await,
        )?
        .map(Message))
    }

    /// How many messages by others the caller has not read (needs READ; 0 for anonymous
    /// callers).
    async fn unread_count(&self, ctx: &Context<'_>) -> Result<i32> {
        self.require_read(ctx, "read a room's unread count").await?;
        let Some(reader) = actor(ctx).authenticated_id() else {
            return Ok(0);
        };
        let counts = loaded(
            data::<Loaders>(ctx)?
                .unread_counts
                .load_one((reader, self.0.id))
                .await,
        )?;
        Ok(total(counts.as_ref()))
    }

    /// The caller's unread messages in the room and in the given threads (needs READ).
    async fn unread_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "threadIds")] thread_ids: Option<Vec<MessageId>>,
    ) -> Result<RoomUnreadCounts> {
        self.require_read(ctx, "read a room's unread counts")
            .await?;
        let counts = match actor(ctx).authenticated_id() {
            Some(reader) => loaded(
                data::<Loaders>(ctx)?
                    .unread_counts
                    .load_one((reader, self.0.id))
                    .await,
            )?,
            None => None,
        };
        let thread_unread_counts = thread_ids.map(|ids| {
            ids.into_iter()
                .map(|id| RoomThreadUnreadCount {
                    count: i32::try_from(
                        counts
                            .as_ref()
                            .and_then(|c| c.get(&id.0))
                            .copied()
                            .unwrap_or(0),
                    )
                    .unwrap_or(i32::MAX),
                    thread_id: id,
                })
                .collect()
        });
        Ok(RoomUnreadCounts {
            room_unread_count: total(counts.as_ref()),
            thread_unread_counts,
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

/// A message in a room.
#[derive(Debug, Clone)]
pub struct Message(pub model::Message);

#[Object(name = "Message")]
impl Message {
    /// Its id.
    async fn id(&self) -> MessageId {
        MessageId(self.0.id.clone())
    }

    /// Its text.
    async fn message(&self) -> Markdown {
        Markdown(self.0.body.clone())
    }

    /// The thread it replies in; null for a message that starts a thread.
    #[graphql(name = "threadID")]
    async fn thread_id(&self) -> Option<MessageId> {
        self.0.thread_id.clone().map(MessageId)
    }

    /// When it was sent (milliseconds since the epoch).
    async fn timestamp(&self) -> f64 {
        self.0.timestamp_ms()
    }

    /// Who sent it (null when that actor is gone).
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        Ok(loaded(
            data::<Loaders>(ctx)?
                .actors
                .load_one(self.0.sender_id)
                .await,
        )?
        .map(Actor))
    }

    /// Its reactions, oldest first.
    async fn reactions(&self) -> Vec<Reaction> {
        self.0.reactions.iter().cloned().map(Reaction).collect()
    }
}

/// A reaction to a message.
#[derive(Debug, Clone)]
pub struct Reaction(pub model::Reaction);

#[Object(name = "Reaction")]
impl Reaction {
    /// Its id.
    async fn id(&self) -> MessageId {
        MessageId(self.0.id.clone())
    }

    /// The emoji.
    async fn emoji(&self) -> Emoji {
        Emoji(self.0.emoji.clone())
    }

    /// When it was added (milliseconds since the epoch).
    async fn timestamp(&self) -> f64 {
        self.0.timestamp_ms()
    }

    /// The user who reacted (null when gone).
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(self.0.sender_id).await)?.map(User))
    }
}

/// A new message.
#[derive(Debug, InputObject)]
pub struct RoomSendMessageInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The text.
    pub message: String,
}

/// A reply in a thread.
#[derive(Debug, InputObject)]
pub struct RoomSendMessageReplyInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The text.
    pub message: String,
    /// The message that starts the thread.
    #[graphql(name = "threadID")]
    pub thread_id: MessageId,
}

/// A reaction to add.
#[derive(Debug, InputObject)]
pub struct RoomAddReactionToMessageInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The message.
    #[graphql(name = "messageID")]
    pub message_id: MessageId,
    /// The emoji.
    pub emoji: Emoji,
}

/// A reaction to remove.
#[derive(Debug, InputObject)]
pub struct RoomRemoveReactionToMessageInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The reaction.
    #[graphql(name = "reactionID")]
    pub reaction_id: MessageId,
}

/// A message to remove.
#[derive(Debug, InputObject)]
pub struct RoomRemoveMessageInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The message.
    #[graphql(name = "messageID")]
    pub message_id: MessageId,
}

/// Where the caller has read up to.
#[derive(Debug, InputObject)]
pub struct RoomMarkMessageReadInput {
    /// The room.
    #[graphql(name = "roomID")]
    pub room_id: UuidScalar,
    /// The last message read.
    #[graphql(name = "messageID")]
    pub message_id: MessageId,
    /// The thread read in; the whole room when absent.
    #[graphql(name = "threadID")]
    pub thread_id: Option<MessageId>,
}

/// Room mutations.
#[derive(Debug, Default)]
pub struct CommunicationMutation;

#[Object]
impl CommunicationMutation {
    /// Sends a message that starts a thread (needs CREATE_MESSAGE on the room).
    async fn send_message_to_room(
        &self,
        ctx: &Context<'_>,
        message_data: RoomSendMessageInput,
    ) -> Result<Message> {
        let caller = actor(ctx);
        // an update: stored with its log entry and its event, in one transaction
        if let Some(update) = data::<alkemio_space::SpaceService>(ctx)?
            .send_update(
                service(ctx)?,
                &caller,
                message_data.room_id.0,
                message_data.message.clone(),
            )
            .await?
        {
            return Ok(Message(update));
        }
        let message = conversations(ctx)?
            .send(&caller, message_data.room_id.0, message_data.message, None)
            .await?;
        ask_virtual_contributor(ctx, &message).await;
        Ok(Message(message))
    }

    /// Replies in a thread (needs CREATE_MESSAGE_REPLY on the room).
    async fn send_message_reply_to_room(
        &self,
        ctx: &Context<'_>,
        message_data: RoomSendMessageReplyInput,
    ) -> Result<Message> {
        let message = conversations(ctx)?
            .send(
                &actor(ctx),
                message_data.room_id.0,
                message_data.message,
                Some(message_data.thread_id.0),
            )
            .await?;
        ask_virtual_contributor(ctx, &message).await;
        Ok(Message(message))
    }

    /// Reacts to a message (needs CREATE_MESSAGE_REACTION on the room).
    async fn add_reaction_to_message_in_room(
        &self,
        ctx: &Context<'_>,
        reaction_data: RoomAddReactionToMessageInput,
    ) -> Result<Reaction> {
        Ok(Reaction(
            service(ctx)?
                .react(
                    &actor(ctx),
                    reaction_data.room_id.0,
                    &reaction_data.message_id.0,
                    reaction_data.emoji.0,
                )
                .await?,
        ))
    }

    /// Takes a reaction back (its sender, or DELETE on the room).
    async fn remove_reaction_to_message_in_room(
        &self,
        ctx: &Context<'_>,
        reaction_data: RoomRemoveReactionToMessageInput,
    ) -> Result<bool> {
        Ok(service(ctx)?
            .unreact(
                &actor(ctx),
                reaction_data.room_id.0,
                &reaction_data.reaction_id.0,
            )
            .await?)
    }

    /// Removes a message (its sender, or DELETE on the room); replies to it stay.
    async fn remove_message_on_room(
        &self,
        ctx: &Context<'_>,
        message_data: RoomRemoveMessageInput,
    ) -> Result<MessageId> {
        let removed = service(ctx)?
            .remove_message(
                &actor(ctx),
                message_data.room_id.0,
                &message_data.message_id.0,
            )
            .await?;
        data::<alkemio_space::SpaceService>(ctx)?
            .hide_activity_of_message(&removed)
            .await?;
        Ok(MessageId(removed))
    }

    /// Marks everything up to a message as read, in the room or in one thread (needs READ).
    async fn mark_message_as_read_in_room(
        &self,
        ctx: &Context<'_>,
        message_data: RoomMarkMessageReadInput,
    ) -> Result<bool> {
        Ok(service(ctx)?
            .mark_read(
                &actor(ctx),
                message_data.room_id.0,
                &message_data.message_id.0,
                message_data.thread_id.map(|t| t.0),
            )
            .await?)
    }
}

/// A message event in a room.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoomMessageEventSubscriptionResult")]
pub struct RoomMessageEventSubscriptionResult {
    /// What happened.
    pub r#type: MutationType,
    /// The message (for a removal, only its id is meaningful).
    pub data: Message,
}

/// A reaction event in a room.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoomMessageReactionEventSubscriptionResult")]
pub struct RoomMessageReactionEventSubscriptionResult {
    /// What happened.
    pub r#type: MutationType,
    /// The message reacted to.
    #[graphql(name = "messageID")]
    pub message_id: Option<String>,
    /// The reaction.
    pub data: Reaction,
}

/// Something that happened in a room.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "RoomEventSubscriptionResult")]
pub struct RoomEventSubscriptionResult {
    /// The room's id.
    #[graphql(name = "roomID")]
    pub room_id: String,
    /// The room, as it is after the event.
    pub room: Room,
    /// A message event.
    pub message: Option<RoomMessageEventSubscriptionResult>,
    /// A reaction event.
    pub reaction: Option<RoomMessageReactionEventSubscriptionResult>,
}

fn removed_message(room_id: Uuid, id: String, thread_id: Option<String>) -> model::Message {
    model::Message {
        id,
        room_id,
        sender_id: Uuid::nil(),
        body: String::new(),
        thread_id,
        created_us: 0,
        reactions: Vec::new(),
    }
}

/// Room subscriptions.
#[derive(Debug, Default)]
pub struct CommunicationLiveEvents;

#[async_graphql::Subscription]
impl CommunicationLiveEvents {
    /// What happens in a room from now on: messages sent and removed, reactions added and
    /// removed (needs READ on the room).
    async fn room_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "roomID")] room_id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = RoomEventSubscriptionResult> + use<>> {
        let rooms = service(ctx)?.clone();
        let room = rooms.room_or_fail(room_id.0).await?;
        require_on(ctx, room.authorization_id, P::Read, "follow a room").await?;
        let rx = rooms.room_events();
        let id = room.id;
        let access = crate::authorization::LiveAccess::from_ctx(ctx)?;
        let stream = futures_util::stream::unfold(
            (rx, rooms, access),
            move |(mut rx, rooms, access)| async move {
                loop {
                    match rx.recv().await {
                        Ok(event) if event.room_id == id => {
                            let Ok(room) = rooms.room_or_fail(id).await else {
                                return None;
                            };
                            // whoever lost READ (left the space, was taken out of the
                            // conversation) hears nothing more
                            if !access.may(room.authorization_id, P::Read).await {
                                return None;
                            }
                            let (message, reaction) = match event.kind {
                                RoomEventKind::MessageCreated(m) => (
                                    Some(RoomMessageEventSubscriptionResult {
                                        r#type: MutationType::Create,
                                        data: Message(m),
                                    }),
                                    None,
                                ),
                                RoomEventKind::MessageDeleted {
                                    message_id,
                                    thread_id,
                                } => (
                                    Some(RoomMessageEventSubscriptionResult {
                                        r#type: MutationType::Delete,
                                        data: Message(removed_message(id, message_id, thread_id)),
                                    }),
                                    None,
                                ),
                                RoomEventKind::ReactionAdded(r) => (
                                    None,
                                    Some(RoomMessageReactionEventSubscriptionResult {
                                        r#type: MutationType::Create,
                                        message_id: Some(r.message_id.clone()),
                                        data: Reaction(r),
                                    }),
                                ),
                                RoomEventKind::ReceiptUpdated { .. } => continue,
                                RoomEventKind::ReactionRemoved(r) => (
                                    None,
                                    Some(RoomMessageReactionEventSubscriptionResult {
                                        r#type: MutationType::Delete,
                                        message_id: Some(r.message_id.clone()),
                                        data: Reaction(r),
                                    }),
                                ),
                            };
                            let item = RoomEventSubscriptionResult {
                                room_id: id.to_string(),
                                room: Room(room),
                                message,
                                reaction,
                            };
                            return Some((item, (rx, rooms, access)));
                        }
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            },
        );
        Ok(stream)
    }
}

/// The platform's messaging: where conversations live.
#[derive(Debug, Clone)]
pub struct Messaging(pub alkemio_communication::conversation::Messaging);

#[Object(name = "Messaging")]
impl Messaging {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
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

fn conversations<'a>(
    ctx: &Context<'a>,
) -> AppResult<&'a alkemio_communication::conversation::ConversationService> {
    data::<alkemio_communication::conversation::ConversationService>(ctx)
}

/// A conversation between users: direct or in a group.
#[derive(Debug, Clone)]
pub struct Conversation(pub alkemio_communication::conversation::Conversation);

#[Object(name = "Conversation")]
impl Conversation {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its members.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Actor>> {
        let loaders = data::<Loaders>(ctx)?;
        let ids =
            loaded(loaders.conversation_members.load_one(self.0.id).await)?.unwrap_or_default();
        let found = loaded(loaders.actors.load_many(ids.iter().copied()).await)?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(Actor)
            .collect())
    }

    /// The messaging holding it.
    async fn messaging(&self, ctx: &Context<'_>) -> Result<Messaging> {
        conversations(ctx)?
            .messaging()
            .await?
            .map(Messaging)
            .ok_or_else(|| {
                alkemio_kernel::AppError::internal_msg("the platform has no messaging").into()
            })
    }

    /// Its room.
    async fn room(&self, ctx: &Context<'_>) -> Result<Room> {
        let id = self.0.room_id;
        let room = loaded(data::<Loaders>(ctx)?.rooms.load_one(id).await)?.ok_or_else(|| {
            alkemio_kernel::AppError::internal_msg(format_args!("room {id} missing"))
        })?;
        Ok(Room(room))
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

/// The caller's conversations.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "MeConversationsResult")]
pub struct MeConversationsResult {
    /// Every conversation the caller takes part in, newest first.
    pub conversations: Vec<Conversation>,
}

/// `me.conversations`.
pub(crate) async fn my_conversations(ctx: &Context<'_>) -> Result<MeConversationsResult> {
    let Some(me) = actor(ctx).authenticated_id() else {
        return Ok(MeConversationsResult {
            conversations: Vec::new(),
        });
    };
    Ok(MeConversationsResult {
        conversations: conversations(ctx)?
            .conversations_of(me)
            .await?
            .into_iter()
            .map(Conversation)
            .collect(),
    })
}

/// A new conversation.
#[derive(Debug, InputObject)]
pub struct CreateConversationInput {
    /// Direct (one other user) or group.
    pub r#type: alkemio_communication::conversation::ConversationKind,
    /// The other members.
    #[graphql(name = "memberIDs")]
    pub member_ids: Vec<UuidScalar>,
    /// A group's name.
    pub display_name: Option<String>,
    /// A group's picture (`mxc://` or `https://`).
    pub avatar_url: Option<String>,
}

/// Changes to a group conversation.
#[derive(Debug, InputObject)]
pub struct UpdateConversationInput {
    /// The conversation.
    #[graphql(name = "conversationID")]
    pub conversation_id: UuidScalar,
    /// Its new name.
    pub display_name: Option<String>,
    /// Its new picture.
    pub avatar_url: Option<String>,
}

/// A member to add to a group conversation.
#[derive(Debug, InputObject)]
pub struct AssignConversationMemberInput {
    /// The conversation.
    #[graphql(name = "conversationID")]
    pub conversation_id: UuidScalar,
    /// The user.
    #[graphql(name = "memberID")]
    pub member_id: UuidScalar,
}

/// A member to take out of a group conversation.
#[derive(Debug, InputObject)]
pub struct RemoveConversationMemberInput {
    /// The conversation.
    #[graphql(name = "conversationID")]
    pub conversation_id: UuidScalar,
    /// The user.
    #[graphql(name = "memberID")]
    pub member_id: UuidScalar,
}

/// The conversation to leave.
#[derive(Debug, InputObject)]
pub struct LeaveConversationInput {
    /// The conversation.
    #[graphql(name = "conversationID")]
    pub conversation_id: UuidScalar,
}

/// Conversation mutations.
#[derive(Debug, Default)]
pub struct ConversationMutation;

#[Object]
impl ConversationMutation {
    /// Starts a conversation (any registered user): a direct one with a user who accepts
    /// messages (the existing one when there is one), or a group.
    async fn create_conversation(
        &self,
        ctx: &Context<'_>,
        conversation_data: CreateConversationInput,
    ) -> Result<Conversation> {
        let new = alkemio_communication::conversation::NewConversation {
            kind: conversation_data.r#type,
            member_ids: conversation_data
                .member_ids
                .into_iter()
                .map(|m| m.0)
                .collect(),
            display_name: conversation_data.display_name,
            avatar_url: conversation_data.avatar_url,
        };
        Ok(Conversation(
            conversations(ctx)?.create(&actor(ctx), new).await?,
        ))
    }

    /// Renames a group conversation or changes its picture (a member).
    async fn update_conversation(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateConversationInput,
    ) -> Result<bool> {
        Ok(conversations(ctx)?
            .update(
                &actor(ctx),
                update_data.conversation_id.0,
                update_data.display_name,
                update_data.avatar_url,
            )
            .await?)
    }

    /// Adds a user to a group conversation (a member).
    async fn assign_conversation_member(
        &self,
        ctx: &Context<'_>,
        member_data: AssignConversationMemberInput,
    ) -> Result<bool> {
        Ok(conversations(ctx)?
            .add_member(
                &actor(ctx),
                member_data.conversation_id.0,
                member_data.member_id.0,
            )
            .await?)
    }

    /// Takes a user out of a group conversation (a member).
    async fn remove_conversation_member(
        &self,
        ctx: &Context<'_>,
        member_data: RemoveConversationMemberInput,
    ) -> Result<bool> {
        Ok(conversations(ctx)?
            .remove_member(
                &actor(ctx),
                member_data.conversation_id.0,
                member_data.member_id.0,
            )
            .await?)
    }

    /// Leaves a conversation; the last member to leave ends it.
    async fn leave_conversation(
        &self,
        ctx: &Context<'_>,
        leave_data: LeaveConversationInput,
    ) -> Result<bool> {
        Ok(conversations(ctx)?
            .leave(&actor(ctx), leave_data.conversation_id.0)
            .await?)
    }
}

/// The outcome of a direct message for one receiver.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "DirectMessageDeliveryResult")]
pub struct DirectMessageDeliveryResult {
    /// The receiver.
    #[graphql(name = "receiverID")]
    pub receiver_id: UuidScalar,
    /// How it went.
    pub status: alkemio_communication::conversation::DeliveryStatus,
    /// The direct conversation it went to (when sent).
    #[graphql(name = "conversationID")]
    pub conversation_id: Option<UuidScalar>,
}

/// A message for several users, each in their direct conversation with the sender.
#[derive(Debug, InputObject)]
pub struct SendDirectMessageToUsersInput {
    /// The text.
    pub message: String,
    /// The users.
    #[graphql(name = "receiverIDs")]
    pub receiver_ids: Vec<UuidScalar>,
}

/// Direct messages to several users.
#[derive(Debug, Default)]
pub struct DirectMessageMutation;

#[Object]
impl DirectMessageMutation {
    /// Sends a message to each user in the direct conversation with them, started when needed
    /// (needs READ_USERS on the platform); each receiver gets its own outcome.
    async fn send_direct_message_to_users(
        &self,
        ctx: &Context<'_>,
        message_data: SendDirectMessageToUsersInput,
    ) -> Result<Vec<DirectMessageDeliveryResult>> {
        crate::authorization::require_on_platform(ctx, P::ReadUsers, "send direct messages")
            .await?;
        check_receivers(message_data.receiver_ids.len())?;
        let receivers: Vec<Uuid> = message_data.receiver_ids.iter().map(|r| r.0).collect();
        Ok(conversations(ctx)?
            .send_direct(&actor(ctx), &receivers, message_data.message)
            .await?
            .into_iter()
            .map(|d| DirectMessageDeliveryResult {
                receiver_id: UuidScalar(d.receiver),
                status: d.status,
                conversation_id: d.conversation.map(UuidScalar),
            })
            .collect())
    }
}

/// What happened in or to one of the caller's conversations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "ConversationEventType")]
pub enum ConversationEventType {
    /// A conversation was started.
    #[default]
    ConversationCreated,
    /// A conversation ended.
    ConversationDeleted,
    /// A conversation was renamed or got a new picture.
    ConversationUpdated,
    /// A member joined.
    MemberAdded,
    /// A member left.
    MemberRemoved,
    /// A message arrived.
    MessageReceived,
    /// A message was removed.
    MessageRemoved,
    /// The caller's read receipt moved.
    ReadReceiptUpdated,
}

/// A conversation was started.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationCreatedEvent")]
pub struct ConversationCreatedEvent {
    /// The conversation.
    pub conversation: Conversation,
    /// Its first message, when it came with it.
    pub message: Option<Message>,
}

/// A conversation changed.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationUpdatedEvent")]
pub struct ConversationUpdatedEvent {
    /// The conversation.
    pub conversation: Conversation,
}

/// A conversation ended.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationDeletedEvent")]
pub struct ConversationDeletedEvent {
    /// Its id.
    #[graphql(name = "conversationID")]
    pub conversation_id: UuidScalar,
}

/// A member joined a conversation.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationMemberAddedEvent")]
pub struct ConversationMemberAddedEvent {
    /// The conversation.
    pub conversation: Conversation,
    /// The new member.
    pub added_member: Actor,
}

/// A member left a conversation.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationMemberRemovedEvent")]
pub struct ConversationMemberRemovedEvent {
    /// The conversation.
    pub conversation: Conversation,
    /// Who left.
    #[graphql(name = "removedMemberID")]
    pub removed_member_id: UuidScalar,
}

/// A message arrived in a conversation.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationMessageReceivedEvent")]
pub struct ConversationMessageReceivedEvent {
    /// The message.
    pub message: Message,
    /// The conversation's room.
    pub room_id: UuidScalar,
}

/// A message was removed from a conversation.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationMessageRemovedEvent")]
pub struct ConversationMessageRemovedEvent {
    /// The message.
    pub message_id: MessageId,
    /// The conversation's room.
    pub room_id: UuidScalar,
}

/// The caller read up to a message.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "ConversationReadReceiptUpdatedEvent")]
pub struct ConversationReadReceiptUpdatedEvent {
    /// The last message read.
    pub last_read_event_id: MessageId,
    /// The conversation's room.
    pub room_id: UuidScalar,
}

/// One conversation event: its type and the matching payload.
#[derive(Debug, Clone, Default, SimpleObject)]
#[graphql(name = "ConversationEventSubscriptionResult")]
pub struct ConversationEventSubscriptionResult {
    /// What happened.
    pub event_type: ConversationEventType,
    /// A conversation was started.
    pub conversation_created: Option<ConversationCreatedEvent>,
    /// A conversation changed.
    pub conversation_updated: Option<ConversationUpdatedEvent>,
    /// A conversation ended.
    pub conversation_deleted: Option<ConversationDeletedEvent>,
    /// A member joined.
    pub member_added: Option<ConversationMemberAddedEvent>,
    /// A member left.
    pub member_removed: Option<ConversationMemberRemovedEvent>,
    /// A message arrived.
    pub message_received: Option<ConversationMessageReceivedEvent>,
    /// A message was removed.
    pub message_removed: Option<ConversationMessageRemovedEvent>,
    /// The caller's read receipt moved.
    pub read_receipt_updated: Option<ConversationReadReceiptUpdatedEvent>,
}

enum Heard {
    Lifecycle(alkemio_communication::conversation::ConversationEventKind),
    Room(alkemio_communication::RoomEvent),
}

async fn to_event(
    heard: Heard,
    actors: &alkemio_contributor::ActorService,
) -> Option<ConversationEventSubscriptionResult> {
    use alkemio_communication::conversation::ConversationEventKind as K;
    let mut out = ConversationEventSubscriptionResult::default();
    match heard {
        Heard::Lifecycle(K::Created(c, m)) => {
            out.event_type = ConversationEventType::ConversationCreated;
            out.conversation_created = Some(ConversationCreatedEvent {
                conversation: Conversation(c),
                message: m.map(Message),
            });
        }
        Heard::Lifecycle(K::Updated(c)) => {
            out.event_type = ConversationEventType::ConversationUpdated;
            out.conversation_updated = Some(ConversationUpdatedEvent {
                conversation: Conversation(c),
            });
        }
        Heard::Lifecycle(K::Deleted(id)) => {
            out.event_type = ConversationEventType::ConversationDeleted;
            out.conversation_deleted = Some(ConversationDeletedEvent {
                conversation_id: UuidScalar(id),
            });
        }
        Heard::Lifecycle(K::MemberAdded(c, member)) => {
            let added = actors
                .actor(alkemio_kernel::ids::ActorId(member))
                .await
                .ok()
                .flatten()?;
            out.event_type = ConversationEventType::MemberAdded;
            out.member_added = Some(ConversationMemberAddedEvent {
                conversation: Conversation(c),
                added_member: Actor(added),
            });
        }
        Heard::Lifecycle(K::MemberRemoved(c, member)) => {
            out.event_type = ConversationEventType::MemberRemoved;
            out.member_removed = Some(ConversationMemberRemovedEvent {
                conversation: Conversation(c),
                removed_member_id: UuidScalar(member),
            });
        }
        Heard::Room(e) => match e.kind {
            RoomEventKind::MessageCreated(m) => {
                out.event_type = ConversationEventType::MessageReceived;
                out.message_received = Some(ConversationMessageReceivedEvent {
                    message: Message(m),
                    room_id: UuidScalar(e.room_id),
                });
            }
            RoomEventKind::MessageDeleted { message_id, .. } => {
                out.event_type = ConversationEventType::MessageRemoved;
                out.message_removed = Some(ConversationMessageRemovedEvent {
                    message_id: MessageId(message_id),
                    room_id: UuidScalar(e.room_id),
                });
            }
            RoomEventKind::ReceiptUpdated { message_id, .. } => {
                out.event_type = ConversationEventType::ReadReceiptUpdated;
                out.read_receipt_updated = Some(ConversationReadReceiptUpdatedEvent {
                    last_read_event_id: MessageId(message_id),
                    room_id: UuidScalar(e.room_id),
                });
            }
            RoomEventKind::ReactionAdded(_) | RoomEventKind::ReactionRemoved(_) => return None,
        },
    }
    Some(out)
}

/// Conversation subscriptions.
#[derive(Debug, Default)]
pub struct ConversationLiveEvents;

#[async_graphql::Subscription]
impl ConversationLiveEvents {
    /// What happens from now on in the caller's conversations: started, changed, ended,
    /// members joining and leaving, messages arriving and removed, and the caller's own read
    /// receipts (registered users only).
    async fn conversation_events(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl futures_util::Stream<Item = ConversationEventSubscriptionResult> + use<>> {
        use futures_util::StreamExt;
        let me = actor(ctx).authenticated_id().ok_or_else(|| {
            alkemio_kernel::AppError::new(
                alkemio_kernel::ErrorStatus::ForbiddenPolicy,
                "Only registered users have conversations",
            )
        })?;
        let service = conversations(ctx)?.clone();
        let actors = data::<alkemio_contributor::ActorService>(ctx)?.clone();
        let lifecycle = futures_util::stream::unfold(service.events(), move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) if e.recipients.contains(&me) => {
                        return Some((Heard::Lifecycle(e.kind), rx));
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        let rooms = futures_util::stream::unfold(
            (service.room_events(), service),
            move |(mut rx, service)| async move {
                loop {
                    match rx.recv().await {
                        Ok(e) => {
                            let conversation_room = matches!(
                                e.room_type,
                                RoomType::ConversationDirect
                                    | RoomType::ConversationGroup
                                    | RoomType::Conversation
                            );
                            let wanted = conversation_room
                                && match &e.kind {
                                    RoomEventKind::ReactionAdded(_)
                                    | RoomEventKind::ReactionRemoved(_) => false,
                                    RoomEventKind::ReceiptUpdated { actor, .. } => *actor == me,
                                    _ => true,
                                };
                            if wanted
                                && let Ok(Some((_, members))) = service.of_room(e.room_id).await
                                && members.contains(&me)
                            {
                                return Some((Heard::Room(e), (rx, service)));
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            },
        );
        Ok(
            futures_util::stream::select(lifecycle.boxed(), rooms.boxed()).filter_map(
                move |heard| {
                    let actors = actors.clone();
                    async move { to_event(heard, &actors).await }
                },
            ),
        )
    }
}

/// A message to some users, delivered as a notification (in-app and by e-mail).
#[derive(Debug, InputObject)]
pub struct CommunicationSendMessageToUsersInput {
    /// The text.
    pub message: String,
    /// The users.
    #[graphql(name = "receiverIds")]
    pub receiver_ids: Vec<UuidScalar>,
}

/// A message to an organization, delivered to its admins.
#[derive(Debug, InputObject)]
pub struct CommunicationSendMessageToOrganizationInput {
    /// The text.
    pub message: String,
    /// The organization.
    #[graphql(name = "organizationId")]
    pub organization_id: UuidScalar,
}

/// A message to the leads of a space's community.
#[derive(Debug, InputObject)]
pub struct CommunicationSendMessageToCommunityLeadsInput {
    /// The text.
    pub message: String,
    /// The community.
    #[graphql(name = "communityId")]
    pub community_id: UuidScalar,
}

/// Most receivers one message goes to (the reference set no bound; one request could reach
/// every user).
const MAX_RECEIVERS: usize = 100;

fn check_receivers(count: usize) -> AppResult<()> {
    if count > MAX_RECEIVERS {
        return Err(alkemio_kernel::AppError::bad_input(format!(
            "A message goes to at most {MAX_RECEIVERS} receivers"
        )));
    }
    Ok(())
}

fn check_message(message: &str) -> AppResult<()> {
    if message.trim().is_empty() {
        return Err(alkemio_kernel::AppError::bad_input(
            "A message needs some text",
        ));
    }
    let max = alkemio_communication::service::MESSAGE_MAX_LENGTH;
    if message.chars().count() > max {
        return Err(alkemio_kernel::AppError::bad_input(format!(
            "A message has at most {max} characters"
        )));
    }
    Ok(())
}

/// Messages delivered as notifications.
#[derive(Debug, Default)]
pub struct NotifiedMessageMutation;

#[Object]
impl NotifiedMessageMutation {
    /// Sends a message to users who accept being contacted this way (needs READ_USERS on the
    /// platform). Every receiver is checked before anything is sent: one who does not accept
    /// messages (MESSAGING_NOT_ENABLED) or does not exist stops the whole send (the reference
    /// had already notified the receivers before it).
    async fn send_message_to_users(
        &self,
        ctx: &Context<'_>,
        message_data: CommunicationSendMessageToUsersInput,
    ) -> Result<bool> {
        crate::authorization::require_on_platform(ctx, P::ReadUsers, "send messages to users")
            .await?;
        check_message(&message_data.message)?;
        check_receivers(message_data.receiver_ids.len())?;
        let users = data::<alkemio_contributor::UserService>(ctx)?;
        let mut receivers: Vec<Uuid> = Vec::new();
        for r in &message_data.receiver_ids {
            if !receivers.contains(&r.0) {
                receivers.push(r.0);
            }
        }
        for id in &receivers {
            let id = alkemio_kernel::ids::UserId(*id);
            users.user(id).await?.ok_or_else(|| {
                alkemio_kernel::AppError::not_found(format!("User {id} not found"))
            })?;
            let settings = users.settings(id).await?;
            if !settings.document["communication"]["allowOtherUsersToContactViaEmail"]
                .as_bool()
                .unwrap_or(false)
            {
                return Err(alkemio_kernel::AppError::new(
                    alkemio_kernel::ErrorStatus::MessagingNotEnabled,
                    format!("User {id} is not open to being contacted"),
                )
                .into());
            }
        }
        let events = receivers
            .into_iter()
            .map(|receiver_id| alkemio_events::DomainEvent::UserMessage {
                receiver_id,
                message: message_data.message.clone(),
            })
            .collect();
        users
            .announce(events, actor(ctx).authenticated_id())
            .await?;
        Ok(true)
    }

    /// Sends a message to an organization's admins (needs READ_USERS on the platform); the
    /// sender gets a copy.
    async fn send_message_to_organization(
        &self,
        ctx: &Context<'_>,
        message_data: CommunicationSendMessageToOrganizationInput,
    ) -> Result<bool> {
        crate::authorization::require_on_platform(
            ctx,
            P::ReadUsers,
            "send a message to an organization",
        )
        .await?;
        check_message(&message_data.message)?;
        let id = alkemio_kernel::ids::ActorId(message_data.organization_id.0);
        data::<alkemio_organization::OrganizationService>(ctx)?
            .get(id)
            .await?
            .ok_or_else(|| {
                alkemio_kernel::AppError::not_found(format!("Organization {id} not found"))
            })?;
        data::<alkemio_contributor::UserService>(ctx)?
            .announce(
                vec![alkemio_events::DomainEvent::OrganizationMessage {
                    organization_id: id.0,
                    message: message_data.message,
                }],
                actor(ctx).authenticated_id(),
            )
            .await?;
        Ok(true)
    }

    /// Sends a message to the leads of a space's community (needs READ_USERS on the platform).
    async fn send_message_to_community_leads(
        &self,
        ctx: &Context<'_>,
        message_data: CommunicationSendMessageToCommunityLeadsInput,
    ) -> Result<bool> {
        crate::authorization::require_on_platform(
            ctx,
            P::ReadUsers,
            "send a message to a community's leads",
        )
        .await?;
        check_message(&message_data.message)?;
        let community = data::<alkemio_space::SpaceService>(ctx)?
            .community_or_fail(message_data.community_id.0)
            .await?;
        let space_id = community.parent_id.ok_or_else(|| {
            alkemio_kernel::AppError::not_found(format!("No space for community {}", community.id))
        })?;
        // only about a space the caller may see (the reference let anyone write to any leads)
        let space = data::<alkemio_space::SpaceService>(ctx)?
            .get_or_fail(alkemio_kernel::ids::ActorId(space_id))
            .await?;
        crate::space::require_read_about(ctx, &space).await?;
        data::<alkemio_contributor::UserService>(ctx)?
            .announce(
                vec![alkemio_events::DomainEvent::CommunityLeadsMessage {
                    space_id,
                    message: message_data.message,
                }],
                actor(ctx).authenticated_id(),
            )
            .await?;
        Ok(true)
    }
}

/// A virtual contributor engaged in a thread of a room.
#[derive(Debug, Clone, SimpleObject)]
pub struct VcInteraction {
    /// The thread (the id of its first message).
    #[graphql(name = "threadID")]
    pub thread_id: MessageId,
    /// The virtual contributor.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: String,
}

/// Asks the virtual contributor a sent message engages (by mention or by its thread) for an
/// answer; the message stands whatever happens to the request, which is only logged.
async fn ask_virtual_contributor(ctx: &Context<'_>, message: &alkemio_communication::Message) {
    let asked = async {
        data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
            .on_message(&actor(ctx), service(ctx)?, message)
            .await
    };
    if let Err(e) = asked.await {
        tracing::warn!(message.id = %message.id, error = ?e, "virtual contributor not asked");
    }
}
