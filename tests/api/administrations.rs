//! Administrations (自治体): the system administrator registers them from the master and
//! assigns centers; their officers read their centers' figures per center and combined —
//! equal to the system administrator's figures for the same centers — and nothing of a
//! patient or of another administration.

use crate::db_tests;
use crate::helpers::{Db, INITIAL_PASSWORD, spawn};
use crate::reports::dataset;
use serde_json::json;

async fn registered_from_the_master_and_centers_assigned(db: Db) {
    let app = spawn(db).await;
    let t = &app.admin_token;
    // The master decides the name and the prefecture; a bad or mismatched code is refused.
    let a = app
        .post(
            "/api/v1/administrations",
            t,
            json!({"code": "340006", "kind": "prefecture"}),
        )
        .await
        .expect(201);
    assert_eq!(a.body["name"], "広島県");
    assert_eq!(a.body["prefecture_code"], "34");
    assert_eq!(a.body["suppression_threshold"], 5);
    assert_eq!(a.body["center_ids"], json!([]));
    let id = a.id();
    app.post(
        "/api/v1/administrations",
        t,
        json!({"code": "340006", "kind": "prefecture"}),
    )
    .await
    .problem(409, "code_taken");
    let bad = app
        .post(
            "/api/v1/administrations",
            t,
            json!({"code": "341002", "kind": "prefecture"}),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["code"]);
    let city = app
        .post(
            "/api/v1/administrations",
            t,
            json!({"code": "341002", "kind": "designated_city", "suppression_threshold": 10}),
        )
        .await
        .expect(201);
    assert_eq!(city.body["name"], "広島市");

    // Centers are assigned, and taken out, by the system administrator.
    let c1 = app.center("c1").await;
    let c2 = app.center("c2").await;
    app.assign_center(&c1, Some(&id)).await;
    app.assign_center(&c2, Some(&id)).await;
    let read = app
        .get(&format!("/api/v1/administrations/{id}"), t)
        .await
        .expect(200);
    let mut ids = vec![c1.id.clone(), c2.id.clone()];
    ids.sort();
    assert_eq!(read.body["center_ids"], json!(ids));
    app.assign_center(&c2, None).await;
    let read = app
        .get(&format!("/api/v1/administrations/{id}"), t)
        .await
        .expect(200);
    assert_eq!(read.body["center_ids"], json!([c1.id]));
    // A center's own administrator cannot move it.
    let c = app
        .get(&format!("/api/v1/centers/{}", c1.id), &c1.admin)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/centers/{}", c1.id),
        &c1.admin,
        Some(&c.etag()),
        json!({"administration_id": null}),
    )
    .await
    .problem(403, "insufficient_role");

    // An officer: only the system administrator gives the role, with an administration.
    app.post("/api/v1/users", &c1.admin, json!({"login": "x.officer", "display_name": "x", "role": "municipal_officer", "password": INITIAL_PASSWORD}))
        .await
        .problem(403, "role_not_assignable");
    let missing = app
        .post("/api/v1/users", t, json!({"login": "x.officer", "display_name": "x", "role": "municipal_officer", "password": INITIAL_PASSWORD}))
        .await
        .expect(422);
    assert_eq!(missing.fields(), ["administration_id"]);
    let (_, officer) = app.officer(&id, "hiroshima.pref").await;
    let me = app.get("/api/v1/me", &officer).await.expect(200);
    assert_eq!(me.body["role"], "municipal_officer");
    assert_eq!(me.body["administration_id"], id.as_str());
    assert_eq!(me.body["center_id"], serde_json::Value::Null);

    // The officer reads their own administration, and changes only its threshold.
    let own = app
        .get(&format!("/api/v1/administrations/{id}"), &officer)
        .await
        .expect(200);
    let list = app
        .get("/api/v1/administrations", &officer)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/administrations/{}", city.id()), &officer)
        .await
        .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/administrations/{id}"),
        &officer,
        Some(&own.etag()),
        json!({"name": "別名"}),
    )
    .await
    .problem(403, "insufficient_role");
    let changed = app
        .patch(
            &format!("/api/v1/administrations/{id}"),
            &officer,
            Some(&own.etag()),
            json!({"suppression_threshold": 3}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["suppression_threshold"], 3);
    app.patch(
        &format!("/api/v1/administrations/{id}"),
        &officer,
        Some(&own.etag()),
        json!({"suppression_threshold": 4}),
    )
    .await
    .problem(412, "precondition_failed");
    // Center staff have no part in it.
    app.get(&format!("/api/v1/administrations/{id}"), &c1.admin)
        .await
        .problem(403, "insufficient_role");
    // The audit trail has the officer's reads and change.
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(a, _)| a).collect();
    for a in [
        "administration.create",
        "administration.read",
        "administration.update",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
}

