//! Callouts over GraphQL: creation with the reference's defaults, contributions of posts with
//! their comments, ordering, deletion, the callout checks (closed callouts, allowed kinds,
//! unique NameIDs), and the callout authorization tests of the notes: content of public and
//! private spaces (tests 7 and 8 at the post level), draft callouts (test 11) and the settings
//! toggles (test 14).

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space, subspace};

on_both_backends!(
    callouts_gather_posts,
    callout_checks_write_nothing,
    content_of_private_spaces,
    draft_callouts,
    settings_toggles,
    content_activity_is_logged,
    callouts_are_renamed,
    contributions_move_and_publishers_change
);

const SET: &str = "query($s: UUID!) { lookup { space(ID: $s) { collaboration { id
    calloutsSet { id type authorization { myPrivileges } } authorization { myPrivileges } } } } }";
pub(crate) const CREATE: &str =
    "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) {
    id nameID sortOrder isTemplate publishedDate publishedBy { id } createdBy { id }
    settings { visibility contribution { enabled allowedTypes canAddContributions commentsEnabled }
        framing { commentsEnabled } }
    framing { type profile { displayName url tagsets { name tags } } }
    comments { id type displayName authorization { myPrivileges } }
    contributionDefaults { defaultDisplayName postDescription }
    authorization { myPrivileges } } }";
pub(crate) const CONTRIBUTE: &str = "mutation($d: CreateContributionOnCalloutInput!) { createContributionOnCallout(contributionData: $d) {
    id sortOrder createdBy { id } post { id nameID profile { displayName url tagsets { name tags } } comments { id type displayName } } } }";
const CALLOUTS: &str = "query($s: UUID!, $tags: [String!], $limit: Float) { lookup { space(ID: $s) { collaboration { calloutsSet {
    callouts(withTags: $tags, limit: $limit) { id nameID sortOrder activity contributionsCount { post link whiteboard memo collaboraDocument }
        posts { nameID }
        contributions { id post { nameID profile { displayName } } } } } } } } }";
const PRIVILEGES: &str = "query($c: UUID!, $p: UUID!, $k: UUID!) { lookup {
    myPrivileges { collaboration(ID: $c) callout(ID: $k) post(ID: $p) } } }";

/// The ids of a space's collaboration and callouts set.
pub(crate) async fn callouts_set(app: &TestApp, token: &str, s: &str) -> (String, String) {
    let data = ok(app, token, SET, json!({"s": s})).await;
    let c = &data["lookup"]["space"]["collaboration"];
    (
        c["id"].as_str().unwrap().to_owned(),
        c["calloutsSet"]["id"].as_str().unwrap().to_owned(),
    )
}

