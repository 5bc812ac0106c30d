//! How actors enter a role set: applications, invitations, platform invitations (to e-mail
//! addresses without an account), the application form, and the two lifecycles.
//!
//! The lifecycles are the reference's state machines with one difference: the reference stores
//! the intermediate states `approving` and `accepting` and lets a client send `APPROVED` or
//! `ACCEPTED` itself, which finishes the lifecycle without granting the membership. Here the
//! grant and the final state commit in one transaction, so those intermediate states are never
//! stored and `APPROVED`/`ACCEPTED` are not events a client can send.

use alkemio_authorization::{ActorContext, ActorKind};
use alkemio_kernel::ids::{ActorId, RoleSetId, UserId};
use alkemio_kernel::{AppError, AppResult, ErrorStatus, stored_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::RoleName;

stored_enum! {
    /// The caller's relation to a role set's entry role.
    CommunityMembershipStatus {
        ApplicationPending => ("APPLICATION_PENDING", "application-pending"),
        InvitationPending => ("INVITATION_PENDING", "invitation-pending"),
        Member => ("MEMBER", "member"),
        NotMember => ("NOT_MEMBER", "not-member"),
    }
}

stored_enum! {
    /// Roles an actor holds because of roles elsewhere.
    RoleSetRoleImplicit {
        AccountAdmin => ("ACCOUNT_ADMIN", "account-admin"),
        SubspaceAdmin => ("SUBSPACE_ADMIN", "subspace-admin"),
    }
}

stored_enum! {
    /// What inviting one actor or e-mail address came to.
    RoleSetInvitationResultType {
        AlreadyHasOpenApplication => ("ALREADY_HAS_OPEN_APPLICATION", "already-has-open-application"),
        AlreadyInvitedToPlatformAndRoleSet => ("ALREADY_INVITED_TO_PLATFORM_AND_ROLE_SET", "already-invited-to-platform-and-role-set"),
        AlreadyInvitedToRoleSet => ("ALREADY_INVITED_TO_ROLE_SET", "already-invited-to-role-set"),
        AlreadyMemberOfRoleSet => ("ALREADY_MEMBER_OF_ROLE_SET", "already-member-of-role-set"),
        InvitationToParentNotAuthorized => ("INVITATION_TO_PARENT_NOT_AUTHORIZED", "invitation-to-parent-not-authorized"),
        InvitedToPlatformAndRoleSet => ("INVITED_TO_PLATFORM_AND_ROLE_SET", "invited-to-platform-and-role-set"),
        InvitedToRoleSet => ("INVITED_TO_ROLE_SET", "invited-to-role-set"),
    }
}

/// One question of an application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormQuestion {
    /// The question.
    pub question: String,
    /// What the question is after.
    pub explanation: String,
    /// Longest answer accepted.
    pub max_length: f64,
    /// Whether an answer is needed.
    pub required: bool,
    /// Position among the questions.
    pub sort_order: f64,
}

/// A role set's application form, stored with the role set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Form {
    /// Its id.
    pub id: Uuid,
    /// Markdown shown above the questions.
    pub description: String,
    /// The questions.
    pub questions: Vec<FormQuestion>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

fn question(sort_order: f64, question: &str, explanation: &str, required: bool) -> FormQuestion {
    FormQuestion {
        question: question.to_owned(),
        explanation: explanation.to_owned(),
        max_length: 500.0,
        required,
        sort_order,
    }
}

impl Form {
    /// The form new L0 spaces get (the reference's data).
    pub fn space_default(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            description: "Welcome, thank you for your interest!".to_owned(),
            questions: vec![question(
                1.0,
                "If you have a specific idea for how you'd like to contribute, please share it below.",
                "",
                false,
            )],
            created_date: now,
            updated_date: now,
        }
    }

    /// The form new subspaces get (the reference's data).
    pub fn subspace_default(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            description: "<strong>Welcome!</strong><br> Thank you for expressing interest in joining our community. We would like to learn more about you and how you can contribute. Please take a moment to complete the following application form.".to_owned(),
            questions: vec![
                question(1.0, "What brings you here?", "Please introduce yourself and share what motivated you to explore membership in our community.", false),
                question(2.0, "What do you hope to gain from being part of this community?", "Let us know your expectations and what you are looking forward to experiencing within our community.", false),
                question(3.0, "How can you contribute to this community?", "We value diverse perspectives and skills. Tell us how you can enrich our community.", false),
                question(4.0, "How did you discover this community?", "We are curious! Was it through a friend, social media, or some other avenue?", false),
            ],
            created_date: now,
            updated_date: now,
        }
    }

    /// The form organizations' role sets get (the reference's data).
    pub fn organization_default(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            description: String::new(),
            questions: vec![question(1.0, "What makes you want to join?", "", true)],
            created_date: now,
            updated_date: now,
        }
    }

    /// The platform role set's (empty) form.
    pub fn empty(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            description: String::new(),
            questions: Vec::new(),
            created_date: now,
            updated_date: now,
        }
    }

    /// The form a role set has until its admins change it: the reference's default for its
    /// kind, with an id derived from the role set's.
    pub fn default_for(set: &crate::model::RoleSet) -> Self {
        use crate::model::RoleSetType;
        let now = set.created_date;
        let mut form = match (set.role_set_type, set.parent_role_set_id) {
            (RoleSetType::Space, None) => Self::space_default(now),
            (RoleSetType::Space, Some(_)) => Self::subspace_default(now),
            (RoleSetType::Organization, _) => Self::organization_default(now),
            (RoleSetType::Platform, _) => Self::empty(now),
        };
        form.id = Uuid::new_v5(&set.id.0, b"application-form");
        form
    }

    /// The questions by their sort order.
    pub fn sorted_questions(&self) -> Vec<FormQuestion> {
        let mut q = self.questions.clone();
        q.sort_by(|a, b| a.sort_order.total_cmp(&b.sort_order));
        q
    }
}

