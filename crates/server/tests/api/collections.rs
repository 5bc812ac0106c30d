//! Collection callouts over GraphQL: a CONTRIBUTORS framing lists a space's contributors of a
//! kind (leads first, then by name; counts; a curated selection; users hidden from
//! non-members where the space shows user information to members only) and only admins make
//! one; a SPACES framing lists the space's subspaces; the settings are checked and completed.

use serde_json::{Value, json};

use crate::callouts::{CREATE, callouts_set};
use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, space, subspace};

on_both_backends!(contributors_are_collected, subspaces_are_collected);

const COLLECTION: &str = "query($k: UUID!, $t: ActorType!) { lookup { callout(ID: $k) {
    settings { framing { contributors { contributorTypes defaultContributorType defaultView } selection { mode selectedIds } } }
    framing { type contributorCounts { users organizations virtualContributors }
      contributors(type: $t) { id type displayName roleLabel url avatarUrl location { city hasValidCoordinates } }
      subspaces { id } } } } }";

async fn collection(app: &TestApp, token: &str, k: &str, t: &str) -> Value {
    ok(app, token, COLLECTION, json!({"k": k, "t": t})).await["lookup"]["callout"].clone()
}

fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["displayName"].as_str().unwrap().to_owned())
        .collect()
}

async fn contributors_are_collected(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (alice, alice_token) = app.user_with_token("alice@example.org").await;
    let (bob, _) = app.user_with_token("bob@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let open = json!({"privacy": {"mode": "PUBLIC"}, "collaboration": {"inheritMembershipRights": true,
        "allowEventsFromSubspaces": true, "allowGuestContributions": false, "allowMembersToCreateCallouts": true,
        "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}});
    let (s, roles) = space(&app, &admin, &account, "Guild Hall", open).await;
    assign(&app, &admin, &roles, "MEMBER", alice.id).await;
    assign(&app, &admin, &roles, "LEAD", alice.id).await;
    assign(&app, &admin, &roles, "MEMBER", bob.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;

    // refused: no contributors settings on CONTRIBUTORS, settings on another kind, kinds that
    // are not contributors, ids that are not UUIDs; members may create callouts here but not
    // collections
    let framing = |t: &str| json!({"type": t, "profile": {"displayName": "Who is here"}});
    for (d, code, numeric) in [
        (
            json!({"calloutsSetID": set, "framing": framing("CONTRIBUTORS")}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetID": set, "framing": framing("NONE"),
            "settings": {"framing": {"contributors": {"contributorTypes": ["USER"]}}}}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetID": set, "framing": framing("NONE"),
            "settings": {"framing": {"selection": {"mode": "AUTO"}}}}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetID": set, "framing": framing("CONTRIBUTORS"),
            "settings": {"framing": {"contributors": {"contributorTypes": ["SPACE"]}}}}),
            "BAD_USER_INPUT",
            12101,
        ),
        (
            json!({"calloutsSetID": set, "framing": framing("CONTRIBUTORS"),
            "settings": {"framing": {"contributors": {"contributorTypes": ["USER"]},
            "selection": {"mode": "CUSTOM", "selectedIds": ["not-an-id"]}}}}),
            "BAD_USER_INPUT",
            12101,
        ),
    ] {
        let refused = err(&app, &admin, CREATE, json!({"d": d})).await;
        assert_reference_error(&refused, code, numeric);
    }
    let d = json!({"calloutsSetID": set, "framing": framing("CONTRIBUTORS"),
        "settings": {"framing": {"contributors": {"contributorTypes": ["USER"]}}}});
    let denied = err(&app, &alice_token, CREATE, json!({"d": d})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // an admin's collection of users and organizations, opening on the map
    let d = json!({"calloutsSetID": set, "framing": framing("CONTRIBUTORS"),
        "settings": {"framing": {"contributors": {"contributorTypes": ["ORGANIZATION", "USER"],
            "defaultContributorType": "VIRTUAL_CONTRIBUTOR", "defaultView": "MAP"}}}});
    let k = ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = collection(&app, &stranger, &k, "USER").await;
    assert_eq!(
        c["settings"]["framing"],
        json!({"contributors": {"contributorTypes": ["ORGANIZATION", "USER"],
            "defaultContributorType": "ORGANIZATION", "defaultView": "MAP"},
            "selection": {"mode": "AUTO", "selectedIds": []}})
    );
    let users = &c["framing"]["contributors"];
    // leads first (the admin created the space and leads it, Alice was made lead), by name
    let lead_ids: Vec<&str> = users.as_array().unwrap()[..2]
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(
        lead_ids.contains(&admin_user.id.to_string().as_str()),
        "{users}"
    );
    assert!(lead_ids.contains(&alice.id.to_string().as_str()), "{users}");
    let all = names(users);
    assert_eq!(all.len(), 3, "{users}");
    assert_eq!(users[2]["id"], bob.id.to_string());
    assert_eq!(users[2]["roleLabel"], "member");
    assert_eq!(users[0]["roleLabel"], "lead");
    assert_eq!(users[1]["roleLabel"], "lead");
    assert!(
        all[0].to_lowercase() <= all[1].to_lowercase(),
        "leads by name: {all:?}"
    );
    assert_eq!(users[0]["type"], "USER");
    assert!(
        users[2]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://localhost:3000/user/"),
        "{users}"
    );
    assert_eq!(
        c["framing"]["contributorCounts"],
        json!({"users": 3, "organizations": 0, "virtualContributors": 0})
    );
    // a kind the collection does not show is empty
    let vcs = collection(&app, &admin, &k, "VIRTUAL_CONTRIBUTOR").await;
    assert_eq!(vcs["framing"]["contributors"], json!([]));

    // a curated selection narrows it
    const UPDATE: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) { id } }";
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": k, "settings": {"framing": {"selection": {"mode": "CUSTOM",
            "selectedIds": [bob.id.to_string(), bob.id.to_string()]}}}}}),
    )
    .await;
    let c = collection(&app, &admin, &k, "USER").await;
    assert_eq!(
        c["settings"]["framing"]["selection"],
        json!({"mode": "CUSTOM", "selectedIds": [bob.id.to_string()]})
    );
    assert_eq!(names(&c["framing"]["contributors"]).len(), 1);
    assert_eq!(c["framing"]["contributors"][0]["id"], bob.id.to_string());
    assert_eq!(c["framing"]["contributorCounts"]["users"], 1);
    // only the mode changes: the list stays
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": k, "settings": {"framing": {"selection": {"mode": "AUTO"}}}}}),
    )
    .await;
    let c = collection(&app, &admin, &k, "USER").await;
    assert_eq!(
        c["settings"]["framing"]["selection"],
        json!({"mode": "AUTO", "selectedIds": [bob.id.to_string()]})
    );
    assert_eq!(c["framing"]["contributorCounts"]["users"], 3);

    // users are shown to members only where the space says so
    ok(
        &app,
        &admin,
        "mutation($id: UUID!) { updateSpaceSettings(settingsData: { spaceID: $id,
            settings: { privacy: { userInformationVisibility: MEMBERS_ONLY } } }) { id } }",
        json!({"id": s}),
    )
    .await;
    let theirs = collection(&app, &stranger, &k, "USER").await;
    assert_eq!(theirs["framing"]["contributors"], json!([]));
    assert_eq!(theirs["framing"]["contributorCounts"]["users"], 0);
    let members = collection(&app, &alice_token, &k, "USER").await;
    assert_eq!(names(&members["framing"]["contributors"]).len(), 3);

    // a collection's settings go when its framing becomes another kind
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": k, "framing": {"type": "NONE"}}}),
    )
    .await;
    let c = collection(&app, &admin, &k, "USER").await;
    assert_eq!(
        c["settings"]["framing"],
        json!({"contributors": null, "selection": null})
    );
    assert_eq!(c["framing"]["contributors"], json!([]));
    assert_eq!(c["framing"]["subspaces"], json!([]));
}

