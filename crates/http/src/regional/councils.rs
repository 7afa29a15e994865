//! `/councils`: an administration's regional councils (難病対策地域協議会, 慢性疾病児童等地域支援協議会)
//! and their 部会, their members (with a sign-in for those who are not staff), and a council
//! member's confidentiality pledge (`/me/confidentiality-pledge`).
//!
//! Reach: the administration's officers read and write; the system administrator reads
//! every administration's (writes answer 403); a council member reads the councils they
//! sit on while today is within their term (before or after it: 404), and only after their
//! pledge (until then every council record answers 403 `pledge_required`); center staff
//! answer 403 `insufficient_role`; another administration's records answer 404.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CouncilKind, CouncilRole, CouncilScope, ItemsOf, ListOf, MemberCategory, date, double_option,
    ts,
};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListUnderProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::regional::councils::{
    AccountInput, Council, CouncilInput, CouncilMember, MemberInput, UpdateCouncilInput,
    UpdateMemberInput,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A regional council, or a 部会 of one (`parent_id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilDto {
    pub id: Uuid,
    pub administration_id: Uuid,
    /// For a 部会: the council it belongs to.
    pub parent_id: Option<Uuid>,
    #[schema(example = "広島県難病対策地域協議会")]
    pub name: String,
    #[schema(value_type = CouncilKind)]
    pub kind: String,
    #[schema(value_type = CouncilScope)]
    pub scope: String,
    /// The 二次医療圏 or 保健所 it covers, for the narrower scopes.
    pub area_name: Option<String>,
    #[schema(format = Date)]
    pub established_on: Option<String>,
    pub active: bool,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Council> for CouncilDto {
    fn from(c: Council) -> Self {
        Self {
            id: c.id,
            administration_id: c.administration_id,
            parent_id: c.parent_id,
            name: c.name,
            kind: c.kind.as_str().to_owned(),
            scope: c.scope.as_str().to_owned(),
            area_name: c.area_name,
            established_on: c.established_on.map(date),
            active: c.active,
            version: c.version,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "広島県難病対策地域協議会", "kind": "intractable", "scope": "prefecture", "established_on": "2016-04-01"}))]
pub struct CreateCouncil {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(value_type = CouncilKind)]
    pub kind: String,
    #[schema(value_type = CouncilScope)]
    pub scope: String,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub area_name: Option<String>,
    #[schema(format = Date)]
    pub established_on: Option<String>,
    /// For a 部会: a council of your administration that is not a 部会 itself (else 422
    /// `unknown_council` / `nested_subcouncil` at `parent_id`).
    pub parent_id: Option<Uuid>,
}

/// Fields to change; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCouncil {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[schema(value_type = Option<CouncilKind>)]
    pub kind: Option<String>,
    #[schema(value_type = Option<CouncilScope>)]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub area_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(format = Date)]
    pub established_on: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilListQuery {
    /// Only the 部会 of this council.
    pub parent_id: Option<Uuid>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A council member: a person and the body they represent, for a term.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilMemberDto {
    pub id: Uuid,
    pub council_id: Uuid,
    #[schema(example = "山田 太郎")]
    pub name: String,
    #[schema(example = "広島県医師会")]
    pub organization: String,
    #[schema(value_type = MemberCategory)]
    pub category: String,
    #[schema(value_type = CouncilRole)]
    pub council_role: String,
    #[schema(format = Date)]
    pub term_start: String,
    #[schema(format = Date)]
    pub term_end: String,
    /// Their sign-in (role `council_member`), once given.
    pub user_id: Option<Uuid>,
    /// When they pledged confidentiality (守秘義務の誓約).
    #[schema(format = DateTime)]
    pub pledged_at: Option<String>,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<CouncilMember> for CouncilMemberDto {
    fn from(m: CouncilMember) -> Self {
        Self {
            id: m.id,
            council_id: m.council_id,
            name: m.name,
            organization: m.organization,
            category: m.category.as_str().to_owned(),
            council_role: m.council_role.as_str().to_owned(),
            term_start: date(m.term_start),
            term_end: date(m.term_end),
            user_id: m.user_id,
            pledged_at: m.pledged_at.map(ts),
            version: m.version,
            created_at: ts(m.created_at),
            updated_at: ts(m.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "山田 太郎", "organization": "広島県医師会", "category": "medical", "council_role": "chair", "term_start": "2026-04-01", "term_end": "2028-03-31"}))]
pub struct CreateCouncilMember {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub organization: String,
    #[schema(value_type = MemberCategory)]
    pub category: String,
    /// `member` when absent.
    #[schema(value_type = Option<CouncilRole>)]
    pub council_role: Option<String>,
    #[schema(format = Date)]
    pub term_start: String,
    /// Not before `term_start` (422 `before_term_start`).
    #[schema(format = Date)]
    pub term_end: String,
}

/// Fields to change; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCouncilMember {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub organization: Option<String>,
    #[schema(value_type = Option<MemberCategory>)]
    pub category: Option<String>,
    #[schema(value_type = Option<CouncilRole>)]
    pub council_role: Option<String>,
    #[schema(format = Date)]
    pub term_start: Option<String>,
    #[schema(format = Date)]
    pub term_end: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"login": "hiroshima.council"}))]
pub struct CreateMemberAccount {
    /// The member's sign-in name (409 `login_taken` when in use).
    #[schema(pattern = "{login}")]
    pub login: String,
}

/// A member's new sign-in. The temporary password is shown only in this answer (never kept,
/// not even for an idempotent replay); the member changes it at their first sign-in, then
/// sets up two-factor sign-in, then makes the confidentiality pledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberAccountDto {
    pub member: CouncilMemberDto,
    pub login: String,
    pub temporary_password: String,
}

fn council_path(id: Uuid) -> String {
    format!("/api/v1/councils/{id}")
}

/// List the councils within your reach: an officer's administration's, every
/// administration's for the system administrator, the ones a council member sits on.
#[utoipa::path(
    tag = "regional",
    operation_id = "list_councils",
    params(CouncilListQuery),
    responses((status = 200, body = ListOf<CouncilDto>), ListUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/councils")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<CouncilListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.councils().list(ctx, q.parent_id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, CouncilDto::from)))
}

/// Set up a council (or a 部会, with `parent_id`) of your administration (an officer).
#[utoipa::path(
    tag = "regional",
    operation_id = "create_council",
    request_body = CreateCouncil,
    responses(
        (status = 201, body = CouncilDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/councils")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCouncil>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = CouncilInput {
        name: b.name,
        kind: b.kind,
        scope: b.scope,
        area_name: b.area_name,
        established_on: b.established_on,
        parent_id: b.parent_id,
    };
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.councils().create(ctx, input))
        .await?;
    Ok(created(council_path(c.id), c.version, &CouncilDto::from(c)))
}

/// Read a council.
#[utoipa::path(
    tag = "regional",
    operation_id = "get_council",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CouncilDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/councils/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller.run(move |ctx| s.councils().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &CouncilDto::from(c),
    ))
}

/// Change a council (an officer of its administration). Requires `If-Match`.
#[utoipa::path(
    tag = "regional",
    operation_id = "update_council",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateCouncil,
    responses((status = 200, body = CouncilDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[patch("/councils/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateCouncil>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateCouncilInput {
        name: b.name,
        kind: b.kind,
        scope: b.scope,
        area_name: b.area_name,
        established_on: b.established_on,
        active: b.active,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.councils().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &CouncilDto::from(c),
    ))
}

// --- members -------------------------------------------------------------------------------

/// A council's members (its 名簿), read by whoever reads the council.
#[utoipa::path(
    tag = "regional",
    operation_id = "list_council_members",
    params(("id" = Uuid, Path), crate::dto::ListQuery),
    responses((status = 200, body = ListOf<CouncilMemberDto>), ListUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/councils/{id}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<crate::dto::ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.councils().members(ctx, id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, CouncilMemberDto::from)))
}

/// Add a member to a council (an officer).
#[utoipa::path(
    tag = "regional",
    operation_id = "create_council_member",
    params(("id" = Uuid, Path)),
    request_body = CreateCouncilMember,
    responses(
        (status = 201, body = CouncilMemberDto, headers(("ETag" = String), ("Location" = String))),
        (status = 404, description = "No such council within your reach (`not_found`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/councils/{id}/members")]
pub async fn create_member(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateCouncilMember>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = MemberInput {
        name: b.name,
        organization: b.organization,
        category: b.category,
        council_role: b.council_role,
        term_start: b.term_start,
        term_end: b.term_end,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| s.councils().add_member(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/councils/{id}/members/{}", m.id),
        m.version,
        &CouncilMemberDto::from(m),
    ))
}

/// Read a council member.
#[utoipa::path(
    tag = "regional",
    operation_id = "get_council_member",
    params(("id" = Uuid, Path), ("member_id" = Uuid, Path)),
    responses((status = 200, body = CouncilMemberDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/councils/{id}/members/{member_id}")]
pub async fn read_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, member_id) = path.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| s.councils().member(ctx, id, member_id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        m.version,
        &CouncilMemberDto::from(m),
    ))
}

/// Change a member (an officer): their name, body, category, part or term. Requires
/// `If-Match`.
#[utoipa::path(
    tag = "regional",
    operation_id = "update_council_member",
    params(("id" = Uuid, Path), ("member_id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateCouncilMember,
    responses((status = 200, body = CouncilMemberDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[patch("/councils/{id}/members/{member_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<UpdateCouncilMember>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateMemberInput {
        name: b.name,
        organization: b.organization,
        category: b.category,
        council_role: b.council_role,
        term_start: b.term_start,
        term_end: b.term_end,
    };
    let (id, member_id) = path.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| {
            s.councils()
                .update_member(ctx, id, member_id, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        m.version,
        &CouncilMemberDto::from(m),
    ))
}

/// Give a member who is not staff a sign-in (an officer): a user with role
/// `council_member` and a temporary password, answered only here. The member changes it at
/// their first sign-in and must set up two-factor sign-in (TOTP) before anything else.
/// 409 `account_exists` when the member has one; 409 `login_taken`.
#[utoipa::path(
    tag = "regional",
    operation_id = "create_council_member_account",
    params(("id" = Uuid, Path), ("member_id" = Uuid, Path)),
    request_body = CreateMemberAccount,
    responses(
        (status = 201, body = MemberAccountDto, headers(("Location" = String))),
        (status = 404, description = "No such member within your reach (`not_found`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The member has a sign-in (`account_exists`) or the login is in use (`login_taken`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/councils/{id}/members/{member_id}/account")]
pub async fn create_account(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<CreateMemberAccount>,
) -> Result<HttpResponse, ApiError> {
    let login = body.into_inner().login;
    let (id, member_id) = path.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| {
            s.councils().give_account(
                ctx,
                id,
                member_id,
                AccountInput {
                    login,
                    password: None,
                    must_change_password: true,
                },
            )
        })
        .await?;
    let res = HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/councils/{id}/members/{member_id}"),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(MemberAccountDto {
            member: CouncilMemberDto::from(a.member),
            login: a.login,
            temporary_password: a.temporary_password,
        });
    Ok(crate::idempotency::secret_answer(res))
}

/// Make the confidentiality pledge (守秘義務の誓約) as a council member: recorded on every
/// seat you hold. Until you have, every council record answers 403 `pledge_required`.
/// Answers your seats.
#[utoipa::path(
    tag = "regional",
    operation_id = "make_confidentiality_pledge",
    responses(
        (status = 200, body = ItemsOf<CouncilMemberDto>),
        (status = 401, description = "Not signed in", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council member (`insufficient_role`)", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/confidentiality-pledge")]
pub async fn pledge(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let s = state.services.clone();
    let seats = caller.run(move |ctx| s.councils().pledge(ctx)).await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: seats.into_iter().map(CouncilMemberDto::from).collect(),
    }))
}
