//! Centers, users and agencies: roles, center scoping, optimistic concurrency.

use crate::db_tests;
use crate::helpers::{Db, INITIAL_PASSWORD, STAFF_PASSWORD, spawn};
use serde_json::json;

async fn roles_are_enforced(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, consultant) = app.staff(&c, "sato", "consultant").await;
    let (_, supervisor) = app.staff(&c, "suzuki", "supervisor").await;

    // Centers: the system administrator's.
    app.get("/api/v1/centers", &c.admin)
        .await
        .problem(403, "insufficient_role");
    app.post(
        "/api/v1/centers",
        &consultant,
        json!({"code": "x", "name": "x", "prefecture_code": "01", "operating_type": "other"}),
    )
    .await
    .problem(403, "insufficient_role");
    // Staff can read their own center, not list the others.
    app.get(&format!("/api/v1/centers/{}", c.id), &consultant)
        .await
        .expect(200);

    // Users: center administrators write; staff read their colleagues.
    app.post("/api/v1/users", &consultant, json!({"login": "new.one", "display_name": "x", "role": "consultant", "password": STAFF_PASSWORD})).await.problem(403, "insufficient_role");
    app.post("/api/v1/users", &supervisor, json!({"login": "new.one", "display_name": "x", "role": "consultant", "password": STAFF_PASSWORD})).await.problem(403, "insufficient_role");
    assert_eq!(
        app.get("/api/v1/users", &consultant).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    app.post("/api/v1/users", &c.admin, json!({"login": "root2", "display_name": "x", "role": "system_admin", "password": STAFF_PASSWORD})).await.problem(403, "role_not_assignable");

    // Agencies: center administrators write; all staff read; the system administrator has no center.
    app.post(
        "/api/v1/agencies",
        &consultant,
        json!({"agency_type": "hello_work", "name": "ハローワーク広島"}),
    )
    .await
    .problem(403, "insufficient_role");
    let a = app.agency(&c, "hello_work", "ハローワーク広島").await;
    app.get(&format!("/api/v1/agencies/{a}"), &consultant)
        .await
        .expect(200);
    app.get("/api/v1/agencies", &app.admin_token)
        .await
        .problem(403, "center_staff_only");
    // Every refusal is in the audit trail, with who tried what.
    let events = app.audit_actions();
    for action in [
        "center.list",
        "center.create",
        "user.create",
        "agency.create",
        "agency.list",
    ] {
        assert!(
            events.iter().any(|(a, o)| a == action && o == "denied"),
            "no denied {action} in {events:?}"
        );
    }
}

