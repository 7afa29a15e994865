//! The HTTP client of `tsunagu bench http`: **wrk**, a load generator written in C, driven
//! by a generated Lua script, as pgbench is the database's side.
//!
//! Why not a Rust client in the benchmark's own process: on the 2-core machines this runs
//! on, the client shares the cores with the server and the database, so its CPU time is
//! taken from theirs. awc, the client used before, spent about as much CPU per request as
//! the server it measured at 4 connections and two to three times as much at 16 (the
//! benchmark prints each process's share), which made the server look slower than it is
//! against pgbench's lean client. wrk spends a small fraction of that.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

/// One request of a round; a round sends its requests in turn, over and over.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub bearer: String,
    /// A JSON body.
    pub body: Option<String>,
}

/// What one wrk round measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    pub requests: u64,
    pub elapsed: Duration,
    pub mean: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// Whether wrk is on the PATH.
pub fn available() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// Runs wrk against `base` (`http://host:port`) with `connections` connections on one thread
/// for `length` (whole seconds, at least one), sending `requests` in turn. Fails if any
/// answer is an error status (400 or above) or any socket failed.
pub fn run(
    base: &str,
    requests: &[Request],
    connections: usize,
    length: Duration,
) -> Result<Load, String> {
    if requests.is_empty() {
        return Err("no requests to send".into());
    }
    // The script holds bearer tokens: a private temporary file (0600), removed on drop.
    let mut script = tempfile::Builder::new()
        .prefix("tsunagu-bench-wrk-")
        .suffix(".lua")
        .tempfile()
        .map_err(|e| format!("cannot write the wrk script: {e}"))?;
    script
        .write_all(lua_script(requests).as_bytes())
        .and_then(|()| script.flush())
        .map_err(|e| format!("cannot write the wrk script: {e}"))?;
    let out = std::process::Command::new("wrk")
        .args(["-t", "1", "-c"])
        .arg(connections.max(1).to_string())
        .arg("-d")
        .arg(format!("{}s", length.as_secs().max(1)))
        .args(["--timeout", "30s", "-s"])
        .arg(script.path())
        .arg(base)
        .output()
        .map_err(|e| format!("cannot run wrk (Debian: apt-get install wrk): {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "wrk failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    parse_summary(&stdout)
}

/// The Lua script: every request formatted once per wrk thread (`init`), then sent in turn;
/// `done` prints one line the benchmark reads.
fn lua_script(requests: &[Request]) -> String {
    let mut lua = String::from("local requests = {\n");
    for r in requests {
        let _ = writeln!(
            lua,
            "  {{ {}, {}, {}, {} }},",
            lua_string(r.method),
            lua_string(&r.path),
            lua_string(&format!("Bearer {}", r.bearer)),
            r.body
                .as_deref()
                .map_or_else(|| "nil".to_owned(), lua_string)
        );
    }
    lua.push_str(
        r#"}
local formatted = {}
local n = 0
function init(args)
  for i, r in ipairs(requests) do
    local headers = { ["Authorization"] = r[3] }
    if r[4] then headers["Content-Type"] = "application/json" end
    formatted[i] = wrk.format(r[1], r[2], headers, r[4])
  end
end
function request()
  n = n % #formatted + 1
  return formatted[n]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("tsunagu-wrk %d %d %.0f %.0f %.0f %.0f %d %d\n",
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    lua
}

/// A Lua string literal: printable ASCII as it is, everything else (UTF-8 bytes included)
/// as a decimal byte escape, which Lua 5.1 and LuaJIT both read.
fn lua_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
    out.push('"');
    out
}

/// Reads the line `done` printed: requests, duration (µs), mean, p50, p95, p99 latency (µs),
/// error statuses, socket errors.
fn parse_summary(stdout: &str) -> Result<Load, String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tsunagu-wrk "))
        .ok_or_else(|| format!("wrk printed no summary: {stdout}"))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(str::parse::<u64>)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("unreadable wrk summary {line:?}: {e}"))?;
    let [requests, elapsed, mean, p50, p95, p99, statuses, sockets] = v[..] else {
        return Err(format!("unreadable wrk summary {line:?}"));
    };
    if statuses > 0 || sockets > 0 {
        return Err(format!(
            "{statuses} answers with an error status and {sockets} socket errors out of {requests} requests"
        ));
    }
    Ok(Load {
        requests,
        elapsed: Duration::from_micros(elapsed),
        mean: Duration::from_micros(mean),
        p50: Duration::from_micros(p50),
        p95: Duration::from_micros(p95),
        p99: Duration::from_micros(p99),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lua_strings_escape_quotes_backslashes_and_every_non_ascii_byte() {
        assert_eq!(lua_string(r#"a"b\c"#), r#""a\"b\\c""#);
        // ベ is E3 83 99 in UTF-8.
        assert_eq!(lua_string("ベ\n"), r#""\227\131\153\010""#);
    }

    #[test]
    fn the_script_lists_each_request_once() {
        let script = lua_script(&[
            Request {
                method: "GET",
                path: "/api/v1/patients/1".into(),
                bearer: "t1".into(),
                body: None,
            },
            Request {
                method: "POST",
                path: "/api/v1/consultations".into(),
                bearer: "t2".into(),
                body: Some(r#"{"a":1}"#.into()),
            },
        ]);
        assert!(script.contains(r#"{ "GET", "/api/v1/patients/1", "Bearer t1", nil },"#));
        assert!(
            script.contains(r#"{ "POST", "/api/v1/consultations", "Bearer t2", "{\"a\":1}" },"#)
        );
    }

    #[test]
    fn a_summary_is_read_and_any_error_fails_the_round() {
        let ok =
            parse_summary("Running 2s test\ntsunagu-wrk 1000 2000000 4000 3500 7000 9000 0 0\n")
                .expect("a clean round");
        assert_eq!(ok.requests, 1000);
        assert_eq!(ok.elapsed, Duration::from_secs(2));
        assert_eq!(ok.p50, Duration::from_micros(3500));
        assert_eq!(ok.p99, Duration::from_millis(9));
        let failed = parse_summary("tsunagu-wrk 1000 2000000 4000 3500 7000 9000 3 0").unwrap_err();
        assert!(
            failed.contains("3 answers with an error status"),
            "{failed}"
        );
        assert!(parse_summary("tsunagu-wrk 1000 2000000 4000 3500 7000 9000 0 2").is_err());
        assert!(parse_summary("no summary here").is_err());
        assert!(parse_summary("tsunagu-wrk 1 2 3").is_err());
    }
}

/// wrk itself against a small server in this test: the generated script must run (Lua
/// syntax, the request formatting, the summary line), send each request as written, and a
/// refused request must fail the round. Needs wrk on the PATH, as `.ci/run` installs it.
#[cfg(test)]
mod with_wrk {
    use super::*;
    use std::io::{BufRead, BufReader, Read};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};

    /// Answers each request 200, or 401 when its path ends in `/deny`, and keeps each
    /// request's first line, bearer and body.
    fn serve(seen: Arc<Mutex<Vec<(String, String, String)>>>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || connection(stream, &seen));
            }
        });
        base
    }

    fn connection(stream: TcpStream, seen: &Mutex<Vec<(String, String, String)>>) {
        let mut writer = stream.try_clone().expect("a second handle");
        let mut reader = BufReader::new(stream);
        loop {
            let mut first = String::new();
            if reader.read_line(&mut first).unwrap_or(0) == 0 {
                return;
            }
            let (mut bearer, mut length) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(": ") {
                    match name.to_ascii_lowercase().as_str() {
                        "authorization" => bearer = value.to_owned(),
                        "content-length" => length = value.parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let first = first.trim_end().to_owned();
            let status = if first.contains("/deny ") {
                "401 Unauthorized"
            } else {
                "200 OK"
            };
            if let Ok(mut s) = seen.lock() {
                s.push((first, bearer, String::from_utf8_lossy(&body).into_owned()));
            }
            let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\n\r\nok");
            if writer.write_all(answer.as_bytes()).is_err() {
                return;
            }
        }
    }

    #[test]
    fn wrk_sends_every_request_as_written_and_a_refusal_fails_the_round() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let base = serve(seen.clone());
        let requests = [
            Request {
                method: "GET",
                path: "/api/v1/patients/1".into(),
                bearer: "token-a".into(),
                body: None,
            },
            Request {
                method: "POST",
                path: "/api/v1/consultations".into(),
                bearer: "token-b".into(),
                body: Some(r#"{"summary":"ベンチマーク \"引用\""}"#.into()),
            },
        ];
        let load = run(&base, &requests, 2, Duration::from_secs(1)).expect("a clean round");
        assert!(load.requests > 10, "{load:?}");
        assert!(
            load.p50 <= load.p99 && load.p99 > Duration::ZERO,
            "{load:?}"
        );
        let seen = seen.lock().expect("the log").clone();
        assert!(seen.contains(&(
            "GET /api/v1/patients/1 HTTP/1.1".into(),
            "Bearer token-a".into(),
            String::new()
        )));
        assert!(seen.contains(&(
            "POST /api/v1/consultations HTTP/1.1".into(),
            "Bearer token-b".into(),
            r#"{"summary":"ベンチマーク \"引用\""}"#.into()
        )));

        let refused = Request {
            method: "GET",
            path: "/deny".into(),
            bearer: "t".into(),
            body: None,
        };
        let err = run(&base, &[refused], 1, Duration::from_secs(1)).unwrap_err();
        assert!(err.contains("error status"), "{err}");
    }
}
