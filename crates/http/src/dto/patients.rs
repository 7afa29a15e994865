//! Wire types of patients: the person a center supports.

use super::{
    EmploymentStatus, PatientListSort, Program, ReferralSource, Sex, SupportAwareness, date,
    double_option, ts,
};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::{Patient, ProgramChange};
use tsunagu_domain::master;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A person the center supports. Every read of it is recorded in the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientDto {
    pub id: Uuid,
    pub center_id: Uuid,
    /// Per center and fiscal year, e.g. `2026-0042`.
    pub case_number: String,
    pub family_name: String,
    pub given_name: String,
    /// Full-width katakana.
    pub family_name_kana: String,
    pub given_name_kana: String,
    #[schema(format = Date)]
    pub birth_date: String,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    pub prefecture_code: Option<String>,
    /// 全国地方公共団体コード (6 digits).
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(value_type = Program)]
    pub program: String,
    /// 指定難病 告示番号.
    pub disease_number: Option<i32>,
    /// The designated disease's name, from the master data.
    pub disease_name: Option<String>,
    pub diagnosis: Option<String>,
    #[schema(value_type = EmploymentStatus)]
    pub employment_status: String,
    #[schema(value_type = SupportAwareness)]
    pub support_awareness: String,
    /// How they heard of the center (asked at intake); `null` when not asked.
    #[schema(value_type = Option<ReferralSource>)]
    pub referral_source: Option<String>,
    /// 障害者手帳 held.
    pub disability_certificate: bool,
    pub notes: Option<String>,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Patient> for PatientDto {
    fn from(p: Patient) -> Self {
        Self {
            id: p.id,
            center_id: p.center_id,
            case_number: p.case_number,
            family_name: p.family_name,
            given_name: p.given_name,
            family_name_kana: p.family_name_kana,
            given_name_kana: p.given_name_kana,
            birth_date: date(p.birth_date),
            sex: p.sex.map(|x| x.as_str().to_owned()),
            prefecture_code: p.prefecture_code,
            municipality_code: p.municipality_code,
            phone: p.phone,
            email: p.email,
            program: p.program.as_str().to_owned(),
            disease_number: p.disease_number,
            disease_name: p
                .disease_number
                .and_then(master::disease)
                .map(|d| d.name.clone()),
            diagnosis: p.diagnosis,
            employment_status: p.employment_status.as_str().to_owned(),
            support_awareness: p.support_awareness.as_str().to_owned(),
            referral_source: p.referral_source.map(|x| x.as_str().to_owned()),
            disability_certificate: p.disability_certificate,
            notes: p.notes,
            created_by: p.created_by,
            created_at: ts(p.created_at),
            updated_at: ts(p.updated_at),
        }
    }
}