async fn an_officer_reads_figures_never_patients(db: Db) {
    let app = spawn(db).await;
    let (a, sup, b) = dataset(&app).await;
    let t = app.admin_token.clone();
    let pref = app.administration("340006", "prefecture", &[&a]).await;
    let tokyo = app.administration("130001", "prefecture", &[&b]).await;
    let (_, officer) = app.officer(&pref, "hiroshima.pref").await;

    // The officer's figures are the system administrator's for the same centers.
    for report in [
        "referral-levels",
        "cooperation-counts",
        "consultations",
        "employment-outcomes",
        "support-awareness",
        "outreach",
        "events",
        "supporter-sessions",
    ] {
        let path = format!("/api/v1/reports/{report}?fiscal_year=2025");
        let mine = app.get(&path, &officer).await.expect(200);
        let with_id = app
            .get(&format!("{path}&administration_id={pref}"), &officer)
            .await
            .expect(200);
        let admins = app
            .get(&format!("{path}&administration_id={pref}"), &t)
            .await
            .expect(200);
        assert_eq!(mine.body, admins.body, "{report}");
        assert_eq!(with_id.body, admins.body, "{report}");
        // Another administration's figures do not exist for this officer.
        app.get(&format!("{path}&administration_id={tokyo}"), &officer)
            .await
            .problem(404, "not_found");
    }
    let r = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2025", &officer)
        .await
        .expect(200);
    assert_eq!(r.body["n"], 1, "one center: A");
    let whole = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2025", &t)
        .await
        .expect(200);
    assert_eq!(whole.body["n"], 2);
    // The annual workbook too.
    let x = app
        .request(
            awc::http::Method::GET,
            "/api/v1/reports/annual?fiscal_year=2025",
            Some(&officer),
            &[],
            None,
        )
        .await
        .expect(200);
    assert!(x.raw.starts_with(b"PK"));
    // A center's supervisor cannot widen their report to an administration.
    app.get(
        &format!("/api/v1/reports/referral-levels?fiscal_year=2025&administration_id={pref}"),
        &sup,
    )
    .await
    .problem(422, "validation_failed");
    // No patient, consultation, referral or follow-up answers to an officer: 404.
    let patients = app.get("/api/v1/patients", &sup).await.expect(200);
    let pid = patients.body["items"][0]["id"].as_str().unwrap().to_owned();
    for path in [
        "/api/v1/patients".to_owned(),
        format!("/api/v1/patients/{pid}"),
        format!("/api/v1/patients/{pid}/timeline"),
        "/api/v1/consultations".to_owned(),
        "/api/v1/referrals".to_owned(),
        "/api/v1/follow-ups".to_owned(),
        "/api/v1/agencies".to_owned(),
        "/api/v1/audit-queue".to_owned(),
    ] {
        app.get(&path, &officer).await.problem(404, "not_found");
    }
    app.post(
        "/api/v1/patients",
        &officer,
        json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ",
               "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo",
               "employment_status": "not_working", "support_awareness": "unaware"}),
    )
    .await
    .problem(404, "not_found");
}

db_tests!(
    registered_from_the_master_and_centers_assigned,
    an_officer_reads_figures_never_patients,
);
