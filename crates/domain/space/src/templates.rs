//! Spaces and space templates: a space copied into a template's content (`createTemplateFromSpace`,
//! `updateTemplateFromSpace`), and the content a new space starts from (the template it names,
//! else its level's default template when one is set).

use alkemio_authorization::{ActorContext, AuthorizationPrivilege as P};
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_template::content_space::NewContentSpace;
use alkemio_template::{NewTemplate, Template, TemplateDefaultType, TemplateType};
use uuid::Uuid;

use crate::model::{Space, SpaceLevel, SpaceSettings};
use crate::repo;
use crate::service::SpaceService;

/// What a new template made from a space is called.
#[derive(Debug, Clone)]
pub struct TemplateFromSpace {
    /// Its NameID (generated from its display name when absent).
    pub name_id: Option<String>,
    /// Its profile.
    pub profile: alkemio_common::profile::NewProfile,
    /// Tags for its default tagset.
    pub tags: Vec<String>,
}

impl SpaceService {
    /// A space (with its subspaces when `recursive`) as a template's content: its about and
    /// guidelines, settings, innovation flow and callouts (not their contributions).
    pub async fn content_of_space(
        &self,
        space: &Space,
        recursive: bool,
    ) -> AppResult<NewContentSpace> {
        let about = match space.about_id {
            Some(id) => self.abouts(&[id]).await?.remove(&id),
            None => None,
        };
        let profile = match about.as_ref().and_then(|a| a.profile_id) {
            Some(p) => self.profiles().copy_of(p).await?,
            None => alkemio_common::profile::NewProfile::default(),
        };
        let guidelines = match about.as_ref().and_then(|a| a.guidelines_id) {
            Some(g) => match self
                .guidelines(&[g])
                .await?
                .remove(&g)
                .and_then(|g| g.profile_id)
            {
                Some(p) => Some(self.profiles().copy_of(p).await?),
                None => None,
            },
            None => None,
        };
        let (flow, callouts) = match space.collaboration_id {
            Some(c) => (
                self.collaborations().flow_copy(c).await?,
                self.collaborations().callout_copies(c).await?,
            ),
            None => (None, Vec::new()),
        };
        let mut subspaces = Vec::new();
        if recursive {
            let ids: Vec<Uuid> = self
                .subspace_ids_of(&[space.id.0])
                .await?
                .into_iter()
                .map(|(_, id)| id)
                .collect();
            for sub in self.many(&ids).await? {
                subspaces.push(Box::pin(self.content_of_space(&sub, true)).await?);
            }
        }
        Ok(NewContentSpace {
            level: space.level.number(),
            settings: serde_json::to_value(&space.settings)
                .map_err(|e| AppError::internal_msg(format_args!("{e}")))?,
            profile,
            why: about.as_ref().and_then(|a| a.why.clone()),
            who: about.as_ref().and_then(|a| a.who.clone()),
            guidelines,
            flow,
            callouts,
            subspaces,
        })
    }

    /// `createTemplateFromSpace`: needs CREATE on the set (checked by the template module) and
    /// READ on the space; the template holds a copy of the space (and its subspaces unless
    /// `recursive` is false).
    pub async fn create_template_from_space(
        &self,
        caller: &ActorContext,
        set: Uuid,
        space_id: ActorId,
        recursive: bool,
        named: TemplateFromSpace,
        aggregator: Option<Uuid>,
    ) -> AppResult<Template> {
        let space = self.get_or_fail(space_id).await?;
        self.require(caller, &space, P::Read, "copy a space into a template")
            .await?;
        let content = self.content_of_space(&space, recursive).await?;
        self.templates()
            .create_template(
                caller,
                set,
                NewTemplate {
                    template_type: TemplateType::Space,
                    name_id: named.name_id,
                    profile: named.profile,
                    tags: named.tags,
                    post_default_description: None,
                    whiteboard: None,
                    callout: None,
                    guidelines: None,
                    content_space: Some(content),
                },
                aggregator,
            )
            .await
    }

