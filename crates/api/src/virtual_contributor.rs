//! GraphQL of the virtual contributor module (`alkemio-virtual-contributor`): the
//! `VirtualContributor` type with its persona, knowledge base and model card, its queries,
//! lookups and mutations, and the platform's well-known virtual contributors.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_contributor::ActorType;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::pagination::limit_and_shuffle;
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar};
use alkemio_kernel::{AppError, AppResult};
use alkemio_library::SearchVisibility;
use alkemio_virtual_contributor::{
    AiPersonaEngine, BodyOfKnowledgeType, DataAccessMode, ExternalConfig as StoredExternalConfig,
    InteractionMode, NewVirtualContributor, OpenAiModel, PersonaUpdate, PromptGraphChange,
    VirtualContributorService, VirtualContributorUpdate, WellKnownPart,
};
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use uuid::Uuid;

use crate::account::Account;
use crate::authorization::{Authorization, authorization_of, can, require_on, require_on_platform};
use crate::collaboration::CalloutsSet;
use crate::context::{actor, data};
use crate::contributor::{Actor, ActorFilterInput, Credential};
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a VirtualContributorService> {
    data::<VirtualContributorService>(ctx)
}

/// The L0 spaces of an account (their members read its virtual contributors of ACCOUNT
/// visibility).
async fn account_spaces(ctx: &Context<'_>, account: Option<ActorId>) -> AppResult<Vec<Uuid>> {
    let Some(account) = account else {
        return Ok(Vec::new());
    };
    Ok(data::<alkemio_space::SpaceService>(ctx)?
        .ids_of_accounts(&[account.0])
        .await?
        .into_iter()
        .map(|(_, space)| space)
        .collect())
}

/// A virtual contributor: an AI actor hosted by an account.
#[derive(Debug, Clone)]
pub struct VirtualContributor(pub alkemio_virtual_contributor::VirtualContributor);

impl VirtualContributor {
    /// Fails unless the caller may read it.
    async fn require_read(&self, ctx: &Context<'_>) -> AppResult<()> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            &format!("read virtual contributor: {}", self.0.id),
        )
        .await
    }

    async fn persona(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<alkemio_virtual_contributor::AiPersona> {
        loaded(
            data::<Loaders>(ctx)?
                .personas
                .load_one(self.0.ai_persona_id)
                .await,
        )?
        .ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find AiPersona with ID: {}",
                self.0.ai_persona_id
            ))
        })
    }
}

