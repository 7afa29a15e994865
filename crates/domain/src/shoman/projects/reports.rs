//! Reading the figures: who may (as for the ministry's reports: a center's supervisor or
//! administrator for their 小慢 center, the system administrator across 小慢 centers), and
//! the read recorded in the trail.

use super::ShomanProjects;
use super::figures::{self, ImplementationReport, NeedsReport, ProjectsReport};
use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::reports::use_cases::{read_detail, report_scope};
use crate::reports::{Period, ReportScope};
use crate::values::Program;

impl ShomanProjects<'_> {
    /// Checks the caller (and, for a center, that it runs `shoman`), computes the figures
    /// and logs the read; the figures name no one, so the read need not wait for its event.
    fn figures<T>(
        &self,
        ctx: &Ctx,
        action: Action,
        prefecture: crate::reports::Across<'_>,
        period: &Period,
        f: impl FnOnce(&ReportScope, i64) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        self.guard(ctx, action, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            if let ReportScope::Center(c) = scope {
                let center = self.store.center(c)?.ok_or(DomainError::NotFound)?;
                policy::program_offered(&center, Program::Shoman)?;
            }
            let centers = i64::try_from(self.store.shoman_centers(&scope)?.len()).unwrap_or(0);
            let out = f(&scope, centers)?;
            self.log_impersonal_read(self.ev(ctx, action).detail(read_detail(period, &scope)));
            Ok(out)
        })
    }

    /// Projects that ran in the period (started on or before its last day and not ended
    /// before its first) by kind; sessions held in it by kind and activity, with the
    /// children and family members who came.
    #[tracing::instrument(name = "shoman_projects.report_projects", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn projects_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ProjectsReport, DomainError> {
        self.figures(
            ctx,
            Action::ReportShomanProjects,
            prefecture,
            period,
            |scope, n| {
                let running = self.store.projects_running(scope, period.from, period.to)?;
                let sessions = self.store.session_counts(scope, period.from, period.to)?;
                Ok(figures::projects(*period, n, &running, &sessions))
            },
        )
    }

    /// Needs noted in the period by kind and their status now.
    #[tracing::instrument(name = "shoman_projects.report_needs", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn needs_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<NeedsReport, DomainError> {
        self.figures(
            ctx,
            Action::ReportShomanNeeds,
            prefecture,
            period,
            |scope, n| {
                let counts = self.store.need_counts(scope, period.from, period.to)?;
                Ok(figures::needs(*period, n, &counts))
            },
        )
    }

    /// 実施状況: for each 小慢 center, which kinds of project it ran in the period, with
    /// the number and share of centers running each kind.
    #[tracing::instrument(name = "shoman_projects.report_implementation", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn implementation_report(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ImplementationReport, DomainError> {
        self.figures(
            ctx,
            Action::ReportShomanImplementation,
            prefecture,
            period,
            |scope, _| {
                let centers = self.store.shoman_centers(scope)?;
                let running = self.store.projects_running(scope, period.from, period.to)?;
                Ok(figures::implementation(*period, &centers, &running))
            },
        )
    }
}
