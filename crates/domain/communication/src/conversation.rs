//! User conversations: direct (two people) and group conversations held in the platform's one
//! messaging. Members read and write in the conversation's room; nobody else, platform admins
//! included, may read it.
//!
//! Done differently from the reference: a conversation's policy is rebuilt from its current
//! members on every change (the reference appended rules, so people who left kept access);
//! membership changes take effect in the request (the reference waited for Matrix to echo
//! them); members must be users, since no other kind of actor takes part yet.

use std::collections::HashMap;

use alkemio_authorization::repo::{self as auth_repo};
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C, PrivilegeRule, grant_access_or_fail,
};
use alkemio_contributor::{ActorType, UserService};
use alkemio_kernel::ids::{ActorId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_persistence::Database;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::conversation_repo as repo;
use crate::model::{Message, Room, RoomType};
use crate::service::CommunicationService;

/// The platform's messaging: the home of every conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Messaging {
    /// Its id.
    pub id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Two people, or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "ConversationCreationType")]
pub enum ConversationKind {
    /// Between two people.
    Direct,
    /// Among several people.
    Group,
}

impl ConversationKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationKind::Direct => "direct",
            ConversationKind::Group => "group",
        }
    }
}

/// A conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversation {
    /// Its id.
    pub id: Uuid,
    /// The messaging holding it.
    pub messaging_id: Uuid,
    /// Its room.
    pub room_id: Uuid,
    /// Direct or group.
    pub kind: ConversationKind,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// How a direct message to one user went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "DirectMessageDeliveryStatus")]
pub enum DeliveryStatus {
    /// Sent, in the direct conversation with the user.
    Sent,
    /// The user does not accept messages.
    BlockedNoConsent,
    /// Something else went wrong for this user (the others are still served).
    Failed,
}

/// The outcome of a direct message for one receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The receiver.
    pub receiver: Uuid,
    /// How it went.
    pub status: DeliveryStatus,
    /// The conversation it went to.
    pub conversation: Option<Uuid>,
}

/// Something that happened to a conversation, for its members' live subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationEvent {
    /// Who hears it.
    pub recipients: Vec<Uuid>,
    /// What happened.
    pub kind: ConversationEventKind,
}

/// What happened to a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationEventKind {
    /// It was started (with its first message, when sent with it).
    Created(Conversation, Option<Message>),
    /// It was renamed or got a new picture.
    Updated(Conversation),
    /// Its last member left.
    Deleted(Uuid),
    /// A member joined.
    MemberAdded(Conversation, Uuid),
    /// A member left or was taken out.
    MemberRemoved(Conversation, Uuid),
}

/// A new conversation, as asked for.
#[derive(Debug, Clone)]
pub struct NewConversation {
    /// Direct or group.
    pub kind: ConversationKind,
    /// The other members.
    pub member_ids: Vec<Uuid>,
    /// A group's name.
    pub display_name: Option<String>,
    /// A group's picture (`mxc://` or `https://`).
    pub avatar_url: Option<String>,
}

/// The messaging's policy: the platform's cascading rules, and any registered user may start a
/// conversation.
pub fn apply_messaging_policy(policy: &mut AuthorizationPolicy, platform: &AuthorizationPolicy) {
    policy.inherit_from(platform);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-messagingRegisteredCreate",
        vec![Credential::global(C::GlobalRegistered)],
        &[P::Create],
    )
    .local()]);
}

/// A conversation's policy: each user member may read and contribute; nothing else.
pub fn apply_conversation_policy(policy: &mut AuthorizationPolicy, members: &[Uuid]) {
    policy.reset();
    if members.is_empty() {
        return;
    }
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-conversationMembers",
        members
            .iter()
            .map(|m| Credential::new(C::UserSelfManagement, m))
            .collect(),
        &[P::Read, P::Contribute],
    )]);
}

/// A conversation room's policy: the conversation's, and contributors write, reply and react.
pub fn apply_conversation_room_policy(
    policy: &mut AuthorizationPolicy,
    conversation: &AuthorizationPolicy,
) {
    policy.inherit_from(conversation);
    policy.add_privilege_rules([PrivilegeRule::new(
        "policyRule-conversationContribute",
        P::Contribute,
        &[
            P::CreateMessage,
            P::CreateMessageReply,
            P::CreateMessageReaction,
        ],
    )]);
}

static AVATAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "constant pattern")]
    regex::Regex::new(r"^(mxc|https)://").unwrap()
});

/// Longest group name.
pub const DISPLAY_NAME_MAX: usize = 128;

fn check_group_fields(display_name: Option<&str>, avatar_url: Option<&str>) -> AppResult<()> {
    if display_name.is_some_and(|d| d.chars().count() > DISPLAY_NAME_MAX) {
        return Err(AppError::bad_input(format!(
            "A conversation name has at most {DISPLAY_NAME_MAX} characters"
        )));
    }
    if avatar_url.is_some_and(|a| !AVATAR.is_match(a)) {
        return Err(AppError::bad_input(
            "An avatar URL starts with mxc:// or https://",
        ));
    }
    Ok(())
}

/// Conversations.
#[derive(Debug, Clone)]
pub struct ConversationService {
    db: Database,
    users: UserService,
    rooms: CommunicationService,
    events: tokio::sync::broadcast::Sender<ConversationEvent>,
    /// The messaging, once known (it never changes but for its policy).
    messaging: std::sync::Arc<std::sync::OnceLock<Messaging>>,
}

impl ConversationService {
    /// A service over the database, users and rooms.
    pub fn new(db: Database, users: UserService, rooms: CommunicationService) -> Self {
        Self {
            db,
            users,
            rooms,
            events: tokio::sync::broadcast::channel(1024).0,
            messaging: std::sync::Arc::default(),
        }
    }

    /// Conversation events from now on (a slow receiver misses the oldest when 1,024 wait).
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<ConversationEvent> {
        self.events.subscribe()
    }

    /// Room events from now on (messages and receipts in conversation rooms among them).
    pub fn room_events(&self) -> tokio::sync::broadcast::Receiver<crate::model::RoomEvent> {
        self.rooms.room_events()
    }

    /// The conversation owning a room and its members, if the room is a conversation's.
    pub async fn of_room(&self, room: Uuid) -> AppResult<Option<(Conversation, Vec<Uuid>)>> {
        let Some(c) = repo::by_room(self.db.conn(), room).await? else {
            return Ok(None);
        };
        let members = self
            .members(&[c.id])
            .await?
            .remove(&c.id)
            .unwrap_or_default();
        Ok(Some((c, members)))
    }

    fn announce(&self, recipients: Vec<Uuid>, kind: ConversationEventKind) {
        // Nobody listening is not an error.
        let _ = self.events.send(ConversationEvent { recipients, kind });
    }

    /// `sendDirectMessageToUsers`: sends the message to each receiver in the direct
    /// conversation with them (started when there is none). Each receiver gets an outcome; one
    /// failing does not stop the others.
    pub async fn send_direct(
        &self,
        caller: &ActorContext,
        receivers: &[Uuid],
        body: String,
    ) -> AppResult<Vec<Delivery>> {
        let me = Self::caller_id(caller)?;
        if body.trim().is_empty() {
            return Err(AppError::bad_input("A message needs some text"));
        }
        if body.chars().count() > crate::service::MESSAGE_MAX_LENGTH {
            return Err(AppError::bad_input(format!(
                "A message has at most {} characters",
                crate::service::MESSAGE_MAX_LENGTH
            )));
        }
        let mut out: Vec<Delivery> = Vec::new();
        for receiver in receivers {
            if out.iter().any(|d| d.receiver == *receiver) {
                continue;
            }
            let outcome = if *receiver == me {
                Err(AppError::bad_input("A direct message goes to someone else"))
            } else {
                match self
                    .create(
                        caller,
                        NewConversation {
                            kind: ConversationKind::Direct,
                            member_ids: vec![*receiver],
                            display_name: None,
                            avatar_url: None,
                        },
                    )
                    .await
                {
                    Ok(c) => self
                        .send(caller, c.room_id, body.clone(), None)
                        .await
                        .map(|_| c.id),
                    Err(e) => Err(e),
                }
            };
            out.push(match outcome {
                Ok(conversation) => Delivery {
                    receiver: *receiver,
                    status: DeliveryStatus::Sent,
                    conversation: Some(conversation),
                },
                Err(e) => {
                    let status = if e.status() == ErrorStatus::MessagingNotEnabled {
                        DeliveryStatus::BlockedNoConsent
                    } else {
                        tracing::info!(receiver = %receiver, error = %e.message(), "direct message not delivered");
                        DeliveryStatus::Failed
                    };
                    Delivery {
                        receiver: *receiver,
                        status,
                        conversation: None,
                    }
                }
            });
        }
        Ok(out)
    }

