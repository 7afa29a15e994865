//! Rows as diesel reads and writes them, and their conversion to domain entities. Text ids,
//! text enums and naive UTC timestamps are the portable forms both backends share.

use crate::schema::{
    agencies, audit_events, centers, consents, consultations, data_provisions, follow_ups,
    patients, referral_level_changes, referrals, users,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::{AuditDraft, AuditEvent, AuditRecord};
use tsunagu_domain::entities::{
    Agency, Center, Consent, Consultation, FollowUp, LevelChange, Patient, Provision, Referral,
    User,
};
use tsunagu_domain::values::{
    self, AgencyType, CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus,
    FollowUpMethod, Level, OperatingType, Program, Purpose, ReferralStatus, Requester, ReviewState,
    Role, Sex, SharedItem, SupportAwareness, Topic,
};
use uuid::Uuid;

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn uuid(field: &str, s: &str) -> Result<Uuid, DomainError> {
    Uuid::parse_str(s).map_err(|_| DomainError::Internal(format!("stored {field} is not a uuid")))
}

fn opt_uuid(field: &str, s: Option<&str>) -> Result<Option<Uuid>, DomainError> {
    s.map(|s| uuid(field, s)).transpose()
}

/// An optional text enum read back: absent stays absent, an unknown value is a defect.
fn opt_choice<T>(
    field: &str,
    s: Option<&str>,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, DomainError> {
    s.map(|s| choice(field, f(s))).transpose()
}

fn choice<T>(field: &str, v: Option<T>) -> Result<T, DomainError> {
    v.ok_or_else(|| DomainError::Internal(format!("stored {field} is not a known value")))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = centers)]
pub struct CenterRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub operating_type: String,
    pub active: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub follow_up_days: i32,
    pub escalation_days: i32,
    pub sample_percent: i32,
    pub totp_roles: String,
}

