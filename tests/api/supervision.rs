//! Supervision: the audit queue and its reasons, escalation on the test clock, reviews with
//! four eyes and return-and-resubmit, notifications, the summary, and the audit trail API
//! with its hash-chain verification against tampering made with raw SQL.

use crate::db_tests;
use crate::helpers::{Center, Db, STAFF_PASSWORD, TestApp, spawn};
use chrono::Duration;
use diesel::RunQueryDsl;
use serde_json::{Value, json};

struct Team {
    c: Center,
    sato: String,
    sato_id: String,
    ito: String,
    sup: String,
    sup_id: String,
    hw: String,
    patient: String,
}

async fn team(app: &TestApp) -> Team {
    let c = app.center("c1").await;
    let (sato_id, sato) = app.staff(&c, "sato", "consultant").await;
    let (_, ito) = app.staff(&c, "ito", "consultant").await;
    let (sup_id, sup) = app.staff(&c, "suzuki", "supervisor").await;
    let hw = app.agency(&c, "hello_work", "ハローワーク").await;
    let patient = app
        .post("/api/v1/patients", &sato, json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo", "employment_status": "job_seeking", "support_awareness": "unaware"}))
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/patients/{patient}/consents"),
        &sato,
        json!({"given_on": "2026-01-01", "scope": "all_agencies"}),
    )
    .await
    .expect(201);
    Team {
        c,
        sato,
        sato_id,
        ito,
        sup,
        sup_id,
        hw,
        patient,
    }
}

impl Team {
    async fn refer(&self, app: &TestApp, token: &str, level: &str, on: &str) -> String {
        let mut b = json!({"patient_id": self.patient, "agency_id": self.hw, "purpose": "new_employment", "level": level, "referred_on": on});
        if level != "information_only" {
            b["shared_items"] = json!(["name"]);
        }
        app.post("/api/v1/referrals", token, b)
            .await
            .expect(201)
            .id()
    }

    async fn sign_in_again(&mut self, app: &TestApp) {
        self.sato = app.login("sato", STAFF_PASSWORD).await;
        self.ito = app.login("ito", STAFF_PASSWORD).await;
        self.sup = app.login("suzuki", STAFF_PASSWORD).await;
        self.c.admin = app.login("c1.admin", STAFF_PASSWORD).await;
    }
}

