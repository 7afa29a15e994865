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
    /// Newest first: events with `seq` below this.
    pub before_seq: Option<i64>,
}

/// The audit trail: a hash chain that changes are appended to in their own transactions.
pub trait AuditLog {
    /// Appends events that go with no other change (reads, denials, failed sign-ins).
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()>;
    /// Events with `seq > after_seq` in chain order, for verification.
    fn audit_chain(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;
    /// The chain's head row.
    fn audit_chain_head(&self) -> StoreResult<ChainHead>;
    /// The keys events are chained under (the data keys, whose audit MAC keys the store
    /// appends with), for verification and checkpoints.
    fn audit_chain_keys(&self) -> Arc<DataKeys>;
    /// Events matching the filter, newest first, at most `limit`.
    fn audit_events(&self, filter: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>>;
}
