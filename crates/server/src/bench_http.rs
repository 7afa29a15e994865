//! `tsunagu bench http`: what the server layer costs on top of the work it serves.
//!
//! The real server runs as a child process (`tsunagu serve`) on the configured database, and
//! the same reads run in this process through the same use cases, with the same session
//! check and one connection per call, but with no HTTP, no thread hand-off and no JSON: the
//! reference. The two sides take turns in rounds (server, reference, server, …), so a machine
//! that slows down during the run slows both. Beside each figure: statements sent to the
//! database, context switches and CPU time per request, so a regression shows its cause.
//!
//! Statements come from the store's count (the server's through `/metrics`); context
//! switches and CPU time from `/proc` (Linux), for the server process or this one.
//!
//! Then writes: POST /consultations at 16 connections spread over ten centers (`bench-w01`
//! to `bench-w10`, made on the first run), against the same 16 connections all in one
//! center, and the same use case in-process from 16 threads over the ten centers, in
//! alternating rounds. One center's writes take turns on its audit chain head, which is what
//! every write of the installation did before the chains were per center, so the first
//! ratio is what per-center chains gain on this machine and database; the second is what
//! the server layer costs on writes. Last, the server's memory with 16 sign-ins at once.

use crate::bench::Figures;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::entities::RequestMeta;
use uuid::Uuid;

/// What a process did between two snapshots.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub statements: u64,
    pub context_switches: u64,
    pub cpu: Duration,
}

/// One side of one workload.
#[derive(Debug, Clone, Copy)]
pub struct Side {
    pub per_second: f64,
    pub latency: Figures,
    pub p99: Duration,
    pub requests: usize,
    pub cost: Cost,
}

impl Side {
    pub fn per_request(&self) -> (f64, f64, f64) {
        let n = self.requests.max(1) as f64;
        (
            self.cost.statements as f64 / n,
            self.cost.context_switches as f64 / n,
            self.cost.cpu.as_secs_f64() * 1000.0 / n,
        )
    }

    /// Rate, p50 and p99 in ms, then statements, context switches and CPU ms per request:
    /// the columns every table of `bench http` prints for a side.
    pub fn columns(&self) -> String {
        let (statements, switches, cpu) = self.per_request();
        format!(
            "{:>8.0} {:>7.2} {:>7.2} {:>6.1} {:>6.1} {:>6.2}",
            self.per_second,
            self.latency.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            statements,
            switches,
            cpu
        )
    }
}

/// CPU time and context switches of a process so far, from `/proc/<pid>`; context switches
/// are summed over the threads alive now (the benchmark keeps its threads alive between
/// snapshots, and the server's are long-lived).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcStat {
    cpu_ticks: u64,
    switches: u64,
}

impl ProcStat {
    pub fn read(pid: u32) -> Result<Self, String> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_err(|e| format!("cannot read /proc/{pid}/stat: {e}"))?;
        // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after ')'.
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let cpu_ticks = tick(11) + tick(12);
        let mut switches = 0;
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map_err(|e| format!("cannot list /proc/{pid}/task: {e}"))?;
        for task in tasks.flatten() {
            let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
                continue; // the thread ended meanwhile
            };
            for line in status.lines() {
                if let Some(v) = line
                    .strip_prefix("voluntary_ctxt_switches:")
                    .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
                {
                    switches += v.trim().parse::<u64>().unwrap_or(0);
                }
            }
        }
        Ok(Self {
            cpu_ticks,
            switches,
        })
    }

    pub fn since(&self, earlier: &ProcStat, statements: u64) -> Cost {
        // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture.
        const TICKS_PER_SECOND: u64 = 100;
        Cost {
            statements,
            context_switches: self.switches.saturating_sub(earlier.switches),
            cpu: Duration::from_millis(
                self.cpu_ticks.saturating_sub(earlier.cpu_ticks) * 1000 / TICKS_PER_SECOND,
            ),
        }
    }
}

