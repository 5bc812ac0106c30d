//! Who is asking: the actor context built once per request.

use crate::enums::CredentialType;
use crate::policy::Credential;

/// How the caller presented itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// No credentials at all.
    Anonymous,
    /// Unauthenticated, with a display name (`x-guest-name`).
    Guest {
        /// The name the guest gave.
        name: String,
    },
    /// An authenticated actor (user, organization, virtual contributor, …).
    Authenticated {
        /// The actor's id.
        actor_id: uuid::Uuid,
    },
}

/// The caller of a request and the credentials it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorContext {
    /// How the caller presented itself.
    pub kind: ActorKind,
    /// Every credential the caller holds.
    pub credentials: Vec<Credential>,
}

impl ActorContext {
    /// An anonymous caller: exactly `global-anonymous`.
    pub fn anonymous() -> Self {
        Self {
            kind: ActorKind::Anonymous,
            credentials: vec![Credential::global(CredentialType::GlobalAnonymous)],
        }
    }

    /// A guest: exactly `global-guest`.
    pub fn guest(name: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::Guest { name: name.into() },
            credentials: vec![Credential::global(CredentialType::GlobalGuest)],
        }
    }

    /// An authenticated actor with the credentials stored for it.
    pub fn authenticated(actor_id: uuid::Uuid, credentials: Vec<Credential>) -> Self {
        Self {
            kind: ActorKind::Authenticated { actor_id },
            credentials,
        }
    }

    /// The actor id as the reference reports it: empty for anonymous callers and guests.
    pub fn actor_id(&self) -> String {
        match &self.kind {
            ActorKind::Authenticated { actor_id } => actor_id.to_string(),
            ActorKind::Anonymous | ActorKind::Guest { .. } => String::new(),
        }
    }

    /// The authenticated actor's id, if there is one.
    pub fn authenticated_id(&self) -> Option<uuid::Uuid> {
        match &self.kind {
            ActorKind::Authenticated { actor_id } => Some(*actor_id),
            ActorKind::Anonymous | ActorKind::Guest { .. } => None,
        }
    }

    /// Whether the caller holds a credential of this type (for any resource).
    pub fn has_credential_type(&self, credential_type: CredentialType) -> bool {
        self.credentials
            .iter()
            .any(|c| c.credential_type == credential_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::AuthorizationPolicyType;
    use crate::enums::AuthorizationPrivilege::Read;
    use crate::policy::{AuthorizationPolicy, CredentialRule};

    // authorization.md §7 test 5, at the engine level
    #[test]
    fn anonymous_and_guest_hold_exactly_one_credential() {
        assert_eq!(
            ActorContext::anonymous().credentials,
            vec![Credential::global(CredentialType::GlobalAnonymous)]
        );
        assert_eq!(
            ActorContext::guest("Ann").credentials,
            vec![Credential::global(CredentialType::GlobalGuest)]
        );
        assert_eq!(ActorContext::anonymous().actor_id(), "");

        let user = uuid::Uuid::new_v4();
        let registered = ActorContext::authenticated(
            user,
            vec![
                Credential::global(CredentialType::GlobalRegistered),
                Credential::new(CredentialType::UserSelfManagement, user),
            ],
        );
        let mut anon_only =
            AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Space);
        anon_only.add_credential_rules([CredentialRule::new(
            "anonymous-read",
            vec![Credential::global(CredentialType::GlobalAnonymous)],
            &[Read],
        )]);
        assert!(!anon_only.is_granted(&registered.credentials, Read).unwrap());
        assert!(
            anon_only
                .is_granted(&ActorContext::anonymous().credentials, Read)
                .unwrap()
        );
    }
}
