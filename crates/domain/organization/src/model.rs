//! Plain organization data.

use alkemio_common::profile::{NewProfile, ProfileUpdate};
use alkemio_kernel::ids::{ActorId, RoleSetId};
use serde::{Deserialize, Serialize};

/// An organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// Its id (also its actor id).
    pub id: ActorId,
    /// Its URL slug.
    pub name_id: String,
    /// Registered legal name.
    pub legal_entity_name: String,
    /// Its e-mail domain.
    pub domain: String,
    /// Its web site.
    pub website: String,
    /// Where to reach it.
    pub contact_email: String,
    /// Its settings.
    pub settings: OrganizationSettings,
    /// The account it hosts.
    pub account_id: Option<ActorId>,
    /// Its role set.
    pub role_set_id: Option<RoleSetId>,
    /// Its profile.
    pub profile_id: Option<uuid::Uuid>,
    /// Its storage aggregator.
    pub storage_aggregator_id: Option<uuid::Uuid>,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// When it was created.
    pub created_date: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_date: chrono::DateTime<chrono::Utc>,
}

/// Organization settings, stored as one JSON document in the reference's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationSettings {
    /// Membership settings.
    pub membership: MembershipSettings,
    /// Privacy settings.
    pub privacy: PrivacySettings,
}

/// Who may join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipSettings {
    /// Whether users whose e-mail domain is the organization's join it on registration.
    pub allow_users_matching_domain_to_join: bool,
}

/// What others see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivacySettings {
    /// Whether the organization's roles in spaces are public.
    pub contribution_roles_publicly_visible: bool,
}

impl Default for OrganizationSettings {
    fn default() -> Self {
        Self {
            membership: MembershipSettings {
                allow_users_matching_domain_to_join: false,
            },
            privacy: PrivacySettings {
                contribution_roles_publicly_visible: true,
            },
        }
    }
}

/// What creating an organization needs.
#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    /// Wished URL slug (generated from the display name when absent).
    pub name_id: Option<String>,
    /// The profile (its references are replaced by the default ones, as in the reference).
    pub profile: NewProfile,
    /// An avatar image URL to start with.
    pub avatar_uri: Option<String>,
    /// Registered legal name.
    pub legal_entity_name: Option<String>,
    /// E-mail domain.
    pub domain: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Contact e-mail address.
    pub contact_email: Option<String>,
}

/// Changes to an organization; `None` leaves a field as it is.
#[derive(Debug, Clone)]
pub struct OrganizationUpdate {
    /// Which organization.
    pub id: ActorId,
    /// New legal name.
    pub legal_entity_name: Option<String>,
    /// New domain.
    pub domain: Option<String>,
    /// New web site.
    pub website: Option<String>,
    /// New contact e-mail.
    pub contact_email: Option<String>,
    /// Profile changes.
    pub profile: Option<ProfileUpdate>,
}

/// Filter on organizations: any given field matches as a case-insensitive substring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationFilter {
    /// Part of the profile's display name.
    pub display_name: Option<String>,
    /// Part of the NameID.
    pub name_id: Option<String>,
    /// Part of the contact e-mail.
    pub contact_email: Option<String>,
    /// Part of the domain.
    pub domain: Option<String>,
    /// Part of the web site.
    pub website: Option<String>,
}
