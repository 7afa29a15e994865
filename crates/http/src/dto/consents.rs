//! Wire types of consent to share personal data, and the record of each provision under it.

use super::{ConsentScope, GivenBy, SharedItem, date, double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::{Consent, Provision};
use utoipa::ToSchema;
use uuid::Uuid;

/// Consent to share the patient's personal data with outside agencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    #[schema(format = Date)]
    pub given_on: String,
    #[schema(value_type = ConsentScope)]
    pub scope: String,
    /// Set once, by `PATCH /consents/{id}`; the consent then no longer covers new provisions.
    #[schema(format = Date)]
    pub withdrawn_on: Option<String>,
    pub notes: Option<String>,
    /// Who gave it: `self` or `guardian`; null for consents recorded before the giver was.
    #[schema(value_type = Option<GivenBy>)]
    pub given_by: Option<&'static str>,
    /// The guardian who gave it (for a minor).
    pub guardian_name: Option<String>,
    /// How the guardian is related to the patient (母, 父…).
    pub guardian_relationship: Option<String>,
    /// The child assented as well.
    pub child_assent: bool,
    pub recorded_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Consent> for ConsentDto {
    fn from(c: Consent) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient_id,
            given_on: date(c.given_on),
            scope: c.scope.as_str().to_owned(),
            withdrawn_on: c.withdrawn_on.map(date),
            notes: c.notes,
            given_by: c.given_by.map(|g| g.as_str()),
            guardian_name: c.guardian_name,
            guardian_relationship: c.guardian_relationship,
            child_assent: c.child_assent,
            recorded_by: c.recorded_by,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"given_on": "2026-05-20", "scope": "employment_agencies"}))]
pub struct CreateConsent {
    #[schema(format = Date)]
    pub given_on: String,
    #[schema(value_type = ConsentScope)]
    pub scope: String,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
    /// `self` (the default) or `guardian`. On the day of consent a patient under 18 needs
    /// `guardian` with `guardian_name` (422 `guardian_consent_required`,
    /// `guardian_name_required`) and, from the center's `child_assent_age`,
    /// `child_assent: true` (422 `child_assent_required`). A patient of 18 or more gives it
    /// themselves; only a 小慢 (`shoman`) patient under 20 may have the guardian give it,
    /// with `child_assent: true` (422 `guardian_not_allowed`). Guardian fields with `self`:
    /// 422 `guardian_name_not_allowed`.
    #[schema(value_type = Option<GivenBy>)]
    pub given_by: Option<String>,
    #[schema(pattern = "{prose}", max_length = 100)]
    pub guardian_name: Option<String>,
    /// Free text: 母, 父, 祖母…
    #[schema(pattern = "{prose}", max_length = 100)]
    pub guardian_relationship: Option<String>,
    /// The child agreed as well (default false).
    pub child_assent: Option<bool>,
}

/// Withdraw (`withdrawn_on`) or correct the notes. A withdrawal cannot be undone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConsent {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub withdrawn_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

/// A record of personal data provided to an agency (第三者提供の記録).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvisionDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub referral_id: Uuid,
    /// To whom.
    pub agency_id: Uuid,
    /// Under which consent.
    pub consent_id: Uuid,
    /// Which items.
    #[schema(value_type = Vec<SharedItem>)]
    pub items: Vec<String>,
    /// When.
    #[schema(format = Date)]
    pub provided_on: String,
    pub recorded_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Provision> for ProvisionDto {
    fn from(p: Provision) -> Self {
        Self {
            id: p.id,
            patient_id: p.patient_id,
            referral_id: p.referral_id,
            agency_id: p.agency_id,
            consent_id: p.consent_id,
            items: p.items.iter().map(|i| i.as_str().to_owned()).collect(),
            provided_on: date(p.provided_on),
            recorded_by: p.recorded_by,
            created_at: ts(p.created_at),
        }
    }
}
