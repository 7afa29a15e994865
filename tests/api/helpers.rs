//! The harness: the real `tsunagu` server (the same `start` the binary uses) on port 0,
//! against a fresh database per test — a temp SQLite file, or a fresh schema on the local
//! PostgreSQL — with a clock the test can move.

use awc::http::{Method, StatusCode, header::HeaderMap};
use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tsunagu_domain::Clock;
use tsunagu_domain::app::Services;

pub const ADMIN_PASSWORD: &str = "Tsunagu-test-Admin-2026!";
/// The data key of the PostgreSQL tests (32 bytes of 0x2a, base64).
pub const TEST_DATA_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
/// The password staff of the tests sign in with, once they have replaced the initial one.
pub const STAFF_PASSWORD: &str = "kintsugi lantern orbit 2026";
/// The password administrators give new staff in the tests: the staff member must change it
/// (to [`STAFF_PASSWORD`], see [`TestApp::first_sign_in`]) before anything else.
pub const INITIAL_PASSWORD: &str = "harbour quince meadow 1987";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates `mod sqlite` and `mod postgres` with one `#[actix_web::test]` per named test,
/// so every test runs on both backends from one test binary.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[actix_web::test] async fn $name() { super::$name($crate::helpers::Db::Sqlite).await })+
        }
        mod postgres {
            $(#[actix_web::test] async fn $name() { super::$name($crate::helpers::Db::Postgres).await })+
        }
    };
}

/// A clock the test sets and moves; starts at a fixed instant so runs are deterministic.
pub struct TestClock {
    base: Mutex<DateTime<Utc>>,
    /// When this test's clock started: real time keeps moving from here, so ids and events
    /// stay ordered within a test, while one test's drift never depends on how long the
    /// tests before it took (a process-wide start made boundary tests flaky under load).
    wall: DateTime<Utc>,
}

impl TestClock {
    pub fn starting_at(t: DateTime<Utc>) -> Self {
        Self {
            base: Mutex::new(t),
            wall: Utc::now(),
        }
    }

    pub fn advance(&self, d: Duration) {
        let mut t = self.base.lock().unwrap();
        *t += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        let base = *self.base.lock().unwrap();
        tsunagu_domain::clock::truncate_micros(base + (Utc::now() - self.wall))
    }
}

pub fn postgres_base_url() -> String {
    std::env::var("TSUNAGU_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database; removed when dropped.
pub enum TestDb {
    Sqlite(PathBuf),
    Postgres {
        base: String,
        schema: String,
    },
    /// A whole database of its own on the local server (a restored dump), with the schema
    /// to use in it; dropped with the database.
    PgDatabase {
        base: String,
        database: String,
        schema: String,
    },
}

/// `base` (a PostgreSQL URL) naming `database` instead of its own.
pub fn pg_url_for_database(base: &str, database: &str) -> String {
    let (head, query) = base
        .split_once('?')
        .map_or((base, None), |(h, q)| (h, Some(q)));
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let root = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

impl TestDb {
    pub fn create(db: Db) -> Self {
        let name = format!("t_{}", uuid::Uuid::now_v7().simple());
        match db {
            Db::Sqlite => TestDb::Sqlite(std::env::temp_dir().join(format!("tsunagu-{name}.db"))),
            Db::Postgres => {
                let base = postgres_base_url();
                let mut c = PgConnection::establish(&base).unwrap_or_else(|e| {
                    panic!("PostgreSQL at {base} is needed for the postgres tests: {e}")
                });
                diesel::sql_query(format!("CREATE SCHEMA {name}"))
                    .execute(&mut c)
                    .unwrap();
                TestDb::Postgres { base, schema: name }
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(p) => format!("sqlite://{}", p.display()),
            TestDb::Postgres { base, schema } => {
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-csearch_path%3D{schema}")
            }
            TestDb::PgDatabase {
                base,
                database,
                schema,
            } => {
                let url = pg_url_for_database(base, database);
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options=-csearch_path%3D{schema}")
            }
        }
    }

    /// A raw connection for checks the API cannot make (tampering, pragmas, schema).
    pub fn raw(&self) -> tsunagu_store::db::DbConn {
        use r2d2::ManageConnection;
        tsunagu_store::db::Manager::new(tsunagu_store::DatabaseUrl::parse(&self.url()))
            .connect()
            .unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite(p) => {
                for suffix in ["", "-wal", "-shm", ".key"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            TestDb::Postgres { base, schema } => {
                if let Ok(mut c) = PgConnection::establish(base) {
                    let _ = diesel::sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&mut c);
                }
            }
            TestDb::PgDatabase { base, database, .. } => {
                if let Ok(mut c) = PgConnection::establish(base) {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
                    ))
                    .execute(&mut c);
                }
            }
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag")
    }

    /// The problem `code`, for error answers.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_owned()
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            String::from_utf8_lossy(&self.raw)
        );
        self
    }

    /// Asserts a problem+json answer with this status and code.
    #[track_caller]
    pub fn problem(self, status: u16, code: &str) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            String::from_utf8_lossy(&self.raw)
        );
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "not a problem: {}",
            String::from_utf8_lossy(&self.raw)
        );
        assert_eq!(self.code(), code, "unexpected code: {}", self.body);
        assert_eq!(self.body["status"].as_u64(), Some(u64::from(status)));
        assert!(
            self.body["type"]
                .as_str()
                .unwrap_or("")
                .starts_with("urn:tsunagu:problem:")
        );
        self
    }

    /// The fields named in a validation problem.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub clock: Arc<TestClock>,
    pub services: Services,
    client: awc::Client,
    handle: actix_web::dev::ServerHandle,
    pub admin_token: String,
    pub config: tsunagu_server::Config,
    webhooks: Option<tsunagu_server::webhooks::Worker>,
    /// Runs imports' dry runs and commits, as in the served binary.
    imports: Option<tsunagu_server::imports::Worker>,
    /// `http://host:port` of the separate metrics address, when configured.
    pub metrics_base: Option<String>,
}