pub fn side(latencies: Vec<Duration>, elapsed: Duration, cost: Cost) -> Side {
    let requests = latencies.len();
    let mut sorted = latencies;
    sorted.sort();
    let p99 = sorted
        .get(((sorted.len() as f64 - 1.0) * 0.99).round() as usize)
        .copied()
        .unwrap_or_default();
    Side {
        per_second: requests as f64 / elapsed.as_secs_f64().max(1e-9),
        latency: crate::bench::figures(sorted),
        p99,
        requests,
        cost,
    }
}

/// The reference: `threads` threads run `work` for `length`, each call in one connection
/// after the session check, as the server runs a request.
pub fn in_process(
    services: &Services,
    ctx: &Ctx,
    ids: &[Uuid],
    threads: usize,
    length: Duration,
    work: &(dyn Fn(&Services, &Ctx, Uuid) -> Result<(), DomainError> + Sync),
) -> Result<Side, String> {
    let pick = |t: usize, i: usize| (ctx, ids[(t + i * threads) % ids.len()]);
    run_threads(services, threads, length, &pick, work)
}

/// The reference for writes: thread `t` acts as `callers[t % callers.len()]` (a caller and
/// the record it writes about) throughout, as the server side's client `t` does.
pub fn in_process_as(
    services: &Services,
    callers: &[(Ctx, Uuid)],
    threads: usize,
    length: Duration,
    work: &(dyn Fn(&Services, &Ctx, Uuid) -> Result<(), DomainError> + Sync),
) -> Result<Side, String> {
    let pick = |t: usize, _: usize| {
        let (c, id) = &callers[t % callers.len()];
        (c, *id)
    };
    run_threads(services, threads, length, &pick, work)
}

/// `threads` threads call `work` for `length`, thread `t`'s `i`-th call as `pick(t, i)`
/// says, each in one connection after the session check.
fn run_threads<'c>(
    services: &Services,
    threads: usize,
    length: Duration,
    pick: &(dyn Fn(usize, usize) -> (&'c Ctx, Uuid) + Sync),
    work: &(dyn Fn(&Services, &Ctx, Uuid) -> Result<(), DomainError> + Sync),
) -> Result<Side, String> {
    let start = Arc::new(Barrier::new(threads + 1));
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(Barrier::new(threads + 1));
    let latencies = Mutex::new(Vec::new());
    let failures = Mutex::new(None::<String>);
    let outcome = std::thread::scope(|s| {
        for t in 0..threads {
            let (start, stop, done) = (start.clone(), stop.clone(), done.clone());
            let (latencies, failures) = (&latencies, &failures);
            s.spawn(move || {
                let mut mine = Vec::new();
                start.wait();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let (ctx, id) = pick(t, i);
                    i += 1;
                    let began = Instant::now();
                    let r = services.in_one_connection(|| {
                        services
                            .sign_in()
                            .authenticate(ctx.actor.session_id, ctx.actor.user_id)?;
                        work(services, ctx, id)
                    });
                    if let Err(e) = r {
                        if let Ok(mut f) = failures.lock() {
                            f.get_or_insert(e.to_string());
                        }
                        break;
                    }
                    mine.push(began.elapsed());
                }
                if let Ok(mut all) = latencies.lock() {
                    all.extend(mine);
                }
                // Stay alive until the snapshot is taken, so this thread's switches count.
                done.wait();
            });
        }
        start.wait();
        let (before, stmts) = (
            ProcStat::read(std::process::id()),
            tsunagu_store::db::statements_sent(),
        );
        let began = Instant::now();
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        // Give the workers a moment to finish their last call before the snapshot.
        std::thread::sleep(Duration::from_millis(50));
        let elapsed = began.elapsed();
        let after = ProcStat::read(std::process::id());
        let stmts = tsunagu_store::db::statements_sent() - stmts;
        done.wait();
        Ok::<_, String>((before?, after?, stmts, elapsed))
    });
    let (before, after, stmts, elapsed) = outcome?;
    if let Some(e) = failures.lock().ok().and_then(|mut f| f.take()) {
        return Err(format!("the in-process reference failed: {e}"));
    }
    let latencies = latencies.into_inner().map_err(|e| e.to_string())?;
    Ok(side(latencies, elapsed, after.since(&before, stmts)))
}

