//! Data leaving Tsunagu: a patient's case as a FHIR R4 bundle (validated by HL7's FHIR R4
//! JSON Schema through an independent validator, `tests/fhir/validate.mjs`), the code
//! systems it names, and the disclosure of everything held about a patient — with their
//! permissions, tenancy and audit events.

use crate::db_tests;
use crate::helpers::{Db, Resp, TestApp, spawn};
use actix_web::http::Method;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs the independent validator on a FHIR resource; panics with its report if invalid.
/// `npm ci` in `tests/fhir` installs it (`tests/run` does).
fn validate_fhir(doc: &Value) -> Result<String, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fhir/validate.mjs");
    let modules = concat!(env!("CARGO_MANIFEST_DIR"), "/fhir/node_modules");
    assert!(
        std::path::Path::new(modules).is_dir(),
        "the FHIR validator is not installed: run `npm ci` in tests/fhir"
    );
    let mut child = Command::new("node")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// The text of a PDF, as `pdftotext` (poppler-utils) extracts it: an independent reader.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tsunagu-pdf-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("disclosure.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-nopgbrk"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn entries<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn urn(id: &str) -> String {
    format!("urn:uuid:{id}")
}

struct Seeded {
    center_admin: String,
    consultant: String,
    consultant_id: String,
    supervisor: String,
    peer: String,
    patient: String,
    /// The level-4 referral, followed up (the patient is searching): `accepted`.
    followed: String,
    /// A level-1 referral closed as declined: `cancelled`.
    declined: String,
    /// A level-2 referral with nothing done yet: `requested`.
    waiting: String,
}

/// A patient with two consents, a consultation, and three referrals to two agencies at
/// three points of the loop; data provided under the level-4 and level-2 referrals.
async fn seed(app: &TestApp, code: &str) -> Seeded {
    let c = app.center(code).await;
    let (consultant_id, consultant) = app.staff(&c, &format!("{code}.sato"), "consultant").await;
    let (_, supervisor) = app.staff(&c, &format!("{code}.suzuki"), "supervisor").await;
    let (_, peer) = app
        .staff(&c, &format!("{code}.peer"), "peer_supporter")
        .await;
    let hello_work = app.agency(&c, "hello_work", "ハローワーク広島").await;
    let nakapotsu = app
        .agency(
            &c,
            "employment_life_support_center",
            "広島障害者就業・生活支援センター",
        )
        .await;
    let t = &consultant;
    let patient = app
        .post(
            "/api/v1/patients",
            t,
            json!({"family_name": "山田", "given_name": "花子",
                   "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
                   "birth_date": "1985-04-12", "sex": "female", "program": "nanbyo",
                   "disease_number": 2, "employment_status": "job_seeking",
                   "support_awareness": "aware_not_used", "phone": "082-223-8609"}),
        )
        .await
        .expect(201)
        .id();
    for (on, scope) in [
        ("2026-05-20", "employment_agencies"),
        ("2026-05-21", "all_agencies"),
    ] {
        app.post(
            &format!("/api/v1/patients/{patient}/consents"),
            t,
            json!({"given_on": on, "scope": scope}),
        )
        .await
        .expect(201);
    }
    app.post(
        "/api/v1/consultations",
        t,
        json!({"patient_id": patient, "channel": "in_person", "requester": "patient",
               "topics": ["employment"], "summary": "就労の相談"}),
    )
    .await
    .expect(201);
    let referral = |agency: &str, level: &str, shared: Value| {
        let mut r = json!({"patient_id": patient, "agency_id": agency,
                           "purpose": "new_employment", "level": level,
                           "referred_on": "2026-06-01"});
        // Information only passes no data: such a referral names no shared items.
        if shared.as_array().is_some_and(|a| !a.is_empty()) {
            r["shared_items"] = shared;
        }
        r
    };
    let followed = app
        .post(
            "/api/v1/referrals",
            t,
            referral(
                &hello_work,
                "accompanied_with_follow_up",
                json!(["name", "contact"]),
            ),
        )
        .await
        .expect(201)
        .id();
    let declined = app
        .post(
            "/api/v1/referrals",
            t,
            referral(&nakapotsu, "information_only", json!([])),
        )
        .await
        .expect(201);
    let waiting = app
        .post(
            "/api/v1/referrals",
            t,
            referral(&hello_work, "phone_mediation", json!(["name"])),
        )
        .await
        .expect(201)
        .id();
    app.patch(
        &format!("/api/v1/referrals/{}", declined.id()),
        t,
        Some(&declined.etag()),
        json!({"status": "closed", "outcome": "declined"}),
    )
    .await
    .expect(200);
    let fus = app
        .get(&format!("/api/v1/referrals/{followed}/follow-ups"), t)
        .await
        .expect(200);
    let fu = fus.body["items"][0]["id"].as_str().unwrap().to_owned();
    let fe = app
        .get(&format!("/api/v1/follow-ups/{fu}"), t)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/follow-ups/{fu}"),
        t,
        Some(&fe),
        json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient",
               "outcome": "searching"}),
    )
    .await
    .expect(200);
    Seeded {
        center_admin: c.admin,
        consultant,
        consultant_id,
        supervisor,
        peer,
        patient,
        followed,
        declined: declined.id(),
        waiting,
    }
}

