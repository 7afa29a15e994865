//! The enums of the wire: each documents its values in the spec (the domain parses requests).
//!
//! Most mirror a domain enum, written `Wire = domain::Enum { … }`: the macro matches the two
//! both ways without a wildcard, so a variant added on either side fails to compile until
//! the other has it, and the test below checks the spec spells each value as the domain does.

use tsunagu_domain::supervision;
use tsunagu_domain::values;
use utoipa::ToSchema;

/// What a test needs of a wire enum that mirrors a domain enum.
#[cfg(test)]
trait Mirror: ToSchema {
    /// The domain's values, in the domain's order.
    fn domain_values() -> Vec<&'static str>;
}

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident = $domain:path { $($variant:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
        #[schema(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(d: $domain) -> Self {
                type D = $domain;
                match d { $(D::$variant => Self::$variant),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(w: $name) -> Self {
                match w { $($name::$variant => Self::$variant),+ }
            }
        }

        #[cfg(test)]
        impl Mirror for $name {
            fn domain_values() -> Vec<&'static str> {
                type D = $domain;
                // The domain's order is its declaration order, which its `Ord` follows.
                let mut all: Vec<D> = [$($name::$variant),+].into_iter().map(D::from).collect();
                all.sort();
                all.into_iter().map(D::as_str).collect()
            }
        }
    };
    ($(#[$m:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(ToSchema)]
        #[schema(rename_all = "snake_case")]
        #[allow(dead_code)]
        pub enum $name { $($variant),+ }
    };
}

// --- staff, centers and agencies ----------------------------------------------------------

wire_enum!(
    /// What a person may do (see the contract).
    Role = values::Role { SystemAdmin, CenterAdmin, Supervisor, Consultant, SelfRelianceWorker, PeerSupporter, MunicipalOfficer, CouncilMember }
);
wire_enum!(
    /// The kind of administration (自治体): 都道府県, 政令指定都市, other 保健所設置市, 特別区.
    AdministrationKind = values::AdministrationKind { Prefecture, DesignatedCity, HealthCenterCity, SpecialWard }
);
wire_enum!(
    /// 運営形態 of a center.
    OperatingType = values::OperatingType { MedicalInstitution, Municipality, PatientOrganization, Other }
);
wire_enum!(
    /// The kind of employment support agency, as the ministry's survey counts them.
    AgencyType = values::AgencyType { HelloWork, EmploymentLifeSupportCenter, VocationalCenter, Other }
);

// --- the bulk export -----------------------------------------------------------------------

wire_enum!(
    /// The file of a bulk export: `csv` (UTF-8 with a BOM, one record kind), `xlsx` (a sheet
    /// per kind) or `json` (one document with every kind).
    ExportFormat = tsunagu_domain::exchange::export::ExportFormat { Csv, Xlsx, Json }
);
wire_enum!(
    /// The case records a bulk export holds.
    ExportKind = tsunagu_domain::exchange::export::RecordKind { Patients, Consultations, Referrals, FollowUps, Consents }
);
wire_enum!(
    /// `ready` until a download was produced whole, then `completed`.
    ExportState = tsunagu_domain::exchange::export::ExportState { Ready, Completed }
);

// --- regional councils --------------------------------------------------------------------

wire_enum!(
    /// The kind of a regional council: 難病対策地域協議会 (`intractable`), 慢性疾病児童等地域支援協議会
    /// (`pediatric`), or one for both (`joint`).
    CouncilKind = values::CouncilKind { Intractable, Pediatric, Joint }
);
wire_enum!(
    /// The area a council covers: the prefecture, a 二次医療圏, or a 保健所's area.
    CouncilScope = values::CouncilScope { Prefecture, SecondaryMedicalArea, HealthCenter }
);
wire_enum!(
    /// The body a council member represents.
    MemberCategory = values::MemberCategory { Medical, Welfare, PublicHealth, Consultation, Community, Employment, Education, PatientsFamilies, Other }
);
wire_enum!(
    /// A member's part in the council: 会長, 副会長, 委員, 事務局.
    CouncilRole = values::CouncilRole { Chair, ViceChair, Member, Secretariat }
);
wire_enum!(
    /// A council meeting: plenary (本会議), a 部会's, or the secretariat's.
    MeetingKind = values::MeetingKind { Plenary, Subcommittee, Secretariat }
);
wire_enum!(
    /// Where a meeting stands.
    MeetingStatus = values::MeetingStatus { Planned, Held, Cancelled }
);

