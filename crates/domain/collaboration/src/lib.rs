//! Collaboration: every space has one collaboration holding a callouts set, and an activity
//! log ([`activity`]). Callouts frame a question or a call to contribute (a profile, settings,
//! a comments room); contributions to them hold posts; an innovation flow (`innovation_flow`)
//! places each callout in a state, and a license carries the space's content flags. The space lends the policies their
//! context ([`authorization::CollaborationAccess`]) and the storage for their files
//! ([`service::Host`]).

pub use alkemio_activity as activity;
pub mod authorization;
pub mod collabora;
pub mod content;
pub mod copy;
pub mod innovation_flow;
pub mod model;
pub mod moves;
pub mod poll;
mod poll_repo;
pub mod repo;
pub mod service;

pub use model::{
    Callout, CalloutAllowedActors, CalloutContributionType, CalloutFraming, CalloutFramingType,
    CalloutSettings, CalloutVisibility, CalloutsSet, CalloutsSetType, Collaboration, Contribution,
    ContributionDefaults, Link, Memo, Post, Whiteboard,
};
pub use service::{CollaborationService, Host};
