//! Templates over GraphQL: an L0 space's templates manager (its subspaces share it) with its
//! default and set; post and whiteboard templates created, listed, changed and deleted with
//! their checks; defaults taking only templates of their kind; managers made for older spaces
//! at start-up and deleted with their space.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, space, subspace};

on_both_backends!(
    templates_are_kept_per_space,
    callout_guidelines_and_space_templates_hold_their_content
);

const MANAGER: &str = "query($s: UUID!) { lookup { space(ID: $s) { templatesManager { id
    authorization { myPrivileges }
    templateDefaults { id type allowedTemplateType template { id } }
    templatesSet { id templatesCount postTemplatesCount whiteboardTemplatesCount spaceTemplatesCount
      templates { id nameID type profile { displayName } }
      postTemplates { nameID postDefaultDescription }
      whiteboardTemplates { nameID whiteboard { content } } } } } } }";
const CREATE: &str = "mutation($d: CreateTemplateOnTemplatesSetInput!) { createTemplate(templateData: $d) {
    id nameID type postDefaultDescription profile { displayName visuals { name } } whiteboard { id content } } }";
const SCENE: &str = r#"{"elements":[{"id":"t","type":"text"}]}"#;

async fn manager(app: &TestApp, token: &str, s: &str) -> Value {
    ok(app, token, MANAGER, json!({"s": s})).await["lookup"]["space"]["templatesManager"].clone()
}

