//! The audit queue: what needs the supervisor's eye, most urgent first, each with its
//! reasons (see [`super::rules`]).

use super::rules::{self, QueueFacts, QueueReason};
use crate::app::Ctx;
use crate::entities::QueueRow;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy::{self, Permission};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub row: QueueRow,
    /// Sorted, most urgent first.
    pub reasons: Vec<QueueReason>,
    /// Days the oldest open follow-up is overdue (0 when none is).
    pub days_overdue: i64,
}

crate::facade!(
    /// The supervisor's audit queue: `services.audit_queue()`.
    AuditQueue,
    audit_queue
);

impl AuditQueue<'_> {
    /// What needs the supervisor's eye, most urgent first, each with its reasons.
    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx) -> Result<Vec<QueueItem>, DomainError> {
        self.guard(ctx, Action::AuditQueueRead, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::Supervise)?;
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let today = self.today();
            let escalate_before = rules::escalate_before(today, c.escalation_days);
            let rows = self.store.queue_rows(
                center,
                escalate_before,
                rules::sample_since(today),
                c.sample_percent,
            )?;
            let mut items: Vec<QueueItem> = rows
                .into_iter()
                .filter_map(|row| {
                    let reasons = rules::queue_reasons(
                        &QueueFacts::of(&row),
                        today,
                        escalate_before,
                        c.sample_percent,
                    );
                    (!reasons.is_empty()).then(|| QueueItem {
                        days_overdue: rules::days_overdue(row.earliest_open_due, today),
                        row,
                        reasons,
                    })
                })
                .collect();
            items.sort_by_key(|i| {
                rules::queue_order(i.reasons[0], i.days_overdue, i.row.referral.referred_on)
            });
            tracing::Span::current().record("count", items.len());
            self.log_access(
                self.ev(ctx, Action::AuditQueueRead)
                    .detail(format!("count={}", items.len())),
            )?;
            Ok(items)
        })
    }
}
