//! SQL of the collaboration module: collaborations, callouts sets, callouts with their framing
//! and contribution defaults, contributions and posts.

use std::collections::HashMap;

use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::{
    Callout, CalloutFraming, CalloutsSet, Collaboration, Contribution, ContributionDefaults, Link,
    Memo, Post, Whiteboard,
};

use alkemio_persistence::entity;

entity!(collaboration, "collaboration", {
    callouts_set_id: Uuid,
    is_template: bool,
    innovation_flow_id: Option<Uuid>,
    license_id: Option<Uuid>,
    timeline_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(callouts_set, "callouts_set", {
    set_type: String => "type",
    authorization_id: Option<Uuid>,
});
entity!(callout, "callout", {
    callouts_set_id: Uuid,
    name_id: String,
    is_template: bool,
    settings: String,
    sort_order: f64,
    created_by: Option<Uuid>,
    published_by: Option<Uuid>,
    published_date: Option<DateTimeUtc>,
    framing_id: Uuid,
    contribution_defaults_id: Uuid,
    comments_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
    classification_id: Option<Uuid>,
    classification_tagset_id: Option<Uuid>,
    classification_authorization_id: Option<Uuid>,
    flow_state: Option<String>,
});
entity!(framing, "callout_framing", {
    framing_type: String => "type",
    profile_id: Uuid,
    authorization_id: Option<Uuid>,
    link_id: Option<Uuid>,
    whiteboard_id: Option<Uuid>,
    memo_id: Option<Uuid>,
    media_gallery_id: Option<Uuid>,
    poll_id: Option<Uuid>,
    collabora_document_id: Option<Uuid>,
});
entity!(collabora, "collabora_document", {
    document_type: String,
    original_mime_type: String,
    created_by: Option<Uuid>,
    profile_id: Uuid,
    document_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});
entity!(defaults, "callout_contribution_defaults", {
    default_display_name: Option<String>,
    post_description: Option<String>,
    whiteboard_content: Option<String>,
});
entity!(contribution, "callout_contribution", {
    callout_id: Uuid,
    contribution_type: String => "type",
    sort_order: f64,
    created_by: Option<Uuid>,
    post_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
    link_id: Option<Uuid>,
    whiteboard_id: Option<Uuid>,
    memo_id: Option<Uuid>,
    collabora_document_id: Option<Uuid>,
});
entity!(memo, "memo", {
    name_id: String,
    markdown: Option<String>,
    created_by: Option<Uuid>,
    content_update_policy: String,
    profile_id: Uuid,
    authorization_id: Option<Uuid>,
});
entity!(link, "link", {
    uri: String,
    profile_id: Uuid,
    authorization_id: Option<Uuid>,
});
entity!(whiteboard, "whiteboard", {
    name_id: String,
    content: String,
    created_by: Option<Uuid>,
    content_update_policy: String,
    preview_settings: String,
    guest_access: bool,
    profile_id: Uuid,
    authorization_id: Option<Uuid>,
});
entity!(post, "post", {
    name_id: String,
    profile_id: Uuid,
    comments_id: Uuid,
    created_by: Option<Uuid>,
    authorization_id: Option<Uuid>,
});

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("stored {what} unreadable: {e}"))
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

// ---- collaborations and callouts sets ----

/// Stores a callouts set that no collaboration holds (a knowledge base's).
pub async fn insert_set(conn: &impl ConnectionTrait, set: &CalloutsSet) -> AppResult<()> {
    callouts_set::Entity::insert(callouts_set::ActiveModel {
        id: Set(set.id),
        created_date: Set(set.created_date),
        updated_date: Set(set.updated_date),
        version: Set(1),
        set_type: Set(set.set_type.as_str().to_owned()),
        authorization_id: Set(set.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes a callouts set's row.
pub async fn delete_set(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    callouts_set::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Stores a collaboration with its callouts set.
pub async fn insert_collaboration(
    conn: &impl ConnectionTrait,
    c: &Collaboration,
    set: &CalloutsSet,
) -> AppResult<()> {
    callouts_set::Entity::insert(callouts_set::ActiveModel {
        id: Set(set.id),
        created_date: Set(set.created_date),
        updated_date: Set(set.updated_date),
        version: Set(1),
        set_type: Set(set.set_type.as_str().to_owned()),
        authorization_id: Set(set.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    collaboration::Entity::insert(collaboration::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        callouts_set_id: Set(c.callouts_set_id),
        is_template: Set(c.is_template),
        innovation_flow_id: Set(c.innovation_flow_id),
        license_id: Set(c.license_id),
        timeline_id: Set(c.timeline_id),
        authorization_id: Set(c.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

fn to_collaboration(r: collaboration::Model) -> Collaboration {
    Collaboration {
        id: r.id,
        callouts_set_id: r.callouts_set_id,
        is_template: r.is_template,
        innovation_flow_id: r.innovation_flow_id,
        license_id: r.license_id,
        timeline_id: r.timeline_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Collaborations by id.
pub async fn collaborations(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Collaboration>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(collaboration::Entity::find()
        .filter(collaboration::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_collaboration(r)))
        .collect())
}

/// The collaboration owning a callouts set.
pub async fn collaboration_of_set(
    conn: &impl ConnectionTrait,
    set: Uuid,
) -> AppResult<Option<Collaboration>> {
    Ok(collaboration::Entity::find()
        .filter(collaboration::Column::CalloutsSetId.eq(set))
        .one(conn)
        .await?
        .map(to_collaboration))
}

/// Records policy ids of a collaboration and its set.
pub async fn set_collaboration_policies(
    conn: &impl ConnectionTrait,
    c: &Collaboration,
    set_policy: Uuid,
) -> AppResult<()> {
    collaboration::Entity::update_many()
        .col_expr(
            collaboration::Column::AuthorizationId,
            Expr::value(c.authorization_id),
        )
        .filter(collaboration::Column::Id.eq(c.id))
        .exec(conn)
        .await?;
    callouts_set::Entity::update_many()
        .col_expr(
            callouts_set::Column::AuthorizationId,
            Expr::value(set_policy),
        )
        .filter(callouts_set::Column::Id.eq(c.callouts_set_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Callouts sets by id.
pub async fn callouts_sets(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, CalloutsSet>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for r in callouts_set::Entity::find()
        .filter(callouts_set::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
    {
        out.insert(
            r.id,
            CalloutsSet {
                id: r.id,
                set_type: r.set_type.parse().map_err(|e| corrupt("set type", e))?,
                authorization_id: r.authorization_id,
                created_date: r.created_date,
                updated_date: r.updated_date,
            },
        );
    }
    Ok(out)
}

/// Collaborations whose policies were never computed.
pub async fn collaborations_without_policy(conn: &impl ConnectionTrait) -> AppResult<Vec<Uuid>> {
    Ok(collaboration::Entity::find()
        .select_only()
        .column(collaboration::Column::Id)
        .filter(collaboration::Column::AuthorizationId.is_null())
        .into_tuple()
        .all(conn)
        .await?)
}

/// Deletes collaborations with their callouts sets (their callouts go first, by the caller).
pub async fn delete_collaborations(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let found = collaborations(conn, ids).await?;
    let set_ids: Vec<Uuid> = found.values().map(|c| c.callouts_set_id).collect();
    let sets = callouts_sets(conn, &set_ids).await?;
    let mut policies: Vec<Uuid> = found.values().filter_map(|c| c.authorization_id).collect();
    policies.extend(sets.values().filter_map(|s| s.authorization_id));
    if !ids.is_empty() {
        collaboration::Entity::delete_many()
            .filter(collaboration::Column::Id.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
    }
    if !set_ids.is_empty() {
        callouts_set::Entity::delete_many()
            .filter(callouts_set::Column::Id.is_in(set_ids))
            .exec(conn)
            .await?;
    }
    Ok(policies)
}

// ---- callouts ----

fn to_callout(r: callout::Model) -> AppResult<Callout> {
    Ok(Callout {
        id: r.id,
        callouts_set_id: r.callouts_set_id,
        name_id: r.name_id,
        is_template: r.is_template,
        settings: serde_json::from_str(&r.settings).map_err(|e| corrupt("callout settings", e))?,
        sort_order: r.sort_order,
        created_by: r.created_by,
        published_by: r.published_by,
        published_date: r.published_date,
        framing_id: r.framing_id,
        contribution_defaults_id: r.contribution_defaults_id,
        comments_id: r.comments_id,
        classification: match (r.classification_id, r.classification_tagset_id) {
            (Some(id), Some(tagset_id)) => Some(crate::model::Classification {
                id,
                tagset_id,
                flow_state: r.flow_state,
                authorization_id: r.classification_authorization_id,
            }),
            _ => None,
        },
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn callout_model(c: &Callout) -> AppResult<callout::ActiveModel> {
    Ok(callout::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        callouts_set_id: Set(c.callouts_set_id),
        name_id: Set(c.name_id.clone()),
        is_template: Set(c.is_template),
        settings: Set(serde_json::to_string(&c.settings).map_err(AppError::internal)?),
        sort_order: Set(c.sort_order),
        created_by: Set(c.created_by),
        published_by: Set(c.published_by),
        published_date: Set(c.published_date),
        framing_id: Set(c.framing_id),
        contribution_defaults_id: Set(c.contribution_defaults_id),
        comments_id: Set(c.comments_id),
        authorization_id: Set(c.authorization_id),
        classification_id: Set(c.classification.as_ref().map(|x| x.id)),
        classification_tagset_id: Set(c.classification.as_ref().map(|x| x.tagset_id)),
        classification_authorization_id: Set(c
            .classification
            .as_ref()
            .and_then(|x| x.authorization_id)),
        flow_state: Set(c.classification.as_ref().and_then(|x| x.flow_state.clone())),
    })
}

/// Stores a callout with its framing and contribution defaults.
pub async fn insert_callout(
    conn: &impl ConnectionTrait,
    c: &Callout,
    f: &CalloutFraming,
    d: &ContributionDefaults,
) -> AppResult<()> {
    framing::Entity::insert(framing::ActiveModel {
        id: Set(f.id),
        created_date: Set(f.created_date),
        updated_date: Set(f.updated_date),
        version: Set(1),
        framing_type: Set(f.framing_type.as_str().to_owned()),
        profile_id: Set(f.profile_id),
        authorization_id: Set(f.authorization_id),
        link_id: Set(f.link_id),
        whiteboard_id: Set(f.whiteboard_id),
        memo_id: Set(f.memo_id),
        media_gallery_id: Set(f.media_gallery_id),
        poll_id: Set(f.poll_id),
        collabora_document_id: Set(f.collabora_document_id),
    })
    .exec_without_returning(conn)
    .await?;
    defaults::Entity::insert(defaults::ActiveModel {
        id: Set(d.id),
        created_date: Set(d.created_date),
        updated_date: Set(d.updated_date),
        version: Set(1),
        default_display_name: Set(d.default_display_name.clone()),
        post_description: Set(d.post_description.clone()),
        whiteboard_content: Set(d.whiteboard_content.clone()),
    })
    .exec_without_returning(conn)
    .await?;
    callout::Entity::insert(callout_model(c)?)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes a callout's own columns.
pub async fn update_callout(conn: &impl ConnectionTrait, c: &Callout) -> AppResult<()> {
    let mut model = callout_model(c)?;
    model.updated_date = Set(now());
    model.version = sea_orm::ActiveValue::NotSet;
    model.created_date = sea_orm::ActiveValue::NotSet;
    callout::Entity::update(model).exec(conn).await?;
    Ok(())
}

/// Writes contribution defaults.
pub async fn update_defaults(
    conn: &impl ConnectionTrait,
    d: &ContributionDefaults,
) -> AppResult<()> {
    defaults::Entity::update_many()
        .col_expr(
            defaults::Column::DefaultDisplayName,
            Expr::value(d.default_display_name.clone()),
        )
        .col_expr(
            defaults::Column::PostDescription,
            Expr::value(d.post_description.clone()),
        )
        .col_expr(
            defaults::Column::WhiteboardContent,
            Expr::value(d.whiteboard_content.clone()),
        )
        .col_expr(defaults::Column::UpdatedDate, Expr::value(now()))
        .filter(defaults::Column::Id.eq(d.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Callouts by id.
pub async fn callouts(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Callout>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    callout::Entity::find()
        .filter(callout::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_callout(r).map(|c| (c.id, c)))
        .collect()
}

/// The callouts of sets, in display order (sort order, then creation).
pub async fn callouts_of_sets(
    conn: &impl ConnectionTrait,
    sets: &[Uuid],
) -> AppResult<Vec<Callout>> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    callout::Entity::find()
        .filter(callout::Column::CalloutsSetId.is_in(sets.iter().copied()))
        .order_by_asc(callout::Column::SortOrder)
        .order_by_asc(callout::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_callout)
        .collect()
}

/// Whether a NameID is taken in a set.
pub async fn callout_name_taken(
    conn: &impl ConnectionTrait,
    set: Uuid,
    name_id: &str,
    except: Option<Uuid>,
) -> AppResult<bool> {
    let mut q = callout::Entity::find()
        .select_only()
        .column(callout::Column::Id)
        .filter(callout::Column::CalloutsSetId.eq(set))
        .filter(callout::Column::NameId.eq(name_id));
    if let Some(id) = except {
        q = q.filter(callout::Column::Id.ne(id));
    }
    Ok(q.into_tuple::<Uuid>().one(conn).await?.is_some())
}

/// The NameIDs of a set's callouts starting with `prefix`.
pub async fn callout_names_like(
    conn: &impl ConnectionTrait,
    set: Uuid,
    prefix: &str,
) -> AppResult<Vec<String>> {
    Ok(callout::Entity::find()
        .select_only()
        .column(callout::Column::NameId)
        .filter(callout::Column::CalloutsSetId.eq(set))
        .filter(callout::Column::NameId.starts_with(prefix))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The lowest sort order in a set.
pub async fn min_sort_order(conn: &impl ConnectionTrait, set: Uuid) -> AppResult<Option<f64>> {
    let max: Option<Option<f64>> = callout::Entity::find()
        .select_only()
        .column_as(callout::Column::SortOrder.min(), "m")
        .filter(callout::Column::CalloutsSetId.eq(set))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(max.flatten())
}

/// Framings by id.
pub async fn framings(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, CalloutFraming>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for r in framing::Entity::find()
        .filter(framing::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
    {
        out.insert(
            r.id,
            CalloutFraming {
                id: r.id,
                framing_type: r
                    .framing_type
                    .parse()
                    .map_err(|e| corrupt("framing type", e))?,
                profile_id: r.profile_id,
                link_id: r.link_id,
                whiteboard_id: r.whiteboard_id,
                memo_id: r.memo_id,
                media_gallery_id: r.media_gallery_id,
                poll_id: r.poll_id,
                collabora_document_id: r.collabora_document_id,
                authorization_id: r.authorization_id,
                created_date: r.created_date,
                updated_date: r.updated_date,
            },
        );
    }
    Ok(out)
}

/// Contribution defaults by id.
pub async fn contribution_defaults(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, ContributionDefaults>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(defaults::Entity::find()
        .filter(defaults::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                ContributionDefaults {
                    id: r.id,
                    default_display_name: r.default_display_name,
                    post_description: r.post_description,
                    whiteboard_content: r.whiteboard_content,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// What deleting callouts leaves for the caller to delete: policies, profiles and rooms.
#[derive(Debug, Default)]
pub struct Leftovers {
    /// Policies.
    pub policies: Vec<Uuid>,
    /// Profiles (framings' and posts').
    pub profiles: Vec<Uuid>,
    /// Rooms (comments).
    pub rooms: Vec<Uuid>,
    /// Media galleries (framings').
    pub galleries: Vec<Uuid>,
    /// Polls (framings').
    pub polls: Vec<Uuid>,
}

impl Leftovers {
    /// Takes over what another deletion left.
    pub fn absorb(&mut self, other: Leftovers) {
        self.policies.extend(other.policies);
        self.profiles.extend(other.profiles);
        self.rooms.extend(other.rooms);
        self.galleries.extend(other.galleries);
        self.polls.extend(other.polls);
    }
}

/// Deletes callouts with their framings, defaults and contributions.
pub async fn delete_callouts(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let found = callouts(conn, ids).await?;
    let contributions = contributions_of(conn, ids).await?;
    let removed = delete_contributions(
        conn,
        &contributions.iter().map(|c| c.id).collect::<Vec<_>>(),
    )
    .await?;
    out.policies.extend(removed.policies);
    out.profiles.extend(removed.profiles);
    out.rooms.extend(removed.rooms);
    let framing_ids: Vec<Uuid> = found.values().map(|c| c.framing_id).collect();
    let mut held_links = Vec::new();
    let mut held_whiteboards = Vec::new();
    let mut held_memos = Vec::new();
    let mut held_documents = Vec::new();
    for f in framings(conn, &framing_ids).await?.into_values() {
        out.profiles.push(f.profile_id);
        out.policies.extend(f.authorization_id);
        held_links.extend(f.link_id);
        held_whiteboards.extend(f.whiteboard_id);
        held_memos.extend(f.memo_id);
        held_documents.extend(f.collabora_document_id);
        out.galleries.extend(f.media_gallery_id);
        out.polls.extend(f.poll_id);
    }
    out.absorb(delete_links(conn, &held_links).await?);
    out.absorb(delete_whiteboards(conn, &held_whiteboards).await?);
    out.absorb(delete_memos(conn, &held_memos).await?);
    out.absorb(delete_collabora(conn, &held_documents).await?);
    for c in found.values() {
        out.policies.extend(c.authorization_id);
        out.policies
            .extend(c.classification.as_ref().and_then(|x| x.authorization_id));
        out.rooms.extend(c.comments_id);
    }
    callout::Entity::delete_many()
        .filter(callout::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    framing::Entity::delete_many()
        .filter(framing::Column::Id.is_in(framing_ids))
        .exec(conn)
        .await?;
    defaults::Entity::delete_many()
        .filter(defaults::Column::Id.is_in(found.values().map(|c| c.contribution_defaults_id)))
        .exec(conn)
        .await?;
    Ok(out)
}

/// Writes sort orders of callouts.
pub async fn set_callout_sort_orders(
    conn: &impl ConnectionTrait,
    orders: &[(Uuid, f64)],
) -> AppResult<()> {
    for (id, order) in orders {
        callout::Entity::update_many()
            .col_expr(callout::Column::SortOrder, Expr::value(*order))
            .filter(callout::Column::Id.eq(*id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

// ---- contributions and posts ----

fn to_contribution(r: contribution::Model) -> AppResult<Contribution> {
    Ok(Contribution {
        id: r.id,
        callout_id: r.callout_id,
        contribution_type: r
            .contribution_type
            .parse()
            .map_err(|e| corrupt("contribution type", e))?,
        sort_order: r.sort_order,
        created_by: r.created_by,
        post_id: r.post_id,
        link_id: r.link_id,
        whiteboard_id: r.whiteboard_id,
        memo_id: r.memo_id,
        collabora_document_id: r.collabora_document_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_post(r: post::Model) -> Post {
    Post {
        id: r.id,
        name_id: r.name_id,
        profile_id: r.profile_id,
        comments_id: r.comments_id,
        created_by: r.created_by,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Stores a contribution with its post.
pub async fn insert_contribution(
    conn: &impl ConnectionTrait,
    c: &Contribution,
    p: Option<&Post>,
) -> AppResult<()> {
    if let Some(p) = p {
        post::Entity::insert(post::ActiveModel {
            id: Set(p.id),
            created_date: Set(p.created_date),
            updated_date: Set(p.updated_date),
            version: Set(1),
            name_id: Set(p.name_id.clone()),
            profile_id: Set(p.profile_id),
            comments_id: Set(p.comments_id),
            created_by: Set(p.created_by),
            authorization_id: Set(p.authorization_id),
        })
        .exec_without_returning(conn)
        .await?;
    }
    contribution::Entity::insert(contribution::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        callout_id: Set(c.callout_id),
        contribution_type: Set(c.contribution_type.as_str().to_owned()),
        sort_order: Set(c.sort_order),
        created_by: Set(c.created_by),
        post_id: Set(c.post_id),
        authorization_id: Set(c.authorization_id),
        link_id: Set(c.link_id),
        whiteboard_id: Set(c.whiteboard_id),
        memo_id: Set(c.memo_id),
        collabora_document_id: Set(c.collabora_document_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Contributions by id.
pub async fn contributions(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Contribution>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    contribution::Entity::find()
        .filter(contribution::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_contribution(r).map(|c| (c.id, c)))
        .collect()
}

/// The contributions of callouts, in display order (sort order, then creation).
pub async fn contributions_of(
    conn: &impl ConnectionTrait,
    callouts: &[Uuid],
) -> AppResult<Vec<Contribution>> {
    if callouts.is_empty() {
        return Ok(Vec::new());
    }
    contribution::Entity::find()
        .filter(contribution::Column::CalloutId.is_in(callouts.iter().copied()))
        .order_by_asc(contribution::Column::SortOrder)
        .order_by_asc(contribution::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_contribution)
        .collect()
}

/// The contribution holding a post.
pub async fn contribution_of_post(
    conn: &impl ConnectionTrait,
    post: Uuid,
) -> AppResult<Option<Contribution>> {
    contribution::Entity::find()
        .filter(contribution::Column::PostId.eq(post))
        .one(conn)
        .await?
        .map(to_contribution)
        .transpose()
}

/// The lowest contribution sort order in a callout.
pub async fn min_contribution_sort_order(
    conn: &impl ConnectionTrait,
    callout: Uuid,
) -> AppResult<Option<f64>> {
    let max: Option<Option<f64>> = contribution::Entity::find()
        .select_only()
        .column_as(contribution::Column::SortOrder.min(), "m")
        .filter(contribution::Column::CalloutId.eq(callout))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(max.flatten())
}

/// Posts by id.
pub async fn posts(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Post>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(post::Entity::find()
        .filter(post::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_post(r)))
        .collect())
}

/// The NameIDs of the posts and whiteboards contributed to a callout (one name space)
/// starting with `prefix`.
pub async fn post_names_like(
    conn: &impl ConnectionTrait,
    callout: Uuid,
    prefix: &str,
) -> AppResult<Vec<String>> {
    let held: Vec<(Option<Uuid>, Option<Uuid>, Option<Uuid>)> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::PostId)
        .column(contribution::Column::WhiteboardId)
        .column(contribution::Column::MemoId)
        .filter(contribution::Column::CalloutId.eq(callout))
        .filter(
            sea_orm::Condition::any()
                .add(contribution::Column::PostId.is_not_null())
                .add(contribution::Column::WhiteboardId.is_not_null())
                .add(contribution::Column::MemoId.is_not_null()),
        )
        .into_tuple()
        .all(conn)
        .await?;
    let posts: Vec<Uuid> = held.iter().filter_map(|h| h.0).collect();
    let boards: Vec<Uuid> = held.iter().filter_map(|h| h.1).collect();
    let memos: Vec<Uuid> = held.iter().filter_map(|h| h.2).collect();
    let mut out: Vec<String> = Vec::new();
    if !posts.is_empty() {
        out.extend(
            post::Entity::find()
                .select_only()
                .column(post::Column::NameId)
                .filter(post::Column::Id.is_in(posts))
                .filter(post::Column::NameId.starts_with(prefix))
                .into_tuple::<String>()
                .all(conn)
                .await?,
        );
    }
    if !boards.is_empty() {
        out.extend(
            whiteboard::Entity::find()
                .select_only()
                .column(whiteboard::Column::NameId)
                .filter(whiteboard::Column::Id.is_in(boards))
                .filter(whiteboard::Column::NameId.starts_with(prefix))
                .into_tuple::<String>()
                .all(conn)
                .await?,
        );
    }
    if !memos.is_empty() {
        out.extend(
            memo::Entity::find()
                .select_only()
                .column(memo::Column::NameId)
                .filter(memo::Column::Id.is_in(memos))
                .filter(memo::Column::NameId.starts_with(prefix))
                .into_tuple::<String>()
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// Writes a post's NameID.
pub async fn update_post(conn: &impl ConnectionTrait, p: &Post) -> AppResult<()> {
    post::Entity::update_many()
        .col_expr(post::Column::NameId, Expr::value(p.name_id.clone()))
        .col_expr(post::Column::UpdatedDate, Expr::value(now()))
        .filter(post::Column::Id.eq(p.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Writes sort orders of contributions.
pub async fn set_contribution_sort_orders(
    conn: &impl ConnectionTrait,
    orders: &[(Uuid, f64)],
) -> AppResult<()> {
    for (id, order) in orders {
        contribution::Entity::update_many()
            .col_expr(contribution::Column::SortOrder, Expr::value(*order))
            .filter(contribution::Column::Id.eq(*id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Deletes contributions with their posts.
pub async fn delete_contributions(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let found = contributions(conn, ids).await?;
    let post_ids: Vec<Uuid> = found.values().filter_map(|c| c.post_id).collect();
    for p in posts(conn, &post_ids).await?.into_values() {
        out.policies.extend(p.authorization_id);
        out.profiles.push(p.profile_id);
        out.rooms.push(p.comments_id);
    }
    out.policies
        .extend(found.values().filter_map(|c| c.authorization_id));
    let held_links: Vec<Uuid> = found.values().filter_map(|c| c.link_id).collect();
    let held_whiteboards: Vec<Uuid> = found.values().filter_map(|c| c.whiteboard_id).collect();
    let held_memos: Vec<Uuid> = found.values().filter_map(|c| c.memo_id).collect();
    let held_documents: Vec<Uuid> = found
        .values()
        .filter_map(|c| c.collabora_document_id)
        .collect();
    out.absorb(delete_links(conn, &held_links).await?);
    out.absorb(delete_whiteboards(conn, &held_whiteboards).await?);
    out.absorb(delete_memos(conn, &held_memos).await?);
    out.absorb(delete_collabora(conn, &held_documents).await?);
    contribution::Entity::delete_many()
        .filter(contribution::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    if !post_ids.is_empty() {
        post::Entity::delete_many()
            .filter(post::Column::Id.is_in(post_ids))
            .exec(conn)
            .await?;
    }
    Ok(out)
}

/// How many contributions of each kind callouts have, by callout.
pub async fn contribution_counts(
    conn: &impl ConnectionTrait,
    callouts: &[Uuid],
) -> AppResult<HashMap<Uuid, HashMap<String, i64>>> {
    let mut out: HashMap<Uuid, HashMap<String, i64>> = HashMap::new();
    if callouts.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(Uuid, String, i64)> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::CalloutId)
        .column(contribution::Column::ContributionType)
        .column_as(contribution::Column::Id.count(), "n")
        .filter(contribution::Column::CalloutId.is_in(callouts.iter().copied()))
        .group_by(contribution::Column::CalloutId)
        .group_by(contribution::Column::ContributionType)
        .into_tuple()
        .all(conn)
        .await?;
    for (callout, kind, n) in rows {
        out.entry(callout).or_default().insert(kind, n);
    }
    Ok(out)
}

/// Where profiles of callout framings, posts, whiteboards and links live: by profile id, the
/// collaboration and the URL path below the space (`collaboration/<callout>`,
/// `collaboration/<callout>/posts/<post>`, `collaboration/<callout>/whiteboards/<whiteboard>`
/// for a contributed whiteboard, `collaboration/<callout>/<whiteboard>` for a framing's; a
/// link, which has no page, gives its callout's). `content` asks for whiteboards' and links'
/// profiles, otherwise framings' and posts'. A bounded number of statements whatever the
/// number of profiles.
pub async fn paths_by_profiles(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
    content: bool,
) -> AppResult<HashMap<Uuid, (Uuid, String)>> {
    let mut out = HashMap::new();
    if profiles.is_empty() {
        return Ok(out);
    }
    let none: &[Uuid] = &[];
    let (plain, content_profiles) = if content {
        (none, profiles)
    } else {
        (profiles, none)
    };
    let framings: Vec<(Uuid, Uuid)> = if plain.is_empty() {
        Vec::new()
    } else {
        framing::Entity::find()
            .select_only()
            .column(framing::Column::Id)
            .column(framing::Column::ProfileId)
            .filter(framing::Column::ProfileId.is_in(plain.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?
    };
    let posts: Vec<(Uuid, Uuid, String)> = if plain.is_empty() {
        Vec::new()
    } else {
        post::Entity::find()
            .select_only()
            .column(post::Column::Id)
            .column(post::Column::ProfileId)
            .column(post::Column::NameId)
            .filter(post::Column::ProfileId.is_in(plain.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?
    };
    let post_callouts: Vec<(Option<Uuid>, Uuid)> = if posts.is_empty() {
        Vec::new()
    } else {
        contribution::Entity::find()
            .select_only()
            .column(contribution::Column::PostId)
            .column(contribution::Column::CalloutId)
            .filter(contribution::Column::PostId.is_in(posts.iter().map(|p| p.0)))
            .into_tuple()
            .all(conn)
            .await?
    };
    let post_callout: HashMap<Uuid, Uuid> = post_callouts
        .into_iter()
        .filter_map(|(p, c)| p.map(|p| (p, c)))
        .collect();
    let boards: Vec<(Uuid, Uuid, String)> = if content_profiles.is_empty() {
        Vec::new()
    } else {
        whiteboard::Entity::find()
            .select_only()
            .column(whiteboard::Column::Id)
            .column(whiteboard::Column::ProfileId)
            .column(whiteboard::Column::NameId)
            .filter(whiteboard::Column::ProfileId.is_in(content_profiles.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?
    };
    let held_memos: Vec<(Uuid, Uuid, String)> = if content_profiles.is_empty() {
        Vec::new()
    } else {
        memo::Entity::find()
            .select_only()
            .column(memo::Column::Id)
            .column(memo::Column::ProfileId)
            .column(memo::Column::NameId)
            .filter(memo::Column::ProfileId.is_in(content_profiles.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?
    };
    let held_links: Vec<(Uuid, Uuid)> = if content_profiles.is_empty() {
        Vec::new()
    } else {
        link::Entity::find()
            .select_only()
            .column(link::Column::Id)
            .column(link::Column::ProfileId)
            .filter(link::Column::ProfileId.is_in(content_profiles.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?
    };
    let mut holder_of = holders(
        conn,
        &boards.iter().map(|b| b.0).collect::<Vec<_>>(),
        Held::Whiteboard,
    )
    .await?;
    holder_of.extend(
        holders(
            conn,
            &held_links.iter().map(|l| l.0).collect::<Vec<_>>(),
            Held::Link,
        )
        .await?,
    );
    holder_of.extend(
        holders(
            conn,
            &held_memos.iter().map(|m| m.0).collect::<Vec<_>>(),
            Held::Memo,
        )
        .await?,
    );
    let mut q = callout::Entity::find()
        .select_only()
        .column(callout::Column::Id)
        .column(callout::Column::FramingId)
        .column(callout::Column::NameId)
        .column(callout::Column::CalloutsSetId);
    let framing_ids: Vec<Uuid> = framings.iter().map(|f| f.0).collect();
    let mut callout_ids: Vec<Uuid> = post_callout.values().copied().collect();
    callout_ids.extend(holder_of.values().map(|h| h.callout()));
    q = q.filter(
        sea_orm::Condition::any()
            .add(callout::Column::FramingId.is_in(framing_ids))
            .add(callout::Column::Id.is_in(callout_ids)),
    );
    let callouts: Vec<(Uuid, Uuid, String, Uuid)> = q.into_tuple().all(conn).await?;
    let set_ids: Vec<Uuid> = callouts.iter().map(|c| c.3).collect();
    let collaborations: HashMap<Uuid, Uuid> = if set_ids.is_empty() {
        HashMap::new()
    } else {
        collaboration::Entity::find()
            .select_only()
            .column(collaboration::Column::CalloutsSetId)
            .column(collaboration::Column::Id)
            .filter(collaboration::Column::CalloutsSetId.is_in(set_ids))
            .into_tuple::<(Uuid, Uuid)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    for (framing_id, profile) in &framings {
        if let Some((_, _, name, set)) = callouts.iter().find(|c| c.1 == *framing_id)
            && let Some(collab) = collaborations.get(set)
        {
            out.insert(*profile, (*collab, format!("collaboration/{name}")));
        }
    }
    for (post_id, profile, post_name) in &posts {
        if let Some(callout_id) = post_callout.get(post_id)
            && let Some((_, _, name, set)) = callouts.iter().find(|c| c.0 == *callout_id)
            && let Some(collab) = collaborations.get(set)
        {
            out.insert(
                *profile,
                (*collab, format!("collaboration/{name}/posts/{post_name}")),
            );
        }
    }
    let callout_path = |holder: &Holder| {
        callouts
            .iter()
            .find(|c| c.0 == holder.callout())
            .and_then(|(_, _, name, set)| collaborations.get(set).map(|c| (*c, name.clone())))
    };
    for (id, profile, board_name) in &boards {
        if let Some(h) = holder_of.get(id)
            && let Some((collab, name)) = callout_path(h)
        {
            let path = match h {
                Holder::Framing { .. } => format!("collaboration/{name}/{board_name}"),
                Holder::Contribution { .. } => {
                    format!("collaboration/{name}/whiteboards/{board_name}")
                }
            };
            out.insert(*profile, (collab, path));
        }
    }
    for (id, profile, memo_name) in &held_memos {
        if let Some(h) = holder_of.get(id)
            && let Some((collab, name)) = callout_path(h)
        {
            let path = match h {
                Holder::Framing { .. } => format!("collaboration/{name}/{memo_name}"),
                Holder::Contribution { .. } => format!("collaboration/{name}/memos/{memo_name}"),
            };
            out.insert(*profile, (collab, path));
        }
    }
    for (id, profile) in &held_links {
        if let Some(h) = holder_of.get(id)
            && let Some((collab, name)) = callout_path(h)
        {
            out.insert(*profile, (collab, format!("collaboration/{name}")));
        }
    }
    Ok(out)
}

// ---- innovation flows ----

entity!(flow, "innovation_flow", {
    profile_id: Uuid,
    current_state_id: Option<Uuid>,
    settings: String,
    states_tagset_template_id: Uuid,
    authorization_id: Option<Uuid>,
});
entity!(flow_state, "innovation_flow_state", {
    innovation_flow_id: Uuid,
    display_name: String,
    description: Option<String>,
    settings: String,
    sort_order: f64,
    authorization_id: Option<Uuid>,
    default_callout_template_id: Option<Uuid>,
});

use crate::innovation_flow::{InnovationFlow, InnovationFlowState};

fn to_flow(r: flow::Model) -> AppResult<InnovationFlow> {
    Ok(InnovationFlow {
        id: r.id,
        profile_id: r.profile_id,
        current_state_id: r.current_state_id,
        settings: serde_json::from_str(&r.settings).map_err(|e| corrupt("flow settings", e))?,
        states_tagset_template_id: r.states_tagset_template_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn to_state(r: flow_state::Model) -> AppResult<InnovationFlowState> {
    Ok(InnovationFlowState {
        id: r.id,
        innovation_flow_id: r.innovation_flow_id,
        display_name: r.display_name,
        description: r.description,
        settings: serde_json::from_str(&r.settings).map_err(|e| corrupt("state settings", e))?,
        sort_order: r.sort_order,
        default_callout_template_id: r.default_callout_template_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn state_model(s: &InnovationFlowState) -> AppResult<flow_state::ActiveModel> {
    Ok(flow_state::ActiveModel {
        id: Set(s.id),
        created_date: Set(s.created_date),
        updated_date: Set(s.updated_date),
        version: Set(1),
        innovation_flow_id: Set(s.innovation_flow_id),
        display_name: Set(s.display_name.clone()),
        description: Set(s.description.clone()),
        settings: Set(serde_json::to_string(&s.settings).map_err(AppError::internal)?),
        sort_order: Set(s.sort_order),
        authorization_id: Set(s.authorization_id),
        default_callout_template_id: Set(s.default_callout_template_id),
    })
}

/// Stores a flow with its states.
pub async fn insert_flow(
    conn: &impl ConnectionTrait,
    f: &InnovationFlow,
    states: &[InnovationFlowState],
) -> AppResult<()> {
    flow::Entity::insert(flow::ActiveModel {
        id: Set(f.id),
        created_date: Set(f.created_date),
        updated_date: Set(f.updated_date),
        version: Set(1),
        profile_id: Set(f.profile_id),
        current_state_id: Set(f.current_state_id),
        settings: Set(serde_json::to_string(&f.settings).map_err(AppError::internal)?),
        states_tagset_template_id: Set(f.states_tagset_template_id),
        authorization_id: Set(f.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    for s in states {
        insert_state(conn, s).await?;
    }
    Ok(())
}

/// Stores a state.
pub async fn insert_state(conn: &impl ConnectionTrait, s: &InnovationFlowState) -> AppResult<()> {
    flow_state::Entity::insert(state_model(s)?)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes a state's own columns.
pub async fn update_state(conn: &impl ConnectionTrait, s: &InnovationFlowState) -> AppResult<()> {
    let mut model = state_model(s)?;
    model.updated_date = Set(now());
    model.version = sea_orm::ActiveValue::NotSet;
    model.created_date = sea_orm::ActiveValue::NotSet;
    flow_state::Entity::update(model).exec(conn).await?;
    Ok(())
}

/// Deletes a state.
pub async fn delete_state(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    flow_state::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Sets a flow's current state.
pub async fn set_current_state(
    conn: &impl ConnectionTrait,
    flow_id: Uuid,
    state: Option<Uuid>,
) -> AppResult<()> {
    flow::Entity::update_many()
        .col_expr(flow::Column::CurrentStateId, Expr::value(state))
        .col_expr(flow::Column::UpdatedDate, Expr::value(now()))
        .filter(flow::Column::Id.eq(flow_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Flows by id.
pub async fn flows(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, InnovationFlow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    flow::Entity::find()
        .filter(flow::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_flow(r).map(|f| (f.id, f)))
        .collect()
}

/// The states of flows, in order.
pub async fn states_of(
    conn: &impl ConnectionTrait,
    flows: &[Uuid],
) -> AppResult<Vec<InnovationFlowState>> {
    if flows.is_empty() {
        return Ok(Vec::new());
    }
    flow_state::Entity::find()
        .filter(flow_state::Column::InnovationFlowId.is_in(flows.iter().copied()))
        .order_by_asc(flow_state::Column::SortOrder)
        .order_by_asc(flow_state::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_state)
        .collect()
}

/// States by id.
pub async fn states(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, InnovationFlowState>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    flow_state::Entity::find()
        .filter(flow_state::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_state(r).map(|s| (s.id, s)))
        .collect()
}

/// The collaboration owning a flow.
pub async fn collaboration_of_flow(
    conn: &impl ConnectionTrait,
    flow_id: Uuid,
) -> AppResult<Option<Collaboration>> {
    Ok(collaboration::Entity::find()
        .filter(collaboration::Column::InnovationFlowId.eq(flow_id))
        .one(conn)
        .await?
        .map(to_collaboration))
}

/// Sets a collaboration's flow, license and timeline.
pub async fn set_collaboration_parts(
    conn: &impl ConnectionTrait,
    id: Uuid,
    flow_id: Option<Uuid>,
    license: Option<Uuid>,
    timeline: Option<Uuid>,
) -> AppResult<()> {
    collaboration::Entity::update_many()
        .col_expr(collaboration::Column::TimelineId, Expr::value(timeline))
        .col_expr(
            collaboration::Column::InnovationFlowId,
            Expr::value(flow_id),
        )
        .col_expr(collaboration::Column::LicenseId, Expr::value(license))
        .filter(collaboration::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Collaborations without a flow or license (made before either existed).
pub async fn collaborations_without_parts(conn: &impl ConnectionTrait) -> AppResult<Vec<Uuid>> {
    Ok(collaboration::Entity::find()
        .select_only()
        .column(collaboration::Column::Id)
        .filter(
            sea_orm::Condition::any()
                .add(collaboration::Column::InnovationFlowId.is_null())
                .add(collaboration::Column::LicenseId.is_null())
                .add(collaboration::Column::TimelineId.is_null()),
        )
        .into_tuple()
        .all(conn)
        .await?)
}

/// Deletes flows with their states; returns the policy and profile ids left to delete.
pub async fn delete_flows(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let found = flows(conn, ids).await?;
    let states = states_of(conn, ids).await?;
    let mut policies: Vec<Uuid> = found.values().filter_map(|f| f.authorization_id).collect();
    policies.extend(states.iter().filter_map(|s| s.authorization_id));
    let profiles = found.values().map(|f| f.profile_id).collect();
    if !ids.is_empty() {
        flow_state::Entity::delete_many()
            .filter(flow_state::Column::InnovationFlowId.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
        flow::Entity::delete_many()
            .filter(flow::Column::Id.is_in(ids.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok((policies, profiles))
}

/// Moves the callouts of a set from one flow state to another (a rename or a deletion).
pub async fn move_flow_state(
    conn: &impl ConnectionTrait,
    set: Uuid,
    from: &str,
    to: &str,
) -> AppResult<()> {
    callout::Entity::update_many()
        .col_expr(callout::Column::FlowState, Expr::value(to.to_owned()))
        .filter(callout::Column::CalloutsSetId.eq(set))
        .filter(callout::Column::FlowState.eq(from))
        .exec(conn)
        .await?;
    Ok(())
}

/// Sets the flow state of one callout.
pub async fn set_flow_state(
    conn: &impl ConnectionTrait,
    callout: Uuid,
    state: &str,
) -> AppResult<()> {
    callout::Entity::update_many()
        .col_expr(callout::Column::FlowState, Expr::value(state.to_owned()))
        .col_expr(callout::Column::UpdatedDate, Expr::value(now()))
        .filter(callout::Column::Id.eq(callout))
        .exec(conn)
        .await?;
    Ok(())
}

/// The callout with a classification.
pub async fn callout_of_classification(
    conn: &impl ConnectionTrait,
    classification: Uuid,
) -> AppResult<Option<Callout>> {
    callout::Entity::find()
        .filter(callout::Column::ClassificationId.eq(classification))
        .one(conn)
        .await?
        .map(to_callout)
        .transpose()
}

/// The callout whose classification has this flow-state tagset.
pub async fn callout_of_classification_tagset(
    conn: &impl ConnectionTrait,
    tagset: Uuid,
) -> AppResult<Option<Callout>> {
    callout::Entity::find()
        .filter(callout::Column::ClassificationTagsetId.eq(tagset))
        .one(conn)
        .await?
        .map(to_callout)
        .transpose()
}

/// The collaborations owning timelines, by timeline id.
pub async fn collaborations_of_timelines(
    conn: &impl ConnectionTrait,
    timelines: &[Uuid],
) -> AppResult<HashMap<Uuid, Collaboration>> {
    if timelines.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(collaboration::Entity::find()
        .filter(collaboration::Column::TimelineId.is_in(timelines.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| {
            let c = to_collaboration(r);
            c.timeline_id.map(|t| (t, c))
        })
        .collect())
}

/// A callout of a set by NameID.
pub async fn callout_by_name(
    conn: &impl ConnectionTrait,
    set: Uuid,
    name_id: &str,
) -> AppResult<Option<Callout>> {
    callout::Entity::find()
        .filter(callout::Column::CalloutsSetId.eq(set))
        .filter(callout::Column::NameId.eq(name_id))
        .one(conn)
        .await?
        .map(to_callout)
        .transpose()
}

/// The contribution of a callout holding the post with this NameID.
pub async fn post_contribution_by_name(
    conn: &impl ConnectionTrait,
    callout_id: Uuid,
    post_name: &str,
) -> AppResult<Option<(Contribution, Post)>> {
    let contributions = contributions_of(conn, &[callout_id]).await?;
    let posts = posts(
        conn,
        &contributions
            .iter()
            .filter_map(|c| c.post_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(contributions.into_iter().find_map(|c| {
        let p = c.post_id.and_then(|p| posts.get(&p))?;
        (p.name_id == post_name).then(|| (c.clone(), p.clone()))
    }))
}

/// A callout's contributed memo by NameID, with its contribution.
pub async fn memo_contribution_by_name(
    conn: &impl ConnectionTrait,
    callout_id: Uuid,
    name: &str,
) -> AppResult<Option<(Contribution, Memo)>> {
    let contributions = contributions_of(conn, &[callout_id]).await?;
    let found = memos(
        conn,
        &contributions
            .iter()
            .filter_map(|c| c.memo_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(contributions.into_iter().find_map(|c| {
        let m = c.memo_id.and_then(|m| found.get(&m))?;
        (m.name_id == name).then(|| (c.clone(), m.clone()))
    }))
}

/// A callout's contributed whiteboard by NameID, with its contribution.
pub async fn whiteboard_contribution_by_name(
    conn: &impl ConnectionTrait,
    callout_id: Uuid,
    name: &str,
) -> AppResult<Option<(Contribution, Whiteboard)>> {
    let contributions = contributions_of(conn, &[callout_id]).await?;
    let boards = whiteboards(
        conn,
        &contributions
            .iter()
            .filter_map(|c| c.whiteboard_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(contributions.into_iter().find_map(|c| {
        let w = c.whiteboard_id.and_then(|w| boards.get(&w))?;
        (w.name_id == name).then(|| (c.clone(), w.clone()))
    }))
}

// ---- links and whiteboards ----

fn to_link(r: link::Model) -> Link {
    Link {
        id: r.id,
        uri: r.uri,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Stores a link.
pub async fn insert_link(conn: &impl ConnectionTrait, l: &Link) -> AppResult<()> {
    link::Entity::insert(link::ActiveModel {
        id: Set(l.id),
        created_date: Set(l.created_date),
        updated_date: Set(l.updated_date),
        version: Set(1),
        uri: Set(l.uri.clone()),
        profile_id: Set(l.profile_id),
        authorization_id: Set(l.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Links by id.
pub async fn links(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Link>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(link::Entity::find()
        .filter(link::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_link(r)))
        .collect())
}

/// Writes a link's URI.
pub async fn update_link(conn: &impl ConnectionTrait, l: &Link) -> AppResult<()> {
    link::Entity::update_many()
        .col_expr(link::Column::Uri, Expr::value(l.uri.clone()))
        .col_expr(link::Column::UpdatedDate, Expr::value(now()))
        .filter(link::Column::Id.eq(l.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes links; returns their profiles and policies to delete.
pub async fn delete_links(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    for l in links(conn, ids).await?.into_values() {
        out.profiles.push(l.profile_id);
        out.policies.extend(l.authorization_id);
    }
    link::Entity::delete_many()
        .filter(link::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(out)
}

fn to_whiteboard(r: whiteboard::Model) -> AppResult<Whiteboard> {
    Ok(Whiteboard {
        id: r.id,
        name_id: r.name_id,
        content: r.content,
        created_by: r.created_by,
        content_update_policy: r
            .content_update_policy
            .parse()
            .map_err(|e| corrupt("content update policy", e))?,
        preview_settings: serde_json::from_str(&r.preview_settings)
            .map_err(|e| corrupt("preview settings", e))?,
        guest_access: r.guest_access,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn whiteboard_model(w: &Whiteboard) -> AppResult<whiteboard::ActiveModel> {
    Ok(whiteboard::ActiveModel {
        id: Set(w.id),
        created_date: Set(w.created_date),
        updated_date: Set(w.updated_date),
        version: Set(1),
        name_id: Set(w.name_id.clone()),
        content: Set(w.content.clone()),
        created_by: Set(w.created_by),
        content_update_policy: Set(w.content_update_policy.as_str().to_owned()),
        preview_settings: Set(
            serde_json::to_string(&w.preview_settings).map_err(AppError::internal)?
        ),
        guest_access: Set(w.guest_access),
        profile_id: Set(w.profile_id),
        authorization_id: Set(w.authorization_id),
    })
}

/// Stores a whiteboard.
pub async fn insert_whiteboard(conn: &impl ConnectionTrait, w: &Whiteboard) -> AppResult<()> {
    whiteboard::Entity::insert(whiteboard_model(w)?)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes a whiteboard's own columns.
pub async fn update_whiteboard(conn: &impl ConnectionTrait, w: &Whiteboard) -> AppResult<()> {
    let mut model = whiteboard_model(w)?;
    model.updated_date = Set(now());
    model.version = sea_orm::ActiveValue::NotSet;
    model.created_date = sea_orm::ActiveValue::NotSet;
    whiteboard::Entity::update(model).exec(conn).await?;
    Ok(())
}

/// Whiteboards by id.
pub async fn whiteboards(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Whiteboard>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    whiteboard::Entity::find()
        .filter(whiteboard::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_whiteboard(r).map(|w| (w.id, w)))
        .collect()
}

/// Deletes whiteboards; returns their profiles and policies to delete.
pub async fn delete_whiteboards(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    for w in whiteboards(conn, ids).await?.into_values() {
        out.profiles.push(w.profile_id);
        out.policies.extend(w.authorization_id);
    }
    whiteboard::Entity::delete_many()
        .filter(whiteboard::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(out)
}

/// What holds a link or a whiteboard: the framing or the contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// A callout's framing (with the callout's id).
    Framing {
        /// The framing.
        framing: Uuid,
        /// Its callout.
        callout: Uuid,
    },
    /// A contribution (with its callout's id).
    Contribution {
        /// The contribution.
        contribution: Uuid,
        /// Its callout.
        callout: Uuid,
    },
}

impl Holder {
    /// The callout it belongs to.
    pub fn callout(self) -> Uuid {
        match self {
            Holder::Framing { callout, .. } | Holder::Contribution { callout, .. } => callout,
        }
    }
}

/// What a framing or a contribution holds besides a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A link.
    Link,
    /// A whiteboard.
    Whiteboard,
    /// A memo.
    Memo,
    /// An office document.
    CollaboraDocument,
}

/// The holders of links, whiteboards or memos, by the held entity's id.
pub async fn holders(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    kind: Held,
) -> AppResult<HashMap<Uuid, Holder>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let (fcol, ccol) = match kind {
        Held::Link => (framing::Column::LinkId, contribution::Column::LinkId),
        Held::Whiteboard => (
            framing::Column::WhiteboardId,
            contribution::Column::WhiteboardId,
        ),
        Held::Memo => (framing::Column::MemoId, contribution::Column::MemoId),
        Held::CollaboraDocument => (
            framing::Column::CollaboraDocumentId,
            contribution::Column::CollaboraDocumentId,
        ),
    };
    let framed: Vec<(Uuid, Option<Uuid>)> = framing::Entity::find()
        .select_only()
        .column(framing::Column::Id)
        .column(fcol)
        .filter(fcol.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    if !framed.is_empty() {
        let callouts: Vec<(Uuid, Uuid)> = callout::Entity::find()
            .select_only()
            .column(callout::Column::FramingId)
            .column(callout::Column::Id)
            .filter(callout::Column::FramingId.is_in(framed.iter().map(|f| f.0)))
            .into_tuple()
            .all(conn)
            .await?;
        for (framing, held) in framed {
            if let (Some(held), Some((_, callout))) =
                (held, callouts.iter().find(|c| c.0 == framing))
            {
                out.insert(
                    held,
                    Holder::Framing {
                        framing,
                        callout: *callout,
                    },
                );
            }
        }
    }
    let contributed: Vec<(Uuid, Uuid, Option<Uuid>)> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::Id)
        .column(contribution::Column::CalloutId)
        .column(ccol)
        .filter(ccol.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    for (contribution, callout, held) in contributed {
        if let Some(held) = held {
            out.insert(
                held,
                Holder::Contribution {
                    contribution,
                    callout,
                },
            );
        }
    }
    Ok(out)
}

/// Points a framing at its link and whiteboard (and sets its kind).
pub async fn set_framing_content(conn: &impl ConnectionTrait, f: &CalloutFraming) -> AppResult<()> {
    framing::Entity::update_many()
        .col_expr(
            framing::Column::FramingType,
            Expr::value(f.framing_type.as_str()),
        )
        .col_expr(framing::Column::LinkId, Expr::value(f.link_id))
        .col_expr(framing::Column::WhiteboardId, Expr::value(f.whiteboard_id))
        .col_expr(framing::Column::MemoId, Expr::value(f.memo_id))
        .col_expr(
            framing::Column::MediaGalleryId,
            Expr::value(f.media_gallery_id),
        )
        .col_expr(framing::Column::PollId, Expr::value(f.poll_id))
        .col_expr(
            framing::Column::CollaboraDocumentId,
            Expr::value(f.collabora_document_id),
        )
        .col_expr(framing::Column::UpdatedDate, Expr::value(now()))
        .filter(framing::Column::Id.eq(f.id))
        .exec(conn)
        .await?;
    Ok(())
}

fn to_memo(r: memo::Model) -> AppResult<Memo> {
    Ok(Memo {
        id: r.id,
        name_id: r.name_id,
        markdown: r.markdown,
        created_by: r.created_by,
        content_update_policy: r
            .content_update_policy
            .parse()
            .map_err(|e| corrupt("content update policy", e))?,
        profile_id: r.profile_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn memo_model(m: &Memo) -> memo::ActiveModel {
    memo::ActiveModel {
        id: Set(m.id),
        created_date: Set(m.created_date),
        updated_date: Set(m.updated_date),
        version: Set(1),
        name_id: Set(m.name_id.clone()),
        markdown: Set(m.markdown.clone()),
        created_by: Set(m.created_by),
        content_update_policy: Set(m.content_update_policy.as_str().to_owned()),
        profile_id: Set(m.profile_id),
        authorization_id: Set(m.authorization_id),
    }
}

/// Stores a memo.
pub async fn insert_memo(conn: &impl ConnectionTrait, m: &Memo) -> AppResult<()> {
    memo::Entity::insert(memo_model(m))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes a memo's own columns.
pub async fn update_memo(conn: &impl ConnectionTrait, m: &Memo) -> AppResult<()> {
    let mut model = memo_model(m);
    model.updated_date = Set(now());
    model.version = sea_orm::ActiveValue::NotSet;
    model.created_date = sea_orm::ActiveValue::NotSet;
    memo::Entity::update(model).exec(conn).await?;
    Ok(())
}

/// Memos by id.
pub async fn memos(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Memo>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    memo::Entity::find()
        .filter(memo::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_memo(r).map(|m| (m.id, m)))
        .collect()
}

/// Deletes memos; returns their profiles and policies to delete.
pub async fn delete_memos(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in memos(conn, ids).await?.into_values() {
        out.profiles.push(m.profile_id);
        out.policies.extend(m.authorization_id);
    }
    memo::Entity::delete_many()
        .filter(memo::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(out)
}

// ---- office documents ----

fn to_collabora(r: collabora::Model) -> AppResult<crate::collabora::CollaboraDocument> {
    Ok(crate::collabora::CollaboraDocument {
        id: r.id,
        document_type: r
            .document_type
            .parse()
            .map_err(|e| corrupt("collabora document type", e))?,
        original_mime_type: r.original_mime_type,
        created_by: r.created_by,
        profile_id: r.profile_id,
        document_id: r.document_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

/// Stores an office document.
pub async fn insert_collabora(
    conn: &impl ConnectionTrait,
    d: &crate::collabora::CollaboraDocument,
) -> AppResult<()> {
    collabora::Entity::insert(collabora::ActiveModel {
        id: Set(d.id),
        created_date: Set(d.created_date),
        updated_date: Set(d.updated_date),
        version: Set(1),
        document_type: Set(d.document_type.as_str().to_owned()),
        original_mime_type: Set(d.original_mime_type.clone()),
        created_by: Set(d.created_by),
        profile_id: Set(d.profile_id),
        document_id: Set(d.document_id),
        authorization_id: Set(d.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Office documents by id.
pub async fn collabora_documents(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, crate::collabora::CollaboraDocument>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    collabora::Entity::find()
        .filter(collabora::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| to_collabora(r).map(|d| (d.id, d)))
        .collect()
}

/// Points an office document at its new file.
pub async fn set_collabora_document(
    conn: &impl ConnectionTrait,
    id: Uuid,
    document: Uuid,
    mime: &str,
) -> AppResult<()> {
    collabora::Entity::update_many()
        .col_expr(collabora::Column::DocumentId, Expr::value(document))
        .col_expr(collabora::Column::OriginalMimeType, Expr::value(mime))
        .col_expr(collabora::Column::UpdatedDate, Expr::value(now()))
        .filter(collabora::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Marks an office document changed.
pub async fn touch_collabora(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    collabora::Entity::update_many()
        .col_expr(collabora::Column::UpdatedDate, Expr::value(now()))
        .filter(collabora::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes office documents; their profiles (with the buckets holding their files) and
/// policies are left for the caller.
pub async fn delete_collabora(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Leftovers> {
    let mut out = Leftovers::default();
    if ids.is_empty() {
        return Ok(out);
    }
    for d in collabora_documents(conn, ids).await?.into_values() {
        out.profiles.push(d.profile_id);
        out.policies.extend(d.authorization_id);
    }
    collabora::Entity::delete_many()
        .filter(collabora::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(out)
}

/// Moves a contribution to another callout.
pub async fn set_contribution_callout(
    conn: &impl ConnectionTrait,
    id: Uuid,
    callout: Uuid,
) -> AppResult<()> {
    contribution::Entity::update_many()
        .col_expr(contribution::Column::CalloutId, Expr::value(callout))
        .col_expr(
            contribution::Column::UpdatedDate,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(contribution::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