async fn templates_are_kept_per_space(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(
        &app,
        &admin,
        &account,
        "Pattern Book",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (sub, _) = subspace(&app, &admin, &s, "Chapter One", Value::Null).await;

    // the platform's manager has the defaults of new spaces, subspaces, tutorials and
    // knowledge bases, all taking space templates
    let platform = ok(
        &app,
        &admin,
        "{ platform { templatesManager { templateDefaults { type allowedTemplateType }
            templatesSet { templatesCount } } } }",
        json!({}),
    )
    .await;
    let defaults = &platform["platform"]["templatesManager"]["templateDefaults"];
    let kinds: Vec<&str> = defaults
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "PLATFORM_SPACE",
            "PLATFORM_SUBSPACE",
            "PLATFORM_SPACE_TUTORIALS",
            "PLATFORM_SUBSPACE_KNOWLEDGE"
        ]
    );
    assert!(
        defaults
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["allowedTemplateType"] == "SPACE"),
        "the reference seeds 'collaboration' here, which is no template type: {defaults}"
    );

    // a new L0 space has a manager with one default, for its subspaces' template
    let m = manager(&app, &admin, &s).await;
    assert_eq!(
        m["templateDefaults"],
        json!([{"id": m["templateDefaults"][0]["id"], "type": "SPACE_SUBSPACE",
            "allowedTemplateType": "SPACE", "template": null}])
    );
    assert_eq!(m["templatesSet"]["templatesCount"], 0.0);
    let set = m["templatesSet"]["id"].as_str().unwrap().to_owned();
    // its subspaces share it
    assert_eq!(manager(&app, &admin, &sub).await["id"], m["id"]);
    // members read it; others do not
    assert_eq!(manager(&app, &member_token, &s).await["id"], m["id"]);
    let hidden = err(
        &app,
        &stranger,
        "query($t: UUID!) { lookup { templatesSet(ID: $t) { id } } }",
        json!({"t": set}),
    )
    .await;
    assert_reference_error(&hidden, "FORBIDDEN_POLICY", 11104);

    // refused: a post template without its description, a callout template without its
    // callout, members,
    // a taken NameID
    let post = json!({"templatesSetID": set, "type": "POST", "profileData": {"displayName": "Meeting notes"},
        "postDefaultDescription": "## Agenda\n\n## Decisions", "tags": ["meeting"]});
    for (d, token, code, numeric) in [
        (
            json!({"templatesSetID": set, "type": "POST", "profileData": {"displayName": "Empty"}}),
            &admin,
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"templatesSetID": set, "type": "WHITEBOARD", "profileData": {"displayName": "Blank"}}),
            &admin,
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"templatesSetID": set, "type": "CALLOUT", "profileData": {"displayName": "Call"}}),
            &admin,
            "BAD_USER_INPUT",
            12101,
        ),
        (post.clone(), &member_token, "FORBIDDEN_POLICY", 11104),
    ] {
        let refused = err(&app, token, CREATE, json!({"d": d})).await;
        assert_reference_error(&refused, code, numeric);
    }
    let created = ok(&app, &admin, CREATE, json!({"d": post})).await["createTemplate"].clone();
    assert_eq!(created["nameID"], "meetingnotes");
    assert_eq!(created["type"], "POST");
    assert_eq!(created["profile"]["visuals"], json!([{"name": "CARD"}]));
    let mut taken = post.clone();
    taken["nameID"] = json!("meetingnotes");
    let refused = err(&app, &admin, CREATE, json!({"d": taken})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let board = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": {"templatesSetID": set, "type": "WHITEBOARD", "profileData": {"displayName": "Blank canvas"},
            "whiteboard": {"content": SCENE}}}),
    )
    .await["createTemplate"]
        .clone();
    assert_eq!(board["whiteboard"]["content"], SCENE);
    assert!(board["postDefaultDescription"].is_null());

    // listed by name, per kind, and counted
    let m = manager(&app, &member_token, &s).await;
    let t = &m["templatesSet"];
    let names: Vec<&str> = t["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["profile"]["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Blank canvas", "Meeting notes"]);
    assert_eq!(t["templatesCount"], 2.0);
    assert_eq!(t["postTemplatesCount"], 1.0);
    assert_eq!(t["whiteboardTemplatesCount"], 1.0);
    assert_eq!(t["spaceTemplatesCount"], 0.0);
    assert_eq!(
        t["postTemplates"],
        json!([{"nameID": "meetingnotes", "postDefaultDescription": "## Agenda\n\n## Decisions"}])
    );
    assert_eq!(t["whiteboardTemplates"][0]["whiteboard"]["content"], SCENE);
    let by_name = ok(
        &app,
        &member_token,
        "query($s: UUID!) { lookupByName { template(NAMEID: \"meetingnotes\", templatesSetID: $s) } }",
        json!({"s": set}),
    )
    .await;
    assert_eq!(by_name["lookupByName"]["template"], created["id"]);
    // the URL resolver finds the set and a template in it
    const RESOLVE: &str = "query($u: String!) { urlResolver(url: $u) { state space { templatesSet { id templateId } } } }";
    let resolved = ok(
        &app,
        &member_token,
        RESOLVE,
        json!({"u": "http://localhost:3000/patternbook/settings/templates/meetingnotes"}),
    )
    .await;
    assert_eq!(
        resolved["urlResolver"]["space"]["templatesSet"],
        json!({"id": set, "templateId": created["id"]})
    );
    let unknown = ok(
        &app,
        &member_token,
        RESOLVE,
        json!({"u": "http://localhost:3000/patternbook/settings/templates/nosuchone"}),
    )
    .await;
    assert_eq!(unknown["urlResolver"]["state"], "NotFound", "{unknown}");
    let privileges = ok(
        &app,
        &admin,
        "query($t: UUID!) { lookup { myPrivileges { templatesSet(ID: $t) } } }",
        json!({"t": set}),
    )
    .await;
    let p = &privileges["lookup"]["myPrivileges"]["templatesSet"];
    assert!(p.as_array().unwrap().iter().any(|x| x == "CREATE"), "{p}");

    // changed: a post's description and name, a whiteboard's scene
    const UPDATE: &str = "mutation($d: UpdateTemplateInput!) { updateTemplate(updateData: $d) {
        postDefaultDescription profile { displayName } whiteboard { content } } }";
    let changed = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": created["id"], "postDefaultDescription": "## Agenda", "profile": {"displayName": "Notes"}}}),
    )
    .await["updateTemplate"]
        .clone();
    assert_eq!(changed["postDefaultDescription"], "## Agenda");
    assert_eq!(changed["profile"]["displayName"], "Notes");
    let empty = r#"{"elements":[]}"#;
    let changed = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": board["id"], "whiteboardContent": empty}}),
    )
    .await["updateTemplate"]
        .clone();
    assert_eq!(changed["whiteboard"]["content"], empty);
    let denied = err(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": created["id"], "postDefaultDescription": "x"}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // a default takes only a template of its kind
    let refused = err(
        &app,
        &admin,
        "mutation($d: UUID!, $t: UUID!) { updateTemplateDefault(templateDefaultData: { templateDefaultID: $d, templateID: $t }) { id } }",
        json!({"d": m["templateDefaults"][0]["id"], "t": created["id"]}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);

    // a flow state's default callout template must be a CALLOUT template; clearing it needs
    // UPDATE on the state
    let states = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { collaboration { innovationFlow { states { id defaultCalloutTemplate { id } } } } } } }",
        json!({"s": s}),
    )
    .await["lookup"]["space"]["collaboration"]["innovationFlow"]["states"]
        .clone();
    let state = states[0]["id"].clone();
    assert!(states[0]["defaultCalloutTemplate"].is_null());
    let not_callout = err(
        &app,
        &admin,
        "mutation($st: UUID!, $t: UUID!) { setDefaultCalloutTemplateOnInnovationFlowState(setData: { flowStateID: $st, templateID: $t }) { id } }",
        json!({"st": state, "t": created["id"]}),
    )
    .await;
    assert_reference_error(&not_callout, "BAD_USER_INPUT", 12101);
    const CLEAR: &str = "mutation($st: UUID!) { removeDefaultCalloutTemplateOnInnovationFlowState(removeData: { flowStateID: $st }) { id defaultCalloutTemplate { id } } }";
    let denied = err(&app, &member_token, CLEAR, json!({"st": state})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let cleared = ok(&app, &admin, CLEAR, json!({"st": state})).await;
    assert!(
        cleared["removeDefaultCalloutTemplateOnInnovationFlowState"]["defaultCalloutTemplate"]
            .is_null()
    );

    // deleted
    const DELETE: &str = "mutation($t: UUID!) { deleteTemplate(deleteData: { ID: $t }) { id } }";
    let denied = err(&app, &member_token, DELETE, json!({"t": created["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, DELETE, json!({"t": created["id"]})).await;
    let gone = err(
        &app,
        &admin,
        "query($t: UUID!) { lookup { template(ID: $t) { id } } }",
        json!({"t": created["id"]}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
    assert_eq!(
        manager(&app, &admin, &s).await["templatesSet"]["templatesCount"],
        1.0
    );

    // the manager, its set and its templates go with the space
    ok(
        &app,
        &admin,
        "mutation($s: UUID!) { deleteSpace(deleteData: { ID: $s }) { id } }",
        json!({"s": s}),
    )
    .await;
    for (query, id) in [
        (
            "query($i: UUID!) { lookup { templatesManager(ID: $i) { id } } }",
            m["id"].clone(),
        ),
        (
            "query($i: UUID!) { lookup { templatesSet(ID: $i) { id } } }",
            json!(set),
        ),
        (
            "query($i: UUID!) { lookup { template(ID: $i) { id } } }",
            board["id"].clone(),
        ),
    ] {
        let gone = err(&app, &admin, query, json!({"i": id})).await;
        assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
    }
}

/// L0 spaces made before templates existed get their manager at start-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_spaces_get_templates_managers() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(
        &app,
        &admin,
        &account,
        "Old Town",
        json!({"privacy": {"mode": "PUBLIC"}}),
    )
    .await;
    let conn = app.services.db.conn();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE space SET templates_manager_id = NULL",
    ))
    .await
    .unwrap();
    assert!(manager(&app, &admin, &s).await.is_null());
    let spaces = &app.services.spaces;
    assert_eq!(spaces.ensure_templates_managers().await.unwrap(), 1);
    assert_eq!(spaces.ensure_templates_managers().await.unwrap(), 0);
    let m = manager(&app, &admin, &s).await;
    assert_eq!(m["templateDefaults"][0]["type"], "SPACE_SUBSPACE");
    assert!(
        m["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "CREATE"),
        "{m}"
    );
}

const TEMPLATE: &str = "query($t: UUID!) { lookup { template(ID: $t) { id type
    callout { id isTemplate createdBy { id } comments { id } settings { contribution { allowedTypes } }
        contributionDefaults { postDescription } framing { type profile { displayName } }
        classification { id } }
    communityGuidelines { id profile { displayName description } }
    contentSpace { id level
        about { why isContentPublic profile { displayName } guidelines { profile { displayName } } }
        settings { privacy { mode } membership { policy } }
        collaboration { innovationFlow { states { displayName } }
            calloutsSet { callouts { isTemplate framing { profile { displayName } }
                classification { flowState: tagset(tagsetName: FLOW_STATE) { tags } } } } }
        subspaces { level about { profile { displayName } } settings { privacy { mode } }
            collaboration { innovationFlow { states { displayName } } calloutsSet { callouts { id } } } } } } } }";

