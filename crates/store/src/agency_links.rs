//! One-time links for the agency of a referral, and the follow-up an agency's answer
//! records (see `tsunagu_domain::cases::AgencyLinks`).

use crate::DieselStore;
use crate::audit::{append_event, append_events, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError};
use crate::follow_ups::{FollowUpRow, after_recording};
use crate::rows::{convert, naive, opt_choice, opt_uuid, utc, uuid};
use crate::schema::{agency_links, follow_ups};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::cases::AgencyLink;
use tsunagu_domain::ports::{AgencyConfirmation, AgencyLinkStore, StoreResult};
use tsunagu_domain::values::AgencyOutcome;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = agency_links)]
struct LinkRow {
    id: String,
    center_id: String,
    referral_id: String,
    patient_id: String,
    agency_id: String,
    token_hash: String,
    expires_at: NaiveDateTime,
    emailed: bool,
    used_at: Option<NaiveDateTime>,
    outcome: Option<String>,
    follow_up_id: Option<String>,
    revoked_at: Option<NaiveDateTime>,
    revoked_by: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
}

impl LinkRow {
    fn from_entity(l: &AgencyLink) -> Self {
        Self {
            id: l.id.to_string(),
            center_id: l.center_id.to_string(),
            referral_id: l.referral_id.to_string(),
            patient_id: l.patient_id.to_string(),
            agency_id: l.agency_id.to_string(),
            token_hash: l.token_hash.clone(),
            expires_at: naive(l.expires_at),
            emailed: l.emailed,
            used_at: l.used_at.map(naive),
            outcome: l.outcome.map(|o| o.as_str().to_owned()),
            follow_up_id: l.follow_up_id.map(|x| x.to_string()),
            revoked_at: l.revoked_at.map(naive),
            revoked_by: l.revoked_by.map(|x| x.to_string()),
            created_by: l.created_by.to_string(),
            created_at: naive(l.created_at),
        }
    }

