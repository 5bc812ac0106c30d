//! The rows the index is built from, and the policies and memberships results are checked
//! against. Every statement reads whole tables (an ingest is a full rebuild) or a batch of ids.

use std::collections::HashMap;

use alkemio_kernel::AppResult;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use uuid::Uuid;

/// A profile's searchable text.
#[derive(Debug, Clone, Default)]
pub struct ProfileText {
    /// The profile (its tagsets are keyed by it).
    pub profile_id: Option<Uuid>,
    /// Display name.
    pub display_name: String,
    /// Tagline.
    pub tagline: Option<String>,
    /// Description (Markdown).
    pub description: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
}

/// An active space at any level.
#[derive(Debug, Clone)]
pub struct SpaceRow {
    /// Its id.
    pub id: Uuid,
    /// 0, 1 or 2.
    pub level: i32,
    /// The space above it.
    pub parent_space_id: Option<Uuid>,
    /// The top of its tree.
    pub level_zero_space_id: Option<Uuid>,
    /// Its about's profile.
    pub profile: ProfileText,
    /// Why it exists.
    pub why: Option<String>,
    /// Who it is for.
    pub who: Option<String>,
}

/// A user (not a service profile) or an organization.
#[derive(Debug, Clone)]
pub struct ContributorRow {
    /// Its id.
    pub id: Uuid,
    /// Its profile.
    pub profile: ProfileText,
}

/// A callout of an active space's collaboration (templates excluded).
#[derive(Debug, Clone)]
pub struct CalloutRow {
    /// Its id.
    pub id: Uuid,
    /// The space whose collaboration holds it.
    pub space: SpaceRef,
    /// The flow state it is shown in, when it names one of the flow's states.
    pub flow_state_id: Option<Uuid>,
    /// Its framing's profile.
    pub profile: ProfileText,
    /// The framing's whiteboard.
    pub whiteboard_id: Option<Uuid>,
    /// The framing's memo.
    pub memo_id: Option<Uuid>,
    /// The framing's office document.
    pub collabora_document_id: Option<Uuid>,
}

/// A space and the spaces above it.
#[derive(Debug, Clone, Copy)]
pub struct SpaceRef {
    /// The space.
    pub id: Uuid,
    /// Its parent.
    pub parent_space_id: Option<Uuid>,
    /// The top of its tree.
    pub level_zero_space_id: Option<Uuid>,
}

/// A contribution to a callout, by what it holds.
#[derive(Debug, Clone, Copy)]
pub struct ContributionRow {
    /// The callout.
    pub callout_id: Uuid,
    /// A post.
    pub post_id: Option<Uuid>,
    /// A whiteboard.
    pub whiteboard_id: Option<Uuid>,
    /// A memo.
    pub memo_id: Option<Uuid>,
    /// An office document.
    pub collabora_document_id: Option<Uuid>,
}

/// A post, whiteboard, memo or office document with its profile and text content.
#[derive(Debug, Clone)]
pub struct ContentRow {
    /// Its id.
    pub id: Uuid,
    /// Its profile.
    pub profile: ProfileText,
    /// Its content as text (a whiteboard's JSON, a memo's Markdown), when it has one.
    pub content: Option<String>,
}

/// Everything an ingest indexes.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Active spaces.
    pub spaces: Vec<SpaceRow>,
    /// Users.
    pub users: Vec<ContributorRow>,
    /// Organizations.
    pub organizations: Vec<ContributorRow>,
    /// Callouts of active spaces.
    pub callouts: Vec<CalloutRow>,
    /// Every contribution.
    pub contributions: Vec<ContributionRow>,
    /// Every post.
    pub posts: Vec<ContentRow>,
    /// Every whiteboard.
    pub whiteboards: Vec<ContentRow>,
    /// Every memo.
    pub memos: Vec<ContentRow>,
    /// Every office document.
    pub collabora_documents: Vec<ContentRow>,
    /// Each profile's tags, over all its tagsets.
    pub tags: HashMap<Uuid, Vec<String>>,
}

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((t(table), t(column)))
}

async fn rows(
    conn: &impl ConnectionTrait,
    select: &SelectStatement,
) -> AppResult<Vec<QueryResult>> {
    Ok(conn
        .query_all_raw(conn.get_database_backend().build(select))
        .await?)
}

/// Adds the profile columns (display name, tagline, description, city, country, id) of the
/// profile joined as `p`, with its location.
fn profile_columns(select: &mut SelectStatement) {
    select
        .expr(col("p", "display_name"))
        .expr(col("p", "tagline"))
        .expr(col("p", "description"))
        .expr(col("l", "city"))
        .expr(col("l", "country"))
        .expr(col("p", "id"))
        .join_as(
            JoinType::LeftJoin,
            t("location"),
            t("l"),
            col("l", "id").equals((t("p"), t("location_id"))),
        );
}

