//! Operational endpoints for load balancers and monitoring.

use crate::AppState;
use crate::dto::Health;
use crate::problem::{ApiError, Problem};
use actix_web::{HttpResponse, get, web};

/// The process is up (says nothing about the database).
#[utoipa::path(tag = "operations", operation_id = "healthz", responses((status = 200, body = Health)), security(()))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers: take this replica out of the load balancer while it does not.
#[utoipa::path(
    tag = "operations", operation_id = "readyz",
    responses((status = 200, body = Health), (status = 503, description = "Database unreachable", body = Problem, content_type = "application/problem+json")),
    security(())
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let s = state.services.clone();
    super::blocking(move || s.ready()).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Prometheus metrics (not public).
///
/// On the API's address it answers only with
/// `Authorization: Bearer <TSUNAGU_METRICS_TOKEN>` (401 `invalid_token` otherwise), and 404
/// when no token is configured; `TSUNAGU_METRICS_LISTEN` serves it on a separate address.
#[utoipa::path(
    tag = "operations", operation_id = "metrics",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "The metrics token is missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No metrics token is configured: metrics are not served on this address", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return Err(ApiError::not_found());
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.trim().as_bytes(), token.as_bytes()) {
        return Err(ApiError::unauthenticated("invalid_token"));
    }
    Ok(render(&state))
}

/// The metrics on the separate metrics address (`TSUNAGU_METRICS_LISTEN`), which only the
/// operator's network reaches.
pub async fn metrics_open(state: web::Data<AppState>) -> HttpResponse {
    render(&state)
}

fn render(state: &AppState) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(crate::edge::METRICS_CONTENT_TYPE)
        .body(
            state
                .metrics
                .render(state.services.store().statements_sent()),
        )
}

/// Compares without an early exit, so the time taken says nothing of where a guess went
/// wrong.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_whole() {
        assert!(super::same_secret(b"abc", b"abc"));
        assert!(!super::same_secret(b"abc", b"abd"));
        assert!(!super::same_secret(b"abc", b"abcd"));
        assert!(!super::same_secret(b"", b"a"));
    }
}
