//! `/api-clients`: the third-party applications of the caller's center (its administrator)
//! or administration (its officers).

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    ApiClientDto, ApiClientWithSecret, CreateApiClient, ListOf, ListQuery, RotateSecret,
    UpdateApiClient,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use uuid::Uuid;

/// List the API clients of the caller's center (a center administrator) or administration
/// (an officer), revoked ones included.
#[utoipa::path(
    tag = "integration", operation_id = "list_api_clients",
    params(ListQuery),
    responses((status = 200, body = ListOf<ApiClientDto>), ListProblems),
    security(("bearer" = []))
)]
#[get("/api-clients")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.api_clients().list(ctx, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, ApiClientDto::from)))
}

/// Register an API client with its scopes. A center administrator registers a center's
/// client, an officer an administration's (`regional:read`, `regional:write`,
/// `reports:read` only: anything else is 422 `scope_not_grantable`). The answer carries
/// `client_secret`, shown only this once: only its hash is stored.
#[utoipa::path(
    tag = "integration", operation_id = "create_api_client",
    request_body = CreateApiClient,
    responses(
        (status = 201, body = ApiClientWithSecret, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/api-clients")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateApiClient>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let s = state.services.clone();
    let (c, secret) = caller
        .run(move |ctx| s.api_clients().create(ctx, &b.name, &b.scopes))
        .await?;
    Ok(crate::idempotency::secret_answer(created(
        format!("/api/v1/api-clients/{}", c.id),
        c.version,
        &ApiClientWithSecret {
            client: ApiClientDto::from(c),
            client_secret: secret,
        },
    )))
}

/// Read an API client (never its secret).
#[utoipa::path(
    tag = "integration", operation_id = "get_api_client",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApiClientDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []))
)]
#[get("/api-clients/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller.run(move |ctx| s.api_clients().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ApiClientDto::from(c),
    ))
}

/// Rename a client or change its scopes; a withdrawn scope stops working at once, even
/// for tokens already issued. Requires `If-Match`.
#[utoipa::path(
    tag = "integration", operation_id = "update_api_client",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateApiClient,
    responses((status = 200, body = ApiClientDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []))
)]
#[patch("/api-clients/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateApiClient>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| {
            s.api_clients()
                .update(ctx, id, version, b.name.as_deref(), b.scopes.as_deref())
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ApiClientDto::from(c),
    ))
}

/// Issue a new secret (shown only in this answer). The old one keeps working for
/// `overlap_seconds` (default a day), so the application can switch without downtime.
#[utoipa::path(
    tag = "integration", operation_id = "rotate_api_client_secret",
    params(("id" = Uuid, Path)),
    request_body = RotateSecret,
    responses((status = 200, body = ApiClientWithSecret, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []))
)]
#[post("/api-clients/{id}/rotate-secret")]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<RotateSecret>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let overlap = body.into_inner().overlap_seconds;
    let s = state.services.clone();
    let (c, secret) = caller
        .run(move |ctx| s.api_clients().rotate_secret(ctx, id, overlap))
        .await?;
    Ok(crate::idempotency::secret_answer(json_with_etag(
        StatusCode::OK,
        c.version,
        &ApiClientWithSecret {
            client: ApiClientDto::from(c),
            client_secret: secret,
        },
    )))
}

/// Revoke a client: its tokens stop working with their next request and it gets no new
/// ones. The record stays, for the audit trail.
#[utoipa::path(
    tag = "integration", operation_id = "revoke_api_client",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApiClientDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []))
)]
#[post("/api-clients/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.api_clients().revoke(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &ApiClientDto::from(c),
    ))
}
