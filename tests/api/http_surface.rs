//! The HTTP surface: problem+json for every kind of bad input on every route, headers.

use crate::db_tests;
use crate::helpers::{Db, spawn, spawn_with};
use awc::http::Method;
use serde_json::{Value, json};

/// Every write route with a body that is valid, for the table-driven bad-input checks.
async fn write_routes(app: &crate::helpers::TestApp) -> Vec<(Method, String, String, Value)> {
    let c = app.center("c1").await;
    let agency = app.agency(&c, "hello_work", "ハローワーク広島").await;
    let (user, _) = app.staff(&c, "sato", "consultant").await;
    vec![
        (
            Method::POST,
            "/api/v1/auth/login".into(),
            String::new(),
            json!({"login": "admin", "password": "x"}),
        ),
        (
            Method::POST,
            "/api/v1/auth/refresh".into(),
            String::new(),
            json!({"refresh_token": "x"}),
        ),
        (
            Method::POST,
            "/api/v1/centers".into(),
            app.admin_token.clone(),
            json!({"code": "c2", "name": "n", "prefecture_code": "01", "operating_type": "other"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/centers/{}", c.id),
            app.admin_token.clone(),
            json!({"name": "n"}),
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            c.admin.clone(),
            json!({"login": "u1", "display_name": "n", "role": "consultant", "password": crate::helpers::STAFF_PASSWORD}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{user}"),
            c.admin.clone(),
            json!({"display_name": "n"}),
        ),
        (
            Method::POST,
            "/api/v1/agencies".into(),
            c.admin.clone(),
            json!({"agency_type": "other", "name": "n"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/agencies/{agency}"),
            c.admin.clone(),
            json!({"name": "n"}),
        ),
    ]
}

async fn bad_bodies_get_problems_on_every_write_route(db: Db) {
    let app = spawn(db).await;
    for (method, path, token, good) in write_routes(&app).await {
        let token = (!token.is_empty()).then_some(token.as_str());
        let with = |ct: &'static str| vec![("content-type", ct), ("if-match", "\"v1\"")];
        for broken in [&b"{"[..], b"nope", b"{\"a\" 1}", b""] {
            let r = app
                .request(
                    method.clone(),
                    &path,
                    token,
                    &with("application/json"),
                    Some(broken.to_vec()),
                )
                .await;
            r.problem(400, "malformed_json");
        }
        let r = app
            .request(
                method.clone(),
                &path,
                token,
                &with("text/plain"),
                Some(good.to_string().into_bytes()),
            )
            .await;
        r.problem(415, "unsupported_media_type");
        // A JSON Patch is a list of operations, never a record; a merge patch is what a
        // PATCH means here, but nothing to create.
        for ct in [
            "application/json-patch+json",
            "application/merge-patch+json",
        ] {
            let r = app
                .request(
                    method.clone(),
                    &path,
                    token,
                    &with(ct),
                    Some(good.to_string().into_bytes()),
                )
                .await;
            if method == Method::POST || ct == "application/json-patch+json" {
                r.problem(415, "unsupported_media_type");
            } else {
                assert_ne!(r.status.as_u16(), 415, "{ct} on {method} {path}");
            }
        }
        let mut extra = good.clone();
        extra["surprise"] = json!(1);
        let r = app
            .request(
                method.clone(),
                &path,
                token,
                &with("application/json"),
                Some(extra.to_string().into_bytes()),
            )
            .await;
        r.problem(422, "invalid_body");
        let r = app
            .request(
                method.clone(),
                &path,
                token,
                &with("application/json"),
                Some(b"[1, 2]".to_vec()),
            )
            .await;
        r.problem(422, "invalid_body");
        let huge = format!("{{\"name\": \"{}\"}}", "あ".repeat(200_000));
        let r = app
            .request(
                method.clone(),
                &path,
                token,
                &with("application/json"),
                Some(huge.into_bytes()),
            )
            .await;
        r.problem(413, "payload_too_large");
        // Wrong types and control characters never reach a 500.
        let mut wrong = good.clone();
        if let Some(obj) = wrong.as_object_mut() {
            for v in obj.values_mut() {
                *v = json!(12345);
            }
        }
        let r = app
            .request(
                method.clone(),
                &path,
                token,
                &with("application/json"),
                Some(wrong.to_string().into_bytes()),
            )
            .await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
}

async fn invalid_fields_are_all_listed(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let r = app.post("/api/v1/centers", &app.admin_token, json!({"code": "bad code!", "name": " ", "prefecture_code": "48", "operating_type": "hospital"})).await.problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["code", "name", "prefecture_code", "operating_type"]
    );
    let r = app
        .post(
            "/api/v1/users",
            &c.admin,
            json!({"login": "x", "display_name": "", "role": "boss", "password": "short"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["login", "display_name", "role", "password"]
    );
    let r = app
        .post(
            "/api/v1/agencies",
            &c.admin,
            json!({"agency_type": "school", "name": "x".repeat(101), "notes": "a\u{0007}b"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["agency_type", "name", "notes"]);
    for q in ["limit=0", "limit=201", "cursor=not-a-cursor"] {
        app.get(&format!("/api/v1/users?{q}"), &c.admin)
            .await
            .problem(422, "validation_failed");
    }
    app.get("/api/v1/users?limit=abc", &c.admin)
        .await
        .problem(400, "invalid_query");
}

async fn unknown_routes_methods_and_ids_are_problems(db: Db) {
    let app = spawn(db).await;
    app.get("/api/v1/nothing-here", &app.admin_token)
        .await
        .problem(404, "route_not_found");
    app.request(Method::GET, "/api/v2/centers", None, &[], None)
        .await
        .problem(404, "route_not_found");
    // Routes are found by first segment (`route_groups`): one that only starts like a
    // group's is no route of it, and a percent-encoded one is decoded as the router does.
    app.get("/api/v1/centers-x", &app.admin_token)
        .await
        .problem(404, "route_not_found");
    app.get("/api/v1/%63enters", &app.admin_token)
        .await
        .expect(200);
    let r = app
        .request(
            Method::DELETE,
            "/api/v1/centers",
            Some(&app.admin_token),
            &[],
            None,
        )
        .await
        .problem(405, "method_not_allowed");
    assert_eq!(r.header("allow").as_deref(), Some("GET, POST"));
    let r = app
        .request(
            Method::PUT,
            "/api/v1/users/0190a3b2-0000-7000-8000-000000000000",
            Some(&app.admin_token),
            &[],
            None,
        )
        .await
        .problem(405, "method_not_allowed");
    assert_eq!(r.header("allow").as_deref(), Some("GET, PATCH"));
    // Paths outside the API's scope too (actix's own 405 comes without `Allow`).
    let r = app
        .request(Method::TRACE, "/healthz", None, &[], None)
        .await
        .problem(405, "method_not_allowed");
    assert_eq!(r.header("allow").as_deref(), Some("GET"));
    app.get("/api/v1/centers/not-a-uuid", &app.admin_token)
        .await
        .problem(404, "not_found");
    app.get(
        "/api/v1/centers/00000000-0000-0000-0000-000000000000",
        &app.admin_token,
    )
    .await
    .problem(404, "not_found");
}

async fn every_answer_carries_the_expected_headers(db: Db) {
    let app = spawn(db).await;
    for r in [
        app.get("/api/v1/me", &app.admin_token).await,
        app.get("/api/v1/nope", &app.admin_token).await,
        app.request(Method::GET, "/healthz", None, &[], None).await,
    ] {
        assert!(
            r.header("x-request-id")
                .is_some_and(|id| uuid::Uuid::parse_str(&id).is_ok())
        );
        assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"));
        assert!(r.header("content-security-policy").is_some());
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "CORS is off by default"
        );
    }
    // Without the trailing slash the client is redirected to the docs page.
    let moved = app
        .request(Method::GET, "/api/docs", None, &[], None)
        .await
        .expect(200);
    assert!(String::from_utf8_lossy(&moved.raw).contains("swagger"));
    let docs = app
        .request(Method::GET, "/api/docs/", None, &[], None)
        .await
        .expect(200);
    assert!(
        String::from_utf8_lossy(&docs.raw).contains("swagger"),
        "the docs page is served without a CDN"
    );
    let spec = app
        .request(Method::GET, "/api/v1/openapi.json", None, &[], None)
        .await
        .expect(200);
    assert_eq!(spec.body["openapi"], "3.1.0");
    // Metrics are not public by default (see metrics_are_not_public below).
    app.request(Method::GET, "/metrics", None, &[], None)
        .await
        .problem(404, "not_found");
}

const METRICS_TOKEN: &str = "metrics-token-metrics-token-0123456789";

/// `/metrics` answers on the API's address only with the configured bearer token (404
/// without one configured), and on its own address without one.
async fn metrics_are_not_public(db: Db) {
    let app = spawn_with(db, |c| {
        c.metrics_token = Some(METRICS_TOKEN.into());
        c.metrics_listen = Some("127.0.0.1:0".into());
    })
    .await;
    let get = |headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.request(Method::GET, "/metrics", None, &h, None).await
        }
    };
    get(vec![]).await.problem(401, "invalid_token");
    get(vec![("authorization", "Bearer wrong".into())])
        .await
        .problem(401, "invalid_token");
    get(vec![("authorization", format!("Bearer {METRICS_TOKEN}x"))])
        .await
        .problem(401, "invalid_token");
    let ok = get(vec![("authorization", format!("Bearer {METRICS_TOKEN}"))])
        .await
        .expect(200);
    assert!(
        String::from_utf8_lossy(&ok.raw).contains("tsunagu_http_requests_total{class=\"2xx\"}")
    );
    let own = format!("{}/metrics", app.metrics_base.as_deref().unwrap());
    let mut r = awc::Client::default().get(own).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.body().await.unwrap();
    assert!(String::from_utf8_lossy(&text).contains("tsunagu_http_requests_total"));
}

/// `Strict-Transport-Security` only over https: here, when the operator trusts the proxy in
/// front and it says `X-Forwarded-Proto: https`. Untrusted, the header is anybody's.
async fn hsts_follows_a_trusted_proxy(db: Db) {
    let plain = spawn(db).await;
    let r = plain
        .request(
            Method::GET,
            "/healthz",
            None,
            &[("x-forwarded-proto", "https")],
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.header("strict-transport-security"), None);
    drop(plain);
    let app = spawn_with(db, |c| c.trust_proxy = true).await;
    let r = app
        .request(
            Method::GET,
            "/api/v1/me",
            None,
            &[("x-forwarded-proto", "https")],
            None,
        )
        .await
        .expect(401);
    assert_eq!(
        r.header("strict-transport-security").as_deref(),
        Some("max-age=31536000; includeSubDomains")
    );
    for proto in [Some("http"), None] {
        let h: Vec<(&str, &str)> = proto
            .map(|p| ("x-forwarded-proto", p))
            .into_iter()
            .collect();
        let r = app
            .request(Method::GET, "/healthz", None, &h, None)
            .await
            .expect(200);
        assert_eq!(r.header("strict-transport-security"), None, "{proto:?}");
    }
}

async fn cors_allows_only_the_configured_origins(db: Db) {
    let app = spawn_with(db, |c| {
        c.cors_origins = vec!["https://dashboard.example.jp".into()]
    })
    .await;
    let ok = app
        .request(
            Method::GET,
            "/api/v1/me",
            Some(&app.admin_token),
            &[("origin", "https://dashboard.example.jp")],
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("https://dashboard.example.jp")
    );
    let pre = app
        .request(
            Method::OPTIONS,
            "/api/v1/me",
            None,
            &[
                ("origin", "https://dashboard.example.jp"),
                ("access-control-request-method", "GET"),
            ],
            None,
        )
        .await
        .expect(204);
    assert!(
        pre.header("access-control-allow-headers")
            .unwrap()
            .contains("authorization")
    );
    let other = app
        .request(
            Method::GET,
            "/api/v1/me",
            Some(&app.admin_token),
            &[("origin", "https://evil.example")],
            None,
        )
        .await;
    assert!(other.header("access-control-allow-origin").is_none());
    let pre = app
        .request(
            Method::OPTIONS,
            "/api/v1/me",
            None,
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "GET"),
            ],
            None,
        )
        .await;
    assert!(pre.header("access-control-allow-origin").is_none());
}

/// U+0000 cannot be stored in PostgreSQL text (SQLite takes it): both refuse it alike with a
/// 4xx — in a login (an unknown login's answer), a query string and the token endpoint's
/// form. (Text fields of records refuse it at the field: `cases::bad_input_names_every_field`.)
async fn nul_characters_are_refused_alike(db: Db) {
    let app = spawn(db).await;
    app.post_anon(
        "/api/v1/auth/login",
        json!({"login": "a\u{0}b", "password": "whatever-it-is"}),
    )
    .await
    .problem(401, "invalid_credentials");
    app.get("/api/v1/centers?limit=10&q=%00", &app.admin_token)
        .await
        .problem(400, "invalid_character");
    app.request(Method::GET, "/api/v1/patients?q=a%00", None, &[], None)
        .await
        .problem(400, "invalid_character");
    let r = app
        .request(
            Method::POST,
            "/api/v1/oauth/token",
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(b"grant_type=client_credentials&client_id=a%00b&client_secret=x".to_vec()),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.body);
    assert_eq!(r.body["error"], "invalid_request");
}

/// Sends raw bytes and reads until the server closes the connection; panics if it is still
/// open after `wait`. Answers what arrived and how long the server took.
fn raw_exchange(
    addr: &str,
    send: &[u8],
    wait: std::time::Duration,
) -> (String, std::time::Duration) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(send).unwrap();
    let start = std::time::Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!(
                    "the connection is still open after {wait:?}; got {:?}",
                    String::from_utf8_lossy(&got)
                )
            }
            // A reset is a close too.
            Err(_) => break,
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

/// Slowloris: a body that declares 1000 bytes and sends 9, and a head that never ends, are
/// answered 408 and the connection closed within the configured time (short here).
async fn slow_heads_and_bodies_are_cut_off(db: Db) {
    let app = spawn_with(db, |c| {
        c.http_limits.header_timeout = std::time::Duration::from_millis(500);
        c.http_limits.body_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let addr = app.base.strip_prefix("http://").unwrap().to_owned();
    let wait = std::time::Duration::from_secs(5);
    let a = addr.clone();
    let (body, took) = actix_web::rt::task::spawn_blocking(move || {
        raw_exchange(
            &a,
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"login\":",
            wait,
        )
    })
    .await
    .unwrap();
    assert!(body.starts_with("HTTP/1.1 408"), "{body}");
    assert!(body.contains("request_timeout"), "{body}");
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    let (head, took) = actix_web::rt::task::spawn_blocking(move || {
        raw_exchange(
            &addr,
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nX-Slow: ",
            wait,
        )
    })
    .await
    .unwrap();
    assert!(
        head.is_empty() || head.starts_with("HTTP/1.1 408"),
        "{head}"
    );
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    // A body that arrives in time is unaffected.
    app.try_login("admin", "wrong password").await.expect(401);
}

/// A request takes one connection from the pool for its session check and its use case
/// together (and the access log one per batch it commits), and shows its statements in
/// `/metrics`. Before, each step took its own: a timeline read took four.
async fn a_request_takes_one_connection(db: Db) {
    let app = spawn_with(db, |c| {
        c.metrics_token = Some(METRICS_TOKEN.into());
        // Its polling takes connections of its own, at its own pace.
        c.webhook_worker = false;
    })
    .await;
    let c = app.center("c1").await;
    let (_, token) = app.staff(&c, "sato", "consultant").await;
    let patient = app
        .post(
            "/api/v1/patients",
            &token,
            json!({
                "family_name": "山田", "given_name": "花子",
                "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
                "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
                "employment_status": "job_seeking", "support_awareness": "aware_not_used",
                "prefecture_code": "34", "municipality_code": "342106"
            }),
        )
        .await
        .expect(201)
        .id();
    let store = app.services.store().clone();
    let taken = || {
        assert!(
            app.services
                .flush_access_log(std::time::Duration::from_secs(10))
        );
        store.connections_taken()
    };
    for path in [
        format!("/api/v1/patients/{patient}"),
        format!("/api/v1/patients/{patient}/timeline"),
    ] {
        // One at a time, so each read's access event commits in its own batch. The server's
        // background work (the imports worker looks for queued imports every 2 s) takes a
        // connection now and then, which may fall inside one request's count on a slow
        // machine: the median of five is the request's own.
        let mut counts = Vec::new();
        for _ in 0..5 {
            let before = taken();
            app.get(&path, &token).await.expect(200);
            counts.push(taken() - before);
        }
        counts.sort_unstable();
        assert!(
            counts[2] <= 2,
            "{path}: {counts:?} connections per request (one, and one for the access log)"
        );
    }
    let metrics = app
        .request(
            Method::GET,
            "/metrics",
            None,
            &[("authorization", &format!("Bearer {METRICS_TOKEN}"))],
            None,
        )
        .await
        .expect(200);
    let text = String::from_utf8_lossy(&metrics.raw).into_owned();
    let sent: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("tsunagu_http_database_statements_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("a statement count");
    assert!(sent > 0);
}

db_tests!(
    nul_characters_are_refused_alike,
    bad_bodies_get_problems_on_every_write_route,
    invalid_fields_are_all_listed,
    unknown_routes_methods_and_ids_are_problems,
    every_answer_carries_the_expected_headers,
    cors_allows_only_the_configured_origins,
    slow_heads_and_bodies_are_cut_off,
    metrics_are_not_public,
    hsts_follows_a_trusted_proxy,
    a_request_takes_one_connection,
);
