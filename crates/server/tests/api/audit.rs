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
