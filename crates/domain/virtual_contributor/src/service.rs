//! Virtual contributor use cases: creation on an account (privilege and entitlement), changes,
//! settings, deletion, transfer, reads, and the policies of a virtual contributor and its
//! persona, profile and knowledge base.

use std::collections::HashMap;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    Credential, CredentialRule, CredentialType as C, PrivilegeRule, root_policy,
};
use alkemio_collaboration::CollaborationService;
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_contributor::{Actor, ActorType, UserService, name_id};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_library::SearchVisibility;
use alkemio_licensing::LicenseEntitlementType;
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::model::{
    AiPersona, AiPersonaEngine, BodyOfKnowledgeType, DataAccessMode, InteractionMode,
    KnowledgeBase, VirtualContributor, VirtualContributorSettings,
};
use crate::repo;

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Who reads a virtual contributor beyond its managers: everyone (PUBLIC), the members of its
/// account's L0 spaces (ACCOUNT) or nobody (HIDDEN).
fn visibility_readers(vc: &VirtualContributor, account_spaces: &[Uuid]) -> Vec<Credential> {
    match vc.search_visibility {
        SearchVisibility::Public => vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        SearchVisibility::Account => account_spaces
            .iter()
            .map(|s| Credential::new(C::SpaceMember, ActorId(*s)))
            .collect(),
        SearchVisibility::Hidden => Vec::new(),
    }
}

/// The base of a virtual contributor's policy: the platform's cascading rules, its account's
/// admins and global support managing it, global community readers reading it.
fn base_policy(policy: &mut AuthorizationPolicy, vc: &VirtualContributor) {
    policy.inherit_from(&root_policy());
    let mut rules = vec![
        CredentialRule::new(
            "credentialRuleTypes-virtualContributorPlatformSettings",
            vec![
                Credential::global(C::GlobalAdmin),
                Credential::global(C::GlobalSupport),
            ],
            &[P::PlatformAdmin],
        )
        .local(),
        CredentialRule::new(
            "credentialRuleTypes-vcGlobalCommunityRead",
            vec![Credential::global(C::GlobalCommunityRead)],
            &[P::Read],
        ),
        CredentialRule::new(
            "credentialRuleTypes-vcGlobalSupportManage",
            vec![Credential::global(C::GlobalSupport)],
            &[P::Create, P::Read, P::Update, P::Delete],
        ),
    ];
    if let Some(account) = vc.account_id {
        rules.insert(
            2,
            CredentialRule::new(
                "credentialRule-accountAdminManage",
                vec![Credential::new(C::AccountAdmin, account)],
                &[
                    P::Create,
                    P::Read,
                    P::Update,
                    P::Delete,
                    P::Contribute,
                    P::ReceiveNotifications,
                ],
            ),
        );
    }
    policy.add_credential_rules(rules);
}

/// The policies of a virtual contributor (first), its persona, its profile and its knowledge
/// base, computed from its settings; `account_spaces` are its account's L0 spaces.
pub fn compute_policies(
    vc: &VirtualContributor,
    persona: &AiPersona,
    kb: Option<&KnowledgeBase>,
    existing: &HashMap<Uuid, AuthorizationPolicy>,
    account_spaces: &[Uuid],
) -> (
    AuthorizationPolicy,
    AuthorizationPolicy,
    Option<AuthorizationPolicy>,
) {
    let load = |id: Option<Uuid>, ty| match id.and_then(|i| existing.get(&i)) {
        Some(p) => p.clone(),
        None => match id {
            Some(i) => AuthorizationPolicy::new(i, ty),
            None => auth_repo::new_policy(ty),
        },
    };
    let mut policy = load(
        vc.authorization_id,
        AuthorizationPolicyType::VirtualContributor,
    );
    base_policy(&mut policy, vc);
    let base = policy.clone();
    let readers = visibility_readers(vc, account_spaces);
    if !readers.is_empty() {
        policy.add_credential_rules([CredentialRule::new(
            "credentialRuleTypes-vcGlobalCommunityRead",
            readers.clone(),
            &[P::Read],
        )]);
    }
    policy.add_privilege_rules([PrivilegeRule::new(
        "policyRule-readAbout",
        P::Read,
        &[P::ReadAbout],
    )]);
    let mut persona_policy = load(persona.authorization_id, AuthorizationPolicyType::AiPersona);
    persona_policy.inherit_from(&policy);
    let kb_policy = kb.map(|kb| {
        let mut p = load(kb.authorization_id, AuthorizationPolicyType::KnowledgeBase);
        p.inherit_from(&base);
        if !readers.is_empty() {
            if vc.settings.knowledge_base_content_visible {
                p.add_credential_rules([CredentialRule::new(
                    "KnowledgeBase contents visible",
                    readers.clone(),
                    &[P::Read],
                )]);
            } else {
                p.add_credential_rules([CredentialRule::new(
                    "KnowledgeBase contents not visible",
                    readers.clone(),
                    &[P::ReadAbout],
                )
                .local()]);
            }
        }
        p.add_privilege_rules([PrivilegeRule::new(
            "policyRule-readAbout",
            P::Read,
            &[P::ReadAbout],
        )]);
        p
    });
    (policy, persona_policy, kb_policy)
}

