//! Innovation flows over GraphQL: the states a new space's collaboration starts with, callouts
//! placed in states (by classification) and filtered by them, the state mutations with their
//! checks (names, limits) and what they do to the callouts, and the collaboration's license.

use serde_json::{Value, json};

use crate::callouts::{CREATE, callouts_set};
use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space, subspace};

on_both_backends!(
    flows_place_callouts,
    flow_states_change_with_checks,
    spaces_start_with_the_collaboration_asked_for
);

const FLOW: &str = "query($s: UUID!) { lookup { space(ID: $s) { collaboration {
    license { type entitlements { type enabled } }
    innovationFlow { id profile { displayName } settings { maximumNumberOfStates minimumNumberOfStates }
        currentState { displayName }
        states { id displayName description sortOrder settings { allowNewCallouts visible descriptionDisplayMode showPublishDetails } }
        authorization { myPrivileges } }
    calloutsSet { id tagsetTemplates { name type allowedValues defaultSelectedValue } } } } } }";
const IN_STATE: &str = "query($s: UUID!, $state: [String!]) { lookup { space(ID: $s) { collaboration { calloutsSet {
    callouts(classificationTagsets: [{ name: FLOW_STATE, tags: $state }]) { nameID
        classification { id tagset(tagsetName: FLOW_STATE) { id name tags allowedValues type } } } } } } } }";

async fn flow(app: &TestApp, token: &str, s: &str) -> Value {
    ok(app, token, FLOW, json!({"s": s})).await["lookup"]["space"]["collaboration"].clone()
}

