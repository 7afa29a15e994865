//! 小慢 self-reliance support: support plans drafted by the 自立支援員, four eyes on their
//! review, versions kept across revisions, review scheduling and the overdue lists, actions
//! followed up with If-Match, and the refusals (another center, a center without `shoman`,
//! a patient of another program).

use crate::db_tests;
use crate::helpers::{Center, Db, STAFF_PASSWORD, TestApp, spawn};
use awc::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

pub(crate) struct Team {
    pub c: Center,
    pub worker: String,
    pub worker_id: String,
    pub con: String,
    pub sup: String,
    pub sup_id: String,
    pub sup2: String,
    pub child: String,
}

/// A center running both programs, with a 自立支援員, a consultant, two supervisors and a
/// 小慢 child.
pub(crate) async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    run_programs(app, &c, json!(["nanbyo", "shoman"])).await;
    let (worker_id, worker) = app
        .staff(&c, &format!("{code}.worker"), "self_reliance_worker")
        .await;
    let (_, con) = app.staff(&c, &format!("{code}.con"), "consultant").await;
    let (sup_id, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    let (_, sup2) = app.staff(&c, &format!("{code}.sup2"), "supervisor").await;
    let child = patient(app, &worker, "shoman").await;
    Team {
        c,
        worker,
        worker_id,
        con,
        sup,
        sup_id,
        sup2,
        child,
    }
}

pub(crate) async fn run_programs(app: &TestApp, c: &Center, programs: Value) {
    let etag = app
        .get(&format!("/api/v1/centers/{}", c.id), &app.admin_token)
        .await
        .expect(200)
        .etag();
    let r = app
        .patch(
            &format!("/api/v1/centers/{}", c.id),
            &app.admin_token,
            Some(&etag),
            json!({ "programs": programs }),
        )
        .await
        .expect(200);
    assert_eq!(r.body["programs"], programs);
}

async fn patient(app: &TestApp, token: &str, program: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": "小林", "given_name": "陽太", "family_name_kana": "コバヤシ", "given_name_kana": "ヨウタ", "birth_date": "2010-05-01", "program": program, "employment_status": "student", "support_awareness": "unaware"}))
        .await
        .expect(201)
        .id()
}

fn plan_body(patient: &str) -> Value {
    json!({"patient_id": patient, "situation": "高校1年。月1回通院。", "wishes": "卒業後は地元で働きたい",
           "goals": [{"kind": "employment", "text": "職場体験に参加する"}, {"kind": "schooling", "text": "欠席が続いても単位を取る"}]})
}

