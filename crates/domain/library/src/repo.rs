//! SQL of the library module.

use std::collections::HashMap;

use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::entity;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::{InnovationPack, Library, SearchVisibility};

entity!(pack, "innovation_pack", {
    name_id: String,
    listed_in_store: bool,
    search_visibility: String,
    account_id: Option<Uuid>,
    profile_id: Option<Uuid>,
    templates_set_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(library, "library", {
    authorization_id: Option<Uuid>,
});

fn decode(r: pack::Model) -> AppResult<InnovationPack> {
    Ok(InnovationPack {
        id: r.id,
        name_id: r.name_id,
        listed_in_store: r.listed_in_store,
        search_visibility: r
            .search_visibility
            .parse()
            .map_err(|e| AppError::internal_msg(format_args!("innovation pack {}: {e}", r.id)))?,
        account_id: r.account_id.map(ActorId),
        profile_id: r.profile_id,
        templates_set_id: r.templates_set_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn model(p: &InnovationPack) -> pack::ActiveModel {
    pack::ActiveModel {
        id: Set(p.id),
        created_date: Set(p.created_date),
        updated_date: Set(p.updated_date),
        version: Set(1),
        name_id: Set(p.name_id.clone()),
        listed_in_store: Set(p.listed_in_store),
        search_visibility: Set(p.search_visibility.as_str().to_owned()),
        account_id: Set(p.account_id.map(|a| a.0)),
        profile_id: Set(p.profile_id),
        templates_set_id: Set(p.templates_set_id),
        authorization_id: Set(p.authorization_id),
    }
}

fn decode_all(rows: Vec<pack::Model>) -> AppResult<Vec<InnovationPack>> {
    rows.into_iter().map(decode).collect()
}

/// Stores a new pack.
pub async fn insert(conn: &impl ConnectionTrait, p: &InnovationPack) -> AppResult<()> {
    pack::Entity::insert(model(p))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Stores a changed pack.
pub async fn update(conn: &impl ConnectionTrait, p: &InnovationPack) -> AppResult<()> {
    pack::Entity::update(model(p)).exec(conn).await?;
    Ok(())
}

/// Deletes a pack's row.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    pack::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Packs by id.
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, InnovationPack>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = pack::Entity::find()
        .filter(pack::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(decode_all(rows)?.into_iter().map(|p| (p.id, p)).collect())
}

async fn one_by(
    conn: &impl ConnectionTrait,
    condition: sea_orm::sea_query::SimpleExpr,
) -> AppResult<Option<InnovationPack>> {
    pack::Entity::find()
        .filter(condition)
        .one(conn)
        .await?
        .map(decode)
        .transpose()
}

/// A pack by NameID.
pub async fn by_name_id(
    conn: &impl ConnectionTrait,
    name_id: &str,
) -> AppResult<Option<InnovationPack>> {
    one_by(conn, pack::Column::NameId.eq(name_id)).await
}

/// The pack owning a profile.
pub async fn by_profile(
    conn: &impl ConnectionTrait,
    profile: Uuid,
) -> AppResult<Option<InnovationPack>> {
    one_by(conn, pack::Column::ProfileId.eq(profile)).await
}

/// The pack holding a templates set.
pub async fn by_templates_set(
    conn: &impl ConnectionTrait,
    set: Uuid,
) -> AppResult<Option<InnovationPack>> {
    one_by(conn, pack::Column::TemplatesSetId.eq(set)).await
}

/// The packs holding some templates sets.
pub async fn by_templates_sets(
    conn: &impl ConnectionTrait,
    sets: &[Uuid],
) -> AppResult<Vec<InnovationPack>> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    decode_all(
        pack::Entity::find()
            .filter(pack::Column::TemplatesSetId.is_in(sets.iter().copied()))
            .all(conn)
            .await?,
    )
}

/// The packs of some accounts, oldest first.
pub async fn of_accounts(
    conn: &impl ConnectionTrait,
    accounts: &[Uuid],
) -> AppResult<Vec<InnovationPack>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    decode_all(
        pack::Entity::find()
            .filter(pack::Column::AccountId.is_in(accounts.iter().copied()))
            .order_by_asc(pack::Column::CreatedDate)
            .order_by_asc(pack::Column::Id)
            .all(conn)
            .await?,
    )
}

/// The packs the library lists (offered in the store and publicly visible), newest first.
pub async fn listed(conn: &impl ConnectionTrait) -> AppResult<Vec<InnovationPack>> {
    decode_all(
        pack::Entity::find()
            .filter(pack::Column::ListedInStore.eq(true))
            .filter(pack::Column::SearchVisibility.eq(SearchVisibility::Public.as_str()))
            .order_by_desc(pack::Column::CreatedDate)
            .order_by_desc(pack::Column::Id)
            .all(conn)
            .await?,
    )
}

/// Every pack, oldest first.
pub async fn all(conn: &impl ConnectionTrait) -> AppResult<Vec<InnovationPack>> {
    decode_all(
        pack::Entity::find()
            .order_by_asc(pack::Column::CreatedDate)
            .order_by_asc(pack::Column::Id)
            .all(conn)
            .await?,
    )
}

/// The NameIDs of every pack starting with `prefix`.
pub async fn name_ids_with_prefix(
    conn: &impl ConnectionTrait,
    prefix: &str,
) -> AppResult<Vec<String>> {
    Ok(pack::Entity::find()
        .select_only()
        .column(pack::Column::NameId)
        .filter(pack::Column::NameId.starts_with(prefix))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The library (the oldest row, should there ever be more).
pub async fn library(conn: &impl ConnectionTrait) -> AppResult<Option<Library>> {
    Ok(library::Entity::find()
        .order_by_asc(library::Column::CreatedDate)
        .one(conn)
        .await?
        .map(|r| Library {
            id: r.id,
            authorization_id: r.authorization_id,
            created_date: r.created_date,
            updated_date: r.updated_date,
        }))
}

/// Stores the library.
pub async fn insert_library(conn: &impl ConnectionTrait, l: &Library) -> AppResult<()> {
    library::Entity::insert(library::ActiveModel {
        id: Set(l.id),
        created_date: Set(l.created_date),
        updated_date: Set(l.updated_date),
        version: Set(1),
        authorization_id: Set(l.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
