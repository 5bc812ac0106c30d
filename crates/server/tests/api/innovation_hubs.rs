//! Innovation hubs over GraphQL: creation on an account (who may, the subdomain and filter
//! rules), the hub a request arrives through (its Origin's subdomain) restricting `spaces`,
//! lookups, updates and deletion leaving nothing behind.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, public, space};

on_both_backends!(innovation_hubs);

const CREATE: &str =
    "mutation($d: CreateInnovationHubOnAccountInput!) { createInnovationHub(createData: $d) {
    id nameID subdomain type listedInStore searchVisibility spaceVisibilityFilter
    spaceListFilter { id } profile { displayName url visuals { name } tagsets { name }
        storageBucket { parentEntity { id type displayName url } } }
    provider { id } account { id } } }";

/// A query sent as if from a page on `origin`.
async fn from_origin(app: &TestApp, origin: &str, query: &str) -> Value {
    app.client
        .post(format!("{}/graphql", app.address))
        .header("Origin", origin)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn hub(account: &str, subdomain: &str, kind: &str) -> Value {
    json!({"accountID": account, "subdomain": subdomain, "type": kind,
        "profileData": {"displayName": "Green Hub"}})
}

async fn innovation_hubs(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner_user, owner) = app.user_with_token("owner@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &owner).await;
    let (a, _) = space(&app, &admin, &account, "Alpha", public()).await;
    let (b, _) = space(&app, &admin, &account, "Beta", public()).await;
    let (c, _) = space(&app, &admin, &account, "Gamma", public()).await;
    let before = crate::deletion::row_counts(&app).await;

    // account admins may not create hubs; platform admins may
    let mut data = hub(&account, "green", "LIST");
    data["spaceListFilter"] = json!([b, a]);
    let by_owner = err(&app, &owner, CREATE, json!({"d": data})).await;
    assert_reference_error(&by_owner, "FORBIDDEN_POLICY", 11104);
    for (bad, why) in [
        (hub(&account, "Green!", "LIST"), "not a DNS label"),
        (hub(&account, "blue", "VISIBILITY"), "visibility missing"),
        (
            {
                let mut d = hub(&account, "blue", "LIST");
                d["spaceVisibilityFilter"] = json!("ACTIVE");
                d
            },
            "visibility on a list",
        ),
        (
            {
                let mut d = hub(&account, "blue", "LIST");
                d["spaceListFilter"] = json!([uuid::Uuid::new_v4().to_string()]);
                d
            },
            "unknown space",
        ),
    ] {
        let e = err(&app, &admin, CREATE, json!({"d": bad})).await;
        assert_reference_error(&e, "BAD_USER_INPUT", 12101);
        assert!(e["message"].is_string(), "{why}");
    }
    let created = ok(&app, &admin, CREATE, json!({"d": data})).await["createInnovationHub"].clone();
    assert_eq!(created["subdomain"], "green");
    assert_eq!(created["type"], "LIST");
    assert_eq!(created["listedInStore"], true);
    assert_eq!(created["searchVisibility"], "ACCOUNT");
    assert_eq!(created["spaceListFilter"], json!([{"id": b}, {"id": a}]));
    assert_eq!(
        created["profile"]["visuals"],
        json!([{"name": "BANNER_WIDE"}])
    );
    assert_eq!(created["provider"]["id"], owner_user.id.to_string());
    let url = created["profile"]["url"].as_str().unwrap();
    assert!(
        url.ends_with(&format!("/hub/{}", created["nameID"].as_str().unwrap())),
        "{url}"
    );
    // the profile's bucket knows whose files it keeps
    let parent = &created["profile"]["storageBucket"]["parentEntity"];
    assert_eq!(parent["id"], created["id"]);
    assert_eq!(parent["type"], "INNOVATION_HUB");
    assert_eq!(parent["displayName"], "Green Hub");
    assert_eq!(parent["url"], url);
    assert_eq!(created["account"]["id"], account.as_str());
    let id = created["id"].as_str().unwrap().to_owned();
    let taken = err(
        &app,
        &admin,
        CREATE,
        json!({"d": hub(&account, "green", "LIST")}),
    )
    .await;
    assert_reference_error(&taken, "BAD_USER_INPUT", 12101);

    // through the hub's subdomain, `spaces` lists the hub's spaces in its order
    let q = "{ platform { innovationHub { id } } spaces { id } }";
    let through = from_origin(&app, "https://green.alkem.io", q).await;
    assert_eq!(
        through["data"]["platform"]["innovationHub"]["id"],
        id.as_str()
    );
    assert_eq!(through["data"]["spaces"], json!([{"id": b}, {"id": a}]));
    let main = from_origin(&app, "https://alkem.io", q).await;
    assert_eq!(main["data"]["platform"]["innovationHub"], Value::Null);
    assert_eq!(main["data"]["spaces"].as_array().unwrap().len(), 3);
    let platform = from_origin(&app, "https://identity.alkem.io", q).await;
    assert_eq!(platform["data"]["platform"]["innovationHub"], Value::Null);
    let unknown = app
        .graphql("{ platform { innovationHub(subdomain: \"nope\") { id } } }")
        .await;
    assert_reference_error(&unknown["errors"][0], "ENTITY_NOT_FOUND", 10101);

    // lookups and the account's hubs
    let looked = ok(
        &app,
        &stranger,
        "query($id: UUID!, $n: NameID!) { lookup { innovationHub(ID: $id) { subdomain } }
            lookupByName { innovationHub(NAMEID: $n) }
            platform { innovationHub(subdomain: \"green\") { id } } }",
        json!({"id": id, "n": created["nameID"]}),
    )
    .await;
    assert_eq!(looked["lookup"]["innovationHub"]["subdomain"], "green");
    assert_eq!(looked["lookupByName"]["innovationHub"], id.as_str());
    let of_account = ok(
        &app,
        &owner,
        "query($id: UUID!) { lookup { account(ID: $id) { all: innovationHubs { id } public: innovationHubs(searchVisibility: [PUBLIC]) { id } } } }",
        json!({"id": account}),
    )
    .await;
    assert_eq!(of_account["lookup"]["account"]["all"], json!([{"id": id}]));
    assert_eq!(of_account["lookup"]["account"]["public"], json!([]));

    // the caller's privileges on the hub and its account
    let privileges = "query($h: UUID!, $a: UUID!) { lookup { myPrivileges { innovationHub(ID: $h) account(ID: $a) } } }";
    let of = |v: &Value, key: &str| -> Vec<String> {
        serde_json::from_value(v["lookup"]["myPrivileges"][key].clone()).unwrap()
    };
    let mine = ok(&app, &owner, privileges, json!({"h": id, "a": account})).await;
    assert!(
        of(&mine, "innovationHub").contains(&"UPDATE".to_owned()),
        "{mine}"
    );
    assert!(
        of(&mine, "account").contains(&"CREATE_SPACE".to_owned()),
        "{mine}"
    );
    let theirs = ok(&app, &stranger, privileges, json!({"h": id, "a": account})).await;
    assert_eq!(of(&theirs, "innovationHub"), ["READ"], "{theirs}");

    // updates: the account admin may; a filter of the other type is refused
    let update = "mutation($d: UpdateInnovationHubInput!) { updateInnovationHub(updateData: $d) {
        listedInStore searchVisibility spaceListFilter { id } } }";
    let wrong = err(
        &app,
        &owner,
        update,
        json!({"d": {"ID": id, "spaceVisibilityFilter": "ACTIVE"}}),
    )
    .await;
    assert_reference_error(&wrong, "BAD_USER_INPUT", 12101);
    let by_stranger = err(
        &app,
        &stranger,
        update,
        json!({"d": {"ID": id, "listedInStore": false}}),
    )
    .await;
    assert_reference_error(&by_stranger, "FORBIDDEN_POLICY", 11104);
    let updated = ok(
        &app,
        &owner,
        update,
        json!({"d": {"ID": id, "listedInStore": false, "searchVisibility": "PUBLIC", "spaceListFilter": [c]}}),
    )
    .await;
    assert_eq!(
        updated["updateInnovationHub"],
        json!({"listedInStore": false, "searchVisibility": "PUBLIC", "spaceListFilter": [{"id": c}]})
    );
    let through = from_origin(&app, "https://green.alkem.io", q).await;
    assert_eq!(through["data"]["spaces"], json!([{"id": c}]));

    // a visibility hub shows the L0 spaces of its visibility
    let mut vis = hub(&account, "all-active", "VISIBILITY");
    vis["spaceVisibilityFilter"] = json!("ACTIVE");
    let vis_id =
        ok(&app, &admin, CREATE, json!({"d": vis})).await["createInnovationHub"]["id"].clone();
    let all = from_origin(&app, "http://all-active.localhost:3000", q).await;
    assert_eq!(all["data"]["spaces"].as_array().unwrap().len(), 3, "{all}");

    // deletion leaves nothing behind
    let delete = "mutation($id: UUID!) { deleteInnovationHub(deleteData: { ID: $id }) { id } }";
    let refused = err(&app, &stranger, delete, json!({"id": id})).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, delete, json!({"id": id})).await;
    ok(&app, &owner, delete, json!({"id": vis_id})).await;
    assert_eq!(crate::deletion::row_counts(&app).await, before);
}

