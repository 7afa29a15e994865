//! ピア・サポーター (issue 18): a peer supporter reaches the patients a supervisor assigned
//! to them and the anonymous consultations they record — nothing else of a case, nothing of
//! another center — and the reach ends with the assignment. The evidence of their work per
//! month, hand-computed.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use awc::http::Method;
use serde_json::{Value, json};

async fn patient(app: &TestApp, token: &str, family: &str, kana: &str) -> String {
    app.post("/api/v1/patients", token, json!({"family_name": family, "given_name": "花子", "family_name_kana": kana, "given_name_kana": "ハナコ", "birth_date": "1975-03-03", "program": "nanbyo", "employment_status": "employed", "support_awareness": "aware_not_used"}))
        .await
        .expect(201)
        .id()
}

fn consultation(patient: Option<&str>, at: &str, minutes: i64) -> Value {
    json!({"patient_id": patient, "occurred_at": at, "channel": "in_person", "requester": "patient", "topics": ["employment"], "duration_minutes": minutes, "summary": "ピア相談"})
}

fn ids(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

async fn end(app: &TestApp, token: &str, patient: &str, user: &str) -> crate::helpers::Resp {
    app.request(
        Method::DELETE,
        &format!("/api/v1/patients/{patient}/peer-supporters/{user}"),
        Some(token),
        &[],
        None,
    )
    .await
}

async fn a_peer_supporter_reaches_only_assigned_patients(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (con_id, con) = app.staff(&c, "c1.con", "consultant").await;
    let (_, sup) = app.staff(&c, "c1.sup", "supervisor").await;
    let (peer_id, peer) = app.staff(&c, "c1.peer", "peer_supporter").await;
    let (peer2_id, peer2) = app.staff(&c, "c1.peer2", "peer_supporter").await;
    let elsewhere = app.center("c2").await;
    let (_, far_con) = app.staff(&elsewhere, "c2.con", "consultant").await;

    let mine = patient(&app, &con, "青木", "アオキ").await;
    let theirs = patient(&app, &con, "馬場", "ババ").await;
    let far = patient(&app, &far_con, "遠藤", "エンドウ").await;

    // Only a supervisor assigns, only peer supporters are assigned, only once at a time.
    let path = format!("/api/v1/patients/{mine}/peer-supporters");
    app.post(&path, &con, json!({"user_id": peer_id}))
        .await
        .problem(403, "insufficient_role");
    app.post(&path, &peer, json!({"user_id": peer_id}))
        .await
        .problem(403, "insufficient_role");
    let refused = app.post(&path, &sup, json!({"user_id": con_id})).await;
    assert_eq!(refused.status.as_u16(), 422);
    assert_eq!(refused.fields(), vec!["user_id".to_owned()]);
    let a = app
        .post(&path, &sup, json!({"user_id": peer_id}))
        .await
        .expect(201);
    assert_eq!(a.body["user_id"], peer_id.as_str());
    assert_eq!(a.body["ended_on"], Value::Null);
    app.post(&path, &sup, json!({"user_id": peer_id}))
        .await
        .problem(409, "already_assigned");
    // Another center's patient, or a peer supporter of another center: 404 / 422.
    app.post(
        &format!("/api/v1/patients/{far}/peer-supporters"),
        &sup,
        json!({"user_id": peer_id}),
    )
    .await
    .expect(404);
    let listed = app.get(&path, &con).await.expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);

    // The supporter finds the assigned patient and no one else.
    let found = app.get("/api/v1/patients", &peer).await.expect(200);
    assert_eq!(ids(&found.body), vec![mine.clone()]);
    let by_name = app
        .get("/api/v1/patients?q=%E3%83%90%E3%83%90", &peer)
        .await
        .expect(200);
    assert!(ids(&by_name.body).is_empty());
    app.get(&format!("/api/v1/patients/{mine}"), &peer)
        .await
        .expect(200);
    app.get(&format!("/api/v1/patients/{theirs}"), &peer)
        .await
        .expect(404);
    app.get(&format!("/api/v1/patients/{far}"), &peer)
        .await
        .expect(404);
    let nothing = app.get("/api/v1/patients", &peer2).await.expect(200);
    assert!(ids(&nothing.body).is_empty());

    // Consultations: their assigned patient and their own anonymous ones.
    let by_con = app
        .post(
            "/api/v1/consultations",
            &con,
            consultation(Some(&mine), "2026-05-10T01:00:00Z", 40),
        )
        .await
        .expect(201)
        .id();
    let of_theirs = app
        .post(
            "/api/v1/consultations",
            &con,
            consultation(Some(&theirs), "2026-05-10T02:00:00Z", 40),
        )
        .await
        .expect(201)
        .id();
    let own = app
        .post(
            "/api/v1/consultations",
            &peer,
            consultation(Some(&mine), "2026-05-11T01:00:00Z", 30),
        )
        .await
        .expect(201);
    assert_eq!(own.body["consultant_id"], peer_id.as_str());
    let own = own.id();
    let anonymous = app
        .post(
            "/api/v1/consultations",
            &peer,
            consultation(None, "2026-05-20T01:00:00Z", 20),
        )
        .await
        .expect(201)
        .id();
    let other_anonymous = app
        .post(
            "/api/v1/consultations",
            &peer2,
            consultation(None, "2026-05-21T01:00:00Z", 15),
        )
        .await
        .expect(201)
        .id();
    let refused = app
        .post(
            "/api/v1/consultations",
            &peer,
            consultation(Some(&theirs), "2026-05-11T01:00:00Z", 30),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    assert_eq!(refused.fields(), vec!["patient_id".to_owned()]);
    // Recording in a colleague's name is a supervisor's call.
    let mut for_other = consultation(Some(&mine), "2026-05-12T01:00:00Z", 30);
    for_other["consultant_id"] = json!(con_id);
    app.post("/api/v1/consultations", &peer, for_other)
        .await
        .problem(403, "supervisor_only");

    let seen = app.get("/api/v1/consultations", &peer).await.expect(200);
    let mut want = vec![by_con.clone(), own.clone(), anonymous.clone()];
    want.sort();
    assert_eq!(ids(&seen.body), want);
    let seen2 = app.get("/api/v1/consultations", &peer2).await.expect(200);
    assert_eq!(ids(&seen2.body), vec![other_anonymous.clone()]);
    let filtered = app
        .get(&format!("/api/v1/consultations?patient_id={theirs}"), &peer)
        .await
        .expect(200);
    assert!(ids(&filtered.body).is_empty());
    app.get(&format!("/api/v1/consultations/{by_con}"), &peer)
        .await
        .expect(200);
    app.get(&format!("/api/v1/consultations/{of_theirs}"), &peer)
        .await
        .expect(404);
    app.get(&format!("/api/v1/consultations/{other_anonymous}"), &peer)
        .await
        .expect(404);
    // Their own record they correct; a colleague's they read only.
    let r = app
        .get(&format!("/api/v1/consultations/{own}"), &peer)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/consultations/{own}"),
        &peer,
        Some(&r.etag()),
        json!({"duration_minutes": 35}),
    )
    .await
    .expect(200);
    let r = app
        .get(&format!("/api/v1/consultations/{by_con}"), &peer)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/consultations/{by_con}"),
        &peer,
        Some(&r.etag()),
        json!({"summary": "書き換え"}),
    )
    .await
    .problem(403, "insufficient_role");

    // The patient's path shows them the consultations only.
    let t = app
        .get(&format!("/api/v1/patients/{mine}/timeline"), &peer)
        .await
        .expect(200);
    let kinds: Vec<&str> = t.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.is_empty());
    assert!(kinds.iter().all(|k| *k == "consultation"), "{kinds:?}");

    // The rest of a case is not theirs: consents, referrals, follow-ups, the queue, reports,
    // editing or registering patients, the assignments themselves.
    for p in [
        format!("/api/v1/patients/{mine}/consents"),
        "/api/v1/referrals".to_owned(),
        "/api/v1/follow-ups".to_owned(),
        "/api/v1/audit-queue".to_owned(),
        "/api/v1/supervision/summary?fiscal_year=2026".to_owned(),
        "/api/v1/reports/consultations?fiscal_year=2026".to_owned(),
        format!("/api/v1/patients/{mine}/peer-supporters"),
        "/api/v1/events".to_owned(),
    ] {
        let r = app.get(&p, &peer).await;
        assert_eq!(r.status.as_u16(), 403, "{p}: {}", r.body);
    }
    let r = app.get(&format!("/api/v1/patients/{mine}"), &peer).await;
    app.patch(
        &format!("/api/v1/patients/{mine}"),
        &peer,
        Some(&r.etag()),
        json!({"notes": "x"}),
    )
    .await
    .problem(403, "insufficient_role");
    app.post("/api/v1/patients", &peer, json!({"family_name": "新", "given_name": "規", "family_name_kana": "シン", "given_name_kana": "キ", "birth_date": "1980-01-01", "program": "nanbyo", "employment_status": "employed", "support_awareness": "aware_not_used"}))
        .await
        .problem(403, "insufficient_role");

    // The assignment ends: the reach ends with it, the history stays.
    end(&app, &con, &mine, &peer_id)
        .await
        .problem(403, "insufficient_role");
    let ended = end(&app, &sup, &mine, &peer_id).await.expect(200);
    assert!(ended.body["ended_on"].is_string());
    end(&app, &sup, &mine, &peer_id).await.expect(404);
    app.get(&format!("/api/v1/patients/{mine}"), &peer)
        .await
        .expect(404);
    // The timeline reads the patient with its history, then checks the reach: nothing.
    let gone = app
        .get(&format!("/api/v1/patients/{mine}/timeline"), &peer)
        .await
        .expect(404);
    assert!(gone.body.get("items").is_none(), "{}", gone.body);
    app.get(&format!("/api/v1/consultations/{own}"), &peer)
        .await
        .expect(404);
    let seen = app.get("/api/v1/consultations", &peer).await.expect(200);
    assert_eq!(ids(&seen.body), vec![anonymous.clone()]);
    let history = app.get(&path, &sup).await.expect(200);
    assert_eq!(history.body["items"][0]["ended_on"], ended.body["ended_on"]);
    // …and may start again.
    app.post(&path, &sup, json!({"user_id": peer_id}))
        .await
        .expect(201);
    app.get(&format!("/api/v1/patients/{mine}"), &peer)
        .await
        .expect(200);

    // Audited: the assignment, its end, and the supporter's reads of the patient.
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "peer_assignment.create"
        && e.patient_id.as_deref() == Some(mine.as_str())
        && e.outcome == "success"));
    assert!(
        events.iter().any(|e| e.action == "peer_assignment.end"
            && e.resource_id.as_deref() == Some(a.id().as_str()))
    );
    assert!(events.iter().any(|e| e.action == "patient.read"
        && e.actor_id.as_deref() == Some(peer_id.as_str())
        && e.patient_id.as_deref() == Some(mine.as_str())));
    let _ = peer2_id;
}

