//! `/reports/*`: the ministry's figures as JSON, CSV (`Accept: text/csv`) or Excel
//! (`Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), and the
//! annual workbook with every report on its own sheet.

use super::blocking;
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    AnnualQuery, ConsultationsReport, CooperationCountsReport, EmploymentOutcomesReport,
    ReferralLevelsReport, ReportQuery, SupportAwarenessReport,
};
use crate::problem::{ApiError, ListProblems};
use crate::sheet::{self, Sheet};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::reports::Period;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

/// What the client asked for in `Accept`; JSON unless it names CSV or the spreadsheet.
fn format(req: &HttpRequest) -> Format {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains(XLSX) {
        Format::Xlsx
    } else if accept.contains("text/csv") {
        Format::Csv
    } else {
        Format::Json
    }
}

fn file_name(stem: &str, period: &Period) -> String {
    match period.fiscal_year {
        Some(y) => format!("{stem}-{y}"),
        None => format!("{stem}-{}-{}", period.from, period.to),
    }
}

fn respond<T: Serialize>(
    req: &HttpRequest,
    stem: &str,
    period: &Period,
    body: &T,
    sheet: impl FnOnce() -> Sheet,
) -> Result<HttpResponse, ApiError> {
    let name = file_name(stem, period);
    match format(req) {
        Format::Json => Ok(HttpResponse::Ok().json(body)),
        Format::Csv => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(sheet::csv(&sheet()))),
        Format::Xlsx => xlsx_response(&name, &[sheet()]),
    }
}

fn xlsx_response(name: &str, sheets: &[Sheet]) -> Result<HttpResponse, ApiError> {
    let bytes = sheet::xlsx(sheets).map_err(|e| {
        tracing::error!(error = %e, "writing a workbook failed");
        ApiError::internal()
    })?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.xlsx\""),
        ))
        .body(bytes))
}

fn period(q: &ReportQuery) -> Result<Period, ApiError> {
    Period::parse(q.fiscal_year.as_deref(), q.from.as_deref(), q.to.as_deref())
        .map_err(ApiError::from)
}

/// What every report endpoint does: parse the period, run the use case off the executor,
/// shape the body, and answer in the format `Accept` asks for.
async fn run<T, B>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: ReportQuery,
    stem: &str,
    compute: fn(&Services, &Ctx, &Period, Option<&str>) -> Result<T, DomainError>,
    shape: fn(&Period, T) -> (B, Sheet),
) -> Result<HttpResponse, ApiError>
where
    T: Send + 'static,
    B: Serialize,
{
    let p = period(&q)?;
    let s = state.services.clone();
    let pref = q.prefecture_code;
    let r = blocking(move || compute(&s, &caller.0, &p, pref.as_deref())).await?;
    let (body, sheet) = shape(&p, r);
    respond(&req, stem, &p, &body, || sheet)
}

/// 紹介の対応状況: per agency type, the period's referrals at each level (the level currently
/// recorded) and the survey answer (the lower median level, or `none`). For the system
/// administrator: per agency type, how many centers gave each answer.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_referral_levels",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ReferralLevelsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/referral-levels")]
pub async fn referral_levels(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        req,
        q.into_inner(),
        "referral-levels",
        |s, c, p, pr| s.report_referral_levels(c, p, pr),
        |p, r| {
            let b = ReferralLevelsReport::new(p, r);
            let sheet = b.sheet(p);
            (b, sheet)
        },
    )
    .await
}

/// 連携件数: per agency type and purpose, the period's referrals and their survey band. For
/// the system administrator: per agency type and purpose, how many centers fall in each band
/// among those with at least one such referral.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_cooperation_counts",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((CooperationCountsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/cooperation-counts")]
pub async fn cooperation_counts(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        req,
        q.into_inner(),
        "cooperation-counts",
        |s, c, p, pr| s.report_cooperation_counts(c, p, pr),
        |p, r| {
            let b = CooperationCountsReport::new(p, r);
            let sheet = b.sheet(p);
            (b, sheet)
        },
    )
    .await
}

/// Consultations by channel, requester, topic and month; joint with the 難病患者就職サポーター,
/// anonymous, and distinct patients.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_consultations",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ConsultationsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/consultations")]
pub async fn consultations(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        req,
        q.into_inner(),
        "consultations",
        |s, c, p, pr| s.report_consultations(c, p, pr),
        |p, r| {
            let b = ConsultationsReport::new(p, r.clone());
            let sheet = b.sheet(p, &r);
            (b, sheet)
        },
    )
    .await
}

/// Per purpose and agency type: patients referred in the period and, of them, those whose
/// referral reached `employed` (new employment) or `retained` (job retention).
#[utoipa::path(
    tag = "reports",
    operation_id = "report_employment_outcomes",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((EmploymentOutcomesReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/employment-outcomes")]
pub async fn employment_outcomes(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        req,
        q.into_inner(),
        "employment-outcomes",
        |s, c, p, pr| s.report_employment_outcomes(c, p, pr),
        |p, r| {
            let b = EmploymentOutcomesReport::new(p, r);
            let sheet = b.sheet(p);
            (b, sheet)
        },
    )
    .await
}

/// Among patients registered in the period who were not working or seeking work: how many
/// use, used, know of, or never heard of employment support.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_support_awareness",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((SupportAwarenessReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/support-awareness")]
pub async fn support_awareness(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        req,
        q.into_inner(),
        "support-awareness",
        |s, c, p, pr| s.report_support_awareness(c, p, pr),
        |p, r| {
            let b = SupportAwarenessReport::new(p, r.clone());
            let sheet = b.sheet(p, &r);
            (b, sheet)
        },
    )
    .await
}

/// The annual workbook (.xlsx): every report of the fiscal year on its own sheet, with the
/// survey's Japanese headings — what a center hands in for its 年次計画・事業評価.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_annual",
    params(AnnualQuery),
    responses(
        (status = 200, description = "An Excel workbook",
         content((Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/annual")]
pub async fn annual(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<AnnualQuery>,
) -> Result<HttpResponse, ApiError> {
    let p = Period::parse(Some(&q.fiscal_year), None, None)?;
    let s = state.services.clone();
    let pref = q.prefecture_code.clone();
    let sheets = blocking(move || {
        let ctx = &caller.0;
        let pref = pref.as_deref();
        let levels = ReferralLevelsReport::new(&p, s.report_referral_levels(ctx, &p, pref)?);
        let coop = CooperationCountsReport::new(&p, s.report_cooperation_counts(ctx, &p, pref)?);
        let cons = s.report_consultations(ctx, &p, pref)?;
        let outcomes =
            EmploymentOutcomesReport::new(&p, s.report_employment_outcomes(ctx, &p, pref)?);
        let aware = s.report_support_awareness(ctx, &p, pref)?;
        Ok(vec![
            levels.sheet(&p),
            coop.sheet(&p),
            ConsultationsReport::new(&p, cons.clone()).sheet(&p, &cons),
            outcomes.sheet(&p),
            SupportAwarenessReport::new(&p, aware.clone()).sheet(&p, &aware),
        ])
    })
    .await?;
    xlsx_response(&file_name("annual", &p), &sheets)
}
