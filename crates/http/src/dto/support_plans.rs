//! Wire types of 小慢 support plans (各種支援策の利用計画), their versions, reviews and
//! actions.

use super::{
    ActionState, BodyKind, GoalKind, PlanReviewDue, PlanState, ReviewDecision, TransitionStage,
    date, double_option, ts,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagu_domain::shoman::{
    Goal, GoalInput, PlanAction, PlanReview, PlanVersion, SupportPlan, TransitionEntry, rules,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A goal of a support plan.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalDto {
    #[schema(value_type = GoalKind)]
    pub kind: String,
    #[schema(
        example = "高校卒業後の就職に向けて職場体験に参加する",
        pattern = "{required_prose}",
        max_length = 1000
    )]
    pub text: String,
    /// The day the goal was reached; recorded by revising the plan, so its reviewer sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub achieved_on: Option<String>,
}

impl From<Goal> for GoalDto {
    fn from(g: Goal) -> Self {
        Self {
            kind: g.kind.as_str().to_owned(),
            text: g.text,
            achieved_on: g.achieved_on.map(date),
        }
    }
}

impl From<GoalDto> for GoalInput {
    fn from(g: GoalDto) -> Self {
        Self {
            kind: g.kind,
            text: g.text,
            achieved_on: g.achieved_on,
        }
    }
}

/// 各種支援策の利用計画: a 小慢 child's support plan, as its current revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportPlanDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    /// The child's case number and name, in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_name: Option<String>,
    #[schema(value_type = PlanState)]
    pub state: String,
    /// 1 for the first plan; each revision after a supervisor's decision adds one.
    pub revision: i32,
    /// The child's and family's situation (状況).
    pub situation: Option<String>,
    /// Their wishes (希望).
    pub wishes: Option<String>,
    pub goals: Vec<GoalDto>,
    /// The next review, set when a supervisor approves the plan.
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
    /// Whether that day has passed (Asia/Tokyo).
    pub review_overdue: bool,
    #[schema(format = Date)]
    pub approved_on: Option<String>,
    pub author_id: Uuid,
    pub submitted_by: Option<Uuid>,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl SupportPlanDto {
    /// As a list shows it, with the child's case number and name.
    pub fn with_label(
        p: SupportPlan,
        label: Option<tsunagu_domain::entities::PatientLabel>,
        today: NaiveDate,
    ) -> Self {
        let mut d = Self::new(p, today);
        if let Some(l) = label {
            d.case_number = Some(l.case_number);
            d.patient_name = Some(l.name);
        }
        d
    }

    /// `today` (Asia/Tokyo) decides whether the review is overdue.
    pub fn new(p: SupportPlan, today: NaiveDate) -> Self {
        Self {
            review_overdue: rules::review_overdue(&p, today),
            id: p.id,
            patient_id: p.patient_id,
            case_number: None,
            patient_name: None,
            state: p.state.as_str().to_owned(),
            revision: p.revision,
            situation: p.situation,
            wishes: p.wishes,
            goals: p.goals.into_iter().map(GoalDto::from).collect(),
            review_due_on: p.review_due_on.map(date),
            approved_on: p.approved_on.map(date),
            author_id: p.author_id,
            submitted_by: p.submitted_by,
            created_by: p.created_by,
            created_at: ts(p.created_at),
            updated_at: ts(p.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"patient_id": "0193a0b4-0000-7000-8000-000000000001", "situation": "高校2年。通院は月1回。", "wishes": "卒業後は地元で働きたい", "goals": [{"kind": "employment", "text": "職場体験に参加する"}]}))]
pub struct CreateSupportPlan {
    /// A patient of the `shoman` program (422 `patient_not_shoman` otherwise).
    pub patient_id: Uuid,
    #[schema(pattern = "{prose}", max_length = 4000)]
    pub situation: Option<String>,
    #[schema(pattern = "{prose}", max_length = 4000)]
    pub wishes: Option<String>,
    #[serde(default)]
    pub goals: Vec<GoalDto>,
    /// Whose plan it is: the caller unless a supervisor names a colleague; an API client
    /// must name one.
    pub author_id: Option<Uuid>,
}

/// Fields to change; absent fields stay, `null` clears. Editing a returned or approved plan
/// starts its next revision as a draft; a submitted plan is not edited (422
/// `plan_under_review`). `state: "submitted"` submits a draft for review (it needs the
/// situation or wishes and at least one goal) and keeps that revision in `/versions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupportPlan {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 4000)]
    pub situation: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 4000)]
    pub wishes: Option<Option<String>>,
    pub goals: Option<Vec<GoalDto>>,
    /// Only `submitted`.
    #[schema(value_type = Option<PlanState>)]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupportPlanListQuery {
    pub patient_id: Option<Uuid>,
    #[param(value_type = Option<PlanState>)]
    pub state: Option<String>,
    /// `overdue`: the next review's day has passed (Asia/Tokyo); `scheduled`: today or
    /// later. Either lists by that day, earliest first.
    #[param(value_type = Option<PlanReviewDue>, inline)]
    pub review_due: Option<String>,
    /// `true`: only plans with an open action past its due day.
    pub action_overdue: Option<bool>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A revision as it was submitted for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanVersionDto {
    pub revision: i32,
    pub situation: Option<String>,
    pub wishes: Option<String>,
    pub goals: Vec<GoalDto>,
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
    pub submitted_by: Uuid,
    #[schema(format = DateTime)]
    pub submitted_at: String,
}

