use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::shoman::{LiaisonContact, LiaisonFilter, LiaisonProvision, PlanAction};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// 小慢 liaison contacts and the records of provision they leave.
pub trait LiaisonStore {
    /// Writes the contact with its record of provision (and that record's event) in one
    /// transaction; re-checks inside it that the named consent still covers the provision
    /// (422 `consent_required` when it was withdrawn meanwhile). Returns the stored
    /// `updated_at`.
    fn insert_liaison_contact(
        &self,
        c: &LiaisonContact,
        provision: Option<&LiaisonProvision>,
        audit: &AuditDraft,
        provision_audit: Option<&AuditDraft>,
    ) -> StoreResult<DateTime<Utc>>;
    /// A contact of the center, with its record of provision.
    fn liaison_contact(&self, center: Uuid, id: Uuid) -> StoreResult<Option<LiaisonContact>>;
    /// Newest contact day first.
    fn liaison_contacts(
        &self,
        center: Uuid,
        filter: &LiaisonFilter,
        page: PageRequest,
    ) -> StoreResult<Page<LiaisonContact>>;
    /// Writes the contact if it is still at `expected_version` (412 otherwise), with a new
    /// record of provision as for an insert.
    fn save_liaison_contact(
        &self,
        c: &LiaisonContact,
        expected_version: i32,
        provision: Option<&LiaisonProvision>,
        audit: &AuditDraft,
        provision_audit: Option<&AuditDraft>,
    ) -> StoreResult<LiaisonContact>;
    /// A support-plan action of the center by its id alone.
    fn plan_action_by_id(&self, center: Uuid, id: Uuid) -> StoreResult<Option<PlanAction>>;
}
