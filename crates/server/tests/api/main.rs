//! Integration tests: each starts the real server on a random port over a database of its own,
//! on PostgreSQL and on SQLite, and talks to it over HTTP.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod helpers;

mod activity;
mod administration;
mod audit;
mod authorization;
mod calendars;
mod callouts;
mod collections;
mod communication;
mod communities;
mod conversations;
mod deletion;
mod entry;
mod errors;
mod forum;
mod health;
mod identity;
mod innovation_flows;
mod innovation_hubs;
mod innovation_packs;
mod licensing;
mod links_and_whiteboards;
mod mail_and_broker;
mod memberships;
mod notifications;
mod organizations;
mod persistence;
mod platform;
mod polls;
mod process;
mod response_cache;
mod roles;
mod search;
mod space_templates;
mod spaces;
mod stand_ins;
mod storage;
mod templates;
mod transport;
mod url_resolver;
mod users;
mod virtual_contributors;
