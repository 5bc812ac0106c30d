//! SQL of in-app notifications (`in_app_notification`) and pending e-mails (`email_delivery`).

use alkemio_kernel::{AppError, AppResult};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::{EmailDelivery, InAppNotification};
use crate::values::{NotificationEvent, NotificationEventInAppState};

pub(crate) mod in_app_notification {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "in_app_notification")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub row_id: Option<i64>,
        pub r#type: String,
        pub category: String,
        pub state: String,
        pub triggered_at: DateTimeUtc,
        pub triggered_by_id: Option<Uuid>,
        pub receiver_id: Uuid,
        pub event_id: Option<Uuid>,
        pub payload: Json,
        pub space_id: Option<Uuid>,
        pub organization_id: Option<Uuid>,
        pub user_id: Option<Uuid>,
        pub application_id: Option<Uuid>,
        pub invitation_id: Option<Uuid>,
        pub contributor_actor_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod email_delivery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_delivery")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub event_id: Uuid,
        pub r#type: String,
        pub recipient: String,
        pub subject: String,
        pub text_body: String,
        pub html_body: String,
        pub envelope: Json,
        pub sent_date: Option<DateTimeUtc>,
        pub attempts: i32,
        pub last_error: Option<String>,
        pub lease_until: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use in_app_notification as n;

fn parse<T: std::str::FromStr>(value: &str, what: &str) -> AppResult<T> {
    value
        .parse()
        .map_err(|_| AppError::internal_msg(format_args!("stored {what} {value:?} is unknown")))
}

