//! Two-factor sign-in: enrolment, sign-in with a code, replays refused, recovery codes used
//! once, failures throttled, a center's requirement for chosen roles, and an
//! administrator's reset (the user enrols again).

use crate::db_tests;
use crate::helpers::{Db, INITIAL_PASSWORD, STAFF_PASSWORD, TestApp, spawn};
use chrono::Duration;
use serde_json::json;
use tsunagu_domain::Clock;
use tsunagu_domain::auth::totp;

fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::base32_decode(secret).unwrap();
    let step = totp::step_at(app.clock.now().timestamp());
    format!("{:06}", totp::code(&bytes, step).unwrap())
}

async fn login_with(app: &TestApp, login: &str, code: Option<&str>) -> crate::helpers::Resp {
    let mut body = json!({"login": login, "password": STAFF_PASSWORD});
    if let Some(c) = code {
        body["totp"] = json!(c);
    }
    app.post_anon("/api/v1/auth/login", body).await
}

async fn enrol_sign_in_replay_and_recover(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    let me = app.get("/api/v1/me", &t).await.expect(200);
    assert_eq!(
        (
            me.body["totp_enabled"].as_bool(),
            me.body["totp_required"].as_bool()
        ),
        (Some(false), Some(false))
    );

    app.post("/api/v1/me/totp/confirm", &t, json!({"code": "123456"}))
        .await
        .problem(422, "totp_not_started");
    let e = app.post("/api/v1/me/totp", &t, json!({})).await.expect(200);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    assert!(
        e.body["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Tsunagu:sato?secret=")
    );
    let bad = app
        .post("/api/v1/me/totp/confirm", &t, json!({"code": "000000"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.body["errors"][0]["code"], "invalid_totp");
    let r = app
        .post(
            "/api/v1/me/totp/confirm",
            &t,
            json!({"code": code_now(&app, &secret)}),
        )
        .await
        .expect(200);
    let recovery: Vec<String> = r.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    app.post("/api/v1/me/totp", &t, json!({}))
        .await
        .problem(409, "totp_already_enabled");

    // The password alone is now the first step only.
    login_with(&app, "sato", None)
        .await
        .problem(401, "totp_required");
    login_with(&app, "sato", Some("000000"))
        .await
        .problem(401, "invalid_totp");
    // The code used to confirm cannot sign in again within its window (a code is good once).
    login_with(&app, "sato", Some(&code_now(&app, &secret)))
        .await
        .problem(401, "invalid_totp");
    app.clock.advance(Duration::seconds(30));
    let code = code_now(&app, &secret);
    login_with(&app, "sato", Some(&code)).await.expect(200);
    login_with(&app, "sato", Some(&code))
        .await
        .problem(401, "invalid_totp");
    // A recovery code signs in once, whatever its case and spacing.
    login_with(&app, "sato", Some(&recovery[0].to_uppercase()))
        .await
        .expect(200);
    login_with(&app, "sato", Some(&recovery[0]))
        .await
        .problem(401, "invalid_totp");
    // Wrong codes count toward the lock like wrong passwords (one since the last sign-in).
    for _ in 0..4 {
        login_with(&app, "sato", Some("111111")).await;
    }
    login_with(&app, "sato", Some(&recovery[1]))
        .await
        .problem(429, "too_many_attempts");
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "auth.totp_enable"));
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.login" && e.detail.as_deref() == Some("factor=totp"))
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.login" && e.detail.as_deref() == Some("invalid_totp"))
    );
}

async fn centers_require_it_for_chosen_roles(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let path = format!("/api/v1/centers/{}", c.id);
    let e = app.get(&path, &c.admin).await.expect(200).etag();
    app.patch(
        &path,
        &c.admin,
        Some(&e),
        json!({"totp_roles": ["system_admin"]}),
    )
    .await
    .problem(422, "validation_failed");
    app.patch(
        &path,
        &c.admin,
        Some(&e),
        json!({"totp_roles": ["supervisor"]}),
    )
    .await
    .expect(200);
    let (_, sup) = app.staff(&c, "suzuki", "supervisor").await;
    let (_, con) = app.staff(&c, "sato", "consultant").await;
    // The supervisor may sign in, but only to set up the second factor.
    let me = app.get("/api/v1/me", &sup).await.expect(200);
    assert_eq!(me.body["totp_required"], true);
    app.get("/api/v1/follow-ups", &sup)
        .await
        .problem(403, "totp_enrollment_required");
    app.get("/api/v1/follow-ups", &con).await.expect(200);
    let secret = app
        .post("/api/v1/me/totp", &sup, json!({}))
        .await
        .expect(200)
        .body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/me/totp/confirm",
        &sup,
        json!({"code": code_now(&app, &secret)}),
    )
    .await
    .expect(200);
    // Set up: the same token works at once (every request re-reads the user).
    app.get("/api/v1/follow-ups", &sup).await.expect(200);
    assert_eq!(
        app.get("/api/v1/me", &sup).await.expect(200).body["totp_required"],
        false
    );
    app.post("/api/v1/auth/logout", &con, json!({}))
        .await
        .expect(204);
}

