//! Sign-in, tokens and sessions.

use crate::db_tests;
use crate::helpers::{Db, STAFF_PASSWORD, spawn};
use awc::http::Method;
use chrono::Duration;
use serde_json::json;

async fn login_answers_identically_for_unknown_user_and_wrong_password(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    app.staff(&c, "sato", "consultant").await;
    let wrong = app
        .try_login("sato", "not the right password")
        .await
        .problem(401, "invalid_credentials");
    let unknown = app
        .try_login("nobody", "not the right password")
        .await
        .problem(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.header("www-authenticate").as_deref(), Some("Bearer"));
    // Logins are case-insensitive.
    app.try_login("SATO", STAFF_PASSWORD).await.expect(200);
    let denied = app
        .audit_actions()
        .iter()
        .filter(|(a, o)| a == "auth.login" && o == "denied")
        .count();
    assert_eq!(denied, 2, "every failed attempt is audited");
}

async fn token_pair_has_the_contract_shape(db: Db) {
    let app = spawn(db).await;
    let r = app
        .try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    assert_eq!(r.body["token_type"], "Bearer");
    let exp = r.body["expires_in"].as_i64().unwrap();
    assert!(
        exp > 0 && exp <= 15 * 60,
        "access tokens live at most 15 minutes, got {exp}"
    );
    assert!(r.body["refresh_token"].as_str().unwrap().starts_with("rt_"));
    let me = app
        .get("/api/v1/me", r.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(me.body["role"], "system_admin");
    assert_eq!(me.body["login"], "admin");
    assert!(me.body["center_id"].is_null());
}

async fn refresh_rotates_and_reuse_revokes_the_session(db: Db) {
    let app = spawn(db).await;
    let first = app
        .try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    let rt1 = first.body["refresh_token"].as_str().unwrap().to_owned();
    let second = app
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": rt1}))
        .await
        .expect(200);
    let rt2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt2);
    let at2 = second.body["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/me", &at2).await.expect(200);

    // The spent token comes back: the whole session ends, including the newest tokens.
    app.post_anon("/api/v1/auth/refresh", json!({"refresh_token": rt1}))
        .await
        .problem(401, "invalid_refresh_token");
    app.post_anon("/api/v1/auth/refresh", json!({"refresh_token": rt2}))
        .await
        .problem(401, "invalid_refresh_token");
    app.get("/api/v1/me", &at2)
        .await
        .problem(401, "invalid_token");
    app.post_anon(
        "/api/v1/auth/refresh",
        json!({"refresh_token": "rt_made_up"}),
    )
    .await
    .problem(401, "invalid_refresh_token");
}

async fn logout_stops_access_and_refresh_tokens_at_once(db: Db) {
    let app = spawn(db).await;
    let r = app
        .try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    let at = r.body["access_token"].as_str().unwrap();
    app.request(Method::POST, "/api/v1/auth/logout", Some(at), &[], None)
        .await
        .expect(204);
    app.get("/api/v1/me", at)
        .await
        .problem(401, "invalid_token");
    app.post_anon(
        "/api/v1/auth/refresh",
        json!({"refresh_token": r.body["refresh_token"]}),
    )
    .await
    .problem(401, "invalid_refresh_token");
    // Another session of the same user is unaffected.
    app.get("/api/v1/me", &app.admin_token).await.expect(200);
}

async fn access_tokens_expire_and_sessions_end(db: Db) {
    let app = spawn(db).await;
    let r = app
        .try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    let at = r.body["access_token"].as_str().unwrap();
    app.clock
        .advance(Duration::minutes(10) + Duration::seconds(10));
    app.get("/api/v1/me", at).await.expect(200); // within the 30 s leeway
    app.clock.advance(Duration::seconds(30));
    app.get("/api/v1/me", at)
        .await
        .problem(401, "token_expired");
    // The refresh token still works until the session's 12 hours are up.
    let r2 = app
        .post_anon(
            "/api/v1/auth/refresh",
            json!({"refresh_token": r.body["refresh_token"]}),
        )
        .await
        .expect(200);
    app.clock.advance(Duration::hours(12));
    app.post_anon(
        "/api/v1/auth/refresh",
        json!({"refresh_token": r2.body["refresh_token"]}),
    )
    .await
    .problem(401, "invalid_refresh_token");
}

