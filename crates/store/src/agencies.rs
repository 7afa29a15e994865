//! The agencies a center refers patients to.

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::{StoreError, missing_or_stale};
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::agencies;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::Agency;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{AgencyChanges, AgencyStore, Scope, StoreResult};
use tsunagu_domain::values::AgencyType;
use uuid::Uuid;

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

impl AgencyStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %agency.center_id, id = %agency.id))]
    fn insert_agency(&self, agency: &Agency, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(agencies::table)
                .values(AgencyRow::from_entity(agency))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %id))]
    fn agency(&self, scope: Scope, id: Uuid) -> StoreResult<Option<Agency>> {
        self.read(|c| {
            let mut q = agencies::table
                .filter(agencies::id.eq(id.to_string()))
                .select(AgencyRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(agencies::center_id.eq(center.to_string()));
            }
            let row: Option<AgencyRow> = q.first(c).optional()?;
            Ok(row.map(AgencyRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope))]
    fn agencies(
        &self,
        scope: Scope,
        agency_type: Option<AgencyType>,
        req: PageRequest,
    ) -> StoreResult<Page<Agency>> {
        self.read(|c| {
            let mut q = agencies::table
                .filter(agencies::id.gt(after_key(&req)))
                .order(agencies::id.asc())
                .limit(req.limit + 1)
                .select(AgencyRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(agencies::center_id.eq(center.to_string()));
            }
            if let Some(t) = agency_type {
                q = q.filter(agencies::agency_type.eq(t.as_str()));
            }
            let rows: Vec<AgencyRow> = q.load(c)?;
            let items = convert(rows, AgencyRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %id))]
    fn update_agency(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        ch: &AgencyChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Agency> {
        self.write(|c| {
            let Scope::Center(center) = scope else {
                return Err(StoreError::Domain(DomainError::NotFound));
            };
            let center = center.to_string();
            let n = diesel::update(
                agencies::table
                    .filter(agencies::id.eq(id.to_string()))
                    .filter(agencies::center_id.eq(&center))
                    .filter(agencies::version.eq(expected_version)),
            )
            .set((
                ch.agency_type.map(|v| agencies::agency_type.eq(v.as_str())),
                ch.name.as_ref().map(|v| agencies::name.eq(v)),
                ch.phone.as_ref().map(|v| agencies::phone.eq(v.clone())),
                ch.address.as_ref().map(|v| agencies::address.eq(v.clone())),
                ch.notes.as_ref().map(|v| agencies::notes.eq(v.clone())),
                ch.active.map(|v| agencies::active.eq(v)),
                agencies::version.eq(agencies::version + 1),
                agencies::updated_at.eq(naive(now)),
            ))
            .execute(c)?;
            if n == 0 {
                let exists = agencies::table
                    .filter(agencies::id.eq(id.to_string()))
                    .filter(agencies::center_id.eq(&center))
                    .count()
                    .get_result::<i64>(c)?
                    > 0;
                return Err(missing_or_stale(exists));
            }
            append_event(c, &self.keys, audit)?;
            Ok(agencies::table
                .find(id.to_string())
                .select(AgencyRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }
}
