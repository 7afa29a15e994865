//! The PDCA register of regional issues and the yearly publication: an officer moves an
//! issue through the cycle with its history, links live figures equal to the reports' own
//! numbers, and publishes a summary whose small counts are suppressed; nothing of it
//! answers to another administration or to a center's staff.

use crate::db_tests;
use crate::helpers::{Db, spawn};
use crate::reports::dataset;
use awc::http::Method;
use serde_json::{Value, json};

fn figure<'a>(issue: &'a Value, kind: &str) -> &'a Value {
    issue["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no figure {kind}"))
}

async fn issues_move_through_the_cycle_with_their_history(db: Db) {
    let app = spawn(db).await;
    let (a, sup, b) = dataset(&app).await;
    let t = app.admin_token.clone();
    let pref = app.administration("340006", "prefecture", &[&a]).await;
    let tokyo = app.administration("130001", "prefecture", &[&b]).await;
    let (_, officer) = app.officer(&pref, "hiroshima.pref").await;
    let (_, other) = app.officer(&tokyo, "tokyo.pref").await;

    // Registered by the officer, idempotently; it starts at extraction.
    let body = json!({"title": "就労支援機関への紹介が案内のみに留まる", "category": "employment",
                      "evidence": "紹介の多くがレベル1"});
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "issue-1"),
    ];
    let send = || {
        app.request(
            Method::POST,
            "/api/v1/regional-issues",
            Some(&officer),
            &headers,
            Some(body.to_string().into_bytes()),
        )
    };
    let first = send().await.expect(201);
    let again = send().await.expect(201);
    assert_eq!(first.id(), again.id());
    assert_eq!(first.body["stage"], "extraction");
    assert_eq!(first.body["administration_id"], pref.as_str());
    let id = first.id();
    let path = format!("/api/v1/regional-issues/{id}");
    app.post(
        "/api/v1/regional-issues",
        &officer,
        json!({"title": "x", "category": "nothing"}),
    )
    .await
    .problem(422, "validation_failed");

    // Scope: another administration's officer finds nothing; center staff have no part;
    // the system administrator reads but does not run it.
    app.get(&path, &other).await.problem(404, "not_found");
    let theirs = app.get("/api/v1/regional-issues", &other).await.expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    app.patch(&path, &other, Some("*"), json!({"title": "乗っ取り"}))
        .await
        .problem(404, "not_found");
    app.get(&path, &sup).await.problem(403, "insufficient_role");
    app.get(&path, &t).await.expect(200);
    app.post(
        "/api/v1/regional-issues",
        &t,
        json!({"title": "x", "category": "other"}),
    )
    .await
    .problem(403, "insufficient_role");

    // The stage moves one step forward at a time, with If-Match and a reason.
    let stage = |to: &str, reason: &str| json!({"to_stage": to, "reason": reason});
    let changes = format!("{path}/stage-changes");
    let etag = app.get(&path, &officer).await.expect(200).etag();
    app.post(&changes, &officer, stage("planning", "協議会で確認"))
        .await
        .problem(428, "if_match_required");
    let post_change = |etag: String, to: &'static str, reason: &'static str| {
        let b = stage(to, reason).to_string().into_bytes();
        let changes = changes.clone();
        let officer = officer.clone();
        let app = &app;
        async move {
            app.request(
                Method::POST,
                &changes,
                Some(&officer),
                &[("content-type", "application/json"), ("if-match", &etag)],
                Some(b),
            )
            .await
        }
    };
    let skipped = post_change(etag.clone(), "implementation", "飛ばす")
        .await
        .expect(422);
    assert_eq!(skipped.body["errors"][0]["code"], "stage_skipped");
    let moved = post_change(etag.clone(), "planning", "協議会で課題として確認")
        .await
        .expect(201);
    assert_eq!(moved.body["issue"]["stage"], "planning");
    assert_eq!(moved.body["change"]["from_stage"], "extraction");
    // The old ETag is stale now.
    post_change(etag, "implementation", "古い版")
        .await
        .problem(412, "precondition_failed");
    let etag = moved.etag();
    let none = post_change(etag.clone(), "implementation", "対策なし")
        .await
        .expect(422);
    assert_eq!(none.body["errors"][0]["code"], "no_measures");
    let m = app
        .post(
            &format!("{path}/measures"),
            &officer,
            json!({"title": "同行支援の手引きを作成", "owner": "難病相談支援センター", "due_on": "2027-03-31"}),
        )
        .await
        .expect(201);
    assert_eq!(m.body["status"], "planned");
    let moved = post_change(etag, "implementation", "手引きの作成を開始")
        .await
        .expect(201);
    let done = app
        .patch(
            &format!("{path}/measures/{}", m.id()),
            &officer,
            Some(&m.etag()),
            json!({"status": "done"}),
        )
        .await
        .expect(200);
    assert_eq!(done.body["done_on"], "2026-06-01");
    app.patch(
        &format!("{path}/measures/{}", m.id()),
        &officer,
        Some(&done.etag()),
        json!({"status": "done", "done_on": "2099-01-01"}),
    )
    .await
    .problem(422, "validation_failed");
    let moved = post_change(moved.etag(), "evaluation", "年度末の評価")
        .await
        .expect(201);
    // Back to planning starts the cycle again.
    post_change(moved.etag(), "planning", "指標が動かず再検討")
        .await
        .expect(201);
    let history = app.get(&changes, &officer).await.expect(200);
    let steps: Vec<(Value, Value)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["from_stage"].clone(), c["to_stage"].clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Value::Null, json!("extraction")),
            (json!("extraction"), json!("planning")),
            (json!("planning"), json!("implementation")),
            (json!("implementation"), json!("evaluation")),
            (json!("evaluation"), json!("planning")),
        ]
    );
    assert_eq!(history.body[4]["reason"], "指標が動かず再検討");
    assert!(history.body[4]["changed_by_name"].is_string());
    app.get(&changes, &other).await.problem(404, "not_found");

    // Comments, and the trail of reads and changes.
    app.post(
        &format!("{path}/comments"),
        &officer,
        json!({"body": "次回の部会で扱う"}),
    )
    .await
    .expect(201);
    let comments = app
        .get(&format!("{path}/comments"), &officer)
        .await
        .expect(200);
    assert_eq!(comments.body[0]["body"], "次回の部会で扱う");
    assert!(comments.body[0]["author_name"].as_str().is_some());
    let filtered = app
        .get("/api/v1/regional-issues?stage=planning", &officer)
        .await
        .expect(200);
    assert_eq!(filtered.body["items"].as_array().unwrap().len(), 1);
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(a, _)| a).collect();
    for a in [
        "regional_issue.create",
        "regional_issue.read",
        "regional_issue.list",
        "regional_issue.stage_change",
        "regional_measure.create",
        "regional_measure.update",
        "regional_issue.comment",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
}

