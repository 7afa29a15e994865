//! The SQL behind `tsunagu backup` and `tsunagu restore` on SQLite: an online, consistent
//! copy of the live database (`VACUUM INTO`), the checks a file must pass before it is put
//! in place of the database, and whether another process has the database open. The file
//! handling around them (temporary names, fsync, the key file) is the server's
//! (`crates/server/src/backup.rs`).

use crate::db::{DbConn, Pool, write_tx};
use crate::error::StoreError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::collections::BTreeSet;
use std::path::Path;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::events::Action;

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    v: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The newest audit event's sequence number (0 for an empty trail).
fn audit_head(c: &mut DbConn) -> Result<i64, diesel::result::Error> {
    let rows: Vec<CountRow> =
        diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS n FROM audit_events").load(c)?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// Writes a transactionally consistent copy of the live SQLite database to `dest`, a file
/// that must not exist yet, while the server keeps serving: `VACUUM INTO` reads one
/// snapshot (WAL readers never block the writer) and writes a compact, self-contained file
/// (no `-wal` beside it). SQLite does not fsync the copy; the caller does. Answers the
/// sequence number of the newest audit event the copy holds, and records the backup in the
/// live trail (every record leaving the database is an access to it).
pub fn sqlite_backup(pool: &Pool, dest: &Path, detail: &str) -> Result<i64, String> {
    let dest_str = dest
        .to_str()
        .ok_or_else(|| format!("{} is not a valid UTF-8 path", dest.display()))?;
    let mut c = pool.get().map_err(|e| e.to_string())?;
    if !matches!(&*c, DbConn::Sqlite(_)) {
        return Err("an online file backup is made of SQLite databases only".into());
    }
    // VACUUM refuses to run inside a transaction, so the copy is its own snapshot, and the
    // head is read from the copy: it names exactly what the copy holds.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(dest_str)
        .execute(&mut *c)
        .map_err(|e| e.to_string())?;
    let head = open_sqlite(dest)
        .and_then(|mut copy| audit_head(&mut copy).map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot read the copy: {e}"))?;
    let ev = AuditDraft::system(chrono::Utc::now(), Action::DatabaseBackup)
        .resource("database")
        .detail(format!("{detail}; audit_seq={head}"));
    write_tx(&mut c, |c| crate::audit::append_event(c, &ev)).map_err(store_message)?;
    Ok(head)
}

fn store_message(e: StoreError) -> String {
    match e {
        StoreError::Query(q) => q.to_string(),
        StoreError::Domain(d) => format!("{d:?}"),
    }
}

/// A plain connection to a SQLite file, without the server's pragmas (a backup being
/// checked must not be switched to WAL before it passed).
fn open_sqlite(path: &Path) -> Result<DbConn, String> {
    let p = path
        .to_str()
        .ok_or_else(|| format!("{} is not a valid UTF-8 path", path.display()))?;
    let c = diesel::sqlite::SqliteConnection::establish(p)
        .map_err(|e| format!("cannot open {p}: {e}"))?;
    Ok(DbConn::Sqlite(c))
}

/// What [`check_sqlite_backup`] found in a file about to be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// Migrations the file has applied.
    pub applied: usize,
    /// This binary's migrations it has not (run on restore).
    pub pending: usize,
    /// The sequence number of its newest audit event.
    pub audit_seq: i64,
    /// The data keys its sealed secrets need.
    pub key_ids: BTreeSet<String>,
}

/// Checks that `path` is a sound Tsunagu SQLite database this binary can run: SQLite's
/// `integrity_check` passes, it has Tsunagu's tables and migration record, and every
/// migration it has applied is one of this binary's (a file from a newer version is
/// refused rather than run by code that does not know its schema).
pub fn check_sqlite_backup(path: &Path) -> Result<BackupCheck, String> {
    let mut c = open_sqlite(path)?;
    let problems: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
        .load::<IntegrityRow>(&mut c)
        .map_err(|e| format!("{} is not a readable SQLite database: {e}", path.display()))?
        .into_iter()
        .map(|r| r.integrity_check)
        .filter(|v| v != "ok")
        .collect();
    if !problems.is_empty() {
        let first: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
        return Err(format!(
            "{} fails SQLite's integrity check: {}",
            path.display(),
            first.join("; ")
        ));
    }
    let tables: Vec<CountRow> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN \
         ('__diesel_schema_migrations', 'audit_events', 'audit_chain_head', 'patients', 'users')",
    )
    .load(&mut c)
    .map_err(|e| e.to_string())?;
    if tables.first().map_or(0, |r| r.n) != 5 {
        return Err(format!("{} is not a Tsunagu database", path.display()));
    }
    let applied: Vec<TextRow> =
        diesel::sql_query("SELECT version AS v FROM __diesel_schema_migrations")
            .load(&mut c)
            .map_err(|e| e.to_string())?;
    let known = crate::db::sqlite_migration_versions()?;
    let unknown: Vec<&str> = applied
        .iter()
        .map(|r| r.v.as_str())
        .filter(|v| !known.contains(*v))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "{} was written by a newer Tsunagu (migration(s) {} are unknown to this binary): \
             restore it with that version or a later one",
            path.display(),
            unknown.join(", ")
        ));
    }
    let applied_set: BTreeSet<&str> = applied.iter().map(|r| r.v.as_str()).collect();
    let pending = known
        .iter()
        .filter(|v| !applied_set.contains(v.as_str()))
        .count();
    let audit_seq = audit_head(&mut c).map_err(|e| e.to_string())?;
    let key_ids = crate::sealed::sealed_key_ids(&mut c).map_err(|e| e.to_string())?;
    Ok(BackupCheck {
        applied: applied.len(),
        pending,
        audit_seq,
        key_ids,
    })
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Whether another connection (a running server) has the SQLite database at `path` open.
/// Leaving WAL mode needs the database to itself: SQLite keeps WAL (and answers `wal`)
/// while any other connection is open, without waiting. When nobody is, this also folds
/// the WAL into the file, so no `-wal` is left to be replayed onto a replacement.
pub fn sqlite_in_use(path: &Path) -> Result<bool, String> {
    let mut c = open_sqlite(path)?;
    c.batch_execute("PRAGMA busy_timeout = 0;")
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match diesel::sql_query("PRAGMA journal_mode = DELETE").load::<JournalRow>(&mut c) {
        Ok(mode) => Ok(mode
            .first()
            .is_none_or(|m| !m.journal_mode.eq_ignore_ascii_case("delete"))),
        // Locked or busy: someone holds it.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("locked") || info.message().contains("busy") =>
        {
            Ok(true)
        }
        Err(e) => Err(format!("cannot open {}: {e}", path.display())),
    }
}

#[derive(QueryableByName)]
struct JournalRow {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

/// Prepares a restored copy to be moved into place: applies this binary's pending
/// migrations, records the restore in its trail, and leaves it one self-contained file
/// (the WAL folded in). `detail` says where it came from.
pub fn finish_sqlite_restore(path: &Path, detail: &str) -> Result<Vec<String>, String> {
    let mut c = open_sqlite(path)?;
    c.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .map_err(|e| e.to_string())?;
    let applied = crate::db::run_migrations(&mut c)?;
    let ev = AuditDraft::system(chrono::Utc::now(), Action::DatabaseRestore)
        .resource("database")
        .detail(detail.to_owned());
    write_tx(&mut c, |c| crate::audit::append_event(c, &ev)).map_err(store_message)?;
    c.batch_execute("PRAGMA journal_mode = DELETE;")
        .map_err(|e| e.to_string())?;
    Ok(applied)
}
