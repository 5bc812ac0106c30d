//! Licensing over GraphQL: the seeded framework (plans and the license policy, the reference's
//! dead `account-license-free` rule left out), plans assigned to and revoked from accounts and
//! spaces with the licenses following (account limits, space flags down the tree, the active
//! subscription), baseline plans, and the account's free-space limit on space creation (the
//! second half of test 15 of the authorization notes).

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, space, subspace};

on_both_backends!(
    plans_licenses_and_limits,
    role_sets_carry_licenses,
    spaces_start_with_the_plan_asked_for
);

const ACCOUNT: &str = "query($id: UUID!) { lookup { account(ID: $id) {
    subscriptions { name expires }
    license { availableEntitlements entitlements { type limit enabled usage } } } } }";

async fn entitlement(app: &TestApp, token: &str, account: &str, kind: &str) -> Value {
    let data = ok(app, token, ACCOUNT, json!({"id": account})).await;
    data["lookup"]["account"]["license"]["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind)
        .cloned()
        .unwrap()
}

async fn space_flags(app: &TestApp, token: &str, space: &str) -> (Vec<String>, Value) {
    let data = ok(
        app,
        token,
        "query($id: UUID!) { lookup { space(ID: $id) { activeSubscription { name }
            license { entitlements { type enabled } } } } }",
        json!({"id": space}),
    )
    .await;
    let s = &data["lookup"]["space"];
    let on = s["license"]["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["enabled"] == true)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    (on, s["activeSubscription"].clone())
}

