//! Tsunagu's persistence: the diesel implementation of the domain's ports for SQLite (the
//! embedded default) and PostgreSQL (production). All SQL lives in this crate, one file per
//! feature, each implementing that feature's port for [`DieselStore`].

/// Runs the same diesel expression on whichever backend the connection is, for two kinds of
/// statement:
/// - the few that diesel cannot build for `MultiConnection` (upserts, multi-row inserts);
/// - the hot ones every request runs (the session check, the patient read, the timeline's
///   reads, the audit event and its chain head, a new consultation). `MultiConnection` hands
///   each statement to the connection inside wrapped in a `SerializedQuery`, whose every walk
///   writes the whole SQL text again for the multi-backend even when the statement is
///   already prepared and found by its type: to collect the binds, to ask whether it may be
///   kept, again on a cache miss. A profile of the server under timeline requests put about
///   a tenth of its CPU there (identifier quoting alone 4.5 %). On the `PgConnection` or
///   `SqliteConnection` itself a prepared statement is found by its type and only its binds
///   are walked. The rest stay on `DbConn`, written once without naming a backend.
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

mod activities;
mod administrations;
mod agencies;
mod agency_links;
mod api_clients;
mod audit;
pub mod backup;
mod batch;
pub mod ceiling;
mod centers;
mod consents;
mod consultations;
mod councils;
pub mod db;
mod error;
mod exports;
mod follow_ups;
mod held;
mod held_rows;
mod history;
mod idempotency;
mod imports;
mod later;
mod liaison;
mod outbox;
mod paging;
mod patient_merges;
mod patients;
mod peer_support;
mod prepared;
mod publications;
mod referral_rows;
mod referrals;
mod regional_issues;
mod reports;
mod rollup;
mod rows;
pub mod schema;
pub mod sealed;
mod sessions;
mod shoman_projects;
mod supervision;
mod support_plans;
mod supporter_sessions;
#[cfg(test)]
mod testing;
mod users;
mod webhooks;

use db::{DbConn, Pool, PooledConn, write_tx};
use diesel::prelude::*;
use error::StoreError;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;
use tsunagu_domain::DomainError;
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::ports::{Health, StoreResult};

pub use batch::Batch;
pub use db::{
    Backend, DatabaseUrl, OpenError, SessionLimits, default_pool_size, open_pool,
    open_pool_limited, open_short_lived_pool, run_migrations, warn_unless_messages_read,
};

#[derive(Clone)]
pub struct DieselStore {
    pool: Pool,
    backend: Backend,
    /// The one connection every call uses inside a [`Batch`]; `None` for the pool.
    pinned: Option<std::sync::Arc<std::sync::Mutex<PooledConn>>>,
    /// Inside a [`Batch`]: each write in a savepoint of its own (so a refused step rolls
    /// back alone), or not (see [`DieselStore::batched_flat`]).
    savepoints: bool,
    /// Seals and opens the secrets kept at rest (see [`sealed`]).
    keys: std::sync::Arc<DataKeys>,
    /// Which request-held connections are this store's (see [`held`]).
    id: usize,
    /// How many of the next checkouts to test first (see [`DieselStore::conn`]).
    suspect: std::sync::Arc<AtomicU32>,
    /// Connections taken from the pool so far (see [`Health::connections_taken`]).
    checkouts: std::sync::Arc<AtomicU64>,
    /// SQLite: this process's writers take turns here (see [`Self::writer_turn`]).
    writer: std::sync::Arc<parking_lot::Mutex<()>>,
}

thread_local! {
    /// Whether this thread holds its store's writer turn (a write inside a write must not
    /// wait for itself).
    static WRITER_TURN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A SQLite writer's turn; given back when dropped.
struct WriterTurn<'a>(#[allow(dead_code)] parking_lot::MutexGuard<'a, ()>);

impl Drop for WriterTurn<'_> {
    fn drop(&mut self) {
        WRITER_TURN.with(|t| t.set(false));
    }
}

impl DieselStore {
    pub fn new(pool: Pool, backend: Backend, keys: DataKeys) -> Self {
        Self {
            pool,
            backend,
            pinned: None,
            savepoints: true,
            keys: std::sync::Arc::new(keys),
            id: held::next_store_id(),
            suspect: std::sync::Arc::default(),
            checkouts: std::sync::Arc::default(),
            writer: std::sync::Arc::default(),
        }
    }

