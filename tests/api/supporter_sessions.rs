//! 出張相談 with the Hello Work 就職サポーター: a schedule (2nd and 4th Tuesday) generates a
//! fiscal year's sessions once; slots are booked for consented patients of the center, and
//! of two concurrent bookings of one slot exactly one wins (the database's unique key
//! decides); a patient holds one slot of a session; If-Match on changes, idempotent creates,
//! 404 across centers; the held consultation is recorded in the patient's consultations;
//! the figures per month and office hand-computed.

use crate::db_tests;
use crate::helpers::{Center, Db, Resp, TestApp, spawn};
use awc::http::Method;
use serde_json::{Value, json};

struct Team {
    c: Center,
    con: String,
    sup: String,
    hello_work: String,
    /// Two patients with a consent in force from 2026-04-01.
    a: String,
    b: String,
    /// A patient without any consent.
    unconsented: String,
}

async fn patient(app: &TestApp, token: &str, given: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": "田中", "given_name": given, "family_name_kana": "タナカ", "given_name_kana": "ハナコ", "birth_date": "1975-03-03", "program": "nanbyo", "employment_status": "job_seeking", "support_awareness": "aware_not_used"}))
        .await
        .expect(201)
        .id()
}

async fn consented(app: &TestApp, token: &str, given: &str) -> String {
    let p = patient(app, token, given).await;
    app.post(
        &format!("/api/v1/patients/{p}/consents"),
        token,
        json!({"given_on": "2026-04-01", "scope": "employment_agencies", "given_by": "self"}),
    )
    .await
    .expect(201);
    p
}

async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    let (_, con) = app.staff(&c, &format!("{code}.con"), "consultant").await;
    let (_, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    let hello_work = app
        .agency(&c, "hello_work", &format!("ハローワーク{code}"))
        .await;
    let a = consented(app, &con, "花子").await;
    let b = consented(app, &con, "次郎").await;
    let unconsented = patient(app, &con, "三郎").await;
    Team {
        c,
        con,
        sup,
        hello_work,
        a,
        b,
        unconsented,
    }
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

/// The schedule of the 2nd and 4th Tuesday, 13:00-16:00 in 45-minute slots, and its
/// sessions of 年度 2026; answers the sessions by day.
async fn schedule(app: &TestApp, t: &Team) -> Vec<Value> {
    let s = app
        .post(
            "/api/v1/supporter-schedules",
            &t.con,
            json!({"agency_id": t.hello_work, "weekday": 2, "weeks": [4, 2], "start_time": "13:00", "end_time": "16:00", "slot_minutes": 45, "place": "センター相談室", "supporter_name": "就職サポーター 山本"}),
        )
        .await
        .expect(201);
    assert_eq!(s.body["weeks"], json!([2, 4]));
    let made = app
        .post(
            &format!("/api/v1/supporter-schedules/{}/sessions", s.id()),
            &t.con,
            json!({"fiscal_year": "2026"}),
        )
        .await
        .expect(201);
    items(&made).clone()
}

fn on<'a>(sessions: &'a [Value], day: &str) -> &'a Value {
    sessions
        .iter()
        .find(|s| s["held_on"] == day)
        .unwrap_or_else(|| panic!("no session on {day}"))
}

fn slots_path(s: &Value) -> String {
    format!(
        "/api/v1/supporter-sessions/{}/slots",
        s["id"].as_str().unwrap()
    )
}

async fn book(app: &TestApp, token: &str, s: &Value, start: &str, patient: &str) -> Resp {
    app.post(
        &slots_path(s),
        token,
        json!({"slot_start": start, "patient_id": patient}),
    )
    .await
}

/// Records what came of a booking just made.
async fn hold(app: &TestApp, token: &str, r: Resp, s: &Value, body: Value) -> Resp {
    let path = format!("{}/{}", slots_path(s), r.id());
    app.patch(&path, token, Some(&r.etag()), body)
        .await
        .expect(200)
}

