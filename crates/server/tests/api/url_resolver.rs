//! The URL resolver over GraphQL: every URL shape of the grammar that names something this
//! server holds, unknown entities as data, and malformed URLs as URL_RESOLVER_ERROR.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;

on_both_backends!(urls_resolve_to_users_organizations_and_pages);

const RESOLVE: &str = "query($url: String!) { urlResolver(url: $url) {
    type state userId organizationId closestAncestor { type url } } }";

async fn urls_resolve_to_users_organizations_and_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("walker@example.org").await;
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation { createOrganization(organizationData: { nameID: \"acme\", profileData: { displayName: \"Acme\" } }) { id } }",
            json!({}),
        )
        .await;
    let org = body["data"]["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resolve = |url: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let (_, body) = app.graphql_as(&token, RESOLVE, json!({"url": url})).await;
            body
        }
    };
    let ok = |body: Value| {
        assert!(body.get("errors").is_none(), "{body}");
        body["data"]["urlResolver"].clone()
    };

    let r = ok(resolve(format!(
        "https://alkem.io/user/{}/settings/profile?tab=1#x",
        user.name_id
    ))
    .await);
    assert_eq!(
        r,
        json!({"type": "USER", "state": "Resolved", "userId": user.id.to_string(), "organizationId": null, "closestAncestor": null})
    );
    let r = ok(resolve("http://localhost:3000/organization/acme".into()).await);
    assert_eq!(r["type"], "ORGANIZATION");
    assert_eq!(r["organizationId"], org.as_str());
    for (path, kind) in [
        ("", "HOME"),
        ("/home", "HOME"),
        ("/docs", "DOCUMENTATION"),
        ("/create-space", "FLOW"),
        ("/admin/users", "ADMIN"),
        ("/spaces", "SPACE_EXPLORER"),
        ("/contributors", "CONTRIBUTORS_EXPLORER"),
        ("/innovation-library", "INNOVATION_LIBRARY"),
        ("/forum", "FORUM"),
        ("/login", "LOGIN"),
        ("/registration", "REGISTRATION"),
        ("/restricted", "RESTRICTED"),
    ] {
        let r = ok(resolve(format!("https://alkem.io{path}")).await);
        assert_eq!(r["type"], kind, "{path}");
        assert_eq!(r["state"], "Resolved", "{path}");
    }
    // unknown entities are data: not found, with the home page as the closest ancestor
    for (path, kind) in [
        ("/user/nobody", "USER"),
        ("/user", "USER"),
        ("/organization/nope", "ORGANIZATION"),
        ("/no-such-space/collaboration/x", "SPACE"),
        ("/vc/assistant", "VIRTUAL_CONTRIBUTOR"),
        ("/landing", "UNKNOWN"),
    ] {
        let r = ok(resolve(format!("https://alkem.io{path}")).await);
        assert_eq!(r["type"], kind, "{path}");
        assert_eq!(r["state"], "NotFound", "{path}");
        assert_eq!(r["userId"], Value::Null);
        let ancestor = &r["closestAncestor"];
        assert_eq!(ancestor["type"], "HOME");
        assert!(ancestor["url"].as_str().unwrap().ends_with("/home"));
    }
    // Malformed URLs: URL_RESOLVER_ERROR, which the client treats as not found. (Reference
    // quirk, fixed: it answered UNSPECIFIED "Invalid URL".)
    for bad in ["user/ada", "https://alkem.io/user/%FF"] {
        let body = resolve(bad.into()).await;
        assert_reference_error(&body["errors"][0], "URL_RESOLVER_ERROR", 14115);
    }
    // anonymous callers resolve too
    let body = app
        .graphql(&format!(
            "{{ urlResolver(url: \"https://alkem.io/user/{}\") {{ state }} }}",
            user.name_id
        ))
        .await;
    assert_eq!(body["data"]["urlResolver"]["state"], "Resolved", "{body}");
}
