//! The rules of support plans, as pure functions: how a plan moves between states and
//! revisions, when it is next reviewed, what a submitted plan and a followed-up action
//! must say.

use super::model::{Goal, GoalInput, SupportPlan};
use crate::error::{DomainError, FieldError, Validator};
use crate::values::{self, ActionState, GoalKind, PlanState, ReviewDecision};
use chrono::{Months, NaiveDate};

/// A plan approved without a date given is reviewed six months later (the project's usual
/// rhythm; a milestone such as entering high school or turning 18 is given instead).
pub const REVIEW_MONTHS: u32 = 6;
pub const GOALS_MAX: usize = 20;
pub const GOAL_TEXT_MAX: usize = 1000;
pub const PLAN_TEXT_MAX: usize = 4000;

/// Where a plan goes when it is edited (`edits`) and/or submitted (`submit`): its state and
/// revision afterwards.
///
/// - A draft is edited in place.
/// - A submitted plan waits for its review: it is not edited (422 `plan_under_review`).
/// - Editing a returned or approved plan starts the next revision as a draft; the revision
///   that was reviewed stays in the history as it was submitted.
/// - Only a draft is submitted (422 `plan_not_draft`): a returned plan is revised first.
pub fn after_edit(
    state: PlanState,
    revision: i32,
    edits: bool,
    submit: bool,
) -> Result<(PlanState, i32), DomainError> {
    let (state, revision) = match (state, edits) {
        (s, false) => (s, revision),
        (PlanState::Submitted, true) => {
            return Err(DomainError::rule(
                "plan_under_review",
                "this plan is waiting for a supervisor's review and cannot be changed now",
            ));
        }
        (PlanState::Draft, true) => (PlanState::Draft, revision),
        (PlanState::Approved | PlanState::Returned, true) => (PlanState::Draft, revision + 1),
    };
    if !submit {
        return Ok((state, revision));
    }
    if state == PlanState::Draft {
        Ok((PlanState::Submitted, revision))
    } else {
        Err(DomainError::rule(
            "plan_not_draft",
            "only a draft is submitted; revise a returned or approved plan first",
        ))
    }
}

/// What a supervisor's decision leaves the plan in. Only a submitted plan is reviewed.
pub fn after_review(state: PlanState, decision: ReviewDecision) -> Result<PlanState, DomainError> {
    if state != PlanState::Submitted {
        return Err(DomainError::rule(
            "plan_not_submitted",
            "only a plan submitted for review is approved or returned",
        ));
    }
    Ok(match decision {
        ReviewDecision::Approved => PlanState::Approved,
        ReviewDecision::Returned => PlanState::Returned,
    })
}

/// When an approved plan is next reviewed: the day the reviewer gave, or six months after
/// the approval (the end of a shorter month where the day does not exist there).
pub fn next_review_due(approved_on: NaiveDate, given: Option<NaiveDate>) -> NaiveDate {
    given.unwrap_or_else(|| {
        approved_on
            .checked_add_months(Months::new(REVIEW_MONTHS))
            .unwrap_or(approved_on)
    })
}

/// A review date the reviewer gives must lie ahead of the approval.
pub fn given_review_due(
    field: &str,
    d: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    if d > today {
        Ok(d)
    } else {
        Err(FieldError::new(
            field,
            "not_in_future",
            "the next review must be after today",
        ))
    }
}

/// Whether the plan's review is overdue: its review day has passed (Asia/Tokyo) and no
/// newer revision has been approved since.
pub fn review_overdue(plan: &SupportPlan, today: NaiveDate) -> bool {
    plan.review_due_on.is_some_and(|d| d < today)
}

/// A plan goes to review only once it says something: the situation or the wishes, and at
/// least one goal.
pub fn ready_to_submit(
    situation: Option<&str>,
    wishes: Option<&str>,
    goals: &[Goal],
) -> Result<(), DomainError> {
    let mut v = Validator::new();
    if situation.is_none() && wishes.is_none() {
        v.push(FieldError::new(
            "situation",
            "required",
            "say the child's and family's situation or wishes before submitting",
        ));
    }
    if goals.is_empty() {
        v.push(FieldError::new(
            "goals",
            "required",
            "give at least one goal before submitting",
        ));
    }
    v.finish()
}

