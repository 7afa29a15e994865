//! Wire types of the 小慢 optional projects (任意事業), their sessions, the needs register
//! (ニーズ) and their figures.

use super::reports::period_label;
use super::{NeedKind, NeedStatus, ParticipantRole, PeriodDto, ProjectKind, SessionActivity};
use super::{date, double_option, ts};
use crate::labels;
use crate::sheet::{Cell, Section, Sheet};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tsunagu_domain::reports::Period;
use tsunagu_domain::shoman::projects::{
    ImplementationReport, Need, NeedsReport, Participant, ParticipantInput, Project,
    ProjectSession, ProjectsReport,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An optional project (任意事業) the center runs, in house or commissioned (委託).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: Uuid,
    #[schema(value_type = ProjectKind)]
    pub kind: String,
    #[schema(example = "きょうだい交流キャンプ")]
    pub name: String,
    pub description: Option<String>,
    #[schema(format = Date)]
    pub started_on: String,
    /// The last day it runs; `null` while it goes on.
    #[schema(format = Date)]
    pub ended_on: Option<String>,
    /// Not ended before today (Asia/Tokyo).
    pub active: bool,
    /// The body it is commissioned to (委託先), if any.
    pub partner: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ProjectDto {
    pub fn new(p: Project, today: NaiveDate) -> Self {
        Self {
            active: p.is_active(today),
            id: p.id,
            kind: p.kind.as_str().to_owned(),
            name: p.name,
            description: p.description,
            started_on: date(p.started_on),
            ended_on: p.ended_on.map(date),
            partner: p.partner,
            created_by: p.created_by,
            version: p.version,
            created_at: ts(p.created_at),
            updated_at: ts(p.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "exchange", "name": "きょうだい交流会", "started_on": "2026-04-01", "partner": "NPO法人 つなぐ会"}))]
pub struct CreateProject {
    #[schema(value_type = ProjectKind)]
    pub kind: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub description: Option<String>,
    #[schema(format = Date)]
    pub started_on: String,
    /// Not before `started_on`.
    #[schema(format = Date)]
    pub ended_on: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub partner: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears. A new `kind` must fit the activity
/// of every session held (422 `activity_not_for_kind`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[schema(value_type = Option<ProjectKind>)]
    pub kind: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub description: Option<Option<String>>,
    #[schema(format = Date)]
    pub started_on: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(format = Date)]
    pub ended_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub partner: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectListQuery {
    #[param(value_type = Option<ProjectKind>)]
    pub kind: Option<String>,
    /// `true`: not ended before today (Asia/Tokyo); `false`: ended.
    pub active: Option<bool>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A named participant: a patient of the center with a consent in force on the session's
/// day, as the `child` or as the child's `family`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantDto {
    pub patient_id: Uuid,
    #[schema(value_type = ParticipantRole)]
    pub role: String,
}

impl From<Participant> for ParticipantDto {
    fn from(p: Participant) -> Self {
        Self {
            patient_id: p.patient_id,
            role: p.role.as_str().to_owned(),
        }
    }
}

impl From<ParticipantDto> for ParticipantInput {
    fn from(p: ParticipantDto) -> Self {
        Self {
            patient_id: p.patient_id,
            role: p.role,
        }
    }
}

/// A session of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectSessionDto {
    pub id: Uuid,
    pub project_id: Uuid,
    #[schema(format = Date)]
    pub held_on: String,
    #[schema(value_type = SessionActivity)]
    pub activity: String,
    pub place: Option<String>,
    pub online: bool,
    /// The center's staff who ran it.
    pub staff_ids: Vec<Uuid>,
    /// Children who came, named or not.
    pub children_count: i32,
    /// Family members who came, named or not.
    pub family_count: i32,
    /// Those named with their consent.
    pub participants: Vec<ParticipantDto>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<ProjectSession> for ProjectSessionDto {
    fn from(s: ProjectSession) -> Self {
        Self {
            id: s.id,
            project_id: s.project_id,
            held_on: date(s.held_on),
            activity: s.activity.as_str().to_owned(),
            place: s.place,
            online: s.online,
            staff_ids: s.staff_ids,
            children_count: s.children_count,
            family_count: s.family_count,
            participants: s.participants.into_iter().map(Into::into).collect(),
            notes: s.notes,
            created_by: s.created_by,
            version: s.version,
            created_at: ts(s.created_at),
            updated_at: ts(s.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"held_on": "2026-07-20", "activity": "children_meeting", "place": "県立こども病院 会議室", "online": false, "staff_ids": [], "children_count": 6, "family_count": 4, "participants": [{"patient_id": "0193a0b4-0000-7000-8000-000000000001", "role": "child"}]}))]
pub struct CreateProjectSession {
    #[schema(format = Date)]
    pub held_on: String,
    /// Must fit the project's kind (422 `activity_not_for_kind`).
    #[schema(value_type = SessionActivity)]
    pub activity: String,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<String>,
    #[serde(default)]
    pub online: bool,
    /// Active users of the center.
    #[serde(default)]
    pub staff_ids: Vec<Uuid>,
    /// At least the number of named children.
    #[serde(default)]
    pub children_count: i32,
    /// At least the number of named family participants.
    #[serde(default)]
    pub family_count: i32,
    /// Patients of the center with a consent in force on `held_on` (422
    /// `participant_without_consent`, `participant_not_found`).
    #[serde(default)]
    pub participants: Vec<ParticipantDto>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears; `participants` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectSession {
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[schema(value_type = Option<SessionActivity>)]
    pub activity: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<Option<String>>,
    pub online: Option<bool>,
    pub staff_ids: Option<Vec<Uuid>>,
    pub children_count: Option<i32>,
    pub family_count: Option<i32>,
    pub participants: Option<Vec<ParticipantDto>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// ニーズ: a need the center sees and no one meets.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedDto {
    pub id: Uuid,
    #[schema(value_type = NeedKind)]
    pub kind: String,
    pub description: String,
    #[schema(format = Date)]
    pub noted_on: String,
    /// `null` for a need noted without naming anyone.
    pub patient_id: Option<Uuid>,
    #[schema(value_type = NeedStatus)]
    pub status: String,
    #[schema(format = Date)]
    pub met_on: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Need> for NeedDto {
    fn from(n: Need) -> Self {
        Self {
            id: n.id,
            kind: n.kind.as_str().to_owned(),
            description: n.description,
            noted_on: date(n.noted_on),
            patient_id: n.patient_id,
            status: n.status.as_str().to_owned(),
            met_on: n.met_on.map(date),
            created_by: n.created_by,
            version: n.version,
            created_at: ts(n.created_at),
            updated_at: ts(n.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "sibling_support", "description": "きょうだいの預け先がなく通院に付き添えない", "noted_on": "2026-05-10"}))]
pub struct CreateNeed {
    #[schema(value_type = NeedKind)]
    pub kind: String,
    #[schema(pattern = "{required_prose}", max_length = 2000)]
    pub description: String,
    #[schema(format = Date)]
    pub noted_on: String,
    /// A patient of the center, or absent for an anonymous need.
    pub patient_id: Option<Uuid>,
    /// `open` unless given.
    #[schema(value_type = Option<NeedStatus>)]
    pub status: Option<String>,
    /// Only with `status: met` (default: today, Asia/Tokyo); not before `noted_on`.
    #[schema(format = Date)]
    pub met_on: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears. Setting `status: met` without
/// `met_on` records today (Asia/Tokyo); another status clears `met_on`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNeed {
    #[schema(value_type = Option<NeedKind>)]
    pub kind: Option<String>,
    #[schema(pattern = "{required_prose}", max_length = 2000)]
    pub description: Option<String>,
    #[schema(format = Date)]
    pub noted_on: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub patient_id: Option<Option<Uuid>>,
    #[schema(value_type = Option<NeedStatus>)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(format = Date)]
    pub met_on: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedListQuery {
    #[param(value_type = Option<NeedKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<NeedStatus>)]
    pub status: Option<String>,
    pub patient_id: Option<Uuid>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// --- the figures ------------------------------------------------------------------------

/// Sessions of one activity, and who came.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityFigures {
    #[schema(value_type = SessionActivity)]
    pub activity: &'static str,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
}

/// One project kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectKindFigures {
    #[schema(value_type = ProjectKind)]
    pub kind: &'static str,
    /// Projects that ran at some point of the period.
    pub projects: i64,
    /// Sessions held in the period.
    pub sessions: i64,
    /// Children who came (summed over sessions).
    pub children: i64,
    /// Family members who came (summed over sessions).
    pub family: i64,
    /// Every activity of the kind, in order, with zeros.
    pub activities: Vec<ActivityFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectTotalsDto {
    pub projects: i64,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
}

/// 任意事業: projects run, sessions held and participants, per kind (never a child).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanProjectsReport {
    pub period: PeriodDto,
    /// The 小慢 centers the figures cover.
    pub centers: i64,
    /// One row per project kind, in order.
    pub rows: Vec<ProjectKindFigures>,
    pub total: ProjectTotalsDto,
}

impl ShomanProjectsReport {
    pub fn new(period: &Period, r: ProjectsReport) -> Self {
        Self {
            period: period.into(),
            centers: r.centers,
            rows: r
                .rows
                .into_iter()
                .map(|k| ProjectKindFigures {
                    kind: k.kind.as_str(),
                    projects: k.projects,
                    sessions: k.sessions,
                    children: k.children,
                    family: k.family,
                    activities: k
                        .activities
                        .into_iter()
                        .map(|a| ActivityFigures {
                            activity: a.activity.as_str(),
                            sessions: a.sessions,
                            children: a.children,
                            family: a.family,
                        })
                        .collect(),
                })
                .collect(),
            total: ProjectTotalsDto {
                projects: r.total.projects,
                sessions: r.total.sessions,
                children: r.total.children,
                family: r.total.family,
            },
        }
    }

    pub fn sheet(&self, period: &Period, source: &ProjectsReport) -> Sheet {
        let kinds = Section {
            title: Some("事業別".into()),
            header: [
                "事業",
                "実施事業数",
                "開催回数",
                "参加児童等（延べ）",
                "参加家族（延べ）",
            ]
            .map(String::from)
            .to_vec(),
            rows: source
                .rows
                .iter()
                .map(|k| {
                    vec![
                        Cell::from(labels::project_kind(k.kind)),
                        k.projects.into(),
                        k.sessions.into(),
                        k.children.into(),
                        k.family.into(),
                    ]
                })
                .chain(std::iter::once(vec![
                    Cell::from("合計"),
                    self.total.projects.into(),
                    self.total.sessions.into(),
                    self.total.children.into(),
                    self.total.family.into(),
                ]))
                .collect(),
        };
        let activities = Section {
            title: Some("活動別".into()),
            header: [
                "事業",
                "活動",
                "開催回数",
                "参加児童等（延べ）",
                "参加家族（延べ）",
            ]
            .map(String::from)
            .to_vec(),
            rows: source
                .rows
                .iter()
                .flat_map(|k| {
                    k.activities.iter().map(move |a| {
                        vec![
                            Cell::from(labels::project_kind(k.kind)),
                            Cell::from(labels::session_activity(a.activity)),
                            a.sessions.into(),
                            a.children.into(),
                            a.family.into(),
                        ]
                    })
                })
                .collect(),
        };
        Sheet {
            name: "任意事業".into(),
            title: "小児慢性特定疾病児童等自立支援事業 任意事業の実施状況".into(),
            period: period_label(period),
            sections: vec![kinds, activities],
        }
    }
}

/// Needs of one kind by their status now.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedKindFigures {
    #[schema(value_type = NeedKind)]
    pub kind: &'static str,
    pub open: i64,
    pub met: i64,
    pub dropped: i64,
    pub total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeedTotalsDto {
    pub open: i64,
    pub met: i64,
    pub dropped: i64,
    pub total: i64,
}

/// ニーズ noted in the period by kind and status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanNeedsReport {
    pub period: PeriodDto,
    pub centers: i64,
    /// One row per need kind, in order.
    pub rows: Vec<NeedKindFigures>,
    pub total: NeedTotalsDto,
}

impl ShomanNeedsReport {
    pub fn new(period: &Period, r: NeedsReport) -> Self {
        Self {
            period: period.into(),
            centers: r.centers,
            rows: r
                .rows
                .iter()
                .map(|k| NeedKindFigures {
                    kind: k.kind.as_str(),
                    open: k.open,
                    met: k.met,
                    dropped: k.dropped,
                    total: k.total,
                })
                .collect(),
            total: NeedTotalsDto {
                open: r.total.open,
                met: r.total.met,
                dropped: r.total.dropped,
                total: r.total.total,
            },
        }
    }

    pub fn sheet(&self, period: &Period, source: &NeedsReport) -> Sheet {
        use tsunagu_domain::values::NeedStatus as S;
        let header = std::iter::once("ニーズ".to_owned())
            .chain(
                [S::Open, S::Met, S::Dropped]
                    .iter()
                    .map(|s| labels::need_status(*s).to_owned()),
            )
            .chain(std::iter::once("計".to_owned()))
            .collect();
        Sheet {
            name: "ニーズ".into(),
            title: "把握したニーズ".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header,
                rows: source
                    .rows
                    .iter()
                    .map(|k| {
                        vec![
                            Cell::from(labels::need_kind(k.kind)),
                            k.open.into(),
                            k.met.into(),
                            k.dropped.into(),
                            k.total.into(),
                        ]
                    })
                    .chain(std::iter::once(vec![
                        Cell::from("合計"),
                        self.total.open.into(),
                        self.total.met.into(),
                        self.total.dropped.into(),
                        self.total.total.into(),
                    ]))
                    .collect(),
            }],
        }
    }
}

