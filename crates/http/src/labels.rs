//! Japanese labels for spreadsheets, in the survey's own wording where it has one.

use tsunagu_domain::values::{
    AgencyType, Channel, EventKind, Level, NeedKind, NeedStatus, ProjectKind, Purpose,
    ReferralSource, Requester, SessionActivity, ShomanMenu, ShomanRequester, SupportAwareness,
    Topic,
};

/// The same words the FHIR bundle and the disclosure use (the domain holds them).
pub fn agency_type(t: AgencyType) -> &'static str {
    tsunagu_domain::exchange::fhir::agency_type_display(t)
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
    tsunagu_domain::exchange::fhir::purpose_display(p)
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

/// The Japanese name of a linked figure, for a label the caller did not give.
pub fn figure(kind: tsunagu_domain::values::FigureKind, parameter: Option<&str>) -> String {
    use tsunagu_domain::values::FigureKind as K;
    match kind {
        K::ReferralsInformationOnlyShare => {
            let at = parameter
                .and_then(AgencyType::from_db)
                .map(agency_type)
                .unwrap_or("就労支援機関");
            format!("{at}への紹介のうち案内のみ（レベル1）の割合（年度）")
        }
        K::OverdueFollowUps => "期限を過ぎたフォローアップ（レベル4）の件数".to_owned(),
        K::OpenShomanNeeds => match parameter.and_then(NeedKind::from_db) {
            Some(k) => format!("小慢ニーズ（{}）の未充足件数", need_kind(k)),
            None => "小慢ニーズの未充足件数".to_owned(),
        },
        K::ConsultationsOnTopic => {
            let t = parameter.and_then(Topic::from_db).map(topic).unwrap_or("");
            format!("相談件数（{t}）（年度）")
        }
    }
}

pub fn issue_stage(s: tsunagu_domain::values::IssueStage) -> &'static str {
    use tsunagu_domain::values::IssueStage as S;
    match s {
        S::Extraction => "①課題の抽出",
        S::Planning => "②対策の検討",
        S::Implementation => "③対策の実施",
        S::Evaluation => "④対策の評価",
    }
}

pub fn issue_category(c: tsunagu_domain::values::IssueCategory) -> &'static str {
    use tsunagu_domain::values::IssueCategory as C;
    match c {
        C::Employment => "就労",
        C::DisasterMedical => "災害時の医療",
        C::HomeCare => "在宅療養",
        C::SeverityPrevention => "重症化予防",
        C::Transition => "移行期",
        C::MedicalCareChildren => "医療的ケア児",
        C::Awareness => "周知",
        C::Other => "その他",
    }
}

/// A council kind as stored (`intractable`, `pediatric`, `joint`).
pub fn council_kind(k: &str) -> &'static str {
    match k {
        "intractable" => "難病対策地域協議会",
        "pediatric" => "慢性疾病児童等地域支援協議会",
        _ => "合同開催",
    }
}

/// A council member's category as stored.
pub fn member_category(c: &str) -> &'static str {
    match c {
        "medical" => "医療",
        "welfare" => "福祉",
        "public_health" => "保健",
        "consultation" => "相談支援",
        "community" => "地域",
        "employment" => "就労",
        "education" => "教育",
        "patients_families" => "患者・家族",
        _ => "その他",
    }
}

pub fn administration_kind(k: tsunagu_domain::values::AdministrationKind) -> &'static str {
    use tsunagu_domain::values::AdministrationKind as A;
    match k {
        A::Prefecture => "都道府県",
        A::DesignatedCity => "指定都市",
        A::HealthCenterCity => "保健所設置市",
        A::SpecialWard => "特別区",
    }
}
