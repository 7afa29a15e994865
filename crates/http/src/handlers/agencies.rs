//! `/agencies`: the outside offices a center refers patients to.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{AgencyDto, AgencyListQuery, CreateAgency, ListOf, UpdateAgency};
use crate::json::ApiJson;
use crate::problem::{ApiError, Problem, ReadProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::staff::{CreateAgencyInput, UpdateAgencyInput};
use uuid::Uuid;

/// List the center's agencies, optionally of one type.
#[utoipa::path(
    tag = "agencies",
    operation_id = "list_agencies",
    params(AgencyListQuery),
    responses(
        (status = 200, body = ListOf<AgencyDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a center's staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("oauth2" = ["agencies:read"]))
)]
#[get("/agencies")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<AgencyListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.agencies().list(ctx, q.agency_type.as_deref(), req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, AgencyDto::from)))
}

/// Create an agency (center administrator).
#[utoipa::path(
    tag = "agencies",
    operation_id = "create_agency",
    request_body = CreateAgency,
    responses(
        (status = 201, body = AgencyDto, headers(("ETag" = String), ("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agencies")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateAgency>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = CreateAgencyInput {
        agency_type: b.agency_type,
        name: b.name,
        phone: b.phone,
        address: b.address,
        notes: b.notes,
    };
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.agencies().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/agencies/{}", a.id),
        a.version,
        &AgencyDto::from(a),
    ))
}

/// Read an agency of the caller's center.
#[utoipa::path(
    tag = "agencies",
    operation_id = "get_agency",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AgencyDto, headers(("ETag" = String))),
        ReadProblems,
    ),
    security(("bearer" = []), ("oauth2" = ["agencies:read"]))
)]
#[get("/agencies/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let a = caller.run(move |ctx| s.agencies().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &AgencyDto::from(a),
    ))
}

/// Change an agency (center administrator); `active: false` deactivates. Requires `If-Match`.
#[utoipa::path(
    tag = "agencies",
    operation_id = "update_agency",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateAgency,
    responses(
        (status = 200, body = AgencyDto, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/agencies/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateAgency>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateAgencyInput {
        agency_type: b.agency_type,
        name: b.name,
        phone: b.phone,
        address: b.address,
        notes: b.notes,
        active: b.active,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.agencies().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &AgencyDto::from(a),
    ))
}
