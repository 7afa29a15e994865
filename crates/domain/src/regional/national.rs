//! The ministry's figures for part 2 (system administrator): administrations with a council
//! by kind of administration, councils that met in the fiscal year, joint councils,
//! members by category, and issues by stage and category.

use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy::{self, ReportReach};
use crate::ports::{CouncilFact, IssueFact};
use crate::regional::administrations::Administration;
use crate::reports::model::Period;
use crate::values::{AdministrationKind, IssueCategory};
use std::collections::BTreeMap;

/// Per kind of administration: how many are registered and how many have a council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministrationRow {
    pub kind: AdministrationKind,
    pub administrations: i64,
    /// With an active council of any kind.
    pub with_council: i64,
    /// With an active 難病 council (or a joint one).
    pub with_intractable: i64,
    /// With an active 小慢 council (or a joint one).
    pub with_pediatric: i64,
}

/// Per council kind: councils (not 部会), and those that met at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilRow {
    pub kind: String,
    pub councils: i64,
    pub met: i64,
    /// Their 部会.
    pub sub_councils: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalTables {
    pub fiscal_year: i32,
    pub administrations: Vec<AdministrationRow>,
    pub councils: Vec<CouncilRow>,
    pub joint_councils: i64,
    /// Members whose term overlaps the year, per category.
    pub members: Vec<(String, i64)>,
    /// Issues per stage and category (every stage, the categories with issues).
    pub issues: Vec<(IssueCategory, [i64; 4])>,
}

pub const COUNCIL_KINDS: [&str; 3] = ["intractable", "pediatric", "joint"];

/// The tables from the facts (pure).
pub fn tables(
    fiscal_year: i32,
    administrations: &[Administration],
    councils: &[CouncilFact],
    members: &[(String, i64)],
    issues: &[IssueFact],
) -> NationalTables {
    let active_top: Vec<&CouncilFact> = councils
        .iter()
        .filter(|c| c.active && c.parent_id.is_none())
        .collect();
    let has = |a: &Administration, kinds: &[&str]| {
        active_top
            .iter()
            .any(|c| c.administration_id == a.id && kinds.contains(&c.kind.as_str()))
    };
    let administrations = AdministrationKind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<&Administration> = administrations
                .iter()
                .filter(|a| a.active && a.kind == *k)
                .collect();
            let count = |kinds: &[&str]| of_kind.iter().filter(|a| has(a, kinds)).count() as i64;
            AdministrationRow {
                kind: *k,
                administrations: of_kind.len() as i64,
                with_council: count(&COUNCIL_KINDS),
                with_intractable: count(&["intractable", "joint"]),
                with_pediatric: count(&["pediatric", "joint"]),
            }
        })
        .collect();
    let councils_rows = COUNCIL_KINDS
        .iter()
        .map(|k| {
            let of_kind: Vec<&&CouncilFact> = active_top.iter().filter(|c| c.kind == *k).collect();
            CouncilRow {
                kind: (*k).to_owned(),
                councils: of_kind.len() as i64,
                met: of_kind.iter().filter(|c| c.meetings_held > 0).count() as i64,
                sub_councils: councils
                    .iter()
                    .filter(|s| s.active && of_kind.iter().any(|c| Some(c.id) == s.parent_id))
                    .count() as i64,
            }
        })
        .collect();
    let mut by_category: BTreeMap<IssueCategory, [i64; 4]> = BTreeMap::new();
    for i in issues {
        by_category.entry(i.category).or_default()[usize::from(i.stage.step() - 1)] += 1;
    }
    NationalTables {
        fiscal_year,
        administrations,
        councils: councils_rows,
        joint_councils: active_top.iter().filter(|c| c.kind == "joint").count() as i64,
        members: members.to_vec(),
        issues: by_category.into_iter().collect(),
    }
}

crate::facade!(
    /// The ministry's part-2 figures: `services.regional_reports()`.
    RegionalReports,
    regional_reports
);

