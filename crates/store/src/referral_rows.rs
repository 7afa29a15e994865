//! Referrals, their level changes and records of provision as rows, and the loaders the
//! referral and follow-up stores share.

use crate::db::DbConn;
use crate::error::R;
use crate::rows::{choice, convert, naive, opt_choice, opt_uuid, utc, uuid};
use crate::schema::{data_provisions, referral_level_changes, referrals};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::entities::{LevelChange, Provision, Referral};
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
    // On the backend's own connection: one of the timeline's reads (see `per_backend!`).
    let rows: Vec<ProvisionRow> = per_backend!(conn, c => data_provisions::table
        .filter(data_provisions::patient_id.eq(patient_id.to_string()))
        .filter(data_provisions::center_id.eq(center.to_string()))
        .order((
            data_provisions::provided_on.asc(),
            data_provisions::id.asc(),
        ))
        .select(ProvisionRow::as_select())
        .load(c))?;
    convert(rows, ProvisionRow::into_entity)
}
