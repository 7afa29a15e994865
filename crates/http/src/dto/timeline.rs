//! Wire types of a patient's timeline: every record of the case in time order.

use super::{
    ConsentDto, ConsultationDto, FollowUpDto, LevelChangeDto, PatientDto, ProgramChangeDto,
    ProjectSessionDto, ProvisionDto, ReferralDto, TimelineKind, date, ts,
};
use chrono::NaiveDate;
use serde::Serialize;
use tsunagu_domain::cases::{TimelineEntry, TimelineItem};
use utoipa::ToSchema;

/// One entry: `kind` says which of the record fields is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryDto {
    #[schema(value_type = TimelineKind)]
    pub kind: &'static str,
    /// The day (Asia/Tokyo) it happened, or is due.
    #[schema(format = Date)]
    pub date: String,
    #[schema(format = DateTime)]
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultation: Option<ConsultationDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<ReferralDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_change: Option<LevelChangeDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision: Option<ProvisionDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_change: Option<ProgramChangeDto>,
    /// A 小慢 optional-project session the patient was named in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_session: Option<ProjectSessionDto>,
    /// An event or group activity the patient was named at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<crate::activities::events::EventDto>,
}

impl TimelineEntryDto {
    pub fn new(e: TimelineEntry, today: NaiveDate) -> Self {
        let mut d = Self {
            kind: "",
            date: date(e.date),
            at: ts(e.at),
            consent: None,
            consultation: None,
            referral: None,
            level_change: None,
            provision: None,
            follow_up: None,
            program_change: None,
            project_session: None,
            event: None,
        };
        match e.item {
            TimelineItem::Consent(c) => {
                d.kind = "consent";
                d.consent = Some(c.into());
            }
            TimelineItem::Consultation(c) => {
                d.kind = "consultation";
                d.consultation = Some(c.into());
            }
            TimelineItem::Referral(r) => {
                d.kind = "referral";
                d.referral = Some(r.into());
            }
            TimelineItem::LevelChange(l) => {
                d.kind = "level_change";
                d.level_change = Some(l.into());
            }
            TimelineItem::Provision(p) => {
                d.kind = "provision";
                d.provision = Some(p.into());
            }
            TimelineItem::FollowUp(f) => {
                d.kind = "follow_up";
                d.follow_up = Some(FollowUpDto::new(f, today));
            }
            TimelineItem::ProgramChange(c) => {
                d.kind = "program_change";
                d.program_change = Some(c.into());
            }
            TimelineItem::ProjectSession(s) => {
                d.kind = "project_session";
                d.project_session = Some(s.into());
            }
            TimelineItem::Event(e) => {
                d.kind = "event";
                d.event = Some(e.into());
            }
        }
        d
    }
}

/// A patient's path in time order, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineDto {
    pub patient: PatientDto,
    pub items: Vec<TimelineEntryDto>,
}
