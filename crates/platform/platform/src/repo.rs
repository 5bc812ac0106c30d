//! SQL for the `platform` table.

use alkemio_kernel::ids::PlatformId;
use alkemio_kernel::{AppError, AppResult};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::model::{Platform, PlatformSettings, WellKnownDocument, WellKnownVirtualContributor};

pub(crate) mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "platform")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub settings: Json,
        pub authorization_id: Option<Uuid>,
        pub role_set_id: Option<Uuid>,
        pub storage_aggregator_id: Option<Uuid>,
        pub templates_manager_id: Option<Uuid>,
        pub well_known_virtual_contributors: Option<Json>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_model(row: entity::Model) -> AppResult<Platform> {
    let settings: PlatformSettings = serde_json::from_value(row.settings)
        .map_err(|e| AppError::internal_msg(format_args!("decoding platform settings: {e}")))?;
    let well_known: WellKnownDocument = match row.well_known_virtual_contributors {
        Some(doc) => serde_json::from_value(doc).map_err(|e| {
            AppError::internal_msg(format_args!(
                "decoding well-known virtual contributors: {e}"
            ))
        })?,
        None => WellKnownDocument::default(),
    };
    Ok(Platform {
        id: PlatformId(row.id),
        created_date: row.created_date,
        updated_date: row.updated_date,
        settings,
        authorization_id: row.authorization_id,
        role_set_id: row.role_set_id.map(alkemio_kernel::ids::RoleSetId),
        storage_aggregator_id: row.storage_aggregator_id,
        templates_manager_id: row.templates_manager_id,
        well_known_virtual_contributors: well_known.mappings,
    })
}

/// The platform row, if it exists (the oldest one, should there ever be two).
pub(crate) async fn find(conn: &impl ConnectionTrait) -> AppResult<Option<Platform>> {
    let row = entity::Entity::find()
        .order_by_asc(entity::Column::CreatedDate)
        .one(conn)
        .await?;
    row.map(to_model).transpose()
}

/// The platform row by id.
pub(crate) async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: PlatformId,
) -> AppResult<Option<Platform>> {
    entity::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(to_model)
        .transpose()
}

/// The platform row by id, locked until the transaction ends (PostgreSQL; SQLite lets one
/// writer at a time in anyway), for read-modify-write changes.
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    id: PlatformId,
) -> AppResult<Option<Platform>> {
    entity::Entity::find_by_id(id.0)
        .lock_exclusive()
        .one(conn)
        .await?
        .map(to_model)
        .transpose()
}

/// Inserts the platform row.
pub(crate) async fn insert(conn: &impl ConnectionTrait, platform: &Platform) -> AppResult<()> {
    let settings = serde_json::to_value(&platform.settings)
        .map_err(|e| AppError::internal_msg(format_args!("encoding platform settings: {e}")))?;
    entity::Entity::insert(entity::ActiveModel {
        id: Set(platform.id.0),
        created_date: Set(platform.created_date),
        updated_date: Set(platform.updated_date),
        version: Set(1),
        settings: Set(settings),
        authorization_id: Set(platform.authorization_id),
        role_set_id: Set(platform.role_set_id.map(|r| r.0)),
        storage_aggregator_id: Set(platform.storage_aggregator_id),
        templates_manager_id: Set(platform.templates_manager_id),
        well_known_virtual_contributors: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Points the platform at its authorization policy.
pub(crate) async fn set_authorization_id(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    authorization_id: uuid::Uuid,
) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::AuthorizationId,
            sea_orm::sea_query::Expr::value(authorization_id),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Points the platform at its role set.
pub(crate) async fn set_role_set_id(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    role_set_id: alkemio_kernel::ids::RoleSetId,
) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::RoleSetId,
            sea_orm::sea_query::Expr::value(role_set_id.0),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Points the platform at its storage aggregator.
pub(crate) async fn set_storage_aggregator_id(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    aggregator: uuid::Uuid,
) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::StorageAggregatorId,
            sea_orm::sea_query::Expr::value(aggregator),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Points the platform at its templates manager.
pub(crate) async fn set_templates_manager_id(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    manager: uuid::Uuid,
) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::TemplatesManagerId,
            sea_orm::sea_query::Expr::value(manager),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores which virtual contributor plays each well-known part.
pub(crate) async fn set_well_known_virtual_contributors(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    mappings: &[WellKnownVirtualContributor],
) -> AppResult<()> {
    let doc = serde_json::to_value(WellKnownDocument {
        mappings: mappings.to_vec(),
    })
    .map_err(|e| AppError::internal_msg(format_args!("encoding well-known mappings: {e}")))?;
    entity::Entity::update_many()
        .col_expr(
            entity::Column::WellKnownVirtualContributors,
            sea_orm::sea_query::Expr::value(doc),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores the platform-wide settings.
pub(crate) async fn set_settings(
    conn: &impl ConnectionTrait,
    id: PlatformId,
    settings: &crate::model::PlatformSettings,
) -> AppResult<()> {
    let doc = serde_json::to_value(settings)
        .map_err(|e| AppError::internal_msg(format_args!("encoding platform settings: {e}")))?;
    entity::Entity::update_many()
        .col_expr(
            entity::Column::Settings,
            sea_orm::sea_query::Expr::value(doc),
        )
        .filter(sea_orm::ColumnTrait::eq(&entity::Column::Id, id.0))
        .exec(conn)
        .await?;
    Ok(())
}
