//! Virtual contributors: actors an account hosts that answer through an AI persona from a body
//! of knowledge (a space, their own knowledge base, a website). This module keeps them, their
//! personas and knowledge bases, and their policies; invoking the AI engines is the AI
//! server's part.
//!
//! A virtual contributor's policy is a root under the platform's: its account's admins manage
//! it, global support manages it, global community readers read it, and who else reads it
//! follows its search visibility (everyone when PUBLIC; members of its account's L0 spaces
//! when ACCOUNT; nobody else when HIDDEN).

pub mod engines;
pub mod invocation;
pub mod model;
pub mod repo;
pub mod secrets;
pub mod service;

pub use engines::EngineBus;
pub use model::{
    AiPersona, AiPersonaEngine, BodyOfKnowledgeType, DataAccessMode, ExternalConfig,
    InteractionMode, KnowledgeBase, OpenAiModel, VirtualContributor, VirtualContributorSettings,
    WellKnownPart,
};
pub use service::{
    NewVirtualContributor, PersonaUpdate, PromptGraphChange, VirtualContributorService,
    VirtualContributorUpdate,
};
