//! Collaboration: every space has one collaboration holding a callouts set, and an activity
//! log ([`activity`]). For now the collaboration and its set carry their ids (the URL resolver
//! hands them to the client); callouts, contributions, the innovation flow and the policies of
//! these entities arrive with the collaboration issue.

pub mod activity;

use alkemio_kernel::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

mod collaboration_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "collaboration")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub callouts_set_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod callouts_set_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "callouts_set")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub set_type: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A collaboration and its callouts set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collaboration {
    /// Its id.
    pub id: Uuid,
    /// Its callouts set.
    pub callouts_set_id: Uuid,
    /// When it was created.
    pub created_date: DateTime<Utc>,
}

impl Collaboration {
    /// A new collaboration with a new callouts set.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            callouts_set_id: Uuid::now_v7(),
            created_date: now,
        }
    }
}

/// Stores a collaboration with its callouts set.
pub async fn insert(conn: &impl ConnectionTrait, c: &Collaboration) -> AppResult<()> {
    callouts_set_row::Entity::insert(callouts_set_row::ActiveModel {
        id: Set(c.callouts_set_id),
        created_date: Set(c.created_date),
        updated_date: Set(c.created_date),
        version: Set(1),
        set_type: Set("collaboration".to_owned()),
    })
    .exec_without_returning(conn)
    .await?;
    collaboration_row::Entity::insert(collaboration_row::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.created_date),
        version: Set(1),
        callouts_set_id: Set(c.callouts_set_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Collaborations by id.
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Collaboration>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(collaboration_row::Entity::find()
        .filter(collaboration_row::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| Collaboration {
            id: r.id,
            callouts_set_id: r.callouts_set_id,
            created_date: r.created_date,
        })
        .collect())
}

/// Deletes collaborations with their callouts sets.
pub async fn delete(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    let found = find_many(conn, ids).await?;
    collaboration_row::Entity::delete_many()
        .filter(collaboration_row::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    callouts_set_row::Entity::delete_many()
        .filter(callouts_set_row::Column::Id.is_in(found.iter().map(|c| c.callouts_set_id)))
        .exec(conn)
        .await?;
    Ok(())
}
