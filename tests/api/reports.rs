//! The ministry's figures: a small known dataset on both databases, every number checked by
//! hand, fiscal-year edges in Tokyo time, level changes, anonymous consultations, two
//! centers that must not mix, the cross-center figures, and the CSV and Excel formats.

use crate::db_tests;
use crate::helpers::{Center, Db, INITIAL_PASSWORD, TestApp, spawn};
use serde_json::{Value, json};

async fn center_in(app: &TestApp, code: &str, prefecture: &str) -> Center {
    let c = app
        .post("/api/v1/centers", &app.admin_token, json!({"code": code, "name": code, "prefecture_code": prefecture, "operating_type": "municipality"}))
        .await
        .expect(201);
    app.patch(
        &format!("/api/v1/centers/{}", c.id()),
        &app.admin_token,
        Some(&c.etag()),
        json!({"totp_roles": []}),
    )
    .await
    .expect(200);
    let c = c.id();
    let login = format!("{code}.admin");
    app.post("/api/v1/users", &app.admin_token, json!({"center_id": c, "login": login, "display_name": "管理", "role": "center_admin", "password": INITIAL_PASSWORD}))
        .await
        .expect(201);
    Center {
        id: c,
        admin: app.first_sign_in(&login, INITIAL_PASSWORD).await,
    }
}

async fn new_patient(app: &TestApp, t: &str, status: &str, awareness: &str) -> String {
    app.post(
        "/api/v1/patients",
        t,
        json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ",
               "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo",
               "employment_status": status, "support_awareness": awareness}),
    )
    .await
    .expect(201)
    .id()
}

async fn consent_all(app: &TestApp, t: &str, p: &str) {
    app.post(
        &format!("/api/v1/patients/{p}/consents"),
        t,
        json!({"given_on": "2025-01-01", "scope": "all_agencies"}),
    )
    .await
    .expect(201);
}

async fn refer(
    app: &TestApp,
    t: &str,
    p: &str,
    agency: &str,
    purpose: &str,
    level: &str,
    on: &str,
) -> (String, String) {
    let mut b = json!({"patient_id": p, "agency_id": agency, "purpose": purpose, "level": level, "referred_on": on});
    if level != "information_only" {
        b["shared_items"] = json!(["name"]);
    }
    let r = app.post("/api/v1/referrals", t, b).await.expect(201);
    (r.id(), r.etag())
}

async fn consult(app: &TestApp, t: &str, body: Value) -> (String, String) {
    let r = app.post("/api/v1/consultations", t, body).await.expect(201);
    (r.id(), r.etag())
}

