//! SQL of conversations: the platform's messaging, conversations and their memberships.

use std::collections::HashMap;

use alkemio_kernel::AppResult;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::conversation::{Conversation, ConversationKind, Messaging};

pub(crate) mod messaging {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "messaging")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod conversation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "conversation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub messaging_id: Uuid,
        pub room_id: Uuid,
        pub kind: String,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod membership {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "conversation_membership")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub conversation_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: Uuid,
        pub created_date: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_conversation(c: conversation::Model) -> Conversation {
    Conversation {
        id: c.id,
        messaging_id: c.messaging_id,
        room_id: c.room_id,
        kind: if c.kind == "direct" {
            ConversationKind::Direct
        } else {
            ConversationKind::Group
        },
        authorization_id: c.authorization_id,
        created_date: c.created_date,
        updated_date: c.updated_date,
    }
}

/// The platform's messaging, if it exists yet.
pub async fn messaging(conn: &impl ConnectionTrait) -> AppResult<Option<Messaging>> {
    Ok(messaging::Entity::find()
        .order_by_asc(messaging::Column::CreatedDate)
        .one(conn)
        .await?
        .map(|m| Messaging {
            id: m.id,
            authorization_id: m.authorization_id,
            created_date: m.created_date,
            updated_date: m.updated_date,
        }))
}

/// Stores the platform's messaging.
pub async fn insert_messaging(conn: &impl ConnectionTrait, m: &Messaging) -> AppResult<()> {
    messaging::Entity::insert(messaging::ActiveModel {
        id: Set(m.id),
        created_date: Set(m.created_date),
        updated_date: Set(m.updated_date),
        version: Set(1),
        authorization_id: Set(m.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a conversation and its members.
pub async fn insert_conversation(
    conn: &impl ConnectionTrait,
    c: &Conversation,
    members: &[Uuid],
) -> AppResult<()> {
    conversation::Entity::insert(conversation::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        messaging_id: Set(c.messaging_id),
        room_id: Set(c.room_id),
        kind: Set(c.kind.as_str().to_owned()),
        authorization_id: Set(c.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    for m in members {
        add_member(conn, c.id, *m).await?;
    }
    Ok(())
}

/// Adds a member (nothing when it is one already).
pub async fn add_member(
    conn: &impl ConnectionTrait,
    conversation: Uuid,
    actor: Uuid,
) -> AppResult<()> {
    if membership::Entity::find_by_id((conversation, actor))
        .one(conn)
        .await?
        .is_some()
    {
        return Ok(());
    }
    membership::Entity::insert(membership::ActiveModel {
        conversation_id: Set(conversation),
        actor_id: Set(actor),
        created_date: Set(chrono::Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Removes a member; whether it was one.
pub async fn remove_member(
    conn: &impl ConnectionTrait,
    conversation: Uuid,
    actor: Uuid,
) -> AppResult<bool> {
    let done = membership::Entity::delete_many()
        .filter(membership::Column::ConversationId.eq(conversation))
        .filter(membership::Column::ActorId.eq(actor))
        .exec(conn)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Conversations by id.
pub async fn conversations(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Conversation>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(conversation::Entity::find()
        .filter(conversation::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, to_conversation(c)))
        .collect())
}

/// The conversations an actor is a member of, newest first.
pub async fn conversations_of(
    conn: &impl ConnectionTrait,
    actor: Uuid,
) -> AppResult<Vec<Conversation>> {
    let ids: Vec<Uuid> = membership::Entity::find()
        .select_only()
        .column(membership::Column::ConversationId)
        .filter(membership::Column::ActorId.eq(actor))
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conversation::Entity::find()
        .filter(conversation::Column::Id.is_in(ids))
        .order_by_desc(conversation::Column::CreatedDate)
        .order_by_desc(conversation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_conversation)
        .collect())
}

/// The members of conversations, oldest membership first.
pub async fn members(
    conn: &impl ConnectionTrait,
    conversations: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
    if conversations.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Uuid)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::ConversationId)
        .column(membership::Column::ActorId)
        .filter(membership::Column::ConversationId.is_in(conversations.iter().copied()))
        .order_by_asc(membership::Column::CreatedDate)
        .order_by_asc(membership::Column::ActorId)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (c, a) in rows {
        out.entry(c).or_default().push(a);
    }
    Ok(out)
}

/// The direct conversation between two actors, if there is one.
pub async fn direct_between(
    conn: &impl ConnectionTrait,
    a: Uuid,
    b: Uuid,
) -> AppResult<Option<Conversation>> {
    let of_a: Vec<Uuid> = membership::Entity::find()
        .select_only()
        .column(membership::Column::ConversationId)
        .filter(membership::Column::ActorId.eq(a))
        .into_tuple()
        .all(conn)
        .await?;
    if of_a.is_empty() {
        return Ok(None);
    }
    let shared: Vec<Uuid> = membership::Entity::find()
        .select_only()
        .column(membership::Column::ConversationId)
        .filter(membership::Column::ActorId.eq(b))
        .filter(membership::Column::ConversationId.is_in(of_a))
        .into_tuple()
        .all(conn)
        .await?;
    if shared.is_empty() {
        return Ok(None);
    }
    Ok(conversation::Entity::find()
        .filter(conversation::Column::Id.is_in(shared))
        .filter(conversation::Column::Kind.eq("direct"))
        .order_by_asc(conversation::Column::CreatedDate)
        .one(conn)
        .await?
        .map(to_conversation))
}

/// The conversation owning a room.
pub async fn by_room(conn: &impl ConnectionTrait, room: Uuid) -> AppResult<Option<Conversation>> {
    Ok(conversation::Entity::find()
        .filter(conversation::Column::RoomId.eq(room))
        .one(conn)
        .await?
        .map(to_conversation))
}

/// Deletes a conversation row and its memberships (its room is the caller's to delete).
pub async fn delete_conversation(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    membership::Entity::delete_many()
        .filter(membership::Column::ConversationId.eq(id))
        .exec(conn)
        .await?;
    conversation::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Touches a conversation's update time.
pub async fn touch(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    conversation::Entity::update_many()
        .col_expr(
            conversation::Column::UpdatedDate,
            Expr::value(chrono::Utc::now()),
        )
        .filter(conversation::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
