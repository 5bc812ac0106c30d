//! The platform root and its configuration.

use serde_json::json;

use crate::helpers::{Backend, assert_reference_error, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    platform_answers_with_configuration_and_metadata,
    configuration_is_served_on_the_public_endpoint,
    platform_survives_a_restart,
    the_web_assistant_is_for_those_granted_it,
    platform_settings_are_checked_and_kept
);

/// `platform.virtualAssistantAccess`: true for global admins and holders of the platform's
/// assistant-access role, false (not an error) for everyone else.
async fn the_web_assistant_is_for_those_granted_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("someone@example.org").await;
    let q = "{ platform { virtualAssistantAccess } }";
    let anonymous = app.graphql(q).await;
    assert_eq!(
        anonymous["data"]["platform"]["virtualAssistantAccess"],
        false
    );
    let access = |body: serde_json::Value| body["platform"]["virtualAssistantAccess"].clone();
    assert_eq!(
        access(crate::spaces::ok(&app, &token, q, json!({})).await),
        false
    );
    assert_eq!(
        access(crate::spaces::ok(&app, &admin, q, json!({})).await),
        true
    );
    crate::spaces::ok(
        &app,
        &admin,
        "mutation($u: UUID!) { assignPlatformRoleToUser(roleData: { actorID: $u,
            role: PLATFORM_ASSISTANT_ACCESS }) { id } }",
        json!({"u": user.id.to_string()}),
    )
    .await;
    assert_eq!(
        access(crate::spaces::ok(&app, &token, q, json!({})).await),
        true
    );
}

