//! The rules of the PDCA register: how an issue moves through ①課題の抽出 ②対策の検討
//! ③対策の実施 ④対策の評価, and what a measure's dates must say.

use crate::error::FieldError;
use crate::values::{IssueStage, MeasureStatus};
use chrono::NaiveDate;

/// Whether an issue may move from `from` to `to`. Forward one step at a time (a council
/// does not implement what it has not planned, nor evaluate what it has not done); back to
/// any earlier stage, which starts the cycle again (評価 → 検討 is the usual one). Implementing
/// needs at least one measure that is not dropped.
pub fn stage_change(
    from: IssueStage,
    to: IssueStage,
    live_measures: usize,
) -> Result<(), FieldError> {
    if from == to {
        return Err(FieldError::new(
            "to_stage",
            "same_stage",
            "the issue is already at this stage",
        ));
    }
    if to.step() > from.step() + 1 {
        return Err(FieldError::new(
            "to_stage",
            "stage_skipped",
            "an issue moves forward one stage at a time",
        ));
    }
    if to == IssueStage::Implementation && to.step() > from.step() && live_measures == 0 {
        return Err(FieldError::new(
            "to_stage",
            "no_measures",
            "plan at least one measure (対策) before implementing",
        ));
    }
    Ok(())
}

/// A measure's completion day: required for `done` (today when not given), none otherwise,
/// and never in the future.
pub fn measure_done_on(
    status: MeasureStatus,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FieldError> {
    match (status, done_on) {
        (MeasureStatus::Done, None) => Ok(Some(today)),
        (MeasureStatus::Done, Some(d)) if d > today => Err(FieldError::new(
            "done_on",
            "in_future",
            "a measure is done on a day that has come",
        )),
        (MeasureStatus::Done, Some(d)) => Ok(Some(d)),
        (_, Some(_)) => Err(FieldError::new(
            "done_on",
            "not_done",
            "only a measure that is done has a completion day",
        )),
        (_, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IssueStage::*;

    #[test]
    fn issues_move_forward_one_stage_and_back_to_any() {
        assert!(stage_change(Extraction, Planning, 0).is_ok());
        assert!(stage_change(Planning, Implementation, 1).is_ok());
        assert!(stage_change(Implementation, Evaluation, 1).is_ok());
        assert!(stage_change(Evaluation, Planning, 0).is_ok());
        assert!(stage_change(Implementation, Extraction, 0).is_ok());
        assert_eq!(
            stage_change(Extraction, Implementation, 3)
                .unwrap_err()
                .code,
            "stage_skipped"
        );
        assert_eq!(
            stage_change(Planning, Planning, 0).unwrap_err().code,
            "same_stage"
        );
        assert_eq!(
            stage_change(Planning, Implementation, 0).unwrap_err().code,
            "no_measures"
        );
    }

    #[test]
    fn a_done_measure_has_a_day_that_has_come() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let later = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let earlier = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        use MeasureStatus::*;
        assert_eq!(measure_done_on(Done, None, today), Ok(Some(today)));
        assert_eq!(
            measure_done_on(Done, Some(earlier), today),
            Ok(Some(earlier))
        );
        assert!(measure_done_on(Done, Some(later), today).is_err());
        assert!(measure_done_on(Planned, Some(earlier), today).is_err());
        assert_eq!(measure_done_on(InProgress, None, today), Ok(None));
    }
}
