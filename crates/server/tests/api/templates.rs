//! Templates over GraphQL: an L0 space's templates manager (its subspaces share it) with its
//! default and set; post and whiteboard templates created, listed, changed and deleted with
//! their checks; defaults taking only templates of their kind; managers made for older spaces
//! at start-up and deleted with their space.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, space, subspace};

on_both_backends!(templates_are_kept_per_space);

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

    // refused: a post template without its description, kinds not supported yet, members,
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
            "NOT_SUPPORTED",
            12114,
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