    /// SQLite has one writer per file: the others' `BEGIN IMMEDIATE` waits in SQLite's busy
    /// handler, which polls with sleeps growing to 100 ms — measured by `bench http`, four
    /// connections writing at once had a p99 of 105 ms at a p50 of 1.4 ms. Waiting here
    /// instead, a writer starts the moment the one before it commits. (Other processes on
    /// the same file, such as a backup, and a batch's long transaction still meet the busy
    /// handler.) A turn not had within the busy timeout is the same answer as a busy
    /// database: unavailable, not an endless wait.
    fn writer_turn(&self) -> StoreResult<Option<WriterTurn<'_>>> {
        if self.backend != Backend::Sqlite
            || self.pinned.is_some()
            || WRITER_TURN.with(std::cell::Cell::get)
        {
            return Ok(None);
        }
        let guard = self
            .writer
            .try_lock_for(db::SQLITE_BUSY_TIMEOUT)
            .ok_or_else(|| {
                DomainError::Unavailable("the database is busy with another write".into())
            })?;
        WRITER_TURN.with(|t| t.set(true));
        Ok(Some(WriterTurn(guard)))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A connection from the pool. The pool does not test connections on checkout (a
    /// `SELECT 1` per checkout was a quarter of the statements of a simple read): a lost
    /// connection shows as an error on first use instead, which marks it broken (see
    /// [`Self::after`]) and makes the next checkouts — as many as the pool holds — test theirs,
    /// so after a database restart one request answers 503 rather than one per connection.
    fn conn(&self) -> StoreResult<PooledConn> {
        let unavailable = |e: r2d2::Error| DomainError::Unavailable(e.to_string());
        self.checkouts.fetch_add(1, Ordering::Relaxed);
        let mut c = self.pool.get().map_err(unavailable)?;
        while self
            .suspect
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
        {
            if diesel::connection::SimpleConnection::batch_execute(&mut *c, "SELECT 1").is_ok() {
                break;
            }
            db::mark_broken(&mut c);
            c = self.pool.get().map_err(unavailable)?;
        }
        Ok(c)
    }

    /// Runs one call on the request's held connection when there is one, else on a pooled one.
    fn on_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>) -> StoreResult<T> {
        if let Some(pinned) = &self.pinned {
            return f(&mut batch::lock(pinned)).map_err(Into::into);
        }
        match held::take(self.id) {
            Some(slot) => {
                let mut c = match slot {
                    Some(c) => c,
                    None => self.conn()?,
                };
                let out = f(&mut c);
                let out = self.after(&mut c, out);
                held::put_back(self.id, c);
                out
            }
            None => {
                let mut c = self.conn()?;
                let out = f(&mut c);
                self.after(&mut c, out)
            }
        }
    }

    /// Notices a lost connection: the connection is marked broken (the pool drops it) and
    /// the pool's other connections become suspect, since a database restart or a network
    /// cut loses them all at once.
    fn after<T>(&self, c: &mut DbConn, out: Result<T, StoreError>) -> StoreResult<T> {
        let out = out.map_err(DomainError::from);
        if let Err(DomainError::Unavailable(_)) = &out {
            db::mark_broken(c);
            self.suspect.store(self.pool.max_size(), Ordering::Release);
        }
        out
    }

    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>,
    ) -> StoreResult<T> {
        self.on_conn(f)
    }

    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>,
    ) -> StoreResult<T> {
        if self.pinned.is_some() && !self.savepoints {
            // Already inside the batch's transaction, which any error ends.
            return self.on_conn(f);
        }
        // The turn after the connection: a writer holding its turn never waits for the pool,
        // whose connections may all be with writers waiting for their turns.
        self.on_conn(|c| {
            let _turn = self.writer_turn().map_err(StoreError::Domain)?;
            write_tx(c, f)
        })
    }
}

impl Health for DieselStore {
    #[tracing::instrument(level = "debug", skip_all)]
    fn ping(&self) -> StoreResult<()> {
        let mut c = self
            .pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| DomainError::Unavailable(e.to_string()))?;
        let out = diesel::sql_query("SELECT 1")
            .execute(&mut *c)
            .map(|_| ())
            .map_err(StoreError::from);
        self.after(&mut c, out)
    }

    fn in_one_connection(&self, work: &mut dyn FnMut()) {
        held::scoped(self.id, work);
    }

    fn release_held_connection(&self) {
        held::release(self.id);
    }

    fn statements_sent(&self) -> u64 {
        db::statements_sent()
    }

    fn connections_taken(&self) -> u64 {
        self.checkouts.load(Ordering::Relaxed)
    }
}
