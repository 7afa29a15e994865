//! Rows as diesel reads and writes them, and their conversion to domain entities. Text ids,
//! text enums and naive UTC timestamps are the portable forms both backends share.

use crate::schema::{agencies, audit_events, centers, users};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::{AuditDraft, AuditEvent, AuditRecord};
use tsunagu_domain::entities::{Agency, Center, User};
use tsunagu_domain::values::{AgencyType, OperatingType, Role};
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
}

impl CenterRow {
    pub fn from_entity(c: &Center) -> Self {
        Self {
            id: c.id.to_string(),
            code: c.code.clone(),
            name: c.name.clone(),
            prefecture_code: c.prefecture_code.clone(),
            operating_type: c.operating_type.as_str().to_owned(),
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
            action: d.action.clone(),
            resource_type: d.resource_type.clone(),
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
