//! The activity log over GraphQL: members joining and subspaces created are logged in their
//! space's collaboration; `activityLogOnCollaboration`, `me.mySpaces` and `exploreSpaces` read
//! it.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{ASSIGN, account_of, err, ok, space, subspace};

on_both_backends!(activity_is_logged_and_read_back, activity_feeds);

const JOIN: &str = "mutation($id: UUID!) { joinRoleSet(joinData: { roleSetID: $id }) { id } }";
const MY_SPACES: &str = "query($limit: Float) { me { mySpaces(limit: $limit) {
    space { id } latestActivity { __typename type collaborationID triggeredBy { id } } } } }";
const LOG: &str = "query($data: ActivityLogInput!) { activityLogOnCollaboration(queryData: $data) {
    __typename type child collaborationID description parentDisplayName space { id } triggeredBy { id }
    ... on ActivityLogEntryMemberJoined { actor { id } actorType community { id } }
    ... on ActivityLogEntrySubspaceCreated { subspace { id } } } }";
const EXPLORE: &str = "query($o: ExploreSpacesInput) { exploreSpaces(options: $o) { id } }";

fn open_public() -> Value {
    json!({"privacy": {"mode": "PUBLIC"}, "membership": {"policy": "OPEN",
        "allowSubspaceAdminsToInviteMembers": false, "trustedOrganizations": []}})
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn activity_is_logged_and_read_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (bob_user, bob) = app.user_with_token("bob@example.org").await;
    let account = account_of(&app, &admin).await;
    // A: three members join (the creator, Alice, Bob); B: two; C (private): only its creator
    let (a, a_set) = space(&app, &admin, &account, "Alpha", open_public()).await;
    let (b, b_set) = space(&app, &admin, &account, "Beta", open_public()).await;
    let (c, _) = space(
        &app,
        &admin,
        &account,
        "Gamma",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    ok(&app, &alice, JOIN, json!({"id": a_set})).await;
    ok(&app, &alice, JOIN, json!({"id": b_set})).await;
    ok(&app, &bob, JOIN, json!({"id": a_set})).await;
    let (a1, a1_set) = subspace(&app, &admin, &a, "Alpha One", open_public()).await;
    ok(&app, &alice, JOIN, json!({"id": a1_set})).await;

    // exploreSpaces: the most active L0 spaces first; only activity inside the window counts
    let explored = ok(
        &app,
        &bob,
        EXPLORE,
        json!({"o": {"daysOld": 30, "limit": 3}}),
    )
    .await;
    assert_eq!(
        ids(&explored["exploreSpaces"]),
        vec![a.clone(), b.clone(), c.clone()]
    );
    let explored = ok(&app, &bob, EXPLORE, json!({"o": {"limit": 2}})).await;
    assert_eq!(ids(&explored["exploreSpaces"]), vec![a.clone(), b.clone()]);
    let explored = ok(&app, &bob, EXPLORE, json!({"o": {"daysOld": 0}})).await;
    assert_eq!(explored["exploreSpaces"], json!([]));

    // mySpaces: where Alice was last active, newest first, with that activity
    let mine = ok(&app, &alice, MY_SPACES, json!({})).await;
    let mine = mine["me"]["mySpaces"].as_array().unwrap().clone();
    let spaces: Vec<&str> = mine
        .iter()
        .map(|m| m["space"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(spaces, vec![a1.as_str(), b.as_str(), a.as_str()]);
    for m in &mine {
        assert_eq!(
            m["latestActivity"]["__typename"],
            "ActivityLogEntryMemberJoined"
        );
        assert_eq!(
            m["latestActivity"]["triggeredBy"]["id"],
            alice_user.id.to_string()
        );
    }
    let a_collaboration = mine[2]["latestActivity"]["collaborationID"]
        .as_str()
        .unwrap()
        .to_owned();
    let limited = ok(&app, &alice, MY_SPACES, json!({"limit": 2})).await;
    assert_eq!(limited["me"]["mySpaces"].as_array().unwrap().len(), 2);
    // a space Alice no longer belongs to leaves the list
    ok(
        &app,
        &admin,
        "mutation($set: UUID!, $actor: UUID!) { removeRoleFromUser(roleData: { roleSetID: $set, role: MEMBER, actorID: $actor }) { id } }",
        json!({"set": b_set, "actor": alice_user.id.to_string()}),
    )
    .await;
    let mine = ok(&app, &alice, MY_SPACES, json!({})).await;
    let spaces: Vec<&str> = mine["me"]["mySpaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["space"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(spaces, vec![a1.as_str(), a.as_str()]);

    // the log of Alpha, newest first
    let log = ok(
        &app,
        &bob,
        LOG,
        json!({"data": {"collaborationID": a_collaboration}}),
    )
    .await;
    let log = log["activityLogOnCollaboration"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: Vec<(&str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["triggeredBy"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    let (admin_id, alice_id, bob_id) = (
        admin_user.id.to_string(),
        alice_user.id.to_string(),
        bob_user.id.to_string(),
    );
    assert_eq!(
        kinds,
        vec![
            ("SUBSPACE_CREATED", admin_id.as_str()),
            ("MEMBER_JOINED", bob_id.as_str()),
            ("MEMBER_JOINED", alice_id.as_str()),
            ("MEMBER_JOINED", admin_id.as_str()),
        ]
    );
    assert_eq!(log[0]["subspace"]["id"], a1);
    assert_eq!(log[0]["description"], "Alpha One");
    assert_eq!(log[1]["actor"]["id"], bob_id);
    assert_eq!(log[1]["actorType"], "USER");
    let community = ok(
        &app,
        &bob,
        "query($id: UUID!) { lookup { space(ID: $id) { community { id } } } }",
        json!({"id": a}),
    )
    .await;
    assert_eq!(
        log[1]["community"]["id"],
        community["lookup"]["space"]["community"]["id"]
    );
    for e in &log {
        assert_eq!(e["space"]["id"], a);
        assert_eq!(e["parentDisplayName"], "Alpha");
        assert_eq!(e["child"], false);
        assert_eq!(e["collaborationID"], a_collaboration);
    }
    // filtered by type, limited, and with the subspaces' logs
    let only = ok(
        &app,
        &bob,
        LOG,
        json!({"data": {"collaborationID": a_collaboration, "types": ["SUBSPACE_CREATED"]}}),
    )
    .await;
    assert_eq!(
        only["activityLogOnCollaboration"].as_array().unwrap().len(),
        1
    );
    let one = ok(
        &app,
        &bob,
        LOG,
        json!({"data": {"collaborationID": a_collaboration, "limit": 1}}),
    )
    .await;
    assert_eq!(
        one["activityLogOnCollaboration"][0]["type"],
        "SUBSPACE_CREATED"
    );
    assert_eq!(
        one["activityLogOnCollaboration"].as_array().unwrap().len(),
        1
    );
    let all = ok(
        &app,
        &bob,
        LOG,
        json!({"data": {"collaborationID": a_collaboration, "includeChild": true}}),
    )
    .await;
    let all = all["activityLogOnCollaboration"].as_array().unwrap();
    let children: Vec<&Value> = all.iter().filter(|e| e["child"] == true).collect();
    assert_eq!(
        children.len(),
        2,
        "the creator and Alice joined Alpha One: {all:?}"
    );
    assert!(children.iter().all(|e| e["space"]["id"] == a1.as_str()));
    assert_eq!(all.len(), log.len() + 2);

    // reading a log needs READ_USERS on the platform and READ on the space
    let denied = app
        .graphql_at(
            "/graphql",
            LOG,
            json!({"data": {"collaborationID": a_collaboration}}),
        )
        .await;
    assert_reference_error(&denied["errors"][0], "FORBIDDEN_POLICY", 11104);
    let admins = ok(&app, &admin, MY_SPACES, json!({"limit": 10})).await;
    let c_collaboration = admins["me"]["mySpaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["space"]["id"] == c.as_str())
        .map(|m| {
            m["latestActivity"]["collaborationID"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .unwrap();
    let denied = err(
        &app,
        &bob,
        LOG,
        json!({"data": {"collaborationID": c_collaboration}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // an assignment by an admin is logged as caused by the admin
    ok(
        &app,
        &admin,
        ASSIGN,
        json!({"set": a1_set, "role": "MEMBER", "actor": bob_user.id.to_string()}),
    )
    .await;
    let a1_log = ok(&app, &bob, MY_SPACES, json!({})).await;
    assert!(
        !a1_log["me"]["mySpaces"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["space"]["id"] == a1.as_str()),
        "Bob did not act in Alpha One himself"
    );

    // deleting the spaces takes their log with them
    let before = crate::deletion::row_counts(&app).await["activity"];
    assert!(before > 0);
    for s in [&a, &b, &c] {
        ok(
            &app,
            &admin,
            "mutation($id: UUID!) { deleteSpace(deleteData: { ID: $id }) { id } }",
            json!({"id": s}),
        )
        .await;
    }
    assert_eq!(crate::deletion::row_counts(&app).await["activity"], 0);
}

const FEED: &str =
    "query($first: Int, $after: UUID, $last: Int, $before: UUID, $args: ActivityFeedQueryArgs) {
    activityFeed(first: $first, after: $after, last: $last, before: $before, args: $args) {
    total pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    activityFeed { id type space { id } triggeredBy { id } } } }";
const GROUPED: &str =
    "query($args: ActivityFeedGroupedQueryArgs) { activityFeedGrouped(args: $args) {
    id type space { id } triggeredBy { id } } }";

fn kinds(entries: &Value) -> Vec<(String, String)> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["space"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn activity_feeds(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (_, bob) = app.user_with_token("bob@example.org").await;
    let (_, carol) = app.user_with_token("carol@example.org").await;
    let account = account_of(&app, &admin).await;
    let (a, a_set) = space(&app, &admin, &account, "Alpha", open_public()).await;
    let (b, b_set) = space(&app, &admin, &account, "Beta", open_public()).await;
    space(
        &app,
        &admin,
        &account,
        "Gamma",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    ok(&app, &alice, JOIN, json!({"id": a_set})).await;
    ok(&app, &alice, JOIN, json!({"id": b_set})).await;
    ok(&app, &bob, JOIN, json!({"id": a_set})).await;
    let (a1, a1_set) = subspace(&app, &admin, &a, "Alpha One", open_public()).await;
    ok(&app, &alice, JOIN, json!({"id": a1_set})).await;
    let m = "MEMBER_JOINED".to_owned();
    let s = "SUBSPACE_CREATED".to_owned();
    // Alice's spaces (Alpha, Beta, Alpha One), newest first; Gamma is not hers
    let expected = vec![
        (m.clone(), a1.clone()),
        (s.clone(), a.clone()),
        (m.clone(), a1.clone()),
        (m.clone(), a.clone()),
        (m.clone(), b.clone()),
        (m.clone(), a.clone()),
        (m.clone(), b.clone()),
        (m.clone(), a.clone()),
    ];
    let all = ok(&app, &alice, FEED, json!({"first": 50})).await;
    assert_eq!(all["activityFeed"]["total"], 8.0);
    assert_eq!(kinds(&all["activityFeed"]["activityFeed"]), expected);

    // walking forwards three at a time, then backwards from the end
    let mut walked = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = ok(&app, &alice, FEED, json!({"first": 3, "after": after})).await;
        let page = &page["activityFeed"];
        walked.extend(kinds(&page["activityFeed"]));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked, expected);
    let tail = ok(&app, &alice, FEED, json!({"last": 3})).await;
    assert_eq!(
        kinds(&tail["activityFeed"]["activityFeed"]),
        expected[5..].to_vec()
    );
    assert_eq!(tail["activityFeed"]["pageInfo"]["hasPreviousPage"], true);
    let bad = err(&app, &alice, FEED, json!({"first": 1, "last": 1})).await;
    assert_eq!(bad["extensions"]["code"], "PAGINATION_INPUT_OUT_OF_BOUND");

    // narrowed by space, kind, author and role
    let only_b = ok(&app, &alice, FEED, json!({"args": {"spaceIds": [b]}})).await;
    assert_eq!(
        kinds(&only_b["activityFeed"]["activityFeed"]),
        vec![(m.clone(), b.clone()); 2]
    );
    let created = ok(
        &app,
        &alice,
        FEED,
        json!({"args": {"types": ["SUBSPACE_CREATED"]}}),
    )
    .await;
    assert_eq!(created["activityFeed"]["total"], 1.0);
    let excluded = ok(
        &app,
        &alice,
        FEED,
        json!({"args": {"excludeTypes": ["MEMBER_JOINED"]}}),
    )
    .await;
    assert_eq!(
        kinds(&excluded["activityFeed"]["activityFeed"]),
        vec![(s.clone(), a.clone())]
    );
    let own = ok(&app, &alice, FEED, json!({"args": {"myActivity": true}})).await;
    let own = own["activityFeed"]["activityFeed"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(own.len(), 3);
    assert!(
        own.iter()
            .all(|e| e["triggeredBy"]["id"] == alice_user.id.to_string())
    );
    let nothing = ok(
        &app,
        &alice,
        FEED,
        json!({"args": {"types": ["MEMBER_JOINED"], "excludeTypes": ["MEMBER_JOINED"]}}),
    )
    .await;
    assert_eq!(
        nothing["activityFeed"]["total"], 0.0,
        "every kind asked for is excluded"
    );
    let as_admin = ok(&app, &alice, FEED, json!({"args": {"roles": ["ADMIN"]}})).await;
    assert_eq!(as_admin["activityFeed"]["total"], 0.0);

    // grouped: the latest per subject, author and kind
    let grouped = ok(&app, &alice, GROUPED, json!({})).await;
    assert_eq!(
        kinds(&grouped["activityFeedGrouped"]),
        vec![
            (m.clone(), a1.clone()),
            (s.clone(), a.clone()),
            (m.clone(), a1.clone()),
            (m.clone(), a.clone()),
        ]
    );
    let two = ok(&app, &alice, GROUPED, json!({"args": {"limit": 2}})).await;
    assert_eq!(two["activityFeedGrouped"].as_array().unwrap().len(), 2);
    // someone with no spaces sees nothing (the reference showed the whole platform's activity)
    let none = ok(&app, &carol, GROUPED, json!({})).await;
    assert_eq!(none["activityFeedGrouped"], json!([]));
    let anonymous = app.graphql_at("/graphql", GROUPED, json!({})).await;
    assert_reference_error(&anonymous["errors"][0], "FORBIDDEN_POLICY", 11104);
}

/// `activityCreated` over graphql-transport-ws: a reader of a space hears each new entry of its
/// log, and with `includeChild` of its subspaces' logs, of the kinds asked for; anonymous
/// callers may not follow a log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_activity_reaches_followers() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;

    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let (_, bob) = app.user_with_token("bob@example.org").await;
    let account = account_of(&app, &admin).await;
    let (a, a_set) = space(&app, &admin, &account, "Alpha", open_public()).await;
    let (a1, a1_set) = subspace(&app, &admin, &a, "Alpha One", open_public()).await;
    let admins = ok(&app, &admin, MY_SPACES, json!({"limit": 10})).await;
    let collaboration = admins["me"]["mySpaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["space"]["id"] == a.as_str())
        .map(|m| m["latestActivity"]["collaborationID"].clone())
        .unwrap();

    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription($c: UUID!) { activityCreated(input: { collaborationID: $c, includeChild: true, types: [MEMBER_JOINED] }) {
            activity { type child space { id } triggeredBy { id } } } }",
        "variables": {"c": collaboration}}})
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

    let mut ws = app.ws(Some(&bob)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(WsMessage::text(subscribe)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    ok(&app, &alice, JOIN, json!({"id": a_set})).await;
    // a subspace's creation is of another kind: not heard
    subspace(&app, &admin, &a, "Alpha Two", open_public()).await;
    ok(&app, &alice, JOIN, json!({"id": a1_set})).await;
    let alice_id = alice_user.id.to_string();
    let first = crate::helpers::next_ws_message(&mut ws).await;
    let entry = &first["payload"]["data"]["activityCreated"]["activity"];
    assert_eq!(entry["type"], "MEMBER_JOINED", "{first}");
    assert_eq!(entry["space"]["id"], a.as_str());
    assert_eq!(entry["child"], false);
    assert_eq!(entry["triggeredBy"]["id"], alice_id.as_str());
    let second = crate::helpers::next_ws_message(&mut ws).await;
    let entry = &second["payload"]["data"]["activityCreated"]["activity"];
    assert_eq!(entry["type"], "MEMBER_JOINED", "{second}");
    assert_eq!(entry["space"]["id"], a1.as_str());
    assert_eq!(entry["child"], true);
}
