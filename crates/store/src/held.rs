//! The connection one request holds (see [`Health::in_one_connection`]): a thread-local slot,
//! because the use case's store calls reach the store through `dyn Store` and know nothing
//! of the request. The blocking thread runs one request at a time, so the slot is the
//! request's for as long as its work runs.
//!
//! [`Health::in_one_connection`]: tsunagu_domain::ports::Health::in_one_connection

use crate::db::{DbConn, PooledConn};
use diesel::Connection;
use diesel::connection::TransactionManager;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Tells stores apart (a test process runs servers on SQLite and PostgreSQL side by side,
/// and a thread must never use one store's connection for another).
pub(crate) fn next_store_id() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

struct Held {
    store: usize,
    /// `None` until the first call takes one, and while a call is using it.
    conn: Option<PooledConn>,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// Clears the slot when the work ends, however it ends; the connection goes back to the pool.
struct Scope {
    outermost: bool,
}

impl Drop for Scope {
    fn drop(&mut self) {
        if self.outermost {
            let held = HELD.with(|h| h.try_borrow_mut().ok().and_then(|mut h| h.take()));
            drop(held);
        }
    }
}

/// Runs `work` with a slot for `store`'s connection on this thread.
pub(crate) fn scoped(store: usize, work: &mut dyn FnMut()) {
    let outermost = HELD.with(|h| match h.try_borrow_mut() {
        Ok(mut slot) if slot.is_none() => {
            *slot = Some(Held { store, conn: None });
            true
        }
        _ => false,
    });
    let _scope = Scope { outermost };
    work();
}

/// What a store call finds in the slot: not its scope (`None`), or its scope with the held
/// connection taken out for the call (`Some(None)` when none is held yet).
pub(crate) fn take(store: usize) -> Option<Option<PooledConn>> {
    HELD.with(|h| {
        let mut slot = h.try_borrow_mut().ok()?;
        let held = slot.as_mut().filter(|held| held.store == store)?;
        Some(held.conn.take())
    })
}

/// Puts the connection back for the request's next call, unless it is unusable (left inside
/// a transaction, or marked broken after a lost connection): the pool drops that one, and the
/// next call takes a fresh one.
pub(crate) fn put_back(store: usize, mut conn: PooledConn) {
    let healthy = matches!(
        <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(&mut conn)
            .transaction_depth(),
        Ok(None)
    );
    if !healthy {
        return;
    }
    HELD.with(|h| {
        if let Ok(mut slot) = h.try_borrow_mut()
            && let Some(held) = slot.as_mut().filter(|held| held.store == store)
            && held.conn.is_none()
        {
            held.conn = Some(conn);
        }
    });
}

/// Gives the held connection back to the pool now (see `release_held_connection`).
pub(crate) fn release(store: usize) {
    let conn = HELD.with(|h| {
        h.try_borrow_mut().ok().and_then(|mut slot| {
            slot.as_mut()
                .filter(|held| held.store == store)
                .and_then(|held| held.conn.take())
        })
    });
    drop(conn);
}
