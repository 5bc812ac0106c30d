//! The platform root and its configuration.

use serde_json::json;

use crate::helpers::{Backend, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    platform_answers_with_configuration_and_metadata,
    configuration_is_served_on_the_public_endpoint,
    platform_survives_a_restart,
    the_web_assistant_is_for_those_granted_it
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
