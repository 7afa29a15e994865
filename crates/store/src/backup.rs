//! The SQL behind `tsunagu backup` and `tsunagu restore`: an online, consistent copy of a
//! live SQLite database (`VACUUM INTO`), the checks a backup must pass before it is put in
//! place (a sound file, Tsunagu's schema, no migration this binary does not know), whether
//! a target already holds records or is open in another process, and the data keys a
//! restored database needs. The file handling around them (temporary names, fsync, the key
//! file, `pg_restore`) is the server's (`crates/server/src/backup.rs`).

use crate::db::{Backend, DbConn, Pool};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::collections::BTreeSet;
use std::path::Path;

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

fn count(c: &mut DbConn, sql: &str) -> Result<i64, String> {
    let rows: Vec<CountRow> = diesel::sql_query(sql).load(c).map_err(|e| e.to_string())?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// The newest audit event's sequence number (0 for an empty trail).
fn audit_head(c: &mut DbConn) -> Result<i64, String> {
    count(c, "SELECT COALESCE(MAX(seq), 0) AS n FROM audit_events")
}

/// Writes a transactionally consistent copy of the live SQLite database to `dest`, a file
/// that must not exist yet, while the server keeps serving: `VACUUM INTO` reads one
/// snapshot (WAL readers never block the writer) and writes a compact, self-contained file
/// (no `-wal` beside it). SQLite does not fsync the copy; the caller does. Answers the
/// sequence number of the newest audit event the copy holds, read from the copy itself.
pub fn sqlite_backup(pool: &Pool, dest: &Path) -> Result<i64, String> {
    let dest_str = utf8(dest)?;
    let mut c = pool.get().map_err(|e| e.to_string())?;
    if !matches!(&*c, DbConn::Sqlite(_)) {
        return Err("an online file backup is made of SQLite databases only".into());
    }
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(dest_str)
        .execute(&mut *c)
        .map_err(|e| e.to_string())?;
    let mut copy = open_sqlite(dest)?;
    audit_head(&mut copy).map_err(|e| format!("cannot read the copy: {e}"))
}

fn utf8(p: &Path) -> Result<&str, String> {
    p.to_str()
        .ok_or_else(|| format!("{} is not a valid UTF-8 path", p.display()))
}

/// A plain connection to a SQLite file, without the server's pragmas (a backup being
/// checked must not be switched to WAL before it passed).
fn open_sqlite(path: &Path) -> Result<DbConn, String> {
    let p = utf8(path)?;
    let c = diesel::sqlite::SqliteConnection::establish(p)
        .map_err(|e| format!("cannot open {p}: {e}"))?;
    Ok(DbConn::Sqlite(c))
}

/// What [`check_sqlite_backup`] found in a file about to be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// This binary's migrations the file has not applied (run on restore).
    pub pending: usize,
    /// The sequence number of its newest audit event.
    pub audit_seq: i64,
}

/// Checks that `path` is a sound Tsunagu SQLite database this binary can run: SQLite's
/// `integrity_check` passes, it has Tsunagu's tables and migration record, and its schema
/// is not newer than this binary's ([`schema_check`]).
pub fn check_sqlite_backup(path: &Path) -> Result<BackupCheck, String> {
    let not_tsunagu = |e: String| format!("{} is not a Tsunagu database: {e}", path.display());
    let mut c = open_sqlite(path)?;
    let problems: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
        .load::<IntegrityRow>(&mut c)
        .map_err(|e| not_tsunagu(e.to_string()))?
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
    let tables = count(
        &mut c,
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN \
         ('__diesel_schema_migrations', 'audit_events', 'audit_chain_head', 'patients', 'users')",
    )?;
    if tables != 5 {
        return Err(not_tsunagu("Tsunagu's tables are missing".into()));
    }
    let pending = schema_check(Backend::Sqlite, &applied_versions(&mut c)?)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(BackupCheck {
        pending,
        audit_seq: audit_head(&mut c)?,
    })
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

fn applied_versions(c: &mut DbConn) -> Result<Vec<String>, String> {
    let rows: Vec<TextRow> =
        diesel::sql_query("SELECT version AS v FROM __diesel_schema_migrations")
            .load(c)
            .map_err(|e| e.to_string())?;
    Ok(rows.into_iter().map(|r| r.v).collect())
}

/// Checks the migrations a backup has applied (`applied`, as `__diesel_schema_migrations`
/// holds them) against this binary's: one this binary does not know means the backup was
/// written by a newer version, whose schema this code must not run on. Answers how many of
/// this binary's migrations the backup lacks (applied on restore).
pub fn schema_check(backend: Backend, applied: &[String]) -> Result<usize, String> {
    if applied.is_empty() {
        return Err("it holds no Tsunagu migration: not a Tsunagu database".into());
    }
    let known = crate::db::migration_versions(backend)?;
    let unknown: Vec<&str> = applied
        .iter()
        .map(String::as_str)
        .filter(|v| !known.contains(*v))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "it was written by a newer Tsunagu (schema migration(s) {} are unknown to this \
             binary): restore it with that version or a later one",
            unknown.join(", ")
        ));
    }
    Ok(known.iter().filter(|v| !applied.contains(v)).count())
}

