//! SQL for organizations, their verifications and lifecycles.

use alkemio_contributor::repo::find_actors;
use alkemio_kernel::ids::{ActorId, RoleSetId};
use alkemio_kernel::pagination::PageRequest;
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::paging::{col, lower_like};
use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoSimpleExpr,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::model::{Organization, OrganizationFilter, OrganizationSettings};
use crate::verification::{OrganizationVerification, VerificationState, VerificationStatus};

pub(crate) mod organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub legal_entity_name: String,
        pub domain: String,
        pub website: String,
        pub contact_email: String,
        pub settings: Json,
        pub account_id: Option<Uuid>,
        pub role_set_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod verification {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization_verification")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub organization_id: Uuid,
        pub status: String,
        pub lifecycle_id: Uuid,
        pub authorization_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod lifecycle {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lifecycle")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub created_date: DateTimeUtc,
        pub updated_date: DateTimeUtc,
        pub version: i32,
        pub machine_state: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Stores an organization row (its actor row must exist).
pub async fn insert(conn: &impl ConnectionTrait, o: &Organization) -> AppResult<()> {
    organization::Entity::insert(organization::ActiveModel {
        id: Set(o.id.0),
        created_date: Set(o.created_date),
        updated_date: Set(o.updated_date),
        version: Set(1),
        legal_entity_name: Set(o.legal_entity_name.clone()),
        domain: Set(o.domain.clone()),
        website: Set(o.website.clone()),
        contact_email: Set(o.contact_email.clone()),
        settings: Set(serde_json::to_value(o.settings).unwrap_or_default()),
        account_id: Set(o.account_id.map(|a| a.0)),
        role_set_id: Set(o.role_set_id.map(|r| r.0)),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stores an organization's own columns (texts and settings).
pub async fn update(conn: &impl ConnectionTrait, o: &Organization) -> AppResult<()> {
    organization::Entity::update_many()
        .col_expr(
            organization::Column::LegalEntityName,
            Expr::value(o.legal_entity_name.clone()),
        )
        .col_expr(organization::Column::Domain, Expr::value(o.domain.clone()))
        .col_expr(
            organization::Column::Website,
            Expr::value(o.website.clone()),
        )
        .col_expr(
            organization::Column::ContactEmail,
            Expr::value(o.contact_email.clone()),
        )
        .col_expr(
            organization::Column::Settings,
            Expr::value(serde_json::to_value(o.settings).unwrap_or_default()),
        )
        .col_expr(organization::Column::UpdatedDate, Expr::value(now()))
        .filter(organization::Column::Id.eq(o.id.0))
        .exec(conn)
        .await?;
    Ok(())
}

fn to_organization(
    row: organization::Model,
    actor: &alkemio_contributor::Actor,
) -> AppResult<Organization> {
    let settings: OrganizationSettings = serde_json::from_value(row.settings).map_err(|e| {
        AppError::internal_msg(format_args!("organization {} settings: {e}", row.id))
    })?;
    Ok(Organization {
        id: ActorId(row.id),
        name_id: actor.name_id.clone(),
        legal_entity_name: row.legal_entity_name,
        domain: row.domain,
        website: row.website,
        contact_email: row.contact_email,
        settings,
        account_id: row.account_id.map(ActorId),
        role_set_id: row.role_set_id.map(RoleSetId),
        profile_id: actor.profile_id,
        storage_aggregator_id: actor.storage_aggregator_id,
        authorization_id: actor.authorization_id,
        created_date: row.created_date,
        updated_date: row.updated_date,
    })
}

/// The organizations with these ids, in the order of `ids` (missing ones left out).
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[uuid::Uuid],
) -> AppResult<Vec<Organization>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: std::collections::HashMap<uuid::Uuid, organization::Model> =
        organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let actors = find_actors(conn, ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for id in ids {
        if let Some(row) = rows.remove(id) {
            let actor = actors.get(id).ok_or_else(|| {
                AppError::internal_msg(format_args!("organization {id} has no actor row"))
            })?;
            out.push(to_organization(row, actor)?);
        }
    }
    Ok(out)
}

/// One organization.
pub async fn find(conn: &impl ConnectionTrait, id: ActorId) -> AppResult<Option<Organization>> {
    Ok(find_many(conn, &[id.0]).await?.into_iter().next())
}

/// The organization owning a role set.
pub async fn find_by_role_set(
    conn: &impl ConnectionTrait,
    role_set: RoleSetId,
) -> AppResult<Option<Organization>> {
    let id: Option<uuid::Uuid> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::RoleSetId.eq(role_set.0))
        .into_tuple()
        .one(conn)
        .await?;
    match id {
        Some(id) => find(conn, ActorId(id)).await,
        None => Ok(None),
    }
}

/// The organization hosting an account.
pub async fn find_by_account(
    conn: &impl ConnectionTrait,
    account: ActorId,
) -> AppResult<Option<Organization>> {
    let id: Option<uuid::Uuid> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::AccountId.eq(account.0))
        .into_tuple()
        .one(conn)
        .await?;
    match id {
        Some(id) => find(conn, ActorId(id)).await,
        None => Ok(None),
    }
}

/// Whether another organization's profile has exactly this display name.
pub async fn display_name_taken(
    conn: &impl ConnectionTrait,
    display_name: &str,
    except: Option<ActorId>,
) -> AppResult<bool> {
    let mut sub = Query::select()
        .column((Alias::new("actor"), Alias::new("id")))
        .from(Alias::new("actor"))
        .inner_join(
            Alias::new("profile"),
            col("profile", "id").eq(col("actor", "profile_id")),
        )
        .and_where(col("profile", "display_name").eq(display_name))
        .to_owned();
    if let Some(except) = except {
        sub.and_where(col("actor", "id").ne(except.0));
    }
    let count = organization::Entity::find()
        .filter(organization::Column::Id.in_subquery(sub))
        .count(conn)
        .await?;
    Ok(count > 0)
}

fn actor_subquery(condition: SimpleExpr, join_profile: bool) -> SimpleExpr {
    let mut sub = Query::select()
        .column((Alias::new("actor"), Alias::new("id")))
        .from(Alias::new("actor"))
        .to_owned();
    if join_profile {
        sub.inner_join(
            Alias::new("profile"),
            col("profile", "id").eq(col("actor", "profile_id")),
        );
    }
    sub.and_where(condition);
    organization::Column::Id.in_subquery(sub)
}

fn conditions(filter: &OrganizationFilter, status: Option<VerificationStatus>) -> Condition {
    let mut all = Condition::all();
    let mut any = Condition::any();
    let mut has_term = false;
    let own = [
        (organization::Column::ContactEmail, &filter.contact_email),
        (organization::Column::Domain, &filter.domain),
        (organization::Column::Website, &filter.website),
    ];
    for (column, value) in own {
        if let Some(v) = value.as_deref() {
            any = any.add(lower_like(column.into_simple_expr(), v));
            has_term = true;
        }
    }
    if let Some(v) = filter.name_id.as_deref() {
        any = any.add(actor_subquery(
            lower_like(col("actor", "name_id"), v),
            false,
        ));
        has_term = true;
    }
    if let Some(v) = filter.display_name.as_deref() {
        any = any.add(actor_subquery(
            lower_like(col("profile", "display_name"), v),
            true,
        ));
        has_term = true;
    }
    if has_term {
        all = all.add(any);
    }
    if let Some(status) = status {
        let sub = Query::select()
            .column(verification::Column::OrganizationId)
            .from(verification::Entity)
            .and_where(verification::Column::Status.eq(status.as_str()))
            .to_owned();
        all = all.add(organization::Column::Id.in_subquery(sub));
    }
    all
}

fn row_id() -> SimpleExpr {
    Expr::col((organization::Entity, Alias::new("row_id")))
}

/// One page of matching organization ids in creation order (read order: ascending forward,
/// descending backward; at most `limit + 1`), with the filtered total. A cursor outside the
/// filtered list is an ENTITY_NOT_FOUND error.
pub async fn page_ids(
    conn: &impl ConnectionTrait,
    filter: &OrganizationFilter,
    status: Option<VerificationStatus>,
    page: &PageRequest,
) -> AppResult<(Vec<uuid::Uuid>, u64)> {
    alkemio_persistence::paging::page_ids::<organization::Entity>(
        conn,
        organization::Column::Id,
        conditions(filter, status),
        page,
    )
    .await
}

/// Ids of every organization, or of those holding any of these credential types, in creation
/// order.
pub async fn listed_ids(
    conn: &impl ConnectionTrait,
    credential_types: Option<&[&str]>,
) -> AppResult<Vec<uuid::Uuid>> {
    let mut query = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id);
    if let Some(types) = credential_types {
        let holders = Query::select()
            .column(Alias::new("actor_id"))
            .from(Alias::new("credential"))
            .and_where(col("credential", "type").is_in(types.iter().copied()))
            .to_owned();
        query = query.filter(organization::Column::Id.in_subquery(holders));
    }
    Ok(query.order_by_asc(row_id()).into_tuple().all(conn).await?)
}

/// Stores a verification with its lifecycle.
pub async fn insert_verification(
    conn: &impl ConnectionTrait,
    v: &OrganizationVerification,
) -> AppResult<()> {
    lifecycle::Entity::insert(lifecycle::ActiveModel {
        id: Set(v.lifecycle_id),
        created_date: Set(v.lifecycle_created_date),
        updated_date: Set(v.lifecycle_updated_date),
        version: Set(1),
        machine_state: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    verification::Entity::insert(verification::ActiveModel {
        id: Set(v.id),
        created_date: Set(v.created_date),
        updated_date: Set(v.updated_date),
        version: Set(1),
        organization_id: Set(v.organization_id),
        status: Set(v.status.as_str().to_owned()),
        lifecycle_id: Set(v.lifecycle_id),
        authorization_id: Set(v.authorization_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

async fn verifications_where(
    conn: &impl ConnectionTrait,
    condition: Condition,
) -> AppResult<Vec<OrganizationVerification>> {
    let rows = verification::Entity::find()
        .filter(condition)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let lifecycles: std::collections::HashMap<uuid::Uuid, lifecycle::Model> =
        lifecycle::Entity::find()
            .filter(lifecycle::Column::Id.is_in(rows.iter().map(|r| r.lifecycle_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
    rows.into_iter()
        .map(|row| {
            let lc = lifecycles.get(&row.lifecycle_id).ok_or_else(|| {
                AppError::internal_msg(format_args!("verification {} has no lifecycle", row.id))
            })?;
            let state = VerificationState::parse(lc.machine_state.as_deref()).ok_or_else(|| {
                AppError::internal_msg(format_args!("lifecycle {} has an unknown state", lc.id))
            })?;
            let status: VerificationStatus = row.status.parse().map_err(|_| {
                AppError::internal_msg(format_args!(
                    "verification {} has an unknown status",
                    row.id
                ))
            })?;
            Ok(OrganizationVerification {
                id: row.id,
                organization_id: row.organization_id,
                status,
                state,
                lifecycle_id: lc.id,
                lifecycle_created_date: lc.created_date,
                lifecycle_updated_date: lc.updated_date,
                authorization_id: row.authorization_id,
                created_date: row.created_date,
                updated_date: row.updated_date,
            })
        })
        .collect()
}

/// The verifications of these organizations.
pub async fn verifications_of(
    conn: &impl ConnectionTrait,
    organizations: &[uuid::Uuid],
) -> AppResult<Vec<OrganizationVerification>> {
    if organizations.is_empty() {
        return Ok(Vec::new());
    }
    verifications_where(
        conn,
        Condition::all()
            .add(verification::Column::OrganizationId.is_in(organizations.iter().copied())),
    )
    .await
}

/// A verification by its id.
pub async fn find_verification(
    conn: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> AppResult<Option<OrganizationVerification>> {
    Ok(
        verifications_where(conn, Condition::all().add(verification::Column::Id.eq(id)))
            .await?
            .into_iter()
            .next(),
    )
}

/// Stores a verification's new state and status.
pub async fn save_verification_state(
    conn: &impl ConnectionTrait,
    v: &OrganizationVerification,
) -> AppResult<()> {
    let now = now();
    lifecycle::Entity::update_many()
        .col_expr(
            lifecycle::Column::MachineState,
            Expr::value(v.state.as_str()),
        )
        .col_expr(lifecycle::Column::UpdatedDate, Expr::value(now))
        .filter(lifecycle::Column::Id.eq(v.lifecycle_id))
        .exec(conn)
        .await?;
    verification::Entity::update_many()
        .col_expr(verification::Column::Status, Expr::value(v.status.as_str()))
        .col_expr(verification::Column::UpdatedDate, Expr::value(now))
        .filter(verification::Column::Id.eq(v.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes a verification's lifecycle (the verification itself goes with its organization).
pub async fn delete_lifecycle(conn: &impl ConnectionTrait, id: uuid::Uuid) -> AppResult<()> {
    lifecycle::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}
