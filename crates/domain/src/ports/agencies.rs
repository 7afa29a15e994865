use super::{Scope, StoreResult};
use crate::audit::AuditDraft;
use crate::entities::Agency;
use crate::page::{Page, PageRequest};
use crate::values::AgencyType;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyChanges {
    pub agency_type: Option<AgencyType>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

pub trait AgencyStore {
    fn insert_agency(&self, agency: &Agency, audit: &AuditDraft) -> StoreResult<()>;
    fn agency(&self, scope: Scope, id: Uuid) -> StoreResult<Option<Agency>>;
    fn agencies(
        &self,
        scope: Scope,
        agency_type: Option<AgencyType>,
        page: PageRequest,
    ) -> StoreResult<Page<Agency>>;
    fn update_agency(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &AgencyChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Agency>;
}