async fn platform_answers_with_configuration_and_metadata(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app
        .graphql(
            "{ platform { id createdDate updatedDate configuration { locations { domain environment documentation } \
             featureFlags { name enabled } storage { file { maxFileSize } } \
             authentication { providers { name enabled config { __typename ... on OryConfig { issuer kratosPublicBaseURL } } } } \
             defaultVisualTypeConstraints(type: AVATAR) { minWidth maxWidth aspectRatio allowedTypes } } \
             metadata { services { name version } } settings { integration { iframeAllowedUrls notificationEmailBlacklist } } } }",
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let p = &body["data"]["platform"];
    assert_eq!(p["id"].as_str().map(str::len), Some(36));
    let c = &p["configuration"];
    assert_eq!(c["locations"]["domain"], "localhost");
    assert_eq!(c["locations"]["environment"], "local");
    assert_eq!(
        c["locations"]["documentation"],
        "https://localhost/documentation"
    );
    assert_eq!(c["featureFlags"].as_array().map(Vec::len), Some(8));
    assert_eq!(
        c["featureFlags"][6],
        json!({"name": "LANDING_PAGE", "enabled": false})
    );
    assert_eq!(c["storage"]["file"]["maxFileSize"], 15_728_640.0);
    assert_eq!(
        c["authentication"]["providers"][0]["config"]["__typename"],
        "OryConfig"
    );
    assert_eq!(c["defaultVisualTypeConstraints"]["minWidth"], 190.0);
    assert_eq!(
        c["defaultVisualTypeConstraints"]["allowedTypes"][0],
        "image/png"
    );
    assert_eq!(p["metadata"]["services"][0]["name"], "alkemio-server");
    assert_eq!(
        p["metadata"]["services"][0]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(p["settings"]["integration"]["iframeAllowedUrls"], json!([]));
    assert!(p["createdDate"].as_str().is_some_and(|d| d.ends_with('Z')));
}

async fn configuration_is_served_on_the_public_endpoint(backend: Backend) {
    let app = spawn_app_with(backend, |env| {
        env.with("ENDPOINT_CLUSTER", "https://alkem.io")
            .with("ENVIRONMENT", "acceptance")
            .with("LANDING_PAGE_ENABLED", "true")
    })
    .await;
    let body = app
        .graphql_at(
            "/api/public/graphql",
            "query configuration { platform { configuration { locations { domain environment } featureFlags { name enabled } } } }",
            json!({}),
        )
        .await;
    let c = &body["data"]["platform"]["configuration"];
    assert_eq!(c["locations"]["domain"], "alkem.io", "{body}");
    assert_eq!(c["locations"]["environment"], "acceptance");
    assert_eq!(
        c["featureFlags"][6],
        json!({"name": "LANDING_PAGE", "enabled": true})
    );
    for path in [
        "/api/private/graphql",
        "/api/private/non-interactive/graphql",
    ] {
        let body = app.graphql_at(path, "{ platform { id } }", json!({})).await;
        assert!(body["data"]["platform"]["id"].is_string(), "{path}: {body}");
    }
}

async fn platform_survives_a_restart(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.graphql("{ platform { id createdDate } }").await;
    let db = app.stop_keep_db().await;
    let env = crate::helpers::test_env(&db);
    let app = crate::helpers::spawn_on(db, env).await;
    let second = app.graphql("{ platform { id createdDate } }").await;
    assert_eq!(
        first["data"], second["data"],
        "bootstrap must find the existing platform"
    );
}

/// The platform's integration settings: iframe URLs and the notification blacklist, changed by
/// platform admins (settings admins for the whole lists), each entry checked; what is refused
/// writes nothing.
async fn platform_settings_are_checked_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, user) = app.user_with_token("someone@example.org").await;
    const SETTINGS: &str = "{ platform { settings { integration { iframeAllowedUrls notificationEmailBlacklist } } } }";
    let settings = |token: String| {
        let app = &app;
        async move {
            let (_, body) = app.graphql_as(&token, SETTINGS, json!({})).await;
            body["data"]["platform"]["settings"]["integration"].clone()
        }
    };
    let run = |token: String, query: &'static str, vars: serde_json::Value| {
        let app = &app;
        async move { app.graphql_as(&token, query, vars).await.1 }
    };
    const ADD_URL: &str = "mutation($u: String!) { addIframeAllowedURL(whitelistedURL: $u) }";
    const REMOVE_URL: &str = "mutation($u: String!) { removeIframeAllowedURL(whitelistedURL: $u) }";
    const ADD_EMAIL: &str =
        "mutation($e: String!) { addNotificationEmailToBlacklist(input: { email: $e }) }";
    const REMOVE_EMAIL: &str =
        "mutation($e: String!) { removeNotificationEmailFromBlacklist(input: { email: $e }) }";
    const UPDATE: &str =
        "mutation($d: UpdatePlatformSettingsInput!) { updatePlatformSettings(settingsData: $d) {
        integration { iframeAllowedUrls notificationEmailBlacklist } } }";

    let before = settings(admin.clone()).await;
    // only platform admins
    for (query, vars) in [
        (ADD_URL, json!({"u": "https://video.example.org"})),
        (ADD_EMAIL, json!({"e": "x@example.org"})),
        (
            UPDATE,
            json!({"d": {"integration": {"iframeAllowedUrls": []}}}),
        ),
    ] {
        let body = run(user.clone(), query, vars).await;
        assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    }
    // bad entries
    for (query, vars) in [
        (ADD_URL, json!({"u": "video.example.org"})),
        (ADD_URL, json!({"u": "javascript:alert(1)"})),
        (REMOVE_URL, json!({"u": "https://never.example.org"})),
        (ADD_EMAIL, json!({"e": "*@example.org"})),
        (ADD_EMAIL, json!({"e": "not-an-address"})),
        (REMOVE_EMAIL, json!({"e": "nobody@example.org"})),
        (
            UPDATE,
            json!({"d": {"integration": {"iframeAllowedUrls": ["https://ok.example.org", "nope"]}}}),
        ),
        (
            UPDATE,
            json!({"d": {"integration": {"iframeAllowedUrls": [], "notificationEmailBlacklist": ["a@example.org", "b?@example.org"]}}}),
        ),
    ] {
        let body = run(admin.clone(), query, vars.clone()).await;
        assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    }
    assert_eq!(
        settings(admin.clone()).await,
        before,
        "nothing refused was written"
    );

    // adding, once
    let body = run(
        admin.clone(),
        ADD_URL,
        json!({"u": " https://video.example.org/embed "}),
    )
    .await;
    let urls = body["data"]["addIframeAllowedURL"].clone();
    assert!(
        urls.as_array()
            .unwrap()
            .contains(&json!("https://video.example.org/embed")),
        "{body}"
    );
    let again = run(
        admin.clone(),
        ADD_URL,
        json!({"u": "https://video.example.org/embed"}),
    )
    .await;
    assert_eq!(again["data"]["addIframeAllowedURL"], urls);
    let body = run(admin.clone(), ADD_EMAIL, json!({"e": "Spam@Example.org"})).await;
    assert_eq!(
        body["data"]["addNotificationEmailToBlacklist"],
        json!(["spam@example.org"])
    );
    let twice = run(admin.clone(), ADD_EMAIL, json!({"e": "spam@example.org"})).await;
    assert_reference_error(&twice["errors"][0], "BAD_USER_INPUT", 12101);
    let now = settings(admin.clone()).await;
    assert_eq!(now["iframeAllowedUrls"], urls);
    assert_eq!(
        now["notificationEmailBlacklist"],
        json!(["spam@example.org"])
    );

    // removing
    let body = run(
        admin.clone(),
        REMOVE_URL,
        json!({"u": "https://video.example.org/embed"}),
    )
    .await;
    assert!(
        !body["data"]["removeIframeAllowedURL"]
            .as_array()
            .unwrap()
            .contains(&json!("https://video.example.org/embed"))
    );
    let body = run(
        admin.clone(),
        REMOVE_EMAIL,
        json!({"e": "SPAM@example.org"}),
    )
    .await;
    assert_eq!(
        body["data"]["removeNotificationEmailFromBlacklist"],
        json!([])
    );

    // whole lists: given ones replace, an absent blacklist stays
    run(admin.clone(), ADD_EMAIL, json!({"e": "keep@example.org"})).await;
    let body = run(admin.clone(), UPDATE, json!({"d": {"integration": {"iframeAllowedUrls": ["https://a.example.org", "https://a.example.org", "https://b.example.org"]}}})).await;
    assert_eq!(
        body["data"]["updatePlatformSettings"]["integration"],
        json!({"iframeAllowedUrls": ["https://a.example.org", "https://b.example.org"], "notificationEmailBlacklist": ["keep@example.org"]}),
        "{body}"
    );
    let body = run(admin.clone(), UPDATE, json!({"d": {"integration": {"iframeAllowedUrls": [], "notificationEmailBlacklist": ["One@Example.org"]}}})).await;
    assert_eq!(
        body["data"]["updatePlatformSettings"]["integration"],
        json!({"iframeAllowedUrls": [], "notificationEmailBlacklist": ["one@example.org"]})
    );
}
