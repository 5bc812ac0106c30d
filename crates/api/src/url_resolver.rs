//! GraphQL: `urlResolver`, which turns a client URL into the ids of what it names.
//!
//! The path is classified by the reference's URL grammar (host, query and fragment are
//! ignored); the entities it names are then looked up by NameID. An unknown entity is data
//! (`state: NotFound` with the closest existing ancestor), not an error; a space the caller may
//! not read the about of is `Forbidden`. Virtual contributors, innovation packs, discussions,
//! callouts, calendars and templates do not exist yet in this server, so URLs naming them
//! resolve `NotFound` (inside a space, with the space as the closest ancestor) and the result
//! fields that would carry them are null.

use alkemio_authorization::AuthorizationPrivilege as P;
use alkemio_contributor::UserService;
use alkemio_kernel::scalars::UuidScalar;
use alkemio_kernel::{AppError, AppResult, ErrorStatus};
use alkemio_organization::OrganizationService;
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use crate::context::data;

/// What kind of page a URL shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "UrlType")]
#[allow(missing_docs)]
pub enum UrlType {
    Admin,
    Callout,
    CalloutsSet,
    ContributionMemo,
    ContributionPost,
    ContributionWhiteboard,
    ContributorsExplorer,
    Discussion,
    Documentation,
    Error,
    Flow,
    Forum,
    Home,
    InnovationHub,
    InnovationLibrary,
    InnovationPacks,
    Login,
    Logout,
    NotAuthorized,
    Organization,
    Recovery,
    Registration,
    Required,
    Restricted,
    SignUp,
    Space,
    SpaceExplorer,
    Unknown,
    User,
    Verify,
    VirtualContributor,
}

/// Whether a URL could be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "UrlResolverResultState")]
pub enum UrlResolverResultState {
    /// The caller may not see what the URL names.
    #[graphql(name = "Forbidden")]
    Forbidden,
    /// Nothing exists under the URL.
    #[graphql(name = "NotFound")]
    NotFound,
    /// The URL names what the result says.
    #[graphql(name = "Resolved")]
    Resolved,
}

/// What a path names, before any lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A page that names no entity.
    Page(UrlType),
    /// A user's page.
    User(Option<String>),
    /// An organization's page.
    Organization(Option<String>),
    /// A space: the L0 NameID, the L1 and L2 NameIDs, and the path inside the space.
    Space {
        /// The L0 space's NameID.
        l0: String,
        /// The L1 subspace's NameID.
        l1: Option<String>,
        /// The L2 subspace's NameID.
        l2: Option<String>,
        /// What follows inside the space.
        internal: Vec<String>,
    },
    /// An innovation hub's page.
    Hub(Option<String>),
    /// A forum discussion, by NameID.
    Discussion(Option<String>),
    /// An innovation pack, or a template in it.
    Pack {
        /// The pack's NameID.
        pack: String,
        /// The template's NameID.
        template: Option<String>,
    },
    /// `/vc/<name>{/knowledge-base/<callout>{/posts|memos/<name>}}`.
    VirtualContributor {
        /// Its NameID.
        name: Option<String>,
        /// What follows the name.
        internal: Vec<String>,
    },
    /// A base route the client reserves but does not serve.
    Unknown,
}