/// Builds the dataset; returns (center A, center A's supervisor token, center B).
pub(crate) async fn dataset(app: &TestApp) -> (Center, String, Center) {
    let a = center_in(app, "a", "34").await;
    let b = center_in(app, "b", "13").await;
    let (_, t) = app.staff(&a, "a.sato", "consultant").await;
    let (_, sup) = app.staff(&a, "a.suzuki", "supervisor").await;
    let (_, bt) = app.staff(&b, "b.sato", "consultant").await;
    let hw = app.agency(&a, "hello_work", "ハローワークA").await;
    let nk = app
        .agency(&a, "employment_life_support_center", "なかぽつA")
        .await;
    let bhw = app.agency(&b, "hello_work", "ハローワークB").await;

    let p1 = new_patient(app, &t, "not_working", "unaware").await;
    let p2 = new_patient(app, &t, "job_seeking", "aware_not_used").await;
    let p3 = new_patient(app, &t, "employed", "using").await;
    consent_all(app, &t, &p1).await;
    consent_all(app, &t, &p2).await;

    // FY2025 runs 2025-04-01 … 2026-03-31; R1 and R4 sit on its edges, R5 just after.
    refer(
        app,
        &t,
        &p3,
        &hw,
        "new_employment",
        "information_only",
        "2025-04-01",
    )
    .await;
    refer(
        app,
        &t,
        &p1,
        &hw,
        "new_employment",
        "phone_mediation",
        "2025-06-10",
    )
    .await;
    let (r3, e3) = refer(
        app,
        &t,
        &p2,
        &hw,
        "job_retention",
        "information_only",
        "2025-07-01",
    )
    .await;
    // Counted at the level recorded now: raised after the fact.
    app.patch(
        &format!("/api/v1/referrals/{r3}"),
        &t,
        Some(&e3),
        json!({"level": "accompanied", "shared_items": ["name", "contact"]}),
    )
    .await
    .expect(200);
    let (r4, _) = refer(
        app,
        &t,
        &p1,
        &hw,
        "new_employment",
        "accompanied_with_follow_up",
        "2026-03-31",
    )
    .await;
    refer(
        app,
        &t,
        &p2,
        &hw,
        "new_employment",
        "information_only",
        "2026-04-01",
    )
    .await;
    let (r6, e6) = refer(
        app,
        &t,
        &p2,
        &nk,
        "job_retention",
        "phone_mediation",
        "2025-05-05",
    )
    .await;
    // Outcomes: R4's follow-up finds a new job; R6 closes with the job kept.
    let fus = app
        .get(&format!("/api/v1/referrals/{r4}/follow-ups"), &t)
        .await
        .expect(200);
    let fid = fus.body["items"][0]["id"].as_str().unwrap().to_owned();
    let fe = app
        .get(&format!("/api/v1/follow-ups/{fid}"), &t)
        .await
        .expect(200)
        .etag();
    app.patch(&format!("/api/v1/follow-ups/{fid}"), &t, Some(&fe), json!({"done_on": "2026-05-01", "method": "phone", "contacted": "patient", "outcome": "employed"}))
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/referrals/{r6}"),
        &t,
        Some(&e6),
        json!({"status": "closed", "outcome": "retained", "closed_on": "2025-12-01"}),
    )
    .await
    .expect(200);

    // Consultations around the edges, in Tokyo time.
    let c = |at: &str,
             patient: Option<&str>,
             channel: &str,
             requester: &str,
             topics: Value,
             joint: bool| {
        json!({"occurred_at": at, "patient_id": patient, "channel": channel, "requester": requester, "topics": topics, "with_employment_supporter": joint})
    };
    consult(
        app,
        &t,
        c(
            "2025-03-31T23:59:00+09:00",
            Some(&p1),
            "phone",
            "patient",
            json!(["employment"]),
            false,
        ),
    )
    .await;
    consult(
        app,
        &t,
        c(
            "2025-04-01T00:00:00+09:00",
            Some(&p1),
            "phone",
            "patient",
            json!(["employment", "illness"]),
            true,
        ),
    )
    .await;
    consult(
        app,
        &t,
        c(
            "2026-03-31T23:59:00+09:00",
            None,
            "in_person",
            "family",
            json!(["welfare_system"]),
            false,
        ),
    )
    .await;
    consult(
        app,
        &t,
        c(
            "2026-04-01T00:00:00+09:00",
            Some(&p2),
            "phone",
            "patient",
            json!(["employment"]),
            false,
        ),
    )
    .await;
    consult(
        app,
        &t,
        c(
            "2025-10-10T10:00:00+09:00",
            Some(&p1),
            "outreach",
            "patient",
            json!(["employment"]),
            true,
        ),
    )
    .await;
    let (c6, e6) = consult(
        app,
        &t,
        c(
            "2025-10-11T10:00:00+09:00",
            Some(&p2),
            "phone",
            "agency",
            json!(["employment"]),
            false,
        ),
    )
    .await;
    // A correction moves it between channels.
    app.patch(
        &format!("/api/v1/consultations/{c6}"),
        &t,
        Some(&e6),
        json!({"channel": "email"}),
    )
    .await
    .expect(200);

    // Center B: one referral and one consultation in the same year, which A must never see.
    let bp = new_patient(app, &bt, "job_seeking", "unaware").await;
    consent_all(app, &bt, &bp).await;
    refer(
        app,
        &bt,
        &bp,
        &bhw,
        "new_employment",
        "accompanied_with_follow_up",
        "2025-08-01",
    )
    .await;
    consult(
        app,
        &bt,
        c(
            "2025-08-01T10:00:00+09:00",
            Some(&bp),
            "phone",
            "patient",
            json!(["employment"]),
            false,
        ),
    )
    .await;
    (a, sup, b)
}

