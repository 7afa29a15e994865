//! Issue 13, faults to survive: backups. A backup taken while the server serves, restored
//! into a fresh database, holds every record it had, its audit chain verifies, and its
//! sealed secrets (TOTP, webhook) still open — the data key travelled (SQLite: the key file
//! beside the backup) or was kept (PostgreSQL: `TSUNAGU_DATA_KEY`). SQLite goes through
//! `tsunagu backup` / `tsunagu restore`; PostgreSQL through `pg_dump -Fc` and
//! `tsunagu restore` (which runs `pg_restore`), as the README says to. Both restores keep
//! the backup's trail event for event and record `database.restore` right after it.

use crate::helpers::{
    Db, STAFF_PASSWORD, TEST_DATA_KEY, TestApp, TestDb, postgres_base_url, spawn, spawn_on,
};
use diesel::RunQueryDsl;
use serde_json::{Value, json};
use tsunagu_domain::Clock;
use tsunagu_domain::auth::totp;
use tsunagu_domain::data_keys::DataKeys;

fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::base32_decode(secret).unwrap();
    let step = totp::step_at(app.clock.now().timestamp());
    format!("{:06}", totp::code(&bytes, step).unwrap())
}

/// What the first server made, as it answered it.
struct Made {
    /// (path, the GET answer's body, its ETag)
    records: Vec<(String, Value, String)>,
    totp_secret: String,
    webhook_id: String,
    webhook_secret: String,
}

async fn make_records(app: &TestApp) -> Made {
    let c = app.center("bk").await;
    let (_, t) = app.staff(&c, "bk.ito", "consultant").await;
    app.staff(&c, "bk.suzuki", "supervisor").await;
    // A consultant with a second factor: the sealed TOTP secret must open after restore.
    let (_, sato) = app.staff(&c, "bk.sato", "consultant").await;
    let e = app
        .post("/api/v1/me/totp", &sato, json!({}))
        .await
        .expect(200);
    let totp_secret = e.body["secret"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/me/totp/confirm",
        &sato,
        json!({"code": code_now(app, &totp_secret)}),
    )
    .await
    .expect(200);
    let hook = app
        .post(
            "/api/v1/webhooks",
            &c.admin,
            json!({"url": "https://example.jp/hook", "events": ["referral.closed"]}),
        )
        .await
        .expect(201);
    let webhook_id = hook.id();
    let webhook_secret = hook.body["secret"].as_str().unwrap().to_owned();

    let agency = app.agency(&c, "hello_work", "ハローワーク広島").await;
    let pid = app
        .post(
            "/api/v1/patients",
            &t,
            json!({"family_name": "山田", "given_name": "花子",
                   "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
                   "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
                   "employment_status": "job_seeking", "support_awareness": "aware_not_used",
                   "prefecture_code": "34", "municipality_code": "342106"}),
        )
        .await
        .expect(201)
        .id();
    let consent = app
        .post(
            &format!("/api/v1/patients/{pid}/consents"),
            &t,
            json!({"given_on": "2026-05-20", "scope": "employment_agencies"}),
        )
        .await
        .expect(201)
        .id();
    let consultation = app
        .post(
            "/api/v1/consultations",
            &t,
            json!({"patient_id": pid, "channel": "in_person", "requester": "patient",
                   "topics": ["employment"], "duration_minutes": 30, "summary": "就労の相談"}),
        )
        .await
        .expect(201)
        .id();
    let referral = app
        .post(
            "/api/v1/referrals",
            &t,
            json!({"patient_id": pid, "consultation_id": consultation, "agency_id": agency,
                   "purpose": "new_employment", "level": "accompanied_with_follow_up",
                   "referred_on": "2026-06-01", "shared_items": ["name", "contact"]}),
        )
        .await
        .expect(201)
        .id();
    let fus = app
        .get(&format!("/api/v1/referrals/{referral}/follow-ups"), &t)
        .await
        .expect(200);
    let follow_up = fus.body["items"][0]["id"].as_str().unwrap().to_owned();

    let mut records = Vec::new();
    for path in [
        format!("/api/v1/patients/{pid}"),
        format!("/api/v1/consents/{consent}"),
        format!("/api/v1/consultations/{consultation}"),
        format!("/api/v1/referrals/{referral}"),
        format!("/api/v1/follow-ups/{follow_up}"),
        format!("/api/v1/agencies/{agency}"),
    ] {
        let r = app.get(&path, &t).await.expect(200);
        let etag = r.etag();
        records.push((path, r.body, etag));
    }
    Made {
        records,
        totp_secret,
        webhook_id,
        webhook_secret,
    }
}

