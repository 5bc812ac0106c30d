//! Search over spaces, contributors, callouts and their content.
//!
//! The reference sends search to Elasticsearch and fills its indices only when an admin asks
//! for a full ingest, so what it finds is as old as the last ingest. Here the index is embedded
//! (tantivy, in memory) and rebuilt from the database whenever it is stale: after any mutation
//! this instance executed or a user registered (see [`SearchService::mark_stale`]), and every
//! refresh period for changes other instances made. A search first brings a stale index up to
//! date, so it sees every change its caller made. The first search builds the index; until then
//! a platform nobody searches spends neither memory nor statements on it.
//!
//! What a caller finds, as in the reference: L0 spaces and users without a privilege check,
//! everything else only with `READ` on it; anonymous callers find no users, organizations or
//! callouts. Where the reference falls short, this does better (pinned by tests):
//! - a space filter also matches subspaces and their content at any level (the reference keys
//!   content by the L0 space only);
//! - `total` counts the results the caller may see (the reference always answers -1);
//! - a cursor is given only when more results follow, and a malformed one is BAD_USER_INPUT
//!   (the reference gives an internal error).

pub mod index;
pub mod repo;
pub mod text;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use alkemio_authorization::repo as auth_repo;
use alkemio_authorization::{ActorContext, AuthorizationPrivilege};
use alkemio_kernel::{AppError, AppResult};
use alkemio_persistence::Database;
use uuid::Uuid;

use index::{IndexQuery, Snapshot};
pub use index::{Kind, Role};

/// At most this many terms.
pub const MAX_TERMS: usize = 10;
/// At most this many tagset names.
pub const MAX_TAGSET_NAMES: usize = 2;
/// Results per category when the request names no filters.
pub const DEFAULT_SIZE: usize = 4;
/// The best matches considered per category; results beyond them are not reached.
const CANDIDATES: usize = 1000;

/// The result buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Spaces and subspaces.
    Spaces,
    /// Users and organizations.
    Contributors,
    /// Callouts.
    CollaborationTools,
    /// Whiteboards, memos and office documents framing callouts.
    Framings,
    /// Posts, whiteboards, memos and office documents contributed to callouts.
    Contributions,
}

impl Category {
    /// Every category, in the reference's order.
    pub const ALL: [Category; 5] = [
        Category::CollaborationTools,
        Category::Contributions,
        Category::Contributors,
        Category::Framings,
        Category::Spaces,
    ];

    fn kinds(self, fold: bool) -> Vec<(Kind, Option<Role>)> {
        use Kind::*;
        match self {
            Category::Spaces => vec![(Space, None), (Subspace, None)],
            Category::Contributors => vec![(User, None), (Organization, None)],
            Category::CollaborationTools if fold => vec![
                (Callout, None),
                (Post, None),
                (Whiteboard, None),
                (Memo, None),
                (CollaboraDocument, None),
            ],
            Category::CollaborationTools => vec![(Callout, None)],
            Category::Framings => vec![
                (Whiteboard, Some(Role::Framing)),
                (Memo, Some(Role::Framing)),
                (CollaboraDocument, Some(Role::Framing)),
            ],
            Category::Contributions => vec![
                (Post, None),
                (Whiteboard, Some(Role::Contribution)),
                (Memo, Some(Role::Contribution)),
                (CollaboraDocument, Some(Role::Contribution)),
            ],
        }
    }
}

/// One category asked for.
#[derive(Debug, Clone)]
pub struct CategoryRequest {
    /// Which.
    pub category: Category,
    /// Only these kinds (of the category's), when given.
    pub kinds: Option<Vec<Kind>>,
    /// How many results.
    pub size: usize,
    /// Results after this cursor (from a previous answer).
    pub cursor: Option<String>,
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The terms.
    pub terms: Vec<String>,
    /// Tagset names (checked, as in the reference; tags are searched in every tagset).
    pub tagset_names: Vec<String>,
    /// Only within this space (any level).
    pub space: Option<Uuid>,
    /// Only callouts (and their content) in this flow state.
    pub flow_state: Option<Uuid>,
    /// Fold matching posts, whiteboards, memos and documents into their callouts.
    pub fold_callout_resources: bool,
    /// The categories; none means every category with [`DEFAULT_SIZE`].
    pub filters: Vec<CategoryRequest>,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The entity.
    pub id: Uuid,
    /// What it is.
    pub kind: Kind,
    /// Framing or contribution, for content.
    pub role: Option<Role>,
    /// The space it is in (spaces: themselves).
    pub space: Option<Uuid>,
    /// A subspace's parent.
    pub parent: Option<Uuid>,
    /// Its callout (callouts: themselves).
    pub callout: Option<Uuid>,
    /// Relevance.
    pub score: f32,
    /// The terms it matched.
    pub terms: Vec<String>,
    /// The documents it stands for (several for a callout folded from its content).
    sources: Vec<tantivy::DocAddress>,
}