async fn linked_figures_are_the_reports_numbers_and_publication_suppresses(db: Db) {
    let app = spawn(db).await;
    let (a, sup, b) = dataset(&app).await;
    let t = app.admin_token.clone();
    let pref = app.administration("340006", "prefecture", &[&a]).await;
    app.administration("130001", "prefecture", &[&b]).await;
    let (_, officer) = app.officer(&pref, "hiroshima.pref").await;
    let issue = app
        .post(
            "/api/v1/regional-issues",
            &officer,
            json!({"title": "紹介が案内のみ", "category": "employment"}),
        )
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/regional-issues/{issue}");
    let link = |kind: &str, parameter: Option<&str>| json!({"kind": kind, "parameter": parameter, "target": "50%以下"});
    let linked = app
        .post(
            &format!("{path}/figures"),
            &officer,
            link("referrals_information_only_share", Some("hello_work")),
        )
        .await
        .expect(201);
    assert!(
        linked.body["label"]
            .as_str()
            .unwrap()
            .contains("ハローワーク")
    );
    app.post(
        &format!("{path}/figures"),
        &officer,
        link("consultations_on_topic", Some("employment")),
    )
    .await
    .expect(201);
    app.post(
        &format!("{path}/figures"),
        &officer,
        link("overdue_follow_ups", None),
    )
    .await
    .expect(201);
    for bad in [
        link("consultations_on_topic", Some("hello_work")),
        link("referrals_information_only_share", None),
        link("overdue_follow_ups", Some("x")),
        link("nothing", None),
    ] {
        app.post(&format!("{path}/figures"), &officer, bad)
            .await
            .problem(422, "validation_failed");
    }

    // The figures re-read now (FY2026 on the test's clock) equal the reports' own numbers
    // for the administration's centers.
    let read = app.get(&path, &officer).await.expect(200);
    let share = figure(&read.body, "referrals_information_only_share");
    let levels = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2026", &sup)
        .await
        .expect(200);
    let hw = levels.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agency_type"] == "hello_work")
        .unwrap();
    assert_eq!(share["current"]["fiscal_year"], 2026);
    assert_eq!(
        share["current"]["numerator"],
        hw["counts"]["information_only"]
    );
    assert_eq!(share["current"]["denominator"], hw["total"]);
    let consultations = app
        .get("/api/v1/reports/consultations?fiscal_year=2026", &officer)
        .await
        .expect(200);
    let topic = figure(&read.body, "consultations_on_topic");
    assert_eq!(
        topic["current"]["numerator"],
        consultations.body["by_topic"]["employment"]
    );
    assert_eq!(topic["baseline"], topic["current"]);

    // The preview of FY2025: the same figures over that year, suppressed under 5.
    let preview = format!("/api/v1/administrations/{pref}/publication-preview?fiscal_year=2025");
    let p = app.get(&preview, &officer).await.expect(200);
    let fy25 = app
        .get("/api/v1/reports/consultations?fiscal_year=2025", &officer)
        .await
        .expect(200);
    let employment25 = fy25.body["by_topic"]["employment"].as_i64().unwrap();
    assert!(employment25 > 0 && employment25 < 5, "{employment25}");
    let indicators = p.body["indicators"].as_array().unwrap().clone();
    let after = |kind: &str, list: &[Value]| {
        list.iter()
            .find(|i| i["kind"] == kind)
            .map(|i| i["after"].clone())
            .unwrap()
    };
    assert_eq!(
        after("consultations_on_topic", &indicators),
        json!({"count": null, "share": null, "label": "5未満"})
    );
    assert_eq!(
        after("referrals_information_only_share", &indicators)["label"],
        "5未満"
    );
    assert_eq!(p.body["fiscal_year_label"], "令和7年度");
    assert_eq!(p.body["issues_by_stage"][0]["count"], 1);
    // With a threshold of 1 the counts show: the report's own numbers.
    let adm = app
        .get(&format!("/api/v1/administrations/{pref}"), &officer)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/administrations/{pref}"),
        &officer,
        Some(&adm.etag()),
        json!({"suppression_threshold": 1}),
    )
    .await
    .expect(200);
    let p = app.get(&preview, &officer).await.expect(200);
    let indicators = p.body["indicators"].as_array().unwrap().clone();
    assert_eq!(
        after("consultations_on_topic", &indicators)["count"],
        employment25
    );
    let levels25 = app
        .get("/api/v1/reports/referral-levels?fiscal_year=2025", &sup)
        .await
        .expect(200);
    let hw25 = levels25.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agency_type"] == "hello_work")
        .unwrap()
        .clone();
    let part = hw25["counts"]["information_only"].as_i64().unwrap();
    let whole = hw25["total"].as_i64().unwrap();
    let expected = format!("{:.1}%", (part * 1000) as f64 / whole as f64 / 10.0);
    assert_eq!(
        after("referrals_information_only_share", &indicators)["label"],
        expected.as_str()
    );

    // Published, it is public without a sign-in, as JSON, CSV and Excel; nothing before.
    let public = "/api/v1/public/administrations/340006/summary?fiscal_year=2025";
    let anon = |path: &'static str| app.request(Method::GET, path, None, &[], None);
    anon(public).await.problem(404, "not_found");
    let published = app
        .post(
            &format!("/api/v1/administrations/{pref}/publications"),
            &officer,
            json!({"fiscal_year": 2025}),
        )
        .await
        .expect(201);
    assert_eq!(published.body["summary"]["administration_name"], "広島県");
    let shown = anon(public).await.expect(200);
    assert_eq!(
        after(
            "consultations_on_topic",
            shown.body["indicators"].as_array().unwrap()
        )["count"],
        employment25
    );
    let csv = anon("/api/v1/public/administrations/340006/summary?fiscal_year=2025&format=csv")
        .await
        .expect(200);
    let text = String::from_utf8_lossy(&csv.raw).to_string();
    assert!(text.contains("広島県"), "{text}");
    assert!(text.contains("課題の段階"));
    let xlsx = anon("/api/v1/public/administrations/340006/summary?fiscal_year=2025&format=xlsx")
        .await
        .expect(200);
    assert!(xlsx.raw.starts_with(b"PK"));
    anon("/api/v1/public/administrations/340006/summary?fiscal_year=2024")
        .await
        .problem(404, "not_found");
    anon("/api/v1/public/administrations/130001/summary?fiscal_year=2025")
        .await
        .problem(404, "not_found");
    // What was published stays as it was: a later threshold changes the preview only.
    let adm = app
        .get(&format!("/api/v1/administrations/{pref}"), &officer)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/administrations/{pref}"),
        &officer,
        Some(&adm.etag()),
        json!({"suppression_threshold": 50}),
    )
    .await
    .expect(200);
    let still = anon(public).await.expect(200);
    assert_eq!(still.body["suppression_threshold"], 1);
    let listed = app
        .get(
            &format!("/api/v1/administrations/{pref}/publications"),
            &officer,
        )
        .await
        .expect(200);
    assert_eq!(listed.body[0]["fiscal_year"], 2025);
    // Center staff neither preview nor publish.
    app.get(&preview, &sup)
        .await
        .problem(403, "insufficient_role");

    // The ministry's part-2 tables: the system administrator only.
    let national = app
        .get("/api/v1/reports/regional-councils?fiscal_year=2025", &t)
        .await
        .expect(200);
    assert_eq!(
        national.body["issues"],
        json!([{"category": "employment", "extraction": 1, "planning": 0, "implementation": 0, "evaluation": 0}])
    );
    let pref_row = &national.body["administrations"][0];
    assert_eq!(pref_row["kind"], "prefecture");
    assert_eq!(pref_row["administrations"], 2);
    assert_eq!(pref_row["with_council"], 0);
    app.get(
        "/api/v1/reports/regional-councils?fiscal_year=2025",
        &officer,
    )
    .await
    .problem(403, "insufficient_role");
}

db_tests!(
    issues_move_through_the_cycle_with_their_history,
    linked_figures_are_the_reports_numbers_and_publication_suppresses,
);
