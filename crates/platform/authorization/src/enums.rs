//! The enums of the authorization model. GraphQL shows each value by its SCREAMING_CASE name;
//! the database and every other service store the reference's kebab-case value, so both are
//! kept here and serde uses the stored one.

use alkemio_kernel::stored_enum;

stored_enum! {
    /// A privilege a policy can grant.
    AuthorizationPrivilege {
        AccessInteractiveGuidance => ("ACCESS_INTERACTIVE_GUIDANCE", "access-interactive-guidance"),
        AccessVirtualAssistant => ("ACCESS_VIRTUAL_ASSISTANT", "access-virtual-assistant"),
        AccountLicenseManage => ("ACCOUNT_LICENSE_MANAGE", "account-license-manage"),
        AuthorizationReset => ("AUTHORIZATION_RESET", "authorization-reset"),
        CommunityAssignVcFromAccount => ("COMMUNITY_ASSIGN_VC_FROM_ACCOUNT", "community-assign-vc-from-account"),
        Contribute => ("CONTRIBUTE", "contribute"),
        Create => ("CREATE", "create"),
        CreateCallout => ("CREATE_CALLOUT", "create-callout"),
        CreateDiscussion => ("CREATE_DISCUSSION", "create-discussion"),
        CreateInnovationHub => ("CREATE_INNOVATION_HUB", "create-innovation-hub"),
        CreateInnovationPack => ("CREATE_INNOVATION_PACK", "create-innovation-pack"),
        CreateMessage => ("CREATE_MESSAGE", "create-message"),
        CreateMessageReaction => ("CREATE_MESSAGE_REACTION", "create-message-reaction"),
        CreateMessageReply => ("CREATE_MESSAGE_REPLY", "create-message-reply"),
        CreateOrganization => ("CREATE_ORGANIZATION", "create-organization"),
        CreatePost => ("CREATE_POST", "create-post"),
        CreateSpace => ("CREATE_SPACE", "create-space"),
        CreateSubspace => ("CREATE_SUBSPACE", "create-subspace"),
        CreateVirtual => ("CREATE_VIRTUAL", "create-virtual-contributor"),
        CreateWhiteboard => ("CREATE_WHITEBOARD", "create-whiteboard"),
        Delete => ("DELETE", "delete"),
        FileDelete => ("FILE_DELETE", "file-delete"),
        FileUpload => ("FILE_UPLOAD", "file-upload"),
        Grant => ("GRANT", "grant"),
        GrantGlobalAdmins => ("GRANT_GLOBAL_ADMINS", "grant-global-admins"),
        LicenseReset => ("LICENSE_RESET", "license-reset"),
        MoveContribution => ("MOVE_CONTRIBUTION", "move-contribution"),
        MovePost => ("MOVE_POST", "move-post"),
        PlatformAdmin => ("PLATFORM_ADMIN", "platform-admin"),
        PlatformOperationsAdmin => ("PLATFORM_OPERATIONS_ADMIN", "platform-operations-admin"),
        PlatformSettingsAdmin => ("PLATFORM_SETTINGS_ADMIN", "platform-settings-admin"),
        PublicShare => ("PUBLIC_SHARE", "public-share"),
        Read => ("READ", "read"),
        ReadAbout => ("READ_ABOUT", "read-about"),
        ReadLicense => ("READ_LICENSE", "read-license"),
        ReadUsers => ("READ_USERS", "read-users"),
        ReadUserPii => ("READ_USER_PII", "read-user-pii"),
        ReadUserSettings => ("READ_USER_SETTINGS", "read-user-settings"),
        ReceiveNotifications => ("RECEIVE_NOTIFICATIONS", "receive-notifications"),
        ReceiveNotificationsAdmin => ("RECEIVE_NOTIFICATIONS_ADMIN", "receive-notifications-admin"),
        ReceiveNotificationsOrganizationAdmin => ("RECEIVE_NOTIFICATIONS_ORGANIZATION_ADMIN", "receive-notifications-organization-admin"),
        ReceiveNotificationsSpaceAdmin => ("RECEIVE_NOTIFICATIONS_SPACE_ADMIN", "receive-notifications-space-admin"),
        ReceiveNotificationsSpaceLead => ("RECEIVE_NOTIFICATIONS_SPACE_LEAD", "receive-notifications-space-lead"),
        RolesetEntryRoleApply => ("ROLESET_ENTRY_ROLE_APPLY", "roleset-entry-role-apply"),
        RolesetEntryRoleAssign => ("ROLESET_ENTRY_ROLE_ASSIGN", "roleset-entry-role-assign"),
        RolesetEntryRoleAssignOrganization => ("ROLESET_ENTRY_ROLE_ASSIGN_ORGANIZATION", "roleset-entry-role-assign-organization"),
        RolesetEntryRoleInvite => ("ROLESET_ENTRY_ROLE_INVITE", "roleset-entry-role-invite"),
        RolesetEntryRoleInviteAccept => ("ROLESET_ENTRY_ROLE_INVITE_ACCEPT", "roleset-entry-role-invite-accept"),
        RolesetEntryRoleJoin => ("ROLESET_ENTRY_ROLE_JOIN", "roleset-entry-role-join"),
        TransferResourceAccept => ("TRANSFER_RESOURCE_ACCEPT", "transfer-resource-accept"),
        TransferResourceOffer => ("TRANSFER_RESOURCE_OFFER", "transfer-resource-offer"),
        Update => ("UPDATE", "update"),
        UpdateCalloutPublisher => ("UPDATE_CALLOUT_PUBLISHER", "update-callout-publisher"),
        UpdateContent => ("UPDATE_CONTENT", "update-content"),
        UpdateInnovationFlow => ("UPDATE_INNOVATION_FLOW", "update-innovation-flow"),
    }
}