/// One 実施主体 (a 小慢 center) and the kinds it ran.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationCenter {
    pub center_id: Uuid,
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    /// Per project kind: whether it ran one in the period.
    #[schema(example = json!({"respite": true, "exchange": false, "employment": true, "caregiver": false, "other": false}))]
    pub kinds: BTreeMap<&'static str, bool>,
    /// How many kinds it ran.
    pub count: i64,
}

/// The total row: the number and percent of the 小慢 centers running each kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationTotalDto {
    pub centers: i64,
    #[schema(example = json!({"respite": 2, "exchange": 1, "employment": 3, "caregiver": 0, "other": 1}))]
    pub running: BTreeMap<&'static str, i64>,
    /// Percent of `centers`, to one decimal (`null` without centers).
    #[schema(example = json!({"respite": 40.0, "exchange": 20.0, "employment": 60.0, "caregiver": 0.0, "other": 20.0}))]
    pub percent: BTreeMap<&'static str, Option<f64>>,
}

/// 実施状況: which kinds of optional project each 小慢 center ran in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShomanImplementationReport {
    pub period: PeriodDto,
    /// By center code.
    pub centers: Vec<ImplementationCenter>,
    pub total: ImplementationTotalDto,
}

impl ShomanImplementationReport {
    pub fn new(period: &Period, r: ImplementationReport) -> Self {
        Self {
            period: period.into(),
            centers: r
                .centers
                .iter()
                .map(|c| ImplementationCenter {
                    center_id: c.center.id,
                    code: c.center.code.clone(),
                    name: c.center.name.clone(),
                    prefecture_code: c.center.prefecture_code.clone(),
                    kinds: c.kinds.iter().map(|(k, r)| (k.as_str(), *r)).collect(),
                    count: c.count,
                })
                .collect(),
            total: ImplementationTotalDto {
                centers: r.total.centers,
                running: r
                    .total
                    .running
                    .iter()
                    .map(|(k, n)| (k.as_str(), *n))
                    .collect(),
                percent: r
                    .total
                    .percent
                    .iter()
                    .map(|(k, p)| (k.as_str(), *p))
                    .collect(),
            },
        }
    }

