//! Wire types of the reports (shapes of the first two fixed by the public contract), and
//! each report as a spreadsheet sheet with Japanese headings.

use crate::labels;
use crate::sheet::{Cell, Section, Sheet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tsunagu_domain::reports::{
    AwarenessReport, BANDS, ConsultationReport, CooperationCounts, OutcomeRow, Period,
    ReferralLevels, ShomanConsultationReport, ShomanPlanReport,
};
use tsunagu_domain::values::{AgencyType, Level, Purpose, ShomanRequester};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 年度: `2025` is 2025-04-01 to 2026-03-31 (Asia/Tokyo).
    #[param(example = 2025, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: Option<String>,
    /// Instead of `fiscal_year`: the first day (YYYY-MM-DD).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Instead of `fiscal_year`: the last day, included (at most five years after `from`).
    #[param(format = Date)]
    pub to: Option<String>,
    /// System administrator only: the centers of one prefecture.
    #[param(pattern = r"^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    pub prefecture_code: Option<String>,
    /// The centers assigned to one administration (自治体), per center and combined: any
    /// for the system administrator; an officer reads their own with or without it (another
    /// answers 404).
    pub administration_id: Option<uuid::Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    /// 年度.
    #[param(example = 2025, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: String,
    /// System administrator only: the centers of one prefecture.
    #[param(pattern = r"^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    pub prefecture_code: Option<String>,
    /// The centers assigned to one administration (自治体), per center and combined: any
    /// for the system administrator; an officer reads their own with or without it (another
    /// answers 404).
    pub administration_id: Option<uuid::Uuid>,
}

/// The dates a report covers, both included.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodDto {
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
}

impl From<&Period> for PeriodDto {
    fn from(p: &Period) -> Self {
        Self {
            from: p.from.to_string(),
            to: p.to.to_string(),
        }
    }
}

pub fn period_label(p: &Period) -> String {
    p.label()
}

/// Referrals per level.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelCounts {
    pub information_only: i64,
    pub phone_mediation: i64,
    pub accompanied: i64,
    pub accompanied_with_follow_up: i64,
}

impl From<[i64; 4]> for LevelCounts {
    fn from(c: [i64; 4]) -> Self {
        Self {
            information_only: c[0],
            phone_mediation: c[1],
            accompanied: c[2],
            accompanied_with_follow_up: c[3],
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralLevelRow {
    #[schema(value_type = super::AgencyType)]
    pub agency_type: &'static str,
    pub counts: LevelCounts,
    pub total: i64,
    /// The lower median level of the period's referrals to this agency type, or `none`.
    #[schema(example = "information_only")]
    pub answer: &'static str,
}

/// A center's referral levels.
#[derive(Debug, Serialize, ToSchema)]
pub struct CenterReferralLevels {
    pub period: PeriodDto,
    pub rows: Vec<ReferralLevelRow>,
}

/// Centers per answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelAnswers {
    pub none: i64,
    pub information_only: i64,
    pub phone_mediation: i64,
    pub accompanied: i64,
    pub accompanied_with_follow_up: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralLevelAnswersRow {
    #[schema(value_type = super::AgencyType)]
    pub agency_type: &'static str,
    pub answers: LevelAnswers,
}

/// Across centers: how many centers gave each answer (the ministry's chart).
#[derive(Debug, Serialize, ToSchema)]
pub struct CentersReferralLevels {
    pub period: PeriodDto,
    /// Centers in the figure.
    pub n: i64,
    pub rows: Vec<ReferralLevelAnswersRow>,
}

/// `CenterReferralLevels` for a center's staff, `CentersReferralLevels` for the system
/// administrator.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ReferralLevelsReport {
    Center(CenterReferralLevels),
    Centers(CentersReferralLevels),
}

impl ReferralLevelsReport {
    pub fn new(period: &Period, r: ReferralLevels) -> Self {
        match r {
            ReferralLevels::Center(rows) => Self::Center(CenterReferralLevels {
                period: period.into(),
                rows: rows
                    .into_iter()
                    .map(|r| ReferralLevelRow {
                        agency_type: r.agency_type.as_str(),
                        counts: r.counts.into(),
                        total: r.total,
                        answer: r.answer.map_or("none", Level::as_str),
                    })
                    .collect(),
            }),
            ReferralLevels::Centers { n, rows } => Self::Centers(CentersReferralLevels {
                period: period.into(),
                n,
                rows: rows
                    .into_iter()
                    .map(|r| ReferralLevelAnswersRow {
                        agency_type: r.agency_type.as_str(),
                        answers: LevelAnswers {
                            none: r.none,
                            information_only: r.levels[0],
                            phone_mediation: r.levels[1],
                            accompanied: r.levels[2],
                            accompanied_with_follow_up: r.levels[3],
                        },
                    })
                    .collect(),
            }),
        }
    }

    pub fn sheet(&self, period: &Period) -> Sheet {
        let mut header = vec!["機関種別".to_owned()];
        let section = match self {
            Self::Center(r) => {
                header.extend(Level::ALL.iter().map(|l| labels::level(*l).to_owned()));
                header.extend(["合計".to_owned(), "回答（中央値）".to_owned()]);
                Section {
                    title: None,
                    header,
                    rows: r
                        .rows
                        .iter()
                        .map(|row| {
                            let c = &row.counts;
                            vec![
                                Cell::from(type_label(row.agency_type)),
                                c.information_only.into(),
                                c.phone_mediation.into(),
                                c.accompanied.into(),
                                c.accompanied_with_follow_up.into(),
                                row.total.into(),
                                Cell::from(answer_label(row.answer)),
                            ]
                        })
                        .collect(),
                }
            }
            Self::Centers(r) => {
                header.push(labels::LEVEL_NONE.to_owned());
                header.extend(Level::ALL.iter().map(|l| labels::level(*l).to_owned()));
                header.push("施設数".to_owned());
                Section {
                    title: None,
                    header,
                    rows: r
                        .rows
                        .iter()
                        .map(|row| {
                            let a = &row.answers;
                            vec![
                                Cell::from(type_label(row.agency_type)),
                                a.none.into(),
                                a.information_only.into(),
                                a.phone_mediation.into(),
                                a.accompanied.into(),
                                a.accompanied_with_follow_up.into(),
                                r.n.into(),
                            ]
                        })
                        .collect(),
                }
            }
        };
        Sheet {
            name: "紹介の対応状況".into(),
            title: "就労支援機関への紹介の対応状況".into(),
            period: period_label(period),
            sections: vec![section],
        }
    }
}

fn type_label(code: &str) -> &'static str {
    AgencyType::from_db(code).map_or("", labels::agency_type)
}

fn purpose_label(code: &str) -> &'static str {
    Purpose::from_db(code).map_or("", labels::purpose)
}

