//! Regional councils (地域協議会): an administration's officers run its councils, 部会,
//! members, meetings and papers; the system administrator reads them; a council member
//! with a sign-in (two factors, always) reads only their councils, in their term and after
//! their confidentiality pledge; nobody else reaches them.

use crate::db_tests;
use crate::helpers::{Db, STAFF_PASSWORD, TestApp, spawn};
use awc::http::Method;
use diesel::RunQueryDsl;
use serde_json::{Value, json};
use tsunagu_domain::auth::totp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

async fn post_with_key(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: Value,
) -> crate::helpers::Resp {
    app.request(
        Method::POST,
        path,
        Some(token),
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(body.to_string().into_bytes()),
    )
    .await
}

async fn upload(
    app: &TestApp,
    token: &str,
    meeting: &str,
    name: &str,
    media: &str,
    bytes: Vec<u8>,
) -> crate::helpers::Resp {
    let name: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    app.request(
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/attachments?file_name={name}"),
        Some(token),
        &[("content-type", media)],
        Some(bytes),
    )
    .await
}

fn council(name: &str) -> Value {
    json!({"name": name, "kind": "intractable", "scope": "prefecture", "established_on": "2016-04-01"})
}

fn member(name: &str, category: &str, start: &str, end: &str) -> Value {
    json!({"name": name, "organization": "広島県医師会", "category": category, "term_start": start, "term_end": end})
}

struct Region {
    pref: String,
    officer: String,
    other_officer: String,
}

async fn region(app: &TestApp) -> Region {
    let pref = app.administration("340006", "prefecture", &[]).await;
    let tokyo = app.administration("130001", "prefecture", &[]).await;
    let (_, officer) = app.officer(&pref, "hiroshima.pref").await;
    let (_, other_officer) = app.officer(&tokyo, "tokyo.pref").await;
    Region {
        pref,
        officer,
        other_officer,
    }
}

