//! The keyed audit chain against someone who can write the database but does not hold the
//! data key: forged events with recomputed hashes, an edit re-chained with plain SHA-256 or
//! a key of their own, the newest events removed, every event removed — and checkpoints
//! kept outside the database that pin the trail up to their sequence number.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use tsunagu_domain::audit::checkpoint::Checkpoint;
use tsunagu_domain::audit::{AuditDraft, AuditEvent, GENESIS_HASH, chain_hash, keyed_chain_hash};
use tsunagu_domain::data_keys::{DataKeys, generate_key};
use tsunagu_domain::events::Action;

/// How a tamperer re-links the events they touched.
enum Relink<'a> {
    /// Plain SHA-256, as the chain was before it was keyed.
    Unkeyed,
    /// HMAC under a key of their own, naming it, or naming ours (`pose_as`).
    OtherKey {
        keys: &'a DataKeys,
        pose_as: Option<&'a str>,
    },
}

/// Some activity: a center, its administrator, a few sign-ins and reads.
async fn activity(app: &TestApp) -> String {
    let c = app.center("c1").await;
    let (_, sup) = app.staff(&c, "suzuki", "supervisor").await;
    app.get("/api/v1/me", &sup).await.expect(200);
    app.agency(&c, "hello_work", "ハローワーク").await;
    sup
}

fn events(app: &TestApp) -> Vec<AuditEvent> {
    assert!(
        app.services
            .flush_access_log(std::time::Duration::from_secs(10))
    );
    app.services.store().audit_chain(0, 1_000_000).unwrap()
}

/// Lifts the append-only triggers, as a database superuser can.
fn superuser(app: &TestApp, db: Db) -> tsunagu_store::db::DbConn {
    let mut c = app.db.raw();
    let lift = match db {
        Db::Sqlite => "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;",
        Db::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER USER;",
    };
    c.batch_execute(lift).unwrap();
    c
}

fn exec(c: &mut tsunagu_store::db::DbConn, sql: &str) {
    diesel::sql_query(sql).execute(c).unwrap();
}

/// Recomputes every link from `from_seq` on the way `how` says and moves the head to the
/// new last event: what a careful tamperer does so that a plain hash chain verifies.
fn rechain(app: &TestApp, c: &mut tsunagu_store::db::DbConn, from_seq: i64, how: &Relink) {
    let evs = app.services.store().audit_chain(0, 1_000_000).unwrap();
    let mut prev = GENESIS_HASH.to_owned();
    for e in &evs {
        if e.seq < from_seq {
            prev.clone_from(&e.hash);
            continue;
        }
        let canonical = e.record.canonical(e.seq);
        let (hash, key_id) = match how {
            Relink::Unkeyed => (chain_hash(&prev, &canonical), "NULL".to_owned()),
            Relink::OtherKey { keys, pose_as } => {
                let (id, key) = keys.current_audit_mac_key();
                (
                    keyed_chain_hash(key, &prev, &canonical),
                    format!("'{}'", pose_as.unwrap_or(id)),
                )
            }
        };
        exec(
            c,
            &format!(
                "UPDATE audit_events SET prev_hash = '{prev}', hash = '{hash}', key_id = {key_id} WHERE seq = {}",
                e.seq
            ),
        );
        prev = hash;
    }
    let last = evs.last().map_or(0, |e| e.seq);
    exec(
        c,
        &format!("UPDATE audit_chain_head SET seq = {last}, hash = '{prev}'"),
    );
}

fn verdict(app: &TestApp) -> (Option<i64>, &'static str) {
    let r = app.services.audit_trail().verify_chain().unwrap();
    r.first_broken
        .map_or((None, "intact"), |b| (Some(b.seq), b.reason))
}

