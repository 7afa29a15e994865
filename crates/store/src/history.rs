//! A patient's whole path, for the timeline: read across the case features in one go.

use crate::DieselStore;
use crate::activities::events_naming;
use crate::consents::consents_of;
use crate::consultations::ConsultationRow;
use crate::db::DbConn;
use crate::error::R;
use crate::follow_ups::{FollowUpRow, ViewRow, follow_up_views, view};
use crate::patients::{PatientRow, patient_unless_merged, program_changes_of};
use crate::referral_rows::{LevelChangeRow, ReferralRow, provisions_of};
use crate::rows::convert;
use crate::schema::{
    agencies, consents, consultations, data_provisions, event_attendees, follow_ups,
    patient_program_changes, patients, referral_level_changes, referrals,
    shoman_session_participants,
};
use crate::shoman_projects::sessions_naming;
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::entities::{CaseHistory, FollowUpView, Patient};
use tsunagu_domain::ports::{CaseHistoryStore, StoreResult};
use uuid::Uuid;

impl CaseHistoryStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(%center, patient = %patient.id))]
    fn case_history(&self, center: Uuid, patient: &Patient) -> StoreResult<CaseHistory> {
        self.read(|conn| {
            let (c, p) = (center.to_string(), patient.id.to_string());
            let has = Present::of(conn, &c, &p)?;
            let consultations = consultations_of(conn, &c, &p)?;
            history_of(conn, center, patient, has, consultations)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn patient_with_history(
        &self,
        center: Uuid,
        id: Uuid,
        found: &mut dyn FnMut(&Patient),
    ) -> StoreResult<Option<(Patient, CaseHistory)>> {
        self.read(|conn| {
            let Some((patient, has, consultations)) = Present::with_patient(conn, center, id)?
            else {
                return Ok(None);
            };
            found(&patient);
            let history = history_of(conn, center, &patient, has, consultations)?;
            Ok(Some((patient, history)))
        })
    }
}

/// The patient's history in `center`, reading only the kinds of record `has` says exist:
/// most patients have consultations and little else (the timeline of a patient with
/// consultations, referrals and consents is three statements, the patient's included).
/// The caller reads the consultations (with the patient, where it reads the patient).
fn history_of(
    conn: &mut DbConn,
    center: Uuid,
    patient: &Patient,
    has: Present,
    consultations: Vec<ConsultationRow>,
) -> R<CaseHistory> {
    let c = center.to_string();
    let p = patient.id.to_string();
    // Each referral with its agency's name and kind, which label the follow-ups too, and
    // with its level changes (every referral has at least its first level).
    let (referral_rows, level_rows) = if has.referrals {
        referrals_of(conn, &c, &p)?
    } else {
        (Vec::new(), Vec::new())
    };
    let follow_ups = when(has.follow_ups, || {
        let named = Named {
            id: &p,
            case_number: &patient.case_number,
            family_name: &patient.family_name,
            given_name: &patient.given_name,
        };
        follow_ups_of(conn, &c, &named, &referral_rows)
    })?;
    Ok(CaseHistory {
        consents: when(has.consents, || consents_of(conn, center, patient.id))?,
        consultations: convert(consultations, ConsultationRow::into_entity)?,
        referrals: convert(
            referral_rows.into_iter().map(|(r, _, _)| r).collect(),
            ReferralRow::into_entity,
        )?,
        level_changes: convert(level_rows, LevelChangeRow::into_entity)?,
        follow_ups,
        provisions: when(has.provisions, || provisions_of(conn, center, patient.id))?,
        program_changes: when(has.program_changes, || {
            program_changes_of(conn, center, patient.id)
        })?,
        project_sessions: when(has.project_sessions, || {
            sessions_naming(conn, center, patient.id)
        })?,
        events: when(has.events, || events_naming(conn, center, patient.id))?,
    })
}

/// The patient's consultations in `center`, in order of time.
fn consultations_of(conn: &mut DbConn, center: &str, patient: &str) -> R<Vec<ConsultationRow>> {
    Ok(per_backend!(conn, db => consultations::table
        .filter(consultations::patient_id.eq(patient))
        .filter(consultations::center_id.eq(center))
        .order(consultations::occurred_at.asc())
        .select(ConsultationRow::as_select())
        .load(db))?)
}

/// The patient's referrals in `center`, each with its agency's name and kind, in order of
/// their date, and their level changes in order of time: one statement, the referrals
/// joined to their changes (a referral's row comes once per change; a referral has a few),
/// where two would each cost a round trip.
fn referrals_of(conn: &mut DbConn, center: &str, patient: &str) -> R<ReferralsAndLevels> {
    type Row = (ReferralRow, String, String, Option<LevelChangeRow>);
    let rows: Vec<Row> = per_backend!(conn, db => referrals::table
        .inner_join(agencies::table)
        .left_join(
            referral_level_changes::table.on(referral_level_changes::referral_id
                .eq(referrals::id)
                .and(referral_level_changes::center_id.eq(referrals::center_id))),
        )
        .filter(referrals::patient_id.eq(patient))
        .filter(referrals::center_id.eq(center))
        .order((
            referrals::referred_on.asc(),
            referrals::id.asc(),
            referral_level_changes::changed_at.asc(),
        ))
        .select((
            ReferralRow::as_select(),
            agencies::name,
            agencies::agency_type,
            Option::<LevelChangeRow>::as_select(),
        ))
        .load(db))?;
    Ok(split_referral_rows(rows))
}

type ReferralsAndLevels = (Vec<(ReferralRow, String, String)>, Vec<LevelChangeRow>);

/// The referrals of [`referrals_of`]'s rows, once each in the rows' order, and all their
/// level changes in order of time (a referral's own rows are consecutive).
fn split_referral_rows(
    rows: Vec<(ReferralRow, String, String, Option<LevelChangeRow>)>,
) -> ReferralsAndLevels {
    let mut referrals: Vec<(ReferralRow, String, String)> = Vec::new();
    let mut levels = Vec::new();
    for (referral, agency_name, agency_type, level) in rows {
        levels.extend(level);
        if referrals.last().is_none_or(|(r, _, _)| r.id != referral.id) {
            referrals.push((referral, agency_name, agency_type));
        }
    }
    levels.sort_by_key(|l: &LevelChangeRow| l.changed_at);
    (referrals, levels)
}

/// The patient's follow-ups in `center`, labelled with the patient and with their
/// referral's agency and level, which the caller read already (`referrals`, each with its
/// agency's name and kind). One table, not the join [`follow_up_views`] makes: PostgreSQL
/// plans that four-table join anew on every execution (its generic plan never looks
/// cheaper than a custom one), which cost more than the rest of a timeline's statements
/// together. A follow-up whose referral is not among them (which the case's rules do not
/// let happen) sends the read to that join, so the answer is the same either way.
fn follow_ups_of(
    conn: &mut DbConn,
    center: &str,
    patient: &Named<'_>,
    referrals: &[(ReferralRow, String, String)],
) -> R<Vec<FollowUpView>> {
    let p = patient.id;
    let rows: Vec<FollowUpRow> = per_backend!(conn, db => follow_ups::table
        .filter(follow_ups::patient_id.eq(p))
        .filter(follow_ups::center_id.eq(center))
        .order(follow_ups::due_on.asc())
        .select(FollowUpRow::as_select())
        .load(db))?;
    let labelled: Option<Vec<ViewRow>> = rows
        .into_iter()
        .map(|f| {
            let (r, agency_name, agency_type) =
                referrals.iter().find(|(r, _, _)| r.id == f.referral_id)?;
            Some((
                f,
                patient.case_number.to_owned(),
                patient.family_name.to_owned(),
                patient.given_name.to_owned(),
                r.agency_id.clone(),
                agency_name.clone(),
                agency_type.clone(),
                r.level.clone(),
            ))
        })
        .collect();
    let rows = match labelled {
        Some(rows) => rows,
        None => per_backend!(conn, db => follow_up_views!()
            .filter(follow_ups::patient_id.eq(p))
            .filter(follow_ups::center_id.eq(center))
            .order(follow_ups::due_on.asc())
            .load(db))?,
    };
    convert(rows, view)
}

/// How a follow-up names its patient.
struct Named<'a> {
    id: &'a str,
    case_number: &'a str,
    family_name: &'a str,
    given_name: &'a str,
}

/// Which kinds of record a patient has besides consultations (which nearly every patient
/// has, so they are read without asking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Present {
    referrals: bool,
    follow_ups: bool,
    consents: bool,
    provisions: bool,
    program_changes: bool,
    project_sessions: bool,
    events: bool,
}