async fn plans_licenses_and_limits(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let account = account_of(&app, &owner).await;

    // the framework: plans need READ (registered users), the policy is the reference's
    let q = "{ platform { licensingFramework { id plans { id name type licenseCredential sortOrder
        assignToNewUserAccounts trialEnabled pricePerMonth }
        policy { credentialRules { credentialType name grantedEntitlements { type limit } } } } } }";
    let anonymous = app.graphql_at("/graphql", q, json!({})).await;
    assert_reference_error(&anonymous["errors"][0], "FORBIDDEN_POLICY", 11104);
    let framework = ok(&app, &owner, q, json!({})).await["platform"]["licensingFramework"].clone();
    let plans = framework["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 10);
    assert_eq!(plans[0]["name"], "SPACE_LICENSE_FREE");
    assert_eq!(plans[0]["assignToNewUserAccounts"], true);
    assert_eq!(plans[1]["name"], "SPACE_LICENSE_PLUS");
    assert_eq!(plans[1]["trialEnabled"], true);
    assert_eq!(plans[1]["pricePerMonth"], 249.0);
    let rules = framework["policy"]["credentialRules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        9,
        "the dead account-license-free rule is not seeded"
    );
    let plus_rule = rules
        .iter()
        .find(|r| r["credentialType"] == "ACCOUNT_LICENSE_PLUS")
        .unwrap();
    assert_eq!(
        plus_rule["grantedEntitlements"][0],
        json!({"type": "ACCOUNT_SPACE_FREE", "limit": 3.0})
    );
    let plan = |name: &str| {
        plans.iter().find(|p| p["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // a fresh account may host no free space
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await["limit"],
        0.0
    );
    let create = "mutation($a: UUID!, $n: String!) { createSpace(spaceData: { accountID: $a,
        collaborationData: { calloutsSetData: {} }, about: { profileData: { displayName: $n } } }) { id } }";
    let refused = err(&app, &owner, create, json!({"a": account, "n": "Mine"})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);

    // plans are granted by license managers only, and only to what they are for
    let to_account = "mutation($p: UUID!, $a: UUID!) { assignLicensePlanToAccount(planData: {
        licensePlanID: $p, accountID: $a }) { id subscriptions { name } } }";
    let by_owner = err(
        &app,
        &owner,
        to_account,
        json!({"p": plan("ACCOUNT_LICENSE_PLUS"), "a": account}),
    )
    .await;
    assert_reference_error(&by_owner, "FORBIDDEN_POLICY", 11104);
    let wrong = err(
        &app,
        &admin,
        to_account,
        json!({"p": plan("SPACE_LICENSE_PLUS"), "a": account}),
    )
    .await;
    assert_reference_error(&wrong, "BAD_USER_INPUT", 12101);
    let assigned = ok(
        &app,
        &admin,
        to_account,
        json!({"p": plan("ACCOUNT_LICENSE_PLUS"), "a": account}),
    )
    .await;
    assert_eq!(
        assigned["assignLicensePlanToAccount"]["subscriptions"],
        json!([{"name": "ACCOUNT_LICENSE_PLUS"}])
    );
    let free = entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await;
    assert_eq!(
        (free["limit"].clone(), free["enabled"].clone()),
        (json!(3.0), json!(true))
    );
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_INNOVATION_HUB").await["limit"],
        1.0
    );

    // now the owner may create up to three spaces themself
    for name in ["One", "Two", "Three"] {
        ok(&app, &owner, create, json!({"a": account, "n": name})).await;
    }
    let full = entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await;
    assert_eq!(full["usage"], 3.0);
    let fourth = err(&app, &owner, create, json!({"a": account, "n": "Four"})).await;
    assert_reference_error(&fourth, "BAD_USER_INPUT", 12101);
    // a platform admin is not held to the limit
    let (l0, _) = space(&app, &admin, &account, "Admin Made", Value::Null).await;
    let (l1, _) = subspace(&app, &admin, &l0, "Below", Value::Null).await;

    // the baseline adds to what plans grant
    let baseline = "mutation($a: UUID!, $n: Int) { updateBaselineLicensePlanOnAccount(updateData: {
        accountID: $a, spaceFree: $n }) { baselineLicensePlan { spaceFree } } }";
    let negative = err(&app, &admin, baseline, json!({"a": account, "n": -1})).await;
    assert_reference_error(&negative, "BAD_USER_INPUT", 12101);
    let by_owner = err(&app, &owner, baseline, json!({"a": account, "n": 9})).await;
    assert_reference_error(&by_owner, "FORBIDDEN_POLICY", 11104);
    let raised = ok(&app, &admin, baseline, json!({"a": account, "n": 2})).await;
    assert_eq!(
        raised["updateBaselineLicensePlanOnAccount"]["baselineLicensePlan"]["spaceFree"],
        2
    );
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await["limit"],
        5.0
    );

    // a space plan licenses the whole tree; revoking it takes it back
    let (flags, active) = space_flags(&app, &admin, &l0).await;
    assert_eq!(
        flags,
        [
            "SPACE_FREE",
            "SPACE_FLAG_SAVE_AS_TEMPLATE",
            "SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS"
        ]
    );
    assert_eq!(active, json!({"name": "SPACE_LICENSE_FREE"}));
    let to_space = "mutation($p: UUID!, $s: UUID!) { assignLicensePlanToSpace(planData: {
        licensePlanID: $p, spaceID: $s }) { id subscriptions { name } } }";
    ok(
        &app,
        &admin,
        to_space,
        json!({"p": plan("SPACE_LICENSE_PLUS"), "s": l0}),
    )
    .await;
    let (flags, active) = space_flags(&app, &admin, &l0).await;
    assert!(flags.contains(&"SPACE_PLUS".to_owned()), "{flags:?}");
    // the space now counts against the plus spaces, not the free ones
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await["usage"],
        3.0
    );
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_PLUS").await["usage"],
        1.0
    );
    assert!(
        flags.contains(&"SPACE_FLAG_WHITEBOARD_MULTI_USER".to_owned()),
        "{flags:?}"
    );
    assert_eq!(active, json!({"name": "SPACE_LICENSE_PLUS"}));
    let (below, _) = space_flags(&app, &admin, &l1).await;
    assert!(below.contains(&"SPACE_PLUS".to_owned()), "{below:?}");
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $s: UUID!) { revokeLicensePlanFromSpace(planData: {
            licensePlanID: $p, spaceID: $s }) { id } }",
        json!({"p": plan("SPACE_LICENSE_PLUS"), "s": l0}),
    )
    .await;
    let (below, _) = space_flags(&app, &admin, &l1).await;
    assert!(!below.contains(&"SPACE_PLUS".to_owned()), "{below:?}");
    let (_, active) = space_flags(&app, &admin, &l0).await;
    assert_eq!(active, json!({"name": "SPACE_LICENSE_FREE"}));

    // revoking the account plan leaves the baseline; a reset recomputes the same
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $a: UUID!) { revokeLicensePlanFromAccount(planData: {
            licensePlanID: $p, accountID: $a }) { id } }",
        json!({"p": plan("ACCOUNT_LICENSE_PLUS"), "a": account}),
    )
    .await;
    ok(
        &app,
        &admin,
        "mutation($a: UUID!) { licenseResetOnAccount(resetData: { accountID: $a }) { id } }",
        json!({"a": account}),
    )
    .await;
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_FREE").await["limit"],
        2.0
    );
    assert!(
        ok(
            &app,
            &admin,
            "mutation { resetLicenseOnAccounts }",
            json!({})
        )
        .await["resetLicenseOnAccounts"]
            == true
    );
}

