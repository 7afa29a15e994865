//! `tsunagu`: the server binary. Subcommands: `serve` (the default), `migrate`, `openapi`,
//! `audit verify`.

use std::process::ExitCode;
use std::sync::Arc;
use tsunagu_domain::SystemClock;
use tsunagu_server::{Config, open_store};

const USAGE: &str = "usage: tsunagu [serve | migrate | openapi | audit verify]

  serve         run the API and the web app (the default)
  migrate       apply pending database migrations and exit
  openapi       print the OpenAPI document
  audit verify  walk the audit trail's hash chain and report the first broken link

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

fn main() -> ExitCode {
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
        ["audit", "verify"] => run(audit_verify),
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

fn audit_verify(cfg: Config) -> Result<(), String> {
    let store = open_store(&cfg)?;
    let services = tsunagu_domain::service::Services::new(Arc::new(store), Arc::new(SystemClock));
    let report = services
        .verify_audit_chain()
        .map_err(|e| format!("cannot read the audit trail: {e}"))?;
    match report.first_broken {
        None => {
            println!("audit trail intact: {} events checked", report.checked);
            Ok(())
        }
        Some(b) => Err(format!(
            "audit trail BROKEN at seq {} (event {}): {}; {} events checked",
            b.seq, b.id, b.reason, report.checked
        )),
    }
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
        let result = running.server.await.map_err(|e| e.to_string());
        // Graceful stop (SIGTERM, Ctrl-C): write the queued access events before exiting.
        if !running.services.flush_access_log(std::time::Duration::from_secs(10)) {
            eprintln!("tsunagu: some access events could not be written before shutdown");
        }
        result
    })
}
