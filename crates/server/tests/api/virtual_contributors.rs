//! Virtual contributors over GraphQL: creation on an account (privilege and entitlement), who
//! reads them as their visibility changes, persona, knowledge base and model card, settings,
//! lookups, URLs, curated hub lists, well-known parts and deletion leaving nothing behind.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok};

on_both_backends!(virtual_contributors_live_on_accounts);

const CREATE: &str = "mutation($d: CreateVirtualContributorOnAccountInput!) {
    createVirtualContributor(virtualContributorData: $d) {
    id nameID type listedInStore searchVisibility dataAccessMode interactionModes
    bodyOfKnowledgeType bodyOfKnowledgeID status engine account { id } provider { id }
    settings { privacy { knowledgeBaseContentVisible } }
    platformSettings { promptGraphEditingEnabled }
    profile { displayName url visuals { name } tagsets { name } }
    aiPersona { engine prompt externalConfig { apiKey assistantId model } }
    modelCard { aiEngine { isExternal hostingLocation areAnswersRestrictedToBodyOfKnowledge
        isInteractionDataUsedForTraining } monitoring { isUsageMonitoredByAlkemio }
        spaceUsage { modelCardEntry flags { name enabled } } }
    knowledgeBase { id profile { displayName } calloutsSet { id } } } }";
const READ: &str =
    "query($id: UUID!) { virtualContributor(ID: $id) { id profile { displayName } } }";
const UPDATE: &str = "mutation($d: UpdateVirtualContributorInput!) {
    updateVirtualContributor(virtualContributorData: $d) { id nameID searchVisibility
    listedInStore profile { displayName } knowledgeBase { profile { description } } } }";

fn vc(account: &str, name: &str) -> Value {
    json!({"accountID": account, "profileData": {"displayName": name},
        "aiPersona": {"engine": "GENERIC_OPENAI", "prompt": ["Be kind"],
            "externalConfig": {"apiKey": "sk-abcdefghijklmnop1234", "model": "GPT_5_MINI"}},
        "bodyOfKnowledgeType": "NONE"})
}

async fn anonymous(app: &TestApp, query: &str, vars: Value) -> Value {
    app.graphql_at("/graphql", query, vars).await
}

async fn privileges(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let found = ok(
        app,
        token,
        "query($id: UUID!) { lookup { myPrivileges { virtualContributor(ID: $id) } } }",
        json!({"id": id}),
    )
    .await;
    serde_json::from_value(found["lookup"]["myPrivileges"]["virtualContributor"].clone()).unwrap()
}

