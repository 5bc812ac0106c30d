//! Links, whiteboards, memos and office documents over GraphQL, as callout framings and as contributions: creation with
//! their checks (kinds, data of the kind and no other, URI length, whiteboard content, NameIDs
//! shared with posts, the whiteboard template a callout taking whiteboards needs), their
//! policies (creators, content policies, guest sharing), updates and deletion, the activity
//! they log, lookups, profile URLs and the URL resolver.

use serde_json::{Value, json};

use crate::callouts::{CONTRIBUTE, add_post, callouts_set};
use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app};
use crate::on_both_backends;
use crate::spaces::{account_of, assign, err, ok, public, space};
use crate::storage::upload;

on_both_backends!(
    links_frame_and_contribute,
    whiteboards_are_drawn_and_shared,
    framing_content_changes_with_its_type,
    memos_are_written_and_kept,
    galleries_hold_images_and_videos,
    office_documents_frame_and_contribute
);

const SCENE: &str = r#"{"type":"excalidraw","version":2,"source":"test","elements":[{"id":"a","type":"rectangle"}],"appState":{"gridSize":null}}"#;
const EMPTY_SCENE: &str = r#"{"elements":[]}"#;

const CREATE: &str = "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) {
    id nameID framing { type profile { displayName }
      link { id uri profile { displayName url } authorization { myPrivileges } }
      whiteboard { id nameID content contentUpdatePolicy isMultiUser previewSettings { mode coordinates { x y width height } }
        profile { displayName url visuals { name } } authorization { myPrivileges } } }
    contributionDefaults { whiteboardContent } } }";
const ADD: &str = "mutation($d: CreateContributionOnCalloutInput!) { createContributionOnCallout(contributionData: $d) {
    id createdBy { id } post { id }
    link { id uri profile { displayName url } authorization { myPrivileges } }
    whiteboard { id nameID content contentUpdatePolicy isMultiUser guestContributionsAllowed createdBy { id }
      previewSettings { mode } profile { displayName url } authorization { myPrivileges } } } }";
const CALLOUT: &str = "query($k: UUID!) { lookup { callout(ID: $k) {
    framing { type link { id uri } whiteboard { id content previewSettings { mode coordinates { x y width height } } } }
    contributionsCount { link whiteboard post }
    contributions { id link { id uri } whiteboard { id nameID } } } } }";
const LOG: &str =
    "query($c: UUID!) { activityLogOnCollaboration(queryData: { collaborationID: $c, limit: 10 }) {
    type description
    ... on ActivityLogEntryCalloutLinkCreated { callout { nameID } link { uri } }
    ... on ActivityLogEntryCalloutWhiteboardCreated { callout { nameID } whiteboard { nameID } } } }";
const WHITEBOARD: &str = "query($w: UUID!) { lookup { whiteboard(ID: $w) { id nameID content contentUpdatePolicy
    guestContributionsAllowed authorization { myPrivileges } } myPrivileges { whiteboard(ID: $w) } } }";

fn has(v: &Value, privilege: &str) -> bool {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .any(|p| p == privilege)
}

