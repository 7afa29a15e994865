//! Support plans in the supervisor's audit queue, beside the referrals: plans waiting for
//! review, plans whose scheduled review has passed (escalated after the center's
//! escalation days, as follow-ups are) and plans with an overdue action. The reasons are
//! pure functions; the store finds the candidates.

use super::model::SupportPlan;
use crate::entities::PatientLabel;
use crate::values::PlanState;
use chrono::NaiveDate;

/// How many plans the queue shows, most urgent first; the counts cover them all, and the
/// plan list's filters (`review_due`, `action_overdue`, `state`) reach every one.
pub const PLAN_QUEUE_ITEMS: usize = 100;

/// Why a plan needs the supervisor's eye, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanQueueReason {
    /// The scheduled review is overdue by more than the center's escalation days.
    ReviewEscalated,
    /// The scheduled review's day has passed.
    ReviewOverdue,
    /// An open action is past its due day.
    ActionOverdue,
    /// Submitted and waiting for a supervisor's decision.
    AwaitingReview,
}

impl PlanQueueReason {
    pub const ALL: [Self; 4] = [
        Self::ReviewEscalated,
        Self::ReviewOverdue,
        Self::ActionOverdue,
        Self::AwaitingReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReviewEscalated => "review_escalated",
            Self::ReviewOverdue => "review_overdue",
            Self::ActionOverdue => "action_overdue",
            Self::AwaitingReview => "awaiting_review",
        }
    }
}

/// A plan the store found for the queue, with its child and its earliest open action's
/// due day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanQueueRow {
    pub plan: SupportPlan,
    pub patient: PatientLabel,
    pub earliest_open_action_due: Option<NaiveDate>,
}

/// One plan in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanQueueItem {
    pub row: PlanQueueRow,
    /// Most urgent first; never empty.
    pub reasons: Vec<PlanQueueReason>,
    /// Days the review (or, without one overdue, the earliest action) is overdue.
    pub days_overdue: i64,
}

/// The plans part of the audit queue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanQueue {
    /// Plans with at least one reason.
    pub total: i64,
    pub by_reason: Vec<(PlanQueueReason, i64)>,
    /// The most urgent [`PLAN_QUEUE_ITEMS`].
    pub items: Vec<PlanQueueItem>,
}

/// Why a plan is in the queue on `today`; `escalate_before` as for follow-ups. A plan under
/// review waits for its decision: its passed review day is that same work, not another.
pub fn reasons(
    plan: &SupportPlan,
    earliest_open_action_due: Option<NaiveDate>,
    today: NaiveDate,
    escalate_before: NaiveDate,
) -> Vec<PlanQueueReason> {
    let mut out = Vec::new();
    let submitted = plan.state == PlanState::Submitted;
    if let Some(due) = plan.review_due_on
        && due < today
        && !submitted
    {
        out.push(if due < escalate_before {
            PlanQueueReason::ReviewEscalated
        } else {
            PlanQueueReason::ReviewOverdue
        });
    }
    if earliest_open_action_due.is_some_and(|d| d < today) {
        out.push(PlanQueueReason::ActionOverdue);
    }
    if submitted {
        out.push(PlanQueueReason::AwaitingReview);
    }
    out
}

fn days_overdue(row: &PlanQueueRow, today: NaiveDate) -> i64 {
    let review = row.plan.review_due_on.filter(|d| *d < today);
    let action = row.earliest_open_action_due.filter(|d| *d < today);
    review
        .into_iter()
        .chain(action)
        .min()
        .map_or(0, |d| (today - d).num_days())
}

