//! The yearly publication (実施状況の公表): meetings held, issues by stage, measures done and
//! the indicators before and after, with small counts suppressed. The officer previews it
//! live; publishing keeps the document as it was approved, and the public page (no sign-in)
//! answers only what was published.

use super::figures::FigureValue;
use super::issues::{LinkedFigure, read_figure};
use super::suppression::{self, Shown};
use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::ports::{CouncilFact, IssueFact};
use crate::regional::administrations::Administration;
use crate::reports::model::{Period, fiscal_year_wareki};
use crate::values::{IssueCategory, IssueStage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A figure as it leaves the administration: its count (or share) when it may be shown, and
/// how to print it (「62.0%」, 「12」, 「5未満」).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownValue {
    /// The count, when not suppressed (for a share: its part).
    pub count: Option<i64>,
    /// The share (0 to 1), for share figures that may be shown.
    pub share: Option<f64>,
    pub label: String,
}

/// Suppresses a figure's value for publication.
pub fn shown(v: FigureValue, threshold: i32) -> ShownValue {
    match v.denominator {
        None => {
            let s = suppression::count(v.numerator, threshold);
            ShownValue {
                count: s.value(),
                share: None,
                label: s.label(),
            }
        }
        Some(whole) => match suppression::share(v.numerator, whole, threshold) {
            Some(share) => ShownValue {
                count: Some(v.numerator),
                share: Some(share),
                label: format!("{:.1}%", share * 100.0),
            },
            None => ShownValue {
                count: None,
                share: None,
                label: Shown::Under(threshold).label(),
            },
        },
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilLine {
    pub name: String,
    pub kind: String,
    pub scope: String,
    /// The council a 部会 belongs to.
    pub parent_name: Option<String>,
    pub meetings_held: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageCount {
    pub stage: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub issue_title: String,
    pub label: String,
    pub kind: String,
    pub target: Option<String>,
    pub before_fiscal_year: i32,
    pub before: ShownValue,
    pub after_fiscal_year: i32,
    pub after: ShownValue,
}

/// The yearly summary, as previewed and as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub administration_code: String,
    pub administration_name: String,
    pub fiscal_year: i32,
    /// 令和7年度 and the like.
    pub fiscal_year_label: String,
    pub suppression_threshold: i32,
    pub councils: Vec<CouncilLine>,
    pub meetings_held: i64,
    pub issues_by_stage: Vec<StageCount>,
    pub issues_by_category: Vec<CategoryCount>,
    pub measures_done: i64,
    pub measures_total: i64,
    pub indicators: Vec<Indicator>,
}

/// A published summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub id: Uuid,
    pub administration_id: Uuid,
    pub fiscal_year: i32,
    pub summary: Summary,
    pub published_by: Uuid,
    pub published_at: DateTime<Utc>,
    pub version: i32,
}

/// Counts per stage in the cycle's order, every stage listed.
pub fn issues_by_stage(issues: &[IssueFact]) -> Vec<StageCount> {
    IssueStage::ALL
        .iter()
        .map(|s| StageCount {
            stage: s.as_str().to_owned(),
            count: issues.iter().filter(|i| i.stage == *s).count() as i64,
        })
        .collect()
}

/// Counts per category, only the categories with issues.
pub fn issues_by_category(issues: &[IssueFact]) -> Vec<CategoryCount> {
    IssueCategory::ALL
        .iter()
        .map(|c| CategoryCount {
            category: c.as_str().to_owned(),
            count: issues.iter().filter(|i| i.category == *c).count() as i64,
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// The councils in the summary: top-level councils first, each followed by its 部会.
pub fn council_lines(councils: &[CouncilFact]) -> Vec<CouncilLine> {
    let line = |c: &CouncilFact| CouncilLine {
        name: c.name.clone(),
        kind: c.kind.clone(),
        scope: c.scope.clone(),
        parent_name: c
            .parent_id
            .and_then(|p| councils.iter().find(|x| x.id == p))
            .map(|p| p.name.clone()),
        meetings_held: c.meetings_held,
    };
    let mut out = Vec::with_capacity(councils.len());
    for top in councils.iter().filter(|c| c.parent_id.is_none()) {
        out.push(line(top));
        out.extend(
            councils
                .iter()
                .filter(|c| c.parent_id == Some(top.id))
                .map(line),
        );
    }
    out
}

crate::facade!(
    /// The yearly publication: `services.publications()`.
    Publications,
    publications
);

impl Publications<'_> {
    fn administration(&self, id: Uuid) -> Result<Administration, DomainError> {
        self.store.administration(id)?.ok_or(DomainError::NotFound)
    }

    /// Computes the summary of `fiscal_year` from the records now.
    fn compute(&self, a: &Administration, fiscal_year: i32) -> Result<Summary, DomainError> {
        let period = Period::fiscal_year(fiscal_year).ok_or_else(|| {
            DomainError::field("fiscal_year", "invalid_year", "not a fiscal year")
        })?;
        let councils = self
            .store
            .council_facts(Some(a.id), period.from, period.to)?;
        let issues = self.store.issue_facts(Some(a.id))?;
        let (measures_done, measures_total) =
            self.store.measure_counts(a.id, period.from, period.to)?;
        let today = self.today();
        let t = a.suppression_threshold;
        let indicators = self
            .store
            .administration_figures(a.id)?
            .into_iter()
            .map(|(title, f): (String, LinkedFigure)| {
                let (after, after_fy) = read_figure(
                    self.store.as_ref(),
                    today,
                    a.id,
                    f.kind,
                    f.parameter.as_deref(),
                    Some(fiscal_year),
                )?;
                Ok(Indicator {
                    issue_title: title,
                    label: f.label,
                    kind: f.kind.as_str().to_owned(),
                    target: f.target,
                    before_fiscal_year: f.baseline_fiscal_year,
                    before: shown(f.baseline, t),
                    after_fiscal_year: after_fy,
                    after: shown(after, t),
                })
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        Ok(Summary {
            administration_code: a.code.clone(),
            administration_name: a.name.clone(),
            fiscal_year,
            fiscal_year_label: fiscal_year_wareki(fiscal_year),
            suppression_threshold: t,
            meetings_held: councils.iter().map(|c| c.meetings_held).sum(),
            councils: council_lines(&councils),
            issues_by_stage: issues_by_stage(&issues),
            issues_by_category: issues_by_category(&issues),
            measures_done,
            measures_total,
            indicators,
        })
    }

    /// The summary as it would be published now (the officer's preview; the system
    /// administrator may read any).
    #[tracing::instrument(skip_all, fields(%administration, fiscal_year))]
    pub fn preview(
        &self,
        ctx: &Ctx,
        administration: Uuid,
        fiscal_year: i32,
    ) -> Result<Summary, DomainError> {
        self.guard(
            ctx,
            Action::PublicationPreview,
            Some(administration),
            || {
                policy::read_administration(&ctx.actor, administration)?;
                let a = self.administration(administration)?;
                let s = self.compute(&a, fiscal_year)?;
                self.log_impersonal_read(
                    self.ev(ctx, Action::PublicationPreview)
                        .resource(administration)
                        .detail(format!("fiscal_year={fiscal_year}")),
                );
                Ok(s)
            },
        )
    }

    /// Publishes the year's summary as it is now (again, if it was published before: the
    /// public page then shows the new one).
    #[tracing::instrument(skip_all, fields(%administration, fiscal_year))]
    pub fn publish(
        &self,
        ctx: &Ctx,
        administration: Uuid,
        fiscal_year: i32,
    ) -> Result<Publication, DomainError> {
        self.guard(
            ctx,
            Action::PublicationPublish,
            Some(administration),
            || {
                // Publishing is the officer's approval of what the public reads.
                let reach = policy::in_person_region(&ctx.actor)?;
                if !reach.covers(administration) {
                    return Err(DomainError::NotFound);
                }
                let a = self.administration(administration)?;
                let summary = self.compute(&a, fiscal_year)?;
                let p = Publication {
                    id: Uuid::now_v7(),
                    administration_id: administration,
                    fiscal_year,
                    summary,
                    published_by: ctx.actor.user_id,
                    published_at: self.clock.now(),
                    version: 1,
                };
                let ev = self
                    .ev(ctx, Action::PublicationPublish)
                    .resource(administration)
                    .detail(format!("fiscal_year={fiscal_year}"));
                self.store.save_publication(&p, &ev)
            },
        )
    }

    /// The administration's publications, newest year first.
    #[tracing::instrument(skip_all, fields(%administration))]
    pub fn list(&self, ctx: &Ctx, administration: Uuid) -> Result<Vec<Publication>, DomainError> {
        self.guard(ctx, Action::PublicationList, Some(administration), || {
            policy::read_administration(&ctx.actor, administration)?;
            let found = self.store.publications(administration)?;
            self.log_impersonal_read(
                self.ev(ctx, Action::PublicationList)
                    .resource(administration)
                    .detail(format!("count={}", found.len())),
            );
            Ok(found)
        })
    }

    /// What the public reads: the published summary of an active administration's year
    /// (404 when there is none). Needs no sign-in and holds no personal data.
    #[tracing::instrument(skip_all, fields(fiscal_year))]
    pub fn public(&self, code: &str, fiscal_year: i32) -> Result<Publication, DomainError> {
        let a = self
            .store
            .administration_by_code(code)?
            .filter(|a| a.active)
            .ok_or(DomainError::NotFound)?;
        self.store
            .publication(a.id, fiscal_year)?
            .ok_or(DomainError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_counts_are_suppressed_for_publication() {
        let share = FigureValue {
            numerator: 31,
            denominator: Some(50),
        };
        assert_eq!(shown(share, 5).label, "62.0%");
        assert_eq!(shown(share, 5).count, Some(31));
        let small = FigureValue {
            numerator: 3,
            denominator: Some(50),
        };
        assert_eq!(shown(small, 5).label, "5未満");
        assert_eq!(shown(small, 5).share, None);
        assert_eq!(shown(small, 5).count, None);
        assert_eq!(shown(FigureValue::count(4), 5).label, "5未満");
        assert_eq!(shown(FigureValue::count(9), 5).count, Some(9));
    }

    #[test]
    fn stages_are_all_listed_and_sub_councils_follow_their_council() {
        let a = Uuid::now_v7();
        let f = |stage| IssueFact {
            administration_id: a,
            category: IssueCategory::Employment,
            stage,
        };
        let by = issues_by_stage(&[f(IssueStage::Planning), f(IssueStage::Planning)]);
        assert_eq!(by.len(), 4);
        assert_eq!(by[1].count, 2);
        assert_eq!(by[0].count, 0);
        let top = Uuid::now_v7();
        let c = |id, parent, name: &str| CouncilFact {
            id,
            administration_id: a,
            parent_id: parent,
            name: name.into(),
            kind: "intractable".into(),
            scope: "prefecture".into(),
            active: true,
            meetings_held: 1,
        };
        let lines = council_lines(&[
            c(Uuid::now_v7(), Some(top), "就労部会"),
            c(top, None, "難病対策地域協議会"),
        ]);
        assert_eq!(lines[0].name, "難病対策地域協議会");
        assert_eq!(lines[1].parent_name.as_deref(), Some("難病対策地域協議会"));
    }
}