on_both_backends!(spaces_and_hubs_move_between_accounts);

/// An L0 space (with its subspaces) and an innovation hub move to another account when the
/// caller may offer them from theirs and accept them on the target.
async fn spaces_and_hubs_move_between_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("giver@example.org").await;
    let (_, taker) = app.user_with_token("taker@example.org").await;
    let from = account_of(&app, &owner).await;
    let to = account_of(&app, &taker).await;
    let (s, _) = space(&app, &admin, &from, "Moving Space", public()).await;
    let (sub, _) = crate::spaces::subspace(&app, &admin, &s, "Moving Sub", Value::Null).await;
    let transfer = "mutation($s: UUID!, $a: UUID!) { transferSpaceToAccount(transferData: {spaceID: $s, targetAccountID: $a}) { id account { id } } }";
    // the giver may offer but not accept on someone else's account
    let denied = err(&app, &owner, transfer, json!({"s": s, "a": to})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let not_l0 = err(&app, &admin, transfer, json!({"s": sub, "a": to})).await;
    assert_reference_error(&not_l0, "ENTITY_NOT_FOUND", 10101);
    let moved = ok(&app, &admin, transfer, json!({"s": s, "a": to})).await;
    assert_eq!(moved["transferSpaceToAccount"]["account"]["id"], to);
    let spaces_of = "query($a: UUID!) { lookup { account(ID: $a) { spaces { id } } } }";
    let listed = ok(&app, &admin, spaces_of, json!({"a": to})).await;
    assert_eq!(listed["lookup"]["account"]["spaces"], json!([{"id": s}]));
    let listed = ok(&app, &admin, spaces_of, json!({"a": from})).await;
    assert_eq!(listed["lookup"]["account"]["spaces"], json!([]));
    let sub_account = ok(
        &app,
        &admin,
        "query($s: UUID!) { lookup { space(ID: $s) { account { id } } } }",
        json!({"s": sub}),
    )
    .await;
    assert_eq!(sub_account["lookup"]["space"]["account"]["id"], to);

    // hubs too
    let hub = ok(
        &app,
        &admin,
        CREATE,
        json!({"d": hub(&from, "moving", "LIST")}),
    )
    .await["createInnovationHub"]["id"]
        .clone();
    let move_hub = "mutation($h: UUID!, $a: UUID!) { transferInnovationHubToAccount(transferData: {innovationHubID: $h, targetAccountID: $a}) { id account { id } } }";
    let denied = err(&app, &taker, move_hub, json!({"h": hub, "a": to})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let moved = ok(&app, &admin, move_hub, json!({"h": hub, "a": to})).await;
    assert_eq!(moved["transferInnovationHubToAccount"]["account"]["id"], to);
}
