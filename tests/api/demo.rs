//! `tsunagu demo-data`: a living center on both databases, usable through the API.

use crate::db_tests;
use crate::helpers::{Db, config, spawn};
use tsunagu_server::demo::{DemoOptions, generate};

async fn demo_data_makes_a_living_center(db: Db) {
    let app = spawn(db).await;
    let store = tsunagu_server::open_store(&config(&app.db.url())).unwrap();
    let o = DemoOptions {
        center_code: "demo".into(),
        patients: 250,
        consultations_per_patient: 3,
        referrals_per_patient: 1,
        seed: 7,
    };
    // Generated off the test's runtime: blocking it for seconds starves the HTTP client's
    // connection pool, which then fails the next request.
    let (clock, st, opts) = (app.clock.clone(), store.clone(), o.clone());
    let (counts, staff, seen) = actix_web::rt::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        let (counts, staff) =
            generate(&st, clock.as_ref(), &opts, &mut |d, t| seen.push((d, t))).unwrap();
        (counts, staff, seen)
    })
    .await
    .unwrap();
    assert_eq!(
        seen,
        vec![(100, 250), (200, 250), (250, 250)],
        "progress is reported every 100 patients and at the end"
    );
    assert_eq!(counts.patients, 250);
    assert!(counts.consultations >= 250, "{counts:?}");
    assert!(
        counts.referrals > 150 && counts.follow_ups > 20,
        "{counts:?}"
    );
    // Every record was made by its use case, which left its event in the trail.
    let actions = app.audit_actions();
    let made = |a: &str| actions.iter().filter(|(x, _)| x == a).count();
    assert_eq!(made("patient.create"), counts.patients + counts.duplicates);
    assert_eq!(
        made("consultation.create"),
        counts.consultations + counts.peer.consultations
    );
    assert_eq!(made("peer_assignment.create"), counts.peer.assignments);
    assert_eq!(made("referral.create"), counts.referrals);
    // 出張相談: a schedule's sessions with patients booked, the past ones held.
    assert!(
        counts.supporter.sessions >= 8 && counts.supporter.bookings > 0,
        "{counts:?}"
    );
    assert_eq!(made("supporter_session.create"), counts.supporter.sessions);
    assert_eq!(made("supporter_booking.create"), counts.supporter.bookings);
    // A second run into the same center is refused, not merged.
    let again = generate(&store, app.clock.as_ref(), &o, &mut |_, _| {});
    assert!(again.is_err_and(|e| e.contains("exists already")));

    // The center reports to 広島県, whose officer reads its figures and no patient.
    let officer = app.login("hiroshima.officer", &staff.password).await;
    let adm = app
        .get("/api/v1/administrations", &officer)
        .await
        .expect(200);
    assert_eq!(adm.body["items"][0]["code"], "340006");
    let adm_id = adm.body["items"][0]["id"].as_str().unwrap().to_owned();
    let one = app
        .get(&format!("/api/v1/administrations/{adm_id}"), &officer)
        .await
        .expect(200);
    assert_eq!(one.body["center_ids"].as_array().unwrap().len(), 1);
    app.get("/api/v1/patients", &officer)
        .await
        .problem(404, "not_found");
    // Its register of regional issues has an issue at every stage, with live figures, and
    // last year's summary is public.
    let issues = app
        .get("/api/v1/regional-issues", &officer)
        .await
        .expect(200);
    let mut stages: Vec<&str> = issues.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["stage"].as_str().unwrap())
        .collect();
    stages.sort_unstable();
    stages.dedup();
    assert_eq!(
        stages,
        ["evaluation", "extraction", "implementation", "planning"]
    );
    let first = issues.body["items"][0]["id"].as_str().unwrap().to_owned();
    let issue = app
        .get(&format!("/api/v1/regional-issues/{first}"), &officer)
        .await
        .expect(200);
    assert_eq!(issue.body["figures"].as_array().unwrap().len(), 1);
    assert!(
        issue.body["figures"][0]["current"]["denominator"]
            .as_i64()
            .unwrap()
            > 0
    );
    let history = app
        .get(
            &format!("/api/v1/regional-issues/{first}/stage-changes"),
            &officer,
        )
        .await
        .expect(200);
    assert_eq!(history.body.as_array().unwrap().len(), 4);
    // It is the 就労部会's, and the 部会's held meetings discussed it.
    assert!(issue.body["council_id"].is_string());
    assert!(!issue.body["meetings"].as_array().unwrap().is_empty());
    let last_year = tsunagu_domain::values::fiscal_year(tsunagu_domain::clock::tokyo_date(
        tsunagu_domain::clock::Clock::now(app.clock.as_ref()),
    )) - 1;
    app.request(
        awc::http::Method::GET,
        &format!("/api/v1/public/administrations/340006/summary?fiscal_year={last_year}"),
        None,
        &[],
        None,
    )
    .await
    .expect(200);
    // Its councils: the 難病 council with a 就労部会 and the 小慢 council, a year of
    // meetings with one paper, and a member who signs in, sets up two factors and pledges.
    let councils = app.get("/api/v1/councils", &officer).await.expect(200);
    let councils = councils.body["items"].as_array().unwrap().clone();
    assert_eq!(councils.len(), 3);
    assert_eq!(
        councils
            .iter()
            .filter(|c| c["parent_id"].is_string())
            .count(),
        1
    );
    let nanbyo = councils
        .iter()
        .find(|c| c["name"] == "広島県難病対策地域協議会")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let meetings = app
        .get(&format!("/api/v1/councils/{nanbyo}/meetings"), &officer)
        .await
        .expect(200);
    let meetings = meetings.body["items"].as_array().unwrap().clone();
    assert!(meetings.len() >= 4, "{meetings:?}");
    assert_eq!(meetings[0]["status"], "planned");
    assert!(
        meetings
            .iter()
            .any(|m| m["status"] == "held" && m["minutes"] != "")
    );
    let member = app.login("hiroshima.council", &staff.password).await;
    let me = app.get("/api/v1/me", &member).await.expect(200);
    assert_eq!(me.body["role"], "council_member");
    assert_eq!(me.body["totp_required"], true);
    assert!(
        staff
            .logins
            .iter()
            .any(|(l, r)| l == "hiroshima.council" && *r == "council_member")
    );

    let (login, role) = &staff.logins[2];
    assert_eq!(*role, "consultant");
    let t = app.login(login, &staff.password).await;
    let sup = app.login("demo.supervisor", &staff.password).await;
    // The demo's printed password is for trying the demo: nobody is asked to change it.
    assert_eq!(
        app.get("/api/v1/me", &t).await.expect(200).body["must_change_password"],
        false
    );
    let all = app.get("/api/v1/patients?limit=200", &t).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 200);
    // Readings are real katakana, so search by reading works on generated people.
    let first = &all.body["items"][0];
    let kana = first["family_name_kana"].as_str().unwrap();
    let found = app
        .get(
            &format!("/api/v1/patients?q={}&limit=200", encode(kana)),
            &t,
        )
        .await
        .expect(200);
    assert!(
        found.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == first["id"])
    );
    // Some follow-ups are overdue (a supervisor has something to see).
    let overdue = app
        .get("/api/v1/follow-ups?state=overdue", &sup)
        .await
        .expect(200);
    assert!(!overdue.body["items"].as_array().unwrap().is_empty());
    // …but as in a living center: by days or weeks, not years; recorded work is reviewed,
    // a few returned for correction.
    let today = tsunagu_domain::clock::tokyo_date(app.clock_now());
    let overdue_all = app
        .get("/api/v1/follow-ups?state=overdue&limit=200", &sup)
        .await
        .expect(200);
    for f in overdue_all.body["items"].as_array().unwrap() {
        let due: chrono::NaiveDate = f["due_on"].as_str().unwrap().parse().unwrap();
        assert!((today - due).num_days() <= 60, "overdue since {due}: {f}");
    }
    assert!(counts.reviews > counts.referrals / 4, "{counts:?}");
    assert!(counts.returned * 5 <= counts.reviews, "{counts:?}");
    assert_eq!(made("review.create"), counts.reviews, "{counts:?}");
    let id = first["id"].as_str().unwrap();
    let tl = app
        .get(&format!("/api/v1/patients/{id}/timeline"), &t)
        .await
        .expect(200);
    assert!(!tl.body["items"].as_array().unwrap().is_empty());
    // The demo center asks no second factor of its fictitious staff.
    let center = store.center_by_code("demo").unwrap().unwrap();
    assert!(center.totp_roles.is_empty(), "{:?}", center.totp_roles);
    demo_records_pass_the_rules(&app, &sup).await;
    demo_has_shoman_work(&app, &staff, counts.shoman).await;
    // The peer supporter has a caseload of their own and a year of evidence.
    assert_eq!(counts.peer.assignments, 6, "{counts:?}");
    let peer = app.login("demo.peer_supporter", &staff.password).await;
    let theirs = app.get("/api/v1/patients", &peer).await.expect(200);
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 6);
    let fy =
        tsunagu_domain::values::fiscal_year(tsunagu_domain::clock::tokyo_date(app.clock_now()));
    let evidence = app
        .get(
            &format!("/api/v1/reports/peer-support?fiscal_year={fy}"),
            &sup,
        )
        .await
        .expect(200);
    assert_eq!(evidence.body["supporters"].as_array().unwrap().len(), 1);
    // Agencies answered some of the recent referrals' links; each answer is a follow-up.
    assert!(counts.agency_links.links > 0, "{counts:?}");
    assert!(counts.agency_links.confirmed > 0, "{counts:?}");
    assert_eq!(
        made("referral.agency_confirm"),
        counts.agency_links.confirmed
    );
    // New patients continue the generated case numbers instead of colliding with them.
    let p = app
        .post(
            "/api/v1/patients",
            &t,
            serde_json::json!({"family_name": "新規", "given_name": "太郎", "family_name_kana": "シンキ",
                   "given_name_kana": "タロウ", "birth_date": "1990-01-01", "program": "nanbyo",
                   "employment_status": "employed", "support_awareness": "unaware"}),
        )
        .await
        .expect(201);
    let n: i32 = p.body["case_number"].as_str().unwrap()[5..]
        .parse()
        .unwrap();
    assert!(n > 1, "{}", p.body);
    assert!(
        app.services
            .audit_trail()
            .verify_chain()
            .unwrap()
            .first_broken
            .is_none()
    );
    assert!(
        app.audit_actions()
            .iter()
            .any(|(a, _)| a == "demo.generate")
    );
}

