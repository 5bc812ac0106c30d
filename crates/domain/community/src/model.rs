//! Role sets and roles.

use alkemio_authorization::{Credential, CredentialType};
use alkemio_kernel::ids::{RoleId, RoleSetId};
use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

stored_enum! {
    /// The name of a role in a role set.
    RoleName {
        Admin => ("ADMIN", "admin"),
        Anonymous => ("ANONYMOUS", "anonymous"),
        Associate => ("ASSOCIATE", "associate"),
        GlobalAdmin => ("GLOBAL_ADMIN", "global-admin"),
        GlobalCommunityReader => ("GLOBAL_COMMUNITY_READER", "global-community-reader"),
        GlobalLicenseManager => ("GLOBAL_LICENSE_MANAGER", "global-license-manager"),
        GlobalPlatformManager => ("GLOBAL_PLATFORM_MANAGER", "global-platform-manager"),
        GlobalSpacesReader => ("GLOBAL_SPACES_READER", "global-spaces-reader"),
        GlobalSupport => ("GLOBAL_SUPPORT", "global-support"),
        GlobalSupportManager => ("GLOBAL_SUPPORT_MANAGER", "global-support-manager"),
        Guest => ("GUEST", "guest"),
        Lead => ("LEAD", "lead"),
        Member => ("MEMBER", "member"),
        Owner => ("OWNER", "owner"),
        PlatformAssistantAccess => ("PLATFORM_ASSISTANT_ACCESS", "platform-assistant-access"),
        PlatformBetaTester => ("PLATFORM_BETA_TESTER", "platform-beta-tester"),
        PlatformOperationsAdmin => ("PLATFORM_OPERATIONS_ADMIN", "platform-operations-admin"),
        PlatformVcCampaign => ("PLATFORM_VC_CAMPAIGN", "platform-vc-campaign"),
        Registered => ("REGISTERED", "registered"),
    }
}

stored_enum! {
    /// What a role set belongs to.
    RoleSetType {
        Organization => ("ORGANIZATION", "organization"),
        Platform => ("PLATFORM", "platform"),
        Space => ("SPACE", "space"),
    }
}

/// How many actors of one kind may hold a role; -1 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePolicy {
    /// Fewest holders.
    pub minimum: i32,
    /// Most holders (-1: unbounded).
    pub maximum: i32,
}

impl RolePolicy {
    /// Any number of holders.
    pub const UNBOUNDED: RolePolicy = RolePolicy {
        minimum: 0,
        maximum: -1,
    };
    /// No holders at all.
    pub const NONE: RolePolicy = RolePolicy {
        minimum: 0,
        maximum: 0,
    };
}

/// A role of a role set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its id.
    pub id: RoleId,
    /// Its name.
    pub name: RoleName,
    /// The credential holding the role means.
    pub credential: Credential,
    /// The same role's credentials in the ancestor role sets.
    pub parent_credentials: Vec<Credential>,
    /// Whether the entry role is needed first.
    pub requires_entry_role: bool,
    /// Whether the same role in the parent role set is needed first.
    pub requires_same_role_in_parent_role_set: bool,
    /// Limits for users.
    pub user_policy: RolePolicy,
    /// Limits for organizations.
    pub organization_policy: RolePolicy,
    /// Limits for virtual contributors.
    pub virtual_contributor_policy: RolePolicy,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A role set with its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSet {
    /// Its id.
    pub id: RoleSetId,
    /// What it belongs to.
    pub role_set_type: RoleSetType,
    /// The role an actor enters with.
    pub entry_role_name: RoleName,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// The role set of the parent space, for subspaces.
    pub parent_role_set_id: Option<RoleSetId>,
    /// Its license (made when it is stored).
    pub license_id: Option<uuid::Uuid>,
    /// Its roles.
    pub roles: Vec<Role>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

impl RoleSet {
    /// The role with this name.
    pub fn role(&self, name: RoleName) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The roles whose credential the given credentials include.
    pub fn roles_held(&self, credentials: &[Credential]) -> Vec<RoleName> {
        self.roles
            .iter()
            .filter(|r| credentials.contains(&r.credential))
            .map(|r| r.name)
            .collect()
    }
}

/// The platform's roles and the global credential each grants. The reference's seed data
/// stores `global-community-reader` and `global-spaces-reader` as the credentials of two roles,
/// values no policy rule uses (so those roles granted nothing); here they grant the credentials
/// the policies check, `global-community-read` and `global-spaces-read`.
pub fn platform_role_definitions() -> Vec<(RoleName, CredentialType, RolePolicy)> {
    let unbounded = RolePolicy::UNBOUNDED;
    vec![
        (
            RoleName::GlobalAdmin,
            CredentialType::GlobalAdmin,
            RolePolicy {
                minimum: 1,
                maximum: -1,
            },
        ),
        (
            RoleName::GlobalSupport,
            CredentialType::GlobalSupport,
            unbounded,
        ),
        (
            RoleName::GlobalLicenseManager,
            CredentialType::GlobalLicenseManager,
            unbounded,
        ),
        (
            RoleName::GlobalSpacesReader,
            CredentialType::GlobalSpacesReader,
            unbounded,
        ),
        (
            RoleName::PlatformBetaTester,
            CredentialType::BetaTester,
            unbounded,
        ),
        (
            RoleName::PlatformVcCampaign,
            CredentialType::VcCampaign,
            unbounded,
        ),
        (
            RoleName::PlatformAssistantAccess,
            CredentialType::AssistantAccess,
            unbounded,
        ),
        (
            RoleName::GlobalCommunityReader,
            CredentialType::GlobalCommunityRead,
            unbounded,
        ),
        (
            RoleName::Registered,
            CredentialType::GlobalRegistered,
            unbounded,
        ),
        (
            RoleName::GlobalPlatformManager,
            CredentialType::GlobalPlatformManager,
            unbounded,
        ),
        (
            RoleName::GlobalSupportManager,
            CredentialType::GlobalSupportManager,
            unbounded,
        ),
        (
            RoleName::PlatformOperationsAdmin,
            CredentialType::PlatformOperationsAdmin,
            unbounded,
        ),
    ]
}
