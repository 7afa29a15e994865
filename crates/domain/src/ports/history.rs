use super::StoreResult;
use crate::entities::CaseHistory;
use uuid::Uuid;

pub trait CaseHistoryStore {
    /// Everything on one patient's path, for the timeline.
    fn case_history(&self, center: Uuid, patient_id: Uuid) -> StoreResult<CaseHistory>;
}
