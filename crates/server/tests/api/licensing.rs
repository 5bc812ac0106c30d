//! Licensing over GraphQL: the seeded framework (plans and the license policy, the reference's
//! dead `account-license-free` rule left out), plans assigned to and revoked from accounts and
//! spaces with the licenses following (account limits, space flags down the tree, the active
//! subscription), baseline plans, and the account's free-space limit on space creation (the
//! second half of test 15 of the authorization notes).

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, err, ok, space, subspace};

on_both_backends!(plans_licenses_and_limits);

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
