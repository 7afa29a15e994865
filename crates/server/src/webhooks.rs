//! The webhook delivery worker that runs inside `tsunagu serve`: it leases due deliveries
//! from the outbox, signs and sends them, and logs each attempt. Deliveries are leased in
//! the database, so several replicas can run it against one PostgreSQL and each delivery is
//! sent by one of them; a process that dies mid-send leaves a lease that lapses, and the
//! delivery is retried (receivers deduplicate by `webhook-id`).

use chrono::Duration as ChronoDuration;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing::Instrument as _;
use tsunagu_domain::app::Services;
use tsunagu_domain::platform::{AttemptResult, DeliveryJob};

/// Deliveries sent at once.
const BATCH: i64 = 16;
/// A receiver must answer within this.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// Longer than a batch can take, so a lease only lapses when its worker is gone.
const LEASE: ChronoDuration = ChronoDuration::seconds(120);
/// How often follow-ups are checked for having fallen overdue.
const OVERDUE_EVERY: Duration = Duration::from_secs(60);

pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(services: Services, poll: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("tsunagu-webhooks".into())
            .spawn(move || {
                // awc runs on actix's single-threaded runtime: its own, on its own thread.
                actix_web::rt::System::new().block_on(run(services, poll, flag));
            })
            .map_err(|e| tracing::error!(error = %e, "cannot start the webhook worker"))
            .ok();
        Self { stop, thread }
    }

    /// Stops after the batch in hand.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

async fn run(services: Services, poll: Duration, stop: Arc<AtomicBool>) {
    let client = awc::Client::builder()
        .timeout(SEND_TIMEOUT)
        // A receiver's redirect is not followed: the subscription names where data goes.
        .max_redirects(0)
        .add_default_header((
            awc::http::header::USER_AGENT,
            concat!("tsunagu-webhooks/", env!("CARGO_PKG_VERSION")),
        ))
        .finish();
    let mut last_overdue: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        if last_overdue.is_none_or(|t| t.elapsed() >= OVERDUE_EVERY) {
            last_overdue = Some(Instant::now());
            let s = services.clone();
            match actix_web::rt::task::spawn_blocking(move || s.deliveries().announce_overdue(1000))
                .await
            {
                Ok(Ok(n)) if n > 0 => tracing::info!(events = n, "follow-ups fell overdue"),
                Ok(Err(e)) => tracing::warn!(error = %e, "cannot look for overdue follow-ups"),
                _ => {}
            }
        }
        let s = services.clone();
        let jobs =
            match actix_web::rt::task::spawn_blocking(move || s.deliveries().claim(BATCH, LEASE))
                .await
            {
                Ok(Ok(jobs)) => jobs,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "cannot read the webhook outbox");
                    Vec::new()
                }
                Err(_) => Vec::new(),
            };
        if jobs.is_empty() {
            // Idle: wait, waking often enough to stop promptly.
            let until = Instant::now() + poll;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                actix_web::rt::time::sleep(poll.min(Duration::from_millis(100))).await;
            }
            continue;
        }
        // Ids, counts and times only: never the URL (it may carry a token) or the payload.
        let batch = tracing::info_span!("webhook_batch", deliveries = jobs.len());
        let sends = jobs.into_iter().map(|job| {
            let client = client.clone();
            let services = services.clone();
            let span = tracing::info_span!(
                parent: &batch,
                "webhook_delivery",
                delivery_id = %job.delivery.id,
                webhook_id = %job.delivery.webhook_id,
                event_type = %job.delivery.event_type,
                attempt = job.delivery.attempts + 1,
            );
            async move {
                let result = send(&client, &services, &job).await;
                if result.succeeded() {
                    tracing::debug!(
                        status = result.status,
                        duration_ms = result.duration_ms,
                        "webhook delivered"
                    );
                } else {
                    tracing::info!(
                        status = result.status,
                        duration_ms = result.duration_ms,
                        "webhook attempt failed"
                    );
                }
                let s = services.clone();
                let outcome = actix_web::rt::task::spawn_blocking(move || {
                    s.deliveries().record_attempt(&job, &result)
                })
                .await;
                if !matches!(outcome, Ok(Ok(()))) {
                    tracing::warn!("cannot record a webhook attempt; it will be retried");
                }
            }
            .instrument(span)
        });
        futures_util::future::join_all(sends)
            .instrument(batch)
            .await;
    }
}

async fn send(client: &awc::Client, services: &Services, job: &DeliveryJob) -> AttemptResult {
    let started = Instant::now();
    let Some(headers) = services.deliveries().signed_headers(job) else {
        return AttemptResult {
            status: None,
            error: Some("the subscription's secret cannot be used to sign".into()),
            duration_ms: 0,
        };
    };
    let mut req = client
        .post(&job.url)
        .insert_header((awc::http::header::CONTENT_TYPE, "application/json"));
    for (k, v) in headers {
        req = req.insert_header((k, v));
    }
    let answer = req.send_body(job.delivery.payload.clone()).await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match answer {
        Ok(res) => {
            let status = i32::from(res.status().as_u16());
            AttemptResult {
                status: Some(status),
                error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
                duration_ms,
            }
        }
        Err(e) => {
            let mut msg = e.to_string();
            msg.truncate(500);
            AttemptResult {
                status: None,
                error: Some(msg),
                duration_ms,
            }
        }
    }
}
