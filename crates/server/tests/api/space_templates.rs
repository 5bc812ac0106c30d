//! Space templates at work: a space copied into a template (with or without its subspaces)
//! and a template duplicated; a new space and subspace started from a template or from the
//! default template of their level; a collaboration brought in line with a template.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, space};

on_both_backends!(
    spaces_become_templates_and_templates_become_spaces,
    collaborations_follow_a_template
);

const FROM_SPACE: &str = "mutation($d: CreateTemplateFromSpaceOnTemplatesSetInput!) { createTemplateFromSpace(templateData: $d) { id type } }";
const CONTENT: &str = "query($t: UUID!) { lookup { template(ID: $t) { contentSpace { id level
    about { why profile { displayName tagline } }
    settings { privacy { mode } }
    collaboration { innovationFlow { states { displayName } }
        calloutsSet { callouts { nameID isTemplate framing { profile { displayName } }
            contributionDefaults { postDescription }
            classification { flowState: tagset(tagsetName: FLOW_STATE) { tags } } } } }
    subspaces { level about { profile { displayName } } collaboration { calloutsSet { callouts { nameID } } } } } } } }";
const SPACE_CONTENT: &str = "query($s: UUID!) { lookup { space(ID: $s) { id level
    about { why profile { displayName tagline } }
    settings { privacy { mode } }
    collaboration { id innovationFlow { states { displayName } }
        calloutsSet { callouts { nameID isTemplate framing { profile { displayName } }
            classification { flowState: tagset(tagsetName: FLOW_STATE) { tags } } } } }
    subspaces { id level about { profile { displayName } } collaboration { calloutsSet { callouts { nameID } } } } } } }";

