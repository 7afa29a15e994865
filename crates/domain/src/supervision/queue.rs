//! The audit queue: what needs the supervisor's eye, most urgent first, each with its
//! reasons (see [`super::rules`]). The store finds and orders the queue by those rules so
//! only one page is ever loaded, however long the queue.

use super::rules::{self, QueueBounds, QueueFacts, QueueReason};
use crate::app::Ctx;
use crate::entities::QueueRow;
use crate::error::DomainError;
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::shoman::queue::{self as plan_queue, PlanQueue};
use crate::values::Program;

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

crate::facade!(
    /// The supervisor's audit queue: `services.audit_queue()`.
    AuditQueue,
    audit_queue
);

impl AuditQueue<'_> {
    /// A page of what needs the supervisor's eye, most urgent first, each with its reasons.
    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx, page: &PageRequest) -> Result<Queue, DomainError> {
        self.guard(ctx, Action::AuditQueueRead, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::Supervise)?;
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let bounds = QueueBounds::new(self.today(), c.escalation_days, c.sample_percent);
            let found = self.store.queue_page(center, &bounds, page)?;
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
