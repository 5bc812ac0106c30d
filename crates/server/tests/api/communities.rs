//! A space's community: its user groups (create, read, members, parent, deletion with the
//! space) and who may be @mentioned in a space.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space, subspace};

on_both_backends!(
    community_user_groups,
    mentionable_contributors,
    lookups_of_abouts_and_licenses
);

const CREATE_GROUP: &str =
    "mutation($c: UUID!, $name: String!) { createGroupOnCommunity(groupData: {
    parentID: $c, profile: { displayName: $name, description: \"Keeps the garden\" } }) {
    id profile { displayName description } } }";
const GROUPS: &str = "query($s: UUID!) { lookup { space(ID: $s) { community { id groups {
    id profile { displayName } members { id } parent { __typename ... on Community { id } } } } } } }";
const MENTION: &str = "query($s: UUID!, $f: ContributorFilterInput, $l: Int, $t: [ActorType!]) {
    lookup { space(ID: $s) { mentionableContributors(filter: $f, limit: $l, types: $t) {
    __typename id profile { displayName } } } } }";

async fn community_of(app: &crate::helpers::TestApp, token: &str, s: &str) -> String {
    let data = ok(
        app,
        token,
        "query($s: UUID!) { lookup { space(ID: $s) { community { id } } } }",
        json!({"s": s}),
    )
    .await;
    data["lookup"]["space"]["community"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn community_user_groups(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let account = account_of(&app, &admin).await;
    let baseline = crate::deletion::row_counts(&app).await;
    let (s, set) = space(&app, &admin, &account, "Garden", public()).await;
    assign(&app, &admin, &set, "MEMBER", alice_user.id).await;
    let community = community_of(&app, &admin, &s).await;

    // a member may not create groups; an admin may, and the whole profile is kept
    let denied = err(
        &app,
        &alice,
        CREATE_GROUP,
        json!({"c": community, "name": "Stewards"}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let created = ok(
        &app,
        &admin,
        CREATE_GROUP,
        json!({"c": community, "name": "Stewards"}),
    )
    .await;
    let group = created["createGroupOnCommunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        created["createGroupOnCommunity"]["profile"],
        json!({"displayName": "Stewards", "description": "Keeps the garden"})
    );
    let taken = err(
        &app,
        &admin,
        CREATE_GROUP,
        json!({"c": community, "name": "Stewards"}),
    )
    .await;
    assert_reference_error(&taken, "NOT_SUPPORTED", 12114);

    // members, parent, and the single-group field
    ok(
        &app,
        &admin,
        "mutation($g: UUID!, $u: UUID!) { assignUserToGroup(membershipData: { groupID: $g, userID: $u }) { id } }",
        json!({"g": group, "u": alice_user.id.to_string()}),
    )
    .await;
    let read = ok(&app, &alice, GROUPS, json!({"s": s})).await;
    let c = &read["lookup"]["space"]["community"];
    assert_eq!(
        c["groups"],
        json!([{"id": group, "profile": {"displayName": "Stewards"},
            "members": [{"id": alice_user.id.to_string()}],
            "parent": {"__typename": "Community", "id": community}}])
    );
    let one = ok(
        &app,
        &alice,
        "query($s: UUID!, $g: UUID!) { lookup { space(ID: $s) { community { group(ID: $g) { id } } } } }",
        json!({"s": s, "g": group}),
    )
    .await;
    assert_eq!(one["lookup"]["space"]["community"]["group"]["id"], group);
    let missing = err(
        &app,
        &alice,
        "query($s: UUID!, $g: UUID!) { lookup { space(ID: $s) { community { group(ID: $g) { id } } } } }",
        json!({"s": s, "g": uuid::Uuid::now_v7().to_string()}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);

    // the group, its profile, policy and the members' credentials go with the space
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteSpace(deleteData: { ID: $id }) { id } }",
        json!({"id": s}),
    )
    .await;
    assert_eq!(crate::deletion::row_counts(&app).await, baseline);
}

fn names(data: &Value) -> Vec<String> {
    data["lookup"]["space"]["mentionableContributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["profile"]["displayName"].as_str().unwrap().to_owned())
        .collect()
}

async fn mentionable_contributors(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (amy, amy_token) = app.user_with_token("amy@example.org").await;
    let (_, _bea) = app.user_with_token("bea@example.org").await;
    let (_, zed) = app.user_with_token("zed@example.org").await;
    let account = account_of(&app, &admin).await;
    let (open, _) = space(&app, &admin, &account, "Open", public()).await;
    let (closed, closed_set) = space(&app, &admin, &account, "Closed", Value::Null).await;
    assign(&app, &admin, &closed_set, "MEMBER", amy.id).await;
    let (inner, _) = subspace(&app, &admin, &closed, "Inner", public()).await;

    // a public L0: everyone on the platform, by display name, narrowed by the filter
    let filter = json!({"displayName": "test "});
    let all = ok(&app, &zed, MENTION, json!({"s": open, "f": filter})).await;
    let everyone = names(&all);
    for n in ["Test amy", "Test bea", "Test zed"] {
        assert!(everyone.iter().any(|x| x == n), "{n} in {everyone:?}");
    }
    let mut sorted = everyone.clone();
    sorted.sort();
    assert_eq!(everyone, sorted);
    let bea = ok(
        &app,
        &zed,
        MENTION,
        json!({"s": open, "f": {"displayName": "BEA"}}),
    )
    .await;
    assert_eq!(names(&bea), vec!["Test bea"]);
    let by_name_id = ok(
        &app,
        &zed,
        MENTION,
        json!({"s": open, "f": {"nameID": "zed"}}),
    )
    .await;
    assert_eq!(names(&by_name_id), vec!["Test zed"]);
    let two = ok(&app, &zed, MENTION, json!({"s": open, "f": filter, "l": 2})).await;
    assert_eq!(names(&two), everyone[..2].to_vec());
    let one = ok(&app, &zed, MENTION, json!({"s": open, "f": filter, "l": 0})).await;
    assert_eq!(names(&one).len(), 1, "the limit is at least one");
    let orgs = ok(
        &app,
        &zed,
        MENTION,
        json!({"s": open, "t": ["ORGANIZATION"]}),
    )
    .await;
    let orgs = orgs["lookup"]["space"]["mentionableContributors"]
        .as_array()
        .unwrap();
    assert!(!orgs.is_empty());
    assert!(orgs.iter().all(|o| o["__typename"] == "Organization"));

    // a private L0 offers its members only, and so does a public subspace below it
    for s in [&closed, &inner] {
        let members = ok(&app, &amy_token, MENTION, json!({"s": s, "f": filter})).await;
        assert_eq!(names(&members), vec!["Test amy"], "in {s}");
    }
    // reading it needs READ on the space
    let denied = err(&app, &zed, MENTION, json!({"s": closed})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
}

/// `lookup.about` answers whoever may read a space's about (anonymous visitors of a private
/// space too); `lookup.license` whoever may read the license, with the account's usage for an
/// account's license.
async fn lookups_of_abouts_and_licenses(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (closed, _) = space(&app, &admin, &account, "Closed", Value::Null).await;
    let ids = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { about { id } license { id } } } me { user { account { license { id } } } } }",
        json!({"s": closed}),
    )
    .await;
    let about = ids["lookup"]["space"]["about"]["id"].clone();
    let space_license = ids["lookup"]["space"]["license"]["id"].clone();
    let account_license = ids["me"]["user"]["account"]["license"]["id"].clone();
    let by_about = "query($a: UUID!) { lookup { about(ID: $a) { id profile { displayName } } } }";
    let anonymous = app
        .graphql_at("/graphql", by_about, json!({"a": about}))
        .await;
    assert_eq!(
        anonymous["data"]["lookup"]["about"]["profile"]["displayName"], "Closed",
        "{anonymous}"
    );
    let missing = err(
        &app,
        &admin,
        by_about,
        json!({"a": uuid::Uuid::now_v7().to_string()}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);
    let by_license =
        "query($l: UUID!) { lookup { license(ID: $l) { id type entitlements { type usage } } } }";
    let read = ok(&app, &admin, by_license, json!({"l": account_license})).await;
    assert_eq!(read["lookup"]["license"]["type"], "ACCOUNT");
    let free = read["lookup"]["license"]["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "ACCOUNT_SPACE_FREE")
        .unwrap()
        .clone();
    assert_eq!(free["usage"], 1.0, "the account's one space is counted");
    let read = ok(&app, &admin, by_license, json!({"l": space_license})).await;
    assert_eq!(read["lookup"]["license"]["type"], "SPACE");
    let denied = err(&app, &stranger, by_license, json!({"l": space_license})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // the caller's privileges on them: a stranger sees the about of the private space but
    // not its license; the space's storage names the space and its level
    let privileges = "query($a: UUID!, $l: UUID!) { lookup { myPrivileges { spaceAbout(ID: $a) license(ID: $l) } } }";
    let theirs = ok(
        &app,
        &stranger,
        privileges,
        json!({"a": about, "l": space_license}),
    )
    .await;
    let p = &theirs["lookup"]["myPrivileges"];
    assert!(
        p["spaceAbout"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "READ"),
        "{p}"
    );
    assert!(
        !p["license"].as_array().unwrap().iter().any(|x| x == "READ"),
        "{p}"
    );
    let admins = ok(
        &app,
        &admin,
        privileges,
        json!({"a": about, "l": space_license}),
    )
    .await;
    assert!(
        admins["lookup"]["myPrivileges"]["license"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "READ")
    );
    let parent = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { storageAggregator { parentEntity { id displayName level url } } } } }",
        json!({"s": closed}),
    )
    .await;
    assert_eq!(
        parent["lookup"]["space"]["storageAggregator"]["parentEntity"],
        json!({"id": closed, "displayName": "Closed", "level": "L0", "url": "http://localhost:3000/closed"})
    );
}
