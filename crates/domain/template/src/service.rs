//! Template use cases: managers made with their owner, templates created, changed and deleted
//! in a set (CREATE on the set; UPDATE and DELETE on the template), defaults pointed at a
//! template of their kind in the manager's own set.

use std::collections::HashMap;

use alkemio_authorization::{
    ActorContext, AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P,
    grant_access_or_fail, repo as auth_repo,
};
use alkemio_collaboration::CollaborationService;
use alkemio_collaboration::content::NewWhiteboard;
use alkemio_common::profile::{NewProfile, NewTagset, ProfileService, ProfileType, ProfileUpdate};
use alkemio_common::visual::VisualType;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use chrono::{SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::model::{
    Template, TemplateDefault, TemplateDefaultType, TemplateType, TemplatesManager, TemplatesSet,
};
use crate::repo;

/// A new template.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    /// What it holds.
    pub template_type: TemplateType,
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: NewProfile,
    /// Tags for its default tagset.
    pub tags: Vec<String>,
    /// The description new posts start from (POST).
    pub post_default_description: Option<String>,
    /// Its whiteboard (WHITEBOARD).
    pub whiteboard: Option<NewWhiteboard>,
    /// Its callout (CALLOUT).
    pub callout: Option<alkemio_collaboration::service::NewCallout>,
    /// Its community guidelines' profile (COMMUNITY_GUIDELINES).
    pub guidelines: Option<NewProfile>,
    /// Its content space (SPACE).
    pub content_space: Option<crate::content_space::NewContentSpace>,
}

/// The policy of a template's community guidelines: the template's cascading rules, and
/// everyone reads them (guidelines are public text).
fn template_guidelines_policy(
    template: &AuthorizationPolicy,
    existing: Option<AuthorizationPolicy>,
) -> AuthorizationPolicy {
    use alkemio_authorization::{Credential, CredentialRule, CredentialType as C};
    let mut policy = existing
        .unwrap_or_else(|| auth_repo::new_policy(AuthorizationPolicyType::CommunityGuidelines));
    policy.inherit_from(template);
    policy.add_credential_rules([CredentialRule::new(
        "credentialRule-templateGuidelinesRead",
        vec![
            Credential::global(C::GlobalAnonymous),
            Credential::global(C::GlobalRegistered),
        ],
        &[P::Read],
    )]);
    policy
}

/// Changes to a template; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct TemplateChanges {
    /// Its profile.
    pub profile: Option<ProfileUpdate>,
    /// The description new posts start from (POST templates).
    pub post_default_description: Option<String>,
    /// Its whiteboard's content (WHITEBOARD templates).
    pub whiteboard_content: Option<String>,
}

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Templates.
#[derive(Debug, Clone)]
pub struct TemplateService {
    db: Database,
    profiles: ProfileService,
    collaborations: CollaborationService,
}

impl TemplateService {
    /// A service over the database, profiles and collaborations (whiteboards).
    pub fn new(
        db: Database,
        profiles: ProfileService,
        collaborations: CollaborationService,
    ) -> Self {
        Self {
            db,
            profiles,
            collaborations,
        }
    }