/// The parent of a virtual contributor's profile: its policy with everyone reading.
pub fn profile_parent(policy: &AuthorizationPolicy) -> AuthorizationPolicy {
    let mut parent = policy.clone();
    parent.add_credential_rules([CredentialRule::new(
        "Anonymous agent granted 'read' anonymous registered access",
        vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        &[P::Read],
    )]);
    parent
}

/// A virtual contributor is reached in at least one way (its GraphQL `interactionModes` is
/// one mode, the first).
fn require_interaction_modes(modes: &[InteractionMode]) -> AppResult<()> {
    if modes.is_empty() {
        return Err(AppError::bad_input(
            "A Virtual Contributor needs at least one interaction mode",
        ));
    }
    Ok(())
}

/// A new virtual contributor as asked for.
#[derive(Debug, Clone)]
pub struct NewVirtualContributor {
    /// The account hosting it.
    pub account: ActorId,
    /// Its URL slug (generated from the display name when absent).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: NewProfile,
    /// An avatar address for its profile.
    pub avatar_uri: Option<String>,
    /// Its persona's engine.
    pub engine: AiPersonaEngine,
    /// Its persona's prompt.
    pub prompt: Vec<String>,
    /// Its persona's external engine configuration.
    pub external_config: Option<crate::model::ExternalConfig>,
    /// Its knowledge base's profile (a default one when absent).
    pub knowledge_base_profile: Option<NewProfile>,
    /// Where its knowledge comes from.
    pub body_of_knowledge_type: BodyOfKnowledgeType,
    /// The body of knowledge.
    pub body_of_knowledge_id: Option<String>,
    /// What the body of knowledge is about.
    pub body_of_knowledge_description: Option<String>,
    /// How much of a space it reads.
    pub data_access_mode: DataAccessMode,
    /// How people interact with it.
    pub interaction_modes: Vec<InteractionMode>,
}

/// What becomes of a persona's prompt graph.
#[derive(Debug, Clone)]
pub enum PromptGraphChange {
    /// It goes.
    Clear,
    /// These parts of it (the engines' JSON: `nodes`, `edges`, `start`, `end`, `state`)
    /// replace the ones it had; the others stay.
    Merge(serde_json::Map<String, serde_json::Value>),
}

/// Changes to a persona; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct PersonaUpdate {
    /// A new engine.
    pub engine: Option<AiPersonaEngine>,
    /// New prompt lines.
    pub prompt: Option<Vec<String>>,
    /// Configuration over the current one (a part given replaces that part).
    pub external_config: Option<crate::model::ExternalConfig>,
    /// The prompt graph.
    pub prompt_graph: Option<PromptGraphChange>,
}

/// Changes to a virtual contributor; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct VirtualContributorUpdate {
    /// New URL slug.
    pub name_id: Option<String>,
    /// Profile changes.
    pub profile: Option<ProfileUpdate>,
    /// Changes to the knowledge base's profile.
    pub knowledge_base_profile: Option<ProfileUpdate>,
    /// Store listing.
    pub listed_in_store: Option<bool>,
    /// Listing visibility.
    pub search_visibility: Option<SearchVisibility>,
    /// Kind of body of knowledge.
    pub body_of_knowledge_type: Option<BodyOfKnowledgeType>,
    /// What the body of knowledge is about.
    pub body_of_knowledge_description: Option<String>,
    /// How much of a space it reads.
    pub data_access_mode: Option<DataAccessMode>,
    /// How people interact with it.
    pub interaction_modes: Option<Vec<InteractionMode>>,
}

/// Virtual contributors.
#[derive(Debug, Clone)]
pub struct VirtualContributorService {
    db: Database,
    users: UserService,
    collaborations: CollaborationService,
    engines: crate::engines::EngineBus,
    updated: tokio::sync::broadcast::Sender<Uuid>,
    secrets: Option<std::sync::Arc<crate::secrets::SecretBox>>,
    history_length: usize,
}

impl VirtualContributorService {
    /// A service over accounts and callouts sets.
    pub fn new(db: Database, users: UserService, collaborations: CollaborationService) -> Self {
        Self {
            db,
            users,
            collaborations,
            engines: crate::engines::EngineBus::default(),
            updated: tokio::sync::broadcast::channel(64).0,
            secrets: None,
            history_length: 30,
        }
    }

    /// The same service, sealing persona secrets at rest with `secrets`.
    #[must_use]
    pub fn with_secrets(mut self, secrets: crate::secrets::SecretBox) -> Self {
        self.secrets = Some(std::sync::Arc::new(secrets));
        self
    }

    /// The same service, giving engines this many messages of a thread as history.
    #[must_use]
    pub fn with_history_length(mut self, messages: usize) -> Self {
        self.history_length = messages;
        self
    }

    /// A persona as stored: its external configuration's secrets sealed.
    fn seal(&self, persona: &AiPersona) -> AppResult<AiPersona> {
        let mut sealed = persona.clone();
        if let (Some(secrets), Some(c)) = (&self.secrets, &persona.external_config) {
            sealed.external_config = Some(secrets.seal_config(c)?);
        }
        Ok(sealed)
    }