/// Classifies a path's (decoded) segments with the reference's grammar.
pub fn classify(segments: &[String]) -> Route {
    let Some(first) = segments.first() else {
        return Route::Page(UrlType::Home);
    };
    let second = segments.get(1).cloned();
    match first.as_str() {
        "home" => Route::Page(UrlType::Home),
        "create-space" => Route::Page(UrlType::Flow),
        "docs" | "documentation" => Route::Page(UrlType::Documentation),
        "user" => Route::User(second),
        "organization" => Route::Organization(second),
        "vc" => Route::VirtualContributor {
            name: second,
            internal: segments.get(2..).unwrap_or_default().to_vec(),
        },
        "admin" => Route::Page(UrlType::Admin),
        "hub" => Route::Hub(second),
        "innovation-library" => Route::Page(UrlType::InnovationLibrary),
        "innovation-packs" if segments.len() > 1 => {
            // `/innovation-packs/<pack>{/settings}{/<template>}{/…}`
            let rest = match segments.get(2).map(String::as_str) {
                Some("settings") => &segments[3..],
                _ => &segments[2..],
            };
            Route::Pack {
                pack: segments[1].clone(),
                template: rest.first().cloned(),
            }
        }
        "innovation-packs" => Route::Page(UrlType::InnovationPacks),
        "spaces" => Route::Page(UrlType::SpaceExplorer),
        "contributors" => Route::Page(UrlType::ContributorsExplorer),
        "forum" if segments.get(1).is_some_and(|s| s == "discussion") => {
            Route::Discussion(segments.get(2).cloned())
        }
        "forum" => Route::Page(UrlType::Forum),
        "login" => Route::Page(UrlType::Login),
        "logout" => Route::Page(UrlType::Logout),
        "registration" => Route::Page(UrlType::Registration),
        "sign_up" => Route::Page(UrlType::SignUp),
        "verify" => Route::Page(UrlType::Verify),
        "recovery" => Route::Page(UrlType::Recovery),
        "required" => Route::Page(UrlType::Required),
        "restricted" => Route::Page(UrlType::Restricted),
        "error" => Route::Page(UrlType::Error),
        "about" | "profile" | "contact" | "landing" | "identity" | "flows" => Route::Unknown,
        // anything else is a space's NameID
        _ => {
            let mut rest = &segments[1..];
            let mut take = |marker: &str| match rest {
                [m, name, tail @ ..] if m == marker => {
                    rest = tail;
                    Some(name.clone())
                }
                _ => None,
            };
            let l1 = take("challenges");
            let l2 = if l1.is_some() {
                take("opportunities")
            } else {
                None
            };
            Route::Space {
                l0: first.clone(),
                l1,
                l2,
                internal: rest.to_vec(),
            }
        }
    }
}

/// Splits a URL's path into decoded, non-empty segments. A string that is not an absolute URL,
/// or a segment that is not valid percent-encoded UTF-8, is URL_RESOLVER_ERROR.
pub fn segments(url: &str) -> AppResult<Vec<String>> {
    let failed = || AppError::new(ErrorStatus::UrlResolverError, "Unable to resolve URL");
    let parsed = url::Url::parse(url).map_err(|_| failed())?;
    let Some(parts) = parsed.path_segments() else {
        return Err(failed());
    };
    parts
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|d| d.into_owned())
                .map_err(|_| failed())
        })
        .collect()
}

/// A callouts set and what a URL names inside it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultCalloutsSet")]
pub struct UrlResolverQueryResultCalloutsSet {
    /// The callouts set.
    pub id: UuidScalar,
    /// What the URL names in it.
    pub r#type: UrlType,
    /// The callout named.
    pub callout_id: Option<UuidScalar>,
    /// The contribution named.
    pub contribution_id: Option<UuidScalar>,
    /// The post named.
    pub post_id: Option<UuidScalar>,
    /// The whiteboard named.
    pub whiteboard_id: Option<UuidScalar>,
    /// The memo named.
    pub memo_id: Option<UuidScalar>,
}

/// A space's collaboration.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultCollaboration")]
pub struct UrlResolverQueryResultCollaboration {
    /// The collaboration.
    pub id: UuidScalar,
    /// Its callouts set.
    pub callouts_set: UrlResolverQueryResultCalloutsSet,
}

/// A calendar and the event a URL names in it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultCalendar")]
pub struct UrlResolverQueryResultCalendar {
    /// The calendar.
    pub id: UuidScalar,
    /// The event named.
    pub calendar_event_id: Option<UuidScalar>,
}

/// A templates set and the template a URL names in it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultTemplatesSet")]
pub struct UrlResolverQueryResultTemplatesSet {
    /// The templates set.
    pub id: UuidScalar,
    /// The template named.
    pub template_id: Option<UuidScalar>,
}

/// A virtual contributor a URL names.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultVirtualContributor")]
pub struct UrlResolverQueryResultVirtualContributor {
    /// The virtual contributor.
    pub id: UuidScalar,
    /// Its knowledge base's callouts set.
    pub callouts_set: UrlResolverQueryResultCalloutsSet,
}

/// An innovation pack a URL names.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultInnovationPack")]
pub struct UrlResolverQueryResultInnovationPack {
    /// The pack.
    pub id: UuidScalar,
    /// Its templates set.
    pub templates_set: UrlResolverQueryResultTemplatesSet,
}

