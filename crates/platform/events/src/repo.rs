//! SQL of the outbox (`outbox_event`) and of consumers' processed-event marks
//! (`processed_event`).

use alkemio_kernel::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::event::EventRecord;

pub(crate) mod outbox_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub row_id: Option<i64>,
        pub name: String,
        pub payload: Json,
        pub occurred_date: DateTimeUtc,
        pub published_date: Option<DateTimeUtc>,
        pub attempts: i32,
        pub next_attempt_date: Option<DateTimeUtc>,
        pub dead_date: Option<DateTimeUtc>,
        pub last_error: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod processed_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "processed_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub consumer: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: Uuid,
        pub processed_date: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use outbox_event as ob;

/// An outbox row as the relay sees it.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// The event.
    pub record: EventRecord,
    /// Failed deliveries so far (in-process delivery only).
    pub attempts: i32,
    /// Set when the event was given up on (in-process delivery only).
    pub dead_date: Option<DateTime<Utc>>,
    /// The last delivery error.
    pub last_error: Option<String>,
}

fn to_row(m: ob::Model) -> AppResult<OutboxRow> {
    let record: EventRecord = serde_json::from_value(m.payload)
        .map_err(|e| AppError::internal_msg(format_args!("outbox row {}: {e}", m.id)))?;
    Ok(OutboxRow {
        record,
        attempts: m.attempts,
        dead_date: m.dead_date,
        last_error: m.last_error,
    })
}

/// Writes `record` to the outbox; call it on the transaction that makes the change.
pub async fn insert(conn: &impl ConnectionTrait, record: &EventRecord) -> AppResult<()> {
    let payload = serde_json::to_value(record)
        .map_err(|e| AppError::internal_msg(format_args!("encoding an event: {e}")))?;
    ob::Entity::insert(ob::ActiveModel {
        id: Set(record.id),
        row_id: sea_orm::ActiveValue::NotSet,
        name: Set(record.name().to_owned()),
        payload: Set(payload),
        occurred_date: Set(record.occurred_at),
        published_date: Set(None),
        attempts: Set(0),
        next_attempt_date: Set(None),
        dead_date: Set(None),
        last_error: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Unpublished, live events whose next attempt is due, oldest first.
pub async fn due(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<OutboxRow>> {
    ob::Entity::find()
        .filter(ob::Column::PublishedDate.is_null())
        .filter(ob::Column::DeadDate.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(ob::Column::NextAttemptDate.is_null())
                .add(ob::Column::NextAttemptDate.lte(now)),
        )
        .order_by_asc(ob::Column::RowId)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(to_row)
        .collect()
}

/// The earliest pending retry time, if any event waits for one.
pub async fn next_retry(conn: &impl ConnectionTrait) -> AppResult<Option<DateTime<Utc>>> {
    let row = ob::Entity::find()
        .filter(ob::Column::PublishedDate.is_null())
        .filter(ob::Column::DeadDate.is_null())
        .filter(ob::Column::NextAttemptDate.is_not_null())
        .order_by_asc(ob::Column::NextAttemptDate)
        .one(conn)
        .await?;
    Ok(row.and_then(|r| r.next_attempt_date))
}

/// Marks events delivered.
pub async fn mark_published(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    ob::Entity::update_many()
        .col_expr(ob::Column::PublishedDate, Expr::value(now))
        .col_expr(ob::Column::LastError, Expr::value(Option::<String>::None))
        .filter(ob::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records a failed delivery: the next attempt's time, or the time the event was given up on.
pub async fn mark_failed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    attempts: i32,
    error: &str,
    next_attempt: Option<DateTime<Utc>>,
    dead: Option<DateTime<Utc>>,
) -> AppResult<()> {
    ob::Entity::update_many()
        .col_expr(ob::Column::Attempts, Expr::value(attempts))
        .col_expr(ob::Column::LastError, Expr::value(error.to_owned()))
        .col_expr(ob::Column::NextAttemptDate, Expr::value(next_attempt))
        .col_expr(ob::Column::DeadDate, Expr::value(dead))
        .filter(ob::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Events given up on (the embedded default's dead letters), oldest first.
pub async fn dead(conn: &impl ConnectionTrait) -> AppResult<Vec<OutboxRow>> {
    ob::Entity::find()
        .filter(ob::Column::DeadDate.is_not_null())
        .filter(ob::Column::PublishedDate.is_null())
        .order_by_asc(ob::Column::RowId)
        .all(conn)
        .await?
        .into_iter()
        .map(to_row)
        .collect()
}

/// Puts dead events (all, or those in `ids`) back in line for delivery; returns how many.
pub async fn revive(conn: &impl ConnectionTrait, ids: Option<&[Uuid]>) -> AppResult<u64> {
    let mut update = ob::Entity::update_many()
        .col_expr(
            ob::Column::DeadDate,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            ob::Column::NextAttemptDate,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(ob::Column::Attempts, Expr::value(0))
        .filter(ob::Column::DeadDate.is_not_null())
        .filter(ob::Column::PublishedDate.is_null());
    if let Some(ids) = ids {
        update = update.filter(ob::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(conn).await?.rows_affected)
}

/// Deletes published events older than `before`; returns how many.
pub async fn purge_published(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> AppResult<u64> {
    Ok(ob::Entity::delete_many()
        .filter(ob::Column::PublishedDate.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Counts of events waiting, and given up on.
pub async fn counts(conn: &impl ConnectionTrait) -> AppResult<(u64, u64)> {
    use sea_orm::PaginatorTrait;
    let pending = ob::Entity::find()
        .filter(ob::Column::PublishedDate.is_null())
        .filter(ob::Column::DeadDate.is_null())
        .count(conn)
        .await?;
    let dead = ob::Entity::find()
        .filter(ob::Column::PublishedDate.is_null())
        .filter(ob::Column::DeadDate.is_not_null())
        .count(conn)
        .await?;
    Ok((pending, dead))
}

/// Marks `event_id` processed by `consumer`. Returns false when it already was: the caller
/// then skips the work, so an event delivered twice has one effect. Call it on the
/// transaction that stores the consumer's effect.
pub async fn claim(conn: &impl ConnectionTrait, consumer: &str, event_id: Uuid) -> AppResult<bool> {
    let res = processed_event::Entity::insert(processed_event::ActiveModel {
        consumer: Set(consumer.to_owned()),
        event_id: Set(event_id),
        processed_date: Set(chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)),
    })
    .on_conflict(
        OnConflict::columns([
            processed_event::Column::Consumer,
            processed_event::Column::EventId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(res == 1)
}

/// Whether `consumer` has processed `event_id`.
pub async fn is_processed(
    conn: &impl ConnectionTrait,
    consumer: &str,
    event_id: Uuid,
) -> AppResult<bool> {
    Ok(
        processed_event::Entity::find_by_id((consumer.to_owned(), event_id))
            .one(conn)
            .await?
            .is_some(),
    )
}
