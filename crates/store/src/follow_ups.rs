//! Follow-ups of referrals: the queues by due date, recording them, and what recording one
//! changes on its referral.

use crate::DieselStore;
use crate::audit::{append_event, append_events, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::{cursor_date, cursor_time, time_key};
use crate::referral_rows::referral;
use crate::rollup::{self, Deltas};
use crate::rows::{convert, naive, opt_choice, opt_uuid, utc, uuid};
use crate::schema::{agencies, follow_ups, patients, referrals};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{FollowUp, FollowUpView};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{FollowUpFilter, FollowUpState, FollowUpStore, StoreResult};
use tsunagu_domain::values::{
    AgencyOutcome, AgencyType, CaseOutcome, Contacted, FollowUpMethod, Level,
};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUpRow {
    pub id: String,
    pub center_id: String,
    pub referral_id: String,
    pub patient_id: String,
    pub assignee_id: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub method: Option<String>,
    pub contacted: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub next_due_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub recorded_by: Option<String>,
    pub agency_link_id: Option<String>,
    pub agency_outcome: Option<String>,
    pub not_recorded: bool,
}

impl FollowUpRow {
    pub fn from_entity(f: &FollowUp) -> Self {
        Self {
            id: f.id.to_string(),
            center_id: f.center_id.to_string(),
            referral_id: f.referral_id.to_string(),
            patient_id: f.patient_id.to_string(),
            assignee_id: f.assignee_id.to_string(),
            due_on: f.due_on,
            done_on: f.done_on,
            method: f.method.map(|x| x.as_str().to_owned()),
            contacted: f.contacted.map(|x| x.as_str().to_owned()),
            outcome: f.outcome.map(|x| x.as_str().to_owned()),
            notes: f.notes.clone(),
            next_due_on: f.next_due_on,
            cancelled_on: f.cancelled_on,
            recorded_by: f.recorded_by.map(|x| x.to_string()),
            agency_link_id: f.agency_link_id.map(|x| x.to_string()),
            agency_outcome: f.agency_outcome.map(|x| x.as_str().to_owned()),
            not_recorded: f.not_recorded,
            created_by: f.created_by.to_string(),
            version: f.version,
            created_at: naive(f.created_at),
            updated_at: naive(f.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<FollowUp, DomainError> {
        Ok(FollowUp {
            id: uuid("follow_ups.id", &self.id)?,
            center_id: uuid("follow_ups.center_id", &self.center_id)?,
            referral_id: uuid("follow_ups.referral_id", &self.referral_id)?,
            patient_id: uuid("follow_ups.patient_id", &self.patient_id)?,
            assignee_id: uuid("follow_ups.assignee_id", &self.assignee_id)?,
            due_on: self.due_on,
            done_on: self.done_on,
            method: opt_choice(
                "follow_ups.method",
                self.method.as_deref(),
                FollowUpMethod::from_db,
            )?,
            contacted: opt_choice(
                "follow_ups.contacted",
                self.contacted.as_deref(),
                Contacted::from_db,
            )?,
            outcome: opt_choice(
                "follow_ups.outcome",
                self.outcome.as_deref(),
                CaseOutcome::from_db,
            )?,
            notes: self.notes,
            next_due_on: self.next_due_on,
            cancelled_on: self.cancelled_on,
            not_recorded: self.not_recorded,
            recorded_by: opt_uuid("follow_ups.recorded_by", self.recorded_by.as_deref())?,
            agency_link_id: opt_uuid("follow_ups.agency_link_id", self.agency_link_id.as_deref())?,
            agency_outcome: opt_choice(
                "follow_ups.agency_outcome",
                self.agency_outcome.as_deref(),
                AgencyOutcome::from_db,
            )?,
            created_by: uuid("follow_ups.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

pub(crate) type ViewRow = (
    FollowUpRow,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub(crate) fn view(row: ViewRow) -> Result<FollowUpView, DomainError> {
    let (f, case_number, family, given, agency_id, agency_name, agency_type, level) = row;
    Ok(FollowUpView {
        follow_up: f.into_entity()?,
        case_number,
        patient_name: format!("{family} {given}"),
        agency_id: uuid("referrals.agency_id", &agency_id)?,
        agency_name,
        agency_type: AgencyType::from_db(&agency_type).ok_or_else(|| {
            DomainError::Internal("stored agencies.agency_type is not a known value".into())
        })?,
        level: Level::from_db(&level).ok_or_else(|| {
            DomainError::Internal("stored referrals.level is not a known value".into())
        })?,
    })
}

/// Follow-ups with their patient, agency and level, read in one query.
macro_rules! follow_up_views {
    () => {
        follow_ups::table
            .inner_join(patients::table)
            .inner_join(referrals::table.inner_join(agencies::table))
            .select((
                FollowUpRow::as_select(),
                patients::case_number,
                patients::family_name,
                patients::given_name,
                referrals::agency_id,
                agencies::name,
                agencies::agency_type,
                referrals::level,
            ))
    };
}
pub(crate) use follow_up_views;

fn follow_up(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<FollowUpView>> {
    let row: Option<ViewRow> = follow_up_views!()
        .filter(follow_ups::id.eq(id.to_string()))
        .filter(follow_ups::center_id.eq(center.to_string()))
        .first(conn)
        .optional()?;
    Ok(row.map(view).transpose()?)
}

/// What a follow-up written as done (or edited) changes on its referral, in the same
/// transaction: review `pending` when work was recorded, and the outcome counts.
pub(crate) fn after_recording(
    conn: &mut DbConn,
    f: &FollowUp,
    review_pending: bool,
    stamp: NaiveDateTime,
) -> R<()> {
    let referral_id = f.referral_id.to_string();
    if review_pending {
        // Supervision metadata, not the consultant's content: the referral's version
        // (its ETag for edits) stays, so recording a follow-up does not invalidate an
        // open form.
        diesel::update(
            referrals::table
                .filter(referrals::id.eq(&referral_id))
                .filter(referrals::review_state.ne("pending")),
        )
        .set((
            referrals::review_state.eq("pending"),
            referrals::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    }
    // A recorded or edited outcome can bring the referral into the outcome counts or
    // take it out again.
    if let Some(r) = referral(conn, f.center_id, f.referral_id)? {
        let was = rollup::is_achieved(conn, &referral_id)?;
        let now = rollup::settle_achieved(conn, &r)?;
        if was != now {
            let mut d = Deltas::default();
            d.achieved(&r, if now { 1 } else { -1 });
            d.apply(conn)?;
        }
    }
    Ok(())
}

impl FollowUpStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %f.center_id, id = %f.id))]
    fn insert_follow_up(&self, f: &FollowUp, audit: &AuditDraft) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, f.center_id, f.updated_at)?;
            let mut row = FollowUpRow::from_entity(f);
            row.updated_at = stamp;
            diesel::insert_into(follow_ups::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn follow_up(&self, center: Uuid, id: Uuid) -> StoreResult<Option<FollowUpView>> {
        self.read(|conn| follow_up(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, state = ?f.state))]
    fn follow_ups(
        &self,
        center: Uuid,
        f: &FollowUpFilter,
        req: PageRequest,
    ) -> StoreResult<Page<FollowUpView>> {
        self.read(|conn| {
            use follow_ups::dsl as fu;
            let mut q = follow_up_views!()
                .filter(fu::center_id.eq(center.to_string()))
                .limit(req.limit + 1)
                .into_boxed();
            let open = fu::done_on.is_null().and(fu::cancelled_on.is_null());
            let sync = req.updated_since.is_some();
            let cursor = if sync { None } else { cursor_date(&req)? };
            match f.state {
                FollowUpState::Done => {
                    q = q
                        .filter(fu::done_on.is_not_null())
                        .order((fu::done_on.desc(), fu::id.desc()));
                    if let Some((d, id)) = cursor {
                        q = q.filter(fu::done_on.lt(d).or(fu::done_on.eq(d).and(fu::id.lt(id))));
                    }
                }
                state => {
                    q = match state {
                        FollowUpState::Open => q.filter(open),
                        FollowUpState::Due => q.filter(open).filter(fu::due_on.ge(f.today)),
                        FollowUpState::Overdue => q.filter(open).filter(fu::due_on.lt(f.today)),
                        FollowUpState::All | FollowUpState::Done => q,
                    };
                    q = q.order((fu::due_on.asc(), fu::id.asc()));
                    if let Some((d, id)) = cursor {
                        q = q.filter(fu::due_on.gt(d).or(fu::due_on.eq(d).and(fu::id.gt(id))));
                    }
                }
            }
            if let Some(a) = f.assignee {
                q = q.filter(fu::assignee_id.eq(a.to_string()));
            }
            if let Some(r) = f.referral_id {
                q = q.filter(fu::referral_id.eq(r.to_string()));
            }
            if let Some(p) = f.patient_id {
                q = q.filter(fu::patient_id.eq(p.to_string()));
            }
            if let Some(d) = f.due_before {
                q = q.filter(fu::due_on.lt(d));
            }
            if let Some((from, to)) = f.due_within {
                if let Some(d) = from {
                    q = q.filter(fu::due_on.ge(d));
                }
                if let Some(d) = to {
                    q = q.filter(fu::due_on.le(d));
                }
            }
            if let Some(since) = req.updated_since {
                q = q
                    .filter(fu::updated_at.gt(naive(since)))
                    .order((fu::updated_at.asc(), fu::id.asc()));
                if let Some((t, id)) = cursor_time(&req)? {
                    q = q.filter(
                        fu::updated_at
                            .gt(t)
                            .or(fu::updated_at.eq(t).and(fu::id.gt(id))),
                    );
                }
            }
            let rows: Vec<ViewRow> = q.load(conn)?;
            let items = convert(rows, view)?;
            let done = f.state == FollowUpState::Done;
            Ok(Page::from_rows_keyed(items, &req, |x| {
                if sync {
                    return (time_key(x.follow_up.updated_at), x.follow_up.id);
                }
                let d = if done {
                    x.follow_up.done_on.unwrap_or(x.follow_up.due_on)
                } else {
                    x.follow_up.due_on
                };
                (d.to_string(), x.follow_up.id)
            }))
        })
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(center = %f.center_id, id = %f.id, review_pending = review_pending, events = audit.len())
    )]
    fn save_follow_up(
        &self,
        f: &FollowUp,
        expected_version: i32,
        next: Option<&FollowUp>,
        review_pending: bool,
        audit: &[AuditDraft],
    ) -> StoreResult<FollowUp> {
        self.write(|conn| {
            let stamp = change_stamp(conn, f.center_id, f.updated_at)?;
            let mut row = FollowUpRow::from_entity(f);
            row.updated_at = stamp;
            let n = diesel::update(
                follow_ups::table
                    .filter(follow_ups::id.eq(&row.id))
                    .filter(follow_ups::center_id.eq(&row.center_id))
                    .filter(follow_ups::version.eq(expected_version)),
            )
            .set((
                follow_ups::assignee_id.eq(&row.assignee_id),
                follow_ups::due_on.eq(row.due_on),
                follow_ups::done_on.eq(row.done_on),
                follow_ups::method.eq(&row.method),
                follow_ups::contacted.eq(&row.contacted),
                follow_ups::outcome.eq(&row.outcome),
                follow_ups::notes.eq(&row.notes),
                follow_ups::next_due_on.eq(row.next_due_on),
                follow_ups::recorded_by.eq(&row.recorded_by),
                follow_ups::cancelled_on.eq(row.cancelled_on),
                follow_ups::not_recorded.eq(row.not_recorded),
                follow_ups::version.eq(expected_version + 1),
                follow_ups::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    follow_up(conn, f.center_id, f.id)?.is_some(),
                ));
            }
            if let Some(next) = next {
                let mut next = FollowUpRow::from_entity(next);
                next.updated_at = stamp;
                diesel::insert_into(follow_ups::table)
                    .values(next)
                    .execute(conn)?;
            }
            after_recording(conn, f, review_pending, stamp)?;
            append_events(conn, &self.keys, audit)?;
            follow_up(conn, f.center_id, f.id)?
                .map(|v| v.follow_up)
                .ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, n = follow_ups.len()))]
    fn reassign_follow_ups(
        &self,
        center: Uuid,
        follow_ups: &[(Uuid, i32)],
        to: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditDraft],
    ) -> StoreResult<()> {
        self.write(|conn| {
            let stamp = change_stamp(conn, center, at)?;
            for (id, version) in follow_ups {
                let n = diesel::update(
                    follow_ups::table
                        .filter(follow_ups::id.eq(id.to_string()))
                        .filter(follow_ups::center_id.eq(center.to_string()))
                        .filter(follow_ups::version.eq(*version))
                        .filter(follow_ups::done_on.is_null())
                        .filter(follow_ups::cancelled_on.is_null()),
                )
                .set((
                    follow_ups::assignee_id.eq(to.to_string()),
                    follow_ups::version.eq(version + 1),
                    follow_ups::updated_at.eq(stamp),
                ))
                .execute(conn)?;
                if n == 0 {
                    return Err(StoreError::Domain(DomainError::conflict(
                        "follow_ups_changed",
                        "a follow-up was done, cancelled or changed meanwhile: read the list again",
                    )));
                }
            }
            append_events(conn, &self.keys, audit)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn count_done_follow_ups(&self, center: Uuid, referral_id: Uuid) -> StoreResult<i64> {
        self.read(|conn| {
            Ok(follow_ups::table
                .filter(follow_ups::referral_id.eq(referral_id.to_string()))
                .filter(follow_ups::center_id.eq(center.to_string()))
                .filter(follow_ups::done_on.is_not_null())
                .count()
                .get_result(conn)?)
        })
    }
}
