//! Issue 13, faults to survive: backups. A backup taken while the server serves, restored
//! into a fresh database, holds every record it had, its audit chain verifies, and its
//! sealed secrets (TOTP, webhook) still open — the data key travelled (SQLite: the key file
//! beside the backup) or was kept (PostgreSQL: `TSUNAGU_DATA_KEY`). SQLite goes through
//! `tsunagu backup` / `tsunagu restore`; PostgreSQL through `pg_dump -Fc` / `pg_restore`
//! and the server's migrations, as the README says to.

use crate::helpers::{
    Db, STAFF_PASSWORD, TEST_DATA_KEY, TestApp, TestDb, pg_url_for_database, postgres_base_url,
    spawn, spawn_on,
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

/// The restored server answers every record as the first did, its chain verifies, and the
/// secrets sealed under the data key open with the key it has (`keys`).
async fn check_restored(restored: &TestApp, made: &Made, keys: &DataKeys) {
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
    assert!(v.body["checked"].as_i64().unwrap() > 20, "{}", v.body);
    let report = restored.services.audit_trail().verify_chain().unwrap();
    assert!(report.first_broken.is_none());

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

fn remove_with_companions(p: &std::path::Path) {
    for suffix in ["", ".key", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

#[actix_web::test]
async fn sqlite_backup_while_serving_and_restore_into_a_fresh_database() {
    let app = spawn(Db::Sqlite).await;
    let made = make_records(&app).await;
    let backup = temp_path("backup.db");

    // The backup is taken while the server serves.
    let report = tsunagu_server::backup::backup(&app.config, &backup).unwrap();
    assert!(backup.is_file());
    assert!(report.audit_seq > 20);
    let key_file = report.key_file.clone().expect("the key file travels");
    assert_eq!(
        key_file,
        std::path::PathBuf::from(format!("{}.key", backup.display()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key copy is its owner's only");
    }
    // It never overwrites a file.
    let err = tsunagu_server::backup::backup(&app.config, &backup).unwrap_err();
    assert!(err.contains("exists"), "{err}");
    // The live trail records that a copy was made.
    let live = app.audit_events();
    assert_eq!(live.last().unwrap().action, "database.backup");
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

    // A restore never replaces the database a server has open, even with --force.
    let err = tsunagu_server::backup::restore(&app.config, &backup, false).unwrap_err();
    assert!(err.contains("--force"), "{err}");
    let err = tsunagu_server::backup::restore(&app.config, &backup, true).unwrap_err();
    assert!(err.contains("open in another process"), "{err}");
    // A file that is not a Tsunagu database is refused, and nothing is left behind.
    let junk = temp_path("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let fresh = temp_path("restored.db");
    let cfg = crate::helpers::config(&format!("sqlite://{}", fresh.display()));
    let err = tsunagu_server::backup::restore(&cfg, &junk, false).unwrap_err();
    assert!(err.contains("not"), "{err}");
    assert!(!fresh.exists());
    remove_with_companions(&junk);

    // Into a fresh path: the database and its key file.
    let restored = tsunagu_server::backup::restore(&cfg, &backup, false).unwrap();
    assert_eq!(restored.database, fresh);
    assert_eq!(restored.audit_seq, report.audit_seq);
    let restored_key = std::fs::read_to_string(format!("{}.key", fresh.display())).unwrap();
    assert_eq!(restored_key, std::fs::read_to_string(&key_file).unwrap());
    // Restoring again over it needs --force.
    let err = tsunagu_server::backup::restore(&cfg, &backup, false).unwrap_err();
    assert!(err.contains("--force"), "{err}");

    // A second server on the restored database.
    let second = spawn_on(TestDb::Sqlite(fresh.clone()), |_| {}).await;
    let keys = DataKeys::from_file_text(&restored_key).unwrap();
    check_restored(&second, &made, &keys).await;
    let t = second.login("bk.ito", STAFF_PASSWORD).await;
    second
        .get(&format!("/api/v1/patients/{later}"), &t)
        .await
        .expect(404);
    // The restored trail ends with the restore, after the backup's events.
    let events = second.audit_events();
    let restore = events
        .iter()
        .find(|e| e.action == "database.restore")
        .expect("the restore is in the trail");
    assert!(
        restore
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("audit_seq=")
    );

    // A restore never replaces the database a server has open, even with --force.
    let err = tsunagu_server::backup::restore(&second.config, &backup, true).unwrap_err();
    assert!(err.contains("open in another process"), "{err}");
    drop(second);

    // With --force, a database no process has open is replaced and the old one kept aside.
    let other = temp_path("other.db");
    let other_cfg = crate::helpers::config(&format!("sqlite://{}", other.display()));
    tsunagu_server::backup::restore(&other_cfg, &backup, false).unwrap();
    let again = tsunagu_server::backup::restore(&other_cfg, &backup, true).unwrap();
    assert_eq!(again.kept_aside.len(), 1, "{:?}", again.kept_aside);
    for p in &again.kept_aside {
        assert!(p.is_file());
        let _ = std::fs::remove_file(p);
    }
    remove_with_companions(&other);
    remove_with_companions(&backup);
    remove_with_companions(&fresh);
}

#[actix_web::test]
async fn postgres_backup_is_explained_and_pg_dump_restores_into_a_fresh_database() {
    let app = spawn(Db::Postgres).await;
    // `tsunagu backup` and `restore` on PostgreSQL explain PostgreSQL's tools.
    let err = tsunagu_server::backup::backup(&app.config, &temp_path("pg.db")).unwrap_err();
    assert!(
        err.contains("pg_dump -Fc") && err.contains("pg_basebackup"),
        "{err}"
    );
    assert!(err.contains("TSUNAGU_DATA_KEY"), "{err}");
    let err = tsunagu_server::backup::restore(&app.config, &temp_path("pg.db"), true).unwrap_err();
    assert!(err.contains("pg_restore"), "{err}");

    // What the README says to do, with PostgreSQL's client tools (installed by `.ci/run`;
    // a missing tool fails the test rather than skipping it).
    let made = make_records(&app).await;
    let TestDb::Postgres { base, schema } = &app.db else {
        unreachable!()
    };
    let dump = temp_path("pg.dump");
    let out = std::process::Command::new("pg_dump")
        .args(["-Fc", "--no-owner", "-n", schema, "--file"])
        .arg(&dump)
        .arg(format!("--dbname={base}"))
        .output()
        .expect("pg_dump is needed for this test (postgresql-client)");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );

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
    let out = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "-d"])
        .arg(pg_url_for_database(base, &database))
        .arg(&dump)
        .output()
        .expect("pg_restore is needed for this test (postgresql-client)");
    let _ = std::fs::remove_file(&dump);
    assert!(
        out.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `tsunagu migrate` (the server applies pending migrations on start alike), then serve.
    tsunagu_server::open_store(&crate::helpers::config(&target.url())).unwrap();
    let second = spawn_on(target, |_| {}).await;
    let keys = DataKeys::from_base64(TEST_DATA_KEY, &[]).unwrap();
    check_restored(&second, &made, &keys).await;
}