#[Object(name = "VirtualContributor")]
impl VirtualContributor {
    /// Its id.
    pub(crate) async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id.0)
    }
    /// Its URL slug.
    #[graphql(name = "nameID")]
    pub(crate) async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }
    /// The kind of actor: always `VIRTUAL_CONTRIBUTOR`.
    pub(crate) async fn r#type(&self) -> ActorType {
        ActorType::VirtualContributor
    }
    /// When it was created.
    pub(crate) async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    pub(crate) async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
    /// Its profile (needs READ on it).
    pub(crate) async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>> {
        self.require_read(ctx).await?;
        let Some(id) = self.0.profile_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?.map(Profile))
    }
    /// Its authorization policy (needs READ on it).
    pub(crate) async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        self.require_read(ctx).await?;
        authorization_of(ctx, self.0.authorization_id).await
    }
    /// The credentials it holds (the roles it plays).
    pub(crate) async fn credentials(&self, ctx: &Context<'_>) -> Result<Option<Vec<Credential>>> {
        let records = data::<alkemio_contributor::UserService>(ctx)?
            .credential_records(self.0.id)
            .await?;
        Ok(Some(records.into_iter().map(Credential).collect()))
    }
    /// It as an actor (needs READ on it).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Actor> {
        self.require_read(ctx).await?;
        let found =
            loaded(data::<Loaders>(ctx)?.actors.load_one(self.0.id.0).await)?.ok_or_else(|| {
                AppError::internal_msg(format_args!(
                    "virtual contributor {} has no actor",
                    self.0.id
                ))
            })?;
        Ok(Actor(found))
    }
    /// The account hosting it (null to those who may not read it).
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        if !can(ctx, self.0.authorization_id, P::Read).await? {
            return Ok(None);
        }
        let Some(id) = self.0.account_id else {
            return Ok(None);
        };
        Ok(loaded(data::<Loaders>(ctx)?.accounts.load_one(id.0).await)?.map(Account))
    }
    /// Who offers it: the user or organization hosting its account (needs READ on it).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Actor> {
        self.require_read(ctx).await?;
        let account = self.0.account_id.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to retrieve Account for VirtualContributor: {}",
                self.0.id
            ))
        })?;
        crate::innovation_hub::account_provider(ctx, account).await
    }
    /// Whether the library may list it.
    async fn listed_in_store(&self) -> bool {
        self.0.listed_in_store
    }
    /// Who finds it: everyone, its account's communities, or only its managers.
    async fn search_visibility(&self) -> SearchVisibility {
        self.0.search_visibility
    }
    /// Its own settings.
    async fn settings(&self) -> VirtualContributorSettings {
        VirtualContributorSettings(self.0.settings)
    }
    /// Settings only platform administrators change.
    async fn platform_settings(&self) -> VirtualContributorPlatformSettings {
        VirtualContributorPlatformSettings {
            prompt_graph_editing_enabled: self.0.prompt_graph_editing_enabled,
        }
    }
    /// How much of a space it reads.
    async fn data_access_mode(&self) -> DataAccessMode {
        self.0.data_access_mode
    }
    /// How people reach it (its first interaction mode; it has at least one).
    async fn interaction_modes(&self) -> Result<InteractionMode> {
        Ok(self.0.interaction_modes.first().copied().ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "virtual contributor {} has no interaction mode",
                self.0.id
            ))
        })?)
    }
    /// Where its knowledge comes from.
    async fn body_of_knowledge_type(&self) -> BodyOfKnowledgeType {
        self.0.body_of_knowledge_type
    }
    /// What its body of knowledge is about.
    async fn body_of_knowledge_description(&self) -> Option<Markdown> {
        self.0.body_of_knowledge_description.clone().map(Markdown)
    }
    /// The body of knowledge: a space or its knowledge base.
    #[graphql(name = "bodyOfKnowledgeID")]
    async fn body_of_knowledge_id(&self) -> Option<UuidScalar> {
        self.0
            .body_of_knowledge_id
            .as_deref()
            .and_then(|id| Uuid::parse_str(id).ok())
            .map(UuidScalar)
    }
    /// When its body of knowledge was last ingested (needs READ on it).
    async fn body_of_knowledge_last_updated(&self, ctx: &Context<'_>) -> Result<Option<DateTime>> {
        self.require_read(ctx).await?;
        Ok(self
            .persona(ctx)
            .await?
            .body_of_knowledge_last_updated
            .map(DateTime))
    }
    /// READY once its body of knowledge has been ingested, INITIALIZING before (needs READ
    /// on it).
    async fn status(&self, ctx: &Context<'_>) -> Result<VirtualContributorStatus> {
        self.require_read(ctx).await?;
        Ok(
            if self
                .persona(ctx)
                .await?
                .body_of_knowledge_last_updated
                .is_some()
            {
                VirtualContributorStatus::Ready
            } else {
                VirtualContributorStatus::Initializing
            },
        )
    }
    /// The engine answering for it (needs READ on it).
    async fn engine(&self, ctx: &Context<'_>) -> Result<AiPersonaEngine> {
        self.require_read(ctx).await?;
        Ok(self.persona(ctx).await?.engine)
    }
    /// Its AI persona (needs READ on it).
    async fn ai_persona(&self, ctx: &Context<'_>) -> Result<Option<AiPersona>> {
        self.require_read(ctx).await?;
        Ok(Some(AiPersona(self.persona(ctx).await?)))
    }
    /// What its engine does with a space's data, and where it runs (needs READ on it).
    async fn model_card(&self, ctx: &Context<'_>) -> Result<VirtualContributorModelCard> {
        self.require_read(ctx).await?;
        Ok(VirtualContributorModelCard(self.persona(ctx).await?.engine))
    }
    /// Its knowledge base (needs READ_ABOUT on the knowledge base).
    async fn knowledge_base(&self, ctx: &Context<'_>) -> Result<KnowledgeBase> {
        let id = self.0.knowledge_base_id.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find KnowledgeBase for VirtualContributor: {}",
                self.0.id
            ))
        })?;
        lookup_knowledge_base(ctx, id).await
    }
    /// The space it draws its knowledge from (for ALKEMIO_SPACE), when the caller may read
    /// that space's about.
    async fn knowledge_space(&self, ctx: &Context<'_>) -> Result<Option<crate::space::Space>> {
        if self.0.body_of_knowledge_type != BodyOfKnowledgeType::AlkemioSpace {
            return Ok(None);
        }
        let Some(id) = self
            .0
            .body_of_knowledge_id
            .as_deref()
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            return Ok(None);
        };
        let Some(space) = loaded(data::<Loaders>(ctx)?.spaces.load_one(id).await)? else {
            return Ok(None);
        };
        if crate::space::require_read_about(ctx, &space).await.is_err() {
            return Ok(None);
        }
        Ok(Some(crate::space::Space(space)))
    }
    /// The well-known part it plays on the platform, if any (needs READ on it).
    async fn well_known_virtual_contributor(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<WellKnownPart>> {
        self.require_read(ctx).await?;
        let platform = data::<alkemio_platform::PlatformService>(ctx)?
            .get()
            .await?;
        Ok(platform
            .well_known_virtual_contributors
            .iter()
            .find(|m| m.virtual_contributor_id == self.0.id.0)
            .and_then(|m| m.well_known.parse().ok()))
    }
}

/// Whether a virtual contributor is ready to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VirtualContributorStatus {
    /// Its body of knowledge has not been ingested yet.
    Initializing,
    /// It answers from an ingested body of knowledge.
    Ready,
}

/// A virtual contributor's own settings.
#[derive(Debug, Clone, Copy)]
pub struct VirtualContributorSettings(pub alkemio_virtual_contributor::VirtualContributorSettings);

#[Object(name = "VirtualContributorSettings")]
impl VirtualContributorSettings {
    /// Who sees what of it.
    async fn privacy(&self) -> VirtualContributorSettingsPrivacy {
        VirtualContributorSettingsPrivacy {
            knowledge_base_content_visible: self.0.knowledge_base_content_visible,
        }
    }
}

/// Who sees what of a virtual contributor.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct VirtualContributorSettingsPrivacy {
    /// Whether its readers see the contents of its knowledge base.
    pub knowledge_base_content_visible: bool,
}

/// Settings of a virtual contributor that platform administrators change.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct VirtualContributorPlatformSettings {
    /// Whether its prompt graph may be edited.
    pub prompt_graph_editing_enabled: bool,
}

/// The engine and prompt a virtual contributor answers with.
#[derive(Debug, Clone)]
pub struct AiPersona(pub alkemio_virtual_contributor::AiPersona);

