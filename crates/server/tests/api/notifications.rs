//! Domain events and notifications end to end: an application to a space reaches the space's
//! admins in-app (`me.notifications`, `notificationsUnreadCount` over graphql-ws) and by e-mail
//! (a real SMTP conversation, or an `.eml` file without SMTP), through RabbitMQ or the
//! in-process bus; a user who switched it off gets neither. The outbox loses and duplicates
//! nothing through a broker outage; a failing delivery ends in the dead-letter queue and is
//! delivered once when replayed; a rolled-back change publishes nothing.

use std::time::Duration;

use alkemio_configuration::Env;
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use crate::mail_and_broker::{Proxy, SmtpSink, eventually};
use crate::spaces::{account_of, assign, ok, public, space};

const RABBIT: &str = "127.0.0.1:5672";
const RABBIT_URI: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

fn with_broker(env: Env, ns: &str, port: u16) -> Env {
    env.with("RABBITMQ_HOST", "127.0.0.1")
        .with("RABBITMQ_PORT", port.to_string())
        .with("RABBITMQ_USER", "guest")
        .with("RABBITMQ_PASSWORD", "guest")
        .with("RABBITMQ_NAMESPACE", ns)
        .with("RABBITMQ_HEARTBEAT_S", "5")
}

fn namespace() -> String {
    format!("test-{}", Uuid::new_v4().simple())
}

/// Fails the test unless RabbitMQ answers (tests never skip a service).
async fn require_rabbit() {
    alkemio_events::rabbit::ping(RABBIT_URI)
        .await
        .unwrap_or_else(|e| {
            panic!("RabbitMQ is required for this test and unreachable at {RABBIT}: {e}")
        });
}

async fn cleanup(ns: &str) {
    let _ = alkemio_events::rabbit::delete_topology(RABBIT_URI, ns, &["notifications"]).await;
}

const NOTIFICATIONS: &str = "query($types: [NotificationEvent!]) { me {
    notificationsUnreadCount
    notifications(filter: { types: $types }) { total
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        inAppNotifications { id type category state triggeredAt receiver { id } triggeredBy { id }
            payload { type
                ... on InAppNotificationPayloadSpaceCommunityApplication { space { id } application { id actor { id } } }
                ... on InAppNotificationPayloadSpaceCommunityActor { space { id } actor { id } }
                ... on InAppNotificationPayloadPlatformGlobalRoleChange { role user { id } } } } } } }";

async fn notifications(app: &TestApp, token: &str, types: &[&str]) -> Value {
    ok(app, token, NOTIFICATIONS, json!({"types": types})).await["me"].clone()
}

async fn set_notification(app: &TestApp, token: &str, user: Uuid, settings: Value) {
    ok(
        app,
        token,
        "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id } }",
        json!({"d": {"userID": user, "settings": {"notification": settings}}}),
    )
    .await;
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(app: &TestApp, token: &str, query: &str) -> Ws {
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
        json!({"type": "connection_init", "payload": {}}).to_string(),
    ))
    .await
    .unwrap();
    assert_eq!(next_message(&mut ws).await["type"], "connection_ack");
    ws.send(Message::text(
        json!({"id": "1", "type": "subscribe", "payload": {"query": query}}).to_string(),
    ))
    .await
    .unwrap();
    // let the subscription register before anything happens
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws
}

async fn next_message(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("a message in time")
            .expect("a message")
            .unwrap();
        if let Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            if !matches!(v["type"].as_str(), Some("ka" | "ping" | "pong")) {
                return v;
            }
        }
    }
}

/// How e-mail leaves the server in a flow test.
enum Mail {
    Smtp(SmtpSink),
    Files(std::path::PathBuf),
}

impl Mail {
    /// (recipient, full message) of every e-mail so far.
    async fn all(&self) -> Vec<(String, String)> {
        match self {
            Mail::Smtp(sink) => sink
                .received()
                .await
                .into_iter()
                .flat_map(|m| m.to.into_iter().map(move |to| (to, m.data.clone())))
                .collect(),
            Mail::Files(dir) => {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    return Vec::new();
                };
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .map(|text| {
                        let to = text
                            .lines()
                            .find_map(|l| l.strip_prefix("To: "))
                            .unwrap_or_default()
                            .trim()
                            .to_owned();
                        (to, text)
                    })
                    .collect()
            }
        }
    }
}

