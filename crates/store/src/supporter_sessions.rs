//! 出張相談 with the Hello Work 就職サポーター: schedules, sessions and booked slots. Double
//! booking is refused by the partial unique indexes of the migration, whose violations are
//! told apart here into stable problem codes.

use crate::DieselStore;
use crate::audit::{append_event, append_events, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::reports::center_ids;
use crate::rows::{choice, naive, opt_choice, opt_uuid, utc, uuid, words};
use crate::schema::{
    agencies, follow_ups, supporter_bookings, supporter_schedules, supporter_sessions,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::supporter_sessions::{
    Booking, Finding, HeldFact, SessionFact, SessionFilter, SupporterSchedule, SupporterSession,
};
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{StoreResult, SupporterSessionStore};
use tsunagu_domain::reports::ReportScope;
use tsunagu_domain::values::{
    AgencyOutcome, CaseOutcome, SupporterBookingStatus, SupporterSessionStatus,
};
use uuid::Uuid;

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn stored_time(field: &str, s: &str) -> Result<NaiveTime, DomainError> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| DomainError::Internal(format!("stored {field} is not a time")))
}

fn ids_text(ids: &[Uuid]) -> String {
    ids.iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn weekday_number(w: Weekday) -> i32 {
    i32::try_from(w.number_from_monday()).unwrap_or(1)
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = supporter_schedules)]
struct ScheduleRow {
    id: String,
    center_id: String,
    agency_id: String,
    weekday: i32,
    weeks: String,
    start_time: String,
    end_time: String,
    slot_minutes: i32,
    place: Option<String>,
    supporter_name: Option<String>,
    active: bool,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ScheduleRow {
    fn from_entity(s: &SupporterSchedule) -> Self {
        Self {
            id: s.id.to_string(),
            center_id: s.center_id.to_string(),
            agency_id: s.agency_id.to_string(),
            weekday: weekday_number(s.weekday),
            weeks: s
                .weeks
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            start_time: hhmm(s.start_time),
            end_time: hhmm(s.end_time),
            slot_minutes: s.slot_minutes,
            place: s.place.clone(),
            supporter_name: s.supporter_name.clone(),
            active: s.active,
            created_by: s.created_by.to_string(),
            version: s.version,
            created_at: naive(s.created_at),
            updated_at: naive(s.updated_at),
        }
    }

    fn into_entity(self) -> Result<SupporterSchedule, DomainError> {
        let bad = |what: &str| DomainError::Internal(format!("stored supporter_schedules.{what}"));
        Ok(SupporterSchedule {
            id: uuid("supporter_schedules.id", &self.id)?,
            center_id: uuid("supporter_schedules.center_id", &self.center_id)?,
            agency_id: uuid("supporter_schedules.agency_id", &self.agency_id)?,
            weekday: tsunagu_domain::activities::supporter_sessions::weekday(self.weekday)
                .map_err(|_| bad("weekday"))?,
            weeks: words(&self.weeks)
                .iter()
                .map(|w| w.parse::<u8>().map_err(|_| bad("weeks")))
                .collect::<Result<_, _>>()?,
            start_time: stored_time("supporter_schedules.start_time", &self.start_time)?,
            end_time: stored_time("supporter_schedules.end_time", &self.end_time)?,
            slot_minutes: self.slot_minutes,
            place: self.place,
            supporter_name: self.supporter_name,
            active: self.active,
            created_by: uuid("supporter_schedules.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = supporter_sessions)]
struct SessionRow {
    id: String,
    center_id: String,
    agency_id: String,
    schedule_id: Option<String>,
    held_on: NaiveDate,
    start_time: String,
    end_time: String,
    slot_minutes: i32,
    place: Option<String>,
    supporter_name: Option<String>,
    staff_ids: String,
    status: String,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SessionRow {
    fn from_entity(s: &SupporterSession) -> Self {
        Self {
            id: s.id.to_string(),
            center_id: s.center_id.to_string(),
            agency_id: s.agency_id.to_string(),
            schedule_id: s.schedule_id.map(|x| x.to_string()),
            held_on: s.held_on,
            start_time: hhmm(s.start_time),
            end_time: hhmm(s.end_time),
            slot_minutes: s.slot_minutes,
            place: s.place.clone(),
            supporter_name: s.supporter_name.clone(),
            staff_ids: ids_text(&s.staff_ids),
            status: s.status.as_str().to_owned(),
            notes: s.notes.clone(),
            created_by: s.created_by.to_string(),
            version: s.version,
            created_at: naive(s.created_at),
            updated_at: naive(s.updated_at),
        }
    }

    fn into_entity(self, bookings: Vec<Booking>) -> Result<SupporterSession, DomainError> {
        Ok(SupporterSession {
            id: uuid("supporter_sessions.id", &self.id)?,
            center_id: uuid("supporter_sessions.center_id", &self.center_id)?,
            agency_id: uuid("supporter_sessions.agency_id", &self.agency_id)?,
            schedule_id: opt_uuid(
                "supporter_sessions.schedule_id",
                self.schedule_id.as_deref(),
            )?,
            held_on: self.held_on,
            start_time: stored_time("supporter_sessions.start_time", &self.start_time)?,
            end_time: stored_time("supporter_sessions.end_time", &self.end_time)?,
            slot_minutes: self.slot_minutes,
            place: self.place,
            supporter_name: self.supporter_name,
            staff_ids: words(&self.staff_ids)
                .iter()
                .map(|s| uuid("supporter_sessions.staff_ids", s))
                .collect::<Result<_, _>>()?,
            status: choice(
                "supporter_sessions.status",
                SupporterSessionStatus::from_db(&self.status),
            )?,
            notes: self.notes,
            bookings,
            created_by: uuid("supporter_sessions.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = supporter_bookings)]
struct BookingRow {
    id: String,
    session_id: String,
    center_id: String,
    patient_id: String,
    slot_start: String,
    status: String,
    consultation_id: Option<String>,
    referral_id: Option<String>,
    new_job_seeker: Option<bool>,
    employed: Option<bool>,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl BookingRow {
    fn from_entity(b: &Booking) -> Self {
        Self {
            id: b.id.to_string(),
            session_id: b.session_id.to_string(),
            center_id: b.center_id.to_string(),
            patient_id: b.patient_id.to_string(),
            slot_start: hhmm(b.slot_start),
            status: b.status.as_str().to_owned(),
            consultation_id: b.consultation_id.map(|x| x.to_string()),
            referral_id: b.referral_id.map(|x| x.to_string()),
            new_job_seeker: b.new_job_seeker,
            employed: b.employed,
            notes: b.notes.clone(),
            created_by: b.created_by.to_string(),
            version: b.version,
            created_at: naive(b.created_at),
            updated_at: naive(b.updated_at),
        }
    }

    fn into_entity(self) -> Result<Booking, DomainError> {
        Ok(Booking {
            id: uuid("supporter_bookings.id", &self.id)?,
            session_id: uuid("supporter_bookings.session_id", &self.session_id)?,
            center_id: uuid("supporter_bookings.center_id", &self.center_id)?,
            patient_id: uuid("supporter_bookings.patient_id", &self.patient_id)?,
            slot_start: stored_time("supporter_bookings.slot_start", &self.slot_start)?,
            status: choice(
                "supporter_bookings.status",
                SupporterBookingStatus::from_db(&self.status),
            )?,
            consultation_id: opt_uuid(
                "supporter_bookings.consultation_id",
                self.consultation_id.as_deref(),
            )?,
            referral_id: opt_uuid(
                "supporter_bookings.referral_id",
                self.referral_id.as_deref(),
            )?,
            new_job_seeker: self.new_job_seeker,
            employed: self.employed,
            notes: self.notes,
            created_by: uuid("supporter_bookings.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// Sessions read back with their bookings (one query for all of them).
fn with_bookings(conn: &mut DbConn, rows: Vec<SessionRow>) -> R<Vec<SupporterSession>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let booked: Vec<BookingRow> = supporter_bookings::table
        .filter(supporter_bookings::session_id.eq_any(&ids))
        .order((
            supporter_bookings::slot_start.asc(),
            supporter_bookings::id.asc(),
        ))
        .select(BookingRow::as_select())
        .load(conn)?;
    let mut by_session: HashMap<String, Vec<Booking>> = HashMap::new();
    for b in booked {
        let key = b.session_id.clone();
        by_session.entry(key).or_default().push(b.into_entity()?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let list = by_session.remove(&r.id).unwrap_or_default();
        out.push(r.into_entity(list)?);
    }
    Ok(out)
}

fn session(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<SupporterSession>> {
    let row: Option<SessionRow> = supporter_sessions::table
        .filter(supporter_sessions::id.eq(id.to_string()))
        .filter(supporter_sessions::center_id.eq(center.to_string()))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(r) => Ok(with_bookings(conn, vec![r])?.pop()),
    }
}

fn schedule(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<SupporterSchedule>> {
    let row: Option<ScheduleRow> = supporter_schedules::table
        .filter(supporter_schedules::id.eq(id.to_string()))
        .filter(supporter_schedules::center_id.eq(center.to_string()))
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ScheduleRow::into_entity).transpose()?)
}

fn booking(conn: &mut DbConn, center: Uuid, session: Uuid, id: Uuid) -> R<Option<Booking>> {
    let row: Option<BookingRow> = supporter_bookings::table
        .filter(supporter_bookings::id.eq(id.to_string()))
        .filter(supporter_bookings::session_id.eq(session.to_string()))
        .filter(supporter_bookings::center_id.eq(center.to_string()))
        .select(BookingRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(BookingRow::into_entity).transpose()?)
}

/// Which unique key a violation broke: the index names on PostgreSQL, the columns in
/// SQLite's message.
fn double_booking(e: &DieselError) -> Option<DomainError> {
    let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = e else {
        return None;
    };
    let what = info
        .constraint_name()
        .map(str::to_owned)
        .unwrap_or_else(|| info.message().to_owned());
    Some(if what.contains("slot") {
        DomainError::conflict("slot_taken", "this slot is already booked")
    } else {
        DomainError::conflict(
            "patient_already_booked",
            "this patient already holds a slot of the session",
        )
    })
}

fn session_exists() -> StoreError {
    StoreError::Domain(DomainError::conflict(
        "session_exists",
        "the office already has a session on that day",
    ))
}

fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

fn findings(
    conn: &mut DbConn,
    centers: &[String],
    referrals: &[String],
) -> R<Vec<(Uuid, Finding)>> {
    let rows: Vec<(String, Option<String>, Option<String>)> = follow_ups::table
        .filter(follow_ups::center_id.eq_any(centers))
        .filter(follow_ups::referral_id.eq_any(referrals))
        .filter(
            follow_ups::outcome
                .is_not_null()
                .or(follow_ups::agency_outcome.is_not_null()),
        )
        .select((
            follow_ups::referral_id,
            follow_ups::outcome,
            follow_ups::agency_outcome,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(r, o, a)| {
            Ok((
                uuid("follow_ups.referral_id", &r)?,
                (
                    opt_choice("follow_ups.outcome", o.as_deref(), CaseOutcome::from_db)?,
                    opt_choice(
                        "follow_ups.agency_outcome",
                        a.as_deref(),
                        AgencyOutcome::from_db,
                    )?,
                ),
            ))
        })
        .collect::<Result<_, DomainError>>()
        .map_err(StoreError::Domain)
}

impl SupporterSessionStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %s.center_id, id = %s.id))]
    fn insert_supporter_schedule(
        &self,
        s: &SupporterSchedule,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSchedule> {
        self.write(|conn| {
            let stamp = change_stamp(conn, s.center_id, s.updated_at)?;
            let mut row = ScheduleRow::from_entity(s);
            row.updated_at = stamp;
            diesel::insert_into(supporter_schedules::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            schedule(conn, s.center_id, s.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn supporter_schedule(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupporterSchedule>> {
        self.read(|conn| schedule(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %s.center_id, id = %s.id))]
    fn save_supporter_schedule(
        &self,
        s: &SupporterSchedule,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSchedule> {
        self.write(|conn| {
            use supporter_schedules::dsl as t;
            let stamp = change_stamp(conn, s.center_id, s.updated_at)?;
            let row = ScheduleRow::from_entity(s);
            let n = diesel::update(
                supporter_schedules::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::weekday.eq(row.weekday),
                t::weeks.eq(&row.weeks),
                t::start_time.eq(&row.start_time),
                t::end_time.eq(&row.end_time),
                t::slot_minutes.eq(row.slot_minutes),
                t::place.eq(&row.place),
                t::supporter_name.eq(&row.supporter_name),
                t::active.eq(row.active),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    schedule(conn, s.center_id, s.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            schedule(conn, s.center_id, s.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn supporter_schedules(
        &self,
        center: Uuid,
        req: PageRequest,
    ) -> StoreResult<Page<SupporterSchedule>> {
        self.read(|conn| {
            use supporter_schedules::dsl as t;
            let rows: Vec<ScheduleRow> = supporter_schedules::table
                .filter(t::center_id.eq(center.to_string()))
                .filter(t::id.gt(after_key(&req)))
                .select(ScheduleRow::as_select())
                .order(t::id.asc())
                .limit(req.limit + 1)
                .load(conn)?;
            let items = rows
                .into_iter()
                .map(ScheduleRow::into_entity)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(n = sessions.len()))]
    fn insert_supporter_sessions(
        &self,
        sessions: &[SupporterSession],
        audit: &[AuditDraft],
    ) -> StoreResult<Vec<SupporterSession>> {
        self.write(|conn| {
            let Some(first) = sessions.first() else {
                return Ok(vec![]);
            };
            let stamp = change_stamp(conn, first.center_id, first.updated_at)?;
            // One row at a time: a batch insert does not compile for both backends at once.
            for s in sessions {
                let mut row = SessionRow::from_entity(s);
                row.updated_at = stamp;
                match diesel::insert_into(supporter_sessions::table)
                    .values(row)
                    .execute(conn)
                {
                    Err(e) if is_unique_violation(&e) => return Err(session_exists()),
                    other => {
                        other?;
                    }
                }
            }
            append_events(conn, &self.keys, audit)?;
            let mut out = Vec::with_capacity(sessions.len());
            for s in sessions {
                out.push(session(conn, s.center_id, s.id)?.ok_or_else(not_found)?);
            }
            Ok(out)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %agency))]
    fn supporter_session_days(
        &self,
        center: Uuid,
        agency: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<NaiveDate>> {
        self.read(|conn| {
            use supporter_sessions::dsl as t;
            Ok(supporter_sessions::table
                .filter(t::center_id.eq(center.to_string()))
                .filter(t::agency_id.eq(agency.to_string()))
                .filter(t::held_on.between(from, to))
                .select(t::held_on)
                .load(conn)?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn supporter_session(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupporterSession>> {
        self.read(|conn| session(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn supporter_sessions(
        &self,
        center: Uuid,
        f: &SessionFilter,
        req: PageRequest,
    ) -> StoreResult<Page<SupporterSession>> {
        self.read(|conn| {
            use supporter_sessions::dsl as t;
            let mut q = supporter_sessions::table
                .filter(t::center_id.eq(center.to_string()))
                .filter(t::id.gt(after_key(&req)))
                .select(SessionRow::as_select())
                .order(t::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(from) = f.from {
                q = q.filter(t::held_on.ge(from));
            }
            if let Some(to) = f.to {
                q = q.filter(t::held_on.le(to));
            }
            if let Some(a) = f.agency_id {
                q = q.filter(t::agency_id.eq(a.to_string()));
            }
            let rows: Vec<SessionRow> = q.load(conn)?;
            let items = with_bookings(conn, rows)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %s.center_id, id = %s.id))]
    fn save_supporter_session(
        &self,
        s: &SupporterSession,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSession> {
        self.write(|conn| {
            use supporter_sessions::dsl as t;
            let stamp = change_stamp(conn, s.center_id, s.updated_at)?;
            let row = SessionRow::from_entity(s);
            let updated = diesel::update(
                supporter_sessions::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::held_on.eq(row.held_on),
                t::start_time.eq(&row.start_time),
                t::end_time.eq(&row.end_time),
                t::slot_minutes.eq(row.slot_minutes),
                t::place.eq(&row.place),
                t::supporter_name.eq(&row.supporter_name),
                t::staff_ids.eq(&row.staff_ids),
                t::status.eq(&row.status),
                t::notes.eq(&row.notes),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn);
            let n = match updated {
                Err(e) if is_unique_violation(&e) => return Err(session_exists()),
                other => other?,
            };
            if n == 0 {
                return Err(missing_or_stale(
                    session(conn, s.center_id, s.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            session(conn, s.center_id, s.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %b.center_id, session = %b.session_id))]
    fn insert_supporter_booking(&self, b: &Booking, audit: &AuditDraft) -> StoreResult<Booking> {
        self.write(|conn| {
            let stamp = change_stamp(conn, b.center_id, b.updated_at)?;
            let mut row = BookingRow::from_entity(b);
            row.updated_at = stamp;
            let inserted = diesel::insert_into(supporter_bookings::table)
                .values(row)
                .execute(conn);
            // Two bookings of one slot at once: the database lets one commit, the other
            // learns which key it ran into.
            if let Err(e) = &inserted
                && let Some(conflict) = double_booking(e)
            {
                return Err(StoreError::Domain(conflict));
            }
            inserted?;
            append_event(conn, &self.keys, audit)?;
            booking(conn, b.center_id, b.session_id, b.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn supporter_booking(
        &self,
        center: Uuid,
        session: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<Booking>> {
        self.read(|conn| booking(conn, center, session, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %b.center_id, id = %b.id))]
    fn save_supporter_booking(
        &self,
        b: &Booking,
        expected_version: i32,
        session_held: bool,
        audit: &AuditDraft,
    ) -> StoreResult<Booking> {
        self.write(|conn| {
            use supporter_bookings::dsl as t;
            let stamp = change_stamp(conn, b.center_id, b.updated_at)?;
            let row = BookingRow::from_entity(b);
            let updated = diesel::update(
                supporter_bookings::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::status.eq(&row.status),
                t::consultation_id.eq(&row.consultation_id),
                t::referral_id.eq(&row.referral_id),
                t::new_job_seeker.eq(row.new_job_seeker),
                t::employed.eq(row.employed),
                t::notes.eq(&row.notes),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if updated == 0 {
                return Err(missing_or_stale(
                    booking(conn, b.center_id, b.session_id, b.id)?.is_some(),
                ));
            }
            if session_held {
                use supporter_sessions::dsl as s;
                diesel::update(
                    supporter_sessions::table
                        .filter(s::id.eq(&row.session_id))
                        .filter(s::center_id.eq(&row.center_id))
                        .filter(s::status.eq(SupporterSessionStatus::Scheduled.as_str())),
                )
                .set((
                    s::status.eq(SupporterSessionStatus::Held.as_str()),
                    s::version.eq(s::version + 1),
                    s::updated_at.eq(stamp),
                ))
                .execute(conn)?;
            }
            append_event(conn, &self.keys, audit)?;
            booking(conn, b.center_id, b.session_id, b.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, n = referrals.len()))]
    fn referral_findings(
        &self,
        center: Uuid,
        referrals: &[Uuid],
    ) -> StoreResult<Vec<(Uuid, Finding)>> {
        self.read(|conn| {
            let ids: Vec<String> = referrals.iter().map(Uuid::to_string).collect();
            findings(conn, &[center.to_string()], &ids)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn supporter_facts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(Vec<SessionFact>, Vec<HeldFact>)> {
        self.read(|conn| {
            use supporter_sessions::dsl as t;
            let centers = center_ids(conn, scope)?;
            // A year's sessions of the centers in scope are few (two a month per office):
            // counted in the domain.
            let rows: Vec<(String, String, String, NaiveDate, String)> = supporter_sessions::table
                .inner_join(agencies::table)
                .filter(t::center_id.eq_any(&centers))
                .filter(t::held_on.between(from, to))
                .select((t::id, t::agency_id, agencies::name, t::held_on, t::status))
                .load(conn)?;
            let mut sessions = Vec::with_capacity(rows.len());
            for (id, agency, name, held_on, status) in rows {
                sessions.push(SessionFact {
                    id: uuid("supporter_sessions.id", &id)?,
                    agency_id: uuid("supporter_sessions.agency_id", &agency)?,
                    agency_name: name,
                    held_on,
                    status: choice(
                        "supporter_sessions.status",
                        SupporterSessionStatus::from_db(&status),
                    )?,
                });
            }
            let ids: Vec<String> = sessions.iter().map(|s| s.id.to_string()).collect();
            let booked: Vec<BookingRow> = supporter_bookings::table
                .filter(supporter_bookings::session_id.eq_any(&ids))
                .filter(supporter_bookings::status.eq(SupporterBookingStatus::Held.as_str()))
                .select(BookingRow::as_select())
                .load(conn)?;
            let referrals: Vec<String> = booked
                .iter()
                .filter_map(|b| b.referral_id.clone())
                .collect();
            let mut found: HashMap<Uuid, Vec<Finding>> = HashMap::new();
            if !referrals.is_empty() {
                for (r, f) in findings(conn, &centers, &referrals)? {
                    found.entry(r).or_default().push(f);
                }
            }
            let mut held = Vec::with_capacity(booked.len());
            for row in booked {
                let b = row.into_entity()?;
                held.push(HeldFact {
                    session_id: b.session_id,
                    patient_id: b.patient_id,
                    new_job_seeker: b.new_job_seeker,
                    employed: b.employed,
                    findings: b
                        .referral_id
                        .and_then(|r| found.get(&r).cloned())
                        .unwrap_or_default(),
                });
            }
            Ok((sessions, held))
        })
    }
}
