//! SQL of the communication module: rooms, communications, messages, reactions and read
//! receipts.

use std::collections::HashMap;

use alkemio_kernel::AppResult;
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::{Communication, Message, Reaction, Room, RoomType, VcInteraction};

alkemio_persistence::entity!(vc_interaction, "vc_interaction", {
    room_id: Uuid,
    thread_id: String,
    virtual_contributor_id: Uuid,
    external_thread_id: Option<String>,
});

pub(crate) mod room {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "room")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub room_type: String,
        pub display_name: String,
        pub avatar_url: Option<String>,
        pub messages_count: i32,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod communication {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "communication")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub updates_room_id: Uuid,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod message {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "message")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub room_id: Uuid,
        pub sender_id: Uuid,
        pub body: String,
        pub thread_id: Option<String>,
        pub created_us: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod reaction {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_reaction")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub message_id: String,
        pub room_id: Uuid,
        pub sender_id: Uuid,
        pub emoji: String,
        pub created_us: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod receipt {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "room_read_receipt")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub room_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub thread_key: String,
        pub read_up_to_us: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_room(r: room::Model) -> Room {
    Room {
        id: r.id,
        room_type: r.room_type.parse().unwrap_or(RoomType::Updates),
        display_name: r.display_name,
        avatar_url: r.avatar_url,
        messages_count: r.messages_count,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

fn to_message(m: message::Model) -> Message {
    Message {
        id: m.id,
        room_id: m.room_id,
        sender_id: m.sender_id,
        body: m.body,
        thread_id: m.thread_id,
        created_us: m.created_us,
        reactions: Vec::new(),
    }
}

fn to_reaction(r: reaction::Model) -> Reaction {
    Reaction {
        id: r.id,
        message_id: r.message_id,
        room_id: r.room_id,
        sender_id: r.sender_id,
        emoji: r.emoji,
        created_us: r.created_us,
    }
}

/// Stores a room.
pub async fn insert_room(conn: &impl ConnectionTrait, r: &Room) -> AppResult<()> {
    room::Entity::insert(room::ActiveModel {
        id: Set(r.id),
        created_date: Set(r.created_date),
        updated_date: Set(r.updated_date),
        version: Set(1),
        room_type: Set(r.room_type.as_str().to_owned()),
        display_name: Set(r.display_name.clone()),
        avatar_url: Set(r.avatar_url.clone()),
        messages_count: Set(r.messages_count),
        authorization_id: Set(r.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a communication.
pub async fn insert_communication(conn: &impl ConnectionTrait, c: &Communication) -> AppResult<()> {
    communication::Entity::insert(communication::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        updates_room_id: Set(c.updates_room_id),
        authorization_id: Set(c.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Renames a room or changes its picture (absent values stay).
pub async fn update_room(
    conn: &impl ConnectionTrait,
    id: Uuid,
    display_name: Option<String>,
    avatar_url: Option<String>,
) -> AppResult<()> {
    let mut update = room::Entity::update_many()
        .col_expr(
            room::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(room::Column::Id.eq(id));
    if let Some(name) = display_name {
        update = update.col_expr(room::Column::DisplayName, Expr::value(name));
    }
    if let Some(avatar) = avatar_url {
        update = update.col_expr(room::Column::AvatarUrl, Expr::value(avatar));
    }
    update.exec(conn).await?;
    Ok(())
}

/// Gives a room a new display name.
pub async fn rename_room(conn: &impl ConnectionTrait, id: Uuid, name: &str) -> AppResult<()> {
    room::Entity::update_many()
        .col_expr(room::Column::DisplayName, Expr::value(name))
        .col_expr(
            room::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(room::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Rooms by id.
pub async fn rooms(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Room>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(room::Entity::find()
        .filter(room::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_room(r)))
        .collect())
}

/// Communications by id.
pub async fn communications(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Communication>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(communication::Entity::find()
        .filter(communication::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| {
            (
                c.id,
                Communication {
                    id: c.id,
                    updates_room_id: c.updates_room_id,
                    authorization_id: c.authorization_id,
                    created_date: c.created_date,
                    updated_date: c.updated_date,
                },
            )
        })
        .collect())
}

/// The communication whose updates room this is.
pub async fn communication_of_updates_room(
    conn: &impl ConnectionTrait,
    room: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(communication::Entity::find()
        .select_only()
        .column(communication::Column::Id)
        .filter(communication::Column::UpdatesRoomId.eq(room))
        .into_tuple()
        .one(conn)
        .await?)
}

/// Messages by id (without reactions).
pub async fn messages_by_ids(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> AppResult<HashMap<String, Message>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(message::Entity::find()
        .filter(message::Column::Id.is_in(ids.iter().cloned()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id.clone(), to_message(m)))
        .collect())
}

/// Deletes communications with their rooms and everything said in them; returns the ids of
/// the policies they held.
pub async fn delete_communications(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let found = communications(conn, ids).await?;
    let room_ids: Vec<Uuid> = found.values().map(|c| c.updates_room_id).collect();
    let mut policies: Vec<Uuid> = found.values().filter_map(|c| c.authorization_id).collect();
    policies.extend(delete_rooms(conn, &room_ids).await?);
    if !ids.is_empty() {
        communication::Entity::delete_many()
            .filter(communication::Column::Id.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(policies)
}

/// Deletes rooms and everything said in them; returns the ids of their policies.
pub async fn delete_rooms(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let policies = rooms(conn, ids)
        .await?
        .into_values()
        .filter_map(|r| r.authorization_id)
        .collect();
    reaction::Entity::delete_many()
        .filter(reaction::Column::RoomId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    message::Entity::delete_many()
        .filter(message::Column::RoomId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    receipt::Entity::delete_many()
        .filter(receipt::Column::RoomId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    vc_interaction::Entity::delete_many()
        .filter(vc_interaction::Column::RoomId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    room::Entity::delete_many()
        .filter(room::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(policies)
}

/// The messages of rooms with their reactions, oldest first (two statements).
pub async fn messages(
    conn: &impl ConnectionTrait,
    rooms: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Message>>> {
    if rooms.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<Message> = message::Entity::find()
        .filter(message::Column::RoomId.is_in(rooms.iter().copied()))
        .order_by_asc(message::Column::CreatedUs)
        .order_by_asc(message::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_message)
        .collect();
    let mut reactions = reactions_of_rooms(conn, rooms).await?;
    let mut out: HashMap<Uuid, Vec<Message>> = HashMap::new();
    for mut m in found {
        m.reactions = reactions.remove(&m.id).unwrap_or_default();
        out.entry(m.room_id).or_default().push(m);
    }
    Ok(out)
}

async fn reactions_of_rooms(
    conn: &impl ConnectionTrait,
    rooms: &[Uuid],
) -> AppResult<HashMap<String, Vec<Reaction>>> {
    let mut out: HashMap<String, Vec<Reaction>> = HashMap::new();
    for r in reaction::Entity::find()
        .filter(reaction::Column::RoomId.is_in(rooms.iter().copied()))
        .order_by_asc(reaction::Column::CreatedUs)
        .order_by_asc(reaction::Column::Id)
        .all(conn)
        .await?
    {
        out.entry(r.message_id.clone())
            .or_default()
            .push(to_reaction(r));
    }
    Ok(out)
}

/// The newest message of each room, with its reactions.
pub async fn last_messages(
    conn: &impl ConnectionTrait,
    rooms: &[Uuid],
) -> AppResult<HashMap<Uuid, Message>> {
    if rooms.is_empty() {
        return Ok(HashMap::new());
    }
    let latest: Vec<(Uuid, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::RoomId)
        .column_as(message::Column::CreatedUs.max(), "latest")
        .filter(message::Column::RoomId.is_in(rooms.iter().copied()))
        .group_by(message::Column::RoomId)
        .into_tuple()
        .all(conn)
        .await?;
    if latest.is_empty() {
        return Ok(HashMap::new());
    }
    let mut any = Condition::any();
    for (room_id, at) in &latest {
        any = any.add(
            Condition::all()
                .add(message::Column::RoomId.eq(*room_id))
                .add(message::Column::CreatedUs.eq(*at)),
        );
    }
    let mut out: HashMap<Uuid, Message> = HashMap::new();
    for m in message::Entity::find()
        .filter(any)
        .order_by_asc(message::Column::Id)
        .all(conn)
        .await?
    {
        out.entry(m.room_id).or_insert_with(|| to_message(m));
    }
    let ids: Vec<String> = out.values().map(|m| m.id.clone()).collect();
    let mut reactions: HashMap<String, Vec<Reaction>> = HashMap::new();
    for r in reaction::Entity::find()
        .filter(reaction::Column::MessageId.is_in(ids))
        .order_by_asc(reaction::Column::CreatedUs)
        .all(conn)
        .await?
    {
        reactions
            .entry(r.message_id.clone())
            .or_default()
            .push(to_reaction(r));
    }
    for m in out.values_mut() {
        m.reactions = reactions.remove(&m.id).unwrap_or_default();
    }
    Ok(out)
}

/// One message.
pub async fn message(conn: &impl ConnectionTrait, id: &str) -> AppResult<Option<Message>> {
    Ok(message::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .map(to_message))
}

/// One reaction.
pub async fn reaction(conn: &impl ConnectionTrait, id: &str) -> AppResult<Option<Reaction>> {
    Ok(reaction::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .map(to_reaction))
}

/// Stores a message and counts it in its room.
pub async fn insert_message(conn: &impl ConnectionTrait, m: &Message) -> AppResult<()> {
    message::Entity::insert(message::ActiveModel {
        id: Set(m.id.clone()),
        room_id: Set(m.room_id),
        sender_id: Set(m.sender_id),
        body: Set(m.body.clone()),
        thread_id: Set(m.thread_id.clone()),
        created_us: Set(m.created_us),
    })
    .exec_without_returning(conn)
    .await?;
    count_messages(conn, m.room_id, 1).await
}

async fn count_messages(conn: &impl ConnectionTrait, room_id: Uuid, by: i32) -> AppResult<()> {
    let mut update = room::Entity::update_many()
        .col_expr(
            room::Column::MessagesCount,
            Expr::col(room::Column::MessagesCount).add(by),
        )
        .col_expr(
            room::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(room::Column::Id.eq(room_id));
    if by < 0 {
        // never below zero
        update = update.filter(room::Column::MessagesCount.gte(-by));
    }
    update.exec(conn).await?;
    Ok(())
}

/// Deletes a message and its reactions, and uncounts it.
pub async fn delete_message(conn: &impl ConnectionTrait, m: &Message) -> AppResult<()> {
    reaction::Entity::delete_many()
        .filter(reaction::Column::MessageId.eq(m.id.clone()))
        .exec(conn)
        .await?;
    message::Entity::delete_by_id(m.id.clone())
        .exec(conn)
        .await?;
    count_messages(conn, m.room_id, -1).await
}

/// Stores a reaction.
pub async fn insert_reaction(conn: &impl ConnectionTrait, r: &Reaction) -> AppResult<()> {
    reaction::Entity::insert(reaction::ActiveModel {
        id: Set(r.id.clone()),
        message_id: Set(r.message_id.clone()),
        room_id: Set(r.room_id),
        sender_id: Set(r.sender_id),
        emoji: Set(r.emoji.clone()),
        created_us: Set(r.created_us),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes a reaction.
pub async fn delete_reaction(conn: &impl ConnectionTrait, id: &str) -> AppResult<()> {
    reaction::Entity::delete_by_id(id.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Moves an actor's read receipt in a room (`thread_key` empty) or thread forward to `up_to`;
/// it never moves back.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    actor: Uuid,
    room_id: Uuid,
    thread_key: &str,
    up_to: i64,
) -> AppResult<()> {
    let key = (actor, room_id, thread_key.to_owned());
    match receipt::Entity::find_by_id(key).one(conn).await? {
        Some(existing) if existing.read_up_to_us >= up_to => {}
        Some(_) => {
            receipt::Entity::update_many()
                .col_expr(receipt::Column::ReadUpToUs, Expr::value(up_to))
                .filter(receipt::Column::ActorId.eq(actor))
                .filter(receipt::Column::RoomId.eq(room_id))
                .filter(receipt::Column::ThreadKey.eq(thread_key))
                .exec(conn)
                .await?;
        }
        None => {
            receipt::Entity::insert(receipt::ActiveModel {
                actor_id: Set(actor),
                room_id: Set(room_id),
                thread_key: Set(thread_key.to_owned()),
                read_up_to_us: Set(up_to),
            })
            .exec_without_returning(conn)
            .await?;
        }
    }
    Ok(())
}

/// Deletes every read receipt of an actor (when it is deleted).
pub async fn delete_receipts_of(conn: &impl ConnectionTrait, actor: Uuid) -> AppResult<()> {
    receipt::Entity::delete_many()
        .filter(receipt::Column::ActorId.eq(actor))
        .exec(conn)
        .await?;
    Ok(())
}

/// An actor's receipts in some rooms: by room, the room-wide one (key "") and per thread.
pub async fn receipts(
    conn: &impl ConnectionTrait,
    actor: Uuid,
    rooms: &[Uuid],
) -> AppResult<HashMap<Uuid, HashMap<String, i64>>> {
    if rooms.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<Uuid, HashMap<String, i64>> = HashMap::new();
    for r in receipt::Entity::find()
        .filter(receipt::Column::ActorId.eq(actor))
        .filter(receipt::Column::RoomId.is_in(rooms.iter().copied()))
        .all(conn)
        .await?
    {
        out.entry(r.room_id)
            .or_default()
            .insert(r.thread_key, r.read_up_to_us);
    }
    Ok(out)
}

/// Who sent what when in some rooms, newer than `after` (for unread counts): (room, thread,
/// sender, time), messages by `except` left out.
pub async fn message_marks(
    conn: &impl ConnectionTrait,
    rooms: &[Uuid],
    except: Uuid,
    after: i64,
) -> AppResult<Vec<(Uuid, Option<String>, i64)>> {
    if rooms.is_empty() {
        return Ok(Vec::new());
    }
    Ok(message::Entity::find()
        .select_only()
        .column(message::Column::RoomId)
        .column(message::Column::ThreadId)
        .column(message::Column::CreatedUs)
        .filter(message::Column::RoomId.is_in(rooms.iter().copied()))
        .filter(message::Column::SenderId.ne(except))
        .filter(message::Column::CreatedUs.gt(after))
        .into_tuple()
        .all(conn)
        .await?)
}

fn to_interaction(r: vc_interaction::Model) -> VcInteraction {
    VcInteraction {
        id: r.id,
        room_id: r.room_id,
        thread_id: r.thread_id,
        virtual_contributor_id: r.virtual_contributor_id,
        external_thread_id: r.external_thread_id,
    }
}

/// The virtual contributor interactions of rooms, oldest first (one statement).
pub async fn vc_interactions(
    conn: &impl ConnectionTrait,
    rooms: &[Uuid],
) -> AppResult<Vec<VcInteraction>> {
    if rooms.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vc_interaction::Entity::find()
        .filter(vc_interaction::Column::RoomId.is_in(rooms.iter().copied()))
        .order_by_asc(vc_interaction::Column::CreatedDate)
        .order_by_asc(vc_interaction::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_interaction)
        .collect())
}

/// The interaction of a room's thread, if a virtual contributor is engaged there.
pub async fn vc_interaction(
    conn: &impl ConnectionTrait,
    room: Uuid,
    thread: &str,
) -> AppResult<Option<VcInteraction>> {
    Ok(vc_interaction::Entity::find()
        .filter(vc_interaction::Column::RoomId.eq(room))
        .filter(vc_interaction::Column::ThreadId.eq(thread))
        .one(conn)
        .await?
        .map(to_interaction))
}

/// Stores a new interaction.
pub async fn insert_vc_interaction(
    conn: &impl ConnectionTrait,
    i: &VcInteraction,
) -> AppResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    vc_interaction::Entity::insert(vc_interaction::ActiveModel {
        id: Set(i.id),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        room_id: Set(i.room_id),
        thread_id: Set(i.thread_id.clone()),
        virtual_contributor_id: Set(i.virtual_contributor_id),
        external_thread_id: Set(i.external_thread_id.clone()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Records the engine's own thread id of an interaction that has none yet.
pub async fn set_external_thread(
    conn: &impl ConnectionTrait,
    id: Uuid,
    external: &str,
) -> AppResult<()> {
    vc_interaction::Entity::update_many()
        .col_expr(
            vc_interaction::Column::ExternalThreadId,
            Expr::value(external),
        )
        .filter(vc_interaction::Column::Id.eq(id))
        .filter(vc_interaction::Column::ExternalThreadId.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