async fn virtual_contributors_live_on_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner_user, owner) = app.user_with_token("owner@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let before = crate::deletion::row_counts(&app).await;

    // a stranger may not create one on the account; its admin may not without an
    // entitlement; a platform admin may
    let refused = err(&app, &stranger, CREATE, json!({"d": vc(&account, "Guide")})).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    let limited = err(&app, &owner, CREATE, json!({"d": vc(&account, "Guide")})).await;
    assert_reference_error(&limited, "BAD_USER_INPUT", 12101);
    assert!(
        limited["message"]
            .as_str()
            .unwrap()
            .contains("account-virtual-contributor"),
        "{limited}"
    );
    let mut no_modes = vc(&account, "Guide");
    no_modes["interactionModes"] = json!([]);
    let e = err(&app, &admin, CREATE, json!({"d": no_modes})).await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    assert_eq!(crate::deletion::row_counts(&app).await, before);

    let created = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": vc(&account, "Guide Bot")}),
    )
    .await["createVirtualContributor"]
        .clone();
    let id = created["id"].as_str().unwrap().to_owned();
    let name = created["nameID"].as_str().unwrap().to_owned();
    assert_eq!(name, "guidebot");
    assert_eq!(created["type"], "VIRTUAL_CONTRIBUTOR");
    assert_eq!(created["listedInStore"], true);
    assert_eq!(created["searchVisibility"], "ACCOUNT");
    assert_eq!(created["dataAccessMode"], "SPACE_PROFILE_AND_CONTENTS");
    assert_eq!(created["interactionModes"], "DISCUSSION_TAGGING");
    assert_eq!(created["bodyOfKnowledgeType"], "NONE");
    assert_eq!(created["bodyOfKnowledgeID"], Value::Null);
    assert_eq!(created["status"], "INITIALIZING");
    assert_eq!(created["engine"], "GENERIC_OPENAI");
    assert_eq!(created["account"]["id"], account);
    assert_eq!(created["provider"]["id"], owner_user.id.to_string());
    assert_eq!(
        created["settings"]["privacy"]["knowledgeBaseContentVisible"],
        false
    );
    assert_eq!(
        created["platformSettings"]["promptGraphEditingEnabled"],
        false
    );
    assert_eq!(created["profile"]["displayName"], "Guide Bot");
    assert!(
        created["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/vc/{name}")),
        "{created}"
    );
    assert_eq!(created["profile"]["visuals"], json!([{"name": "AVATAR"}]));
    // the key is never shown whole
    assert_eq!(
        created["aiPersona"],
        json!({"engine": "GENERIC_OPENAI", "prompt": ["Be kind"],
            "externalConfig": {"apiKey": "sk-abcd...1234", "assistantId": null, "model": "GPT_5_MINI"}})
    );
    assert_eq!(
        created["modelCard"]["aiEngine"],
        json!({"isExternal": true, "hostingLocation": "Unknown",
            "areAnswersRestrictedToBodyOfKnowledge": "No", "isInteractionDataUsedForTraining": null})
    );
    assert_eq!(
        created["modelCard"]["monitoring"]["isUsageMonitoredByAlkemio"],
        true
    );
    assert_eq!(
        created["modelCard"]["spaceUsage"][2],
        json!({"modelCardEntry": "SPACE_ROLE_REQUIRED", "flags": [
            {"name": "SPACE_ROLE_MEMBER", "enabled": true},
            {"name": "SPACE_ROLE_ADMIN", "enabled": false}]})
    );
    assert_eq!(
        created["knowledgeBase"]["profile"]["displayName"],
        "Knowledge Base"
    );
    let kb = created["knowledgeBase"]["id"].as_str().unwrap().to_owned();
    let kb_set = created["knowledgeBase"]["calloutsSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // the account lists it and its license counts it
    let listed = ok(
        &app,
        &owner,
        "query($id: UUID!) { lookup { account(ID: $id) { virtualContributors { id }
            license { availableEntitlements } } } }",
        json!({"id": account}),
    )
    .await;
    assert_eq!(
        listed["lookup"]["account"]["virtualContributors"],
        json!([{"id": id}])
    );
    assert!(
        !listed["lookup"]["account"]["license"]["availableEntitlements"]
            .as_array()
            .unwrap()
            .contains(&json!("ACCOUNT_VIRTUAL_CONTRIBUTOR")),
        "{listed}"
    );

    // visible only on its account: the owner reads it, a stranger and a visitor may not
    ok(&app, &owner, READ, json!({"id": id})).await;
    let hidden = err(&app, &stranger, READ, json!({"id": id})).await;
    assert_reference_error(&hidden, "FORBIDDEN_POLICY", 11104);
    let e = err(
        &app,
        &stranger,
        "query($id: UUID!) { lookup { virtualContributor(ID: $id) { id } } }",
        json!({"id": id}),
    )
    .await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let raw = anonymous(&app, READ, json!({"id": id})).await;
    assert_eq!(raw["errors"][0]["extensions"]["code"], "FORBIDDEN_POLICY");
    let mine = privileges(&app, &owner, &id).await;
    for p in ["READ", "UPDATE", "DELETE"] {
        assert!(mine.iter().any(|m| m == p), "{mine:?}");
    }
    assert!(privileges(&app, &stranger, &id).await.is_empty());
    let by_name = ok(
        &app,
        &owner,
        "query($n: NameID!) { lookupByName { virtualContributor(NAMEID: $n) } }",
        json!({"n": name}),
    )
    .await;
    assert_eq!(by_name["lookupByName"]["virtualContributor"], id);

    // only its managers change it; its knowledge base's profile changes with it
    let change = json!({"d": {"ID": id, "profileData": {"displayName": "Guide"},
        "knowledgeBaseData": {"profile": {"description": "What the guide knows"}}}});
    let e = err(&app, &stranger, UPDATE, change.clone()).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let updated = ok(&app, &owner, UPDATE, change).await["updateVirtualContributor"].clone();
    assert_eq!(updated["profile"]["displayName"], "Guide");
    assert_eq!(
        updated["knowledgeBase"]["profile"]["description"],
        "What the guide knows"
    );
    let e = err(
        &app,
        &owner,
        UPDATE,
        json!({"d": {"ID": id, "interactionModes": []}}),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);

    // made public, everyone reads it and the library offers it
    ok(
        &app,
        &owner,
        UPDATE,
        json!({"d": {"ID": id, "searchVisibility": "PUBLIC"}}),
    )
    .await;
    ok(&app, &stranger, READ, json!({"id": id})).await;
    let raw = anonymous(&app, READ, json!({"id": id})).await;
    assert_eq!(raw["data"]["virtualContributor"]["id"], id, "{raw}");
    let library = ok(
        &app,
        &stranger,
        "{ platform { library { virtualContributors { id } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        library["platform"]["library"]["virtualContributors"],
        json!([{"id": id}])
    );
    let actor = ok(
        &app,
        &stranger,
        "query($id: UUID!) { actor(id: $id) { __typename id nameID } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(actor["actor"]["__typename"], "VirtualContributor");

    // its knowledge base: its about is read with the contributor, its contents once visible
    let lookup_kb =
        "query($id: UUID!) { lookup { knowledgeBase(ID: $id) { id profile { displayName } } } }";
    let e = err(&app, &stranger, lookup_kb, json!({"id": kb})).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let settings = ok(
        &app,
        &owner,
        "mutation($d: UpdateVirtualContributorSettingsInput!) {
            updateVirtualContributorSettings(settingsData: $d) {
            settings { privacy { knowledgeBaseContentVisible } } } }",
        json!({"d": {"virtualContributorID": id,
            "settings": {"privacy": {"knowledgeBaseContentVisible": true}}}}),
    )
    .await;
    assert_eq!(
        settings["updateVirtualContributorSettings"]["settings"]["privacy"]["knowledgeBaseContentVisible"],
        true
    );
    let seen = ok(&app, &stranger, lookup_kb, json!({"id": kb})).await;
    assert_eq!(seen["lookup"]["knowledgeBase"]["id"], kb);

    // platform settings are for platform administrators
    let platform_settings = "mutation($d: UpdateVirtualContributorPlatformSettingsInput!) {
        updateVirtualContributorPlatformSettings(settingsData: $d) {
        platformSettings { promptGraphEditingEnabled } } }";
    let vars = json!({"d": {"virtualContributorID": id,
        "settings": {"promptGraphEditingEnabled": true}}});
    let e = err(&app, &owner, platform_settings, vars.clone()).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let set = ok(&app, &admin, platform_settings, vars).await;
    assert_eq!(
        set["updateVirtualContributorPlatformSettings"]["platformSettings"]["promptGraphEditingEnabled"],
        true
    );

    // the platform-wide list is for platform administrators (empty for anyone else)
    let all = "{ virtualContributors { id } }";
    assert_eq!(
        ok(&app, &admin, all, json!({})).await["virtualContributors"],
        json!([{"id": id}])
    );
    assert_eq!(
        ok(&app, &owner, all, json!({})).await["virtualContributors"],
        json!([])
    );

    // a well-known part: set by platform administrators, for a contributor that exists
    let well_known = "mutation($d: SetPlatformWellKnownVirtualContributorInput!) {
        setPlatformWellKnownVirtualContributor(mappingData: $d) {
        mappings { wellKnown virtualContributorID } } }";
    let vars = json!({"d": {"wellKnown": "CHAT_GUIDANCE", "virtualContributorID": id}});
    let e = err(&app, &owner, well_known, vars.clone()).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let e = err(
        &app,
        &admin,
        well_known,
        json!({"d": {"wellKnown": "CHAT_GUIDANCE",
            "virtualContributorID": uuid::Uuid::new_v4().to_string()}}),
    )
    .await;
    assert_reference_error(&e, "ENTITY_NOT_FOUND", 10101);
    let mapped = ok(&app, &admin, well_known, vars).await;
    assert_eq!(
        mapped["setPlatformWellKnownVirtualContributor"]["mappings"],
        json!([{"wellKnown": "CHAT_GUIDANCE", "virtualContributorID": id}])
    );
    let platform = ok(
        &app,
        &stranger,
        "query($id: UUID!) { platform { wellKnownVirtualContributors { mappings { wellKnown virtualContributorID } } }
            virtualContributor(ID: $id) { wellKnownVirtualContributor } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        platform["platform"]["wellKnownVirtualContributors"]["mappings"],
        json!([{"wellKnown": "CHAT_GUIDANCE", "virtualContributorID": id}])
    );
    assert_eq!(
        platform["virtualContributor"]["wellKnownVirtualContributor"],
        "CHAT_GUIDANCE"
    );

    // its URL names it and its knowledge base's callouts
    let resolve = "query($u: String!) { urlResolver(url: $u) { type state
        virtualContributor { id calloutsSet { id type } } } }";
    let found = ok(
        &app,
        &stranger,
        resolve,
        json!({"u": format!("http://localhost:3000/vc/{name}")}),
    )
    .await;
    assert_eq!(
        found["urlResolver"],
        json!({"type": "VIRTUAL_CONTRIBUTOR", "state": "Resolved",
            "virtualContributor": {"id": id, "calloutsSet": {"id": kb_set, "type": "CALLOUTS_SET"}}})
    );
    let missing = ok(
        &app,
        &stranger,
        resolve,
        json!({"u": "http://localhost:3000/vc/nobody-here"}),
    )
    .await;
    assert_eq!(missing["urlResolver"]["state"], "NotFound");
    assert_eq!(missing["urlResolver"]["virtualContributor"], Value::Null);

    // a hub curates it; an unknown id is refused
    let hub =
        "mutation($d: CreateInnovationHubOnAccountInput!) { createInnovationHub(createData: $d) {
        id virtualContributorListFilter { id } } }";
    let data = |ids: Value| {
        json!({"d": {"accountID": account, "subdomain": "guides", "type": "LIST",
            "profileData": {"displayName": "Guides"}, "virtualContributorListFilter": ids}})
    };
    let e = err(
        &app,
        &admin,
        hub,
        data(json!([uuid::Uuid::new_v4().to_string()])),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    let curated = ok(&app, &admin, hub, data(json!([id]))).await;
    assert_eq!(
        curated["createInnovationHub"]["virtualContributorListFilter"],
        json!([{"id": id}])
    );
    let hub_id = curated["createInnovationHub"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteInnovationHub(deleteData: {ID: $id}) { id } }",
        json!({"id": hub_id}),
    )
    .await;

    // deleting it takes its persona, knowledge base and profile with it
    let delete = "mutation($id: UUID!) { deleteVirtualContributor(deleteData: {ID: $id}) { id } }";
    let e = err(&app, &stranger, delete, json!({"id": id})).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    ok(&app, &owner, delete, json!({"id": id})).await;
    let e = err(&app, &owner, READ, json!({"id": id})).await;
    assert_reference_error(&e, "ENTITY_NOT_FOUND", 10101);
    // nor does it keep playing its well-known part (the reference keeps a dangling mapping)
    let platform = ok(
        &app,
        &stranger,
        "{ platform { wellKnownVirtualContributors { mappings { wellKnown } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        platform["platform"]["wellKnownVirtualContributors"]["mappings"],
        json!([])
    );
    assert_eq!(crate::deletion::row_counts(&app).await, before);
}
