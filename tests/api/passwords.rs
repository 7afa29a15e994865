//! Passwords: one an administrator chose (a new account, or a password they set) is changed
//! at the next sign-in before anything else works; anyone changes their own with the current
//! one; wrong current passwords count toward the sign-in lockout; neither password is kept
//! anywhere.

use crate::db_tests;
use crate::helpers::{Db, INITIAL_PASSWORD, STAFF_PASSWORD, TestApp, spawn};
use serde_json::json;

const NEW_PASSWORD: &str = "velvet comet harbor 2027";

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> crate::helpers::Resp {
    app.post(
        "/api/v1/me/password",
        token,
        json!({"current_password": current, "new_password": new}),
    )
    .await
}

async fn a_new_user_changes_the_initial_password_first(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let u = app
        .post("/api/v1/users", &c.admin, json!({"login": "sato", "display_name": "佐藤 花子", "role": "consultant", "password": INITIAL_PASSWORD}))
        .await
        .expect(201);
    assert_eq!(u.body["must_change_password"], true);
    let id = u.id();

    // Sign-in works, and so do the account's own routes; nothing else does.
    let first = app.login("sato", INITIAL_PASSWORD).await;
    let other_session = app.login("sato", INITIAL_PASSWORD).await;
    let me = app.get("/api/v1/me", &first).await.expect(200);
    assert_eq!(me.body["must_change_password"], true);
    for path in ["/api/v1/patients", "/api/v1/follow-ups", "/api/v1/users"] {
        app.get(path, &first)
            .await
            .problem(403, "password_change_required");
    }
    app.get(&format!("/api/v1/users/{id}"), &first)
        .await
        .problem(403, "password_change_required");
    // Not even the password through the staff record: only with the current one.
    app.patch(
        &format!("/api/v1/users/{id}"),
        &first,
        Some("*"),
        json!({"password": NEW_PASSWORD}),
    )
    .await
    .problem(403, "password_change_required");
    app.post("/api/v1/me/totp", &first, json!({}))
        .await
        .problem(403, "password_change_required");

    // Refusals: a wrong current password, a weak or unchanged new one, a missing field.
    change(&app, &first, "not the password at all", NEW_PASSWORD)
        .await
        .problem(422, "current_password_incorrect");
    let weak = change(&app, &first, INITIAL_PASSWORD, "password1234")
        .await
        .problem(422, "validation_failed");
    assert_eq!(weak.body["errors"][0]["field"], "new_password");
    assert_eq!(weak.body["errors"][0]["code"], "password_too_weak");
    let short = change(&app, &first, INITIAL_PASSWORD, "short")
        .await
        .problem(422, "validation_failed");
    assert_eq!(short.body["errors"][0]["code"], "password_too_short");
    let same = change(&app, &first, INITIAL_PASSWORD, INITIAL_PASSWORD)
        .await
        .problem(422, "validation_failed");
    assert_eq!(same.body["errors"][0]["code"], "password_reused");
    app.post(
        "/api/v1/me/password",
        &first,
        json!({"new_password": NEW_PASSWORD}),
    )
    .await
    .problem(422, "invalid_body");
    app.get("/api/v1/patients", &first)
        .await
        .problem(403, "password_change_required");

    // The change: this session goes on with everything open, the other one ends.
    change(&app, &first, INITIAL_PASSWORD, NEW_PASSWORD)
        .await
        .expect(204);
    let me = app.get("/api/v1/me", &first).await.expect(200);
    assert_eq!(me.body["must_change_password"], false);
    app.get("/api/v1/patients", &first).await.expect(200);
    app.get("/api/v1/me", &other_session)
        .await
        .problem(401, "invalid_token");
    app.try_login("sato", INITIAL_PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    let again = app.login("sato", NEW_PASSWORD).await;
    app.get("/api/v1/patients", &again).await.expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/users/{id}"), &c.admin)
            .await
            .expect(200)
            .body["must_change_password"],
        false
    );

    // Anyone changes their own at any time, without being asked to change it again.
    change(&app, &again, NEW_PASSWORD, STAFF_PASSWORD)
        .await
        .expect(204);
    app.get("/api/v1/patients", &again).await.expect(200);

    // Audited without either password.
    let events = app.audit_events();
    let changes: Vec<_> = events
        .iter()
        .filter(|e| {
            e.action == "auth.password_change" && e.resource_id.as_deref() == Some(id.as_str())
        })
        .collect();
    assert!(changes.iter().any(
        |e| e.outcome == "denied" && e.detail.as_deref() == Some("current_password_incorrect")
    ));
    let done: Vec<_> = changes.iter().filter(|e| e.outcome == "success").collect();
    assert_eq!(done.len(), 2);
    assert_eq!(done[0].detail.as_deref(), Some("required=true"));
    assert_eq!(done[1].detail.as_deref(), Some("required=false"));
    for e in &events {
        let text = format!("{e:?}");
        for p in [
            INITIAL_PASSWORD,
            NEW_PASSWORD,
            STAFF_PASSWORD,
            "password1234",
        ] {
            assert!(!text.contains(p), "a password in the audit trail: {text}");
        }
    }
}