async fn councils_are_run_by_their_administrations_officers(db: Db) {
    let app = spawn(db).await;
    let r = region(&app).await;
    let t = &r.officer;
    let made = app
        .post("/api/v1/councils", t, council("広島県難病対策地域協議会"))
        .await
        .expect(201);
    let id = made.id();
    assert_eq!(made.body["administration_id"], r.pref.as_str());
    assert_eq!(made.body["kind"], "intractable");
    assert_eq!(made.body["parent_id"], Value::Null);
    assert_eq!(
        made.header("location").as_deref(),
        Some(format!("/api/v1/councils/{id}").as_str())
    );
    // A 部会 of it; a parent of another administration does not exist (422).
    let sub = app
        .post(
            "/api/v1/councils",
            t,
            json!({"name": "就労部会", "kind": "intractable", "scope": "prefecture", "parent_id": id}),
        )
        .await
        .expect(201);
    let tokyo_council = app
        .post(
            "/api/v1/councils",
            &r.other_officer,
            council("東京都難病対策地域協議会"),
        )
        .await
        .expect(201)
        .id();
    let bad = app
        .post(
            "/api/v1/councils",
            t,
            json!({"name": "x", "kind": "intractable", "scope": "prefecture", "parent_id": tokyo_council}),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["parent_id"]);
    let bad = app
        .post(
            "/api/v1/councils",
            t,
            json!({"name": "x", "kind": "nope", "scope": "prefecture"}),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["kind"]);

    // Lists: the officer's own administration's; `parent_id` for the 部会.
    let list = app.get("/api/v1/councils", t).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    let subs = app
        .get(&format!("/api/v1/councils?parent_id={id}"), t)
        .await
        .expect(200);
    assert_eq!(subs.body["items"][0]["id"], sub.id().as_str());
    assert_eq!(subs.body["items"].as_array().unwrap().len(), 1);

    // Read and change with If-Match.
    let path = format!("/api/v1/councils/{id}");
    let read = app.get(&path, t).await.expect(200);
    assert_eq!(read.body["name"], "広島県難病対策地域協議会");
    app.patch(&path, t, None, json!({"area_name": "県全域"}))
        .await
        .problem(428, "if_match_required");
    let changed = app
        .patch(
            &path,
            t,
            Some(&read.etag()),
            json!({"area_name": "県全域", "kind": "joint"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["kind"], "joint");
    assert_eq!(changed.body["version"], 2);
    app.patch(&path, t, Some(&read.etag()), json!({"active": false}))
        .await
        .problem(412, "precondition_failed");
    let cleared = app
        .patch(&path, t, Some("*"), json!({"area_name": null}))
        .await
        .expect(200);
    assert_eq!(cleared.body["area_name"], Value::Null);

    // Another administration's officer: 404; center staff: 403; the system administrator
    // reads every one and writes none.
    app.get(&path, &r.other_officer)
        .await
        .problem(404, "not_found");
    app.patch(&path, &r.other_officer, Some("*"), json!({"name": "x"}))
        .await
        .problem(404, "not_found");
    let other_list = app
        .get("/api/v1/councils", &r.other_officer)
        .await
        .expect(200);
    assert_eq!(other_list.body["items"].as_array().unwrap().len(), 1);
    let c = app.center("c1").await;
    let (_, consultant) = app.staff(&c, "sato", "consultant").await;
    app.get(&path, &consultant)
        .await
        .problem(403, "insufficient_role");
    app.get("/api/v1/councils", &consultant)
        .await
        .problem(403, "insufficient_role");
    app.post("/api/v1/councils", &consultant, council("x"))
        .await
        .problem(403, "insufficient_role");
    let sys = &app.admin_token;
    app.get(&path, sys).await.expect(200);
    let all = app.get("/api/v1/councils", sys).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3);
    app.post("/api/v1/councils", sys, council("x"))
        .await
        .problem(403, "insufficient_role");
    app.patch(&path, sys, Some("*"), json!({"name": "x"}))
        .await
        .problem(403, "insufficient_role");

    // A retried create with the same Idempotency-Key answers the same council.
    let first = post_with_key(
        &app,
        t,
        "/api/v1/councils",
        "council-1",
        council("小慢協議会"),
    )
    .await
    .expect(201);
    let again = post_with_key(
        &app,
        t,
        "/api/v1/councils",
        "council-1",
        council("小慢協議会"),
    )
    .await
    .expect(201);
    assert_eq!(again.id(), first.id());
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));

    let actions: Vec<String> = app.audit_actions().into_iter().map(|(a, _)| a).collect();
    for a in [
        "council.create",
        "council.read",
        "council.list",
        "council.update",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
}

