use super::StoreResult;
use crate::audit::AuditDraft;
use crate::cases::MergeCounts;
use crate::entities::Patient;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Merging a patient registered twice (see `cases::merges`).
pub trait PatientMergeStore {
    /// What merging `merged` into `survivor` would move now.
    fn merge_preview(&self, center: Uuid, survivor: Uuid, merged: Uuid)
    -> StoreResult<MergeCounts>;
    /// Moves every record of `merged` to `survivor` and marks `merged` as merged into it,
    /// with the audit event (its detail completed with the counts), in one transaction.
    /// Answers 409 `already_merged` if either was merged meanwhile.
    #[allow(clippy::too_many_arguments)]
    fn merge_patients(
        &self,
        center: Uuid,
        survivor: Uuid,
        merged: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        today: NaiveDate,
        audit: &AuditDraft,
    ) -> StoreResult<(Patient, MergeCounts)>;
}