/// The `EXISTS` look-ups of [`Present`], each on an index that starts with the patient; each
/// table names the patient and the center in columns of the same names.
macro_rules! presence {
    ($center:expr, $patient:expr) => {{
        use diesel::dsl::exists;
        macro_rules! has {
            ($t:ident) => {
                exists(
                    $t::table
                        .filter($t::patient_id.eq($patient))
                        .filter($t::center_id.eq($center)),
                )
            };
        }
        (
            has!(referrals),
            has!(follow_ups),
            has!(consents),
            has!(data_provisions),
            has!(patient_program_changes),
            has!(shoman_session_participants),
            has!(event_attendees),
        )
    }};
}

type Flags = (bool, bool, bool, bool, bool, bool, bool);

impl Present {
    /// One statement of `EXISTS` look-ups.
    fn of(conn: &mut DbConn, center: &str, patient: &str) -> R<Self> {
        let flags = per_backend!(conn, c => diesel::select(presence!(center, patient))
            .get_result::<Flags>(c))?;
        Ok(Self::from(flags))
    }

    /// The patient with the same look-ups and its consultations, in the one statement that
    /// reads the patient: the timeline reads all three anyway, and a round trip costs more
    /// than the look-ups sent again with each consultation. The patient's own columns come
    /// on one row only (the one of its first consultation, or the only row when it has
    /// none), joined a second time on that row alone; the other rows carry NULLs, so
    /// neither the database nor the decoding repeats them for every consultation of a long
    /// history (a patient of an intractable disease may have hundreds).
    fn with_patient(
        conn: &mut DbConn,
        center: Uuid,
        id: Uuid,
    ) -> R<Option<(Patient, Self, Vec<ConsultationRow>)>> {
        let rows = joined_rows(conn, &center.to_string(), &id.to_string())?;
        let Some(&(_, ref merged_into, r, f, c, p, ch, s, e, _)) = rows.first() else {
            return Ok(None);
        };
        let (merged_into, has) = (merged_into.clone(), Self::from((r, f, c, p, ch, s, e)));
        let mut carried = None;
        let mut consultations = Vec::with_capacity(rows.len());
        for (patient, _, _, _, _, _, _, _, _, consultation) in rows {
            carried = carried.or(patient);
            consultations.extend(consultation);
        }
        let row = carried.ok_or_else(|| {
            DomainError::Internal("the patient read came without the patient's columns".into())
        })?;
        let patient = patient_unless_merged((row, merged_into))?;
        Ok(Some((patient, has, consultations)))
    }
}