/// Unfolds quoted-printable soft line breaks so text split across lines can be searched.
fn unfold(message: &str) -> String {
    message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

async fn application_reaches_admins(backend: Backend, broker: bool) {
    if broker {
        require_rabbit().await;
    }
    let ns = namespace();
    let smtp = if broker {
        Some(SmtpSink::start().await)
    } else {
        None
    };
    let smtp_port = smtp.as_ref().map(|s| s.port);
    let app = spawn_app_with(backend, |env| match smtp_port {
        Some(port) => with_broker(env, &ns, 5672)
            .with("SMTP_HOST", "127.0.0.1")
            .with("SMTP_PORT", port.to_string())
            .with("SMTP_SECURITY", "none"),
        None => env,
    })
    .await;
    let mail = match smtp {
        Some(sink) => Mail::Smtp(sink),
        None => Mail::Files(app.db().dir().join("mail")),
    };
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (muted_user, muted) = app.user_with_token("muted@example.org").await;
    let (applicant, applicant_token) = app.user_with_token("applicant@example.org").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let account = account_of(&app, &owner).await;
    let (space_id, set) = space(&app, &admin, &account, "Harbour", public()).await;
    let name_id = ok(
        &app,
        &admin,
        "query($id: UUID!) { lookup { space(ID: $id) { nameID } } }",
        json!({"id": space_id}),
    )
    .await["lookup"]["space"]["nameID"]
        .as_str()
        .unwrap()
        .to_owned();

    // the second admin switches application notices off, on both channels
    set_notification(
        &app,
        &muted,
        muted_user.id.0,
        json!({"space": {"admin": {"communityApplicationReceived": {"email": false, "inApp": false}}}}),
    )
    .await;
    assign(&app, &admin, &set, "MEMBER", muted_user.id).await;
    assign(&app, &admin, &set, "ADMIN", muted_user.id).await;

    // the new member reached the admins first (the pipeline runs); then all is read
    assert!(
        eventually(Duration::from_secs(30), || async {
            notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_NEW_MEMBER"]).await["notifications"]["total"]
                == json!(1.0)
        })
        .await,
        "the new-member notice never arrived"
    );
    let joined = notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_NEW_MEMBER"]).await;
    let joined = &joined["notifications"]["inAppNotifications"][0];
    assert_eq!(joined["category"], "SPACE_ADMIN");
    assert_eq!(joined["payload"]["type"], "SPACE_COMMUNITY_ACTOR");
    assert_eq!(joined["payload"]["actor"]["id"], muted_user.id.to_string());
    assert_eq!(joined["payload"]["space"]["id"], space_id.as_str());
    let read = ok(
        &app,
        &admin,
        "mutation { markNotificationsAsRead }",
        json!({}),
    )
    .await;
    assert_eq!(read["markNotificationsAsRead"], true);
    assert_eq!(
        notifications(&app, &admin, &[]).await["notificationsUnreadCount"],
        0.0
    );

    let mut counter = subscribe(&app, &admin, "subscription { notificationsUnreadCount }").await;
    let mut received = subscribe(
        &app,
        &admin,
        "subscription { inAppNotificationReceived { type receiver { id } payload { type } } }",
    )
    .await;

    let applied = ok(
        &app,
        &applicant_token,
        "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }",
        json!({"set": set}),
    )
    .await["applyForEntryRoleOnRoleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // over graphql-ws: the new notification and the unread count
    let event = next_message(&mut received).await;
    assert_eq!(event["type"], "next", "{event}");
    let n = &event["payload"]["data"]["inAppNotificationReceived"];
    assert_eq!(n["type"], "SPACE_ADMIN_COMMUNITY_APPLICATION");
    assert_eq!(n["receiver"]["id"], admin_user.id.to_string());
    let count = next_message(&mut counter).await;
    assert_eq!(
        count["payload"]["data"]["notificationsUnreadCount"], 1,
        "{count}"
    );

    // in-app, through me.notifications
    let mine = notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_APPLICATION"]).await;
    assert_eq!(mine["notificationsUnreadCount"], 1.0);
    assert_eq!(mine["notifications"]["total"], 1.0);
    let item = &mine["notifications"]["inAppNotifications"][0];
    assert_eq!(item["state"], "UNREAD");
    assert_eq!(item["category"], "SPACE_ADMIN");
    assert_eq!(item["triggeredBy"]["id"], applicant.id.to_string());
    assert_eq!(item["payload"]["type"], "SPACE_COMMUNITY_APPLICATION");
    assert_eq!(item["payload"]["space"]["id"], space_id.as_str());
    assert_eq!(item["payload"]["application"]["id"], applied.as_str());
    assert_eq!(
        item["payload"]["application"]["actor"]["id"],
        applicant.id.to_string()
    );

    // by e-mail, with the subject and the link to the space's community settings
    let link = format!("/{name_id}/settings/community");
    assert!(
        eventually(Duration::from_secs(30), || async {
            mail.all().await.iter().any(|(to, m)| {
                to == "admin@alkem.io" && unfold(m).contains("applied to join Harbour")
            })
        })
        .await,
        "no application e-mail reached the admin: {:?}",
        mail.all().await
    );
    let all = mail.all().await;
    let to_admin: Vec<_> = all
        .iter()
        .filter(|(to, m)| to == "admin@alkem.io" && unfold(m).contains("applied to join"))
        .collect();
    assert_eq!(to_admin.len(), 1, "one e-mail, not more");
    let message = unfold(&to_admin[0].1);
    assert!(message.contains("Subject: "), "{message}");
    assert!(
        message.contains(&link),
        "the link {link} is missing: {message}"
    );
    assert!(message.contains("text/html") && message.contains("text/plain"));

    // the admin who switched it off gets neither
    let theirs = notifications(&app, &muted, &["SPACE_ADMIN_COMMUNITY_APPLICATION"]).await;
    assert_eq!(theirs["notifications"]["total"], 0.0);
    assert!(
        !all.iter()
            .any(|(to, m)| to == "muted@example.org" && unfold(m).contains("applied to join")),
        "the muted admin got an e-mail"
    );

    // states: another user may not touch the notification; the receiver may
    let id = item["id"].as_str().unwrap();
    let state = "mutation($id: UUID!, $s: NotificationEventInAppState!) {
        updateNotificationState(notificationData: { ID: $id, state: $s }) }";
    let refused = crate::spaces::err(&app, &muted, state, json!({"id": id, "s": "READ"})).await;
    crate::helpers::assert_reference_error(&refused, "FORBIDDEN", 11103);
    let missing = crate::spaces::err(
        &app,
        &admin,
        state,
        json!({"id": Uuid::now_v7(), "s": "READ"}),
    )
    .await;
    assert_eq!(missing["extensions"]["code"], "ENTITY_NOT_FOUND");
    let set_read = ok(&app, &admin, state, json!({"id": id, "s": "ARCHIVED"})).await;
    assert_eq!(set_read["updateNotificationState"], "ARCHIVED");
    let after = notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_APPLICATION"]).await;
    assert_eq!(
        after["notifications"]["total"], 0.0,
        "archived ones are not listed"
    );
    assert_eq!(after["notificationsUnreadCount"], 0.0);

    if broker {
        cleanup(&ns).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_reaches_admins_through_rabbitmq_and_smtp() {
    application_reaches_admins(Backend::Postgres, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_reaches_admins_on_the_embedded_default() {
    application_reaches_admins(Backend::Sqlite, false).await;
}

/// Counts rows where `sql` (with one `{}` placeholder for the id) matches `id`, binding the
/// id as a parameter (SQLite stores UUIDs as blobs, so a literal would never match).
async fn count_id(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    let db = &app.services.db;
    let placeholder = match db.backend() {
        alkemio_persistence::Backend::Postgres => "$1",
        alkemio_persistence::Backend::Sqlite => "?",
    };
    let row = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(
            db.db_backend(),
            sql.replace("{}", placeholder),
            [id.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Counts rows of a table through the test database's own connection.
async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = &app.services.db;
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(db.db_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

const TOGGLE_ON: &str = "mutation($u: UUID!) { assignPlatformRoleToUser(roleData: { actorID: $u, role: PLATFORM_BETA_TESTER }) { id } }";
const TOGGLE_OFF: &str = "mutation($u: UUID!) { removePlatformRoleFromUser(roleData: { actorID: $u, role: PLATFORM_BETA_TESTER }) { id } }";

/// 500 role changes while the broker connection is cut and restored mid-way: every event is
/// delivered, none has two effects (a duplicate sent on purpose after the run changes nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_outage_loses_and_duplicates_nothing() {
    require_rabbit().await;
    let ns = namespace();
    let proxy = Proxy::start(RABBIT).await;
    let app = spawn_app_with(Backend::Postgres, |env| {
        with_broker(env, &ns, proxy.port).with("EVENTS_RETRY_BASE_MS", "100")
    })
    .await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (tester, _) = app.user_with_token("tester@example.org").await;
    set_notification(
        &app,
        &admin,
        admin_user.id.0,
        json!({"platform": {"admin": {"userGlobalRoleChanged": {"inApp": true, "email": false}}}}),
    )
    .await;
    const TOTAL: usize = 500;
    for i in 0..TOTAL {
        if i == 200 {
            proxy.cut();
        }
        if i == 350 {
            proxy.restore();
        }
        let query = if i % 2 == 0 { TOGGLE_ON } else { TOGGLE_OFF };
        ok(&app, &admin, query, json!({"u": tester.id})).await;
    }
    let types = ["PLATFORM_ADMIN_GLOBAL_ROLE_CHANGED"];
    assert!(
        eventually(Duration::from_secs(90), || async {
            notifications(&app, &admin, &types).await["notifications"]["total"]
                == json!(TOTAL as f64)
        })
        .await,
        "not every event was delivered: {}",
        notifications(&app, &admin, &types).await["notifications"]["total"]
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox_event WHERE published_date IS NULL"
        )
        .await,
        0
    );
    // each event processed exactly once: the consumer's marks match the role events one to one
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM processed_event p JOIN outbox_event o ON o.id = p.event_id
             WHERE p.consumer = 'notifications' AND o.name = 'platform.global-role.changed'"
        )
        .await,
        i64::try_from(TOTAL).unwrap()
    );
    let last = notifications(&app, &admin, &types).await;
    let first = &last["notifications"]["inAppNotifications"][0];
    assert_eq!(first["payload"]["role"], "platform-beta-tester");
    assert_eq!(first["payload"]["user"]["id"], tester.id.to_string());

    // a duplicate of an event already handled: published again on purpose
    let db = &app.services.db;
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(
            db.db_backend(),
            "SELECT payload FROM outbox_event WHERE name = 'platform.global-role.changed' LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap();
    let payload: Value = row.try_get_by_index(0).unwrap();
    let record: alkemio_events::EventRecord = serde_json::from_value(payload).unwrap();
    let mut publisher = alkemio_events::rabbit::Publisher::new(
        RABBIT_URI.to_owned(),
        ns.clone(),
        vec!["notifications"],
    );
    assert_eq!(publisher.publish(&[record]).await.unwrap().len(), 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        notifications(&app, &admin, &types).await["notifications"]["total"],
        json!(TOTAL as f64)
    );
    publisher.close().await;
    cleanup(&ns).await;
}

/// A rolled-back transaction leaves no event; a committed one is delivered.
async fn rolled_back_changes_publish_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |env| env).await;
    let db = &app.services.db;
    let outbox = app.services.users.outbox().clone();
    let space_id = Uuid::now_v7();
    let txn = db.conn().begin().await.unwrap();
    let rolled = outbox
        .record(
            &txn,
            alkemio_events::DomainEvent::SpaceCreated { space_id },
            None,
        )
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    outbox.wake();
    let txn = db.conn().begin().await.unwrap();
    let kept = outbox
        .record(
            &txn,
            alkemio_events::DomainEvent::SpaceCreated { space_id },
            None,
        )
        .await
        .unwrap();
    txn.commit().await.unwrap();
    outbox.wake();
    assert!(
        eventually(Duration::from_secs(10), || async {
            count_id(
                &app,
                "SELECT COUNT(*) FROM outbox_event WHERE id = {} AND published_date IS NOT NULL",
                kept.id,
            )
            .await
                == 1
        })
        .await,
        "the committed event was not delivered"
    );
    assert_eq!(
        count_id(
            &app,
            "SELECT COUNT(*) FROM outbox_event WHERE id = {}",
            rolled.id
        )
        .await,
        0
    );
    assert_eq!(
        count_id(
            &app,
            "SELECT COUNT(*) FROM processed_event WHERE event_id = {}",
            rolled.id
        )
        .await,
        0
    );
    assert_eq!(
        count_id(
            &app,
            "SELECT COUNT(*) FROM processed_event WHERE event_id = {}",
            kept.id
        )
        .await,
        1
    );
}

crate::on_both_backends!(rolled_back_changes_publish_nothing);

async fn free_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

fn run_cli(app: &TestApp, env: &[(&str, String)], args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_alkemio-server"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.db().url())
        .env("ALKEMIO_DATA_DIR", app.db().dir())
        .env("LOGGING_LEVEL_CONSOLE", "error");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A delivery that keeps failing (the SMTP server is down) is retried, then dead-lettered with
/// its error; once the server is up, `dlq replay` delivers it, once.
async fn failed_delivery_is_dead_lettered_and_replayed(backend: Backend, broker: bool) {
    if broker {
        require_rabbit().await;
    }
    let ns = namespace();
    let smtp_port = free_port().await;
    let app = spawn_app_with(backend, |env| {
        let env = env
            .with("SMTP_HOST", "127.0.0.1")
            .with("SMTP_PORT", smtp_port.to_string())
            .with("SMTP_SECURITY", "none")
            .with("EVENTS_MAX_ATTEMPTS", "3")
            .with("EVENTS_RETRY_BASE_MS", "100");
        if broker {
            with_broker(env, &ns, 5672)
        } else {
            env
        }
    })
    .await;
    let cli_env: Vec<(&str, String)> = if broker {
        vec![
            ("RABBITMQ_HOST", "127.0.0.1".to_owned()),
            ("RABBITMQ_USER", "guest".to_owned()),
            ("RABBITMQ_PASSWORD", "guest".to_owned()),
            ("RABBITMQ_NAMESPACE", ns.clone()),
        ]
    } else {
        Vec::new()
    };
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (_, applicant) = app.user_with_token("applicant@example.org").await;
    let account = account_of(&app, &owner).await;
    let (_, set) = space(&app, &admin, &account, "Lighthouse", public()).await;
    ok(
        &app,
        &applicant,
        "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }",
        json!({"set": set}),
    )
    .await;
    let event_id = {
        let db = &app.services.db;
        let row = db
            .conn()
            .query_one_raw(Statement::from_string(
                db.db_backend(),
                "SELECT id FROM outbox_event WHERE name = 'community.application.created'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<Uuid>(0).unwrap()
    };
    // the in-app notice is stored at the first attempt; the e-mail keeps failing
    assert!(
        eventually(Duration::from_secs(30), || async {
            let listed = run_cli(&app, &cli_env, &["dlq", "list"]);
            listed.contains(&event_id.to_string())
        })
        .await,
        "the failing event never reached the dead letters"
    );
    let listed = run_cli(&app, &cli_env, &["dlq", "list"]);
    let line = listed
        .lines()
        .find(|l| l.contains(&event_id.to_string()))
        .unwrap();
    assert!(line.contains("attempts=3"), "{line}");
    assert!(line.contains("SMTP"), "the error is kept: {line}");
    assert_eq!(
        notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_APPLICATION"]).await["notifications"]
            ["total"],
        1.0
    );

    // the fault goes away; the replay delivers the e-mail once
    let sink = SmtpSink::start_on(smtp_port).await;
    let replayed = run_cli(
        &app,
        &cli_env,
        &["dlq", "replay", "--id", &event_id.to_string()],
    );
    assert!(replayed.contains("replayed 1"), "{replayed}");
    assert!(
        eventually(Duration::from_secs(30), || async {
            sink.received()
                .await
                .iter()
                .any(|m| unfold(&m.data).contains("applied to join Lighthouse"))
        })
        .await,
        "the replayed event was not delivered"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let delivered: Vec<_> = sink
        .received()
        .await
        .into_iter()
        .filter(|m| unfold(&m.data).contains("applied to join Lighthouse"))
        .collect();
    assert_eq!(delivered.len(), 1);
    assert!(
        delivered[0].from.contains("notifications@alkem.io"),
        "{}",
        delivered[0].from
    );
    assert_eq!(
        notifications(&app, &admin, &["SPACE_ADMIN_COMMUNITY_APPLICATION"]).await["notifications"]
            ["total"],
        1.0,
        "the in-app notice is not stored twice"
    );
    let listed = run_cli(&app, &cli_env, &["dlq", "list"]);
    assert!(!listed.contains(&event_id.to_string()), "{listed}");
    if broker {
        cleanup(&ns).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_delivery_lands_in_the_dead_letter_queue_and_replays_once() {
    failed_delivery_is_dead_lettered_and_replayed(Backend::Postgres, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_delivery_is_kept_dead_in_the_outbox_and_replays_once() {
    failed_delivery_is_dead_lettered_and_replayed(Backend::Sqlite, false).await;
}

/// The e-mail can go to the reference's notification service instead: its queue receives the
/// reference's wire message (`{pattern, data}` with the reference's payload fields).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_can_go_to_the_reference_notification_service() {
    require_rabbit().await;
    let ns = namespace();
    let queue = format!("{ns}-alkemio-notifications");
    let app = spawn_app_with(Backend::Postgres, |env| {
        with_broker(env, &ns, 5672)
            .with("NOTIFICATIONS_EMAIL_VIA", "reference-service")
            .with("NOTIFICATIONS_REFERENCE_QUEUE", queue.clone())
    })
    .await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (applicant, applicant_token) = app.user_with_token("applicant@example.org").await;
    let account = account_of(&app, &owner).await;
    let (space_id, set) = space(&app, &admin, &account, "Quay", public()).await;
    ok(
        &app,
        &applicant_token,
        "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }",
        json!({"set": set}),
    )
    .await;
    let mut found = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while found.is_none() && tokio::time::Instant::now() < deadline {
        for body in read_queue(&queue).await {
            let v: Value = serde_json::from_slice(&body).unwrap();
            if v["pattern"] == "SPACE_ADMIN_COMMUNITY_APPLICATION" {
                found = Some(v);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let message = found.expect("the reference's message on its queue");
    let data = &message["data"];
    assert_eq!(data["eventType"], "SPACE_ADMIN_COMMUNITY_APPLICATION");
    assert_eq!(data["space"]["id"], space_id.as_str());
    assert_eq!(data["space"]["level"], "0");
    assert!(
        data["space"]["adminURL"]
            .as_str()
            .unwrap()
            .ends_with("/settings/community")
    );
    assert_eq!(data["applicant"]["id"], applicant.id.to_string());
    assert_eq!(data["applicant"]["type"], "user");
    assert_eq!(data["triggeredBy"]["id"], applicant.id.to_string());
    assert_eq!(data["triggeredBy"]["type"], "user");
    assert_eq!(data["recipients"][0]["email"], "admin@alkem.io");
    assert!(data["platform"]["url"].is_string());
    delete_queue(&queue).await;
    cleanup(&ns).await;
}

async fn read_queue(queue: &str) -> Vec<Vec<u8>> {
    use lapin::options::{BasicAckOptions, BasicGetOptions, QueueDeclareOptions};
    let conn = lapin::Connection::connect(RABBIT_URI, lapin::ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    ch.queue_declare(
        queue.into(),
        QueueDeclareOptions::durable(),
        lapin::types::FieldTable::default(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    while let Some(m) = ch
        .basic_get(queue.into(), BasicGetOptions { no_ack: false })
        .await
        .unwrap()
    {
        out.push(m.delivery.data.clone());
        m.delivery.ack(BasicAckOptions::default()).await.unwrap();
    }
    let _ = conn.close(200, "done".into()).await;
    out
}

async fn delete_queue(queue: &str) {
    let conn = lapin::Connection::connect(RABBIT_URI, lapin::ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let _ = ch
        .queue_delete(queue.into(), lapin::options::QueueDeleteOptions::default())
        .await;
    let _ = conn.close(200, "done".into()).await;
}

/// `alkemio-server notifications` is the notification service as a process of its own: with the
/// API server's in-process worker off, the separate process consumes the events from the broker,
/// its live updates reach the API process's subscribers through the fan-out exchange, and it
/// stops cleanly on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notification_service_runs_as_its_own_process() {
    require_rabbit().await;
    let ns = namespace();
    let app = spawn_app_with(Backend::Postgres, |env| {
        with_broker(env, &ns, 5672).with("NOTIFICATIONS_WORKER", "off")
    })
    .await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (_, applicant) = app.user_with_token("applicant@example.org").await;
    let account = account_of(&app, &owner).await;
    let (_, set) = space(&app, &admin, &account, "Jetty", public()).await;
    ok(
        &app,
        &applicant,
        "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }",
        json!({"set": set}),
    )
    .await;
    let types = ["SPACE_ADMIN_COMMUNITY_APPLICATION"];
    // the API process's subscriber hears what the separate process stores (fan-out exchange)
    let mut counter = subscribe(&app, &admin, "subscription { notificationsUnreadCount }").await;
    // nothing consumes yet: the event waits in its queue
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        notifications(&app, &admin, &types).await["notifications"]["total"],
        0.0
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_alkemio-server"))
        .arg("notifications")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.db().url())
        .env("ALKEMIO_DATA_DIR", app.db().dir())
        .env("LOGGING_LEVEL_CONSOLE", "warn")
        .env("RABBITMQ_HOST", "127.0.0.1")
        .env("RABBITMQ_USER", "guest")
        .env("RABBITMQ_PASSWORD", "guest")
        .env("RABBITMQ_NAMESPACE", &ns)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let delivered = eventually(Duration::from_secs(60), || async {
        notifications(&app, &admin, &types).await["notifications"]["total"] == json!(1.0)
    })
    .await;
    let live = next_message(&mut counter).await;
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(
        delivered,
        "the separate notification service did not deliver"
    );
    assert!(
        status.success(),
        "the service did not stop cleanly: {status:?}"
    );
    assert_eq!(
        live["payload"]["data"]["notificationsUnreadCount"], 1,
        "the unread count reached the API process's subscriber: {live}"
    );
    cleanup(&ns).await;
}

/// Pages of `me.notifications` (newest first, both directions) and the retention limits of a
/// prune.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_page_and_prune() {
    let app = spawn_app_with(Backend::Sqlite, |env| {
        env.with("IN_APP_MAX_NOTIFICATIONS_PER_USER", "4")
            .with("IN_APP_MAX_RETENTION_PERIOD_DAYS", "30")
    })
    .await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (tester, tester_token) = app.user_with_token("tester@example.org").await;
    set_notification(
        &app,
        &admin,
        admin_user.id.0,
        json!({"platform": {"admin": {"userGlobalRoleChanged": {"inApp": true, "email": false}}}}),
    )
    .await;
    for i in 0..6 {
        let query = if i % 2 == 0 { TOGGLE_ON } else { TOGGLE_OFF };
        ok(&app, &admin, query, json!({"u": tester.id})).await;
    }
    let types = ["PLATFORM_ADMIN_GLOBAL_ROLE_CHANGED"];
    assert!(
        eventually(Duration::from_secs(20), || async {
            notifications(&app, &admin, &types).await["notifications"]["total"] == json!(6.0)
        })
        .await
    );
    let all = notifications(&app, &admin, &types).await;
    let ids: Vec<String> = all["notifications"]["inAppNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 6);
    let stamps: Vec<&str> = all["notifications"]["inAppNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["triggeredAt"].as_str().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {stamps:?}"
    );

    let page = "query($f: Int, $a: UUID, $l: Int, $b: UUID) { me { notifications(first: $f, after: $a, last: $l, before: $b) {
        total pageInfo { hasNextPage hasPreviousPage startCursor endCursor } inAppNotifications { id } } } }";
    let ids_of = |v: &Value| -> Vec<String> {
        v["me"]["notifications"]["inAppNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = ok(&app, &admin, page, json!({"f": 2})).await;
    assert_eq!(ids_of(&first), ids[0..2]);
    assert_eq!(first["me"]["notifications"]["total"], 6.0);
    assert_eq!(
        first["me"]["notifications"]["pageInfo"]["hasNextPage"],
        true
    );
    assert_eq!(
        first["me"]["notifications"]["pageInfo"]["hasPreviousPage"],
        false
    );
    let second = ok(&app, &admin, page, json!({"f": 2, "a": ids[1]})).await;
    assert_eq!(ids_of(&second), ids[2..4]);
    let back = ok(&app, &admin, page, json!({"l": 2, "b": ids[4]})).await;
    assert_eq!(ids_of(&back), ids[2..4], "the two just before the cursor");
    assert_eq!(
        back["me"]["notifications"]["pageInfo"]["hasPreviousPage"],
        true
    );
    let last = ok(&app, &admin, page, json!({"f": 4, "a": ids[3]})).await;
    assert_eq!(ids_of(&last), ids[4..6]);
    assert_eq!(
        last["me"]["notifications"]["pageInfo"]["hasNextPage"],
        false
    );

    // one notification is older than the retention period
    let db = &app.services.db;
    db.conn()
        .execute_raw(Statement::from_sql_and_values(
            db.db_backend(),
            "UPDATE in_app_notification SET triggered_at = ? WHERE id = ?",
            [
                (chrono::Utc::now() - chrono::Duration::days(31)).into(),
                Uuid::parse_str(&ids[5]).unwrap().into(),
            ],
        ))
        .await
        .unwrap();
    let prune = "mutation { adminInAppNotificationsPrune { removedCountOutsideRetentionPeriod removedCountExceedingUserLimit } }";
    let refused = crate::spaces::err(&app, &tester_token, prune, json!({})).await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN_POLICY");
    let pruned = ok(&app, &admin, prune, json!({})).await["adminInAppNotificationsPrune"].clone();
    assert_eq!(
        pruned,
        json!({"removedCountOutsideRetentionPeriod": 1, "removedCountExceedingUserLimit": 1})
    );
    let kept = notifications(&app, &admin, &types).await;
    let kept_ids: Vec<String> = kept["notifications"]["inAppNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kept_ids, ids[0..4], "the newest four are kept");
}

/// An update an admin posts to a space's updates room reaches the members who want it, in-app
/// and by e-mail, and not its sender, a member who muted updates, or a non-member.
async fn update_reaches_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let mail = Mail::Files(app.db().dir().join("mail"));
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice, alice_token) = app.user_with_token("alice@example.org").await;
    let (carol, carol_token) = app.user_with_token("carol@example.org").await;
    let (_, dave) = app.user_with_token("dave@example.org").await;
    let (erin, erin_token) = app.user_with_token("erin@example.org").await;
    let account = account_of(&app, &admin).await;
    let (space_id, set) = space(&app, &admin, &account, "Lighthouse", public()).await;
    assign(&app, &admin, &set, "MEMBER", alice.id).await;
    assign(&app, &admin, &set, "MEMBER", carol.id).await;
    assign(&app, &admin, &set, "MEMBER", erin.id).await;
    // Erin's address is on the platform's notification blacklist: in-app only
    ok(
        &app,
        &admin,
        "mutation { addNotificationEmailToBlacklist(input: { email: \"Erin@Example.org\" }) }",
        json!({}),
    )
    .await;
    set_notification(
        &app,
        &carol_token,
        carol.id.0,
        json!({"space": {"communicationUpdates": {"email": false, "inApp": false}}}),
    )
    .await;
    let room = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { community { communication { updates { id } } } } } }",
        json!({"s": space_id}),
    )
    .await["lookup"]["space"]["community"]["communication"]["updates"]["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($r: UUID!) { sendMessageToRoom(messageData: { roomID: $r, message: \"The lamp is lit\" }) { id } }",
        json!({"r": room}),
    )
    .await;
    app.settle().await;
    let query = "{ me { notifications(filter: { types: [SPACE_COMMUNICATION_UPDATE] }) { total
        inAppNotifications { category payload { type
            ... on InAppNotificationPayloadSpaceCommunicationUpdate { update space { id } } } } } } }";
    assert!(
        eventually(Duration::from_secs(30), || async {
            ok(&app, &alice_token, query, json!({})).await["me"]["notifications"]["total"] == 1.0
        })
        .await,
        "Alice got no update notification"
    );
    assert!(
        eventually(Duration::from_secs(30), || async {
            ok(&app, &erin_token, query, json!({})).await["me"]["notifications"]["total"] == 1.0
        })
        .await,
        "Erin got no in-app update notification"
    );
    let mine = ok(&app, &alice_token, query, json!({})).await;
    let item = &mine["me"]["notifications"]["inAppNotifications"][0];
    assert_eq!(item["category"], "SPACE_MEMBER");
    assert_eq!(item["payload"]["type"], "SPACE_COMMUNICATION_UPDATE");
    assert_eq!(item["payload"]["update"], "The lamp is lit");
    assert_eq!(item["payload"]["space"]["id"], space_id.as_str());
    for (who, token) in [
        ("the sender", &admin),
        ("Carol (muted)", &carol_token),
        ("Dave (not a member)", &dave),
    ] {
        let theirs = ok(&app, token, query, json!({})).await;
        assert_eq!(theirs["me"]["notifications"]["total"], 0.0, "{who}");
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            mail.all().await.iter().any(|(to, m)| {
                to == "alice@example.org" && unfold(m).contains("New update in Lighthouse")
            })
        })
        .await,
        "no update e-mail reached Alice: {:?}",
        mail.all().await
    );
    assert!(
        !mail.all().await.iter().any(|(to, m)| {
            (to == "carol@example.org" || to == "admin@alkem.io" || to == "erin@example.org")
                && unfold(m).contains("New update in Lighthouse")
        }),
        "no update e-mail to the muted member, the sender or a blacklisted address"
    );
}

crate::on_both_backends!(update_reaches_members);

/// Messages sent as notifications: to users who accept being contacted, to an organization's
/// admins (with a copy for the sender), and to a space's leads.
async fn messages_reach_their_recipients(backend: Backend) {
    let app = spawn_app(backend).await;
    let mail = Mail::Files(app.db().dir().join("mail"));
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice, alice_token) = app.user_with_token("alice@example.org").await;
    let (bob, bob_token) = app.user_with_token("bob@example.org").await;
    let (carol, carol_token) = app.user_with_token("carol@example.org").await;
    let (dave, dave_token) = app.user_with_token("dave@example.org").await;
    let (erin, erin_token) = app.user_with_token("erin@example.org").await;
    let to_users = "mutation($m: String!, $r: [UUID!]!) { sendMessageToUsers(messageData: { message: $m, receiverIds: $r }) }";
    let mine = |types: &'static str| {
        format!(
            "{{ me {{ notifications(filter: {{ types: [{types}] }}) {{ total inAppNotifications {{ triggeredBy {{ id }} payload {{ type
            ... on InAppNotificationPayloadUserMessageDirect {{ message user {{ id }} }}
            ... on InAppNotificationPayloadOrganizationMessageDirect {{ message organization {{ id }} }}
            ... on InAppNotificationPayloadSpaceCommunicationMessageDirect {{ message space {{ id }} }} }} }} }} }} }}"
        )
    };

    // users: only those open to it, and nobody if one is not
    let refused = crate::spaces::err(
        &app,
        &alice_token,
        to_users,
        json!({"m": "Hi", "r": [bob.id.to_string()]}),
    )
    .await;
    crate::helpers::assert_reference_error(&refused, "MESSAGING_NOT_ENABLED", 13103);
    ok(
        &app,
        &bob_token,
        "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id } }",
        json!({"d": {"userID": bob.id.to_string(), "settings": {"communication": {"allowOtherUsersToContactViaEmail": true}}}}),
    )
    .await;
    let unknown = crate::spaces::err(
        &app,
        &alice_token,
        to_users,
        json!({"m": "Hi", "r": [bob.id.to_string(), Uuid::now_v7().to_string()]}),
    )
    .await;
    crate::helpers::assert_reference_error(&unknown, "ENTITY_NOT_FOUND", 10101);
    let sent = ok(
        &app,
        &alice_token,
        to_users,
        json!({"m": "Coffee?", "r": [bob.id.to_string()]}),
    )
    .await;
    assert_eq!(sent["sendMessageToUsers"], true);

    // an organization: its admins hear it, plain associates do not, the sender gets a copy
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: { profileData: { displayName: \"Acme\" } }) { id roleSet { id } } }",
        json!({}),
    )
    .await;
    let org_id = org["createOrganization"]["id"].as_str().unwrap().to_owned();
    let org_set = org["createOrganization"]["roleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (user, role) in [
        (carol.id, "ASSOCIATE"),
        (carol.id, "ADMIN"),
        (erin.id, "ASSOCIATE"),
    ] {
        assign(&app, &admin, &org_set, role, user).await;
    }
    ok(
        &app,
        &alice_token,
        "mutation($o: UUID!) { sendMessageToOrganization(messageData: { message: \"Partnership?\", organizationId: $o }) }",
        json!({"o": org_id}),
    )
    .await;

    // a space's leads
    let account = account_of(&app, &admin).await;
    let (space_id, set) = space(&app, &admin, &account, "Harbour", public()).await;
    assign(&app, &admin, &set, "MEMBER", dave.id).await;
    assign(&app, &admin, &set, "LEAD", dave.id).await;
    let community = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { community { id } } } }",
        json!({"s": space_id}),
    )
    .await["lookup"]["space"]["community"]["id"]
        .clone();
    ok(
        &app,
        &alice_token,
        "mutation($c: UUID!) { sendMessageToCommunityLeads(messageData: { message: \"Can I join?\", communityId: $c }) }",
        json!({"c": community}),
    )
    .await;

    app.settle().await;
    let alice_id = alice.id.to_string();
    let wait_for = |token: String, types: &'static str| {
        let app = &app;
        let query = mine(types);
        async move {
            assert!(
                eventually(Duration::from_secs(30), || async {
                    ok(app, &token, &query, json!({})).await["me"]["notifications"]["total"] == 1.0
                })
                .await,
                "no {types} notification"
            );
            ok(app, &token, &query, json!({})).await["me"]["notifications"]["inAppNotifications"][0]
                .clone()
        }
    };
    let to_bob = wait_for(bob_token.clone(), "USER_MESSAGE").await;
    assert_eq!(to_bob["triggeredBy"]["id"], alice_id.as_str());
    assert_eq!(to_bob["payload"]["type"], "USER_MESSAGE_DIRECT");
    assert_eq!(to_bob["payload"]["message"], "Coffee?");
    assert_eq!(to_bob["payload"]["user"]["id"], bob.id.to_string());
    let to_carol = wait_for(carol_token.clone(), "ORGANIZATION_ADMIN_MESSAGE").await;
    assert_eq!(to_carol["payload"]["type"], "ORGANIZATION_MESSAGE_DIRECT");
    assert_eq!(to_carol["payload"]["organization"]["id"], org_id.as_str());
    assert_eq!(to_carol["payload"]["message"], "Partnership?");
    let copy = wait_for(alice_token.clone(), "ORGANIZATION_MESSAGE_SENDER").await;
    assert_eq!(copy["payload"]["organization"]["id"], org_id.as_str());
    let to_dave = wait_for(dave_token.clone(), "SPACE_LEAD_COMMUNICATION_MESSAGE").await;
    assert_eq!(
        to_dave["payload"]["type"],
        "SPACE_COMMUNICATION_MESSAGE_DIRECT"
    );
    assert_eq!(to_dave["payload"]["space"]["id"], space_id.as_str());
    assert_eq!(to_dave["payload"]["message"], "Can I join?");
    let erins = ok(
        &app,
        &erin_token,
        &mine("ORGANIZATION_ADMIN_MESSAGE"),
        json!({}),
    )
    .await;
    assert_eq!(
        erins["me"]["notifications"]["total"], 0.0,
        "a plain associate"
    );
    assert!(
        eventually(Duration::from_secs(30), || async {
            mail.all()
                .await
                .iter()
                .any(|(to, m)| to == "bob@example.org" && unfold(m).contains("sent you a message"))
        })
        .await,
        "no message e-mail reached Bob: {:?}",
        mail.all().await
    );
}

