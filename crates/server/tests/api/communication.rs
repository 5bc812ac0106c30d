//! A space community's communication over GraphQL: the updates room its admins post to and its
//! members read, threads, reactions, read receipts, removal, the `roomEvents` subscription, and
//! deletion with the space.

use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space};

on_both_backends!(updates_room_of_a_space);

const ROOM: &str = "query($s: UUID!) { lookup { space(ID: $s) { community { communication { id
    updates { id displayName type messagesCount unreadCount
        lastMessage { id } authorization { myPrivileges }
        messages { id message threadID timestamp sender { id } reactions { id emoji sender { id } } } } } } } } }";
const SEND: &str = "mutation($r: UUID!, $m: String!) { sendMessageToRoom(messageData: { roomID: $r, message: $m }) {
    id message threadID timestamp sender { id } reactions { id } } }";
const REPLY: &str = "mutation($r: UUID!, $m: String!, $t: MessageID!) { sendMessageReplyToRoom(messageData: { roomID: $r, message: $m, threadID: $t }) {
    id threadID } }";
const REACT: &str = "mutation($r: UUID!, $m: MessageID!, $e: Emoji!) { addReactionToMessageInRoom(reactionData: { roomID: $r, messageID: $m, emoji: $e }) {
    id emoji sender { id } } }";
const UNREAD: &str = "query($s: UUID!, $t: [MessageID!]) { lookup { space(ID: $s) { community { communication { updates {
    unreadCount unreadCounts(threadIds: $t) { roomUnreadCount threadUnreadCounts { threadId count } } } } } } } }";
const MARK: &str = "mutation($r: UUID!, $m: MessageID!, $t: MessageID) { markMessageAsReadInRoom(messageData: { roomID: $r, messageID: $m, threadID: $t }) }";
const REMOVE: &str = "mutation($r: UUID!, $m: MessageID!) { removeMessageOnRoom(messageData: { roomID: $r, messageID: $m }) }";
const UNREACT: &str = "mutation($r: UUID!, $m: MessageID!) { removeReactionToMessageInRoom(reactionData: { roomID: $r, reactionID: $m }) }";

async fn room(app: &TestApp, token: &str, s: &str) -> Value {
    let data = ok(app, token, ROOM, json!({"s": s})).await;
    data["lookup"]["space"]["community"]["communication"]["updates"].clone()
}

async fn unread(app: &TestApp, token: &str, s: &str, threads: Value) -> Value {
    let data = ok(app, token, UNREAD, json!({"s": s, "t": threads})).await;
    data["lookup"]["space"]["community"]["communication"]["updates"].clone()
}