#[Object(name = "AiPersona")]
impl AiPersona {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// Its engine.
    async fn engine(&self) -> AiPersonaEngine {
        self.0.engine
    }
    /// Its prompt lines.
    async fn prompt(&self) -> &[String] {
        &self.0.prompt
    }
    /// When its body of knowledge was last ingested.
    async fn body_of_knowledge_last_updated(&self) -> Option<DateTime> {
        self.0.body_of_knowledge_last_updated.map(DateTime)
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
    /// Its authorization policy (needs READ on it).
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            &format!("ai persona authorization access: {}", self.0.id),
        )
        .await?;
        authorization_of(ctx, self.0.authorization_id).await
    }
    /// The prompt graph its engine follows, as its managers set it (needs READ on it).
    async fn prompt_graph(&self, ctx: &Context<'_>) -> Result<Option<PromptGraph>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            &format!("ai persona authorization access: {}", self.0.id),
        )
        .await?;
        Ok(match &self.0.prompt_graph {
            Some(g) => Some(serde_json::from_value(g.clone()).map_err(|e| {
                AppError::internal_msg(format_args!("prompt graph of {}: {e}", self.0.id))
            })?),
            None => None,
        })
    }
    /// How its external engine is reached, for the engines configured so (GENERIC_OPENAI,
    /// LIBRA_FLOW); needs READ on it.
    async fn external_config(&self, ctx: &Context<'_>) -> Result<Option<ExternalConfig>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            &format!("ai persona authorization access: {}", self.0.id),
        )
        .await?;
        if !StoredExternalConfig::shown_for(self.0.engine) {
            return Ok(None);
        }
        Ok(Some(ExternalConfig(
            self.0.external_config.clone().unwrap_or_default(),
        )))
    }
}

/// How an external engine is reached.
#[derive(Debug, Clone)]
pub struct ExternalConfig(pub StoredExternalConfig);

#[Object(name = "ExternalConfig")]
impl ExternalConfig {
    /// The API key, masked: its first 7 and last 4 characters.
    async fn api_key(&self) -> Option<String> {
        Some(self.0.masked_api_key())
    }
    /// The OpenAI assistant.
    async fn assistant_id(&self) -> Option<&str> {
        self.0.assistant_id.as_deref()
    }
    /// The model (GPT_5_4_NANO unless another was chosen).
    async fn model(&self) -> OpenAiModel {
        self.0
            .model
            .as_deref()
            .and_then(|m| m.parse().ok())
            .unwrap_or(OpenAiModel::Gpt54Nano)
    }
}

/// A virtual contributor's own knowledge: a profile and callouts.
#[derive(Debug, Clone)]
pub struct KnowledgeBase(pub alkemio_virtual_contributor::KnowledgeBase);

#[Object(name = "KnowledgeBase")]
impl KnowledgeBase {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }
    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        authorization_of(ctx, self.0.authorization_id).await
    }
    /// Its profile (needs READ on it).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a knowledge base's profile",
        )
        .await?;
        let id = self.0.profile_id.ok_or_else(|| {
            AppError::internal_msg(format_args!("knowledge base {} has no profile", self.0.id))
        })?;
        Ok(Profile(
            loaded(data::<Loaders>(ctx)?.profiles.load_one(id).await)?
                .ok_or_else(|| AppError::internal_msg(format_args!("profile {id} missing")))?,
        ))
    }
    /// Its callouts (needs READ on it).
    async fn callouts_set(&self, ctx: &Context<'_>) -> Result<CalloutsSet> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a knowledge base's callouts",
        )
        .await?;
        let id = self.0.callouts_set_id.ok_or_else(|| {
            AppError::internal_msg(format_args!(
                "knowledge base {} has no callouts set",
                self.0.id
            ))
        })?;
        Ok(CalloutsSet(
            data::<alkemio_collaboration::CollaborationService>(ctx)?
                .callouts_set_or_fail(id)
                .await?,
        ))
    }
}

/// What a virtual contributor's engine does and where it runs, as the platform documents it
/// per engine.
#[derive(Debug, Clone, Copy)]
pub struct VirtualContributorModelCard(pub AiPersonaEngine);

/// One section of a model card about use in a space.
#[derive(Debug, Clone, SimpleObject)]
pub struct ModelCardSpaceUsageResult {
    /// The section.
    pub model_card_entry: VirtualContributorModelCardEntry,
    /// Its flags.
    pub flags: Vec<VirtualContributorModelCardFlag>,
}

/// A flag of a model card section.
#[derive(Debug, Clone, SimpleObject)]
pub struct VirtualContributorModelCardFlag {
    /// The flag.
    pub name: VirtualContributorModelCardEntryFlagName,
    /// Whether it holds.
    pub enabled: bool,
}

/// Sections of a model card about use in a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VirtualContributorModelCardEntry {
    /// What it can do in a space.
    SpaceCapabilities,
    /// What it reads of a space.
    SpaceDataAccess,
    /// The role it needs in a space.
    SpaceRoleRequired,
}

/// Flags of the model card sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VirtualContributorModelCardEntryFlagName {
    /// It manages the community.
    SpaceCapabilityCommunityManagement,
    /// It creates content.
    SpaceCapabilityCreateContent,
    /// It answers when tagged.
    SpaceCapabilityTagging,
    /// It reads the space's about.
    SpaceDataAccessAbout,
    /// It reads the space's content.
    SpaceDataAccessContent,
    /// It reads the subspaces.
    SpaceDataAccessSubspaces,
    /// It needs the admin role.
    SpaceRoleAdmin,
    /// It needs the member role.
    SpaceRoleMember,
}

/// The model card's facts about the engine.
#[derive(Debug, Clone, SimpleObject)]
pub struct ModelCardAiEngineResult {
    /// Whether the engine runs outside the platform.
    pub is_external: bool,
    /// Whether it uses an open-weights model.
    pub is_using_open_weights_model: bool,
    /// Whether what people ask trains the model (unknown for external engines).
    pub is_interaction_data_used_for_training: Option<bool>,
    /// Whether answers keep to the body of knowledge.
    pub are_answers_restricted_to_body_of_knowledge: String,
    /// Whether it may search the web when answering.
    pub can_access_web_when_answering: bool,
    /// Where the engine runs.
    pub hosting_location: String,
    /// Where to read more about the model.
    pub additional_technical_details: String,
}

