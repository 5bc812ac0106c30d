//! SQL of the virtual contributor module. The NameID, profile and policy of a virtual
//! contributor live on its actor row (module contributor); the rest here.

use std::collections::HashMap;

use alkemio_contributor::repo as actors;
use alkemio_kernel::ids::ActorId;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::entity;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::model::{AiPersona, KnowledgeBase, VirtualContributor};

entity!(vc, "virtual_contributor", {
    account_id: Option<Uuid>,
    settings: Json,
    platform_settings: Json,
    ai_persona_id: Uuid,
    body_of_knowledge_id: Option<String>,
    body_of_knowledge_type: String,
    body_of_knowledge_description: Option<String>,
    prompt_graph_definition: Option<Json>,
    listed_in_store: bool,
    search_visibility: String,
    data_access_mode: String,
    interaction_modes: Json,
    knowledge_base_id: Option<Uuid>,
});
entity!(persona, "ai_persona", {
    engine: String,
    prompt: Json,
    external_config: Option<Json>,
    body_of_knowledge_last_updated: Option<DateTimeUtc>,
    prompt_graph: Option<Json>,
    authorization_id: Option<Uuid>,
});
entity!(kb, "knowledge_base", {
    profile_id: Option<Uuid>,
    callouts_set_id: Option<Uuid>,
    authorization_id: Option<Uuid>,
});

fn corrupt(id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::internal_msg(format_args!("virtual contributor {id}: {e}"))
}

fn decode(r: vc::Model, actor: &alkemio_contributor::Actor) -> AppResult<VirtualContributor> {
    let platform: serde_json::Value = r.platform_settings;
    Ok(VirtualContributor {
        id: ActorId(r.id),
        name_id: actor.name_id.clone(),
        account_id: r.account_id.map(ActorId),
        settings: serde_json::from_value(r.settings).map_err(|e| corrupt(r.id, e))?,
        prompt_graph_editing_enabled: platform
            .get("promptGraphEditingEnabled")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
        ai_persona_id: r.ai_persona_id,
        body_of_knowledge_id: r.body_of_knowledge_id,
        body_of_knowledge_type: r
            .body_of_knowledge_type
            .parse()
            .map_err(|e| corrupt(r.id, e))?,
        body_of_knowledge_description: r.body_of_knowledge_description,
        listed_in_store: r.listed_in_store,
        search_visibility: r.search_visibility.parse().map_err(|e| corrupt(r.id, e))?,
        data_access_mode: r.data_access_mode.parse().map_err(|e| corrupt(r.id, e))?,
        interaction_modes: serde_json::from_value::<Vec<String>>(r.interaction_modes)
            .map_err(|e| corrupt(r.id, e))?
            .iter()
            .map(|m| m.parse())
            .collect::<Result<_, _>>()
            .map_err(|e| corrupt(r.id, e))?,
        knowledge_base_id: r.knowledge_base_id,
        profile_id: actor.profile_id,
        authorization_id: actor.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    })
}

fn model(v: &VirtualContributor) -> AppResult<vc::ActiveModel> {
    Ok(vc::ActiveModel {
        id: Set(v.id.0),
        created_date: Set(v.created_date),
        updated_date: Set(v.updated_date),
        version: Set(1),
        account_id: Set(v.account_id.map(|a| a.0)),
        settings: Set(serde_json::to_value(v.settings).map_err(|e| corrupt(v.id.0, e))?),
        platform_settings: Set(
            serde_json::json!({"promptGraphEditingEnabled": v.prompt_graph_editing_enabled}),
        ),
        ai_persona_id: Set(v.ai_persona_id),
        body_of_knowledge_id: Set(v.body_of_knowledge_id.clone()),
        body_of_knowledge_type: Set(v.body_of_knowledge_type.as_str().to_owned()),
        body_of_knowledge_description: Set(v.body_of_knowledge_description.clone()),
        prompt_graph_definition: Set(None),
        listed_in_store: Set(v.listed_in_store),
        search_visibility: Set(v.search_visibility.as_str().to_owned()),
        data_access_mode: Set(v.data_access_mode.as_str().to_owned()),
        interaction_modes: Set(serde_json::json!(
            v.interaction_modes
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
        )),
        knowledge_base_id: Set(v.knowledge_base_id),
    })
}

/// Stores a new virtual contributor's row (its actor row is stored first).
pub async fn insert(conn: &impl ConnectionTrait, v: &VirtualContributor) -> AppResult<()> {
    vc::Entity::insert(model(v)?)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Stores a changed virtual contributor (the prompt graph definition is kept).
pub async fn update(conn: &impl ConnectionTrait, v: &VirtualContributor) -> AppResult<()> {
    let mut m = model(v)?;
    m.prompt_graph_definition = sea_orm::ActiveValue::NotSet;
    m.created_date = sea_orm::ActiveValue::NotSet;
    vc::Entity::update(m).exec(conn).await?;
    actors::set_actor_name_id(conn, v.id, &v.name_id).await?;
    Ok(())
}

async fn decode_rows(
    conn: &impl ConnectionTrait,
    rows: Vec<vc::Model>,
) -> AppResult<Vec<VirtualContributor>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let found = actors::find_actors(conn, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let actor = found
                .get(&r.id)
                .ok_or_else(|| corrupt(r.id, "its actor row is missing"))?;
            decode(r, actor)
        })
        .collect()
}

/// Virtual contributors by id.
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, VirtualContributor>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = vc::Entity::find()
        .filter(vc::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(decode_rows(conn, rows)
        .await?
        .into_iter()
        .map(|v| (v.id.0, v))
        .collect())
}

