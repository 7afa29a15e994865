//! The hot rows a write transaction holds: the audit chain heads and the case-number
//! counters its records take. Each is locked by the first write that needs it, then kept
//! here and written back once, before the transaction commits. Every transaction of its own
//! keeps them (see [`crate::db::write_tx`]), and so does one long all-or-nothing
//! transaction (an import's commit, see `DieselStore::batched_flat`).
//!
//! Writing such a row at every use made PostgreSQL keep a new version of that one row per
//! record, which the open transaction can neither prune nor skip: every later read of the row
//! walked all of them, and a commit of 100,000 records slowed down record by record. In an
//! ordinary write it cost two statements more (a change stamps its record, then appends its
//! event, each locking and updating the head) while the center's other writers waited. Keeping
//! them is safe: the transaction holds the rows' locks from its first use to its end, so no
//! other transaction appends, stamps or numbers in between. Kept per thread and for the
//! transaction's one connection only, so nothing else on the thread is affected; dropped
//! unwritten when the transaction rolls back.

use crate::db::DbConn;
use crate::later::{Joined, Later, MOST_DEFERRED};
use crate::prepared::prepared;
use crate::schema::{audit_chain_head, case_counters};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// A chain head as the audit trail reads it: sequence number, hash, last change stamp, and
/// whether the chain's center has an active webhook subscription.
pub(crate) type HeadRow = (i64, String, Option<NaiveDateTime>, bool);

struct Head {
    row: HeadRow,
    dirty: bool,
}

struct Counter {
    last_number: i32,
    dirty: bool,
}

struct Held {
    conn: usize,
    heads: BTreeMap<String, Head>,
    counters: BTreeMap<(String, i32), Counter>,
    /// Writes sent with the rows' write-back (see [`crate::later`]); `None` where the
    /// transaction writes at once (a batch's long transaction: its writes are many).
    deferred: Option<Deferred>,
}

