//! Issue 13, faults to survive, against the real `tsunagu` binary run as a child process
//! (`target/<profile>/tsunagu`, which `tests/run` builds before `cargo test`: cargo builds
//! another package's binary only on request):
//!
//! - a crash loop: `kill -9` over and over while clients write with `Idempotency-Key`, each
//!   lost answer retried after the restart with the same key and body — nothing
//!   acknowledged is lost, nothing is made twice, every retry resolves, the chain verifies
//!   (both databases);
//! - PostgreSQL stopped (`pg_ctl -m immediate`) and started again under load: the API
//!   answers 503 `unavailable` meanwhile, recovers by itself, loses nothing acknowledged (a
//!   private throwaway cluster, never the shared one the other tests use);
//! - two replicas on one PostgreSQL, one killed under load: the other answers the clients
//!   that fail over to it; every webhook delivery arrives and is recorded delivered once,
//!   and only one the killed replica was sending when it died is sent again (by the
//!   survivor, after its lease) — two live replicas never send the same one.
//!
//! Run alone (`cargo test -p tsunagu-tests --test api -- faults`), they use whatever
//! `target/debug/tsunagu` is there: `cargo build -p tsunagu-server` first.
//!
//! The servers run with a 2 s idempotency lease (`TSUNAGU_IDEMPOTENCY_LEASE_SECS`) so that
//! the retry of a request that was in flight at a crash resolves within seconds; with the
//! default it takes up to 30 s.

use crate::helpers::{
    ADMIN_PASSWORD, Db, INITIAL_PASSWORD, Resp, STAFF_PASSWORD, TestDb, config_vars,
};
use awc::http::Method;
use diesel::RunQueryDsl;
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The idempotency lease the servers here run with.
const LEASE_SECS: u64 = 2;
/// How long one write may take to resolve, retries included, before the test fails: far
/// longer than a restart, a lease or a database restart take, so only a stuck key trips it.
const RESOLVE_WITHIN: Duration = Duration::from_secs(90);

// --- the server as a process ---------------------------------------------------------------

/// The `tsunagu` binary cargo built beside this test binary (`target/<profile>/tsunagu`).
fn tsunagu_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/api-<hash> → target/<profile>/tsunagu
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join(format!("tsunagu{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: `cargo test --workspace --all-targets` builds it (or `cargo build -p tsunagu-server`)",
        bin.display()
    );
    bin
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tsunagu-{}-{name}", uuid::Uuid::now_v7().simple()))
}

/// How to start a `tsunagu serve`: the tests' configuration for a database, plus `extra`.
#[derive(Clone)]
struct Spec {
    vars: HashMap<String, String>,
    /// Where the processes' logs go (appended, one file per spec).
    log: Arc<LogFile>,
}

/// The servers' log: shown when the test fails, removed when it is done.
struct LogFile(PathBuf);