/// The virtual contributors of some accounts, oldest first.
pub async fn of_accounts(
    conn: &impl ConnectionTrait,
    accounts: &[Uuid],
) -> AppResult<Vec<VirtualContributor>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let rows = vc::Entity::find()
        .filter(vc::Column::AccountId.is_in(accounts.iter().copied()))
        .order_by_asc(vc::Column::CreatedDate)
        .order_by_asc(vc::Column::Id)
        .all(conn)
        .await?;
    decode_rows(conn, rows).await
}

/// Every virtual contributor, oldest first.
pub async fn all(conn: &impl ConnectionTrait) -> AppResult<Vec<VirtualContributor>> {
    let rows = vc::Entity::find()
        .order_by_asc(vc::Column::CreatedDate)
        .order_by_asc(vc::Column::Id)
        .all(conn)
        .await?;
    decode_rows(conn, rows).await
}

/// Deletes a virtual contributor's row (the caller deletes its actor row after).
pub async fn delete(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<()> {
    vc::Entity::delete_by_id(id.0).exec(conn).await?;
    Ok(())
}

// ---- personas ----

/// Stores a new persona.
pub async fn insert_persona(conn: &impl ConnectionTrait, p: &AiPersona) -> AppResult<()> {
    persona::Entity::insert(persona::ActiveModel {
        id: Set(p.id),
        created_date: Set(p.created_date),
        updated_date: Set(p.updated_date),
        version: Set(1),
        engine: Set(p.engine.as_str().to_owned()),
        prompt: Set(serde_json::json!(p.prompt)),
        external_config: Set(p
            .external_config
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| corrupt(p.id, e))?),
        body_of_knowledge_last_updated: Set(p.body_of_knowledge_last_updated),
        prompt_graph: Set(p.prompt_graph.clone()),
        authorization_id: Set(p.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a changed persona (engine, prompt, external configuration, prompt graph).
pub async fn update_persona(conn: &impl ConnectionTrait, p: &AiPersona) -> AppResult<()> {
    let external = p
        .external_config
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| corrupt(p.id, e))?;
    persona::Entity::update_many()
        .col_expr(
            persona::Column::Engine,
            sea_orm::sea_query::Expr::value(p.engine.as_str()),
        )
        .col_expr(
            persona::Column::Prompt,
            sea_orm::sea_query::Expr::value(serde_json::json!(p.prompt)),
        )
        .col_expr(
            persona::Column::ExternalConfig,
            sea_orm::sea_query::Expr::value(external),
        )
        .col_expr(
            persona::Column::PromptGraph,
            sea_orm::sea_query::Expr::value(p.prompt_graph.clone()),
        )
        .col_expr(
            persona::Column::UpdatedDate,
            sea_orm::sea_query::Expr::value(p.updated_date),
        )
        .filter(persona::Column::Id.eq(p.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Personas by id.
pub async fn personas(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, AiPersona>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    persona::Entity::find()
        .filter(persona::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok((
                r.id,
                AiPersona {
                    id: r.id,
                    engine: r.engine.parse().map_err(|e| corrupt(r.id, e))?,
                    prompt: serde_json::from_value(r.prompt).map_err(|e| corrupt(r.id, e))?,
                    external_config: r
                        .external_config
                        .map(serde_json::from_value)
                        .transpose()
                        .map_err(|e| corrupt(r.id, e))?,
                    body_of_knowledge_last_updated: r.body_of_knowledge_last_updated,
                    prompt_graph: r.prompt_graph,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            ))
        })
        .collect()
}

/// Sets when a persona's knowledge was last ingested; false when there is no such persona.
pub async fn set_persona_last_updated(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<bool> {
    let result = persona::Entity::update_many()
        .col_expr(
            persona::Column::BodyOfKnowledgeLastUpdated,
            sea_orm::sea_query::Expr::value(at),
        )
        .col_expr(
            persona::Column::UpdatedDate,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .filter(persona::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The ids of the virtual contributors answering through a persona.
pub async fn by_persona(conn: &impl ConnectionTrait, persona: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(vc::Entity::find()
        .filter(vc::Column::AiPersonaId.eq(persona))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Deletes a persona.
pub async fn delete_persona(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    persona::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

// ---- knowledge bases ----

/// Stores a new knowledge base.
pub async fn insert_knowledge_base(
    conn: &impl ConnectionTrait,
    k: &KnowledgeBase,
) -> AppResult<()> {
    kb::Entity::insert(kb::ActiveModel {
        id: Set(k.id),
        created_date: Set(k.created_date),
        updated_date: Set(k.updated_date),
        version: Set(1),
        profile_id: Set(k.profile_id),
        callouts_set_id: Set(k.callouts_set_id),
        authorization_id: Set(k.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Knowledge bases by id.
pub async fn knowledge_bases(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, KnowledgeBase>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(kb::Entity::find()
        .filter(kb::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                KnowledgeBase {
                    id: r.id,
                    profile_id: r.profile_id,
                    callouts_set_id: r.callouts_set_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// Deletes a knowledge base.
pub async fn delete_knowledge_base(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    kb::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The virtual contributor whose knowledge base has this callouts set.
pub async fn by_knowledge_base_set(
    conn: &impl ConnectionTrait,
    set: Uuid,
) -> AppResult<Option<Uuid>> {
    let Some(kb) = kb::Entity::find()
        .filter(kb::Column::CalloutsSetId.eq(set))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(vc::Entity::find()
        .filter(vc::Column::KnowledgeBaseId.eq(kb.id))
        .one(conn)
        .await?
        .map(|v| v.id))
}
