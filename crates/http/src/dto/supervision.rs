//! Wire types of supervision: reviews, the audit queue, notifications and the summary.

use super::{
    AgencyType, FollowUpDto, Level, NotificationKind, PlanQueueReason, PlanState, QueueReason,
    ReviewDecision, ReviewState, date, ts,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A supervisor's review of a referral's follow-up work.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub reviewer_id: Uuid,
    #[schema(value_type = ReviewDecision)]
    pub decision: String,
    pub comment: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<tsunagu_domain::entities::Review> for ReviewDto {
    fn from(r: tsunagu_domain::entities::Review) -> Self {
        Self {
            id: r.id,
            referral_id: r.referral_id,
            reviewer_id: r.reviewer_id,
            decision: r.decision.as_str().to_owned(),
            comment: r.comment,
            created_at: ts(r.created_at),
        }
    }
}

/// Approve the referral's follow-up work, or return it for correction (with a comment).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "returned", "comment": "就職先の記録が不足しています"}))]
pub struct CreateReview {
    #[schema(value_type = ReviewDecision)]
    pub decision: String,
    /// Required when returning.
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub comment: Option<String>,
}

/// A referral needing a supervisor's eye, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemDto {
    pub referral_id: Uuid,
    /// Most urgent first.
    #[schema(value_type = Vec<QueueReason>)]
    pub reasons: Vec<&'static str>,
    pub patient_id: Uuid,
    pub case_number: String,
    pub patient_name: String,
    pub agency_name: String,
    #[schema(value_type = super::AgencyType)]
    pub agency_type: String,
    #[schema(value_type = Level)]
    pub level: String,
    #[schema(format = Date)]
    pub referred_on: String,
    pub consultant_id: Uuid,
    #[schema(value_type = ReviewState)]
    pub review_state: String,
    /// Open follow-ups and the earliest due date among them.
    pub open_follow_ups: i64,
    #[schema(format = Date)]
    pub earliest_open_due: Option<String>,
    /// Days the earliest open follow-up is overdue (0 when none is).
    pub days_overdue: i64,
}

impl From<tsunagu_domain::supervision::QueueItem> for QueueItemDto {
    fn from(q: tsunagu_domain::supervision::QueueItem) -> Self {
        let r = q.row.referral;
        Self {
            referral_id: r.id,
            reasons: q.reasons.iter().map(|x| x.as_str()).collect(),
            patient_id: r.patient_id,
            case_number: q.row.case_number,
            patient_name: q.row.patient_name,
            agency_name: q.row.agency_name,
            agency_type: r.agency_type.as_str().to_owned(),
            level: r.level.as_str().to_owned(),
            referred_on: date(r.referred_on),
            consultant_id: r.consultant_id,
            review_state: r.review_state.as_str().to_owned(),
            open_follow_ups: q.row.open_follow_ups,
            earliest_open_due: q.row.earliest_open_due.map(date),
            days_overdue: q.days_overdue,
        }
    }
}

/// A 小慢 support plan needing a supervisor's eye, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanQueueItemDto {
    pub plan_id: Uuid,
    /// Most urgent first.
    #[schema(value_type = Vec<PlanQueueReason>)]
    pub reasons: Vec<&'static str>,
    pub patient_id: Uuid,
    pub case_number: String,
    pub patient_name: String,
    #[schema(value_type = PlanState)]
    pub state: String,
    pub revision: i32,
    pub author_id: Uuid,
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
    /// The earliest due day of the plan's open actions.
    #[schema(format = Date)]
    pub earliest_open_action_due: Option<String>,
    /// Days the review, or else the earliest action, is overdue (0 when neither is).
    pub days_overdue: i64,
}