/// The server side: `connections` clients GET `paths` (round robin) for `length`; answers
/// each request's latency and the time it took. The caller snapshots the server around it.
pub async fn over_http(
    base: &str,
    token: &str,
    paths: &[String],
    connections: usize,
    length: Duration,
) -> Result<(Vec<Duration>, Duration), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let began = Instant::now();
    for t in 0..connections {
        let stop = stop.clone();
        let urls: Vec<String> = paths.iter().map(|p| format!("{base}{p}")).collect();
        let auth = format!("Bearer {token}");
        tasks.push(actix_web::rt::spawn(async move {
            // One client per task: each keeps its own keep-alive connection.
            let client = awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .finish();
            let mut mine = Vec::new();
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let url = &urls[i % urls.len()];
                i += connections;
                let t0 = Instant::now();
                let mut res = client
                    .get(url)
                    .insert_header(("Authorization", auth.as_str()))
                    .send()
                    .await
                    .map_err(|e| format!("GET {url}: {e}"))?;
                let status = res.status();
                res.body()
                    .limit(16 * 1024 * 1024)
                    .await
                    .map_err(|e| format!("GET {url}: {e}"))?;
                if !status.is_success() {
                    return Err(format!("GET {url}: {status}"));
                }
                mine.push(t0.elapsed());
            }
            Ok::<_, String>(mine)
        }));
    }
    actix_web::rt::time::sleep(length).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.map_err(|e| e.to_string())??);
    }
    Ok((latencies, began.elapsed()))
}

/// The write side: `connections` clients POST to `path` for `length`, client `t` as
/// `writers[t % writers.len()]` (a token and a body), each answer a 201. Answers each
/// request's latency and the time it took.
pub async fn post_over_http(
    base: &str,
    path: &str,
    writers: &[(String, String)],
    connections: usize,
    length: Duration,
) -> Result<(Vec<Duration>, Duration), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let began = Instant::now();
    for t in 0..connections {
        let stop = stop.clone();
        let url = format!("{base}{path}");
        let (token, body) = writers[t % writers.len()].clone();
        let auth = format!("Bearer {token}");
        tasks.push(actix_web::rt::spawn(async move {
            let client = awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .finish();
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let mut res = client
                    .post(&url)
                    .insert_header(("Authorization", auth.as_str()))
                    .insert_header(("Content-Type", "application/json"))
                    .send_body(body.clone())
                    .await
                    .map_err(|e| format!("POST {url}: {e}"))?;
                let status = res.status();
                let answer = res
                    .body()
                    .limit(1024 * 1024)
                    .await
                    .map_err(|e| format!("POST {url}: {e}"))?;
                if status.as_u16() != 201 {
                    return Err(format!(
                        "POST {url}: {status} {}",
                        String::from_utf8_lossy(&answer)
                    ));
                }
                mine.push(t0.elapsed());
            }
            Ok::<_, String>(mine)
        }));
    }
    actix_web::rt::time::sleep(length).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.map_err(|e| e.to_string())??);
    }
    Ok((latencies, began.elapsed()))
}

/// Centers that write at once in the write workload.
pub const WRITING_CENTERS: usize = 10;

/// The code of the write workload's `i`-th center (from 0).
fn write_center_code(i: usize) -> String {
    format!("bench-w{:02}", i + 1)
}

