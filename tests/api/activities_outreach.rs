//! Outreach (周知): activities recorded idempotently and changed with If-Match, their coded
//! kinds, how patients heard of the center at intake, and the report of new patients per
//! source per month and before/after each activity, hand-computed on both databases.

use crate::db_tests;
use crate::helpers::{ADMIN_PASSWORD, Center, Db, Resp, STAFF_PASSWORD, TestApp, spawn};
use awc::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

async fn patient(app: &TestApp, token: &str, source: Option<&str>) -> String {
    let mut body = json!({"family_name": "佐藤", "given_name": "一郎", "family_name_kana": "サトウ", "given_name_kana": "イチロウ", "birth_date": "1980-01-01", "program": "nanbyo", "employment_status": "job_seeking", "support_awareness": "unaware"});
    if let Some(s) = source {
        body["referral_source"] = json!(s);
    }
    app.post("/api/v1/patients", token, body)
        .await
        .expect(201)
        .id()
}

struct Team {
    c: Center,
    con: String,
    sup: String,
}

async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    let (_, con) = app.staff(&c, &format!("{code}.con"), "consultant").await;
    let (_, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    Team { c, con, sup }
}

/// Moves the clock on and signs everyone in again (tokens expire with the clock).
async fn later(app: &TestApp, days: i64, teams: &mut [(&mut Team, &str)]) {
    app.clock.advance(Duration::days(days));
    for (t, code) in teams.iter_mut() {
        t.con = app.login(&format!("{code}.con"), STAFF_PASSWORD).await;
        t.sup = app.login(&format!("{code}.sup"), STAFF_PASSWORD).await;
        t.c.admin = app.login(&format!("{code}.admin"), STAFF_PASSWORD).await;
    }
}

