//! Wire types of referrals (紹介) and their level history.

use super::{
    CaseOutcome, Level, Purpose, ReferralStatus, ReviewState, SharedItem, date, double_option, ts,
};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::{LevelChange, Referral};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// 紹介: a patient referred to an agency at a level, for a purpose.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub consultation_id: Option<Uuid>,
    pub agency_id: Uuid,
    /// The agency's type when the referral was made (what the ministry's figures count).
    #[schema(value_type = super::AgencyType)]
    pub agency_type: String,
    #[schema(value_type = Purpose)]
    pub purpose: String,
    #[schema(value_type = Level)]
    pub level: String,
    #[schema(format = Date)]
    pub referred_on: String,
    /// What was handed over, e.g. 就労相談票.
    pub handed_over: Option<String>,
    pub notes: Option<String>,
    #[schema(value_type = ReferralStatus)]
    pub status: String,
    #[schema(value_type = Option<CaseOutcome>)]
    pub outcome: Option<String>,
    #[schema(format = Date)]
    pub closed_on: Option<String>,
    /// Supervision: `none`, `pending` (follow-up work recorded, awaiting review), `approved`
    /// or `returned` (to be corrected).
    #[schema(value_type = ReviewState)]
    pub review_state: String,
    /// The consultant responsible.
    pub consultant_id: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Referral> for ReferralDto {
    fn from(r: Referral) -> Self {
        Self {
            id: r.id,
            patient_id: r.patient_id,
            consultation_id: r.consultation_id,
            agency_id: r.agency_id,
            agency_type: r.agency_type.as_str().to_owned(),
            purpose: r.purpose.as_str().to_owned(),
            level: r.level.as_str().to_owned(),
            referred_on: date(r.referred_on),
            handed_over: r.handed_over,
            notes: r.notes,
            status: r.status.as_str().to_owned(),
            outcome: r.outcome.map(|o| o.as_str().to_owned()),
            closed_on: r.closed_on.map(date),
            review_state: r.review_state.as_str().to_owned(),
            consultant_id: r.consultant_id,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        }
    }
}

/// A referral. From `phone_mediation` up the patient's data goes to the agency: name it in
/// `shared_items`, and a consent in force must cover the agency (else 422 `consent_required`).
/// At `accompanied_with_follow_up` the first follow-up is scheduled automatically.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"patient_id": "0193f0c2-0000-7000-8000-000000000001", "agency_id": "0193f0c2-0000-7000-8000-000000000002", "purpose": "new_employment", "level": "accompanied_with_follow_up", "referred_on": "2026-06-01", "handed_over": "就労相談票", "shared_items": ["name", "contact", "diagnosis"]}))]
pub struct CreateReferral {
    pub patient_id: Uuid,
    pub consultation_id: Option<Uuid>,
    pub agency_id: Uuid,
    #[schema(value_type = Purpose)]
    pub purpose: String,
    #[schema(value_type = Level)]
    pub level: String,
    /// Defaults to today (Asia/Tokyo).
    #[schema(format = Date)]
    pub referred_on: Option<String>,
    #[schema(pattern = "{prose}", max_length = 500)]
    pub handed_over: Option<String>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
    /// Required from `phone_mediation` up; refused at `information_only`.
    #[schema(value_type = Option<Vec<SharedItem>>)]
    pub shared_items: Option<Vec<String>>,
    /// Defaults to the caller; only a supervisor names someone else.
    pub consultant_id: Option<Uuid>,
}

/// Change a referral. Raising `level` is anyone's on the case; lowering it is a supervisor's,
/// with `level_reason`. `status: "closed"` with `outcome` closes it (a level-4 referral only
/// after a follow-up is done).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"level": "accompanied", "shared_items": ["name", "contact"]}))]
pub struct UpdateReferral {
    #[schema(value_type = Option<Purpose>)]
    pub purpose: Option<String>,
    #[schema(value_type = Option<Level>)]
    pub level: Option<String>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub level_reason: Option<String>,
    #[schema(value_type = Option<Vec<SharedItem>>)]
    pub shared_items: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 500)]
    pub handed_over: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
    /// Only `closed`.
    #[schema(value_type = Option<ReferralStatus>)]
    pub status: Option<String>,
    #[schema(value_type = Option<CaseOutcome>)]
    pub outcome: Option<String>,
    /// Defaults to today when closing.
    #[schema(format = Date)]
    pub closed_on: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralListQuery {
    pub patient_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    #[param(value_type = Option<ReferralStatus>)]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// One step of a referral's level history; the first (`from_level` null) is its creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelChangeDto {
    pub id: Uuid,
    pub referral_id: Uuid,
    #[schema(value_type = Option<Level>)]
    pub from_level: Option<String>,
    #[schema(value_type = Level)]
    pub to_level: String,
    pub reason: Option<String>,
    pub changed_by: Uuid,
    #[schema(format = DateTime)]
    pub changed_at: String,
}

impl From<LevelChange> for LevelChangeDto {
    fn from(l: LevelChange) -> Self {
        Self {
            id: l.id,
            referral_id: l.referral_id,
            from_level: l.from_level.map(|x| x.as_str().to_owned()),
            to_level: l.to_level.as_str().to_owned(),
            reason: l.reason,
            changed_by: l.changed_by,
            changed_at: ts(l.changed_at),
        }
    }
}
