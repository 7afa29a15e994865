use super::StoreResult;
use crate::activities::events::EventFilter;
use crate::activities::outreach::{OutreachFilter, Registration};
use crate::activities::trainings::TrainingFilter;
use crate::activities::{Attendee, Event, EventCount, OutreachActivity, Training};
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::reports::ReportScope;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Outreach activities (周知), staff trainings (研修), events and their attendees, and the
/// counts their figures are computed from.
pub trait ActivityStore {
    fn insert_outreach_activity(
        &self,
        a: &OutreachActivity,
        audit: &AuditDraft,
    ) -> StoreResult<OutreachActivity>;
    fn outreach_activity(&self, center: Uuid, id: Uuid) -> StoreResult<Option<OutreachActivity>>;
    /// In id (creation) order.
    fn outreach_activities(
        &self,
        center: Uuid,
        filter: &OutreachFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OutreachActivity>>;
    /// Writes the activity if it is still at `expected_version` (412 otherwise).
    fn save_outreach_activity(
        &self,
        a: &OutreachActivity,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<OutreachActivity>;
    /// The activities of the scope's centers held in `[from, to]`.
    fn outreach_held(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<OutreachActivity>>;
    /// Every patient of the scope registered in `[from, to)`: center, when, and how they
    /// heard of the center (never a name or an id).
    fn patients_registered(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Registration>>;

    fn insert_training(&self, t: &Training, audit: &AuditDraft) -> StoreResult<Training>;
    fn training(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Training>>;
    /// In id (creation) order.
    fn trainings(
        &self,
        center: Uuid,
        filter: &TrainingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Training>>;
    fn save_training(
        &self,
        t: &Training,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Training>;

    fn insert_event(&self, e: &Event, audit: &AuditDraft) -> StoreResult<Event>;
    /// With its attendees.
    fn event(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Event>>;
    /// In id (creation) order, with their attendees.
    fn events(
        &self,
        center: Uuid,
        filter: &EventFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Event>>;
    /// Writes the event (not its attendees) if still at `expected_version`, with its events
    /// (one per attendee).
    fn save_event(
        &self,
        e: &Event,
        expected_version: i32,
        audit: &[AuditDraft],
    ) -> StoreResult<Event>;
    /// Names a patient at an event and moves the event's version on (409
    /// `already_attending` when they are named already).
    fn insert_attendee(
        &self,
        center: Uuid,
        event_id: Uuid,
        a: &Attendee,
        audit: &AuditDraft,
    ) -> StoreResult<Event>;
    /// Takes a patient off an event's list and moves its version on.
    fn delete_attendee(
        &self,
        center: Uuid,
        event_id: Uuid,
        patient_id: Uuid,
        audit: &AuditDraft,
    ) -> StoreResult<Event>;
    /// Events held in `[from, to]` in the scope's centers, per kind.
    fn event_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<EventCount>>;
}
