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
        "INSERT INTO idempotency_keys (caller, key, request_hash, state, claim, lease_until, created_at) VALUES ('user:{user}', 'busy', 'x', 'in_progress', 'other', '2026-06-01 00:10:00', '2026-06-01 00:00:00')"
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

/// The request hash the layer computes: SHA-256 of the path, a newline and the body.
fn request_hash(path: &str, body: &Value) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body.to_string().as_bytes());
    format!("{:x}", h.finalize())
}

async fn patient_count(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/patients", token).await.expect(200).body["items"]
        .as_array()
        .unwrap()
        .len()
}

/// Issue 13.1: an attempt that died before its change committed leaves only its claim; once
/// the short lease has run out, the retry performs the request (never a day of 409), and the
/// dead attempt, were it still running, could not commit a second record.
async fn a_retry_after_a_crash_before_the_change_performs_it(db: Db) {
    use tsunagu_domain::audit::AuditDraft;
    use tsunagu_domain::events::Action;
    use tsunagu_domain::ports::IdempotencyBegin;
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (user, t) = app.staff(&c, "sato", "consultant").await;
    let body = patient("山田");
    // What the middleware does first: claim the key. Then the process "dies".
    let hash = request_hash("/api/v1/patients", &body);
    let begun = app
        .services
        .idempotency()
        .begin(&format!("user:{user}"), "crash-1", &hash)
        .unwrap();
    let IdempotencyBegin::Started(dead) = begun else {
        panic!("expected a new claim, got {begun:?}")
    };
    // While its lease runs, a duplicate is told to wait, briefly.
    let busy = post_with_key(&app, &t, "/api/v1/patients", "crash-1", body.clone())
        .await
        .problem(409, "idempotency_in_progress");
    let wait: i64 = busy.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "Retry-After {wait}");
    assert_eq!(patient_count(&app, &t).await, 0);
    // After the lease, the retry performs the request.
    app.clock.advance(chrono::Duration::seconds(31));
    let t = app.login("sato", crate::helpers::STAFF_PASSWORD).await;
    let made = post_with_key(&app, &t, "/api/v1/patients", "crash-1", body.clone())
        .await
        .expect(201);
    assert!(made.header("idempotent-replayed").is_none());
    // The dead attempt, had it only been slow, is fenced out: its change cannot commit.
    let mut ev = AuditDraft::system(app.clock_now(), Action::PatientCreate);
    ev.idempotency = Some(dead);
    let refused = app.services.store().append_audit(&[ev]);
    assert!(
        matches!(&refused, Err(tsunagu_domain::DomainError::Conflict { code, .. }) if *code == "idempotency_in_progress"),
        "{refused:?}"
    );
    let again = post_with_key(&app, &t, "/api/v1/patients", "crash-1", body)
        .await
        .expect(201);
    assert_eq!(again.id(), made.id());
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(patient_count(&app, &t).await, 1);
}

/// Issue 13.1: the change committed but the process died before its answer was kept (here a
/// trigger makes storing the answer fail, as a `kill -9` at that instant would): the mark
/// the change left in its own transaction lets the retry answer the record it made — the
/// same id, status and Location — instead of 409 or a duplicate.
async fn a_retry_after_a_crash_after_the_commit_answers_the_record(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    let mut conn = app.db.raw();
    let crash = match db {
        Db::Sqlite => vec![
            "CREATE TRIGGER crash_before_answer BEFORE UPDATE ON idempotency_keys \
             WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
        ],
        Db::Postgres => vec![
            "CREATE FUNCTION crash_before_answer() RETURNS trigger AS $$ BEGIN \
             IF NEW.state = 'done' THEN RAISE EXCEPTION 'simulated crash'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER crash_before_answer BEFORE UPDATE ON idempotency_keys \
             FOR EACH ROW EXECUTE FUNCTION crash_before_answer()",
        ],
    };
    for q in crash {
        diesel::sql_query(q).execute(&mut conn).unwrap();
    }
    let first = post_with_key(&app, &t, "/api/v1/patients", "crash-2", patient("山田"))
        .await
        .expect(201);
    #[derive(diesel::QueryableByName)]
    struct State {
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: String,
    }
    let st: Vec<State> =
        diesel::sql_query("SELECT state FROM idempotency_keys WHERE key = 'crash-2'")
            .load(&mut conn)
            .unwrap();
    assert_eq!(st[0].state, "committed", "the change marked its key");
    // The client never saw that answer; it retries.
    let again = post_with_key(&app, &t, "/api/v1/patients", "crash-2", patient("山田"))
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.id(), first.id());
    assert_eq!(again.body["family_name"], "山田");
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(patient_count(&app, &t).await, 1, "no duplicate");
}

