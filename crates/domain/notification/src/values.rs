//! Notification values: events, categories, in-app states and payload types, named as the
//! reference names them (the stored value is the GraphQL name, as in the reference's table).

use alkemio_kernel::stored_enum;

stored_enum! {
    /// A kind of notification: what happened, seen by whom.
    NotificationEvent {
        OrganizationAdminMentioned => ("ORGANIZATION_ADMIN_MENTIONED", "ORGANIZATION_ADMIN_MENTIONED"),
        OrganizationAdminMessage => ("ORGANIZATION_ADMIN_MESSAGE", "ORGANIZATION_ADMIN_MESSAGE"),
        OrganizationMessageSender => ("ORGANIZATION_MESSAGE_SENDER", "ORGANIZATION_MESSAGE_SENDER"),
        PlatformAdminGlobalRoleChanged => ("PLATFORM_ADMIN_GLOBAL_ROLE_CHANGED", "PLATFORM_ADMIN_GLOBAL_ROLE_CHANGED"),
        PlatformAdminSpaceCreated => ("PLATFORM_ADMIN_SPACE_CREATED", "PLATFORM_ADMIN_SPACE_CREATED"),
        PlatformAdminUserProfileCreated => ("PLATFORM_ADMIN_USER_PROFILE_CREATED", "PLATFORM_ADMIN_USER_PROFILE_CREATED"),
        PlatformAdminUserProfileRemoved => ("PLATFORM_ADMIN_USER_PROFILE_REMOVED", "PLATFORM_ADMIN_USER_PROFILE_REMOVED"),
        PlatformForumDiscussionComment => ("PLATFORM_FORUM_DISCUSSION_COMMENT", "PLATFORM_FORUM_DISCUSSION_COMMENT"),
        PlatformForumDiscussionCreated => ("PLATFORM_FORUM_DISCUSSION_CREATED", "PLATFORM_FORUM_DISCUSSION_CREATED"),
        SpaceAdminCollaborationCalloutContribution => ("SPACE_ADMIN_COLLABORATION_CALLOUT_CONTRIBUTION", "SPACE_ADMIN_COLLABORATION_CALLOUT_CONTRIBUTION"),
        SpaceAdminCommunityApplication => ("SPACE_ADMIN_COMMUNITY_APPLICATION", "SPACE_ADMIN_COMMUNITY_APPLICATION"),
        SpaceAdminCommunityNewMember => ("SPACE_ADMIN_COMMUNITY_NEW_MEMBER", "SPACE_ADMIN_COMMUNITY_NEW_MEMBER"),
        SpaceAdminVirtualCommunityInvitationDeclined => ("SPACE_ADMIN_VIRTUAL_COMMUNITY_INVITATION_DECLINED", "SPACE_ADMIN_VIRTUAL_COMMUNITY_INVITATION_DECLINED"),
        SpaceCollaborationCalloutComment => ("SPACE_COLLABORATION_CALLOUT_COMMENT", "SPACE_COLLABORATION_CALLOUT_COMMENT"),
        SpaceCollaborationCalloutContribution => ("SPACE_COLLABORATION_CALLOUT_CONTRIBUTION", "SPACE_COLLABORATION_CALLOUT_CONTRIBUTION"),
        SpaceCollaborationCalloutPostContributionComment => ("SPACE_COLLABORATION_CALLOUT_POST_CONTRIBUTION_COMMENT", "SPACE_COLLABORATION_CALLOUT_POST_CONTRIBUTION_COMMENT"),
        SpaceCollaborationCalloutPublished => ("SPACE_COLLABORATION_CALLOUT_PUBLISHED", "SPACE_COLLABORATION_CALLOUT_PUBLISHED"),
        SpaceCollaborationPollModifiedOnPollIVotedOn => ("SPACE_COLLABORATION_POLL_MODIFIED_ON_POLL_I_VOTED_ON", "SPACE_COLLABORATION_POLL_MODIFIED_ON_POLL_I_VOTED_ON"),
        SpaceCollaborationPollVoteAffectedByOptionChange => ("SPACE_COLLABORATION_POLL_VOTE_AFFECTED_BY_OPTION_CHANGE", "SPACE_COLLABORATION_POLL_VOTE_AFFECTED_BY_OPTION_CHANGE"),
        SpaceCollaborationPollVoteCastOnOwnPoll => ("SPACE_COLLABORATION_POLL_VOTE_CAST_ON_OWN_POLL", "SPACE_COLLABORATION_POLL_VOTE_CAST_ON_OWN_POLL"),
        SpaceCollaborationPollVoteCastOnPollIVotedOn => ("SPACE_COLLABORATION_POLL_VOTE_CAST_ON_POLL_I_VOTED_ON", "SPACE_COLLABORATION_POLL_VOTE_CAST_ON_POLL_I_VOTED_ON"),
        SpaceCommunicationUpdate => ("SPACE_COMMUNICATION_UPDATE", "SPACE_COMMUNICATION_UPDATE"),
        SpaceCommunityCalendarEventComment => ("SPACE_COMMUNITY_CALENDAR_EVENT_COMMENT", "SPACE_COMMUNITY_CALENDAR_EVENT_COMMENT"),
        SpaceCommunityCalendarEventCreated => ("SPACE_COMMUNITY_CALENDAR_EVENT_CREATED", "SPACE_COMMUNITY_CALENDAR_EVENT_CREATED"),
        SpaceCommunityInvitationUserPlatform => ("SPACE_COMMUNITY_INVITATION_USER_PLATFORM", "SPACE_COMMUNITY_INVITATION_USER_PLATFORM"),
        SpaceLeadCommunicationMessage => ("SPACE_LEAD_COMMUNICATION_MESSAGE", "SPACE_LEAD_COMMUNICATION_MESSAGE"),
        UserCommentReply => ("USER_COMMENT_REPLY", "USER_COMMENT_REPLY"),
        UserEmailChangeGlobalAdminNotification => ("USER_EMAIL_CHANGE_GLOBAL_ADMIN_NOTIFICATION", "USER_EMAIL_CHANGE_GLOBAL_ADMIN_NOTIFICATION"),
        UserEmailChangeNewAddressNotification => ("USER_EMAIL_CHANGE_NEW_ADDRESS_NOTIFICATION", "USER_EMAIL_CHANGE_NEW_ADDRESS_NOTIFICATION"),
        UserEmailChangeSecuritySignal => ("USER_EMAIL_CHANGE_SECURITY_SIGNAL", "USER_EMAIL_CHANGE_SECURITY_SIGNAL"),
        UserEmailChangeSpaceAdminNotification => ("USER_EMAIL_CHANGE_SPACE_ADMIN_NOTIFICATION", "USER_EMAIL_CHANGE_SPACE_ADMIN_NOTIFICATION"),
        UserMentioned => ("USER_MENTIONED", "USER_MENTIONED"),
        UserMessage => ("USER_MESSAGE", "USER_MESSAGE"),
        UserPasswordChangeSecuritySignal => ("USER_PASSWORD_CHANGE_SECURITY_SIGNAL", "USER_PASSWORD_CHANGE_SECURITY_SIGNAL"),
        UserSignUpWelcome => ("USER_SIGN_UP_WELCOME", "USER_SIGN_UP_WELCOME"),
        UserSpaceCommunityApplicationDeclined => ("USER_SPACE_COMMUNITY_APPLICATION_DECLINED", "USER_SPACE_COMMUNITY_APPLICATION_DECLINED"),
        UserSpaceCommunityInvitation => ("USER_SPACE_COMMUNITY_INVITATION", "USER_SPACE_COMMUNITY_INVITATION"),
        UserSpaceCommunityJoined => ("USER_SPACE_COMMUNITY_JOINED", "USER_SPACE_COMMUNITY_JOINED"),
        VirtualAdminSpaceCommunityInvitation => ("VIRTUAL_ADMIN_SPACE_COMMUNITY_INVITATION", "VIRTUAL_ADMIN_SPACE_COMMUNITY_INVITATION"),
    }
}

