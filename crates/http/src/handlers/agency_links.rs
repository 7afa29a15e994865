//! `/referrals/{id}/agency-links` (the center's staff) and `/agency-links/{token}` (the
//! agency officer, without an account): closing the loop with the agency.

use super::blocking;
use crate::auth::{Caller, request_meta};
use crate::dto::{
    AgencyConfirmedDto, AgencyLinkCreated, AgencyLinkDto, AgencyPageDto, ConfirmAgencyLink,
    CreateAgencyLink, ItemsOf,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateUnderProblems, PublicLinkProblems, ReadProblems};
use crate::ratelimit::{Kind, key_of};
use crate::{AppState, HttpConfig};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use tsunagu_domain::cases::{AgencyConfirmInput, AgencyLinkInput};
use uuid::Uuid;

/// The referral's one-time links for its agency, newest first (never their tokens).
#[utoipa::path(
    tag = "agency-links",
    operation_id = "list_agency_links",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<AgencyLinkDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:read"]))
)]
#[get("/referrals/{id}/agency-links")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let now = state.services.clock().now();
    let links = caller
        .run(move |ctx| s.agency_links().list(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: links
            .into_iter()
            .map(|l| AgencyLinkDto::new(l, now))
            .collect(),
    }))
}

/// Make a one-time link for the referral's agency (a referral at `phone_mediation` or
/// above: 422 `level_too_low` otherwise; an open one: 422 `referral_closed`). The answer
/// carries the link's URL and its QR code (SVG) this once; only the token's hash is kept.
/// With `email`, the link is also sent through the configured relay (422
/// `email_not_configured` without one; `email_sent: false` when the relay refused it). The
/// URL holds no personal data. Staff in person only.
#[utoipa::path(
    tag = "agency-links",
    operation_id = "create_agency_link",
    params(("id" = Uuid, Path)),
    request_body = CreateAgencyLink,
    responses(
        (status = 201, body = AgencyLinkCreated, headers(("Location" = String))),
        CreateUnderProblems
    ),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/agency-links")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<CreateAgencyLink>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = AgencyLinkInput {
        expires_in_days: b.expires_in_days,
        email: b.email,
        link_base: link_base(&req, &state.config),
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let now = state.services.clock().now();
    let made = caller
        .run(move |ctx| s.agency_links().create(ctx, id, input))
        .await?;
    let qr_svg = qr_svg(&made.url)?;
    let res = HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/referrals/{id}/agency-links"),
        ))
        .json(AgencyLinkCreated {
            link: AgencyLinkDto::new(made.link, now),
            url: made.url,
            qr_svg,
            email_sent: made.email_sent,
        });
    // The token is a secret: a retry with the same Idempotency-Key never gets it again.
    Ok(crate::idempotency::secret_answer(res))
}

/// Revoke a link the agency has not used (422 `agency_link_used` once it has); revoking it
/// again changes nothing. Staff in person only.
#[utoipa::path(
    tag = "agency-links",
    operation_id = "revoke_agency_link",
    params(("id" = Uuid, Path), ("link_id" = Uuid, Path)),
    responses((status = 200, body = AgencyLinkDto), CreateUnderProblems),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/agency-links/{link_id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, link_id) = path.into_inner();
    let s = state.services.clone();
    let now = state.services.clock().now();
    let l = caller
        .run(move |ctx| s.agency_links().revoke(ctx, id, link_id))
        .await?;
    Ok(HttpResponse::Ok().json(AgencyLinkDto::new(l, now)))
}

/// What the agency may see through its link, without signing in: the center, the agency,
/// the referral's date, level and purpose, the patient's initials, and only those items of
/// the patient's data that were handed over at the referral while the consent covering the
/// agency is in force. 404 `not_found` for an unknown (or altered) token, 410 `link_gone`
/// for one used, expired or revoked. Rate-limited per link and per address.
#[utoipa::path(
    tag = "agency-links",
    operation_id = "get_agency_link_page",
    params(("token" = String, Path, description = "The token of the link's URL")),
    responses((status = 200, body = AgencyPageDto), PublicLinkProblems)
)]
#[get("/agency-links/{token}")]
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    limit(&state, &req, &token)?;
    let meta = request_meta(&req);
    let s = state.services.clone();
    let p = blocking(move || s.agency_links().view(&meta, &token)).await?;
    Ok(HttpResponse::Ok().json(AgencyPageDto::from(p)))
}

/// The agency's answer, once, without signing in: `outcome` and an optional `note`. It is
/// recorded as a follow-up from the agency (completing the referral's open follow-up unless
/// the patient did not come) and goes to the supervisor's review. The link is spent: a
/// second answer is 410 `link_gone`.
#[utoipa::path(
    tag = "agency-links",
    operation_id = "confirm_agency_link",
    params(("token" = String, Path, description = "The token of the link's URL")),
    request_body = ConfirmAgencyLink,
    responses((status = 200, body = AgencyConfirmedDto), PublicLinkProblems)
)]
#[post("/agency-links/{token}")]
pub async fn confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: ApiJson<ConfirmAgencyLink>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    limit(&state, &req, &token)?;
    let b = body.into_inner();
    let input = AgencyConfirmInput {
        outcome: b.outcome,
        note: b.note,
    };
    let meta = request_meta(&req);
    let s = state.services.clone();
    let c = blocking(move || s.agency_links().confirm(&meta, &token, input)).await?;
    Ok(HttpResponse::Ok().json(AgencyConfirmedDto::from(c)))
}

/// Takes one request from the link's bucket and from the caller's address's, before any
/// database work. The answer carries the link's bucket's headers.
fn limit(state: &AppState, req: &HttpRequest, token: &str) -> Result<(), ApiError> {
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let by_ip = state.limits.check(Kind::AgencyIp, key_of("agency_ip", &ip));
    let by_link = state
        .limits
        .check(Kind::AgencyLink, key_of("agency_link", token));
    if let Some(v) = &by_link {
        req.extensions_mut().insert(v.clone());
    }
    if let Some(v) = by_ip {
        v.into_result()?;
    }
    if let Some(v) = by_link {
        v.into_result()?;
    }
    Ok(())
}

/// Where the agency reaches this server: `TSUNAGU_PUBLIC_URL`, or else what the request
/// itself came to (the proxy's say-so only when the operator trusts it).
fn link_base(req: &HttpRequest, cfg: &HttpConfig) -> String {
    if let Some(u) = &cfg.public_url {
        return u.clone();
    }
    if cfg.trust_proxy {
        let ci = req.connection_info();
        return format!("{}://{}", ci.scheme(), ci.host());
    }
    let scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map_or_else(|| req.app_config().host().to_owned(), str::to_owned);
    format!("{scheme}://{host}")
}

/// The URL as a QR code, in SVG for the referral sheet.
fn qr_svg(url: &str) -> Result<String, ApiError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| {
            tracing::error!(error = %e, "cannot make the link's QR code");
            ApiError::internal()
        })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}