async fn callout(app: &TestApp, token: &str, d: Value) -> Value {
    ok(app, token, CREATE, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone()
}

async fn count_callouts(app: &TestApp, token: &str, s: &str) -> usize {
    ok(
        app,
        token,
        "query($s: UUID!) { lookup { space(ID: $s) { collaboration { calloutsSet { callouts { id } } } } } }",
        json!({"s": s}),
    )
    .await["lookup"]["space"]["collaboration"]["calloutsSet"]["callouts"]
        .as_array()
        .unwrap()
        .len()
}

async fn read_callout(app: &TestApp, token: &str, k: &str) -> Value {
    ok(app, token, CALLOUT, json!({"k": k})).await["lookup"]["callout"].clone()
}

async fn links_frame_and_contribute(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (other, other_token) = app.user_with_token("other@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Link Farm", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    assign(&app, &admin, &roles, "MEMBER", other.id).await;
    let (c, set) = callouts_set(&app, &admin, &s).await;

    // a callout framed by a link
    let d = json!({"calloutsSetID": set, "framing": {"type": "LINK", "profile": {"displayName": "Read this"},
        "link": {"uri": "https://alkem.io/about", "profile": {"displayName": "About us"}}}});
    let framed = callout(&app, &admin, d).await;
    let link = &framed["framing"]["link"];
    assert_eq!(framed["framing"]["type"], "LINK");
    assert_eq!(link["uri"], "https://alkem.io/about");
    assert_eq!(link["profile"]["displayName"], "About us");
    assert_eq!(
        link["profile"]["url"],
        "http://localhost:3000/linkfarm/collaboration/readthis"
    );
    // the reference gives a framing's link no rules, so nobody may change it: here its
    // callout's admins may
    assert!(has(&link["authorization"]["myPrivileges"], "UPDATE"));
    let framing_link = link["id"].as_str().unwrap().to_owned();

    // a LINK framing needs its link; a NONE framing takes none; nothing is written
    let before = count_callouts(&app, &admin, &s).await;
    for d in [
        json!({"calloutsSetID": set, "framing": {"type": "LINK", "profile": {"displayName": "Bare"}}}),
        json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Extra"},
            "link": {"uri": "https://x.org", "profile": {"displayName": "X"}}}}),
        json!({"calloutsSetID": set, "framing": {"type": "LINK", "profile": {"displayName": "Long"},
            "link": {"uri": format!("https://x.org/{}", "a".repeat(600)), "profile": {"displayName": "X"}}}}),
    ] {
        let refused = err(&app, &admin, crate::callouts::CREATE, json!({"d": d})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    assert_eq!(
        count_callouts(&app, &admin, &s).await,
        before,
        "nothing written"
    );

    // a callout taking links: members contribute them
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Useful sites"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["LINK"]}}});
    let sites = callout(&app, &admin, d).await;
    let k = sites["id"].as_str().unwrap().to_owned();
    let d = json!({"calloutID": k, "type": "LINK",
        "link": {"uri": "https://rust-lang.org", "profile": {"displayName": "Rust"}}});
    let added =
        ok(&app, &member_token, ADD, json!({"d": d})).await["createContributionOnCallout"].clone();
    assert_eq!(added["createdBy"]["id"], member.id.to_string());
    assert!(added["post"].is_null());
    let l = &added["link"];
    assert_eq!(l["uri"], "https://rust-lang.org");
    assert_eq!(
        l["profile"]["url"],
        "http://localhost:3000/linkfarm/collaboration/usefulsites"
    );
    let mine = &l["authorization"]["myPrivileges"];
    assert!(has(mine, "UPDATE") && has(mine, "DELETE"), "{mine}");
    let link_id = l["id"].as_str().unwrap().to_owned();

    // a link contribution without its link, with a post's data too, or of a kind not taken
    for d in [
        json!({"calloutID": k, "type": "LINK"}),
        json!({"calloutID": k, "type": "LINK", "link": {"uri": "https://a.org", "profile": {"displayName": "A"}},
            "post": {"profileData": {"displayName": "Also"}}}),
        json!({"calloutID": k, "type": "POST", "post": {"profileData": {"displayName": "Post"}}}),
    ] {
        let refused = err(&app, &member_token, CONTRIBUTE, json!({"d": d})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["contributionsCount"]["link"], 1.0, "{read}");

    // its creator updates it; another member may not; an over-long URI is refused
    const UPDATE: &str = "mutation($d: UpdateLinkInput!) { updateLink(linkData: $d) { id uri profile { displayName } } }";
    let updated = ok(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": link_id, "uri": "https://www.rust-lang.org", "profile": {"displayName": "Rust home"}}}),
    )
    .await;
    assert_eq!(updated["updateLink"]["uri"], "https://www.rust-lang.org");
    assert_eq!(updated["updateLink"]["profile"]["displayName"], "Rust home");
    let denied = err(
        &app,
        &other_token,
        UPDATE,
        json!({"d": {"ID": link_id, "uri": "https://evil.org"}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let long = err(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": link_id, "uri": "a".repeat(513), "profile": {"displayName": "Renamed"}}}),
    )
    .await;
    assert_reference_error(&long, "BAD_USER_INPUT", 12101);
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(
        read["contributions"][0]["link"]["uri"],
        "https://www.rust-lang.org"
    );

    // a file uploaded to the link becomes what it points at: its creator may, others may not
    const UPLOAD: &str = "mutation($file: Upload!, $l: String!) { uploadFileOnLink(file: $file, uploadData: { linkID: $l }) { id uri } }";
    let pdf = b"%PDF-1.4 a tiny document".to_vec();
    let (_, body) = upload(
        &app,
        &other_token,
        UPLOAD,
        json!({"l": link_id}),
        pdf.clone(),
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (status, body) = upload(
        &app,
        &member_token,
        UPLOAD,
        json!({"l": link_id}),
        pdf.clone(),
        "application/pdf",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let uri = body["data"]["uploadFileOnLink"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    assert!(uri.contains("/api/private/rest/storage/document/"), "{uri}");
    let path = uri.trim_start_matches("http://localhost:3000");
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

    // the contribution is logged
    let log =
        ok(&app, &member_token, LOG, json!({"c": c})).await["activityLogOnCollaboration"].clone();
    assert_eq!(log[0]["type"], "CALLOUT_LINK_CREATED", "{log}");
    assert_eq!(log[0]["callout"]["nameID"], "usefulsites");
    assert_eq!(log[0]["description"], "[Useful sites] - Rust");

    // deleting the link takes its contribution: another member may not, its creator may
    const DELETE: &str = "mutation($d: DeleteLinkInput!) { deleteLink(deleteData: $d) { id } }";
    let denied = err(&app, &other_token, DELETE, json!({"d": {"ID": link_id}})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &member_token, DELETE, json!({"d": {"ID": link_id}})).await;
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["contributions"], json!([]), "{read}");

    // the framing's link is changed through its callout, and only its own link
    const UPDATE_CALLOUT: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) { id } }";
    let fk = framed["id"].as_str().unwrap();
    ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": fk, "framing": {"link": {"ID": framing_link, "uri": "https://alkem.io/team"}}}}),
    )
    .await;
    assert_eq!(
        read_callout(&app, &admin, fk).await["framing"]["link"]["uri"],
        "https://alkem.io/team"
    );
    let wrong = err(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": fk, "framing": {"link": {"ID": link_id, "uri": "https://x.org"},
            "profile": {"displayName": "Renamed"}}}}),
    )
    .await;
    assert_reference_error(&wrong, "BAD_USER_INPUT", 12101);
    let read = read_callout(&app, &admin, fk).await;
    assert_eq!(
        read["framing"]["link"]["uri"], "https://alkem.io/team",
        "nothing written"
    );
}

