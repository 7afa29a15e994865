//! The case: patients, consent, consultations, referrals at a level, follow-ups, and the
//! access log — every rule of issue 3, on both databases.

use crate::db_tests;
use crate::helpers::{Center, Db, Resp, STAFF_PASSWORD, TestApp, spawn};
use chrono::Duration;
use serde_json::{Value, json};

/// A center with an agency of every type, two consultants and a supervisor.
struct Case {
    code: String,
    c: Center,
    consultant: String,
    consultant_id: String,
    other: String,
    other_id: String,
    supervisor: String,
    hello_work: String,
    other_agency: String,
}

async fn setup(app: &TestApp, code: &str) -> Case {
    let c = app.center(code).await;
    let (consultant_id, consultant) = app.staff(&c, &format!("{code}.sato"), "consultant").await;
    let (other_id, other) = app.staff(&c, &format!("{code}.ito"), "consultant").await;
    let (_, supervisor) = app.staff(&c, &format!("{code}.suzuki"), "supervisor").await;
    let hello_work = app.agency(&c, "hello_work", "ハローワーク広島").await;
    let other_agency = app.agency(&c, "other", "株式会社つなぐ").await;
    Case {
        code: code.to_owned(),
        c,
        consultant,
        consultant_id,
        other,
        other_id,
        supervisor,
        hello_work,
        other_agency,
    }
}

impl Case {
    /// Signs everyone in again, after the clock moved past their tokens' lifetime.
    async fn sign_in_again(&mut self, app: &TestApp) {
        let code = &self.code;
        self.consultant = app.login(&format!("{code}.sato"), STAFF_PASSWORD).await;
        self.other = app.login(&format!("{code}.ito"), STAFF_PASSWORD).await;
        self.supervisor = app.login(&format!("{code}.suzuki"), STAFF_PASSWORD).await;
    }
}

fn patient_body(family: &str, given: &str, family_kana: &str, given_kana: &str) -> Value {
    json!({
        "family_name": family, "given_name": given,
        "family_name_kana": family_kana, "given_name_kana": given_kana,
        "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
        "employment_status": "job_seeking", "support_awareness": "aware_not_used",
        "prefecture_code": "34", "municipality_code": "342106",
        "phone": "０８２−２２３−８６０９", "email": "hanako@Example.JP"
    })
}

async fn patient(
    app: &TestApp,
    token: &str,
    family: &str,
    given: &str,
    fk: &str,
    gk: &str,
) -> String {
    app.post(
        "/api/v1/patients",
        token,
        patient_body(family, given, fk, gk),
    )
    .await
    .expect(201)
    .id()
}

async fn consent(app: &TestApp, token: &str, patient: &str, scope: &str) -> Resp {
    app.post(
        &format!("/api/v1/patients/{patient}/consents"),
        token,
        json!({"given_on": "2026-05-20", "scope": scope}),
    )
    .await
    .expect(201)
}

fn items(r: &Resp) -> &Vec<Value> {
    r.body["items"].as_array().expect("items")
}

/// From a new patient to a closed level-4 referral, with every record along the way.
async fn whole_path_to_a_closed_level_four_referral(db: Db) {
    let app = spawn(db).await;
    let mut k = setup(&app, "hiroshima").await;
    let t = &k.consultant;

    // Intake: readings typed in hiragana and half-width are stored as katakana.
    let p = app
        .post(
            "/api/v1/patients",
            t,
            patient_body("山田", "花子", "やまだ", "ﾊﾅｺ"),
        )
        .await
        .expect(201);
    assert_eq!(p.body["family_name_kana"], "ヤマダ");
    assert_eq!(p.body["given_name_kana"], "ハナコ");
    assert_eq!(p.body["case_number"], "2026-0001");
    assert_eq!(p.body["phone"], "082-223-8609");
    assert_eq!(p.body["email"], "hanako@example.jp");
    assert_eq!(p.body["disease_name"], "筋萎縮性側索硬化症");
    assert_eq!(p.etag(), "\"v1\"");
    let pid = p.id();
    let second = patient(&app, t, "川口", "一郎", "カワグチ", "イチロウ").await;
    let second = app
        .get(&format!("/api/v1/patients/{second}"), t)
        .await
        .expect(200);
    assert_eq!(second.body["case_number"], "2026-0002");

    let cons = app
        .post(
            "/api/v1/consultations",
            t,
            json!({"patient_id": pid, "channel": "in_person", "requester": "patient",
                   "topics": ["employment", "illness"], "duration_minutes": 45.0,
                   "with_employment_supporter": true, "summary": "就労の相談"}),
        )
        .await
        .expect(201);
    // `45.0` is an integer to JSON Schema, so it is one here too.
    assert_eq!(cons.body["duration_minutes"], 45);
    assert_eq!(cons.body["consultant_id"], k.consultant_id.as_str());
    assert_eq!(cons.body["topics"], json!(["employment", "illness"]));
    let listed = app
        .get(&format!("/api/v1/consultations?patient_id={pid}"), t)
        .await
        .expect(200);
    assert_eq!(items(&listed)[0]["case_number"], "2026-0001");
    assert_eq!(items(&listed)[0]["patient_name"], "山田 花子");
    let consent_id = consent(&app, t, &pid, "employment_agencies").await.id();

    // Level 4 passes data (recorded) and schedules the first follow-up 14 days later.
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": pid, "consultation_id": cons.id(), "agency_id": k.hello_work,
                   "purpose": "new_employment", "level": "accompanied_with_follow_up",
                   "referred_on": "2026-06-01", "handed_over": "就労相談票",
                   "shared_items": ["name", "contact", "diagnosis"]}),
        )
        .await
        .expect(201);
    let rid = r.id();
    assert_eq!(r.body["status"], "open");
    let fus = app
        .get(&format!("/api/v1/referrals/{rid}/follow-ups"), t)
        .await
        .expect(200);
    assert_eq!(items(&fus).len(), 1);
    let fu = &items(&fus)[0];
    assert_eq!(fu["due_on"], "2026-06-15");
    assert_eq!(fu["state"], "due");
    assert_eq!(fu["assignee_id"], k.consultant_id.as_str());
    assert_eq!(fu["patient_name"], "山田 花子");
    assert_eq!(fu["agency_name"], "ハローワーク広島");
    let fu_id = fu["id"].as_str().unwrap().to_owned();

    let prov = app
        .get(&format!("/api/v1/patients/{pid}/provisions"), t)
        .await
        .expect(200);
    assert_eq!(items(&prov).len(), 1);
    assert_eq!(items(&prov)[0]["agency_id"], k.hello_work.as_str());
    assert_eq!(items(&prov)[0]["consent_id"], consent_id.as_str());
    assert_eq!(
        items(&prov)[0]["items"],
        json!(["name", "contact", "diagnosis"])
    );
    assert_eq!(items(&prov)[0]["provided_on"], "2026-06-01");

    // A promise of follow-up cannot be closed before a follow-up is done.
    let etag = app
        .get(&format!("/api/v1/referrals/{rid}"), t)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/referrals/{rid}"),
        t,
        Some(&etag),
        json!({"status": "closed", "outcome": "employed"}),
    )
    .await
    .problem(422, "follow_up_required");

    // Record it, scheduling the next.
    app.clock.advance(Duration::days(13));
    k.sign_in_again(&app).await;
    let t = &k.consultant;
    let fe = app
        .get(&format!("/api/v1/follow-ups/{fu_id}"), t)
        .await
        .expect(200)
        .etag();
    let done = app
        .patch(
            &format!("/api/v1/follow-ups/{fu_id}"),
            t,
            Some(&fe),
            json!({"done_on": "2026-06-14", "method": "phone", "contacted": "patient",
                   "outcome": "searching", "notes": "面接予定", "next_due_on": "2026-07-14"}),
        )
        .await
        .expect(200);
    assert_eq!(done.body["state"], "done");
    assert_eq!(done.body["next_due_on"], "2026-07-14");
    let open = app
        .get("/api/v1/follow-ups?assignee=me", t)
        .await
        .expect(200);
    assert_eq!(items(&open).len(), 1);
    assert_eq!(items(&open)[0]["due_on"], "2026-07-14");
    let next_id = items(&open)[0]["id"].as_str().unwrap().to_owned();

    // Now it closes, with its outcome, and the follow-up still open is cancelled.
    let closed = app
        .patch(
            &format!("/api/v1/referrals/{rid}"),
            t,
            Some(&etag),
            json!({"status": "closed", "outcome": "employed"}),
        )
        .await
        .expect(200);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["outcome"], "employed");
    assert_eq!(closed.body["closed_on"], "2026-06-14");
    let next = app
        .get(&format!("/api/v1/follow-ups/{next_id}"), t)
        .await
        .expect(200);
    assert_eq!(next.body["state"], "cancelled");
    assert!(items(&app.get("/api/v1/follow-ups", t).await.expect(200)).is_empty());
    // A closed referral does not change any more.
    app.patch(
        &format!("/api/v1/referrals/{rid}"),
        t,
        Some(&closed.etag()),
        json!({"notes": "x"}),
    )
    .await
    .problem(422, "referral_closed");
    app.post(
        &format!("/api/v1/referrals/{rid}/follow-ups"),
        t,
        json!({"due_on": "2026-08-01"}),
    )
    .await
    .problem(422, "referral_closed");

    // The timeline tells the story in order.
    let tl = app
        .get(&format!("/api/v1/patients/{pid}/timeline"), t)
        .await
        .expect(200);
    assert_eq!(tl.body["patient"]["id"], pid.as_str());
    let kinds: Vec<&str> = items(&tl)
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "consent",
            "consultation",
            "referral",
            "provision",
            "follow_up",
            "follow_up"
        ]
    );
    assert_eq!(
        items(&tl)[2]["referral"]["level"],
        "accompanied_with_follow_up"
    );
    assert_eq!(items(&tl)[4]["follow_up"]["state"], "done");
    // The timeline labels each follow-up from the patient and the referral it read
    // already; the follow-up's own resource joins them: the two agree.
    for entry in &items(&tl)[4..] {
        let shown = &entry["follow_up"];
        let own = app
            .get(
                &format!("/api/v1/follow-ups/{}", shown["id"].as_str().unwrap()),
                t,
            )
            .await
            .expect(200);
        assert_eq!(*shown, own.body);
        assert_eq!(shown["case_number"], "2026-0001");
        assert_eq!(shown["level"], "accompanied_with_follow_up");
        assert!(!shown["agency_name"].as_str().unwrap().is_empty());
    }

    // Every step is in the audit trail, naming the patient.
    let events = app.audit_events();
    for action in [
        "patient.create",
        "consultation.create",
        "consent.create",
        "referral.create",
        "data.provide",
        "follow_up.schedule",
        "follow_up.record",
        "referral.close",
    ] {
        assert!(
            events.iter().any(|e| e.action == action
                && e.patient_id.as_deref() == Some(pid.as_str())
                && e.outcome == "success"),
            "no {action} naming the patient"
        );
    }
    // The whole chain still verifies.
    let report = app.services.audit_trail().verify_chain().unwrap();
    assert!(report.first_broken.is_none());
}

