//! Values that can only hold valid data ("parse, don't validate"). Each `parse` returns a
//! [`FieldError`] naming the field, so an input reports every bad field at once.

use crate::error::FieldError;
use std::fmt;

mod text;
pub mod wareki;
pub use text::*;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(FieldError::new(field, "invalid_choice", format!(
                        "must be one of: {}", [$($s),+].join(", ")))),
                }
            }

            /// For values read back from the database, which only ever holds valid ones.
            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

text_enum!(
    /// What a person may do. `system_admin` runs the installation and never sees a patient;
    /// `self_reliance_worker` is the 自立支援員 of the 小慢 self-reliance support project, with
    /// a consultant's reach; `peer_supporter` (ピア・サポーター) reaches only the patients
    /// assigned to them and the anonymous consultations they record. `municipal_officer`
    /// (自治体担当) belongs to an administration and reads its centers' aggregates and runs its
    /// regional councils, never seeing a patient; `council_member` is a council's member
    /// who is not staff, reaching only the records of the councils they sit on.
    Role {
        SystemAdmin = "system_admin",
        CenterAdmin = "center_admin",
        Supervisor = "supervisor",
        Consultant = "consultant",
        SelfRelianceWorker = "self_reliance_worker",
        PeerSupporter = "peer_supporter",
        MunicipalOfficer = "municipal_officer",
        CouncilMember = "council_member",
    }
);

text_enum!(
    /// The kinds of administration that set up regional councils (難病法第32条, 児童福祉法):
    /// 都道府県, 政令指定都市, other 保健所設置市 (中核市 and the like), and 特別区. The ministry
    /// counts councils by these kinds.
    AdministrationKind {
        Prefecture = "prefecture",
        DesignatedCity = "designated_city",
        HealthCenterCity = "health_center_city",
        SpecialWard = "special_ward",
    }
);

text_enum!(
    /// The kind of a regional council: the 難病対策地域協議会 (`intractable`), the
    /// 慢性疾病児童等地域支援協議会 (`pediatric`), or one run for both (`joint`).
    CouncilKind {
        Intractable = "intractable",
        Pediatric = "pediatric",
        Joint = "joint",
    }
);

text_enum!(
    /// The area a council covers: the whole prefecture, a 二次医療圏, or a 保健所's area.
    CouncilScope {
        Prefecture = "prefecture",
        SecondaryMedicalArea = "secondary_medical_area",
        HealthCenter = "health_center",
    }
);

text_enum!(
    /// The body a council member represents, in the paper's categories: 医療, 福祉, 保健,
    /// 相談支援, 地域, 就労, 教育, 患者・家族, and other.
    MemberCategory {
        Medical = "medical",
        Welfare = "welfare",
        PublicHealth = "public_health",
        Consultation = "consultation",
        Community = "community",
        Employment = "employment",
        Education = "education",
        PatientsFamilies = "patients_families",
        Other = "other",
    }
);

text_enum!(
    /// A member's part in the council: 会長, 副会長, 委員, 事務局.
    CouncilRole {
        Chair = "chair",
        ViceChair = "vice_chair",
        Member = "member",
        Secretariat = "secretariat",
    }
);

text_enum!(
    /// A council meeting: the plenary (本会議), a 部会's, or the secretariat's (事務局会議).
    MeetingKind {
        Plenary = "plenary",
        Subcommittee = "subcommittee",
        Secretariat = "secretariat",
    }
);

