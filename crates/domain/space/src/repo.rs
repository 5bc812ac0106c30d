//! SQL for spaces, their abouts, guidelines and communities.

use std::collections::HashMap;

use alkemio_contributor::repo::find_actors;
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::pagination::PageRequest;
use alkemio_kernel::{AppError, AppResult};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::{
    Community, CommunityGuidelines, PlatformRolesAccess, Space, SpaceAbout, SpaceLevel,
    SpaceSettings, SpaceVisibility,
};

pub(crate) mod space {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "space")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub name_id: String,
        pub level: i32,
        pub level_zero_space_id: Uuid,
        pub parent_space_id: Option<Uuid>,
        pub account_id: Option<Uuid>,
        pub visibility: String,
        pub settings: Json,
        pub platform_roles_access: Json,
        pub sort_order: i32,
        pub pinned: bool,
        pub about_id: Option<Uuid>,
        pub community_id: Option<Uuid>,
        pub license_id: Option<Uuid>,
        pub collaboration_id: Option<Uuid>,
        pub templates_manager_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod about {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "space_about")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub why: Option<String>,
        pub who: Option<String>,
        pub profile_id: Option<Uuid>,
        pub guidelines_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) use alkemio_community::guidelines::entity as guidelines;

pub(crate) mod community {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "community")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub parent_id: Option<Uuid>,
        pub role_set_id: Option<Uuid>,
        pub authorization_id: Option<Uuid>,
        pub communication_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Stores a space row (its actor row must exist).
