//! The center's other work beside case work (issue 18): outreach to make the center known
//! (周知, [`outreach`]) and its effect on who comes, the staff's training (研修,
//! [`trainings`]), and events and group activities (ピア相談会, 難病カフェ, seminars…,
//! [`events`]) with the patients named at them. Who may read and write each is decided in
//! [`crate::policy`] (`outreach`, `trainings`, `events`).
//!
//! The use cases sit behind one facade, `services.activities()`; each feature's rules are
//! pure functions in its own module.

pub mod events;
pub mod outreach;
pub mod supporter_sessions;
pub mod trainings;

pub use events::{
    Attendee, AttendeeInput, Event, EventCount, EventInput, EventQuery, EventUpdate, EventsReport,
};
pub use outreach::{
    NewPatient, OutreachActivity, OutreachInput, OutreachQuery, OutreachReport, OutreachUpdate,
};
pub use trainings::{Training, TrainingInput, TrainingQuery, TrainingUpdate};

use crate::error::{DomainError, FieldError, Validator};
use crate::ports::Scope;
use crate::reports::Period;
use chrono::NaiveDate;
use uuid::Uuid;

crate::facade!(
    /// Outreach, staff training and events: `services.activities()`.
    Activities,
    activities
);

impl Activities<'_> {
    /// The staff named must be active users of the center.
    fn check_staff(
        &self,
        v: &mut Validator,
        center: Uuid,
        field: &str,
        ids: &[Uuid],
    ) -> Result<(), DomainError> {
        for id in ids {
            match self.store.user(Scope::Center(center), *id)? {
                Some(u) if u.active => {}
                _ => v.push(FieldError::new(
                    field,
                    "unknown_user",
                    format!("{id} is not an active user of your center"),
                )),
            }
        }
        Ok(())
    }
}

/// A list's `fiscal_year` filter (年度: April to March) as the days it covers.
pub(crate) fn year_filter(
    raw: Option<&str>,
) -> Result<Option<(NaiveDate, NaiveDate)>, DomainError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(y) => {
            let p = Period::parse(Some(y), None, None)?;
            Ok(Some((p.from, p.to)))
        }
    }
}

/// A coded kind's free text: required for `other` (what it was), refused for the coded
/// kinds (the code says it all), so the figures never count an `other` nobody can read.
pub fn kind_other(
    is_other: bool,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let text = crate::values::optional_text("kind_other", raw, max)?;
    match (is_other, text) {
        (true, None) => Err(FieldError::new(
            "kind_other",
            "required",
            "say what the `other` kind was",
        )),
        (false, Some(_)) => Err(FieldError::new(
            "kind_other",
            "only_for_other",
            "only an `other` kind has a free-text kind",
        )),
        (_, t) => Ok(t),
    }
}

/// A count that must not be negative.
pub fn count(field: &str, n: i32) -> Result<i32, FieldError> {
    if n < 0 {
        Err(FieldError::new(field, "negative", "must not be negative"))
    } else {
        Ok(n)
    }
}

/// Sorted, without repeats: the staff of an event.
pub(crate) fn staff_list(raw: &[Uuid]) -> Vec<Uuid> {
    let mut ids = raw.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_kinds_say_what_they_were_and_coded_ones_do_not() {
        assert_eq!(
            kind_other(true, Some(" 市民講座 "), 100)
                .unwrap()
                .as_deref(),
            Some("市民講座")
        );
        assert_eq!(
            kind_other(true, Some("  "), 100).unwrap_err().code,
            "required"
        );
        assert_eq!(kind_other(true, None, 100).unwrap_err().code, "required");
        assert_eq!(kind_other(false, None, 100).unwrap(), None);
        assert_eq!(kind_other(false, Some(""), 100).unwrap(), None);
        assert_eq!(
            kind_other(false, Some("x"), 100).unwrap_err().code,
            "only_for_other"
        );
        assert_eq!(count("n", 0).unwrap(), 0);
        assert_eq!(count("n", -1).unwrap_err().code, "negative");
    }

    #[test]
    fn a_fiscal_year_filter_covers_april_to_march() {
        let (from, to) = year_filter(Some("2026")).unwrap().unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(to, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        assert!(year_filter(None).unwrap().is_none());
        assert!(year_filter(Some("")).unwrap().is_none());
        assert!(year_filter(Some("x")).is_err());
    }
}
