//! Wire types of a patient's disclosure (APPI 保有個人データの開示): every record held about
//! them, and who read or changed the record and when.

use super::{
    AgencyDto, ConsentDto, ConsultationDto, FollowUpDto, LevelChangeDto, PatientDto,
    ProgramChangeDto, ProjectSessionDto, ProvisionDto, ReferralDto, ts,
};
use chrono::NaiveDate;
use serde::Serialize;
use tsunagu_domain::exchange::disclosure::{AccessEntry, Disclosure};
use utoipa::ToSchema;
use uuid::Uuid;

/// The center that holds the records.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosedCenterDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// A referral with what was provided to the agency under it and its follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosedReferralDto {
    pub referral: ReferralDto,
    /// The agency's name (as registered now).
    pub agency_name: Option<String>,
    /// Its level changes, oldest first (the first is the level it was made at).
    pub level_changes: Vec<LevelChangeDto>,
    /// Personal data provided to the agency (which items, when, under which consent).
    pub provisions: Vec<ProvisionDto>,
    pub follow_ups: Vec<FollowUpDto>,
}

/// One event of the record's trail: who read or changed it, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosedAccessDto {
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// `user`, `client`, `anonymous` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    /// The staff member's name, when it was a person of the center.
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    /// e.g. `patient.read`, `referral.create`, `patient.fhir`.
    pub action: String,
    pub resource_type: String,
    /// `success`, `denied`, `not_found` or `failed`.
    pub outcome: String,
}

impl From<AccessEntry> for DisclosedAccessDto {
    fn from(a: AccessEntry) -> Self {
        let r = a.event.record;
        Self {
            occurred_at: r.occurred_at,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_name: a.actor_name,
            actor_role: r.actor_role,
            action: r.action,
            resource_type: r.resource_type,
            outcome: r.outcome,
        }
    }
}

/// Everything the center holds about one patient, for disclosure to them.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureDto {
    #[schema(format = DateTime)]
    pub produced_at: String,
    pub center: DisclosedCenterDto,
    pub patient: PatientDto,
    /// Oldest first.
    pub consultations: Vec<ConsultationDto>,
    /// Oldest first, withdrawn ones too.
    pub consents: Vec<ConsentDto>,
    /// Oldest first, each with its provisions and follow-ups.
    pub referrals: Vec<DisclosedReferralDto>,
    /// Moves between programs (難病, 小慢).
    pub program_changes: Vec<ProgramChangeDto>,
    /// 小慢 optional-project sessions the patient was named in.
    pub project_sessions: Vec<ProjectSessionDto>,
    /// Events and group activities the patient was named at.
    pub events: Vec<crate::activities::events::EventDto>,
    /// The agencies named above.
    pub agencies: Vec<AgencyDto>,
    /// Who read or changed the record and when, oldest first (this disclosure's own event
    /// is recorded after it is produced, so it appears in the next one).
    pub access_events: Vec<DisclosedAccessDto>,
}

impl DisclosureDto {
    pub fn new(d: Disclosure, today: NaiveDate) -> Self {
        let h = d.history;
        let agency_name = |id: Uuid| {
            d.agencies
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
        };
        let referrals = h
            .referrals
            .into_iter()
            .map(|r| {
                let id = r.id;
                DisclosedReferralDto {
                    agency_name: agency_name(r.agency_id),
                    level_changes: h
                        .level_changes
                        .iter()
                        .filter(|l| l.referral_id == id)
                        .cloned()
                        .map(LevelChangeDto::from)
                        .collect(),
                    provisions: h
                        .provisions
                        .iter()
                        .filter(|p| p.referral_id == id)
                        .cloned()
                        .map(ProvisionDto::from)
                        .collect(),
                    follow_ups: h
                        .follow_ups
                        .iter()
                        .filter(|f| f.follow_up.referral_id == id)
                        .cloned()
                        .map(|f| FollowUpDto::new(f, today))
                        .collect(),
                    referral: r.into(),
                }
            })
            .collect();
        Self {
            produced_at: ts(d.produced_at),
            center: DisclosedCenterDto {
                id: d.center.id,
                code: d.center.code,
                name: d.center.name,
            },
            patient: d.patient.into(),
            consultations: h.consultations.into_iter().map(Into::into).collect(),
            consents: h.consents.into_iter().map(Into::into).collect(),
            referrals,
            program_changes: h.program_changes.into_iter().map(Into::into).collect(),
            project_sessions: h.project_sessions.into_iter().map(Into::into).collect(),
            events: h.events.into_iter().map(Into::into).collect(),
            agencies: d.agencies.into_iter().map(Into::into).collect(),
            access_events: d.access.into_iter().map(Into::into).collect(),
        }
    }
}
