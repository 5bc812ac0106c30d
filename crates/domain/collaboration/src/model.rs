//! Callouts and what they hold.

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

stored_enum! {
    /// What a callouts set belongs to.
    CalloutsSetType {
        Collaboration => ("COLLABORATION", "collaboration"),
        KnowledgeBase => ("KNOWLEDGE_BASE", "knowledge-base"),
    }
}

stored_enum! {
    /// Whether a callout is published.
    CalloutVisibility {
        Draft => ("DRAFT", "draft"),
        Published => ("PUBLISHED", "published"),
    }
}

stored_enum! {
    /// What frames a callout besides its profile.
    CalloutFramingType {
        CollaboraDocument => ("COLLABORA_DOCUMENT", "collabora_document"),
        Contributors => ("CONTRIBUTORS", "contributors"),
        Link => ("LINK", "link"),
        MediaGallery => ("MEDIA_GALLERY", "media_gallery"),
        Memo => ("MEMO", "memo"),
        None => ("NONE", "none"),
        Poll => ("POLL", "poll"),
        Spaces => ("SPACES", "spaces"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// What a contribution to a callout is.
    CalloutContributionType {
        CollaboraDocument => ("COLLABORA_DOCUMENT", "collabora_document"),
        Link => ("LINK", "link"),
        Memo => ("MEMO", "memo"),
        Post => ("POST", "post"),
        Whiteboard => ("WHITEBOARD", "whiteboard"),
    }
}

stored_enum! {
    /// Who may add contributions to a callout.
    CalloutAllowedActors {
        Admins => ("ADMINS", "admins"),
        Members => ("MEMBERS", "members"),
        None => ("NONE", "none"),
    }
}

/// Contribution settings of a callout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionSettings {
    /// Whether contributions are accepted at all.
    pub enabled: bool,
    /// Which kinds are accepted.
    pub allowed_types: Vec<CalloutContributionType>,
    /// Who may add them.
    pub can_add_contributions: CalloutAllowedActors,
    /// Whether contributions have comments.
    pub comments_enabled: bool,
}

/// Framing settings of a callout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FramingSettings {
    /// Whether the callout itself has comments.
    pub comments_enabled: bool,
    /// What a CONTRIBUTORS framing shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributors: Option<ContributorsSettings>,
    /// Which members or subspaces a collection framing (CONTRIBUTORS, SPACES) shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<SelectionSettings>,
}

stored_enum! {
    /// How a contributor collection opens.
    ContributorCollectionView {
        List => ("LIST", "list"),
        Map => ("MAP", "map"),
    }
}

stored_enum! {
    /// Whether a collection shows everything it may (AUTO) or a curated subset (CUSTOM).
    CalloutSelectionMode {
        Auto => ("AUTO", "auto"),
        Custom => ("CUSTOM", "custom"),
    }
}

mod actor_types {
    use alkemio_contributor::ActorType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[ActorType], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|t| t.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ActorType>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| {
                ActorType::parse(s)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown actor type {s}")))
            })
            .collect()
    }
}

mod actor_type {
    use alkemio_contributor::ActorType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &ActorType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ActorType, D::Error> {
        let s = String::deserialize(d)?;
        ActorType::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown actor type {s}")))
    }
}

/// What a contributor-collection framing shows and how it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributorsSettings {
    /// The kinds of contributor shown (users, organizations, virtual contributors).
    #[serde(with = "actor_types")]
    pub contributor_types: Vec<alkemio_contributor::ActorType>,
    /// The kind shown first.
    #[serde(with = "actor_type")]
    pub default_contributor_type: alkemio_contributor::ActorType,
    /// List or map.
    pub default_view: ContributorCollectionView,
}

/// A collection framing's selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionSettings {
    /// AUTO or CUSTOM.
    pub mode: CalloutSelectionMode,
    /// The actors or subspaces chosen (CUSTOM).
    pub selected_ids: Vec<Uuid>,
}

/// A callout's settings, stored as one JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalloutSettings {
    /// Contributions.
    pub contribution: ContributionSettings,
    /// The framing.
    pub framing: FramingSettings,
    /// Draft or published.
    pub visibility: CalloutVisibility,
}

impl Default for CalloutSettings {
    /// The reference's defaults: published, comments on, contributions off.
    fn default() -> Self {
        Self {
            contribution: ContributionSettings {
                enabled: false,
                allowed_types: Vec::new(),
                can_add_contributions: CalloutAllowedActors::Members,
                comments_enabled: true,
            },
            framing: FramingSettings {
                comments_enabled: true,
                contributors: None,
                selection: None,
            },
            visibility: CalloutVisibility::Published,
        }
    }
}

