//! GraphQL of templates (module `alkemio-template`): `TemplatesManager`, `TemplatesSet`,
//! `TemplateDefault`, `Template` and their mutations. Reads check READ on what they return;
//! writes are checked by the template service against the stored policies.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::scalars::{DateTime, Markdown, NameId, UuidScalar, WhiteboardContent};
use alkemio_kernel::{AppError, AppResult};
use alkemio_template::{
    NewTemplate, TemplateChanges, TemplateDefaultType, TemplateService, TemplateType, model,
};
use async_graphql::{Context, InputObject, Object, Result};
use uuid::Uuid;

use crate::authorization::{Authorization, require_on};
use crate::context::{actor, data};
use crate::loaders::{Loaders, loaded};
use crate::organization::CreateProfileInput;
use crate::profile::{Profile, UpdateProfileInput};

fn service<'a>(ctx: &Context<'a>) -> AppResult<&'a TemplateService> {
    Ok(data::<alkemio_space::SpaceService>(ctx)?.templates())
}

/// A templates manager: default templates and a set of templates.
pub struct TemplatesManager(pub model::TemplatesManager);

#[Object(name = "TemplatesManager")]
impl TemplatesManager {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Which templates are used by default (needs READ).
    async fn template_defaults(&self, ctx: &Context<'_>) -> Result<Vec<TemplateDefault>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read template defaults",
        )
        .await?;
        Ok(service(ctx)?
            .defaults_of(self.0.id)
            .await?
            .into_iter()
            .map(TemplateDefault)
            .collect())
    }

    /// Its templates (needs READ).
    async fn templates_set(&self, ctx: &Context<'_>) -> Result<Option<TemplatesSet>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a templates set",
        )
        .await?;
        Ok(Some(TemplatesSet(
            service(ctx)?.set_or_fail(self.0.templates_set_id).await?,
        )))
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A set of templates.
pub struct TemplatesSet(pub model::TemplatesSet);

impl TemplatesSet {
    async fn of(&self, ctx: &Context<'_>, kind: Option<TemplateType>) -> Result<Vec<Template>> {
        require_on(ctx, self.0.authorization_id, P::Read, "read templates").await?;
        Ok(service(ctx)?
            .templates_of_set(self.0.id, kind)
            .await?
            .into_iter()
            .map(Template)
            .collect())
    }

    async fn count(&self, ctx: &Context<'_>, kind: Option<TemplateType>) -> Result<f64> {
        require_on(ctx, self.0.authorization_id, P::Read, "count templates").await?;
        #[allow(clippy::cast_precision_loss, reason = "counts are small")]
        Ok(service(ctx)?.count_templates(self.0.id, kind).await? as f64)
    }
}

