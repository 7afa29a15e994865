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
// The records are boxed: one of the nine is set, and inline the entry was as large as all
// nine together (some 2.6 KB), moved whole on every step from the use case's answer to the
// JSON.
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
    pub consent: Option<Box<ConsentDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultation: Option<Box<ConsultationDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<Box<ReferralDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_change: Option<Box<LevelChangeDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision: Option<Box<ProvisionDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<Box<FollowUpDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_change: Option<Box<ProgramChangeDto>>,
    /// A 小慢 optional-project session the patient was named in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_session: Option<Box<ProjectSessionDto>>,
    /// An event or group activity the patient was named at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Box<crate::activities::events::EventDto>>,
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
                d.consent = Some(Box::new(c.into()));
            }
            TimelineItem::Consultation(c) => {
                d.kind = "consultation";
                d.consultation = Some(Box::new(c.into()));
            }
            TimelineItem::Referral(r) => {
                d.kind = "referral";
                d.referral = Some(Box::new(r.into()));
            }
            TimelineItem::LevelChange(l) => {
                d.kind = "level_change";
                d.level_change = Some(Box::new(l.into()));
            }
            TimelineItem::Provision(p) => {
                d.kind = "provision";
                d.provision = Some(Box::new(p.into()));
            }
            TimelineItem::FollowUp(f) => {
                d.kind = "follow_up";
                d.follow_up = Some(Box::new(FollowUpDto::new(f, today)));
            }
            TimelineItem::ProgramChange(c) => {
                d.kind = "program_change";
                d.program_change = Some(Box::new(c.into()));
            }
            TimelineItem::ProjectSession(s) => {
                d.kind = "project_session";
                d.project_session = Some(Box::new(s.into()));
            }
            TimelineItem::Event(e) => {
                d.kind = "event";
                d.event = Some(Box::new(e.into()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_holds_its_record_boxed_not_all_nine_inline() {
        // The kind (16 bytes), the two dates (24 each) and nine pointers (8 each): 136. The
        // smallest records (a level change, a program change) are 144 bytes, so any one held
        // inline breaks the bound; all nine inline made an entry of some 2.6 KB.
        assert!(std::mem::size_of::<TimelineEntryDto>() <= 160);
    }
}