// --- the case -----------------------------------------------------------------------------

wire_enum!(
    /// 制度: `nanbyo` (指定難病) or `shoman` (小児慢性特定疾病).
    Program = values::Program { Nanbyo, Shoman }
);
wire_enum!(
    Sex = values::Sex {
        Female,
        Male,
        Other
    }
);
wire_enum!(
    /// Work situation at intake.
    EmploymentStatus = values::EmploymentStatus { Employed, OnLeave, JobSeeking, NotWorking, Student }
);
wire_enum!(
    /// Use of employment support: currently using, used before, aware but never used, unaware.
    SupportAwareness = values::SupportAwareness { Using, UsedBefore, AwareNotUsed, Unaware }
);
wire_enum!(
    /// How a patient heard of the center, and the kind of an outreach activity (周知): an
    /// activity is one of the first ten (`poster_designated_hospital` … `other`); a patient
    /// may also have heard from `family_friend`, `medical_staff`, a `patient_association`,
    /// or not know (`unknown`).
    ReferralSource = values::ReferralSource { PosterDesignatedHospital, LeafletAtApplication, DesignatedDoctorTraining, Msw, CommunitySupportCenter, CareManager, Homepage, Newsletter, Sns, Other, FamilyFriend, MedicalStaff, PatientAssociation, Unknown }
);
wire_enum!(
    /// Whether the staff member attended the training or gave it.
    TrainingParticipation = values::TrainingParticipation { Attended, Given }
);
wire_enum!(
    /// ピア・サポーター養成講習会 (`peer_supporter_training`), staff training, or other.
    TrainingCourse = values::TrainingCourse { PeerSupporterTraining, StaffTraining, Other }
);
wire_enum!(
    /// ピア相談会, 難病カフェ, seminar, 講演・研修会, 就労支援セミナー, 弁護士・社労士相談会, other.
    EventKind = values::EventKind { PeerConsultation, Cafe, Seminar, Lecture, EmploymentSeminar, LegalConsultation, Other }
);
wire_enum!(
    /// How a named attendee came: as the patient or as a patient's family.
    AttendeeRole = values::AttendeeRole { Patient, Family }
);
wire_enum!(
    /// Where a 出張相談 session stands: `scheduled`, `held`, `cancelled`.
    SupporterSessionStatus = values::SupporterSessionStatus { Scheduled, Held, Cancelled }
);
wire_enum!(
    /// Where a booked slot stands: `booked`, `held`, `no_show`, `cancelled` (frees the slot).
    SupporterBookingStatus = values::SupporterBookingStatus { Booked, Held, NoShow, Cancelled }
);
wire_enum!(
    /// `employment_agencies` covers Hello Work, employment and life support centers and
    /// vocational centers; `other` agencies need `all_agencies`. For 小慢 liaison: a school
    /// needs `schools` or `all_bodies`; an employer `employers`, `all_agencies` or
    /// `all_bodies`; `all_bodies` covers every agency too.
    ConsentScope = values::ConsentScope { EmploymentAgencies, AllAgencies, Schools, Employers, AllBodies }
);

/// Who gave a consent: the patient (`self`) or, for a minor, the guardian (`guardian`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
pub enum GivenBy {
    #[schema(rename = "self")]
    SelfGiven,
    #[schema(rename = "guardian")]
    Guardian,
}

