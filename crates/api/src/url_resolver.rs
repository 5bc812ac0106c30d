//! GraphQL: `urlResolver`, which turns a client URL into the ids of what it names.
//!
//! The path is classified by the reference's URL grammar (host, query and fragment are
//! ignored); the entities it names are then looked up by NameID. An unknown entity is data
//! (`state: NotFound` with the closest existing ancestor), not an error. Spaces, virtual
//! contributors, innovation packs, hubs and discussions do not exist yet in this server, so
//! their URLs are classified and answered `NotFound`, and the result fields that would carry
//! them are not part of the schema until they do.

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
    /// A kind of entity this server does not hold yet (the type it would have).
    NotYetHeld(UrlType),
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
        "vc" => Route::NotYetHeld(UrlType::VirtualContributor),
        "admin" => Route::Page(UrlType::Admin),
        "hub" => Route::NotYetHeld(UrlType::InnovationHub),
        "innovation-library" => Route::Page(UrlType::InnovationLibrary),
        "innovation-packs" if segments.len() > 1 => Route::NotYetHeld(UrlType::InnovationPacks),
        "innovation-packs" => Route::Page(UrlType::InnovationPacks),
        "spaces" => Route::Page(UrlType::SpaceExplorer),
        "contributors" => Route::Page(UrlType::ContributorsExplorer),
        "forum" if segments.get(1).is_some_and(|s| s == "discussion") => {
            Route::NotYetHeld(UrlType::Discussion)
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
        _ => Route::NotYetHeld(UrlType::Space),
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
    /// Where to go instead when it did not resolve.
    pub closest_ancestor: Option<UrlResolverQueryClosestAncestor>,
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
        let resolved = |kind| UrlResolverQueryResults {
            r#type: kind,
            state: UrlResolverResultState::Resolved,
            user_id: None,
            organization_id: None,
            closest_ancestor: None,
        };
        let not_found = |kind| UrlResolverQueryResults {
            r#type: kind,
            state: UrlResolverResultState::NotFound,
            user_id: None,
            organization_id: None,
            closest_ancestor: Some(UrlResolverQueryClosestAncestor {
                r#type: UrlType::Home,
                url: format!("{base}/home"),
                user_id: None,
                organization_id: None,
            }),
        };
        Ok(match route {
            Route::Page(kind) => resolved(kind),
            Route::Unknown => not_found(UrlType::Unknown),
            Route::NotYetHeld(kind) => not_found(kind),
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
            Route::NotYetHeld(UrlType::Discussion)
        );
        assert_eq!(route("https://a.b/landing"), Route::Unknown);
        assert_eq!(
            route("https://a.b/my-space/challenges/x"),
            Route::NotYetHeld(UrlType::Space)
        );
        assert!(segments("not a url").is_err());
        assert!(segments("https://a.b/user/%FF").is_err());
    }
}