fn names(v: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| match key {
            "" => x.as_str().unwrap().to_owned(),
            k => x
                .pointer(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    out.sort();
    out
}

async fn set_of(app: &TestApp, token: &str, s: &str) -> Value {
    ok(
        app,
        token,
        "query($s: UUID!) { lookup { space(ID: $s) { templatesManager { templatesSet { id } } } } }",
        json!({"s": s}),
    )
    .await["lookup"]["space"]["templatesManager"]["templatesSet"]["id"]
        .clone()
}

/// A source space: public, why, a tagline, a flow of four states, two callouts (one in
/// "Build", one with a post) and a subspace with a callout of its own.
async fn source(app: &TestApp, admin: &str, account: &str) -> String {
    let data = json!({"accountID": account,
        "about": {"profileData": {"displayName": "Source Space", "tagline": "made to be copied"}, "why": "Because"},
        "settings": {"privacy": {"mode": "PUBLIC"}},
        "collaborationData": {"addCallouts": false,
            "innovationFlowData": {"profile": {"displayName": "Flow"}, "states": [
                {"displayName": "Plan"}, {"displayName": "Build"}, {"displayName": "Test"}, {"displayName": "Ship"}]},
            "calloutsSetData": {"calloutsData": [
                {"nameID": "brief", "framing": {"profile": {"displayName": "The brief"}},
                 "classification": {"tagsets": [{"name": "flow-state", "tags": ["Build"]}]}},
                {"nameID": "ideas", "framing": {"profile": {"displayName": "Ideas"}},
                 "settings": {"contribution": {"enabled": true, "allowedTypes": ["POST"]}},
                 "contributionDefaults": {"postDescription": "An idea"}}]}}});
    let s = ok(
        app,
        admin,
        "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }",
        json!({"d": data}),
    )
    .await["createSpace"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sub = json!({"spaceID": s, "about": {"profileData": {"displayName": "Source Sub"}},
        "collaborationData": {"addCallouts": false, "calloutsSetData": {"calloutsData": [
            {"nameID": "sub-notes", "framing": {"profile": {"displayName": "Notes"}}}]}}});
    ok(
        app,
        admin,
        "mutation($d: CreateSubspaceInput!) { createSubspace(subspaceData: $d) { id } }",
        json!({"d": sub}),
    )
    .await;
    s
}

async fn spaces_become_templates_and_templates_become_spaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let src = source(&app, &admin, &account).await;
    // a post contributed to the source stays behind
    let ideas = ok(&app, &admin, SPACE_CONTENT, json!({"s": src})).await;
    let (lib, _) = space(
        &app,
        &admin,
        &account,
        "Library",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    let set = set_of(&app, &admin, &lib).await;
    assert_eq!(
        ideas["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // copied with its subspaces
    let d = json!({"templatesSetID": set, "spaceID": src, "profileData": {"displayName": "Kit"}});
    let t = ok(&app, &admin, FROM_SPACE, json!({"d": d})).await["createTemplateFromSpace"].clone();
    assert_eq!(t["type"], "SPACE");
    let cs = ok(&app, &admin, CONTENT, json!({"t": t["id"]})).await["lookup"]["template"]["contentSpace"].clone();
    assert_eq!(cs["level"], "L0");
    assert_eq!(cs["about"]["why"], "Because");
    assert_eq!(cs["about"]["profile"]["tagline"], "made to be copied");
    assert_eq!(cs["settings"]["privacy"]["mode"], "PUBLIC");
    assert_eq!(
        names(
            &cs["collaboration"]["innovationFlow"]["states"],
            "/displayName"
        ),
        ["Build", "Plan", "Ship", "Test"]
    );
    let callouts = &cs["collaboration"]["calloutsSet"]["callouts"];
    assert_eq!(names(callouts, "/nameID"), ["brief", "ideas"]);
    for c in callouts.as_array().unwrap() {
        assert_eq!(c["isTemplate"], true);
        if c["nameID"] == "brief" {
            assert_eq!(c["classification"]["flowState"]["tags"], json!(["Build"]));
        } else {
            assert_eq!(c["contributionDefaults"]["postDescription"], "An idea");
        }
    }
    assert_eq!(cs["subspaces"][0]["level"], "L1");
    assert_eq!(
        cs["subspaces"][0]["about"]["profile"]["displayName"],
        "Source Sub"
    );
    assert_eq!(
        cs["subspaces"][0]["collaboration"]["calloutsSet"]["callouts"],
        json!([{"nameID": "sub-notes"}])
    );
    // not recursive: no subspaces; a stranger cannot copy a space into the set
    let mut flat = d.clone();
    flat["recursive"] = json!(false);
    flat["profileData"]["displayName"] = json!("Flat kit");
    let flat_t = ok(&app, &admin, FROM_SPACE, json!({"d": flat})).await["createTemplateFromSpace"]
        ["id"]
        .clone();
    let flat_cs = ok(&app, &admin, CONTENT, json!({"t": flat_t})).await;
    assert_eq!(
        flat_cs["lookup"]["template"]["contentSpace"]["subspaces"],
        json!([])
    );
    let denied = err(&app, &stranger, FROM_SPACE, json!({"d": d})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // duplicated from its content space
    let dup = ok(
        &app,
        &admin,
        "mutation($d: CreateTemplateFromContentSpaceOnTemplatesSetInput!) { createTemplateFromContentSpace(templateData: $d) { id } }",
        json!({"d": {"templatesSetID": set, "contentSpaceID": cs["id"], "profileData": {"displayName": "Kit copy"}}}),
    )
    .await["createTemplateFromContentSpace"]["id"]
        .clone();
    let dup_cs =
        ok(&app, &admin, CONTENT, json!({"t": dup})).await["lookup"]["template"]["contentSpace"]
            .clone();
    assert_ne!(dup_cs["id"], cs["id"]);
    assert_eq!(
        names(
            &dup_cs["collaboration"]["calloutsSet"]["callouts"],
            "/nameID"
        ),
        ["brief", "ideas"]
    );
    assert_eq!(
        dup_cs["subspaces"][0]["about"]["profile"]["displayName"],
        "Source Sub"
    );

    // a new space named after the template starts from its content: what is asked for wins
    let create = json!({"accountID": account, "spaceTemplateID": t["id"],
        "about": {"profileData": {"displayName": "From Kit"}},
        "collaborationData": {"calloutsSetData": {"calloutsData": [
            {"nameID": "brief", "framing": {"profile": {"displayName": "My own brief"}}}]}}});
    let made = ok(
        &app,
        &admin,
        "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }",
        json!({"d": create}),
    )
    .await["createSpace"]["id"]
        .clone();
    let got = ok(&app, &admin, SPACE_CONTENT, json!({"s": made})).await["lookup"]["space"].clone();
    assert_eq!(got["about"]["profile"]["displayName"], "From Kit");
    assert_eq!(got["about"]["profile"]["tagline"], "made to be copied");
    assert_eq!(got["about"]["why"], "Because");
    assert_eq!(got["settings"]["privacy"]["mode"], "PUBLIC");
    assert_eq!(
        names(
            &got["collaboration"]["innovationFlow"]["states"],
            "/displayName"
        ),
        ["Build", "Plan", "Ship", "Test"]
    );
    let made_callouts = &got["collaboration"]["calloutsSet"]["callouts"];
    // the template's "brief" got a new NameID next to the one asked for; no welcome callout
    let made_names = names(made_callouts, "/nameID");
    assert_eq!(made_names.len(), 3, "{made_names:?}");
    assert!(made_names.contains(&"brief".to_owned()) && made_names.contains(&"ideas".to_owned()));
    assert!(!made_names.contains(&"welcome".to_owned()));
    for c in made_callouts.as_array().unwrap() {
        assert_eq!(c["isTemplate"], false);
    }
    let the_brief = made_callouts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["framing"]["profile"]["displayName"] == "The brief")
        .unwrap();
    assert_eq!(
        the_brief["classification"]["flowState"]["tags"],
        json!(["Build"])
    );
    // its subspace too
    assert_eq!(got["subspaces"][0]["level"], "L1");
    assert_eq!(
        got["subspaces"][0]["about"]["profile"]["displayName"],
        "Source Sub"
    );
    assert_eq!(
        got["subspaces"][0]["collaboration"]["calloutsSet"]["callouts"],
        json!([{"nameID": "sub-notes"}])
    );

    // a template that does not exist or holds no space is refused, and nothing is created
    let before = crate::deletion::row_counts(&app).await;
    let post_template = ok(
        &app,
        &admin,
        "mutation($d: CreateTemplateOnTemplatesSetInput!) { createTemplate(templateData: $d) { id } }",
        json!({"d": {"templatesSetID": set, "type": "POST", "profileData": {"displayName": "Post"}, "postDefaultDescription": "x"}}),
    )
    .await["createTemplate"]["id"]
        .clone();
    let counts = crate::deletion::row_counts(&app).await;
    for (template, code, numeric) in [
        (
            json!(uuid::Uuid::now_v7().to_string()),
            "ENTITY_NOT_FOUND",
            10101,
        ),
        (post_template, "BAD_USER_INPUT", 12101),
    ] {
        let mut bad = create.clone();
        bad["spaceTemplateID"] = template;
        let refused = err(
            &app,
            &admin,
            "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }",
            json!({"d": bad}),
        )
        .await;
        assert_reference_error(&refused, code, numeric);
    }
    assert_eq!(counts, crate::deletion::row_counts(&app).await);
    assert_ne!(before, counts);

    // the template is made again from another space; without `recursive` it copies the
    // subspaces too
    let update = "mutation($d: UpdateTemplateFromSpaceInput!) { updateTemplateFromSpace(updateData: $d) { id } }";
    let denied = err(
        &app,
        &stranger,
        update,
        json!({"d": {"templateID": t["id"], "spaceID": lib}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(
        &app,
        &admin,
        update,
        json!({"d": {"templateID": t["id"], "spaceID": lib}}),
    )
    .await;
    let cs = ok(&app, &admin, CONTENT, json!({"t": t["id"]})).await["lookup"]["template"]["contentSpace"].clone();
    assert_eq!(cs["about"]["profile"]["displayName"], "Library");
    assert_eq!(cs["settings"]["privacy"]["mode"], "PRIVATE");
    assert_eq!(cs["collaboration"]["calloutsSet"]["callouts"], json!([]));

    // the platform's default space template starts every new space that names none
    let platform = ok(
        &app,
        &admin,
        "{ platform { templatesManager { templatesSet { id } templateDefaults { id type } } } }",
        json!({}),
    )
    .await;
    let pm = &platform["platform"]["templatesManager"];
    let pd = ok(
        &app,
        &admin,
        FROM_SPACE,
        json!({"d": {"templatesSetID": pm["templatesSet"]["id"], "spaceID": src, "recursive": false,
            "profileData": {"displayName": "Platform default"}}}),
    )
    .await["createTemplateFromSpace"]["id"]
        .clone();
    let default_id = pm["templateDefaults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "PLATFORM_SPACE")
        .unwrap()["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($d: UUID!, $t: UUID!) { updateTemplateDefault(templateDefaultData: { templateDefaultID: $d, templateID: $t }) { id } }",
        json!({"d": default_id, "t": pd}),
    )
    .await;
    let plain = json!({"accountID": account, "about": {"profileData": {"displayName": "Plain"}},
        "collaborationData": {"calloutsSetData": {}}});
    let plain = ok(
        &app,
        &admin,
        "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }",
        json!({"d": plain}),
    )
    .await["createSpace"]["id"]
        .clone();
    let got = ok(&app, &admin, SPACE_CONTENT, json!({"s": plain})).await["lookup"]["space"].clone();
    assert_eq!(
        names(&got["collaboration"]["calloutsSet"]["callouts"], "/nameID"),
        ["brief", "ideas"]
    );
    assert_eq!(got["about"]["why"], "Because");
}

async fn collaborations_follow_a_template(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let src = source(&app, &admin, &account).await;
    let set = set_of(&app, &admin, &src).await;
    let t = ok(
        &app,
        &admin,
        FROM_SPACE,
        json!({"d": {"templatesSetID": set, "spaceID": src, "profileData": {"displayName": "Kit"}}}),
    )
    .await["createTemplateFromSpace"]["id"]
        .clone();
    // a target L0 space with the default states (Home, Community, Subspaces, Knowledge), a
    // welcome callout and a subspace with the default subspace states
    let (target, _) = space(&app, &admin, &account, "Target", Value::Null).await;
    let welcome = json!({"accountID": account, "about": {"profileData": {"displayName": "Target 2"}},
        "collaborationData": {"calloutsSetData": {}}});
    let target2 = ok(
        &app,
        &admin,
        "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }",
        json!({"d": welcome}),
    )
    .await["createSpace"]["id"]
        .clone();
    let collab = |s: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { ok(app, &admin, SPACE_CONTENT, json!({"s": s})).await["lookup"]["space"].clone() }
    };
    let target_space = collab(json!(target)).await;
    let c = target_space["collaboration"]["id"].clone();
    const UPDATE: &str = "mutation($d: UpdateCollaborationFromSpaceTemplateInput!) { updateCollaborationFromSpaceTemplate(updateData: $d) {
        id innovationFlow { states { displayName } currentState { displayName } } } }";
    let denied = err(
        &app,
        &stranger,
        UPDATE,
        json!({"d": {"collaborationID": c, "spaceTemplateID": t}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    // an L0 space keeps its first four states and gains the template's others: here the
    // template's four would make eight
    let updated = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"collaborationID": c, "spaceTemplateID": t}}),
    )
    .await["updateCollaborationFromSpaceTemplate"]
        .clone();
    let states: Vec<&str> = updated["innovationFlow"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "Home",
            "Community",
            "Subspaces",
            "Knowledge",
            "Plan",
            "Build",
            "Test",
            "Ship"
        ]
    );
    assert_eq!(
        updated["innovationFlow"]["currentState"]["displayName"],
        "Home"
    );
    // callouts added: in their states when the flow has them
    let added = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"collaborationID": c, "spaceTemplateID": t, "addCallouts": true}}),
    )
    .await;
    assert!(added.get("updateCollaborationFromSpaceTemplate").is_some());
    let after = collab(json!(target)).await;
    let callouts = &after["collaboration"]["calloutsSet"]["callouts"];
    assert_eq!(names(callouts, "/nameID"), ["brief", "ideas"]);
    let brief = callouts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nameID"] == "brief")
        .unwrap();
    assert_eq!(
        brief["classification"]["flowState"]["tags"],
        json!(["Build"])
    );
    assert_eq!(brief["isTemplate"], false);
    // replacing everything on another space: its welcome callout goes
    let c2 = collab(target2.clone()).await["collaboration"]["id"].clone();
    assert_eq!(
        names(
            &collab(target2.clone()).await["collaboration"]["calloutsSet"]["callouts"],
            "/nameID"
        ),
        ["welcome"]
    );
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"collaborationID": c2, "spaceTemplateID": t, "addCallouts": true, "deleteExistingCallouts": true}}),
    )
    .await;
    assert_eq!(
        names(
            &collab(target2).await["collaboration"]["calloutsSet"]["callouts"],
            "/nameID"
        ),
        ["brief", "ideas"]
    );
    // a subspace's states become the template's; its callouts in states that go move to the
    // current state
    let sub = after["subspaces"].as_array().cloned().unwrap_or_default();
    assert!(sub.is_empty());
    let sub_id = ok(
        &app,
        &admin,
        "mutation($d: CreateSubspaceInput!) { createSubspace(subspaceData: $d) { id } }",
        json!({"d": {"spaceID": target, "about": {"profileData": {"displayName": "Target sub"}},
            "collaborationData": {"calloutsSetData": {"calloutsData": [
                {"nameID": "later", "framing": {"profile": {"displayName": "Later"}},
                 "classification": {"tagsets": [{"name": "flow-state", "tags": ["Evaluate"]}]}}]}}}}),
    )
    .await["createSubspace"]["id"]
        .clone();
    let sub_c = collab(sub_id.clone()).await["collaboration"]["id"].clone();
    let updated = ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"collaborationID": sub_c, "spaceTemplateID": t}}),
    )
    .await["updateCollaborationFromSpaceTemplate"]
        .clone();
    let states: Vec<&str> = updated["innovationFlow"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Plan", "Build", "Test", "Ship"]);
    let later = collab(sub_id).await["collaboration"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nameID"] == "later")
        .cloned()
        .unwrap();
    assert_eq!(
        later["classification"]["flowState"]["tags"],
        json!(["Plan"])
    );
}
