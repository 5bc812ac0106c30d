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
    // the key is sealed at rest and never shown whole
    {
        use sea_orm::ConnectionTrait;
        let conn = app.services.db.conn();
        let rows = conn
            .query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "SELECT external_config FROM ai_persona".to_owned(),
            ))
            .await
            .unwrap();
        let stored: Vec<String> = rows
            .iter()
            .map(|r| {
                r.try_get::<Option<Value>>("", "external_config")
                    .unwrap()
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains("sk-abcdefghijklmnop1234"), "{stored:?}");
        assert!(stored[0].contains("enc:v1:"), "{stored:?}");
    }
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

    // its managers change its persona: prompt, key (the model stays unless given), graph
    let persona = ok(
        &app,
        &owner,
        "query($id: UUID!) { virtualContributor(ID: $id) { aiPersona { id } } }",
        json!({"id": id}),
    )
    .await["virtualContributor"]["aiPersona"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let persona_update = "mutation($d: UpdateAiPersonaInput!) { aiServerUpdateAiPersona(aiPersonaData: $d) {
        prompt externalConfig { apiKey model } promptGraph { start end nodes { name input_variables system
            output { title properties { name type items { type } } } } edges { from to } } } }";
    let graph = json!({"start": "ask", "end": "answer", "edges": [{"from": "ask", "to": "answer"}],
        "nodes": [{"name": "ask", "system": false, "input_variables": ["question"],
            "output": {"title": "Q", "properties": [{"name": "tags", "type": "array", "items": {"type": "string"}}]}},
            {"name": "answer", "system": true}]});
    let change = json!({"d": {"ID": persona, "prompt": ["Be brief"],
        "externalConfig": {"apiKey": "sk-zyxwvutsrqpo9876", "model": "GPT_5_MINI"}, "promptGraph": graph}});
    let e = err(&app, &stranger, persona_update, change.clone()).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let changed = ok(&app, &owner, persona_update, change).await["aiServerUpdateAiPersona"].clone();
    assert_eq!(changed["prompt"], json!(["Be brief"]));
    assert_eq!(
        changed["externalConfig"],
        json!({"apiKey": "sk-zyxw...9876", "model": "GPT_5_MINI"})
    );
    assert_eq!(changed["promptGraph"]["start"], "ask");
    assert_eq!(
        changed["promptGraph"]["nodes"][0]["output"]["properties"][0]["items"]["type"],
        "string"
    );
    assert_eq!(
        changed["promptGraph"]["nodes"][1]["input_variables"],
        Value::Null
    );
    // a part given replaces that part only; null clears the graph
    let partial = ok(
        &app,
        &owner,
        persona_update,
        json!({"d": {"ID": persona, "promptGraph": {"end": "ask"}}}),
    )
    .await["aiServerUpdateAiPersona"]
        .clone();
    assert_eq!(partial["promptGraph"]["start"], "ask");
    assert_eq!(partial["promptGraph"]["end"], "ask");
    assert_eq!(partial["prompt"], json!(["Be brief"]));
    let cleared = ok(
        &app,
        &owner,
        persona_update,
        json!({"d": {"ID": persona, "promptGraph": null}}),
    )
    .await["aiServerUpdateAiPersona"]
        .clone();
    assert_eq!(cleared["promptGraph"], Value::Null);

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

on_both_backends!(virtual_contributors_take_roles_in_spaces);

const ASSIGN_VC: &str = "mutation($set: UUID!, $role: RoleName!, $actor: UUID!) {
    assignRoleToVirtualContributor(roleData: {roleSetID: $set, role: $role, actorID: $actor}) { id } }";
const REMOVE_VC: &str = "mutation($set: UUID!, $role: RoleName!, $actor: UUID!) {
    removeRoleFromVirtualContributor(roleData: {roleSetID: $set, role: $role, actorID: $actor}) { id } }";
