use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::reports::ReportScope;
use crate::shoman::projects::{
    Need, NeedCount, Project, ProjectFact, ProjectSession, SessionCount, ShomanCenter,
};
use crate::values::{NeedKind, NeedStatus, ProjectKind};
use chrono::NaiveDate;
use uuid::Uuid;

/// Which projects a list shows; `active` is judged on `today` (Asia/Tokyo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFilter {
    pub kind: Option<ProjectKind>,
    pub active: Option<bool>,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NeedFilter {
    pub kind: Option<NeedKind>,
    pub status: Option<NeedStatus>,
    pub patient_id: Option<Uuid>,
}

/// The optional projects (任意事業), their sessions and the needs register of 小慢 centers.
pub trait ShomanProjectStore {
    fn insert_project(&self, p: &Project, audit: &AuditDraft) -> StoreResult<Project>;
    fn project(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Project>>;
    /// In id (creation) order.
    fn projects(
        &self,
        center: Uuid,
        filter: &ProjectFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Project>>;
    /// Writes the project if it is still at `expected_version` (412 otherwise).
    fn save_project(
        &self,
        p: &Project,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Project>;

    /// Writes the session with its named participants, and its events (one per named
    /// participant).
    fn insert_project_session(
        &self,
        s: &ProjectSession,
        audit: &[AuditDraft],
    ) -> StoreResult<ProjectSession>;
    fn project_session(&self, center: Uuid, id: Uuid) -> StoreResult<Option<ProjectSession>>;
    /// A project's sessions in id (creation) order.
    fn project_sessions(
        &self,
        center: Uuid,
        project_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<ProjectSession>>;
    /// Writes the session (its participants replaced) if still at `expected_version`.
    fn save_project_session(
        &self,
        s: &ProjectSession,
        expected_version: i32,
        audit: &[AuditDraft],
    ) -> StoreResult<ProjectSession>;

    fn insert_need(&self, n: &Need, audit: &AuditDraft) -> StoreResult<Need>;
    fn need(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Need>>;
    /// In id (creation) order.
    fn needs(
        &self,
        center: Uuid,
        filter: &NeedFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Need>>;
    fn save_need(&self, n: &Need, expected_version: i32, audit: &AuditDraft) -> StoreResult<Need>;

    // --- the figures (never a name or a patient id) ---

    /// The centers of the scope that run the `shoman` program, by code.
    fn shoman_centers(&self, scope: &ReportScope) -> StoreResult<Vec<ShomanCenter>>;
    /// One fact per project of the scope running at some point of `[from, to]`.
    fn projects_running(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ProjectFact>>;
    /// Sessions held in `[from, to]` per center, kind and activity.
    fn session_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SessionCount>>;
    /// Needs noted in `[from, to]` per kind and current status.
    fn need_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<NeedCount>>;
}
