//! Organization verification: a state machine with the reference's states and events, whose
//! state is kept in a lifecycle row, and the status derived from it.

use alkemio_authorization::AuthorizationPrivilege;
use alkemio_kernel::stored_enum;

stored_enum! {
    /// Whether an organization is verified.
    OrganizationVerificationEnum {
        NotVerified => ("NOT_VERIFIED", "not-verified"),
        VerifiedManualAttestation => ("VERIFIED_MANUAL_ATTESTATION", "verified-manual-attestation"),
    }
}

/// Whether an organization is verified (the GraphQL name is the reference's).
pub type VerificationStatus = OrganizationVerificationEnum;

/// The states of the verification machine (the names the client sees in `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationState {
    /// Initial state.
    NotVerified,
    /// Verification was requested.
    VerificationPending,
    /// A platform admin verified the organization.
    ManuallyVerified,
    /// The request was rejected.
    Rejected,
    /// Closed for good.
    Archived,
}

impl VerificationState {
    /// Every state.
    pub const ALL: [VerificationState; 5] = [
        VerificationState::NotVerified,
        VerificationState::VerificationPending,
        VerificationState::ManuallyVerified,
        VerificationState::Rejected,
        VerificationState::Archived,
    ];

    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationState::NotVerified => "notVerified",
            VerificationState::VerificationPending => "verificationPending",
            VerificationState::ManuallyVerified => "manuallyVerified",
            VerificationState::Rejected => "rejected",
            VerificationState::Archived => "archived",
        }
    }

    /// Parses a stored state name; none means the initial state.
    pub fn parse(stored: Option<&str>) -> Option<Self> {
        match stored {
            None | Some("") => Some(VerificationState::NotVerified),
            Some(s) => Self::ALL.into_iter().find(|st| st.as_str() == s),
        }
    }

    /// The events this state accepts, with the privilege each needs on the verification (none:
    /// anyone who may send events) and where it leads.
    pub fn transitions(
        self,
    ) -> &'static [(
        &'static str,
        Option<AuthorizationPrivilege>,
        VerificationState,
    )] {
        use AuthorizationPrivilege as P;
        use VerificationState as S;
        match self {
            S::NotVerified => &[(
                "VERIFICATION_REQUEST",
                Some(P::Update),
                S::VerificationPending,
            )],
            S::VerificationPending => &[
                ("MANUALLY_VERIFY", Some(P::Grant), S::ManuallyVerified),
                ("REJECT", None, S::Rejected),
            ],
            S::ManuallyVerified => &[("RESET", Some(P::Grant), S::NotVerified)],
            S::Rejected => &[
                ("REOPEN", Some(P::Grant), S::NotVerified),
                ("ARCHIVE", Some(P::Grant), S::Archived),
            ],
            S::Archived => &[],
        }
    }

    /// The names of the events this state accepts, whatever the caller may do.
    pub fn next_events(self) -> Vec<String> {
        self.transitions()
            .iter()
            .map(|(e, _, _)| (*e).to_owned())
            .collect()
    }

    /// Whether no event leaves this state.
    pub fn is_final(self) -> bool {
        self == VerificationState::Archived
    }

    /// The status this state means.
    pub fn status(self) -> VerificationStatus {
        match self {
            VerificationState::ManuallyVerified => VerificationStatus::VerifiedManualAttestation,
            _ => VerificationStatus::NotVerified,
        }
    }
}

/// An organization's verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationVerification {
    /// Its id.
    pub id: uuid::Uuid,
    /// The organization.
    pub organization_id: uuid::Uuid,
    /// The status, kept in step with the state.
    pub status: VerificationStatus,
    /// The machine's state.
    pub state: VerificationState,
    /// The lifecycle row holding the state.
    pub lifecycle_id: uuid::Uuid,
    /// When the lifecycle was created.
    pub lifecycle_created_date: chrono::DateTime<chrono::Utc>,
    /// When the lifecycle last changed.
    pub lifecycle_updated_date: chrono::DateTime<chrono::Utc>,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_the_reference_machine() {
        use VerificationState as S;
        assert_eq!(S::parse(None), Some(S::NotVerified));
        assert_eq!(S::NotVerified.next_events(), vec!["VERIFICATION_REQUEST"]);
        assert_eq!(
            S::VerificationPending.next_events(),
            vec!["MANUALLY_VERIFY", "REJECT"]
        );
        assert_eq!(S::Rejected.next_events(), vec!["REOPEN", "ARCHIVE"]);
        assert!(S::Archived.next_events().is_empty() && S::Archived.is_final());
        assert_eq!(
            S::ManuallyVerified.status(),
            VerificationStatus::VerifiedManualAttestation
        );
        for s in S::ALL {
            assert_eq!(S::parse(Some(s.as_str())), Some(s));
        }
    }
}
