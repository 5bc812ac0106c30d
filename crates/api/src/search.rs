//! GraphQL: `search` over spaces, contributors, callouts and their content (the
//! `alkemio_search` index), and `adminSearchIngestFromScratch`.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_kernel::scalars::UuidScalar;
use alkemio_kernel::{AppError, AppResult};
use alkemio_search::{
    Category, CategoryRequest, CategoryResults, Hit, Kind, Role, SearchRequest, SearchService,
};
use alkemio_task::TaskService;
use async_graphql::{
    Context, Enum, InputObject, Interface, Object, Result, Scalar, ScalarType, Value,
};
use uuid::Uuid;

use crate::collaboration::{Callout, CollaboraDocument, Post};
use crate::content::{Memo, Whiteboard};
use crate::context::{actor, data};
use crate::contributor::User;
use crate::loaders::{Loaders, loaded};
use crate::organization::Organization;
use crate::space::Space;

/// Where to continue a category's results: pass back the cursor of the previous answer.
#[derive(Debug, Clone)]
pub struct SearchCursor(pub String);

#[Scalar(name = "SearchCursor")]
impl ScalarType for SearchCursor {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(SearchCursor(s)),
            other => Err(async_graphql::InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// The result buckets a search can be narrowed to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "SearchCategory")]
pub enum SearchCategory {
    /// Callouts.
    CollaborationTools,
    /// Posts, whiteboards, memos and office documents contributed to callouts.
    Contributions,
    /// Users and organizations.
    Contributors,
    /// Whiteboards, memos and office documents framing callouts.
    Framings,
    /// Spaces and subspaces.
    Spaces,
}

impl From<SearchCategory> for Category {
    fn from(c: SearchCategory) -> Self {
        match c {
            SearchCategory::CollaborationTools => Category::CollaborationTools,
            SearchCategory::Contributions => Category::Contributions,
            SearchCategory::Contributors => Category::Contributors,
            SearchCategory::Framings => Category::Framings,
            SearchCategory::Spaces => Category::Spaces,
        }
    }
}

/// What a search result is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "SearchResultType")]
pub enum SearchResultType {
    /// A callout.
    Callout,
    /// An office document.
    CollaboraDocument,
    /// A memo.
    Memo,
    /// An organization.
    Organization,
    /// A post.
    Post,
    /// A level-zero space.
    Space,
    /// A subspace.
    Subspace,
    /// A user.
    User,
    /// A whiteboard.
    Whiteboard,
}

impl SearchResultType {
    fn of(kind: Kind) -> Self {
        match kind {
            Kind::Space => Self::Space,
            Kind::Subspace => Self::Subspace,
            Kind::User => Self::User,
            Kind::Organization => Self::Organization,
            Kind::Callout => Self::Callout,
            Kind::Post => Self::Post,
            Kind::Whiteboard => Self::Whiteboard,
            Kind::Memo => Self::Memo,
            Kind::CollaboraDocument => Self::CollaboraDocument,
        }
    }

    fn kind(self) -> Kind {
        match self {
            Self::Space => Kind::Space,
            Self::Subspace => Kind::Subspace,
            Self::User => Kind::User,
            Self::Organization => Kind::Organization,
            Self::Callout => Kind::Callout,
            Self::Post => Kind::Post,
            Self::Whiteboard => Kind::Whiteboard,
            Self::Memo => Kind::Memo,
            Self::CollaboraDocument => Kind::CollaboraDocument,
        }
    }
}

/// One category to search, with its page.
#[derive(InputObject, Debug, Clone)]
#[graphql(name = "SearchFilterInput")]
pub struct SearchFilterInput {
    /// The category.
    pub category: SearchCategory,
    /// Results after this cursor (from the previous answer).
    pub cursor: Option<SearchCursor>,
    /// How many results (a whole number, at least zero).
    #[graphql(default_with = "Some(4.0)")]
    pub size: Option<f64>,
    /// Only these kinds of the category's results.
    pub types: Option<Vec<SearchResultType>>,
}

/// A search.
#[derive(InputObject, Debug, Clone)]
#[graphql(name = "SearchInput")]
pub struct SearchInput {
    /// The categories and their pages; every category, four results each, when absent.
    pub filters: Option<Vec<SearchFilterInput>>,
    /// Also match callouts by their framing content and contributions; such matches fold into
    /// their callout, once, in `calloutResults`.
    #[graphql(default_with = "Some(false)")]
    pub fold_callout_resources: Option<bool>,
    /// Only callouts (and their content) shown in this innovation flow state; matches fold into
    /// their callouts.
    pub search_in_flow_state_filter: Option<UuidScalar>,
    /// Only within this space, at any level (and its members, for contributors).
    pub search_in_space_filter: Option<UuidScalar>,
    /// Tagset names (at most two); tags are matched in every tagset.
    pub tagset_names: Option<Vec<String>>,
    /// The terms (at most ten); a result matches any of them.
    pub terms: Vec<String>,
}

/// A search result.
#[allow(
    clippy::duplicated_attributes,
    reason = "each `field(...)` of the interface repeats `ty` by design"
)]
#[derive(Interface)]
#[graphql(
    name = "SearchResult",
    field(name = "id", ty = "UuidScalar"),
    field(name = "score", ty = "f64"),
    field(name = "terms", ty = "Vec<String>"),
    field(name = "type", method = "result_type", ty = "SearchResultType")
)]
pub enum SearchResult {
    /// A space or subspace.
    Space(SearchResultSpace),
    /// A user.
    User(SearchResultUser),
    /// An organization.
    Organization(SearchResultOrganization),
    /// A callout.
    Callout(SearchResultCallout),
    /// A post.
    Post(SearchResultPost),
    /// A whiteboard.
    Whiteboard(SearchResultWhiteboard),
    /// A memo.
    Memo(SearchResultMemo),
    /// An office document.
    CollaboraDocument(SearchResultCollaboraDocument),
}

