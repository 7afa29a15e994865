use super::StoreResult;
use crate::audit::AuditDraft;
use crate::regional::issues::LinkedFigure;
use crate::regional::publication::Publication;
use crate::values::{IssueCategory, IssueStage};
use chrono::NaiveDate;
use uuid::Uuid;

/// A council with the meetings it held in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilFact {
    pub id: Uuid,
    pub administration_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    /// `intractable`, `pediatric` or `joint`.
    pub kind: String,
    /// `prefecture`, `secondary_medical_area` or `health_center`.
    pub scope: String,
    pub active: bool,
    pub meetings_held: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueFact {
    pub administration_id: Uuid,
    pub category: IssueCategory,
    pub stage: IssueStage,
}

/// What the publication and the ministry's part-2 tables are computed from.
pub trait PublicationStore {
    /// Councils (of one administration, or all) with their meetings held in `[from, to]`.
    fn council_facts(
        &self,
        administration: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<CouncilFact>>;
    fn issue_facts(&self, administration: Option<Uuid>) -> StoreResult<Vec<IssueFact>>;
    /// Measures done in `[from, to]`, and every measure not dropped, of the administration's
    /// issues.
    fn measure_counts(
        &self,
        administration: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(i64, i64)>;
    /// Council members whose term overlaps `[from, to]`, per category (`medical`, …).
    fn member_categories(
        &self,
        administration: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// Every figure linked to the administration's issues, with the issue's title.
    fn administration_figures(
        &self,
        administration: Uuid,
    ) -> StoreResult<Vec<(String, LinkedFigure)>>;
    /// Publishes (or publishes again) the year's summary.
    fn save_publication(&self, p: &Publication, audit: &AuditDraft) -> StoreResult<Publication>;
    fn publication(
        &self,
        administration: Uuid,
        fiscal_year: i32,
    ) -> StoreResult<Option<Publication>>;
    /// The administration's publications, newest year first.
    fn publications(&self, administration: Uuid) -> StoreResult<Vec<Publication>>;
}
