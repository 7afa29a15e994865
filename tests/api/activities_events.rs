//! Events and group activities (イベント・集団活動): records with If-Match and idempotent
//! creates, named attendees only with a consent in force on the event's day (shown on
//! their timeline, each read naming them in the trail), headcounts that cover the named,
//! 404 across centers, and the figures per kind hand-computed.

use crate::db_tests;
use crate::helpers::{Center, Db, Resp, TestApp, spawn};
use awc::http::Method;
use serde_json::{Value, json};

struct Team {
    c: Center,
    con: String,
    sup: String,
    /// A patient with a consent in force from 2026-05-01.
    consented: String,
    /// A patient without any consent.
    unconsented: String,
}

async fn patient(app: &TestApp, token: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": "田中", "given_name": "花子", "family_name_kana": "タナカ", "given_name_kana": "ハナコ", "birth_date": "1975-03-03", "program": "nanbyo", "employment_status": "employed", "support_awareness": "aware_not_used", "referral_source": "homepage"}))
        .await
        .expect(201)
        .id()
}

async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    let (_, con) = app.staff(&c, &format!("{code}.con"), "consultant").await;
    let (_, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    let consented = patient(app, &con).await;
    app.post(
        &format!("/api/v1/patients/{consented}/consents"),
        &con,
        json!({"given_on": "2026-05-01", "scope": "employment_agencies", "given_by": "self"}),
    )
    .await
    .expect(201);
    let unconsented = patient(app, &con).await;
    Team {
        c,
        con,
        sup,
        consented,
        unconsented,
    }
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

async fn event(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/events", token, body).await
}

async fn events_and_attendees(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let far = team(&app, "c2").await;
    let (staff_id, _) = app.staff(&t.c, "c1.staff", "consultant").await;

    let body = json!({"kind": "cafe", "title": "難病カフェ 6月", "held_on": "2026-06-20", "start_time": "13:30", "end_time": "15:30", "place": "県民文化センター", "staff_ids": [staff_id], "patients_count": 1, "families_count": 1, "professionals_count": 2, "materials": ["就労支援ガイド", " ", "医療費助成のしおり"], "series": "難病カフェ"});
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "event-1"),
    ];
    let send = || {
        app.request(
            Method::POST,
            "/api/v1/events",
            Some(&t.con),
            &headers,
            Some(body.to_string().into_bytes()),
        )
    };
    let first = send().await.expect(201);
    let again = send().await.expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.id(), again.id());
    let e = first.id();
    assert_eq!(first.body["start_time"], "13:30");
    assert_eq!(
        first.body["materials"],
        json!(["就労支援ガイド", "医療費助成のしおり"])
    );
    assert_eq!(first.body["staff_ids"], json!([staff_id]));
    assert_eq!(first.body["attendees"], json!([]));
    assert_eq!(first.body["series"], "難病カフェ");

    // Bad input names the fields.
    let r = event(
        &app,
        &t.con,
        json!({"kind": "other", "title": "", "held_on": "2026-06-20", "start_time": "15:00", "end_time": "14:00", "patients_count": -1, "staff_ids": [far.c.id]}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec![
            "kind_other",
            "title",
            "end_time",
            "staff_ids",
            "patients_count"
        ]
    );
    let other = event(&app, &t.con, json!({"kind": "other", "kind_other": "病院見学会", "title": "病院見学会", "held_on": "2026-07-05", "online": true}))
        .await
        .expect(201);
    event(&app, &t.con, json!({"kind": "seminar", "title": "前年度のセミナー", "held_on": "2026-03-10", "patients_count": 12}))
        .await
        .expect(201);

    // Attendees: a patient of the center with a consent in force on the event's day.
    let path = format!("/api/v1/events/{e}/attendees");
    app.post(
        &path,
        &t.con,
        json!({"patient_id": t.unconsented, "role": "patient"}),
    )
    .await
    .problem(422, "attendee_without_consent");
    app.post(
        &path,
        &t.con,
        json!({"patient_id": far.consented, "role": "patient"}),
    )
    .await
    .problem(422, "attendee_not_found");
    app.post(
        &path,
        &t.con,
        json!({"patient_id": t.consented, "role": "guest"}),
    )
    .await
    .problem(422, "validation_failed");
    let named = app
        .post(
            &path,
            &t.con,
            json!({"patient_id": t.consented, "role": "patient"}),
        )
        .await
        .expect(201);
    assert_eq!(
        named.body["version"], 2,
        "naming someone moves the version on"
    );
    assert_eq!(
        named.body["attendees"][0]["patient_id"],
        t.consented.as_str()
    );
    app.post(
        &path,
        &t.con,
        json!({"patient_id": t.consented, "role": "family"}),
    )
    .await
    .problem(409, "already_attending");
    let listed = app.get(&path, &t.sup).await.expect(200);
    assert_eq!(items(&listed).len(), 1);
    assert_eq!(items(&listed)[0]["role"], "patient");

    // Headcounts cover the named: lowering below them is refused, and so is naming more
    // than the headcount of the role.
    let got = app
        .get(&format!("/api/v1/events/{e}"), &t.con)
        .await
        .expect(200);
    let r = app
        .patch(
            &format!("/api/v1/events/{e}"),
            &t.con,
            Some(&got.etag()),
            json!({"patients_count": 0}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["patients_count"]);
    app.post(
        &format!("/api/v1/events/{}/attendees", other.id()),
        &t.con,
        json!({"patient_id": t.consented, "role": "patient"}),
    )
    .await
    .problem(422, "validation_failed");

    // A new day before the consent was given is refused: consent is judged on the day.
    app.patch(
        &format!("/api/v1/events/{e}"),
        &t.con,
        Some(&got.etag()),
        json!({"held_on": "2026-04-20"}),
    )
    .await
    .problem(422, "attendee_without_consent");
    app.patch(
        &format!("/api/v1/events/{e}"),
        &t.con,
        None,
        json!({"title": "x"}),
    )
    .await
    .problem(428, "if_match_required");
    let changed = app
        .patch(
            &format!("/api/v1/events/{e}"),
            &t.con,
            Some(&got.etag()),
            json!({"patients_count": 6, "end_time": null, "materials": ["就労支援ガイド"]}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["patients_count"], 6);
    assert_eq!(changed.body["end_time"], Value::Null);
    assert_eq!(changed.body["version"], 3);
    app.patch(
        &format!("/api/v1/events/{e}"),
        &t.con,
        Some(&got.etag()),
        json!({"title": "x"}),
    )
    .await
    .problem(412, "precondition_failed");

    // The event is on the patient's timeline.
    let tl = app
        .get(
            &format!("/api/v1/patients/{}/timeline", t.consented),
            &t.con,
        )
        .await
        .expect(200);
    let entry = tl.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "event")
        .expect("event on the timeline");
    assert_eq!(entry["date"], "2026-06-20");
    assert_eq!(entry["event"]["id"], e.as_str());

    // Lists by year, kind and series.
    assert_eq!(
        items(&app.get("/api/v1/events", &t.sup).await.expect(200)).len(),
        3
    );
    assert_eq!(
        items(
            &app.get("/api/v1/events?fiscal_year=2026", &t.sup)
                .await
                .expect(200)
        )
        .len(),
        2
    );
    let cafes = app
        .get(
            "/api/v1/events?kind=cafe&series=%E9%9B%A3%E7%97%85%E3%82%AB%E3%83%95%E3%82%A7",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(items(&cafes).len(), 1);

    // Another center: 404 for the event and its attendees; the center administrator does
    // not see patients' records.
    app.get(&format!("/api/v1/events/{e}"), &far.sup)
        .await
        .problem(404, "not_found");
    app.get(&path, &far.sup).await.problem(404, "not_found");
    app.post(
        &path,
        &far.con,
        json!({"patient_id": far.consented, "role": "patient"}),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/events", &t.c.admin)
        .await
        .problem(403, "insufficient_role");

    // Taking someone off the list.
    app.request(
        Method::DELETE,
        &format!("{path}/{}", far.consented),
        Some(&t.con),
        &[],
        None,
    )
    .await
    .problem(404, "not_found");
    let removed = app
        .request(
            Method::DELETE,
            &format!("{path}/{}", t.consented),
            Some(&t.con),
            &[],
            None,
        )
        .await
        .expect(200);
    assert_eq!(removed.body["attendees"], json!([]));
    assert_eq!(removed.body["patients_count"], 6);

    // The trail: every read and change of the event while it named the patient names them.
    let events = app.audit_events();
    let naming = |action: &str| {
        events.iter().any(|x| {
            x.action == action
                && x.resource_id.as_deref() == Some(e.as_str())
                && x.patient_id.as_deref() == Some(t.consented.as_str())
                && x.outcome == "success"
        })
    };
    for action in [
        "event_attendee.create",
        "event_attendee.list",
        "event.read",
        "event.update",
        "event_attendee.delete",
    ] {
        assert!(naming(action), "{action} does not name the patient");
    }
    assert!(
        events
            .iter()
            .any(|x| x.action == "event.list"
                && x.patient_id.as_deref() == Some(t.consented.as_str()))
    );
    assert!(events.iter().any(|x| x.action == "event.create"
        && x.resource_id.as_deref() == Some(e.as_str())
        && x.patient_id.is_none()));
}

/// The figures per kind, by hand: in 年度 2026 c1 held two cafés (8+3+1 and 5+0+0, one
/// patient named) and a seminar (20 patients, 4 professionals); its 2025 seminar and c2's
/// café are not counted for c1.
async fn events_report_hand_computed(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let far = team(&app, "c2").await;
    let cafe = event(&app, &t.con, json!({"kind": "cafe", "title": "難病カフェ 6月", "held_on": "2026-06-20", "patients_count": 8, "families_count": 3, "professionals_count": 1}))
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/events/{cafe}/attendees"),
        &t.con,
        json!({"patient_id": t.consented, "role": "patient"}),
    )
    .await
    .expect(201);
    event(&app, &t.con, json!({"kind": "cafe", "title": "難病カフェ 7月", "held_on": "2026-07-18", "patients_count": 5}))
        .await
        .expect(201);
    event(&app, &t.con, json!({"kind": "seminar", "title": "就労セミナー", "held_on": "2027-03-31", "patients_count": 20, "professionals_count": 4}))
        .await
        .expect(201);
    event(&app, &t.con, json!({"kind": "seminar", "title": "前年度", "held_on": "2026-03-31", "patients_count": 50}))
        .await
        .expect(201);
    event(
        &app,
        &far.con,
        json!({"kind": "cafe", "title": "c2", "held_on": "2026-06-20", "patients_count": 9}),
    )
    .await
    .expect(201);

    let r = app
        .get("/api/v1/reports/events?fiscal_year=2026", &t.sup)
        .await
        .expect(200);
    let row = |kind: &str| {
        r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == kind)
            .unwrap()
            .clone()
    };
    let cafe_row = row("cafe");
    assert_eq!(
        (
            &cafe_row["events"],
            &cafe_row["patients"],
            &cafe_row["families"],
            &cafe_row["professionals"],
            &cafe_row["people"],
            &cafe_row["named"]
        ),
        (
            &json!(2),
            &json!(13),
            &json!(3),
            &json!(1),
            &json!(17),
            &json!(1)
        )
    );
    assert_eq!(row("seminar")["events"], 1);
    assert_eq!(row("seminar")["people"], 24);
    assert_eq!(row("lecture")["events"], 0);
    assert_eq!(r.body["rows"].as_array().unwrap().len(), 7);
    assert_eq!(r.body["total"]["events"], 3);
    assert_eq!(r.body["total"]["people"], 41);
    assert_eq!(r.body["total"]["kind"], Value::Null);

    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/events?fiscal_year=2026",
            Some(&t.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    let text = String::from_utf8(csv.raw[3..].to_vec()).unwrap();
    assert!(text.contains("難病カフェ,2,13,3,1,17"), "{text}");
    assert!(text.contains("合計,3,33,3,5,41"), "{text}");
    app.get("/api/v1/reports/events?fiscal_year=2026", &t.con)
        .await
        .problem(403, "insufficient_role");
}

db_tests!(events_and_attendees, events_report_hand_computed);
