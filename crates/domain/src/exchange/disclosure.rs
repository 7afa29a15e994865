//! Everything held about one patient, produced for disclosure to them (APPI
//! 保有個人データの開示, 個人情報保護法第33条): the profile, consultations, consents,
//! referrals with the records of data provided and their follow-ups, and who read or
//! changed the record and when (the audit trail's events for the patient).

use super::Exchange;
use crate::app::Ctx;
use crate::audit::AuditEvent;
use crate::entities::{Agency, CaseHistory, Center, Patient};
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::ports::{AuditFilter, Scope};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How many audit events are read per round: a patient's trail is read whole, in pages.
const TRAIL_PAGE: i64 = 500;

/// One event of the patient's trail, with the name of the staff member it was by (when
/// it was a person of the center).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub event: AuditEvent,
    pub actor_name: Option<String>,
}

/// Everything held about one patient.
#[derive(Debug, Clone)]
pub struct Disclosure {
    pub produced_at: DateTime<Utc>,
    pub center: Center,
    pub patient: Patient,
    pub history: CaseHistory,
    /// The agencies the referrals and data provided name.
    pub agencies: Vec<Agency>,
    /// Oldest first.
    pub access: Vec<AccessEntry>,
}

/// The trail's events oldest first (the store answers newest first, page by page).
pub fn oldest_first(mut pages: Vec<Vec<AuditEvent>>) -> Vec<AuditEvent> {
    let mut all: Vec<AuditEvent> = pages.drain(..).flatten().collect();
    all.sort_by_key(|e| e.seq);
    all.dedup_by_key(|e| e.seq);
    all
}

impl Exchange<'_> {
    /// Everything held about the patient, for the supervisor to hand to them. Audited as
    /// a disclosure (durable before it is answered).
    #[tracing::instrument(name = "exchange.disclosure", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn disclosure(&self, ctx: &Ctx, id: Uuid) -> Result<Disclosure, DomainError> {
        self.guard(ctx, Action::PatientDisclosure, Some(id), || {
            let center_id = policy::disclose_patient(&ctx.actor)?;
            let reach = policy::PatientReach::Center(center_id);
            let patient = self.patients().reachable(reach, id)?;
            let center = self.store.center(center_id)?.ok_or(DomainError::NotFound)?;
            let history = self.store.case_history(center_id, id)?;
            let mut agencies: Vec<Agency> = Vec::new();
            let named = history
                .referrals
                .iter()
                .map(|r| r.agency_id)
                .chain(history.provisions.iter().map(|p| p.agency_id));
            for agency_id in named {
                if agencies.iter().any(|a| a.id == agency_id) {
                    continue;
                }
                if let Some(a) = self.store.agency(Scope::Center(center_id), agency_id)? {
                    agencies.push(a);
                }
            }
            let mut pages = Vec::new();
            let mut before = None;
            loop {
                let filter = AuditFilter {
                    center: Some(center_id),
                    patient_id: Some(id),
                    before_seq: before,
                    ..AuditFilter::default()
                };
                let page = self.store.audit_events(&filter, TRAIL_PAGE)?;
                let full = page.len() as i64 == TRAIL_PAGE;
                before = page.iter().map(|e| e.seq).min();
                pages.push(page);
                if !full || before.is_none() {
                    break;
                }
            }
            let events = oldest_first(pages);
            let mut names: Vec<(String, Option<String>)> = Vec::new();
            let mut access = Vec::with_capacity(events.len());
            for event in events {
                let actor_name = match &event.record.actor_id {
                    None => None,
                    Some(a) => match names.iter().find(|(k, _)| k == a) {
                        Some((_, n)) => n.clone(),
                        None => {
                            let n = match Uuid::parse_str(a) {
                                Ok(u) => self
                                    .store
                                    .user(Scope::Center(center_id), u)?
                                    .map(|u| u.display_name),
                                Err(_) => None,
                            };
                            names.push((a.clone(), n.clone()));
                            n
                        }
                    },
                };
                access.push(AccessEntry { event, actor_name });
            }
            self.log_read(ctx, Action::PatientDisclosure, id, id)?;
            Ok(Disclosure {
                produced_at: self.clock.now(),
                center,
                patient,
                history,
                agencies,
                access,
            })
        })
    }
}