/// A result type: the fields every result shares, then its own.
macro_rules! search_result {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        pub struct $name(Hit);

        #[Object]
        impl $name {
            /// The entity found (its id).
            async fn id(&self) -> UuidScalar {
                UuidScalar(self.0.id)
            }
            /// Relevance: the better the match, the higher.
            async fn score(&self) -> f64 {
                f64::from(self.0.score)
            }
            /// The search terms it matched.
            async fn terms(&self) -> Vec<String> {
                self.0.terms.clone()
            }
            /// What it is.
            #[graphql(name = "type")]
            async fn result_type(&self) -> SearchResultType {
                SearchResultType::of(self.0.kind)
            }
            $($body)*
        }
    };
}

fn gone(what: &str, id: Option<Uuid>) -> AppError {
    AppError::not_found(format!(
        "The {what} of a search result no longer exists: {}",
        id.map(|i| i.to_string()).unwrap_or_default()
    ))
}

async fn space_of(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Space> {
    let Some(id) = id else {
        return Err(gone("space", None));
    };
    loaded(data::<Loaders>(ctx)?.spaces.load_one(id).await)?
        .map(Space)
        .ok_or_else(|| gone("space", Some(id)))
}

async fn callout_of(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Callout> {
    let Some(id) = id else {
        return Err(gone("callout", None));
    };
    loaded(data::<Loaders>(ctx)?.callouts.load_one(id).await)?
        .map(Callout)
        .ok_or_else(|| gone("callout", Some(id)))
}

search_result!(
/// A space or subspace found.
SearchResultSpace {
    /// The space found.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, Some(self.0.id)).await?)
    }
    /// A subspace's parent space.
    async fn parent_space(&self, ctx: &Context<'_>) -> Result<Option<Space>> {
        match self.0.parent {
            Some(id) => Ok(Some(space_of(ctx, Some(id)).await?)),
            None => Ok(None),
        }
    }
});

search_result!(
/// A user found.
SearchResultUser {
    /// The user found.
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(loaded(data::<Loaders>(ctx)?.users.load_one(self.0.id).await)?
            .map(User)
            .ok_or_else(|| gone("user", Some(self.0.id)))?)
    }
});

search_result!(
/// An organization found.
SearchResultOrganization {
    /// The organization found.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(
            loaded(data::<Loaders>(ctx)?.organizations.load_one(self.0.id).await)?
                .map(Organization)
                .ok_or_else(|| gone("organization", Some(self.0.id)))?,
        )
    }
});

search_result!(
/// A callout found (or folded up from its content).
SearchResultCallout {
    /// The callout found.
    async fn callout(&self, ctx: &Context<'_>) -> Result<Callout> {
        Ok(callout_of(ctx, Some(self.0.id)).await?)
    }
    /// The space whose collaboration holds it.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, self.0.space).await?)
    }
});

