//! Patients' consents to share their data with outside agencies (the history is never
//! rewritten: a withdrawal is recorded on the consent, a new consent is a new row).

use crate::DieselStore;
use crate::audit::append_event;
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::consents;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::Consent;
use tsunagu_domain::ports::{ConsentStore, StoreResult};
use tsunagu_domain::values::{ConsentScope, GivenBy};
use uuid::Uuid;

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
    pub given_by: Option<String>,
    pub guardian_name: Option<String>,
    pub guardian_relationship: Option<String>,
    pub child_assent: bool,
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
            given_by: c.given_by.map(|g| g.as_str().to_owned()),
            guardian_name: c.guardian_name.clone(),
            guardian_relationship: c.guardian_relationship.clone(),
            child_assent: c.child_assent,
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
            given_by: self
                .given_by
                .as_deref()
                .map(|g| choice("consents.given_by", GivenBy::from_db(g)))
                .transpose()?,
            guardian_name: self.guardian_name,
            guardian_relationship: self.guardian_relationship,
            child_assent: self.child_assent,
            recorded_by: uuid("consents.recorded_by", &self.recorded_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

pub(crate) fn consent(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Consent>> {
    let row: Option<ConsentRow> = consents::table
        .filter(consents::id.eq(id.to_string()))
        .filter(consents::center_id.eq(center.to_string()))
        .select(ConsentRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ConsentRow::into_entity).transpose()?)
}

pub(crate) fn consents_of(conn: &mut DbConn, center: Uuid, patient_id: Uuid) -> R<Vec<Consent>> {
    let rows: Vec<ConsentRow> = per_backend!(conn, c => consents::table
        .filter(consents::patient_id.eq(patient_id.to_string()))
        .filter(consents::center_id.eq(center.to_string()))
        .order((consents::given_on.asc(), consents::id.asc()))
        .select(ConsentRow::as_select())
        .load(c))?;
    convert(rows, ConsentRow::into_entity)
}

impl ConsentStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %x.center_id, id = %x.id))]
    fn insert_consent(&self, x: &Consent, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(consents::table)
                .values(ConsentRow::from_entity(x))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn consent(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consent>> {
        self.read(|conn| consent(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, patient = %patient_id))]
    fn consents(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Consent>> {
        self.read(|conn| consents_of(conn, center, patient_id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %x.center_id, id = %x.id))]
    fn save_consent(
        &self,
        x: &Consent,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consent> {
        self.write(|conn| {
            let n = diesel::update(
                consents::table
                    .filter(consents::id.eq(x.id.to_string()))
                    .filter(consents::center_id.eq(x.center_id.to_string()))
                    .filter(consents::version.eq(expected_version)),
            )
            .set((
                consents::withdrawn_on.eq(x.withdrawn_on),
                consents::notes.eq(&x.notes),
                consents::version.eq(expected_version + 1),
                consents::updated_at.eq(naive(x.updated_at)),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    consent(conn, x.center_id, x.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            consent(conn, x.center_id, x.id)?.ok_or_else(not_found)
        })
    }
}
