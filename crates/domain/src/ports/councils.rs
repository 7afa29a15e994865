use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::User;
use crate::page::{Page, PageRequest};
use crate::regional::councils::{Council, CouncilMember};
use crate::regional::meetings::{Attachment, AttachmentMeta, Meeting};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Which councils a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CouncilFilter {
    /// One administration's (an officer's); `None`: every administration's.
    pub administration: Option<Uuid>,
    /// Only these (a council member's seats).
    pub only: Option<Vec<Uuid>>,
    /// The 部会 of this council.
    pub parent_id: Option<Uuid>,
}

/// Regional councils, their members, meetings and the papers given out at them.
pub trait CouncilStore {
    fn insert_council(&self, c: &Council, audit: &AuditDraft) -> StoreResult<()>;
    fn council(&self, id: Uuid) -> StoreResult<Option<Council>>;
    /// In id order.
    fn councils(&self, filter: &CouncilFilter, page: PageRequest) -> StoreResult<Page<Council>>;
    /// Writes `c` over the stored council if its version is still `expected_version`.
    fn save_council(
        &self,
        c: &Council,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Council>;

    fn insert_council_member(&self, m: &CouncilMember, audit: &AuditDraft) -> StoreResult<()>;
    fn council_member(&self, id: Uuid) -> StoreResult<Option<CouncilMember>>;
    /// One council's members in id order.
    fn council_members(&self, council: Uuid, page: PageRequest)
    -> StoreResult<Page<CouncilMember>>;
    /// The ids of a council's members (to check a meeting's attendees).
    fn council_member_ids(&self, council: Uuid) -> StoreResult<Vec<Uuid>>;
    fn save_council_member(
        &self,
        m: &CouncilMember,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<CouncilMember>;
    /// Every seat of a signed-in council member.
    fn seats(&self, user: Uuid) -> StoreResult<Vec<CouncilMember>>;
    /// Creates `user` and links it to member `member` (whose version must still be
    /// `expected_version` and who has no sign-in yet: else 409 `account_exists`), with the
    /// events, in one transaction.
    fn give_member_account(
        &self,
        member: Uuid,
        expected_version: i32,
        user: &User,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &[AuditDraft],
    ) -> StoreResult<CouncilMember>;
    /// Records the pledge on every seat of `user` not pledged yet; answers them all.
    fn pledge(
        &self,
        user: Uuid,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Vec<CouncilMember>>;

    fn insert_meeting(&self, m: &Meeting, audit: &AuditDraft) -> StoreResult<()>;
    fn meeting(&self, id: Uuid) -> StoreResult<Option<Meeting>>;
    /// One council's meetings, the latest first (`held_on` then id, descending).
    fn meetings(&self, council: Uuid, page: PageRequest) -> StoreResult<Page<Meeting>>;
    /// Writes `m` (and its attendees) over the stored meeting if its version is still
    /// `expected_version`.
    fn save_meeting(
        &self,
        m: &Meeting,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Meeting>;

    fn insert_attachment(&self, a: &Attachment, audit: &AuditDraft) -> StoreResult<()>;
    /// A meeting's papers in id order, without their content.
    fn attachments(&self, meeting: Uuid) -> StoreResult<Vec<AttachmentMeta>>;
    fn attachment(&self, meeting: Uuid, id: Uuid) -> StoreResult<Option<Attachment>>;
    fn delete_attachment(&self, meeting: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()>;
}