stored_enum! {
    /// Who a notification is for, broadly.
    NotificationEventCategory {
        Organization => ("ORGANIZATION", "organization"),
        Platform => ("PLATFORM", "platform"),
        SpaceAdmin => ("SPACE_ADMIN", "space_admin"),
        SpaceMember => ("SPACE_MEMBER", "space_member"),
        User => ("USER", "user"),
        VirtualContributor => ("VIRTUAL_CONTRIBUTOR", "virtual_contributor"),
    }
}

stored_enum! {
    /// Whether an in-app notification was seen.
    NotificationEventInAppState {
        Archived => ("ARCHIVED", "archived"),
        Read => ("READ", "read"),
        Unread => ("UNREAD", "unread"),
    }
}

stored_enum! {
    /// The shape of an in-app notification's payload.
    NotificationEventPayload {
        OrganizationMessageDirect => ("ORGANIZATION_MESSAGE_DIRECT", "ORGANIZATION_MESSAGE_DIRECT"),
        OrganizationMessageRoom => ("ORGANIZATION_MESSAGE_ROOM", "ORGANIZATION_MESSAGE_ROOM"),
        PlatformForumDiscussion => ("PLATFORM_FORUM_DISCUSSION", "PLATFORM_FORUM_DISCUSSION"),
        PlatformGlobalRoleChange => ("PLATFORM_GLOBAL_ROLE_CHANGE", "PLATFORM_GLOBAL_ROLE_CHANGE"),
        PlatformUserProfileRemoved => ("PLATFORM_USER_PROFILE_REMOVED", "PLATFORM_USER_PROFILE_REMOVED"),
        Space => ("SPACE", "SPACE"),
        SpaceCollaborationCallout => ("SPACE_COLLABORATION_CALLOUT", "SPACE_COLLABORATION_CALLOUT"),
        SpaceCollaborationCalloutComment => ("SPACE_COLLABORATION_CALLOUT_COMMENT", "SPACE_COLLABORATION_CALLOUT_COMMENT"),
        SpaceCollaborationCalloutPostComment => ("SPACE_COLLABORATION_CALLOUT_POST_COMMENT", "SPACE_COLLABORATION_CALLOUT_POST_COMMENT"),
        SpaceCollaborationPoll => ("SPACE_COLLABORATION_POLL", "SPACE_COLLABORATION_POLL"),
        SpaceCommunicationMessageDirect => ("SPACE_COMMUNICATION_MESSAGE_DIRECT", "SPACE_COMMUNICATION_MESSAGE_DIRECT"),
        SpaceCommunicationUpdate => ("SPACE_COMMUNICATION_UPDATE", "SPACE_COMMUNICATION_UPDATE"),
        SpaceCommunityActor => ("SPACE_COMMUNITY_ACTOR", "SPACE_COMMUNITY_ACTOR"),
        SpaceCommunityApplication => ("SPACE_COMMUNITY_APPLICATION", "SPACE_COMMUNITY_APPLICATION"),
        SpaceCommunityCalendarEvent => ("SPACE_COMMUNITY_CALENDAR_EVENT", "SPACE_COMMUNITY_CALENDAR_EVENT"),
        SpaceCommunityCalendarEventComment => ("SPACE_COMMUNITY_CALENDAR_EVENT_COMMENT", "SPACE_COMMUNITY_CALENDAR_EVENT_COMMENT"),
        SpaceCommunityInvitation => ("SPACE_COMMUNITY_INVITATION", "SPACE_COMMUNITY_INVITATION"),
        SpaceCommunityInvitationUserPlatform => ("SPACE_COMMUNITY_INVITATION_USER_PLATFORM", "SPACE_COMMUNITY_INVITATION_USER_PLATFORM"),
        User => ("USER", "USER"),
        UserEmailChangeGlobalAdminNotification => ("USER_EMAIL_CHANGE_GLOBAL_ADMIN_NOTIFICATION", "USER_EMAIL_CHANGE_GLOBAL_ADMIN_NOTIFICATION"),
        UserEmailChangeNewAddressNotification => ("USER_EMAIL_CHANGE_NEW_ADDRESS_NOTIFICATION", "USER_EMAIL_CHANGE_NEW_ADDRESS_NOTIFICATION"),
        UserEmailChangeSecuritySignal => ("USER_EMAIL_CHANGE_SECURITY_SIGNAL", "USER_EMAIL_CHANGE_SECURITY_SIGNAL"),
        UserMessageDirect => ("USER_MESSAGE_DIRECT", "USER_MESSAGE_DIRECT"),
        UserMessageRoom => ("USER_MESSAGE_ROOM", "USER_MESSAGE_ROOM"),
        VirtualContributor => ("VIRTUAL_CONTRIBUTOR", "VIRTUAL_CONTRIBUTOR"),
    }
}
