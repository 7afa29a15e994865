//! 小慢: the consultation menu (required for a 小慢 patient, refused for others) and its
//! figure with a fiscal-year edge; liaison contacts with schools and employers (If-Match,
//! the plan and action they point at, another center, the consent a data passing rests on
//! and its record of provision, idempotent creation); consent given by a minor's guardian
//! with the child's assent from the center's age.

use crate::db_tests;
use crate::helpers::{Center, Db, TestApp, spawn};
use awc::http::Method;
use serde_json::{Value, json};

struct Team {
    c: Center,
    worker: String,
    sup: String,
    /// Born 2010-01-01: 16 on the test clock's day (2026-06-01).
    child: String,
}

async fn run_programs(app: &TestApp, c: &Center, programs: Value) {
    let etag = app
        .get(&format!("/api/v1/centers/{}", c.id), &app.admin_token)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/centers/{}", c.id),
        &app.admin_token,
        Some(&etag),
        json!({ "programs": programs }),
    )
    .await
    .expect(200);
}

async fn patient(app: &TestApp, token: &str, program: &str, birth_date: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": "小林", "given_name": "陽太", "family_name_kana": "コバヤシ", "given_name_kana": "ヨウタ", "birth_date": birth_date, "program": program, "employment_status": "student", "support_awareness": "unaware"}))
        .await
        .expect(201)
        .id()
}

/// A center running both programs, with a 自立支援員, a supervisor and a 小慢 child.
async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    run_programs(app, &c, json!(["nanbyo", "shoman"])).await;
    let (_, worker) = app
        .staff(&c, &format!("{code}.worker"), "self_reliance_worker")
        .await;
    let (_, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    let child = patient(app, &worker, "shoman", "2010-01-01").await;
    Team {
        c,
        worker,
        sup,
        child,
    }
}

fn consultation(patient: Option<&str>, at: &str, menu: Option<(&str, &str)>) -> Value {
    let mut b = json!({"patient_id": patient, "occurred_at": at, "channel": "phone", "requester": "family", "topics": ["daily_life"]});
    if let Some((m, r)) = menu {
        b["shoman_menu"] = json!(m);
        b["shoman_requester"] = json!(r);
    }
    b
}

fn row<'a>(report: &'a Value, menu: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["shoman_menu"] == menu)
        .unwrap()
}