async fn system_admin_creates_a_center_and_its_first_admin(db: Db) {
    let app = spawn(db).await;
    let c = app.post("/api/v1/centers", &app.admin_token, json!({"code": "Hiroshima", "name": "広島県難病相談支援センター", "prefecture_code": "34", "operating_type": "patient_organization"})).await.expect(201);
    assert_eq!(c.body["code"], "hiroshima");
    assert_eq!(
        c.header("location").unwrap(),
        format!("/api/v1/centers/{}", c.id())
    );
    app.post("/api/v1/centers", &app.admin_token, json!({"code": "hiroshima", "name": "dup", "prefecture_code": "34", "operating_type": "other"})).await.problem(409, "code_taken");
    // A center user needs a center; a system administrator must not have one.
    let r = app.post("/api/v1/users", &app.admin_token, json!({"login": "h.admin", "display_name": "x", "role": "center_admin", "password": STAFF_PASSWORD})).await.problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["center_id"]);
    let r = app.post("/api/v1/users", &app.admin_token, json!({"center_id": c.id(), "login": "root2", "display_name": "x", "role": "system_admin", "password": STAFF_PASSWORD})).await.problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["center_id"]);
    app.post("/api/v1/users", &app.admin_token, json!({"center_id": uuid::Uuid::now_v7(), "login": "h.admin", "display_name": "x", "role": "center_admin", "password": STAFF_PASSWORD})).await.problem(422, "validation_failed");
    let u = app.post("/api/v1/users", &app.admin_token, json!({"center_id": c.id(), "login": "h.admin", "display_name": "広島 管理", "role": "center_admin", "password": INITIAL_PASSWORD})).await.expect(201);
    assert!(u.body.get("password").is_none() && u.body.get("password_hash").is_none());
    assert_eq!(u.body["must_change_password"], true);
    app.post("/api/v1/users", &app.admin_token, json!({"center_id": c.id(), "login": "H.Admin", "display_name": "dup", "role": "consultant", "password": STAFF_PASSWORD})).await.problem(409, "login_taken");
    let token = app.login("h.admin", INITIAL_PASSWORD).await;
    // The system administrator chose the password: it is changed before anything else, even
    // before the second factor is set up.
    assert_eq!(
        app.get("/api/v1/me", &token).await.expect(200).body["must_change_password"],
        true
    );
    app.get("/api/v1/users", &token)
        .await
        .problem(403, "password_change_required");
    app.post("/api/v1/me/totp", &token, json!({}))
        .await
        .problem(403, "password_change_required");
    app.post(
        "/api/v1/me/password",
        &token,
        json!({"current_password": INITIAL_PASSWORD, "new_password": STAFF_PASSWORD}),
    )
    .await
    .expect(204);
    let me = app.get("/api/v1/me", &token).await.expect(200);
    assert_eq!(me.body["must_change_password"], false);
    assert_eq!(me.body["center_id"], c.body["id"]);
    // By default a center asks its administrators for a second factor: nothing else works
    // until it is set up (or the center stops asking).
    assert_eq!(me.body["totp_required"], true);
    assert_eq!(c.body["totp_roles"], json!(["center_admin", "supervisor"]));
    app.get("/api/v1/users", &token)
        .await
        .problem(403, "totp_enrollment_required");
    let fresh = app
        .get(&format!("/api/v1/centers/{}", c.id()), &app.admin_token)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/centers/{}", c.id()),
        &app.admin_token,
        Some(&fresh.etag()),
        json!({"totp_roles": []}),
    )
    .await
    .expect(200);
    // The center administrator creates a consultant in its own center only.
    let other = app.center("other").await;
    let r = app.post("/api/v1/users", &token, json!({"center_id": other.id, "login": "x.y", "display_name": "x", "role": "consultant", "password": STAFF_PASSWORD})).await.problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["center_id"]);
    let u = app.post("/api/v1/users", &token, json!({"login": "sato", "display_name": "佐藤 花子", "role": "consultant", "password": STAFF_PASSWORD})).await.expect(201);
    assert_eq!(u.body["center_id"], c.body["id"]);
    let list = app
        .get("/api/v1/centers?limit=1", &app.admin_token)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let next = list.body["next_cursor"].as_str().unwrap();
    let page2 = app
        .get(
            &format!("/api/v1/centers?limit=1&cursor={next}"),
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_ne!(page2.body["items"][0]["id"], list.body["items"][0]["id"]);
    assert!(page2.body["next_cursor"].is_null());
}

/// Another center's record answers 404 exactly like a missing one, on every route with an id.
async fn other_centers_records_are_404_everywhere(db: Db) {
    let app = spawn(db).await;
    let a = app.center("a").await;
    let b = app.center("b").await;
    let (b_user, _) = app.staff(&b, "b.sato", "consultant").await;
    let b_agency = app.agency(&b, "hello_work", "ハローワークB").await;
    let (_, a_supervisor) = app.staff(&a, "a.suzuki", "supervisor").await;
    let missing = uuid::Uuid::now_v7().to_string();

    for token in [&a.admin, &a_supervisor] {
        for (kind, id) in [
            ("users", &b_user),
            ("agencies", &b_agency),
            ("centers", &b.id),
        ] {
            let other = app
                .get(&format!("/api/v1/{kind}/{id}"), token)
                .await
                .problem(404, "not_found");
            let none = app
                .get(&format!("/api/v1/{kind}/{missing}"), token)
                .await
                .problem(404, "not_found");
            assert_eq!(
                other.body, none.body,
                "{kind}: another center's record must look missing"
            );
        }
    }
    for (kind, id, body) in [
        ("users", &b_user, json!({"display_name": "x"})),
        ("agencies", &b_agency, json!({"name": "x"})),
    ] {
        let other = app
            .patch(
                &format!("/api/v1/{kind}/{id}"),
                &a.admin,
                Some("\"v1\""),
                body.clone(),
            )
            .await
            .problem(404, "not_found");
        let none = app
            .patch(
                &format!("/api/v1/{kind}/{missing}"),
                &a.admin,
                Some("\"v1\""),
                body,
            )
            .await
            .problem(404, "not_found");
        assert_eq!(other.body, none.body);
    }
    // Lists never show the other center's rows.
    let users = app.get("/api/v1/users", &a.admin).await.expect(200);
    assert!(
        users.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["center_id"] == a.id.as_str())
    );
    assert!(
        app.get("/api/v1/agencies", &a.admin).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Probing other centers' ids is in the audit trail.
    assert!(
        app.audit_actions()
            .iter()
            .any(|(act, o)| act == "agency.read" && o == "not_found")
    );
    // B's own staff still see their records.
    app.get(&format!("/api/v1/agencies/{b_agency}"), &b.admin)
        .await
        .expect(200);
}

