//! Follow-ups (フォローアップ): scheduled with a due day (the first one automatically when a
//! referral promises follow-up), recorded once as done, which may schedule the next. The
//! work queue lists open ones, overdue first, in Asia/Tokyo days.

use super::{case_worker, describe, missing, not_in_future, require_case_worker};
use crate::app::{Ctx, NOTES_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::entities::{FollowUp, FollowUpView, Referral};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::ports::{FollowUpFilter, FollowUpState};
use crate::values::{self, CaseOutcome, Contacted, FollowUpMethod, ReferralStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

/// A center that has not set `follow_up_days` follows up two weeks after a referral.
const DEFAULT_FOLLOW_UP_DAYS: i32 = 14;

#[derive(Debug, Default, Clone)]
pub struct FollowUpInput {
    pub due_on: String,
    pub assignee_id: Option<Uuid>,
    pub notes: Option<String>,
}

/// Rescheduling (while open) or recording a follow-up as done (with `done_on`).
#[derive(Debug, Default, Clone)]
pub struct FollowUpUpdate {
    pub due_on: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub done_on: Option<Option<String>>,
    pub method: Option<String>,
    pub contacted: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<Option<String>>,
    /// Schedules the next follow-up, when recording this one.
    pub next_due_on: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct FollowUpQuery {
    /// `due`, `overdue`, `done`; absent means due and overdue, overdue first.
    pub state: Option<String>,
    /// A user id, or `me`.
    pub assignee: Option<String>,
    pub patient_id: Option<Uuid>,
    /// A window of due dates, both ends included (a calendar's week or month).
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

/// The longest window of due dates one list may ask for: a quarter, more than any calendar
/// view shows.
pub const DUE_WINDOW_MAX_DAYS: i64 = 92;

/// Handing follow-ups to a colleague while a consultant is away or when they leave: the
/// open ones named, or every open one of `from_assignee_id`.
#[derive(Debug, Default, Clone)]
pub struct ReassignInput {
    pub follow_up_ids: Vec<Uuid>,
    pub from_assignee_id: Option<Uuid>,
    pub assignee_id: Uuid,
}

/// At most this many follow-ups change hands in one request (one transaction).
pub const REASSIGN_MAX: usize = 500;

/// Names either the follow-ups or the person whose follow-ups move, not both, and not too
/// many at once.
pub fn reassign_target(input: &ReassignInput) -> Result<(), DomainError> {
    match (input.follow_up_ids.is_empty(), input.from_assignee_id) {
        (true, None) | (false, Some(_)) => Err(DomainError::field(
            "follow_up_ids",
            "one_of_required",
            "name the follow-ups, or whose follow-ups (from_assignee_id), not both",
        )),
        (false, None) if input.follow_up_ids.len() > REASSIGN_MAX => Err(DomainError::field(
            "follow_up_ids",
            "too_many",
            format!("at most {REASSIGN_MAX} at once"),
        )),
        _ => Ok(()),
    }
}

crate::facade!(
    /// Scheduling, recording and listing follow-ups: `services.follow_ups()`.
    FollowUps,
    follow_ups
);

impl FollowUps<'_> {
    /// Schedules a follow-up of an open referral, for its consultant unless someone is named.
    #[tracing::instrument(name = "follow_ups.create", skip_all, fields(center_id = ?ctx.actor.center_id, %referral_id))]
    pub fn create(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        input: FollowUpInput,
    ) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let mut v = Validator::new();
            let due_on = v.check(values::date("due_on", &input.due_on));
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            if r.status == ReferralStatus::Closed {
                return Err(DomainError::rule(
                    "referral_closed",
                    "this referral is closed; no more follow-ups can be scheduled",
                ));
            }
            let Some(due_on) = due_on else {
                return Err(missing("due_on"));
            };
            let assignee = match input.assignee_id {
                None => r.consultant_id,
                Some(a) => case_worker(&*self.store, center, "assignee_id", a)?,
            };
            let mut f = schedule(&r, assignee, due_on, ctx.actor.user_id, self.clock.now());
            f.notes = notes;
            let ev = self.schedule_event(ctx, &f);
            self.store.insert_follow_up(&f, &ev)?;
            self.store
                .follow_up(center, f.id)?
                .ok_or(DomainError::NotFound)
        })
    }

    #[tracing::instrument(name = "follow_ups.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let f = self
                .store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::FollowUpRead, id, f.follow_up.patient_id)?;
            Ok(f)
        })
    }

    /// The work queue: open follow-ups overdue first, or those due, overdue or done.
    #[tracing::instrument(name = "follow_ups.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: FollowUpQuery,
        page: PageRequest,
    ) -> Result<Page<FollowUpView>, DomainError> {
        self.guard(ctx, Action::FollowUpList, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let syncing = page.updated_since.is_some();
            let filter = queue_filter(&q, ctx.actor.user_id, syncing, self.today())?;
            let found = self.store.follow_ups(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::FollowUpList,
                &describe(&[
                    ("state", q.state.clone()),
                    ("assignee", filter.assignee.map(|a| a.to_string())),
                    ("patient_id", q.patient_id.map(|x| x.to_string())),
                    ("due_from", q.due_from.map(|d| d.to_string())),
                    ("due_to", q.due_to.map(|d| d.to_string())),
                ]),
                found.items.len(),
            )?;
            Ok(found)
        })
    }

    /// Every follow-up of one referral, by due date.
    #[tracing::instrument(name = "follow_ups.for_referral", skip_all, fields(center_id = ?ctx.actor.center_id, %referral_id))]
    pub fn for_referral(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<FollowUpView>, DomainError> {
        self.guard(ctx, Action::ReferralFollowUps, Some(referral_id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let filter = of_referral(referral_id, FollowUpState::All, self.today());
            let found = self.store.follow_ups(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::FollowUpList,
                &format!("referral_id={referral_id}; patient_id={}", r.patient_id),
                found.items.len(),
            )?;
            Ok(found)
        })
    }

    /// Records a follow-up as done (and schedules the next one), or reschedules an open one.
    #[tracing::instrument(name = "follow_ups.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: FollowUpUpdate,
    ) -> Result<FollowUpView, DomainError> {
        self.change(ctx, id, if_match, input, true)
    }

    /// [`Self::update`] for a follow-up an import brings in from a 台帳: the same rules,
    /// rows and events, but work recorded years ago is not put to the supervisor for review
    /// (a 台帳 holds hundreds of such follow-ups; the import is the supervisor's own, and
    /// audited as theirs).
    pub(crate) fn update_imported(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: FollowUpUpdate,
    ) -> Result<FollowUpView, DomainError> {
        self.change(ctx, id, if_match, input, false)
    }

    fn change(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: FollowUpUpdate,
        review: bool,
    ) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let view = self
                .store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)?;
            let current = view.follow_up;
            let expected_version = editable(&current, if_match)?;
            let Change {
                follow_up: mut f,
                recording,
                next_due_on,
            } = apply_update(&current, &input, self.today())?;
            if let Some(a) = input.assignee_id
                && a != f.assignee_id
            {
                f.assignee_id = case_worker(&*self.store, center, "assignee_id", a)?;
            }
            let action = if recording {
                Action::FollowUpRecord
            } else {
                Action::FollowUpUpdate
            };
            let mut events = vec![
                self.ev(ctx, action)
                    .resource(id)
                    .patient(f.patient_id)
                    .detail(changed_fields(&[
                        ("due_on", input.due_on.is_some()),
                        ("assignee_id", input.assignee_id.is_some()),
                        ("done_on", input.done_on.is_some()),
                        ("method", input.method.is_some()),
                        ("contacted", input.contacted.is_some()),
                        ("outcome", input.outcome.is_some()),
                        ("notes", input.notes.is_some()),
                        ("next_due_on", input.next_due_on.is_some()),
                    ])),
            ];
            let next = match next_due_on {
                None => None,
                Some(due) => {
                    let r = self
                        .store
                        .referral(center, f.referral_id)?
                        .ok_or(DomainError::NotFound)?;
                    let n = schedule(&r, f.assignee_id, due, ctx.actor.user_id, self.clock.now());
                    events.push(self.schedule_event(ctx, &n));
                    Some(n)
                }
            };
            if recording {
                f.recorded_by = Some(ctx.actor.user_id);
            }
            f.updated_at = self.clock.now();
            // Recorded follow-up work goes to the supervisor for review.
            self.store.save_follow_up(
                &f,
                expected_version,
                next.as_ref(),
                recording && review,
                &events,
            )?;
            self.store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)
        })
    }

    /// Hands open follow-ups to another case worker (a supervisor's call), all or none;
    /// answers the ids handed over. Each change is audited, naming its patient.
    #[tracing::instrument(name = "follow_ups.reassign", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn reassign(&self, ctx: &Ctx, input: ReassignInput) -> Result<Vec<Uuid>, DomainError> {
        self.guard(ctx, Action::FollowUpUpdate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            policy::act_for_colleague(&ctx.actor)?;
            reassign_target(&input)?;
            let to = case_worker(&*self.store, center, "assignee_id", input.assignee_id)?;
            let today = self.today();
            let mut moving: Vec<FollowUp> = Vec::new();
            if let Some(from) = input.from_assignee_id {
                let filter = FollowUpFilter {
                    state: FollowUpState::Open,
                    assignee: Some(from),
                    referral_id: None,
                    patient_id: None,
                    today,
                    due_before: None,
                    due_within: None,
                };
                let mut page = PageRequest {
                    limit: 200,
                    ..PageRequest::default()
                };
                loop {
                    let found = self.store.follow_ups(center, &filter, page.clone())?;
                    moving.extend(found.items.into_iter().map(|v| v.follow_up));
                    if moving.len() > REASSIGN_MAX {
                        return Err(DomainError::field(
                            "from_assignee_id",
                            "too_many",
                            format!("more than {REASSIGN_MAX} open follow-ups: name them in parts"),
                        ));
                    }
                    match found.next_cursor {
                        Some(c) => {
                            page = PageRequest::parse(Some(200), Some(&c))
                                .map_err(DomainError::Validation)?
                        }
                        None => break,
                    }
                }
            } else {
                let mut ids = input.follow_up_ids.clone();
                ids.sort();
                ids.dedup();
                for id in ids {
                    let f = self
                        .store
                        .follow_up(center, id)?
                        .ok_or_else(|| {
                            DomainError::field(
                                "follow_up_ids",
                                "not_found",
                                format!("{id} is no follow-up of your center"),
                            )
                        })?
                        .follow_up;
                    if f.done_on.is_some() || f.cancelled_on.is_some() {
                        return Err(DomainError::field(
                            "follow_up_ids",
                            "not_open",
                            format!("{id} is done or cancelled: only open follow-ups change hands"),
                        ));
                    }
                    moving.push(f);
                }
            }
            moving.retain(|f| f.assignee_id != to);
            let events: Vec<AuditDraft> = moving
                .iter()
                .map(|f| {
                    self.ev(ctx, Action::FollowUpUpdate)
                        .resource(f.id)
                        .patient(f.patient_id)
                        .detail(format!(
                            "fields=assignee_id; from={}; to={to}",
                            f.assignee_id
                        ))
                })
                .collect();
            let changes: Vec<(Uuid, i32)> = moving.iter().map(|f| (f.id, f.version)).collect();
            if !changes.is_empty() {
                self.store
                    .reassign_follow_ups(center, &changes, to, self.clock.now(), &events)?;
            }
            Ok(changes.into_iter().map(|(id, _)| id).collect())
        })
    }

    /// How many days after a referral its center follows up.
    pub(super) fn days_after_referral(&self, center: Uuid) -> Result<i32, DomainError> {
        Ok(self
            .store
            .center(center)?
            .map_or(DEFAULT_FOLLOW_UP_DAYS, |c| c.follow_up_days))
    }

    /// Whether the referral has a follow-up still to do.
    pub(super) fn any_open(
        &self,
        center: Uuid,
        referral_id: Uuid,
        today: NaiveDate,
    ) -> Result<bool, DomainError> {
        let filter = of_referral(referral_id, FollowUpState::Open, today);
        let page = PageRequest {
            limit: 1,
            ..PageRequest::default()
        };
        Ok(!self
            .store
            .follow_ups(center, &filter, page)?
            .items
            .is_empty())
    }

    /// The follow-ups of a referral an imported follow-up row fills in, oldest due first: the
    /// open ones, then those an earlier import left as not recorded.
    pub(crate) fn unfilled(
        &self,
        center: Uuid,
        referral_id: Uuid,
    ) -> Result<Vec<FollowUp>, DomainError> {
        let filter = of_referral(referral_id, FollowUpState::All, self.today());
        let page = PageRequest {
            limit: 200,
            ..PageRequest::default()
        };
        let mut found: Vec<FollowUp> = self
            .store
            .follow_ups(center, &filter, page)?
            .items
            .into_iter()
            .map(|v| v.follow_up)
            .filter(|f| f.is_open() || (f.not_recorded && f.done_on.is_none()))
            .collect();
        found.sort_by_key(|f| (!f.is_open(), f.due_on, f.id));
        Ok(found)
    }

    /// Takes a follow-up whose day had passed, with nothing written, when its 台帳 was
    /// imported out of the queue as not recorded (the import's choice), audited as a change.
    pub(crate) fn leave_unrecorded(
        &self,
        ctx: &Ctx,
        f: &FollowUp,
    ) -> Result<FollowUp, DomainError> {
        let next = not_recorded(f, self.today(), self.clock.now());
        let ev = self
            .ev(ctx, Action::FollowUpUpdate)
            .resource(f.id)
            .patient(f.patient_id)
            .detail("not_recorded");
        self.store
            .save_follow_up(&next, f.version, None, false, &[ev])
    }

    /// Brings a follow-up an earlier import left as not recorded back, for a later import
    /// that has its record (the 台帳 of follow-ups after the 台帳 of referrals).
    pub(crate) fn reopen_unrecorded(
        &self,
        ctx: &Ctx,
        f: &FollowUp,
    ) -> Result<FollowUp, DomainError> {
        let mut next = f.clone();
        next.not_recorded = false;
        next.cancelled_on = None;
        next.updated_at = self.clock.now();
        let ev = self
            .ev(ctx, Action::FollowUpUpdate)
            .resource(f.id)
            .patient(f.patient_id)
            .detail("not_recorded=false");
        self.store
            .save_follow_up(&next, f.version, None, false, &[ev])
    }

    pub(super) fn schedule_event(&self, ctx: &Ctx, f: &FollowUp) -> AuditDraft {
        self.ev(ctx, Action::FollowUpSchedule)
            .resource(f.id)
            .patient(f.patient_id)
            .detail(format!("referral={}; due_on={}", f.referral_id, f.due_on))
    }
}