/// Appends a forged event (a patient deleted by nobody) after the last one, its link
/// recomputed and the head moved to it.
async fn a_forged_event_with_a_recomputed_link_is_found(db: Db) {
    let other = DataKeys::from_base64(&generate_key(), &[]).unwrap();
    for (case, want) in [
        ("unkeyed", "not_keyed"),
        ("own key", "unknown_key"),
        ("own key posing as ours", "content_changed"),
    ] {
        let app = spawn(db).await;
        let sup = activity(&app).await;
        let last = events(&app).last().unwrap().seq;
        let ours = app
            .services
            .store()
            .audit_chain_keys()
            .current_id()
            .to_owned();
        let how = match case {
            "unkeyed" => Relink::Unkeyed,
            "own key" => Relink::OtherKey {
                keys: &other,
                pose_as: None,
            },
            _ => Relink::OtherKey {
                keys: &other,
                pose_as: Some(&ours),
            },
        };
        let mut c = superuser(&app, db);
        exec(
            &mut c,
            &format!(
                "INSERT INTO audit_events (seq, id, occurred_at, actor_kind, action, resource_type, outcome, request_id, prev_hash, hash) \
                 SELECT seq + 1, 'forged', occurred_at, 'system', 'patient.delete', 'patient', 'success', 'x', hash, 'x' \
                 FROM audit_events WHERE seq = {last}"
            ),
        );
        rechain(&app, &mut c, last + 1, &how);
        assert_eq!(verdict(&app), (Some(last + 1), want), "{case}");
        let v = app
            .get("/api/v1/audit-events/verify", &sup)
            .await
            .expect(200);
        assert_eq!(v.body["valid"], false);
        assert_eq!(v.body["first_broken"]["reason"], want, "{}", v.body);
        assert_eq!(v.body["first_broken"]["id"], "forged");
    }
}

/// Changes an event in the middle and re-chains everything after it.
async fn a_mid_chain_edit_rechained_without_the_key_is_found(db: Db) {
    let other = DataKeys::from_base64(&generate_key(), &[]).unwrap();
    for (how, want) in [
        (Relink::Unkeyed, "not_keyed"),
        (
            Relink::OtherKey {
                keys: &other,
                pose_as: None,
            },
            "unknown_key",
        ),
    ] {
        let app = spawn(db).await;
        activity(&app).await;
        let n = events(&app).len();
        assert!(n > 5, "{n}");
        let mut c = superuser(&app, db);
        exec(
            &mut c,
            "UPDATE audit_events SET detail = 'role=supervisor' WHERE seq = 3",
        );
        assert_eq!(verdict(&app), (Some(3), "content_changed"));
        rechain(&app, &mut c, 3, &how);
        assert_eq!(verdict(&app), (Some(3), want));
    }
}

/// Removes the newest events (the head left as it was), then every event.
async fn truncation_and_a_wiped_trail_are_found(db: Db) {
    let app = spawn(db).await;
    let sup = activity(&app).await;
    let last = events(&app).last().unwrap().seq;
    assert_eq!(verdict(&app), (None, "intact"));
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        &format!("DELETE FROM audit_events WHERE seq > {}", last - 2),
    );
    assert_eq!(verdict(&app), (Some(last - 1), "truncated"));
    let v = app
        .get("/api/v1/audit-events/verify", &sup)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], false);
    assert_eq!(v.body["first_broken"]["reason"], "truncated");
    assert_eq!(v.body["first_broken"]["seq"], last - 1);
    assert_eq!(v.body["first_broken"]["id"], "");

    assert!(
        app.services
            .flush_access_log(std::time::Duration::from_secs(10))
    );
    exec(&mut c, "DELETE FROM audit_events");
    assert_eq!(verdict(&app), (Some(1), "truncated"));
    // With the head reset too, the trail looks new: only a checkpoint tells otherwise.
    exec(
        &mut c,
        &format!("UPDATE audit_chain_head SET seq = 0, hash = '{GENESIS_HASH}'"),
    );
    assert_eq!(verdict(&app), (None, "intact"));
}

