//! What a space is: its level, visibility, settings, the platform roles' access derived from
//! them, its about and its community.

use alkemio_authorization::AuthorizationPrivilege;
use alkemio_community::RoleName;
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How deep a space sits: an account's space (L0), its subspace (L1) or a subspace's (L2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum SpaceLevel {
    /// An account's top-level space.
    L0,
    /// A subspace of an L0 space.
    L1,
    /// A subspace of an L1 space.
    L2,
}

impl SpaceLevel {
    /// The stored number.
    pub fn number(self) -> i32 {
        match self {
            SpaceLevel::L0 => 0,
            SpaceLevel::L1 => 1,
            SpaceLevel::L2 => 2,
        }
    }

    /// The level of a stored number.
    pub fn from_number(n: i32) -> Option<Self> {
        match n {
            0 => Some(SpaceLevel::L0),
            1 => Some(SpaceLevel::L1),
            2 => Some(SpaceLevel::L2),
            _ => None,
        }
    }

    /// The level of a subspace of this one, if spaces may nest that deep.
    pub fn child(self) -> Option<Self> {
        match self {
            SpaceLevel::L0 => Some(SpaceLevel::L1),
            SpaceLevel::L1 => Some(SpaceLevel::L2),
            SpaceLevel::L2 => None,
        }
    }
}

stored_enum! {
    /// Whether a space is in normal use, archived, a demo or switched off.
    SpaceVisibility {
        Active => ("ACTIVE", "active"),
        Archived => ("ARCHIVED", "archived"),
        Demo => ("DEMO", "demo"),
        Inactive => ("INACTIVE", "inactive"),
    }
}

stored_enum! {
    /// Whether a space's content is open to everyone who may see the space.
    SpacePrivacyMode {
        Private => ("PRIVATE", "private"),
        Public => ("PUBLIC", "public"),
    }
}

stored_enum! {
    /// How people become members.
    CommunityMembershipPolicy {
        Applications => ("APPLICATIONS", "applications"),
        Invitations => ("INVITATIONS", "invitations"),
        Open => ("OPEN", "open"),
    }
}

stored_enum! {
    /// How subspaces are ordered.
    SpaceSortMode {
        Alphabetical => ("ALPHABETICAL", "alphabetical"),
        Custom => ("CUSTOM", "custom"),
    }
}

stored_enum! {
    /// Who may see the contributor information of a space's members.
    UserInformationVisibility {
        FollowSpaceVisibility => ("FOLLOW_SPACE_VISIBILITY", "follow-space-visibility"),
        MembersOnly => ("MEMBERS_ONLY", "members-only"),
    }
}

/// How callout descriptions are shown (shared with innovation flow states).
pub use alkemio_collaboration::innovation_flow::CalloutDescriptionDisplayMode;

pub use alkemio_community::entry::CommunityMembershipStatus;

/// Privacy settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivacySettings {
    /// Public or private content.
    pub mode: SpacePrivacyMode,
    /// Whether platform support acts as an admin (L0 only).
    pub allow_platform_support_as_admin: bool,
    /// Who sees members' information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_information_visibility: Option<UserInformationVisibility>,
}

/// Membership settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipSettings {
    /// How people join.
    pub policy: CommunityMembershipPolicy,
    /// Organizations whose associates may join directly (L0).
    #[serde(default)]
    pub trusted_organizations: Vec<Uuid>,
    /// Whether admins of subspaces may invite members to this space.
    #[serde(default)]
    pub allow_subspace_admins_to_invite_members: bool,
}

/// Collaboration settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollaborationSettings {
    /// Whether members of the parent spaces contribute here too.
    pub inherit_membership_rights: bool,
    /// Whether members may create subspaces.
    pub allow_members_to_create_subspaces: bool,
    /// Whether members may create callouts.
    pub allow_members_to_create_callouts: bool,
    /// Whether subspace events show on this space's calendar.
    pub allow_events_from_subspaces: bool,
    /// Whether members may start video calls.
    #[serde(default)]
    pub allow_members_to_video_call: bool,
    /// Whether guests may contribute to shared whiteboards.
    #[serde(default)]
    pub allow_guest_contributions: bool,
}

/// Layout settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutSettings {
    /// How callout descriptions are shown.
    pub callout_description_display_mode: CalloutDescriptionDisplayMode,
}

impl Default for LayoutSettings {
    fn default() -> Self {
        Self {
            callout_description_display_mode: CalloutDescriptionDisplayMode::Expanded,
        }
    }
}

