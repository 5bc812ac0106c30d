//! Templates managers, templates sets, templates and template defaults.

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

stored_enum! {
    /// What a template holds.
    TemplateType {
        Callout => ("CALLOUT", "callout"),
        CommunityGuidelines => ("COMMUNITY_GUIDELINES", "community-guidelines"),
        Post => ("POST", "post"),
        Space => ("SPACE", "space"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// What a default template is used for.
    TemplateDefaultType {
        PlatformSpace => ("PLATFORM_SPACE", "platform-space"),
        PlatformSpaceTutorials => ("PLATFORM_SPACE_TUTORIALS", "platform-space-tutorials"),
        PlatformSubspace => ("PLATFORM_SUBSPACE", "platform-subspace"),
        PlatformSubspaceKnowledge => ("PLATFORM_SUBSPACE_KNOWLEDGE", "platform-subspace-knowledge"),
        SpaceSubspace => ("SPACE_SUBSPACE", "space-subspace"),
    }
}

/// A templates manager: default templates and a templates set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplatesManager {
    /// Its id.
    pub id: Uuid,
    /// Its set.
    pub templates_set_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A set of templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplatesSet {
    /// Its id.
    pub id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A default template of a manager: which template is used for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateDefault {
    /// Its id.
    pub id: Uuid,
    /// Its manager.
    pub templates_manager_id: Uuid,
    /// What it is used for.
    pub default_type: TemplateDefaultType,
    /// The kind of template it takes.
    pub allowed_template_type: TemplateType,
    /// The template (none until chosen).
    pub template_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// What a template can hold besides a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart {
    /// A callout.
    Callout,
    /// Community guidelines.
    CommunityGuidelines,
    /// A content space.
    ContentSpace,
}

/// A template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Its id.
    pub id: Uuid,
    /// Its set.
    pub templates_set_id: Uuid,
    /// Its NameID, unique in its set.
    pub name_id: String,
    /// What it holds.
    pub template_type: TemplateType,
    /// The description new posts start from (POST).
    pub post_default_description: Option<String>,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its whiteboard (WHITEBOARD).
    pub whiteboard_id: Option<Uuid>,
    /// Its callout (CALLOUT), in a collaboration of the template's own.
    pub callout_id: Option<Uuid>,
    /// Its community guidelines (COMMUNITY_GUIDELINES).
    pub community_guidelines_id: Option<Uuid>,
    /// Its content space (SPACE).
    pub content_space_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}