/// Enrols the caller; returns the secret and the recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let secret = app
        .post("/api/v1/me/totp", token, json!({}))
        .await
        .expect(200)
        .body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            "/api/v1/me/totp/confirm",
            token,
            json!({"code": code_now(app, &secret)}),
        )
        .await
        .expect(200);
    let codes = r.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql)
        .get_result::<Count>(&mut app.db.raw())
        .unwrap()
        .n
}

async fn an_administrator_resets_it_and_the_user_enrols_again(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let path = format!("/api/v1/centers/{}", c.id);
    let e = app.get(&path, &c.admin).await.expect(200).etag();
    app.patch(
        &path,
        &c.admin,
        Some(&e),
        json!({"totp_roles": ["supervisor"]}),
    )
    .await
    .expect(200);
    let (sup_id, sup) = app.staff(&c, "suzuki", "supervisor").await;
    let (_, recovery) = enrol(&app, &sup).await;
    // A second session of theirs, elsewhere.
    app.clock.advance(Duration::seconds(30));
    let elsewhere = app
        .post_anon(
            "/api/v1/auth/login",
            json!({"login": "suzuki", "password": STAFF_PASSWORD, "totp": recovery[0]}),
        )
        .await
        .expect(200)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reset = format!("/api/v1/users/{sup_id}/two-factor-reset");

    // Who may not: colleagues, another center's administrator, nobody their own.
    let (_, con) = app.staff(&c, "sato", "consultant").await;
    app.post(&reset, &con, json!({}))
        .await
        .problem(403, "insufficient_role");
    app.post(&reset, &sup, json!({}))
        .await
        .problem(403, "insufficient_role");
    let other = app.center("c2").await;
    app.post(&reset, &other.admin, json!({}))
        .await
        .problem(404, "not_found");
    let admin_id = app.get("/api/v1/me", &c.admin).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/users/{admin_id}/two-factor-reset"),
        &c.admin,
        json!({}),
    )
    .await
    .problem(403, "cannot_change_self");
    app.post(
        &format!("/api/v1/users/{}/two-factor-reset", uuid::Uuid::now_v7()),
        &c.admin,
        json!({}),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/follow-ups", &sup).await.expect(200);

    // The center administrator resets it: every session of theirs ends at once.
    app.post(&reset, &c.admin, json!({})).await.expect(204);
    app.get("/api/v1/me", &sup)
        .await
        .problem(401, "invalid_token");
    app.get("/api/v1/me", &elsewhere)
        .await
        .problem(401, "invalid_token");
    let u = app
        .get(&format!("/api/v1/users/{sup_id}"), &c.admin)
        .await
        .expect(200);
    assert_eq!(u.body["totp_enabled"], false);
    // Nothing of the enrolment is left: no secret, no recovery code.
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = '{sup_id}'")
        ),
        0
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM users WHERE id = '{sup_id}' AND totp_secret IS NULL"
            )
        ),
        1
    );

    // The next sign-in: the password alone, and then enrolment before anything else.
    let again = login_with(&app, "suzuki", None).await.expect(200).body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app.get("/api/v1/me", &again).await.expect(200);
    assert_eq!(
        (&me.body["totp_enabled"], &me.body["totp_required"]),
        (&json!(false), &json!(true))
    );
    app.get("/api/v1/follow-ups", &again)
        .await
        .problem(403, "totp_enrollment_required");
    app.clock.advance(Duration::seconds(30));
    let (new_secret, _) = enrol(&app, &again).await;
    app.get("/api/v1/follow-ups", &again).await.expect(200);
    app.clock.advance(Duration::seconds(30));
    login_with(&app, "suzuki", None)
        .await
        .problem(401, "totp_required");
    login_with(&app, "suzuki", Some(&code_now(&app, &new_secret)))
        .await
        .expect(200);

    // Idempotent: a user with nothing set up is answered the same.
    let con_id = app.get("/api/v1/me", &con).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        app.post(
            &format!("/api/v1/users/{con_id}/two-factor-reset"),
            &c.admin,
            json!({}),
        )
        .await
        .expect(204);
    }

    // A fellow center administrator's is the system administrator's to reset.
    let second = app.post("/api/v1/users", &app.admin_token, json!({"center_id": c.id, "login": "c1.admin2", "display_name": "管理 二郎", "role": "center_admin", "password": INITIAL_PASSWORD})).await.expect(201).id();
    let second_reset = format!("/api/v1/users/{second}/two-factor-reset");
    app.post(&second_reset, &c.admin, json!({}))
        .await
        .problem(403, "insufficient_role");
    app.post(&second_reset, &app.admin_token, json!({}))
        .await
        .expect(204);

    // Audited: one event naming the user for each reset, and the refusals.
    let events = app.audit_events();
    let resets: Vec<_> = events
        .iter()
        .filter(|e| e.action == "auth.totp_reset" && e.outcome == "success")
        .collect();
    assert_eq!(resets.len(), 4, "{resets:?}");
    assert_eq!(resets[0].resource_id.as_deref(), Some(sup_id.as_str()));
    assert_eq!(resets[0].detail.as_deref(), Some("was_enabled=true"));
    assert_eq!(resets[1].detail.as_deref(), Some("was_enabled=false"));
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.totp_reset" && e.outcome == "denied")
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.totp_reset" && e.outcome == "not_found")
    );
}

db_tests!(
    enrol_sign_in_replay_and_recover,
    centers_require_it_for_chosen_roles,
    an_administrator_resets_it_and_the_user_enrols_again
);
