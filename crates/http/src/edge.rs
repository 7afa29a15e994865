//! What every response passes through: a request id, problem+json for errors that actix
//! produced on its own, security and caching headers, CORS for an allow-list, a log line
//! (method, route pattern, status, time — never a query string, body or token) and metrics.

use crate::AppState;
use crate::auth::RequestId;
use crate::problem::{ApiError, PROBLEM_JSON};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::time::Instant;

/// The Prometheus text format's media type, for `GET /metrics`.
pub const METRICS_CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Upper bounds of the request-duration buckets, in seconds: Prometheus's customary ones.
const DURATION_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What `/metrics` reports: responses by status class and the time spent answering them.
pub struct Metrics {
    registry: Registry,
    /// The 2xx, 3xx, 4xx and 5xx counters of `tsunagu_http_requests_total`, held so that
    /// counting a response takes no lock.
    by_class: [Counter; 4],
    duration: Histogram,
    /// Follows the store's own count (see [`Metrics::render`]).
    statements: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tsunagu_http");
        let requests = Family::<[(&'static str, &'static str); 1], Counter>::default();
        // Every class is there from the start, so a scrape sees zeros rather than nothing.
        let by_class =
            ["2xx", "3xx", "4xx", "5xx"].map(|c| requests.get_or_create(&[("class", c)]).clone());
        registry.register("requests", "HTTP responses by status class", requests);
        let duration = Histogram::new(DURATION_BUCKETS);
        registry.register_with_unit(
            "request_duration",
            "Time spent answering requests",
            Unit::Seconds,
            duration.clone(),
        );
        let statements = Counter::default();
        registry.register(
            "database_statements",
            "Statements sent to the database by this process",
            statements.clone(),
        );
        Self {
            registry,
            by_class,
            duration,
            statements,
        }
    }
}

impl Metrics {
    fn observe(&self, status: StatusCode, seconds: f64) {
        let class = match status.as_u16() {
            200..=299 => 0,
            300..=399 => 1,
            400..=499 => 2,
            _ => 3,
        };
        self.by_class[class].inc();
        self.duration.observe(seconds);
    }

    /// The Prometheus text format (version 0.0.4); `statements_sent` is the store's count.
    pub fn render(&self, statements_sent: u64) -> String {
        self.statements
            .inc_by(statements_sent.saturating_sub(self.statements.get()));
        let mut out = String::new();
        // Writing to a String cannot fail.
        prometheus_text::encode(&mut out, &self.registry)
            .map(|()| out)
            .unwrap_or_default()
    }
}

fn set(h: &mut HeaderMap, name: HeaderName, value: &'static str) {
    h.insert(name, HeaderValue::from_static(value));
}

/// Whether the handler set `name` to a value holding `needle` (a policy at least as strict
/// as the one the edge would set), which then stays.
fn kept(h: &HeaderMap, name: HeaderName, needle: &str) -> bool {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(needle))
}