fn profile_at(row: &QueryResult, first: usize) -> AppResult<ProfileText> {
    Ok(ProfileText {
        display_name: row
            .try_get_by_index::<Option<String>>(first)?
            .unwrap_or_default(),
        tagline: row.try_get_by_index(first + 1)?,
        description: row.try_get_by_index(first + 2)?,
        city: row.try_get_by_index(first + 3)?,
        country: row.try_get_by_index(first + 4)?,
        profile_id: row.try_get_by_index(first + 5)?,
    })
}

/// Reads everything an ingest indexes (ten statements).
pub async fn corpus(conn: &impl ConnectionTrait) -> AppResult<Corpus> {
    let mut corpus = Corpus {
        spaces: spaces(conn).await?,
        users: contributors(conn, "user").await?,
        organizations: contributors(conn, "organization").await?,
        callouts: callouts(conn).await?,
        contributions: contributions(conn).await?,
        posts: contents(conn, "post", None).await?,
        whiteboards: contents(conn, "whiteboard", Some("content")).await?,
        memos: contents(conn, "memo", Some("markdown")).await?,
        collabora_documents: contents(conn, "collabora_document", None).await?,
        tags: HashMap::new(),
    };
    corpus.tags = tags(conn).await?;
    Ok(corpus)
}

async fn spaces(conn: &impl ConnectionTrait) -> AppResult<Vec<SpaceRow>> {
    let mut select = Query::select();
    select
        .expr(col("s", "id"))
        .expr(col("s", "level"))
        .expr(col("s", "parent_space_id"))
        .expr(col("s", "level_zero_space_id"))
        .expr(col("a", "why"))
        .expr(col("a", "who"))
        .from_as(t("space"), t("s"))
        .join_as(
            JoinType::InnerJoin,
            t("space_about"),
            t("a"),
            col("a", "id").equals((t("s"), t("about_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            t("profile"),
            t("p"),
            col("p", "id").equals((t("a"), t("profile_id"))),
        )
        .and_where(col("s", "visibility").eq("active"));
    profile_columns(&mut select);
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| {
            Ok(SpaceRow {
                id: r.try_get_by_index(0)?,
                level: r.try_get_by_index(1)?,
                parent_space_id: r.try_get_by_index(2)?,
                level_zero_space_id: r.try_get_by_index(3)?,
                why: r.try_get_by_index(4)?,
                who: r.try_get_by_index(5)?,
                profile: profile_at(r, 6)?,
            })
        })
        .collect()
}

async fn contributors(conn: &impl ConnectionTrait, table: &str) -> AppResult<Vec<ContributorRow>> {
    let mut select = Query::select();
    select
        .expr(col("c", "id"))
        .from_as(t(table), t("c"))
        .join_as(
            JoinType::InnerJoin,
            t("actor"),
            t("ac"),
            col("ac", "id").equals((t("c"), t("id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            t("profile"),
            t("p"),
            col("p", "id").equals((t("ac"), t("profile_id"))),
        );
    if table == "user" {
        select.and_where(col("c", "service_profile").eq(false));
    }
    profile_columns(&mut select);
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| {
            Ok(ContributorRow {
                id: r.try_get_by_index(0)?,
                profile: profile_at(r, 1)?,
            })
        })
        .collect()
}

async fn callouts(conn: &impl ConnectionTrait) -> AppResult<Vec<CalloutRow>> {
    let mut select = Query::select();
    select
        .expr(col("c", "id"))
        .expr(col("s", "id"))
        .expr(col("s", "parent_space_id"))
        .expr(col("s", "level_zero_space_id"))
        .expr(col("st", "id"))
        .expr(col("f", "whiteboard_id"))
        .expr(col("f", "memo_id"))
        .expr(col("f", "collabora_document_id"))
        .from_as(t("callout"), t("c"))
        .join_as(
            JoinType::InnerJoin,
            t("callout_framing"),
            t("f"),
            col("f", "id").equals((t("c"), t("framing_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            t("profile"),
            t("p"),
            col("p", "id").equals((t("f"), t("profile_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            t("collaboration"),
            t("co"),
            col("co", "callouts_set_id").equals((t("c"), t("callouts_set_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            t("space"),
            t("s"),
            col("s", "collaboration_id").equals((t("co"), t("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            t("innovation_flow_state"),
            t("st"),
            col("st", "innovation_flow_id")
                .equals((t("co"), t("innovation_flow_id")))
                .and(col("st", "display_name").equals((t("c"), t("flow_state")))),
        )
        .and_where(col("c", "is_template").eq(false))
        .and_where(col("s", "visibility").eq("active"));
    profile_columns(&mut select);
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| {
            Ok(CalloutRow {
                id: r.try_get_by_index(0)?,
                space: SpaceRef {
                    id: r.try_get_by_index(1)?,
                    parent_space_id: r.try_get_by_index(2)?,
                    level_zero_space_id: r.try_get_by_index(3)?,
                },
                flow_state_id: r.try_get_by_index(4)?,
                whiteboard_id: r.try_get_by_index(5)?,
                memo_id: r.try_get_by_index(6)?,
                collabora_document_id: r.try_get_by_index(7)?,
                profile: profile_at(r, 8)?,
            })
        })
        .collect()
}

async fn contributions(conn: &impl ConnectionTrait) -> AppResult<Vec<ContributionRow>> {
    let mut select = Query::select();
    select
        .expr(col("cc", "callout_id"))
        .expr(col("cc", "post_id"))
        .expr(col("cc", "whiteboard_id"))
        .expr(col("cc", "memo_id"))
        .expr(col("cc", "collabora_document_id"))
        .from_as(t("callout_contribution"), t("cc"));
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| {
            Ok(ContributionRow {
                callout_id: r.try_get_by_index(0)?,
                post_id: r.try_get_by_index(1)?,
                whiteboard_id: r.try_get_by_index(2)?,
                memo_id: r.try_get_by_index(3)?,
                collabora_document_id: r.try_get_by_index(4)?,
            })
        })
        .collect()
}

async fn contents(
    conn: &impl ConnectionTrait,
    table: &str,
    content: Option<&str>,
) -> AppResult<Vec<ContentRow>> {
    let mut select = Query::select();
    select.expr(col("e", "id"));
    match content {
        Some(column) => select.expr(col("e", column)),
        None => select.expr(Expr::val(Option::<String>::None)),
    };
    select.from_as(t(table), t("e")).join_as(
        JoinType::InnerJoin,
        t("profile"),
        t("p"),
        col("p", "id").equals((t("e"), t("profile_id"))),
    );
    profile_columns(&mut select);
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| {
            Ok(ContentRow {
                id: r.try_get_by_index(0)?,
                content: r.try_get_by_index(1)?,
                profile: profile_at(r, 2)?,
            })
        })
        .collect()
}

async fn tags(conn: &impl ConnectionTrait) -> AppResult<HashMap<Uuid, Vec<String>>> {
    let mut select = Query::select();
    select
        .expr(col("g", "profile_id"))
        .expr(col("g", "tags"))
        .from_as(t("tagset"), t("g"))
        .and_where(col("g", "profile_id").is_not_null());
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in rows(conn, &select).await? {
        let profile: Uuid = r.try_get_by_index(0)?;
        let tags: serde_json::Value = r.try_get_by_index(1)?;
        if let serde_json::Value::Array(items) = tags {
            out.entry(profile).or_default().extend(
                items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned)),
            );
        }
    }
    Ok(out)
}

/// The tables whose rows carry an `authorization_id`, by the kind of entity found.
pub fn policy_table(kind: &str) -> &'static str {
    match kind {
        "callout" => "callout",
        "post" => "post",
        "whiteboard" => "whiteboard",
        "memo" => "memo",
        "collabora_document" => "collabora_document",
        // spaces, users and organizations keep theirs on their actor
        _ => "actor",
    }
}

/// The authorization policy id of each of `ids` in `table` that still exists.
pub async fn policy_ids(
    conn: &impl ConnectionTrait,
    table: &str,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Option<Uuid>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut select = Query::select();
    select
        .expr(col("e", "id"))
        .expr(col("e", "authorization_id"))
        .from_as(t(table), t("e"))
        .and_where(col("e", "id").is_in(ids.iter().copied()));
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect()
}

/// Which of `actors` hold the member credential of `space`.
pub async fn members_of(
    conn: &impl ConnectionTrait,
    space: Uuid,
    actors: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    if actors.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .expr(col("c", "actor_id"))
        .distinct()
        .from_as(t("credential"), t("c"))
        .and_where(col("c", "type").eq("space-member"))
        .and_where(col("c", "resource_id").eq(space.to_string()))
        .and_where(col("c", "actor_id").is_in(actors.iter().copied()));
    rows(conn, &select)
        .await?
        .iter()
        .map(|r| Ok(r.try_get_by_index(0)?))
        .collect()
}

/// Whether a space with this id exists (at any level, any visibility).
pub async fn space_exists(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<bool> {
    let mut select = Query::select();
    select
        .expr(col("s", "id"))
        .from_as(t("space"), t("s"))
        .and_where(col("s", "id").eq(id));
    Ok(!rows(conn, &select).await?.is_empty())
}
