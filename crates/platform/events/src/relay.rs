//! The outbox handle services write through, and the relay that moves committed events on:
//! to RabbitMQ when a broker is configured, otherwise straight to the in-process consumers.

use std::sync::Arc;
use std::time::Duration;

use alkemio_kernel::AppResult;
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::consumer::Consumers;
use crate::event::{DomainEvent, EventRecord};
use crate::rabbit::Publisher;
use crate::repo;

/// Where services record events. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    /// A new outbox handle; the relay built from it wakes when [`Outbox::wake`] is called.
    pub fn new() -> Self {
        Self {
            wake: Arc::new(Notify::new()),
        }
    }

    /// Writes `event` to the outbox on `conn`, which must be the transaction making the change:
    /// the event then commits, or rolls back, with it.
    pub async fn record(
        &self,
        conn: &impl ConnectionTrait,
        event: DomainEvent,
        triggered_by: Option<Uuid>,
    ) -> AppResult<EventRecord> {
        let record = EventRecord::new(event, triggered_by);
        repo::insert(conn, &record).await?;
        Ok(record)
    }

    /// Tells the relay that events were committed (call it after the commit). Without it the
    /// relay still finds them at its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// How the relay retries in-process deliveries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Deliveries tried before an event is given up on (dead-lettered).
    pub max_attempts: i32,
    /// Wait after the first failure; doubled after each further one.
    pub base_delay: Duration,
    /// Longest wait between attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    pub fn delay(&self, attempts: i32) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.base_delay
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.max_delay)
    }
}

/// Where the relay sends events.
pub enum Sink {
    /// Straight to these consumers, in this process (no broker configured).
    InProcess(Arc<Consumers>),
    /// To the broker's event exchange; consumers read their own queues.
    Broker(Box<Publisher>),
}

/// Moves committed outbox events to their sink, marking each published only once the sink took
/// it (a broker confirm, or every in-process consumer succeeding).
pub struct Relay {
    db: Database,
    wake: Arc<Notify>,
    sink: Sink,
    retry: RetryPolicy,
    poll: Duration,
}

/// Events read per round.
const BATCH: u64 = 200;

impl Relay {
    /// A relay over `db` woken by `outbox`, sending to `sink`.
    pub fn new(db: Database, outbox: &Outbox, sink: Sink, retry: RetryPolicy) -> Self {
        Self {
            db,
            wake: outbox.wake.clone(),
            sink,
            retry,
            poll: Duration::from_secs(1),
        }
    }

    /// Runs until `stop` turns true; events committed before that are sent first when the sink
    /// is up.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut last_purge = std::time::Instant::now();
        loop {
            if *stop.borrow() {
                break;
            }
            let wait = match self.round().await {
                Ok(true) => continue,
                Ok(false) => self.idle_wait().await,
                Err(e) => {
                    tracing::warn!(error_id = %e.error_id(), "outbox relay round failed; retrying");
                    Duration::from_secs(1)
                }
            };
            if last_purge.elapsed() > Duration::from_secs(3600) {
                last_purge = std::time::Instant::now();
                let before = Utc::now() - chrono::Duration::days(7);
                if let Err(e) = repo::purge_published(self.db.conn(), before).await {
                    tracing::warn!(error_id = %e.error_id(), "purging published outbox events failed");
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
                changed = stop.changed() => {
                    // the sender is gone: nobody can stop us any more, so stop now
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        if let Sink::Broker(publisher) = &mut self.sink {
            publisher.close().await;
        }
    }

    /// How long to sleep when nothing is due: until the next retry, at most one poll.
    async fn idle_wait(&self) -> Duration {
        match repo::next_retry(self.db.conn()).await {
            Ok(Some(at)) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.poll),
            _ => self.poll,
        }
    }

    /// Sends one batch of due events. Returns whether a full batch was read (more may wait).
    async fn round(&mut self) -> AppResult<bool> {
        let now = Utc::now().trunc_subsecs(6);
        let rows = repo::due(self.db.conn(), now, BATCH).await?;
        if rows.is_empty() {
            return Ok(false);
        }
        let full = rows.len() as u64 == BATCH;
        match &mut self.sink {
            Sink::InProcess(consumers) => {
                let mut delivered = Vec::with_capacity(rows.len());
                for row in rows {
                    match consumers.deliver(&row.record).await {
                        Ok(()) => delivered.push(row.record.id),
                        Err(error) => {
                            let attempts = row.attempts + 1;
                            let now = Utc::now().trunc_subsecs(6);
                            let (next, dead) = if attempts >= self.retry.max_attempts {
                                tracing::error!(event_id = %row.record.id, event = row.record.name(), attempts, %error, "event dead-lettered");
                                (None, Some(now))
                            } else {
                                let delay = chrono::Duration::from_std(self.retry.delay(attempts))
                                    .unwrap_or_else(|_| chrono::Duration::seconds(60));
                                tracing::warn!(event_id = %row.record.id, event = row.record.name(), attempts, %error, "event delivery failed; will retry");
                                (Some(now + delay), None)
                            };
                            repo::mark_failed(
                                self.db.conn(),
                                row.record.id,
                                attempts,
                                &error,
                                next,
                                dead,
                            )
                            .await?;
                        }
                    }
                }
                repo::mark_published(self.db.conn(), &delivered, Utc::now().trunc_subsecs(6))
                    .await?;
                Ok(full)
            }
            Sink::Broker(publisher) => {
                let records: Vec<EventRecord> = rows.into_iter().map(|r| r.record).collect();
                match publisher.publish(&records).await {
                    Ok(confirmed) => {
                        repo::mark_published(
                            self.db.conn(),
                            &confirmed,
                            Utc::now().trunc_subsecs(6),
                        )
                        .await?;
                        Ok(full && confirmed.len() == records.len())
                    }
                    Err(error) => {
                        tracing::warn!(%error, "publishing events to the broker failed; will reconnect");
                        publisher.backoff().await;
                        Ok(false)
                    }
                }
            }
        }
    }
}