crate::on_both_backends!(messages_reach_their_recipients);

/// Publishing a callout with `sendNotification` tells the space's members (in the app and by
/// e-mail), not its publisher nor members who muted it; publishing without it tells nobody.
async fn published_callouts_reach_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let mail = Mail::Files(app.db().dir().join("mail"));
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice, alice_token) = app.user_with_token("alice@example.org").await;
    let (carol, carol_token) = app.user_with_token("carol@example.org").await;
    let account = account_of(&app, &admin).await;
    let (space_id, roles) = space(&app, &admin, &account, "Harbour", public()).await;
    assign(&app, &admin, &roles, "MEMBER", alice.id).await;
    assign(&app, &admin, &roles, "MEMBER", carol.id).await;
    set_notification(
        &app,
        &carol_token,
        carol.id.0,
        json!({"space": {"collaborationCalloutPublished": {"email": false, "inApp": false}}}),
    )
    .await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &space_id).await;
    let create = crate::callouts::CREATE;
    let quiet = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Quiet one"}}});
    ok(&app, &admin, create, json!({"d": quiet})).await;
    let loud = json!({"calloutsSetID": set, "sendNotification": true,
        "framing": {"profile": {"displayName": "Boats wanted"}}});
    let callout = ok(&app, &admin, create, json!({"d": loud})).await["createCalloutOnCalloutsSet"]
        ["id"]
        .clone();
    app.settle().await;
    let query = "{ me { notifications(filter: { types: [SPACE_COLLABORATION_CALLOUT_PUBLISHED] }) { total
        inAppNotifications { category payload { type
            ... on InAppNotificationPayloadSpaceCollaborationCallout { space { id } callout { id framing { profile { displayName } } } } } } } } }";
    assert!(
        eventually(Duration::from_secs(30), || async {
            ok(&app, &alice_token, query, json!({})).await["me"]["notifications"]["total"] == 1.0
        })
        .await,
        "Alice heard of no callout"
    );
    let mine = ok(&app, &alice_token, query, json!({})).await;
    let item = &mine["me"]["notifications"]["inAppNotifications"][0];
    assert_eq!(item["category"], "SPACE_MEMBER");
    assert_eq!(item["payload"]["type"], "SPACE_COLLABORATION_CALLOUT");
    assert_eq!(item["payload"]["callout"]["id"], callout);
    assert_eq!(
        item["payload"]["callout"]["framing"]["profile"]["displayName"],
        "Boats wanted"
    );
    assert_eq!(item["payload"]["space"]["id"], space_id.as_str());
    for (who, token) in [("the publisher", &admin), ("Carol (muted)", &carol_token)] {
        let theirs = ok(&app, token, query, json!({})).await;
        assert_eq!(theirs["me"]["notifications"]["total"], 0.0, "{who}");
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            mail.all().await.iter().any(|(to, m)| {
                to == "alice@example.org"
                    && unfold(m).contains("New post in Harbour: Boats wanted")
                    && unfold(m).contains("/harbour/collaboration/boatswanted")
            })
        })
        .await,
        "no callout e-mail reached Alice: {:?}",
        mail.all().await
    );
    assert!(
        !mail
            .all()
            .await
            .iter()
            .any(|(_, m)| unfold(m).contains("Quiet one"))
    );
}

