//! Wire types of centers (難病相談支援センター).

use super::{OperatingType, Program, Role, double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::Center;
use utoipa::ToSchema;
use uuid::Uuid;

/// A 難病相談支援センター.
#[derive(Debug, Serialize, ToSchema)]
pub struct CenterDto {
    pub id: Uuid,
    /// Short code, unique in the installation, e.g. `hiroshima`.
    pub code: String,
    /// e.g. 広島県難病相談支援センター.
    pub name: String,
    /// JIS X 0401 prefecture code, `"01"` … `"47"`.
    #[schema(example = "34")]
    pub prefecture_code: String,
    /// 運営形態: `medical_institution`, `municipality`, `patient_organization` or `other`.
    #[schema(value_type = OperatingType)]
    pub operating_type: String,
    /// Days from a level-4 referral to its automatically scheduled first follow-up (default 14).
    #[schema(example = 14)]
    pub follow_up_days: i32,
    /// Follow-ups overdue by more than this many days escalate to the supervisor (default 7).
    #[schema(example = 7)]
    pub escalation_days: i32,
    /// Percent of lower-level referrals sampled into the audit queue (default 10).
    #[schema(example = 10)]
    pub sample_percent: i32,
    /// Roles that must sign in with two factors (default `center_admin`, `supervisor`).
    #[schema(value_type = Vec<Role>)]
    pub totp_roles: Vec<String>,
    /// The programs the center runs: `nanbyo` (難病相談支援センター), `shoman` (小慢
    /// 自立支援事業) or both. 小慢 work (`/support-plans`) answers 403 `program_not_offered`
    /// where `shoman` is not run.
    #[schema(value_type = Vec<Program>)]
    pub programs: Vec<String>,
    /// From this age (at the consent's day) a minor's consent needs the child's own assent
    /// beside the guardian's (`child_assent: true`); 0: never (default 15).
    #[schema(example = 15)]
    pub child_assent_age: i32,
    /// The administration (自治体) the center is assigned to, whose officers read its
    /// aggregates; `null` when not assigned.
    pub administration_id: Option<Uuid>,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Center> for CenterDto {
    fn from(c: Center) -> Self {
        Self {
            id: c.id,
            code: c.code,
            name: c.name,
            prefecture_code: c.prefecture_code,
            operating_type: c.operating_type.as_str().to_owned(),
            follow_up_days: c.follow_up_days,
            escalation_days: c.escalation_days,
            sample_percent: c.sample_percent,
            totp_roles: c.totp_roles.iter().map(|r| r.as_str().to_owned()).collect(),
            programs: c.programs.iter().map(|p| p.as_str().to_owned()).collect(),
            child_assent_age: c.child_assent_age,
            administration_id: c.administration_id,
            active: c.active,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "hiroshima", "name": "広島県難病相談支援センター", "prefecture_code": "34", "operating_type": "patient_organization"}))]
pub struct CreateCenter {
    #[schema(pattern = "{code}", max_length = 32)]
    pub code: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(pattern = "{prefecture}")]
    pub prefecture_code: String,
    #[schema(value_type = OperatingType)]
    pub operating_type: String,
    /// The programs the center runs (at least one); absent means `["nanbyo"]`.
    #[schema(value_type = Option<Vec<Program>>, min_items = 1, max_items = 32)]
    pub programs: Option<Vec<String>>,
}

/// Fields to change; absent fields stay as they are. `active: false` deactivates the center
/// and signs out its staff. A center administrator may change only `follow_up_days` of its
/// own center; everything else is the system administrator's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCenter {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[schema(pattern = "{prefecture}")]
    pub prefecture_code: Option<String>,
    #[schema(value_type = Option<OperatingType>)]
    pub operating_type: Option<String>,
    /// 1 to 365.
    #[schema(minimum = 1, maximum = 365)]
    pub follow_up_days: Option<i32>,
    /// 1 to 365: follow-ups overdue longer escalate to the supervisor.
    #[schema(minimum = 1, maximum = 365)]
    pub escalation_days: Option<i32>,
    /// 0 to 100: the share of lower-level referrals sampled into the audit queue.
    #[schema(minimum = 0, maximum = 100)]
    pub sample_percent: Option<i32>,
    /// Roles that must sign in with two factors (`center_admin`, `supervisor`, `consultant`, `self_reliance_worker`).
    #[schema(value_type = Option<Vec<Role>>)]
    pub totp_roles: Option<Vec<String>>,
    /// The programs the center runs (at least one; the system administrator's).
    #[schema(value_type = Option<Vec<Program>>, min_items = 1, max_items = 32)]
    pub programs: Option<Vec<String>>,
    /// 0 to 20 (0: a child's assent is never required): from this age a minor's consent
    /// needs the child's assent beside the guardian's. A center setting.
    #[schema(minimum = 0, maximum = 20)]
    pub child_assent_age: Option<i32>,
    pub active: Option<bool>,
    /// Assign the center to an administration (system administrator); `null` takes it out.
    #[serde(default, deserialize_with = "double_option")]
    pub administration_id: Option<Option<Uuid>>,
}
