//! Platform configuration: the [`Settings`] the server reads from its environment, including
//! the client-facing part served as `platform.configuration` (its GraphQL type is in
//! `alkemio-api`).
//!
//! Settings are read once at start-up from an [`Env`] snapshot and passed down; nothing here
//! reads the process environment later.

pub mod env;
pub mod secret_file;
pub mod settings;

pub use env::{ConfigError, Env};
pub use settings::{
    DatabaseTarget, EmailTransport, EventsSettings, NotificationSettings, RabbitSettings, Settings,
};
