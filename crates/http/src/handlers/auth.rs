//! Sign-in, token refresh, sign-out and `/me`.

use super::blocking;
use crate::AppState;
use crate::auth::{AccountCaller, request_meta};
use crate::dto::{
    LoginRequest, Me, RecoveryCodes, RefreshRequest, TokenPair, TotpConfirm, TotpEnrolment,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, Problem};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use tsunagu_domain::auth::sign_in::Issued;

fn pair(state: &AppState, issued: Issued) -> Result<TokenPair, ApiError> {
    let (access_token, expires_in) = state.jwt.issue(
        issued.user_id,
        issued.session_id,
        state.services.clock().now(),
    )?;
    Ok(TokenPair {
        access_token,
        refresh_token: issued.refresh_token,
        token_type: "Bearer",
        expires_in,
    })
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
    Ok(HttpResponse::Ok().json(pair(&state, issued)?))
}

/// Exchange a refresh token for a new pair.
///
/// The token is spent: presenting it again revokes the whole session (someone else holds it).
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
    let token = body.into_inner().refresh_token;
    let issued = blocking(move || services.sign_in().refresh(&meta, &token)).await?;
    Ok(HttpResponse::Ok().json(pair(&state, issued)?))
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
    caller: AccountCaller,
) -> Result<HttpResponse, ApiError> {
    let services = state.services.clone();
    caller
        .run(move |ctx| services.sign_in().logout(ctx))
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
        totp_enabled: a.totp_enabled,
        totp_required: a.must_enroll_totp,
    }))
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
    caller: AccountCaller,
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
    caller: AccountCaller,
    body: ApiJson<TotpConfirm>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    let s = state.services.clone();
    let recovery_codes = caller
        .run(move |ctx| s.two_factor().confirm(ctx, &code))
        .await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { recovery_codes }))
}
