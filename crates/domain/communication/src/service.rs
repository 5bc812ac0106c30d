//! The communication service: reads of rooms and what they hold, and the writes a caller may
//! make in a room (send, reply, react, remove, mark read), each checked against the room's
//! policy and announced to live subscribers after it commits.

use std::collections::HashMap;

use alkemio_authorization::repo::{self as auth_repo};
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    grant_access_or_fail,
};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::authorization::{apply_communication_policy, apply_updates_room_policy};
use crate::model::{
    Communication, Message, Reaction, Room, RoomEvent, RoomEventKind, RoomType, VcInteraction,
};
use crate::repo;

/// Longest message accepted, in characters (the reference's limit).
pub const MESSAGE_MAX_LENGTH: usize = 32_784;

/// A new 44-character message or reaction id: `$` and 43 URL-safe base64 characters, as the
/// `MessageID` scalar expects.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::now_v7().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    format!(
        "${}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn now_us() -> i64 {
    Utc::now().timestamp_micros()
}

/// A communication and its updates room, new, with their policies computed from the
/// community's.
#[derive(Debug, Clone)]
pub struct NewCommunication {
    /// The communication.
    pub communication: Communication,
    /// Its updates room.
    pub room: Room,
    /// The communication's and the room's policies.
    pub policies: [AuthorizationPolicy; 2],
}

/// Rooms and messages.
#[derive(Debug, Clone)]
pub struct CommunicationService {
    db: Database,
    events: tokio::sync::broadcast::Sender<RoomEvent>,
}

