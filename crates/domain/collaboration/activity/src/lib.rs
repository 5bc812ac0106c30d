//! The activity log: what happened in a collaboration and who did it. Services record an entry
//! inside the transaction that makes the change; readers ask for a caller's latest activity per
//! collaboration and for the entries of some collaborations. Entries are never updated except to
//! hide them, and outlive what they point at (readers drop entries whose subject is gone).

use alkemio_kernel::{AppResult, stored_enum};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

stored_enum! {
    /// What an activity entry records.
    ActivityEventType {
        CalendarEventCreated => ("CALENDAR_EVENT_CREATED", "calendar-event-created"),
        CalloutLinkCreated => ("CALLOUT_LINK_CREATED", "callout-link-added"),
        CalloutMemoCreated => ("CALLOUT_MEMO_CREATED", "memo-created"),
        CalloutPostComment => ("CALLOUT_POST_COMMENT", "post-comment"),
        CalloutPostCreated => ("CALLOUT_POST_CREATED", "post-created"),
        CalloutPublished => ("CALLOUT_PUBLISHED", "callout-published"),
        CalloutWhiteboardContentModified => ("CALLOUT_WHITEBOARD_CONTENT_MODIFIED", "whiteboard-content-modified"),
        CalloutWhiteboardCreated => ("CALLOUT_WHITEBOARD_CREATED", "whiteboard-created"),
        DiscussionComment => ("DISCUSSION_COMMENT", "discussion-comment"),
        MemberJoined => ("MEMBER_JOINED", "member-joined"),
        SubspaceCreated => ("SUBSPACE_CREATED", "subspace-created"),
        UpdateSent => ("UPDATE_SENT", "update-sent"),
    }
}

mod row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub triggered_by: Uuid,
        pub resource_id: Uuid,
        pub parent_id: Option<Uuid>,
        pub collaboration_id: Uuid,
        pub message_id: Option<String>,
        pub visibility: bool,
        pub description: Option<String>,
        #[sea_orm(column_name = "type")]
        pub event_type: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The longest description kept; longer ones are cut and end in "...".
pub const DESCRIPTION_MAX: usize = 128;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Its id (time-ordered).
    pub id: Uuid,
    /// When it happened.
    pub created_date: DateTime<Utc>,
    /// The actor who caused it.
    pub triggered_by: Uuid,
    /// What it is about (the member who joined, the subspace created, …).
    pub resource_id: Uuid,
    /// What that belongs to (the community joined, the parent space, …).
    pub parent_id: Option<Uuid>,
    /// The collaboration whose log holds it.
    pub collaboration_id: Uuid,
    /// Whether it is shown in the log.
    pub visibility: bool,
    /// The message it is about, if any (an update sent).
    pub message_id: Option<String>,
    /// A short text.
    pub description: String,
    /// What happened.
    pub event_type: ActivityEventType,
}

/// A new entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    /// Who caused it.
    pub triggered_by: Uuid,
    /// What it is about.
    pub resource_id: Uuid,
    /// What that belongs to.
    pub parent_id: Option<Uuid>,
    /// Whose log holds it.
    pub collaboration_id: Uuid,
    /// A short text (cut at [`DESCRIPTION_MAX`] characters).
    pub description: String,
    /// The message it is about, if any.
    pub message_id: Option<String>,
    /// What happened.
    pub event_type: ActivityEventType,
}

fn cut(description: &str) -> String {
    if description.chars().count() <= DESCRIPTION_MAX {
        return description.to_owned();
    }
    let kept: String = description.chars().take(DESCRIPTION_MAX - 3).collect();
    format!("{kept}...")
}

fn to_activity(r: row::Model) -> Option<Activity> {
    Some(Activity {
        event_type: r.event_type.parse().ok()?,
        id: r.id,
        created_date: r.created_date,
        triggered_by: r.triggered_by,
        resource_id: r.resource_id,
        parent_id: r.parent_id,
        collaboration_id: r.collaboration_id,
        visibility: r.visibility,
        message_id: r.message_id,
        description: r.description.unwrap_or_default(),
    })
}

