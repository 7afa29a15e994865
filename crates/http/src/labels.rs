//! Japanese labels for spreadsheets, in the survey's own wording where it has one.

use tsunagu_domain::values::{
    AgencyType, Channel, EventKind, Level, NeedKind, NeedStatus, ProjectKind, Purpose,
    ReferralSource, Requester, SessionActivity, ShomanMenu, ShomanRequester, SupportAwareness,
    Topic,
};

pub fn agency_type(t: AgencyType) -> &'static str {
    match t {
        AgencyType::HelloWork => "ハローワーク",
        AgencyType::EmploymentLifeSupportCenter => "障害者就業・生活支援センター",
        AgencyType::VocationalCenter => "地域障害者職業センター",
        AgencyType::Other => "その他の就労等関係機関",
    }
}

pub fn level(l: Level) -> &'static str {
    match l {
        Level::InformationOnly => "相談先として患者に案内のみ",
        Level::PhoneMediation => "電話仲介の上、患者を誘導",
        Level::Accompanied => "就労支援機関への相談に同席",
        Level::AccompaniedWithFollowUp => "就労支援機関の相談に同席し、その後もフォローアップ",
    }
}

pub const LEVEL_NONE: &str = "全くできていない";

pub fn purpose(p: Purpose) -> &'static str {
    match p {
        Purpose::NewEmployment => "新規就労",
        Purpose::JobRetention => "就労継続",
    }
}

pub fn band(b: &str) -> &'static str {
    match b {
        "1-9" => "1～9件",
        "10-49" => "10～49件",
        "50-99" => "50～99件",
        "100+" => "100件以上",
        _ => "0件",
    }
}

pub fn channel(c: Channel) -> &'static str {
    match c {
        Channel::InPerson => "面談",
        Channel::Phone => "電話",
        Channel::Email => "メール",
        Channel::Outreach => "出張相談",
        Channel::HomeVisit => "訪問",
        Channel::Online => "オンライン",
    }
}

pub fn requester(r: Requester) -> &'static str {
    match r {
        Requester::Patient => "本人",
        Requester::Family => "家族",
        Requester::Agency => "関係機関",
        Requester::Other => "その他",
    }
}

pub fn topic(t: Topic) -> &'static str {
    match t {
        Topic::Illness => "病気・療養",
        Topic::Employment => "就労",
        Topic::WelfareSystem => "制度",
        Topic::DailyLife => "日常生活",
        Topic::PeerSupport => "ピアサポート",
        Topic::Psychological => "心理",
        Topic::Other => "その他",
    }
}

pub fn awareness(a: SupportAwareness) -> &'static str {
    match a {
        SupportAwareness::Using => "現在利用している",
        SupportAwareness::UsedBefore => "以前利用したことがある",
        SupportAwareness::AwareNotUsed => "知っているが利用したことはない",
        SupportAwareness::Unaware => "知らない",
    }
}

/// 相談支援のメニュー (小児慢性特定疾病児童等自立支援事業).
pub fn shoman_menu(m: ShomanMenu) -> &'static str {
    match m {
        ShomanMenu::RyoikuGuidance => "療育相談指導",
        ShomanMenu::ItinerantGuidance => "巡回相談指導",
        ShomanMenu::PeerCounseling => "ピアカウンセリング",
        ShomanMenu::SelfRelianceGuidance => "自立に向けた育成相談",
        ShomanMenu::SchoolEmployer => "学校・企業等からの相談",
    }
}

pub fn shoman_requester(r: ShomanRequester) -> &'static str {
    match r {
        ShomanRequester::Child => "本人",
        ShomanRequester::Family => "家族",
        ShomanRequester::School => "学校",
        ShomanRequester::Employer => "企業",
        ShomanRequester::Other => "その他",
    }
}
/// 小慢 任意事業, in the paper's wording.
pub fn project_kind(k: ProjectKind) -> &'static str {
    match k {
        ProjectKind::Respite => "療養生活支援事業",
        ProjectKind::Exchange => "相互交流支援事業",
        ProjectKind::Employment => "就職支援事業",
        ProjectKind::Caregiver => "介護者支援事業",
        ProjectKind::Other => "その他の自立支援事業",
    }
}

pub fn session_activity(a: SessionActivity) -> &'static str {
    match a {
        SessionActivity::TemporaryCare => "一時預かり",
        SessionActivity::Workshop => "ワークショップ",
        SessionActivity::ChildrenMeeting => "児童等の交流会",
        SessionActivity::WorkExperience => "職場体験",
        SessionActivity::JobConsultationMeeting => "就労相談会",
        SessionActivity::HospitalAccompaniment => "通院の付き添い",
        SessionActivity::SiblingSupport => "きょうだい支援",
        SessionActivity::LearningSupport => "学習支援",
        SessionActivity::PhysicalTraining => "身体づくり支援",
        SessionActivity::Other => "その他",
    }
}

pub fn need_kind(k: NeedKind) -> &'static str {
    match k {
        NeedKind::Respite => "レスパイト・一時預かり",
        NeedKind::Exchange => "交流の場",
        NeedKind::Employment => "就労",
        NeedKind::CaregiverSupport => "介護者支援",
        NeedKind::SiblingSupport => "きょうだい支援",
        NeedKind::LearningSupport => "学習支援",
        NeedKind::Schooling => "就学",
        NeedKind::MedicalCare => "医療的ケア",
        NeedKind::Transition => "移行期支援",
        NeedKind::Financial => "経済的支援",
        NeedKind::Other => "その他",
    }
}

pub fn need_status(s: NeedStatus) -> &'static str {
    match s {
        NeedStatus::Open => "未対応",
        NeedStatus::Met => "対応済み",
        NeedStatus::Dropped => "取り下げ",
    }
}

/// How a patient heard of the center, and the kind of an outreach activity (周知).
pub fn referral_source(s: ReferralSource) -> &'static str {
    match s {
        ReferralSource::PosterDesignatedHospital => "指定医療機関のポスター",
        ReferralSource::LeafletAtApplication => "申請時のリーフレット",
        ReferralSource::DesignatedDoctorTraining => "指定医研修での説明",
        ReferralSource::Msw => "医療ソーシャルワーカー（MSW）",
        ReferralSource::CommunitySupportCenter => "地域包括支援センター",
        ReferralSource::CareManager => "ケアマネジャー",
        ReferralSource::Homepage => "ホームページ",
        ReferralSource::Newsletter => "広報誌・ニュースレター",
        ReferralSource::Sns => "SNS",
        ReferralSource::Other => "その他",
        ReferralSource::FamilyFriend => "家族・知人",
        ReferralSource::MedicalStaff => "主治医・医療スタッフ",
        ReferralSource::PatientAssociation => "患者会",
        ReferralSource::Unknown => "不明",
    }
}

/// The kind of an event or group activity.
pub fn event_kind(k: EventKind) -> &'static str {
    match k {
        EventKind::PeerConsultation => "ピア相談会",
        EventKind::Cafe => "難病カフェ",
        EventKind::Seminar => "セミナー",
        EventKind::Lecture => "講演・研修会",
        EventKind::EmploymentSeminar => "就労支援セミナー",
        EventKind::LegalConsultation => "弁護士・社労士相談会",
        EventKind::Other => "その他",
    }
}