    fn into_entity(self) -> Result<AgencyLink, DomainError> {
        Ok(AgencyLink {
            id: uuid("agency_links.id", &self.id)?,
            center_id: uuid("agency_links.center_id", &self.center_id)?,
            referral_id: uuid("agency_links.referral_id", &self.referral_id)?,
            patient_id: uuid("agency_links.patient_id", &self.patient_id)?,
            agency_id: uuid("agency_links.agency_id", &self.agency_id)?,
            token_hash: self.token_hash,
            expires_at: utc(self.expires_at),
            emailed: self.emailed,
            used_at: self.used_at.map(utc),
            outcome: opt_choice(
                "agency_links.outcome",
                self.outcome.as_deref(),
                AgencyOutcome::from_db,
            )?,
            follow_up_id: opt_uuid("agency_links.follow_up_id", self.follow_up_id.as_deref())?,
            revoked_at: self.revoked_at.map(utc),
            revoked_by: opt_uuid("agency_links.revoked_by", self.revoked_by.as_deref())?,
            created_by: uuid("agency_links.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
        })
    }
}

/// Writes the follow-up an agency's answer records: completes the open one at its version,
/// or inserts a new done one. `false` when the open one changed meanwhile.
fn write_follow_up(conn: &mut DbConn, c: &AgencyConfirmation, stamp: NaiveDateTime) -> R<bool> {
    let mut row = FollowUpRow::from_entity(&c.follow_up);
    row.updated_at = stamp;
    match c.completes {
        None => {
            diesel::insert_into(follow_ups::table)
                .values(row)
                .execute(conn)?;
            Ok(true)
        }
        Some(version) => {
            let n = diesel::update(
                follow_ups::table
                    .filter(follow_ups::id.eq(&row.id))
                    .filter(follow_ups::center_id.eq(&row.center_id))
                    .filter(follow_ups::version.eq(version))
                    .filter(follow_ups::done_on.is_null())
                    .filter(follow_ups::cancelled_on.is_null()),
            )
            .set((
                follow_ups::done_on.eq(row.done_on),
                follow_ups::method.eq(&row.method),
                follow_ups::contacted.eq(&row.contacted),
                follow_ups::outcome.eq(&row.outcome),
                follow_ups::notes.eq(&row.notes),
                follow_ups::recorded_by.eq(&row.recorded_by),
                follow_ups::agency_link_id.eq(&row.agency_link_id),
                follow_ups::agency_outcome.eq(&row.agency_outcome),
                follow_ups::version.eq(version + 1),
                follow_ups::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
            Ok(n == 1)
        }
    }
}

/// Rolls the confirmation's transaction back when the follow-up it completes changed
/// between reading and writing: the agency is told the link is gone rather than having its
/// answer half-written.
#[derive(Debug)]
struct Raced;

impl AgencyLinkStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %link.center_id, id = %link.id))]
    fn insert_agency_link(&self, link: &AgencyLink, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(agency_links::table)
                .values(LinkRow::from_entity(link))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn agency_link(&self, center: Uuid, id: Uuid) -> StoreResult<Option<AgencyLink>> {
        self.read(|conn| {
            let row: Option<LinkRow> = agency_links::table
                .filter(agency_links::id.eq(id.to_string()))
                .filter(agency_links::center_id.eq(center.to_string()))
                .select(LinkRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(LinkRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn agency_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<AgencyLink>> {
        self.read(|conn| {
            let row: Option<LinkRow> = agency_links::table
                .filter(agency_links::token_hash.eq(token_hash))
                .select(LinkRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(LinkRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn agency_links(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<AgencyLink>> {
        self.read(|conn| {
            let rows: Vec<LinkRow> = agency_links::table
                .filter(agency_links::referral_id.eq(referral_id.to_string()))
                .filter(agency_links::center_id.eq(center.to_string()))
                .order((agency_links::created_at.desc(), agency_links::id.desc()))
                .limit(200)
                .select(LinkRow::as_select())
                .load(conn)?;
            convert(rows, LinkRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %link.center_id, id = %link.id))]
    fn revoke_agency_link(&self, link: &AgencyLink, audit: &AuditDraft) -> StoreResult<bool> {
        self.write(|conn| {
            let n = diesel::update(
                agency_links::table
                    .filter(agency_links::id.eq(link.id.to_string()))
                    .filter(agency_links::center_id.eq(link.center_id.to_string()))
                    .filter(agency_links::used_at.is_null())
                    .filter(agency_links::revoked_at.is_null()),
            )
            .set((
                agency_links::revoked_at.eq(link.revoked_at.map(naive)),
                agency_links::revoked_by.eq(link.revoked_by.map(|x| x.to_string())),
            ))
            .execute(conn)?;
            if n == 0 {
                return Ok(false);
            }
            append_event(conn, &self.keys, audit)?;
            Ok(true)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %c.link.center_id, id = %c.link.id))]
    fn confirm_agency_link(
        &self,
        c: &AgencyConfirmation,
        audit: &[AuditDraft],
    ) -> StoreResult<bool> {
        let outcome = self.write(|conn| {
            let link = LinkRow::from_entity(&c.link);
            // Spending the link is the gate: of two answers at once, one updates this row.
            let now = link.used_at.ok_or_else(|| {
                StoreError::from(DomainError::Internal(
                    "a confirmation without used_at".into(),
                ))
            })?;
            let n = diesel::update(
                agency_links::table
                    .filter(agency_links::id.eq(&link.id))
                    .filter(agency_links::used_at.is_null())
                    .filter(agency_links::revoked_at.is_null())
                    .filter(agency_links::expires_at.gt(now)),
            )
            .set((
                agency_links::used_at.eq(link.used_at),
                agency_links::outcome.eq(&link.outcome),
            ))
            .execute(conn)?;
            if n == 0 {
                return Ok(Err(Raced));
            }
            let stamp = change_stamp(conn, c.follow_up.center_id, c.follow_up.updated_at)?;
            if !write_follow_up(conn, c, stamp)? {
                // Undo the spent link with the rest: nothing of this answer is kept.
                return Err(StoreError::from(DomainError::Conflict {
                    code: "follow_up_changed",
                    detail: String::new(),
                }));
            }
            diesel::update(agency_links::table.filter(agency_links::id.eq(&link.id)))
                .set(agency_links::follow_up_id.eq(&link.follow_up_id))
                .execute(conn)?;
            after_recording(conn, &c.follow_up, true, stamp)?;
            append_events(conn, &self.keys, audit)?;
            Ok(Ok(()))
        });
        match outcome {
            Ok(Ok(())) => Ok(true),
            Ok(Err(Raced)) => Ok(false),
            Err(DomainError::Conflict {
                code: "follow_up_changed",
                ..
            }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
