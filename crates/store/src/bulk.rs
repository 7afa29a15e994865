//! Bulk loading for `tsunagu demo-data`: many rows per statement and per transaction, which
//! the one-record-at-a-time `Store` methods are not built for. Rows are written exactly as
//! the `Store` would write them (same row types, same search grams).

use crate::DieselStore;
use crate::audit::append_events;
use crate::centers::CenterRow;
use crate::consents::ConsentRow;
use crate::consultations::ConsultationRow;
use crate::db::DbConn;
use crate::error::StoreError;
use crate::follow_ups::FollowUpRow;
use crate::patients::PatientRow;
use crate::referral_rows::{LevelChangeRow, ProvisionRow, ReferralRow};
use crate::schema::{
    case_counters, consents, consultations, data_provisions, follow_ups, patient_search_grams,
    patients, referral_level_changes, referrals,
};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{
    Consent, Consultation, FollowUp, LevelChange, Patient, Provision, Referral,
};

/// One transaction's worth of a center's case records.
#[derive(Debug, Default)]
pub struct CaseBatch {
    pub patients: Vec<Patient>,
    pub consents: Vec<Consent>,
    pub consultations: Vec<Consultation>,
    pub referrals: Vec<Referral>,
    pub level_changes: Vec<LevelChange>,
    pub provisions: Vec<Provision>,
    pub follow_ups: Vec<FollowUp>,
}

/// Both backends cap the bind parameters of one statement (SQLite 32766, PostgreSQL 65535).
const MAX_BINDS: usize = 32_000;

macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr, $cols:expr) => {{
        for chunk in $rows.chunks(MAX_BINDS / $cols) {
            match $conn {
                DbConn::Pg(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    }};
}

impl DieselStore {
    /// Writes a batch in one transaction. Patients must be new; their case numbers are the
    /// caller's, and `counters` (center, fiscal year, last number) are set to match.
    pub fn bulk_insert(
        &self,
        batch: &CaseBatch,
        counters: &[(String, i32, i32)],
        audit: &[AuditDraft],
    ) -> Result<(), DomainError> {
        self.write(|conn| {
            let rows: Vec<PatientRow> =
                batch.patients.iter().map(PatientRow::from_entity).collect();
            insert_chunks!(conn, patients::table, rows, 25);
            let grams: Vec<_> = batch
                .patients
                .iter()
                .flat_map(|p| {
                    let center = p.center_id.to_string();
                    let id = p.id.to_string();
                    p.search_grams().into_iter().map(move |g| {
                        (
                            patient_search_grams::center_id.eq(center.clone()),
                            patient_search_grams::gram.eq(g),
                            patient_search_grams::patient_id.eq(id.clone()),
                        )
                    })
                })
                .collect();
            insert_chunks!(conn, patient_search_grams::table, grams, 3);
            let rows: Vec<ConsentRow> =
                batch.consents.iter().map(ConsentRow::from_entity).collect();
            insert_chunks!(conn, consents::table, rows, 11);
            let rows: Vec<ConsultationRow> = batch
                .consultations
                .iter()
                .map(ConsultationRow::from_entity)
                .collect();
            insert_chunks!(conn, consultations::table, rows, 15);
            let rows: Vec<ReferralRow> = batch
                .referrals
                .iter()
                .map(ReferralRow::from_entity)
                .collect();
            insert_chunks!(conn, referrals::table, rows, 18);
            let rows: Vec<LevelChangeRow> = batch
                .level_changes
                .iter()
                .map(LevelChangeRow::from_entity)
                .collect();
            insert_chunks!(conn, referral_level_changes::table, rows, 8);
            let rows: Vec<ProvisionRow> = batch
                .provisions
                .iter()
                .map(ProvisionRow::from_entity)
                .collect();
            insert_chunks!(conn, data_provisions::table, rows, 10);
            let rows: Vec<FollowUpRow> = batch
                .follow_ups
                .iter()
                .map(FollowUpRow::from_entity)
                .collect();
            insert_chunks!(conn, follow_ups::table, rows, 17);
            // The rollups, as the one-by-one writes would have left them.
            let mut d = crate::rollup::Deltas::default();
            for c in &batch.consultations {
                d.consultation(c, 1);
            }
            let mut achieved = Vec::new();
            for r in &batch.referrals {
                let by_follow_up = batch.follow_ups.iter().any(|f| {
                    f.referral_id == r.id && f.outcome.is_some_and(|o| o.achieves(r.purpose))
                });
                let yes = by_follow_up || r.outcome.is_some_and(|o| o.achieves(r.purpose));
                d.referral(r, yes, 1);
                if yes {
                    achieved.push(r.id.to_string());
                }
            }
            d.apply(conn)?;
            for chunk in achieved.chunks(MAX_BINDS) {
                diesel::update(referrals::table.filter(referrals::id.eq_any(chunk)))
                    .set(referrals::achieved.eq(true))
                    .execute(conn)?;
            }
            for (center, year, last) in counters {
                let n = diesel::update(
                    case_counters::table
                        .filter(case_counters::center_id.eq(center))
                        .filter(case_counters::fiscal_year.eq(year)),
                )
                .set(case_counters::last_number.eq(last))
                .execute(conn)?;
                if n == 0 {
                    diesel::insert_into(case_counters::table)
                        .values((
                            case_counters::center_id.eq(center),
                            case_counters::fiscal_year.eq(year),
                            case_counters::last_number.eq(last),
                        ))
                        .execute(conn)?;
                }
            }
            append_events(conn, audit)?;
            Ok::<(), StoreError>(())
        })
    }

    /// Refreshes the planners' statistics after a bulk load (autovacuum would, later): the
    /// search plans depend on them.
    pub fn analyze(&self) -> Result<(), DomainError> {
        self.read(|c| {
            diesel::sql_query("ANALYZE").execute(c)?;
            Ok(())
        })
    }

    /// A center by its code, for the command line.
    pub fn center_by_code(
        &self,
        code: &str,
    ) -> Result<Option<tsunagu_domain::entities::Center>, DomainError> {
        use crate::schema::centers;
        self.read(|c| {
            let row: Option<CenterRow> = centers::table
                .filter(centers::code.eq(code))
                .select(CenterRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(CenterRow::into_entity).transpose()?)
        })
    }

    /// How many patients a center has: demo data goes only into an empty center.
    pub fn count_patients(&self, center: uuid::Uuid) -> Result<i64, DomainError> {
        self.read(|c| {
            Ok(patients::table
                .filter(patients::center_id.eq(center.to_string()))
                .count()
                .get_result(c)?)
        })
    }
}
