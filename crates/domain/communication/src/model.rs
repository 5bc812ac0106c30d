//! Rooms, messages, reactions and communications.

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

stored_enum! {
    /// What a room is for.
    RoomType {
        CalendarEvent => ("CALENDAR_EVENT", "calendar-event"),
        Callout => ("CALLOUT", "callout"),
        Conversation => ("CONVERSATION", "conversation"),
        ConversationDirect => ("CONVERSATION_DIRECT", "conversation_direct"),
        ConversationGroup => ("CONVERSATION_GROUP", "conversation_group"),
        DiscussionForum => ("DISCUSSION_FORUM", "discussion-forum"),
        Post => ("POST", "post"),
        Updates => ("UPDATES", "updates"),
    }
}

stored_enum! {
    /// What happened to a message or reaction, in a live room event.
    MutationType {
        Create => ("CREATE", "create"),
        Delete => ("DELETE", "delete"),
        Update => ("UPDATE", "update"),
    }
}

/// A room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// Its id.
    pub id: Uuid,
    /// What it is for.
    pub room_type: RoomType,
    /// Its name.
    pub display_name: String,
    /// Its picture, if any.
    pub avatar_url: Option<String>,
    /// How many messages (replies included) it holds.
    pub messages_count: i32,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A message in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its 44-character id.
    pub id: String,
    /// The room.
    pub room_id: Uuid,
    /// The actor who sent it.
    pub sender_id: Uuid,
    /// Its text (Markdown).
    pub body: String,
    /// The thread it replies in (the id of the thread's first message); none for a message
    /// that starts a thread.
    pub thread_id: Option<String>,
    /// When it was sent, in microseconds since the epoch.
    pub created_us: i64,
    /// Its reactions, oldest first.
    pub reactions: Vec<Reaction>,
}

impl Message {
    /// When it was sent, in milliseconds since the epoch.
    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds fit a double exactly"
    )]
    pub fn timestamp_ms(&self) -> f64 {
        (self.created_us / 1000) as f64
    }
}

/// A reaction to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// Its 44-character id.
    pub id: String,
    /// The message reacted to.
    pub message_id: String,
    /// The room.
    pub room_id: Uuid,
    /// The actor who reacted.
    pub sender_id: Uuid,
    /// The emoji.
    pub emoji: String,
    /// When, in microseconds since the epoch.
    pub created_us: i64,
}

impl Reaction {
    /// When, in milliseconds since the epoch.
    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds fit a double exactly"
    )]
    pub fn timestamp_ms(&self) -> f64 {
        (self.created_us / 1000) as f64
    }
}

/// A space community's communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Communication {
    /// Its id.
    pub id: Uuid,
    /// The room its admins post updates to.
    pub updates_room_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Something that happened in a room, for live subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomEvent {
    /// The room.
    pub room_id: Uuid,
    /// What the room is for (conversation subscribers look only at conversation rooms).
    pub room_type: RoomType,
    /// What happened.
    pub kind: RoomEventKind,
}

/// What happened in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomEventKind {
    /// A message was sent.
    MessageCreated(Message),
    /// A message was removed.
    MessageDeleted {
        /// Its id.
        message_id: String,
        /// The thread it was in.
        thread_id: Option<String>,
    },
    /// A reaction was added.
    ReactionAdded(Reaction),
    /// A reaction was removed.
    ReactionRemoved(Reaction),
    /// A reader's read receipt moved.
    ReceiptUpdated {
        /// The reader.
        actor: Uuid,
        /// The last message read.
        message_id: String,
    },
}

/// A virtual contributor engaged in a thread of a room: mentioned there, it answers what is
/// said in the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcInteraction {
    /// Its id.
    pub id: Uuid,
    /// The room.
    pub room_id: Uuid,
    /// The thread (the id of its first message).
    pub thread_id: String,
    /// The virtual contributor.
    pub virtual_contributor_id: Uuid,
    /// The engine's own id for the conversation (an OpenAI assistant thread), once it has one.
    pub external_thread_id: Option<String>,
}