const IN_ROLES: &str = "query($set: UUID!) { lookup { roleSet(ID: $set) {
    virtualContributorsInRole(role: MEMBER) { id }
    virtualContributorsInRoles(roles: [MEMBER, LEAD]) { role virtualContributors { id } }
    virtualContributorsInRoleInHierarchy(role: MEMBER) { id }
    availableVirtualContributorsForEntryRole(first: 10) { total virtualContributors { id }
        pageInfo { hasNextPage } } } } }";

fn role_vars(set: &str, actor: &str) -> Value {
    json!({"set": set, "role": "MEMBER", "actor": actor})
}

fn ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn virtual_contributors_take_roles_in_spaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let owner_account = account_of(&app, &owner).await;
    let admin_account = account_of(&app, &admin).await;
    let create = |name: &str| json!({"d": vc(&owner_account, name)});
    let helper = ok(&app, &admin, CREATE, create("Helper")).await["createVirtualContributor"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other =
        ok(&app, &admin, CREATE, create("Other One")).await["createVirtualContributor"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    // a space on another account: its admins bring the virtual contributor in
    let (lab, lab_roles) =
        crate::spaces::space(&app, &admin, &admin_account, "Lab", crate::spaces::public()).await;
    let (_, sub_roles) = crate::spaces::subspace(&app, &admin, &lab, "Bench", Value::Null).await;
    let e = err(&app, &stranger, ASSIGN_VC, role_vars(&lab_roles, &helper)).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    // a user is not a virtual contributor
    let (not_vc, _) = app.user_with_token("person@example.org").await;
    let e = err(
        &app,
        &admin,
        ASSIGN_VC,
        role_vars(&lab_roles, &not_vc.id.to_string()),
    )
    .await;
    assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    ok(&app, &admin, ASSIGN_VC, role_vars(&lab_roles, &helper)).await;

    let in_lab =
        ok(&app, &admin, IN_ROLES, json!({"set": lab_roles})).await["lookup"]["roleSet"].clone();
    assert_eq!(ids(&in_lab["virtualContributorsInRole"]), [helper.as_str()]);
    assert_eq!(
        in_lab["virtualContributorsInRoles"],
        json!([{"role": "MEMBER", "virtualContributors": [{"id": helper}]},
            {"role": "LEAD", "virtualContributors": []}])
    );
    // the lab's entry role is open to the other one only
    assert_eq!(
        ids(&in_lab["availableVirtualContributorsForEntryRole"]["virtualContributors"]),
        [other.as_str()]
    );
    assert_eq!(
        in_lab["availableVirtualContributorsForEntryRole"]["total"],
        1.0
    );
    // in the subspace: only members of the lab are available, and the hierarchy shows them
    let in_sub =
        ok(&app, &admin, IN_ROLES, json!({"set": sub_roles})).await["lookup"]["roleSet"].clone();
    assert_eq!(
        ids(&in_sub["virtualContributorsInRole"]),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&in_sub["virtualContributorsInRoleInHierarchy"]),
        [helper.as_str()]
    );
    assert_eq!(
        ids(&in_sub["availableVirtualContributorsForEntryRole"]["virtualContributors"]),
        [helper.as_str()]
    );
    // the generic mutation gives it the subspace's member role
    ok(
        &app,
        &admin,
        "mutation($set: UUID!, $actor: UUID!) { assignRole(roleData: {roleSetID: $set,
            role: MEMBER, actorID: $actor}) { id type } }",
        json!({"set": sub_roles, "actor": helper}),
    )
    .await;
    let roles = ok(
        &app,
        &admin,
        "query($id: UUID!) { rolesVirtualContributor(rolesData: {actorID: $id}) { spaces { spaceID roles } } }",
        json!({"id": helper}),
    )
    .await;
    let text = roles.to_string();
    assert!(text.contains(&lab), "{roles}");

    // its account's admins take it out (a stranger may not); the subspace's role goes too
    let e = err(&app, &stranger, REMOVE_VC, role_vars(&lab_roles, &helper)).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    ok(&app, &owner, REMOVE_VC, role_vars(&lab_roles, &helper)).await;
    let credentials = ok(
        &app,
        &admin,
        "query($id: UUID!) { virtualContributor(ID: $id) { credentials { type } } }",
        json!({"id": helper}),
    )
    .await;
    assert!(
        !credentials.to_string().contains("SPACE_MEMBER"),
        "{credentials}"
    );

    // invited, it is brought in by its account's admins (a stranger may not answer)
    let invited = ok(
        &app,
        &admin,
        "mutation($set: UUID!, $actors: [UUID!]) { inviteForEntryRoleOnRoleSet(invitationData: {
            roleSetID: $set, invitedActorIDs: $actors, invitedUserEmails: [], extraRoles: [] }) { type invitation { id actor { id } } } }",
        json!({"set": lab_roles, "actors": [other]}),
    )
    .await["inviteForEntryRoleOnRoleSet"][0]
        .clone();
    assert_eq!(invited["type"], "INVITED_TO_ROLE_SET", "{invited}");
    assert_eq!(invited["invitation"]["actor"]["id"], other);
    let invitation = invited["invitation"]["id"].as_str().unwrap().to_owned();
    let answer = "mutation($id: UUID!) { eventOnInvitation(eventData: {
        invitationID: $id, eventName: \"ACCEPT\" }) { state } }";
    let e = err(&app, &stranger, answer, json!({"id": invitation})).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    let accepted = ok(&app, &owner, answer, json!({"id": invitation})).await;
    assert_eq!(accepted["eventOnInvitation"]["state"], "accepted");
    let in_lab = ok(&app, &admin, IN_ROLES, json!({"set": lab_roles})).await;
    assert_eq!(
        ids(&in_lab["lookup"]["roleSet"]["virtualContributorsInRole"]),
        [other.as_str()]
    );
    ok(&app, &owner, REMOVE_VC, role_vars(&lab_roles, &other)).await;

    // a space whose license does not let virtual contributors in refuses them
    let plans = ok(
        &app,
        &admin,
        "{ platform { licensingFramework { plans { id name } } } }",
        json!({}),
    )
    .await["platform"]["licensingFramework"]["plans"]
        .clone();
    let plan = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "SPACE_FEATURE_VIRTUAL_CONTRIBUTORS")
        .unwrap()["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $s: UUID!) { revokeLicensePlanFromSpace(planData: {
            licensePlanID: $p, spaceID: $s }) { id } }",
        json!({"p": plan, "s": lab}),
    )
    .await;
    let e = err(&app, &admin, ASSIGN_VC, role_vars(&lab_roles, &other)).await;
    assert_reference_error(&e, "LICENSE_ENTITLEMENT_NOT_AVAILABLE", 13107);
}

