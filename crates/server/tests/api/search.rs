//! Search over GraphQL: what each caller finds (privileges, anonymous callers), fuzzy terms,
//! content and its callouts, space and flow-state filters, folding, pages with cursors, the
//! reference's validation errors, freshness after changes, and the admin ingest.

use serde_json::{Value, json};

use crate::callouts::{add_post, callouts_set, post_callout};
use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, space, subspace};

on_both_backends!(
    search_finds_what_each_caller_may_read,
    search_filters_pages_and_validates
);

const SEARCH: &str = "query($d: SearchInput!) { search(searchData: $d) {
    spaceResults { total cursor results { id type score terms
        ... on SearchResultSpace { space { id about { profile { displayName } } } parentSpace { id } } } }
    actorResults { total cursor results { id type terms
        ... on SearchResultUser { user { id profile { displayName } } }
        ... on SearchResultOrganization { organization { id } } } }
    calloutResults { total cursor results { id type terms
        ... on SearchResultCallout { callout { id framing { profile { displayName } } } space { id } } } }
    framingResults { total results { id type terms
        ... on SearchResultWhiteboard { isContribution whiteboard { id } callout { id } space { id } } } }
    contributionResults { total results { id type terms
        ... on SearchResultPost { post { id profile { displayName } } callout { id } space { id } } } } } }";