/// Parses a plan's goals: each a kind, a text and, once reached, the day (not after
/// `today`); at most [`GOALS_MAX`].
pub fn goals(field: &str, raw: &[GoalInput], today: NaiveDate) -> Result<Vec<Goal>, FieldError> {
    if raw.len() > GOALS_MAX {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("at most {GOALS_MAX} goals"),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(i, g)| {
            let kind = GoalKind::parse(&format!("{field}[{i}].kind"), &g.kind)?;
            let achieved_on = match g.achieved_on.as_deref() {
                None => None,
                Some(s) => {
                    let at = format!("{field}[{i}].achieved_on");
                    let d = values::date(&at, s)?;
                    if d > today {
                        return Err(FieldError::new(
                            at,
                            "in_future",
                            "must not be in the future",
                        ));
                    }
                    Some(d)
                }
            };
            let text = values::optional_prose(
                &format!("{field}[{i}].text"),
                Some(&g.text),
                GOAL_TEXT_MAX,
            )?
            .ok_or_else(|| {
                FieldError::new(
                    format!("{field}[{i}].text"),
                    "required",
                    "must not be empty",
                )
            })?;
            Ok(Goal {
                kind,
                text,
                achieved_on,
            })
        })
        .collect()
}

/// An action followed up as done, not done or changed says what came of it.
pub fn action_outcome_required(
    state: ActionState,
    outcome: Option<&str>,
) -> Result<(), FieldError> {
    if state != ActionState::Open && outcome.is_none() {
        Err(FieldError::new(
            "outcome",
            "required",
            "say what came of the action when following it up",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> &'static str {
        match r {
            Err(DomainError::Rule { code, .. }) => code,
            Err(DomainError::Validation(e)) => e[0].code,
            Err(_) => "other",
            Ok(_) => "ok",
        }
    }

    #[test]
    fn a_draft_is_edited_in_place_and_submitted() {
        assert_eq!(
            after_edit(PlanState::Draft, 1, true, false).unwrap(),
            (PlanState::Draft, 1)
        );
        assert_eq!(
            after_edit(PlanState::Draft, 1, true, true).unwrap(),
            (PlanState::Submitted, 1)
        );
        assert_eq!(
            after_edit(PlanState::Draft, 2, false, true).unwrap(),
            (PlanState::Submitted, 2)
        );
    }

    #[test]
    fn a_reviewed_plan_is_revised_as_the_next_revision() {
        for s in [PlanState::Approved, PlanState::Returned] {
            assert_eq!(
                after_edit(s, 1, true, false).unwrap(),
                (PlanState::Draft, 2)
            );
            assert_eq!(
                after_edit(s, 3, true, true).unwrap(),
                (PlanState::Submitted, 4)
            );
            // Submitting it again unchanged is not a revision.
            assert_eq!(code(after_edit(s, 1, false, true)), "plan_not_draft");
            assert_eq!(after_edit(s, 1, false, false).unwrap(), (s, 1));
        }
    }

    #[test]
    fn a_plan_under_review_waits() {
        assert_eq!(
            code(after_edit(PlanState::Submitted, 1, true, false)),
            "plan_under_review"
        );
        assert_eq!(
            code(after_edit(PlanState::Submitted, 1, false, true)),
            "plan_not_draft"
        );
    }

    #[test]
    fn only_a_submitted_plan_is_reviewed() {
        assert_eq!(
            after_review(PlanState::Submitted, ReviewDecision::Approved).unwrap(),
            PlanState::Approved
        );
        assert_eq!(
            after_review(PlanState::Submitted, ReviewDecision::Returned).unwrap(),
            PlanState::Returned
        );
        for s in [PlanState::Draft, PlanState::Approved, PlanState::Returned] {
            assert_eq!(
                code(after_review(s, ReviewDecision::Approved)),
                "plan_not_submitted"
            );
        }
    }

    #[test]
    fn the_next_review_is_six_months_on_unless_given() {
        assert_eq!(next_review_due(day(2026, 6, 1), None), day(2026, 12, 1));
        // No 31 August in February: the end of February.
        assert_eq!(next_review_due(day(2026, 8, 31), None), day(2027, 2, 28));
        assert_eq!(
            next_review_due(day(2026, 6, 1), Some(day(2027, 4, 1))),
            day(2027, 4, 1)
        );
        assert!(given_review_due("d", day(2026, 6, 2), day(2026, 6, 1)).is_ok());
        assert_eq!(
            given_review_due("d", day(2026, 6, 1), day(2026, 6, 1))
                .unwrap_err()
                .code,
            "not_in_future"
        );
    }

    #[test]
    fn overdue_once_the_review_day_has_passed() {
        let mut p = SupportPlan {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            state: PlanState::Approved,
            revision: 1,
            situation: None,
            wishes: None,
            goals: vec![],
            review_due_on: Some(day(2026, 12, 1)),
            approved_on: Some(day(2026, 6, 1)),
            author_id: Uuid::nil(),
            submitted_by: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        assert!(!review_overdue(&p, day(2026, 12, 1)), "due today");
        assert!(review_overdue(&p, day(2026, 12, 2)));
        p.review_due_on = None;
        assert!(!review_overdue(&p, day(2030, 1, 1)));
    }

    #[test]
    fn a_submitted_plan_says_something() {
        let g = vec![Goal {
            kind: GoalKind::Schooling,
            text: "高校に通い続ける".into(),
            achieved_on: None,
        }];
        assert!(ready_to_submit(Some("通院中"), None, &g).is_ok());
        assert!(ready_to_submit(None, Some("進学したい"), &g).is_ok());
        match ready_to_submit(None, None, &[]) {
            Err(DomainError::Validation(e)) => {
                let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
                assert_eq!(fields, ["situation", "goals"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn goals_are_a_kind_and_a_text() {
        let g = |kind: &str, text: &str, achieved: Option<&str>| GoalInput {
            kind: kind.into(),
            text: text.into(),
            achieved_on: achieved.map(Into::into),
        };
        let today = day(2026, 6, 1);
        let ok = goals(
            "goals",
            &[g("employment", " 職場体験に参加する ", None)],
            today,
        )
        .unwrap();
        assert_eq!(ok[0].kind, GoalKind::Employment);
        assert_eq!(ok[0].text, "職場体験に参加する");
        assert_eq!(ok[0].achieved_on, None);
        let e = goals("goals", &[g("work", "x", None)], today).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("goals[0].kind", "invalid_choice")
        );
        let e = goals(
            "goals",
            &[g("schooling", "x", None), g("schooling", " ", None)],
            today,
        )
        .unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("goals[1].text", "required"));
        let many: Vec<GoalInput> = (0..=GOALS_MAX)
            .map(|_| g("independence", "x", None))
            .collect();
        assert_eq!(goals("goals", &many, today).unwrap_err().code, "too_long");
    }

    #[test]
    fn a_goal_is_reached_on_a_day_not_after_today() {
        let g = |achieved: &str| GoalInput {
            kind: "employment".into(),
            text: "職場体験".into(),
            achieved_on: Some(achieved.into()),
        };
        let today = day(2026, 6, 1);
        let ok = goals("goals", &[g("2026-06-01")], today).unwrap();
        assert_eq!(ok[0].achieved_on, Some(today));
        let e = goals("goals", &[g("2026-06-02")], today).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("goals[0].achieved_on", "in_future")
        );
        let e = goals("goals", &[g("someday")], today).unwrap_err();
        assert_eq!(e.field.as_str(), "goals[0].achieved_on");
    }

    #[test]
    fn a_followed_up_action_says_what_came_of_it() {
        assert!(action_outcome_required(ActionState::Open, None).is_ok());
        for s in [
            ActionState::Done,
            ActionState::NotDone,
            ActionState::Changed,
        ] {
            assert_eq!(
                action_outcome_required(s, None).unwrap_err().code,
                "required"
            );
            assert!(action_outcome_required(s, Some("参加した")).is_ok());
        }
    }
}
