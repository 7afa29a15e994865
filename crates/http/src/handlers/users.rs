//! `/users`: a center's staff (center administrator; the system administrator for any center).

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{CreateUser, ListOf, ListQuery, UpdateUser, UserDto};
use crate::json::ApiJson;
use crate::problem::{ApiError, Problem};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::staff::{CreateUserInput, UpdateUserInput};
use uuid::Uuid;

/// List users: the caller's center's staff (the system administrator sees all).
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(ListQuery),
    responses(
        (status = 200, body = ListOf<UserDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller.run(move |ctx| s.users().list(ctx, req)).await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, UserDto::from)))
}

/// Create a user. A system administrator names the `center_id` (this is how a center gets
/// its first `center_admin`); a center administrator creates staff of its own center.
#[utoipa::path(
    tag = "users",
    operation_id = "create_user",
    request_body = CreateUser,
    responses(
        (status = 201, body = UserDto, headers(("ETag" = String), ("Location" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The login is taken (`login_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a weak password (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = CreateUserInput {
        center_id: b.center_id,
        administration_id: b.administration_id,
        login: b.login,
        display_name: b.display_name,
        role: b.role,
        password: b.password,
        // An administrator chose it: the new user replaces it at their first sign-in.
        must_change_password: true,
    };
    let s = state.services.clone();
    let u = caller.run(move |ctx| s.users().create(ctx, input)).await?;
    Ok(created(
        format!("/api/v1/users/{}", u.id),
        u.version,
        &UserDto::from(u),
    ))
}

/// Read a user of the caller's center.
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = UserDto, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let u = caller.run(move |ctx| s.users().get(ctx, id)).await?;
    Ok(json_with_etag(StatusCode::OK, u.version, &UserDto::from(u)))
}

/// Change a user (center administrator; anyone may change their own display name and
/// password). `active: false` deactivates. Requires `If-Match`.
#[utoipa::path(
    tag = "users",
    operation_id = "update_user",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateUser,
    responses(
        (status = 200, body = UserDto, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateUserInput {
        display_name: b.display_name,
        role: b.role,
        active: b.active,
        password: b.password,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let u = caller
        .run(move |ctx| s.users().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(StatusCode::OK, u.version, &UserDto::from(u)))
}

/// Reset a staff member's two-factor sign-in (a lost or replaced phone): their enrolment —
/// the secret and the recovery codes — is removed and every session of theirs ends at once.
/// At their next sign-in the password alone lets them in; where their center requires a
/// second factor for their role, they must set it up again before anything else.
///
/// A center administrator resets their center's staff (another center's user answers 404;
/// a fellow center administrator is the system administrator's to reset: 403
/// `insufficient_role`); the system administrator resets anyone's. Nobody resets their own
/// (403 `cannot_change_self`): the two-factor screen is for that. Idempotent: a user with
/// nothing set up is answered 204 as well (their sessions end all the same). Audited.
#[utoipa::path(
    tag = "users",
    operation_id = "reset_user_two_factor",
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Reset; the user's sessions have ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users/{id}/two-factor-reset")]
pub async fn reset_two_factor(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    caller.run(move |ctx| s.two_factor().reset(ctx, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
