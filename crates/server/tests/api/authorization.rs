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

on_both_backends!(
    engine_semantics_hold_for_stored_policies,
    global_admins_hold_the_basics_everywhere
);

/// Tests 1-4 of the reference notes (§7), on policies written to and read back from the
/// database, so the stored form keeps the semantics.
async fn engine_semantics_hold_for_stored_policies(backend: Backend) {
    use alkemio_authorization::repo;
    use alkemio_authorization::{
        AuthorizationPolicy, AuthorizationPolicyType, AuthorizationPrivilege as P, Credential,
        CredentialRule, CredentialType as C, PrivilegeRule, grant_access_or_fail,
    };
    use alkemio_kernel::ErrorStatus;

    let app = spawn_app(backend).await;
    let conn = app.services.db.conn();
    let s1 = uuid::Uuid::new_v4().to_string();
    let s2 = uuid::Uuid::new_v4().to_string();

    let mut matching =
        AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Space);
    matching.add_credential_rules([
        CredentialRule::new(
            "any-space-admin",
            vec![Credential::global(C::SpaceAdmin)],
            &[P::Update],
        ),
        CredentialRule::new(
            "admins-of-s1",
            vec![Credential::new(C::SpaceAdmin, &s1)],
            &[P::Delete],
        )
        .local(),
    ]);
    let mut one_hop =
        AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Callout);
    one_hop.add_credential_rules([CredentialRule::new(
        "members",
        vec![Credential::new(C::SpaceMember, &s1)],
        &[P::Read],
    )]);
    one_hop.add_privilege_rules([
        PrivilegeRule::new("read-about", P::Read, &[P::ReadAbout]),
        PrivilegeRule::new("no-chain", P::ReadAbout, &[P::Update]),
    ]);
    let empty = AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Post);
    let mut broken = AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Post);
    broken.add_credential_rules([CredentialRule::new("no-criteria", vec![], &[P::Read])]);
    repo::save_all(
        conn,
        &[
            matching.clone(),
            one_hop.clone(),
            empty.clone(),
            broken.clone(),
        ],
    )
    .await
    .unwrap();

    let load = |id| async move { repo::load(conn, id).await.unwrap().expect("stored").policy };
    let matching = load(matching.id).await;
    let one_hop = load(one_hop.id).await;
    let empty = load(empty.id).await;
    let broken = load(broken.id).await;

    // 1. criterion matching
    assert!(
        matching
            .is_granted(&[Credential::new(C::SpaceAdmin, &s2)], P::Update)
            .unwrap()
    );
    assert!(
        !matching
            .is_granted(&[Credential::new(C::SpaceAdmin, &s2)], P::Delete)
            .unwrap()
    );
    assert!(
        matching
            .is_granted(&[Credential::new(C::SpaceAdmin, &s1)], P::Delete)
            .unwrap()
    );
    assert_eq!(
        broken
            .is_granted(&[Credential::global(C::GlobalAdmin)], P::Read)
            .unwrap_err()
            .status(),
        ErrorStatus::AuthorizationInvalidPolicy
    );
    // 2. one hop, local
    let member = [Credential::new(C::SpaceMember, &s1)];
    assert_eq!(
        one_hop
            .granted_privileges(&member)
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![P::Read, P::ReadAbout]
    );
    // 3. inheritance: only cascading credential rules, no privilege rules
    let mut child = AuthorizationPolicy::new(uuid::Uuid::new_v4(), AuthorizationPolicyType::Post);
    child.inherit_from(&matching);
    assert_eq!(
        child
            .credential_rules
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["any-space-admin"]
    );
    child.inherit_from(&one_hop);
    assert!(child.privilege_rules.is_empty());
    // 4. errors
    let err = |r: Result<(), alkemio_kernel::AppError>| r.unwrap_err().status().numeric_code();
    assert_eq!(
        err(grant_access_or_fail("a", &member, None, P::Read, "x")),
        11103
    );
    assert_eq!(
        err(grant_access_or_fail(
            "a",
            &member,
            Some(&empty),
            P::Read,
            "x"
        )),
        11106
    );
    let denied =
        grant_access_or_fail("actor-7", &member, Some(&one_hop), P::Update, "x").unwrap_err();
    assert_eq!(denied.status().numeric_code(), 11104);
    assert!(
        denied.message().contains("'update'")
            && denied.message().contains("actor-7")
            && denied.message().contains(&one_hop.id.to_string())
    );
}

/// Test 6 of the reference notes on what exists so far: a global admin holds create, read,
/// update, delete and grant on the platform, its role set and every user; global support holds
/// platform administration.
async fn global_admins_hold_the_basics_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (other, _) = app.user_with_token("olga@example.org").await;
    let (_, body) = app
        .graphql_as(
            &admin,
            "query($u: UUID!) { platform { authorization { myPrivileges } roleSet { authorization { myPrivileges } } } \
             lookup { myPrivileges { user(ID: $u) } } }",
            json!({"u": other.id.to_string()}),
        )
        .await;
    let sets = [
        &body["data"]["platform"]["authorization"]["myPrivileges"],
        &body["data"]["platform"]["roleSet"]["authorization"]["myPrivileges"],
        &body["data"]["lookup"]["myPrivileges"]["user"],
    ];
    for set in sets {
        for p in ["CREATE", "READ", "UPDATE", "DELETE", "GRANT"] {
            assert!(
                set.as_array().unwrap().contains(&json!(p)),
                "{p} missing in {set}: {body}"
            );
        }
    }
    let role_set = body["data"]["platform"]["roleSet"]["authorization"]["myPrivileges"]
        .as_array()
        .unwrap();
    assert!(
        role_set.contains(&json!("GRANT_GLOBAL_ADMINS"))
            && role_set.contains(&json!("ROLESET_ENTRY_ROLE_INVITE"))
    );
}