crate::on_both_backends!(
    published_callouts_reach_members,
    contributions_reach_members_and_admins
);

/// A contribution to a published callout reaches the space's members (in-app by default, by
/// e-mail when they ask) and its admins, not the contributor.
async fn contributions_reach_members_and_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let mail = Mail::Files(app.db().dir().join("mail"));
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice, alice_token) = app.user_with_token("alice@example.org").await;
    let (carol, carol_token) = app.user_with_token("carol@example.org").await;
    let account = account_of(&app, &admin).await;
    let (space_id, roles) = space(&app, &admin, &account, "Orchard", public()).await;
    assign(&app, &admin, &roles, "MEMBER", alice.id).await;
    assign(&app, &admin, &roles, "MEMBER", carol.id).await;
    set_notification(
        &app,
        &alice_token,
        alice.id.0,
        json!({"space": {"collaborationCalloutContributionCreated": {"email": true, "inApp": true}}}),
    )
    .await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &space_id).await;
    let callout = crate::callouts::post_callout(&app, &admin, &set, "Harvest ideas").await;
    let k = callout["id"].as_str().unwrap();
    let contribution = crate::callouts::add_post(&app, &carol_token, k, "Cider press").await;
    app.settle().await;
    let query = "{ me { notifications(filter: { types: [SPACE_COLLABORATION_CALLOUT_CONTRIBUTION, SPACE_ADMIN_COLLABORATION_CALLOUT_CONTRIBUTION] }) { total
        inAppNotifications { type category payload { type
            ... on InAppNotificationPayloadSpaceCollaborationCallout { space { id } callout { id } } } } } } }";
    for (who, token, kind, category) in [
        (
            "Alice",
            &alice_token,
            "SPACE_COLLABORATION_CALLOUT_CONTRIBUTION",
            "SPACE_MEMBER",
        ),
        (
            "the admin",
            &admin,
            "SPACE_ADMIN_COLLABORATION_CALLOUT_CONTRIBUTION",
            "SPACE_ADMIN",
        ),
    ] {
        assert!(
            eventually(Duration::from_secs(30), || async {
                ok(&app, token, query, json!({})).await["me"]["notifications"]["inAppNotifications"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n["type"] == kind)
            })
            .await,
            "{who} heard of no contribution"
        );
        let theirs = ok(&app, token, query, json!({})).await;
        let item = theirs["me"]["notifications"]["inAppNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["type"] == kind)
            .unwrap()
            .clone();
        assert_eq!(item["category"], category, "{who}");
        assert_eq!(item["payload"]["type"], "SPACE_COLLABORATION_CALLOUT");
        assert_eq!(item["payload"]["callout"]["id"], k);
        assert_eq!(item["payload"]["space"]["id"], space_id.as_str());
    }
    let carols = ok(&app, &carol_token, query, json!({})).await;
    assert_eq!(
        carols["me"]["notifications"]["total"], 0.0,
        "the contributor"
    );
    assert!(
        eventually(Duration::from_secs(30), || async {
            mail.all().await.iter().any(|(to, m)| {
                to == "alice@example.org"
                    && unfold(m).contains("New contribution in Orchard: Harvest ideas")
                    && unfold(m).contains("the post \"Cider press\"")
                    && unfold(m).contains("/orchard/collaboration/harvestideas")
            })
        })
        .await,
        "no contribution e-mail reached Alice: {:?}",
        mail.all().await
    );
    // by default members get no e-mail of contributions
    assert!(
        !mail
            .all()
            .await
            .iter()
            .any(|(to, m)| to == "carol@example.org" && unfold(m).contains("New contribution")),
        "{contribution}"
    );
}
