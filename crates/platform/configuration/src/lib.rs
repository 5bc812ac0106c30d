//! Platform configuration: the [`Settings`] the server reads from its environment, and the
//! client-facing `Config` GraphQL type built from them (`platform.configuration`).
//!
//! Settings are read once at start-up from an [`Env`] snapshot and passed down; nothing here
//! reads the process environment later.

pub mod env;
pub mod graphql;
pub mod settings;

pub use env::{ConfigError, Env};
pub use settings::{DatabaseTarget, Settings};
