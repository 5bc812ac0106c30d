//! SQL for innovation hubs.

use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::InnovationHub;

pub(crate) mod row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "innovation_hub")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub name_id: String,
        pub subdomain: String,
        #[sea_orm(column_name = "type")]
        pub hub_type: String,
        pub space_visibility_filter: Option<String>,
        pub space_list_filter: Option<Json>,
        pub innovation_pack_list_filter: Option<Json>,
        pub virtual_contributor_list_filter: Option<Json>,
        pub listed_in_store: bool,
        pub search_visibility: String,
        pub account_id: Option<Uuid>,
        pub profile_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn corrupt(id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("innovation hub {id}: {e}"))
}

fn decode(r: row::Model) -> AppResult<InnovationHub> {
    Ok(InnovationHub {
        id: r.id,
        name_id: r.name_id,
        subdomain: r.subdomain,
        hub_type: r.hub_type.parse().map_err(|e| corrupt(r.id, e))?,
        space_visibility_filter: r
            .space_visibility_filter
            .map(|v| v.parse())
            .transpose()
            .map_err(|e| corrupt(r.id, e))?,
        space_list_filter: r
            .space_list_filter
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt(r.id, e))?,
        pack_list_filter: r
            .innovation_pack_list_filter
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt(r.id, e))?,
        vc_list_filter: r
            .virtual_contributor_list_filter
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt(r.id, e))?,
        listed_in_store: r.listed_in_store,
        search_visibility: r.search_visibility.parse().map_err(|e| corrupt(r.id, e))?,
        account_id: r.account_id.map(ActorId),
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn model(h: &InnovationHub) -> row::ActiveModel {
    row::ActiveModel {
        id: Set(h.id),
        created_date: Set(h.created_date),
        updated_date: Set(h.updated_date),
        version: Set(1),
        name_id: Set(h.name_id.clone()),
        subdomain: Set(h.subdomain.clone()),
        hub_type: Set(h.hub_type.as_str().to_owned()),
        space_visibility_filter: Set(h.space_visibility_filter.map(|v| v.as_str().to_owned())),
        space_list_filter: Set(h
            .space_list_filter
            .as_ref()
            .map(|l| serde_json::to_value(l).unwrap_or_default())),
        innovation_pack_list_filter: Set(h
            .pack_list_filter
            .as_ref()
            .map(|l| serde_json::to_value(l).unwrap_or_default())),
        virtual_contributor_list_filter: Set(h
            .vc_list_filter
            .as_ref()
            .map(|l| serde_json::to_value(l).unwrap_or_default())),
        listed_in_store: Set(h.listed_in_store),
        search_visibility: Set(h.search_visibility.as_str().to_owned()),
        account_id: Set(h.account_id.map(|a| a.0)),
        profile_id: Set(h.profile_id),
        authorization_id: Set(h.authorization_id),
    }
}

/// Stores a new hub.
pub async fn insert(conn: &impl ConnectionTrait, h: &InnovationHub) -> AppResult<()> {
    row::Entity::insert(model(h))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Stores a changed hub.
pub async fn update(conn: &impl ConnectionTrait, h: &InnovationHub) -> AppResult<()> {
    row::Entity::update(model(h)).exec(conn).await?;
    Ok(())
}

/// A hub by id.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<InnovationHub>> {
    row::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// A hub by subdomain.
pub async fn by_subdomain(
    conn: &impl ConnectionTrait,
    subdomain: &str,
) -> AppResult<Option<InnovationHub>> {
    row::Entity::find()
        .filter(row::Column::Subdomain.eq(subdomain))
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// A hub by NameID.
pub async fn by_name_id(
    conn: &impl ConnectionTrait,
    name_id: &str,
) -> AppResult<Option<InnovationHub>> {
    row::Entity::find()
        .filter(row::Column::NameId.eq(name_id))
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// The hub owning a profile.
pub async fn by_profile(
    conn: &impl ConnectionTrait,
    profile: Uuid,
) -> AppResult<Option<InnovationHub>> {
    row::Entity::find()
        .filter(row::Column::ProfileId.eq(profile))
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// The hubs offered in the store and public, oldest first.
pub async fn listed(conn: &impl ConnectionTrait) -> AppResult<Vec<InnovationHub>> {
    row::Entity::find()
        .filter(row::Column::ListedInStore.eq(true))
        .filter(row::Column::SearchVisibility.eq(crate::model::SearchVisibility::Public.as_str()))
        .order_by_asc(row::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// The hubs of some accounts, oldest first.
pub async fn of_accounts(
    conn: &impl ConnectionTrait,
    accounts: &[Uuid],
) -> AppResult<Vec<InnovationHub>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    row::Entity::find()
        .filter(row::Column::AccountId.is_in(accounts.iter().copied()))
        .order_by_asc(row::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// The NameIDs of every hub starting with `prefix`.
pub async fn name_ids_with_prefix(
    conn: &impl ConnectionTrait,
    prefix: &str,
) -> AppResult<Vec<String>> {
    Ok(row::Entity::find()
        .select_only()
        .column(row::Column::NameId)
        .filter(row::Column::NameId.starts_with(prefix))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Deletes a hub.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    row::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}
