//! The PDCA register of regional issues (地域の課題): what the centers' data shows the
//! region lacks, moved by the administration's officers through ①課題の抽出 ②対策の検討
//! ③対策の実施 ④対策の評価 with who moved it when and why, its measures (対策), and the live
//! figures that are its evidence and indicators, re-read whenever the issue is shown.

use super::figures::{self, FigureValue};
use super::pdca;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, CouncilReach, RegionReach};
use crate::ports::IssueFilter;
use crate::reports::model::{Period, ReportScope};
use crate::values::{
    self, FigureKind, IssueCategory, IssueStage, Level, MeasureStatus, NeedKind, fiscal_year,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

const TITLE_MAX: usize = 200;
/// Long fields (description, evidence, evaluation) hold a council's working text.
const LONG_MAX: usize = 8000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionalIssue {
    pub id: Uuid,
    pub administration_id: Uuid,
    /// The council that works on it, if one does.
    pub council_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub category: IssueCategory,
    pub evidence: String,
    pub stage: IssueStage,
    /// The evaluation (④対策の評価), with its indicators in words.
    pub evaluation: String,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who moved an issue, when, from where to where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChange {
    pub id: Uuid,
    pub issue_id: Uuid,
    /// `None` for the first entry (the issue's registration).
    pub from_stage: Option<IssueStage>,
    pub to_stage: IssueStage,
    pub reason: String,
    pub changed_by: Uuid,
    /// Who that is, as their colleagues know them (filled in when the history is read).
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// A planned measure (対策) with its owner and due day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub title: String,
    /// Who carries it out (a body or a person, as the council wrote it).
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub done_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A live figure linked to an issue, with its value when it was linked (the "before").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedFigure {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub kind: FigureKind,
    pub parameter: Option<String>,
    pub label: String,
    pub baseline: FigureValue,
    pub baseline_fiscal_year: i32,
    /// The council's target, in words (e.g. 「50%以下」).
    pub target: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A linked figure with its value read now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureReading {
    pub figure: LinkedFigure,
    pub current: FigureValue,
    /// The fiscal year the current value counts (yearly figures), or today's.
    pub current_fiscal_year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueComment {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A meeting that discussed the issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueMeeting {
    pub meeting_id: Uuid,
    pub council_id: Uuid,
    pub held_on: NaiveDate,
    pub title: String,
}

/// An issue as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueDetail {
    pub issue: RegionalIssue,
    pub measures: Vec<Measure>,
    pub figures: Vec<FigureReading>,
    pub meetings: Vec<IssueMeeting>,
}

#[derive(Debug, Clone, Default)]
pub struct IssueInput {
    pub title: String,
    pub description: Option<String>,
    pub category: String,
    pub evidence: Option<String>,
    pub council_id: Option<Uuid>,
    /// The officer an API client records for (see [`author`]); people record as themselves.
    pub officer_id: Option<Uuid>,
}

/// Changes; absent fields stay, `council_id: Some(None)` detaches the council.
#[derive(Debug, Clone, Default)]
pub struct IssueUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub evidence: Option<String>,
    pub evaluation: Option<String>,
    pub council_id: Option<Option<Uuid>>,
}

#[derive(Debug, Clone, Default)]
pub struct IssueQuery {
    pub stage: Option<String>,
    pub category: Option<String>,
    pub council_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct MeasureInput {
    pub title: String,
    pub owner: String,
    pub due_on: Option<String>,
    pub status: Option<String>,
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct MeasureUpdate {
    pub title: Option<String>,
    pub owner: Option<String>,
    pub due_on: Option<Option<String>>,
    pub status: Option<String>,
    pub done_on: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct FigureInput {
    pub kind: String,
    pub parameter: Option<String>,
    /// The HTTP layer fills in the figure's Japanese name when the caller gives none.
    pub label: String,
    pub target: Option<String>,
}

fn long(field: &str, raw: Option<&str>) -> Result<String, crate::error::FieldError> {
    values::optional_prose(field, raw, LONG_MAX).map(Option::unwrap_or_default)
}

fn missing() -> DomainError {
    DomainError::Internal("validator passed with missing values".into())
}

/// Whether an API client of `administration` may record for `user`: an active officer of
/// that same administration, never anyone else.
fn records_for(administration: Uuid, user: &crate::entities::User) -> bool {
    user.active
        && user.role == crate::values::Role::MunicipalOfficer
        && user.administration_id == Some(administration)
}

crate::facade!(
    /// The PDCA register: `services.regional_issues()`.
    RegionalIssues,
    regional_issues
);

impl RegionalIssues<'_> {
    /// The issue, if the caller reaches its administration (else 404).
    fn reachable(&self, reach: RegionReach, id: Uuid) -> Result<RegionalIssue, DomainError> {
        self.store
            .regional_issue(id)?
            .filter(|i| reach.covers(i.administration_id))
            .ok_or(DomainError::NotFound)
    }

    /// Who reads the register: its officers, the system administrator, and the members of
    /// the council working on an issue (in their term, after their pledge).
    fn readers(&self, ctx: &Ctx) -> Result<CouncilReach, DomainError> {
        super::councils::reach(self, ctx, false)
    }

    /// The issue, if the caller reads it (else 404).
    fn readable(&self, reach: &CouncilReach, id: Uuid) -> Result<RegionalIssue, DomainError> {
        self.store
            .regional_issue(id)?
            .filter(|i| reach.covers_issue(i.administration_id, i.council_id))
            .ok_or(DomainError::NotFound)
    }

    /// An officer's own administration (writes happen only inside one).
    fn own(&self, ctx: &Ctx) -> Result<Uuid, DomainError> {
        policy::region(&ctx.actor, true)?
            .administration()
            .ok_or_else(policy::insufficient_role)
    }

    /// Who a record of the register names as its author (its creator, who moved an issue):
    /// the officer in person; an API client names the officer it records for, as a
    /// center's client names the consultant (the application acts, an accountable person
    /// answers for it, and the trail names both).
    fn author(
        &self,
        ctx: &Ctx,
        administration: Uuid,
        requested: Option<Uuid>,
    ) -> Result<(Uuid, String), DomainError> {
        let named = match (ctx.actor.is_client(), requested) {
            (false, None) => return Ok((ctx.actor.user_id, ctx.actor.display_name.clone())),
            (false, Some(id)) if id == ctx.actor.user_id => {
                return Ok((ctx.actor.user_id, ctx.actor.display_name.clone()));
            }
            (false, Some(_)) => {
                return Err(DomainError::field(
                    "officer_id",
                    "not_allowed",
                    "an officer records as themselves; only an API client names an officer",
                ));
            }
            (true, None) => {
                return Err(DomainError::field(
                    "officer_id",
                    "required",
                    "an API client names the officer it records for",
                ));
            }
            (true, Some(id)) => self.store.user(crate::ports::Scope::All, id)?,
        };
        match named {
            Some(u) if records_for(administration, &u) => Ok((u.id, u.display_name)),
            _ => Err(DomainError::field(
                "officer_id",
                "not_found",
                "no active officer of this administration has this id",
            )),
        }
    }

    fn check_council(
        &self,
        v: &mut Validator,
        administration: Uuid,
        council: Option<Uuid>,
    ) -> Result<(), DomainError> {
        if let Some(c) = council
            && self.store.council_administration(c)? != Some(administration)
        {
            v.push(crate::error::FieldError::new(
                "council_id",
                "not_found",
                "no council of this administration has this id",
            ));
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub fn create(&self, ctx: &Ctx, input: IssueInput) -> Result<RegionalIssue, DomainError> {
        self.guard(ctx, Action::RegionalIssueCreate, None, || {
            let administration = self.own(ctx)?;
            let (author, author_name) = self.author(ctx, administration, input.officer_id)?;
            let mut v = Validator::new();
            let title = v.check(values::text("title", &input.title, 1, TITLE_MAX));
            let description = v.check(long("description", input.description.as_deref()));
            let evidence = v.check(long("evidence", input.evidence.as_deref()));
            let category = v.check(IssueCategory::parse("category", &input.category));
            self.check_council(&mut v, administration, input.council_id)?;
            v.finish()?;
            let (Some(title), Some(description), Some(evidence), Some(category)) =
                (title, description, evidence, category)
            else {
                return Err(missing());
            };
            let now = self.clock.now();
            let issue = RegionalIssue {
                id: Uuid::now_v7(),
                administration_id: administration,
                council_id: input.council_id,
                title,
                description,
                category,
                evidence,
                stage: IssueStage::Extraction,
                evaluation: String::new(),
                created_by: author,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let first = StageChange {
                id: Uuid::now_v7(),
                issue_id: issue.id,
                from_stage: None,
                to_stage: IssueStage::Extraction,
                reason: "課題の登録".into(),
                changed_by: author,
                changed_by_name: Some(author_name),
                changed_at: now,
            };
            let ev = self
                .ev(ctx, Action::RegionalIssueCreate)
                .resource(issue.id)
                .detail(format!("category={}", category.as_str()));
            self.store.insert_regional_issue(&issue, &first, &ev)?;
            Ok(issue)
        })
    }

    /// An issue with its measures, its linked figures re-read now, and the meetings that
    /// discussed it.
    #[tracing::instrument(skip_all, fields(%id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<IssueDetail, DomainError> {
        self.guard(ctx, Action::RegionalIssueRead, Some(id), || {
            let reach = self.readers(ctx)?;
            let issue = self.readable(&reach, id)?;
            let measures = self.store.measures(id)?;
            let figures = self
                .store
                .linked_figures(id)?
                .into_iter()
                .map(|f| {
                    let (current, fy) = self.read_figure(
                        issue.administration_id,
                        f.kind,
                        f.parameter.as_deref(),
                        None,
                    )?;
                    Ok(FigureReading {
                        figure: f,
                        current,
                        current_fiscal_year: fy,
                    })
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            let meetings = self.store.issue_meetings(id)?;
            self.log_access(self.ev(ctx, Action::RegionalIssueRead).resource(id))?;
            Ok(IssueDetail {
                issue,
                measures,
                figures,
                meetings,
            })
        })
    }

    #[tracing::instrument(skip_all)]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: IssueQuery,
        page: PageRequest,
    ) -> Result<Page<RegionalIssue>, DomainError> {
        self.guard(ctx, Action::RegionalIssueList, None, || {
            let reach = self.readers(ctx)?;
            let mut v = Validator::new();
            let stage = q
                .stage
                .as_deref()
                .filter(|s| !s.is_empty())
                .and_then(|s| v.check(IssueStage::parse("stage", s)));
            let category = q
                .category
                .as_deref()
                .filter(|s| !s.is_empty())
                .and_then(|s| v.check(IssueCategory::parse("category", s)));
            v.finish()?;
            let (administration, councils) = match &reach {
                CouncilReach::Region(r) => (r.administration(), None),
                CouncilReach::Seats(ids) => (None, Some(ids.clone())),
            };
            let filter = IssueFilter {
                stage,
                category,
                council_id: q.council_id,
                councils,
            };
            let found = self.store.regional_issues(administration, &filter, page)?;
            let query: Vec<String> = [
                ("stage", stage.map(|s| s.as_str().to_owned())),
                ("category", category.map(|c| c.as_str().to_owned())),
                ("council_id", q.council_id.map(|c| c.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_list(
                ctx,
                Action::RegionalIssueList,
                &query.join("; "),
                found.items.len(),
            )?;
            Ok(found)
        })
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: IssueUpdate,
    ) -> Result<RegionalIssue, DomainError> {
        self.guard(ctx, Action::RegionalIssueUpdate, Some(id), || {
            let reach = policy::region(&ctx.actor, true)?;
            let current = self.reachable(reach, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut i = current.clone();
            let mut v = Validator::new();
            if let Some(t) = input
                .title
                .as_deref()
                .and_then(|t| v.check(values::text("title", t, 1, TITLE_MAX)))
            {
                i.title = t;
            }
            if let Some(d) = input
                .description
                .as_deref()
                .and_then(|d| v.check(long("description", Some(d))))
            {
                i.description = d;
            }
            if let Some(e) = input
                .evidence
                .as_deref()
                .and_then(|e| v.check(long("evidence", Some(e))))
            {
                i.evidence = e;
            }
            if let Some(e) = input
                .evaluation
                .as_deref()
                .and_then(|e| v.check(long("evaluation", Some(e))))
            {
                i.evaluation = e;
            }
            if let Some(c) = input
                .category
                .as_deref()
                .and_then(|c| v.check(IssueCategory::parse("category", c)))
            {
                i.category = c;
            }
            if let Some(c) = input.council_id {
                self.check_council(&mut v, i.administration_id, c)?;
                i.council_id = c;
            }
            v.finish()?;
            i.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::RegionalIssueUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("title", i.title != current.title),
                    ("description", i.description != current.description),
                    ("category", i.category != current.category),
                    ("evidence", i.evidence != current.evidence),
                    ("evaluation", i.evaluation != current.evaluation),
                    ("council_id", i.council_id != current.council_id),
                ]));
            self.store.save_regional_issue(&i, expected_version, &ev)
        })
    }

    /// Moves an issue to another stage, with the reason (see [`pdca::stage_change`]).
    #[tracing::instrument(skip_all, fields(%id))]
    pub fn change_stage(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        to_stage: &str,
        reason: &str,
        officer_id: Option<Uuid>,
    ) -> Result<(RegionalIssue, StageChange), DomainError> {
        self.guard(ctx, Action::RegionalIssueStageChange, Some(id), || {
            let reach = policy::region(&ctx.actor, true)?;
            let current = self.reachable(reach, id)?;
            // A stale ETag is told first: the rules judged the stage the caller saw.
            let expected_version = if_match.against(current.version)?;
            let (author, author_name) = self.author(ctx, current.administration_id, officer_id)?;
            let mut v = Validator::new();
            let to = v.check(IssueStage::parse("to_stage", to_stage));
            let reason = v.check(values::text("reason", reason, 1, NOTES_MAX));
            v.finish()?;
            let (Some(to), Some(reason)) = (to, reason) else {
                return Err(missing());
            };
            let live = self
                .store
                .measures(id)?
                .iter()
                .filter(|m| m.status != MeasureStatus::Dropped)
                .count();
            pdca::stage_change(current.stage, to, live)
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let change = StageChange {
                id: Uuid::now_v7(),
                issue_id: id,
                from_stage: Some(current.stage),
                to_stage: to,
                reason,
                changed_by: author,
                changed_by_name: Some(author_name),
                changed_at: self.clock.now(),
            };
            let ev = self
                .ev(ctx, Action::RegionalIssueStageChange)
                .resource(id)
                .detail(format!(
                    "from={}; to={}",
                    current.stage.as_str(),
                    to.as_str()
                ));
            let issue = self
                .store
                .change_issue_stage(id, expected_version, &change, &ev)?;
            Ok((issue, change))
        })
    }

    /// An issue's history, oldest first.
    #[tracing::instrument(skip_all, fields(%id))]
    pub fn stage_changes(&self, ctx: &Ctx, id: Uuid) -> Result<Vec<StageChange>, DomainError> {
        self.guard(ctx, Action::RegionalIssueRead, Some(id), || {
            let reach = self.readers(ctx)?;
            self.readable(&reach, id)?;
            let changes = self.store.stage_changes(id)?;
            self.log_access(
                self.ev(ctx, Action::RegionalIssueRead)
                    .resource(id)
                    .detail("stage_changes"),
            )?;
            Ok(changes)
        })
    }

    #[tracing::instrument(skip_all, fields(%issue_id))]
    pub fn add_measure(
        &self,
        ctx: &Ctx,
        issue_id: Uuid,
        input: MeasureInput,
    ) -> Result<Measure, DomainError> {
        self.guard(ctx, Action::RegionalMeasureCreate, Some(issue_id), || {
            let reach = policy::region(&ctx.actor, true)?;
            self.reachable(reach, issue_id)?;
            let mut v = Validator::new();
            let title = v.check(values::text("title", &input.title, 1, TITLE_MAX));
            let owner = v.check(values::text("owner", &input.owner, 1, NAME_MAX));
            let due_on = match input.due_on.as_deref().filter(|d| !d.trim().is_empty()) {
                None => Some(None),
                Some(d) => v.check(values::date("due_on", d)).map(Some),
            };
            let status = match input.status.as_deref().filter(|s| !s.is_empty()) {
                None => Some(MeasureStatus::Planned),
                Some(s) => v.check(MeasureStatus::parse("status", s)),
            };
            let done_on = match input.done_on.as_deref().filter(|d| !d.trim().is_empty()) {
                None => Some(None),
                Some(d) => v.check(values::date("done_on", d)).map(Some),
            };
            let done_on = match (status, done_on) {
                (Some(s), Some(d)) => v.check(pdca::measure_done_on(s, d, self.today())),
                _ => None,
            };
            v.finish()?;
            let (Some(title), Some(owner), Some(due_on), Some(status), Some(done_on)) =
                (title, owner, due_on, status, done_on)
            else {
                return Err(missing());
            };
            let now = self.clock.now();
            let m = Measure {
                id: Uuid::now_v7(),
                issue_id,
                title,
                owner,
                due_on,
                status,
                done_on,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::RegionalMeasureCreate)
                .resource(m.id)
                .detail(format!("issue={issue_id}; status={}", status.as_str()));
            self.store.insert_measure(&m, &ev)?;
            Ok(m)
        })
    }

    #[tracing::instrument(skip_all, fields(%issue_id, %id))]
    pub fn update_measure(
        &self,
        ctx: &Ctx,
        issue_id: Uuid,
        id: Uuid,
        if_match: IfMatch,
        input: MeasureUpdate,
    ) -> Result<Measure, DomainError> {
        self.guard(ctx, Action::RegionalMeasureUpdate, Some(id), || {
            let reach = policy::region(&ctx.actor, true)?;
            self.reachable(reach, issue_id)?;
            let current = self
                .store
                .measures(issue_id)?
                .into_iter()
                .find(|m| m.id == id)
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let mut m = current.clone();
            let mut v = Validator::new();
            if let Some(t) = input
                .title
                .as_deref()
                .and_then(|t| v.check(values::text("title", t, 1, TITLE_MAX)))
            {
                m.title = t;
            }
            if let Some(o) = input
                .owner
                .as_deref()
                .and_then(|o| v.check(values::text("owner", o, 1, NAME_MAX)))
            {
                m.owner = o;
            }
            match &input.due_on {
                Some(Some(d)) => {
                    if let Some(d) = v.check(values::date("due_on", d)) {
                        m.due_on = Some(d);
                    }
                }
                Some(None) => m.due_on = None,
                None => {}
            }
            let status_given = input.status.is_some();
            if let Some(s) = input
                .status
                .as_deref()
                .and_then(|s| v.check(MeasureStatus::parse("status", s)))
            {
                m.status = s;
            }
            // The completion day follows the status unless it is given.
            let done_on = match &input.done_on {
                Some(Some(d)) => v.check(values::date("done_on", d)).map(Some),
                Some(None) => Some(None),
                None if status_given => Some(None),
                None => Some(m.done_on),
            };
            if let Some(d) = done_on
                && let Some(d) = v.check(pdca::measure_done_on(m.status, d, self.today()))
            {
                m.done_on = d;
            }
            v.finish()?;
            m.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::RegionalMeasureUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("title", m.title != current.title),
                    ("owner", m.owner != current.owner),
                    ("due_on", m.due_on != current.due_on),
                    ("status", m.status != current.status),
                    ("done_on", m.done_on != current.done_on),
                ]));
            self.store.save_measure(&m, expected_version, &ev)
        })
    }

    /// Links a live figure to the issue, recording its value now as the "before".
    #[tracing::instrument(skip_all, fields(%issue_id))]
    pub fn link_figure(
        &self,
        ctx: &Ctx,
        issue_id: Uuid,
        input: FigureInput,
    ) -> Result<FigureReading, DomainError> {
        self.guard(ctx, Action::RegionalFigureLink, Some(issue_id), || {
            let reach = policy::region(&ctx.actor, true)?;
            let issue = self.reachable(reach, issue_id)?;
            let mut v = Validator::new();
            let kind = v.check(FigureKind::parse("kind", &input.kind));
            let parameter =
                kind.and_then(|k| v.check(figures::check_parameter(k, input.parameter.as_deref())));
            let label = v.check(values::text("label", &input.label, 1, TITLE_MAX));
            let target = v.check(values::optional_text(
                "target",
                input.target.as_deref(),
                NAME_MAX,
            ));
            v.finish()?;
            let (Some(kind), Some(parameter), Some(label), Some(target)) =
                (kind, parameter, label, target)
            else {
                return Err(missing());
            };
            let (value, fy) =
                self.read_figure(issue.administration_id, kind, parameter.as_deref(), None)?;
            let f = LinkedFigure {
                id: Uuid::now_v7(),
                issue_id,
                kind,
                parameter,
                label,
                baseline: value,
                baseline_fiscal_year: fy,
                target,
                created_at: self.clock.now(),
            };
            let ev = self
                .ev(ctx, Action::RegionalFigureLink)
                .resource(f.id)
                .detail(format!("issue={issue_id}; kind={}", kind.as_str()));
            self.store.insert_linked_figure(&f, &ev)?;
            Ok(FigureReading {
                figure: f,
                current: value,
                current_fiscal_year: fy,
            })
        })
    }

    #[tracing::instrument(skip_all, fields(%issue_id, %id))]
    pub fn unlink_figure(&self, ctx: &Ctx, issue_id: Uuid, id: Uuid) -> Result<(), DomainError> {
        self.guard(ctx, Action::RegionalFigureUnlink, Some(id), || {
            let reach = policy::region(&ctx.actor, true)?;
            self.reachable(reach, issue_id)?;
            let ev = self
                .ev(ctx, Action::RegionalFigureUnlink)
                .resource(id)
                .detail(format!("issue={issue_id}"));
            if self.store.delete_linked_figure(issue_id, id, &ev)? {
                Ok(())
            } else {
                Err(DomainError::NotFound)
            }
        })
    }

    #[tracing::instrument(skip_all, fields(%issue_id))]
    pub fn comments(&self, ctx: &Ctx, issue_id: Uuid) -> Result<Vec<IssueComment>, DomainError> {
        self.guard(ctx, Action::RegionalIssueRead, Some(issue_id), || {
            let reach = self.readers(ctx)?;
            self.readable(&reach, issue_id)?;
            let found = self.store.issue_comments(issue_id)?;
            self.log_access(
                self.ev(ctx, Action::RegionalIssueRead)
                    .resource(issue_id)
                    .detail("comments"),
            )?;
            Ok(found)
        })
    }

    #[tracing::instrument(skip_all, fields(%issue_id))]
    pub fn add_comment(
        &self,
        ctx: &Ctx,
        issue_id: Uuid,
        body: &str,
    ) -> Result<IssueComment, DomainError> {
        self.guard(ctx, Action::RegionalIssueComment, Some(issue_id), || {
            let reach = self.readers(ctx)?;
            self.readable(&reach, issue_id)?;
            policy::comment_regional_issue(&ctx.actor)?;
            let body = values::text("body", body, 1, NOTES_MAX)
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let c = IssueComment {
                id: Uuid::now_v7(),
                issue_id,
                author_id: ctx.actor.user_id,
                author_name: ctx.actor.display_name.clone(),
                body,
                created_at: self.clock.now(),
            };
            let ev = self
                .ev(ctx, Action::RegionalIssueComment)
                .resource(c.id)
                .detail(format!("issue={issue_id}"));
            self.store.insert_issue_comment(&c, &ev)?;
            Ok(c)
        })
    }

    /// The issues a meeting discussed (whoever reads the meeting reads the list).
    #[tracing::instrument(skip_all, fields(%meeting))]
    pub fn meeting_issues(
        &self,
        ctx: &Ctx,
        meeting: Uuid,
    ) -> Result<Vec<RegionalIssue>, DomainError> {
        self.guard(ctx, Action::RegionalIssueList, Some(meeting), || {
            let reach = self.readers(ctx)?;
            let m = self.store.meeting(meeting)?.ok_or(DomainError::NotFound)?;
            if !reach.covers(m.administration_id, m.council_id) {
                return Err(DomainError::NotFound);
            }
            let found = self.store.meeting_issues(meeting)?;
            self.log_list(
                ctx,
                Action::RegionalIssueList,
                &format!("meeting_id={meeting}"),
                found.len(),
            )?;
            Ok(found)
        })
    }

    /// Records which issues a meeting discussed (replacing the list): issues of the
    /// meeting's administration (422 `not_found` for any other).
    #[tracing::instrument(skip_all, fields(%meeting))]
    pub fn set_meeting_issues(
        &self,
        ctx: &Ctx,
        meeting: Uuid,
        issues: Vec<Uuid>,
    ) -> Result<Vec<RegionalIssue>, DomainError> {
        self.guard(ctx, Action::MeetingIssuesSet, Some(meeting), || {
            let reach = policy::region(&ctx.actor, true)?;
            let m = self
                .store
                .meeting(meeting)?
                .filter(|m| reach.covers(m.administration_id))
                .ok_or(DomainError::NotFound)?;
            let mut ids = issues;
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > 100 {
                return Err(DomainError::field(
                    "issue_ids",
                    "too_many",
                    "at most 100 issues per meeting",
                ));
            }
            for id in &ids {
                let same = self
                    .store
                    .regional_issue(*id)?
                    .is_some_and(|i| i.administration_id == m.administration_id);
                if !same {
                    return Err(DomainError::field(
                        "issue_ids",
                        "not_found",
                        "no issue of this administration has this id",
                    ));
                }
            }
            let ev = self
                .ev(ctx, Action::MeetingIssuesSet)
                .resource(meeting)
                .detail(format!("count={}", ids.len()));
            self.store.set_meeting_issues(meeting, &ids, &ev)?;
            self.store.meeting_issues(meeting)
        })
    }

    /// A figure's value for the administration's centers: yearly figures over `fiscal_year`
    /// (this one when `None`), the others as of today. Answers the value and its year.
    pub(crate) fn read_figure(
        &self,
        administration: Uuid,
        kind: FigureKind,
        parameter: Option<&str>,
        fiscal_year_of: Option<i32>,
    ) -> Result<(FigureValue, i32), DomainError> {
        read_figure(
            self.store.as_ref(),
            self.today(),
            administration,
            kind,
            parameter,
            fiscal_year_of,
        )
    }
}

/// See [`RegionalIssues::read_figure`]; also used by the publication.
pub(crate) fn read_figure(
    store: &dyn crate::ports::Store,
    today: NaiveDate,
    administration: Uuid,
    kind: FigureKind,
    parameter: Option<&str>,
    fiscal_year_of: Option<i32>,
) -> Result<(FigureValue, i32), DomainError> {
    let fy = fiscal_year_of.unwrap_or_else(|| fiscal_year(today));
    let period = Period::fiscal_year(fy)
        .ok_or_else(|| DomainError::Internal("fiscal year out of range".into()))?;
    let scope = ReportScope::Centers {
        prefecture_code: None,
        administration_id: Some(administration),
    };
    let param = parameter.unwrap_or_default();
    let value = match kind {
        FigureKind::ReferralsInformationOnlyShare => {
            let counts = store.referral_counts(&scope, period.from, period.to)?;
            figures::information_only_share(param, &counts)
        }
        FigureKind::ConsultationsOnTopic => {
            let dims = store.consultation_dims(&scope, period.from, period.to)?;
            figures::consultations_on_topic(param, &dims)
        }
        FigureKind::OverdueFollowUps => FigureValue::count(store.overdue_promised_follow_ups(
            &scope,
            today,
            Level::AccompaniedWithFollowUp,
        )?),
        FigureKind::OpenShomanNeeds => FigureValue::count(
            store.open_shoman_needs(&scope, parameter.and_then(NeedKind::from_db))?,
        ),
    };
    Ok((value, fy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::User;
    use crate::values::Role;

    fn user(role: Role, administration: Option<Uuid>, active: bool) -> User {
        let now = Utc::now();
        User {
            id: Uuid::now_v7(),
            center_id: None,
            administration_id: administration,
            login: "x".into(),
            display_name: "広島 保子".into(),
            role,
            active,
            totp_enabled: false,
            must_change_password: false,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_client_records_only_for_an_active_officer_of_its_administration() {
        let a = Uuid::now_v7();
        assert!(records_for(a, &user(Role::MunicipalOfficer, Some(a), true)));
        assert!(!records_for(
            a,
            &user(Role::MunicipalOfficer, Some(a), false)
        ));
        assert!(!records_for(
            a,
            &user(Role::MunicipalOfficer, Some(Uuid::now_v7()), true)
        ));
        assert!(!records_for(a, &user(Role::CouncilMember, None, true)));
        assert!(!records_for(a, &user(Role::SystemAdmin, None, true)));
    }
}
