//! `tsunagu`: the server binary. Subcommands: `serve` (the default), `migrate`, `openapi`,
//! `audit verify|checkpoint`, `keys generate|rotate`, `backup`, `restore`, `demo-data`.

use std::process::ExitCode;
use std::sync::Arc;
use tsunagu_domain::SystemClock;
use tsunagu_server::{Config, open_store};

const USAGE: &str =
    "usage: tsunagu [serve | migrate | openapi | audit verify|checkpoint | keys generate|rotate | backup FILE | restore FILE [--force] | demo-data [OPTIONS] | bench reports|reads|search|http|import|export]

  serve         run the API and the web app (the default)
  migrate       apply pending database migrations and exit
  openapi       print the OpenAPI document
  audit verify [--checkpoint FILE]
                walk the audit trail's keyed hash chain to the chain's head and report
                the first broken link; with a checkpoint, also prove that nothing at or
                before its sequence number was changed, removed or inserted
  audit checkpoint [--out FILE]
                verify the chain, then print (or write to FILE) a checkpoint signed with
                the audit key: keep it outside the database
  keys generate print a new random data key (base64, 32 bytes)
  keys rotate   re-seal every stored secret under the current data key, so the old
                keys (TSUNAGU_DATA_KEYS_OLD, later lines of the key file) seal nothing
                more; keep them as long as audit events chained under them are verified
  backup FILE   SQLite: write a consistent copy of the database to FILE (a new file)
                while the server runs, and the data key file beside it as FILE.key;
                PostgreSQL: explains pg_dump / pg_basebackup (see the README)
  restore FILE [--force]
                check the backup (schema not newer, data keys at hand), put it in place,
                apply migrations, verify its audit chain and record the restore;
                SQLite: FILE from `backup` (with FILE.key), the server stopped; --force
                replaces a database holding records (kept aside, not deleted);
                PostgreSQL: FILE from pg_dump -Fc, into an empty database
  demo-data     create a new center full of fictitious cases over three fiscal years
                  --center CODE                    the new center's code (default demo)
                  --patients N                     how many patients (default 2000)
                  --consultations-per-patient N    on average (default 20)
                  --referrals-per-patient N        on average (default 1)
                  --seed N                         the same seed makes the same people
  bench reports [--center CODE]
                time every report for the last full fiscal year: the center's and
                across all centers (median of 15 runs each)
  bench reads [--center CODE]
                reads per second of a patient, each answered after its access event
                is stored: group commit vs a commit per read vs no logging
  bench search [--center CODE]
                measure patient search on this database: with the n-gram index and,
                as the reference in the same run, by scanning the names
  bench http [--center CODE] [--seconds N] [--rounds N]
                the server (a child `tsunagu serve`) against the same use cases run
                in-process, in N alternating rounds (odd; 3), the median shown:
                requests per second, p50/p99, and statements, context switches and
                CPU ms per request; signs in as TSUNAGU_BENCH_LOGIN
                (default demo.consultant1) with TSUNAGU_BENCH_PASSWORD
  bench import [--center CODE] [--rows N]
                import N generated patient rows (Shift_JIS CSV, default 100000) into
                the center: dry run and commit in rows/s, against patients registered
                one by one through the use case (writes into the center)
  bench export  download every bulk export (CSV per kind, JSON, xlsx) from a child
                `tsunagu serve`: rows, MB, rows/s and the server's resident memory
                before and at its peak; signs in as TSUNAGU_BENCH_LOGIN (default
                demo.supervisor) with TSUNAGU_BENCH_PASSWORD

