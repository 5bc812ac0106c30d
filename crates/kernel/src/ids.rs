//! Typed identifiers: one newtype per entity kind, so that an id of one kind can never be
//! passed where another is expected. GraphQL sees them all as the `UUID` scalar; resolvers
//! convert at the edge.

use std::fmt;

use uuid::Uuid;

use crate::scalars::UuidScalar;

macro_rules! typed_ids {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl From<UuidScalar> for $name {
            fn from(value: UuidScalar) -> Self {
                Self(value.0)
            }
        }

        impl From<$name> for Uuid {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl From<$name> for UuidScalar {
            fn from(value: $name) -> Self {
                UuidScalar(value.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_ids! {
    /// The platform singleton.
    PlatformId,
    /// An actor: the identity shared by users, organizations, virtual contributors, spaces and
    /// accounts (a user's actor id is its user id).
    ActorId,
    /// A user (the same value as its actor id).
    UserId,
    /// An authorization policy.
    AuthorizationPolicyId,
    /// A background task.
    TaskId,
    /// A role set (who holds which role in a space, an organization or the platform).
    RoleSetId,
    /// A role of a role set.
    RoleId,
}

impl From<UserId> for ActorId {
    fn from(value: UserId) -> Self {
        Self(value.0)
    }
}
