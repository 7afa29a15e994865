//! A patient's path in time order: consents, consultations, referrals, level changes, data
//! provided, follow-ups and the 小慢 optional-project sessions they were named in, in one
//! answer (`services.patients().timeline(…)`).

use super::patients::Patients;
use crate::activities::Event;
use crate::app::{ACCESS_LOG_WAIT, Ctx};
use crate::clock::tokyo_date;
use crate::entities::{
    CaseHistory, Consent, Consultation, FollowUpView, LevelChange, Patient, ProgramChange,
    Provision, Referral,
};
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::shoman::projects::ProjectSession;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One entry of a patient's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineItem {
    Consent(Consent),
    Consultation(Consultation),
    Referral(Referral),
    LevelChange(LevelChange),
    FollowUp(FollowUpView),
    Provision(Provision),
    ProgramChange(ProgramChange),
    /// A session of a 小慢 optional project the patient was named in.
    ProjectSession(ProjectSession),
    /// An event or group activity the patient was named at.
    Event(Event),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The day it happened (or is due), in Asia/Tokyo.
    pub date: NaiveDate,
    /// When it happened or was recorded, to order entries of one day.
    pub at: DateTime<Utc>,
    pub item: TimelineItem,
}

impl Patients<'_> {
    /// A patient's path in time order: consents, consultations, referrals, level changes,
    /// data provided and follow-ups, in one answer.
    #[tracing::instrument(name = "patients.timeline", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn timeline(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<(Patient, Vec<TimelineEntry>), DomainError> {
        self.guard(ctx, Action::PatientTimeline, Some(id), || {
            let reach = policy::patient_reach(&ctx.actor)?;
            // A peer supporter's reach first: nothing of a patient out of it is read, and
            // a read in reach is one the access log may record as soon as it is found.
            self.within_reach(reach, id)?;
            // The patient and its history in one read (a round trip fewer), the center's
            // only. The access event is queued once the patient is found, while the rest
            // of the history is read: a batch another reader writes meanwhile carries it.
            let mut logged = None;
            let (p, history) = self
                .store
                .patient_with_history(reach.center(), id, &mut |_| {
                    logged = Some(self.queue_read(ctx, Action::PatientTimeline, id, id));
                })?
                .ok_or(DomainError::NotFound)?;
            let mut items = merge(history);
            if reach.supporter().is_some() {
                items.retain(|e| peer_sees(&e.item));
            }
            match logged {
                Some(pending) => pending.durable(ACCESS_LOG_WAIT)?,
                None => self.log_read(ctx, Action::PatientTimeline, id, id)?,
            }
            Ok((p, items))
        })
    }
}

/// What of a patient's path a peer supporter sees: the consultations and the events —
/// the peer side of the case. Consents, referrals, follow-ups and the data provided stay
/// with the consultants (see [`policy::PatientReach`]).
pub fn peer_sees(item: &TimelineItem) -> bool {
    matches!(item, TimelineItem::Consultation(_) | TimelineItem::Event(_))
}

