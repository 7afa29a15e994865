//! `/webhooks`: the center's webhook subscriptions and their delivery log (center
//! administrator).

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CreateWebhook, DeliveryDto, ListOf, ListQuery, UpdateWebhook, WebhookDto, WebhookWithSecret,
};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, ListProblems, ListUnderProblems, ReadProblems, UpdateProblems,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use tsunagu_domain::integrations::WebhookChanges;
use uuid::Uuid;

/// List the center's webhook subscriptions.
#[utoipa::path(
    tag = "integration", operation_id = "list_webhooks",
    params(ListQuery),
    responses((status = 200, body = ListOf<WebhookDto>), ListProblems),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller.run(move |ctx| s.webhooks().list(ctx, req)).await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, WebhookDto::from)))
}

/// Subscribe a URL (`https://`) to events. The answer carries the signing `secret`
/// (`whsec_…`), shown only this once. Deliveries are signed per Standard Webhooks
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and carry ids, never personal
/// data; a receiver answers 2xx within 15 seconds, or the delivery is retried with
/// exponential backoff (30 s doubling, at most 6 h apart, 12 attempts).
#[utoipa::path(
    tag = "integration", operation_id = "create_webhook",
    request_body = CreateWebhook,
    responses(
        (status = 201, body = WebhookWithSecret, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let s = state.services.clone();
    let (w, secret) = caller
        .run(move |ctx| {
            s.webhooks()
                .create(ctx, &b.url, &b.events, b.description.as_deref())
        })
        .await?;
    Ok(crate::idempotency::secret_answer(created(
        format!("/api/v1/webhooks/{}", w.id),
        w.version,
        &WebhookWithSecret {
            webhook: WebhookDto::from(w),
            secret,
        },
    )))
}

/// Read a subscription (never its secret).
#[utoipa::path(
    tag = "integration", operation_id = "get_webhook",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let w = caller.run(move |ctx| s.webhooks().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        w.version,
        &WebhookDto::from(w),
    ))
}

/// Change the URL, events or description, or pause with `active: false`. Requires
/// `If-Match`.
#[utoipa::path(
    tag = "integration", operation_id = "update_webhook",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateWebhook,
    responses((status = 200, body = WebhookDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []))
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let changes = WebhookChanges {
        url: b.url,
        events: b.events,
        description: b.description,
        active: b.active,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let w = caller
        .run(move |ctx| s.webhooks().update(ctx, id, version, changes))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        w.version,
        &WebhookDto::from(w),
    ))
}

/// Remove a subscription with its pending deliveries and delivery log.
#[utoipa::path(
    tag = "integration", operation_id = "delete_webhook",
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "Removed"), ReadProblems),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    caller.run(move |ctx| s.webhooks().delete(ctx, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of a subscription, newest first: each event, its state and every
/// attempt with the receiver's status.
#[utoipa::path(
    tag = "integration", operation_id = "list_webhook_deliveries",
    params(("id" = Uuid, Path), ListQuery),
    responses((status = 200, body = ListOf<DeliveryDto>), ListUnderProblems),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.webhooks().deliveries(ctx, id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, DeliveryDto::from)))
}
