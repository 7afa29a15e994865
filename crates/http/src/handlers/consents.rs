//! `/consents/{id}`: one consent, and its withdrawal.

use super::{if_match, json_with_etag};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{ConsentDto, UpdateConsent};
use crate::json::ApiJson;
use crate::problem::{ApiError, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, web};
use tsunagu_domain::cases::ConsentUpdate;
use uuid::Uuid;

/// Read a consent.
#[utoipa::path(
    tag = "patients",
    operation_id = "get_consent",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/consents/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller.run(move |ctx| s.consents().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ConsentDto::from(c),
    ))
}

/// Withdraw a consent (`withdrawn_on`, once) or correct its notes. Requires `If-Match`.
#[utoipa::path(
    tag = "patients",
    operation_id = "update_consent",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateConsent,
    responses((status = 200, body = ConsentDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["patients:write"]))
)]
#[patch("/consents/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateConsent>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ConsentUpdate {
        withdrawn_on: b.withdrawn_on,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.consents().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ConsentDto::from(c),
    ))
}