    /// `updateTemplateFromSpace`: needs UPDATE on the template and READ on the space; the
    /// template's content is replaced by a copy of the space (and its subspaces unless
    /// `recursive` is false).
    pub async fn update_template_from_space(
        &self,
        caller: &ActorContext,
        template: Uuid,
        space_id: ActorId,
        recursive: bool,
        aggregator: Option<Uuid>,
    ) -> AppResult<Template> {
        let space = self.get_or_fail(space_id).await?;
        self.require(caller, &space, P::Read, "copy a space into a template")
            .await?;
        let content = self.content_of_space(&space, recursive).await?;
        self.templates()
            .replace_content_space(caller, template, content, aggregator)
            .await
    }

    /// The content a new space starts from when it names a template: the template must exist
    /// and hold a content space.
    pub async fn content_of_template(&self, template: Uuid) -> AppResult<NewContentSpace> {
        let t = self.templates().template_or_fail(template).await?;
        let space = t.content_space_id.ok_or_else(|| {
            AppError::bad_input(format!(
                "Have template without template content space to use, templateID: {template}"
            ))
        })?;
        self.templates().content_copy(space).await
    }

    /// The content a new space starts from when it names no template: for an L0 space the
    /// platform's PLATFORM_SPACE default, for a subspace its L0 space's SPACE_SUBSPACE default
    /// or else the platform's PLATFORM_SUBSPACE one; none while that default has no template.
    pub async fn default_content(
        &self,
        platform_manager: Option<Uuid>,
        parent: Option<&Space>,
    ) -> AppResult<Option<NewContentSpace>> {
        let mut candidates = Vec::new();
        match parent {
            None => {
                candidates.extend(platform_manager.map(|m| (m, TemplateDefaultType::PlatformSpace)))
            }
            Some(p) => {
                if let Some(root) =
                    repo::find(self.db_conn(), ActorId(p.level_zero_space_id.0)).await?
                    && let Some(m) = root.templates_manager_id
                {
                    candidates.push((m, TemplateDefaultType::SpaceSubspace));
                }
                candidates
                    .extend(platform_manager.map(|m| (m, TemplateDefaultType::PlatformSubspace)));
            }
        }
        for (manager, kind) in candidates {
            let chosen = self
                .templates()
                .defaults_of(manager)
                .await?
                .into_iter()
                .find(|d| d.default_type == kind)
                .and_then(|d| d.template_id);
            if let Some(t) = chosen {
                return Ok(Some(self.content_of_template(t).await?));
            }
        }
        Ok(None)
    }

    /// The settings a template's content gives a new space at `level`.
    pub fn settings_of_content(content: &NewContentSpace, level: SpaceLevel) -> SpaceSettings {
        serde_json::from_value(content.settings.clone()).unwrap_or_else(|_| match level {
            SpaceLevel::L0 => SpaceSettings::default_l0(),
            _ => SpaceSettings::default_subspace(),
        })
    }
}

/// Starts a new space from a template's content: the content's settings under the ones asked
/// for; the about asked for, completed with the content's (tagline, description, why, who and
/// location when not given; the references and tagsets it lacks; images for the visuals not
/// given; the guidelines when none are given); the content's innovation flow when none is
/// asked for. The reference drops the references and guidelines asked for in favour of the
/// template's; here what is asked for wins.
pub fn start_from(new: &mut crate::model::NewSpace, content: &NewContentSpace, level: SpaceLevel) {
    new.base_settings = Some(SpaceService::settings_of_content(content, level));
    let p = &mut new.profile;
    let t = &content.profile;
    if p.tagline.as_deref().is_none_or(str::is_empty) {
        p.tagline.clone_from(&t.tagline);
    }
    if p.description.as_deref().is_none_or(str::is_empty) {
        p.description.clone_from(&t.description);
    }
    if p.location.city.is_none() && p.location.country.is_none() {
        p.location = t.location.clone();
    }
    for r in &t.references {
        if !p.references.iter().any(|x| x.name == r.name) {
            p.references.push(r.clone());
        }
    }
    for tagset in &t.tagsets {
        match p.tagsets.iter_mut().find(|x| x.name == tagset.name) {
            Some(mine) => {
                for tag in &tagset.tags {
                    if !mine.tags.contains(tag) {
                        mine.tags.push(tag.clone());
                    }
                }
            }
            None => p.tagsets.push(tagset.clone()),
        }
    }
    for (kind, uri) in &t.visual_uris {
        if !p.visual_uris.iter().any(|(k, _)| k == kind) {
            p.visual_uris.push((*kind, uri.clone()));
        }
    }
    if new.why.as_deref().is_none_or(str::is_empty) {
        new.why.clone_from(&content.why);
    }
    if new.who.as_deref().is_none_or(str::is_empty) {
        new.who.clone_from(&content.who);
    }
    if new.guidelines.is_none() {
        new.guidelines.clone_from(&content.guidelines);
    }
    if new.flow.is_none() {
        new.flow.clone_from(&content.flow);
    }
}

