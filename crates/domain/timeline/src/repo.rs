//! SQL of the timeline module: timelines, calendars and events.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::{Calendar, CalendarEvent, Timeline};

mod timeline {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "timeline")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub calendar_id: Uuid,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod calendar {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar")]
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

mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub calendar_id: Uuid,
        pub name_id: String,
        #[sea_orm(column_name = "type")]
        pub event_type: String,
        pub created_by: Option<Uuid>,
        pub start_date: DateTimeUtc,
        pub whole_day: bool,
        pub multiple_days: bool,
        pub duration_minutes: i32,
        pub duration_days: Option<i32>,
        pub visible_on_parent_calendar: bool,
        pub profile_id: Uuid,
        pub comments_id: Uuid,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_event(r: event::Model) -> AppResult<CalendarEvent> {
    Ok(CalendarEvent {
        id: r.id,
        calendar_id: r.calendar_id,
        name_id: r.name_id,
        event_type: r.event_type.parse().map_err(|e| {
            AppError::internal_msg(format_args!("stored event type unreadable: {e}"))
        })?,
        created_by: r.created_by,
        start_date: r.start_date,
        whole_day: r.whole_day,
        multiple_days: r.multiple_days,
        duration_minutes: r.duration_minutes,
        duration_days: r.duration_days,
        visible_on_parent_calendar: r.visible_on_parent_calendar,
        profile_id: r.profile_id,
        comments_id: r.comments_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn event_model(e: &CalendarEvent) -> event::ActiveModel {
    event::ActiveModel {
        id: Set(e.id),
        created_date: Set(e.created_date),
        updated_date: Set(e.updated_date),
        version: Set(1),
        calendar_id: Set(e.calendar_id),
        name_id: Set(e.name_id.clone()),
        event_type: Set(e.event_type.as_str().to_owned()),
        created_by: Set(e.created_by),
        start_date: Set(e.start_date),
        whole_day: Set(e.whole_day),
        multiple_days: Set(e.multiple_days),
        duration_minutes: Set(e.duration_minutes),
        duration_days: Set(e.duration_days),
        visible_on_parent_calendar: Set(e.visible_on_parent_calendar),
        profile_id: Set(e.profile_id),
        comments_id: Set(e.comments_id),
        authorization_id: Set(e.authorization_id),
    }
}

/// Stores a timeline with its calendar.
pub async fn insert_timeline(
    conn: &impl ConnectionTrait,
    t: &Timeline,
    c: &Calendar,
) -> AppResult<()> {
    calendar::Entity::insert(calendar::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        authorization_id: Set(c.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    timeline::Entity::insert(timeline::ActiveModel {
        id: Set(t.id),
        created_date: Set(t.created_date),
        updated_date: Set(t.updated_date),
        version: Set(1),
        calendar_id: Set(t.calendar_id),
        authorization_id: Set(t.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Timelines by id.
pub async fn timelines(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Timeline>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(timeline::Entity::find()
        .filter(timeline::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                Timeline {
                    id: r.id,
                    calendar_id: r.calendar_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// The timeline holding a calendar.
pub async fn timeline_of_calendar(
    conn: &impl ConnectionTrait,
    calendar_id: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(timeline::Entity::find()
        .select_only()
        .column(timeline::Column::Id)
        .filter(timeline::Column::CalendarId.eq(calendar_id))
        .into_tuple()
        .one(conn)
        .await?)
}

/// Calendars by id.
pub async fn calendars(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Calendar>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(calendar::Entity::find()
        .filter(calendar::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                Calendar {
                    id: r.id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// Stores an event.
pub async fn insert_event(conn: &impl ConnectionTrait, e: &CalendarEvent) -> AppResult<()> {
    event::Entity::insert(event_model(e))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes an event's own columns.
pub async fn update_event(conn: &impl ConnectionTrait, e: &CalendarEvent) -> AppResult<()> {
    let mut model = event_model(e);
    model.updated_date = Set(Utc::now().trunc_subsecs(6));
    model.version = sea_orm::ActiveValue::NotSet;
    model.created_date = sea_orm::ActiveValue::NotSet;
    event::Entity::update(model).exec(conn).await?;
    Ok(())
}

/// Events by id.
pub async fn events(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, CalendarEvent>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_event(r).map(|e| (e.id, e)))
        .collect()
}

/// The events of calendars, by start.
pub async fn events_of(
    conn: &impl ConnectionTrait,
    calendars: &[Uuid],
) -> AppResult<Vec<CalendarEvent>> {
    if calendars.is_empty() {
        return Ok(Vec::new());
    }
    event::Entity::find()
        .filter(event::Column::CalendarId.is_in(calendars.iter().copied()))
        .order_by_asc(event::Column::StartDate)
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_event)
        .collect()
}

/// The NameIDs of a calendar's events.
pub async fn event_names(conn: &impl ConnectionTrait, calendar_id: Uuid) -> AppResult<Vec<String>> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::NameId)
        .filter(event::Column::CalendarId.eq(calendar_id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Deletes events; returns their policies, profiles and rooms.
pub async fn delete_events(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(Vec<Uuid>, Vec<Uuid>, Vec<Uuid>)> {
    let found = events(conn, ids).await?;
    let policies = found.values().filter_map(|e| e.authorization_id).collect();
    let profiles = found.values().map(|e| e.profile_id).collect();
    let rooms = found.values().map(|e| e.comments_id).collect();
    if !ids.is_empty() {
        event::Entity::delete_many()
            .filter(event::Column::Id.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok((policies, profiles, rooms))
}

/// Deletes timelines with their calendars (their events go first, by the caller); returns
/// their policies.
pub async fn delete_timelines(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    let found = timelines(conn, ids).await?;
    let calendar_ids: Vec<Uuid> = found.values().map(|t| t.calendar_id).collect();
    let cals = calendars(conn, &calendar_ids).await?;
    let mut policies: Vec<Uuid> = found.values().filter_map(|t| t.authorization_id).collect();
    policies.extend(cals.values().filter_map(|c| c.authorization_id));
    if !ids.is_empty() {
        timeline::Entity::delete_many()
            .filter(timeline::Column::Id.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
    }
    if !calendar_ids.is_empty() {
        calendar::Entity::delete_many()
            .filter(calendar::Column::Id.is_in(calendar_ids))
            .exec(conn)
            .await?;
    }
    Ok(policies)
}

/// Records a timeline's policy and its calendar's.
pub async fn set_policies(
    conn: &impl ConnectionTrait,
    t: &Timeline,
    calendar_policy: Uuid,
) -> AppResult<()> {
    timeline::Entity::update_many()
        .col_expr(
            timeline::Column::AuthorizationId,
            Expr::value(t.authorization_id),
        )
        .filter(timeline::Column::Id.eq(t.id))
        .exec(conn)
        .await?;
    calendar::Entity::update_many()
        .col_expr(
            calendar::Column::AuthorizationId,
            Expr::value(calendar_policy),
        )
        .filter(calendar::Column::Id.eq(t.calendar_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The timelines holding calendars, by calendar id.
pub async fn timelines_of_calendars(
    conn: &impl ConnectionTrait,
    calendars: &[Uuid],
) -> AppResult<HashMap<Uuid, Uuid>> {
    if calendars.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(timeline::Entity::find()
        .select_only()
        .column(timeline::Column::CalendarId)
        .column(timeline::Column::Id)
        .filter(timeline::Column::CalendarId.is_in(calendars.iter().copied()))
        .into_tuple::<(Uuid, Uuid)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Events by their profile id.
pub async fn events_by_profiles(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
) -> AppResult<Vec<CalendarEvent>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    event::Entity::find()
        .filter(event::Column::ProfileId.is_in(profiles.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_event)
        .collect()
}

/// An event of a calendar by NameID.
pub async fn event_by_name(
    conn: &impl ConnectionTrait,
    calendar_id: Uuid,
    name_id: &str,
) -> AppResult<Option<CalendarEvent>> {
    event::Entity::find()
        .filter(event::Column::CalendarId.eq(calendar_id))
        .filter(event::Column::NameId.eq(name_id))
        .one(conn)
        .await?
        .map(to_event)
        .transpose()
}