impl CommunicationService {
    /// A service over the database.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            events: tokio::sync::broadcast::channel(1024).0,
        }
    }

    /// Room events from now on (a slow receiver misses the oldest when 1,024 wait).
    pub fn room_events(&self) -> tokio::sync::broadcast::Receiver<RoomEvent> {
        self.events.subscribe()
    }

    /// A community's new communication, named after its space.
    pub fn build(
        space_display_name: &str,
        community: &AuthorizationPolicy,
        now: DateTime<Utc>,
    ) -> NewCommunication {
        let mut communication_policy =
            auth_repo::new_policy(AuthorizationPolicyType::Communication);
        apply_communication_policy(&mut communication_policy, community);
        let mut room_policy = auth_repo::new_policy(AuthorizationPolicyType::Room);
        apply_updates_room_policy(&mut room_policy, &communication_policy);
        let room = Room {
            id: Uuid::now_v7(),
            room_type: RoomType::Updates,
            display_name: format!("{space_display_name}-Updates"),
            avatar_url: None,
            messages_count: 0,
            authorization_id: Some(room_policy.id),
            created_date: now,
            updated_date: now,
        };
        NewCommunication {
            communication: Communication {
                id: Uuid::now_v7(),
                updates_room_id: room.id,
                authorization_id: Some(communication_policy.id),
                created_date: now,
                updated_date: now,
            },
            room,
            policies: [communication_policy, room_policy],
        }
    }

    /// Stores a new communication inside the caller's transaction (its policies are the
    /// caller's to save).
    pub async fn insert_in(conn: &impl ConnectionTrait, new: &NewCommunication) -> AppResult<()> {
        repo::insert_room(conn, &new.room).await?;
        repo::insert_communication(conn, &new.communication).await
    }

    /// The policies of a communication and its updates room recomputed from the community's.
    pub async fn recompute_policies(
        conn: &impl ConnectionTrait,
        communication: Uuid,
        community: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(c) = repo::communications(conn, &[communication])
            .await?
            .remove(&communication)
        else {
            return Ok(Vec::new());
        };
        let room = repo::rooms(conn, &[c.updates_room_id])
            .await?
            .remove(&c.updates_room_id);
        let ids: Vec<Uuid> = [
            c.authorization_id,
            room.as_ref().and_then(|r| r.authorization_id),
        ]
        .into_iter()
        .flatten()
        .collect();
        let stored = auth_repo::load_many(conn, &ids).await?;
        let load = |id: Option<Uuid>, ty| match id.and_then(|id| stored.get(&id)) {
            Some(s) => s.policy.clone(),
            None => AuthorizationPolicy::new(id.unwrap_or_else(Uuid::now_v7), ty),
        };
        let mut cp = load(c.authorization_id, AuthorizationPolicyType::Communication);
        apply_communication_policy(&mut cp, community);
        let mut out = Vec::new();
        if let Some(room) = &room {
            let mut rp = load(room.authorization_id, AuthorizationPolicyType::Room);
            apply_updates_room_policy(&mut rp, &cp);
            out.push(rp);
        }
        out.push(cp);
        Ok(out)
    }

    /// Deletes communications, their rooms and what was said in them inside the caller's
    /// transaction; returns the ids of the policies to delete.
    pub async fn delete_in(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
        repo::delete_communications(conn, ids).await
    }

    /// Communications by id.
    pub async fn communications(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Communication>> {
        repo::communications(self.db.conn(), ids).await
    }

    /// The communication whose updates room this is, if any.
    pub async fn communication_of_updates_room(&self, room: Uuid) -> AppResult<Option<Uuid>> {
        repo::communication_of_updates_room(self.db.conn(), room).await
    }

    /// Messages by id (without reactions).
    pub async fn messages_by_ids(&self, ids: &[String]) -> AppResult<HashMap<String, Message>> {
        repo::messages_by_ids(self.db.conn(), ids).await
    }

    /// Rooms by id.
    pub async fn rooms(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Room>> {
        repo::rooms(self.db.conn(), ids).await
    }

    /// A room, or ENTITY_NOT_FOUND.
    pub async fn room_or_fail(&self, id: Uuid) -> AppResult<Room> {
        self.rooms(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Room {id} not found")))
    }

    /// The messages of rooms with their reactions, oldest first.
    pub async fn messages(&self, rooms: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<Message>>> {
        repo::messages(self.db.conn(), rooms).await
    }

    /// The virtual contributors engaged in the threads of rooms, by room, oldest first.
    pub async fn vc_interactions(
        &self,
        rooms: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<VcInteraction>>> {
        let mut out: HashMap<Uuid, Vec<VcInteraction>> = HashMap::new();
        for i in repo::vc_interactions(self.db.conn(), rooms).await? {
            out.entry(i.room_id).or_default().push(i);
        }
        Ok(out)
    }

    /// The virtual contributor engaged in a thread, if any.
    pub async fn vc_interaction(
        &self,
        room: Uuid,
        thread: &str,
    ) -> AppResult<Option<VcInteraction>> {
        repo::vc_interaction(self.db.conn(), room, thread).await
    }

    /// Engages a virtual contributor in a thread; the one engaged already stays (the first
    /// mention wins, as in the reference).
    pub async fn engage_vc(
        &self,
        room: Uuid,
        thread: &str,
        virtual_contributor: Uuid,
    ) -> AppResult<VcInteraction> {
        let conn = self.db.conn();
        if let Some(existing) = repo::vc_interaction(conn, room, thread).await? {
            return Ok(existing);
        }
        let new = VcInteraction {
            id: Uuid::now_v7(),
            room_id: room,
            thread_id: thread.to_owned(),
            virtual_contributor_id: virtual_contributor,
            external_thread_id: None,
        };
        match repo::insert_vc_interaction(conn, &new).await {
            Ok(()) => Ok(new),
            // engaged meanwhile by a concurrent message: that one stays
            Err(e) => repo::vc_interaction(conn, room, thread).await?.ok_or(e),
        }
    }

    /// Records the engine's own thread id of an interaction (kept once set).
    pub async fn set_external_thread(&self, interaction: Uuid, external: &str) -> AppResult<()> {
        repo::set_external_thread(self.db.conn(), interaction, external).await
    }

    /// Posts a reply in a thread on behalf of a virtual contributor engaged there (its engine's
    /// answer): no caller privileges, as the platform itself posts it; announced like any
    /// message.
    pub async fn post_vc_reply(
        &self,
        interaction: &VcInteraction,
        body: String,
    ) -> AppResult<Message> {
        let room = self.room_or_fail(interaction.room_id).await?;
        let mut body = body;
        if body.chars().count() > MESSAGE_MAX_LENGTH {
            body = body.chars().take(MESSAGE_MAX_LENGTH).collect();
        }
        let message = Message {
            id: new_message_id(),
            room_id: room.id,
            sender_id: interaction.virtual_contributor_id,
            body,
            thread_id: Some(interaction.thread_id.clone()),
            created_us: now_us(),
            reactions: Vec::new(),
        };
        let txn = self.db.begin().await?;
        Self::store_in(&txn, &message).await?;
        txn.commit().await?;
        self.announce_sent(&room, &message);
        Ok(message)
    }

    /// The newest message of each room.
    pub async fn last_messages(&self, rooms: &[Uuid]) -> AppResult<HashMap<Uuid, Message>> {
        repo::last_messages(self.db.conn(), rooms).await
    }

    /// How many messages by others `actor` has not read, per room and per thread (thread key
    /// "" is the room's top level). A receipt in the room covers everything up to it; one in a
    /// thread covers that thread's replies.
    pub async fn unread(
        &self,
        actor: Uuid,
        rooms: &[Uuid],
    ) -> AppResult<HashMap<Uuid, HashMap<String, i64>>> {
        let receipts = repo::receipts(self.db.conn(), actor, rooms).await?;
        let floor = rooms
            .iter()
            .map(|r| {
                receipts
                    .get(r)
                    .and_then(|t| t.get(""))
                    .copied()
                    .unwrap_or(i64::MIN)
            })
            .min()
            .unwrap_or(i64::MIN);
        let marks = repo::message_marks(self.db.conn(), rooms, actor, floor).await?;
        let mut out: HashMap<Uuid, HashMap<String, i64>> = HashMap::new();
        for (room, thread, at) in marks {
            let mine = receipts.get(&room);
            let room_read = mine.and_then(|t| t.get("")).copied().unwrap_or(i64::MIN);
            let key = thread.unwrap_or_default();
            let thread_read = if key.is_empty() {
                i64::MIN
            } else {
                mine.and_then(|t| t.get(&key)).copied().unwrap_or(i64::MIN)
            };
            if at > room_read.max(thread_read) {
                *out.entry(room).or_default().entry(key).or_default() += 1;
            }
        }
        Ok(out)
    }

    async fn require(
        &self,
        caller: &ActorContext,
        room: &Room,
        privilege: P,
        action: &str,
    ) -> AppResult<()> {
        let policy = match room.authorization_id {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        };
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            action,
        )
    }

    fn sender(caller: &ActorContext) -> AppResult<Uuid> {
        caller.authenticated_id().ok_or_else(|| {
            AppError::new(
                ErrorStatus::ForbiddenPolicy,
                "Only registered users can take part in a room",
            )
        })
    }

    fn announce(&self, room: &Room, kind: RoomEventKind) {
        // Nobody listening is not an error.
        let _ = self.events.send(RoomEvent {
            room_id: room.id,
            room_type: room.room_type,
            kind,
        });
    }

    async fn message_in(&self, room: &Room, id: &str) -> AppResult<Message> {
        repo::message(self.db.conn(), id)
            .await?
            .filter(|m| m.room_id == room.id)
            .ok_or_else(|| {
                AppError::not_found(format!("Message {id} not found in room {}", room.id))
            })
    }

    /// `sendMessageToRoom` (needs CREATE_MESSAGE) and `sendMessageReplyToRoom` (needs
    /// CREATE_MESSAGE_REPLY; the thread must be a message of the room that starts a thread).
    pub async fn send(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        body: String,
        thread: Option<String>,
    ) -> AppResult<Message> {
        let (room, message) = self.prepare(caller, room_id, body, thread).await?;
        let txn = self.db.begin().await?;
        Self::store_in(&txn, &message).await?;
        txn.commit().await?;
        self.announce_sent(&room, &message);
        Ok(message)
    }

    /// A message the caller may send, checked as [`Self::send`] checks it, not stored yet, with
    /// its room.
    pub async fn prepare(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        body: String,
        thread: Option<String>,
    ) -> AppResult<(Room, Message)> {
        let room = self.room_or_fail(room_id).await?;
        match &thread {
            None => {
                self.require(caller, &room, P::CreateMessage, "send a message")
                    .await?
            }
            Some(_) => {
                self.require(caller, &room, P::CreateMessageReply, "reply to a message")
                    .await?
            }
        }
        let sender = Self::sender(caller)?;
        if body.trim().is_empty() {
            return Err(AppError::bad_input("A message needs some text"));
        }
        if body.chars().count() > MESSAGE_MAX_LENGTH {
            return Err(AppError::bad_input(format!(
                "A message has at most {MESSAGE_MAX_LENGTH} characters"
            )));
        }
        if let Some(thread) = &thread {
            let root = self.message_in(&room, thread).await?;
            if root.thread_id.is_some() {
                return Err(AppError::bad_input(format!(
                    "Message {thread} is a reply; reply to the message that starts its thread"
                )));
            }
        }
        let message = Message {
            id: new_message_id(),
            room_id,
            sender_id: sender,
            body,
            thread_id: thread,
            created_us: now_us(),
            reactions: Vec::new(),
        };
        Ok((room, message))
    }

    /// Stores a prepared message inside the caller's transaction; the sender has read it.
    pub async fn store_in(conn: &impl ConnectionTrait, message: &Message) -> AppResult<()> {
        repo::insert_message(conn, message).await?;
        repo::mark_read(
            conn,
            message.sender_id,
            message.room_id,
            message.thread_id.as_deref().unwrap_or(""),
            message.created_us,
        )
        .await
    }

    /// Tells the room's live subscribers of a stored message (after its commit).
    pub fn announce_sent(&self, room: &Room, message: &Message) {
        self.announce(room, RoomEventKind::MessageCreated(message.clone()));
    }

    /// `addReactionToMessageInRoom`: needs CREATE_MESSAGE_REACTION.
    pub async fn react(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        message_id: &str,
        emoji: String,
    ) -> AppResult<Reaction> {
        let room = self.room_or_fail(room_id).await?;
        self.require(
            caller,
            &room,
            P::CreateMessageReaction,
            "react to a message",
        )
        .await?;
        let sender = Self::sender(caller)?;
        let message = self.message_in(&room, message_id).await?;
        let reaction = Reaction {
            id: new_message_id(),
            message_id: message.id,
            room_id,
            sender_id: sender,
            emoji,
            created_us: now_us(),
        };
        let txn = self.db.begin().await?;
        repo::insert_reaction(&txn, &reaction).await?;
        txn.commit().await?;
        self.announce(&room, RoomEventKind::ReactionAdded(reaction.clone()));
        Ok(reaction)
    }

    /// Whether the caller may remove something `sender` wrote: the sender may, and so may whoever
    /// holds DELETE on the room.
    async fn require_remove(
        &self,
        caller: &ActorContext,
        room: &Room,
        sender: Uuid,
        action: &str,
    ) -> AppResult<()> {
        if caller.authenticated_id() == Some(sender) {
            return Ok(());
        }
        self.require(caller, room, P::Delete, action).await
    }

    /// `removeReactionToMessageInRoom`: its sender or DELETE on the room.
    pub async fn unreact(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        reaction_id: &str,
    ) -> AppResult<bool> {
        let room = self.room_or_fail(room_id).await?;
        let reaction = repo::reaction(self.db.conn(), reaction_id)
            .await?
            .filter(|r| r.room_id == room.id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Reaction {reaction_id} not found in room {room_id}"
                ))
            })?;
        self.require_remove(caller, &room, reaction.sender_id, "remove a reaction")
            .await?;
        let txn = self.db.begin().await?;
        repo::delete_reaction(&txn, &reaction.id).await?;
        txn.commit().await?;
        self.announce(&room, RoomEventKind::ReactionRemoved(reaction));
        Ok(true)
    }

    /// `removeMessageOnRoom`: its sender or DELETE on the room. Replies in its thread stay.
    pub async fn remove_message(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        message_id: &str,
    ) -> AppResult<String> {
        let room = self.room_or_fail(room_id).await?;
        let message = self.message_in(&room, message_id).await?;
        self.require_remove(caller, &room, message.sender_id, "remove a message")
            .await?;
        let txn = self.db.begin().await?;
        repo::delete_message(&txn, &message).await?;
        txn.commit().await?;
        self.announce(
            &room,
            RoomEventKind::MessageDeleted {
                message_id: message.id.clone(),
                thread_id: message.thread_id.clone(),
            },
        );
        Ok(message.id)
    }

    /// `markMessageAsReadInRoom`: needs READ; everything up to the message counts as read in
    /// the room, or in the thread when one is given.
    pub async fn mark_read(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        message_id: &str,
        thread: Option<String>,
    ) -> AppResult<bool> {
        let room = self.room_or_fail(room_id).await?;
        self.require(caller, &room, P::Read, "mark a message as read")
            .await?;
        let reader = Self::sender(caller)?;
        let message = self.message_in(&room, message_id).await?;
        let txn = self.db.begin().await?;
        repo::mark_read(
            &txn,
            reader,
            room_id,
            thread.as_deref().unwrap_or(""),
            message.created_us,
        )
        .await?;
        txn.commit().await?;
        self.announce(
            &room,
            RoomEventKind::ReceiptUpdated {
                actor: reader,
                message_id: message.id,
            },
        );
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_44_url_safe_characters() {
        let a = new_message_id();
        let b = new_message_id();
        assert_eq!(a.len(), 44);
        assert!(a.starts_with('$'));
        assert!(
            a[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, b);
    }
}
