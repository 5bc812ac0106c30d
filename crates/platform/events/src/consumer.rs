//! Event consumers: what reacts to committed domain events, in this process or behind the
//! broker.

use std::sync::Arc;

use async_trait::async_trait;

use crate::event::EventRecord;

/// Something that reacts to domain events. It must be idempotent: an event can arrive more
/// than once (a broker redelivery, a replay), and must then have one effect; `claim` on the
/// consumer's own transaction does that.
#[async_trait]
pub trait EventConsumer: Send + Sync {
    /// The consumer's name: its queue (`alkemio.<name>`) and its key in `processed_event`.
    fn name(&self) -> &'static str;

    /// Handles one event. An error is retried later (its text is logged and kept with the
    /// dead letter, never shown to a client).
    async fn handle(&self, record: &EventRecord) -> Result<(), String>;
}

/// The consumers run in this process when no broker is configured.
#[derive(Default)]
pub struct Consumers(Vec<Arc<dyn EventConsumer>>);

impl Consumers {
    /// No consumers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a consumer.
    pub fn add(&mut self, consumer: Arc<dyn EventConsumer>) {
        self.0.push(consumer);
    }

    /// Hands `record` to every consumer; fails when any fails (all are retried: they are
    /// idempotent).
    pub async fn deliver(&self, record: &EventRecord) -> Result<(), String> {
        let mut errors = Vec::new();
        for consumer in &self.0 {
            if let Err(e) = consumer.handle(record).await {
                errors.push(format!("{}: {e}", consumer.name()));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}
