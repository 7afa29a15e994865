//! The audit trail: a hash chain of events, appended to inside the transaction of the change
//! each event records. Appending is also where an audited change that is a webhook event
//! reaches the outbox (see [`append_events`]).

use crate::DieselStore;
use crate::db::DbConn;
use crate::error::R;
use crate::outbox;
use crate::rows::{naive, utc};
use crate::schema::{audit_chain_head, audit_events};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use std::sync::Arc;
use tsunagu_domain::audit::{AuditDraft, AuditEvent, AuditRecord, ChainHead, keyed_chain_hash};
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::platform;
use tsunagu_domain::ports::{AuditFilter, AuditLog, StoreResult};

#[derive(Queryable, Selectable, Insertable)]
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
}

impl AuditRow {
    pub fn new(seq: i64, d: &AuditDraft, prev_hash: String, hash: String, key_id: &str) -> Self {
        Self {
            seq,
            id: d.id.to_string(),
            occurred_at: naive(d.occurred_at),
            actor_kind: d.actor_kind.to_owned(),
            actor_id: d.actor_id.map(|u| u.to_string()),
            actor_role: d.actor_role.clone(),
            center_id: d.center_id.map(|u| u.to_string()),
            action: d.action.as_str().to_owned(),
            resource_type: d.action.resource_type().to_owned(),
            resource_id: d.resource_id.clone(),
            patient_id: d.patient_id.map(|u| u.to_string()),
            outcome: d.outcome.as_str().to_owned(),
            request_id: d.request_id.clone(),
            source: d.source.clone(),
            detail: d.detail.clone(),
            prev_hash,
            hash,
            key_id: Some(key_id.to_owned()),
        }
    }

    /// Reads a stored event back as raw strings, so verification hashes exactly what is stored.
    pub fn into_event(self) -> AuditEvent {
        AuditEvent {
            seq: self.seq,
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

/// Records the events of a change inside the caller's transaction: appends each to the hash
/// chain and, when it announces a webhook event, writes that event's outbox rows, so the
/// change, its audit trail and its deliveries commit (or fail) together — and so does the
/// mark that completes the request's `Idempotency-Key`, if it has one.
///
/// Updating the head row first takes its lock, which serialises appends across connections
/// and API replicas; the head then tells the sequence number and hash to continue from.
/// Each link is an HMAC under the current data key's audit MAC key (see
/// [`tsunagu_domain::audit`]), and the event records that key's id.
pub(crate) fn append_events(conn: &mut DbConn, keys: &DataKeys, drafts: &[AuditDraft]) -> R<()> {
    if drafts.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev): (i64, String) =
        diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
            .set(audit_chain_head::seq.eq(audit_chain_head::seq))
            .returning((audit_chain_head::seq, audit_chain_head::hash))
            .get_result(conn)?;
    let (key_id, key) = keys.current_audit_mac_key();
    for d in drafts {
        seq += 1;
        let hash = keyed_chain_hash(key, &prev, &d.record().canonical(seq));
        diesel::insert_into(audit_events::table)
            .values(AuditRow::new(seq, d, prev, hash.clone(), key_id))
            .execute(conn)?;
        prev = hash;
        // The one place an audited change becomes an outbound event.
        if let Some(e) = platform::event_of(d) {
            outbox::enqueue(conn, &e, d.occurred_at)?;
        }
    }
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set((
            audit_chain_head::seq.eq(seq),
            audit_chain_head::hash.eq(prev),
        ))
        .execute(conn)?;
    // A change made under an Idempotency-Key completes the key in this same transaction.
    crate::idempotency::mark_committed(conn, drafts)
}

pub(crate) fn append_event(conn: &mut DbConn, keys: &DataKeys, d: &AuditDraft) -> R<()> {
    append_events(conn, keys, std::slice::from_ref(d))
}

/// The `updated_at` of a change to case records, taken under the audit chain's lock (which
/// the transaction holds until it commits): never before `proposed`, and always after the
/// last one given. So these times follow commit order, and a client syncing with
/// `updated_since` cannot miss a change that committed late with an earlier time.
pub(crate) fn change_stamp(conn: &mut DbConn, proposed: DateTime<Utc>) -> R<NaiveDateTime> {
    let last: Option<NaiveDateTime> =
        diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
            .set(audit_chain_head::seq.eq(audit_chain_head::seq))
            .returning(audit_chain_head::last_change_at)
            .get_result(conn)?;
    let proposed = naive(proposed);
    let stamp = match last {
        Some(l) if l >= proposed => l + chrono::Duration::microseconds(1),
        _ => proposed,
    };
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set(audit_chain_head::last_change_at.eq(Some(stamp)))
        .execute(conn)?;
    Ok(stamp)
}

impl AuditLog for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(events = events.len()))]
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()> {
        self.write(|c| append_events(c, &self.keys, events))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn audit_chain_head(&self) -> StoreResult<ChainHead> {
        self.read(|c| {
            let (seq, hash, keyed_from_seq) = audit_chain_head::table
                .filter(audit_chain_head::id.eq(1))
                .select((
                    audit_chain_head::seq,
                    audit_chain_head::hash,
                    audit_chain_head::keyed_from_seq,
                ))
                .first(c)?;
            Ok(ChainHead {
                seq,
                hash,
                keyed_from_seq,
            })
        })
    }

    fn audit_chain_keys(&self) -> Arc<DataKeys> {
        self.keys.clone()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(after_seq = after_seq, limit = limit))]
    fn audit_chain(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| {
            let rows: Vec<AuditRow> = audit_events::table
                .filter(audit_events::seq.gt(after_seq))
                .order(audit_events::seq.asc())
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
