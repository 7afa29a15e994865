//! `/projects`, `/projects/{id}/sessions`, `/project-sessions/{id}` and `/needs`: the 小慢
//! optional projects (任意事業), their sessions and the needs register (ニーズ). Every
//! operation answers 403 `program_not_offered` in a center that does not run `shoman`.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CreateNeed, CreateProject, CreateProjectSession, ListOf, NeedDto, NeedListQuery, PageQuery,
    ProjectDto, ProjectListQuery, ProjectSessionDto, UpdateNeed, UpdateProject,
    UpdateProjectSession,
};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, CreateUnderProblems, ListProblems, ListUnderProblems, ReadProblems,
    UpdateProblems,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::shoman::projects::{
    NeedInput, NeedQuery, NeedUpdate, ProjectInput, ProjectQuery, ProjectUpdate, SessionInput,
    SessionUpdate,
};
use uuid::Uuid;

/// The center's optional projects in creation order; `?kind=`, `?active=true|false` (not
/// ended before today, Asia/Tokyo).
#[utoipa::path(
    tag = "projects",
    operation_id = "list_projects",
    params(ProjectListQuery),
    responses((status = 200, body = ListOf<ProjectDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/projects")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ProjectListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = ProjectQuery {
        kind: q.kind,
        active: q.active,
    };
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.shoman_projects().projects(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |x| ProjectDto::new(x, today))))
}

/// Record an optional project the center runs (in house or commissioned to a `partner`).
#[utoipa::path(
    tag = "projects",
    operation_id = "create_project",
    request_body = CreateProject,
    responses(
        (status = 201, body = ProjectDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/projects")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateProject>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ProjectInput {
        kind: b.kind,
        name: b.name,
        description: b.description,
        started_on: b.started_on,
        ended_on: b.ended_on,
        partner: b.partner,
    };
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.shoman_projects().create_project(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/projects/{}", p.id),
        p.version,
        &ProjectDto::new(p, today),
    ))
}

/// Read a project.
#[utoipa::path(
    tag = "projects",
    operation_id = "get_project",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ProjectDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/projects/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.shoman_projects().project(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &ProjectDto::new(p, today),
    ))
}

/// Change a project, or end it (`ended_on`). Requires `If-Match`.
#[utoipa::path(
    tag = "projects",
    operation_id = "update_project",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateProject,
    responses((status = 200, body = ProjectDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/projects/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateProject>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ProjectUpdate {
        kind: b.kind,
        name: b.name,
        description: b.description,
        started_on: b.started_on,
        ended_on: b.ended_on,
        partner: b.partner,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.shoman_projects().update_project(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &ProjectDto::new(p, today),
    ))
}

/// A project's sessions in creation order.
#[utoipa::path(
    tag = "projects",
    operation_id = "list_project_sessions",
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = ListOf<ProjectSessionDto>), ListUnderProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/projects/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.shoman_projects().sessions(ctx, id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, ProjectSessionDto::from)))
}

/// Record a session of a project. The `activity` must fit the project's kind (422
/// `activity_not_for_kind`); named participants must be patients of the center (422
/// `participant_not_found`) with a consent in force on `held_on` (422
/// `participant_without_consent`); the counts cover at least the named participants.
#[utoipa::path(
    tag = "projects",
    operation_id = "create_project_session",
    params(("id" = Uuid, Path)),
    request_body = CreateProjectSession,
    responses(
        (status = 201, body = ProjectSessionDto, headers(("ETag" = String), ("Location" = String))),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/projects/{id}/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateProjectSession>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = SessionInput {
        held_on: b.held_on,
        activity: b.activity,
        place: b.place,
        online: b.online,
        staff_ids: b.staff_ids,
        children_count: b.children_count,
        family_count: b.family_count,
        participants: b.participants.into_iter().map(Into::into).collect(),
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.shoman_projects().create_session(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/project-sessions/{}", x.id),
        x.version,
        &ProjectSessionDto::from(x),
    ))
}

/// Read a session (an access event naming each named participant).
#[utoipa::path(
    tag = "projects",
    operation_id = "get_project_session",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ProjectSessionDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/project-sessions/{id}")]
pub async fn read_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.shoman_projects().session(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &ProjectSessionDto::from(x),
    ))
}

/// Change a session; `participants` replaces the named list. Requires `If-Match`.
#[utoipa::path(
    tag = "projects",
    operation_id = "update_project_session",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateProjectSession,
    responses((status = 200, body = ProjectSessionDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/project-sessions/{id}")]
pub async fn update_session(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateProjectSession>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = SessionUpdate {
        held_on: b.held_on,
        activity: b.activity,
        place: b.place,
        online: b.online,
        staff_ids: b.staff_ids,
        children_count: b.children_count,
        family_count: b.family_count,
        participants: b
            .participants
            .map(|p| p.into_iter().map(Into::into).collect()),
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.shoman_projects().update_session(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &ProjectSessionDto::from(x),
    ))
}

/// The needs register in creation order; `?kind=`, `?status=`, `?patient_id=`.
#[utoipa::path(
    tag = "projects",
    operation_id = "list_needs",
    params(NeedListQuery),
    responses((status = 200, body = ListOf<NeedDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/needs")]
pub async fn list_needs(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<NeedListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = NeedQuery {
        kind: q.kind,
        status: q.status,
        patient_id: q.patient_id,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.shoman_projects().needs(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, NeedDto::from)))
}

/// Note a need (ニーズ) the center sees and no one meets, about a patient or anonymous.
#[utoipa::path(
    tag = "projects",
    operation_id = "create_need",
    request_body = CreateNeed,
    responses(
        (status = 201, body = NeedDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/needs")]
pub async fn create_need(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateNeed>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = NeedInput {
        kind: b.kind,
        description: b.description,
        noted_on: b.noted_on,
        patient_id: b.patient_id,
        status: b.status,
        met_on: b.met_on,
    };
    let s = state.services.clone();
    let n = caller
        .run(move |ctx| s.shoman_projects().create_need(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/needs/{}", n.id),
        n.version,
        &NeedDto::from(n),
    ))
}

/// Read a need (an access event naming its patient, if any).
#[utoipa::path(
    tag = "projects",
    operation_id = "get_need",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = NeedDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/needs/{id}")]
pub async fn read_need(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let n = caller
        .run(move |ctx| s.shoman_projects().need(ctx, id))
        .await?;
    Ok(json_with_etag(StatusCode::OK, n.version, &NeedDto::from(n)))
}

/// Change a need or follow it up (`status: met` with `met_on`, or `dropped`). Requires
/// `If-Match`.
#[utoipa::path(
    tag = "projects",
    operation_id = "update_need",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateNeed,
    responses((status = 200, body = NeedDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/needs/{id}")]
pub async fn update_need(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateNeed>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = NeedUpdate {
        kind: b.kind,
        description: b.description,
        noted_on: b.noted_on,
        patient_id: b.patient_id,
        status: b.status,
        met_on: b.met_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let n = caller
        .run(move |ctx| s.shoman_projects().update_need(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(StatusCode::OK, n.version, &NeedDto::from(n)))
}