/// A row of [`Present::with_patient`]'s statement: the patient's columns (on one row only),
/// its `merged_into`, the look-ups, and one consultation (none if it has none).
type JoinedRow = (
    Option<PatientRow>,
    Option<String>,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    Option<ConsultationRow>,
);

/// The rows of [`Present::with_patient`]'s one statement, in order of time.
fn joined_rows(conn: &mut DbConn, c: &str, p: &str) -> R<Vec<JoinedRow>> {
    let (referrals, follow_ups, consents, provisions, changes, sessions, events) = presence!(c, p);
    // The patient as found (its center's, merged or not) and as carried (its columns).
    let (found, earlier) = diesel::alias!(patients as found, consultations as earlier);
    let first_in_time = earlier
        .filter(earlier.field(consultations::patient_id).eq(p))
        .filter(earlier.field(consultations::center_id).eq(c))
        // The first in time, on the patient's (patient, time) index: `min(id)` would be
        // planned as a walk of the primary key until the patient's first row turned up.
        .order((
            earlier.field(consultations::occurred_at).asc(),
            earlier.field(consultations::id).asc(),
        ))
        .select(earlier.field(consultations::id))
        .limit(1)
        .single_value();
    Ok(per_backend!(conn, db => found
        .left_join(
            consultations::table.on(consultations::patient_id
                .eq(found.field(patients::id).nullable())
                .and(consultations::center_id.eq(found.field(patients::center_id)))),
        )
        // The patient's key on the carrying row, NULL on the others: a key the index
        // look-up matches nothing with at once, where a condition beside the key would
        // look the patient up on every row and drop it after.
        .left_join(
            patients::table.on(patients::id.nullable().eq(diesel::dsl::case_when(
                consultations::id
                    .nullable()
                    .eq(first_in_time)
                    .or(consultations::id.nullable().is_null()),
                found.field(patients::id),
            ))),
        )
        .filter(found.field(patients::id).eq(p))
        .filter(found.field(patients::center_id).eq(c))
        .order(consultations::occurred_at.asc())
        .select((
            Option::<PatientRow>::as_select(),
            found.field(patients::merged_into),
            referrals,
            follow_ups,
            consents,
            provisions,
            changes,
            sessions,
            events,
            Option::<ConsultationRow>::as_select(),
        ))
        .load(db))?)
}

