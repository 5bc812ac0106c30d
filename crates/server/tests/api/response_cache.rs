//! The cache of answers to anonymous reads: a repeated anonymous query is answered without
//! SQL; a change made by a mutation is visible on the very next read; authenticated reads and
//! answers with errors are never cached.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_backends;
use crate::spaces::{account_of, ok, public, space};

on_both_backends!(anonymous_answers_are_cached_until_a_change);

const LIST: &str = "{ spaces { id about { profile { displayName } } } }";

async fn anonymous(app: &TestApp, query: &str) -> (Value, u64) {
    let before = app.services.db.statements().get();
    let body = app.graphql(query).await;
    (body, app.services.db.statements().get() - before)
}

fn names(body: &Value) -> Vec<String> {
    body["data"]["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["about"]["profile"]["displayName"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

async fn anonymous_answers_are_cached_until_a_change(backend: Backend) {
    let app = spawn_app_with(backend, |env| env.with("RESPONSE_CACHE_TTL_S", "60")).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (id, _) = space(&app, &admin, &account, "Beacon", public()).await;

    let (first, cost) = anonymous(&app, LIST).await;
    assert_eq!(names(&first), ["Beacon"]);
    assert!(cost > 0, "the first read runs SQL");
    let (second, cost) = anonymous(&app, LIST).await;
    assert_eq!(second, first);
    assert_eq!(
        cost, 0,
        "a repeated anonymous read is answered from the cache"
    );

    // a change through a mutation is visible on the next read
    ok(
        &app,
        &admin,
        "mutation($d: UpdateSpaceInput!) { updateSpace(spaceData: $d) { id } }",
        json!({"d": {"ID": id, "about": {"profile": {"displayName": "Beacon Renamed"}}}}),
    )
    .await;
    let (third, cost) = anonymous(&app, LIST).await;
    assert_eq!(names(&third), ["Beacon Renamed"]);
    assert!(cost > 0);
    // so is a new space
    space(&app, &admin, &account, "Second Light", public()).await;
    let (fourth, _) = anonymous(&app, LIST).await;
    let mut seen = names(&fourth);
    seen.sort();
    assert_eq!(seen, ["Beacon Renamed", "Second Light"]);

    // authenticated reads are never cached
    for _ in 0..2 {
        let before = app.services.db.statements().get();
        let (_, body) = app.graphql_as(&admin, LIST, json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
        assert!(app.services.db.statements().get() - before > 0);
    }
    // nor are answers with errors
    let missing = format!(
        "{{ lookup {{ space(ID: \"{}\") {{ id }} }} }}",
        uuid::Uuid::now_v7()
    );
    let (failed, cost) = anonymous(&app, &missing).await;
    assert!(!failed["errors"].is_null());
    assert!(cost > 0);
    let (failed_again, cost) = anonymous(&app, &missing).await;
    assert!(!failed_again["errors"].is_null());
    assert!(cost > 0, "an answer with errors is not cached");
}

/// With Redis, the epoch is shared: a change made through one instance is visible on the next
/// anonymous read through another one, whose own cache held the old answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_the_others() {
    let redis = |env: alkemio_configuration::Env| {
        env.with("RESPONSE_CACHE_TTL_S", "60")
            .with("REDIS_HOST", "127.0.0.1")
    };
    let app = spawn_app_with(Backend::Postgres, redis).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (id, _) = space(&app, &admin, &account, "Twin", public()).await;

    // a second instance over the same database and Redis
    let env = redis(crate::helpers::test_env(app.db()));
    let settings = alkemio_configuration::Settings::from_env(&env).unwrap();
    let other = alkemio_server::Application::build(settings).await.unwrap();
    let other_address = format!("http://127.0.0.1:{}", other.port());
    let other_db = other.database().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(other.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let read_other = || async {
        app.client
            .post(format!("{other_address}/graphql"))
            .json(&json!({"query": LIST}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    assert_eq!(names(&read_other().await), ["Twin"]);
    let before = other_db.statements().get();
    assert_eq!(names(&read_other().await), ["Twin"]);
    assert_eq!(
        other_db.statements().get(),
        before,
        "the other instance answers from its cache"
    );

    ok(
        &app,
        &admin,
        "mutation($d: UpdateSpaceInput!) { updateSpace(spaceData: $d) { id } }",
        json!({"d": {"ID": id, "about": {"profile": {"displayName": "Twin Renamed"}}}}),
    )
    .await;
    assert_eq!(names(&read_other().await), ["Twin Renamed"]);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