pub fn config(db_url: &str) -> tsunagu_server::Config {
    tsunagu_server::Config::from_map(&config_vars(db_url)).unwrap()
}

/// The tests' configuration as `TSUNAGU_*` variables (what `faults.rs` hands a `tsunagu`
/// process of its own).
pub fn config_vars(db_url: &str) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    vars.insert("TSUNAGU_DATABASE_URL".to_owned(), db_url.to_owned());
    vars.insert("TSUNAGU_LISTEN".to_owned(), "127.0.0.1:0".to_owned());
    vars.insert(
        "TSUNAGU_ADMIN_PASSWORD".to_owned(),
        ADMIN_PASSWORD.to_owned(),
    );
    vars.insert(
        "TSUNAGU_JWT_SECRET".to_owned(),
        "test-secret-test-secret-test-secret-0123".to_owned(),
    );
    vars.insert("TSUNAGU_WORKERS".to_owned(), "1".to_owned());
    vars.insert("TSUNAGU_DATABASE_POOL_SIZE".to_owned(), "4".to_owned());
    vars.insert("TSUNAGU_SPA_DIR".to_owned(), "/nonexistent".to_owned());
    // Tests make requests far faster than people; `integrations.rs` tests the limits.
    vars.insert(
        "TSUNAGU_RATE_LIMIT_USER_PER_MINUTE".to_owned(),
        "1000000".to_owned(),
    );
    vars.insert(
        "TSUNAGU_RATE_LIMIT_CLIENT_PER_MINUTE".to_owned(),
        "1000000".to_owned(),
    );
    vars.insert("TSUNAGU_WEBHOOK_POLL_MS".to_owned(), "20".to_owned());
    // The tests' webhook receivers listen on loopback, which is otherwise refused;
    // `integrations.rs` clears this to test the refusal.
    vars.insert(
        "TSUNAGU_WEBHOOK_ALLOW_HOSTS".to_owned(),
        "127.0.0.1".to_owned(),
    );
    // PostgreSQL needs a data key; SQLite goes without one, as a local start does, and gets a
    // key file beside the database.
    if db_url.starts_with("postgres") {
        vars.insert("TSUNAGU_DATA_KEY".to_owned(), TEST_DATA_KEY.to_owned());
    }
    vars
}

