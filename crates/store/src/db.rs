//! Connections: one diesel `MultiConnection` over PostgreSQL and SQLite, an r2d2 manager that
//! picks the backend from the URL (so a PostgreSQL outage is reported as such, not hidden
//! behind a failed SQLite attempt), the SQLite pragmas a server needs, and write transactions.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Where the data lives, parsed from `TSUNAGU_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What diesel's `establish` takes: the URL for PostgreSQL, a file path or `file:` URI for SQLite.
    target: String,
}

impl DatabaseUrl {
    /// `postgres://…`/`postgresql://…`, or `sqlite://PATH`, `sqlite:PATH`, or a bare path.
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            };
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        }
    }

    /// The SQLite database file, when the URL names one (not `:memory:` or a `file:` URI).
    pub fn sqlite_file(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite
            && !self.target.starts_with(':')
            && !self.target.starts_with("file:"))
        .then_some(self.target.as_str())
    }

    /// The URL without a password, for logs.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => match (self.target.find("://"), self.target.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let userinfo = &self.target[s + 3..at];
                    let user = userinfo.split(':').next().unwrap_or("");
                    format!("{}{user}:***{}", &self.target[..s + 3], &self.target[at..])
                }
                _ => self.target.clone(),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    limits: SessionLimits,
}

impl Manager {
    /// A manager whose PostgreSQL sessions have the default [`SessionLimits`].
    pub fn new(url: DatabaseUrl) -> Self {
        Self::with_limits(url, SessionLimits::default())
    }

    pub fn with_limits(url: DatabaseUrl, limits: SessionLimits) -> Self {
        Self { url, limits }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match self.url.backend {
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                c.batch_execute(&self.limits.session_settings())
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Pg(c))
            }
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.url.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; FULL sync makes a commit durable
                // before we answer 2xx (NORMAL can lose the last commits on power loss);
                // the busy timeout makes concurrent writers wait instead of failing. It comes
                // first: two connections switching a file that is not yet in WAL mode (a new
                // or restored database) would otherwise fail with "database is locked".
                c.batch_execute(&format!("PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", SQLITE_BUSY_TIMEOUT.as_millis()))
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A connection left inside a transaction (a panic mid-way) must not be reused.
        !matches!(
            <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
                .transaction_depth(),
            Ok(None)
        )
    }
}

/// How long PostgreSQL lets one of this process's sessions wait, so that no request waits
/// for ever: a statement (`statement_timeout`, its lock waits included), a lock
/// (`lock_timeout`: a row held by a stuck transaction, an operator's `LOCK TABLE`, a
/// migration of another replica), and a transaction left open and idle
/// (`idle_in_transaction_session_timeout`: PostgreSQL ends the session of a client that
/// stopped mid-transaction, so its locks do not hold up every other replica). A statement
/// cut off this way answers 503 `unavailable` with `Retry-After`, and its transaction is
/// rolled back (`crate::error::query_error`). Zero turns a limit off. Migrations run
/// without the statement limit (`run_migrations`): building an index on a large table may
/// take minutes. SQLite waits for a lock at most `SQLITE_BUSY_TIMEOUT` and has no other
/// waits to bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub statement: Duration,
    pub lock: Duration,
    pub idle_in_transaction: Duration,
}

impl Default for SessionLimits {
    /// Far above any request's statements (a report over 100,000 patients takes some 35 ms,
    /// exports and verifications go in pages), and below the minute after which a reverse
    /// proxy or a person gives up.
    fn default() -> Self {
        Self {
            statement: Duration::from_secs(30),
            lock: Duration::from_secs(10),
            idle_in_transaction: Duration::from_secs(60),
        }
    }
}

impl SessionLimits {
    /// Set on every PostgreSQL connection this process makes: the limits, and
    /// `plan_cache_mode = force_generic_plan`: each statement is planned once per connection
    /// and its plan reused, whatever the values bound. By default PostgreSQL plans a prepared
    /// statement again on every execution for as long as a plan made for the values looks
    /// cheaper than the generic one, which skewed statistics make so for good: a patient with
    /// few consultations among patients with many looks cheaper to read than the average. Every
    /// statement here names its center and its record's key, on indexes that start with them,
    /// so the plan does not change with the values, and planning again is pure cost — most of
    /// all for a join (measured: PostgreSQL's CPU per timeline, whose reads are joined to save
    /// round trips, 1.05 → 0.69 ms; `deploy/benchmarks-history.md`).
    fn session_settings(&self) -> String {
        let ms = |d: Duration| d.as_millis();
        format!(
            "SET plan_cache_mode = force_generic_plan; SET statement_timeout = {}; \
             SET lock_timeout = {}; SET idle_in_transaction_session_timeout = {}",
            ms(self.statement),
            ms(self.lock),
            ms(self.idle_in_transaction)
        )
    }
}