/// A space a URL names, with its ancestors and its collaboration.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResultSpace")]
pub struct UrlResolverQueryResultSpace {
    /// The space.
    pub id: UuidScalar,
    /// Its level.
    pub level: alkemio_space::SpaceLevel,
    /// Its L0 space.
    #[graphql(name = "levelZeroSpaceID")]
    pub level_zero_space_id: UuidScalar,
    /// Its ancestors, L0 first.
    pub parent_spaces: Vec<UuidScalar>,
    /// Its collaboration.
    pub collaboration: UrlResolverQueryResultCollaboration,
    /// Its calendar, for calendar event URLs.
    pub calendar: Option<UrlResolverQueryResultCalendar>,
    /// Its templates, for template URLs (no templates exist yet).
    pub templates_set: Option<UrlResolverQueryResultTemplatesSet>,
}

/// The nearest page that exists, for a URL that names nothing (or nothing visible).
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryClosestAncestor")]
pub struct UrlResolverQueryClosestAncestor {
    /// Its kind.
    pub r#type: UrlType,
    /// Its URL.
    pub url: String,
    /// The user it names.
    pub user_id: Option<UuidScalar>,
    /// The organization it names.
    pub organization_id: Option<UuidScalar>,
    /// The space it names.
    pub space: Option<UrlResolverQueryResultSpace>,
    /// The innovation hub it names.
    pub innovation_hub_id: Option<UuidScalar>,
    /// The discussion it names (none exist yet).
    pub discussion_id: Option<UuidScalar>,
    /// The virtual contributor it names (none exist yet).
    pub virtual_contributor: Option<UrlResolverQueryResultVirtualContributor>,
    /// The innovation pack it names (none exist yet).
    pub innovation_pack: Option<UrlResolverQueryResultInnovationPack>,
}

/// What a URL names.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "UrlResolverQueryResults")]
pub struct UrlResolverQueryResults {
    /// The kind of page.
    pub r#type: UrlType,
    /// Whether it resolved.
    pub state: UrlResolverResultState,
    /// The user it names.
    pub user_id: Option<UuidScalar>,
    /// The organization it names.
    pub organization_id: Option<UuidScalar>,
    /// The space it names.
    pub space: Option<UrlResolverQueryResultSpace>,
    /// The innovation hub it names.
    pub innovation_hub_id: Option<UuidScalar>,
    /// The discussion it names (none exist yet).
    pub discussion_id: Option<UuidScalar>,
    /// The virtual contributor it names (none exist yet).
    pub virtual_contributor: Option<UrlResolverQueryResultVirtualContributor>,
    /// The innovation pack it names (none exist yet).
    pub innovation_pack: Option<UrlResolverQueryResultInnovationPack>,
    /// Where to go instead when it did not resolve.
    pub closest_ancestor: Option<UrlResolverQueryClosestAncestor>,
}

impl UrlResolverQueryResults {
    fn new(kind: UrlType, state: UrlResolverResultState) -> Self {
        Self {
            r#type: kind,
            state,
            user_id: None,
            organization_id: None,
            space: None,
            innovation_hub_id: None,
            discussion_id: None,
            virtual_contributor: None,
            innovation_pack: None,
            closest_ancestor: None,
        }
    }
}

impl UrlResolverQueryClosestAncestor {
    fn new(kind: UrlType, url: String) -> Self {
        Self {
            r#type: kind,
            url,
            user_id: None,
            organization_id: None,
            space: None,
            innovation_hub_id: None,
            discussion_id: None,
            virtual_contributor: None,
            innovation_pack: None,
        }
    }
}