async fn fhir(app: &TestApp, patient: &str, token: &str) -> Resp {
    app.get(&format!("/api/v1/patients/{patient}/fhir"), token)
        .await
}

async fn patient_bundle_validates_and_follows_the_loop(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app, "hiroshima").await;
    let r = fhir(&app, &k.patient, &k.consultant).await.expect(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/fhir+json; charset=utf-8")
    );
    let b = &r.body;
    let report = validate_fhir(b).unwrap_or_else(|e| panic!("invalid FHIR: {e}"));
    assert!(report.contains("valid Bundle (13 resources)"), "{report}");
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");

    // The patient, the JP Core way: kanji (IDE) and kana (SYL).
    let patients = entries(b, "Patient");
    assert_eq!(patients.len(), 1);
    let p = patients[0];
    assert_eq!(p["id"], k.patient.as_str());
    assert_eq!(p["birthDate"], "1985-04-12");
    assert_eq!(p["gender"], "female");
    let rep = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
    assert_eq!(p["name"][0]["extension"][0]["url"], rep);
    assert_eq!(p["name"][0]["extension"][0]["valueCode"], "IDE");
    assert_eq!(p["name"][0]["family"], "山田");
    assert_eq!(p["name"][0]["given"], json!(["花子"]));
    assert_eq!(p["name"][1]["extension"][0]["valueCode"], "SYL");
    assert_eq!(p["name"][1]["family"], "ヤマダ");
    assert_eq!(p["name"][1]["given"], json!(["ハナコ"]));
    assert_eq!(p["identifier"][1]["value"], "2026-0001");

    // The center and the two agencies; three referrals, each a request and a task; two
    // consents.
    assert_eq!(entries(b, "Organization").len(), 3);
    let requests = entries(b, "ServiceRequest");
    let tasks = entries(b, "Task");
    assert_eq!(requests.len(), 3);
    assert_eq!(tasks.len(), 3);
    assert_eq!(entries(b, "Consent").len(), 2);
    let request = |id: &str| *requests.iter().find(|r| r["id"] == id).unwrap();
    let task_of = |id: &str| {
        *tasks
            .iter()
            .find(|t| t["focus"]["reference"] == urn(id))
            .unwrap()
    };
    for id in [&k.followed, &k.declined, &k.waiting] {
        let sr = request(id);
        assert_eq!(sr["intent"], "order");
        assert_eq!(sr["subject"]["reference"], urn(&k.patient));
        assert_eq!(sr["authoredOn"], "2026-06-01");
        let task = task_of(id);
        assert_eq!(task["for"]["reference"], urn(&k.patient));
        assert_eq!(task["intent"], "order");
        // Every reference points at an entry of the bundle.
        let performer = sr["performer"][0]["reference"].as_str().unwrap();
        assert!(
            b["entry"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["fullUrl"] == performer)
        );
    }
    assert_eq!(task_of(&k.followed)["status"], "accepted");
    assert_eq!(task_of(&k.declined)["status"], "cancelled");
    assert_eq!(task_of(&k.waiting)["status"], "requested");
    assert_eq!(request(&k.followed)["status"], "active");
    assert_eq!(request(&k.declined)["status"], "revoked");
    let level = &request(&k.followed)["extension"][0]["valueCoding"];
    assert_eq!(level["code"], "accompanied_with_follow_up");
    assert_eq!(
        request(&k.declined)["extension"][1]["valueCoding"]["code"],
        "new_employment"
    );

    // The code system the level names is published, holds no patient data, and validates.
    let system = level["system"].as_str().unwrap();
    let name = system.rsplit(':').next().unwrap();
    assert_eq!(name, "referral-level");
    let cs = app
        .get(&format!("/api/v1/fhir/CodeSystem/{name}"), &k.center_admin)
        .await
        .expect(200);
    assert_eq!(cs.body["url"], system);
    let codes: Vec<&str> = cs.body["concept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![
            "information_only",
            "phone_mediation",
            "accompanied",
            "accompanied_with_follow_up"
        ]
    );
    validate_fhir(&cs.body).unwrap_or_else(|e| panic!("invalid CodeSystem: {e}"));
    for other in ["referral-purpose", "agency-type", "consent-scope"] {
        let cs = app
            .get(&format!("/api/v1/fhir/CodeSystem/{other}"), &k.consultant)
            .await
            .expect(200);
        validate_fhir(&cs.body).unwrap_or_else(|e| panic!("invalid {other}: {e}"));
    }
    app.get("/api/v1/fhir/CodeSystem/patients", &k.consultant)
        .await
        .problem(404, "not_found");

    // The validator is not a rubber stamp: a wrong status or a stray field fails it.
    let mut broken = b.clone();
    let ti = broken["entry"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Task")
        .unwrap();
    broken["entry"][ti]["resource"]["status"] = json!("waiting");
    assert!(validate_fhir(&broken).is_err());
    let mut broken = b.clone();
    broken["entry"][0]["resource"]["kanaName"] = json!("ヤマダ");
    assert!(validate_fhir(&broken).is_err());

    // Audited as a read of the patient's data.
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "patient.fhir"
        && e.outcome == "success"
        && e.patient_id.as_deref() == Some(k.patient.as_str())
        && e.actor_id.as_deref() == Some(k.consultant_id.as_str())));
}