    /// Creates the platform's messaging if it is missing and recomputes its policy from the
    /// platform's (at start-up).
    pub async fn ensure_messaging(&self, platform: &AuthorizationPolicy) -> AppResult<Messaging> {
        let txn = self.db.begin().await?;
        let messaging = match repo::messaging(&txn).await? {
            Some(m) => m,
            None => {
                let now = Utc::now().trunc_subsecs(6);
                let m = Messaging {
                    id: Uuid::now_v7(),
                    authorization_id: Some(Uuid::now_v7()),
                    created_date: now,
                    updated_date: now,
                };
                repo::insert_messaging(&txn, &m).await?;
                m
            }
        };
        let id = messaging.authorization_id.unwrap_or_else(Uuid::now_v7);
        let mut policy =
            AuthorizationPolicy::new(id, AuthorizationPolicyType::CommunicationMessaging);
        apply_messaging_policy(&mut policy, platform);
        auth_repo::save_all(&txn, &[policy]).await?;
        txn.commit().await?;
        let _ = self.messaging.set(messaging);
        Ok(messaging)
    }

    /// The platform's messaging (read once, then kept).
    pub async fn messaging(&self) -> AppResult<Option<Messaging>> {
        if let Some(m) = self.messaging.get() {
            return Ok(Some(*m));
        }
        let found = repo::messaging(self.db.conn()).await?;
        if let Some(m) = found {
            let _ = self.messaging.set(m);
        }
        Ok(found)
    }