/// The write workload's writers: centers `bench-w01`… (made on the first run, through
/// the use cases, as the system administrator), in each a consultant made for this run (a
/// fresh login, so its password is known) signed in in-process, and the patient they write
/// about. Answers each center's (user, session, patient).
fn write_centers(
    services: &Services,
    existing: Vec<Option<tsunagu_domain::entities::Center>>,
) -> Result<Vec<(Uuid, Uuid, Uuid)>, String> {
    use tsunagu_domain::cases::PatientInput;
    use tsunagu_domain::entities::Actor;
    use tsunagu_domain::staff::centers::CreateCenterInput;
    use tsunagu_domain::staff::users::CreateUserInput;
    use tsunagu_domain::values::{OperatingType, Role};
    let err = |e: DomainError| e.to_string();
    let actor = |user_id, role, center_id| Ctx {
        actor: Actor {
            user_id,
            session_id: Uuid::now_v7(),
            role,
            center_id,
            administration_id: None,
            login: "bench".into(),
            display_name: "bench".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        },
        meta: RequestMeta {
            request_id: "bench".into(),
            source: Some("tsunagu bench http".into()),
            idempotency: None,
        },
    };
    // The command line acts as the system administrator, as `tsunagu demo-data` does.
    let system = actor(Uuid::nil(), Role::SystemAdmin, None);
    let run = chrono::Utc::now().format("%Y%m%d%H%M%S");
    let mut out = Vec::new();
    for (i, center) in existing.into_iter().enumerate() {
        let code = write_center_code(i);
        let center = match center {
            Some(c) => c,
            None => services
                .centers()
                .create(
                    &system,
                    CreateCenterInput {
                        code: code.clone(),
                        name: format!("ベンチマーク用センター（{code}）"),
                        prefecture_code: "34".into(),
                        operating_type: OperatingType::PatientOrganization.as_str().into(),
                        programs: None,
                    },
                )
                .map_err(err)?,
        };
        let password = random_text(16);
        let login = format!("{code}.w{run}");
        services
            .users()
            .create(
                &system,
                CreateUserInput {
                    center_id: Some(center.id),
                    administration_id: None,
                    login: login.clone(),
                    display_name: "ベンチ 書子".into(),
                    role: Role::Consultant.as_str().into(),
                    password: password.clone(),
                    must_change_password: false,
                },
            )
            .map_err(err)?;
        let meta = RequestMeta {
            request_id: "bench".into(),
            source: None,
            idempotency: None,
        };
        let issued = services
            .sign_in()
            .login(&meta, &login, &password, None)
            .result
            .map_err(|e| format!("cannot sign in as {login}: {e}"))?;
        let writer = ctx_of(services, issued.user_id, issued.session_id)?;
        let patient = services
            .patients()
            .create(
                &writer,
                PatientInput {
                    family_name: Some("書込".into()),
                    given_name: Some("試験".into()),
                    family_name_kana: Some("カキコミ".into()),
                    given_name_kana: Some("シケン".into()),
                    birth_date: Some("1980-01-01".into()),
                    program: Some("nanbyo".into()),
                    employment_status: Some("job_seeking".into()),
                    support_awareness: Some("unaware".into()),
                    ..Default::default()
                },
            )
            .map_err(err)?;
        out.push((issued.user_id, issued.session_id, patient.id));
    }
    Ok(out)
}

/// A caller for the reference, as the server would make it from the session.
pub fn ctx_of(services: &Services, user: Uuid, session: Uuid) -> Result<Ctx, String> {
    let actor = services
        .in_one_connection(|| services.sign_in().authenticate(session, user))
        .map_err(|e| e.to_string())?;
    Ok(Ctx {
        actor,
        meta: RequestMeta {
            request_id: "bench".into(),
            source: None,
            idempotency: None,
        },
    })
}

/// The child server process; killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn random_text(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The server's statement count from its `/metrics`.
async fn server_statements(base: &str, token: &str) -> Result<u64, String> {
    let mut res = awc::Client::default()
        .get(format!("{base}/metrics"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .map_err(|e| format!("GET /metrics: {e}"))?;
    let body = res.body().await.map_err(|e| format!("GET /metrics: {e}"))?;
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|l| l.strip_prefix("tsunagu_http_database_statements_total "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| "the server's /metrics has no statement count".to_owned())
}

/// The server's resident memory now and at its peak (`VmRSS`, `VmHWM`), in MB.
fn memory(pid: u32) -> Result<(f64, f64), String> {
    let (now, peak) = crate::bench::memory(pid)?;
    Ok((now as f64 / 1024.0, peak as f64 / 1024.0))
}

/// `n` sign-ins over HTTP at once; answers how many succeeded (all, or an error).
async fn parallel_sign_ins(
    base: &str,
    login: &str,
    password: &str,
    n: usize,
) -> Result<usize, String> {
    let body = serde_json::json!({"login": login, "password": password}).to_string();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (url, body) = (format!("{base}/api/v1/auth/login"), body.clone());
        tasks.push(actix_web::rt::spawn(async move {
            let mut res = awc::Client::builder()
                .timeout(Duration::from_secs(60))
                .finish()
                .post(&url)
                .insert_header(("Content-Type", "application/json"))
                .send_body(body)
                .await
                .map_err(|e| format!("POST {url}: {e}"))?;
            let status = res.status();
            let answer = res.body().await.map_err(|e| format!("POST {url}: {e}"))?;
            if status.is_success() {
                Ok(())
            } else {
                Err(format!(
                    "POST {url}: {status} {}",
                    String::from_utf8_lossy(&answer)
                ))
            }
        }));
    }
    let mut ok = 0;
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
        ok += 1;
    }
    Ok(ok)
}

