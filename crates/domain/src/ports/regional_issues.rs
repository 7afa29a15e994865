use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::regional::issues::{
    IssueComment, IssueMeeting, LinkedFigure, Measure, RegionalIssue, StageChange,
};
use crate::values::{IssueCategory, IssueStage};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFilter {
    pub stage: Option<IssueStage>,
    pub category: Option<IssueCategory>,
    pub council_id: Option<Uuid>,
    /// Only issues these councils work on (a council member's list).
    pub councils: Option<Vec<Uuid>>,
}

/// The PDCA register of regional issues. Reads take the id alone: the domain checks the
/// record's administration against the caller's reach (another's answers 404).
pub trait RegionalIssueStore {
    /// The administration a council belongs to, if the council exists.
    fn council_administration(&self, council: Uuid) -> StoreResult<Option<Uuid>>;
    /// A new issue with the first entry of its history.
    fn insert_regional_issue(
        &self,
        issue: &RegionalIssue,
        first: &StageChange,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    fn regional_issue(&self, id: Uuid) -> StoreResult<Option<RegionalIssue>>;
    /// An administration's issues (or every administration's), newest first.
    fn regional_issues(
        &self,
        administration: Option<Uuid>,
        filter: &IssueFilter,
        page: PageRequest,
    ) -> StoreResult<Page<RegionalIssue>>;
    /// Saves the issue's fields (not its stage) if it is still at `expected_version`.
    fn save_regional_issue(
        &self,
        issue: &RegionalIssue,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<RegionalIssue>;
    /// Moves the issue to `change.to_stage` and records the change, if the issue is still at
    /// `expected_version`.
    fn change_issue_stage(
        &self,
        issue: Uuid,
        expected_version: i32,
        change: &StageChange,
        audit: &AuditDraft,
    ) -> StoreResult<RegionalIssue>;
    /// The issue's history, oldest first.
    fn stage_changes(&self, issue: Uuid) -> StoreResult<Vec<StageChange>>;
    fn measures(&self, issue: Uuid) -> StoreResult<Vec<Measure>>;
    fn insert_measure(&self, m: &Measure, audit: &AuditDraft) -> StoreResult<()>;
    fn save_measure(
        &self,
        m: &Measure,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Measure>;
    fn linked_figures(&self, issue: Uuid) -> StoreResult<Vec<LinkedFigure>>;
    fn insert_linked_figure(&self, f: &LinkedFigure, audit: &AuditDraft) -> StoreResult<()>;
    /// `false` if the issue has no such figure.
    fn delete_linked_figure(&self, issue: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<bool>;
    /// The issue's comments, oldest first.
    fn issue_comments(&self, issue: Uuid) -> StoreResult<Vec<IssueComment>>;
    fn insert_issue_comment(&self, c: &IssueComment, audit: &AuditDraft) -> StoreResult<()>;
    /// The meetings that discussed the issue, newest first.
    fn issue_meetings(&self, issue: Uuid) -> StoreResult<Vec<IssueMeeting>>;
    /// The issues a meeting discussed, in id order.
    fn meeting_issues(&self, meeting: Uuid) -> StoreResult<Vec<RegionalIssue>>;
    /// Replaces the issues a meeting discussed.
    fn set_meeting_issues(
        &self,
        meeting: Uuid,
        issues: &[Uuid],
        audit: &AuditDraft,
    ) -> StoreResult<()>;
}
