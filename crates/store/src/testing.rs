//! For the store's unit tests: a migrated in-memory SQLite database that keeps the text of
//! every statement it is sent.

use crate::db::DbConn;
use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use std::sync::{Arc, Mutex};

/// The database and the statements sent to it so far. Foreign keys are off, so a test
/// writes only the rows it is about.
pub(crate) fn memory_db() -> (DbConn, Arc<Mutex<Vec<String>>>) {
    let mut c = DbConn::Sqlite(
        diesel::sqlite::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
    );
    crate::db::run_migrations(&mut c).expect("migrations");
    diesel::sql_query("PRAGMA foreign_keys = OFF")
        .execute(&mut c)
        .expect("pragma");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    c.set_instrumentation(move |e: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = e {
            log.lock().expect("log").push(query.to_string());
        }
    });
    (c, seen)
}

/// The statements sent since the last call (and forgets them).
pub(crate) fn sent(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    std::mem::take(&mut *seen.lock().expect("log"))
}

/// A fresh, migrated PostgreSQL database on the server the API tests use
/// (`TSUNAGU_TEST_POSTGRES_URL`), dropped with the guard, and the statements sent to it;
/// connected as the store connects.
pub(crate) fn pg_db() -> (DbConn, Arc<Mutex<Vec<String>>>, DropDatabase) {
    use diesel::connection::SimpleConnection;
    let url = std::env::var("TSUNAGU_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("tsunagu_store_unit_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::establish(&url).expect("PostgreSQL for the tests");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("database");
    let (base, _) = url.rsplit_once('/').expect("a database in the URL");
    // As the server connects (its session settings included).
    let url = crate::db::DatabaseUrl::parse(&format!("{base}/{name}"));
    let mut c = r2d2::ManageConnection::connect(&crate::db::Manager::new(url)).expect("connect");
    crate::db::run_migrations(&mut c).expect("migrations");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    c.set_instrumentation(move |e: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = e {
            log.lock().expect("log").push(query.to_string());
        }
    });
    (c, seen, DropDatabase { admin, name })
}

/// Drops the test's database, closing what is still connected to it.
pub(crate) struct DropDatabase {
    admin: PgConnection,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        let _ = self.admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}