/// One category's results.
#[derive(Debug, Clone, Default)]
pub struct CategoryResults {
    /// This page, best first.
    pub hits: Vec<Hit>,
    /// How many results the caller may see in all.
    pub total: usize,
    /// Pass it back for the next page; absent on the last one.
    pub cursor: Option<String>,
}

/// The answer, by category (a category not asked for is empty).
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Spaces and subspaces.
    pub spaces: CategoryResults,
    /// Users and organizations.
    pub contributors: CategoryResults,
    /// Callouts (with folded content when asked).
    pub callouts: CategoryResults,
    /// Framing content.
    pub framings: CategoryResults,
    /// Contributions.
    pub contributions: CategoryResults,
}

struct Inner {
    db: Database,
    snapshot: RwLock<Arc<Snapshot>>,
    stale: AtomicBool,
    /// Whether anyone searched yet (the background refresher keeps only a used index fresh).
    used: AtomicBool,
    building: tokio::sync::Mutex<()>,
    max_results: usize,
}

/// The search service. Cheap to clone.
#[derive(Clone)]
pub struct SearchService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchService")
            .field("stale", &self.inner.stale.load(Ordering::Relaxed))
            .finish()
    }
}

impl SearchService {
    /// A service over `db` allowing at most `max_results` results per search; the index is
    /// built on first use.
    pub fn new(db: Database, max_results: usize) -> AppResult<Self> {
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                snapshot: RwLock::new(Arc::new(Snapshot::empty().map_err(AppError::internal)?)),
                stale: AtomicBool::new(true),
                used: AtomicBool::new(false),
                building: tokio::sync::Mutex::new(()),
                max_results,
            }),
        })
    }

    /// Something searchable may have changed: the next search (or the refresher) rebuilds.
    pub fn mark_stale(&self) {
        self.inner.stale.store(true, Ordering::Release);
    }

    /// Keeps the index fresh until `stop` turns true: once someone searched, rebuilds within a
    /// second of it going stale, and marks it stale every `period` (for changes made by other
    /// instances).
    pub async fn keep_fresh(&self, period: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut since_marked = Duration::ZERO;
        let tick = Duration::from_secs(1);
        loop {
            tokio::select! {
                _ = stop.changed() => {}
                _ = tokio::time::sleep(tick) => {}
            }
            if *stop.borrow() {
                return;
            }
            since_marked += tick;
            if since_marked >= period {
                since_marked = Duration::ZERO;
                self.mark_stale();
            }
            if !self.inner.used.load(Ordering::Acquire) {
                continue;
            }
            if let Err(e) = self.fresh().await {
                tracing::warn!(error = ?e, "search index rebuild failed");
            }
        }
    }

    /// Rebuilds the index from the database now; returns how many documents it holds.
    pub async fn rebuild(&self) -> AppResult<usize> {
        self.inner.used.store(true, Ordering::Release);
        self.mark_stale();
        Ok(self.fresh().await?.documents())
    }

    /// The index, rebuilt first when stale (one rebuild at a time; a change during a rebuild
    /// leaves it stale for the next).
    async fn fresh(&self) -> AppResult<Arc<Snapshot>> {
        if self.inner.stale.load(Ordering::Acquire) {
            let _building = self.inner.building.lock().await;
            if self.inner.stale.swap(false, Ordering::AcqRel) {
                let started = std::time::Instant::now();
                let built = async {
                    let corpus = repo::corpus(self.inner.db.conn()).await?;
                    tokio::task::spawn_blocking(move || Snapshot::build(corpus))
                        .await
                        .map_err(AppError::internal)?
                        .map_err(AppError::internal)
                }
                .await;
                match built {
                    Ok(snapshot) => {
                        tracing::debug!(
                            documents = snapshot.documents(),
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "search index rebuilt"
                        );
                        *self.write() = Arc::new(snapshot);
                    }
                    Err(e) => {
                        self.inner.stale.store(true, Ordering::Release);
                        return Err(e);
                    }
                }
            }
        }
        Ok(self.read())
    }

    fn read(&self) -> Arc<Snapshot> {
        match self.inner.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Arc<Snapshot>> {
        match self.inner.snapshot.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// `search`: validates the request, then answers each category it asks for.
    pub async fn search(
        &self,
        caller: &ActorContext,
        mut request: SearchRequest,
    ) -> AppResult<SearchResults> {
        if request.filters.is_empty() {
            request.filters = Category::ALL
                .into_iter()
                .map(|category| CategoryRequest {
                    category,
                    kinds: None,
                    size: DEFAULT_SIZE,
                    cursor: None,
                })
                .collect();
        }
        self.validate(&request)?;
        let conn = self.inner.db.conn();
        if let Some(space) = request.space
            && !repo::space_exists(conn, space).await?
        {
            return Err(AppError::not_found(
                "Space with the given identifier not found",
            ));
        }
        self.inner.used.store(true, Ordering::Release);
        let snapshot = self.fresh().await?;
        let anonymous = caller.authenticated_id().is_none();
        let fold = request.fold_callout_resources || request.flow_state.is_some();
        let mut out = SearchResults::default();
        for filter in &request.filters {
            let cursor = filter.cursor.as_deref().map(parse_cursor).transpose()?;
            let results = if anonymous
                && matches!(
                    filter.category,
                    Category::Contributors | Category::CollaborationTools
                ) {
                CategoryResults::default()
            } else {
                let category_fold = fold && filter.category == Category::CollaborationTools;
                let kinds: Vec<(Kind, Option<Role>)> = filter
                    .category
                    .kinds(category_fold)
                    .into_iter()
                    .filter(|(k, _)| {
                        category_fold
                            || filter
                                .kinds
                                .as_ref()
                                .is_none_or(|wanted| wanted.contains(k))
                    })
                    .collect();
                let in_callouts =
                    !matches!(filter.category, Category::Spaces | Category::Contributors);
                let found = snapshot
                    .search(&IndexQuery {
                        terms: &request.terms,
                        kinds: &kinds,
                        scope: request
                            .space
                            .filter(|_| filter.category != Category::Contributors),
                        flow_state: request.flow_state.filter(|_| in_callouts),
                        limit: CANDIDATES,
                    })
                    .map_err(AppError::internal)?;
                let mut hits: Vec<Hit> = found
                    .into_iter()
                    .map(|f| Hit {
                        id: f.id,
                        kind: f.kind,
                        role: f.role,
                        space: f.space,
                        parent: f.parent,
                        callout: f.callout,
                        score: f.score,
                        terms: Vec::new(),
                        sources: vec![f.address],
                    })
                    .collect();
                if category_fold {
                    hits = fold_into_callouts(hits);
                }
                let mut visible = self.visible(caller, hits).await?;
                if filter.category == Category::Contributors
                    && let Some(space) = request.space
                {
                    let ids: Vec<Uuid> = visible.iter().map(|h| h.id).collect();
                    let members = repo::members_of(conn, space, &ids).await?;
                    visible.retain(|h| members.contains(&h.id));
                }
                let mut results = page(visible, cursor, filter.size);
                // the matched terms only for what is returned
                for hit in &mut results.hits {
                    hit.terms = snapshot.matched_terms(&hit.sources, &request.terms);
                }
                results
            };
            let bucket = match filter.category {
                Category::Spaces => &mut out.spaces,
                Category::Contributors => &mut out.contributors,
                Category::CollaborationTools => &mut out.callouts,
                Category::Framings => &mut out.framings,
                Category::Contributions => &mut out.contributions,
            };
            *bucket = results;
        }
        Ok(out)
    }

    fn validate(&self, request: &SearchRequest) -> AppResult<()> {
        if request.terms.len() > MAX_TERMS {
            return Err(AppError::bad_input(format!(
                "Maximum number of search terms is {MAX_TERMS}; supplied: {}",
                request.terms.len()
            )));
        }
        if request.tagset_names.len() > MAX_TAGSET_NAMES {
            return Err(AppError::bad_input(format!(
                "Maximum number of tagset names is {MAX_TAGSET_NAMES}; supplied: {}",
                request.tagset_names.len()
            )));
        }
        let total: usize = request.filters.iter().map(|f| f.size).sum();
        if total > self.inner.max_results {
            return Err(AppError::bad_input(format!(
                "The requested {total} results cannot exceed the maximum allowed {} over all categories.",
                self.inner.max_results
            )));
        }
        let mut seen = Vec::new();
        for f in &request.filters {
            if seen.contains(&f.category) {
                return Err(AppError::bad_input(
                    "Each search category may be filtered once",
                ));
            }
            seen.push(f.category);
        }
        Ok(())
    }

    /// The hits the caller may see, in their order: L0 spaces and users always, everything
    /// else with READ on it (one statement per kind for the policy ids, one for the policies).
    async fn visible(&self, caller: &ActorContext, hits: Vec<Hit>) -> AppResult<Vec<Hit>> {
        let conn = self.inner.db.conn();
        let mut ids_by_table: HashMap<&'static str, Vec<Uuid>> = HashMap::new();
        for h in &hits {
            if !matches!(h.kind, Kind::Space | Kind::User) {
                ids_by_table
                    .entry(repo::policy_table(h.kind.as_str()))
                    .or_default()
                    .push(h.id);
            }
        }
        let mut policy_of: HashMap<Uuid, Option<Uuid>> = HashMap::new();
        for (table, ids) in &ids_by_table {
            policy_of.extend(repo::policy_ids(conn, table, ids).await?);
        }
        let policy_ids: Vec<Uuid> = policy_of.values().flatten().copied().collect();
        let policies = auth_repo::load_many(conn, &policy_ids).await?;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            if matches!(h.kind, Kind::Space | Kind::User) {
                out.push(h);
                continue;
            }
            let granted = policy_of
                .get(&h.id)
                .copied()
                .flatten()
                .and_then(|p| policies.get(&p))
                .map(|p| {
                    p.policy
                        .is_granted(&caller.credentials, AuthorizationPrivilege::Read)
                })
                .transpose()?
                .unwrap_or(false);
            if granted {
                out.push(h);
            }
        }
        Ok(out)
    }
}

