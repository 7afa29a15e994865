//! Data leaving Tsunagu in forms others read: one patient's case as FHIR R4 ([`fhir`]) and
//! the disclosure of everything held about a patient to that patient (APPI
//! 保有個人データの開示, [`disclosure`]), a center's existing 台帳 moved in ([`import`]), and
//! the bulk export of a center's case data ([`export`]).

pub mod disclosure;
pub mod export;
pub mod fhir;
pub mod import;

use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::ports::Scope;
use serde_json::Value;
use uuid::Uuid;

crate::facade!(
    /// Exporting a patient's records: `services.exchange()`.
    Exchange,
    exchange
);

impl Exchange<'_> {
    /// The patient's case as a FHIR R4 `Bundle` (see [`fhir::patient_bundle`]). Read like
    /// the patient record itself, and logged as a read of it before it is answered.
    #[tracing::instrument(name = "exchange.patient_fhir", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn patient_fhir(&self, ctx: &Ctx, id: Uuid) -> Result<Value, DomainError> {
        self.guard(ctx, Action::PatientFhir, Some(id), || {
            let center_id = policy::export_patient(&ctx.actor)?;
            let reach = policy::PatientReach::Center(center_id);
            let patient = self.patients().reachable(reach, id)?;
            let center = self.store.center(center_id)?.ok_or(DomainError::NotFound)?;
            let history = self.store.case_history(center_id, &patient)?;
            let mut agencies = Vec::new();
            for r in &history.referrals {
                if agencies
                    .iter()
                    .any(|a: &crate::entities::Agency| a.id == r.agency_id)
                {
                    continue;
                }
                if let Some(a) = self.store.agency(Scope::Center(center_id), r.agency_id)? {
                    agencies.push(a);
                }
            }
            let follow_ups: Vec<_> = history
                .follow_ups
                .iter()
                .map(|f| f.follow_up.clone())
                .collect();
            let bundle = fhir::patient_bundle(
                fhir::CaseRecords {
                    center: &center,
                    patient: &patient,
                    agencies: &agencies,
                    referrals: &history.referrals,
                    follow_ups: &follow_ups,
                    consents: &history.consents,
                },
                Uuid::now_v7(),
                self.clock.now(),
            );
            self.log_read(ctx, Action::PatientFhir, id, id)?;
            Ok(bundle)
        })
    }
}