async fn subspaces_are_collected(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(
        &app,
        &admin,
        &account,
        "Federation",
        json!({"privacy": {"mode": "PUBLIC"}}),
    )
    .await;
    let (first, _) = subspace(&app, &admin, &s, "First Moon", Value::Null).await;
    let (second, _) = subspace(&app, &admin, &s, "Second Moon", Value::Null).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let d = json!({"calloutsSetID": set, "framing": {"type": "SPACES", "profile": {"displayName": "Our moons"}}});
    let k = ok(&app, &admin, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = collection(&app, &admin, &k, "USER").await;
    let ids: Vec<&str> = c["framing"]["subspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{c}");
    assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()));
    assert_eq!(c["framing"]["contributors"], json!([]));
    assert_eq!(
        c["settings"]["framing"],
        json!({"contributors": null, "selection": {"mode": "AUTO", "selectedIds": []}})
    );
    const UPDATE: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) { id } }";
    ok(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": k, "settings": {"framing": {"selection": {"mode": "CUSTOM", "selectedIds": [second]}}}}}),
    )
    .await;
    let c = collection(&app, &admin, &k, "USER").await;
    assert_eq!(c["framing"]["subspaces"], json!([{"id": second}]));
    // a SPACES framing keeps its kind
    let refused = err(
        &app,
        &admin,
        UPDATE,
        json!({"d": {"ID": k, "framing": {"type": "NONE"}}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
}
