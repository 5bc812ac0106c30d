//! Organizations: an actor (like a user) with its own row, a profile, an account it hosts, a
//! role set of associates, admins and owners, settings, and a verification with a small state
//! machine. Admins and owners manage the organization and administer its account.

pub mod authorization;
pub mod groups;
pub mod model;
pub mod repo;
pub mod service;
pub mod verification;

pub use model::{NewOrganization, Organization, OrganizationSettings, OrganizationUpdate};
pub use service::OrganizationService;
pub use verification::{OrganizationVerification, VerificationState, VerificationStatus};
