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