async fn whiteboards_are_drawn_and_shared(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (other, other_token) = app.user_with_token("other@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let guests = json!({"privacy": {"mode": "PUBLIC"}, "collaboration": {"inheritMembershipRights": true,
        "allowEventsFromSubspaces": true, "allowGuestContributions": true, "allowMembersToCreateCallouts": false,
        "allowMembersToCreateSubspaces": false, "allowMembersToVideoCall": false}});
    let (s, roles) = space(&app, &admin, &account, "Drawing Room", guests).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    assign(&app, &admin, &roles, "MEMBER", other.id).await;
    let (c, set) = callouts_set(&app, &admin, &s).await;

    // a callout taking whiteboards needs the scene they start from
    let mut d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Sketches"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["WHITEBOARD", "POST"]}}});
    let refused = err(&app, &admin, crate::callouts::CREATE, json!({"d": d})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    d["contributionDefaults"] = json!({"whiteboardContent": EMPTY_SCENE});
    let sketches = callout(&app, &admin, d).await;
    assert_eq!(
        sketches["contributionDefaults"]["whiteboardContent"],
        EMPTY_SCENE
    );
    let k = sketches["id"].as_str().unwrap().to_owned();

    // content that is not an Excalidraw scene is refused
    for bad in [
        "not json",
        r#"{"elements": 3}"#,
        r#"[1,2]"#,
        r#"{"elements":[],"source":5}"#,
    ] {
        let d = json!({"calloutID": k, "type": "WHITEBOARD", "whiteboard": {"content": bad}});
        let refused = err(&app, &member_token, ADD, json!({"d": d})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    // a member draws one
    let d = json!({"calloutID": k, "type": "WHITEBOARD", "whiteboard": {"content": SCENE,
        "profile": {"displayName": "Floor plan"}, "previewSettings": {"mode": "FIXED"}}});
    let added =
        ok(&app, &member_token, ADD, json!({"d": d})).await["createContributionOnCallout"].clone();
    let w = &added["whiteboard"];
    assert_eq!(w["nameID"], "floorplan");
    assert_eq!(w["content"], SCENE);
    assert_eq!(w["contentUpdatePolicy"], "CONTRIBUTORS");
    assert_eq!(w["isMultiUser"], false);
    assert_eq!(w["guestContributionsAllowed"], false);
    assert_eq!(w["createdBy"]["id"], member.id.to_string());
    assert_eq!(w["previewSettings"]["mode"], "FIXED");
    assert_eq!(
        w["profile"]["url"],
        "http://localhost:3000/drawingroom/collaboration/sketches/whiteboards/floorplan"
    );
    let mine = &w["authorization"]["myPrivileges"];
    for p in [
        "READ",
        "UPDATE",
        "UPDATE_CONTENT",
        "CONTRIBUTE",
        "DELETE",
        "PUBLIC_SHARE",
    ] {
        assert!(has(mine, p), "{p} missing: {mine}");
    }
    let wid = w["id"].as_str().unwrap().to_owned();

    // NameIDs are shared with the callout's posts
    add_post(&app, &other_token, &k, "Notes").await;
    let d = json!({"calloutID": k, "type": "WHITEBOARD", "whiteboard": {"nameID": "notes"}});
    let taken = err(&app, &member_token, ADD, json!({"d": d})).await;
    assert_reference_error(&taken, "BAD_USER_INPUT", 12101);

    // a contributor changes the content under the CONTRIBUTORS policy; under OWNER only the
    // owner does; a stranger cannot read it
    let seen = ok(&app, &other_token, WHITEBOARD, json!({"w": wid})).await;
    assert!(has(
        &seen["lookup"]["myPrivileges"]["whiteboard"],
        "UPDATE_CONTENT"
    ));
    assert!(!has(
        &seen["lookup"]["myPrivileges"]["whiteboard"],
        "DELETE"
    ));
    assert_eq!(seen["lookup"]["whiteboard"]["content"], SCENE);
    const UPDATE: &str = "mutation($d: UpdateWhiteboardEntityInput!) { updateWhiteboard(whiteboardData: $d) {
        nameID contentUpdatePolicy previewSettings { mode coordinates { x y width height } } profile { displayName } } }";
    let denied = err(
        &app,
        &other_token,
        UPDATE,
        json!({"d": {"ID": wid, "contentUpdatePolicy": "OWNER"}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let updated = ok(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": wid, "contentUpdatePolicy": "OWNER", "nameID": "plan-b",
            "previewSettings": {"mode": "CUSTOM", "coordinates": {"x": 1, "y": 2, "width": 30, "height": 40}},
            "profile": {"displayName": "Plan B"}}}),
    )
    .await["updateWhiteboard"]
        .clone();
    assert_eq!(updated["contentUpdatePolicy"], "OWNER");
    assert_eq!(
        updated["nameID"], "plan-b",
        "the reference ignores a new NameID"
    );
    assert_eq!(
        updated["previewSettings"],
        json!({"mode": "CUSTOM", "coordinates": {"x": 1.0, "y": 2.0, "width": 30.0, "height": 40.0}})
    );
    let seen = ok(&app, &other_token, WHITEBOARD, json!({"w": wid})).await;
    assert!(!has(
        &seen["lookup"]["myPrivileges"]["whiteboard"],
        "UPDATE_CONTENT"
    ));
    let mine = ok(&app, &member_token, WHITEBOARD, json!({"w": wid})).await;
    assert!(has(
        &mine["lookup"]["myPrivileges"]["whiteboard"],
        "UPDATE_CONTENT"
    ));
    let taken = err(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": wid, "nameID": "notes"}}),
    )
    .await;
    assert_reference_error(&taken, "BAD_USER_INPUT", 12101);

    // the URL resolver finds it
    let resolved = ok(
        &app,
        &other_token,
        "query($u: String!) { urlResolver(url: $u) { type space { collaboration { calloutsSet {
            type calloutId contributionId whiteboardId } } } } }",
        json!({"u": "http://localhost:3000/drawingroom/collaboration/sketches/whiteboards/plan-b"}),
    )
    .await["urlResolver"]
        .clone();
    let r = &resolved["space"]["collaboration"]["calloutsSet"];
    assert_eq!(r["type"], "CONTRIBUTION_WHITEBOARD", "{resolved}");
    assert_eq!(r["whiteboardId"], wid);
    assert_eq!(r["contributionId"], added["id"]);

    // sharing with guests: its owner may, another member may not; then registered users who
    // are not members read and edit it
    const SHARE: &str = "mutation($w: UUID!, $on: Boolean!) { updateWhiteboardGuestAccess(input: { whiteboardId: $w, guestAccessEnabled: $on }) {
        success whiteboard { guestContributionsAllowed } } }";
    let denied = err(&app, &other_token, SHARE, json!({"w": wid, "on": true})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let shared = ok(&app, &member_token, SHARE, json!({"w": wid, "on": true})).await;
    assert_eq!(
        shared["updateWhiteboardGuestAccess"],
        json!({"success": true, "whiteboard": {"guestContributionsAllowed": true}})
    );
    let seen = ok(&app, &stranger, WHITEBOARD, json!({"w": wid})).await;
    assert!(has(
        &seen["lookup"]["myPrivileges"]["whiteboard"],
        "UPDATE_CONTENT"
    ));
    ok(&app, &member_token, SHARE, json!({"w": wid, "on": false})).await;
    let seen = ok(&app, &stranger, WHITEBOARD, json!({"w": wid})).await;
    assert_eq!(
        seen["lookup"]["whiteboard"]["guestContributionsAllowed"],
        false
    );
    assert!(!has(
        &seen["lookup"]["myPrivileges"]["whiteboard"],
        "UPDATE_CONTENT"
    ));

    // logged, then deleted with its contribution by its owner
    let log =
        ok(&app, &member_token, LOG, json!({"c": c})).await["activityLogOnCollaboration"].clone();
    let drawn: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "CALLOUT_WHITEBOARD_CREATED")
        .collect();
    assert_eq!(drawn.len(), 1, "{log}");
    assert_eq!(drawn[0]["whiteboard"]["nameID"], "plan-b");
    assert_eq!(drawn[0]["description"], "[Floor plan]");
    const DELETE: &str =
        "mutation($w: UUID!) { deleteWhiteboard(whiteboardData: { ID: $w }) { id } }";
    let denied = err(&app, &other_token, DELETE, json!({"w": wid})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &member_token, DELETE, json!({"w": wid})).await;
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["contributionsCount"]["whiteboard"], 0.0, "{read}");
    assert_eq!(read["contributionsCount"]["post"], 1.0, "{read}");
    let gone = err(&app, &admin, WHITEBOARD, json!({"w": wid})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

async fn framing_content_changes_with_its_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Board Room", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;

    // a callout framed by a whiteboard
    let d = json!({"calloutsSetID": set, "framing": {"type": "WHITEBOARD", "profile": {"displayName": "Big picture"},
        "whiteboard": {"content": SCENE, "profile": {"displayName": "Site map"}}}});
    let framed = callout(&app, &admin, d).await;
    let w = &framed["framing"]["whiteboard"];
    assert_eq!(framed["framing"]["type"], "WHITEBOARD");
    assert_eq!(w["content"], SCENE);
    assert_eq!(
        w["previewSettings"],
        json!({"mode": "AUTO", "coordinates": null})
    );
    assert_eq!(
        w["profile"]["url"],
        "http://localhost:3000/boardroom/collaboration/bigpicture/sitemap"
    );
    let visuals: Vec<&str> = w["profile"]["visuals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(visuals, ["CARD", "WHITEBOARD_PREVIEW"]);
    let k = framed["id"].as_str().unwrap().to_owned();
    let first = w["id"].as_str().unwrap().to_owned();
    // members read it and, by default, change its content; they do not delete it
    let seen = ok(&app, &member_token, WHITEBOARD, json!({"w": first})).await;
    let p = &seen["lookup"]["myPrivileges"]["whiteboard"];
    assert!(
        has(p, "READ") && has(p, "UPDATE_CONTENT") && !has(p, "DELETE"),
        "{p}"
    );

    // its content and preview settings change through the callout
    const UPDATE_CALLOUT: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) { id } }";
    ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"whiteboardContent": EMPTY_SCENE,
            "whiteboardPreviewSettings": {"mode": "CUSTOM", "coordinates": {"x": 0, "y": 0, "width": 10, "height": 5}}}}}),
    )
    .await;
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["framing"]["whiteboard"]["id"], first);
    assert_eq!(read["framing"]["whiteboard"]["content"], EMPTY_SCENE);
    assert_eq!(
        read["framing"]["whiteboard"]["previewSettings"]["mode"],
        "CUSTOM"
    );
    // bad content is refused and writes nothing
    let bad = err(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"whiteboardContent": "{}"}}}),
    )
    .await;
    assert_reference_error(&bad, "BAD_USER_INPUT", 12101);
    // a member may not change the callout
    let denied = err(
        &app,
        &member_token,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"whiteboardContent": SCENE}}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // to LINK: the link is needed, the whiteboard goes
    let refused = err(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"type": "LINK"}}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    assert_eq!(
        read_callout(&app, &admin, &k).await["framing"]["type"],
        "WHITEBOARD",
        "nothing written"
    );
    ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"type": "LINK",
            "link": {"ID": "00000000-0000-0000-0000-000000000000", "uri": "https://alkem.io", "profile": {"displayName": "Home"}}}}}),
    )
    .await;
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["framing"]["type"], "LINK");
    assert_eq!(read["framing"]["link"]["uri"], "https://alkem.io");
    assert!(read["framing"]["whiteboard"].is_null());
    let gone = err(&app, &admin, WHITEBOARD, json!({"w": first})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);

    // to NONE: the link goes too; a poll is made only with its callout; documents are not
    // supported here yet
    ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"type": "NONE"}}}),
    )
    .await;
    let read = read_callout(&app, &admin, &k).await;
    assert_eq!(read["framing"]["type"], "NONE");
    assert!(read["framing"]["link"].is_null());
    let no_poll = err(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"type": "POLL"}}}),
    )
    .await;
    assert_reference_error(&no_poll, "BAD_USER_INPUT", 12101);
    let no_document = err(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": k, "framing": {"type": "COLLABORA_DOCUMENT"}}}),
    )
    .await;
    assert_reference_error(&no_document, "BAD_USER_INPUT", 12101);

    // deleting the callout removes what its framing held
    let d = json!({"calloutsSetID": set, "framing": {"type": "WHITEBOARD", "profile": {"displayName": "Doomed"},
        "whiteboard": {"content": SCENE}}});
    let doomed = callout(&app, &admin, d).await;
    let wd = doomed["framing"]["whiteboard"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(doomed["framing"]["whiteboard"]["nameID"], "whiteboard");
    ok(
        &app,
        &admin,
        "mutation($k: UUID!) { deleteCallout(deleteData: { ID: $k }) { id } }",
        json!({"k": doomed["id"]}),
    )
    .await;
    let gone = err(&app, &admin, WHITEBOARD, json!({"w": wd})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

const MEMO: &str =
    "query($m: UUID!) { lookup { memo(ID: $m) { id nameID markdown contentUpdatePolicy isMultiUser
    createdBy { id } profile { displayName url } authorization { myPrivileges } } } }";

