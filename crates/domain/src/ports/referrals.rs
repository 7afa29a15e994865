use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::{FollowUp, LevelChange, Provision, Referral};
use crate::page::{Page, PageRequest};
use crate::values::{ReferralStatus, ReviewState};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    pub patient_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    pub status: Option<ReferralStatus>,
    pub review_state: Option<ReviewState>,
}

/// What a referral's creation or change writes besides the referral row, in the same
/// transaction: its level history, the record of data provided, a scheduled follow-up,
/// and (on closing) the cancellation of follow-ups still open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralEffects {
    pub level_change: Option<LevelChange>,
    /// The store re-checks, inside the transaction, that the named consent still allows it
    /// (see [`crate::entities::Consent::allows_provision`]).
    pub provision: Option<Provision>,
    pub follow_up: Option<FollowUp>,
    pub cancel_open_follow_ups_on: Option<NaiveDate>,
}

/// Referrals with their level history and the record of data provided to agencies.
pub trait ReferralStore {
    /// Returns the stored `updated_at`: writes to case records take it from a clock that
    /// follows commit order (never earlier than the record's own), for incremental sync.
    fn insert_referral(
        &self,
        r: &Referral,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<DateTime<Utc>>;
    fn referral(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Referral>>;
    /// Newest referral date first.
    fn referrals(
        &self,
        center: Uuid,
        filter: &ReferralFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Referral>>;
    fn save_referral(
        &self,
        r: &Referral,
        expected_version: i32,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<Referral>;
    /// A referral's level history, oldest first.
    fn level_changes(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<LevelChange>>;
    /// The record of data provided to agencies about a patient, oldest first.
    fn provisions(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Provision>>;
}