async fn in_state(app: &TestApp, token: &str, s: &str, state: Option<&str>) -> Vec<String> {
    let data = ok(
        app,
        token,
        IN_STATE,
        json!({"s": s, "state": state.map(|x| vec![x])}),
    )
    .await;
    data["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["nameID"].as_str().unwrap().to_owned())
        .collect()
}

async fn callout_in(
    app: &TestApp,
    token: &str,
    set: &str,
    name: &str,
    state: Option<&str>,
) -> Value {
    let mut d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": name}}});
    if let Some(state) = state {
        d["classification"] = json!({"tagsets": [{"name": "flow-state", "tags": [state]}]});
    }
    ok(app, token, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone()
}

fn names(states: &Value) -> Vec<&str> {
    states
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap())
        .collect()
}

async fn flows_place_callouts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Flowing", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;

    let c = flow(&app, &admin, &s).await;
    let f = &c["innovationFlow"];
    assert_eq!(
        names(&f["states"]),
        ["Home", "Community", "Subspaces", "Knowledge"]
    );
    assert_eq!(f["currentState"]["displayName"], "Home");
    assert_eq!(
        f["settings"],
        json!({"maximumNumberOfStates": 8.0, "minimumNumberOfStates": 4.0})
    );
    assert_eq!(f["profile"]["displayName"], "Space Innovation Flow");
    assert_eq!(f["states"][0]["sortOrder"], 5.0);
    assert_eq!(
        f["states"][0]["settings"],
        json!({"allowNewCallouts": true, "visible": true, "descriptionDisplayMode": "EXPANDED", "showPublishDetails": true})
    );
    assert_eq!(
        c["calloutsSet"]["tagsetTemplates"],
        json!([{"name": "flow-state", "type": "SELECT_ONE",
            "allowedValues": ["Home", "Community", "Subspaces", "Knowledge"], "defaultSelectedValue": "Home"}])
    );
    // the collaboration's license carries the space's content flags
    let license = &c["license"];
    assert_eq!(license["type"], "COLLABORATION");
    let kinds: Vec<&str> = license["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for k in [
        "SPACE_FLAG_SAVE_AS_TEMPLATE",
        "SPACE_FLAG_WHITEBOARD_MULTI_USER",
        "SPACE_FLAG_MEMO_MULTI_USER",
        "SPACE_FLAG_OFFICE_DOCUMENTS",
    ] {
        assert!(kinds.contains(&k), "{license}");
    }
    // members read the flow but do not change it
    assert!(
        !flow(&app, &member_token, &s).await["innovationFlow"]["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "UPDATE_INNOVATION_FLOW")
    );

    // a subspace starts with its own five states
    let (sub, _) = subspace(&app, &admin, &s, "Side Project", Value::Null).await;
    let sf = flow(&app, &admin, &sub).await;
    assert_eq!(
        names(&sf["innovationFlow"]["states"]),
        ["Explore", "Define", "Brainstorm", "Validate", "Evaluate"]
    );
    assert_eq!(
        sf["innovationFlow"]["settings"]["minimumNumberOfStates"],
        1.0
    );

    // callouts go to the current state unless placed elsewhere
    let (_, set) = callouts_set(&app, &admin, &s).await;
    callout_in(&app, &admin, &set, "At home", None).await;
    let placed = callout_in(&app, &admin, &set, "Who is here", Some("Community")).await;
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Nowhere"}},
        "classification": {"tagsets": [{"name": "flow-state", "tags": ["Attic"]}]}});
    let refused = err(&app, &admin, CREATE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    assert_eq!(
        in_state(&app, &member_token, &s, Some("home")).await,
        ["athome"]
    );
    assert_eq!(
        in_state(&app, &member_token, &s, Some("Community")).await,
        ["whoishere"]
    );
    assert_eq!(in_state(&app, &member_token, &s, None).await.len(), 2);
    let data = ok(
        &app,
        &admin,
        IN_STATE,
        json!({"s": s, "state": ["Community"]}),
    )
    .await;
    let x =
        &data["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"][0]["classification"];
    assert_eq!(x["tagset"]["tags"], json!(["Community"]));
    assert_eq!(x["tagset"]["type"], "SELECT_ONE");
    assert_eq!(x["tagset"]["allowedValues"][3], "Knowledge");

    // moving a callout: through its classification (members may not) or through updateCallout
    let move_q = "mutation($x: UUID!, $v: String!) { updateClassificationTagset(updateData: {
        classificationID: $x, tagsetName: \"flow-state\", selectedValue: $v }) { tags } }";
    let denied = err(
        &app,
        &member_token,
        move_q,
        json!({"x": x["id"], "v": "Knowledge"}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let moved = ok(
        &app,
        &admin,
        move_q,
        json!({"x": x["id"], "v": "Knowledge"}),
    )
    .await;
    assert_eq!(
        moved["updateClassificationTagset"]["tags"],
        json!(["Knowledge"])
    );
    let wrong = err(&app, &admin, move_q, json!({"x": x["id"], "v": "Cellar"})).await;
    assert_reference_error(&wrong, "BAD_USER_INPUT", 12101);
    let update = "mutation($c: UUID!, $t: UUID!) { updateCallout(calloutData: { ID: $c,
        classification: { tagsets: [{ ID: $t, tags: [\"Subspaces\"] }] } }) {
        classification { tagset(tagsetName: FLOW_STATE) { tags } } } }";
    let updated = ok(
        &app,
        &admin,
        update,
        json!({"c": placed["id"], "t": x["tagset"]["id"]}),
    )
    .await;
    assert_eq!(
        updated["updateCallout"]["classification"]["tagset"]["tags"],
        json!(["Subspaces"])
    );
    assert_eq!(
        in_state(&app, &member_token, &s, Some("Subspaces")).await,
        ["whoishere"]
    );
}

async fn flow_states_change_with_checks(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Shifting", public()).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let f = flow(&app, &admin, &s).await["innovationFlow"].clone();
    let flow_id = f["id"].as_str().unwrap();
    let state = |i: usize| f["states"][i]["id"].as_str().unwrap().to_owned();
    callout_in(&app, &admin, &set, "First", Some("Home")).await;
    callout_in(&app, &admin, &set, "Second", Some("Community")).await;

    // a renamed state keeps its callouts
    let rename = "mutation($id: UUID!, $n: String!) { updateInnovationFlowState(stateData: {
        innovationFlowStateID: $id, displayName: $n, settings: { allowNewCallouts: false } }) { displayName settings { allowNewCallouts } } }";
    let renamed = ok(&app, &admin, rename, json!({"id": state(0), "n": "Start"})).await;
    assert_eq!(
        renamed["updateInnovationFlowState"],
        json!({"displayName": "Start", "settings": {"allowNewCallouts": false}})
    );
    assert_eq!(in_state(&app, &admin, &s, Some("Start")).await, ["first"]);
    for bad in ["community", "A, B"] {
        let refused = err(&app, &admin, rename, json!({"id": state(0), "n": bad})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }

    // at the minimum no state goes; a new state, then one may
    let delete = "mutation($f: UUID!, $id: UUID!) { deleteStateOnInnovationFlow(stateData: { innovationFlowID: $f, ID: $id }) { displayName } }";
    let refused = err(&app, &admin, delete, json!({"f": flow_id, "id": state(1)})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let create = "mutation($f: UUID!, $n: String!) { createStateOnInnovationFlow(stateData: {
        innovationFlowID: $f, displayName: $n, description: \"More\" }) { id displayName sortOrder } }";
    let created = ok(&app, &admin, create, json!({"f": flow_id, "n": "Extra"})).await;
    assert_eq!(created["createStateOnInnovationFlow"]["sortOrder"], 21.0);
    let duplicate = err(&app, &admin, create, json!({"f": flow_id, "n": "EXTRA"})).await;
    assert_reference_error(&duplicate, "BAD_USER_INPUT", 12101);
    // the current state goes: its callouts and the flow move to the first state left
    let current = "mutation($f: UUID!, $id: UUID!) { updateInnovationFlowCurrentState(innovationFlowStateData: {
        innovationFlowID: $f, currentStateID: $id }) { currentState { displayName } } }";
    ok(&app, &admin, current, json!({"f": flow_id, "id": state(1)})).await;
    ok(&app, &admin, delete, json!({"f": flow_id, "id": state(1)})).await;
    assert_eq!(in_state(&app, &admin, &s, Some("Start")).await.len(), 2);
    let after = flow(&app, &admin, &s).await["innovationFlow"].clone();
    assert_eq!(after["currentState"]["displayName"], "Start");
    assert_eq!(
        names(&after["states"]),
        ["Start", "Subspaces", "Knowledge", "Extra"]
    );
    // a state of another flow is refused
    let (other, _) = space(&app, &admin, &account, "Elsewhere", public()).await;
    let foreign = flow(&app, &admin, &other).await["innovationFlow"]["states"][0]["id"].clone();
    let refused = err(&app, &admin, current, json!({"f": flow_id, "id": foreign})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);

    // a new order lists every state once
    let ids: Vec<Value> = after["states"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|s| s["id"].clone())
        .collect();
    let sort =
        "mutation($f: UUID!, $ids: [UUID!]!) { updateInnovationFlowStatesSortOrder(sortOrderData: {
        innovationFlowID: $f, stateIDs: $ids }) { displayName sortOrder } }";
    let refused = err(&app, &admin, sort, json!({"f": flow_id, "ids": ids[..2]})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let sorted = ok(&app, &admin, sort, json!({"f": flow_id, "ids": ids})).await;
    assert_eq!(
        names(&sorted["updateInnovationFlowStatesSortOrder"]),
        ["Extra", "Knowledge", "Subspaces", "Start"]
    );
    assert_eq!(
        names(&flow(&app, &admin, &s).await["innovationFlow"]["states"]),
        ["Extra", "Knowledge", "Subspaces", "Start"]
    );
    let profile =
        "mutation($f: UUID!) { updateInnovationFlow(innovationFlowData: { innovationFlowID: $f,
        profileData: { displayName: \"Our way\" } }) { profile { displayName } } }";
    let changed = ok(&app, &admin, profile, json!({"f": flow_id})).await;
    assert_eq!(
        changed["updateInnovationFlow"]["profile"]["displayName"],
        "Our way"
    );
}

const NEW_SPACE: &str = "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id
    collaboration { innovationFlow { profile { displayName } currentState { displayName } states { displayName sortOrder } }
        calloutsSet { callouts { nameID sortOrder classification { tagset(tagsetName: FLOW_STATE) { tags } }
            framing { profile { displayName } } } } } } }";

