//! The Alkemio server process: the HTTP host and everything around it (start-up, graceful
//! shutdown, health probes, telemetry, the command line). Domain logic lives in the feature
//! crates; the GraphQL schema in `alkemio-api`.

// The merged root objects of the schema nest deeply; the release build computes the layout of
// their resolvers' futures past the default limit of 128.
#![recursion_limit = "256"]

pub mod auth_routes;
pub mod calendar_routes;
pub mod cli;
pub mod events;
pub mod health;
pub mod http;
pub mod response_cache;
pub mod seed;
pub mod shutdown;
pub mod startup;
pub mod storage_routes;
pub mod telemetry;

pub use startup::Application;