async fn patch_requires_a_fresh_if_match(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let id = app.agency(&c, "hello_work", "ハローワーク広島").await;
    let path = format!("/api/v1/agencies/{id}");
    let read = app.get(&path, &c.admin).await.expect(200);
    let etag = read.etag();
    app.patch(&path, &c.admin, None, json!({"name": "x"}))
        .await
        .problem(428, "if_match_required");
    app.patch(&path, &c.admin, Some("\"v99\""), json!({"name": "x"}))
        .await
        .problem(412, "precondition_failed");
    app.patch(&path, &c.admin, Some("garbage"), json!({"name": "x"}))
        .await
        .problem(412, "precondition_failed");
    let ok = app
        .patch(
            &path,
            &c.admin,
            Some(&etag),
            json!({"name": "ハローワーク広島東", "phone": "082-000-0000"}),
        )
        .await
        .expect(200);
    assert_ne!(ok.etag(), etag);
    assert_eq!(ok.body["name"], "ハローワーク広島東");
    assert_eq!(ok.body["phone"], "082-000-0000");
    // The same stale ETag again: someone else's change must not be overwritten.
    app.patch(&path, &c.admin, Some(&etag), json!({"name": "lost update"}))
        .await
        .problem(412, "precondition_failed");
    // null clears an optional field; absent leaves it.
    let cleared = app
        .patch(&path, &c.admin, Some(&ok.etag()), json!({"phone": null}))
        .await
        .expect(200);
    assert!(cleared.body["phone"].is_null());
    assert_eq!(cleared.body["name"], "ハローワーク広島東");
    assert_eq!(
        app.get(&path, &c.admin).await.expect(200).etag(),
        cleared.etag()
    );
}

async fn concurrent_edits_let_exactly_one_win(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let id = app
        .agency(&c, "vocational_center", "広島障害者職業センター")
        .await;
    let path = format!("/api/v1/agencies/{id}");
    let etag = app.get(&path, &c.admin).await.expect(200).etag();
    let (r1, r2, r3) = tokio::join!(
        app.patch(&path, &c.admin, Some(&etag), json!({"name": "one"})),
        app.patch(&path, &c.admin, Some(&etag), json!({"name": "two"})),
        app.patch(&path, &c.admin, Some(&etag), json!({"name": "three"})),
    );
    let statuses: Vec<u16> = [&r1, &r2, &r3].iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        2,
        "{statuses:?}"
    );
    let winner = [&r1, &r2, &r3]
        .into_iter()
        .find(|r| r.status == 200)
        .unwrap()
        .body["name"]
        .clone();
    assert_eq!(
        app.get(&path, &c.admin).await.expect(200).body["name"],
        winner
    );
}

async fn agencies_filter_by_type_and_deactivate(db: Db) {
    let app = spawn(db).await;
    let c = app.center("c1").await;
    app.agency(&c, "hello_work", "ハローワーク広島").await;
    let nakapotsu = app
        .agency(
            &c,
            "employment_life_support_center",
            "広島障害者就業・生活支援センター",
        )
        .await;
    let list = app
        .get(
            "/api/v1/agencies?agency_type=employment_life_support_center",
            &c.admin,
        )
        .await
        .expect(200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], nakapotsu.as_str());
    app.get("/api/v1/agencies?agency_type=nope", &c.admin)
        .await
        .problem(422, "validation_failed");
    let path = format!("/api/v1/agencies/{nakapotsu}");
    let etag = app.get(&path, &c.admin).await.expect(200).etag();
    let off = app
        .patch(&path, &c.admin, Some(&etag), json!({"active": false}))
        .await
        .expect(200);
    assert_eq!(off.body["active"], false);
}

db_tests!(
    roles_are_enforced,
    system_admin_creates_a_center_and_its_first_admin,
    other_centers_records_are_404_everywhere,
    patch_requires_a_fresh_if_match,
    concurrent_edits_let_exactly_one_win,
    agencies_filter_by_type_and_deactivate,
);
