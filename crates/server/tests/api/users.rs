//! Users over GraphQL: listing and cursor pagination, lookups, personal data and updates.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_hundred_users_walk_forwards_and_backwards,
    personal_data_shows_only_to_self_and_global_admins,
    users_are_found_by_id_name_credential_and_actor,
    users_update_themselves_and_nobody_else,
    platform_admins_change_name_ids_and_emails
);

const PAGE: &str = "query($first: Int, $after: UUID, $last: Int, $before: UUID, $filter: UserFilterInput) {
    usersPaginated(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        total users { id firstName } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }";

async fn register(app: &TestApp, email: &str, first_name: &str) -> alkemio_contributor::User {
    app.services
        .users
        .register(
            alkemio_contributor::NewUser {
                email: email.to_owned(),
                first_name: first_name.to_owned(),
                last_name: "Walker".into(),
                authentication_id: None,
            },
            &[],
        )
        .await
        .unwrap()
}

async fn page(app: &TestApp, token: &str, vars: Value) -> Value {
    let (_, body) = app.graphql_as(token, PAGE, vars).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["usersPaginated"].clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_hundred_users_walk_forwards_and_backwards(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.user_with_token("admin@alkem.io").await;
    // the bootstrap users come first
    let mut expected = ids(&page(&app, &token, json!({"first": 50})).await);
    let base = expected.len();
    for i in 0..100 {
        // every third user is "Odd", to walk a filtered list with gaps in its row numbers
        let name = if i % 3 == 0 { "Odd" } else { "Even" };
        let user = register(&app, &format!("walker{i}@example.org"), name).await;
        expected.push(user.id.to_string());
    }

    // forwards, 7 at a time
    let mut seen = Vec::new();
    let mut vars = json!({"first": 7});
    loop {
        let p = page(&app, &token, vars.clone()).await;
        assert_eq!(p["total"].as_f64(), Some(100.0 + base as f64));
        let got = ids(&p);
        assert!(got.len() <= 7);
        assert_eq!(p["pageInfo"]["hasPreviousPage"], !seen.is_empty());
        assert_eq!(
            p["pageInfo"]["startCursor"].as_str(),
            got.first().map(String::as_str)
        );
        seen.extend(got);
        if p["pageInfo"]["hasNextPage"] == false {
            break;
        }
        vars = json!({"first": 7, "after": p["pageInfo"]["endCursor"]});
    }
    assert_eq!(
        seen, expected,
        "forward walk: every user once, in joining order"
    );

    // backwards from the end, 9 at a time
    let mut seen_back: Vec<String> = Vec::new();
    let mut vars = json!({"last": 9});
    loop {
        let p = page(&app, &token, vars.clone()).await;
        let got = ids(&p);
        assert_eq!(p["pageInfo"]["hasNextPage"], !seen_back.is_empty());
        seen_back.splice(0..0, got);
        if p["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        vars = json!({"last": 9, "before": p["pageInfo"]["startCursor"]});
    }
    assert_eq!(seen_back, expected, "backward walk: the same list");

    // A filtered backward page is full even though the matching rows are not adjacent.
    // Reference bug, fixed: it selects `rowId >= cursor - last`, so gaps gave short pages.
    let odd: Vec<&String> = expected[base..].iter().step_by(3).collect();
    let before = odd.last().unwrap();
    let p = page(
        &app,
        &token,
        json!({"last": 5, "before": before, "filter": {"firstName": "odd"}}),
    )
    .await;
    assert_eq!(p["total"], 34.0);
    let got = ids(&p);
    let want: Vec<String> = odd[odd.len() - 6..odd.len() - 1]
        .iter()
        .map(|s| (*s).clone())
        .collect();
    assert_eq!(got, want);
    assert!(
        p["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["firstName"] == "Odd")
    );

    // the filter's wildcards are literal: `_` matches only an underscore
    let p = page(&app, &token, json!({"filter": {"email": "walker_"}})).await;
    assert_eq!(p["total"], 0.0);

    // bad arguments are refused with the reference's errors
    let (_, body) = app.graphql_as(&token, PAGE, json!({"first": 0})).await;
    assert_reference_error(&body["errors"][0], "PAGINATION_INPUT_OUT_OF_BOUND", 12110);
    let (_, body) = app
        .graphql_as(
            &token,
            PAGE,
            json!({"first": 2, "after": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);
    // a cursor outside the filtered list is unknown too
    let (_, body) = app
        .graphql_as(
            &token,
            PAGE,
            json!({"first": 2, "after": expected[base + 1], "filter": {"firstName": "odd"}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);
    // anonymous callers may not list users
    let body = app.graphql("{ usersPaginated(first: 1) { total } }").await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
}

const PII: &str =
    "query($id: UUID!) { lookup { user(ID: $id) { id email phone account { id } } } }";

async fn personal_data_shows_only_to_self_and_global_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner, own) = app.user_with_token("private@example.org").await;
    let (_, other) = app.user_with_token("curious@example.org").await;
    let vars = json!({"id": owner.id.to_string()});
    for token in [&own, &admin] {
        let (_, body) = app.graphql_as(token, PII, vars.clone()).await;
        let user = &body["data"]["lookup"]["user"];
        assert_eq!(user["email"], "private@example.org", "{body}");
        assert!(user["account"]["id"].is_string(), "{body}");
    }
    let (_, body) = app.graphql_as(&other, PII, vars).await;
    let user = &body["data"]["lookup"]["user"];
    assert_eq!(user["id"], owner.id.to_string(), "{body}");
    assert_eq!(user["email"], "not accessible");
    assert_eq!(user["phone"], "not accessible");
    assert_eq!(user["account"], Value::Null);
}

async fn users_are_found_by_id_name_credential_and_actor(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, admin_token) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("found@example.org").await;
    let (_, _) = app.user_with_token("third@example.org").await;

    let (_, body) = app
        .graphql_as(
            &token,
            "query($ids: [UUID!]) { all: users { id } some: users(IDs: $ids) { id }
               admins: users(filter: { credentials: [GLOBAL_ADMIN] }) { id }
               two: users(limit: 2, shuffle: true) { id } }",
            json!({"ids": [user.id.to_string()]}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // the two bootstrap users (admin and support) and the two registered here
    assert_eq!(body["data"]["all"].as_array().unwrap().len(), 4);
    assert_eq!(body["data"]["some"], json!([{"id": user.id.to_string()}]));
    assert_eq!(
        body["data"]["admins"],
        json!([{"id": admin.id.to_string()}])
    );
    assert_eq!(body["data"]["two"].as_array().unwrap().len(), 2);

    let (_, body) = app
        .graphql_as(
            &token,
            "query($id: UUID!, $name: NameID!) { user(ID: $id) { id nameID }
               lookupByName { user(NAMEID: $name) } }",
            json!({"id": user.id.to_string(), "name": user.name_id}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["user"]["nameID"], user.name_id.as_str());
    assert_eq!(body["data"]["lookupByName"]["user"], user.id.to_string());

    let (_, body) = app
        .graphql_as(
            &token,
            "query { lookupByName { user(NAMEID: \"nobody-here\") } }",
            json!({}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);

    // actor(id) resolves users and accounts to their own types, and unknown ids to null
    let account = user.account_id.unwrap().0.to_string();
    let actor_query = "query($id: UUID!) { actor(id: $id) { id type nameID profile { displayName }
        ... on User { email } ... on Account { accountType } } }";
    let (_, body) = app
        .graphql_as(&token, actor_query, json!({"id": user.id.to_string()}))
        .await;
    assert_eq!(body["data"]["actor"]["type"], "USER", "{body}");
    assert_eq!(body["data"]["actor"]["email"], "found@example.org");
    let (_, body) = app
        .graphql_as(&token, actor_query, json!({"id": account}))
        .await;
    assert_eq!(body["data"]["actor"]["type"], "ACCOUNT", "{body}");
    assert_eq!(body["data"]["actor"]["accountType"], "USER");
    let (_, body) = app
        .graphql_as(&token, actor_query, json!({"id": uuid::Uuid::new_v4()}))
        .await;
    assert_eq!(body["data"]["actor"], Value::Null, "{body}");
    assert!(body.get("errors").is_none());

    // anonymous callers cannot list or fetch users
    for query in [
        "{ users { id } }".to_owned(),
        format!("{{ user(ID: \"{}\") {{ id }} }}", user.id),
    ] {
        let body = app.graphql(&query).await;
        assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    }
    // the global admin sees the same
    let (_, body) = app
        .graphql_as(&admin_token, "{ users { id } }", json!({}))
        .await;
    assert_eq!(body["data"]["users"].as_array().unwrap().len(), 4);
}

const UPDATE: &str = "mutation($data: UpdateUserInput!) { updateUser(userData: $data) {
    id nameID firstName lastName phone profile { displayName tagline } } }";

async fn users_update_themselves_and_nobody_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.user_with_token("changer@example.org").await;
    let (taken, other) = app.user_with_token("bystander@example.org").await;
    let (_, body) = app
        .graphql_as(
            &token,
            UPDATE,
            json!({"data": {"ID": user.id.to_string(), "firstName": "Ada", "lastName": " Lovelace ",
                "phone": "+31 20 123", "nameID": "ada-l",
                "profileData": {"displayName": "Ada Lovelace", "tagline": "Engines"}}}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["updateUser"],
        json!({"id": user.id.to_string(), "nameID": "ada-l", "firstName": "Ada", "lastName": "Lovelace",
            "phone": "+31 20 123", "profile": {"displayName": "Ada Lovelace", "tagline": "Engines"}})
    );

    // another user may not change it
    let (_, body) = app
        .graphql_as(
            &other,
            UPDATE,
            json!({"data": {"ID": user.id.to_string(), "firstName": "Mallory"}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);

    // a taken NameID is refused and nothing else of the update is stored
    let (_, body) = app
        .graphql_as(
            &token,
            UPDATE,
            json!({"data": {"ID": user.id.to_string(), "firstName": "Changed", "nameID": taken.name_id,
                "profileData": {"displayName": "Changed"}}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let after = app.services.users.user(user.id).await.unwrap().unwrap();
    assert_eq!(after.first_name, "Ada");
    assert_eq!(after.name_id, "ada-l");
    let (_, body) = app
        .graphql_as(
            &token,
            "{ me { user { profile { displayName } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["me"]["user"]["profile"]["displayName"],
        "Ada Lovelace"
    );

    // over-long names are refused
    let (_, body) = app
        .graphql_as(
            &token,
            UPDATE,
            json!({"data": {"ID": user.id.to_string(), "lastName": "x".repeat(129)}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
}

async fn platform_admins_change_name_ids_and_emails(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("renamed@example.org").await;
    let (_, _) = app.user_with_token("taken@example.org").await;
    let mutation = "mutation($data: UpdateUserPlatformSettingsInput!) { updateUserPlatformSettings(updateData: $data) { nameID email } }";
    let id = user.id.to_string();
    // a user may not change their own platform settings
    let (_, body) = app
        .graphql_as(
            &token,
            mutation,
            json!({"data": {"userID": id, "nameID": "me-myself"}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app
        .graphql_as(
            &admin,
            mutation,
            json!({"data": {"userID": id, "nameID": "new-name", "email": "  New@Example.org "}}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["updateUserPlatformSettings"],
        json!({"nameID": "new-name", "email": "new@example.org"})
    );
    let (_, body) = app
        .graphql_as(
            &admin,
            mutation,
            json!({"data": {"userID": id, "email": "taken@example.org"}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let (_, body) = app
        .graphql_as(&admin, mutation, json!({"data": {"userID": "not-a-uuid"}}))
        .await;
    assert_reference_error(&body["errors"][0], "INVALID_UUID", 12103);

    // organizations: only platform admins rename them
    let (_, body) = app
        .graphql_as(
            &admin,
            "mutation { createOrganization(organizationData: { profileData: { displayName: \"Renamed Org\" } }) { id } }",
            json!({}),
        )
        .await;
    let org = body["data"]["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rename = "mutation($id: UUID!, $name: NameID!) { updateOrganizationPlatformSettings(organizationData: { organizationID: $id, nameID: $name }) { nameID } }";
    let (_, body) = app
        .graphql_as(&token, rename, json!({"id": org, "name": "mine"}))
        .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app
        .graphql_as(&admin, rename, json!({"id": org, "name": "better-name"}))
        .await;
    assert_eq!(
        body["data"]["updateOrganizationPlatformSettings"]["nameID"], "better-name",
        "{body}"
    );
}
