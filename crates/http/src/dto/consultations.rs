//! Wire types of consultations (相談).

use super::{Channel, Requester, ShomanMenu, ShomanRequester, Topic, double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::Consultation;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// 相談. `patient_id` is null for an anonymous consultation, which still counts in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationDto {
    pub id: Uuid,
    pub patient_id: Option<Uuid>,
    /// In lists: the patient's case number (null when anonymous).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// In lists: the patient's name, family name first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_name: Option<String>,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    // The codes are the domain's own strings, borrowed rather than copied: a timeline
    // carries dozens of consultations, and each copy was an allocation.
    #[schema(value_type = Channel)]
    pub channel: &'static str,
    #[schema(value_type = Requester)]
    pub requester: &'static str,
    #[schema(value_type = Vec<Topic>)]
    pub topics: Vec<&'static str>,
    pub duration_minutes: Option<i32>,
    /// Joint with the 難病患者就職サポーター.
    pub with_employment_supporter: bool,
    pub summary: Option<String>,
    /// 小慢 相談支援のメニュー: set for a 小慢 patient's consultation (null otherwise, and for
    /// those recorded before the menu was).
    #[schema(value_type = Option<ShomanMenu>)]
    pub shoman_menu: Option<&'static str>,
    /// Who asked, in the 小慢 program's terms (beside `requester`).
    #[schema(value_type = Option<ShomanRequester>)]
    pub shoman_requester: Option<&'static str>,
    pub consultant_id: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ConsultationDto {
    pub fn with_label(
        c: Consultation,
        label: Option<tsunagu_domain::entities::PatientLabel>,
    ) -> Self {
        let mut d = Self::from(c);
        if let Some(l) = label {
            d.case_number = Some(l.case_number);
            d.patient_name = Some(l.name);
        }
        d
    }
}

impl From<Consultation> for ConsultationDto {
    fn from(c: Consultation) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient_id,
            case_number: None,
            patient_name: None,
            occurred_at: ts(c.occurred_at),
            channel: c.channel.as_str(),
            requester: c.requester.as_str(),
            topics: c.topics.iter().map(|t| t.as_str()).collect(),
            duration_minutes: c.duration_minutes,
            with_employment_supporter: c.with_employment_supporter,
            summary: c.summary,
            shoman_menu: c.shoman_menu.map(|m| m.as_str()),
            shoman_requester: c.shoman_requester.map(|r| r.as_str()),
            consultant_id: c.consultant_id,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
        }
    }
}

/// A consultation. `occurred_at` defaults to now and `consultant_id` to the caller (only a
/// supervisor records one for someone else).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"patient_id": null, "channel": "phone", "requester": "family", "topics": ["employment", "welfare_system"], "duration_minutes": 20, "with_employment_supporter": false, "summary": "匿名の電話相談"}))]
pub struct CreateConsultation {
    pub patient_id: Option<Uuid>,
    #[schema(format = DateTime)]
    pub occurred_at: Option<String>,
    #[schema(value_type = Channel)]
    pub channel: String,
    #[schema(value_type = Requester)]
    pub requester: String,
    /// One or more.
    #[schema(value_type = Vec<Topic>)]
    pub topics: Vec<String>,
    /// 1 to 1440.
    pub duration_minutes: Option<i32>,
    pub with_employment_supporter: Option<bool>,
    #[schema(pattern = "{prose}", max_length = 4000)]
    pub summary: Option<String>,
    /// Required for a patient of the `shoman` program (422 `shoman_menu_required`), refused
    /// for other patients (422 `shoman_menu_not_applicable`); for an anonymous consultation,
    /// optional where the center runs `shoman`, with `shoman_requester`.
    #[schema(value_type = Option<ShomanMenu>)]
    pub shoman_menu: Option<String>,
    /// Who asked, in the 小慢 program's terms: required with `shoman_menu` (422
    /// `shoman_requester_required`).
    #[schema(value_type = Option<ShomanRequester>)]
    pub shoman_requester: Option<String>,
    pub consultant_id: Option<Uuid>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConsultation {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub patient_id: Option<Option<Uuid>>,
    #[schema(format = DateTime)]
    pub occurred_at: Option<String>,
    #[schema(value_type = Option<Channel>)]
    pub channel: Option<String>,
    #[schema(value_type = Option<Requester>)]
    pub requester: Option<String>,
    #[schema(value_type = Option<Vec<Topic>>)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub duration_minutes: Option<Option<i32>>,
    pub with_employment_supporter: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 4000)]
    pub summary: Option<Option<String>>,
    /// Checked against the patient whenever it, `shoman_requester` or `patient_id` is sent.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ShomanMenu>)]
    pub shoman_menu: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ShomanRequester>)]
    pub shoman_requester: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationListQuery {
    pub patient_id: Option<Uuid>,
    /// A consultant's id.
    pub consultant_id: Option<Uuid>,
    /// Occurred at or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Occurred before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}