async fn first_follow_up(app: &TestApp, t: &str, referral: &str) -> (String, String) {
    let l = app
        .get(&format!("/api/v1/referrals/{referral}/follow-ups"), t)
        .await
        .expect(200);
    let id = l.body["items"][0]["id"].as_str().unwrap().to_owned();
    let e = app
        .get(&format!("/api/v1/follow-ups/{id}"), t)
        .await
        .expect(200)
        .etag();
    (id, e)
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

async fn the_queue_shows_what_needs_an_eye_and_why(db: Db) {
    let app = spawn(db).await;
    let mut k = team(&app).await;
    // Level 4 from 5 May: its follow-up was due 19 May, overdue 13 days on 1 June: escalated.
    let late = k
        .refer(&app, &k.sato, "accompanied_with_follow_up", "2026-05-05")
        .await;
    // Its first follow-up is scheduled no earlier than today; this one was due on 19 May.
    app.post(
        &format!("/api/v1/referrals/{late}/follow-ups"),
        &k.sato,
        json!({"due_on": "2026-05-19"}),
    )
    .await
    .expect(201);
    // Level 4 from today: due 15 June.
    let fresh = k
        .refer(&app, &k.sato, "accompanied_with_follow_up", "2026-06-01")
        .await;
    // Level 4 whose follow-up is done with nothing scheduled after: missing, and in review.
    let done = k
        .refer(&app, &k.sato, "accompanied_with_follow_up", "2026-06-01")
        .await;
    let (fid, fe) = first_follow_up(&app, &k.sato, &done).await;
    app.patch(&format!("/api/v1/follow-ups/{fid}"), &k.sato, Some(&fe), json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient", "outcome": "searching"}))
        .await
        .expect(200);
    let low = k
        .refer(&app, &k.sato, "information_only", "2026-06-01")
        .await;

    app.get("/api/v1/audit-queue", &k.sato)
        .await
        .problem(403, "insufficient_role");
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert_eq!(
        reasons(&q.body, &late),
        vec!["follow_up_escalated", "follow_up_overdue"]
    );
    assert!(reasons(&q.body, &fresh).is_empty(), "{}", q.body);
    assert_eq!(
        reasons(&q.body, &done),
        vec!["follow_up_missing", "awaiting_review"]
    );
    assert_eq!(
        q.body["items"][0]["referral_id"],
        late.as_str(),
        "most urgent first"
    );
    assert_eq!(q.body["items"][0]["days_overdue"], 13);
    assert_eq!(q.body["items"][0]["patient_name"], "山田 花子");
    // The quality sample follows the center's rate.
    let path = format!("/api/v1/centers/{}", k.c.id);
    let e = app.get(&path, &k.c.admin).await.expect(200).etag();
    let e = app
        .patch(&path, &k.c.admin, Some(&e), json!({"sample_percent": 100}))
        .await
        .expect(200)
        .etag();
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert_eq!(reasons(&q.body, &low), vec!["sample"]);
    app.patch(
        &path,
        &k.c.admin,
        Some(&e),
        json!({"sample_percent": 0, "escalation_days": 30}),
    )
    .await
    .expect(200);
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert!(reasons(&q.body, &low).is_empty());
    assert_eq!(
        reasons(&q.body, &late),
        vec!["follow_up_overdue"],
        "13 days is not past 30"
    );

    // On the test clock: 20 days on, the fresh one is overdue 6 days; 12 days on, escalated.
    app.clock.advance(Duration::days(20));
    k.sign_in_again(&app).await;
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert_eq!(reasons(&q.body, &fresh), vec!["follow_up_overdue"]);
    let e = app.get(&path, &k.c.admin).await.expect(200).etag();
    app.patch(&path, &k.c.admin, Some(&e), json!({"escalation_days": 5}))
        .await
        .expect(200);
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert_eq!(
        reasons(&q.body, &fresh),
        vec!["follow_up_escalated", "follow_up_overdue"]
    );
    // Escalations notify the consultant responsible and the supervisor, nobody else.
    let n = app.get("/api/v1/notifications", &k.sato).await.expect(200);
    let kinds: Vec<&str> = n.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["follow_up_escalated"; 3]);
    assert_eq!(n.body["items"][2]["days_overdue"], 6);
    assert_eq!(
        app.get("/api/v1/notifications", &k.sup)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(
        app.get("/api/v1/notifications", &k.ito)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let _ = &k.sup_id;
}

async fn reviews_keep_four_eyes_and_return_work_for_correction(db: Db) {
    let app = spawn(db).await;
    let k = team(&app).await;
    let r = k
        .refer(&app, &k.sato, "accompanied_with_follow_up", "2026-06-01")
        .await;
    let (fid, fe) = first_follow_up(&app, &k.sato, &r).await;
    app.patch(&format!("/api/v1/follow-ups/{fid}"), &k.sato, Some(&fe), json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient", "outcome": "searching", "next_due_on": "2026-07-01"}))
        .await
        .expect(200);
    let rv = format!("/api/v1/referrals/{r}/reviews");
    app.post(&rv, &k.sato, json!({"decision": "approved"}))
        .await
        .problem(403, "insufficient_role");
    let e = app
        .post(&rv, &k.sup, json!({"decision": "returned"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(e.fields(), vec!["comment"]);
    app.post(&rv, &k.sup, json!({"decision": "maybe"}))
        .await
        .problem(422, "validation_failed");
    let back = app
        .post(
            &rv,
            &k.sup,
            json!({"decision": "returned", "comment": "就職活動の状況を記録してください"}),
        )
        .await
        .expect(201);
    assert_eq!(back.body["decision"], "returned");
    let got = app
        .get(&format!("/api/v1/referrals/{r}"), &k.sato)
        .await
        .expect(200);
    assert_eq!(got.body["review_state"], "returned");
    // The consultant sees it with the comment, corrects it, and it is back in review.
    let n = app.get("/api/v1/notifications", &k.sato).await.expect(200);
    assert_eq!(n.body["items"][0]["kind"], "review_returned");
    assert_eq!(
        n.body["items"][0]["review"]["comment"],
        "就職活動の状況を記録してください"
    );
    let fixed = app
        .patch(
            &format!("/api/v1/referrals/{r}"),
            &k.sato,
            Some(&got.etag()),
            json!({"notes": "面接2件予定"}),
        )
        .await
        .expect(200);
    assert_eq!(fixed.body["review_state"], "pending");
    let q = app.get("/api/v1/audit-queue", &k.sup).await.expect(200);
    assert_eq!(reasons(&q.body, &r), vec!["awaiting_review"]);
    app.post(&rv, &k.sup, json!({"decision": "approved"}))
        .await
        .expect(201);
    let h = app.get(&rv, &k.sato).await.expect(200);
    let decisions: Vec<&str> = h.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        decisions,
        vec!["returned", "approved"],
        "reviews are kept as history"
    );
    assert!(
        reasons(
            &app.get("/api/v1/audit-queue", &k.sup)
                .await
                .expect(200)
                .body,
            &r
        )
        .is_empty()
    );

    // Four eyes: not on a referral the supervisor made, nor one they followed up.
    let own = k
        .refer(&app, &k.sup, "information_only", "2026-06-01")
        .await;
    app.post(
        &format!("/api/v1/referrals/{own}/reviews"),
        &k.sup,
        json!({"decision": "approved"}),
    )
    .await
    .problem(403, "four_eyes");
    let other = k
        .refer(&app, &k.ito, "accompanied_with_follow_up", "2026-06-01")
        .await;
    let (fid, fe) = first_follow_up(&app, &k.sup, &other).await;
    app.patch(&format!("/api/v1/follow-ups/{fid}"), &k.sup, Some(&fe), json!({"done_on": "2026-06-01", "method": "visit", "contacted": "employer", "outcome": "employed"}))
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/referrals/{other}/reviews"),
        &k.sup,
        json!({"decision": "approved"}),
    )
    .await
    .problem(403, "four_eyes");
    // Another center's referral is not found.
    let b = app.center("c2").await;
    let (_, bsup) = app.staff(&b, "b.sup", "supervisor").await;
    app.post(&rv, &bsup, json!({"decision": "approved"}))
        .await
        .problem(404, "not_found");
    assert!(
        app.audit_actions()
            .iter()
            .any(|(a, o)| a == "review.create" && o == "denied")
    );

    // The summary for the year, per consultant and per agency type.
    let s = app
        .get("/api/v1/supervision/summary?fiscal_year=2026", &k.sup)
        .await
        .expect(200);
    let sato = s.body["by_consultant"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["consultant_id"] == k.sato_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(sato["referrals_by_level"]["accompanied_with_follow_up"], 1);
    assert_eq!(sato["returned_reviews"], 1);
    assert_eq!(sato["follow_ups_due"], 2, "{sato}");
    assert_eq!(sato["done_on_time"], 1);
    assert_eq!(sato["on_time_rate"], 0.5);
    assert_eq!(sato["median_days_to_first_follow_up"], 0.0);
    let hw = s.body["by_agency_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["agency_type"] == "hello_work")
        .unwrap()
        .clone();
    assert_eq!(hw["referrals_by_level"]["accompanied_with_follow_up"], 2);
    assert_eq!(hw["referrals_by_level"]["information_only"], 1);
    app.get("/api/v1/supervision/summary?fiscal_year=2026", &k.sato)
        .await
        .problem(403, "insufficient_role");
}

async fn the_audit_trail_answers_who_did_and_saw_what(db: Db) {
    let app = spawn(db).await;
    let k = team(&app).await;
    app.get(&format!("/api/v1/patients/{}", k.patient), &k.ito)
        .await
        .expect(200);
    let b = app.center("c2").await;
    let (_, bsup) = app.staff(&b, "b.sup", "supervisor").await;

    app.get("/api/v1/audit-events", &k.sato)
        .await
        .problem(403, "insufficient_role");
    let viewers = app
        .get(
            &format!(
                "/api/v1/audit-events?patient_id={}&action=patient.read",
                k.patient
            ),
            &k.sup,
        )
        .await
        .expect(200);
    let items = viewers.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", viewers.body);
    assert_eq!(items[0]["actor_role"], "consultant");
    assert_eq!(items[0]["outcome"], "success");
    // Another center's supervisor sees none of it.
    let none = app
        .get(
            &format!("/api/v1/audit-events?patient_id={}", k.patient),
            &bsup,
        )
        .await
        .expect(200);
    assert!(none.body["items"].as_array().unwrap().is_empty());
    // Newest first, paged by sequence; prefixes filter families of actions.
    let p1 = app
        .get("/api/v1/audit-events?limit=1&action=patient.", &k.sup)
        .await
        .expect(200);
    let seqs: Vec<i64> = p1.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 1);
    let cursor = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(
            &format!("/api/v1/audit-events?limit=1&action=patient.&cursor={cursor}"),
            &k.sup,
        )
        .await
        .expect(200);
    assert!(p2.body["items"][0]["seq"].as_i64().unwrap() < seqs[0]);
    for bad in [
        "cursor=abc",
        "limit=0",
        "action=DROP%20TABLE",
        "from=yesterday",
    ] {
        app.get(&format!("/api/v1/audit-events?{bad}"), &k.sup)
            .await
            .problem(422, "validation_failed");
    }
    let csv = app
        .request(
            awc::http::Method::GET,
            "/api/v1/audit-events?action=patient.create",
            Some(&k.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    assert_eq!(&csv.raw[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8_lossy(&csv.raw);
    assert!(text.contains("seq,id,occurred_at,actor_kind"));
    assert!(text.contains("patient.create"));
    // Reading the trail is itself in the trail.
    let events = app.audit_events();
    assert!(
        events.iter().any(
            |e| e.action == "audit.list" && e.patient_id.as_deref() == Some(k.patient.as_str())
        )
    );
    assert!(events.iter().any(|e| e.action == "audit.export"));
    // The system administrator sees every center's.
    let all = app
        .get("/api/v1/audit-events?limit=200", &app.admin_token)
        .await
        .expect(200);
    assert!(
        all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["center_id"] == b.id.as_str())
    );

    let v = app
        .get("/api/v1/audit-events/verify", &k.sup)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], true);
    assert!(v.body["first_broken"].is_null());
    assert!(v.body["checked"].as_i64().unwrap() > 10);
}

/// Tampering made with raw SQL (after lifting the append-only triggers, as only someone
/// with the database's keys could) is found and named.
async fn verification_finds_a_changed_a_deleted_and_an_inserted_row(db: Db) {
    for (case, want) in [
        ("change", "content_changed"),
        ("delete", "sequence_gap"),
        ("insert", "previous_hash_mismatch"),
    ] {
        let app = spawn(db).await;
        let k = team(&app).await;
        assert!(
            app.services
                .flush_access_log(std::time::Duration::from_secs(5))
        );
        let mut c = app.db.raw();
        let lift = match db {
            Db::Sqlite => {
                "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
            }
            Db::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER USER;",
        };
        diesel::connection::SimpleConnection::batch_execute(&mut c, lift).unwrap();
        // In the center's own chain, which its supervisor verifies.
        let chain = &k.c.id;
        let next_seq = match db {
            Db::Sqlite => "(SELECT MAX(seq) + 1 FROM audit_events)",
            Db::Postgres => "nextval('audit_events_seq_seq')",
        };
        let sql = match case {
            "change" => format!(
                "UPDATE audit_events SET detail = 'role=supervisor' WHERE chain = '{chain}' AND chain_seq = 3"
            ),
            "delete" => {
                format!("DELETE FROM audit_events WHERE chain = '{chain}' AND chain_seq = 3")
            }
            _ => format!(
                "INSERT INTO audit_events (seq, chain, chain_seq, id, occurred_at, actor_kind, action, resource_type, outcome, request_id, prev_hash, hash) \
                  SELECT {next_seq}, chain, chain_seq + 1, 'forged', occurred_at, 'system', 'patient.delete', 'patient', 'success', 'x', 'forged', 'forged' FROM audit_events \
                  WHERE chain = '{chain}' AND chain_seq = (SELECT MAX(chain_seq) FROM audit_events WHERE chain = '{chain}')"
            ),
        };
        diesel::sql_query(sql).execute(&mut c).unwrap();
        let v = app
            .get("/api/v1/audit-events/verify", &k.sup)
            .await
            .expect(200);
        assert_eq!(v.body["valid"], false, "{case}");
        assert_eq!(v.body["first_broken"]["reason"], want, "{case}: {}", v.body);
        assert_eq!(v.body["first_broken"]["chain"], k.c.id.as_str());
        if case != "insert" {
            assert_eq!(
                v.body["first_broken"]["seq"],
                if case == "change" { 3 } else { 4 }
            );
        }
    }
}

/// A name typed into the patient search is patient data: the center's supervisor reads it
/// in the trail, the center administrator and the system administrator (who do not see
/// patients) read the event with the query redacted, in JSON and in CSV alike.
async fn typed_patient_searches_are_hidden_from_administrators(db: Db) {
    let app = spawn(db).await;
    let k = team(&app).await;
    app.get("/api/v1/patients?q=%E5%B1%B1%E7%94%B0%E8%8A%B1", &k.sato)
        .await
        .expect(200);
    // Access events are written in the background.
    assert!(
        app.services
            .flush_access_log(std::time::Duration::from_secs(10))
    );
    let path = "/api/v1/audit-events?action=patient.search";
    let detail =
        |r: &crate::helpers::Resp| r.body["items"][0]["detail"].as_str().unwrap().to_owned();
    let sup = app.get(path, &k.sup).await.expect(200);
    assert_eq!(detail(&sup), "q=山田花; count=1");
    for token in [&k.c.admin, &app.admin_token] {
        let r = app.get(path, token).await.expect(200);
        assert_eq!(detail(&r), "q=[redacted]; count=1");
        assert!(!String::from_utf8_lossy(&r.raw).contains("山田"));
        let csv = app
            .request(
                awc::http::Method::GET,
                path,
                Some(token),
                &[("accept", "text/csv")],
                None,
            )
            .await
            .expect(200);
        let text = String::from_utf8_lossy(&csv.raw);
        assert!(text.contains("q=[redacted]"), "{text}");
        assert!(!text.contains("山田"), "{text}");
    }
}

/// Issue 13 (12): the queue is paged by the database. Walking it one item a page gives the
/// whole queue in the rules' order (most urgent reason, longest overdue, oldest referral),
/// with no item twice, and every page counts the whole queue.
async fn the_queue_pages_in_its_order_and_counts_the_whole_queue(db: Db) {
    let app = spawn(db).await;
    let k = team(&app).await;
    let path = format!("/api/v1/centers/{}", k.c.id);
    let e = app.get(&path, &k.c.admin).await.expect(200).etag();
    app.patch(
        &path,
        &k.c.admin,
        Some(&e),
        json!({"sample_percent": 100, "escalation_days": 10}),
    )
    .await
    .expect(200);
    // Level-4 referrals whose follow-ups are due on different days (overdue 40, 20, 5 days
    // and not yet), two of them on the same day so the referral date decides; and
    // lower-level ones for the sample.
    for (on, due) in [
        ("2026-04-01", "2026-04-22"),
        ("2026-04-10", "2026-05-12"),
        ("2026-04-05", "2026-05-12"),
        ("2026-05-01", "2026-05-27"),
        ("2026-05-20", "2026-06-20"),
    ] {
        let r = k
            .refer(&app, &k.sato, "accompanied_with_follow_up", on)
            .await;
        let (fid, fe) = first_follow_up(&app, &k.sato, &r).await;
        app.patch(
            &format!("/api/v1/follow-ups/{fid}"),
            &k.sato,
            Some(&fe),
            json!({"due_on": due}),
        )
        .await
        .expect(200);
    }
    for on in ["2026-05-02", "2026-04-20", "2026-05-30"] {
        k.refer(&app, &k.ito, "information_only", on).await;
    }

    let all = app
        .get("/api/v1/audit-queue?limit=200", &k.sup)
        .await
        .expect(200);
    let items = all.body["items"].as_array().unwrap().clone();
    // The level-4 referral not yet due has no reason to be there.
    assert_eq!(items.len(), 7, "{}", all.body);
    assert_eq!(all.body["total"], 7);
    assert!(all.body["next_cursor"].is_null());
    // The rules' order, checked from what each item says.
    let rank = |i: &Value| {
        let first = i["reasons"][0].as_str().unwrap();
        [
            "follow_up_escalated",
            "follow_up_overdue",
            "follow_up_missing",
            "returned",
            "awaiting_review",
            "sample",
        ]
        .iter()
        .position(|r| *r == first)
        .unwrap()
    };
    let keys: Vec<(usize, i64, String)> = items
        .iter()
        .map(|i| {
            (
                rank(i),
                -i["days_overdue"].as_i64().unwrap(),
                i["referred_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "{}", all.body);
    let overdue: Vec<i64> = items
        .iter()
        .map(|i| i["days_overdue"].as_i64().unwrap())
        .collect();
    assert_eq!(overdue, [40, 20, 20, 5, 0, 0, 0]);
    assert_eq!(
        items[1]["referred_on"], "2026-04-05",
        "same overdue: older first"
    );
    // The counts are of reasons carried, whatever the page.
    let mut counted: Vec<(String, i64)> = Vec::new();
    for reason in items.iter().flat_map(|i| i["reasons"].as_array().unwrap()) {
        let reason = reason.as_str().unwrap().to_owned();
        match counted.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => counted.push((reason, 1)),
        }
    }
    let by_reason: Vec<(String, i64)> = all.body["by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["reason"].as_str().unwrap().to_owned(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(by_reason, counted);
    assert_eq!(
        by_reason[0],
        ("follow_up_escalated".to_owned(), 3),
        "overdue by more than 10 days"
    );

    // One a page: the same items in the same order, each page with the whole queue's counts.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/audit-queue?limit=1&cursor={c}"),
            None => "/api/v1/audit-queue?limit=1".to_owned(),
        };
        let page = app.get(&url, &k.sup).await.expect(200);
        assert_eq!(page.body["total"], 7);
        assert_eq!(page.body["by_reason"], all.body["by_reason"]);
        walked.extend(page.body["items"].as_array().unwrap().clone());
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(walked.len() <= 7, "the walk does not end");
    }
    assert_eq!(walked, items);
    // A cursor the API did not give is refused.
    let id = items[0]["referral_id"].as_str().unwrap();
    for bad in [
        format!("9_2026-01-01_2026-01-01~{id}"),
        format!("0_x_2026-01-01~{id}"),
        format!("2026-01-01~{id}"),
    ] {
        app.get(&format!("/api/v1/audit-queue?cursor={bad}"), &k.sup)
            .await
            .problem(422, "validation_failed");
    }

    // Filters: a reason keeps those carrying it (the counts per reason stay, so each is a
    // link to what choosing it shows); level, consultant and period narrow everything.
    let get = |q: &str| {
        let url = format!("/api/v1/audit-queue?{q}");
        let sup = k.sup.clone();
        let app = &app;
        async move { app.get(&url, &sup).await }
    };
    let escalated = get("reason=follow_up_escalated").await.expect(200);
    assert_eq!(escalated.body["total"], 3);
    assert_eq!(escalated.body["items"].as_array().unwrap().len(), 3);
    assert_eq!(escalated.body["by_reason"], all.body["by_reason"]);
    let samples = get("reason=sample").await.expect(200);
    let sampled = by_reason
        .iter()
        .find(|(r, _)| r == "sample")
        .map_or(0, |(_, n)| *n);
    assert_eq!(samples.body["total"], sampled);
    assert!(samples.body["items"].as_array().unwrap().iter().all(|i| {
        i["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "sample")
    }));
    let level_one = get("level=information_only").await.expect(200);
    assert_eq!(level_one.body["total"], 3);
    let by_sato = get(&format!("consultant_id={}", k.sato_id))
        .await
        .expect(200);
    assert_eq!(
        by_sato.body["total"], 4,
        "sato's level-4 referrals in the queue"
    );
    let april = get("from=2026-04-01&to=2026-04-30").await.expect(200);
    let days: Vec<&str> = april.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["referred_on"].as_str().unwrap())
        .collect();
    assert!(days.iter().all(|d| d.starts_with("2026-04")), "{days:?}");
    assert_eq!(april.body["total"], days.len());
    let none = get("agency_type=vocational_center").await.expect(200);
    assert_eq!(none.body["total"], 0);
    // Filters page like the whole queue.
    let first = get("reason=follow_up_escalated&limit=1").await.expect(200);
    let c = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = get(&format!("reason=follow_up_escalated&limit=1&cursor={c}"))
        .await
        .expect(200);
    assert_eq!(second.body["items"][0], escalated.body["items"][1]);
    get("reason=urgent").await.problem(422, "validation_failed");
    get("from=2026-05-01&to=2026-04-01")
        .await
        .problem(422, "validation_failed");
}

db_tests!(
    the_queue_pages_in_its_order_and_counts_the_whole_queue,
    the_queue_shows_what_needs_an_eye_and_why,
    reviews_keep_four_eyes_and_return_work_for_correction,
    the_audit_trail_answers_who_did_and_saw_what,
    verification_finds_a_changed_a_deleted_and_an_inserted_row,
    typed_patient_searches_are_hidden_from_administrators,
);
