//! The records Tsunagu keeps. Ids are UUID v7 (time-ordered); times are UTC, microseconds.

use crate::values::{
    AgencyOutcome, AgencyType, CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus,
    FollowUpMethod, GivenBy, Level, OperatingType, Program, Purpose, ReferralStatus, Requester,
    ReviewDecision, ReviewState, Role, Sex, SharedItem, ShomanMenu, ShomanRequester,
    SupportAwareness, Topic,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A 難病相談支援センター: the unit that owns every record below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Center {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub operating_type: OperatingType,
    /// Days from a level-4 referral to its automatically scheduled first follow-up.
    pub follow_up_days: i32,
    /// Follow-ups overdue by more than this many days escalate to the supervisor.
    pub escalation_days: i32,
    /// Percent of lower-level referrals sampled into the audit queue.
    pub sample_percent: i32,
    /// Roles that must sign in with two factors.
    pub totp_roles: Vec<Role>,
    /// The programs it runs: 難病 (`nanbyo`), 小慢 自立支援 (`shoman`) or both. 小慢 work
    /// (support plans) is open only where `shoman` is run.
    pub programs: Vec<Program>,
    /// From this age a minor's consent also needs the child's own assent beside the
    /// guardian's (0: never).
    pub child_assent_age: i32,
    /// The administration (自治体) whose area the center is in, once the system
    /// administrator has assigned it: its officers read the center's aggregates.
    pub administration_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person who signs in. A center's staff have a `center_id`; a `municipal_officer` has an
/// `administration_id` instead; the `system_admin` and a `council_member` have neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub center_id: Option<Uuid>,
    pub administration_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Two-factor sign-in is set up (an administrator may reset it: the user enrols again).
    pub totp_enabled: bool,
    /// The password was chosen by an administrator (a new account, or one they set): until
    /// the user changes it, only their own account's routes answer.
    pub must_change_password: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user with the secret needed to check a sign-in. Never leaves the domain and store.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
    /// The TOTP secret (base32), once enrolment started.
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
}

/// An outside office a patient is referred to, e.g. ハローワーク広島.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: Uuid,
    pub center_id: Uuid,
    pub agency_type: AgencyType,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A signed-in session. Access tokens name it, so revoking it stops them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Who is asking, as established from a valid token and the current database state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub role: Role,
    pub center_id: Option<Uuid>,
    /// A `municipal_officer`'s administration (自治体); `None` for everyone else.
    pub administration_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub totp_enabled: bool,
    /// The center requires two factors for this role and the user has not enrolled: until
    /// they do, only enrolment and sign-out are open to them.
    pub must_enroll_totp: bool,
    /// The password was set by an administrator and not changed since: until it is, only
    /// reading one's own account, changing the password and signing out are open.
    pub must_change_password: bool,
    /// For an API client (then `user_id` is the client's id and `role` is `supervisor`, the
    /// reach of a center's reader): the scopes its token carries. `None` for a person.
    pub scopes: Option<Vec<String>>,
}

impl Actor {
    /// The center whose records this actor may touch; `None` for the system administrator.
    pub fn center(&self) -> Option<Uuid> {
        self.center_id
    }

    /// Whether this is a third-party application rather than a person.
    pub fn is_client(&self) -> bool {
        self.scopes.is_some()
    }
}

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub request_id: String,
    pub source: Option<String>,
    /// The request's hold on its `Idempotency-Key`, if it has one: the store marks the key
    /// committed in the same transaction as the change (see [`crate::idempotency`]).
    pub idempotency: Option<crate::idempotency::IdempotencyClaim>,
}

