use super::StoreResult;
use crate::platform::{AttemptResult, DeliveryJob};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The webhook worker's side of the outbox. Audited changes fill it in their own
/// transactions; this takes deliveries out and records how they went.
pub trait Outbox {
    /// Leases up to `limit` deliveries that are due at `now` until `lease_until`, so that of
    /// several workers (replicas) exactly one sends each.
    fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryJob>>;
    /// Logs an attempt and moves the delivery on: delivered, retried at `next_attempt_at`,
    /// or given up (`next_attempt_at` `None` after a failure).
    fn finish_delivery(
        &self,
        delivery_id: Uuid,
        at: DateTime<Utc>,
        result: &AttemptResult,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;
    /// Writes `follow_up.overdue` events for follow-ups that became overdue (due before
    /// `today`, not done or cancelled) in centers subscribed to it, each once; returns how
    /// many. At most `limit` per call.
    fn announce_overdue(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<usize>;
}
