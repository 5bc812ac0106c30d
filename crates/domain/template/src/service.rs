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
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
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
    /// Whether callout, guidelines or space data came with it.
    pub other_data: bool,
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

fn now() -> chrono::DateTime<Utc> {
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
        repo::delete_templates(conn, &templates.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
        policies.extend(self.profiles.delete_in(conn, &profiles).await?);
        let (bucket_policies, hashes) = self
            .profiles
            .storage()
            .delete_buckets_in(conn, &buckets)
            .await?;
        policies.extend(bucket_policies);
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

    /// `createTemplate`: needs CREATE on the set. POST templates need their description,
    /// WHITEBOARD templates their whiteboard; callout, community guidelines and space templates
    /// are not supported yet. A NameID is unique in its set.
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
        match new.template_type {
            TemplateType::Post => {
                if new
                    .post_default_description
                    .as_deref()
                    .is_none_or(str::is_empty)
                {
                    return Err(AppError::bad_input(
                        "Post Template requires default description input",
                    ));
                }
            }
            TemplateType::Whiteboard => {
                if new.whiteboard.is_none() {
                    return Err(AppError::bad_input(
                        "Whiteboard Template requires whiteboard input",
                    ));
                }
            }
            other => {
                return Err(AppError::new(
                    ErrorStatus::NotSupported,
                    format!(
                        "Templates of type {} are not supported by this server yet",
                        other.graphql_name()
                    ),
                ));
            }
        }
        if new.other_data {
            return Err(AppError::bad_input(format!(
                "A template of type {} takes no callout, guidelines or space data",
                new.template_type.graphql_name()
            )));
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
            authorization_id: Some(tp.id),
            created_date: at,
            updated_date: at,
        };
        let txn = self.db.begin().await?;
        self.profiles.insert_in(&txn, &bundle).await?;
        let mut policies = bundle.policies.clone();
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