/// How long a SQLite writer waits for the one before it, in SQLite's busy handler or for
/// its turn in this process (`DieselStore::writer_turn`).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Statements sent to the database by this process (every connection, every pool).
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// How many statements this process has sent to the database: `/metrics` shows it, and
/// `bench http` divides it by requests, so a change that adds a round trip per request
/// shows in the figures as what it is.
pub fn statements_sent() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// Whether statements are being captured (`capture_statements`); read on every statement,
/// so it is a plain flag beside the list.
static CAPTURING: AtomicBool = AtomicBool::new(false);
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Counts each statement as diesel sends it (an atomic add), and while `capture_statements`
/// runs, keeps its text with its bind values.
fn counting() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
            if CAPTURING.load(Ordering::Relaxed)
                && let Ok(mut captured) = CAPTURED.lock()
            {
                captured.push(query.to_string());
            }
        }
    }))
}

/// Runs `f` and answers the statements this process sent meanwhile (from every thread, so
/// a group commit's insert is among them), each as diesel shows it: the SQL, then
/// ` -- binds: [...]` with the bind values as Rust shows them. For `bench http`, which
/// replays one request's statements with pgbench (the database's own ceiling for the same
/// SQL); run it while nothing else uses the store.
pub fn capture_statements<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    if let Ok(mut captured) = CAPTURED.lock() {
        captured.clear();
    }
    CAPTURING.store(true, Ordering::SeqCst);
    let out = f();
    CAPTURING.store(false, Ordering::SeqCst);
    let captured = CAPTURED
        .lock()
        .map(|mut c| std::mem::take(&mut *c))
        .unwrap_or_default();
    (out, captured)
}

/// Marks a connection unusable, so the pool drops it instead of handing it out again.
pub(crate) fn mark_broken(conn: &mut DbConn) {
    <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn).set_in_error();
}

/// The pool size: about two connections per core. Measured here, more than ~4 per core
/// made p99 latency explode, and a SQLite file has one writer anyway.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores * 2).unwrap_or(8).clamp(2, 32)
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: r2d2::Error },
    #[error("cannot migrate the database at {url}: {message}")]
    Migrate { url: String, message: String },
}

/// Opens the pool, failing fast with a clear message when the database cannot be reached.
pub fn open_pool(url: &DatabaseUrl, size: u32) -> Result<Pool, OpenError> {
    open_pool_limited(url, size, SessionLimits::default())
}

/// [`open_pool`] with the operator's [`SessionLimits`].
pub fn open_pool_limited(
    url: &DatabaseUrl,
    size: u32,
    limits: SessionLimits,
) -> Result<Pool, OpenError> {
    pool_keeping(url, size, 1, limits)
}

/// A pool for a short task on a file that is moved or deleted right after (a restore): it
/// keeps no idle connection, so no background thread of the pool opens the file again once
/// the pool is dropped.
pub fn open_short_lived_pool(url: &DatabaseUrl, size: u32) -> Result<Pool, OpenError> {
    pool_keeping(url, size, 0, SessionLimits::default())
}

fn pool_keeping(
    url: &DatabaseUrl,
    size: u32,
    min_idle: u32,
    limits: SessionLimits,
) -> Result<Pool, OpenError> {
    static COUNTING: std::sync::Once = std::sync::Once::new();
    COUNTING.call_once(|| {
        if let Err(e) = diesel::connection::set_default_instrumentation(counting) {
            tracing::warn!(error = %e, "statements will not be counted");
        }
    });
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(min_idle))
        .connection_timeout(Duration::from_secs(5))
        // No `SELECT 1` per checkout: a lost connection is found on first use instead (see
        // `DieselStore::conn`).
        .test_on_check_out(false)
        .build(Manager::with_limits(url.clone(), limits))
        .map_err(|source| OpenError::Connect {
            url: url.redacted(),
            source,
        })
}

/// Applies pending migrations of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, String> {
    match conn {
        DbConn::Pg(c) => without_statement_limit(c, |c| {
            c.run_pending_migrations(PG_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect())
                .map_err(|e| e.to_string())
        }),
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(ToString::to_string).collect())
            .map_err(|e| e.to_string()),
    }
}

/// Runs `f` with the session's statement limit off (a migration may build an index on a
/// large table for minutes), and puts the limit back after: the connection goes back to the
/// pool. The lock limit stays: a migration that cannot get its lock in time fails, and the
/// start is tried again, rather than queueing every request behind it.
fn without_statement_limit<T>(
    c: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> Result<T, String>,
) -> Result<T, String> {
    let before = setting(c, "statement_timeout")?;
    c.batch_execute("SET statement_timeout = 0")
        .map_err(|e| e.to_string())?;
    let out = f(c);
    let restored = diesel::sql_query("SELECT set_config('statement_timeout', $1, false)")
        .bind::<diesel::sql_types::Text, _>(&before)
        .execute(c);
    let value = out?;
    restored.map_err(|e| format!("cannot restore the statement limit: {e}"))?;
    Ok(value)
}

/// A PostgreSQL session's setting `name`, as `current_setting` gives it.
fn setting(c: &mut PgConnection, name: &str) -> Result<String, String> {
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    diesel::sql_query("SELECT current_setting($1) AS v")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Setting>(c)
        .map(|s| s.v)
        .map_err(|e| e.to_string())
}