/// Drafts a plan as `token` and submits it; returns its id.
pub(crate) async fn submitted_plan(app: &TestApp, token: &str, patient: &str) -> String {
    let p = app
        .post("/api/v1/support-plans", token, plan_body(patient))
        .await
        .expect(201);
    let id = p.id();
    app.patch(
        &format!("/api/v1/support-plans/{id}"),
        token,
        Some(&p.etag()),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    id
}

async fn plan_etag(app: &TestApp, token: &str, id: &str) -> String {
    app.get(&format!("/api/v1/support-plans/{id}"), token)
        .await
        .expect(200)
        .etag()
}

pub(crate) async fn review(
    app: &TestApp,
    token: &str,
    id: &str,
    body: Value,
) -> crate::helpers::Resp {
    app.post(&format!("/api/v1/support-plans/{id}/reviews"), token, body)
        .await
}

async fn four_eyes_and_versions(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;

    // Drafted by the 自立支援員, idempotently.
    let body = plan_body(&t.child).to_string().into_bytes();
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "plan-1"),
    ];
    let first = app
        .request(
            Method::POST,
            "/api/v1/support-plans",
            Some(&t.worker),
            &headers,
            Some(body.clone()),
        )
        .await
        .expect(201);
    let again = app
        .request(
            Method::POST,
            "/api/v1/support-plans",
            Some(&t.worker),
            &headers,
            Some(body),
        )
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.id(), again.id());
    let id = first.id();
    assert_eq!(first.body["state"], "draft");
    assert_eq!(first.body["revision"], 1);
    assert_eq!(first.body["author_id"], t.worker_id.as_str());
    assert_eq!(first.body["goals"][0]["kind"], "employment");
    let plans = app
        .get(
            &format!("/api/v1/support-plans?patient_id={}", t.child),
            &t.worker,
        )
        .await
        .expect(200);
    assert_eq!(plans.body["items"].as_array().unwrap().len(), 1);

    // Only a submitted plan is reviewed.
    review(&app, &t.sup, &id, json!({"decision": "approved"}))
        .await
        .problem(422, "plan_not_submitted");
    app.patch(
        &format!("/api/v1/support-plans/{id}"),
        &t.worker,
        Some(&first.etag()),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    let etag = plan_etag(&app, &t.worker, &id).await;
    app.patch(
        &format!("/api/v1/support-plans/{id}"),
        &t.worker,
        Some(&etag),
        json!({"wishes": "進学したい"}),
    )
    .await
    .problem(422, "plan_under_review");

    // Four eyes: neither the author, a consultant nor an unreviewed comment-less return.
    review(&app, &t.worker, &id, json!({"decision": "approved"}))
        .await
        .problem(403, "insufficient_role");
    review(&app, &t.con, &id, json!({"decision": "approved"}))
        .await
        .problem(403, "insufficient_role");
    let r = review(&app, &t.sup, &id, json!({"decision": "returned"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["comment"]);
    let r = review(
        &app,
        &t.sup,
        &id,
        json!({"decision": "returned", "comment": "就学の目標を具体的に"}),
    )
    .await
    .expect(201);
    assert_eq!(r.body["revision"], 1);
    let p = app
        .get(&format!("/api/v1/support-plans/{id}"), &t.worker)
        .await
        .expect(200);
    assert_eq!(p.body["state"], "returned");

    // A returned plan is revised as revision 2 and submitted again; revision 1 is kept.
    let p = app
        .patch(
            &format!("/api/v1/support-plans/{id}"),
            &t.worker,
            Some(&p.etag()),
            json!({"goals": [{"kind": "schooling", "text": "2学期は週4日登校する"}]}),
        )
        .await
        .expect(200);
    assert_eq!(
        (p.body["state"].as_str(), p.body["revision"].as_i64()),
        (Some("draft"), Some(2))
    );
    app.patch(
        &format!("/api/v1/support-plans/{id}"),
        &t.worker,
        Some(&p.etag()),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    let v = app
        .get(&format!("/api/v1/support-plans/{id}/versions"), &t.worker)
        .await
        .expect(200);
    let versions = v.body["items"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["revision"], 1);
    assert_eq!(versions[0]["goals"][0]["text"], "職場体験に参加する");
    assert_eq!(versions[1]["revision"], 2);
    assert_eq!(versions[1]["goals"][0]["text"], "2学期は週4日登校する");

    // Approved by a supervisor: the next review six months on (Asia/Tokyo today is 1 June).
    let r = review(&app, &t.sup, &id, json!({"decision": "approved"}))
        .await
        .expect(201);
    assert_eq!(r.body["review_due_on"], "2026-12-01");
    let p = app
        .get(&format!("/api/v1/support-plans/{id}"), &t.worker)
        .await
        .expect(200);
    assert_eq!(p.body["state"], "approved");
    assert_eq!(p.body["revision"], 2);
    assert_eq!(p.body["review_due_on"], "2026-12-01");
    assert_eq!(p.body["approved_on"], "2026-06-01");
    let reviews = app
        .get(&format!("/api/v1/support-plans/{id}/reviews"), &t.worker)
        .await
        .expect(200);
    let decisions: Vec<(&str, i64)> = reviews.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["decision"].as_str().unwrap(),
                r["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(decisions, vec![("returned", 1), ("approved", 2)]);

    // A plan a supervisor wrote is reviewed by another supervisor only.
    let own = submitted_plan(&app, &t.sup, &t.child).await;
    review(&app, &t.sup, &own, json!({"decision": "approved"}))
        .await
        .problem(403, "four_eyes");
    review(&app, &t.sup2, &own, json!({"decision": "approved"}))
        .await
        .expect(201);
    // …and one they submitted for someone else neither.
    let p = app
        .post("/api/v1/support-plans", &t.worker, plan_body(&t.child))
        .await
        .expect(201);
    let theirs = p.id();
    app.patch(
        &format!("/api/v1/support-plans/{theirs}"),
        &t.sup,
        Some(&p.etag()),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    review(&app, &t.sup, &theirs, json!({"decision": "approved"}))
        .await
        .problem(403, "four_eyes");

    // Reads name the patient in the trail; changes are events.
    let events = app.audit_events();
    let child = Some(t.child.as_str());
    assert!(events.iter().any(|e| e.action == "support_plan.read"
        && e.patient_id.as_deref() == child
        && e.resource_id.as_deref() == Some(id.as_str())));
    for action in [
        "support_plan.create",
        "support_plan.submit",
        "support_plan.update",
        "support_plan.versions",
        "support_plan_review.create",
        "support_plan_review.list",
        "support_plan.list",
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.patient_id.as_deref() == child),
            "{action}"
        );
    }
    assert!(
        events
            .iter()
            .any(|e| e.action == "support_plan_review.create"
                && e.outcome == "denied"
                && e.actor_id.as_deref() == Some(t.sup_id.as_str()))
    );
}

async fn review_scheduling_and_overdue_lists(db: Db) {
    let app = spawn(db).await;
    let mut t = team(&app, "c1").await;
    // A milestone given by the reviewer; the date must lie ahead.
    let a = submitted_plan(&app, &t.worker, &t.child).await;
    let r = review(
        &app,
        &t.sup,
        &a,
        json!({"decision": "approved", "review_due_on": "2026-06-01"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["review_due_on"]);
    let r = review(
        &app,
        &t.sup,
        &a,
        json!({"decision": "approved", "review_due_on": "2026-09-01"}),
    )
    .await
    .expect(201);
    assert_eq!(r.body["review_due_on"], "2026-09-01");
    // Six months on by default.
    let b = submitted_plan(&app, &t.worker, &t.child).await;
    review(&app, &t.sup, &b, json!({"decision": "approved"}))
        .await
        .expect(201);
    // Still a draft: no review scheduled.
    let draft = app
        .post("/api/v1/support-plans", &t.worker, plan_body(&t.child))
        .await
        .expect(201)
        .id();

    // An action of plan b due 10 June.
    let made = app
        .post(&format!("/api/v1/support-plans/{b}/actions"), &t.worker,
              json!({"body_kind": "school", "body_name": "県立高校", "responsible": "担任 山本", "due_on": "2026-06-10", "description": "通院日の欠席への配慮"}))
        .await
        .expect(201);
    let action = made.id();
    assert_eq!(made.body["state"], "open");
    assert_eq!(made.body["overdue"], false);
    let bad = app
        .post(
            &format!("/api/v1/support-plans/{b}/actions"),
            &t.worker,
            json!({"body_kind": "shop", "body_name": "", "responsible": "x", "due_on": "soon"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.fields(), vec!["body_kind", "body_name", "due_on"]);

    let ids = |r: &crate::helpers::Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let overdue = app
        .get("/api/v1/support-plans?review_due=overdue", &t.worker)
        .await
        .expect(200);
    assert!(ids(&overdue).is_empty());
    let scheduled = app
        .get("/api/v1/support-plans?review_due=scheduled", &t.worker)
        .await
        .expect(200);
    assert_eq!(
        ids(&scheduled),
        vec![a.clone(), b.clone()],
        "earliest review first"
    );
    app.get(
        "/api/v1/support-plans?review_due=late&state=gone",
        &t.worker,
    )
    .await
    .problem(422, "validation_failed");

    // 2 September in Tokyo (1 September 15:00 UTC + 10 h): plan a's review is overdue,
    // and so is the action.
    app.clock.advance(Duration::days(92) + Duration::hours(15));
    t.worker = app.login("c1.worker", STAFF_PASSWORD).await;
    t.sup = app.login("c1.sup", STAFF_PASSWORD).await;
    let overdue = app
        .get("/api/v1/support-plans?review_due=overdue", &t.worker)
        .await
        .expect(200);
    assert_eq!(ids(&overdue), vec![a.clone()]);
    assert_eq!(overdue.body["items"][0]["review_overdue"], true);
    let approved = app
        .get(
            "/api/v1/support-plans?state=approved&review_due=scheduled",
            &t.worker,
        )
        .await
        .expect(200);
    assert_eq!(ids(&approved), vec![b.clone()]);
    let drafts = app
        .get("/api/v1/support-plans?state=draft", &t.worker)
        .await
        .expect(200);
    assert_eq!(ids(&drafts), vec![draft]);
    let late_actions = app
        .get("/api/v1/support-plans?action_overdue=true", &t.worker)
        .await
        .expect(200);
    assert_eq!(ids(&late_actions), vec![b.clone()]);
    let list = app
        .get(&format!("/api/v1/support-plans/{b}/actions"), &t.worker)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["overdue"], true);

    // Followed up with If-Match: a stale ETag is refused, an outcome is required.
    let path = format!("/api/v1/support-plans/{b}/actions/{action}");
    let etag = app.get(&path, &t.worker).await.expect(200).etag();
    app.patch(
        &path,
        &t.worker,
        Some(&etag),
        json!({"responsible": "学年主任 田中"}),
    )
    .await
    .expect(200);
    app.patch(
        &path,
        &t.worker,
        Some(&etag),
        json!({"state": "done", "outcome": "配慮を得た"}),
    )
    .await
    .problem(412, "precondition_failed");
    app.patch(&path, &t.worker, None, json!({"state": "done"}))
        .await
        .problem(428, "if_match_required");
    let etag = app.get(&path, &t.worker).await.expect(200).etag();
    let r = app
        .patch(&path, &t.worker, Some(&etag), json!({"state": "done"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["outcome"]);
    let r = app
        .patch(
            &path,
            &t.worker,
            Some(&etag),
            json!({"state": "done", "outcome": "通院日の配慮を得た", "next_on": "2026-10-01"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["overdue"], false);
    assert_eq!(r.body["next_on"], "2026-10-01");
    let late_actions = app
        .get("/api/v1/support-plans?action_overdue=true", &t.worker)
        .await
        .expect(200);
    assert!(ids(&late_actions).is_empty());

    // Revising the overdue plan and having it approved schedules the next review.
    let etag = plan_etag(&app, &t.worker, &a).await;
    let p = app
        .patch(
            &format!("/api/v1/support-plans/{a}"),
            &t.worker,
            Some(&etag),
            json!({"situation": "高校2年。通院は2か月に1回。", "state": "submitted"}),
        )
        .await
        .expect(200);
    assert_eq!(
        (p.body["state"].as_str(), p.body["revision"].as_i64()),
        (Some("submitted"), Some(2))
    );
    assert_eq!(
        p.body["review_overdue"], true,
        "until the revision is approved"
    );
    review(&app, &t.sup, &a, json!({"decision": "approved"}))
        .await
        .expect(201);
    let p = app
        .get(&format!("/api/v1/support-plans/{a}"), &t.worker)
        .await
        .expect(200);
    assert_eq!(p.body["review_due_on"], "2027-03-02");
    assert_eq!(p.body["review_overdue"], false);
    let events = app.audit_events();
    for action in [
        "support_plan_action.create",
        "support_plan_action.read",
        "support_plan_action.list",
        "support_plan_action.update",
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.patient_id.is_some()),
            "{action}"
        );
    }
}

async fn refused_elsewhere(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let plan = submitted_plan(&app, &t.worker, &t.child).await;
    let etag = plan_etag(&app, &t.worker, &plan).await;

    // A patient of the 難病 program has no support plan.
    let adult = patient(&app, &t.con, "nanbyo").await;
    app.post("/api/v1/support-plans", &t.con, plan_body(&adult))
        .await
        .problem(422, "patient_not_shoman");
    let r = app
        .post(
            "/api/v1/support-plans",
            &t.con,
            plan_body(&uuid::Uuid::now_v7().to_string()),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["patient_id"]);

    // Another center's plan is not found, whoever asks.
    let other = team(&app, "c2").await;
    app.get(&format!("/api/v1/support-plans/{plan}"), &other.worker)
        .await
        .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/support-plans/{plan}"),
        &other.worker,
        Some(&etag),
        json!({"wishes": "x"}),
    )
    .await
    .problem(404, "not_found");
    review(&app, &other.sup, &plan, json!({"decision": "approved"}))
        .await
        .problem(404, "not_found");
    app.get(
        &format!("/api/v1/support-plans/{plan}/versions"),
        &other.worker,
    )
    .await
    .problem(404, "not_found");
    app.post(&format!("/api/v1/support-plans/{plan}/actions"), &other.worker,
             json!({"body_kind": "school", "body_name": "x", "responsible": "x", "due_on": "2026-07-01"}))
        .await
        .problem(404, "not_found");
    app.post("/api/v1/support-plans", &other.worker, plan_body(&t.child))
        .await
        .problem(422, "validation_failed");
    let listed = app
        .get("/api/v1/support-plans", &other.worker)
        .await
        .expect(200);
    assert!(listed.body["items"].as_array().unwrap().is_empty());

    // A center that does not run 小慢 refuses the work with a code that says so.
    let nanbyo = app.center("c3").await;
    let (_, con) = app.staff(&nanbyo, "c3.con", "consultant").await;
    let (_, worker) = app
        .staff(&nanbyo, "c3.worker", "self_reliance_worker")
        .await;
    let kid = patient(&app, &con, "shoman").await;
    app.get("/api/v1/support-plans", &worker)
        .await
        .problem(403, "program_not_offered");
    app.post("/api/v1/support-plans", &con, plan_body(&kid))
        .await
        .problem(403, "program_not_offered");
    // …until it does.
    run_programs(&app, &nanbyo, json!(["shoman"])).await;
    app.post("/api/v1/support-plans", &worker, plan_body(&kid))
        .await
        .expect(201);
    // Programs are the system administrator's to set, and there is at least one.
    let etag = app
        .get(&format!("/api/v1/centers/{}", nanbyo.id), &nanbyo.admin)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/centers/{}", nanbyo.id),
        &nanbyo.admin,
        Some(&etag),
        json!({"programs": ["nanbyo"]}),
    )
    .await
    .problem(403, "insufficient_role");
    let r = app
        .patch(
            &format!("/api/v1/centers/{}", nanbyo.id),
            &app.admin_token,
            Some(&etag),
            json!({"programs": []}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["programs"]);

    // Stale and missing If-Match on a plan.
    app.patch(
        &format!("/api/v1/support-plans/{plan}"),
        &t.worker,
        Some("\"v1\""),
        json!({"wishes": "x"}),
    )
    .await
    .problem(412, "precondition_failed");
    app.patch(
        &format!("/api/v1/support-plans/{plan}"),
        &t.worker,
        None,
        json!({"wishes": "x"}),
    )
    .await
    .problem(428, "if_match_required");
    // A center administrator does not see children's plans.
    app.get("/api/v1/support-plans", &t.c.admin)
        .await
        .problem(403, "insufficient_role");
}

/// The 自立支援員 is a role staff are created with, and has a consultant's reach in the
/// same center (patients too), not a supervisor's.
async fn the_self_reliance_worker_role(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let me = app.get("/api/v1/me", &t.worker).await.expect(200);
    assert_eq!(me.body["role"], "self_reliance_worker");
    app.get(&format!("/api/v1/patients/{}", t.child), &t.worker)
        .await
        .expect(200);
    app.get("/api/v1/audit-queue", &t.worker)
        .await
        .problem(403, "insufficient_role");
    app.get("/api/v1/notifications", &t.worker)
        .await
        .expect(200);
    let _ = &t.sup_id;
}

/// A third-party application with `shoman:write` names whose plan it records, reads with
/// `shoman:read`, and never reviews.
async fn api_clients_name_the_author_and_do_not_review(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let made = app
        .post(
            "/api/v1/api-clients",
            &t.c.admin,
            json!({"name": "支援計画連携", "scopes": ["shoman:read", "shoman:write"]}),
        )
        .await
        .expect(201);
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        made.body["client_id"].as_str().unwrap(),
        made.body["client_secret"].as_str().unwrap()
    );
    let token = app
        .request(
            Method::POST,
            "/api/v1/oauth/token",
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(form.into_bytes()),
        )
        .await
        .expect(200)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post("/api/v1/support-plans", &token, plan_body(&t.child))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["author_id"]);
    let mut body = plan_body(&t.child);
    body["author_id"] = json!(t.worker_id);
    let p = app
        .post("/api/v1/support-plans", &token, body)
        .await
        .expect(201);
    assert_eq!(p.body["author_id"], t.worker_id.as_str());
    let id = p.id();
    app.patch(
        &format!("/api/v1/support-plans/{id}"),
        &token,
        Some(&p.etag()),
        json!({"state": "submitted"}),
    )
    .await
    .expect(200);
    review(&app, &token, &id, json!({"decision": "approved"}))
        .await
        .problem(403, "client_not_allowed");
    review(&app, &t.sup, &id, json!({"decision": "approved"}))
        .await
        .expect(201);
    app.get(&format!("/api/v1/support-plans/{id}/reviews"), &token)
        .await
        .expect(200);
}

db_tests!(
    four_eyes_and_versions,
    review_scheduling_and_overdue_lists,
    refused_elsewhere,
    the_self_reliance_worker_role,
    api_clients_name_the_author_and_do_not_review,
);
