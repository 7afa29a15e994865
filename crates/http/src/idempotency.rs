//! Safe retries (the IETF Idempotency-Key draft): a creating `POST` with an
//! `Idempotency-Key` is performed once, even across a crash of the server.
//!
//! Replay semantics (the protocol is in `tsunagu_domain::idempotency`):
//! - the same key and body after the first answer: that answer again, byte for byte (kept
//!   sealed with the data key), with `Idempotent-Replayed: true`;
//! - an answer that carried a secret (a new API-client secret, a webhook's `whsec_`) is not
//!   kept: the replay answers the record as it is now, without the secret, under the
//!   original status and `Location`; so does a retry after the server died between
//!   committing the change and keeping its answer;
//! - the same key with another body: 422 `idempotency_key_reused`;
//! - the same key while the first attempt holds it (a lease of 30 s): 409
//!   `idempotency_in_progress` with `Retry-After`; once the lease has run out without a
//!   committed change, the retry performs the request.
//!
//! Keys are per caller and kept 24 hours. Sign-in and `/me/…` (TOTP enrolment) are outside.

use crate::AppState;
use crate::auth::{CheckedClient, ClientCall};
use crate::problem::ApiError;
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tsunagu_domain::DomainError;
use tsunagu_domain::ports::{CommittedChange, IdempotencyBegin, StoredResponse};

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
    let principal = crate::auth::bearer(req.request(), state).ok()?;
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
    // Sign-in and one's own second factor are not creates: their answers (tokens, a TOTP
    // secret, recovery codes) never pass through here to be kept.
    let applies = req.method() == Method::POST
        && req.path().starts_with("/api/v1/")
        && !req.path().starts_with("/api/v1/auth/")
        && !req.path().starts_with("/api/v1/me/");
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

    // The body is read here (bounded like the route's own extractor) to fingerprint the
    // request, then handed on unchanged. A body over the bound is handed on with more
    // bytes than the bound (never cut short to look whole), for the extractor to answer
    // 413.
    let (http_req, mut payload) = req.into_parts();
    let limit = body_limit(http_req.path());
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            break;
        }
    }
    let body = body.freeze();
    let mut h = Sha256::new();
    h.update(http_req.path().as_bytes());
    h.update(b"\n");
    h.update(&body);
    let hash = hex::encode(h.finalize());

    // A client the scope layer let through on its token is checked as it is now first:
    // what is kept for the key is answered only to a client still allowed the operation.
    // (The request's metadata is built only for such a client, for the trail of a refusal.)
    let call = http_req
        .extensions()
        .get::<ClientCall>()
        .cloned()
        .map(|c| (c, crate::auth::request_meta(&http_req)));
    let s = state.services.clone();
    let begun = web::block(move || {
        let client = call.map(|(c, meta)| c.check(&s, &meta)).transpose()?;
        Ok::<_, DomainError>((client, s.idempotency().begin(&caller, &key, &hash)?))
    })
    .await;
    let begun = match begun {
        Ok(Ok((client, b))) => {
            if let Some(actor) = client {
                http_req.extensions_mut().insert(CheckedClient(actor));
            }
            b
        }
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
        IdempotencyBegin::InProgress { retry_after_secs } => {
            let mut res = problem(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "Conflict",
                "a request with this Idempotency-Key is still being answered; retry shortly",
            );
            if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(ServiceResponse::new(http_req, res))
        }
        IdempotencyBegin::Replay(stored) => {
            let res = replay_head(&stored, stored.status).body(stored.body.unwrap_or_default());
            Ok(ServiceResponse::new(http_req, res))
        }
        IdempotencyBegin::Committed { change, answer } => {
            reread(http_req, next, &state, &change, answer.as_ref()).await
        }
        IdempotencyBegin::Started(claim) => {
            http_req.extensions_mut().insert(claim.clone());
            let req = ServiceRequest::from_parts(http_req, Payload::from(body));
            let res = next.call(req).await?;
            let status = res.status();
            let secret = res.response().extensions().get::<SecretAnswer>().is_some();
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
                // The server failed: forget the key so that a retry may try again (a change
                // that did commit keeps its mark, and the retry answers it).
                let _ = web::block(move || s.idempotency().abandon(&claim)).await;
            } else {
                let stored = StoredResponse {
                    status: status.as_u16(),
                    content_type: text(header::CONTENT_TYPE),
                    location: text(header::LOCATION),
                    etag: text(header::ETAG),
                    // An answer carrying a secret is never kept, not even sealed.
                    body: (!secret).then(|| String::from_utf8_lossy(&bytes).into_owned()),
                };
                let _ = web::block(move || s.idempotency().finish(&claim, &stored)).await;
            }
            let res = head.set_body(BoxBody::new(bytes));
            Ok(ServiceResponse::new(http_req, res))
        }
    }
}