impl LogFile {
    fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.0).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("server log {}:\n{}", self.0.display(), self.tail());
        }
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Spec {
    fn new(db_url: &str, extra: &[(&str, &str)]) -> Self {
        let mut vars = config_vars(db_url);
        vars.insert("TSUNAGU_WORKERS".into(), "2".into());
        vars.insert("TSUNAGU_LOG".into(), "warn".into());
        vars.insert("TSUNAGU_AUDIT_CHECKPOINT_MINUTES".into(), "0".into());
        vars.insert(
            "TSUNAGU_IDEMPOTENCY_LEASE_SECS".into(),
            LEASE_SECS.to_string(),
        );
        for (k, v) in extra {
            vars.insert((*k).into(), (*v).into());
        }
        Self {
            vars,
            log: Arc::new(LogFile(temp_path("server.log"))),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(tsunagu_bin());
        // Only this configuration: nothing of the environment the tests run in.
        c.args(args).env_clear().envs(&self.vars);
        if let Ok(path) = std::env::var("PATH") {
            c.env("PATH", path);
        }
        c
    }

    /// Starts `tsunagu serve` and waits (generously) until it says where it listens.
    fn start(&self) -> Proc {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log.0)
            .unwrap();
        let mut child = self
            .command(&["serve"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads stdout to its end, so the process never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("Tsunagu is listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => Proc { child, base },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("tsunagu serve did not start:\n{}", self.log.tail());
            }
        }
    }

    /// [`Spec::start`] off the test's runtime, so the clients on it keep going meanwhile.
    async fn start_async(&self) -> Proc {
        let spec = self.clone();
        actix_web::rt::task::spawn_blocking(move || spec.start())
            .await
            .unwrap()
    }

    /// `tsunagu audit verify` on this database: its report, or the failure.
    fn audit_verify(&self) -> String {
        let out = self.command(&["audit", "verify"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "tsunagu audit verify failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("audit trail intact"), "{stdout}");
        stdout
    }
}

/// A running `tsunagu serve`; killed (SIGKILL) when dropped.
struct Proc {
    child: Child,
    base: String,
}

impl Proc {
    /// `kill -9`: no shutdown of any kind.
    fn kill(&mut self) {
        // `Child::kill` is SIGKILL on Unix.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// --- clients -------------------------------------------------------------------------------

/// The replicas a client may talk to; a client moves to the next one when its request
/// gets no answer (a load balancer's failover), and the crash loop swaps in the restarted
/// server's address.
#[derive(Clone)]
struct Api {
    client: awc::Client,
    bases: Rc<RefCell<Vec<String>>>,
    at: Rc<Cell<usize>>,
    tally: Rc<RefCell<Tally>>,
}

/// What the clients saw.
#[derive(Default)]
struct Tally {
    /// Acknowledged (2xx) writes by kind, with the ids they answered.
    acked: HashMap<&'static str, Vec<String>>,
    /// Writes that got an answer in the end.
    writes: usize,
    /// Writes whose first answer was lost (no answer: the process died or went away) and
    /// that were retried with the same key and body.
    retried: usize,
    /// Answers marked `Idempotent-Replayed`.
    replayed: usize,
    /// 409 `idempotency_in_progress` answers, and the longest a key kept answering it.
    in_progress: usize,
    longest_in_progress: Duration,
    /// 503 answers (each a problem with code `unavailable`).
    unavailable: usize,
    /// Requests that got no answer at all.
    no_answer: usize,
}

impl Tally {
    fn acked(&self, kind: &str) -> &[String] {
        self.acked.get(kind).map_or(&[], Vec::as_slice)
    }

    fn total_acked(&self) -> usize {
        self.acked.values().map(Vec::len).sum()
    }
}

impl std::fmt::Debug for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kinds: Vec<_> = self.acked.iter().map(|(k, v)| (*k, v.len())).collect();
        kinds.sort_unstable();
        write!(
            f,
            "{} writes acknowledged {kinds:?}; {} answers lost and retried with the same key, \
             {} replayed; {} × 409 idempotency_in_progress, the longest for {:.1} s; \
             {} × 503; {} requests unanswered",
            self.writes,
            self.retried,
            self.replayed,
            self.in_progress,
            self.longest_in_progress.as_secs_f64(),
            self.unavailable,
            self.no_answer
        )
    }
}

impl Api {
    fn new(bases: Vec<String>) -> Self {
        Self {
            client: awc::Client::builder()
                .timeout(Duration::from_secs(60))
                .finish(),
            bases: Rc::new(RefCell::new(bases)),
            at: Rc::new(Cell::new(0)),
            tally: Rc::default(),
        }
    }

    /// A client of its own (its own failover position) starting at replica `at`, sharing
    /// the addresses and the tally.
    fn client_at(&self, at: usize) -> Self {
        Self {
            at: Rc::new(Cell::new(at)),
            ..self.clone()
        }
    }

    fn base(&self) -> String {
        let bases = self.bases.borrow();
        bases[self.at.get() % bases.len()].clone()
    }

    fn fail_over(&self) {
        self.at.set(self.at.get() + 1);
    }

    /// One request; `Err` when no answer came (refused, reset, cut off mid-answer).
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Resp, String> {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base()));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let sent = match body {
            Some(b) => {
                req.insert_header(("content-type", "application/json"))
                    .send_body(b.to_string())
                    .await
            }
            None => req.send().await,
        };
        let mut res = sent.map_err(|e| e.to_string())?;
        let raw = res
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .map_err(|e| e.to_string())?
            .to_vec();
        Ok(Resp {
            status: res.status(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
            raw,
        })
    }

    /// Counts a 503 after checking it is the stable problem.
    fn unavailable(&self, r: Resp) {
        r.problem(503, "unavailable");
        self.tally.borrow_mut().unavailable += 1;
    }

    async fn pause() {
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }

    /// A read, repeated until it is answered (through restarts and outages).
    async fn read(&self, path: &str, token: &str) -> Resp {
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < RESOLVE_WITHIN, "GET {path} unanswered");
            match self.send(Method::GET, path, Some(token), &[], None).await {
                Ok(r) if r.status.as_u16() == 200 => return r,
                Ok(r) if r.status.as_u16() == 503 => self.unavailable(r),
                Ok(r) => panic!("GET {path}: {}", String::from_utf8_lossy(&r.raw)),
                Err(_) => {
                    self.tally.borrow_mut().no_answer += 1;
                    self.fail_over();
                }
            }
            Self::pause().await;
        }
    }

    /// A creating POST with an `Idempotency-Key`, retried with the same key and body until
    /// it is answered; the answer's body. `kind` names what it makes, for the tally.
    async fn create(&self, kind: &'static str, path: &str, token: &str, body: Value) -> Value {
        let key = uuid::Uuid::now_v7().to_string();
        let started = Instant::now();
        let mut lost = false;
        let mut in_progress_since: Option<Instant> = None;
        loop {
            assert!(
                started.elapsed() < RESOLVE_WITHIN,
                "{kind} with Idempotency-Key {key} did not resolve: {:?}",
                self.tally.borrow()
            );
            let sent = self
                .send(
                    Method::POST,
                    path,
                    Some(token),
                    &[("idempotency-key", &key)],
                    Some(&body),
                )
                .await;
            match sent {
                Ok(r) if r.status.is_success() => {
                    let mut t = self.tally.borrow_mut();
                    t.writes += 1;
                    if lost {
                        t.retried += 1;
                    }
                    if r.header("idempotent-replayed").as_deref() == Some("true") {
                        t.replayed += 1;
                    }
                    if let Some(since) = in_progress_since {
                        t.longest_in_progress = t.longest_in_progress.max(since.elapsed());
                    }
                    let id = r.body["id"].as_str().unwrap_or("").to_owned();
                    t.acked.entry(kind).or_default().push(id);
                    return r.body;
                }
                Ok(r) if r.status.as_u16() == 409 && r.code() == "idempotency_in_progress" => {
                    // The claim of an attempt that died with the process: it lapses with
                    // the lease, and the retry then performs the request.
                    assert!(r.header("retry-after").is_some());
                    self.tally.borrow_mut().in_progress += 1;
                    in_progress_since.get_or_insert_with(Instant::now);
                }
                Ok(r) if r.status.as_u16() == 503 => self.unavailable(r),
                Ok(r) => panic!(
                    "{kind} (key {key}, retried {lost}): {}",
                    String::from_utf8_lossy(&r.raw)
                ),
                Err(_) => {
                    lost = true;
                    self.tally.borrow_mut().no_answer += 1;
                    self.fail_over();
                }
            }
            Self::pause().await;
        }
    }

    /// Records a follow-up (`PATCH` with `If-Match`). A retry after a lost answer carries
    /// the same `If-Match`: 412 then means the lost attempt committed, which the record shows.
    async fn record_follow_up(&self, id: &str, token: &str, body: Value) {
        let path = format!("/api/v1/follow-ups/{id}");
        let etag = self.read(&path, token).await.etag();
        let started = Instant::now();
        let mut lost = false;
        loop {
            assert!(
                started.elapsed() < RESOLVE_WITHIN,
                "PATCH {path} unanswered"
            );
            let sent = self
                .send(
                    Method::PATCH,
                    &path,
                    Some(token),
                    &[("if-match", &etag)],
                    Some(&body),
                )
                .await;
            match sent {
                Ok(r) if r.status.as_u16() == 200 => break,
                Ok(r) if r.status.as_u16() == 412 && lost => {
                    let now = self.read(&path, token).await;
                    assert_eq!(now.body["done_on"], body["done_on"], "{}", now.body);
                    break;
                }
                Ok(r) if r.status.as_u16() == 503 => self.unavailable(r),
                Ok(r) => panic!("PATCH {path}: {}", String::from_utf8_lossy(&r.raw)),
                Err(_) => {
                    lost = true;
                    self.tally.borrow_mut().no_answer += 1;
                    self.fail_over();
                }
            }
            Self::pause().await;
        }
        let mut t = self.tally.borrow_mut();
        t.writes += 1;
        if lost {
            t.retried += 1;
        }
        t.acked.entry("recording").or_default().push(id.to_owned());
    }

    /// A setup request that must succeed at once.
    async fn must(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> Resp {
        let r = self
            .send(method, path, token, &[], Some(&body))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            r.status.is_success(),
            "{path}: {}",
            String::from_utf8_lossy(&r.raw)
        );
        r
    }

    async fn login(&self, login: &str, password: &str) -> String {
        let r = self
            .must(
                Method::POST,
                "/api/v1/auth/login",
                None,
                json!({"login": login, "password": password}),
            )
            .await;
        r.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A new staff member's first sign-in: the initial password an administrator gave
    /// them replaced with [`STAFF_PASSWORD`]; the session goes on.
    async fn first_sign_in(&self, login: &str) -> String {
        let token = self.login(login, INITIAL_PASSWORD).await;
        self.must(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            json!({"current_password": INITIAL_PASSWORD, "new_password": STAFF_PASSWORD}),
        )
        .await;
        token
    }
}

/// A center with a consultant, a supervisor and an agency, made through the API.
struct Team {
    admin: String,
    consultant: String,
    supervisor: String,
    agency: String,
}

async fn team(api: &Api, code: &str) -> Team {
    let root = api.login("admin", ADMIN_PASSWORD).await;
    let c = api
        .must(
            Method::POST,
            "/api/v1/centers",
            Some(&root),
            json!({"code": code, "name": format!("{code} 難病相談支援センター"),
                   "prefecture_code": "34", "operating_type": "patient_organization"}),
        )
        .await;
    let center = c.id();
    // Not about two-factor sign-in (see `two_factor.rs`).
    let path = format!("/api/v1/centers/{center}");
    let r = api
        .send(
            Method::PATCH,
            &path,
            Some(&root),
            &[("if-match", &c.etag())],
            Some(&json!({"totp_roles": []})),
        )
        .await
        .unwrap();
    assert_eq!(r.status.as_u16(), 200, "{}", r.body);
    let user = |login: &str, role: &str| {
        json!({"login": login, "display_name": "相談 花子", "role": role,
               "password": INITIAL_PASSWORD})
    };
    let mut admin_user = user(&format!("{code}.admin"), "center_admin");
    admin_user["center_id"] = json!(center);
    api.must(Method::POST, "/api/v1/users", Some(&root), admin_user)
        .await;
    let admin = api.first_sign_in(&format!("{code}.admin")).await;
    for (login, role) in [("ito", "consultant"), ("suzuki", "supervisor")] {
        api.must(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            user(&format!("{code}.{login}"), role),
        )
        .await;
    }
    let agency = api
        .must(
            Method::POST,
            "/api/v1/agencies",
            Some(&admin),
            json!({"agency_type": "hello_work", "name": "ハローワーク広島"}),
        )
        .await
        .id();
    Team {
        consultant: api.first_sign_in(&format!("{code}.ito")).await,
        supervisor: api.first_sign_in(&format!("{code}.suzuki")).await,
        admin,
        agency,
    }
}

/// Today in Asia/Tokyo, as the server counts days.
fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9))
        .date_naive()
        .to_string()
}

