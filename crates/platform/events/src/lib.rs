//! Domain events and their delivery.
//!
//! A service that changes something notifiable records a [`DomainEvent`] with
//! [`Outbox::record`] on the transaction that makes the change, so the event commits or rolls
//! back with it. The [`Relay`] then moves committed events on: to RabbitMQ's `alkemio.events`
//! exchange (publisher confirms, persistent messages, reconnecting with backoff) when a broker
//! is configured, or straight to the in-process [`Consumers`] otherwise. An event is marked
//! published only when the broker confirmed it, or every in-process consumer succeeded.
//!
//! Consumers are idempotent ([`claim`]). Behind the broker each has a queue, a retry queue and
//! a dead-letter queue ([`rabbit`]); in process, a failing event is retried with backoff and
//! finally kept in the outbox as dead ([`dead_events`], [`revive_events`]).

mod consumer;
mod event;
pub mod rabbit;
mod relay;
mod repo;

pub use consumer::{Consumers, EventConsumer};
pub use event::{DomainEvent, EventRecord};
pub use relay::{Outbox, Relay, RetryPolicy, Sink};
pub use repo::{
    OutboxRow, claim, counts as outbox_counts, dead as dead_events, is_processed,
    revive as revive_events,
};
