//! `/reports/*`: the ministry's figures as JSON, CSV (`Accept: text/csv`) or Excel
//! (`Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), and the
//! annual workbook with every report on its own sheet.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    AnnualQuery, ConsultationsReport, CooperationCountsReport, EmploymentOutcomesReport,
    ReferralLevelsReport, ReportQuery, ShomanConsultationsReport, ShomanImplementationReport,
    ShomanNeedsReport, ShomanPlansReport, ShomanProjectsReport, SupportAwarenessReport,
};
use crate::problem::{ApiError, ListProblems};
use crate::sheet::{self, Sheet};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::reports::{
    Across, AwarenessReport, ConsultationReport, CooperationCounts, OutcomeRow, Period,
    ReferralLevels, Reports, ShomanConsultationReport, ShomanPlanReport,
};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
    Xlsx,
}

/// What the client asked for in `Accept`; JSON unless it names CSV or the spreadsheet.
pub(crate) fn format(req: &HttpRequest) -> Format {
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
    respond_as(format(req), &file_name(stem, period), body, sheet)
}

/// A body as JSON, or its sheet as a CSV or Excel download named `name`.
pub(crate) fn respond_as<T: Serialize>(
    format: Format,
    name: &str,
    body: &T,
    sheet: impl FnOnce() -> Sheet,
) -> Result<HttpResponse, ApiError> {
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(body)),
        Format::Csv => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(sheet::csv(&sheet()))),
        Format::Xlsx => xlsx_response(name, &[sheet()]),
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

/// One report as `/reports/*` serves it: the file name's stem, the domain use case that
/// computes its figures, and how they become the JSON body and the sheet.
trait Report: Serialize + Sized {
    const STEM: &'static str;
    type Figures: Send + 'static;
    fn compute(
        reports: Reports<'_>,
        ctx: &Ctx,
        period: &Period,
        across: Across<'_>,
    ) -> Result<Self::Figures, DomainError>;
    fn shape(period: &Period, figures: Self::Figures) -> (Self, Sheet);
}

/// Implements [`Report`] for a report body: its stem, its figures and use case, and whether
/// its sheet is drawn from the figures as well as from the body.
macro_rules! report {
    (@shape $p:ident, $f:ident) => {{
        let b = Self::new($p, $f);
        let sheet = b.sheet($p);
        (b, sheet)
    }};
    (@shape $p:ident, $f:ident, from_figures) => {{
        let b = Self::new($p, $f.clone());
        let sheet = b.sheet($p, &$f);
        (b, sheet)
    }};
    ($body:ty, $stem:literal, $figures:ty, $use_case:ident $(, $from_figures:ident)?) => {
        impl Report for $body {
            const STEM: &'static str = $stem;
            type Figures = $figures;
            fn compute(
                r: Reports<'_>,
                c: &Ctx,
                p: &Period,
                pref: Across<'_>,
            ) -> Result<$figures, DomainError> {
                r.$use_case(c, p, pref)
            }
            fn shape(p: &Period, f: $figures) -> (Self, Sheet) {
                report!(@shape p, f $(, $from_figures)?)
            }
        }
    };
}

report!(
    ReferralLevelsReport,
    "referral-levels",
    ReferralLevels,
    referral_levels
);
report!(
    CooperationCountsReport,
    "cooperation-counts",
    CooperationCounts,
    cooperation_counts
);
report!(
    ConsultationsReport,
    "consultations",
    ConsultationReport,
    consultations,
    from_figures
);
report!(
    EmploymentOutcomesReport,
    "employment-outcomes",
    Vec<OutcomeRow>,
    employment_outcomes
);
report!(
    SupportAwarenessReport,
    "support-awareness",
    AwarenessReport,
    support_awareness,
    from_figures
);

report!(
    ShomanPlansReport,
    "shoman-plans",
    ShomanPlanReport,
    shoman_plans
);
report!(
    ShomanConsultationsReport,
    "shoman-consultations",
    ShomanConsultationReport,
    shoman_consultations,
    from_figures
);

/// What every report endpoint does: parse the period, run the use case off the executor,
/// shape the body, and answer in the format `Accept` asks for.
async fn serve<R: Report>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: ReportQuery,
) -> Result<HttpResponse, ApiError> {
    let p = period(&q)?;
    let s = state.services.clone();
    let (pref, adm) = (q.prefecture_code, q.administration_id);
    let figures = caller
        .run(move |ctx| R::compute(s.reports(), ctx, &p, across(pref.as_deref(), adm)))
        .await?;
    let (body, sheet) = R::shape(&p, figures);
    respond(&req, R::STEM, &p, &body, || sheet)
}

/// The centers a report across centers asks for, from its query.
fn across(prefecture: Option<&str>, administration: Option<uuid::Uuid>) -> Across<'_> {
    Across {
        prefecture,
        administration,
    }
}

/// A report's sheet in the annual workbook.
fn sheet_of<R: Report>(
    s: &Services,
    ctx: &Ctx,
    p: &Period,
    pref: Across<'_>,
) -> Result<Sheet, DomainError> {
    let figures = R::compute(s.reports(), ctx, p, pref)?;
    Ok(R::shape(p, figures).1)
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
    serve::<ReferralLevelsReport>(state, caller, req, q.into_inner()).await
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
    serve::<CooperationCountsReport>(state, caller, req, q.into_inner()).await
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
    serve::<ConsultationsReport>(state, caller, req, q.into_inner()).await
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
    serve::<EmploymentOutcomesReport>(state, caller, req, q.into_inner()).await
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
    serve::<SupportAwarenessReport>(state, caller, req, q.into_inner()).await
}

