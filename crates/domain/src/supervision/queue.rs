//! The audit queue: what needs the supervisor's eye, most urgent first, each with its
//! reasons (see [`super::rules`]). The store finds and orders the queue by those rules so
//! only one page is ever loaded, however long the queue.

use super::rules::{self, QueueBounds, QueueFacts, QueueReason};
use crate::app::Ctx;
use crate::entities::QueueRow;
use crate::error::DomainError;
use crate::error::{FieldError, Validator};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::shoman::queue::{self as plan_queue, PlanQueue};
use crate::values::{self, AgencyType, Level, Program};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub row: QueueRow,
    /// Sorted, most urgent first.
    pub reasons: Vec<QueueReason>,
    /// Days the oldest open follow-up is overdue (0 when none is).
    pub days_overdue: i64,
}

/// A page of the queue, with the whole queue's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub items: Page<QueueItem>,
    pub total: i64,
    pub by_reason: Vec<(QueueReason, i64)>,
    /// 小慢 support plans needing the supervisor's eye, where the center runs `shoman`.
    pub plans: Option<PlanQueue>,
}

/// The supervisor's filters as they come (query strings), parsed by [`QueueFilter::parse`].
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    pub reason: Option<String>,
    pub level: Option<String>,
    pub consultant_id: Option<Uuid>,
    pub agency_type: Option<String>,
    /// Referred on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Referred on or before (YYYY-MM-DD).
    pub to: Option<String>,
}

/// What narrows the queue. `reason` keeps the referrals carrying that reason (among
/// others); the other filters narrow the referrals themselves. The counts per reason follow
/// every filter but `reason`, so each count says what choosing that reason would show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub reason: Option<QueueReason>,
    pub level: Option<Level>,
    pub consultant_id: Option<Uuid>,
    pub agency_type: Option<AgencyType>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl QueueFilter {
    pub fn parse(q: &QueueQuery) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
        };
        let reason = given(&q.reason).and_then(|r| v.check(QueueReason::parse("reason", &r)));
        let level = given(&q.level).and_then(|l| v.check(Level::parse("level", &l)));
        let agency_type =
            given(&q.agency_type).and_then(|t| v.check(AgencyType::parse("agency_type", &t)));
        let from = given(&q.from).and_then(|d| v.check(values::date("from", &d)));
        let to = given(&q.to).and_then(|d| v.check(values::date("to", &d)));
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            v.push(FieldError::new(
                "to",
                "before_from",
                "must not be before from",
            ));
        }
        v.finish()?;
        Ok(Self {
            reason,
            level,
            consultant_id: q.consultant_id,
            agency_type,
            from,
            to,
        })
    }
}

crate::facade!(
    /// The supervisor's audit queue: `services.audit_queue()`.
    AuditQueue,
    audit_queue
);

impl AuditQueue<'_> {
    /// A page of what needs the supervisor's eye, most urgent first, each with its reasons.
    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(
        &self,
        ctx: &Ctx,
        query: &QueueQuery,
        page: &PageRequest,
    ) -> Result<Queue, DomainError> {
        self.guard(ctx, Action::AuditQueueRead, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::Supervise)?;
            let filter = QueueFilter::parse(query)?;
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let bounds = QueueBounds::new(self.today(), c.escalation_days, c.sample_percent);
            let found = self.store.queue_page(center, &bounds, &filter, page)?;
            let items = found.rows.map(|row| QueueItem {
                reasons: rules::queue_reasons(
                    &QueueFacts::of(&row),
                    bounds.today,
                    bounds.escalate_before,
                    bounds.sample_percent,
                ),
                days_overdue: rules::days_overdue(row.earliest_open_due, bounds.today),
                row,
            });
            // The store applies these rules in SQL; a row it finds that the rules do not is a
            // disagreement between the two, worth a log line rather than a failed queue.
            if let Some(odd) = items.items.iter().find(|i| i.reasons.is_empty()) {
                tracing::warn!(referral = %odd.row.referral.id, "queued without a reason");
            }
            let plans = if c.programs.contains(&Program::Shoman) {
                let rows = self.store.plan_queue_candidates(center, bounds.today)?;
                Some(plan_queue::build(
                    rows,
                    bounds.today,
                    bounds.escalate_before,
                ))
            } else {
                None
            };
            tracing::Span::current().record("count", found.total);
            self.log_access(self.ev(ctx, Action::AuditQueueRead).detail(format!(
                "count={}; plans={}",
                items.items.len(),
                plans.as_ref().map_or(0, |p| p.items.len())
            )))?;
            Ok(Queue {
                items,
                total: found.total,
                by_reason: found.by_reason,
                plans,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> QueueQuery {
        QueueQuery::default()
    }

    #[test]
    fn filters_parse_or_say_which_field_is_wrong() {
        assert_eq!(QueueFilter::parse(&q()).unwrap(), QueueFilter::default());
        let f = QueueFilter::parse(&QueueQuery {
            reason: Some("follow_up_overdue".into()),
            level: Some("accompanied".into()),
            agency_type: Some(" hello_work ".into()),
            from: Some("2026-04-01".into()),
            to: Some("2026-04-01".into()),
            // Blank is the same as not given (an empty select in a form).
            ..q()
        })
        .unwrap();
        assert_eq!(f.reason, Some(QueueReason::FollowUpOverdue));
        assert_eq!(f.level, Some(Level::Accompanied));
        assert_eq!(f.agency_type, Some(AgencyType::HelloWork));
        assert_eq!(f.from, f.to);
        let blank = QueueFilter::parse(&QueueQuery {
            reason: Some(" ".into()),
            ..q()
        })
        .unwrap();
        assert_eq!(blank.reason, None);

        let err = QueueFilter::parse(&QueueQuery {
            reason: Some("urgent".into()),
            level: Some("5".into()),
            from: Some("2026-05-01".into()),
            to: Some("2026-04-01".into()),
            ..q()
        })
        .unwrap_err();
        let DomainError::Validation(fields) = err else {
            panic!("a validation error")
        };
        let got: Vec<(&str, &str)> = fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("reason", "invalid_choice"),
                ("level", "invalid_choice"),
                ("to", "before_from")
            ]
        );
    }
}