const ROLE_SET_LICENSE: &str = "query($r: UUID!) { lookup { roleSet(ID: $r) { license { type
    entitlements { type enabled } } } } }";

async fn role_set_vc_flag(app: &TestApp, token: &str, role_set: &str) -> bool {
    let data = ok(app, token, ROLE_SET_LICENSE, json!({"r": role_set})).await;
    let license = &data["lookup"]["roleSet"]["license"];
    assert_eq!(license["type"], "ROLESET");
    let entitlements = license["entitlements"].as_array().unwrap();
    assert_eq!(entitlements.len(), 1, "{license}");
    assert_eq!(
        entitlements[0]["type"],
        "SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS"
    );
    entitlements[0]["enabled"].as_bool().unwrap()
}

/// Every role set has a license saying whether virtual contributors may take roles: a
/// space's follows its space's license, an organization's and the platform's are off.
async fn role_sets_carry_licenses(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let private = json!({"privacy": {"mode": "PRIVATE"}});
    let (s, roles) = space(&app, &admin, &account, "Licensed", private).await;
    let (flags, _) = space_flags(&app, &admin, &s).await;
    assert!(flags.contains(&"SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS".to_owned()));
    assert!(role_set_vc_flag(&app, &admin, &roles).await);
    // readers of the role set only
    let denied = err(&app, &stranger, ROLE_SET_LICENSE, json!({"r": roles})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // the space loses its virtual contributors plan: its role set's license follows
    let plans = ok(
        &app,
        &admin,
        "{ platform { licensingFramework { plans { id name } } } }",
        json!({}),
    )
    .await["platform"]["licensingFramework"]["plans"]
        .clone();
    let free = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "SPACE_FEATURE_VIRTUAL_CONTRIBUTORS")
        .unwrap()["id"]
        .clone();
    ok(
        &app,
        &admin,
        "mutation($p: UUID!, $s: UUID!) { revokeLicensePlanFromSpace(planData: {
            licensePlanID: $p, spaceID: $s }) { id } }",
        json!({"p": free, "s": s}),
    )
    .await;
    let (flags, _) = space_flags(&app, &admin, &s).await;
    assert!(!flags.contains(&"SPACE_FLAG_VIRTUAL_CONTRIBUTOR_ACCESS".to_owned()));
    assert!(!role_set_vc_flag(&app, &admin, &roles).await);

    // an organization's and the platform's are off
    let org = ok(
        &app,
        &admin,
        "mutation { createOrganization(organizationData: { nameID: \"licensed-org\",
            profileData: { displayName: \"Licensed Org\" } }) { roleSet { id } } }",
        json!({}),
    )
    .await["createOrganization"]["roleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!role_set_vc_flag(&app, &admin, &org).await);
    let platform = ok(&app, &admin, "{ platform { roleSet { id } } }", json!({})).await["platform"]
        ["roleSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!role_set_vc_flag(&app, &admin, &platform).await);
}

/// Role sets made before role set licenses existed get one at start-up, a space's with its
/// space's flag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_role_sets_get_licenses() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(Backend::Sqlite).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (_, roles) = space(
        &app,
        &admin,
        &account,
        "Elder",
        json!({"privacy": {"mode": "PUBLIC"}}),
    )
    .await;
    let conn = app.services.db.conn();
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE role_set SET license_id = NULL",
    ))
    .await
    .unwrap();
    let completed = app
        .services
        .spaces
        .ensure_role_set_licenses()
        .await
        .unwrap();
    assert!(
        completed >= 2,
        "the platform's and the space's: {completed}"
    );
    assert_eq!(
        app.services
            .spaces
            .ensure_role_set_licenses()
            .await
            .unwrap(),
        0
    );
    assert!(role_set_vc_flag(&app, &admin, &roles).await);
}

