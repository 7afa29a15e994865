//! `/patient-merges`: a supervisor merges a patient registered twice into the record that
//! stays; `/patient-merge-previews` tells what would move first. Resources of their own, so
//! that nothing collides with `/patients/{id}`.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{CreatePatientMerge, PatientMergeDto};
use crate::json::ApiJson;
use crate::problem::{ApiError, MergeProblems};
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use tsunagu_domain::cases::MergeRequest;

fn request(b: CreatePatientMerge) -> MergeRequest {
    MergeRequest {
        survivor_id: b.survivor_id,
        merged_id: b.merged_id,
    }
}

/// Merge a patient registered twice into the record that stays (a supervisor, in person).
/// In one transaction every record of the merged patient — consultations, consents,
/// referrals with their follow-ups and records of provision, 小慢 plans, liaison contacts,
/// project sessions and needs, event attendances, supporter bookings, peer-supporter
/// assignments, agency links — moves to the survivor; where the survivor already holds the
/// same slot, assignment or attendance, the merged record's is let go (see `released_*`).
/// The merged id then answers 410 `patient_merged` with `merged_into` and `Location`, and
/// leaves lists, searches, duplicate checks and reports. Audited as one `patient.merge`
/// event naming both, announced as the `patient.merged` webhook. Refused with 409
/// `already_merged` when either record was merged already, 422 `validation_failed`
/// (`merged_id`: `same_as_survivor`) for the same id twice, 422 `programs_differ` across
/// programs. The answer's `Location` is the survivor.
#[utoipa::path(
    tag = "patients",
    operation_id = "merge_patients",
    request_body = CreatePatientMerge,
    responses(
        (status = 200, body = PatientMergeDto, headers(("Location" = String, description = "The surviving patient"))),
        MergeProblems
    ),
    security(("bearer" = []))
)]
#[post("/patient-merges")]
pub async fn merge(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePatientMerge>,
) -> Result<HttpResponse, ApiError> {
    let req = request(body.into_inner());
    let s = state.services.clone();
    let out = caller
        .run(move |ctx| s.patient_merges().merge(ctx, req))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/patients/{}", out.survivor.id),
        ))
        .json(PatientMergeDto::from(out)))
}

/// What merging would move, counted, for the supervisor to confirm (nothing changes; the
/// read is logged). The same checks and refusals as the merge.
#[utoipa::path(
    tag = "patients",
    operation_id = "preview_patient_merge",
    request_body = CreatePatientMerge,
    responses((status = 200, body = PatientMergeDto), MergeProblems),
    security(("bearer" = []))
)]
#[post("/patient-merge-previews")]
pub async fn preview(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePatientMerge>,
) -> Result<HttpResponse, ApiError> {
    let req = request(body.into_inner());
    let s = state.services.clone();
    let out = caller
        .run(move |ctx| s.patient_merges().preview(ctx, req))
        .await?;
    Ok(HttpResponse::Ok().json(PatientMergeDto::from(out)))
}