pub async fn spawn(backend: Db) -> TestApp {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Db, tweak: impl FnOnce(&mut tsunagu_server::Config)) -> TestApp {
    spawn_on(TestDb::create(backend), tweak).await
}

/// A server on a database the test made (a restored backup); it drops the database.
pub async fn spawn_on(db: TestDb, tweak: impl FnOnce(&mut tsunagu_server::Config)) -> TestApp {
    let mut cfg = config(&db.url());
    tweak(&mut cfg);
    let clock = Arc::new(TestClock::starting_at(
        Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
    ));
    let running = tsunagu_server::start(&cfg, clock.clone())
        .unwrap_or_else(|e| panic!("server did not start: {e}"));
    let handle = running.server.handle();
    actix_web::rt::spawn(running.server);
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let mut app = TestApp {
        base: format!("http://{}", running.addr),
        db,
        clock,
        services: running.services,
        client,
        handle,
        admin_token: String::new(),
        config: cfg,
        webhooks: running.webhooks,
        imports: Some(running.imports),
        metrics_base: running.metrics_addr.map(|a| format!("http://{a}")),
    };
    app.admin_token = app.login("admin", ADMIN_PASSWORD).await;
    app
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting work; the runtime ends with the test.
        drop(self.handle.stop(false));
        if let Some(w) = self.webhooks.take() {
            w.stop();
        }
        if let Some(w) = self.imports.take() {
            w.stop();
        }
    }
}

