//! SQL for listing users: the filtered, cursor-paginated walk behind `usersPaginated` and the
//! credential-filtered list behind `users`.

use alkemio_kernel::AppResult;
use alkemio_kernel::ids::UserId;
use alkemio_kernel::pagination::PageRequest;
use alkemio_persistence::paging::{col, lower_like, page_ids};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoSimpleExpr, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::repo::{actor, credential, user};

/// What `usersPaginated(filter:)` matches: any supplied field, as a case-insensitive substring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Substring of the profile's display name.
    pub display_name: Option<String>,
    /// Substring of the e-mail address.
    pub email: Option<String>,
    /// Substring of the first name.
    pub first_name: Option<String>,
    /// Substring of the last name.
    pub last_name: Option<String>,
    /// Only users holding each of these credentials.
    pub holding: Vec<alkemio_authorization::Credential>,
    /// Only users holding none of these credentials.
    pub not_holding: Vec<alkemio_authorization::Credential>,
}

fn holders(c: &alkemio_authorization::Credential) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(credential::Column::ActorId)
        .from(credential::Entity)
        .and_where(credential::Column::CredentialType.eq(c.credential_type.as_str()))
        .and_where(credential::Column::ResourceId.eq(c.resource_id.as_str()))
        .to_owned()
}

/// Users whose actor's profile matches a condition on the `profile` table.
fn profile_subquery(profile_condition: Condition) -> SimpleExpr {
    let sub = Query::select()
        .column((Alias::new("actor"), Alias::new("id")))
        .from(Alias::new("actor"))
        .inner_join(
            Alias::new("profile"),
            col("profile", "id").eq(col("actor", "profile_id")),
        )
        .cond_where(profile_condition)
        .to_owned();
    user::Column::Id.in_subquery(sub)
}

fn conditions(filter: &UserFilter, with_tags: Option<bool>) -> Condition {
    let mut all = Condition::all();
    let mut any = Condition::any();
    let mut has_term = false;
    if let Some(v) = filter.first_name.as_deref() {
        any = any.add(lower_like(user::Column::FirstName.into_simple_expr(), v));
        has_term = true;
    }
    if let Some(v) = filter.last_name.as_deref() {
        any = any.add(lower_like(user::Column::LastName.into_simple_expr(), v));
        has_term = true;
    }
    if let Some(v) = filter.email.as_deref() {
        any = any.add(lower_like(user::Column::Email.into_simple_expr(), v));
        has_term = true;
    }
    if let Some(v) = filter.display_name.as_deref() {
        any = any.add(profile_subquery(
            Condition::all().add(lower_like(col("profile", "display_name"), v)),
        ));
        has_term = true;
    }
    if has_term {
        all = all.add(any);
    }
    for c in &filter.holding {
        all = all.add(user::Column::Id.in_subquery(holders(c)));
    }
    for c in &filter.not_holding {
        all = all.add(user::Column::Id.not_in_subquery(holders(c)));
    }
    if let Some(with_tags) = with_tags {
        // Tags are a JSON array; an empty tagset is stored as `[]`.
        let tags_text = Expr::expr(Func::cast_as(
            Expr::col((Alias::new("tagset"), Alias::new("tags"))),
            Alias::new("TEXT"),
        ));
        let tag_condition = if with_tags {
            tags_text.ne("[]")
        } else {
            tags_text.eq("[]")
        };
        let sub = Query::select()
            .column((Alias::new("actor"), Alias::new("id")))
            .from(Alias::new("actor"))
            .inner_join(
                Alias::new("tagset"),
                col("tagset", "profile_id").eq(col("actor", "profile_id")),
            )
            .and_where(tag_condition)
            .to_owned();
        all = all.add(user::Column::Id.in_subquery(sub));
    }
    all
}

fn row_id() -> SimpleExpr {
    Expr::col((user::Entity, Alias::new("row_id")))
}

/// One page of user ids in insertion order, with the filtered total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIdPage {
    /// The ids as read (ascending for forward pages, descending for backward ones), at most
    /// `limit + 1` of them.
    pub fetched: Vec<UserId>,
    /// How many users match the filter, regardless of the cursor.
    pub total: u64,
}