impl From<PlanVersion> for PlanVersionDto {
    fn from(v: PlanVersion) -> Self {
        Self {
            revision: v.revision,
            situation: v.situation,
            wishes: v.wishes,
            goals: v.goals.into_iter().map(GoalDto::from).collect(),
            review_due_on: v.review_due_on.map(date),
            submitted_by: v.submitted_by,
            submitted_at: ts(v.submitted_at),
        }
    }
}

/// A supervisor's decision on a submitted revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanReviewDto {
    pub id: Uuid,
    pub plan_id: Uuid,
    /// The revision it decided on.
    pub revision: i32,
    pub reviewer_id: Uuid,
    #[schema(value_type = ReviewDecision)]
    pub decision: String,
    pub comment: Option<String>,
    /// The next review an approval scheduled.
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<PlanReview> for PlanReviewDto {
    fn from(r: PlanReview) -> Self {
        Self {
            id: r.id,
            plan_id: r.plan_id,
            revision: r.revision,
            reviewer_id: r.reviewer_id,
            decision: r.decision.as_str().to_owned(),
            comment: r.comment,
            review_due_on: r.review_due_on.map(date),
            created_at: ts(r.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "approved", "review_due_on": "2027-04-01"}))]
pub struct CreatePlanReview {
    #[schema(value_type = ReviewDecision)]
    pub decision: String,
    /// Required when returning: what to revise.
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub comment: Option<String>,
    /// On approval: the next review (after today), e.g. entering high school or turning
    /// 18; without it, six months after the approval.
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
}

/// An action of a support plan, followed up like a referral.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanActionDto {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub patient_id: Uuid,
    #[schema(value_type = BodyKind)]
    pub body_kind: String,
    /// e.g. 広島県立〇〇高等学校.
    pub body_name: String,
    pub description: Option<String>,
    /// Who is responsible for it.
    pub responsible: String,
    #[schema(format = Date)]
    pub due_on: String,
    #[schema(value_type = ActionState)]
    pub state: String,
    /// Open and past its due day (Asia/Tokyo).
    pub overdue: bool,
    pub outcome: Option<String>,
    #[schema(format = Date)]
    pub next_on: Option<String>,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl PlanActionDto {
    pub fn new(a: PlanAction, today: NaiveDate) -> Self {
        Self {
            overdue: a.is_overdue(today),
            id: a.id,
            plan_id: a.plan_id,
            patient_id: a.patient_id,
            body_kind: a.body_kind.as_str().to_owned(),
            body_name: a.body_name,
            description: a.description,
            responsible: a.responsible,
            due_on: date(a.due_on),
            state: a.state.as_str().to_owned(),
            outcome: a.outcome,
            next_on: a.next_on.map(date),
            created_by: a.created_by,
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body_kind": "school", "body_name": "広島県立〇〇高等学校", "responsible": "担任 山本", "due_on": "2026-07-31", "description": "通院日の欠席への配慮を相談する"}))]
pub struct CreatePlanAction {
    #[schema(value_type = BodyKind)]
    pub body_kind: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub body_name: String,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub description: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub responsible: String,
    #[schema(format = Date)]
    pub due_on: String,
}

/// Fields to change; absent fields stay, `null` clears. Following an action up as `done`,
/// `not_done` or `changed` needs its `outcome`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlanAction {
    #[schema(value_type = Option<BodyKind>)]
    pub body_kind: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub body_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub description: Option<Option<String>>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub responsible: Option<String>,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    #[schema(value_type = Option<ActionState>)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub outcome: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(format = Date)]
    pub next_on: Option<Option<String>>,
}

/// `GET /transition`: how far ahead to look.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransitionQuery {
    /// Children who turn 18 within this many months (1 to 60, default 24), and every older
    /// child still in the 小慢 program.
    #[param(minimum = 1, maximum = 60)]
    pub within_months: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A 小慢 child on the transition (移行期) list, with their latest plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionEntryDto {
    pub patient_id: Uuid,
    pub case_number: String,
    pub patient_name: String,
    #[schema(format = Date)]
    pub birth_date: String,
    pub age: u32,
    #[schema(format = Date)]
    pub turns_18_on: String,
    #[schema(format = Date)]
    pub turns_20_on: String,
    #[schema(value_type = TransitionStage)]
    pub stage: &'static str,
    /// The child's latest support plan.
    pub plan: Option<SupportPlanDto>,
    /// That plan's goals of kind `transition`.
    pub transition_goals: Vec<GoalDto>,
}

impl TransitionEntryDto {
    pub fn new(e: TransitionEntry, today: NaiveDate) -> Self {
        Self {
            patient_id: e.patient.id,
            case_number: e.patient.case_number,
            patient_name: e.patient.name,
            birth_date: date(e.birth_date),
            age: e.age,
            turns_18_on: date(e.turns_18_on),
            turns_20_on: date(e.turns_20_on),
            stage: e.stage.as_str(),
            plan: e.plan.map(|p| SupportPlanDto::new(p, today)),
            transition_goals: e.transition_goals.into_iter().map(GoalDto::from).collect(),
        }
    }
}
