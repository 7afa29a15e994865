//! Issue 15: a supervisor merges a patient registered twice, and an anonymous consultation
//! is linked to a patient later.

use crate::db_tests;
use crate::helpers::{Db, Resp, TestApp, spawn};
use actix_web::http::Method;
use serde_json::{Value, json};

struct Center {
    center: crate::helpers::Center,
    consultant: String,
    supervisor: String,
    hello_work: String,
}

async fn setup(app: &TestApp, code: &str) -> Center {
    let c = app.center(code).await;
    let (_, consultant) = app.staff(&c, &format!("{code}.sato"), "consultant").await;
    let (_, supervisor) = app.staff(&c, &format!("{code}.suzuki"), "supervisor").await;
    let hello_work = app.agency(&c, "hello_work", "ハローワーク広島").await;
    Center {
        center: c,
        consultant,
        supervisor,
        hello_work,
    }
}

/// ヤマダ ハナコ 1975-06-15, registered once more on another day.
async fn hanako(app: &TestApp, token: &str, awareness: &str) -> String {
    app.post(
        "/api/v1/patients",
        token,
        json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ",
               "given_name_kana": "ハナコ", "birth_date": "1975-06-15", "program": "nanbyo",
               "employment_status": "job_seeking", "support_awareness": awareness,
               "phone": "082-223-8609"}),
    )
    .await
    .expect(201)
    .id()
}

async fn merge_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> Resp {
    app.request(
        Method::POST,
        "/api/v1/patient-merges",
        Some(token),
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(body.to_string().into_bytes()),
    )
    .await
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

/// The figures that count people: registered, consulted and referred.
async fn people_counted(app: &TestApp, sup: &str) -> (i64, i64, i64) {
    let fy = "fiscal_year=2026";
    let aware = app
        .get(&format!("/api/v1/reports/support-awareness?{fy}"), sup)
        .await
        .expect(200);
    let cons = app
        .get(&format!("/api/v1/reports/consultations?{fy}"), sup)
        .await
        .expect(200);
    let out = app
        .get(&format!("/api/v1/reports/employment-outcomes?{fy}"), sup)
        .await
        .expect(200);
    let referred = out.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["agency_type"] == "hello_work" && x["purpose"] == "new_employment")
        .map_or(0, |x| x["referred"].as_i64().unwrap());
    (
        aware.body["total"].as_i64().unwrap(),
        cons.body["distinct_patients"].as_i64().unwrap(),
        referred,
    )
}

