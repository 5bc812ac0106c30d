//! The platform root: the singleton `Platform` row, its settings, what the first start
//! creates (bootstrap), and the `platform` query.
//!
//! Shape of this module (every feature crate follows it): `model` holds the plain data,
//! `repo` the SQL, `service` the use cases (transactions and checks), `graphql` the resolvers.

pub mod authorization;
pub mod graphql;
pub mod lookup;
pub mod model;
mod repo;
pub mod service;

pub use service::PlatformService;
