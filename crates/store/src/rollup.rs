//! The report rollups, kept in the same transaction as the change they count: a change that
//! rolls back takes its counts with it, so the figures always equal the records.

use crate::db::DbConn;
use crate::error::R;
use crate::held_rows;
use crate::prepared::prepared_if;
use crate::schema::{
    consultation_counts, consultation_patients, follow_ups, referral_counts,
    referral_outcome_totals, referral_patients, referrals,
};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::upsert::excluded;
use std::collections::HashMap;
use tsunagu_domain::clock::tokyo_date;
use tsunagu_domain::entities::{Consultation, Referral};
use tsunagu_domain::reports::referral_achieved;
use tsunagu_domain::values::{self, CaseOutcome};

/// Both backends cap bind parameters per statement; stay well under SQLite's 32766.
const MAX_BINDS: usize = 30_000;

/// Up to this many rows an upsert is kept prepared (see [`crate::prepared`]): one record's
/// deltas are a few rows; a batch's chunks of hundreds would each be a statement kept.
const FEW_ROWS: usize = 16;

/// Runs an upsert of many rows: on PostgreSQL kept prepared when they are few; SQLite's batch
/// inserts go through diesel's own path for that backend.
macro_rules! upsert {
    ($conn:expr, $few:expr, $c:ident => $query:expr) => {
        match $conn {
            DbConn::Pg($c) => prepared_if($few, $query).run($c),
            DbConn::Sqlite($c) => $query.execute($c).map(drop),
        }
    };
}

/// [`upsert!`] for a count nothing reads back in the same transaction: on PostgreSQL a few
/// rows are sent with the transaction's last statement (see [`crate::later`]).
macro_rules! count {
    ($conn:expr, $table:literal, $few:expr, $c:ident => $query:expr) => {
        if $few && matches!($conn, DbConn::Pg(_)) {
            held_rows::upsert_later($conn, $table, Box::new($query))
        } else {
            upsert!($conn, false, $c => $query)
        }
    };
}

