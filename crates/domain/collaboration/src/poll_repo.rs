//! SQL of polls: polls, their options and votes.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::entity;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::poll::{Poll, PollOption, PollStatus, PollVote};

entity!(poll, "poll", {
    title: String,
    status: String,
    settings: Json,
    authorization_id: Option<Uuid>,
});
entity!(option, "poll_option", {
    poll_id: Uuid,
    text: String,
    sort_order: i32,
});
entity!(vote, "poll_vote", {
    poll_id: Uuid,
    created_by: Uuid,
    selected_option_ids: Json,
});

fn corrupt(id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("poll {id}: {e}"))
}

/// Stores a new poll.
pub async fn insert_poll(conn: &impl ConnectionTrait, p: &Poll) -> AppResult<()> {
    poll::Entity::insert(poll::ActiveModel {
        id: Set(p.id),
        created_date: Set(p.created_date),
        updated_date: Set(p.updated_date),
        version: Set(1),
        title: Set(p.title.clone()),
        status: Set(p.status.as_str().to_owned()),
        settings: Set(serde_json::to_value(p.settings).map_err(|e| corrupt(p.id, e))?),
        authorization_id: Set(p.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a new option.
pub async fn insert_option(conn: &impl ConnectionTrait, o: &PollOption) -> AppResult<()> {
    option::Entity::insert(option::ActiveModel {
        id: Set(o.id),
        created_date: Set(o.created_date),
        updated_date: Set(o.updated_date),
        version: Set(1),
        poll_id: Set(o.poll_id),
        text: Set(o.text.clone()),
        sort_order: Set(o.sort_order),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Polls by id.
pub async fn polls(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Poll>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    poll::Entity::find()
        .filter(poll::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok((
                r.id,
                Poll {
                    id: r.id,
                    title: r.title,
                    status: r.status.parse().map_err(|e| corrupt(r.id, e))?,
                    settings: serde_json::from_value(r.settings).map_err(|e| corrupt(r.id, e))?,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            ))
        })
        .collect()
}

/// The options of polls, by poll.
pub async fn options_of(
    conn: &impl ConnectionTrait,
    polls: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<PollOption>>> {
    let mut out: HashMap<Uuid, Vec<PollOption>> = HashMap::new();
    if polls.is_empty() {
        return Ok(out);
    }
    for r in option::Entity::find()
        .filter(option::Column::PollId.is_in(polls.iter().copied()))
        .all(conn)
        .await?
    {
        out.entry(r.poll_id).or_default().push(PollOption {
            id: r.id,
            poll_id: r.poll_id,
            text: r.text,
            sort_order: r.sort_order,
            created_date: r.created_date,
            updated_date: r.updated_date,
        });
    }
    Ok(out)
}

/// The votes of polls, by poll, oldest first.
pub async fn votes_of(
    conn: &impl ConnectionTrait,
    polls: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<PollVote>>> {
    let mut out: HashMap<Uuid, Vec<PollVote>> = HashMap::new();
    if polls.is_empty() {
        return Ok(out);
    }
    let mut rows = vote::Entity::find()
        .filter(vote::Column::PollId.is_in(polls.iter().copied()))
        .all(conn)
        .await?;
    rows.sort_by_key(|r| (r.created_date, r.id));
    for r in rows {
        out.entry(r.poll_id).or_default().push(PollVote {
            id: r.id,
            poll_id: r.poll_id,
            created_by: r.created_by,
            selected_option_ids: serde_json::from_value(r.selected_option_ids)
                .map_err(|e| corrupt(r.poll_id, e))?,
            created_date: r.created_date,
            updated_date: r.updated_date,
        });
    }
    Ok(out)
}

/// Stores a voter's vote, replacing the one they had.
pub async fn upsert_vote(conn: &impl ConnectionTrait, v: &PollVote) -> AppResult<()> {
    vote::Entity::insert(vote::ActiveModel {
        id: Set(v.id),
        created_date: Set(v.created_date),
        updated_date: Set(v.updated_date),
        version: Set(1),
        poll_id: Set(v.poll_id),
        created_by: Set(v.created_by),
        selected_option_ids: Set(serde_json::json!(v.selected_option_ids)),
    })
    .on_conflict(
        OnConflict::columns([vote::Column::PollId, vote::Column::CreatedBy])
            .update_columns([vote::Column::SelectedOptionIds, vote::Column::UpdatedDate])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes votes.
pub async fn delete_votes(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    vote::Entity::delete_many()
        .filter(vote::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes an option.
pub async fn delete_option(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    option::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Changes an option's text.
pub async fn set_option_text(
    conn: &impl ConnectionTrait,
    id: Uuid,
    text: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    option::Entity::update_many()
        .col_expr(option::Column::Text, Expr::value(text))
        .col_expr(option::Column::UpdatedDate, Expr::value(at))
        .filter(option::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Numbers options 1, 2, … in the given order.
pub async fn set_sort_orders(conn: &impl ConnectionTrait, ordered: &[Uuid]) -> AppResult<()> {
    for (id, order) in ordered.iter().zip(1..) {
        option::Entity::update_many()
            .col_expr(option::Column::SortOrder, Expr::value(order))
            .filter(option::Column::Id.eq(*id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Changes a poll's title.
pub async fn set_title(
    conn: &impl ConnectionTrait,
    id: Uuid,
    title: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    poll::Entity::update_many()
        .col_expr(poll::Column::Title, Expr::value(title))
        .col_expr(poll::Column::UpdatedDate, Expr::value(at))
        .filter(poll::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Changes a poll's status.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: PollStatus,
    at: DateTime<Utc>,
) -> AppResult<()> {
    poll::Entity::update_many()
        .col_expr(poll::Column::Status, Expr::value(status.as_str()))
        .col_expr(poll::Column::UpdatedDate, Expr::value(at))
        .filter(poll::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Points a poll at its policy.
pub async fn set_authorization(
    conn: &impl ConnectionTrait,
    id: Uuid,
    policy: Uuid,
) -> AppResult<()> {
    poll::Entity::update_many()
        .col_expr(poll::Column::AuthorizationId, Expr::value(policy))
        .filter(poll::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes polls with their options and votes; returns their policies.
pub async fn delete_polls(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let policies = polls(conn, ids)
        .await?
        .into_values()
        .filter_map(|p| p.authorization_id)
        .collect();
    vote::Entity::delete_many()
        .filter(vote::Column::PollId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    option::Entity::delete_many()
        .filter(option::Column::PollId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    poll::Entity::delete_many()
        .filter(poll::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(policies)
}