text_enum!(
    /// Where a meeting stands.
    MeetingStatus {
        Planned = "planned",
        Held = "held",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// 運営形態 of a center.
    OperatingType {
        MedicalInstitution = "medical_institution",
        Municipality = "municipality",
        PatientOrganization = "patient_organization",
        Other = "other",
    }
);

text_enum!(
    /// The four kinds of employment support agency the ministry's survey counts.
    AgencyType {
        HelloWork = "hello_work",
        EmploymentLifeSupportCenter = "employment_life_support_center",
        VocationalCenter = "vocational_center",
        Other = "other",
    }
);

text_enum!(
    /// 制度: 指定難病 (`nanbyo`) or 小児慢性特定疾病 (`shoman`).
    Program {
        Nanbyo = "nanbyo",
        Shoman = "shoman",
    }
);

/// The programs a center runs when nothing says otherwise: centers from before programs
/// were recorded are 難病相談支援センター.
pub const DEFAULT_PROGRAMS: &[Program] = &[Program::Nanbyo];

/// The age from which a minor's consent also needs the child's own assent, unless the
/// center sets another (中学卒業 — around 15 — is the age commonly taken for a child's own
/// say over personal data).
pub const DEFAULT_CHILD_ASSENT_AGE: i32 = 15;

text_enum!(
    /// Where a 小慢 support plan stands: drafted, submitted for review, approved by a
    /// supervisor or returned with a comment. Editing a returned or approved plan starts its
    /// next revision as a draft.
    PlanState {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
    }
);

text_enum!(
    /// What a support plan's goal is about: 自立, 就労, 就学, 療養, 移行期 (the move to the
    /// adult 難病 program and adult care).
    GoalKind {
        Independence = "independence",
        Employment = "employment",
        Schooling = "schooling",
        MedicalCare = "medical_care",
        Transition = "transition",
    }
);

text_enum!(
    /// Where a 小慢 child stands in the transition (移行期): `approaching` (under 18),
    /// `extended` (18 or 19, treatment continuing), `over_age` (20 or older and still 小慢:
    /// the move to the adult program is overdue).
    TransitionStage {
        Approaching = "approaching",
        Extended = "extended",
        OverAge = "over_age",
    }
);

text_enum!(
    /// The body that delivers a support plan's action.
    BodyKind {
        School = "school",
        Employer = "employer",
        Hospital = "hospital",
        WelfareOffice = "welfare_office",
        HelloWork = "hello_work",
        OtherCenter = "other_center",
        OptionalProject = "optional_project",
        Other = "other",
    }
);

/// The bodies a liaison contact may pass a child's data to only under consent (and with a
/// record of provision).
pub fn body_needs_consent(body: BodyKind) -> bool {
    matches!(body, BodyKind::School | BodyKind::Employer)
}

text_enum!(
    /// 小慢 相談支援のメニュー: 療育相談指導, 巡回相談指導, ピアカウンセリング,
    /// 自立に向けた育成相談, 学校・企業等からの相談.
    ShomanMenu {
        RyoikuGuidance = "ryoiku_guidance",
        ItinerantGuidance = "itinerant_guidance",
        PeerCounseling = "peer_counseling",
        SelfRelianceGuidance = "self_reliance_guidance",
        SchoolEmployer = "school_employer",
    }
);

text_enum!(
    /// Who asked for a 小慢 consultation, in the program's terms.
    ShomanRequester {
        Child = "child",
        Family = "family",
        School = "school",
        Employer = "employer",
        Other = "other",
    }
);

text_enum!(
    /// How a liaison contact took place.
    LiaisonChannel {
        Phone = "phone",
        Visit = "visit",
        Meeting = "meeting",
        Email = "email",
        Letter = "letter",
        Online = "online",
    }
);

text_enum!(
    /// Who gave a consent: the patient (`self`) or, for a minor, the guardian.
    GivenBy {
        SelfGiven = "self",
        Guardian = "guardian",
    }
);

text_enum!(
    /// How a support plan's action went, followed up like a referral.
    ActionState {
        Open = "open",
        Done = "done",
        NotDone = "not_done",
        Changed = "changed",
    }
);

text_enum!(
    /// The kind of a 小慢 optional project (任意事業): 療養生活支援 (`respite`: 一時預かり),
    /// 相互交流支援 (`exchange`), 就職支援 (`employment`), 介護者支援 (`caregiver`), その他
    /// (`other`: learning support, physical training).
    ProjectKind {
        Respite = "respite",
        Exchange = "exchange",
        Employment = "employment",
        Caregiver = "caregiver",
        Other = "other",
    }
);

text_enum!(
    /// What a session of an optional project did; each fits one project kind (see
    /// `shoman::projects::rules::activity_fits`), `other` fits every kind.
    SessionActivity {
        TemporaryCare = "temporary_care",
        Workshop = "workshop",
        ChildrenMeeting = "children_meeting",
        WorkExperience = "work_experience",
        JobConsultationMeeting = "job_consultation_meeting",
        HospitalAccompaniment = "hospital_accompaniment",
        SiblingSupport = "sibling_support",
        LearningSupport = "learning_support",
        PhysicalTraining = "physical_training",
        Other = "other",
    }
);

text_enum!(
    /// How a named participant took part in a session: the child, or the child's family.
    ParticipantRole {
        Child = "child",
        Family = "family",
    }
);

text_enum!(
    /// The kind of an unmet need (ニーズ) a center sees, coded so they can be counted.
    NeedKind {
        Respite = "respite",
        Exchange = "exchange",
        Employment = "employment",
        CaregiverSupport = "caregiver_support",
        SiblingSupport = "sibling_support",
        LearningSupport = "learning_support",
        Schooling = "schooling",
        MedicalCare = "medical_care",
        Transition = "transition",
        Financial = "financial",
        Other = "other",
    }
);

text_enum!(
    /// Where a need stands: still `open`, `met` (on `met_on`), or `dropped`.
    NeedStatus {
        Open = "open",
        Met = "met",
        Dropped = "dropped",
    }
);

text_enum!(
    /// How a patient heard of the center (asked at intake), and the kinds of outreach (周知)
    /// a center does: one list, so each outreach activity can be set against the patients
    /// who came from it. The outreach kinds are those [`ReferralSource::is_outreach`]:
    /// posters at 指定医療機関, leaflets handed out with the 医療費助成 application, talks at
    /// 指定医 training, MSWs, 地域包括支援センター, care managers, the homepage, the
    /// newsletter (広報誌), SNS and `other`. A patient may also have heard from family or
    /// friends, from medical staff, from a patient association, or not know.
    ReferralSource {
        PosterDesignatedHospital = "poster_designated_hospital",
        LeafletAtApplication = "leaflet_at_application",
        DesignatedDoctorTraining = "designated_doctor_training",
        Msw = "msw",
        CommunitySupportCenter = "community_support_center",
        CareManager = "care_manager",
        Homepage = "homepage",
        Newsletter = "newsletter",
        Sns = "sns",
        Other = "other",
        FamilyFriend = "family_friend",
        MedicalStaff = "medical_staff",
        PatientAssociation = "patient_association",
        Unknown = "unknown",
    }
);

impl ReferralSource {
    /// Whether a center does outreach of this kind (and so an outreach activity may be of
    /// it): every source but hearing from family or friends, medical staff, a patient
    /// association, or not knowing.
    pub fn is_outreach(self) -> bool {
        !matches!(
            self,
            ReferralSource::FamilyFriend
                | ReferralSource::MedicalStaff
                | ReferralSource::PatientAssociation
                | ReferralSource::Unknown
        )
    }

    /// The kind of an outreach activity: one of the outreach sources.
    pub fn parse_outreach(field: &str, s: &str) -> Result<Self, FieldError> {
        match Self::from_db(s) {
            Some(k) if k.is_outreach() => Ok(k),
            _ => Err(FieldError::new(
                field,
                "invalid_choice",
                format!(
                    "must be one of: {}",
                    Self::ALL
                        .iter()
                        .filter(|k| k.is_outreach())
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
}

text_enum!(
    /// Whether a staff member attended a training or gave it.
    TrainingParticipation {
        Attended = "attended",
        Given = "given",
    }
);

text_enum!(
    /// The kind of a training: the ピア・サポーター養成講習会 (`peer_supporter_training`),
    /// training of the center's staff (`staff_training`), or `other`.
    TrainingCourse {
        PeerSupporterTraining = "peer_supporter_training",
        StaffTraining = "staff_training",
        Other = "other",
    }
);

text_enum!(
    /// The kind of an event or group activity: ピア相談会 (`peer_consultation`), 難病カフェ
    /// (`cafe`), a seminar, 講演・研修会 (`lecture`), 就労支援セミナー
    /// (`employment_seminar`), 弁護士・社労士相談会 (`legal_consultation`), or `other`.
    EventKind {
        PeerConsultation = "peer_consultation",
        Cafe = "cafe",
        Seminar = "seminar",
        Lecture = "lecture",
        EmploymentSeminar = "employment_seminar",
        LegalConsultation = "legal_consultation",
        Other = "other",
    }
);

text_enum!(
    /// How a named attendee came to an event: as the `patient`, or as a patient's `family`.
    AttendeeRole {
        Patient = "patient",
        Family = "family",
    }
);

text_enum!(
    /// Where a 出張相談 session (with the Hello Work 難病患者就職サポーター) stands: `scheduled`,
    /// `held` (set when a booking is marked held, or by hand), or `cancelled`.
    SupporterSessionStatus {
        Scheduled = "scheduled",
        Held = "held",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// A booked slot of a 出張相談 session: `booked`, `held` (the joint consultation took
    /// place), `no_show`, or `cancelled` (which frees the slot).
    SupporterBookingStatus {
        Booked = "booked",
        Held = "held",
        NoShow = "no_show",
        Cancelled = "cancelled",
    }
);

text_enum!(
    Sex {
        Female = "female",
        Male = "male",
        Other = "other",
    }
);

text_enum!(
    /// The patient's work situation at intake.
    EmploymentStatus {
        Employed = "employed",
        OnLeave = "on_leave",
        JobSeeking = "job_seeking",
        NotWorking = "not_working",
        Student = "student",
    }
);

text_enum!(
    /// Whether the patient knows and uses employment support (the paper's outreach figure).
    SupportAwareness {
        Using = "using",
        UsedBefore = "used_before",
        AwareNotUsed = "aware_not_used",
        Unaware = "unaware",
    }
);

text_enum!(
    /// What a consent to share personal data covers. `schools`, `employers` and
    /// `all_bodies` are for 小慢 liaison: a child's school or employer (see
    /// [`ConsentScope::covers_body`]); `all_bodies` also covers every agency.
    ConsentScope {
        EmploymentAgencies = "employment_agencies",
        AllAgencies = "all_agencies",
        Schools = "schools",
        Employers = "employers",
        AllBodies = "all_bodies",
    }
);

impl ConsentScope {
    /// `employment_agencies` covers the three public employment agency types; `other`
    /// bodies (an employer, a 社労士, a 就労移行支援事業所) need consent for all agencies.
    /// Consent for schools or for employers alone covers no agency.
    pub fn covers(self, agency_type: AgencyType) -> bool {
        match self {
            ConsentScope::AllAgencies | ConsentScope::AllBodies => true,
            ConsentScope::EmploymentAgencies => agency_type != AgencyType::Other,
            ConsentScope::Schools | ConsentScope::Employers => false,
        }
    }

    /// Whether passing a child's data to a liaison body of this kind is covered: a school
    /// by `schools` or `all_bodies`; an employer by `employers`, `all_bodies` or
    /// `all_agencies` (which has always named an employer among the `other` bodies it
    /// covers). A school was never an agency: consent for all agencies does not reach it.
    /// Other bodies need no liaison consent here (agencies go through referrals).
    pub fn covers_body(self, body: BodyKind) -> bool {
        match body {
            BodyKind::School => matches!(self, ConsentScope::Schools | ConsentScope::AllBodies),
            BodyKind::Employer => matches!(
                self,
                ConsentScope::Employers | ConsentScope::AllBodies | ConsentScope::AllAgencies
            ),
            _ => false,
        }
    }

    /// The scopes whose consent covers an agency of this type, narrowest first.
    pub fn covering(agency_type: AgencyType) -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| s.covers(agency_type))
            .collect()
    }
}

text_enum!(
    /// How a consultation took place.
    Channel {
        InPerson = "in_person",
        Phone = "phone",
        Email = "email",
        Outreach = "outreach",
        HomeVisit = "home_visit",
        Online = "online",
    }
);

text_enum!(
    /// Who asked.
    Requester {
        Patient = "patient",
        Family = "family",
        Agency = "agency",
        Other = "other",
    }
);

text_enum!(
    /// What a consultation was about; a consultation has one or more.
    Topic {
        Illness = "illness",
        Employment = "employment",
        WelfareSystem = "welfare_system",
        DailyLife = "daily_life",
        PeerSupport = "peer_support",
        Psychological = "psychological",
        Other = "other",
    }
);

text_enum!(
    /// 新規就労 or 就労継続.
    Purpose {
        NewEmployment = "new_employment",
        JobRetention = "job_retention",
    }
);

text_enum!(
    /// How far the center went when referring (the survey's 対応内容, levels 1 to 4).
    Level {
        InformationOnly = "information_only",
        PhoneMediation = "phone_mediation",
        Accompanied = "accompanied",
        AccompaniedWithFollowUp = "accompanied_with_follow_up",
    }
);

impl Level {
    /// 1 to 4, as the survey numbers them.
    pub fn rank(self) -> u8 {
        match self {
            Level::InformationOnly => 1,
            Level::PhoneMediation => 2,
            Level::Accompanied => 3,
            Level::AccompaniedWithFollowUp => 4,
        }
    }

    /// From phone mediation up, the center passes the patient's data to the agency.
    pub fn passes_data(self) -> bool {
        self.rank() >= 2
    }

    /// Level 4 is a promise to follow up.
    pub fn promises_follow_up(self) -> bool {
        self == Level::AccompaniedWithFollowUp
    }
}

text_enum!(
    ReferralStatus {
        Open = "open",
        Closed = "closed",
    }
);

text_enum!(
    /// Where a patient stands after a referral: a follow-up's finding, a closed referral's result.
    CaseOutcome {
        Searching = "searching",
        Employed = "employed",
        Retained = "retained",
        LeftJob = "left_job",
        Declined = "declined",
        LostContact = "lost_contact",
        Other = "other",
    }
);

impl CaseOutcome {
    /// Whether this outcome is what a referral of `purpose` was for: a new job for new
    /// employment, a kept job for job retention (the employment-outcomes report counts these).
    pub fn achieves(self, purpose: Purpose) -> bool {
        matches!(
            (purpose, self),
            (Purpose::NewEmployment, CaseOutcome::Employed)
                | (Purpose::JobRetention, CaseOutcome::Retained)
        )
    }
}

text_enum!(
    /// How a follow-up was made.
    FollowUpMethod {
        Phone = "phone",
        InPerson = "in_person",
        Email = "email",
        Visit = "visit",
        Online = "online",
        Other = "other",
    }
);

text_enum!(
    /// Who the consultant reached in a follow-up.
    Contacted {
        Patient = "patient",
        Agency = "agency",
        Employer = "employer",
    }
);

text_enum!(
    /// What an agency officer confirms through a one-time link (機関への確認リンク): the
    /// patient came, did not come, registered as a job seeker (求職登録), was employed, or
    /// job-retention support (定着支援) started.
    AgencyOutcome {
        Came = "came",
        DidNotCome = "did_not_come",
        RegisteredJobSeeker = "registered_job_seeker",
        Employed = "employed",
        RetentionSupportStarted = "retention_support_started",
    }
);

text_enum!(
    /// A supervisor's decision on a referral's follow-up work.
    ReviewDecision {
        Approved = "approved",
        Returned = "returned",
    }
);

text_enum!(
    /// Where a referral stands in supervision: `pending` once follow-up work was recorded
    /// (or a returned referral corrected), then `approved` or `returned`.
    ReviewState {
        None = "none",
        Pending = "pending",
        Approved = "approved",
        Returned = "returned",
    }
);

text_enum!(
    /// Items of personal data handed to an agency, for the record of provision.
    SharedItem {
        Name = "name",
        BirthDate = "birth_date",
        Contact = "contact",
        Address = "address",
        Diagnosis = "diagnosis",
        DisabilityCertificate = "disability_certificate",
        EmploymentHistory = "employment_history",
        ConsultationRecord = "consultation_record",
    }
);

/// Parses a list of enum values (e.g. topics), reporting the first bad one with its index
/// and refusing an empty list when `min` is 1. Duplicates are dropped; order is kept.
pub fn enum_list<T: Copy + PartialEq>(
    field: &str,
    raw: &[String],
    min: usize,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    if raw.len() < min {
        return Err(FieldError::new(field, "required", "choose at least one"));
    }
    if raw.len() > 32 {
        return Err(FieldError::new(field, "too_long", "too many values"));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let v = parse(&format!("{field}[{i}]"), r)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Joins enum values for a text column (`"employment,illness"`).
pub fn join_list<T: Copy>(values: &[T], as_str: impl Fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| as_str(*v))
        .collect::<Vec<_>>()
        .join(",")
}

/// The reverse of [`join_list`], for values read back from the database.
pub fn split_list<T>(stored: &str, from_db: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    if stored.is_empty() {
        return Some(Vec::new());
    }
    stored.split(',').map(from_db).collect()
}

/// 年度: the fiscal year a date falls in (April to March), e.g. 2026-03-31 → 2025.
pub fn fiscal_year(d: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// A point in time: RFC 3339 with an offset (`2026-06-01T10:00:00+09:00` or `…Z`), kept in UTC.
pub fn timestamp(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, FieldError> {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            FieldError::new(
                field,
                "invalid_datetime",
                "must be an RFC 3339 date-time with offset, e.g. 2026-06-01T10:00:00+09:00",
            )
        })
}

/// A date field: `YYYY-MM-DD`, within sane bounds (no 0001-01-01 typos).
pub fn date(field: &str, raw: &str) -> Result<chrono::NaiveDate, FieldError> {
    let d = chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "invalid_date", "must be a date YYYY-MM-DD"))?;
    date_in_bounds(field, d)
}

/// The years a date may fall in ([`date`]); the OpenAPI document states them as a pattern
/// on every `format: date`.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// A date already parsed (a typed query parameter) within the bounds of [`date`].
pub fn date_in_bounds(field: &str, d: chrono::NaiveDate) -> Result<chrono::NaiveDate, FieldError> {
    use chrono::Datelike;
    if !DATE_YEARS.contains(&d.year()) {
        return Err(FieldError::new(
            field,
            "out_of_range",
            "must be between 1900-01-01 and 2199-12-31",
        ));
    }
    Ok(d)
}

/// A sign-in name: ASCII letters, digits and `._-@`, 3 to 64 characters, compared
/// case-insensitively (stored lower-case) so `Sato` and `sato` cannot both exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let t = raw.trim().to_ascii_lowercase();
        if t.is_empty() {
            return Err(FieldError::new(field, "required", "must not be empty"));
        }
        if t.len() < 3 || t.len() > 64 {
            return Err(FieldError::new(
                field,
                "invalid_length",
                "must be 3 to 64 characters",
            ));
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                "may contain only letters, digits and . _ - @",
            ));
        }
        Ok(Self(t))
    }

    /// Normalises without validating: used to look a login up, so that a malformed login
    /// is answered exactly like an unknown one.
    pub fn normalise(raw: &str) -> String {
        raw.trim().to_ascii_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 都道府県コード (JIS X 0401): "01" 北海道 … "47" 沖縄県, always two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefectureCode(u8);

impl PrefectureCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let err = || {
            FieldError::new(
                field,
                "invalid_prefecture",
                "must be a JIS X 0401 code from \"01\" to \"47\"",
            )
        };
        if raw.len() != 2 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match raw.parse::<u8>() {
            Ok(n @ 1..=47) => Ok(Self(n)),
            _ => Err(err()),
        }
    }

    pub fn as_string(self) -> String {
        format!("{:02}", self.0)
    }
}