/// A published callout taking posts from members; returns it.
pub(crate) async fn post_callout(app: &TestApp, token: &str, set: &str, name: &str) -> Value {
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": name}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["POST"]}}});
    ok(app, token, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone()
}

/// A post on a callout; returns the contribution.
pub(crate) async fn add_post(app: &TestApp, token: &str, callout: &str, name: &str) -> Value {
    let d = json!({"calloutID": callout, "type": "POST",
        "post": {"profileData": {"displayName": name}, "tags": ["green"]}});
    ok(app, token, CONTRIBUTE, json!({"d": d})).await["createContributionOnCallout"].clone()
}

fn has(v: &Value, privilege: &str) -> bool {
    v.as_array().unwrap().iter().any(|p| p == privilege)
}

async fn privileges(
    app: &TestApp,
    token: Option<&str>,
    collaboration: &str,
    callout: &str,
    post: &str,
) -> Value {
    let vars = json!({"c": collaboration, "k": callout, "p": post});
    let body = match token {
        Some(t) => app.graphql_as(t, PRIVILEGES, vars).await.1,
        None => app.graphql_at("/graphql", PRIVILEGES, vars).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["lookup"]["myPrivileges"].clone()
}

async fn callouts_gather_posts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Idea Garden", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;

    // the reference's defaults: published by its creator, comments on, no contributions
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Welcome!"},
        "tags": ["hello"]}});
    let plain = &ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"];
    assert_eq!(plain["nameID"], "welcome");
    assert_eq!(plain["sortOrder"], -1.0);
    assert_eq!(plain["settings"]["visibility"], "PUBLISHED");
    assert_eq!(
        plain["settings"]["contribution"],
        json!({"enabled": false, "allowedTypes": [], "canAddContributions": "MEMBERS", "commentsEnabled": true})
    );
    assert_eq!(plain["publishedBy"]["id"], admin_user.id.to_string());
    assert_eq!(plain["createdBy"]["id"], admin_user.id.to_string());
    assert!(plain["publishedDate"].is_number() || plain["publishedDate"].is_string());
    assert_eq!(plain["framing"]["type"], "NONE");
    assert_eq!(
        plain["framing"]["profile"]["url"],
        "http://localhost:3000/ideagarden/collaboration/welcome"
    );
    assert!(
        plain["framing"]["profile"]["tagsets"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "default", "tags": ["hello"]})),
        "{plain}"
    );
    assert_eq!(plain["comments"]["type"], "CALLOUT");
    assert_eq!(plain["comments"]["displayName"], "callout-comments-welcome");

    // a callout taking posts goes before the others
    let ideas = post_callout(&app, &admin, &set, "Your ideas").await;
    assert_eq!(ideas["sortOrder"], -2.0);
    let callout = ideas["id"].as_str().unwrap();

    // a member posts; the post has its own comments and URL
    let first = add_post(&app, &member_token, callout, "Plant more trees").await;
    assert_eq!(first["sortOrder"], 1.0);
    assert_eq!(first["createdBy"]["id"], member.id.to_string());
    let post = &first["post"];
    assert_eq!(post["nameID"], "plantmoretrees");
    assert_eq!(post["comments"]["type"], "POST");
    assert_eq!(
        post["comments"]["displayName"],
        "post-comments-plantmoretrees"
    );
    assert_eq!(
        post["profile"]["url"],
        "http://localhost:3000/ideagarden/collaboration/yourideas/posts/plantmoretrees"
    );
    let second = add_post(&app, &admin, callout, "Plant more trees").await;
    assert_eq!(second["post"]["nameID"], "plantmoretrees-1");
    assert_eq!(second["sortOrder"], 0.0, "before the first");

    let listed = ok(&app, &stranger, CALLOUTS, json!({"s": s})).await;
    let callouts = listed["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .clone();
    let names: Vec<&str> = callouts
        .iter()
        .map(|c| c["nameID"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["yourideas", "welcome"]);
    assert_eq!(
        callouts[0]["contributionsCount"],
        json!({"post": 2.0, "link": 0.0, "whiteboard": 0.0, "memo": 0.0, "collaboraDocument": 0.0})
    );
    assert_eq!(callouts[0]["activity"], 2.0);
    assert_eq!(
        callouts[0]["posts"],
        json!([{"nameID": "plantmoretrees-1"}, {"nameID": "plantmoretrees"}])
    );
    // tags of the framing and of the posts select callouts
    let tagged = ok(
        &app,
        &stranger,
        CALLOUTS,
        json!({"s": s, "tags": ["green"]}),
    )
    .await;
    let tagged = &tagged["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"];
    assert_eq!(tagged.as_array().unwrap().len(), 1);
    assert_eq!(tagged[0]["nameID"], "yourideas");
    let limited = ok(&app, &stranger, CALLOUTS, json!({"s": s, "limit": 1.0})).await;
    assert_eq!(
        limited["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // anonymous visitors of a public space read the post (authorization test 7)
    let post_id = post["id"].as_str().unwrap();
    let anonymous = app
        .graphql_at(
            "/graphql",
            "query($p: UUID!) { lookup { post(ID: $p) { nameID profile { displayName } } } }",
            json!({"p": post_id}),
        )
        .await;
    assert_eq!(
        anonymous["data"]["lookup"]["post"]["profile"]["displayName"], "Plant more trees",
        "{anonymous}"
    );

    // members comment on callouts and posts
    let send = "mutation($r: UUID!) { sendMessageToRoom(messageData: { roomID: $r, message: \"Yes!\" }) { id } }";
    ok(
        &app,
        &member_token,
        send,
        json!({"r": post["comments"]["id"]}),
    )
    .await;
    ok(
        &app,
        &member_token,
        send,
        json!({"r": plain["comments"]["id"]}),
    )
    .await;
    let welcome = ok(
        &app,
        &stranger,
        "query($c: UUID!) { lookup { callout(ID: $c) { activity comments { messagesCount } } } }",
        json!({"c": plain["id"]}),
    )
    .await;
    assert_eq!(welcome["lookup"]["callout"]["activity"], 1.0);

    // the author updates the post; a stranger may not delete it; the admin may
    let update = "mutation($p: UUID!) { updatePost(postData: { ID: $p, nameID: \"trees\", profileData: { displayName: \"Trees!\" } }) {
        nameID profile { displayName } } }";
    let updated = ok(&app, &member_token, update, json!({"p": post_id})).await;
    assert_eq!(
        updated["updatePost"],
        json!({"nameID": "trees", "profile": {"displayName": "Trees!"}})
    );
    let delete = "mutation($p: UUID!) { deletePost(deleteData: { ID: $p }) { id } }";
    let denied = err(&app, &stranger, delete, json!({"p": post_id})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, delete, json!({"p": post_id})).await;
    let gone = err(
        &app,
        &admin,
        "query($p: UUID!) { lookup { post(ID: $p) { id } } }",
        json!({"p": post_id}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);

    // a new order, then the callout goes with what it gathered
    let sorted = ok(
        &app,
        &admin,
        "mutation($s: UUID!, $ids: [UUID!]!) { updateCalloutsSortOrder(sortOrderData: { calloutsSetID: $s, calloutIDs: $ids }) { nameID sortOrder } }",
        json!({"s": set, "ids": [plain["id"], callout]}),
    )
    .await;
    assert_eq!(
        sorted["updateCalloutsSortOrder"],
        json!([{"nameID": "welcome", "sortOrder": -1.0}, {"nameID": "yourideas", "sortOrder": 0.0}])
    );
    let remaining = second["post"]["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &admin,
        "mutation($c: UUID!) { deleteCallout(deleteData: { ID: $c }) { id } }",
        json!({"c": callout}),
    )
    .await;
    let gone = err(
        &app,
        &admin,
        "query($p: UUID!) { lookup { post(ID: $p) { id } } }",
        json!({"p": remaining}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);

    // deleting the space removes its callouts
    ok(
        &app,
        &admin,
        "mutation($s: UUID!) { deleteSpace(deleteData: { ID: $s }) { id } }",
        json!({"s": s}),
    )
    .await;
    let gone = err(
        &app,
        &admin,
        "query($c: UUID!) { lookup { callout(ID: $c) { id } } }",
        json!({"c": plain["id"]}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

async fn count_callouts(app: &TestApp, token: &str, s: &str) -> usize {
    ok(app, token, CALLOUTS, json!({"s": s})).await["lookup"]["space"]["collaboration"]
        ["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .len()
}

async fn callout_checks_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Strict Place", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let ideas = post_callout(&app, &admin, &set, "Ideas").await;
    let callout = ideas["id"].as_str().unwrap();

    // a taken NameID
    let d = json!({"calloutsSetID": set, "nameID": "ideas", "framing": {"profile": {"displayName": "Again"}}});
    let taken = err(&app, &admin, CREATE, json!({"d": d})).await;
    assert_reference_error(&taken, "BAD_USER_INPUT", 12101);
    // an unknown set
    let d = json!({"calloutsSetID": uuid::Uuid::now_v7(), "framing": {"profile": {"displayName": "Lost"}}});
    let unknown = err(&app, &admin, CREATE, json!({"d": d})).await;
    assert_reference_error(&unknown, "ENTITY_NOT_FOUND", 10101);
    // members may not create callouts unless the space says so
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Mine"}}});
    let denied = err(&app, &member_token, CREATE, json!({"d": d})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    // a contribution made with the callout that the callout does not accept
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Closed"}},
        "contributions": [{"type": "POST", "post": {"profileData": {"displayName": "Early"}}}]});
    let refused = err(&app, &admin, CREATE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    assert_eq!(count_callouts(&app, &admin, &s).await, 1, "nothing written");

    // a kind the callout does not accept, and a post without its data
    let d = json!({"calloutID": callout, "type": "LINK"});
    let refused = err(&app, &member_token, CONTRIBUTE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let d = json!({"calloutID": callout, "type": "POST"});
    let refused = err(&app, &member_token, CONTRIBUTE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    // a taken post NameID
    add_post(&app, &member_token, callout, "First thought").await;
    let d = json!({"calloutID": callout, "type": "POST",
        "post": {"nameID": "firstthought", "profileData": {"displayName": "Copy"}}});
    let refused = err(&app, &member_token, CONTRIBUTE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);

    // closed to members: only admins contribute; then closed to everyone
    let update = "mutation($c: UUID!, $who: CalloutAllowedActors!, $on: Boolean!) {
        updateCallout(calloutData: { ID: $c, settings: { contribution: { canAddContributions: $who, enabled: $on } } }) {
        settings { contribution { canAddContributions enabled } } } }";
    ok(
        &app,
        &admin,
        update,
        json!({"c": callout, "who": "ADMINS", "on": true}),
    )
    .await;
    let d = json!({"calloutID": callout, "type": "POST", "post": {"profileData": {"displayName": "Late"}}});
    let closed = err(&app, &member_token, CONTRIBUTE, json!({"d": d.clone()})).await;
    assert_reference_error(&closed, "CALLOUT_CLOSED", 13109);
    ok(&app, &admin, CONTRIBUTE, json!({"d": d.clone()})).await;
    ok(
        &app,
        &admin,
        update,
        json!({"c": callout, "who": "MEMBERS", "on": false}),
    )
    .await;
    let closed = err(&app, &admin, CONTRIBUTE, json!({"d": d})).await;
    assert_reference_error(&closed, "CALLOUT_CLOSED", 13109);
    let listed = ok(&app, &admin, CALLOUTS, json!({"s": s})).await;
    assert_eq!(
        listed["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"][0]["contributionsCount"]
            ["post"],
        2.0,
        "only the accepted posts were stored"
    );
}

async fn content_of_private_spaces(backend: Backend) {
    // authorization tests 7 (private L0) and 8 (the worked example) at the post level
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (m0, m0_token) = app.user_with_token("m0@example.org").await;
    let (a0, a0_token) = app.user_with_token("a0@example.org").await;
    let (m1, m1_token) = app.user_with_token("m1@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;

    let (p0, p0_roles) = space(&app, &admin, &account, "Private Hall", Value::Null).await;
    assign(&app, &admin, &p0_roles, "MEMBER", m0.id).await;
    let (c, set) = callouts_set(&app, &admin, &p0).await;
    let k = post_callout(&app, &admin, &set, "Inside").await;
    let k = k["id"].as_str().unwrap();
    let post = add_post(&app, &m0_token, k, "Secret plan").await;
    let p = post["post"]["id"].as_str().unwrap();
    for who in [None, Some(stranger.as_str()), Some(owner.as_str())] {
        let v = privileges(&app, who, &c, k, p).await;
        for kind in ["collaboration", "callout", "post"] {
            assert!(!has(&v[kind], "READ"), "{who:?} reads the {kind}: {v}");
        }
    }
    let v = privileges(&app, Some(&m0_token), &c, k, p).await;
    assert!(has(&v["collaboration"], "READ") && has(&v["collaboration"], "CONTRIBUTE"));
    assert!(has(&v["callout"], "READ") && has(&v["post"], "READ"), "{v}");
    assert!(
        has(&v["post"], "DELETE") && has(&v["post"], "UPDATE"),
        "the author manages the post: {v}"
    );
    // a stranger's read of the collaboration is refused
    let denied = err(&app, &stranger, SET, json!({"s": p0})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // a private L1 in a public L0 (test 8)
    let (s0, set0) = space(&app, &admin, &account, "Open Hall", public()).await;
    for u in [&m0, &a0, &m1] {
        assign(&app, &admin, &set0, "MEMBER", u.id).await;
    }
    assign(&app, &admin, &set0, "ADMIN", a0.id).await;
    let private_l1 = json!({"privacy": {"mode": "PRIVATE"}, "collaboration": {"inheritMembershipRights": true,
        "allowEventsFromSubspaces": true, "allowGuestContributions": false, "allowMembersToCreateCallouts": false,
        "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}});
    let (s1, set1) = subspace(&app, &admin, &s0, "Back Room", private_l1).await;
    assign(&app, &admin, &set1, "MEMBER", m1.id).await;
    let (c1, calloutset1) = callouts_set(&app, &admin, &s1).await;
    let k1 = post_callout(&app, &admin, &calloutset1, "Back talk").await;
    let k1 = k1["id"].as_str().unwrap();
    let post1 = add_post(&app, &m1_token, k1, "Whisper").await;
    let p1 = post1["post"]["id"].as_str().unwrap();
    let reads = |v: &Value| has(&v["post"], "READ");
    assert!(
        !reads(&privileges(&app, None, &c1, k1, p1).await),
        "anonymous"
    );
    assert!(
        !reads(&privileges(&app, Some(&owner), &c1, k1, p1).await),
        "account admin"
    );
    let v = privileges(&app, Some(&m0_token), &c1, k1, p1).await;
    assert!(!reads(&v), "L0 member: {v}");
    // the reference gives parent members CONTRIBUTE in a private subspace they cannot read
    // (inheritMembershipRights); here they contribute only where they read
    assert!(!has(&v["collaboration"], "CONTRIBUTE"), "{v}");
    assert!(
        reads(&privileges(&app, Some(&a0_token), &c1, k1, p1).await),
        "L0 admin"
    );
    assert!(
        reads(&privileges(&app, Some(&m1_token), &c1, k1, p1).await),
        "L1 member"
    );
    assert!(
        reads(&privileges(&app, Some(&admin), &c1, k1, p1).await),
        "global admin"
    );

    // in a public L1 that inherits membership rights, L0 members contribute
    let public_l1 = json!({"privacy": {"mode": "PUBLIC"}, "collaboration": {"inheritMembershipRights": true,
        "allowEventsFromSubspaces": true, "allowGuestContributions": false, "allowMembersToCreateCallouts": false,
        "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}});
    let (s2, _) = subspace(&app, &admin, &s0, "Front Room", public_l1).await;
    let (c2, calloutset2) = callouts_set(&app, &admin, &s2).await;
    let k2 = post_callout(&app, &admin, &calloutset2, "Front talk").await;
    let k2 = k2["id"].as_str().unwrap();
    let post2 = add_post(&app, &m0_token, k2, "Hello from L0").await;
    let v = privileges(
        &app,
        Some(&m0_token),
        &c2,
        k2,
        post2["post"]["id"].as_str().unwrap(),
    )
    .await;
    assert!(has(&v["collaboration"], "CONTRIBUTE") && has(&v["callout"], "CREATE_POST"));
}

async fn draft_callouts(backend: Backend) {
    // authorization test 11
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (support, support_token) = app.user_with_token("support@example.org").await;
    let (a0, a0_token) = app.user_with_token("a0@example.org").await;
    let (a1, a1_token) = app.user_with_token("a1@example.org").await;
    let (creator, creator_token) = app.user_with_token("creator@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (author, author_token) = app.user_with_token("author@example.org").await;
    ok(
        &app,
        &admin,
        "mutation($u: UUID!) { assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_SUPPORT }) { id } }",
        json!({"u": support.id}),
    )
    .await;
    let account = account_of(&app, &admin).await;
    let (s0, roles0) = space(&app, &admin, &account, "Parent", Value::Null).await;
    for u in [&a0, &a1, &creator, &member, &author] {
        assign(&app, &admin, &roles0, "MEMBER", u.id).await;
    }
    assign(&app, &admin, &roles0, "ADMIN", a0.id).await;
    let members_create = json!({"privacy": {"mode": "PRIVATE"}, "collaboration": {"inheritMembershipRights": true,
        "allowEventsFromSubspaces": true, "allowGuestContributions": false, "allowMembersToCreateCallouts": true,
        "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}});
    let (s1, roles1) = subspace(&app, &admin, &s0, "Child", members_create).await;
    for u in [&a1, &creator, &member, &author] {
        assign(&app, &admin, &roles1, "MEMBER", u.id).await;
    }
    assign(&app, &admin, &roles1, "ADMIN", a1.id).await;
    let (c, set) = callouts_set(&app, &admin, &s1).await;
    let k = post_callout(&app, &creator_token, &set, "Work in progress").await;
    let k = k["id"].as_str().unwrap();
    let contribution = add_post(&app, &author_token, k, "An early post").await;
    let p = contribution["post"]["id"].as_str().unwrap();
    let contribution = contribution["id"].as_str().unwrap();
    assert!(has(
        &privileges(&app, Some(&member_token), &c, k, p).await["callout"],
        "READ"
    ));

    let visibility = "mutation($k: String!, $v: CalloutVisibility!) { updateCalloutVisibility(calloutData: { calloutID: $k, visibility: $v }) {
        settings { visibility } publishedBy { id } } }";
    let denied = err(
        &app,
        &member_token,
        visibility,
        json!({"k": k, "v": "DRAFT"}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let drafted = ok(
        &app,
        &creator_token,
        visibility,
        json!({"k": k, "v": "DRAFT"}),
    )
    .await;
    assert_eq!(
        drafted["updateCalloutVisibility"]["settings"]["visibility"],
        "DRAFT"
    );

    let v = privileges(&app, Some(&member_token), &c, k, p).await;
    assert!(!has(&v["callout"], "READ"), "member reads the draft: {v}");
    assert!(!has(&v["post"], "READ"), "member reads its post: {v}");
    let contribution_read = err(
        &app,
        &member_token,
        "query($k: UUID!) { lookup { contribution(ID: $k) { id } } }",
        json!({"k": contribution}),
    )
    .await;
    assert_reference_error(&contribution_read, "FORBIDDEN_POLICY", 11104);
    assert_eq!(
        count_callouts(&app, &member_token, &s1).await,
        0,
        "hidden from the list"
    );
    for (who, token) in [
        ("creator", &creator_token),
        ("space admin", &a1_token),
        ("parent admin", &a0_token),
        ("global admin", &admin),
        ("global support", &support_token),
    ] {
        let v = privileges(&app, Some(token), &c, k, p).await;
        assert!(
            has(&v["callout"], "READ") && has(&v["post"], "READ"),
            "{who}: {v}"
        );
    }
    // the author of a post keeps their own post, not the draft around it
    let v = privileges(&app, Some(&author_token), &c, k, p).await;
    assert!(
        has(&v["post"], "READ") && !has(&v["callout"], "READ"),
        "{v}"
    );
    assert_eq!(count_callouts(&app, &a1_token, &s1).await, 1);

    // published again, members read it; the publisher is recorded
    let published = ok(
        &app,
        &a1_token,
        visibility,
        json!({"k": k, "v": "PUBLISHED"}),
    )
    .await;
    assert_eq!(
        published["updateCalloutVisibility"]["publishedBy"]["id"],
        a1.id.to_string()
    );
    assert!(has(
        &privileges(&app, Some(&member_token), &c, k, p).await["post"],
        "READ"
    ));
}

async fn settings_toggles(backend: Backend) {
    // authorization test 14
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Toggle Town", Value::Null).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let set_privileges = |token: String| {
        let app = &app;
        let s = s.clone();
        async move {
            let data = ok(app, &token, SET, json!({"s": s})).await;
            data["lookup"]["space"]["collaboration"]["calloutsSet"]["authorization"]["myPrivileges"]
                .clone()
        }
    };
    assert!(!has(
        &set_privileges(member_token.clone()).await,
        "CREATE_CALLOUT"
    ));
    assert!(has(&set_privileges(admin.clone()).await, "CREATE_CALLOUT"));
    let settings = "mutation($id: String!, $s: UpdateSpaceSettingsEntityInput!) {
        updateSpaceSettings(settingsData: { spaceID: $id, settings: $s }) { id } }";
    ok(
        &app,
        &admin,
        settings,
        json!({"id": s, "s": {"collaboration": {"allowMembersToCreateCallouts": true,
            "inheritMembershipRights": true, "allowEventsFromSubspaces": true, "allowGuestContributions": false,
            "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}}}),
    )
    .await;
    assert!(has(
        &set_privileges(member_token.clone()).await,
        "CREATE_CALLOUT"
    ));

    // a callout taking links but not posts: members contribute, but create no post
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Links only"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["LINK"]}}});
    let created = ok(&app, &admin, CREATE, json!({"d": d})).await;
    let k = created["createCalloutOnCalloutsSet"]["id"]
        .as_str()
        .unwrap();
    let read = ok(
        &app,
        &member_token,
        "query($k: UUID!) { lookup { callout(ID: $k) { authorization { myPrivileges } comments { authorization { myPrivileges } } } } }",
        json!({"k": k}),
    )
    .await;
    let callout = &read["lookup"]["callout"];
    assert!(has(&callout["authorization"]["myPrivileges"], "CONTRIBUTE"));
    assert!(!has(
        &callout["authorization"]["myPrivileges"],
        "CREATE_POST"
    ));
    assert!(has(
        &callout["comments"]["authorization"]["myPrivileges"],
        "CREATE_MESSAGE"
    ));
    let room = ok(
        &app,
        &member_token,
        "query($k: UUID!) { lookup { callout(ID: $k) { comments { id } } } }",
        json!({"k": k}),
    )
    .await["lookup"]["callout"]["comments"]["id"]
        .clone();
    let by_lookup = ok(
        &app,
        &member_token,
        "query($r: UUID!) { lookup { myPrivileges { room(ID: $r) } } }",
        json!({"r": room}),
    )
    .await;
    assert!(has(
        &by_lookup["lookup"]["myPrivileges"]["room"],
        "CREATE_MESSAGE"
    ));
}

/// Reading callouts with their framings, posts and counts costs the same number of SQL
/// statements however many callouts and posts there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_callouts_costs_a_bounded_number_of_statements() {
    let app = crate::helpers::spawn_measured(Backend::Postgres).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Busy Board", public()).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let query = format!(
        "{{ lookup {{ space(ID: \"{s}\") {{ collaboration {{ calloutsSet {{ callouts {{
        id nameID activity authorization {{ myPrivileges }} createdBy {{ id }}
        settings {{ contribution {{ allowedTypes }} }}
        framing {{ type profile {{ displayName url tagsets {{ tags }} }} }}
        comments {{ messagesCount }}
        contributionDefaults {{ defaultDisplayName }}
        contributionsCount {{ post }}
        contributions {{ id createdBy {{ id }} authorization {{ myPrivileges }}
            post {{ nameID profile {{ displayName url }} comments {{ messagesCount }} }} }} }} }} }} }} }} }}"
    );
    let mut made = 0;
    let mut grow = |n: usize| {
        let app = &app;
        let admin = admin.clone();
        let set = set.clone();
        let start = made;
        made += n;
        async move {
            for i in start..start + n {
                let c = post_callout(app, &admin, &set, &format!("Callout {i}")).await;
                for j in 0..2 {
                    add_post(
                        app,
                        &admin,
                        c["id"].as_str().unwrap(),
                        &format!("Post {i} {j}"),
                    )
                    .await;
                }
            }
        }
    };
    // ten runs each: two loader waves that usually share a batch are sometimes read apart
    // under load (see `fewest_statements`)
    let fewest = |query: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let (a, _) = app.fewest_statements(&admin, &query).await;
            let (b, data) = app.fewest_statements(&admin, &query).await;
            (a.min(b), data)
        }
    };
    grow(2).await;
    let (few, data) = fewest(query.clone()).await;
    assert!(data.get("errors").is_none(), "{data}");
    grow(6).await;
    let (many, data) = fewest(query.clone()).await;
    assert!(data.get("errors").is_none(), "{data}");
    assert_eq!(
        data["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    // the cost does not grow with the callouts: a statement per callout or post would add at
    // least 6 for the 6 more callouts (and 12 for their posts). Two loader waves at different
    // depths (the same loader for framing and post profiles, say) share a batch or not
    // depending on timing, so either count may come out one lower: 44 or 45 here.
    assert!(
        many <= few + 1,
        "{many} statements for 8 callouts with 2 posts each, {few} for 2"
    );
    // the space and its policy, the set, the callouts with their policies, framings,
    // profiles with tagsets, the paths of the profile URLs, users, rooms, defaults, counts,
    // contributions and posts: each a batch
    assert!(few <= 48, "{few} statements");
}

/// Collaborations made before callouts existed get their policies at start-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_collaborations_get_policies() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Elder", public()).await;
    let conn = app.services.db.conn();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE collaboration SET authorization_id = NULL",
    ))
    .await
    .unwrap();
    assert_eq!(
        app.services
            .spaces
            .ensure_collaboration_policies()
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.services
            .spaces
            .ensure_collaboration_policies()
            .await
            .unwrap(),
        0
    );
    let data = ok(&app, &admin, SET, json!({"s": s})).await;
    assert!(has(
        &data["lookup"]["space"]["collaboration"]["authorization"]["myPrivileges"],
        "UPDATE"
    ));
}

const LOG: &str =
    "query($c: UUID!) { activityLogOnCollaboration(queryData: { collaborationID: $c, limit: 10 }) {
    __typename type description triggeredBy { id }
    ... on ActivityLogEntryCalloutPublished { callout { nameID } }
    ... on ActivityLogEntryCalloutPostCreated { callout { nameID } post { nameID } }
    ... on ActivityLogEntryCalendarEventCreated { calendar { id } calendarEvent { nameID } } } }";

/// Publishing a callout, posting to it and adding a calendar event are logged in the
/// collaboration's activity, in the transaction of the change; a callout made a draft again
/// leaves the log.
async fn content_activity_is_logged(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Busy Place", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (c, set) = callouts_set(&app, &admin, &s).await;
    let ideas = post_callout(&app, &admin, &set, "Ideas").await;
    add_post(
        &app,
        &member_token,
        ideas["id"].as_str().unwrap(),
        "Solar roofs",
    )
    .await;
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Later"}},
        "settings": {"visibility": "DRAFT"}});
    let later =
        ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone();
    let cal = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { collaboration { timeline { calendar { id } } } } } }",
        json!({"s": s}),
    )
    .await["lookup"]["space"]["collaboration"]["timeline"]["calendar"]["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($c: UUID!) { createEventOnCalendar(eventData: { calendarID: $c, type: EVENT,
            startDate: \"2026-12-01T10:00:00Z\", durationMinutes: 60, wholeDay: false, multipleDays: false,
            visibleOnParentCalendar: false, profileData: { displayName: \"Launch\" } }) { id } }",
        json!({"c": cal}),
    )
    .await;
    let log =
        ok(&app, &member_token, LOG, json!({"c": c})).await["activityLogOnCollaboration"].clone();
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "CALENDAR_EVENT_CREATED",
            "CALLOUT_POST_CREATED",
            "CALLOUT_PUBLISHED",
            "MEMBER_JOINED",
            "MEMBER_JOINED"
        ],
        "{log}"
    );
    assert_eq!(log[0]["calendarEvent"]["nameID"], "launch");
    assert_eq!(log[0]["calendar"]["id"], cal);
    assert_eq!(log[1]["post"]["nameID"], "solarroofs");
    assert_eq!(log[1]["callout"]["nameID"], "ideas");
    assert_eq!(log[1]["triggeredBy"]["id"], member.id.to_string());
    assert_eq!(log[2]["callout"]["nameID"], "ideas");
    assert_eq!(log[2]["description"], "[Ideas] - ");
    assert_eq!(log[2]["triggeredBy"]["id"], admin_user.id.to_string());

    // publishing the draft logs it; making it a draft again takes it out
    let visibility = "mutation($k: String!, $v: CalloutVisibility!) { updateCalloutVisibility(calloutData: { calloutID: $k, visibility: $v }) { id } }";
    ok(
        &app,
        &admin,
        visibility,
        json!({"k": later["id"], "v": "PUBLISHED"}),
    )
    .await;
    let log =
        ok(&app, &member_token, LOG, json!({"c": c})).await["activityLogOnCollaboration"].clone();
    assert_eq!(log[0]["callout"]["nameID"], "later", "{log}");
    ok(
        &app,
        &admin,
        visibility,
        json!({"k": later["id"], "v": "DRAFT"}),
    )
    .await;
    let log =
        ok(&app, &member_token, LOG, json!({"c": c})).await["activityLogOnCollaboration"].clone();
    assert_eq!(log[0]["type"], "CALENDAR_EVENT_CREATED", "{log}");
}

