//! `/administrations`: the prefectures, designated cities, 保健所設置市 and 特別区 that run
//! regional councils. The system administrator registers them and assigns centers
//! (`PATCH /centers/{id}` with `administration_id`); their officers read their own.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{AdministrationKind, ListOf, ListQuery, ts};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::ports::AssignedCenter;
use tsunagu_domain::regional::administrations::{
    Administration, CreateAdministrationInput, UpdateAdministrationInput,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// An administration (自治体).
#[derive(Debug, Serialize, ToSchema)]
pub struct AdministrationDto {
    pub id: Uuid,
    /// 全国地方公共団体コード (six digits with the check digit), e.g. `340006` for 広島県.
    #[schema(example = "340006")]
    pub code: String,
    #[schema(example = "広島県")]
    pub name: String,
    #[schema(value_type = AdministrationKind)]
    pub kind: String,
    /// JIS X 0401 prefecture code.
    #[schema(example = "34")]
    pub prefecture_code: String,
    /// Counts under this are shown as 「N未満」 in anything that leaves the administration
    /// (the publication, exports).
    #[schema(example = 5)]
    pub suppression_threshold: i32,
    pub active: bool,
    /// The centers assigned to it (on a single read; omitted in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub center_ids: Option<Vec<Uuid>>,
    /// The same centers with their codes and names (on a single read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centers: Option<Vec<AssignedCenterDto>>,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A center assigned to an administration.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignedCenterDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

impl AdministrationDto {
    fn new(a: Administration, centers: Option<Vec<AssignedCenter>>) -> Self {
        let center_ids = centers.as_ref().map(|cs| cs.iter().map(|c| c.id).collect());
        let centers = centers.map(|cs| {
            cs.into_iter()
                .map(|c| AssignedCenterDto {
                    id: c.id,
                    code: c.code,
                    name: c.name,
                })
                .collect()
        });
        Self {
            id: a.id,
            code: a.code,
            name: a.name,
            kind: a.kind.as_str().to_owned(),
            prefecture_code: a.prefecture_code,
            suppression_threshold: a.suppression_threshold,
            active: a.active,
            center_ids,
            centers,
            version: a.version,
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "340006", "kind": "prefecture"}))]
pub struct CreateAdministration {
    /// A code of this kind from the shipped master (`/master/municipalities`; a
    /// prefecture's is its two digits, `000` and the check digit). 422 `unknown_code`.
    #[schema(pattern = "{administration_code}")]
    pub code: String,
    #[schema(value_type = AdministrationKind)]
    pub kind: String,
    /// The master's name when absent or blank.
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub name: Option<String>,
    /// 1 to 100 (default 5).
    #[schema(minimum = 1, maximum = 100)]
    pub suppression_threshold: Option<i32>,
}

/// Fields to change; absent fields stay. An officer may change only
/// `suppression_threshold`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAdministration {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub suppression_threshold: Option<i32>,
    pub active: Option<bool>,
}

/// List administrations: every one for the system administrator, their own for an officer.
#[utoipa::path(
    tag = "regional",
    operation_id = "list_administrations",
    params(ListQuery),
    responses((status = 200, body = ListOf<AdministrationDto>), ListProblems),
    security(("bearer" = []))
)]
#[get("/administrations")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.administrations().list(ctx, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |a| AdministrationDto::new(a, None))))
}

/// Register an administration (system administrator). 409 `code_taken` for a code already
/// registered.
#[utoipa::path(
    tag = "regional",
    operation_id = "create_administration",
    request_body = CreateAdministration,
    responses(
        (status = 201, body = AdministrationDto, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The code is registered (`code_taken`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/administrations")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateAdministration>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = CreateAdministrationInput {
        code: b.code,
        kind: b.kind,
        name: b.name,
        suppression_threshold: b.suppression_threshold,
    };
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.administrations().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/administrations/{}", a.id),
        a.version,
        &AdministrationDto::new(a, Some(Vec::new())),
    ))
}

/// Read an administration with its centers: the system administrator any, an officer
/// their own (another answers 404).
#[utoipa::path(
    tag = "regional",
    operation_id = "get_administration",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AdministrationDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/administrations/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let (a, centers) = caller
        .run(move |ctx| s.administrations().get(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &AdministrationDto::new(a, Some(centers)),
    ))
}

/// Change an administration: the system administrator anything, an officer the
/// suppression threshold of their own. Requires `If-Match`.
#[utoipa::path(
    tag = "regional",
    operation_id = "update_administration",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateAdministration,
    responses((status = 200, body = AdministrationDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []))
)]
#[patch("/administrations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateAdministration>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateAdministrationInput {
        name: b.name,
        suppression_threshold: b.suppression_threshold,
        active: b.active,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let (a, centers) = caller
        .run(move |ctx| s.administrations().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &AdministrationDto::new(a, Some(centers)),
    ))
}
