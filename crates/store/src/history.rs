//! A patient's whole path, for the timeline: read across the case features in one go.

use crate::DieselStore;
use crate::activities::events_naming;
use crate::consents::consents_of;
use crate::consultations::ConsultationRow;
use crate::follow_ups::{FollowUpRow, ViewRow, follow_up_views, view};
use crate::patients::program_changes_of;
use crate::referral_rows::{LevelChangeRow, ReferralRow, provisions_of};
use crate::rows::convert;
use crate::schema::{
    agencies, consultations, follow_ups, patients, referral_level_changes, referrals,
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
            let consultations: Vec<ConsultationRow> = consultations::table
                .filter(consultations::patient_id.eq(&p))
                .filter(consultations::center_id.eq(&c))
                .order(consultations::occurred_at.asc())
                .select(ConsultationRow::as_select())
                .load(conn)?;
            let referral_rows: Vec<ReferralRow> = referrals::table
                .filter(referrals::patient_id.eq(&p))
                .filter(referrals::center_id.eq(&c))
                .order(referrals::referred_on.asc())
                .select(ReferralRow::as_select())
                .load(conn)?;
            let referral_ids: Vec<String> = referral_rows.iter().map(|r| r.id.clone()).collect();
            // No referral, no level change: no round trip for them.
            let level_rows: Vec<LevelChangeRow> = if referral_ids.is_empty() {
                Vec::new()
            } else {
                referral_level_changes::table
                    .filter(referral_level_changes::referral_id.eq_any(&referral_ids))
                    .filter(referral_level_changes::center_id.eq(&c))
                    .order(referral_level_changes::changed_at.asc())
                    .select(LevelChangeRow::as_select())
                    .load(conn)?
            };
            let follow_rows: Vec<ViewRow> = follow_up_views!()
                .filter(follow_ups::patient_id.eq(&p))
                .filter(follow_ups::center_id.eq(&c))
                .order(follow_ups::due_on.asc())
                .load(conn)?;
            Ok(CaseHistory {
                consents: consents_of(conn, center, patient_id)?,
                consultations: convert(consultations, ConsultationRow::into_entity)?,
                referrals: convert(referral_rows, ReferralRow::into_entity)?,
                level_changes: convert(level_rows, LevelChangeRow::into_entity)?,
                follow_ups: convert(follow_rows, view)?,
                provisions: provisions_of(conn, center, patient_id)?,
                program_changes: program_changes_of(conn, center, patient_id)?,
                project_sessions: sessions_naming(conn, center, patient_id)?,
                events: events_naming(conn, center, patient_id)?,
            })
        })
    }
}
