use super::StoreResult;
use crate::audit::AuditDraft;
use crate::peer_support::{PeerActivity, PeerAssignment};
use chrono::NaiveDate;
use uuid::Uuid;

/// Peer supporters' assignments to patients, and the rows of their evidence.
pub trait PeerSupportStore {
    /// Refuses a second open assignment of the same supporter to the same patient (409
    /// `already_assigned`), also when two supervisors assign at once.
    fn insert_peer_assignment(
        &self,
        a: &PeerAssignment,
        audit: &AuditDraft,
    ) -> StoreResult<PeerAssignment>;
    /// The patient's assignments, open and ended, newest first.
    fn peer_assignments(&self, center: Uuid, patient: Uuid) -> StoreResult<Vec<PeerAssignment>>;
    /// Ends the open assignment of `user` to `patient`; `None` when there is none.
    fn end_peer_assignment(
        &self,
        center: Uuid,
        patient: Uuid,
        user: Uuid,
        on: NaiveDate,
        by: Uuid,
        audit: &AuditDraft,
    ) -> StoreResult<Option<PeerAssignment>>;
    /// Whether `patient` is assigned to `supporter` now.
    fn is_assigned(&self, center: Uuid, patient: Uuid, supporter: Uuid) -> StoreResult<bool>;
    /// The rows of the evidence of the center's peer supporters for `from..=to`.
    fn peer_activity(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<PeerActivity>;
}