/// The writes a transaction keeps for its last statement, and the tables of the upserts
/// among them: PostgreSQL refuses a statement whose parts upsert the same row twice ("ON
/// CONFLICT DO UPDATE command cannot affect row a second time"), so a second upsert of a
/// table sends the writes kept so far first.
#[derive(Default)]
struct Deferred {
    writes: Vec<Later>,
    upserted: Vec<&'static str>,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

fn id(conn: &DbConn) -> usize {
    std::ptr::from_ref(conn) as usize
}

fn with<T>(conn: &DbConn, f: impl FnOnce(&mut Held) -> T) -> Option<T> {
    HELD.with(|h| match h.borrow_mut().as_mut() {
        Some(held) if held.conn == id(conn) => Some(f(held)),
        _ => None,
    })
}

/// From now on this thread keeps the rows `conn`'s transaction locks.
pub(crate) fn start(conn: &DbConn) {
    HELD.with(|h| {
        *h.borrow_mut() = Some(Held {
            conn: id(conn),
            heads: BTreeMap::new(),
            counters: BTreeMap::new(),
            deferred: None,
        });
    });
}

/// Starts keeping the rows `conn`'s new transaction locks unless this thread keeps rows
/// already (a batch's transaction on another connection); `true` when it started. What is
/// kept is dropped by [`ForgetUnlessFinished`] when the transaction fails or the thread
/// unwinds from a panic before [`finish`].
pub(crate) fn start_if_idle(conn: &DbConn) -> bool {
    HELD.with(|h| {
        let mut h = h.borrow_mut();
        if h.is_some() {
            return false;
        }
        *h = Some(Held {
            conn: id(conn),
            heads: BTreeMap::new(),
            counters: BTreeMap::new(),
            deferred: matches!(conn, DbConn::Pg(_)).then(Deferred::default),
        });
        true
    })
}

/// Writes the rows that changed back (before the commit), with the writes deferred until
/// then, and stops keeping them. On PostgreSQL all of it is one statement.
pub(crate) fn finish(conn: &mut DbConn) -> Result<(), diesel::result::Error> {
    let held = HELD.with(|h| h.borrow_mut().take());
    let Some(held) = held.filter(|held| held.conn == id(conn)) else {
        return Ok(());
    };
    let mut writes = held.deferred.unwrap_or_default().writes;
    for (chain, head) in held.heads.into_iter().filter(|(_, h)| h.dirty) {
        // The subscription flag is never dirty: it is written where it changes (see
        // `audit::note_webhooks_changed`), under the same lock.
        let (seq, hash, last_change_at, _) = head.row;
        let update = diesel::update(
            audit_chain_head::table.filter(audit_chain_head::chain.eq(chain)),
        )
        .set((
            audit_chain_head::seq.eq(seq),
            audit_chain_head::hash.eq(hash),
            audit_chain_head::last_change_at.eq(last_change_at),
        ));
        match conn {
            DbConn::Pg(_) => writes.push(Box::new(update)),
            DbConn::Sqlite(_) => prepared(update).run_direct(conn)?,
        }
    }
    for ((center, fiscal_year), c) in held.counters.into_iter().filter(|(_, c)| c.dirty) {
        let update = diesel::update(
            case_counters::table
                .filter(case_counters::center_id.eq(center))
                .filter(case_counters::fiscal_year.eq(fiscal_year)),
        )
        .set(case_counters::last_number.eq(c.last_number));
        match conn {
            DbConn::Pg(_) => writes.push(Box::new(update)),
            DbConn::Sqlite(_) => update.execute(conn).map(drop)?,
        }
    }
    match conn {
        DbConn::Pg(c) if !writes.is_empty() => prepared(Joined(writes)).run(c),
        _ => Ok(()),
    }
}

/// Sends `write` (PostgreSQL's; kept prepared) with the held rows' write-back when `conn`'s
/// transaction defers writes and has not deferred [`MOST_DEFERRED`] already; else now.
pub(crate) fn write_later(conn: &mut DbConn, write: Later) -> Result<(), diesel::result::Error> {
    later(conn, None, write)
}

/// [`write_later`] for an upsert into `table` (`ON CONFLICT … DO UPDATE`).
pub(crate) fn upsert_later(
    conn: &mut DbConn,
    table: &'static str,
    write: Later,
) -> Result<(), diesel::result::Error> {
    later(conn, Some(table), write)
}

fn later(
    conn: &mut DbConn,
    upserts: Option<&'static str>,
    write: Later,
) -> Result<(), diesel::result::Error> {
    let me = id(conn);
    // What to send now: nothing (kept), the writes kept before this one, or this one.
    let now: Option<Vec<Later>> = HELD.with(|h| match h.borrow_mut().as_mut() {
        Some(Held {
            conn,
            deferred: Some(d),
            ..
        }) if *conn == me && d.writes.len() < MOST_DEFERRED => {
            let again = upserts.is_some_and(|t| d.upserted.contains(&t));
            let before = again.then(|| std::mem::take(d));
            d.writes.push(write);
            d.upserted.extend(upserts);
            before.map(|b| b.writes)
        }
        _ => Some(vec![write]),
    });
    match (now, conn) {
        (None, _) => Ok(()),
        (Some(writes), DbConn::Pg(c)) => prepared(Joined(writes)).run(c),
        (Some(_), DbConn::Sqlite(_)) => Err(diesel::result::Error::QueryBuilderError(
            "a PostgreSQL statement on SQLite".into(),
        )),
    }
}

/// Stops keeping what [`start_if_idle`] started (`.0`) when dropped: after [`finish`] there
/// is nothing left, after an error or a panic the transaction rolls back and what was kept
/// must not outlive it.
pub(crate) struct ForgetUnlessFinished(pub(crate) bool);

impl Drop for ForgetUnlessFinished {
    fn drop(&mut self) {
        if self.0 {
            forget();
        }
    }
}

/// Stops keeping rows without writing them (the transaction rolls back).
pub(crate) fn forget() {
    HELD.with(|h| *h.borrow_mut() = None);
}

/// The chain's head, when it is kept.
pub(crate) fn head(conn: &DbConn, chain: &str) -> Option<HeadRow> {
    with(conn, |held| held.heads.get(chain).map(|h| h.row.clone())).flatten()
}

/// Keeps the chain's head as just read and locked (when rows are kept at all).
pub(crate) fn keep_head(conn: &DbConn, chain: &str, row: &HeadRow) {
    with(conn, |held| {
        held.heads.insert(
            chain.to_owned(),
            Head {
                row: row.clone(),
                dirty: false,
            },
        );
    });
}

/// The chain's new last event, when its head is kept; `false` when it is not.
pub(crate) fn advance_head(conn: &DbConn, chain: &str, seq: i64, hash: &str) -> bool {
    with(conn, |held| match held.heads.get_mut(chain) {
        Some(h) => {
            h.row.0 = seq;
            hash.clone_into(&mut h.row.1);
            h.dirty = true;
            true
        }
        None => false,
    })
    .unwrap_or(false)
}

/// The chain's new change stamp, when its head is kept; `false` when it is not.
pub(crate) fn stamp_head(conn: &DbConn, chain: &str, at: NaiveDateTime) -> bool {
    with(conn, |held| match held.heads.get_mut(chain) {
        Some(h) => {
            h.row.2 = Some(at);
            h.dirty = true;
            true
        }
        None => false,
    })
    .unwrap_or(false)
}

/// Whether the chain's center has an active webhook subscription, as just written to its
/// kept head (the row itself was updated by the caller).
pub(crate) fn note_webhooks(conn: &DbConn, chain: &str, active: bool) {
    with(conn, |held| {
        if let Some(h) = held.heads.get_mut(chain) {
            h.row.3 = active;
        }
    });
}

/// The next case number of the center's fiscal year, when its counter is kept.
pub(crate) fn next_number(conn: &DbConn, center: &str, fiscal_year: i32) -> Option<i32> {
    with(conn, |held| {
        held.counters
            .get_mut(&(center.to_owned(), fiscal_year))
            .map(|c| {
                c.last_number += 1;
                c.dirty = true;
                c.last_number
            })
    })
    .flatten()
}

/// Keeps the counter as just taken (and locked) from its row.
pub(crate) fn keep_number(conn: &DbConn, center: &str, fiscal_year: i32, last_number: i32) {
    with(conn, |held| {
        held.counters.insert(
            (center.to_owned(), fiscal_year),
            Counter {
                last_number,
                dirty: false,
            },
        );
    });
}