/// The model card's facts about monitoring.
#[derive(Debug, Clone, SimpleObject)]
pub struct ModelCardMonitoringResult {
    /// Whether the platform monitors use.
    pub is_usage_monitored_by_alkemio: bool,
}

#[Object(name = "VirtualContributorModelCard")]
impl VirtualContributorModelCard {
    /// What it can do, read and needs in a space (the same for every engine today: it
    /// answers when tagged, reads the space's about and needs the member role).
    async fn space_usage(&self) -> Option<Vec<ModelCardSpaceUsageResult>> {
        use VirtualContributorModelCardEntry as E;
        use VirtualContributorModelCardEntryFlagName as F;
        let flags = |list: &[(F, bool)]| {
            list.iter()
                .map(|(name, enabled)| VirtualContributorModelCardFlag {
                    name: *name,
                    enabled: *enabled,
                })
                .collect()
        };
        Some(vec![
            ModelCardSpaceUsageResult {
                model_card_entry: E::SpaceCapabilities,
                flags: flags(&[
                    (F::SpaceCapabilityTagging, true),
                    (F::SpaceCapabilityCreateContent, false),
                    (F::SpaceCapabilityCommunityManagement, false),
                ]),
            },
            ModelCardSpaceUsageResult {
                model_card_entry: E::SpaceDataAccess,
                flags: flags(&[
                    (F::SpaceDataAccessAbout, true),
                    (F::SpaceDataAccessContent, false),
                    (F::SpaceDataAccessSubspaces, false),
                ]),
            },
            ModelCardSpaceUsageResult {
                model_card_entry: E::SpaceRoleRequired,
                flags: flags(&[(F::SpaceRoleMember, true), (F::SpaceRoleAdmin, false)]),
            },
        ])
    }
    /// Facts about its engine.
    async fn ai_engine(&self) -> Option<ModelCardAiEngineResult> {
        let external = matches!(
            self.0,
            AiPersonaEngine::LibraFlow | AiPersonaEngine::GenericOpenai
        );
        let assistant = self.0 == AiPersonaEngine::OpenaiAssistant;
        let outside = external || assistant;
        Some(ModelCardAiEngineResult {
            is_external: external,
            is_using_open_weights_model: outside,
            is_interaction_data_used_for_training: if outside { None } else { Some(false) },
            are_answers_restricted_to_body_of_knowledge: match self.0 {
                AiPersonaEngine::GenericOpenai => "No",
                AiPersonaEngine::OpenaiAssistant => "Yes, when provided",
                _ => "Yes",
            }
            .to_owned(),
            can_access_web_when_answering: external,
            hosting_location: if outside { "Unknown" } else { "Sweden, EU" }.to_owned(),
            additional_technical_details: if external {
                "https://platform.openai.com/docs/overview"
            } else if assistant {
                "https://platform.openai.com/docs/assistants/overview"
            } else {
                "https://huggingface.co/mistralai/Mistral-Small-Instruct-2409/tree/main"
            }
            .to_owned(),
        })
    }
    /// Facts about monitoring.
    async fn monitoring(&self) -> Option<ModelCardMonitoringResult> {
        Some(ModelCardMonitoringResult {
            is_usage_monitored_by_alkemio: true,
        })
    }
}

/// Which virtual contributor plays each well-known part.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformWellKnownVirtualContributors {
    /// The parts and who plays them.
    pub mappings: Vec<PlatformWellKnownVirtualContributorMapping>,
}

/// A well-known part and the virtual contributor playing it.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformWellKnownVirtualContributorMapping {
    /// The part.
    pub well_known: WellKnownPart,
    /// Who plays it.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: UuidScalar,
}

fn mappings(
    stored: Vec<alkemio_platform::model::WellKnownVirtualContributor>,
) -> PlatformWellKnownVirtualContributors {
    PlatformWellKnownVirtualContributors {
        mappings: stored
            .into_iter()
            .filter_map(|m| {
                Some(PlatformWellKnownVirtualContributorMapping {
                    well_known: m.well_known.parse().ok()?,
                    virtual_contributor_id: UuidScalar(m.virtual_contributor_id),
                })
            })
            .collect(),
    }
}

/// `platform.wellKnownVirtualContributors`: needs ACCESS_INTERACTIVE_GUIDANCE on the platform.
pub(crate) async fn well_known(ctx: &Context<'_>) -> Result<PlatformWellKnownVirtualContributors> {
    require_on_platform(
        ctx,
        P::AccessInteractiveGuidance,
        &format!(
            "get Platform well-known Virtual Contributors: {}",
            actor(ctx).actor_id()
        ),
    )
    .await?;
    let platform = data::<alkemio_platform::PlatformService>(ctx)?
        .get()
        .await?;
    Ok(mappings(platform.well_known_virtual_contributors))
}

/// `Account.virtualContributors`: the account's virtual contributors, oldest first.
pub(crate) async fn of_account(
    ctx: &Context<'_>,
    account: ActorId,
) -> Result<Vec<VirtualContributor>> {
    Ok(service(ctx)?
        .of_accounts(&[account.0])
        .await?
        .into_iter()
        .map(VirtualContributor)
        .collect())
}

/// `Library.virtualContributors`: those offered in the store and public.
pub(crate) async fn listed(ctx: &Context<'_>) -> Result<Vec<VirtualContributor>> {
    Ok(service(ctx)?
        .listed()
        .await?
        .into_iter()
        .map(VirtualContributor)
        .collect())
}