/// The failed-sign-in state of one login name (known or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginThrottle {
    pub login: String,
    pub failures: i32,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A person the center supports. Names and readings are personal data; so is everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: Uuid,
    pub center_id: Uuid,
    /// Per center and fiscal year, readable aloud: `2026-0042`.
    pub case_number: String,
    pub family_name: String,
    pub given_name: String,
    /// Full-width katakana.
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Option<Sex>,
    pub prefecture_code: Option<String>,
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub program: Program,
    /// 指定難病 告示番号, one of the shipped list.
    pub disease_number: Option<i32>,
    /// Free-text diagnosis when the disease is not (or not yet) a designated one.
    pub diagnosis: Option<String>,
    pub employment_status: EmploymentStatus,
    pub support_awareness: SupportAwareness,
    /// How they heard of the center (asked at intake); `None` when not asked.
    pub referral_source: Option<crate::values::ReferralSource>,
    /// 障害者手帳.
    pub disability_certificate: bool,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Patient {
    /// What the search index is built from: names and readings, folded.
    pub fn search_key(&self) -> String {
        use crate::kana::fold;
        [
            fold(&format!("{}{}", self.family_name, self.given_name)),
            fold(&format!(
                "{}{}",
                self.family_name_kana, self.given_name_kana
            )),
        ]
        .join("|")
    }

    /// The index entries: grams of each part separately, so none spans two parts.
    pub fn search_grams(&self) -> Vec<String> {
        let mut g: Vec<String> = self
            .search_key()
            .split('|')
            .flat_map(crate::kana::grams)
            .collect();
        g.sort();
        g.dedup();
        g
    }
}

/// Consent to share the patient's personal data (要配慮個人情報) with outside agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub given_on: NaiveDate,
    pub scope: ConsentScope,
    pub withdrawn_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// Who gave it; `None` for consents recorded before the giver was.
    pub given_by: Option<GivenBy>,
    /// The guardian who gave it for a minor (法定代理人), and how they are related (母, 父…).
    pub guardian_name: Option<String>,
    pub guardian_relationship: Option<String>,
    /// The child agreed as well (required from the center's `child_assent_age`).
    pub child_assent: bool,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Consent {
    /// In force on `day`: given on or before it, and not withdrawn by then.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.given_on <= day && self.withdrawn_on.is_none_or(|w| w > day)
    }

    /// Whether this consent lets the center pass the patient's data to an agency of
    /// `agency_type` on `day`: in force then, and its scope covering that kind of agency.
    pub fn allows_provision(&self, agency_type: AgencyType, day: NaiveDate) -> bool {
        self.in_force_on(day) && self.scope.covers(agency_type)
    }
}

/// 相談. `patient_id` is `None` for an anonymous consultation, which still counts in figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    pub requester: Requester,
    pub topics: Vec<Topic>,
    pub duration_minutes: Option<i32>,
    /// Joint with the 難病患者就職サポーター.
    pub with_employment_supporter: bool,
    pub summary: Option<String>,
    /// 小慢 相談支援のメニュー: set for the consultations of a 小慢 patient.
    pub shoman_menu: Option<ShomanMenu>,
    /// Who asked, in the 小慢 program's terms (beside `requester`).
    pub shoman_requester: Option<ShomanRequester>,
    pub consultant_id: Uuid,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// 紹介: a patient sent to an agency at a level, for a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub consultation_id: Option<Uuid>,
    pub agency_id: Uuid,
    /// The agency's type when the referral was made: what the survey counts it under.
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    pub level: Level,
    pub referred_on: NaiveDate,
    /// What was handed over, e.g. 就労相談票.
    pub handed_over: Option<String>,
    pub notes: Option<String>,
    pub status: ReferralStatus,
    pub outcome: Option<CaseOutcome>,
    pub closed_on: Option<NaiveDate>,
    pub review_state: ReviewState,
    /// The consultant responsible for it.
    pub consultant_id: Uuid,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step in a referral's level history; the first has no `from_level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelChange {
    pub id: Uuid,
    pub center_id: Uuid,
    pub referral_id: Uuid,
    pub from_level: Option<Level>,
    pub to_level: Level,
    pub reason: Option<String>,
    pub changed_by: Uuid,
    pub changed_at: DateTime<Utc>,
}

