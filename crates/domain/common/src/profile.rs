//! Profiles: the displayable description every entity has (name, tagline, Markdown description,
//! location, tagsets, references, visuals) and the storage bucket for its files.

pub mod authorization;
pub mod gallery;
pub mod model;
mod repo;
pub mod service;

pub use model::{
    Location, LocationInput, MediaGallery, NewProfile, NewReference, NewTagset, Profile,
    ProfileType, Reference, Tagset, TagsetType, Visual,
};
pub use service::{
    PreparedProfileUpdate, ProfileBundle, ProfileService, ProfileUpdate, ReferenceUpdate,
    TagsetUpdate,
};
