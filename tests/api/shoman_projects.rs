//! 小慢 optional projects (任意事業), their sessions and the needs register: records with
//! If-Match and idempotent creates, the activity that must fit the project's kind, named
//! participants only with a consent in force, the refusals (another center, a center
//! without `shoman`), API clients with the shoman scopes, and the figures hand-computed
//! across a fiscal year's edge (31 March / 1 April, Asia/Tokyo).

use crate::db_tests;
use crate::helpers::{Center, Db, Resp, TestApp, spawn};
use awc::http::Method;
use serde_json::{Value, json};

struct Team {
    c: Center,
    worker: String,
    worker_id: String,
    sup: String,
    /// A 小慢 child with a consent in force from 2026-03-01.
    child: String,
    /// A 小慢 child without any consent.
    unconsented: String,
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

async fn patient(app: &TestApp, token: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": "小林", "given_name": "陽太", "family_name_kana": "コバヤシ", "given_name_kana": "ヨウタ", "birth_date": "2012-05-01", "program": "shoman", "employment_status": "student", "support_awareness": "unaware"}))
        .await
        .expect(201)
        .id()
}

/// A center running 小慢 with a 自立支援員, a supervisor and two children.
async fn team(app: &TestApp, code: &str) -> Team {
    let c = app.center(code).await;
    run_programs(app, &c, json!(["nanbyo", "shoman"])).await;
    let (worker_id, worker) = app
        .staff(&c, &format!("{code}.worker"), "self_reliance_worker")
        .await;
    let (_, sup) = app.staff(&c, &format!("{code}.sup"), "supervisor").await;
    let child = patient(app, &worker).await;
    app.post(
        &format!("/api/v1/patients/{child}/consents"),
        &worker,
        json!({"given_on": "2026-03-01", "scope": "all_agencies"}),
    )
    .await
    .expect(201);
    let unconsented = patient(app, &worker).await;
    Team {
        c,
        worker,
        worker_id,
        sup,
        child,
        unconsented,
    }
}

async fn project(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/projects", token, body).await
}

async fn session(app: &TestApp, token: &str, project: &str, body: Value) -> Resp {
    app.post(&format!("/api/v1/projects/{project}/sessions"), token, body)
        .await
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

async fn projects_sessions_and_needs(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;

    // A project, created idempotently.
    let body = json!({"kind": "exchange", "name": "きょうだい交流会", "started_on": "2026-04-01", "partner": "NPO法人 つなぐ会"});
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", "project-1"),
    ];
    let first = app
        .request(
            Method::POST,
            "/api/v1/projects",
            Some(&t.worker),
            &headers,
            Some(body.to_string().into_bytes()),
        )
        .await
        .expect(201);
    let again = app
        .request(
            Method::POST,
            "/api/v1/projects",
            Some(&t.worker),
            &headers,
            Some(body.to_string().into_bytes()),
        )
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.id(), again.id());
    let p = first.id();
    assert_eq!(first.body["kind"], "exchange");
    assert_eq!(first.body["active"], true);
    assert_eq!(first.body["ended_on"], Value::Null);
    assert_eq!(first.body["partner"], "NPO法人 つなぐ会");
    assert_eq!(
        first.header("location").as_deref(),
        Some(format!("/api/v1/projects/{p}").as_str())
    );
    // A second, already ended one; bad input says what is wrong.
    let ended = project(&app, &t.worker, json!({"kind": "respite", "name": "一時預かり", "started_on": "2025-04-01", "ended_on": "2026-03-31"}))
        .await
        .expect(201);
    assert_eq!(ended.body["active"], false);
    let r = project(
        &app,
        &t.worker,
        json!({"kind": "camp", "name": "", "started_on": "2026-04-01", "ended_on": "2026-03-01"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["kind", "name", "ended_on"]);

    // Lists by kind and activity.
    let all = app.get("/api/v1/projects", &t.sup).await.expect(200);
    assert_eq!(items(&all).len(), 2);
    let active = app
        .get("/api/v1/projects?active=true", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&active).len(), 1);
    assert_eq!(items(&active)[0]["id"], p.as_str());
    let inactive = app
        .get("/api/v1/projects?active=false", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&inactive)[0]["id"], ended.id().as_str());
    let respite = app
        .get("/api/v1/projects?kind=respite", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&respite).len(), 1);
    app.get("/api/v1/projects?kind=camp", &t.sup)
        .await
        .problem(422, "validation_failed");
    let paged = app
        .get("/api/v1/projects?limit=1", &t.sup)
        .await
        .expect(200);
    let cursor = paged.body["next_cursor"].as_str().unwrap().to_owned();
    let next = app
        .get(&format!("/api/v1/projects?limit=1&cursor={cursor}"), &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&next).len(), 1);
    assert_eq!(next.body["next_cursor"], Value::Null);

    // PATCH with If-Match: missing 428, stale 412, current 200.
    let got = app
        .get(&format!("/api/v1/projects/{p}"), &t.worker)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/projects/{p}"),
        &t.worker,
        None,
        json!({"name": "x"}),
    )
    .await
    .problem(428, "if_match_required");
    let changed = app
        .patch(
            &format!("/api/v1/projects/{p}"),
            &t.worker,
            Some(&got.etag()),
            json!({"name": "きょうだい交流キャンプ", "description": "夏のキャンプ", "partner": null}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["name"], "きょうだい交流キャンプ");
    assert_eq!(changed.body["partner"], Value::Null);
    assert_eq!(changed.body["version"], 2);
    app.patch(
        &format!("/api/v1/projects/{p}"),
        &t.worker,
        Some(&got.etag()),
        json!({"name": "x"}),
    )
    .await
    .problem(412, "precondition_failed");

    // Sessions: the activity fits the kind; named participants need a consent in force.
    session(
        &app,
        &t.worker,
        &p,
        json!({"held_on": "2026-05-10", "activity": "work_experience", "children_count": 3}),
    )
    .await
    .problem(422, "activity_not_for_kind");
    session(&app, &t.worker, &p, json!({"held_on": "2026-05-10", "activity": "children_meeting", "children_count": 3, "participants": [{"patient_id": t.unconsented, "role": "child"}]}))
        .await
        .problem(422, "participant_without_consent");
    // The child's consent was given on 2026-03-01: a session before that is not covered.
    session(&app, &t.worker, &p, json!({"held_on": "2026-02-20", "activity": "children_meeting", "children_count": 3, "participants": [{"patient_id": t.child, "role": "child"}]}))
        .await
        .problem(422, "participant_without_consent");
    let r = session(&app, &t.worker, &p, json!({"held_on": "2026-05-10", "activity": "children_meeting", "children_count": 0, "family_count": -1, "participants": [{"patient_id": t.child, "role": "child"}], "staff_ids": [t.c.id]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["children_count", "family_count", "staff_ids"]
    );
    let s = session(&app, &t.worker, &p, json!({"held_on": "2026-05-10", "activity": "children_meeting", "place": "県立こども病院", "online": false, "staff_ids": [t.worker_id], "children_count": 4, "family_count": 2, "participants": [{"patient_id": t.child, "role": "child"}, {"patient_id": t.child, "role": "family"}], "notes": "6人が参加"}))
        .await
        .expect(201);
    let sid = s.id();
    assert_eq!(
        s.header("location").as_deref(),
        Some(format!("/api/v1/project-sessions/{sid}").as_str())
    );
    assert_eq!(s.body["project_id"], p.as_str());
    assert_eq!(s.body["activity"], "children_meeting");
    assert_eq!(s.body["staff_ids"], json!([t.worker_id]));
    assert_eq!(s.body["participants"].as_array().unwrap().len(), 2);
    // `other` fits every kind.
    session(
        &app,
        &t.worker,
        &p,
        json!({"held_on": "2026-05-20", "activity": "other", "online": true, "children_count": 2}),
    )
    .await
    .expect(201);
    let list = app
        .get(&format!("/api/v1/projects/{p}/sessions"), &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&list).len(), 2);

    // The named child's timeline shows the session.
    let tl = app
        .get(&format!("/api/v1/patients/{}/timeline", t.child), &t.worker)
        .await
        .expect(200);
    let sessions: Vec<&Value> = items(&tl)
        .iter()
        .filter(|e| e["kind"] == "project_session")
        .collect();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["date"], "2026-05-10");
    assert_eq!(sessions[0]["project_session"]["id"], sid.as_str());
    let other = app
        .get(
            &format!("/api/v1/patients/{}/timeline", t.unconsented),
            &t.worker,
        )
        .await
        .expect(200);
    assert!(!items(&other).iter().any(|e| e["kind"] == "project_session"));

    // Reading a session with named participants is an access event naming them.
    let read = app
        .get(&format!("/api/v1/project-sessions/{sid}"), &t.sup)
        .await
        .expect(200);
    let events = app.audit_events();
    let reads: Vec<_> = events
        .iter()
        .filter(|e| e.action == "project_session.read")
        .collect();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].patient_id.as_deref(), Some(t.child.as_str()));
    assert_eq!(reads[0].resource_id.as_deref(), Some(sid.as_str()));
    assert!(events.iter().any(|e| e.action == "project_session.create"
        && e.patient_id.as_deref() == Some(t.child.as_str())));
    assert!(
        events.iter().any(|e| e.action == "project_session.list"
            && e.patient_id.as_deref() == Some(t.child.as_str()))
    );
    assert!(events.iter().any(|e| e.action == "project.update"));

    // Changing a session: If-Match; the participants are checked again.
    app.patch(
        &format!("/api/v1/project-sessions/{sid}"),
        &t.worker,
        Some(&read.etag()),
        json!({"participants": [{"patient_id": t.unconsented, "role": "child"}]}),
    )
    .await
    .problem(422, "participant_without_consent");
    app.patch(
        &format!("/api/v1/project-sessions/{sid}"),
        &t.worker,
        Some(&read.etag()),
        json!({"activity": "temporary_care"}),
    )
    .await
    .problem(422, "activity_not_for_kind");
    let s2 = app
        .patch(
            &format!("/api/v1/project-sessions/{sid}"),
            &t.worker,
            Some(&read.etag()),
            json!({"activity": "workshop", "participants": [], "family_count": 3, "place": null}),
        )
        .await
        .expect(200);
    assert_eq!(s2.body["activity"], "workshop");
    assert_eq!(s2.body["participants"], json!([]));
    assert_eq!(s2.body["place"], Value::Null);
    assert_eq!(s2.body["version"], 2);
    app.patch(
        &format!("/api/v1/project-sessions/{sid}"),
        &t.worker,
        Some(&read.etag()),
        json!({"notes": "x"}),
    )
    .await
    .problem(412, "precondition_failed");
    // A project's kind cannot move away from the sessions it held.
    let etag = app
        .get(&format!("/api/v1/projects/{p}"), &t.worker)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/projects/{p}"),
        &t.worker,
        Some(&etag),
        json!({"kind": "respite"}),
    )
    .await
    .problem(422, "activity_not_for_kind");

    // Needs: named or anonymous, open → met.
    let n = app
        .post("/api/v1/needs", &t.worker, json!({"kind": "sibling_support", "description": "きょうだいの預け先がなく通院に付き添えない", "noted_on": "2026-05-10", "patient_id": t.child}))
        .await
        .expect(201);
    assert_eq!(n.body["status"], "open");
    assert_eq!(n.body["met_on"], Value::Null);
    let anon = app
        .post("/api/v1/needs", &t.worker, json!({"kind": "learning_support", "description": "長期入院中の学習支援がない", "noted_on": "2026-05-11"}))
        .await
        .expect(201);
    assert_eq!(anon.body["patient_id"], Value::Null);
    let r = app
        .post("/api/v1/needs", &t.worker, json!({"kind": "wish", "description": "", "noted_on": "2026-05-11", "patient_id": t.c.id, "status": "open", "met_on": "2026-05-12"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        r.fields(),
        vec!["kind", "description", "patient_id", "met_on"]
    );
    let mine = app
        .get(&format!("/api/v1/needs?patient_id={}", t.child), &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&mine).len(), 1);
    let open = app
        .get("/api/v1/needs?status=open&kind=learning_support", &t.sup)
        .await
        .expect(200);
    assert_eq!(items(&open).len(), 1);
    assert_eq!(items(&open)[0]["id"], anon.id().as_str());
    let met = app
        .patch(
            &format!("/api/v1/needs/{}", n.id()),
            &t.worker,
            Some(&n.etag()),
            json!({"status": "met", "met_on": "2026-05-20"}),
        )
        .await
        .expect(200);
    assert_eq!(met.body["status"], "met");
    assert_eq!(met.body["met_on"], "2026-05-20");
    // Reopened: the met day goes with it.
    let reopened = app
        .patch(
            &format!("/api/v1/needs/{}", n.id()),
            &t.worker,
            Some(&met.etag()),
            json!({"status": "open"}),
        )
        .await
        .expect(200);
    assert_eq!(reopened.body["met_on"], Value::Null);
    app.patch(
        &format!("/api/v1/needs/{}", n.id()),
        &t.worker,
        Some(&met.etag()),
        json!({"status": "dropped"}),
    )
    .await
    .problem(412, "precondition_failed");
    app.get(&format!("/api/v1/needs/{}", n.id()), &t.sup)
        .await
        .expect(200);
    let events = app.audit_events();
    assert!(
        events
            .iter()
            .any(|e| e.action == "need.read" && e.patient_id.as_deref() == Some(t.child.as_str()))
    );
    assert!(events.iter().any(|e| e.action == "need.update"
        && e.patient_id.as_deref() == Some(t.child.as_str())));
}

