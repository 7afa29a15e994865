//! イベント・集団活動: ピア相談会, 難病カフェ, seminars, 講演・研修会, 就労支援セミナー,
//! 弁護士・社労士相談会 and others — when and where, by whom, how many came (patients,
//! families, professionals), what was handed out, the series an event belongs to (e.g. the
//! monthly 難病カフェ), and the patients named at it, each with a consent in force on its day
//! (shown on their timeline). Events name patients, so reading and writing them is case work
//! ([`policy::events`]); the figures per kind are for whoever reads reports.

use super::Activities;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::reports::Period;
use crate::reports::use_cases::{read_detail, report_scope};
use crate::values::{self, AttendeeRole, EventKind};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use std::collections::BTreeSet;
use uuid::Uuid;

const MATERIALS_MAX: usize = 30;
const MATERIAL_MAX: usize = 200;

/// A patient named at an event, as the patient or as a patient's family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub patient_id: Uuid,
    pub role: AttendeeRole,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Uuid,
    pub center_id: Uuid,
    pub kind: EventKind,
    pub kind_other: Option<String>,
    pub title: String,
    pub held_on: NaiveDate,
    /// Asia/Tokyo wall-clock times.
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub online: bool,
    /// The center's staff who ran it, sorted.
    pub staff_ids: Vec<Uuid>,
    pub patients_count: i32,
    pub families_count: i32,
    pub professionals_count: i32,
    /// What was handed out, one item each.
    pub materials: Vec<String>,
    /// The series it belongs to, by name.
    pub series: Option<String>,
    pub notes: Option<String>,
    /// Sorted by patient id.
    pub attendees: Vec<Attendee>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub kind: String,
    pub kind_other: Option<String>,
    pub title: String,
    pub held_on: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub place: Option<String>,
    pub online: bool,
    pub staff_ids: Vec<Uuid>,
    pub patients_count: i32,
    pub families_count: i32,
    pub professionals_count: i32,
    pub materials: Vec<String>,
    pub series: Option<String>,
    pub notes: Option<String>,
}

/// Changes to an event; absent fields stay, `Some(None)` clears; `materials` and
/// `staff_ids` replace the lists. Attendees change through their own resource.
#[derive(Debug, Clone, Default)]
pub struct EventUpdate {
    pub kind: Option<String>,
    pub kind_other: Option<Option<String>>,
    pub title: Option<String>,
    pub held_on: Option<String>,
    pub start_time: Option<Option<String>>,
    pub end_time: Option<Option<String>>,
    pub place: Option<Option<String>>,
    pub online: Option<bool>,
    pub staff_ids: Option<Vec<Uuid>>,
    pub patients_count: Option<i32>,
    pub families_count: Option<i32>,
    pub professionals_count: Option<i32>,
    pub materials: Option<Vec<String>>,
    pub series: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub fiscal_year: Option<String>,
    pub kind: Option<String>,
    pub series: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventFilter {
    pub held: Option<(NaiveDate, NaiveDate)>,
    pub kind: Option<EventKind>,
    pub series: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AttendeeInput {
    pub patient_id: Uuid,
    pub role: String,
}

/// Events held in a period of one kind, with their headcounts summed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventCount {
    pub kind: Option<EventKind>,
    pub events: i64,
    pub patients: i64,
    pub families: i64,
    pub professionals: i64,
    /// Patients named at them (a patient at two events counts twice).
    pub named: i64,
}

impl EventCount {
    /// Everyone who came.
    pub fn people(&self) -> i64 {
        self.patients + self.families + self.professionals
    }
}

/// Per kind in the list's order (every kind, held or not), and the total (`kind: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsReport {
    pub rows: Vec<EventCount>,
    pub total: EventCount,
}

// --- the rules ---------------------------------------------------------------------------

/// A wall-clock time `HH:MM`.
pub fn time(field: &str, raw: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| FieldError::new(field, "invalid_time", "must be a time HH:MM"))
}