/// A space's settings (stored as JSON in the reference's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceSettings {
    /// Privacy.
    pub privacy: PrivacySettings,
    /// Membership.
    pub membership: MembershipSettings,
    /// Collaboration.
    pub collaboration: CollaborationSettings,
    /// Layout.
    #[serde(default)]
    pub layout: LayoutSettings,
    /// Subspace order.
    #[serde(default = "default_sort_mode")]
    pub sort_mode: SpaceSortMode,
}

fn default_sort_mode() -> SpaceSortMode {
    SpaceSortMode::Alphabetical
}

impl SpaceSettings {
    /// The settings a new L0 space starts with (the reference's seeded L0 template): private,
    /// by application, subspace admins may invite, members neither create subspaces nor
    /// callouts.
    pub fn default_l0() -> Self {
        Self {
            privacy: PrivacySettings {
                mode: SpacePrivacyMode::Private,
                allow_platform_support_as_admin: false,
                user_information_visibility: None,
            },
            membership: MembershipSettings {
                policy: CommunityMembershipPolicy::Applications,
                trusted_organizations: Vec::new(),
                allow_subspace_admins_to_invite_members: true,
            },
            collaboration: CollaborationSettings {
                inherit_membership_rights: false,
                allow_members_to_create_subspaces: false,
                allow_members_to_create_callouts: false,
                allow_events_from_subspaces: true,
                allow_members_to_video_call: false,
                allow_guest_contributions: false,
            },
            layout: LayoutSettings::default(),
            sort_mode: SpaceSortMode::Alphabetical,
        }
    }

    /// The settings a new subspace starts with (the seeded subspace template; nothing is copied
    /// from the parent): public, open to the parent's members, who contribute and create.
    pub fn default_subspace() -> Self {
        Self {
            privacy: PrivacySettings {
                mode: SpacePrivacyMode::Public,
                allow_platform_support_as_admin: false,
                user_information_visibility: None,
            },
            membership: MembershipSettings {
                policy: CommunityMembershipPolicy::Open,
                trusted_organizations: Vec::new(),
                allow_subspace_admins_to_invite_members: false,
            },
            collaboration: CollaborationSettings {
                inherit_membership_rights: true,
                allow_members_to_create_subspaces: true,
                allow_members_to_create_callouts: true,
                allow_events_from_subspaces: true,
                allow_members_to_video_call: false,
                allow_guest_contributions: false,
            },
            layout: LayoutSettings::default(),
            sort_mode: SpaceSortMode::Alphabetical,
        }
    }

    /// Whether the content is public.
    pub fn is_public(&self) -> bool {
        self.privacy.mode == SpacePrivacyMode::Public
    }
}

/// One platform role's privileges on a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformAccessRole {
    /// The role.
    pub role_name: RoleName,
    /// What it may do.
    pub granted_privileges: Vec<AuthorizationPrivilege>,
}

/// What each platform role may do on a space, derived from the settings down the tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformRolesAccess {
    /// Per role.
    pub roles: Vec<PlatformAccessRole>,
}

impl PlatformRolesAccess {
    /// The privileges of one role.
    pub fn privileges_of(&self, role: RoleName) -> &[AuthorizationPrivilege] {
        self.roles
            .iter()
            .find(|r| r.role_name == role)
            .map(|r| r.granted_privileges.as_slice())
            .unwrap_or(&[])
    }

    /// Whether the role has the privilege.
    pub fn has(&self, role: RoleName, privilege: AuthorizationPrivilege) -> bool {
        self.privileges_of(role).contains(&privilege)
    }
}

/// A space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    /// Its id (also its actor id).
    pub id: ActorId,
    /// Its URL slug.
    pub name_id: String,
    /// Its depth.
    pub level: SpaceLevel,
    /// The L0 space of its tree (itself for L0).
    pub level_zero_space_id: ActorId,
    /// Its parent, for subspaces.
    pub parent_space_id: Option<ActorId>,
    /// The account hosting the tree.
    pub account_id: Option<ActorId>,
    /// Whether it is active, archived, a demo or off.
    pub visibility: SpaceVisibility,
    /// Its settings.
    pub settings: SpaceSettings,
    /// What platform roles may do, derived from the settings.
    pub platform_roles_access: PlatformRolesAccess,
    /// Position among its siblings.
    pub sort_order: i32,
    /// Whether it is pinned among its siblings.
    pub pinned: bool,
    /// Its about.
    pub about_id: Option<Uuid>,
    /// Its community.
    pub community_id: Option<Uuid>,
    /// Its license.
    pub license_id: Option<Uuid>,
    /// Its collaboration.
    pub collaboration_id: Option<Uuid>,
    /// Its templates manager (L0 spaces).
    pub templates_manager_id: Option<Uuid>,
    /// Its storage.
    pub storage_aggregator_id: Option<Uuid>,
    /// Its actor profile (the about's profile).
    pub profile_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// Insertion order, for cursor pagination.
    pub row_id: i64,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// What a space is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceAbout {
    /// Its id.
    pub id: Uuid,
    /// Why the space exists (Markdown).
    pub why: Option<String>,
    /// Who it is for (Markdown).
    pub who: Option<String>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its community guidelines.
    pub guidelines_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