/// One answer of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// Its id.
    pub id: Uuid,
    /// The question answered.
    pub name: String,
    /// The answer.
    pub value: String,
    /// Position among the answers.
    pub sort_order: i32,
}

stored_enum! {
    /// Where an application is in its lifecycle.
    ApplicationState {
        Approved => ("APPROVED", "approved"),
        Archived => ("ARCHIVED", "archived"),
        New => ("NEW", "new"),
        Rejected => ("REJECTED", "rejected"),
    }
}

stored_enum! {
    /// Where an invitation is in its lifecycle.
    InvitationState {
        Accepted => ("ACCEPTED", "accepted"),
        Archived => ("ARCHIVED", "archived"),
        Invited => ("INVITED", "invited"),
        Rejected => ("REJECTED", "rejected"),
    }
}

/// What an event on an application asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationEvent {
    /// Admit the applicant (needs GRANT).
    Approve,
    /// Turn it down, or withdraw it (needs UPDATE).
    Reject,
    /// Open a rejected one again (needs UPDATE).
    Reopen,
    /// Put a rejected one away for good (needs UPDATE).
    Archive,
}

/// What an event on an invitation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationEvent {
    /// Take it up (only the invitee's side).
    Accept,
    /// Decline it, or withdraw it (needs UPDATE).
    Reject,
    /// Invite again after a rejection (needs UPDATE).
    Reinvite,
    /// Put a rejected one away for good (needs UPDATE).
    Archive,
}

fn transition_error(lifecycle: Uuid, event: &str, state: &str, next: &[&str]) -> AppError {
    let detail = if next.is_empty() {
        format!("no events are possible in the final state '{state}'")
    } else {
        format!("the possible events are {}", next.join(", "))
    };
    AppError::new(
        ErrorStatus::InvalidStateTransition,
        format!("Lifecycle ({lifecycle}) cannot take event '{event}' in state '{state}': {detail}"),
    )
}

impl ApplicationState {
    /// The events this state takes, in the reference's order.
    pub fn next_events(self) -> &'static [&'static str] {
        match self {
            Self::New => &["APPROVE", "REJECT"],
            Self::Rejected => &["REOPEN", "ARCHIVE"],
            Self::Approved | Self::Archived => &[],
        }
    }

    /// Whether the lifecycle is over.
    pub fn is_final(self) -> bool {
        self.next_events().is_empty()
    }

    /// The event named `name` and the state it leads to, or INVALID_STATE_TRANSITION.
    pub fn apply(self, lifecycle: Uuid, name: &str) -> AppResult<(ApplicationEvent, Self)> {
        let next = match (self, name) {
            (Self::New, "APPROVE") => (ApplicationEvent::Approve, Self::Approved),
            (Self::New, "REJECT") => (ApplicationEvent::Reject, Self::Rejected),
            (Self::Rejected, "REOPEN") => (ApplicationEvent::Reopen, Self::New),
            (Self::Rejected, "ARCHIVE") => (ApplicationEvent::Archive, Self::Archived),
            _ => {
                return Err(transition_error(
                    lifecycle,
                    name,
                    self.as_str(),
                    self.next_events(),
                ));
            }
        };
        Ok(next)
    }
}

impl InvitationState {
    /// The events this state takes, in the reference's order.
    pub fn next_events(self) -> &'static [&'static str] {
        match self {
            Self::Invited => &["ACCEPT", "REJECT"],
            Self::Rejected => &["REINVITE", "ARCHIVE"],
            Self::Accepted | Self::Archived => &[],
        }
    }

    /// Whether the lifecycle is over.
    pub fn is_final(self) -> bool {
        self.next_events().is_empty()
    }

    /// The event named `name` and the state it leads to, or INVALID_STATE_TRANSITION.
    pub fn apply(self, lifecycle: Uuid, name: &str) -> AppResult<(InvitationEvent, Self)> {
        let next = match (self, name) {
            (Self::Invited, "ACCEPT") => (InvitationEvent::Accept, Self::Accepted),
            (Self::Invited, "REJECT") => (InvitationEvent::Reject, Self::Rejected),
            (Self::Rejected, "REINVITE") => (InvitationEvent::Reinvite, Self::Invited),
            (Self::Rejected, "ARCHIVE") => (InvitationEvent::Archive, Self::Archived),
            _ => {
                return Err(transition_error(
                    lifecycle,
                    name,
                    self.as_str(),
                    self.next_events(),
                ));
            }
        };
        Ok(next)
    }
}

