//! 周知: what a center does to become known — posters at 指定医療機関, leaflets handed out
//! with the application for 医療費助成, talks at 指定医 training, visits to MSWs, 地域包括
//! 支援センター and care managers, the homepage, the newsletter, SNS — and its effect: the
//! new patients per source (how they heard of the center, asked at intake) per month, and
//! for each activity the new patients from its source in the days before against the days
//! after.

use super::Activities;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::clock::tokyo_date;
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::reports::Period;
use crate::reports::use_cases::{read_detail, report_scope};
use crate::values::{self, ReferralSource};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

/// How many days before and after an activity its effect is measured over.
pub const WINDOW_DAYS: i64 = 30;
const UNIT_MAX: usize = 20;

/// One outreach activity: e.g. 300 leaflets (`quantity` 300, `unit` 枚) to 12 指定医療機関
/// (`facility_count` 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachActivity {
    pub id: Uuid,
    pub center_id: Uuid,
    /// One of the outreach sources ([`ReferralSource::is_outreach`]).
    pub kind: ReferralSource,
    /// What an `other` activity was.
    pub kind_other: Option<String>,
    /// Whom it reached, in words (e.g. 県内の指定医療機関).
    pub target: Option<String>,
    pub held_on: NaiveDate,
    pub quantity: Option<i32>,
    pub unit: Option<String>,
    pub facility_count: Option<i32>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct OutreachInput {
    pub kind: String,
    pub kind_other: Option<String>,
    pub target: Option<String>,
    pub held_on: String,
    pub quantity: Option<i32>,
    pub unit: Option<String>,
    pub facility_count: Option<i32>,
    pub notes: Option<String>,
}

/// Changes to an activity; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct OutreachUpdate {
    pub kind: Option<String>,
    pub kind_other: Option<Option<String>>,
    pub target: Option<Option<String>>,
    pub held_on: Option<String>,
    pub quantity: Option<Option<i32>>,
    pub unit: Option<Option<String>>,
    pub facility_count: Option<Option<i32>>,
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct OutreachQuery {
    pub fiscal_year: Option<String>,
    pub kind: Option<String>,
}

/// Which activities a list shows: held in `[from, to]`, of `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutreachFilter {
    pub held: Option<(NaiveDate, NaiveDate)>,
    pub kind: Option<ReferralSource>,
}

// --- the rules ---------------------------------------------------------------------------

/// The amounts of an activity: none negative, and a unit only says what a quantity counts.
pub fn check_amounts(
    v: &mut Validator,
    quantity: Option<i32>,
    has_unit: bool,
    facility_count: Option<i32>,
) {
    if let Some(q) = quantity {
        v.check(super::count("quantity", q));
    }
    if let Some(f) = facility_count {
        v.check(super::count("facility_count", f));
    }
    if has_unit && quantity.is_none() {
        v.push(crate::error::FieldError::new(
            "unit",
            "without_quantity",
            "a unit says what the quantity counts: give the quantity too",
        ));
    }
}

// --- the effect (pure) ------------------------------------------------------------------

/// A patient registered in a center, as the report sees them: no name, the day (Asia/Tokyo)
/// and how they heard of the center (`None`: not asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPatient {
    pub center_id: Uuid,
    pub registered_on: NaiveDate,
    pub source: Option<ReferralSource>,
}

/// A registration as the store answers it: the center, when, and how the patient heard of
/// the center (never a name or an id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registration {
    pub center_id: Uuid,
    pub at: DateTime<Utc>,
    pub source: Option<ReferralSource>,
}

/// New patients of one source per month of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// `None`: registered without the question answered.
    pub source: Option<ReferralSource>,
    /// One per month of [`OutreachReport::months`].
    pub counts: Vec<i64>,
    pub total: i64,
}