impl TestApp {
    /// The server's (injected) current time.
    pub fn clock_now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Stops this server (and its webhook worker) as a crash would, and starts a new one on
    /// the same database with `tweak` applied to the configuration.
    pub async fn restart(&mut self, tweak: impl FnOnce(&mut tsunagu_server::Config)) {
        self.handle.stop(false).await;
        if let Some(w) = self.webhooks.take() {
            w.stop();
        }
        tweak(&mut self.config);
        let running = tsunagu_server::start(&self.config, self.clock.clone())
            .unwrap_or_else(|e| panic!("server did not restart: {e}"));
        self.handle = running.server.handle();
        actix_web::rt::spawn(running.server);
        self.base = format!("http://{}", running.addr);
        self.services = running.services;
        self.webhooks = running.webhooks;
        if let Some(w) = self.imports.replace(running.imports) {
            w.stop();
        }
        self.metrics_base = running.metrics_addr.map(|a| format!("http://{a}"));
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = match body {
            Some(b) => req.send_body(b).await,
            None => req.send().await,
        }
        .unwrap_or_else(|e| panic!("request {path} failed: {e}"));
        let raw = res.body().limit(64 * 1024 * 1024).await.unwrap().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Resp {
            status: res.status(),
            headers: res.headers().clone(),
            body,
            raw,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.request(Method::GET, path, Some(token), &[], None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.request(
            Method::POST,
            path,
            Some(token),
            &[("content-type", "application/json")],
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post_anon(&self, path: &str, body: Value) -> Resp {
        self.request(
            Method::POST,
            path,
            None,
            &[("content-type", "application/json")],
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: &str, etag: Option<&str>, body: Value) -> Resp {
        let mut h = vec![("content-type", "application/json")];
        if let Some(e) = etag {
            h.push(("if-match", e));
        }
        self.request(
            Method::PATCH,
            path,
            Some(token),
            &h,
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn try_login(&self, login: &str, password: &str) -> Resp {
        self.post_anon(
            "/api/v1/auth/login",
            json!({"login": login, "password": password}),
        )
        .await
    }

    pub async fn login(&self, login: &str, password: &str) -> String {
        let r = self.try_login(login, password).await.expect(200);
        r.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A center with a center administrator, an agency-less start for most tests.
    pub async fn center(&self, code: &str) -> Center {
        let c = self
            .post("/api/v1/centers", &self.admin_token, json!({"code": code, "name": format!("{code} 難病相談支援センター"), "prefecture_code": "34", "operating_type": "patient_organization"}))
            .await
            .expect(201);
        let id = c.id();
        // Most tests are not about two-factor sign-in: their centers ask it of nobody
        // (`two_factor.rs` covers the default, which asks it of admins and supervisors).
        self.patch(
            &format!("/api/v1/centers/{id}"),
            &self.admin_token,
            Some(&c.etag()),
            json!({"totp_roles": []}),
        )
        .await
        .expect(200);
        let login = format!("{code}.admin");
        self.post("/api/v1/users", &self.admin_token, json!({"center_id": id, "login": login, "display_name": "管理 一郎", "role": "center_admin", "password": INITIAL_PASSWORD}))
            .await
            .expect(201);
        let admin = self.first_sign_in(&login, INITIAL_PASSWORD).await;
        Center { id, admin }
    }

    /// A user of the center with the given role, signed in and past the forced password
    /// change (their password is now [`STAFF_PASSWORD`]); returns (user id, token).
    pub async fn staff(&self, center: &Center, login: &str, role: &str) -> (String, String) {
        let u = self.post("/api/v1/users", &center.admin, json!({"login": login, "display_name": "相談 花子", "role": role, "password": INITIAL_PASSWORD})).await.expect(201);
        (u.id(), self.first_sign_in(login, INITIAL_PASSWORD).await)
    }

    /// What a new staff member does first: signs in with the password an administrator
    /// gave them and replaces it with [`STAFF_PASSWORD`]. Returns the session's token, which
    /// goes on working after the change.
    pub async fn first_sign_in(&self, login: &str, initial: &str) -> String {
        let token = self.login(login, initial).await;
        self.post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": initial, "new_password": STAFF_PASSWORD}),
        )
        .await
        .expect(204);
        token
    }

    /// An administration (自治体) of the given kind and code, registered by the system
    /// administrator, with the given centers assigned to it; returns its id.
    pub async fn administration(&self, code: &str, kind: &str, centers: &[&Center]) -> String {
        let a = self
            .post(
                "/api/v1/administrations",
                &self.admin_token,
                json!({"code": code, "kind": kind}),
            )
            .await
            .expect(201);
        let id = a.id();
        for c in centers {
            self.assign_center(c, Some(&id)).await;
        }
        id
    }

    /// Assigns a center to an administration (or takes it out with `None`).
    pub async fn assign_center(&self, center: &Center, administration: Option<&str>) {
        let path = format!("/api/v1/centers/{}", center.id);
        let current = self.get(&path, &self.admin_token).await.expect(200);
        self.patch(
            &path,
            &self.admin_token,
            Some(&current.etag()),
            json!({"administration_id": administration}),
        )
        .await
        .expect(200);
    }

    /// An officer (`municipal_officer`) of the administration, signed in past the forced
    /// password change; returns (user id, token).
    pub async fn officer(&self, administration: &str, login: &str) -> (String, String) {
        let u = self
            .post("/api/v1/users", &self.admin_token, json!({"administration_id": administration, "login": login, "display_name": "県庁 担当", "role": "municipal_officer", "password": INITIAL_PASSWORD}))
            .await
            .expect(201);
        (u.id(), self.first_sign_in(login, INITIAL_PASSWORD).await)
    }

    pub async fn agency(&self, center: &Center, agency_type: &str, name: &str) -> String {
        self.post(
            "/api/v1/agencies",
            &center.admin,
            json!({"agency_type": agency_type, "name": name}),
        )
        .await
        .expect(201)
        .id()
    }

    /// Every audit event so far (queued access events included), of every chain, in the
    /// trail's global order (`seq`), straight from the store.
    pub fn trail(&self) -> Vec<tsunagu_domain::audit::AuditEvent> {
        assert!(
            self.services
                .flush_access_log(std::time::Duration::from_secs(10))
        );
        let mut all = self
            .services
            .store()
            .audit_events(&tsunagu_domain::ports::AuditFilter::default(), 1_000_000)
            .unwrap();
        all.reverse();
        all
    }

    /// Every audit event so far (queued access events included), in the trail's order.
    pub fn audit_events(&self) -> Vec<tsunagu_domain::audit::AuditRecord> {
        self.trail().into_iter().map(|e| e.record).collect()
    }

    /// Every audit event so far, in the trail's order, straight from the store.
    pub fn audit_actions(&self) -> Vec<(String, String)> {
        self.trail()
            .into_iter()
            .map(|e| (e.record.action, e.record.outcome))
            .collect()
    }
}

pub struct Center {
    pub id: String,
    pub admin: String,
}
