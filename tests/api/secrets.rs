//! Issue 13.5: TOTP and webhook secrets are sealed at rest under the data key; sign-in and
//! webhook signing still work; `keys rotate` moves them to a new key; a database with sealed
//! secrets does not start without its key; plaintext left by an older version is sealed.

use crate::db_tests;
use crate::helpers::{Db, STAFF_PASSWORD, TEST_DATA_KEY, TestApp, spawn};
use diesel::RunQueryDsl;
use serde_json::json;
use tsunagu_domain::Clock;
use tsunagu_domain::auth::totp;
use tsunagu_domain::data_keys::{DataKeys, generate_key};
use tsunagu_server::DataKeySource;

#[derive(diesel::QueryableByName)]
struct Value {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    v: Option<String>,
}

fn raw(app: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<Value> = diesel::sql_query(sql).load(&mut app.db.raw()).unwrap();
    rows.into_iter().filter_map(|r| r.v).collect()
}

fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::base32_decode(secret).unwrap();
    let step = totp::step_at(app.clock.now().timestamp());
    format!("{:06}", totp::code(&bytes, step).unwrap())
}

/// The key this test's server started with: the PostgreSQL tests' key, or the key file made
/// beside the SQLite database on its first start.
fn first_key(app: &TestApp, db: Db) -> String {
    match db {
        Db::Postgres => TEST_DATA_KEY.to_owned(),
        Db::Sqlite => {
            let url = app.db.url();
            let path = format!("{}.key", url.trim_start_matches("sqlite://"));
            let text = std::fs::read_to_string(&path).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "the key file is its owner's only");
            }
            text.lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .unwrap()
                .trim()
                .to_owned()
        }
    }
}

fn key_id(b64: &str) -> String {
    DataKeys::from_base64(b64, &[])
        .unwrap()
        .current_id()
        .to_owned()
}

async fn secrets_are_sealed_at_rest_and_keys_rotate(db: Db) {
    let mut app = spawn(db).await;
    let c = app.center("c1").await;
    let (_, t) = app.staff(&c, "sato", "consultant").await;
    let e = app.post("/api/v1/me/totp", &t, json!({})).await.expect(200);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/me/totp/confirm",
        &t,
        json!({"code": code_now(&app, &secret)}),
    )
    .await
    .expect(200);
    let hook = app
        .post(
            "/api/v1/webhooks",
            &c.admin,
            json!({"url": "https://example.jp/hook", "events": ["patient.created"]}),
        )
        .await
        .expect(201);
    let whsec = hook.body["secret"].as_str().unwrap().to_owned();
    let whsec_body = whsec.trim_start_matches("whsec_").to_owned();

    let old = first_key(&app, db);
    let sealed_under = |app: &TestApp, key: &str| {
        let prefix = format!("enc:v1:{}:", key_id(key));
        let totp = raw(
            app,
            "SELECT totp_secret AS v FROM users WHERE login = 'sato'",
        );
        let hooks = raw(app, "SELECT secret AS v FROM webhooks");
        assert_eq!((totp.len(), hooks.len()), (1, 1));
        for v in totp.iter().chain(&hooks) {
            assert!(v.starts_with(&prefix), "{v} is not sealed under {prefix}");
            assert!(!v.contains(&secret) && !v.contains(&whsec_body), "{v}");
        }
    };
    sealed_under(&app, &old);

    // Rotate to a new key, the old one given as old.
    let new = generate_key();
    let mut cfg = app.config.clone();
    cfg.data_keys = DataKeySource::Env {
        current: new.clone(),
        old: vec![old.clone()],
    };
    let (n, id) = tsunagu_server::rotate_keys(&cfg).unwrap();
    assert_eq!(
        (n.old_key, n.plaintext, id.as_str()),
        (2, 0, key_id(&new).as_str())
    );
    sealed_under(&app, &new);
    let trail = app
        .get(
            "/api/v1/audit-events?action=data_keys.reseal",
            &app.admin_token,
        )
        .await
        .expect(200);
    assert_eq!(trail.body["items"][0]["resource_id"], key_id(&new));

    // Without the new key the server refuses to start, naming the key it lacks.
    let mut only_old = app.config.clone();
    only_old.data_keys = DataKeySource::Env {
        current: old.clone(),
        old: vec![],
    };
    let err = tsunagu_server::open_store(&only_old).err().unwrap();
    assert!(err.contains(&key_id(&new)), "{err}");
    // Without any key: SQLite does not make a fresh key over sealed secrets; PostgreSQL
    // always needs one.
    let mut none = app.config.clone();
    none.data_keys = DataKeySource::Unset;
    if db == Db::Sqlite {
        let url = app.db.url();
        std::fs::remove_file(format!("{}.key", url.trim_start_matches("sqlite://"))).unwrap();
    }
    let err = tsunagu_server::open_store(&none).err().unwrap();
    assert!(err.contains("TSUNAGU_DATA_KEY"), "{err}");

    // Plaintext left by an older version is sealed on start.
    diesel::sql_query(format!("UPDATE webhooks SET secret = '{whsec}'"))
        .execute(&mut app.db.raw())
        .unwrap();
    app.restart(|cfg| {
        cfg.data_keys = DataKeySource::Env {
            current: new.clone(),
            old: vec![],
        }
    })
    .await;
    sealed_under(&app, &new);

    // Sign-in with the second factor still works under the new key alone.
    app.clock.advance(chrono::Duration::seconds(60));
    let r = app
        .post_anon(
            "/api/v1/auth/login",
            json!({"login": "sato", "password": STAFF_PASSWORD, "totp": code_now(&app, &secret)}),
        )
        .await;
    r.expect(200);
}

db_tests!(secrets_are_sealed_at_rest_and_keys_rotate);