/// The trail as (seq, hash), every chain in the global order, straight from the store.
fn chain(app: &TestApp) -> Vec<(i64, String)> {
    assert!(
        app.services
            .flush_access_log(std::time::Duration::from_secs(10))
    );
    app.trail().into_iter().map(|e| (e.seq, e.hash)).collect()
}

/// The restored server holds the backup's trail event for event (`live` up to `audit_seq`)
/// and then the restore; it answers every record as the first did, its chain verifies, and
/// the secrets sealed under the data key open with the key it has (`keys`).
async fn check_restored(
    restored: &TestApp,
    made: &Made,
    live: &[(i64, String)],
    audit_seq: i64,
    keys: &DataKeys,
) {
    let backed_up: Vec<_> = live.iter().filter(|(s, _)| *s <= audit_seq).collect();
    assert_eq!(
        backed_up.len() as i64,
        audit_seq,
        "the live trail has no gap"
    );
    let events = restored.audit_events();
    let trail = chain(restored);
    assert_eq!(
        trail.iter().take(backed_up.len()).collect::<Vec<_>>(),
        backed_up,
        "every event of the backup, unchanged"
    );
    let restore = &events[audit_seq as usize];
    assert_eq!(
        restore.action, "database.restore",
        "right after the backup's last event"
    );
    let detail = restore.detail.as_deref().unwrap_or("");
    assert!(
        detail.contains(&format!("audit_seq={audit_seq};")),
        "{detail}"
    );

    let t = restored.login("bk.ito", STAFF_PASSWORD).await;
    for (path, body, etag) in &made.records {
        let r = restored.get(path, &t).await.expect(200);
        assert_eq!(&r.body, body, "{path} differs after restore");
        assert_eq!(&r.etag(), etag, "{path}");
    }
    let sup = restored.login("bk.suzuki", STAFF_PASSWORD).await;
    let v = restored
        .get("/api/v1/audit-events/verify", &sup)
        .await
        .expect(200);
    assert_eq!(v.body["valid"], true, "{}", v.body);
    // The supervisor walks their center's chain; every chain, the restore event included:
    let all = restored.services.audit_trail().verify_chain().unwrap();
    assert_eq!(all.first_broken, None);
    assert!(all.checked > audit_seq, "{all:?}");

    // The TOTP secret opens: sign-in with the second factor works on the restored server
    // (a step later: the code used to confirm is not accepted twice).
    restored.clock.advance(chrono::Duration::seconds(60));
    restored
        .post_anon(
            "/api/v1/auth/login",
            json!({"login": "bk.sato", "password": STAFF_PASSWORD,
                   "totp": code_now(restored, &made.totp_secret)}),
        )
        .await
        .expect(200);
    // The webhook's signing secret opens with the key the restored database has.
    #[derive(diesel::QueryableByName)]
    struct Secret {
        #[diesel(sql_type = diesel::sql_types::Text)]
        secret: String,
    }
    let rows: Vec<Secret> = diesel::sql_query(format!(
        "SELECT secret FROM webhooks WHERE id = '{}'",
        made.webhook_id
    ))
    .load(&mut restored.db.raw())
    .unwrap();
    assert!(rows[0].secret.starts_with("enc:v1:"), "sealed at rest");
    let opened = keys
        .open(
            &format!("webhooks.secret:{}", made.webhook_id),
            &rows[0].secret,
        )
        .unwrap();
    assert_eq!(opened, made.webhook_secret);
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tsunagu-{}-{name}", uuid::Uuid::now_v7().simple()))
}

/// A copy of a backup and its key file, to be spoilt; removed when dropped.
fn copy_of(backup: &std::path::Path, name: &str) -> TestDb {
    let copy = temp_path(name);
    std::fs::copy(backup, &copy).unwrap();
    std::fs::copy(
        format!("{}.key", backup.display()),
        format!("{}.key", copy.display()),
    )
    .unwrap();
    TestDb::Sqlite(copy)
}

fn sqlite_config(path: &std::path::Path) -> tsunagu_server::Config {
    crate::helpers::config(&format!("sqlite://{}", path.display()))
}