async fn schedules_sessions_and_bookings(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let far = team(&app, "c2").await;
    let other_agency = app.agency(&t.c, "vocational_center", "職業センター").await;

    // Only a Hello Work office of the center; times that hold a slot.
    let r = app
        .post(
            "/api/v1/supporter-schedules",
            &t.con,
            json!({"agency_id": other_agency, "weekday": 8, "weeks": [6], "start_time": "13:00", "end_time": "13:30", "slot_minutes": 45}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["agency_id", "weekday", "weeks", "slot_minutes"]
    );
    app.post(
        "/api/v1/supporter-schedules",
        &t.con,
        json!({"agency_id": far.hello_work, "weekday": 2, "weeks": [2], "start_time": "13:00", "end_time": "16:00", "slot_minutes": 45}),
    )
    .await
    .problem(422, "validation_failed");

    // The 2nd and 4th Tuesdays of 年度 2026: 24 sessions; generating again adds none.
    let sessions = schedule(&app, &t).await;
    assert_eq!(sessions.len(), 24);
    let days: Vec<&str> = sessions
        .iter()
        .map(|s| s["held_on"].as_str().unwrap())
        .collect();
    assert_eq!(
        &days[..4],
        &["2026-04-14", "2026-04-28", "2026-05-12", "2026-05-26"]
    );
    assert_eq!(days[23], "2027-03-23");
    assert_eq!(sessions[0]["slots_total"], 4);
    assert_eq!(sessions[0]["status"], "scheduled");
    assert_eq!(sessions[0]["supporter_name"], "就職サポーター 山本");
    let sch = sessions[0]["schedule_id"].as_str().unwrap().to_owned();
    let again = app
        .post(
            &format!("/api/v1/supporter-schedules/{sch}/sessions"),
            &t.con,
            json!({"from": "2026-04-01", "to": "2026-06-30"}),
        )
        .await
        .expect(201);
    assert!(items(&again).is_empty());
    app.get(&format!("/api/v1/supporter-schedules/{sch}"), &far.con)
        .await
        .problem(404, "not_found");
    // A schedule ends with `active: false`: it generates nothing after.
    let got = app
        .get(&format!("/api/v1/supporter-schedules/{sch}"), &t.con)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/supporter-schedules/{sch}"),
        &t.con,
        None,
        json!({"active": false}),
    )
    .await
    .problem(428, "if_match_required");
    let ended = app
        .patch(
            &format!("/api/v1/supporter-schedules/{sch}"),
            &t.con,
            Some(&got.etag()),
            json!({"active": false, "place": null}),
        )
        .await
        .expect(200);
    assert_eq!(ended.body["active"], false);
    assert_eq!(ended.body["place"], Value::Null);
    app.patch(
        &format!("/api/v1/supporter-schedules/{sch}"),
        &t.con,
        Some(&got.etag()),
        json!({"active": true}),
    )
    .await
    .problem(412, "precondition_failed");
    app.post(
        &format!("/api/v1/supporter-schedules/{sch}/sessions"),
        &t.con,
        json!({"fiscal_year": "2027"}),
    )
    .await
    .problem(409, "schedule_inactive");

    // A session by hand: idempotent; not a second one for the office and day.
    let body = json!({"agency_id": t.hello_work, "held_on": "2026-05-19", "start_time": "10:00", "end_time": "12:00", "slot_minutes": 60});
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "session-1"),
    ];
    let send = || {
        app.request(
            Method::POST,
            "/api/v1/supporter-sessions",
            Some(&t.con),
            &headers,
            Some(body.to_string().into_bytes()),
        )
    };
    let first = send().await.expect(201);
    let replay = send().await.expect(201);
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(first.id(), replay.id());
    app.post(
        "/api/v1/supporter-sessions",
        &t.con,
        json!({"agency_id": t.hello_work, "held_on": "2026-04-14", "start_time": "10:00", "end_time": "12:00", "slot_minutes": 60}),
    )
    .await
    .problem(409, "session_exists");

    // Lists by period, paged.
    let may = app
        .get(
            "/api/v1/supporter-sessions?from=2026-05-01&to=2026-05-31",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(items(&may).len(), 3);
    let page = app
        .get(
            "/api/v1/supporter-sessions?fiscal_year=2026&limit=10",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(items(&page).len(), 10);
    assert!(page.body["next_cursor"].is_string());
    assert!(
        items(
            &app.get("/api/v1/supporter-sessions?fiscal_year=2025", &t.sup)
                .await
                .expect(200)
        )
        .is_empty()
    );
    app.get("/api/v1/supporter-sessions", &t.c.admin)
        .await
        .problem(403, "insufficient_role");

    // The race: two bookings of one slot at once; exactly one wins.
    let s = on(&sessions, "2026-05-12").clone();
    let (r1, r2) = tokio::join!(
        book(&app, &t.con, &s, "13:00", &t.a),
        book(&app, &t.sup, &s, "13:00", &t.b)
    );
    let mut statuses = [r1.status.as_u16(), r2.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{:?} {:?}", r1.body, r2.body);
    let (won, lost, winner, loser) = if r1.status.as_u16() == 201 {
        (r1, r2, t.a.clone(), t.b.clone())
    } else {
        (r2, r1, t.b.clone(), t.a.clone())
    };
    lost.problem(409, "slot_taken");
    assert_eq!(won.body["status"], "booked");
    let name = if winner == t.a {
        "田中 花子"
    } else {
        "田中 次郎"
    };
    assert_eq!(won.body["patient_name"], name);
    // The winner holds one slot of the session; the loser books another.
    book(&app, &t.con, &s, "13:45", &winner)
        .await
        .problem(409, "patient_already_booked");
    let other = book(&app, &t.con, &s, "13:45", &loser).await.expect(201);
    book(&app, &t.con, &s, "13:10", &t.unconsented)
        .await
        .problem(422, "validation_failed");
    book(&app, &t.con, &s, "14:30", &t.unconsented)
        .await
        .problem(422, "booking_without_consent");
    book(&app, &t.con, &s, "14:30", &far.a)
        .await
        .problem(422, "patient_not_found");

    let slots = app.get(&slots_path(&s), &t.con).await.expect(200);
    let starts: Vec<(&str, Option<&str>)> = items(&slots)
        .iter()
        .map(|x| {
            (
                x["start_time"].as_str().unwrap(),
                x["booking"]["patient_id"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        starts,
        vec![
            ("13:00", Some(winner.as_str())),
            ("13:45", Some(loser.as_str())),
            ("14:30", None),
            ("15:15", None)
        ]
    );

    // Another center sees nothing of it.
    let sid = s["id"].as_str().unwrap();
    app.get(&format!("/api/v1/supporter-sessions/{sid}"), &far.con)
        .await
        .problem(404, "not_found");
    app.get(&slots_path(&s), &far.con)
        .await
        .problem(404, "not_found");
    book(&app, &far.con, &s, "14:30", &far.a)
        .await
        .problem(404, "not_found");
    app.get(&format!("{}/{}", slots_path(&s), won.id()), &far.con)
        .await
        .problem(404, "not_found");

    // If-Match on the session; it is not cancelled while patients are booked.
    let got = app
        .get(&format!("/api/v1/supporter-sessions/{sid}"), &t.con)
        .await
        .expect(200);
    assert_eq!(got.body["slots_booked"], 2);
    app.patch(
        &format!("/api/v1/supporter-sessions/{sid}"),
        &t.con,
        None,
        json!({"place": "会議室"}),
    )
    .await
    .problem(428, "if_match_required");
    let changed = app
        .patch(
            &format!("/api/v1/supporter-sessions/{sid}"),
            &t.con,
            Some(&got.etag()),
            json!({"place": "会議室", "notes": "2名予約"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["version"], 2);
    app.patch(
        &format!("/api/v1/supporter-sessions/{sid}"),
        &t.con,
        Some(&got.etag()),
        json!({"place": "x"}),
    )
    .await
    .problem(412, "precondition_failed");
    app.patch(
        &format!("/api/v1/supporter-sessions/{sid}"),
        &t.con,
        Some(&changed.etag()),
        json!({"status": "cancelled"}),
    )
    .await
    .problem(409, "session_has_bookings");
    app.patch(
        &format!("/api/v1/supporter-sessions/{sid}"),
        &t.con,
        Some(&changed.etag()),
        json!({"start_time": "13:30"}),
    )
    .await
    .problem(409, "booked_slot_moved");

    // Held: the joint consultation enters the patient's consultations.
    let bpath = format!("{}/{}", slots_path(&s), won.id());
    app.patch(
        &bpath,
        &t.con,
        Some(&won.etag()),
        json!({"new_job_seeker": true}),
    )
    .await
    .problem(422, "validation_failed");
    let held = app
        .patch(
            &bpath,
            &t.con,
            Some(&won.etag()),
            json!({"status": "held", "create_consultation": true, "new_job_seeker": true}),
        )
        .await
        .expect(200);
    assert_eq!(held.body["status"], "held");
    assert_eq!(held.body["new_job_seeker"], true);
    let cid = held.body["consultation_id"].as_str().unwrap().to_owned();
    let c = app
        .get(&format!("/api/v1/consultations/{cid}"), &t.con)
        .await
        .expect(200);
    assert_eq!(c.body["patient_id"], winner.as_str());
    assert_eq!(c.body["with_employment_supporter"], true);
    assert_eq!(c.body["channel"], "in_person");
    assert_eq!(c.body["occurred_at"], "2026-05-12T04:00:00.000000Z");
    app.patch(&bpath, &t.con, Some(&won.etag()), json!({"notes": "x"}))
        .await
        .problem(412, "precondition_failed");
    let session_now = app
        .get(&format!("/api/v1/supporter-sessions/{sid}"), &t.con)
        .await
        .expect(200);
    assert_eq!(session_now.body["status"], "held");
    assert_eq!(session_now.body["consultations_held"], 1);

    // Another patient's consultation is not linked.
    let opath = format!("{}/{}", slots_path(&s), other.id());
    app.patch(
        &opath,
        &t.con,
        Some(&other.etag()),
        json!({"status": "held", "consultation_id": cid}),
    )
    .await
    .problem(422, "consultation_not_found");

    // Cancelling frees the slot; a cancelled booking stays cancelled.
    let cancelled = app
        .patch(
            &opath,
            &t.con,
            Some(&other.etag()),
            json!({"status": "cancelled"}),
        )
        .await
        .expect(200);
    app.patch(
        &opath,
        &t.con,
        Some(&cancelled.etag()),
        json!({"status": "booked"}),
    )
    .await
    .problem(409, "booking_cancelled");
    book(&app, &t.con, &s, "13:45", &loser).await.expect(201);

    // Found to be a no-show after all: the entries stay, the figures count held ones only.
    let noshow = app
        .patch(
            &bpath,
            &t.con,
            Some(&held.etag()),
            json!({"status": "no_show"}),
        )
        .await
        .expect(200);
    assert_eq!(noshow.body["new_job_seeker"], true);
    app.patch(
        &bpath,
        &t.con,
        Some(&noshow.etag()),
        json!({"employed": true}),
    )
    .await
    .problem(422, "validation_failed");

    // The trail names the patients on every booking read and change.
    let events = app.audit_events();
    let naming = |action: &str, p: &str| {
        events.iter().any(|x| {
            x.action == action && x.patient_id.as_deref() == Some(p) && x.outcome == "success"
        })
    };
    assert!(naming("supporter_booking.create", &winner));
    assert!(naming("supporter_booking.update", &winner));
    assert!(naming("supporter_slot.list", &winner));
    assert!(naming("supporter_booking.create", &loser));
    assert!(events.iter().any(|x| x.action == "supporter_session.create"
        && x.patient_id.is_none()
        && x.outcome == "success"));
}

/// The figures by hand, 年度 2026 of c1: 14 April held (A, new job seeker as entered; B),
/// 28 April held (A again: employed, from the referral's follow-up), 12 May cancelled,
/// 26 May scheduled with A booked (not held, not counted); c2's held session not counted.
/// April: 2 sessions, 3 consultations, 2 people, 1 new job seeker, 1 employed; the year the
/// same (A counted once).
async fn supporter_report_hand_computed(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let far = team(&app, "c2").await;
    let sessions = schedule(&app, &t).await;
    let far_sessions = schedule(&app, &far).await;

    let apr14 = on(&sessions, "2026-04-14").clone();
    let apr28 = on(&sessions, "2026-04-28").clone();
    let may12 = on(&sessions, "2026-05-12").clone();
    let may26 = on(&sessions, "2026-05-26").clone();
    let r = book(&app, &t.con, &apr14, "13:00", &t.a).await.expect(201);
    hold(
        &app,
        &t.con,
        r,
        &apr14,
        json!({"status": "held", "new_job_seeker": true}),
    )
    .await;
    let r = book(&app, &t.con, &apr14, "13:45", &t.b).await.expect(201);
    hold(&app, &t.con, r, &apr14, json!({"status": "held"})).await;

    // A's referral to Hello Work on 28 April; its follow-up finds A employed.
    let referral = app
        .post(
            "/api/v1/referrals",
            &t.con,
            json!({"patient_id": t.a, "agency_id": t.hello_work,
                   "purpose": "new_employment", "level": "accompanied_with_follow_up",
                   "referred_on": "2026-04-28", "handed_over": "就労相談票",
                   "shared_items": ["name", "contact", "diagnosis"]}),
        )
        .await
        .expect(201)
        .id();
    let fus = app
        .get(&format!("/api/v1/referrals/{referral}/follow-ups"), &t.con)
        .await
        .expect(200);
    let fu = items(&fus)[0]["id"].as_str().unwrap().to_owned();
    let fe = app
        .get(&format!("/api/v1/follow-ups/{fu}"), &t.con)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/follow-ups/{fu}"),
        &t.con,
        Some(&fe),
        json!({"done_on": "2026-05-12", "method": "phone", "contacted": "patient", "outcome": "employed"}),
    )
    .await
    .expect(200);
    let r = book(&app, &t.con, &apr28, "13:00", &t.a).await.expect(201);
    let linked = hold(
        &app,
        &t.con,
        r,
        &apr28,
        json!({"status": "held", "referral_id": referral}),
    )
    .await;
    assert_eq!(linked.body["employed"], Value::Null);
    assert_eq!(linked.body["derived"]["employed"], true);
    assert_eq!(linked.body["derived"]["new_job_seeker"], false);

    let got = app
        .get(
            &format!(
                "/api/v1/supporter-sessions/{}",
                may12["id"].as_str().unwrap()
            ),
            &t.con,
        )
        .await
        .expect(200);
    app.patch(
        &format!(
            "/api/v1/supporter-sessions/{}",
            may12["id"].as_str().unwrap()
        ),
        &t.con,
        Some(&got.etag()),
        json!({"status": "cancelled"}),
    )
    .await
    .expect(200);
    book(&app, &t.con, &may12, "13:00", &t.a)
        .await
        .problem(409, "session_cancelled");
    book(&app, &t.con, &may26, "13:00", &t.a).await.expect(201);

    let fs = on(&far_sessions, "2026-04-14").clone();
    let r = book(&app, &far.con, &fs, "13:00", &far.a).await.expect(201);
    app.patch(
        &format!("{}/{}", slots_path(&fs), r.id()),
        &far.con,
        Some(&r.etag()),
        json!({"status": "held", "new_job_seeker": true, "employed": true}),
    )
    .await
    .expect(200);

    let rep = app
        .get(
            "/api/v1/reports/supporter-sessions?fiscal_year=2026",
            &t.sup,
        )
        .await
        .expect(200);
    let figures = |v: &Value| {
        (
            v["sessions_held"].as_i64().unwrap(),
            v["consultations"].as_i64().unwrap(),
            v["people_seen"].as_i64().unwrap(),
            v["new_job_seekers"].as_i64().unwrap(),
            v["employed"].as_i64().unwrap(),
        )
    };
    let months = rep.body["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], "2026-04");
    assert_eq!(figures(&months[0]), (2, 3, 2, 1, 1));
    assert_eq!(figures(&months[1]), (0, 0, 0, 0, 0));
    assert_eq!(figures(&rep.body["total"]), (2, 3, 2, 1, 1));
    let offices = rep.body["offices"].as_array().unwrap();
    assert_eq!(offices.len(), 1);
    assert_eq!(offices[0]["agency_name"], "ハローワークc1");
    assert_eq!(figures(&offices[0]), (2, 3, 2, 1, 1));

    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/supporter-sessions?fiscal_year=2026",
            Some(&t.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    let text = String::from_utf8(csv.raw[3..].to_vec()).unwrap();
    assert!(text.contains("2026年4月,2,3,2,1,1"), "{text}");
    assert!(text.contains("合計,2,3,2,1,1"), "{text}");
    assert!(text.contains("ハローワークc1,2,3,2,1,1"), "{text}");
    app.get(
        "/api/v1/reports/supporter-sessions?fiscal_year=2026",
        &t.con,
    )
    .await
    .problem(403, "insufficient_role");
    let xlsx = app
        .get("/api/v1/reports/annual?fiscal_year=2026", &t.sup)
        .await
        .expect(200);
    assert!(xlsx.raw.starts_with(b"PK"));
}

db_tests!(
    schedules_sessions_and_bookings,
    supporter_report_hand_computed
);