async fn the_center_figures_are_exact(db: Db) {
    let app = spawn(db).await;
    let (a, sup, _) = dataset(&app).await;
    for query in ["fiscal_year=2025", "from=2025-04-01&to=2026-03-31"] {
        let r = app
            .get(&format!("/api/v1/reports/referral-levels?{query}"), &sup)
            .await
            .expect(200);
        assert_eq!(
            r.body["period"],
            json!({"from": "2025-04-01", "to": "2026-03-31"})
        );
        assert_eq!(
            r.body["rows"],
            json!([
                {"agency_type": "hello_work", "counts": {"information_only": 1, "phone_mediation": 1, "accompanied": 1, "accompanied_with_follow_up": 1}, "total": 4, "answer": "phone_mediation"},
                {"agency_type": "employment_life_support_center", "counts": {"information_only": 0, "phone_mediation": 1, "accompanied": 0, "accompanied_with_follow_up": 0}, "total": 1, "answer": "phone_mediation"},
                {"agency_type": "vocational_center", "counts": {"information_only": 0, "phone_mediation": 0, "accompanied": 0, "accompanied_with_follow_up": 0}, "total": 0, "answer": "none"},
                {"agency_type": "other", "counts": {"information_only": 0, "phone_mediation": 0, "accompanied": 0, "accompanied_with_follow_up": 0}, "total": 0, "answer": "none"},
            ]),
            "{query}"
        );

        let r = app
            .get(
                &format!("/api/v1/reports/cooperation-counts?{query}"),
                &a.admin,
            )
            .await
            .expect(200);
        let rows: Vec<(String, String, i64, String)> = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["agency_type"].as_str().unwrap().into(),
                    x["purpose"].as_str().unwrap().into(),
                    x["count"].as_i64().unwrap(),
                    x["band"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(rows.len(), 8);
        assert!(rows.contains(&(
            "hello_work".into(),
            "new_employment".into(),
            3,
            "1-9".into()
        )));
        assert!(rows.contains(&("hello_work".into(), "job_retention".into(), 1, "1-9".into())));
        assert!(rows.contains(&(
            "employment_life_support_center".into(),
            "job_retention".into(),
            1,
            "1-9".into()
        )));
        assert!(rows.contains(&(
            "employment_life_support_center".into(),
            "new_employment".into(),
            0,
            "none".into()
        )));
        assert!(rows.contains(&("other".into(), "new_employment".into(), 0, "none".into())));

        let r = app
            .get(&format!("/api/v1/reports/consultations?{query}"), &sup)
            .await
            .expect(200);
        let b = &r.body;
        assert_eq!(
            (
                b["total"].as_i64(),
                b["anonymous"].as_i64(),
                b["joint"].as_i64(),
                b["distinct_patients"].as_i64()
            ),
            (Some(4), Some(1), Some(2), Some(2)),
            "{query}: {b}"
        );
        assert_eq!(
            b["by_channel"],
            json!({"in_person": 1, "phone": 1, "email": 1, "outreach": 1, "home_visit": 0, "online": 0})
        );
        assert_eq!(
            b["by_requester"],
            json!({"patient": 2, "family": 1, "agency": 1, "other": 0})
        );
        assert_eq!(
            b["by_topic"],
            json!({"illness": 1, "employment": 3, "welfare_system": 1, "daily_life": 0, "peer_support": 0, "psychological": 0, "other": 0})
        );
        let months = b["by_month"].as_array().unwrap();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], json!({"month": "2025-04", "count": 1}));
        assert_eq!(months[6], json!({"month": "2025-10", "count": 2}));
        assert_eq!(months[11], json!({"month": "2026-03", "count": 1}));

        let r = app
            .get(
                &format!("/api/v1/reports/employment-outcomes?{query}"),
                &sup,
            )
            .await
            .expect(200);
        let find = |t: &str, p: &str| {
            r.body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["agency_type"] == t && x["purpose"] == p)
                .unwrap()
                .clone()
        };
        assert_eq!(
            find("hello_work", "new_employment"),
            json!({"agency_type": "hello_work", "purpose": "new_employment", "referred": 2, "achieved": 1, "rate": 0.5})
        );
        assert_eq!(
            find("hello_work", "job_retention"),
            json!({"agency_type": "hello_work", "purpose": "job_retention", "referred": 1, "achieved": 0, "rate": 0.0})
        );
        assert_eq!(
            find("employment_life_support_center", "job_retention")["rate"],
            1.0
        );
        assert_eq!(
            find("vocational_center", "new_employment")["rate"],
            Value::Null
        );
    }
    // Patients are registered "now" (fiscal year 2026).
    let r = app
        .get("/api/v1/reports/support-awareness?fiscal_year=2026", &sup)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 2);
    assert_eq!(
        r.body["rows"],
        json!([
            {"support_awareness": "using", "count": 0, "rate": 0.0},
            {"support_awareness": "used_before", "count": 0, "rate": 0.0},
            {"support_awareness": "aware_not_used", "count": 1, "rate": 0.5},
            {"support_awareness": "unaware", "count": 1, "rate": 0.5},
        ])
    );
    let r = app
        .get("/api/v1/reports/support-awareness?fiscal_year=2025", &sup)
        .await
        .expect(200);
    assert_eq!(r.body["total"], 0);
    // The next year sees R5 alone.
    let r = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2026", &sup)
        .await
        .expect(200);
    assert_eq!(r.body["rows"][0]["total"], 1);
    assert_eq!(r.body["rows"][0]["answer"], "information_only");
}

