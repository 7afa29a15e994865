//! Wire types of the audit trail: its events (also as CSV rows) and the chains' verification.

use crate::sheet::Cell;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Who did or read what. Never the personal data itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventDto {
    /// The global order of the trail (newest first in lists; the cursor). Rising, with
    /// gaps; not part of any hash.
    pub seq: i64,
    /// The hash chain the event is in: its center's id, or `platform` for events of no
    /// center.
    pub chain: String,
    /// Position in that chain: 1, 2, 3, … without gaps.
    pub chain_seq: i64,
    pub id: String,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// `user`, `client`, `anonymous` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub center_id: Option<String>,
    /// e.g. `patient.read`, `referral.create`, `auth.login`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    /// `success`, `denied`, `not_found` or `failed`.
    pub outcome: String,
    pub request_id: String,
    /// The client's address.
    pub source: Option<String>,
    /// Non-personal context: changed field names, a query and its count, an error code.
    pub detail: Option<String>,
}

impl From<tsunagu_domain::audit::AuditEvent> for AuditEventDto {
    fn from(e: tsunagu_domain::audit::AuditEvent) -> Self {
        let r = e.record;
        Self {
            seq: e.seq,
            chain: e.chain,
            chain_seq: e.chain_seq,
            id: r.id,
            occurred_at: r.occurred_at,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_role: r.actor_role,
            center_id: r.center_id,
            action: r.action,
            resource_type: r.resource_type,
            resource_id: r.resource_id,
            patient_id: r.patient_id,
            outcome: r.outcome,
            request_id: r.request_id,
            source: r.source,
            detail: r.detail,
        }
    }
}

impl AuditEventDto {
    pub const CSV_HEADER: [&'static str; 15] = [
        "seq",
        "id",
        "occurred_at",
        "actor_kind",
        "actor_id",
        "actor_role",
        "center_id",
        "action",
        "resource_type",
        "resource_id",
        "patient_id",
        "outcome",
        "request_id",
        "source",
        "detail",
    ];

    pub fn csv_row(&self) -> Vec<Cell> {
        let o = |s: &Option<String>| Cell::from(s.clone().unwrap_or_default());
        vec![
            self.seq.into(),
            Cell::from(self.id.clone()),
            Cell::from(self.occurred_at.clone()),
            Cell::from(self.actor_kind.clone()),
            o(&self.actor_id),
            o(&self.actor_role),
            o(&self.center_id),
            Cell::from(self.action.clone()),
            Cell::from(self.resource_type.clone()),
            o(&self.resource_id),
            o(&self.patient_id),
            Cell::from(self.outcome.clone()),
            Cell::from(self.request_id.clone()),
            o(&self.source),
            o(&self.detail),
        ]
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// "Who viewed this record": every event naming the patient.
    pub patient_id: Option<uuid::Uuid>,
    pub actor_id: Option<uuid::Uuid>,
    /// An action (`patient.read`) or a prefix ending in a dot (`patient.`).
    #[param(pattern = "^[a-z_.]{1,64}$")]
    pub action: Option<String>,
    /// RFC 3339, inclusive.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339, exclusive.
    #[param(format = DateTime)]
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BrokenLinkDto {
    /// The chain it is in: a center's id, or `platform`.
    pub chain: String,
    /// The event's position in its chain (`chain_seq`); for `truncated`, the first missing
    /// one.
    pub seq: i64,
    /// The event's id; empty when the event is missing.
    pub id: String,
    /// `content_changed`, `previous_hash_mismatch`, `sequence_gap`, `not_keyed` (an
    /// unkeyed link after the upgrade point: written without the audit key), `unknown_key`
    /// (chained under a data key that is not configured), `truncated` (the trail ends
    /// before the chain's head says), `head_mismatch`, `head_missing` (the chain's head
    /// row is gone) or `upgrade_point_changed`.
    pub reason: &'static str,
}

/// One chain's walk.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditChainState {
    /// A center's id, or `platform`.
    pub chain: String,
    pub valid: bool,
    /// Events checked in this chain.
    pub checked: i64,
    /// Where the chain ends (its last `chain_seq`; 0 when it has no event yet).
    pub last_seq: i64,
    /// The hash of that event (the genesis hash, all zeros, for an empty chain).
    pub last_hash: String,
}

/// The result of walking the hash chains in the reader's reach: a center's supervisor or
/// administrator their center's chain, the system administrator every chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    /// Every chain walked is intact.
    pub valid: bool,
    /// Events checked (up to and including a broken one), in all chains walked.
    pub checked: i64,
    /// The first broken link of the first broken chain.
    pub first_broken: Option<BrokenLinkDto>,
    pub chains: Vec<AuditChainState>,
}
