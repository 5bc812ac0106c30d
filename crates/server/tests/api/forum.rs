//! The platform's forum over GraphQL: discussions started by registered users (releases only
//! by platform admins), listed and read by everyone, commented on, changed and deleted by global
//! admins, announced to live subscribers; the latest release; discussion URLs and the URL
//! resolver.

use serde_json::json;

use crate::helpers::{Backend, assert_reference_error, next_ws_message, spawn_app};
use crate::on_both_backends;
use crate::spaces::{err, ok};

on_both_backends!(the_forum_holds_discussions);

const FORUM: &str = "{ platform { forum { id discussionCategories authorization { myPrivileges }
    discussions { id nameID category privacy createdBy timestamp
        profile { displayName description url } comments { id messagesCount authorization { myPrivileges } }
        authorization { myPrivileges } } } latestReleaseDiscussion { id nameID } } }";
const CREATE: &str =
    "mutation($d: ForumCreateDiscussionInput!) { createDiscussion(createData: $d) {
    id nameID category createdBy profile { displayName url tagsets { name tags } } } }";

async fn the_forum_holds_discussions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("poster@example.org").await;
    let (reader, other) = app.user_with_token("reader@example.org").await;

    // everyone reads the forum; registered users may start discussions
    let anonymous = app.graphql_at("/graphql", FORUM, json!({})).await;
    assert!(anonymous.get("errors").is_none(), "{anonymous}");
    let forum = &anonymous["data"]["platform"]["forum"];
    assert_eq!(
        forum["discussionCategories"],
        json!([
            "RELEASES",
            "PLATFORM_FUNCTIONALITIES",
            "COMMUNITY_BUILDING",
            "CHALLENGE_CENTRIC",
            "HELP",
            "OTHER"
        ])
    );
    assert_eq!(forum["discussions"], json!([]));
    assert!(anonymous["data"]["platform"]["latestReleaseDiscussion"].is_null());
    let forum_id = forum["id"].clone();
    let mine = ok(&app, &token, FORUM, json!({})).await;
    assert!(
        mine["platform"]["forum"]["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .contains(&json!("CREATE_DISCUSSION"))
    );

    // a live subscriber hears of new discussions
    let mut ws = app.ws(Some(&other)).await;
    assert_eq!(next_ws_message(&mut ws).await["type"], "connection_ack");
    {
        use futures_util::SinkExt;
        ws.send(tokio_tungstenite::tungstenite::Message::text(
            json!({"id": "s1", "type": "subscribe", "payload": {
                "query": "subscription($f: UUID!) { forumDiscussionUpdated(forumID: $f) { id profile { displayName } } }",
                "variables": {"f": forum_id}}})
            .to_string(),
        ))
        .await
        .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // the reader wants in-app notices of new discussions (e-mail only by default)
    ok(
        &app,
        &other,
        "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id } }",
        json!({"d": {"userID": reader.id.to_string(), "settings": {"notification": {"platform": {"forumDiscussionCreated": {"inApp": true}}}}}}),
    )
    .await;
    let d = json!({"forumID": forum_id, "category": "HELP", "tags": ["start"],
        "profile": {"displayName": "How do I start?", "description": "Where to begin"}});
    let made = ok(&app, &token, CREATE, json!({"d": d})).await["createDiscussion"].clone();
    assert_eq!(made["nameID"], "howdoistart");
    assert_eq!(made["createdBy"], user.id.to_string());
    assert_eq!(
        made["profile"]["url"],
        "http://localhost:3000/forum/discussion/howdoistart"
    );
    let heard = next_ws_message(&mut ws).await;
    assert_eq!(
        heard["payload"]["data"]["forumDiscussionUpdated"]["profile"]["displayName"],
        "How do I start?"
    );
    // registered users hear of it in the app when they want to
    let notices = "{ me { notifications(filter: {types: [PLATFORM_FORUM_DISCUSSION_CREATED]}) { total inAppNotifications {
        payload { type ... on InAppNotificationPayloadPlatformForumDiscussion { discussion { displayName url category } } } } } } }";
    app.settle().await;
    assert!(
        crate::mail_and_broker::eventually(std::time::Duration::from_secs(30), || async {
            ok(&app, &other, notices, json!({})).await["me"]["notifications"]["total"] == 1.0
        })
        .await,
        "no notice of the new discussion"
    );
    let got = ok(&app, &other, notices, json!({})).await;
    assert_eq!(
        got["me"]["notifications"]["inAppNotifications"][0]["payload"]["discussion"],
        json!({"displayName": "How do I start?", "url": "http://localhost:3000/forum/discussion/howdoistart", "category": "help"})
    );
    // the same name again is refused; releases are for platform admins
    let again = err(&app, &token, CREATE, json!({"d": d})).await;
    assert_reference_error(&again, "BAD_USER_INPUT", 12101);
    let release = json!({"forumID": forum_id, "category": "RELEASES",
        "profile": {"displayName": "Release 1.0"}});
    let denied = err(&app, &token, CREATE, json!({"d": release})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let r1 = ok(&app, &admin, CREATE, json!({"d": release})).await["createDiscussion"].clone();
    let mut r2 = release.clone();
    r2["profile"]["displayName"] = json!("Release 1.1");
    let r2 = ok(&app, &admin, CREATE, json!({"d": r2})).await["createDiscussion"].clone();
    assert_ne!(r1["id"], r2["id"]);

    // listed newest first (or oldest first, or fewer); the latest release is the newest
    let listed = app.graphql_at("/graphql", FORUM, json!({})).await["data"]["platform"].clone();
    let names: Vec<&str> = listed["forum"]["discussions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["profile"]["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Release 1.1", "Release 1.0", "How do I start?"]);
    assert_eq!(listed["latestReleaseDiscussion"]["id"], r2["id"]);
    let ordered = ok(
        &app,
        &token,
        "{ platform { forum { discussions(queryData: {orderBy: DISCUSSIONS_CREATEDATE_ASC, limit: 2}) { profile { displayName } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        ordered["platform"]["forum"]["discussions"],
        json!([{"profile": {"displayName": "How do I start?"}}, {"profile": {"displayName": "Release 1.0"}}])
    );

    // registered users comment; anonymous visitors read
    let help = listed["forum"]["discussions"][2].clone();
    let room = help["comments"]["id"].clone();
    let send = "mutation($r: UUID!) { sendMessageToRoom(messageData: {roomID: $r, message: \"Start with a space\"}) { id } }";
    ok(&app, &other, send, json!({"r": room})).await;
    let one = "query($d: UUID!) { platform { forum { discussion(ID: $d) { comments { messagesCount messages { message } } } } } }";
    let read = app
        .graphql_at("/graphql", one, json!({"d": help["id"]}))
        .await;
    assert_eq!(
        read["data"]["platform"]["forum"]["discussion"]["comments"]["messagesCount"], 1.0,
        "{read}"
    );

    // global admins change and delete discussions; their authors do not
    let update = "mutation($d: UpdateDiscussionInput!) { updateDiscussion(updateData: $d) { category profile { displayName } } }";
    let change = json!({"d": {"ID": help["id"], "category": "OTHER", "profileData": {"displayName": "Getting started"}}});
    let denied = err(&app, &token, update, change.clone()).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let changed = ok(&app, &admin, update, change).await;
    assert_eq!(
        changed["updateDiscussion"],
        json!({"category": "OTHER", "profile": {"displayName": "Getting started"}})
    );

    // its URL resolves to it
    let resolve = "query($u: String!) { urlResolver(url: $u) { type state discussionId } }";
    let found = ok(
        &app,
        &token,
        resolve,
        json!({"u": "http://localhost:3000/forum/discussion/howdoistart"}),
    )
    .await;
    assert_eq!(
        found["urlResolver"],
        json!({"type": "DISCUSSION", "state": "Resolved", "discussionId": help["id"]})
    );
    let missing = ok(
        &app,
        &token,
        resolve,
        json!({"u": "http://localhost:3000/forum/discussion/nothing-here"}),
    )
    .await;
    assert_eq!(missing["urlResolver"]["state"], "NotFound");
    assert_eq!(missing["urlResolver"]["type"], "FORUM");

    let delete = "mutation($d: UUID!) { deleteDiscussion(deleteData: {ID: $d}) { id } }";
    let denied = err(&app, &token, delete, json!({"d": help["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, delete, json!({"d": help["id"]})).await;
    let gone = err(&app, &admin, one, json!({"d": help["id"]})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}