impl From<values::GivenBy> for GivenBy {
    fn from(d: values::GivenBy) -> Self {
        match d {
            values::GivenBy::SelfGiven => Self::SelfGiven,
            values::GivenBy::Guardian => Self::Guardian,
        }
    }
}

impl From<GivenBy> for values::GivenBy {
    fn from(w: GivenBy) -> Self {
        match w {
            GivenBy::SelfGiven => Self::SelfGiven,
            GivenBy::Guardian => Self::Guardian,
        }
    }
}

#[cfg(test)]
impl Mirror for GivenBy {
    fn domain_values() -> Vec<&'static str> {
        values::GivenBy::ALL.iter().map(|g| g.as_str()).collect()
    }
}

wire_enum!(
    /// 小慢 相談支援のメニュー: 療育相談指導 (`ryoiku_guidance`), 巡回相談指導
    /// (`itinerant_guidance`), ピアカウンセリング (`peer_counseling`), 自立に向けた育成相談
    /// (`self_reliance_guidance`), 学校・企業等からの相談 (`school_employer`).
    ShomanMenu = values::ShomanMenu { RyoikuGuidance, ItinerantGuidance, PeerCounseling, SelfRelianceGuidance, SchoolEmployer }
);
wire_enum!(
    /// Who asked for a 小慢 consultation: the child, the family, a school, an employer, other.
    ShomanRequester = values::ShomanRequester { Child, Family, School, Employer, Other }
);
wire_enum!(
    /// How a liaison contact took place: 電話, 訪問, 会議, メール, 文書, オンライン.
    LiaisonChannel = values::LiaisonChannel { Phone, Visit, Meeting, Email, Letter, Online }
);
wire_enum!(
    /// 面談, 電話, メール, 出張相談, 訪問, オンライン.
    Channel = values::Channel { InPerson, Phone, Email, Outreach, HomeVisit, Online }
);
wire_enum!(
    Requester = values::Requester {
        Patient,
        Family,
        Agency,
        Other
    }
);
wire_enum!(
    /// 病気・療養, 就労, 制度, 日常生活, ピアサポート, 心理, その他.
    Topic = values::Topic { Illness, Employment, WelfareSystem, DailyLife, PeerSupport, Psychological, Other }
);
wire_enum!(
    /// 新規就労 or 就労継続.
    Purpose = values::Purpose { NewEmployment, JobRetention }
);
wire_enum!(
    /// The survey's 対応内容: 1 案内のみ, 2 電話仲介, 3 同席, 4 同席しフォローアップ.
    Level = values::Level { InformationOnly, PhoneMediation, Accompanied, AccompaniedWithFollowUp }
);
wire_enum!(ReferralStatus = values::ReferralStatus { Open, Closed });
wire_enum!(
    /// 求職中, 就職, 就労継続, 離職, 辞退, 連絡不通, その他.
    CaseOutcome = values::CaseOutcome { Searching, Employed, Retained, LeftJob, Declined, LostContact, Other }
);
wire_enum!(
    FollowUpMethod = values::FollowUpMethod {
        Phone,
        InPerson,
        Email,
        Visit,
        Online,
        Other
    }
);
wire_enum!(
    /// What the agency confirms through a one-time link: 来所した, 来所しなかった, 求職登録した,
    /// 就職した, 定着支援を開始した.
    AgencyOutcome = values::AgencyOutcome {
        Came,
        DidNotCome,
        RegisteredJobSeeker,
        Employed,
        RetentionSupportStarted
    }
);
wire_enum!(
    Contacted = values::Contacted {
        Patient,
        Agency,
        Employer
    }
);
wire_enum!(
    /// Personal data items handed to an agency (recorded in the record of provision).
    SharedItem = values::SharedItem { Name, BirthDate, Contact, Address, Diagnosis, DisabilityCertificate, EmploymentHistory, ConsultationRecord }
);

// --- supervision --------------------------------------------------------------------------

