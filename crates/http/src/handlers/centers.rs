//! `/centers`: the installation's 難病相談支援センター (system administrator).

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{CenterDto, CreateCenter, ListOf, ListQuery, UpdateCenter};
use crate::json::ApiJson;
use crate::problem::{ApiError, Problem};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::staff::{CreateCenterInput, UpdateCenterInput};
use uuid::Uuid;

/// List centers (system administrator).
#[utoipa::path(
    tag = "centers",
    operation_id = "list_centers",
    params(ListQuery),
    responses(
        (status = 200, body = ListOf<CenterDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a system administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/centers")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller.run(move |ctx| s.centers().list(ctx, req)).await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, CenterDto::from)))
}

/// Create a center (system administrator).
#[utoipa::path(
    tag = "centers",
    operation_id = "create_center",
    request_body = CreateCenter,
    responses(
        (status = 201, body = CenterDto, headers(("ETag" = String), ("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken (`code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/centers")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCenter>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = CreateCenterInput {
        code: b.code,
        name: b.name,
        prefecture_code: b.prefecture_code,
        operating_type: b.operating_type,
        programs: b.programs,
    };
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.centers().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/centers/{}", c.id),
        c.version,
        &CenterDto::from(c),
    ))
}

/// Read a center. Staff may read their own center; the system administrator any.
#[utoipa::path(
    tag = "centers",
    operation_id = "get_center",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CenterDto, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/centers/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller.run(move |ctx| s.centers().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &CenterDto::from(c),
    ))
}

/// Change a center (system administrator). Requires `If-Match` with the ETag you read.
#[utoipa::path(
    tag = "centers",
    operation_id = "update_center",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateCenter,
    responses(
        (status = 200, body = CenterDto, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`if_match_required`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/centers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateCenter>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateCenterInput {
        name: b.name,
        prefecture_code: b.prefecture_code,
        operating_type: b.operating_type,
        follow_up_days: b.follow_up_days,
        escalation_days: b.escalation_days,
        sample_percent: b.sample_percent,
        totp_roles: b.totp_roles,
        programs: b.programs,
        child_assent_age: b.child_assent_age,
        active: b.active,
        administration_id: b.administration_id,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.centers().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &CenterDto::from(c),
    ))
}
