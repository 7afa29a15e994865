//! Events and group activities, with the patients named at them.

use crate::DieselStore;
use crate::audit::{append_event, append_events, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::reports::center_ids;
use crate::rows::{choice, naive, utc, uuid, words};
use crate::schema::{event_attendees, events};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::events::EventFilter;
use tsunagu_domain::activities::{Attendee, Event, EventCount};
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::reports::ReportScope;
use tsunagu_domain::values::{AttendeeRole, EventKind};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
struct EventRow {
    id: String,
    center_id: String,
    kind: String,
    kind_other: Option<String>,
    title: String,
    held_on: NaiveDate,
    start_time: Option<String>,
    end_time: Option<String>,
    place: Option<String>,
    online: bool,
    staff_ids: String,
    patients_count: i32,
    families_count: i32,
    professionals_count: i32,
    materials: String,
    series: Option<String>,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn stored_time(field: &str, s: Option<&str>) -> Result<Option<NaiveTime>, DomainError> {
    s.map(|s| {
        NaiveTime::parse_from_str(s, "%H:%M")
            .map_err(|_| DomainError::Internal(format!("stored {field} is not a time")))
    })
    .transpose()
}

impl EventRow {
    fn from_entity(e: &Event) -> Self {
        Self {
            id: e.id.to_string(),
            center_id: e.center_id.to_string(),
            kind: e.kind.as_str().to_owned(),
            kind_other: e.kind_other.clone(),
            title: e.title.clone(),
            held_on: e.held_on,
            start_time: e.start_time.map(hhmm),
            end_time: e.end_time.map(hhmm),
            place: e.place.clone(),
            online: e.online,
            staff_ids: e
                .staff_ids
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            patients_count: e.patients_count,
            families_count: e.families_count,
            professionals_count: e.professionals_count,
            // Items hold no line breaks (they are single-line texts), so a line is an item.
            materials: e.materials.join("\n"),
            series: e.series.clone(),
            notes: e.notes.clone(),
            created_by: e.created_by.to_string(),
            version: e.version,
            created_at: naive(e.created_at),
            updated_at: naive(e.updated_at),
        }
    }

    fn into_entity(self, attendees: Vec<Attendee>) -> Result<Event, DomainError> {
        Ok(Event {
            id: uuid("events.id", &self.id)?,
            center_id: uuid("events.center_id", &self.center_id)?,
            kind: choice("events.kind", EventKind::from_db(&self.kind))?,
            kind_other: self.kind_other,
            title: self.title,
            held_on: self.held_on,
            start_time: stored_time("events.start_time", self.start_time.as_deref())?,
            end_time: stored_time("events.end_time", self.end_time.as_deref())?,
            place: self.place,
            online: self.online,
            staff_ids: words(&self.staff_ids)
                .iter()
                .map(|s| uuid("events.staff_ids", s))
                .collect::<Result<_, _>>()?,
            patients_count: self.patients_count,
            families_count: self.families_count,
            professionals_count: self.professionals_count,
            materials: self
                .materials
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            series: self.series,
            notes: self.notes,
            attendees,
            created_by: uuid("events.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = event_attendees)]
struct AttendeeRow {
    event_id: String,
    center_id: String,
    patient_id: String,
    role: String,
    created_by: String,
    created_at: NaiveDateTime,
}

/// Events read back with their attendees (one query for all of them).
fn with_attendees(conn: &mut DbConn, rows: Vec<EventRow>) -> R<Vec<Event>> {
    // Most patients' timelines name none: no round trip to look up the names of nothing.
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let named: Vec<AttendeeRow> = per_backend!(conn, c => event_attendees::table
        .filter(event_attendees::event_id.eq_any(&ids))
        .select(AttendeeRow::as_select())
        .load(c))?;
    let mut by_event: HashMap<String, Vec<Attendee>> = HashMap::new();
    for a in named {
        let attendee = Attendee {
            patient_id: uuid("event_attendees.patient_id", &a.patient_id)?,
            role: choice("event_attendees.role", AttendeeRole::from_db(&a.role))?,
            created_by: uuid("event_attendees.created_by", &a.created_by)?,
            created_at: utc(a.created_at),
        };
        by_event.entry(a.event_id).or_default().push(attendee);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut list = by_event.remove(&r.id).unwrap_or_default();
        list.sort_by_key(|a| a.patient_id);
        out.push(r.into_entity(list)?);
    }
    Ok(out)
}

fn event(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Event>> {
    let row: Option<EventRow> = events::table
        .filter(events::id.eq(id.to_string()))
        .filter(events::center_id.eq(center.to_string()))
        .select(EventRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(r) => Ok(with_attendees(conn, vec![r])?.pop()),
    }
}

/// The events a patient was named at, by day: for the patient's timeline.
pub(crate) fn events_naming(conn: &mut DbConn, center: Uuid, patient: Uuid) -> R<Vec<Event>> {
    let named = event_attendees::table
        .filter(event_attendees::patient_id.eq(patient.to_string()))
        .filter(event_attendees::center_id.eq(center.to_string()))
        .select(event_attendees::event_id);
    // On the backend's own connection: one of the timeline's reads (see `per_backend!`).
    let rows: Vec<EventRow> = per_backend!(conn, c => events::table
        .filter(events::center_id.eq(center.to_string()))
        .filter(events::id.eq_any(named))
        .order((events::held_on.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(c))?;
    with_attendees(conn, rows)
}

/// The center's events held in `from..=to`, by day: the peer supporters' evidence counts
/// those they ran.
pub(crate) fn events_between(
    conn: &mut DbConn,
    center: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> R<Vec<Event>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::center_id.eq(center.to_string()))
        .filter(events::held_on.between(from, to))
        .order((events::held_on.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?;
    with_attendees(conn, rows)
}

/// Moves an event's version on (its list of attendees changed), as of `stamp`.
fn bump(conn: &mut DbConn, center: Uuid, id: Uuid, stamp: NaiveDateTime) -> R<()> {
    let n = diesel::update(
        events::table
            .filter(events::id.eq(id.to_string()))
            .filter(events::center_id.eq(center.to_string())),
    )
    .set((
        events::version.eq(events::version + 1),
        events::updated_at.eq(stamp),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}

impl DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %e.center_id, id = %e.id))]
    pub(crate) fn insert_event_row(
        &self,
        e: &Event,
        audit: &AuditDraft,
    ) -> Result<Event, DomainError> {
        self.write(|conn| {
            let stamp = change_stamp(conn, e.center_id, e.updated_at)?;
            let mut row = EventRow::from_entity(e);
            row.updated_at = stamp;
            diesel::insert_into(events::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            event(conn, e.center_id, e.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    pub(crate) fn event_one(&self, center: Uuid, id: Uuid) -> Result<Option<Event>, DomainError> {
        self.read(|conn| event(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    pub(crate) fn event_page(
        &self,
        center: Uuid,
        f: &EventFilter,
        req: PageRequest,
    ) -> Result<Page<Event>, DomainError> {
        self.read(|conn| {
            use events::dsl as e;
            let mut q = events::table
                .filter(e::center_id.eq(center.to_string()))
                .filter(e::id.gt(after_key(&req)))
                .select(EventRow::as_select())
                .order(e::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(k) = f.kind {
                q = q.filter(e::kind.eq(k.as_str()));
            }
            if let Some(s) = &f.series {
                q = q.filter(e::series.eq(s.clone()));
            }
            if let Some((from, to)) = f.held {
                q = q.filter(e::held_on.between(from, to));
            }
            let rows: Vec<EventRow> = q.load(conn)?;
            let items = with_attendees(conn, rows)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %e.center_id, id = %e.id))]
    pub(crate) fn save_event_row(
        &self,
        e: &Event,
        expected_version: i32,
        audit: &[AuditDraft],
    ) -> Result<Event, DomainError> {
        self.write(|conn| {
            use events::dsl as t;
            let stamp = change_stamp(conn, e.center_id, e.updated_at)?;
            let row = EventRow::from_entity(e);
            let n = diesel::update(
                events::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::kind.eq(&row.kind),
                t::kind_other.eq(&row.kind_other),
                t::title.eq(&row.title),
                t::held_on.eq(row.held_on),
                t::start_time.eq(&row.start_time),
                t::end_time.eq(&row.end_time),
                t::place.eq(&row.place),
                t::online.eq(row.online),
                t::staff_ids.eq(&row.staff_ids),
                t::patients_count.eq(row.patients_count),
                t::families_count.eq(row.families_count),
                t::professionals_count.eq(row.professionals_count),
                t::materials.eq(&row.materials),
                t::series.eq(&row.series),
                t::notes.eq(&row.notes),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(event(conn, e.center_id, e.id)?.is_some()));
            }
            append_events(conn, &self.keys, audit)?;
            event(conn, e.center_id, e.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %event_id))]
    pub(crate) fn insert_attendee_row(
        &self,
        center: Uuid,
        event_id: Uuid,
        a: &Attendee,
        audit: &AuditDraft,
    ) -> Result<Event, DomainError> {
        self.write(|conn| {
            let stamp = change_stamp(conn, center, a.created_at)?;
            let inserted = diesel::insert_into(event_attendees::table)
                .values(AttendeeRow {
                    event_id: event_id.to_string(),
                    center_id: center.to_string(),
                    patient_id: a.patient_id.to_string(),
                    role: a.role.as_str().to_owned(),
                    created_by: a.created_by.to_string(),
                    created_at: stamp,
                })
                .execute(conn);
            // Two people naming the same patient at once: the second learns it is done.
            if let Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) = inserted
            {
                return Err(StoreError::Domain(DomainError::conflict(
                    "already_attending",
                    "this patient is already named at the event",
                )));
            }
            inserted?;
            bump(conn, center, event_id, stamp)?;
            append_event(conn, &self.keys, audit)?;
            event(conn, center, event_id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %event_id))]
    pub(crate) fn delete_attendee_row(
        &self,
        center: Uuid,
        event_id: Uuid,
        patient_id: Uuid,
        audit: &AuditDraft,
    ) -> Result<Event, DomainError> {
        self.write(|conn| {
            let stamp = change_stamp(conn, center, audit.occurred_at)?;
            let n = diesel::delete(
                event_attendees::table
                    .filter(event_attendees::event_id.eq(event_id.to_string()))
                    .filter(event_attendees::center_id.eq(center.to_string()))
                    .filter(event_attendees::patient_id.eq(patient_id.to_string())),
            )
            .execute(conn)?;
            if n == 0 {
                return Err(not_found());
            }
            bump(conn, center, event_id, stamp)?;
            append_event(conn, &self.keys, audit)?;
            event(conn, center, event_id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    pub(crate) fn event_counts_in(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<EventCount>, DomainError> {
        self.read(|conn| {
            use events::dsl as e;
            let ids = center_ids(conn, scope)?;
            // A year's events of the centers in scope are few: summed here.
            let rows: Vec<(String, String, i32, i32, i32)> = events::table
                .filter(e::center_id.eq_any(&ids))
                .filter(e::held_on.between(from, to))
                .select((
                    e::id,
                    e::kind,
                    e::patients_count,
                    e::families_count,
                    e::professionals_count,
                ))
                .load(conn)?;
            let event_ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            let named: Vec<(String, i64)> = event_attendees::table
                .filter(event_attendees::event_id.eq_any(&event_ids))
                .group_by(event_attendees::event_id)
                .select((event_attendees::event_id, count_star()))
                .load(conn)?;
            let named: HashMap<String, i64> = named.into_iter().collect();
            let mut sums: HashMap<String, EventCount> = HashMap::new();
            for (id, kind, p, f, pro) in rows {
                let c = sums.entry(kind).or_default();
                c.events += 1;
                c.patients += i64::from(p);
                c.families += i64::from(f);
                c.professionals += i64::from(pro);
                c.named += named.get(&id).copied().unwrap_or(0);
            }
            sums.into_iter()
                .map(|(k, mut c)| {
                    c.kind = Some(choice("events.kind", EventKind::from_db(&k))?);
                    Ok(c)
                })
                .collect()
        })
    }
}
