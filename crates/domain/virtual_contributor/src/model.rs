//! Virtual contributors, AI personas and knowledge bases.

use alkemio_kernel::ids::ActorId;
use alkemio_kernel::stored_enum;
use alkemio_library::SearchVisibility;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

stored_enum! {
    /// Where a virtual contributor's knowledge comes from.
    #[graphql(name = "VirtualContributorBodyOfKnowledgeType")]
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
    #[graphql(name = "VirtualContributorDataAccessMode")]
    DataAccessMode {
        Nothing => ("NONE", "none"),
        SpaceProfile => ("SPACE_PROFILE", "space_profile"),
        SpaceProfileAndContents => ("SPACE_PROFILE_AND_CONTENTS", "space_profile_and_contents"),
    }
}

stored_enum! {
    /// How people interact with a virtual contributor.
    #[graphql(name = "VirtualContributorInteractionMode")]
    InteractionMode {
        DiscussionTagging => ("DISCUSSION_TAGGING", "discussion-tagging"),
    }
}

stored_enum! {
    /// A part a virtual contributor can play for the whole platform.
    #[graphql(name = "VirtualContributorWellKnown")]
    WellKnownPart {
        ChatGuidance => ("CHAT_GUIDANCE", "chat-guidance"),
        StewardOwnershipExpert => ("STEWARD_OWNERSHIP_EXPERT", "steward-ownership-expert"),
    }
}

stored_enum! {
    /// The OpenAI model an external engine answers with.
    #[graphql(name = "OpenAIModel")]
    OpenAiModel {
        Gpt5 => ("GPT_5", "gpt-5"),
        Gpt51 => ("GPT_5_1", "gpt-5.1"),
        Gpt51Mini => ("GPT_5_1_MINI", "gpt-5.1-mini"),
        Gpt52 => ("GPT_5_2", "gpt-5.2"),
        Gpt52Pro => ("GPT_5_2_PRO", "gpt-5.2-pro"),
        Gpt54 => ("GPT_5_4", "gpt-5.4"),
        Gpt54Mini => ("GPT_5_4_MINI", "gpt-5.4-mini"),
        Gpt54Nano => ("GPT_5_4_NANO", "gpt-5.4-nano"),
        Gpt54Pro => ("GPT_5_4_PRO", "gpt-5.4-pro"),
        Gpt55 => ("GPT_5_5", "gpt-5.5"),
        Gpt55Pro => ("GPT_5_5_PRO", "gpt-5.5-pro"),
        Gpt5Mini => ("GPT_5_MINI", "gpt-5-mini"),
        Gpt5Nano => ("GPT_5_NANO", "gpt-5-nano"),
        Gpt5Pro => ("GPT_5_PRO", "gpt-5-pro"),
        O3 => ("O3", "o3"),
        O3Mini => ("O3_MINI", "o3-mini"),
        O3Pro => ("O3_PRO", "o3-pro"),
        O4Mini => ("O4_MINI", "o4-mini"),
    }
}

/// How an external engine (GENERIC_OPENAI, LIBRA_FLOW, an OpenAI assistant) is reached.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalConfig {
    /// The API key (never shown whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// The OpenAI assistant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_id: Option<String>,
    /// The model, as its stored name (`gpt-5.4-nano`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl ExternalConfig {
    /// The engines whose external configuration is shown to readers.
    pub fn shown_for(engine: AiPersonaEngine) -> bool {
        matches!(
            engine,
            AiPersonaEngine::GenericOpenai | AiPersonaEngine::LibraFlow
        )
    }

    /// The API key as readers see it: its first 7 and last 4 characters (empty when none).
    pub fn masked_api_key(&self) -> String {
        match self.api_key.as_deref() {
            None | Some("") => String::new(),
            Some(k) => {
                let chars: Vec<char> = k.chars().collect();
                let head: String = chars.iter().take(7).collect();
                let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
                format!("{head}...{tail}")
            }
        }
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
    pub external_config: Option<ExternalConfig>,
    /// When its body of knowledge was last ingested.
    pub body_of_knowledge_last_updated: Option<DateTime<Utc>>,
    /// The prompt graph its engine follows, as set by its managers (the engines' JSON shape).
    pub prompt_graph: Option<serde_json::Value>,
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
