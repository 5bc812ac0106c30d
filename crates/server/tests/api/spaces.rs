//! Spaces over GraphQL: creation of spaces and subspaces with what they own, the space
//! authorization algorithm (tests 7, 9, 10, 12 and 13 of the authorization notes, and the
//! worked example, test 8, at the space level), settings and platform settings, ordering,
//! lookups and deletion of a subtree.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    creating_spaces_and_subspaces,
    public_and_private_spaces,
    private_subspace_in_public_space,
    public_subspace_in_private_space,
    archived_spaces_close_their_content,
    membership_policy_gives_entry_privileges,
    role_changes_need_no_recompute,
    ordering_lookups_and_deletion
);

const CREATE: &str = "mutation($data: CreateSpaceOnAccountInput!) { createSpace(spaceData: $data) {
    id nameID level levelZeroSpaceID visibility
    about { id why who isContentPublic profile { displayName url tagsets { name tags } }
        guidelines { profile { url } }
        membership { roleSetID communityID leadUsers { id } myMembershipStatus } metrics { name value } }
    settings { privacy { mode allowPlatformSupportAsAdmin } membership { policy allowSubspaceAdminsToInviteMembers }
        collaboration { inheritMembershipRights allowMembersToCreateSubspaces } sortMode }
    community { roleSet { id myRoles } }
    license { type entitlements { type enabled } }
    account { id } } }";

const SUB: &str = "mutation($data: CreateSubspaceInput!) { createSubspace(subspaceData: $data) {
    id nameID level levelZeroSpaceID about { profile { url } }
    settings { privacy { mode } membership { policy } }
    community { roleSet { id myRoles } } } }";

pub(crate) const ASSIGN: &str = "mutation($set: UUID!, $role: RoleName!, $actor: UUID!) {
    assignRoleToUser(roleData: { roleSetID: $set, role: $role, actorID: $actor }) { id } }";
const REMOVE: &str = "mutation($set: UUID!, $role: RoleName!, $actor: UUID!) {
    removeRoleFromUser(roleData: { roleSetID: $set, role: $role, actorID: $actor }) { id } }";
const SETTINGS: &str = "mutation($id: String!, $s: UpdateSpaceSettingsEntityInput!) {
    updateSpaceSettings(settingsData: { spaceID: $id, settings: $s }) { id settings { privacy { mode } } } }";

