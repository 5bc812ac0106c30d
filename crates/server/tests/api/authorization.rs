//! The platform's authorization policy as a client sees it.

use serde_json::{Value, json};

use crate::helpers::{Backend, spawn_app, spawn_on, test_env};
use crate::on_both_backends;

on_both_backends!(platform_policy_is_stored_and_evaluated_for_the_caller);

const QUERY: &str = "{ platform { authorization { id type myPrivileges isAdmin: hasPrivilege(privilege: PLATFORM_ADMIN) \
    credentialRules { name cascade criterias { type resourceID } grantedPrivileges } privilegeRules { sourcePrivilege } } } }";

async fn platform_policy_is_stored_and_evaluated_for_the_caller(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.graphql(QUERY).await;
    assert!(body.get("errors").is_none(), "{body}");
    let auth = &body["data"]["platform"]["authorization"];
    assert_eq!(auth["type"], "PLATFORM");
    assert_eq!(
        auth["myPrivileges"],
        json!([]),
        "anonymous holds nothing on the platform"
    );
    assert_eq!(auth["isAdmin"], false);
    let rules = auth["credentialRules"].as_array().unwrap();
    let root = rules
        .iter()
        .find(|r| r["name"] == "credentialRuleTypes-platformGlobalAdmins")
        .expect("the root rule");
    assert_eq!(
        root["criterias"],
        json!([{"type": "global-admin", "resourceID": ""}])
    );
    assert_eq!(
        root["grantedPrivileges"],
        json!(["CREATE", "READ", "UPDATE", "DELETE", "GRANT"])
    );
    assert_eq!(root["cascade"], true);
    let read_users: Vec<&Value> = rules
        .iter()
        .filter(|r| r["grantedPrivileges"] == json!(["READ_USERS"]))
        .collect();
    assert_eq!(read_users.len(), 1);
    assert_eq!(read_users[0]["criterias"][0]["type"], "global-registered");
    assert_eq!(read_users[0]["cascade"], false);

    // a guest is evaluated with exactly global-guest: nothing on the platform either
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-guest-name", "R3Vlc3Q=")
        .json(&json!({"query": "{ platform { authorization { myPrivileges } } }"}))
        .send()
        .await
        .unwrap();
    let guest: Value = res.json().await.unwrap();
    assert_eq!(
        guest["data"]["platform"]["authorization"]["myPrivileges"],
        json!([]),
        "{guest}"
    );

    // the policy is stored: a restart finds the same one and does not rewrite it
    let db = app.stop_keep_db().await;
    let env = test_env(&db);
    let app = spawn_on(db, env).await;
    let again = app.graphql(QUERY).await;
    assert_eq!(again["data"]["platform"]["authorization"]["id"], auth["id"]);
    assert_eq!(again["data"], body["data"]);
}
