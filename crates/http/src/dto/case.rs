//! Wire types of the case: patients, consents, consultations, referrals, follow-ups, the
//! timeline and the master data behind the pickers.

use super::{double_option, ts};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagu_domain::cases::{TimelineEntry, TimelineItem};
use tsunagu_domain::entities::{
    Consent, Consultation, FollowUpView, LevelChange, Patient, Provision, Referral,
};
use tsunagu_domain::master;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Documents an enum's wire values in the spec; the domain parses requests.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(ToSchema)]
        #[schema(rename_all = "snake_case")]
        #[allow(dead_code)]
        pub enum $name { $($variant),+ }
    };
}

wire_enum!(
    /// 制度: `nanbyo` (指定難病) or `shoman` (小児慢性特定疾病).
    Program { Nanbyo, Shoman }
);
wire_enum!(Sex {
    Female,
    Male,
    Other
});
wire_enum!(
    /// Work situation at intake.
    EmploymentStatus { Employed, OnLeave, JobSeeking, NotWorking, Student }
);
wire_enum!(
    /// Use of employment support: currently using, used before, aware but never used, unaware.
    SupportAwareness { Using, UsedBefore, AwareNotUsed, Unaware }
);
wire_enum!(
    /// `employment_agencies` covers Hello Work, employment and life support centers and
    /// vocational centers; `other` agencies need `all_agencies`.
    ConsentScope { EmploymentAgencies, AllAgencies }
);
wire_enum!(
    /// 面談, 電話, メール, 出張相談, 訪問, オンライン.
    Channel { InPerson, Phone, Email, Outreach, HomeVisit, Online }
);
wire_enum!(Requester {
    Patient,
    Family,
    Agency,
    Other
});
wire_enum!(
    /// 病気・療養, 就労, 制度, 日常生活, ピアサポート, 心理, その他.
    Topic { Illness, Employment, WelfareSystem, DailyLife, PeerSupport, Psychological, Other }
);
wire_enum!(
    /// 新規就労 or 就労継続.
    Purpose { NewEmployment, JobRetention }
);
wire_enum!(
    /// The survey's 対応内容: 1 案内のみ, 2 電話仲介, 3 同席, 4 同席しフォローアップ.
    Level { InformationOnly, PhoneMediation, Accompanied, AccompaniedWithFollowUp }
);
wire_enum!(ReferralStatus { Open, Closed });
wire_enum!(ReviewState {
    None,
    Pending,
    Approved,
    Returned
});
wire_enum!(ReviewDecision { Approved, Returned });
wire_enum!(
    /// Why a referral is in the audit queue.
    QueueReason { FollowUpEscalated, FollowUpOverdue, FollowUpMissing, Returned, AwaitingReview, Sample }
);
wire_enum!(
    /// 求職中, 就職, 就労継続, 離職, 辞退, 連絡不通, その他.
    CaseOutcome { Searching, Employed, Retained, LeftJob, Declined, LostContact, Other }
);
wire_enum!(FollowUpMethod {
    Phone,
    InPerson,
    Email,
    Visit,
    Online,
    Other
});
wire_enum!(Contacted {
    Patient,
    Agency,
    Employer
});
wire_enum!(
    /// Personal data items handed to an agency (recorded in the record of provision).
    SharedItem { Name, BirthDate, Contact, Address, Diagnosis, DisabilityCertificate, EmploymentHistory, ConsultationRecord }
);
wire_enum!(
    /// `due` (open, due today or later), `overdue` (open, past its due date in Asia/Tokyo),
    /// `done`, or `cancelled` (its referral was closed first).
    FollowUpState { Due, Overdue, Done, Cancelled }
);
wire_enum!(
    /// Which follow-ups the queue lists.
    FollowUpQueueState { Due, Overdue, Done }
);
wire_enum!(TimelineKind {
    Consent,
    Consultation,
    Referral,
    LevelChange,
    Provision,
    FollowUp
});

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

// --- patients ---------------------------------------------------------------------------

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
#[schema(example = json!({"family_name": "山田", "given_name": "花子", "family_name_kana": "やまだ", "given_name_kana": "ﾊﾅｺ", "birth_date": "1985-04-12", "sex": "female", "prefecture_code": "34", "municipality_code": "341002", "phone": "082-000-0000", "program": "nanbyo", "disease_number": 97, "employment_status": "job_seeking", "support_awareness": "aware_not_used", "disability_certificate": false}))]
pub struct CreatePatient {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    #[schema(format = Date)]
    pub birth_date: String,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    /// `"01"` … `"47"`; implied by `municipality_code` when absent.
    pub prefecture_code: Option<String>,
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(value_type = Program)]
    pub program: String,
    /// One of `GET /diseases` (nanbyo only); otherwise use `diagnosis`.
    pub disease_number: Option<i32>,
    pub diagnosis: Option<String>,
    #[schema(value_type = EmploymentStatus)]
    pub employment_status: String,
    #[schema(value_type = SupportAwareness)]
    pub support_awareness: String,
    pub disability_certificate: Option<bool>,
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePatient {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub prefecture_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub municipality_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[schema(value_type = Option<Program>)]
    pub program: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub disease_number: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub diagnosis: Option<Option<String>>,
    #[schema(value_type = Option<EmploymentStatus>)]
    pub employment_status: Option<String>,
    #[schema(value_type = Option<SupportAwareness>)]
    pub support_awareness: Option<String>,
    pub disability_certificate: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientListQuery {
    /// Any part of the name or the reading; full/half width and hiragana/katakana are ignored.
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

// --- consents ---------------------------------------------------------------------------

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
    pub notes: Option<String>,
}

/// Withdraw (`withdrawn_on`) or correct the notes. A withdrawal cannot be undone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConsent {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub withdrawn_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
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

/// A list that is never long enough to page (a patient's consents, provisions, levels).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsOf<T: ToSchema> {
    pub items: Vec<T>,
}

