//! Safe retries (the IETF Idempotency-Key draft): a creating `POST` with an
//! `Idempotency-Key` is answered once; a replay with the same key and body gets the first
//! answer again (with `Idempotent-Replayed: true`), the same key with another body is 422
//! `idempotency_key_reused`, and the same key while the first is still being answered is 409
//! `idempotency_in_progress`. Keys are per caller and kept 24 hours.

use crate::AppState;
use crate::problem::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tsunagu_domain::ports::{IdempotencyBegin, StoredResponse};

const KEY_HEADER: &str = "idempotency-key";

fn problem(
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: &str,
) -> HttpResponse {
    ApiError::new(status, code, title)
        .detail(detail)
        .error_response()
}

/// Which caller a request is for: the token's subject. Requests without a valid token pass
/// through untouched (the handler answers 401).
fn caller(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let auth = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))?;
    let principal = state
        .jwt
        .verify(token.trim(), state.services.clock().now())
        .ok()?;
    Some(match principal {
        crate::auth::Principal::User { user, .. } => format!("user:{user}"),
        crate::auth::Principal::Client { client, .. } => format!("client:{client}"),
    })
}

pub async fn layer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let applies = req.method() == Method::POST
        && req.path().starts_with("/api/v1/")
        && !req.path().starts_with("/api/v1/auth/");
    let (Some(key), true) = (key, applies) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        let res = problem(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Bad request",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        );
        return Ok(req.into_response(res));
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(caller) = caller(&req, &state) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    // The body is read here (bounded like the JSON extractor) to fingerprint the request,
    // then handed on unchanged.
    let (http_req, mut payload) = req.into_parts();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > crate::JSON_LIMIT + 1 {
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let mut h = Sha256::new();
    h.update(http_req.path().as_bytes());
    h.update(b"\n");
    h.update(&body);
    let hash = hex::encode(h.finalize());

    let s = state.services.clone();
    let (c, k) = (caller.clone(), key.clone());
    let begun = web::block(move || s.idempotency().begin(&c, &k, &hash)).await;
    let begun = match begun {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => {
            return Ok(ServiceResponse::new(
                http_req,
                ApiError::from(e).error_response(),
            ));
        }
        Err(_) => {
            return Ok(ServiceResponse::new(
                http_req,
                ApiError::internal().error_response(),
            ));
        }
    };
    match begun {
        IdempotencyBegin::Mismatch => Ok(ServiceResponse::new(
            http_req,
            problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "Idempotency-Key reused",
                "this Idempotency-Key was used for a different request",
            ),
        )),
        IdempotencyBegin::InProgress => Ok(ServiceResponse::new(
            http_req,
            problem(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "Conflict",
                "a request with this Idempotency-Key is still being answered; retry shortly",
            ),
        )),
        IdempotencyBegin::Replay(stored) => {
            let mut res =
                HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
            if let Some(ct) = &stored.content_type {
                res.insert_header((header::CONTENT_TYPE, ct.as_str()));
            }
            if let Some(l) = &stored.location {
                res.insert_header((header::LOCATION, l.as_str()));
            }
            if let Some(e) = &stored.etag {
                res.insert_header((header::ETAG, e.as_str()));
            }
            res.insert_header(("idempotent-replayed", "true"));
            Ok(ServiceResponse::new(http_req, res.body(stored.body)))
        }
        IdempotencyBegin::Started => {
            let req = ServiceRequest::from_parts(http_req, Payload::from(body));
            let res = next.call(req).await?;
            let status = res.status();
            let (http_req, res) = res.into_parts();
            let (head, res_body) = res.into_parts();
            let bytes = actix_web::body::to_bytes(res_body)
                .await
                .map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
            let text = |name: header::HeaderName| {
                head.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let s = state.services.clone();
            if status.is_server_error() {
                // The server failed: forget the key so that a retry may try again.
                let _ = web::block(move || s.idempotency().abandon(&caller, &key)).await;
            } else {
                let stored = StoredResponse {
                    status: status.as_u16(),
                    content_type: text(header::CONTENT_TYPE),
                    location: text(header::LOCATION),
                    etag: text(header::ETAG),
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                };
                let _ = web::block(move || s.idempotency().finish(&caller, &key, &stored)).await;
            }
            let res = head.set_body(BoxBody::new(bytes));
            Ok(ServiceResponse::new(http_req, res))
        }
    }
}