impl From<Flags> for Present {
    fn from(
        (referrals, follow_ups, consents, provisions, program_changes, sessions, events): Flags,
    ) -> Self {
        Self {
            referrals,
            follow_ups,
            consents,
            provisions,
            program_changes,
            project_sessions: sessions,
            events,
        }
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

    /// A consultation of `patient` at `at` (a raw row); returns its id.
    fn consult(c: &mut DbConn, center: &str, patient: &str, at: &str) -> String {
        let id = Uuid::now_v7().to_string();
        diesel::sql_query(format!(
            "INSERT INTO consultations (id, center_id, patient_id, occurred_at, channel, \
             requester, topics, consultant_id, created_by, created_at, updated_at) VALUES \
             ('{id}', '{center}', '{patient}', '{at}', 'phone', 'patient', 'employment', \
             'test', 'test', '{at}', '{at}')"
        ))
        .execute(c)
        .expect("consultation");
        id
    }

    /// A change of `referral`'s level at `at` (a raw row); returns its id.
    fn change_level(c: &mut DbConn, center: &str, referral: &str, at: &str) -> String {
        let id = Uuid::now_v7().to_string();
        diesel::sql_query(format!(
            "INSERT INTO referral_level_changes (id, center_id, referral_id, from_level, \
             to_level, changed_by, changed_at) VALUES ('{id}', '{center}', '{referral}', \
             'information_only', 'accompanied', 'test', '{at}')"
        ))
        .execute(c)
        .expect("level change");
        id
    }

    /// A patient, an agency, a referral to it and a follow-up of that referral: raw rows,
    /// since foreign keys are off. Returns the referral's id.
    fn referred_and_followed(c: &mut DbConn, center: &str, patient: &str) -> String {
        let (agency, referral) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        for sql in [
            format!(
                "INSERT INTO patients (id, center_id, case_number, family_name, given_name, \
                 family_name_kana, given_name_kana, birth_date, program, employment_status, \
                 support_awareness, search_key, created_by, created_at, updated_at) VALUES \
                 ('{patient}', '{center}', '2026-0007', '山田', '花子', 'ヤマダ', 'ハナコ', \
                 '1990-01-01', 'nanbyo', 'job_seeking', 'unaware', '', 'test', \
                 '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
            ),
            format!(
                "INSERT INTO agencies (id, center_id, agency_type, name, created_at, updated_at) \
                 VALUES ('{agency}', '{center}', 'hello_work', 'ハローワーク飯田橋', \
                 '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
            ),
            format!(
                "INSERT INTO referrals (id, center_id, patient_id, agency_id, purpose, level, \
                 referred_on, status, consultant_id, created_by, created_at, updated_at) VALUES \
                 ('{referral}', '{center}', '{patient}', '{agency}', 'new_employment', \
                 'accompanied', '2026-12-01', 'open', 'test', 'test', '2026-12-01 00:00:00', \
                 '2026-12-01 00:00:00')"
            ),
            format!(
                "INSERT INTO follow_ups (id, center_id, referral_id, patient_id, assignee_id, \
                 due_on, created_by, created_at, updated_at) VALUES ('{}', '{center}', \
                 '{referral}', '{patient}', '{}', '2026-12-15', '{}', '2026-12-01 00:00:00', \
                 '2026-12-01 00:00:00')",
                Uuid::now_v7(),
                Uuid::now_v7(),
                Uuid::now_v7()
            ),
        ] {
            diesel::sql_query(sql).execute(c).expect("row");
        }
        referral
    }

    #[test]
    fn the_patient_comes_with_the_kinds_of_its_records_in_one_statement() {
        let (mut c, seen) = memory_db();
        let (center, other_center, id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let (center_s, id_s) = (center.to_string(), id.to_string());
        referred_and_followed(&mut c, &center_s, &id_s);
        attend(&mut c, &center_s, &id_s);
        // The fixture's raw row names its maker as text; a patient read wants a user's id.
        diesel::sql_query(format!(
            "UPDATE patients SET created_by = '{}' WHERE id = '{id}'",
            Uuid::now_v7()
        ))
        .execute(&mut c)
        .expect("maker");
        // Two consultations of the patient, entered out of order, and one of another center
        // naming the same id (not this center's record).
        let later = consult(&mut c, &center_s, &id_s, "2026-12-03 10:00:00");
        let earlier = consult(&mut c, &center_s, &id_s, "2026-12-02 09:00:00");
        consult(
            &mut c,
            &other_center.to_string(),
            &id_s,
            "2026-12-02 12:00:00",
        );
        sent(&seen);
        let (patient, has, consultations) = Present::with_patient(&mut c, center, id)
            .expect("read")
            .expect("the center's patient");
        assert_eq!(sent(&seen).len(), 1);
        let ids: Vec<&str> = consultations.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, [earlier.as_str(), later.as_str()]);
        // The patient's columns come once, on the row of its first consultation, not again
        // with every consultation.
        let rows = joined_rows(&mut c, &center_s, &id_s).expect("rows");
        let carrying: Vec<Option<&str>> = rows
            .iter()
            .filter(|r| r.0.is_some())
            .map(|r| r.9.as_ref().map(|c| c.id.as_str()))
            .collect();
        assert_eq!(carrying, [Some(earlier.as_str())]);
        // The same as the patient read and the look-ups on their own.
        assert_eq!(
            Some(&patient),
            crate::patients::patient(&mut c, center, id)
                .expect("read")
                .as_ref()
        );
        assert_eq!(
            has,
            Present::of(&mut c, &center_s, &id_s).expect("look-ups")
        );
        assert!(has.referrals && has.follow_ups && has.events && !has.consents);
        // Without consultations the patient and the look-ups are answered all the same.
        diesel::delete(consultations::table)
            .execute(&mut c)
            .expect("delete");
        let (alone, has_alone, none) = Present::with_patient(&mut c, center, id)
            .expect("read")
            .expect("the center's patient");
        assert_eq!((alone, has_alone), (patient, has));
        assert!(none.is_empty());
        let rows = joined_rows(&mut c, &center_s, &id_s).expect("rows");
        assert!(matches!(rows.as_slice(), [(Some(_), .., None)]));
        // Another center's patient is not there; a merged one says where it went.
        assert!(
            Present::with_patient(&mut c, other_center, id)
                .expect("read")
                .is_none()
        );
        let into = Uuid::now_v7();
        diesel::sql_query(format!(
            "UPDATE patients SET merged_into = '{into}' WHERE id = '{id}'"
        ))
        .execute(&mut c)
        .expect("merge");
        assert!(matches!(
            Present::with_patient(&mut c, center, id),
            Err(crate::error::StoreError::Domain(
                tsunagu_domain::DomainError::PatientMerged { into: i }
            )) if i == into
        ));
    }

    #[test]
    fn consultations_at_the_same_moment_still_carry_the_patient_once() {
        let (mut c, _) = memory_db();
        let (center, id) = (Uuid::now_v7(), Uuid::now_v7());
        let (center_s, id_s) = (center.to_string(), id.to_string());
        referred_and_followed(&mut c, &center_s, &id_s);
        let at = "2026-12-02 09:00:00";
        let mut made: Vec<String> = (0..3)
            .map(|_| consult(&mut c, &center_s, &id_s, at))
            .collect();
        let rows = joined_rows(&mut c, &center_s, &id_s).expect("rows");
        assert_eq!(rows.iter().filter(|r| r.0.is_some()).count(), 1);
        let mut read: Vec<String> = rows.into_iter().filter_map(|r| r.9.map(|c| c.id)).collect();
        made.sort();
        read.sort();
        assert_eq!(read, made);
    }

    #[test]
    fn follow_ups_are_labelled_from_what_was_read_and_joined_only_when_it_falls_short() {
        let (mut c, seen) = memory_db();
        let (center, patient) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let referral = referred_and_followed(&mut c, &center, &patient);
        let named = Named {
            id: &patient,
            case_number: "2026-0007",
            family_name: "山田",
            given_name: "花子",
        };
        let referrals: Vec<(ReferralRow, String, String)> = referrals::table
            .inner_join(agencies::table)
            .filter(referrals::id.eq(&referral))
            .select((
                ReferralRow::as_select(),
                agencies::name,
                agencies::agency_type,
            ))
            .load(&mut c)
            .expect("referral");
        sent(&seen);
        let labelled = follow_ups_of(&mut c, &center, &named, &referrals).expect("read");
        // One table read: the labels come from the patient and the referral given.
        let statements = sent(&seen);
        assert_eq!(statements.len(), 1);
        assert!(!statements[0].contains("JOIN"), "{}", statements[0]);
        // Without the referral (which the case's rules do not let happen), the join
        // labels the follow-up from the stored rows instead: the same answer.
        let joined = follow_ups_of(&mut c, &center, &named, &[]).expect("read");
        assert!(sent(&seen).iter().any(|s| s.contains("JOIN")));
        assert_eq!(labelled, joined);
        let [f] = labelled.as_slice() else {
            panic!("one follow-up: {labelled:?}")
        };
        assert_eq!(f.case_number, "2026-0007");
        assert_eq!(f.patient_name, "山田 花子");
        assert_eq!(f.agency_name, "ハローワーク飯田橋");
        assert_eq!(f.level, tsunagu_domain::values::Level::Accompanied);
        // Another center's follow-ups are not this center's.
        let other = Uuid::now_v7().to_string();
        assert!(
            follow_ups_of(&mut c, &other, &named, &referrals)
                .expect("read")
                .is_empty()
        );
    }

    /// On PostgreSQL (`TSUNAGU_TEST_POSTGRES_URL`): the joined read of the patient is planned
    /// once on its connection and the plan reused, not planned again on every execution.
    #[test]
    fn on_postgresql_the_patient_read_is_planned_once() {
        #[derive(QueryableByName)]
        struct Plans {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            generic_plans: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            custom_plans: i64,
        }
        let (mut c, _, _drop) = crate::testing::pg_db();
        let (center, id) = (Uuid::now_v7(), Uuid::now_v7());
        for _ in 0..8 {
            assert!(
                Present::with_patient(&mut c, center, id)
                    .expect("read")
                    .is_none()
            );
        }
        let plans: Plans = diesel::sql_query(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
             WHERE statement LIKE '%LEFT OUTER JOIN \"consultations\"%'",
        )
        .get_result(&mut c)
        .expect("the statement, prepared");
        assert_eq!((plans.generic_plans, plans.custom_plans), (8, 0));
    }

    #[test]
    fn referrals_come_with_their_level_changes_in_one_statement() {
        let (mut c, seen) = memory_db();
        let (center, patient) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let first = referred_and_followed(&mut c, &center, &patient);
        // A second referral, of a later date, through the same agency.
        let second = Uuid::now_v7().to_string();
        diesel::sql_query(format!(
            "INSERT INTO referrals (id, center_id, patient_id, agency_id, purpose, level, \
             referred_on, status, consultant_id, created_by, created_at, updated_at) \
             SELECT '{second}', center_id, patient_id, agency_id, purpose, level, \
             '2026-12-05', status, consultant_id, created_by, created_at, updated_at \
             FROM referrals WHERE id = '{first}'"
        ))
        .execute(&mut c)
        .expect("second referral");
        // Level changes interleaved in time across the two referrals.
        let a = change_level(&mut c, &center, &first, "2026-12-01 09:00:00");
        let b = change_level(&mut c, &center, &second, "2026-12-05 09:00:00");
        let d = change_level(&mut c, &center, &first, "2026-12-06 09:00:00");
        sent(&seen);
        let (referrals, levels) = referrals_of(&mut c, &center, &patient).expect("read");
        assert_eq!(sent(&seen).len(), 1);
        let ids: Vec<&str> = referrals.iter().map(|(r, _, _)| r.id.as_str()).collect();
        assert_eq!(ids, [first.as_str(), second.as_str()]);
        assert!(
            referrals
                .iter()
                .all(|(_, name, kind)| name == "ハローワーク飯田橋" && kind == "hello_work")
        );
        let ids: Vec<&str> = levels.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, [a.as_str(), b.as_str(), d.as_str()]);
        // Another center's read of the same patient finds nothing.
        let other = Uuid::now_v7().to_string();
        let (none, no_levels) = referrals_of(&mut c, &other, &patient).expect("read");
        assert!(none.is_empty() && no_levels.is_empty());
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
