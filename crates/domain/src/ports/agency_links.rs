use super::StoreResult;
use crate::audit::AuditDraft;
use crate::cases::AgencyLink;
use crate::entities::FollowUp;
use uuid::Uuid;

/// What an agency's confirmation writes, all in one transaction: the link spent, the
/// follow-up it records (an open one completed at `completes` — its version — or a new
/// done one), and the referral gone to review.
#[derive(Debug, Clone)]
pub struct AgencyConfirmation {
    /// The link as it is after the confirmation (`used_at`, `outcome`, `follow_up_id` set).
    pub link: AgencyLink,
    pub follow_up: FollowUp,
    /// The version of the open follow-up this completes; `None` inserts `follow_up`.
    pub completes: Option<i32>,
}

pub trait AgencyLinkStore {
    fn insert_agency_link(&self, link: &AgencyLink, audit: &AuditDraft) -> StoreResult<()>;
    fn agency_link(&self, center: Uuid, id: Uuid) -> StoreResult<Option<AgencyLink>>;
    /// The link whose token hashes to this, in whatever center: the agency has no account.
    fn agency_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<AgencyLink>>;
    /// A referral's links, newest first.
    fn agency_links(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<AgencyLink>>;
    /// Revokes a link still unused; `false` when it was used (or revoked) meanwhile.
    fn revoke_agency_link(&self, link: &AgencyLink, audit: &AuditDraft) -> StoreResult<bool>;
    /// Spends the link and records the follow-up (see [`AgencyConfirmation`]); `false`, with
    /// nothing written, when the link was spent or revoked meanwhile (two officers at once).
    fn confirm_agency_link(
        &self,
        c: &AgencyConfirmation,
        audit: &[AuditDraft],
    ) -> StoreResult<bool>;
}