/// `lookup.virtualContributor`: needs READ on it.
pub(crate) async fn lookup(ctx: &Context<'_>, id: Uuid) -> Result<Option<VirtualContributor>> {
    let vc = service(ctx)?.get(id).await?;
    require_on(
        ctx,
        vc.authorization_id,
        P::Read,
        &format!("lookup VirtualContributor: {id}"),
    )
    .await?;
    Ok(Some(VirtualContributor(vc)))
}

/// `lookupByName.virtualContributor`: its id, needing READ on it.
pub(crate) async fn lookup_by_name(ctx: &Context<'_>, name_id: &str) -> Result<Option<String>> {
    let vc = service(ctx)?.by_name_id(name_id).await?.ok_or_else(|| {
        AppError::not_found(format!(
            "Unable to find VirtualContributor with nameID: {name_id}"
        ))
    })?;
    require_on(
        ctx,
        vc.authorization_id,
        P::Read,
        &format!("lookup virtual contributor by NameID: {}", vc.id),
    )
    .await?;
    Ok(Some(vc.id.0.to_string()))
}

/// The policy of a virtual contributor (for `lookup.myPrivileges`).
pub(crate) async fn policy(ctx: &Context<'_>, id: Uuid) -> Result<Option<Uuid>> {
    Ok(service(ctx)?.get(id).await?.authorization_id)
}

/// `lookup.knowledgeBase`: needs READ_ABOUT on it.
pub(crate) async fn lookup_knowledge_base(ctx: &Context<'_>, id: Uuid) -> Result<KnowledgeBase> {
    let kb = service(ctx)?
        .knowledge_bases(&[id])
        .await?
        .remove(&id)
        .ok_or_else(|| {
            AppError::not_found(format!("Unable to find KnowledgeBase with ID: {id}"))
        })?;
    require_on(
        ctx,
        kb.authorization_id,
        P::ReadAbout,
        &format!("lookup KnowledgeBase: {id}"),
    )
    .await?;
    Ok(KnowledgeBase(kb))
}

/// Root query fields of virtual contributors.
#[derive(Debug, Default)]
pub struct VirtualContributorQuery;

#[Object]
impl VirtualContributorQuery {
    /// A virtual contributor by id (its fields check what the caller may read).
    async fn virtual_contributor(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ID")] id: UuidScalar,
    ) -> Result<VirtualContributor> {
        Ok(VirtualContributor(service(ctx)?.get(id.0).await?))
    }

    /// Every virtual contributor, for platform administrators (empty for anyone else):
    /// those holding any of the filter's credential types, or all; `limit` keeps that many,
    /// at random with `shuffle`.
    async fn virtual_contributors(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActorFilterInput>,
        limit: Option<f64>,
        shuffle: Option<bool>,
    ) -> Result<Vec<VirtualContributor>> {
        let platform = data::<alkemio_platform::PlatformService>(ctx)?
            .authorization()
            .await?;
        if !platform
            .policy
            .is_granted(&actor(ctx).credentials, P::PlatformAdmin)?
        {
            return Ok(Vec::new());
        }
        let types: Option<Vec<&str>> = filter.and_then(|f| f.credentials).map(|cs| {
            cs.into_iter()
                .map(|c| c.credential_type().as_str())
                .collect()
        });
        let listed = service(ctx)?.list(types.as_deref()).await?;
        Ok(limit_and_shuffle(listed, limit, shuffle.unwrap_or(false))?
            .into_iter()
            .map(VirtualContributor)
            .collect())
    }
}

// ---- inputs ----

/// How an external engine is reached.
#[derive(Debug, Clone, InputObject)]
pub struct ExternalConfigInput {
    /// The API key.
    pub api_key: Option<String>,
    /// The OpenAI assistant.
    pub assistant_id: Option<String>,
    /// The model.
    #[graphql(default_with = "OpenAiModel::Gpt54Nano")]
    pub model: OpenAiModel,
}

impl From<ExternalConfigInput> for StoredExternalConfig {
    fn from(input: ExternalConfigInput) -> Self {
        Self {
            api_key: input.api_key,
            assistant_id: input.assistant_id,
            model: Some(input.model.as_str().to_owned()),
        }
    }
}

/// A new virtual contributor's persona.
#[derive(Debug, Clone, InputObject)]
pub struct CreateAiPersonaInput {
    /// Its engine.
    #[graphql(default_with = "Some(AiPersonaEngine::Expert)")]
    pub engine: Option<AiPersonaEngine>,
    /// Its prompt lines.
    #[graphql(default_with = "Some(Vec::new())")]
    pub prompt: Option<Vec<String>>,
    /// How its external engine is reached.
    pub external_config: Option<ExternalConfigInput>,
}

/// A new virtual contributor's knowledge base.
#[derive(Debug, InputObject)]
pub struct CreateKnowledgeBaseInput {
    /// The callouts it starts with.
    pub callouts_set_data: Option<crate::collaboration::CreateCalloutsSetInput>,
    /// Its profile.
    pub profile: CreateProfileInput,
}

/// Changes to a knowledge base.
#[derive(Debug, InputObject)]
pub struct UpdateKnowledgeBaseInput {
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
}

/// A new virtual contributor on an account.
#[derive(Debug, InputObject)]
pub struct CreateVirtualContributorOnAccountInput {
    /// The account hosting it.
    #[graphql(name = "accountID")]
    pub account_id: UuidScalar,
    /// Its URL slug (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Its persona.
    pub ai_persona: CreateAiPersonaInput,
    /// Its knowledge base (a default one when absent).
    pub knowledge_base_data: Option<CreateKnowledgeBaseInput>,
    /// Where its knowledge comes from.
    #[graphql(default_with = "Some(BodyOfKnowledgeType::AlkemioSpace)")]
    pub body_of_knowledge_type: Option<BodyOfKnowledgeType>,
    /// The body of knowledge (a space's id for ALKEMIO_SPACE).
    #[graphql(name = "bodyOfKnowledgeID")]
    pub body_of_knowledge_id: Option<String>,
    /// What the body of knowledge is about.
    pub body_of_knowledge_description: Option<String>,
    /// How much of a space it reads.
    #[graphql(default_with = "Some(DataAccessMode::SpaceProfileAndContents)")]
    pub data_access_mode: Option<DataAccessMode>,
    /// How people reach it.
    #[graphql(default_with = "Some(vec![InteractionMode::DiscussionTagging])")]
    pub interaction_modes: Option<Vec<InteractionMode>>,
}

