use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::regional::administrations::Administration;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdministrationChanges {
    pub name: Option<String>,
    pub suppression_threshold: Option<i32>,
    pub active: Option<bool>,
}

/// A center assigned to an administration, as its officers may know it (no patient data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedCenter {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

pub trait AdministrationStore {
    fn insert_administration(&self, a: &Administration, audit: &AuditDraft) -> StoreResult<()>;
    fn administration(&self, id: Uuid) -> StoreResult<Option<Administration>>;
    fn administration_by_code(&self, code: &str) -> StoreResult<Option<Administration>>;
    /// Every administration, or only `only`.
    fn administrations(
        &self,
        only: Option<Uuid>,
        page: PageRequest,
    ) -> StoreResult<Page<Administration>>;
    fn update_administration(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: &AdministrationChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Administration>;
    /// The centers assigned to the administration, in id order.
    fn administration_centers(&self, id: Uuid) -> StoreResult<Vec<AssignedCenter>>;
}
