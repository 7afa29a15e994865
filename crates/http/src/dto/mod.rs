//! Wire types: what the public API accepts and returns. Field names and enum values are a
//! promise to third parties (see the contract); doc comments become the OpenAPI descriptions.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use tsunagu_domain::entities::{Agency, Center, User};
use tsunagu_domain::page::Page;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

mod case;
mod integrations;
mod reports;
pub use case::*;
pub use integrations::*;
pub use reports::*;

/// Distinguishes an absent field (leave unchanged) from an explicit `null` (clear it).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// RFC 3339 in UTC with `Z` and microseconds: the same on both backends.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A page of a list: follow `next_cursor` until it is `null`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListOf<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> ListOf<T> {
    pub fn from_page<U>(p: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let p = p.map(f);
        Self {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// What a person may do (see the contract).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // documents the wire values; requests are parsed by the domain
pub enum Role {
    SystemAdmin,
    CenterAdmin,
    Supervisor,
    Consultant,
}

/// 運営形態 of a center.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OperatingType {
    MedicalInstitution,
    Municipality,
    PatientOrganization,
    Other,
}

/// The kind of employment support agency, as the ministry's survey counts them.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AgencyType {
    HelloWork,
    EmploymentLifeSupportCenter,
    VocationalCenter,
    Other,
}

// --- auth -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"login": "sato.hanako", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    /// Once two-factor sign-in is set up: the app's 6-digit code, or a recovery code.
    /// Without it, a correct password answers 401 `totp_required`.
    pub totp: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh. It can be used once.
    pub refresh_token: String,
}

/// A token pair. Keep the refresh token secret; it is spent on use and a new one returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer …`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Opaque; exchange it at `/auth/refresh` for a new pair before the session ends (12 h).
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 600)]
    pub expires_in: i64,
}

/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    /// `system_admin`, `center_admin`, `supervisor` or `consultant`.
    #[schema(value_type = Role)]
    pub role: String,
    /// The caller's center; `null` for a system administrator.
    pub center_id: Option<Uuid>,
    /// Two-factor sign-in is set up.
    pub totp_enabled: bool,
    /// The center requires two factors for this role and they are not set up: until they
    /// are, every call but `/me`, `/me/totp…` and logout answers 403 `totp_enrollment_required`.
    pub totp_required: bool,
}

/// A new TOTP secret: show `otpauth_uri` as a QR code, or the secret for manual entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32.
    pub secret: String,
    #[schema(
        example = "otpauth://totp/Tsunagu:sato?secret=JBSWY3DPEHPK3PXP&issuer=Tsunagu&algorithm=SHA1&digits=6&period=30"
    )]
    pub otpauth_uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirm {
    /// The 6-digit code the app shows now.
    pub code: String,
}

/// One-time recovery codes, shown only now: each signs in once in place of a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

// --- centers ----------------------------------------------------------------------------

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
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    #[schema(value_type = OperatingType)]
    pub operating_type: String,
}

/// Fields to change; absent fields stay as they are. `active: false` deactivates the center
/// and signs out its staff. A center administrator may change only `follow_up_days` of its
/// own center; everything else is the system administrator's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCenter {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    #[schema(value_type = Option<OperatingType>)]
    pub operating_type: Option<String>,
    /// 1 to 365.
    pub follow_up_days: Option<i32>,
    /// 1 to 365: follow-ups overdue longer escalate to the supervisor.
    pub escalation_days: Option<i32>,
    /// 0 to 100: the share of lower-level referrals sampled into the audit queue.
    pub sample_percent: Option<i32>,
    /// Roles that must sign in with two factors (`center_admin`, `supervisor`, `consultant`).
    #[schema(value_type = Option<Vec<Role>>)]
    pub totp_roles: Option<Vec<String>>,
    pub active: Option<bool>,
}

// --- users ------------------------------------------------------------------------------

/// A member of staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    /// `null` for a system administrator.
    pub center_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    #[schema(value_type = Role)]
    pub role: String,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            center_id: u.center_id,
            login: u.login,
            display_name: u.display_name,
            role: u.role.as_str().to_owned(),
            active: u.active,
            created_at: ts(u.created_at),
            updated_at: ts(u.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"center_id": null, "login": "sato.hanako", "display_name": "佐藤 花子", "role": "consultant", "password": "correct horse battery staple"}))]
pub struct CreateUser {
    /// Required when a system administrator creates a center's user; a center administrator
    /// may omit it (or must send its own center).
    pub center_id: Option<Uuid>,
    /// 3 to 64 characters: letters, digits and `. _ - @`; case-insensitive.
    pub login: String,
    pub display_name: String,
    /// `system_admin`, `center_admin`, `supervisor` or `consultant`.
    #[schema(value_type = Role)]
    pub role: String,
    /// At least 12 characters and not easy to guess; no composition rules.
    #[schema(format = Password)]
    pub password: String,
}

/// Fields to change; absent fields stay as they are. Changing the role, the password or
/// `active: false` ends the user's sessions at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    pub active: Option<bool>,
    #[schema(format = Password)]
    pub password: Option<String>,
}

// --- agencies ---------------------------------------------------------------------------

/// An outside office patients are referred to (就労支援機関).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyDto {
    pub id: Uuid,
    pub center_id: Uuid,
    /// `hello_work`, `employment_life_support_center`, `vocational_center` or `other`.
    #[schema(value_type = AgencyType)]
    pub agency_type: String,
    /// e.g. ハローワーク広島.
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Agency> for AgencyDto {
    fn from(a: Agency) -> Self {
        Self {
            id: a.id,
            center_id: a.center_id,
            agency_type: a.agency_type.as_str().to_owned(),
            name: a.name,
            phone: a.phone,
            address: a.address,
            notes: a.notes,
            active: a.active,
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agency_type": "hello_work", "name": "ハローワーク広島", "phone": "082-223-8609"}))]
pub struct CreateAgency {
    #[schema(value_type = AgencyType)]
    pub agency_type: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgency {
    #[schema(value_type = Option<AgencyType>)]
    pub agency_type: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyListQuery {
    /// Only agencies of this type.
    #[param(value_type = Option<AgencyType>)]
    pub agency_type: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

// --- operations -------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}
