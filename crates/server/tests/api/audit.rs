//! The audit log: critical mutations are recorded with the caller, the mutation, its arguments
//! (variables resolved) and the outcome, whether they succeed or are refused; other mutations
//! are not recorded.

use serde_json::json;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

on_both_backends!(critical_mutations_are_audited);

async fn critical_mutations_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (someone, someone_token) = app.user_with_token("someone@example.org").await;
    let assign = "mutation($u: UUID!) { assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_SUPPORT }) { id } }";

    let (_, granted) = app
        .graphql_as(&admin, assign, json!({"u": someone.id}))
        .await;
    assert!(granted["errors"].is_null(), "{granted}");
    let (_, refused) = app
        .graphql_as(&someone_token, assign, json!({"u": admin_user.id}))
        .await;
    assert!(!refused["errors"].is_null());
    // not audited: an ordinary profile change
    let (_, _) = app
        .graphql_as(
            &someone_token,
            "mutation($d: UpdateUserInput!) { updateUser(userData: $d) { id } }",
            json!({"d": {"ID": someone.id, "firstName": "Some"}}),
        )
        .await;

    let entries = app.services.audit.recent(10).await.unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    let (refusal, grant) = (&entries[0], &entries[1]);
    assert_eq!(grant.action, "assignPlatformRoleToUser");
    assert_eq!(grant.actor_id, Some(admin_user.id.0));
    assert_eq!(grant.outcome, "success");
    assert_eq!(grant.error_code, None);
    assert_eq!(
        grant.target,
        json!({"roleData": {"actorID": someone.id.to_string(), "role": "GLOBAL_SUPPORT"}})
    );
    assert_eq!(refusal.action, "assignPlatformRoleToUser");
    assert_eq!(refusal.actor_id, Some(someone.id.0));
    assert_eq!(refusal.outcome, "failure");
    assert_eq!(refusal.error_code.as_deref(), Some("FORBIDDEN_POLICY"));
    assert!(refusal.occurred_date >= grant.occurred_date);
}

on_both_backends!(several_root_mutations_are_audited_as_they_ran);

/// Root mutation fields run one after the other, and one that fails does not stop the next
/// (async-graphql leaves the failed field out of `data` and goes on). Each field that ran is
/// recorded with its own outcome; a field left out by `@skip` never ran and is not recorded.
async fn several_root_mutations_are_audited_as_they_ran(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (someone, someone_token) = app.user_with_token("someone@example.org").await;
    let nobody = uuid::Uuid::new_v4();
    let (_, answer) = app
        .graphql_as(
            &admin,
            "mutation($u: UUID!, $x: UUID!, $no: Boolean!) {
                first: assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_SUPPORT }) { id }
                skipped: assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_ADMIN }) @skip(if: $no) { id }
                failing: assignPlatformRoleToUser(roleData: { actorID: $x, role: GLOBAL_SUPPORT }) { id }
                last: assignPlatformRoleToUser(roleData: { actorID: $u, role: GLOBAL_LICENSE_MANAGER }) { id }
            }",
            json!({"u": someone.id, "x": nobody, "no": true}),
        )
        .await;
    assert_eq!(answer["errors"][0]["path"], json!(["failing"]), "{answer}");
    assert_eq!(answer["errors"].as_array().unwrap().len(), 1, "{answer}");
    assert!(answer["data"]["skipped"].is_null(), "{answer}");

    let entries = app.services.audit.recent(10).await.unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    let role = |e: &alkemio_api::audit::AuditEntry| e.target["roleData"]["role"].clone();
    let by_role = |r: &str| {
        entries.iter().find(|e| {
            role(e) == json!(r) && e.target["roleData"]["actorID"] != json!(nobody.to_string())
        })
    };
    assert_eq!(by_role("GLOBAL_SUPPORT").unwrap().outcome, "success");
    assert_eq!(
        by_role("GLOBAL_LICENSE_MANAGER").unwrap().outcome,
        "success"
    );
    assert!(
        by_role("GLOBAL_ADMIN").is_none(),
        "skipped fields are not recorded"
    );
    let failing = entries
        .iter()
        .find(|e| e.target["roleData"]["actorID"] == json!(nobody.to_string()))
        .expect("the failing field is recorded");
    assert_eq!(failing.outcome, "failure");
    assert_eq!(failing.error_code.as_deref(), Some("ENTITY_NOT_FOUND"));
    assert!(entries.iter().all(|e| e.actor_id == Some(admin_user.id.0)));

    // what the records say is what happened: the two roles are held, the skipped one is not
    let (_, roles) = app
        .graphql_as(
            &someone_token,
            "{ platform { roleSet { myRoles } } }",
            json!({}),
        )
        .await;
    let mut held: Vec<String> =
        serde_json::from_value(roles["data"]["platform"]["roleSet"]["myRoles"].clone())
            .unwrap_or_else(|_| panic!("{roles}"));
    held.sort();
    assert_eq!(
        held,
        ["GLOBAL_LICENSE_MANAGER", "GLOBAL_SUPPORT", "REGISTERED"]
    );
}