    /// Conversations by id.
    pub async fn conversations(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Conversation>> {
        repo::conversations(self.db.conn(), ids).await
    }

    /// A conversation, or ENTITY_NOT_FOUND.
    pub async fn conversation_or_fail(&self, id: Uuid) -> AppResult<Conversation> {
        self.conversations(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Conversation {id} not found")))
    }

    /// The conversations an actor takes part in, newest first.
    pub async fn conversations_of(&self, actor: Uuid) -> AppResult<Vec<Conversation>> {
        repo::conversations_of(self.db.conn(), actor).await
    }

    /// The members of conversations.
    pub async fn members(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
        repo::members(self.db.conn(), ids).await
    }

    async fn require(
        &self,
        caller: &ActorContext,
        policy: Option<Uuid>,
        privilege: P,
        action: &str,
    ) -> AppResult<()> {
        let policy = match policy {
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

    fn caller_id(caller: &ActorContext) -> AppResult<Uuid> {
        caller.authenticated_id().ok_or_else(|| {
            AppError::new(
                ErrorStatus::ForbiddenPolicy,
                "Only registered users take part in conversations",
            )
        })
    }

    /// Whether a user accepts messages from other users (their communication settings).
    async fn accepts_messages(&self, user: Uuid) -> AppResult<bool> {
        let settings = self.users.settings(UserId(user)).await?;
        Ok(
            settings.document["communication"]["allowOtherUsersToSendMessages"]
                .as_bool()
                .unwrap_or(true),
        )
    }

    /// Fails unless the caller may read the user and the user accepts messages
    /// (MESSAGING_NOT_ENABLED): nobody is put into a conversation against their settings.
    /// (The reference checked this for direct conversations only.)
    async fn require_reachable(&self, caller: &ActorContext, user: Uuid) -> AppResult<()> {
        let found = self
            .users
            .user(UserId(user))
            .await?
            .ok_or_else(|| AppError::not_found(format!("User {user} not found")))?;
        self.require(caller, found.authorization_id, P::Read, "message a user")
            .await?;
        if !self.accepts_messages(user).await? {
            return Err(AppError::new(
                ErrorStatus::MessagingNotEnabled,
                format!("User {user} does not accept messages"),
            ));
        }
        Ok(())
    }

    async fn users_or_fail(&self, ids: &[Uuid]) -> AppResult<()> {
        let found = self.users.actors().many(ids).await?;
        for id in ids {
            match found.get(id) {
                Some(a) if a.actor_type == ActorType::User => {}
                Some(_) => {
                    return Err(AppError::bad_input(format!(
                        "Actor {id} is not a user; conversations are between users"
                    )));
                }
                None => return Err(AppError::not_found(format!("User {id} not found"))),
            }
        }
        Ok(())
    }

    /// The policies of a conversation and its room for these members.
    fn policies(
        conversation: &Conversation,
        room: &Room,
        members: &[Uuid],
    ) -> [AuthorizationPolicy; 2] {
        let mut cp = AuthorizationPolicy::new(
            conversation.authorization_id.unwrap_or_else(Uuid::now_v7),
            AuthorizationPolicyType::CommunicationConversation,
        );
        apply_conversation_policy(&mut cp, members);
        let mut rp = AuthorizationPolicy::new(
            room.authorization_id.unwrap_or_else(Uuid::now_v7),
            AuthorizationPolicyType::Room,
        );
        apply_conversation_room_policy(&mut rp, &cp);
        [cp, rp]
    }

    /// `createConversation`: needs CREATE on the messaging (any registered user). A direct
    /// conversation is with one other user, who must be readable by the caller and accept
    /// messages; an existing one between the two is returned instead of a new one. A group has
    /// the caller and at least one other user.
    pub async fn create(
        &self,
        caller: &ActorContext,
        new: NewConversation,
    ) -> AppResult<Conversation> {
        let messaging = self
            .messaging()
            .await?
            .ok_or_else(|| AppError::internal_msg("the platform has no messaging"))?;
        self.require(
            caller,
            messaging.authorization_id,
            P::Create,
            "start a conversation",
        )
        .await?;
        let me = Self::caller_id(caller)?;
        let mut others: Vec<Uuid> = Vec::new();
        for id in new.member_ids {
            if id != me && !others.contains(&id) {
                others.push(id);
            }
        }
        self.users_or_fail(&others).await?;
        let display_name = match new.kind {
            ConversationKind::Direct => {
                if others.len() != 1 {
                    return Err(AppError::bad_input(
                        "A direct conversation is with exactly one other user",
                    ));
                }
                let other = others[0];
                let user = self
                    .users
                    .user(UserId(other))
                    .await?
                    .ok_or_else(|| AppError::not_found(format!("User {other} not found")))?;
                self.require(caller, user.authorization_id, P::Read, "message a user")
                    .await?;
                if !self.accepts_messages(other).await? {
                    return Err(AppError::new(
                        ErrorStatus::MessagingNotEnabled,
                        format!("User {other} does not accept messages"),
                    ));
                }
                if let Some(existing) = repo::direct_between(self.db.conn(), me, other).await? {
                    return Ok(existing);
                }
                String::new()
            }
            ConversationKind::Group => {
                if others.is_empty() {
                    return Err(AppError::bad_input(
                        "A group conversation needs at least one other user",
                    ));
                }
                check_group_fields(new.display_name.as_deref(), new.avatar_url.as_deref())?;
                for other in &others {
                    self.require_reachable(caller, *other).await?;
                }
                new.display_name
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| format!("group-conversation-{}-members", others.len() + 1))
            }
        };
        let now = Utc::now().trunc_subsecs(6);
        let room = Room {
            id: Uuid::now_v7(),
            room_type: match new.kind {
                ConversationKind::Direct => RoomType::ConversationDirect,
                ConversationKind::Group => RoomType::ConversationGroup,
            },
            display_name,
            avatar_url: match new.kind {
                ConversationKind::Group => new.avatar_url,
                ConversationKind::Direct => None,
            },
            messages_count: 0,
            authorization_id: Some(Uuid::now_v7()),
            created_date: now,
            updated_date: now,
        };
        let conversation = Conversation {
            id: Uuid::now_v7(),
            messaging_id: messaging.id,
            room_id: room.id,
            kind: new.kind,
            authorization_id: Some(Uuid::now_v7()),
            created_date: now,
            updated_date: now,
        };
        let mut members = vec![me];
        members.extend(others);
        let policies = Self::policies(&conversation, &room, &members);
        let txn = self.db.begin().await?;
        crate::repo::insert_room(&txn, &room).await?;
        repo::insert_conversation(&txn, &conversation, &members).await?;
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        self.announce(members, ConversationEventKind::Created(conversation, None));
        Ok(conversation)
    }

    async fn set_members_in(
        &self,
        conn: &impl ConnectionTrait,
        conversation: &Conversation,
    ) -> AppResult<Vec<Uuid>> {
        let members = repo::members(conn, &[conversation.id])
            .await?
            .remove(&conversation.id)
            .unwrap_or_default();
        let room = crate::repo::rooms(conn, &[conversation.room_id])
            .await?
            .remove(&conversation.room_id)
            .ok_or_else(|| {
                AppError::internal_msg(format_args!(
                    "room of conversation {} missing",
                    conversation.id
                ))
            })?;
        auth_repo::save_all(conn, &Self::policies(conversation, &room, &members)).await?;
        repo::touch(conn, conversation.id).await?;
        Ok(members)
    }

    fn group_only(conversation: &Conversation, action: &str) -> AppResult<()> {
        if conversation.kind == ConversationKind::Group {
            Ok(())
        } else {
            Err(AppError::bad_input(format!(
                "Only a group conversation can {action}"
            )))
        }
    }

    /// `assignConversationMember`: a group's member adds a user (needs CONTRIBUTE).
    pub async fn add_member(
        &self,
        caller: &ActorContext,
        id: Uuid,
        member: Uuid,
    ) -> AppResult<bool> {
        let conversation = self.conversation_or_fail(id).await?;
        self.require(
            caller,
            conversation.authorization_id,
            P::Contribute,
            "add a conversation member",
        )
        .await?;
        Self::group_only(&conversation, "take new members")?;
        self.users_or_fail(&[member]).await?;
        self.require_reachable(caller, member).await?;
        let txn = self.db.begin().await?;
        repo::add_member(&txn, id, member).await?;
        let members = self.set_members_in(&txn, &conversation).await?;
        txn.commit().await?;
        self.announce(
            members,
            ConversationEventKind::MemberAdded(conversation, member),
        );
        Ok(true)
    }

    /// `removeConversationMember`: a group's member takes someone out (needs CONTRIBUTE).
    pub async fn remove_member(
        &self,
        caller: &ActorContext,
        id: Uuid,
        member: Uuid,
    ) -> AppResult<bool> {
        let conversation = self.conversation_or_fail(id).await?;
        self.require(
            caller,
            conversation.authorization_id,
            P::Contribute,
            "remove a conversation member",
        )
        .await?;
        Self::group_only(&conversation, "lose members")?;
        self.leave_in(&conversation, member).await
    }

    /// `leaveConversation`: a member leaves (needs READ); the last one to leave takes the
    /// conversation and its room with them.
    pub async fn leave(&self, caller: &ActorContext, id: Uuid) -> AppResult<bool> {
        let conversation = self.conversation_or_fail(id).await?;
        self.require(
            caller,
            conversation.authorization_id,
            P::Read,
            "leave a conversation",
        )
        .await?;
        let me = Self::caller_id(caller)?;
        self.leave_in(&conversation, me).await
    }

    async fn leave_in(&self, conversation: &Conversation, member: Uuid) -> AppResult<bool> {
        let txn = self.db.begin().await?;
        if !repo::remove_member(&txn, conversation.id, member).await? {
            return Err(AppError::not_found(format!(
                "{member} is not a member of conversation {}",
                conversation.id
            )));
        }
        let left = self.set_members_in(&txn, conversation).await?;
        if left.is_empty() {
            let mut policies: Vec<Uuid> = conversation.authorization_id.into_iter().collect();
            policies.extend(crate::repo::delete_rooms(&txn, &[conversation.room_id]).await?);
            repo::delete_conversation(&txn, conversation.id).await?;
            auth_repo::delete(&txn, &policies).await?;
        }
        txn.commit().await?;
        let mut told = left.clone();
        told.push(member);
        self.announce(
            told.clone(),
            ConversationEventKind::MemberRemoved(*conversation, member),
        );
        if left.is_empty() {
            self.announce(told, ConversationEventKind::Deleted(conversation.id));
        }
        Ok(true)
    }

    /// `updateConversation`: a group's name or picture (needs CONTRIBUTE).
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: Uuid,
        display_name: Option<String>,
        avatar_url: Option<String>,
    ) -> AppResult<bool> {
        let conversation = self.conversation_or_fail(id).await?;
        self.require(
            caller,
            conversation.authorization_id,
            P::Contribute,
            "update a conversation",
        )
        .await?;
        Self::group_only(&conversation, "be renamed")?;
        check_group_fields(display_name.as_deref(), avatar_url.as_deref())?;
        let txn = self.db.begin().await?;
        crate::repo::update_room(
            &txn,
            conversation.room_id,
            display_name.filter(|d| !d.trim().is_empty()),
            avatar_url,
        )
        .await?;
        repo::touch(&txn, id).await?;
        txn.commit().await?;
        let members = self.members(&[id]).await?.remove(&id).unwrap_or_default();
        let updated = self.conversation_or_fail(id).await?;
        self.announce(members, ConversationEventKind::Updated(updated));
        Ok(true)
    }

    /// Sends in a room as [`CommunicationService::send`] does, and in a direct conversation only
    /// while the other member accepts messages (MESSAGING_NOT_ENABLED otherwise).
    pub async fn send(
        &self,
        caller: &ActorContext,
        room_id: Uuid,
        body: String,
        thread: Option<String>,
    ) -> AppResult<Message> {
        let room = self.rooms.room_or_fail(room_id).await?;
        if room.room_type == RoomType::ConversationDirect
            && let Some(conversation) = repo::by_room(self.db.conn(), room_id).await?
        {
            let me = caller.authenticated_id();
            let members = self
                .members(&[conversation.id])
                .await?
                .remove(&conversation.id)
                .unwrap_or_default();
            for other in members.into_iter().filter(|m| Some(*m) != me) {
                if !self.accepts_messages(other).await? {
                    return Err(AppError::new(
                        ErrorStatus::MessagingNotEnabled,
                        format!("User {other} does not accept messages"),
                    ));
                }
            }
        }
        self.rooms.send(caller, room_id, body, thread).await
    }

    /// Removes a deleted actor from every conversation; conversations left empty go with their
    /// rooms.
    pub async fn forget_actor(&self, actor: ActorId) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let policies = Self::forget_actor_in(&txn, actor).await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Removes an actor from every conversation inside the caller's transaction (when the actor
    /// is deleted); conversations left empty go with their rooms. Returns the policy ids to
    /// delete.
    pub async fn forget_actor_in(
        conn: &impl ConnectionTrait,
        actor: ActorId,
    ) -> AppResult<Vec<Uuid>> {
        crate::repo::delete_receipts_of(conn, actor.0).await?;
        let mut deleted = Vec::new();
        for conversation in repo::conversations_of(conn, actor.0).await? {
            repo::remove_member(conn, conversation.id, actor.0).await?;
            let members = repo::members(conn, &[conversation.id])
                .await?
                .remove(&conversation.id)
                .unwrap_or_default();
            if members.is_empty() {
                deleted.extend(conversation.authorization_id);
                deleted.extend(crate::repo::delete_rooms(conn, &[conversation.room_id]).await?);
                repo::delete_conversation(conn, conversation.id).await?;
            } else if let Some(room) = crate::repo::rooms(conn, &[conversation.room_id])
                .await?
                .remove(&conversation.room_id)
            {
                auth_repo::save_all(conn, &Self::policies(&conversation, &room, &members)).await?;
            }
        }
        Ok(deleted)
    }
}