/// 小慢 consultations by menu kind (相談支援のメニュー) and requester (child, family, school,
/// employer, other); those without a menu are not counted. A center's supervisor and
/// administrator see their center, the system administrator every center or one
/// prefecture's, summed.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_shoman_consultations",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ShomanConsultationsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/shoman-consultations")]
pub async fn shoman_consultations(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    serve::<ShomanConsultationsReport>(state, caller, req, q.into_inner()).await
}

/// 小慢 support plans: written, decided, scheduled reviews kept on time (or late, or not
/// yet), and the plan actions due in the period by where they stand. A center's supervisor
/// or administrator see their center, the system administrator every center or one
/// prefecture's, summed; never a child.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_shoman_plans",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ShomanPlansReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/shoman-plans")]
pub async fn shoman_plans(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    serve::<ShomanPlansReport>(state, caller, req, q.into_inner()).await
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
    let (pref, adm) = (q.prefecture_code.clone(), q.administration_id);
    let sheets = caller
        .run(move |ctx| {
            let (ctx, pref) = (ctx, across(pref.as_deref(), adm));
            Ok(vec![
                sheet_of::<ReferralLevelsReport>(&s, ctx, &p, pref)?,
                sheet_of::<CooperationCountsReport>(&s, ctx, &p, pref)?,
                sheet_of::<ConsultationsReport>(&s, ctx, &p, pref)?,
                sheet_of::<EmploymentOutcomesReport>(&s, ctx, &p, pref)?,
                sheet_of::<SupportAwarenessReport>(&s, ctx, &p, pref)?,
                crate::activities::outreach::shape(
                    &p,
                    &s.activities().outreach_report(ctx, &p, pref)?,
                )
                .1,
                crate::activities::events::shape(&p, &s.activities().events_report(ctx, &p, pref)?)
                    .1,
                crate::activities::supporter_sessions::shape(
                    &p,
                    &s.activities().supporter_sessions_report(ctx, &p, pref)?,
                )
                .1,
            ])
        })
        .await?;
    xlsx_response(&file_name("annual", &p), &sheets)
}

/// Figures computed outside `services.reports()` (the 小慢 optional projects', outreach,
/// events), answered like the other reports. The body and the sheet are both drawn from the
/// figures.
pub(crate) async fn serve_with<F, B>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: ReportQuery,
    stem: &'static str,
    compute: impl FnOnce(&Services, &Ctx, &Period, Across<'_>) -> Result<F, DomainError>
    + Send
    + 'static,
    shape: impl FnOnce(&Period, F) -> (B, Sheet),
) -> Result<HttpResponse, ApiError>
where
    F: Send + 'static,
    B: Serialize,
{
    let p = period(&q)?;
    let s = state.services.clone();
    let (pref, adm) = (q.prefecture_code, q.administration_id);
    let figures = caller
        .run(move |ctx| compute(&s, ctx, &p, across(pref.as_deref(), adm)))
        .await?;
    let (body, sheet) = shape(&p, figures);
    respond(&req, stem, &p, &body, || sheet)
}

/// 小慢 任意事業: per project kind, the projects that ran at some point of the period, the
/// sessions held in it (also per activity) and the children and family members who came
/// (summed over sessions). For a center's supervisor or administrator (a center running
/// `shoman`, else 403 `program_not_offered`); across 小慢 centers for the system
/// administrator. Never a child's name or id.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_shoman_projects",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ShomanProjectsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/shoman-projects")]
pub async fn shoman_projects(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    serve_with(
        state,
        caller,
        req,
        q.into_inner(),
        "shoman-projects",
        |s, c, p, pref| s.shoman_projects().projects_report(c, p, pref),
        |p, f| {
            let b = ShomanProjectsReport::new(p, f.clone());
            let sheet = b.sheet(p, &f);
            (b, sheet)
        },
    )
    .await
}

/// 小慢 ニーズ: the needs noted in the period, per kind and their status now.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_shoman_needs",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ShomanNeedsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/shoman-needs")]
pub async fn shoman_needs(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    serve_with(
        state,
        caller,
        req,
        q.into_inner(),
        "shoman-needs",
        |s, c, p, pref| s.shoman_projects().needs_report(c, p, pref),
        |p, f| {
            let b = ShomanNeedsReport::new(p, f.clone());
            let sheet = b.sheet(p, &f);
            (b, sheet)
        },
    )
    .await
}

/// 小慢 任意事業の実施状況: for each 小慢 center (実施主体) in scope, which of the five
/// project kinds it ran in the period, and a total row with the number and percent of
/// centers running each kind.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_shoman_implementation",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((ShomanImplementationReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/shoman-implementation")]
pub async fn shoman_implementation(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    serve_with(
        state,
        caller,
        req,
        q.into_inner(),
        "shoman-implementation",
        |s, c, p, pref| s.shoman_projects().implementation_report(c, p, pref),
        |p, f| {
            let b = ShomanImplementationReport::new(p, f.clone());
            let sheet = b.sheet(p, &f);
            (b, sheet)
        },
    )
    .await
}
