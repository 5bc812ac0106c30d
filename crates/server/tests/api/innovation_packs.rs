//! Innovation packs and the library over GraphQL: creation on an account (privilege and
//! entitlement), templates in a pack, what the library lists and finds, lookups, URLs,
//! curated hub lists, transfer between accounts and deletion leaving nothing behind.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok};

on_both_backends!(innovation_packs_are_published_through_the_library);

const CREATE: &str = "mutation($d: CreateInnovationPackOnAccountInput!) {
    createInnovationPack(innovationPackData: $d) {
    id nameID listedInStore searchVisibility provider { id }
    profile { displayName url visuals { name } tagsets { name tags }
        storageBucket { parentEntity { id type } } }
    templatesSet { id templatesCount } } }";
const UPDATE: &str = "mutation($d: UpdateInnovationPackInput!) {
    updateInnovationPack(innovationPackData: $d) { id nameID listedInStore searchVisibility
    profile { displayName } } }";
const TEMPLATE: &str = "mutation($d: CreateTemplateOnTemplatesSetInput!) {
    createTemplate(templateData: $d) { id nameID profile { url } } }";
const LIBRARY: &str = "query($f: LibraryTemplatesFilterInput, $p: LibraryInnovationPacksFilterInput) {
    platform { library { id authorization { myPrivileges }
    innovationPacks { id nameID }
    innovationPacksPaginated(first: 10, filter: $p) { total innovationPacks { id } pageInfo { hasNextPage } }
    templates(filter: $f) { template { nameID } innovationPack { id } }
    templatesPaginated(first: 10, filter: $f) { total templateResults { template { nameID } innovationPack { nameID } } } } } }";

fn pack(account: &str, name: &str) -> Value {
    json!({"accountID": account, "profileData": {"displayName": name,
        "description": "Patterns for city labs"}, "tags": ["civic", "lab"]})
}

fn post_template(set: &str, name: &str) -> Value {
    json!({"templatesSetID": set, "type": "POST", "postDefaultDescription": "Write here",
        "profileData": {"displayName": name}})
}

async fn privileges(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let found = ok(
        app,
        token,
        "query($id: UUID!) { lookup { myPrivileges { innovationPack(ID: $id) } } }",
        json!({"id": id}),
    )
    .await;
    serde_json::from_value(found["lookup"]["myPrivileges"]["innovationPack"].clone()).unwrap()
}

async fn library(app: &TestApp, token: Option<&str>, vars: Value) -> Value {
    let body = match token {
        Some(t) => ok(app, t, LIBRARY, vars).await,
        None => {
            let raw = app.graphql_at("/graphql", LIBRARY, vars).await;
            assert!(raw["errors"].is_null(), "{raw}");
            raw["data"].clone()
        }
    };
    body["platform"]["library"].clone()
}

