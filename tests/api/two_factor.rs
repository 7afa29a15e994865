//! Two-factor sign-in: enrolment, sign-in with a code, replays refused, recovery codes used
//! once, failures throttled, and a center's requirement for chosen roles.

use crate::db_tests;
use crate::helpers::{Db, STAFF_PASSWORD, TestApp, spawn};
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

db_tests!(
    enrol_sign_in_replay_and_recover,
    centers_require_it_for_chosen_roles
);
