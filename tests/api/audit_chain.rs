//! The keyed audit chains (one per center, one for the platform) against someone who can
//! write the database but does not hold the data key: forged events with recomputed hashes,
//! an edit re-chained with plain SHA-256 or a key of their own, the newest events removed,
//! every event removed, a center's chain removed whole — and checkpoints kept outside the
//! database that pin each chain up to its sequence number. Also: centers do not wait for
//! each other's chain to write.

use crate::db_tests;
use crate::helpers::{Db, TestApp, spawn};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use tsunagu_domain::audit::checkpoint::Checkpoint;
use tsunagu_domain::audit::{
    AuditDraft, AuditEvent, GENESIS_HASH, PLATFORM_CHAIN, chain_hash, keyed_chain_hash,
};
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

/// Some activity: a center, its administrator and supervisor, a few sign-ins and reads.
/// Returns the center's id (its chain) and the supervisor's token.
async fn activity(app: &TestApp) -> (String, String) {
    activity_of(app, "c1").await
}

async fn activity_of(app: &TestApp, code: &str) -> (String, String) {
    let c = app.center(code).await;
    let (_, sup) = app.staff(&c, &format!("{code}.suzuki"), "supervisor").await;
    app.get("/api/v1/me", &sup).await.expect(200);
    app.agency(&c, "hello_work", "ハローワーク").await;
    (c.id, sup)
}

fn events(app: &TestApp, chain: &str) -> Vec<AuditEvent> {
    assert!(
        app.services
            .flush_access_log(std::time::Duration::from_secs(10))
    );
    app.services
        .store()
        .audit_chain(chain, 0, 1_000_000)
        .unwrap()
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

/// The next global `seq`, as an inserting tamperer takes it (PostgreSQL's sequence, so that
/// the server's own appends after it do not collide).
fn next_seq(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "(SELECT MAX(seq) + 1 FROM audit_events)",
        Db::Postgres => "nextval('audit_events_seq_seq')",
    }
}

/// Recomputes every link of `chain` from `from_seq` on the way `how` says and moves the
/// chain's head to the new last event: what a careful tamperer does so that a plain hash
/// chain verifies.
fn rechain(
    app: &TestApp,
    c: &mut tsunagu_store::db::DbConn,
    chain: &str,
    from_seq: i64,
    how: &Relink,
) {
    let evs = app
        .services
        .store()
        .audit_chain(chain, 0, 1_000_000)
        .unwrap();
    let mut prev = GENESIS_HASH.to_owned();
    for e in &evs {
        if e.chain_seq < from_seq {
            prev.clone_from(&e.hash);
            continue;
        }
        let canonical = e.record.canonical(e.chain_seq);
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
                "UPDATE audit_events SET prev_hash = '{prev}', hash = '{hash}', key_id = {key_id} \
                 WHERE chain = '{chain}' AND chain_seq = {}",
                e.chain_seq
            ),
        );
        prev = hash;
    }
    let last = evs.last().map_or(0, |e| e.chain_seq);
    exec(
        c,
        &format!(
            "UPDATE audit_chain_head SET seq = {last}, hash = '{prev}' WHERE chain = '{chain}'"
        ),
    );
}

/// Every chain walked: the first broken link's chain, position and reason.
fn verdict(app: &TestApp) -> (String, Option<i64>, &'static str) {
    let r = app.services.audit_trail().verify_chain().unwrap();
    pinned_verdict(r)
}

fn pinned_verdict(r: tsunagu_domain::audit::TrailReport) -> (String, Option<i64>, &'static str) {
    r.first_broken.map_or((String::new(), None, "intact"), |b| {
        (b.chain, Some(b.seq), b.reason)
    })
}

