//! Consultations, counted in the reports' rollups as they are written.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::held_rows;
use crate::paging::{cursor_time, time_key};
use crate::prepared::prepared;
use crate::rollup::Deltas;
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid};
use crate::schema::consultations;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::Consultation;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{ConsultationFilter, ConsultationStore, StoreResult};
use tsunagu_domain::values::{self, Channel, Requester, ShomanMenu, ShomanRequester, Topic};
use uuid::Uuid;

/// Absent values are bound as `NULL` (no optional column has another default), so the
/// insert has one text whatever is absent: one prepared form.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consultations)]
#[diesel(treat_none_as_default_value = false)]
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
    pub shoman_menu: Option<String>,
    pub shoman_requester: Option<String>,
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
            shoman_menu: c.shoman_menu.map(|m| m.as_str().to_owned()),
            shoman_requester: c.shoman_requester.map(|r| r.as_str().to_owned()),
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
            shoman_menu: self
                .shoman_menu
                .as_deref()
                .map(|m| choice("consultations.shoman_menu", ShomanMenu::from_db(m)))
                .transpose()?,
            shoman_requester: self
                .shoman_requester
                .as_deref()
                .map(|r| {
                    choice(
                        "consultations.shoman_requester",
                        ShomanRequester::from_db(r),
                    )
                })
                .transpose()?,
            consultant_id: uuid("consultations.consultant_id", &self.consultant_id)?,
            created_by: uuid("consultations.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn consultation(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Consultation>> {
    let row: Option<ConsultationRow> = per_backend!(conn, c => consultations::table
        .filter(consultations::id.eq(id.to_string()))
        .filter(consultations::center_id.eq(center.to_string()))
        .select(ConsultationRow::as_select())
        .first(c)
        .optional())?;
    Ok(row.map(ConsultationRow::into_entity).transpose()?)
}

impl ConsultationStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %x.center_id, id = %x.id))]
    fn insert_consultation(
        &self,
        x: &Consultation,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, x.center_id, x.updated_at)?;
            let mut row = ConsultationRow::from_entity(x);
            row.updated_at = stamp;
            let insert = diesel::insert_into(consultations::table).values(row);
            // Nothing in this transaction reads the new row back: on PostgreSQL it goes with
            // the transaction's last statement (see `crate::later`).
            match conn {
                DbConn::Pg(_) => held_rows::write_later(conn, Box::new(insert))?,
                DbConn::Sqlite(_) => prepared(insert).run_direct(conn)?,
            }
            let mut d = Deltas::default();
            d.consultation(x, 1);
            d.apply(conn)?;
            append_event(conn, &self.keys, audit)?;
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn consultation(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consultation>> {
        self.read(|conn| consultation(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn consultations(
        &self,
        center: Uuid,
        f: &ConsultationFilter,
        req: PageRequest,
    ) -> StoreResult<Page<Consultation>> {
        self.read(|conn| {
            use consultations::dsl as c;
            let mut q = c::consultations
                .filter(c::center_id.eq(center.to_string()))
                .order((c::occurred_at.desc(), c::id.desc()))
                .limit(req.limit + 1)
                .select(ConsultationRow::as_select())
                .into_boxed();
            if let Some(since) = req.updated_since {
                q = q
                    .filter(c::updated_at.gt(naive(since)))
                    .order((c::updated_at.asc(), c::id.asc()));
                if let Some((t, id)) = cursor_time(&req)? {
                    q = q.filter(
                        c::updated_at
                            .gt(t)
                            .or(c::updated_at.eq(t).and(c::id.gt(id))),
                    );
                }
            } else if let Some((t, id)) = cursor_time(&req)? {
                q = q.filter(
                    c::occurred_at
                        .lt(t)
                        .or(c::occurred_at.eq(t).and(c::id.lt(id))),
                );
            }
            if let Some(p) = f.patient_id {
                q = q.filter(c::patient_id.eq(p.to_string()));
            }
            if let Some(u) = f.consultant_id {
                q = q.filter(c::consultant_id.eq(u.to_string()));
            }
            if let Some(s) = f.supporter {
                let assigned = crate::peer_support::assigned_patients(center, s);
                q = q.filter(
                    c::patient_id.eq_any(assigned).or(c::patient_id
                        .is_null()
                        .and(c::consultant_id.eq(s.to_string()))),
                );
            }
            if let Some(t) = f.from {
                q = q.filter(c::occurred_at.ge(naive(t)));
            }
            if let Some(t) = f.to {
                q = q.filter(c::occurred_at.lt(naive(t)));
            }
            let rows: Vec<ConsultationRow> = q.load(conn)?;
            let items = convert(rows, ConsultationRow::into_entity)?;
            let sync = req.updated_since.is_some();
            Ok(Page::from_rows_keyed(items, &req, |x| {
                (
                    time_key(if sync { x.updated_at } else { x.occurred_at }),
                    x.id,
                )
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %x.center_id, id = %x.id))]
    fn save_consultation(
        &self,
        x: &Consultation,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consultation> {
        self.write(|conn| {
            let stamp = change_stamp(conn, x.center_id, x.updated_at)?;
            let old = consultation(conn, x.center_id, x.id)?;
            let mut row = ConsultationRow::from_entity(x);
            row.updated_at = stamp;
            let n = diesel::update(
                consultations::table
                    .filter(consultations::id.eq(&row.id))
                    .filter(consultations::center_id.eq(&row.center_id))
                    .filter(consultations::version.eq(expected_version)),
            )
            .set((
                consultations::patient_id.eq(&row.patient_id),
                consultations::occurred_at.eq(row.occurred_at),
                consultations::channel.eq(&row.channel),
                consultations::requester.eq(&row.requester),
                consultations::topics.eq(&row.topics),
                consultations::duration_minutes.eq(row.duration_minutes),
                consultations::with_employment_supporter.eq(row.with_employment_supporter),
                consultations::summary.eq(&row.summary),
                consultations::shoman_menu.eq(&row.shoman_menu),
                consultations::shoman_requester.eq(&row.shoman_requester),
                consultations::consultant_id.eq(&row.consultant_id),
                consultations::version.eq(expected_version + 1),
                consultations::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    consultation(conn, x.center_id, x.id)?.is_some(),
                ));
            }
            if let Some(old) = old {
                let mut d = Deltas::default();
                d.consultation(&old, -1);
                d.consultation(x, 1);
                d.apply(conn)?;
            }
            append_event(conn, &self.keys, audit)?;
            consultation(conn, x.center_id, x.id)?.ok_or_else(not_found)
        })
    }
}
