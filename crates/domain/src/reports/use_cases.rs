//! Reading the reports: who may, whose records, and the read recorded in the trail.

use super::figures::{
    self, AwarenessReport, ConsultationReport, CooperationCounts, OutcomeRow, ReferralLevels,
};
use super::model::{Across, Period, ReportScope};
use super::shoman::{self, ShomanConsultationReport, ShomanPlanReport};
use crate::app::Ctx;
use crate::entities::Actor;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy::{self, ReportReach};
use crate::values::PrefectureCode;

/// Reports are for a center's supervisor or administrator, for an administration's
/// officer across its centers, or across centers for the system administrator; consultants
/// record, they do not report.
pub(crate) fn report_scope(actor: &Actor, across: Across<'_>) -> Result<ReportScope, DomainError> {
    let not_allowed = |field: &str| {
        Err(DomainError::field(
            field,
            "not_allowed",
            "only the system administrator chooses the centers a report covers",
        ))
    };
    match policy::report_reach(actor)? {
        ReportReach::All => {
            let prefecture_code = across
                .prefecture
                .map(|p| PrefectureCode::parse("prefecture_code", p).map(PrefectureCode::as_string))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            Ok(ReportScope::Centers {
                prefecture_code,
                administration_id: across.administration,
            })
        }
        ReportReach::Administration(own) => {
            if across.administration.is_some_and(|a| a != own) {
                // Another administration's figures do not exist for this officer.
                return Err(DomainError::NotFound);
            }
            if across.prefecture.is_some() {
                return not_allowed("prefecture_code");
            }
            Ok(ReportScope::Centers {
                prefecture_code: None,
                administration_id: Some(own),
            })
        }
        ReportReach::Center(c) => {
            if across.prefecture.is_some() {
                return not_allowed("prefecture_code");
            }
            if across.administration.is_some() {
                return not_allowed("administration_id");
            }
            Ok(ReportScope::Center(c))
        }
    }
}

/// What the trail records of a report read: the period and, across centers, which.
pub(crate) fn read_detail(period: &Period, scope: &ReportScope) -> String {
    let across = match scope {
        ReportScope::Center(_) => String::new(),
        ReportScope::Centers {
            prefecture_code,
            administration_id,
        } => match administration_id {
            Some(a) => format!("; administration={a}"),
            None => format!("; across={}", prefecture_code.as_deref().unwrap_or("all")),
        },
    };
    format!("from={}; to={}{across}", period.from, period.to)
}

crate::facade!(
    /// The ministry's reports: `services.reports()`.
    Reports,
    reports
);

impl Reports<'_> {
    /// Checks the caller and the period, computes the report, and logs it as read.
    fn read<T>(
        &self,
        ctx: &Ctx,
        action: Action,
        prefecture: crate::reports::Across<'_>,
        period: &Period,
        f: impl FnOnce(&ReportScope) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        self.guard(ctx, action, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            let out = f(&scope)?;
            // Totals only, never a patient: the report need not wait for its event.
            self.log_impersonal_read(self.ev(ctx, action).detail(read_detail(period, &scope)));
            Ok(out)
        })
    }

    /// 紹介の対応状況 (see [`figures::center_levels`], [`figures::centers_levels`]).
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn referral_levels(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ReferralLevels, DomainError> {
        self.read(
            ctx,
            Action::ReportReferralLevels,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_counts(scope, period.from, period.to)?;
                match scope {
                    ReportScope::Center(center) => Ok(figures::center_levels(*center, &counts)),
                    ReportScope::Centers { .. } => {
                        let centers = self.store.report_centers(scope)?;
                        Ok(figures::centers_levels(&centers, &counts))
                    }
                }
            },
        )
    }

    /// 連携件数 (see [`figures::center_cooperation`], [`figures::centers_cooperation`]).
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn cooperation_counts(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<CooperationCounts, DomainError> {
        self.read(
            ctx,
            Action::ReportCooperationCounts,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_counts(scope, period.from, period.to)?;
                Ok(match scope {
                    ReportScope::Center(center) => figures::center_cooperation(*center, &counts),
                    ReportScope::Centers { .. } => figures::centers_cooperation(&counts),
                })
            },
        )
    }

    /// Consultations by channel, requester, topic and month.
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn consultations(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ConsultationReport, DomainError> {
        self.read(
            ctx,
            Action::ReportConsultations,
            prefecture,
            period,
            |scope| {
                let dims = self
                    .store
                    .consultation_dims(scope, period.from, period.to)?;
                let days = self
                    .store
                    .consultation_days(scope, period.from, period.to)?;
                let distinct = self.store.consulted_patients(scope, period)?;
                Ok(figures::consultations(period, &dims, &days, distinct))
            },
        )
    }

    /// Employment outcomes per purpose and agency type.
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn employment_outcomes(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<Vec<OutcomeRow>, DomainError> {
        self.read(
            ctx,
            Action::ReportEmploymentOutcomes,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_outcomes(scope, period)?;
                Ok(figures::employment_outcomes(&counts))
            },
        )
    }

    /// Awareness of employment support among patients not working or seeking work.
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn support_awareness(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<AwarenessReport, DomainError> {
        self.read(
            ctx,
            Action::ReportSupportAwareness,
            prefecture,
            period,
            |scope| {
                let (from, to) = period.utc_range();
                let counts = self.store.support_awareness(scope, from, to)?;
                Ok(figures::support_awareness(&counts))
            },
        )
    }
}

impl Reports<'_> {
    /// 小慢 support plans: written, decided, reviewed on time, actions followed up (see
    /// [`shoman::shoman_plans`]).
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn shoman_plans(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ShomanPlanReport, DomainError> {
        self.read(
            ctx,
            Action::ReportShomanPlans,
            prefecture,
            period,
            |scope| {
                let facts = self.store.shoman_plan_facts(scope, period)?;
                Ok(shoman::shoman_plans(
                    &facts,
                    period.from,
                    period.to,
                    self.today(),
                ))
            },
        )
    }

    /// 小慢 consultations by menu kind (相談支援のメニュー) and requester.
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn shoman_consultations(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: crate::reports::Across<'_>,
    ) -> Result<ShomanConsultationReport, DomainError> {
        self.read(
            ctx,
            Action::ReportShomanConsultations,
            prefecture,
            period,
            |scope| {
                let (from, to) = period.utc_range();
                let counts = self.store.shoman_consultations(scope, from, to)?;
                Ok(shoman::shoman_consultations(&counts))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_report_read_names_its_period_and_reach() {
        let p = Period::fiscal_year(2025).unwrap();
        assert_eq!(
            read_detail(&p, &ReportScope::Center(Uuid::now_v7())),
            "from=2025-04-01; to=2026-03-31"
        );
        assert_eq!(
            read_detail(
                &p,
                &ReportScope::Centers {
                    prefecture_code: None,
                    administration_id: None,
                }
            ),
            "from=2025-04-01; to=2026-03-31; across=all"
        );
        assert_eq!(
            read_detail(
                &p,
                &ReportScope::Centers {
                    prefecture_code: Some("34".into()),
                    administration_id: None,
                }
            ),
            "from=2025-04-01; to=2026-03-31; across=34"
        );
        let a = Uuid::now_v7();
        assert_eq!(
            read_detail(
                &p,
                &ReportScope::Centers {
                    prefecture_code: None,
                    administration_id: Some(a),
                }
            ),
            format!("from=2025-04-01; to=2026-03-31; administration={a}")
        );
    }
}
