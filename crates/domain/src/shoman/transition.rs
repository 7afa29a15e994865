//! 移行期: 小慢 children approaching the end of the program (18, or 20 where treatment
//! continues), with their plan's transition goals, so the 自立支援員 prepares the move to the
//! adult 難病 program in time. The move itself is a change of the patient's `program`
//! (see [`crate::cases::program_move_allowed`]): the same patient, with the history kept.

use super::SupportPlans;
use super::model::{Goal, SupportPlan};
use crate::app::Ctx;
use crate::cases::{ADULT_AGE, SHOMAN_GUARDIAN_AGE, age_on};
use crate::entities::PatientLabel;
use crate::error::{DomainError, FieldError};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::policy::Permission;
use crate::values::{GoalKind, TransitionStage};
use chrono::{Months, NaiveDate};

/// How far ahead the list looks by default, and at most.
pub const DEFAULT_HORIZON_MONTHS: u32 = 24;
pub const MAX_HORIZON_MONTHS: u32 = 60;

/// One child on the transition list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionEntry {
    pub patient: PatientLabel,
    pub birth_date: NaiveDate,
    pub age: u32,
    pub turns_18_on: NaiveDate,
    pub turns_20_on: NaiveDate,
    pub stage: TransitionStage,
    /// The child's latest plan, if any.
    pub plan: Option<SupportPlan>,
    /// That plan's goals about the transition.
    pub transition_goals: Vec<Goal>,
}

/// A 小慢 child as the store finds them for the list: who, born when, latest plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionCandidate {
    pub patient: PatientLabel,
    pub birth_date: NaiveDate,
    pub plan: Option<SupportPlan>,
}

/// The day someone born on `birth` turns `years` (a 29 February birthday falls on 28
/// February in common years, as 年齢計算ニ関スル法律 has the age change at the end of the
/// day before).
pub fn birthday(birth: NaiveDate, years: i32) -> NaiveDate {
    birth
        .checked_add_months(Months::new(years.unsigned_abs() * 12))
        .unwrap_or(birth)
}

/// The stage of a child born on `birth`, on `today`.
pub fn stage(birth: NaiveDate, today: NaiveDate) -> TransitionStage {
    match age_on(birth, today) {
        a if a < ADULT_AGE => TransitionStage::Approaching,
        a if a < SHOMAN_GUARDIAN_AGE => TransitionStage::Extended,
        _ => TransitionStage::OverAge,
    }
}

/// The latest birth date the list includes: children who turn 18 within `horizon_months`.
pub fn born_on_or_before(today: NaiveDate, horizon_months: u32) -> NaiveDate {
    let ahead = today
        .checked_add_months(Months::new(horizon_months))
        .unwrap_or(today);
    ahead
        .checked_sub_months(Months::new(ADULT_AGE.unsigned_abs() * 12))
        .unwrap_or(ahead)
}

/// The horizon a caller asks for: 1 to 60 months, 24 when not given.
pub fn horizon(raw: Option<i64>) -> Result<u32, DomainError> {
    match raw {
        None => Ok(DEFAULT_HORIZON_MONTHS),
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_HORIZON_MONTHS).contains(n))
            .ok_or_else(|| {
                DomainError::Validation(vec![FieldError::new(
                    "within_months",
                    "out_of_range",
                    format!("must be from 1 to {MAX_HORIZON_MONTHS}"),
                )])
            }),
    }
}

/// A candidate as the list shows them on `today`.
pub fn entry(c: TransitionCandidate, today: NaiveDate) -> TransitionEntry {
    let transition_goals = c
        .plan
        .as_ref()
        .map(|p| {
            p.goals
                .iter()
                .filter(|g| g.kind == GoalKind::Transition)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    TransitionEntry {
        // Birth dates are never in the future (the patient's record refuses them).
        age: u32::try_from(age_on(c.birth_date, today)).unwrap_or(0),
        turns_18_on: birthday(c.birth_date, ADULT_AGE),
        turns_20_on: birthday(c.birth_date, SHOMAN_GUARDIAN_AGE),
        stage: stage(c.birth_date, today),
        birth_date: c.birth_date,
        patient: c.patient,
        plan: c.plan,
        transition_goals,
    }
}

impl SupportPlans<'_> {
    /// The transition list: the center's 小慢 children who turn 18 within `within_months`
    /// (or are older and still 小慢), oldest first, with their latest plan.
    #[tracing::instrument(name = "support_plans.transition", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn transition(
        &self,
        ctx: &Ctx,
        within_months: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<TransitionEntry>, DomainError> {
        self.guard(ctx, Action::TransitionList, None, || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let months = horizon(within_months)?;
            let today = self.today();
            let found =
                self.store
                    .transition_candidates(center, born_on_or_before(today, months), page)?;
            self.log_list(
                ctx,
                Action::TransitionList,
                &format!("within_months={months}"),
                found.items.len(),
            )?;
            Ok(found.map(|c| entry(c, today)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_changes_on_the_birthday() {
        assert_eq!(age_on(d(2008, 12, 3), d(2026, 12, 2)), 17);
        assert_eq!(age_on(d(2008, 12, 3), d(2026, 12, 3)), 18);
    }

    #[test]
    fn a_leap_day_birthday_falls_on_28_february_in_common_years() {
        assert_eq!(birthday(d(2008, 2, 29), 18), d(2026, 2, 28));
        assert_eq!(birthday(d(2008, 2, 29), 20), d(2028, 2, 29));
    }

    #[test]
    fn stages_by_age() {
        let today = d(2026, 12, 3);
        assert_eq!(stage(d(2009, 12, 4), today), TransitionStage::Approaching);
        assert_eq!(stage(d(2008, 12, 3), today), TransitionStage::Extended);
        assert_eq!(stage(d(2006, 12, 4), today), TransitionStage::Extended);
        assert_eq!(stage(d(2006, 12, 3), today), TransitionStage::OverAge);
    }

    #[test]
    fn the_list_reaches_children_who_turn_18_within_the_horizon() {
        let cut = born_on_or_before(d(2026, 12, 3), 24);
        assert_eq!(cut, d(2010, 12, 3));
        // Turns 18 on the last day of the horizon: included; a day later: not.
        assert!(d(2010, 12, 3) <= cut);
        assert!(d(2010, 12, 4) > cut);
    }

    #[test]
    fn the_horizon_is_bounded() {
        assert_eq!(horizon(None).unwrap(), 24);
        assert_eq!(horizon(Some(60)).unwrap(), 60);
        assert!(horizon(Some(0)).is_err());
        assert!(horizon(Some(61)).is_err());
        assert!(horizon(Some(-1)).is_err());
    }
}
