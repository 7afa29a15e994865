//! Third-party applications: API clients and their tokens, scopes per operation (driven by
//! the OpenAPI document), revocation and rotation, rate limits, and webhooks delivered to a
//! real local receiver.

use crate::db_tests;
use crate::helpers::*;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use awc::http::Method;
use base64::Engine as _;
use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use tsunagu_domain::integrations::targets::AllowHosts;

db_tests!(
    token_endpoint_speaks_rfc_6749,
    every_operation_enforces_its_declared_scope,
    clients_stay_in_their_center_and_are_named_in_the_trail,
    revocation_rotation_and_withdrawn_scopes_take_effect_at_once,
    rate_limits_per_user_and_per_client,
    webhooks_are_managed_by_the_center_admin,
    webhooks_are_signed_and_carry_ids_only,
    a_paused_webhook_is_sent_nothing_until_resumed,
    support_plan_changes_are_announced,
    outbox_survives_a_restart_and_retries_with_backoff,
    overdue_follow_ups_are_announced_once,
    webhook_targets_inside_the_network_are_refused,
    deliveries_to_addresses_inside_are_refused_and_logged_generically,
    sync_by_updated_since_misses_nothing_under_concurrent_writes,
    an_administrations_client_does_regional_work_and_reaches_no_patient,
    a_clients_retry_is_answered_only_while_the_client_is_live,
);

const ALL_SCOPES: &[&str] = &[
    "patients:read",
    "patients:write",
    "consultations:read",
    "consultations:write",
    "referrals:read",
    "referrals:write",
    "follow_ups:read",
    "follow_ups:write",
    "agencies:read",
    "reports:read",
    "audit:read",
    "shoman:read",
    "shoman:write",
    "activities:read",
    "activities:write",
];

/// What an administration (自治体) may grant its clients.
const REGION_SCOPES: &[&str] = &["reports:read", "regional:read", "regional:write"];

/// A registered client: its record's id, client id and secret.
struct Client {
    id: String,
    client_id: String,
    secret: String,
}

async fn register(app: &TestApp, admin: &str, scopes: &[&str]) -> Client {
    let r = app
        .post(
            "/api/v1/api-clients",
            admin,
            json!({"name": "県庁ダッシュボード", "scopes": scopes}),
        )
        .await
        .expect(201);
    Client {
        id: r.id(),
        client_id: r.body["client_id"].as_str().unwrap().to_owned(),
        secret: r.body["client_secret"].as_str().unwrap().to_owned(),
    }
}

async fn token_request(app: &TestApp, form: &str, basic: Option<(&str, &str)>) -> Resp {
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    let auth;
    if let Some((id, secret)) = basic {
        auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        );
        headers.push(("authorization", auth.as_str()));
    }
    app.request(
        Method::POST,
        "/api/v1/oauth/token",
        None,
        &headers,
        Some(form.as_bytes().to_vec()),
    )
    .await
}

async fn client_token(app: &TestApp, c: &Client, scope: Option<&str>) -> String {
    let mut form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        c.client_id,
        urlencode(&c.secret)
    );
    if let Some(s) = scope {
        form.push_str(&format!("&scope={}", urlencode(s)));
    }
    let r = token_request(app, &form, None).await.expect(200);
    r.body["access_token"].as_str().unwrap().to_owned()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn patient_json(family: &str) -> Value {
    json!({"family_name": family, "given_name": "花子", "family_name_kana": "ヤマダ",
           "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo",
           "employment_status": "job_seeking", "support_awareness": "unaware"})
}

async fn token_endpoint_speaks_rfc_6749(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let c = register(&app, &center.admin, &["patients:read", "reports:read"]).await;
    assert!(c.client_id.starts_with("tsu_"));
    assert!(c.secret.starts_with("tsusec_"));

    // The form, with the id and secret in it.
    let ok = token_request(
        &app,
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            c.client_id, c.secret
        ),
        None,
    )
    .await
    .expect(200);
    assert_eq!(ok.body["token_type"], "Bearer");
    assert_eq!(ok.body["expires_in"], 600);
    assert_eq!(ok.body["scope"], "patients:read reports:read");
    assert_eq!(ok.header("cache-control").as_deref(), Some("no-store"));

    // HTTP Basic, narrowed to one scope.
    let narrowed = token_request(
        &app,
        "grant_type=client_credentials&scope=reports%3Aread",
        Some((&c.client_id, &c.secret)),
    )
    .await
    .expect(200);
    assert_eq!(narrowed.body["scope"], "reports:read");

    let err = |r: &Resp, status: u16, error: &str| {
        assert_eq!(r.status.as_u16(), status, "{}", r.body);
        assert_eq!(r.body["error"], error, "{}", r.body);
        assert!(r.body["error_description"].is_string());
    };
    let wrong = token_request(
        &app,
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret=tsusec_nope",
            c.client_id
        ),
        None,
    )
    .await;
    err(&wrong, 401, "invalid_client");
    assert!(wrong.header("www-authenticate").is_some());
    let unknown = token_request(
        &app,
        "grant_type=client_credentials&client_id=tsu_unknown&client_secret=x",
        None,
    )
    .await;
    err(&unknown, 401, "invalid_client");
    assert_eq!(unknown.body, wrong.body, "unknown and wrong answer alike");
    err(
        &token_request(&app, "grant_type=password&username=a&password=b", None).await,
        400,
        "unsupported_grant_type",
    );
    err(
        &token_request(&app, &format!("client_id={}", c.client_id), None).await,
        400,
        "invalid_request",
    );
    err(
        &token_request(
            &app,
            "grant_type=client_credentials&scope=audit%3Aread",
            Some((&c.client_id, &c.secret)),
        )
        .await,
        400,
        "invalid_scope",
    );
    err(
        &token_request(
            &app,
            &format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                c.client_id, c.secret
            ),
            Some((&c.client_id, &c.secret)),
        )
        .await,
        400,
        "invalid_request",
    );
    // JSON is not the token endpoint's format.
    let json_body = app
        .post_anon(
            "/api/v1/oauth/token",
            json!({"grant_type": "client_credentials"}),
        )
        .await;
    err(&json_body, 400, "invalid_request");

    // A client token is not a person: /me and staff administration are closed to it.
    let t = client_token(&app, &c, None).await;
    app.get("/api/v1/me", &t)
        .await
        .problem(403, "client_not_allowed");
    app.get("/api/v1/users", &t)
        .await
        .problem(403, "client_not_allowed");
    // The trail records each issue and refusal, naming the client.
    let events = app.audit_events();
    let issued: Vec<_> = events
        .iter()
        .filter(|e| e.action == "oauth.token" && e.outcome.as_str() == "success")
        .collect();
    assert_eq!(issued.len(), 3);
    assert!(
        issued
            .iter()
            .all(|e| e.actor_kind == "client" && e.actor_id.as_deref() == Some(c.id.as_str()))
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "oauth.token" && e.outcome.as_str() == "denied")
    );
}