/// A sample of the demo's referrals keeps the rules the API enforces: passing data needs a
/// consent in force covering the agency and leaves a record of provision; a level-4
/// referral is closed only after a follow-up was done.
async fn demo_records_pass_the_rules(app: &crate::helpers::TestApp, sup: &str) {
    use tsunagu_domain::values::{AgencyType, ConsentScope, Level};
    let day = |v: &serde_json::Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    let refs = app
        .get("/api/v1/referrals?limit=200", sup)
        .await
        .expect(200);
    let refs = refs.body["items"].as_array().unwrap().clone();
    assert!(!refs.is_empty());
    let (mut passing, mut closed4) = (0, 0);
    for r in &refs {
        let level = Level::parse("level", r["level"].as_str().unwrap()).unwrap();
        let agency_type =
            AgencyType::parse("agency_type", r["agency_type"].as_str().unwrap()).unwrap();
        let referred_on = day(&r["referred_on"]);
        let pid = r["patient_id"].as_str().unwrap();
        if level.passes_data() {
            passing += 1;
            let consents = app
                .get(&format!("/api/v1/patients/{pid}/consents"), sup)
                .await
                .expect(200);
            let covering: Vec<_> = consents.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| {
                    let scope = ConsentScope::parse("scope", c["scope"].as_str().unwrap()).unwrap();
                    day(&c["given_on"]) <= referred_on
                        && (c["withdrawn_on"].is_null() || day(&c["withdrawn_on"]) > referred_on)
                        && scope.covers(agency_type)
                })
                .map(|c| c["id"].clone())
                .collect();
            assert!(!covering.is_empty(), "no consent covers {r}");
            let provisions = app
                .get(&format!("/api/v1/patients/{pid}/provisions"), sup)
                .await
                .expect(200);
            assert!(
                provisions.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["referral_id"] == r["id"]
                        && p["agency_id"] == r["agency_id"]
                        && covering.contains(&p["consent_id"])),
                "no provision under a covering consent for {r}"
            );
        }
        if level.promises_follow_up() && r["status"] == "closed" {
            closed4 += 1;
            let id = r["id"].as_str().unwrap();
            let fus = app
                .get(&format!("/api/v1/referrals/{id}/follow-ups?limit=200"), sup)
                .await
                .expect(200);
            assert!(
                fus.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| !f["done_on"].is_null()),
                "closed level-4 referral without a done follow-up: {r}"
            );
        }
    }
    // Closed level-4 referrals are rarer; the sample need not hold one to prove the first rule.
    assert!(
        passing > 0,
        "the sample has no data-passing referral ({closed4} closed level-4)"
    );
}