/// `createSpace(licensePlanID)`: the plan must be a space plan and the account's license must
/// have room for a space of its tier (the reference checks only the free tier and then grants
/// whatever plan was named, premium included); platform admins may pick any space plan.
async fn spaces_start_with_the_plan_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let account = account_of(&app, &owner).await;
    let plans = ok(
        &app,
        &owner,
        "{ platform { licensingFramework { plans { id name } } } }",
        json!({}),
    )
    .await["platform"]["licensingFramework"]["plans"]
        .clone();
    let plan = |name: &str| {
        plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // one free and one plus space in the account's baseline
    ok(
        &app,
        &admin,
        "mutation($a: UUID!) { updateBaselineLicensePlanOnAccount(updateData: {
            accountID: $a, spaceFree: 1, spacePlus: 1 }) { id } }",
        json!({"a": account}),
    )
    .await;
    let create =
        "mutation($a: UUID!, $n: String!, $p: UUID) { createSpace(spaceData: { accountID: $a,
        licensePlanID: $p, collaborationData: { calloutsSetData: {}, addCallouts: false },
        about: { profileData: { displayName: $n } } }) { id activeSubscription { name } } }";
    for (name, code, numeric) in [
        ("SPACE_LICENSE_PREMIUM", "BAD_USER_INPUT", 12101),
        ("ACCOUNT_LICENSE_PLUS", "BAD_USER_INPUT", 12101),
        ("SPACE_FEATURE_SAVE_AS_TEMPLATE", "BAD_USER_INPUT", 12101),
    ] {
        let refused = err(
            &app,
            &owner,
            create,
            json!({"a": account, "n": name, "p": plan(name)}),
        )
        .await;
        assert_reference_error(&refused, code, numeric);
    }
    let unknown = err(
        &app,
        &owner,
        create,
        json!({"a": account, "n": "Nowhere", "p": "00000000-0000-0000-0000-000000000001"}),
    )
    .await;
    assert_reference_error(&unknown, "ENTITY_NOT_FOUND", 10101);
    // a plus space uses the plus room; a second one finds none; the free room is still there
    let plus = ok(
        &app,
        &owner,
        create,
        json!({"a": account, "n": "Plus One", "p": plan("SPACE_LICENSE_PLUS")}),
    )
    .await["createSpace"]
        .clone();
    assert_eq!(plus["activeSubscription"]["name"], "SPACE_LICENSE_PLUS");
    assert_eq!(
        entitlement(&app, &owner, &account, "ACCOUNT_SPACE_PLUS").await["usage"],
        1.0
    );
    let full = err(
        &app,
        &owner,
        create,
        json!({"a": account, "n": "Plus Two", "p": plan("SPACE_LICENSE_PLUS")}),
    )
    .await;
    assert_reference_error(&full, "BAD_USER_INPUT", 12101);
    let free = ok(
        &app,
        &owner,
        create,
        json!({"a": account, "n": "Free One", "p": null}),
    )
    .await["createSpace"]
        .clone();
    assert_eq!(free["activeSubscription"]["name"], "SPACE_LICENSE_FREE");
    // a platform admin picks premium for the account
    let premium = ok(
        &app,
        &admin,
        create,
        json!({"a": account, "n": "Top", "p": plan("SPACE_LICENSE_PREMIUM")}),
    )
    .await["createSpace"]
        .clone();
    assert_eq!(
        premium["activeSubscription"]["name"],
        "SPACE_LICENSE_PREMIUM"
    );
}

on_both_backends!(plans_and_policy_rules_are_managed);

