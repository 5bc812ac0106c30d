//! Persistence: one [`Database`] handle over PostgreSQL (production) or a SQLite file (the
//! embedded default), the forward-only migrations that shape both, and a count of the SQL
//! statements each request runs.
//!
//! Entities and queries live in the feature crates' repositories; this crate owns the
//! connection, the schema's history and nothing else.

mod database;
mod entity;
pub mod migrations;
pub mod paging;

pub use database::{Backend, Database, StatementCounter, uncounted};
