//! The activity log over GraphQL: members joining and subspaces created are logged in their
//! space's collaboration; `activityLogOnCollaboration`, `me.mySpaces` and `exploreSpaces` read
//! it.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{ASSIGN, account_of, err, ok, space, subspace};

on_both_backends!(activity_is_logged_and_read_back);

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