async fn forged_and_malformed_tokens_are_refused(db: Db) {
    let app = spawn(db).await;
    app.request(Method::GET, "/api/v1/me", None, &[], None)
        .await
        .problem(401, "missing_token");
    app.get("/api/v1/me", "not-a-jwt")
        .await
        .problem(401, "invalid_token");
    // Same claims, other key; and the `none` algorithm.
    let parts: Vec<&str> = app.admin_token.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0], parts[1], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    );
    app.get("/api/v1/me", &forged)
        .await
        .problem(401, "invalid_token");
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    app.get("/api/v1/me", &format!("{none_header}.{}.", parts[1]))
        .await
        .problem(401, "invalid_token");
}

async fn repeated_failures_are_slowed_then_locked(db: Db) {
    let app = spawn(db).await;
    for _ in 0..5 {
        app.try_login("admin", "wrong password, again")
            .await
            .problem(401, "invalid_credentials");
    }
    // Locked: even the right password is refused until the lock ends.
    let locked = app
        .try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .problem(429, "too_many_attempts");
    let retry: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "retry-after {retry}");
    // Unknown logins are locked the same way, so locking reveals nothing.
    for _ in 0..5 {
        app.try_login("ghost", "wrong password, again")
            .await
            .problem(401, "invalid_credentials");
    }
    app.try_login("ghost", "wrong password, again")
        .await
        .problem(429, "too_many_attempts");

    app.clock.advance(Duration::seconds(61));
    app.try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    // Success clears the count.
    app.try_login("admin", "wrong password, again")
        .await
        .problem(401, "invalid_credentials");
    app.try_login("admin", crate::helpers::ADMIN_PASSWORD)
        .await
        .expect(200);
    assert!(
        app.audit_actions()
            .iter()
            .any(|(a, o)| a == "auth.login" && o == "denied")
    );
}