fn answer_label(code: &str) -> &'static str {
    Level::from_db(code).map_or(labels::LEVEL_NONE, labels::level)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CooperationRowDto {
    #[schema(value_type = super::AgencyType)]
    pub agency_type: &'static str,
    #[schema(value_type = super::Purpose)]
    pub purpose: &'static str,
    pub count: i64,
    /// `none`, `1-9`, `10-49`, `50-99` or `100+`.
    #[schema(example = "10-49")]
    pub band: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CenterCooperationCounts {
    pub period: PeriodDto,
    pub rows: Vec<CooperationRowDto>,
}

/// Centers per band.
#[derive(Debug, Serialize, ToSchema)]
pub struct BandCounts {
    #[serde(rename = "1-9")]
    pub b1_9: i64,
    #[serde(rename = "10-49")]
    pub b10_49: i64,
    #[serde(rename = "50-99")]
    pub b50_99: i64,
    #[serde(rename = "100+")]
    pub b100: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CooperationBandsRowDto {
    #[schema(value_type = super::AgencyType)]
    pub agency_type: &'static str,
    #[schema(value_type = super::Purpose)]
    pub purpose: &'static str,
    /// Centers with at least one referral of this type and purpose.
    pub n: i64,
    pub bands: BandCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CentersCooperationCounts {
    pub period: PeriodDto,
    pub rows: Vec<CooperationBandsRowDto>,
}

/// `CenterCooperationCounts` for a center's staff, `CentersCooperationCounts` for the system
/// administrator.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CooperationCountsReport {
    Center(CenterCooperationCounts),
    Centers(CentersCooperationCounts),
}

impl CooperationCountsReport {
    pub fn new(period: &Period, r: CooperationCounts) -> Self {
        match r {
            CooperationCounts::Center(rows) => Self::Center(CenterCooperationCounts {
                period: period.into(),
                rows: rows
                    .into_iter()
                    .map(|r| CooperationRowDto {
                        agency_type: r.agency_type.as_str(),
                        purpose: r.purpose.as_str(),
                        count: r.count,
                        band: r.band,
                    })
                    .collect(),
            }),
            CooperationCounts::Centers(rows) => Self::Centers(CentersCooperationCounts {
                period: period.into(),
                rows: rows
                    .into_iter()
                    .map(|r| CooperationBandsRowDto {
                        agency_type: r.agency_type.as_str(),
                        purpose: r.purpose.as_str(),
                        n: r.n,
                        bands: BandCounts {
                            b1_9: r.bands[0],
                            b10_49: r.bands[1],
                            b50_99: r.bands[2],
                            b100: r.bands[3],
                        },
                    })
                    .collect(),
            }),
        }
    }

    pub fn sheet(&self, period: &Period) -> Sheet {
        let section = match self {
            Self::Center(r) => Section {
                title: None,
                header: ["機関種別", "目的", "件数", "区分"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: r
                    .rows
                    .iter()
                    .map(|row| {
                        vec![
                            Cell::from(type_label(row.agency_type)),
                            Cell::from(purpose_label(row.purpose)),
                            row.count.into(),
                            Cell::from(labels::band(row.band)),
                        ]
                    })
                    .collect(),
            },
            Self::Centers(r) => {
                let mut header: Vec<String> = ["機関種別", "目的"].map(str::to_owned).to_vec();
                header.extend(BANDS.iter().map(|b| labels::band(b).to_owned()));
                header.push("施設数".into());
                Section {
                    title: None,
                    header,
                    rows: r
                        .rows
                        .iter()
                        .map(|row| {
                            vec![
                                Cell::from(type_label(row.agency_type)),
                                Cell::from(purpose_label(row.purpose)),
                                row.bands.b1_9.into(),
                                row.bands.b10_49.into(),
                                row.bands.b50_99.into(),
                                row.bands.b100.into(),
                                row.n.into(),
                            ]
                        })
                        .collect(),
                }
            }
        };
        Sheet {
            name: "連携件数".into(),
            title: "就労支援機関との連携件数".into(),
            period: period_label(period),
            sections: vec![section],
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCount {
    /// `YYYY-MM`, Asia/Tokyo.
    #[schema(example = "2025-04")]
    pub month: String,
    pub count: i64,
}

/// Consultations in the period (across centers: the totals).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationsReport {
    pub period: PeriodDto,
    pub total: i64,
    /// Without a patient on record.
    pub anonymous: i64,
    /// Joint with the 難病患者就職サポーター.
    pub joint: i64,
    /// Patients with at least one consultation (実人数).
    pub distinct_patients: i64,
    /// Per channel value.
    #[schema(example = json!({"in_person": 30, "phone": 45}))]
    pub by_channel: BTreeMap<&'static str, i64>,
    #[schema(example = json!({"patient": 60, "family": 20}))]
    pub by_requester: BTreeMap<&'static str, i64>,
    /// A consultation counts once under each of its topics.
    #[schema(example = json!({"employment": 40, "illness": 25}))]
    pub by_topic: BTreeMap<&'static str, i64>,
    pub by_month: Vec<MonthCount>,
}

impl ConsultationsReport {
    pub fn new(period: &Period, r: ConsultationReport) -> Self {
        Self {
            period: period.into(),
            total: r.total,
            anonymous: r.anonymous,
            joint: r.joint,
            distinct_patients: r.distinct_patients,
            by_channel: r.by_channel.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
            by_requester: r
                .by_requester
                .iter()
                .map(|(k, n)| (k.as_str(), *n))
                .collect(),
            by_topic: r.by_topic.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
            by_month: r
                .by_month
                .into_iter()
                .map(|(month, count)| MonthCount { month, count })
                .collect(),
        }
    }

    pub fn sheet(&self, period: &Period, source: &ConsultationReport) -> Sheet {
        let two = |h1: &str, rows: Vec<(String, i64)>| Section {
            title: None,
            header: vec![h1.to_owned(), "件数".to_owned()],
            rows: rows
                .into_iter()
                .map(|(k, n)| vec![Cell::from(k), n.into()])
                .collect(),
        };
        Sheet {
            name: "相談".into(),
            title: "相談の状況".into(),
            period: period_label(period),
            sections: vec![
                two(
                    "項目",
                    vec![
                        ("相談件数".into(), self.total),
                        ("実人数".into(), self.distinct_patients),
                        ("匿名の相談".into(), self.anonymous),
                        ("難病患者就職サポーターとの共同相談".into(), self.joint),
                    ],
                ),
                two(
                    "相談方法",
                    source
                        .by_channel
                        .iter()
                        .map(|(c, n)| (labels::channel(*c).to_owned(), *n))
                        .collect(),
                ),
                two(
                    "相談者",
                    source
                        .by_requester
                        .iter()
                        .map(|(c, n)| (labels::requester(*c).to_owned(), *n))
                        .collect(),
                ),
                two(
                    "相談内容（複数計上）",
                    source
                        .by_topic
                        .iter()
                        .map(|(c, n)| (labels::topic(*c).to_owned(), *n))
                        .collect(),
                ),
                two(
                    "月",
                    self.by_month
                        .iter()
                        .map(|m| (m.month.clone(), m.count))
                        .collect(),
                ),
            ],
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeRowDto {
    #[schema(value_type = super::AgencyType)]
    pub agency_type: &'static str,
    #[schema(value_type = super::Purpose)]
    pub purpose: &'static str,
    /// Patients referred in the period.
    pub referred: i64,
    /// Of them, those reaching `employed` (new employment) or `retained` (job retention) in a
    /// follow-up or at closing.
    pub achieved: i64,
    /// `achieved / referred`, or null without referrals.
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentOutcomesReport {
    pub period: PeriodDto,
    pub rows: Vec<OutcomeRowDto>,
}

impl EmploymentOutcomesReport {
    pub fn new(period: &Period, rows: Vec<OutcomeRow>) -> Self {
        Self {
            period: period.into(),
            rows: rows
                .into_iter()
                .map(|r| OutcomeRowDto {
                    agency_type: r.agency_type.as_str(),
                    purpose: r.purpose.as_str(),
                    referred: r.referred,
                    achieved: r.achieved,
                    rate: r.rate,
                })
                .collect(),
        }
    }

    pub fn sheet(&self, period: &Period) -> Sheet {
        Sheet {
            name: "就労の結果".into(),
            title: "紹介した患者の就職・就労継続".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header: [
                    "目的",
                    "機関種別",
                    "紹介した患者数",
                    "就職・就労継続した患者数",
                    "割合",
                ]
                .map(str::to_owned)
                .to_vec(),
                rows: self
                    .rows
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::from(purpose_label(r.purpose)),
                            Cell::from(type_label(r.agency_type)),
                            r.referred.into(),
                            r.achieved.into(),
                            Cell::Ratio(r.rate),
                        ]
                    })
                    .collect(),
            }],
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwarenessRowDto {
    #[schema(value_type = super::SupportAwareness)]
    pub support_awareness: &'static str,
    pub count: i64,
    /// Share of `total`, or null when there is none.
    pub rate: Option<f64>,
}

/// Among patients registered in the period who were `not_working` or `job_seeking`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportAwarenessReport {
    pub period: PeriodDto,
    pub total: i64,
    pub rows: Vec<AwarenessRowDto>,
}

impl SupportAwarenessReport {
    pub fn new(period: &Period, r: AwarenessReport) -> Self {
        Self {
            period: period.into(),
            total: r.total,
            rows: r
                .rows
                .into_iter()
                .map(|(a, count, rate)| AwarenessRowDto {
                    support_awareness: a.as_str(),
                    count,
                    rate,
                })
                .collect(),
        }
    }

    pub fn sheet(&self, period: &Period, source: &AwarenessReport) -> Sheet {
        let mut rows: Vec<Vec<Cell>> = source
            .rows
            .iter()
            .map(|(a, n, r)| {
                vec![
                    Cell::from(labels::awareness(*a)),
                    (*n).into(),
                    Cell::Ratio(*r),
                ]
            })
            .collect();
        rows.push(vec![
            Cell::from("合計"),
            self.total.into(),
            Cell::Ratio(None),
        ]);
        Sheet {
            name: "就労支援の認知".into(),
            title: "就労していない・求職中の患者の就労支援の利用と認知".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header: ["利用・認知", "人数", "割合"].map(str::to_owned).to_vec(),
                rows,
            }],
        }
    }
}

/// Consultations per requester (in the 小慢 program's terms).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanRequesterCounts {
    pub child: i64,
    pub family: i64,
    pub school: i64,
    pub employer: i64,
    pub other: i64,
}

impl ShomanRequesterCounts {
    /// From the counts in the requesters' order (child, family, school, employer, other).
    fn from_cells(cells: &[i64]) -> Self {
        let at = |i: usize| cells.get(i).copied().unwrap_or(0);
        Self {
            child: at(0),
            family: at(1),
            school: at(2),
            employer: at(3),
            other: at(4),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanMenuRow {
    #[schema(value_type = super::ShomanMenu)]
    pub shoman_menu: &'static str,
    pub counts: ShomanRequesterCounts,
    pub total: i64,
}

/// 小慢 consultations of the period by menu kind (相談支援のメニュー, one row per kind, in
/// the menu's order) and who asked; consultations without a menu are not counted. Across
/// centers for the system administrator (all, or one prefecture's), summed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanConsultationsReport {
    pub period: PeriodDto,
    pub rows: Vec<ShomanMenuRow>,
    /// Per requester across the menu.
    pub totals: ShomanRequesterCounts,
    pub total: i64,
}

impl ShomanConsultationsReport {
    pub fn new(period: &Period, r: ShomanConsultationReport) -> Self {
        Self {
            period: period.into(),
            rows: r
                .rows
                .iter()
                .map(|(m, cells, total)| ShomanMenuRow {
                    shoman_menu: m.as_str(),
                    counts: ShomanRequesterCounts::from_cells(cells),
                    total: *total,
                })
                .collect(),
            totals: ShomanRequesterCounts::from_cells(&r.totals),
            total: r.total,
        }
    }

    pub fn sheet(&self, period: &Period, source: &ShomanConsultationReport) -> Sheet {
        let mut header = vec!["相談支援のメニュー".to_owned()];
        header.extend(
            ShomanRequester::ALL
                .iter()
                .map(|r| labels::shoman_requester(*r).to_owned()),
        );
        header.push("合計".into());
        let line = |label: &str, cells: &[i64], total: i64| {
            let mut row = vec![Cell::from(label)];
            row.extend(cells.iter().map(|n| Cell::from(*n)));
            row.push(total.into());
            row
        };
        let mut rows: Vec<Vec<Cell>> = source
            .rows
            .iter()
            .map(|(m, cells, total)| line(labels::shoman_menu(*m), cells, *total))
            .collect();
        rows.push(line("合計", &source.totals, source.total));
        Sheet {
            name: "小慢相談".into(),
            title: "小児慢性特定疾病児童等自立支援事業 相談支援のメニュー別・相談者別の相談件数"
                .into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header,
                rows,
            }],
        }
    }
}

/// 小慢 support plans in the period (各種支援策の利用計画の作成・フォローアップ): plans
/// written, supervisors' decisions, scheduled reviews whose day fell in the period and has
/// passed (kept on time, late, not yet), and the plan actions due in the period by where
/// they stand. Across centers for the system administrator (all, or one prefecture's).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanPlansReport {
    pub period: PeriodDto,
    pub plans_written: i64,
    pub approved: i64,
    pub returned: i64,
    pub reviews_due: i64,
    pub reviewed_on_time: i64,
    pub reviewed_late: i64,
    pub not_yet_reviewed: i64,
    pub actions_due: i64,
    pub actions_done: i64,
    pub actions_not_done: i64,
    pub actions_changed: i64,
    pub actions_open: i64,
    /// Goals of the plans (as they stand) reached in the period.
    pub goals_reached: i64,
}

impl ShomanPlansReport {
    pub fn new(period: &Period, r: ShomanPlanReport) -> Self {
        Self {
            period: period.into(),
            plans_written: r.plans_written,
            approved: r.approved,
            returned: r.returned,
            reviews_due: r.reviews_due,
            reviewed_on_time: r.reviewed_on_time,
            reviewed_late: r.reviewed_late,
            not_yet_reviewed: r.not_yet_reviewed,
            actions_due: r.actions_due,
            actions_done: r.actions_done,
            actions_not_done: r.actions_not_done,
            actions_changed: r.actions_changed,
            actions_open: r.actions_open,
            goals_reached: r.goals_reached,
        }
    }

    pub fn sheet(&self, period: &Period) -> Sheet {
        let line = |label: &str, n: i64| vec![Cell::from(label), Cell::from(n)];
        Sheet {
            name: "小慢支援計画".into(),
            title: "小児慢性特定疾病児童等自立支援事業 支援計画の作成・見直し・フォローアップ"
                .into(),
            period: period_label(period),
            sections: vec![
                Section {
                    title: Some("支援計画".into()),
                    header: vec!["項目".into(), "件数".into()],
                    rows: vec![
                        line("作成した計画", self.plans_written),
                        line("承認", self.approved),
                        line("差し戻し", self.returned),
                        line("見直し予定日が到来した計画", self.reviews_due),
                        line("うち期日内に見直し", self.reviewed_on_time),
                        line("うち期日後に見直し", self.reviewed_late),
                        line("うち未見直し", self.not_yet_reviewed),
                        line("目標を達成した件数", self.goals_reached),
                    ],
                },
                Section {
                    title: Some("支援内容（期日が期間内のもの）".into()),
                    header: vec!["実施状況".into(), "件数".into()],
                    rows: vec![
                        line("合計", self.actions_due),
                        line("実施", self.actions_done),
                        line("未実施", self.actions_not_done),
                        line("変更", self.actions_changed),
                        line("対応中", self.actions_open),
                    ],
                },
            ],
        }
    }
}
