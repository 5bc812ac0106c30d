//! The in-app notification use cases behind `me.notifications`, the notification mutations,
//! pruning, and the live updates the GraphQL subscriptions follow.

use std::sync::Arc;

use alkemio_authorization::{ActorContext, ActorKind};
use alkemio_events::rabbit::Publisher;
use alkemio_kernel::pagination::{Direction, Page, PaginationArgs};
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::Utc;
use tokio::sync::{Mutex, broadcast};
use uuid::Uuid;

use crate::model::InAppNotification;
use crate::repo;
use crate::values::{NotificationEvent, NotificationEventInAppState};

/// A change a subscriber may care about.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Live {
    /// A notification was stored for its receiver.
    Received(Box<InAppNotification>),
    /// A user's unread count changed.
    UnreadCount {
        /// Whose.
        receiver: Uuid,
        /// The new count.
        count: u64,
    },
}

/// Retention limits (`IN_APP_MAX_NOTIFICATIONS_PER_USER`, `IN_APP_MAX_RETENTION_PERIOD_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Notifications kept per user.
    pub max_per_user: u64,
    /// Days a notification is kept.
    pub max_days: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            max_per_user: 100,
            max_days: 90,
        }
    }
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Older than the retention period.
    pub outside_retention: u64,
    /// Beyond a user's maximum.
    pub over_user_limit: u64,
}

/// In-app notifications of the calling user. Cheap to clone.
#[derive(Debug, Clone)]
pub struct NotificationService {
    db: Database,
    live: broadcast::Sender<Live>,
    fanout: Option<Arc<Mutex<Publisher>>>,
    retention: Retention,
}

fn caller_user(caller: &ActorContext) -> AppResult<Uuid> {
    match caller.kind {
        ActorKind::Authenticated { actor_id } => Ok(actor_id),
        _ => Err(AppError::forbidden(
            "Notifications are only available to signed-in users",
        )),
    }
}

impl NotificationService {
    /// The service over `db`.
    pub fn new(db: Database, retention: Retention) -> Self {
        Self {
            db,
            live: broadcast::channel(1024).0,
            fanout: None,
            retention,
        }
    }

    /// Sends live updates through the broker's fan-out exchange instead of straight to this
    /// process's subscribers, so that every server instance hears them (each runs a listener
    /// that hands them to [`Self::deliver_live`]).
    pub fn with_fanout(mut self, publisher: Publisher) -> Self {
        self.fanout = Some(Arc::new(Mutex::new(publisher)));
        self
    }

    /// Hands a live update received from the fan-out exchange to this process's subscribers.
    pub fn deliver_live(&self, live: Live) {
        let _ = self.live.send(live);
    }

    async fn emit(&self, live: Live) {
        match &self.fanout {
            None => {
                let _ = self.live.send(live);
            }
            Some(publisher) => {
                let sent = match serde_json::to_vec(&live) {
                    Ok(body) => publisher.lock().await.send_live(&body).await,
                    Err(e) => Err(e.to_string()),
                };
                if let Err(error) = sent {
                    // Subscribers of this process at least hear it.
                    tracing::warn!(%error, "live update not fanned out");
                    let _ = self.live.send(live);
                }
            }
        }
    }

    /// Live updates, for subscriptions.
    pub fn subscribe(&self) -> broadcast::Receiver<Live> {
        self.live.subscribe()
    }

    /// Publishes newly stored notifications and their receivers' unread counts.
    pub async fn announce(&self, stored: &[InAppNotification]) {
        let mut receivers = Vec::new();
        for n in stored {
            self.emit(Live::Received(Box::new(n.clone()))).await;
            if !receivers.contains(&n.receiver_id) {
                receivers.push(n.receiver_id);
            }
        }
        for receiver in receivers {
            self.publish_count(receiver).await;
        }
    }

    async fn publish_count(&self, receiver: Uuid) {
        match repo::unread_count(self.db.conn(), receiver).await {
            Ok(count) => self.emit(Live::UnreadCount { receiver, count }).await,
            Err(e) => {
                tracing::warn!(error_id = %e.error_id(), "counting unread notifications failed")
            }
        }
    }

    /// `me.notifications`: the caller's notifications that are not archived, newest first,
    /// with the total.
    pub async fn page(
        &self,
        caller: &ActorContext,
        types: Option<Vec<NotificationEvent>>,
        args: PaginationArgs,
    ) -> AppResult<(Page<InAppNotification>, u64)> {
        let me = caller_user(caller)?;
        let request = args.validate()?;
        let types = types.filter(|t| !t.is_empty());
        let cursor_row = match request.cursor {
            None => None,
            Some(id) => Some(
                repo::row_of(self.db.conn(), me, id)
                    .await?
                    .ok_or_else(|| AppError::not_found(format!("Notification {id} not found")))?,
            ),
        };
        let (newer, older, newest_first) = match request.direction {
            Direction::Forward => (None, cursor_row, true),
            Direction::Backward => (cursor_row, None, false),
        };
        let (rows, total) = repo::page(
            self.db.conn(),
            me,
            types.as_deref(),
            newer,
            older,
            request.limit.saturating_add(1),
            newest_first,
        )
        .await?;
        Ok((request.into_page(rows, |n| n.id), total))
    }

    /// `me.notificationsUnreadCount`.
    pub async fn unread_count(&self, caller: &ActorContext) -> AppResult<u64> {
        repo::unread_count(self.db.conn(), caller_user(caller)?).await
    }

    /// `markNotificationsAsRead` / `markNotificationsAsUnread`: sets every non-archived
    /// notification of the caller (of the given types) to `state`; true when any matched.
    pub async fn mark_all(
        &self,
        caller: &ActorContext,
        types: Option<Vec<NotificationEvent>>,
        state: NotificationEventInAppState,
    ) -> AppResult<bool> {
        let me = caller_user(caller)?;
        let types = types.filter(|t| !t.is_empty());
        let changed = repo::set_states(self.db.conn(), me, types.as_deref(), state).await?;
        if changed > 0 {
            self.publish_count(me).await;
        }
        Ok(changed > 0)
    }

    /// `updateNotificationState`: only the receiver may change a notification.
    pub async fn update_state(
        &self,
        caller: &ActorContext,
        id: Uuid,
        state: NotificationEventInAppState,
    ) -> AppResult<NotificationEventInAppState> {
        let me = caller_user(caller)?;
        let notification = repo::find(self.db.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Notification {id} not found")))?;
        if notification.receiver_id != me {
            return Err(AppError::forbidden(
                "Users can only update their own notifications",
            ));
        }
        repo::set_state(self.db.conn(), id, state).await?;
        self.publish_count(me).await;
        Ok(state)
    }

    /// Removes notifications older than the retention period, then each user's oldest beyond
    /// the maximum per user.
    pub async fn prune(&self) -> AppResult<Pruned> {
        let before = Utc::now() - chrono::Duration::days(self.retention.max_days);
        let outside_retention = repo::delete_older_than(self.db.conn(), before).await?;
        let mut over_user_limit = 0;
        for receiver in repo::receivers_over(self.db.conn(), self.retention.max_per_user).await? {
            over_user_limit +=
                repo::trim_receiver(self.db.conn(), receiver, self.retention.max_per_user).await?;
        }
        Ok(Pruned {
            outside_retention,
            over_user_limit,
        })
    }

    /// Notifications by id (for field resolvers).
    pub async fn get(&self, id: Uuid) -> AppResult<Option<InAppNotification>> {
        repo::find(self.db.conn(), id).await
    }
}