async fn across_centers_counts_centers_not_patients(db: Db) {
    let app = spawn(db).await;
    dataset(&app).await;
    let t = &app.admin_token;
    let r = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2025", t)
        .await
        .expect(200);
    assert_eq!(r.body["n"], 2);
    assert_eq!(
        r.body["rows"][0],
        json!({"agency_type": "hello_work", "answers": {"none": 0, "information_only": 0, "phone_mediation": 1, "accompanied": 0, "accompanied_with_follow_up": 1}})
    );
    assert_eq!(
        r.body["rows"][1]["answers"],
        json!({"none": 1, "information_only": 0, "phone_mediation": 1, "accompanied": 0, "accompanied_with_follow_up": 0})
    );
    assert_eq!(r.body["rows"][2]["answers"]["none"], 2);
    let r = app
        .get(
            "/api/v1/reports/referral-levels?fiscal_year=2025&prefecture_code=34",
            t,
        )
        .await
        .expect(200);
    assert_eq!(r.body["n"], 1);
    let r = app
        .get("/api/v1/reports/cooperation-counts?fiscal_year=2025", t)
        .await
        .expect(200);
    assert_eq!(
        r.body["rows"][0],
        json!({"agency_type": "hello_work", "purpose": "new_employment", "n": 2, "bands": {"1-9": 2, "10-49": 0, "50-99": 0, "100+": 0}})
    );
    assert_eq!(
        r.body["rows"][1],
        json!({"agency_type": "hello_work", "purpose": "job_retention", "n": 1, "bands": {"1-9": 1, "10-49": 0, "50-99": 0, "100+": 0}})
    );
    let r = app
        .get("/api/v1/reports/consultations?fiscal_year=2025", t)
        .await
        .expect(200);
    assert_eq!(
        (
            r.body["total"].as_i64(),
            r.body["distinct_patients"].as_i64()
        ),
        (Some(5), Some(3))
    );
    let r = app
        .get(
            "/api/v1/reports/consultations?from=2025-04-01&to=2026-03-31&prefecture_code=13",
            t,
        )
        .await
        .expect(200);
    assert_eq!(
        (
            r.body["total"].as_i64(),
            r.body["distinct_patients"].as_i64()
        ),
        (Some(1), Some(1))
    );
    // No patient, ever: nothing in any answer names one.
    for path in [
        "referral-levels",
        "cooperation-counts",
        "consultations",
        "employment-outcomes",
        "support-awareness",
    ] {
        let r = app
            .get(&format!("/api/v1/reports/{path}?fiscal_year=2025"), t)
            .await
            .expect(200);
        assert!(!r.body.to_string().contains("patient_id"), "{path}");
    }
    app.get(
        "/api/v1/reports/referral-levels?fiscal_year=2025&prefecture_code=99",
        t,
    )
    .await
    .problem(422, "validation_failed");
}

