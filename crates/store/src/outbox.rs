//! The outbox of webhook deliveries: rows written in the transaction of the change they
//! announce, then leased, sent and logged by the webhook worker. Nothing here writes to
//! the audit chain; the chain writes here (see [`crate::audit::append_events`]).

use crate::DieselStore;
use crate::db::DbConn;
use crate::error::R;
use crate::rows::{naive, utc, uuid};
use crate::schema::{follow_ups, webhook_attempts, webhook_deliveries, webhooks};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::platform::{self, AttemptResult, Delivery, DeliveryJob, OutboundEvent};
use tsunagu_domain::ports::{Outbox, StoreResult};
use uuid::Uuid;

/// A delivery as read: (id, webhook, center, event, payload, state, attempts, next attempt,
/// last status, last error, created, delivered).
pub(crate) type DeliveryTuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

macro_rules! delivery_columns {
    () => {
        (
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhook_deliveries::center_id,
            webhook_deliveries::event_type,
            webhook_deliveries::payload,
            webhook_deliveries::state,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::last_status,
            webhook_deliveries::last_error,
            webhook_deliveries::created_at,
            webhook_deliveries::delivered_at,
        )
    };
}
pub(crate) use delivery_columns;

pub(crate) fn delivery(t: DeliveryTuple) -> Result<Delivery, DomainError> {
    Ok(Delivery {
        id: uuid("webhook_deliveries.id", &t.0)?,
        webhook_id: uuid("webhook_deliveries.webhook_id", &t.1)?,
        center_id: uuid("webhook_deliveries.center_id", &t.2)?,
        event_type: t.3,
        payload: t.4,
        state: t.5,
        attempts: t.6,
        next_attempt_at: t.7.map(utc),
        last_status: t.8,
        last_error: t.9,
        created_at: utc(t.10),
        delivered_at: t.11.map(utc),
        log: Vec::new(),
    })
}

/// Writes the event to the outbox of every active subscription of its center that wants
/// it. Runs inside the transaction of the change the event announces.
pub(crate) fn enqueue(c: &mut DbConn, e: &OutboundEvent, now: DateTime<Utc>) -> R<usize> {
    let subs: Vec<(String, String)> = webhooks::table
        .filter(webhooks::center_id.eq(e.center_id.to_string()))
        .filter(webhooks::active.eq(true))
        .select((webhooks::id, webhooks::events))
        .load(c)?;
    let mut n = 0;
    for (id, events) in subs {
        if !events.split(' ').any(|x| x == e.event_type) {
            continue;
        }
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(Uuid::now_v7().to_string()),
                webhook_deliveries::webhook_id.eq(id),
                webhook_deliveries::center_id.eq(e.center_id.to_string()),
                webhook_deliveries::event_type.eq(e.event_type),
                webhook_deliveries::payload.eq(&e.payload),
                webhook_deliveries::state.eq("pending"),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(Some(naive(now))),
                webhook_deliveries::created_at.eq(naive(now)),
            ))
            .execute(c)?;
        n += 1;
    }
    Ok(n)
}

