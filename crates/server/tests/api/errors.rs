//! Bad input gets a clear GraphQL error with the reference's extensions.

use serde_json::Value;

use crate::helpers::{Backend, assert_reference_error, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    malformed_json_is_rejected,
    unknown_field_is_rejected,
    too_deep_query_is_rejected,
    oversized_body_is_rejected
);

async fn malformed_json_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .post_raw("{\"query\": \"{ platform { id } }\"", "application/json")
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Malformed request body"),
        "{body}"
    );
}

async fn unknown_field_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.graphql("{ platform { id noSuchField } }").await;
    assert!(body["data"].is_null(), "{body}");
    let error = &body["errors"][0];
    assert_reference_error(error, "BAD_USER_INPUT", 12101);
    assert!(
        error["message"].as_str().unwrap().contains("noSuchField"),
        "{body}"
    );
    // a query that does not parse
    let body = app.graphql("{ platform { id ").await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    // an argument that fails its scalar's validation
    let body = app.graphql("{ platform { configuration { defaultVisualTypeConstraints(type: SQUARE) { minWidth } } } }").await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
}

async fn too_deep_query_is_rejected(backend: Backend) {
    let app = spawn_app_with(backend, |env| env.with("ALKEMIO_GRAPHQL_MAX_DEPTH", "4")).await;
    let ok = app
        .graphql("{ platform { configuration { locations { domain } } } }")
        .await;
    assert!(ok.get("errors").is_none(), "depth 4 is allowed: {ok}");
    let body = app
        .graphql("{ platform { configuration { authentication { providers { config { ... on OryConfig { issuer } } } } } } }")
        .await;
    assert!(body["data"].is_null(), "{body}");
    let error = &body["errors"][0];
    assert_reference_error(error, "BAD_USER_INPUT", 12101);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{body}"
    );
}

async fn oversized_body_is_rejected(backend: Backend) {
    let app = spawn_app_with(backend, |env| {
        env.with("HOSTING_MAX_JSON_PAYLOAD_SIZE", "1kb")
    })
    .await;
    let padding = " ".repeat(2048);
    let res = app
        .post_raw(
            format!("{{\"query\": \"{{ platform {{ id }} }}{padding}\"}}"),
            "application/json",
        )
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(
        res.headers()["connection"],
        "close",
        "the unread rest of the body makes the connection unusable"
    );
    let body: Value = res.json().await.unwrap();
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1024 bytes"),
        "{body}"
    );
    // a chunked body without Content-Length is cut off at the limit too
    let stream = futures_util::stream::iter(
        (0..8).map(|_| Ok::<_, std::io::Error>(bytes_of(&" ".repeat(512)))),
    );
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // within the limit, the same endpoint works
    let body = app.graphql("{ platform { id } }").await;
    assert!(body["data"]["platform"]["id"].is_string(), "{body}");
}

fn bytes_of(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}