pub async fn insert(conn: &impl ConnectionTrait, s: &Space) -> AppResult<()> {
    space::Entity::insert(space::ActiveModel {
        id: Set(s.id.0),
        created_date: Set(s.created_date),
        updated_date: Set(s.updated_date),
        version: Set(1),
        name_id: Set(s.name_id.clone()),
        level: Set(s.level.number()),
        level_zero_space_id: Set(s.level_zero_space_id.0),
        parent_space_id: Set(s.parent_space_id.map(|p| p.0)),
        account_id: Set(s.account_id.map(|a| a.0)),
        visibility: Set(s.visibility.as_str().to_owned()),
        settings: Set(json(&s.settings)),
        platform_roles_access: Set(json(&s.platform_roles_access)),
        sort_order: Set(s.sort_order),
        pinned: Set(s.pinned),
        about_id: Set(s.about_id),
        community_id: Set(s.community_id),
        license_id: Set(s.license_id),
        collaboration_id: Set(s.collaboration_id),
        templates_manager_id: Set(s.templates_manager_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores an about row.
pub async fn insert_about(conn: &impl ConnectionTrait, a: &SpaceAbout) -> AppResult<()> {
    about::Entity::insert(about::ActiveModel {
        id: Set(a.id),
        created_date: Set(a.created_date),
        updated_date: Set(a.updated_date),
        version: Set(1),
        why: Set(a.why.clone()),
        who: Set(a.who.clone()),
        profile_id: Set(a.profile_id),
        guidelines_id: Set(a.guidelines_id),
        authorization_id: Set(a.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores a guidelines row.
pub async fn insert_guidelines(
    conn: &impl ConnectionTrait,
    g: &CommunityGuidelines,
) -> AppResult<()> {
    alkemio_community::guidelines::insert(conn, g).await
}

/// Stores a community row.
pub async fn insert_community(conn: &impl ConnectionTrait, c: &Community) -> AppResult<()> {
    community::Entity::insert(community::ActiveModel {
        id: Set(c.id),
        created_date: Set(c.created_date),
        updated_date: Set(c.updated_date),
        version: Set(1),
        parent_id: Set(c.parent_id),
        role_set_id: Set(c.role_set_id.map(|r| r.0)),
        authorization_id: Set(c.authorization_id),
        communication_id: Set(c.communication_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The columns read for a space, with its row id.
fn select_spaces() -> sea_orm::Select<space::Entity> {
    space::Entity::find()
        .select_only()
        .columns([
            space::Column::Id,
            space::Column::CreatedDate,
            space::Column::UpdatedDate,
            space::Column::Version,
            space::Column::NameId,
            space::Column::Level,
            space::Column::LevelZeroSpaceId,
            space::Column::ParentSpaceId,
            space::Column::AccountId,
            space::Column::Visibility,
            space::Column::Settings,
            space::Column::PlatformRolesAccess,
            space::Column::SortOrder,
            space::Column::Pinned,
            space::Column::AboutId,
            space::Column::CommunityId,
            space::Column::LicenseId,
            space::Column::CollaborationId,
            space::Column::TemplatesManagerId,
        ])
        .column_as(Expr::cust("row_id"), "row_id")
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SpaceRow {
    id: Uuid,
    created_date: chrono::DateTime<Utc>,
    updated_date: chrono::DateTime<Utc>,
    name_id: String,
    level: i32,
    level_zero_space_id: Uuid,
    parent_space_id: Option<Uuid>,
    account_id: Option<Uuid>,
    visibility: String,
    settings: serde_json::Value,
    platform_roles_access: serde_json::Value,
    sort_order: i32,
    pinned: bool,
    about_id: Option<Uuid>,
    community_id: Option<Uuid>,
    license_id: Option<Uuid>,
    collaboration_id: Option<Uuid>,
    templates_manager_id: Option<Uuid>,
    row_id: i64,
}

fn to_space(row: SpaceRow, actor: &alkemio_contributor::Actor) -> AppResult<Space> {
    let bad = |what: &str| AppError::internal_msg(format_args!("space {} {what}", row.id));
    let settings: SpaceSettings =
        serde_json::from_value(row.settings).map_err(|e| bad(&format!("settings: {e}")))?;
    let platform_roles_access: PlatformRolesAccess =
        serde_json::from_value(row.platform_roles_access)
            .map_err(|e| bad(&format!("platform roles access: {e}")))?;
    Ok(Space {
        id: ActorId(row.id),
        name_id: row.name_id,
        level: SpaceLevel::from_number(row.level).ok_or_else(|| bad("has a bad level"))?,
        level_zero_space_id: ActorId(row.level_zero_space_id),
        parent_space_id: row.parent_space_id.map(ActorId),
        account_id: row.account_id.map(ActorId),
        visibility: row
            .visibility
            .parse::<SpaceVisibility>()
            .map_err(|e| bad(&e.to_string()))?,
        settings,
        platform_roles_access,
        sort_order: row.sort_order,
        pinned: row.pinned,
        about_id: row.about_id,
        community_id: row.community_id,
        license_id: row.license_id,
        collaboration_id: row.collaboration_id,
        templates_manager_id: row.templates_manager_id,
        storage_aggregator_id: actor.storage_aggregator_id,
        profile_id: actor.profile_id,
        authorization_id: actor.authorization_id,
        row_id: row.row_id,
        created_date: row.created_date,
        updated_date: row.updated_date,
    })
}

/// The spaces with these ids, in the order of `ids` (missing ones left out).
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<Space>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SpaceRow> = select_spaces()
        .filter(space::Column::Id.is_in(ids.iter().copied()))
        .into_model()
        .all(conn)
        .await?;
    let mut rows: HashMap<Uuid, SpaceRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let actors = find_actors(conn, ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for id in ids {
        if let Some(row) = rows.remove(id) {
            let actor = actors.get(id).ok_or_else(|| {
                AppError::internal_msg(format_args!("space {id} has no actor row"))
            })?;
            out.push(to_space(row, actor)?);
        }
    }
    Ok(out)
}

/// One space.
pub async fn find(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<Option<Space>> {
    Ok(find_many(conn, &[id.0]).await?.into_iter().next())
}

async fn ids_where(
    conn: &impl ConnectionTrait,
    condition: Condition,
    order: &[(space::Column, bool)],
) -> AppResult<Vec<Uuid>> {
    let mut query = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .filter(condition);
    for (column, asc) in order {
        query = if *asc {
            query.order_by_asc(*column)
        } else {
            query.order_by_desc(*column)
        };
    }
    Ok(query
        .order_by_asc(space::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The L0 space with this NameID.
pub async fn l0_id_by_name_id(
    conn: &impl ConnectionTrait,
    name_id: &str,
) -> AppResult<Option<Uuid>> {
    Ok(ids_where(
        conn,
        Condition::all()
            .add(space::Column::Level.eq(0))
            .add(space::Column::NameId.eq(name_id.to_lowercase())),
        &[],
    )
    .await?
    .into_iter()
    .next())
}

/// The space of an L0 tree with this NameID.
pub async fn id_in_tree_by_name_id(
    conn: &impl ConnectionTrait,
    level_zero: ActorId,
    name_id: &str,
) -> AppResult<Option<Uuid>> {
    Ok(ids_where(
        conn,
        Condition::all()
            .add(space::Column::LevelZeroSpaceId.eq(level_zero.0))
            .add(space::Column::NameId.eq(name_id.to_lowercase())),
        &[],
    )
    .await?
    .into_iter()
    .next())
}

/// NameIDs starting with `prefix` among L0 spaces (`tree` None) or within one L0 tree.
pub async fn name_ids_with_prefix(
    conn: &impl ConnectionTrait,
    tree: Option<ActorId>,
    prefix: &str,
) -> AppResult<Vec<String>> {
    let scope = match tree {
        Some(l0) => space::Column::LevelZeroSpaceId.eq(l0.0),
        None => space::Column::Level.eq(0),
    };
    Ok(space::Entity::find()
        .select_only()
        .column(space::Column::NameId)
        .filter(scope)
        .filter(space::Column::NameId.starts_with(prefix))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The direct subspaces of these spaces, as `(parent, child)` pairs ordered by pinned first,
/// then sort order, then creation.
pub async fn subspace_ids_of(
    conn: &impl ConnectionTrait,
    parents: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Uuid, Option<Uuid>)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::ParentSpaceId)
        .filter(space::Column::ParentSpaceId.is_in(parents.iter().copied()))
        .order_by_desc(space::Column::Pinned)
        .order_by_asc(space::Column::SortOrder)
        .order_by_asc(Expr::cust("row_id"))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, parent)| parent.map(|p| (p, id)))
        .collect())
}

/// Every space below `root`, parents before children.
pub async fn descendant_ids(conn: &impl ConnectionTrait, root: ActorId) -> AppResult<Vec<Uuid>> {
    let mut out = Vec::new();
    let mut frontier = vec![root.0];
    while !frontier.is_empty() {
        let children: Vec<Uuid> = subspace_ids_of(conn, &frontier)
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        out.extend(children.iter().copied());
        frontier = children;
    }
    Ok(out)
}

/// The smallest sort order among a parent's subspaces.
pub async fn min_sort_order(
    conn: &impl ConnectionTrait,
    parent: ActorId,
) -> AppResult<Option<i32>> {
    let min: Option<Option<i32>> = space::Entity::find()
        .select_only()
        .column_as(space::Column::SortOrder.min(), "min")
        .filter(space::Column::ParentSpaceId.eq(parent.0))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(min.flatten())
}

fn l0_condition(visibilities: &[SpaceVisibility], restrict: Option<&[Uuid]>) -> Condition {
    let mut c = Condition::all()
        .add(space::Column::Level.eq(0))
        .add(space::Column::Visibility.is_in(visibilities.iter().map(|v| v.as_str().to_owned())));
    if let Some(ids) = restrict {
        c = c.add(space::Column::Id.is_in(ids.iter().copied()));
    }
    c
}

/// The active L0 spaces with the most activity in their own collaboration since `since`, most
/// first (ties: the latest activity first), at most `limit` (one statement).
pub async fn most_active_l0_ids(
    conn: &impl ConnectionTrait,
    since: chrono::DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<Uuid>> {
    use sea_orm::sea_query::{Alias, ExprTrait, Query};
    let activity = |c: &str| Expr::col((Alias::new("activity"), Alias::new(c)));
    let mut select = Query::select();
    select
        .column((space::Entity, space::Column::Id))
        .from(space::Entity)
        .inner_join(
            Alias::new("activity"),
            activity("collaboration_id").equals((space::Entity, space::Column::CollaborationId)),
        )
        .and_where(Expr::col((space::Entity, space::Column::Level)).eq(0))
        .and_where(
            Expr::col((space::Entity, space::Column::Visibility))
                .eq(SpaceVisibility::Active.as_str()),
        )
        .and_where(activity("created_date").gte(since))
        .group_by_col((space::Entity, space::Column::Id))
        .order_by_expr(activity("id").count(), sea_orm::Order::Desc)
        .order_by_expr(activity("created_date").max(), sea_orm::Order::Desc)
        .order_by((space::Entity, space::Column::Id), sea_orm::Order::Asc)
        .limit(limit);
    let rows = conn
        .query_all_raw(conn.get_database_backend().build(&select))
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        ids.push(row.try_get_by_index::<Uuid>(0)?);
    }
    Ok(ids)
}

/// L0 spaces with these visibilities (optionally among `restrict`), in creation order.
pub async fn l0_ids(
    conn: &impl ConnectionTrait,
    visibilities: &[SpaceVisibility],
    restrict: Option<&[Uuid]>,
) -> AppResult<Vec<Uuid>> {
    let rows: Vec<(Uuid, i64)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column_as(Expr::cust("row_id"), "row_id")
        .filter(l0_condition(visibilities, restrict))
        .order_by_asc(Expr::cust("row_id"))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

/// One page of L0 spaces with these visibilities, with the total.
pub async fn l0_page_ids(
    conn: &impl ConnectionTrait,
    visibilities: &[SpaceVisibility],
    page: &PageRequest,
) -> AppResult<(Vec<Uuid>, u64)> {
    alkemio_persistence::paging::page_ids::<space::Entity>(
        conn,
        space::Column::Id,
        l0_condition(visibilities, None),
        page,
    )
    .await
}

/// The L0 spaces an account hosts, in creation order.
pub async fn ids_of_account(conn: &impl ConnectionTrait, account: ActorId) -> AppResult<Vec<Uuid>> {
    ids_where(
        conn,
        Condition::all()
            .add(space::Column::Level.eq(0))
            .add(space::Column::AccountId.eq(account.0)),
        &[(space::Column::CreatedDate, true)],
    )
    .await
}

/// The L0 spaces of these accounts, as `(account, space)` pairs in creation order.
pub async fn ids_of_accounts(
    conn: &impl ConnectionTrait,
    accounts: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Uuid, Option<Uuid>)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::AccountId)
        .filter(space::Column::Level.eq(0))
        .filter(space::Column::AccountId.is_in(accounts.iter().copied()))
        .order_by_asc(Expr::cust("row_id"))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, account)| account.map(|a| (a, id)))
        .collect())
}

/// How many subspaces (at any depth) each of these L0 spaces has.
pub async fn subtree_sizes(
    conn: &impl ConnectionTrait,
    roots: &[Uuid],
) -> AppResult<HashMap<Uuid, usize>> {
    if roots.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Uuid> = space::Entity::find()
        .select_only()
        .column(space::Column::LevelZeroSpaceId)
        .filter(space::Column::LevelZeroSpaceId.is_in(roots.iter().copied()))
        .filter(space::Column::Level.gt(0))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, usize> = HashMap::new();
    for r in rows {
        *out.entry(r).or_default() += 1;
    }
    Ok(out)
}

/// The space whose community holds this role set.
pub async fn id_by_role_set(
    conn: &impl ConnectionTrait,
    role_set: RoleSetId,
) -> AppResult<Option<Uuid>> {
    let community: Option<Uuid> = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .filter(community::Column::RoleSetId.eq(role_set.0))
        .into_tuple()
        .one(conn)
        .await?;
    let Some(community) = community else {
        return Ok(None);
    };
    id_by_community(conn, community).await
}

/// The spaces whose communities hold these role sets: space id by role set id (two
/// statements for any number).
pub async fn ids_by_role_sets(
    conn: &impl ConnectionTrait,
    role_sets: &[Uuid],
) -> AppResult<HashMap<Uuid, Uuid>> {
    if role_sets.is_empty() {
        return Ok(HashMap::new());
    }
    let communities: Vec<(Uuid, Option<Uuid>)> = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .column(community::Column::RoleSetId)
        .filter(community::Column::RoleSetId.is_in(role_sets.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let by_community: HashMap<Uuid, Uuid> = communities
        .into_iter()
        .filter_map(|(c, r)| r.map(|r| (c, r)))
        .collect();
    let spaces: Vec<(Uuid, Option<Uuid>)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::CommunityId)
        .filter(space::Column::CommunityId.is_in(by_community.keys().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(spaces
        .into_iter()
        .filter_map(|(s, c)| c.and_then(|c| by_community.get(&c)).map(|r| (*r, s)))
        .collect())
}

/// The space owning an about.
pub async fn id_by_about(conn: &impl ConnectionTrait, about: Uuid) -> AppResult<Option<Uuid>> {
    Ok(space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .filter(space::Column::AboutId.eq(about))
        .into_tuple()
        .one(conn)
        .await?)
}

/// Space ids by collaboration id.
pub async fn ids_by_collaborations(
    conn: &impl ConnectionTrait,
    collaborations: &[Uuid],
) -> AppResult<HashMap<Uuid, Uuid>> {
    if collaborations.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Option<Uuid>)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::CollaborationId)
        .filter(space::Column::CollaborationId.is_in(collaborations.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, c)| c.map(|c| (c, s)))
        .collect())
}

/// The space owning a community.
pub async fn id_by_community(
    conn: &impl ConnectionTrait,
    community: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(ids_where(
        conn,
        Condition::all().add(space::Column::CommunityId.eq(community)),
        &[],
    )
    .await?
    .into_iter()
    .next())
}

/// The NameID and parent of each of these spaces (one light query).
pub async fn name_links(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<(Uuid, String, Option<Uuid>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::NameId)
        .column(space::Column::ParentSpaceId)
        .filter(space::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The spaces whose community guidelines have these profiles, by guidelines profile id.
pub async fn ids_by_guidelines_profiles(
    conn: &impl ConnectionTrait,
    profiles: &[Uuid],
) -> AppResult<HashMap<Uuid, Uuid>> {
    if profiles.is_empty() {
        return Ok(HashMap::new());
    }
    let guidelines: HashMap<Uuid, Uuid> = guidelines::Entity::find()
        .select_only()
        .column(guidelines::Column::Id)
        .column(guidelines::Column::ProfileId)
        .filter(guidelines::Column::ProfileId.is_in(profiles.iter().copied()))
        .into_tuple::<(Uuid, Option<Uuid>)>()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(g, p)| p.map(|p| (g, p)))
        .collect();
    let abouts: HashMap<Uuid, Uuid> = about::Entity::find()
        .select_only()
        .column(about::Column::Id)
        .column(about::Column::GuidelinesId)
        .filter(about::Column::GuidelinesId.is_in(guidelines.keys().copied()))
        .into_tuple::<(Uuid, Option<Uuid>)>()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(a, g)| g.and_then(|g| guidelines.get(&g)).map(|p| (a, *p)))
        .collect();
    let spaces: Vec<(Uuid, Option<Uuid>)> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .column(space::Column::AboutId)
        .filter(space::Column::AboutId.is_in(abouts.keys().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(spaces
        .into_iter()
        .filter_map(|(s, a)| a.and_then(|a| abouts.get(&a)).map(|p| (*p, s)))
        .collect())
}

/// Stores a space's settings, derived platform access, visibility and NameID.
pub async fn update(conn: &impl ConnectionTrait, s: &Space) -> AppResult<()> {
    space::Entity::update_many()
        .col_expr(space::Column::NameId, Expr::value(s.name_id.clone()))
        .col_expr(
            space::Column::Visibility,
            Expr::value(s.visibility.as_str()),
        )
        .col_expr(space::Column::Settings, Expr::value(json(&s.settings)))
        .col_expr(
            space::Column::PlatformRolesAccess,
            Expr::value(json(&s.platform_roles_access)),
        )
        .col_expr(space::Column::SortOrder, Expr::value(s.sort_order))
        .col_expr(space::Column::Pinned, Expr::value(s.pinned))
        .col_expr(space::Column::UpdatedDate, Expr::value(now()))
        .filter(space::Column::Id.eq(s.id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Moves a tree of spaces (an L0 space and everything below it) to another account.
pub async fn set_tree_account(
    conn: &impl ConnectionTrait,
    root: Uuid,
    account: Uuid,
) -> AppResult<()> {
    space::Entity::update_many()
        .col_expr(space::Column::AccountId, Expr::value(account))
        .col_expr(space::Column::UpdatedDate, Expr::value(now()))
        .filter(space::Column::LevelZeroSpaceId.eq(root))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores an about's texts.
pub async fn update_about(conn: &impl ConnectionTrait, a: &SpaceAbout) -> AppResult<()> {
    about::Entity::update_many()
        .col_expr(about::Column::Why, Expr::value(a.why.clone()))
        .col_expr(about::Column::Who, Expr::value(a.who.clone()))
        .col_expr(about::Column::UpdatedDate, Expr::value(now()))
        .filter(about::Column::Id.eq(a.id))
        .exec(conn)
        .await?;
    Ok(())
}

fn to_about(r: about::Model) -> SpaceAbout {
    SpaceAbout {
        id: r.id,
        why: r.why,
        who: r.who,
        profile_id: r.profile_id,
        guidelines_id: r.guidelines_id,
        authorization_id: r.authorization_id,
        created_date: r.created_date,
        updated_date: r.updated_date,
    }
}

/// Abouts by id.
pub async fn abouts(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, SpaceAbout>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(about::Entity::find()
        .filter(about::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, to_about(r)))
        .collect())
}

/// Guidelines by id.
pub async fn guidelines(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, CommunityGuidelines>> {
    alkemio_community::guidelines::find_many(conn, ids).await
}

/// Communities by id.
pub async fn communities(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Community>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(community::Entity::find()
        .filter(community::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                Community {
                    id: r.id,
                    parent_id: r.parent_id,
                    role_set_id: r.role_set_id.map(RoleSetId),
                    communication_id: r.communication_id,
                    authorization_id: r.authorization_id,
                    created_date: r.created_date,
                    updated_date: r.updated_date,
                },
            )
        })
        .collect())
}

/// The community holding a communication.
pub async fn community_id_by_communication(
    conn: &impl ConnectionTrait,
    communication: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .filter(community::Column::CommunicationId.eq(communication))
        .into_tuple()
        .one(conn)
        .await?)
}

/// Communities that have no communication yet (made before communications existed).
pub async fn communities_without_communication(
    conn: &impl ConnectionTrait,
) -> AppResult<Vec<Uuid>> {
    Ok(community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .filter(community::Column::CommunicationId.is_null())
        .into_tuple()
        .all(conn)
        .await?)
}

/// Points a community at its communication.
pub async fn set_communication(
    conn: &impl ConnectionTrait,
    community: Uuid,
    communication: Uuid,
) -> AppResult<()> {
    community::Entity::update_many()
        .col_expr(
            community::Column::CommunicationId,
            Expr::value(communication),
        )
        .filter(community::Column::Id.eq(community))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes spaces and what only they point at (about, guidelines, community rows).
pub async fn delete_rows(
    conn: &impl ConnectionTrait,
    spaces: &[Uuid],
    abouts: &[Uuid],
    guidelines: &[Uuid],
    communities: &[Uuid],
) -> AppResult<()> {
    space::Entity::delete_many()
        .filter(space::Column::Id.is_in(spaces.iter().copied()))
        .exec(conn)
        .await?;
    about::Entity::delete_many()
        .filter(about::Column::Id.is_in(abouts.iter().copied()))
        .exec(conn)
        .await?;
    guidelines::Entity::delete_many()
        .filter(guidelines::Column::Id.is_in(guidelines.iter().copied()))
        .exec(conn)
        .await?;
    community::Entity::delete_many()
        .filter(community::Column::Id.is_in(communities.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// The spaces owning collaborations, by collaboration id.
pub async fn spaces_of_collaborations(
    conn: &impl ConnectionTrait,
    collaborations: &[Uuid],
) -> AppResult<HashMap<Uuid, Space>> {
    if collaborations.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .filter(space::Column::CollaborationId.is_in(collaborations.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(find_many(conn, &ids)
        .await?
        .into_iter()
        .filter_map(|s| s.collaboration_id.map(|c| (c, s)))
        .collect())
}

/// Points a space at its templates manager.
pub async fn set_templates_manager_id(
    conn: &impl ConnectionTrait,
    id: ActorId,
    manager: Uuid,
) -> AppResult<()> {
    space::Entity::update_many()
        .col_expr(space::Column::TemplatesManagerId, Expr::value(manager))
        .filter(space::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The L0 spaces without a templates manager.
pub async fn l0_without_templates_manager(conn: &impl ConnectionTrait) -> AppResult<Vec<Uuid>> {
    Ok(space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .filter(space::Column::Level.eq(0))
        .filter(space::Column::TemplatesManagerId.is_null())
        .into_tuple()
        .all(conn)
        .await?)
}

/// The space holding a templates manager.
pub async fn id_by_templates_manager(
    conn: &impl ConnectionTrait,
    manager: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(space::Entity::find()
        .select_only()
        .column(space::Column::Id)
        .filter(space::Column::TemplatesManagerId.eq(manager))
        .into_tuple()
        .one(conn)
        .await?)
}