stored_enum! {
    /// A credential an actor can hold: a role, a global role, or a license.
    CredentialType {
        AccountAdmin => ("ACCOUNT_ADMIN", "account-admin"),
        AccountLicensePlus => ("ACCOUNT_LICENSE_PLUS", "account-license-plus"),
        AssistantAccess => ("ASSISTANT_ACCESS", "assistant-access"),
        BetaTester => ("BETA_TESTER", "beta-tester"),
        GlobalAdmin => ("GLOBAL_ADMIN", "global-admin"),
        GlobalAnonymous => ("GLOBAL_ANONYMOUS", "global-anonymous"),
        GlobalCommunityRead => ("GLOBAL_COMMUNITY_READ", "global-community-read"),
        GlobalGuest => ("GLOBAL_GUEST", "global-guest"),
        GlobalLicenseManager => ("GLOBAL_LICENSE_MANAGER", "global-license-manager"),
        GlobalPlatformManager => ("GLOBAL_PLATFORM_MANAGER", "global-platform-manager"),
        GlobalRegistered => ("GLOBAL_REGISTERED", "global-registered"),
        GlobalSpacesReader => ("GLOBAL_SPACES_READER", "global-spaces-read"),
        GlobalSupport => ("GLOBAL_SUPPORT", "global-support"),
        GlobalSupportManager => ("GLOBAL_SUPPORT_MANAGER", "global-support-manager"),
        OrganizationAdmin => ("ORGANIZATION_ADMIN", "organization-admin"),
        OrganizationAssociate => ("ORGANIZATION_ASSOCIATE", "organization-associate"),
        OrganizationOwner => ("ORGANIZATION_OWNER", "organization-owner"),
        PlatformOperationsAdmin => ("PLATFORM_OPERATIONS_ADMIN", "platform-operations-admin"),
        SpaceAdmin => ("SPACE_ADMIN", "space-admin"),
        SpaceFeatureMemoMultiUser => ("SPACE_FEATURE_MEMO_MULTI_USER", "space-feature-memo-multi-user"),
        SpaceFeatureOfficeDocuments => ("SPACE_FEATURE_OFFICE_DOCUMENTS", "space-feature-office-documents"),
        SpaceFeatureSaveAsTemplate => ("SPACE_FEATURE_SAVE_AS_TEMPLATE", "space-feature-save-as-template"),
        SpaceFeatureVirtualContributors => ("SPACE_FEATURE_VIRTUAL_CONTRIBUTORS", "space-feature-virtual-contributors"),
        SpaceFeatureWhiteboardMultiUser => ("SPACE_FEATURE_WHITEBOARD_MULTI_USER", "space-feature-whiteboard-multi-user"),
        SpaceLead => ("SPACE_LEAD", "space-lead"),
        SpaceLicenseEnterprise => ("SPACE_LICENSE_ENTERPRISE", "space-license-enterprise"),
        SpaceLicenseFree => ("SPACE_LICENSE_FREE", "space-license-free"),
        SpaceLicensePlus => ("SPACE_LICENSE_PLUS", "space-license-plus"),
        SpaceLicensePremium => ("SPACE_LICENSE_PREMIUM", "space-license-premium"),
        SpaceMember => ("SPACE_MEMBER", "space-member"),
        SpaceMemberInvitee => ("SPACE_MEMBER_INVITEE", "space-invitee"),
        SpaceSubspaceAdmin => ("SPACE_SUBSPACE_ADMIN", "space-subspace-admin"),
        UserGroupMember => ("USER_GROUP_MEMBER", "user-group-member"),
        UserSelfManagement => ("USER_SELF_MANAGEMENT", "user-self"),
        VcCampaign => ("VC_CAMPAIGN", "vc-campaign"),
    }
}