#[Object(name = "TemplatesSet")]
impl TemplatesSet {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// All its templates, by name (needs READ).
    async fn templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, None).await
    }

    /// How many templates it has.
    async fn templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, None).await
    }

    /// Its callout templates.
    async fn callout_templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, Some(TemplateType::Callout)).await
    }

    /// How many callout templates it has.
    async fn callout_templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, Some(TemplateType::Callout)).await
    }

    /// Its community guidelines templates.
    async fn community_guidelines_templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, Some(TemplateType::CommunityGuidelines)).await
    }

    /// How many community guidelines templates it has.
    async fn community_guidelines_templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, Some(TemplateType::CommunityGuidelines))
            .await
    }

    /// Its post templates.
    async fn post_templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, Some(TemplateType::Post)).await
    }

    /// How many post templates it has.
    async fn post_templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, Some(TemplateType::Post)).await
    }

    /// Its space templates.
    async fn space_templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, Some(TemplateType::Space)).await
    }

    /// How many space templates it has.
    async fn space_templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, Some(TemplateType::Space)).await
    }

    /// Its whiteboard templates.
    async fn whiteboard_templates(&self, ctx: &Context<'_>) -> Result<Vec<Template>> {
        self.of(ctx, Some(TemplateType::Whiteboard)).await
    }

    /// How many whiteboard templates it has.
    async fn whiteboard_templates_count(&self, ctx: &Context<'_>) -> Result<f64> {
        self.count(ctx, Some(TemplateType::Whiteboard)).await
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// Which template is used by default for something.
pub struct TemplateDefault(pub model::TemplateDefault);

#[Object(name = "TemplateDefault")]
impl TemplateDefault {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// What it is used for.
    async fn r#type(&self) -> TemplateDefaultType {
        self.0.default_type
    }

    /// The kind of template it takes.
    async fn allowed_template_type(&self) -> TemplateType {
        self.0.allowed_template_type
    }

    /// The template chosen (needs READ; none until chosen).
    async fn template(&self, ctx: &Context<'_>) -> Result<Option<Template>> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a template default",
        )
        .await?;
        let Some(id) = self.0.template_id else {
            return Ok(None);
        };
        Ok(service(ctx)?
            .templates(&[id])
            .await?
            .remove(&id)
            .map(Template))
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// A template: a profile, and a post description or a whiteboard.
pub struct Template(pub model::Template);

#[Object(name = "Template")]
impl Template {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// Its NameID, unique in its set.
    #[graphql(name = "nameID")]
    async fn name_id(&self) -> NameId {
        NameId::from_trusted(self.0.name_id.clone())
    }

    /// What it holds.
    async fn r#type(&self) -> TemplateType {
        self.0.template_type
    }

    /// The description new posts start from (POST templates).
    async fn post_default_description(&self) -> Option<Markdown> {
        self.0.post_default_description.clone().map(Markdown)
    }

    /// Its whiteboard (WHITEBOARD templates; needs READ).
    async fn whiteboard(&self, ctx: &Context<'_>) -> Result<Option<crate::content::Whiteboard>> {
        let Some(id) = self.0.whiteboard_id else {
            return Ok(None);
        };
        require_on(ctx, self.0.authorization_id, P::Read, "read a template").await?;
        Ok(
            loaded(data::<Loaders>(ctx)?.whiteboards.load_one(id).await)?
                .map(crate::content::Whiteboard),
        )
    }

    /// Its callout (CALLOUT templates; needs READ).
    async fn callout(&self, ctx: &Context<'_>) -> Result<Option<crate::collaboration::Callout>> {
        let Some(id) = self.0.callout_id else {
            return Ok(None);
        };
        require_on(ctx, self.0.authorization_id, P::Read, "read a template").await?;
        Ok(Some(crate::collaboration::Callout(
            data::<alkemio_collaboration::CollaborationService>(ctx)?
                .callout_or_fail(id)
                .await?,
        )))
    }

    /// Its community guidelines (COMMUNITY_GUIDELINES templates; needs READ).
    async fn community_guidelines(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::space::CommunityGuidelines>> {
        let Some(id) = self.0.community_guidelines_id else {
            return Ok(None);
        };
        require_on(ctx, self.0.authorization_id, P::Read, "read a template").await?;
        Ok(data::<alkemio_space::SpaceService>(ctx)?
            .guidelines(&[id])
            .await?
            .remove(&id)
            .map(crate::space::CommunityGuidelines))
    }

    /// Its content space (SPACE templates; needs READ).
    async fn content_space(&self, ctx: &Context<'_>) -> Result<Option<TemplateContentSpace>> {
        let Some(id) = self.0.content_space_id else {
            return Ok(None);
        };
        require_on(ctx, self.0.authorization_id, P::Read, "read a template").await?;
        Ok(Some(TemplateContentSpace(
            service(ctx)?.content_space_or_fail(id).await?,
        )))
    }

    /// Its profile (needs READ).
    async fn profile(&self, ctx: &Context<'_>) -> Result<Profile> {
        require_on(ctx, self.0.authorization_id, P::Read, "read a template").await?;
        let found = loaded(
            data::<Loaders>(ctx)?
                .profiles
                .load_one(self.0.profile_id)
                .await,
        )?
        .ok_or_else(|| AppError::internal_msg("template profile missing"))?;
        Ok(Profile(found))
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The content of a space template: a space's about, settings, innovation flow and callouts,
/// and its subspaces'.
pub struct TemplateContentSpace(pub alkemio_template::content_space::TemplateContentSpace);

impl TemplateContentSpace {
    async fn require(&self, ctx: &Context<'_>) -> AppResult<()> {
        require_on(
            ctx,
            self.0.authorization_id,
            P::Read,
            "read a template content space",
        )
        .await
    }

    fn settings_model(&self) -> AppResult<alkemio_space::model::SpaceSettings> {
        serde_json::from_value(self.0.settings.clone()).map_err(|e| {
            AppError::internal_msg(format_args!(
                "settings of content space {} unreadable: {e}",
                self.0.id
            ))
        })
    }
}

#[Object(name = "TemplateContentSpace")]
impl TemplateContentSpace {
    /// Its id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }

    /// The level of the space it makes.
    async fn level(&self) -> Result<alkemio_space::SpaceLevel> {
        Ok(
            alkemio_space::SpaceLevel::from_number(self.0.level).ok_or_else(|| {
                AppError::internal_msg(format_args!("content space level {}", self.0.level))
            })?,
        )
    }

    /// Its subspaces (needs READ).
    async fn subspaces(&self, ctx: &Context<'_>) -> Result<Vec<TemplateContentSpace>> {
        self.require(ctx).await?;
        Ok(service(ctx)?
            .content_subspaces(&[self.0.id])
            .await?
            .into_iter()
            .map(TemplateContentSpace)
            .collect())
    }

    /// What the space is about (needs READ).
    async fn about(&self, ctx: &Context<'_>) -> Result<crate::space::SpaceAbout> {
        self.require(ctx).await?;
        let a = &self.0.about;
        Ok(crate::space::SpaceAbout::of_template(
            alkemio_space::model::SpaceAbout {
                id: a.id,
                why: a.why.clone(),
                who: a.who.clone(),
                profile_id: a.profile_id,
                guidelines_id: a.guidelines_id,
                authorization_id: a.authorization_id,
                created_date: self.0.created_date,
                updated_date: self.0.updated_date,
            },
            self.settings_model()?,
        ))
    }

    /// Its collaboration: innovation flow and callouts (needs READ).
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::collaboration::Collaboration> {
        self.require(ctx).await?;
        let id = self
            .0
            .collaboration_id
            .ok_or_else(|| AppError::internal_msg("a content space without collaboration"))?;
        Ok(crate::collaboration::Collaboration(
            data::<alkemio_collaboration::CollaborationService>(ctx)?
                .collaboration_or_fail(id)
                .await?,
        ))
    }

    /// The settings the space starts with (needs READ).
    async fn settings(&self, ctx: &Context<'_>) -> Result<crate::space::SpaceSettings> {
        self.require(ctx).await?;
        Ok(crate::space::SpaceSettings(self.settings_model()?))
    }

    /// Its authorization policy.
    async fn authorization(&self, ctx: &Context<'_>) -> Result<Option<Authorization>> {
        crate::authorization::authorization_of(ctx, self.0.authorization_id).await
    }

    /// When it was created.
    async fn created_date(&self) -> DateTime {
        DateTime(self.0.created_date)
    }

    /// When it last changed.
    async fn updated_date(&self) -> DateTime {
        DateTime(self.0.updated_date)
    }
}

/// The content of a new space template (and of its subspaces).
#[derive(InputObject)]
pub struct CreateTemplateContentSpaceInput {
    /// What the space is about.
    pub about: crate::space::CreateSpaceAboutInput,
    /// Its innovation flow and callouts.
    pub collaboration_data: crate::collaboration::CreateCollaborationInput,
    /// The level of the space it makes.
    pub level: alkemio_space::SpaceLevel,
    /// The settings the space starts with (on top of the level's defaults).
    pub settings: crate::space::CreateSpaceSettingsInput,
    /// Its subspaces, one level down.
    pub subspaces: Option<Vec<CreateTemplateContentSpaceInput>>,
}

impl CreateTemplateContentSpaceInput {
    /// The content space to create.
    pub(crate) fn into_new(self) -> AppResult<alkemio_template::content_space::NewContentSpace> {
        let about = crate::space::about_parts(self.about)?;
        let mut settings = match self.level {
            alkemio_space::SpaceLevel::L0 => alkemio_space::model::SpaceSettings::default_l0(),
            _ => alkemio_space::model::SpaceSettings::default_subspace(),
        };
        alkemio_space::model::SettingsChange::from(self.settings).apply(&mut settings);
        let mut callouts = Vec::new();
        for c in self
            .collaboration_data
            .callouts_set_data
            .callouts_data
            .unwrap_or_default()
        {
            callouts.push(c.into_new()?);
        }
        let mut subspaces = Vec::new();
        for s in self.subspaces.unwrap_or_default() {
            subspaces.push(s.into_new()?);
        }
        Ok(alkemio_template::content_space::NewContentSpace {
            level: self.level.number(),
            settings: serde_json::to_value(&settings)
                .map_err(|e| AppError::internal_msg(format_args!("{e}")))?,
            profile: about.profile,
            why: about.why,
            who: about.who,
            guidelines: about.guidelines,
            flow: self
                .collaboration_data
                .innovation_flow_data
                .map(crate::collaboration::CreateInnovationFlowInput::into_flow)
                .transpose()?,
            callouts,
            subspaces,
        })
    }
}

/// Changes to a space template's content space.
#[derive(InputObject)]
pub struct UpdateTemplateContentSpaceInput {
    /// Its about.
    pub about: Option<crate::space::UpdateSpaceAboutInput>,
    /// Which content space.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// Settings to change.
    pub settings: crate::space::UpdateSpaceSettingsEntityInput,
}

/// A content space by id (needs READ on it).
pub(crate) async fn lookup_content_space(
    ctx: &Context<'_>,
    id: Uuid,
) -> AppResult<TemplateContentSpace> {
    let space = service(ctx)?.content_space_or_fail(id).await?;
    require_on(
        ctx,
        space.authorization_id,
        P::Read,
        "read a template content space",
    )
    .await?;
    Ok(TemplateContentSpace(space))
}

/// A new template in a set.
#[derive(InputObject)]
pub struct CreateTemplateOnTemplatesSetInput {
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// The description new posts start from (POST templates).
    pub post_default_description: Option<Markdown>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Tags for its default tagset.
    pub tags: Option<Vec<String>>,
    /// The set.
    #[graphql(name = "templatesSetID")]
    pub templates_set_id: UuidScalar,
    /// What it holds.
    pub r#type: TemplateType,
    /// Its whiteboard (WHITEBOARD templates).
    pub whiteboard: Option<crate::content::CreateWhiteboardInput>,
    /// Its callout (CALLOUT templates).
    pub callout_data: Option<crate::collaboration::CreateCalloutInput>,
    /// Its community guidelines (COMMUNITY_GUIDELINES templates).
    pub community_guidelines_data: Option<crate::space::CreateCommunityGuidelinesInput>,
    /// Its content space (SPACE templates).
    pub content_space_data: Option<CreateTemplateContentSpaceInput>,
}

/// Changes to a template.
#[derive(InputObject)]
pub struct UpdateTemplateInput {
    /// The template.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
    /// The description new posts start from (POST templates).
    pub post_default_description: Option<Markdown>,
    /// Profile changes.
    pub profile: Option<UpdateProfileInput>,
    /// A new scene (WHITEBOARD templates).
    pub whiteboard_content: Option<WhiteboardContent>,
}

/// The template to delete.
#[derive(InputObject)]
pub struct DeleteTemplateInput {
    /// Its id.
    #[graphql(name = "ID")]
    pub id: UuidScalar,
}

/// A default's new template.
#[derive(InputObject)]
pub struct UpdateTemplateDefaultTemplateInput {
    /// The default.
    #[graphql(name = "templateDefaultID")]
    pub template_default_id: UuidScalar,
    /// The template (of the kind the default takes, in its manager's set).
    #[graphql(name = "templateID")]
    pub template_id: UuidScalar,
}

/// Where the files of a set's templates go: with the space whose manager holds the set, or
/// with the account of the pack holding it.
async fn set_aggregator(ctx: &Context<'_>, set: Uuid) -> AppResult<Option<Uuid>> {
    Ok(match service(ctx)?.manager_of_set(set).await? {
        Some(m) => data::<alkemio_space::SpaceService>(ctx)?
            .space_of_templates_manager(m.id)
            .await?
            .and_then(|s| s.storage_aggregator_id),
        // a pack's templates keep their files with the pack's account
        None => match data::<alkemio_library::LibraryService>(ctx)?
            .by_templates_set(set)
            .await?
            .and_then(|p| p.account_id)
        {
            Some(account) => data::<alkemio_contributor::UserService>(ctx)?
                .account(account)
                .await?
                .and_then(|a| a.storage_aggregator_id),
            None => None,
        },
    })
}

/// A space template made from a space.
#[derive(InputObject)]
pub struct CreateTemplateFromSpaceOnTemplatesSetInput {
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Whether the space's subspaces are copied too (yes when absent).
    pub recursive: Option<bool>,
    /// The space to copy.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// Tags for its default tagset.
    pub tags: Option<Vec<String>>,
    /// The set.
    #[graphql(name = "templatesSetID")]
    pub templates_set_id: UuidScalar,
}

/// A space template made from another's content space.
#[derive(InputObject)]
pub struct CreateTemplateFromContentSpaceOnTemplatesSetInput {
    /// The content space to copy (with its subspaces).
    #[graphql(name = "contentSpaceID")]
    pub content_space_id: UuidScalar,
    /// Its NameID (generated from the display name when absent).
    #[graphql(name = "nameID")]
    pub name_id: Option<NameId>,
    /// Its profile.
    pub profile_data: CreateProfileInput,
    /// Tags for its default tagset.
    pub tags: Option<Vec<String>>,
    /// The set.
    #[graphql(name = "templatesSetID")]
    pub templates_set_id: UuidScalar,
}

/// A space template whose content is made again from a space.
#[derive(InputObject)]
pub struct UpdateTemplateFromSpaceInput {
    /// Whether the space's subspaces are copied too (yes when absent).
    pub recursive: Option<bool>,
    /// The space to copy.
    #[graphql(name = "spaceID")]
    pub space_id: UuidScalar,
    /// The template.
    #[graphql(name = "templateID")]
    pub template_id: UuidScalar,
}

/// A collaboration to bring in line with a space template.
#[derive(InputObject)]
pub struct UpdateCollaborationFromSpaceTemplateInput {
    /// Whether the template's callouts are added.
    #[graphql(default_with = "Some(false)")]
    pub add_callouts: Option<bool>,
    /// The collaboration.
    #[graphql(name = "collaborationID")]
    pub collaboration_id: UuidScalar,
    /// Whether the collaboration's callouts are deleted first.
    #[graphql(default_with = "Some(false)")]
    pub delete_existing_callouts: Option<bool>,
    /// The space template.
    #[graphql(name = "spaceTemplateID")]
    pub space_template_id: UuidScalar,
}

/// Template mutations.
#[derive(Debug, Default)]
pub struct TemplateMutation;

#[Object]
impl TemplateMutation {
    /// Creates a template in a set (needs CREATE on the set).
    async fn create_template(
        &self,
        ctx: &Context<'_>,
        template_data: CreateTemplateOnTemplatesSetInput,
    ) -> Result<Template> {
        let d = template_data;
        let svc = service(ctx)?;
        let set = d.templates_set_id.0;
        let aggregator = set_aggregator(ctx, set).await?;
        let new = NewTemplate {
            template_type: d.r#type,
            name_id: d.name_id.map(NameId::into_inner),
            profile: d.profile_data.into_new_profile()?.0,
            tags: d.tags.unwrap_or_default(),
            post_default_description: d.post_default_description.map(|m| m.0),
            whiteboard: d
                .whiteboard
                .map(crate::content::CreateWhiteboardInput::into_new)
                .transpose()?,
            callout: d
                .callout_data
                .map(crate::collaboration::CreateCalloutInput::into_new)
                .transpose()?,
            guidelines: d
                .community_guidelines_data
                .map(|g| g.profile.into_new_profile().map(|p| p.0))
                .transpose()?,
            content_space: d
                .content_space_data
                .map(CreateTemplateContentSpaceInput::into_new)
                .transpose()?,
        };
        Ok(Template(
            svc.create_template(&actor(ctx), set, new, aggregator)
                .await?,
        ))
    }

    /// Makes a space template from a space: its about, settings, innovation flow and callouts,
    /// and its subspaces' unless `recursive` is false (needs CREATE on the set and READ on the
    /// space).
    async fn create_template_from_space(
        &self,
        ctx: &Context<'_>,
        template_data: CreateTemplateFromSpaceOnTemplatesSetInput,
    ) -> Result<Template> {
        let d = template_data;
        let set = d.templates_set_id.0;
        let aggregator = set_aggregator(ctx, set).await?;
        let named = alkemio_space::templates::TemplateFromSpace {
            name_id: d.name_id.map(NameId::into_inner),
            profile: d.profile_data.into_new_profile()?.0,
            tags: d.tags.unwrap_or_default(),
        };
        Ok(Template(
            data::<alkemio_space::SpaceService>(ctx)?
                .create_template_from_space(
                    &actor(ctx),
                    set,
                    alkemio_kernel::ids::ActorId(d.space_id.0),
                    d.recursive.unwrap_or(true),
                    named,
                    aggregator,
                )
                .await?,
        ))
    }

    /// Makes a space template from another template's content space, with its subspaces
    /// (needs CREATE on the set and READ on the content space).
    async fn create_template_from_content_space(
        &self,
        ctx: &Context<'_>,
        template_data: CreateTemplateFromContentSpaceOnTemplatesSetInput,
    ) -> Result<Template> {
        let d = template_data;
        let source = lookup_content_space(ctx, d.content_space_id.0).await?;
        let set = d.templates_set_id.0;
        let aggregator = set_aggregator(ctx, set).await?;
        let svc = service(ctx)?;
        let content = svc.content_copy(source.0.id).await?;
        let new = NewTemplate {
            template_type: TemplateType::Space,
            name_id: d.name_id.map(NameId::into_inner),
            profile: d.profile_data.into_new_profile()?.0,
            tags: d.tags.unwrap_or_default(),
            post_default_description: None,
            whiteboard: None,
            callout: None,
            guidelines: None,
            content_space: Some(content),
        };
        Ok(Template(
            svc.create_template(&actor(ctx), set, new, aggregator)
                .await?,
        ))
    }

    /// Makes a space template's content again from a space, with its subspaces unless
    /// `recursive` is false (needs UPDATE on the template and READ on the space).
    async fn update_template_from_space(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateTemplateFromSpaceInput,
    ) -> Result<Template> {
        let d = update_data;
        let template = service(ctx)?.template_or_fail(d.template_id.0).await?;
        let aggregator = set_aggregator(ctx, template.templates_set_id).await?;
        Ok(Template(
            data::<alkemio_space::SpaceService>(ctx)?
                .update_template_from_space(
                    &actor(ctx),
                    template.id,
                    alkemio_kernel::ids::ActorId(d.space_id.0),
                    d.recursive.unwrap_or(true),
                    aggregator,
                )
                .await?,
        ))
    }

    /// Brings a collaboration in line with a space template: its innovation flow takes the
    /// template's states, its callouts are deleted when asked and the template's added when
    /// asked (needs UPDATE on the collaboration).
    async fn update_collaboration_from_space_template(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateCollaborationFromSpaceTemplateInput,
    ) -> Result<crate::collaboration::Collaboration> {
        let d = update_data;
        Ok(crate::collaboration::Collaboration(
            data::<alkemio_space::SpaceService>(ctx)?
                .update_collaboration_from_template(
                    &actor(ctx),
                    d.collaboration_id.0,
                    d.space_template_id.0,
                    d.add_callouts.unwrap_or(false),
                    d.delete_existing_callouts.unwrap_or(false),
                )
                .await?,
        ))
    }

    /// Changes a space template's content space: its about and settings (needs UPDATE on it).
    async fn update_template_content_space(
        &self,
        ctx: &Context<'_>,
        template_content_space_data: UpdateTemplateContentSpaceInput,
    ) -> Result<TemplateContentSpace> {
        let d = template_content_space_data;
        let svc = service(ctx)?;
        let current = TemplateContentSpace(svc.content_space_or_fail(d.id.0).await?);
        let mut settings = current.settings_model()?;
        alkemio_space::model::SettingsChange::from(d.settings).apply(&mut settings);
        let (why, who, profile) = match d.about {
            Some(a) => (
                a.why.map(|w| w.0),
                a.who.map(|w| w.0),
                a.profile.map(Into::into),
            ),
            None => (None, None, None),
        };
        let changes = alkemio_template::content_space::ContentSpaceChanges {
            profile,
            why,
            who,
            settings: Some(
                serde_json::to_value(&settings)
                    .map_err(|e| AppError::internal_msg(format_args!("{e}")))?,
            ),
        };
        Ok(TemplateContentSpace(
            svc.update_content_space(&actor(ctx), d.id.0, changes)
                .await?,
        ))
    }

    /// Changes a template's profile, post description or whiteboard (needs UPDATE on it).
    async fn update_template(
        &self,
        ctx: &Context<'_>,
        update_data: UpdateTemplateInput,
    ) -> Result<Template> {
        let d = update_data;
        Ok(Template(
            service(ctx)?
                .update_template(
                    &actor(ctx),
                    d.id.0,
                    TemplateChanges {
                        profile: d.profile.map(Into::into),
                        post_default_description: d.post_default_description.map(|m| m.0),
                        whiteboard_content: d.whiteboard_content.map(|c| c.0),
                    },
                )
                .await?,
        ))
    }

    /// Deletes a template no default uses (needs DELETE on it).
    async fn delete_template(
        &self,
        ctx: &Context<'_>,
        delete_data: DeleteTemplateInput,
    ) -> Result<Template> {
        Ok(Template(
            service(ctx)?
                .delete_template(&actor(ctx), delete_data.id.0)
                .await?,
        ))
    }

    /// Chooses the template of a default (needs UPDATE on the default).
    async fn update_template_default(
        &self,
        ctx: &Context<'_>,
        template_default_data: UpdateTemplateDefaultTemplateInput,
    ) -> Result<TemplateDefault> {
        let d = template_default_data;
        Ok(TemplateDefault(
            service(ctx)?
                .update_template_default(&actor(ctx), d.template_default_id.0, d.template_id.0)
                .await?,
        ))
    }
}

/// A template by id (needs READ).
pub(crate) async fn lookup_template(ctx: &Context<'_>, id: Uuid) -> Result<Template> {
    let t = service(ctx)?.template_or_fail(id).await?;
    require_on(ctx, t.authorization_id, P::Read, "read a template").await?;
    Ok(Template(t))
}

/// A templates manager by id (needs READ).
pub(crate) async fn lookup_manager(ctx: &Context<'_>, id: Uuid) -> Result<TemplatesManager> {
    let m = service(ctx)?.manager_or_fail(id).await?;
    require_on(ctx, m.authorization_id, P::Read, "read a templates manager").await?;
    Ok(TemplatesManager(m))
}

/// A templates set by id (needs READ).
pub(crate) async fn lookup_set(ctx: &Context<'_>, id: Uuid) -> Result<TemplatesSet> {
    let s = service(ctx)?.set_or_fail(id).await?;
    require_on(ctx, s.authorization_id, P::Read, "read a templates set").await?;
    Ok(TemplatesSet(s))
}

/// The policy of a template, manager or set (for `lookup.myPrivileges`).
pub(crate) async fn policy_of(ctx: &Context<'_>, kind: &str, id: Uuid) -> AppResult<Option<Uuid>> {
    let svc = service(ctx)?;
    Ok(match kind {
        "templatesManager" => svc.manager_or_fail(id).await?.authorization_id,
        "templatesSet" => svc.set_or_fail(id).await?.authorization_id,
        _ => svc.template_or_fail(id).await?.authorization_id,
    })
}

/// The id of a template of a set by NameID (needs READ on it).
pub(crate) async fn template_id_by_name(
    ctx: &Context<'_>,
    set: Uuid,
    name: &str,
) -> Result<Option<String>> {
    let t = service(ctx)?
        .template_by_name(set, name)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Template {name} not found")))?;
    require_on(ctx, t.authorization_id, P::Read, "read a template").await?;
    Ok(Some(t.id.to_string()))
}