/// An event ends after it starts; an end alone is not a time span.
pub fn times(start: Option<NaiveTime>, end: Option<NaiveTime>) -> Result<(), FieldError> {
    match (start, end) {
        (Some(s), Some(e)) if e <= s => Err(FieldError::new(
            "end_time",
            "not_after_start",
            "must be after start_time",
        )),
        (None, Some(_)) => Err(FieldError::new(
            "end_time",
            "without_start",
            "give start_time too",
        )),
        _ => Ok(()),
    }
}

/// What was handed out: each item a short text (blank lines dropped), at most 30.
pub fn materials(raw: &[String]) -> Result<Vec<String>, FieldError> {
    let items: Vec<&str> = raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > MATERIALS_MAX {
        return Err(FieldError::new(
            "materials",
            "too_many",
            format!("at most {MATERIALS_MAX} items"),
        ));
    }
    items
        .into_iter()
        .map(|s| values::name_text("materials", s, 1, MATERIAL_MAX))
        .collect()
}

/// Headcounts are not negative and cover the patients and families named.
pub fn headcounts(
    patients: i32,
    families: i32,
    professionals: i32,
    attendees: &[Attendee],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let named = |r: AttendeeRole| attendees.iter().filter(|a| a.role == r).count();
    for (field, n, role) in [
        ("patients_count", patients, Some(AttendeeRole::Patient)),
        ("families_count", families, Some(AttendeeRole::Family)),
        ("professionals_count", professionals, None),
    ] {
        if n < 0 {
            errors.push(FieldError::new(field, "negative", "must not be negative"));
        } else if let Some(r) = role
            && usize::try_from(n).unwrap_or(0) < named(r)
        {
            errors.push(FieldError::new(
                field,
                "fewer_than_named",
                format!(
                    "must be at least the number of named attendees with role {}",
                    r.as_str()
                ),
            ));
        }
    }
    errors
}

/// The figures per kind from the store's counts.
pub fn report(counts: &[EventCount]) -> EventsReport {
    let mut rows: Vec<EventCount> = EventKind::ALL
        .iter()
        .map(|k| EventCount {
            kind: Some(*k),
            ..EventCount::default()
        })
        .collect();
    let mut total = EventCount::default();
    for c in counts {
        for row in rows.iter_mut().filter(|r| r.kind == c.kind) {
            row.events += c.events;
            row.patients += c.patients;
            row.families += c.families;
            row.professionals += c.professionals;
            row.named += c.named;
        }
        total.events += c.events;
        total.patients += c.patients;
        total.families += c.families;
        total.professionals += c.professionals;
        total.named += c.named;
    }
    EventsReport { rows, total }
}

fn optional_time(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<Option<NaiveTime>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(t) => v.check(time(field, t)).map(Some),
    }
}

// --- the use cases ----------------------------------------------------------------------

