//! 出張相談 with the Hello Work 難病患者就職サポーター: a recurring schedule per center and
//! Hello Work office (e.g. the 2nd and 4th Tuesday), the sessions it yields, the time slots
//! patients are booked into (never two bookings of one slot, never two slots for one
//! patient in a session), the joint consultations that took place (linked to the patient's
//! consultation record and, where it led there, a referral), and the figures the paper
//! reports per fiscal year: sessions held, people seen, 新規求職者 and 就職者.
//!
//! Bookings name patients, so this is case work ([`policy::supporter_sessions`]); the
//! figures are for whoever reads reports.

use super::Activities;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::cases::ConsultationInput;
use crate::entities::PatientLabel;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::ports::Scope;
use crate::reports::Period;
use crate::reports::use_cases::{read_detail, report_scope};
use crate::values::{
    self, AgencyOutcome, AgencyType, CaseOutcome, SupporterBookingStatus as BookingStatus,
    SupporterSessionStatus as SessionStatus,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

use super::events::time;

/// A slot is at least 10 minutes and at most 4 hours.
pub const SLOT_MIN: i32 = 10;
pub const SLOT_MAX: i32 = 240;
/// At most a year and a month of sessions per generation: a fiscal year, with room.
const GENERATE_MAX_DAYS: i64 = 400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterSchedule {
    pub id: Uuid,
    pub center_id: Uuid,
    /// A Hello Work office among the center's agencies.
    pub agency_id: Uuid,
    pub weekday: Weekday,
    /// Weeks of the month, 1 to 5, sorted: `[2, 4]` is the 2nd and the 4th.
    pub weeks: Vec<u8>,
    /// Asia/Tokyo wall-clock times.
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slot_minutes: i32,
    pub place: Option<String>,
    pub supporter_name: Option<String>,
    pub active: bool,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    pub agency_id: Uuid,
    /// ISO 8601: 1 is Monday, 7 is Sunday.
    pub weekday: i32,
    pub weeks: Vec<i32>,
    pub start_time: String,
    pub end_time: String,
    pub slot_minutes: i32,
    pub place: Option<String>,
    pub supporter_name: Option<String>,
}

/// Changes to a schedule; absent fields stay, `Some(None)` clears. Sessions already made
/// keep their day and times: the change applies to the sessions generated after it.
#[derive(Debug, Clone, Default)]
pub struct ScheduleUpdate {
    pub weekday: Option<i32>,
    pub weeks: Option<Vec<i32>>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub slot_minutes: Option<i32>,
    pub place: Option<Option<String>>,
    pub supporter_name: Option<Option<String>>,
    pub active: Option<bool>,
}

/// The days to generate sessions for: a fiscal year, or `from` and `to`.
#[derive(Debug, Clone, Default)]
pub struct GenerateInput {
    pub fiscal_year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A patient booked into a slot of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: Uuid,
    pub session_id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    /// The start of the slot.
    pub slot_start: NaiveTime,
    pub status: BookingStatus,
    /// The patient's consultation record of the joint consultation.
    pub consultation_id: Option<Uuid>,
    /// The referral it led to, if any.
    pub referral_id: Option<Uuid>,
    /// 新規求職者 / 就職者 as entered by the supporter; `None`: not entered (the figures then
    /// follow the linked referral's follow-ups).
    pub new_job_seeker: Option<bool>,
    pub employed: Option<bool>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Booking {
    /// A cancelled booking frees its slot; the others hold it.
    pub fn is_live(&self) -> bool {
        self.status != BookingStatus::Cancelled
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterSession {
    pub id: Uuid,
    pub center_id: Uuid,
    pub agency_id: Uuid,
    /// The schedule it was generated from; `None` for a session made by hand.
    pub schedule_id: Option<Uuid>,
    pub held_on: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slot_minutes: i32,
    pub place: Option<String>,
    pub supporter_name: Option<String>,
    /// The center's staff who sat in, sorted.
    pub staff_ids: Vec<Uuid>,
    pub status: SessionStatus,
    pub notes: Option<String>,
    /// Every booking, cancelled ones included, by slot then id.
    pub bookings: Vec<Booking>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SupporterSession {
    pub fn slots(&self) -> Vec<(NaiveTime, NaiveTime)> {
        slots(self.start_time, self.end_time, self.slot_minutes)
    }

    pub fn live_bookings(&self) -> impl Iterator<Item = &Booking> {
        self.bookings.iter().filter(|b| b.is_live())
    }
}

#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub agency_id: Uuid,
    pub held_on: String,
    pub start_time: String,
    pub end_time: String,
    pub slot_minutes: i32,
    pub place: Option<String>,
    pub supporter_name: Option<String>,
    pub staff_ids: Vec<Uuid>,
    pub notes: Option<String>,
}

/// Changes to a session; absent fields stay, `Some(None)` clears; `staff_ids` replaces.
#[derive(Debug, Clone, Default)]
pub struct SessionUpdate {
    pub held_on: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub slot_minutes: Option<i32>,
    pub place: Option<Option<String>>,
    pub supporter_name: Option<Option<String>>,
    pub staff_ids: Option<Vec<Uuid>>,
    pub status: Option<String>,
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    pub fiscal_year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub agency_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct BookingInput {
    /// `HH:MM`: the start of one of the session's slots.
    pub slot_start: String,
    pub patient_id: Uuid,
    pub notes: Option<String>,
}

/// Changes to a booking; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct BookingUpdate {
    pub status: Option<String>,
    pub consultation_id: Option<Option<Uuid>>,
    /// Records the joint consultation in the patient's consultations and links it.
    pub create_consultation: bool,
    pub referral_id: Option<Option<Uuid>>,
    pub new_job_seeker: Option<Option<bool>>,
    pub employed: Option<Option<bool>>,
    pub notes: Option<Option<String>>,
}

/// A slot of a session and its live booking, if any.
#[derive(Debug, Clone)]
pub struct Slot {
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub booking: Option<BookingView>,
}

/// A booking with who it is for and what the linked referral's follow-ups say.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking: Booking,
    pub patient: Option<PatientLabel>,
    pub derived: Outcome,
}

/// 新規求職者 and 就職者 for one booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    pub new_job_seeker: bool,
    pub employed: bool,
}

/// A session as the figures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFact {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub held_on: NaiveDate,
    pub status: SessionStatus,
}

/// One follow-up's finding on a referral: what the consultant found, what the agency
/// confirmed.
pub type Finding = (Option<CaseOutcome>, Option<AgencyOutcome>);

/// A held booking as the figures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFact {
    pub session_id: Uuid,
    pub patient_id: Uuid,
    pub new_job_seeker: Option<bool>,
    pub employed: Option<bool>,
    /// The linked referral's follow-up findings.
    pub findings: Vec<Finding>,
}

