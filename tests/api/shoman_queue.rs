//! 小慢 support plans in the supervisor's audit queue, beside the referrals: waiting for
//! review, review overdue and escalated after the center's escalation days, actions
//! overdue; absent where the center does not run `shoman`.

use crate::db_tests;
use crate::helpers::{Db, STAFF_PASSWORD, spawn};
use crate::support_plans::{review, submitted_plan, team};
use chrono::Duration;
use serde_json::{Value, json};

fn reasons(q: &Value) -> Vec<(String, Vec<String>, i64)> {
    q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["plan_id"].as_str().unwrap().to_owned(),
                i["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
                i["days_overdue"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

async fn plans_in_the_audit_queue(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let path = format!("/api/v1/centers/{}", t.c.id);
    let e = app.get(&path, &t.c.admin).await.expect(200).etag();
    app.patch(&path, &t.c.admin, Some(&e), json!({"escalation_days": 7}))
        .await
        .expect(200);

    // Today is 2026-06-01. A waits for review; B is approved with its review on 10 June and
    // an action due 5 June; C is reviewed in six months; D is a draft.
    let a = submitted_plan(&app, &t.worker, &t.child).await;
    let b = submitted_plan(&app, &t.worker, &t.child).await;
    review(
        &app,
        &t.sup,
        &b,
        json!({"decision": "approved", "review_due_on": "2026-06-10"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/support-plans/{b}/actions"),
        &t.worker,
        json!({"body_kind": "school", "body_name": "県立高校", "responsible": "担任",
               "due_on": "2026-06-05"}),
    )
    .await
    .expect(201);
    let c = submitted_plan(&app, &t.worker, &t.child).await;
    review(&app, &t.sup, &c, json!({"decision": "approved"}))
        .await
        .expect(201);
    app.post(
        "/api/v1/support-plans",
        &t.worker,
        json!({"patient_id": t.child, "goals": []}),
    )
    .await
    .expect(201);

    let q = app.get("/api/v1/audit-queue", &t.sup).await.expect(200);
    let plans = &q.body["support_plans"];
    assert_eq!(plans["total"], 1);
    assert_eq!(reasons(plans), [(a.clone(), strs(&["awaiting_review"]), 0)]);
    assert_eq!(
        plans["items"][0]["case_number"],
        q_case(&app, &t.worker, &t.child).await
    );
    assert_eq!(
        plans["by_reason"],
        json!([{"reason": "awaiting_review", "count": 1}])
    );

    // A center without 小慢 has no plans part.
    let other = app.center("c2").await;
    let (_, sup) = app.staff(&other, "c2.sup", "supervisor").await;
    let q = app.get("/api/v1/audit-queue", &sup).await.expect(200);
    assert!(q.body.get("support_plans").is_none());

    // 12 June: B's review and its action are overdue (days from the action, the older).
    app.clock.advance(Duration::days(11));
    let sup = app.login("c1.sup", STAFF_PASSWORD).await;
    let q = app.get("/api/v1/audit-queue", &sup).await.expect(200);
    let plans = &q.body["support_plans"];
    assert_eq!(plans["total"], 2);
    assert_eq!(
        reasons(plans),
        [
            (b.clone(), strs(&["review_overdue", "action_overdue"]), 7),
            (a.clone(), strs(&["awaiting_review"]), 0),
        ]
    );
    assert_eq!(plans["items"][0]["review_due_on"], "2026-06-10");
    assert_eq!(plans["items"][0]["earliest_open_action_due"], "2026-06-05");

    // 20 June: ten days past the review is beyond the seven escalation days.
    app.clock.advance(Duration::days(8));
    let sup = app.login("c1.sup", STAFF_PASSWORD).await;
    let q = app.get("/api/v1/audit-queue", &sup).await.expect(200);
    assert_eq!(
        reasons(&q.body["support_plans"]),
        [
            (b.clone(), strs(&["review_escalated", "action_overdue"]), 15),
            (a, strs(&["awaiting_review"]), 0),
        ]
    );
}

async fn q_case(app: &crate::helpers::TestApp, token: &str, patient: &str) -> Value {
    app.get(&format!("/api/v1/patients/{patient}"), token)
        .await
        .expect(200)
        .body["case_number"]
        .clone()
}

/// `/reports/shoman-plans`, hand-computed: three plans written in fiscal 2026, one
/// returned, one approved with a review on 1 July that is only approved again on 10 July
/// (late), one action due in the year and one after it.
async fn plan_figures(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let a = submitted_plan(&app, &t.worker, &t.child).await;
    review(
        &app,
        &t.sup,
        &a,
        json!({"decision": "approved", "review_due_on": "2026-07-01"}),
    )
    .await
    .expect(201);
    let b = submitted_plan(&app, &t.worker, &t.child).await;
    review(
        &app,
        &t.sup,
        &b,
        json!({"decision": "returned", "comment": "目標を具体的に"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/support-plans",
        &t.worker,
        json!({"patient_id": t.child, "goals": []}),
    )
    .await
    .expect(201);
    for due in ["2026-06-20", "2027-04-02"] {
        app.post(
            &format!("/api/v1/support-plans/{a}/actions"),
            &t.worker,
            json!({"body_kind": "school", "body_name": "県立高校", "responsible": "担任",
                   "due_on": due}),
        )
        .await
        .expect(201);
    }

    // 10 July: the review of 1 July is made late.
    app.clock.advance(Duration::days(39));
    let worker = app.login("c1.worker", STAFF_PASSWORD).await;
    let sup = app.login("c1.sup", STAFF_PASSWORD).await;
    let etag = app
        .get(&format!("/api/v1/support-plans/{a}"), &worker)
        .await
        .expect(200)
        .etag();
    let e2 = app
        .patch(
            &format!("/api/v1/support-plans/{a}"),
            &worker,
            Some(&etag),
            json!({"wishes": "夏休みに職場体験", "goals": [
                {"kind": "employment", "text": "職場体験に参加する", "achieved_on": "2026-07-11"}]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(e2.fields(), ["goals[0].achieved_on"]);
    let e2 = app
        .patch(
            &format!("/api/v1/support-plans/{a}"),
            &worker,
            Some(&etag),
            json!({"wishes": "夏休みに職場体験", "goals": [
                {"kind": "employment", "text": "職場体験に参加する", "achieved_on": "2026-07-05"},
                {"kind": "schooling", "text": "欠席が続いても単位を取る"}]}),
        )
        .await
        .expect(200);
    assert_eq!(e2.body["goals"][0]["achieved_on"], "2026-07-05");
    assert!(e2.body["goals"][1].get("achieved_on").is_none());
    let e2 = e2.etag();
    app.patch(
        &format!("/api/v1/support-plans/{a}"),
        &worker,
        Some(&e2),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    review(&app, &sup, &a, json!({"decision": "approved"}))
        .await
        .expect(201);

    let r = app
        .get("/api/v1/reports/shoman-plans?fiscal_year=2026", &sup)
        .await
        .expect(200);
    let b = &r.body;
    assert_eq!(b["plans_written"], 3);
    assert_eq!(
        (b["approved"].clone(), b["returned"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(b["reviews_due"], 1);
    assert_eq!(b["reviewed_on_time"], 0);
    assert_eq!(b["reviewed_late"], 1);
    assert_eq!(b["not_yet_reviewed"], 0);
    assert_eq!(b["actions_due"], 1);
    assert_eq!(b["actions_open"], 1);
    assert_eq!(b["goals_reached"], 1);
    // The year before has none.
    let r = app
        .get("/api/v1/reports/shoman-plans?fiscal_year=2025", &sup)
        .await
        .expect(200);
    assert_eq!(r.body["plans_written"], 0);
    assert_eq!(r.body["approved"], 0);
    // A 自立支援員 does not read the center's figures; the system administrator does.
    app.get("/api/v1/reports/shoman-plans?fiscal_year=2026", &worker)
        .await
        .expect(403);
    let admin = app.login("admin", crate::helpers::ADMIN_PASSWORD).await;
    let r = app
        .get("/api/v1/reports/shoman-plans?fiscal_year=2026", &admin)
        .await
        .expect(200);
    assert_eq!(r.body["plans_written"], 3);
}

db_tests!(plans_in_the_audit_queue, plan_figures);