async fn a_supervisor_merges_a_patient_registered_twice(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let sup = &k.supervisor;
    let a = hanako(&app, t, "unaware").await;
    let b = hanako(&app, t, "aware_not_used").await;
    // Each record has a case: a consultation and a referral on both, a consent, a level-4
    // referral with its follow-up and record of provision on the second.
    for p in [&a, &b] {
        app.post(
            "/api/v1/consultations",
            t,
            json!({"patient_id": p, "channel": "phone", "requester": "patient", "topics": ["employment"]}),
        )
        .await
        .expect(201);
        app.post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": p, "agency_id": k.hello_work, "purpose": "new_employment",
                   "level": "information_only", "referred_on": "2026-06-01"}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/patients/{b}/consents"),
        t,
        json!({"given_on": "2026-05-20", "scope": "employment_agencies"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/referrals",
        t,
        json!({"patient_id": b, "agency_id": k.hello_work, "purpose": "new_employment",
               "level": "accompanied_with_follow_up", "referred_on": "2026-06-01",
               "shared_items": ["name", "contact"]}),
    )
    .await
    .expect(201);
    assert_eq!(people_counted(&app, sup).await, (2, 2, 2));
    let body = json!({"survivor_id": a, "merged_id": b});

    // Who may: a supervisor of the center; the same record twice is a mistake.
    app.post("/api/v1/patient-merges", t, body.clone())
        .await
        .problem(403, "insufficient_role");
    app.post("/api/v1/patient-merge-previews", t, body.clone())
        .await
        .problem(403, "insufficient_role");
    let r = app
        .post(
            "/api/v1/patient-merges",
            sup,
            json!({"survivor_id": a, "merged_id": a}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["merged_id"]);
    let other = setup(&app, "c2").await;
    app.post("/api/v1/patient-merges", &other.supervisor, body.clone())
        .await
        .problem(404, "not_found");
    let theirs = hanako(&app, &other.consultant, "unaware").await;
    app.post(
        "/api/v1/patient-merges",
        sup,
        json!({"survivor_id": a, "merged_id": theirs}),
    )
    .await
    .problem(404, "not_found");

    // The preview counts what will move, and nothing moves.
    let pre = app
        .post("/api/v1/patient-merge-previews", sup, body.clone())
        .await
        .expect(200);
    let moved = &pre.body["moved"];
    assert_eq!(
        (
            moved["consultations"].as_i64(),
            moved["consents"].as_i64(),
            moved["referrals"].as_i64(),
            moved["follow_ups"].as_i64(),
            moved["provisions"].as_i64()
        ),
        (Some(1), Some(1), Some(2), Some(1), Some(1)),
        "{moved}"
    );
    app.get(&format!("/api/v1/patients/{b}"), t)
        .await
        .expect(200);

    // The merge, retried with the same key: done once, answered twice alike.
    let first = merge_with_key(&app, sup, "merge-1", &body)
        .await
        .expect(200);
    assert_eq!(first.body["survivor"]["id"], a.as_str());
    assert_eq!(first.body["merged_id"], b.as_str());
    assert_eq!(first.body["moved"], pre.body["moved"]);
    assert_eq!(
        first.header("location").as_deref(),
        Some(format!("/api/v1/patients/{a}").as_str())
    );
    let again = merge_with_key(&app, sup, "merge-1", &body)
        .await
        .expect(200);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, first.body);
    // Once merged, neither record can be merged again.
    merge_with_key(&app, sup, "merge-2", &body)
        .await
        .problem(409, "already_merged");
    app.post(
        "/api/v1/patient-merges",
        sup,
        json!({"survivor_id": b, "merged_id": a}),
    )
    .await
    .problem(409, "already_merged");

    // The merged id points at the survivor, on every patient route.
    for path in ["", "/timeline", "/consents", "/provisions"] {
        let r = app
            .get(&format!("/api/v1/patients/{b}{path}"), t)
            .await
            .problem(410, "patient_merged");
        assert_eq!(r.body["merged_into"], a.as_str());
        assert_eq!(
            r.header("location").as_deref(),
            Some(format!("/api/v1/patients/{a}").as_str())
        );
    }
    app.patch(
        &format!("/api/v1/patients/{b}"),
        t,
        Some("*"),
        json!({"notes": "x"}),
    )
    .await
    .problem(410, "patient_merged");
    app.post(
        "/api/v1/consultations",
        t,
        json!({"patient_id": b, "channel": "phone", "requester": "patient", "topics": ["other"]}),
    )
    .await
    .problem(410, "patient_merged");

    // Everything is the survivor's now.
    let cons = app
        .get(&format!("/api/v1/consultations?patient_id={a}"), t)
        .await
        .expect(200);
    assert_eq!(items(&cons).len(), 2);
    let refs = app
        .get(&format!("/api/v1/referrals?patient_id={a}"), t)
        .await
        .expect(200);
    assert_eq!(items(&refs).len(), 3);
    assert_eq!(
        items(
            &app.get(&format!("/api/v1/patients/{a}/consents"), t)
                .await
                .expect(200)
        )
        .len(),
        1
    );
    assert_eq!(
        items(
            &app.get(&format!("/api/v1/patients/{a}/provisions"), t)
                .await
                .expect(200)
        )
        .len(),
        1
    );
    let fus = app
        .get(&format!("/api/v1/follow-ups?patient_id={a}"), t)
        .await
        .expect(200);
    assert_eq!(items(&fus).len(), 1);
    let tl = app
        .get(&format!("/api/v1/patients/{a}/timeline"), t)
        .await
        .expect(200);
    assert!(
        tl.body["items"].as_array().unwrap().len() >= 7,
        "{}",
        tl.body
    );

    // Out of lists, searches and duplicate checks; counted once in the figures.
    let found = app
        .get(
            &format!("/api/v1/patients?q={}", "%E3%83%A4%E3%83%9E%E3%83%80"),
            t,
        )
        .await
        .expect(200);
    let ids: Vec<&str> = items(&found)
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![a.as_str()]);
    let all = app.get("/api/v1/patients", t).await.expect(200);
    assert_eq!(items(&all).len(), 1);
    let dup = app
        .post(
            "/api/v1/patient-duplicate-checks",
            t,
            json!({"family_name_kana": "ヤマダ", "given_name_kana": "ハナコ", "birth_date": "1975-06-15", "phone": "0822238609"}),
        )
        .await
        .expect(200);
    assert_eq!(items(&dup).len(), 1);
    assert_eq!(people_counted(&app, sup).await, (1, 1, 1));

    // One audit event names both; a webhook announces it.
    let ev: Vec<_> = app
        .audit_events()
        .into_iter()
        .filter(|e| e.action == "patient.merge" && e.outcome == "success")
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].resource_id.as_deref(), Some(b.as_str()));
    assert_eq!(ev[0].patient_id.as_deref(), Some(a.as_str()));
    let detail = ev[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains(&format!("survivor_id={a}"))
            && detail.contains(&format!("merged_id={b}"))
            && detail.contains("referrals=2"),
        "{detail}"
    );
}