/// From phone mediation up, data goes to the agency: consent in force, covering it.
async fn referrals_that_pass_data_need_consent(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let refer = |level: &str, agency: &str, items: Option<Value>| {
        let mut b = json!({"patient_id": pid, "agency_id": agency, "purpose": "job_retention", "level": level});
        if let Some(i) = items {
            b["shared_items"] = i;
        }
        b
    };
    // Information only needs no consent and passes nothing.
    app.post(
        "/api/v1/referrals",
        t,
        refer("information_only", &k.hello_work, None),
    )
    .await
    .expect(201);
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            refer("information_only", &k.hello_work, Some(json!(["name"]))),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["shared_items"]);
    // Phone mediation without consent: a clear rule code, nothing written.
    app.post(
        "/api/v1/referrals",
        t,
        refer(
            "phone_mediation",
            &k.hello_work,
            Some(json!(["name", "contact"])),
        ),
    )
    .await
    .problem(422, "consent_required");
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            refer("phone_mediation", &k.hello_work, None),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["shared_items"]);
    let list = app
        .get(&format!("/api/v1/referrals?patient_id={pid}"), t)
        .await
        .expect(200);
    assert_eq!(
        items(&list).len(),
        1,
        "a refused referral must leave nothing behind"
    );
    assert!(
        items(
            &app.get(&format!("/api/v1/patients/{pid}/provisions"), t)
                .await
                .expect(200)
        )
        .is_empty()
    );

    // Consent for employment agencies covers Hello Work but not an employer.
    let c = consent(&app, t, &pid, "employment_agencies").await;
    app.post(
        "/api/v1/referrals",
        t,
        refer(
            "phone_mediation",
            &k.hello_work,
            Some(json!(["name", "contact"])),
        ),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/referrals",
        t,
        refer("accompanied", &k.other_agency, Some(json!(["name"]))),
    )
    .await
    .problem(422, "consent_required");
    consent(&app, t, &pid, "all_agencies").await;
    app.post(
        "/api/v1/referrals",
        t,
        refer("accompanied", &k.other_agency, Some(json!(["name"]))),
    )
    .await
    .expect(201);

    // Withdrawn consent no longer covers anything; a withdrawal is final.
    let list = app
        .get(&format!("/api/v1/patients/{pid}/consents"), t)
        .await
        .expect(200);
    for consent in items(&list) {
        let id = consent["id"].as_str().unwrap();
        let e = app
            .get(&format!("/api/v1/consents/{id}"), t)
            .await
            .expect(200)
            .etag();
        let w = app
            .patch(
                &format!("/api/v1/consents/{id}"),
                t,
                Some(&e),
                json!({"withdrawn_on": "2026-06-01"}),
            )
            .await
            .expect(200);
        assert_eq!(w.body["withdrawn_on"], "2026-06-01");
        let r = app
            .patch(
                &format!("/api/v1/consents/{id}"),
                t,
                Some(&w.etag()),
                json!({"withdrawn_on": null}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(r.fields(), vec!["withdrawn_on"]);
    }
    app.post(
        "/api/v1/referrals",
        t,
        refer("phone_mediation", &k.hello_work, Some(json!(["name"]))),
    )
    .await
    .problem(422, "consent_required");
    // Consent dates: not in the future; a withdrawal not before it was given.
    let r = app
        .post(
            &format!("/api/v1/patients/{pid}/consents"),
            t,
            json!({"given_on": "2026-06-02", "scope": "everyone"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["given_on", "scope"]);
    let e = app
        .get(&format!("/api/v1/consents/{}", c.id()), t)
        .await
        .expect(200);
    assert_eq!(e.body["withdrawn_on"], "2026-06-01");
    let provisions = app
        .get(&format!("/api/v1/patients/{pid}/provisions"), t)
        .await
        .expect(200);
    assert_eq!(items(&provisions).len(), 2);
}

/// Anyone on the case raises a level; only a supervisor lowers it, with a reason.
async fn levels_are_raised_freely_and_lowered_by_supervisors(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "information_only"}),
        )
        .await
        .expect(201);
    let rid = r.id();
    let path = format!("/api/v1/referrals/{rid}");
    // Raising to phone mediation passes data: consent and items needed then.
    app.patch(
        &path,
        t,
        Some(&r.etag()),
        json!({"level": "phone_mediation", "shared_items": ["name"]}),
    )
    .await
    .problem(422, "consent_required");
    consent(&app, t, &pid, "employment_agencies").await;
    let r = app
        .patch(
            &path,
            t,
            Some(&r.etag()),
            json!({"level": "phone_mediation", "shared_items": ["name", "contact"]}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["level"], "phone_mediation");
    // The consultant went along after all: level 4 schedules the follow-up from today.
    let r = app
        .patch(
            &path,
            &k.other,
            Some(&r.etag()),
            json!({"level": "accompanied_with_follow_up"}),
        )
        .await
        .expect(200);
    let fus = app.get(&format!("{path}/follow-ups"), t).await.expect(200);
    assert_eq!(items(&fus).len(), 1);
    assert_eq!(items(&fus)[0]["due_on"], "2026-06-15");
    // Lowering: not a consultant's; a supervisor's only with a reason.
    app.patch(
        &path,
        t,
        Some(&r.etag()),
        json!({"level": "accompanied", "level_reason": "誤入力"}),
    )
    .await
    .problem(403, "lowering_requires_supervisor");
    let e = app
        .patch(
            &path,
            &k.supervisor,
            Some(&r.etag()),
            json!({"level": "accompanied"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(e.fields(), vec!["level_reason"]);
    let r = app
        .patch(
            &path,
            &k.supervisor,
            Some(&r.etag()),
            json!({"level": "accompanied", "level_reason": "同席のみでフォローは未約束"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["level"], "accompanied");
    // Every change is kept, with who and why.
    let h = app
        .get(&format!("{path}/level-changes"), t)
        .await
        .expect(200);
    let levels: Vec<(Value, Value)> = items(&h)
        .iter()
        .map(|l| (l["from_level"].clone(), l["to_level"].clone()))
        .collect();
    assert_eq!(
        levels,
        vec![
            (Value::Null, json!("information_only")),
            (json!("information_only"), json!("phone_mediation")),
            (
                json!("phone_mediation"),
                json!("accompanied_with_follow_up")
            ),
            (json!("accompanied_with_follow_up"), json!("accompanied")),
        ]
    );
    assert_eq!(items(&h)[2]["changed_by"], k.other_id.as_str());
    assert_eq!(items(&h)[3]["reason"], "同席のみでフォローは未約束");
    // Closing needs an outcome; a non-level-4 referral closes without a follow-up done.
    let e = app
        .patch(&path, t, Some(&r.etag()), json!({"status": "closed"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(e.fields(), vec!["outcome"]);
    app.patch(
        &path,
        t,
        Some(&r.etag()),
        json!({"status": "closed", "outcome": "declined", "closed_on": "2026-06-01"}),
    )
    .await
    .expect(200);
}

/// A level-4 referral entered weeks after it was made keeps the due date its promise had:
/// the lapse shows at once in the consultant's queue and the supervisor's audit queue.
async fn a_late_entered_level_four_referral_is_overdue_at_once(db: Db) {
    let app = spawn(db).await;
    let mut k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    consent(&app, t, &pid, "employment_agencies").await;
    // A month on (2026-07-01 JST), the consultant records a referral made on 5/21.
    app.clock.advance(Duration::days(30));
    k.sign_in_again(&app).await;
    let t = &k.consultant;
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment",
                   "level": "accompanied_with_follow_up", "referred_on": "2026-05-21",
                   "shared_items": ["name"]}),
        )
        .await
        .expect(201)
        .id();
    let q = app
        .get("/api/v1/follow-ups?state=overdue&assignee=me", t)
        .await
        .expect(200);
    assert_eq!(items(&q).len(), 1, "{}", q.body);
    assert_eq!(items(&q)[0]["referral_id"], r.as_str());
    assert_eq!(items(&q)[0]["due_on"], "2026-06-04");
    assert_eq!(items(&q)[0]["state"], "overdue");
    let queue = app
        .get("/api/v1/audit-queue", &k.supervisor)
        .await
        .expect(200);
    let entry = items(&queue)
        .iter()
        .find(|i| i["referral_id"] == r.as_str())
        .unwrap_or_else(|| panic!("not in the audit queue: {}", queue.body));
    let reasons: Vec<&str> = entry["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"follow_up_escalated") || reasons.contains(&"follow_up_overdue"),
        "{reasons:?}"
    );
}

/// The work queue: overdue first, counted in Asia/Tokyo dates.
async fn follow_up_queue_counts_overdue_in_tokyo(db: Db) {
    let app = spawn(db).await;
    let mut k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    consent(&app, t, &pid, "employment_agencies").await;
    let mk = |on: &str| json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "referred_on": on, "shared_items": ["name"]});
    // Referred on 5/20 → due 6/3; on 6/1 → due 6/15. The clock starts 2026-06-01 09:00 JST.
    let a = app
        .post("/api/v1/referrals", t, mk("2026-05-20"))
        .await
        .expect(201)
        .id();
    let b = app
        .post("/api/v1/referrals", t, mk("2026-06-01"))
        .await
        .expect(201)
        .id();
    // One for the other consultant, due soonest.
    let extra = app
        .post(
            &format!("/api/v1/referrals/{b}/follow-ups"),
            t,
            json!({"due_on": "2026-06-02", "assignee_id": k.other_id}),
        )
        .await
        .expect(201);
    assert_eq!(extra.body["assignee_id"], k.other_id.as_str());

    let q = app
        .get("/api/v1/follow-ups?assignee=me", t)
        .await
        .expect(200);
    let due: Vec<&str> = items(&q)
        .iter()
        .map(|f| f["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(due, vec!["2026-06-03", "2026-06-15"]);
    assert!(items(&q).iter().all(|f| f["state"] == "due"));

    // 2026-06-03 23:59 JST (14:59 UTC): due today, not overdue yet.
    app.clock
        .advance(Duration::days(2) + Duration::hours(14) + Duration::minutes(59));
    k.sign_in_again(&app).await;
    let t = &k.consultant;
    let q = app
        .get("/api/v1/follow-ups?state=overdue&assignee=me", t)
        .await
        .expect(200);
    assert!(items(&q).is_empty(), "{}", q.body);
    // Two minutes later it is 6/4 in Tokyo (still 6/3 in UTC): overdue.
    app.clock.advance(Duration::minutes(2));
    let q = app
        .get("/api/v1/follow-ups?state=overdue&assignee=me", t)
        .await
        .expect(200);
    assert_eq!(items(&q).len(), 1);
    assert_eq!(items(&q)[0]["referral_id"], a.as_str());
    assert_eq!(items(&q)[0]["state"], "overdue");
    let q = app
        .get("/api/v1/follow-ups?state=due&assignee=me", t)
        .await
        .expect(200);
    assert_eq!(items(&q).len(), 1);
    assert_eq!(items(&q)[0]["referral_id"], b.as_str());
    // The whole center's queue, overdue first, paged.
    let p1 = app
        .get("/api/v1/follow-ups?limit=2", &k.supervisor)
        .await
        .expect(200);
    let states: Vec<&str> = items(&p1)
        .iter()
        .map(|f| f["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["overdue", "overdue"]);
    let cursor = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(
            &format!("/api/v1/follow-ups?limit=2&cursor={cursor}"),
            &k.supervisor,
        )
        .await
        .expect(200);
    assert_eq!(items(&p2).len(), 1);
    assert_eq!(items(&p2)[0]["due_on"], "2026-06-15");
    assert!(p2.body["next_cursor"].is_null());
    let q = app
        .get(&format!("/api/v1/follow-ups?assignee={}", k.other_id), t)
        .await
        .expect(200);
    assert_eq!(items(&q).len(), 1);
    // Done ones, newest first.
    let id = items(&p1)[0]["id"].as_str().unwrap();
    let e = app
        .get(&format!("/api/v1/follow-ups/{id}"), t)
        .await
        .expect(200)
        .etag();
    app.patch(&format!("/api/v1/follow-ups/{id}"), t, Some(&e), json!({"done_on": "2026-06-03", "method": "visit", "contacted": "employer", "outcome": "retained"}))
        .await
        .expect(200);
    let q = app
        .get("/api/v1/follow-ups?state=done", t)
        .await
        .expect(200);
    assert_eq!(items(&q).len(), 1);
    assert_eq!(items(&q)[0]["outcome"], "retained");
    // A calendar's week: every follow-up due in it, done or open, by due date.
    let week = app
        .get(
            "/api/v1/follow-ups?state=all&due_from=2026-06-01&due_to=2026-06-07",
            &k.supervisor,
        )
        .await
        .expect(200);
    let seen: Vec<(&str, &str)> = items(&week)
        .iter()
        .map(|f| (f["due_on"].as_str().unwrap(), f["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        vec![("2026-06-02", "done"), ("2026-06-03", "overdue")]
    );
    let mine = app
        .get(
            "/api/v1/follow-ups?assignee=me&due_from=2026-06-10&due_to=2026-06-20",
            t,
        )
        .await
        .expect(200);
    assert_eq!(items(&mine).len(), 1);
    assert_eq!(items(&mine)[0]["due_on"], "2026-06-15");
    for bad in [
        "due_from=2026-06-10&due_to=2026-06-01",
        "due_from=2026-01-01&due_to=2026-12-31",
    ] {
        app.get(&format!("/api/v1/follow-ups?{bad}"), t)
            .await
            .problem(422, "validation_failed");
    }
    for bad in ["state=late", "assignee=nobody", "cursor=x", "limit=0"] {
        app.get(&format!("/api/v1/follow-ups?{bad}"), t)
            .await
            .problem(422, "validation_failed");
    }
    // Not a date at all: the query itself cannot be read.
    app.get("/api/v1/follow-ups?due_from=6/1", t)
        .await
        .problem(400, "invalid_query");
}

/// Search by any part of the name or the reading, whatever the width or kana.
async fn patients_are_found_by_name_or_reading(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let sato = patient(&app, t, "佐藤", "花子", "さとう", "はなこ").await;
    let sasaki = patient(&app, t, "佐々木", "健", "ササキ", "ケン").await;
    let suzuki = patient(&app, t, "鈴木", "一郎", "ｽｽﾞｷ", "ｲﾁﾛｳ").await;
    let found = |r: &Resp| -> Vec<String> {
        items(r)
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for (q, want) in [
        ("ｻﾄｳ", vec![&sato]),
        ("さとう", vec![&sato]),
        ("サトウ", vec![&sato]),
        ("佐藤", vec![&sato]),
        ("藤花", vec![&sato]),
        ("佐藤 花子", vec![&sato]),
        ("ﾄｳﾊﾅ", vec![&sato]),
        ("はなこ", vec![&sato]),
        ("ｽｽﾞｷ", vec![&suzuki]),
        ("すずき　いちろう", vec![&suzuki]),
        ("ズキイ", vec![&suzuki]),
        ("佐", vec![&sato, &sasaki]),
        ("さ", vec![&sato, &sasaki]),
        ("ｷ", vec![&sasaki, &suzuki]),
        ("田中", vec![]),
        ("%", vec![]),
        ("_", vec![]),
    ] {
        let r = app
            .get(&format!("/api/v1/patients?q={}", urlencode(q)), t)
            .await
            .expect(200);
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(found(&r), want, "q={q}");
    }
    let all = app.get("/api/v1/patients", t).await.expect(200);
    assert_eq!(
        found(&all),
        vec![sato.clone(), sasaki.clone(), suzuki.clone()]
    );
    let p1 = app
        .get("/api/v1/patients?q=%E4%BD%90&limit=1", t)
        .await
        .expect(200);
    assert_eq!(found(&p1), vec![sato.clone()]);
    let c = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(
            &format!("/api/v1/patients?q=%E4%BD%90&limit=1&cursor={c}"),
            t,
        )
        .await
        .expect(200);
    assert_eq!(found(&p2), vec![sasaki.clone()]);
    let long = "あ".repeat(101);
    app.get(&format!("/api/v1/patients?q={}", urlencode(&long)), t)
        .await
        .problem(422, "validation_failed");
    // A renamed patient is found under the new name only.
    let e = app
        .get(&format!("/api/v1/patients/{sasaki}"), t)
        .await
        .expect(200)
        .etag();
    app.patch(
        &format!("/api/v1/patients/{sasaki}"),
        t,
        Some(&e),
        json!({"family_name": "高橋", "family_name_kana": "たかはし"}),
    )
    .await
    .expect(200);
    assert!(
        found(
            &app.get(&format!("/api/v1/patients?q={}", urlencode("ササキ")), t)
                .await
                .expect(200)
        )
        .is_empty()
    );
    assert_eq!(
        found(
            &app.get(&format!("/api/v1/patients?q={}", urlencode("ﾀｶﾊｼ")), t)
                .await
                .expect(200)
        ),
        vec![sasaki.clone()]
    );
    // Each search is one audit event with its query and count.
    let events = app.audit_events();
    assert!(
        events
            .iter()
            .any(|e| e.action == "patient.search" && e.detail.as_deref() == Some("q=ｻﾄｳ; count=1"))
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Another center's patients and everything about them answer 404, like missing ones.
async fn other_centers_cases_are_404_on_every_route(db: Db) {
    let app = spawn(db).await;
    let a = setup(&app, "a").await;
    let b = setup(&app, "b").await;
    let bt = &b.consultant;
    let pid = patient(&app, bt, "佐藤", "花子", "サトウ", "ハナコ").await;
    let consent_id = consent(&app, bt, &pid, "employment_agencies").await.id();
    let cons = app
        .post("/api/v1/consultations", bt, json!({"patient_id": pid, "channel": "phone", "requester": "patient", "topics": ["employment"]}))
        .await
        .expect(201)
        .id();
    let rid = app
        .post("/api/v1/referrals", bt, json!({"patient_id": pid, "agency_id": b.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "shared_items": ["name"]}))
        .await
        .expect(201)
        .id();
    let fus = app
        .get(&format!("/api/v1/referrals/{rid}/follow-ups"), bt)
        .await
        .expect(200);
    let fid = items(&fus)[0]["id"].as_str().unwrap().to_owned();
    let missing = uuid::Uuid::now_v7().to_string();

    let at = &a.consultant;
    for path in [
        "/api/v1/patients/{p}",
        "/api/v1/patients/{p}/timeline",
        "/api/v1/patients/{p}/consents",
        "/api/v1/patients/{p}/provisions",
        "/api/v1/consents/{c}",
        "/api/v1/consultations/{k}",
        "/api/v1/referrals/{r}",
        "/api/v1/referrals/{r}/level-changes",
        "/api/v1/referrals/{r}/follow-ups",
        "/api/v1/follow-ups/{f}",
    ] {
        let real = path
            .replace("{p}", &pid)
            .replace("{c}", &consent_id)
            .replace("{k}", &cons)
            .replace("{r}", &rid)
            .replace("{f}", &fid);
        let other = app.get(&real, at).await.problem(404, "not_found");
        let none = app
            .get(
                &path
                    .replace(['{', '}'], "")
                    .replace(['p', 'c', 'k', 'r', 'f'], ""),
                at,
            )
            .await;
        let _ = none;
        let fake = path
            .replace("{p}", &missing)
            .replace("{c}", &missing)
            .replace("{k}", &missing)
            .replace("{r}", &missing)
            .replace("{f}", &missing);
        let none = app.get(&fake, at).await.problem(404, "not_found");
        assert_eq!(other.body, none.body, "{path}");
        // The owner still sees it.
        app.get(&real, bt).await.expect(200);
    }
    for (path, body) in [
        (
            format!("/api/v1/patients/{pid}"),
            json!({"given_name": "x"}),
        ),
        (
            format!("/api/v1/consents/{consent_id}"),
            json!({"withdrawn_on": "2026-06-01"}),
        ),
        (
            format!("/api/v1/consultations/{cons}"),
            json!({"summary": "x"}),
        ),
        (format!("/api/v1/referrals/{rid}"), json!({"notes": "x"})),
        (format!("/api/v1/follow-ups/{fid}"), json!({"notes": "x"})),
    ] {
        app.patch(&path, at, Some("\"v1\""), body)
            .await
            .problem(404, "not_found");
    }
    app.post(
        &format!("/api/v1/patients/{pid}/consents"),
        at,
        json!({"given_on": "2026-05-01", "scope": "all_agencies"}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("/api/v1/referrals/{rid}/follow-ups"),
        at,
        json!({"due_on": "2026-07-01"}),
    )
    .await
    .problem(404, "not_found");
    // Pointing at another center's records from a new one is refused at the field.
    let r = app
        .post("/api/v1/consultations", at, json!({"patient_id": pid, "channel": "phone", "requester": "patient", "topics": ["employment"]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["patient_id"]);
    let apid = patient(&app, at, "伊藤", "二郎", "イトウ", "ジロウ").await;
    let r = app
        .post("/api/v1/referrals", at, json!({"patient_id": apid, "agency_id": b.hello_work, "consultation_id": cons, "purpose": "new_employment", "level": "information_only"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["agency_id", "consultation_id"]);
    // Lists show only the caller's center.
    for list in [
        "/api/v1/patients",
        "/api/v1/consultations",
        "/api/v1/referrals",
        "/api/v1/follow-ups",
    ] {
        let r = app.get(list, at).await.expect(200);
        assert!(
            items(&r).iter().all(|x| x.to_string().find(&pid).is_none()),
            "{list} leaks another center's patient"
        );
    }
    // A center administrator manages staff, not patients; the system administrator neither.
    app.get("/api/v1/patients", &a.c.admin)
        .await
        .problem(403, "insufficient_role");
    app.get("/api/v1/patients", &app.admin_token)
        .await
        .problem(403, "center_staff_only");
    // Probes are audited.
    assert!(
        app.audit_actions()
            .iter()
            .any(|(act, o)| act == "patient.read" && o == "not_found")
    );
}

/// Bad input on every field is a 422 naming each field, never a 500.
async fn bad_input_names_every_field(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let r = app
        .post(
            "/api/v1/patients",
            t,
            json!({"family_name": " ", "given_name": "x".repeat(101), "family_name_kana": "山田",
                   "given_name_kana": "hanako", "birth_date": "2026-13-01", "sex": "f",
                   "prefecture_code": "48", "municipality_code": "999999", "phone": "12345",
                   "email": "not-an-email", "program": "other", "disease_number": 999,
                   "diagnosis": "x".repeat(201), "employment_status": "retired",
                   "support_awareness": "maybe", "notes": "a\u{0}b"}),
        )
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    let mut want = vec![
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
        "sex",
        "prefecture_code",
        "municipality_code",
        "phone",
        "email",
        "program",
        "disease_number",
        "diagnosis",
        "employment_status",
        "support_awareness",
        "notes",
    ];
    want.sort_unstable();
    assert_eq!(fields, want);
    // Rules between fields.
    let mut b = patient_body("山田", "花子", "ヤマダ", "ハナコ");
    b["prefecture_code"] = json!("13");
    b["program"] = json!("shoman");
    b["birth_date"] = json!("2026-06-02");
    let r = app
        .post("/api/v1/patients", t, b)
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["birth_date", "disease_number", "municipality_code"]
    );
    // Missing and unknown fields, wrong types, broken JSON.
    let r = app
        .post("/api/v1/patients", t, json!({"family_name": "山田"}))
        .await
        .problem(422, "invalid_body");
    assert_eq!(r.body["errors"][0]["code"], "required");
    let mut b = patient_body("山田", "花子", "ヤマダ", "ハナコ");
    b["nickname"] = json!("x");
    let r = app
        .post("/api/v1/patients", t, b)
        .await
        .problem(422, "invalid_body");
    assert_eq!(r.fields(), vec!["nickname"]);
    let mut b = patient_body("山田", "花子", "ヤマダ", "ハナコ");
    b["disease_number"] = json!("two");
    let r = app
        .post("/api/v1/patients", t, b)
        .await
        .problem(422, "invalid_body");
    assert_eq!(r.fields(), vec!["disease_number"]);
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": "", "agency_id": k.hello_work, "purpose": "new_employment", "level": "information_only"}),
        )
        .await
        .problem(422, "invalid_body");
    assert_eq!(r.fields(), vec!["patient_id"]);
    let r = app
        .post(
            "/api/v1/consultations",
            t,
            json!({"channel": "phone", "requester": "patient", "topics": ["employment", 3]}),
        )
        .await
        .problem(422, "invalid_body");
    assert_eq!(r.fields(), vec!["topics[1]"]);

    let r = app
        .post(
            "/api/v1/consultations",
            t,
            json!({"occurred_at": "yesterday", "channel": "fax", "requester": "boss",
                   "topics": [], "duration_minutes": 0, "summary": "x".repeat(4001)}),
        )
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "channel",
            "duration_minutes",
            "occurred_at",
            "requester",
            "summary",
            "topics"
        ]
    );
    let r = app
        .post("/api/v1/consultations", t, json!({"occurred_at": "2026-06-03T09:00:00+09:00", "channel": "phone", "requester": "family", "topics": ["employment", "gossip"]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["occurred_at", "topics[1]"]);

    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let r = app
        .post(
            "/api/v1/referrals",
            t,
            json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "fun", "level": "five",
                   "referred_on": "2026-07-01", "handed_over": "x".repeat(501), "notes": "x".repeat(2001)}),
        )
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["handed_over", "level", "notes", "purpose", "referred_on"]
    );

    consent(&app, t, &pid, "employment_agencies").await;
    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "shared_items": ["name", "soul"]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(rid.fields(), vec!["shared_items[1]"]);
    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "shared_items": ["name"]}))
        .await
        .expect(201)
        .id();
    let fus = app
        .get(&format!("/api/v1/referrals/{rid}/follow-ups"), t)
        .await
        .expect(200);
    let fid = items(&fus)[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/follow-ups/{fid}");
    let e = app.get(&path, t).await.expect(200).etag();
    let r = app
        .patch(&path, t, Some(&e), json!({"done_on": "2026-06-01"}))
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, vec!["contacted", "method", "outcome"]);
    let r = app
        .patch(&path, t, Some(&e), json!({"done_on": "2026-06-09", "method": "pigeon", "contacted": "god", "outcome": "meh", "next_due_on": "2026-05-01"}))
        .await
        .problem(422, "validation_failed");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, vec!["contacted", "done_on", "method", "outcome"]);
    let r = app
        .patch(&path, t, Some(&e), json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient", "outcome": "searching", "next_due_on": "2026-05-01"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["next_due_on"]);
    let r = app
        .patch(&path, t, Some(&e), json!({"outcome": "employed"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["outcome"]);
    let r = app
        .post(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            t,
            json!({"due_on": "soon", "assignee_id": k.c.id}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["due_on"]);
    let r = app
        .post(
            &format!("/api/v1/referrals/{rid}/follow-ups"),
            t,
            json!({"due_on": "2026-07-01", "assignee_id": k.c.id}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["assignee_id"]);
    // Once done, a follow-up stays done.
    let d = app
        .patch(&path, t, Some(&e), json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient", "outcome": "searching"}))
        .await
        .expect(200);
    let r = app
        .patch(&path, t, Some(&d.etag()), json!({"done_on": null}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["done_on"]);
}

/// `If-Match` guards every case record; of two edits from the same version exactly one wins.
async fn concurrent_case_edits_are_resolved_by_if_match(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let path = format!("/api/v1/patients/{pid}");
    let e = app.get(&path, t).await.expect(200).etag();
    app.patch(&path, t, None, json!({"notes": "x"}))
        .await
        .problem(428, "if_match_required");
    let (r1, r2) = futures_util::future::join(
        app.patch(&path, t, Some(&e), json!({"given_name": "華子"})),
        app.patch(&path, &k.other, Some(&e), json!({"given_name": "花"})),
    )
    .await;
    let mut statuses = [r1.status.as_u16(), r2.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let now = app.get(&path, t).await.expect(200);
    assert_eq!(now.etag(), "\"v2\"");
    app.patch(&path, t, Some(&e), json!({"notes": "x"}))
        .await
        .problem(412, "precondition_failed");

    let cid = app
        .post(
            "/api/v1/consultations",
            t,
            json!({"channel": "phone", "requester": "other", "topics": ["other"]}),
        )
        .await
        .expect(201);
    let cpath = format!("/api/v1/consultations/{}", cid.id());
    let ok = app
        .patch(&cpath, t, Some(&cid.etag()), json!({"patient_id": pid}))
        .await
        .expect(200);
    assert_eq!(ok.body["patient_id"], pid.as_str());
    app.patch(&cpath, t, Some(&cid.etag()), json!({"summary": "x"}))
        .await
        .problem(412, "precondition_failed");
    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "information_only"}))
        .await
        .expect(201);
    let rpath = format!("/api/v1/referrals/{}", rid.id());
    app.patch(&rpath, t, Some(&rid.etag()), json!({"notes": "1"}))
        .await
        .expect(200);
    app.patch(&rpath, t, Some(&rid.etag()), json!({"notes": "2"}))
        .await
        .problem(412, "precondition_failed");
}

/// `If-Match: *` is true whenever the record exists (RFC 9110 §13.1.1): the change applies to
/// the current version, on case records and on the records that are changed without being
/// read first (centers, agencies, staff). A tag that is not one of ours still answers 412, and
/// `*` on a missing record 404.
async fn if_match_star_matches_the_current_version(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let path = format!("/api/v1/patients/{pid}");
    app.patch(&path, t, Some("\"v1\""), json!({"notes": "1"}))
        .await
        .expect(200);
    let r = app
        .patch(&path, t, Some("*"), json!({"notes": "2"}))
        .await
        .expect(200);
    assert_eq!(r.etag(), "\"v3\"");
    assert_eq!(r.body["notes"], "2");
    app.patch(&path, t, Some("\"v1\""), json!({"notes": "3"}))
        .await
        .problem(412, "precondition_failed");
    app.patch(&path, t, Some("\"*\""), json!({"notes": "3"}))
        .await
        .problem(412, "precondition_failed");
    app.patch(&path, t, Some("x"), json!({"notes": "3"}))
        .await
        .problem(412, "precondition_failed");
    let missing = "/api/v1/patients/01900000-0000-7000-8000-000000000000";
    app.patch(missing, t, Some("*"), json!({"notes": "3"}))
        .await
        .problem(404, "not_found");

    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "information_only"}))
        .await
        .expect(201)
        .id();
    let r = app
        .patch(
            &format!("/api/v1/referrals/{rid}"),
            t,
            Some("*"),
            json!({"notes": "1"}),
        )
        .await
        .expect(200);
    assert_eq!(r.etag(), "\"v2\"");

    let apath = format!("/api/v1/agencies/{}", k.hello_work);
    let r = app
        .patch(
            &apath,
            &k.c.admin,
            Some("*"),
            json!({"phone": "082-000-0000"}),
        )
        .await
        .expect(200);
    assert_eq!(r.etag(), "\"v2\"");
    app.patch(
        &apath,
        &k.c.admin,
        Some("\"v1\""),
        json!({"phone": "082-000-0001"}),
    )
    .await
    .problem(412, "precondition_failed");
    let missing = "/api/v1/agencies/01900000-0000-7000-8000-000000000000";
    app.patch(missing, &k.c.admin, Some("*"), json!({"name": "x"}))
        .await
        .problem(404, "not_found");

    let cpath = format!("/api/v1/centers/{}", k.c.id);
    let before = app.get(&cpath, &app.admin_token).await.expect(200).etag();
    let r = app
        .patch(
            &cpath,
            &app.admin_token,
            Some("*"),
            json!({"sample_percent": 20}),
        )
        .await
        .expect(200);
    assert_ne!(r.etag(), before);
    assert_eq!(r.body["sample_percent"], 20);
    app.patch(
        &cpath,
        &app.admin_token,
        Some(&before),
        json!({"sample_percent": 30}),
    )
    .await
    .problem(412, "precondition_failed");

    let upath = format!("/api/v1/users/{}", k.other_id);
    let r = app
        .patch(
            &upath,
            &k.c.admin,
            Some("*"),
            json!({"display_name": "伊藤 一郎"}),
        )
        .await
        .expect(200);
    // v2 was the user's own first change of the initial password.
    assert_eq!(r.etag(), "\"v3\"");
    app.patch(
        &upath,
        &k.c.admin,
        Some("\"v1\""),
        json!({"display_name": "伊藤"}),
    )
    .await
    .problem(412, "precondition_failed");
}

/// Reads of a patient's data are logged, naming the patient; lists log one event.
async fn every_read_of_patient_data_is_logged(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    consent(&app, t, &pid, "employment_agencies").await;
    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "shared_items": ["name"]}))
        .await
        .expect(201)
        .id();
    let before = app.audit_events().len();
    for path in [
        format!("/api/v1/patients/{pid}"),
        format!("/api/v1/patients/{pid}/timeline"),
        format!("/api/v1/patients/{pid}/consents"),
        format!("/api/v1/patients/{pid}/provisions"),
        format!("/api/v1/referrals/{rid}"),
        format!("/api/v1/referrals/{rid}/level-changes"),
        format!("/api/v1/referrals/{rid}/follow-ups"),
        format!("/api/v1/consultations?patient_id={pid}"),
    ] {
        app.get(&path, &k.supervisor).await.expect(200);
    }
    let events = app.audit_events();
    let reads: Vec<_> = events[before..].iter().collect();
    assert_eq!(reads.len(), 8, "{reads:#?}");
    assert!(
        reads
            .iter()
            .all(|e| e.patient_id.as_deref() == Some(pid.as_str())
                && e.actor_role.as_deref() == Some("supervisor")
                && e.outcome == "success")
    );
    // A burst of reads is logged in full, in order, and the chain still holds.
    let ppath = format!("/api/v1/patients/{pid}");
    let many = futures_util::future::join_all((0..40).map(|_| app.get(&ppath, t))).await;
    assert!(many.iter().all(|r| r.status == 200));
    let events = app.audit_events();
    let n = events
        .iter()
        .filter(|e| e.action == "patient.read" && e.patient_id.as_deref() == Some(pid.as_str()))
        .count();
    assert_eq!(n, 41);
    assert!(
        app.services
            .audit_trail()
            .verify_chain()
            .unwrap()
            .first_broken
            .is_none()
    );
}

/// A read answers only once its access event is stored: right after each answer the event
/// is in the database (nothing is flushed), and while the database refuses access events a
/// read answers 503 instead of the data; once it accepts them again, reads answer. The
/// timeline queues its event while it is still reading, and still answers only after it.
async fn a_read_answers_only_after_its_access_event_is_stored(db: Db) {
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;
    use tsunagu_store::db::DbConn;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    let path = format!("/api/v1/patients/{pid}");
    let mut raw = app.db.raw();
    let counted =
        |raw: &mut DbConn, sql: &str| diesel::sql_query(sql).get_result::<N>(raw).unwrap().n;
    let count = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'patient.read' AND patient_id = '{pid}'"
    );
    for i in 1..=5 {
        app.get(&path, t).await.expect(200);
        let n = counted(&mut raw, &count);
        assert_eq!(n, i, "the answer came before its access event was stored");
    }
    let timeline = format!("{path}/timeline");
    let timeline_count = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'patient.timeline' AND patient_id = '{pid}' AND outcome = 'success'"
    );
    for i in 1..=3 {
        app.get(&timeline, t).await.expect(200);
        let n = counted(&mut raw, &timeline_count);
        assert_eq!(
            n, i,
            "the timeline answered before its access event was stored"
        );
    }
    let (refuse, allow): (&[&str], &[&str]) = match raw {
        DbConn::Sqlite(_) => (
            &[
                "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_events WHEN NEW.action IN ('patient.read', 'patient.timeline') BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
            ],
            &["DROP TRIGGER refuse_reads"],
        ),
        DbConn::Pg(_) => (
            &[
                "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action IN ('patient.read', 'patient.timeline') THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_reads()",
            ],
            &["DROP TRIGGER refuse_reads ON audit_events"],
        ),
    };
    for sql in refuse {
        diesel::sql_query(*sql).execute(&mut raw).unwrap();
    }
    let refused = app.get(&path, t).await.problem(503, "unavailable");
    assert!(
        refused.body.get("family_name").is_none(),
        "{}",
        refused.body
    );
    let refused = app.get(&timeline, t).await.problem(503, "unavailable");
    assert!(refused.body.get("patient").is_none(), "{}", refused.body);
    for sql in allow {
        diesel::sql_query(*sql).execute(&mut raw).unwrap();
    }
    // The writer retries the refused batch; reads answer again once it went through.
    let mut answered = false;
    let mut asked = 6;
    for _ in 0..50 {
        asked += 1;
        if app.get(&path, t).await.status == 200 {
            answered = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        answered,
        "reads did not recover after the database accepted events again"
    );
    // Every read is in the trail, those answered 503 too (their events were retried), and
    // nothing is left waiting in the queue.
    let n = counted(&mut raw, &count);
    assert_eq!(n, asked);
    assert!(
        app.services
            .audit_trail()
            .verify_chain()
            .unwrap()
            .first_broken
            .is_none()
    );
}

/// Anonymous consultations count; only a supervisor records one for someone else.
async fn consultations_anonymous_and_on_behalf(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let anon = app
        .post(
            "/api/v1/consultations",
            &k.consultant,
            json!({"channel": "phone", "requester": "family", "topics": ["welfare_system"]}),
        )
        .await
        .expect(201);
    assert!(anon.body["patient_id"].is_null());
    assert_eq!(anon.body["occurred_at"].as_str().unwrap().len(), 27);
    app.post("/api/v1/consultations", &k.consultant, json!({"channel": "phone", "requester": "family", "topics": ["other"], "consultant_id": k.other_id}))
        .await
        .problem(403, "supervisor_only");
    let on_behalf = app
        .post("/api/v1/consultations", &k.supervisor, json!({"channel": "outreach", "requester": "patient", "topics": ["employment"], "with_employment_supporter": true, "consultant_id": k.other_id, "occurred_at": "2026-05-30T14:00:00+09:00"}))
        .await
        .expect(201);
    assert_eq!(on_behalf.body["consultant_id"], k.other_id.as_str());
    assert_eq!(on_behalf.body["occurred_at"], "2026-05-30T05:00:00.000000Z");
    let r = app
        .post("/api/v1/consultations", &k.supervisor, json!({"channel": "phone", "requester": "patient", "topics": ["other"], "consultant_id": k.c.id}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["consultant_id"]);
    // Newest first; by consultant; by time.
    let mine = app
        .get(
            &format!("/api/v1/consultations?consultant_id={}", k.other_id),
            &k.consultant,
        )
        .await
        .expect(200);
    assert_eq!(items(&mine).len(), 1);
    let all = app
        .get("/api/v1/consultations?limit=1", &k.consultant)
        .await
        .expect(200);
    assert_eq!(items(&all)[0]["id"], anon.body["id"]);
    let c = all.body["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(
            &format!("/api/v1/consultations?limit=1&cursor={c}"),
            &k.consultant,
        )
        .await
        .expect(200);
    assert_eq!(items(&p2)[0]["id"], on_behalf.body["id"]);
    let from = app
        .get(
            "/api/v1/consultations?from=2026-05-31T00:00:00Z",
            &k.consultant,
        )
        .await
        .expect(200);
    assert_eq!(items(&from).len(), 1);
    app.get("/api/v1/consultations?from=yesterday", &k.consultant)
        .await
        .problem(422, "validation_failed");
}

/// Master data for pickers, and a center's follow-up interval.
async fn master_data_and_center_settings(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let d = app.get("/api/v1/diseases", t).await.expect(200);
    assert_eq!(items(&d).len(), 348);
    assert_eq!(items(&d)[1]["name"], "筋萎縮性側索硬化症");
    let d = app
        .get(&format!("/api/v1/diseases?q={}", urlencode("ﾓﾔﾓﾔ")), t)
        .await
        .expect(200);
    assert_eq!(items(&d).len(), 1);
    assert_eq!(items(&d)[0]["name"], "もやもや病");
    let d = app.get("/api/v1/diseases?q=22", t).await.expect(200);
    assert_eq!(items(&d)[0]["number"], 22);
    assert_eq!(
        items(&app.get("/api/v1/prefectures", t).await.expect(200)).len(),
        47
    );
    let m = app
        .get("/api/v1/municipalities?prefecture_code=34", t)
        .await
        .expect(200);
    assert!(
        items(&m)
            .iter()
            .any(|x| x["code"] == "342106" && x["name"] == "庄原市")
    );
    assert!(items(&m).iter().all(|x| x["prefecture_code"] == "34"));
    app.get("/api/v1/municipalities?prefecture_code=99", t)
        .await
        .problem(422, "validation_failed");
    app.request(awc::http::Method::GET, "/api/v1/diseases", None, &[], None)
        .await
        .problem(401, "missing_token");

    // The center administrator tunes the follow-up interval, and nothing else of the center.
    let path = format!("/api/v1/centers/{}", k.c.id);
    let e = app.get(&path, &k.c.admin).await.expect(200).etag();
    app.patch(&path, &k.c.admin, Some(&e), json!({"name": "x"}))
        .await
        .problem(403, "insufficient_role");
    app.patch(&path, &k.c.admin, Some(&e), json!({"follow_up_days": 0}))
        .await
        .problem(422, "validation_failed");
    let c = app
        .patch(&path, &k.c.admin, Some(&e), json!({"follow_up_days": 7}))
        .await
        .expect(200);
    assert_eq!(c.body["follow_up_days"], 7);
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    consent(&app, t, &pid, "employment_agencies").await;
    let rid = app
        .post("/api/v1/referrals", t, json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "shared_items": ["name"]}))
        .await
        .expect(201)
        .id();
    let fus = app
        .get(&format!("/api/v1/referrals/{rid}/follow-ups"), t)
        .await
        .expect(200);
    assert_eq!(items(&fus)[0]["due_on"], "2026-06-08");
    app.get(
        &format!("/api/v1/centers/{}", uuid::Uuid::now_v7()),
        &k.c.admin,
    )
    .await
    .problem(404, "not_found");
}

/// Names that would spoof a list or a CSV export (a right-to-left override, only zero-width
/// characters, a byte-order mark, private use, noncharacters) are refused at the field;
/// Japanese as people write it, 旧字体 and 異体字 included, is not.
async fn invisible_and_bidirectional_characters_are_refused_in_names(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    for (field, bad) in [
        ("family_name", "山田\u{202E}子花"),
        ("family_name", "\u{200D}"),
        ("given_name", "\u{200B}\u{200D}\u{2060}"),
        ("given_name", "\u{FEFF}花子"),
        ("family_name", "山田\u{E000}"),
        ("family_name", "山田\u{FFFF}"),
        ("given_name", "花\u{2067}子"),
        ("diagnosis", "\u{202E}病名"),
        ("notes", "本人希望\u{202E}"),
        ("notes", "\u{FDD0}"),
    ] {
        let mut body = patient_body("山田", "花子", "やまだ", "はなこ");
        body[field] = json!(bad);
        let r = app
            .post("/api/v1/patients", &k.consultant, body)
            .await
            .problem(422, "validation_failed");
        assert_eq!(r.fields(), vec![field], "{}", bad.escape_unicode());
        assert_eq!(r.body["errors"][0]["code"], "invalid_characters");
    }
    for (family, given) in [
        ("髙橋", "𠮷子"),
        ("渡邉\u{E0101}", "榮一"),
        ("﨑山", "花子"),
        ("山田\u{3000}", "花 子"),
    ] {
        let r = app
            .post(
                "/api/v1/patients",
                &k.consultant,
                patient_body(family, given, "やまだ", "はなこ"),
            )
            .await
            .expect(201);
        assert_eq!(r.body["given_name"], given.trim());
    }
    // The same rule for every name: staff, agencies, centers.
    app.post(
        "/api/v1/agencies",
        &k.c.admin,
        json!({"agency_type": "other", "name": "株式会社\u{202E}ぐなつ"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post("/api/v1/users", &k.c.admin, json!({"login": "kato", "display_name": "\u{200D}", "role": "consultant", "password": STAFF_PASSWORD}))
        .await
        .problem(422, "validation_failed");
    app.post("/api/v1/centers", &app.admin_token, json!({"code": "c9", "name": "\u{FEFF}センター", "prefecture_code": "34", "operating_type": "other"}))
        .await
        .problem(422, "validation_failed");
}

/// The one search box also takes a case number, a phone number however grouped, and a
/// birth date in 西暦 or 和暦.
async fn patients_are_found_by_case_number_phone_or_birth_date(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let mut a = patient_body("山田", "花子", "ヤマダ", "ハナコ");
    a["birth_date"] = json!("1975-06-15");
    a["phone"] = json!("(082) 223 8609");
    let a = app.post("/api/v1/patients", t, a).await.expect(201);
    let mut b = patient_body("川田", "一郎", "カワダ", "イチロウ");
    b["birth_date"] = json!("1990-01-01");
    b["phone"] = json!("090-1234-5678");
    let b = app.post("/api/v1/patients", t, b).await.expect(201);
    let (a_id, b_id) = (a.id(), b.id());
    let a_case = a.body["case_number"].as_str().unwrap().to_owned();
    let n: i64 = a_case[5..].parse().unwrap();
    let search = |q: String| {
        let t = t.clone();
        let app = &app;
        async move {
            let r = app
                .get(&format!("/api/v1/patients?q={}", urlencode(&q)), &t)
                .await
                .expect(200);
            items(&r)
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search(a_case.clone()).await, vec![a_id.clone()]);
    assert_eq!(
        search(format!("{}-{n}", &a_case[..4])).await,
        vec![a_id.clone()]
    );
    assert_eq!(search("082-223-8609".into()).await, vec![a_id.clone()]);
    assert_eq!(search("0822238609".into()).await, vec![a_id.clone()]);
    assert_eq!(search("09012345678".into()).await, vec![b_id.clone()]);
    assert_eq!(search("1975-06-15".into()).await, vec![a_id.clone()]);
    assert_eq!(search("昭和50年6月15日".into()).await, vec![a_id.clone()]);
    assert_eq!(search("H2.1.1".into()).await, vec![b_id.clone()]);
    assert!(search("2099-0001".into()).await.is_empty());
    assert!(search("03-0000-0000".into()).await.is_empty());
    // Another center's patient is not found by its number either.
    let other = setup(&app, "c2").await;
    let r = app
        .get(
            &format!("/api/v1/patients?q={}", urlencode(&a_case)),
            &other.consultant,
        )
        .await
        .expect(200);
    assert!(items(&r).is_empty());
}

/// A consultant away or leaving: a supervisor hands their open follow-ups to a colleague,
/// named ones or all of a person's, all or none, audited per follow-up.
async fn follow_ups_change_hands_all_or_none(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let pid = patient(&app, t, "佐藤", "花子", "サトウ", "ハナコ").await;
    consent(&app, t, &pid, "employment_agencies").await;
    let mk = |on: &str| json!({"patient_id": pid, "agency_id": k.hello_work, "purpose": "new_employment", "level": "accompanied_with_follow_up", "referred_on": on, "shared_items": ["name"]});
    for on in ["2026-05-20", "2026-05-25", "2026-06-01"] {
        app.post("/api/v1/referrals", t, mk(on)).await.expect(201);
    }
    let mine = |token: String| {
        let app = &app;
        async move {
            let q = app
                .get("/api/v1/follow-ups?assignee=me", &token)
                .await
                .expect(200);
            items(&q)
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let sato = mine(k.consultant.clone()).await;
    assert_eq!(sato.len(), 3);
    let path = "/api/v1/follow-up-reassignments";
    // A supervisor's call; one way of naming them; to a case worker.
    app.post(
        path,
        t,
        json!({"follow_up_ids": [sato[0]], "assignee_id": k.other_id}),
    )
    .await
    .problem(403, "supervisor_only");
    let r = app
        .post(path, &k.supervisor, json!({"assignee_id": k.other_id}))
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.fields(), vec!["follow_up_ids".to_owned()]);
    // Not to someone without case work (a peer supporter).
    let (peer_id, _) = app.staff(&k.c, "c1.peer", "peer_supporter").await;
    let r = app
        .post(
            path,
            &k.supervisor,
            json!({"follow_up_ids": [sato[0]], "assignee_id": peer_id}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.fields(), vec!["assignee_id".to_owned()]);
    // Named ones.
    let moved = app
        .post(
            path,
            &k.supervisor,
            json!({"follow_up_ids": [sato[0]], "assignee_id": k.other_id}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["count"], 1);
    assert_eq!(mine(k.consultant.clone()).await.len(), 2);
    assert_eq!(mine(k.other.clone()).await, vec![sato[0].clone()]);
    // All or none: one of them changed meanwhile (done), nothing moves.
    let rest = mine(k.consultant.clone()).await;
    let e = app
        .get(&format!("/api/v1/follow-ups/{}", rest[0]), t)
        .await
        .expect(200)
        .etag();
    app.patch(&format!("/api/v1/follow-ups/{}", rest[0]), t, Some(&e), json!({"done_on": "2026-06-01", "method": "phone", "contacted": "patient", "outcome": "searching"}))
        .await
        .expect(200);
    app.post(
        path,
        &k.supervisor,
        json!({"follow_up_ids": rest, "assignee_id": k.other_id}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(mine(k.consultant.clone()).await.len(), 1);
    // Every open one of a person.
    let all = app
        .post(
            path,
            &k.supervisor,
            json!({"from_assignee_id": k.consultant_id, "assignee_id": k.other_id}),
        )
        .await
        .expect(200);
    assert_eq!(all.body["count"], 1);
    assert!(mine(k.consultant.clone()).await.is_empty());
    assert_eq!(mine(k.other.clone()).await.len(), 2);
    // Audited per follow-up, naming the patient.
    let handed = app
        .audit_events()
        .into_iter()
        .filter(|e| {
            e.action == "follow_up.update"
                && e.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("fields=assignee_id; from="))
        })
        .count();
    assert_eq!(handed, 2);
}

/// Before registering: those the registration may already be, by reading and birth date or
/// by phone; nothing of another center; what was typed stays out of the trail.
async fn a_registration_is_checked_for_duplicates_first(db: Db) {
    let app = spawn(db).await;
    let k = setup(&app, "c1").await;
    let t = &k.consultant;
    let mut a = patient_body("山田", "花子", "ヤマダ", "ハナコ");
    a["birth_date"] = json!("1975-06-15");
    a["phone"] = json!("(082) 223 8609");
    let a = app.post("/api/v1/patients", t, a).await.expect(201).id();
    let path = "/api/v1/patient-duplicate-checks";
    let r = app
        .post(path, t, json!({"family_name_kana": "やまだ", "given_name_kana": "はなこ", "birth_date": "昭和50年6月15日", "phone": "082-223-8609"}))
        .await
        .expect(200);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["patient"]["id"], a.as_str());
    assert_eq!(
        items[0]["reasons"],
        json!(["same_reading_and_birth_date", "same_phone"])
    );
    let r = app
        .post(path, t, json!({"family_name_kana": "ヤマダ", "given_name_kana": "ハナコ", "birth_date": "1975-06-16"}))
        .await
        .expect(200);
    assert!(r.body["items"].as_array().unwrap().is_empty());
    let r = app
        .post(path, t, json!({"phone": "0822238609"}))
        .await
        .expect(200);
    assert_eq!(r.body["items"][0]["reasons"], json!(["same_phone"]));
    // Another center finds nothing of ours; an administrator does not see patients.
    let other = setup(&app, "c2").await;
    let r = app
        .post(path, &other.consultant, json!({"phone": "0822238609"}))
        .await
        .expect(200);
    assert!(r.body["items"].as_array().unwrap().is_empty());
    app.post(path, &k.c.admin, json!({"phone": "0822238609"}))
        .await
        .expect(403);
    // The check is logged as a search, without the name, birth date or number typed.
    let ev = app
        .audit_events()
        .into_iter()
        .filter(|e| {
            e.action == "patient.search"
                && e.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("duplicate_check"))
        })
        .collect::<Vec<_>>();
    assert!(!ev.is_empty());
    for e in ev {
        let d = e.detail.unwrap_or_default();
        assert!(
            !d.contains("ヤマダ") && !d.contains("8609") && !d.contains("1975"),
            "{d}"
        );
    }
}

/// The patient list narrows by program, disease, employment, consultant, open referral and
/// overdue follow-up, sorts by registration or reading, pages in that order and counts the
/// whole match.
async fn patients_are_filtered_sorted_and_counted(db: Db) {
    let app = spawn(db).await;
    let mut k = setup(&app, "c1").await;
    let t = k.consultant.clone();
    let a = patient(&app, &t, "山田", "花子", "ヤマダ", "ハナコ").await;
    let mut b_body = patient_body("青木", "太郎", "アオキ", "タロウ");
    b_body["disease_number"] = json!(51);
    b_body["employment_status"] = json!("employed");
    b_body["phone"] = json!("082-000-0002");
    let b = app
        .post("/api/v1/patients", &t, b_body)
        .await
        .expect(201)
        .id();
    let mut c_body = patient_body("渡辺", "結衣", "ワタナベ", "ユイ");
    c_body["program"] = json!("shoman");
    c_body["disease_number"] = Value::Null;
    c_body["diagnosis"] = json!("小児慢性特定疾病");
    c_body["birth_date"] = json!("2015-04-01");
    c_body["phone"] = json!("082-000-0003");
    let c = app
        .post("/api/v1/patients", &t, c_body)
        .await
        .expect(201)
        .id();
    // Sato talks with 山田; Ito refers 青木 at level 4.
    app.post(
        "/api/v1/consultations",
        &t,
        json!({"patient_id": a, "channel": "phone", "requester": "patient", "topics": ["employment"]}),
    )
    .await
    .expect(201);
    consent(&app, &k.other, &b, "employment_agencies").await;
    app.post(
        "/api/v1/referrals",
        &k.other,
        json!({"patient_id": b, "agency_id": k.hello_work, "purpose": "new_employment",
               "level": "accompanied_with_follow_up", "shared_items": ["name"]}),
    )
    .await
    .expect(201);

    let ids = |r: &Resp| -> Vec<String> {
        items(r)
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let sup = k.supervisor.clone();
    let list = |q: &str| {
        let (app, sup, path) = (&app, sup.clone(), format!("/api/v1/patients?{q}"));
        async move { app.get(&path, &sup).await }
    };
    let all = list("").await.expect(200);
    assert_eq!(ids(&all), [a.clone(), b.clone(), c.clone()]);
    assert_eq!(all.body["total"], 3);
    let r = list("sort=registered_desc").await.expect(200);
    assert_eq!(ids(&r), [c.clone(), b.clone(), a.clone()]);
    // By reading, a page at a time: アオキ, ヤマダ, ワタナベ; each page knows the total.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = list(&format!("sort=kana&limit=1&cursor={cursor}"))
            .await
            .expect(200);
        assert_eq!(r.body["total"], 3);
        seen.extend(ids(&r));
        match r.body["next_cursor"].as_str() {
            Some(n) => cursor = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, [b.clone(), a.clone(), c.clone()]);
    let r = list("sort=registered_desc&limit=2").await.expect(200);
    let next = r.body["next_cursor"].as_str().unwrap().to_owned();
    let r = list(&format!("sort=registered_desc&limit=2&cursor={next}"))
        .await
        .expect(200);
    assert_eq!(ids(&r), [a.as_str()]);

    for (q, want) in [
        ("program=shoman", vec![c.clone()]),
        ("disease_number=51", vec![b.clone()]),
        ("employment_status=employed", vec![b.clone()]),
        (
            "employment_status=job_seeking&program=nanbyo",
            vec![a.clone()],
        ),
        (&*format!("consultant={}", k.consultant_id), vec![a.clone()]),
        (&*format!("consultant={}", k.other_id), vec![b.clone()]),
        ("open_referral=true", vec![b.clone()]),
        ("open_referral=false", vec![a.clone(), b.clone(), c.clone()]),
        ("overdue=true", vec![]),
        ("q=%E3%83%A4%E3%83%9E%E3%83%80&program=shoman", vec![]),
        ("q=%E3%83%A4%E3%83%9E%E3%83%80", vec![a.clone()]),
    ] {
        let r = list(q).await.expect(200);
        assert_eq!(ids(&r), want, "{q}");
        assert_eq!(r.body["total"], want.len(), "{q}");
    }
    let mine = app
        .get("/api/v1/patients?consultant=me", &k.other)
        .await
        .expect(200);
    assert_eq!(ids(&mine), [b.as_str()]);
    // Three weeks on, 青木's first follow-up (due after 14 days) is overdue.
    app.clock.advance(Duration::days(21));
    k.sign_in_again(&app).await;
    let r = app
        .get("/api/v1/patients?overdue=true", &k.supervisor)
        .await
        .expect(200);
    assert_eq!(ids(&r), [b.as_str()]);
    // Syncing answers no total: the count of a moving window means nothing.
    let r = app
        .get(
            "/api/v1/patients?updated_since=2026-01-01T00:00:00Z",
            &k.supervisor,
        )
        .await
        .expect(200);
    assert!(r.body["total"].is_null());
    let bad = app
        .get(
            "/api/v1/patients?sort=name&program=adult&consultant=bob&disease_number=999",
            &k.supervisor,
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        bad.fields(),
        ["program", "disease_number", "consultant", "sort"]
    );
    // The access log names the filters asked.
    app.audit_actions();
    let details: Vec<String> = app
        .trail()
        .into_iter()
        .filter(|e| e.record.action == "patient.search")
        .filter_map(|e| e.record.detail)
        .collect();
    assert!(
        details.iter().any(|d| d.contains("open_referral=true")),
        "{details:?}"
    );
}

db_tests!(
    whole_path_to_a_closed_level_four_referral,
    a_registration_is_checked_for_duplicates_first,
    follow_ups_change_hands_all_or_none,
    patients_are_found_by_case_number_phone_or_birth_date,
    referrals_that_pass_data_need_consent,
    levels_are_raised_freely_and_lowered_by_supervisors,
    follow_up_queue_counts_overdue_in_tokyo,
    a_late_entered_level_four_referral_is_overdue_at_once,
    patients_are_found_by_name_or_reading,
    other_centers_cases_are_404_on_every_route,
    bad_input_names_every_field,
    concurrent_case_edits_are_resolved_by_if_match,
    if_match_star_matches_the_current_version,
    every_read_of_patient_data_is_logged,
    a_read_answers_only_after_its_access_event_is_stored,
    consultations_anonymous_and_on_behalf,
    master_data_and_center_settings,
    invisible_and_bidirectional_characters_are_refused_in_names,
    patients_are_filtered_sorted_and_counted,
);