async fn updates_room_of_a_space(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (_, bob) = app.user_with_token("bob@example.org").await;
    let account = account_of(&app, &admin).await;
    let baseline = crate::deletion::row_counts(&app).await;
    let (s, set) = space(&app, &admin, &account, "Garden", public()).await;
    assign(&app, &admin, &set, "MEMBER", alice_user.id).await;

    // each community has an updates room named after its space
    let r = room(&app, &alice, &s).await;
    let room_id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(r["displayName"], "Garden-Updates");
    assert_eq!(r["type"], "UPDATES");
    assert_eq!(r["messagesCount"], 0);
    assert_eq!(r["messages"], json!([]));
    assert_eq!(r["lastMessage"], Value::Null);

    // members read updates; only admins post, reply and react
    let denied = err(&app, &alice, SEND, json!({"r": room_id, "m": "hi"})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let sent = ok(
        &app,
        &admin,
        SEND,
        json!({"r": room_id, "m": "Hello **all**"}),
    )
    .await;
    let first = sent["sendMessageToRoom"].clone();
    let first_id = first["id"].as_str().unwrap().to_owned();
    assert_eq!(first_id.len(), 44);
    assert_eq!(first["threadID"], Value::Null);
    assert_eq!(first["sender"]["id"], admin_user.id.to_string());
    assert!(
        first["timestamp"].as_f64().unwrap() > 1.7e12,
        "milliseconds"
    );
    let denied = err(
        &app,
        &alice,
        REPLY,
        json!({"r": room_id, "m": "me too", "t": first_id}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let reply = ok(
        &app,
        &admin,
        REPLY,
        json!({"r": room_id, "m": "More soon", "t": first_id}),
    )
    .await;
    let reply_id = reply["sendMessageReplyToRoom"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reply["sendMessageReplyToRoom"]["threadID"], first_id);
    // a reply goes to the message that starts the thread, which must exist in this room
    let nested = err(
        &app,
        &admin,
        REPLY,
        json!({"r": room_id, "m": "x", "t": reply_id}),
    )
    .await;
    assert_reference_error(&nested, "BAD_USER_INPUT", 12101);
    let unknown = format!("${}", "A".repeat(43));
    let missing = err(
        &app,
        &admin,
        REPLY,
        json!({"r": room_id, "m": "x", "t": unknown}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);
    let malformed = err(
        &app,
        &admin,
        REPLY,
        json!({"r": room_id, "m": "x", "t": "short"}),
    )
    .await;
    assert_eq!(malformed["extensions"]["code"], "BAD_USER_INPUT");
    let empty = err(&app, &admin, SEND, json!({"r": room_id, "m": "  "})).await;
    assert_reference_error(&empty, "BAD_USER_INPUT", 12101);
    let reaction = ok(
        &app,
        &admin,
        REACT,
        json!({"r": room_id, "m": first_id, "e": "👍"}),
    )
    .await;
    let reaction = reaction["addReactionToMessageInRoom"].clone();
    assert_eq!(reaction["emoji"], "👍");
    assert_eq!(reaction["sender"]["id"], admin_user.id.to_string());
    let reaction_id = reaction["id"].as_str().unwrap().to_owned();

    // an update is logged in the space's activity, as the admin's latest there
    let latest = ok(
        &app,
        &admin,
        "{ me { mySpaces { space { id nameID } latestActivity { __typename type collaborationID
            ... on ActivityLogEntryUpdateSent { message journeyUrl updates { id } } } } } }",
        json!({}),
    )
    .await;
    let mine = latest["me"]["mySpaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["space"]["id"] == s.as_str())
        .unwrap()
        .clone();
    let update = &mine["latestActivity"];
    assert_eq!(
        update["__typename"], "ActivityLogEntryUpdateSent",
        "{update}"
    );
    assert_eq!(update["type"], "UPDATE_SENT");
    assert_eq!(update["message"], "Hello **all**");
    assert_eq!(update["updates"]["id"], room_id.as_str());
    let name_id = mine["space"]["nameID"].as_str().unwrap();
    assert!(
        update["journeyUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{name_id}")),
        "{update}"
    );
    let collaboration = update["collaborationID"].clone();
    let updates_log = "query($c: UUID!) { activityLogOnCollaboration(queryData: { collaborationID: $c, types: [UPDATE_SENT] }) { id } }";

    // what a member reads
    let r = room(&app, &alice, &s).await;
    assert_eq!(r["messagesCount"], 2);
    assert_eq!(r["lastMessage"]["id"], reply_id);
    let messages = r["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["id"], first_id);
    assert_eq!(messages[0]["message"], "Hello **all**");
    assert_eq!(messages[0]["reactions"][0]["id"], reaction_id);
    assert_eq!(messages[1]["threadID"], first_id);
    let privileges = r["authorization"]["myPrivileges"].as_array().unwrap();
    assert!(privileges.iter().any(|p| p == "READ"));
    assert!(!privileges.iter().any(|p| p == "CREATE_MESSAGE"));
    // a registered non-member reads a public space's updates too
    assert_eq!(room(&app, &bob, &s).await["messagesCount"], 2);

    // unread counts: the sender has read their own; a receipt covers what came before it
    let counts = unread(&app, &alice, &s, json!([first_id])).await;
    assert_eq!(counts["unreadCount"], 2);
    assert_eq!(
        counts["unreadCounts"],
        json!({"roomUnreadCount": 2, "threadUnreadCounts": [{"threadId": first_id, "count": 1}]})
    );
    assert_eq!(
        unread(&app, &admin, &s, Value::Null).await["unreadCount"],
        0
    );
    assert_eq!(
        unread(&app, &alice, &s, Value::Null).await["unreadCounts"]["threadUnreadCounts"],
        Value::Null
    );
    ok(&app, &alice, MARK, json!({"r": room_id, "m": first_id})).await;
    assert_eq!(
        unread(&app, &alice, &s, Value::Null).await["unreadCount"],
        1
    );
    ok(
        &app,
        &alice,
        MARK,
        json!({"r": room_id, "m": reply_id, "t": first_id}),
    )
    .await;
    let counts = unread(&app, &alice, &s, json!([first_id])).await;
    assert_eq!(counts["unreadCount"], 0);
    assert_eq!(counts["unreadCounts"]["threadUnreadCounts"][0]["count"], 0);

    // removal: the sender or whoever may DELETE in the room; replies stay
    let denied = err(
        &app,
        &alice,
        UNREACT,
        json!({"r": room_id, "m": reaction_id}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let denied = err(&app, &alice, REMOVE, json!({"r": room_id, "m": first_id})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(
        &app,
        &admin,
        UNREACT,
        json!({"r": room_id, "m": reaction_id}),
    )
    .await;
    let logged = ok(&app, &alice, updates_log, json!({"c": collaboration})).await;
    assert_eq!(
        logged["activityLogOnCollaboration"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let removed = ok(&app, &admin, REMOVE, json!({"r": room_id, "m": first_id})).await;
    assert_eq!(removed["removeMessageOnRoom"], first_id);
    let logged = ok(&app, &alice, updates_log, json!({"c": collaboration})).await;
    assert_eq!(
        logged["activityLogOnCollaboration"],
        json!([]),
        "a removed update leaves the log"
    );
    let r = room(&app, &alice, &s).await;
    assert_eq!(r["messagesCount"], 1);
    assert_eq!(r["messages"].as_array().unwrap().len(), 1);
    assert_eq!(r["messages"][0]["id"], reply_id);

    // a private space's updates are closed to outsiders
    let (closed, _) = space(&app, &admin, &account, "Closed", Value::Null).await;
    let denied = err(&app, &bob, ROOM, json!({"s": closed})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // the communication, its room and everything said there go with the spaces
    for id in [&s, &closed] {
        ok(
            &app,
            &admin,
            "mutation($id: UUID!) { deleteSpace(deleteData: { ID: $id }) { id } }",
            json!({"id": id}),
        )
        .await;
    }
    assert_eq!(crate::deletion::row_counts(&app).await, baseline);
}

/// `roomEvents` over graphql-transport-ws: a reader of the room hears each message and
/// reaction, sent and removed; a caller who may not read the room gets an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_events_reach_readers() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Loud", Value::Null).await;
    let room_id = room(&app, &admin, &s).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription($r: UUID!) { roomEvents(roomID: $r) { roomID room { messagesCount }
            message { type data { id message threadID } }
            reaction { type messageID data { id emoji } } } }",
        "variables": {"r": room_id}}})
    .to_string();

    let mut anon = app.ws(None).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut anon).await["type"],
        "connection_ack"
    );
    anon.send(WsMessage::text(subscribe.clone())).await.unwrap();
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
    ws.send(WsMessage::text(subscribe)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let sent = ok(&app, &admin, SEND, json!({"r": room_id, "m": "Live"})).await;
    let id = sent["sendMessageToRoom"]["id"].as_str().unwrap().to_owned();
    let event = crate::helpers::next_ws_message(&mut ws).await;
    let payload = &event["payload"]["data"]["roomEvents"];
    assert_eq!(payload["roomID"], room_id.as_str(), "{event}");
    assert_eq!(payload["room"]["messagesCount"], 1);
    assert_eq!(
        payload["message"],
        json!({"type": "CREATE", "data": {"id": id, "message": "Live", "threadID": null}})
    );
    assert_eq!(payload["reaction"], Value::Null);
    let reaction = ok(
        &app,
        &admin,
        REACT,
        json!({"r": room_id, "m": id, "e": "🎉"}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    let payload = &event["payload"]["data"]["roomEvents"];
    assert_eq!(payload["reaction"]["type"], "CREATE");
    assert_eq!(payload["reaction"]["messageID"], id.as_str());
    assert_eq!(
        payload["reaction"]["data"]["id"],
        reaction["addReactionToMessageInRoom"]["id"]
    );
    ok(&app, &admin, REMOVE, json!({"r": room_id, "m": id})).await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    let payload = &event["payload"]["data"]["roomEvents"];
    assert_eq!(payload["message"]["type"], "DELETE");
    assert_eq!(payload["message"]["data"]["id"], id.as_str());
    assert_eq!(payload["room"]["messagesCount"], 0);
}

/// Communities stored before communications existed get theirs at start-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_communities_get_a_communication() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(Backend::Postgres).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Elder", public()).await;
    let conn = app.services.db.conn();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE community SET communication_id = NULL",
    ))
    .await
    .unwrap();
    let denied = err(&app, &admin, ROOM, json!({"s": s})).await;
    assert_eq!(
        denied["extensions"]["code"], "UNSPECIFIED",
        "no communication yet"
    );
    assert_eq!(
        app.services.spaces.ensure_communications().await.unwrap(),
        1
    );
    assert_eq!(
        app.services.spaces.ensure_communications().await.unwrap(),
        0
    );
    let r = room(&app, &admin, &s).await;
    assert_eq!(r["displayName"], "Elder-Updates");
    let privileges = r["authorization"]["myPrivileges"].as_array().unwrap();
    assert!(
        privileges.iter().any(|p| p == "CREATE_MESSAGE"),
        "{privileges:?}"
    );
}

/// Reading a room costs the same number of SQL statements however many messages, senders and
/// reactions it holds: messages, reactions, senders and unread counts are read in batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_a_room_costs_a_bounded_number_of_statements() {
    let app = crate::helpers::spawn_measured(Backend::Postgres).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, set) = space(&app, &admin, &account, "Busy", public()).await;
    assign(&app, &admin, &set, "ADMIN", alice_user.id).await;
    let room_id = room(&app, &admin, &s).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let query = format!(
        "{{ lookup {{ space(ID: \"{s}\") {{ community {{ communication {{ updates {{
        messagesCount unreadCount lastMessage {{ id sender {{ id }} }}
        messages {{ id message threadID sender {{ id nameID }} reactions {{ emoji sender {{ id }} }} }} }} }} }} }} }} }}"
    );
    let post = |n: usize| {
        let (app, admin, alice, room_id) = (&app, admin.clone(), alice.clone(), room_id.clone());
        async move {
            for i in 0..n {
                let token = if i % 2 == 0 { &admin } else { &alice };
                let sent = ok(
                    app,
                    token,
                    SEND,
                    json!({"r": room_id, "m": format!("note {i}")}),
                )
                .await;
                let id = sent["sendMessageToRoom"]["id"].as_str().unwrap().to_owned();
                ok(
                    app,
                    &admin,
                    REACT,
                    json!({"r": room_id, "m": id, "e": "👍"}),
                )
                .await;
                ok(
                    app,
                    &alice,
                    REPLY,
                    json!({"r": room_id, "m": "ack", "t": id}),
                )
                .await;
            }
        }
    };
    post(2).await;
    let (few, data) = app.fewest_statements(&admin, &query).await;
    assert_eq!(
        data["lookup"]["space"]["community"]["communication"]["updates"]["messagesCount"],
        4
    );
    post(10).await;
    let (many, data) = app.fewest_statements(&admin, &query).await;
    assert_eq!(
        data["lookup"]["space"]["community"]["communication"]["updates"]["messagesCount"],
        24
    );
    assert_eq!(few, many, "statements for 4 and for 24 messages");
    // the space and its policies, the community, the communication and the room, then one
    // statement each for messages, reactions, the last message (three), the unread count (two),
    // senders and reaction senders
    assert!(many <= 20, "{many} statements");
}