#[actix_web::test]
async fn sqlite_backup_while_serving_and_restore_into_a_fresh_database() {
    let app = spawn(Db::Sqlite).await;
    let made = make_records(&app).await;
    let backup = TestDb::Sqlite(temp_path("backup.db"));
    let TestDb::Sqlite(backup_path) = &backup else {
        unreachable!()
    };

    // The backup is taken while the server serves (the reads' access events made durable
    // first, so the live trail continues with the backup's own event).
    app.audit_events();
    let report = tsunagu_server::backup::backup(&app.config, backup_path).unwrap();
    assert!(backup_path.is_file());
    assert!(report.audit_seq > 20);
    let key_file = report.key_file.clone().expect("the key file travels");
    assert_eq!(
        key_file,
        std::path::PathBuf::from(format!("{}.key", backup_path.display()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key copy is its owner's only");
    }
    // It never overwrites a file.
    let err = tsunagu_server::backup::backup(&app.config, backup_path).unwrap_err();
    assert!(err.contains("exists"), "{err}");
    // The live trail records that a copy was made, right after the copy's last event.
    let live = app.audit_events();
    let backed = &live[report.audit_seq as usize];
    assert_eq!(backed.action, "database.backup");
    // A record made after the backup is not in it.
    let ito = app.login("bk.ito", STAFF_PASSWORD).await;
    let later = app
        .post(
            "/api/v1/patients",
            &ito,
            json!({"family_name": "後藤", "given_name": "次郎",
                   "family_name_kana": "ゴトウ", "given_name_kana": "ジロウ",
                   "birth_date": "1990-01-01", "program": "nanbyo", "disease_number": 2,
                   "employment_status": "job_seeking", "support_awareness": "aware_not_used",
                   "prefecture_code": "34", "municipality_code": "342106"}),
        )
        .await
        .expect(201)
        .id();
    let live_chain = chain(&app);

    // A database holding records is replaced only with --force, and never while a server
    // has it open.
    let err = tsunagu_server::backup::restore(&app.config, backup_path, false).unwrap_err();
    assert!(err.contains("--force"), "{err}");
    let err = tsunagu_server::backup::restore(&app.config, backup_path, true).unwrap_err();
    assert!(err.contains("open in another process"), "{err}");

    // Refused, leaving nothing behind: a file that is not a Tsunagu database; a backup
    // from a newer schema; one whose trail was edited; one without its data key.
    let fresh = TestDb::Sqlite(temp_path("restored.db"));
    let TestDb::Sqlite(fresh_path) = &fresh else {
        unreachable!()
    };
    let cfg = sqlite_config(fresh_path);
    let junk = temp_path("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let err = tsunagu_server::backup::restore(&cfg, &junk, false).unwrap_err();
    let _ = std::fs::remove_file(&junk);
    assert!(err.contains("not a Tsunagu database"), "{err}");

    let newer = copy_of(backup_path, "newer.db");
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('99991231000000')")
        .execute(&mut newer.raw())
        .unwrap();
    let TestDb::Sqlite(newer_path) = &newer else {
        unreachable!()
    };
    let err = tsunagu_server::backup::restore(&cfg, newer_path, false).unwrap_err();
    assert!(
        err.contains("newer Tsunagu") && err.contains("99991231000000"),
        "{err}"
    );

    let edited = copy_of(backup_path, "edited.db");
    {
        use diesel::connection::SimpleConnection;
        // As a superuser can: lift the append-only trigger, then edit an event.
        edited
            .raw()
            .batch_execute(
                "DROP TRIGGER audit_events_no_update;
                 UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 5;",
            )
            .unwrap();
    }
    let TestDb::Sqlite(edited_path) = &edited else {
        unreachable!()
    };
    let err = tsunagu_server::backup::restore(&cfg, edited_path, false).unwrap_err();
    assert!(
        err.contains("does not verify") && err.contains("content_changed"),
        "{err}"
    );

    let keyless = copy_of(backup_path, "keyless.db");
    let TestDb::Sqlite(keyless_path) = &keyless else {
        unreachable!()
    };
    std::fs::remove_file(format!("{}.key", keyless_path.display())).unwrap();
    let err = tsunagu_server::backup::restore(&cfg, keyless_path, false).unwrap_err();
    assert!(err.contains("no data key"), "{err}");
    assert!(!fresh_path.exists(), "a refused restore leaves nothing");
    let dir: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(&*fresh_path.file_name().unwrap().to_string_lossy()))
        .collect();
    assert!(dir.is_empty(), "no temporary file left: {dir:?}");

    // Into a fresh path: the database and its key file.
    let restored = tsunagu_server::backup::restore(&cfg, backup_path, false).unwrap();
    assert_eq!(restored.database.as_ref(), Some(fresh_path));
    assert_eq!(restored.audit_seq, report.audit_seq);
    let restored_key = std::fs::read_to_string(format!("{}.key", fresh_path.display())).unwrap();
    assert_eq!(restored_key, std::fs::read_to_string(&key_file).unwrap());
    // Restoring again over it needs --force.
    let err = tsunagu_server::backup::restore(&cfg, backup_path, false).unwrap_err();
    assert!(err.contains("--force"), "{err}");

    // A second server on the restored database.
    let second = spawn_on(fresh, |_| {}).await;
    let keys = DataKeys::from_file_text(&restored_key).unwrap();
    check_restored(&second, &made, &live_chain, report.audit_seq, &keys).await;
    let t = second.login("bk.ito", STAFF_PASSWORD).await;
    second
        .get(&format!("/api/v1/patients/{later}"), &t)
        .await
        .expect(404);
    drop(second);

    // With --force, a database no process has open is replaced and the old one kept aside.
    let other = TestDb::Sqlite(temp_path("other.db"));
    let TestDb::Sqlite(other_path) = &other else {
        unreachable!()
    };
    let other_cfg = sqlite_config(other_path);
    tsunagu_server::backup::restore(&other_cfg, backup_path, false).unwrap();
    let again = tsunagu_server::backup::restore(&other_cfg, backup_path, true).unwrap();
    assert_eq!(again.kept_aside.len(), 1, "{:?}", again.kept_aside);
    for p in &again.kept_aside {
        assert!(p.is_file());
        let _ = std::fs::remove_file(p);
    }
}

#[actix_web::test]
async fn postgres_pg_dump_restores_into_a_fresh_database() {
    let app = spawn(Db::Postgres).await;
    // `tsunagu backup` on PostgreSQL explains PostgreSQL's tools.
    let err = tsunagu_server::backup::backup(&app.config, &temp_path("pg.db")).unwrap_err();
    assert!(
        err.contains("pg_dump -Fc") && err.contains("pg_basebackup"),
        "{err}"
    );
    assert!(err.contains("TSUNAGU_DATA_KEY"), "{err}");

    // What the README says to do, with PostgreSQL's client tools (installed by `.ci/run`;
    // a missing tool fails the test rather than skipping it). The test's database is shared
    // by the tests' schemas, so the dump takes this test's schema only.
    let made = make_records(&app).await;
    let TestDb::Postgres { base, schema } = &app.db else {
        unreachable!()
    };
    let pg_dump = |file: &std::path::Path| {
        let out = std::process::Command::new("pg_dump")
            .args(["-Fc", "-n", schema, "--file"])
            .arg(file)
            .arg(format!("--dbname={base}"))
            .output()
            .expect("pg_dump is needed for this test (postgresql-client)");
        assert!(
            out.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let live_chain = chain(&app);
    let audit_seq = live_chain.last().unwrap().0;
    let dump = temp_path("pg.dump");
    pg_dump(&dump);

    // The same dump with one migration this binary does not know.
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('99991231000000')")
        .execute(&mut app.db.raw())
        .unwrap();
    let newer = temp_path("newer.dump");
    pg_dump(&newer);

    let database = format!("r_{}", uuid::Uuid::now_v7().simple());
    {
        use diesel::Connection;
        let mut c = diesel::pg::PgConnection::establish(&postgres_base_url()).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {database}"))
            .execute(&mut c)
            .unwrap();
    }
    let target = TestDb::PgDatabase {
        base: base.clone(),
        database: database.clone(),
        schema: schema.clone(),
    };
    let cfg = crate::helpers::config(&target.url());
    // Refused before anything is loaded: a dump of a newer schema, a database with tables.
    let err = tsunagu_server::backup::restore(&cfg, &newer, false).unwrap_err();
    let _ = std::fs::remove_file(&newer);
    assert!(
        err.contains("newer Tsunagu") && err.contains("99991231000000"),
        "{err}"
    );
    let err = tsunagu_server::backup::restore(&app.config, &dump, true).unwrap_err();
    assert!(err.contains("holds tables"), "{err}");

    let restored = tsunagu_server::backup::restore(&cfg, &dump, false);
    let _ = std::fs::remove_file(&dump);
    let restored = restored.unwrap();
    assert_eq!(restored.audit_seq, audit_seq);
    assert!(restored.migrated.is_empty(), "{:?}", restored.migrated);

    let second = spawn_on(target, |_| {}).await;
    let keys = DataKeys::from_base64(TEST_DATA_KEY, &[]).unwrap();
    check_restored(&second, &made, &live_chain, audit_seq, &keys).await;
}