    pub fn sheet(&self, period: &Period, source: &ImplementationReport) -> Sheet {
        use tsunagu_domain::values::ProjectKind as K;
        let header = ["実施主体".to_owned(), "都道府県".to_owned()]
            .into_iter()
            .chain(K::ALL.iter().map(|k| labels::project_kind(*k).to_owned()))
            .chain(std::iter::once("実施事業数".to_owned()))
            .collect();
        let mut rows: Vec<Vec<Cell>> = source
            .centers
            .iter()
            .map(|c| {
                let mut row = vec![
                    Cell::from(c.center.name.clone()),
                    Cell::from(c.center.prefecture_code.clone()),
                ];
                row.extend(
                    c.kinds
                        .iter()
                        .map(|(_, ran)| Cell::from(if *ran { "○" } else { "" })),
                );
                row.push(c.count.into());
                row
            })
            .collect();
        let mut count_row = vec![Cell::from("実施数"), Cell::from("")];
        count_row.extend(source.total.running.iter().map(|(_, n)| Cell::from(*n)));
        count_row.push(self.total.centers.into());
        rows.push(count_row);
        let mut pct_row = vec![Cell::from("実施率"), Cell::from("")];
        pct_row.extend(
            source
                .total
                .percent
                .iter()
                .map(|(_, p)| Cell::Ratio(p.map(|p| p / 100.0))),
        );
        pct_row.push(Cell::from(""));
        rows.push(pct_row);
        Sheet {
            name: "実施状況".into(),
            title: "任意事業の実施状況（実施主体別）".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header,
                rows,
            }],
        }
    }
}
