//! `tsunagu bench http`: what the server layer costs on top of the work it serves.
//!
//! The real server runs as a child process (`tsunagu serve`) on the configured database, and
//! the same reads run in this process through the same use cases, with the same session
//! check and one connection per call, but with no HTTP, no thread hand-off and no JSON: the
//! reference. The two sides take turns in rounds (server, reference, server, …), so a machine
//! that slows down during the run slows both. Beside each figure: statements sent to the
//! database, context switches and CPU time per request, so a regression shows its cause.
//!
//! The server's clients are wrk's connections (see [`crate::bench_wrk`] for why not a
//! client in this process). Statements come from the store's count (the server's through
//! `/metrics`); context switches and CPU time from `/proc` (Linux), for the server process
//! or this one; beside them the CPU time of the client (wrk, or pgbench) and of the
//! database's processes, when it runs on this host.
//!
//! Then writes: POST /consultations at 16 connections spread over ten centers (`bench-w01`
//! to `bench-w10`, made on the first run), against the same 16 connections all in one
//! center, and the same use case in-process from 16 threads over the ten centers, in
//! alternating rounds. One center's writes take turns on its audit chain head, which is what
//! every write of the installation did before the chains were per center, so the first
//! ratio is what per-center chains gain on this machine and database; the second is what
//! the server layer costs on writes. Last, the server's memory with 16 sign-ins at once.

use crate::bench::Figures;
use crate::bench_wrk::Request;
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
    /// This process's CPU time as the HTTP client, when the side served is another process.
    pub client_cpu: Option<Duration>,
    /// The CPU time of PostgreSQL's processes on this host (see [`database_ticks`]).
    pub database_cpu: Option<Duration>,
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

    /// CPU ms per request of the client and of the database, when measured.
    pub fn other_cpu(&self) -> (Option<f64>, Option<f64>) {
        let per = |d: Duration| d.as_secs_f64() * 1000.0 / self.requests.max(1) as f64;
        (
            self.cost.client_cpu.map(per),
            self.cost.database_cpu.map(per),
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
    /// CPU of its children that ended and were waited for (for this process: pgbench).
    child_ticks: u64,
    switches: u64,
}

/// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture.
const TICKS_PER_SECOND: u64 = 100;

fn ticks(n: u64) -> Duration {
    Duration::from_millis(n * 1000 / TICKS_PER_SECOND)
}

/// The fields of `/proc/<pid>/stat` after the command name, and the name.
fn stat_fields(stat: &str) -> (&str, Vec<&str>) {
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    let name = stat
        .split_once('(')
        .and_then(|(_, r)| r.rsplit_once(')'))
        .map_or("", |(n, _)| n);
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    (name, after.split_whitespace().collect())
}

/// Field `i` after the command name as a number: utime and stime (fields 14 and 15 of the
/// whole line) are 11 and 12, cutime and cstime 13 and 14.
fn stat_number(fields: &[&str], i: usize) -> u64 {
    fields
        .get(i)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
}

/// CPU ticks so far of the PostgreSQL processes on this host: every process named
/// `postgres` (the postmaster, its backends and helpers) and the children each has waited
/// for — the postmaster's ended backends, such as a pgbench run's connections, which are
/// gone by the snapshot after it. `None` when there is none (SQLite, or the database runs
/// on another host). The benchmark expects nothing else of PostgreSQL's to run meanwhile.
pub fn database_ticks() -> Option<u64> {
    database_processes().map(|(ticks, _)| ticks)
}

/// Waits (at most two seconds) until no more PostgreSQL processes run than `before` did:
/// the backends of clients that disconnected, such as pgbench's, end a moment after their
/// client, and a backend reaped between the snapshot's reading of the postmaster and of
/// itself would be counted nowhere.
pub fn database_settled(before: Option<usize>) {
    let Some(before) = before else { return };
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while database_processes().is_some_and(|(_, n)| n > before)
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// [`database_ticks`] and how many PostgreSQL processes there are.
pub fn database_processes() -> Option<(u64, usize)> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        if !name
            .to_str()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // ended meanwhile
        };
        let (command, fields) = stat_fields(&stat);
        if command == "postgres" {
            let own: u64 = [11, 12, 13, 14]
                .iter()
                .map(|&i| stat_number(&fields, i))
                .sum();
            let (sum, n) = total.unwrap_or((0, 0));
            total = Some((sum + own, n + 1));
        }
    }
    total
}