/// The round whose rate is the median of the rounds.
fn median_side(mut sides: Vec<Side>) -> Option<Side> {
    sides.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    sides.get(sides.len() / 2).copied()
}

/// `tsunagu bench http`: see the module documentation. Signs in as `login` (the demo
/// center's consultant by default) in-process, and gives the server child the same JWT key,
/// so both sides act for the same session.
pub fn run(cfg: &crate::Config, center_code: &str, seconds: u64) -> Result<(), String> {
    use tsunagu_domain::ports::prelude::*;
    let login = std::env::var("TSUNAGU_BENCH_LOGIN").unwrap_or_else(|_| "demo.consultant1".into());
    let password = std::env::var("TSUNAGU_BENCH_PASSWORD")
        .map_err(|_| "set TSUNAGU_BENCH_PASSWORD to the password of TSUNAGU_BENCH_LOGIN (default demo.consultant1; `demo-data` prints it)".to_owned())?;
    let store = crate::open_store(cfg)?;
    let center = store
        .center_by_code(center_code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {center_code}"))?;
    let ids: Vec<Uuid> = store
        .patients(
            center.id,
            None,
            None,
            &Default::default(),
            tsunagu_domain::page::PageRequest {
                limit: 200,
                ..Default::default()
            },
        )
        .map_err(|e| e.to_string())?
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Err("the center has no patients; run `tsunagu demo-data` first".into());
    }
    let existing = (0..WRITING_CENTERS)
        .map(|i| store.center_by_code(&write_center_code(i)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let backend = store.backend();
    let scratch = store.clone();
    let services = Services::new(Arc::new(store), Arc::new(tsunagu_domain::SystemClock));
    let meta = RequestMeta {
        request_id: "bench".into(),
        source: None,
        idempotency: None,
    };
    let issued = services
        .sign_in()
        .login(&meta, &login, &password, None)
        .result
        .map_err(|e| format!("cannot sign in as {login}: {e}"))?;
    let ctx = ctx_of(&services, issued.user_id, issued.session_id)?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let (jwt_secret, metrics_token) = (random_text(32), random_text(24));
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Child(
        std::process::Command::new(exe)
            .arg("serve")
            .env("TSUNAGU_LISTEN", format!("127.0.0.1:{port}"))
            .env("TSUNAGU_JWT_SECRET", &jwt_secret)
            .env("TSUNAGU_METRICS_TOKEN", &metrics_token)
            .env("TSUNAGU_RATE_LIMIT_USER_PER_MINUTE", "0")
            .env("TSUNAGU_WEBHOOK_WORKER", "off")
            .env("TSUNAGU_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?,
    );
    let pid = child.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let keys = tsunagu_http::JwtKeys::from_secret(jwt_secret.as_bytes());
    let (token, _) = keys
        .issue(issued.user_id, issued.session_id, chrono::Utc::now())
        .map_err(|_| "cannot issue an access token".to_owned())?;
    let length = Duration::from_secs(seconds.max(1));
    let rounds = 3;
    // The write workload's writers, one per center, each with its own token.
    let writing = write_centers(&services, existing)?;
    let callers: Vec<(Ctx, Uuid)> = writing
        .iter()
        .map(|(user, session, patient)| Ok((ctx_of(&services, *user, *session)?, *patient)))
        .collect::<Result<_, String>>()?;
    let writers: Vec<(String, String)> = writing
        .into_iter()
        .map(|(user, session, patient)| {
            let (token, _) = keys
                .issue(user, session, chrono::Utc::now())
                .map_err(|_| "cannot issue an access token".to_owned())?;
            let body = serde_json::json!({
                "patient_id": patient, "channel": "phone", "requester": "patient",
                "topics": ["employment"], "summary": "ベンチマーク"
            })
            .to_string();
            Ok((token, body))
        })
        .collect::<Result<_, String>>()?;

    // The database's ceiling (PostgreSQL): each workload's statements captured once here
    // and replayed by pgbench in the same rounds.
    let pgbench_found = std::process::Command::new("pgbench")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if backend == tsunagu_store::Backend::Postgres && !pgbench_found {
        println!("  (pgbench is not on the PATH: no database ceiling in this run)");
    }
    let ceiling = if backend == tsunagu_store::Backend::Postgres && pgbench_found {
        Some(Ceiling::make(&scratch, &cfg.database_url, |what| {
            let since = chrono::Utc::now();
            let (out, captured) = tsunagu_store::db::capture_statements(|| match what {
                Capture::Get => services.in_one_connection(|| {
                    services
                        .sign_in()
                        .authenticate(ctx.actor.session_id, ctx.actor.user_id)?;
                    services.patients().get(&ctx, ids[0]).map(drop)
                }),
                Capture::Timeline => services.in_one_connection(|| {
                    services
                        .sign_in()
                        .authenticate(ctx.actor.session_id, ctx.actor.user_id)?;
                    services.patients().timeline(&ctx, ids[0]).map(drop)
                }),
                Capture::Write(i) => {
                    let (c, patient) = &callers[i % callers.len()];
                    services.in_one_connection(|| {
                        services
                            .sign_in()
                            .authenticate(c.actor.session_id, c.actor.user_id)?;
                        write_one(&services, c, *patient)
                    })
                }
            });
            out.map_err(|e| e.to_string())?;
            crate::bench_ceiling::pgbench_script(&captured, since)
        })?)
    } else {
        None
    };
    let workloads: [(&str, bool); 2] = [
        ("GET /patients/{id}", false),
        ("GET /patients/{id}/timeline", true),
    ];
    println!(
        "server layer vs the same use cases in-process ({backend:?}), {rounds} rounds of {}s each way, median round",
        length.as_secs()
    );
    println!(
        "  {:<28} {:>3} | {:>8} {:>7} {:>7} {:>6} {:>6} {:>6} | {:>8} {:>6} {:>6} {:>6} | {:>5} | {:>8} {:>5} | {:>5}",
        "work",
        "c",
        "req/s",
        "p50 ms",
        "p99 ms",
        "stmt",
        "cs",
        "cpu ms",
        "ops/s",
        "stmt",
        "cs",
        "cpu ms",
        "ratio",
        "pgbench",
        "stmt",
        "ratio"
    );
    actix_web::rt::System::new().block_on(async {
        // Ready when /readyz answers.
        let ready_by = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = awc::Client::default()
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                break;
            }
            if Instant::now() > ready_by {
                return Err("the server did not become ready within 60 s".to_owned());
            }
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        }
        for (name, timeline) in workloads {
            let paths: Vec<String> = ids
                .iter()
                .map(|id| {
                    if timeline {
                        format!("/api/v1/patients/{id}/timeline")
                    } else {
                        format!("/api/v1/patients/{id}")
                    }
                })
                .collect();
            let work = move |s: &Services, c: &Ctx, id: Uuid| -> Result<(), DomainError> {
                if timeline {
                    s.patients().timeline(c, id).map(drop)
                } else {
                    s.patients().get(c, id).map(drop)
                }
            };
            let script = if timeline { Capture::Timeline } else { Capture::Get };
            for c in [4usize, 16] {
                let (mut http, mut local, mut database) = (Vec::new(), Vec::new(), Vec::new());
                for _ in 0..rounds {
                    let before = (ProcStat::read(pid)?, server_statements(&base, &metrics_token).await?);
                    let (lat, elapsed) = over_http(&base, &token, &paths, c, length).await?;
                    let after = (ProcStat::read(pid)?, server_statements(&base, &metrics_token).await?);
                    http.push(side(lat, elapsed, after.0.since(&before.0, after.1.saturating_sub(before.1))));
                    local.push(in_process(&services, &ctx, &ids, c, length, &work)?);
                    if let Some(ceiling) = &ceiling {
                        database.push(ceiling.run(&[script], c, length)?);
                    }
                }
                let (Some(h), Some(l)) = (median_side(http), median_side(local)) else {
                    continue;
                };
                let (ls, lc, lu) = l.per_request();
                let db = median_rate(database);
                let statements = ceiling.as_ref().map(|x| x.statements(script));
                println!(
                    "  {:<28} {:>3} | {} | {:>8.0} {:>6.1} {:>6.1} {:>6.2} | {:>5.2} | {} | {}",
                    name,
                    c,
                    h.columns(),
                    l.per_second,
                    ls,
                    lc,
                    lu,
                    h.per_second / l.per_second.max(1e-9),
                    db.zip(statements).map_or_else(
                        || format!("{:>8} {:>5}", "-", "-"),
                        |(d, n)| format!("{d:>8.0} {n:>5}")
                    ),
                    db.map_or_else(|| format!("{:>5}", "-"), |d| format!("{:>5.2}", h.per_second / d.max(1e-9)))
                );
            }
        }
        // Writes: 4 and 16 connections POST consultations, spread over ten centers, then all in
        // one center — whose writes still take turns on its chain head, as every write of
        // the installation did on the one head before chains were per center. Same server,
        // same round, alternating.
        println!(
            "  POST /consultations: {WRITING_CENTERS} centers writing at once vs one center (its writes share one chain head)"
        );
        println!(
            "  {:<28} {:>3} | {:>8} {:>7} {:>7} {:>6} {:>6} {:>6}",
            "centers", "c", "req/s", "p50 ms", "p99 ms", "stmt", "cs", "cpu ms"
        );
        let one = vec![writers[0].clone()];
        let write = write_one;
        let all_centers: Vec<Capture> = (0..WRITING_CENTERS).map(Capture::Write).collect();
        for c in [4usize, 16] {
            let (mut many_sides, mut one_sides, mut local_sides) = (Vec::new(), Vec::new(), Vec::new());
            let mut database = Vec::new();
            for _ in 0..rounds {
                for (who, into) in [(&writers, &mut many_sides), (&one, &mut one_sides)] {
                    let before = (ProcStat::read(pid)?, server_statements(&base, &metrics_token).await?);
                    let (lat, elapsed) =
                        post_over_http(&base, "/api/v1/consultations", who, c, length).await?;
                    let after = (ProcStat::read(pid)?, server_statements(&base, &metrics_token).await?);
                    into.push(side(lat, elapsed, after.0.since(&before.0, after.1.saturating_sub(before.1))));
                }
                local_sides.push(in_process_as(&services, &callers, c, length, &write)?);
                if let Some(ceiling) = &ceiling {
                    database.push(ceiling.run(&all_centers, c, length)?);
                }
            }
            let db = median_rate(database);
            let (Some(many), Some(single), Some(local)) =
                (median_side(many_sides), median_side(one_sides), median_side(local_sides))
            else {
                continue;
            };
            for (label, x) in [
                (format!("{WRITING_CENTERS} centers"), &many),
                ("1 center".to_owned(), &single),
                (format!("{WRITING_CENTERS} centers, in-process"), &local),
            ] {
                println!("  {:<28} {:>3} | {}", label, c, x.columns());
            }
            if let (Some(d), Some(x)) = (db, &ceiling) {
                println!(
                    "  {:<28} {:>3} | {:>8.0} {:>7} {:>7} {:>6}",
                    format!("{WRITING_CENTERS} centers, pgbench"),
                    c,
                    d,
                    "",
                    "",
                    x.statements(Capture::Write(0))
                );
            }
            println!(
                "  c={c}: {WRITING_CENTERS} centers over 1 center: {:.2}; over HTTP vs in-process: {:.2}; over HTTP vs pgbench: {}",
                many.per_second / single.per_second.max(1e-9),
                many.per_second / local.per_second.max(1e-9),
                db.map_or_else(|| "-".to_owned(), |d| format!("{:.2}", many.per_second / d.max(1e-9)))
            );
        }
        // Memory: the server after all that, then with 16 sign-ins at once (each hashes a
        // password with argon2id's 19 MiB; the hashing pool bounds how many at a time).
        let rss_before = memory(pid)?;
        let signed_in = parallel_sign_ins(&base, &login, &password, 16).await?;
        let rss_after = memory(pid)?;
        println!(
            "  server memory: {:.0} MB resident before {signed_in} parallel sign-ins, {:.0} MB after; peak (VmHWM) {:.0} MB",
            rss_before.0, rss_after.0, rss_after.1
        );
        Ok::<(), String>(())
    })?;
    drop(ceiling);
    println!("  stmt: statements per request; cs: context switches per request (server process,");
    println!(
        "  or this process for the reference); cpu ms: CPU time per request; ratio: req/s over ops/s"
    );
    if backend == tsunagu_store::Backend::Postgres {
        println!(
            "  pgbench: transactions per second of pgbench replaying the statements of one such request"
        );
        println!(
            "  (captured from the store, values written in), same connections; ratio: req/s over it"
        );
    }
    drop(child);
    Ok(())
}

/// One consultation written, as the write workload's POST does.
fn write_one(s: &Services, c: &Ctx, patient: Uuid) -> Result<(), DomainError> {
    s.consultations()
        .create(
            c,
            tsunagu_domain::cases::ConsultationInput {
                patient_id: Some(Some(patient)),
                channel: Some("phone".into()),
                requester: Some("patient".into()),
                topics: Some(vec!["employment".into()]),
                summary: Some(Some("ベンチマーク".into())),
                ..Default::default()
            },
        )
        .map(drop)
}

/// The median of the rounds' rates.
fn median_rate(mut rates: Vec<f64>) -> Option<f64> {
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied()
}

/// A workload whose statements pgbench replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Capture {
    Get,
    Timeline,
    /// A consultation written in the `i`-th writing center.
    Write(usize),
}