    pub(crate) fn db_conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.conn()
    }

    pub(crate) fn profiles(&self) -> &ProfileService {
        &self.profiles
    }

    pub(crate) fn collaborations(&self) -> &CollaborationService {
        &self.collaborations
    }

    /// A new manager with its set and these defaults (no templates yet), their policies
    /// inheriting the owner's; nothing is stored.
    pub fn build_manager(
        owner: &AuthorizationPolicy,
        defaults: &[(TemplateDefaultType, TemplateType)],
    ) -> (
        TemplatesManager,
        TemplatesSet,
        Vec<TemplateDefault>,
        Vec<AuthorizationPolicy>,
    ) {
        let at = now();
        let inherit = |ty| {
            let mut p = auth_repo::new_policy(ty);
            p.inherit_from(owner);
            p
        };
        let mp = inherit(AuthorizationPolicyType::TemplatesManager);
        let sp = inherit(AuthorizationPolicyType::TemplatesSet);
        let set = TemplatesSet {
            id: Uuid::now_v7(),
            authorization_id: Some(sp.id),
            created_date: at,
            updated_date: at,
        };
        let manager = TemplatesManager {
            id: Uuid::now_v7(),
            templates_set_id: set.id,
            authorization_id: Some(mp.id),
            created_date: at,
            updated_date: at,
        };
        let mut policies = vec![mp, sp];
        let defaults = defaults
            .iter()
            .map(|(default_type, allowed)| {
                let dp = inherit(AuthorizationPolicyType::TemplateDefault);
                let d = TemplateDefault {
                    id: Uuid::now_v7(),
                    templates_manager_id: manager.id,
                    default_type: *default_type,
                    allowed_template_type: *allowed,
                    template_id: None,
                    authorization_id: Some(dp.id),
                    created_date: at,
                    updated_date: at,
                };
                policies.push(dp);
                d
            })
            .collect();
        (manager, set, defaults, policies)
    }

    /// A new, empty set (an innovation pack's) with a policy inheriting the owner's; nothing is
    /// stored.
    pub fn build_set(owner: &AuthorizationPolicy) -> (TemplatesSet, AuthorizationPolicy) {
        let at = now();
        let mut sp = auth_repo::new_policy(AuthorizationPolicyType::TemplatesSet);
        sp.inherit_from(owner);
        let set = TemplatesSet {
            id: Uuid::now_v7(),
            authorization_id: Some(sp.id),
            created_date: at,
            updated_date: at,
        };
        (set, sp)
    }

    /// Stores a new set inside the caller's transaction.
    pub async fn insert_set_in(conn: &impl ConnectionTrait, set: &TemplatesSet) -> AppResult<()> {
        repo::insert_set(conn, set).await
    }

    /// The recomputed policies of a set and its templates (with their profiles and
    /// whiteboards), all inheriting the owner's.
    pub async fn recompute_set_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        owner: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(set) = repo::sets(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let mut sp = auth_repo::load_or_new(
            conn,
            set.authorization_id,
            AuthorizationPolicyType::TemplatesSet,
        )
        .await?;
        sp.inherit_from(owner);
        let mut out = Vec::new();
        for t in repo::templates_of_sets(conn, &[set.id], None).await? {
            out.extend(self.template_policies(conn, &t, &sp).await?);
        }
        out.push(sp);
        Ok(out)
    }

    /// Deletes a set that no manager holds, with its templates, inside the caller's
    /// transaction; returns the policy ids to delete and the content hashes of the deleted
    /// files, to release after the transaction commits.
    pub async fn delete_set_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let Some(set) = repo::sets(conn, &[id]).await?.remove(&id) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let templates = repo::templates_of_sets(conn, &[id], None).await?;
        let (mut policies, hashes) = self.delete_templates_in(conn, &templates).await?;
        policies.extend(set.authorization_id);
        repo::delete_sets(conn, &[id]).await?;
        Ok((policies, hashes))
    }

    /// Stores a new manager inside the caller's transaction.
    pub async fn insert_manager_in(
        conn: &impl ConnectionTrait,
        manager: &TemplatesManager,
        set: &TemplatesSet,
        defaults: &[TemplateDefault],
    ) -> AppResult<()> {
        repo::insert_manager(conn, manager, set, defaults).await
    }

    /// The recomputed policies of a manager, its defaults, its set and its templates (with
    /// their profiles and whiteboards), all inheriting the owner's.
    pub async fn recompute_manager_policies(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        owner: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let Some(m) = repo::managers(conn, &[id]).await?.remove(&id) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut mp = auth_repo::load_or_new(
            conn,
            m.authorization_id,
            AuthorizationPolicyType::TemplatesManager,
        )
        .await?;
        mp.inherit_from(owner);
        out.push(mp);
        for d in repo::defaults_of(conn, &[id]).await? {
            let mut dp = auth_repo::load_or_new(
                conn,
                d.authorization_id,
                AuthorizationPolicyType::TemplateDefault,
            )
            .await?;
            dp.inherit_from(owner);
            out.push(dp);
        }
        out.extend(
            self.recompute_set_policies(conn, m.templates_set_id, owner)
                .await?,
        );
        Ok(out)
    }

    async fn template_policies(
        &self,
        conn: &impl ConnectionTrait,
        t: &Template,
        set: &AuthorizationPolicy,
    ) -> AppResult<Vec<AuthorizationPolicy>> {
        let mut tp =
            auth_repo::load_or_new(conn, t.authorization_id, AuthorizationPolicyType::Template)
                .await?;
        tp.inherit_from(set);
        let mut out = self
            .profiles
            .recompute_policies(conn, t.profile_id, &tp)
            .await?;
        if let Some(w) = t.whiteboard_id {
            out.extend(
                self.collaborations
                    .standalone_whiteboard_policies(conn, w, &tp)
                    .await?,
            );
        }
        if let Some(callout) = t.callout_id
            && let Some(c) = self
                .collaborations
                .collaboration_id_of_callout_in(conn, callout)
                .await?
        {
            out.extend(
                self.collaborations
                    .recompute_policies(
                        conn,
                        c,
                        &tp,
                        &alkemio_collaboration::authorization::CollaborationAccess::default(),
                    )
                    .await?,
            );
        }
        if let Some(g) = t.community_guidelines_id
            && let Some(g) = alkemio_community::guidelines::find_many(conn, &[g])
                .await?
                .remove(&g)
        {
            let existing = match g.authorization_id {
                Some(id) => auth_repo::load(conn, id).await?.map(|s| s.policy),
                None => None,
            };
            let gp = template_guidelines_policy(&tp, existing);
            if let Some(profile) = g.profile_id {
                out.extend(self.profiles.recompute_policies(conn, profile, &gp).await?);
            }
            out.push(gp);
        }
        if let Some(space) = t.content_space_id {
            out.extend(self.content_space_policies(conn, space, &tp).await?);
        }
        out.push(tp);
        Ok(out)
    }

    /// Deletes a manager with its set, defaults and templates inside the caller's
    /// transaction; returns the policy ids to delete and the content hashes of the deleted
    /// files, to release after the transaction commits.
    pub async fn delete_manager_in(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let Some(m) = repo::managers(conn, &[id]).await?.remove(&id) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let templates = repo::templates_of_sets(conn, &[m.templates_set_id], None).await?;
        let (mut policies, hashes) = self.delete_templates_in(conn, &templates).await?;
        policies.extend(m.authorization_id);
        policies.extend(
            repo::defaults_of(conn, &[id])
                .await?
                .iter()
                .filter_map(|d| d.authorization_id),
        );
        if let Some(s) = repo::sets(conn, &[m.templates_set_id])
            .await?
            .remove(&m.templates_set_id)
        {
            policies.extend(s.authorization_id);
        }
        repo::delete_managers(conn, &[m]).await?;
        Ok((policies, hashes))
    }

    async fn delete_templates_in(
        &self,
        conn: &impl ConnectionTrait,
        templates: &[Template],
    ) -> AppResult<(Vec<Uuid>, Vec<String>)> {
        let mut policies: Vec<Uuid> = templates
            .iter()
            .filter_map(|t| t.authorization_id)
            .collect();
        let profiles: Vec<Uuid> = templates.iter().map(|t| t.profile_id).collect();
        let buckets: Vec<Uuid> = self
            .profiles
            .profiles(&profiles)
            .await?
            .values()
            .filter_map(|p| p.storage_bucket_id)
            .collect();
        let boards: Vec<Uuid> = templates.iter().filter_map(|t| t.whiteboard_id).collect();
        let mut collaborations = Vec::new();
        for callout in templates.iter().filter_map(|t| t.callout_id) {
            collaborations.extend(
                self.collaborations
                    .collaboration_id_of_callout_in(conn, callout)
                    .await?,
            );
        }
        let guidelines: Vec<Uuid> = templates
            .iter()
            .filter_map(|t| t.community_guidelines_id)
            .collect();
        let mut guideline_profiles = Vec::new();
        for g in alkemio_community::guidelines::find_many(conn, &guidelines)
            .await?
            .values()
        {
            policies.extend(g.authorization_id);
            guideline_profiles.extend(g.profile_id);
        }
        let spaces: Vec<Uuid> = templates
            .iter()
            .filter_map(|t| t.content_space_id)
            .collect();
        repo::delete_templates(conn, &templates.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
        policies.extend(self.profiles.delete_in(conn, &profiles).await?);
        let (bucket_policies, mut hashes) = self
            .profiles
            .storage()
            .delete_buckets_in(conn, &buckets)
            .await?;
        policies.extend(bucket_policies);
        alkemio_community::guidelines::delete_many(conn, &guidelines).await?;
        let (guideline_policies, guideline_hashes) = self
            .profiles
            .delete_with_buckets_in(conn, &guideline_profiles)
            .await?;
        policies.extend(guideline_policies);
        hashes.extend(guideline_hashes);
        let (collaboration_policies, collaboration_hashes) = self
            .collaborations
            .delete_with_contents_in(conn, &collaborations)
            .await?;
        policies.extend(collaboration_policies);
        hashes.extend(collaboration_hashes);
        let (space_policies, space_hashes) = self.delete_content_spaces_in(conn, &spaces).await?;
        policies.extend(space_policies);
        hashes.extend(space_hashes);
        policies.extend(
            self.collaborations
                .delete_standalone_whiteboards_in(conn, &boards)
                .await?,
        );
        Ok((policies, hashes))
    }

    // ---- reads ----

    /// Managers by id.
    pub async fn managers(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, TemplatesManager>> {
        repo::managers(self.db.conn(), ids).await
    }

    /// A manager, or ENTITY_NOT_FOUND.
    pub async fn manager_or_fail(&self, id: Uuid) -> AppResult<TemplatesManager> {
        self.managers(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Templates manager {id} not found")))
    }

    /// The manager holding a set.
    pub async fn manager_of_set(&self, set: Uuid) -> AppResult<Option<TemplatesManager>> {
        repo::manager_of_set(self.db.conn(), set).await
    }

    /// A set, or ENTITY_NOT_FOUND.
    pub async fn set_or_fail(&self, id: Uuid) -> AppResult<TemplatesSet> {
        repo::sets(self.db.conn(), &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Templates set {id} not found")))
    }

    /// The defaults of a manager.
    pub async fn defaults_of(&self, manager: Uuid) -> AppResult<Vec<TemplateDefault>> {
        repo::defaults_of(self.db.conn(), &[manager]).await
    }

    /// Templates by id.
    pub async fn templates(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Template>> {
        repo::templates(self.db.conn(), ids).await
    }

    /// A template, or ENTITY_NOT_FOUND.
    pub async fn template_or_fail(&self, id: Uuid) -> AppResult<Template> {
        self.templates(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found(format!("Template {id} not found")))
    }

    /// The templates of a set, optionally of one kind, by display name.
    pub async fn templates_of_set(
        &self,
        set: Uuid,
        kind: Option<TemplateType>,
    ) -> AppResult<Vec<Template>> {
        let mut found = repo::templates_of_sets(self.db.conn(), &[set], kind).await?;
        let profiles = self
            .profiles
            .profiles(&found.iter().map(|t| t.profile_id).collect::<Vec<_>>())
            .await?;
        let name = |t: &Template| profiles.get(&t.profile_id).map(|p| p.display_name.clone());
        found.sort_by_key(|t| (name(t), t.id));
        Ok(found)
    }

    /// The templates of several sets (any kind), unordered.
    pub async fn templates_of_sets(&self, sets: &[Uuid]) -> AppResult<Vec<Template>> {
        repo::templates_of_sets(self.db.conn(), sets, None).await
    }

    /// How many templates each set holds (one statement; a set without templates has 0).
    pub async fn count_templates_of_sets(&self, sets: &[Uuid]) -> AppResult<HashMap<Uuid, u64>> {
        let mut counts = repo::count_templates_of_sets(self.db.conn(), sets).await?;
        for s in sets {
            counts.entry(*s).or_insert(0);
        }
        Ok(counts)
    }

    /// How many templates a set holds, optionally of one kind (one statement).
    pub async fn count_templates(&self, set: Uuid, kind: Option<TemplateType>) -> AppResult<u64> {
        repo::count_templates(self.db.conn(), set, kind).await
    }

    /// The template owning a profile.
    pub async fn template_by_profile(&self, profile: Uuid) -> AppResult<Option<Template>> {
        repo::template_by_profile(self.db.conn(), profile).await
    }

    /// The template holding a callout, community guidelines or (top) content space.
    pub async fn template_by_part(
        &self,
        part: crate::model::TemplatePart,
        id: Uuid,
    ) -> AppResult<Option<Template>> {
        repo::template_by_part(self.db.conn(), part, id).await
    }

    /// Content spaces by id.
    pub async fn content_spaces(
        &self,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, crate::content_space::TemplateContentSpace>> {
        repo::content_spaces(self.db.conn(), ids).await
    }

    /// A content space, or ENTITY_NOT_FOUND.
    pub async fn content_space_or_fail(
        &self,
        id: Uuid,
    ) -> AppResult<crate::content_space::TemplateContentSpace> {
        self.content_spaces(&[id])
            .await?
            .remove(&id)
            .ok_or_else(|| {
                AppError::not_found(format!("Unable to find TemplateContentSpace with ID: {id}"))
            })
    }

    /// The subspaces of content spaces, oldest first.
    pub async fn content_subspaces(
        &self,
        parents: &[Uuid],
    ) -> AppResult<Vec<crate::content_space::TemplateContentSpace>> {
        repo::content_subspaces(self.db.conn(), parents).await
    }

    /// The content spaces with these abouts.
    pub async fn content_spaces_by_about(
        &self,
        abouts: &[Uuid],
    ) -> AppResult<Vec<crate::content_space::TemplateContentSpace>> {
        repo::content_spaces_by_about(self.db.conn(), abouts).await
    }

    /// The content space holding a collaboration, if a content space holds it.
    pub async fn content_space_by_collaboration(
        &self,
        collaboration: Uuid,
    ) -> AppResult<Option<crate::content_space::TemplateContentSpace>> {
        repo::content_space_by_collaboration(self.db.conn(), collaboration).await
    }

    /// The template a content space belongs to (through its top content space).
    pub async fn template_of_content_space(&self, id: Uuid) -> AppResult<Option<Template>> {
        let mut current = self.content_space_or_fail(id).await?;
        while let Some(parent) = current.parent_space_id {
            current = self.content_space_or_fail(parent).await?;
        }
        self.template_by_part(crate::model::TemplatePart::ContentSpace, current.id)
            .await
    }

    /// `updateTemplateContentSpace`: needs UPDATE on the content space; changes its about and
    /// stores the settings document the caller merged.
    pub async fn update_content_space(
        &self,
        caller: &ActorContext,
        id: Uuid,
        changes: crate::content_space::ContentSpaceChanges,
    ) -> AppResult<crate::content_space::TemplateContentSpace> {
        let mut space = self.content_space_or_fail(id).await?;
        self.require(
            caller,
            space.authorization_id,
            P::Update,
            "update a template content space",
        )
        .await?;
        let prepared = match (changes.profile, space.about.profile_id) {
            (Some(p), Some(profile)) => Some(self.profiles.prepare_update(profile, p).await?),
            _ => None,
        };
        if changes.why.is_some() {
            space.about.why = changes.why;
        }
        if changes.who.is_some() {
            space.about.who = changes.who;
        }
        if let Some(settings) = changes.settings {
            space.settings = settings;
        }
        let txn = self.db.begin().await?;
        repo::update_content_space(&txn, &space).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        txn.commit().await?;
        self.content_space_or_fail(id).await
    }

    /// A template of a set by NameID.
    pub async fn template_by_name(&self, set: Uuid, name: &str) -> AppResult<Option<Template>> {
        Ok(repo::templates_of_sets(self.db.conn(), &[set], None)
            .await?
            .into_iter()
            .find(|t| t.name_id == name))
    }

    async fn policy(&self, id: Option<Uuid>) -> AppResult<Option<AuthorizationPolicy>> {
        Ok(match id {
            Some(id) => auth_repo::load(self.db.conn(), id).await?.map(|s| s.policy),
            None => None,
        })
    }

    async fn require(
        &self,
        caller: &ActorContext,
        id: Option<Uuid>,
        privilege: P,
        action: &str,
    ) -> AppResult<AuthorizationPolicy> {
        let policy = self.policy(id).await?;
        grant_access_or_fail(
            &caller.actor_id(),
            &caller.credentials,
            policy.as_ref(),
            privilege,
            action,
        )?;
        policy.ok_or_else(|| AppError::internal_msg("granted without a policy"))
    }

    // ---- mutations ----

    /// `createTemplate`: needs CREATE on the set. Each type needs its content: a POST template
    /// its description, a WHITEBOARD template its whiteboard, a CALLOUT template its callout
    /// (kept in a collaboration of the template's own), a COMMUNITY_GUIDELINES template its
    /// guidelines, a SPACE template its content space. A NameID is unique in its set.
    pub async fn create_template(
        &self,
        caller: &ActorContext,
        set_id: Uuid,
        new: NewTemplate,
        aggregator: Option<Uuid>,
    ) -> AppResult<Template> {
        let set = self.set_or_fail(set_id).await?;
        let set_policy = self
            .require(caller, set.authorization_id, P::Create, "create a template")
            .await?;
        let missing = match new.template_type {
            TemplateType::Post => new
                .post_default_description
                .as_deref()
                .is_none_or(str::is_empty)
                .then_some("Post Template requires default description input"),
            TemplateType::Whiteboard => new
                .whiteboard
                .is_none()
                .then_some("Whiteboard Template requires whiteboard input"),
            TemplateType::Callout => new
                .callout
                .is_none()
                .then_some("Callout Template requires callout input"),
            TemplateType::CommunityGuidelines => new
                .guidelines
                .is_none()
                .then_some("Community Guidelines Template requires guidelines input"),
            TemplateType::Space => new
                .content_space
                .is_none()
                .then_some("Space Template requires content-space input"),
        };
        if let Some(message) = missing {
            return Err(AppError::bad_input(message));
        }
        let conn = self.db.conn();
        let taken: Vec<String> = repo::templates_of_sets(conn, &[set.id], None)
            .await?
            .into_iter()
            .map(|t| t.name_id)
            .collect();
        let name_id = match &new.name_id {
            Some(n) => {
                if taken.contains(n) {
                    return Err(AppError::bad_input(format!(
                        "Unable to create Template: the provided nameID is already taken: {n}"
                    )));
                }
                n.clone()
            }
            None => alkemio_contributor::name_id::generate_unique(
                &alkemio_contributor::name_id::generate(&new.profile.display_name),
                |n| taken.iter().any(|t| t == n),
            ),
        };
        let at = now();
        let mut tp = auth_repo::new_policy(AuthorizationPolicyType::Template);
        tp.inherit_from(&set_policy);
        let mut profile = new.profile;
        match profile.tagsets.iter_mut().find(|t| t.name == "default") {
            Some(t) => t.tags.extend(new.tags),
            None => profile.tagsets.push(NewTagset {
                name: "default".to_owned(),
                tags: new.tags,
            }),
        }
        profile.visuals = vec![VisualType::Card];
        let bundle = self
            .profiles
            .build(profile, ProfileType::Template, &tp, aggregator)?;
        let mut template = Template {
            id: Uuid::now_v7(),
            templates_set_id: set.id,
            name_id,
            template_type: new.template_type,
            post_default_description: (new.template_type == TemplateType::Post)
                .then_some(new.post_default_description)
                .flatten(),
            profile_id: bundle.profile.id,
            whiteboard_id: None,
            callout_id: None,
            community_guidelines_id: None,
            content_space_id: None,
            authorization_id: Some(tp.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.db.begin().await?;
        self.profiles.insert_in(&txn, &bundle).await?;
        let mut policies = bundle.policies.clone();
        // the parts' policies derive from the template's, read back while building them
        auth_repo::save_all(&txn, std::slice::from_ref(&tp)).await?;
        match new.template_type {
            TemplateType::Whiteboard => {
                if let Some(w) = new.whiteboard {
                    let (board, board_policies) = self
                        .collaborations
                        .create_standalone_whiteboard_in(
                            &txn,
                            w,
                            &tp,
                            caller.authenticated_id(),
                            aggregator,
                        )
                        .await?;
                    template.whiteboard_id = Some(board.id);
                    policies.extend(board_policies);
                }
            }
            TemplateType::Callout => {
                if let Some(callout) = new.callout {
                    let collaboration = self
                        .collaborations
                        .build_template(&tp, None, aggregator, at)?;
                    self.collaborations
                        .insert_template_in(&txn, &collaboration)
                        .await?;
                    auth_repo::save_all(&txn, &collaboration.policies).await?;
                    let host = alkemio_collaboration::Host {
                        aggregator,
                        ..Default::default()
                    };
                    let (made, callout_policies) = self
                        .collaborations
                        .insert_template_callouts_in(
                            &txn,
                            caller,
                            collaboration.set.id,
                            vec![callout],
                            &host,
                        )
                        .await?;
                    template.callout_id = made.first().map(|c| c.id);
                    policies.extend(callout_policies);
                }
            }
            TemplateType::CommunityGuidelines => {
                if let Some(g) = new.guidelines {
                    let gp = template_guidelines_policy(&tp, None);
                    let profile = self.profiles.build(
                        g,
                        ProfileType::CommunityGuidelines,
                        &gp,
                        aggregator,
                    )?;
                    let guidelines = alkemio_community::guidelines::CommunityGuidelines {
                        id: Uuid::now_v7(),
                        profile_id: Some(profile.profile.id),
                        authorization_id: Some(gp.id),
                        created_date: at,
                        updated_date: at,
                    };
                    self.profiles.insert_in(&txn, &profile).await?;
                    alkemio_community::guidelines::insert(&txn, &guidelines).await?;
                    template.community_guidelines_id = Some(guidelines.id);
                    policies.extend(profile.policies.iter().cloned());
                    policies.push(gp);
                }
            }
            TemplateType::Space => {
                if let Some(content) = new.content_space {
                    let (id, content_policies) = self
                        .insert_content_space_in(&txn, caller, content, &tp, None, aggregator)
                        .await?;
                    template.content_space_id = Some(id);
                    policies.extend(content_policies);
                }
            }
            TemplateType::Post => {}
        }
        repo::insert_template(&txn, &template).await?;
        policies.push(tp);
        auth_repo::save_all(&txn, &policies).await?;
        txn.commit().await?;
        Ok(template)
    }

    /// `updateTemplate`: needs UPDATE on the template; its profile, a POST template's
    /// description and a WHITEBOARD template's content.
    pub async fn update_template(
        &self,
        caller: &ActorContext,
        id: Uuid,
        changes: TemplateChanges,
    ) -> AppResult<Template> {
        let mut t = self.template_or_fail(id).await?;
        self.require(caller, t.authorization_id, P::Update, "update a template")
            .await?;
        let prepared = match changes.profile {
            Some(p) => Some(self.profiles.prepare_update(t.profile_id, p).await?),
            None => None,
        };
        if t.template_type == TemplateType::Post
            && let Some(d) = changes.post_default_description.filter(|d| !d.is_empty())
        {
            t.post_default_description = Some(d);
        }
        let txn = self.db.begin().await?;
        repo::update_template(&txn, &t).await?;
        if let Some(p) = &prepared {
            ProfileService::write_update(&txn, p).await?;
        }
        if t.template_type == TemplateType::Whiteboard
            && let (Some(content), Some(board)) = (changes.whiteboard_content, t.whiteboard_id)
        {
            self.collaborations
                .set_whiteboard_content_in(&txn, board, content)
                .await?;
        }
        txn.commit().await?;
        self.template_or_fail(id).await
    }

    /// `deleteTemplate`: needs DELETE on the template; one a default uses is refused.
    pub async fn delete_template(&self, caller: &ActorContext, id: Uuid) -> AppResult<Template> {
        let t = self.template_or_fail(id).await?;
        self.require(caller, t.authorization_id, P::Delete, "delete a template")
            .await?;
        if repo::template_in_default(self.db.conn(), id).await? {
            return Err(AppError::bad_input(format!(
                "Template is in use in TemplateDefault: {id}"
            )));
        }
        let txn = self.db.begin().await?;
        let (policies, hashes) = self
            .delete_templates_in(&txn, std::slice::from_ref(&t))
            .await?;
        auth_repo::delete(&txn, &policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&hashes).await?;
        Ok(t)
    }

    /// `updateTemplateFromSpace`: needs UPDATE on the SPACE template; its content space is
    /// replaced by `content` (a copy of a space), in one transaction.
    pub async fn replace_content_space(
        &self,
        caller: &ActorContext,
        id: Uuid,
        content: crate::content_space::NewContentSpace,
        aggregator: Option<Uuid>,
    ) -> AppResult<Template> {
        let t = self.template_or_fail(id).await?;
        let tp = self
            .require(caller, t.authorization_id, P::Update, "update a template")
            .await?;
        if t.template_type != TemplateType::Space {
            return Err(AppError::bad_input(format!(
                "Template {id} is not a space template: it holds no content space"
            )));
        }
        let txn = self.db.begin().await?;
        let (old_policies, hashes) = match t.content_space_id {
            Some(old) => self.delete_content_spaces_in(&txn, &[old]).await?,
            None => (Vec::new(), Vec::new()),
        };
        let (space, policies) = self
            .insert_content_space_in(&txn, caller, content, &tp, None, aggregator)
            .await?;
        repo::set_template_content_space(&txn, id, space).await?;
        auth_repo::save_all(&txn, &policies).await?;
        auth_repo::delete(&txn, &old_policies).await?;
        txn.commit().await?;
        self.profiles.storage().release_contents(&hashes).await?;
        self.template_or_fail(id).await
    }

    /// `updateTemplateDefault`: needs UPDATE on the default; the template must be in its
    /// manager's set and of the kind the default takes.
    pub async fn update_template_default(
        &self,
        caller: &ActorContext,
        default_id: Uuid,
        template_id: Uuid,
    ) -> AppResult<TemplateDefault> {
        let d = repo::default_by_id(self.db.conn(), default_id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!("Template default {default_id} not found"))
            })?;
        self.require(
            caller,
            d.authorization_id,
            P::Update,
            "update a template default",
        )
        .await?;
        let t = self.template_or_fail(template_id).await?;
        let manager = self.manager_or_fail(d.templates_manager_id).await?;
        if t.templates_set_id != manager.templates_set_id {
            return Err(AppError::bad_input(format!(
                "Template {template_id} is not in set of Templates in associated TemplateSet"
            )));
        }
        if t.template_type != d.allowed_template_type {
            return Err(AppError::bad_input(format!(
                "Template type({}) does not match allowed template type({})",
                t.template_type.graphql_name(),
                d.allowed_template_type.graphql_name()
            )));
        }
        let txn = self.db.begin().await?;
        repo::set_default_template(&txn, default_id, template_id).await?;
        txn.commit().await?;
        repo::default_by_id(self.db.conn(), default_id)
            .await?
            .ok_or_else(|| AppError::internal_msg("template default vanished"))
    }
}
