//! What platform administrators do outside role sets: creating users on someone's behalf,
//! granting and revoking credentials directly, finding who holds a credential, and recomputing
//! the authorization policies of a user, an organization or an account.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, space};

on_both_backends!(
    admins_create_users_who_find_their_invitations,
    global_admins_grant_and_revoke_credentials_directly,
    authorization_resets_recompute_users_organizations_and_accounts
);

const CREATE_USER: &str = "mutation($d: CreateUserInput!) { createUser(userData: $d) {
    id nameID email firstName lastName phone
    profile { displayName tagline description location { city country }
        tagsets { name tags } references { name uri } avatar: visual(type: AVATAR) { uri } } } }";

async fn admins_create_users_who_find_their_invitations(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, someone) = app.user_with_token("someone@example.org").await;
    let account = account_of(&app, &admin).await;
    let (_, set) = space(&app, &admin, &account, "Invite Space", Value::Null).await;
    // an invitation to an address nobody has registered yet
    ok(
        &app,
        &admin,
        "mutation($set: UUID!) { inviteForEntryRoleOnRoleSet(invitationData: { roleSetID: $set,
            invitedActorIDs: [], invitedUserEmails: [\"made@example.org\"], extraRoles: [] }) { type } }",
        json!({"set": set}),
    )
    .await;

    let d = json!({"email": "Made@Example.org", "firstName": "Made", "lastName": "ByAdmin",
        "nameID": "made-by-admin", "phone": "+31 6 1234",
        "profileData": {"displayName": "Made By Admin", "tagline": "made", "description": "hello",
            "location": {"city": "Delft", "country": "NL"},
            "referencesData": [{"name": "website", "uri": "https://made.example.org"}],
            "tagsets": [{"name": "skills", "tags": ["rust"]}],
            "visuals": [{"name": "AVATAR", "uri": "https://img.example.org/a.png"}]}});
    // only who may CREATE on the platform
    let denied = err(&app, &someone, CREATE_USER, json!({"d": d})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let user = ok(&app, &admin, CREATE_USER, json!({"d": d})).await["createUser"].clone();
    assert_eq!(user["nameID"], "made-by-admin");
    assert_eq!(user["email"], "made@example.org");
    assert_eq!(user["phone"], "+31 6 1234");
    let profile = &user["profile"];
    assert_eq!(profile["displayName"], "Made By Admin");
    assert_eq!(profile["tagline"], "made");
    assert_eq!(
        profile["location"],
        json!({"city": "Delft", "country": "NL"})
    );
    assert_eq!(profile["avatar"]["uri"], "https://img.example.org/a.png");
    let mut refs: Vec<&str> = profile["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    refs.sort_unstable();
    assert_eq!(refs, ["bsky", "github", "linkedin", "website"]);
    let skills = profile["tagsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "skills")
        .unwrap();
    assert_eq!(skills["tags"], json!(["rust"]));
    assert!(
        profile["tagsets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "keywords")
    );

    // the same address or NameID again is refused, and nothing is written
    let count = "{ usersPaginated(first: 50) { total } }";
    let before = ok(&app, &admin, count, json!({})).await["usersPaginated"]["total"].clone();
    let again = err(&app, &admin, CREATE_USER, json!({"d": d})).await;
    assert_reference_error(&again, "BAD_USER_INPUT", 12101);
    let mut taken = d.clone();
    taken["email"] = json!("other@example.org");
    let again = err(&app, &admin, CREATE_USER, json!({"d": taken})).await;
    assert_reference_error(&again, "BAD_USER_INPUT", 12101);
    let after = ok(&app, &admin, count, json!({})).await["usersPaginated"]["total"].clone();
    assert_eq!(before, after);

    // the invitation waits for the new user, as at self-registration
    let (_, made) = app.user_with_token("made@example.org").await;
    let status = ok(
        &app,
        &made,
        "query($id: UUID!) { lookup { roleSet(ID: $id) { myMembershipStatus } } }",
        json!({"id": set}),
    )
    .await;
    assert_eq!(
        status["lookup"]["roleSet"]["myMembershipStatus"],
        "INVITATION_PENDING"
    );
}

const GRANT_USER: &str = "mutation($u: UUID!, $t: AuthorizationCredential!, $r: UUID) {
    grantCredentialToUser(grantCredentialData: {userID: $u, type: $t, resourceID: $r}) { id } }";
const REVOKE_USER: &str = "mutation($u: UUID!, $t: AuthorizationCredential!, $r: String!) {
    revokeCredentialFromUser(revokeCredentialData: {userID: $u, type: $t, resourceID: $r}) { id } }";
const HOLDERS: &str = "query($t: AuthorizationCredential!, $r: UUID) {
    usersWithAuthorizationCredential(credentialsCriteriaData: {type: $t, resourceID: $r}) { email } }";

async fn holders(
    app: &crate::helpers::TestApp,
    token: &str,
    kind: &str,
    resource: Value,
) -> Vec<String> {
    let data = ok(app, token, HOLDERS, json!({"t": kind, "r": resource})).await;
    let mut emails: Vec<String> = data["usersWithAuthorizationCredential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    emails.sort();
    emails
}

async fn global_admins_grant_and_revoke_credentials_directly(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (helper, helper_token) = app.user_with_token("helper@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Granted Space", Value::Null).await;

    // a global credential takes no resource; only global admins grant
    let with_resource = err(
        &app,
        &admin,
        GRANT_USER,
        json!({"u": helper.id.to_string(), "t": "GLOBAL_SUPPORT", "r": s}),
    )
    .await;
    assert_reference_error(&with_resource, "FORBIDDEN", 11103);
    let not_admin = err(
        &app,
        &helper_token,
        GRANT_USER,
        json!({"u": helper.id.to_string(), "t": "GLOBAL_SUPPORT"}),
    )
    .await;
    assert_reference_error(&not_admin, "FORBIDDEN_POLICY", 11104);
    let nobody = err(
        &app,
        &admin,
        GRANT_USER,
        json!({"u": uuid::Uuid::now_v7().to_string(), "t": "GLOBAL_SUPPORT"}),
    )
    .await;
    assert_reference_error(&nobody, "ENTITY_NOT_FOUND", 10101);

    // a space membership granted directly: the user reads the private space at once
    let read = "query($s: UUID!) { lookup { space(ID: $s) { collaboration { id } } } }";
    let before = err(&app, &helper_token, read, json!({"s": s})).await;
    assert_reference_error(&before, "FORBIDDEN_POLICY", 11104);
    ok(
        &app,
        &admin,
        GRANT_USER,
        json!({"u": helper.id.to_string(), "t": "SPACE_MEMBER", "r": s}),
    )
    .await;
    ok(&app, &helper_token, read, json!({"s": s})).await;
    // the space's creator is a member too
    assert_eq!(
        holders(&app, &admin, "SPACE_MEMBER", json!(s)).await,
        ["admin@alkem.io", "helper@example.org"]
    );
    ok(
        &app,
        &admin,
        REVOKE_USER,
        json!({"u": helper.id.to_string(), "t": "SPACE_MEMBER", "r": s}),
    )
    .await;
    let after = err(&app, &helper_token, read, json!({"s": s})).await;
    assert_reference_error(&after, "FORBIDDEN_POLICY", 11104);
    assert_eq!(
        holders(&app, &admin, "SPACE_MEMBER", json!(s)).await,
        ["admin@alkem.io"]
    );

    // the actor forms: any credential to any actor, platform admins only
    let grant_actor = "mutation($a: UUID!, $r: UUID) { grantCredentialToActor(actorID: $a,
        credentialType: BETA_TESTER, resourceID: $r) { type resourceID } }";
    let granted = ok(
        &app,
        &admin,
        grant_actor,
        json!({"a": helper.id.to_string()}),
    )
    .await;
    assert_eq!(
        granted["grantCredentialToActor"],
        json!({"type": "BETA_TESTER", "resourceID": ""})
    );
    let denied = err(
        &app,
        &helper_token,
        grant_actor,
        json!({"a": helper.id.to_string()}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let actors = ok(
        &app,
        &admin,
        "{ actorsWithCredential(credentialType: BETA_TESTER) { __typename ... on User { email } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        actors["actorsWithCredential"],
        json!([{"__typename": "User", "email": "helper@example.org"}])
    );
    let revoke_actor = "mutation($a: UUID!) { revokeCredentialFromActor(actorID: $a, credentialType: BETA_TESTER) }";
    let revoked = ok(
        &app,
        &admin,
        revoke_actor,
        json!({"a": helper.id.to_string()}),
    )
    .await;
    assert_eq!(revoked["revokeCredentialFromActor"], true);
    let revoked = ok(
        &app,
        &admin,
        revoke_actor,
        json!({"a": helper.id.to_string()}),
    )
    .await;
    assert_eq!(revoked["revokeCredentialFromActor"], false);

    // organizations too
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: {nameID: \"granted-org\", profileData: {displayName: \"Granted Org\"}}) { id } }",
        json!({}),
    )
    .await["createOrganization"]["id"]
        .clone();
    let grant_org = "mutation($o: UUID!, $r: UUID) { grantCredentialToOrganization(grantCredentialData: {organizationID: $o, type: SPACE_MEMBER, resourceID: $r}) { id } }";
    ok(&app, &admin, grant_org, json!({"o": org, "r": s})).await;
    let actors = ok(
        &app,
        &admin,
        "query($r: UUID) { actorsWithCredential(credentialType: SPACE_MEMBER, resourceID: $r) { __typename } }",
        json!({"r": s}),
    )
    .await;
    let kinds: Vec<&Value> = actors["actorsWithCredential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["__typename"])
        .collect();
    assert!(kinds.contains(&&json!("Organization")), "{actors}");
    assert!(kinds.contains(&&json!("User")), "{actors}");
    ok(
        &app,
        &admin,
        "mutation($o: UUID!, $r: UUID) { revokeCredentialFromOrganization(revokeCredentialData: {organizationID: $o, type: SPACE_MEMBER, resourceID: $r}) { id } }",
        json!({"o": org, "r": s}),
    )
    .await;

    // the platform keeps a global admin
    assert_eq!(
        holders(&app, &admin, "GLOBAL_ADMIN", Value::Null).await,
        ["admin@alkem.io"]
    );
    let last = err(
        &app,
        &admin,
        REVOKE_USER,
        json!({"u": admin_user.id.to_string(), "t": "GLOBAL_ADMIN", "r": ""}),
    )
    .await;
    assert_reference_error(&last, "FORBIDDEN", 11103);
    assert_eq!(
        holders(&app, &admin, "GLOBAL_ADMIN", Value::Null).await,
        ["admin@alkem.io"]
    );
}

async fn authorization_resets_recompute_users_organizations_and_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (user, token) = app.user_with_token("reset@example.org").await;
    let account = account_of(&app, &token).await;

    let reset_user = "mutation($u: UUID!) { authorizationPolicyResetOnUser(authorizationResetData: {userID: $u}) { id authorization { myPrivileges } } }";
    let denied = err(&app, &token, reset_user, json!({"u": user.id.to_string()})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let reset = ok(&app, &admin, reset_user, json!({"u": user.id.to_string()})).await;
    assert_eq!(
        reset["authorizationPolicyResetOnUser"]["id"],
        user.id.to_string()
    );

    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: {nameID: \"reset-org\", profileData: {displayName: \"Reset Org\"}}) { id } }",
        json!({}),
    )
    .await;
    let org = org["createOrganization"]["id"].clone();
    let reset_org = "mutation($o: UUID!) { authorizationPolicyResetOnOrganization(authorizationResetData: {organizationID: $o}) { id } }";
    let denied = err(&app, &token, reset_org, json!({"o": org})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, reset_org, json!({"o": org})).await;

    // an account reset reaches what it hosts: a hub made on it keeps working for its admin
    let hub = ok(
        &app,
        &admin,
        "mutation($a: UUID!) { createInnovationHub(createData: {accountID: $a, subdomain: \"resethub\",
            type: VISIBILITY, spaceVisibilityFilter: ACTIVE, profileData: {displayName: \"Reset Hub\"}}) { id } }",
        json!({"a": account}),
    )
    .await;
    let hub = hub["createInnovationHub"]["id"].clone();
    let hub_privileges =
        "query($h: UUID!) { lookup { innovationHub(ID: $h) { authorization { myPrivileges } } } }";
    let before = ok(&app, &token, hub_privileges, json!({"h": hub})).await;
    let reset_account = "mutation($a: UUID!) { authorizationPolicyResetOnAccount(authorizationResetData: {accountID: $a}) { id } }";
    let denied = err(&app, &token, reset_account, json!({"a": account})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let reset = ok(&app, &admin, reset_account, json!({"a": account})).await;
    assert_eq!(reset["authorizationPolicyResetOnAccount"]["id"], account);
    let after = ok(&app, &token, hub_privileges, json!({"h": hub})).await;
    assert_eq!(before, after);
    assert!(
        after["lookup"]["innovationHub"]["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .contains(&json!("UPDATE"))
    );
}