impl ProcStat {
    pub fn read(pid: u32) -> Result<Self, String> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_err(|e| format!("cannot read /proc/{pid}/stat: {e}"))?;
        let (_, fields) = stat_fields(&stat);
        let cpu_ticks = stat_number(&fields, 11) + stat_number(&fields, 12);
        let child_ticks = stat_number(&fields, 13) + stat_number(&fields, 14);
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
            child_ticks,
            switches,
        })
    }

    pub fn since(&self, earlier: &ProcStat, statements: u64) -> Cost {
        Cost {
            statements,
            context_switches: self.switches.saturating_sub(earlier.switches),
            cpu: ticks(self.cpu_ticks.saturating_sub(earlier.cpu_ticks)),
            client_cpu: None,
            database_cpu: None,
        }
    }
}

/// CPU time around one side's round: the process serving it, this process as its HTTP
/// client (when the server is another process), and the database, so the benchmark can say
/// where the machine's time went (at 4 connections the three share two cores).
pub struct Meter {
    server_pid: u32,
    server: ProcStat,
    client: Option<ProcStat>,
    database: Option<u64>,
}

impl Meter {
    /// `database`: whether the database's processes run on this host (PostgreSQL); SQLite
    /// runs inside the process served, and other PostgreSQL clusters here are not its.
    pub fn start(server_pid: u32, database: bool) -> Result<Self, String> {
        let me = std::process::id();
        Ok(Self {
            server_pid,
            server: ProcStat::read(server_pid)?,
            client: (server_pid != me).then(|| ProcStat::read(me)).transpose()?,
            database: database.then(database_ticks).flatten(),
        })
    }

    /// What each process spent since [`Meter::start`].
    pub fn stop(&self, statements: u64) -> Result<Cost, String> {
        let mut cost = ProcStat::read(self.server_pid)?.since(&self.server, statements);
        if let Some(before) = &self.client {
            let now = ProcStat::read(std::process::id())?;
            cost.client_cpu = Some(ticks(now.cpu_ticks.saturating_sub(before.cpu_ticks)));
        }
        cost.database_cpu = self
            .database
            .and_then(|before| database_ticks().map(|now| ticks(now.saturating_sub(before))));
        Ok(cost)
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
/// after the session check, as the server runs a request. `metered_database`: whether to
/// meter the database's processes too (PostgreSQL on this host).
pub fn in_process(
    services: &Services,
    metered_database: bool,
    ctx: &Ctx,
    ids: &[Uuid],
    threads: usize,
    length: Duration,
    work: &(dyn Fn(&Services, &Ctx, Uuid) -> Result<(), DomainError> + Sync),
) -> Result<Side, String> {
    let pick = |t: usize, i: usize| (ctx, ids[(t + i * threads) % ids.len()]);
    run_threads(services, metered_database, threads, length, &pick, work)
}

/// The reference for writes: thread `t` acts as `callers[t % callers.len()]` (a caller and
/// the record it writes about) throughout, as the server side's client `t` does.
pub fn in_process_as(
    services: &Services,
    metered_database: bool,
    callers: &[(Ctx, Uuid)],
    threads: usize,
    length: Duration,
    work: &(dyn Fn(&Services, &Ctx, Uuid) -> Result<(), DomainError> + Sync),
) -> Result<Side, String> {
    let pick = |t: usize, _: usize| {
        let (c, id) = &callers[t % callers.len()];
        (c, *id)
    };
    run_threads(services, metered_database, threads, length, &pick, work)
}

/// `threads` threads call `work` for `length`, thread `t`'s `i`-th call as `pick(t, i)`
/// says, each in one connection after the session check.
fn run_threads<'c>(
    services: &Services,
    metered_database: bool,
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
            Meter::start(std::process::id(), metered_database),
            tsunagu_store::db::statements_sent(),
        );
        let began = Instant::now();
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        // Give the workers a moment to finish their last call before the snapshot.
        std::thread::sleep(Duration::from_millis(50));
        let elapsed = began.elapsed();
        let stmts = tsunagu_store::db::statements_sent() - stmts;
        let cost = before.and_then(|m| m.stop(stmts));
        done.wait();
        Ok::<_, String>((cost?, elapsed))
    });
    let (cost, elapsed) = outcome?;
    if let Some(e) = failures.lock().ok().and_then(|mut f| f.take()) {
        return Err(format!("the in-process reference failed: {e}"));
    }
    let latencies = latencies.into_inner().map_err(|e| e.to_string())?;
    Ok(side(latencies, elapsed, cost))
}