/// The queue from the candidates: those with a reason, most urgent reason first, then the
/// longest overdue, then the oldest plan.
pub fn build(rows: Vec<PlanQueueRow>, today: NaiveDate, escalate_before: NaiveDate) -> PlanQueue {
    let mut items: Vec<PlanQueueItem> = rows
        .into_iter()
        .filter_map(|row| {
            let reasons = reasons(
                &row.plan,
                row.earliest_open_action_due,
                today,
                escalate_before,
            );
            (!reasons.is_empty()).then(|| PlanQueueItem {
                days_overdue: days_overdue(&row, today),
                reasons,
                row,
            })
        })
        .collect();
    items.sort_by(|a, b| {
        a.reasons[0]
            .cmp(&b.reasons[0])
            .then(b.days_overdue.cmp(&a.days_overdue))
            .then(a.row.plan.id.cmp(&b.row.plan.id))
    });
    let by_reason = PlanQueueReason::ALL
        .iter()
        .map(|r| {
            let n = items.iter().filter(|i| i.reasons.contains(r)).count();
            (*r, i64::try_from(n).unwrap_or(i64::MAX))
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    items.truncate(PLAN_QUEUE_ITEMS);
    PlanQueue {
        total,
        by_reason,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn plan(state: PlanState, review_due_on: Option<NaiveDate>) -> SupportPlan {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        SupportPlan {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            state,
            revision: 1,
            situation: None,
            wishes: None,
            goals: vec![],
            review_due_on,
            approved_on: None,
            author_id: Uuid::nil(),
            submitted_by: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    fn row(p: SupportPlan, action: Option<NaiveDate>) -> PlanQueueRow {
        PlanQueueRow {
            plan: p,
            patient: PatientLabel {
                id: Uuid::nil(),
                case_number: "2026-0001".into(),
                name: "x".into(),
            },
            earliest_open_action_due: action,
        }
    }

    const TODAY: (u32, u32) = (6, 10);
    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1)
    }
    // Escalation after 7 days: reviews due before 3 June are escalated.
    fn escalate_before() -> NaiveDate {
        d(6, 3)
    }

    #[test]
    fn a_passed_review_is_overdue_and_escalates_after_the_centers_days() {
        use PlanQueueReason as R;
        let r = |due| {
            reasons(
                &plan(PlanState::Approved, Some(due)),
                None,
                today(),
                escalate_before(),
            )
        };
        assert_eq!(r(d(6, 10)), []);
        assert_eq!(r(d(6, 9)), [R::ReviewOverdue]);
        assert_eq!(r(d(6, 3)), [R::ReviewOverdue]);
        assert_eq!(r(d(6, 2)), [R::ReviewEscalated]);
        // A revision being drafted has not been reviewed either.
        let draft = plan(PlanState::Draft, Some(d(6, 1)));
        assert_eq!(
            reasons(&draft, None, today(), escalate_before()),
            [R::ReviewEscalated]
        );
    }

    #[test]
    fn a_submitted_plan_waits_for_its_decision_not_its_review_day() {
        let p = plan(PlanState::Submitted, Some(d(5, 1)));
        assert_eq!(
            reasons(&p, None, today(), escalate_before()),
            [PlanQueueReason::AwaitingReview]
        );
    }

    #[test]
    fn an_overdue_action_is_a_reason_of_its_own() {
        let p = plan(PlanState::Approved, Some(d(12, 1)));
        assert_eq!(
            reasons(&p, Some(d(6, 9)), today(), escalate_before()),
            [PlanQueueReason::ActionOverdue]
        );
        assert_eq!(reasons(&p, Some(d(6, 10)), today(), escalate_before()), []);
    }

    #[test]
    fn the_queue_orders_by_reason_then_days_overdue_and_counts_every_reason() {
        use PlanQueueReason as R;
        let rows = vec![
            row(plan(PlanState::Submitted, None), None),
            row(plan(PlanState::Approved, Some(d(6, 8))), Some(d(6, 1))),
            row(plan(PlanState::Approved, Some(d(5, 1))), None),
            row(plan(PlanState::Approved, Some(d(12, 1))), None),
            row(plan(PlanState::Approved, Some(d(6, 9))), None),
        ];
        let q = build(rows, today(), escalate_before());
        assert_eq!(q.total, 4);
        let got: Vec<(R, i64)> = q
            .items
            .iter()
            .map(|i| (i.reasons[0], i.days_overdue))
            .collect();
        assert_eq!(
            got,
            [
                (R::ReviewEscalated, 40),
                (R::ReviewOverdue, 9),
                (R::ReviewOverdue, 1),
                (R::AwaitingReview, 0),
            ]
        );
        assert_eq!(
            q.by_reason,
            [
                (R::ReviewEscalated, 1),
                (R::ReviewOverdue, 2),
                (R::ActionOverdue, 1),
                (R::AwaitingReview, 1),
            ]
        );
    }
}