async fn consultation_menu_and_its_figure(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let (_, con) = app.staff(&t.c, "c1.con", "consultant").await;
    let adult = patient(&app, &con, "nanbyo", "1980-04-01").await;

    // Required for a 小慢 child, refused for a 難病 patient.
    let now = "2026-06-01T00:00:00Z";
    app.post(
        "/api/v1/consultations",
        &t.worker,
        consultation(Some(&t.child), now, None),
    )
    .await
    .problem(422, "shoman_menu_required");
    app.post(
        "/api/v1/consultations",
        &t.worker,
        consultation(Some(&t.child), now, Some(("peer_counseling", ""))),
    )
    .await
    .expect(422);
    let mut only_menu = consultation(Some(&t.child), now, None);
    only_menu["shoman_menu"] = json!("peer_counseling");
    app.post("/api/v1/consultations", &t.worker, only_menu)
        .await
        .problem(422, "shoman_requester_required");
    app.post(
        "/api/v1/consultations",
        &con,
        consultation(Some(&adult), now, Some(("peer_counseling", "child"))),
    )
    .await
    .problem(422, "shoman_menu_not_applicable");
    let plain = app
        .post(
            "/api/v1/consultations",
            &con,
            consultation(Some(&adult), now, None),
        )
        .await
        .expect(201);
    assert_eq!(plain.body["shoman_menu"], Value::Null);

    // A: FY2026 (now). B: 2026-03-31 23:30 Tokyo, FY2025. C: 2026-04-01 00:10 Tokyo,
    // FY2026. D: anonymous, 2025-04-01 00:00 Tokyo, FY2025. E: anonymous, 2025-03-31
    // 23:59:59 Tokyo, FY2024.
    let a = app
        .post(
            "/api/v1/consultations",
            &t.worker,
            consultation(
                Some(&t.child),
                now,
                Some(("self_reliance_guidance", "family")),
            ),
        )
        .await
        .expect(201);
    assert_eq!(a.body["shoman_menu"], "self_reliance_guidance");
    assert_eq!(a.body["shoman_requester"], "family");
    for (patient, at, menu) in [
        (
            Some(t.child.as_str()),
            "2026-03-31T14:30:00Z",
            ("peer_counseling", "child"),
        ),
        (
            Some(t.child.as_str()),
            "2026-03-31T15:10:00Z",
            ("school_employer", "school"),
        ),
        (None, "2025-03-31T15:00:00Z", ("ryoiku_guidance", "family")),
        (None, "2025-03-31T14:59:59Z", ("peer_counseling", "child")),
    ] {
        app.post(
            "/api/v1/consultations",
            &t.worker,
            consultation(patient, at, Some(menu)),
        )
        .await
        .expect(201);
    }

    // Read, list and PATCH carry the fields; clearing the menu of a 小慢 child's
    // consultation is refused.
    let id = a.id();
    let read = app
        .get(&format!("/api/v1/consultations/{id}"), &t.worker)
        .await
        .expect(200);
    assert_eq!(read.body["shoman_requester"], "family");
    let listed = app
        .get(
            &format!("/api/v1/consultations?patient_id={}", t.child),
            &t.worker,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 3);
    assert!(
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["shoman_menu"].is_string())
    );
    app.patch(
        &format!("/api/v1/consultations/{id}"),
        &t.worker,
        Some(&read.etag()),
        json!({"shoman_menu": null}),
    )
    .await
    .problem(422, "shoman_menu_required");
    let patched = app
        .patch(
            &format!("/api/v1/consultations/{id}"),
            &t.worker,
            Some(&read.etag()),
            json!({"shoman_menu": "itinerant_guidance", "shoman_requester": "child"}),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["shoman_menu"], "itinerant_guidance");
    // A summary change on a 難病 patient's consultation never asks for a menu.
    app.patch(
        &format!("/api/v1/consultations/{}", plain.id()),
        &con,
        Some(&plain.etag()),
        json!({"summary": "追記"}),
    )
    .await
    .expect(200);

    // The figure, by hand: FY2025 holds B and D; FY2026 holds A (now itinerant/child) and C.
    let fy25 = app
        .get(
            "/api/v1/reports/shoman-consultations?fiscal_year=2025",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(fy25.body["period"]["from"], "2025-04-01");
    assert_eq!(fy25.body["total"], 2);
    assert_eq!(fy25.body["rows"].as_array().unwrap().len(), 5);
    assert_eq!(row(&fy25.body, "peer_counseling")["counts"]["child"], 1);
    assert_eq!(row(&fy25.body, "peer_counseling")["total"], 1);
    assert_eq!(row(&fy25.body, "ryoiku_guidance")["counts"]["family"], 1);
    assert_eq!(row(&fy25.body, "school_employer")["total"], 0);
    assert_eq!(
        fy25.body["totals"],
        json!({"child": 1, "family": 1, "school": 0, "employer": 0, "other": 0})
    );
    let fy26 = app
        .get(
            "/api/v1/reports/shoman-consultations?fiscal_year=2026",
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(fy26.body["total"], 2);
    assert_eq!(row(&fy26.body, "school_employer")["counts"]["school"], 1);
    assert_eq!(row(&fy26.body, "itinerant_guidance")["counts"]["child"], 1);
    assert_eq!(row(&fy26.body, "peer_counseling")["total"], 0);

    // CSV and Excel like the other reports; the system administrator across centers.
    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/shoman-consultations?fiscal_year=2025",
            Some(&t.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    assert!(
        csv.header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let text = String::from_utf8_lossy(&csv.raw);
    assert!(text.contains("ピアカウンセリング"), "{text}");
    let xlsx = app
        .request(
            Method::GET,
            "/api/v1/reports/shoman-consultations?fiscal_year=2025",
            Some(&t.sup),
            &[(
                "accept",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )],
            None,
        )
        .await
        .expect(200);
    assert!(xlsx.raw.starts_with(b"PK"));
    let across = app
        .get(
            "/api/v1/reports/shoman-consultations?fiscal_year=2025&prefecture_code=34",
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_eq!(across.body["total"], 2);
    // Consultants record, they do not report.
    app.get(
        "/api/v1/reports/shoman-consultations?fiscal_year=2025",
        &t.worker,
    )
    .await
    .expect(403);
}

/// A plan with one action for `child`; returns (plan id, action id).
async fn plan_with_action(app: &TestApp, token: &str, child: &str) -> (String, String) {
    let plan = app
        .post(
            "/api/v1/support-plans",
            token,
            json!({"patient_id": child, "goals": [{"kind": "schooling", "text": "単位を取る"}]}),
        )
        .await
        .expect(201)
        .id();
    let action = app
        .post(
            &format!("/api/v1/support-plans/{plan}/actions"),
            token,
            json!({"body_kind": "school", "body_name": "広島県立〇〇高等学校", "responsible": "担任", "due_on": "2026-07-01"}),
        )
        .await
        .expect(201)
        .id();
    (plan, action)
}

fn contact(child: &str) -> Value {
    json!({"patient_id": child, "body_kind": "school", "body_name": "広島県立〇〇高等学校", "contact_person": "担任", "channel": "phone", "contacted_on": "2026-05-20", "summary": "修学旅行時の服薬について相談"})
}

async fn liaison_contacts(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let (plan, action) = plan_with_action(&app, &t.worker, &t.child).await;
    let sibling = patient(&app, &t.worker, "shoman", "2012-02-02").await;
    let (other_plan, _) = plan_with_action(&app, &t.worker, &sibling).await;

    // Created idempotently against the plan's action.
    let mut body = contact(&t.child);
    body["action_id"] = json!(action);
    body["next_on"] = json!("2026-06-15");
    let bytes = body.to_string().into_bytes();
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "contact-1"),
    ];
    let first = app
        .request(
            Method::POST,
            "/api/v1/liaison-contacts",
            Some(&t.worker),
            &headers,
            Some(bytes.clone()),
        )
        .await
        .expect(201);
    let again = app
        .request(
            Method::POST,
            "/api/v1/liaison-contacts",
            Some(&t.worker),
            &headers,
            Some(bytes),
        )
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.id(), again.id());
    let id = first.id();
    // The action names its plan.
    assert_eq!(first.body["plan_id"], json!(plan));
    assert_eq!(first.body["channel"], "phone");
    assert_eq!(first.body["shared_data"], false);
    assert_eq!(first.body["provision"], Value::Null);
    assert_eq!(first.body["next_on"], "2026-06-15");

    // Read and listed by child, plan and action.
    let read = app
        .get(&format!("/api/v1/liaison-contacts/{id}"), &t.worker)
        .await
        .expect(200);
    assert_eq!(read.body["summary"], "修学旅行時の服薬について相談");
    for q in [
        format!("patient_id={}", t.child),
        format!("plan_id={plan}"),
        format!("action_id={action}"),
    ] {
        let l = app
            .get(&format!("/api/v1/liaison-contacts?{q}"), &t.sup)
            .await
            .expect(200);
        assert_eq!(l.body["items"].as_array().unwrap().len(), 1, "{q}");
    }
    let none = app
        .get(
            &format!("/api/v1/liaison-contacts?patient_id={sibling}"),
            &t.sup,
        )
        .await
        .expect(200);
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);

    // PATCH with If-Match.
    let path = format!("/api/v1/liaison-contacts/{id}");
    app.patch(&path, &t.worker, None, json!({"summary": "追記"}))
        .await
        .expect(428);
    let patched = app
        .patch(
            &path,
            &t.worker,
            Some(&read.etag()),
            json!({"summary": "修学旅行の引率教員と服薬時間を確認", "channel": "meeting", "next_on": null}),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["channel"], "meeting");
    assert_eq!(patched.body["next_on"], Value::Null);
    app.patch(
        &path,
        &t.worker,
        Some(&read.etag()),
        json!({"summary": "x"}),
    )
    .await
    .expect(412);

    // What it points at must be the child's.
    let mut mismatch = contact(&t.child);
    mismatch["plan_id"] = json!(other_plan);
    app.post("/api/v1/liaison-contacts", &t.worker, mismatch)
        .await
        .problem(422, "plan_not_of_patient");
    let mut mismatch = contact(&sibling);
    mismatch["plan_id"] = json!(other_plan);
    mismatch["action_id"] = json!(action);
    app.post("/api/v1/liaison-contacts", &t.worker, mismatch)
        .await
        .problem(422, "action_not_of_plan");
    app.patch(
        &path,
        &t.worker,
        Some(&patched.etag()),
        json!({"plan_id": other_plan}),
    )
    .await
    .expect(422);

    // Only for a 小慢 child; another center's contact is not found; a center without
    // shoman is refused.
    let (_, con) = app.staff(&t.c, "c1.con", "consultant").await;
    let adult = patient(&app, &con, "nanbyo", "1980-04-01").await;
    app.post("/api/v1/liaison-contacts", &t.worker, contact(&adult))
        .await
        .problem(422, "patient_not_shoman");
    let other = team(&app, "c2").await;
    app.get(&path, &other.worker)
        .await
        .problem(404, "not_found");
    app.patch(
        &path,
        &other.worker,
        Some(&patched.etag()),
        json!({"summary": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.post("/api/v1/liaison-contacts", &other.worker, contact(&t.child))
        .await
        .expect(422);
    let nanbyo = app.center("c3").await;
    let (_, c3) = app.staff(&nanbyo, "c3.con", "consultant").await;
    app.get("/api/v1/liaison-contacts", &c3)
        .await
        .problem(403, "program_not_offered");

    // Every read an access event naming the child, every change an audit event.
    let events = app.audit_events();
    let child_events = |action: &str| {
        events
            .iter()
            .filter(|e| e.action == action && e.patient_id.as_deref() == Some(t.child.as_str()))
            .count()
    };
    assert_eq!(child_events("liaison_contact.create"), 1);
    assert!(child_events("liaison_contact.read") >= 1);
    assert!(child_events("liaison_contact.list") >= 1);
    assert_eq!(child_events("liaison_contact.update"), 1);
}

async fn consent_covers_data_to_a_school(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let mut shared = contact(&t.child);
    shared["shared_data"] = json!(true);

    // No consent: refused, and nothing is written.
    app.post("/api/v1/liaison-contacts", &t.worker, shared.clone())
        .await
        .problem(422, "consent_required");
    // Consent for employment agencies does not reach a school.
    let consents = format!("/api/v1/patients/{}/consents", t.child);
    let guardian = json!({"given_on": "2026-05-01", "scope": "employment_agencies", "given_by": "guardian", "guardian_name": "小林 真理", "guardian_relationship": "母", "child_assent": true});
    app.post(&consents, &t.worker, guardian).await.expect(201);
    app.post("/api/v1/liaison-contacts", &t.worker, shared.clone())
        .await
        .problem(422, "consent_required");

    // Consent for schools, given by the guardian with the 16-year-old's assent.
    let schools = app
        .post(&consents, &t.worker, json!({"given_on": "2026-05-10", "scope": "schools", "given_by": "guardian", "guardian_name": "小林 真理", "guardian_relationship": "母", "child_assent": true}))
        .await
        .expect(201);
    // Not in force before it was given.
    let mut early = shared.clone();
    early["contacted_on"] = json!("2026-05-09");
    app.post("/api/v1/liaison-contacts", &t.worker, early)
        .await
        .problem(422, "consent_required");
    let c = app
        .post("/api/v1/liaison-contacts", &t.worker, shared.clone())
        .await
        .expect(201);
    let p = &c.body["provision"];
    assert_eq!(p["consent_id"], json!(schools.id()));
    assert_eq!(p["body_kind"], "school");
    assert_eq!(p["body_name"], "広島県立〇〇高等学校");
    assert_eq!(p["provided_on"], "2026-05-20");
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "data.provide"
        && e.resource_type == "liaison_provision"
        && e.patient_id.as_deref() == Some(t.child.as_str())));

    // The record stays what it says.
    app.patch(
        &format!("/api/v1/liaison-contacts/{}", c.id()),
        &t.worker,
        Some(&c.etag()),
        json!({"shared_data": false}),
    )
    .await
    .problem(422, "provision_recorded");

    // Turning sharing on later checks and records it then; an employer needs its own
    // scope.
    let mut employer = contact(&t.child);
    employer["body_kind"] = json!("employer");
    employer["body_name"] = json!("株式会社〇〇");
    let e = app
        .post("/api/v1/liaison-contacts", &t.worker, employer)
        .await
        .expect(201);
    assert_eq!(e.body["provision"], Value::Null);
    let epath = format!("/api/v1/liaison-contacts/{}", e.id());
    app.patch(
        &epath,
        &t.worker,
        Some(&e.etag()),
        json!({"shared_data": true}),
    )
    .await
    .problem(422, "consent_required");
    app.post(&consents, &t.worker, json!({"given_on": "2026-05-11", "scope": "all_bodies", "given_by": "guardian", "guardian_name": "小林 真理", "child_assent": true}))
        .await
        .expect(201);
    let shared_later = app
        .patch(
            &epath,
            &t.worker,
            Some(&e.etag()),
            json!({"shared_data": true}),
        )
        .await
        .expect(200);
    assert_eq!(shared_later.body["provision"]["body_kind"], "employer");
    // Sharing with a hospital is outside the rule: no consent asked, no record.
    let mut hospital = contact(&t.child);
    hospital["body_kind"] = json!("hospital");
    hospital["shared_data"] = json!(true);
    let h = app
        .post("/api/v1/liaison-contacts", &t.worker, hospital)
        .await
        .expect(201);
    assert_eq!(h.body["provision"], Value::Null);
}

async fn minors_consent(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let ten = patient(&app, &t.worker, "shoman", "2016-01-01").await;
    let nineteen = patient(&app, &t.worker, "shoman", "2007-01-01").await;
    let (_, con) = app.staff(&t.c, "c1.con", "consultant").await;
    let adult = patient(&app, &con, "nanbyo", "1980-04-01").await;
    let consents = |p: &str| format!("/api/v1/patients/{p}/consents");
    let base = json!({"given_on": "2026-05-01", "scope": "schools"});
    let with = |extra: Value| {
        let mut b = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };

    // A 10-year-old: the guardian, named.
    app.post(&consents(&ten), &t.worker, base.clone())
        .await
        .problem(422, "guardian_consent_required");
    app.post(
        &consents(&ten),
        &t.worker,
        with(json!({"given_by": "guardian"})),
    )
    .await
    .problem(422, "guardian_name_required");
    let c = app
        .post(
            &consents(&ten),
            &t.worker,
            with(json!({"given_by": "guardian", "guardian_name": "小林 真理", "guardian_relationship": "母"})),
        )
        .await
        .expect(201);
    assert_eq!(c.body["given_by"], "guardian");
    assert_eq!(c.body["guardian_name"], "小林 真理");
    assert_eq!(c.body["guardian_relationship"], "母");
    assert_eq!(c.body["child_assent"], false);
    let listed = app.get(&consents(&ten), &t.worker).await.expect(200);
    assert_eq!(listed.body["items"][0]["given_by"], "guardian");

    // A 16-year-old with the default age of 15: the guardian and the child.
    let guardian = with(json!({"given_by": "guardian", "guardian_name": "小林 真理"}));
    app.post(&consents(&t.child), &t.worker, guardian.clone())
        .await
        .problem(422, "child_assent_required");
    let both = app
        .post(
            &consents(&t.child),
            &t.worker,
            with(
                json!({"given_by": "guardian", "guardian_name": "小林 真理", "child_assent": true}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(both.body["child_assent"], true);
    // The center's administrator raises the age to 17: the guardian alone will do.
    let center = app
        .get(&format!("/api/v1/centers/{}", t.c.id), &t.c.admin)
        .await
        .expect(200);
    assert_eq!(center.body["child_assent_age"], 15);
    let raised = app
        .patch(
            &format!("/api/v1/centers/{}", t.c.id),
            &t.c.admin,
            Some(&center.etag()),
            json!({"child_assent_age": 17}),
        )
        .await
        .expect(200);
    assert_eq!(raised.body["child_assent_age"], 17);
    app.post(&consents(&t.child), &t.worker, guardian.clone())
        .await
        .expect(201);
    app.patch(
        &format!("/api/v1/centers/{}", t.c.id),
        &t.c.admin,
        Some(&raised.etag()),
        json!({"child_assent_age": 21}),
    )
    .await
    .expect(422);

    // An adult gives it themselves; a guardian only for a 小慢 patient under 20, with the
    // patient's assent.
    let own = app
        .post(
            &consents(&adult),
            &con,
            json!({"given_on": "2026-05-01", "scope": "all_agencies", "given_by": "self"}),
        )
        .await
        .expect(201);
    assert_eq!(own.body["given_by"], "self");
    app.post(
        &consents(&adult),
        &con,
        json!({"given_on": "2026-05-01", "scope": "all_agencies", "given_by": "guardian", "guardian_name": "母", "child_assent": true}),
    )
    .await
    .problem(422, "guardian_not_allowed");
    app.post(
        &consents(&adult),
        &con,
        json!({"given_on": "2026-05-01", "scope": "all_agencies", "guardian_name": "母"}),
    )
    .await
    .problem(422, "guardian_name_not_allowed");
    app.post(&consents(&nineteen), &t.worker, guardian)
        .await
        .problem(422, "child_assent_required");
    app.post(
        &consents(&nineteen),
        &t.worker,
        with(json!({"given_by": "guardian", "guardian_name": "小林 真理", "child_assent": true})),
    )
    .await
    .expect(201);
    app.post(&consents(&nineteen), &t.worker, base)
        .await
        .expect(201);
}

db_tests!(
    consultation_menu_and_its_figure,
    liaison_contacts,
    consent_covers_data_to_a_school,
    minors_consent,
);