/// Changes to a virtual contributor.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorInput {
    /// Which one.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// New URL slug.
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Profile changes.
    pub profile_data: Option<UpdateProfileInput>,
    /// Knowledge base changes.
    pub knowledge_base_data: Option<UpdateKnowledgeBaseInput>,
    /// Whether the library may list it.
    pub listed_in_store: Option<bool>,
    /// Who finds it.
    pub search_visibility: Option<SearchVisibility>,
    /// Where its knowledge comes from.
    pub body_of_knowledge_type: Option<BodyOfKnowledgeType>,
    /// What the body of knowledge is about.
    pub body_of_knowledge_description: Option<String>,
    /// How much of a space it reads.
    pub data_access_mode: Option<DataAccessMode>,
    /// How people reach it.
    pub interaction_modes: Option<Vec<InteractionMode>>,
}

/// Privacy settings to set.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorSettingsPrivacyInput {
    /// Whether its readers see the contents of its knowledge base.
    pub knowledge_base_content_visible: bool,
}

/// Settings to set.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorSettingsEntityInput {
    /// Privacy settings.
    pub privacy: Option<UpdateVirtualContributorSettingsPrivacyInput>,
}

/// New settings for a virtual contributor.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorSettingsInput {
    /// Which one.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: UuidScalar,
    /// The settings.
    pub settings: UpdateVirtualContributorSettingsEntityInput,
}

/// Platform settings to set.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorPlatformSettingsEntityInput {
    /// Whether its prompt graph may be edited.
    pub prompt_graph_editing_enabled: bool,
}

/// New platform settings for a virtual contributor.
#[derive(Debug, InputObject)]
pub struct UpdateVirtualContributorPlatformSettingsInput {
    /// Which one.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: UuidScalar,
    /// The settings.
    pub settings: UpdateVirtualContributorPlatformSettingsEntityInput,
}

/// The virtual contributor to delete.
#[derive(Debug, InputObject)]
pub struct DeleteVirtualContributorInput {
    /// Which one.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A prompt graph: nodes (prompts) joined by edges, from a start to an end, over a state.
#[derive(
    Debug, Clone, Default, SimpleObject, InputObject, serde::Serialize, serde::Deserialize,
)]
#[graphql(input_name = "PromptGraphInput")]
pub struct PromptGraph {
    /// Its edges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edges: Option<Vec<PromptGraphEdge>>,
    /// Its last node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Its nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<PromptGraphNode>>,
    /// Its first node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The data it carries from node to node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PromptGraphDataStruct>,
}

/// An edge of a prompt graph.
#[derive(Debug, Clone, SimpleObject, InputObject, serde::Serialize, serde::Deserialize)]
#[graphql(input_name = "PromptGraphEdgeInput")]
pub struct PromptGraphEdge {
    /// Where it starts.
    #[serde(default)]
    pub from: Option<String>,
    /// Where it ends.
    #[serde(default)]
    pub to: Option<String>,
}

/// A node of a prompt graph.
#[derive(Debug, Clone, SimpleObject, InputObject, serde::Serialize, serde::Deserialize)]
#[graphql(input_name = "PromptGraphNodeInput")]
pub struct PromptGraphNode {
    /// The variables its prompt takes.
    #[graphql(name = "input_variables")]
    #[serde(default)]
    pub input_variables: Option<Vec<String>>,
    /// Its name.
    pub name: String,
    /// What it produces.
    #[serde(default)]
    pub output: Option<PromptGraphDataStruct>,
    /// Its prompt.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Whether it is a system node.
    #[serde(default)]
    pub system: bool,
}

/// A data structure of a prompt graph.
#[derive(Debug, Clone, SimpleObject, InputObject, serde::Serialize, serde::Deserialize)]
#[graphql(input_name = "PromptGraphDataStructInput")]
pub struct PromptGraphDataStruct {
    /// Its fields.
    #[serde(default)]
    pub properties: Option<Vec<PromptGraphDataPoint>>,
    /// Its title.
    #[serde(default)]
    pub title: Option<String>,
    /// Its type.
    #[serde(default, rename = "type")]
    #[graphql(name = "type")]
    pub kind: Option<String>,
}

/// A field of a prompt graph data structure.
#[derive(Debug, Clone, SimpleObject, InputObject, serde::Serialize, serde::Deserialize)]
#[graphql(input_name = "PromptGraphDataPointInput")]
pub struct PromptGraphDataPoint {
    /// What it holds.
    #[serde(default)]
    pub description: Option<String>,
    /// The structure of its items (for a list).
    #[serde(default)]
    pub items: Option<Box<PromptGraphDataStruct>>,
    /// Its name.
    pub name: String,
    /// Whether it may be absent.
    #[serde(default)]
    pub optional: Option<bool>,
    /// Its type.
    #[serde(default, rename = "type")]
    #[graphql(name = "type")]
    pub kind: Option<String>,
}

