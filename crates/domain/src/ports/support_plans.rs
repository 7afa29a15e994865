use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::shoman::queue::PlanQueueRow;
use crate::shoman::{PlanAction, PlanReview, PlanVersion, SupportPlan, TransitionCandidate};
use crate::values::PlanState;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Which plans a list shows; `today` (Asia/Tokyo) separates overdue from scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFilter {
    pub patient_id: Option<Uuid>,
    pub state: Option<PlanState>,
    pub review_due: Option<ReviewDue>,
    /// Only plans with an open action past its due day.
    pub action_overdue: bool,
    pub today: NaiveDate,
}

/// Plans by their next review: `Overdue` (the day has passed), `Scheduled` (today or later).
/// Either lists by that day, earliest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDue {
    Overdue,
    Scheduled,
}

/// What else a plan's change writes in its transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanEffects<'a> {
    /// The revision as submitted.
    pub version: Option<&'a PlanVersion>,
    /// The supervisor's decision.
    pub review: Option<&'a PlanReview>,
}

pub trait SupportPlanStore {
    /// Returns the stored `updated_at` (a change stamp, see
    /// [`super::ReferralStore::insert_referral`]).
    fn insert_support_plan(
        &self,
        p: &SupportPlan,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>>;
    fn support_plan(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupportPlan>>;
    /// Ordered by id, or by review day with a `review_due` filter.
    fn support_plans(
        &self,
        center: Uuid,
        filter: &PlanFilter,
        page: PageRequest,
    ) -> StoreResult<Page<SupportPlan>>;
    /// Writes the plan if it is still at `expected_version` (412 otherwise), with its effects.
    fn save_support_plan(
        &self,
        p: &SupportPlan,
        expected_version: i32,
        effects: PlanEffects<'_>,
        audit: &AuditDraft,
    ) -> StoreResult<SupportPlan>;
    /// The submitted revisions, oldest first.
    fn plan_versions(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanVersion>>;
    /// The reviews, oldest first.
    fn plan_reviews(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanReview>>;
    fn insert_plan_action(&self, a: &PlanAction, audit: &AuditDraft) -> StoreResult<PlanAction>;
    fn plan_action(&self, center: Uuid, plan_id: Uuid, id: Uuid)
    -> StoreResult<Option<PlanAction>>;
    /// A plan's actions by due day.
    fn plan_actions(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanAction>>;
    fn save_plan_action(
        &self,
        a: &PlanAction,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<PlanAction>;
    /// The plans that may need the supervisor's eye on `today`: submitted, with a review
    /// day passed, or with an open action past its due day; each with its child and the
    /// earliest open action's due day. The domain decides the reasons and the order.
    fn plan_queue_candidates(
        &self,
        center: Uuid,
        today: NaiveDate,
    ) -> StoreResult<Vec<PlanQueueRow>>;
    /// The center's patients of the `shoman` program born on or before `born_on_or_before`,
    /// oldest first (by birth date, then id), each with their latest plan.
    fn transition_candidates(
        &self,
        center: Uuid,
        born_on_or_before: NaiveDate,
        page: PageRequest,
    ) -> StoreResult<Page<TransitionCandidate>>;
}