Configuration comes from TSUNAGU_* environment variables; see the README.";

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TSUNAGU_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("TSUNAGU_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// mimalloc rather than glibc's malloc: argon2id takes 19 MiB per password hash, and glibc,
/// after the first such block is freed, raises its mmap threshold and serves the next ones
/// from per-thread arenas that keep the memory — measured here, 48 sign-ins in rounds of 16
/// took a server from 146 to 433 MB and it never came back. mimalloc gives a block that size
/// a segment of its own and returns it to the system when freed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, v2 and v3 alike); the Rust
/// bindings have no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once instead of after mimalloc's 10 ms delay.
/// mimalloc carries out a delayed purge only when the thread that freed the memory calls
/// into it again, so a thread that goes quiet keeps what it freed: the API document built
/// at start-up (about 40 MB while being built) and the argon2id blocks of a burst of
/// sign-ins stayed resident in an idle server — 89 MB idle and 129 MB after 16 sign-ins,
/// against the 120 MB the server is to stay under (issue 14). Measured with `bench http`:
/// no change in CPU time per request. `MIMALLOC_PURGE_DELAY` in the environment still wins.
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: sets one of mimalloc's documented options to a documented value; nothing
    // else is touched, and mimalloc reads its options atomically from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for huge pages on
/// its arena (`madvise`), and a huge page is resident whole once any of it is touched, and
/// stays so until all of it is free: measured under the timeline load of `bench http` on a
/// machine with THP on `madvise`, 87 MB resident with them and 51 MB without, at the same
/// requests per second. mimalloc's own switch (`MIMALLOC_ALLOW_THP=0`) is read before
/// `main` runs, so only the environment could set it; an operator's `MIMALLOC_ALLOW_THP`
/// still wins.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return;
    }
    // The kernel reads each argument as a whole unsigned long (and refuses the call unless
    // the last three are 0), so they are passed as such, not as the literals' C ints.
    let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
    // SAFETY: prctl(PR_SET_THP_DISABLE) takes no pointers and sets one flag of this process
    // (kept by the processes it starts); a kernel without it answers an error, ignored: the
    // server then only uses more memory.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused) };
}

#[cfg(not(target_os = "linux"))]
fn no_transparent_huge_pages() {}

