//! The center's other work: outreach activities (周知) and the registrations they are set
//! against, staff trainings (研修), and events with their named attendees.

mod events;
mod outreach;
mod trainings;

pub(crate) use events::{events_between, events_naming};
pub(crate) use trainings::peer_courses;

use crate::DieselStore;
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_domain::activities::events::EventFilter;
use tsunagu_domain::activities::outreach::{OutreachFilter, Registration};
use tsunagu_domain::activities::trainings::TrainingFilter;
use tsunagu_domain::activities::{Attendee, Event, EventCount, OutreachActivity, Training};
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{ActivityStore, StoreResult};
use tsunagu_domain::reports::ReportScope;
use uuid::Uuid;

/// The port, answered by each feature's file.
impl ActivityStore for DieselStore {
    fn insert_outreach_activity(
        &self,
        a: &OutreachActivity,
        audit: &AuditDraft,
    ) -> StoreResult<OutreachActivity> {
        self.insert_outreach(a, audit)
    }

    fn outreach_activity(&self, center: Uuid, id: Uuid) -> StoreResult<Option<OutreachActivity>> {
        self.outreach_one(center, id)
    }

    fn outreach_activities(
        &self,
        center: Uuid,
        filter: &OutreachFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OutreachActivity>> {
        self.outreach_page(center, filter, page)
    }

    fn save_outreach_activity(
        &self,
        a: &OutreachActivity,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<OutreachActivity> {
        self.save_outreach(a, expected_version, audit)
    }

    fn outreach_held(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<OutreachActivity>> {
        self.outreach_in_period(scope, from, to)
    }

    fn patients_registered(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Registration>> {
        self.registrations(scope, from, to)
    }

    fn insert_training(&self, t: &Training, audit: &AuditDraft) -> StoreResult<Training> {
        self.insert_training_row(t, audit)
    }

    fn training(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Training>> {
        self.training_one(center, id)
    }

    fn trainings(
        &self,
        center: Uuid,
        filter: &TrainingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Training>> {
        self.training_page(center, filter, page)
    }

    fn save_training(
        &self,
        t: &Training,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Training> {
        self.save_training_row(t, expected_version, audit)
    }

    fn insert_event(&self, e: &Event, audit: &AuditDraft) -> StoreResult<Event> {
        self.insert_event_row(e, audit)
    }

    fn event(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Event>> {
        self.event_one(center, id)
    }

    fn events(
        &self,
        center: Uuid,
        filter: &EventFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Event>> {
        self.event_page(center, filter, page)
    }

    fn save_event(
        &self,
        e: &Event,
        expected_version: i32,
        audit: &[AuditDraft],
    ) -> StoreResult<Event> {
        self.save_event_row(e, expected_version, audit)
    }

    fn insert_attendee(
        &self,
        center: Uuid,
        event_id: Uuid,
        a: &Attendee,
        audit: &AuditDraft,
    ) -> StoreResult<Event> {
        self.insert_attendee_row(center, event_id, a, audit)
    }

    fn delete_attendee(
        &self,
        center: Uuid,
        event_id: Uuid,
        patient_id: Uuid,
        audit: &AuditDraft,
    ) -> StoreResult<Event> {
        self.delete_attendee_row(center, event_id, patient_id, audit)
    }

    fn event_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<EventCount>> {
        self.event_counts_in(scope, from, to)
    }
}
