//! SQL for aggregators, buckets and documents.

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::{Document, StorageAggregator, StorageBucket};

pub(crate) mod aggregator {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "storage_aggregator")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        #[sea_orm(column_name = "type")]
        pub aggregator_type: String,
        pub authorization_id: Option<Uuid>,
        pub parent_storage_aggregator_id: Option<Uuid>,
        pub direct_storage_bucket_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod bucket {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "storage_bucket")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub allowed_mime_types: Json,
        pub max_file_size: i64,
        pub storage_aggregator_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod file {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "file")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub display_name: String,
        pub mime_type: String,
        pub size: i64,
        pub external_id: String,
        pub created_by: Option<Uuid>,
        pub temporary_location: bool,
        pub storage_bucket_id: Uuid,
        pub tags: Json,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn bad(what: &str, id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("{what} {id}: {e}"))
}

fn to_aggregator(r: aggregator::Model) -> AppResult<StorageAggregator> {
    Ok(StorageAggregator {
        id: r.id,
        aggregator_type: r
            .aggregator_type
            .parse()
            .map_err(|e| bad("storage aggregator", r.id, e))?,
        authorization_id: r.authorization_id,
        parent_id: r.parent_storage_aggregator_id,
        direct_bucket_id: r.direct_storage_bucket_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_bucket(r: bucket::Model) -> AppResult<StorageBucket> {
    Ok(StorageBucket {
        id: r.id,
        allowed_mime_types: serde_json::from_value(r.allowed_mime_types)
            .map_err(|e| bad("storage bucket", r.id, e))?,
        max_file_size: u64::try_from(r.max_file_size).unwrap_or(0),
        aggregator_id: r.storage_aggregator_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_document(r: file::Model) -> AppResult<Document> {
    Ok(Document {
        id: r.id,
        display_name: r.display_name,
        mime_type: r.mime_type,
        size: u64::try_from(r.size).unwrap_or(0),
        external_id: r.external_id,
        created_by: r.created_by,
        temporary_location: r.temporary_location,
        bucket_id: r.storage_bucket_id,
        tags: serde_json::from_value(r.tags).map_err(|e| bad("document", r.id, e))?,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// Inserts an aggregator.
pub async fn insert_aggregator(
    conn: &impl ConnectionTrait,
    a: &StorageAggregator,
) -> AppResult<()> {
    let now = now();
    aggregator::Entity::insert(aggregator::ActiveModel {
        id: Set(a.id),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        aggregator_type: Set(a.aggregator_type.as_str().to_owned()),
        authorization_id: Set(a.authorization_id),
        parent_storage_aggregator_id: Set(a.parent_id),
        direct_storage_bucket_id: Set(a.direct_bucket_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Inserts buckets.
pub async fn insert_buckets(
    conn: &impl ConnectionTrait,
    buckets: &[StorageBucket],
) -> AppResult<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    let now = now();
    let rows = buckets
        .iter()
        .map(|b| bucket::ActiveModel {
            id: Set(b.id),
            created_date: Set(now),
            updated_date: Set(now),
            version: Set(1),
            allowed_mime_types: Set(serde_json::json!(b.allowed_mime_types)),
            max_file_size: Set(i64::try_from(b.max_file_size).unwrap_or(i64::MAX)),
            storage_aggregator_id: Set(b.aggregator_id),
            authorization_id: Set(b.authorization_id),
        })
        .collect::<Vec<_>>();
    bucket::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// An aggregator by id.
pub async fn find_aggregator(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<StorageAggregator>> {
    aggregator::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_aggregator)
        .transpose()
}

/// Aggregators whose parent is `id`.
pub async fn child_aggregators(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Vec<StorageAggregator>> {
    aggregator::Entity::find()
        .filter(aggregator::Column::ParentStorageAggregatorId.eq(id))
        .order_by_asc(aggregator::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(to_aggregator)
        .collect()
}

/// A bucket by id.
pub async fn find_bucket(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<StorageBucket>> {
    bucket::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_bucket)
        .transpose()
}

/// Buckets by id, in one query.
pub async fn find_buckets(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<StorageBucket>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    bucket::Entity::find()
        .filter(bucket::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_bucket)
        .collect()
}

/// Buckets of an aggregator.
pub async fn buckets_of(
    conn: &impl ConnectionTrait,
    aggregator_id: Uuid,
) -> AppResult<Vec<StorageBucket>> {
    bucket::Entity::find()
        .filter(bucket::Column::StorageAggregatorId.eq(aggregator_id))
        .order_by_asc(bucket::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(to_bucket)
        .collect()
}

/// Gives an aggregator a new parent.
pub async fn set_aggregator_parent(
    conn: &impl ConnectionTrait,
    id: Uuid,
    parent: Option<Uuid>,
) -> AppResult<()> {
    aggregator::Entity::update_many()
        .col_expr(
            aggregator::Column::ParentStorageAggregatorId,
            sea_orm::sea_query::Expr::value(parent),
        )
        .filter(aggregator::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Inserts a document.
pub async fn insert_document(conn: &impl ConnectionTrait, d: &Document) -> AppResult<()> {
    file::Entity::insert(file::ActiveModel {
        id: Set(d.id),
        created_date: Set(d.created_date),
        updated_date: Set(d.updated_date),
        version: Set(1),
        display_name: Set(d.display_name.clone()),
        mime_type: Set(d.mime_type.clone()),
        size: Set(i64::try_from(d.size).unwrap_or(i64::MAX)),
        external_id: Set(d.external_id.clone()),
        created_by: Set(d.created_by),
        temporary_location: Set(d.temporary_location),
        storage_bucket_id: Set(d.bucket_id),
        tags: Set(serde_json::json!(d.tags)),
        authorization_id: Set(d.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Writes a document's display name and tags.
pub async fn update_document(conn: &impl ConnectionTrait, d: &Document) -> AppResult<()> {
    file::Entity::update(file::ActiveModel {
        id: Set(d.id),
        updated_date: Set(d.updated_date),
        display_name: Set(d.display_name.clone()),
        tags: Set(serde_json::json!(d.tags)),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// A document by id.
pub async fn find_document(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<Document>> {
    file::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_document)
        .transpose()
}

/// The document in a bucket with this content, if any.
pub async fn find_document_by_content(
    conn: &impl ConnectionTrait,
    bucket_id: Uuid,
    external_id: &str,
) -> AppResult<Option<Document>> {
    file::Entity::find()
        .filter(file::Column::StorageBucketId.eq(bucket_id))
        .filter(file::Column::ExternalId.eq(external_id))
        .one(conn)
        .await?
        .map(to_document)
        .transpose()
}

/// Documents of a bucket, oldest first.
pub async fn documents_of(
    conn: &impl ConnectionTrait,
    bucket_id: Uuid,
) -> AppResult<Vec<Document>> {
    file::Entity::find()
        .filter(file::Column::StorageBucketId.eq(bucket_id))
        .order_by_asc(file::Column::CreatedDate)
        .order_by_asc(file::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_document)
        .collect()
}

/// Total size of the documents of some buckets.
pub async fn total_size(conn: &impl ConnectionTrait, bucket_ids: &[Uuid]) -> AppResult<u64> {
    if bucket_ids.is_empty() {
        return Ok(0);
    }
    let sum: Option<Option<i64>> = file::Entity::find()
        .select_only()
        // PostgreSQL sums bigints as numeric: cast back so both databases return an integer.
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(file::Column::Size)),
                Alias::new("BIGINT"),
            )),
            "total",
        )
        .filter(file::Column::StorageBucketId.is_in(bucket_ids.iter().copied()))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(sum.flatten().map_or(0, |s| u64::try_from(s).unwrap_or(0)))
}

/// Deletes a document row.
pub async fn delete_document(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    file::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Whether any document still uses these bytes.
pub async fn content_in_use(conn: &impl ConnectionTrait, external_id: &str) -> AppResult<bool> {
    Ok(file::Entity::find()
        .filter(file::Column::ExternalId.eq(external_id))
        .one(conn)
        .await?
        .is_some())
}

/// Deletes storage aggregators (and the aggregators below them) with their buckets and
/// documents; returns the ids of the policies they had and the content hashes of the deleted
/// documents (whose bytes the caller removes once nothing else uses them).
pub async fn delete_aggregators(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(Vec<Uuid>, Vec<String>)> {
    let mut all: Vec<Uuid> = ids.to_vec();
    let mut frontier: Vec<Uuid> = ids.to_vec();
    while !frontier.is_empty() {
        let children: Vec<Uuid> = aggregator::Entity::find()
            .select_only()
            .column(aggregator::Column::Id)
            .filter(aggregator::Column::ParentStorageAggregatorId.is_in(frontier.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        all.extend(&children);
        frontier = children;
    }
    if all.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let aggregator_policies: Vec<Option<Uuid>> = aggregator::Entity::find()
        .select_only()
        .column(aggregator::Column::AuthorizationId)
        .filter(aggregator::Column::Id.is_in(all.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let buckets: Vec<(Uuid, Option<Uuid>)> = bucket::Entity::find()
        .select_only()
        .column(bucket::Column::Id)
        .column(bucket::Column::AuthorizationId)
        .filter(bucket::Column::StorageAggregatorId.is_in(all.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let files: Vec<(Option<Uuid>, String)> = if buckets.is_empty() {
        Vec::new()
    } else {
        file::Entity::find()
            .select_only()
            .column(file::Column::AuthorizationId)
            .column(file::Column::ExternalId)
            .filter(file::Column::StorageBucketId.is_in(buckets.iter().map(|b| b.0)))
            .into_tuple()
            .all(conn)
            .await?
    };
    let mut policies: Vec<Uuid> = aggregator_policies.into_iter().flatten().collect();
    policies.extend(buckets.iter().filter_map(|b| b.1));
    policies.extend(files.iter().filter_map(|f| f.0));
    let mut hashes: Vec<String> = files.into_iter().map(|f| f.1).collect();
    hashes.sort();
    hashes.dedup();
    // children first: a parent may not go while a child points at it
    for id in all.iter().rev() {
        // buckets and their documents go with their aggregator (foreign keys cascade)
        aggregator::Entity::delete_by_id(*id).exec(conn).await?;
    }
    Ok((policies, hashes))
}

/// Deletes storage buckets with their documents; returns the ids of their policies and the
/// content hashes of the deleted documents.
pub async fn delete_buckets(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(Vec<Uuid>, Vec<String>)> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let buckets: Vec<Option<Uuid>> = bucket::Entity::find()
        .select_only()
        .column(bucket::Column::AuthorizationId)
        .filter(bucket::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let files: Vec<(Option<Uuid>, String)> = file::Entity::find()
        .select_only()
        .column(file::Column::AuthorizationId)
        .column(file::Column::ExternalId)
        .filter(file::Column::StorageBucketId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut policies: Vec<Uuid> = buckets.into_iter().flatten().collect();
    policies.extend(files.iter().filter_map(|f| f.0));
    let mut hashes: Vec<String> = files.into_iter().map(|f| f.1).collect();
    hashes.sort();
    hashes.dedup();
    // documents go with their bucket (the foreign key cascades)
    bucket::Entity::delete_many()
        .filter(bucket::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok((policies, hashes))
}
