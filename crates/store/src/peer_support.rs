//! Peer supporters' assignments to patients, and the rows of their evidence (see
//! `tsunagu_domain::peer_support`).

use crate::DieselStore;
use crate::activities::{events_between, peer_courses};
use crate::audit::append_event;
use crate::error::StoreError;
use crate::rows::{convert, naive, opt_uuid, utc, uuid};
use crate::schema::{consultations, peer_assignments, users};
use crate::users::UserRow;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::auto_type;
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::clock::tokyo_date;
use tsunagu_domain::peer_support::{PeerActivity, PeerAssignment, PeerConsultation};
use tsunagu_domain::ports::{PeerSupportStore, StoreResult};
use tsunagu_domain::values::Role;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = peer_assignments)]
struct AssignmentRow {
    id: String,
    center_id: String,
    patient_id: String,
    user_id: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    assigned_by: String,
    ended_by: Option<String>,
    created_at: NaiveDateTime,
}

impl AssignmentRow {
    fn from_entity(a: &PeerAssignment) -> Self {
        Self {
            id: a.id.to_string(),
            center_id: a.center_id.to_string(),
            patient_id: a.patient_id.to_string(),
            user_id: a.user_id.to_string(),
            started_on: a.started_on,
            ended_on: a.ended_on,
            assigned_by: a.assigned_by.to_string(),
            ended_by: a.ended_by.map(|x| x.to_string()),
            created_at: naive(a.created_at),
        }
    }

    fn into_entity(self) -> Result<PeerAssignment, DomainError> {
        Ok(PeerAssignment {
            id: uuid("peer_assignments.id", &self.id)?,
            center_id: uuid("peer_assignments.center_id", &self.center_id)?,
            patient_id: uuid("peer_assignments.patient_id", &self.patient_id)?,
            user_id: uuid("peer_assignments.user_id", &self.user_id)?,
            started_on: self.started_on,
            ended_on: self.ended_on,
            assigned_by: uuid("peer_assignments.assigned_by", &self.assigned_by)?,
            ended_by: opt_uuid("peer_assignments.ended_by", self.ended_by.as_deref())?,
            created_at: utc(self.created_at),
        })
    }
}

/// The ids of the patients assigned to `supporter` now, as a subquery: the one definition
/// of a peer supporter's reach in SQL, used by the patient and consultation lists.
#[auto_type]
pub(crate) fn assigned_patients(center: Uuid, supporter: Uuid) -> _ {
    let center: String = center.to_string();
    let supporter: String = supporter.to_string();
    peer_assignments::table
        .filter(peer_assignments::center_id.eq(center))
        .filter(peer_assignments::user_id.eq(supporter))
        .filter(peer_assignments::ended_on.is_null())
        .select(peer_assignments::patient_id.nullable())
}

