//! The platform root: the singleton `Platform` row, its settings, what the first start
//! creates (bootstrap), and the `platform` query.
//!
//! Shape of this module (every feature crate follows it): `model` holds the plain data,
//! `repo` the SQL, `service` the use cases (transactions and checks), `authorization` the
//! policy rules. Its GraphQL lives in `alkemio-api` (`platform`, `lookup`).

pub mod authorization;
pub mod forum;
pub mod model;
mod repo;
pub mod service;
pub mod settings;

pub use service::PlatformService;
