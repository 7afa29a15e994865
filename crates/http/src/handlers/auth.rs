//! Sign-in, token refresh, sign-out and `/me` (one's own password and second factor).

use super::blocking;
use crate::AppState;
use crate::auth::{AccountCaller, EnrollingCaller, request_meta};
use crate::dto::{
    ChangePassword, LoginRequest, Me, RecoveryCodes, RefreshRequest, TokenPair, TotpConfirm,
    TotpEnrolment,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, Problem};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieAge};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use tsunagu_domain::DomainError;
use tsunagu_domain::auth::SESSION_TTL;
use tsunagu_domain::auth::sign_in::Issued;

/// The web app's refresh token lives in this cookie: `HttpOnly` (the page's scripts never
/// see it, so an injected script cannot carry the session away), `SameSite=Strict` and
/// scoped to the sign-in paths (no other request carries it), `Secure` over https. The
/// access token stays in the tab's memory; a reload or a second tab gets its own from the
/// cookie (`POST /auth/refresh`), so a session survives both.
const REFRESH_COOKIE: &str = "tsunagu_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
/// The web app asks for the cookie form with `X-Tsunagu-Session: cookie`. On the refresh it
/// is also the CSRF guard: a page of another site cannot send a custom header without a
/// CORS preflight, which only the configured origins pass (and the cookie is `Strict`).
const SESSION_HEADER: &str = "x-tsunagu-session";

fn wants_cookie(req: &HttpRequest) -> bool {
    req.headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cookie"))
}

/// The refresh cookie holding `token`, or (`None`) the one that removes it.
fn refresh_cookie(req: &HttpRequest, state: &AppState, token: Option<String>) -> Cookie<'static> {
    let removing = token.is_none();
    let mut c = Cookie::build(REFRESH_COOKIE, token.unwrap_or_default())
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(crate::edge::over_https(req, state.config.trust_proxy))
        .finish();
    if removing {
        c.make_removal();
    } else {
        c.set_max_age(CookieAge::seconds(SESSION_TTL.num_seconds()));
    }
    c
}

/// The answer to a sign-in or refresh: the pair in the body, or — for the web app's cookie
/// form — the access token in the body and the refresh token in the cookie only.
fn issue(req: &HttpRequest, state: &AppState, issued: Issued) -> Result<HttpResponse, ApiError> {
    let (access_token, expires_in) = state.jwt.issue(
        issued.user_id,
        issued.session_id,
        state.services.clock().now(),
    )?;
    let cookie_form = wants_cookie(req);
    let mut res = HttpResponse::Ok();
    res.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    let refresh_token = if cookie_form {
        res.cookie(refresh_cookie(req, state, Some(issued.refresh_token)));
        None
    } else {
        Some(issued.refresh_token)
    };
    Ok(res.json(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in,
    }))
}

/// Sign in with a login and password.
///
/// Unknown logins and wrong passwords answer identically. Repeated failures for one login
/// are slowed down and then refused with 429 and `Retry-After`. Every attempt is audited.
#[utoipa::path(
    tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong login or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let meta = request_meta(&req);
    let services = state.services.clone();
    let LoginRequest {
        login,
        password,
        totp,
    } = body.into_inner();
    let attempt = web::block(move || {
        services
            .sign_in()
            .login(&meta, &login, &password, totp.as_deref())
    })
    .await
    .map_err(|_| ApiError::internal())?;
    if let Some(d) = attempt.delay {
        // Slows a guesser down without holding a worker thread.
        actix_web::rt::time::sleep(d).await;
    }
    let issued = attempt.result?;
    issue(&req, &state, issued)
}