pub(crate) async fn ok(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    let (_, body) = app.graphql_as(token, query, vars).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

pub(crate) async fn err(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    let (_, body) = app.graphql_as(token, query, vars).await;
    body["errors"][0].clone()
}

/// The caller's privileges on a space (anonymous when `token` is None).
pub(crate) async fn privs(app: &TestApp, token: Option<&str>, space: &str) -> Vec<String> {
    let q = "query($id: UUID!) { lookup { myPrivileges { space(ID: $id) } } }";
    let vars = json!({"id": space});
    let body = match token {
        Some(t) => app.graphql_as(t, q, vars).await.1,
        None => app.graphql_at("/graphql", q, vars).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    serde_json::from_value(body["data"]["lookup"]["myPrivileges"]["space"].clone()).unwrap()
}

/// The caller's privileges on a role set.
pub(crate) async fn set_privs(app: &TestApp, token: &str, set: &str) -> Vec<String> {
    let data = ok(
        app,
        token,
        "query($id: UUID!) { lookup { myPrivileges { roleSet(ID: $id) } } }",
        json!({"id": set}),
    )
    .await;
    serde_json::from_value(data["lookup"]["myPrivileges"]["roleSet"].clone()).unwrap()
}

pub(crate) fn has(p: &[String], privilege: &str) -> bool {
    p.iter().any(|x| x == privilege)
}

/// Creates an L0 space as the global admin on `account`; returns (space id, role set id).
pub(crate) async fn space(
    app: &TestApp,
    admin: &str,
    account: &str,
    name: &str,
    settings: Value,
) -> (String, String) {
    let mut data = json!({"accountID": account, "about": {"profileData": {"displayName": name}},
        "collaborationData": {"calloutsSetData": {}, "addCallouts": false}});
    if !settings.is_null() {
        data["settings"] = settings;
    }
    let created = ok(app, admin, CREATE, json!({"data": data})).await;
    let s = &created["createSpace"];
    (
        s["id"].as_str().unwrap().to_owned(),
        s["community"]["roleSet"]["id"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn subspace(
    app: &TestApp,
    token: &str,
    parent: &str,
    name: &str,
    settings: Value,
) -> (String, String) {
    let mut data = json!({"spaceID": parent, "about": {"profileData": {"displayName": name}},
        "collaborationData": {"calloutsSetData": {}, "addCallouts": false}});
    if !settings.is_null() {
        data["settings"] = settings;
    }
    let created = ok(app, token, SUB, json!({"data": data})).await;
    let s = &created["createSubspace"];
    (
        s["id"].as_str().unwrap().to_owned(),
        s["community"]["roleSet"]["id"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn account_of(app: &TestApp, token: &str) -> String {
    let data = ok(app, token, "{ me { user { account { id } } } }", json!({})).await;
    data["me"]["user"]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn assign(app: &TestApp, token: &str, set: &str, role: &str, user: impl ToString) {
    ok(
        app,
        token,
        ASSIGN,
        json!({"set": set, "role": role, "actor": user.to_string()}),
    )
    .await;
}

pub(crate) fn public() -> Value {
    json!({"privacy": {"mode": "PUBLIC"}})
}

async fn creating_spaces_and_subspaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let account = account_of(&app, &owner).await;

    // a fresh account has no free space: its owner cannot create one, a platform admin can
    let refused = err(
        &app,
        &owner,
        CREATE,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "accountID": account, "about": {"profileData": {"displayName": "Mine"}}}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("account-space-free"),
        "{refused}"
    );

    let data = json!({"data": {"collaborationData": {"calloutsSetData": {}}, "accountID": account, "nameID": "green-city",
        "about": {"why": "Because", "who": "Everyone",
            "profileData": {"displayName": "Green City", "tags": ["climate"]}}}});
    let created = ok(&app, &admin, CREATE, data.clone()).await["createSpace"].clone();
    assert_eq!(created["nameID"], "green-city");
    assert_eq!(created["level"], "L0");
    assert_eq!(created["levelZeroSpaceID"], created["id"]);
    assert_eq!(created["visibility"], "ACTIVE");
    assert_eq!(created["about"]["why"], "Because");
    assert!(
        created["about"]["guidelines"]["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/green-city"),
        "guidelines link to their space: {created}"
    );
    assert_eq!(created["about"]["isContentPublic"], false);
    assert!(
        created["about"]["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/green-city")
    );
    assert_eq!(
        created["about"]["profile"]["tagsets"][0],
        json!({"name": "default", "tags": ["climate"]})
    );
    // the caller's credentials are read when a request starts: the creator's new roles show
    // from the next request on
    assert_eq!(
        created["about"]["membership"]["myMembershipStatus"],
        "NOT_MEMBER"
    );
    assert_eq!(
        created["about"]["metrics"],
        json!([{"name": "members", "value": "1"}])
    );
    assert_eq!(
        created["about"]["membership"]["leadUsers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // the reference's L0 defaults
    assert_eq!(
        created["settings"],
        json!({"privacy": {"mode": "PRIVATE", "allowPlatformSupportAsAdmin": false},
            "membership": {"policy": "APPLICATIONS", "allowSubspaceAdminsToInviteMembers": true},
            "collaboration": {"inheritMembershipRights": false, "allowMembersToCreateSubspaces": false},
            "sortMode": "ALPHABETICAL"})
    );
    let next = ok(
        &app,
        &admin,
        "query($id: UUID!) { lookup { space(ID: $id) { about { membership { myMembershipStatus } } community { roleSet { myRoles } } } } }",
        json!({"id": created["id"]}),
    )
    .await;
    assert_eq!(
        next["lookup"]["space"]["about"]["membership"]["myMembershipStatus"],
        "MEMBER"
    );
    let mut roles: Vec<String> =
        serde_json::from_value(next["lookup"]["space"]["community"]["roleSet"]["myRoles"].clone())
            .unwrap();
    roles.sort();
    assert_eq!(roles, ["ADMIN", "LEAD", "MEMBER"]);
    let enabled: Vec<&str> = created["license"]["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["enabled"] == true)
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        enabled,
        [
            "SPACE_FREE",
            "SPACE_FLAG_SAVE_AS_TEMPLATE",
            "SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS"
        ]
    );
    assert_eq!(created["account"]["id"], account.as_str());
    let id = created["id"].as_str().unwrap().to_owned();

    // the NameID is taken now; restricted names are refused too
    let again = err(&app, &admin, CREATE, data).await;
    assert_reference_error(&again, "BAD_USER_INPUT", 12101);
    let restricted = err(
        &app,
        &admin,
        CREATE,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "accountID": account, "nameID": "admin", "about": {"profileData": {"displayName": "X"}}}}),
    )
    .await;
    assert_reference_error(&restricted, "BAD_USER_INPUT", 12101);

    // the account lists it, and its free-space usage counts it
    let listed = ok(
        &app,
        &owner,
        "{ me { user { account { spaces { id } license { entitlements { type usage } } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        listed["me"]["user"]["account"]["spaces"],
        json!([{"id": id}])
    );
    let usage = listed["me"]["user"]["account"]["license"]["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "ACCOUNT_SPACE_FREE")
        .unwrap()["usage"]
        .clone();
    assert_eq!(usage, 1.0);

    // subspaces: the reference's subspace defaults, URLs by the grammar, two levels deep
    let l1 = ok(
        &app,
        &admin,
        SUB,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "spaceID": id, "about": {"profileData": {"displayName": "Team A"}}}}),
    )
    .await["createSubspace"]
        .clone();
    assert_eq!(l1["level"], "L1");
    assert_eq!(l1["levelZeroSpaceID"], id.as_str());
    assert_eq!(
        l1["settings"],
        json!({"privacy": {"mode": "PUBLIC"}, "membership": {"policy": "OPEN"}})
    );
    assert!(
        l1["about"]["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/green-city/challenges/teama")
    );
    let l1_id = l1["id"].as_str().unwrap();
    let l2 = ok(
        &app,
        &admin,
        SUB,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "spaceID": l1_id, "nameID": "deep", "about": {"profileData": {"displayName": "Deep"}}}}),
    )
    .await["createSubspace"]
        .clone();
    assert_eq!(l2["level"], "L2");
    assert!(
        l2["about"]["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/green-city/challenges/teama/opportunities/deep")
    );
    let too_deep = err(
        &app,
        &admin,
        SUB,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "spaceID": l2["id"], "about": {"profileData": {"displayName": "Deeper"}}}}),
    )
    .await;
    assert_reference_error(&too_deep, "BAD_USER_INPUT", 12101);

    // a registered non-member cannot create subspaces in it
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let denied = err(
        &app,
        &stranger,
        SUB,
        json!({"data": {"collaborationData": {"calloutsSetData": {}}, "spaceID": id, "about": {"profileData": {"displayName": "Nope"}}}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // subspaceByNameID finds any level of the tree; lookupByName finds L0 spaces only
    let found = ok(
        &app,
        &admin,
        "query($id: UUID!) { lookup { space(ID: $id) { subspaceByNameID(NAMEID: \"deep\") { id level } } } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(found["lookup"]["space"]["subspaceByNameID"]["level"], "L2");
    let by_name = ok(
        &app,
        &admin,
        "{ lookupByName { space(NAMEID: \"green-city\") { id subspaces { nameID } } } }",
        json!({}),
    )
    .await;
    assert_eq!(by_name["lookupByName"]["space"]["id"], id.as_str());
    assert_eq!(
        by_name["lookupByName"]["space"]["subspaces"],
        json!([{"nameID": "teama"}])
    );
    let missing = err(
        &app,
        &admin,
        "{ lookupByName { space(NAMEID: \"deep\") { id } } }",
        json!({}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);
}

async fn public_and_private_spaces(backend: Backend) {
    // authorization test 7, at the space level
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let (id, set) = space(&app, &admin, &account, "Private Place", Value::Null).await;
    assign(&app, &admin, &set, "MEMBER", member.id).await;

    for who in [None, Some(stranger.as_str())] {
        let p = privs(&app, who, &id).await;
        assert!(has(&p, "READ_ABOUT") && !has(&p, "READ"), "{who:?}: {p:?}");
    }
    assert!(has(&privs(&app, Some(&member_token), &id).await, "READ"));
    // the about, and who hosts the space, are readable by everyone who sees the space; the
    // community is not (the reference guards `account` with READ, and so fails its own
    // client's about query for anonymous visitors of a private space)
    let q =
        "query($id: UUID!) { lookup { space(ID: $id) { account { id } about { profile { displayName
        storageBucket { parentEntity { id type } } } isContentPublic } } } }";
    let about = app.graphql_at("/graphql", q, json!({"id": id})).await;
    assert_eq!(
        about["data"]["lookup"]["space"]["about"]["profile"]["displayName"], "Private Place",
        "{about}"
    );
    assert_eq!(
        about["data"]["lookup"]["space"]["account"]["id"],
        account.as_str()
    );
    assert_eq!(
        about["data"]["lookup"]["space"]["about"]["profile"]["storageBucket"]["parentEntity"],
        json!({"id": id, "type": "SPACE_ABOUT"})
    );
    let community = app
        .graphql_at(
            "/graphql",
            "query($id: UUID!) { lookup { space(ID: $id) { community { id } } } }",
            json!({"id": id}),
        )
        .await;
    assert_reference_error(&community["errors"][0], "FORBIDDEN_POLICY", 11104);
    // the account owner who is no member only sees the about (account rules stay out of spaces)
    let p = privs(&app, Some(&owner), &id).await;
    assert!(has(&p, "READ_ABOUT") && !has(&p, "READ"), "{p:?}");

    // made public, the next read gives READ to anonymous and registered users
    let changed = ok(&app, &admin, SETTINGS, json!({"id": id, "s": public()})).await;
    assert_eq!(
        changed["updateSpaceSettings"]["settings"]["privacy"]["mode"],
        "PUBLIC"
    );
    for who in [None, Some(stranger.as_str())] {
        assert!(has(&privs(&app, who, &id).await, "READ"), "{who:?}");
    }
    // a member cannot change settings
    let denied = err(
        &app,
        &member_token,
        SETTINGS,
        json!({"id": id, "s": public()}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
}

async fn private_subspace_in_public_space(backend: Backend) {
    // authorization test 8 (the worked example), at the space level
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (m0, m0_token) = app.user_with_token("m0@example.org").await;
    let (a0, a0_token) = app.user_with_token("a0@example.org").await;
    let (m1, m1_token) = app.user_with_token("m1@example.org").await;
    let (a1, a1_token) = app.user_with_token("a1@example.org").await;
    let account = account_of(&app, &owner).await;
    let (s0, set0) = space(&app, &admin, &account, "Open Hall", public()).await;
    let (s1, set1) = subspace(
        &app,
        &admin,
        &s0,
        "Back Room",
        json!({"privacy": {"mode": "PRIVATE"}, "collaboration": {"inheritMembershipRights": true,
            "allowEventsFromSubspaces": true, "allowGuestContributions": false, "allowMembersToCreateCallouts": true,
            "allowMembersToCreateSubspaces": true, "allowMembersToVideoCall": false}}),
    )
    .await;
    for u in [&m0, &a0, &m1, &a1] {
        assign(&app, &admin, &set0, "MEMBER", u.id).await;
    }
    assign(&app, &admin, &set0, "ADMIN", a0.id).await;
    assign(&app, &admin, &set1, "MEMBER", m1.id).await;
    assign(&app, &admin, &set1, "MEMBER", a1.id).await;
    assign(&app, &admin, &set1, "ADMIN", a1.id).await;

    let reads = |p: Vec<String>| has(&p, "READ");
    assert!(!reads(privs(&app, None, &s1).await), "anonymous");
    assert!(
        !reads(privs(&app, Some(&owner), &s1).await),
        "account admin"
    );
    let m0_privs = privs(&app, Some(&m0_token), &s1).await;
    assert!(
        !reads(m0_privs.clone()) && has(&m0_privs, "READ_ABOUT"),
        "L0 member: {m0_privs:?}"
    );
    assert!(reads(privs(&app, Some(&a0_token), &s1).await), "L0 admin");
    assert!(reads(privs(&app, Some(&m1_token), &s1).await), "L1 member");
    assert!(reads(privs(&app, Some(&a1_token), &s1).await), "L1 admin");
    assert!(reads(privs(&app, Some(&admin), &s1).await), "global admin");
    // the L0 admin manages the subspace, an L1 admin does not manage the L0 space
    assert!(has(&privs(&app, Some(&a0_token), &s1).await, "DELETE"));
    assert!(!has(&privs(&app, Some(&a1_token), &s0).await, "UPDATE"));
    // the L1 admin holds the implied subspace-admin credential on the parent
    let creds = ok(
        &app,
        &a1_token,
        "{ me { user { credentials { type resourceID } } } }",
        json!({}),
    )
    .await;
    assert!(
        creds["me"]["user"]["credentials"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "SPACE_SUBSPACE_ADMIN", "resourceID": s0})),
        "{creds}"
    );
}