stored_enum! {
    /// The kind of entity a policy belongs to.
    AuthorizationPolicyType {
        Account => ("ACCOUNT", "account"),
        Agent => ("AGENT", "actor"),
        AiPersona => ("AI_PERSONA", "ai-persona"),
        AiServer => ("AI_SERVER", "ai-server"),
        Application => ("APPLICATION", "application"),
        Calendar => ("CALENDAR", "calendar"),
        CalendarEvent => ("CALENDAR_EVENT", "calendar-event"),
        Callout => ("CALLOUT", "callout"),
        CalloutsSet => ("CALLOUTS_SET", "callouts-set"),
        CalloutContribution => ("CALLOUT_CONTRIBUTION", "callout-contribution"),
        CalloutFraming => ("CALLOUT_FRAMING", "callout-framing"),
        Classification => ("CLASSIFICATION", "classification"),
        Collaboration => ("COLLABORATION", "collaboration"),
        CollaboraDocument => ("COLLABORA_DOCUMENT", "collabora-document"),
        Communication => ("COMMUNICATION", "communication"),
        CommunicationConversation => ("COMMUNICATION_CONVERSATION", "communication-conversation"),
        CommunicationMessaging => ("COMMUNICATION_MESSAGING", "communication-messaging"),
        Community => ("COMMUNITY", "community"),
        CommunityGuidelines => ("COMMUNITY_GUIDELINES", "community-guidelines"),
        Discussion => ("DISCUSSION", "discussion"),
        Document => ("DOCUMENT", "document"),
        Forum => ("FORUM", "forum"),
        InnovationFlow => ("INNOVATION_FLOW", "innovation-flow"),
        InnovationFlowState => ("INNOVATION_FLOW_STATE", "innovation-flow-state"),
        InnovationHub => ("INNOVATION_HUB", "innovation-hub"),
        InnovationPack => ("INNOVATION_PACK", "innovation-pack"),
        Invitation => ("INVITATION", "invitation"),
        InMemory => ("IN_MEMORY", "in-memory"),
        KnowledgeBase => ("KNOWLEDGE_BASE", "knowledge-base"),
        Library => ("LIBRARY", "library"),
        License => ("LICENSE", "license"),
        LicensePolicy => ("LICENSE_POLICY", "license-policy"),
        Licensing => ("LICENSING", "licensing"),
        Link => ("LINK", "link"),
        MediaGallery => ("MEDIA_GALLERY", "media-gallery"),
        Memo => ("MEMO", "memo"),
        Organization => ("ORGANIZATION", "organization"),
        OrganizationVerification => ("ORGANIZATION_VERIFICATION", "organization-verification"),
        Platform => ("PLATFORM", "platform"),
        Poll => ("POLL", "poll"),
        Post => ("POST", "post"),
        Profile => ("PROFILE", "profile"),
        Reference => ("REFERENCE", "reference"),
        RoleSet => ("ROLE_SET", "role-set"),
        Room => ("ROOM", "room"),
        Space => ("SPACE", "space"),
        SpaceAbout => ("SPACE_ABOUT", "space-about"),
        StorageAggregator => ("STORAGE_AGGREGATOR", "storage-aggregator"),
        StorageBucket => ("STORAGE_BUCKET", "storage-bucket"),
        Tagset => ("TAGSET", "tagset"),
        Template => ("TEMPLATE", "template"),
        TemplatesManager => ("TEMPLATES_MANAGER", "templates-manager"),
        TemplatesSet => ("TEMPLATES_SET", "templates-set"),
        TemplateContentSpace => ("TEMPLATE_CONTENT_SPACE", "template-content-space"),
        TemplateDefault => ("TEMPLATE_DEFAULT", "template-default"),
        Timeline => ("TIMELINE", "timeline"),
        Unknown => ("UNKNOWN", "unknown"),
        User => ("USER", "user"),
        UserGroup => ("USER_GROUP", "user-group"),
        UserSettings => ("USER_SETTINGS", "user-settings"),
        VirtualAssistant => ("VIRTUAL_ASSISTANT", "virtual-assistant"),
        VirtualContributor => ("VIRTUAL_CONTRIBUTOR", "virtual-contributor"),
        Visual => ("VISUAL", "visual"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// The credential types a caller may filter actors by: the role and global-role credentials,
    /// without the license ones. Stored values equal [`CredentialType`]'s.
    AuthorizationCredential {
        AccountAdmin => ("ACCOUNT_ADMIN", "account-admin"),
        AssistantAccess => ("ASSISTANT_ACCESS", "assistant-access"),
        BetaTester => ("BETA_TESTER", "beta-tester"),
        GlobalAdmin => ("GLOBAL_ADMIN", "global-admin"),
        GlobalAnonymous => ("GLOBAL_ANONYMOUS", "global-anonymous"),
        GlobalCommunityRead => ("GLOBAL_COMMUNITY_READ", "global-community-read"),
        GlobalGuest => ("GLOBAL_GUEST", "global-guest"),
        GlobalLicenseManager => ("GLOBAL_LICENSE_MANAGER", "global-license-manager"),
        GlobalPlatformManager => ("GLOBAL_PLATFORM_MANAGER", "global-platform-manager"),
        GlobalRegistered => ("GLOBAL_REGISTERED", "global-registered"),
        GlobalSpacesReader => ("GLOBAL_SPACES_READER", "global-spaces-read"),
        GlobalSupport => ("GLOBAL_SUPPORT", "global-support"),
        GlobalSupportManager => ("GLOBAL_SUPPORT_MANAGER", "global-support-manager"),
        OrganizationAdmin => ("ORGANIZATION_ADMIN", "organization-admin"),
        OrganizationAssociate => ("ORGANIZATION_ASSOCIATE", "organization-associate"),
        OrganizationOwner => ("ORGANIZATION_OWNER", "organization-owner"),
        PlatformOperationsAdmin => ("PLATFORM_OPERATIONS_ADMIN", "platform-operations-admin"),
        SpaceAdmin => ("SPACE_ADMIN", "space-admin"),
        SpaceLead => ("SPACE_LEAD", "space-lead"),
        SpaceMember => ("SPACE_MEMBER", "space-member"),
        SpaceMemberInvitee => ("SPACE_MEMBER_INVITEE", "space-invitee"),
        SpaceSubspaceAdmin => ("SPACE_SUBSPACE_ADMIN", "space-subspace-admin"),
        UserGroupMember => ("USER_GROUP_MEMBER", "user-group-member"),
        UserSelfManagement => ("USER_SELF_MANAGEMENT", "user-self"),
        VcCampaign => ("VC_CAMPAIGN", "vc-campaign"),
    }
}

impl AuthorizationCredential {
    /// The credential type with the same stored value.
    pub fn credential_type(self) -> CredentialType {
        match self {
            AuthorizationCredential::AccountAdmin => CredentialType::AccountAdmin,
            AuthorizationCredential::AssistantAccess => CredentialType::AssistantAccess,
            AuthorizationCredential::BetaTester => CredentialType::BetaTester,
            AuthorizationCredential::GlobalAdmin => CredentialType::GlobalAdmin,
            AuthorizationCredential::GlobalAnonymous => CredentialType::GlobalAnonymous,
            AuthorizationCredential::GlobalCommunityRead => CredentialType::GlobalCommunityRead,
            AuthorizationCredential::GlobalGuest => CredentialType::GlobalGuest,
            AuthorizationCredential::GlobalLicenseManager => CredentialType::GlobalLicenseManager,
            AuthorizationCredential::GlobalPlatformManager => CredentialType::GlobalPlatformManager,
            AuthorizationCredential::GlobalRegistered => CredentialType::GlobalRegistered,
            AuthorizationCredential::GlobalSpacesReader => CredentialType::GlobalSpacesReader,
            AuthorizationCredential::GlobalSupport => CredentialType::GlobalSupport,
            AuthorizationCredential::GlobalSupportManager => CredentialType::GlobalSupportManager,
            AuthorizationCredential::OrganizationAdmin => CredentialType::OrganizationAdmin,
            AuthorizationCredential::OrganizationAssociate => CredentialType::OrganizationAssociate,
            AuthorizationCredential::OrganizationOwner => CredentialType::OrganizationOwner,
            AuthorizationCredential::PlatformOperationsAdmin => {
                CredentialType::PlatformOperationsAdmin
            }
            AuthorizationCredential::SpaceAdmin => CredentialType::SpaceAdmin,
            AuthorizationCredential::SpaceLead => CredentialType::SpaceLead,
            AuthorizationCredential::SpaceMember => CredentialType::SpaceMember,
            AuthorizationCredential::SpaceMemberInvitee => CredentialType::SpaceMemberInvitee,
            AuthorizationCredential::SpaceSubspaceAdmin => CredentialType::SpaceSubspaceAdmin,
            AuthorizationCredential::UserGroupMember => CredentialType::UserGroupMember,
            AuthorizationCredential::UserSelfManagement => CredentialType::UserSelfManagement,
            AuthorizationCredential::VcCampaign => CredentialType::VcCampaign,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_are_the_references() {
        assert_eq!(AuthorizationPrivilege::ALL.len(), 55);
        assert_eq!(CredentialType::ALL.len(), 35);
        for c in AuthorizationCredential::ALL {
            assert_eq!(c.credential_type().as_str(), c.as_str());
        }
        assert_eq!(AuthorizationPolicyType::ALL.len(), 64);
        assert_eq!(
            AuthorizationPrivilege::CreateVirtual.as_str(),
            "create-virtual-contributor"
        );
        assert_eq!(
            CredentialType::GlobalSpacesReader.as_str(),
            "global-spaces-read"
        );
        assert_eq!(CredentialType::UserSelfManagement.as_str(), "user-self");
        assert_eq!(AuthorizationPolicyType::Agent.as_str(), "actor");
        assert_eq!(
            serde_json::to_string(&CredentialType::SpaceMemberInvitee).unwrap(),
            "\"space-invitee\""
        );
        for p in AuthorizationPrivilege::ALL {
            assert_eq!(p.as_str().parse::<AuthorizationPrivilege>(), Ok(*p));
        }
        assert!("god-mode".parse::<CredentialType>().is_err());
    }
}