/// Changes to an AI persona.
#[derive(Debug, InputObject)]
pub struct UpdateAiPersonaInput {
    /// Which one.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// A new engine.
    pub engine: Option<AiPersonaEngine>,
    /// Configuration over the current one.
    pub external_config: Option<ExternalConfigInput>,
    /// New prompt lines.
    pub prompt: Option<Vec<String>>,
    /// Parts of the prompt graph to replace (null clears it).
    pub prompt_graph: async_graphql::MaybeUndefined<PromptGraph>,
}

/// The virtual contributor whose knowledge to refresh.
#[derive(Debug, InputObject)]
pub struct RefreshVirtualContributorBodyOfKnowledgeInput {
    /// Which one.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: UuidScalar,
}

/// A part for a virtual contributor to play on the platform.
#[derive(Debug, InputObject)]
pub struct SetPlatformWellKnownVirtualContributorInput {
    /// The part.
    pub well_known: WellKnownPart,
    /// Who plays it.
    #[graphql(name = "virtualContributorID")]
    pub virtual_contributor_id: UuidScalar,
}

/// Virtual contributor mutations.
#[derive(Debug, Default)]
pub struct VirtualContributorMutation;

#[Object]
impl VirtualContributorMutation {
    /// Creates a virtual contributor on an account (needs CREATE_VIRTUAL on the account and a
    /// free virtual contributor in its license).
    async fn create_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        virtual_contributor_data: CreateVirtualContributorOnAccountInput,
    ) -> Result<VirtualContributor> {
        let input = virtual_contributor_data;
        let (profile, avatar_uri) = input.profile_data.into_new_profile()?;
        let (knowledge_base_profile, knowledge_callouts) = match input.knowledge_base_data {
            Some(kb) => {
                let mut callouts = Vec::new();
                for c in kb
                    .callouts_set_data
                    .and_then(|s| s.callouts_data)
                    .unwrap_or_default()
                {
                    callouts.push(c.into_new()?);
                }
                (Some(kb.profile.into_new_profile()?.0), callouts)
            }
            None => (None, Vec::new()),
        };
        let account = ActorId(input.account_id.0);
        let new = NewVirtualContributor {
            account,
            name_id: input.name_id.map(|n| n.as_str().to_owned()),
            profile,
            avatar_uri,
            engine: input.ai_persona.engine.unwrap_or(AiPersonaEngine::Expert),
            prompt: input.ai_persona.prompt.unwrap_or_default(),
            external_config: input.ai_persona.external_config.map(Into::into),
            knowledge_base_profile,
            body_of_knowledge_type: input
                .body_of_knowledge_type
                .unwrap_or(BodyOfKnowledgeType::AlkemioSpace),
            body_of_knowledge_id: input.body_of_knowledge_id,
            body_of_knowledge_description: input.body_of_knowledge_description,
            data_access_mode: input
                .data_access_mode
                .unwrap_or(DataAccessMode::SpaceProfileAndContents),
            interaction_modes: input
                .interaction_modes
                .unwrap_or_else(|| vec![InteractionMode::DiscussionTagging]),
        };
        let spaces = account_spaces(ctx, Some(account)).await?;
        let vc = service(ctx)?.create(&actor(ctx), new, &spaces).await?;
        // the callouts its knowledge base starts with, created by its creator
        let set = match vc.knowledge_base_id {
            Some(kb) => service(ctx)?
                .knowledge_bases(&[kb])
                .await?
                .remove(&kb)
                .and_then(|k| k.callouts_set_id),
            None => None,
        };
        if let Some(set) = set
            && !knowledge_callouts.is_empty()
        {
            let host = crate::collaboration::host_of_set(ctx, set).await?;
            let collaborations = data::<alkemio_collaboration::CollaborationService>(ctx)?;
            for c in knowledge_callouts.into_iter().rev() {
                collaborations
                    .create_callout(&actor(ctx), set, c, &host)
                    .await?;
            }
        }
        Ok(VirtualContributor(vc))
    }

    /// Changes a virtual contributor (needs UPDATE on it).
    async fn update_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        virtual_contributor_data: UpdateVirtualContributorInput,
    ) -> Result<VirtualContributor> {
        let input = virtual_contributor_data;
        let s = service(ctx)?;
        let current = s.get(input.id.0).await?;
        let spaces = account_spaces(ctx, current.account_id).await?;
        let change = VirtualContributorUpdate {
            name_id: input.name_id.map(|n| n.as_str().to_owned()),
            profile: input.profile_data.map(Into::into),
            knowledge_base_profile: input
                .knowledge_base_data
                .and_then(|k| k.profile)
                .map(Into::into),
            listed_in_store: input.listed_in_store,
            search_visibility: input.search_visibility,
            body_of_knowledge_type: input.body_of_knowledge_type,
            body_of_knowledge_description: input.body_of_knowledge_description,
            data_access_mode: input.data_access_mode,
            interaction_modes: input.interaction_modes,
        };
        Ok(VirtualContributor(
            s.update(&actor(ctx), input.id.0, change, &spaces).await?,
        ))
    }

    /// Changes a virtual contributor's settings (needs UPDATE on it).
    async fn update_virtual_contributor_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdateVirtualContributorSettingsInput,
    ) -> Result<VirtualContributor> {
        let s = service(ctx)?;
        let id = settings_data.virtual_contributor_id.0;
        let current = s.get(id).await?;
        let spaces = account_spaces(ctx, current.account_id).await?;
        let visible = settings_data
            .settings
            .privacy
            .map(|p| p.knowledge_base_content_visible);
        Ok(VirtualContributor(
            s.update_settings(&actor(ctx), id, visible, &spaces).await?,
        ))
    }

    /// Changes a virtual contributor's platform settings (needs PLATFORM_ADMIN on it).
    async fn update_virtual_contributor_platform_settings(
        &self,
        ctx: &Context<'_>,
        settings_data: UpdateVirtualContributorPlatformSettingsInput,
    ) -> Result<VirtualContributor> {
        Ok(VirtualContributor(
            service(ctx)?
                .update_platform_settings(
                    &actor(ctx),
                    settings_data.virtual_contributor_id.0,
                    settings_data.settings.prompt_graph_editing_enabled,
                )
                .await?,
        ))
    }

    /// Deletes a virtual contributor with its persona, knowledge base and profile (needs
    /// DELETE on it).
    async fn delete_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteVirtualContributorInput,
    ) -> Result<VirtualContributor> {
        let deleted = service(ctx)?.delete(&actor(ctx), delete_data.id.0).await?;
        data::<alkemio_platform::PlatformService>(ctx)?
            .forget_well_known_virtual_contributors(&[deleted.id.0])
            .await?;
        Ok(VirtualContributor(deleted))
    }

    /// Asks the AI engines to ingest a virtual contributor's body of knowledge again (needs
    /// UPDATE on it); false when there is nothing to ingest or no way to the engines.
    async fn refresh_virtual_contributor_body_of_knowledge(
        &self,
        ctx: &Context<'_>,
        refresh_data: RefreshVirtualContributorBodyOfKnowledgeInput,
    ) -> Result<bool> {
        Ok(service(ctx)?
            .refresh_body_of_knowledge(&actor(ctx), refresh_data.virtual_contributor_id.0)
            .await?)
    }

    /// Changes an AI persona: engine, prompt, external configuration, prompt graph (needs
    /// UPDATE on it: its virtual contributor's managers).
    async fn ai_server_update_ai_persona(
        &self,
        ctx: &Context<'_>,
        ai_persona_data: UpdateAiPersonaInput,
    ) -> Result<AiPersona> {
        let d = ai_persona_data;
        let prompt_graph = match d.prompt_graph {
            async_graphql::MaybeUndefined::Undefined => None,
            async_graphql::MaybeUndefined::Null => Some(PromptGraphChange::Clear),
            async_graphql::MaybeUndefined::Value(g) => {
                match serde_json::to_value(g).map_err(|e| {
                    AppError::internal_msg(format_args!("encoding a prompt graph: {e}"))
                })? {
                    serde_json::Value::Object(parts) => Some(PromptGraphChange::Merge(parts)),
                    _ => None,
                }
            }
        };
        let change = PersonaUpdate {
            engine: d.engine,
            prompt: d.prompt,
            external_config: d.external_config.map(Into::into),
            prompt_graph,
        };
        Ok(AiPersona(
            service(ctx)?
                .update_persona(&actor(ctx), d.id.0, change)
                .await?,
        ))
    }

    /// Asks the AI engines to ingest every virtual contributor's body of knowledge again (needs
    /// PLATFORM_OPERATIONS_ADMIN on the platform); false without a way to the engines.
    async fn refresh_all_bodies_of_knowledge(&self, ctx: &Context<'_>) -> Result<bool> {
        require_on_platform(
            ctx,
            P::PlatformOperationsAdmin,
            "refresh all bodies of knowledge",
        )
        .await?;
        Ok(service(ctx)?.refresh_all_bodies_of_knowledge().await?)
    }

    /// Makes a virtual contributor play a well-known part on the platform (needs
    /// PLATFORM_ADMIN on the platform); the virtual contributor must exist.
    async fn set_platform_well_known_virtual_contributor(
        &self,
        ctx: &Context<'_>,
        mapping_data: SetPlatformWellKnownVirtualContributorInput,
    ) -> Result<PlatformWellKnownVirtualContributors> {
        require_on_platform(
            ctx,
            P::PlatformAdmin,
            &format!(
                "set Platform well-known Virtual Contributor: {}",
                actor(ctx).actor_id()
            ),
        )
        .await?;
        let vc = service(ctx)?
            .get(mapping_data.virtual_contributor_id.0)
            .await?;
        let stored = data::<alkemio_platform::PlatformService>(ctx)?
            .set_well_known_virtual_contributor(
                &actor(ctx),
                mapping_data.well_known.as_str(),
                vc.id.0,
            )
            .await?;
        Ok(mappings(stored))
    }
}