wire_enum!(
    ReviewState = values::ReviewState {
        None,
        Pending,
        Approved,
        Returned
    }
);
wire_enum!(ReviewDecision = values::ReviewDecision { Approved, Returned });
wire_enum!(
    /// Why a referral is in the audit queue.
    QueueReason = supervision::QueueReason { FollowUpEscalated, FollowUpOverdue, FollowUpMissing, Returned, AwaitingReview, Sample }
);

// --- 小慢 self-reliance support -----------------------------------------------------------

wire_enum!(
    /// Why a support plan is in the audit queue: its review is overdue beyond the center's
    /// escalation days, its review is overdue, an action is overdue, or it awaits review.
    PlanQueueReason = tsunagu_domain::shoman::queue::PlanQueueReason { ReviewEscalated, ReviewOverdue, ActionOverdue, AwaitingReview }
);

wire_enum!(
    /// A support plan: `draft`, `submitted` for review, `approved` or `returned` by a
    /// supervisor. Editing a returned or approved plan starts its next revision as a draft.
    PlanState = values::PlanState { Draft, Submitted, Approved, Returned }
);
wire_enum!(
    /// 自立, 就労, 就学, 療養, 移行期.
    GoalKind = values::GoalKind { Independence, Employment, Schooling, MedicalCare, Transition }
);
wire_enum!(
    /// Where a 小慢 child stands in the transition (移行期): `approaching` (under 18),
    /// `extended` (18 or 19, treatment continuing), `over_age` (20 or older and still 小慢).
    TransitionStage = values::TransitionStage { Approaching, Extended, OverAge }
);
wire_enum!(
    /// The body that delivers an action: 学校, 企業, 医療機関, 福祉事務所, ハローワーク,
    /// 他のセンター, 任意事業, その他.
    BodyKind = values::BodyKind { School, Employer, Hospital, WelfareOffice, HelloWork, OtherCenter, OptionalProject, Other }
);
wire_enum!(
    /// How an action went: still `open`, `done`, `not_done` or `changed`.
    ActionState = values::ActionState { Open, Done, NotDone, Changed }
);

wire_enum!(
    /// 小慢 任意事業: 療養生活支援 (`respite`: 一時預かり), 相互交流支援 (`exchange`), 就職支援
    /// (`employment`), 介護者支援 (`caregiver`), その他 (`other`: learning support, physical
    /// training).
    ProjectKind = values::ProjectKind { Respite, Exchange, Employment, Caregiver, Other }
);
wire_enum!(
    /// What a session did. Each fits one project kind — respite: `temporary_care`;
    /// exchange: `workshop`, `children_meeting`; employment: `work_experience`,
    /// `job_consultation_meeting`; caregiver: `hospital_accompaniment`, `sibling_support`;
    /// other: `learning_support`, `physical_training` — and `other` fits every kind.
    SessionActivity = values::SessionActivity { TemporaryCare, Workshop, ChildrenMeeting, WorkExperience, JobConsultationMeeting, HospitalAccompaniment, SiblingSupport, LearningSupport, PhysicalTraining, Other }
);
wire_enum!(
    /// A named participant of a session: the `child`, or the child's `family`.
    ParticipantRole = values::ParticipantRole { Child, Family }
);
wire_enum!(
    /// The kind of an unmet need (ニーズ).
    NeedKind = values::NeedKind { Respite, Exchange, Employment, CaregiverSupport, SiblingSupport, LearningSupport, Schooling, MedicalCare, Transition, Financial, Other }
);
wire_enum!(
    /// Where a need stands: `open`, `met` (on `met_on`) or `dropped`.
    NeedStatus = values::NeedStatus { Open, Met, Dropped }
);

// --- the PDCA register of regional issues --------------------------------------------------

