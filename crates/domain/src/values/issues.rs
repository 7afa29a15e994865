//! The words of the PDCA register of regional issues (地域の課題).

use super::FieldError;
use std::fmt;

text_enum!(
    /// What a regional issue is about (the paper's examples).
    IssueCategory {
        Employment = "employment",
        DisasterMedical = "disaster_medical",
        HomeCare = "home_care",
        SeverityPrevention = "severity_prevention",
        Transition = "transition",
        MedicalCareChildren = "medical_care_children",
        Awareness = "awareness",
        Other = "other",
    }
);

text_enum!(
    /// Where an issue is in the cycle: ①課題の抽出 ②対策の検討 ③対策の実施 ④対策の評価.
    IssueStage {
        Extraction = "extraction",
        Planning = "planning",
        Implementation = "implementation",
        Evaluation = "evaluation",
    }
);

impl IssueStage {
    /// 1 to 4, in the cycle's order.
    pub fn step(self) -> u8 {
        match self {
            IssueStage::Extraction => 1,
            IssueStage::Planning => 2,
            IssueStage::Implementation => 3,
            IssueStage::Evaluation => 4,
        }
    }
}

text_enum!(
    /// How far a measure (対策) has got.
    MeasureStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
);

text_enum!(
    /// A live figure from the centers' data in the administration's area, linked to an
    /// issue as evidence or indicator and re-read whenever the issue is shown:
    /// `referrals_information_only_share` (referrals to an agency type, the parameter, at
    /// level 1 as a share of all to it, this fiscal year), `overdue_follow_ups` (level-4
    /// follow-ups past due, now), `open_shoman_needs` (open needs in the 小慢 register, of a
    /// kind or any) and `consultations_on_topic` (on a topic, this fiscal year).
    FigureKind {
        ReferralsInformationOnlyShare = "referrals_information_only_share",
        OverdueFollowUps = "overdue_follow_ups",
        OpenShomanNeeds = "open_shoman_needs",
        ConsultationsOnTopic = "consultations_on_topic",
    }
);