/// The callouts a new space starts with: those asked for, then the template's; a template
/// callout in a state the space's flow lacks goes to its first state, and one whose NameID
/// is taken gets a new one.
pub fn callouts_from(
    asked: Vec<alkemio_collaboration::service::NewCallout>,
    template: &[alkemio_collaboration::service::NewCallout],
    states: &[String],
) -> Vec<alkemio_collaboration::service::NewCallout> {
    let mut out = asked;
    for c in template {
        let mut c = c.clone();
        let valid = c
            .classification
            .iter()
            .find(|(name, _)| name == "flow-state")
            .and_then(|(_, tags)| tags.first())
            .is_some_and(|s| states.contains(s));
        if !valid {
            c.classification = states
                .first()
                .map(|s| vec![("flow-state".to_owned(), vec![s.clone()])])
                .unwrap_or_default();
        }
        if c.name_id
            .as_ref()
            .is_some_and(|n| out.iter().any(|x| x.name_id.as_ref() == Some(n)))
        {
            c.name_id = None;
        }
        out.push(c);
    }
    out
}

impl SpaceService {
    /// `updateCollaborationFromSpaceTemplate`: needs UPDATE on the collaboration. Its flow
    /// takes the template's states (an L0 space keeps its first four and gains the template's
    /// others; a subspace's states become the template's); then, when asked, its callouts are
    /// deleted, and the template's callouts are added (in a state of the flow, the first when
    /// theirs is missing; with a new NameID when theirs is taken).
    pub async fn update_collaboration_from_template(
        &self,
        caller: &ActorContext,
        collaboration: Uuid,
        template: Uuid,
        add_callouts: bool,
        delete_existing: bool,
    ) -> AppResult<alkemio_collaboration::model::Collaboration> {
        let collaborations = self.collaborations();
        let c = collaborations.collaboration_or_fail(collaboration).await?;
        alkemio_authorization::repo::require(
            self.db_conn(),
            caller,
            c.authorization_id,
            P::Update,
            "update a collaboration from a template",
        )
        .await?;
        let t = self.templates().template_or_fail(template).await?;
        let space = t.content_space_id.ok_or_else(|| {
            AppError::bad_input(format!(
                "Template with ID {template} does not have a Space associated."
            ))
        })?;
        let content = self.templates().content_copy(space).await?;
        let owner = self
            .spaces_of_collaborations(&[collaboration])
            .await?
            .remove(&collaboration);
        let keep = match &owner {
            Some(s) if s.level == SpaceLevel::L0 => 4,
            _ => 0,
        };
        let states = match content.flow {
            Some(flow) => {
                collaborations
                    .replace_states(collaboration, flow.states, keep)
                    .await?
            }
            None => Vec::new(),
        };
        if delete_existing {
            collaborations.delete_all_callouts(collaboration).await?;
        }
        if add_callouts {
            let host = self.collaboration_host(collaboration).await?;
            let ids = collaborations
                .callouts_of_set_ids(c.callouts_set_id)
                .await?;
            let taken: Vec<String> = collaborations
                .callouts(&ids)
                .await?
                .into_values()
                .map(|c| c.name_id)
                .collect();
            let mut planned = callouts_from(Vec::new(), &content.callouts, &states);
            for callout in &mut planned {
                if callout.name_id.as_ref().is_some_and(|n| taken.contains(n)) {
                    callout.name_id = None;
                }
            }
            // each new callout goes before the others: create the last first
            for callout in planned.into_iter().rev() {
                collaborations
                    .create_callout(caller, c.callouts_set_id, callout, &host)
                    .await?;
            }
        }
        collaborations.collaboration_or_fail(collaboration).await
    }
}
