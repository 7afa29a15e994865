//! Tsunagu's persistence: the diesel implementation of the domain's ports for SQLite (the
//! embedded default) and PostgreSQL (production). All SQL lives in this crate, one file per
//! feature, each implementing that feature's port for [`DieselStore`].

/// Runs the same diesel expression on whichever backend the connection is: for the few
/// statements (upserts, multi-row inserts) that diesel cannot build for `MultiConnection`.
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

mod activities;
mod agencies;
mod api_clients;
mod audit;
pub mod backup;
mod batch;
mod centers;
mod consents;
mod consultations;
pub mod db;
mod error;
mod follow_ups;
mod history;
mod idempotency;
mod liaison;
mod outbox;
mod paging;
mod patients;
mod referral_rows;
mod referrals;
mod reports;
mod rollup;
mod rows;
pub mod schema;
pub mod sealed;
mod sessions;
mod shoman_projects;
mod supervision;
mod support_plans;
mod users;
mod webhooks;

use db::{DbConn, Pool, PooledConn, write_tx};
use diesel::prelude::*;
use error::{StoreError, query_error};
use std::time::Duration;
use tsunagu_domain::DomainError;
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::ports::{Health, StoreResult};

pub use batch::Batch;
pub use db::{
    Backend, DatabaseUrl, OpenError, default_pool_size, open_pool, open_short_lived_pool,
    run_migrations,
};

#[derive(Clone)]
pub struct DieselStore {
    pool: Pool,
    backend: Backend,
    /// The one connection every call uses inside a [`Batch`]; `None` for the pool.
    pinned: Option<std::sync::Arc<std::sync::Mutex<PooledConn>>>,
    /// Seals and opens the secrets kept at rest (see [`sealed`]).
    keys: std::sync::Arc<DataKeys>,
}

impl DieselStore {
    pub fn new(pool: Pool, backend: Backend, keys: DataKeys) -> Self {
        Self {
            pool,
            backend,
            pinned: None,
            keys: std::sync::Arc::new(keys),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    fn conn(&self) -> StoreResult<PooledConn> {
        self.pool
            .get()
            .map_err(|e| DomainError::Unavailable(e.to_string()))
    }

    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>,
    ) -> StoreResult<T> {
        if let Some(pinned) = &self.pinned {
            return f(&mut batch::lock(pinned)).map_err(Into::into);
        }
        let mut c = self.conn()?;
        f(&mut c).map_err(Into::into)
    }

    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>,
    ) -> StoreResult<T> {
        if let Some(pinned) = &self.pinned {
            return write_tx(&mut batch::lock(pinned), f).map_err(Into::into);
        }
        let mut c = self.conn()?;
        write_tx(&mut c, f).map_err(Into::into)
    }
}

impl Health for DieselStore {
    #[tracing::instrument(level = "debug", skip_all)]
    fn ping(&self) -> StoreResult<()> {
        let mut c = self
            .pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| DomainError::Unavailable(e.to_string()))?;
        diesel::sql_query("SELECT 1")
            .execute(&mut *c)
            .map(|_| ())
            .map_err(query_error)
    }
}