async fn refused_elsewhere(db: Db) {
    let app = spawn(db).await;
    let a = team(&app, "c1").await;
    let b = team(&app, "c2").await;
    let p = project(
        &app,
        &a.worker,
        json!({"kind": "respite", "name": "一時預かり", "started_on": "2026-04-01"}),
    )
    .await
    .expect(201);
    let s = session(
        &app,
        &a.worker,
        &p.id(),
        json!({"held_on": "2026-05-10", "activity": "temporary_care", "children_count": 1}),
    )
    .await
    .expect(201);
    let n = app
        .post(
            "/api/v1/needs",
            &a.worker,
            json!({"kind": "respite", "description": "夜間の預け先", "noted_on": "2026-05-10"}),
        )
        .await
        .expect(201);

    // Another center's records answer 404, like missing ones.
    for path in [
        format!("/api/v1/projects/{}", p.id()),
        format!("/api/v1/projects/{}/sessions", p.id()),
        format!("/api/v1/project-sessions/{}", s.id()),
        format!("/api/v1/needs/{}", n.id()),
    ] {
        app.get(&path, &b.worker).await.problem(404, "not_found");
    }
    app.patch(
        &format!("/api/v1/projects/{}", p.id()),
        &b.worker,
        Some(&p.etag()),
        json!({"name": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/project-sessions/{}", s.id()),
        &b.worker,
        Some(&s.etag()),
        json!({"notes": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/needs/{}", n.id()),
        &b.worker,
        Some(&n.etag()),
        json!({"status": "dropped"}),
    )
    .await
    .problem(404, "not_found");
    session(
        &app,
        &b.worker,
        &p.id(),
        json!({"held_on": "2026-05-10", "activity": "temporary_care"}),
    )
    .await
    .problem(404, "not_found");
    // Another center's child is no participant here.
    session(&app, &b.worker, &project(&app, &b.worker, json!({"kind": "respite", "name": "預かり", "started_on": "2026-04-01"})).await.expect(201).id(), json!({"held_on": "2026-05-10", "activity": "temporary_care", "children_count": 1, "participants": [{"patient_id": a.child, "role": "child"}]}))
        .await
        .problem(422, "participant_not_found");
    assert!(items(&app.get("/api/v1/projects", &b.worker).await.expect(200)).len() == 1);
    assert!(items(&app.get("/api/v1/needs", &b.worker).await.expect(200)).is_empty());

    // A 難病-only center does not run these projects.
    let nanbyo = app.center("n1").await;
    let (_, con) = app.staff(&nanbyo, "n1.con", "consultant").await;
    let (_, sup) = app.staff(&nanbyo, "n1.sup", "supervisor").await;
    app.get("/api/v1/projects", &con)
        .await
        .problem(403, "program_not_offered");
    project(
        &app,
        &con,
        json!({"kind": "respite", "name": "x", "started_on": "2026-04-01"}),
    )
    .await
    .problem(403, "program_not_offered");
    app.post(
        "/api/v1/needs",
        &con,
        json!({"kind": "respite", "description": "x", "noted_on": "2026-05-10"}),
    )
    .await
    .problem(403, "program_not_offered");
    app.get("/api/v1/needs", &con)
        .await
        .problem(403, "program_not_offered");
    app.get("/api/v1/reports/shoman-projects?fiscal_year=2025", &sup)
        .await
        .problem(403, "program_not_offered");
    // A center administrator manages staff, not children's records.
    app.get("/api/v1/projects", &a.c.admin)
        .await
        .problem(403, "insufficient_role");
    let _ = (&a.sup, &b.sup, &a.unconsented);
}

/// A third-party application reads with `shoman:read` and records with `shoman:write`.
async fn api_clients_use_the_shoman_scopes(db: Db) {
    let app = spawn(db).await;
    let t = team(&app, "c1").await;
    let client = |scopes: Value| {
        let app = &app;
        let admin = t.c.admin.clone();
        async move {
            let made = app
                .post(
                    "/api/v1/api-clients",
                    &admin,
                    json!({"name": "任意事業連携", "scopes": scopes}),
                )
                .await
                .expect(201);
            let form = format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                made.body["client_id"].as_str().unwrap(),
                made.body["client_secret"].as_str().unwrap()
            );
            app.request(
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
                .to_owned()
        }
    };
    let writer = client(json!(["shoman:read", "shoman:write"])).await;
    let reader = client(json!(["shoman:read"])).await;
    let p = project(
        &app,
        &writer,
        json!({"kind": "employment", "name": "職場体験", "started_on": "2026-04-01"}),
    )
    .await
    .expect(201);
    session(&app, &writer, &p.id(), json!({"held_on": "2026-05-10", "activity": "work_experience", "children_count": 2, "participants": [{"patient_id": t.child, "role": "child"}]}))
        .await
        .expect(201);
    app.post("/api/v1/needs", &writer, json!({"kind": "employment", "description": "職場体験の受け入れ先が足りない", "noted_on": "2026-05-10"}))
        .await
        .expect(201);
    app.get("/api/v1/projects", &reader).await.expect(200);
    app.get(&format!("/api/v1/projects/{}/sessions", p.id()), &reader)
        .await
        .expect(200);
    app.get("/api/v1/needs", &reader).await.expect(200);
    project(
        &app,
        &reader,
        json!({"kind": "employment", "name": "x", "started_on": "2026-04-01"}),
    )
    .await
    .problem(403, "insufficient_scope");
}

/// Figures on a small dataset, by hand: center c1 (sessions on 2026-03-31 and 2026-04-01,
/// Asia/Tokyo, fall in 年度 2025 and 2026), c2 (one caregiver project), c3 (none).
async fn figures_by_fiscal_year(db: Db) {
    let app = spawn(db).await;
    let a = team(&app, "c1").await;
    let b = team(&app, "c2").await;
    let c = team(&app, "c3").await;
    let mk = |token: String, body: Value| {
        let app = &app;
        async move { project(app, &token, body).await.expect(201).id() }
    };
    let respite = mk(
        a.worker.clone(),
        json!({"kind": "respite", "name": "一時預かり", "started_on": "2025-04-01"}),
    )
    .await;
    let employment = mk(a.worker.clone(), json!({"kind": "employment", "name": "職場体験", "started_on": "2025-10-01", "ended_on": "2026-03-31"})).await;
    let exchange = mk(
        a.worker.clone(),
        json!({"kind": "exchange", "name": "交流会", "started_on": "2026-04-01"}),
    )
    .await;
    let caregiver = mk(
        b.worker.clone(),
        json!({"kind": "caregiver", "name": "通院付き添い", "started_on": "2025-06-01"}),
    )
    .await;
    for (token, p, held_on, activity, children, family) in [
        (&a.worker, &respite, "2026-03-31", "temporary_care", 2, 1),
        (&a.worker, &respite, "2026-04-01", "temporary_care", 3, 2),
        (
            &a.worker,
            &employment,
            "2025-11-10",
            "work_experience",
            4,
            0,
        ),
        (&a.worker, &employment, "2026-03-31", "other", 1, 1),
        (&a.worker, &exchange, "2026-04-01", "workshop", 5, 5),
        (
            &b.worker,
            &caregiver,
            "2025-07-01",
            "hospital_accompaniment",
            1,
            1,
        ),
    ] {
        session(&app, token, p, json!({"held_on": held_on, "activity": activity, "children_count": children, "family_count": family}))
            .await
            .expect(201);
    }
    // A child named on a day before their consent was given is refused.
    session(&app, &a.worker, &respite, json!({"held_on": "2025-12-01", "activity": "temporary_care", "children_count": 1, "participants": [{"patient_id": a.child, "role": "child"}]}))
        .await
        .problem(422, "participant_without_consent");
    for (kind, noted_on, patient, status) in [
        ("respite", "2026-03-31", Some(&a.child), None),
        ("sibling_support", "2026-04-01", None, Some("met")),
        ("respite", "2025-05-01", None, Some("dropped")),
    ] {
        app.post("/api/v1/needs", &a.worker, json!({"kind": kind, "description": "ニーズ", "noted_on": noted_on, "patient_id": patient, "status": status}))
            .await
            .expect(201);
    }
    app.post(
        "/api/v1/needs",
        &b.worker,
        json!({"kind": "financial", "description": "交通費", "noted_on": "2025-08-01"}),
    )
    .await
    .expect(201);

    // 年度 2025 for c1's supervisor.
    let r = app
        .get("/api/v1/reports/shoman-projects?fiscal_year=2025", &a.sup)
        .await
        .expect(200);
    assert_eq!(
        r.body["period"],
        json!({"from": "2025-04-01", "to": "2026-03-31"})
    );
    assert_eq!(r.body["centers"], 1);
    let row = |r: &Resp, kind: &str| -> Value {
        r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == kind)
            .unwrap()
            .clone()
    };
    let kinds: Vec<&str> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["respite", "exchange", "employment", "caregiver", "other"]
    );
    let rr = row(&r, "respite");
    assert_eq!(
        (
            &rr["projects"],
            &rr["sessions"],
            &rr["children"],
            &rr["family"]
        ),
        (&json!(1), &json!(1), &json!(2), &json!(1))
    );
    assert_eq!(
        rr["activities"],
        json!([{"activity": "temporary_care", "sessions": 1, "children": 2, "family": 1},
               {"activity": "other", "sessions": 0, "children": 0, "family": 0}])
    );
    let em = row(&r, "employment");
    assert_eq!(
        (
            &em["projects"],
            &em["sessions"],
            &em["children"],
            &em["family"]
        ),
        (&json!(1), &json!(2), &json!(5), &json!(1))
    );
    assert_eq!(row(&r, "exchange")["projects"], 0);
    assert_eq!(
        r.body["total"],
        json!({"projects": 2, "sessions": 3, "children": 7, "family": 2})
    );
    // 年度 2026: the 1 April sessions; the employment project ended on 31 March.
    let r = app
        .get("/api/v1/reports/shoman-projects?fiscal_year=2026", &a.sup)
        .await
        .expect(200);
    assert_eq!(
        r.body["total"],
        json!({"projects": 2, "sessions": 2, "children": 8, "family": 7})
    );
    assert_eq!(row(&r, "employment")["projects"], 0);
    assert_eq!(row(&r, "exchange")["sessions"], 1);
    // Across 小慢 centers for the system administrator.
    let r = app
        .get(
            "/api/v1/reports/shoman-projects?fiscal_year=2025",
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_eq!(r.body["centers"], 3);
    assert_eq!(
        r.body["total"],
        json!({"projects": 3, "sessions": 4, "children": 8, "family": 3})
    );
    assert_eq!(row(&r, "caregiver")["activities"][0]["sessions"], 1);
    let other_pref = app
        .get(
            "/api/v1/reports/shoman-projects?fiscal_year=2025&prefecture_code=13",
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_eq!(other_pref.body["centers"], 0);
    assert_eq!(other_pref.body["total"]["sessions"], 0);
    // Consultants record; figures are for supervisors and administrators.
    app.get(
        "/api/v1/reports/shoman-projects?fiscal_year=2025",
        &a.worker,
    )
    .await
    .problem(403, "insufficient_role");

    // Needs by kind and status.
    let r = app
        .get("/api/v1/reports/shoman-needs?fiscal_year=2025", &a.sup)
        .await
        .expect(200);
    let need = |r: &Resp, kind: &str| -> Value {
        r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == kind)
            .unwrap()
            .clone()
    };
    assert_eq!(
        need(&r, "respite"),
        json!({"kind": "respite", "open": 1, "met": 0, "dropped": 1, "total": 2})
    );
    assert_eq!(
        r.body["total"],
        json!({"open": 1, "met": 0, "dropped": 1, "total": 2})
    );
    let r = app
        .get("/api/v1/reports/shoman-needs?fiscal_year=2026", &a.sup)
        .await
        .expect(200);
    assert_eq!(
        r.body["total"],
        json!({"open": 0, "met": 1, "dropped": 0, "total": 1})
    );
    assert_eq!(need(&r, "sibling_support")["met"], 1);
    let r = app
        .get(
            "/api/v1/reports/shoman-needs?fiscal_year=2025",
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_eq!(r.body["total"]["total"], 3);
    assert_eq!(need(&r, "financial")["open"], 1);
    // Never a child: no patient id anywhere in the figures.
    assert!(!r.body.to_string().contains(&a.child));

    // 実施状況: which kinds each 小慢 center ran, and the total row.
    let r = app
        .get(
            "/api/v1/reports/shoman-implementation?fiscal_year=2025",
            &app.admin_token,
        )
        .await
        .expect(200);
    let centers = r.body["centers"].as_array().unwrap();
    let codes: Vec<&str> = centers
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["c1", "c2", "c3"]);
    assert_eq!(
        centers[0]["kinds"],
        json!({"respite": true, "exchange": false, "employment": true, "caregiver": false, "other": false})
    );
    assert_eq!(centers[0]["count"], 2);
    assert_eq!(centers[1]["count"], 1);
    assert_eq!(centers[1]["kinds"]["caregiver"], true);
    assert_eq!(centers[2]["count"], 0);
    assert_eq!(centers[0]["center_id"], a.c.id.as_str());
    assert_eq!(
        r.body["total"],
        json!({"centers": 3,
               "running": {"respite": 1, "exchange": 0, "employment": 1, "caregiver": 1, "other": 0},
               "percent": {"respite": 33.3, "exchange": 0.0, "employment": 33.3, "caregiver": 33.3, "other": 0.0}})
    );
    let r = app
        .get(
            "/api/v1/reports/shoman-implementation?fiscal_year=2026",
            &a.sup,
        )
        .await
        .expect(200);
    assert_eq!(r.body["centers"].as_array().unwrap().len(), 1);
    assert_eq!(
        r.body["total"]["running"],
        json!({"respite": 1, "exchange": 1, "employment": 0, "caregiver": 0, "other": 0})
    );
    assert_eq!(r.body["total"]["percent"]["exchange"], 100.0);

    // CSV and Excel, like the other reports.
    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/shoman-implementation?fiscal_year=2025",
            Some(&app.admin_token),
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
    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/shoman-projects?fiscal_year=2025",
            Some(&a.sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    assert!(
        csv.header("content-disposition")
            .unwrap_or_default()
            .contains("shoman-projects-2025.csv")
    );
    app.request(
        Method::GET,
        "/api/v1/reports/shoman-needs?fiscal_year=2025",
        Some(&a.sup),
        &[(
            "accept",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )],
        None,
    )
    .await
    .expect(200);
    let _ = (&c.worker, &b.unconsented);
}

db_tests!(
    projects_sessions_and_needs,
    refused_elsewhere,
    api_clients_use_the_shoman_scopes,
    figures_by_fiscal_year,
);