fn new_space(account: &str, name: &str, collaboration: Value) -> Value {
    json!({"d": {"accountID": account, "about": {"profileData": {"displayName": name}},
        "collaborationData": collaboration}})
}

/// `createSpace` with its collaboration: the flow asked for (checked as a new flow's states
/// are), the callouts asked for (checked before the space exists, so a refused callout leaves
/// no space behind), and a welcome callout unless told otherwise; tutorials are not offered.
async fn spaces_start_with_the_collaboration_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let states = |names: &[&str]| -> Value {
        names
            .iter()
            .map(|n| json!({"displayName": n, "description": format!("About {n}")}))
            .collect()
    };
    let flow =
        |names: &[&str]| json!({"profile": {"displayName": "Our flow"}, "states": states(names)});

    // refused: too few states, a name twice, a callout in no state, a framing not offered,
    // tutorials; none of them leaves a space
    let refusals = [
        (
            json!({"calloutsSetData": {}, "innovationFlowData": flow(&["A", "B", "C"])}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetData": {}, "innovationFlowData": flow(&["A", "B", "C", "a"])}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetData": {"calloutsData": [{"framing": {"profile": {"displayName": "Lost"}},
            "classification": {"tagsets": [{"name": "flow-state", "tags": ["Nowhere"]}]}}]}}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetData": {"calloutsData": [{"framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Board"}}}]}}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetData": {}, "addTutorialCallouts": true}),
            "NOT_SUPPORTED",
            12114,
        ),
    ];
    for (i, (collaboration, code, numeric)) in refusals.into_iter().enumerate() {
        let name = format!("Refused {i}");
        let refused = err(
            &app,
            &admin,
            NEW_SPACE,
            new_space(&account, &name, collaboration),
        )
        .await;
        assert_reference_error(&refused, code, numeric);
    }
    let listed = ok(&app, &admin, "{ spaces { id } }", json!({})).await;
    assert_eq!(listed["spaces"], json!([]), "nothing was written");

    // the flow and callouts asked for, with the welcome callout first
    let collaboration = json!({"innovationFlowData": flow(&["Plan", "Do", "Check", "Act", "Again"]),
        "calloutsSetData": {"calloutsData": [
            {"framing": {"profile": {"displayName": "What to check"}},
             "classification": {"tagsets": [{"name": "flow-state", "tags": ["Check"]}]}},
            {"nameID": "plan-it", "framing": {"profile": {"displayName": "Plan it"}}}]}});
    let created = ok(
        &app,
        &admin,
        NEW_SPACE,
        new_space(&account, "Cycle", collaboration),
    )
    .await;
    let c = &created["createSpace"]["collaboration"];
    let f = &c["innovationFlow"];
    assert_eq!(f["profile"]["displayName"], "Our flow");
    assert_eq!(f["currentState"]["displayName"], "Plan");
    assert_eq!(names(&f["states"]), ["Plan", "Do", "Check", "Act", "Again"]);
    assert_eq!(f["states"][4]["sortOrder"], 25.0);
    let callouts = c["calloutsSet"]["callouts"].as_array().unwrap();
    let named: Vec<&str> = callouts
        .iter()
        .map(|c| c["nameID"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["welcome", "whattocheck", "plan-it"]);
    let state = |i: usize| callouts[i]["classification"]["tagset"]["tags"][0].clone();
    assert_eq!(
        (state(0), state(1), state(2)),
        (json!("Plan"), json!("Check"), json!("Plan"))
    );
    assert_eq!(
        callouts[0]["framing"]["profile"]["displayName"],
        "Welcome to your space!"
    );

    // no welcome callout when told so; a subspace's flow asked for needs one state at least
    let created = ok(
        &app,
        &admin,
        NEW_SPACE,
        new_space(
            &account,
            "Bare",
            json!({"calloutsSetData": {}, "addCallouts": false}),
        ),
    )
    .await;
    assert_eq!(
        created["createSpace"]["collaboration"]["calloutsSet"]["callouts"],
        json!([])
    );
    let bare = created["createSpace"]["id"].clone();
    let sub = "mutation($d: CreateSubspaceInput!) { createSubspace(subspaceData: $d) { id
        collaboration { innovationFlow { states { displayName } } calloutsSet { callouts { nameID } } } } }";
    let refused = err(
        &app,
        &admin,
        sub,
        json!({"d": {"spaceID": bare, "about": {"profileData": {"displayName": "Empty"}},
            "collaborationData": {"calloutsSetData": {}, "innovationFlowData": flow(&[])}}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let made = ok(
        &app,
        &admin,
        sub,
        json!({"d": {"spaceID": bare, "about": {"profileData": {"displayName": "Solo"}},
            "collaborationData": {"calloutsSetData": {}, "innovationFlowData": flow(&["Only"])}}}),
    )
    .await;
    let s = &made["createSubspace"]["collaboration"];
    assert_eq!(names(&s["innovationFlow"]["states"]), ["Only"]);
    assert_eq!(s["calloutsSet"]["callouts"][0]["nameID"], "welcome");
}
