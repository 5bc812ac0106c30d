//! Communities and role sets: which roles exist in a space, an organization or the platform,
//! who holds them (as credentials of their actors), the limits on holders, and the role-set
//! policies. Spaces' and organizations' role sets arrive with those modules; the platform's
//! exists now.

pub mod authorization;
pub mod entry;
pub mod entry_repo;
pub mod guidelines;
pub mod model;
mod repo;
pub mod service;

pub use model::{Role, RoleName, RolePolicy, RoleSet, RoleSetType};
pub use service::RoleSetService;