/// Resolves `<callout>{/posts|memos|whiteboards/<name>}` inside a callouts set into `result`
/// (READ on each: a contribution that is not there leaves the callout's result, as in the
/// reference); the failing state when the callout is missing or not readable.
async fn resolve_in_callouts_set(
    ctx: &Context<'_>,
    result: &mut UrlResolverQueryResultCalloutsSet,
    callout_name: &str,
    rest: &[String],
) -> AppResult<Option<UrlResolverResultState>> {
    let collaborations = data::<alkemio_collaboration::CollaborationService>(ctx)?;
    let set = result.id.0;
    let Some(callout) = collaborations.callout_by_name(set, callout_name).await? else {
        return Ok(Some(UrlResolverResultState::NotFound));
    };
    if crate::authorization::require_on(
        ctx,
        callout.authorization_id,
        P::Read,
        "resolve a callout URL",
    )
    .await
    .is_err()
    {
        return Ok(Some(UrlResolverResultState::Forbidden));
    }
    result.callout_id = Some(UuidScalar(callout.id));
    result.r#type = UrlType::Callout;
    if let [kind, post_name, ..] = rest
        && kind == "posts"
        && let Some((contribution, post)) = collaborations
            .post_contribution_by_name(callout.id, post_name)
            .await?
    {
        if crate::authorization::require_on(
            ctx,
            contribution.authorization_id,
            P::Read,
            "resolve a post URL",
        )
        .await
        .is_err()
        {
            return Ok(Some(UrlResolverResultState::Forbidden));
        }
        result.contribution_id = Some(UuidScalar(contribution.id));
        result.post_id = Some(UuidScalar(post.id));
        result.r#type = UrlType::ContributionPost;
    }
    if let [kind, name, ..] = rest
        && kind == "memos"
        && let Some((contribution, memo)) = collaborations
            .memo_contribution_by_name(callout.id, name)
            .await?
    {
        if crate::authorization::require_on(
            ctx,
            memo.authorization_id,
            P::Read,
            "resolve a memo URL",
        )
        .await
        .is_err()
        {
            return Ok(Some(UrlResolverResultState::Forbidden));
        }
        result.contribution_id = Some(UuidScalar(contribution.id));
        result.memo_id = Some(UuidScalar(memo.id));
        result.r#type = UrlType::ContributionMemo;
    }
    if let [kind, name, ..] = rest
        && kind == "whiteboards"
        && let Some((contribution, whiteboard)) = collaborations
            .whiteboard_contribution_by_name(callout.id, name)
            .await?
    {
        if crate::authorization::require_on(
            ctx,
            whiteboard.authorization_id,
            P::Read,
            "resolve a whiteboard URL",
        )
        .await
        .is_err()
        {
            return Ok(Some(UrlResolverResultState::Forbidden));
        }
        result.contribution_id = Some(UuidScalar(contribution.id));
        result.whiteboard_id = Some(UuidScalar(whiteboard.id));
        result.r#type = UrlType::ContributionWhiteboard;
    }
    Ok(None)
}

/// Resolves `/vc/<name>{/knowledge-base/<callout>…}`: the virtual contributor and its knowledge
/// base's callouts set, maybe a callout in it.
async fn resolve_virtual_contributor(
    ctx: &Context<'_>,
    name: Option<&str>,
    internal: &[String],
) -> AppResult<UrlResolverQueryResults> {
    let found = match name {
        Some(n) => {
            data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
                .by_name_id(n)
                .await?
        }
        None => None,
    };
    let knowledge_base = match found.as_ref().and_then(|v| v.knowledge_base_id) {
        Some(kb) => data::<alkemio_virtual_contributor::VirtualContributorService>(ctx)?
            .knowledge_bases(&[kb])
            .await?
            .remove(&kb),
        None => None,
    };
    let base = &data::<crate::SchemaServices>(ctx)?.endpoint_cluster;
    let (Some(vc), Some(set)) = (found, knowledge_base.and_then(|k| k.callouts_set_id)) else {
        let mut r = UrlResolverQueryResults::new(
            UrlType::VirtualContributor,
            UrlResolverResultState::NotFound,
        );
        r.closest_ancestor = Some(UrlResolverQueryClosestAncestor::new(
            UrlType::Home,
            format!("{base}/home"),
        ));
        return Ok(r);
    };
    let mut callouts_set = UrlResolverQueryResultCalloutsSet {
        id: UuidScalar(set),
        r#type: UrlType::CalloutsSet,
        callout_id: None,
        contribution_id: None,
        post_id: None,
        whiteboard_id: None,
        memo_id: None,
    };
    if let [first, callout_name, rest @ ..] = internal
        && first == "knowledge-base"
    {
        let ancestor = UrlResolverQueryResultVirtualContributor {
            id: UuidScalar(vc.id.0),
            callouts_set: callouts_set.clone(),
        };
        if let Some(state) =
            resolve_in_callouts_set(ctx, &mut callouts_set, callout_name, rest).await?
        {
            let mut closest = UrlResolverQueryClosestAncestor::new(
                UrlType::VirtualContributor,
                format!("{base}/vc/{}", vc.name_id),
            );
            closest.virtual_contributor = Some(ancestor);
            let mut r = UrlResolverQueryResults::new(UrlType::VirtualContributor, state);
            r.closest_ancestor = Some(closest);
            return Ok(r);
        }
    }
    let mut r = UrlResolverQueryResults::new(
        UrlType::VirtualContributor,
        UrlResolverResultState::Resolved,
    );
    r.virtual_contributor = Some(UrlResolverQueryResultVirtualContributor {
        id: UuidScalar(vc.id.0),
        callouts_set,
    });
    Ok(r)
}