pub use alkemio_community::guidelines::CommunityGuidelines;

/// A space's community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// Its id.
    pub id: Uuid,
    /// The space it belongs to.
    pub parent_id: Option<Uuid>,
    /// Its role set.
    pub role_set_id: Option<RoleSetId>,
    /// Its communication (the updates room).
    pub communication_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The input for a new space or subspace.
#[derive(Debug, Clone, Default)]
pub struct NewSpace {
    /// The wanted NameID (generated from the display name when absent).
    pub name_id: Option<String>,
    /// The about's profile.
    pub profile: alkemio_common::profile::NewProfile,
    /// Why.
    pub why: Option<String>,
    /// Who.
    pub who: Option<String>,
    /// The guidelines' profile, when given.
    pub guidelines: Option<alkemio_common::profile::NewProfile>,
    /// Settings overrides.
    pub settings: SettingsChange,
    /// The settings the overrides apply to (a template's; the level's defaults when absent).
    pub base_settings: Option<SpaceSettings>,
    /// The innovation flow asked for (the level's default when absent).
    pub flow: Option<alkemio_collaboration::innovation_flow::FlowInput>,
    /// The space plan asked for (an L0 space on an account whose license has room for it).
    pub license_plan_id: Option<uuid::Uuid>,
}

/// A partial settings change (create or update); absent parts stay as they are.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// Privacy mode.
    pub privacy_mode: Option<SpacePrivacyMode>,
    /// Platform support as admin.
    pub allow_platform_support_as_admin: Option<bool>,
    /// Member information visibility.
    pub user_information_visibility: Option<UserInformationVisibility>,
    /// Membership settings as a whole.
    pub membership: Option<MembershipSettings>,
    /// Inherit membership rights.
    pub inherit_membership_rights: Option<bool>,
    /// Members create subspaces.
    pub allow_members_to_create_subspaces: Option<bool>,
    /// Members create callouts.
    pub allow_members_to_create_callouts: Option<bool>,
    /// Events from subspaces.
    pub allow_events_from_subspaces: Option<bool>,
    /// Video calls.
    pub allow_members_to_video_call: Option<bool>,
    /// Guest contributions.
    pub allow_guest_contributions: Option<bool>,
    /// Layout.
    pub layout: Option<LayoutSettings>,
    /// Sort mode.
    pub sort_mode: Option<SpaceSortMode>,
}

impl SettingsChange {
    /// Applies the change; returns whether anything other than `allowEventsFromSubspaces`
    /// (the one setting without an authorization effect) changed.
    pub fn apply(&self, s: &mut SpaceSettings) -> bool {
        let before = s.clone();
        if let Some(v) = self.privacy_mode {
            s.privacy.mode = v;
        }
        if let Some(v) = self.allow_platform_support_as_admin {
            s.privacy.allow_platform_support_as_admin = v;
        }
        if let Some(v) = self.user_information_visibility {
            s.privacy.user_information_visibility = Some(v);
        }
        if let Some(v) = &self.membership {
            s.membership = v.clone();
        }
        let c = &mut s.collaboration;
        for (field, value) in [
            (
                &mut c.inherit_membership_rights,
                self.inherit_membership_rights,
            ),
            (
                &mut c.allow_members_to_create_subspaces,
                self.allow_members_to_create_subspaces,
            ),
            (
                &mut c.allow_members_to_create_callouts,
                self.allow_members_to_create_callouts,
            ),
            (
                &mut c.allow_events_from_subspaces,
                self.allow_events_from_subspaces,
            ),
            (
                &mut c.allow_members_to_video_call,
                self.allow_members_to_video_call,
            ),
            (
                &mut c.allow_guest_contributions,
                self.allow_guest_contributions,
            ),
        ] {
            if let Some(v) = value {
                *field = v;
            }
        }
        if let Some(v) = self.layout {
            s.layout = v;
        }
        if let Some(v) = self.sort_mode {
            s.sort_mode = v;
        }
        let mut a = before;
        a.collaboration.allow_events_from_subspaces = s.collaboration.allow_events_from_subspaces;
        a != *s
    }
}
