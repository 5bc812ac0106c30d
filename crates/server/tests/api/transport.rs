//! Transport details the web client relies on: GET queries, WebSocket subscriptions in both
//! protocols, CORS with credentials, GraphiQL.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_with_a_query_string_executes() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .client
        .get(
            reqwest::Url::parse_with_params(
                &format!("{}/graphql", app.address),
                &[("query", "{ platform { id } }")],
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["data"]["platform"]["id"].is_string(), "{body}");
}

async fn websocket_handshake(address: &str, protocol: &str) -> Value {
    let url = format!("{}/graphql", address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    ws.send(Message::text(
        json!({"type": "connection_init", "payload": {}}).to_string(),
    ))
    .await
    .unwrap();
    loop {
        let msg = ws.next().await.expect("a message").unwrap();
        if let Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["type"] != "ka" {
                return v;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_speaks_graphql_ws_and_the_legacy_protocol() {
    let app = spawn_app(Backend::Sqlite).await;
    for protocol in ["graphql-transport-ws", "graphql-ws"] {
        let ack = websocket_handshake(&app.address, protocol).await;
        assert_eq!(ack["type"], "connection_ack", "{protocol}: {ack}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_reflects_the_origin_with_credentials() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/private/graphql", app.address),
        )
        .header("Origin", "https://alkem.io")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,authorization",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "https://alkem.io");
    assert_eq!(h["access-control-allow-credentials"], "true");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_is_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("graphiql"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_upgrades_are_authenticated() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = format!("{}/graphql", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("Authorization", "Bearer not-a-token".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!(
            "a bad token must not open a socket: {:?}",
            other.map(|(_, r)| r.status())
        ),
    }
    // a valid token opens it
    let (_, token) = app.user_with_token("ws@example.org").await;
    let url = format!("{}/graphql", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(
        json!({"type": "connection_init"}).to_string(),
    ))
    .await
    .unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"));
}

/// `subspaceCreated` over graphql-transport-ws: a reader of the space receives each subspace
/// created under it, and nothing about other spaces; a caller who may not read the space gets
/// an error instead of a stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subspace_created_reaches_subscribers() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = crate::spaces::account_of(&app, &admin).await;
    let (watched, _) = crate::spaces::space(&app, &admin, &account, "Watched", Value::Null).await;
    let (other, _) = crate::spaces::space(&app, &admin, &account, "Other", Value::Null).await;

    let subscribe = |id: &str| {
        json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($id: UUID!) { subspaceCreated(spaceID: $id) { spaceID subspace { id about { profile { displayName } } } } }",
            "variables": {"id": id}}})
        .to_string()
    };

    // anonymous may not read the private space: an error, no stream
    let mut anon = app.ws(None).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut anon).await["type"],
        "connection_ack"
    );
    anon.send(Message::text(subscribe(&watched))).await.unwrap();
    let refused = crate::helpers::next_ws_message(&mut anon).await;
    assert!(
        refused["type"] == "error"
            || refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN_POLICY",
        "{refused}"
    );

    let mut ws = app.ws(Some(&admin)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(Message::text(subscribe(&watched))).await.unwrap();
    // give the subscription a moment to register before the subspaces are created
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    crate::spaces::subspace(&app, &admin, &other, "Elsewhere", Value::Null).await;
    let (sub, _) = crate::spaces::subspace(&app, &admin, &watched, "Inside", Value::Null).await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    assert_eq!(event["type"], "next", "{event}");
    let payload = &event["payload"]["data"]["subspaceCreated"];
    assert_eq!(payload["spaceID"], watched.as_str());
    assert_eq!(payload["subspace"]["id"], sub.as_str());
    assert_eq!(
        payload["subspace"]["about"]["profile"]["displayName"],
        "Inside"
    );
}
