//! Profiles and their parts.

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::visual::VisualType;

stored_enum! {
    /// What a profile belongs to.
    ProfileType {
        Account => ("ACCOUNT", "account"),
        CalendarEvent => ("CALENDAR_EVENT", "calendar-event"),
        CalloutFraming => ("CALLOUT_FRAMING", "callout-framing"),
        CollaboraDocument => ("COLLABORA_DOCUMENT", "collabora-document"),
        CommunityGuidelines => ("COMMUNITY_GUIDELINES", "community-guidelines"),
        ContributionLink => ("CONTRIBUTION_LINK", "contribution-link"),
        Discussion => ("DISCUSSION", "discussion"),
        InnovationFlow => ("INNOVATION_FLOW", "innovation-flow"),
        InnovationHub => ("INNOVATION_HUB", "innovation-hub"),
        InnovationPack => ("INNOVATION_PACK", "innovation-pack"),
        KnowledgeBase => ("KNOWLEDGE_BASE", "knowledge-base"),
        Memo => ("MEMO", "memo"),
        Organization => ("ORGANIZATION", "organization"),
        Post => ("POST", "post"),
        Space => ("SPACE", "space"),
        SpaceAbout => ("SPACE_ABOUT", "space-about"),
        Template => ("TEMPLATE", "template"),
        User => ("USER", "user"),
        UserGroup => ("USER_GROUP", "user-group"),
        VirtualContributor => ("VIRTUAL_CONTRIBUTOR", "virtual-contributor"),
        VirtualPersona => ("VIRTUAL_PERSONA", "virtual-persona"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// How a tagset's tags may be chosen.
    TagsetType {
        Freeform => ("FREEFORM", "freeform"),
        SelectMany => ("SELECT_MANY", "select-many"),
        SelectOne => ("SELECT_ONE", "select-one"),
    }
}

stored_enum! {
    /// Tagset names with a meaning.
    TagsetReservedName {
        Capabilities => ("CAPABILITIES", "capabilities"),
        Default => ("DEFAULT", "default"),
        FlowState => ("FLOW_STATE", "flow-state"),
        Keywords => ("KEYWORDS", "keywords"),
        Skills => ("SKILLS", "skills"),
    }
}

/// A profile: the displayable description of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Its id.
    pub id: Uuid,
    /// The name shown.
    pub display_name: String,
    /// One line under the name.
    pub tagline: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// What it belongs to.
    pub profile_type: ProfileType,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// Its location.
    pub location_id: Option<Uuid>,
    /// Its storage bucket.
    pub storage_bucket_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A named list of tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagset {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The tags.
    pub tags: Vec<String>,
    /// How tags are chosen.
    pub tagset_type: TagsetType,
    /// The tags that may be chosen (empty for free-form tagsets).
    pub allowed_values: Vec<String>,
    /// Position among the profile's tagsets.
    pub sort_order: i32,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A link with a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Where it points.
    pub uri: String,
    /// What it is.
    pub description: Option<String>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An image of a profile (avatar, banner, card, …) with its size constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Visual {
    /// Its id.
    pub id: Uuid,
    /// Which kind of visual.
    pub name: VisualType,
    /// Where the image is (empty when none).
    pub uri: String,
    /// Smallest width.
    pub min_width: i32,
    /// Largest width.
    pub max_width: i32,
    /// Smallest height.
    pub min_height: i32,
    /// Largest height.
    pub max_height: i32,
    /// Width divided by height.
    pub aspect_ratio: f64,
    /// Accepted MIME types.
    pub allowed_types: Vec<String>,
    /// Text for screen readers.
    pub alternative_text: Option<String>,
    /// Position in a gallery.
    pub sort_order: Option<i32>,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its media gallery (for a gallery's visuals).
    pub media_gallery_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Coordinates of a location, when known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoLocation {
    /// Whether the coordinates are valid.
    #[serde(default)]
    pub is_valid: bool,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

/// A postal location.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    /// Its id.
    pub id: Uuid,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// First address line.
    pub address_line1: Option<String>,
    /// Second address line.
    pub address_line2: Option<String>,
    /// State or province.
    pub state_or_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Coordinates.
    pub geo_location: GeoLocation,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The fields of a location a client may set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationInput {
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// First address line.
    pub address_line1: Option<String>,
    /// Second address line.
    pub address_line2: Option<String>,
    /// State or province.
    pub state_or_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
}

/// A reference to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReference {
    /// Its name.
    pub name: String,
    /// Where it points.
    pub uri: String,
    /// What it is.
    pub description: Option<String>,
}

/// A tagset to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTagset {
    /// Its name.
    pub name: String,
    /// Its tags.
    pub tags: Vec<String>,
}

/// What creating a profile needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewProfile {
    /// The name shown.
    pub display_name: String,
    /// One line under the name.
    pub tagline: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// Location.
    pub location: LocationInput,
    /// References.
    pub references: Vec<NewReference>,
    /// Tagsets.
    pub tagsets: Vec<NewTagset>,
    /// Visuals to create (empty images).
    pub visuals: Vec<VisualType>,
    /// Images the visuals start with, by kind (a copied profile's).
    pub visual_uris: Vec<(VisualType, String)>,
}

/// A media gallery: visuals (images and videos) with a storage bucket of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaGallery {
    /// Its id.
    pub id: Uuid,
    /// Who made it.
    pub created_by: Option<Uuid>,
    /// Where its files go.
    pub storage_bucket_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}
