use super::StoreResult;
use crate::entities::{CaseHistory, Patient};
use uuid::Uuid;

pub trait CaseHistoryStore {
    /// Everything on one patient's path in `center`, for the timeline. The caller has read
    /// the patient already; its name and case number label the follow-ups.
    fn case_history(&self, center: Uuid, patient: &Patient) -> StoreResult<CaseHistory>;
}
