//! The bulk export of a center's case data (`/exports`): CSV, xlsx and JSON hold exactly
//! what the API lists for the center (read back with independent readers: the CSV by
//! hand, the workbook with calamine), never another center's records; only the center's
//! supervisor exports; the request and the download are audited.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Cursor;

struct Seeded {
    supervisor: String,
    consultant: String,
    /// The other center's supervisor.
    other_supervisor: String,
}

/// Center `hiroshima`: three patients (one with a comma and quotes in the notes), a
/// consultation each and one anonymous, two consents, two referrals (one level 4 with its
/// follow-up done). Center `okayama`: one patient, a consultation, a consent, a referral.
async fn seed(app: &TestApp) -> Seeded {
    let a = app.center("hiroshima").await;
    let (_, consultant) = app.staff(&a, "hiroshima.sato", "consultant").await;
    let (_, supervisor) = app.staff(&a, "hiroshima.suzuki", "supervisor").await;
    let hw = app.agency(&a, "hello_work", "ハローワーク広島").await;
    let t = &consultant;
    let mut patients = Vec::new();
    for (family, kana, notes) in [
        ("山田", "ヤマダ", json!("備考, \"引用\"あり")),
        ("佐藤", "サトウ", Value::Null),
        ("鈴木", "スズキ", Value::Null),
    ] {
        let p = app
            .post(
                "/api/v1/patients",
                t,
                json!({"family_name": family, "given_name": "花子",
                       "family_name_kana": kana, "given_name_kana": "ハナコ",
                       "birth_date": "1985-04-12", "sex": "female", "program": "nanbyo",
                       "employment_status": "job_seeking", "support_awareness": "aware_not_used",
                       "notes": notes}),
            )
            .await
            .expect(201)
            .id();
        app.post(
            "/api/v1/consultations",
            t,
            json!({"patient_id": p, "channel": "phone", "requester": "patient",
                   "topics": ["employment", "illness"], "summary": "就労の相談"}),
        )
        .await
        .expect(201);
        patients.push(p);
    }
    app.post(
        "/api/v1/consultations",
        t,
        json!({"channel": "in_person", "requester": "family", "topics": ["daily_life"]}),
    )
    .await
    .expect(201);
    for p in &patients[..2] {
        app.post(
            &format!("/api/v1/patients/{p}/consents"),
            t,
            json!({"given_on": "2026-05-20", "scope": "employment_agencies"}),
        )
        .await
        .expect(201);
    }
    let followed = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": patients[0], "agency_id": hw, "purpose": "new_employment",
                   "level": "accompanied_with_follow_up", "referred_on": "2026-06-01",
                   "shared_items": ["name", "contact"]}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        "/api/v1/referrals",
        t,
        json!({"patient_id": patients[1], "agency_id": hw, "purpose": "new_employment",
               "level": "information_only", "referred_on": "2026-05-30"}),
    )
    .await
    .expect(201);
    let fus = app
        .get(&format!("/api/v1/referrals/{followed}/follow-ups"), t)
        .await
        .expect(200);
    let fu = fus.body["items"][0]["id"].as_str().unwrap().to_owned();
    let etag = app
        .get(&format!("/api/v1/follow-ups/{fu}"), t)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/follow-ups/{fu}"),
        t,
        Some(&etag),
        json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient",
               "outcome": "searching"}),
    )
    .await
    .expect(200);

    // Another center, whose records must never appear.
    let b = app.center("okayama").await;
    let (_, other) = app.staff(&b, "okayama.ito", "consultant").await;
    let (_, other_supervisor) = app.staff(&b, "okayama.kato", "supervisor").await;
    let bhw = app.agency(&b, "hello_work", "ハローワーク岡山").await;
    let q = app
        .post(
            "/api/v1/patients",
            &other,
            json!({"family_name": "他所", "given_name": "太郎",
                   "family_name_kana": "ヨソ", "given_name_kana": "タロウ",
                   "birth_date": "1970-01-01", "program": "nanbyo",
                   "employment_status": "employed", "support_awareness": "using"}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        "/api/v1/consultations",
        &other,
        json!({"patient_id": q, "channel": "phone", "requester": "patient", "topics": ["illness"],
               "summary": "岡山の相談"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/patients/{q}/consents"),
        &other,
        json!({"given_on": "2026-05-01", "scope": "all_agencies"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/referrals",
        &other,
        json!({"patient_id": q, "agency_id": bhw, "purpose": "job_retention",
               "level": "accompanied_with_follow_up", "referred_on": "2026-05-29",
               "shared_items": ["name"]}),
    )
    .await
    .expect(201);
    Seeded {
        supervisor,
        consultant,
        other_supervisor,
    }
}

/// Ids of every item of a list, paging to the end.
async fn listed(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=200&cursor={c}"),
            None => format!("{path}{sep}limit=200"),
        };
        let r = app.get(&url, token).await.expect(200);
        out.extend(r.body["items"].as_array().unwrap().iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

fn ids(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// What the API lists for the center, per kind, as sets of ids.
async fn api_ids(app: &TestApp, token: &str) -> Vec<(&'static str, BTreeSet<String>)> {
    let patients = listed(app, "/api/v1/patients", token).await;
    let mut consents = BTreeSet::new();
    for p in &patients {
        let id = p["id"].as_str().unwrap();
        consents.extend(ids(&app
            .get(&format!("/api/v1/patients/{id}/consents"), token)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .clone()));
    }
    let mut follow_ups = ids(&listed(app, "/api/v1/follow-ups", token).await);
    follow_ups.extend(ids(
        &listed(app, "/api/v1/follow-ups?state=done", token).await
    ));
    vec![
        ("patients", ids(&patients)),
        (
            "consultations",
            ids(&listed(app, "/api/v1/consultations", token).await),
        ),
        (
            "referrals",
            ids(&listed(app, "/api/v1/referrals", token).await),
        ),
        ("follow_ups", follow_ups),
        ("consents", consents),
    ]
}

/// A CSV's records (a simple reader: the fields these tests write have no line breaks).
fn csv_rows(raw: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(raw).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM first");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut fields = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        })
        .collect()
}

async fn start(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/exports", token, body)
        .await
        .expect(201)
        .body
}

async fn download(app: &TestApp, token: &str, export: &Value) -> crate::helpers::Resp {
    app.get(export["file"].as_str().unwrap(), token)
        .await
        .expect(200)
}

async fn every_format_holds_what_the_api_lists(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app).await;
    let expected = api_ids(&app, &k.supervisor).await;
    let count = |kind: &str| expected.iter().find(|(k, _)| *k == kind).unwrap().1.len();
    assert_eq!(
        (
            count("patients"),
            count("consultations"),
            count("referrals"),
            count("follow_ups"),
            count("consents")
        ),
        (3, 4, 2, 1, 2),
        "the seed as the API lists it"
    );

    // CSV, one kind per file: UTF-8 with a BOM, Japanese headers and labels.
    for (kind, want) in &expected {
        let e = start(&app, &k.supervisor, json!({"format": "csv", "kind": kind})).await;
        assert_eq!(e["state"], "ready");
        assert_eq!(e["counts"][kind], want.len());
        let r = download(&app, &k.supervisor, &e).await;
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("text/csv; charset=utf-8")
        );
        assert!(
            r.header("content-disposition")
                .unwrap()
                .starts_with("attachment; filename=\"tsunagu-export-")
        );
        let rows = csv_rows(&r.raw);
        assert_eq!(rows[0][0], "ID");
        let got: BTreeSet<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
        assert_eq!(&got, want, "{kind}");
        let text = String::from_utf8(r.raw.clone()).unwrap();
        assert!(
            !text.contains("他所") && !text.contains("岡山"),
            "{kind}: {text}"
        );
        // Done: the state says what the file held.
        let state = app
            .get(
                &format!("/api/v1/exports/{}", e["id"].as_str().unwrap()),
                &k.supervisor,
            )
            .await
            .expect(200);
        assert_eq!(state.body["state"], "completed");
        assert_eq!(state.body["written"][kind], want.len());
        assert_eq!(state.body["downloads"], 1);
        match *kind {
            "patients" => {
                assert_eq!(rows[0][1], "ケース番号");
                let yamada = rows.iter().find(|r| r[2] == "山田").unwrap();
                assert_eq!(yamada[6], "1985-04-12");
                assert_eq!(yamada[7], "女性");
                assert_eq!(yamada[12], "指定難病");
                assert_eq!(yamada[15], "求職中");
                assert_eq!(yamada[19], "備考, \"引用\"あり");
            }
            "referrals" => {
                let level4 = rows.iter().find(|r| r[9] == "2026-06-01").unwrap();
                assert_eq!(level4[5], "ハローワーク広島");
                assert_eq!(level4[6], "ハローワーク");
                assert!(level4[8].starts_with("レベル4"), "{:?}", level4);
                assert_eq!(level4[12], "対応中");
            }
            "consultations" => {
                assert!(
                    rows.iter()
                        .any(|r| r[6] == "就労・病気・療養" && r[4] == "電話")
                );
                // The anonymous one has no case number.
                assert!(rows.iter().any(|r| r[1].is_empty() && r[5] == "家族"));
            }
            "follow_ups" => {
                let done = rows.iter().find(|r| r[6] == "2026-06-01").unwrap();
                assert_eq!(done[7], "電話");
                assert_eq!(done[9], "求職中");
            }
            _ => {}
        }
    }

    // JSON: one document with every kind, records as the API answers them.
    let e = start(&app, &k.supervisor, json!({"format": "json"})).await;
    assert_eq!(e["kind"], Value::Null);
    let r = download(&app, &k.supervisor, &e).await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let doc = &r.body;
    assert_eq!(doc["export"]["id"], e["id"]);
    for (kind, want) in &expected {
        assert_eq!(&ids(doc[kind].as_array().unwrap()), want, "{kind}");
    }
    let patients = listed(&app, "/api/v1/patients", &k.supervisor).await;
    for p in &patients {
        let mine = doc["patients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == p["id"])
            .unwrap();
        for field in [
            "case_number",
            "family_name",
            "birth_date",
            "employment_status",
        ] {
            assert_eq!(mine[field], p[field], "{field}");
        }
    }
    assert!(!r.body.to_string().contains("他所"));

    // xlsx: a sheet per kind, read back with calamine.
    let e = start(&app, &k.supervisor, json!({"format": "xlsx"})).await;
    let r = download(&app, &k.supervisor, &e).await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(r.raw.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["患者", "相談", "紹介", "フォローアップ", "同意"]
    );
    for ((kind, want), sheet) in
        expected
            .iter()
            .zip(["患者", "相談", "紹介", "フォローアップ", "同意"])
    {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[0][0], Data::String("ID".into()));
        let got: BTreeSet<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
        assert_eq!(&got, want, "{kind}");
        for row in &rows {
            assert!(!row.iter().any(|c| c.to_string().contains("他所")));
        }
    }
    let state = app
        .get(
            &format!("/api/v1/exports/{}", e["id"].as_str().unwrap()),
            &k.supervisor,
        )
        .await
        .expect(200);
    assert_eq!(state.body["state"], "completed");
    assert_eq!(state.body["written"]["consultations"], 4);

    // Audited: each request and each download, with format, kind and rows.
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "export.create"
        && e.outcome == "success"
        && e.detail.as_deref() == Some("format=csv; kind=patients; patients=3")));
    assert!(events.iter().any(|e| e.action == "export.download"
        && e.detail.as_deref()
            == Some("format=json; kind=all; patients=3; consultations=4; referrals=2; follow_ups=1; consents=2")));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "export.download" && e.outcome == "success")
            .count(),
        7
    );
}