search_result!(
/// A post found.
SearchResultPost {
    /// The post found.
    async fn post(&self, ctx: &Context<'_>) -> Result<Post> {
        Ok(loaded(data::<Loaders>(ctx)?.posts.load_one(self.0.id).await)?
            .map(Post)
            .ok_or_else(|| gone("post", Some(self.0.id)))?)
    }
    /// The callout it was contributed to.
    async fn callout(&self, ctx: &Context<'_>) -> Result<Callout> {
        Ok(callout_of(ctx, self.0.callout).await?)
    }
    /// The space the callout is in.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, self.0.space).await?)
    }
});

search_result!(
/// A whiteboard found.
SearchResultWhiteboard {
    /// The whiteboard found.
    async fn whiteboard(&self, ctx: &Context<'_>) -> Result<Whiteboard> {
        Ok(
            loaded(data::<Loaders>(ctx)?.whiteboards.load_one(self.0.id).await)?
                .map(Whiteboard)
                .ok_or_else(|| gone("whiteboard", Some(self.0.id)))?,
        )
    }
    /// Whether it was contributed to the callout (or frames it).
    async fn is_contribution(&self) -> bool {
        self.0.role == Some(Role::Contribution)
    }
    /// Its callout.
    async fn callout(&self, ctx: &Context<'_>) -> Result<Callout> {
        Ok(callout_of(ctx, self.0.callout).await?)
    }
    /// The space the callout is in.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, self.0.space).await?)
    }
});

search_result!(
/// A memo found.
SearchResultMemo {
    /// The memo found.
    async fn memo(&self, ctx: &Context<'_>) -> Result<Memo> {
        Ok(loaded(data::<Loaders>(ctx)?.memos.load_one(self.0.id).await)?
            .map(Memo)
            .ok_or_else(|| gone("memo", Some(self.0.id)))?)
    }
    /// Whether it was contributed to the callout (or frames it).
    async fn is_contribution(&self) -> bool {
        self.0.role == Some(Role::Contribution)
    }
    /// Its callout.
    async fn callout(&self, ctx: &Context<'_>) -> Result<Callout> {
        Ok(callout_of(ctx, self.0.callout).await?)
    }
    /// The space the callout is in.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, self.0.space).await?)
    }
});

search_result!(
/// An office document found.
SearchResultCollaboraDocument {
    /// The document found.
    async fn collabora_document(&self, ctx: &Context<'_>) -> Result<CollaboraDocument> {
        Ok(loaded(
            data::<Loaders>(ctx)?
                .collabora_documents
                .load_one(self.0.id)
                .await,
        )?
        .map(CollaboraDocument)
        .ok_or_else(|| gone("office document", Some(self.0.id)))?)
    }
    /// Whether it was contributed to the callout (or frames it).
    async fn is_contribution(&self) -> bool {
        self.0.role == Some(Role::Contribution)
    }
    /// Its callout.
    async fn callout(&self, ctx: &Context<'_>) -> Result<Callout> {
        Ok(callout_of(ctx, self.0.callout).await?)
    }
    /// The space the callout is in.
    async fn space(&self, ctx: &Context<'_>) -> Result<Space> {
        Ok(space_of(ctx, self.0.space).await?)
    }
});

/// One category's results.
pub struct ISearchCategoryResult(CategoryResults);

#[Object(name = "ISearchCategoryResult")]
impl ISearchCategoryResult {
    /// Pass it back in the category's filter for the next page; absent on the last page.
    async fn cursor(&self) -> Option<SearchCursor> {
        self.0.cursor.clone().map(SearchCursor)
    }
    /// This page, best first.
    async fn results(&self) -> Vec<SearchResult> {
        self.0
            .hits
            .iter()
            .cloned()
            .map(|h| match h.kind {
                Kind::Space | Kind::Subspace => SearchResult::Space(SearchResultSpace(h)),
                Kind::User => SearchResult::User(SearchResultUser(h)),
                Kind::Organization => SearchResult::Organization(SearchResultOrganization(h)),
                Kind::Callout => SearchResult::Callout(SearchResultCallout(h)),
                Kind::Post => SearchResult::Post(SearchResultPost(h)),
                Kind::Whiteboard => SearchResult::Whiteboard(SearchResultWhiteboard(h)),
                Kind::Memo => SearchResult::Memo(SearchResultMemo(h)),
                Kind::CollaboraDocument => {
                    SearchResult::CollaboraDocument(SearchResultCollaboraDocument(h))
                }
            })
            .collect()
    }
    /// How many results the caller may see in this category, over all pages.
    async fn total(&self) -> f64 {
        self.0.total as f64
    }
}

