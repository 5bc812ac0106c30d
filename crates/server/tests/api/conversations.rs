//! User conversations over GraphQL: direct and group conversations, who may read and write in
//! them, the recipient's consent to messages, membership changes, and the end of a conversation
//! when its last member leaves.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{err, ok};

on_both_backends!(direct_and_group_conversations);

const CREATE: &str = "mutation($t: ConversationCreationType!, $m: [UUID!]!, $n: String, $a: String) {
    createConversation(conversationData: { type: $t, memberIDs: $m, displayName: $n, avatarUrl: $a }) {
    id members { id } messaging { id } room { id type displayName avatarUrl } } }";
const MINE: &str = "{ me { conversations { conversations { id room { id messages { message sender { id } } } } } } }";
const SEND: &str = "mutation($r: UUID!, $m: String!) { sendMessageToRoom(messageData: { roomID: $r, message: $m }) { id } }";
const LOOKUP: &str = "query($id: UUID!) { lookup { conversation(ID: $id) { id room { displayName } members { id } } } }";

fn leave_query() -> &'static str {
    "mutation($c: UUID!) { leaveConversation(leaveData: { conversationID: $c }) }"
}

async fn mine(app: &TestApp, token: &str) -> Vec<Value> {
    ok(app, token, MINE, json!({})).await["me"]["conversations"]["conversations"]
        .as_array()
        .unwrap()
        .clone()
}

