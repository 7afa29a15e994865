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

/// Prometheus metrics.
#[utoipa::path(tag = "operations", operation_id = "metrics", responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")), security(()))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(crate::edge::METRICS_CONTENT_TYPE)
        .body(state.metrics.render())
}
