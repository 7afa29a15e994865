//! The PDCA register of regional issues: the issues, their stage history, measures, linked
//! figures and comments, and the meetings that discussed them.

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, opt_choice, opt_uuid, utc, uuid};
use crate::schema::{
    councils, meeting_issues, meetings, regional_issue_comments, regional_issue_figures,
    regional_issue_measures, regional_issue_stage_changes, regional_issues, users,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{IssueFilter, RegionalIssueStore, StoreResult};
use tsunagu_domain::regional::figures::FigureValue;
use tsunagu_domain::regional::issues::{
    IssueComment, IssueMeeting, LinkedFigure, Measure, RegionalIssue, StageChange,
};
use tsunagu_domain::values::{FigureKind, IssueCategory, IssueStage, MeasureStatus};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = regional_issues)]
struct IssueRow {
    id: String,
    administration_id: String,
    council_id: Option<String>,
    title: String,
    description: String,
    category: String,
    evidence: String,
    stage: String,
    evaluation: String,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl IssueRow {
    fn from_entity(i: &RegionalIssue) -> Self {
        Self {
            id: i.id.to_string(),
            administration_id: i.administration_id.to_string(),
            council_id: i.council_id.map(|c| c.to_string()),
            title: i.title.clone(),
            description: i.description.clone(),
            category: i.category.as_str().to_owned(),
            evidence: i.evidence.clone(),
            stage: i.stage.as_str().to_owned(),
            evaluation: i.evaluation.clone(),
            created_by: i.created_by.to_string(),
            version: i.version,
            created_at: naive(i.created_at),
            updated_at: naive(i.updated_at),
        }
    }

    fn into_entity(self) -> Result<RegionalIssue, DomainError> {
        Ok(RegionalIssue {
            id: uuid("regional_issues.id", &self.id)?,
            administration_id: uuid("regional_issues.administration_id", &self.administration_id)?,
            council_id: opt_uuid("regional_issues.council_id", self.council_id.as_deref())?,
            title: self.title,
            description: self.description,
            category: choice(
                "regional_issues.category",
                IssueCategory::from_db(&self.category),
            )?,
            evidence: self.evidence,
            stage: choice("regional_issues.stage", IssueStage::from_db(&self.stage))?,
            evaluation: self.evaluation,
            created_by: uuid("regional_issues.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = regional_issue_stage_changes)]
struct StageChangeRow {
    id: String,
    issue_id: String,
    from_stage: Option<String>,
    to_stage: String,
    reason: String,
    changed_by: String,
    changed_at: NaiveDateTime,
}

impl StageChangeRow {
    fn from_entity(s: &StageChange) -> Self {
        Self {
            id: s.id.to_string(),
            issue_id: s.issue_id.to_string(),
            from_stage: s.from_stage.map(|x| x.as_str().to_owned()),
            to_stage: s.to_stage.as_str().to_owned(),
            reason: s.reason.clone(),
            changed_by: s.changed_by.to_string(),
            changed_at: naive(s.changed_at),
        }
    }

    fn into_entity(self) -> Result<StageChange, DomainError> {
        Ok(StageChange {
            id: uuid("regional_issue_stage_changes.id", &self.id)?,
            issue_id: uuid("regional_issue_stage_changes.issue_id", &self.issue_id)?,
            from_stage: opt_choice(
                "regional_issue_stage_changes.from_stage",
                self.from_stage.as_deref(),
                IssueStage::from_db,
            )?,
            to_stage: choice(
                "regional_issue_stage_changes.to_stage",
                IssueStage::from_db(&self.to_stage),
            )?,
            reason: self.reason,
            changed_by: uuid("regional_issue_stage_changes.changed_by", &self.changed_by)?,
            changed_by_name: None,
            changed_at: utc(self.changed_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = regional_issue_measures)]
struct MeasureRow {
    id: String,
    issue_id: String,
    title: String,
    owner: String,
    due_on: Option<NaiveDate>,
    status: String,
    done_on: Option<NaiveDate>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl MeasureRow {
    fn from_entity(m: &Measure) -> Self {
        Self {
            id: m.id.to_string(),
            issue_id: m.issue_id.to_string(),
            title: m.title.clone(),
            owner: m.owner.clone(),
            due_on: m.due_on,
            status: m.status.as_str().to_owned(),
            done_on: m.done_on,
            version: m.version,
            created_at: naive(m.created_at),
            updated_at: naive(m.updated_at),
        }
    }

    fn into_entity(self) -> Result<Measure, DomainError> {
        Ok(Measure {
            id: uuid("regional_issue_measures.id", &self.id)?,
            issue_id: uuid("regional_issue_measures.issue_id", &self.issue_id)?,
            title: self.title,
            owner: self.owner,
            due_on: self.due_on,
            status: choice(
                "regional_issue_measures.status",
                MeasureStatus::from_db(&self.status),
            )?,
            done_on: self.done_on,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = regional_issue_figures)]
pub(crate) struct FigureRow {
    id: String,
    issue_id: String,
    kind: String,
    parameter: Option<String>,
    label: String,
    baseline_numerator: i64,
    baseline_denominator: Option<i64>,
    baseline_fiscal_year: i32,
    target: Option<String>,
    created_at: NaiveDateTime,
}

impl FigureRow {
    fn from_entity(f: &LinkedFigure) -> Self {
        Self {
            id: f.id.to_string(),
            issue_id: f.issue_id.to_string(),
            kind: f.kind.as_str().to_owned(),
            parameter: f.parameter.clone(),
            label: f.label.clone(),
            baseline_numerator: f.baseline.numerator,
            baseline_denominator: f.baseline.denominator,
            baseline_fiscal_year: f.baseline_fiscal_year,
            target: f.target.clone(),
            created_at: naive(f.created_at),
        }
    }

    pub(crate) fn into_entity(self) -> Result<LinkedFigure, DomainError> {
        Ok(LinkedFigure {
            id: uuid("regional_issue_figures.id", &self.id)?,
            issue_id: uuid("regional_issue_figures.issue_id", &self.issue_id)?,
            kind: choice(
                "regional_issue_figures.kind",
                FigureKind::from_db(&self.kind),
            )?,
            parameter: self.parameter,
            label: self.label,
            baseline: FigureValue {
                numerator: self.baseline_numerator,
                denominator: self.baseline_denominator,
            },
            baseline_fiscal_year: self.baseline_fiscal_year,
            target: self.target,
            created_at: utc(self.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = regional_issue_comments)]
struct CommentRow {
    id: String,
    issue_id: String,
    author_id: String,
    author_name: String,
    body: String,
    created_at: NaiveDateTime,
}

fn issue(c: &mut crate::db::DbConn, id: &str) -> R<Option<RegionalIssue>> {
    let row: Option<IssueRow> = regional_issues::table
        .find(id)
        .select(IssueRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(IssueRow::into_entity).transpose()?)
}

fn measures_of(c: &mut crate::db::DbConn, issue: &str) -> R<Vec<Measure>> {
    let rows: Vec<MeasureRow> = regional_issue_measures::table
        .filter(regional_issue_measures::issue_id.eq(issue))
        .order(regional_issue_measures::id.asc())
        .select(MeasureRow::as_select())
        .load(c)?;
    convert(rows, MeasureRow::into_entity)
}

impl RegionalIssueStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(%council))]
    fn council_administration(&self, council: Uuid) -> StoreResult<Option<Uuid>> {
        self.read(|c| {
            let a: Option<String> = councils::table
                .find(council.to_string())
                .select(councils::administration_id)
                .first(c)
                .optional()?;
            Ok(opt_uuid("councils.administration_id", a.as_deref())?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %i.id))]
    fn insert_regional_issue(
        &self,
        i: &RegionalIssue,
        first: &StageChange,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(regional_issues::table)
                .values(IssueRow::from_entity(i))
                .execute(c)?;
            diesel::insert_into(regional_issue_stage_changes::table)
                .values(StageChangeRow::from_entity(first))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn regional_issue(&self, id: Uuid) -> StoreResult<Option<RegionalIssue>> {
        self.read(|c| issue(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn regional_issues(
        &self,
        administration: Option<Uuid>,
        filter: &IssueFilter,
        req: PageRequest,
    ) -> StoreResult<Page<RegionalIssue>> {
        self.read(|c| {
            use regional_issues::dsl as t;
            let mut q = t::regional_issues
                .filter(t::id.gt(after_key(&req)))
                .order(t::id.asc())
                .limit(req.limit + 1)
                .select(IssueRow::as_select())
                .into_boxed();
            if let Some(a) = administration {
                q = q.filter(t::administration_id.eq(a.to_string()));
            }
            if let Some(s) = filter.stage {
                q = q.filter(t::stage.eq(s.as_str()));
            }
            if let Some(cat) = filter.category {
                q = q.filter(t::category.eq(cat.as_str()));
            }
            if let Some(council) = filter.council_id {
                q = q.filter(t::council_id.eq(council.to_string()));
            }
            if let Some(councils) = &filter.councils {
                let ids: Vec<String> = councils.iter().map(Uuid::to_string).collect();
                q = q.filter(t::council_id.eq_any(ids));
            }
            let rows: Vec<IssueRow> = q.load(c)?;
            let items = convert(rows, IssueRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %i.id))]
    fn save_regional_issue(
        &self,
        i: &RegionalIssue,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<RegionalIssue> {
        self.write(|c| {
            use regional_issues::dsl as t;
            let row = IssueRow::from_entity(i);
            let n = diesel::update(
                t::regional_issues
                    .filter(t::id.eq(&row.id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::council_id.eq(&row.council_id),
                t::title.eq(&row.title),
                t::description.eq(&row.description),
                t::category.eq(&row.category),
                t::evidence.eq(&row.evidence),
                t::evaluation.eq(&row.evaluation),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(row.updated_at),
            ))
            .execute(c)?;
            if n == 0 {
                return Err(missing_or_stale(issue(c, &row.id)?.is_some()));
            }
            append_event(c, &self.keys, audit)?;
            issue(c, &row.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    fn change_issue_stage(
        &self,
        id: Uuid,
        expected_version: i32,
        change: &StageChange,
        audit: &AuditDraft,
    ) -> StoreResult<RegionalIssue> {
        self.write(|c| {
            use regional_issues::dsl as t;
            let key = id.to_string();
            let n = diesel::update(
                t::regional_issues
                    .filter(t::id.eq(&key))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::stage.eq(change.to_stage.as_str()),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(naive(change.changed_at)),
            ))
            .execute(c)?;
            if n == 0 {
                return Err(missing_or_stale(issue(c, &key)?.is_some()));
            }
            diesel::insert_into(regional_issue_stage_changes::table)
                .values(StageChangeRow::from_entity(change))
                .execute(c)?;
            append_event(c, &self.keys, audit)?;
            issue(c, &key)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn stage_changes(&self, id: Uuid) -> StoreResult<Vec<StageChange>> {
        self.read(|c| {
            use regional_issue_stage_changes::dsl as t;
            let rows: Vec<(StageChangeRow, String)> = t::regional_issue_stage_changes
                .inner_join(users::table.on(users::id.eq(t::changed_by)))
                .filter(t::issue_id.eq(id.to_string()))
                .order((t::changed_at.asc(), t::id.asc()))
                .select((StageChangeRow::as_select(), users::display_name))
                .load(c)?;
            let rows = rows
                .into_iter()
                .map(|(r, name)| {
                    r.into_entity().map(|mut e| {
                        e.changed_by_name = Some(name);
                        e
                    })
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            Ok(rows)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn measures(&self, id: Uuid) -> StoreResult<Vec<Measure>> {
        self.read(|c| measures_of(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn insert_measure(&self, m: &Measure, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(regional_issue_measures::table)
                .values(MeasureRow::from_entity(m))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn save_measure(
        &self,
        m: &Measure,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Measure> {
        self.write(|c| {
            use regional_issue_measures::dsl as t;
            let row = MeasureRow::from_entity(m);
            let n = diesel::update(
                t::regional_issue_measures
                    .filter(t::id.eq(&row.id))
                    .filter(t::issue_id.eq(&row.issue_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::title.eq(&row.title),
                t::owner.eq(&row.owner),
                t::due_on.eq(row.due_on),
                t::status.eq(&row.status),
                t::done_on.eq(row.done_on),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(row.updated_at),
            ))
            .execute(c)?;
            let find = |c: &mut crate::db::DbConn| -> R<Option<Measure>> {
                Ok(measures_of(c, &row.issue_id)?
                    .into_iter()
                    .find(|x| x.id == m.id))
            };
            if n == 0 {
                return Err(missing_or_stale(find(c)?.is_some()));
            }
            append_event(c, &self.keys, audit)?;
            find(c)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn linked_figures(&self, id: Uuid) -> StoreResult<Vec<LinkedFigure>> {
        self.read(|c| {
            use regional_issue_figures::dsl as t;
            let rows: Vec<FigureRow> = t::regional_issue_figures
                .filter(t::issue_id.eq(id.to_string()))
                .order(t::id.asc())
                .select(FigureRow::as_select())
                .load(c)?;
            convert(rows, FigureRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %f.id))]
    fn insert_linked_figure(&self, f: &LinkedFigure, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(regional_issue_figures::table)
                .values(FigureRow::from_entity(f))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn delete_linked_figure(&self, issue: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<bool> {
        self.write(|c| {
            use regional_issue_figures::dsl as t;
            let n = diesel::delete(
                t::regional_issue_figures
                    .filter(t::id.eq(id.to_string()))
                    .filter(t::issue_id.eq(issue.to_string())),
            )
            .execute(c)?;
            if n > 0 {
                append_event(c, &self.keys, audit)?;
            }
            Ok(n > 0)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn issue_comments(&self, id: Uuid) -> StoreResult<Vec<IssueComment>> {
        self.read(|c| {
            use regional_issue_comments::dsl as t;
            let rows: Vec<CommentRow> = t::regional_issue_comments
                .filter(t::issue_id.eq(id.to_string()))
                .order((t::created_at.asc(), t::id.asc()))
                .select(CommentRow::as_select())
                .load(c)?;
            convert(rows, |r| {
                Ok(IssueComment {
                    id: uuid("regional_issue_comments.id", &r.id)?,
                    issue_id: uuid("regional_issue_comments.issue_id", &r.issue_id)?,
                    author_id: uuid("regional_issue_comments.author_id", &r.author_id)?,
                    author_name: r.author_name,
                    body: r.body,
                    created_at: utc(r.created_at),
                })
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %cm.id))]
    fn insert_issue_comment(&self, cm: &IssueComment, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(regional_issue_comments::table)
                .values(CommentRow {
                    id: cm.id.to_string(),
                    issue_id: cm.issue_id.to_string(),
                    author_id: cm.author_id.to_string(),
                    author_name: cm.author_name.clone(),
                    body: cm.body.clone(),
                    created_at: naive(cm.created_at),
                })
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn issue_meetings(&self, id: Uuid) -> StoreResult<Vec<IssueMeeting>> {
        self.read(|c| {
            let rows: Vec<(String, String, NaiveDate, String)> = meeting_issues::table
                .inner_join(meetings::table.on(meetings::id.eq(meeting_issues::meeting_id)))
                .filter(meeting_issues::issue_id.eq(id.to_string()))
                .order((meetings::held_on.desc(), meetings::id.desc()))
                .select((
                    meetings::id,
                    meetings::council_id,
                    meetings::held_on,
                    meetings::title,
                ))
                .load(c)?;
            rows.into_iter()
                .map(|(m, council, held_on, title)| {
                    Ok(IssueMeeting {
                        meeting_id: uuid("meetings.id", &m)?,
                        council_id: uuid("meetings.council_id", &council)?,
                        held_on,
                        title,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%meeting))]
    fn meeting_issues(&self, meeting: Uuid) -> StoreResult<Vec<RegionalIssue>> {
        self.read(|c| {
            let rows: Vec<IssueRow> = regional_issues::table
                .inner_join(
                    meeting_issues::table.on(meeting_issues::issue_id.eq(regional_issues::id)),
                )
                .filter(meeting_issues::meeting_id.eq(meeting.to_string()))
                .order(regional_issues::id.asc())
                .select(IssueRow::as_select())
                .load(c)?;
            convert(rows, IssueRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%meeting))]
    fn set_meeting_issues(
        &self,
        meeting: Uuid,
        issues: &[Uuid],
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            let key = meeting.to_string();
            diesel::delete(meeting_issues::table.filter(meeting_issues::meeting_id.eq(&key)))
                .execute(c)?;
            // One row at a time: a multi-row insert is not portable across the backends.
            for i in issues {
                diesel::insert_into(meeting_issues::table)
                    .values((
                        meeting_issues::meeting_id.eq(&key),
                        meeting_issues::issue_id.eq(i.to_string()),
                    ))
                    .execute(c)?;
            }
            append_event(c, &self.keys, audit)
        })
    }
}