/// The AI engines' side of a real broker for a test: an app wired to a `event-bus` exchange of
/// its own (prefixed), and a channel that listens and answers on it as the engines would.
struct EnginesBus {
    conn: lapin::Connection,
    ch: lapin::Channel,
    prefix: String,
    ns: String,
    queues: Vec<String>,
}

const RABBIT_URI: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

impl EnginesBus {
    /// An app on `backend` using the broker, and the bus beside it.
    async fn app(backend: Backend) -> (TestApp, Self) {
        use lapin::options::ExchangeDeclareOptions;
        alkemio_events::rabbit::ping(RABBIT_URI)
            .await
            .unwrap_or_else(|e| panic!("RabbitMQ is required for this test and unreachable: {e}"));
        let id = uuid::Uuid::new_v4().simple().to_string();
        let prefix = format!("test-{id}-");
        let ns = format!("test-{id}");
        let app = crate::helpers::spawn_app_with(backend, |env| {
            env.with("RABBITMQ_HOST", "127.0.0.1")
                .with("RABBITMQ_USER", "guest")
                .with("RABBITMQ_PASSWORD", "guest")
                .with("RABBITMQ_NAMESPACE", &ns)
                .with("RABBITMQ_EVENT_BUS_PREFIX", &prefix)
        })
        .await;
        let conn = lapin::Connection::connect(RABBIT_URI, lapin::ConnectionProperties::default())
            .await
            .unwrap();
        let ch = conn.create_channel().await.unwrap();
        let bus = Self {
            conn,
            ch,
            prefix,
            ns,
            queues: Vec::new(),
        };
        bus.ch
            .exchange_declare(
                bus.exchange().as_str().into(),
                lapin::ExchangeKind::Direct,
                ExchangeDeclareOptions {
                    durable: true,
                    ..ExchangeDeclareOptions::default()
                },
                lapin::types::FieldTable::default(),
            )
            .await
            .unwrap();
        (app, bus)
    }

