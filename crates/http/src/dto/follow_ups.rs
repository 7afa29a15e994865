//! Wire types of follow-ups (フォローアップ).

use super::{
    AgencyOutcome, CaseOutcome, Contacted, FollowUpMethod, FollowUpQueueState, FollowUpState,
    Level, date, double_option, ts,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::FollowUpView;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// フォローアップ, with the patient and agency it concerns.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub patient_id: Uuid,
    pub case_number: String,
    /// 氏名, family name first.
    pub patient_name: String,
    pub agency_id: Uuid,
    pub agency_name: String,
    #[schema(value_type = super::AgencyType)]
    pub agency_type: String,
    /// The referral's level.
    #[schema(value_type = Level)]
    pub level: String,
    pub assignee_id: Uuid,
    #[schema(format = Date)]
    pub due_on: String,
    #[schema(value_type = FollowUpState)]
    pub state: String,
    #[schema(format = Date)]
    pub done_on: Option<String>,
    #[schema(value_type = Option<FollowUpMethod>)]
    pub method: Option<String>,
    #[schema(value_type = Option<Contacted>)]
    pub contacted: Option<String>,
    #[schema(value_type = Option<CaseOutcome>)]
    pub outcome: Option<String>,
    pub notes: Option<String>,
    /// The due date of the follow-up this one scheduled.
    #[schema(format = Date)]
    pub next_due_on: Option<String>,
    /// The day it left the queue undone: its referral was closed, or (state `not_recorded`)
    /// the day it was imported as not recorded.
    #[schema(format = Date)]
    pub cancelled_on: Option<String>,
    /// Who recorded it as done; `null` when the agency confirmed it through a one-time link.
    pub recorded_by: Option<Uuid>,
    /// The one-time link through which the agency confirmed it (機関からの回答), if it did.
    pub agency_link_id: Option<Uuid>,
    /// What the agency answered through that link.
    #[schema(value_type = Option<AgencyOutcome>)]
    pub agency_outcome: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl FollowUpDto {
    /// `today` (Asia/Tokyo) decides between due and overdue.
    pub fn new(v: FollowUpView, today: NaiveDate) -> Self {
        let f = v.follow_up;
        let state = if f.done_on.is_some() {
            "done"
        } else if f.not_recorded {
            "not_recorded"
        } else if f.cancelled_on.is_some() {
            "cancelled"
        } else if f.due_on < today {
            "overdue"
        } else {
            "due"
        };
        Self {
            id: f.id,
            referral_id: f.referral_id,
            patient_id: f.patient_id,
            case_number: v.case_number,
            patient_name: v.patient_name,
            agency_id: v.agency_id,
            agency_name: v.agency_name,
            agency_type: v.agency_type.as_str().to_owned(),
            level: v.level.as_str().to_owned(),
            assignee_id: f.assignee_id,
            due_on: date(f.due_on),
            state: state.to_owned(),
            done_on: f.done_on.map(date),
            method: f.method.map(|x| x.as_str().to_owned()),
            contacted: f.contacted.map(|x| x.as_str().to_owned()),
            outcome: f.outcome.map(|x| x.as_str().to_owned()),
            notes: f.notes,
            next_due_on: f.next_due_on.map(date),
            cancelled_on: f.cancelled_on.map(date),
            recorded_by: f.recorded_by,
            agency_link_id: f.agency_link_id,
            agency_outcome: f.agency_outcome.map(|x| x.as_str().to_owned()),
            created_at: ts(f.created_at),
            updated_at: ts(f.updated_at),
        }
    }
}

/// Schedule a follow-up; the assignee defaults to the referral's consultant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"due_on": "2026-07-01"}))]
pub struct CreateFollowUp {
    #[schema(format = Date)]
    pub due_on: String,
    pub assignee_id: Option<Uuid>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Record a follow-up as done (`done_on` with `method`, `contacted` and `outcome`, and
/// `next_due_on` to schedule the next one), or reschedule an open one (`due_on`, `assignee_id`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"done_on": "2026-06-15", "method": "phone", "contacted": "patient", "outcome": "searching", "notes": "面接予定", "next_due_on": "2026-07-15"}))]
pub struct UpdateFollowUp {
    #[schema(format = Date)]
    pub due_on: Option<String>,
    pub assignee_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<Option<String>>,
    #[schema(value_type = Option<FollowUpMethod>)]
    pub method: Option<String>,
    #[schema(value_type = Option<Contacted>)]
    pub contacted: Option<String>,
    #[schema(value_type = Option<CaseOutcome>)]
    pub outcome: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
    #[schema(format = Date)]
    pub next_due_on: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpListQuery {
    /// `due`, `overdue` or `done`; absent: due and overdue, overdue first.
    #[param(value_type = Option<FollowUpQueueState>, inline)]
    pub state: Option<String>,
    /// A user id, or `me`.
    #[param(
        pattern = r"^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    )]
    pub assignee: Option<String>,
    pub patient_id: Option<Uuid>,
    /// Only those due on or after this day (a calendar's first day).
    pub due_from: Option<chrono::NaiveDate>,
    /// Only those due on or before this day; at most 92 days after `due_from`.
    pub due_to: Option<chrono::NaiveDate>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Hand open follow-ups to a colleague: name them (`follow_up_ids`), or whose open ones move
/// (`from_assignee_id`) — one or the other.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from_assignee_id": "01890a5d-ac96-774b-bcce-b302099a8057", "assignee_id": "01890a5d-ac96-774b-bcce-b302099a8058"}))]
pub struct ReassignFollowUps {
    #[serde(default)]
    #[schema(max_items = 500)]
    pub follow_up_ids: Vec<Uuid>,
    pub from_assignee_id: Option<Uuid>,
    /// An active case worker of the center.
    pub assignee_id: Uuid,
}

/// The follow-ups that changed hands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReassignedFollowUps {
    pub count: usize,
    pub follow_up_ids: Vec<Uuid>,
}
