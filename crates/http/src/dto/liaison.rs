//! Wire types of 小慢 liaison contacts (関係機関との連絡調整) and their records of provision.

use super::{BodyKind, LiaisonChannel, date, double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::shoman::{LiaisonContact, LiaisonProvision};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// 第三者提供の記録 of a contact that passed the child's data to a school or employer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiaisonProvisionDto {
    pub id: Uuid,
    /// The body as it was named that day.
    #[schema(value_type = BodyKind)]
    pub body_kind: &'static str,
    pub body_name: String,
    /// The consent in force that covered it.
    pub consent_id: Uuid,
    #[schema(format = Date)]
    pub provided_on: String,
    pub recorded_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<LiaisonProvision> for LiaisonProvisionDto {
    fn from(p: LiaisonProvision) -> Self {
        Self {
            id: p.id,
            body_kind: p.body_kind.as_str(),
            body_name: p.body_name,
            consent_id: p.consent_id,
            provided_on: date(p.provided_on),
            recorded_by: p.recorded_by,
            created_at: ts(p.created_at),
        }
    }
}

/// A contact with a school, employer or agency about a 小慢 child.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiaisonContactDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    #[schema(value_type = BodyKind)]
    pub body_kind: &'static str,
    pub body_name: String,
    pub contact_person: Option<String>,
    #[schema(value_type = LiaisonChannel)]
    pub channel: &'static str,
    #[schema(format = Date)]
    pub contacted_on: String,
    pub summary: String,
    /// Whether the child's personal data was passed on.
    pub shared_data: bool,
    #[schema(format = Date)]
    pub next_on: Option<String>,
    /// The record of provision, when data went to a school or employer.
    pub provision: Option<LiaisonProvisionDto>,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<LiaisonContact> for LiaisonContactDto {
    fn from(c: LiaisonContact) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient_id,
            plan_id: c.plan_id,
            action_id: c.action_id,
            body_kind: c.body_kind.as_str(),
            body_name: c.body_name,
            contact_person: c.contact_person,
            channel: c.channel.as_str(),
            contacted_on: date(c.contacted_on),
            summary: c.summary,
            shared_data: c.shared_data,
            next_on: c.next_on.map(date),
            provision: c.provision.map(Into::into),
            created_by: c.created_by,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
        }
    }
}

/// A contact. `plan_id` and `action_id` are optional (an action alone names its plan);
/// they must be the child's (422 `plan_not_of_patient`, `action_not_of_plan`).
/// `shared_data: true` to a `school` or `employer` needs the child's consent in force on
/// `contacted_on` covering it (scope `schools` / `employers` / `all_bodies`; an employer
/// also `all_agencies`), else 422 `consent_required`; it leaves a record of provision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"patient_id": "0193a1b2-0000-7000-8000-000000000001", "body_kind": "school", "body_name": "広島県立〇〇高等学校", "contact_person": "担任", "channel": "phone", "contacted_on": "2026-06-10", "summary": "修学旅行時の服薬について相談", "shared_data": false}))]
pub struct CreateLiaisonContact {
    pub patient_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    #[schema(value_type = BodyKind)]
    pub body_kind: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub body_name: String,
    #[schema(pattern = "{prose}", max_length = 100)]
    pub contact_person: Option<String>,
    #[schema(value_type = LiaisonChannel)]
    pub channel: String,
    /// Not in the future (Asia/Tokyo).
    #[schema(format = Date)]
    pub contacted_on: String,
    #[schema(pattern = "{required_prose}", max_length = 4000)]
    pub summary: String,
    /// Default false.
    pub shared_data: Option<bool>,
    #[schema(format = Date)]
    pub next_on: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears an optional one. Once a record of
/// provision exists, `body_kind`, `body_name`, `contacted_on` and `shared_data` stay (422
/// `provision_recorded`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLiaisonContact {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub plan_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub action_id: Option<Option<Uuid>>,
    #[schema(value_type = Option<BodyKind>)]
    pub body_kind: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub body_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 100)]
    pub contact_person: Option<Option<String>>,
    #[schema(value_type = Option<LiaisonChannel>)]
    pub channel: Option<String>,
    #[schema(format = Date)]
    pub contacted_on: Option<String>,
    #[schema(pattern = "{required_prose}", max_length = 4000)]
    pub summary: Option<String>,
    pub shared_data: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub next_on: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiaisonListQuery {
    pub patient_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
