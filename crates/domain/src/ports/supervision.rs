use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::{QueueRow, Referral, Review};
use crate::page::{Page, PageRequest};
use crate::supervision::QueueFilter;
use crate::supervision::rules::{QueueBounds, QueueReason};
use crate::values::{AgencyType, Level, ReviewState};
use chrono::NaiveDate;
use uuid::Uuid;

/// Raw counts behind the supervision summary; the domain turns them into rates and medians.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    /// (consultant, agency type, level, referrals made in the period).
    pub referrals: Vec<(Uuid, AgencyType, Level, i64)>,
    /// (assignee, agency type, follow-ups due in the period (not cancelled), done on time).
    pub due: Vec<(Uuid, AgencyType, i64, i64)>,
    /// (assignee, agency type, open follow-ups overdue today).
    pub overdue: Vec<(Uuid, AgencyType, i64)>,
    /// (consultant, agency type, days from a referral in the period to its first done
    /// follow-up).
    pub first_follow_up_days: Vec<(Uuid, AgencyType, i64)>,
    /// (consultant, agency type, reviews returned in the period).
    pub returned: Vec<(Uuid, AgencyType, i64)>,
}

/// A page of the audit queue and the whole queue's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub rows: Page<QueueRow>,
    /// Referrals in the queue, on every page.
    pub total: i64,
    /// How many referrals carry each reason (a referral may carry several), most urgent
    /// reason first; reasons nobody carries are left out.
    pub by_reason: Vec<(QueueReason, i64)>,
}

pub trait SupervisionStore {
    /// Stores a review and moves its referral to `state` (its version too), if the referral
    /// is still at `expected_version`.
    fn insert_review(
        &self,
        review: &Review,
        state: ReviewState,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Referral>;
    /// A referral's reviews, oldest first.
    fn reviews(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Review>>;
    /// Who recorded the referral's done follow-ups.
    fn follow_up_recorders(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Uuid>>;
    /// One page of the audit queue: the referrals for which
    /// [`crate::supervision::rules::queue_reasons`] finds a reason, in
    /// [`crate::supervision::rules::queue_order`], found and ordered by the database so only
    /// the page is loaded; with how many there are in all and how many carry each reason.
    fn queue_page(
        &self,
        center: Uuid,
        bounds: &QueueBounds,
        filter: &QueueFilter,
        page: &PageRequest,
    ) -> StoreResult<QueuePage>;
    /// Follow-up statistics per consultant or agency type for a period: see
    /// [`SummaryCounts`].
    fn summary_counts(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<SummaryCounts>;
}