async fn the_evidence_per_supporter_and_month(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, con) = app.staff(&c, "c1.con", "consultant").await;
    let (_, sup) = app.staff(&c, "c1.sup", "supervisor").await;
    let (peer_id, peer) = app.staff(&c, "c1.peer", "peer_supporter").await;
    let (peer2_id, peer2) = app.staff(&c, "c1.peer2", "peer_supporter").await;
    let p = patient(&app, &con, "青木", "アオキ").await;
    app.post(
        &format!("/api/v1/patients/{p}/peer-supporters"),
        &sup,
        json!({"user_id": peer_id}),
    )
    .await
    .expect(201);

    // April: two consultations (30 + 45 min; one 23:30 JST on 30 April counts in April);
    // May: one without a duration; a consultant's and the next year's do not count.
    for (who, patient, at, minutes) in [
        (&peer, Some(p.as_str()), "2025-04-10T01:00:00Z", Some(30)),
        (&peer, None, "2025-04-30T14:30:00Z", Some(45)),
        (&peer, None, "2025-05-20T01:00:00Z", None),
        (&con, Some(p.as_str()), "2025-05-21T01:00:00Z", Some(60)),
        (&peer2, None, "2025-06-01T01:00:00Z", Some(20)),
    ] {
        let mut body = consultation(patient, at, 0);
        body["duration_minutes"] = json!(minutes);
        app.post("/api/v1/consultations", who, body)
            .await
            .expect(201);
    }
    // A ピア相談会 they ran in May, 13:00–15:30.
    app.post("/api/v1/events", &con, json!({"kind": "peer_consultation", "title": "ピア相談会", "held_on": "2025-05-16", "start_time": "13:00", "end_time": "15:30", "staff_ids": [peer_id], "patients_count": 6, "families_count": 2, "professionals_count": 0}))
        .await
        .expect(201);
    // The 養成講習会 they completed (recorded by the supervisor), 12 hours in June.
    app.post("/api/v1/trainings", &sup, json!({"user_id": peer_id, "participation": "attended", "course": "peer_supporter_training", "title": "ピア・サポーター養成講習会", "held_on": "2025-06-05", "ended_on": "2025-06-07", "hours": 12}))
        .await
        .expect(201);

    let r = app
        .get("/api/v1/reports/peer-support?fiscal_year=2025", &sup)
        .await
        .expect(200);
    let lines = r.body["supporters"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let line = lines
        .iter()
        .find(|l| l["user_id"] == peer_id.as_str())
        .unwrap();
    let months = line["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], "2025-04");
    assert_eq!(months[0]["consultations"], 2);
    assert_eq!(months[0]["consultation_minutes"], 75);
    assert_eq!(months[1]["consultations"], 1);
    assert_eq!(months[1]["consultation_minutes"], 0);
    assert_eq!(months[1]["events"], 1);
    assert_eq!(months[1]["event_minutes"], 150);
    assert_eq!(line["total"]["consultations"], 3);
    assert_eq!(line["total"]["hours"], 3.75);
    assert_eq!(line["course_completed_on"], "2025-06-07");
    assert_eq!(line["course_hours"], 12.0);
    let other = lines
        .iter()
        .find(|l| l["user_id"] == peer2_id.as_str())
        .unwrap();
    assert_eq!(other["total"]["consultations"], 1);

    // A peer supporter reads their own line; a consultant none; CSV for the evidence file.
    let own = app
        .get("/api/v1/reports/peer-support?fiscal_year=2025", &peer2)
        .await
        .expect(200);
    assert_eq!(own.body["supporters"].as_array().unwrap().len(), 1);
    assert_eq!(own.body["supporters"][0]["user_id"], peer2_id.as_str());
    app.get("/api/v1/reports/peer-support?fiscal_year=2025", &con)
        .await
        .problem(403, "insufficient_role");
    let csv = app
        .request(
            Method::GET,
            "/api/v1/reports/peer-support?fiscal_year=2025",
            Some(&sup),
            &[("accept", "text/csv")],
            None,
        )
        .await
        .expect(200);
    let text = String::from_utf8(csv.raw[3..].to_vec()).unwrap();
    assert!(text.contains("ピア・サポーター,月,相談件数"), "{text}");
    assert!(text.contains(",2025-04,2,75,0,0,1.25,2025-06-07"), "{text}");
}

db_tests!(
    a_peer_supporter_reaches_only_assigned_patients,
    the_evidence_per_supporter_and_month
);