/// The pgbench side: one script per workload in a directory of its own, and the scratch
/// schema they write into; both removed when dropped.
struct Ceiling<'s> {
    store: &'s tsunagu_store::DieselStore,
    url: String,
    /// Holds the scripts; removed with them when dropped.
    _dir: tempfile::TempDir,
    scripts: std::collections::BTreeMap<Capture, (std::path::PathBuf, usize)>,
}

impl<'s> Ceiling<'s> {
    fn make(
        store: &'s tsunagu_store::DieselStore,
        url: &str,
        capture: impl Fn(Capture) -> Result<crate::bench_ceiling::Script, String>,
    ) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("tsunagu-bench-pgbench-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let mut scripts = std::collections::BTreeMap::new();
        let mut written = std::collections::BTreeSet::new();
        let all = [Capture::Get, Capture::Timeline]
            .into_iter()
            .chain((0..WRITING_CENTERS).map(Capture::Write));
        for (i, what) in all.enumerate() {
            let script = capture(what)?;
            let path = dir.path().join(format!("{i:02}.sql"));
            std::fs::write(&path, &script.text).map_err(|e| e.to_string())?;
            written.extend(script.written);
            scripts.insert(what, (path, script.statements));
        }
        let tables: Vec<String> = written.into_iter().collect();
        store.make_ceiling_schema(&tables)?;
        Ok(Self {
            store,
            url: url.to_owned(),
            _dir: dir,
            scripts,
        })
    }

    fn statements(&self, what: Capture) -> usize {
        self.scripts.get(&what).map_or(0, |s| s.1)
    }

    /// pgbench's transactions per second over `what` (each transaction one of them).
    fn run(&self, what: &[Capture], clients: usize, length: Duration) -> Result<f64, String> {
        let paths: Vec<&std::path::Path> = what
            .iter()
            .filter_map(|w| self.scripts.get(w).map(|s| s.0.as_path()))
            .collect();
        crate::bench_ceiling::pgbench(&self.url, &paths, clients, length).map(|p| p.per_second)
    }
}

impl Drop for Ceiling<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.store.drop_ceiling_schema() {
            eprintln!("could not drop the scratch schema: {e}");
        }
    }
}