/// `calloutPostCreated` tells readers of a callout of each new post; a callout that takes no
/// posts has nothing to follow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_posts_reach_followers() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Live Board", Value::Null).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let ideas = post_callout(&app, &admin, &set, "Ideas").await;
    let k = ideas["id"].as_str().unwrap().to_owned();
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Just talk"}}});
    let talk =
        ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"]["id"].clone();

    let follow = |callout: Value| {
        json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($k: UUID!) { calloutPostCreated(calloutID: $k) { calloutID contributionID sortOrder post { nameID } } }",
            "variables": {"k": callout}}})
        .to_string()
    };
    let mut ws = app.ws(Some(&member_token)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(WsMessage::text(follow(talk))).await.unwrap();
    let refused = crate::helpers::next_ws_message(&mut ws).await;
    assert!(
        refused["type"] == "error"
            || refused["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            || refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT",
        "{refused}"
    );

    let mut ws = app.ws(Some(&member_token)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(WsMessage::text(follow(json!(k)))).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let added = add_post(&app, &admin, &k, "Fresh idea").await;
    let event = crate::helpers::next_ws_message(&mut ws).await;
    let payload = &event["payload"]["data"]["calloutPostCreated"];
    assert_eq!(payload["calloutID"], k.as_str(), "{event}");
    assert_eq!(payload["contributionID"], added["id"]);
    assert_eq!(payload["post"]["nameID"], "freshidea");
    assert_eq!(payload["sortOrder"], 1.0);
}

/// `updateCallout(nameID)` renames a callout within its set (the reference accepts the
/// NameID and ignores it); a taken one is refused and nothing changes.
async fn callouts_are_renamed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Renames", public()).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let first = post_callout(&app, &admin, &set, "First topic").await;
    post_callout(&app, &admin, &set, "Second topic").await;
    const UPDATE: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) {
        nameID framing { profile { url } } } }";
    let renamed = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": first["id"], "nameID": "opening-topic"}}),
    )
    .await["updateCallout"]
        .clone();
    assert_eq!(renamed["nameID"], "opening-topic");
    assert_eq!(
        renamed["framing"]["profile"]["url"],
        "http://localhost:3000/renames/collaboration/opening-topic"
    );
    let taken = err(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": first["id"], "nameID": "secondtopic", "framing": {"profile": {"displayName": "Changed"}}}}),
    )
    .await;
    assert_reference_error(&taken, "BAD_USER_INPUT", 12101);
    let read = ok(
        &app,
        &admin,
        "query($k: UUID!) { lookup { callout(ID: $k) { nameID framing { profile { displayName } } } } }",
        json!({"k": first["id"]}),
    )
    .await;
    assert_eq!(read["lookup"]["callout"]["nameID"], "opening-topic");
    assert_eq!(
        read["lookup"]["callout"]["framing"]["profile"]["displayName"], "First topic",
        "nothing written"
    );
}

