use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::Center;
use crate::page::{Page, PageRequest};
use crate::values::{OperatingType, Program, Role};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterChanges {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    pub operating_type: Option<OperatingType>,
    pub follow_up_days: Option<i32>,
    pub escalation_days: Option<i32>,
    pub sample_percent: Option<i32>,
    pub totp_roles: Option<Vec<Role>>,
    pub programs: Option<Vec<Program>>,
    pub child_assent_age: Option<i32>,
    pub active: Option<bool>,
    /// Assign the center to an administration (`Some(Some)`) or take it out (`Some(None)`).
    pub administration_id: Option<Option<Uuid>>,
}

pub trait CenterStore {
    fn insert_center(&self, center: &Center, audit: &AuditDraft) -> StoreResult<()>;
    fn center(&self, id: Uuid) -> StoreResult<Option<Center>>;
    fn centers(&self, page: PageRequest) -> StoreResult<Page<Center>>;
    fn update_center(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: &CenterChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Center>;
}
