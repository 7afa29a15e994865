//! `/support-plans`: 小慢 self-reliance support plans (各種支援策の利用計画), their submitted
//! versions, supervisors' reviews and actions. Every operation answers 403
//! `program_not_offered` in a center that does not run the `shoman` program.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CreatePlanAction, CreatePlanReview, CreateSupportPlan, ItemsOf, ListOf, PlanActionDto,
    PlanReviewDto, PlanVersionDto, SupportPlanDto, SupportPlanListQuery, TransitionEntryDto,
    TransitionQuery, UpdatePlanAction, UpdateSupportPlan,
};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, CreateUnderProblems, ListProblems, ReadProblems, UpdateProblems,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::shoman::{ActionInput, ActionUpdate, PlanInput, PlanQuery, PlanUpdate};
use uuid::Uuid;

/// Support plans of the center, in creation order; `?patient_id=`, `?state=`,
/// `?review_due=overdue|scheduled` (by the next review's day, earliest first; Asia/Tokyo),
/// `?action_overdue=true` (an open action past its due day).
#[utoipa::path(
    tag = "support-plans",
    operation_id = "list_support_plans",
    params(SupportPlanListQuery),
    responses((status = 200, body = ListOf<SupportPlanDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<SupportPlanListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = PlanQuery {
        patient_id: q.patient_id,
        state: q.state,
        review_due: q.review_due,
        action_overdue: q.action_overdue,
    };
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.support_plans().list(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |(x, label)| {
        SupportPlanDto::with_label(x, label, today)
    })))
}

/// Draft a support plan for a patient of the `shoman` program (422 `patient_not_shoman`
/// for another program's patient).
#[utoipa::path(
    tag = "support-plans",
    operation_id = "create_support_plan",
    request_body = CreateSupportPlan,
    responses(
        (status = 201, body = SupportPlanDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/support-plans")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateSupportPlan>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = PlanInput {
        patient_id: b.patient_id,
        situation: b.situation,
        wishes: b.wishes,
        goals: b.goals.into_iter().map(Into::into).collect(),
        author_id: b.author_id,
    };
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.support_plans().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/support-plans/{}", p.id),
        p.version,
        &SupportPlanDto::new(p, today),
    ))
}

/// Read a support plan (its current revision).
#[utoipa::path(
    tag = "support-plans",
    operation_id = "get_support_plan",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupportPlanDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.support_plans().get(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &SupportPlanDto::new(p, today),
    ))
}

/// Revise a plan or submit it for review (`state: "submitted"`). Editing a returned or
/// approved plan starts its next revision; a plan under review is not edited (422
/// `plan_under_review`); only a draft is submitted (422 `plan_not_draft`). Requires
/// `If-Match`.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "update_support_plan",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateSupportPlan,
    responses((status = 200, body = SupportPlanDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/support-plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateSupportPlan>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = PlanUpdate {
        situation: b.situation,
        wishes: b.wishes,
        goals: b.goals.map(|g| g.into_iter().map(Into::into).collect()),
        state: b.state,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.support_plans().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &SupportPlanDto::new(p, today),
    ))
}

/// The plan's revisions as they were submitted for review, oldest first.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "list_support_plan_versions",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<PlanVersionDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.support_plans().versions(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(PlanVersionDto::from).collect(),
    }))
}

/// A supervisor approves the submitted revision (scheduling the next review: the given
/// `review_due_on`, or six months on) or returns it with a comment. Four eyes: never on a
/// plan the supervisor wrote or submitted (403 `four_eyes`); only a submitted plan (422
/// `plan_not_submitted`).
#[utoipa::path(
    tag = "support-plans",
    operation_id = "create_support_plan_review",
    params(("id" = Uuid, Path)),
    request_body = CreatePlanReview,
    responses((status = 201, body = PlanReviewDto, headers(("Location" = String))), CreateUnderProblems),
    security(("bearer" = []))
)]
#[post("/support-plans/{id}/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreatePlanReview>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let id = id.into_inner();
    let s = state.services.clone();
    let (_, review) = caller
        .run(move |ctx| {
            s.support_plans().review(
                ctx,
                id,
                &b.decision,
                b.comment.as_deref(),
                b.review_due_on.as_deref(),
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/support-plans/{id}/reviews"),
        ))
        .json(PlanReviewDto::from(review)))
}

/// The plan's reviews, oldest first.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "list_support_plan_reviews",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<PlanReviewDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans/{id}/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.support_plans().reviews(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(PlanReviewDto::from).collect(),
    }))
}

/// The plan's actions by due day; `overdue` says which open ones are past it.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "list_support_plan_actions",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<PlanActionDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans/{id}/actions")]
pub async fn list_actions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let found = caller
        .run(move |ctx| s.support_plans().actions(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found
            .into_iter()
            .map(|a| PlanActionDto::new(a, today))
            .collect(),
    }))
}

/// Add an action to a plan: the body that delivers it, who is responsible, by when.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "create_support_plan_action",
    params(("id" = Uuid, Path)),
    request_body = CreatePlanAction,
    responses(
        (status = 201, body = PlanActionDto, headers(("ETag" = String), ("Location" = String))),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/support-plans/{id}/actions")]
pub async fn create_action(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreatePlanAction>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ActionInput {
        body_kind: b.body_kind,
        body_name: b.body_name,
        description: b.description,
        responsible: b.responsible,
        due_on: b.due_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let a = caller
        .run(move |ctx| s.support_plans().add_action(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/support-plans/{id}/actions/{}", a.id),
        a.version,
        &PlanActionDto::new(a, today),
    ))
}

/// Read one action of a plan.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "get_support_plan_action",
    params(("id" = Uuid, Path), ("action_id" = Uuid, Path)),
    responses((status = 200, body = PlanActionDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/support-plans/{id}/actions/{action_id}")]
pub async fn read_action(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, action_id) = path.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let a = caller
        .run(move |ctx| s.support_plans().action(ctx, id, action_id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &PlanActionDto::new(a, today),
    ))
}

/// Change an action or follow it up: `done`, `not_done` or `changed` with the `outcome`,
/// and the `next_on` date. Requires `If-Match`.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "update_support_plan_action",
    params(("id" = Uuid, Path), ("action_id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdatePlanAction,
    responses((status = 200, body = PlanActionDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/support-plans/{id}/actions/{action_id}")]
pub async fn update_action(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<UpdatePlanAction>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ActionUpdate {
        body_kind: b.body_kind,
        body_name: b.body_name,
        description: b.description,
        responsible: b.responsible,
        due_on: b.due_on,
        state: b.state,
        outcome: b.outcome,
        next_on: b.next_on,
    };
    let (id, action_id) = path.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let a = caller
        .run(move |ctx| {
            s.support_plans()
                .update_action(ctx, id, action_id, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &PlanActionDto::new(a, today),
    ))
}

/// The transition (移行期) list: the center's 小慢 children who turn 18 within
/// `within_months` (default 24), and older children still in the program, oldest first,
/// each with their latest plan and its transition goals. Moving a child to the adult 難病
/// program is `PATCH /patients/{id}` with `program: "nanbyo"`: the same patient, with the
/// change kept on the timeline.
#[utoipa::path(
    tag = "support-plans",
    operation_id = "list_transition",
    params(TransitionQuery),
    responses((status = 200, body = ListOf<TransitionEntryDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/transition")]
pub async fn transition(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<TransitionQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let months = q.within_months;
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.support_plans().transition(ctx, months, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |x| TransitionEntryDto::new(x, today))))
}