/// Appends a forged event (a patient deleted by nobody) after the last one of the center's
/// chain, its link recomputed and the chain's head moved to it.
async fn a_forged_event_with_a_recomputed_link_is_found(db: Db) {
    let other = DataKeys::from_base64(&generate_key(), &[]).unwrap();
    for (case, want) in [
        ("unkeyed", "not_keyed"),
        ("own key", "unknown_key"),
        ("own key posing as ours", "content_changed"),
    ] {
        let app = spawn(db).await;
        let (center, sup) = activity(&app).await;
        let last = events(&app, &center).last().unwrap().chain_seq;
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
                "INSERT INTO audit_events (seq, chain, chain_seq, id, occurred_at, actor_kind, center_id, action, resource_type, outcome, request_id, prev_hash, hash) \
                 SELECT {}, chain, chain_seq + 1, 'forged', occurred_at, 'system', center_id, 'patient.delete', 'patient', 'success', 'x', hash, 'x' \
                 FROM audit_events WHERE chain = '{center}' AND chain_seq = {last}",
                next_seq(db)
            ),
        );
        rechain(&app, &mut c, &center, last + 1, &how);
        assert_eq!(
            verdict(&app),
            (center.clone(), Some(last + 1), want),
            "{case}"
        );
        let v = app
            .get("/api/v1/audit-events/verify", &sup)
            .await
            .expect(200);
        assert_eq!(v.body["valid"], false);
        assert_eq!(v.body["first_broken"]["reason"], want, "{}", v.body);
        assert_eq!(v.body["first_broken"]["id"], "forged");
        assert_eq!(v.body["first_broken"]["chain"], center.as_str());
        assert_eq!(v.body["first_broken"]["seq"], last + 1);
    }
}

/// Changes an event in the middle of a center's chain and re-chains everything after it.
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
        let (center, _) = activity(&app).await;
        let n = events(&app, &center).len();
        assert!(n > 5, "{n}");
        let mut c = superuser(&app, db);
        exec(
            &mut c,
            &format!(
                "UPDATE audit_events SET detail = 'role=supervisor' WHERE chain = '{center}' AND chain_seq = 3"
            ),
        );
        assert_eq!(verdict(&app), (center.clone(), Some(3), "content_changed"));
        rechain(&app, &mut c, &center, 3, &how);
        assert_eq!(verdict(&app), (center.clone(), Some(3), want));
    }
}

/// Removes a center chain's newest events (the head left as it was), then all its events,
/// then its head row too.
async fn truncation_and_a_wiped_chain_are_found(db: Db) {
    let app = spawn(db).await;
    let (center, sup) = activity(&app).await;
    let last = events(&app, &center).last().unwrap().chain_seq;
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        &format!(
            "DELETE FROM audit_events WHERE chain = '{center}' AND chain_seq > {}",
            last - 2
        ),
    );
    assert_eq!(verdict(&app), (center.clone(), Some(last - 1), "truncated"));
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
    exec(
        &mut c,
        &format!("DELETE FROM audit_events WHERE chain = '{center}'"),
    );
    assert_eq!(verdict(&app), (center.clone(), Some(1), "truncated"));
    // With the head reset too, the chain looks new: only a checkpoint tells otherwise.
    exec(
        &mut c,
        &format!(
            "UPDATE audit_chain_head SET seq = 0, hash = '{GENESIS_HASH}' WHERE chain = '{center}'"
        ),
    );
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
    // A center's head made with the center: without it, its chain is gone.
    exec(
        &mut c,
        &format!("DELETE FROM audit_chain_head WHERE chain = '{center}'"),
    );
    assert_eq!(verdict(&app), (center.clone(), Some(0), "head_missing"));
}

