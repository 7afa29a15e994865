use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::Consultation;
use crate::page::{Page, PageRequest};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsultationFilter {
    pub patient_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// Occurred at or after.
    pub from: Option<DateTime<Utc>>,
    /// Occurred before.
    pub to: Option<DateTime<Utc>>,
    /// A peer supporter's reach: consultations of the patients assigned to them now, and
    /// the anonymous ones they recorded (see `policy::PatientReach`).
    pub supporter: Option<Uuid>,
}

pub trait ConsultationStore {
    /// Returns the stored `updated_at` (see [`super::ReferralStore::insert_referral`]).
    fn insert_consultation(
        &self,
        c: &Consultation,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>>;
    fn consultation(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consultation>>;
    /// Newest first.
    fn consultations(
        &self,
        center: Uuid,
        filter: &ConsultationFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Consultation>>;
    fn save_consultation(
        &self,
        c: &Consultation,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consultation>;
}