    fn exchange(&self) -> String {
        format!("{}event-bus", self.prefix)
    }

    /// A queue of the test bound to the bus with `routing_key`.
    async fn listen(&mut self, routing_key: &str) -> String {
        use lapin::options::{QueueBindOptions, QueueDeclareOptions};
        let queue = format!("{}{routing_key}", self.prefix);
        self.ch
            .queue_declare(
                queue.as_str().into(),
                QueueDeclareOptions::durable(),
                lapin::types::FieldTable::default(),
            )
            .await
            .unwrap();
        self.ch
            .queue_bind(
                queue.as_str().into(),
                self.exchange().as_str().into(),
                routing_key.into(),
                QueueBindOptions::default(),
                lapin::types::FieldTable::default(),
            )
            .await
            .unwrap();
        self.queues.push(queue.clone());
        queue
    }

    /// The next message on a queue, waiting up to 5 s for one.
    async fn next(&self, queue: &str) -> Option<Value> {
        use lapin::options::BasicGetOptions;
        for _ in 0..50 {
            if let Some(m) = self
                .ch
                .basic_get(queue.into(), BasicGetOptions { no_ack: true })
                .await
                .unwrap()
            {
                return Some(serde_json::from_slice(&m.delivery.data).unwrap());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        None
    }

    /// Publishes a message on the bus, as an engine answering.
    async fn publish(&self, routing_key: &str, body: &Value) {
        self.ch
            .basic_publish(
                self.exchange().as_str().into(),
                routing_key.into(),
                lapin::options::BasicPublishOptions::default(),
                &serde_json::to_vec(body).unwrap(),
                lapin::BasicProperties::default(),
            )
            .await
            .unwrap()
            .await
            .unwrap();
    }

    /// Removes what the test and the app declared.
    async fn close(self) {
        use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
        let server_queues = [
            "virtual-contributor-invoke-engine-result",
            "virtual-contributor-ingest-body-of-knowledge-result",
            "virtual-contributor-ingest-website-result",
        ]
        .map(|q| format!("{}{q}", self.prefix));
        for queue in self.queues.iter().chain(server_queues.iter()) {
            let _ = self
                .ch
                .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
        let _ = self
            .ch
            .exchange_delete(
                self.exchange().as_str().into(),
                ExchangeDeleteOptions::default(),
            )
            .await;
        let _ = self.conn.close(200, "done".into()).await;
        let _ =
            alkemio_events::rabbit::delete_topology(RABBIT_URI, &self.ns, &["notifications"]).await;
    }
}

/// Refreshing a body of knowledge over a real broker: the ingest request reaches the engines'
/// bus in the reference's shape, and the ingest service's result, published back on the bus,
/// makes the virtual contributor READY; without anything to ingest nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshing_knowledge_goes_through_the_engines_bus() {
    let (app, mut bus) = EnginesBus::app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let account = account_of(&app, &owner).await;

    // the test listens on the bus as the ingest service would
    let ingest = bus.listen("IngestBodyOfKnowledge").await;

    let refresh = "mutation($id: UUID!) { refreshVirtualContributorBodyOfKnowledge(
        refreshData: {virtualContributorID: $id}) }";
    let status = "query($id: UUID!) { virtualContributor(ID: $id) { status
        bodyOfKnowledgeLastUpdated aiPersona { id } knowledgeBase { id } } }";
    // nothing to ingest: nothing sent
    let silent = ok(&app, &admin, CREATE, json!({"d": vc(&account, "Quiet")})).await
        ["createVirtualContributor"]["id"]
        .clone();
    assert_eq!(
        ok(&app, &owner, refresh, json!({"id": silent})).await["refreshVirtualContributorBodyOfKnowledge"],
        false
    );
    let mut data = vc(&account, "Reader");
    data["bodyOfKnowledgeType"] = json!("ALKEMIO_KNOWLEDGE_BASE");
    data["aiPersona"] = json!({"engine": "EXPERT"});
    let reader =
        ok(&app, &admin, CREATE, json!({"d": data})).await["createVirtualContributor"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let before =
        ok(&app, &owner, status, json!({"id": reader})).await["virtualContributor"].clone();
    assert_eq!(before["status"], "INITIALIZING");
    let persona = before["aiPersona"]["id"].as_str().unwrap().to_owned();
    let kb = before["knowledgeBase"]["id"].as_str().unwrap().to_owned();
    // a stranger may not ask
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let e = err(&app, &stranger, refresh, json!({"id": reader})).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    assert_eq!(
        ok(&app, &owner, refresh, json!({"id": reader})).await["refreshVirtualContributorBodyOfKnowledge"],
        true
    );
    let request = bus
        .next(&ingest)
        .await
        .expect("an ingest request on the bus");
    assert_eq!(
        request,
        json!({"eventType": "IngestBodyOfKnowledge", "bodyOfKnowledgeId": kb,
            "type": "alkemio-knowledge-base", "purpose": "knowledge", "personaId": persona})
    );
    assert!(bus.next(&ingest).await.is_none(), "one request");

    // its owner follows it
    use futures_util::SinkExt;
    let mut ws = app.ws(Some(&owner)).await;
    assert_eq!(
        crate::helpers::next_ws_message(&mut ws).await["type"],
        "connection_ack"
    );
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        json!({"id": "vc", "type": "subscribe", "payload": {
            "query": "subscription($v: UUID!) { virtualContributorUpdated(virtualContributorID: $v) { virtualContributor { id status } } }",
            "variables": {"v": reader}}})
        .to_string(),
    ))
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // the ingest service answers on the bus
    let result = json!({"response": {"bodyOfKnowledgeId": kb, "type": "alkemio-knowledge-base",
        "purpose": "knowledge", "personaId": persona, "timestamp": 1_700_000_000_000_i64,
        "result": "success"}});
    bus.publish("IngestBodyOfKnowledgeResult", &result).await;
    let ready = crate::mail_and_broker::eventually(std::time::Duration::from_secs(15), || async {
        ok(&app, &owner, status, json!({"id": reader})).await["virtualContributor"]["status"]
            == "READY"
    })
    .await;
    assert!(ready, "the result made it READY");
    let event = crate::helpers::next_ws_message(&mut ws).await;
    assert_eq!(
        event["payload"]["data"]["virtualContributorUpdated"]["virtualContributor"],
        json!({"id": reader, "status": "READY"}),
        "{event}"
    );
    let after = ok(&app, &owner, status, json!({"id": reader})).await["virtualContributor"].clone();
    assert!(
        after["bodyOfKnowledgeLastUpdated"]
            .as_str()
            .unwrap()
            .starts_with("2023-11-14T22:13:20"),
        "{after}"
    );

    // platform operations: every body of knowledge again (not for members)
    let all = "mutation { refreshAllBodiesOfKnowledge }";
    let e = err(&app, &owner, all, json!({})).await;
    assert_reference_error(&e, "FORBIDDEN_POLICY", 11104);
    assert_eq!(
        ok(&app, &admin, all, json!({})).await["refreshAllBodiesOfKnowledge"],
        true
    );
    let again = bus
        .next(&ingest)
        .await
        .expect("the reader's knowledge is asked for again");
    assert_eq!(again["personaId"], persona.as_str());

    bus.close().await;
}