impl CenterRow {
    pub fn from_entity(c: &Center) -> Self {
        Self {
            id: c.id.to_string(),
            code: c.code.clone(),
            name: c.name.clone(),
            prefecture_code: c.prefecture_code.clone(),
            operating_type: c.operating_type.as_str().to_owned(),
            follow_up_days: c.follow_up_days,
            escalation_days: c.escalation_days,
            sample_percent: c.sample_percent,
            totp_roles: values::join_list(&c.totp_roles, Role::as_str),
            active: c.active,
            version: c.version,
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Center, DomainError> {
        Ok(Center {
            id: uuid("centers.id", &self.id)?,
            code: self.code,
            name: self.name,
            prefecture_code: self.prefecture_code,
            operating_type: choice(
                "centers.operating_type",
                OperatingType::from_db(&self.operating_type),
            )?,
            follow_up_days: self.follow_up_days,
            escalation_days: self.escalation_days,
            sample_percent: self.sample_percent,
            totp_roles: choice(
                "centers.totp_roles",
                values::split_list(&self.totp_roles, Role::from_db),
            )?,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub center_id: Option<String>,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    pub fn from_entity(u: &User, password_hash: &str) -> Self {
        Self {
            id: u.id.to_string(),
            center_id: u.center_id.map(|c| c.to_string()),
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            password_hash: password_hash.to_owned(),
            active: u.active,
            version: u.version,
            created_at: naive(u.created_at),
            updated_at: naive(u.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<User, DomainError> {
        Ok(User {
            id: uuid("users.id", &self.id)?,
            center_id: self
                .center_id
                .as_deref()
                .map(|c| uuid("users.center_id", c))
                .transpose()?,
            login: self.login,
            display_name: self.display_name,
            role: choice("users.role", Role::from_db(&self.role))?,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: String,
    pub center_id: String,
    pub agency_type: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AgencyRow {
    pub fn from_entity(a: &Agency) -> Self {
        Self {
            id: a.id.to_string(),
            center_id: a.center_id.to_string(),
            agency_type: a.agency_type.as_str().to_owned(),
            name: a.name.clone(),
            phone: a.phone.clone(),
            address: a.address.clone(),
            notes: a.notes.clone(),
            active: a.active,
            version: a.version,
            created_at: naive(a.created_at),
            updated_at: naive(a.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Agency, DomainError> {
        Ok(Agency {
            id: uuid("agencies.id", &self.id)?,
            center_id: uuid("agencies.center_id", &self.center_id)?,
            agency_type: choice(
                "agencies.agency_type",
                AgencyType::from_db(&self.agency_type),
            )?,
            name: self.name,
            phone: self.phone,
            address: self.address,
            notes: self.notes,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub center_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    pub outcome: String,
    pub request_id: String,
    pub source: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn new(seq: i64, d: &AuditDraft, prev_hash: String, hash: String) -> Self {
        Self {
            seq,
            id: d.id.to_string(),
            occurred_at: naive(d.occurred_at),
            actor_kind: d.actor_kind.to_owned(),
            actor_id: d.actor_id.map(|u| u.to_string()),
            actor_role: d.actor_role.clone(),
            center_id: d.center_id.map(|u| u.to_string()),
            action: d.action.as_str().to_owned(),
            resource_type: d.action.resource_type().to_owned(),
            resource_id: d.resource_id.clone(),
            patient_id: d.patient_id.map(|u| u.to_string()),
            outcome: d.outcome.as_str().to_owned(),
            request_id: d.request_id.clone(),
            source: d.source.clone(),
            detail: d.detail.clone(),
            prev_hash,
            hash,
        }
    }

    /// Reads a stored event back as raw strings, so verification hashes exactly what is stored.
    pub fn into_event(self) -> AuditEvent {
        AuditEvent {
            seq: self.seq,
            record: AuditRecord {
                id: self.id,
                occurred_at: utc(self.occurred_at).to_rfc3339_opts(SecondsFormat::Micros, true),
                actor_kind: self.actor_kind,
                actor_id: self.actor_id,
                actor_role: self.actor_role,
                center_id: self.center_id,
                action: self.action,
                resource_type: self.resource_type,
                resource_id: self.resource_id,
                patient_id: self.patient_id,
                outcome: self.outcome,
                request_id: self.request_id,
                source: self.source,
                detail: self.detail,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = patients)]
pub struct PatientRow {
    pub id: String,
    pub center_id: String,
    pub case_number: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub prefecture_code: Option<String>,
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub program: String,
    pub disease_number: Option<i32>,
    pub diagnosis: Option<String>,
    pub employment_status: String,
    pub support_awareness: String,
    pub disability_certificate: bool,
    pub notes: Option<String>,
    pub search_key: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PatientRow {
    pub fn from_entity(p: &Patient) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            case_number: p.case_number.clone(),
            family_name: p.family_name.clone(),
            given_name: p.given_name.clone(),
            family_name_kana: p.family_name_kana.clone(),
            given_name_kana: p.given_name_kana.clone(),
            birth_date: p.birth_date,
            sex: p.sex.map(|x| x.as_str().to_owned()),
            prefecture_code: p.prefecture_code.clone(),
            municipality_code: p.municipality_code.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            program: p.program.as_str().to_owned(),
            disease_number: p.disease_number,
            diagnosis: p.diagnosis.clone(),
            employment_status: p.employment_status.as_str().to_owned(),
            support_awareness: p.support_awareness.as_str().to_owned(),
            disability_certificate: p.disability_certificate,
            notes: p.notes.clone(),
            search_key: p.search_key(),
            created_by: p.created_by.to_string(),
            version: p.version,
            created_at: naive(p.created_at),
            updated_at: naive(p.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Patient, DomainError> {
        Ok(Patient {
            id: uuid("patients.id", &self.id)?,
            center_id: uuid("patients.center_id", &self.center_id)?,
            case_number: self.case_number,
            family_name: self.family_name,
            given_name: self.given_name,
            family_name_kana: self.family_name_kana,
            given_name_kana: self.given_name_kana,
            birth_date: self.birth_date,
            sex: opt_choice("patients.sex", self.sex.as_deref(), Sex::from_db)?,
            prefecture_code: self.prefecture_code,
            municipality_code: self.municipality_code,
            phone: self.phone,
            email: self.email,
            program: choice("patients.program", Program::from_db(&self.program))?,
            disease_number: self.disease_number,
            diagnosis: self.diagnosis,
            employment_status: choice(
                "patients.employment_status",
                EmploymentStatus::from_db(&self.employment_status),
            )?,
            support_awareness: choice(
                "patients.support_awareness",
                SupportAwareness::from_db(&self.support_awareness),
            )?,
            disability_certificate: self.disability_certificate,
            notes: self.notes,
            created_by: uuid("patients.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    pub id: String,
    pub center_id: String,
    pub patient_id: String,
    pub given_on: NaiveDate,
    pub scope: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub recorded_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ConsentRow {
    pub fn from_entity(c: &Consent) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.center_id.to_string(),
            patient_id: c.patient_id.to_string(),
            given_on: c.given_on,
            scope: c.scope.as_str().to_owned(),
            withdrawn_on: c.withdrawn_on,
            notes: c.notes.clone(),
            recorded_by: c.recorded_by.to_string(),
            version: c.version,
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Consent, DomainError> {
        Ok(Consent {
            id: uuid("consents.id", &self.id)?,
            center_id: uuid("consents.center_id", &self.center_id)?,
            patient_id: uuid("consents.patient_id", &self.patient_id)?,
            given_on: self.given_on,
            scope: choice("consents.scope", ConsentScope::from_db(&self.scope))?,
            withdrawn_on: self.withdrawn_on,
            notes: self.notes,
            recorded_by: uuid("consents.recorded_by", &self.recorded_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consultations)]
pub struct ConsultationRow {
    pub id: String,
    pub center_id: String,
    pub patient_id: Option<String>,
    pub occurred_at: NaiveDateTime,
    pub channel: String,
    pub requester: String,
    pub topics: String,
    pub duration_minutes: Option<i32>,
    pub with_employment_supporter: bool,
    pub summary: Option<String>,
    pub consultant_id: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ConsultationRow {
    pub fn from_entity(c: &Consultation) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.center_id.to_string(),
            patient_id: c.patient_id.map(|x| x.to_string()),
            occurred_at: naive(c.occurred_at),
            channel: c.channel.as_str().to_owned(),
            requester: c.requester.as_str().to_owned(),
            topics: values::join_list(&c.topics, Topic::as_str),
            duration_minutes: c.duration_minutes,
            with_employment_supporter: c.with_employment_supporter,
            summary: c.summary.clone(),
            consultant_id: c.consultant_id.to_string(),
            created_by: c.created_by.to_string(),
            version: c.version,
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
        }
    }

    pub fn into_entity(self) -> Result<Consultation, DomainError> {
        Ok(Consultation {
            id: uuid("consultations.id", &self.id)?,
            center_id: uuid("consultations.center_id", &self.center_id)?,
            patient_id: opt_uuid("consultations.patient_id", self.patient_id.as_deref())?,
            occurred_at: utc(self.occurred_at),
            channel: choice("consultations.channel", Channel::from_db(&self.channel))?,
            requester: choice(
                "consultations.requester",
                Requester::from_db(&self.requester),
            )?,
            topics: choice(
                "consultations.topics",
                values::split_list(&self.topics, Topic::from_db),
            )?,
            duration_minutes: self.duration_minutes,
            with_employment_supporter: self.with_employment_supporter,
            summary: self.summary,
            consultant_id: uuid("consultations.consultant_id", &self.consultant_id)?,
            created_by: uuid("consultations.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

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
            recorded_by: opt_uuid("follow_ups.recorded_by", self.recorded_by.as_deref())?,
            created_by: uuid("follow_ups.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}