async fn public_subspace_in_private_space(backend: Backend) {
    // authorization test 9
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (m0, m0_token) = app.user_with_token("m0@example.org").await;
    let (stranger, stranger_token) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let (s0, set0) = space(&app, &admin, &account, "Closed Hall", Value::Null).await;
    let (s1, set1) = subspace(&app, &admin, &s0, "Open Corner", Value::Null).await;
    assign(&app, &admin, &set0, "MEMBER", m0.id).await;

    assert!(
        has(&privs(&app, Some(&m0_token), &s1).await, "READ"),
        "L0 member reads the public L1"
    );
    assert!(!has(&privs(&app, Some(&stranger_token), &s1).await, "READ"));
    assert!(!has(&privs(&app, None, &s1).await, "READ"));

    // nobody gets a role in a subspace without being a member of its parent
    for role in ["MEMBER", "ADMIN"] {
        let refused = err(
            &app,
            &admin,
            ASSIGN,
            json!({"set": set1, "role": role, "actor": stranger.id.to_string()}),
        )
        .await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
}

async fn archived_spaces_close_their_content(backend: Backend) {
    // authorization test 10
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (reader, reader_token) = app.user_with_token("reader@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let open = json!({"membership": {"policy": "OPEN", "trustedOrganizations": [], "allowSubspaceAdminsToInviteMembers": false}});
    let (s0, set0) = space(&app, &admin, &account, "Old Hall", open).await;
    let (s1, set1) = subspace(&app, &admin, &s0, "Old Corner", Value::Null).await;
    assign(&app, &admin, &set0, "MEMBER", member.id).await;
    assign(&app, &admin, &set1, "MEMBER", member.id).await;
    ok(
        &app,
        &admin,
        "mutation($u: UUID!) { assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_SPACES_READER }) { id } }",
        json!({"u": reader.id.to_string()}),
    )
    .await;
    assert!(has(&privs(&app, Some(&member_token), &s1).await, "READ"));
    assert!(has(
        &set_privs(&app, &stranger, &set0).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));

    // only platform admins archive
    let archive = "mutation($id: UUID!) { updateSpacePlatformSettings(updateData: { spaceID: $id, visibility: ARCHIVED }) {
        visibility subspaces { visibility } } }";
    let denied = err(&app, &member_token, archive, json!({"id": s0})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let archived = ok(&app, &admin, archive, json!({"id": s0})).await;
    assert_eq!(
        archived["updateSpacePlatformSettings"],
        json!({"visibility": "ARCHIVED", "subspaces": [{"visibility": "ARCHIVED"}]})
    );
    for s in [&s0, &s1] {
        assert!(
            !has(&privs(&app, Some(&member_token), s).await, "READ"),
            "member on {s}"
        );
        assert!(
            has(&privs(&app, Some(&reader_token), s).await, "READ"),
            "spaces reader on {s}"
        );
        assert!(
            has(&privs(&app, Some(&admin), s).await, "READ"),
            "global admin on {s}"
        );
    }
    // nobody enters an archived tree through its role sets (the reference keeps the
    // subspaces' parent-member entry rules; here they go too)
    assert!(!has(
        &set_privs(&app, &stranger, &set0).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));
    assert!(!has(
        &set_privs(&app, &member_token, &set1).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));
    // visibility is set on L0 spaces only
    let refused = err(
        &app,
        &admin,
        "mutation($id: UUID!) { updateSpacePlatformSettings(updateData: { spaceID: $id, visibility: ACTIVE }) { id } }",
        json!({"id": s1}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
}

async fn membership_policy_gives_entry_privileges(backend: Backend) {
    // authorization test 12, and trusted organizations (a reference quirk done right)
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (space_admin, space_admin_token) = app.user_with_token("sa@example.org").await;
    let (m0, m0_token) = app.user_with_token("m0@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let (s0, set0) = space(&app, &admin, &account, "Policy Hall", Value::Null).await;
    let (_, set1) = subspace(&app, &admin, &s0, "Policy Corner", Value::Null).await;
    assign(&app, &admin, &set0, "MEMBER", space_admin.id).await;
    assign(&app, &admin, &set0, "ADMIN", space_admin.id).await;
    assign(&app, &admin, &set0, "MEMBER", m0.id).await;

    let policy = |p: &str| json!({"membership": {"policy": p, "trustedOrganizations": [], "allowSubspaceAdminsToInviteMembers": false}});
    for (p, join, apply) in [
        ("OPEN", true, false),
        ("APPLICATIONS", false, true),
        ("INVITATIONS", false, false),
    ] {
        ok(&app, &admin, SETTINGS, json!({"id": s0, "s": policy(p)})).await;
        let got = set_privs(&app, &stranger, &set0).await;
        assert_eq!(has(&got, "ROLESET_ENTRY_ROLE_JOIN"), join, "{p}: {got:?}");
        assert_eq!(has(&got, "ROLESET_ENTRY_ROLE_APPLY"), apply, "{p}: {got:?}");
    }
    let sa = set_privs(&app, &space_admin_token, &set0).await;
    assert!(
        has(&sa, "ROLESET_ENTRY_ROLE_INVITE") && !has(&sa, "ROLESET_ENTRY_ROLE_ASSIGN"),
        "{sa:?}"
    );
    let ga = set_privs(&app, &admin, &set0).await;
    assert!(
        has(&ga, "ROLESET_ENTRY_ROLE_INVITE") && has(&ga, "ROLESET_ENTRY_ROLE_ASSIGN"),
        "{ga:?}"
    );
    // on the (OPEN) subspace, parent members may join; others may not
    assert!(has(
        &set_privs(&app, &m0_token, &set1).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));
    assert!(!has(
        &set_privs(&app, &stranger, &set1).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));

    // joinRoleSet: a parent member joins the subspace; a stranger is refused
    let join = "mutation($id: UUID!) { joinRoleSet(joinData: { roleSetID: $id }) { id myRoles } }";
    ok(&app, &m0_token, join, json!({"id": set1})).await;
    let roles = ok(
        &app,
        &m0_token,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { myRoles } } }",
        json!({"id": set1}),
    )
    .await;
    assert_eq!(roles["lookup"]["roleSet"]["myRoles"], json!(["MEMBER"]));
    let refused = err(&app, &stranger, join, json!({"id": set1})).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);

    // associates of a trusted organization may join the L0 space (the reference's criterion
    // never matches: it wraps the organization id in quotes)
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: { profileData: { displayName: \"Trusted Org\" } }) { id roleSet { id } } }",
        json!({}),
    )
    .await;
    let (associate, associate_token) = app.user_with_token("assoc@example.org").await;
    assign(
        &app,
        &admin,
        org["createOrganization"]["roleSet"]["id"].as_str().unwrap(),
        "ASSOCIATE",
        associate.id,
    )
    .await;
    let trusted = json!({"membership": {"policy": "INVITATIONS", "allowSubspaceAdminsToInviteMembers": false,
        "trustedOrganizations": [org["createOrganization"]["id"]]}});
    ok(&app, &admin, SETTINGS, json!({"id": s0, "s": trusted})).await;
    assert!(has(
        &set_privs(&app, &associate_token, &set0).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));
    assert!(!has(
        &set_privs(&app, &stranger, &set0).await,
        "ROLESET_ENTRY_ROLE_JOIN"
    ));
}

async fn role_changes_need_no_recompute(backend: Backend) {
    // authorization test 13
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (user, token) = app.user_with_token("user@example.org").await;
    let account = account_of(&app, &owner).await;
    let (s0, set0) = space(&app, &admin, &account, "Quiet Hall", Value::Null).await;
    let (s1, set1) = subspace(
        &app,
        &admin,
        &s0,
        "Quiet Corner",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    let (_, set2) = subspace(&app, &admin, &s1, "Quiet Nook", Value::Null).await;

    assert!(!has(&privs(&app, Some(&token), &s0).await, "READ"));
    assign(&app, &admin, &set0, "MEMBER", user.id).await;
    assert!(
        has(&privs(&app, Some(&token), &s0).await, "READ"),
        "the next request reads"
    );
    assign(&app, &admin, &set1, "MEMBER", user.id).await;
    assign(&app, &admin, &set1, "ADMIN", user.id).await;
    assign(&app, &admin, &set2, "MEMBER", user.id).await;
    assert!(has(&privs(&app, Some(&token), &s1).await, "UPDATE"));

    // leaving the L0 space takes every role below it
    ok(
        &app,
        &token,
        REMOVE,
        json!({"set": set0, "role": "MEMBER", "actor": user.id.to_string()}),
    )
    .await;
    let creds = ok(
        &app,
        &token,
        "{ me { user { credentials { type } } } }",
        json!({}),
    )
    .await;
    let space_creds: Vec<&Value> = creds["me"]["user"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"].as_str().unwrap().starts_with("SPACE_"))
        .collect();
    assert!(space_creds.is_empty(), "{creds}");
    assert!(!has(&privs(&app, Some(&token), &s1).await, "READ"));
}

async fn ordering_lookups_and_deletion(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner_user, owner) = app.user_with_token("owner@example.org").await;
    let owner_id = owner_user.id;
    let account = account_of(&app, &owner).await;
    let (s0, _) = space(&app, &admin, &account, "Big Hall", public()).await;
    let (a, _) = subspace(&app, &admin, &s0, "Alpha", Value::Null).await;
    let (b, _) = subspace(&app, &admin, &s0, "Beta", Value::Null).await;
    let (c, _) = subspace(&app, &admin, &s0, "Gamma", Value::Null).await;
    let (_, _) = space(&app, &admin, &account, "Small Hall", Value::Null).await;
    let (deep, _) = subspace(&app, &admin, &a, "Alpha Deep", Value::Null).await;

    // as in the reference, a new subspace sorts before its siblings
    let q = "query($id: UUID!) { lookup { space(ID: $id) { subspaces { id } } } }";
    let order = |v: Value| -> Vec<String> {
        v["lookup"]["space"]["subspaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        order(ok(&app, &admin, q, json!({"id": s0})).await),
        [c.clone(), b.clone(), a.clone()]
    );
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $ids: [UUID!]!) { updateSubspacesSortOrder(sortOrderData: { spaceID: $p, subspaceIDs: $ids }) { id } }",
        json!({"p": s0, "ids": [a, b, c]}),
    )
    .await;
    assert_eq!(
        order(ok(&app, &admin, q, json!({"id": s0})).await),
        [a.clone(), b.clone(), c.clone()]
    );
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $s: UUID!) { updateSubspacePinned(pinnedData: { spaceID: $p, subspaceID: $s, pinned: true }) { pinned } }",
        json!({"p": s0, "s": c}),
    )
    .await;
    assert_eq!(
        order(ok(&app, &admin, q, json!({"id": s0})).await),
        [c.clone(), a.clone(), b.clone()]
    );
    let wrong = err(
        &app,
        &admin,
        "mutation($p: UUID!, $s: UUID!) { updateSubspacePinned(pinnedData: { spaceID: $p, subspaceID: $s, pinned: true }) { pinned } }",
        json!({"p": s0, "s": deep}),
    )
    .await;
    assert_reference_error(&wrong, "ENTITY_NOT_FOUND", 10101);

    // `spaces`: L0 only, public first; `spacesPaginated` in creation order with a total
    let listed = app.graphql("{ spaces { nameID } spacesPaginated(first: 1) { total spaces { nameID } pageInfo { hasNextPage } } restrictedSpaceNames }").await;
    assert_eq!(
        listed["data"]["spaces"],
        json!([{"nameID": "bighall"}, {"nameID": "smallhall"}]),
        "{listed}"
    );
    assert_eq!(listed["data"]["spacesPaginated"]["total"], 2.0);
    assert_eq!(
        listed["data"]["spacesPaginated"]["spaces"],
        json!([{"nameID": "bighall"}])
    );
    assert_eq!(
        listed["data"]["spacesPaginated"]["pageInfo"]["hasNextPage"],
        true
    );
    assert!(
        listed["data"]["restrictedSpaceNames"]
            .as_array()
            .unwrap()
            .contains(&json!("admin"))
    );
    // the space is an actor
    let as_actor = app
        .graphql_at(
            "/graphql",
            "query($id: UUID!) { actor(id: $id) { __typename id type } }",
            json!({"id": s0}),
        )
        .await;
    assert_eq!(
        as_actor["data"]["actor"],
        json!({"__typename": "Space", "id": s0, "type": "SPACE"})
    );

    // deleting the L0 space removes its whole tree and everything it owns: every table is
    // back to where it was before the space was created (the other space stays)
    let (_, hopeful_token) = app.user_with_token("hopeful@example.org").await;
    let counts_before = crate::deletion::row_counts(&app).await;
    let (doomed, doomed_set) = space(&app, &admin, &account, "Doomed Hall", Value::Null).await;
    let (doomed_sub, _) = subspace(&app, &admin, &doomed, "Doomed Corner", Value::Null).await;
    let (_, _) = subspace(&app, &admin, &doomed_sub, "Doomed Nook", Value::Null).await;
    // applications and invitations go with their space
    ok(
        &app,
        &hopeful_token,
        "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }",
        json!({"set": doomed_set}),
    )
    .await;
    ok(
        &app,
        &admin,
        "mutation($set: UUID!, $u: UUID!) { inviteForEntryRoleOnRoleSet(invitationData: { roleSetID: $set,
            invitedActorIDs: [$u], invitedUserEmails: [\"later@example.org\"], extraRoles: [] }) { type } }",
        json!({"set": doomed_set, "u": owner_id.to_string()}),
    )
    .await;
    let deleted = ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteSpace(deleteData: { ID: $id }) { id } }",
        json!({"id": doomed}),
    )
    .await;
    assert_eq!(deleted["deleteSpace"]["id"], doomed.as_str());
    assert_eq!(crate::deletion::row_counts(&app).await, counts_before);
    let gone = err(&app, &admin, q, json!({"id": doomed_sub})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

on_both_backends!(a_space_list_costs_a_bounded_number_of_statements);

/// `spacesPaginated(first: 20)` with each space's about, profile parts, privileges, leads and
/// subspaces reads its children in batches: 20 spaces with 3 subspaces each cost no more
/// statements than 2 spaces do.
async fn a_space_list_costs_a_bounded_number_of_statements(backend: Backend) {
    let app = crate::helpers::spawn_measured(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (lead, _) = app.user_with_token("lead@example.org").await;
    let account = account_of(&app, &owner).await;
    let list = "{ spacesPaginated(first: 20) { total spaces { id nameID
        about { why profile { displayName url tagsets { tags } references { uri } visuals { uri }
            location { city } }
            membership { leadUsers { id } leadOrganizations { id } myMembershipStatus } metrics { value } }
        authorization { myPrivileges }
        subspaces { id about { profile { displayName url } } } } } }";
    let mut costs = Vec::new();
    let mut created = 0;
    for target in [2, 20] {
        while created < target {
            let (s, set) = space(
                &app,
                &admin,
                &account,
                &format!("Listed {created}"),
                public(),
            )
            .await;
            assign(&app, &admin, &set, "MEMBER", lead.id).await;
            assign(&app, &admin, &set, "LEAD", lead.id).await;
            for i in 0..3 {
                subspace(&app, &admin, &s, &format!("Sub {created} {i}"), Value::Null).await;
            }
            created += 1;
        }
        let (cost, data) = app.fewest_statements(&admin, list).await;
        let spaces = data["spacesPaginated"]["spaces"].as_array().unwrap();
        assert_eq!(spaces.len(), target);
        assert!(
            spaces
                .iter()
                .all(|s| s["subspaces"].as_array().unwrap().len() == 3)
        );
        assert!(spaces.iter().all(|s| {
            s["about"]["membership"]["leadUsers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["id"] == lead.id.to_string())
        }));
        costs.push(cost);
    }
    // Reading any child per space would add at least one statement per added space, so 18 more
    // spaces (with 54 more subspaces) must cost fewer than 18 more statements. Batches may
    // still split when their keys arrive apart, which is why the two counts can differ.
    assert!(
        costs[1] < costs[0] + 18,
        "statements for 2 and 20 spaces: {costs:?}"
    );
    println!("spacesPaginated(first: 20) statements: {costs:?}");
}
