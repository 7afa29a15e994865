//! Merging a patient registered twice: every table with a `patient_id` moves from the merged
//! record to the survivor in one transaction, with the report rollups moved along (the
//! daily counts are unchanged; the per-patient ones join the survivor's, so a person
//! consulted under both records is counted once). Why the conflicting rows are let go
//! rather than refusing the merge is in `tsunagu_domain::cases::merges`.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::consultations::ConsultationRow;
use crate::db::DbConn;
use crate::error::{R, StoreError};
use crate::patients::patient;
use crate::referral_rows::ReferralRow;
use crate::rollup::{self, Deltas};
use crate::schema::{
    agency_links, consents, consultations, data_provisions, event_attendees, follow_ups,
    liaison_contacts, liaison_provisions, patient_program_changes, patient_search_grams, patients,
    peer_assignments, referrals, shoman_needs, shoman_session_participants, support_plan_actions,
    support_plans, supporter_bookings,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::cases::{MergeCounts, already_merged};
use tsunagu_domain::entities::Patient;
use tsunagu_domain::ports::{PatientMergeStore, StoreResult};
use uuid::Uuid;

/// How many rows of `table` belong to the patient (in the center).
macro_rules! count_of {
    ($conn:expr, $t:ident, $center:expr, $patient:expr) => {
        $t::table
            .filter($t::center_id.eq($center))
            .filter($t::patient_id.eq($patient))
            .count()
            .get_result::<i64>($conn)?
    };
}

/// Moves the patient's rows of a table whose records carry no version.
macro_rules! move_plain {
    ($conn:expr, $t:ident, $center:expr, $from:expr, $to:expr) => {
        i64::try_from(
            diesel::update(
                $t::table
                    .filter($t::center_id.eq($center))
                    .filter($t::patient_id.eq($from)),
            )
            .set($t::patient_id.eq($to))
            .execute($conn)?,
        )
        .unwrap_or(i64::MAX)
    };
}

/// Moves the patient's rows of a versioned table: each is a change of the record (a new
/// ETag, and `updated_since` syncs see it).
macro_rules! move_versioned {
    ($conn:expr, $t:ident, $center:expr, $from:expr, $to:expr, $stamp:expr) => {
        i64::try_from(
            diesel::update(
                $t::table
                    .filter($t::center_id.eq($center))
                    .filter($t::patient_id.eq($from)),
            )
            .set((
                $t::patient_id.eq($to),
                $t::version.eq($t::version + 1),
                $t::updated_at.eq($stamp),
            ))
            .execute($conn)?,
        )
        .unwrap_or(i64::MAX)
    };
}

/// The rows that the same person cannot hold twice, found before anything moves.
struct Clashes {
    /// Ids of the merged record's live bookings in sessions where the survivor is booked.
    bookings: Vec<String>,
    /// Ids of the merged record's open assignments to a supporter the survivor has too.
    assignments: Vec<String>,
    /// Events both attended.
    events: Vec<String>,
    /// (session, role) of 小慢 project sessions both were named in.
    sessions: Vec<(String, String)>,
}

fn clashes(conn: &mut DbConn, center: &str, survivor: &str, merged: &str) -> R<Clashes> {
    let live_sessions: Vec<String> = supporter_bookings::table
        .filter(supporter_bookings::center_id.eq(center))
        .filter(supporter_bookings::patient_id.eq(survivor))
        .filter(supporter_bookings::status.ne("cancelled"))
        .select(supporter_bookings::session_id)
        .load(conn)?;
    let bookings: Vec<String> = supporter_bookings::table
        .filter(supporter_bookings::center_id.eq(center))
        .filter(supporter_bookings::patient_id.eq(merged))
        .filter(supporter_bookings::status.ne("cancelled"))
        .filter(supporter_bookings::session_id.eq_any(&live_sessions))
        .select(supporter_bookings::id)
        .load(conn)?;
    let supporters: Vec<String> = peer_assignments::table
        .filter(peer_assignments::center_id.eq(center))
        .filter(peer_assignments::patient_id.eq(survivor))
        .filter(peer_assignments::ended_on.is_null())
        .select(peer_assignments::user_id)
        .load(conn)?;
    let assignments: Vec<String> = peer_assignments::table
        .filter(peer_assignments::center_id.eq(center))
        .filter(peer_assignments::patient_id.eq(merged))
        .filter(peer_assignments::ended_on.is_null())
        .filter(peer_assignments::user_id.eq_any(&supporters))
        .select(peer_assignments::id)
        .load(conn)?;
    let survivor_events: Vec<String> = event_attendees::table
        .filter(event_attendees::center_id.eq(center))
        .filter(event_attendees::patient_id.eq(survivor))
        .select(event_attendees::event_id)
        .load(conn)?;
    let events: Vec<String> = event_attendees::table
        .filter(event_attendees::center_id.eq(center))
        .filter(event_attendees::patient_id.eq(merged))
        .filter(event_attendees::event_id.eq_any(&survivor_events))
        .select(event_attendees::event_id)
        .load(conn)?;
    let survivor_sessions: Vec<(String, String)> = shoman_session_participants::table
        .filter(shoman_session_participants::center_id.eq(center))
        .filter(shoman_session_participants::patient_id.eq(survivor))
        .select((
            shoman_session_participants::session_id,
            shoman_session_participants::role,
        ))
        .load(conn)?;
    let merged_sessions: Vec<(String, String)> = shoman_session_participants::table
        .filter(shoman_session_participants::center_id.eq(center))
        .filter(shoman_session_participants::patient_id.eq(merged))
        .select((
            shoman_session_participants::session_id,
            shoman_session_participants::role,
        ))
        .load(conn)?;
    let sessions = merged_sessions
        .into_iter()
        .filter(|s| survivor_sessions.contains(s))
        .collect();
    Ok(Clashes {
        bookings,
        assignments,
        events,
        sessions,
    })
}

/// Both records, in the center and not merged (the merged one as 409 `already_merged`).
fn both_live(conn: &mut DbConn, center: Uuid, survivor: Uuid, merged: Uuid) -> R<()> {
    for (id, which) in [(survivor, "surviving"), (merged, "merged")] {
        match patient(conn, center, id) {
            Ok(Some(_)) => {}
            Ok(None) => return Err(StoreError::Domain(DomainError::NotFound)),
            Err(StoreError::Domain(DomainError::PatientMerged { .. })) => {
                return Err(StoreError::Domain(already_merged(which)));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn preview(conn: &mut DbConn, center: Uuid, survivor: Uuid, merged: Uuid) -> R<MergeCounts> {
    let c = center.to_string();
    let m = merged.to_string();
    let clash = clashes(conn, &c, &survivor.to_string(), &m)?;
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    let attendances = count_of!(conn, event_attendees, &c, &m);
    let sessions = count_of!(conn, shoman_session_participants, &c, &m);
    Ok(MergeCounts {
        consultations: count_of!(conn, consultations, &c, &m),
        consents: count_of!(conn, consents, &c, &m),
        referrals: count_of!(conn, referrals, &c, &m),
        follow_ups: count_of!(conn, follow_ups, &c, &m),
        provisions: count_of!(conn, data_provisions, &c, &m),
        program_changes: count_of!(conn, patient_program_changes, &c, &m),
        support_plans: count_of!(conn, support_plans, &c, &m),
        support_plan_actions: count_of!(conn, support_plan_actions, &c, &m),
        liaison_contacts: count_of!(conn, liaison_contacts, &c, &m),
        liaison_provisions: count_of!(conn, liaison_provisions, &c, &m),
        project_sessions: sessions - n(clash.sessions.len()),
        needs: count_of!(conn, shoman_needs, &c, &m),
        event_attendances: attendances - n(clash.events.len()),
        supporter_bookings: count_of!(conn, supporter_bookings, &c, &m),
        peer_assignments: count_of!(conn, peer_assignments, &c, &m),
        agency_links: count_of!(conn, agency_links, &c, &m),
        released_bookings: n(clash.bookings.len()),
        released_assignments: n(clash.assignments.len()),
        released_attendances: n(clash.events.len() + clash.sessions.len()),
    })
}

/// The report rollups of the merged record's consultations and referrals, moved to the
/// survivor: each leaves its old key and joins the new one.
fn move_rollups(conn: &mut DbConn, center: &str, merged: &str, survivor: Uuid) -> R<()> {
    let mut d = Deltas::default();
    let rows: Vec<ConsultationRow> = consultations::table
        .filter(consultations::center_id.eq(center))
        .filter(consultations::patient_id.eq(merged))
        .select(ConsultationRow::as_select())
        .load(conn)?;
    for row in rows {
        let mut c = row.into_entity()?;
        d.consultation(&c, -1);
        c.patient_id = Some(survivor);
        d.consultation(&c, 1);
    }
    let rows: Vec<ReferralRow> = referrals::table
        .filter(referrals::center_id.eq(center))
        .filter(referrals::patient_id.eq(merged))
        .select(ReferralRow::as_select())
        .load(conn)?;
    for row in rows {
        let achieved = rollup::is_achieved(conn, &row.id)?;
        let mut r = row.into_entity()?;
        d.referral(&r, achieved, -1);
        r.patient_id = survivor;
        d.referral(&r, achieved, 1);
    }
    d.apply(conn)
}

#[allow(clippy::too_many_arguments)]
fn merge(
    conn: &mut DbConn,
    center: Uuid,
    survivor: Uuid,
    merged: Uuid,
    by: Uuid,
    stamp: NaiveDateTime,
    today: NaiveDate,
) -> R<MergeCounts> {
    let c = center.to_string();
    let s = survivor.to_string();
    let m = merged.to_string();
    let clash = clashes(conn, &c, &s, &m)?;
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    // Let go what the survivor already holds, before the moves meet the unique keys.
    diesel::update(
        supporter_bookings::table.filter(supporter_bookings::id.eq_any(&clash.bookings)),
    )
    .set((
        supporter_bookings::status.eq("cancelled"),
        supporter_bookings::version.eq(supporter_bookings::version + 1),
        supporter_bookings::updated_at.eq(stamp),
    ))
    .execute(conn)?;
    diesel::update(peer_assignments::table.filter(peer_assignments::id.eq_any(&clash.assignments)))
        .set((
            peer_assignments::ended_on.eq(today),
            peer_assignments::ended_by.eq(by.to_string()),
        ))
        .execute(conn)?;
    diesel::delete(
        event_attendees::table
            .filter(event_attendees::patient_id.eq(&m))
            .filter(event_attendees::event_id.eq_any(&clash.events)),
    )
    .execute(conn)?;
    for (session, role) in &clash.sessions {
        diesel::delete(
            shoman_session_participants::table
                .filter(shoman_session_participants::patient_id.eq(&m))
                .filter(shoman_session_participants::session_id.eq(session))
                .filter(shoman_session_participants::role.eq(role)),
        )
        .execute(conn)?;
    }
    move_rollups(conn, &c, &m, survivor)?;
    let counts = MergeCounts {
        consultations: move_versioned!(conn, consultations, &c, &m, &s, stamp),
        consents: move_versioned!(conn, consents, &c, &m, &s, stamp),
        referrals: move_versioned!(conn, referrals, &c, &m, &s, stamp),
        follow_ups: move_versioned!(conn, follow_ups, &c, &m, &s, stamp),
        provisions: move_plain!(conn, data_provisions, &c, &m, &s),
        program_changes: move_plain!(conn, patient_program_changes, &c, &m, &s),
        support_plans: move_versioned!(conn, support_plans, &c, &m, &s, stamp),
        support_plan_actions: move_versioned!(conn, support_plan_actions, &c, &m, &s, stamp),
        liaison_contacts: move_versioned!(conn, liaison_contacts, &c, &m, &s, stamp),
        liaison_provisions: move_plain!(conn, liaison_provisions, &c, &m, &s),
        project_sessions: move_plain!(conn, shoman_session_participants, &c, &m, &s),
        needs: move_versioned!(conn, shoman_needs, &c, &m, &s, stamp),
        event_attendances: move_plain!(conn, event_attendees, &c, &m, &s),
        supporter_bookings: move_versioned!(conn, supporter_bookings, &c, &m, &s, stamp),
        peer_assignments: move_plain!(conn, peer_assignments, &c, &m, &s),
        agency_links: move_plain!(conn, agency_links, &c, &m, &s),
        released_bookings: n(clash.bookings.len()),
        released_assignments: n(clash.assignments.len()),
        released_attendances: n(clash.events.len() + clash.sessions.len()),
    };
    // Out of the name search; the row itself stays, pointing at the survivor.
    diesel::delete(patient_search_grams::table.filter(patient_search_grams::patient_id.eq(&m)))
        .execute(conn)?;
    diesel::update(
        patients::table
            .filter(patients::id.eq(&m))
            .filter(patients::center_id.eq(&c)),
    )
    .set((
        patients::merged_into.eq(&s),
        patients::merged_at.eq(stamp),
        patients::version.eq(patients::version + 1),
        patients::updated_at.eq(stamp),
    ))
    .execute(conn)?;
    Ok(counts)
}

impl PatientMergeStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(%center, %survivor, %merged))]
    fn merge_preview(
        &self,
        center: Uuid,
        survivor: Uuid,
        merged: Uuid,
    ) -> StoreResult<MergeCounts> {
        self.read(|conn| {
            both_live(conn, center, survivor, merged)?;
            preview(conn, center, survivor, merged)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %survivor, %merged))]
    fn merge_patients(
        &self,
        center: Uuid,
        survivor: Uuid,
        merged: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        today: NaiveDate,
        audit: &AuditDraft,
    ) -> StoreResult<(Patient, MergeCounts)> {
        self.write(|conn| {
            // The stamp takes the lock of the center's chain head: the center's merges (and
            // every other change of the center) are serialised, so two crossing merges
            // cannot both pass the check below.
            let stamp = change_stamp(conn, center, at)?;
            both_live(conn, center, survivor, merged)?;
            let counts = merge(conn, center, survivor, merged, by, stamp, today)?;
            let ev = audit.clone().detail(format!(
                "survivor_id={survivor}; merged_id={merged}; moved={}",
                counts.describe()
            ));
            append_event(conn, &self.keys, &ev)?;
            let p = patient(conn, center, survivor)?
                .ok_or(StoreError::Domain(DomainError::NotFound))?;
            Ok((p, counts))
        })
    }
}