/// An anonymous consultation linked to a patient later: audited, counted again as the
/// patient's, and shown in their history; the patient must be the caller's center's.
async fn an_anonymous_consultation_is_linked_to_a_patient_later(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let sup = &k.supervisor;
    let p = hanako(&app, t, "unaware").await;
    let anon = app
        .post(
            "/api/v1/consultations",
            t,
            json!({"channel": "phone", "requester": "family", "topics": ["employment"]}),
        )
        .await
        .expect(201);
    let id = anon.id();
    let figures = |r: &Resp| {
        (
            r.body["anonymous"].as_i64().unwrap(),
            r.body["distinct_patients"].as_i64().unwrap(),
        )
    };
    let report = "/api/v1/reports/consultations?fiscal_year=2026";
    assert_eq!(figures(&app.get(report, sup).await.expect(200)), (1, 0));
    let path = format!("/api/v1/consultations/{id}");
    // Without If-Match the change is refused; another center's patient is not found.
    app.patch(&path, t, None, json!({"patient_id": p}))
        .await
        .problem(428, "if_match_required");
    let other = setup(&app, "c2").await;
    let theirs = hanako(&app, &other.consultant, "unaware").await;
    let r = app
        .patch(&path, t, Some(&anon.etag()), json!({"patient_id": theirs}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["patient_id"]);
    let linked = app
        .patch(&path, t, Some(&anon.etag()), json!({"patient_id": p}))
        .await
        .expect(200);
    assert_eq!(linked.body["patient_id"], p.as_str());
    assert_eq!(figures(&app.get(report, sup).await.expect(200)), (0, 1));
    let mine = app
        .get(&format!("/api/v1/consultations?patient_id={p}"), t)
        .await
        .expect(200);
    assert_eq!(items(&mine).len(), 1);
    let tl = app
        .get(&format!("/api/v1/patients/{p}/timeline"), t)
        .await
        .expect(200);
    assert!(
        tl.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.to_string().contains(&id)),
        "{}",
        tl.body
    );
    let ev: Vec<_> = app
        .audit_events()
        .into_iter()
        .filter(|e| {
            e.action == "consultation.update"
                && e.outcome == "success"
                && e.resource_id.as_deref() == Some(id.as_str())
        })
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].patient_id.as_deref(), Some(p.as_str()));
    assert!(
        ev[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("patient_id"))
    );
}

