//! Who is calling: every token strategy gets the right actor in `me`, bad tokens get 401 with
//! the reference's `error_code`, no token is anonymous.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, mint_hs256, now, spawn_app, spawn_app_with};
use crate::on_both_backends;
use crate::stand_ins::{HYDRA_KEY, Identity, Jwks, Kratos, OTHER_KEY, rs256};

on_both_backends!(
    anonymous_and_guest_callers_are_served,
    non_interactive_tokens_identify_their_user,
    hydra_tokens_identify_their_user_and_bad_ones_are_refused,
    kratos_login_mints_a_token_for_the_resolved_user,
    sign_in_details_show_to_the_user_and_platform_admins
);

const ME: &str = "{ me { id user { id nameID email } } }";

async fn anonymous_and_guest_callers_are_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.graphql(ME).await;
    assert_eq!(
        body["data"]["me"],
        json!({"id": "me-", "user": null}),
        "{body}"
    );
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-guest-name", "R3Vlc3Q=")
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"]["me"]["user"], Value::Null);
}

fn assert_401(status: u16, body: &Value, error_code: &str) {
    assert_eq!(status, 401, "{body}");
    let ext = &body["errors"][0]["extensions"];
    assert_eq!(ext["code"], "UNAUTHENTICATED", "{body}");
    assert_eq!(ext["numericCode"], 11101);
    assert_eq!(ext["error_code"], error_code, "{body}");
    assert!(ext["errorId"].is_string());
}

async fn non_interactive_tokens_identify_their_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.user_with_token("ann@example.org").await;
    let (status, body) = app.graphql_as(&token, ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["id"], format!("me-{}", user.id));
    assert_eq!(body["data"]["me"]["user"]["email"], "ann@example.org");

    let claims = |exp: i64, iss: &str| json!({"alkemio_actor_id": user.id.to_string(), "non_interactive_login": true, "iss": iss, "iat": now(), "exp": exp});
    let expired = mint_hs256(&claims(now() - 120, "alkemio-non-interactive-login"));
    let (status, body) = app.graphql_as(&expired, ME, json!({})).await;
    assert_401(status, &body, "token_expired");
    let wrong_issuer = mint_hs256(&claims(now() + 60, "someone-else"));
    let (status, body) = app.graphql_as(&wrong_issuer, ME, json!({})).await;
    assert_401(status, &body, "invalid_iss");
    let no_actor = mint_hs256(
        &json!({"non_interactive_login": true, "iss": "alkemio-non-interactive-login", "exp": now() + 60}),
    );
    let (status, body) = app.graphql_as(&no_actor, ME, json!({})).await;
    assert_401(status, &body, "missing_alkemio_actor_id");
    let (status, body) = app.graphql_as("not-a-jwt", ME, json!({})).await;
    assert_401(status, &body, "ERR_JWS_INVALID");
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Token abc")
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert_401(
        status,
        &res.json().await.unwrap(),
        "malformed_bearer_header",
    );

    // a token for an actor that no longer exists is served as anonymous, as in the reference
    let ghost = mint_hs256(
        &json!({"alkemio_actor_id": uuid::Uuid::new_v4().to_string(), "non_interactive_login": true,
        "iss": "alkemio-non-interactive-login", "exp": now() + 60}),
    );
    let (status, body) = app.graphql_as(&ghost, ME, json!({})).await;
    assert_eq!(
        (status, &body["data"]["me"]["user"]),
        (200, &Value::Null),
        "{body}"
    );
}

const ISSUER: &str = "http://hydra.test/";

async fn hydra_app(backend: Backend, jwks: &Jwks) -> TestApp {
    let url = jwks.url.clone();
    spawn_app_with(backend, move |env| {
        env.with("HYDRA_JWKS_URL", url)
            .with("HYDRA_ISSUER_URL", ISSUER)
    })
    .await
}

