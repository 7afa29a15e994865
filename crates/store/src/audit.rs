//! The audit trail: a hash chain of events, appended to inside the transaction of the change
//! each event records. Appending is also where an audited change that is a webhook event
//! reaches the outbox (see [`append_events`]).

use crate::DieselStore;
use crate::db::DbConn;
use crate::error::R;
use crate::held_rows::{self, HeadRow};
use crate::outbox;
use crate::prepared::prepared;
use crate::rows::{naive, utc};
use crate::schema::{audit_chain_head, audit_events, centers, webhooks};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use std::sync::Arc;
use tsunagu_domain::audit::{
    AuditDraft, AuditEvent, AuditRecord, ChainHead, GENESIS_HASH, chain_of, keyed_chain_hash,
    lock_order,
};
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::platform;
use tsunagu_domain::ports::{AuditFilter, AuditLog, StoreResult};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub center_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    pub outcome: String,
    pub request_id: String,
    pub source: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The data key whose audit MAC key chained the event; `NULL` for the unkeyed events
    /// of a database from before the chain was keyed.
    pub key_id: Option<String>,
    pub chain: String,
    pub chain_seq: i64,
}

/// An event as appended. `seq` (the global order) is `None` on PostgreSQL, where the
/// column's sequence gives it without a lock (`DEFAULT`); SQLite, whose writers take turns
/// anyway, is given the next number. Every other absent value is written as a bound `NULL`,
/// not `DEFAULT` (no other column has a default), so the statement's text depends only on
/// how many rows it carries: each row count is one prepared statement.
#[derive(Insertable)]
#[diesel(table_name = audit_events)]
#[diesel(treat_none_as_default_value = false)]
struct NewAuditRow {
    #[diesel(treat_none_as_default_value = true)]
    seq: Option<i64>,
    id: String,
    occurred_at: NaiveDateTime,
    actor_kind: &'static str,
    actor_id: Option<String>,
    actor_role: Option<String>,
    center_id: Option<String>,
    action: &'static str,
    resource_type: &'static str,
    resource_id: Option<String>,
    patient_id: Option<String>,
    outcome: &'static str,
    request_id: String,
    source: Option<String>,
    detail: Option<String>,
    prev_hash: String,
    hash: String,
    key_id: Option<String>,
    chain: String,
    chain_seq: i64,
}