/// A new patient. Readings may be typed in hiragana or half-width katakana; they are stored
/// as full-width katakana.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "やまだ", "given_name_kana": "ﾊﾅｺ", "birth_date": "1985-04-12", "sex": "female", "prefecture_code": "34", "municipality_code": "341002", "phone": "082-000-0000", "program": "nanbyo", "disease_number": 97, "employment_status": "job_seeking", "support_awareness": "aware_not_used", "referral_source": "leaflet_at_application", "disability_certificate": false}))]
pub struct CreatePatient {
    #[schema(pattern = "{name}", max_length = 100)]
    pub family_name: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub given_name: String,
    #[schema(pattern = "{kana}", max_length = 100)]
    pub family_name_kana: String,
    #[schema(pattern = "{kana}", max_length = 100)]
    pub given_name_kana: String,
    #[schema(format = Date)]
    pub birth_date: String,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    /// `"01"` … `"47"`; implied by `municipality_code` when absent.
    #[schema(pattern = "{prefecture}")]
    pub prefecture_code: Option<String>,
    #[schema(pattern = "{municipality}")]
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(value_type = Program)]
    pub program: String,
    /// One of `GET /diseases` (nanbyo only); otherwise use `diagnosis`.
    pub disease_number: Option<i32>,
    #[schema(pattern = "{optional_name}", max_length = 200)]
    pub diagnosis: Option<String>,
    #[schema(value_type = EmploymentStatus)]
    pub employment_status: String,
    #[schema(value_type = SupportAwareness)]
    pub support_awareness: String,
    /// How they heard of the center (asked at intake); `null` when not asked.
    #[schema(value_type = Option<ReferralSource>)]
    pub referral_source: Option<String>,
    pub disability_certificate: Option<bool>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePatient {
    #[schema(pattern = "{name}", max_length = 100)]
    pub family_name: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub given_name: Option<String>,
    #[schema(pattern = "{kana}", max_length = 100)]
    pub family_name_kana: Option<String>,
    #[schema(pattern = "{kana}", max_length = 100)]
    pub given_name_kana: Option<String>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prefecture}")]
    pub prefecture_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{municipality}")]
    pub municipality_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Email)]
    pub email: Option<Option<String>>,
    #[schema(value_type = Option<Program>)]
    pub program: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub disease_number: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{optional_name}", max_length = 200)]
    pub diagnosis: Option<Option<String>>,
    #[schema(value_type = Option<EmploymentStatus>)]
    pub employment_status: Option<String>,
    #[schema(value_type = Option<SupportAwareness>)]
    pub support_awareness: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ReferralSource>)]
    pub referral_source: Option<Option<String>>,
    pub disability_certificate: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientListQuery {
    /// Any part of the name or the reading (full/half width and hiragana/katakana are
    /// ignored); or a case number (`2026-0001`, `2026-1`), a phone number's digits however
    /// grouped (`082-223-8609`, `0822238609`), or a birth date (`1975-06-15`,
    /// `昭和50年6月15日`, `S50.6.15`).
    pub q: Option<String>,
    #[param(value_type = Option<Program>, inline)]
    pub program: Option<String>,
    /// A designated intractable disease number (指定難病 告示番号).
    #[param(minimum = 1, maximum = 348)]
    pub disease_number: Option<i32>,
    #[param(value_type = Option<EmploymentStatus>, inline)]
    pub employment_status: Option<String>,
    /// Patients this consultant talked with or referred: a user id, or `me`.
    #[param(
        pattern = r"^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    )]
    pub consultant: Option<String>,
    /// Only patients with a referral still open.
    pub open_referral: Option<bool>,
    /// Only patients with a follow-up past its due date.
    pub overdue: Option<bool>,
    #[param(value_type = Option<PatientListSort>, inline)]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A page of patients and how many match over all pages (`null` when syncing with
/// `updated_since`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientListDto {
    pub items: Vec<PatientDto>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
}

/// A patient's move between programs (移行期: a 小慢 child continuing in the adult 難病
/// program as the same patient).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramChangeDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    #[schema(value_type = Program)]
    pub from_program: String,
    #[schema(value_type = Program)]
    pub to_program: String,
    #[schema(format = Date)]
    pub changed_on: String,
    pub changed_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<ProgramChange> for ProgramChangeDto {
    fn from(c: ProgramChange) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient_id,
            from_program: c.from.as_str().to_owned(),
            to_program: c.to.as_str().to_owned(),
            changed_on: date(c.changed_on),
            changed_by: c.changed_by,
            created_at: ts(c.created_at),
        }
    }
}

/// What a registration form holds that may show it is someone already registered. Sent in
/// a body, not a query string: names and birth dates stay out of addresses and logs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"family_name_kana": "ヤマダ", "given_name_kana": "ハナコ", "birth_date": "1975-06-15", "phone": "082-223-8609"}))]
pub struct CheckPatientDuplicates {
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
    /// 西暦 (`1975-06-15`) or 和暦 (`昭和50年6月15日`).
    pub birth_date: Option<String>,
    pub phone: Option<String>,
}

/// Why a registered patient may be the same person.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same reading and birth date.
    SameReadingAndBirthDate,
    /// The same phone number (its digits).
    SamePhone,
}

/// A patient the registration may already be, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct PossibleDuplicateDto {
    pub patient: PatientDto,
    #[schema(value_type = Vec<DuplicateReason>)]
    pub reasons: Vec<&'static str>,
}