/// Whether the client reached us over https: the connection itself is TLS, or the proxy in
/// front (when the operator says it is trusted, `TSUNAGU_TRUST_PROXY`) says so in
/// `X-Forwarded-Proto`. Without that trust the header is anybody's to set, so it is ignored.
pub(crate) fn over_https(req: &actix_web::HttpRequest, trust_proxy: bool) -> bool {
    req.app_config().secure()
        || (trust_proxy
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

pub async fn edge(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let start = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let request_id = uuid::Uuid::now_v7().to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();
    let https = over_https(
        req.request(),
        state.as_ref().is_some_and(|s| s.config.trust_proxy),
    );
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let cors_allowed = match (&origin, &state) {
        (Some(o), Some(s)) => s.config.cors_origins.iter().any(|a| a == o),
        _ => false,
    };

    // A CORS preflight from an allowed origin is answered here; from any other origin it
    // falls through and gets no CORS headers, so the browser refuses the call.
    let is_preflight = method == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    // No query parameter holds U+0000 (PostgreSQL cannot compare one; SQLite can): one
    // answer for both databases, before any handler parses the query.
    let nul_in_query = req.query_string().to_ascii_lowercase().contains("%00");
    let mut res = if nul_in_query {
        let r = ApiError::bad_request(
            "invalid_character",
            "a query parameter contains the NUL character (%00)",
        )
        .error_response();
        req.into_response(r)
    } else if is_preflight && cors_allowed {
        let r = HttpResponse::NoContent()
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_METHODS,
                "GET, POST, PATCH, DELETE, OPTIONS",
            ))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "authorization, content-type, if-match, idempotency-key, accept",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
            .finish();
        req.into_response(r)
    } else {
        next.call(req).await?.map_into_boxed_body()
    };

    // Errors that actix answered on its own (unknown route, wrong method, oversized body …)
    // come without a problem body: give them one.
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|c| c.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // A handler's own JSON error (the OAuth token endpoint's RFC 6749 shape) stays as it is.
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|c| c.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_problem && !is_json {
        // RFC 9110: a 405 names the methods that are allowed. Actix's own 405 (a method the
        // resource does not take) does not, so they come from the spec's route table.
        let keep_allow = res.headers().get(header::ALLOW).cloned().or_else(|| {
            (status == StatusCode::METHOD_NOT_ALLOWED)
                .then(|| {
                    res.request()
                        .app_data::<actix_web::web::Data<crate::AppState>>()
                })
                .flatten()
                .and_then(|state| crate::allowed_methods(&state.routes, &path))
                .and_then(|m| header::HeaderValue::from_str(&m.join(", ")).ok())
        });
        let mut err = ApiError::for_status(status);
        if status == StatusCode::NOT_FOUND {
            err = err.detail(format!("no route {} {}", method, path));
        }
        let mut new = err.error_response();
        if let Some(a) = keep_allow {
            new.headers_mut().insert(header::ALLOW, a);
        }
        res = res.into_response(new);
    }

    let verdict = res
        .request()
        .extensions()
        .get::<crate::ratelimit::Verdict>()
        .cloned();
    let h = res.headers_mut();
    if let Some(v) = verdict {
        v.apply(h);
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
    if https {
        // A year, as the HSTS preload list asks; only ever sent over https (a browser
        // ignores it over http, and a proxy's say-so counts only when the operator trusts it).
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if path.starts_with("/api/docs") {
        // Swagger UI's bundle applies inline styles.
        set(
            h,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        );
    } else if !kept(h, header::CONTENT_SECURITY_POLICY, "sandbox") {
        // A download (a meeting's paper) keeps its own, stricter, sandboxing policy.
        set(
            h,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        );
    }
    if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics" {
        // A download may say `private, no-store`; nothing under the API is ever stored.
        if !kept(h, header::CACHE_CONTROL, "no-store") {
            set(h, header::CACHE_CONTROL, "no-store");
        }
    } else if path.starts_with("/assets/") && status.is_success() {
        // Vite puts a content hash in every asset name, so an asset never changes.
        set(
            h,
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable",
        );
    } else if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-cache");
    }
    if cors_allowed
        && let Some(o) = origin
            .as_deref()
            .and_then(|o| HeaderValue::from_str(o).ok())
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        set(h, header::VARY, "Origin");
        set(
            h,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            "etag, location, retry-after, x-request-id, ratelimit, ratelimit-policy",
        );
    }

    let elapsed = start.elapsed();
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    if let Some(s) = &state {
        s.metrics.observe(status, elapsed.as_secs_f64());
    }
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "-".to_owned());
    tracing::info!(request_id = %request_id, method = %method, route = %route, status = status.as_u16(), micros, "request");
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_keep_their_names_in_the_text_format() {
        let m = Metrics::default();
        m.observe(StatusCode::OK, 0.25);
        m.observe(StatusCode::NOT_FOUND, 0.5);
        let text = m.render(0);
        for line in [
            "# TYPE tsunagu_http_requests_total counter\n",
            "tsunagu_http_requests_total{class=\"2xx\"} 1\n",
            "tsunagu_http_requests_total{class=\"4xx\"} 1\n",
            "tsunagu_http_requests_total{class=\"5xx\"} 0\n",
            "# TYPE tsunagu_http_request_duration_seconds histogram\n",
            "tsunagu_http_request_duration_seconds_bucket{le=\"0.25\"} 1\n",
            "tsunagu_http_request_duration_seconds_sum 0.75\n",
            "tsunagu_http_request_duration_seconds_count 2\n",
        ] {
            assert!(text.contains(line), "{line:?} missing from\n{text}");
        }
    }
}
