//! SQL of the template module.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::content_space::{ContentAbout, TemplateContentSpace};
use crate::model::{
    Template, TemplateDefault, TemplatePart, TemplateType, TemplatesManager, TemplatesSet,
};

use alkemio_persistence::entity;

entity!(manager, "templates_manager", {
    templates_set_id: Uuid,
    authorization_id: Option<Uuid>,
});
entity!(set, "templates_set", {
    authorization_id: Option<Uuid>,
});
entity!(default_row, "template_default", {
    templates_manager_id: Uuid,
    default_type: String => "type",
    allowed_template_type: String,
    template_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(template, "template", {
    templates_set_id: Uuid,
    name_id: String,
    template_type: String => "type",
    post_default_description: Option<String>,
    profile_id: Uuid,
    whiteboard_id: Option<Uuid>,
    callout_id: Option<Uuid>,
    community_guidelines_id: Option<Uuid>,
    content_space_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("stored {what} unreadable: {e}"))
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Stores a set (of a manager or of an innovation pack).
pub async fn insert_set(conn: &impl ConnectionTrait, s: &TemplatesSet) -> AppResult<()> {
    set::Entity::insert(set::ActiveModel {
        id: Set(s.id),
        created_date: Set(s.created_date),
        updated_date: Set(s.updated_date),
        version: Set(1),
        authorization_id: Set(s.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes sets that no manager holds (the caller deletes their templates first).
pub async fn delete_sets(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    set::Entity::delete_many()
        .filter(set::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores a manager with its set and defaults.
pub async fn insert_manager(
    conn: &impl ConnectionTrait,
    m: &TemplatesManager,
    s: &TemplatesSet,
    defaults: &[TemplateDefault],
) -> AppResult<()> {
    insert_set(conn, s).await?;
    manager::Entity::insert(manager::ActiveModel {
        id: Set(m.id),
        created_date: Set(m.created_date),
        updated_date: Set(m.updated_date),
        version: Set(1),
        templates_set_id: Set(m.templates_set_id),
        authorization_id: Set(m.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    for d in defaults {
        default_row::Entity::insert(default_row::ActiveModel {
            id: Set(d.id),
            created_date: Set(d.created_date),
            updated_date: Set(d.updated_date),
            version: Set(1),
            templates_manager_id: Set(d.templates_manager_id),
            default_type: Set(d.default_type.as_str().to_owned()),
            allowed_template_type: Set(d.allowed_template_type.as_str().to_owned()),
            template_id: Set(d.template_id),
            authorization_id: Set(d.authorization_id),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Managers by id.
pub async fn managers(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, TemplatesManager>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(manager::Entity::find()
        .filter(manager::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                TemplatesManager {
                    id: r.id,
                    templates_set_id: r.templates_set_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// The manager holding a set.
pub async fn manager_of_set(
    conn: &impl ConnectionTrait,
    set_id: Uuid,
) -> AppResult<Option<TemplatesManager>> {
    let id: Option<Uuid> = manager::Entity::find()
        .filter(manager::Column::TemplatesSetId.eq(set_id))
        .one(conn)
        .await?
        .map(|r| r.id);
    Ok(match id {
        Some(id) => managers(conn, &[id]).await?.remove(&id),
        None => None,
    })
}

/// Sets by id.
pub async fn sets(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, TemplatesSet>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(set::Entity::find()
        .filter(set::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                TemplatesSet {
                    id: r.id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

fn to_default(r: default_row::Model) -> AppResult<TemplateDefault> {
    Ok(TemplateDefault {
        id: r.id,
        templates_manager_id: r.templates_manager_id,
        default_type: r
            .default_type
            .parse()
            .map_err(|e| corrupt("template default type", e))?,
        allowed_template_type: r
            .allowed_template_type
            .parse()
            .map_err(|e| corrupt("template type", e))?,
        template_id: r.template_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// The defaults of managers, in creation order.
pub async fn defaults_of(
    conn: &impl ConnectionTrait,
    managers: &[Uuid],
) -> AppResult<Vec<TemplateDefault>> {
    if managers.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = default_row::Entity::find()
        .filter(default_row::Column::TemplatesManagerId.is_in(managers.iter().copied()))
        .all(conn)
        .await?;
    rows.sort_by_key(|r| (r.created_date, r.id));
    rows.into_iter().map(to_default).collect()
}

/// A default by id.
pub async fn default_by_id(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<TemplateDefault>> {
    default_row::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(to_default)
        .transpose()
}

/// Points a default at a template.
pub async fn set_default_template(
    conn: &impl ConnectionTrait,
    id: Uuid,
    template: Uuid,
) -> AppResult<()> {
    default_row::Entity::update_many()
        .col_expr(default_row::Column::TemplateId, Expr::value(template))
        .col_expr(default_row::Column::UpdatedDate, Expr::value(now()))
        .filter(default_row::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether a default uses a template.
pub async fn template_in_default(conn: &impl ConnectionTrait, template: Uuid) -> AppResult<bool> {
    Ok(default_row::Entity::find()
        .filter(default_row::Column::TemplateId.eq(template))
        .one(conn)
        .await?
        .is_some())
}

fn to_template(r: template::Model) -> AppResult<Template> {
    Ok(Template {
        id: r.id,
        templates_set_id: r.templates_set_id,
        name_id: r.name_id,
        template_type: r
            .template_type
            .parse()
            .map_err(|e| corrupt("template type", e))?,
        post_default_description: r.post_default_description,
        profile_id: r.profile_id,
        whiteboard_id: r.whiteboard_id,
        callout_id: r.callout_id,
        community_guidelines_id: r.community_guidelines_id,
        content_space_id: r.content_space_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// Stores a template.
pub async fn insert_template(conn: &impl ConnectionTrait, t: &Template) -> AppResult<()> {
    template::Entity::insert(template::ActiveModel {
        id: Set(t.id),
        created_date: Set(t.created_date),
        updated_date: Set(t.updated_date),
        version: Set(1),
        templates_set_id: Set(t.templates_set_id),
        name_id: Set(t.name_id.clone()),
        template_type: Set(t.template_type.as_str().to_owned()),
        post_default_description: Set(t.post_default_description.clone()),
        profile_id: Set(t.profile_id),
        whiteboard_id: Set(t.whiteboard_id),
        callout_id: Set(t.callout_id),
        community_guidelines_id: Set(t.community_guidelines_id),
        content_space_id: Set(t.content_space_id),
        authorization_id: Set(t.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The template owning a profile.
pub async fn template_by_profile(
    conn: &impl ConnectionTrait,
    profile: Uuid,
) -> AppResult<Option<Template>> {
    template::Entity::find()
        .filter(template::Column::ProfileId.eq(profile))
        .one(conn)
        .await?
        .map(to_template)
        .transpose()
}

/// Writes a template's post description.
pub async fn update_template(conn: &impl ConnectionTrait, t: &Template) -> AppResult<()> {
    template::Entity::update_many()
        .col_expr(
            template::Column::PostDefaultDescription,
            Expr::value(t.post_default_description.clone()),
        )
        .col_expr(template::Column::UpdatedDate, Expr::value(now()))
        .filter(template::Column::Id.eq(t.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The template holding a callout, community guidelines or content space.
pub async fn template_by_part(
    conn: &impl ConnectionTrait,
    part: TemplatePart,
    id: Uuid,
) -> AppResult<Option<Template>> {
    let column = match part {
        TemplatePart::Callout => template::Column::CalloutId,
        TemplatePart::CommunityGuidelines => template::Column::CommunityGuidelinesId,
        TemplatePart::ContentSpace => template::Column::ContentSpaceId,
    };
    template::Entity::find()
        .filter(column.eq(id))
        .one(conn)
        .await?
        .map(to_template)
        .transpose()
}

/// Points a template at its (new) content space.
pub async fn set_template_content_space(
    conn: &impl ConnectionTrait,
    template: Uuid,
    space: Uuid,
) -> AppResult<()> {
    template::Entity::update_many()
        .col_expr(template::Column::ContentSpaceId, Expr::value(space))
        .col_expr(template::Column::UpdatedDate, Expr::value(now()))
        .filter(template::Column::Id.eq(template))
        .exec(conn)
        .await?;
    Ok(())
}

/// Templates by id.
pub async fn templates(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Template>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    template::Entity::find()
        .filter(template::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_template(r).map(|t| (t.id, t)))
        .collect()
}

/// The templates of sets, optionally of one kind.
pub async fn templates_of_sets(
    conn: &impl ConnectionTrait,
    sets: &[Uuid],
    kind: Option<TemplateType>,
) -> AppResult<Vec<Template>> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = template::Entity::find()
        .filter(template::Column::TemplatesSetId.is_in(sets.iter().copied()));
    if let Some(k) = kind {
        q = q.filter(template::Column::TemplateType.eq(k.as_str()));
    }
    q.all(conn).await?.into_iter().map(to_template).collect()
}

/// How many templates each of some sets holds (one grouped statement; sets without templates
/// are absent).
pub async fn count_templates_of_sets(
    conn: &impl ConnectionTrait,
    sets: &[Uuid],
) -> AppResult<HashMap<Uuid, u64>> {
    use sea_orm::QuerySelect;
    if sets.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = template::Entity::find()
        .select_only()
        .column(template::Column::TemplatesSetId)
        .column_as(template::Column::Id.count(), "n")
        .filter(template::Column::TemplatesSetId.is_in(sets.iter().copied()))
        .group_by(template::Column::TemplatesSetId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// How many templates sets hold, optionally of one kind.
pub async fn count_templates(
    conn: &impl ConnectionTrait,
    set_id: Uuid,
    kind: Option<TemplateType>,
) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    let mut q = template::Entity::find().filter(template::Column::TemplatesSetId.eq(set_id));
    if let Some(k) = kind {
        q = q.filter(template::Column::TemplateType.eq(k.as_str()));
    }
    Ok(q.count(conn).await?)
}

/// Deletes templates; returns nothing left to delete but their rows (the caller deletes their
/// profiles, whiteboards and policies).
pub async fn delete_templates(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    template::Entity::delete_many()
        .filter(template::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes managers with their sets and defaults (not the templates: the caller deletes those
/// first).
pub async fn delete_managers(
    conn: &impl ConnectionTrait,
    ms: &[TemplatesManager],
) -> AppResult<()> {
    if ms.is_empty() {
        return Ok(());
    }
    default_row::Entity::delete_many()
        .filter(default_row::Column::TemplatesManagerId.is_in(ms.iter().map(|m| m.id)))
        .exec(conn)
        .await?;
    manager::Entity::delete_many()
        .filter(manager::Column::Id.is_in(ms.iter().map(|m| m.id)))
        .exec(conn)
        .await?;
    set::Entity::delete_many()
        .filter(set::Column::Id.is_in(ms.iter().map(|m| m.templates_set_id)))
        .exec(conn)
        .await?;
    Ok(())
}

entity!(content_space, "template_content_space", {
    level: i32,
    parent_space_id: Option<Uuid>,
    settings: Json,
    about_id: Uuid,
    why: Option<String>,
    who: Option<String>,
    about_profile_id: Option<Uuid>,
    guidelines_id: Option<Uuid>,
    about_authorization_id: Option<Uuid>,
    collaboration_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});

fn to_content_space(r: content_space::Model) -> TemplateContentSpace {
    TemplateContentSpace {
        id: r.id,
        level: r.level,
        parent_space_id: r.parent_space_id,
        settings: r.settings,
        about: ContentAbout {
            id: r.about_id,
            why: r.why,
            who: r.who,
            profile_id: r.about_profile_id,
            guidelines_id: r.guidelines_id,
            authorization_id: r.about_authorization_id,
        },
        collaboration_id: r.collaboration_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Stores a content space.
pub async fn insert_content_space(
    conn: &impl ConnectionTrait,
    s: &TemplateContentSpace,
) -> AppResult<()> {
    content_space::Entity::insert(content_space::ActiveModel {
        id: Set(s.id),
        created_date: Set(s.created_date),
        updated_date: Set(s.updated_date),
        version: Set(1),
        level: Set(s.level),
        parent_space_id: Set(s.parent_space_id),
        settings: Set(s.settings.clone()),
        about_id: Set(s.about.id),
        why: Set(s.about.why.clone()),
        who: Set(s.about.who.clone()),
        about_profile_id: Set(s.about.profile_id),
        guidelines_id: Set(s.about.guidelines_id),
        about_authorization_id: Set(s.about.authorization_id),
        collaboration_id: Set(s.collaboration_id),
        authorization_id: Set(s.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Content spaces by id.
pub async fn content_spaces(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, TemplateContentSpace>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(content_space::Entity::find()
        .filter(content_space::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_content_space(r)))
        .collect())
}

/// The content spaces whose about has one of these ids.
pub async fn content_spaces_by_about(
    conn: &impl ConnectionTrait,
    abouts: &[Uuid],
) -> AppResult<Vec<TemplateContentSpace>> {
    if abouts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(content_space::Entity::find()
        .filter(content_space::Column::AboutId.is_in(abouts.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_content_space)
        .collect())
}

/// The content space holding a collaboration.
pub async fn content_space_by_collaboration(
    conn: &impl ConnectionTrait,
    collaboration: Uuid,
) -> AppResult<Option<TemplateContentSpace>> {
    Ok(content_space::Entity::find()
        .filter(content_space::Column::CollaborationId.eq(collaboration))
        .one(conn)
        .await?
        .map(to_content_space))
}

/// The subspaces of content spaces, oldest first.
pub async fn content_subspaces(
    conn: &impl ConnectionTrait,
    parents: &[Uuid],
) -> AppResult<Vec<TemplateContentSpace>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    Ok(content_space::Entity::find()
        .filter(content_space::Column::ParentSpaceId.is_in(parents.iter().copied()))
        .order_by_asc(content_space::Column::CreatedDate)
        .order_by_asc(content_space::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_content_space)
        .collect())
}

/// Writes a content space's about texts and settings.
pub async fn update_content_space(
    conn: &impl ConnectionTrait,
    s: &TemplateContentSpace,
) -> AppResult<()> {
    content_space::Entity::update_many()
        .col_expr(content_space::Column::Why, Expr::value(s.about.why.clone()))
        .col_expr(content_space::Column::Who, Expr::value(s.about.who.clone()))
        .col_expr(
            content_space::Column::Settings,
            Expr::value(s.settings.clone()),
        )
        .col_expr(content_space::Column::UpdatedDate, Expr::value(now()))
        .filter(content_space::Column::Id.eq(s.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes content space rows.
pub async fn delete_content_spaces(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    content_space::Entity::delete_many()
        .filter(content_space::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
