//! The delivery worker's side of webhooks: claiming what is due, signing it, logging each
//! attempt, and announcing follow-ups that fell overdue.

use crate::error::DomainError;
use crate::platform::{self, AttemptResult, DeliveryJob};
use chrono::{DateTime, Duration, Utc};

/// The signed headers of a delivery sent at `at`: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature` (Standard Webhooks).
pub fn signed_headers(job: &DeliveryJob, at: DateTime<Utc>) -> Option<[(String, String); 3]> {
    let id = platform::message_id(job.delivery.id);
    let ts = at.timestamp();
    let sig = platform::sign(&job.secret, &id, ts, &job.delivery.payload)?;
    Some([
        ("webhook-id".into(), id),
        ("webhook-timestamp".into(), ts.to_string()),
        ("webhook-signature".into(), sig),
    ])
}

crate::facade!(
    /// The webhook delivery worker: `services.deliveries()`.
    Deliveries,
    deliveries
);

impl Deliveries<'_> {
    /// Deliveries due now, leased to the caller for `lease`.
    #[tracing::instrument(skip_all, fields(limit = limit, count = tracing::field::Empty))]
    pub fn claim(&self, limit: i64, lease: Duration) -> Result<Vec<DeliveryJob>, DomainError> {
        let now = self.clock.now();
        let jobs = self.store.claim_deliveries(now, now + lease, limit)?;
        tracing::Span::current().record("count", jobs.len());
        Ok(jobs)
    }

    /// The signed headers of a delivery sent now (see [`signed_headers`]); `None` when the
    /// subscription's secret cannot sign.
    pub fn signed_headers(&self, job: &DeliveryJob) -> Option<[(String, String); 3]> {
        signed_headers(job, self.clock.now())
    }

    /// Logs an attempt and schedules the next one (or gives up) by the backoff rule.
    #[tracing::instrument(skip_all, fields(delivery = %job.delivery.id, attempt = job.delivery.attempts + 1))]
    pub fn record_attempt(
        &self,
        job: &DeliveryJob,
        result: &AttemptResult,
    ) -> Result<(), DomainError> {
        let now = self.clock.now();
        let next = if result.succeeded() {
            None
        } else {
            platform::next_attempt(job.delivery.attempts + 1, now)
        };
        self.store
            .finish_delivery(job.delivery.id, now, result, next)
    }

    /// Queues `follow_up.overdue` for follow-ups that became overdue; returns how many.
    #[tracing::instrument(skip_all, fields(limit = limit))]
    pub fn announce_overdue(&self, limit: i64) -> Result<usize, DomainError> {
        self.store
            .announce_overdue(self.clock.today_tokyo(), self.clock.now(), limit)
    }
}