/// A checkpoint verifies on intact chains and after more events; it fails once a chain
/// before it was rewritten — even a rewrite that a verification without the checkpoint
/// passes (the whole platform chain re-chained unkeyed, the upgrade point moved past it) —
/// and once a center's chain was cut back to before it, head and all, or removed whole.
async fn a_checkpoint_pins_every_chain_before_it(db: Db) {
    let app = spawn(db).await;
    let (center, sup) = activity(&app).await;
    let trail = app.services.audit_trail();
    events(&app, &center);
    let cp = trail.checkpoint().unwrap().unwrap();
    let text = cp.encode();
    // A chain per center and the platform's, the platform's last.
    let names: Vec<&str> = cp.chains.iter().map(|c| c.chain.as_str()).collect();
    assert_eq!(names, [center.as_str(), PLATFORM_CHAIN]);
    // It leaves the database as text and comes back.
    let cp = Checkpoint::parse(&text).unwrap();
    let pins = trail.check_checkpoint(&cp).unwrap();
    assert_eq!(pins[0].seq, events(&app, &center).last().unwrap().chain_seq);
    let platform_seq = cp.chain(PLATFORM_CHAIN).unwrap().seq;
    assert_eq!(
        platform_seq,
        events(&app, PLATFORM_CHAIN).last().unwrap().chain_seq
    );
    let pinned = |pins: &[tsunagu_domain::audit::Pin]| {
        pinned_verdict(
            app.services
                .audit_trail()
                .verify_chain_pinned(pins)
                .unwrap(),
        )
    };
    assert_eq!(pinned(&pins), (String::new(), None, "intact"));
    // More events after it change nothing.
    app.get("/api/v1/me", &sup).await.expect(200);
    events(&app, &center);
    assert_eq!(pinned(&pins), (String::new(), None, "intact"));
    // A forged checkpoint (another seq) does not check out.
    let forged = Checkpoint::parse(&text.replace(
        &format!("seq: {platform_seq}"),
        &format!("seq: {}", platform_seq - 1),
    ))
    .unwrap();
    assert!(trail.check_checkpoint(&forged).is_err());

    // The whole platform chain re-chained with plain SHA-256 and the upgrade point moved
    // past the head: the database alone now looks like an old unkeyed trail.
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        "UPDATE audit_events SET detail = 'role=supervisor' WHERE chain = 'platform' AND chain_seq = 2",
    );
    rechain(&app, &mut c, PLATFORM_CHAIN, 1, &Relink::Unkeyed);
    exec(
        &mut c,
        "UPDATE audit_chain_head SET keyed_from_seq = seq + 1 WHERE chain = 'platform'",
    );
    assert_eq!(
        verdict(&app),
        (String::new(), None, "intact"),
        "the documented limit"
    );
    assert_eq!(
        pinned(&pins),
        (
            PLATFORM_CHAIN.to_owned(),
            Some(platform_seq),
            "checkpoint_mismatch"
        )
    );
    // That is also what an upgraded database looks like: events after the point are keyed.
    app.services
        .store()
        .append_audit(&[AuditDraft::system(chrono::Utc::now(), Action::AuditVerify)])
        .unwrap();
    let after = events(&app, PLATFORM_CHAIN);
    assert!(after.last().unwrap().key_id.is_some());
    assert!(after.first().unwrap().key_id.is_none());
    assert_eq!(verdict(&app), (String::new(), None, "intact"));

    // A center's chain cut back to before the checkpoint, its head moved along: only the
    // checkpoint knows.
    let app = spawn(db).await;
    let (center, _) = activity(&app).await;
    let evs = events(&app, &center);
    let cp = app.services.audit_trail().checkpoint().unwrap().unwrap();
    let pins = app.services.audit_trail().check_checkpoint(&cp).unwrap();
    let keep = &evs[evs.len() - 3];
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        &format!(
            "DELETE FROM audit_events WHERE chain = '{center}' AND chain_seq > {}",
            keep.chain_seq
        ),
    );
    exec(
        &mut c,
        &format!(
            "UPDATE audit_chain_head SET seq = {}, hash = '{}' WHERE chain = '{center}'",
            keep.chain_seq, keep.hash
        ),
    );
    assert_eq!(
        verdict(&app),
        (String::new(), None, "intact"),
        "the documented limit"
    );
    let pinned = |pins: &[tsunagu_domain::audit::Pin]| {
        pinned_verdict(
            app.services
                .audit_trail()
                .verify_chain_pinned(pins)
                .unwrap(),
        )
    };
    assert_eq!(
        pinned(&pins),
        (center.clone(), Some(keep.chain_seq + 1), "truncated")
    );
    // The center's chain removed whole, events and head.
    exec(
        &mut c,
        &format!("DELETE FROM audit_events WHERE chain = '{center}'"),
    );
    exec(
        &mut c,
        &format!("DELETE FROM audit_chain_head WHERE chain = '{center}'"),
    );
    assert_eq!(pinned(&pins), (center.clone(), Some(1), "truncated"));
}

