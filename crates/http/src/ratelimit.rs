//! Rate limits per person and per API client: a token bucket each (GCRA, from the MIT/Apache
//! `governor` crate) that refills evenly over a minute. The answer carries the IETF
//! `RateLimit-Policy` and `RateLimit` headers; over the limit it is 429 with `Retry-After`.
//!
//! Buckets live in this process: with several replicas behind a load balancer each counts
//! on its own, so the effective limit is the configured one times the replicas in use.

use crate::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use governor::clock::Clock as GovernorClock;
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tsunagu_domain::Clock;
use uuid::Uuid;

/// Requests per minute; `0` turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    pub user_per_minute: u32,
    pub client_per_minute: u32,
    /// Requests to one agency link (its page and its answer) a minute.
    pub agency_link_per_minute: u32,
    /// Requests to agency links from one address a minute, whatever the token: guessing
    /// tokens from one place is slowed down to nothing.
    pub agency_ip_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        // A person clicking through screens makes a few requests a second at most; a sync
        // job paging through lists a few more. Both far below what hurts the database.
        Self {
            user_per_minute: 600,
            client_per_minute: 600,
            // An officer opens the page and answers once; a reload or two on top.
            agency_link_per_minute: 10,
            agency_ip_per_minute: 30,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Client,
    /// One agency link, keyed by its token's hash.
    AgencyLink,
    /// One address calling agency links.
    AgencyIp,
}

impl Kind {
    fn policy(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Client => "client",
            Self::AgencyLink => "agency_link",
            Self::AgencyIp => "agency_ip",
        }
    }
}

/// A bucket key for something that is not an id (a token, an address): the first 128 bits
/// of its SHA-256, so the map never holds the token or the address itself.
pub fn key_of(kind: &str, value: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let d = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update(b"\n")
        .chain_update(value.as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    Uuid::from_bytes(b)
}

/// The domain's clock as governor's: nanoseconds since the epoch. Tests move the domain's
/// clock and the buckets refill accordingly.
#[derive(Clone)]
struct DomainClock(Arc<dyn Clock>);

impl GovernorClock for DomainClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let n = self.0.now().timestamp_nanos_opt().unwrap_or(0);
        Nanos::from(u64::try_from(n).unwrap_or(0))
    }
}

type Limiter = RateLimiter<Uuid, DashMapStateStore<Uuid>, DomainClock, StateInformationMiddleware>;

struct Bucket {
    per_minute: u32,
    limiter: Limiter,
    clock: DomainClock,
}

/// The outcome of one check, kept on the request so the response can carry the headers.
#[derive(Debug, Clone)]
pub struct Verdict {
    policy: &'static str,
    limit: u32,
    remaining: u32,
    /// Seconds until the bucket is full again (allowed) or one request fits (refused).
    reset_secs: u64,
    allowed: bool,
}

impl Verdict {
    fn headers(&self) -> [(HeaderName, String); 2] {
        [
            (
                HeaderName::from_static("ratelimit-policy"),
                format!("\"{}\";q={};w=60", self.policy, self.limit),
            ),
            (
                HeaderName::from_static("ratelimit"),
                format!(
                    "\"{}\";r={};t={}",
                    self.policy, self.remaining, self.reset_secs
                ),
            ),
        ]
    }

    /// Adds the headers to a response.
    pub fn apply(&self, h: &mut HeaderMap) {
        for (name, value) in self.headers() {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.allowed {
            return Ok(());
        }
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
        )
        .detail(format!(
            "at most {} requests a minute; try again in {} s",
            self.limit, self.reset_secs
        ))
        .header(header::RETRY_AFTER, self.reset_secs.to_string());
        for (name, value) in self.headers() {
            e = e.header(name, value);
        }
        Err(e)
    }
}

/// Both limiters. Cheap to share.
pub struct RateLimits {
    user: Option<Bucket>,
    client: Option<Bucket>,
    agency_link: Option<Bucket>,
    agency_ip: Option<Bucket>,
    checks: AtomicU64,
}

impl RateLimits {
    pub fn new(cfg: RateLimitConfig, clock: Arc<dyn Clock>) -> Self {
        let bucket = |per_minute: u32| {
            NonZeroU32::new(per_minute).map(|n| Bucket {
                per_minute,
                clock: DomainClock(clock.clone()),
                limiter: RateLimiter::<_, _, _, StateInformationMiddleware>::new(
                    Quota::per_minute(n),
                    DashMapStateStore::default(),
                    DomainClock(clock.clone()),
                ),
            })
        };
        Self {
            user: bucket(cfg.user_per_minute),
            client: bucket(cfg.client_per_minute),
            agency_link: bucket(cfg.agency_link_per_minute),
            agency_ip: bucket(cfg.agency_ip_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from the caller's bucket. A limit that is off always allows (and
    /// adds no headers).
    pub fn check(&self, kind: Kind, key: Uuid) -> Option<Verdict> {
        let b = match kind {
            Kind::User => self.user.as_ref(),
            Kind::Client => self.client.as_ref(),
            Kind::AgencyLink => self.agency_link.as_ref(),
            Kind::AgencyIp => self.agency_ip.as_ref(),
        }?;
        // Forget idle callers now and then, so the map does not grow without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            b.limiter.retain_recent();
        }
        let per_token_secs = 60.0 / f64::from(b.per_minute);
        Some(match b.limiter.check_key(&key) {
            Ok(snap) => {
                let remaining = snap.remaining_burst_capacity();
                let used = b.per_minute.saturating_sub(remaining);
                Verdict {
                    policy: kind.policy(),
                    limit: b.per_minute,
                    remaining,
                    reset_secs: (f64::from(used) * per_token_secs).ceil() as u64,
                    allowed: true,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(GovernorClock::now(&b.clock));
                Verdict {
                    policy: kind.policy(),
                    limit: b.per_minute,
                    remaining: 0,
                    reset_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                    allowed: false,
                }
            }
        })
    }
}