/// Every operation of the published document, called with a client token: where the
/// document names a scope, a token without it is 403 `insufficient_scope` and a token with
/// only it gets past authorisation; where the document names no `oauth2` requirement, even a
/// token with every scope is 403 `client_not_allowed`.
async fn every_operation_enforces_its_declared_scope(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    // Both programs, so that 小慢 operations answer past their program check too.
    let etag = app
        .get(&format!("/api/v1/centers/{}", center.id), &app.admin_token)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/centers/{}", center.id),
        &app.admin_token,
        Some(&etag),
        json!({"programs": ["nanbyo", "shoman"]}),
    )
    .await
    .expect(200);
    let spec = app
        .get("/api/v1/openapi.json", &app.admin_token)
        .await
        .expect(200);
    let all = register(&app, &center.admin, ALL_SCOPES).await;
    let all_token = client_token(&app, &all, None).await;
    let mut tokens_without = std::collections::HashMap::new();
    let mut tokens_with = std::collections::HashMap::new();
    for s in ALL_SCOPES {
        let others: Vec<&str> = ALL_SCOPES.iter().copied().filter(|x| x != s).collect();
        let without = register(&app, &center.admin, &others).await;
        let with = register(&app, &center.admin, &[s]).await;
        tokens_without.insert(*s, client_token(&app, &without, None).await);
        tokens_with.insert(*s, client_token(&app, &with, None).await);
    }
    // The regional scopes are an administration's to grant: its officer registers those.
    let pref = app.administration("340006", "prefecture", &[&center]).await;
    let (_, officer) = app.officer(&pref, "hiroshima.pref").await;
    for s in ["regional:read", "regional:write"] {
        let others: Vec<&str> = REGION_SCOPES.iter().copied().filter(|x| *x != s).collect();
        let without = register(&app, &officer, &others).await;
        let with = register(&app, &officer, &[s]).await;
        tokens_without.insert(s, client_token(&app, &without, None).await);
        tokens_with.insert(s, client_token(&app, &with, None).await);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let (mut scoped, mut closed, mut open) = (0, 0, 0);
    // Every operation open to the center's clients, for the sweep after revocation below.
    let mut client_ops = Vec::new();
    for (path, item) in spec.body["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let has_bearer = security.iter().any(|r| r.get("bearer").is_some());
            if !has_bearer {
                continue; // sign-in, token, operations endpoints: no token involved
            }
            let oauth = security.iter().find_map(|r| r.get("oauth2")).cloned();
            let url = path.replace("{id}", &id).replace("{action_id}", &id);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let call = |token: String| {
                let (m, url) = (m.clone(), url.clone());
                let app = &app;
                async move {
                    let body = (m == Method::POST || m == Method::PATCH).then(|| b"{}".to_vec());
                    app.request(
                        m,
                        &url,
                        Some(&token),
                        &[("content-type", "application/json")],
                        body,
                    )
                    .await
                }
            };
            let op_name = format!("{method} {path}");
            match oauth
                .as_ref()
                .and_then(|s| s.as_array())
                .map(|a| a.first().cloned())
            {
                Some(Some(scope)) => {
                    let scope = scope.as_str().unwrap();
                    let denied = call(tokens_without[scope].clone()).await;
                    assert_eq!(denied.status.as_u16(), 403, "{op_name} without {scope}");
                    assert_eq!(denied.code(), "insufficient_scope", "{op_name}");
                    let allowed = call(tokens_with[scope].clone()).await;
                    assert!(
                        ![401, 403].contains(&allowed.status.as_u16()),
                        "{op_name} with {scope}: {}",
                        allowed.body
                    );
                    if ALL_SCOPES.contains(&scope) {
                        client_ops.push((m.clone(), url.clone(), op_name.clone()));
                    }
                    scoped += 1;
                }
                Some(None) => {
                    let r = call(tokens_with["reports:read"].clone()).await;
                    assert!(![401, 403].contains(&r.status.as_u16()), "{op_name}");
                    client_ops.push((m.clone(), url.clone(), op_name.clone()));
                    open += 1;
                }
                None => {
                    let r = call(all_token.clone()).await;
                    assert_eq!(r.status.as_u16(), 403, "{op_name} is for staff only");
                    assert_eq!(r.code(), "client_not_allowed", "{op_name}");
                    closed += 1;
                }
            }
        }
    }
    // The document really covers the case records, and keeps administration for people.
    assert!(scoped >= 130, "{scoped} scoped operations");
    assert!(closed >= 20, "{closed} staff-only operations");
    assert_eq!(
        open, 4,
        "master data and the FHIR code systems are open to any client"
    );
    // Refusals are in the trail with the operation they were for.
    let refused = app
        .audit_events()
        .into_iter()
        .filter(|e| e.action == "api.scope_check" && e.actor_kind == "client")
        .count();
    assert!(refused >= scoped + closed);

    // Revoked, a client's token in hand stops at every operation it was open to: whether
    // the client is still live is checked with each use case, so an operation that skipped
    // that check would answer here. Without a body, an operation taking one may refuse the
    // missing body first (4xx), but none answers as if the call were allowed.
    app.post(
        &format!("/api/v1/api-clients/{}/revoke", all.id),
        &center.admin,
        json!({}),
    )
    .await
    .expect(200);
    for (m, url, op_name) in client_ops {
        // Every path parameter a well-formed id, so the route's own parsing passes.
        let url = url
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    id.as_str()
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = app.request(m, &url, Some(&all_token), &[], None).await;
        let status = r.status.as_u16();
        // A request malformed before any use case runs (a query parameter, a missing body
        // or If-Match) is refused as such, as it would be for anyone.
        let malformed = [400, 413, 415, 422, 428].contains(&status);
        assert!(
            status == 401 && r.code() == "invalid_token" || malformed,
            "{op_name} by a revoked client: {status} {}",
            r.body
        );
    }
}