/// An activity and the new patients of the same center who named its kind as their source,
/// registered in the [`WINDOW_DAYS`] days before it (`before`: the day before it and
/// earlier) and from its day on (`after`: its day and the days after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEffect {
    pub activity: OutreachActivity,
    pub before: i64,
    pub after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachReport {
    pub window_days: i64,
    /// The first day of each month the period touches, in order.
    pub months: Vec<NaiveDate>,
    /// Every source, then `None` (not asked), in the list's order.
    pub rows: Vec<SourceRow>,
    /// Per month, all sources.
    pub totals: Vec<i64>,
    pub total: i64,
    /// The period's activities by day.
    pub activities: Vec<ActivityEffect>,
}

/// The first day of each month from `from`'s to `to`'s.
pub fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from.with_day(1);
    while let Some(d) = m {
        if d > to {
            break;
        }
        out.push(d);
        m = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        };
    }
    out
}

/// The days an activity on `held_on` is measured over: before is `[held_on − days,
/// held_on − 1]`, after is `[held_on, held_on + days − 1]` (a leaflet handed out in the
/// morning may bring a patient that afternoon).
pub fn windows(held_on: NaiveDate, days: i64) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    (
        (held_on - Duration::days(days), held_on - Duration::days(1)),
        (held_on, held_on + Duration::days(days - 1)),
    )
}

/// New patients of the activity's center and kind registered before and after it.
pub fn effect(a: &OutreachActivity, patients: &[NewPatient], days: i64) -> (i64, i64) {
    let ((b0, b1), (a0, a1)) = windows(a.held_on, days);
    let mut before = 0;
    let mut after = 0;
    for p in patients
        .iter()
        .filter(|p| p.center_id == a.center_id && p.source == Some(a.kind))
    {
        if (b0..=b1).contains(&p.registered_on) {
            before += 1;
        } else if (a0..=a1).contains(&p.registered_on) {
            after += 1;
        }
    }
    (before, after)
}

/// The report from the period's activities and the patients registered from
/// [`WINDOW_DAYS`] before the period to as long after it (only those inside the period are
/// counted per month).
pub fn report(
    period: &Period,
    patients: &[NewPatient],
    activities: Vec<OutreachActivity>,
    days: i64,
) -> OutreachReport {
    let months = months_of(period.from, period.to);
    let month_index = |d: NaiveDate| {
        months
            .iter()
            .position(|m| m.year() == d.year() && m.month() == d.month())
    };
    let sources: Vec<Option<ReferralSource>> = ReferralSource::ALL
        .iter()
        .copied()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    let mut rows: Vec<SourceRow> = sources
        .iter()
        .map(|s| SourceRow {
            source: *s,
            counts: vec![0; months.len()],
            total: 0,
        })
        .collect();
    let mut totals = vec![0; months.len()];
    for p in patients
        .iter()
        .filter(|p| (period.from..=period.to).contains(&p.registered_on))
    {
        let (Some(m), Some(r)) = (
            month_index(p.registered_on),
            sources.iter().position(|s| *s == p.source),
        ) else {
            continue;
        };
        rows[r].counts[m] += 1;
        rows[r].total += 1;
        totals[m] += 1;
    }
    let total = totals.iter().sum();
    let mut activities: Vec<ActivityEffect> = activities
        .into_iter()
        .map(|a| {
            let (before, after) = effect(&a, patients, days);
            ActivityEffect {
                activity: a,
                before,
                after,
            }
        })
        .collect();
    activities.sort_by_key(|e| (e.activity.held_on, e.activity.id));
    OutreachReport {
        window_days: days,
        months,
        rows,
        totals,
        total,
        activities,
    }
}

// --- the use cases ----------------------------------------------------------------------

fn parse_kind(v: &mut Validator, raw: &str) -> Option<ReferralSource> {
    v.check(ReferralSource::parse_outreach("kind", raw))
}