/// The 小慢 self-reliance support work: the center runs both programs, its 自立支援員 signs in
/// and sees plans at every stage, overdue reviews and actions, the transition list, liaison
/// with a record of provision to a school, projects with sessions naming consenting
/// children, and needs; each made by its use case, which left its event.
async fn demo_has_shoman_work(
    app: &crate::helpers::TestApp,
    staff: &tsunagu_server::demo::DemoStaff,
    made: tsunagu_server::demo::ShomanCounts,
) {
    assert!(
        staff
            .logins
            .iter()
            .any(|(l, r)| l == "demo.self_reliance_worker" && *r == "self_reliance_worker"),
        "{:?}",
        staff.logins
    );
    assert!(made.plans >= 6 && made.actions >= made.plans, "{made:?}");
    assert!(
        made.contacts > 0 && made.sessions > 0 && made.needs >= 4,
        "{made:?}"
    );
    assert_eq!(made.projects, 3, "{made:?}");
    let actions = app.audit_actions();
    let n = |a: &str| actions.iter().filter(|(x, _)| x == a).count();
    assert_eq!(n("support_plan.create"), made.plans);
    assert!(n("support_plan.submit") > 0 && n("support_plan_review.create") > 0);
    assert_eq!(n("support_plan_action.create"), made.actions);
    assert!(n("support_plan_action.update") > 0);
    assert_eq!(n("liaison_contact.create"), made.contacts);
    assert_eq!(n("project.create"), made.projects);
    // One event per named child, or one naming nobody.
    assert!(n("project_session.create") >= made.sessions);
    assert_eq!(n("need.create"), made.needs);

    let srw = app
        .login("demo.self_reliance_worker", &staff.password)
        .await;
    let items = |r: &crate::helpers::Resp| r.body["items"].as_array().unwrap().clone();
    for state in ["draft", "submitted", "approved", "returned"] {
        let r = app
            .get(
                &format!("/api/v1/support-plans?state={state}&limit=200"),
                &srw,
            )
            .await
            .expect(200);
        assert!(!items(&r).is_empty(), "no {state} plan");
        if state == "approved" {
            assert!(items(&r).iter().all(|p| !p["review_due_on"].is_null()));
            assert!(
                items(&r).iter().any(|p| p["revision"] == 2),
                "no second revision"
            );
        }
        if state == "returned" {
            let id = items(&r)[0]["id"].as_str().unwrap().to_owned();
            let reviews = app
                .get(&format!("/api/v1/support-plans/{id}/reviews"), &srw)
                .await
                .expect(200);
            assert!(
                items(&reviews)
                    .iter()
                    .any(|v| v["decision"] == "returned" && v["comment"].is_string()),
                "{}",
                reviews.body
            );
        }
    }
    for q in [
        "review_due=overdue",
        "review_due=scheduled",
        "action_overdue=true",
    ] {
        let r = app
            .get(&format!("/api/v1/support-plans?{q}"), &srw)
            .await
            .expect(200);
        assert!(!items(&r).is_empty(), "nothing for {q}");
    }
    let t = app.get("/api/v1/transition", &srw).await.expect(200);
    assert!(
        items(&t)
            .iter()
            .any(|e| !e["transition_goals"].as_array().unwrap().is_empty()),
        "{}",
        t.body
    );
    let contacts = app
        .get("/api/v1/liaison-contacts?limit=200", &srw)
        .await
        .expect(200);
    assert!(
        items(&contacts).iter().any(|c| c["body_kind"] == "school"
            && c["shared_data"] == true
            && !c["provision"].is_null()),
        "no contact passing data to a school: {}",
        contacts.body
    );
    let projects = app.get("/api/v1/projects", &srw).await.expect(200);
    assert_eq!(items(&projects).len(), 3);
    // A session naming two children is the case each child's own event covers (their ids
    // once collided in the trail).
    let (mut named, mut several) = (0, 0);
    for p in items(&projects) {
        let id = p["id"].as_str().unwrap();
        let s = app
            .get(&format!("/api/v1/projects/{id}/sessions?limit=200"), &srw)
            .await
            .expect(200);
        assert!(!items(&s).is_empty(), "no session of {p}");
        for x in items(&s) {
            let ps = x["participants"].as_array().unwrap();
            let children: std::collections::BTreeSet<&str> = ps
                .iter()
                .map(|p| p["patient_id"].as_str().unwrap())
                .collect();
            named += usize::from(!ps.is_empty());
            several += usize::from(children.len() > 1);
        }
    }
    assert!(named > 0, "no session names a consenting child");
    assert!(several > 0, "no session names two children");
    let needs = app.get("/api/v1/needs?limit=200", &srw).await.expect(200);
    let needs = items(&needs);
    assert!(needs.iter().any(|x| x["status"] == "open"));
    assert!(needs.iter().any(|x| x["status"] == "met"));
    let kinds: std::collections::BTreeSet<&str> =
        needs.iter().map(|x| x["kind"].as_str().unwrap()).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
}

fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The batched store the generator uses: a refused use case rolls back alone (its
/// savepoint), committed work stays, and what was not committed is gone when the batch is
/// dropped.
async fn a_batch_commits_what_passed_and_drops_the_rest(db: Db) {
    use std::sync::Arc;
    use tsunagu_domain::app::Services;
    use tsunagu_domain::staff::centers::CreateCenterInput;
    let app = spawn(db).await;
    let store = tsunagu_server::open_store(&config(&app.db.url())).unwrap();
    let system = tsunagu_domain::app::Ctx {
        actor: tsunagu_domain::entities::Actor {
            user_id: uuid::Uuid::nil(),
            session_id: uuid::Uuid::now_v7(),
            role: tsunagu_domain::values::Role::SystemAdmin,
            center_id: None,
            administration_id: None,
            login: "batch-test".into(),
            display_name: "batch-test".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        },
        meta: tsunagu_domain::entities::RequestMeta {
            request_id: "batch-test".into(),
            source: None,
            idempotency: None,
        },
    };
    let center = |code: &str| CreateCenterInput {
        code: code.into(),
        name: format!("センター {code}"),
        prefecture_code: "13".into(),
        operating_type: "municipality".into(),
        programs: None,
    };
    {
        let (batched, mut batch) = store.batched().unwrap();
        let s = Services::new(Arc::new(batched), app.clock.clone());
        s.centers().create(&system, center("kept")).unwrap();
        // Refused by the store (the code exists): only this use case rolls back.
        assert!(s.centers().create(&system, center("kept")).is_err());
        s.centers().create(&system, center("kept2")).unwrap();
        batch.commit().unwrap();
        s.centers().create(&system, center("dropped")).unwrap();
        // Dropped without `finish`.
    }
    assert!(store.center_by_code("kept").unwrap().is_some());
    assert!(store.center_by_code("kept2").unwrap().is_some());
    assert!(store.center_by_code("dropped").unwrap().is_none());
    assert!(
        app.services
            .audit_trail()
            .verify_chain()
            .unwrap()
            .first_broken
            .is_none()
    );
}

db_tests!(
    demo_data_makes_a_living_center,
    a_batch_commits_what_passed_and_drops_the_rest
);