async fn memos_are_written_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (other, other_token) = app.user_with_token("other@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Note Book", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    assign(&app, &admin, &roles, "MEMBER", other.id).await;
    let (c, set) = callouts_set(&app, &admin, &s).await;

    // a callout taking memos; a memo contribution needs its memo
    let d = json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Minutes"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["MEMO"]}}});
    let k = callout(&app, &admin, d).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bare = err(
        &app,
        &member_token,
        ADD,
        json!({"d": {"calloutID": k, "type": "MEMO"}}),
    )
    .await;
    assert_reference_error(&bare, "BAD_USER_INPUT", 12101);
    const ADD_MEMO: &str = "mutation($d: CreateContributionOnCalloutInput!) { createContributionOnCallout(contributionData: $d) {
        id memo { id nameID markdown contentUpdatePolicy createdBy { id } profile { displayName url } } } }";
    let d = json!({"calloutID": k, "type": "MEMO",
        "memo": {"markdown": "# Plan\n\nFirst steps", "profile": {"displayName": "Meeting notes"}}});
    let added =
        ok(&app, &member_token, ADD_MEMO, json!({"d": d})).await["createContributionOnCallout"]
            .clone();
    let m = &added["memo"];
    assert_eq!(m["nameID"], "meetingnotes");
    assert_eq!(m["markdown"], "# Plan\n\nFirst steps");
    assert_eq!(m["contentUpdatePolicy"], "CONTRIBUTORS");
    assert_eq!(m["createdBy"]["id"], member.id.to_string());
    assert_eq!(
        m["profile"]["url"],
        "http://localhost:3000/notebook/collaboration/minutes/memos/meetingnotes"
    );
    let mid = m["id"].as_str().unwrap().to_owned();

    // another member reads it and, under CONTRIBUTORS, edits its content, but does not delete
    // it or change it
    let seen = ok(&app, &other_token, MEMO, json!({"m": mid})).await["lookup"]["memo"].clone();
    assert_eq!(seen["markdown"], "# Plan\n\nFirst steps");
    assert!(seen["isMultiUser"].is_boolean());
    let p = &seen["authorization"]["myPrivileges"];
    assert!(
        has(p, "UPDATE_CONTENT") && !has(p, "DELETE") && !has(p, "UPDATE"),
        "{p}"
    );
    const UPDATE: &str = "mutation($d: UpdateMemoEntityInput!) { updateMemo(memoData: $d) { contentUpdatePolicy profile { displayName } } }";
    let denied = err(
        &app,
        &other_token,
        UPDATE,
        json!({"d": {"ID": mid, "contentUpdatePolicy": "OWNER"}}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let updated = ok(
        &app,
        &member_token,
        UPDATE,
        json!({"d": {"ID": mid, "contentUpdatePolicy": "OWNER", "profile": {"displayName": "Notes of the meeting"}}}),
    )
    .await["updateMemo"]
        .clone();
    assert_eq!(
        updated,
        json!({"contentUpdatePolicy": "OWNER", "profile": {"displayName": "Notes of the meeting"}})
    );
    let seen = ok(&app, &other_token, MEMO, json!({"m": mid})).await["lookup"]["memo"].clone();
    assert!(!has(
        &seen["authorization"]["myPrivileges"],
        "UPDATE_CONTENT"
    ));

    // logged, found by its URL, deleted with its contribution by its owner
    let log = ok(
        &app,
        &member_token,
        "query($c: UUID!) { activityLogOnCollaboration(queryData: { collaborationID: $c, limit: 10 }) {
            type description ... on ActivityLogEntryCalloutMemoCreated { callout { nameID } memo { nameID } } } }",
        json!({"c": c}),
    )
    .await["activityLogOnCollaboration"]
        .clone();
    assert_eq!(log[0]["type"], "CALLOUT_MEMO_CREATED", "{log}");
    assert_eq!(log[0]["description"], "[Meeting notes]");
    assert_eq!(log[0]["memo"]["nameID"], "meetingnotes");
    let resolved = ok(
        &app,
        &other_token,
        "query($u: String!) { urlResolver(url: $u) { space { collaboration { calloutsSet { type memoId contributionId } } } } }",
        json!({"u": "http://localhost:3000/notebook/collaboration/minutes/memos/meetingnotes"}),
    )
    .await;
    let r = &resolved["urlResolver"]["space"]["collaboration"]["calloutsSet"];
    assert_eq!(r["type"], "CONTRIBUTION_MEMO", "{resolved}");
    assert_eq!(r["memoId"], mid);
    assert_eq!(r["contributionId"], added["id"]);
    const DELETE: &str = "mutation($m: UUID!) { deleteMemo(memoData: { ID: $m }) { id } }";
    let denied = err(&app, &other_token, DELETE, json!({"m": mid})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &member_token, DELETE, json!({"m": mid})).await;
    assert_eq!(
        read_callout(&app, &admin, &k).await["contributions"],
        json!([])
    );

    // a callout framed by a memo: its text changes through the callout (the reference makes
    // a new, empty memo instead); leaving MEMO removes it
    const CREATE_MEMO: &str = "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) {
        id framing { type memo { id markdown profile { url } } } } }";
    let d = json!({"calloutsSetID": set, "framing": {"type": "MEMO", "profile": {"displayName": "Agenda"},
        "memo": {"markdown": "1. Welcome"}}});
    let framed =
        ok(&app, &admin, CREATE_MEMO, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone();
    assert_eq!(framed["framing"]["memo"]["markdown"], "1. Welcome");
    assert!(
        framed["framing"]["memo"]["profile"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://localhost:3000/notebook/collaboration/agenda/memo"),
        "{framed}"
    );
    let fk = framed["id"].as_str().unwrap();
    let fm = framed["framing"]["memo"]["id"].as_str().unwrap().to_owned();
    const UPDATE_CALLOUT: &str =
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) {
        framing { type memo { id markdown } } } }";
    let changed = ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": fk, "framing": {"memoContent": "1. Welcome\n2. Budget"}}}),
    )
    .await["updateCallout"]["framing"]
        .clone();
    assert_eq!(
        changed["memo"],
        json!({"id": fm, "markdown": "1. Welcome\n2. Budget"})
    );
    let wrong = err(
        &app,
        &admin,
        crate::callouts::CREATE,
        json!({"d": {"calloutsSetID": set, "framing": {"type": "MEMO", "profile": {"displayName": "No memo"}}}}),
    )
    .await;
    assert_reference_error(&wrong, "BAD_USER_INPUT", 12101);
    let none = ok(
        &app,
        &admin,
        UPDATE_CALLOUT,
        json!({"d": {"ID": fk, "framing": {"type": "NONE"}}}),
    )
    .await["updateCallout"]["framing"]
        .clone();
    assert_eq!(none, json!({"type": "NONE", "memo": null}));
    let gone = err(&app, &admin, MEMO, json!({"m": fm})).await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