impl Activities<'_> {
    fn outreach_in(&self, center: Uuid, id: Uuid) -> Result<OutreachActivity, DomainError> {
        self.store
            .outreach_activity(center, id)?
            .ok_or(DomainError::NotFound)
    }

    /// Records an outreach activity.
    #[tracing::instrument(name = "outreach.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_outreach(
        &self,
        ctx: &Ctx,
        input: OutreachInput,
    ) -> Result<OutreachActivity, DomainError> {
        self.guard(ctx, Action::OutreachCreate, None, || {
            let center = policy::outreach(&ctx.actor)?;
            let mut v = Validator::new();
            let kind = parse_kind(&mut v, &input.kind);
            // Judged only against a valid kind, so a bad kind is one error, not two.
            let kind_other = kind
                .and_then(|k| {
                    v.check(super::kind_other(
                        k == ReferralSource::Other,
                        input.kind_other.as_deref(),
                        NAME_MAX,
                    ))
                })
                .flatten();
            let target = v
                .check(values::optional_text(
                    "target",
                    input.target.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let held_on = v.check(values::date("held_on", &input.held_on));
            let unit = v
                .check(values::optional_text(
                    "unit",
                    input.unit.as_deref(),
                    UNIT_MAX,
                ))
                .flatten();
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            check_amounts(
                &mut v,
                input.quantity,
                unit.is_some() || input.unit.as_deref().is_some_and(|u| !u.trim().is_empty()),
                input.facility_count,
            );
            v.finish()?;
            let (Some(kind), Some(held_on)) = (kind, held_on) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let a = OutreachActivity {
                id: Uuid::now_v7(),
                center_id: center,
                kind,
                kind_other,
                target,
                held_on,
                quantity: input.quantity,
                unit,
                facility_count: input.facility_count,
                notes,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::OutreachCreate)
                .resource(a.id)
                .detail(format!("kind={}; held_on={}", kind.as_str(), held_on));
            self.store.insert_outreach_activity(&a, &ev)
        })
    }

    /// Reads an outreach activity (it names no patient).
    #[tracing::instrument(name = "outreach.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn outreach(&self, ctx: &Ctx, id: Uuid) -> Result<OutreachActivity, DomainError> {
        self.guard(ctx, Action::OutreachRead, Some(id), || {
            let center = policy::outreach(&ctx.actor)?;
            let a = self.outreach_in(center, id)?;
            self.log_impersonal_read(self.ev(ctx, Action::OutreachRead).resource(id));
            Ok(a)
        })
    }

    /// The center's outreach activities in creation order, by `fiscal_year` (held in it)
    /// and `kind`.
    #[tracing::instrument(name = "outreach.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn outreach_activities(
        &self,
        ctx: &Ctx,
        q: OutreachQuery,
        page: PageRequest,
    ) -> Result<Page<OutreachActivity>, DomainError> {
        self.guard(ctx, Action::OutreachList, None, || {
            let center = policy::outreach(&ctx.actor)?;
            let kind = q
                .kind
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|k| ReferralSource::parse_outreach("kind", k))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let filter = OutreachFilter {
                held: super::year_filter(q.fiscal_year.as_deref())?,
                kind,
            };
            let found = self.store.outreach_activities(center, &filter, page)?;
            let query: Vec<String> = [
                ("fiscal_year", q.fiscal_year.filter(|s| !s.is_empty())),
                ("kind", kind.map(|k| k.as_str().to_owned())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_impersonal_read(self.ev(ctx, Action::OutreachList).detail(format!(
                "{}; count={}",
                query.join("; "),
                found.items.len()
            )));
            Ok(found)
        })
    }

    /// Changes an outreach activity.
    #[tracing::instrument(name = "outreach.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_outreach(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: OutreachUpdate,
    ) -> Result<OutreachActivity, DomainError> {
        self.guard(ctx, Action::OutreachUpdate, Some(id), || {
            let center = policy::outreach(&ctx.actor)?;
            let current = self.outreach_in(center, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut a = current.clone();
            let mut v = Validator::new();
            if let Some(k) = input.kind.as_deref().and_then(|k| parse_kind(&mut v, k)) {
                a.kind = k;
            }
            // The free text follows the kind: given anew, kept while still `other`, dropped
            // when the kind becomes a coded one.
            let other_raw = match &input.kind_other {
                Some(x) => x.clone(),
                None if a.kind == ReferralSource::Other => a.kind_other.clone(),
                None => None,
            };
            if let Some(x) = v.check(super::kind_other(
                a.kind == ReferralSource::Other,
                other_raw.as_deref(),
                NAME_MAX,
            )) {
                a.kind_other = x;
            }
            if let Some(t) = &input.target
                && let Some(t) = v.check(values::optional_text("target", t.as_deref(), NAME_MAX))
            {
                a.target = t;
            }
            if let Some(d) = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)))
            {
                a.held_on = d;
            }
            if let Some(q) = input.quantity {
                a.quantity = q;
            }
            if let Some(u) = &input.unit
                && let Some(u) = v.check(values::optional_text("unit", u.as_deref(), UNIT_MAX))
            {
                a.unit = u;
            }
            if let Some(f) = input.facility_count {
                a.facility_count = f;
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                a.notes = n;
            }
            check_amounts(&mut v, a.quantity, a.unit.is_some(), a.facility_count);
            v.finish()?;
            a.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::OutreachUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("kind", a.kind != current.kind),
                    ("kind_other", a.kind_other != current.kind_other),
                    ("target", a.target != current.target),
                    ("held_on", a.held_on != current.held_on),
                    ("quantity", a.quantity != current.quantity),
                    ("unit", a.unit != current.unit),
                    ("facility_count", a.facility_count != current.facility_count),
                    ("notes", a.notes != current.notes),
                ]));
            self.store.save_outreach_activity(&a, expected_version, &ev)
        })
    }

    /// 周知の効果: new patients per source per month of the period, and each activity's
    /// before/after (see [`report`]). For a center's supervisor or administrator, or the
    /// system administrator across centers (each activity set against its own center's
    /// patients); never a patient's name or id.
    #[tracing::instrument(name = "outreach.report", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn outreach_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<OutreachReport, DomainError> {
        self.guard(ctx, Action::ReportOutreach, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            let widened = Period {
                from: period.from - Duration::days(WINDOW_DAYS),
                to: period.to + Duration::days(WINDOW_DAYS),
                fiscal_year: None,
            };
            let (from, to) = widened.utc_range();
            let patients: Vec<NewPatient> = self
                .store
                .patients_registered(&scope, from, to)?
                .into_iter()
                .map(|r| NewPatient {
                    center_id: r.center_id,
                    registered_on: tokyo_date(r.at),
                    source: r.source,
                })
                .collect();
            let activities = self.store.outreach_held(&scope, period.from, period.to)?;
            let out = report(period, &patients, activities, WINDOW_DAYS);
            self.log_impersonal_read(
                self.ev(ctx, Action::ReportOutreach)
                    .detail(read_detail(period, &scope)),
            );
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn activity(center: Uuid, kind: ReferralSource, held_on: NaiveDate) -> OutreachActivity {
        OutreachActivity {
            id: Uuid::now_v7(),
            center_id: center,
            kind,
            kind_other: None,
            target: None,
            held_on,
            quantity: None,
            unit: None,
            facility_count: None,
            notes: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn patient(center: Uuid, on: NaiveDate, source: Option<ReferralSource>) -> NewPatient {
        NewPatient {
            center_id: center,
            registered_on: on,
            source,
        }
    }

    #[test]
    fn outreach_kinds_are_the_sources_a_center_can_act_on() {
        use ReferralSource as S;
        let kinds: Vec<&str> = S::ALL
            .iter()
            .filter(|s| s.is_outreach())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(kinds.len(), 10);
        assert!(kinds.contains(&"leaflet_at_application"));
        assert!(kinds.contains(&"other"));
        for s in [
            S::FamilyFriend,
            S::MedicalStaff,
            S::PatientAssociation,
            S::Unknown,
        ] {
            assert!(!s.is_outreach());
            assert_eq!(
                S::parse_outreach("kind", s.as_str()).unwrap_err().code,
                "invalid_choice"
            );
        }
        assert_eq!(S::parse_outreach("kind", "sns").unwrap(), S::Sns);
    }

    #[test]
    fn a_unit_needs_a_quantity_and_amounts_are_not_negative() {
        let codes = |q: Option<i32>, unit: bool, f: Option<i32>| {
            let mut v = Validator::new();
            check_amounts(&mut v, q, unit, f);
            match v.finish() {
                Ok(()) => vec![],
                Err(DomainError::Validation(e)) => e.into_iter().map(|e| e.code).collect(),
                Err(_) => vec!["other"],
            }
        };
        assert!(codes(None, false, None).is_empty());
        assert_eq!(codes(None, true, None), ["without_quantity"]);
        assert!(codes(Some(300), true, Some(12)).is_empty());
        assert!(codes(Some(0), false, Some(0)).is_empty());
        assert_eq!(codes(Some(-1), true, Some(-2)), ["negative", "negative"]);
    }

    #[test]
    fn months_cover_the_period() {
        let m = months_of(day(2026, 4, 1), day(2027, 3, 31));
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], day(2026, 4, 1));
        assert_eq!(m[8], day(2026, 12, 1));
        assert_eq!(m[9], day(2027, 1, 1));
        assert_eq!(m[11], day(2027, 3, 1));
        assert_eq!(
            months_of(day(2026, 6, 15), day(2026, 7, 2)),
            [day(2026, 6, 1), day(2026, 7, 1)]
        );
    }

    #[test]
    fn before_is_the_thirty_days_up_to_the_day_before_and_after_starts_on_the_day() {
        let ((b0, b1), (a0, a1)) = windows(day(2026, 7, 1), 30);
        assert_eq!((b0, b1), (day(2026, 6, 1), day(2026, 6, 30)));
        assert_eq!((a0, a1), (day(2026, 7, 1), day(2026, 7, 30)));

        let c = Uuid::now_v7();
        let elsewhere = Uuid::now_v7();
        let a = activity(c, ReferralSource::LeafletAtApplication, day(2026, 7, 1));
        let leaflet = Some(ReferralSource::LeafletAtApplication);
        let patients = [
            patient(c, day(2026, 5, 31), leaflet), // 31 days before: outside
            patient(c, day(2026, 6, 1), leaflet),  // before
            patient(c, day(2026, 6, 30), leaflet), // before
            patient(c, day(2026, 7, 1), leaflet),  // after: the day itself
            patient(c, day(2026, 7, 30), leaflet), // after
            patient(c, day(2026, 7, 31), leaflet), // outside
            patient(c, day(2026, 7, 10), Some(ReferralSource::Sns)), // another source
            patient(c, day(2026, 7, 10), None),    // not asked
            patient(elsewhere, day(2026, 7, 10), leaflet), // another center
        ];
        assert_eq!(effect(&a, &patients, 30), (2, 2));
        assert_eq!(effect(&a, &patients, 1), (1, 1));
    }

    #[test]
    fn the_report_counts_each_source_per_month_inside_the_period_only() {
        let c = Uuid::now_v7();
        let period = Period::fiscal_year(2026).unwrap();
        let sns = Some(ReferralSource::Sns);
        let patients = [
            patient(c, day(2026, 3, 31), sns), // the year before
            patient(c, day(2026, 4, 1), sns),
            patient(c, day(2026, 4, 30), None),
            patient(c, day(2026, 5, 2), sns),
            patient(c, day(2027, 3, 31), Some(ReferralSource::Unknown)),
            patient(c, day(2027, 4, 1), sns), // the year after
        ];
        let a = activity(c, ReferralSource::Sns, day(2026, 4, 15));
        let r = report(&period, &patients, vec![a], 30);
        assert_eq!(r.months.len(), 12);
        let row = |s: Option<ReferralSource>| r.rows.iter().find(|x| x.source == s).unwrap();
        assert_eq!(row(sns).counts[..2], [1, 1]);
        assert_eq!(row(sns).total, 2);
        assert_eq!(row(None).counts[0], 1);
        assert_eq!(row(Some(ReferralSource::Unknown)).counts[11], 1);
        assert_eq!(r.totals[0], 2);
        assert_eq!(r.total, 4);
        assert_eq!(r.rows.len(), ReferralSource::ALL.len() + 1);
        // The activity's window reaches back into the previous year: 3/31 and 4/1 before,
        // 5/2 after.
        assert_eq!((r.activities[0].before, r.activities[0].after), (2, 1));
    }
}
