//! `tsunagu bench export`: the bulk export's memory does not grow with the center. Starts the
//! real server as a child process (`tsunagu serve` on the same database), signs in as the
//! center's supervisor (`TSUNAGU_BENCH_LOGIN`, default `demo.supervisor`), and downloads
//! each kind as CSV, then the whole center as JSON and as an .xlsx workbook, reading the body
//! as it comes. For each it prints the rows, the file's size, the time, rows per second, and
//! the server's resident memory: before, and its peak (`VmHWM`) after, from
//! `/proc/<pid>/status`. Run on a small and a large database: the peak stays about the same
//! while the files grow with the center.

use crate::bench_http::ctx_of;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tsunagu_domain::app::Services;
use tsunagu_domain::entities::RequestMeta;

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

pub fn run(cfg: &crate::Config) -> Result<(), String> {
    let login = std::env::var("TSUNAGU_BENCH_LOGIN").unwrap_or_else(|_| "demo.supervisor".into());
    let password = std::env::var("TSUNAGU_BENCH_PASSWORD").map_err(|_| {
        "set TSUNAGU_BENCH_PASSWORD to the password of TSUNAGU_BENCH_LOGIN (default demo.supervisor; `demo-data` prints it)".to_owned()
    })?;
    let store = crate::open_store(cfg)?;
    let backend = store.backend();
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
    ctx_of(&services, issued.user_id, issued.session_id)?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let jwt_secret = random_text(32);
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Child(
        std::process::Command::new(exe)
            .arg("serve")
            .env("TSUNAGU_LISTEN", format!("127.0.0.1:{port}"))
            .env("TSUNAGU_JWT_SECRET", &jwt_secret)
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
    let runs: [(&str, Option<&str>); 7] = [
        ("csv", Some("patients")),
        ("csv", Some("consultations")),
        ("csv", Some("referrals")),
        ("csv", Some("follow_ups")),
        ("csv", Some("consents")),
        ("json", None),
        ("xlsx", None),
    ];
    println!("bulk export through the server ({backend:?}), as {login}");
    println!(
        "  {:<22} {:>10} {:>10} {:>8} {:>10} | {:>11} {:>11}",
        "file", "rows", "MB", "s", "rows/s", "RSS MB", "peak MB"
    );
    actix_web::rt::System::new().block_on(async {
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
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(3600))
            .finish();
        for (format, kind) in runs {
            let body = match kind {
                Some(k) => serde_json::json!({"format": format, "kind": k}),
                None => serde_json::json!({"format": format}),
            };
            let mut res = client
                .post(format!("{base}/api/v1/exports"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .send_json(&body)
                .await
                .map_err(|e| format!("POST /exports: {e}"))?;
            let created: serde_json::Value = res
                .json()
                .await
                .map_err(|e| format!("POST /exports: {e}"))?;
            let (Some(id), Some(file)) = (created["id"].as_str(), created["file"].as_str()) else {
                return Err(format!("POST /exports answered {created}"));
            };
            let rows: i64 = created["counts"]
                .as_object()
                .map(|m| m.values().filter_map(serde_json::Value::as_i64).sum())
                .unwrap_or(0);
            let (before, _) = crate::bench::memory(pid)?;
            let started = Instant::now();
            let mut res = client
                .get(format!("{base}{file}"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .send()
                .await
                .map_err(|e| format!("GET {file}: {e}"))?;
            if !res.status().is_success() {
                return Err(format!("GET {file}: {}", res.status()));
            }
            let mut bytes = 0usize;
            while let Some(chunk) = res.next().await {
                bytes += chunk.map_err(|e| format!("GET {file}: {e}"))?.len();
            }
            let took = started.elapsed().as_secs_f64();
            let (_, peak) = crate::bench::memory(pid)?;
            let label = format!("{format} {}", kind.unwrap_or("all"));
            println!(
                "  {:<22} {:>10} {:>10.1} {:>8.2} {:>10.0} | {:>11.1} {:>11.1}",
                label,
                rows,
                bytes as f64 / 1_048_576.0,
                took,
                rows as f64 / took.max(1e-9),
                before as f64 / 1024.0,
                peak as f64 / 1024.0
            );
            let _ = id;
        }
        Ok::<(), String>(())
    })?;
    println!("  RSS: the server's resident memory before the download; peak: its highest so far");
    drop(child);
    Ok(())
}