impl AuditRow {
    /// Reads a stored event back as raw strings, so verification hashes exactly what is stored.
    pub fn into_event(self) -> AuditEvent {
        AuditEvent {
            seq: self.seq,
            chain: self.chain,
            chain_seq: self.chain_seq,
            record: AuditRecord {
                id: self.id,
                occurred_at: utc(self.occurred_at).to_rfc3339_opts(SecondsFormat::Micros, true),
                actor_kind: self.actor_kind,
                actor_id: self.actor_id,
                actor_role: self.actor_role,
                center_id: self.center_id,
                action: self.action,
                resource_type: self.resource_type,
                resource_id: self.resource_id,
                patient_id: self.patient_id,
                outcome: self.outcome,
                request_id: self.request_id,
                source: self.source,
                detail: self.detail,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
            key_id: self.key_id,
        }
    }
}

/// The head of a chain that has no event yet: keyed from its first event.
fn new_head(chain: &str) -> (String, i64, String, i64) {
    (chain.to_owned(), 0, GENESIS_HASH.to_owned(), 1)
}

/// Makes `chain`'s head row if it has none (a new center's, in the transaction that creates
/// the center). Waits for, and then leaves alone, one another transaction is making.
pub(crate) fn ensure_head(conn: &mut DbConn, chain: &str) -> R<()> {
    use audit_chain_head::dsl as h;
    let (c, seq, hash, keyed_from) = new_head(chain);
    let row = (
        h::chain.eq(c),
        h::seq.eq(seq),
        h::hash.eq(hash),
        h::keyed_from_seq.eq(keyed_from),
    );
    per_backend!(conn, c => diesel::insert_into(h::audit_chain_head)
        .values(row)
        .on_conflict(h::chain)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// Locks `chain`'s head row for the rest of the transaction and reads it: `(seq, hash,
/// last_change_at, has_active_webhooks)`. A chain without a head row (a center made before
/// its head was, by another path) gets one first.
fn lock_head(conn: &mut DbConn, chain: &str) -> R<HeadRow> {
    if let Some(head) = held_rows::head(conn, chain) {
        return Ok(head);
    }
    let head = lock_head_row(conn, chain)?;
    held_rows::keep_head(conn, chain, &head);
    Ok(head)
}

fn lock_head_row(conn: &mut DbConn, chain: &str) -> R<HeadRow> {
    use audit_chain_head::dsl as h;
    let lock = |conn: &mut DbConn| {
        let head = h::audit_chain_head.filter(h::chain.eq(chain)).select((
            h::seq,
            h::hash,
            h::last_change_at,
            h::has_active_webhooks,
        ));
        match conn {
            // A row lock, not an update: an update per lock left a dead version of the row
            // each time, and a transaction writing many records (an import's commit) walked
            // ever longer chains of them, row after row.
            DbConn::Pg(c) => head.for_no_key_update().first(c).optional(),
            // The writer's BEGIN IMMEDIATE holds the whole database already.
            DbConn::Sqlite(c) => head.first(c).optional(),
        }
    };
    if let Some(head) = lock(conn)? {
        return Ok(head);
    }
    ensure_head(conn, chain)?;
    Ok(lock(conn)?.ok_or(diesel::result::Error::NotFound)?)
}

/// Records the events of a change inside the caller's transaction: appends each to its
/// chain (its center's, or the platform's) and, when it announces a webhook event, writes
/// that event's outbox rows, so the change, its audit trail and its deliveries commit (or
/// fail) together — and so does the mark that completes the request's `Idempotency-Key`, if
/// it has one.
///
/// Updating a chain's head row first takes its lock, which serialises appends to that chain
/// across connections and API replicas (and only to that chain: another center's writes go
/// on); the head then tells the chain's sequence number and hash to continue from. Heads
/// are locked in [`lock_order`]. Each link is an HMAC under the current data key's audit
/// MAC key (see [`tsunagu_domain::audit`]), and the event records that key's id.
pub(crate) fn append_events(conn: &mut DbConn, keys: &DataKeys, drafts: &[AuditDraft]) -> R<()> {
    if drafts.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = drafts.iter().map(AuditDraft::chain).collect();
    let mut heads: Vec<(&str, i64, String, bool)> = Vec::new();
    for chain in lock_order(names.iter().map(String::as_str)) {
        let (seq, hash, _, announces) = lock_head(conn, chain)?;
        heads.push((chain, seq, hash, announces));
    }
    // The global order: SQLite's writers take turns (BEGIN IMMEDIATE), so the next number
    // is the last one's successor; PostgreSQL's sequence needs no lock.
    let mut global = match conn {
        DbConn::Sqlite(_) => Some(
            audit_events::table
                .select(diesel::dsl::max(audit_events::seq))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0),
        ),
        DbConn::Pg(_) => None,
    };
    let (key_id, key) = keys.current_audit_mac_key();
    let mut rows = Vec::with_capacity(drafts.len());
    let mut announced = Vec::new();
    for (d, chain) in drafts.iter().zip(&names) {
        let Some(head) = heads.iter_mut().find(|h| h.0 == chain) else {
            return Err(diesel::result::Error::NotFound.into());
        };
        let chain_seq = head.1 + 1;
        let record = d.record();
        let hash = keyed_chain_hash(key, &head.2, &record.canonical(chain_seq));
        global = global.map(|g| g + 1);
        let row = NewAuditRow {
            seq: global,
            id: record.id,
            occurred_at: naive(d.occurred_at),
            actor_kind: d.actor_kind,
            actor_id: record.actor_id,
            actor_role: d.actor_role.clone(),
            center_id: record.center_id,
            action: d.action.as_str(),
            resource_type: d.action.resource_type(),
            resource_id: d.resource_id.clone(),
            patient_id: record.patient_id,
            outcome: d.outcome.as_str(),
            request_id: d.request_id.clone(),
            source: d.source.clone(),
            detail: d.detail.clone(),
            prev_hash: std::mem::replace(&mut head.2, hash.clone()),
            hash,
            key_id: Some(key_id.to_owned()),
            chain: chain.clone(),
            chain_seq,
        };
        head.1 = chain_seq;
        rows.push(row);
        // The one place an audited change becomes an outbound event: read from the locked
        // head, a center with no active subscription needs no look-up of them.
        if head.3
            && let Some(e) = platform::event_of(d)
        {
            announced.push((e, d.occurred_at));
        }
    }
    insert_rows(conn, rows)?;
    for (e, at) in announced {
        outbox::enqueue(conn, &e, at)?;
    }
    for (chain, seq, hash, _) in heads {
        if held_rows::advance_head(conn, chain, seq, &hash) {
            continue;
        }
        prepared(
            diesel::update(audit_chain_head::table.filter(audit_chain_head::chain.eq(chain))).set(
                (
                    audit_chain_head::seq.eq(seq),
                    audit_chain_head::hash.eq(hash),
                ),
            ),
        )
        .run_direct(conn)?;
    }
    // A change made under an Idempotency-Key completes the key in this same transaction.
    crate::idempotency::mark_committed(conn, drafts)
}

/// Most events one insert carries on PostgreSQL; each count up to it is one prepared form.
const ROWS_PER_INSERT: usize = 16;

/// Inserts the events: on PostgreSQL up to [`ROWS_PER_INSERT`] in one statement, so a batch
/// of the access log's group commit (or the events of an import's commit) costs a round
/// trip per sixteen events rather than one each, and sent with the chain head's write-back
/// where the transaction holds it (see [`crate::later`]). On SQLite, inside the process, a
/// statement is a call rather than a round trip, and diesel would write a multi-row insert
/// that may hold `DEFAULT` (the column `seq`) as one insert per row anyway.
fn insert_rows(conn: &mut DbConn, rows: Vec<NewAuditRow>) -> R<()> {
    match conn {
        DbConn::Pg(_) => {
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let chunk: Vec<NewAuditRow> = rows.by_ref().take(ROWS_PER_INSERT).collect();
                held_rows::write_later(
                    conn,
                    Box::new(diesel::insert_into(audit_events::table).values(chunk)),
                )?;
            }
        }
        DbConn::Sqlite(_) => {
            for row in rows {
                prepared(diesel::insert_into(audit_events::table).values(row)).run_direct(conn)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn append_event(conn: &mut DbConn, keys: &DataKeys, d: &AuditDraft) -> R<()> {
    append_events(conn, keys, std::slice::from_ref(d))
}

/// The `updated_at` of a change to a center's records, taken under the lock of the center's
/// audit chain head (which the transaction holds until it commits): never before
/// `proposed`, and always after the last one given in that center. So these times follow
/// the order in which the center's changes commit, and a client syncing a center's records
/// with `updated_since` (every such list is one center's) cannot miss a change that
/// committed late with an earlier time — while other centers' changes go on meanwhile.
/// The change's events go to the same chain (they name the same center), so the
/// transaction holds one head.
pub(crate) fn change_stamp(
    conn: &mut DbConn,
    center: Uuid,
    proposed: DateTime<Utc>,
) -> R<NaiveDateTime> {
    let chain = chain_of(Some(center));
    let (_, _, last, _) = lock_head(conn, &chain)?;
    let stamp = next_stamp(last, naive(proposed));
    if !held_rows::stamp_head(conn, &chain, stamp) {
        diesel::update(audit_chain_head::table.filter(audit_chain_head::chain.eq(&chain)))
            .set(audit_chain_head::last_change_at.eq(Some(stamp)))
            .execute(conn)?;
    }
    Ok(stamp)
}

/// Writes on the center's chain head whether the center has an active webhook subscription,
/// after its webhooks changed in this transaction; the center's writes read it from the
/// head they lock (see [`append_events`]) instead of looking up the subscriptions each time.
/// The head is locked first, so the look-up — a statement after the lock — sees every
/// subscription another transaction committed, and none can commit a change of its own in
/// between: the flag a write reads is never stale.
pub(crate) fn note_webhooks_changed(conn: &mut DbConn, center: Uuid) -> R<()> {
    let chain = chain_of(Some(center));
    lock_head(conn, &chain)?;
    let active: bool = diesel::select(diesel::dsl::exists(
        webhooks::table
            .filter(webhooks::center_id.eq(center.to_string()))
            .filter(webhooks::active.eq(true)),
    ))
    .get_result(conn)?;
    diesel::update(audit_chain_head::table.filter(audit_chain_head::chain.eq(&chain)))
        .set(audit_chain_head::has_active_webhooks.eq(active))
        .execute(conn)?;
    held_rows::note_webhooks(conn, &chain, active);
    Ok(())
}

/// `proposed`, or just after the last stamp given when that is not earlier.
fn next_stamp(last: Option<NaiveDateTime>, proposed: NaiveDateTime) -> NaiveDateTime {
    match last {
        Some(l) if l >= proposed => l + chrono::Duration::microseconds(1),
        _ => proposed,
    }
}

impl AuditLog for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(events = events.len()))]
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()> {
        let refused = match self.write(|c| append_events(c, &self.keys, events)) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        // A retry of events whose commit went through while its answer was lost (the
        // database restarted between the two) would be refused for ever, their ids taken:
        // the access log retries its batch until it is stored. An event is its id, so those
        // stored are left out and the rest appended.
        let ids: Vec<String> = events.iter().map(|d| d.id.to_string()).collect();
        let Ok(stored) = self.read(|c| {
            Ok(audit_events::table
                .filter(audit_events::id.eq_any(&ids))
                .select(audit_events::id)
                .load::<String>(c)?)
        }) else {
            return Err(refused);
        };
        if stored.is_empty() {
            return Err(refused);
        }
        let rest: Vec<AuditDraft> = events
            .iter()
            .filter(|d| !stored.contains(&d.id.to_string()))
            .cloned()
            .collect();
        self.write(|c| append_events(c, &self.keys, &rest))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn audit_chain_names(&self) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut names: std::collections::BTreeSet<String> = audit_chain_head::table
                .select(audit_chain_head::chain)
                .load::<String>(c)?
                .into_iter()
                .collect();
            names.extend(centers::table.select(centers::id).load::<String>(c)?);
            names.extend(
                audit_events::table
                    .select(audit_events::chain)
                    .distinct()
                    .load::<String>(c)?,
            );
            Ok(names.into_iter().collect())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(chain = chain))]
    fn audit_chain_head(&self, chain: &str) -> StoreResult<Option<ChainHead>> {
        self.read(|c| {
            let head = audit_chain_head::table
                .filter(audit_chain_head::chain.eq(chain))
                .select((
                    audit_chain_head::seq,
                    audit_chain_head::hash,
                    audit_chain_head::keyed_from_seq,
                ))
                .first::<(i64, String, i64)>(c)
                .optional()?;
            Ok(head.map(|(seq, hash, keyed_from_seq)| ChainHead {
                chain: chain.to_owned(),
                seq,
                hash,
                keyed_from_seq,
            }))
        })
    }

    fn audit_chain_keys(&self) -> Arc<DataKeys> {
        self.keys.clone()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(chain = chain, after_seq = after_seq, limit = limit))]
    fn audit_chain(&self, chain: &str, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| {
            let rows: Vec<AuditRow> = audit_events::table
                .filter(audit_events::chain.eq(chain))
                .filter(audit_events::chain_seq.gt(after_seq))
                .order(audit_events::chain_seq.asc())
                .limit(limit)
                .select(AuditRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(AuditRow::into_event).collect())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = ?f.center, limit = limit))]
    fn audit_events(&self, f: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| {
            use audit_events::dsl as e;
            let mut q = e::audit_events
                .order(e::seq.desc())
                .limit(limit)
                .select(AuditRow::as_select())
                .into_boxed();
            if let Some(center) = f.center {
                q = q.filter(e::center_id.eq(center.to_string()));
            }
            if let Some(p) = f.patient_id {
                q = q.filter(e::patient_id.eq(p.to_string()));
            }
            if let Some(a) = f.actor_id {
                q = q.filter(e::actor_id.eq(a.to_string()));
            }
            if let Some(action) = &f.action {
                q = if action.ends_with('.') {
                    q.filter(e::action.like(format!("{action}%")))
                } else {
                    q.filter(e::action.eq(action.clone()))
                };
            }
            if let Some(t) = f.from {
                q = q.filter(e::occurred_at.ge(naive(t)));
            }
            if let Some(t) = f.to {
                q = q.filter(e::occurred_at.lt(naive(t)));
            }
            if let Some(s) = f.before_seq {
                q = q.filter(e::seq.lt(s));
            }
            let rows: Vec<AuditRow> = q.load(c)?;
            Ok(rows.into_iter().map(AuditRow::into_event).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_rise_past_the_last_one_given() {
        let t = |us: i64| {
            chrono::DateTime::from_timestamp_micros(1_800_000_000_000_000 + us)
                .unwrap()
                .naive_utc()
        };
        assert_eq!(next_stamp(None, t(5)), t(5));
        assert_eq!(next_stamp(Some(t(3)), t(5)), t(5));
        // A clock behind the last stamp (another replica's, or the same instant).
        assert_eq!(next_stamp(Some(t(5)), t(5)), t(6));
        assert_eq!(next_stamp(Some(t(9)), t(5)), t(10));
    }

    use crate::db::write_tx;
    use chrono::SubsecRound;
    use std::sync::Mutex;
    use tsunagu_domain::events::Action;

    /// The statements sent since the last call that touched the chain heads.
    fn head_statements(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
        crate::testing::sent(seen)
            .into_iter()
            .filter(|q| q.contains("audit_chain_head"))
            .collect()
    }

    fn head_row(c: &mut DbConn, chain: &str) -> (i64, Option<NaiveDateTime>) {
        audit_chain_head::table
            .filter(audit_chain_head::chain.eq(chain))
            .select((audit_chain_head::seq, audit_chain_head::last_change_at))
            .first(c)
            .expect("head")
    }

    /// The chain's events' sequence numbers, in order.
    fn chain_seqs(c: &mut DbConn, chain: &str) -> Vec<i64> {
        audit_events::table
            .filter(audit_events::chain.eq(chain))
            .order(audit_events::chain_seq.asc())
            .select(audit_events::chain_seq)
            .load(c)
            .expect("events")
    }

    /// A new center's chain, with its head: the center and the chain's name.
    fn new_chain(c: &mut DbConn) -> (Uuid, String) {
        let center = Uuid::now_v7();
        let chain = chain_of(Some(center));
        write_tx(c, |c| ensure_head(c, &chain)).expect("head");
        (center, chain)
    }

    /// A change that stamps its record and appends two events (a new id each): the stamp.
    fn stamp_and_two_events(
        c: &mut DbConn,
        keys: &DataKeys,
        center: Uuid,
        at: DateTime<Utc>,
    ) -> NaiveDateTime {
        let ev = || AuditDraft::system(at, Action::PatientRead).center(Some(center));
        write_tx(c, |c| -> R<NaiveDateTime> {
            let stamp = change_stamp(c, center, at)?;
            append_event(c, keys, &ev())?;
            append_event(c, keys, &ev())?;
            Ok(stamp)
        })
        .expect("write")
    }

    #[test]
    fn a_write_locks_and_writes_its_chain_head_once_and_a_failed_one_leaves_it_alone() {
        let keys =
            DataKeys::from_base64(&tsunagu_domain::data_keys::generate_key(), &[]).expect("key");
        let (mut c, seen) = crate::testing::memory_db();
        let (center, chain) = new_chain(&mut c);
        head_statements(&seen);

        // A change stamps its record and appends two events: one lock, one update.
        let at = Utc::now();
        let ev = || AuditDraft::system(at, Action::PatientRead).center(Some(center));
        let stamp = stamp_and_two_events(&mut c, &keys, center, at);
        let statements = head_statements(&seen);
        assert_eq!(statements.len(), 2, "{statements:#?}");
        assert!(statements[0].starts_with("SELECT"), "{statements:#?}");
        assert!(statements[1].starts_with("UPDATE"), "{statements:#?}");
        assert_eq!(head_row(&mut c, &chain), (2, Some(stamp)));

        // A change that fails after taking the head rolls back, and what was kept of the
        // head goes with it: the next write reads the head again and continues from it.
        let failed = write_tx(&mut c, |c| -> R<()> {
            change_stamp(c, center, at)?;
            append_event(c, &keys, &ev())?;
            Err(diesel::result::Error::RollbackTransaction.into())
        });
        assert!(failed.is_err());
        assert_eq!(head_row(&mut c, &chain), (2, Some(stamp)));
        write_tx(&mut c, |c| append_event(c, &keys, &ev())).expect("write after the failure");
        assert_eq!(head_row(&mut c, &chain).0, 3);
        assert_eq!(chain_seqs(&mut c, &chain), vec![1, 2, 3]);
    }

    /// On PostgreSQL a write's events go with its chain head's write-back as one statement
    /// after the head's lock: four statements in all, however many events; a write that
    /// fails sends neither.
    #[test]
    fn on_postgresql_a_write_sends_its_events_with_its_head_in_one_statement() {
        let keys =
            DataKeys::from_base64(&tsunagu_domain::data_keys::generate_key(), &[]).expect("key");
        let (mut c, seen, _db) = crate::testing::pg_db();
        let (center, chain) = new_chain(&mut c);
        crate::testing::sent(&seen);

        let at = Utc::now();
        let ev = || AuditDraft::system(at, Action::PatientRead).center(Some(center));
        let stamp = stamp_and_two_events(&mut c, &keys, center, at);
        let sent = crate::testing::sent(&seen);
        assert_eq!(sent.len(), 4, "{sent:#?}");
        assert!(sent[1].contains("FOR NO KEY UPDATE"), "{sent:#?}");
        assert!(
            sent[2].starts_with("WITH l0 AS (INSERT INTO \"audit_events\""),
            "{sent:#?}"
        );
        assert!(
            sent[2].contains(") UPDATE \"audit_chain_head\""),
            "{sent:#?}"
        );
        assert_eq!(head_row(&mut c, &chain), (2, Some(stamp.trunc_subsecs(6))));

        let failed = write_tx(&mut c, |c| -> R<()> {
            append_event(c, &keys, &ev())?;
            Err(diesel::result::Error::RollbackTransaction.into())
        });
        assert!(failed.is_err());
        assert!(
            !crate::testing::sent(&seen)
                .iter()
                .any(|q| q.contains("INSERT")),
            "a failed write sends no event"
        );
        write_tx(&mut c, |c| append_event(c, &keys, &ev())).expect("write after the failure");
        assert_eq!(chain_seqs(&mut c, &chain), vec![1, 2, 3]);
        assert_eq!(head_row(&mut c, &chain).0, 3);
    }

    /// Whether the center's subscriptions were looked up, how many deliveries were queued.
    fn announced(
        c: &mut DbConn,
        keys: &DataKeys,
        center: Uuid,
        seen: &Arc<Mutex<Vec<String>>>,
    ) -> (bool, i64) {
        crate::testing::sent(seen);
        let ev = AuditDraft::system(Utc::now(), Action::ConsultationCreate)
            .center(Some(center))
            .resource(Uuid::now_v7());
        write_tx(c, |c| append_event(c, keys, &ev)).expect("write");
        let looked = crate::testing::sent(seen)
            .iter()
            .any(|q| q.contains("FROM `webhooks`") || q.contains("FROM \"webhooks\""));
        let queued = crate::schema::webhook_deliveries::table
            .count()
            .get_result(c)
            .expect("deliveries");
        (looked, queued)
    }

    #[test]
    fn a_write_looks_up_subscriptions_only_when_its_chain_head_says_the_center_has_one() {
        let keys =
            DataKeys::from_base64(&tsunagu_domain::data_keys::generate_key(), &[]).expect("key");
        let (mut c, seen) = crate::testing::memory_db();
        let center = Uuid::now_v7();
        write_tx(&mut c, |c| ensure_head(c, &chain_of(Some(center)))).expect("head");

        // No subscription: no look-up, nothing queued.
        assert_eq!(announced(&mut c, &keys, center, &seen), (false, 0));

        // One is made (as the webhook store does: the row, then the head's flag).
        let hook = Uuid::now_v7().to_string();
        let now = Utc::now().naive_utc();
        write_tx(&mut c, |c| -> R<()> {
            diesel::insert_into(webhooks::table)
                .values((
                    webhooks::id.eq(&hook),
                    webhooks::center_id.eq(center.to_string()),
                    webhooks::url.eq("https://example.jp/hook"),
                    webhooks::events.eq("consultation.created"),
                    webhooks::secret.eq("sealed"),
                    webhooks::active.eq(true),
                    webhooks::created_by.eq("test"),
                    webhooks::created_at.eq(now),
                    webhooks::updated_at.eq(now),
                    webhooks::version.eq(1),
                ))
                .execute(c)?;
            note_webhooks_changed(c, center)
        })
        .expect("subscribe");
        assert_eq!(announced(&mut c, &keys, center, &seen), (true, 1));
        // Another center's writes are not its business.
        let other = Uuid::now_v7();
        write_tx(&mut c, |c| ensure_head(c, &chain_of(Some(other)))).expect("head");
        assert_eq!(announced(&mut c, &keys, other, &seen), (false, 1));

        // Paused: the flag goes down with it, and writes stop looking.
        write_tx(&mut c, |c| -> R<()> {
            diesel::update(webhooks::table.filter(webhooks::id.eq(&hook)))
                .set(webhooks::active.eq(false))
                .execute(c)?;
            note_webhooks_changed(c, center)
        })
        .expect("pause");
        assert_eq!(announced(&mut c, &keys, center, &seen), (false, 1));
    }
}
