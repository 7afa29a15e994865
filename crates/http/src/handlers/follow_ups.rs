//! `/follow-ups`: the work queue, and recording a follow-up.

use super::{if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    FollowUpDto, FollowUpListQuery, ListOf, ReassignFollowUps, ReassignedFollowUps, UpdateFollowUp,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, LinkProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::cases::{FollowUpQuery, FollowUpUpdate, ReassignInput};
use uuid::Uuid;

/// The follow-up queue: by default everything open, overdue first (overdue is counted in
/// Asia/Tokyo dates); `?state=due|overdue|done`, `?assignee=me` or a user id.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_follow_ups",
    params(FollowUpListQuery),
    responses((status = 200, body = ListOf<FollowUpDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["follow_ups:read"]))
)]
#[get("/follow-ups")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<FollowUpListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut req = page(q.limit, q.cursor.as_deref())?;
    req.updated_since = q.updated_since;
    let q = q.into_inner();
    let query = FollowUpQuery {
        state: q.state,
        assignee: q.assignee,
        patient_id: q.patient_id,
        due_from: q.due_from,
        due_to: q.due_to,
    };
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let p = caller
        .run(move |ctx| s.follow_ups().list(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, |v| FollowUpDto::new(v, today))))
}

/// Read a follow-up.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_follow_up",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FollowUpDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["follow_ups:read"]))
)]
#[get("/follow-ups/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let f = caller.run(move |ctx| s.follow_ups().get(ctx, id)).await?;
    let version = f.follow_up.version;
    Ok(json_with_etag(
        StatusCode::OK,
        version,
        &FollowUpDto::new(f, today),
    ))
}

/// Record a follow-up as done (with `next_due_on` to schedule the next one), or reschedule
/// an open one. Requires `If-Match`.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "update_follow_up",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateFollowUp,
    responses((status = 200, body = FollowUpDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["follow_ups:write"]))
)]
#[patch("/follow-ups/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateFollowUp>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = FollowUpUpdate {
        due_on: b.due_on,
        assignee_id: b.assignee_id,
        done_on: b.done_on,
        method: b.method,
        contacted: b.contacted,
        outcome: b.outcome,
        notes: b.notes,
        next_due_on: b.next_due_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let f = caller
        .run(move |ctx| s.follow_ups().update(ctx, id, version, input))
        .await?;
    let version = f.follow_up.version;
    Ok(json_with_etag(
        StatusCode::OK,
        version,
        &FollowUpDto::new(f, today),
    ))
}

/// Hand open follow-ups to another consultant or supervisor (someone is away, or leaves):
/// the ones named, or every open one of `from_assignee_id`; all or none (409
/// `follow_ups_changed` when one was done or changed meanwhile: read the list again). A
/// supervisor in person (403 `supervisor_only`); 422 `one_of_required`, `too_many`,
/// `not_found`, `not_open`, `unknown_user`. Each change is audited, naming its patient.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "reassign_follow_ups",
    request_body = ReassignFollowUps,
    responses((status = 200, body = ReassignedFollowUps), LinkProblems),
    security(("bearer" = []))
)]
#[post("/follow-up-reassignments")]
pub async fn reassign(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ReassignFollowUps>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ReassignInput {
        follow_up_ids: b.follow_up_ids,
        from_assignee_id: b.from_assignee_id,
        assignee_id: b.assignee_id,
    };
    let s = state.services.clone();
    let ids = caller
        .run(move |ctx| s.follow_ups().reassign(ctx, input))
        .await?;
    Ok(HttpResponse::Ok().json(ReassignedFollowUps {
        count: ids.len(),
        follow_up_ids: ids,
    }))
}
