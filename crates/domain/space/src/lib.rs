//! Spaces: the L0 spaces an account hosts and their subspaces (L1, L2), each with its about
//! (profile, why, who, guidelines), settings, visibility, community with its role set (member,
//! lead, admin), storage, license and collaboration (whose callouts live in
//! `alkemio-collaboration`; `collaboration` here lends them the space's context). `authorization` holds the space algorithm: which
//! credentials see, read and manage a space, computed top-down from the settings.

pub mod authorization;
pub mod collaboration;
pub mod entry;
pub mod licensing;
pub mod model;
pub mod repo;
pub mod roles;
pub mod service;
pub mod templates;

pub use collaboration::EventDownload;
pub use entry::EntryService;
pub use licensing::LicenseService;
pub use model::{
    CommunityMembershipPolicy, NewSpace, PlatformRolesAccess, Space, SpaceAbout, SpaceLevel,
    SpacePrivacyMode, SpaceSettings, SpaceSortMode, SpaceVisibility,
};
pub use service::SpaceService;
