use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::{FollowUp, FollowUpView};
use crate::page::{Page, PageRequest};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Which follow-ups a queue shows. `Open` is due and overdue together, overdue first;
/// `All` is every follow-up including done and cancelled ones, by due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    All,
    Open,
    Due,
    Overdue,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub state: FollowUpState,
    pub assignee: Option<Uuid>,
    pub referral_id: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    /// Today in Asia/Tokyo: what separates due from overdue.
    pub today: NaiveDate,
    /// Only those due before this day (escalation).
    pub due_before: Option<NaiveDate>,
    /// Only those due within this window (either end may be open; both included).
    pub due_within: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
}

pub trait FollowUpStore {
    /// Returns the stored `updated_at` (see [`super::ReferralStore::insert_referral`]).
    fn insert_follow_up(&self, f: &FollowUp, audit: &AuditDraft) -> StoreResult<DateTime<Utc>>;
    fn follow_up(&self, center: Uuid, id: Uuid) -> StoreResult<Option<FollowUpView>>;
    fn follow_ups(
        &self,
        center: Uuid,
        filter: &FollowUpFilter,
        page: PageRequest,
    ) -> StoreResult<Page<FollowUpView>>;
    /// Writes the follow-up if its version matches, and inserts `next` (the one it scheduled).
    /// With `review_pending`, its referral goes to review (`pending`) in the same transaction.
    fn save_follow_up(
        &self,
        f: &FollowUp,
        expected_version: i32,
        next: Option<&FollowUp>,
        review_pending: bool,
        audit: &[AuditDraft],
    ) -> StoreResult<FollowUp>;
    fn count_done_follow_ups(&self, center: Uuid, referral_id: Uuid) -> StoreResult<i64>;
    /// Hands the open follow-ups `(id, version)` to `to`, all or none: one that was done,
    /// cancelled or changed meanwhile rolls the whole hand-over back (409
    /// `follow_ups_changed`).
    fn reassign_follow_ups(
        &self,
        center: Uuid,
        follow_ups: &[(Uuid, i32)],
        to: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditDraft],
    ) -> StoreResult<()>;
}
