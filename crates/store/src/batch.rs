//! Many use cases in one transaction, for `tsunagu demo-data`: the records are made by the
//! same use cases as the API's (same rules, same rows, same audit events), but committed in
//! batches, because a commit per record (an fsync each) would make a realistic demo center
//! take minutes. A refused step rolls back alone (each use case runs in a savepoint).

use crate::DieselStore;
use crate::centers::CenterRow;
use crate::db::{PooledConn, begin_write, end};
use crate::schema::patients;
use diesel::prelude::*;
use std::sync::{Arc, Mutex, MutexGuard};
use tsunagu_domain::DomainError;

/// The open transaction behind a batched store (see [`DieselStore::batched`]). Dropping it
/// without [`Batch::finish`] rolls back what was not committed.
pub struct Batch {
    conn: Arc<Mutex<PooledConn>>,
    open: bool,
}

pub(crate) fn lock(conn: &Mutex<PooledConn>) -> MutexGuard<'_, PooledConn> {
    // A panic while a use case held the connection leaves it mid-transaction; the pool's
    // `has_broken` check discards such a connection, so going on with it is no worse.
    conn.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn failed(e: diesel::result::Error) -> DomainError {
    DomainError::Unavailable(e.to_string())
}

impl Batch {
    /// Commits everything so far and opens the next transaction on the same connection.
    pub fn commit(&mut self) -> Result<(), DomainError> {
        let mut c = lock(&self.conn);
        self.open = false;
        end(&mut c, true).map_err(failed)?;
        begin_write(&mut c).map_err(failed)?;
        self.open = true;
        Ok(())
    }

    /// Commits what is left.
    pub fn finish(mut self) -> Result<(), DomainError> {
        let mut c = lock(&self.conn);
        self.open = false;
        end(&mut c, true).map_err(failed)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if self.open {
            let mut c = lock(&self.conn);
            let _ = end(&mut c, false);
        }
    }
}

impl DieselStore {
    /// A store whose every call runs on one connection inside one open transaction, and the
    /// handle that commits it. Only for a single-threaded batch job: nothing else should
    /// write to the database meanwhile (on SQLite other writers wait for the commit).
    pub fn batched(&self) -> Result<(DieselStore, Batch), DomainError> {
        let mut conn = self.conn()?;
        begin_write(&mut conn).map_err(failed)?;
        let conn = Arc::new(Mutex::new(conn));
        let store = DieselStore {
            pool: self.pool.clone(),
            backend: self.backend,
            pinned: Some(conn.clone()),
            keys: self.keys.clone(),
            id: self.id,
            suspect: self.suspect.clone(),
            checkouts: self.checkouts.clone(),
        };
        Ok((store, Batch { conn, open: true }))
    }

    /// Refreshes the planners' statistics after a bulk load (autovacuum would, later): the
    /// search plans depend on them.
    pub fn analyze(&self) -> Result<(), DomainError> {
        self.read(|c| {
            diesel::sql_query("ANALYZE").execute(c)?;
            Ok(())
        })
    }

    /// A center by its code, for the command line.
    pub fn center_by_code(
        &self,
        code: &str,
    ) -> Result<Option<tsunagu_domain::entities::Center>, DomainError> {
        use crate::schema::centers;
        self.read(|c| {
            let row: Option<CenterRow> = centers::table
                .filter(centers::code.eq(code))
                .select(CenterRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(CenterRow::into_entity).transpose()?)
        })
    }

    /// How many patients a center has: demo data goes only into an empty center.
    pub fn count_patients(&self, center: uuid::Uuid) -> Result<i64, DomainError> {
        self.read(|c| {
            Ok(patients::table
                .filter(patients::center_id.eq(center.to_string()))
                .count()
                .get_result(c)?)
        })
    }
}