/// Records an entry inside the caller's transaction.
pub async fn record(conn: &impl ConnectionTrait, new: NewActivity) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let now = Utc::now().trunc_subsecs(6);
    row::Entity::insert(row::ActiveModel {
        id: Set(id),
        created_date: Set(now),
        updated_date: Set(now),
        version: Set(1),
        triggered_by: Set(new.triggered_by),
        resource_id: Set(new.resource_id),
        parent_id: Set(new.parent_id),
        collaboration_id: Set(new.collaboration_id),
        message_id: Set(new.message_id),
        visibility: Set(true),
        description: Set(Some(cut(&new.description))),
        event_type: Set(new.event_type.as_str().to_owned()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// An actor's own newest entry in each collaboration where it caused any, newest first, hidden
/// ones included (two statements).
pub async fn latest_per_collaboration_by(
    conn: &impl ConnectionTrait,
    actor: Uuid,
) -> AppResult<Vec<Activity>> {
    let latest: Vec<(Uuid, DateTime<Utc>)> = row::Entity::find()
        .select_only()
        .column(row::Column::CollaborationId)
        .column_as(row::Column::CreatedDate.max(), "latest")
        .filter(row::Column::TriggeredBy.eq(actor))
        .group_by(row::Column::CollaborationId)
        .into_tuple()
        .all(conn)
        .await?;
    if latest.is_empty() {
        return Ok(Vec::new());
    }
    let rows = row::Entity::find()
        .filter(row::Column::TriggeredBy.eq(actor))
        .filter(row::Column::CollaborationId.is_in(latest.iter().map(|(c, _)| *c)))
        .filter(
            row::Column::CreatedDate.gte(latest.iter().map(|(_, d)| *d).min().unwrap_or_default()),
        )
        .order_by_desc(row::Column::CreatedDate)
        .order_by_desc(row::Column::Id)
        .all(conn)
        .await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter_map(to_activity)
        .filter(|a| seen.insert(a.collaboration_id))
        .collect())
}

/// The visible entries of some collaborations, newest first, optionally of some types only, at
/// most `limit` of them.
pub async fn of_collaborations(
    conn: &impl ConnectionTrait,
    collaborations: &[Uuid],
    types: &[ActivityEventType],
    limit: Option<u64>,
) -> AppResult<Vec<Activity>> {
    if collaborations.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = row::Entity::find()
        .filter(row::Column::CollaborationId.is_in(collaborations.iter().copied()))
        .filter(row::Column::Visibility.eq(true));
    if !types.is_empty() {
        query = query.filter(row::Column::EventType.is_in(types.iter().map(|t| t.as_str())));
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    Ok(query
        .order_by_desc(row::Column::CreatedDate)
        .order_by_desc(row::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(to_activity)
        .collect())
}

/// What a feed reads: the visible entries of some collaborations, optionally caused by one actor
/// and of some kinds only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedFilter {
    /// The collaborations.
    pub collaborations: Vec<Uuid>,
    /// Only entries this actor caused.
    pub triggered_by: Option<Uuid>,
    /// Only these kinds (all when empty).
    pub types: Vec<ActivityEventType>,
}

fn feed_condition(filter: &FeedFilter) -> sea_orm::Condition {
    let mut c = sea_orm::Condition::all()
        .add(row::Column::CollaborationId.is_in(filter.collaborations.iter().copied()))
        .add(row::Column::Visibility.eq(true));
    if let Some(actor) = filter.triggered_by {
        c = c.add(row::Column::TriggeredBy.eq(actor));
    }
    if !filter.types.is_empty() {
        c = c.add(row::Column::EventType.is_in(filter.types.iter().map(|t| t.as_str())));
    }
    c
}

/// One page of a feed, newest first (ids are time-ordered): at most `limit + 1` entries read
/// next to the cursor (descending forward, ascending backward), and how many entries match.
pub async fn feed_page(
    conn: &impl ConnectionTrait,
    filter: &FeedFilter,
    page: &alkemio_kernel::pagination::PageRequest,
) -> AppResult<(Vec<Activity>, u64)> {
    use alkemio_kernel::pagination::Direction;
    use sea_orm::PaginatorTrait;
    if filter.collaborations.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let total = row::Entity::find()
        .filter(feed_condition(filter))
        .count(conn)
        .await?;
    let mut query = row::Entity::find().filter(feed_condition(filter));
    query = match (page.direction, page.cursor) {
        (Direction::Forward, Some(c)) => query.filter(row::Column::Id.lt(c)),
        (Direction::Backward, Some(c)) => query.filter(row::Column::Id.gt(c)),
        (_, None) => query,
    };
    query = match page.direction {
        Direction::Forward => query.order_by_desc(row::Column::Id),
        Direction::Backward => query.order_by_asc(row::Column::Id),
    };
    let rows = query.limit(page.limit.saturating_add(1)).all(conn).await?;
    Ok((rows.into_iter().filter_map(to_activity).collect(), total))
}

/// The newest entry of each (subject, actor, kind) in a feed, newest first, at most `limit`;
/// reads at most `scan` entries.
pub async fn feed_grouped(
    conn: &impl ConnectionTrait,
    filter: &FeedFilter,
    limit: usize,
    scan: u64,
) -> AppResult<Vec<Activity>> {
    if filter.collaborations.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let rows = row::Entity::find()
        .filter(feed_condition(filter))
        .order_by_desc(row::Column::Id)
        .limit(scan)
        .all(conn)
        .await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter_map(to_activity)
        .filter(|a| seen.insert((a.resource_id, a.triggered_by, a.event_type)))
        .take(limit)
        .collect())
}

/// The visible entries of some collaborations newer than `after` (an entry id, or any
/// time-ordered id), oldest first, at most `limit`.
pub async fn newer_than(
    conn: &impl ConnectionTrait,
    collaborations: &[Uuid],
    types: &[ActivityEventType],
    after: Uuid,
    limit: u64,
) -> AppResult<Vec<Activity>> {
    if collaborations.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = row::Entity::find()
        .filter(row::Column::CollaborationId.is_in(collaborations.iter().copied()))
        .filter(row::Column::Visibility.eq(true))
        .filter(row::Column::Id.gt(after));
    if !types.is_empty() {
        query = query.filter(row::Column::EventType.is_in(types.iter().map(|t| t.as_str())));
    }
    Ok(query
        .order_by_asc(row::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(to_activity)
        .collect())
}

/// Hides the entries about a message (when the message is removed).
pub async fn hide_of_message(conn: &impl ConnectionTrait, message_id: &str) -> AppResult<()> {
    row::Entity::update_many()
        .col_expr(
            row::Column::Visibility,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(row::Column::MessageId.eq(message_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes, inside the caller's transaction, the entries of these collaborations and those
/// about these resources (a deleted subspace's entry in its parent's log).
pub async fn delete_for(
    conn: &impl ConnectionTrait,
    collaborations: &[Uuid],
    resources: &[Uuid],
) -> AppResult<()> {
    if collaborations.is_empty() && resources.is_empty() {
        return Ok(());
    }
    row::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(row::Column::CollaborationId.is_in(collaborations.iter().copied()))
                .add(row::Column::ResourceId.is_in(resources.iter().copied())),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes, inside the caller's transaction, the entries an actor caused or that are about it
/// (its trail goes with it; the reference kept them and hid them when reading).
pub async fn delete_involving(conn: &impl ConnectionTrait, actor: Uuid) -> AppResult<()> {
    row::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(row::Column::TriggeredBy.eq(actor))
                .add(row::Column::ResourceId.eq(actor)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_with_an_ellipsis() {
        let long = "é".repeat(200);
        let cut = cut(&long);
        assert_eq!(cut.chars().count(), DESCRIPTION_MAX);
        assert!(cut.ends_with("..."));
        assert_eq!(super::cut("short"), "short");
    }

    #[test]
    fn stored_values_are_the_references() {
        assert_eq!(ActivityEventType::MemberJoined.as_str(), "member-joined");
        assert_eq!(
            "subspace-created".parse::<ActivityEventType>().ok(),
            Some(ActivityEventType::SubspaceCreated)
        );
        assert_eq!(ActivityEventType::ALL.len(), 12);
    }
}