/// Resolves a space URL: the spaces by NameID down the tree, READ_ABOUT on each, then the
/// path inside the space.
async fn resolve_space(
    ctx: &Context<'_>,
    base: &str,
    names: [Option<&str>; 3],
    internal: &[String],
) -> AppResult<UrlResolverQueryResults> {
    let spaces = data::<alkemio_space::SpaceService>(ctx)?;
    let home = || UrlResolverQueryClosestAncestor::new(UrlType::Home, format!("{base}/home"));
    let fail = |state, ancestor: Option<UrlResolverQueryClosestAncestor>| {
        let mut r = UrlResolverQueryResults::new(UrlType::Space, state);
        r.closest_ancestor = Some(ancestor.unwrap_or_else(home));
        r
    };
    let mut found: Option<UrlResolverQueryResultSpace> = None;
    let mut ancestor: Option<UrlResolverQueryClosestAncestor> = None;
    let mut parents: Vec<UuidScalar> = Vec::new();
    let mut l0_id = None;
    for name in names.into_iter().flatten() {
        let space = match l0_id {
            None => spaces.l0_by_name_id(name).await?,
            Some(l0) => spaces.in_tree_by_name_id(l0, name).await?,
        };
        let Some(space) = space else {
            return Ok(fail(UrlResolverResultState::NotFound, ancestor));
        };
        if crate::space::require_read_about(ctx, &space).await.is_err() {
            return Ok(fail(UrlResolverResultState::Forbidden, ancestor));
        }
        let Some(collaboration) = spaces.collaboration(&space).await? else {
            // a space from before collaborations existed
            return Ok(fail(UrlResolverResultState::NotFound, ancestor));
        };
        if let Some(previous) = &found {
            parents.push(previous.id);
        }
        let result = UrlResolverQueryResultSpace {
            id: UuidScalar(space.id.0),
            level: space.level,
            level_zero_space_id: UuidScalar(space.level_zero_space_id.0),
            parent_spaces: parents.clone(),
            collaboration: UrlResolverQueryResultCollaboration {
                id: UuidScalar(collaboration.id),
                callouts_set: UrlResolverQueryResultCalloutsSet {
                    id: UuidScalar(collaboration.callouts_set_id),
                    r#type: UrlType::CalloutsSet,
                    callout_id: None,
                    contribution_id: None,
                    post_id: None,
                    whiteboard_id: None,
                    memo_id: None,
                },
            },
            calendar: None,
            templates_set: None,
        };
        let path = spaces
            .paths(&[space.id.0])
            .await?
            .remove(&space.id.0)
            .unwrap_or_default();
        let mut a = UrlResolverQueryClosestAncestor::new(UrlType::Space, format!("{base}/{path}"));
        a.space = Some(result.clone());
        ancestor = Some(a);
        l0_id = Some(space.level_zero_space_id);
        found = Some(result);
    }
    let Some(space) = found else {
        return Ok(fail(UrlResolverResultState::NotFound, None));
    };
    let mut space = space;
    let collaborations = data::<alkemio_collaboration::CollaborationService>(ctx)?;
    match internal {
        // a callout, maybe with a post: READ on each (a post that is not there leaves the
        // callout's result, as in the reference)
        [first, callout_name, rest @ ..] if first == "collaboration" => {
            if let Some(state) = resolve_in_callouts_set(
                ctx,
                &mut space.collaboration.callouts_set,
                callout_name,
                rest,
            )
            .await?
            {
                return Ok(fail(state, ancestor));
            }
        }
        // a calendar event: the space's READ_ABOUT, checked above, is enough to find it
        [first, event_name, ..] if first == "calendar" => {
            let collaboration = collaborations
                .collaboration_or_fail(space.collaboration.id.0)
                .await?;
            let timelines = collaborations.timelines();
            let calendar = match collaboration.timeline_id {
                Some(t) => timelines
                    .timelines(&[t])
                    .await?
                    .remove(&t)
                    .map(|t| t.calendar_id),
                None => None,
            };
            let event = match calendar {
                Some(c) => timelines.event_by_name(c, event_name).await?,
                None => None,
            };
            let (Some(calendar), Some(event)) = (calendar, event) else {
                return Ok(fail(UrlResolverResultState::NotFound, ancestor));
            };
            space.calendar = Some(UrlResolverQueryResultCalendar {
                id: UuidScalar(calendar),
                calendar_event_id: Some(UuidScalar(event.id)),
            });
        }
        // the templates of the L0 space, maybe one of them by NameID
        [first, second, rest @ ..] if first == "settings" && second == "templates" => {
            let spaces = data::<alkemio_space::SpaceService>(ctx)?;
            let l0 = spaces
                .get_or_fail(alkemio_kernel::ids::ActorId(space.level_zero_space_id.0))
                .await?;
            let Some(manager) = l0.templates_manager_id else {
                return Ok(fail(UrlResolverResultState::NotFound, ancestor));
            };
            let templates = spaces.templates();
            let set = templates.manager_or_fail(manager).await?.templates_set_id;
            let template_id = match rest.first() {
                Some(name) => match templates.template_by_name(set, name).await? {
                    Some(t) => Some(UuidScalar(t.id)),
                    None => return Ok(fail(UrlResolverResultState::NotFound, ancestor)),
                },
                None => None,
            };
            space.templates_set = Some(UrlResolverQueryResultTemplatesSet {
                id: UuidScalar(set),
                template_id,
            });
        }
        _ => {}
    }
    let mut r = UrlResolverQueryResults::new(UrlType::Space, UrlResolverResultState::Resolved);
    r.space = Some(space);
    Ok(r)
}