/// A virtual contributor answering in a callout's comments over a real broker: a mention
/// engages it in the thread and asks its engine (`InvokeEngine` with the thread as history);
/// the engine's answer comes back as its reply in the thread; later messages in the thread ask
/// it again with the engine's own thread id; answers for anyone else are dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentioned_virtual_contributors_answer_in_threads() {
    let (app, mut bus) = EnginesBus::app(Backend::Postgres).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice_user, alice) = app.user_with_token("alice@example.org").await;
    let admin_account = account_of(&app, &admin).await;
    let (s, roles) = crate::spaces::space(
        &app,
        &admin,
        &admin_account,
        "Orchard",
        crate::spaces::public(),
    )
    .await;
    crate::spaces::assign(&app, &admin, &roles, "MEMBER", alice_user.id).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let callout = ok(
        &app,
        &admin,
        crate::callouts::CREATE,
        json!({"d": {"calloutsSetID": set, "framing": {"profile": {"displayName": "Ask us"}}}}),
    )
    .await["createCalloutOnCalloutsSet"]
        .clone();
    let room = callout["comments"]["id"].as_str().unwrap().to_owned();
    let mut data = vc(&admin_account, "Grower");
    data["aiPersona"] = json!({"engine": "EXPERT", "prompt": ["Answer briefly"]});
    let created =
        ok(&app, &admin, CREATE, json!({"d": data})).await["createVirtualContributor"].clone();
    let vc_id = created["id"].as_str().unwrap().to_owned();
    let name = created["nameID"].as_str().unwrap().to_owned();
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": vc_id, "searchVisibility": "PUBLIC"}}),
    )
    .await;

    // the test listens on the bus as the expert engine would
    let engine = bus.listen("expert").await;
    let send = "mutation($r: UUID!, $m: String!) { sendMessageToRoom(messageData: { roomID: $r, message: $m }) { id } }";
    let reply = "mutation($r: UUID!, $m: String!, $t: MessageID!) { sendMessageReplyToRoom(messageData: { roomID: $r, message: $m, threadID: $t }) { id } }";
    let read = "query($c: UUID!) { lookup { callout(ID: $c) { comments {
        vcInteractions { threadID virtualContributorID }
        messages { id message threadID sender { id } } } } } }";

    // a message without a mention asks nobody
    ok(&app, &alice, send, json!({"r": room, "m": "Just a note"})).await;
    let question = format!("[@Grower](http://localhost:3000/vc/{name}) when do I plant apples?");
    let asked =
        ok(&app, &alice, send, json!({"r": room, "m": question})).await["sendMessageToRoom"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let request = bus.next(&engine).await.expect("the engine is asked");
    let input = &request["input"];
    assert_eq!(request["eventType"], "InvokeEngine");
    assert_eq!(input["engine"], "expert");
    assert_eq!(input["operation"], "query");
    assert_eq!(input["message"], question);
    assert_eq!(input["userID"], alice_user.id.to_string());
    assert_eq!(input["prompt"], json!(["Answer briefly"]));
    assert_eq!(input["displayName"], "Grower");
    assert_eq!(
        input["history"],
        json!([{"role": "human", "content": question}])
    );
    assert_eq!(
        input["resultHandler"]["roomDetails"]["threadID"],
        asked.as_str()
    );
    assert_eq!(input["resultHandler"]["roomDetails"]["actorID"], vc_id);
    assert!(bus.next(&engine).await.is_none(), "one request only");
    let seen = ok(&app, &alice, read, json!({"c": callout["id"]})).await;
    assert_eq!(
        seen["lookup"]["callout"]["comments"]["vcInteractions"],
        json!([{"threadID": asked, "virtualContributorID": vc_id}])
    );

    // an answer for someone else is dropped; the engine's answer becomes the reply
    let mut forged = input.clone();
    forged["resultHandler"]["roomDetails"]["actorID"] = json!(alice_user.id.to_string());
    bus.publish(
        "invoke-engine-result",
        &json!({"original": forged, "response": {"result": "I am Alice", "sources": []}}),
    )
    .await;
    bus.publish(
        "invoke-engine-result",
        &json!({"original": input, "response": {"result": "In autumn.",
        "sources": [{"title": "Orchard guide", "uri": "https://example.org/guide"}],
        "threadId": "ext-42"}}),
    )
    .await;
    let answered =
        crate::mail_and_broker::eventually(std::time::Duration::from_secs(15), || async {
            ok(&app, &alice, read, json!({"c": callout["id"]}))
                .await
                .to_string()
                .contains("In autumn.")
        })
        .await;
    assert!(answered, "the answer is posted");
    let messages =
        ok(&app, &alice, read, json!({"c": callout["id"]})).await["lookup"]["callout"]["comments"]
            ["messages"]
            .clone();
    let replies: Vec<&Value> = messages
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["threadID"] == asked.as_str())
        .collect();
    assert_eq!(replies.len(), 1, "{messages}");
    assert_eq!(replies[0]["sender"]["id"], vc_id);
    assert_eq!(
        replies[0]["message"],
        "In autumn.\n- [Orchard guide](https://example.org/guide)"
    );
    assert!(!messages.to_string().contains("I am Alice"));

    // a follow-up in the thread asks again, with the conversation so far
    ok(
        &app,
        &alice,
        reply,
        json!({"r": room, "m": "And pears?", "t": asked}),
    )
    .await;
    let again = bus.next(&engine).await.expect("asked again");
    assert_eq!(again["input"]["message"], "And pears?");
    assert_eq!(
        again["input"]["externalMetadata"],
        json!({"threadId": "ext-42"})
    );
    let roles: Vec<&str> = again["input"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["human", "assistant", "human"]);

    bus.close().await;
}

