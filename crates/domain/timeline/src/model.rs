//! Timelines, calendars and events.

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

stored_enum! {
    /// What kind of event it is.
    CalendarEventType {
        Deadline => ("DEADLINE", "deadline"),
        Event => ("EVENT", "event"),
        Meeting => ("MEETING", "meeting"),
        Milestone => ("MILESTONE", "milestone"),
        Other => ("OTHER", "other"),
        Training => ("TRAINING", "training"),
    }
}

/// A collaboration's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// Its id.
    pub id: Uuid,
    /// Its calendar.
    pub calendar_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A timeline's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Its id.
    pub id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An event on a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Its id.
    pub id: Uuid,
    /// Its calendar.
    pub calendar_id: Uuid,
    /// Its NameID, unique in its calendar.
    pub name_id: String,
    /// Its kind.
    pub event_type: CalendarEventType,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// When it starts.
    pub start_date: DateTime<Utc>,
    /// Whether it takes whole days.
    pub whole_day: bool,
    /// Whether it spans several days.
    pub multiple_days: bool,
    /// How long it lasts, in minutes (the end is the start plus this).
    pub duration_minutes: i32,
    /// How many days it lasts, as entered.
    pub duration_days: Option<i32>,
    /// Whether it shows on the parent space's calendar.
    pub visible_on_parent_calendar: bool,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its comments room.
    pub comments_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

impl CalendarEvent {
    /// When it ends.
    pub fn end_date(&self) -> DateTime<Utc> {
        self.start_date + chrono::Duration::minutes(i64::from(self.duration_minutes))
    }
}