/// Exchange a refresh token for a new pair.
///
/// The token is spent: presenting it again revokes the whole session (someone else holds it).
/// The web app sends no token in the body but `X-Tsunagu-Session: cookie`, and the token
/// comes from its `HttpOnly` cookie; the new one goes back there. Without the header the
/// cookie is never read (CSRF), so a body without a token is 401 `invalid_refresh_token`.
#[utoipa::path(
    tag = "auth", operation_id = "refresh_tokens",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 401, description = "Unknown, spent or expired token (`invalid_refresh_token`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let meta = request_meta(&req);
    let services = state.services.clone();
    let from_cookie = || {
        wants_cookie(&req)
            .then(|| req.cookie(REFRESH_COOKIE))
            .flatten()
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(token) = body.into_inner().refresh_token.or_else(from_cookie) else {
        return Err(DomainError::Unauthenticated {
            code: "invalid_refresh_token",
        }
        .into());
    };
    match blocking(move || services.sign_in().refresh(&meta, &token)).await {
        Ok(issued) => issue(&req, &state, issued),
        // A refused cookie is dropped, so the browser stops presenting a dead token.
        Err(e) if wants_cookie(&req) => {
            let mut res = actix_web::ResponseError::error_response(&e);
            res.add_cookie(&refresh_cookie(&req, &state, None))
                .map_err(|_| ApiError::internal())?;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

/// Sign out: the session's access and refresh tokens stop working at once.
#[utoipa::path(
    tag = "auth", operation_id = "logout",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: AccountCaller,
) -> Result<HttpResponse, ApiError> {
    let services = state.services.clone();
    caller
        .run(move |ctx| services.sign_in().logout(ctx))
        .await?;
    // The web app's refresh cookie goes too (another tab's next refresh then finds none).
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(&req, &state, None))
        .finish())
}

/// The signed-in caller.
#[utoipa::path(
    tag = "auth", operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(caller: AccountCaller) -> Result<HttpResponse, ApiError> {
    let a = caller.run(|ctx| Ok(ctx.actor.clone())).await?;
    Ok(HttpResponse::Ok().json(Me {
        id: a.user_id,
        login: a.login,
        display_name: a.display_name,
        role: a.role.as_str().to_owned(),
        center_id: a.center_id,
        administration_id: a.administration_id,
        totp_enabled: a.totp_enabled,
        totp_required: a.must_enroll_totp,
        must_change_password: a.must_change_password,
    }))
}

/// Change your own password: at any time, and necessarily after an administrator set it
/// (then every other call answers 403 `password_change_required` until you do).
///
/// Checks the current password like a sign-in: a wrong one answers 422
/// `current_password_incorrect`, and repeated failures are slowed down and then refused
/// with 429 and `Retry-After`, counted with the sign-in failures of your login. The new
/// password follows the same rules as every password (422 `validation_failed`, field
/// `new_password`: `password_too_short`, `password_too_weak`, `password_reused`). Your other
/// sessions end at once; this one goes on. Audited, without either password; outside
/// idempotency (nothing is kept).
#[utoipa::path(
    tag = "auth", operation_id = "change_own_password",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; your other sessions have ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API client has no password (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A wrong current password (`current_password_incorrect`), or a new one the rules refuse (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: AccountCaller,
    body: ApiJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner();
    let s = state.services.clone();
    let attempt = caller
        .run(move |ctx| Ok(s.password().change(ctx, &current_password, &new_password)))
        .await?;
    if let Some(d) = attempt.delay {
        // Slows a guesser down without holding a worker thread.
        actix_web::rt::time::sleep(d).await;
    }
    attempt.result?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start (or restart) setting up two-factor sign-in: a new secret and its `otpauth://` URI
/// for an authenticator app. 409 `totp_already_enabled` once set up.
#[utoipa::path(
    tag = "auth", operation_id = "start_totp",
    responses(
        (status = 200, body = TotpEnrolment),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/totp")]
pub async fn start_totp(
    state: web::Data<AppState>,
    caller: EnrollingCaller,
) -> Result<HttpResponse, ApiError> {
    let s = state.services.clone();
    let (secret, otpauth_uri) = caller.run(move |ctx| s.two_factor().start(ctx)).await?;
    Ok(HttpResponse::Ok().json(TotpEnrolment {
        secret,
        otpauth_uri,
    }))
}

/// Finish setting up two-factor sign-in with a code from the app; answers ten one-time
/// recovery codes, shown only now. A wrong code is 422 with the field code `invalid_totp`.
#[utoipa::path(
    tag = "auth", operation_id = "confirm_totp",
    request_body = TotpConfirm,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/totp/confirm")]
pub async fn confirm_totp(
    state: web::Data<AppState>,
    caller: EnrollingCaller,
    body: ApiJson<TotpConfirm>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    let s = state.services.clone();
    let recovery_codes = caller
        .run(move |ctx| s.two_factor().confirm(ctx, &code))
        .await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { recovery_codes }))
}