async fn reports_are_for_supervisors_and_admins_in_three_formats(db: Db) {
    let app = spawn(db).await;
    let (a, sup, _) = dataset(&app).await;
    let (_, consultant) = app.staff(&a, "a.kato", "consultant").await;
    app.get(
        "/api/v1/reports/referral-levels?fiscal_year=2025",
        &consultant,
    )
    .await
    .problem(403, "insufficient_role");
    app.get(
        "/api/v1/reports/referral-levels?fiscal_year=2025&prefecture_code=34",
        &sup,
    )
    .await
    .problem(422, "validation_failed");
    for bad in [
        "",
        "fiscal_year=25",
        "fiscal_year=2025&from=2025-04-01",
        "from=2025-05-01&to=2025-04-01",
        "from=2019-01-01&to=2025-01-01",
    ] {
        app.get(&format!("/api/v1/reports/cooperation-counts?{bad}"), &sup)
            .await
            .problem(422, "validation_failed");
    }

    let csv = app
        .request(
            awc::http::Method::GET,
            "/api/v1/reports/referral-levels?fiscal_year=2025",
            Some(&sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("referral-levels-2025.csv")
    );
    assert_eq!(
        &csv.raw[..3],
        b"\xEF\xBB\xBF",
        "Excel needs the BOM to read UTF-8"
    );
    let text = String::from_utf8(csv.raw[3..].to_vec()).unwrap();
    assert!(text.contains("相談先として患者に案内のみ"), "{text}");
    assert!(
        text.contains("ハローワーク,1,1,1,1,4,電話仲介の上、患者を誘導"),
        "{text}"
    );

    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let x = app
        .request(
            awc::http::Method::GET,
            "/api/v1/reports/employment-outcomes?fiscal_year=2025",
            Some(&sup),
            &[("accept", xlsx_type)],
            None,
        )
        .await
        .expect(200);
    assert_eq!(x.header("content-type").as_deref(), Some(xlsx_type));
    assert_eq!(&x.raw[..2], b"PK", "an xlsx is a zip");
    let annual = app
        .get("/api/v1/reports/annual?fiscal_year=2025", &a.admin)
        .await
        .expect(200);
    assert_eq!(annual.header("content-type").as_deref(), Some(xlsx_type));
    let zip = String::from_utf8_lossy(&annual.raw);
    // The five ministry reports, then outreach (周知の効果), events and 出張相談.
    for n in 1..=8 {
        assert!(
            zip.contains(&format!("xl/worksheets/sheet{n}.xml")),
            "sheet {n} missing"
        );
    }
    assert!(!zip.contains("xl/worksheets/sheet9.xml"));
    // Reading a report is in the audit trail.
    assert!(
        app.audit_actions()
            .iter()
            .any(|(act, o)| act == "report.referral_levels" && o == "success")
    );
}

/// Hello Work's (referred, achieved) for new employment and for job retention in FY2025.
async fn counts(app: &TestApp, t: &str) -> ((i64, i64), (i64, i64)) {
    let r = app
        .get("/api/v1/reports/employment-outcomes?fiscal_year=2025", t)
        .await
        .expect(200);
    let row = |purpose: &str| {
        r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["agency_type"] == "hello_work" && x["purpose"] == purpose)
            .map(|x| {
                (
                    x["referred"].as_i64().unwrap(),
                    x["achieved"].as_i64().unwrap(),
                )
            })
            .unwrap_or((0, 0))
    };
    (row("new_employment"), row("job_retention"))
}

/// The outcome counts follow the records: a follow-up outcome edited away takes the
/// referral out of "achieved", editing it back brings it in, and a changed purpose moves the
/// referral to the other row, judged by the new purpose.
async fn an_edited_outcome_moves_the_outcome_counts(db: Db) {
    let app = spawn(db).await;
    let c = center_in(&app, "e", "13").await;
    let (_, t) = app.staff(&c, "e.sup", "supervisor").await;
    let hw = app.agency(&c, "hello_work", "ハローワーク").await;
    let p = new_patient(&app, &t, "job_seeking", "unaware").await;
    consent_all(&app, &t, &p).await;
    let (rid, _) = refer(
        &app,
        &t,
        &p,
        &hw,
        "new_employment",
        "accompanied_with_follow_up",
        "2025-06-01",
    )
    .await;
    let fus = app
        .get(&format!("/api/v1/referrals/{rid}/follow-ups"), &t)
        .await
        .expect(200);
    let fid = fus.body["items"][0]["id"].as_str().unwrap().to_owned();
    let fpath = format!("/api/v1/follow-ups/{fid}");
    let etag = app.get(&fpath, &t).await.expect(200).etag();
    let recorded = app
        .patch(&fpath, &t, Some(&etag), json!({"done_on": "2025-06-15", "method": "phone", "contacted": "patient", "outcome": "employed"}))
        .await
        .expect(200);
    assert_eq!(counts(&app, &t).await, ((1, 1), (0, 0)));
    let edited = app
        .patch(
            &fpath,
            &t,
            Some(&recorded.etag()),
            json!({"outcome": "searching"}),
        )
        .await
        .expect(200);
    assert_eq!(
        counts(&app, &t).await,
        ((1, 0), (0, 0)),
        "an outcome edited away still counted"
    );
    app.patch(
        &fpath,
        &t,
        Some(&edited.etag()),
        json!({"outcome": "employed"}),
    )
    .await
    .expect(200);
    assert_eq!(counts(&app, &t).await, ((1, 1), (0, 0)));
    let retag = app
        .get(&format!("/api/v1/referrals/{rid}"), &t)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/referrals/{rid}"),
        &t,
        Some(&retag),
        json!({"purpose": "job_retention"}),
    )
    .await
    .expect(200);
    // Employed does not achieve keeping a job.
    assert_eq!(counts(&app, &t).await, ((0, 0), (1, 0)));
}

db_tests!(
    an_edited_outcome_moves_the_outcome_counts,
    the_center_figures_are_exact,
    across_centers_counts_centers_not_patients,
    reports_are_for_supervisors_and_admins_in_three_formats,
);