const GALLERY: &str = "query($k: UUID!) { lookup { callout(ID: $k) { framing { type mediaGallery { id createdBy
    storageBucket { allowedMimeTypes } visuals { id name uri sortOrder authorization { myPrivileges } } } } } } }";

async fn galleries_hold_images_and_videos(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin_user, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Photo Wall", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let d = json!({"calloutsSetID": set, "framing": {"type": "MEDIA_GALLERY", "profile": {"displayName": "Snapshots"}}});
    let k = callout(&app, &admin, d).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = ok(&app, &member_token, GALLERY, json!({"k": k})).await;
    let g = read["lookup"]["callout"]["framing"]["mediaGallery"].clone();
    assert_eq!(g["createdBy"], admin_user.id.to_string());
    assert_eq!(g["visuals"], json!([]));
    let types = &g["storageBucket"]["allowedMimeTypes"];
    assert!(
        has(types, "image/png") && has(types, "video/mp4"),
        "{types}"
    );
    let gid = g["id"].as_str().unwrap().to_owned();

    // its creator (and admins) add images and videos, in order; members may not; other kinds
    // of visual are refused (the reference takes any)
    const ADD: &str = "mutation($g: String!, $t: VisualType!) { addVisualToMediaGallery(addData: {
        mediaGalleryID: $g, visualType: $t }) { id name sortOrder uri } }";
    let first = ok(
        &app,
        &admin,
        ADD,
        json!({"g": gid, "t": "MEDIA_GALLERY_IMAGE"}),
    )
    .await["addVisualToMediaGallery"]
        .clone();
    assert_eq!(first["sortOrder"], 1.0);
    assert_eq!(first["uri"], "");
    let second = ok(
        &app,
        &admin,
        ADD,
        json!({"g": gid, "t": "MEDIA_GALLERY_VIDEO"}),
    )
    .await["addVisualToMediaGallery"]
        .clone();
    assert_eq!(second["sortOrder"], 2.0);
    let refused = err(&app, &admin, ADD, json!({"g": gid, "t": "AVATAR"})).await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let denied = err(
        &app,
        &member_token,
        ADD,
        json!({"g": gid, "t": "MEDIA_GALLERY_IMAGE"}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);

    // members upload onto them: an image is measured, a video is not
    const UPLOAD: &str = "mutation($file: Upload!, $v: String!) { uploadImageOnVisual(file: $file, uploadData: {visualID: $v}) { id uri } }";
    let (status, body) = upload(
        &app,
        &member_token,
        UPLOAD,
        json!({"v": first["id"]}),
        crate::storage::png(640, 480),
        "image/png",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["data"]["uploadImageOnVisual"]["uri"]
            .as_str()
            .is_some_and(|u| u.contains("/api/private/rest/storage/document/")),
        "{body}"
    );
    let (status, body) = upload(
        &app,
        &member_token,
        UPLOAD,
        json!({"v": second["id"]}),
        b"\x00\x00\x00\x18ftypmp42 not really a film".to_vec(),
        "video/mp4",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");

    // removing one keeps the other; a visual of another gallery is not found there
    const DELETE: &str =
        "mutation($g: String!, $v: String!) { deleteVisualFromMediaGallery(deleteData: {
        mediaGalleryID: $g, visualID: $v }) { id } }";
    let denied = err(
        &app,
        &member_token,
        DELETE,
        json!({"g": gid, "v": first["id"]}),
    )
    .await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    ok(&app, &admin, DELETE, json!({"g": gid, "v": first["id"]})).await;
    let again = err(&app, &admin, DELETE, json!({"g": gid, "v": first["id"]})).await;
    assert_reference_error(&again, "ENTITY_NOT_FOUND", 10101);
    let read = ok(&app, &admin, GALLERY, json!({"k": k})).await;
    let visuals = &read["lookup"]["callout"]["framing"]["mediaGallery"]["visuals"];
    assert_eq!(visuals.as_array().unwrap().len(), 1, "{visuals}");
    assert_eq!(visuals[0]["id"], second["id"]);
    assert_eq!(visuals[0]["name"], "MEDIA_GALLERY_VIDEO");

    // another framing kind removes the gallery
    ok(
        &app,
        &admin,
        "mutation($d: UpdateCalloutEntityInput!) { updateCallout(calloutData: $d) { id } }",
        json!({"d": {"ID": k, "framing": {"type": "NONE"}}}),
    )
    .await;
    let read = ok(&app, &admin, GALLERY, json!({"k": k})).await;
    assert!(read["lookup"]["callout"]["framing"]["mediaGallery"].is_null());
    let gone = err(
        &app,
        &admin,
        ADD,
        json!({"g": gid, "t": "MEDIA_GALLERY_IMAGE"}),
    )
    .await;
    assert_reference_error(&gone, "ENTITY_NOT_FOUND", 10101);
}