/// Issue 13.4: nothing kept for replay holds a secret or personal data in the clear: an
/// answer with a client secret or a webhook secret is not kept at all (its replay answers
/// the record, without the secret), others are sealed; expired keys are purged on a schedule.
async fn kept_answers_hold_no_secret_and_expire(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    post_with_key(&app, &t, "/api/v1/patients", "p-1", patient("山田"))
        .await
        .expect(201);
    let client = json!({"name": "県の集計", "scopes": ["patients:read"]});
    let made = post_with_key(
        &app,
        &c.admin,
        "/api/v1/api-clients",
        "ac-1",
        client.clone(),
    )
    .await
    .expect(201);
    let secret1 = made.body["client_secret"].as_str().unwrap().to_owned();
    let again = post_with_key(&app, &c.admin, "/api/v1/api-clients", "ac-1", client)
        .await
        .expect(201);
    assert_eq!(again.id(), made.id());
    assert_eq!(again.header("location"), made.header("location"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert!(again.body.get("client_secret").is_none(), "{}", again.body);
    let rotated = post_with_key(
        &app,
        &c.admin,
        &format!("/api/v1/api-clients/{}/rotate-secret", made.id()),
        "rot-1",
        json!({}),
    )
    .await
    .expect(200);
    let secret2 = rotated.body["client_secret"].as_str().unwrap().to_owned();
    let hook = post_with_key(
        &app,
        &c.admin,
        "/api/v1/webhooks",
        "wh-1",
        json!({"url": "https://example.jp/hook", "events": ["patient.created"]}),
    )
    .await
    .expect(201);
    let whsec = hook.body["secret"].as_str().unwrap().to_owned();

    #[derive(diesel::QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        body: Option<String>,
    }
    let mut conn = app.db.raw();
    let kept: Vec<Kept> = diesel::sql_query("SELECT body FROM idempotency_keys")
        .load(&mut conn)
        .unwrap();
    assert_eq!(kept.len(), 4);
    assert_eq!(kept.iter().filter(|k| k.body.is_some()).count(), 1);
    for b in kept.iter().filter_map(|k| k.body.as_deref()) {
        assert!(b.starts_with("enc:v1:"), "{b}");
        for plain in [
            &secret1,
            &secret2,
            &whsec,
            "whsec_",
            "山田",
            "ヤマダ",
            "1980-01-01",
        ] {
            assert!(!b.contains(plain), "{plain} kept in the clear");
        }
    }
    // The patient's answer is replayed from its sealed copy, byte for byte.
    let replay = post_with_key(&app, &t, "/api/v1/patients", "p-1", patient("山田"))
        .await
        .expect(201);
    assert_eq!(replay.body["family_name"], "山田");

    // Keys older than a day are purged by the server's background task.
    app.clock.advance(chrono::Duration::hours(25));
    let keeper = tsunagu_server::housekeeping::Housekeeper::spawn(
        app.services.clone(),
        std::time::Duration::from_millis(20),
    );
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut left = -1;
    for _ in 0..100 {
        let c: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM idempotency_keys")
            .load(&mut conn)
            .unwrap();
        left = c[0].n;
        if left == 0 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    keeper.stop();
    assert_eq!(left, 0, "expired keys purged");
}

db_tests!(
    a_retry_gets_the_first_answer_not_a_second_record,
    a_retry_after_a_crash_before_the_change_performs_it,
    a_retry_after_a_crash_after_the_commit_answers_the_record,
    kept_answers_hold_no_secret_and_expire,
);