async fn members_meetings_and_papers(db: Db) {
    let app = spawn(db).await;
    let r = region(&app).await;
    let t = &r.officer;
    let id = app
        .post("/api/v1/councils", t, council("広島県難病対策地域協議会"))
        .await
        .expect(201)
        .id();
    let members = format!("/api/v1/councils/{id}/members");
    let chair = app
        .post(&members, t, json!({"name": "山田 太郎", "organization": "広島県医師会", "category": "medical", "council_role": "chair", "term_start": "2026-04-01", "term_end": "2028-03-31"}))
        .await
        .expect(201);
    assert_eq!(chair.body["council_role"], "chair");
    let welfare = app
        .post(
            &members,
            t,
            member("佐藤 花子", "welfare", "2026-04-01", "2028-03-31"),
        )
        .await
        .expect(201);
    assert_eq!(welfare.body["council_role"], "member");
    let bad = app
        .post(
            &members,
            t,
            member("x", "welfare", "2026-04-01", "2026-03-31"),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["term_end"]);
    let bad = app
        .post(
            &members,
            t,
            member("x", "plumbing", "2026-04-01", "2027-03-31"),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["category"]);
    let list = app.get(&members, t).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    let mpath = format!("{members}/{}", welfare.id());
    let m = app.get(&mpath, t).await.expect(200);
    let bad = app
        .patch(
            &mpath,
            t,
            Some(&m.etag()),
            json!({"term_end": "2025-01-01"}),
        )
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["term_end"]);
    let m2 = app
        .patch(
            &mpath,
            t,
            Some(&m.etag()),
            json!({"council_role": "vice_chair"}),
        )
        .await
        .expect(200);
    assert_eq!(m2.body["council_role"], "vice_chair");
    app.patch(&mpath, t, Some(&m.etag()), json!({"name": "x"}))
        .await
        .problem(412, "precondition_failed");
    app.get(&mpath, &r.other_officer)
        .await
        .problem(404, "not_found");

    // Meetings: attendees must be the council's members; the latest first.
    let meetings = format!("/api/v1/councils/{id}/meetings");
    let held = app
        .post(&meetings, t, json!({"kind": "plenary", "status": "held", "held_on": "2026-05-20", "title": "第1回", "location": "県庁", "agenda": "1. 現状", "attendee_ids": [chair.id(), welfare.id(), chair.id()]}))
        .await
        .expect(201);
    assert_eq!(held.body["attendee_ids"].as_array().unwrap().len(), 2);
    let planned = app
        .post(
            &meetings,
            t,
            json!({"kind": "plenary", "held_on": "2026-11-10", "title": "第2回"}),
        )
        .await
        .expect(201);
    assert_eq!(planned.body["status"], "planned");
    let other_council = app
        .post("/api/v1/councils", t, council("小慢協議会"))
        .await
        .expect(201)
        .id();
    let stranger = app
        .post(
            &format!("/api/v1/councils/{other_council}/members"),
            t,
            member("他 会員", "education", "2026-04-01", "2027-03-31"),
        )
        .await
        .expect(201)
        .id();
    let bad = app
        .post(&meetings, t, json!({"kind": "plenary", "held_on": "2026-07-01", "title": "x", "attendee_ids": [stranger]}))
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["attendee_ids"]);
    assert_eq!(bad.body["errors"][0]["code"], "not_a_member");
    let list = app.get(&meetings, t).await.expect(200);
    let titles: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["第2回", "第1回"]);
    let mp = format!("/api/v1/meetings/{}", held.id());
    let m = app.get(&mp, t).await.expect(200);
    app.patch(&mp, t, None, json!({"minutes": "x"}))
        .await
        .problem(428, "if_match_required");
    let m = app
        .patch(&mp, t, Some(&m.etag()), json!({"minutes": "議事録\r\n二行目", "decisions": "就労部会を設置する", "attendee_ids": [chair.id()]}))
        .await
        .expect(200);
    assert_eq!(m.body["decisions"], "就労部会を設置する");
    assert_eq!(m.body["minutes"], "議事録\n二行目");
    assert_eq!(m.body["attendee_ids"], json!([chair.id()]));
    let bad = app
        .patch(&mp, t, Some(&m.etag()), json!({"attendee_ids": [stranger]}))
        .await
        .expect(422);
    assert_eq!(bad.fields(), ["attendee_ids"]);
    app.get(&mp, &r.other_officer)
        .await
        .problem(404, "not_found");

    // Papers: a PDF goes in and comes back as a download; anything else is refused.
    let meeting = held.id();
    let a = upload(
        &app,
        t,
        &meeting,
        "資料1 就労.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await
    .expect(201);
    assert_eq!(a.body["file_name"], "資料1 就労.pdf");
    assert_eq!(a.body["size_bytes"], PDF.len());
    let aid = a.id();
    let got = app
        .get(&format!("/api/v1/meetings/{meeting}/attachments/{aid}"), t)
        .await
        .expect(200);
    assert_eq!(got.raw, PDF);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        got.header("content-disposition").as_deref(),
        Some(
            "attachment; filename=\"__1 __.pdf\"; filename*=UTF-8''%E8%B3%87%E6%96%991%20%E5%B0%B1%E5%8A%B4.pdf"
        )
    );
    assert_eq!(
        got.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        got.header("content-security-policy").as_deref(),
        Some("sandbox; default-src 'none'")
    );
    assert_eq!(
        got.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    upload(&app, t, &meeting, "a.docx", docx, PDF.to_vec())
        .await
        .problem(415, "unsupported_media_type");
    upload(
        &app,
        t,
        &meeting,
        "a.pdf",
        "application/pdf",
        b"<html><script>".to_vec(),
    )
    .await
    .problem(415, "unsupported_media_type");
    upload(&app, t, &meeting, "a.html", "text/html", PDF.to_vec())
        .await
        .problem(415, "unsupported_media_type");
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    upload(&app, t, &meeting, "big.pdf", "application/pdf", big)
        .await
        .problem(413, "too_large");
    // With an Idempotency-Key the body passes through the replay layer whole.
    let mut large = PDF.to_vec();
    large.resize(600 * 1024, b' ');
    let keyed = app
        .request(
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/attachments?file_name=large.pdf"),
            Some(t),
            &[
                ("content-type", "application/pdf"),
                ("idempotency-key", "paper-1"),
            ],
            Some(large.clone()),
        )
        .await
        .expect(201);
    assert_eq!(keyed.body["size_bytes"], large.len());
    let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    upload(
        &app,
        t,
        &meeting,
        "old.xls",
        "application/vnd.ms-excel",
        ole.to_vec(),
    )
    .await
    .expect(201);
    let list = app
        .get(&format!("/api/v1/meetings/{meeting}/attachments"), t)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
    assert!(list.body["items"][0].get("content").is_none());
    app.get(
        &format!("/api/v1/meetings/{meeting}/attachments/{aid}"),
        &r.other_officer,
    )
    .await
    .problem(404, "not_found");
    app.request(
        Method::DELETE,
        &format!("/api/v1/meetings/{meeting}/attachments/{}", keyed.id()),
        Some(&app.admin_token),
        &[],
        None,
    )
    .await
    .problem(403, "insufficient_role");
    app.request(
        Method::DELETE,
        &format!("/api/v1/meetings/{meeting}/attachments/{}", keyed.id()),
        Some(t),
        &[],
        None,
    )
    .await
    .expect(204);
    app.get(
        &format!("/api/v1/meetings/{meeting}/attachments/{}", keyed.id()),
        t,
    )
    .await
    .problem(404, "not_found");

    let actions: Vec<String> = app.audit_actions().into_iter().map(|(a, _)| a).collect();
    for a in [
        "council_member.create",
        "council_member.read",
        "council_member.list",
        "council_member.update",
        "meeting.create",
        "meeting.read",
        "meeting.list",
        "meeting.update",
        "meeting_attachment.create",
        "meeting_attachment.read",
        "meeting_attachment.list",
        "meeting_attachment.delete",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
}

fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::base32_decode(secret).unwrap();
    let step = totp::step_at(app.clock_now().timestamp());
    format!("{:06}", totp::code(&bytes, step).unwrap())
}

