//! Outreach activities (周知), and the patients registered in a period for their effect.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::reports::center_ids;
use crate::rows::{choice, convert, naive, opt_choice, utc, uuid};
use crate::schema::{outreach_activities, patients};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::OutreachActivity;
use tsunagu_domain::activities::outreach::{OutreachFilter, Registration};
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::reports::ReportScope;
use tsunagu_domain::values::ReferralSource;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = outreach_activities)]
struct OutreachRow {
    id: String,
    center_id: String,
    kind: String,
    kind_other: Option<String>,
    target: Option<String>,
    held_on: NaiveDate,
    quantity: Option<i32>,
    unit: Option<String>,
    facility_count: Option<i32>,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl OutreachRow {
    fn from_entity(a: &OutreachActivity) -> Self {
        Self {
            id: a.id.to_string(),
            center_id: a.center_id.to_string(),
            kind: a.kind.as_str().to_owned(),
            kind_other: a.kind_other.clone(),
            target: a.target.clone(),
            held_on: a.held_on,
            quantity: a.quantity,
            unit: a.unit.clone(),
            facility_count: a.facility_count,
            notes: a.notes.clone(),
            created_by: a.created_by.to_string(),
            version: a.version,
            created_at: naive(a.created_at),
            updated_at: naive(a.updated_at),
        }
    }

    fn into_entity(self) -> Result<OutreachActivity, DomainError> {
        Ok(OutreachActivity {
            id: uuid("outreach_activities.id", &self.id)?,
            center_id: uuid("outreach_activities.center_id", &self.center_id)?,
            kind: choice(
                "outreach_activities.kind",
                ReferralSource::from_db(&self.kind),
            )?,
            kind_other: self.kind_other,
            target: self.target,
            held_on: self.held_on,
            quantity: self.quantity,
            unit: self.unit,
            facility_count: self.facility_count,
            notes: self.notes,
            created_by: uuid("outreach_activities.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn activity(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<OutreachActivity>> {
    let row: Option<OutreachRow> = outreach_activities::table
        .filter(outreach_activities::id.eq(id.to_string()))
        .filter(outreach_activities::center_id.eq(center.to_string()))
        .select(OutreachRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(OutreachRow::into_entity).transpose()?)
}

impl DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %a.center_id, id = %a.id))]
    pub(crate) fn insert_outreach(
        &self,
        a: &OutreachActivity,
        audit: &AuditDraft,
    ) -> Result<OutreachActivity, DomainError> {
        self.write(|conn| {
            let stamp = change_stamp(conn, a.center_id, a.updated_at)?;
            let mut row = OutreachRow::from_entity(a);
            row.updated_at = stamp;
            diesel::insert_into(outreach_activities::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            activity(conn, a.center_id, a.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    pub(crate) fn outreach_one(
        &self,
        center: Uuid,
        id: Uuid,
    ) -> Result<Option<OutreachActivity>, DomainError> {
        self.read(|conn| activity(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    pub(crate) fn outreach_page(
        &self,
        center: Uuid,
        f: &OutreachFilter,
        req: PageRequest,
    ) -> Result<Page<OutreachActivity>, DomainError> {
        self.read(|conn| {
            use outreach_activities::dsl as o;
            let mut q = outreach_activities::table
                .filter(o::center_id.eq(center.to_string()))
                .filter(o::id.gt(after_key(&req)))
                .select(OutreachRow::as_select())
                .order(o::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(k) = f.kind {
                q = q.filter(o::kind.eq(k.as_str()));
            }
            if let Some((from, to)) = f.held {
                q = q.filter(o::held_on.between(from, to));
            }
            let rows: Vec<OutreachRow> = q.load(conn)?;
            let items = convert(rows, OutreachRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %a.center_id, id = %a.id))]
    pub(crate) fn save_outreach(
        &self,
        a: &OutreachActivity,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> Result<OutreachActivity, DomainError> {
        self.write(|conn| {
            use outreach_activities::dsl as t;
            let stamp = change_stamp(conn, a.center_id, a.updated_at)?;
            let row = OutreachRow::from_entity(a);
            let n = diesel::update(
                outreach_activities::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::kind.eq(&row.kind),
                t::kind_other.eq(&row.kind_other),
                t::target.eq(&row.target),
                t::held_on.eq(row.held_on),
                t::quantity.eq(row.quantity),
                t::unit.eq(&row.unit),
                t::facility_count.eq(row.facility_count),
                t::notes.eq(&row.notes),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    activity(conn, a.center_id, a.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            activity(conn, a.center_id, a.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    pub(crate) fn outreach_in_period(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OutreachActivity>, DomainError> {
        self.read(|conn| {
            use outreach_activities::dsl as o;
            let ids = center_ids(conn, scope)?;
            let rows: Vec<OutreachRow> = outreach_activities::table
                .filter(o::center_id.eq_any(&ids))
                .filter(o::held_on.between(from, to))
                .order((o::held_on.asc(), o::id.asc()))
                .select(OutreachRow::as_select())
                .load(conn)?;
            convert(rows, OutreachRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    pub(crate) fn registrations(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Registration>, DomainError> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(String, NaiveDateTime, Option<String>)> = patients::table
                .filter(patients::center_id.eq_any(&ids))
                // A record merged into another is the same person, counted once.
                .filter(patients::merged_into.is_null())
                .filter(patients::created_at.ge(from.naive_utc()))
                .filter(patients::created_at.lt(to.naive_utc()))
                .select((
                    patients::center_id,
                    patients::created_at,
                    patients::referral_source,
                ))
                .load(conn)?;
            rows.into_iter()
                .map(|(c, at, s)| {
                    Ok(Registration {
                        center_id: uuid("patients.center_id", &c)?,
                        at: utc(at),
                        source: opt_choice(
                            "patients.referral_source",
                            s.as_deref(),
                            ReferralSource::from_db,
                        )?,
                    })
                })
                .collect()
        })
    }
}
