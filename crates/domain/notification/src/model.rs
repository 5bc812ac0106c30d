//! Notification data: stored in-app notifications and e-mails waiting to be sent.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::values::{NotificationEvent, NotificationEventCategory, NotificationEventInAppState};

/// A notification shown in a user's in-app list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InAppNotification {
    /// Its id.
    pub id: Uuid,
    /// Insertion number (cursor order).
    pub row_id: i64,
    /// When it was stored.
    pub created_date: DateTime<Utc>,
    /// When its state last changed.
    pub updated_date: DateTime<Utc>,
    /// What happened.
    pub event: NotificationEvent,
    /// Its category.
    pub category: NotificationEventCategory,
    /// Read, unread or archived.
    pub state: NotificationEventInAppState,
    /// When the change happened.
    pub triggered_at: DateTime<Utc>,
    /// The actor who made the change.
    pub triggered_by: Option<Uuid>,
    /// The user it is for.
    pub receiver_id: Uuid,
    /// Ids of what it is about, keyed as the reference keys them (`type`, `spaceID`, …).
    pub payload: Value,
    /// The space it is about (deleting the space deletes the notification).
    pub space_id: Option<Uuid>,
    /// The organization it is about.
    pub organization_id: Option<Uuid>,
    /// The user it is about.
    pub user_id: Option<Uuid>,
    /// The application it is about.
    pub application_id: Option<Uuid>,
    /// The invitation it is about.
    pub invitation_id: Option<Uuid>,
    /// The contributor it is about.
    pub contributor_actor_id: Option<Uuid>,
}

/// An e-mail rendered for one recipient, stored with the event's effects and sent after.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailDelivery {
    /// Its id.
    pub id: Uuid,
    /// The domain event it comes from.
    pub event_id: Uuid,
    /// The notification it carries.
    pub event: NotificationEvent,
    /// The address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text_body: String,
    /// HTML part.
    pub html_body: String,
    /// The reference's wire message for this notification (`{pattern, data}`), which the
    /// reference's notification service could render instead.
    pub envelope: Value,
}