async fn patient_bundle_keeps_to_the_center_and_the_roles(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app, "hiroshima").await;
    let other = seed(&app, "okayama").await;
    // Another center's patient is not there.
    fhir(&app, &other.patient, &k.consultant)
        .await
        .problem(404, "not_found");
    fhir(&app, &k.patient, &other.supervisor)
        .await
        .problem(404, "not_found");
    // Neither the center's administrator nor a peer supporter reads the whole case.
    fhir(&app, &k.patient, &k.center_admin)
        .await
        .problem(403, "insufficient_role");
    fhir(&app, &k.patient, &k.peer)
        .await
        .problem(403, "insufficient_role");
    // An administration's officer does not learn the patient exists.
    let center_id = app.get("/api/v1/me", &k.consultant).await.expect(200).body["center_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let adm = app
        .post(
            "/api/v1/administrations",
            &app.admin_token,
            json!({"code": "340006", "kind": "prefecture"}),
        )
        .await
        .expect(201)
        .id();
    let center = crate::helpers::Center {
        id: center_id,
        admin: k.center_admin.clone(),
    };
    app.assign_center(&center, Some(&adm)).await;
    let (_, officer) = app.officer(&adm, "pref.officer").await;
    fhir(&app, &k.patient, &officer)
        .await
        .problem(404, "not_found");
    // The system administrator never sees a patient.
    fhir(&app, &k.patient, &app.admin_token)
        .await
        .problem(403, "center_staff_only");
    let refused = app.audit_events();
    assert!(refused.iter().any(|e| e.action == "patient.fhir"
        && e.outcome == "not_found"
        && e.resource_id.as_deref() == Some(other.patient.as_str())));
    assert!(
        refused
            .iter()
            .any(|e| e.action == "patient.fhir" && e.outcome == "denied")
    );

    // An API client reads it with the scope that reads patients, and not without it.
    let client = |scopes: Value| {
        let admin = k.center_admin.clone();
        let app = &app;
        async move {
            let r = app
                .post(
                    "/api/v1/api-clients",
                    &admin,
                    json!({"name": "連携システム", "scopes": scopes}),
                )
                .await
                .expect(201);
            let form = format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                r.body["client_id"].as_str().unwrap(),
                r.body["client_secret"]
                    .as_str()
                    .unwrap()
                    .replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
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
    let reader = client(json!(["patients:read"])).await;
    let r = fhir(&app, &k.patient, &reader).await.expect(200);
    assert_eq!(entries(&r.body, "Task").len(), 3);
    let reports = client(json!(["reports:read"])).await;
    fhir(&app, &k.patient, &reports)
        .await
        .problem(403, "insufficient_scope");
    // A client never produces a disclosure: that is a supervisor's, in person.
    app.get(
        &format!("/api/v1/patients/{}/disclosure", k.patient),
        &reader,
    )
    .await
    .expect(403);
}

async fn disclosure_holds_every_record_and_who_read_it(db: Db) {
    let app = spawn(db).await;
    let k = seed(&app, "hiroshima").await;
    let other = seed(&app, "okayama").await;
    // Someone reads the record, so the trail has a reader to show.
    app.get(&format!("/api/v1/patients/{}", k.patient), &k.consultant)
        .await
        .expect(200);
    fhir(&app, &k.patient, &k.consultant).await.expect(200);

    let path = format!("/api/v1/patients/{}/disclosure", k.patient);
    let d = app.get(&path, &k.supervisor).await.expect(200);
    let b = &d.body;
    assert_eq!(b["patient"]["id"], k.patient.as_str());
    assert_eq!(b["patient"]["family_name"], "山田");
    assert_eq!(b["center"]["code"], "hiroshima");
    assert_eq!(b["consultations"].as_array().unwrap().len(), 1);
    assert_eq!(b["consultations"][0]["summary"], "就労の相談");
    assert_eq!(b["consents"].as_array().unwrap().len(), 2);
    let referrals = b["referrals"].as_array().unwrap();
    assert_eq!(referrals.len(), 3);
    let referral = |id: &str| {
        referrals
            .iter()
            .find(|r| r["referral"]["id"] == id)
            .unwrap()
    };
    let followed = referral(&k.followed);
    assert_eq!(followed["agency_name"], "ハローワーク広島");
    assert_eq!(followed["provisions"].as_array().unwrap().len(), 1);
    assert_eq!(
        followed["provisions"][0]["items"],
        json!(["name", "contact"])
    );
    assert_eq!(followed["follow_ups"].as_array().unwrap().len(), 1);
    assert_eq!(followed["follow_ups"][0]["outcome"], "searching");
    assert_eq!(followed["level_changes"].as_array().unwrap().len(), 1);
    assert_eq!(
        referral(&k.waiting)["provisions"].as_array().unwrap().len(),
        1
    );
    assert_eq!(referral(&k.declined)["referral"]["outcome"], "declined");
    assert!(
        referral(&k.declined)["provisions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(b["agencies"].as_array().unwrap().len(), 2);
    // Who read the record and when, by name.
    let access = b["access_events"].as_array().unwrap();
    let read = access
        .iter()
        .find(|e| e["action"] == "patient.read")
        .expect("the consultant's read");
    assert_eq!(read["actor_id"], k.consultant_id.as_str());
    assert_eq!(read["actor_name"], "相談 花子");
    assert_eq!(read["actor_role"], "consultant");
    assert!(read["occurred_at"].as_str().unwrap().ends_with('Z'));
    assert!(access.iter().any(|e| e["action"] == "patient.fhir"));
    assert!(access.iter().any(|e| e["action"] == "patient.create"));
    assert!(access.iter().any(|e| e["action"] == "referral.create"));
    // Oldest first; nothing of the other center's patient.
    assert_eq!(access[0]["action"], "patient.create");
    let times: Vec<&str> = access
        .iter()
        .map(|e| e["occurred_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted);
    assert!(
        !d.raw
            .windows(other.patient.len())
            .any(|w| w == other.patient.as_bytes())
    );

    // Audited as a disclosure; the next disclosure shows it.
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.action == "patient.disclosure"
        && e.outcome == "success"
        && e.patient_id.as_deref() == Some(k.patient.as_str())));
    let again = app.get(&path, &k.supervisor).await.expect(200);
    assert!(
        again.body["access_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "patient.disclosure")
    );

    // A supervisor only, of their own center.
    app.get(&path, &k.consultant)
        .await
        .problem(403, "insufficient_role");
    app.get(&path, &k.center_admin)
        .await
        .problem(403, "insufficient_role");
    app.get(&path, &other.supervisor)
        .await
        .problem(404, "not_found");
    // The PDF for the patient holds the same records, in Japanese, as extractable text.
    let pdf = app
        .request(
            Method::GET,
            &path,
            Some(&k.supervisor),
            &[("accept", "application/pdf")],
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        pdf.header("content-disposition").as_deref(),
        Some("attachment; filename=\"disclosure-2026-0001.pdf\"")
    );
    assert!(pdf.raw.starts_with(b"%PDF-"));
    // Only the glyphs used are embedded: the whole font alone is about 6 MB.
    assert!(
        pdf.raw.len() < 300_000,
        "the PDF is {} bytes: is the whole font embedded?",
        pdf.raw.len()
    );
    let text = pdf_text(&pdf.raw);
    for expected in [
        "保有個人データの開示",
        "hiroshima 難病相談支援センター",
        "氏名: 山田 花子",
        "フリガナ: ヤマダ ハナコ",
        "生年月日: 1985-04-12",
        "相談（1件）",
        "就労の相談",
        "個人情報の提供に関する同意（2件）",
        "就労支援機関への紹介（3件）",
        "ハローワーク広島",
        "広島障害者就業・生活支援センター",
        "提供した情報 2026-06-01 ハローワーク広島: name・contact",
        "フォローアップ 予定",
        "searching",
        "記録を閲覧・変更した人と日時",
        "相談 花子 consultant patient.read success",
        "patient.fhir",
    ] {
        assert!(
            text.contains(expected),
            "{expected} is not in the PDF:\n{text}"
        );
    }
    let json_too = app
        .request(
            Method::GET,
            &path,
            Some(&k.supervisor),
            &[("accept", "application/json")],
            None,
        )
        .await
        .expect(200);
    assert_eq!(json_too.body["referrals"].as_array().unwrap().len(), 3);
    let denied = app.audit_events();
    assert!(
        denied
            .iter()
            .any(|e| e.action == "patient.disclosure" && e.outcome == "denied")
    );
}

db_tests!(
    patient_bundle_validates_and_follows_the_loop,
    patient_bundle_keeps_to_the_center_and_the_roles,
    disclosure_holds_every_record_and_who_read_it,
);