fn to_notification(m: n::Model) -> AppResult<InAppNotification> {
    Ok(InAppNotification {
        id: m.id,
        row_id: m.row_id.unwrap_or_default(),
        created_date: m.created_date,
        updated_date: m.updated_date,
        event: parse(&m.r#type, "notification type")?,
        category: parse(&m.category, "notification category")?,
        state: parse(&m.state, "notification state")?,
        triggered_at: m.triggered_at,
        triggered_by: m.triggered_by_id,
        receiver_id: m.receiver_id,
        payload: m.payload,
        space_id: m.space_id,
        organization_id: m.organization_id,
        user_id: m.user_id,
        application_id: m.application_id,
        invitation_id: m.invitation_id,
        contributor_actor_id: m.contributor_actor_id,
    })
}

/// Stores in-app notifications.
pub async fn insert_notifications(
    conn: &impl ConnectionTrait,
    items: &[InAppNotification],
    event_id: Uuid,
) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    n::Entity::insert_many(items.iter().map(|i| n::ActiveModel {
        id: Set(i.id),
        created_date: Set(i.created_date),
        updated_date: Set(i.updated_date),
        version: Set(1),
        row_id: sea_orm::ActiveValue::NotSet,
        r#type: Set(i.event.as_str().to_owned()),
        category: Set(i.category.as_str().to_owned()),
        state: Set(i.state.as_str().to_owned()),
        triggered_at: Set(i.triggered_at),
        triggered_by_id: Set(i.triggered_by),
        receiver_id: Set(i.receiver_id),
        event_id: Set(Some(event_id)),
        payload: Set(i.payload.clone()),
        space_id: Set(i.space_id),
        organization_id: Set(i.organization_id),
        user_id: Set(i.user_id),
        application_id: Set(i.application_id),
        invitation_id: Set(i.invitation_id),
        contributor_actor_id: Set(i.contributor_actor_id),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

fn of_receiver(receiver: Uuid, types: Option<&[NotificationEvent]>) -> sea_orm::Select<n::Entity> {
    let mut q = n::Entity::find().filter(n::Column::ReceiverId.eq(receiver));
    if let Some(types) = types {
        q = q.filter(n::Column::Type.is_in(types.iter().map(|t| t.as_str())));
    }
    q
}

/// One notification.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<InAppNotification>> {
    n::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_notification)
        .transpose()
}

/// The notifications of `receiver` (of `types` when given) that are not archived, newest
/// first: `limit` of them after the one with row `after` (exclusive), and the total.
pub async fn page(
    conn: &impl ConnectionTrait,
    receiver: Uuid,
    types: Option<&[NotificationEvent]>,
    newer_than: Option<i64>,
    older_than: Option<i64>,
    limit: u64,
    newest_first: bool,
) -> AppResult<(Vec<InAppNotification>, u64)> {
    let base = of_receiver(receiver, types)
        .filter(n::Column::State.ne(NotificationEventInAppState::Archived.as_str()));
    let total = base.clone().count(conn).await?;
    let mut q = base;
    if let Some(row) = newer_than {
        q = q.filter(n::Column::RowId.gt(row));
    }
    if let Some(row) = older_than {
        q = q.filter(n::Column::RowId.lt(row));
    }
    q = if newest_first {
        q.order_by_desc(n::Column::RowId)
    } else {
        q.order_by_asc(n::Column::RowId)
    };
    let rows = q
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(to_notification)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((rows, total))
}

/// The row number of notification `id` of `receiver`, if it is theirs.
pub async fn row_of(
    conn: &impl ConnectionTrait,
    receiver: Uuid,
    id: Uuid,
) -> AppResult<Option<i64>> {
    Ok(n::Entity::find_by_id(id)
        .filter(n::Column::ReceiverId.eq(receiver))
        .one(conn)
        .await?
        .and_then(|m| m.row_id))
}

/// Unread notifications of `receiver`.
pub async fn unread_count(conn: &impl ConnectionTrait, receiver: Uuid) -> AppResult<u64> {
    Ok(of_receiver(receiver, None)
        .filter(n::Column::State.eq(NotificationEventInAppState::Unread.as_str()))
        .count(conn)
        .await?)
}

/// Sets the state of `receiver`'s notifications (of `types` when given) that are not archived;
/// returns how many matched (those already in `to` included, as in the reference).
pub async fn set_states(
    conn: &impl ConnectionTrait,
    receiver: Uuid,
    types: Option<&[NotificationEvent]>,
    to: NotificationEventInAppState,
) -> AppResult<u64> {
    let mut q = n::Entity::update_many()
        .col_expr(n::Column::State, Expr::value(to.as_str()))
        .col_expr(
            n::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(n::Column::ReceiverId.eq(receiver))
        .filter(n::Column::State.ne(NotificationEventInAppState::Archived.as_str()));
    if let Some(types) = types {
        q = q.filter(n::Column::Type.is_in(types.iter().map(|t| t.as_str())));
    }
    Ok(q.exec(conn).await?.rows_affected)
}

/// Sets the state of one notification.
pub async fn set_state(
    conn: &impl ConnectionTrait,
    id: Uuid,
    to: NotificationEventInAppState,
) -> AppResult<()> {
    n::Entity::update_many()
        .col_expr(n::Column::State, Expr::value(to.as_str()))
        .col_expr(
            n::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(n::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes notifications older than `before`; returns how many.
pub async fn delete_older_than(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(n::Entity::delete_many()
        .filter(n::Column::TriggeredAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Receivers with more than `max` notifications.
pub async fn receivers_over(conn: &impl ConnectionTrait, max: u64) -> AppResult<Vec<Uuid>> {
    let rows: Vec<(Uuid, i64)> = n::Entity::find()
        .select_only()
        .column(n::Column::ReceiverId)
        .column_as(n::Column::Id.count(), "n")
        .group_by(n::Column::ReceiverId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, c)| u64::try_from(*c).unwrap_or(0) > max)
        .map(|(r, _)| r)
        .collect())
}

/// Deletes all but the newest `keep` notifications of `receiver`; returns how many. Only rows
/// older than the `keep`-th newest go, so one stored meanwhile stays.
pub async fn trim_receiver(
    conn: &impl ConnectionTrait,
    receiver: Uuid,
    keep: u64,
) -> AppResult<u64> {
    let boundary: Option<Option<i64>> = n::Entity::find()
        .select_only()
        .column(n::Column::RowId)
        .filter(n::Column::ReceiverId.eq(receiver))
        .order_by_desc(n::Column::RowId)
        .offset(keep.saturating_sub(1))
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    let Some(Some(boundary)) = boundary else {
        return Ok(0);
    };
    Ok(n::Entity::delete_many()
        .filter(n::Column::ReceiverId.eq(receiver))
        .filter(n::Column::RowId.lt(boundary))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Of `ids` in `table`, those that exist (for references that may have been deleted since).
pub async fn existing(
    conn: &impl ConnectionTrait,
    table: &str,
    ids: &[Uuid],
) -> AppResult<std::collections::HashSet<Uuid>> {
    if ids.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let backend = conn.get_database_backend();
    let placeholders: Vec<String> = (1..=ids.len())
        .map(|i| match backend {
            sea_orm::DbBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect();
    let sql = format!(
        r#"SELECT id FROM "{table}" WHERE id IN ({})"#,
        placeholders.join(", ")
    );
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            ids.iter().map(|id| (*id).into()),
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<Uuid>(0).map_err(AppError::from))
        .collect()
}

/// Stores e-mails to send; one already stored for the same event, type and recipient is kept.
pub async fn insert_emails(conn: &impl ConnectionTrait, items: &[EmailDelivery]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let now = Utc::now().trunc_subsecs(6);
    email_delivery::Entity::insert_many(items.iter().map(|e| email_delivery::ActiveModel {
        id: Set(e.id),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        event_id: Set(e.event_id),
        r#type: Set(e.event.as_str().to_owned()),
        recipient: Set(e.recipient.clone()),
        subject: Set(e.subject.clone()),
        text_body: Set(e.text_body.clone()),
        html_body: Set(e.html_body.clone()),
        envelope: Set(e.envelope.clone()),
        sent_date: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        lease_until: Set(None),
    }))
    .on_conflict(
        OnConflict::columns([
            email_delivery::Column::EventId,
            email_delivery::Column::Type,
            email_delivery::Column::Recipient,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

fn to_email(m: email_delivery::Model) -> AppResult<EmailDelivery> {
    Ok(EmailDelivery {
        id: m.id,
        event_id: m.event_id,
        event: parse(&m.r#type, "notification type")?,
        recipient: m.recipient,
        subject: m.subject,
        text_body: m.text_body,
        html_body: m.html_body,
        envelope: m.envelope,
    })
}

/// E-mails of `event_id` not sent yet.
pub async fn unsent_emails(
    conn: &impl ConnectionTrait,
    event_id: Uuid,
) -> AppResult<Vec<EmailDelivery>> {
    email_delivery::Entity::find()
        .filter(email_delivery::Column::EventId.eq(event_id))
        .filter(email_delivery::Column::SentDate.is_null())
        .order_by_asc(email_delivery::Column::CreatedDate)
        .all(conn)
        .await?
        .into_iter()
        .map(to_email)
        .collect()
}

/// Takes the lease on sending an unsent e-mail for `lease`; false when it is sent, or another
/// worker holds an unexpired lease on it.
pub async fn lease_email(
    conn: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> AppResult<bool> {
    let res = email_delivery::Entity::update_many()
        .col_expr(
            email_delivery::Column::LeaseUntil,
            Expr::value(Some(now + lease)),
        )
        .filter(email_delivery::Column::Id.eq(id))
        .filter(email_delivery::Column::SentDate.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(email_delivery::Column::LeaseUntil.is_null())
                .add(email_delivery::Column::LeaseUntil.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Marks an e-mail sent.
pub async fn mark_email_sent(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    email_delivery::Entity::update_many()
        .col_expr(
            email_delivery::Column::SentDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(email_delivery::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records a failed send.
pub async fn mark_email_failed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
) -> AppResult<()> {
    email_delivery::Entity::update_many()
        .col_expr(
            email_delivery::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(email_delivery::Column::Attempts), 1),
        )
        .col_expr(
            email_delivery::Column::LastError,
            Expr::value(error.to_owned()),
        )
        // the next attempt may take it at once
        .col_expr(
            email_delivery::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(email_delivery::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