/// A checkpoint verifies on the intact trail and after more events; it fails once the
/// trail before it was rewritten — even a rewrite that a verification without the
/// checkpoint passes (the whole trail re-chained unkeyed, the upgrade point moved past it)
/// — and once the trail was cut back to before it, head and all.
async fn a_checkpoint_pins_the_trail_before_it(db: Db) {
    let app = spawn(db).await;
    let sup = activity(&app).await;
    events(&app);
    let trail = app.services.audit_trail();
    let cp = trail.checkpoint().unwrap().unwrap();
    let text = cp.encode();
    // It leaves the database as text and comes back.
    let cp = Checkpoint::parse(&text).unwrap();
    let pin = trail.check_checkpoint(&cp).unwrap();
    assert_eq!(pin.seq, events(&app).last().unwrap().seq);
    let pinned = |pin| {
        let r = app
            .services
            .audit_trail()
            .verify_chain_pinned(Some(pin))
            .unwrap();
        r.first_broken
            .map_or((None, "intact"), |b| (Some(b.seq), b.reason))
    };
    assert_eq!(pinned(pin.clone()), (None, "intact"));
    // More events after it change nothing.
    app.get("/api/v1/me", &sup).await.expect(200);
    events(&app);
    assert_eq!(pinned(pin.clone()), (None, "intact"));
    // A forged checkpoint (another seq) does not check out.
    let forged = Checkpoint::parse(
        &text.replace(&format!("seq: {}", cp.seq), &format!("seq: {}", cp.seq - 1)),
    )
    .unwrap();
    assert!(trail.check_checkpoint(&forged).is_err());

    // Everything re-chained with plain SHA-256 and the upgrade point moved past the head:
    // the database alone now looks like an old unkeyed trail.
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        "UPDATE audit_events SET detail = 'role=supervisor' WHERE seq = 2",
    );
    rechain(&app, &mut c, 1, &Relink::Unkeyed);
    exec(
        &mut c,
        "UPDATE audit_chain_head SET keyed_from_seq = seq + 1",
    );
    assert_eq!(verdict(&app), (None, "intact"), "the documented limit");
    assert_eq!(pinned(pin.clone()), (Some(cp.seq), "checkpoint_mismatch"));
    // That is also what an upgraded database looks like: events after the point are keyed.
    app.services
        .store()
        .append_audit(&[AuditDraft::system(chrono::Utc::now(), Action::AuditVerify)])
        .unwrap();
    let after = events(&app);
    assert!(after.last().unwrap().key_id.is_some());
    assert!(after.first().unwrap().key_id.is_none());
    assert_eq!(verdict(&app), (None, "intact"));

    // Cut back to before the checkpoint, the head moved along: only the checkpoint knows.
    let app = spawn(db).await;
    activity(&app).await;
    let evs = events(&app);
    let cp = app.services.audit_trail().checkpoint().unwrap().unwrap();
    let pin = app.services.audit_trail().check_checkpoint(&cp).unwrap();
    let keep = &evs[evs.len() - 3];
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        &format!("DELETE FROM audit_events WHERE seq > {}", keep.seq),
    );
    exec(
        &mut c,
        &format!(
            "UPDATE audit_chain_head SET seq = {}, hash = '{}'",
            keep.seq, keep.hash
        ),
    );
    assert_eq!(verdict(&app), (None, "intact"), "the documented limit");
    let r = app
        .services
        .audit_trail()
        .verify_chain_pinned(Some(pin))
        .unwrap()
        .first_broken
        .unwrap();
    assert_eq!((r.seq, r.reason), (keep.seq + 1, "truncated"));
}

db_tests!(
    a_forged_event_with_a_recomputed_link_is_found,
    a_mid_chain_edit_rechained_without_the_key_is_found,
    truncation_and_a_wiped_trail_are_found,
    a_checkpoint_pins_the_trail_before_it,
);