/// Each center's supervisor walks their own chain: tampering in center A's chain is what A
/// and the system administrator are told of, while B's chain is intact and B sees only it.
async fn each_center_verifies_its_own_chain(db: Db) {
    let app = spawn(db).await;
    let (a, sup_a) = activity_of(&app, "ca").await;
    let (b, sup_b) = activity_of(&app, "cb").await;
    // The center's own work is in its chain, from its creation on; the system
    // administrator's sign-in (no center) in the platform's.
    let ev_a = events(&app, &a);
    assert!(
        ev_a.iter()
            .all(|e| e.record.center_id.as_deref() == Some(a.as_str()))
    );
    assert_eq!(ev_a[0].record.action, "center.create");
    assert!(ev_a.iter().any(|e| e.record.action == "agency.create"));
    assert!(events(&app, PLATFORM_CHAIN).iter().any(|e| {
        e.record.action == "auth.login" && e.record.actor_role.as_deref() == Some("system_admin")
    }));
    // Chain positions have no gaps, whatever the global order interleaved.
    for (i, e) in ev_a.iter().enumerate() {
        assert_eq!(e.chain_seq, i64::try_from(i).unwrap() + 1);
    }
    // The audit list still pages by the global order across chains.
    let list = app
        .get("/api/v1/audit-events?limit=200", &app.admin_token)
        .await
        .expect(200);
    let items = list.body["items"].as_array().unwrap();
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert!(items.iter().any(|e| e["chain"] == a.as_str()));
    assert!(items.iter().any(|e| e["chain"] == PLATFORM_CHAIN));

    let mut c = superuser(&app, db);
    exec(
        &mut c,
        &format!("UPDATE audit_events SET detail = 'x' WHERE chain = '{a}' AND chain_seq = 2"),
    );
    let v = app
        .get("/api/v1/audit-events/verify", &sup_a)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], false);
    assert_eq!(v.body["first_broken"]["chain"], a.as_str());
    assert_eq!(v.body["first_broken"]["seq"], 2);
    assert_eq!(v.body["first_broken"]["reason"], "content_changed");
    assert_eq!(v.body["chains"].as_array().unwrap().len(), 1);
    let b_len = events(&app, &b).len();
    let v = app
        .get("/api/v1/audit-events/verify", &sup_b)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], true, "{}", v.body);
    let chains = v.body["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 1, "{}", v.body);
    assert_eq!(chains[0]["chain"], b.as_str());
    assert_eq!(chains[0]["last_seq"], b_len as i64);
    let v = app
        .get("/api/v1/audit-events/verify", &app.admin_token)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], false);
    assert_eq!(v.body["first_broken"]["chain"], a.as_str());
    let states: Vec<(String, bool)> = v.body["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["chain"].as_str().unwrap().to_owned(),
                c["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    let mut want = vec![(a.clone(), false), (b.clone(), true)];
    want.sort();
    want.push((PLATFORM_CHAIN.to_owned(), true));
    assert_eq!(states, want);
}

/// Issue 14: writes of different centers never wait for each other. A transaction that
/// holds center A's chain head (as A's write does until it commits) leaves center B's
/// writes free, and A's next write waits for it — PostgreSQL, where writers do run at once.
#[actix_web::test]
async fn postgres_centers_write_without_waiting_for_each_other() {
    use std::time::Duration;
    let app = spawn(Db::Postgres).await;
    let a = app.center("ca").await;
    let b = app.center("cb").await;
    let (_, cons_a) = app.staff(&a, "ca.sato", "consultant").await;
    let (_, cons_b) = app.staff(&b, "cb.sato", "consultant").await;
    let patient = |family: &str| {
        serde_json::json!({"family_name": family, "given_name": "花子", "family_name_kana": "ヤマダ",
            "given_name_kana": "ハナコ", "birth_date": "1980-01-01", "program": "nanbyo",
            "employment_status": "job_seeking", "support_awareness": "unaware"})
    };
    let mut hold = app.db.raw();
    hold.batch_execute("BEGIN").unwrap();
    exec(
        &mut hold,
        &format!(
            "SELECT seq FROM audit_chain_head WHERE chain = '{}' FOR UPDATE",
            a.id
        ),
    );
    // B writes (a patient, with its change stamp and audit event) while A's head is held.
    let started = std::time::Instant::now();
    let r = actix_web::rt::time::timeout(
        Duration::from_secs(5),
        app.post("/api/v1/patients", &cons_b, patient("別")),
    )
    .await
    .expect("center B's write waited for center A's chain");
    r.expect(201);
    assert!(started.elapsed() < Duration::from_secs(5));
    // A's own write waits for the holder…
    let a_write = app.post("/api/v1/patients", &cons_a, patient("同"));
    futures_util::pin_mut!(a_write);
    assert!(
        actix_web::rt::time::timeout(Duration::from_millis(700), &mut a_write)
            .await
            .is_err(),
        "center A's write did not wait for A's chain head"
    );
    // …and goes on once it lets go.
    hold.batch_execute("COMMIT").unwrap();
    actix_web::rt::time::timeout(Duration::from_secs(10), a_write)
        .await
        .expect("center A's write went on")
        .expect(201);
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
}

/// A database from before per-center chains: its single keyed chain (events of a center and
/// of none, mixed) and a center. After the upgrade the old trail is the start of the
/// platform chain and still verifies, a checkpoint made before the upgrade still pins it, the center has a chain of its own that new events go to, and the platform chain goes
/// on from the old head.
async fn a_single_chain_from_before_becomes_the_start_of_the_platform_chain(db: Db) {
    let test_db = crate::helpers::TestDb::create(db);
    let url = test_db.url();
    let keys = DataKeys::from_base64(crate::helpers::TEST_DATA_KEY, &[]).unwrap();
    let center = uuid::Uuid::now_v7();
    let (mut prev, n) = (GENESIS_HASH.to_owned(), 6_i64);
    {
        let mut c = test_db.raw();
        tsunagu_store::db::run_migrations_through(&mut c, "20261204000280").unwrap();
        exec(
            &mut c,
            &format!(
                "INSERT INTO centers (id, code, name, prefecture_code, operating_type, created_at, updated_at) \
                 VALUES ('{center}', 'old', '旧センター', '34', 'other', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
        );
        let (key_id, key) = keys.current_audit_mac_key();
        for seq in 1..=n {
            let t = chrono::DateTime::from_timestamp(1_780_000_000 + seq, 0).unwrap();
            // Every other event is the center's: one chain held them all.
            let d = AuditDraft::system(t, Action::AuditVerify)
                .center((seq % 2 == 0).then_some(center))
                .resource(seq);
            let r = d.record();
            let hash = keyed_chain_hash(key, &prev, &r.canonical(seq));
            exec(
                &mut c,
                &format!(
                    "INSERT INTO audit_events (seq, id, occurred_at, actor_kind, center_id, action, resource_type, resource_id, outcome, request_id, prev_hash, hash, key_id) \
                     VALUES ({seq}, '{}', '{}', 'system', {}, '{}', '{}', '{seq}', 'success', '', '{prev}', '{hash}', '{key_id}')",
                    r.id,
                    t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f"),
                    r.center_id.map_or("NULL".to_owned(), |c| format!("'{c}'")),
                    r.action,
                    r.resource_type,
                ),
            );
            prev = hash;
        }
        exec(
            &mut c,
            &format!(
                "UPDATE audit_chain_head SET seq = {n}, hash = '{prev}', last_change_at = '2026-05-01 00:00:00' WHERE id = 1"
            ),
        );
    }
    let app = crate::helpers::spawn_on(test_db, |cfg| {
        let mut vars = crate::helpers::config_vars(&url);
        vars.insert(
            "TSUNAGU_DATA_KEY".to_owned(),
            crate::helpers::TEST_DATA_KEY.to_owned(),
        );
        *cfg = tsunagu_server::Config::from_map(&vars).unwrap();
    })
    .await;
    let platform = events(&app, PLATFORM_CHAIN);
    assert!(platform.len() as i64 > n, "the platform chain goes on");
    for (i, e) in platform.iter().take(n as usize).enumerate() {
        assert_eq!((e.seq, e.chain_seq), (i as i64 + 1, i as i64 + 1));
    }
    assert_eq!(platform[n as usize].prev_hash, prev);
    assert!(events(&app, &center.to_string()).is_empty());
    let head = app
        .services
        .store()
        .audit_chain_head(&center.to_string())
        .unwrap()
        .unwrap();
    assert_eq!((head.seq, head.keyed_from_seq), (0, 1));
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
    // Where the old chain ended, as a checkpoint made before the upgrade pins it (the old
    // checkpoint format is read as the platform chain's: see the checkpoint's unit tests).
    let pins = [tsunagu_domain::audit::Pin {
        chain: PLATFORM_CHAIN.to_owned(),
        seq: n,
        hash: prev.clone(),
        keyed_from_seq: 1,
    }];
    assert_eq!(
        pinned_verdict(
            app.services
                .audit_trail()
                .verify_chain_pinned(&pins)
                .unwrap()
        ),
        (String::new(), None, "intact")
    );
    // The old center's new events go to its own chain; the old trail stays as it was.
    app.services
        .store()
        .append_audit(&[
            AuditDraft::system(chrono::Utc::now(), Action::AuditVerify).center(Some(center))
        ])
        .unwrap();
    let own = events(&app, &center.to_string());
    assert_eq!(own.len(), 1);
    assert_eq!(
        (own[0].chain_seq, own[0].prev_hash.as_str()),
        (1, GENESIS_HASH)
    );
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
    // An edit of the old trail is still found, in the platform chain.
    let mut c = superuser(&app, db);
    exec(
        &mut c,
        "UPDATE audit_events SET resource_id = 'x' WHERE seq = 4",
    );
    assert_eq!(
        verdict(&app),
        (PLATFORM_CHAIN.to_owned(), Some(4), "content_changed")
    );
}

/// Forty events appended at once (a burst of the access log's group commit) go in as they
/// would one by one: in order, each linked to the one before, NULLs where a value is absent,
/// the chain intact. PostgreSQL gets them in inserts of up to sixteen rows (three), sent
/// with the chain head's write-back as one statement (asserted); SQLite, in the process,
/// one each.
async fn a_batch_of_events_goes_in_sixteen_rows_at_a_time(db: Db) {
    let app = spawn(db).await;
    let (center, _) = activity(&app).await;
    let center_id: uuid::Uuid = center.parse().unwrap();
    let before = events(&app, &center).len();
    let marker = format!("batch-{}", uuid::Uuid::now_v7());
    let drafts: Vec<AuditDraft> = (0..40)
        .map(|i| {
            let mut d =
                AuditDraft::system(chrono::Utc::now(), Action::AuditVerify).center(Some(center_id));
            d.request_id = format!("{marker}-{i:02}");
            // Every other event names a resource: rows of both shapes share a statement.
            d.resource_id = (i % 2 == 0).then(|| format!("r{i}"));
            d
        })
        .collect();
    let (appended, sent) =
        tsunagu_store::db::capture_statements(|| app.services.store().append_audit(&drafts));
    appended.unwrap();
    // Other tests run meanwhile: count only the inserts that carry this batch.
    if db == Db::Postgres {
        let carrying: Vec<&String> = sent.iter().filter(|s| s.contains(&marker)).collect();
        assert_eq!(carrying.len(), 1, "{carrying:#?}");
        assert_eq!(
            carrying[0].matches("INSERT INTO \"audit_events\"").count(),
            3
        );
        assert!(carrying[0].contains(") UPDATE \"audit_chain_head\""));
    }
    let all = events(&app, &center);
    let added = &all[before..];
    assert_eq!(added.len(), 40);
    for (i, e) in added.iter().enumerate() {
        assert_eq!(e.record.request_id, format!("{marker}-{i:02}"));
        assert_eq!(e.record.resource_id, (i % 2 == 0).then(|| format!("r{i}")));
        assert_eq!(e.chain_seq, all[before + i - 1].chain_seq + 1);
        assert_eq!(e.prev_hash, all[before + i - 1].hash);
    }
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
}

/// Events appended again (a retry whose first commit went through unanswered, as when the
/// database restarts between the commit and its answer) are stored once: those already
/// stored are left out, the rest appended, the chain intact.
async fn events_appended_again_are_stored_once(db: Db) {
    let app = spawn(db).await;
    let (center, _) = activity(&app).await;
    let center_id: uuid::Uuid = center.parse().unwrap();
    let before = events(&app, &center).len();
    let draft =
        || AuditDraft::system(chrono::Utc::now(), Action::AuditVerify).center(Some(center_id));
    let (a, b) = (draft(), draft());
    let store = app.services.store();
    store.append_audit(std::slice::from_ref(&a)).unwrap();
    store.append_audit(std::slice::from_ref(&a)).unwrap();
    store.append_audit(&[a.clone(), b.clone()]).unwrap();
    let ids: Vec<String> = events(&app, &center)[before..]
        .iter()
        .map(|e| e.record.id.clone())
        .collect();
    assert_eq!(ids, vec![a.id.to_string(), b.id.to_string()]);
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
}

/// A new consultation: on PostgreSQL its row, its report counts and its audit event go with
/// the chain head's write-back as one statement (after the head's lock), so the center's
/// next writer waits for fewer round trips; on both databases all of it is stored.
async fn a_new_consultation_goes_with_its_chain_head_in_one_statement(db: Db) {
    use tsunagu_domain::entities::Consultation;
    use tsunagu_domain::values::{Channel, Requester, Topic};
    let app = spawn(db).await;
    let c = app.center("c1").await;
    let (user, _) = app.staff(&c, "c1.sato", "consultant").await;
    let (center, user): (uuid::Uuid, uuid::Uuid) = (c.id.parse().unwrap(), user.parse().unwrap());
    let now = app.clock_now();
    let x = Consultation {
        id: uuid::Uuid::now_v7(),
        center_id: center,
        patient_id: None,
        occurred_at: now,
        channel: Channel::Phone,
        requester: Requester::Patient,
        topics: vec![Topic::Employment],
        duration_minutes: None,
        with_employment_supporter: false,
        summary: None,
        shoman_menu: None,
        shoman_requester: None,
        consultant_id: user,
        created_by: user,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let audit = AuditDraft::system(now, Action::ConsultationCreate)
        .center(Some(center))
        .resource(x.id);
    let (stored, sent) = tsunagu_store::db::capture_statements(|| {
        app.services.store().insert_consultation(&x, &audit)
    });
    stored.unwrap();
    if db == Db::Postgres {
        // Other tests run meanwhile: only the statements that carry this consultation.
        let id = x.id.to_string();
        let carrying: Vec<&String> = sent.iter().filter(|s| s.contains(&id)).collect();
        assert_eq!(carrying.len(), 1, "{carrying:#?}");
        assert!(carrying[0].starts_with("WITH l0 AS ("), "{}", carrying[0]);
        for part in [
            "INSERT INTO \"consultations\"",
            "INSERT INTO \"consultation_counts\"",
            "INSERT INTO \"audit_events\"",
            ") UPDATE \"audit_chain_head\"",
        ] {
            assert!(carrying[0].contains(part), "{part} in {}", carrying[0]);
        }
    }
    let back = app.services.store().consultation(center, x.id).unwrap();
    assert_eq!(back.map(|b| b.id), Some(x.id));
    let counted: i64 = diesel::sql_query(format!(
        "SELECT CAST(SUM(n) AS BIGINT) AS n FROM consultation_counts \
         WHERE center_id = '{center}' AND dim = 'total'"
    ))
    .get_result::<Count>(&mut app.db.raw())
    .unwrap()
    .n;
    assert_eq!(counted, 1);
    let own = events(&app, &c.id);
    let last = own.last().unwrap();
    assert_eq!(
        (
            last.record.action.as_str(),
            last.record.resource_id.as_deref()
        ),
        ("consultation.create", Some(x.id.to_string().as_str()))
    );
    assert_eq!(verdict(&app), (String::new(), None, "intact"));
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

db_tests!(
    events_appended_again_are_stored_once,
    a_new_consultation_goes_with_its_chain_head_in_one_statement,
    a_batch_of_events_goes_in_sixteen_rows_at_a_time,
    a_forged_event_with_a_recomputed_link_is_found,
    a_mid_chain_edit_rechained_without_the_key_is_found,
    truncation_and_a_wiped_chain_are_found,
    a_checkpoint_pins_every_chain_before_it,
    each_center_verifies_its_own_chain,
    a_single_chain_from_before_becomes_the_start_of_the_platform_chain,
);
