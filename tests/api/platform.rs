//! The platform: both schemas, the committed OpenAPI document, SQLite settings, the audit
//! trail's append-only rule, outages and start-up.

use crate::db_tests;
use crate::helpers::{Db, TestDb, config, spawn};
use awc::http::Method;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use std::collections::BTreeSet;
use tsunagu_store::db::DbConn;

#[derive(diesel::QueryableByName)]
struct Col {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(conn: &mut DbConn) -> BTreeSet<(String, String)> {
    let sql = match conn {
        DbConn::Pg(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'"
        }
        DbConn::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql)
        .load::<Col>(conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

/// Both migration trees give exactly the tables and columns `schema.rs` declares.
async fn migrations_match_the_schema(db: Db) {
    let app = spawn(db).await;
    let expected: BTreeSet<(String, String)> = tsunagu_store::schema::TABLES
        .iter()
        .flat_map(|(t, cols)| cols.iter().map(move |c| ((*t).to_owned(), (*c).to_owned())))
        .collect();
    assert_eq!(columns(&mut app.db.raw()), expected);
}

#[test]
fn migration_trees_have_the_same_folders() {
    let names = |backend: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!(
            "{}/../migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[test]
fn committed_openapi_matches_the_code() {
    let path = format!("{}/../openapi/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = serde_json::to_string_pretty(&tsunagu_http::openapi()).unwrap() + "\n";
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: regenerate it with `cargo run -q -p tsunagu-server -- openapi > openapi/openapi.json`"
    );
}

#[actix_web::test]
async fn sqlite_runs_with_wal_full_sync_and_foreign_keys() {
    let app = spawn(Db::Sqlite).await;
    #[derive(diesel::QueryableByName)]
    struct V {
        #[diesel(sql_type = Text)]
        v: String,
    }
    let mut c = app.db.raw();
    let q = |c: &mut DbConn, sql: &str| diesel::sql_query(sql).get_result::<V>(c).unwrap().v;
    assert_eq!(
        q(&mut c, "SELECT journal_mode AS v FROM pragma_journal_mode"),
        "wal"
    );
    assert_eq!(
        q(
            &mut c,
            "SELECT CAST(synchronous AS TEXT) AS v FROM pragma_synchronous"
        ),
        "2",
        "synchronous=FULL"
    );
    assert_eq!(
        q(
            &mut c,
            "SELECT CAST(foreign_keys AS TEXT) AS v FROM pragma_foreign_keys"
        ),
        "1"
    );
    assert_eq!(
        q(
            &mut c,
            "SELECT CAST(timeout AS TEXT) AS v FROM pragma_busy_timeout"
        ),
        "10000"
    );
}

/// The application's own connection cannot change or remove an audit event.
async fn audit_events_are_append_only(db: Db) {
    let app = spawn(db).await;
    app.center("c1").await;
    let mut c = app.db.raw();
    assert!(
        diesel::sql_query("UPDATE audit_events SET action = 'x' WHERE seq = 1")
            .execute(&mut c)
            .is_err()
    );
    assert!(
        diesel::sql_query("DELETE FROM audit_events WHERE seq = 1")
            .execute(&mut c)
            .is_err()
    );
    if db == Db::Postgres {
        assert!(
            diesel::sql_query("TRUNCATE audit_events")
                .execute(&mut c)
                .is_err()
        );
    }
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n = diesel::sql_query("SELECT COUNT(*) AS n FROM audit_events")
        .get_result::<N>(&mut c)
        .unwrap()
        .n;
    assert!(n >= 4, "center, user, sign-ins: {n}");
    let report = app.services.audit_trail().verify_chain().unwrap();
    assert_eq!(report.checked, n);
    assert!(report.first_broken.is_none());
}

async fn times_are_utc_microseconds_and_ids_uuid_v7(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let r = app
        .get(&format!("/api/v1/centers/{}", c.id), &app.admin_token)
        .await
        .expect(200);
    let t = r.body["created_at"].as_str().unwrap();
    assert!(
        t.ends_with('Z') && t.split('.').nth(1).unwrap().len() == 7,
        "{t}"
    );
    assert!(r.body["created_at"].as_str() <= r.body["updated_at"].as_str());
    assert_eq!(uuid::Uuid::parse_str(&c.id).unwrap().get_version_num(), 7);
}

/// A second start on the same database creates no second administrator.
async fn bootstrap_happens_once(db: Db) {
    let test_db = TestDb::create(db);
    let mut cfg = config(&test_db.url());
    cfg.admin_password = None;
    let clock = std::sync::Arc::new(tsunagu_domain::SystemClock);
    let first = tsunagu_server::start(&cfg, clock.clone()).unwrap();
    let pw = first
        .generated_admin_password
        .clone()
        .expect("a generated password on first start");
    assert!(pw.len() >= 32);
    drop(first);
    let second = tsunagu_server::start(&cfg, clock).unwrap();
    assert!(second.generated_admin_password.is_none());
    assert_eq!(
        second
            .services
            .store()
            .count_users_with_role(tsunagu_domain::values::Role::SystemAdmin)
            .unwrap(),
        1
    );
}

db_tests!(
    migrations_match_the_schema,
    audit_events_are_append_only,
    times_are_utc_microseconds_and_ids_uuid_v7,
    bootstrap_happens_once
);

/// PostgreSQL going away: `/readyz` answers 503 (the process stays up), API calls a 503 problem.
#[actix_web::test]
async fn postgres_outage_is_503_not_a_panic() {
    use diesel::Connection;
    let base = crate::helpers::postgres_base_url();
    let name = format!("tsunagu_outage_{}", uuid::Uuid::now_v7().simple());
    let mut admin = diesel::pg::PgConnection::establish(&base).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => panic!("unexpected base url {base}"),
    };
    let running = tsunagu_server::start(
        &config(&url),
        std::sync::Arc::new(tsunagu_domain::SystemClock),
    )
    .unwrap();
    let addr = running.addr;
    actix_web::rt::spawn(running.server);
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let get = |path: &'static str| {
        client
            .request(Method::GET, format!("http://{addr}{path}"))
            .send()
    };
    assert_eq!(get("/readyz").await.unwrap().status().as_u16(), 200);

    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
    let mut r = get("/readyz").await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "unavailable");
    assert_eq!(get("/healthz").await.unwrap().status().as_u16(), 200);
    let login = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .send_json(&serde_json::json!({"login": "admin", "password": "x"}))
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 503);
}

#[actix_web::test]
async fn unreachable_postgres_fails_start_with_a_clear_error() {
    let cfg = config("postgres://postgres@127.0.0.1:1/nothing");
    let err = tsunagu_server::start(&cfg, std::sync::Arc::new(tsunagu_domain::SystemClock))
        .err()
        .expect("start must fail");
    assert!(
        err.contains("cannot connect to the database") && err.contains("127.0.0.1:1"),
        "{err}"
    );
}