/// Two arenas for glibc's malloc, which SQLite, libpq and OpenSSL allocate from (Rust's own
/// allocations go to mimalloc). By default glibc gives each thread that allocates an arena
/// of its own, up to eight per core, and an arena keeps what it freed for its thread, so
/// every blocking thread that ran SQLite holds its own leftovers. `bench http` on SQLite
/// peaked at 121 MB with its 16 sign-ins (80 MB before them), over issue 14's 120 MB; with
/// two arenas, 108 MB (68 before), at the same requests per second. One arena held a little
/// less under the timeline load (33.6 MB of anonymous memory against 42.5 with the default);
/// two, so that two threads allocating at once (two cores here) do not wait on one lock.
/// `MALLOC_ARENA_MAX` in the environment still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn few_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    // SAFETY: mallopt sets one of glibc's documented tunables and takes no pointers; it runs
    // at the start of `main`, before any thread is started. A refusal (0) leaves the default:
    // the server then only uses more memory.
    let _ = unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn few_malloc_arenas() {}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    few_malloc_arenas();
    return_freed_memory_at_once();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => run(serve),
        ["migrate"] => run(migrate),
        ["openapi"] => match serde_json::to_string_pretty(&tsunagu_http::openapi()) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        ["audit", "verify"] => run(|cfg| audit_verify(cfg, None)),
        ["audit", "verify", "--checkpoint", file] => {
            let file = (*file).to_owned();
            init_logging();
            match Config::from_env().and_then(|cfg| audit_verify(cfg, Some(&file))) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["audit", "checkpoint"] => run(|cfg| audit_checkpoint(cfg, None)),
        ["audit", "checkpoint", "--out", file] => {
            let file = (*file).to_owned();
            init_logging();
            match Config::from_env().and_then(|cfg| audit_checkpoint(cfg, Some(&file))) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["keys", "generate"] => {
            println!("{}", tsunagu_domain::data_keys::generate_key());
            ExitCode::SUCCESS
        }
        ["keys", "rotate"] => run(keys_rotate),
        ["backup", file] => {
            let file = std::path::PathBuf::from(file);
            init_logging();
            match Config::from_env().and_then(|cfg| backup(&cfg, &file)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["restore", rest @ ..] => {
            let (file, force) = match rest {
                [f] => (*f, false),
                [f, "--force"] | ["--force", f] => (*f, true),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            };
            let file = std::path::PathBuf::from(file);
            init_logging();
            match Config::from_env().and_then(|cfg| restore(&cfg, &file, force)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "reports", rest @ ..] => {
            let center = match rest {
                [] => "demo".to_owned(),
                ["--center", c] => (*c).to_owned(),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            };
            init_logging();
            match Config::from_env().and_then(|cfg| bench_reports(&cfg, &center)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "reads", rest @ ..] => {
            let center = match rest {
                [] => "demo".to_owned(),
                ["--center", c] => (*c).to_owned(),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            };
            init_logging();
            match Config::from_env().and_then(|cfg| bench_reads(&cfg, &center)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "http", rest @ ..] => {
            let (mut center, mut seconds, mut rounds) = ("demo".to_owned(), 3u64, 3usize);
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                match (*flag, it.next().copied()) {
                    ("--center", Some(c)) => center = c.to_owned(),
                    ("--seconds", Some(n)) if n.parse::<u64>().is_ok_and(|n| n > 0) => {
                        seconds = n.parse().unwrap_or(3);
                    }
                    // Odd, so the median is one round's figure.
                    ("--rounds", Some(n)) if n.parse::<usize>().is_ok_and(|n| n % 2 == 1) => {
                        rounds = n.parse().unwrap_or(3);
                    }
                    _ => {
                        eprintln!("{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            init_logging();
            match Config::from_env()
                .and_then(|cfg| tsunagu_server::bench_http::run(&cfg, &center, seconds, rounds))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "import", rest @ ..] => {
            init_logging();
            let flag = |name: &str| {
                rest.windows(2)
                    .find(|w| w[0] == name)
                    .map(|w| w[1].to_owned())
            };
            let center = flag("--center").unwrap_or_else(|| "demo".to_owned());
            let Some(rows) = flag("--rows").map_or(Some(100_000), |r| r.parse::<usize>().ok())
            else {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            };
            match Config::from_env()
                .and_then(|cfg| tsunagu_server::bench_import::run(&cfg, &center, rows))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "export"] => {
            init_logging();
            match Config::from_env().and_then(|cfg| tsunagu_server::bench_export::run(&cfg)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["bench", "search", rest @ ..] => {
            let center = match rest {
                [] => "demo".to_owned(),
                ["--center", c] => (*c).to_owned(),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            };
            init_logging();
            match Config::from_env().and_then(|cfg| bench_search(&cfg, &center)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["demo-data", rest @ ..] => match tsunagu_server::demo::DemoOptions::parse(rest) {
            Ok(o) => {
                init_logging();
                match Config::from_env().and_then(|cfg| demo_data(&cfg, &o)) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(&e),
                }
            }
            Err(e) => {
                eprintln!("tsunagu demo-data: {e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(f: fn(Config) -> Result<(), String>) -> ExitCode {
    init_logging();
    match Config::from_env().and_then(f) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("tsunagu: {msg}");
    ExitCode::FAILURE
}

fn migrate(cfg: Config) -> Result<(), String> {
    open_store(&cfg)?;
    println!("migrations are up to date");
    Ok(())
}

fn backup(cfg: &Config, file: &std::path::Path) -> Result<(), String> {
    let r = tsunagu_server::backup::backup(cfg, file)?;
    println!(
        "backup written to {} (audit trail up to seq {})\n{}",
        r.file.display(),
        r.audit_seq,
        r.key_note
    );
    Ok(())
}

fn restore(cfg: &Config, file: &std::path::Path, force: bool) -> Result<(), String> {
    let r = tsunagu_server::backup::restore(cfg, file, force)?;
    for p in &r.kept_aside {
        println!("kept the replaced file as {}", p.display());
    }
    for m in &r.migrated {
        println!("applied migration {m}");
    }
    let into = r.database.as_ref().map_or_else(
        || tsunagu_store::DatabaseUrl::parse(&cfg.database_url).redacted(),
        |p| p.display().to_string(),
    );
    println!(
        "restored {into} from {}: its audit trail verifies up to seq {}, followed by the \
         restore itself",
        file.display(),
        r.audit_seq
    );
    Ok(())
}

fn keys_rotate(cfg: Config) -> Result<(), String> {
    let (n, key) = tsunagu_server::rotate_keys(&cfg)?;
    println!(
        "re-sealed {} secret(s) sealed under older keys and {} stored in plaintext; every secret is now under key {key}",
        n.old_key, n.plaintext
    );
    Ok(())
}

fn audit_verify(cfg: Config, checkpoint: Option<&str>) -> Result<(), String> {
    use tsunagu_domain::audit::checkpoint::Checkpoint;
    let store = open_store(&cfg)?;
    let services = tsunagu_domain::app::Services::new(Arc::new(store), Arc::new(SystemClock));
    let trail = services.audit_trail();
    let pins = match checkpoint {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the checkpoint {path}: {e}"))?;
            let cp = Checkpoint::parse(&text).map_err(|e| format!("{path}: {e}"))?;
            trail
                .check_checkpoint(&cp)
                .map_err(|e| format!("{path}: {e}"))?
        }
    };
    let report = trail
        .verify_chain_pinned(&pins)
        .map_err(|e| format!("cannot read the audit trail: {e}"))?;
    // One line per chain, so a broken center's chain is seen beside the intact ones.
    for c in &report.chains {
        let pinned = pins.iter().find(|p| p.chain == c.chain).map(|p| p.seq);
        println!(
            "  chain {}: {} events checked, {}{}{}",
            c.chain,
            c.checked,
            match &c.first_broken {
                None => format!("intact to its head (seq {})", c.last_seq),
                Some(b) => format!("BROKEN at seq {}: {}", b.seq, b.reason),
            },
            pinned.map_or_else(String::new, |s| format!("; checkpoint at seq {s}")),
            if c.keyed_from_seq > 1 {
                format!(
                    "; events before seq {} predate the keyed chain (plain SHA-256)",
                    c.keyed_from_seq
                )
            } else {
                String::new()
            }
        );
    }
    match report.first_broken {
        None => {
            println!(
                "audit trail intact: {} events checked in {} chains, each ending at its head{}",
                report.checked,
                report.chains.len(),
                if pins.is_empty() {
                    String::new()
                } else {
                    format!("; matches the checkpoint's {} chains", pins.len())
                },
            );
            Ok(())
        }
        Some(b) => Err(format!(
            "audit trail BROKEN in chain {} at seq {}{}: {}; {} events checked",
            b.chain,
            b.seq,
            if b.id.is_empty() {
                String::new()
            } else {
                format!(" (event {})", b.id)
            },
            b.reason,
            report.checked
        )),
    }
}

fn audit_checkpoint(cfg: Config, out: Option<&str>) -> Result<(), String> {
    let store = open_store(&cfg)?;
    let services = tsunagu_domain::app::Services::new(Arc::new(store), Arc::new(SystemClock));
    let cp = match services
        .audit_trail()
        .checkpoint()
        .map_err(|e| format!("cannot read the audit trail: {e}"))?
    {
        Ok(cp) => cp,
        Err(b) => {
            return Err(format!(
                "no checkpoint: the audit trail is BROKEN in chain {} at seq {}: {}",
                b.chain, b.seq, b.reason
            ));
        }
    };
    match out {
        None => print!("{}", cp.encode()),
        Some(path) => {
            std::fs::write(path, cp.encode())
                .map_err(|e| format!("cannot write the checkpoint {path}: {e}"))?;
            eprintln!(
                "wrote a checkpoint of the audit trail's {} chains to {path}; keep it outside the database",
                cp.chains.len()
            );
        }
    }
    Ok(())
}

fn demo_data(cfg: &Config, o: &tsunagu_server::demo::DemoOptions) -> Result<(), String> {
    use std::io::Write;
    let store = open_store(cfg)?;
    let mut last = std::time::Instant::now();
    let mut progress = |done: usize, total: usize| {
        // Progress on stderr, at most a few lines a second, and always the last one.
        if done == total || last.elapsed().as_millis() >= 500 {
            last = std::time::Instant::now();
            let mut err = std::io::stderr();
            let _ = write!(
                err,
                "\r  patients {done}/{total} ({}%)",
                done * 100 / total.max(1)
            );
            if done == total {
                let _ = writeln!(err);
            }
        }
    };
    let (c, staff) = tsunagu_server::demo::generate(&store, &SystemClock, o, &mut progress)?;
    println!(
        "Demo center \"{}\": {} patients ({} registered twice, to merge), {} consultations, {} referrals, {} follow-ups ({} reviews, {} returned) in {:.1} s",
        o.center_code,
        c.patients,
        c.duplicates,
        c.consultations,
        c.referrals,
        c.follow_ups,
        c.reviews,
        c.returned,
        c.seconds
    );
    let s = c.shoman;
    println!(
        "小慢 self-reliance support: {} support plans with {} actions, {} liaison contacts, {} projects with {} sessions, {} needs",
        s.plans, s.actions, s.contacts, s.projects, s.sessions, s.needs
    );
    println!(
        "Sign in with any of these (password shown only now): {}",
        staff.password
    );
    for (login, role) in &staff.logins {
        println!("  {login:<26} {role}");
    }
    Ok(())
}

fn bench_reports(cfg: &Config, code: &str) -> Result<(), String> {
    let store = open_store(cfg)?;
    let center = store
        .center_by_code(code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {code}"))?;
    let rows = tsunagu_server::bench::reports(store, center.id, 15)?;
    println!("reports for the last full fiscal year, median of 15 runs");
    println!(
        "  {:<22} {:>12} {:>16}",
        "report", "center", "across centers"
    );
    for r in rows {
        println!(
            "  {:<22} {:>9.1} ms {:>13.1} ms",
            r.name,
            r.center.as_secs_f64() * 1000.0,
            r.across.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

fn bench_reads(cfg: &Config, code: &str) -> Result<(), String> {
    let store = open_store(cfg)?;
    let center = store
        .center_by_code(code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {code}"))?;
    let backend = store.backend();
    println!("reads of a patient ({backend:?}), reads per second");
    println!(
        "  {:>7} {:>14} {:>14} {:>14} {:>10}",
        "threads", "group commit", "commit each", "no logging", "gain"
    );
    for threads in [1, 4, 16, 64] {
        let b = tsunagu_server::bench::reads(store.clone(), center.id, threads, 2000 / threads)?;
        println!(
            "  {:>7} {:>14.0} {:>14.0} {:>14.0} {:>9.1}x",
            b.threads,
            b.grouped,
            b.one_by_one,
            b.unlogged,
            b.grouped / b.one_by_one.max(1e-9)
        );
    }
    Ok(())
}

fn bench_search(cfg: &Config, code: &str) -> Result<(), String> {
    let store = open_store(cfg)?;
    let center = store
        .center_by_code(code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {code}"))?;
    let b = tsunagu_server::bench::search(&store, center.id, 50)?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "patient search, {} patients, {} queries ({:?})",
        b.patients,
        b.queries,
        store.backend()
    );
    println!(
        "  n-gram index   p50 {:8.2} ms   p95 {:8.2} ms   mean {:8.2} ms",
        ms(b.indexed.p50),
        ms(b.indexed.p95),
        ms(b.indexed.mean)
    );
    println!(
        "  scan (ref.)    p50 {:8.2} ms   p95 {:8.2} ms   mean {:8.2} ms",
        ms(b.scan.p50),
        ms(b.scan.p95),
        ms(b.scan.mean)
    );
    println!(
        "  speed-up       p50 {:.1}x   p95 {:.1}x",
        ms(b.scan.p50) / ms(b.indexed.p50).max(1e-9),
        ms(b.scan.p95) / ms(b.indexed.p95).max(1e-9)
    );
    Ok(())
}

fn serve(cfg: Config) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let running = tsunagu_server::start(&cfg, Arc::new(SystemClock))?;
        if let Some(p) = &running.generated_admin_password {
            println!("Created the system administrator — login: {}  password: {p}  (shown only this once; change it after signing in)", cfg.admin_login);
        }
        let url = format!("http://{}", running.addr);
        println!("Tsunagu is listening on {url}");
        println!("  sign in:  {url}/");
        println!("  API docs: {url}/api/docs/");
        if let Some(a) = running.metrics_addr {
            println!("  metrics:  http://{a}/metrics");
        }
        let result = running.server.await.map_err(|e| e.to_string());
        // Graceful stop (SIGTERM, Ctrl-C): write the queued access events before exiting.
        if !running.services.flush_access_log(std::time::Duration::from_secs(10)) {
            tracing::error!("some access events could not be written before shutdown");
        }
        result
    })
}