const DOC_CALLOUT: &str =
    "mutation($d: CreateCalloutOnCalloutsSetInput!) { createCalloutOnCalloutsSet(calloutData: $d) {
    id framing { type collaboraDocument { id documentType createdBy { id } profile { displayName }
        authorization { myPrivileges } } } } }";
const DOC_READ: &str = "query($c: UUID!) { lookup { callout(ID: $c) {
    framing { type collaboraDocument { id documentType profile { displayName } } }
    contributionsCount { collaboraDocument }
    contributions { id collaboraDocument { documentType profile { displayName } } } } } }";

async fn office_documents_frame_and_contribute(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let account = account_of(&app, &admin).await;
    let (s, roles) = space(&app, &admin, &account, "Office", public()).await;
    assign(&app, &admin, &roles, "MEMBER", member.id).await;
    let (_, set) = callouts_set(&app, &admin, &s).await;
    let before = crate::deletion::row_counts(&app).await;

    // a framing document needs its name and kind
    for bad in [
        json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Budget"}}}),
        json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Budget"},
            "collaboraDocument": {"displayName": "Budget 2027"}}}),
    ] {
        let refused = err(&app, &admin, DOC_CALLOUT, json!({"d": bad})).await;
        assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    }
    assert_eq!(before, crate::deletion::row_counts(&app).await);
    let d = json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Budget"},
        "collaboraDocument": {"displayName": "Budget 2027", "documentType": "SPREADSHEET"}},
        "settings": {"contribution": {"enabled": true, "allowedTypes": ["COLLABORA_DOCUMENT"]}}});
    let callout =
        ok(&app, &admin, DOC_CALLOUT, json!({"d": d})).await["createCalloutOnCalloutsSet"].clone();
    let doc = &callout["framing"]["collaboraDocument"];
    assert_eq!(callout["framing"]["type"], "COLLABORA_DOCUMENT");
    assert_eq!(doc["documentType"], "SPREADSHEET");
    assert_eq!(doc["profile"]["displayName"], "Budget 2027");
    assert!(doc["createdBy"]["id"].is_string());
    let doc_id = doc["id"].clone();

    // members contribute documents of their own; a post is not what this callout takes
    let contribute = |kind: &str, doc: Value| json!({"d": {"calloutID": callout["id"], "type": kind, "collaboraDocument": doc}});
    let made = ok(
        &app,
        &member_token,
        CONTRIBUTE,
        contribute(
            "COLLABORA_DOCUMENT",
            json!({"displayName": "Notes", "documentType": "WORDPROCESSING"}),
        ),
    )
    .await;
    assert!(made["createContributionOnCallout"]["id"].is_string());
    let refused = err(
        &app,
        &member_token,
        CONTRIBUTE,
        json!({"d": {"calloutID": callout["id"], "type": "POST", "post": {"profileData": {"displayName": "x"}}}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let read =
        ok(&app, &member_token, DOC_READ, json!({"c": callout["id"]})).await["lookup"]["callout"]
            .clone();
    assert_eq!(read["contributionsCount"]["collaboraDocument"], 1.0);
    assert_eq!(
        read["contributions"][0]["collaboraDocument"],
        json!({"documentType": "WORDPROCESSING", "profile": {"displayName": "Notes"}})
    );

    // renamed by who may update it
    let rename = "mutation($id: UUID!, $n: String) { updateCollaboraDocument(updateData: {ID: $id, displayName: $n}) { profile { displayName } } }";
    let denied = err(&app, &stranger, rename, json!({"id": doc_id, "n": "Mine"})).await;
    assert_reference_error(&denied, "FORBIDDEN_POLICY", 11104);
    let renamed = ok(
        &app,
        &admin,
        rename,
        json!({"id": doc_id, "n": "Budget 2028"}),
    )
    .await;
    assert_eq!(
        renamed["updateCollaboraDocument"]["profile"]["displayName"],
        "Budget 2028"
    );

    // an office file uploaded becomes a contribution; other files do not
    let import = "mutation($file: Upload!, $c: UUID!, $n: String) { importCollaboraDocument(file: $file,
        uploadData: {calloutID: $c, displayName: $n}) { id collaboraDocument { id documentType profile { displayName } } } }";
    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let (status, body) = crate::storage::upload(
        &app,
        &member_token,
        import,
        json!({"c": callout["id"], "n": "Minutes"}),
        b"PK\x03\x04 minutes".to_vec(),
        DOCX,
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let imported = body["data"]["importCollaboraDocument"].clone();
    assert_eq!(
        imported["collaboraDocument"]["documentType"], "WORDPROCESSING",
        "{body}"
    );
    assert_eq!(
        imported["collaboraDocument"]["profile"]["displayName"],
        "Minutes"
    );
    let (_, body) = crate::storage::upload(
        &app,
        &member_token,
        import,
        json!({"c": callout["id"]}),
        crate::storage::png(10, 10),
        "image/png",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);

    // a document's file is replaced by one of its kind, by who may update it
    let replace =
        "mutation($file: Upload!, $id: UUID!, $n: String) { replaceCollaboraDocument(file: $file,
        replaceData: {ID: $id, displayName: $n}) { documentType profile { displayName } } }";
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (_, body) = crate::storage::upload(
        &app,
        &stranger,
        replace,
        json!({"id": doc_id}),
        b"PK\x03\x04 sheet".to_vec(),
        XLSX,
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = crate::storage::upload(
        &app,
        &admin,
        replace,
        json!({"id": doc_id}),
        b"PK\x03\x04 text".to_vec(),
        DOCX,
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let (_, body) = crate::storage::upload(
        &app,
        &admin,
        replace,
        json!({"id": doc_id, "n": "Budget 2029"}),
        b"PK\x03\x04 sheet".to_vec(),
        XLSX,
        true,
    )
    .await;
    assert_eq!(
        body["data"]["replaceCollaboraDocument"],
        json!({"documentType": "SPREADSHEET", "profile": {"displayName": "Budget 2029"}}),
        "{body}"
    );

    // a callout framed by an uploaded office file: the kind comes from the file, the name from
    // the file name; a file without a document framing, or not an office file, writes nothing
    let with_file = "mutation($d: CreateCalloutOnCalloutsSetInput!, $file: Upload) {
        createCalloutOnCalloutsSet(calloutData: $d, file: $file) { id
        framing { type collaboraDocument { documentType profile { displayName } } } } }";
    let counts = crate::deletion::row_counts(&app).await;
    for (d, bytes, mime) in [
        (
            json!({"calloutsSetID": set, "framing": {"profile": {"displayName": "Plan"}}}),
            b"PK\x03\x04 plan".to_vec(),
            DOCX,
        ),
        (
            json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Plan"}}}),
            b"PK\x03\x04 plan".to_vec(),
            DOCX,
        ),
        (
            json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Plan"},
                "collaboraDocument": {}}}),
            crate::storage::png(10, 10),
            "image/png",
        ),
    ] {
        let (_, body) =
            crate::storage::upload(&app, &admin, with_file, json!({"d": d}), bytes, mime, true)
                .await;
        assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    }
    assert_eq!(counts, crate::deletion::row_counts(&app).await);
    let d = json!({"calloutsSetID": set, "framing": {"type": "COLLABORA_DOCUMENT", "profile": {"displayName": "Plan"},
        "collaboraDocument": {"documentType": "SPREADSHEET"}}});
    let (_, body) = crate::storage::upload(
        &app,
        &admin,
        with_file,
        json!({"d": d}),
        b"PK\x03\x04 plan".to_vec(),
        DOCX,
        true,
    )
    .await;
    let uploaded = body["data"]["createCalloutOnCalloutsSet"]["id"].clone();
    assert_eq!(
        body["data"]["createCalloutOnCalloutsSet"]["framing"],
        json!({"type": "COLLABORA_DOCUMENT", "collaboraDocument": {"documentType": "WORDPROCESSING",
            "profile": {"displayName": "upload"}}}),
        "{body}"
    );

    // deleting a contributed document takes its contribution along
    let delete_doc =
        "mutation($id: UUID!) { deleteCollaboraDocument(deleteData: {ID: $id}) { id } }";
    ok(
        &app,
        &admin,
        delete_doc,
        json!({"id": imported["collaboraDocument"]["id"]}),
    )
    .await;
    let read =
        ok(&app, &member_token, DOC_READ, json!({"c": callout["id"]})).await["lookup"]["callout"]
            .clone();
    assert_eq!(read["contributionsCount"]["collaboraDocument"], 1.0);

    // a framing turned into a document needs one; turned away, its document goes
    let plain = ok(
        &app,
        &admin,
        DOC_CALLOUT,
        json!({"d": {"calloutsSetID": set, "framing": {"profile": {"displayName": "Plain"}}}}),
    )
    .await["createCalloutOnCalloutsSet"]["id"]
        .clone();
    let switch = "mutation($c: UUID!, $f: UpdateCalloutFramingInput!) { updateCallout(calloutData: {ID: $c, framing: $f}) {
        framing { type collaboraDocument { documentType } } } }";
    let refused = err(
        &app,
        &admin,
        switch,
        json!({"c": plain, "f": {"type": "COLLABORA_DOCUMENT"}}),
    )
    .await;
    assert_reference_error(&refused, "BAD_USER_INPUT", 12101);
    let switched = ok(
        &app,
        &admin,
        switch,
        json!({"c": plain, "f": {"type": "COLLABORA_DOCUMENT", "collaboraDocument": {"displayName": "Slides", "documentType": "PRESENTATION"}}}),
    )
    .await;
    assert_eq!(
        switched["updateCallout"]["framing"],
        json!({"type": "COLLABORA_DOCUMENT", "collaboraDocument": {"documentType": "PRESENTATION"}})
    );
    let back = ok(
        &app,
        &admin,
        switch,
        json!({"c": plain, "f": {"type": "NONE"}}),
    )
    .await;
    assert!(back["updateCallout"]["framing"]["collaboraDocument"].is_null());

    // deleted with their callouts, files and all
    for c in [&callout["id"], &plain, &uploaded] {
        ok(
            &app,
            &admin,
            "mutation($c: UUID!) { deleteCallout(deleteData: {ID: $c}) { id } }",
            json!({"c": c}),
        )
        .await;
    }
    // (the activity log keeps what happened)
    let mut after = crate::deletion::row_counts(&app).await;
    let mut before = before;
    after.remove("activity");
    before.remove("activity");
    assert_eq!(before, after);
}
