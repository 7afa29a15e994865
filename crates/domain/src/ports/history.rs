use super::StoreResult;
use crate::entities::{CaseHistory, Patient};
use uuid::Uuid;

pub trait CaseHistoryStore {
    /// Everything on one patient's path in `center`, for the timeline. The caller has read
    /// the patient already; its name and case number label the follow-ups.
    fn case_history(&self, center: Uuid, patient: &Patient) -> StoreResult<CaseHistory>;

    /// The patient of `center` and its history, for a caller that has not read the patient:
    /// one round trip fewer than [`Self::case_history`] after reading it. `None` when the
    /// center has no such patient; a merged patient's answer names the one it went into.
    /// `found` is called once the patient is read, before the rest of its history is: the
    /// timeline queues its access event there, so that batches written meanwhile carry it.
    fn patient_with_history(
        &self,
        center: Uuid,
        id: Uuid,
        found: &mut dyn FnMut(&Patient),
    ) -> StoreResult<Option<(Patient, CaseHistory)>>;
}