async fn clients_stay_in_their_center_and_are_named_in_the_trail(db: Db) {
    let app = spawn(db).await;
    let hiroshima = app.center("hiroshima").await;
    let okayama = app.center("okayama").await;
    let (consultant_id, consultant) = app.staff(&hiroshima, "sato", "consultant").await;
    let (_, other_consultant) = app.staff(&okayama, "tanaka", "consultant").await;
    let theirs = app
        .post("/api/v1/patients", &other_consultant, patient_json("岡山"))
        .await
        .expect(201)
        .id();
    let c = register(
        &app,
        &hiroshima.admin,
        &["patients:read", "patients:write", "consultations:write"],
    )
    .await;
    let t = client_token(&app, &c, None).await;

    // Another center's patient is exactly as missing as a made-up id.
    app.get(&format!("/api/v1/patients/{theirs}"), &t)
        .await
        .problem(404, "not_found");
    let list = app.get("/api/v1/patients", &t).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);

    // A client records for a named colleague, never as itself.
    let p = app
        .post("/api/v1/patients", &t, patient_json("広島"))
        .await
        .expect(201)
        .id();
    let missing = app
        .post(
            "/api/v1/consultations",
            &t,
            json!({"patient_id": p, "channel": "online", "requester": "patient", "topics": ["employment"]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(missing.fields(), vec!["consultant_id"]);
    let cons = app
        .post(
            "/api/v1/consultations",
            &t,
            json!({"patient_id": p, "channel": "online", "requester": "patient",
                   "topics": ["employment"], "consultant_id": consultant_id}),
        )
        .await
        .expect(201);
    assert_eq!(cons.body["consultant_id"], consultant_id.as_str());
    // The consultant sees it as theirs.
    app.get(&format!("/api/v1/consultations/{}", cons.id()), &consultant)
        .await
        .expect(200);

    let events = app.audit_events();
    let created = events
        .iter()
        .find(|e| e.action == "patient.create" && e.resource_id.as_deref() == Some(p.as_str()))
        .unwrap();
    assert_eq!(created.actor_kind, "client");
    assert_eq!(created.actor_id.as_deref(), Some(c.id.as_str()));
    assert_eq!(created.center_id.as_deref(), Some(hiroshima.id.as_str()));
    let probe = events
        .iter()
        .find(|e| e.resource_id.as_deref() == Some(theirs.as_str()) && e.actor_kind == "client")
        .unwrap();
    assert_eq!(probe.outcome.as_str(), "not_found");

    // The center's other staff cannot manage clients; another center cannot see them.
    app.get("/api/v1/api-clients", &consultant)
        .await
        .problem(403, "insufficient_role");
    app.get(&format!("/api/v1/api-clients/{}", c.id), &okayama.admin)
        .await
        .problem(404, "not_found");
    let listed = app
        .get("/api/v1/api-clients", &hiroshima.admin)
        .await
        .expect(200);
    let item = &listed.body["items"][0];
    assert_eq!(item["client_id"], c.client_id.as_str());
    assert!(
        item.get("client_secret").is_none(),
        "the secret is shown once"
    );
    assert!(!listed.raw.windows(7).any(|w| w == b"tsusec_"));
    assert!(item["last_used_at"].is_string());
    // Bad input names its fields.
    let bad = app
        .post(
            "/api/v1/api-clients",
            &hiroshima.admin,
            json!({"name": "", "scopes": ["patients:delete"]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.fields(), vec!["name", "scopes"]);
}

async fn revocation_rotation_and_withdrawn_scopes_take_effect_at_once(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let c = register(&app, &center.admin, &["patients:read", "reports:read"]).await;
    let t = client_token(&app, &c, None).await;
    app.get("/api/v1/patients", &t).await.expect(200);

    // Rotation: the new secret works, and the old one for the overlap only.
    let rotated = app
        .post(
            &format!("/api/v1/api-clients/{}/rotate-secret", c.id),
            &center.admin,
            json!({"overlap_seconds": 3600}),
        )
        .await
        .expect(200);
    let new_secret = rotated.body["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, c.secret);
    assert!(rotated.body["previous_secret_expires_at"].is_string());
    let new = Client {
        id: c.id.clone(),
        client_id: c.client_id.clone(),
        secret: new_secret,
    };
    client_token(&app, &c, None).await;
    client_token(&app, &new, None).await;
    app.clock.advance(Duration::minutes(61));
    let old = token_request(
        &app,
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            c.client_id, c.secret
        ),
        None,
    )
    .await;
    assert_eq!(old.status.as_u16(), 401);
    let t = client_token(&app, &new, None).await;
    // (The administrator's own access token has expired meanwhile.)
    let admin = app.login("hiroshima.admin", STAFF_PASSWORD).await;

    // Withdrawing a scope bites tokens already issued.
    let current = app
        .get(&format!("/api/v1/api-clients/{}", c.id), &admin)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/api-clients/{}", c.id),
        &admin,
        Some(&current.etag()),
        json!({"scopes": ["reports:read"]}),
    )
    .await
    .expect(200);
    app.get("/api/v1/patients", &t)
        .await
        .problem(403, "insufficient_scope");

    // Revocation: the token in hand stops working with its next request.
    let revoked = app
        .post(
            &format!("/api/v1/api-clients/{}/revoke", c.id),
            &admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(revoked.body["active"], false);
    app.get("/api/v1/reports/referral-levels?fiscal_year=2026", &t)
        .await
        .problem(401, "invalid_token");
    let after = token_request(
        &app,
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            new.client_id, new.secret
        ),
        None,
    )
    .await;
    assert_eq!(after.status.as_u16(), 401);
    assert_eq!(after.body["error"], "invalid_client");
    // A revoked client stays revoked.
    app.post(
        &format!("/api/v1/api-clients/{}/rotate-secret", c.id),
        &admin,
        json!({}),
    )
    .await
    .problem(422, "client_revoked");
}

async fn rate_limits_per_user_and_per_client(db: Db) {
    let app = spawn_with(db, |cfg| {
        cfg.rate_limits.user_per_minute = 5;
        cfg.rate_limits.client_per_minute = 3;
    })
    .await;
    let center = app.center("hiroshima").await;
    let (_, a) = app.staff(&center, "sato", "consultant").await;
    let (_, b) = app.staff(&center, "suzuki", "consultant").await;
    // Setting up took requests of the same buckets (each first sign-in changes the initial
    // password): the measure starts with full ones.
    app.clock.advance(Duration::seconds(60));
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let r = app.get("/api/v1/patients", &a).await.expect(200);
        assert_eq!(
            r.header("ratelimit-policy").as_deref(),
            Some("\"user\";q=5;w=60")
        );
        remaining.push(r.header("ratelimit").unwrap());
    }
    assert_eq!(remaining[0], "\"user\";r=4;t=12");
    assert_eq!(remaining[4], "\"user\";r=0;t=60");
    let limited = app
        .get("/api/v1/patients", &a)
        .await
        .problem(429, "rate_limited");
    assert_eq!(limited.header("retry-after").as_deref(), Some("12"));
    assert!(limited.header("ratelimit").is_some());
    // Another person has a bucket of their own.
    app.get("/api/v1/patients", &b).await.expect(200);
    // The bucket refills with (the injected) time.
    app.clock.advance(Duration::seconds(12));
    app.get("/api/v1/patients", &a).await.expect(200);
    app.get("/api/v1/patients", &a)
        .await
        .problem(429, "rate_limited");

    // Clients count separately, per client; the token endpoint counts per client id too.
    let c = register(&app, &center.admin, &["patients:read"]).await;
    let t = client_token(&app, &c, None).await;
    for _ in 0..2 {
        let r = app.get("/api/v1/patients", &t).await.expect(200);
        assert!(r.header("ratelimit").unwrap().starts_with("\"client\";"));
    }
    app.get("/api/v1/patients", &t).await.expect(200);
    app.get("/api/v1/patients", &t)
        .await
        .problem(429, "rate_limited");
}

// --- webhooks ----------------------------------------------------------------------------

/// What the receiver got: headers that matter and the body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A real HTTP receiver on a local port that answers `fail_first` requests with 500.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receiver(fail_first: usize) -> Receiver {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let calls = Arc::new(Mutex::new(0usize));
    let (g, c) = (got.clone(), calls.clone());
    let server = HttpServer::new(move || {
        let (g, c) = (g.clone(), c.clone());
        App::new().route(
            "/hook",
            web::post().to(move |req: HttpRequest, body: web::Bytes| {
                let (g, c) = (g.clone(), c.clone());
                async move {
                    let h = |n: &str| {
                        req.headers()
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    let mut n = c.lock().unwrap();
                    *n += 1;
                    if *n <= fail_first {
                        return HttpResponse::InternalServerError().finish();
                    }
                    g.lock().unwrap().push(Received {
                        id: h("webhook-id"),
                        timestamp: h("webhook-timestamp"),
                        signature: h("webhook-signature"),
                        body: String::from_utf8(body.to_vec()).unwrap(),
                    });
                    HttpResponse::NoContent().finish()
                }
            }),
        )
    })
    .workers(1)
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

/// Waits (up to ten seconds) until the receiver holds `n` deliveries.
async fn wait_for(r: &Receiver, n: usize) -> Vec<Received> {
    for _ in 0..500 {
        let got = r.got.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!(
        "the receiver got {} deliveries, not {n}",
        r.got.lock().unwrap().len()
    );
}

/// Standard Webhooks verification written from the specification, independently of the
/// server's signing code: HMAC-SHA256 over `id.timestamp.body` with the base64-decoded
/// secret, compared with each `v1,` signature in the header.
fn verify_signature(secret: &str, got: &Received) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(got.id.as_bytes());
    mac.update(b".");
    mac.update(got.timestamp.as_bytes());
    mac.update(b".");
    mac.update(got.body.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    got.signature
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

async fn subscribe(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (String, String) {
    let r = app
        .post(
            "/api/v1/webhooks",
            admin,
            json!({"url": url, "events": events, "description": "県の集計"}),
        )
        .await
        .expect(201);
    (r.id(), r.body["secret"].as_str().unwrap().to_owned())
}

async fn webhooks_are_managed_by_the_center_admin(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let other = app.center("okayama").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let bad = app
        .post(
            "/api/v1/webhooks",
            &center.admin,
            json!({"url": "http://example.jp/hook", "events": ["referral.created", "patient.deleted"]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.fields(), vec!["url", "events"]);
    let (id, secret) = subscribe(
        &app,
        &center.admin,
        "https://dashboard.example.jp/hooks",
        &["referral.created"],
    )
    .await;
    assert!(secret.starts_with("whsec_"));
    let w = app
        .get(&format!("/api/v1/webhooks/{id}"), &center.admin)
        .await
        .expect(200);
    assert!(w.body.get("secret").is_none());
    assert_eq!(w.body["events"], json!(["referral.created"]));
    let paused = app
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            &center.admin,
            Some(&w.etag()),
            json!({"active": false, "events": ["review.returned", "referral.created"]}),
        )
        .await
        .expect(200);
    assert_eq!(paused.body["active"], false);
    assert_eq!(
        paused.body["events"],
        json!(["referral.created", "review.returned"])
    );
    app.get(&format!("/api/v1/webhooks/{id}"), &other.admin)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/webhooks", &consultant)
        .await
        .problem(403, "insufficient_role");
    app.request(
        Method::DELETE,
        &format!("/api/v1/webhooks/{id}"),
        Some(&other.admin),
        &[],
        None,
    )
    .await
    .problem(404, "not_found");
    app.request(
        Method::DELETE,
        &format!("/api/v1/webhooks/{id}"),
        Some(&center.admin),
        &[],
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/api/v1/webhooks/{id}"), &center.admin)
        .await
        .problem(404, "not_found");
    let actions = app.audit_actions();
    for a in ["webhook.create", "webhook.update", "webhook.delete"] {
        assert!(actions.iter().any(|(x, _)| x == a), "{a}");
    }
}

/// Pausing and resuming a subscription, and deleting another, change what the center's
/// next writes announce at once (the center's writes read whether it has an active
/// subscription from the chain head they lock).
async fn a_paused_webhook_is_sent_nothing_until_resumed(db: Db) {
    let app = spawn(db).await;
    let rx = receiver(0).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let (wid, _) = subscribe(&app, &center.admin, &rx.url, &["patient.created"]).await;
    let queued = |n: usize| {
        let app = &app;
        let (wid, admin) = (wid.clone(), center.admin.clone());
        async move {
            let log = app
                .get(&format!("/api/v1/webhooks/{wid}/deliveries"), &admin)
                .await
                .expect(200);
            assert_eq!(
                log.body["items"].as_array().unwrap().len(),
                n,
                "{}",
                log.body
            );
        }
    };
    app.post("/api/v1/patients", &consultant, patient_json("一"))
        .await
        .expect(201);
    wait_for(&rx, 1).await;
    queued(1).await;

    let w = app
        .get(&format!("/api/v1/webhooks/{wid}"), &center.admin)
        .await
        .expect(200);
    let paused = app
        .patch(
            &format!("/api/v1/webhooks/{wid}"),
            &center.admin,
            Some(&w.etag()),
            json!({"active": false}),
        )
        .await
        .expect(200);
    app.post("/api/v1/patients", &consultant, patient_json("二"))
        .await
        .expect(201);
    queued(1).await;

    // A second subscription made and deleted meanwhile leaves the first one paused.
    let (other, _) = subscribe(&app, &center.admin, &rx.url, &["consultation.created"]).await;
    app.request(
        Method::DELETE,
        &format!("/api/v1/webhooks/{other}"),
        Some(&center.admin),
        &[],
        None,
    )
    .await
    .expect(204);
    app.post("/api/v1/patients", &consultant, patient_json("三"))
        .await
        .expect(201);
    queued(1).await;

    app.patch(
        &format!("/api/v1/webhooks/{wid}"),
        &center.admin,
        Some(&paused.etag()),
        json!({"active": true}),
    )
    .await
    .expect(200);
    app.post("/api/v1/patients", &consultant, patient_json("四"))
        .await
        .expect(201);
    queued(2).await;
    let got = wait_for(&rx, 2).await;
    assert_eq!(got.len(), 2);
}

async fn webhooks_are_signed_and_carry_ids_only(db: Db) {
    let app = spawn(db).await;
    let rx = receiver(0).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let agency = app.agency(&center, "hello_work", "ハローワーク広島").await;
    let (wid, secret) = subscribe(
        &app,
        &center.admin,
        &rx.url,
        &["referral.created", "referral.level_changed"],
    )
    .await;
    // Not subscribed: patient.created is not sent.
    let p = app
        .post("/api/v1/patients", &consultant, patient_json("山田"))
        .await
        .expect(201)
        .id();
    let r = app
        .post(
            "/api/v1/referrals",
            &consultant,
            json!({"patient_id": p, "agency_id": agency, "purpose": "new_employment",
                   "level": "information_only", "referred_on": "2026-06-01"}),
        )
        .await
        .expect(201);
    let got = wait_for(&rx, 1).await;
    let d = &got[0];
    assert!(
        verify_signature(&secret, d),
        "signature does not verify: {d:?}"
    );
    assert!(!verify_signature(
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        d
    ));
    assert!(d.id.starts_with("msg_"));
    let ts: i64 = d.timestamp.parse().unwrap();
    assert!((ts - app.clock_now().timestamp()).abs() < 60);
    let body: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(body["type"], "referral.created");
    assert_eq!(body["data"]["id"], r.id().as_str());
    assert_eq!(body["data"]["patient_id"], p.as_str());
    assert_eq!(body["data"]["center_id"], center.id.as_str());
    assert!(!d.body.contains("山田"), "no personal data in a payload");

    // The delivery log shows it delivered, with the receiver's answer.
    let mut log = Value::Null;
    for _ in 0..100 {
        log = app
            .get(&format!("/api/v1/webhooks/{wid}/deliveries"), &center.admin)
            .await
            .expect(200)
            .body;
        if log["items"][0]["state"] == "delivered" {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let item = &log["items"][0];
    assert_eq!(item["state"], "delivered");
    assert_eq!(item["message_id"], d.id.as_str());
    assert_eq!(item["log"][0]["status"], 204);
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}

/// 小慢 support plans announce their drafting, submission and the supervisor's decision,
/// with ids only.
async fn support_plan_changes_are_announced(db: Db) {
    let app = spawn(db).await;
    let rx = receiver(0).await;
    let t = crate::support_plans::team(&app, "kobe").await;
    subscribe(
        &app,
        &t.c.admin,
        &rx.url,
        &["support_plan.submitted", "support_plan.approved"],
    )
    .await;
    // Drafting is not subscribed to; submission and approval are.
    let plan = crate::support_plans::submitted_plan(&app, &t.worker, &t.child).await;
    crate::support_plans::review(&app, &t.sup, &plan, json!({"decision": "approved"}))
        .await
        .expect(201);
    let got = wait_for(&rx, 2).await;
    let bodies: Vec<Value> = got
        .iter()
        .map(|d| serde_json::from_str(&d.body).unwrap())
        .collect();
    let types: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["support_plan.submitted", "support_plan.approved"]);
    for b in &bodies {
        assert_eq!(b["data"]["id"], plan.as_str());
        assert_eq!(b["data"]["patient_id"], t.child.as_str());
        assert_eq!(b["data"]["resource_type"], "support_plan");
    }
    assert!(got.iter().all(|d| !d.body.contains("小林")), "no names");
}

async fn outbox_survives_a_restart_and_retries_with_backoff(db: Db) {
    // The first process writes the outbox but dies before sending anything.
    let mut app = spawn_with(db, |cfg| cfg.webhook_worker = false).await;
    let rx = receiver(1).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let (wid, secret) = subscribe(&app, &center.admin, &rx.url, &["patient.created"]).await;
    let p = app
        .post("/api/v1/patients", &consultant, patient_json("山田"))
        .await
        .expect(201)
        .id();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(rx.got.lock().unwrap().is_empty());

    app.restart(|cfg| cfg.webhook_worker = true).await;
    // The first attempt fails (500); the retry waits for the backoff.
    let mut first = Value::Null;
    for _ in 0..250 {
        first = app
            .get(&format!("/api/v1/webhooks/{wid}/deliveries"), &center.admin)
            .await
            .expect(200)
            .body;
        if first["items"][0]["attempts"] == 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let item = &first["items"][0];
    assert_eq!(item["attempts"], 1, "{first}");
    assert_eq!(item["state"], "pending");
    assert_eq!(item["last_status"], 500);
    assert!(rx.got.lock().unwrap().is_empty());
    app.clock.advance(Duration::seconds(31));
    let got = wait_for(&rx, 1).await;
    assert!(verify_signature(&secret, &got[0]));
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["data"]["id"], p.as_str());
    // Once delivered, never again.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(rx.got.lock().unwrap().len(), 1);
}

async fn overdue_follow_ups_are_announced_once(db: Db) {
    let app = spawn(db).await;
    let rx = receiver(0).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let agency = app.agency(&center, "hello_work", "ハローワーク広島").await;
    let (_, secret) = subscribe(&app, &center.admin, &rx.url, &["follow_up.overdue"]).await;
    let p = app
        .post("/api/v1/patients", &consultant, patient_json("山田"))
        .await
        .expect(201)
        .id();
    let r = app
        .post(
            "/api/v1/referrals",
            &consultant,
            json!({"patient_id": p, "agency_id": agency, "purpose": "new_employment",
                   "level": "information_only", "referred_on": "2026-06-01"}),
        )
        .await
        .expect(201)
        .id();
    let fu = app
        .post(
            &format!("/api/v1/referrals/{r}/follow-ups"),
            &consultant,
            json!({"due_on": "2026-06-03"}),
        )
        .await
        .expect(201)
        .id();
    assert_eq!(
        app.services.deliveries().announce_overdue(100).unwrap(),
        0,
        "not yet due"
    );
    app.clock.advance(Duration::days(3));
    assert_eq!(app.services.deliveries().announce_overdue(100).unwrap(), 1);
    assert_eq!(
        app.services.deliveries().announce_overdue(100).unwrap(),
        0,
        "only once"
    );
    let got = wait_for(&rx, 1).await;
    assert!(verify_signature(&secret, &got[0]));
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "follow_up.overdue");
    assert_eq!(body["data"]["id"], fu.as_str());
    assert_eq!(body["data"]["referral_id"], r.as_str());
}

/// The forms an outside test registered: each is refused at POST and at PATCH with a field
/// error, when the operator allowed nothing.
async fn webhook_targets_inside_the_network_are_refused(db: Db) {
    let app = spawn_with(db, |cfg| cfg.webhook_allow_hosts = AllowHosts::default()).await;
    let center = app.center("hiroshima").await;
    let refused = [
        "http://127.0.0.1:5432/",
        "https://127.0.0.1:8443/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://10.0.0.8/",
        "https://172.16.0.1/",
        "https://192.168.10.1/",
        "https://[fd00::1]/",
        "https://[::1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[fe80::1]/",
        "https://0x7f000001/",
        "https://2130706433/",
        "https://0/",
        "https://0.0.0.0/",
        "https://127.1/",
        "https://224.0.0.1/",
    ];
    for url in refused {
        let r = app
            .post(
                "/api/v1/webhooks",
                &center.admin,
                json!({"url": url, "events": ["referral.created"]}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(r.fields(), vec!["url"], "{url}");
        assert_eq!(r.body["errors"][0]["code"], "target_not_allowed", "{url}");
    }
    let (id, _) = subscribe(
        &app,
        &center.admin,
        "https://dashboard.example.jp/hooks",
        &["referral.created"],
    )
    .await;
    let w = app
        .get(&format!("/api/v1/webhooks/{id}"), &center.admin)
        .await
        .expect(200);
    for url in refused {
        let r = app
            .patch(
                &format!("/api/v1/webhooks/{id}"),
                &center.admin,
                Some(&w.etag()),
                json!({"url": url}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["code"], "target_not_allowed", "{url}");
    }
    let still = app
        .get(&format!("/api/v1/webhooks/{id}"), &center.admin)
        .await
        .expect(200);
    assert_eq!(still.body["url"], "https://dashboard.example.jp/hooks");
}

/// Targets registered while the operator allowed them (a development setup) and sent to
/// after the allow-list is gone: a name that now resolves to loopback is refused at the
/// connection (DNS rebinding looks the same), an address literal before it; the log says
/// only that the target is not allowed, with no status and no time.
async fn deliveries_to_addresses_inside_are_refused_and_logged_generically(db: Db) {
    let mut app = spawn_with(db, |cfg| {
        cfg.webhook_worker = false;
        cfg.webhook_allow_hosts = AllowHosts::parse("localhost,127.0.0.1").unwrap();
    })
    .await;
    let rx = receiver(0).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let by_name = rx.url.replace("127.0.0.1", "localhost");
    let (named, _) = subscribe(&app, &center.admin, &by_name, &["patient.created"]).await;
    let (literal, _) = subscribe(&app, &center.admin, &rx.url, &["patient.created"]).await;
    app.post("/api/v1/patients", &consultant, patient_json("山田"))
        .await
        .expect(201);
    app.restart(|cfg| {
        cfg.webhook_worker = true;
        cfg.webhook_allow_hosts = AllowHosts::default();
    })
    .await;
    for wid in [named, literal] {
        let mut log = Value::Null;
        for _ in 0..250 {
            log = app
                .get(&format!("/api/v1/webhooks/{wid}/deliveries"), &center.admin)
                .await
                .expect(200)
                .body;
            if log["items"][0]["attempts"] == 1 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let item = &log["items"][0];
        assert_eq!(item["attempts"], 1, "{log}");
        assert_eq!(item["state"], "pending");
        assert_eq!(item["last_status"], Value::Null);
        assert_eq!(item["last_error"], "the target address is not allowed");
        let attempt = &item["log"][0];
        assert_eq!(attempt["status"], Value::Null);
        assert_eq!(attempt["error"], "the target address is not allowed");
        assert_eq!(attempt["duration_ms"], 0);
    }
    assert!(
        rx.got.lock().unwrap().is_empty(),
        "nothing reached loopback"
    );
}

/// A mirror kept by `updated_since` while four writers create and edit patients at once:
/// at the end it holds every patient at its latest version, and no change arrived twice.
async fn sync_by_updated_since_misses_nothing_under_concurrent_writes(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&center, "sato", "consultant").await;
    let c = register(&app, &center.admin, &["patients:read"]).await;
    let reader = client_token(&app, &c, None).await;
    let done = std::cell::Cell::new(false);

    let writers = futures_util::future::join_all((0..4).map(|w| {
        let (app, consultant) = (&app, consultant.clone());
        async move {
            for i in 0..8 {
                let p = app
                    .post(
                        "/api/v1/patients",
                        &consultant,
                        patient_json(&format!("書{w}{i}")),
                    )
                    .await
                    .expect(201);
                if i % 2 == 0 {
                    app.patch(
                        &format!("/api/v1/patients/{}", p.id()),
                        &consultant,
                        Some(&p.etag()),
                        json!({"notes": "更新"}),
                    )
                    .await
                    .expect(200);
                }
            }
        }
    }));
    let sync = async {
        let mut mirror: std::collections::HashMap<String, String> = Default::default();
        let mut seen: std::collections::HashSet<(String, String)> = Default::default();
        let mut since = "2000-01-01T00:00:00Z".to_owned();
        loop {
            let finished = done.get();
            let mut cursor: Option<String> = None;
            loop {
                let mut url = format!("/api/v1/patients?limit=5&updated_since={since}");
                if let Some(c) = &cursor {
                    url.push_str(&format!("&cursor={}", urlencode(c)));
                }
                let page = app.get(&url, &reader).await.expect(200);
                let items = page.body["items"].as_array().unwrap().clone();
                let mut last_time: Option<String> = None;
                for it in &items {
                    let id = it["id"].as_str().unwrap().to_owned();
                    let at = it["updated_at"].as_str().unwrap().to_owned();
                    if let Some(prev) = &last_time {
                        assert!(prev.as_str() < at.as_str(), "oldest change first");
                    }
                    assert!(seen.insert((id.clone(), at.clone())), "a change came twice");
                    mirror.insert(id, at.clone());
                    last_time = Some(at.clone());
                    since = urlencode(&at);
                }
                cursor = page.body["next_cursor"].as_str().map(str::to_owned);
                if cursor.is_none() {
                    break;
                }
            }
            if finished {
                return mirror;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let (_, mirror) = futures_util::future::join(
        async {
            writers.await;
            done.set(true);
        },
        sync,
    )
    .await;
    // The truth, read in full.
    let mut truth = std::collections::HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = "/api/v1/patients?limit=200".to_owned();
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&url, &consultant).await.expect(200);
        for it in page.body["items"].as_array().unwrap() {
            truth.insert(
                it["id"].as_str().unwrap().to_owned(),
                it["updated_at"].as_str().unwrap().to_owned(),
            );
        }
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(truth.len(), 32);
    assert_eq!(mirror, truth);
}

/// An administration's own application: its officer registers it with the regional scopes
/// (never a scope that reaches a patient), and with a token it reads and records the
/// administration's regional work and its centers' figures — nothing of another
/// administration, no patient, and not what stays an officer's own act (publishing).
async fn an_administrations_client_does_regional_work_and_reaches_no_patient(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let elsewhere = app.center("tokyo").await;
    let pref = app.administration("340006", "prefecture", &[&center]).await;
    let tokyo = app
        .administration("130001", "prefecture", &[&elsewhere])
        .await;
    let (officer_id, officer) = app.officer(&pref, "hiroshima.pref").await;
    let (other_officer_id, other_officer) = app.officer(&tokyo, "tokyo.pref").await;
    let theirs = app
        .post(
            "/api/v1/regional-issues",
            &other_officer,
            json!({"title": "東京の課題", "category": "employment"}),
        )
        .await
        .expect(201)
        .id();

    // Who grants what: an administration the regional scopes and its centers' figures; a
    // center never the regional ones. Each sees only its own clients.
    for (token, scopes) in [
        (&officer, vec!["regional:read", "patients:read"]),
        (&officer, vec!["audit:read"]),
        (&center.admin, vec!["regional:read"]),
    ] {
        let r = app
            .post(
                "/api/v1/api-clients",
                token,
                json!({"name": "x", "scopes": scopes}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            r.body["errors"][0]["code"], "scope_not_grantable",
            "{scopes:?}"
        );
    }
    let client = register(&app, &officer, REGION_SCOPES).await;
    let record = app
        .get(&format!("/api/v1/api-clients/{}", client.id), &officer)
        .await
        .expect(200);
    assert_eq!(record.body["administration_id"], pref.as_str());
    assert_eq!(record.body["center_id"], Value::Null);
    assert_eq!(
        record.body["scopes"],
        json!(["reports:read", "regional:read", "regional:write"])
    );
    let centers_own = register(&app, &center.admin, &["reports:read"]).await;
    let listed = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        async move {
            app.get("/api/v1/api-clients", &token)
                .await
                .expect(200)
                .body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(&officer).await, vec![client.id.clone()]);
    assert_eq!(listed(&center.admin).await, vec![centers_own.id.clone()]);
    app.get(&format!("/api/v1/api-clients/{}", client.id), &center.admin)
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/api-clients/{}", centers_own.id), &officer)
        .await
        .problem(404, "not_found");
    app.get(
        &format!("/api/v1/api-clients/{}", client.id),
        &other_officer,
    )
    .await
    .problem(404, "not_found");

    // With its token it records and moves an issue, for an officer of its administration
    // it names (the application acts; a person answers for the record).
    let token = client_token(&app, &client, None).await;
    let (officer_id, officer_token) = (officer_id.clone(), officer.clone());
    let new_issue = |who: Option<&str>| {
        let mut b = json!({"title": "案内のみの紹介が多い", "category": "employment"});
        if let Some(w) = who {
            b["officer_id"] = json!(w);
        }
        b
    };
    let r = app
        .post("/api/v1/regional-issues", &token, new_issue(None))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), ["officer_id"]);
    for not_theirs in [&other_officer_id, &client.id] {
        let r = app
            .post(
                "/api/v1/regional-issues",
                &token,
                new_issue(Some(not_theirs)),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["code"], "not_found");
    }
    // A person records as themselves only.
    let r = app
        .post(
            "/api/v1/regional-issues",
            &officer_token,
            new_issue(Some(&other_officer_id)),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), ["officer_id"]);
    let issue = app
        .post(
            "/api/v1/regional-issues",
            &token,
            new_issue(Some(&officer_id)),
        )
        .await
        .expect(201);
    assert_eq!(issue.body["administration_id"], pref.as_str());
    assert_eq!(issue.body["created_by"], officer_id.as_str());
    let path = format!("/api/v1/regional-issues/{}", issue.id());
    let etag = app.get(&path, &token).await.expect(200).etag();
    let moved = app
        .request(
            Method::POST,
            &format!("{path}/stage-changes"),
            Some(&token),
            &[("content-type", "application/json"), ("if-match", &etag)],
            Some(
                json!({"to_stage": "planning", "reason": "協議会で検討", "officer_id": officer_id})
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await
        .expect(201);
    assert_eq!(moved.body["change"]["changed_by"], officer_id.as_str());
    assert_eq!(moved.body["change"]["changed_by_name"], "県庁 担当");
    assert_eq!(
        app.get(&path, &officer).await.expect(200).body["stage"],
        "planning"
    );
    let council = app
        .post(
            "/api/v1/councils",
            &token,
            json!({"name": "難病対策地域協議会", "kind": "intractable", "scope": "prefecture"}),
        )
        .await
        .expect(201);
    app.get(&format!("/api/v1/councils/{}", council.id()), &token)
        .await
        .expect(200);
    // Its centers' figures, never another administration's.
    app.get(
        &format!("/api/v1/reports/referral-levels?fiscal_year=2026&administration_id={pref}"),
        &token,
    )
    .await
    .expect(200);
    app.get(
        &format!("/api/v1/reports/referral-levels?fiscal_year=2026&administration_id={tokyo}"),
        &token,
    )
    .await
    .problem(404, "not_found");

    // Another administration's records do not exist for it.
    app.get(&format!("/api/v1/regional-issues/{theirs}"), &token)
        .await
        .problem(404, "not_found");
    let mine = app.get("/api/v1/regional-issues", &token).await.expect(200);
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);

    // No patient: no scope it can hold opens one, and an officer's own acts stay theirs.
    app.get("/api/v1/patients", &token)
        .await
        .problem(403, "insufficient_scope");
    app.post(
        &format!("/api/v1/administrations/{pref}/publications"),
        &token,
        json!({"fiscal_year": 2025}),
    )
    .await
    .problem(403, "client_not_allowed");
    app.post(
        "/api/v1/api-clients",
        &token,
        json!({"name": "x", "scopes": ["regional:read"]}),
    )
    .await
    .problem(403, "client_not_allowed");
    // A token narrowed to reading cannot write.
    let reader = client_token(&app, &client, Some("regional:read")).await;
    app.post(
        "/api/v1/regional-issues",
        &reader,
        json!({"title": "x", "category": "other"}),
    )
    .await
    .problem(403, "insufficient_scope");

    // The trail names the client, as an officer of no center.
    let by_client: Vec<_> = app
        .audit_events()
        .into_iter()
        .filter(|e| e.actor_kind == "client" && e.actor_id.as_deref() == Some(client.id.as_str()))
        .collect();
    assert!(
        by_client
            .iter()
            .any(|e| e.action == "regional_issue.create" && e.center_id.is_none()),
        "{:?}",
        by_client.iter().map(|e| &e.action).collect::<Vec<_>>()
    );
    assert!(
        by_client
            .iter()
            .all(|e| e.actor_role.as_deref() == Some("municipal_officer"))
    );

    // An administration taken out of service takes its clients' tokens with it.
    let a = format!("/api/v1/administrations/{pref}");
    let etag = app.get(&a, &app.admin_token).await.expect(200).etag();
    app.patch(&a, &app.admin_token, Some(&etag), json!({"active": false}))
        .await
        .expect(200);
    app.get("/api/v1/regional-issues", &token)
        .await
        .problem(401, "invalid_token");
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client.client_id,
        urlencode(&client.secret)
    );
    let refused = token_request(&app, &form, None).await;
    assert_eq!(refused.status.as_u16(), 401);
    assert_eq!(refused.body["error"], "invalid_client");
}

/// The idempotency layer answers a retry from what it kept, so it must know the client is
/// still live first: the scope layer lets a call through on its token alone.
async fn a_clients_retry_is_answered_only_while_the_client_is_live(db: Db) {
    let app = spawn(db).await;
    let center = app.center("hiroshima").await;
    let c = register(&app, &center.admin, &["patients:read", "patients:write"]).await;
    let t = client_token(&app, &c, None).await;
    let post = |key: &'static str| {
        let t = t.clone();
        let app = &app;
        async move {
            app.request(
                Method::POST,
                "/api/v1/patients",
                Some(&t),
                &[
                    ("content-type", "application/json"),
                    ("idempotency-key", key),
                ],
                Some(patient_json("広島").to_string().into_bytes()),
            )
            .await
        }
    };
    let first = post("client-retry-1").await.expect(201);
    let again = post("client-retry-1").await.expect(201);
    assert_eq!(again.id(), first.id());
    // Withdrawn: the write scope bites the retry too.
    let current = app
        .get(&format!("/api/v1/api-clients/{}", c.id), &center.admin)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/api-clients/{}", c.id),
        &center.admin,
        Some(&current.etag()),
        json!({"scopes": ["patients:read"]}),
    )
    .await
    .expect(200);
    post("client-retry-1")
        .await
        .problem(403, "insufficient_scope");
    app.post(
        &format!("/api/v1/api-clients/{}/revoke", c.id),
        &center.admin,
        json!({}),
    )
    .await
    .expect(200);
    post("client-retry-1").await.problem(401, "invalid_token");
    post("client-retry-2").await.problem(401, "invalid_token");
    // The refusals are in the trail.
    let refused = app
        .audit_events()
        .into_iter()
        .filter(|e| e.action == "api.scope_check" && e.actor_kind == "client")
        .count();
    assert_eq!(refused, 1);
}