// --- consultations ------------------------------------------------------------------------

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
    #[schema(value_type = Channel)]
    pub channel: String,
    #[schema(value_type = Requester)]
    pub requester: String,
    #[schema(value_type = Vec<Topic>)]
    pub topics: Vec<String>,
    pub duration_minutes: Option<i32>,
    /// Joint with the 難病患者就職サポーター.
    pub with_employment_supporter: bool,
    pub summary: Option<String>,
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
            channel: c.channel.as_str().to_owned(),
            requester: c.requester.as_str().to_owned(),
            topics: c.topics.iter().map(|t| t.as_str().to_owned()).collect(),
            duration_minutes: c.duration_minutes,
            with_employment_supporter: c.with_employment_supporter,
            summary: c.summary,
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
    pub summary: Option<String>,
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
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationListQuery {
    pub patient_id: Option<Uuid>,
    /// A consultant's id.
    pub consultant_id: Option<Uuid>,
    /// Occurred at or after (RFC 3339).
    pub from: Option<String>,
    /// Occurred before (RFC 3339).
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

// --- referrals ----------------------------------------------------------------------------

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
    pub handed_over: Option<String>,
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
    pub level_reason: Option<String>,
    #[schema(value_type = Option<Vec<SharedItem>>)]
    pub shared_items: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub handed_over: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
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

// --- follow-ups ---------------------------------------------------------------------------

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
    #[schema(format = Date)]
    pub cancelled_on: Option<String>,
    /// Who recorded it as done.
    pub recorded_by: Option<Uuid>,
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
    #[schema(value_type = Option<String>)]
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
    pub assignee: Option<String>,
    pub patient_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Incremental sync: only records changed after this time (RFC 3339), oldest change
    /// first. Page to the end, then resume with the last item's `updated_at`.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

// --- timeline -----------------------------------------------------------------------------

/// One entry: `kind` says which of the record fields is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryDto {
    #[schema(value_type = TimelineKind)]
    pub kind: &'static str,
    /// The day (Asia/Tokyo) it happened, or is due.
    #[schema(format = Date)]
    pub date: String,
    #[schema(format = DateTime)]
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultation: Option<ConsultationDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<ReferralDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_change: Option<LevelChangeDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision: Option<ProvisionDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpDto>,
}

impl TimelineEntryDto {
    pub fn new(e: TimelineEntry, today: NaiveDate) -> Self {
        let mut d = Self {
            kind: "",
            date: date(e.date),
            at: ts(e.at),
            consent: None,
            consultation: None,
            referral: None,
            level_change: None,
            provision: None,
            follow_up: None,
        };
        match e.item {
            TimelineItem::Consent(c) => {
                d.kind = "consent";
                d.consent = Some(c.into());
            }
            TimelineItem::Consultation(c) => {
                d.kind = "consultation";
                d.consultation = Some(c.into());
            }
            TimelineItem::Referral(r) => {
                d.kind = "referral";
                d.referral = Some(r.into());
            }
            TimelineItem::LevelChange(l) => {
                d.kind = "level_change";
                d.level_change = Some(l.into());
            }
            TimelineItem::Provision(p) => {
                d.kind = "provision";
                d.provision = Some(p.into());
            }
            TimelineItem::FollowUp(f) => {
                d.kind = "follow_up";
                d.follow_up = Some(FollowUpDto::new(f, today));
            }
        }
        d
    }
}

/// A patient's path in time order, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineDto {
    pub patient: PatientDto,
    pub items: Vec<TimelineEntryDto>,
}

// --- master data --------------------------------------------------------------------------

/// A designated intractable disease (指定難病).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiseaseDto {
    /// 告示番号.
    pub number: i32,
    pub name: String,
    /// 疾患群.
    pub groups: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrefectureDto {
    /// JIS X 0401, `"01"` … `"47"`.
    pub code: String,
    pub name: String,
    /// In hiragana, as the source gives it.
    pub kana: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityDto {
    /// 全国地方公共団体コード, 6 digits with the check digit.
    pub code: String,
    pub prefecture_code: String,
    pub name: String,
    pub kana: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiseaseQuery {
    /// Any part of the name (width-insensitive), or the number.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityQuery {
    /// Only this prefecture's (`"01"` … `"47"`).
    pub prefecture_code: Option<String>,
}

// --- supervision ---------------------------------------------------------------------------

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

/// The audit queue: at most 500 items, most urgent first; `total` counts them all.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditQueueDto {
    pub total: i64,
    pub items: Vec<QueueItemDto>,
}

wire_enum!(NotificationKind {
    FollowUpEscalated,
    ReviewReturned
});

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
                review: None,
            },
            Notification::Returned { referral, review } => Self {
                kind: "review_returned",
                referral_id: referral.id,
                patient_id: referral.patient_id,
                follow_up: None,
                days_overdue: None,
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
