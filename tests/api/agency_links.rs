//! Closing the loop with the agency (issue 18): one-time links for a referral's agency,
//! the agency's page and answer without an account, and what the answer does to the
//! follow-up queue, the review and the audit trail — on both databases.

use crate::db_tests;
use crate::helpers::{Center, Db, Resp, STAFF_PASSWORD, TestApp, spawn, spawn_with};
use awc::http::Method;
use chrono::Duration;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};

struct Team {
    code: String,
    c: Center,
    consultant: String,
    consultant_id: String,
    supervisor: String,
    hello_work: String,
}

async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    let (consultant_id, consultant) = app.staff(&c, &format!("{code}.sato"), "consultant").await;
    let (_, supervisor) = app.staff(&c, &format!("{code}.suzuki"), "supervisor").await;
    let hello_work = app.agency(&c, "hello_work", "ハローワーク広島").await;
    Team {
        code: code.to_owned(),
        c,
        consultant,
        consultant_id,
        supervisor,
        hello_work,
    }
}

impl Team {
    async fn sign_in_again(&mut self, app: &TestApp) {
        let code = &self.code;
        self.consultant = app.login(&format!("{code}.sato"), STAFF_PASSWORD).await;
        self.supervisor = app.login(&format!("{code}.suzuki"), STAFF_PASSWORD).await;
    }
}

/// A patient with a consent, and a referral of theirs at `level` on `referred_on`;
/// returns (patient id, consent id, referral id).
async fn referral(
    app: &TestApp,
    t: &Team,
    level: &str,
    referred_on: &str,
    items: &[&str],
) -> (String, String, String) {
    let pid = app
        .post(
            "/api/v1/patients",
            &t.consultant,
            json!({"family_name": "山田", "given_name": "花子",
                   "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
                   "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
                   "employment_status": "job_seeking", "support_awareness": "aware_not_used",
                   "phone": "082-223-8609"}),
        )
        .await
        .expect(201)
        .id();
    let consent = app
        .post(
            &format!("/api/v1/patients/{pid}/consents"),
            &t.consultant,
            json!({"given_on": "2026-05-01", "scope": "employment_agencies"}),
        )
        .await
        .expect(201)
        .id();
    let mut body = json!({"patient_id": pid, "agency_id": t.hello_work, "purpose": "new_employment",
                          "level": level, "referred_on": referred_on});
    if !items.is_empty() {
        body["shared_items"] = json!(items);
    }
    let rid = app
        .post("/api/v1/referrals", &t.consultant, body)
        .await
        .expect(201)
        .id();
    (pid, consent, rid)
}

async fn make_link(app: &TestApp, token: &str, rid: &str, body: Value) -> Resp {
    app.post(
        &format!("/api/v1/referrals/{rid}/agency-links"),
        token,
        body,
    )
    .await
}

/// The token at the end of a link's URL.
fn token_of(made: &Resp) -> String {
    let url = made.body["url"].as_str().unwrap();
    url.rsplit_once("/agency/").unwrap().1.to_owned()
}

async fn page(app: &TestApp, token: &str) -> Resp {
    app.request(
        Method::GET,
        &format!("/api/v1/agency-links/{token}"),
        None,
        &[],
        None,
    )
    .await
}

async fn answer(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post_anon(&format!("/api/v1/agency-links/{token}"), body)
        .await
}

/// A validation problem's errors as `field:code`.
fn codes(r: &Resp) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect()
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

