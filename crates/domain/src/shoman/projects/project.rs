//! The optional projects a center runs: recorded, read, listed and changed.

use super::ShomanProjects;
use super::model::Project;
use super::rules;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::ports::ProjectFilter;
use crate::values::{self, ProjectKind};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ProjectInput {
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub partner: Option<String>,
}

/// Changes to a project; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct ProjectUpdate {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub started_on: Option<String>,
    pub ended_on: Option<Option<String>>,
    pub partner: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    pub kind: Option<String>,
    pub active: Option<bool>,
}

fn optional_date(
    v: &mut Validator,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<chrono::NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(d) => v.check(values::date(field, d)).map(Some),
    }
}

impl ShomanProjects<'_> {
    /// Records a project the center runs.
    #[tracing::instrument(name = "shoman_projects.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_project(&self, ctx: &Ctx, input: ProjectInput) -> Result<Project, DomainError> {
        self.guard(ctx, Action::ProjectCreate, None, || {
            let center = self.shoman_center(ctx, true)?;
            let mut v = Validator::new();
            let kind = v.check(ProjectKind::parse("kind", &input.kind));
            let name = v.check(values::name_text("name", &input.name, 1, NAME_MAX));
            let description = v
                .check(values::optional_prose(
                    "description",
                    input.description.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            let started_on = v.check(values::date("started_on", &input.started_on));
            let ended_on = optional_date(&mut v, "ended_on", input.ended_on.as_deref()).flatten();
            let partner = v
                .check(values::optional_text(
                    "partner",
                    input.partner.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            if let Some(s) = started_on {
                v.check(rules::project_period(s, ended_on));
            }
            v.finish()?;
            let (Some(kind), Some(name), Some(started_on)) = (kind, name, started_on) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let p = Project {
                id: Uuid::now_v7(),
                center_id: center,
                kind,
                name,
                description,
                started_on,
                ended_on,
                partner,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::ProjectCreate)
                .resource(p.id)
                .detail(format!("kind={}", kind.as_str()));
            self.store.insert_project(&p, &ev)
        })
    }

    /// Reads a project (it names no child).
    #[tracing::instrument(name = "shoman_projects.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn project(&self, ctx: &Ctx, id: Uuid) -> Result<Project, DomainError> {
        self.guard(ctx, Action::ProjectRead, Some(id), || {
            let center = self.shoman_center(ctx, false)?;
            let p = self.project_in(center, id)?;
            self.log_impersonal_read(self.ev(ctx, Action::ProjectRead).resource(id));
            Ok(p)
        })
    }

    /// The center's projects in creation order, by `kind` and whether `active` today
    /// (Asia/Tokyo: not ended before today).
    #[tracing::instrument(name = "shoman_projects.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn projects(
        &self,
        ctx: &Ctx,
        q: ProjectQuery,
        page: PageRequest,
    ) -> Result<Page<Project>, DomainError> {
        self.guard(ctx, Action::ProjectList, None, || {
            let center = self.shoman_center(ctx, false)?;
            let kind = q
                .kind
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|k| ProjectKind::parse("kind", k))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let filter = ProjectFilter {
                kind,
                active: q.active,
                today: self.today(),
            };
            let found = self.store.projects(center, &filter, page)?;
            let query: Vec<String> = [
                ("kind", kind.map(|k| k.as_str().to_owned())),
                ("active", q.active.map(|a| a.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_impersonal_read(self.ev(ctx, Action::ProjectList).detail(format!(
                "{}; count={}",
                query.join("; "),
                found.items.len()
            )));
            Ok(found)
        })
    }

    /// Changes a project (ends it with `ended_on`). A kind that no longer fits the activity
    /// of a session it held is refused (422 `activity_not_for_kind`).
    #[tracing::instrument(name = "shoman_projects.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_project(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: ProjectUpdate,
    ) -> Result<Project, DomainError> {
        self.guard(ctx, Action::ProjectUpdate, Some(id), || {
            let center = self.shoman_center(ctx, true)?;
            let current = self.project_in(center, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut p = current.clone();
            let mut v = Validator::new();
            if let Some(k) = input
                .kind
                .as_deref()
                .and_then(|k| v.check(ProjectKind::parse("kind", k)))
            {
                p.kind = k;
            }
            if let Some(n) = input
                .name
                .as_deref()
                .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX)))
            {
                p.name = n;
            }
            if let Some(d) = &input.description
                && let Some(d) = v.check(values::optional_prose(
                    "description",
                    d.as_deref(),
                    NOTES_MAX,
                ))
            {
                p.description = d;
            }
            if let Some(d) = input
                .started_on
                .as_deref()
                .and_then(|d| v.check(values::date("started_on", d)))
            {
                p.started_on = d;
            }
            if let Some(e) = &input.ended_on
                && let Some(e) = optional_date(&mut v, "ended_on", e.as_deref())
            {
                p.ended_on = e;
            }
            if let Some(x) = &input.partner
                && let Some(x) = v.check(values::optional_text("partner", x.as_deref(), NAME_MAX))
            {
                p.partner = x;
            }
            v.check(rules::project_period(p.started_on, p.ended_on));
            v.finish()?;
            if p.kind != current.kind {
                self.project_kind_fits_sessions(center, &p)?;
            }
            p.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::ProjectUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("kind", p.kind != current.kind),
                    ("name", p.name != current.name),
                    ("description", p.description != current.description),
                    ("started_on", p.started_on != current.started_on),
                    ("ended_on", p.ended_on != current.ended_on),
                    ("partner", p.partner != current.partner),
                ]));
            self.store.save_project(&p, expected_version, &ev)
        })
    }

    /// A project's new kind must still fit every session it held, or the figures would
    /// count a job-consultation meeting as respite care.
    fn project_kind_fits_sessions(&self, center: Uuid, p: &Project) -> Result<(), DomainError> {
        let mut req = PageRequest {
            limit: crate::page::MAX_LIMIT,
            ..PageRequest::default()
        };
        loop {
            let page = self.store.project_sessions(center, p.id, req.clone())?;
            for s in &page.items {
                rules::check_activity(p.kind, s.activity)?;
            }
            match (page.next_cursor, page.items.last()) {
                (Some(_), Some(last)) => req.after = Some(last.id),
                _ => return Ok(()),
            }
        }
    }
}