/// Merges a patient's records into one time line. Dated records (a referral's date, a
/// follow-up's due or done date) sort by their date and then by when they were recorded,
/// so a referral made after a consultation on the same day comes after it.
fn merge(h: CaseHistory) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for c in h.consents {
        out.push(TimelineEntry {
            date: c.given_on,
            at: c.created_at,
            item: TimelineItem::Consent(c),
        });
    }
    for c in h.consultations {
        out.push(TimelineEntry {
            date: tokyo_date(c.occurred_at),
            at: c.occurred_at,
            item: TimelineItem::Consultation(c),
        });
    }
    for r in h.referrals {
        out.push(TimelineEntry {
            date: r.referred_on,
            at: r.created_at,
            item: TimelineItem::Referral(r),
        });
    }
    // The first level is the referral itself; later ones are changes worth their own line.
    for l in h
        .level_changes
        .into_iter()
        .filter(|l| l.from_level.is_some())
    {
        out.push(TimelineEntry {
            date: tokyo_date(l.changed_at),
            at: l.changed_at,
            item: TimelineItem::LevelChange(l),
        });
    }
    for p in h.provisions {
        out.push(TimelineEntry {
            date: p.provided_on,
            at: p.created_at,
            item: TimelineItem::Provision(p),
        });
    }
    for f in h.follow_ups {
        let (date, at) = match f.follow_up.done_on {
            Some(d) => (d, f.follow_up.updated_at),
            None => (f.follow_up.due_on, f.follow_up.created_at),
        };
        out.push(TimelineEntry {
            date,
            at,
            item: TimelineItem::FollowUp(f),
        });
    }
    for c in h.program_changes {
        out.push(TimelineEntry {
            date: c.changed_on,
            at: c.created_at,
            item: TimelineItem::ProgramChange(c),
        });
    }
    for s in h.project_sessions {
        out.push(TimelineEntry {
            date: s.held_on,
            at: s.created_at,
            item: TimelineItem::ProjectSession(s),
        });
    }
    for e in h.events {
        out.push(TimelineEntry {
            date: e.held_on,
            at: e.created_at,
            item: TimelineItem::Event(e),
        });
    }
    out.sort_by_key(|a| (a.date, a.at));
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, consent, day, follow_up, referral};
    use super::*;
    use crate::values::{AgencyType, Channel, ConsentScope, Level, Requester};

    fn kind(e: &TimelineEntry) -> &'static str {
        match e.item {
            TimelineItem::Consent(_) => "consent",
            TimelineItem::Consultation(_) => "consultation",
            TimelineItem::Referral(_) => "referral",
            TimelineItem::LevelChange(_) => "level_change",
            TimelineItem::FollowUp(_) => "follow_up",
            TimelineItem::Provision(_) => "provision",
            TimelineItem::ProgramChange(_) => "program_change",
            TimelineItem::ProjectSession(_) => "project_session",
            TimelineItem::Event(_) => "event",
        }
    }

    #[test]
    fn records_are_ordered_by_their_day_then_by_when_they_were_recorded() {
        let mut c = consent(ConsentScope::AllAgencies, day(2026, 5, 1));
        c.created_at = at("2026-05-01T09:00:00+09:00");
        // A consultation late in the evening in Tokyo is still that Tokyo day.
        let consultation = Consultation {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            patient_id: None,
            occurred_at: at("2026-05-02T23:30:00+09:00"),
            channel: Channel::Phone,
            requester: Requester::Patient,
            topics: vec![],
            duration_minutes: None,
            with_employment_supporter: false,
            summary: None,
            shoman_menu: None,
            shoman_requester: None,
            consultant_id: Uuid::nil(),
            created_by: Uuid::nil(),
            version: 1,
            created_at: at("2026-05-02T14:30:00Z"),
            updated_at: at("2026-05-02T14:30:00Z"),
        };
        let mut r = referral(Level::AccompaniedWithFollowUp, day(2026, 5, 2));
        r.created_at = at("2026-05-02T10:00:00+09:00");
        let change = |from: Option<Level>, when: &str| LevelChange {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            referral_id: r.id,
            from_level: from,
            to_level: Level::AccompaniedWithFollowUp,
            reason: None,
            changed_by: Uuid::nil(),
            changed_at: at(when),
        };
        let mut done = follow_up(day(2026, 5, 16));
        done.done_on = Some(day(2026, 5, 3));
        done.updated_at = at("2026-05-03T12:00:00+09:00");
        let open = follow_up(day(2026, 5, 20));
        let view = |f| FollowUpView {
            follow_up: f,
            case_number: "2026-0001".into(),
            patient_name: "x".into(),
            agency_id: Uuid::nil(),
            agency_name: "x".into(),
            agency_type: AgencyType::HelloWork,
            level: Level::AccompaniedWithFollowUp,
        };
        let history = CaseHistory {
            consents: vec![c],
            consultations: vec![consultation],
            referrals: vec![r.clone()],
            level_changes: vec![
                change(None, "2026-05-02T10:00:00+09:00"),
                change(Some(Level::Accompanied), "2026-05-02T11:00:00+09:00"),
            ],
            follow_ups: vec![view(open), view(done)],
            provisions: vec![],
            program_changes: vec![],
            project_sessions: vec![],
            events: vec![],
        };
        let entries = merge(history);
        let got: Vec<(&str, NaiveDate)> = entries.iter().map(|e| (kind(e), e.date)).collect();
        assert_eq!(
            got,
            [
                ("consent", day(2026, 5, 1)),
                ("referral", day(2026, 5, 2)),
                ("level_change", day(2026, 5, 2)),
                ("consultation", day(2026, 5, 2)),
                ("follow_up", day(2026, 5, 3)),
                ("follow_up", day(2026, 5, 20)),
            ]
        );
        // A peer supporter sees the consultation and nothing else of this path.
        let peer: Vec<&str> = entries
            .iter()
            .filter(|e| peer_sees(&e.item))
            .map(kind)
            .collect();
        assert_eq!(peer, ["consultation"]);
    }
}