async fn a_password_set_by_an_administrator_is_changed_at_next_sign_in(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (id, t) = app.staff(&c, "sato", "consultant").await;
    app.get("/api/v1/patients", &t).await.expect(200);
    let path = format!("/api/v1/users/{id}");
    let etag = app.get(&path, &c.admin).await.expect(200).etag();
    // The administrator sets a new one (a forgotten password): sessions end, and it must be
    // changed at the next sign-in.
    let u = app
        .patch(
            &path,
            &c.admin,
            Some(&etag),
            json!({"password": INITIAL_PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(u.body["must_change_password"], true);
    app.get("/api/v1/me", &t)
        .await
        .problem(401, "invalid_token");
    let t = app.login("sato", INITIAL_PASSWORD).await;
    app.get("/api/v1/patients", &t)
        .await
        .problem(403, "password_change_required");
    change(&app, &t, INITIAL_PASSWORD, STAFF_PASSWORD)
        .await
        .expect(204);
    app.get("/api/v1/patients", &t).await.expect(200);

    // Administrators setting their own password are not asked to change it again.
    let me = app.get("/api/v1/me", &c.admin).await.expect(200);
    let admin_path = format!("/api/v1/users/{}", me.body["id"].as_str().unwrap());
    let u = app
        .patch(
            &admin_path,
            &c.admin,
            Some("*"),
            json!({"password": NEW_PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(u.body["must_change_password"], false);
    let admin = app.login("c1.admin", NEW_PASSWORD).await;
    app.get("/api/v1/users", &admin).await.expect(200);
}

/// Wrong current passwords count with the sign-in failures of the login: a stolen session
/// cannot be used to guess the password.
async fn wrong_current_passwords_lock_like_sign_in(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    for _ in 0..5 {
        change(&app, &t, "a wrong guess it is", NEW_PASSWORD)
            .await
            .problem(422, "current_password_incorrect");
    }
    // Locked: the right one is refused too, here and at sign-in.
    change(&app, &t, STAFF_PASSWORD, NEW_PASSWORD)
        .await
        .problem(429, "too_many_attempts");
    app.try_login("sato", STAFF_PASSWORD)
        .await
        .problem(429, "too_many_attempts");
    assert!(
        app.audit_events()
            .iter()
            .any(|e| e.action == "auth.password_change" && e.detail.as_deref() == Some("locked"))
    );
}

/// The body is never kept for replay: the route is outside idempotency.
async fn passwords_are_not_kept_for_replay(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    let r = app
        .request(
            awc::http::Method::POST,
            "/api/v1/me/password",
            Some(&t),
            &[
                ("idempotency-key", "change-1"),
                ("content-type", "application/json"),
            ],
            Some(
                json!({"current_password": STAFF_PASSWORD, "new_password": NEW_PASSWORD})
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status.as_u16(), 204);
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let n = diesel::sql_query("SELECT COUNT(*) AS n FROM idempotency_keys")
        .get_result::<Count>(&mut app.db.raw())
        .unwrap()
        .n;
    assert_eq!(n, 0);
}

db_tests!(
    a_new_user_changes_the_initial_password_first,
    a_password_set_by_an_administrator_is_changed_at_next_sign_in,
    wrong_current_passwords_lock_like_sign_in,
    passwords_are_not_kept_for_replay
);
