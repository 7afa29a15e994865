use super::StoreResult;
use crate::reports::model::{DimCount, OutcomeCount, Period, ReferralCount, ReportScope};
use crate::reports::shoman::PlanFacts;
use crate::values::{Level, NeedKind, ShomanMenu, ShomanRequester, SupportAwareness};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The figures of the reports, read from rollups kept by the writes of the case ports.
pub trait ReportStore {
    /// Every center the scope covers.
    fn report_centers(&self, scope: &ReportScope) -> StoreResult<Vec<Uuid>>;
    /// Referrals made in the period (inclusive dates) per center, agency type, purpose and
    /// current level.
    fn referral_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralCount>>;
    /// Consultations in the period per dimension and value (`total`, `channel`, `requester`,
    /// `topic`, `joint`, `anonymous`).
    fn consultation_dims(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DimCount>>;
    /// Consultations per Tokyo day with any.
    fn consultation_days(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, i64)>>;
    /// Patients with at least one consultation in the period.
    fn consulted_patients(&self, scope: &ReportScope, period: &Period) -> StoreResult<i64>;
    /// Patients referred in the period per agency type and purpose, and those reaching the
    /// outcome.
    fn referral_outcomes(
        &self,
        scope: &ReportScope,
        period: &Period,
    ) -> StoreResult<Vec<OutcomeCount>>;
    /// Patients registered in `[from, to)` who were not working or seeking work, per awareness.
    fn support_awareness(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(SupportAwareness, i64)>>;
    /// 小慢 consultations that occurred in `[from, to)` per menu kind and requester (those
    /// with a menu only), summed over the scope's centers.
    fn shoman_consultations(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(ShomanMenu, ShomanRequester, i64)>>;
    /// The support plans' facts for the period: plans created in it, every decision made
    /// from its start on and the approvals that scheduled a review inside it, and the
    /// states of the actions due in it.
    fn shoman_plan_facts(&self, scope: &ReportScope, period: &Period) -> StoreResult<PlanFacts>;
    /// Follow-ups of referrals at `level` that are past due on `today` and neither done nor
    /// cancelled (the promises the supervision queue shows as lapsed), summed over the scope.
    fn overdue_promised_follow_ups(
        &self,
        scope: &ReportScope,
        today: NaiveDate,
        level: Level,
    ) -> StoreResult<i64>;
    /// Needs in the 小慢 needs register still open, of `kind` or any.
    fn open_shoman_needs(&self, scope: &ReportScope, kind: Option<NeedKind>) -> StoreResult<i64>;
}
