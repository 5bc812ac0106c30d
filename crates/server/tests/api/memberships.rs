//! Who belongs where, over GraphQL: the caller's space memberships (flat and nested, archived
//! spaces left out), `rolesUser`/`rolesOrganization`, organizations in space roles (only
//! holders of ROLESET_ENTRY_ROLE_ASSIGN_ORGANIZATION may assign them), and the users available
//! for a role.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space, subspace};

on_both_backends!(memberships_and_roles);

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.pointer(key).unwrap().as_str().unwrap().to_owned())
        .collect()
}

async fn memberships_and_roles(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (owner, owner_token) = app.user_with_token("owner@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, viewer) = app.user_with_token("viewer@example.org").await;
    let account = account_of(&app, &owner_token).await;
    let (alpha, alpha_set) = space(&app, &admin, &account, "Alpha", public()).await;
    let (_, alpha_one_set) = subspace(&app, &admin, &alpha, "Alpha One", Value::Null).await;
    let (_, beta_set) = space(&app, &admin, &account, "Beta", Value::Null).await;
    let (gamma, gamma_set) = space(&app, &admin, &account, "Gamma", public()).await;
    for set in [&alpha_set, &alpha_one_set, &beta_set, &gamma_set] {
        assign(&app, &admin, set, "MEMBER", member.id).await;
    }
    assign(&app, &admin, &alpha_set, "LEAD", member.id).await;
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { updateSpacePlatformSettings(updateData: { spaceID: $id, visibility: ARCHIVED }) { id } }",
        json!({"id": gamma}),
    )
    .await;

    // the caller's memberships, archived ones left out
    let mine = ok(
        &app,
        &member_token,
        "{ me { spaceMembershipsFlat { id space { about { profile { displayName } } } }
            spaceMembershipsHierarchical { space { about { profile { displayName } } }
                childMemberships { space { about { profile { displayName } } } childMemberships { id } } }
            one: spaceMembershipsHierarchical(limit: 1) { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        names(
            &mine["me"]["spaceMembershipsFlat"],
            "/space/about/profile/displayName"
        ),
        ["Alpha", "Alpha One", "Beta"]
    );
    let nested = &mine["me"]["spaceMembershipsHierarchical"];
    assert_eq!(
        names(nested, "/space/about/profile/displayName"),
        ["Alpha", "Beta"]
    );
    assert_eq!(
        names(
            &nested[0]["childMemberships"],
            "/space/about/profile/displayName"
        ),
        ["Alpha One"]
    );
    assert_eq!(mine["me"]["one"].as_array().unwrap().len(), 1);

    // another user reads the member's roles: active spaces whose about they may read
    let roles = "query($id: UUID!) { rolesUser(rolesData: { actorID: $id }) { id
        spaces { displayName roles visibility subspaces { displayName roles level } }
        organizations { displayName roles } } }";
    let seen = ok(&app, &viewer, roles, json!({"id": member.id.to_string()})).await;
    let spaces = &seen["rolesUser"]["spaces"];
    assert_eq!(names(spaces, "/displayName"), ["Alpha", "Beta"]);
    assert_eq!(spaces[0]["roles"], json!(["member", "lead"]));
    assert_eq!(
        spaces[0]["subspaces"],
        json!([{"displayName": "Alpha One", "roles": ["member"], "level": "L1"}])
    );
    let anonymous = app
        .graphql_at("/graphql", roles, json!({"id": member.id.to_string()}))
        .await;
    assert_reference_error(&anonymous["errors"][0], "FORBIDDEN_POLICY", 11104);
    // the platform admin asks for archived spaces too
    let archived = ok(
        &app,
        &admin,
        "query($id: UUID!) { rolesUser(rolesData: { actorID: $id, filter: { visibilities: [ACTIVE, ARCHIVED] } }) { spaces { displayName } } }",
        json!({"id": member.id.to_string()}),
    )
    .await;
    assert_eq!(
        names(&archived["rolesUser"]["spaces"], "/displayName"),
        ["Alpha", "Beta", "Gamma"]
    );

    // organizations in space roles
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: { profileData: { displayName: \"Helpers Ltd\" } }) { id } }",
        json!({}),
    )
    .await["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let assign_org = "mutation($set: UUID!, $role: RoleName!, $actor: UUID!) {
        assignRoleToOrganization(roleData: { roleSetID: $set, role: $role, actorID: $actor }) { id } }";
    // a space admin lacks ROLESET_ENTRY_ROLE_ASSIGN_ORGANIZATION
    assign(&app, &admin, &alpha_set, "ADMIN", owner.id).await;
    let by_admin = err(
        &app,
        &owner_token,
        assign_org,
        json!({"set": alpha_set, "role": "MEMBER", "actor": org}),
    )
    .await;
    assert_reference_error(&by_admin, "FORBIDDEN_POLICY", 11104);
    // a user is not an organization, and nothing is granted
    let not_org = err(
        &app,
        &admin,
        assign_org,
        json!({"set": alpha_set, "role": "MEMBER", "actor": member.id.to_string()}),
    )
    .await;
    assert_reference_error(&not_org, "BAD_USER_INPUT", 12101);
    // organizations may not administer spaces: the role allows none
    let as_admin = err(
        &app,
        &admin,
        assign_org,
        json!({"set": alpha_set, "role": "ADMIN", "actor": org}),
    )
    .await;
    assert_reference_error(&as_admin, "ROLESET_POLICY_ROLE_LIMITS_VIOLATED", 13106);
    ok(
        &app,
        &admin,
        assign_org,
        json!({"set": alpha_set, "role": "MEMBER", "actor": org}),
    )
    .await;
    let in_role = "query($id: UUID!) { lookup { roleSet(ID: $id) {
        organizationsInRole(role: MEMBER) { id } organizationsInRoles(roles: [MEMBER, LEAD]) { role organizations { id } } } } }";
    let listed = ok(&app, &viewer, in_role, json!({"id": alpha_set})).await;
    assert_eq!(
        listed["lookup"]["roleSet"]["organizationsInRole"],
        json!([{"id": org}])
    );
    assert_eq!(
        listed["lookup"]["roleSet"]["organizationsInRoles"][1],
        json!({"role": "LEAD", "organizations": []})
    );
    let org_roles = app
        .graphql_at(
            "/graphql",
            "query($id: UUID!) { rolesOrganization(rolesData: { actorID: $id }) { spaces { displayName roles } } }",
            json!({"id": org}),
        )
        .await;
    assert_eq!(
        org_roles["data"]["rolesOrganization"]["spaces"],
        json!([{"displayName": "Alpha", "roles": ["member"]}]),
        "{org_roles}"
    );
    ok(
        &app,
        &admin,
        "mutation($set: UUID!, $actor: UUID!) {
            removeRoleFromOrganization(roleData: { roleSetID: $set, role: MEMBER, actorID: $actor }) { id } }",
        json!({"set": alpha_set, "actor": org}),
    )
    .await;
    let after = ok(&app, &viewer, in_role, json!({"id": alpha_set})).await;
    assert_eq!(after["lookup"]["roleSet"]["organizationsInRole"], json!([]));
    let (ga, _) = app.user_with_token("admin@alkem.io").await;
    let creator_roles = ok(&app, &viewer, roles, json!({"id": ga.id.to_string()})).await;
    let helpers: Vec<&Value> = creator_roles["rolesUser"]["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["displayName"] == "Helpers Ltd")
        .collect();
    assert_eq!(helpers.len(), 1, "{creator_roles}");
    assert_eq!(helpers[0]["roles"], json!(["associate", "admin"]));

    // users available for a role
    let available = "query($id: UUID!, $f: UserFilterInput) { lookup { roleSet(ID: $id) {
        entry: availableUsersForEntryRole(first: 50, filter: $f) { total users { email } }
        lead: availableUsersForElevatedRole(role: LEAD, first: 50) { users { email } } } } }";
    let found = ok(&app, &admin, available, json!({"id": alpha_set, "f": null})).await;
    let rs = &found["lookup"]["roleSet"];
    let entry = names(&rs["entry"]["users"], "/email");
    assert!(entry.contains(&"viewer@example.org".to_owned()), "{rs}");
    assert!(!entry.contains(&"member@example.org".to_owned()), "{rs}");
    assert!(
        names(&rs["lead"]["users"], "/email").is_empty(),
        "the only member leads already: {rs}"
    );
    let filtered = ok(
        &app,
        &admin,
        available,
        json!({"id": alpha_set, "f": {"email": "VIEW"}}),
    )
    .await;
    assert_eq!(
        filtered["lookup"]["roleSet"]["entry"],
        json!({"total": 1.0, "users": [{"email": "viewer@example.org"}]})
    );
    let not_elevated = err(
        &app,
        &admin,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { availableUsersForElevatedRole(role: MEMBER) { total } } } }",
        json!({"id": alpha_set}),
    )
    .await;
    assert_reference_error(&not_elevated, "BAD_USER_INPUT", 12101);
    // a subspace offers only the parent's members to whoever may not invite into the parent
    let (plain, plain_token) = app.user_with_token("plain@example.org").await;
    assign(&app, &admin, &alpha_set, "MEMBER", plain.id).await;
    assign(&app, &admin, &alpha_one_set, "MEMBER", plain.id).await;
    let sub = ok(
        &app,
        &plain_token,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { availableUsersForEntryRole(first: 50) { users { email } } } } }",
        json!({"id": alpha_one_set}),
    )
    .await;
    let sub_emails = names(
        &sub["lookup"]["roleSet"]["availableUsersForEntryRole"]["users"],
        "/email",
    );
    assert!(
        sub_emails.iter().all(|e| e != "viewer@example.org"),
        "{sub_emails:?}"
    );
}
