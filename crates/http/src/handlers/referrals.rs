//! `/referrals`: 紹介 at a level, its level history and its follow-ups.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CreateFollowUp, CreateReferral, FollowUpDto, ItemsOf, LevelChangeDto, ListOf, ListQuery,
    ReferralDto, ReferralListQuery, UpdateReferral,
};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, CreateUnderProblems, ListProblems, ListUnderProblems, ReadProblems,
    UpdateProblems,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::cases::{FollowUpInput, ReferralInput, ReferralQuery, ReferralUpdate};
use uuid::Uuid;

/// Referrals, newest referral date first.
#[utoipa::path(
    tag = "referrals",
    operation_id = "list_referrals",
    params(ReferralListQuery),
    responses((status = 200, body = ListOf<ReferralDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:read"]))
)]
#[get("/referrals")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ReferralListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut req = page(q.limit, q.cursor.as_deref())?;
    req.updated_since = q.updated_since;
    let q = q.into_inner();
    let query = ReferralQuery {
        patient_id: q.patient_id,
        agency_id: q.agency_id,
        consultant_id: q.consultant_id,
        status: q.status,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.referrals().list(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, ReferralDto::from)))
}

/// Refer a patient to an agency. From `phone_mediation` up this passes the patient's data
/// and needs a consent in force (422 `consent_required` otherwise) and `shared_items`; it
/// writes a record of provision. At `accompanied_with_follow_up` the first follow-up is
/// scheduled automatically (the center's `follow_up_days` after the referral date).
#[utoipa::path(
    tag = "referrals",
    operation_id = "create_referral",
    request_body = CreateReferral,
    responses(
        (status = 201, body = ReferralDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["referrals:write"]))
)]
#[post("/referrals")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ReferralInput {
        patient_id: b.patient_id,
        consultation_id: b.consultation_id,
        agency_id: b.agency_id,
        purpose: b.purpose,
        level: b.level,
        referred_on: b.referred_on,
        handed_over: b.handed_over,
        notes: b.notes,
        shared_items: b.shared_items,
        consultant_id: b.consultant_id,
    };
    let s = state.services.clone();
    let r = caller
        .run(move |ctx| s.referrals().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/referrals/{}", r.id),
        r.version,
        &ReferralDto::from(r),
    ))
}

/// Read a referral.
#[utoipa::path(
    tag = "referrals",
    operation_id = "get_referral",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ReferralDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:read"]))
)]
#[get("/referrals/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let r = caller.run(move |ctx| s.referrals().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        r.version,
        &ReferralDto::from(r),
    ))
}

/// Change a referral: raise its level (lowering is a supervisor's, with `level_reason`:
/// 403 `lowering_requires_supervisor`), edit it, or close it with an outcome (a level-4
/// referral only after a follow-up is done: 422 `follow_up_required`). Requires `If-Match`.
#[utoipa::path(
    tag = "referrals",
    operation_id = "update_referral",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateReferral,
    responses((status = 200, body = ReferralDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:write"]))
)]
#[patch("/referrals/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateReferral>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ReferralUpdate {
        purpose: b.purpose,
        level: b.level,
        level_reason: b.level_reason,
        shared_items: b.shared_items,
        handed_over: b.handed_over,
        notes: b.notes,
        consultant_id: b.consultant_id,
        status: b.status,
        outcome: b.outcome,
        closed_on: b.closed_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let r = caller
        .run(move |ctx| s.referrals().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        r.version,
        &ReferralDto::from(r),
    ))
}

/// Every level the referral has had, with who changed it, when and why.
#[utoipa::path(
    tag = "referrals",
    operation_id = "list_referral_level_changes",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<LevelChangeDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:read"]))
)]
#[get("/referrals/{id}/level-changes")]
pub async fn level_changes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.referrals().level_changes(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(LevelChangeDto::from).collect(),
    }))
}

/// The referral's follow-ups (scheduled, done and cancelled), by due date.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_referral_follow_ups",
    params(("id" = Uuid, Path), ListQuery),
    responses((status = 200, body = ListOf<FollowUpDto>), ListUnderProblems),
    security(("bearer" = []), ("oauth2" = ["follow_ups:read"]))
)]
#[get("/referrals/{id}/follow-ups")]
pub async fn list_follow_ups(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.follow_ups().for_referral(ctx, id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |v| FollowUpDto::new(v, today))))
}

/// Schedule a follow-up of the referral.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "create_referral_follow_up",
    params(("id" = Uuid, Path)),
    request_body = CreateFollowUp,
    responses(
        (status = 201, body = FollowUpDto, headers(("ETag" = String), ("Location" = String))),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["follow_ups:write"]))
)]
#[post("/referrals/{id}/follow-ups")]
pub async fn create_follow_up(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateFollowUp>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = FollowUpInput {
        due_on: b.due_on,
        assignee_id: b.assignee_id,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let f = caller
        .run(move |ctx| s.follow_ups().create(ctx, id, input))
        .await?;
    let version = f.follow_up.version;
    Ok(created(
        format!("/api/v1/follow-ups/{}", f.follow_up.id),
        version,
        &FollowUpDto::new(f, today),
    ))
}