impl RegionalReports<'_> {
    /// The tables for `fiscal_year`, across every administration (system administrator).
    #[tracing::instrument(skip_all, fields(fiscal_year))]
    pub fn national(&self, ctx: &Ctx, fiscal_year: i32) -> Result<NationalTables, DomainError> {
        self.guard(ctx, Action::ReportRegionalCouncils, None, || {
            if policy::report_reach(&ctx.actor)? != ReportReach::All {
                return Err(policy::insufficient_role());
            }
            let period = Period::fiscal_year(fiscal_year).ok_or_else(|| {
                DomainError::field("fiscal_year", "invalid_year", "not a fiscal year")
            })?;
            let mut administrations = Vec::new();
            let mut page = crate::page::PageRequest {
                limit: crate::page::MAX_LIMIT,
                after: None,
                after_key: None,
                updated_since: None,
            };
            loop {
                let p = self.store.administrations(None, page.clone())?;
                page.after = p.items.last().map(|a| a.id);
                administrations.extend(p.items);
                if p.next_cursor.is_none() {
                    break;
                }
            }
            let councils = self.store.council_facts(None, period.from, period.to)?;
            let members = self.store.member_categories(None, period.from, period.to)?;
            let issues = self.store.issue_facts(None)?;
            self.log_impersonal_read(
                self.ev(ctx, Action::ReportRegionalCouncils)
                    .detail(format!("fiscal_year={fiscal_year}")),
            );
            Ok(tables(
                fiscal_year,
                &administrations,
                &councils,
                &members,
                &issues,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::IssueStage;
    use chrono::Utc;
    use uuid::Uuid;

    fn adm(kind: AdministrationKind) -> Administration {
        let now = Utc::now();
        Administration {
            id: Uuid::now_v7(),
            code: "340006".into(),
            name: "x".into(),
            kind,
            prefecture_code: "34".into(),
            suppression_threshold: 5,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn council(a: &Administration, kind: &str, held: i64, parent: Option<Uuid>) -> CouncilFact {
        CouncilFact {
            id: Uuid::now_v7(),
            administration_id: a.id,
            parent_id: parent,
            name: "c".into(),
            kind: kind.into(),
            scope: "prefecture".into(),
            active: true,
            meetings_held: held,
        }
    }

    #[test]
    fn counts_administrations_councils_and_issues() {
        let p1 = adm(AdministrationKind::Prefecture);
        let p2 = adm(AdministrationKind::Prefecture);
        let city = adm(AdministrationKind::DesignatedCity);
        let c1 = council(&p1, "intractable", 3, None);
        let sub = council(&p1, "intractable", 1, Some(c1.id));
        let c2 = council(&city, "joint", 0, None);
        let t = tables(
            2026,
            &[p1.clone(), p2, city],
            &[c1, sub, c2],
            &[("medical".into(), 4)],
            &[
                IssueFact {
                    administration_id: p1.id,
                    category: IssueCategory::Employment,
                    stage: IssueStage::Planning,
                },
                IssueFact {
                    administration_id: p1.id,
                    category: IssueCategory::Employment,
                    stage: IssueStage::Evaluation,
                },
            ],
        );
        let pref = &t.administrations[0];
        assert_eq!(
            (pref.administrations, pref.with_council, pref.with_pediatric),
            (2, 1, 0)
        );
        let dc = &t.administrations[1];
        assert_eq!((dc.with_intractable, dc.with_pediatric), (1, 1));
        assert_eq!(t.councils[0].councils, 1);
        assert_eq!(t.councils[0].met, 1);
        assert_eq!(t.councils[0].sub_councils, 1);
        assert_eq!(t.councils[2].met, 0);
        assert_eq!(t.joint_councils, 1);
        assert_eq!(t.issues, vec![(IssueCategory::Employment, [0, 1, 0, 1])]);
    }
}