impl Activities<'_> {
    fn event_in(&self, center: Uuid, id: Uuid) -> Result<Event, DomainError> {
        self.store.event(center, id)?.ok_or(DomainError::NotFound)
    }

    /// A read naming these patients: one access event per patient, or one naming nobody.
    /// Durable before the data is answered.
    pub(super) fn log_named_read(
        &self,
        ctx: &Ctx,
        action: Action,
        resource: Option<Uuid>,
        patients: impl IntoIterator<Item = Uuid>,
        detail: &str,
    ) -> Result<(), DomainError> {
        let named: BTreeSet<Uuid> = patients.into_iter().collect();
        let mut base = self.ev(ctx, action).detail(detail);
        if let Some(r) = resource {
            base = base.resource(r);
        }
        if named.is_empty() {
            return self.log_access(base);
        }
        for p in named {
            self.log_access(crate::shoman::projects::naming(&base, p))?;
        }
        Ok(())
    }

    /// A change's events: one per attendee (each patient's trail shows the change), or one
    /// naming nobody.
    fn event_changes(
        &self,
        ctx: &Ctx,
        action: Action,
        e: &Event,
        detail: String,
    ) -> Vec<AuditDraft> {
        let base = self.ev(ctx, action).resource(e.id).detail(detail);
        let named: BTreeSet<Uuid> = e.attendees.iter().map(|a| a.patient_id).collect();
        if named.is_empty() {
            vec![base]
        } else {
            named
                .into_iter()
                .map(|p| crate::shoman::projects::naming(&base, p))
                .collect()
        }
    }

    /// A patient may be named at an event held on `held_on` if they are a patient of the
    /// center (422 `attendee_not_found`) with a consent in force that day (any scope: being
    /// named in the center's own record of an event is what they agreed to; 422
    /// `attendee_without_consent`).
    fn check_attendee(
        &self,
        center: Uuid,
        held_on: NaiveDate,
        patient: Uuid,
    ) -> Result<(), DomainError> {
        if self.store.patient(center, patient)?.is_none() {
            return Err(DomainError::rule(
                "attendee_not_found",
                format!("{patient} is not a patient of your center"),
            ));
        }
        let consents = self.store.consents(center, patient)?;
        if !consents.iter().any(|c| c.in_force_on(held_on)) {
            return Err(DomainError::rule(
                "attendee_without_consent",
                format!(
                    "{patient} has no consent in force on {held_on}: count them in the headcount only"
                ),
            ));
        }
        Ok(())
    }

    /// Records an event.
    #[tracing::instrument(name = "events.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_event(&self, ctx: &Ctx, input: EventInput) -> Result<Event, DomainError> {
        self.guard(ctx, Action::EventCreate, None, || {
            let center = policy::events(&ctx.actor)?;
            let mut v = Validator::new();
            let kind = v.check(EventKind::parse("kind", &input.kind));
            let kind_other = kind
                .and_then(|k| {
                    v.check(super::kind_other(
                        k == EventKind::Other,
                        input.kind_other.as_deref(),
                        NAME_MAX,
                    ))
                })
                .flatten();
            let title = v.check(values::name_text("title", &input.title, 1, NAME_MAX));
            let held_on = v.check(values::date("held_on", &input.held_on));
            let start_time =
                optional_time(&mut v, "start_time", input.start_time.as_deref()).flatten();
            let end_time = optional_time(&mut v, "end_time", input.end_time.as_deref()).flatten();
            v.check(times(start_time, end_time));
            let place = v
                .check(values::optional_text(
                    "place",
                    input.place.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let staff_ids = super::staff_list(&input.staff_ids);
            self.check_staff(&mut v, center, "staff_ids", &staff_ids)?;
            for e in headcounts(
                input.patients_count,
                input.families_count,
                input.professionals_count,
                &[],
            ) {
                v.push(e);
            }
            let materials = v.check(materials(&input.materials)).unwrap_or_default();
            let series = v
                .check(values::optional_text(
                    "series",
                    input.series.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            let (Some(kind), Some(title), Some(held_on)) = (kind, title, held_on) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let e = Event {
                id: Uuid::now_v7(),
                center_id: center,
                kind,
                kind_other,
                title,
                held_on,
                start_time,
                end_time,
                place,
                online: input.online,
                staff_ids,
                patients_count: input.patients_count,
                families_count: input.families_count,
                professionals_count: input.professionals_count,
                materials,
                series,
                notes,
                attendees: vec![],
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::EventCreate)
                .resource(e.id)
                .detail(format!("kind={}; held_on={held_on}", kind.as_str()));
            self.store.insert_event(&e, &ev)
        })
    }

    /// Reads an event: an access event naming each attendee.
    #[tracing::instrument(name = "events.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn event(&self, ctx: &Ctx, id: Uuid) -> Result<Event, DomainError> {
        self.guard(ctx, Action::EventRead, Some(id), || {
            let center = policy::events(&ctx.actor)?;
            let e = self.event_in(center, id)?;
            self.log_named_read(
                ctx,
                Action::EventRead,
                Some(id),
                e.attendees.iter().map(|a| a.patient_id),
                &format!("kind={}", e.kind.as_str()),
            )?;
            Ok(e)
        })
    }

    /// The center's events in creation order by `fiscal_year` (held in it), `kind` and
    /// `series`: an access event naming each attendee on the page.
    #[tracing::instrument(name = "events.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn events(
        &self,
        ctx: &Ctx,
        q: EventQuery,
        page: PageRequest,
    ) -> Result<Page<Event>, DomainError> {
        self.guard(ctx, Action::EventList, None, || {
            let center = policy::events(&ctx.actor)?;
            let kind = q
                .kind
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|k| EventKind::parse("kind", k))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let series = q
                .series
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let filter = EventFilter {
                held: super::year_filter(q.fiscal_year.as_deref())?,
                kind,
                series,
            };
            let found = self.store.events(center, &filter, page)?;
            // The series is the center's own wording: counted, not copied into the trail.
            let query: Vec<String> = [
                ("fiscal_year", q.fiscal_year.filter(|s| !s.is_empty())),
                ("kind", kind.map(|k| k.as_str().to_owned())),
                ("series", filter.series.as_ref().map(|_| "given".to_owned())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_named_read(
                ctx,
                Action::EventList,
                None,
                found
                    .items
                    .iter()
                    .flat_map(|e| e.attendees.iter().map(|a| a.patient_id)),
                &format!("{}; count={}", query.join("; "), found.items.len()),
            )?;
            Ok(found)
        })
    }

    /// Changes an event. A new day is checked against every attendee's consent again.
    #[tracing::instrument(name = "events.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_event(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: EventUpdate,
    ) -> Result<Event, DomainError> {
        self.guard(ctx, Action::EventUpdate, Some(id), || {
            let center = policy::events(&ctx.actor)?;
            let current = self.event_in(center, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut e = current.clone();
            let mut v = Validator::new();
            if let Some(k) = input
                .kind
                .as_deref()
                .and_then(|k| v.check(EventKind::parse("kind", k)))
            {
                e.kind = k;
            }
            let other_raw = match &input.kind_other {
                Some(x) => x.clone(),
                None if e.kind == EventKind::Other => e.kind_other.clone(),
                None => None,
            };
            if let Some(x) = v.check(super::kind_other(
                e.kind == EventKind::Other,
                other_raw.as_deref(),
                NAME_MAX,
            )) {
                e.kind_other = x;
            }
            if let Some(t) = input
                .title
                .as_deref()
                .and_then(|t| v.check(values::name_text("title", t, 1, NAME_MAX)))
            {
                e.title = t;
            }
            if let Some(d) = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)))
            {
                e.held_on = d;
            }
            if let Some(t) = &input.start_time
                && let Some(t) = optional_time(&mut v, "start_time", t.as_deref())
            {
                e.start_time = t;
            }
            if let Some(t) = &input.end_time
                && let Some(t) = optional_time(&mut v, "end_time", t.as_deref())
            {
                e.end_time = t;
            }
            v.check(times(e.start_time, e.end_time));
            if let Some(p) = &input.place
                && let Some(p) = v.check(values::optional_text("place", p.as_deref(), NAME_MAX))
            {
                e.place = p;
            }
            if let Some(o) = input.online {
                e.online = o;
            }
            if let Some(ids) = &input.staff_ids {
                e.staff_ids = super::staff_list(ids);
                self.check_staff(&mut v, center, "staff_ids", &e.staff_ids)?;
            }
            if let Some(n) = input.patients_count {
                e.patients_count = n;
            }
            if let Some(n) = input.families_count {
                e.families_count = n;
            }
            if let Some(n) = input.professionals_count {
                e.professionals_count = n;
            }
            for err in headcounts(
                e.patients_count,
                e.families_count,
                e.professionals_count,
                &e.attendees,
            ) {
                v.push(err);
            }
            if let Some(m) = &input.materials
                && let Some(m) = v.check(materials(m))
            {
                e.materials = m;
            }
            if let Some(s) = &input.series
                && let Some(s) = v.check(values::optional_text("series", s.as_deref(), NAME_MAX))
            {
                e.series = s;
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                e.notes = n;
            }
            v.finish()?;
            if e.held_on != current.held_on {
                for a in &e.attendees {
                    self.check_attendee(center, e.held_on, a.patient_id)?;
                }
            }
            e.updated_at = self.clock.now();
            let detail = changed_fields(&[
                ("kind", e.kind != current.kind),
                ("kind_other", e.kind_other != current.kind_other),
                ("title", e.title != current.title),
                ("held_on", e.held_on != current.held_on),
                ("start_time", e.start_time != current.start_time),
                ("end_time", e.end_time != current.end_time),
                ("place", e.place != current.place),
                ("online", e.online != current.online),
                ("staff_ids", e.staff_ids != current.staff_ids),
                ("patients_count", e.patients_count != current.patients_count),
                ("families_count", e.families_count != current.families_count),
                (
                    "professionals_count",
                    e.professionals_count != current.professionals_count,
                ),
                ("materials", e.materials != current.materials),
                ("series", e.series != current.series),
                ("notes", e.notes != current.notes),
            ]);
            let events = self.event_changes(ctx, Action::EventUpdate, &e, detail);
            self.store.save_event(&e, expected_version, &events)
        })
    }

    /// Names a patient at an event (the event's version moves on). The headcount of the
    /// role must already cover them (422 `fewer_than_named`); a patient is named once
    /// (409 `already_attending`).
    #[tracing::instrument(name = "events.add_attendee", skip_all, fields(center_id = ?ctx.actor.center_id, %event_id))]
    pub fn add_attendee(
        &self,
        ctx: &Ctx,
        event_id: Uuid,
        input: AttendeeInput,
    ) -> Result<(Event, Attendee), DomainError> {
        self.guard(ctx, Action::EventAttendeeAdd, Some(event_id), || {
            let center = policy::events(&ctx.actor)?;
            let current = self.event_in(center, event_id)?;
            let role = AttendeeRole::parse("role", &input.role)
                .map_err(|e| DomainError::Validation(vec![e]))?;
            if current
                .attendees
                .iter()
                .any(|a| a.patient_id == input.patient_id)
            {
                return Err(DomainError::conflict(
                    "already_attending",
                    "this patient is already named at the event",
                ));
            }
            self.check_attendee(center, current.held_on, input.patient_id)?;
            let a = Attendee {
                patient_id: input.patient_id,
                role,
                created_by: ctx.actor.user_id,
                created_at: self.clock.now(),
            };
            let mut named = current.attendees.clone();
            named.push(a.clone());
            let errors = headcounts(
                current.patients_count,
                current.families_count,
                current.professionals_count,
                &named,
            );
            if !errors.is_empty() {
                return Err(DomainError::Validation(errors));
            }
            let ev = self
                .ev(ctx, Action::EventAttendeeAdd)
                .resource(event_id)
                .patient(a.patient_id)
                .detail(format!("role={}", role.as_str()));
            let e = self.store.insert_attendee(center, event_id, &a, &ev)?;
            Ok((e, a))
        })
    }

    /// The patients named at an event: an access event naming each.
    #[tracing::instrument(name = "events.attendees", skip_all, fields(center_id = ?ctx.actor.center_id, %event_id))]
    pub fn attendees(&self, ctx: &Ctx, event_id: Uuid) -> Result<Vec<Attendee>, DomainError> {
        self.guard(ctx, Action::EventAttendeeList, Some(event_id), || {
            let center = policy::events(&ctx.actor)?;
            let e = self.event_in(center, event_id)?;
            self.log_named_read(
                ctx,
                Action::EventAttendeeList,
                Some(event_id),
                e.attendees.iter().map(|a| a.patient_id),
                &format!("count={}", e.attendees.len()),
            )?;
            Ok(e.attendees)
        })
    }

    /// Takes a patient off an event's list (the headcount stays: they still came).
    #[tracing::instrument(name = "events.remove_attendee", skip_all, fields(center_id = ?ctx.actor.center_id, %event_id))]
    pub fn remove_attendee(
        &self,
        ctx: &Ctx,
        event_id: Uuid,
        patient_id: Uuid,
    ) -> Result<Event, DomainError> {
        self.guard(ctx, Action::EventAttendeeRemove, Some(event_id), || {
            let center = policy::events(&ctx.actor)?;
            let e = self.event_in(center, event_id)?;
            if !e.attendees.iter().any(|a| a.patient_id == patient_id) {
                return Err(DomainError::NotFound);
            }
            let ev = self
                .ev(ctx, Action::EventAttendeeRemove)
                .resource(event_id)
                .patient(patient_id);
            self.store
                .delete_attendee(center, event_id, patient_id, &ev)
        })
    }

    /// イベント・集団活動の実績: per kind, the events held in the period and who came.
    #[tracing::instrument(name = "events.report", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn events_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<EventsReport, DomainError> {
        self.guard(ctx, Action::ReportEvents, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            let counts = self.store.event_counts(&scope, period.from, period.to)?;
            let out = report(&counts);
            self.log_impersonal_read(
                self.ev(ctx, Action::ReportEvents)
                    .detail(read_detail(period, &scope)),
            );
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attendee(role: AttendeeRole) -> Attendee {
        Attendee {
            patient_id: Uuid::now_v7(),
            role,
            created_by: Uuid::nil(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn times_run_forward_and_parse_as_hh_mm() {
        assert_eq!(time("t", "13:30").unwrap(), t(13, 30));
        assert_eq!(time("t", "25:00").unwrap_err().code, "invalid_time");
        assert_eq!(time("t", "1pm").unwrap_err().code, "invalid_time");
        assert!(times(Some(t(13, 0)), Some(t(15, 0))).is_ok());
        assert!(times(Some(t(13, 0)), None).is_ok());
        assert!(times(None, None).is_ok());
        assert_eq!(
            times(Some(t(13, 0)), Some(t(13, 0))).unwrap_err().code,
            "not_after_start"
        );
        assert_eq!(
            times(None, Some(t(13, 0))).unwrap_err().code,
            "without_start"
        );
    }

    #[test]
    fn materials_are_short_items_without_blanks() {
        let got =
            materials(&[" リーフレット ".into(), "".into(), "就労支援ガイド".into()]).unwrap();
        assert_eq!(got, ["リーフレット", "就労支援ガイド"]);
        let many: Vec<String> = (0..31).map(|i| format!("資料{i}")).collect();
        assert_eq!(materials(&many).unwrap_err().code, "too_many");
        assert_eq!(materials(&["x".repeat(201)]).unwrap_err().code, "too_long");
    }

    #[test]
    fn headcounts_cover_the_named_attendees() {
        let named = [
            attendee(AttendeeRole::Patient),
            attendee(AttendeeRole::Patient),
            attendee(AttendeeRole::Family),
        ];
        assert!(headcounts(2, 1, 0, &named).is_empty());
        let codes: Vec<(String, &str)> = headcounts(1, 0, -1, &named)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("patients_count".to_owned(), "fewer_than_named"),
                ("families_count".to_owned(), "fewer_than_named"),
                ("professionals_count".to_owned(), "negative"),
            ]
        );
    }

    #[test]
    fn the_report_lists_every_kind_and_sums_the_total() {
        let counts = [
            EventCount {
                kind: Some(EventKind::Cafe),
                events: 2,
                patients: 10,
                families: 3,
                professionals: 1,
                named: 2,
            },
            EventCount {
                kind: Some(EventKind::Seminar),
                events: 1,
                patients: 20,
                families: 0,
                professionals: 5,
                named: 0,
            },
        ];
        let r = report(&counts);
        assert_eq!(r.rows.len(), EventKind::ALL.len());
        let cafe = r
            .rows
            .iter()
            .find(|x| x.kind == Some(EventKind::Cafe))
            .unwrap();
        assert_eq!((cafe.events, cafe.people()), (2, 14));
        let lecture = r
            .rows
            .iter()
            .find(|x| x.kind == Some(EventKind::Lecture))
            .unwrap();
        assert_eq!(lecture.events, 0);
        assert_eq!(
            (
                r.total.events,
                r.total.patients,
                r.total.people(),
                r.total.named
            ),
            (3, 30, 39, 2)
        );
    }
}