async fn a_council_member_reads_their_council_in_term_after_the_pledge(db: Db) {
    let app = spawn(db).await;
    let r = region(&app).await;
    let t = &r.officer;
    let id = app
        .post("/api/v1/councils", t, council("広島県難病対策地域協議会"))
        .await
        .expect(201)
        .id();
    let other = app
        .post("/api/v1/councils", t, council("小慢協議会"))
        .await
        .expect(201)
        .id();
    let m = app
        .post(
            &format!("/api/v1/councils/{id}/members"),
            t,
            member(
                "患者会 代表",
                "patients_families",
                "2026-04-01",
                "2028-03-31",
            ),
        )
        .await
        .expect(201);
    let mid = m.id();
    let meeting = app
        .post(
            &format!("/api/v1/councils/{id}/meetings"),
            t,
            json!({"kind": "plenary", "status": "held", "held_on": "2026-05-20", "title": "第1回", "attendee_ids": [mid]}),
        )
        .await
        .expect(201)
        .id();
    let paper = upload(
        &app,
        t,
        &meeting,
        "資料.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await
    .expect(201)
    .id();
    let other_meeting = app
        .post(
            &format!("/api/v1/councils/{other}/meetings"),
            t,
            json!({"kind": "plenary", "held_on": "2026-05-21", "title": "x"}),
        )
        .await
        .expect(201)
        .id();

    // The officer gives the member a sign-in: the temporary password is answered once.
    let account = format!("/api/v1/councils/{id}/members/{mid}/account");
    let body = json!({"login": "hiroshima.council"});
    let given = post_with_key(&app, t, &account, "acct-1", body.clone())
        .await
        .expect(201);
    let temporary = given.body["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(temporary.len() >= 20);
    assert_eq!(given.body["login"], "hiroshima.council");
    let user_id = given.body["member"]["user_id"].as_str().unwrap().to_owned();
    let replay = post_with_key(&app, t, &account, "acct-1", body.clone())
        .await
        .expect(201);
    assert!(
        !replay
            .raw
            .windows(temporary.len())
            .any(|w| w == temporary.as_bytes())
    );
    assert!(
        replay.body.get("temporary_password").is_none(),
        "{}",
        replay.body
    );
    app.post(&account, t, body.clone())
        .await
        .problem(409, "account_exists");
    app.post(&account, &r.other_officer, body.clone())
        .await
        .problem(404, "not_found");
    #[derive(diesel::QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        body: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        action: Option<String>,
    }
    let mut conn = app.db.raw();
    let kept: Vec<Kept> = diesel::sql_query("SELECT body, action FROM idempotency_keys")
        .load(&mut conn)
        .unwrap();
    let acct: Vec<&Kept> = kept
        .iter()
        .filter(|k| k.action.as_deref() == Some("council_member.account"))
        .collect();
    assert_eq!(acct.len(), 1);
    assert!(acct[0].body.is_none());
    for k in &kept {
        assert!(!k.body.as_deref().unwrap_or("").contains(&temporary));
    }

    // First sign-in: the password, then the second factor, then the pledge.
    let mt = app.login("hiroshima.council", &temporary).await;
    app.get("/api/v1/councils", &mt)
        .await
        .problem(403, "password_change_required");
    app.post(
        "/api/v1/me/password",
        &mt,
        json!({"current_password": temporary, "new_password": STAFF_PASSWORD}),
    )
    .await
    .expect(204);
    let me = app.get("/api/v1/me", &mt).await.expect(200);
    assert_eq!(me.body["role"], "council_member");
    assert_eq!(me.body["totp_required"], true);
    app.get("/api/v1/councils", &mt)
        .await
        .problem(403, "totp_enrollment_required");
    let e = app
        .post("/api/v1/me/totp", &mt, json!({}))
        .await
        .expect(200);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/me/totp/confirm",
        &mt,
        json!({"code": code_now(&app, &secret)}),
    )
    .await
    .expect(200);
    let path = format!("/api/v1/councils/{id}");
    for p in [
        "/api/v1/councils".to_owned(),
        path.clone(),
        format!("/api/v1/meetings/{meeting}"),
        format!("/api/v1/meetings/{meeting}/attachments/{paper}"),
    ] {
        app.get(&p, &mt).await.problem(403, "pledge_required");
    }
    app.post("/api/v1/me/confidentiality-pledge", t, json!({}))
        .await
        .problem(403, "insufficient_role");
    let pledged = app
        .post("/api/v1/me/confidentiality-pledge", &mt, json!({}))
        .await
        .expect(200);
    assert!(pledged.body["items"][0]["pledged_at"].is_string());

    // Now they read their council, its members, meetings and papers, and nothing else.
    let list = app.get("/api/v1/councils", &mt).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["id"], id.as_str());
    app.get(&path, &mt).await.expect(200);
    // The roll: names and bodies, their own seat in full, not a colleague's account or
    // pledge (the secretariat's business); the officer sees both.
    let colleague = app
        .post(
            &format!("{path}/members"),
            t,
            member("医師会 理事", "medical", "2026-04-01", "2028-03-31"),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("{path}/members/{colleague}/account"),
        t,
        json!({"login": "hiroshima.doctor"}),
    )
    .await
    .expect(201);
    let seat_of = |roll: &Value, id: &str| {
        roll["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap()
    };
    let roll = app
        .get(&format!("{path}/members"), &mt)
        .await
        .expect(200)
        .body;
    assert_eq!(seat_of(&roll, &colleague)["name"], "医師会 理事");
    assert_eq!(seat_of(&roll, &colleague)["user_id"], Value::Null);
    assert_eq!(seat_of(&roll, &mid)["user_id"], user_id.as_str());
    assert!(seat_of(&roll, &mid)["pledged_at"].is_string());
    let one = app
        .get(&format!("{path}/members/{colleague}"), &mt)
        .await
        .expect(200);
    assert_eq!(one.body["user_id"], Value::Null);
    let full = app
        .get(&format!("{path}/members"), t)
        .await
        .expect(200)
        .body;
    assert!(seat_of(&full, &colleague)["user_id"].is_string());
    let ms = app.get(&format!("{path}/meetings"), &mt).await.expect(200);
    assert_eq!(ms.body["items"].as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/meetings/{meeting}"), &mt)
        .await
        .expect(200);
    app.get(&format!("/api/v1/meetings/{meeting}/attachments"), &mt)
        .await
        .expect(200);
    let got = app
        .get(
            &format!("/api/v1/meetings/{meeting}/attachments/{paper}"),
            &mt,
        )
        .await
        .expect(200);
    assert_eq!(got.raw, PDF);
    for p in [
        format!("/api/v1/councils/{other}"),
        format!("/api/v1/councils/{other}/meetings"),
        format!("/api/v1/meetings/{other_meeting}"),
    ] {
        app.get(&p, &mt).await.problem(404, "not_found");
    }
    // They never write.
    app.post("/api/v1/councils", &mt, council("x"))
        .await
        .problem(403, "insufficient_role");
    app.patch(&path, &mt, Some("*"), json!({"name": "x"}))
        .await
        .problem(403, "insufficient_role");
    app.post(
        &format!("{path}/meetings"),
        &mt,
        json!({"kind": "plenary", "held_on": "2026-07-01", "title": "x"}),
    )
    .await
    .problem(403, "insufficient_role");
    app.patch(
        &format!("/api/v1/meetings/{meeting}"),
        &mt,
        Some("*"),
        json!({"minutes": "x"}),
    )
    .await
    .problem(403, "insufficient_role");
    upload(
        &app,
        &mt,
        &meeting,
        "a.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await
    .problem(403, "insufficient_role");
    app.post(
        &format!("{path}/members"),
        &mt,
        member("x", "other", "2026-04-01", "2027-03-31"),
    )
    .await
    .problem(403, "insufficient_role");
    // No patient, no staff, no center answers them.
    for p in [
        "/api/v1/patients",
        "/api/v1/consultations",
        "/api/v1/referrals",
    ] {
        app.get(p, &mt).await.problem(404, "not_found");
    }

    // The regional issues their council works on: they read them and the meetings that
    // discussed them, and comment; nothing else of the register, and no change.
    let issue = |title: &str, council: Option<&str>| json!({"title": title, "category": "employment", "council_id": council});
    let theirs = app
        .post(
            "/api/v1/regional-issues",
            t,
            issue("紹介が案内のみ", Some(&id)),
        )
        .await
        .expect(201)
        .id();
    let not_theirs = app
        .post("/api/v1/regional-issues", t, issue("庁内の課題", None))
        .await
        .expect(201)
        .id();
    let elsewhere = app
        .post(
            "/api/v1/regional-issues",
            &r.other_officer,
            issue("他県の課題", None),
        )
        .await
        .expect(201)
        .id();
    let discussed = format!("/api/v1/meetings/{meeting}/issues");
    async fn put(app: &TestApp, path: &str, token: &str, ids: Value) -> crate::helpers::Resp {
        app.request(
            Method::PUT,
            path,
            Some(token),
            &[("content-type", "application/json")],
            Some(json!({"issue_ids": ids}).to_string().into_bytes()),
        )
        .await
    }
    put(&app, &discussed, t, json!([elsewhere]))
        .await
        .problem(422, "validation_failed");
    put(&app, &discussed, &mt, json!([theirs]))
        .await
        .problem(403, "insufficient_role");
    let set = put(&app, &discussed, t, json!([theirs, theirs]))
        .await
        .expect(200);
    assert_eq!(set.body.as_array().unwrap().len(), 1);
    let listed = app.get(&discussed, &mt).await.expect(200);
    assert_eq!(listed.body[0]["id"], theirs.as_str());
    let register = app.get("/api/v1/regional-issues", &mt).await.expect(200);
    let ids: Vec<&str> = register.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [theirs.as_str()]);
    let read = app
        .get(&format!("/api/v1/regional-issues/{theirs}"), &mt)
        .await
        .expect(200);
    assert_eq!(read.body["meetings"][0]["meeting_id"], meeting.as_str());
    app.get(&format!("/api/v1/regional-issues/{not_theirs}"), &mt)
        .await
        .problem(404, "not_found");
    app.post(
        &format!("/api/v1/regional-issues/{theirs}/comments"),
        &mt,
        json!({"body": "患者会としても協力できます"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/regional-issues/{not_theirs}/comments"),
        &mt,
        json!({"body": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/regional-issues/{theirs}"),
        &mt,
        Some("*"),
        json!({"title": "x"}),
    )
    .await
    .problem(403, "insufficient_role");
    // The system administrator reads the register but does not comment.
    app.post(
        &format!("/api/v1/regional-issues/{theirs}/comments"),
        &app.admin_token,
        json!({"body": "x"}),
    )
    .await
    .problem(403, "insufficient_role");

    // After their term the council is gone for them.
    let mpath = format!("{path}/members/{mid}");
    app.patch(
        &mpath,
        t,
        Some("*"),
        json!({"term_start": "2024-04-01", "term_end": "2026-05-31"}),
    )
    .await
    .expect(200);
    app.get(&path, &mt).await.problem(404, "not_found");
    app.get(&format!("/api/v1/meetings/{meeting}"), &mt)
        .await
        .problem(404, "not_found");
    app.get(
        &format!("/api/v1/meetings/{meeting}/attachments/{paper}"),
        &mt,
    )
    .await
    .problem(404, "not_found");
    let list = app.get("/api/v1/councils", &mt).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
    app.get(&format!("/api/v1/regional-issues/{theirs}"), &mt)
        .await
        .problem(404, "not_found");

    let events = app.audit_events();
    assert!(
        events.iter().any(
            |e| e.action == "council.pledge" && e.actor_id.as_deref() == Some(user_id.as_str())
        )
    );
    assert!(events.iter().any(|e| e.action == "council_member.account"));
    assert!(events.iter().any(|e| e.action == "meeting_attachment.read"
        && e.actor_id.as_deref() == Some(user_id.as_str())));
}

db_tests!(
    councils_are_run_by_their_administrations_officers,
    members_meetings_and_papers,
    a_council_member_reads_their_council_in_term_after_the_pledge,
);