async fn direct_and_group_conversations(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (bob_user, bob) = app.user_with_token("bob@example.org").await;
    let (carol_user, carol) = app.user_with_token("carol@example.org").await;
    let (alice_id, bob_id, carol_id) = (
        alice_user.id.to_string(),
        bob_user.id.to_string(),
        carol_user.id.to_string(),
    );
    let baseline = crate::deletion::row_counts(&app).await;
    let messaging = ok(&app, &alice, "{ platform { messaging { id } } }", json!({})).await;
    assert!(messaging["platform"]["messaging"]["id"].is_string());

    // a direct conversation: between two users, made once
    let created = ok(&app, &alice, CREATE, json!({"t": "DIRECT", "m": [bob_id]})).await;
    let direct = created["createConversation"].clone();
    let direct_id = direct["id"].as_str().unwrap().to_owned();
    let room = direct["room"]["id"].as_str().unwrap().to_owned();
    assert_eq!(direct["room"]["type"], "CONVERSATION_DIRECT");
    assert_eq!(direct["members"], json!([{"id": alice_id}, {"id": bob_id}]));
    assert_eq!(
        direct["messaging"]["id"],
        messaging["platform"]["messaging"]["id"]
    );
    let again = ok(&app, &bob, CREATE, json!({"t": "DIRECT", "m": [alice_id]})).await;
    assert_eq!(
        again["createConversation"]["id"], direct_id,
        "the existing one"
    );
    let two = err(
        &app,
        &alice,
        CREATE,
        json!({"t": "DIRECT", "m": [bob_id, carol_id]}),
    )
    .await;
    assert_reference_error(&two, "BAD_USER_INPUT", 12101);
    let anonymous = app
        .graphql_at("/graphql", CREATE, json!({"t": "DIRECT", "m": [bob_id]}))
        .await;
    assert_reference_error(&anonymous["errors"][0], "FORBIDDEN_POLICY", 11104);

    // members read and write; nobody else does
    ok(&app, &alice, SEND, json!({"r": room, "m": "Hi Bob"})).await;
    let bobs = mine(&app, &bob).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["room"]["messages"][0]["message"], "Hi Bob");
    assert_eq!(bobs[0]["room"]["messages"][0]["sender"]["id"], alice_id);
    assert_eq!(mine(&app, &carol).await, Vec::<Value>::new());
    let denied = err(&app, &carol, LOOKUP, json!({"id": direct_id})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let denied = err(&app, &carol, SEND, json!({"r": room, "m": "hello?"})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // Bob stops accepting messages: nothing more reaches him directly
    ok(
        &app,
        &bob,
        "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id } }",
        json!({"d": {"userID": bob_id, "settings": {"communication": {"allowOtherUsersToSendMessages": false}}}}),
    )
    .await;
    let refused = err(&app, &alice, SEND, json!({"r": room, "m": "Still there?"})).await;
    assert_reference_error(&refused, "MESSAGING_NOT_ENABLED", 13103);
    let refused = err(&app, &carol, CREATE, json!({"t": "DIRECT", "m": [bob_id]})).await;
    assert_reference_error(&refused, "MESSAGING_NOT_ENABLED", 13103);

    // direct messages to several users: each gets an outcome
    let nobody = uuid::Uuid::now_v7().to_string();
    let sent = ok(
        &app,
        &alice,
        "mutation($m: String!, $r: [UUID!]!) { sendDirectMessageToUsers(messageData: { message: $m, receiverIDs: $r }) {
            receiverID status conversationID } }",
        json!({"m": "News for you", "r": [bob_id, carol_id, nobody, alice_id]}),
    )
    .await;
    let outcomes = sent["sendDirectMessageToUsers"].as_array().unwrap().clone();
    let statuses: Vec<&str> = outcomes
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec!["BLOCKED_NO_CONSENT", "SENT", "FAILED", "FAILED"]
    );
    let too_long = err(
        &app,
        &alice,
        "mutation($m: String!, $r: [UUID!]!) { sendDirectMessageToUsers(messageData: { message: $m, receiverIDs: $r }) { status } }",
        json!({"m": "x".repeat(40_000), "r": [carol_id]}),
    )
    .await;
    assert_reference_error(&too_long, "BAD_USER_INPUT", 12101);
    let crowd: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let too_many = err(
        &app,
        &alice,
        "mutation($m: String!, $r: [UUID!]!) { sendDirectMessageToUsers(messageData: { message: $m, receiverIDs: $r }) { status } }",
        json!({"m": "Hi all", "r": crowd}),
    )
    .await;
    assert_reference_error(&too_many, "BAD_USER_INPUT", 12101);
    assert_eq!(outcomes[1]["receiverID"], carol_id);
    let with_carol = outcomes[1]["conversationID"].as_str().unwrap().to_owned();
    assert_eq!(outcomes[0]["conversationID"], Value::Null);
    let carols = mine(&app, &carol).await;
    assert_eq!(carols.len(), 1);
    assert_eq!(carols[0]["id"], with_carol);
    assert_eq!(carols[0]["room"]["messages"][0]["message"], "News for you");

    // nobody is put into a group against their settings either
    let refused = err(
        &app,
        &alice,
        CREATE,
        json!({"t": "GROUP", "m": [bob_id, carol_id]}),
    )
    .await;
    assert_reference_error(&refused, "MESSAGING_NOT_ENABLED", 13103);
    ok(
        &app,
        &bob,
        "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id } }",
        json!({"d": {"userID": bob_id, "settings": {"communication": {"allowOtherUsersToSendMessages": true}}}}),
    )
    .await;

    // a group: named by its size unless given a name; pictures are mxc:// or https://
    let bad = err(
        &app,
        &alice,
        CREATE,
        json!({"t": "GROUP", "m": [bob_id], "a": "ftp://x"}),
    )
    .await;
    assert_reference_error(&bad, "BAD_USER_INPUT", 12101);
    let group = ok(
        &app,
        &alice,
        CREATE,
        json!({"t": "GROUP", "m": [bob_id, carol_id]}),
    )
    .await;
    let group = group["createConversation"].clone();
    let group_id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(group["room"]["type"], "CONVERSATION_GROUP");
    assert_eq!(group["room"]["displayName"], "group-conversation-3-members");
    let rename = "mutation($c: UUID!, $n: String) { updateConversation(updateData: { conversationID: $c, displayName: $n }) }";
    ok(&app, &bob, rename, json!({"c": group_id, "n": "Book club"})).await;
    let read = ok(&app, &carol, LOOKUP, json!({"id": group_id})).await;
    assert_eq!(
        read["lookup"]["conversation"]["room"]["displayName"],
        "Book club"
    );
    let not_group = err(&app, &alice, rename, json!({"c": direct_id, "n": "x"})).await;
    assert_reference_error(&not_group, "BAD_USER_INPUT", 12101);

    // whoever leaves loses access at once; a member may bring them back
    let leave = leave_query();
    ok(&app, &carol, leave, json!({"c": group_id})).await;
    let denied = err(&app, &carol, LOOKUP, json!({"id": group_id})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(
        &app,
        &alice,
        "mutation($c: UUID!, $m: UUID!) { assignConversationMember(memberData: { conversationID: $c, memberID: $m }) }",
        json!({"c": group_id, "m": carol_id}),
    )
    .await;
    let read = ok(&app, &carol, LOOKUP, json!({"id": group_id})).await;
    assert_eq!(
        read["lookup"]["conversation"]["members"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    ok(
        &app,
        &bob,
        "mutation($c: UUID!, $m: UUID!) { removeConversationMember(memberData: { conversationID: $c, memberID: $m }) }",
        json!({"c": group_id, "m": carol_id}),
    )
    .await;
    let left: Vec<Value> = mine(&app, &carol)
        .await
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(
        left,
        vec![json!(with_carol)],
        "only the direct one with Alice is left"
    );

    // a deleted user leaves every conversation
    let (dave_user, dave) = app.user_with_token("dave@example.org").await;
    let with_dave = ok(
        &app,
        &alice,
        CREATE,
        json!({"t": "GROUP", "m": [dave_user.id.to_string()]}),
    )
    .await;
    let with_dave = with_dave["createConversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &app,
        &dave,
        "mutation($id: UUID!) { deleteUser(deleteData: { ID: $id }) { id } }",
        json!({"id": dave_user.id.to_string()}),
    )
    .await;
    let read = ok(&app, &alice, LOOKUP, json!({"id": with_dave})).await;
    assert_eq!(
        read["lookup"]["conversation"]["members"],
        json!([{"id": alice_id}])
    );
    ok(&app, &alice, leave_query(), json!({"c": with_dave})).await;

    // when the last member leaves, the conversation and its room are gone
    for (token, c) in [
        (&alice, &group_id),
        (&bob, &group_id),
        (&alice, &direct_id),
        (&bob, &direct_id),
        (&alice, &with_carol),
        (&carol, &with_carol),
    ] {
        ok(&app, token, leave, json!({"c": c})).await;
    }
    assert_eq!(crate::deletion::row_counts(&app).await, baseline);
}

/// `conversationEvents` over graphql-transport-ws: each user hears what happens in their own
/// conversations (started, messages in and out, their own read receipts, members leaving) and
/// nothing of anyone else's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversation_events_reach_members_only() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;

    let app = spawn_app(Backend::Sqlite).await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (bob_user, bob) = app.user_with_token("bob@example.org").await;
    let (carol_user, carol) = app.user_with_token("carol@example.org").await;
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription { conversationEvents { eventType
            conversationCreated { conversation { id } message { id } }
            messageReceived { roomId message { message sender { id } } }
            messageRemoved { roomId messageId }
            readReceiptUpdated { roomId lastReadEventId }
            memberRemoved { conversation { id } removedMemberID } } }"}})
    .to_string();
    let mut alice_ws = app.ws(Some(&alice)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut alice_ws).await["type"],
        "connection_ack"
    );
    alice_ws
        .send(WsMessage::text(subscribe.clone()))
        .await
        .unwrap();
    let mut carol_ws = app.ws(Some(&carol)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut carol_ws).await["type"],
        "connection_ack"
    );
    carol_ws.send(WsMessage::text(subscribe)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let created = ok(
        &app,
        &bob,
        CREATE,
        json!({"t": "DIRECT", "m": [alice_user.id.to_string()]}),
    )
    .await;
    let conversation = created["createConversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let room = created["createConversation"]["room"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let event = crate::helpers::next_ws_message(&mut alice_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "CONVERSATION_CREATED", "{event}");
    assert_eq!(
        payload["conversationCreated"]["conversation"]["id"],
        conversation.as_str()
    );

    let sent = ok(&app, &bob, SEND, json!({"r": room, "m": "Psst"})).await;
    let message = sent["sendMessageToRoom"]["id"].as_str().unwrap().to_owned();
    let event = crate::helpers::next_ws_message(&mut alice_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "MESSAGE_RECEIVED", "{event}");
    assert_eq!(payload["messageReceived"]["roomId"], room.as_str());
    assert_eq!(payload["messageReceived"]["message"]["message"], "Psst");
    assert_eq!(
        payload["messageReceived"]["message"]["sender"]["id"],
        bob_user.id.to_string()
    );

    ok(
        &app,
        &alice,
        "mutation($r: UUID!, $m: MessageID!) { markMessageAsReadInRoom(messageData: { roomID: $r, messageID: $m }) }",
        json!({"r": room, "m": message}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut alice_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "READ_RECEIPT_UPDATED", "{event}");
    assert_eq!(
        payload["readReceiptUpdated"]["lastReadEventId"],
        message.as_str()
    );

    ok(
        &app,
        &bob,
        "mutation($r: UUID!, $m: MessageID!) { removeMessageOnRoom(messageData: { roomID: $r, messageID: $m }) }",
        json!({"r": room, "m": message}),
    )
    .await;
    let event = crate::helpers::next_ws_message(&mut alice_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "MESSAGE_REMOVED", "{event}");
    assert_eq!(payload["messageRemoved"]["messageId"], message.as_str());

    // Carol heard none of that: her first event is her own group
    let group = ok(
        &app,
        &bob,
        CREATE,
        json!({"t": "GROUP", "m": [carol_user.id.to_string()]}),
    )
    .await;
    let group = group["createConversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let event = crate::helpers::next_ws_message(&mut carol_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "CONVERSATION_CREATED", "{event}");
    assert_eq!(
        payload["conversationCreated"]["conversation"]["id"],
        group.as_str()
    );
    ok(&app, &carol, leave_query(), json!({"c": group})).await;
    let event = crate::helpers::next_ws_message(&mut carol_ws).await;
    let payload = &event["payload"]["data"]["conversationEvents"];
    assert_eq!(payload["eventType"], "MEMBER_REMOVED", "{event}");
    assert_eq!(
        payload["memberRemoved"]["removedMemberID"],
        carol_user.id.to_string()
    );

    // roomEvents ends for whoever is taken out of the conversation
    let group2 = ok(
        &app,
        &bob,
        CREATE,
        json!({"t": "GROUP", "m": [carol_user.id.to_string()]}),
    )
    .await;
    let group2_id = group2["createConversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group2_room = group2["createConversation"]["room"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut room_ws = app.ws(Some(&carol)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut room_ws).await["type"],
        "connection_ack"
    );
    room_ws
        .send(WsMessage::text(
            json!({"id": "r", "type": "subscribe", "payload": {
                "query": "subscription($r: UUID!) { roomEvents(roomID: $r) { message { data { message } } } }",
                "variables": {"r": group2_room}}})
            .to_string(),
        ))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    ok(&app, &bob, SEND, json!({"r": group2_room, "m": "one"})).await;
    let heard = crate::helpers::next_ws_message(&mut room_ws).await;
    assert_eq!(heard["type"], "next", "{heard}");
    assert_eq!(
        heard["payload"]["data"]["roomEvents"]["message"]["data"]["message"],
        "one"
    );
    ok(
        &app,
        &bob,
        "mutation($c: UUID!, $m: UUID!) { removeConversationMember(memberData: { conversationID: $c, memberID: $m }) }",
        json!({"c": group2_id, "m": carol_user.id.to_string()}),
    )
    .await;
    ok(&app, &bob, SEND, json!({"r": group2_room, "m": "two"})).await;
    let ended = crate::helpers::next_ws_message(&mut room_ws).await;
    assert_eq!(ended["type"], "complete", "no more for Carol: {ended}");
}

/// Listing one's conversations costs the same number of SQL statements however many there
/// are: members, messaging, rooms, last messages and unread counts are read in batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_conversations_costs_a_bounded_number_of_statements() {
    let app = crate::helpers::spawn_measured(Backend::Postgres).await;
    let (_, alice) = app.user_with_token("alice@example.org").await;
    let mut others = Vec::new();
    for i in 0..6 {
        let (user, token) = app.user_with_token(&format!("friend{i}@example.org")).await;
        others.push((user.id.to_string(), token));
    }
    let query = "{ me { conversations { conversations { id members { id } messaging { id }
        room { unreadCount unreadCounts { roomUnreadCount } lastMessage { id sender { id } } } } } } }";
    let talk = |from: usize, to: usize| {
        let (app, alice, others) = (&app, alice.clone(), others.clone());
        async move {
            for (id, token) in &others[from..to] {
                let created = ok(app, &alice, CREATE, json!({"t": "DIRECT", "m": [id]})).await;
                let room = created["createConversation"]["room"]["id"].clone();
                ok(app, token, SEND, json!({"r": room, "m": "hello"})).await;
            }
        }
    };
    talk(0, 2).await;
    let (few, data) = app.fewest_statements(&alice, query).await;
    assert_eq!(
        data["me"]["conversations"]["conversations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    talk(2, 6).await;
    let (many, data) = app.fewest_statements(&alice, query).await;
    let listed = data["me"]["conversations"]["conversations"]
        .as_array()
        .unwrap();
    assert_eq!(listed.len(), 6);
    assert!(listed.iter().all(|c| c["room"]["unreadCount"] == 1));
    assert_eq!(few, many, "statements for 2 and for 6 conversations");
}
