//! The test harness: a real server on a random port, over a database of its own.
//!
//! PostgreSQL tests get a fresh database (created for the test, dropped after it) on the
//! server at `ALKEMIO_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! when that server cannot be reached the test fails, it is never skipped. SQLite tests get
//! a fresh file in a temporary directory.

use std::path::PathBuf;
use std::time::Duration;

use alkemio_configuration::{Env, Settings};
use alkemio_server::Application;
use sea_orm::{ConnectionTrait, Database as SeaDatabase};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// The PostgreSQL server the tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("ALKEMIO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// `postgres://user@host:port` of the admin URL, without the database.
fn postgres_server_url() -> String {
    let url = postgres_admin_url();
    match url.rfind('/') {
        Some(i) if i > "postgres://".len() => url[..i].to_owned(),
        _ => url,
    }
}

/// A database made for one test and removed when it ends.
pub struct TestDatabase {
    backend: Backend,
    name: String,
    dir: PathBuf,
}

impl TestDatabase {
    /// Creates an empty database on the backend.
    pub async fn create(backend: Backend) -> Self {
        let name = format!("alkemio_test_{}", Uuid::new_v4().simple());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("creating the test directory");
        if backend == Backend::Postgres {
            let admin = SeaDatabase::connect(postgres_admin_url())
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for this test and is unreachable at {}: {e}",
                        postgres_admin_url()
                    )
                });
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("creating the test database");
            admin.close().await.ok();
        }
        Self { backend, name, dir }
    }

    /// The database URL the server should use.
    pub fn url(&self) -> String {
        match self.backend {
            Backend::Postgres => format!("{}/{}", postgres_server_url(), self.name),
            Backend::Sqlite => format!("sqlite://{}", self.dir.join("alkemio.db").display()),
        }
    }

    /// A scratch directory of this test (the server's data directory).
    pub fn dir(&self) -> &PathBuf {
        &self.dir
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if self.backend == Backend::Postgres {
            let name = self.name.clone();
            // Drop runs outside any runtime guarantee: use a short-lived one on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let admin = SeaDatabase::connect(postgres_admin_url()).await.ok()?;
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok()?;
                    admin.close().await.ok()
                })
            })
            .join();
        }
    }
}

/// The non-interactive login key of test servers (hex), so tests can mint tokens themselves.
pub const TEST_SIGNING_KEY_HEX: &str =
    "6b6579206f6620746865207465737420736572766572732c20333220627974657321";

/// The environment of a test server: random port, loopback only, its own database and data
/// directory, a known token signing key.
pub fn test_env(db: &TestDatabase) -> Env {
    Env::from_pairs([
        ("GRAPHQL_PORT", "0"),
        ("ALKEMIO_BIND_ADDRESS", "127.0.0.1"),
        ("LOGGING_LEVEL_CONSOLE", "warn"),
        ("NON_INTERACTIVE_LOGIN_SIGNING_KEY", TEST_SIGNING_KEY_HEX),
    ])
    .with("DATABASE_URL", db.url())
    .with("ALKEMIO_DATA_DIR", db.dir().display().to_string())
    .with("DATABASE_POOL_MAX", "5")
    // Tests measure what a request costs; the response cache is on where a test turns it on.
    .with("RESPONSE_CACHE_TTL_S", "0")
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub services: alkemio_api::SchemaServices,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    db: Option<TestDatabase>,
}

/// Starts a server on a fresh database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |env| env).await
}

/// Starts a server for a test that counts the statements of its requests. The batch loaders
/// collect keys for 20 ms instead of 1 ms: on a busy machine (a CI runner with the whole suite
/// running beside the test) a 1 ms window may close while a wave of keys is still arriving,
/// which splits a batch in two and adds a statement that is scheduling noise, not a read per
/// item. The counts then tell only what the loaders batch.
pub async fn spawn_measured(backend: Backend) -> TestApp {
    spawn_app_with(backend, |env| {
        env.with("ALKEMIO_GRAPHQL_BATCH_WINDOW_MS", "20")
    })
    .await
}

/// Starts a server on a fresh database, with extra configuration.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(Env) -> Env) -> TestApp {
    let db = TestDatabase::create(backend).await;
    let env = configure(test_env(&db));
    spawn_on(db, env).await
}

/// Starts a server with the given environment on an existing test database.
pub async fn spawn_on(db: TestDatabase, env: Env) -> TestApp {
    let settings = Settings::from_env(&env).expect("valid test configuration");
    alkemio_server::telemetry::init(&settings.logging);
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let services = app.services().clone();
    let (tx, rx) = oneshot::channel();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client");
    TestApp {
        address,
        client,
        services,
        shutdown: Some(tx),
        server: Some(server),
        db: Some(db),
    }
}