/// A virtual contributor that changed.
#[derive(SimpleObject)]
pub struct VirtualContributorUpdatedSubscriptionResult {
    /// It, as it is now.
    pub virtual_contributor: VirtualContributor,
}

/// Live virtual contributor events.
#[derive(Debug, Default)]
pub struct VirtualContributorLiveEvents;

#[async_graphql::Subscription]
impl VirtualContributorLiveEvents {
    /// A virtual contributor's knowledge ingested (or lost) from now on, as it is then (needs
    /// READ on it).
    async fn virtual_contributor_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "virtualContributorID")] id: UuidScalar,
    ) -> Result<impl futures_util::Stream<Item = VirtualContributorUpdatedSubscriptionResult> + use<>>
    {
        let svc = service(ctx)?.clone();
        let vc = svc.get(id.0).await?;
        require_on(
            ctx,
            vc.authorization_id,
            P::Read,
            &format!("subscribe to virtual contributor: {}", vc.id),
        )
        .await?;
        let access = crate::authorization::LiveAccess::from_ctx(ctx)?;
        let rx = svc.updates();
        let wanted = id.0;
        Ok(futures_util::stream::unfold(
            (rx, svc, access),
            move |(mut rx, svc, access)| async move {
                loop {
                    match rx.recv().await {
                        Ok(changed) if changed == wanted => {
                            let Ok(vc) = svc.get(wanted).await else {
                                return None;
                            };
                            if !access.may(vc.authorization_id, P::Read).await {
                                return None;
                            }
                            return Some((
                                VirtualContributorUpdatedSubscriptionResult {
                                    virtual_contributor: VirtualContributor(vc),
                                },
                                (rx, svc, access),
                            ));
                        }
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}
