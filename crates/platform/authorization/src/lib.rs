//! The authorization forest engine.
//!
//! - [`enums`]: privileges, credential types and policy types, with the reference's stored values.
//! - [`policy`]: stored policies (credential rules, privilege rules), their pure evaluation, the
//!   inheritance of cascading rules, the in-memory root policy and [`policy::grant_access_or_fail`],
//!   the one check services call before acting.
//! - [`actor`]: the caller of a request and its credentials.
//!
//! Nothing here does I/O: storing policies and loading credentials belong to repositories, so
//! the engine is tested on its own.

pub mod actor;
mod decoded;
pub mod enums;
pub mod policy;
pub mod repo;

pub use actor::{ActorContext, ActorKind};
pub use decoded::PolicyCache;
pub use enums::{
    AuthorizationCredential, AuthorizationPolicyType, AuthorizationPrivilege, CredentialType,
};
pub use policy::{
    AuthorizationPolicy, Credential, CredentialRule, PrivilegeRule, grant_access_or_fail,
    root_policy,
};
