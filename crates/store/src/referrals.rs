//! Referrals to agencies, with their level history and the record of data provided
//! (第三者提供の記録), counted in the reports' rollups as they are written.

use crate::DieselStore;
use crate::audit::{append_events, change_stamp};
use crate::consents::consent;
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::follow_ups::FollowUpRow;
use crate::paging::{cursor_date, cursor_time, time_key};
use crate::rollup::{self, Deltas};
use crate::rows::{choice, convert, naive, opt_choice, opt_uuid, utc, uuid};
use crate::schema::{data_provisions, follow_ups, referral_level_changes, referrals};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{LevelChange, Provision, Referral};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{ReferralEffects, ReferralFilter, ReferralStore, StoreResult};
use tsunagu_domain::values::{
    self, AgencyType, CaseOutcome, Level, Purpose, ReferralStatus, ReviewState, SharedItem,
};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = referrals)]
pub struct ReferralRow {
    pub id: String,
    pub center_id: String,
    pub patient_id: String,
    pub consultation_id: Option<String>,
    pub agency_id: String,
    pub purpose: String,
    pub level: String,
    pub referred_on: NaiveDate,
    pub handed_over: Option<String>,
    pub notes: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub consultant_id: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub agency_type: String,
    pub review_state: String,
}

impl ReferralRow {
    pub fn from_entity(r: &Referral) -> Self {
        Self {
            id: r.id.to_string(),
            center_id: r.center_id.to_string(),
            patient_id: r.patient_id.to_string(),
            consultation_id: r.consultation_id.map(|x| x.to_string()),
            agency_id: r.agency_id.to_string(),
            agency_type: r.agency_type.as_str().to_owned(),
            review_state: r.review_state.as_str().to_owned(),
            purpose: r.purpose.as_str().to_owned(),
            level: r.level.as_str().to_owned(),
            referred_on: r.referred_on,
            handed_over: r.handed_over.clone(),
            notes: r.notes.clone(),
            status: r.status.as_str().to_owned(),
            outcome: r.outcome.map(|x| x.as_str().to_owned()),
            closed_on: r.closed_on,
            consultant_id: r.consultant_id.to_string(),
            created_by: r.created_by.to_string(),
            version: r.version,
            created_at: naive(r.created_at),
            updated_at: naive(r.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Referral, DomainError> {
        Ok(Referral {
            id: uuid("referrals.id", &self.id)?,
            center_id: uuid("referrals.center_id", &self.center_id)?,
            patient_id: uuid("referrals.patient_id", &self.patient_id)?,
            consultation_id: opt_uuid(
                "referrals.consultation_id",
                self.consultation_id.as_deref(),
            )?,
            agency_id: uuid("referrals.agency_id", &self.agency_id)?,
            agency_type: choice(
                "referrals.agency_type",
                AgencyType::from_db(&self.agency_type),
            )?,
            purpose: choice("referrals.purpose", Purpose::from_db(&self.purpose))?,
            level: choice("referrals.level", Level::from_db(&self.level))?,
            referred_on: self.referred_on,
            handed_over: self.handed_over,
            notes: self.notes,
            status: choice("referrals.status", ReferralStatus::from_db(&self.status))?,
            outcome: opt_choice(
                "referrals.outcome",
                self.outcome.as_deref(),
                CaseOutcome::from_db,
            )?,
            closed_on: self.closed_on,
            review_state: choice(
                "referrals.review_state",
                ReviewState::from_db(&self.review_state),
            )?,
            consultant_id: uuid("referrals.consultant_id", &self.consultant_id)?,
            created_by: uuid("referrals.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_level_changes)]
pub struct LevelChangeRow {
    pub id: String,
    pub center_id: String,
    pub referral_id: String,
    pub from_level: Option<String>,
    pub to_level: String,
    pub reason: Option<String>,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

impl LevelChangeRow {
    pub fn from_entity(l: &LevelChange) -> Self {
        Self {
            id: l.id.to_string(),
            center_id: l.center_id.to_string(),
            referral_id: l.referral_id.to_string(),
            from_level: l.from_level.map(|x| x.as_str().to_owned()),
            to_level: l.to_level.as_str().to_owned(),
            reason: l.reason.clone(),
            changed_by: l.changed_by.to_string(),
            changed_at: naive(l.changed_at),
        }
    }

    pub fn into_entity(self) -> Result<LevelChange, DomainError> {
        Ok(LevelChange {
            id: uuid("referral_level_changes.id", &self.id)?,
            center_id: uuid("referral_level_changes.center_id", &self.center_id)?,
            referral_id: uuid("referral_level_changes.referral_id", &self.referral_id)?,
            from_level: opt_choice(
                "referral_level_changes.from_level",
                self.from_level.as_deref(),
                Level::from_db,
            )?,
            to_level: choice(
                "referral_level_changes.to_level",
                Level::from_db(&self.to_level),
            )?,
            reason: self.reason,
            changed_by: uuid("referral_level_changes.changed_by", &self.changed_by)?,
            changed_at: utc(self.changed_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = data_provisions)]
pub struct ProvisionRow {
    pub id: String,
    pub center_id: String,
    pub patient_id: String,
    pub referral_id: String,
    pub agency_id: String,
    pub consent_id: String,
    pub items: String,
    pub provided_on: NaiveDate,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

impl ProvisionRow {
    pub fn from_entity(p: &Provision) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            patient_id: p.patient_id.to_string(),
            referral_id: p.referral_id.to_string(),
            agency_id: p.agency_id.to_string(),
            consent_id: p.consent_id.to_string(),
            items: values::join_list(&p.items, SharedItem::as_str),
            provided_on: p.provided_on,
            recorded_by: p.recorded_by.to_string(),
            created_at: naive(p.created_at),
        }
    }

    pub fn into_entity(self) -> Result<Provision, DomainError> {
        Ok(Provision {
            id: uuid("data_provisions.id", &self.id)?,
            center_id: uuid("data_provisions.center_id", &self.center_id)?,
            patient_id: uuid("data_provisions.patient_id", &self.patient_id)?,
            referral_id: uuid("data_provisions.referral_id", &self.referral_id)?,
            agency_id: uuid("data_provisions.agency_id", &self.agency_id)?,
            consent_id: uuid("data_provisions.consent_id", &self.consent_id)?,
            items: choice(
                "data_provisions.items",
                values::split_list(&self.items, SharedItem::from_db),
            )?,
            provided_on: self.provided_on,
            recorded_by: uuid("data_provisions.recorded_by", &self.recorded_by)?,
            created_at: utc(self.created_at),
        })
    }
}

pub(crate) fn referral(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Referral>> {
    let row: Option<ReferralRow> = referrals::table
        .filter(referrals::id.eq(id.to_string()))
        .filter(referrals::center_id.eq(center.to_string()))
        .select(ReferralRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ReferralRow::into_entity).transpose()?)
}

pub(crate) fn provisions_of(
    conn: &mut DbConn,
    center: Uuid,
    patient_id: Uuid,
) -> R<Vec<Provision>> {
    let rows: Vec<ProvisionRow> = data_provisions::table
        .filter(data_provisions::patient_id.eq(patient_id.to_string()))
        .filter(data_provisions::center_id.eq(center.to_string()))
        .order((
            data_provisions::provided_on.asc(),
            data_provisions::id.asc(),
        ))
        .select(ProvisionRow::as_select())
        .load(conn)?;
    convert(rows, ProvisionRow::into_entity)
}

/// Writes what goes with a referral's creation or change, in the caller's transaction.
fn apply_effects(
    conn: &mut DbConn,
    r: &Referral,
    e: &ReferralEffects,
    stamp: NaiveDateTime,
) -> R<()> {
    let center = r.center_id.to_string();
    if let Some(l) = &e.level_change {
        diesel::insert_into(referral_level_changes::table)
            .values(LevelChangeRow::from_entity(l))
            .execute(conn)?;
    }
    if let Some(p) = &e.provision {
        // The consent was checked before the transaction; a withdrawal committed since then
        // must still stop the provision. The domain's rule decides, on the consent as it is
        // now, for the agency type the referral counts under.
        let allowed = consent(conn, r.center_id, p.consent_id)?
            .is_some_and(|c| c.allows_provision(r.agency_type, p.provided_on));
        if !allowed {
            return Err(StoreError::Domain(DomainError::rule(
                "consent_required",
                "the patient's consent was withdrawn; the data cannot be passed to the agency",
            )));
        }
        diesel::insert_into(data_provisions::table)
            .values(ProvisionRow::from_entity(p))
            .execute(conn)?;
    }
    if let Some(f) = &e.follow_up {
        let mut row = FollowUpRow::from_entity(f);
        row.updated_at = stamp;
        diesel::insert_into(follow_ups::table)
            .values(row)
            .execute(conn)?;
    }
    if let Some(day) = e.cancel_open_follow_ups_on {
        diesel::update(
            follow_ups::table
                .filter(follow_ups::referral_id.eq(r.id.to_string()))
                .filter(follow_ups::center_id.eq(&center))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null()),
        )
        .set((
            follow_ups::cancelled_on.eq(Some(day)),
            follow_ups::version.eq(follow_ups::version + 1),
            follow_ups::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    }
    Ok(())
}

impl ReferralStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %r.center_id, id = %r.id, events = audit.len()))]
    fn insert_referral(
        &self,
        r: &Referral,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, r.updated_at)?;
            let mut row = ReferralRow::from_entity(r);
            row.updated_at = stamp;
            diesel::insert_into(referrals::table)
                .values(&row)
                .execute(conn)?;
            apply_effects(conn, r, effects, stamp)?;
            let mut d = Deltas::default();
            d.referral(r, false, 1);
            d.apply(conn)?;
            append_events(conn, audit)?;
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn referral(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Referral>> {
        self.read(|conn| referral(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn referrals(
        &self,
        center: Uuid,
        f: &ReferralFilter,
        req: PageRequest,
    ) -> StoreResult<Page<Referral>> {
        self.read(|conn| {
            use referrals::dsl as r;
            let mut q = r::referrals
                .filter(r::center_id.eq(center.to_string()))
                .order((r::referred_on.desc(), r::id.desc()))
                .limit(req.limit + 1)
                .select(ReferralRow::as_select())
                .into_boxed();
            if let Some(since) = req.updated_since {
                q = q
                    .filter(r::updated_at.gt(naive(since)))
                    .order((r::updated_at.asc(), r::id.asc()));
                if let Some((t, id)) = cursor_time(&req)? {
                    q = q.filter(
                        r::updated_at
                            .gt(t)
                            .or(r::updated_at.eq(t).and(r::id.gt(id))),
                    );
                }
            } else if let Some((d, id)) = cursor_date(&req)? {
                q = q.filter(
                    r::referred_on
                        .lt(d)
                        .or(r::referred_on.eq(d).and(r::id.lt(id))),
                );
            }
            if let Some(p) = f.patient_id {
                q = q.filter(r::patient_id.eq(p.to_string()));
            }
            if let Some(a) = f.agency_id {
                q = q.filter(r::agency_id.eq(a.to_string()));
            }
            if let Some(u) = f.consultant_id {
                q = q.filter(r::consultant_id.eq(u.to_string()));
            }
            if let Some(s) = f.status {
                q = q.filter(r::status.eq(s.as_str()));
            }
            if let Some(s) = f.review_state {
                q = q.filter(r::review_state.eq(s.as_str()));
            }
            let rows: Vec<ReferralRow> = q.load(conn)?;
            let items = convert(rows, ReferralRow::into_entity)?;
            let sync = req.updated_since.is_some();
            Ok(Page::from_rows_keyed(items, &req, |x| {
                if sync {
                    (time_key(x.updated_at), x.id)
                } else {
                    (x.referred_on.to_string(), x.id)
                }
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %r.center_id, id = %r.id, events = audit.len()))]
    fn save_referral(
        &self,
        r: &Referral,
        expected_version: i32,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<Referral> {
        self.write(|conn| {
            let stamp = change_stamp(conn, r.updated_at)?;
            let old = referral(conn, r.center_id, r.id)?;
            let mut row = ReferralRow::from_entity(r);
            row.updated_at = stamp;
            let n = diesel::update(
                referrals::table
                    .filter(referrals::id.eq(&row.id))
                    .filter(referrals::center_id.eq(&row.center_id))
                    .filter(referrals::version.eq(expected_version)),
            )
            .set((
                referrals::purpose.eq(&row.purpose),
                referrals::level.eq(&row.level),
                referrals::handed_over.eq(&row.handed_over),
                referrals::notes.eq(&row.notes),
                referrals::status.eq(&row.status),
                referrals::outcome.eq(&row.outcome),
                referrals::closed_on.eq(row.closed_on),
                referrals::review_state.eq(&row.review_state),
                referrals::consultant_id.eq(&row.consultant_id),
                referrals::version.eq(expected_version + 1),
                referrals::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    referral(conn, r.center_id, r.id)?.is_some(),
                ));
            }
            apply_effects(conn, r, effects, stamp)?;
            let mut d = Deltas::default();
            if let Some(old) = old
                && (old.level != r.level || old.purpose != r.purpose)
            {
                let achieved = rollup::is_achieved(conn, &row.id)?;
                d.referral(&old, achieved, -1);
                d.referral(r, achieved, 1);
            }
            if r.outcome.is_some_and(|o| o.achieves(r.purpose))
                && rollup::mark_achieved(conn, &row.id)?
            {
                d.achieved(r);
            }
            d.apply(conn)?;
            append_events(conn, audit)?;
            referral(conn, r.center_id, r.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn level_changes(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<LevelChange>> {
        self.read(|conn| {
            let rows: Vec<LevelChangeRow> = referral_level_changes::table
                .filter(referral_level_changes::referral_id.eq(referral_id.to_string()))
                .filter(referral_level_changes::center_id.eq(center.to_string()))
                .order((
                    referral_level_changes::changed_at.asc(),
                    referral_level_changes::id.asc(),
                ))
                .select(LevelChangeRow::as_select())
                .load(conn)?;
            convert(rows, LevelChangeRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, patient = %patient_id))]
    fn provisions(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Provision>> {
        self.read(|conn| provisions_of(conn, center, patient_id))
    }
}