async fn hydra_tokens_identify_their_user_and_bad_ones_are_refused(backend: Backend) {
    let jwks = Jwks::start(HYDRA_KEY, "test-kid").await;
    let app = hydra_app(backend, &jwks).await;
    let (user, _) = app.user_with_token("hal@example.org").await;
    let claims = |aud: &str, iss: &str, exp: i64| json!({"iss": iss, "aud": [aud], "sub": "kratos-1", "exp": exp, "iat": now(), "alkemio_actor_id": user.id.to_string()});
    let good = rs256(
        HYDRA_KEY,
        "test-kid",
        &claims("alkemio-web", ISSUER, now() + 600),
    );
    let (status, body) = app.graphql_as(&good, ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["user"]["email"], "hal@example.org");
    // inside the 30 s tolerance an expired token still passes
    let just_expired = rs256(
        HYDRA_KEY,
        "test-kid",
        &claims("alkemio-web", ISSUER, now() - 10),
    );
    assert_eq!(app.graphql_as(&just_expired, ME, json!({})).await.0, 200);

    let cases = [
        (
            rs256(
                HYDRA_KEY,
                "test-kid",
                &claims("alkemio-web", ISSUER, now() - 120),
            ),
            "token_expired",
        ),
        (
            rs256(
                HYDRA_KEY,
                "test-kid",
                &claims("someone-else", ISSUER, now() + 600),
            ),
            "invalid_audience",
        ),
        (
            rs256(
                HYDRA_KEY,
                "test-kid",
                &claims("alkemio-web", "http://hydra.test", now() + 600),
            ),
            "invalid_iss",
        ),
        (
            rs256(
                HYDRA_KEY,
                "test-kid",
                &json!({"iss": ISSUER, "aud": "alkemio-web", "exp": now() + 600}),
            ),
            "missing_alkemio_actor_id",
        ),
        (
            rs256(
                OTHER_KEY,
                "test-kid",
                &claims("alkemio-web", ISSUER, now() + 600),
            ),
            "invalid_signature",
        ),
        (
            rs256(
                OTHER_KEY,
                "unknown-kid",
                &claims("alkemio-web", ISSUER, now() + 600),
            ),
            "ERR_JWKS_NO_MATCHING_KEY",
        ),
        // an HS256 token is not accepted once Hydra is configured (non-interactive login is off)
        (
            app.user_with_token("hal@example.org").await.1,
            "ERR_JOSE_NOT_SUPPORTED",
        ),
    ];
    for (token, code) in cases {
        let (status, body) = app.graphql_as(&token, ME, json!({})).await;
        assert_401(status, &body, code);
    }
    // the key set is fetched once and reused
    assert_eq!(jwks.fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
}

async fn kratos_login_mints_a_token_for_the_resolved_user(backend: Backend) {
    let kratos = Kratos::start().await;
    let identity_id = uuid::Uuid::new_v4().to_string();
    kratos
        .add(Identity {
            id: identity_id.clone(),
            email: "kim@example.org".into(),
            password: "s3cret!".into(),
            first: "Kim".into(),
            last: "Lee".into(),
        })
        .await;
    let url = kratos.url.clone();
    let app = spawn_app_with(backend, move |env| {
        env.with("AUTH_ORY_KRATOS_PUBLIC_BASE_URL_SERVER", url.clone())
            .with("AUTH_ORY_KRATOS_ADMIN_BASE_URL_SERVER", url)
            .with("ENABLE_NON_INTERACTIVE_LOGIN", "true")
    })
    .await;
    let login = |email: &str, password: &str| {
        app.client
            .post(format!("{}/api/auth/non-interactive-login", app.address))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    let res = login("kim@example.org", "wrong").await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["message"],
        "invalid_credentials"
    );
    let res = app
        .client
        .post(format!("{}/api/auth/non-interactive-login", app.address))
        .json(&json!({"email": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let res = login("kim@example.org", "s3cret!").await.unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_at"].as_i64().unwrap() > now());
    let token = body["api_token"].as_str().unwrap();
    // the token works on the non-interactive path too
    let res = app
        .client
        .post(format!(
            "{}/api/private/non-interactive/graphql",
            app.address
        ))
        .bearer_auth(token)
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["data"]["me"]["user"]["email"], "kim@example.org", "{me}");
    let user_id = me["data"]["me"]["user"]["id"].as_str().unwrap().to_owned();

    // the OIDC service's resolve call finds the same user by authentication id
    let resolve = |id: &str| {
        app.client
            .post(format!("{}/rest/internal/identity/resolve", app.address))
            .json(&json!({"authenticationId": id}))
            .send()
    };
    let res = resolve(&identity_id).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"userId": user_id, "actorID": user_id})
    );
    assert_eq!(
        resolve(&uuid::Uuid::new_v4().to_string())
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.client
            .post(format!("{}/rest/internal/identity/resolve", app.address))
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );

    // an identity whose e-mail belongs to an existing user is linked to it, not duplicated
    let admin_identity = uuid::Uuid::new_v4().to_string();
    kratos
        .add(Identity {
            id: admin_identity.clone(),
            email: "admin@alkem.io".into(),
            password: "p".into(),
            first: "a".into(),
            last: "b".into(),
        })
        .await;
    let admin = app
        .services
        .users
        .user_by_email("admin@alkem.io")
        .await
        .unwrap()
        .unwrap();
    let res = resolve(&admin_identity).await.unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["userId"],
        admin.id.to_string()
    );
}

async fn sign_in_details_show_to_the_user_and_platform_admins(backend: Backend) {
    let kratos = Kratos::start().await;
    let identity = uuid::Uuid::new_v4().to_string();
    kratos
        .add(Identity {
            id: identity.clone(),
            email: "signs-in@example.org".into(),
            password: "pw".into(),
            first: "Sig".into(),
            last: "Nin".into(),
        })
        .await;
    let url = kratos.url.clone();
    let app = spawn_app_with(backend, move |env| {
        env.with("AUTH_ORY_KRATOS_ADMIN_BASE_URL_SERVER", url)
    })
    .await;
    let user = app
        .services
        .users
        .register(
            alkemio_contributor::NewUser {
                email: "signs-in@example.org".into(),
                first_name: "Sig".into(),
                last_name: "Nin".into(),
                authentication_id: Some(identity),
            },
            &[],
        )
        .await
        .unwrap();
    let (_, own) = app.user_with_token("signs-in@example.org").await;
    let (_, admin) = app.user_with_token("admin@alkem.io").await;
    let (_, other) = app.user_with_token("other@example.org").await;
    let query = "query($id: UUID!) { lookup { user(ID: $id) { authentication { methods createdAt authenticatedAt } } } }";
    let vars = json!({"id": user.id.to_string()});
    for token in [&own, &admin] {
        let (_, body) = app.graphql_as(token, query, vars.clone()).await;
        let auth = &body["data"]["lookup"]["user"]["authentication"];
        assert_eq!(auth["methods"], json!(["GITHUB", "EMAIL"]), "{body}");
        assert_eq!(auth["createdAt"], "2024-06-01T10:00:00.000Z");
        // the latest of the active sessions
        assert_eq!(auth["authenticatedAt"], "2025-03-04T05:06:07.000Z");
    }
    let (_, body) = app.graphql_as(&other, query, vars).await;
    assert_eq!(
        body["data"]["lookup"]["user"]["authentication"],
        json!({"methods": ["UNKNOWN"], "createdAt": null, "authenticatedAt": null})
    );
}
