//! Data leaving Tsunagu: a patient's case as FHIR R4 (`/patients/{id}/fhir`, with the code
//! systems it uses at `/fhir/CodeSystem/{name}`) and the disclosure of everything held
//! about a patient (`/patients/{id}/disclosure`, APPI 保有個人データの開示).

use super::blocking;
use crate::AppState;
use crate::auth::{Caller, SignedIn};
use crate::dto::DisclosureDto;
use crate::pdf;
use crate::problem::{ApiError, DisclosureProblems, PatientReadProblems, ReadProblems};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, web};
use tsunagu_domain::DomainError;
use tsunagu_domain::exchange::disclosure::document;
use tsunagu_domain::exchange::fhir::{self, CodeSystemName, FHIR_JSON};
use uuid::Uuid;

fn fhir_response(body: &serde_json::Value) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|_| ApiError::internal())?;
    Ok(HttpResponse::Ok()
        .content_type(format!("{FHIR_JSON}; charset=utf-8"))
        .body(bytes))
}

/// The patient's case as an HL7 FHIR R4 `Bundle` of type `collection`: the `Patient`
/// (JP Core's JP_Patient conventions: the kanji name and the kana reading as two
/// `HumanName`s with the `iso21090-EN-representation` extension, `IDE` and `SYL`), the
/// center and each agency referred to as `Organization`, per referral a `ServiceRequest`
/// (intent `order`; level and purpose as coded extensions in Tsunagu's code systems, see
/// `/fhir/CodeSystem/{name}`) and a `Task` following the closed-loop referral (`requested`,
/// `accepted`, `in-progress`, `completed` or `cancelled`, from its follow-ups), and a
/// `Consent` per consent record. References are `urn:uuid:` full URLs within the bundle.
/// Read like the patient record (a peer supporter is refused: the referrals and consents
/// in it are the consultants'), and audited as `patient.fhir`.
#[utoipa::path(
    tag = "patients",
    operation_id = "get_patient_fhir",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "A FHIR R4 `Bundle` (`application/fhir+json`)",
         content_type = "application/fhir+json", body = Object),
        PatientReadProblems
    ),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}/fhir")]
pub async fn patient_fhir(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let bundle = caller
        .run(move |ctx| s.exchange().patient_fhir(ctx, id))
        .await?;
    fhir_response(&bundle)
}

/// One of Tsunagu's FHIR `CodeSystem`s, by name: `referral-level`, `referral-purpose`,
/// `agency-type` or `consent-scope`. Codings in the patient bundles name these by their
/// canonical `url` (`urn:tsunagu:fhir:CodeSystem:<name>`). No patient data.
#[utoipa::path(
    tag = "master data",
    operation_id = "get_fhir_code_system",
    params(("name" = String, Path, description = "`referral-level`, `referral-purpose`, `agency-type` or `consent-scope`")),
    responses(
        (status = 200, description = "A FHIR R4 `CodeSystem` (`application/fhir+json`)",
         content_type = "application/fhir+json", body = Object),
        ReadProblems
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
#[get("/fhir/CodeSystem/{name}")]
pub async fn code_system(
    _caller: SignedIn,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = CodeSystemName::parse(&name).ok_or_else(ApiError::not_found)?;
    fhir_response(&fhir::code_system(name))
}

/// Whether `Accept` asks for a PDF rather than JSON.
fn wants_pdf(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/pdf") && !accept.contains("application/json")
}

/// Everything the center holds about one patient, for disclosure to them (APPI
/// 保有個人データの開示): the profile, consultations, consents, referrals with the data
/// provided under them and their follow-ups, and who read or changed the record and when.
/// A supervisor in person only; audited as `patient.disclosure`. `Accept: application/pdf`
/// gives the same as a PDF in Japanese for the patient (406 where the installation has no
/// Japanese font: see the README, "Moving in and out"); JSON otherwise.
#[utoipa::path(
    tag = "patients",
    operation_id = "get_patient_disclosure",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "JSON, or a PDF as `Accept` asks",
         content((DisclosureDto = "application/json"), (Vec<u8> = "application/pdf"))),
        DisclosureProblems
    ),
    security(("bearer" = []))
)]
#[get("/patients/{id}/disclosure")]
pub async fn disclosure(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let font = if wants_pdf(&req) {
        // Known before anything is produced, so a refusal discloses nothing.
        Some(pdf::japanese_font().ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_ACCEPTABLE,
                "not_acceptable",
                "Not acceptable",
            )
            .detail("no Japanese font is installed for the PDF (TSUNAGU_PDF_FONT); ask for application/json")
        })?)
    } else {
        None
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let d = caller
        .run(move |ctx| s.exchange().disclosure(ctx, id))
        .await?;
    let Some(font) = font else {
        return Ok(HttpResponse::Ok().json(DisclosureDto::new(d, today)));
    };
    let name = format!("disclosure-{}.pdf", d.patient.case_number);
    let lines = document(&d);
    let bytes = blocking(move || {
        let data = std::fs::read(&font)
            .map_err(|e| DomainError::Internal(format!("the PDF font cannot be read: {e}")))?;
        pdf::render(&lines, &data)
            .ok_or_else(|| DomainError::Internal("the PDF font cannot be parsed".into()))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