/// `f` out of the queue as not recorded, from `today`.
fn not_recorded(f: &FollowUp, today: NaiveDate, now: DateTime<Utc>) -> FollowUp {
    FollowUp {
        not_recorded: true,
        cancelled_on: Some(today),
        updated_at: now,
        ..f.clone()
    }
}

/// Whether a follow-up due on `due_on` could be recorded as `input` says (an import's dry
/// run, before the follow-up exists): the same rules as recording one.
pub(crate) fn check_record(
    due_on: NaiveDate,
    input: &FollowUpUpdate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    // Only the due day matters to the rules; the rest is a follow-up not yet made.
    let nil = Uuid::nil();
    let f = open(nil, nil, nil, nil, due_on, nil, DateTime::<Utc>::UNIX_EPOCH);
    apply_update(&f, input, today).map(|_| ())
}

/// An open follow-up of `r`, due on `due_on`.
pub(super) fn schedule(
    r: &Referral,
    assignee: Uuid,
    due_on: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> FollowUp {
    open(r.center_id, r.id, r.patient_id, assignee, due_on, by, now)
}

/// A new open follow-up, due on `due_on`, nothing recorded.
fn open(
    center_id: Uuid,
    referral_id: Uuid,
    patient_id: Uuid,
    assignee_id: Uuid,
    due_on: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> FollowUp {
    FollowUp {
        id: Uuid::now_v7(),
        center_id,
        referral_id,
        patient_id,
        assignee_id,
        due_on,
        done_on: None,
        method: None,
        contacted: None,
        outcome: None,
        notes: None,
        next_due_on: None,
        cancelled_on: None,
        not_recorded: false,
        recorded_by: None,
        agency_link_id: None,
        agency_outcome: None,
        created_by: by,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// When the first follow-up a referral promises is due: the center's `follow_up_days` after
/// `from` (the referral's date, or the day the level was raised). A referral recorded late
/// keeps the date its promise fell due: if that has passed, it is overdue at once and the
/// queues say so, rather than hiding the lapse behind a fresh due date.
pub(super) fn first_due(from: NaiveDate, follow_up_days: i32) -> NaiveDate {
    from + Duration::days(i64::from(follow_up_days))
}

fn of_referral(referral_id: Uuid, state: FollowUpState, today: NaiveDate) -> FollowUpFilter {
    FollowUpFilter {
        state,
        assignee: None,
        referral_id: Some(referral_id),
        patient_id: None,
        today,
        due_before: None,
        due_within: None,
    }
}

/// The queue's filter. Without a state it shows the open ones, or, when syncing, every
/// follow-up (done and cancelled ones too), so a mirror misses nothing.
fn queue_filter(
    q: &FollowUpQuery,
    me: Uuid,
    syncing: bool,
    today: NaiveDate,
) -> Result<FollowUpFilter, DomainError> {
    let mut v = Validator::new();
    let state = match q.state.as_deref() {
        None | Some("") => None,
        Some("due") => Some(FollowUpState::Due),
        Some("overdue") => Some(FollowUpState::Overdue),
        Some("done") => Some(FollowUpState::Done),
        Some("all") => Some(FollowUpState::All),
        Some(_) => {
            v.push(FieldError::new(
                "state",
                "invalid_choice",
                "must be one of: due, overdue, done, all",
            ));
            None
        }
    };
    let assignee = match q.assignee.as_deref() {
        None | Some("") => None,
        Some("me") => Some(me),
        Some(s) => match Uuid::parse_str(s) {
            Ok(u) => Some(u),
            Err(_) => {
                v.push(FieldError::new(
                    "assignee",
                    "invalid_assignee",
                    "must be a user id or `me`",
                ));
                None
            }
        },
    };
    let due_within = due_window(q.due_from, q.due_to, &mut v);
    v.finish()?;
    let default = if syncing {
        FollowUpState::All
    } else {
        FollowUpState::Open
    };
    Ok(FollowUpFilter {
        state: state.unwrap_or(default),
        assignee,
        referral_id: None,
        patient_id: q.patient_id,
        today,
        due_before: None,
        due_within,
    })
}

/// A window of due dates from its two ends, either of which may be open; a closed window
/// is at most [`DUE_WINDOW_MAX_DAYS`] long and does not end before it starts.
fn due_window(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    v: &mut Validator,
) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    // Typed parameters: their bounds are those of every other date the API reads.
    let from = from.and_then(|d| v.check(crate::values::date_in_bounds("due_from", d)));
    let to = to.and_then(|d| v.check(crate::values::date_in_bounds("due_to", d)));
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            v.push(FieldError::new(
                "due_to",
                "invalid_range",
                "must not be before due_from",
            ));
        } else if (t - f).num_days() >= DUE_WINDOW_MAX_DAYS {
            v.push(FieldError::new(
                "due_to",
                "invalid_range",
                format!("at most {DUE_WINDOW_MAX_DAYS} days after due_from"),
            ));
        }
    }
    (from.is_some() || to.is_some()).then_some((from, to))
}

/// A follow-up is changed at the version the caller read, and not once cancelled.
fn editable(current: &FollowUp, if_match: IfMatch) -> Result<i32, DomainError> {
    let expected_version = if_match.against(current.version)?;
    if current.not_recorded {
        return Err(DomainError::rule(
            "follow_up_not_recorded",
            "this follow-up was imported as not recorded; schedule a new one",
        ));
    }
    if current.cancelled_on.is_some() {
        return Err(DomainError::rule(
            "follow_up_cancelled",
            "this follow-up was cancelled when its referral closed",
        ));
    }
    Ok(expected_version)
}

/// A follow-up after an update, and what the update does.
#[derive(Debug)]
struct Change {
    follow_up: FollowUp,
    /// It is recorded as done now.
    recording: bool,
    /// The next follow-up to schedule.
    next_due_on: Option<NaiveDate>,
}

/// Applies a reschedule or a recording. Done stays done: a done follow-up is neither
/// rescheduled nor undone. Recording it names the method, who was contacted and the outcome
/// (which are only recorded with it), on a day that has passed; `next_due_on`, after that
/// day, schedules the next one.
fn apply_update(
    current: &FollowUp,
    input: &FollowUpUpdate,
    today: NaiveDate,
) -> Result<Change, DomainError> {
    let mut f = current.clone();
    let mut v = Validator::new();
    let was_done = current.done_on.is_some();
    if let Some(raw) = input.due_on.as_deref() {
        if was_done {
            v.push(FieldError::new(
                "due_on",
                "already_done",
                "a done follow-up is not rescheduled",
            ));
        } else if let Some(d) = v.check(values::date("due_on", raw)) {
            f.due_on = d;
        }
    }
    match &input.done_on {
        Some(None) if was_done => v.push(FieldError::new(
            "done_on",
            "cannot_undo",
            "a follow-up recorded as done stays done",
        )),
        Some(Some(raw)) => {
            if let Some(d) = v.check(
                values::date("done_on", raw).and_then(|d| not_in_future("done_on", d, today)),
            ) {
                f.done_on = Some(d);
            }
        }
        None | Some(None) => {}
    }
    if let Some(x) = input.method.as_deref() {
        f.method = v.check(FollowUpMethod::parse("method", x)).or(f.method);
    }
    if let Some(x) = input.contacted.as_deref() {
        f.contacted = v.check(Contacted::parse("contacted", x)).or(f.contacted);
    }
    if let Some(x) = input.outcome.as_deref() {
        f.outcome = v.check(CaseOutcome::parse("outcome", x)).or(f.outcome);
    }
    if let Some(x) = &input.notes {
        f.notes = v
            .check(values::optional_prose("notes", x.as_deref(), NOTES_MAX))
            .flatten();
    }
    let recording = !was_done && f.done_on.is_some();
    // A done_on that did not parse is reported once; the fields that depend on it are not
    // reported again on its account.
    let bad_done_on = matches!(input.done_on, Some(Some(_))) && f.done_on.is_none();
    if f.done_on.is_some() {
        for (field, missing) in [
            ("method", f.method.is_none() && input.method.is_none()),
            (
                "contacted",
                f.contacted.is_none() && input.contacted.is_none(),
            ),
            ("outcome", f.outcome.is_none() && input.outcome.is_none()),
        ] {
            if missing && input.done_on.is_some() {
                v.push(FieldError::new(
                    field,
                    "required",
                    "is recorded with a done follow-up",
                ));
            }
        }
    } else if !bad_done_on {
        for (field, given) in [
            ("method", input.method.is_some()),
            ("contacted", input.contacted.is_some()),
            ("outcome", input.outcome.is_some()),
        ] {
            if given {
                v.push(FieldError::new(
                    field,
                    "only_when_done",
                    "is recorded together with done_on",
                ));
            }
        }
    }
    let mut next_due_on = None;
    if let Some(raw) = input.next_due_on.as_deref().filter(|_| !bad_done_on) {
        if !recording {
            v.push(FieldError::new(
                "next_due_on",
                "only_when_recording",
                "the next follow-up is scheduled when this one is recorded as done",
            ));
        } else if let Some(d) = v.check(values::date("next_due_on", raw)) {
            if f.done_on.is_some_and(|done| d <= done) {
                v.push(FieldError::new(
                    "next_due_on",
                    "not_after_done",
                    "must be after the date this follow-up was done",
                ));
            } else {
                next_due_on = Some(d);
            }
        }
    }
    v.finish()?;
    f.next_due_on = next_due_on.or(f.next_due_on);
    Ok(Change {
        follow_up: f,
        recording,
        next_due_on,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, day, field_codes, follow_up, referral};
    use super::*;
    use crate::values::Level;

    fn today() -> NaiveDate {
        day(2026, 5, 10)
    }

    fn record(done_on: &str) -> FollowUpUpdate {
        FollowUpUpdate {
            done_on: Some(Some(done_on.into())),
            method: Some("phone".into()),
            contacted: Some("patient".into()),
            outcome: Some("employed".into()),
            ..FollowUpUpdate::default()
        }
    }

    fn done(f: &FollowUp) -> FollowUp {
        let mut f = f.clone();
        f.done_on = Some(day(2026, 5, 8));
        f.method = Some(FollowUpMethod::Phone);
        f.contacted = Some(Contacted::Patient);
        f.outcome = Some(CaseOutcome::Employed);
        f
    }

    #[test]
    fn the_first_follow_up_is_due_the_centers_days_after_even_when_recorded_late() {
        assert_eq!(first_due(day(2026, 5, 1), 14), day(2026, 5, 15));
        assert_eq!(first_due(today(), 7), day(2026, 5, 17));
        // Recorded a month late: the promise fell due two weeks ago, and stays so.
        assert_eq!(first_due(day(2026, 4, 1), 14), day(2026, 4, 15));
        assert!(first_due(day(2026, 4, 1), 14) < today());
    }

    #[test]
    fn a_scheduled_follow_up_is_open_for_the_referrals_patient() {
        let r = referral(Level::AccompaniedWithFollowUp, day(2026, 5, 1));
        let by = uuid::Uuid::now_v7();
        let now = at("2026-05-01T09:00:00+09:00");
        let f = schedule(&r, r.consultant_id, day(2026, 5, 15), by, now);
        assert!(f.is_open());
        assert_eq!(
            (f.referral_id, f.patient_id, f.center_id),
            (r.id, r.patient_id, r.center_id)
        );
        assert_eq!(
            (f.assignee_id, f.created_by, f.version),
            (r.consultant_id, by, 1)
        );
    }

    #[test]
    fn recording_names_method_contact_and_outcome_and_may_schedule_the_next() {
        let open = follow_up(day(2026, 5, 9));
        let c = apply_update(&open, &record("2026-05-08"), today()).unwrap();
        assert!(c.recording);
        assert_eq!(c.follow_up.done_on, Some(day(2026, 5, 8)));
        assert_eq!(c.next_due_on, None);
        let bare = FollowUpUpdate {
            done_on: Some(Some("2026-05-08".into())),
            ..FollowUpUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&open, &bare, today())),
            ["method:required", "contacted:required", "outcome:required"]
        );
        let next = FollowUpUpdate {
            next_due_on: Some("2026-06-08".into()),
            ..record("2026-05-08")
        };
        let c = apply_update(&open, &next, today()).unwrap();
        assert_eq!(c.next_due_on, Some(day(2026, 6, 8)));
        assert_eq!(c.follow_up.next_due_on, Some(day(2026, 6, 8)));
        let same_day = FollowUpUpdate {
            next_due_on: Some("2026-05-08".into()),
            ..record("2026-05-08")
        };
        assert_eq!(
            field_codes(apply_update(&open, &same_day, today())),
            ["next_due_on:not_after_done"]
        );
        assert_eq!(
            field_codes(apply_update(&open, &record("2026-05-11"), today())),
            ["done_on:in_future"]
        );
    }

    #[test]
    fn what_is_recorded_with_done_on_is_refused_without_it() {
        let open = follow_up(day(2026, 5, 9));
        let early = FollowUpUpdate {
            outcome: Some("employed".into()),
            next_due_on: Some("2026-06-01".into()),
            ..FollowUpUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&open, &early, today())),
            ["outcome:only_when_done", "next_due_on:only_when_recording"]
        );
        // A bad done_on is reported once, not again through what depends on it.
        let bad = FollowUpUpdate {
            next_due_on: Some("2026-06-01".into()),
            ..record("yesterday")
        };
        assert_eq!(
            field_codes(apply_update(&open, &bad, today())),
            ["done_on:invalid_date"]
        );
    }

    #[test]
    fn done_stays_done() {
        let f = done(&follow_up(day(2026, 5, 9)));
        let undo = FollowUpUpdate {
            done_on: Some(None),
            ..FollowUpUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&f, &undo, today())),
            ["done_on:cannot_undo"]
        );
        let reschedule = FollowUpUpdate {
            due_on: Some("2026-06-01".into()),
            ..FollowUpUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&f, &reschedule, today())),
            ["due_on:already_done"]
        );
        // Correcting the notes of a done one is not recording it again.
        let notes = FollowUpUpdate {
            notes: Some(Some("本人と電話".into())),
            ..FollowUpUpdate::default()
        };
        let c = apply_update(&f, &notes, today()).unwrap();
        assert!(!c.recording);
        let next = FollowUpUpdate {
            next_due_on: Some("2026-06-01".into()),
            ..FollowUpUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&f, &next, today())),
            ["next_due_on:only_when_recording"]
        );
    }

    #[test]
    fn an_open_follow_up_is_rescheduled() {
        let open = follow_up(day(2026, 5, 9));
        let later = FollowUpUpdate {
            due_on: Some("2026-05-20".into()),
            ..FollowUpUpdate::default()
        };
        let c = apply_update(&open, &later, today()).unwrap();
        assert_eq!((c.follow_up.due_on, c.recording), (day(2026, 5, 20), false));
    }

    #[test]
    fn a_stale_or_cancelled_follow_up_is_not_changed() {
        let f = follow_up(day(2026, 5, 9));
        assert!(editable(&f, f.version.into()).is_ok());
        assert_eq!(
            editable(&f, (f.version - 1).into()),
            Err(DomainError::PreconditionFailed)
        );
        let cancelled = FollowUp {
            cancelled_on: Some(day(2026, 5, 9)),
            ..f
        };
        assert!(matches!(
            editable(&cancelled, cancelled.version.into()),
            Err(DomainError::Rule {
                code: "follow_up_cancelled",
                ..
            })
        ));
    }

    #[test]
    fn the_queue_shows_open_ones_unless_asked_or_syncing() {
        let me = uuid::Uuid::now_v7();
        let q = |state: Option<&str>, assignee: Option<&str>| FollowUpQuery {
            state: state.map(str::to_owned),
            assignee: assignee.map(str::to_owned),
            ..FollowUpQuery::default()
        };
        let f = queue_filter(&q(None, Some("me")), me, false, today()).unwrap();
        assert_eq!(
            (f.state, f.assignee, f.today),
            (FollowUpState::Open, Some(me), today())
        );
        let f = queue_filter(&q(Some(""), None), me, true, today()).unwrap();
        assert_eq!(f.state, FollowUpState::All);
        let f = queue_filter(&q(Some("overdue"), None), me, true, today()).unwrap();
        assert_eq!(f.state, FollowUpState::Overdue);
        assert_eq!(
            field_codes(queue_filter(
                &q(Some("late"), Some("bob")),
                me,
                false,
                today()
            )),
            ["state:invalid_choice", "assignee:invalid_assignee"]
        );
    }

    #[test]
    fn a_calendar_asks_for_a_window_of_due_dates_of_at_most_a_quarter() {
        let me = uuid::Uuid::now_v7();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let q = |from: Option<&str>, to: Option<&str>| FollowUpQuery {
            state: Some("all".into()),
            due_from: from.map(d),
            due_to: to.map(d),
            ..FollowUpQuery::default()
        };
        let f = queue_filter(
            &q(Some("2026-12-01"), Some("2026-12-31")),
            me,
            false,
            today(),
        )
        .unwrap();
        assert_eq!(f.state, FollowUpState::All);
        assert_eq!(
            f.due_within,
            Some((Some(d("2026-12-01")), Some(d("2026-12-31"))))
        );
        let f = queue_filter(&q(None, Some("2026-12-31")), me, false, today()).unwrap();
        assert_eq!(f.due_within, Some((None, Some(d("2026-12-31")))));
        assert_eq!(
            queue_filter(&q(None, None), me, false, today())
                .unwrap()
                .due_within,
            None
        );
        // The longest window is 92 days, both ends counted as in it.
        assert!(
            queue_filter(
                &q(Some("2026-01-01"), Some("2026-04-02")),
                me,
                false,
                today()
            )
            .is_ok()
        );
        for (from, to) in [("2026-01-01", "2026-04-03"), ("2026-12-31", "2026-12-01")] {
            assert_eq!(
                field_codes(queue_filter(&q(Some(from), Some(to)), me, false, today())),
                ["due_to:invalid_range"],
                "{from}..{to}"
            );
        }
    }
}