async fn callout_guidelines_and_space_templates_hold_their_content(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(
        &app,
        &admin,
        &account,
        "Template Shelf",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let set = manager(&app, &admin, &s).await["templatesSet"]["id"].clone();
    let before = crate::deletion::row_counts(&app).await;
    let read = |token: &str, t: &Value| {
        let (token, t) = (token.to_owned(), t.clone());
        let app = &app;
        async move { ok(app, &token, TEMPLATE, json!({"t": t})).await["lookup"]["template"].clone() }
    };

    // a callout template: a callout marked as a template, without comments or author, read
    // by whoever reads the space's templates
    let callout = json!({"templatesSetID": set, "type": "CALLOUT", "profileData": {"displayName": "Idea board"},
        "calloutData": {"framing": {"profile": {"displayName": "Share your ideas"}},
            "settings": {"contribution": {"enabled": true, "allowedTypes": ["POST"]}},
            "contributionDefaults": {"postDescription": "## My idea"}}});
    let t1 = ok(&app, &admin, CREATE, json!({"d": callout})).await["createTemplate"]["id"].clone();
    let got = read(&member_token, &t1).await;
    let c = &got["callout"];
    assert_eq!(c["isTemplate"], true);
    assert!(c["comments"].is_null() && c["createdBy"].is_null(), "{c}");
    assert!(
        c["classification"].is_null(),
        "a template callout has no flow: {c}"
    );
    assert_eq!(
        c["settings"]["contribution"]["allowedTypes"],
        json!(["POST"])
    );
    assert_eq!(c["contributionDefaults"]["postDescription"], "## My idea");
    assert_eq!(c["framing"]["profile"]["displayName"], "Share your ideas");
    assert!(got["communityGuidelines"].is_null() && got["contentSpace"].is_null());
    let hidden = err(&app, &stranger, TEMPLATE, json!({"t": t1})).await;
    assert_reference_error(&hidden, "FORBIDDEN_POLICY", 11104);
    // it is edited as any callout, by who may update the template
    let rename = "mutation($c: UUID!) { updateCallout(calloutData: { ID: $c, framing: { profile: { displayName: \"Ideas, please\" } } }) { framing { profile { displayName } } } }";
    let denied = err(&app, &member_token, rename, json!({"c": c["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let renamed = ok(&app, &admin, rename, json!({"c": c["id"]})).await;
    assert_eq!(
        renamed["updateCallout"]["framing"]["profile"]["displayName"],
        "Ideas, please"
    );

    // community guidelines templates
    let guidelines = json!({"templatesSetID": set, "type": "COMMUNITY_GUIDELINES", "profileData": {"displayName": "House rules"},
        "communityGuidelinesData": {"profile": {"displayName": "Be kind", "description": "No spam."}}});
    let t2 =
        ok(&app, &admin, CREATE, json!({"d": guidelines})).await["createTemplate"]["id"].clone();
    let g = read(&member_token, &t2).await["communityGuidelines"].clone();
    assert_eq!(
        g["profile"],
        json!({"displayName": "Be kind", "description": "No spam."})
    );
    let update = "mutation($g: UUID!) { updateCommunityGuidelines(communityGuidelinesData: { communityGuidelinesID: $g, profile: { description: \"No spam, ever.\" } }) { profile { description } } }";
    let denied = err(&app, &member_token, update, json!({"g": g["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, update, json!({"g": g["id"]})).await;

    // space templates: a content space with its about, settings, flow, callouts and subspaces
    let content = json!({"level": "L0",
        "about": {"profileData": {"displayName": "Hackathon"}, "why": "To build together"},
        "settings": {"privacy": {"mode": "PUBLIC"}, "membership": {"policy": "OPEN",
            "allowSubspaceAdminsToInviteMembers": false, "trustedOrganizations": []}},
        "collaborationData": {
            "innovationFlowData": {"profile": {"displayName": "Hack flow"},
                "states": [{"displayName": "Ideate"}, {"displayName": "Team up"}, {"displayName": "Build"}, {"displayName": "Demo"}]},
            "calloutsSetData": {"calloutsData": [
                {"framing": {"profile": {"displayName": "Pitch here"}}, "classification": {"tagsets": [{"name": "flow-state", "tags": ["Team up"]}]}},
                {"framing": {"profile": {"displayName": "Rules"}}}]}},
        "subspaces": [{"level": "L1", "about": {"profileData": {"displayName": "Team"}},
            "settings": {}, "collaborationData": {"calloutsSetData": {}}}]});
    let space_template = json!({"templatesSetID": set, "type": "SPACE", "profileData": {"displayName": "Hackathon kit"},
        "contentSpaceData": content});
    // a subspace one level too deep is refused, and nothing is written
    let mut bad = space_template.clone();
    bad["contentSpaceData"]["subspaces"][0]["level"] = json!("L2");
    let counts = crate::deletion::row_counts(&app).await;
    let refused = err(&app, &admin, CREATE, json!({"d": bad})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    assert_eq!(counts, crate::deletion::row_counts(&app).await);
    let missing = err(
        &app,
        &admin,
        CREATE,
        json!({"d": {"templatesSetID": set, "type": "SPACE", "profileData": {"displayName": "Empty"}}}),
    )
    .await;
    assert_reference_error(&missing, "BAD_USER_INPUT", 12101);

    let t3 = ok(&app, &admin, CREATE, json!({"d": space_template})).await["createTemplate"]["id"]
        .clone();
    let cs = read(&member_token, &t3).await["contentSpace"].clone();
    assert_eq!(cs["level"], "L0");
    assert_eq!(cs["about"]["why"], "To build together");
    assert_eq!(cs["about"]["isContentPublic"], true);
    assert_eq!(cs["about"]["profile"]["displayName"], "Hackathon");
    assert_eq!(
        cs["settings"],
        json!({"privacy": {"mode": "PUBLIC"}, "membership": {"policy": "OPEN"}})
    );
    let states: Vec<&str> = cs["collaboration"]["innovationFlow"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Ideate", "Team up", "Build", "Demo"]);
    let callouts = cs["collaboration"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap();
    assert_eq!(callouts.len(), 2);
    for c in callouts {
        assert_eq!(c["isTemplate"], true);
        let expected = if c["framing"]["profile"]["displayName"] == "Pitch here" {
            "Team up"
        } else {
            "Ideate"
        };
        assert_eq!(
            c["classification"]["flowState"]["tags"],
            json!([expected]),
            "{c}"
        );
    }
    let sub = &cs["subspaces"][0];
    assert_eq!(sub["level"], "L1");
    assert_eq!(sub["about"]["profile"]["displayName"], "Team");
    // a subspace without a flow gets its level's default states
    assert_eq!(
        sub["collaboration"]["innovationFlow"]["states"][0]["displayName"],
        "Explore"
    );

    // the content space is looked up and changed on its own
    let lookup = "query($c: UUID!) { lookup { templateContentSpace(ID: $c) { id about { why } settings { privacy { mode } } } } }";
    let hidden = err(&app, &stranger, lookup, json!({"c": cs["id"]})).await;
    assert_reference_error(&hidden, "FORBIDDEN_POLICY", 11104);
    let change = "mutation($c: UUID!) { updateTemplateContentSpace(templateContentSpaceData: { ID: $c,
        about: { why: \"To ship\" }, settings: { privacy: { mode: PRIVATE } } }) { about { why isContentPublic } settings { privacy { mode } } } }";
    let denied = err(&app, &member_token, change, json!({"c": cs["id"]})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let changed = ok(&app, &admin, change, json!({"c": cs["id"]})).await;
    assert_eq!(
        changed["updateTemplateContentSpace"],
        json!({"about": {"why": "To ship", "isContentPublic": false}, "settings": {"privacy": {"mode": "PRIVATE"}}})
    );
    let looked = ok(&app, &member_token, lookup, json!({"c": cs["id"]})).await;
    assert_eq!(
        looked["lookup"]["templateContentSpace"]["about"]["why"],
        "To ship"
    );

    // counted in the set, and deleted with everything they hold
    let m = manager(&app, &admin, &s).await;
    assert_eq!(m["templatesSet"]["spaceTemplatesCount"], 1.0);
    const DELETE: &str = "mutation($t: UUID!) { deleteTemplate(deleteData: { ID: $t }) { id } }";
    for t in [&t1, &t2, &t3] {
        ok(&app, &admin, DELETE, json!({"t": t})).await;
    }
    assert_eq!(before, crate::deletion::row_counts(&app).await);
}