impl Outbox for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
    fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryJob>> {
        self.write(|c| {
            let now_n = naive(now);
            let free = || {
                webhook_deliveries::locked_until
                    .is_null()
                    .or(webhook_deliveries::locked_until.lt(now_n))
            };
            let candidates: Vec<String> = webhook_deliveries::table
                .filter(webhook_deliveries::state.eq("pending"))
                .filter(webhook_deliveries::next_attempt_at.le(now_n))
                .filter(free())
                .order(webhook_deliveries::next_attempt_at.asc())
                .limit(limit)
                .select(webhook_deliveries::id)
                .load(c)?;
            let mut jobs = Vec::new();
            for id in candidates {
                // Re-checked under the row's lock: of two replicas racing for it, one updates it.
                let won = diesel::update(
                    webhook_deliveries::table
                        .filter(webhook_deliveries::id.eq(&id))
                        .filter(webhook_deliveries::state.eq("pending"))
                        .filter(free()),
                )
                .set(webhook_deliveries::locked_until.eq(Some(naive(lease_until))))
                .execute(c)?;
                if won == 0 {
                    continue;
                }
                let (t, url, hook, secret): (DeliveryTuple, String, String, String) =
                    webhook_deliveries::table
                        .inner_join(webhooks::table)
                        .filter(webhook_deliveries::id.eq(&id))
                        .select((
                            delivery_columns!(),
                            webhooks::url,
                            webhooks::id,
                            webhooks::secret,
                        ))
                        .first(c)?;
                let secret = self.open(&crate::sealed::webhook_context(&hook), &secret)?;
                jobs.push(DeliveryJob {
                    delivery: delivery(t)?,
                    url,
                    secret,
                });
            }
            Ok(jobs)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(delivery = %delivery_id))]
    fn finish_delivery(
        &self,
        delivery_id: Uuid,
        at: DateTime<Utc>,
        result: &AttemptResult,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        self.write(|c| {
            let key = delivery_id.to_string();
            diesel::insert_into(webhook_attempts::table)
                .values((
                    webhook_attempts::id.eq(Uuid::now_v7().to_string()),
                    webhook_attempts::delivery_id.eq(&key),
                    webhook_attempts::attempted_at.eq(naive(at)),
                    webhook_attempts::status.eq(result.status),
                    webhook_attempts::error.eq(&result.error),
                    webhook_attempts::duration_ms.eq(result.duration_ms),
                ))
                .execute(c)?;
            let (state, delivered_at) = if result.succeeded() {
                ("delivered", Some(naive(at)))
            } else if next_attempt_at.is_some() {
                ("pending", None)
            } else {
                ("failed", None)
            };
            diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq(&key)))
                .set((
                    webhook_deliveries::state.eq(state),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                    webhook_deliveries::next_attempt_at.eq(next_attempt_at.map(naive)),
                    webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::last_status.eq(result.status),
                    webhook_deliveries::last_error.eq(&result.error),
                    webhook_deliveries::delivered_at.eq(delivered_at),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%today, limit = limit))]
    fn announce_overdue(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<usize> {
        self.write(|c| {
            // Only centers that listen, and only follow-ups that fell overdue since they
            // started listening: subscribing does not replay years of history.
            let subs: Vec<(String, String, NaiveDateTime)> = webhooks::table
                .filter(webhooks::active.eq(true))
                .select((webhooks::center_id, webhooks::events, webhooks::created_at))
                .load(c)?;
            let mut since: HashMap<String, NaiveDate> = HashMap::new();
            for (center, events, created) in subs {
                if events.split(' ').any(|e| e == "follow_up.overdue") {
                    let d = tsunagu_domain::clock::tokyo_date(utc(created)) - Duration::days(1);
                    since
                        .entry(center)
                        .and_modify(|x| *x = (*x).min(d))
                        .or_insert(d);
                }
            }
            let mut n = 0usize;
            for (center, from) in since {
                let left = limit - i64::try_from(n).unwrap_or(i64::MAX);
                if left <= 0 {
                    break;
                }
                let rows: Vec<(String, String, String)> = follow_ups::table
                    .filter(follow_ups::center_id.eq(&center))
                    .filter(follow_ups::done_on.is_null())
                    .filter(follow_ups::cancelled_on.is_null())
                    .filter(follow_ups::overdue_announced_at.is_null())
                    .filter(follow_ups::due_on.lt(today))
                    .filter(follow_ups::due_on.ge(from))
                    .order(follow_ups::due_on.asc())
                    .limit(left)
                    .select((
                        follow_ups::id,
                        follow_ups::referral_id,
                        follow_ups::patient_id,
                    ))
                    .load(c)?;
                let center_id = uuid("follow_ups.center_id", &center)?;
                for (id, referral, patient) in rows {
                    let won = diesel::update(
                        follow_ups::table
                            .filter(follow_ups::id.eq(&id))
                            .filter(follow_ups::overdue_announced_at.is_null()),
                    )
                    .set(follow_ups::overdue_announced_at.eq(Some(naive(now))))
                    .execute(c)?;
                    if won == 1 {
                        let e = platform::overdue_event(
                            center_id,
                            uuid("follow_ups.id", &id)?,
                            uuid("follow_ups.referral_id", &referral)?,
                            uuid("follow_ups.patient_id", &patient)?,
                            now,
                        );
                        enqueue(c, &e, now)?;
                        n += 1;
                    }
                }
            }
            Ok(n)
        })
    }
}