/// Center, day, dimension and value of the daily consultation counts.
type ConsultationKey = (String, NaiveDate, &'static str, String);
type ReferralKey = (String, NaiveDate, String, String, String);
type PatientYearKey = (String, i32, String);
type ReferralPatientKey = (String, i32, String, String, String);

/// Deltas to add to the rollups, gathered for one record.
#[derive(Default)]
pub(crate) struct Deltas {
    consultations: HashMap<ConsultationKey, i32>,
    consulted: HashMap<PatientYearKey, i32>,
    referrals: HashMap<ReferralKey, i32>,
    /// (referrals, achieved) per patient, year, type and purpose.
    referred: HashMap<ReferralPatientKey, (i32, i32)>,
}

impl Deltas {
    pub(crate) fn consultation(&mut self, c: &Consultation, delta: i32) {
        let day = tokyo_date(c.occurred_at);
        let center = c.center_id.to_string();
        let mut add = |dim: &'static str, value: &str| {
            *self
                .consultations
                .entry((center.clone(), day, dim, value.to_owned()))
                .or_default() += delta;
        };
        add("total", "all");
        add("channel", c.channel.as_str());
        add("requester", c.requester.as_str());
        for t in &c.topics {
            add("topic", t.as_str());
        }
        if c.with_employment_supporter {
            add("joint", "yes");
        }
        if c.patient_id.is_none() {
            add("anonymous", "yes");
        }
        if let Some(p) = c.patient_id {
            *self
                .consulted
                .entry((center, values::fiscal_year(day), p.to_string()))
                .or_default() += delta;
        }
    }

    pub(crate) fn referral(&mut self, r: &Referral, achieved: bool, delta: i32) {
        let center = r.center_id.to_string();
        *self
            .referrals
            .entry((
                center.clone(),
                r.referred_on,
                r.agency_type.as_str().to_owned(),
                r.purpose.as_str().to_owned(),
                r.level.as_str().to_owned(),
            ))
            .or_default() += delta;
        let e = self
            .referred
            .entry((
                center,
                values::fiscal_year(r.referred_on),
                r.agency_type.as_str().to_owned(),
                r.purpose.as_str().to_owned(),
                r.patient_id.to_string(),
            ))
            .or_default();
        e.0 += delta;
        if achieved {
            e.1 += delta;
        }
    }

    /// A referral came to count as having reached its outcome (`delta` 1), or stopped
    /// counting (-1); see [`settle_achieved`].
    pub(crate) fn achieved(&mut self, r: &Referral, delta: i32) {
        self.referred
            .entry((
                r.center_id.to_string(),
                values::fiscal_year(r.referred_on),
                r.agency_type.as_str().to_owned(),
                r.purpose.as_str().to_owned(),
                r.patient_id.to_string(),
            ))
            .or_default()
            .1 += delta;
    }

    /// Adds the deltas with upserts, many rows per statement.
    pub(crate) fn apply(self, conn: &mut DbConn) -> R<()> {
        let rows: Vec<_> = self
            .consultations
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((c, d, dim, v), n)| {
                use consultation_counts::dsl as t_;
                (
                    t_::center_id.eq(c),
                    t_::day.eq(d),
                    t_::dim.eq(dim),
                    t_::value.eq(v),
                    t_::n.eq(n),
                )
            })
            .collect();
        for chunk in rows.chunks(MAX_BINDS / 5) {
            use consultation_counts::dsl as t_;
            count!(conn, "consultation_counts", chunk.len() <= FEW_ROWS, c => diesel::insert_into(t_::consultation_counts)
                .values(chunk.to_vec())
                .on_conflict((t_::center_id, t_::day, t_::dim, t_::value))
                .do_update()
                .set(t_::n.eq(t_::n + excluded(t_::n))))?;
        }
        let rows: Vec<_> = self
            .consulted
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((c, y, p), n)| {
                use consultation_patients::dsl as t_;
                (
                    t_::center_id.eq(c),
                    t_::fiscal_year.eq(y),
                    t_::patient_id.eq(p),
                    t_::n.eq(n),
                )
            })
            .collect();
        for chunk in rows.chunks(MAX_BINDS / 4) {
            use consultation_patients::dsl as t_;
            count!(conn, "consultation_patients", chunk.len() <= FEW_ROWS, c => diesel::insert_into(t_::consultation_patients)
                .values(chunk.to_vec())
                .on_conflict((t_::center_id, t_::fiscal_year, t_::patient_id))
                .do_update()
                .set(t_::n.eq(t_::n + excluded(t_::n))))?;
        }
        let rows: Vec<_> = self
            .referrals
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((c, d, at, p, l), n)| {
                use referral_counts::dsl as t_;
                (
                    t_::center_id.eq(c),
                    t_::day.eq(d),
                    t_::agency_type.eq(at),
                    t_::purpose.eq(p),
                    t_::level.eq(l),
                    t_::n.eq(n),
                )
            })
            .collect();
        for chunk in rows.chunks(MAX_BINDS / 6) {
            use referral_counts::dsl as t_;
            count!(conn, "referral_counts", chunk.len() <= FEW_ROWS, c => diesel::insert_into(t_::referral_counts)
                .values(chunk.to_vec())
                .on_conflict((t_::center_id, t_::day, t_::agency_type, t_::purpose, t_::level))
                .do_update()
                .set(t_::n.eq(t_::n + excluded(t_::n))))?;
        }
        // Patients referred and achieving, per year, type and purpose, follow from how each
        // patient's row moves across zero: read the rows the deltas touch, then write both.
        let referred: Vec<_> = self
            .referred
            .into_iter()
            .filter(|(_, (n, a))| *n != 0 || *a != 0)
            .collect();
        let mut existing: HashMap<ReferralPatientKey, (i32, i32)> = HashMap::new();
        let ids: Vec<String> = {
            let mut v: Vec<String> = referred
                .iter()
                .map(|((_, _, _, _, p), _)| p.clone())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        for chunk in ids.chunks(MAX_BINDS) {
            use referral_patients::dsl as t_;
            let rows: Vec<(String, i32, String, String, String, i32, i32)> = t_::referral_patients
                .filter(t_::patient_id.eq_any(chunk))
                .select((
                    t_::center_id,
                    t_::fiscal_year,
                    t_::agency_type,
                    t_::purpose,
                    t_::patient_id,
                    t_::referrals,
                    t_::achieved,
                ))
                .load(conn)?;
            for (c, y, at, p, pid, n, a) in rows {
                existing.insert((c, y, at, p, pid), (n, a));
            }
        }
        let mut totals: HashMap<(String, i32, String, String), (i32, i32)> = HashMap::new();
        for (key, (dn, da)) in &referred {
            let (on, oa) = existing.get(key).copied().unwrap_or((0, 0));
            let (nn, na) = (on + dn, oa + da);
            let was = (on > 0, on > 0 && oa > 0);
            let now = (nn > 0, nn > 0 && na > 0);
            let e = totals
                .entry((key.0.clone(), key.1, key.2.clone(), key.3.clone()))
                .or_default();
            e.0 += i32::from(now.0) - i32::from(was.0);
            e.1 += i32::from(now.1) - i32::from(was.1);
        }
        let rows: Vec<_> = referred
            .into_iter()
            .map(|((c, y, at, p, pid), (n, a))| {
                use referral_patients::dsl as t_;
                (
                    t_::center_id.eq(c),
                    t_::fiscal_year.eq(y),
                    t_::agency_type.eq(at),
                    t_::purpose.eq(p),
                    t_::patient_id.eq(pid),
                    t_::referrals.eq(n),
                    t_::achieved.eq(a),
                )
            })
            .collect();
        for chunk in rows.chunks(MAX_BINDS / 7) {
            use referral_patients::dsl as t_;
            upsert!(conn, chunk.len() <= FEW_ROWS, c => diesel::insert_into(t_::referral_patients)
            .values(chunk)
            .on_conflict((t_::center_id, t_::fiscal_year, t_::agency_type, t_::purpose, t_::patient_id))
            .do_update()
            .set((
                t_::referrals.eq(t_::referrals + excluded(t_::referrals)),
                t_::achieved.eq(t_::achieved + excluded(t_::achieved)),
            )))?;
        }
        let rows: Vec<_> = totals
            .into_iter()
            .filter(|(_, (n, a))| *n != 0 || *a != 0)
            .map(|((c, y, at, p), (n, a))| {
                use referral_outcome_totals::dsl as t_;
                (
                    t_::center_id.eq(c),
                    t_::fiscal_year.eq(y),
                    t_::agency_type.eq(at),
                    t_::purpose.eq(p),
                    t_::patients.eq(n),
                    t_::achieved.eq(a),
                )
            })
            .collect();
        for chunk in rows.chunks(MAX_BINDS / 6) {
            use referral_outcome_totals::dsl as t_;
            upsert!(conn, chunk.len() <= FEW_ROWS, c => diesel::insert_into(t_::referral_outcome_totals)
            .values(chunk)
            .on_conflict((t_::center_id, t_::fiscal_year, t_::agency_type, t_::purpose))
            .do_update()
            .set((
                t_::patients.eq(t_::patients + excluded(t_::patients)),
                t_::achieved.eq(t_::achieved + excluded(t_::achieved)),
            )))?;
        }
        Ok(())
    }
}

/// Whether a referral has been counted as having reached its outcome.
pub(crate) fn is_achieved(conn: &mut DbConn, referral_id: &str) -> R<bool> {
    Ok(referrals::table
        .find(referral_id)
        .select(referrals::achieved)
        .first(conn)?)
}

/// Recomputes from the records whether `r` (as it now stands) reached its outcome, stores
/// the flag, and returns it. The rule is the domain's [`referral_achieved`].
pub(crate) fn settle_achieved(conn: &mut DbConn, r: &Referral) -> R<bool> {
    let recorded: Vec<Option<String>> = follow_ups::table
        .filter(follow_ups::referral_id.eq(r.id.to_string()))
        .filter(follow_ups::done_on.is_not_null())
        .select(follow_ups::outcome)
        .load(conn)?;
    let outcomes: Vec<CaseOutcome> = recorded
        .iter()
        .flatten()
        .filter_map(|o| CaseOutcome::parse("outcome", o).ok())
        .collect();
    let now = referral_achieved(r.purpose, r.outcome, &outcomes);
    diesel::update(referrals::table.find(r.id.to_string()))
        .set(referrals::achieved.eq(now))
        .execute(conn)?;
    Ok(now)
}
