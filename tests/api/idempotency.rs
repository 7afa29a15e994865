//! Safe retries with `Idempotency-Key` on creating requests.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use awc::http::Method;
use diesel::RunQueryDsl;
use serde_json::{Value, json};

async fn post_with_key(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: Value,
) -> crate::helpers::Resp {
    app.request(
        Method::POST,
        path,
        Some(token),
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(body.to_string().into_bytes()),
    )
    .await
}

fn patient(family: &str) -> Value {
    json!({"family_name": family, "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
           "birth_date": "1980-01-01", "program": "nanbyo", "employment_status": "employed", "support_awareness": "unaware"})
}

async fn a_retry_gets_the_first_answer_not_a_second_record(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    let (_, t2) = app.staff(&c, "ito", "consultant").await;
    let first = post_with_key(&app, &t, "/api/v1/patients", "key-1", patient("山田"))
        .await
        .expect(201);
    let again = post_with_key(&app, &t, "/api/v1/patients", "key-1", patient("山田"))
        .await
        .expect(201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert!(first.header("idempotent-replayed").is_none());
    let list = app.get("/api/v1/patients", &t).await.expect(200);
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "one patient, not two"
    );
    // The same key with another body is refused; another caller's key is its own.
    post_with_key(&app, &t, "/api/v1/patients", "key-1", patient("川口"))
        .await
        .problem(422, "idempotency_key_reused");
    post_with_key(&app, &t2, "/api/v1/patients", "key-1", patient("川口"))
        .await
        .expect(201);
    // Refusals are remembered too: the same bad request gets the same answer.
    let bad = post_with_key(
        &app,
        &t,
        "/api/v1/patients",
        "key-2",
        json!({"family_name": "x"}),
    )
    .await
    .problem(422, "invalid_body");
    let bad2 = post_with_key(
        &app,
        &t,
        "/api/v1/patients",
        "key-2",
        json!({"family_name": "x"}),
    )
    .await
    .problem(422, "invalid_body");
    assert_eq!(bad.body, bad2.body);
    // A key still being answered (another request holds it) is 409.
    let user = app.get("/api/v1/me", &t).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut conn = app.db.raw();
    diesel::sql_query(format!(
        "INSERT INTO idempotency_keys (caller, key, request_hash, state, created_at) VALUES ('user:{user}', 'busy', 'x', 'in_progress', '2026-06-01 00:00:00')"
    ))
    .execute(&mut conn)
    .unwrap();
    post_with_key(&app, &t, "/api/v1/patients", "busy", patient("山田"))
        .await
        .problem(409, "idempotency_in_progress");
    // After 24 hours a key is forgotten.
    app.clock.advance(chrono::Duration::hours(25));
    let t = app.login("sato", crate::helpers::STAFF_PASSWORD).await;
    post_with_key(&app, &t, "/api/v1/patients", "busy", patient("山田"))
        .await
        .expect(201);
    post_with_key(
        &app,
        &t,
        "/api/v1/patients",
        &"k".repeat(300),
        patient("山田"),
    )
    .await
    .problem(400, "invalid_idempotency_key");
}

db_tests!(a_retry_gets_the_first_answer_not_a_second_record);
