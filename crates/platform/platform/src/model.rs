//! Plain platform data.

use alkemio_kernel::ids::PlatformId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The platform singleton.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    /// Its id.
    pub id: PlatformId,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
    /// Its settings.
    pub settings: PlatformSettings,
    /// Its authorization policy.
    pub authorization_id: Option<uuid::Uuid>,
    /// Its role set (global roles).
    pub role_set_id: Option<alkemio_kernel::ids::RoleSetId>,
    /// Its storage aggregator (files that belong to the platform itself).
    pub storage_aggregator_id: Option<uuid::Uuid>,
    /// Its templates manager.
    pub templates_manager_id: Option<uuid::Uuid>,
    /// Which virtual contributor plays each well-known part (by the part's name).
    pub well_known_virtual_contributors: Vec<WellKnownVirtualContributor>,
}

/// A virtual contributor playing a well-known part on the platform (the chat guidance, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WellKnownVirtualContributor {
    /// The part, as its GraphQL enum name (`CHAT_GUIDANCE`, …).
    pub well_known: String,
    /// The virtual contributor playing it.
    #[serde(rename = "virtualContributorID")]
    pub virtual_contributor_id: uuid::Uuid,
}

/// How the well-known mappings are stored: the reference's `{mappings: […]}` document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct WellKnownDocument {
    #[serde(default)]
    pub(crate) mappings: Vec<WellKnownVirtualContributor>,
}

/// Platform-wide settings, stored as one JSON document in the reference's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformSettings {
    /// Integration with other sites and services.
    #[serde(default)]
    pub integration: IntegrationSettings,
}

/// Integration settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationSettings {
    /// URLs that Markdown content may embed in iframes.
    #[serde(default)]
    pub iframe_allowed_urls: Vec<String>,
    /// Addresses that never receive notification e-mails.
    #[serde(default)]
    pub notification_email_blacklist: Vec<String>,
}