wire_enum!(
    /// What a regional issue is about: 就労, 災害時の医療, 在宅療養, 重症化予防, 移行期,
    /// 医療的ケア児, 周知, その他.
    IssueCategory = values::IssueCategory { Employment, DisasterMedical, HomeCare, SeverityPrevention, Transition, MedicalCareChildren, Awareness, Other }
);
wire_enum!(
    /// ①課題の抽出 ②対策の検討 ③対策の実施 ④対策の評価.
    IssueStage = values::IssueStage { Extraction, Planning, Implementation, Evaluation }
);
wire_enum!(
    /// How far a measure (対策) has got.
    MeasureStatus = values::MeasureStatus { Planned, InProgress, Done, Dropped }
);
wire_enum!(
    /// A live figure from the centers' data: `referrals_information_only_share` (parameter:
    /// an agency type), `overdue_follow_ups` (no parameter), `open_shoman_needs` (parameter:
    /// a need kind, optional), `consultations_on_topic` (parameter: a topic).
    FigureKind = values::FigureKind { ReferralsInformationOnlyShare, OverdueFollowUps, OpenShomanNeeds, ConsultationsOnTopic }
);

// --- of the wire only: states and kinds the adapter derives -------------------------------

wire_enum!(
    /// `due` (open, due today or later), `overdue` (open, past its due date in Asia/Tokyo),
    /// `done`, `cancelled` (its referral was closed first), or `not_recorded` (imported from
    /// a 台帳 after its day had passed with nothing written; out of the queue).
    FollowUpState { Due, Overdue, Done, Cancelled, NotRecorded }
);
wire_enum!(
    /// Which follow-ups the queue lists; `all` (open, done and cancelled) suits a calendar.
    FollowUpQueueState { Due, Overdue, Done, All }
);
wire_enum!(
    /// The order of a patient list: `registered` (oldest first, case number order),
    /// `registered_desc` (newest first) or `kana` (by reading, as a paper 台帳 is kept).
    PatientListSort { Registered, RegisteredDesc, Kana }
);
wire_enum!(TimelineKind {
    Consent,
    Consultation,
    Referral,
    LevelChange,
    Provision,
    FollowUp,
    ProgramChange,
    ProjectSession,
    Event
});
wire_enum!(
    /// Plans by their next review: `overdue` (the day has passed, Asia/Tokyo) or
    /// `scheduled` (today or later).
    PlanReviewDue { Overdue, Scheduled }
);
wire_enum!(NotificationKind {
    FollowUpEscalated,
    ReviewReturned
});

// --- moving a 台帳 in ----------------------------------------------------------------------

wire_enum!(
    /// What an import's file holds, one kind per file. Referrals name their patients by the
    /// patients' row keys (or case numbers); follow-ups name their referrals by the referrals'
    /// row keys, so a center imports patients, then consultations and referrals, then
    /// follow-ups.
    ImportKind { Patients, Consultations, Referrals, FollowUps }
);
wire_enum!(
    /// What an import of referrals or follow-ups makes of a follow-up whose day has passed with
    /// nothing written: `overdue` (the default; it stays in the queue) or `not_recorded` (kept
    /// in the history, out of the queue).
    PastFollowUps { Overdue, NotRecorded }
);
wire_enum!(
    /// `checking` (the dry run) → `checked` → `committing` → `committed`; `failed` with its
    /// reason when a run could not finish (nothing of a failed commit is written).
    ImportState { Checking, Checked, Committing, Committed, Failed }
);
wire_enum!(
    /// What becomes of a row that may be a registered patient: its records go to that patient
    /// (`merge`), a new patient is registered anyway (`create`), or the row is left out (`skip`).
    DuplicateAction { Merge, Create, Skip }
);
wire_enum!(
    /// How an import field's cells are read.
    ImportValueKind { Text, Date, DateTime, Number, Code, List, Bool }
);

