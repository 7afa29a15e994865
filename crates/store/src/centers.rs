//! Centers: the units that own every record below them.

use crate::DieselStore;
use crate::audit::{append_event, ensure_head};
use crate::error::missing_or_stale;
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::centers;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::audit::chain_of;
use tsunagu_domain::entities::Center;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{CenterChanges, CenterStore, StoreResult};
use tsunagu_domain::values::{self, OperatingType, Program, Role};
use uuid::Uuid;

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
    pub programs: String,
    pub child_assent_age: i32,
    pub administration_id: Option<String>,
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
            programs: values::join_list(&c.programs, Program::as_str),
            child_assent_age: c.child_assent_age,
            administration_id: c.administration_id.map(|a| a.to_string()),
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
            programs: choice(
                "centers.programs",
                values::split_list(&self.programs, Program::from_db),
            )?,
            child_assent_age: self.child_assent_age,
            administration_id: self
                .administration_id
                .as_deref()
                .map(|a| uuid("centers.administration_id", a))
                .transpose()?,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

impl CenterStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(id = %center.id))]
    fn insert_center(&self, center: &Center, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(centers::table)
                .values(CenterRow::from_entity(center))
                .execute(c)?;
            // The center's own audit chain starts with it: from now on a center without a
            // head row is a deleted chain to verification.
            ensure_head(c, &chain_of(Some(center.id)))?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn center(&self, id: Uuid) -> StoreResult<Option<Center>> {
        self.read(|c| {
            let row: Option<CenterRow> = centers::table
                .find(id.to_string())
                .select(CenterRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(CenterRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn centers(&self, req: PageRequest) -> StoreResult<Page<Center>> {
        self.read(|c| {
            let rows: Vec<CenterRow> = centers::table
                .filter(centers::id.gt(after_key(&req)))
                .order(centers::id.asc())
                .limit(req.limit + 1)
                .select(CenterRow::as_select())
                .load(c)?;
            let items = convert(rows, CenterRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn update_center(
        &self,
        id: Uuid,
        expected_version: i32,
        ch: &CenterChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Center> {
        self.write(|c| {
            let target = centers::table
                .filter(centers::id.eq(id.to_string()))
                .filter(centers::version.eq(expected_version));
            let n = diesel::update(target)
                .set((
                    ch.name.as_ref().map(|v| centers::name.eq(v)),
                    ch.prefecture_code
                        .as_ref()
                        .map(|v| centers::prefecture_code.eq(v)),
                    ch.operating_type
                        .map(|v| centers::operating_type.eq(v.as_str())),
                    ch.active.map(|v| centers::active.eq(v)),
                    ch.follow_up_days.map(|v| centers::follow_up_days.eq(v)),
                    ch.escalation_days.map(|v| centers::escalation_days.eq(v)),
                    ch.sample_percent.map(|v| centers::sample_percent.eq(v)),
                    ch.child_assent_age.map(|v| centers::child_assent_age.eq(v)),
                    ch.totp_roles
                        .as_ref()
                        .map(|v| centers::totp_roles.eq(values::join_list(v, Role::as_str))),
                    ch.programs
                        .as_ref()
                        .map(|v| centers::programs.eq(values::join_list(v, Program::as_str))),
                    ch.administration_id
                        .map(|v| centers::administration_id.eq(v.map(|a| a.to_string()))),
                    centers::version.eq(centers::version + 1),
                    centers::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            if n == 0 {
                let exists = centers::table
                    .find(id.to_string())
                    .count()
                    .get_result::<i64>(c)?
                    > 0;
                return Err(missing_or_stale(exists));
            }
            append_event(c, &self.keys, audit)?;
            Ok(centers::table
                .find(id.to_string())
                .select(CenterRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }
}
