//! Deleting users and organizations: who may, and that nothing they owned is left behind.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app, spawn_app_with};
use crate::on_both_backends;
use crate::stand_ins::{Identity, Kratos};

on_both_backends!(
    deleting_a_user_removes_everything_it_owned,
    deleting_an_organization_takes_its_roles_away
);

const TABLES: &[&str] = &[
    "actor",
    "user",
    "organization",
    "organization_verification",
    "user_group",
    "lifecycle",
    "credential",
    "user_settings",
    "account",
    "license",
    "license_entitlement",
    "role_set",
    "role",
    "profile",
    "location",
    "tagset",
    "reference",
    "visual",
    "storage_aggregator",
    "storage_bucket",
    "file",
    "authorization_policy",
    "space",
    "space_about",
    "community",
    "community_guidelines",
    "application",
    "invitation",
    "platform_invitation",
    "innovation_hub",
    "innovation_pack",
    "virtual_contributor",
    "ai_persona",
    "knowledge_base",
    "poll",
    "poll_option",
    "poll_vote",
    "vc_interaction",
    "templates_set",
    "template",
    "template_content_space",
    "collaboration",
    "callouts_set",
    "callout",
    "collabora_document",
    "innovation_flow",
    "activity",
    "communication",
    "room",
    "message",
    "message_reaction",
    "room_read_receipt",
    "conversation",
    "conversation_membership",
];

pub(crate) async fn row_counts(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let conn = app.services.db.conn();
    let mut counts = BTreeMap::new();
    for table in TABLES {
        let row = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                format!(r#"SELECT COUNT(*) AS n FROM "{table}""#),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.insert(*table, row.try_get::<i64>("", "n").unwrap());
    }
    counts
}

async fn deleting_a_user_removes_everything_it_owned(backend: Backend) {
    let kratos = Kratos::start().await;
    let url = kratos.url.clone();
    let app = spawn_app_with(backend, move |env| {
        env.with("AUTH_ORY_KRATOS_ADMIN_BASE_URL_SERVER", url)
    })
    .await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, other) = app.user_with_token("other@example.org").await;
    let account = crate::spaces::account_of(&app, &admin).await;
    let (_, set) =
        crate::spaces::space(&app, &admin, &account, "Open", crate::spaces::public()).await;
    let before = row_counts(&app).await;

    let identity = uuid::Uuid::new_v4().to_string();
    kratos
        .add(Identity {
            id: identity.clone(),
            email: "leaving@example.org".into(),
            password: "pw".into(),
            first: "Lea".into(),
            last: "Ving".into(),
        })
        .await;
    let user = app
        .services
        .users
        .register(
            alkemio_contributor::NewUser {
                email: "leaving@example.org".into(),
                first_name: "Lea".into(),
                last_name: "Ving".into(),
                authentication_id: Some(identity.clone()),
            },
            &[],
        )
        .await
        .unwrap();
    let (_, token) = app.user_with_token("leaving@example.org").await;
    // an application, which goes with the user
    let apply = "mutation($set: UUID!) { applyForEntryRoleOnRoleSet(applicationData: { roleSetID: $set, questions: [] }) { id } }";
    let (_, body) = app.graphql_as(&token, apply, json!({"set": set})).await;
    assert!(body.get("errors").is_none(), "{body}");
    // an innovation hub on the user's account, which goes with it
    let leaving_account = crate::spaces::account_of(&app, &token).await;
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation($a: UUID!) { createInnovationHub(createData: { accountID: $a, subdomain: \"leaving\",
                type: LIST, spaceListFilter: [], profileData: { displayName: \"Leaving Hub\" } }) { id } }",
            json!({"a": leaving_account}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(row_counts(&app).await["authorization_policy"] > before["authorization_policy"]);

    let delete = "mutation($id: UUID!) { deleteUser(deleteData: { ID: $id }) { id nameID } }";
    let vars = json!({"id": user.id.to_string()});
    // another user may not
    let (_, body) = app.graphql_as(&other, delete, vars.clone()).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    assert!(app.services.users.user(user.id).await.unwrap().is_some());
    // the user may
    let (_, body) = app.graphql_as(&token, delete, vars.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["deleteUser"]["id"], user.id.to_string());

    assert_eq!(
        row_counts(&app).await,
        before,
        "nothing of the user is left"
    );
    assert!(!kratos.has(&identity).await, "the identity went too");
    let (_, body) = app
        .graphql_as(&admin, "query($id: UUID!) { user(ID: $id) { id } }", vars)
        .await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);
}

async fn deleting_an_organization_takes_its_roles_away(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, outsider) = app.user_with_token("outsider@example.org").await;
    let before = row_counts(&app).await;

    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation { createOrganization(organizationData: { profileData: { displayName: \"Gone Ltd\" } }) { id roleSet { id } } }",
            json!({}),
        )
        .await;
    let org = body["data"]["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let set = body["data"]["createOrganization"]["roleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation($set: UUID!, $actor: UUID!) { assignRoleToUser(roleData: { roleSetID: $set, role: ASSOCIATE, actorID: $actor }) { id } }",
            json!({"set": set, "actor": member.id.to_string()}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation($org: UUID!) { createGroupOnOrganization(groupData: { parentID: $org, profile: { displayName: \"Team\" } }) { id } }",
            json!({"org": org}),
        )
        .await;
    let group = body["data"]["createGroupOnOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation($group: UUID!, $user: UUID!) { assignUserToGroup(membershipData: { groupID: $group, userID: $user }) { id } }",
            json!({"group": group, "user": member.id.to_string()}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let delete = "mutation($id: UUID!) { deleteOrganization(deleteData: { ID: $id }) { id } }";
    for token in [&outsider, &member_token] {
        let (_, body) = app.graphql_as(token, delete, json!({"id": org})).await;
        assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    }
    let (_, body) = app.graphql_as(&admin, delete, json!({"id": org})).await;
    assert!(body.get("errors").is_none(), "{body}");

    let after = row_counts(&app).await;
    assert_eq!(after, before, "nothing of the organization is left");
    let (_, body) = app
        .graphql_as(
            &member_token,
            "{ me { user { credentials { type } } } }",
            json!({}),
        )
        .await;
    let types: Vec<&str> = body["data"]["me"]["user"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert!(!types.contains(&"ORGANIZATION_ASSOCIATE"), "{types:?}");
    assert!(!types.contains(&"USER_GROUP_MEMBER"), "{types:?}");
    let (_, body) = app
        .graphql_as(
            &admin,
            "query($id: UUID!) { organization(ID: $id) { id } }",
            json!({"id": org}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);
}
