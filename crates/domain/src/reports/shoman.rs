//! The 小慢 program's figures: consultations by menu kind (相談支援のメニュー) and who asked,
//! and the support plans written, reviewed on time and followed up.

use crate::values::{ActionState, ShomanMenu, ShomanRequester};
use chrono::NaiveDate;

/// Consultations of the period counted per menu kind and requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShomanConsultationReport {
    /// One row per menu kind, in the menu's order: the counts per requester (in the
    /// requesters' order) and their total.
    pub rows: Vec<(ShomanMenu, Vec<i64>, i64)>,
    /// Per requester across the menu.
    pub totals: Vec<i64>,
    pub total: i64,
}

/// Lays the store's counts out as the full table: every menu kind and requester, zeros
/// where nothing was recorded (a reader compares years and centers cell by cell).
pub fn shoman_consultations(
    counts: &[(ShomanMenu, ShomanRequester, i64)],
) -> ShomanConsultationReport {
    let col = |r: ShomanRequester| ShomanRequester::ALL.iter().position(|x| *x == r);
    let mut totals = vec![0; ShomanRequester::ALL.len()];
    let rows = ShomanMenu::ALL
        .iter()
        .map(|m| {
            let mut cells = vec![0; ShomanRequester::ALL.len()];
            for (menu, requester, n) in counts {
                if menu == m
                    && let Some(i) = col(*requester)
                {
                    cells[i] += n;
                    totals[i] += n;
                }
            }
            let total = cells.iter().sum();
            (*m, cells, total)
        })
        .collect();
    ShomanConsultationReport {
        rows,
        total: totals.iter().sum(),
        totals,
    }
}

/// A supervisor's decision on a support plan, as the plan figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanReviewFact {
    pub plan_id: uuid::Uuid,
    pub approved: bool,
    /// The day of the decision, Asia/Tokyo.
    pub reviewed_on: NaiveDate,
    /// The next review an approval scheduled.
    pub review_due_on: Option<NaiveDate>,
}

/// What the store reads for the support plans' figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// Plans created in the period.
    pub plans_written: i64,
    /// Every decision made from the period's start, and the approvals that scheduled a
    /// review inside it.
    pub reviews: Vec<PlanReviewFact>,
    /// The states of the plan actions due in the period.
    pub actions: Vec<ActionState>,
    /// The days goals of the plans (as they stand) were reached, in the period.
    pub goals_reached: Vec<NaiveDate>,
}

/// The support plans' figures of a period (各種支援策の利用計画の作成・フォローアップ).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShomanPlanReport {
    /// Plans drafted in the period (new plans, not revisions).
    pub plans_written: i64,
    /// Decisions made in the period.
    pub approved: i64,
    pub returned: i64,
    /// Scheduled reviews whose day fell in the period and has passed.
    pub reviews_due: i64,
    /// Of those: approved again on or before the day, later, or not yet.
    pub reviewed_on_time: i64,
    pub reviewed_late: i64,
    pub not_yet_reviewed: i64,
    /// Plan actions due in the period, by where they stand now.
    pub actions_due: i64,
    pub actions_done: i64,
    pub actions_not_done: i64,
    pub actions_changed: i64,
    pub actions_open: i64,
    /// Goals reached in the period.
    pub goals_reached: i64,
}