/// How much of a body is read to fingerprint it: a meeting's paper or an import's file (a
/// file, not JSON) up to the largest accepted, every other body up to the JSON limit.
fn body_limit(path: &str) -> usize {
    if crate::regional::meetings::is_attachment_upload(path) {
        tsunagu_domain::regional::meetings::ATTACHMENT_MAX_BYTES
    } else if crate::handlers::imports::is_upload(path) {
        tsunagu_domain::exchange::import::MAX_FILE_BYTES
    } else {
        crate::JSON_LIMIT
    }
}

/// Marks an answer that carries a secret (a new API-client or webhook secret): it is shown
/// once and never kept for replay; a replay answers the record without it.
pub(crate) struct SecretAnswer;

/// Marks `res` as carrying a secret (see [`SecretAnswer`]).
pub(crate) fn secret_answer(mut res: HttpResponse) -> HttpResponse {
    res.extensions_mut().insert(SecretAnswer);
    res
}

/// The status line and headers of a replayed answer.
fn replay_head(stored: &StoredResponse, status: u16) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
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
    res
}

/// Where the record a change made is read, for the kinds that have a single-record GET.
fn record_path(change: &CommittedChange) -> Option<String> {
    let id = change.resource_id.as_deref()?;
    uuid::Uuid::parse_str(id).ok()?;
    // A review's event names the referral or plan it reviewed, which is not what it
    // answered.
    if change.action.starts_with("review.") || change.action.starts_with("support_plan_review.") {
        return None;
    }
    let collection = match change.resource_type.as_str() {
        "patient" => "patients",
        "consent" => "consents",
        "consultation" => "consultations",
        "referral" => "referrals",
        "follow_up" => "follow-ups",
        "center" => "centers",
        "user" => "users",
        "agency" => "agencies",
        "api_client" => "api-clients",
        "webhook" => "webhooks",
        "support_plan" => "support-plans",
        "liaison_contact" => "liaison-contacts",
        "project" => "projects",
        "project_session" => "project-sessions",
        "need" => "needs",
        "outreach_activity" => "outreach-activities",
        "training" => "trainings",
        // Naming a patient at an event answers the event, as its own GET does.
        "event" => "events",
        "council" => "councils",
        "meeting" => "meetings",
        _ => return None,
    };
    Some(format!("/api/v1/{collection}/{id}"))
}

/// Answers a retry whose change committed but whose answer is not kept: the record as it is
/// now, read through its own GET (with the caller's rights: a client needs the read scope),
/// under the original status and `Location`. Where no such read exists or it is refused,
/// the answer names the record: `{"resource_type": …, "id": …}`.
async fn reread(
    http_req: actix_web::HttpRequest,
    next: Next<impl MessageBody + 'static>,
    state: &web::Data<AppState>,
    change: &CommittedChange,
    answer: Option<&StoredResponse>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let created = change.action.ends_with(".create");
    let path = record_path(change);
    let status = answer.map_or(if created { 201 } else { 200 }, |a| a.status);
    let location = answer
        .and_then(|a| a.location.clone())
        .or_else(|| path.clone().filter(|_| created));
    let head = StoredResponse {
        status,
        content_type: None,
        location,
        etag: None,
        body: None,
    };
    let readable = path.as_deref().filter(|p| {
        // A client's read goes through the same scope table as any other GET.
        match http_req.extensions().get::<CheckedClient>() {
            None => true,
            Some(client) => match state.scopes.required("GET", p) {
                Some(Some(scope)) => client
                    .0
                    .scopes
                    .as_deref()
                    .is_some_and(|s| tsunagu_domain::policy::grants(s, scope).is_ok()),
                Some(None) => true,
                None => false,
            },
        }
    });
    let uri = readable.and_then(|p| p.parse::<actix_web::http::Uri>().ok());
    if let Some(uri) = uri {
        let mut req = ServiceRequest::from_parts(http_req, Payload::None);
        req.head_mut().method = Method::GET;
        req.head_mut().headers.remove(header::CONTENT_TYPE);
        req.head_mut().headers.remove(header::CONTENT_LENGTH);
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
        let res = next.call(req).await?;
        if res.status().is_success() {
            let (http_req, res) = res.into_parts();
            let etag = res.headers().get(header::ETAG).cloned();
            let (_, body) = res.into_parts();
            let mut out = replay_head(&head, status);
            out.content_type("application/json");
            if let Some(e) = etag {
                out.insert_header((header::ETAG, e));
            }
            return Ok(ServiceResponse::new(http_req, out.body(body)));
        }
        let (http_req, _) = res.into_parts();
        return Ok(ServiceResponse::new(http_req, named(&head, status, change)));
    }
    Ok(ServiceResponse::new(http_req, named(&head, status, change)))
}

/// The answer that names the record a committed change made.
fn named(head: &StoredResponse, status: u16, change: &CommittedChange) -> HttpResponse {
    replay_head(head, status).json(serde_json::json!({
        "resource_type": change.resource_type,
        "id": change.resource_id,
    }))
}
