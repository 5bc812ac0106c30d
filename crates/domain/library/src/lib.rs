//! The platform library: innovation packs, which are sets of templates an account publishes,
//! and the store that lists the packs (and their templates) offered publicly.
//!
//! A pack's policy inherits its account's cascading rules and gives the account's admins full
//! control; its templates set and templates inherit the pack's. Everyone reads a pack; whether
//! the library lists it depends only on `listedInStore` and `searchVisibility`.

pub mod model;
pub mod repo;
pub mod service;

pub use model::{InnovationPack, Library, SearchVisibility};
pub use service::{LibraryService, NewPack, PackUpdate, apply_pack_policy};