/// A user's application to join a role set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Its id.
    pub id: Uuid,
    /// The role set applied to.
    pub role_set_id: RoleSetId,
    /// The applicant (always a user).
    pub user_id: UserId,
    /// Its lifecycle's id.
    pub lifecycle_id: Uuid,
    /// Where it stands.
    pub state: ApplicationState,
    /// The answers given.
    pub answers: Vec<Answer>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An invitation of an existing actor (user, organization, virtual contributor) to a role set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id.
    pub id: Uuid,
    /// The role set invited to.
    pub role_set_id: RoleSetId,
    /// Who is invited.
    pub invited_actor_id: ActorId,
    /// The invitee's account, whose admins may accept.
    pub invitee_account_id: Option<ActorId>,
    /// The inviting user.
    pub created_by: Option<UserId>,
    /// A note from the inviter.
    pub welcome_message: Option<String>,
    /// Whether accepting also enters the parent space's role set.
    pub invited_to_parent: bool,
    /// Roles given besides the entry role on acceptance.
    pub extra_roles: Vec<RoleName>,
    /// Its lifecycle's id.
    pub lifecycle_id: Uuid,
    /// Where it stands.
    pub state: InvitationState,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An invitation of an e-mail address that has no account yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformInvitation {
    /// Its id.
    pub id: Uuid,
    /// The role set invited to.
    pub role_set_id: RoleSetId,
    /// The address, trimmed and lower-cased.
    pub email: String,
    /// First name, when known.
    pub first_name: Option<String>,
    /// Last name, when known.
    pub last_name: Option<String>,
    /// The inviting user.
    pub created_by: UserId,
    /// A note from the inviter.
    pub welcome_message: Option<String>,
    /// Whether the invitation made on registration also enters the parent.
    pub role_set_invited_to_parent: bool,
    /// Roles given besides the entry role.
    pub role_set_extra_roles: Vec<RoleName>,
    /// Whether the person has registered (the invitation then became an ordinary one).
    pub profile_created: bool,
    /// On the platform's role set: the platform role the person receives on registering.
    pub platform_role: Option<RoleName>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The caller's actor id when it is a registered actor.
pub fn caller_actor(caller: &ActorContext) -> Option<ActorId> {
    match caller.kind {
        ActorKind::Authenticated { actor_id } => Some(ActorId(actor_id)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_lifecycle_follows_the_reference_machine() {
        let l = Uuid::now_v7();
        let s = ApplicationState::New;
        assert_eq!(s.next_events(), &["APPROVE", "REJECT"]);
        let (_, s) = s.apply(l, "REJECT").unwrap();
        assert_eq!(s, ApplicationState::Rejected);
        assert!(!s.is_final());
        let (_, s) = s.apply(l, "REOPEN").unwrap();
        let (e, s) = s.apply(l, "APPROVE").unwrap();
        assert_eq!(e, ApplicationEvent::Approve);
        assert!(s.is_final());
        let err = s.apply(l, "REJECT").unwrap_err();
        assert_eq!(err.status(), ErrorStatus::InvalidStateTransition);
        // The reference's internal completion events are not client events here.
        let err = ApplicationState::New.apply(l, "APPROVED").unwrap_err();
        assert_eq!(err.status(), ErrorStatus::InvalidStateTransition);
        assert!(
            ApplicationState::New
                .apply(l, "approve")
                .is_err_and(|e| e.status() == ErrorStatus::InvalidStateTransition)
        );
    }

    #[test]
    fn invitation_lifecycle_follows_the_reference_machine() {
        let l = Uuid::now_v7();
        let (_, s) = InvitationState::Invited.apply(l, "REJECT").unwrap();
        assert_eq!(s.next_events(), &["REINVITE", "ARCHIVE"]);
        let (_, s) = s.apply(l, "ARCHIVE").unwrap();
        assert!(s.is_final());
        assert!(s.apply(l, "REINVITE").is_err());
        let (e, s) = InvitationState::Invited.apply(l, "ACCEPT").unwrap();
        assert_eq!((e, s), (InvitationEvent::Accept, InvitationState::Accepted));
        assert!(InvitationState::Invited.apply(l, "ACCEPTED").is_err());
    }

    #[test]
    fn forms_list_questions_by_sort_order() {
        let mut f = Form::subspace_default(Utc::now());
        f.questions.reverse();
        let sorted = f.sorted_questions();
        assert_eq!(sorted[0].question, "What brings you here?");
        assert_eq!(sorted.len(), 4);
    }
}