/// Counts the period `[from, to]` (Asia/Tokyo days) as of `today`. A scheduled review is
/// kept when the plan's next approval comes on or before its day; `reviews` must hold every
/// decision made from the period's start, and the approvals that scheduled a review inside
/// the period.
pub fn shoman_plans(
    facts: &PlanFacts,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> ShomanPlanReport {
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let (reviews, actions) = (&facts.reviews, &facts.actions);
    let mut r = ShomanPlanReport {
        plans_written: facts.plans_written,
        goals_reached: i64::try_from(
            facts
                .goals_reached
                .iter()
                .filter(|d| in_period(**d))
                .count(),
        )
        .unwrap_or(i64::MAX),
        ..ShomanPlanReport::default()
    };
    for x in reviews.iter().filter(|x| in_period(x.reviewed_on)) {
        if x.approved {
            r.approved += 1;
        } else {
            r.returned += 1;
        }
    }
    for a in reviews.iter().filter(|x| x.approved) {
        let Some(due) = a.review_due_on.filter(|d| in_period(*d) && *d < today) else {
            continue;
        };
        r.reviews_due += 1;
        let next = reviews
            .iter()
            .filter(|b| b.approved && b.plan_id == a.plan_id && b.reviewed_on > a.reviewed_on)
            .map(|b| b.reviewed_on)
            .min();
        match next {
            Some(d) if d <= due => r.reviewed_on_time += 1,
            Some(_) => r.reviewed_late += 1,
            None => r.not_yet_reviewed += 1,
        }
    }
    for s in actions {
        r.actions_due += 1;
        match s {
            ActionState::Done => r.actions_done += 1,
            ActionState::NotDone => r.actions_not_done += 1,
            ActionState::Changed => r.actions_changed += 1,
            ActionState::Open => r.actions_open += 1,
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_kind_and_requester_is_a_cell_summed_across_centers() {
        let r = shoman_consultations(&[
            (ShomanMenu::PeerCounseling, ShomanRequester::Child, 2),
            (ShomanMenu::PeerCounseling, ShomanRequester::Child, 1),
            (ShomanMenu::SchoolEmployer, ShomanRequester::School, 4),
            (ShomanMenu::RyoikuGuidance, ShomanRequester::Family, 1),
        ]);
        assert_eq!(r.rows.len(), 5);
        assert_eq!(
            r.rows[0],
            (ShomanMenu::RyoikuGuidance, vec![0, 1, 0, 0, 0], 1)
        );
        assert_eq!(
            r.rows[2],
            (ShomanMenu::PeerCounseling, vec![3, 0, 0, 0, 0], 3)
        );
        assert_eq!(
            r.rows[4],
            (ShomanMenu::SchoolEmployer, vec![0, 0, 4, 0, 0], 4)
        );
        assert_eq!(r.totals, vec![3, 1, 4, 0, 0]);
        assert_eq!(r.total, 8);
        assert_eq!(shoman_consultations(&[]).total, 0);
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        let y = if m >= 4 { 2025 } else { 2026 };
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fact(plan: u128, approved: bool, on: NaiveDate, due: Option<NaiveDate>) -> PlanReviewFact {
        PlanReviewFact {
            plan_id: uuid::Uuid::from_u128(plan),
            approved,
            reviewed_on: on,
            review_due_on: due,
        }
    }

    #[test]
    fn scheduled_reviews_are_kept_late_or_missing() {
        // Fiscal 2025 (1 April 2025 – 31 March 2026), counted on 1 June 2026.
        let (from, to, today) = (
            d(4, 1),
            d(3, 31),
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        );
        let reviews = [
            // Plan 1: approved in March 2025 (before), due 1 Oct, approved again 30 Sep: on time.
            fact(
                1,
                true,
                NaiveDate::from_ymd_opt(2025, 3, 20).unwrap(),
                Some(d(10, 1)),
            ),
            fact(1, true, d(9, 30), Some(d(3, 31))),
            // …and due 31 March 2026, the year's last day, approved on 1 April 2026: late.
            fact(1, true, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), None),
            // Plan 2: returned, then approved, due 1 December and never reviewed again.
            fact(2, false, d(5, 1), None),
            fact(2, true, d(6, 1), Some(d(12, 1))),
            // Plan 3: due after the period.
            fact(
                3,
                true,
                d(11, 1),
                Some(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()),
            ),
        ];
        let facts = PlanFacts {
            plans_written: 3,
            reviews: reviews.to_vec(),
            actions: vec![ActionState::Done, ActionState::Open, ActionState::Done],
            // 31 March 2026 is in the year; 1 April 2026 is not.
            goals_reached: vec![d(3, 31), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()],
        };
        let r = shoman_plans(&facts, from, to, today);
        assert_eq!(r.goals_reached, 1);
        assert_eq!(r.plans_written, 3);
        assert_eq!((r.approved, r.returned), (3, 1));
        assert_eq!(r.reviews_due, 3);
        assert_eq!(
            (r.reviewed_on_time, r.reviewed_late, r.not_yet_reviewed),
            (1, 1, 1)
        );
        assert_eq!((r.actions_due, r.actions_done, r.actions_open), (3, 2, 1));
    }

    #[test]
    fn a_review_day_still_ahead_is_not_yet_due() {
        let today = d(11, 1);
        let reviews = [fact(1, true, d(5, 1), Some(d(11, 1)))];
        let facts = PlanFacts {
            plans_written: 1,
            reviews: reviews.to_vec(),
            ..PlanFacts::default()
        };
        let r = shoman_plans(&facts, d(4, 1), d(3, 31), today);
        assert_eq!(r.reviews_due, 0);
    }
}