/// A collaboration and its callouts set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collaboration {
    /// Its id.
    pub id: Uuid,
    /// Its callouts set.
    pub callouts_set_id: Uuid,
    /// Whether it belongs to a template.
    pub is_template: bool,
    /// Its innovation flow.
    pub innovation_flow_id: Option<Uuid>,
    /// Its license.
    pub license_id: Option<Uuid>,
    /// Its timeline.
    pub timeline_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A set of callouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalloutsSet {
    /// Its id.
    pub id: Uuid,
    /// What it belongs to.
    pub set_type: CalloutsSetType,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A callout: a framed question or call to contribute, in a callouts set.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    /// Its id.
    pub id: Uuid,
    /// Its set.
    pub callouts_set_id: Uuid,
    /// Its NameID, unique in its set.
    pub name_id: String,
    /// Whether it belongs to a template.
    pub is_template: bool,
    /// Its settings.
    pub settings: CalloutSettings,
    /// Its position in its set.
    pub sort_order: f64,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// Who published it.
    pub published_by: Option<Uuid>,
    /// When it was published.
    pub published_date: Option<DateTime<Utc>>,
    /// Its framing.
    pub framing_id: Uuid,
    /// Its contribution defaults.
    pub contribution_defaults_id: Uuid,
    /// Its comments room.
    pub comments_id: Option<Uuid>,
    /// Its classification (where it sits in the innovation flow), for callouts of a
    /// collaboration.
    pub classification: Option<Classification>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Where a callout sits: its innovation flow state (the classification's flow-state tagset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The classification's id.
    pub id: Uuid,
    /// The id of its flow-state tagset.
    pub tagset_id: Uuid,
    /// The name of the state.
    pub flow_state: Option<String>,
    /// The classification's policy (its tagset's too).
    pub authorization_id: Option<Uuid>,
}

impl Callout {
    /// Whether it is a draft (only its creator and admins read it).
    pub fn is_draft(&self) -> bool {
        self.settings.visibility == CalloutVisibility::Draft
    }
}

/// What frames a callout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalloutFraming {
    /// Its id.
    pub id: Uuid,
    /// Its kind.
    pub framing_type: CalloutFramingType,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its link, for a LINK framing.
    pub link_id: Option<Uuid>,
    /// Its whiteboard, for a WHITEBOARD framing.
    pub whiteboard_id: Option<Uuid>,
    /// Its memo, for a MEMO framing.
    pub memo_id: Option<Uuid>,
    /// Its media gallery, for a MEDIA_GALLERY framing.
    pub media_gallery_id: Option<Uuid>,
    /// Its poll, for a POLL framing.
    pub poll_id: Option<Uuid>,
    /// Its office document, for a COLLABORA_DOCUMENT framing.
    pub collabora_document_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// Defaults offered to contributors of a callout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionDefaults {
    /// Its id.
    pub id: Uuid,
    /// A display name to start from.
    pub default_display_name: Option<String>,
    /// A post description to start from.
    pub post_description: Option<String>,
    /// Whiteboard content new whiteboard contributions start from.
    pub whiteboard_content: Option<String>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A contribution to a callout.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Its id.
    pub id: Uuid,
    /// Its callout.
    pub callout_id: Uuid,
    /// Its kind.
    pub contribution_type: CalloutContributionType,
    /// Its position among the callout's contributions.
    pub sort_order: f64,
    /// Who contributed it.
    pub created_by: Option<Uuid>,
    /// Its post, for a POST contribution.
    pub post_id: Option<Uuid>,
    /// Its link, for a LINK contribution.
    pub link_id: Option<Uuid>,
    /// Its whiteboard, for a WHITEBOARD contribution.
    pub whiteboard_id: Option<Uuid>,
    /// Its memo, for a MEMO contribution.
    pub memo_id: Option<Uuid>,
    /// Its office document, for a COLLABORA_DOCUMENT contribution.
    pub collabora_document_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A post: a profile with comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: Uuid,
    /// Its NameID.
    pub name_id: String,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its comments room.
    pub comments_id: Uuid,
    /// Who wrote it.
    pub created_by: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A link: a profile with a URI, framing a callout or contributed to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its id.
    pub id: Uuid,
    /// Where it points.
    pub uri: String,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

stored_enum! {
    /// Who may change the content of a whiteboard (besides its owner).
    ContentUpdatePolicy {
        Admins => ("ADMINS", "admins"),
        Contributors => ("CONTRIBUTORS", "contributors"),
        Owner => ("OWNER", "owner"),
    }
}

stored_enum! {
    /// How a whiteboard's preview image is framed.
    WhiteboardPreviewMode {
        Auto => ("AUTO", "auto"),
        Custom => ("CUSTOM", "custom"),
        Fixed => ("FIXED", "fixed"),
    }
}

/// The area of a whiteboard a preview shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PreviewCoordinates {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// A whiteboard's preview settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PreviewSettings {
    /// The framing mode.
    pub mode: WhiteboardPreviewMode,
    /// The area, for the modes that fix one.
    pub coordinates: Option<PreviewCoordinates>,
}

impl Default for PreviewSettings {
    fn default() -> Self {
        Self {
            mode: WhiteboardPreviewMode::Auto,
            coordinates: None,
        }
    }
}

/// A whiteboard: Excalidraw content with a profile, framing a callout or contributed to one.
#[derive(Debug, Clone, PartialEq)]
pub struct Whiteboard {
    /// Its id.
    pub id: Uuid,
    /// Its NameID.
    pub name_id: String,
    /// Its content (an Excalidraw scene as JSON; empty when none was given).
    pub content: String,
    /// Who made it (its owner).
    pub created_by: Option<Uuid>,
    /// Who may change its content.
    pub content_update_policy: ContentUpdatePolicy,
    /// How its preview is framed.
    pub preview_settings: PreviewSettings,
    /// Whether guests may read and edit it (effective only where the space allows guest
    /// contributions).
    pub guest_access: bool,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A memo: a Markdown document with a profile, framing a callout or contributed to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Memo {
    /// Its id.
    pub id: Uuid,
    /// Its NameID.
    pub name_id: String,
    /// Its text (none until written).
    pub markdown: Option<String>,
    /// Who made it (its owner).
    pub created_by: Option<Uuid>,
    /// Who may change its content.
    pub content_update_policy: ContentUpdatePolicy,
    /// Its profile.
    pub profile_id: Uuid,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}
