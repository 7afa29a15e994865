//! `/consultations`: 相談, named or anonymous.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    ConsultationDto, ConsultationListQuery, CreateConsultation, ListOf, UpdateConsultation,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::cases::{ConsultationInput, ConsultationQuery};
use uuid::Uuid;

/// Consultations, newest first, optionally of one patient or consultant or in a time range.
#[utoipa::path(
    tag = "consultations",
    operation_id = "list_consultations",
    params(ConsultationListQuery),
    responses((status = 200, body = ListOf<ConsultationDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["consultations:read"]))
)]
#[get("/consultations")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ConsultationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut req = page(q.limit, q.cursor.as_deref())?;
    req.updated_since = q.updated_since;
    let q = q.into_inner();
    let query = ConsultationQuery {
        patient_id: q.patient_id,
        consultant_id: q.consultant_id,
        from: q.from,
        to: q.to,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.consultations().list(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |(c, label)| {
        ConsultationDto::with_label(c, label)
    })))
}

/// Record a consultation (`patient_id` null for an anonymous one).
#[utoipa::path(
    tag = "consultations",
    operation_id = "create_consultation",
    request_body = CreateConsultation,
    responses(
        (status = 201, body = ConsultationDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["consultations:write"]))
)]
#[post("/consultations")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateConsultation>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ConsultationInput {
        patient_id: Some(b.patient_id),
        occurred_at: b.occurred_at,
        channel: Some(b.channel),
        requester: Some(b.requester),
        topics: Some(b.topics),
        duration_minutes: Some(b.duration_minutes),
        with_employment_supporter: b.with_employment_supporter,
        summary: Some(b.summary),
        shoman_menu: Some(b.shoman_menu),
        shoman_requester: Some(b.shoman_requester),
        consultant_id: b.consultant_id,
    };
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.consultations().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/consultations/{}", c.id),
        c.version,
        &ConsultationDto::from(c),
    ))
}

/// Read a consultation.
#[utoipa::path(
    tag = "consultations",
    operation_id = "get_consultation",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsultationDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["consultations:read"]))
)]
#[get("/consultations/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.consultations().get(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ConsultationDto::from(c),
    ))
}

/// Change a consultation. Requires `If-Match`.
#[utoipa::path(
    tag = "consultations",
    operation_id = "update_consultation",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateConsultation,
    responses((status = 200, body = ConsultationDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["consultations:write"]))
)]
#[patch("/consultations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateConsultation>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ConsultationInput {
        patient_id: b.patient_id,
        occurred_at: b.occurred_at,
        channel: b.channel,
        requester: b.requester,
        topics: b.topics,
        duration_minutes: b.duration_minutes,
        with_employment_supporter: b.with_employment_supporter,
        summary: b.summary,
        shoman_menu: b.shoman_menu,
        shoman_requester: b.shoman_requester,
        consultant_id: b.consultant_id,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.consultations().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ConsultationDto::from(c),
    ))
}