async fn outreach_activities(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let other = team(&app, "c2").await;

    // Created idempotently by any member of the center (the administrator too).
    let body = json!({"kind": "leaflet_at_application", "target": "県内の指定医療機関", "held_on": "2026-07-01", "quantity": 300, "unit": "枚", "facility_count": 12});
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "outreach-1"),
    ];
    let send = || {
        app.request(
            Method::POST,
            "/api/v1/outreach-activities",
            Some(&t.con),
            &headers,
            Some(body.to_string().into_bytes()),
        )
    };
    let first = send().await.expect(201);
    let again = send().await.expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.id(), again.id());
    let a = first.id();
    assert_eq!(first.body["quantity"], 300);
    assert_eq!(first.body["unit"], "枚");
    assert_eq!(first.body["facility_count"], 12);
    assert_eq!(first.body["kind_other"], Value::Null);
    assert_eq!(
        first.header("location").as_deref(),
        Some(format!("/api/v1/outreach-activities/{a}").as_str())
    );
    app.post(
        "/api/v1/outreach-activities",
        &t.c.admin,
        json!({"kind": "homepage", "held_on": "2025-12-01"}),
    )
    .await
    .expect(201);

    // Bad input names every bad field: a source that is no outreach, `other` without
    // saying what, a unit without a quantity, a negative count.
    let r = app
        .post(
            "/api/v1/outreach-activities",
            &t.con,
            json!({"kind": "family_friend", "held_on": "2026-13-01", "unit": "枚", "facility_count": -1}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["kind", "held_on", "facility_count", "unit"]
    );
    let r = app
        .post(
            "/api/v1/outreach-activities",
            &t.con,
            json!({"kind": "other", "held_on": "2026-06-01"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["kind_other"]);
    let r = app
        .post(
            "/api/v1/outreach-activities",
            &t.con,
            json!({"kind": "sns", "kind_other": "X", "held_on": "2026-06-01"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["kind_other"]);
    let o = app
        .post(
            "/api/v1/outreach-activities",
            &t.con,
            json!({"kind": "other", "kind_other": "市民公開講座", "held_on": "2026-06-01"}),
        )
        .await
        .expect(201);
    assert_eq!(o.body["kind_other"], "市民公開講座");

    // Lists by fiscal year and kind.
    let all = app
        .get("/api/v1/outreach-activities", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&all).len(), 3);
    let fy = app
        .get("/api/v1/outreach-activities?fiscal_year=2026", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&fy).len(), 2);
    let leaflets = app
        .get(
            "/api/v1/outreach-activities?fiscal_year=2026&kind=leaflet_at_application",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(items(&leaflets).len(), 1);
    assert_eq!(items(&leaflets)[0]["id"], a.as_str());
    app.get("/api/v1/outreach-activities?kind=unknown", &t.sup)
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/outreach-activities?fiscal_year=x", &t.sup)
        .await
        .problem(422, "validation_failed");

    // PATCH with If-Match; an `other` kind keeps its text until the kind is coded again.
    let got = app
        .get(&format!("/api/v1/outreach-activities/{a}"), &t.con)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/outreach-activities/{a}"),
        &t.con,
        None,
        json!({"quantity": 1}),
    )
    .await
    .problem(428, "if_match_required");
    let changed = app
        .patch(
            &format!("/api/v1/outreach-activities/{a}"),
            &t.con,
            Some(&got.etag()),
            json!({"quantity": 400, "target": null}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["quantity"], 400);
    assert_eq!(changed.body["target"], Value::Null);
    assert_eq!(changed.body["version"], 2);
    app.patch(
        &format!("/api/v1/outreach-activities/{a}"),
        &t.con,
        Some(&got.etag()),
        json!({"quantity": 1}),
    )
    .await
    .problem(412, "precondition_failed");
    let oid = o.id();
    let coded = app
        .patch(
            &format!("/api/v1/outreach-activities/{oid}"),
            &t.con,
            Some(&o.etag()),
            json!({"kind": "newsletter"}),
        )
        .await
        .expect(200);
    assert_eq!(coded.body["kind_other"], Value::Null);

    // Another center's activity is missing, like a missing one; a system administrator
    // belongs to no center.
    app.get(&format!("/api/v1/outreach-activities/{a}"), &other.sup)
        .await
        .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/outreach-activities/{a}"),
        &other.sup,
        Some("\"v2\""),
        json!({"quantity": 1}),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/outreach-activities", &app.admin_token)
        .await
        .problem(403, "center_staff_only");
    assert_eq!(
        items(
            &app.get("/api/v1/outreach-activities", &other.sup)
                .await
                .expect(200)
        )
        .len(),
        0
    );

    // The trail: the create, the change (field names only), the reads.
    let events = app.audit_events();
    let created = events
        .iter()
        .find(|e| e.action == "outreach_activity.create" && e.resource_id.as_deref() == Some(&a))
        .expect("create event");
    assert_eq!(created.outcome, "success");
    let update = events
        .iter()
        .find(|e| e.action == "outreach_activity.update" && e.resource_id.as_deref() == Some(&a))
        .expect("update event");
    assert_eq!(update.detail.as_deref(), Some("fields=target,quantity"));
    assert!(events.iter().any(|e| e.action == "outreach_activity.read"
        && e.resource_id.as_deref() == Some(&a)
        && e.outcome == "not_found"));
}

/// How a patient heard of the center: optional, coded, changed and cleared.
async fn referral_source_at_intake(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let p = patient(&app, &t.con, Some("msw")).await;
    let got = app
        .get(&format!("/api/v1/patients/{p}"), &t.con)
        .await
        .expect(200);
    assert_eq!(got.body["referral_source"], "msw");
    let none = patient(&app, &t.con, None).await;
    let none = app
        .get(&format!("/api/v1/patients/{none}"), &t.con)
        .await
        .expect(200);
    assert_eq!(none.body["referral_source"], Value::Null);
    let r = app
        .post("/api/v1/patients", &t.con, json!({"family_name": "佐藤", "given_name": "一郎", "family_name_kana": "サトウ", "given_name_kana": "イチロウ", "birth_date": "1980-01-01", "program": "nanbyo", "employment_status": "job_seeking", "support_awareness": "unaware", "referral_source": "tv"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["referral_source"]);
    let changed = app
        .patch(
            &format!("/api/v1/patients/{p}"),
            &t.con,
            Some(&got.etag()),
            json!({"referral_source": "family_friend"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["referral_source"], "family_friend");
    let cleared = app
        .patch(
            &format!("/api/v1/patients/{p}"),
            &t.con,
            Some(&changed.etag()),
            json!({"referral_source": null}),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["referral_source"], Value::Null);
    let read = app
        .get(&format!("/api/v1/patients/{p}"), &t.con)
        .await
        .expect(200);
    assert_eq!(read.body["referral_source"], Value::Null);
}

fn row(r: &Resp, source: Value) -> &Value {
    r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == source)
        .unwrap_or_else(|| panic!("no row {source}"))
}

fn effect(r: &Resp, id: &str) -> (i64, i64, i64) {
    let e = r.body["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["activity"]["id"] == id)
        .unwrap_or_else(|| panic!("no activity {id}"));
    (
        e["before"].as_i64().unwrap(),
        e["after"].as_i64().unwrap(),
        e["change"].as_i64().unwrap(),
    )
}

/// The outreach report, hand-computed. The clock starts on 2026-06-01 (Asia/Tokyo).
///
/// | registered | c1 | c2 |
/// |---|---|---|
/// | 06-01 | leaflet, sns, (not asked) | |
/// | 06-20 | sns, family_friend | |
/// | 07-01 | leaflet, leaflet | leaflet |
/// | 08-05 | leaflet | |
///
/// Activities of c1: leaflets on 07-01 (before 06-01…06-30: 1; after 07-01…07-30: 2, the
/// 08-05 one is 35 days on and the c2 one another center's), SNS on 06-15 (before
/// 05-16…06-14: 1; after 06-15…07-14: 1), and a leaflet drive of 2025 outside the year.
async fn outreach_report_hand_computed(db: Db) {
    let app = spawn(db).await;
    let mut t = team(&app, "c1").await;
    let mut other = team(&app, "c2").await;
    let leaflet = app
        .post("/api/v1/outreach-activities", &t.con, json!({"kind": "leaflet_at_application", "held_on": "2026-07-01", "quantity": 300, "unit": "枚", "facility_count": 12}))
        .await
        .expect(201)
        .id();
    let sns = app
        .post(
            "/api/v1/outreach-activities",
            &t.con,
            json!({"kind": "sns", "held_on": "2026-06-15"}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        "/api/v1/outreach-activities",
        &t.con,
        json!({"kind": "leaflet_at_application", "held_on": "2026-03-31"}),
    )
    .await
    .expect(201);

    patient(&app, &t.con, Some("leaflet_at_application")).await;
    patient(&app, &t.con, Some("sns")).await;
    patient(&app, &t.con, None).await;
    later(&app, 19, &mut [(&mut t, "c1"), (&mut other, "c2")]).await;
    patient(&app, &t.con, Some("sns")).await;
    patient(&app, &t.con, Some("family_friend")).await;
    later(&app, 11, &mut [(&mut t, "c1"), (&mut other, "c2")]).await;
    patient(&app, &t.con, Some("leaflet_at_application")).await;
    patient(&app, &t.con, Some("leaflet_at_application")).await;
    patient(&app, &other.con, Some("leaflet_at_application")).await;
    later(&app, 35, &mut [(&mut t, "c1"), (&mut other, "c2")]).await;
    patient(&app, &t.con, Some("leaflet_at_application")).await;

    let r = app
        .get("/api/v1/reports/outreach?fiscal_year=2026", &t.sup)
        .await
        .expect(200);
    assert_eq!(r.body["window_days"], 30);
    let months: Vec<&str> = r.body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0], "2026-04");
    assert_eq!(months[11], "2027-03");
    // April, May, June, July, August, …
    let counts = |s: Value| -> Vec<i64> {
        row(&r, s)["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        counts(json!("leaflet_at_application"))[..6],
        [0, 0, 1, 2, 1, 0]
    );
    assert_eq!(row(&r, json!("leaflet_at_application"))["total"], 4);
    assert_eq!(counts(json!("sns"))[..5], [0, 0, 2, 0, 0]);
    assert_eq!(counts(json!("family_friend"))[2], 1);
    assert_eq!(counts(Value::Null)[2], 1);
    assert_eq!(row(&r, json!("homepage"))["total"], 0);
    let totals: Vec<i64> = r.body["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect();
    assert_eq!(totals[..6], [0, 0, 5, 2, 1, 0]);
    assert_eq!(r.body["total"], 8);
    // Only the year's activities, by day.
    let ids: Vec<&str> = r.body["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [sns.as_str(), leaflet.as_str()]);
    assert_eq!(effect(&r, &leaflet), (1, 2, 1));
    assert_eq!(effect(&r, &sns), (1, 1, 0));
    assert_eq!(r.body["activities"][1]["activity"]["quantity"], 300);

    // The other center sees its own: one leaflet patient in July, no activity.
    let r2 = app
        .get("/api/v1/reports/outreach?fiscal_year=2026", &other.sup)
        .await
        .expect(200);
    assert_eq!(r2.body["total"], 1);
    assert_eq!(r2.body["activities"].as_array().unwrap().len(), 0);
    // Across centers, the system administrator sees both; each activity against its own
    // center's patients.
    let admin = app.login("admin", ADMIN_PASSWORD).await;
    let all = app
        .get("/api/v1/reports/outreach?fiscal_year=2026", &admin)
        .await
        .expect(200);
    assert_eq!(all.body["total"], 9);
    assert_eq!(effect(&all, &leaflet), (1, 2, 1));
    // Reports are a supervisor's or administrator's.
    app.get("/api/v1/reports/outreach?fiscal_year=2026", &t.con)
        .await
        .problem(403, "insufficient_role");

    // CSV and Excel.
    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/outreach?fiscal_year=2026",
            Some(&t.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("outreach-2026.csv")
    );
    let text = String::from_utf8(csv.raw[3..].to_vec()).unwrap();
    assert!(
        text.contains("申請時のリーフレット,0,0,1,2,1,0,0,0,0,0,0,0,4"),
        "{text}"
    );
    assert!(text.contains("未回答,0,0,1,"), "{text}");
    assert!(
        text.contains("2026-07-01,申請時のリーフレット,,300,枚,12,1,2,1"),
        "{text}"
    );
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let x = app
        .request(
            Method::GET,
            "/api/v1/reports/outreach?fiscal_year=2026",
            Some(&t.sup),
            &[("accept", xlsx_type)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(&x.raw[..2], b"PK", "an xlsx is a zip");
    assert!(
        app.audit_actions()
            .iter()
            .any(|(act, o)| act == "report.outreach" && o == "success")
    );
}

db_tests!(
    outreach_activities,
    referral_source_at_intake,
    outreach_report_hand_computed
);