/// Tells the operator, once at start, when PostgreSQL answers in a language the server does
/// not read: a wait cut off by the session's limits or a deadlock is known by its message
/// (diesel gives no SQLSTATE for them; see `error::is_transient`), so under such a
/// `lc_messages` it answers 500 instead of 503 with `Retry-After`. Only a superuser (or, on
/// PostgreSQL 15, a role granted `SET` on it) may change the setting, so the server does not
/// try to set it for itself.
pub fn warn_unless_messages_read(conn: &mut DbConn) {
    let DbConn::Pg(c) = conn else { return };
    match setting(c, "lc_messages") {
        Ok(lc) if !crate::error::messages_read(&lc) => tracing::warn!(
            lc_messages = %lc,
            "PostgreSQL answers in a language this server does not read: a statement or lock \
             wait cut off by its limit, or a deadlock, will answer 500 instead of 503; have a \
             superuser set lc_messages to C, an en_* or a ja_* locale for this database \
             (ALTER DATABASE … SET lc_messages = 'C')"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read lc_messages"),
    }
}

/// Applies this binary's pending migrations one by one up to and including `version` (as
/// `__diesel_schema_migrations` stores it, e.g. `20261204000280`), and stops there: a
/// database as an earlier version left it, for tests of an upgrade.
pub fn run_migrations_through(conn: &mut DbConn, version: &str) -> Result<(), String> {
    use diesel::migration::Migration;
    macro_rules! through {
        ($c:expr, $source:expr) => {{
            let pending = $c.pending_migrations($source).map_err(|e| e.to_string())?;
            for m in pending {
                if m.name().version().to_string().as_str() > version {
                    break;
                }
                $c.run_migration(&*m).map_err(|e| e.to_string())?;
            }
            Ok(())
        }};
    }
    match conn {
        DbConn::Pg(c) => through!(c, PG_MIGRATIONS),
        DbConn::Sqlite(c) => through!(c, SQLITE_MIGRATIONS),
    }
}

/// The versions of this binary's migrations for `backend`, as `__diesel_schema_migrations`
/// stores them.
pub(crate) fn migration_versions(
    backend: Backend,
) -> Result<std::collections::BTreeSet<String>, String> {
    use diesel::migration::MigrationSource;
    let names = match backend {
        Backend::Sqlite => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|all| all.iter().map(|m| m.name().version().to_string()).collect())
        }
        Backend::Postgres => MigrationSource::<diesel::pg::Pg>::migrations(&PG_MIGRATIONS)
            .map(|all| all.iter().map(|m| m.name().version().to_string()).collect()),
    };
    names.map_err(|e| e.to_string())
}

/// Runs `f` in a transaction that is a writer from its first statement. On SQLite that is
/// `BEGIN IMMEDIATE`: a deferred transaction that reads first and writes later fails with
/// SQLITE_BUSY instead of waiting when another writer got in between. Inside an open
/// transaction (see [`crate::Batch`]) it is a savepoint, so a refused change still rolls
/// back alone.
///
/// A transaction of its own keeps the hot rows it locks (its center's audit chain head,
/// see [`crate::held_rows`]) and writes them back once, just before the commit: a change
/// stamps its record and appends its audit event under the same head, and locking, reading
/// and updating the head for each cost two statements more per write, all of them while
/// every other writer of the center waited. A savepoint never keeps them: rolling it back
/// would have to roll the kept rows back too.
pub fn write_tx<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let outermost =
        <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?
            .is_none();
    begin_write(conn)?;
    let keeping = outermost && crate::held_rows::start_if_idle(conn);
    let _kept = crate::held_rows::ForgetUnlessFinished(keeping);
    let out = f(conn);
    let out = match out {
        Ok(v) if keeping => crate::held_rows::finish(conn).map(|()| v).map_err(E::from),
        out => out,
    };
    end(conn, out.is_ok())?;
    out
}

/// Opens a writing transaction, or a savepoint when one is open already.
pub(crate) fn begin_write(conn: &mut DbConn) -> Result<(), diesel::result::Error> {
    let depth = <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()?;
    match conn {
        DbConn::Sqlite(c) if depth.is_none() => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction(c),
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c),
    }
}

/// Commits (`ok`) or rolls back the innermost transaction or savepoint.
pub(crate) fn end(conn: &mut DbConn, ok: bool) -> Result<(), diesel::result::Error> {
    if ok {
        <DbConn as Connection>::TransactionManager::commit_transaction(conn)
    } else {
        // The original error matters more than a failed rollback, which leaves the
        // connection marked broken and the pool drops it.
        let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(DatabaseUrl::parse("tsunagu.db").backend, Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/x.db").target, "/tmp/x.db");
        assert_eq!(DatabaseUrl::parse("sqlite:x.db").target, "x.db");
        let pg = DatabaseUrl::parse("postgres://app:s3cret@db:5432/tsunagu");
        assert_eq!(pg.backend, Backend::Postgres);
        assert_eq!(pg.redacted(), "postgres://app:***@db:5432/tsunagu");
    }
}
