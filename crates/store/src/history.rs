//! A patient's whole path, for the timeline: read across the case features in one go.

use crate::DieselStore;
use crate::activities::events_naming;
use crate::consents::consents_of;
use crate::consultations::ConsultationRow;
use crate::db::DbConn;
use crate::error::R;
use crate::follow_ups::{FollowUpRow, ViewRow, follow_up_views, view};
use crate::patients::program_changes_of;
use crate::referral_rows::{LevelChangeRow, ReferralRow, provisions_of};
use crate::rows::convert;
use crate::schema::{
    agencies, consents, consultations, data_provisions, event_attendees, follow_ups,
    patient_program_changes, patients, referral_level_changes, referrals,
    shoman_session_participants,
};
use crate::shoman_projects::sessions_naming;
use diesel::prelude::*;
use tsunagu_domain::entities::CaseHistory;
use tsunagu_domain::ports::{CaseHistoryStore, StoreResult};
use uuid::Uuid;

impl CaseHistoryStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(%center, patient = %patient_id))]
    fn case_history(&self, center: Uuid, patient_id: Uuid) -> StoreResult<CaseHistory> {
        self.read(|conn| {
            let c = center.to_string();
            let p = patient_id.to_string();
            let consultations: Vec<ConsultationRow> = per_backend!(conn, db => consultations::table
                .filter(consultations::patient_id.eq(&p))
                .filter(consultations::center_id.eq(&c))
                .order(consultations::occurred_at.asc())
                .select(ConsultationRow::as_select())
                .load(db))?;
            // Most patients have consultations and little else: one round trip asks which
            // other kinds of record exist, and only those are read (a timeline of
            // consultations, referrals and consents reads 5 times, not 9).
            let has = Present::of(conn, &c, &p)?;
            let referral_rows: Vec<ReferralRow> = when(has.referrals, || {
                Ok(per_backend!(conn, db => referrals::table
                    .filter(referrals::patient_id.eq(&p))
                    .filter(referrals::center_id.eq(&c))
                    .order(referrals::referred_on.asc())
                    .select(ReferralRow::as_select())
                    .load(db))?)
            })?;
            let referral_ids: Vec<String> = referral_rows.iter().map(|r| r.id.clone()).collect();
            // No referral, no level change: no round trip for them.
            let level_rows: Vec<LevelChangeRow> = if referral_ids.is_empty() {
                Vec::new()
            } else {
                per_backend!(conn, db => referral_level_changes::table
                    .filter(referral_level_changes::referral_id.eq_any(&referral_ids))
                    .filter(referral_level_changes::center_id.eq(&c))
                    .order(referral_level_changes::changed_at.asc())
                    .select(LevelChangeRow::as_select())
                    .load(db))?
            };
            let follow_rows: Vec<ViewRow> = when(has.follow_ups, || {
                Ok(per_backend!(conn, db => follow_up_views!()
                    .filter(follow_ups::patient_id.eq(&p))
                    .filter(follow_ups::center_id.eq(&c))
                    .order(follow_ups::due_on.asc())
                    .load(db))?)
            })?;
            Ok(CaseHistory {
                consents: when(has.consents, || consents_of(conn, center, patient_id))?,
                consultations: convert(consultations, ConsultationRow::into_entity)?,
                referrals: convert(referral_rows, ReferralRow::into_entity)?,
                level_changes: convert(level_rows, LevelChangeRow::into_entity)?,
                follow_ups: convert(follow_rows, view)?,
                provisions: when(has.provisions, || provisions_of(conn, center, patient_id))?,
                program_changes: when(has.program_changes, || {
                    program_changes_of(conn, center, patient_id)
                })?,
                project_sessions: when(has.project_sessions, || {
                    sessions_naming(conn, center, patient_id)
                })?,
                events: when(has.events, || events_naming(conn, center, patient_id))?,
            })
        })
    }
}

/// Which kinds of record a patient has besides consultations (which nearly every patient
/// has, so they are read without asking).
#[derive(Debug, Clone, Copy)]
struct Present {
    referrals: bool,
    follow_ups: bool,
    consents: bool,
    provisions: bool,
    program_changes: bool,
    project_sessions: bool,
    events: bool,
}

impl Present {
    /// One statement of `EXISTS` look-ups, each on an index that starts with the patient.
    fn of(conn: &mut DbConn, center: &str, patient: &str) -> R<Self> {
        use diesel::dsl::exists;
        // Each table names the patient and the center in columns of the same names.
        macro_rules! has {
            ($t:ident) => {
                exists(
                    $t::table
                        .filter($t::patient_id.eq(patient))
                        .filter($t::center_id.eq(center)),
                )
            };
        }
        let (referrals, follow_ups, consents, provisions, program_changes, sessions, events) = per_backend!(conn, c => diesel::select((
                has!(referrals),
                has!(follow_ups),
                has!(consents),
                has!(data_provisions),
                has!(patient_program_changes),
                has!(shoman_session_participants),
                has!(event_attendees),
            ))
            .get_result::<(bool, bool, bool, bool, bool, bool, bool)>(c))?;
        Ok(Self {
            referrals,
            follow_ups,
            consents,
            provisions,
            program_changes,
            project_sessions: sessions,
            events,
        })
    }
}

/// `read()` when the records exist, else nothing without a round trip.
fn when<T>(present: bool, read: impl FnOnce() -> R<Vec<T>>) -> R<Vec<T>> {
    if present { read() } else { Ok(Vec::new()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{memory_db, sent};

    fn attend(c: &mut DbConn, center: &str, patient: &str) {
        diesel::insert_into(event_attendees::table)
            .values((
                event_attendees::event_id.eq(Uuid::now_v7().to_string()),
                event_attendees::center_id.eq(center),
                event_attendees::patient_id.eq(patient),
                event_attendees::role.eq("patient"),
                event_attendees::created_by.eq("test"),
                event_attendees::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(c)
            .expect("attendee");
    }

    #[test]
    fn one_statement_tells_which_kinds_of_record_a_patient_has_in_the_center() {
        let (mut c, seen) = memory_db();
        let (center, other_center) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let patient = Uuid::now_v7().to_string();
        sent(&seen);
        let none = Present::of(&mut c, &center, &patient).expect("probe");
        assert_eq!(sent(&seen).len(), 1);
        assert!(
            !(none.referrals
                || none.follow_ups
                || none.consents
                || none.provisions
                || none.program_changes
                || none.project_sessions
                || none.events)
        );
        // Named at another center's event: not this center's record.
        attend(&mut c, &other_center, &patient);
        assert!(
            !Present::of(&mut c, &center, &patient)
                .expect("probe")
                .events
        );
        attend(&mut c, &center, &patient);
        let some = Present::of(&mut c, &center, &patient).expect("probe");
        assert!(some.events);
        assert!(!(some.referrals || some.consents || some.project_sessions));
    }

    #[test]
    fn a_kind_that_is_absent_is_not_read() {
        let mut reads = 0;
        let got: Vec<u8> = when(false, || {
            reads += 1;
            Ok(vec![1])
        })
        .expect("nothing");
        assert!(got.is_empty());
        assert_eq!(reads, 0);
        assert_eq!(when(true, || Ok(vec![1u8])).expect("read"), vec![1]);
    }
}