async fn only_the_supervisor_exports_their_own_center(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app).await;
    app.post("/api/v1/exports", &k.consultant, json!({"format": "json"}))
        .await
        .problem(403, "insufficient_role");
    let bad = app
        .post("/api/v1/exports", &k.supervisor, json!({"format": "csv"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.fields(), vec!["kind"]);
    let bad = app
        .post(
            "/api/v1/exports",
            &k.supervisor,
            json!({"format": "pdf", "kind": "audit"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad.fields(), vec!["format", "kind"]);

    let e = start(
        &app,
        &k.supervisor,
        json!({"format": "csv", "kind": "patients"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    // Another center's supervisor: as if it did not exist.
    app.get(&format!("/api/v1/exports/{id}"), &k.other_supervisor)
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/exports/{id}/file"), &k.other_supervisor)
        .await
        .problem(404, "not_found");
    // A consultant of the same center may not read the file either.
    app.get(&format!("/api/v1/exports/{id}/file"), &k.consultant)
        .await
        .problem(403, "insufficient_role");
    // The other center's own export holds only its own patient.
    let theirs = start(
        &app,
        &k.other_supervisor,
        json!({"format": "csv", "kind": "patients"}),
    )
    .await;
    assert_eq!(theirs["counts"]["patients"], 1);
    let r = download(&app, &k.other_supervisor, &theirs).await;
    let rows = csv_rows(&r.raw);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][2], "他所");

    let events = app.audit_events();
    assert!(
        events
            .iter()
            .any(|e| e.action == "export.create" && e.outcome == "denied")
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "export.download" && e.outcome == "not_found")
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "export.download" && e.outcome == "denied")
    );
}

/// Replicas share only the database: an export requested through one is answered, file
/// and all, by another, which records the completed download for the first to see.
async fn another_replica_answers_the_export(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app).await;
    let e = start(
        &app,
        &k.supervisor,
        json!({"format": "csv", "kind": "referrals"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    let other = tsunagu_server::start(&app.config, app.clock.clone())
        .unwrap_or_else(|e| panic!("the second replica did not start: {e}"));
    let handle = other.server.handle();
    actix_web::rt::spawn(other.server);
    let base = format!("http://{}", other.addr);
    let client = awc::Client::default();
    let mut res = client
        .get(format!("{base}/api/v1/exports/{id}/file"))
        .insert_header(("authorization", format!("Bearer {}", k.supervisor)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let raw = res.body().await.unwrap();
    let rows = csv_rows(&raw);
    assert_eq!(rows.len(), 3, "a header and the two referrals");
    let state = app
        .get(&format!("/api/v1/exports/{id}"), &k.supervisor)
        .await
        .expect(200);
    assert_eq!(state.body["state"], "completed");
    assert_eq!(state.body["written"]["referrals"], 2);
    drop(handle.stop(false));
}

db_tests!(
    every_format_holds_what_the_api_lists,
    only_the_supervisor_exports_their_own_center,
    another_replica_answers_the_export,
);
