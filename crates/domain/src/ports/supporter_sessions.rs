use super::StoreResult;
use crate::activities::supporter_sessions::{
    Booking, Finding, HeldFact, SessionFact, SessionFilter, SupporterSchedule, SupporterSession,
};
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::reports::ReportScope;
use chrono::NaiveDate;
use uuid::Uuid;

/// 出張相談 with the Hello Work 就職サポーター: schedules, sessions and their booked slots,
/// and the facts the figures are computed from.
pub trait SupporterSessionStore {
    fn insert_supporter_schedule(
        &self,
        s: &SupporterSchedule,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSchedule>;
    fn supporter_schedule(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupporterSchedule>>;
    /// Writes the schedule if it is still at `expected_version` (412 otherwise).
    fn save_supporter_schedule(
        &self,
        s: &SupporterSchedule,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSchedule>;
    /// In id (creation) order.
    fn supporter_schedules(
        &self,
        center: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<SupporterSchedule>>;

    /// Inserts the sessions and their events in one transaction. A session for an office
    /// and day that exists already answers 409 `session_exists` (the database's unique key
    /// decides, so two people generating at once cannot both insert the same day).
    fn insert_supporter_sessions(
        &self,
        sessions: &[SupporterSession],
        audit: &[AuditDraft],
    ) -> StoreResult<Vec<SupporterSession>>;
    /// The days in `[from, to]` on which the office already has a session of the center.
    fn supporter_session_days(
        &self,
        center: Uuid,
        agency: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<NaiveDate>>;
    /// With its bookings, cancelled ones included.
    fn supporter_session(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupporterSession>>;
    /// By day, then id.
    fn supporter_sessions(
        &self,
        center: Uuid,
        filter: &SessionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<SupporterSession>>;
    /// Writes the session if it is still at `expected_version` (412 otherwise).
    fn save_supporter_session(
        &self,
        s: &SupporterSession,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<SupporterSession>;

    /// Books a slot. The database's unique keys refuse a second live booking of the slot
    /// (409 `slot_taken`) or of the patient in the session (409 `patient_already_booked`).
    fn insert_supporter_booking(&self, b: &Booking, audit: &AuditDraft) -> StoreResult<Booking>;
    fn supporter_booking(
        &self,
        center: Uuid,
        session: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<Booking>>;
    /// Writes the booking if it is still at `expected_version` (412 otherwise); with
    /// `session_held`, a `scheduled` session becomes `held` in the same transaction.
    fn save_supporter_booking(
        &self,
        b: &Booking,
        expected_version: i32,
        session_held: bool,
        audit: &AuditDraft,
    ) -> StoreResult<Booking>;

    /// The follow-up findings recorded on these referrals of the center (what was found,
    /// what the agency confirmed), per referral.
    fn referral_findings(
        &self,
        center: Uuid,
        referrals: &[Uuid],
    ) -> StoreResult<Vec<(Uuid, Finding)>>;

    /// The sessions of the scope's centers in `[from, to]` and their held bookings (with the
    /// linked referrals' findings): never a name.
    fn supporter_facts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(Vec<SessionFact>, Vec<HeldFact>)>;
}