async fn deactivation_and_role_change_end_sessions_at_once(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (uid, token) = app.staff(&c, "sato", "consultant").await;
    let path = format!("/api/v1/users/{uid}");
    let etag = app.get(&path, &c.admin).await.expect(200).etag();
    app.patch(&path, &c.admin, Some(&etag), json!({"role": "supervisor"}))
        .await
        .expect(200);
    app.get("/api/v1/me", &token)
        .await
        .problem(401, "invalid_token");
    let token = app.login("sato", STAFF_PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/me", &token).await.expect(200).body["role"],
        "supervisor"
    );

    let etag = app.get(&path, &c.admin).await.expect(200).etag();
    app.patch(&path, &c.admin, Some(&etag), json!({"active": false}))
        .await
        .expect(200);
    app.get("/api/v1/me", &token)
        .await
        .problem(401, "invalid_token");
    app.try_login("sato", STAFF_PASSWORD)
        .await
        .problem(401, "invalid_credentials");

    // Deactivating a center locks out its staff.
    let center_path = format!("/api/v1/centers/{}", c.id);
    let etag = app
        .get(&center_path, &app.admin_token)
        .await
        .expect(200)
        .etag();
    app.patch(
        &center_path,
        &app.admin_token,
        Some(&etag),
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", &c.admin)
        .await
        .problem(401, "invalid_token");
}

async fn password_change_needs_policy_and_ends_sessions(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (uid, token) = app.staff(&c, "sato", "consultant").await;
    let path = format!("/api/v1/users/{uid}");
    let etag = app.get(&path, &token).await.expect(200).etag();
    let weak = app
        .patch(
            &path,
            &token,
            Some(&etag),
            json!({"password": "password1234"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(weak.body["errors"][0]["code"], "password_too_weak");
    // Anyone may change their own password, but not their own role.
    app.patch(&path, &token, Some(&etag), json!({"role": "supervisor"}))
        .await
        .problem(403, "insufficient_role");
    app.patch(
        &path,
        &token,
        Some(&etag),
        json!({"password": "a brand new passphrase for me"}),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", &token)
        .await
        .problem(401, "invalid_token");
    app.login("sato", "a brand new passphrase for me").await;
}

/// `POST /auth/refresh` as the web app sends it: an empty body and the cookie.
async fn refresh(
    app: &crate::helpers::TestApp,
    cookie: &str,
    with_header: bool,
) -> crate::helpers::Resp {
    let mut h = vec![("content-type", "application/json"), ("cookie", cookie)];
    if with_header {
        h.push(("x-tsunagu-session", "cookie"));
    }
    app.request(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        &h,
        Some(b"{}".to_vec()),
    )
    .await
}

/// The web app's form: the refresh token only in an `HttpOnly; SameSite=Strict` cookie on
/// the sign-in paths, read only with `X-Tsunagu-Session: cookie` (the CSRF guard), rotated on
/// each refresh, removed on a refused refresh and on sign-out.
async fn the_web_app_keeps_its_refresh_token_in_an_http_only_cookie(db: Db) {
    let app = spawn(db).await;
    let cookie_of = |r: &crate::helpers::Resp| -> (String, String) {
        let set = r.header("set-cookie").expect("a Set-Cookie");
        let pair = set.split(';').next().unwrap().trim().to_owned();
        (pair, set)
    };
    let body = json!({"login": "admin", "password": crate::helpers::ADMIN_PASSWORD}).to_string();
    let signed_in = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &[
                ("content-type", "application/json"),
                ("x-tsunagu-session", "cookie"),
            ],
            Some(body.into_bytes()),
        )
        .await
        .expect(200);
    // The page's scripts never see the refresh token.
    assert!(
        signed_in.body.get("refresh_token").is_none(),
        "{}",
        signed_in.body
    );
    assert!(signed_in.body["access_token"].is_string());
    let (c1, attributes) = cookie_of(&signed_in);
    assert!(c1.starts_with("tsunagu_refresh=rt_"), "{attributes}");
    for a in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
        "Max-Age=43200",
    ] {
        assert!(attributes.contains(a), "{a} missing: {attributes}");
    }
    assert_eq!(
        signed_in.header("cache-control").as_deref(),
        Some("no-store")
    );

    // Without the header the cookie is not read (another site could make the browser send it).
    refresh(&app, &c1, false)
        .await
        .problem(401, "invalid_refresh_token");
    // A reload: the tab gets a new access token from the cookie, and the cookie rotates.
    let reloaded = refresh(&app, &c1, true).await.expect(200);
    assert!(reloaded.body.get("refresh_token").is_none());
    let at = reloaded.body["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/me", &at).await.expect(200);
    let (c2, _) = cookie_of(&reloaded);
    assert_ne!(c1, c2);
    // The spent cookie comes back: the session ends and the browser is told to drop it.
    let refused = refresh(&app, &c1, true)
        .await
        .problem(401, "invalid_refresh_token");
    let (_, removal) = cookie_of(&refused);
    assert!(removal.contains("Max-Age=0"), "{removal}");
    app.get("/api/v1/me", &at)
        .await
        .problem(401, "invalid_token");

    // Sign-out removes the cookie: another tab's next refresh finds none.
    let signed_in = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &[
                ("content-type", "application/json"),
                ("x-tsunagu-session", "cookie"),
            ],
            Some(
                json!({"login": "admin", "password": crate::helpers::ADMIN_PASSWORD})
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await
        .expect(200);
    let (c3, _) = cookie_of(&signed_in);
    let at = signed_in.body["access_token"].as_str().unwrap();
    let out = app
        .request(Method::POST, "/api/v1/auth/logout", Some(at), &[], None)
        .await
        .expect(204);
    let (_, removal) = cookie_of(&out);
    assert!(
        removal.starts_with("tsunagu_refresh=;") && removal.contains("Max-Age=0"),
        "{removal}"
    );
    refresh(&app, &c3, true)
        .await
        .problem(401, "invalid_refresh_token");
    // API clients keep the body form.
    app.post_anon("/api/v1/auth/refresh", json!({}))
        .await
        .problem(401, "invalid_refresh_token");
}

db_tests!(
    login_answers_identically_for_unknown_user_and_wrong_password,
    token_pair_has_the_contract_shape,
    refresh_rotates_and_reuse_revokes_the_session,
    logout_stops_access_and_refresh_tokens_at_once,
    access_tokens_expire_and_sessions_end,
    forged_and_malformed_tokens_are_refused,
    repeated_failures_are_slowed_then_locked,
    deactivation_and_role_change_end_sessions_at_once,
    password_change_needs_policy_and_ends_sessions,
    the_web_app_keeps_its_refresh_token_in_an_http_only_cookie,
);