impl From<tsunagu_domain::shoman::queue::PlanQueueItem> for PlanQueueItemDto {
    fn from(q: tsunagu_domain::shoman::queue::PlanQueueItem) -> Self {
        let p = q.row.plan;
        Self {
            plan_id: p.id,
            reasons: q.reasons.iter().map(|x| x.as_str()).collect(),
            patient_id: p.patient_id,
            case_number: q.row.patient.case_number,
            patient_name: q.row.patient.name,
            state: p.state.as_str().to_owned(),
            revision: p.revision,
            author_id: p.author_id,
            review_due_on: p.review_due_on.map(date),
            earliest_open_action_due: q.row.earliest_open_action_due.map(date),
            days_overdue: q.days_overdue,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanReasonCountDto {
    #[schema(value_type = PlanQueueReason)]
    pub reason: &'static str,
    pub count: i64,
}

/// The 小慢 support plans part of the audit queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanQueueDto {
    /// Plans needing the supervisor's eye.
    pub total: i64,
    pub by_reason: Vec<PlanReasonCountDto>,
    /// The 100 most urgent, most urgent first (the plan list's filters reach the rest).
    pub items: Vec<PlanQueueItemDto>,
}

impl From<tsunagu_domain::shoman::queue::PlanQueue> for PlanQueueDto {
    fn from(q: tsunagu_domain::shoman::queue::PlanQueue) -> Self {
        Self {
            total: q.total,
            by_reason: q
                .by_reason
                .into_iter()
                .map(|(reason, count)| PlanReasonCountDto {
                    reason: reason.as_str(),
                    count,
                })
                .collect(),
            items: q.items.into_iter().map(PlanQueueItemDto::from).collect(),
        }
    }
}

/// A page of the audit queue, most urgent first, with counts of the whole queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditQueueDto {
    /// Referrals in the whole queue.
    pub total: i64,
    /// How many referrals of the whole queue carry each reason (one may carry several), most
    /// urgent first; reasons nobody carries are left out.
    pub by_reason: Vec<ReasonCountDto>,
    pub items: Vec<QueueItemDto>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// 小慢 support plans needing the supervisor's eye (the same on every page); absent
    /// where the center does not run the `shoman` program.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_plans: Option<PlanQueueDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonCountDto {
    #[schema(value_type = QueueReason)]
    pub reason: &'static str,
    pub count: i64,
}

/// Something the caller should act on.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    #[schema(value_type = NotificationKind)]
    pub kind: &'static str,
    pub referral_id: Uuid,
    pub patient_id: Uuid,
    /// For an escalated follow-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    /// For a returned referral: its patient and agency.
    pub patient_name: Option<String>,
    pub case_number: Option<String>,
    pub agency_name: Option<String>,
    /// For a returned referral: the review with its comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewDto>,
}

impl NotificationDto {
    pub fn new(n: tsunagu_domain::supervision::Notification, today: NaiveDate) -> Self {
        use tsunagu_domain::supervision::Notification;
        match n {
            Notification::Escalated {
                follow_up,
                days_overdue,
            } => Self {
                kind: "follow_up_escalated",
                referral_id: follow_up.follow_up.referral_id,
                patient_id: follow_up.follow_up.patient_id,
                follow_up: Some(FollowUpDto::new(follow_up, today)),
                days_overdue: Some(days_overdue),
                patient_name: None,
                case_number: None,
                agency_name: None,
                review: None,
            },
            Notification::Returned {
                referral,
                review,
                patient,
                agency_name,
            } => Self {
                kind: "review_returned",
                referral_id: referral.id,
                patient_id: referral.patient_id,
                follow_up: None,
                days_overdue: None,
                patient_name: patient.as_ref().map(|p| p.name.clone()),
                case_number: patient.map(|p| p.case_number),
                agency_name,
                review: Some(review.into()),
            },
        }
    }
}

/// Follow-up work of one consultant or one agency type in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRowDto {
    /// Set in `by_consultant`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultant_id: Option<Uuid>,
    /// Set in `by_agency_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<super::AgencyType>)]
    pub agency_type: Option<&'static str>,
    /// Follow-ups due in the period (cancelled ones excluded).
    pub follow_ups_due: i64,
    pub done_on_time: i64,
    /// `done_on_time / follow_ups_due`.
    pub on_time_rate: Option<f64>,
    pub overdue_now: i64,
    pub median_days_to_first_follow_up: Option<f64>,
    pub referrals_by_level: super::LevelCounts,
    pub returned_reviews: i64,
}

impl SummaryRowDto {
    pub fn new(
        consultant_id: Option<Uuid>,
        agency_type: Option<&'static str>,
        r: tsunagu_domain::supervision::SummaryRow,
    ) -> Self {
        Self {
            consultant_id,
            agency_type,
            follow_ups_due: r.follow_ups_due,
            done_on_time: r.done_on_time,
            on_time_rate: r.on_time_rate,
            overdue_now: r.overdue_now,
            median_days_to_first_follow_up: r.median_days_to_first_follow_up,
            referrals_by_level: r.referrals_by_level.into(),
            returned_reviews: r.returned_reviews,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionSummaryDto {
    pub period: super::PeriodDto,
    pub by_consultant: Vec<SummaryRowDto>,
    pub by_agency_type: Vec<SummaryRowDto>,
}

/// The audit queue's page and filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQueueQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (of the same filters).
    pub cursor: Option<String>,
    /// Only referrals carrying this reason (among others). `total` counts them; `by_reason`
    /// follows every filter but this one, so each count is what choosing it would show.
    #[param(value_type = Option<QueueReason>)]
    pub reason: Option<String>,
    #[param(value_type = Option<Level>)]
    pub level: Option<String>,
    /// The consultant in charge.
    pub consultant_id: Option<Uuid>,
    #[param(value_type = Option<AgencyType>)]
    pub agency_type: Option<String>,
    /// Referred on or after this day.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Referred on or before this day (not before `from`: 422 `before_from`).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
}
