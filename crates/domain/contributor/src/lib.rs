//! Contributors: the actors of the platform and their credentials, and users.
//!
//! Every user (and later organization, virtual contributor, space and account) is an *actor*: a
//! row in `actor` whose id it shares, holding rows in `credential`. Credentials are what the
//! authorization engine evaluates; [`service::ActorService`] reads them through a cache that
//! every grant and revoke invalidates.

pub mod account;
pub mod admin;
pub mod authorization;
pub mod listing;
pub mod model;
pub mod name_id;
pub mod repo;
pub mod service;
pub mod settings;

pub use model::{Actor, ActorType, NewUser, User, UserDetails, UserSettings};
pub use service::{ActorService, UserService};