/// The answer to a search, by category.
pub struct ISearchResults(alkemio_search::SearchResults);

#[Object(name = "ISearchResults")]
impl ISearchResults {
    /// Users and organizations.
    async fn actor_results(&self) -> ISearchCategoryResult {
        ISearchCategoryResult(self.0.contributors.clone())
    }
    /// Callouts.
    async fn callout_results(&self) -> ISearchCategoryResult {
        ISearchCategoryResult(self.0.callouts.clone())
    }
    /// Posts, whiteboards, memos and office documents contributed to callouts.
    async fn contribution_results(&self) -> ISearchCategoryResult {
        ISearchCategoryResult(self.0.contributions.clone())
    }
    /// Whiteboards, memos and office documents framing callouts.
    async fn framing_results(&self) -> ISearchCategoryResult {
        ISearchCategoryResult(self.0.framings.clone())
    }
    /// Spaces and subspaces.
    async fn space_results(&self) -> ISearchCategoryResult {
        ISearchCategoryResult(self.0.spaces.clone())
    }
}

fn size_of(size: f64) -> AppResult<usize> {
    if !size.is_finite() || size < 0.0 {
        return Err(AppError::bad_input("Size cannot be a negative number"));
    }
    if size.fract() != 0.0 || size > 1e6 {
        return Err(AppError::bad_input("Size must be a whole number"));
    }
    Ok(size as usize)
}

/// Root query field `search`.
#[derive(Debug, Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Finds spaces, contributors, callouts and their content matching any of the terms; each
    /// result is one the caller may read (anonymous callers find no contributors or callouts).
    async fn search(&self, ctx: &Context<'_>, search_data: SearchInput) -> Result<ISearchResults> {
        let mut filters = Vec::new();
        for f in search_data.filters.unwrap_or_default() {
            filters.push(CategoryRequest {
                category: f.category.into(),
                kinds: f
                    .types
                    .map(|t| t.into_iter().map(SearchResultType::kind).collect()),
                size: size_of(f.size.unwrap_or(4.0))?,
                cursor: f.cursor.map(|c| c.0),
            });
        }
        let request = SearchRequest {
            terms: search_data.terms,
            tagset_names: search_data.tagset_names.unwrap_or_default(),
            space: search_data.search_in_space_filter.map(|s| s.0),
            flow_state: search_data.search_in_flow_state_filter.map(|s| s.0),
            fold_callout_resources: search_data.fold_callout_resources.unwrap_or(false),
            filters,
        };
        Ok(ISearchResults(
            data::<SearchService>(ctx)?
                .search(&actor(ctx), request)
                .await?,
        ))
    }
}

/// `adminSearchIngestFromScratch`: rebuilds the index now (needs PLATFORM_OPERATIONS_ADMIN on
/// the platform); returns the id of the task that records how it went.
async fn ingest_from_scratch(ctx: &Context<'_>) -> Result<String> {
    crate::authorization::require_on_platform(
        ctx,
        P::PlatformOperationsAdmin,
        "rebuild the search index",
    )
    .await?;
    let tasks = data::<std::sync::Arc<TaskService>>(ctx)?.clone();
    let search = data::<SearchService>(ctx)?.clone();
    let task = tasks.create("search-ingest", 1).await;
    let id = task.task_id;
    tokio::spawn(async move {
        match search.rebuild().await {
            Ok(documents) => {
                tasks
                    .record(id, format!("indexed {documents} documents"), false)
                    .await
            }
            Err(e) => {
                tracing::warn!(error = ?e, "search ingest failed");
                tasks
                    .record(id, "the search index could not be rebuilt".to_owned(), true)
                    .await
            }
        }
    });
    Ok(id.to_string())
}

/// Search administration.
#[derive(Debug, Default)]
pub struct SearchMutation;

#[Object]
impl SearchMutation {
    /// Rebuilds the search index from the database now (needs PLATFORM_OPERATIONS_ADMIN on the
    /// platform); returns the id of the task recording the outcome. The index also rebuilds on
    /// its own whenever something searchable changed.
    async fn admin_search_ingest_from_scratch(&self, ctx: &Context<'_>) -> Result<String> {
        ingest_from_scratch(ctx).await
    }
}
