//! Virtual contributors, AI personas and knowledge bases.

use alkemio_kernel::ids::ActorId;
use alkemio_kernel::stored_enum;
use alkemio_library::SearchVisibility;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

stored_enum! {
    /// Where a virtual contributor's knowledge comes from.
    BodyOfKnowledgeType {
        AlkemioKnowledgeBase => ("ALKEMIO_KNOWLEDGE_BASE", "alkemio-knowledge-base"),
        AlkemioSpace => ("ALKEMIO_SPACE", "alkemio-space"),
        Nothing => ("NONE", "none"),
        Other => ("OTHER", "other"),
        Website => ("WEBSITE", "website"),
    }
}

stored_enum! {
    /// How much of a space a virtual contributor may read.
    DataAccessMode {
        Nothing => ("NONE", "none"),
        SpaceProfile => ("SPACE_PROFILE", "space_profile"),
        SpaceProfileAndContents => ("SPACE_PROFILE_AND_CONTENTS", "space_profile_and_contents"),
    }
}

stored_enum! {
    /// How people interact with a virtual contributor.
    InteractionMode {
        DiscussionTagging => ("DISCUSSION_TAGGING", "discussion-tagging"),
    }
}

stored_enum! {
    /// The AI engine answering for a persona.
    AiPersonaEngine {
        CommunityManager => ("COMMUNITY_MANAGER", "community-manager"),
        Expert => ("EXPERT", "expert"),
        GenericOpenai => ("GENERIC_OPENAI", "generic-openai"),
        Guidance => ("GUIDANCE", "guidance"),
        LibraFlow => ("LIBRA_FLOW", "libra-flow"),
        OpenaiAssistant => ("OPENAI_ASSISTANT", "openai-assistant"),
    }
}

/// A virtual contributor's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualContributorSettings {
    /// Whether readers see the contents of its knowledge base (not only its about).
    pub knowledge_base_content_visible: bool,
}

/// A virtual contributor (an actor of type VIRTUAL_CONTRIBUTOR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualContributor {
    /// Its id (also its actor id).
    pub id: ActorId,
    /// Its URL slug, unique among virtual contributors.
    pub name_id: String,
    /// The account hosting it.
    pub account_id: Option<ActorId>,
    /// Its settings.
    pub settings: VirtualContributorSettings,
    /// Whether its prompt graph may be edited (a platform setting).
    pub prompt_graph_editing_enabled: bool,
    /// Its persona.
    pub ai_persona_id: Uuid,
    /// The body of knowledge (a space or its knowledge base).
    pub body_of_knowledge_id: Option<String>,
    /// What kind of body of knowledge.
    pub body_of_knowledge_type: BodyOfKnowledgeType,
    /// What the body of knowledge is about (Markdown).
    pub body_of_knowledge_description: Option<String>,
    /// Whether the library may list it.
    pub listed_in_store: bool,
    /// Who finds it.
    pub search_visibility: SearchVisibility,
    /// How much of a space it reads.
    pub data_access_mode: DataAccessMode,
    /// How people interact with it.
    pub interaction_modes: Vec<InteractionMode>,
    /// Its knowledge base.
    pub knowledge_base_id: Option<Uuid>,
    /// Its profile (on the actor).
    pub profile_id: Option<Uuid>,
    /// Its policy (on the actor).
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An AI persona: the engine and prompt a virtual contributor answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct AiPersona {
    /// Its id.
    pub id: Uuid,
    /// Its engine.
    pub engine: AiPersonaEngine,
    /// Its prompt lines.
    pub prompt: Vec<String>,
    /// Configuration of an external engine (model, key, assistant).
    pub external_config: Option<serde_json::Value>,
    /// When its body of knowledge was last ingested.
    pub body_of_knowledge_last_updated: Option<DateTime<Utc>>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A knowledge base: a profile and a set of callouts a virtual contributor draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnowledgeBase {
    /// Its id.
    pub id: Uuid,
    /// Its profile.
    pub profile_id: Option<Uuid>,
    /// Its callouts.
    pub callouts_set_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}