/// 第三者提供の記録: personal data handed to an agency, under which consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provision {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub referral_id: Uuid,
    pub agency_id: Uuid,
    pub consent_id: Uuid,
    pub items: Vec<SharedItem>,
    pub provided_on: NaiveDate,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// フォローアップ: scheduled with a due date, then recorded as done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: Uuid,
    pub center_id: Uuid,
    pub referral_id: Uuid,
    pub patient_id: Uuid,
    pub assignee_id: Uuid,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub method: Option<FollowUpMethod>,
    pub contacted: Option<Contacted>,
    pub outcome: Option<CaseOutcome>,
    pub notes: Option<String>,
    pub next_due_on: Option<NaiveDate>,
    /// Set when it left the queue without being done: its referral was closed, or it was
    /// imported from a 台帳 as not recorded (then `not_recorded`, and this is the import's day).
    pub cancelled_on: Option<NaiveDate>,
    /// Its day had passed when a 台帳 was imported, with nothing written about it: kept as
    /// not recorded rather than shown as years overdue.
    pub not_recorded: bool,
    /// Who recorded it as done; `None` when the agency confirmed it through a link.
    pub recorded_by: Option<Uuid>,
    /// The one-time link through which the agency confirmed it (then `contacted` is
    /// `agency`), and what the agency said.
    pub agency_link_id: Option<Uuid>,
    pub agency_outcome: Option<AgencyOutcome>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FollowUp {
    pub fn is_open(&self) -> bool {
        self.done_on.is_none() && self.cancelled_on.is_none()
    }

    /// Overdue when still open after its due date, in Asia/Tokyo dates.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_on < today
    }
}

/// A follow-up with what a work queue shows beside it, read in the same query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpView {
    pub follow_up: FollowUp,
    pub case_number: String,
    pub patient_name: String,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub agency_type: AgencyType,
    pub level: Level,
}

/// Everything on a patient's path, for the timeline.
#[derive(Debug, Clone, Default)]
pub struct CaseHistory {
    pub consents: Vec<Consent>,
    pub consultations: Vec<Consultation>,
    pub referrals: Vec<Referral>,
    pub level_changes: Vec<LevelChange>,
    pub follow_ups: Vec<FollowUpView>,
    pub provisions: Vec<Provision>,
    /// 小慢 optional-project sessions the patient was named in (as the child or family).
    pub project_sessions: Vec<crate::shoman::projects::ProjectSession>,
    /// Events the patient was named at.
    pub events: Vec<crate::activities::Event>,
    pub program_changes: Vec<ProgramChange>,
}

/// A patient's move between programs, e.g. a 小慢 child who turns 20 and continues in the
/// adult 難病 program as the same patient (移行期): the patient keeps one record and this
/// keeps the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramChange {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub from: Program,
    pub to: Program,
    /// The day of the change, in Asia/Tokyo.
    pub changed_on: NaiveDate,
    pub changed_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A supervisor's review of a referral's follow-up work. Reviews are kept as history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: Uuid,
    pub center_id: Uuid,
    pub referral_id: Uuid,
    pub reviewer_id: Uuid,
    pub decision: ReviewDecision,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A referral with what the audit queue shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub referral: Referral,
    pub case_number: String,
    pub patient_name: String,
    pub agency_name: String,
    /// Open follow-ups (not done, not cancelled) and the earliest of their due dates.
    pub open_follow_ups: i64,
    pub earliest_open_due: Option<NaiveDate>,
}

/// How a list shows a patient next to a record: case number and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientLabel {
    pub id: Uuid,
    pub case_number: String,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(scope: ConsentScope, given: NaiveDate, withdrawn: Option<NaiveDate>) -> Consent {
        Consent {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            given_on: given,
            scope,
            withdrawn_on: withdrawn,
            notes: None,
            given_by: None,
            guardian_name: None,
            guardian_relationship: None,
            child_assent: false,
            recorded_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, d).unwrap_or_default()
    }

    #[test]
    fn a_consent_allows_provision_while_in_force_and_within_its_scope() {
        let c = consent(ConsentScope::EmploymentAgencies, day(10), Some(day(20)));
        assert!(c.allows_provision(AgencyType::HelloWork, day(10)));
        assert!(c.allows_provision(AgencyType::HelloWork, day(19)));
        assert!(
            !c.allows_provision(AgencyType::HelloWork, day(9)),
            "not yet given"
        );
        assert!(
            !c.allows_provision(AgencyType::HelloWork, day(20)),
            "withdrawn that day"
        );
        assert!(
            !c.allows_provision(AgencyType::Other, day(15)),
            "outside its scope"
        );
        let all = consent(ConsentScope::AllAgencies, day(10), None);
        assert!(all.allows_provision(AgencyType::Other, day(30)));
    }
}