impl PeerSupportStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %a.center_id, patient = %a.patient_id))]
    fn insert_peer_assignment(
        &self,
        a: &PeerAssignment,
        audit: &AuditDraft,
    ) -> StoreResult<PeerAssignment> {
        self.write(|conn| {
            let inserted = diesel::insert_into(peer_assignments::table)
                .values(AssignmentRow::from_entity(a))
                .execute(conn);
            // The partial unique index keeps one open assignment per pair, also when two
            // supervisors assign at once.
            if let Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) = inserted
            {
                return Err(StoreError::Domain(DomainError::conflict(
                    "already_assigned",
                    "this peer supporter is already assigned to the patient",
                )));
            }
            inserted?;
            append_event(conn, &self.keys, audit)?;
            Ok(a.clone())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %patient))]
    fn peer_assignments(&self, center: Uuid, patient: Uuid) -> StoreResult<Vec<PeerAssignment>> {
        self.read(|conn| {
            let rows: Vec<AssignmentRow> = peer_assignments::table
                .filter(peer_assignments::center_id.eq(center.to_string()))
                .filter(peer_assignments::patient_id.eq(patient.to_string()))
                .order((
                    peer_assignments::created_at.desc(),
                    peer_assignments::id.desc(),
                ))
                .limit(500)
                .select(AssignmentRow::as_select())
                .load(conn)?;
            convert(rows, AssignmentRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %patient))]
    fn end_peer_assignment(
        &self,
        center: Uuid,
        patient: Uuid,
        user: Uuid,
        on: NaiveDate,
        by: Uuid,
        audit: &AuditDraft,
    ) -> StoreResult<Option<PeerAssignment>> {
        self.write(|conn| {
            let open = peer_assignments::table
                .filter(peer_assignments::center_id.eq(center.to_string()))
                .filter(peer_assignments::patient_id.eq(patient.to_string()))
                .filter(peer_assignments::user_id.eq(user.to_string()))
                .filter(peer_assignments::ended_on.is_null());
            let row: Option<AssignmentRow> = open
                .select(AssignmentRow::as_select())
                .first(conn)
                .optional()?;
            let Some(row) = row else { return Ok(None) };
            let n = diesel::update(
                peer_assignments::table
                    .filter(peer_assignments::id.eq(&row.id))
                    .filter(peer_assignments::ended_on.is_null()),
            )
            .set((
                peer_assignments::ended_on.eq(Some(on)),
                peer_assignments::ended_by.eq(Some(by.to_string())),
            ))
            .execute(conn)?;
            if n == 0 {
                // Ended by someone else meanwhile: nothing of ours to end.
                return Ok(None);
            }
            let audit = audit
                .clone()
                .resource(uuid("peer_assignments.id", &row.id)?);
            append_event(conn, &self.keys, &audit)?;
            let mut a = row.into_entity()?;
            a.ended_on = Some(on);
            a.ended_by = Some(by);
            Ok(Some(a))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %patient))]
    fn is_assigned(&self, center: Uuid, patient: Uuid, supporter: Uuid) -> StoreResult<bool> {
        self.read(|conn| {
            let n: i64 = peer_assignments::table
                .filter(peer_assignments::center_id.eq(center.to_string()))
                .filter(peer_assignments::patient_id.eq(patient.to_string()))
                .filter(peer_assignments::user_id.eq(supporter.to_string()))
                .filter(peer_assignments::ended_on.is_null())
                .count()
                .get_result(conn)?;
            Ok(n > 0)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %from, %to))]
    fn peer_activity(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<PeerActivity> {
        self.read(|conn| {
            let rows: Vec<UserRow> = users::table
                .filter(users::center_id.eq(center.to_string()))
                .filter(users::role.eq(Role::PeerSupporter.as_str()))
                .order(users::id.asc())
                .select(UserRow::as_select())
                .load(conn)?;
            let supporters = convert(rows, UserRow::into_entity)?;
            let ids: Vec<String> = supporters.iter().map(|u| u.id.to_string()).collect();
            // Days are Tokyo days; a day either side of the UTC bounds, then exact in Rust.
            let lo = from.and_hms_opt(0, 0, 0).map(|t| t - Duration::days(1));
            let hi = to.and_hms_opt(0, 0, 0).map(|t| t + Duration::days(2));
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return Err(StoreError::Domain(DomainError::Internal(
                    "period out of range".into(),
                )));
            };
            let found: Vec<(String, NaiveDateTime, Option<i32>)> = consultations::table
                .filter(consultations::center_id.eq(center.to_string()))
                .filter(consultations::consultant_id.eq_any(&ids))
                .filter(consultations::occurred_at.ge(lo))
                .filter(consultations::occurred_at.lt(hi))
                .select((
                    consultations::consultant_id,
                    consultations::occurred_at,
                    consultations::duration_minutes,
                ))
                .load(conn)?;
            let mut consultations = Vec::with_capacity(found.len());
            for (user, at, minutes) in found {
                let day = tokyo_date(utc(at));
                if day >= from && day <= to {
                    consultations.push(PeerConsultation {
                        user_id: uuid("consultations.consultant_id", &user)?,
                        day,
                        minutes,
                    });
                }
            }
            let events = events_between(conn, center, from, to)?;
            let trainings = peer_courses(conn, center, &ids, to)?;
            Ok(PeerActivity {
                supporters,
                consultations,
                events,
                trainings,
            })
        })
    }
}
