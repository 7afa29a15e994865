//! The figures of the optional projects and the needs register, per fiscal year: computed
//! from counts the store answers (never a name or a patient id), for one center or across
//! the 小慢 centers of the installation or a prefecture.

use super::model::{NeedCount, ProjectFact, SessionCount, ShomanCenter};
use super::rules::activities_of;
use crate::reports::Period;
use crate::values::{NeedKind, NeedStatus, ProjectKind, SessionActivity};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Sessions of one activity and who came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityRow {
    pub activity: SessionActivity,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
}

/// One project kind: projects that ran in the period, sessions held and who came, and the
/// sessions by each activity of the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindRow {
    pub kind: ProjectKind,
    pub projects: i64,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
    pub activities: Vec<ActivityRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProjectTotals {
    pub projects: i64,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
}

/// 任意事業の実施状況 in numbers: one row per kind, in the kinds' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectsReport {
    pub period: Period,
    /// The 小慢 centers the figures cover.
    pub centers: i64,
    pub rows: Vec<KindRow>,
    pub total: ProjectTotals,
}

/// Projects that ran (one fact each) and the sessions held, summed per kind and activity.
pub fn projects(
    period: Period,
    centers: i64,
    running: &[ProjectFact],
    sessions: &[SessionCount],
) -> ProjectsReport {
    let rows: Vec<KindRow> = ProjectKind::ALL
        .iter()
        .map(|&kind| {
            let activities: Vec<ActivityRow> = activities_of(kind)
                .iter()
                .map(|&activity| {
                    let of = sessions
                        .iter()
                        .filter(|s| s.kind == kind && s.activity == activity);
                    of.fold(
                        ActivityRow {
                            activity,
                            sessions: 0,
                            children: 0,
                            family: 0,
                        },
                        |mut r, s| {
                            r.sessions += s.sessions;
                            r.children += s.children;
                            r.family += s.family;
                            r
                        },
                    )
                })
                .collect();
            KindRow {
                kind,
                projects: i64::try_from(running.iter().filter(|p| p.kind == kind).count())
                    .unwrap_or(i64::MAX),
                sessions: activities.iter().map(|a| a.sessions).sum(),
                children: activities.iter().map(|a| a.children).sum(),
                family: activities.iter().map(|a| a.family).sum(),
                activities,
            }
        })
        .collect();
    let total = rows.iter().fold(ProjectTotals::default(), |mut t, r| {
        t.projects += r.projects;
        t.sessions += r.sessions;
        t.children += r.children;
        t.family += r.family;
        t
    });
    ProjectsReport {
        period,
        centers,
        rows,
        total,
    }
}

/// Needs of one kind by their current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedRow {
    pub kind: NeedKind,
    pub open: i64,
    pub met: i64,
    pub dropped: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeedTotals {
    pub open: i64,
    pub met: i64,
    pub dropped: i64,
    pub total: i64,
}

/// Needs noted in the period, one row per kind in the kinds' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsReport {
    pub period: Period,
    pub centers: i64,
    pub rows: Vec<NeedRow>,
    pub total: NeedTotals,
}

pub fn needs(period: Period, centers: i64, counts: &[NeedCount]) -> NeedsReport {
    let rows: Vec<NeedRow> = NeedKind::ALL
        .iter()
        .map(|&kind| {
            let n = |status: NeedStatus| -> i64 {
                counts
                    .iter()
                    .filter(|c| c.kind == kind && c.status == status)
                    .map(|c| c.n)
                    .sum()
            };
            let (open, met, dropped) = (
                n(NeedStatus::Open),
                n(NeedStatus::Met),
                n(NeedStatus::Dropped),
            );
            NeedRow {
                kind,
                open,
                met,
                dropped,
                total: open + met + dropped,
            }
        })
        .collect();
    let total = rows.iter().fold(NeedTotals::default(), |mut t, r| {
        t.open += r.open;
        t.met += r.met;
        t.dropped += r.dropped;
        t.total += r.total;
        t
    });
    NeedsReport {
        period,
        centers,
        rows,
        total,
    }
}

/// One 実施主体 of the paper's table: which kinds it ran in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplementationRow {
    pub center: ShomanCenter,
    /// Per kind, in the kinds' order: whether it ran a project of that kind.
    pub kinds: Vec<(ProjectKind, bool)>,
    /// How many of the kinds it ran.
    pub count: i64,
}

/// The total row: how many of the centers ran each kind, and what share of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationTotal {
    pub centers: i64,
    pub running: Vec<(ProjectKind, i64)>,
    /// Percent of the centers, to one decimal; `None` without centers.
    pub percent: Vec<(ProjectKind, Option<f64>)>,
}

/// 任意事業の実施状況: for each 小慢 center, the kinds of project it ran in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationReport {
    pub period: Period,
    pub centers: Vec<ImplementationRow>,
    pub total: ImplementationTotal,
}

/// Percent to one decimal, e.g. 2 of 3 → 66.7.
pub fn percent(n: i64, of: i64) -> Option<f64> {
    // Counts of centers are small: the conversion to f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    (of > 0).then(|| ((n as f64) * 1000.0 / (of as f64)).round() / 10.0)
}