/// How an import's file was read: UTF-8 or Shift_JIS (CP932) text, or an .xlsx workbook.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum ImportEncoding {
    #[schema(rename = "utf-8")]
    Utf8,
    #[schema(rename = "shift_jis")]
    ShiftJis,
    #[schema(rename = "xlsx")]
    Xlsx,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{ApiScope, WebhookEvent};
    use std::collections::BTreeSet;
    use tsunagu_domain::platform;

    /// The `enum` values of every named schema of the published document.
    fn spec_enums() -> Vec<(String, Vec<String>)> {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        schemas
            .iter()
            .filter_map(|(name, s)| {
                let values = s.get("enum")?.as_array()?;
                let values = values.iter().map(|v| v.as_str().unwrap().to_owned());
                Some((name.clone(), values.collect()))
            })
            .collect()
    }

    fn spec_values<T: ToSchema>(spec: &[(String, Vec<String>)]) -> &[String] {
        let name = T::name();
        let (_, values) = spec
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not in the published document"));
        values
    }

    struct Checked<'a> {
        spec: &'a [(String, Vec<String>)],
        names: BTreeSet<String>,
    }

    impl Checked<'_> {
        fn mirror<T: Mirror>(&mut self) {
            self.table::<T>(&T::domain_values());
        }

        fn table<T: ToSchema>(&mut self, domain: &[&str]) {
            let name = T::name().into_owned();
            assert_eq!(
                spec_values::<T>(self.spec),
                domain,
                "the spec's {name} differs from the domain's values"
            );
            self.names.insert(name);
        }
    }

    #[test]
    fn spec_enums_spell_the_domains_values_in_its_order() {
        let spec = spec_enums();
        let mut c = Checked {
            spec: &spec,
            names: BTreeSet::new(),
        };
        c.mirror::<Role>();
        c.mirror::<OperatingType>();
        c.mirror::<AdministrationKind>();
        c.mirror::<AgencyType>();
        c.mirror::<CouncilKind>();
        c.mirror::<CouncilScope>();
        c.mirror::<MemberCategory>();
        c.mirror::<CouncilRole>();
        c.mirror::<MeetingKind>();
        c.mirror::<MeetingStatus>();
        c.mirror::<Program>();
        c.mirror::<TransitionStage>();
        c.mirror::<Sex>();
        c.mirror::<EmploymentStatus>();
        c.mirror::<SupportAwareness>();
        c.mirror::<ConsentScope>();
        c.mirror::<GivenBy>();
        c.mirror::<ShomanMenu>();
        c.mirror::<ShomanRequester>();
        c.mirror::<LiaisonChannel>();
        c.mirror::<Channel>();
        c.mirror::<Requester>();
        c.mirror::<Topic>();
        c.mirror::<Purpose>();
        c.mirror::<Level>();
        c.mirror::<ReferralStatus>();
        c.mirror::<CaseOutcome>();
        c.mirror::<FollowUpMethod>();
        c.mirror::<Contacted>();
        c.mirror::<AgencyOutcome>();
        c.mirror::<SharedItem>();
        c.mirror::<ReviewState>();
        c.mirror::<ReviewDecision>();
        c.mirror::<QueueReason>();
        c.mirror::<PlanQueueReason>();
        c.mirror::<PlanState>();
        c.mirror::<GoalKind>();
        c.mirror::<BodyKind>();
        c.mirror::<ActionState>();
        c.mirror::<ProjectKind>();
        c.mirror::<SessionActivity>();
        c.mirror::<ParticipantRole>();
        c.mirror::<NeedKind>();
        c.mirror::<NeedStatus>();
        c.mirror::<ReferralSource>();
        c.mirror::<TrainingParticipation>();
        c.mirror::<TrainingCourse>();
        c.mirror::<EventKind>();
        c.mirror::<AttendeeRole>();
        c.mirror::<SupporterSessionStatus>();
        c.mirror::<SupporterBookingStatus>();
        c.mirror::<IssueCategory>();
        c.mirror::<IssueStage>();
        c.mirror::<MeasureStatus>();
        c.mirror::<FigureKind>();
        c.mirror::<ExportFormat>();
        c.mirror::<ExportKind>();
        c.mirror::<ExportState>();
        let scopes: Vec<&str> = platform::SCOPES.iter().map(|(k, _)| *k).collect();
        c.table::<ApiScope>(&scopes);
        let events: Vec<&str> = tsunagu_domain::events::WebhookEvent::ALL
            .iter()
            .map(|e| e.as_str())
            .collect();
        c.table::<WebhookEvent>(&events);
        // Outreach kinds are the referral sources a center acts on.
        let outreach: Vec<&str> = values::ReferralSource::ALL
            .iter()
            .filter(|s| s.is_outreach())
            .map(|s| s.as_str())
            .collect();
        c.table::<crate::activities::outreach::OutreachKind>(&outreach);
        {
            use tsunagu_domain::exchange::import::{self as i, fields::ValueKind as V};
            let names = |all: &[&'static str]| all.to_vec();
            c.table::<ImportKind>(&names(
                &i::ImportKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ));
            c.table::<ImportState>(&names(
                &i::ImportState::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ));
            c.table::<ImportEncoding>(&names(
                &i::Encoding::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ));
            c.table::<PastFollowUps>(&names(
                &i::PastFollowUps::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ));
            c.table::<DuplicateAction>(&names(
                &i::DuplicateAction::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            ));
            c.table::<ImportValueKind>(
                &[
                    V::Text,
                    V::Date,
                    V::DateTime,
                    V::Number,
                    V::Code,
                    V::List,
                    V::Bool,
                ]
                .map(V::as_str),
            );
        }
        use tsunagu_domain::cases::DuplicateReason as D;
        c.table::<crate::dto::DuplicateReason>(&[
            D::SameReadingAndBirthDate.as_str(),
            D::SamePhone.as_str(),
        ]);

        // Every other enum of the spec is the adapter's own; a new one must be placed on
        // one side or the other here.
        let wire_only: BTreeSet<&str> = [
            "AgencyLinkState",
            "FollowUpState",
            "NotificationKind",
            "TimelineKind",
        ]
        .into();
        for (name, _) in &spec {
            assert!(
                c.names.contains(name) || wire_only.contains(name.as_str()),
                "the spec's enum {name} is neither checked against the domain nor listed as wire-only"
            );
        }
    }

    #[test]
    fn the_domains_order_is_its_list() {
        // `Mirror` sorts by the domain's `Ord`; that must be the order of its `ALL`.
        macro_rules! same_as_all {
            ($($e:ident),+) => {$(
                let all: Vec<&str> = values::$e::ALL.iter().map(|v| v.as_str()).collect();
                assert_eq!($e::domain_values(), all, stringify!($e));
            )+};
        }
        same_as_all!(
            Role,
            OperatingType,
            AgencyType,
            CouncilKind,
            CouncilScope,
            MemberCategory,
            CouncilRole,
            MeetingKind,
            MeetingStatus,
            Program,
            Sex,
            EmploymentStatus,
            SupportAwareness,
            ConsentScope,
            GivenBy,
            ShomanMenu,
            ShomanRequester,
            LiaisonChannel,
            Channel,
            Requester,
            Topic,
            Purpose,
            Level,
            ReferralStatus,
            CaseOutcome,
            FollowUpMethod,
            Contacted,
            AgencyOutcome,
            SharedItem,
            ReviewState,
            ReviewDecision,
            PlanState,
            GoalKind,
            BodyKind,
            ActionState,
            ProjectKind,
            SessionActivity,
            ParticipantRole,
            NeedKind,
            NeedStatus,
            ReferralSource,
            TrainingParticipation,
            TrainingCourse,
            EventKind,
            AttendeeRole,
            SupporterSessionStatus,
            SupporterBookingStatus,
            IssueCategory,
            IssueStage,
            MeasureStatus,
            FigureKind
        );
    }

    #[test]
    fn wire_and_domain_convert_both_ways() {
        for d in values::AgencyType::ALL {
            assert_eq!(values::AgencyType::from(AgencyType::from(*d)), *d);
        }
    }
}