fn in_days(n: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9) + chrono::Duration::days(n))
        .date_naive()
        .to_string()
}

fn patient(n: usize) -> Value {
    json!({"family_name": "山田", "given_name": format!("花子{n}"),
           "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
           "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
           "employment_status": "job_seeking", "support_awareness": "aware_not_used",
           "prefecture_code": "34", "municipality_code": "342106"})
}

/// One case from first contact to the supervisor's review, each write idempotent: a patient,
/// consent, a consultation, a level-4 referral (which schedules a follow-up and records the
/// data provided), the follow-up recorded (which schedules the next), one more follow-up
/// scheduled by hand, and the review.
async fn one_case(api: &Api, t: &Team, n: usize) {
    let pid = api
        .create("patient", "/api/v1/patients", &t.consultant, patient(n))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.create(
        "consent",
        &format!("/api/v1/patients/{pid}/consents"),
        &t.consultant,
        json!({"given_on": today(), "scope": "employment_agencies"}),
    )
    .await;
    let cid = api
        .create(
            "consultation",
            "/api/v1/consultations",
            &t.consultant,
            json!({"patient_id": pid, "channel": "in_person", "requester": "patient",
                   "topics": ["employment"], "duration_minutes": 30, "summary": "就労の相談"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rid = api
        .create(
            "referral",
            "/api/v1/referrals",
            &t.consultant,
            json!({"patient_id": pid, "consultation_id": cid, "agency_id": t.agency,
                   "purpose": "new_employment", "level": "accompanied_with_follow_up",
                   "referred_on": today(), "shared_items": ["name", "contact"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fus = api
        .read(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            &t.consultant,
        )
        .await;
    let items = fus.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one follow-up scheduled: {}", fus.body);
    let fid = items[0]["id"].as_str().unwrap().to_owned();
    api.record_follow_up(
        &fid,
        &t.consultant,
        json!({"done_on": today(), "method": "phone", "contacted": "patient",
               "outcome": "searching", "next_due_on": in_days(30)}),
    )
    .await;
    api.create(
        "follow_up",
        &format!("/api/v1/referrals/{rid}/follow-ups"),
        &t.consultant,
        json!({"due_on": in_days(60)}),
    )
    .await;
    api.create(
        "review",
        &format!("/api/v1/referrals/{rid}/reviews"),
        &t.supervisor,
        json!({"decision": "approved"}),
    )
    .await;
}

/// Clients each running cases until `stop`; answers how many cases were done.
async fn run_cases(api: &Api, t: &Team, clients: usize, stop: &Cell<bool>) -> usize {
    let done = Cell::new(0usize);
    let one = |c: usize| {
        let api = api.client_at(c);
        let done = &done;
        async move {
            let mut n = c;
            while !stop.get() {
                one_case(&api, t, n).await;
                done.set(done.get() + 1);
                n += clients;
            }
        }
    };
    futures_util::future::join_all((0..clients).map(one)).await;
    done.get()
}

/// Waits until the clients have `more` acknowledged writes beyond what they had.
async fn until_acked(api: &Api, more: usize) {
    let target = api.tally.borrow().total_acked() + more;
    let started = Instant::now();
    while api.tally.borrow().total_acked() < target {
        assert!(
            started.elapsed() < RESOLVE_WITHIN,
            "no progress: {:?}",
            api.tally.borrow()
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
}

// --- checks against the database ----------------------------------------------------------

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// The first column (as `id`) of `sql`'s rows, read from the database at `url`.
fn ids(url: &str, sql: &str) -> Vec<String> {
    use r2d2::ManageConnection as _;
    let mut conn = tsunagu_store::db::Manager::new(tsunagu_store::DatabaseUrl::parse(url))
        .connect()
        .unwrap();
    diesel::sql_query(sql)
        .load::<IdRow>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// Every acknowledged id of `kind` is in `table`, once, and the table holds `expected` rows.
fn all_there_once(db: &str, tally: &Tally, kind: &str, table: &str, expected: usize) {
    let stored = ids(db, &format!("SELECT id FROM {table}"));
    let stored_set: HashSet<&String> = stored.iter().collect();
    let acked = tally.acked(kind);
    let acked_set: HashSet<&String> = acked.iter().collect();
    assert_eq!(acked_set.len(), acked.len(), "{kind}: two keys, one record");
    let lost: Vec<&&String> = acked_set.difference(&stored_set).collect();
    assert!(
        lost.is_empty(),
        "{kind}: acknowledged but not stored: {lost:?}"
    );
    assert_eq!(
        stored.len(),
        expected,
        "{kind}: {} stored for {expected} requests that succeeded",
        stored.len()
    );
}

/// Every case ran to its end, and each table holds exactly one record per acknowledged key:
/// nothing acknowledged is missing, nothing was made twice.
fn every_case_once(db: &str, tally: &Tally, cases: usize) {
    assert_eq!(tally.acked("patient").len(), cases);
    all_there_once(db, tally, "patient", "patients", cases);
    all_there_once(db, tally, "consent", "consents", cases);
    all_there_once(db, tally, "consultation", "consultations", cases);
    all_there_once(db, tally, "referral", "referrals", cases);
    all_there_once(db, tally, "follow_up", "follow_ups", 3 * cases);
    assert_eq!(tally.acked("review").len(), cases);
    assert_eq!(tally.acked("recording").len(), cases);
    // Per referral: one provision record, three follow-ups (scheduled by the level, by the
    // recording, by hand), one of them recorded, one review.
    per_group(db, "data_provisions", "referral_id", 1, cases);
    per_group(db, "follow_ups", "referral_id", 3, cases);
    per_group(db, "reviews", "referral_id", 1, cases);
    per_group(
        db,
        "(SELECT referral_id FROM follow_ups WHERE done_on IS NOT NULL) AS d",
        "referral_id",
        1,
        cases,
    );
}

/// Every row of `table` grouped by `column` (a foreign key) comes `per` times per group.
fn per_group(db: &str, table: &str, column: &str, per: usize, groups: usize) {
    let rows = ids(db, &format!("SELECT {column} AS id FROM {table}"));
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in rows {
        *counts.entry(r).or_default() += 1;
    }
    assert_eq!(counts.len(), groups, "{table}: groups by {column}");
    let odd: Vec<_> = counts.iter().filter(|(_, n)| **n != per).collect();
    assert!(odd.is_empty(), "{table}: not {per} per {column}: {odd:?}");
}

// --- 1. crash loops ------------------------------------------------------------------------

const KILLS: usize = 8;
const CLIENTS: usize = 6;

async fn crash_loop_loses_nothing_and_makes_nothing_twice(db: Db) {
    let began = Instant::now();
    let test_db = TestDb::create(db);
    let spec = Spec::new(&test_db.url(), &[]);
    let mut server = spec.start_async().await;
    let api = Api::new(vec![server.base.clone()]);
    let t = team(&api, "crash").await;
    let _ = &t.admin;

    let stop = Cell::new(false);
    let killer = async {
        for i in 0..KILLS {
            // Let the clients get going on this server, then kill it mid-write.
            until_acked(&api, 12 + 5 * (i % 3)).await;
            actix_web::rt::time::sleep(Duration::from_millis(7 * (i as u64 % 4))).await;
            server.kill();
            let restarted = spec.start_async().await;
            server = restarted;
            *api.bases.borrow_mut() = vec![server.base.clone()];
        }
        until_acked(&api, 12).await;
        stop.set(true);
    };
    let (_, cases) = futures_util::future::join(killer, run_cases(&api, &t, CLIENTS, &stop)).await;
    // The last one too, before the checks: what is acknowledged must be on disk already.
    server.kill();

    let tally = api.tally.borrow();
    eprintln!(
        "crash loop on {db:?} ({:.1} s): {KILLS} kills, {cases} cases, {tally:?}",
        began.elapsed().as_secs_f64()
    );
    assert!(
        tally.retried >= KILLS / 2,
        "the kills should cut off writes in flight: {tally:?}"
    );
    assert_eq!(tally.unavailable, 0, "{tally:?}");
    assert!(
        tally.longest_in_progress <= Duration::from_secs(LEASE_SECS + 10),
        "a retry waited {:?} for a lease of {LEASE_SECS} s",
        tally.longest_in_progress
    );
    every_case_once(&test_db.url(), &tally, cases);
    drop(tally);
    spec.audit_verify();
}

/// The server turns transparent huge pages off for its process (a huge page stays resident
/// whole: 87 MB against 51 MB under the same load), unless the operator says otherwise with
/// `MIMALLOC_ALLOW_THP`. Read from the kernel's own report of the process.
#[actix_web::test]
async fn the_server_runs_without_transparent_huge_pages_unless_told() {
    let test_db = TestDb::create(Db::Sqlite);
    let thp = |spec: &Spec| {
        let mut server = spec.start();
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
        server.kill();
        status
            .lines()
            .find_map(|l| l.strip_prefix("THP_enabled:"))
            .map(|v| v.trim().to_owned())
    };
    let Some(ours) = thp(&Spec::new(&test_db.url(), &[])) else {
        // Kernels before 6.x do not report it; the call is harmless there.
        eprintln!("this kernel does not report THP_enabled; nothing to check");
        return;
    };
    assert_eq!(ours, "0");
    let told = thp(&Spec::new(&test_db.url(), &[("MIMALLOC_ALLOW_THP", "1")]));
    assert_eq!(told.as_deref(), Some("1"));
}

crate::db_tests!(
    crash_loop_loses_nothing_and_makes_nothing_twice,
    an_import_killed_while_committing_leaves_nothing,
);

// --- a PostgreSQL of the test's own ----------------------------------------------------------

/// A throwaway PostgreSQL cluster (initdb into a temp dir, a free port) that the test may
/// stop and start: the shared server on 5432 serves the other tests meanwhile. initdb and
/// postgres refuse to run as root, so as root (CI) they run as the `postgres` user.
struct PrivatePg(PgCtl);

/// How to reach and drive the cluster's programs.
#[derive(Clone)]
struct PgCtl {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl std::ops::Deref for PrivatePg {
    type Target = PgCtl;
    fn deref(&self) -> &PgCtl {
        &self.0
    }
}

/// PostgreSQL's server programs: `TSUNAGU_TEST_PG_BIN`, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's layout), else `pg_config --bindir`.
fn pg_bin_dir() -> PathBuf {
    if let Ok(d) = std::env::var("TSUNAGU_TEST_PG_BIN") {
        return PathBuf::from(d);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return bin;
    }
    let out = Command::new("pg_config").arg("--bindir").output().expect(
        "PostgreSQL's server programs (initdb, pg_ctl) are needed: set TSUNAGU_TEST_PG_BIN",
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

impl PgCtl {
    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        // fsync off: the test stops the server as a crash of PostgreSQL would, not of the
        // machine, and what was written survives in the OS; it makes recovery quick.
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// As a crash would: no checkpoint, every backend killed.
    fn stop_immediate(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    async fn start_async(&self) {
        let ctl = self.clone();
        actix_web::rt::task::spawn_blocking(move || ctl.start())
            .await
            .unwrap();
    }

    async fn stop_immediate_async(&self) {
        let ctl = self.clone();
        actix_web::rt::task::spawn_blocking(move || ctl.stop_immediate())
            .await
            .unwrap();
    }
}

impl PrivatePg {
    fn create() -> Self {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = temp_path("pg");
        std::fs::create_dir(&dir).unwrap();
        let pg = Self(PgCtl {
            port: std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port(),
            bin: pg_bin_dir(),
            as_postgres: root,
            dir,
        });
        if root {
            let out = Command::new("chown")
                .arg("postgres:")
                .arg(&pg.dir)
                .output()
                .unwrap();
            assert!(out.status.success(), "chown postgres: {out:?}");
        }
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        pg.start();
        pg
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.as_str(), "-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// --- 2. PostgreSQL restarted under load ----------------------------------------------------

/// Waits until the clients have seen `more` 503 answers beyond what they had.
async fn until_unavailable(api: &Api, more: usize) {
    let target = api.tally.borrow().unavailable + more;
    let started = Instant::now();
    while api.tally.borrow().unavailable < target {
        assert!(
            started.elapsed() < RESOLVE_WITHIN,
            "no 503 while the database is down: {:?}",
            api.tally.borrow()
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn postgres_restarted_under_load_answers_503_then_recovers_by_itself() {
    let began = Instant::now();
    let pg = PrivatePg::create();
    let spec = Spec::new(&pg.url(), &[]);
    let mut server = spec.start_async().await;
    let api = Api::new(vec![server.base.clone()]);
    let t = team(&api, "pgdown").await;

    let stop = Cell::new(false);
    let acked_while_down = Cell::new(usize::MAX);
    let outage = async {
        until_acked(&api, 20).await;
        pg.stop_immediate_async().await;
        let acked_at_stop = api.tally.borrow().total_acked();
        // Down: the API still answers, with the stable problem, to every client and to
        // the readiness probe.
        until_unavailable(&api, CLIENTS).await;
        let ready = api
            .send(Method::GET, "/readyz", None, &[], None)
            .await
            .unwrap();
        ready.problem(503, "unavailable");
        // Nothing is acknowledged while the database is away (a write that committed
        // before it went may still be answered: at most one per client).
        acked_while_down.set(api.tally.borrow().total_acked() - acked_at_stop);
        pg.start_async().await;
        // Up again: the same process serves without being restarted.
        until_acked(&api, 20).await;
        stop.set(true);
    };
    let (_, cases) = futures_util::future::join(outage, run_cases(&api, &t, CLIENTS, &stop)).await;
    assert!(server.alive(), "the API process kept running");
    server.kill();

    let tally = api.tally.borrow();
    eprintln!(
        "PostgreSQL restarted under load ({:.1} s): {cases} cases, {tally:?}",
        began.elapsed().as_secs_f64()
    );
    assert!(acked_while_down.get() <= CLIENTS, "{tally:?}");
    assert_eq!(tally.no_answer, 0, "the API never stopped answering");
    assert!(tally.unavailable >= CLIENTS, "{tally:?}");
    every_case_once(&pg.url(), &tally, cases);
    drop(tally);
    spec.audit_verify();
}

// --- 3. two replicas, one killed -----------------------------------------------------------

/// A webhook receiver that answers 204 at once and notes when each `webhook-id` came.
struct Receiver {
    url: String,
    got: Arc<std::sync::Mutex<Vec<(String, Instant)>>>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receiver() -> Receiver {
    use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
    let got: Arc<std::sync::Mutex<Vec<(String, Instant)>>> = Arc::default();
    let g = got.clone();
    let server = HttpServer::new(move || {
        let g = g.clone();
        App::new().route(
            "/hook",
            web::post().to(move |req: HttpRequest| {
                let g = g.clone();
                async move {
                    let id = req
                        .headers()
                        .get("webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    g.lock().unwrap().push((id, Instant::now()));
                    HttpResponse::NoContent().finish()
                }
            }),
        )
    })
    .workers(2)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Receiver {
        url: format!("http://{addr}/hook"),
        got,
        handle,
    }
}

/// How long after the kill a send the killed replica had on the wire may still reach the
/// receiver (see the check below).
const IN_FLIGHT_AT_KILL: Duration = Duration::from_secs(3);

#[actix_web::test]
async fn two_replicas_one_killed_the_other_serves_and_delivers_each_webhook() {
    let began = Instant::now();
    let test_db = TestDb::create(Db::Postgres);
    // A receiver must answer within 1 s, so a delivery the killed replica was sending is
    // sent again once its lease (8 × that) has run out.
    let spec = Spec::new(&test_db.url(), &[("TSUNAGU_WEBHOOK_TIMEOUT_MS", "1000")]);
    let hook = receiver().await;
    let mut a = spec.start_async().await;
    let mut b = spec.start_async().await;
    let api = Api::new(vec![a.base.clone(), b.base.clone()]);
    let t = team(&api, "replicas").await;
    api.must(
        Method::POST,
        "/api/v1/webhooks",
        Some(&t.admin),
        json!({"url": hook.url, "events": ["patient.created", "consultation.created", "referral.created"]}),
    )
    .await;

    // Half the clients start on each replica; one that gets no answer moves to the other.
    let stop = Cell::new(false);
    let killed_at = Cell::new(None);
    let chaos = async {
        until_acked(&api, 60).await;
        a.kill();
        killed_at.set(Some(Instant::now()));
        until_acked(&api, 60).await;
        stop.set(true);
    };
    let (_, cases) = futures_util::future::join(chaos, run_cases(&api, &t, CLIENTS, &stop)).await;
    let killed_at = killed_at.get().unwrap();
    assert!(b.alive());

    {
        let tally = api.tally.borrow();
        eprintln!("two replicas, one killed: {cases} cases, {tally:?}");
        assert!(
            tally.no_answer > 0,
            "clients on the killed replica moved over"
        );
        assert_eq!(tally.unavailable, 0, "{tally:?}");
        every_case_once(&test_db.url(), &tally, cases);
    }

    // Every event's delivery is sent, by the survivor too for those queued or leased by
    // the killed replica.
    let url = test_db.url();
    let started = Instant::now();
    loop {
        let pending = ids(
            &url,
            "SELECT id FROM webhook_deliveries WHERE state <> 'delivered'",
        );
        if pending.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < RESOLVE_WITHIN,
            "{} deliveries not delivered",
            pending.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    b.kill();
    let deliveries = ids(&url, "SELECT id FROM webhook_deliveries");
    assert_eq!(deliveries.len(), 3 * cases, "one per event");
    let count = |sql: &str| {
        let mut n: HashMap<String, usize> = HashMap::new();
        for d in ids(&url, sql) {
            *n.entry(d).or_default() += 1;
        }
        n
    };
    let successes =
        count("SELECT delivery_id AS id FROM webhook_attempts WHERE status BETWEEN 200 AND 299");
    let attempts = count("SELECT delivery_id AS id FROM webhook_attempts");
    let got = hook.got.lock().unwrap().clone();
    let mut resent = 0;
    for d in &deliveries {
        assert_eq!(successes.get(d), Some(&1), "{d}: one delivery recorded");
        let id = tsunagu_domain::platform::message_id(uuid::Uuid::parse_str(d).unwrap());
        let times: Vec<Instant> = got
            .iter()
            .filter(|(g, _)| *g == id)
            .map(|(_, t)| *t)
            .collect();
        // Each send is a recorded attempt (a failed one — a timeout under load — is sent
        // again after its backoff), except one the killed replica made and died before
        // recording: the survivor sends it again once the lease has run out. That request
        // was on the wire when the kill returned, but a receiver starved of CPU (CI runs
        // other tests beside this one on two cores) may take it in a while later; a few
        // seconds, still well inside the lease the survivor waits out before sending again.
        let recorded = attempts.get(d).copied().unwrap_or(0);
        assert!(!times.is_empty(), "{id} never arrived");
        match times.len().saturating_sub(recorded) {
            0 => {}
            1 if times[0] < killed_at + IN_FLIGHT_AT_KILL => resent += 1,
            _ => panic!(
                "{id} received {} times for {recorded} recorded attempts, first {:?} after the kill",
                times.len(),
                times[0].checked_duration_since(killed_at)
            ),
        }
    }
    let sent: HashSet<String> = deliveries
        .iter()
        .map(|d| tsunagu_domain::platform::message_id(uuid::Uuid::parse_str(d).unwrap()))
        .collect();
    assert!(
        got.iter().all(|(id, _)| sent.contains(id)),
        "nothing else arrived"
    );
    drop(got);
    spec.audit_verify();
    eprintln!(
        "two replicas ({:.1} s): {} webhook deliveries, each recorded delivered once; {resent} \
         sent again after the kill",
        began.elapsed().as_secs_f64(),
        deliveries.len()
    );
}

// --- 4. an import killed while it commits ----------------------------------------------------

/// Runs `sql` (a statement changing rows) on the database at `url`.
fn execute(url: &str, sql: &str) {
    use r2d2::ManageConnection as _;
    let mut conn = tsunagu_store::db::Manager::new(tsunagu_store::DatabaseUrl::parse(url))
        .connect()
        .unwrap();
    diesel::sql_query(sql).execute(&mut conn).unwrap();
}

/// Polls the import until `done` says so of its body.
async fn import_until(api: &Api, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let r = api.read(&format!("/api/v1/imports/{id}"), token).await;
        if done(&r.body) {
            return r.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "import {id} stuck: {}",
            r.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

const IMPORT_ROWS: usize = 3000;

/// `kill -9` of the process committing an import, half-way through its rows: nothing of the
/// batch is left (no patient, no row key, no event of its records), the import still waits
/// to be committed, and once the dead worker's lease has run out the restarted server
/// commits it exactly once, with a verifying audit chain.
async fn an_import_killed_while_committing_leaves_nothing(db: Db) {
    let test_db = TestDb::create(db);
    let url = test_db.url();
    let spec = Spec::new(&url, &[]);
    let mut server = spec.start_async().await;
    let api = Api::new(vec![server.base.clone()]);
    let t = team(&api, "impk").await;

    let mut csv = String::from("相談者番号,氏名,フリガナ,生年月日,就労状況,登録日\n");
    for i in 1..=IMPORT_ROWS {
        let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
            + chrono::Duration::days(i as i64 * 5);
        csv.push_str(&format!(
            "K{i:05},山田 花子{i},ヤマダ ハナコ,{birth},求職中,R5.4.1\n"
        ));
    }
    let mapping = json!({
        "columns": {"row_key": "相談者番号", "name": "氏名", "name_kana": "フリガナ",
                    "birth_date": "生年月日", "employment_status": "就労状況",
                    "registered_on": "登録日"},
        "defaults": {"program": "nanbyo", "support_awareness": "unaware"}
    });
    let body = crate::imports::form("patients", "台帳.csv", csv.as_bytes(), Some(&mapping));
    let mut res = api
        .client
        .post(format!("{}/api/v1/imports", api.base()))
        .insert_header(("authorization", format!("Bearer {}", t.supervisor)))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={}", crate::imports::BOUNDARY),
        ))
        .send_body(body)
        .await
        .unwrap();
    let created: Value = res.json().limit(1 << 20).await.unwrap();
    assert_eq!(res.status().as_u16(), 202, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let checked = import_until(&api, &t.supervisor, &id, |b| b["state"] != "checking").await;
    assert_eq!(checked["counts"]["valid"], IMPORT_ROWS, "{checked}");
    api.must(
        Method::POST,
        &format!("/api/v1/imports/{id}/commit"),
        Some(&t.supervisor),
        json!({}),
    )
    .await;
    // Half-way through its rows (the replica running it answers the progress), kill it.
    let half = import_until(&api, &t.supervisor, &id, |b| {
        b["state"] != "committing" || b["progress"]["done"].as_u64() >= Some(IMPORT_ROWS as u64 / 2)
    })
    .await;
    assert_eq!(
        half["state"], "committing",
        "finished before the kill: {half}"
    );
    server.kill();
    // On PostgreSQL the commit also wrote its progress beside its transaction (every 1,000
    // rows) for the other replicas; SQLite's one writer was the commit.
    let published: i64 = ids(
        &url,
        &format!("SELECT CAST(progress_done AS TEXT) AS id FROM imports WHERE id = '{id}'"),
    )[0]
    .parse()
    .unwrap();
    match db {
        Db::Postgres => assert!(published >= 1000, "published {published}"),
        Db::Sqlite => assert_eq!(published, 0),
    }

    let count = |sql: &str| ids(&url, sql).len();
    assert_eq!(
        count("SELECT id FROM patients"),
        0,
        "patients of the killed batch"
    );
    assert_eq!(count("SELECT row_key AS id FROM import_keys"), 0);
    let by_import = format!("SELECT id FROM audit_events WHERE request_id = 'import:{id}'");
    assert_eq!(count(&by_import), 0, "events of records never written");
    assert_eq!(
        ids(
            &url,
            &format!("SELECT state AS id FROM imports WHERE id = '{id}'")
        ),
        ["committing"]
    );

    // Time passes: the dead worker's lease runs out (15 minutes; moved here, not waited).
    execute(&url, "UPDATE imports SET lease_until = NULL");
    server = spec.start_async().await;
    *api.bases.borrow_mut() = vec![server.base.clone()];
    let done = import_until(&api, &t.supervisor, &id, |b| b["state"] != "committing").await;
    assert_eq!(done["state"], "committed", "{done}");
    assert_eq!(done["counts"]["created"], IMPORT_ROWS, "{done}");
    server.kill();
    assert_eq!(count("SELECT id FROM patients"), IMPORT_ROWS);
    assert_eq!(count("SELECT row_key AS id FROM import_keys"), IMPORT_ROWS);
    // The commit kept the case-number counter (and the chain head) in memory and wrote it
    // back once: every number given once, and the counter where the next registration of
    // that fiscal year continues.
    assert_eq!(
        count("SELECT DISTINCT case_number AS id FROM patients"),
        IMPORT_ROWS
    );
    assert_eq!(
        ids(
            &url,
            "SELECT CAST(last_number AS TEXT) AS id FROM case_counters WHERE fiscal_year = 2023"
        ),
        [IMPORT_ROWS.to_string()]
    );
    let created_events = format!(
        "SELECT id FROM audit_events WHERE request_id = 'import:{id}' AND action = 'patient.create'"
    );
    assert_eq!(count(&created_events), IMPORT_ROWS);
    spec.audit_verify();
}
