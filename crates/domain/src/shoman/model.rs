//! The records of the 小慢 self-reliance support project.

use crate::values::{ActionState, BodyKind, GoalKind, PlanState, ReviewDecision};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One goal of a support plan: what it is about (自立・就労・就学・療養) and, in words, what
/// the child and family aim for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub kind: GoalKind,
    pub text: String,
    /// The day the goal was reached (recorded in a revision, so its supervisor sees it).
    pub achieved_on: Option<NaiveDate>,
}

/// A goal as a caller sends it.
#[derive(Debug, Clone, Default)]
pub struct GoalInput {
    pub kind: String,
    pub text: String,
    pub achieved_on: Option<String>,
}

/// 各種支援策の利用計画: a 小慢 child's support plan. The record is its current revision;
/// each submitted revision is also kept as a [`PlanVersion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportPlan {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub state: PlanState,
    /// 1 for the first plan; each revision after a supervisor's decision adds one.
    pub revision: i32,
    /// The child's and the family's situation (状況).
    pub situation: Option<String>,
    /// Their wishes (希望).
    pub wishes: Option<String>,
    pub goals: Vec<Goal>,
    /// When the plan is next reviewed: set when a supervisor approves it.
    pub review_due_on: Option<NaiveDate>,
    /// The day the current or last approved revision was approved.
    pub approved_on: Option<NaiveDate>,
    /// Who writes the plan (the 自立支援員); never its reviewer.
    pub author_id: Uuid,
    /// Who submitted the revision under review or last reviewed.
    pub submitted_by: Option<Uuid>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A revision as it was submitted for review; never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub id: Uuid,
    pub center_id: Uuid,
    pub plan_id: Uuid,
    pub revision: i32,
    pub situation: Option<String>,
    pub wishes: Option<String>,
    pub goals: Vec<Goal>,
    pub review_due_on: Option<NaiveDate>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
}

/// A supervisor's decision on a submitted revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanReview {
    pub id: Uuid,
    pub center_id: Uuid,
    pub plan_id: Uuid,
    pub revision: i32,
    pub reviewer_id: Uuid,
    pub decision: ReviewDecision,
    pub comment: Option<String>,
    /// The next review an approval scheduled.
    pub review_due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// What a plan sets in motion, with the body that delivers it, followed up like a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAction {
    pub id: Uuid,
    pub center_id: Uuid,
    pub plan_id: Uuid,
    pub patient_id: Uuid,
    pub body_kind: BodyKind,
    /// e.g. 広島県立〇〇高等学校, ハローワーク広島.
    pub body_name: String,
    pub description: Option<String>,
    /// Who is responsible (a person at the body, or the worker).
    pub responsible: String,
    pub due_on: NaiveDate,
    pub state: ActionState,
    pub outcome: Option<String>,
    /// When it is looked at next.
    pub next_on: Option<NaiveDate>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PlanAction {
    /// Overdue when still open after its due date, in Asia/Tokyo dates.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state == ActionState::Open && self.due_on < today
    }
}