    /// Personas by id, their secrets opened.
    async fn load_personas(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, AiPersona>> {
        let mut found = repo::personas(conn, ids).await?;
        if let Some(secrets) = &self.secrets {
            for p in found.values_mut() {
                if let Some(c) = &p.external_config {
                    p.external_config = Some(secrets.open_config(c)?);
                }
            }
        }
        Ok(found)
    }

    /// The virtual contributors whose knowledge changed from now on (in this process), by id.
    pub fn updates(&self) -> tokio::sync::broadcast::Receiver<Uuid> {
        self.updated.subscribe()
    }

    /// The same service, reaching the AI engines over `engines`.
    #[must_use]
    pub fn with_engines(mut self, engines: crate::engines::EngineBus) -> Self {
        self.engines = engines;
        self
    }

    /// `refreshVirtualContributorBodyOfKnowledge`: needs UPDATE on it. Asks the AI engines to
    /// ingest its body of knowledge again (the guidance engine: its fixed sites); false when
    /// there is nothing to ingest (NONE, OTHER) or no way to the engines (no broker).
    pub async fn refresh_body_of_knowledge(
        &self,
        caller: &ActorContext,
        id: Uuid,
    ) -> AppResult<bool> {
        let vc = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            vc.authorization_id,
            P::Update,
            &format!("refresh body of knowledge: {id}"),
        )
        .await?;
        let persona = repo::personas(self.db.conn(), &[vc.ai_persona_id])
            .await?
            .remove(&vc.ai_persona_id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Unable to find AiPersona with ID: {}",
                    vc.ai_persona_id
                ))
            })?;
        let requests = crate::engines::ingest_requests(&vc, &persona);
        if requests.is_empty() {
            return Ok(false);
        }
        if !self.engines.is_connected() {
            tracing::warn!(vc.id = %id, "no broker for the AI engines: body of knowledge not refreshed");
            return Ok(false);
        }
        self.engines.send(&requests).await?;
        tracing::info!(vc.id = %id, persona.id = %persona.id, "body of knowledge refresh requested");
        Ok(true)
    }

    /// Asks a virtual contributor for an answer to a message just sent: the one engaged in the
    /// message's thread, or else the first one the message mentions that the sender may read
    /// (which is then engaged there). Nothing happens without a way to the engines; a message
    /// of the virtual contributor itself asks nothing.
    pub async fn on_message(
        &self,
        caller: &ActorContext,
        rooms: &alkemio_communication::CommunicationService,
        message: &alkemio_communication::Message,
    ) -> AppResult<()> {
        use crate::invocation;
        if !self.engines.is_connected() {
            return Ok(());
        }
        let thread = invocation::thread_of(message);
        let interaction = match rooms.vc_interaction(message.room_id, &thread).await? {
            Some(i) => i,
            None => {
                let mut found = None;
                for name in invocation::mentioned(message) {
                    let Some(vc) = self.by_name_id(&name).await? else {
                        continue;
                    };
                    let readable = auth_repo::require(
                        self.db.conn(),
                        caller,
                        vc.authorization_id,
                        P::Read,
                        "mention a virtual contributor",
                    )
                    .await
                    .is_ok();
                    if readable {
                        found = Some(vc);
                        break;
                    }
                }
                let Some(vc) = found else {
                    return Ok(());
                };
                rooms.engage_vc(message.room_id, &thread, vc.id.0).await?
            }
        };
        if message.sender_id == interaction.virtual_contributor_id {
            return Ok(());
        }
        let Some(vc) = self
            .many(&[interaction.virtual_contributor_id])
            .await?
            .remove(&interaction.virtual_contributor_id)
        else {
            return Ok(());
        };
        let persona = self
            .load_personas(self.db.conn(), &[vc.ai_persona_id])
            .await?
            .remove(&vc.ai_persona_id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Unable to find AiPersona with ID: {}",
                    vc.ai_persona_id
                ))
            })?;
        let profile = match vc.profile_id {
            Some(p) => self.profiles().profiles(&[p]).await?.remove(&p),
            None => None,
        };
        let mut in_thread: Vec<alkemio_communication::Message> = rooms
            .messages(&[message.room_id])
            .await?
            .remove(&message.room_id)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.id == thread || m.thread_id.as_deref() == Some(thread.as_str()))
            .collect();
        in_thread.sort_by_key(|m| m.created_us);
        let request = invocation::invoke_engine(&invocation::Invocation {
            vc: &vc,
            persona: &persona,
            display_name: profile.as_ref().map_or("", |p| p.display_name.as_str()),
            description: profile.as_ref().and_then(|p| p.description.as_deref()),
            interaction: &interaction,
            message,
            thread: &in_thread,
            history_length: self.history_length,
        });
        self.engines.send(&[request]).await?;
        tracing::info!(vc.id = %vc.id, room.id = %message.room_id, "virtual contributor asked");
        Ok(())
    }

    /// Posts an engine's answer (a message of the bus) as the virtual contributor's reply in
    /// its thread; anything else is logged and dropped.
    pub async fn engine_answer(
        &self,
        rooms: &alkemio_communication::CommunicationService,
        body: &[u8],
    ) -> AppResult<()> {
        let Some(answer) = crate::invocation::read_answer(body) else {
            tracing::debug!("engine result without a reply to post");
            return Ok(());
        };
        crate::invocation::post_answer(rooms, &answer).await?;
        Ok(())
    }

    /// `aiServerUpdateAiPersona`: needs UPDATE on the persona (its virtual contributor's
    /// managers).
    pub async fn update_persona(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: PersonaUpdate,
    ) -> AppResult<AiPersona> {
        let conn = self.db.conn();
        let mut persona = self
            .load_personas(conn, &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                AppError::not_found(format!("Unable to find AiPersona with ID: {id}"))
            })?;
        auth_repo::require(
            conn,
            caller,
            persona.authorization_id,
            P::Update,
            &format!("update ai persona: {id}"),
        )
        .await?;
        if let Some(e) = change.engine {
            persona.engine = e;
        }
        if let Some(p) = change.prompt {
            persona.prompt = p;
        }
        if let Some(c) = change.external_config {
            let mut merged = persona.external_config.take().unwrap_or_default();
            if c.api_key.is_some() {
                merged.api_key = c.api_key;
            }
            if c.assistant_id.is_some() {
                merged.assistant_id = c.assistant_id;
            }
            if c.model.is_some() {
                merged.model = c.model;
            }
            persona.external_config = Some(merged);
        }
        match change.prompt_graph {
            Some(PromptGraphChange::Clear) => persona.prompt_graph = None,
            Some(PromptGraphChange::Merge(parts)) => {
                let mut graph = match persona.prompt_graph.take() {
                    Some(serde_json::Value::Object(m)) => m,
                    _ => serde_json::Map::new(),
                };
                graph.extend(parts);
                persona.prompt_graph = Some(serde_json::Value::Object(graph));
            }
            None => {}
        }
        persona.updated_date = now();
        repo::update_persona(conn, &self.seal(&persona)?).await?;
        Ok(persona)
    }

    /// `refreshAllBodiesOfKnowledge` (the caller checked PLATFORM_OPERATIONS_ADMIN on the
    /// platform): asks the engines to ingest every virtual contributor's body of knowledge
    /// again; one that cannot be asked is logged and the others go on. False without a way to
    /// the engines.
    pub async fn refresh_all_bodies_of_knowledge(&self) -> AppResult<bool> {
        if !self.engines.is_connected() {
            return Ok(false);
        }
        let all = self.all().await?;
        let personas = self
            .personas(&all.iter().map(|v| v.ai_persona_id).collect::<Vec<_>>())
            .await?;
        for vc in &all {
            let Some(persona) = personas.get(&vc.ai_persona_id) else {
                tracing::warn!(vc.id = %vc.id, "virtual contributor without persona not refreshed");
                continue;
            };
            let requests = crate::engines::ingest_requests(vc, persona);
            if requests.is_empty() {
                continue;
            }
            if let Err(e) = self.engines.send(&requests).await {
                tracing::error!(vc.id = %vc.id, error = ?e, "body of knowledge not refreshed");
            }
        }
        Ok(true)
    }

    /// Records an ingest result from the AI engines (a message of the bus); a message that says
    /// nothing about a persona of ours is logged and dropped.
    pub async fn ingest_result(&self, body: &[u8], website: bool) -> AppResult<()> {
        let (persona, at) = match crate::engines::read_result(body, website) {
            Some(crate::engines::IngestOutcome::Ingested(p, at)) => (p, Some(at)),
            Some(crate::engines::IngestOutcome::Lost(p)) => (p, None),
            None => {
                tracing::debug!("ingest result without news about a persona");
                return Ok(());
            }
        };
        if !repo::set_persona_last_updated(self.db.conn(), persona, at).await? {
            tracing::warn!(persona.id = %persona, "ingest result for an unknown persona");
            return Ok(());
        }
        for vc in repo::by_persona(self.db.conn(), persona).await? {
            // Nobody listening is not an error.
            let _ = self.updated.send(vc);
        }
        Ok(())
    }

    fn profiles(&self) -> &ProfileService {
        self.users.profiles()
    }

    // ---- reads ----

    /// A virtual contributor, or ENTITY_NOT_FOUND.
    pub async fn get(&self, id: Uuid) -> AppResult<VirtualContributor> {
        repo::find_many(self.db.conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Unable to find Virtual with ID: {id}")))
    }

    /// Virtual contributors by id.
    pub async fn many(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, VirtualContributor>> {
        repo::find_many(self.db.conn(), ids).await
    }

    /// A virtual contributor by NameID.
    pub async fn by_name_id(&self, name_id: &str) -> AppResult<Option<VirtualContributor>> {
        let conn = self.db.conn();
        match alkemio_contributor::repo::actor_id_by_name_id(
            conn,
            ActorType::VirtualContributor,
            name_id,
        )
        .await?
        {
            Some(id) => Ok(repo::find_many(conn, &[id.0]).await?.remove(&id.0)),
            None => Ok(None),
        }
    }

    /// The virtual contributors of some accounts, oldest first.
    pub async fn of_accounts(&self, accounts: &[Uuid]) -> AppResult<Vec<VirtualContributor>> {
        repo::of_accounts(self.db.conn(), accounts).await
    }

    /// The virtual contributors the library lists: offered in the store and public.
    pub async fn listed(&self) -> AppResult<Vec<VirtualContributor>> {
        let mut all = repo::all(self.db.conn()).await?;
        all.retain(|v| v.listed_in_store && v.search_visibility == SearchVisibility::Public);
        Ok(all)
    }

    /// Every virtual contributor, oldest first.
    pub async fn all(&self) -> AppResult<Vec<VirtualContributor>> {
        repo::all(self.db.conn()).await
    }

    /// The virtual contributors holding any credential of these types, or all of them;
    /// oldest first.
    pub async fn list(
        &self,
        credential_types: Option<&[&str]>,
    ) -> AppResult<Vec<VirtualContributor>> {
        let conn = self.db.conn();
        let mut all = repo::all(conn).await?;
        if let Some(types) = credential_types {
            let holders: std::collections::HashSet<ActorId> =
                alkemio_contributor::repo::holders_of_types(conn, types)
                    .await?
                    .into_iter()
                    .collect();
            all.retain(|v| holders.contains(&v.id));
        }
        Ok(all)
    }

    /// Personas by id.
    pub async fn personas(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, AiPersona>> {
        self.load_personas(self.db.conn(), ids).await
    }

    /// Knowledge bases by id.
    pub async fn knowledge_bases(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, KnowledgeBase>> {
        repo::knowledge_bases(self.db.conn(), ids).await
    }

    /// Checks curated identifiers (an innovation hub's list): no duplicates, all known.
    pub async fn check_known(&self, ids: &[Uuid]) -> AppResult<()> {
        let mut seen = std::collections::HashSet::new();
        if ids.iter().any(|id| !seen.insert(*id)) {
            return Err(AppError::bad_input(
                "Duplicate Virtual Contributor identifiers provided for the Innovation Hub curated list",
            ));
        }
        let found = self.many(ids).await?;
        if ids.iter().any(|id| !found.contains_key(id)) {
            return Err(AppError::bad_input(
                "Virtual Contributors not found for identifiers provided for the Innovation Hub curated list",
            ));
        }
        Ok(())
    }

    // ---- mutations ----

    /// `createVirtualContributor`: needs CREATE_VIRTUAL on the account and, unless the caller
    /// is a platform admin there, a free virtual contributor in the account's license. A new
    /// one is listed in the store but visible only on its account until made public; its
    /// knowledge base starts empty. `account_spaces` are the account's L0 spaces.
    pub async fn create(
        &self,
        caller: &ActorContext,
        new: NewVirtualContributor,
        account_spaces: &[Uuid],
    ) -> AppResult<VirtualContributor> {
        require_interaction_modes(&new.interaction_modes)?;
        let account = self.users.account_or_fail(new.account).await?;
        let conn = self.db.conn();
        let used = repo::of_accounts(conn, &[account.id.0]).await?.len();
        alkemio_contributor::account::require_to_create_on(
            conn,
            caller,
            &account,
            P::CreateVirtual,
            LicenseEntitlementType::AccountVirtualContributor,
            used,
        )
        .await?;
        let name_id = match new.name_id {
            Some(n) => {
                let n = n.to_lowercase();
                if alkemio_contributor::repo::actor_id_by_name_id(
                    conn,
                    ActorType::VirtualContributor,
                    &n,
                )
                .await?
                .is_some()
                {
                    return Err(AppError::bad_input(format!(
                        "Virtual: the provided nameID is already taken: {n}"
                    )));
                }
                n
            }
            None => {
                let prefix = name_id::generate(&new.profile.display_name);
                let taken = alkemio_contributor::repo::name_ids_with_prefix(
                    conn,
                    ActorType::VirtualContributor,
                    &prefix,
                )
                .await?;
                name_id::generate_unique(&new.profile.display_name, |n| {
                    taken.iter().any(|t| t == n)
                })
            }
        };
        let at = now();
        let id = ActorId(Uuid::now_v7());
        let persona = AiPersona {
            id: Uuid::now_v7(),
            engine: new.engine,
            prompt: new.prompt,
            external_config: new.external_config,
            body_of_knowledge_last_updated: None,
            prompt_graph: None,
            authorization_id: Some(Uuid::now_v7()),
            created_date: at,
            updated_date: at,
        };
        let mut kb = KnowledgeBase {
            id: Uuid::now_v7(),
            profile_id: None,
            callouts_set_id: None,
            authorization_id: Some(Uuid::now_v7()),
            created_date: at,
            updated_date: at,
        };
        let mut vc = VirtualContributor {
            id,
            name_id: name_id.clone(),
            account_id: Some(account.id),
            settings: VirtualContributorSettings::default(),
            prompt_graph_editing_enabled: false,
            ai_persona_id: persona.id,
            body_of_knowledge_id: new.body_of_knowledge_id,
            body_of_knowledge_type: new.body_of_knowledge_type,
            body_of_knowledge_description: new.body_of_knowledge_description,
            listed_in_store: true,
            search_visibility: SearchVisibility::Account,
            data_access_mode: new.data_access_mode,
            interaction_modes: new.interaction_modes,
            knowledge_base_id: Some(kb.id),
            profile_id: None,
            authorization_id: Some(Uuid::now_v7()),
            created_date: at,
            updated_date: at,
        };
        if vc.body_of_knowledge_type == BodyOfKnowledgeType::AlkemioKnowledgeBase {
            vc.body_of_knowledge_id = Some(kb.id.to_string());
        }
        let (policy, persona_policy, kb_policy) =
            compute_policies(&vc, &persona, Some(&kb), &HashMap::new(), account_spaces);
        let kb_policy = kb_policy.ok_or_else(|| AppError::internal_msg("knowledge base policy"))?;
        // its profile
        let mut profile = new.profile;
        for default in ["keywords", "capabilities"] {
            if !profile.tagsets.iter().any(|t| t.name == default) {
                profile.tagsets.push(NewTagset {
                    name: default.to_owned(),
                    tags: Vec::new(),
                });
            }
        }
        profile.visuals = vec![VisualType::Avatar];
        let mut bundle = self.profiles().build(
            profile,
            ProfileType::VirtualContributor,
            &profile_parent(&policy),
            account.storage_aggregator_id,
        )?;
        if let Some(uri) = new
            .avatar_uri
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            && let Some(avatar) = bundle
                .visuals
                .iter_mut()
                .find(|v| v.name == VisualType::Avatar)
        {
            avatar.uri = uri;
        }
        vc.profile_id = Some(bundle.profile.id);
        // its knowledge base: a profile and an (empty) callouts set
        let mut kb_profile = new.knowledge_base_profile.unwrap_or_default();
        if kb_profile.display_name.trim().is_empty() {
            "Knowledge Base".clone_into(&mut kb_profile.display_name);
        }
        if !kb_profile.tagsets.iter().any(|t| t.name == "default") {
            kb_profile.tagsets.push(NewTagset {
                name: "default".to_owned(),
                tags: Vec::new(),
            });
        }
        let kb_bundle = self.profiles().build(
            kb_profile,
            ProfileType::KnowledgeBase,
            &kb_policy,
            account.storage_aggregator_id,
        )?;
        kb.profile_id = Some(kb_bundle.profile.id);
        let (set, set_policy) = self.collaborations.build_knowledge_base_set(&kb_policy);
        kb.callouts_set_id = Some(set.id);

        let txn = self.db.begin().await?;
        alkemio_contributor::repo::insert_actor(
            &txn,
            &Actor {
                id,
                actor_type: ActorType::VirtualContributor,
                name_id,
                profile_id: vc.profile_id,
                storage_aggregator_id: None,
                authorization_id: None,
                created_date: at,
                updated_date: at,
            },
        )
        .await?;
        alkemio_contributor::repo::set_actor_authorization_id(&txn, id, policy.id).await?;
        self.profiles().insert_in(&txn, &bundle).await?;
        self.profiles().insert_in(&txn, &kb_bundle).await?;
        self.collaborations
            .insert_standalone_set_in(&txn, &set)
            .await?;
        repo::insert_persona(&txn, &self.seal(&persona)?).await?;
        repo::insert_knowledge_base(&txn, &kb).await?;
        repo::insert(&txn, &vc).await?;
        auth_repo::save_all(&txn, &[policy, persona_policy, kb_policy, set_policy]).await?;
        txn.commit().await?;
        tracing::info!(vc.id = %vc.id, vc.name_id = %vc.name_id, "virtual contributor created");
        Ok(vc)
    }

    /// Where the files of a knowledge base's callouts go: with its virtual contributor's
    /// account; none when no knowledge base has this set.
    pub async fn account_aggregator_of_set(&self, set: Uuid) -> AppResult<Option<Uuid>> {
        let Some(vc) = repo::by_knowledge_base_set(self.db.conn(), set).await? else {
            return Ok(None);
        };
        let Some(account) = self.get(vc).await?.account_id else {
            return Ok(None);
        };
        Ok(self
            .users
            .account(account)
            .await?
            .and_then(|a| a.storage_aggregator_id))
    }

    /// Recomputes and stores the policies of an account's virtual contributors (an account's
    /// authorization reset); `account_spaces` are the account's L0 spaces.
    pub async fn reset_authorization_of_account(
        &self,
        account: ActorId,
        account_spaces: &[Uuid],
    ) -> AppResult<usize> {
        let txn = self.db.begin().await?;
        let vcs = repo::of_accounts(&txn, &[account.0]).await?;
        for vc in &vcs {
            self.recompute_policies_in(&txn, vc, account_spaces).await?;
        }
        txn.commit().await?;
        Ok(vcs.len())
    }

    /// Recomputes and stores the policies of a virtual contributor and its parts.
    pub async fn recompute_policies_in(
        &self,
        conn: &impl ConnectionTrait,
        vc: &VirtualContributor,
        account_spaces: &[Uuid],
    ) -> AppResult<()> {
        let persona = repo::personas(conn, &[vc.ai_persona_id])
            .await?
            .remove(&vc.ai_persona_id)
            .ok_or_else(|| {
                AppError::not_found(format!("Unable to load entities for VC {}", vc.id))
            })?;
        let kb = match vc.knowledge_base_id {
            Some(k) => repo::knowledge_bases(conn, &[k]).await?.remove(&k),
            None => None,
        };
        let ids: Vec<Uuid> = [
            vc.authorization_id,
            persona.authorization_id,
            kb.and_then(|k| k.authorization_id),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut existing = HashMap::new();
        for id in ids {
            if let Some(stored) = auth_repo::load(conn, id).await? {
                existing.insert(id, stored.policy);
            }
        }
        let (policy, persona_policy, kb_policy) =
            compute_policies(vc, &persona, kb.as_ref(), &existing, account_spaces);
        let mut all = Vec::new();
        if let Some(profile) = vc.profile_id {
            all.extend(
                self.profiles()
                    .recompute_policies(conn, profile, &profile_parent(&policy))
                    .await?,
            );
        }
        if let (Some(kb), Some(kb_policy)) = (kb, kb_policy) {
            if let Some(profile) = kb.profile_id {
                all.extend(
                    self.profiles()
                        .recompute_policies(conn, profile, &kb_policy)
                        .await?,
                );
            }
            if let Some(set) = kb.callouts_set_id {
                all.extend(
                    self.collaborations
                        .standalone_set_policies(conn, set, &kb_policy)
                        .await?,
                );
            }
            all.push(kb_policy);
        }
        if vc.authorization_id != Some(policy.id) {
            alkemio_contributor::repo::set_actor_authorization_id(conn, vc.id, policy.id).await?;
        }
        all.push(policy);
        all.push(persona_policy);
        auth_repo::save_all(conn, &all).await
    }

    /// `updateVirtualContributor`: needs UPDATE on it; its policies follow a new visibility.
    pub async fn update(
        &self,
        caller: &ActorContext,
        id: Uuid,
        change: VirtualContributorUpdate,
        account_spaces: &[Uuid],
    ) -> AppResult<VirtualContributor> {
        let mut vc = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            vc.authorization_id,
            P::Update,
            &format!("virtual contributor Update: {id}"),
        )
        .await?;
        let conn = self.db.conn();
        if let Some(n) = change.name_id
            && !n.eq_ignore_ascii_case(&vc.name_id)
        {
            if alkemio_contributor::repo::actor_id_by_name_id(
                conn,
                ActorType::VirtualContributor,
                &n,
            )
            .await?
            .is_some()
            {
                return Err(AppError::bad_input(format!(
                    "Virtual: the provided nameID is already taken: {n}"
                )));
            }
            vc.name_id = n;
        }
        if let Some(l) = change.listed_in_store {
            vc.listed_in_store = l;
        }
        if let Some(s) = change.search_visibility {
            vc.search_visibility = s;
        }
        if let Some(t) = change.body_of_knowledge_type {
            vc.body_of_knowledge_type = t;
        }
        if let Some(d) = change.body_of_knowledge_description {
            vc.body_of_knowledge_description = Some(d);
        }
        if let Some(m) = change.data_access_mode {
            vc.data_access_mode = m;
        }
        if let Some(m) = change.interaction_modes {
            require_interaction_modes(&m)?;
            vc.interaction_modes = m;
        }
        let prepared = match (change.profile, vc.profile_id) {
            (Some(p), Some(profile)) => Some(self.profiles().prepare_update(profile, p).await?),
            _ => None,
        };
        let kb_profile = match (change.knowledge_base_profile, vc.knowledge_base_id) {
            (Some(update), Some(kb)) => {
                match repo::knowledge_bases(conn, &[kb])
                    .await?
                    .remove(&kb)
                    .and_then(|k| k.profile_id)
                {
                    Some(profile) => Some(self.profiles().prepare_update(profile, update).await?),
                    None => None,
                }
            }
            _ => None,
        };
        vc.updated_date = now();
        let txn = self.db.begin().await?;
        repo::update(&txn, &vc).await?;
        for p in prepared.iter().chain(kb_profile.iter()) {
            ProfileService::write_update(&txn, p).await?;
        }
        self.recompute_policies_in(&txn, &vc, account_spaces)
            .await?;
        txn.commit().await?;
        Ok(vc)
    }

    /// `updateVirtualContributorSettings`: needs UPDATE on it; its knowledge base's policy
    /// follows.
    pub async fn update_settings(
        &self,
        caller: &ActorContext,
        id: Uuid,
        knowledge_base_content_visible: Option<bool>,
        account_spaces: &[Uuid],
    ) -> AppResult<VirtualContributor> {
        let mut vc = self.get(id).await?;
        if vc.account_id.is_none() {
            return Err(AppError::not_found(format!(
                "Unable to load authorizing account for VC {id}"
            )));
        }
        auth_repo::require(
            self.db.conn(),
            caller,
            vc.authorization_id,
            P::Update,
            &format!("virtualContributor settings update: {id}"),
        )
        .await?;
        if let Some(v) = knowledge_base_content_visible {
            vc.settings.knowledge_base_content_visible = v;
        }
        vc.updated_date = now();
        let txn = self.db.begin().await?;
        repo::update(&txn, &vc).await?;
        self.recompute_policies_in(&txn, &vc, account_spaces)
            .await?;
        txn.commit().await?;
        Ok(vc)
    }

    /// `updateVirtualContributorPlatformSettings`: needs PLATFORM_ADMIN on it (global admins
    /// and support).
    pub async fn update_platform_settings(
        &self,
        caller: &ActorContext,
        id: Uuid,
        prompt_graph_editing_enabled: bool,
    ) -> AppResult<VirtualContributor> {
        let mut vc = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            vc.authorization_id,
            P::PlatformAdmin,
            &format!("virtualContributor platform settings update: {id}"),
        )
        .await?;
        vc.prompt_graph_editing_enabled = prompt_graph_editing_enabled;
        vc.updated_date = now();
        repo::update(self.db.conn(), &vc).await?;
        Ok(vc)
    }

    /// `deleteVirtualContributor`: needs DELETE on it; its profile, persona, knowledge base,
    /// credentials and actor go with it.
    pub async fn delete(&self, caller: &ActorContext, id: Uuid) -> AppResult<VirtualContributor> {
        let vc = self.get(id).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            vc.authorization_id,
            P::Delete,
            &format!("delete virtual contributor: {id}"),
        )
        .await?;
        let txn = self.db.begin().await?;
        let hashes = self.delete_in(&txn, &vc).await?;
        txn.commit().await?;
        self.profiles().storage().release_contents(&hashes).await?;
        self.users.actors().invalidate(vc.id).await?;
        Ok(vc)
    }

    async fn delete_in(
        &self,
        conn: &impl ConnectionTrait,
        vc: &VirtualContributor,
    ) -> AppResult<Vec<String>> {
        let mut policies: Vec<Uuid> = vc.authorization_id.into_iter().collect();
        let mut profiles: Vec<Uuid> = vc.profile_id.into_iter().collect();
        let mut set_contents = Vec::new();
        if let Some(persona) = repo::personas(conn, &[vc.ai_persona_id])
            .await?
            .remove(&vc.ai_persona_id)
        {
            policies.extend(persona.authorization_id);
            repo::delete_persona(conn, persona.id).await?;
        }
        if let Some(kb) = vc.knowledge_base_id
            && let Some(kb) = repo::knowledge_bases(conn, &[kb]).await?.remove(&kb)
        {
            policies.extend(kb.authorization_id);
            profiles.extend(kb.profile_id);
            if let Some(set) = kb.callouts_set_id {
                let (set_policies, set_hashes) = self
                    .collaborations
                    .delete_standalone_set_in(conn, set)
                    .await?;
                policies.extend(set_policies);
                set_contents.extend(set_hashes);
            }
            repo::delete_knowledge_base(conn, kb.id).await?;
        }
        let (profile_policies, mut hashes) = self
            .profiles()
            .delete_with_buckets_in(conn, &profiles)
            .await?;
        hashes.extend(set_contents);
        policies.extend(profile_policies);
        repo::delete(conn, vc.id).await?;
        alkemio_contributor::repo::delete_actor(conn, vc.id).await?;
        auth_repo::delete(conn, &policies).await?;
        Ok(hashes)
    }

    /// Deletes the virtual contributors of a deleted account.
    pub async fn delete_of_account(&self, account: ActorId) -> AppResult<()> {
        let txn = self.db.begin().await?;
        let mut hashes = Vec::new();
        let gone = repo::of_accounts(&txn, &[account.0]).await?;
        for vc in &gone {
            hashes.extend(self.delete_in(&txn, vc).await?);
        }
        txn.commit().await?;
        for vc in gone {
            self.users.actors().invalidate(vc.id).await?;
        }
        self.profiles().storage().release_contents(&hashes).await
    }

    /// `transferVirtualContributorToAccount`: needs TRANSFER_RESOURCE_OFFER on its account and
    /// TRANSFER_RESOURCE_ACCEPT on the target; its policies then follow the target.
    pub async fn transfer(
        &self,
        caller: &ActorContext,
        id: Uuid,
        target: ActorId,
        target_spaces: &[Uuid],
    ) -> AppResult<VirtualContributor> {
        let mut vc = self.get(id).await?;
        let source = vc.account_id.ok_or_else(|| {
            AppError::not_found(format!(
                "Unable to find Account on VirtualContributor: {id}"
            ))
        })?;
        let source = self.users.account_or_fail(source).await?;
        let target = self.users.account_or_fail(target).await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            source.authorization_id,
            P::TransferResourceOffer,
            &format!(
                "transfer VirtualContributor to another Account: {}",
                caller.actor_id()
            ),
        )
        .await?;
        auth_repo::require(
            self.db.conn(),
            caller,
            target.authorization_id,
            P::TransferResourceAccept,
            &format!(
                "transfer VirtualContributor to target Account: {}",
                caller.actor_id()
            ),
        )
        .await?;
        vc.account_id = Some(target.id);
        vc.updated_date = now();
        let txn = self.db.begin().await?;
        repo::update(&txn, &vc).await?;
        self.recompute_policies_in(&txn, &vc, target_spaces).await?;
        txn.commit().await?;
        Ok(vc)
    }
}