impl TestApp {
    /// Waits until the outbox relay has delivered every committed event, so the background
    /// work that mutations set off (notifications, e-mail files) no longer competes with the
    /// request a test measures. Panics after 30 seconds.
    pub async fn settle(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let (pending, _) = alkemio_events::outbox_counts(self.services.db.conn())
                .await
                .expect("counting outbox events");
            if pending == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{pending} outbox events still undelivered after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// What `query` costs as `token`, in SQL statements: the fewest over five runs, after the
    /// outbox has settled, with the last answer's data (which must have no errors). Two loader
    /// waves that usually share a batch may now and then be read apart when the scheduler
    /// delays one of them; that is noise, not a cost per item.
    pub async fn fewest_statements(&self, token: &str, query: &str) -> (u64, Value) {
        self.settle().await;
        let mut cost = u64::MAX;
        let mut data = Value::Null;
        for _ in 0..5 {
            let before = self.services.db.statements().get();
            let (_, body) = self.graphql_as(token, query, json!({})).await;
            cost = cost.min(self.services.db.statements().get() - before);
            assert!(body["errors"].is_null(), "{body}");
            data = body["data"].clone();
        }
        (cost, data)
    }

    /// POSTs a GraphQL query to `/graphql` and returns the JSON answer.
    pub async fn graphql(&self, query: &str) -> Value {
        self.graphql_at("/graphql", query, json!({})).await
    }

    /// POSTs a GraphQL query with variables to a GraphQL path.
    pub async fn graphql_at(&self, path: &str, query: &str, variables: Value) -> Value {
        let res = self
            .client
            .post(format!("{}{path}", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        res.json().await.expect("a JSON answer")
    }

    /// POSTs a GraphQL query as the bearer of `token`; returns the status and the JSON answer.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        (
            res.status().as_u16(),
            res.json().await.expect("a JSON answer"),
        )
    }

    /// A user with this e-mail (registered when missing), and a non-interactive token for it.
    pub async fn user_with_token(&self, email: &str) -> (alkemio_contributor::User, String) {
        let users = &self.services.users;
        let user = match users.user_by_email(email).await.expect("user lookup") {
            Some(user) => user,
            None => users
                .register(
                    alkemio_contributor::NewUser {
                        email: email.to_owned(),
                        first_name: "Test".into(),
                        last_name: email.split('@').next().unwrap_or("user").to_owned(),
                        authentication_id: None,
                    },
                    &[],
                )
                .await
                .expect("registration"),
        };
        let token = mint_hs256(&serde_json::json!({
            "alkemio_actor_id": user.id.to_string(),
            "non_interactive_login": true,
            "iss": "alkemio-non-interactive-login",
            "iat": now(),
            "exp": now() + 3600,
        }));
        (user, token)
    }

    /// POSTs a raw body to `/graphql`.
    pub async fn post_raw(
        &self,
        body: impl Into<reqwest::Body>,
        content_type: &str,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/graphql", self.address))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// The test's database.
    pub fn db(&self) -> &TestDatabase {
        self.db
            .as_ref()
            .expect("database present until the app is dropped")
    }

    /// Stops the server, waits for it, and hands back its database (for a restart).
    pub async fn stop_keep_db(mut self) -> TestDatabase {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
        self.db.take().expect("database present")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Asserts that an error carries the reference's four extensions with the given code.
pub fn assert_reference_error(error: &Value, code: &str, numeric_code: u64) {
    let ext = &error["extensions"];
    assert_eq!(ext["code"], code, "code of {error}");
    assert_eq!(ext["numericCode"], numeric_code, "numericCode of {error}");
    assert!(
        ext["userMessage"]
            .as_str()
            .is_some_and(|m| m.starts_with("userMessages.")),
        "userMessage of {error}"
    );
    let id = ext["errorId"].as_str().unwrap_or_default();
    assert!(Uuid::parse_str(id).is_ok(), "errorId of {error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message of {error}"
    );
}

/// Generates one test per backend for each listed async check `fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$check($crate::helpers::Backend::Postgres).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check($crate::helpers::Backend::Sqlite).await;
            }
        }
    )*};
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn hex_key() -> Vec<u8> {
    (0..TEST_SIGNING_KEY_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&TEST_SIGNING_KEY_HEX[i..i + 2], 16).unwrap())
        .collect()
}

/// An HS256 token with these claims, signed with the test servers' key.
pub fn mint_hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(&hex_key()),
    )
    .expect("signing")
}

/// A WebSocket connection to a test server.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// A graphql-transport-ws connection to `/graphql` (as the bearer of `token`, or anonymous)
    /// with `connection_init` sent; its `connection_ack` is the first message to read.
    pub async fn ws(&self, token: Option<&str>) -> Ws {
        use futures_util::SinkExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/graphql", self.address.replace("http://", "ws://"));
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        if let Some(t) = token {
            request
                .headers_mut()
                .insert("Authorization", format!("Bearer {t}").parse().unwrap());
        }
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        ws.send(tokio_tungstenite::tungstenite::Message::text(
            json!({"type": "connection_init", "payload": {}}).to_string(),
        ))
        .await
        .unwrap();
        ws
    }
}

/// The next graphql-ws message that is not a keep-alive; fails after 10 seconds.
pub async fn next_ws_message(ws: &mut Ws) -> Value {
    use futures_util::StreamExt;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message in time")
            .expect("a message")
            .unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["type"] != "ka" && v["type"] != "ping" && v["type"] != "pong" {
                return v;
            }
        }
    }
}
