//! Many use cases in one transaction, for `tsunagu demo-data`: the records are made by the
//! same use cases as the API's (same rules, same rows, same audit events), but committed in
//! batches, because a commit per record (an fsync each) would make a realistic demo center
//! take minutes. A refused step rolls back alone (each use case runs in a savepoint).

use crate::DieselStore;
use crate::centers::CenterRow;
use crate::db::{DbConn, PooledConn, begin_write, end};
use crate::schema::patients;
use diesel::prelude::*;
use std::sync::{Arc, Mutex, MutexGuard};
use tsunagu_domain::DomainError;

/// The open transaction behind a batched store (see [`DieselStore::batched`]). Dropping it
/// without [`Batch::finish`] rolls back what was not committed.
pub struct Batch {
    conn: Arc<Mutex<PooledConn>>,
    open: bool,
    /// No savepoints; the hot rows are kept until the commit (see [`crate::held_rows`]).
    flat: bool,
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

/// Opens the batch's transaction. On PostgreSQL every statement in it is planned for its
/// own values and the tables as they are then: a batch fills tables that were small when
/// the connection first ran a statement, and a plan cached from then (a scan of a table
/// that had ten rows) stayed in use as the transaction grew it to 100,000 — the import of
/// 100,000 rows spent its time scanning `import_keys` for each of them.
fn begin(conn: &mut DbConn) -> Result<(), diesel::result::Error> {
    begin_write(conn)?;
    if let DbConn::Pg(c) = conn {
        diesel::connection::SimpleConnection::batch_execute(
            c,
            "SET LOCAL plan_cache_mode = force_custom_plan",
        )?;
    }
    Ok(())
}

impl Batch {
    /// Commits everything so far and opens the next transaction on the same connection.
    pub fn commit(&mut self) -> Result<(), DomainError> {
        let mut c = lock(&self.conn);
        if self.flat {
            crate::held_rows::finish(&mut c).map_err(failed)?;
        }
        self.open = false;
        end(&mut c, true).map_err(failed)?;
        begin(&mut c).map_err(failed)?;
        self.open = true;
        if self.flat {
            crate::held_rows::start(&c);
        }
        Ok(())
    }

    /// Commits what is left.
    pub fn finish(mut self) -> Result<(), DomainError> {
        let mut c = lock(&self.conn);
        if self.flat {
            crate::held_rows::finish(&mut c).map_err(failed)?;
        }
        self.open = false;
        end(&mut c, true).map_err(failed)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if self.flat {
            crate::held_rows::forget();
        }
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
        self.pinned_to_one_transaction(true)
    }

    /// [`Self::batched`] for all-or-nothing work (an import's commit): no savepoint per
    /// write, since any error ends the whole transaction. On PostgreSQL a savepoint per write
    /// makes a subtransaction each; past 64 of them every row the transaction wrote is
    /// checked against `pg_subtrans`, and a long import slowed row by row (62 rows/s at
    /// 10,000 rows against 191 at 2,000).
    pub fn batched_flat(&self) -> Result<(DieselStore, Batch), DomainError> {
        self.pinned_to_one_transaction(false)
    }

    fn pinned_to_one_transaction(
        &self,
        savepoints: bool,
    ) -> Result<(DieselStore, Batch), DomainError> {
        let mut conn = self.conn()?;
        begin(&mut conn).map_err(failed)?;
        let conn = Arc::new(Mutex::new(conn));
        if !savepoints {
            // Where the connection now stays for the batch's life.
            crate::held_rows::start(&lock(&conn));
        }
        let store = DieselStore {
            pool: self.pool.clone(),
            backend: self.backend,
            pinned: Some(conn.clone()),
            savepoints,
            keys: self.keys.clone(),
            id: self.id,
            suspect: self.suspect.clone(),
            checkouts: self.checkouts.clone(),
            writer: self.writer.clone(),
        };
        Ok((
            store,
            Batch {
                conn,
                open: true,
                flat: !savepoints,
            },
        ))
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