fn reasons(queue: &Value, referral: &str) -> Vec<String> {
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["referral_id"] == referral)
        .map(|i| {
            i["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A level-4 referral whose follow-up is overdue: the agency's "came" completes it, the
/// queue no longer shows it overdue, the supervisor's queue shows it awaiting review, and
/// the trail names the agency (the link) as the actor.
async fn the_agencys_answer_completes_the_overdue_follow_up(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    // Referred 5/10, due 5/24: overdue when the clock starts on 6/1.
    let (pid, _, rid) = referral(
        &app,
        &t,
        "accompanied_with_follow_up",
        "2026-05-10",
        &["name", "diagnosis"],
    )
    .await;
    let overdue = app
        .get("/api/v1/follow-ups?state=overdue", &t.consultant)
        .await
        .expect(200);
    assert_eq!(items(&overdue).len(), 1);
    let fu_id = items(&overdue)[0]["id"].as_str().unwrap().to_owned();
    let q = app
        .get("/api/v1/audit-queue", &t.supervisor)
        .await
        .expect(200);
    assert!(
        reasons(&q.body, &rid).contains(&"follow_up_overdue".to_owned()),
        "{}",
        q.body
    );

    let made = app
        .request(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/agency-links"),
            Some(&t.consultant),
            &[
                ("content-type", "application/json"),
                ("idempotency-key", "link-1"),
            ],
            Some(b"{}".to_vec()),
        )
        .await
        .expect(201);
    let link_id = made.id();
    let url = made.body["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let token = token_of(&made);
    assert_eq!(token.len(), 43);
    assert!(!url.contains("山田") && !url.contains(&pid) && !url.contains(&rid));
    assert!(made.body["qr_svg"].as_str().unwrap().contains("<svg"));
    assert_eq!(made.body["state"], "active");
    assert_eq!(made.body["email_sent"], Value::Null);
    let at =
        |k: &str| chrono::DateTime::parse_from_rfc3339(made.body[k].as_str().unwrap()).unwrap();
    assert_eq!(at("expires_at") - at("created_at"), Duration::days(14));
    // The token is shown once: a retry with the same key names the link without it.
    let again = app
        .request(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/agency-links"),
            Some(&t.consultant),
            &[
                ("content-type", "application/json"),
                ("idempotency-key", "link-1"),
            ],
            Some(b"{}".to_vec()),
        )
        .await
        .expect(201);
    assert_eq!(again.body["id"], link_id.as_str());
    assert!(again.body.get("url").is_none(), "{}", again.body);
    // The list never shows a token or URL.
    let listed = app
        .get(
            &format!("/api/v1/referrals/{rid}/agency-links"),
            &t.consultant,
        )
        .await
        .expect(200);
    assert_eq!(items(&listed).len(), 1);
    assert!(!listed.body.to_string().contains(&token));
    assert!(items(&listed)[0].get("url").is_none());

    // The agency's page: initials, the referral, and the items shared under the consent.
    let p = page(&app, &token).await.expect(200);
    assert_eq!(p.body["initials"], "ヤ・ハ");
    assert_eq!(p.body["referred_on"], "2026-05-10");
    assert_eq!(p.body["agency_name"], "ハローワーク広島");
    assert_eq!(p.body["level"], "accompanied_with_follow_up");
    assert_eq!(p.body["shared"]["name"], "山田 花子");
    assert_eq!(p.body["shared"]["name_kana"], "ヤマダ ハナコ");
    assert!(p.body["shared"]["diagnosis"].as_str().is_some());
    assert_eq!(p.body["shared"]["birth_date"], Value::Null);
    assert_eq!(p.body["shared"]["phone"], Value::Null);

    // Bad answers are refused without spending the link.
    let bad = answer(
        &app,
        &token,
        json!({"outcome": "maybe", "note": "x\u{202e}y"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        codes(&bad),
        ["outcome:invalid_choice", "note:invalid_characters"]
    );
    let ok = answer(
        &app,
        &token,
        json!({"outcome": "came", "note": "6月10日に来所、求職登録の予定"}),
    )
    .await
    .expect(200);
    assert_eq!(ok.body["outcome"], "came");

    // The scheduled follow-up is done, from the agency's side.
    let fus = app
        .get(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            &t.consultant,
        )
        .await
        .expect(200);
    assert_eq!(items(&fus).len(), 1);
    let f = &items(&fus)[0];
    assert_eq!(f["id"], fu_id.as_str());
    assert_eq!(f["state"], "done");
    assert_eq!(f["done_on"], "2026-06-01");
    assert_eq!(f["contacted"], "agency");
    assert_eq!(f["outcome"], "searching");
    assert_eq!(f["agency_outcome"], "came");
    assert_eq!(f["agency_link_id"], link_id.as_str());
    assert_eq!(f["recorded_by"], Value::Null);
    assert_eq!(f["notes"], "6月10日に来所、求職登録の予定");
    let overdue = app
        .get("/api/v1/follow-ups?state=overdue", &t.consultant)
        .await
        .expect(200);
    assert!(items(&overdue).is_empty(), "{}", overdue.body);
    let r = app
        .get(&format!("/api/v1/referrals/{rid}"), &t.consultant)
        .await
        .expect(200);
    assert_eq!(r.body["review_state"], "pending");
    let q = app
        .get("/api/v1/audit-queue", &t.supervisor)
        .await
        .expect(200);
    let why = reasons(&q.body, &rid);
    assert!(why.contains(&"awaiting_review".to_owned()), "{why:?}");
    assert!(!why.contains(&"follow_up_overdue".to_owned()), "{why:?}");
    // A level-4 referral closes once a follow-up is done: the agency's counts.
    let e = r.etag();
    app.patch(
        &format!("/api/v1/referrals/{rid}"),
        &t.consultant,
        Some(&e),
        json!({"status": "closed", "outcome": "searching"}),
    )
    .await
    .expect(200);

    // Single use: a second answer and the page again are gone (the referral is closed too,
    // which alone would end the link).
    answer(&app, &token, json!({"outcome": "employed"}))
        .await
        .problem(410, "link_gone");
    page(&app, &token).await.problem(410, "link_gone");
    let listed = app
        .get(
            &format!("/api/v1/referrals/{rid}/agency-links"),
            &t.consultant,
        )
        .await
        .expect(200);
    let l = &items(&listed)[0];
    assert_eq!(l["state"], "used");
    assert_eq!(l["outcome"], "came");
    assert_eq!(l["follow_up_id"], fu_id.as_str());

    // The trail: the page and the answer by the agency, the link's id as the actor.
    let events = app.audit_events();
    let by_agency: Vec<(&str, &str, Option<&str>)> = events
        .iter()
        .filter(|e| e.actor_kind == "agency")
        .map(|e| (e.action.as_str(), e.outcome.as_str(), e.actor_id.as_deref()))
        .collect();
    let lid = Some(link_id.as_str());
    assert_eq!(
        by_agency,
        [
            ("agency_link.view", "success", lid),
            ("referral.agency_confirm", "success", lid),
            ("follow_up.record", "success", lid),
            ("referral.agency_confirm", "failed", lid),
            ("agency_link.view", "failed", lid),
        ]
    );
    let confirm = events
        .iter()
        .find(|e| e.action == "referral.agency_confirm")
        .unwrap();
    assert_eq!(confirm.resource_id.as_deref(), Some(rid.as_str()));
    assert_eq!(confirm.patient_id.as_deref(), Some(pid.as_str()));
    assert_eq!(confirm.center_id.as_deref(), Some(t.c.id.as_str()));
    // Nothing the agency sent or saw is in the trail.
    assert!(
        events
            .iter()
            .all(|e| !e.detail.as_deref().unwrap_or("").contains("来所"))
    );
}

/// Links are for level 2 and up, made by the center's own staff, in person.
async fn links_need_phone_mediation_and_the_centers_own_referral(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let other = team(&app, "c2").await;
    let (_, _, low) = referral(&app, &t, "information_only", "2026-05-20", &[]).await;
    make_link(&app, &t.consultant, &low, json!({}))
        .await
        .problem(422, "level_too_low");
    let (_, _, rid) = referral(&app, &t, "phone_mediation", "2026-05-20", &["name"]).await;
    // Another center's staff: as if there were no such referral.
    make_link(&app, &other.consultant, &rid, json!({}))
        .await
        .problem(404, "not_found");
    app.get(
        &format!("/api/v1/referrals/{rid}/agency-links"),
        &other.consultant,
    )
    .await
    .problem(404, "not_found");
    // An administrator sees no cases.
    make_link(&app, &t.c.admin, &rid, json!({}))
        .await
        .problem(403, "insufficient_role");
    let bad = make_link(
        &app,
        &t.consultant,
        &rid,
        json!({"expires_in_days": 61, "email": "not an address"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        codes(&bad),
        ["expires_in_days:out_of_range", "email:invalid_email"]
    );
    make_link(
        &app,
        &t.consultant,
        &rid,
        json!({"email": "tanto@hellowork.example.jp"}),
    )
    .await
    .problem(422, "email_not_configured");
    let made = make_link(&app, &t.supervisor, &rid, json!({"expires_in_days": 60}))
        .await
        .expect(201);
    let link = made.id();
    // Revoking is the center's too.
    app.post(
        &format!("/api/v1/referrals/{rid}/agency-links/{link}/revoke"),
        &other.consultant,
        json!({}),
    )
    .await
    .problem(404, "not_found");
    // The agency page of a link is not a staff route of any center.
    page(&app, &token_of(&made)).await.expect(200);
}

/// Expired, revoked, altered and unknown links: a plain answer that tells nothing.
async fn expired_revoked_altered_and_unknown_links(db: Db) {
    let app = spawn(db).await;
    let mut t = team(&app, "c1").await;
    let (_, _, rid) = referral(&app, &t, "accompanied", "2026-05-20", &["name"]).await;
    let short = make_link(&app, &t.consultant, &rid, json!({"expires_in_days": 1}))
        .await
        .expect(201);
    let revoked = make_link(&app, &t.consultant, &rid, json!({}))
        .await
        .expect(201);
    let token = token_of(&short);

    // One character changed: the same answer as a token that never existed.
    let mut altered: Vec<char> = token.chars().collect();
    altered[10] = if altered[10] == 'A' { 'B' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    let a = page(&app, &altered).await.problem(404, "not_found");
    let unknown = page(&app, &"x".repeat(43)).await.problem(404, "not_found");
    let malformed = page(&app, "short").await.problem(404, "not_found");
    assert_eq!(a.body["title"], unknown.body["title"]);
    assert_eq!(a.body["detail"], unknown.body["detail"]);
    assert_eq!(a.body["detail"], malformed.body["detail"]);
    answer(&app, &altered, json!({"outcome": "came"}))
        .await
        .problem(404, "not_found");

    // Revoked: gone at once; revoking again changes nothing.
    let rv = revoked.id();
    let path = format!("/api/v1/referrals/{rid}/agency-links/{rv}/revoke");
    let r1 = app.post(&path, &t.consultant, json!({})).await.expect(200);
    assert_eq!(r1.body["state"], "revoked");
    let r2 = app.post(&path, &t.consultant, json!({})).await.expect(200);
    assert_eq!(r1.body["revoked_at"], r2.body["revoked_at"]);
    page(&app, &token_of(&revoked))
        .await
        .problem(410, "link_gone");
    answer(&app, &token_of(&revoked), json!({"outcome": "came"}))
        .await
        .problem(410, "link_gone");

    // Expired a day later.
    page(&app, &token).await.expect(200);
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    t.sign_in_again(&app).await;
    page(&app, &token).await.problem(410, "link_gone");
    answer(&app, &token, json!({"outcome": "came"}))
        .await
        .problem(410, "link_gone");
    let listed = app
        .get(
            &format!("/api/v1/referrals/{rid}/agency-links"),
            &t.consultant,
        )
        .await
        .expect(200);
    let states: Vec<&str> = items(&listed)
        .iter()
        .map(|l| l["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["revoked", "expired"]);
    // Nothing was recorded by the gone links.
    let fus = app
        .get(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            &t.consultant,
        )
        .await
        .expect(200);
    assert!(items(&fus).is_empty());

    // A used link cannot be revoked.
    let fresh = make_link(&app, &t.consultant, &rid, json!({}))
        .await
        .expect(201);
    answer(
        &app,
        &token_of(&fresh),
        json!({"outcome": "registered_job_seeker"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/referrals/{rid}/agency-links/{}/revoke", fresh.id()),
        &t.consultant,
        json!({}),
    )
    .await
    .problem(422, "agency_link_used");
}

/// "Did not come" informs but does not do the follow-up's work; at level 2 (no scheduled
/// follow-up) an answer is recorded as a done one. What the page shows follows the consent.
async fn answers_at_each_level_and_the_consent_decides_the_page(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let (_, _, rid) = referral(
        &app,
        &t,
        "accompanied_with_follow_up",
        "2026-05-10",
        &["name"],
    )
    .await;
    let made = make_link(&app, &t.consultant, &rid, json!({}))
        .await
        .expect(201);
    answer(&app, &token_of(&made), json!({"outcome": "did_not_come"}))
        .await
        .expect(200);
    let fus = app
        .get(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            &t.consultant,
        )
        .await
        .expect(200);
    let states: Vec<(&str, &Value)> = items(&fus)
        .iter()
        .map(|f| (f["state"].as_str().unwrap(), &f["agency_outcome"]))
        .collect();
    assert_eq!(
        states,
        [("overdue", &Value::Null), ("done", &json!("did_not_come"))]
    );
    let overdue = app
        .get("/api/v1/follow-ups?state=overdue", &t.consultant)
        .await
        .expect(200);
    assert_eq!(items(&overdue).len(), 1);

    // Level 2, name and birth date handed over under a consent in force.
    let (_, consent, r2) = referral(
        &app,
        &t,
        "phone_mediation",
        "2026-05-20",
        &["name", "birth_date"],
    )
    .await;
    let made = make_link(&app, &t.consultant, &r2, json!({}))
        .await
        .expect(201);
    let token = token_of(&made);
    let p = page(&app, &token).await.expect(200);
    assert_eq!(p.body["shared"]["name"], "山田 花子");
    assert_eq!(p.body["shared"]["birth_date"], "1985-04-12");
    // The consent withdrawn: initials and the date only.
    let e = app
        .get(&format!("/api/v1/consents/{consent}"), &t.consultant)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/consents/{consent}"),
        &t.consultant,
        Some(&e),
        json!({"withdrawn_on": "2026-06-01"}),
    )
    .await
    .expect(200);
    let p = page(&app, &token).await.expect(200);
    assert_eq!(p.body["initials"], "ヤ・ハ");
    assert_eq!(p.body["referred_on"], "2026-05-20");
    assert!(
        p.body["shared"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_null),
        "{}",
        p.body
    );
    answer(&app, &token, json!({"outcome": "employed"}))
        .await
        .expect(200);
    let fus = app
        .get(&format!("/api/v1/referrals/{r2}/follow-ups"), &t.consultant)
        .await
        .expect(200);
    assert_eq!(items(&fus).len(), 1);
    let f = &items(&fus)[0];
    assert_eq!(
        (&f["state"], &f["outcome"], &f["assignee_id"]),
        (&json!("done"), &json!("employed"), &json!(t.consultant_id))
    );
    let r = app
        .get(&format!("/api/v1/referrals/{r2}"), &t.consultant)
        .await
        .expect(200);
    assert_eq!(r.body["review_state"], "pending");
}

/// Per link and per address, before the database.
async fn agency_links_are_rate_limited_per_link_and_per_address(db: Db) {
    let app = spawn_with(db, |c| {
        c.rate_limits.agency_link_per_minute = 3;
        c.rate_limits.agency_ip_per_minute = 5;
    })
    .await;
    let t = team(&app, "c1").await;
    let (_, _, rid) = referral(&app, &t, "phone_mediation", "2026-05-20", &["name"]).await;
    let token = token_of(
        &make_link(&app, &t.consultant, &rid, json!({}))
            .await
            .expect(201),
    );
    for _ in 0..3 {
        page(&app, &token).await.expect(200);
    }
    let limited = page(&app, &token).await.problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    assert!(
        limited
            .header("ratelimit-policy")
            .unwrap()
            .contains("agency_link")
    );
    // The address has one request left, whatever the token.
    page(&app, &"y".repeat(43)).await.problem(404, "not_found");
    page(&app, &"z".repeat(43))
        .await
        .problem(429, "rate_limited");
    // A minute later both buckets are full again.
    app.clock.advance(Duration::minutes(1));
    page(&app, &token).await.expect(200);
}

/// A fake relay on loopback: answers the SMTP dialogue once and hands back what it got.
fn fake_relay() -> (u16, std::sync::mpsc::Receiver<String>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut w = s.try_clone().unwrap();
        let mut r = BufReader::new(s);
        let mut got = String::new();
        w.write_all(b"220 fake ESMTP\r\n").unwrap();
        let mut in_data = false;
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            got.push_str(&line);
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    w.write_all(b"250 queued\r\n").unwrap();
                }
            } else {
                let cmd = line.to_ascii_uppercase();
                if cmd.starts_with("DATA") {
                    in_data = true;
                    w.write_all(b"354 go on\r\n").unwrap();
                } else if cmd.starts_with("QUIT") {
                    w.write_all(b"221 bye\r\n").unwrap();
                    break;
                } else {
                    w.write_all(b"250 ok\r\n").unwrap();
                }
            }
            line.clear();
        }
        tx.send(got).unwrap();
    });
    (port, rx)
}

/// With a relay configured, the link goes by e-mail: to the address given, with the URL
/// under the public base and nothing about the patient.
async fn links_are_emailed_through_the_relay(db: Db) {
    let (port, got) = fake_relay();
    let app = spawn_with(db, move |c| {
        c.public_url = Some("https://tsunagu.example.jp".into());
        c.smtp = Some(
            tsunagu_server::mail::SmtpConfig::parse(
                &format!("smtp://127.0.0.1:{port}?tls=none"),
                Some("center@example.jp"),
                tsunagu_domain::integrations::targets::AllowHosts::parse("127.0.0.1").unwrap(),
            )
            .unwrap(),
        );
    })
    .await;
    let t = team(&app, "c1").await;
    let (_, _, rid) = referral(&app, &t, "phone_mediation", "2026-05-20", &["name"]).await;
    let made = make_link(
        &app,
        &t.consultant,
        &rid,
        json!({"email": "tanto@hellowork.example.jp"}),
    )
    .await
    .expect(201);
    assert_eq!(made.body["email_sent"], true);
    assert_eq!(made.body["emailed"], true);
    let url = made.body["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("https://tsunagu.example.jp/agency/"),
        "{url}"
    );
    let mail = got
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    assert!(
        mail.contains("RCPT TO:<tanto@hellowork.example.jp>"),
        "{mail}"
    );
    // The body of a Japanese mail goes as base64: read it back.
    let (head, body) = mail.split_once("\r\n\r\n").unwrap();
    let body = body.trim_end_matches("\r\n.\r\nQUIT\r\n");
    let text = if head.contains("Content-Transfer-Encoding: base64") {
        use base64::Engine as _;
        let joined: String = body.split("\r\n").filter(|l| *l != ".").collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined.trim())
                .unwrap(),
        )
        .unwrap()
    } else {
        body.replace("=\r\n", "")
    };
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("ハローワーク広島 ご担当者様"), "{text}");
    assert!(!text.contains("山田") && !text.contains("ヤマダ"), "{text}");
}

db_tests!(
    the_agencys_answer_completes_the_overdue_follow_up,
    links_need_phone_mediation_and_the_centers_own_referral,
    expired_revoked_altered_and_unknown_links,
    answers_at_each_level_and_the_consent_decides_the_page,
    agency_links_are_rate_limited_per_link_and_per_address,
    links_are_emailed_through_the_relay,
);