/// Whether the SQLite file at `path` holds anything a restore would lose: an audit event
/// (every stored change records one) or, in a file that is not a Tsunagu database, any
/// table. An empty file, or a migrated database nobody has used, holds nothing.
pub fn sqlite_holds_records(path: &Path) -> Result<bool, String> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return Ok(false);
    }
    let mut c = open_sqlite(path)?;
    let read = |e: String| format!("cannot read {}: {e}", path.display());
    let has_trail = count(
        &mut c,
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'",
    )
    .map_err(read)?;
    if has_trail == 1 {
        return Ok(count(&mut c, "SELECT COUNT(*) AS n FROM audit_events").map_err(read)? > 0);
    }
    Ok(count(
        &mut c,
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
    )
    .map_err(read)?
        > 0)
}

/// Whether the PostgreSQL database holds any table in the connection's schema. A restore
/// goes into an empty one only: `pg_restore` cannot make a database that already holds
/// tables equal to a dump (what the dump lacks would stay).
pub fn postgres_holds_tables(c: &mut DbConn) -> Result<bool, String> {
    Ok(count(
        c,
        "SELECT COUNT(*) AS n FROM information_schema.tables \
         WHERE table_schema = current_schema()",
    )? > 0)
}

/// The migrations recorded in a (just restored) PostgreSQL database; empty when it has no
/// migration table.
pub fn postgres_applied_versions(c: &mut DbConn) -> Result<Vec<String>, String> {
    let has = count(
        c,
        "SELECT COUNT(*) AS n FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = '__diesel_schema_migrations'",
    )?;
    if has == 0 {
        return Ok(Vec::new());
    }
    applied_versions(c)
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

/// Leaves a SQLite file (a restored copy no one else uses) self-contained, its WAL folded
/// in, so it can be moved into place without companions. Leaving WAL needs the file to
/// itself; a pool just closed may still finish opening a connection for a moment, so this
/// waits for it (up to 5 s).
pub fn sqlite_self_contained(path: &Path) -> Result<(), String> {
    let mut c = open_sqlite(path)?;
    let failed = |e: String| format!("cannot fold the WAL into {}: {e}", path.display());
    c.batch_execute("PRAGMA busy_timeout = 5000;")
        .map_err(|e| failed(e.to_string()))?;
    // Leaving WAL needs the only connection: one still closing (a pool's last) makes the
    // switch answer "locked" at once rather than wait, so that is retried like a refusal.
    for _ in 0..50 {
        let mode: Result<Vec<JournalRow>, _> =
            diesel::sql_query("PRAGMA journal_mode = DELETE").load(&mut c);
        match mode {
            Ok(m)
                if m.first()
                    .is_some_and(|m| m.journal_mode.eq_ignore_ascii_case("delete")) =>
            {
                return Ok(());
            }
            Ok(_) => {}
            Err(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => {}
            Err(e) => return Err(failed(e.to_string())),
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(failed("another connection keeps it open".into()))
}

/// The ids of the data keys a (migrated) database needs: those its sealed secrets are
/// sealed under, to open them, and those its audit events were chained under, to verify
/// the trail.
pub fn needed_key_ids(c: &mut DbConn) -> Result<BTreeSet<String>, String> {
    let mut ids = crate::sealed::sealed_key_ids(c).map_err(|e| e.to_string())?;
    let chained: Vec<TextRow> =
        diesel::sql_query("SELECT DISTINCT key_id AS v FROM audit_events WHERE key_id IS NOT NULL")
            .load(c)
            .map_err(|e| e.to_string())?;
    ids.extend(chained.into_iter().map(|r| r.v));
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_is_checked_against_this_binarys_migrations() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let known: Vec<String> = crate::db::migration_versions(backend)
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(schema_check(backend, &known), Ok(0));
            assert_eq!(schema_check(backend, &known[..1]), Ok(known.len() - 1));
            let mut newer = known.clone();
            newer.push("99991231000000".into());
            let err = schema_check(backend, &newer).unwrap_err();
            assert!(
                err.contains("newer") && err.contains("99991231000000"),
                "{err}"
            );
            assert!(schema_check(backend, &[]).is_err());
        }
    }
}
