//! `/liaison-contacts`: the 自立支援員's contacts with schools, employers and agencies about
//! a 小慢 child (関係機関との連絡調整). Every operation answers 403 `program_not_offered` in
//! a center that does not run the `shoman` program.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CreateLiaisonContact, LiaisonContactDto, LiaisonListQuery, ListOf, UpdateLiaisonContact,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::shoman::{LiaisonFilter, LiaisonInput, LiaisonUpdate};
use uuid::Uuid;

/// Contacts of the center, newest contact day first; `?patient_id=`, `?plan_id=`,
/// `?action_id=`.
#[utoipa::path(
    tag = "liaison",
    operation_id = "list_liaison_contacts",
    params(LiaisonListQuery),
    responses((status = 200, body = ListOf<LiaisonContactDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/liaison-contacts")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<LiaisonListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let filter = LiaisonFilter {
        patient_id: q.patient_id,
        plan_id: q.plan_id,
        action_id: q.action_id,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.liaison().list(ctx, filter, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, LiaisonContactDto::from)))
}

/// Record a contact about a patient of the `shoman` program (422 `patient_not_shoman`
/// otherwise). Passing data to a school or employer needs the child's consent covering it
/// (422 `consent_required`) and leaves a record of provision.
#[utoipa::path(
    tag = "liaison",
    operation_id = "create_liaison_contact",
    request_body = CreateLiaisonContact,
    responses(
        (status = 201, body = LiaisonContactDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[post("/liaison-contacts")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateLiaisonContact>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = LiaisonInput {
        patient_id: b.patient_id,
        plan_id: b.plan_id,
        action_id: b.action_id,
        body_kind: b.body_kind,
        body_name: b.body_name,
        contact_person: b.contact_person,
        channel: b.channel,
        contacted_on: b.contacted_on,
        summary: b.summary,
        shared_data: b.shared_data,
        next_on: b.next_on,
    };
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.liaison().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/liaison-contacts/{}", c.id),
        c.version,
        &LiaisonContactDto::from(c),
    ))
}

/// Read a contact.
#[utoipa::path(
    tag = "liaison",
    operation_id = "get_liaison_contact",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = LiaisonContactDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:read"]))
)]
#[get("/liaison-contacts/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller.run(move |ctx| s.liaison().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &LiaisonContactDto::from(c),
    ))
}

/// Change a contact. Requires `If-Match`. Turning `shared_data` on for a school or employer
/// checks the consent and leaves the record of provision then.
#[utoipa::path(
    tag = "liaison",
    operation_id = "update_liaison_contact",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateLiaisonContact,
    responses((status = 200, body = LiaisonContactDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["shoman:write"]))
)]
#[patch("/liaison-contacts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateLiaisonContact>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = LiaisonUpdate {
        plan_id: b.plan_id,
        action_id: b.action_id,
        body_kind: b.body_kind,
        body_name: b.body_name,
        contact_person: b.contact_person,
        channel: b.channel,
        contacted_on: b.contacted_on,
        summary: b.summary,
        shared_data: b.shared_data,
        next_on: b.next_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.liaison().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        c.version,
        &LiaisonContactDto::from(c),
    ))
}
