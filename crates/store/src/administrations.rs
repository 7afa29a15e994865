//! Administrations (自治体) and the centers assigned to them.

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::{administrations, centers};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{
    AdministrationChanges, AdministrationStore, AssignedCenter, StoreResult,
};
use tsunagu_domain::regional::administrations::Administration;
use tsunagu_domain::values::AdministrationKind;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = administrations)]
struct AdministrationRow {
    id: String,
    code: String,
    name: String,
    kind: String,
    prefecture_code: String,
    suppression_threshold: i32,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl AdministrationRow {
    fn from_entity(a: &Administration) -> Self {
        Self {
            id: a.id.to_string(),
            code: a.code.clone(),
            name: a.name.clone(),
            kind: a.kind.as_str().to_owned(),
            prefecture_code: a.prefecture_code.clone(),
            suppression_threshold: a.suppression_threshold,
            active: a.active,
            version: a.version,
            created_at: naive(a.created_at),
            updated_at: naive(a.updated_at),
        }
    }

    fn into_entity(self) -> Result<Administration, DomainError> {
        Ok(Administration {
            id: uuid("administrations.id", &self.id)?,
            code: self.code,
            name: self.name,
            kind: choice(
                "administrations.kind",
                AdministrationKind::from_db(&self.kind),
            )?,
            prefecture_code: self.prefecture_code,
            suppression_threshold: self.suppression_threshold,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn one(c: &mut crate::db::DbConn, id: &str) -> R<Option<Administration>> {
    let row: Option<AdministrationRow> = administrations::table
        .find(id)
        .select(AdministrationRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(AdministrationRow::into_entity).transpose()?)
}

impl AdministrationStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(id = %a.id))]
    fn insert_administration(&self, a: &Administration, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            // A second registration of a code answers 409 `code_taken` (the unique index).
            diesel::insert_into(administrations::table)
                .values(AdministrationRow::from_entity(a))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn administration(&self, id: Uuid) -> StoreResult<Option<Administration>> {
        self.read(|c| one(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn administration_by_code(&self, code: &str) -> StoreResult<Option<Administration>> {
        self.read(|c| {
            let row: Option<AdministrationRow> = administrations::table
                .filter(administrations::code.eq(code))
                .select(AdministrationRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(AdministrationRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn administrations(
        &self,
        only: Option<Uuid>,
        req: PageRequest,
    ) -> StoreResult<Page<Administration>> {
        self.read(|c| {
            let mut q = administrations::table
                .filter(administrations::id.gt(after_key(&req)))
                .order(administrations::id.asc())
                .limit(req.limit + 1)
                .select(AdministrationRow::as_select())
                .into_boxed();
            if let Some(a) = only {
                q = q.filter(administrations::id.eq(a.to_string()));
            }
            let rows: Vec<AdministrationRow> = q.load(c)?;
            let items = convert(rows, AdministrationRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn update_administration(
        &self,
        id: Uuid,
        expected_version: i32,
        ch: &AdministrationChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Administration> {
        self.write(|c| {
            let target = administrations::table
                .filter(administrations::id.eq(id.to_string()))
                .filter(administrations::version.eq(expected_version));
            let n = diesel::update(target)
                .set((
                    ch.name.as_ref().map(|v| administrations::name.eq(v)),
                    ch.suppression_threshold
                        .map(|v| administrations::suppression_threshold.eq(v)),
                    ch.active.map(|v| administrations::active.eq(v)),
                    administrations::version.eq(administrations::version + 1),
                    administrations::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            if n == 0 {
                let exists = one(c, &id.to_string())?.is_some();
                return Err(missing_or_stale(exists));
            }
            append_event(c, &self.keys, audit)?;
            one(c, &id.to_string())?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn administration_centers(&self, id: Uuid) -> StoreResult<Vec<AssignedCenter>> {
        self.read(|c| {
            let rows: Vec<(String, String, String)> = centers::table
                .filter(centers::administration_id.eq(id.to_string()))
                .order(centers::id.asc())
                .select((centers::id, centers::code, centers::name))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|(i, code, name)| {
                    Ok(AssignedCenter {
                        id: uuid("centers.id", &i)?,
                        code,
                        name,
                    })
                })
                .collect::<Result<_, DomainError>>()?)
        })
    }
}