async fn innovation_packs_are_published_through_the_library(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner_user, owner) = app.user_with_token("owner@example.org").await;
    let (taker_user, taker) = app.user_with_token("taker@example.org").await;
    let account = account_of(&app, &owner).await;
    let taker_account = account_of(&app, &taker).await;
    let before = crate::deletion::row_counts(&app).await;

    // a stranger may not publish on the account; its admin may not without an entitlement;
    // a platform admin may
    let refused = err(
        &app,
        &taker,
        CREATE,
        json!({"d": pack(&account, "City Kit")}),
    )
    .await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    let limited = err(
        &app,
        &owner,
        CREATE,
        json!({"d": pack(&account, "City Kit")}),
    )
    .await;
    assert_reference_error(&limited, "BAD_USER_INPUT", 12101);
    assert!(
        limited["message"]
            .as_str()
            .unwrap()
            .contains("Entitlement limit of 0 of type account-innovation-pack reached"),
        "{limited}"
    );
    let created = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": pack(&account, "City Kit")}),
    )
    .await["createInnovationPack"]
        .clone();
    let id = created["id"].as_str().unwrap().to_owned();
    let name = created["nameID"].as_str().unwrap().to_owned();
    assert_eq!(name, "citykit");
    assert_eq!(created["listedInStore"], true);
    assert_eq!(created["searchVisibility"], "ACCOUNT");
    assert_eq!(created["provider"]["id"], owner_user.id.to_string());
    assert_eq!(
        created["profile"]["visuals"],
        json!([{"name": "AVATAR"}, {"name": "CARD"}])
    );
    assert_eq!(
        created["profile"]["tagsets"],
        json!([{"name": "default", "tags": ["civic", "lab"]}])
    );
    assert!(
        created["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/innovation-packs/citykit")
    );
    assert_eq!(
        created["profile"]["storageBucket"]["parentEntity"]["type"],
        "INNOVATION_PACK"
    );
    assert_eq!(created["templatesSet"]["templatesCount"], 0.0);
    let set = created["templatesSet"]["id"].as_str().unwrap().to_owned();
    let mut taken = pack(&account, "Other");
    taken["nameID"] = json!("citykit");
    let dup = err(&app, &admin, CREATE, json!({"d": taken})).await;
    assert_reference_error(&dup, "BAD_USER_INPUT", 12101);
    // the account's admins manage the pack, everyone else reads it
    let owner_privs = privileges(&app, &owner, &id).await;
    for p in ["READ", "UPDATE", "DELETE", "CREATE"] {
        assert!(owner_privs.contains(&p.to_owned()), "{p}: {owner_privs:?}");
    }
    assert_eq!(privileges(&app, &taker, &id).await, vec!["READ".to_owned()]);

    // templates go into the pack's set: its account's admins add them
    let denied = err(
        &app,
        &taker,
        TEMPLATE,
        json!({"d": post_template(&set, "Kickoff")}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let kickoff = ok(
        &app,
        &owner,
        TEMPLATE,
        json!({"d": post_template(&set, "Kickoff")}),
    )
    .await["createTemplate"]
        .clone();
    ok(
        &app,
        &owner,
        TEMPLATE,
        json!({"d": post_template(&set, "Retro Notes")}),
    )
    .await;
    assert!(
        kickoff["profile"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/innovation-packs/citykit/kickoff"),
        "{kickoff}"
    );

    // the library lists packs that are offered and public, to anyone
    let hidden = library(&app, None, json!({})).await;
    assert_eq!(hidden["innovationPacks"], json!([]));
    assert_eq!(hidden["templates"], json!([]));
    assert!(
        hidden["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .contains(&json!("READ"))
    );
    let public = ok(
        &app,
        &owner,
        UPDATE,
        json!({"d": {"ID": id, "searchVisibility": "PUBLIC",
            "profileData": {"displayName": "City Toolkit"}}}),
    )
    .await;
    assert_eq!(
        public["updateInnovationPack"]["profile"]["displayName"],
        "City Toolkit"
    );
    let listed = library(&app, None, json!({})).await;
    assert_eq!(
        listed["innovationPacks"],
        json!([{"id": id, "nameID": "citykit"}])
    );
    assert_eq!(listed["innovationPacksPaginated"]["total"], 1.0);
    // by name, with the pack
    assert_eq!(
        listed["templates"],
        json!([
            {"template": {"nameID": "kickoff"}, "innovationPack": {"id": id}},
            {"template": {"nameID": "retronotes"}, "innovationPack": {"id": id}}
        ])
    );
    // paginated: newest first, filtered by text in the name, description or tags
    assert_eq!(
        listed["templatesPaginated"]["templateResults"][0]["template"]["nameID"],
        "retronotes"
    );
    let found = library(
        &app,
        Some(&owner),
        json!({"f": {"searchTerm": "RETRO", "types": ["POST"]}, "p": {"searchTerm": "civic"}}),
    )
    .await;
    assert_eq!(found["templatesPaginated"]["total"], 1.0);
    assert_eq!(found["innovationPacksPaginated"]["total"], 1.0);
    let none = library(
        &app,
        Some(&owner),
        json!({"f": {"types": ["WHITEBOARD"]}, "p": {"searchTerm": "nothing-like-it"}}),
    )
    .await;
    assert_eq!(none["templatesPaginated"]["total"], 0.0);
    assert_eq!(none["innovationPacksPaginated"]["total"], 0.0);
    // unlisting takes it out again
    ok(
        &app,
        &owner,
        UPDATE,
        json!({"d": {"ID": id, "listedInStore": false}}),
    )
    .await;
    assert_eq!(
        library(&app, None, json!({})).await["innovationPacks"],
        json!([])
    );

    // lookups, the account's packs and the URL resolver
    let looked = ok(
        &app,
        &taker,
        "query($id: UUID!, $a: UUID!) { lookup { innovationPack(ID: $id) { nameID }
            account(ID: $a) { public: innovationPacks(searchVisibility: [PUBLIC]) { id }
                hidden: innovationPacks(searchVisibility: [HIDDEN]) { id } } }
            lookupByName { innovationPack(NAMEID: \"citykit\") } }",
        json!({"id": id, "a": account}),
    )
    .await;
    assert_eq!(looked["lookup"]["innovationPack"]["nameID"], "citykit");
    assert_eq!(looked["lookup"]["account"]["public"], json!([{"id": id}]));
    assert_eq!(looked["lookup"]["account"]["hidden"], json!([]));
    assert_eq!(looked["lookupByName"]["innovationPack"], id.as_str());
    let resolve = "query($u: String!) { urlResolver(url: $u) { type state
        innovationPack { id templatesSet { id templateId } } } }";
    let base = "http://localhost:3000/innovation-packs/citykit";
    for (url, state, template) in [
        (base.to_owned(), "Resolved", Value::Null),
        (format!("{base}/kickoff"), "Resolved", kickoff["id"].clone()),
        (
            format!("{base}/settings/kickoff"),
            "Resolved",
            kickoff["id"].clone(),
        ),
        (format!("{base}/missing"), "NotFound", Value::Null),
    ] {
        let r = ok(&app, &taker, resolve, json!({"u": url})).await["urlResolver"].clone();
        assert_eq!(r["type"], "INNOVATION_PACKS", "{url}");
        assert_eq!(r["state"], state, "{url}");
        assert_eq!(r["innovationPack"]["id"], id.as_str(), "{url}");
        assert_eq!(r["innovationPack"]["templatesSet"]["id"], set.as_str());
        assert_eq!(r["innovationPack"]["templatesSet"]["templateId"], template);
    }
    let unknown = ok(
        &app,
        &taker,
        resolve,
        json!({"u": "http://localhost:3000/innovation-packs/nope"}),
    )
    .await;
    assert_eq!(unknown["urlResolver"]["state"], "NotFound");

    // a hub curates packs by id: unknown or repeated ids are refused
    let hub =
        "mutation($d: CreateInnovationHubOnAccountInput!) { createInnovationHub(createData: $d) {
        id innovationPackListFilter { id } } }";
    let hub_data = |packs: Value| {
        json!({"d": {"accountID": account, "subdomain": "kits", "type": "LIST",
            "profileData": {"displayName": "Kits"}, "innovationPackListFilter": packs}})
    };
    for bad in [
        json!([uuid::Uuid::new_v4().to_string()]),
        json!([id.clone(), id.clone()]),
    ] {
        let e = err(&app, &admin, hub, hub_data(bad)).await;
        assert_reference_error(&e, "BAD_USER_INPUT", 12101);
    }
    let curated = ok(&app, &admin, hub, hub_data(json!([id]))).await["createInnovationHub"].clone();
    assert_eq!(curated["innovationPackListFilter"], json!([{"id": id}]));
    // the library offers hubs that are listed and public
    let hubs = "{ platform { library { innovationHubs { id } } } }";
    let offered = |body: Value| body["platform"]["library"]["innovationHubs"].clone();
    assert_eq!(offered(ok(&app, &taker, hubs, json!({})).await), json!([]));
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { updateInnovationHub(updateData: { ID: $id,
            searchVisibility: PUBLIC }) { id } }",
        json!({"id": curated["id"]}),
    )
    .await;
    assert_eq!(
        offered(ok(&app, &taker, hubs, json!({})).await),
        json!([{"id": curated["id"]}])
    );

    // transfer: the source account offers, the target accepts; admins of the new account then
    // manage the pack and its templates, the old ones no longer do
    let transfer =
        "mutation($p: UUID!, $a: UUID!) { transferInnovationPackToAccount(transferData: {
        innovationPackID: $p, targetAccountID: $a }) { id provider { id } } }";
    let vars = json!({"p": id, "a": taker_account});
    let offer_only = err(&app, &owner, transfer, vars.clone()).await;
    assert_reference_error(&offer_only, "FORBIDDEN_POLICY", 11104);
    let moved = ok(&app, &admin, transfer, vars).await["transferInnovationPackToAccount"].clone();
    assert_eq!(moved["provider"]["id"], taker_user.id.to_string());
    assert!(
        privileges(&app, &taker, &id)
            .await
            .contains(&"UPDATE".to_owned())
    );
    assert_eq!(privileges(&app, &owner, &id).await, vec!["READ".to_owned()]);
    let template_privs = ok(
        &app,
        &taker,
        "query($id: UUID!) { lookup { myPrivileges { template(ID: $id) } } }",
        json!({"id": kickoff["id"]}),
    )
    .await;
    assert!(
        template_privs["lookup"]["myPrivileges"]["template"]
            .as_array()
            .unwrap()
            .contains(&json!("UPDATE"))
    );

    // deletion: the hub, then the pack with its templates and profile; nothing is left
    let drop_hub = "mutation($id: UUID!) { deleteInnovationHub(deleteData: { ID: $id }) { id } }";
    ok(&app, &admin, drop_hub, json!({"id": curated["id"]})).await;
    let delete = "mutation($id: UUID!) { deleteInnovationPack(deleteData: { ID: $id }) { id } }";
    let not_yours = err(&app, &owner, delete, json!({"id": id})).await;
    assert_reference_error(&not_yours, "FORBIDDEN_POLICY", 11104);
    ok(&app, &taker, delete, json!({"id": id})).await;
    let gone = err(
        &app,
        &taker,
        "query($id: UUID!) { lookup { innovationPack(ID: $id) { id } } }",
        json!({"id": id}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
    assert_eq!(crate::deletion::row_counts(&app).await, before);
}
