//! Community guidelines: a profile (title, text, references) with a policy. A space's about
//! has them, and so does a community guidelines template; this module stores the rows.

use std::collections::HashMap;

use alkemio_kernel::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The `community_guidelines` table.
pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "community_guidelines")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub profile_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Community guidelines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityGuidelines {
    /// Its id.
    pub id: Uuid,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Stores a guidelines row.
pub async fn insert(conn: &impl ConnectionTrait, g: &CommunityGuidelines) -> AppResult<()> {
    entity::Entity::insert(entity::ActiveModel {
        id: Set(g.id),
        created_date: Set(g.created_date),
        updated_date: Set(g.updated_date),
        version: Set(1),
        profile_id: Set(g.profile_id),
        authorization_id: Set(g.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Guidelines by id.
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, CommunityGuidelines>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                CommunityGuidelines {
                    id: r.id,
                    profile_id: r.profile_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// Deletes guidelines rows (their profiles and policies are the caller's to delete).
pub async fn delete_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    entity::Entity::delete_many()
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
