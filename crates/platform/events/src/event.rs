//! The domain events: one typed variant per notifiable change, and the record that carries one
//! through the outbox and over the broker.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A change other modules (notifications, search, caches) react to. Variants carry ids and the
/// few values that do not survive the change (a deleted user's name and e-mail); consumers read
/// the rest themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DomainEvent {
    /// A user profile was created (first sign-in, or by an admin).
    UserRegistered {
        /// The new user.
        user_id: Uuid,
    },
    /// A user was deleted.
    UserRemoved {
        /// The deleted user's id.
        user_id: Uuid,
        /// Their display name at deletion.
        display_name: String,
        /// Their e-mail at deletion.
        email: String,
    },
    /// A platform role was granted or revoked.
    GlobalRoleChanged {
        /// Whose role changed.
        user_id: Uuid,
        /// The role (`PlatformRole` value, e.g. `GLOBAL_ADMIN`).
        role: String,
        /// Granted (true) or revoked (false).
        added: bool,
    },
    /// A top-level space was created on an account.
    SpaceCreated {
        /// The new space.
        space_id: Uuid,
    },
    /// A user applied to join a space.
    ApplicationCreated {
        /// The application.
        application_id: Uuid,
        /// The space applied to.
        space_id: Uuid,
        /// The applying user.
        applicant_id: Uuid,
    },
    /// An application was rejected.
    ApplicationDeclined {
        /// The application.
        application_id: Uuid,
        /// The space applied to.
        space_id: Uuid,
        /// The applying user.
        applicant_id: Uuid,
    },
    /// An existing contributor was invited to a space.
    InvitationCreated {
        /// The invitation.
        invitation_id: Uuid,
        /// The space invited to.
        space_id: Uuid,
        /// The invited actor.
        invitee_id: Uuid,
        /// The message written with the invitation.
        welcome_message: Option<String>,
    },
    /// Someone without an account was invited to a space by e-mail.
    PlatformInvitationCreated {
        /// The platform invitation.
        platform_invitation_id: Uuid,
        /// The space invited to.
        space_id: Uuid,
        /// The address invited.
        email: String,
        /// The message written with the invitation.
        welcome_message: Option<String>,
    },
    /// A contributor became a member of a space's community.
    MemberJoined {
        /// The space joined.
        space_id: Uuid,
        /// The new member.
        actor_id: Uuid,
    },
    /// A user sent a message to another user (by e-mail and in-app, not in a conversation).
    UserMessage {
        /// The receiver.
        receiver_id: Uuid,
        /// The message.
        message: String,
    },
    /// A user sent a message to an organization (its admins hear it).
    OrganizationMessage {
        /// The organization.
        organization_id: Uuid,
        /// The message.
        message: String,
    },
    /// A user sent a message to the leads of a space's community.
    CommunityLeadsMessage {
        /// The space.
        space_id: Uuid,
        /// The message.
        message: String,
    },
    /// A callout of a space's collaboration was published, with a notification asked for.
    CalloutPublished {
        /// The space.
        space_id: Uuid,
        /// The callout.
        callout_id: Uuid,
        /// The callout's title.
        title: String,
        /// The callout's NameID (for its link).
        callout_name_id: String,
    },
    /// Something was contributed to a published callout of a space's collaboration.
    ContributionCreated {
        /// The space.
        space_id: Uuid,
        /// The callout.
        callout_id: Uuid,
        /// The contribution.
        contribution_id: Uuid,
        /// Its kind (`POST`, `LINK`, `WHITEBOARD`, `MEMO`).
        contribution_type: String,
        /// The contribution's display name.
        contribution_name: String,
        /// The callout's title.
        callout_title: String,
        /// The callout's NameID (for its link).
        callout_name_id: String,
    },
    /// A discussion was started in the platform's forum.
    ForumDiscussionCreated {
        /// The discussion.
        discussion_id: Uuid,
        /// Its NameID (its URL is made of it).
        name_id: String,
        /// Its title.
        display_name: String,
        /// Its text.
        description: Option<String>,
        /// Its category (the stored value, e.g. `releases`).
        category: String,
    },
    /// A space's admins sent an update to its community (a message in its updates room).
    UpdateSent {
        /// The space.
        space_id: Uuid,
        /// The message.
        message_id: String,
        /// The update's text.
        update: String,
    },
}

impl DomainEvent {
    /// The event's name: the routing key on the broker and the `name` column of the outbox.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UserRegistered { .. } => "user.registered",
            Self::UserRemoved { .. } => "user.removed",
            Self::GlobalRoleChanged { .. } => "platform.global-role.changed",
            Self::SpaceCreated { .. } => "space.created",
            Self::ApplicationCreated { .. } => "community.application.created",
            Self::ApplicationDeclined { .. } => "community.application.declined",
            Self::InvitationCreated { .. } => "community.invitation.created",
            Self::PlatformInvitationCreated { .. } => "community.platform-invitation.created",
            Self::MemberJoined { .. } => "community.member.joined",
            Self::UpdateSent { .. } => "communication.update.sent",
            Self::ForumDiscussionCreated { .. } => "platform.forum.discussion.created",
            Self::CalloutPublished { .. } => "collaboration.callout.published",
            Self::ContributionCreated { .. } => "collaboration.callout.contribution.created",
            Self::UserMessage { .. } => "communication.user.message",
            Self::OrganizationMessage { .. } => "communication.organization.message",
            Self::CommunityLeadsMessage { .. } => "communication.community-leads.message",
        }
    }
}

/// One event as stored in the outbox and sent over the broker: the event with its identity,
/// time and cause. `id` is what consumers deduplicate on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Unique id of this occurrence.
    pub id: Uuid,
    /// When the change was made (microsecond precision).
    pub occurred_at: DateTime<Utc>,
    /// The actor whose request made the change, when there was one.
    pub triggered_by: Option<Uuid>,
    /// What happened.
    pub event: DomainEvent,
}

impl EventRecord {
    /// A new occurrence of `event`, caused by `triggered_by`, happening now.
    pub fn new(event: DomainEvent, triggered_by: Option<Uuid>) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: Utc::now().trunc_subsecs(6),
            triggered_by,
            event,
        }
    }

    /// The event's name.
    pub fn name(&self) -> &'static str {
        self.event.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_json() {
        let record = EventRecord::new(
            DomainEvent::ApplicationCreated {
                application_id: Uuid::now_v7(),
                space_id: Uuid::now_v7(),
                applicant_id: Uuid::now_v7(),
            },
            Some(Uuid::now_v7()),
        );
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["event"]["type"], "applicationCreated");
        assert!(json["event"]["applicationId"].is_string());
        let back: EventRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
        assert_eq!(back.name(), "community.application.created");
    }
}
