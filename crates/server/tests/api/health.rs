//! Health probes, including a database that goes away and comes back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::helpers::{Backend, TestDatabase, postgres_admin_url, spawn_app, spawn_on, test_env};
use crate::on_both_backends;

on_both_backends!(probes_answer_when_healthy);

async fn probes_answer_when_healthy(backend: Backend) {
    let app = spawn_app(backend).await;
    let live = app
        .client
        .get(format!("{}/health/live", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(live.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let ready = app
        .client
        .get(format!("{}/health/ready", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        json!({"status": "ok", "checks": {"database": {"status": "ok"}}})
    );
}

/// A TCP proxy the test can cut and restore: while cut it refuses nothing but drops every
/// connection (new and established), as a vanished database host would look to the server.
struct Proxy {
    addr: SocketAddr,
    cut: Arc<AtomicBool>,
    cut_now: Arc<Notify>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let cut_now = Arc::new(Notify::new());
        let (cut2, notify2) = (cut.clone(), cut_now.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if cut2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let notify = notify2.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = notify.notified() => {}
                    }
                });
            }
        });
        Self { addr, cut, cut_now }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        self.cut_now.notify_waiters();
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

async fn ready_status(client: &reqwest::Client, address: &str) -> (u16, Value) {
    let res = client
        .get(format!("{address}/health/ready"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn wait_for_ready(client: &reqwest::Client, address: &str, want: u16) -> Value {
    let mut last = Value::Null;
    for _ in 0..60 {
        let (status, body) = ready_status(client, address).await;
        if status == want {
            return body;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("readiness never became {want}; last answer {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_through_an_outage() {
    let db = TestDatabase::create(Backend::Postgres).await;
    let admin = postgres_admin_url();
    let host_port = admin
        .trim_start_matches("postgres://")
        .split('@')
        .next_back()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let upstream: SocketAddr = tokio::net::lookup_host(host_port)
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let url = db.url().replace(host_port, &proxy.addr.to_string());
    let env = test_env(&db)
        .with("DATABASE_URL", url)
        .with("DATABASE_CONNECT_TIMEOUT_MS", "500");
    let app = spawn_on(db, env).await;

    assert_eq!(ready_status(&app.client, &app.address).await.0, 200);

    proxy.cut();
    let body = wait_for_ready(&app.client, &app.address, 503).await;
    assert_eq!(body["status"], "error");
    assert_eq!(body["checks"]["database"]["status"], "error");
    assert!(
        !body.to_string().contains("postgres://"),
        "no connection details leak: {body}"
    );
    // the process keeps serving: liveness and the platform id (known without a query)
    let live = app
        .client
        .get(format!("{}/health/live", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let gql = app.graphql("{ platform { id } }").await;
    assert!(gql["data"]["platform"]["id"].is_string(), "{gql}");
    // a field that needs the database fails with a generic internal error, no driver text
    let gql = app.graphql("{ platform { createdDate } }").await;
    let error = &gql["errors"][0];
    crate::helpers::assert_reference_error(error, "UNSPECIFIED", 99999);
    assert_eq!(error["message"], "An unexpected error occurred.");

    proxy.restore();
    let body = wait_for_ready(&app.client, &app.address, 200).await;
    assert_eq!(body["checks"]["database"]["status"], "ok");
    let gql = app.graphql("{ platform { createdDate } }").await;
    assert!(
        gql["data"]["platform"]["createdDate"].is_string(),
        "recovered: {gql}"
    );
}

/// `/metrics` counts SQL statements: a query that reads the database moves the counter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_sql_statements() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let read = |app: &crate::helpers::TestApp| {
        let url = format!("{}/metrics", app.address);
        let client = app.client.clone();
        async move {
            let body = client.get(url).send().await.unwrap().text().await.unwrap();
            body.lines()
                .find_map(|l| l.strip_prefix("alkemio_sql_statements_total "))
                .expect("the counter")
                .parse::<u64>()
                .unwrap()
        }
    };
    let before = read(&app).await;
    let body = app.graphql("{ spaces { id } }").await;
    assert!(body["data"]["spaces"].is_array(), "{body}");
    assert!(read(&app).await > before);
}
