//! 研修: the trainings a center's staff attended or gave, with their hours — the center's
//! evidence of keeping its staff skilled, and (with `peer_supporter_training`, the
//! ピア・サポーター養成講習会) of training its peer supporters. A staff member records their
//! own; a supervisor or the center's administrator records anyone's in the center
//! ([`policy::trainings`]).

use super::Activities;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::ports::Scope;
use crate::values::{self, TrainingCourse, TrainingParticipation};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A day holds at most 24 hours, in hundredths.
const DAY_HUNDREDTHS: i64 = 24 * 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Training {
    pub id: Uuid,
    pub center_id: Uuid,
    /// The staff member who attended or gave it.
    pub user_id: Uuid,
    pub participation: TrainingParticipation,
    pub course: TrainingCourse,
    pub title: String,
    pub organiser: Option<String>,
    pub held_on: NaiveDate,
    /// The last day of a course over several days.
    pub ended_on: Option<NaiveDate>,
    /// Hours in hundredths (1.5 h is 150), so sums stay exact.
    pub hours_hundredths: i32,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct TrainingInput {
    /// The caller when absent.
    pub user_id: Option<Uuid>,
    pub participation: String,
    pub course: String,
    pub title: String,
    pub organiser: Option<String>,
    pub held_on: String,
    pub ended_on: Option<String>,
    pub hours: f64,
    pub notes: Option<String>,
}

/// Changes to a training; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct TrainingUpdate {
    pub user_id: Option<Uuid>,
    pub participation: Option<String>,
    pub course: Option<String>,
    pub title: Option<String>,
    pub organiser: Option<Option<String>>,
    pub held_on: Option<String>,
    pub ended_on: Option<Option<String>>,
    pub hours: Option<f64>,
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct TrainingQuery {
    pub fiscal_year: Option<String>,
    pub user_id: Option<Uuid>,
    pub course: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainingFilter {
    pub held: Option<(NaiveDate, NaiveDate)>,
    pub user_id: Option<Uuid>,
    pub course: Option<TrainingCourse>,
}

// --- the rules ---------------------------------------------------------------------------

/// At most a year of hours in one record (the OpenAPI document's `maximum`).
pub const HOURS_MAX: f64 = 8784.0;

/// Hours as typed (`1.5`) in hundredths (150): at least 0.01 (a positive number too small
/// to show as hundredths is refused, not stored as zero), at most two decimals and
/// [`HOURS_MAX`].
pub fn hours(field: &str, h: f64) -> Result<i32, FieldError> {
    if !h.is_finite() || h < 0.01 {
        return Err(FieldError::new(
            field,
            "not_positive",
            "must be at least 0.01",
        ));
    }
    let scaled = h * 100.0;
    let rounded = scaled.round();
    if (scaled - rounded).abs() > 1e-6 {
        return Err(FieldError::new(
            field,
            "too_precise",
            "at most two decimals (1.25 hours, not 1.255)",
        ));
    }
    if h > HOURS_MAX {
        return Err(FieldError::new(field, "too_large", "is far too many hours"));
    }
    // In range and whole: checked just above.
    #[allow(clippy::cast_possible_truncation)]
    Ok(rounded as i32)
}

/// A training's days: it ends on or after its first day, and holds at most 24 hours a day.
pub fn days_and_hours(
    held_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    hundredths: i32,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let last = ended_on.unwrap_or(held_on);
    if last < held_on {
        errors.push(FieldError::new(
            "ended_on",
            "before_held_on",
            "must not be before held_on",
        ));
        return errors;
    }
    let days = (last - held_on).num_days() + 1;
    if i64::from(hundredths) > DAY_HUNDREDTHS * days {
        errors.push(FieldError::new(
            "hours",
            "over_24_per_day",
            format!(
                "must be at most 24 hours a day ({} for {days} days)",
                24 * days
            ),
        ));
    }
    errors
}

fn optional_date(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(d) => v.check(values::date(field, d)).map(Some),
    }
}

// --- the use cases ----------------------------------------------------------------------

impl Activities<'_> {
    fn training_in(&self, center: Uuid, id: Uuid) -> Result<Training, DomainError> {
        self.store
            .training(center, id)?
            .ok_or(DomainError::NotFound)
    }

    /// The staff member must be a user of the center (one who has left keeps their record).
    fn check_member(&self, v: &mut Validator, center: Uuid, user: Uuid) -> Result<(), DomainError> {
        if self.store.user(Scope::Center(center), user)?.is_none() {
            v.push(FieldError::new(
                "user_id",
                "unknown_user",
                format!("{user} is not a user of your center"),
            ));
        }
        Ok(())
    }

    /// Records a training of the caller (or, for a supervisor or administrator, of any
    /// staff member of the center).
    #[tracing::instrument(name = "trainings.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_training(
        &self,
        ctx: &Ctx,
        input: TrainingInput,
    ) -> Result<Training, DomainError> {
        self.guard(ctx, Action::TrainingCreate, None, || {
            let user = input.user_id.unwrap_or(ctx.actor.user_id);
            let center = policy::trainings(&ctx.actor, user)?;
            let mut v = Validator::new();
            self.check_member(&mut v, center, user)?;
            let participation = v.check(TrainingParticipation::parse(
                "participation",
                &input.participation,
            ));
            let course = v.check(TrainingCourse::parse("course", &input.course));
            let title = v.check(values::name_text("title", &input.title, 1, NAME_MAX));
            let organiser = v
                .check(values::optional_text(
                    "organiser",
                    input.organiser.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let held_on = v.check(values::date("held_on", &input.held_on));
            let ended_on = optional_date(&mut v, "ended_on", input.ended_on.as_deref()).flatten();
            let hundredths = v.check(hours("hours", input.hours));
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            if let (Some(d), Some(h)) = (held_on, hundredths) {
                for e in days_and_hours(d, ended_on, h) {
                    v.push(e);
                }
            }
            v.finish()?;
            let (Some(participation), Some(course), Some(title), Some(held_on), Some(hundredths)) =
                (participation, course, title, held_on, hundredths)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let t = Training {
                id: Uuid::now_v7(),
                center_id: center,
                user_id: user,
                participation,
                course,
                title,
                organiser,
                held_on,
                ended_on,
                hours_hundredths: hundredths,
                notes,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::TrainingCreate)
                .resource(t.id)
                .detail(format!("user={user}; course={}", course.as_str()));
            self.store.insert_training(&t, &ev)
        })
    }

    /// Reads a training (it names a staff member, not a patient).
    #[tracing::instrument(name = "trainings.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn training(&self, ctx: &Ctx, id: Uuid) -> Result<Training, DomainError> {
        self.guard(ctx, Action::TrainingRead, Some(id), || {
            let center = policy::trainings(&ctx.actor, ctx.actor.user_id)?;
            let t = self.training_in(center, id)?;
            self.log_impersonal_read(self.ev(ctx, Action::TrainingRead).resource(id));
            Ok(t)
        })
    }

    /// The center's trainings in creation order, by `fiscal_year` (begun in it), staff
    /// member and course.
    #[tracing::instrument(name = "trainings.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn trainings(
        &self,
        ctx: &Ctx,
        q: TrainingQuery,
        page: PageRequest,
    ) -> Result<Page<Training>, DomainError> {
        self.guard(ctx, Action::TrainingList, None, || {
            let center = policy::trainings(&ctx.actor, ctx.actor.user_id)?;
            let course = q
                .course
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|k| TrainingCourse::parse("course", k))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let filter = TrainingFilter {
                held: super::year_filter(q.fiscal_year.as_deref())?,
                user_id: q.user_id,
                course,
            };
            let found = self.store.trainings(center, &filter, page)?;
            let query: Vec<String> = [
                ("fiscal_year", q.fiscal_year.filter(|s| !s.is_empty())),
                ("user_id", q.user_id.map(|u| u.to_string())),
                ("course", course.map(|k| k.as_str().to_owned())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_impersonal_read(self.ev(ctx, Action::TrainingList).detail(format!(
                "{}; count={}",
                query.join("; "),
                found.items.len()
            )));
            Ok(found)
        })
    }

    /// Changes a training: one's own, or (a supervisor or administrator) anyone's.
    #[tracing::instrument(name = "trainings.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_training(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: TrainingUpdate,
    ) -> Result<Training, DomainError> {
        self.guard(ctx, Action::TrainingUpdate, Some(id), || {
            let center = policy::trainings(&ctx.actor, ctx.actor.user_id)?;
            let current = self.training_in(center, id)?;
            policy::trainings(&ctx.actor, current.user_id)?;
            let expected_version = if_match.against(current.version)?;
            let mut t = current.clone();
            let mut v = Validator::new();
            if let Some(u) = input.user_id {
                policy::trainings(&ctx.actor, u)?;
                self.check_member(&mut v, center, u)?;
                t.user_id = u;
            }
            if let Some(p) = input
                .participation
                .as_deref()
                .and_then(|p| v.check(TrainingParticipation::parse("participation", p)))
            {
                t.participation = p;
            }
            if let Some(c) = input
                .course
                .as_deref()
                .and_then(|c| v.check(TrainingCourse::parse("course", c)))
            {
                t.course = c;
            }
            if let Some(x) = input
                .title
                .as_deref()
                .and_then(|x| v.check(values::name_text("title", x, 1, NAME_MAX)))
            {
                t.title = x;
            }
            if let Some(o) = &input.organiser
                && let Some(o) = v.check(values::optional_text("organiser", o.as_deref(), NAME_MAX))
            {
                t.organiser = o;
            }
            if let Some(d) = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)))
            {
                t.held_on = d;
            }
            if let Some(e) = &input.ended_on
                && let Some(e) = optional_date(&mut v, "ended_on", e.as_deref())
            {
                t.ended_on = e;
            }
            if let Some(h) = input.hours.and_then(|h| v.check(hours("hours", h))) {
                t.hours_hundredths = h;
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                t.notes = n;
            }
            for e in days_and_hours(t.held_on, t.ended_on, t.hours_hundredths) {
                v.push(e);
            }
            v.finish()?;
            t.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::TrainingUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("user_id", t.user_id != current.user_id),
                    ("participation", t.participation != current.participation),
                    ("course", t.course != current.course),
                    ("title", t.title != current.title),
                    ("organiser", t.organiser != current.organiser),
                    ("held_on", t.held_on != current.held_on),
                    ("ended_on", t.ended_on != current.ended_on),
                    ("hours", t.hours_hundredths != current.hours_hundredths),
                    ("notes", t.notes != current.notes),
                ]));
            self.store.save_training(&t, expected_version, &ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn hours_are_positive_with_at_most_two_decimals() {
        assert_eq!(hours("h", 1.5).unwrap(), 150);
        assert_eq!(hours("h", 0.25).unwrap(), 25);
        assert_eq!(hours("h", 24.0).unwrap(), 2400);
        assert_eq!(hours("h", 1.1).unwrap(), 110);
        assert_eq!(hours("h", 0.0).unwrap_err().code, "not_positive");
        assert_eq!(hours("h", -1.0).unwrap_err().code, "not_positive");
        assert_eq!(hours("h", f64::NAN).unwrap_err().code, "not_positive");
        // Positive but below a hundredth: refused, never stored as zero hours.
        assert_eq!(hours("h", 2.2e-309).unwrap_err().code, "not_positive");
        assert_eq!(hours("h", 0.001).unwrap_err().code, "not_positive");
        assert_eq!(hours("h", 0.01).unwrap(), 1);
        assert_eq!(hours("h", HOURS_MAX).unwrap(), 878_400);
        assert_eq!(hours("h", HOURS_MAX + 1.0).unwrap_err().code, "too_large");
        assert_eq!(hours("h", 1.255).unwrap_err().code, "too_precise");
        assert_eq!(hours("h", 1e12).unwrap_err().code, "too_large");
    }

    #[test]
    fn a_day_holds_at_most_24_hours() {
        let d = day(2026, 6, 1);
        assert!(days_and_hours(d, None, 2400).is_empty());
        assert_eq!(days_and_hours(d, None, 2401)[0].code, "over_24_per_day");
        // A three-day course: up to 72 hours.
        assert!(days_and_hours(d, Some(day(2026, 6, 3)), 7200).is_empty());
        assert_eq!(
            days_and_hours(d, Some(day(2026, 6, 3)), 7201)[0].code,
            "over_24_per_day"
        );
        assert_eq!(
            days_and_hours(d, Some(day(2026, 5, 31)), 100)[0].code,
            "before_held_on"
        );
    }
}