/// Folds content hits into their callouts: each callout once, with its best score, standing
/// for all its parts (their matched terms count for it).
fn fold_into_callouts(hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    let mut at: HashMap<Uuid, usize> = HashMap::new();
    for h in hits {
        let Some(callout) = h.callout else { continue };
        match at.get(&callout) {
            Some(&i) => {
                let folded = &mut out[i];
                folded.score = folded.score.max(h.score);
                folded.sources.extend(h.sources);
            }
            None => {
                at.insert(callout, out.len());
                out.push(Hit {
                    id: callout,
                    kind: Kind::Callout,
                    role: None,
                    space: h.space,
                    parent: None,
                    callout: Some(callout),
                    score: h.score,
                    terms: h.terms,
                    sources: h.sources,
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
    out
}

fn parse_cursor(cursor: &str) -> AppResult<(f32, Uuid)> {
    let invalid = || AppError::bad_input(format!("Invalid search cursor: {cursor}"));
    let (score, id) = cursor.split_once("::").ok_or_else(invalid)?;
    let score: f32 = score.parse().map_err(|_| invalid())?;
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    if !score.is_finite() {
        return Err(invalid());
    }
    Ok((score, id))
}

fn cursor_of(hit: &Hit) -> String {
    format!("{}::{}", hit.score, hit.id)
}

/// One page of visible hits (ordered by score, then id, both descending) after the cursor.
fn page(visible: Vec<Hit>, cursor: Option<(f32, Uuid)>, size: usize) -> CategoryResults {
    let total = visible.len();
    let mut after: Vec<Hit> = match cursor {
        None => visible,
        Some((score, id)) => visible
            .into_iter()
            .filter(|h| h.score < score || (h.score == score && h.id < id))
            .collect(),
    };
    let more = after.len() > size;
    after.truncate(size);
    let cursor = if more {
        after.last().map(cursor_of)
    } else {
        None
    };
    CategoryResults {
        hits: after,
        total,
        cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(score: f32, id: u128) -> Hit {
        Hit {
            id: Uuid::from_u128(id),
            kind: Kind::Post,
            role: Some(Role::Contribution),
            space: None,
            parent: None,
            callout: Some(Uuid::from_u128(id % 2)),
            score,
            terms: Vec::new(),
            sources: vec![tantivy::DocAddress::new(0, id as u32)],
        }
    }

    #[test]
    fn pages_follow_the_cursor_to_the_end() {
        let all = vec![hit(3.0, 5), hit(2.0, 4), hit(2.0, 3), hit(1.0, 2)];
        let first = page(all.clone(), None, 2);
        assert_eq!(first.total, 4);
        assert_eq!(first.hits.len(), 2);
        let cursor = parse_cursor(first.cursor.as_deref().unwrap()).unwrap();
        let second = page(all.clone(), Some(cursor), 2);
        assert_eq!(
            second
                .hits
                .iter()
                .map(|h| h.id.as_u128())
                .collect::<Vec<_>>(),
            [3, 2]
        );
        assert!(second.cursor.is_none());
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for bad in [
            "",
            "1.5",
            "x::00000000-0000-0000-0000-000000000001",
            "1::nope",
            "NaN::00000000-0000-0000-0000-000000000001",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn content_folds_into_its_callout_once() {
        // as the index gives them: best first
        let folded = fold_into_callouts(vec![hit(4.0, 5), hit(2.0, 2), hit(1.0, 3)]);
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[0].id, Uuid::from_u128(1));
        assert_eq!(folded[0].score, 4.0);
        assert_eq!(
            folded[0].sources,
            [
                tantivy::DocAddress::new(0, 5),
                tantivy::DocAddress::new(0, 3)
            ]
        );
        assert_eq!(folded[1].id, Uuid::from_u128(0));
    }
}