/// A center's short code, unique in the installation (e.g. `hiroshima`), used in exports.
pub fn center_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim().to_ascii_lowercase();
    // The length counts what was sent, as the document's `maxLength` does.
    if t.is_empty()
        || raw.chars().count() > 32
        || t.len() > 32
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(FieldError::new(
            field,
            "invalid_code",
            "must be 1 to 32 letters, digits, - or _",
        ));
    }
    Ok(t)
}

// Declared after `text_enum!`, which they use.
mod issues;
pub use issues::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_center_code_is_at_most_32_characters_as_sent() {
        assert_eq!(center_code("code", " Hiroshima ").unwrap(), "hiroshima");
        assert!(center_code("code", &"a".repeat(32)).is_ok());
        assert!(center_code("code", &format!("{} ", "a".repeat(32))).is_err());
        assert!(center_code("code", &format!("a{}", " ".repeat(32))).is_err());
    }

    #[test]
    fn prefecture_codes() {
        assert!(PrefectureCode::parse("p", "01").is_ok());
        assert_eq!(PrefectureCode::parse("p", "47").unwrap().as_string(), "47");
        for bad in ["00", "48", "1", "001", "ab", "", "１３"] {
            assert!(PrefectureCode::parse("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logins() {
        assert_eq!(
            Login::parse("l", " Sato.Hanako ").unwrap().as_str(),
            "sato.hanako"
        );
        assert_eq!(Login::parse("l", "ab").unwrap_err().code, "invalid_length");
        assert_eq!(
            Login::parse("l", "佐藤さん").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn fiscal_years_start_in_april() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(fiscal_year(d(2026, 3, 31)), 2025);
        assert_eq!(fiscal_year(d(2026, 4, 1)), 2026);
        assert_eq!(fiscal_year(d(2027, 1, 15)), 2026);
    }

    #[test]
    fn levels_and_scopes() {
        assert!(!Level::InformationOnly.passes_data());
        assert!(Level::PhoneMediation.passes_data());
        assert!(Level::AccompaniedWithFollowUp.promises_follow_up());
        assert!(ConsentScope::EmploymentAgencies.covers(AgencyType::HelloWork));
        assert!(!ConsentScope::EmploymentAgencies.covers(AgencyType::Other));
        assert!(ConsentScope::AllAgencies.covers(AgencyType::Other));
        assert_eq!(
            ConsentScope::covering(AgencyType::HelloWork),
            [
                ConsentScope::EmploymentAgencies,
                ConsentScope::AllAgencies,
                ConsentScope::AllBodies
            ]
        );
        assert_eq!(
            ConsentScope::covering(AgencyType::Other),
            [ConsentScope::AllAgencies, ConsentScope::AllBodies]
        );
        assert!(!ConsentScope::Schools.covers(AgencyType::HelloWork));
    }

    #[test]
    fn a_school_needs_consent_for_schools_an_employer_for_employers_or_all_agencies() {
        let covering = |b: BodyKind| -> Vec<ConsentScope> {
            ConsentScope::ALL
                .iter()
                .copied()
                .filter(|s| s.covers_body(b))
                .collect()
        };
        assert_eq!(
            covering(BodyKind::School),
            [ConsentScope::Schools, ConsentScope::AllBodies]
        );
        assert_eq!(
            covering(BodyKind::Employer),
            [
                ConsentScope::AllAgencies,
                ConsentScope::Employers,
                ConsentScope::AllBodies
            ]
        );
        assert!(body_needs_consent(BodyKind::School));
        assert!(!body_needs_consent(BodyKind::Hospital));
    }

    #[test]
    fn lists() {
        let raw = vec![
            "employment".to_owned(),
            "illness".to_owned(),
            "employment".to_owned(),
        ];
        let v = enum_list("topics", &raw, 1, Topic::parse).unwrap();
        assert_eq!(v, vec![Topic::Employment, Topic::Illness]);
        assert_eq!(join_list(&v, Topic::as_str), "employment,illness");
        assert_eq!(split_list("employment,illness", Topic::from_db), Some(v));
        assert_eq!(
            enum_list("topics", &[], 1, Topic::parse).unwrap_err().code,
            "required"
        );
        let bad = vec!["work".to_owned()];
        assert_eq!(
            enum_list("topics", &bad, 1, Topic::parse)
                .unwrap_err()
                .field,
            "topics[0]"
        );
    }

    #[test]
    fn enums_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse("role", r.as_str()).unwrap(), *r);
        }
        assert_eq!(
            AgencyType::parse("t", "nope").unwrap_err().code,
            "invalid_choice"
        );
    }
}