pub fn implementation(
    period: Period,
    centers: &[ShomanCenter],
    running: &[ProjectFact],
) -> ImplementationReport {
    let ran: BTreeSet<(Uuid, ProjectKind)> =
        running.iter().map(|p| (p.center_id, p.kind)).collect();
    let rows: Vec<ImplementationRow> = centers
        .iter()
        .map(|c| {
            let kinds: Vec<(ProjectKind, bool)> = ProjectKind::ALL
                .iter()
                .map(|&k| (k, ran.contains(&(c.id, k))))
                .collect();
            ImplementationRow {
                center: c.clone(),
                count: i64::try_from(kinds.iter().filter(|(_, r)| *r).count()).unwrap_or(0),
                kinds,
            }
        })
        .collect();
    let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let running: Vec<(ProjectKind, i64)> = ProjectKind::ALL
        .iter()
        .map(|&k| {
            let r = rows
                .iter()
                .filter(|row| row.kinds.iter().any(|(kk, ran)| *kk == k && *ran))
                .count();
            (k, i64::try_from(r).unwrap_or(0))
        })
        .collect();
    let percent = running.iter().map(|(k, r)| (*k, percent(*r, n))).collect();
    ImplementationReport {
        period,
        centers: rows,
        total: ImplementationTotal {
            centers: n,
            running,
            percent,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period() -> Period {
        Period::fiscal_year(2025).unwrap()
    }

    #[test]
    fn projects_and_sessions_sum_per_kind_and_activity() {
        let c = Uuid::now_v7();
        let running = [
            ProjectFact {
                center_id: c,
                kind: ProjectKind::Respite,
            },
            ProjectFact {
                center_id: c,
                kind: ProjectKind::Exchange,
            },
            ProjectFact {
                center_id: c,
                kind: ProjectKind::Exchange,
            },
        ];
        let s = |kind, activity, sessions, children, family| SessionCount {
            center_id: c,
            kind,
            activity,
            sessions,
            children,
            family,
        };
        let sessions = [
            s(ProjectKind::Exchange, SessionActivity::Workshop, 2, 7, 3),
            s(ProjectKind::Exchange, SessionActivity::Workshop, 1, 1, 1),
            s(ProjectKind::Exchange, SessionActivity::Other, 1, 2, 0),
        ];
        let r = projects(period(), 1, &running, &sessions);
        assert_eq!(r.rows.len(), 5);
        assert_eq!(r.rows[0].kind, ProjectKind::Respite);
        assert_eq!((r.rows[0].projects, r.rows[0].sessions), (1, 0));
        let ex = &r.rows[1];
        assert_eq!(
            (ex.projects, ex.sessions, ex.children, ex.family),
            (2, 4, 10, 4)
        );
        let acts: Vec<(&str, i64)> = ex
            .activities
            .iter()
            .map(|a| (a.activity.as_str(), a.sessions))
            .collect();
        assert_eq!(
            acts,
            [("workshop", 3), ("children_meeting", 0), ("other", 1)]
        );
        assert_eq!(
            r.total,
            ProjectTotals {
                projects: 3,
                sessions: 4,
                children: 10,
                family: 4
            }
        );
    }

    #[test]
    fn needs_by_kind_and_status() {
        let counts = [
            NeedCount {
                kind: NeedKind::Respite,
                status: NeedStatus::Open,
                n: 2,
            },
            NeedCount {
                kind: NeedKind::Respite,
                status: NeedStatus::Met,
                n: 1,
            },
            NeedCount {
                kind: NeedKind::Other,
                status: NeedStatus::Dropped,
                n: 1,
            },
        ];
        let r = needs(period(), 1, &counts);
        assert_eq!(r.rows.len(), NeedKind::ALL.len());
        assert_eq!((r.rows[0].open, r.rows[0].met, r.rows[0].total), (2, 1, 3));
        assert_eq!(
            r.total,
            NeedTotals {
                open: 2,
                met: 1,
                dropped: 1,
                total: 4
            }
        );
    }

    #[test]
    fn the_implementation_table_counts_centers_per_kind() {
        let center = |code: &str| ShomanCenter {
            id: Uuid::now_v7(),
            code: code.into(),
            name: code.into(),
            prefecture_code: "34".into(),
        };
        let (a, b, c) = (center("a"), center("b"), center("c"));
        let running = [
            ProjectFact {
                center_id: a.id,
                kind: ProjectKind::Respite,
            },
            // Two projects of one kind are one kind run.
            ProjectFact {
                center_id: a.id,
                kind: ProjectKind::Employment,
            },
            ProjectFact {
                center_id: a.id,
                kind: ProjectKind::Employment,
            },
            ProjectFact {
                center_id: b.id,
                kind: ProjectKind::Employment,
            },
        ];
        let r = implementation(period(), &[a, b, c], &running);
        let counts: Vec<i64> = r.centers.iter().map(|x| x.count).collect();
        assert_eq!(counts, [2, 1, 0]);
        assert_eq!(r.total.centers, 3);
        assert_eq!(
            r.total.running,
            [
                (ProjectKind::Respite, 1),
                (ProjectKind::Exchange, 0),
                (ProjectKind::Employment, 2),
                (ProjectKind::Caregiver, 0),
                (ProjectKind::Other, 0)
            ]
        );
        assert_eq!(r.total.percent[0], (ProjectKind::Respite, Some(33.3)));
        assert_eq!(r.total.percent[2], (ProjectKind::Employment, Some(66.7)));
        assert_eq!(percent(0, 0), None);
    }
}