async fn search(app: &TestApp, token: Option<&str>, data: Value) -> Value {
    let body = match token {
        Some(t) => app.graphql_as(t, SEARCH, json!({"d": data})).await.1,
        None => app.graphql_at("/graphql", SEARCH, json!({"d": data})).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["search"].clone()
}

fn ids(bucket: &Value) -> Vec<String> {
    bucket["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

const SCENE: &str = r#"{"type":"excalidraw","version":2,"source":"test","elements":[{"id":"a","type":"text","text":"Bioswale sketch"},{"id":"b","type":"rectangle"}],"appState":{}}"#;

struct World {
    admin: String,
    member: String,
    stranger: String,
    green: String,
    parks: String,
    lab: String,
    callout: String,
    post: String,
    board_callout: String,
    board: String,
}

/// Green City (public) with a private subspace Urban Parks, a callout with a post and a
/// whiteboard-framed callout; Secret Lab (private). `member` is a member of Green City only.
async fn world(app: &TestApp) -> World {
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member_user, member) = app.user_with_token("ada@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(app, &admin).await;
    let (green, green_set) = space(app, &admin, &account, "Green City", Value::Null).await;
    ok(
        app,
        &admin,
        "mutation($id: UUID!) { updateSpace(spaceData: { ID: $id, about: { profile: { tagline: \"Cities full of trees\" } } }) { id } }",
        json!({"id": green}),
    )
    .await;
    assign(app, &admin, &green_set, "MEMBER", member_user.id).await;
    let (parks, _) = subspace(
        app,
        &admin,
        &green,
        "Urban Parks",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    let (lab, _) = space(
        app,
        &admin,
        &account,
        "Secret Lab",
        json!({"privacy": {"mode": "PRIVATE"}}),
    )
    .await;
    let (_, set) = callouts_set(app, &admin, &green).await;
    let callout = post_callout(app, &admin, &set, "Rain gardens").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = add_post(app, &member, &callout, "Bioswales on Main Street").await["post"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = json!({"calloutsSetID": set, "framing": {"type": "WHITEBOARD", "profile": {"displayName": "Street plan"},
        "whiteboard": {"content": SCENE, "profile": {"displayName": "Site map"}}}});
    let framed = ok(
        app,
        &admin,
        "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) { id framing { whiteboard { id } } } }",
        json!({"d": d}),
    )
    .await["createCalloutOnCalloutsSet"]
        .clone();
    World {
        admin,
        member,
        stranger,
        green,
        parks,
        lab,
        callout,
        post,
        board_callout: framed["id"].as_str().unwrap().to_owned(),
        board: framed["framing"]["whiteboard"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    }
}

async fn search_finds_what_each_caller_may_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;

    // anonymous: spaces (a private L0 space's about is public, as in the reference) and public
    // content; no contributors and no callouts
    let found = search(&app, None, json!({"terms": ["green", "secret", "parks"]})).await;
    let spaces = ids(&found["spaceResults"]);
    assert!(
        spaces.contains(&w.green) && spaces.contains(&w.lab),
        "{found}"
    );
    assert!(
        !spaces.contains(&w.parks),
        "a private subspace is not found anonymously: {found}"
    );
    assert_eq!(found["actorResults"]["results"], json!([]));
    assert_eq!(found["calloutResults"]["results"], json!([]));
    let first = &found["spaceResults"]["results"][0];
    assert!(first["score"].as_f64().unwrap() > 0.0);

    // the subspace is found by the admin, with its parent
    let found = search(&app, Some(&w.admin), json!({"terms": ["parks"]})).await;
    let parks = &found["spaceResults"]["results"][0];
    assert_eq!(parks["id"], w.parks.as_str());
    assert_eq!(parks["type"], "SUBSPACE");
    assert_eq!(parks["parentSpace"]["id"], w.green.as_str());
    assert_eq!(parks["terms"], json!(["parks"]));

    // typos still match (one edit in a short word, two in a long one); the terms matched are told
    let found = search(&app, Some(&w.member), json!({"terms": ["gren", "gardnes"]})).await;
    assert_eq!(ids(&found["spaceResults"]), vec![w.green.clone()]);
    let callouts = &found["calloutResults"]["results"];
    assert_eq!(callouts[0]["id"], w.callout.as_str());
    assert_eq!(callouts[0]["terms"], json!(["gardnes"]));
    assert_eq!(callouts[0]["space"]["id"], w.green.as_str());

    // contributions and framings: by their profile and by a whiteboard's text
    let found = search(&app, Some(&w.member), json!({"terms": ["bioswale"]})).await;
    let post = &found["contributionResults"]["results"][0];
    assert_eq!(post["type"], "POST");
    assert_eq!(post["post"]["id"], w.post.as_str());
    assert_eq!(post["callout"]["id"], w.callout.as_str());
    assert_eq!(post["space"]["id"], w.green.as_str());
    let board = &found["framingResults"]["results"][0];
    assert_eq!(board["type"], "WHITEBOARD");
    assert_eq!(board["whiteboard"]["id"], w.board.as_str());
    assert_eq!(board["isContribution"], false);
    assert_eq!(board["callout"]["id"], w.board_callout.as_str());

    // users: registered callers find them, by name
    let found = search(&app, Some(&w.stranger), json!({"terms": ["ada"]})).await;
    assert_eq!(found["actorResults"]["results"][0]["type"], "USER");

    // a new space is found by the very next search
    let account = account_of(&app, &w.admin).await;
    let (fresh, _) = space(&app, &w.admin, &account, "Orchard Commons", Value::Null).await;
    let found = search(&app, None, json!({"terms": ["orchard"]})).await;
    assert_eq!(ids(&found["spaceResults"]), vec![fresh.clone()]);
    // and a deleted one is gone
    ok(
        &app,
        &w.admin,
        "mutation($id: UUID!) { deleteSpace(deleteData: { ID: $id }) { id } }",
        json!({"id": fresh}),
    )
    .await;
    let found = search(&app, None, json!({"terms": ["orchard"]})).await;
    assert_eq!(found["spaceResults"]["results"], json!([]));
}

async fn search_filters_pages_and_validates(backend: Backend) {
    let app = spawn_app(backend).await;
    let w = world(&app).await;

    // within Green City: its subspace and content, not Secret Lab; contributors only its members
    let d = json!({"terms": ["green", "parks", "secret", "ada", "stranger", "rain"], "searchInSpaceFilter": w.green});
    let found = search(&app, Some(&w.admin), d).await;
    let spaces = ids(&found["spaceResults"]);
    assert!(
        spaces.contains(&w.green) && spaces.contains(&w.parks),
        "{found}"
    );
    assert!(!spaces.contains(&w.lab), "{found}");
    let actors: Vec<String> = found["actorResults"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["user"]["profile"]["displayName"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert!(actors.iter().any(|a| a.contains("ada")), "{actors:?}");
    assert!(!actors.iter().any(|a| a.contains("stranger")), "{actors:?}");
    assert_eq!(ids(&found["calloutResults"]), vec![w.callout.clone()]);
    let d = json!({"terms": ["rain"], "searchInSpaceFilter": w.lab});
    let found = search(&app, Some(&w.admin), d).await;
    assert_eq!(found["calloutResults"]["results"], json!([]));

    // folding: a post's match brings up its callout, once, and a framing whiteboard's its own
    let d = json!({"terms": ["bioswales"], "foldCalloutResources": true,
        "filters": [{"category": "COLLABORATION_TOOLS", "size": 10}]});
    let found = search(&app, Some(&w.member), d).await;
    let folded = ids(&found["calloutResults"]);
    assert!(folded.contains(&w.callout), "{found}");
    assert_eq!(
        folded.iter().filter(|id| **id == w.callout).count(),
        1,
        "{found}"
    );
    assert!(folded.contains(&w.board_callout), "{found}");
    // without folding only the callouts' own profiles match
    let d = json!({"terms": ["bioswales"], "filters": [{"category": "COLLABORATION_TOOLS"}]});
    let found = search(&app, Some(&w.member), d).await;
    assert_eq!(found["calloutResults"]["results"], json!([]));
    // asking one category leaves the others empty
    assert_eq!(found["spaceResults"]["results"], json!([]));

    // a flow-state filter: the callouts sit in the flow's first state
    let states = ok(
        &app,
        &w.admin,
        "query($id: UUID!) { lookup { space(ID: $id) { collaboration { innovationFlow { states { id displayName } currentState { id } } } } } }",
        json!({"id": w.green}),
    )
    .await;
    let flow = &states["lookup"]["space"]["collaboration"]["innovationFlow"];
    let current = flow["currentState"]["id"].as_str().unwrap().to_owned();
    let other = flow["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .find(|id| *id != current)
        .unwrap();
    let d = json!({"terms": ["gardens", "bioswales"], "searchInFlowStateFilter": current});
    let found = search(&app, Some(&w.member), d).await;
    assert!(
        ids(&found["calloutResults"]).contains(&w.callout),
        "{found}"
    );
    let d = json!({"terms": ["gardens", "bioswales"], "searchInFlowStateFilter": other});
    let found = search(&app, Some(&w.member), d).await;
    assert_eq!(found["calloutResults"]["results"], json!([]));

    // pages: one at a time, to the end; the total counts what the caller may see
    let d = json!({"terms": ["green", "secret", "parks"], "filters": [{"category": "SPACES", "size": 1}]});
    let first = search(&app, Some(&w.admin), d).await["spaceResults"].clone();
    assert_eq!(first["total"], 3.0);
    let mut seen = ids(&first);
    let mut cursor = first["cursor"].clone();
    while !cursor.is_null() {
        let d = json!({"terms": ["green", "secret", "parks"], "filters": [{"category": "SPACES", "size": 1, "cursor": cursor}]});
        let next = search(&app, Some(&w.admin), d).await["spaceResults"].clone();
        seen.extend(ids(&next));
        cursor = next["cursor"].clone();
    }
    seen.sort();
    let mut expected = vec![w.green.clone(), w.parks.clone(), w.lab.clone()];
    expected.sort();
    assert_eq!(seen, expected);
    // the member does not see the private subspace, in the results or the total
    let d = json!({"terms": ["green", "secret", "parks"], "filters": [{"category": "SPACES", "size": 5}]});
    let member = search(&app, Some(&w.stranger), d).await["spaceResults"].clone();
    assert_eq!(member["total"], 2.0);
    assert!(member["cursor"].is_null());

    // the reference's validation, writing nothing
    let cases = [
        json!({"terms": ["a","b","c","d","e","f","g","h","i","j","k"]}),
        json!({"terms": ["x"], "tagsetNames": ["a", "b", "c"]}),
        json!({"terms": ["x"], "filters": [{"category": "SPACES", "size": 30}, {"category": "CONTRIBUTORS", "size": 11}]}),
        json!({"terms": ["x"], "filters": [{"category": "SPACES", "size": -1}]}),
        json!({"terms": ["x"], "filters": [{"category": "SPACES", "cursor": "not-a-cursor"}]}),
    ];
    for d in cases {
        let refused = err(&app, &w.admin, SEARCH, json!({"d": d})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    let missing = err(
        &app,
        &w.admin,
        SEARCH,
        json!({"d": {"terms": ["x"], "searchInSpaceFilter": "00000000-0000-4000-8000-000000000000"}}),
    )
    .await;
    assert_reference_error(&missing, "ENTITY_NOT_FOUND", 10101);

    // the admin ingest: platform operations admins only; its task completes
    const INGEST: &str = "mutation { adminSearchIngestFromScratch }";
    let refused = err(&app, &w.member, INGEST, json!({})).await;
    assert_reference_error(&refused, "FORBIDDEN_POLICY", 11104);
    let task = ok(&app, &w.admin, INGEST, json!({})).await["adminSearchIngestFromScratch"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut status = Value::Null;
    for _ in 0..50 {
        status = ok(
            &app,
            &w.admin,
            "query($id: UUID!) { task(id: $id) { status results } }",
            json!({"id": task}),
        )
        .await["task"]
            .clone();
        if status["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "COMPLETED", "{status}");
    assert!(status["results"][0].as_str().unwrap().contains("indexed"));
}