/// One row of the figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupporterFigures {
    pub sessions_held: i64,
    /// Joint consultations held (a patient seen twice counts twice).
    pub consultations: i64,
    /// Different patients seen.
    pub people_seen: i64,
    pub new_job_seekers: i64,
    pub employed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeFigures {
    pub agency_id: Uuid,
    pub agency_name: String,
    pub figures: SupporterFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterSessionsReport {
    /// Every month of the period, by its first day.
    pub months: Vec<(NaiveDate, SupporterFigures)>,
    /// Every office with a session in the period, by name.
    pub offices: Vec<OfficeFigures>,
    pub total: SupporterFigures,
}

// --- the rules ---------------------------------------------------------------------------

/// The `n`th (1 to 5) `weekday` of a month, if the month has one.
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// The days from `from` to `to` (inclusive) that fall on one of the `weeks` of a month's
/// `weekday` and have no session yet (`taken`), in order. A 5th week a month lacks is
/// skipped, never moved to another day.
pub fn schedule_days(
    weekday: Weekday,
    weeks: &[u8],
    from: NaiveDate,
    to: NaiveDate,
    taken: &BTreeSet<NaiveDate>,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        for n in weeks {
            if let Some(d) = nth_weekday(y, m, weekday, *n)
                && d >= from
                && d <= to
                && !taken.contains(&d)
            {
                out.push(d);
            }
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out.sort();
    out.dedup();
    out
}

/// The slots of a session: back to back from the start, each `minutes` long; a remainder
/// shorter than a slot is no slot.
pub fn slots(start: NaiveTime, end: NaiveTime, minutes: i32) -> Vec<(NaiveTime, NaiveTime)> {
    let mut out = Vec::new();
    if minutes <= 0 {
        return out;
    }
    let step = Duration::minutes(i64::from(minutes));
    let mut s = start;
    loop {
        let (e, wrapped) = s.overflowing_add_signed(step);
        if wrapped != 0 || e > end || e <= s {
            break;
        }
        out.push((s, e));
        s = e;
    }
    out
}

/// The weekday from its ISO 8601 number (1 is Monday).
pub fn weekday(n: i32) -> Result<Weekday, FieldError> {
    let w = match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => {
            return Err(FieldError::new(
                "weekday",
                "invalid_weekday",
                "must be 1 (Monday) to 7 (Sunday)",
            ));
        }
    };
    Ok(w)
}

/// Weeks of the month, 1 to 5, at least one; sorted, without repeats.
pub fn weeks(raw: &[i32]) -> Result<Vec<u8>, FieldError> {
    let mut out = Vec::new();
    for n in raw {
        match u8::try_from(*n) {
            Ok(w @ 1..=5) => out.push(w),
            _ => {
                return Err(FieldError::new(
                    "weeks",
                    "invalid_week",
                    "weeks of the month are 1 to 5",
                ));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err(FieldError::new(
            "weeks",
            "required",
            "name at least one week",
        ));
    }
    Ok(out)
}

/// A session's times hold at least one slot of 10 minutes to 4 hours.
pub fn session_times(start: NaiveTime, end: NaiveTime, minutes: i32) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if end <= start {
        errors.push(FieldError::new(
            "end_time",
            "not_after_start",
            "must be after start_time",
        ));
    }
    if !(SLOT_MIN..=SLOT_MAX).contains(&minutes) {
        errors.push(FieldError::new(
            "slot_minutes",
            "out_of_range",
            format!("must be {SLOT_MIN} to {SLOT_MAX}"),
        ));
    } else if end > start && slots(start, end, minutes).is_empty() {
        errors.push(FieldError::new(
            "slot_minutes",
            "longer_than_session",
            "the session must hold at least one slot",
        ));
    }
    errors
}

/// What the linked referral's follow-ups say: 就職者 when a follow-up found the patient
/// employed or keeping the job, or the agency confirmed employment or retention support;
/// 新規求職者 when the agency confirmed the registration (求職登録). Employment is not taken
/// to imply a new registration: the patient may have been registered before.
pub fn derive(findings: &[Finding]) -> Outcome {
    let mut o = Outcome::default();
    for (found, agency) in findings {
        if matches!(found, Some(CaseOutcome::Employed | CaseOutcome::Retained))
            || matches!(
                agency,
                Some(AgencyOutcome::Employed | AgencyOutcome::RetentionSupportStarted)
            )
        {
            o.employed = true;
        }
        if matches!(agency, Some(AgencyOutcome::RegisteredJobSeeker)) {
            o.new_job_seeker = true;
        }
    }
    o
}

/// What counts: what the supporter entered, else what the follow-ups say.
pub fn effective(h: &HeldFact) -> Outcome {
    let d = derive(&h.findings);
    Outcome {
        new_job_seeker: h.new_job_seeker.unwrap_or(d.new_job_seeker),
        employed: h.employed.unwrap_or(d.employed),
    }
}

#[derive(Default)]
struct Tally {
    sessions: BTreeSet<Uuid>,
    consultations: i64,
    seen: BTreeSet<Uuid>,
    seekers: BTreeSet<Uuid>,
    employed: BTreeSet<Uuid>,
}

impl Tally {
    fn add(&mut self, h: &HeldFact) {
        let o = effective(h);
        self.consultations += 1;
        self.seen.insert(h.patient_id);
        if o.new_job_seeker {
            self.seekers.insert(h.patient_id);
        }
        if o.employed {
            self.employed.insert(h.patient_id);
        }
    }

    fn figures(&self) -> SupporterFigures {
        let n = |s: &BTreeSet<Uuid>| i64::try_from(s.len()).unwrap_or(i64::MAX);
        SupporterFigures {
            sessions_held: n(&self.sessions),
            consultations: self.consultations,
            people_seen: n(&self.seen),
            new_job_seekers: n(&self.seekers),
            employed: n(&self.employed),
        }
    }
}

fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The figures per month and per office. A session counts as held when it is marked held;
/// people are counted once per row (a patient seen in April and June counts once in the
/// year's total), as the paper counts people, not visits.
pub fn report(
    from: NaiveDate,
    to: NaiveDate,
    sessions: &[SessionFact],
    held: &[HeldFact],
) -> SupporterSessionsReport {
    let mut months: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut m = month_of(from);
    while m <= to {
        months.entry(m).or_default();
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    let mut offices: BTreeMap<(String, Uuid), Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let by_id: HashMap<Uuid, &SessionFact> = sessions.iter().map(|s| (s.id, s)).collect();
    for s in sessions.iter().filter(|s| s.status == SessionStatus::Held) {
        months
            .entry(month_of(s.held_on))
            .or_default()
            .sessions
            .insert(s.id);
        offices
            .entry((s.agency_name.clone(), s.agency_id))
            .or_default()
            .sessions
            .insert(s.id);
        total.sessions.insert(s.id);
    }
    for h in held {
        let Some(s) = by_id.get(&h.session_id) else {
            continue;
        };
        months.entry(month_of(s.held_on)).or_default().add(h);
        offices
            .entry((s.agency_name.clone(), s.agency_id))
            .or_default()
            .add(h);
        total.add(h);
    }
    SupporterSessionsReport {
        months: months.into_iter().map(|(m, t)| (m, t.figures())).collect(),
        offices: offices
            .into_iter()
            .map(|((name, id), t)| OfficeFigures {
                agency_id: id,
                agency_name: name,
                figures: t.figures(),
            })
            .collect(),
        total: total.figures(),
    }
}

/// Where a booking may go from `from`: a cancelled booking is over (book again instead).
pub fn booking_move(from: BookingStatus, to: BookingStatus) -> Result<(), DomainError> {
    if from == BookingStatus::Cancelled && to != BookingStatus::Cancelled {
        return Err(DomainError::conflict(
            "booking_cancelled",
            "a cancelled booking stays cancelled: book the slot again",
        ));
    }
    Ok(())
}

fn optional_bool_change(cur: Option<bool>, new: Option<Option<bool>>) -> Option<bool> {
    match new {
        Some(v) => v,
        None => cur,
    }
}

fn date_filter(q: &SessionQuery) -> Result<(Option<NaiveDate>, Option<NaiveDate>), DomainError> {
    let mut v = Validator::new();
    let from = q
        .from
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| v.check(values::date("from", s)));
    let to =
        q.to.as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| v.check(values::date("to", s)));
    v.finish()?;
    let year = super::year_filter(q.fiscal_year.as_deref())?;
    let from = [from, year.map(|y| y.0)].into_iter().flatten().max();
    let to = [to, year.map(|y| y.1)].into_iter().flatten().min();
    Ok((from, to))
}

// --- the use cases ----------------------------------------------------------------------

impl Activities<'_> {
    /// A Hello Work office among the center's active agencies (422 otherwise).
    fn check_office(
        &self,
        v: &mut Validator,
        center: Uuid,
        agency: Uuid,
    ) -> Result<(), DomainError> {
        match self.store.agency(Scope::Center(center), agency)? {
            Some(a) if a.active && a.agency_type == AgencyType::HelloWork => {}
            Some(a) if a.active => v.push(FieldError::new(
                "agency_id",
                "not_hello_work",
                "出張相談 is held with a Hello Work office",
            )),
            _ => v.push(FieldError::new(
                "agency_id",
                "unknown_agency",
                format!("{agency} is not an active agency of your center"),
            )),
        }
        Ok(())
    }

    fn session_in(&self, center: Uuid, id: Uuid) -> Result<SupporterSession, DomainError> {
        self.store
            .supporter_session(center, id)?
            .ok_or(DomainError::NotFound)
    }

    /// Records a recurring schedule for a Hello Work office.
    #[tracing::instrument(name = "supporter_schedules.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_supporter_schedule(
        &self,
        ctx: &Ctx,
        input: ScheduleInput,
    ) -> Result<SupporterSchedule, DomainError> {
        self.guard(ctx, Action::SupporterScheduleCreate, None, || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let mut v = Validator::new();
            self.check_office(&mut v, center, input.agency_id)?;
            let wd = v.check(weekday(input.weekday));
            let wk = v.check(weeks(&input.weeks));
            let start = v.check(time("start_time", &input.start_time));
            let end = v.check(time("end_time", &input.end_time));
            if let (Some(s), Some(e)) = (start, end) {
                for err in session_times(s, e, input.slot_minutes) {
                    v.push(err);
                }
            }
            let place = v
                .check(values::optional_text(
                    "place",
                    input.place.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let supporter_name = v
                .check(values::optional_text(
                    "supporter_name",
                    input.supporter_name.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            v.finish()?;
            let (Some(wd), Some(wk), Some(start), Some(end)) = (wd, wk, start, end) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let s = SupporterSchedule {
                id: Uuid::now_v7(),
                center_id: center,
                agency_id: input.agency_id,
                weekday: wd,
                weeks: wk,
                start_time: start,
                end_time: end,
                slot_minutes: input.slot_minutes,
                place,
                supporter_name,
                active: true,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::SupporterScheduleCreate)
                .resource(s.id)
                .detail(format!("agency_id={}", s.agency_id));
            self.store.insert_supporter_schedule(&s, &ev)
        })
    }

    #[tracing::instrument(name = "supporter_schedules.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn supporter_schedule(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<SupporterSchedule, DomainError> {
        self.guard(ctx, Action::SupporterScheduleRead, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let s = self
                .store
                .supporter_schedule(center, id)?
                .ok_or(DomainError::NotFound)?;
            // A schedule names no patient.
            self.log_impersonal_read(self.ev(ctx, Action::SupporterScheduleRead).resource(id));
            Ok(s)
        })
    }

    #[tracing::instrument(name = "supporter_schedules.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn supporter_schedules(
        &self,
        ctx: &Ctx,
        page: PageRequest,
    ) -> Result<Page<SupporterSchedule>, DomainError> {
        self.guard(ctx, Action::SupporterScheduleList, None, || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let found = self.store.supporter_schedules(center, page)?;
            self.log_impersonal_read(
                self.ev(ctx, Action::SupporterScheduleList)
                    .detail(format!("count={}", found.items.len())),
            );
            Ok(found)
        })
    }

    /// Changes a schedule (e.g. ends it: `active: false`, after which it generates nothing).
    #[tracing::instrument(name = "supporter_schedules.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_supporter_schedule(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: ScheduleUpdate,
    ) -> Result<SupporterSchedule, DomainError> {
        self.guard(ctx, Action::SupporterScheduleUpdate, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let current = self
                .store
                .supporter_schedule(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let mut s = current.clone();
            let mut v = Validator::new();
            if let Some(w) = input.weekday.and_then(|w| v.check(weekday(w))) {
                s.weekday = w;
            }
            if let Some(w) = input.weeks.as_deref().and_then(|w| v.check(weeks(w))) {
                s.weeks = w;
            }
            if let Some(t) = input
                .start_time
                .as_deref()
                .and_then(|t| v.check(time("start_time", t)))
            {
                s.start_time = t;
            }
            if let Some(t) = input
                .end_time
                .as_deref()
                .and_then(|t| v.check(time("end_time", t)))
            {
                s.end_time = t;
            }
            if let Some(m) = input.slot_minutes {
                s.slot_minutes = m;
            }
            for err in session_times(s.start_time, s.end_time, s.slot_minutes) {
                v.push(err);
            }
            if let Some(p) = &input.place
                && let Some(p) = v.check(values::optional_text("place", p.as_deref(), NAME_MAX))
            {
                s.place = p;
            }
            if let Some(p) = &input.supporter_name
                && let Some(p) = v.check(values::optional_text(
                    "supporter_name",
                    p.as_deref(),
                    NAME_MAX,
                ))
            {
                s.supporter_name = p;
            }
            if let Some(a) = input.active {
                s.active = a;
            }
            v.finish()?;
            s.updated_at = self.clock.now();
            let detail = changed_fields(&[
                ("weekday", s.weekday != current.weekday),
                ("weeks", s.weeks != current.weeks),
                ("start_time", s.start_time != current.start_time),
                ("end_time", s.end_time != current.end_time),
                ("slot_minutes", s.slot_minutes != current.slot_minutes),
                ("place", s.place != current.place),
                ("supporter_name", s.supporter_name != current.supporter_name),
                ("active", s.active != current.active),
            ]);
            let ev = self
                .ev(ctx, Action::SupporterScheduleUpdate)
                .resource(s.id)
                .detail(detail);
            self.store
                .save_supporter_schedule(&s, expected_version, &ev)
        })
    }

    /// Makes the schedule's sessions for a fiscal year or a range of days, skipping the
    /// days the office already has a session on (so generating again adds only what is
    /// missing). Answers the sessions made.
    #[tracing::instrument(name = "supporter_schedules.generate", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn generate_supporter_sessions(
        &self,
        ctx: &Ctx,
        id: Uuid,
        input: GenerateInput,
    ) -> Result<Vec<SupporterSession>, DomainError> {
        self.guard(ctx, Action::SupporterSessionCreate, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let sch = self
                .store
                .supporter_schedule(center, id)?
                .ok_or(DomainError::NotFound)?;
            let (from, to) = match input
                .fiscal_year
                .as_deref()
                .filter(|s| !s.trim().is_empty())
            {
                Some(y) => {
                    let p = Period::parse(Some(y), None, None)?;
                    (p.from, p.to)
                }
                None => {
                    let mut v = Validator::new();
                    let from = v.check(values::date("from", input.from.as_deref().unwrap_or("")));
                    let to = v.check(values::date("to", input.to.as_deref().unwrap_or("")));
                    if let (Some(f), Some(t)) = (from, to)
                        && (t < f || (t - f).num_days() > GENERATE_MAX_DAYS)
                    {
                        v.push(FieldError::new(
                            "to",
                            "invalid_range",
                            format!("must be on or after from, within {GENERATE_MAX_DAYS} days"),
                        ));
                    }
                    v.finish()?;
                    match (from, to) {
                        (Some(f), Some(t)) => (f, t),
                        _ => {
                            return Err(DomainError::Internal(
                                "validator passed with missing values".into(),
                            ));
                        }
                    }
                }
            };
            if !sch.active {
                return Err(DomainError::conflict(
                    "schedule_inactive",
                    "the schedule is no longer in use",
                ));
            }
            let taken: BTreeSet<NaiveDate> = self
                .store
                .supporter_session_days(center, sch.agency_id, from, to)?
                .into_iter()
                .collect();
            let now = self.clock.now();
            let sessions: Vec<SupporterSession> =
                schedule_days(sch.weekday, &sch.weeks, from, to, &taken)
                    .into_iter()
                    .map(|d| SupporterSession {
                        id: Uuid::now_v7(),
                        center_id: center,
                        agency_id: sch.agency_id,
                        schedule_id: Some(sch.id),
                        held_on: d,
                        start_time: sch.start_time,
                        end_time: sch.end_time,
                        slot_minutes: sch.slot_minutes,
                        place: sch.place.clone(),
                        supporter_name: sch.supporter_name.clone(),
                        staff_ids: vec![],
                        status: SessionStatus::Scheduled,
                        notes: None,
                        bookings: vec![],
                        created_by: ctx.actor.user_id,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    })
                    .collect();
            let events: Vec<AuditDraft> = sessions
                .iter()
                .map(|s| {
                    self.ev(ctx, Action::SupporterSessionCreate)
                        .resource(s.id)
                        .detail(format!("schedule_id={}; held_on={}", sch.id, s.held_on))
                })
                .collect();
            if sessions.is_empty() {
                return Ok(vec![]);
            }
            self.store.insert_supporter_sessions(&sessions, &events)
        })
    }

    /// Records one session by hand (an extra day, or one outside any schedule).
    #[tracing::instrument(name = "supporter_sessions.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_supporter_session(
        &self,
        ctx: &Ctx,
        input: SessionInput,
    ) -> Result<SupporterSession, DomainError> {
        self.guard(ctx, Action::SupporterSessionCreate, None, || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let mut v = Validator::new();
            self.check_office(&mut v, center, input.agency_id)?;
            let held_on = v.check(values::date("held_on", &input.held_on));
            let start = v.check(time("start_time", &input.start_time));
            let end = v.check(time("end_time", &input.end_time));
            if let (Some(s), Some(e)) = (start, end) {
                for err in session_times(s, e, input.slot_minutes) {
                    v.push(err);
                }
            }
            let place = v
                .check(values::optional_text(
                    "place",
                    input.place.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let supporter_name = v
                .check(values::optional_text(
                    "supporter_name",
                    input.supporter_name.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let staff_ids = super::staff_list(&input.staff_ids);
            self.check_staff(&mut v, center, "staff_ids", &staff_ids)?;
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            let (Some(held_on), Some(start), Some(end)) = (held_on, start, end) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let s = SupporterSession {
                id: Uuid::now_v7(),
                center_id: center,
                agency_id: input.agency_id,
                schedule_id: None,
                held_on,
                start_time: start,
                end_time: end,
                slot_minutes: input.slot_minutes,
                place,
                supporter_name,
                staff_ids,
                status: SessionStatus::Scheduled,
                notes,
                bookings: vec![],
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::SupporterSessionCreate)
                .resource(s.id)
                .detail(format!("held_on={held_on}"));
            let mut made = self.store.insert_supporter_sessions(&[s], &[ev])?;
            made.pop()
                .ok_or_else(|| DomainError::Internal("inserted session not read back".into()))
        })
    }

    /// Reads a session (its slots' counts, never who is booked: that is `/slots`).
    #[tracing::instrument(name = "supporter_sessions.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn supporter_session(&self, ctx: &Ctx, id: Uuid) -> Result<SupporterSession, DomainError> {
        self.guard(ctx, Action::SupporterSessionRead, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let s = self.session_in(center, id)?;
            self.log_impersonal_read(self.ev(ctx, Action::SupporterSessionRead).resource(id));
            Ok(s)
        })
    }

    /// The center's sessions by day, by `fiscal_year`, `from`, `to` and office.
    #[tracing::instrument(name = "supporter_sessions.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn supporter_sessions(
        &self,
        ctx: &Ctx,
        q: SessionQuery,
        page: PageRequest,
    ) -> Result<Page<SupporterSession>, DomainError> {
        self.guard(ctx, Action::SupporterSessionList, None, || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let (from, to) = date_filter(&q)?;
            let filter = SessionFilter {
                from,
                to,
                agency_id: q.agency_id,
            };
            let found = self.store.supporter_sessions(center, &filter, page)?;
            let query: Vec<String> = [
                ("from", from.map(|d| d.to_string())),
                ("to", to.map(|d| d.to_string())),
                ("agency_id", q.agency_id.map(|a| a.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_impersonal_read(self.ev(ctx, Action::SupporterSessionList).detail(format!(
                "{}; count={}",
                query.join("; "),
                found.items.len()
            )));
            Ok(found)
        })
    }

    /// Changes a session. Its times may change only so that every live booking still
    /// starts a slot (409 `booked_slot_moved`); it is cancelled only without live bookings
    /// (409 `session_has_bookings`: cancel them first, each patient is told).
    #[tracing::instrument(name = "supporter_sessions.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_supporter_session(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: SessionUpdate,
    ) -> Result<SupporterSession, DomainError> {
        self.guard(ctx, Action::SupporterSessionUpdate, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let current = self.session_in(center, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut s = current.clone();
            let mut v = Validator::new();
            if let Some(d) = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)))
            {
                s.held_on = d;
            }
            if let Some(t) = input
                .start_time
                .as_deref()
                .and_then(|t| v.check(time("start_time", t)))
            {
                s.start_time = t;
            }
            if let Some(t) = input
                .end_time
                .as_deref()
                .and_then(|t| v.check(time("end_time", t)))
            {
                s.end_time = t;
            }
            if let Some(m) = input.slot_minutes {
                s.slot_minutes = m;
            }
            for err in session_times(s.start_time, s.end_time, s.slot_minutes) {
                v.push(err);
            }
            if let Some(p) = &input.place
                && let Some(p) = v.check(values::optional_text("place", p.as_deref(), NAME_MAX))
            {
                s.place = p;
            }
            if let Some(p) = &input.supporter_name
                && let Some(p) = v.check(values::optional_text(
                    "supporter_name",
                    p.as_deref(),
                    NAME_MAX,
                ))
            {
                s.supporter_name = p;
            }
            if let Some(ids) = &input.staff_ids {
                s.staff_ids = super::staff_list(ids);
                self.check_staff(&mut v, center, "staff_ids", &s.staff_ids)?;
            }
            if let Some(st) = input
                .status
                .as_deref()
                .and_then(|x| v.check(SessionStatus::parse("status", x)))
            {
                s.status = st;
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                s.notes = n;
            }
            v.finish()?;
            let starts: BTreeSet<NaiveTime> = s.slots().into_iter().map(|x| x.0).collect();
            if s.live_bookings().any(|b| !starts.contains(&b.slot_start)) {
                return Err(DomainError::conflict(
                    "booked_slot_moved",
                    "a booked slot would no longer exist: move or cancel its booking first",
                ));
            }
            if s.status == SessionStatus::Cancelled
                && current.status != SessionStatus::Cancelled
                && s.live_bookings().next().is_some()
            {
                return Err(DomainError::conflict(
                    "session_has_bookings",
                    "cancel the session's bookings first",
                ));
            }
            s.updated_at = self.clock.now();
            let detail = changed_fields(&[
                ("held_on", s.held_on != current.held_on),
                ("start_time", s.start_time != current.start_time),
                ("end_time", s.end_time != current.end_time),
                ("slot_minutes", s.slot_minutes != current.slot_minutes),
                ("place", s.place != current.place),
                ("supporter_name", s.supporter_name != current.supporter_name),
                ("staff_ids", s.staff_ids != current.staff_ids),
                ("status", s.status != current.status),
                ("notes", s.notes != current.notes),
            ]);
            let ev = self
                .ev(ctx, Action::SupporterSessionUpdate)
                .resource(s.id)
                .detail(detail);
            self.store.save_supporter_session(&s, expected_version, &ev)
        })
    }

    /// The views of these bookings: who, and what the linked referrals' follow-ups say.
    fn booking_views(
        &self,
        center: Uuid,
        bookings: Vec<Booking>,
    ) -> Result<Vec<BookingView>, DomainError> {
        let patients: Vec<Uuid> = bookings.iter().map(|b| b.patient_id).collect();
        let labels: HashMap<Uuid, PatientLabel> = self
            .store
            .patient_labels(center, &patients)?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let referrals: Vec<Uuid> = bookings.iter().filter_map(|b| b.referral_id).collect();
        let mut findings: HashMap<Uuid, Vec<Finding>> = HashMap::new();
        if !referrals.is_empty() {
            for (r, f) in self.store.referral_findings(center, &referrals)? {
                findings.entry(r).or_default().push(f);
            }
        }
        Ok(bookings
            .into_iter()
            .map(|b| {
                let derived = b
                    .referral_id
                    .and_then(|r| findings.get(&r))
                    .map(|f| derive(f))
                    .unwrap_or_default();
                BookingView {
                    patient: labels.get(&b.patient_id).cloned(),
                    derived,
                    booking: b,
                }
            })
            .collect())
    }

    /// A session's slots with their live bookings: an access event naming each patient.
    #[tracing::instrument(name = "supporter_sessions.slots", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn supporter_slots(&self, ctx: &Ctx, id: Uuid) -> Result<Vec<Slot>, DomainError> {
        self.guard(ctx, Action::SupporterSlotList, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let s = self.session_in(center, id)?;
            let live: Vec<Booking> = s.live_bookings().cloned().collect();
            self.log_named_read(
                ctx,
                Action::SupporterSlotList,
                Some(id),
                live.iter().map(|b| b.patient_id),
                &format!("count={}", live.len()),
            )?;
            let mut views: HashMap<NaiveTime, BookingView> = self
                .booking_views(center, live)?
                .into_iter()
                .map(|b| (b.booking.slot_start, b))
                .collect();
            Ok(s.slots()
                .into_iter()
                .map(|(start, end)| Slot {
                    start,
                    end,
                    booking: views.remove(&start),
                })
                .collect())
        })
    }

    /// Books a patient of the center (422 `patient_not_found`) with a consent in force on the
    /// session's day (422 `booking_without_consent`: the supporter is a Hello Work officer)
    /// into a slot of a session that is not cancelled (409 `session_cancelled`). The
    /// database refuses a second booking of the slot (409 `slot_taken`) or of the patient
    /// (409 `patient_already_booked`).
    #[tracing::instrument(name = "supporter_sessions.book", skip_all, fields(center_id = ?ctx.actor.center_id, %session_id))]
    pub fn book_supporter_slot(
        &self,
        ctx: &Ctx,
        session_id: Uuid,
        input: BookingInput,
    ) -> Result<BookingView, DomainError> {
        self.guard(ctx, Action::SupporterBookingCreate, Some(session_id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let s = self.session_in(center, session_id)?;
            let mut v = Validator::new();
            let start = v.check(time("slot_start", &input.slot_start));
            let notes = v
                .check(values::optional_prose("notes", input.notes.as_deref(), NOTES_MAX))
                .flatten();
            if let Some(t) = start
                && !s.slots().iter().any(|x| x.0 == t)
            {
                v.push(FieldError::new(
                    "slot_start",
                    "not_a_slot",
                    "must be the start of one of the session's slots",
                ));
            }
            v.finish()?;
            let Some(start) = start else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            if s.status == SessionStatus::Cancelled {
                return Err(DomainError::conflict(
                    "session_cancelled",
                    "the session is cancelled",
                ));
            }
            if self.store.patient(center, input.patient_id)?.is_none() {
                return Err(DomainError::rule(
                    "patient_not_found",
                    format!("{} is not a patient of your center", input.patient_id),
                ));
            }
            let consents = self.store.consents(center, input.patient_id)?;
            if !consents.iter().any(|c| c.in_force_on(s.held_on)) {
                return Err(DomainError::rule(
                    "booking_without_consent",
                    format!(
                        "{} has no consent in force on {}: the supporter is an officer of the agency",
                        input.patient_id, s.held_on
                    ),
                ));
            }
            let now = self.clock.now();
            let b = Booking {
                id: Uuid::now_v7(),
                session_id,
                center_id: center,
                patient_id: input.patient_id,
                slot_start: start,
                status: BookingStatus::Booked,
                consultation_id: None,
                referral_id: None,
                new_job_seeker: None,
                employed: None,
                notes,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::SupporterBookingCreate)
                .resource(b.id)
                .patient(b.patient_id)
                .detail(format!("session_id={session_id}; slot_start={}", start.format("%H:%M")));
            let b = self.store.insert_supporter_booking(&b, &ev)?;
            self.booking_views(center, vec![b])?
                .pop()
                .ok_or_else(|| DomainError::Internal("booking view missing".into()))
        })
    }

    fn booking_in(&self, center: Uuid, session: Uuid, id: Uuid) -> Result<Booking, DomainError> {
        self.store
            .supporter_booking(center, session, id)?
            .ok_or(DomainError::NotFound)
    }

    /// Reads a booking (an access event naming the patient).
    #[tracing::instrument(name = "supporter_bookings.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn supporter_booking(
        &self,
        ctx: &Ctx,
        session_id: Uuid,
        id: Uuid,
    ) -> Result<BookingView, DomainError> {
        self.guard(ctx, Action::SupporterBookingRead, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let b = self.booking_in(center, session_id, id)?;
            self.log_read(ctx, Action::SupporterBookingRead, id, b.patient_id)?;
            self.booking_views(center, vec![b])?
                .pop()
                .ok_or_else(|| DomainError::Internal("booking view missing".into()))
        })
    }

    /// Records what came of a booking: held (the session becomes held), no-show, or
    /// cancelled (the slot is free again); the consultation record of the joint consultation
    /// (one of the patient's, or a new one with `create_consultation`), the referral it led
    /// to, and 新規求職者 / 就職者 as the supporter entered them.
    #[tracing::instrument(name = "supporter_bookings.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_supporter_booking(
        &self,
        ctx: &Ctx,
        session_id: Uuid,
        id: Uuid,
        if_match: IfMatch,
        input: BookingUpdate,
    ) -> Result<BookingView, DomainError> {
        self.guard(ctx, Action::SupporterBookingUpdate, Some(id), || {
            let center = policy::supporter_sessions(&ctx.actor)?;
            let session = self.session_in(center, session_id)?;
            let current = self.booking_in(center, session_id, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut b = current.clone();
            let mut v = Validator::new();
            if let Some(st) = input
                .status
                .as_deref()
                .and_then(|x| v.check(BookingStatus::parse("status", x)))
            {
                b.status = st;
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                b.notes = n;
            }
            if let Some(c) = input.consultation_id {
                b.consultation_id = c;
            }
            if let Some(r) = input.referral_id {
                b.referral_id = r;
            }
            b.new_job_seeker = optional_bool_change(b.new_job_seeker, input.new_job_seeker);
            b.employed = optional_bool_change(b.employed, input.employed);
            if input.create_consultation && input.consultation_id.flatten().is_some() {
                v.push(FieldError::new(
                    "create_consultation",
                    "with_consultation_id",
                    "link an existing consultation or create one, not both",
                ));
            }
            let held = b.status == BookingStatus::Held;
            // Judged on what this change sets, not on what the booking holds: a held booking
            // later found to be a no-show keeps its entries (the figures count held ones only).
            if !held
                && (input.create_consultation
                    || matches!(input.new_job_seeker, Some(Some(_)))
                    || matches!(input.employed, Some(Some(_)))
                    || matches!(input.consultation_id, Some(Some(_))))
            {
                v.push(FieldError::new(
                    "status",
                    "not_held",
                    "a consultation and outcomes are recorded for a held booking",
                ));
            }
            v.finish()?;
            booking_move(current.status, b.status)?;
            if b.status == BookingStatus::Held && session.status == SessionStatus::Cancelled {
                return Err(DomainError::conflict(
                    "session_cancelled",
                    "the session is cancelled",
                ));
            }
            if let Some(c) = b.consultation_id
                && b.consultation_id != current.consultation_id
            {
                match self.store.consultation(center, c)? {
                    Some(x) if x.patient_id == Some(b.patient_id) => {}
                    _ => {
                        return Err(DomainError::rule(
                            "consultation_not_found",
                            "not a consultation of this patient in your center",
                        ));
                    }
                }
            }
            if let Some(r) = b.referral_id
                && b.referral_id != current.referral_id
            {
                match self.store.referral(center, r)? {
                    Some(x) if x.patient_id == b.patient_id => {}
                    _ => {
                        return Err(DomainError::rule(
                            "referral_not_found",
                            "not a referral of this patient in your center",
                        ));
                    }
                }
            }
            if input.create_consultation {
                // The consultation is recorded through its own use case (its checks, its
                // event, its webhook). A stale If-Match was refused above; a write racing in
                // between leaves a consultation without the link, never a wrong link.
                // Japan keeps no daylight saving time: Asia/Tokyo is UTC+9 all year.
                let at = session.held_on.and_time(b.slot_start).and_utc() - Duration::hours(9);
                let c = self.consultations().create(
                    ctx,
                    ConsultationInput {
                        patient_id: Some(Some(b.patient_id)),
                        occurred_at: Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                        channel: Some("in_person".into()),
                        requester: Some("patient".into()),
                        topics: Some(vec!["employment".into()]),
                        duration_minutes: Some(Some(session.slot_minutes)),
                        with_employment_supporter: Some(true),
                        summary: Some(Some("出張相談（難病患者就職サポーター）".into())),
                        ..ConsultationInput::default()
                    },
                )?;
                b.consultation_id = Some(c.id);
            }
            b.updated_at = self.clock.now();
            let detail = changed_fields(&[
                ("status", b.status != current.status),
                (
                    "consultation_id",
                    b.consultation_id != current.consultation_id,
                ),
                ("referral_id", b.referral_id != current.referral_id),
                ("new_job_seeker", b.new_job_seeker != current.new_job_seeker),
                ("employed", b.employed != current.employed),
                ("notes", b.notes != current.notes),
            ]);
            let ev = self
                .ev(ctx, Action::SupporterBookingUpdate)
                .resource(b.id)
                .patient(b.patient_id)
                .detail(detail);
            let session_held = held && session.status == SessionStatus::Scheduled;
            let b = self
                .store
                .save_supporter_booking(&b, expected_version, session_held, &ev)?;
            self.booking_views(center, vec![b])?
                .pop()
                .ok_or_else(|| DomainError::Internal("booking view missing".into()))
        })
    }

    /// 出張相談の実績: per month and per Hello Work office, the sessions held, the joint
    /// consultations, the people seen, 新規求職者 and 就職者.
    #[tracing::instrument(name = "supporter_sessions.report", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn supporter_sessions_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<SupporterSessionsReport, DomainError> {
        self.guard(ctx, Action::ReportSupporterSessions, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            let (sessions, held) = self.store.supporter_facts(&scope, period.from, period.to)?;
            let out = report(period.from, period.to, &sessions, &held);
            self.log_impersonal_read(
                self.ev(ctx, Action::ReportSupporterSessions)
                    .detail(read_detail(period, &scope)),
            );
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_nth_weekday_of_a_month() {
        // December 2026 starts on a Tuesday.
        assert_eq!(nth_weekday(2026, 12, Weekday::Tue, 1), Some(d(2026, 12, 1)));
        assert_eq!(nth_weekday(2026, 12, Weekday::Tue, 2), Some(d(2026, 12, 8)));
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Tue, 4),
            Some(d(2026, 12, 22))
        );
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Tue, 5),
            Some(d(2026, 12, 29))
        );
        assert_eq!(nth_weekday(2026, 12, Weekday::Mon, 1), Some(d(2026, 12, 7)));
        // February 2027 has four Tuesdays only.
        assert_eq!(nth_weekday(2027, 2, Weekday::Tue, 5), None);
    }

    #[test]
    fn second_and_fourth_tuesdays_of_a_fiscal_year_skip_days_taken() {
        let all = schedule_days(
            Weekday::Tue,
            &[2, 4],
            d(2026, 4, 1),
            d(2027, 3, 31),
            &BTreeSet::new(),
        );
        assert_eq!(all.len(), 24);
        assert_eq!(&all[..3], &[d(2026, 4, 14), d(2026, 4, 28), d(2026, 5, 12)]);
        assert_eq!(all.last(), Some(&d(2027, 3, 23)));
        assert!(all.iter().all(|x| x.weekday() == Weekday::Tue));
        let taken: BTreeSet<NaiveDate> = [d(2026, 4, 28)].into();
        let rest = schedule_days(
            Weekday::Tue,
            &[2, 4],
            d(2026, 4, 15),
            d(2026, 5, 31),
            &taken,
        );
        assert_eq!(rest, [d(2026, 5, 12), d(2026, 5, 26)]);
        // A 5th week exists in some months only.
        let fifth = schedule_days(
            Weekday::Tue,
            &[5],
            d(2026, 12, 1),
            d(2027, 3, 31),
            &BTreeSet::new(),
        );
        assert_eq!(fifth, [d(2026, 12, 29), d(2027, 3, 30)]);
        assert!(
            schedule_days(
                Weekday::Tue,
                &[2],
                d(2026, 5, 1),
                d(2026, 4, 1),
                &BTreeSet::new()
            )
            .is_empty()
        );
    }

    #[test]
    fn slots_run_back_to_back_and_drop_a_short_remainder() {
        assert_eq!(
            slots(t(13, 0), t(15, 0), 45),
            [(t(13, 0), t(13, 45)), (t(13, 45), t(14, 30))]
        );
        assert_eq!(slots(t(13, 0), t(14, 0), 60), [(t(13, 0), t(14, 0))]);
        assert!(slots(t(13, 0), t(13, 30), 45).is_empty());
        assert!(slots(t(23, 30), t(23, 59), 0).is_empty());
        assert_eq!(slots(t(23, 0), t(23, 59), 30).len(), 1);
    }

    #[test]
    fn weeks_weekdays_and_times_are_checked() {
        assert_eq!(weeks(&[4, 2, 2]).unwrap(), [2, 4]);
        assert_eq!(weeks(&[]).unwrap_err().code, "required");
        assert_eq!(weeks(&[6]).unwrap_err().code, "invalid_week");
        assert_eq!(weekday(2).unwrap(), Weekday::Tue);
        assert_eq!(weekday(0).unwrap_err().code, "invalid_weekday");
        assert!(session_times(t(13, 0), t(16, 0), 45).is_empty());
        let codes = |e: Vec<FieldError>| e.into_iter().map(|x| x.code).collect::<Vec<_>>();
        assert_eq!(
            codes(session_times(t(13, 0), t(13, 0), 45)),
            ["not_after_start"]
        );
        assert_eq!(
            codes(session_times(t(13, 0), t(13, 30), 45)),
            ["longer_than_session"]
        );
        assert_eq!(
            codes(session_times(t(13, 0), t(16, 0), 5)),
            ["out_of_range"]
        );
    }

    #[test]
    fn outcomes_follow_the_follow_ups_unless_entered() {
        assert_eq!(derive(&[]), Outcome::default());
        let o = derive(&[
            (Some(CaseOutcome::Searching), None),
            (None, Some(AgencyOutcome::RegisteredJobSeeker)),
        ]);
        assert_eq!((o.new_job_seeker, o.employed), (true, false));
        assert!(derive(&[(Some(CaseOutcome::Retained), None)]).employed);
        assert!(derive(&[(None, Some(AgencyOutcome::Employed))]).employed);
        assert!(!derive(&[(None, Some(AgencyOutcome::Came))]).employed);
        let h = HeldFact {
            session_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            new_job_seeker: Some(false),
            employed: None,
            findings: vec![(
                Some(CaseOutcome::Employed),
                Some(AgencyOutcome::RegisteredJobSeeker),
            )],
        };
        assert_eq!(
            effective(&h),
            Outcome {
                new_job_seeker: false,
                employed: true
            }
        );
    }

    #[test]
    fn the_report_counts_sessions_held_and_people_once_per_row() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (p, q) = (Uuid::now_v7(), Uuid::now_v7());
        let s = |agency: Uuid, name: &str, day: NaiveDate, status| SessionFact {
            id: Uuid::now_v7(),
            agency_id: agency,
            agency_name: name.into(),
            held_on: day,
            status,
        };
        let sessions = [
            s(a, "ハローワーク中央", d(2026, 4, 14), SessionStatus::Held),
            s(a, "ハローワーク中央", d(2026, 4, 28), SessionStatus::Held),
            s(
                a,
                "ハローワーク中央",
                d(2026, 5, 12),
                SessionStatus::Cancelled,
            ),
            s(b, "ハローワーク北", d(2026, 6, 9), SessionStatus::Held),
        ];
        let h = |i: usize, patient: Uuid, seeker: Option<bool>| HeldFact {
            session_id: sessions[i].id,
            patient_id: patient,
            new_job_seeker: seeker,
            employed: None,
            findings: vec![],
        };
        let held = [
            h(0, p, Some(true)),
            h(1, p, None),
            h(1, q, None),
            HeldFact {
                findings: vec![(Some(CaseOutcome::Employed), None)],
                ..h(3, q, Some(false))
            },
        ];
        let r = report(d(2026, 4, 1), d(2027, 3, 31), &sessions, &held);
        assert_eq!(r.months.len(), 12);
        assert_eq!(r.months[0].0, d(2026, 4, 1));
        let april = &r.months[0].1;
        assert_eq!(
            (
                april.sessions_held,
                april.consultations,
                april.people_seen,
                april.new_job_seekers,
                april.employed
            ),
            (2, 3, 2, 1, 0)
        );
        assert_eq!(r.months[1].1, SupporterFigures::default());
        assert_eq!(r.months[2].1.employed, 1);
        assert_eq!(
            r.total,
            SupporterFigures {
                sessions_held: 3,
                consultations: 4,
                people_seen: 2,
                new_job_seekers: 1,
                employed: 1
            }
        );
        let names: Vec<&str> = r.offices.iter().map(|o| o.agency_name.as_str()).collect();
        assert_eq!(names, ["ハローワーク中央", "ハローワーク北"]);
        assert_eq!(r.offices[0].figures.sessions_held, 2);
        assert_eq!(r.offices[1].figures.people_seen, 1);
    }

    #[test]
    fn a_cancelled_booking_stays_cancelled() {
        assert!(booking_move(BookingStatus::Booked, BookingStatus::Held).is_ok());
        assert!(booking_move(BookingStatus::Held, BookingStatus::Cancelled).is_ok());
        assert!(matches!(
            booking_move(BookingStatus::Cancelled, BookingStatus::Booked),
            Err(DomainError::Conflict {
                code: "booking_cancelled",
                ..
            })
        ));
    }
}