/// Root query field `urlResolver`.
#[derive(Debug, Default)]
pub struct UrlResolverQuery;

#[Object]
impl UrlResolverQuery {
    /// Resolves a client URL into the ids of the entities it names.
    async fn url_resolver(
        &self,
        ctx: &Context<'_>,
        url: String,
    ) -> Result<UrlResolverQueryResults> {
        let route = classify(&segments(&url)?);
        let base = data::<crate::SchemaServices>(ctx)?.endpoint_cluster.clone();
        let resolved = |kind| UrlResolverQueryResults::new(kind, UrlResolverResultState::Resolved);
        let not_found = |kind| {
            let mut r = UrlResolverQueryResults::new(kind, UrlResolverResultState::NotFound);
            r.closest_ancestor = Some(UrlResolverQueryClosestAncestor::new(
                UrlType::Home,
                format!("{base}/home"),
            ));
            r
        };
        Ok(match route {
            Route::Page(kind) => resolved(kind),
            Route::Space {
                l0,
                l1,
                l2,
                internal,
            } => {
                resolve_space(
                    ctx,
                    &base,
                    [Some(l0.as_str()), l1.as_deref(), l2.as_deref()],
                    &internal,
                )
                .await?
            }
            Route::Hub(name) => {
                let hub = match name {
                    Some(n) => {
                        data::<alkemio_innovation_hub::InnovationHubService>(ctx)?
                            .by_name_id(&n)
                            .await?
                    }
                    None => None,
                };
                match hub {
                    Some(h) => UrlResolverQueryResults {
                        innovation_hub_id: Some(UuidScalar(h.id)),
                        ..resolved(UrlType::InnovationHub)
                    },
                    None => not_found(UrlType::InnovationHub),
                }
            }
            Route::Pack { pack, template } => {
                let library = data::<alkemio_library::LibraryService>(ctx)?;
                match library.by_name_id(&pack).await? {
                    None => not_found(UrlType::InnovationPacks),
                    Some(p) => {
                        let set = p.templates_set_id.map(UuidScalar);
                        let found = match (&template, p.templates_set_id) {
                            (Some(name), Some(set)) => Some(
                                data::<alkemio_space::SpaceService>(ctx)?
                                    .templates()
                                    .template_by_name(set, name)
                                    .await?,
                            ),
                            _ => None,
                        };
                        let template_id = found.flatten().map(|t| UuidScalar(t.id));
                        // As in the reference, a template missing from the pack still names
                        // the pack in the result.
                        let mut result = if template.is_some() && template_id.is_none() {
                            not_found(UrlType::InnovationPacks)
                        } else {
                            resolved(UrlType::InnovationPacks)
                        };
                        result.innovation_pack =
                            set.map(|set| UrlResolverQueryResultInnovationPack {
                                id: UuidScalar(p.id),
                                templates_set: UrlResolverQueryResultTemplatesSet {
                                    id: set,
                                    template_id,
                                },
                            });
                        result
                    }
                }
            }
            Route::Discussion(name) => {
                let found = match name {
                    Some(n) => {
                        data::<alkemio_platform::forum::ForumService>(ctx)?
                            .discussion_by_name(&n)
                            .await?
                    }
                    None => None,
                };
                match found {
                    Some(d) => UrlResolverQueryResults {
                        discussion_id: Some(UuidScalar(d.id)),
                        ..resolved(UrlType::Discussion)
                    },
                    // as in the reference, an unknown discussion leaves the forum as the type
                    None => not_found(UrlType::Forum),
                }
            }
            Route::Unknown => not_found(UrlType::Unknown),
            Route::VirtualContributor { name, internal } => {
                resolve_virtual_contributor(ctx, name.as_deref(), &internal).await?
            }
            Route::User(name) => {
                let id = match name {
                    Some(n) => data::<UserService>(ctx)?.id_by_name_id(&n).await?,
                    None => None,
                };
                match id {
                    Some(id) => UrlResolverQueryResults {
                        user_id: Some(UuidScalar(id.0)),
                        ..resolved(UrlType::User)
                    },
                    None => not_found(UrlType::User),
                }
            }
            Route::Organization(name) => {
                let id = match name {
                    Some(n) => data::<OrganizationService>(ctx)?.id_by_name_id(&n).await?,
                    None => None,
                };
                match id {
                    Some(id) => UrlResolverQueryResults {
                        organization_id: Some(UuidScalar(id.0)),
                        ..resolved(UrlType::Organization)
                    },
                    None => not_found(UrlType::Organization),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(url: &str) -> Route {
        classify(&segments(url).unwrap())
    }

    #[test]
    fn paths_follow_the_reference_grammar() {
        assert_eq!(route("https://alkem.io"), Route::Page(UrlType::Home));
        assert_eq!(
            route("https://alkem.io/home?x=1#y"),
            Route::Page(UrlType::Home)
        );
        assert_eq!(
            route("http://localhost:3000/user/ada-l/settings"),
            Route::User(Some("ada-l".into()))
        );
        assert_eq!(route("https://a.b/user"), Route::User(None));
        assert_eq!(
            route("https://a.b/organization/acme%20corp"),
            Route::Organization(Some("acme corp".into()))
        );
        assert_eq!(
            route("https://a.b/docs"),
            Route::Page(UrlType::Documentation)
        );
        assert_eq!(
            route("https://a.b/create-space"),
            Route::Page(UrlType::Flow)
        );
        assert_eq!(route("https://a.b/sign_up"), Route::Page(UrlType::SignUp));
        assert_eq!(route("https://a.b/forum"), Route::Page(UrlType::Forum));
        assert_eq!(
            route("https://a.b/forum/discussion/x"),
            Route::Discussion(Some("x".into()))
        );
        assert_eq!(route("https://a.b/landing"), Route::Unknown);
        assert_eq!(
            route("https://a.b/my-space/challenges/x/opportunities/y/about"),
            Route::Space {
                l0: "my-space".into(),
                l1: Some("x".into()),
                l2: Some("y".into()),
                internal: vec!["about".into()]
            }
        );
        assert_eq!(
            route("https://a.b/my-space/opportunities/y"),
            Route::Space {
                l0: "my-space".into(),
                l1: None,
                l2: None,
                internal: vec!["opportunities".into(), "y".into()]
            }
        );
        assert_eq!(
            route("https://a.b/hub/green"),
            Route::Hub(Some("green".into()))
        );
        assert!(segments("not a url").is_err());
        assert!(segments("https://a.b/user/%FF").is_err());
    }
}
