//! The webhook delivery worker that runs inside `tsunagu serve`: it leases due deliveries
//! from the outbox, signs and sends them, and logs each attempt. Deliveries are leased in
//! the database, so several replicas can run it against one PostgreSQL and each delivery is
//! sent by one of them; a process that dies mid-send leaves a lease that lapses, and the
//! delivery is retried (receivers deduplicate by `webhook-id`).
//!
//! Where it sends is checked twice (see `tsunagu_domain::integrations::targets`): the URL
//! before each attempt (scheme, and the address when the host is one), and the addresses a
//! name resolves to, by the client's own resolver, which hands the connector only addresses
//! it checked — so a name that resolved to a public address at registration and to loopback
//! now (DNS rebinding) is refused, and the check and the connection see the same addresses.

use chrono::Duration as ChronoDuration;
use futures_util::future::LocalBoxFuture;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing::Instrument as _;
use tsunagu_domain::app::Services;
use tsunagu_domain::integrations::targets::{self, AllowHosts};
use tsunagu_domain::platform::{AttemptResult, DeliveryJob};

/// Deliveries sent at once.
const BATCH: i64 = 16;
/// A receiver must answer within this, by default (`TSUNAGU_WEBHOOK_TIMEOUT_MS`).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a worker holds the deliveries it claimed: far longer than a batch can take (its
/// sends run side by side, each cut off at `timeout`, then the attempts are recorded), so a
/// lease only lapses when its worker is gone — 2 minutes with the default timeout. A
/// delivery a dying process was sending is sent again once it has run out.
pub fn lease_for(timeout: Duration) -> ChronoDuration {
    ChronoDuration::from_std(timeout * 8).unwrap_or(ChronoDuration::seconds(120))
}
/// How often follow-ups are checked for having fallen overdue.
const OVERDUE_EVERY: Duration = Duration::from_secs(60);

pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(services: Services, poll: Duration, timeout: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("tsunagu-webhooks".into())
            .spawn(move || {
                // awc runs on actix's single-threaded runtime: its own, on its own thread.
                actix_web::rt::System::new().block_on(run(services, poll, timeout, flag));
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

async fn run(services: Services, poll: Duration, timeout: Duration, stop: Arc<AtomicBool>) {
    let lease = lease_for(timeout);
    let allow = Arc::new(services.webhook_allow_hosts().clone());
    let resolver = actix_tls::connect::Resolver::custom(CheckedResolver {
        allow: allow.clone(),
    });
    let connector =
        awc::Connector::new().connector(actix_tls::connect::Connector::new(resolver).service());
    let client = awc::Client::builder()
        .connector(connector)
        .timeout(timeout)
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
            match actix_web::rt::task::spawn_blocking(move || s.deliveries().claim(BATCH, lease))
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
            let allow = allow.clone();
            let span = tracing::info_span!(
                parent: &batch,
                "webhook_delivery",
                delivery_id = %job.delivery.id,
                webhook_id = %job.delivery.webhook_id,
                event_type = %job.delivery.event_type,
                attempt = job.delivery.attempts + 1,
            );
            async move {
                let result = send(&client, &services, &allow, &job).await;
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

/// The attempt of a delivery whose target is refused: no status, no time and a generic
/// text, so the log says nothing about what listens behind the address.
fn refused() -> AttemptResult {
    AttemptResult {
        status: None,
        error: Some(targets::REFUSED_TARGET.into()),
        duration_ms: 0,
    }
}

async fn send(
    client: &awc::Client,
    services: &Services,
    allow: &AllowHosts,
    job: &DeliveryJob,
) -> AttemptResult {
    if targets::check_delivery(&job.url, allow).is_err() {
        return refused();
    }
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
        Err(awc::error::SendRequestError::Connect(awc::error::ConnectError::Resolver(e)))
            if e.is::<RefusedTarget>() =>
        {
            refused()
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

/// The resolver's answer when a name resolves to an address that is not allowed.
#[derive(Debug)]
struct RefusedTarget;

impl std::fmt::Display for RefusedTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(targets::REFUSED_TARGET)
    }
}

impl std::error::Error for RefusedTarget {}

/// Resolves a webhook's host with the system resolver and lets the connection go ahead
/// only when every address is public (or the operator allowed the host); the connector
/// then connects to exactly these addresses.
struct CheckedResolver {
    allow: Arc<AllowHosts>,
}

impl actix_tls::connect::Resolve for CheckedResolver {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> LocalBoxFuture<'a, Result<Vec<SocketAddr>, Box<dyn std::error::Error>>> {
        Box::pin(async move {
            let addrs = lookup(host, port).await?;
            let ips: Vec<IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
            if targets::resolved_allowed(&self.allow, host, port, &ips) {
                Ok(addrs)
            } else {
                Err(Box::new(RefusedTarget) as Box<dyn std::error::Error>)
            }
        })
    }
}

/// The system resolver (getaddrinfo), off the event loop. An IPv6 literal arrives in its
/// brackets, as the URL has it.
async fn lookup(host: &str, port: u16) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error>> {
    let query = if host.starts_with('[') {
        format!("{host}:{port}")
    } else if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let addrs = actix_web::rt::task::spawn_blocking(move || {
        query.to_socket_addrs().map(Iterator::collect::<Vec<_>>)
    })
    .await??;
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_tls::connect::Resolve as _;

    /// A name that resolves to loopback is refused at connection time, whatever it was
    /// when registered; the operator's allow-list lets it through.
    #[actix_web::test]
    async fn the_resolver_refuses_names_that_resolve_inside() {
        let none = CheckedResolver {
            allow: Arc::new(AllowHosts::default()),
        };
        let err = none.lookup("localhost", 8080).await.unwrap_err();
        assert!(err.is::<RefusedTarget>());
        let err = none.lookup("[::1]", 8080).await.unwrap_err();
        assert!(err.is::<RefusedTarget>());
        let dev = CheckedResolver {
            allow: Arc::new(AllowHosts::parse("localhost").unwrap()),
        };
        let addrs = dev.lookup("localhost", 8080).await.unwrap();
        assert!(
            addrs
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
    }
}