/// `moveContributionToCallout` within a callouts set (admins; the target takes the type; a
/// NameID the target already uses is refused, where the reference moves it anyway) and
/// `updateCalloutPublishInfo` (global admins; an existing user; a whole-millisecond time).
async fn contributions_move_and_publishers_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Movers", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let a = post_callout(&app, &admin, &set, "Ideas").await["id"].clone();
    let b = post_callout(&app, &admin, &set, "Plans").await["id"].clone();
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Links only"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["LINK"]}}});
    let links =
        ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"]["id"].clone();
    let (other_space, _) = space(&app, &admin, &account, "Elsewhere", public()).await;
    let (_, other_set) = callouts_set(&app, &admin, &other_space).await;
    let elsewhere = post_callout(&app, &admin, &other_set, "Ideas too").await["id"].clone();
    let idea = add_post(&app, &member_token, a.as_str().unwrap(), "Rooftop ideas").await;
    add_post(&app, &admin, b.as_str().unwrap(), "Rooftop ideas").await;
    let garden = add_post(&app, &member_token, a.as_str().unwrap(), "Garden plan").await;

    const MOVE: &str =
        "mutation($c: UUID!, $k: UUID!) { moveContributionToCallout(moveContributionData: {
        contributionID: $c, calloutID: $k }) { id post { nameID } } }";
    let mv = |c: &Value, k: &Value| json!({"c": c["id"], "k": k});
    let refused = err(&app, &member_token, MOVE, mv(&garden, &b)).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    for target in [&links, &elsewhere] {
        let refused = err(&app, &admin, MOVE, mv(&garden, target)).await;
        assert_reference_error(&refused, "NOT_SUPPORTED", 12114);
    }
    let clash = err(&app, &admin, MOVE, mv(&idea, &b)).await;
    assert_reference_error(&clash, "BAD_USER_INPUT", 12101);
    let moved = ok(&app, &admin, MOVE, mv(&garden, &b)).await;
    assert_eq!(
        moved["moveContributionToCallout"]["post"]["nameID"],
        "gardenplan"
    );
    let names = |k: Value| {
        let app = &app;
        let token = member_token.clone();
        async move {
            let data = ok(
                app,
                &token,
                "query($k: UUID!) { lookup { callout(ID: $k) { contributions { post { nameID } } } } }",
                json!({"k": k}),
            )
            .await;
            let mut names: Vec<String> = data["lookup"]["callout"]["contributions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["post"]["nameID"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(names(a.clone()).await, ["rooftopideas"]);
    assert_eq!(names(b.clone()).await, ["gardenplan", "rooftopideas"]);
    // its author still holds it where it went
    let privileges = ok(
        &app,
        &member_token,
        "query($c: UUID!) { lookup { contribution(ID: $c) { authorization { myPrivileges } } } }",
        json!({"c": garden["id"]}),
    )
    .await;
    let held = &privileges["lookup"]["contribution"]["authorization"]["myPrivileges"];
    assert!(
        held.as_array().unwrap().contains(&json!("UPDATE")),
        "{held}"
    );

    const PUBLISH: &str =
        "mutation($k: UUID!, $u: UUID, $t: Float) { updateCalloutPublishInfo(calloutData: {
        calloutID: $k, publisherID: $u, publishDate: $t }) { publishedBy { id } publishedDate } }";
    let refused = err(
        &app,
        &member_token,
        PUBLISH,
        json!({"k": a, "u": member.id.to_string()}),
    )
    .await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    let unknown = err(
        &app,
        &admin,
        PUBLISH,
        json!({"k": a, "u": "00000000-0000-4000-8000-000000000000"}),
    )
    .await;
    assert_reference_error(&unknown, "ENTITY_NOT_FOUND", 10101);
    let fraction = err(&app, &admin, PUBLISH, json!({"k": a, "t": 1.5})).await;
    assert_reference_error(&fraction, "BAD_USER_INPUT", 12101);
    let set_info = ok(
        &app,
        &admin,
        PUBLISH,
        json!({"k": a, "u": member.id.to_string(), "t": 1_700_000_000_000_i64}),
    )
    .await;
    let info = &set_info["updateCalloutPublishInfo"];
    assert_eq!(info["publishedBy"]["id"], member.id.to_string());
    assert!(
        info["publishedDate"]
            .as_str()
            .unwrap()
            .starts_with("2023-11-14T22:13:20"),
        "{info}"
    );
}
