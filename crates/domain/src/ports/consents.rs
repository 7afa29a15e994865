use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::Consent;
use uuid::Uuid;

pub trait ConsentStore {
    fn insert_consent(&self, consent: &Consent, audit: &AuditDraft) -> StoreResult<()>;
    fn consent(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consent>>;
    /// A patient's consents, oldest first (the history is never rewritten).
    fn consents(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Consent>>;
    fn save_consent(
        &self,
        consent: &Consent,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consent>;
}