on_both_backends!(knowledge_bases_hold_callouts);

/// A knowledge base starts with callouts and takes more from the virtual contributor's
/// managers; its callouts go with it.
async fn knowledge_bases_hold_callouts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = crate::spaces::account_of(&app, &admin).await;
    let before = crate::deletion::row_counts(&app).await;
    let mut d = vc(&account, "Librarian");
    d["knowledgeBaseData"] = json!({"profile": {"displayName": "Shelves"},
        "calloutsSetData": {"calloutsData": [
            {"nameID": "handbook", "framing": {"profile": {"displayName": "Handbook"}}},
            {"nameID": "faq", "framing": {"profile": {"displayName": "FAQ"}},
             "settings": {"contribution": {"enabled": true, "allowedTypes": ["LINK"]}}}]}});
    let made = ok(&app, &admin, CREATE, json!({"d": d})).await["createVirtualContributor"].clone();
    let set = made["knowledgeBase"]["calloutsSet"]["id"].clone();
    let list = "query($id: UUID!) { virtualContributor(ID: $id) { knowledgeBase { calloutsSet { type
        callouts { nameID framing { profile { displayName url } } authorization { myPrivileges } } } } } }";
    let read = ok(&app, &admin, list, json!({"id": made["id"]})).await;
    let kb = &read["virtualContributor"]["knowledgeBase"]["calloutsSet"];
    assert_eq!(kb["type"], "KNOWLEDGE_BASE");
    let mut names: Vec<&str> = kb["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["nameID"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["faq", "handbook"]);

    // more callouts from its managers, not from strangers; contributions as the callout takes
    let create = "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) { id } }";
    let new =
        json!({"d": {"calloutsSetID": set, "framing": {"profile": {"displayName": "Glossary"}}}});
    let denied = err(&app, &stranger, create, new.clone()).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, create, new).await;
    let faq = ok(&app, &admin, list, json!({"id": made["id"]})).await["virtualContributor"]["knowledgeBase"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nameID"] == "faq")
        .cloned()
        .unwrap();
    assert!(
        faq["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .contains(&json!("UPDATE"))
    );

    // deleted with the virtual contributor
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteVirtualContributor(deleteData: {ID: $id}) { id } }",
        json!({"id": made["id"]}),
    )
    .await;
    let mut after = crate::deletion::row_counts(&app).await;
    let mut before = before;
    after.remove("activity");
    before.remove("activity");
    assert_eq!(before, after);
}
