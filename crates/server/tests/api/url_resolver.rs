//! The URL resolver over GraphQL: every URL shape of the grammar that names something this
//! server holds, unknown entities as data, and malformed URLs as URL_RESOLVER_ERROR.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    urls_resolve_to_users_organizations_and_pages,
    space_and_hub_urls_resolve,
    content_urls_resolve
);

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

const SPACE_Q: &str = "query($url: String!) { urlResolver(url: $url) { type state innovationHubId
    space { id level levelZeroSpaceID parentSpaces collaboration { id calloutsSet { id type calloutId } }
        calendar { id } templatesSet { id } }
    closestAncestor { type url space { id } } } }";

/// Space URLs at every level: the spaces by NameID down the tree with their collaboration,
/// Forbidden (not an error) where the caller may not read a space's about, NotFound with the
/// nearest space as ancestor for what does not exist inside a space; hub URLs by NameID.
async fn space_and_hub_urls_resolve(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = crate::spaces::account_of(&app, &admin).await;
    let create = "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }";
    let (_, body) = app
        .graphql_as(
            &admin,
            create,
            json!({"d": {"collaborationData": {"calloutsSetData": {}}, "accountID": account, "nameID": "green-city", "about": {"profileData": {"displayName": "Green City"}}}}),
        )
        .await;
    let l0 = body["data"]["createSpace"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sub = "mutation($d: CreateSubspaceInput!) { createSubspace(subspaceData: $d) { id } }";
    let (_, body) = app
        .graphql_as(
            &admin,
            sub,
            json!({"d": {"collaborationData": {"calloutsSetData": {}}, "spaceID": l0, "nameID": "parks", "about": {"profileData": {"displayName": "Parks"}}}}),
        )
        .await;
    let l1 = body["data"]["createSubspace"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .graphql_as(
            &admin,
            sub,
            json!({"d": {"collaborationData": {"calloutsSetData": {}}, "spaceID": l1, "nameID": "trees", "about": {"profileData": {"displayName": "Trees"}}}}),
        )
        .await;
    let l2 = body["data"]["createSubspace"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resolve = |token: Option<String>, url: &'static str| {
        let app = &app;
        async move {
            let body = match token {
                Some(t) => app.graphql_as(&t, SPACE_Q, json!({"url": url})).await.1,
                None => {
                    app.graphql_at("/graphql", SPACE_Q, json!({"url": url}))
                        .await
                }
            };
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["urlResolver"].clone()
        }
    };

    let r = resolve(Some(admin.clone()), "https://alkem.io/green-city").await;
    assert_eq!(r["type"], "SPACE");
    assert_eq!(r["state"], "Resolved");
    assert_eq!(r["space"]["id"], l0.as_str());
    assert_eq!(r["space"]["level"], "L0");
    assert_eq!(r["space"]["parentSpaces"], json!([]));
    assert_eq!(
        r["space"]["collaboration"]["calloutsSet"]["type"],
        "CALLOUTS_SET"
    );
    assert!(r["space"]["collaboration"]["id"].is_string());
    assert_eq!(r["space"]["calendar"], Value::Null);
    let r = resolve(
        Some(admin.clone()),
        "https://alkem.io/green-city/challenges/parks/opportunities/trees/about",
    )
    .await;
    assert_eq!(r["state"], "Resolved");
    assert_eq!(r["space"]["id"], l2.as_str());
    assert_eq!(r["space"]["level"], "L2");
    assert_eq!(r["space"]["levelZeroSpaceID"], l0.as_str());
    assert_eq!(r["space"]["parentSpaces"], json!([l0, l1]));

    // the space is private: an anonymous visitor may read its about (the L0) but not below
    let r = resolve(None, "https://alkem.io/green-city/about").await;
    assert_eq!(r["state"], "Resolved", "{r}");
    assert_eq!(r["space"]["id"], l0.as_str());
    let r = resolve(None, "https://alkem.io/green-city/challenges/parks").await;
    assert_eq!(r["state"], "Forbidden", "{r}");
    assert_eq!(r["space"], Value::Null);
    assert_eq!(r["closestAncestor"]["type"], "SPACE");
    assert_eq!(r["closestAncestor"]["space"]["id"], l0.as_str());
    assert!(
        r["closestAncestor"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/green-city")
    );

    // nothing by that name, or content that does not exist yet: NotFound
    let r = resolve(
        Some(admin.clone()),
        "https://alkem.io/green-city/challenges/nope",
    )
    .await;
    assert_eq!(r["state"], "NotFound");
    assert_eq!(r["closestAncestor"]["space"]["id"], l0.as_str());
    let r = resolve(
        Some(admin.clone()),
        "https://alkem.io/green-city/collaboration/some-callout",
    )
    .await;
    assert_eq!(r["state"], "NotFound");
    assert_eq!(r["closestAncestor"]["type"], "SPACE");
    let r = resolve(Some(admin.clone()), "https://alkem.io/nowhere").await;
    assert_eq!(r["state"], "NotFound");
    assert_eq!(r["closestAncestor"]["type"], "HOME");

    // hubs by NameID
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation($a: UUID!) { createInnovationHub(createData: { accountID: $a, nameID: \"green-hub\",
                subdomain: \"green\", type: LIST, profileData: { displayName: \"Green\" } }) { id } }",
            json!({"a": account}),
        )
        .await;
    let hub = body["data"]["createInnovationHub"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = resolve(None, "https://alkem.io/hub/green-hub").await;
    assert_eq!(r["type"], "INNOVATION_HUB");
    assert_eq!(r["innovationHubId"], hub.as_str());
    let r = resolve(None, "https://alkem.io/hub/none").await;
    assert_eq!(r["state"], "NotFound");
}

const CONTENT_Q: &str = "query($url: String!) { urlResolver(url: $url) { type state
    space { id collaboration { calloutsSet { id type calloutId contributionId postId } } calendar { id calendarEventId } }
    closestAncestor { type space { id } } } }";

/// Callout, post and calendar event URLs inside a space: their ids, READ on callouts and posts
/// (Forbidden for a draft), the callout's result for a post that is not there, NotFound with the
/// space as ancestor for an unknown callout or event.
async fn content_urls_resolve(backend: Backend) {
    use crate::spaces::{account_of, assign, ok, space};
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Url Town", Value::Null).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let callout = crate::callouts::post_callout(&app, &admin, &set, "Ideas").await;
    let k = callout["id"].as_str().unwrap();
    let post = crate::callouts::add_post(&app, &member_token, k, "Bike lanes").await;
    let cal = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { collaboration { timeline { calendar { id } } } } } }",
        json!({"s": s}),
    )
    .await["lookup"]["space"]["collaboration"]["timeline"]["calendar"]["id"]
        .clone();
    let event = ok(
        &app,
        &admin,
        "mutation($c: UUID!) { createEventOnCalendar(eventData: { calendarID: $c, type: EVENT,
            startDate: \"2026-12-01T10:00:00Z\", durationMinutes: 60, wholeDay: false, multipleDays: false,
            visibleOnParentCalendar: false, profileData: { displayName: \"Launch\" } }) { id } }",
        json!({"c": cal}),
    )
    .await["createEventOnCalendar"]["id"]
        .clone();
    let resolve = |token: String, url: &'static str| {
        let app = &app;
        async move {
            let (_, body) = app.graphql_as(&token, CONTENT_Q, json!({"url": url})).await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["urlResolver"].clone()
        }
    };

    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/collaboration/ideas",
    )
    .await;
    assert_eq!(
        (r["type"].as_str(), r["state"].as_str()),
        (Some("SPACE"), Some("Resolved"))
    );
    let set_result = &r["space"]["collaboration"]["calloutsSet"];
    assert_eq!(set_result["type"], "CALLOUT");
    assert_eq!(set_result["calloutId"], k);
    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/collaboration/ideas/posts/bikelanes",
    )
    .await;
    let set_result = &r["space"]["collaboration"]["calloutsSet"];
    assert_eq!(set_result["type"], "CONTRIBUTION_POST");
    assert_eq!(set_result["postId"], post["post"]["id"]);
    assert_eq!(set_result["contributionId"], post["id"]);
    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/collaboration/ideas/posts/nothing",
    )
    .await;
    assert_eq!(
        r["space"]["collaboration"]["calloutsSet"]["type"],
        "CALLOUT"
    );
    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/collaboration/nothing",
    )
    .await;
    assert_eq!(r["state"], "NotFound");
    assert_eq!(r["closestAncestor"]["space"]["id"], s.as_str());

    // a draft is Forbidden for members, resolved for its admins
    ok(
        &app,
        &admin,
        "mutation($k: String!) { updateCalloutVisibility(calloutData: { calloutID: $k, visibility: DRAFT }) { id } }",
        json!({"k": k}),
    )
    .await;
    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/collaboration/ideas",
    )
    .await;
    assert_eq!(r["state"], "Forbidden");
    let r = resolve(
        admin.clone(),
        "https://alkem.io/urltown/collaboration/ideas",
    )
    .await;
    assert_eq!(r["state"], "Resolved");

    let r = resolve(
        member_token.clone(),
        "https://alkem.io/urltown/calendar/launch",
    )
    .await;
    assert_eq!(
        r["space"]["calendar"],
        json!({"id": cal, "calendarEventId": event})
    );
    let r = resolve(member_token, "https://alkem.io/urltown/calendar/nothing").await;
    assert_eq!(r["state"], "NotFound");
}