/// What one person cannot hold twice: the survivor's stays, the duplicate's is let go — a
/// second slot in one supporter session, a second open assignment to one peer supporter, a
/// second attendance at one event.
async fn a_merge_lets_go_what_one_person_cannot_hold_twice(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let sup = &k.supervisor;
    let a = hanako(&app, t, "unaware").await;
    let b = hanako(&app, t, "unaware").await;
    let (peer_id, _) = app.staff(&k.center, "c1.peer", "peer_supporter").await;
    let e = app
        .post(
            "/api/v1/events",
            t,
            json!({"kind": "cafe", "title": "難病カフェ", "held_on": "2026-05-30", "patients_count": 2}),
        )
        .await
        .expect(201)
        .id();
    let session = app
        .post(
            "/api/v1/supporter-sessions",
            t,
            json!({"agency_id": k.hello_work, "held_on": "2026-06-10", "start_time": "10:00", "end_time": "12:00", "slot_minutes": 60}),
        )
        .await
        .expect(201)
        .id();
    let slots = format!("/api/v1/supporter-sessions/{session}/slots");
    for (p, start) in [(&a, "10:00"), (&b, "11:00")] {
        app.post(
            &format!("/api/v1/patients/{p}/consents"),
            t,
            json!({"given_on": "2026-05-20", "scope": "all_agencies"}),
        )
        .await
        .expect(201);
        app.post(
            &format!("/api/v1/patients/{p}/peer-supporters"),
            sup,
            json!({"user_id": peer_id}),
        )
        .await
        .expect(201);
        app.post(
            &format!("/api/v1/events/{e}/attendees"),
            t,
            json!({"patient_id": p, "role": "patient"}),
        )
        .await
        .expect(201);
        app.post(&slots, t, json!({"slot_start": start, "patient_id": p}))
            .await
            .expect(201);
    }
    let body = json!({"survivor_id": a, "merged_id": b});
    let pre = app
        .post("/api/v1/patient-merge-previews", sup, body.clone())
        .await
        .expect(200);
    let m = &pre.body["moved"];
    assert_eq!(
        (
            m["released_bookings"].as_i64(),
            m["released_assignments"].as_i64(),
            m["released_attendances"].as_i64(),
            m["event_attendances"].as_i64(),
            m["supporter_bookings"].as_i64(),
            m["peer_assignments"].as_i64(),
            m["consents"].as_i64()
        ),
        (
            Some(1),
            Some(1),
            Some(1),
            Some(0),
            Some(1),
            Some(1),
            Some(1)
        ),
        "{m}"
    );
    let done = app
        .post("/api/v1/patient-merges", sup, body)
        .await
        .expect(200);
    assert_eq!(done.body["moved"], pre.body["moved"]);
    // One open assignment goes on; the duplicate's ended today.
    let peers = app
        .get(&format!("/api/v1/patients/{a}/peer-supporters"), sup)
        .await
        .expect(200);
    let open: Vec<&Value> = items(&peers)
        .iter()
        .filter(|x| x["ended_on"].is_null())
        .collect();
    assert_eq!((items(&peers).len(), open.len()), (2, 1), "{}", peers.body);
    // One attendance; one live booking (the survivor's), the other cancelled.
    let ev = app
        .get(&format!("/api/v1/events/{e}/attendees"), t)
        .await
        .expect(200);
    assert_eq!(items(&ev).len(), 1, "{}", ev.body);
    assert_eq!(items(&ev)[0]["patient_id"], a.as_str());
    // The survivor keeps their slot; the duplicate's is free again.
    let booked = app.get(&slots, t).await.expect(200);
    let holders: Vec<Value> = items(&booked)
        .iter()
        .map(|x| x["booking"]["patient_id"].clone())
        .collect();
    assert_eq!(holders, vec![json!(a), Value::Null], "{}", booked.body);
}

db_tests!(
    a_supervisor_merges_a_patient_registered_twice,
    an_anonymous_consultation_is_linked_to_a_patient_later,
    a_merge_lets_go_what_one_person_cannot_hold_twice,
);
