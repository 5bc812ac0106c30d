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
    assert_eq!(mine(&app, &carol).await, Vec::<Value>::new());

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
    ] {
        ok(&app, token, leave, json!({"c": c})).await;
    }
    assert_eq!(crate::deletion::row_counts(&app).await, baseline);
}
