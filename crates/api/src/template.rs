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
        let aggregator = match svc.manager_of_set(set).await? {
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
        };
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
            other_data: false,
        };
        Ok(Template(
            svc.create_template(&actor(ctx), set, new, aggregator)
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