/// License plans and the license policy's rules are added, changed and deleted by those who
/// manage the licensing framework; a new rule gives an account what it grants once its
/// license is reset.
async fn plans_and_policy_rules_are_managed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, someone) = app.user_with_token("someone@example.org").await;
    let framework = ok(
        &app,
        &admin,
        "{ platform { licensingFramework { id plans { name } policy { credentialRules { id name } } } } }",
        json!({}),
    )
    .await["platform"]["licensingFramework"]
        .clone();
    let plans_before = framework["plans"].as_array().unwrap().len();
    let create = "mutation($d: CreateLicensePlanOnLicensingFrameworkInput!) { createLicensePlan(planData: $d) {
        id name type enabled sortOrder pricePerMonth licenseCredential } }";
    let d = json!({"licensingFrameworkID": framework["id"], "name": "Team Plan", "type": "SPACE_PLAN",
        "licenseCredential": "SPACE_LICENSE_PLUS", "enabled": true, "isFree": false, "trialEnabled": false,
        "requiresPaymentMethod": true, "requiresContactSupport": false, "sortOrder": 35, "pricePerMonth": 49,
        "assignToNewOrganizationAccounts": false, "assignToNewUserAccounts": false});
    let denied = err(&app, &someone, create, json!({"d": d})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let plan = ok(&app, &admin, create, json!({"d": d})).await["createLicensePlan"].clone();
    assert_eq!(plan["name"], "Team Plan");
    assert_eq!(plan["sortOrder"], 35.0);
    assert_eq!(plan["pricePerMonth"], 49.0);
    let again = err(&app, &admin, create, json!({"d": d})).await;
    assert_reference_error(&again, "BAD_USER_INPUT", 12101);
    let update = "mutation($d: UpdateLicensePlanInput!) { updateLicensePlan(updateData: $d) { enabled pricePerMonth } }";
    let changed = ok(
        &app,
        &admin,
        update,
        json!({"d": {"ID": plan["id"], "enabled": false, "pricePerMonth": 59}}),
    )
    .await;
    assert_eq!(
        changed["updateLicensePlan"],
        json!({"enabled": false, "pricePerMonth": 59.0})
    );
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { deleteLicensePlan(deleteData: {ID: $id}) { id } }",
        json!({"id": plan["id"]}),
    )
    .await;
    let after = ok(
        &app,
        &admin,
        "{ platform { licensingFramework { plans { name } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        after["platform"]["licensingFramework"]["plans"]
            .as_array()
            .unwrap()
            .len(),
        plans_before
    );

    // rules: a new one goes last; changed in place; deleted
    let rules =
        "{ platform { licensingFramework { policy { credentialRules { id name credentialType
        grantedEntitlements { type limit } } } } } }";
    let create_rule = "mutation($d: CreateLicensePolicyCredentialRuleInput!) { adminLicensePolicyCreateCredentialRule(createData: $d) { id name } }";
    let rd = json!({"name": "Campaign boost", "credentialType": "ACCOUNT_LICENSE_PLUS",
        "grantedEntitlements": [{"type": "ACCOUNT_VIRTUAL_CONTRIBUTOR", "limit": 7}]});
    let denied = err(&app, &someone, create_rule, json!({"d": rd})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let rule = ok(&app, &admin, create_rule, json!({"d": rd})).await["adminLicensePolicyCreateCredentialRule"].clone();
    let listed = ok(&app, &admin, rules, json!({})).await;
    let all = listed["platform"]["licensingFramework"]["policy"]["credentialRules"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.last().unwrap()["id"], rule["id"]);
    let update_rule = "mutation($d: UpdateLicensePolicyCredentialRuleInput!) { adminLicensePolicyUpdateCredentialRule(updateData: $d) {
        name grantedEntitlements { type limit } } }";
    let changed = ok(
        &app,
        &admin,
        update_rule,
        json!({"d": {"ID": rule["id"], "credentialType": "ACCOUNT_LICENSE_PLUS",
            "grantedEntitlements": [{"type": "ACCOUNT_VIRTUAL_CONTRIBUTOR", "limit": 9}]}}),
    )
    .await;
    assert_eq!(
        changed["adminLicensePolicyUpdateCredentialRule"],
        json!({"name": "Campaign boost", "grantedEntitlements": [{"type": "ACCOUNT_VIRTUAL_CONTRIBUTOR", "limit": 9.0}]})
    );
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { adminLicensePolicyDeleteCredentialRule(deleteData: {ID: $id}) { id } }",
        json!({"id": rule["id"]}),
    )
    .await;
    let listed = ok(&app, &admin, rules, json!({})).await;
    assert_eq!(
        listed["platform"]["licensingFramework"]["policy"]["credentialRules"]
            .as_array()
            .unwrap()
            .len(),
        all.len() - 1
    );
    let missing = err(
        &app,
        &admin,
        "mutation($id: UUID!) { adminLicensePolicyDeleteCredentialRule(deleteData: {ID: $id}) { id } }",
        json!({"id": rule["id"]}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);
}