/// Reads one page of matching users next to the cursor. A cursor that names no matching user
/// is an ENTITY_NOT_FOUND error.
pub async fn page_user_ids(
    conn: &impl ConnectionTrait,
    filter: &UserFilter,
    with_tags: Option<bool>,
    page: &PageRequest,
) -> AppResult<UserIdPage> {
    let (fetched, total) =
        page_ids::<user::Entity>(conn, user::Column::Id, conditions(filter, with_tags), page)
            .await?;
    Ok(UserIdPage {
        fetched: fetched.into_iter().map(UserId).collect(),
        total,
    })
}

/// Ids of the users listed by `users(filter:)`: holders of any of these credential types
/// (service profiles included), or, with no types, every user who is not a service profile.
/// Insertion order.
pub async fn listed_user_ids(
    conn: &impl ConnectionTrait,
    credential_types: Option<&[&str]>,
) -> AppResult<Vec<UserId>> {
    let mut query = user::Entity::find().select_only().column(user::Column::Id);
    query = match credential_types {
        Some(types) => {
            let holders = Query::select()
                .column(credential::Column::ActorId)
                .from(credential::Entity)
                .and_where(credential::Column::CredentialType.is_in(types.iter().copied()))
                .to_owned();
            query.filter(user::Column::Id.in_subquery(holders))
        }
        None => query.filter(user::Column::ServiceProfile.eq(false)),
    };
    let ids: Vec<uuid::Uuid> = query.order_by_asc(row_id()).into_tuple().all(conn).await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// The user id for a NameID.
pub async fn user_id_by_name_id(
    conn: &impl ConnectionTrait,
    name_id: &str,
) -> AppResult<Option<UserId>> {
    let id: Option<uuid::Uuid> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::ActorType.eq("user"))
        .filter(actor::Column::NameId.eq(name_id))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(id.map(UserId))
}

/// What `mentionableContributors` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionQuery {
    /// The kinds of actor wanted.
    pub types: Vec<crate::model::ActorType>,
    /// `None`: every actor on the platform; `Some`: only holders of one of these credentials.
    pub scope: Option<Vec<alkemio_authorization::Credential>>,
    /// Substring of the profile's display name (any case).
    pub display_name: Option<String>,
    /// Substring of the NameID (any case).
    pub name_id: Option<String>,
    /// Most actors returned.
    pub limit: u64,
}

/// The actors matching a mention query, by profile display name (one statement).
pub async fn mentionable_actors(
    conn: &impl ConnectionTrait,
    q: &MentionQuery,
) -> AppResult<Vec<(alkemio_kernel::ids::ActorId, crate::model::ActorType)>> {
    if q.types.is_empty() || q.scope.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .column((Alias::new("actor"), Alias::new("id")))
        .column((Alias::new("actor"), Alias::new("type")))
        .from(Alias::new("actor"))
        .inner_join(
            Alias::new("profile"),
            col("profile", "id").eq(col("actor", "profile_id")),
        )
        .and_where(col("actor", "type").is_in(q.types.iter().map(|t| t.as_str())));
    if let Some(scope) = &q.scope {
        let mut any = Condition::any();
        for c in scope {
            any = any.add(
                Condition::all()
                    .add(credential::Column::CredentialType.eq(c.credential_type.as_str()))
                    .add(credential::Column::ResourceId.eq(c.resource_id.as_str())),
            );
        }
        let holders = Query::select()
            .column(credential::Column::ActorId)
            .from(credential::Entity)
            .cond_where(any)
            .to_owned();
        select.and_where(col("actor", "id").in_subquery(holders));
    }
    if let Some(v) = q.display_name.as_deref() {
        select.and_where(lower_like(col("profile", "display_name"), v));
    }
    if let Some(v) = q.name_id.as_deref() {
        select.and_where(lower_like(col("actor", "name_id"), v));
    }
    select
        .order_by(
            (Alias::new("profile"), Alias::new("display_name")),
            sea_orm::Order::Asc,
        )
        .order_by((Alias::new("actor"), Alias::new("id")), sea_orm::Order::Asc)
        .limit(q.limit);
    let rows = conn
        .query_all_raw(conn.get_database_backend().build(&select))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: uuid::Uuid = row.try_get_by_index(0)?;
        let ty: String = row.try_get_by_index(1)?;
        if let Some(ty) = crate::model::ActorType::parse(&ty) {
            out.push((alkemio_kernel::ids::ActorId(id), ty));
        }
    }
    Ok(out)
}
