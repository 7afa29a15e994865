//! 小慢 transition (移行期): the list of children approaching the end of the program with
//! their plans' transition goals, and the move to the adult 難病 program without re-entry
//! (the same patient, the change kept on the timeline).

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use crate::support_plans::{run_programs, team};
use serde_json::{Value, json};

async fn child(app: &TestApp, token: &str, given: &str, birth: &str, program: &str) -> String {
    app.post(
        "/api/v1/patients",
        token,
        json!({"family_name": "森", "given_name": given, "family_name_kana": "モリ",
               "given_name_kana": "ハル", "birth_date": birth, "program": program,
               "employment_status": "student", "support_awareness": "unaware"}),
    )
    .await
    .expect(201)
    .id()
}

fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["patient_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn transition_list_and_move_without_re_entry(db: Db) {
    let app = spawn(db).await;
    // The test clock starts on 2026-06-01 (Asia/Tokyo).
    let t = team(&app, "c1").await;
    let w = &t.worker;
    // team() made a child born 2010-05-01 (16; turns 18 on 2028-05-01, inside 24 months).
    let older = child(&app, w, "十八", "2008-03-01", "shoman").await;
    let over = child(&app, w, "二十", "2006-01-01", "shoman").await;
    child(&app, w, "十四", "2012-01-01", "shoman").await;
    child(&app, w, "成人", "1990-01-01", "nanbyo").await;

    // The 16-year-old's plan has a transition goal.
    app.post(
        "/api/v1/support-plans",
        w,
        json!({"patient_id": t.child, "goals": [
            {"kind": "transition", "text": "成人の難病医療費助成へ切り替える"},
            {"kind": "employment", "text": "職場体験"}]}),
    )
    .await
    .expect(201);

    // Plan lists name the child.
    let plans = app.get("/api/v1/support-plans", w).await.expect(200);
    assert_eq!(plans.body["items"][0]["patient_name"], "小林 陽太");
    assert!(plans.body["items"][0]["case_number"].is_string());

    let r = app.get("/api/v1/transition", w).await.expect(200);
    let items = &r.body["items"];
    // Oldest first; the 14-year-old (18 only in 2030) and the adult of the 難病 program are
    // not on it.
    assert_eq!(names(items), ["森 二十", "森 十八", "小林 陽太"]);
    let stages: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["over_age", "extended", "approaching"]);
    assert_eq!(items[2]["age"], 16);
    assert_eq!(items[2]["turns_18_on"], "2028-05-01");
    assert_eq!(items[2]["turns_20_on"], "2030-05-01");
    assert_eq!(items[2]["plan"]["state"], "draft");
    assert_eq!(
        items[2]["transition_goals"],
        json!([{"kind": "transition", "text": "成人の難病医療費助成へ切り替える"}])
    );
    assert_eq!(items[1]["plan"], Value::Null);
    assert_eq!(items[1]["patient_id"], older.as_str());

    // A shorter horizon leaves out the child who turns 18 in two years; the supervisor sees
    // the same list.
    let r = app
        .get("/api/v1/transition?within_months=6", &t.sup)
        .await
        .expect(200);
    assert_eq!(names(&r.body["items"]), ["森 二十", "森 十八"]);
    app.get("/api/v1/transition?within_months=0", w)
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/transition?within_months=61", w)
        .await
        .problem(422, "validation_failed");

    // Pages follow the birth date.
    let first = app.get("/api/v1/transition?limit=2", w).await.expect(200);
    assert_eq!(names(&first.body["items"]), ["森 二十", "森 十八"]);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(&format!("/api/v1/transition?limit=2&cursor={cursor}"), w)
        .await
        .expect(200);
    assert_eq!(names(&second.body["items"]), ["小林 陽太"]);
    assert_eq!(second.body["next_cursor"], Value::Null);

    // The 20-year-old moves to the adult program: the same patient, with their consultation
    // kept, and the change on the timeline.
    app.post(
        "/api/v1/consultations",
        w,
        json!({"patient_id": over, "occurred_at": "2026-05-20T01:00:00Z", "channel": "phone",
               "requester": "family", "topics": ["employment"],
               "shoman_menu": "self_reliance_guidance", "shoman_requester": "family"}),
    )
    .await
    .expect(201);
    let etag = app
        .get(&format!("/api/v1/patients/{over}"), w)
        .await
        .expect(200)
        .etag();
    let moved = app
        .patch(
            &format!("/api/v1/patients/{over}"),
            w,
            Some(&etag),
            json!({"program": "nanbyo"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["id"], over.as_str());
    assert_eq!(moved.body["program"], "nanbyo");
    let tl = app
        .get(&format!("/api/v1/patients/{over}/timeline"), w)
        .await
        .expect(200);
    let kinds: Vec<&str> = tl.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["consultation", "program_change"]);
    let change = &tl.body["items"][1]["program_change"];
    assert_eq!(change["from_program"], "shoman");
    assert_eq!(change["to_program"], "nanbyo");
    assert_eq!(change["changed_on"], "2026-06-01");
    assert_eq!(change["changed_by"], t.worker_id.as_str());
    let r = app.get("/api/v1/transition", w).await.expect(200);
    assert_eq!(names(&r.body["items"]), ["森 十八", "小林 陽太"]);
    // Changing anything else leaves the history alone.
    let etag = moved.etag();
    let again = app
        .patch(
            &format!("/api/v1/patients/{over}"),
            w,
            Some(&etag),
            json!({"notes": "成人の窓口へ引き継ぎ済み"}),
        )
        .await
        .expect(200);
    let tl = app
        .get(&format!("/api/v1/patients/{over}/timeline"), w)
        .await
        .expect(200);
    assert_eq!(tl.body["items"].as_array().unwrap().len(), 2);

    // A center that runs only 小慢 cannot move a child to a program it does not run.
    run_programs(&app, &t.c, json!(["shoman"])).await;
    let etag = app
        .get(&format!("/api/v1/patients/{older}"), w)
        .await
        .expect(200)
        .etag();
    let r = app
        .patch(
            &format!("/api/v1/patients/{older}"),
            w,
            Some(&etag),
            json!({"program": "nanbyo"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "program");
    assert_eq!(r.body["errors"][0]["code"], "not_offered");
    drop(again);

    // A center without the 小慢 program has no transition list.
    let other = app.center("c2").await;
    let (_, con) = app.staff(&other, "c2.con", "consultant").await;
    app.get("/api/v1/transition", &con)
        .await
        .problem(403, "program_not_offered");
}

db_tests!(transition_list_and_move_without_re_entry);
