//! No request waits for the database without end: a write held up by a lock another session
//! keeps answers 503 `unavailable` with `Retry-After` once the session's limit has run out
//! (PostgreSQL: `lock_timeout`, or `statement_timeout` when no lock limit is set; SQLite: its
//! busy timeout), nothing of it is stored, and a retry with the same `Idempotency-Key` once
//! the lock is gone makes the record once. The limits themselves are checked on the
//! sessions the pool opens, and migrations are seen to leave them as they were.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn_with};
use awc::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::json;
use std::time::{Duration, Instant};
use tsunagu_store::SessionLimits;

/// Far above the limits the tests set, far below "for ever" (and the client's 30 s).
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

async fn create_patient(app: &TestApp, token: &str, key: &str) -> crate::helpers::Resp {
    let body = json!({"family_name": "待田", "given_name": "花子", "family_name_kana": "マチダ",
        "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo",
        "employment_status": "employed", "support_awareness": "unaware"});
    app.request(
        Method::POST,
        "/api/v1/patients",
        Some(token),
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(body.to_string().into_bytes()),
    )
    .await
}

/// The center's patients (the test's center is new: only what the test made).
async fn patients(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/patients", token).await.expect(200).body["items"]
        .as_array()
        .unwrap()
        .len()
}

/// A write blocked by another session's lock is told to try again, and the retry with the
/// same key, once the lock is gone, makes the record exactly once.
async fn check_a_write_held_up_by_a_lock_answers_503_and_its_retry_resolves(
    db: Db,
    limits: SessionLimits,
) {
    let app = spawn_with(db, |cfg| cfg.db_limits = limits).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;

    // Another session holds the write lock: on PostgreSQL the patients table (reads go on),
    // on SQLite the whole file's.
    let mut other = app.db.raw();
    other
        .batch_execute(match db {
            Db::Postgres => "BEGIN; LOCK TABLE patients IN EXCLUSIVE MODE",
            Db::Sqlite => "BEGIN IMMEDIATE",
        })
        .unwrap();
    let started = Instant::now();
    let refused = create_patient(&app, &t, "held-1").await;
    let took = started.elapsed();
    let refused = refused.problem(503, "unavailable");
    assert!(refused.header("retry-after").is_some(), "no Retry-After");
    assert!(took < ANSWER_WITHIN, "answered after {took:?}");
    other.batch_execute("COMMIT").unwrap();

    assert_eq!(
        patients(&app, &t).await,
        0,
        "nothing of the refused write is stored"
    );
    let made = create_patient(&app, &t, "held-1").await.expect(201);
    let again = create_patient(&app, &t, "held-1").await.expect(201);
    assert_eq!(made.id(), again.id(), "the retry answers the same record");
    assert_eq!(patients(&app, &t).await, 1);
}

async fn a_write_held_up_by_a_lock_answers_503_and_its_retry_resolves(db: Db) {
    let limits = SessionLimits {
        lock: Duration::from_millis(300),
        ..SessionLimits::default()
    };
    check_a_write_held_up_by_a_lock_answers_503_and_its_retry_resolves(db, limits).await;
}

db_tests!(a_write_held_up_by_a_lock_answers_503_and_its_retry_resolves);

/// Without a lock limit, the statement limit cuts the wait off all the same.
#[actix_web::test]
async fn without_a_lock_limit_the_statement_limit_ends_the_wait() {
    let limits = SessionLimits {
        statement: Duration::from_millis(300),
        lock: Duration::ZERO,
        ..SessionLimits::default()
    };
    check_a_write_held_up_by_a_lock_answers_503_and_its_retry_resolves(Db::Postgres, limits).await;
}

/// Every session of the pool has the configured limits, and migrating on one (which lifts
/// the statement limit while it runs) gives it back with its limit in place.
#[test]
fn the_pools_sessions_have_the_limits_and_migrations_give_them_back() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Settings {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        lock: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        idle: String,
    }
    let db = crate::helpers::TestDb::create(Db::Postgres);
    let url = tsunagu_store::DatabaseUrl::parse(&db.url());
    let limits = SessionLimits {
        statement: Duration::from_millis(1_500),
        lock: Duration::from_millis(700),
        idle_in_transaction: Duration::from_secs(90),
    };
    let pool = tsunagu_store::open_pool_limited(&url, 1, limits).unwrap();
    let mut conn = pool.get().unwrap();
    let read = |c: &mut tsunagu_store::db::DbConn| -> Settings {
        diesel::sql_query(
            "SELECT current_setting('statement_timeout') AS statement, \
             current_setting('lock_timeout') AS lock, \
             current_setting('idle_in_transaction_session_timeout') AS idle",
        )
        .get_result(c)
        .unwrap()
    };
    let s = read(&mut conn);
    assert_eq!(
        (s.statement.as_str(), s.lock.as_str(), s.idle.as_str()),
        ("1500ms", "700ms", "90s")
    );
    let applied = tsunagu_store::run_migrations(&mut conn).unwrap();
    assert!(!applied.is_empty(), "a new schema is migrated from nothing");
    let s = read(&mut conn);
    assert_eq!(
        (s.statement.as_str(), s.lock.as_str(), s.idle.as_str()),
        ("1500ms", "700ms", "90s")
    );
}
