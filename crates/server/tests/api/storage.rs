//! Profiles, uploads and downloads: a user's profile and storage, avatar upload through the
//! multipart endpoint and download through the REST path, refusals that store nothing, profile
//! mutations with their privileges, and a user page whose SQL cost does not grow with its data.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_reference_error, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    users_have_a_profile_and_storage,
    avatars_upload_and_download,
    bad_uploads_are_refused_and_store_nothing,
    profile_mutations_check_privileges,
    the_user_page_costs_a_bounded_number_of_statements,
    private_space_files_download_only_to_readers
);

/// A PNG header with the given size (enough for type and dimension checks).
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&13u32.to_be_bytes());
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0]);
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(&[0u8; 64]);
    bytes
}

const ME: &str = "{ me { user { id profile { id displayName url \
    visuals { id name uri minWidth maxWidth allowedTypes } \
    tagsets { id name tags type allowedValues } references { id name uri description } \
    location { id city country geoLocation { latitude longitude } } \
    storageBucket { id allowedMimeTypes maxFileSize authorization { myPrivileges } } } \
    storageAggregator { id type directStorageBucket { id } } } } }";

async fn me(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.graphql_as(token, ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["me"]["user"].clone()
}

/// Sends a GraphQL multipart request with one file.
pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    bytes: Vec<u8>,
    mime: &str,
    preflight: bool,
) -> (u16, Value) {
    let mut vars = variables;
    vars["file"] = Value::Null;
    let operations = json!({"query": query, "variables": vars});
    let form = Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({"0": ["variables.file"]}).to_string())
        .part(
            "0",
            Part::bytes(bytes)
                .file_name("upload.bin")
                .mime_str(mime)
                .unwrap(),
        );
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .multipart(form);
    if preflight {
        req = req.header("apollo-require-preflight", "true");
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

const UPLOAD_AVATAR: &str = "mutation($file: Upload!, $visual: String!) { uploadImageOnVisual(file: $file, uploadData: {visualID: $visual, alternativeText: \"me\"}) { id uri alternativeText } }";
const UPLOAD_FILE: &str = "mutation($file: Upload!, $bucket: String!) { uploadFileOnStorageBucket(file: $file, uploadData: {storageBucketId: $bucket}) { id url } }";

async fn users_have_a_profile_and_storage(backend: Backend) {
    let app = spawn_app_with(backend, |env| {
        env.with("ENDPOINT_CLUSTER", "https://alkem.io")
    })
    .await;
    let (user, token) = app.user_with_token("nina@example.org").await;
    let u = me(&app, &token).await;
    let p = &u["profile"];
    assert_eq!(p["displayName"], format!("Test nina"));
    assert_eq!(p["url"], format!("https://alkem.io/user/{}", user.name_id));
    assert_eq!(p["visuals"].as_array().unwrap().len(), 1);
    assert_eq!(p["visuals"][0]["name"], "AVATAR");
    assert_eq!(p["visuals"][0]["minWidth"], 190.0);
    let tagsets: Vec<&str> = p["tagsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tagsets, ["skills", "keywords"]);
    let refs: Vec<&str> = p["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["linkedin", "github", "bsky"]);
    assert_eq!(p["storageBucket"]["maxFileSize"], 15_728_640.0);
    assert_eq!(
        p["storageBucket"]["allowedMimeTypes"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    let privs = p["storageBucket"]["authorization"]["myPrivileges"]
        .as_array()
        .unwrap();
    assert!(
        privs.contains(&json!("FILE_UPLOAD")),
        "the owner may upload: {privs:?}"
    );
    assert_eq!(u["storageAggregator"]["type"], "USER");

    // another registered user sees the profile but not the storage controls
    let (_, other) = app.user_with_token("otto@example.org").await;
    let (_, body) = app
        .graphql_as(&other, "query($id: UUID!) { lookup { user(ID: $id) { email profile { displayName storageBucket { authorization { myPrivileges } } } } } }", json!({"id": user.id.to_string()}))
        .await;
    let seen = &body["data"]["lookup"]["user"];
    assert_eq!(seen["email"], "not accessible");
    assert_eq!(seen["profile"]["displayName"], "Test nina");
    assert!(
        !seen["profile"]["storageBucket"]["authorization"]["myPrivileges"]
            .as_array()
            .unwrap()
            .contains(&json!("FILE_UPLOAD"))
    );
}

async fn avatars_upload_and_download(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.user_with_token("ava@example.org").await;
    let u = me(&app, &token).await;
    let visual = u["profile"]["visuals"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let image = png(200, 200);
    let (status, body) = upload(
        &app,
        &token,
        UPLOAD_AVATAR,
        json!({"visual": visual}),
        image.clone(),
        "image/png",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let uri = body["data"]["uploadImageOnVisual"]["uri"]
        .as_str()
        .expect("an uri")
        .to_owned();
    assert!(
        uri.starts_with("http://localhost:3000/api/private/rest/storage/document/"),
        "{uri}"
    );
    assert_eq!(body["data"]["uploadImageOnVisual"]["alternativeText"], "me");

    // the avatar is public: an anonymous download works, with type, validator and caching
    let path = uri.trim_start_matches("http://localhost:3000");
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(res.bytes().await.unwrap().to_vec(), image);
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    // the ingress' stripped path serves the same
    let stripped = path.trim_start_matches("/api/private");
    assert_eq!(
        app.client
            .get(format!("{}{stripped}", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // unknown documents are 404
    let unknown = format!(
        "{}/api/private/rest/storage/document/{}",
        app.address,
        uuid::Uuid::new_v4()
    );
    assert_eq!(app.client.get(unknown).send().await.unwrap().status(), 404);

    // a new avatar replaces the old one, whose bytes are gone
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_AVATAR,
        json!({"visual": visual}),
        png(300, 300),
        "image/png",
        true,
    )
    .await;
    let new_uri = body["data"]["uploadImageOnVisual"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_uri, uri);
    assert_eq!(
        app.client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // a bucket upload returns the document and its URL; the uploader may delete it
    let bucket = u["profile"]["storageBucket"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = b"%PDF-1.7\n%%EOF\n".to_vec();
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        json!({"bucket": bucket}),
        pdf.clone(),
        "application/pdf",
        true,
    )
    .await;
    let doc = body["data"]["uploadFileOnStorageBucket"]["id"]
        .as_str()
        .expect("a document")
        .to_owned();
    // a document's tags form its default tagset
    let (_, body) = app
        .graphql_as(
            &token,
            "{ me { user { profile { storageBucket { documents { id tagset { name tags type } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["me"]["user"]["profile"]["storageBucket"]["documents"][0]["tagset"],
        json!({"name": "default", "tags": [], "type": "FREEFORM"}),
        "{body}"
    );
    let (_, body) = app
        .graphql_as(&token, "mutation($id: UUID!) { deleteDocument(deleteData: {ID: $id}) { id displayName mimeType size } }", json!({"id": doc}))
        .await;
    assert_eq!(body["data"]["deleteDocument"]["mimeType"], "PDF", "{body}");
    assert_eq!(body["data"]["deleteDocument"]["size"], pdf.len() as f64);
}

async fn bucket_documents(app: &TestApp, token: &str) -> usize {
    let (_, body) = app
        .graphql_as(
            token,
            "{ me { user { profile { storageBucket { documents { id } } } } } }",
            json!({}),
        )
        .await;
    body["data"]["me"]["user"]["profile"]["storageBucket"]["documents"]
        .as_array()
        .map_or(usize::MAX, Vec::len)
}

async fn bad_uploads_are_refused_and_store_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |env| env.with("STORAGE_MAX_FILE_SIZE", "1000")).await;
    let (_, token) = app.user_with_token("bo@example.org").await;
    let u = me(&app, &token).await;
    let bucket = u["profile"]["storageBucket"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visual = u["profile"]["visuals"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(u["profile"]["storageBucket"]["maxFileSize"], 1000.0);
    let vars = json!({"bucket": bucket});

    let (status, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        vars.clone(),
        b"hello".to_vec(),
        "text/plain",
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert_reference_error(&body["errors"][0], "STORAGE_UPLOAD_FAILED", 14108);
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        vars.clone(),
        vec![b'%'; 2000],
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "STORAGE_UPLOAD_FAILED", 14108);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("exceeds"),
        "{body}"
    );
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        vars.clone(),
        b"not really a png".to_vec(),
        "image/png",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "STORAGE_UPLOAD_FAILED", 14108);
    // without the preflight header the request is refused before anything runs
    let (status, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        vars.clone(),
        b"%PDF-1.7".to_vec(),
        "application/pdf",
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    // an avatar of the wrong size or type
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_AVATAR,
        json!({"visual": visual}),
        png(50, 50),
        "image/png",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let (_, body) = upload(
        &app,
        &token,
        UPLOAD_AVATAR,
        json!({"visual": visual}),
        b"%PDF-1.7".to_vec(),
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    // someone else may not upload into this bucket
    let (_, intruder) = app.user_with_token("eve@example.org").await;
    let (_, body) = upload(
        &app,
        &intruder,
        UPLOAD_FILE,
        vars,
        b"%PDF-1.7".to_vec(),
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);

    assert_eq!(
        bucket_documents(&app, &token).await,
        0,
        "nothing was stored"
    );
    let blobs = app.db().dir().join("storage");
    let stored = std::fs::read_dir(&blobs).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no bytes were kept in {}", blobs.display());
}

async fn profile_mutations_check_privileges(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.user_with_token("pat@example.org").await;
    let (_, other) = app.user_with_token("olaf@example.org").await;
    let u = me(&app, &token).await;
    let profile = u["profile"]["id"].as_str().unwrap().to_owned();
    let linkedin = u["profile"]["references"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let skills = u["profile"]["tagsets"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let update = "mutation($data: UpdateProfileDirectInput!) { updateProfile(profileData: $data) { displayName tagline description \
        location { city country } references { name uri } tagsets { name tags } } }";
    let data = json!({"profileID": profile, "displayName": "Pat Q", "tagline": "hello", "description": "# Me",
        "location": {"city": "Delft", "country": "NL"},
        "references": [{"ID": linkedin, "uri": "https://linkedin.com/in/pat"}],
        "tagsets": [{"ID": skills, "tags": ["rust", "graphql"]}]});
    let (_, body) = app.graphql_as(&other, update, json!({"data": data})).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app.graphql_as(&token, update, json!({"data": data})).await;
    let p = &body["data"]["updateProfile"];
    assert_eq!(p["displayName"], "Pat Q", "{body}");
    assert_eq!(p["description"], "# Me");
    assert_eq!(p["location"], json!({"city": "Delft", "country": "NL"}));
    assert_eq!(p["references"][0]["uri"], "https://linkedin.com/in/pat");
    assert_eq!(p["tagsets"][0]["tags"], json!(["rust", "graphql"]));
    // a reference of another profile cannot be changed through this one
    let (_, theirs) = app
        .graphql_as(
            &other,
            "{ me { user { profile { references { id } } } } }",
            json!({}),
        )
        .await;
    let foreign = theirs["data"]["me"]["user"]["profile"]["references"][0]["id"].clone();
    let bad = json!({"data": {"profileID": profile, "references": [{"ID": foreign, "uri": "x"}]}});
    let (_, body) = app.graphql_as(&token, update, bad).await;
    assert_reference_error(&body["errors"][0], "ENTITY_NOT_FOUND", 10101);

    let create = "mutation($p: UUID!, $n: String!) { createReferenceOnProfile(referenceInput: {profileID: $p, name: $n, uri: \"https://x.org\"}) { id name } }";
    let (_, body) = app
        .graphql_as(&token, create, json!({"p": profile, "n": "website"}))
        .await;
    let reference = body["data"]["createReferenceOnProfile"]["id"]
        .as_str()
        .expect("created")
        .to_owned();
    let (_, body) = app
        .graphql_as(&token, create, json!({"p": profile, "n": "website"}))
        .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let (_, body) = app
        .graphql_as(&other, create, json!({"p": profile, "n": "intrusion"}))
        .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let delete = "mutation($id: UUID!) { deleteReference(deleteData: {ID: $id}) { id } }";
    let (_, body) = app
        .graphql_as(&other, delete, json!({"id": reference}))
        .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app
        .graphql_as(&token, delete, json!({"id": reference}))
        .await;
    assert_eq!(body["data"]["deleteReference"]["id"], reference);

    let tagset = "mutation($p: UUID!) { createTagsetOnProfile(tagsetData: {profileID: $p, name: \"hobbies\", tags: [\"chess\"]}) { name tags type } }";
    let (_, body) = app.graphql_as(&token, tagset, json!({"p": profile})).await;
    assert_eq!(
        body["data"]["createTagsetOnProfile"],
        json!({"name": "hobbies", "tags": ["chess"], "type": "FREEFORM"})
    );
    let select = "mutation($p: UUID!) { createTagsetOnProfile(tagsetData: {profileID: $p, name: \"x\", type: SELECT_ONE}) { name } }";
    let (_, body) = app.graphql_as(&token, select, json!({"p": profile})).await;
    assert_reference_error(&body["errors"][0], "NOT_SUPPORTED", 12114);
}

async fn the_user_page_costs_a_bounded_number_of_statements(backend: Backend) {
    let app = crate::helpers::spawn_measured(backend).await;
    let page = "query($id: UUID!) { lookup { user(ID: $id) { id nameID firstName email authorization { myPrivileges } \
        profile { id displayName url location { city } tagsets { name tags } references { name uri } visuals { name uri } \
        storageBucket { id } authorization { myPrivileges } } } } }";
    let mut pages = Vec::new();
    for (email, extra) in [("few@example.org", 0), ("many@example.org", 25)] {
        let (user, token) = app.user_with_token(email).await;
        let profile = user.profile_id.unwrap().to_string();
        for i in 0..extra {
            let create = "mutation($p: UUID!, $n: String!) { createReferenceOnProfile(referenceInput: {profileID: $p, name: $n}) { id } }";
            app.graphql_as(
                &token,
                create,
                json!({"p": profile, "n": format!("ref-{i:03}")}),
            )
            .await;
            let tagset = "mutation($p: UUID!, $n: String!) { createTagsetOnProfile(tagsetData: {profileID: $p, name: $n, tags: [\"a\"]}) { id } }";
            app.graphql_as(
                &token,
                tagset,
                json!({"p": profile, "n": format!("tags-{i:03}")}),
            )
            .await;
        }
        // warm the credential cache
        let (_, body) = app
            .graphql_as(&token, page, json!({"id": user.id.to_string()}))
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            body["data"]["lookup"]["user"]["profile"]["references"]
                .as_array()
                .unwrap()
                .len(),
            3 + extra
        );
        pages.push((user, token));
    }
    // Measure both pages in turns, ten rounds, and keep each one's most. The policy of the user
    // and the policy of its profile are read in two loader waves; now and then the scheduler
    // runs them close enough to share one batch, which saves a statement. The most is the page's
    // cost when nothing is shared, the same for both pages, and taking turns exposes both to the
    // same load on the machine.
    app.settle().await;
    let mut costs = [0u64; 2];
    for round in 0..10 {
        for k in [round % 2, 1 - round % 2] {
            let (user, token) = &pages[k];
            let before = app.services.db.statements().get();
            app.graphql_as(token, page, json!({"id": user.id.to_string()}))
                .await;
            costs[k] = costs[k].max(app.services.db.statements().get() - before);
        }
    }
    assert_eq!(
        costs[0], costs[1],
        "the page's SQL does not grow with its references and tagsets: {costs:?}"
    );
    assert!(costs[0] <= 12, "a user page costs {} statements", costs[0]);
}

on_both_backends!(user_settings_have_defaults_and_only_their_user_changes_them);

async fn user_settings_have_defaults_and_only_their_user_changes_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.user_with_token("sam@example.org").await;
    let (_, other) = app.user_with_token("tom@example.org").await;
    let query = "query($id: UUID!) { lookup { user(ID: $id) { isContactable isContactableViaEmail settings { id designVersion \
        communication { allowOtherUsersToSendMessages allowOtherUsersToContactViaEmail } privacy { contributionRolesPubliclyVisible } \
        homeSpace { spaceID autoRedirect } notification { space { communityCalendarEvents { email inApp push } } } \
        assistant { enabledCapabilities { capability enabled } } } } } }";
    let vars = json!({"id": user.id.to_string()});
    let (_, body) = app.graphql_as(&token, query, vars.clone()).await;
    let u = &body["data"]["lookup"]["user"];
    assert_eq!(u["isContactable"], true, "{body}");
    assert_eq!(u["isContactableViaEmail"], false);
    let s = &u["settings"];
    assert_eq!(s["designVersion"], 2);
    assert_eq!(
        s["homeSpace"],
        json!({"spaceID": null, "autoRedirect": false})
    );
    assert_eq!(
        s["notification"]["space"]["communityCalendarEvents"],
        json!({"email": true, "inApp": true, "push": true})
    );
    assert_eq!(
        s["assistant"]["enabledCapabilities"]
            .as_array()
            .unwrap()
            .len(),
        11
    );
    // another user may see whether the user is contactable, but not the settings
    let (_, body) = app.graphql_as(&other, query, vars.clone()).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);

    let update = "mutation($d: UpdateUserSettingsInput!) { updateUserSettings(settingsData: $d) { id isContactableViaEmail settings { designVersion communication { allowOtherUsersToSendMessages allowOtherUsersToContactViaEmail } } } }";
    let data = json!({"d": {"userID": user.id.to_string(), "settings": {"communication": {"allowOtherUsersToContactViaEmail": true}, "designVersion": 1}}});
    let (_, body) = app.graphql_as(&other, update, data.clone()).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app.graphql_as(&token, update, data).await;
    let u = &body["data"]["updateUserSettings"];
    assert_eq!(u["isContactableViaEmail"], true, "{body}");
    assert_eq!(u["settings"]["designVersion"], 1);
    assert_eq!(
        u["settings"]["communication"]["allowOtherUsersToSendMessages"], true,
        "untouched settings stay"
    );
}

on_both_backends!(each_user_has_an_account_it_administers);

async fn each_user_has_an_account_it_administers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.user_with_token("acc@example.org").await;
    let (_, other) = app.user_with_token("nosy@example.org").await;
    let query = "{ me { user { id credentials { type resourceID } actor { id type nameID } account { id nameID type accountType \
        baselineLicensePlan { spaceFree spacePlus spacePremium virtualContributor innovationPacks startingPages } \
        authorization { myPrivileges } host { id type } profile { displayName } storageAggregator { type } \
        license { type availableEntitlements entitlements { type dataType limit enabled usage isAvailable } } } } } }";
    let (_, body) = app.graphql_as(&token, query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let u = &body["data"]["me"]["user"];
    let account = &u["account"];
    let account_id = account["id"].as_str().unwrap();
    assert!(account["nameID"].as_str().unwrap().starts_with("account-"));
    assert_eq!(account["type"], "ACCOUNT");
    assert_eq!(account["accountType"], "USER");
    assert_eq!(account["baselineLicensePlan"]["spaceFree"], 0);
    assert_eq!(
        account["host"],
        json!({"id": user.id.to_string(), "type": "USER"})
    );
    assert_eq!(account["storageAggregator"]["type"], "ACCOUNT");
    let privs = account["authorization"]["myPrivileges"].as_array().unwrap();
    for p in ["CREATE_SPACE", "UPDATE", "TRANSFER_RESOURCE_OFFER"] {
        assert!(
            privs.contains(&json!(p)),
            "the user administers its account: {p} in {privs:?}"
        );
    }
    assert!(!privs.contains(&json!("ACCOUNT_LICENSE_MANAGE")));
    let license = &account["license"];
    assert_eq!(license["type"], "ACCOUNT");
    assert_eq!(license["entitlements"].as_array().unwrap().len(), 7);
    assert_eq!(
        license["availableEntitlements"],
        json!([]),
        "all limits start at zero"
    );
    assert_eq!(
        license["entitlements"][0],
        json!({"type": "ACCOUNT_SPACE_FREE", "dataType": "LIMIT", "limit": 0.0, "enabled": false, "usage": 0.0, "isAvailable": false})
    );
    let creds = u["credentials"].as_array().unwrap();
    assert!(
        creds.contains(&json!({"type": "ACCOUNT_ADMIN", "resourceID": account_id})),
        "{creds:?}"
    );
    assert!(
        creds.contains(&json!({"type": "USER_SELF_MANAGEMENT", "resourceID": user.id.to_string()}))
    );
    assert_eq!(u["actor"]["type"], "USER");

    // another user does not see this account through the user, but may look it up (public read)
    let (_, body) = app
        .graphql_as(
            &other,
            "query($id: UUID!) { lookup { user(ID: $id) { account { id } } } }",
            json!({"id": user.id.to_string()}),
        )
        .await;
    assert_eq!(
        body["data"]["lookup"]["user"]["account"],
        Value::Null,
        "{body}"
    );
    let (_, body) = app
        .graphql_as(&other, "query($id: UUID!) { lookup { account(ID: $id) { id authorization { myPrivileges } } } }", json!({"id": account_id}))
        .await;
    assert_eq!(
        body["data"]["lookup"]["account"]["authorization"]["myPrivileges"],
        json!(["READ"]),
        "{body}"
    );
}

on_both_backends!(file_bytes_can_live_in_an_s3_compatible_store);

/// With `STORAGE_S3_*` set, uploads land in the bucket (moto, a real S3-protocol server run by
/// `scripts/services`), downloads read them back, and deleting the document removes the object.
async fn file_bytes_can_live_in_an_s3_compatible_store(backend: Backend) {
    let endpoint = "http://127.0.0.1:9000";
    let bucket_name = format!("alkemio-test-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket_name}"))
        .send()
        .await
        .expect("the S3 server (moto) runs on 127.0.0.1:9000: start it with scripts/services");
    assert!(created.status().is_success(), "{}", created.status());
    let name = bucket_name.clone();
    let app = spawn_app_with(backend, move |env| {
        env.with("STORAGE_S3_ENDPOINT", endpoint)
            .with("STORAGE_S3_BUCKET", name)
            .with("STORAGE_S3_ACCESS_KEY_ID", "testing")
            .with("STORAGE_S3_SECRET_ACCESS_KEY", "testing")
    })
    .await;
    let (_, token) = app.user_with_token("s3@example.org").await;
    let bucket = me(&app, &token).await["profile"]["storageBucket"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let content = b"%PDF-1.4 kept in S3".to_vec();
    let (status, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        json!({"bucket": bucket}),
        content.clone(),
        "application/pdf",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let document = body["data"]["uploadFileOnStorageBucket"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = body["data"]["uploadFileOnStorageBucket"]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let listing = || async {
        reqwest::Client::new()
            .get(format!("{endpoint}/{bucket_name}?list-type=2"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let hash = alkemio_storage::blob::content_hash(&content);
    assert!(
        listing().await.contains(&hash),
        "the object is in the bucket"
    );
    assert!(
        !app.db().dir().join("storage").exists(),
        "nothing is written to the local store"
    );

    let path = url.trim_start_matches("http://localhost:3000");
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), content);

    let (_, body) = app
        .graphql_as(
            &token,
            "mutation($id: UUID!) { deleteDocument(deleteData: { ID: $id }) { id } }",
            json!({"id": document}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(
        !listing().await.contains(&hash),
        "the object went with its document"
    );
}

on_both_backends!(storage_knows_what_it_belongs_to);

async fn storage_knows_what_it_belongs_to(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.user_with_token("owner@example.org").await;
    let (_, body) = app
        .graphql_as(
            &token,
            "{ me { user { storageAggregator { parentEntity { id displayName url } }
                account { storageAggregator { parentEntity { id displayName url } } } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let u = &body["data"]["me"]["user"];
    assert_eq!(
        u["storageAggregator"]["parentEntity"],
        json!({"id": user.id.to_string(), "displayName": "Test owner",
            "url": format!("http://localhost:3000/user/{}", user.name_id)})
    );
    assert_eq!(
        u["account"]["storageAggregator"]["parentEntity"],
        json!({"id": user.account_id.unwrap().0.to_string(), "displayName": "account", "url": "http://localhost:3000/home"})
    );
}

on_both_backends!(the_platform_has_storage_registered_users_upload_to);

async fn the_platform_has_storage_registered_users_upload_to(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.user_with_token("uploader@example.org").await;
    let (_, body) = app
        .graphql_as(
            &token,
            "{ platform { id storageAggregator { type parentEntity { id displayName url }
                directStorageBucket { id authorization { myPrivileges } } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let aggregator = &body["data"]["platform"]["storageAggregator"];
    assert_eq!(aggregator["type"], "PLATFORM");
    assert_eq!(
        aggregator["parentEntity"],
        json!({"id": body["data"]["platform"]["id"], "displayName": "platform", "url": "http://localhost:3000/home"})
    );
    let privileges = aggregator["directStorageBucket"]["authorization"]["myPrivileges"]
        .as_array()
        .unwrap();
    assert!(privileges.contains(&json!("FILE_UPLOAD")), "{privileges:?}");
    let bucket = aggregator["directStorageBucket"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = upload(
        &app,
        &token,
        UPLOAD_FILE,
        json!({"bucket": bucket}),
        b"%PDF-1.4 shared".to_vec(),
        "application/pdf",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let url = body["data"]["uploadFileOnStorageBucket"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let res = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            url.trim_start_matches("http://localhost:3000")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "anonymous callers read platform files");
    // the aggregator survives a restart (bootstrap does not create a second one)
    let db = app.stop_keep_db().await;
    let env = crate::helpers::test_env(&db);
    let app = crate::helpers::spawn_on(db, env).await;
    let (_, token) = app.user_with_token("uploader@example.org").await;
    let (_, again) = app
        .graphql_as(
            &token,
            "{ platform { storageAggregator { directStorageBucket { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        again["data"]["platform"]["storageAggregator"]["directStorageBucket"]["id"],
        bucket.as_str()
    );
}

async fn private_space_files_download_only_to_readers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, owner) = app.user_with_token("owner@example.org").await;
    let (member, member_token) = app.user_with_token("member@example.org").await;
    let (_, stranger) = app.user_with_token("stranger@example.org").await;
    let (_, body) = app
        .graphql_as(&owner, "{ me { user { account { id } } } }", json!({}))
        .await;
    let account = body["data"]["me"]["user"]["account"]["id"].clone();
    let (_, created) = app
        .graphql_as(
            &admin,
            "mutation($a: UUID!) { createSpace(spaceData: { accountID: $a, collaborationData: { calloutsSetData: {} }, about: { profileData: { displayName: \"Vault\" } } }) {
                id community { roleSet { id } } storageAggregator { type directStorageBucket { id } } } }",
            json!({"a": account}),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created}");
    let space = &created["data"]["createSpace"];
    assert_eq!(space["storageAggregator"]["type"], "SPACE");
    let (_, assigned) = app
        .graphql_as(
            &admin,
            "mutation($s: UUID!, $u: UUID!) { assignRoleToUser(roleData: { roleSetID: $s, role: MEMBER, actorID: $u }) { id } }",
            json!({"s": space["community"]["roleSet"]["id"], "u": member.id.to_string()}),
        )
        .await;
    assert!(assigned.get("errors").is_none(), "{assigned}");
    let bucket = space["storageAggregator"]["directStorageBucket"]["id"].clone();
    let (status, body) = upload(
        &app,
        &admin,
        UPLOAD_FILE,
        json!({"bucket": bucket}),
        b"%PDF-1.4 private".to_vec(),
        "application/pdf",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let url = body["data"]["uploadFileOnStorageBucket"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .trim_start_matches("http://localhost:3000")
        .to_owned();
    let get = |token: Option<&str>| {
        let mut req = app.client.get(format!("{}{url}", app.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let res = get(Some(&member_token)).await.unwrap();
    assert_eq!(res.status(), 200, "a member reads the space's files");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 private");
    assert_eq!(
        get(Some(&stranger)).await.unwrap().status(),
        403,
        "a registered non-member has no READ on a private space's files (the reference makes \
         them public: its aggregator rule for anonymous READ cascades to the files)"
    );
    assert_eq!(
        get(None).await.unwrap().status(),
        403,
        "neither has anonymous"
    );
    // a member may not upload into the space's own bucket (no UPDATE or CONTRIBUTE on it)
    let (_, refused) = upload(
        &app,
        &member_token,
        UPLOAD_FILE,
        json!({"bucket": bucket}),
        b"%PDF-1.4 mine".to_vec(),
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&refused["errors"][0], "FORBIDDEN_POLICY", 11104);

    // the lookups answer whoever may READ, and only them
    let by_bucket = "query($b: UUID!) { lookup { storageBucket(ID: $b) { id documents { id } } } }";
    let (_, read) = app
        .graphql_as(&member_token, by_bucket, json!({"b": bucket}))
        .await;
    assert_eq!(
        read["data"]["lookup"]["storageBucket"]["id"], bucket,
        "{read}"
    );
    let document = read["data"]["lookup"]["storageBucket"]["documents"][0]["id"].clone();
    let (_, denied) = app
        .graphql_as(&stranger, by_bucket, json!({"b": bucket}))
        .await;
    assert_reference_error(&denied["errors"][0], "FORBIDDEN_POLICY", 11104);
    let by_document = "query($d: UUID!) { lookup { document(ID: $d) { id mimeType } } }";
    let (_, read) = app
        .graphql_as(&member_token, by_document, json!({"d": document}))
        .await;
    assert_eq!(
        read["data"]["lookup"]["document"]["mimeType"], "PDF",
        "{read}"
    );
    let (_, denied) = app
        .graphql_as(&stranger, by_document, json!({"d": document}))
        .await;
    assert_reference_error(&denied["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, ids) = app
        .graphql_as(
            &member_token,
            "query($s: UUID!) { lookup { space(ID: $s) { storageAggregator { id } about { profile { id displayName } } } } }",
            json!({"s": space["id"]}),
        )
        .await;
    let found = &ids["data"]["lookup"]["space"];
    let (_, read) = app
        .graphql_as(
            &member_token,
            "query($a: UUID!, $p: UUID!) { lookup { storageAggregator(ID: $a) { id } profile(ID: $p) { displayName } } }",
            json!({"a": found["storageAggregator"]["id"], "p": found["about"]["profile"]["id"]}),
        )
        .await;
    assert_eq!(
        read["data"]["lookup"]["storageAggregator"]["id"], found["storageAggregator"]["id"],
        "{read}"
    );
    assert_eq!(read["data"]["lookup"]["profile"]["displayName"], "Vault");
    let (_, missing) = app
        .graphql_as(
            &member_token,
            "query($p: UUID!) { lookup { profile(ID: $p) { id } } }",
            json!({"p": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
    assert_reference_error(&missing["errors"][0], "ENTITY_NOT_FOUND", 10101);
}

on_both_backends!(references_tagsets_and_documents_change_in_place);

async fn references_tagsets_and_documents_change_in_place(backend: Backend) {
    use crate::spaces::{account_of, ok, space};
    let app = spawn_app(backend).await;
    let (_, token) = app.user_with_token("parts@example.org").await;
    let (_, other) = app.user_with_token("nosy@example.org").await;
    let u = me(&app, &token).await;
    let reference = u["profile"]["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "linkedin")
        .unwrap()["id"]
        .clone();

    // references: renamed and re-pointed by their owner only, names stay unique and valid
    let update = "mutation($d: UpdateReferenceInput!) { updateReference(referenceData: $d) { id name uri description } }";
    let d = json!({"ID": reference, "name": "homepage", "uri": "https://parts.example.org", "description": "mine"});
    let (_, body) = app.graphql_as(&other, update, json!({"d": d})).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app.graphql_as(&token, update, json!({"d": d})).await;
    assert_eq!(
        body["data"]["updateReference"],
        json!({"id": reference, "name": "homepage", "uri": "https://parts.example.org", "description": "mine"})
    );
    for bad in [
        json!({"ID": reference, "name": "github"}),
        json!({"ID": reference, "name": "ab"}),
    ] {
        let (_, body) = app.graphql_as(&token, update, json!({"d": bad})).await;
        assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    }
    let names: Vec<Value> = me(&app, &token).await["profile"]["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].clone())
        .collect();
    assert!(names.contains(&json!("homepage")) && !names.contains(&json!("ab")));

    // a file attached to a reference lands in the profile's bucket and the reference points at it
    let attach = "mutation($file: Upload!, $r: String!) { uploadFileOnReference(file: $file, uploadData: {referenceID: $r}) { id uri } }";
    let pdf = b"%PDF-1.4\n%...\n".to_vec();
    let (_, body) = upload(
        &app,
        &other,
        attach,
        json!({"r": reference}),
        pdf.clone(),
        "application/pdf",
        true,
    )
    .await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (status, body) = upload(
        &app,
        &token,
        attach,
        json!({"r": reference}),
        pdf.clone(),
        "application/pdf",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let uri = body["data"]["uploadFileOnReference"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let document = uri.rsplit('/').next().unwrap().to_owned();
    let path = uri.trim_start_matches("http://localhost:3000");
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

    // documents: renamed and re-tagged by who may update them
    let doc_q =
        "query($id: UUID!) { lookup { document(ID: $id) { id displayName tagset { id tags } } } }";
    let (_, body) = app.graphql_as(&token, doc_q, json!({"id": document})).await;
    let tagset = body["data"]["lookup"]["document"]["tagset"]["id"].clone();
    let update_doc = "mutation($d: UpdateDocumentInput!) { updateDocument(documentData: $d) { displayName tagset { tags } } }";
    let d = json!({"ID": document, "displayName": "cv.pdf", "tagset": {"ID": tagset, "tags": ["cv", "2026"]}});
    let (_, body) = app.graphql_as(&other, update_doc, json!({"d": d})).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app.graphql_as(&token, update_doc, json!({"d": d})).await;
    assert_eq!(
        body["data"]["updateDocument"],
        json!({"displayName": "cv.pdf", "tagset": {"tags": ["cv", "2026"]}})
    );
    let (_, body) = app
        .graphql_as(
            &token,
            update_doc,
            json!({"d": {"ID": document, "displayName": "  "}}),
        )
        .await;
    assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    let (_, body) = app.graphql_as(&token, doc_q, json!({"id": document})).await;
    assert_eq!(body["data"]["lookup"]["document"]["displayName"], "cv.pdf");

    // tagsets: free-form ones take any tags from their owner
    let skills = u["profile"]["tagsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "skills")
        .unwrap()["id"]
        .clone();
    let update_tagset =
        "mutation($d: UpdateTagsetInput!) { updateTagset(updateData: $d) { name tags } }";
    let d = json!({"ID": skills, "tags": ["rust", "sql"]});
    let (_, body) = app.graphql_as(&other, update_tagset, json!({"d": d})).await;
    assert_reference_error(&body["errors"][0], "FORBIDDEN_POLICY", 11104);
    let (_, body) = app.graphql_as(&token, update_tagset, json!({"d": d})).await;
    assert_eq!(
        body["data"]["updateTagset"],
        json!({"name": "skills", "tags": ["rust", "sql"]})
    );

    // a SELECT_ONE tagset (a callout's flow state) takes exactly one of its allowed values
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let account = account_of(&app, &admin).await;
    let (s, _) = space(&app, &admin, &account, "Tagged Space", Value::Null).await;
    let (_, set) = crate::callouts::callouts_set(&app, &admin, &s).await;
    let callout = crate::callouts::post_callout(&app, &admin, &set, "Ideas").await;
    let state = ok(
        &app,
        &admin,
        "query($c: UUID!) { lookup { callout(ID: $c) { classification { flowState: tagset(tagsetName: FLOW_STATE) { id type tags allowedValues } } } } }",
        json!({"c": callout["id"]}),
    )
    .await;
    let flow = &state["lookup"]["callout"]["classification"]["flowState"];
    assert_eq!(flow["type"], "SELECT_ONE");
    for bad in [json!(["Nowhere"]), json!(["Home", "Community"]), json!([])] {
        let (_, body) = app
            .graphql_as(
                &admin,
                update_tagset,
                json!({"d": {"ID": flow["id"], "tags": bad}}),
            )
            .await;
        assert_reference_error(&body["errors"][0], "BAD_USER_INPUT", 12101);
    }
    let (_, body) = app
        .graphql_as(
            &admin,
            update_tagset,
            json!({"d": {"ID": flow["id"], "tags": ["Community"]}}),
        )
        .await;
    assert_eq!(body["data"]["updateTagset"]["tags"], json!(["Community"]));
}