/// A side measured by wrk (the server's): its rate and latencies, with the processes'
/// cost the caller metered around the round.
fn side_of_load(load: &crate::bench_wrk::Load, cost: Cost) -> Side {
    Side {
        per_second: load.requests as f64 / load.elapsed.as_secs_f64().max(1e-9),
        latency: Figures {
            p50: load.p50,
            p95: load.p95,
            mean: load.mean,
        },
        p99: load.p99,
        requests: usize::try_from(load.requests).unwrap_or(usize::MAX),
        cost,
    }
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
/// so both sides act for the same session. Each side runs `rounds` rounds (odd), and its
/// median round is shown: more rounds ride out a noisy stretch of a shared machine.
pub fn run(
    cfg: &crate::Config,
    center_code: &str,
    seconds: u64,
    rounds: usize,
) -> Result<(), String> {
    use tsunagu_domain::ports::prelude::*;
    let login = std::env::var("TSUNAGU_BENCH_LOGIN").unwrap_or_else(|_| "demo.consultant1".into());
    let password = std::env::var("TSUNAGU_BENCH_PASSWORD")
        .map_err(|_| "set TSUNAGU_BENCH_PASSWORD to the password of TSUNAGU_BENCH_LOGIN (default demo.consultant1; `demo-data` prints it)".to_owned())?;
    if !crate::bench_wrk::available() {
        return Err(
            "bench http drives the server with wrk, which is not on the PATH (Debian: apt-get install wrk)"
                .into(),
        );
    }
    let store = crate::open_store(cfg)?;
    let center = store
        .center_by_code(center_code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {center_code}"))?;
    // Every side reads the same patient — the server over HTTP, the in-process reference and
    // pgbench's replay of that patient's captured statements — so the ratios compare the same
    // work. (The reads went round 200 patients while pgbench replayed the first one's, whose
    // history outweighed the average on one demo center — 22 consultations — and on another
    // added 小慢 sessions and events: 9 statements, then 14, against about 6 on average, so the
    // ratio followed whichever patient came first. Replaying a patient per script instead
    // does not work: pgbench prepares every script's statements again on each connection, and
    // at 100 patients that preparation cost it a quarter of its rate or more.)
    let ids: Vec<Uuid> = store
        .patients(
            center.id,
            None,
            None,
            &Default::default(),
            tsunagu_domain::page::PageRequest {
                limit: 1,
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
    let on_postgres = backend == tsunagu_store::Backend::Postgres;
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
    let rounds = rounds.max(1);
    // The write workload's writers, one per center, each with its own token.
    let writing = write_centers(&services, existing)?;
    let callers: Vec<(Ctx, Uuid)> = writing
        .iter()
        .map(|(user, session, patient)| Ok((ctx_of(&services, *user, *session)?, *patient)))
        .collect::<Result<_, String>>()?;
    let writers: Vec<Request> = writing
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
            Ok(Request {
                method: "POST",
                path: "/api/v1/consultations".into(),
                bearer: token,
                body: Some(body),
            })
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
            let reads: Vec<Request> = ids
                .iter()
                .map(|id| Request {
                    method: "GET",
                    path: if timeline {
                        format!("/api/v1/patients/{id}/timeline")
                    } else {
                        format!("/api/v1/patients/{id}")
                    },
                    bearer: token.clone(),
                    body: None,
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
                    let before = (Meter::start(pid, on_postgres)?, server_statements(&base, &metrics_token).await?);
                    let load = crate::bench_wrk::run(&base, &reads, c, length)?;
                    let statements = server_statements(&base, &metrics_token).await?;
                    http.push(side_of_load(&load, before.0.stop(statements.saturating_sub(before.1))?));
                    local.push(in_process(&services, on_postgres, &ctx, &ids, c, length, &work)?);
                    if let Some(ceiling) = &ceiling {
                        database.push(ceiling.run(&[script], c, length)?);
                    }
                }
                let (Some(h), Some(l)) = (median_side(http), median_side(local)) else {
                    continue;
                };
                let (ls, lc, lu) = l.per_request();
                let replay = median_replay(database);
                let db = replay.map(|r| r.per_second);
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
                println!("  {:<28} {:>3} | {}", "", c, cpu_line(&h, Some(&l), replay.as_ref()));
                // What the server could reach at best against the same ceiling: the use case
                // itself with no HTTP, no thread hand-off and no JSON.
                if let Some(d) = db {
                    println!(
                        "  {:<28} {:>3} | in-process vs pgbench: {:.2} (the use case alone, no HTTP: the server's bound)",
                        "",
                        c,
                        l.per_second / d.max(1e-9)
                    );
                }
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
                    let before = (Meter::start(pid, on_postgres)?, server_statements(&base, &metrics_token).await?);
                    let load = crate::bench_wrk::run(&base, who, c, length)?;
                    let statements = server_statements(&base, &metrics_token).await?;
                    into.push(side_of_load(&load, before.0.stop(statements.saturating_sub(before.1))?));
                }
                local_sides.push(in_process_as(&services, on_postgres, &callers, c, length, &write)?);
                if let Some(ceiling) = &ceiling {
                    database.push(ceiling.run(&all_centers, c, length)?);
                }
            }
            let replay = median_replay(database);
            let db = replay.map(|r| r.per_second);
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
            println!(
                "  {:<28} {:>3} | {}",
                format!("{WRITING_CENTERS} centers"),
                c,
                cpu_line(&many, Some(&local), replay.as_ref())
            );
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
    println!(
        "  the line under each: CPU ms per request of the server, of this process as its HTTP client"
    );
    println!(
        "  and of PostgreSQL's processes on this host; of the in-process reference; of pgbench per transaction"
    );
    if backend == tsunagu_store::Backend::Postgres {
        println!(
            "  pgbench: transactions per second of pgbench replaying the statements of one such request"
        );
        println!(
            "  (captured from the store, values written in), same connections; ratio: req/s over it; the reads"
        );
        println!("  are all of one patient, the center's first listed, on every side");
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

/// One pgbench round: transactions per second, and CPU ms per transaction of pgbench itself
/// and of the database.
#[derive(Debug, Clone, Copy)]
struct Replay {
    per_second: f64,
    client_ms: f64,
    database_ms: Option<f64>,
}

/// The round whose rate is the median of the rounds.
fn median_replay(mut rounds: Vec<Replay>) -> Option<Replay> {
    rounds.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    rounds.get(rounds.len() / 2).copied()
}

/// Where the machine's CPU went per request, for the HTTP side, the in-process reference
/// and pgbench: at 4 connections all of them share the two cores, so a side's rate follows
/// the sum more than any one part.
fn cpu_line(http: &Side, local: Option<&Side>, replay: Option<&Replay>) -> String {
    let (_, _, server) = http.per_request();
    let (client, database) = http.other_cpu();
    let mut line = format!(
        "cpu ms: {}",
        cpu_sum(&[
            ("server", Some(server)),
            ("client", client),
            ("database", database)
        ])
    );
    if let Some(l) = local {
        let (_, _, own) = l.per_request();
        let (_, database) = l.other_cpu();
        line.push_str(" | ");
        line.push_str(&cpu_sum(&[
            ("in-process", Some(own)),
            ("database", database),
        ]));
    }
    if let Some(r) = replay {
        line.push_str(" | ");
        line.push_str(&cpu_sum(&[
            ("pgbench", Some(r.client_ms)),
            ("database", r.database_ms),
        ]));
    }
    line
}

/// `a 1.00 + b 2.00 = 3.00` (or `a 1.00` alone) over the parts measured (a database inside the process served,
/// SQLite, has no part of its own).
fn cpu_sum(parts: &[(&str, Option<f64>)]) -> String {
    let present: Vec<(&str, f64)> = parts
        .iter()
        .filter_map(|(n, v)| v.map(|v| (*n, v)))
        .collect();
    let terms: Vec<String> = present.iter().map(|(n, v)| format!("{n} {v:.2}")).collect();
    let total: f64 = present.iter().map(|(_, v)| v).sum();
    if present.len() < 2 {
        return terms.join("");
    }
    format!("{} = {total:.2}", terms.join(" + "))
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

    /// pgbench's transactions per second over `what` (each transaction one of them), and
    /// the CPU time pgbench and the database spent per transaction.
    fn run(&self, what: &[Capture], clients: usize, length: Duration) -> Result<Replay, String> {
        let paths: Vec<&std::path::Path> = what
            .iter()
            .filter_map(|w| self.scripts.get(w).map(|s| s.0.as_path()))
            .collect();
        let me = std::process::id();
        let processes = database_processes();
        let before = (ProcStat::read(me)?, processes.map(|p| p.0));
        let per_second =
            crate::bench_ceiling::pgbench(&self.url, &paths, clients, length)?.per_second;
        database_settled(processes.map(|p| p.1));
        let after = (ProcStat::read(me)?, database_ticks());
        let transactions = (per_second * length.as_secs_f64()).max(1.0);
        let per = |n: u64| ticks(n).as_secs_f64() * 1000.0 / transactions;
        Ok(Replay {
            per_second,
            // pgbench is this process's child, waited for: its CPU is in ours as a child's.
            client_ms: per(after.0.child_ticks.saturating_sub(before.0.child_ticks)),
            database_ms: before.1.zip(after.1).map(|(b, a)| per(a.saturating_sub(b))),
        })
    }
}

impl Drop for Ceiling<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.store.drop_ceiling_schema() {
            eprintln!("could not drop the scratch schema: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_survive_a_command_name_with_spaces_and_parentheses() {
        // pid (comm) state ppid … utime stime cutime cstime …
        let line = "4321 (post (x) gres) S 1 4321 4321 0 -1 4194304 10 0 0 0 7 3 250 40 20 0 1";
        let (name, fields) = stat_fields(line);
        assert_eq!(name, "post (x) gres");
        assert_eq!(fields[0], "S");
        assert_eq!(stat_number(&fields, 11), 7);
        assert_eq!(stat_number(&fields, 12), 3);
        assert_eq!(stat_number(&fields, 13), 250);
        assert_eq!(stat_number(&fields, 14), 40);
        assert_eq!(stat_number(&fields, 99), 0);
    }

    #[test]
    fn a_cpu_sum_names_only_the_parts_measured() {
        assert_eq!(
            cpu_sum(&[
                ("server", Some(1.0)),
                ("client", Some(0.25)),
                ("database", None)
            ]),
            "server 1.00 + client 0.25 = 1.25"
        );
        assert_eq!(
            cpu_sum(&[("pgbench", Some(0.5)), ("database", Some(2.0))]),
            "pgbench 0.50 + database 2.00 = 2.50"
        );
        assert_eq!(
            cpu_sum(&[("in-process", Some(1.5)), ("database", None)]),
            "in-process 1.50"
        );
    }

    #[test]
    fn this_process_is_metered() {
        let me = ProcStat::read(std::process::id()).expect("own /proc entry");
        // Burn a little CPU, so the count moves by at least a tick.
        let until = Instant::now() + Duration::from_millis(60);
        let mut x = 0u64;
        while Instant::now() < until {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let later = ProcStat::read(std::process::id()).expect("own /proc entry");
        assert!(later.since(&me, 0).cpu >= Duration::from_millis(10));
    }
}
