//! `/patients`: people the center supports, their consent, the record of data provided to
//! agencies, and their timeline. Every read is logged by the domain's access log.

use super::{created, if_match, json_with_etag, page};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    CheckPatientDuplicates, ConsentDto, CreateConsent, CreatePatient, ItemsOf, ListOf, PatientDto,
    PatientListDto, PatientListQuery, PossibleDuplicateDto, ProvisionDto, TimelineDto,
    TimelineEntryDto, UpdatePatient,
};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, ListProblems, PatientCreateUnderProblems, PatientReadProblems,
    PatientUpdateProblems,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use tsunagu_domain::cases::{ConsentInput, DuplicateCheck, PatientInput, PatientListInput};
use uuid::Uuid;

/// Find patients by any part of the name or the reading (フリガナ), ignoring full/half width
/// and hiragana/katakana, or by case number, phone or birth date; narrow by program,
/// disease, employment, consultant, open referral or overdue follow-up; in registration or
/// kana order, with the total count. One audit event records the question and how many were
/// found.
#[utoipa::path(
    tag = "patients",
    operation_id = "list_patients",
    params(PatientListQuery),
    responses((status = 200, body = PatientListDto), ListProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<PatientListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut req = page(q.limit, q.cursor.as_deref())?;
    req.updated_since = q.updated_since;
    let q = q.into_inner();
    let input = PatientListInput {
        q: q.q,
        program: q.program,
        disease_number: q.disease_number,
        employment_status: q.employment_status,
        consultant: q.consultant,
        open_referral: q.open_referral,
        overdue: q.overdue,
        sort: q.sort,
    };
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.patients().search(ctx, &input, req))
        .await?;
    let page = ListOf::from_page(found.page, PatientDto::from);
    Ok(HttpResponse::Ok().json(PatientListDto {
        items: page.items,
        next_cursor: page.next_cursor,
        total: found.total,
    }))
}

/// Register a patient; the answer carries the new case number.
#[utoipa::path(
    tag = "patients",
    operation_id = "create_patient",
    request_body = CreatePatient,
    responses(
        (status = 201, body = PatientDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["patients:write"]))
)]
#[post("/patients")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePatient>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = PatientInput {
        family_name: Some(b.family_name),
        given_name: Some(b.given_name),
        family_name_kana: Some(b.family_name_kana),
        given_name_kana: Some(b.given_name_kana),
        birth_date: Some(b.birth_date),
        sex: Some(b.sex),
        prefecture_code: Some(b.prefecture_code),
        municipality_code: Some(b.municipality_code),
        phone: Some(b.phone),
        email: Some(b.email),
        program: Some(b.program),
        disease_number: Some(b.disease_number),
        diagnosis: Some(b.diagnosis),
        employment_status: Some(b.employment_status),
        support_awareness: Some(b.support_awareness),
        referral_source: Some(b.referral_source),
        disability_certificate: b.disability_certificate,
        notes: Some(b.notes),
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.patients().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/patients/{}", p.id),
        p.version,
        &PatientDto::from(p),
    ))
}

/// Read a patient.
#[utoipa::path(
    tag = "patients",
    operation_id = "get_patient",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PatientDto, headers(("ETag" = String))), PatientReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller.run(move |ctx| s.patients().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &PatientDto::from(p),
    ))
}

/// Change a patient. Requires `If-Match`.
#[utoipa::path(
    tag = "patients",
    operation_id = "update_patient",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdatePatient,
    responses((status = 200, body = PatientDto, headers(("ETag" = String))), PatientUpdateProblems),
    security(("bearer" = []), ("oauth2" = ["patients:write"]))
)]
#[patch("/patients/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdatePatient>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = PatientInput {
        family_name: b.family_name,
        given_name: b.given_name,
        family_name_kana: b.family_name_kana,
        given_name_kana: b.given_name_kana,
        birth_date: b.birth_date,
        sex: b.sex,
        prefecture_code: b.prefecture_code,
        municipality_code: b.municipality_code,
        phone: b.phone,
        email: b.email,
        program: b.program,
        disease_number: b.disease_number,
        diagnosis: b.diagnosis,
        employment_status: b.employment_status,
        support_awareness: b.support_awareness,
        referral_source: b.referral_source,
        disability_certificate: b.disability_certificate,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.patients().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        p.version,
        &PatientDto::from(p),
    ))
}

/// The patient's path in time order: consents, consultations, referrals, level changes,
/// data provided, follow-ups and the 小慢 optional-project sessions they were named in.
#[utoipa::path(
    tag = "patients",
    operation_id = "get_patient_timeline",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TimelineDto), PatientReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let (p, items) = caller
        .run(move |ctx| s.patients().timeline(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(TimelineDto {
        patient: p.into(),
        items: items
            .into_iter()
            .map(|e| TimelineEntryDto::new(e, today))
            .collect(),
    }))
}

/// The patient's consents to share data with agencies, oldest first (withdrawn ones too).
#[utoipa::path(
    tag = "patients",
    operation_id = "list_patient_consents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<ConsentDto>), PatientReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}/consents")]
pub async fn list_consents(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller.run(move |ctx| s.consents().list(ctx, id)).await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(ConsentDto::from).collect(),
    }))
}

/// Record the patient's consent to share personal data with agencies.
#[utoipa::path(
    tag = "patients",
    operation_id = "create_patient_consent",
    params(("id" = Uuid, Path)),
    request_body = CreateConsent,
    responses(
        (status = 201, body = ConsentDto, headers(("ETag" = String), ("Location" = String))),
        PatientCreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["patients:write"]))
)]
#[post("/patients/{id}/consents")]
pub async fn create_consent(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateConsent>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ConsentInput {
        given_on: b.given_on,
        scope: b.scope,
        notes: b.notes,
        given_by: b.given_by,
        guardian_name: b.guardian_name,
        guardian_relationship: b.guardian_relationship,
        child_assent: b.child_assent,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.consents().create(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/consents/{}", c.id),
        c.version,
        &ConsentDto::from(c),
    ))
}

/// The record of personal data provided to agencies about this patient (to whom, which
/// items, when, under which consent), oldest first.
#[utoipa::path(
    tag = "patients",
    operation_id = "list_patient_provisions",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<ProvisionDto>), PatientReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}/provisions")]
pub async fn list_provisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.consents().provisions(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(ProvisionDto::from).collect(),
    }))
}

/// Before registering a patient: those of the center the registration may already be — the
/// same reading and birth date, or the same phone number however grouped — with why (at
/// most 20). Nothing is stored; the read is logged like a search, without what was typed.
#[utoipa::path(
    tag = "patients",
    operation_id = "check_patient_duplicates",
    request_body = CheckPatientDuplicates,
    responses((status = 200, body = ItemsOf<PossibleDuplicateDto>), CreateProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[post("/patient-duplicate-checks")]
pub async fn check_duplicates(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CheckPatientDuplicates>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let check = DuplicateCheck {
        family_name_kana: b.family_name_kana,
        given_name_kana: b.given_name_kana,
        birth_date: b.birth_date,
        phone: b.phone,
    };
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.patients().duplicates(ctx, &check))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found
            .into_iter()
            .map(|(p, why)| PossibleDuplicateDto {
                patient: PatientDto::from(p),
                reasons: why.iter().map(|r| r.as_str()).collect(),
            })
            .collect::<Vec<_>>(),
    }))
}
