use super::StoreResult;
use crate::audit::{AuditDraft, AuditEvent, ChainHead};
use crate::data_keys::DataKeys;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// Which audit events to list. `center` is `None` only for the system administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub center: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// An exact action (`patient.read`) or a prefix ending in a dot (`patient.`).
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Newest first: events with (global) `seq` below this.
    pub before_seq: Option<i64>,
}

/// The audit trail: hash chains (one per center, one for the platform) that changes are
/// appended to in their own transactions.
pub trait AuditLog {
    /// Appends events that go with no other change (reads, denials, failed sign-ins).
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()>;
    /// Every chain there is reason to walk: those with a head row, every center's (which
    /// has one from its creation) and any that events name. In no particular order.
    fn audit_chain_names(&self) -> StoreResult<Vec<String>>;
    /// Events of `chain` with `chain_seq > after_seq` in chain order, for verification.
    fn audit_chain(&self, chain: &str, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;
    /// A chain's head row, if it has one.
    fn audit_chain_head(&self, chain: &str) -> StoreResult<Option<ChainHead>>;
    /// The keys events are chained under (the data keys, whose audit MAC keys the store
    /// appends with), for verification and checkpoints.
    fn audit_chain_keys(&self) -> Arc<DataKeys>;
    /// Events matching the filter, newest first, at most `limit`.
    fn audit_events(&self, filter: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>>;
}
