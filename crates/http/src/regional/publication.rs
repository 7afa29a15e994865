//! The yearly publication (公表) — the officer's preview and publishing, the public page's
//! data (no sign-in) as JSON, CSV or Excel with small counts suppressed — and the
//! ministry's part-2 tables for the system administrator.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{AdministrationKind, IssueCategory, ts};
use crate::handlers::blocking;
use crate::handlers::reports::{Format, format, respond_as};
use crate::json::ApiJson;
use crate::labels;
use crate::problem::{
    ApiError, CreateUnderProblems, ListProblems, ListUnderProblems, ReadProblems,
};
use crate::sheet::{Cell, Section, Sheet};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::regional::national::NationalTables;
use tsunagu_domain::regional::publication::{Publication, ShownValue, Summary};
use tsunagu_domain::reports::Period;
use tsunagu_domain::values::{IssueCategory as DomainCategory, IssueStage};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiscalYearQuery {
    /// 年度: `2025` is 2025-04-01 to 2026-03-31.
    #[param(example = 2025, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicSummaryQuery {
    /// 年度: `2025` is 2025-04-01 to 2026-03-31.
    #[param(example = 2025, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: String,
    /// `csv` or `xlsx` for a download (for links, which cannot set `Accept`); JSON otherwise.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

fn fiscal_year(raw: &str) -> Result<i32, ApiError> {
    let p = Period::parse(Some(raw), None, None)?;
    p.fiscal_year.ok_or_else(ApiError::internal)
}

/// A figure as it leaves the administration: the count or share when it may be shown, and
/// its printed form (`62.0%`, `12`, `5未満`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShownValueDto {
    pub count: Option<i64>,
    pub share: Option<f64>,
    #[schema(example = "5未満")]
    pub label: String,
}

impl From<ShownValue> for ShownValueDto {
    fn from(v: ShownValue) -> Self {
        Self {
            count: v.count,
            share: v.share,
            label: v.label,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryCouncilDto {
    pub name: String,
    /// `intractable`, `pediatric` or `joint`.
    pub kind: String,
    /// `prefecture`, `secondary_medical_area` or `health_center`.
    pub scope: String,
    pub parent_name: Option<String>,
    pub meetings_held: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageCountDto {
    #[schema(value_type = crate::dto::IssueStage)]
    pub stage: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCountDto {
    #[schema(value_type = IssueCategory)]
    pub category: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    pub issue_title: String,
    pub label: String,
    #[schema(value_type = crate::dto::FigureKind)]
    pub kind: String,
    pub target: Option<String>,
    pub before_fiscal_year: i32,
    pub before: ShownValueDto,
    pub after_fiscal_year: i32,
    pub after: ShownValueDto,
}

/// The yearly summary (実施状況): councils and the meetings they held, issues by stage and
/// category, measures done, and the indicators before and after, with counts under the
/// administration's threshold shown as 「N未満」.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationSummaryDto {
    pub administration_code: String,
    pub administration_name: String,
    pub fiscal_year: i32,
    #[schema(example = "令和8年度")]
    pub fiscal_year_label: String,
    pub suppression_threshold: i32,
    pub councils: Vec<SummaryCouncilDto>,
    pub meetings_held: i64,
    pub issues_by_stage: Vec<StageCountDto>,
    pub issues_by_category: Vec<CategoryCountDto>,
    pub measures_done: i64,
    pub measures_total: i64,
    pub indicators: Vec<IndicatorDto>,
    /// When it was published (absent in a preview).
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
}

impl PublicationSummaryDto {
    fn new(s: Summary, published_at: Option<String>) -> Self {
        Self {
            administration_code: s.administration_code,
            administration_name: s.administration_name,
            fiscal_year: s.fiscal_year,
            fiscal_year_label: s.fiscal_year_label,
            suppression_threshold: s.suppression_threshold,
            councils: s
                .councils
                .into_iter()
                .map(|c| SummaryCouncilDto {
                    name: c.name,
                    kind: c.kind,
                    scope: c.scope,
                    parent_name: c.parent_name,
                    meetings_held: c.meetings_held,
                })
                .collect(),
            meetings_held: s.meetings_held,
            issues_by_stage: s
                .issues_by_stage
                .into_iter()
                .map(|c| StageCountDto {
                    stage: c.stage,
                    count: c.count,
                })
                .collect(),
            issues_by_category: s
                .issues_by_category
                .into_iter()
                .map(|c| CategoryCountDto {
                    category: c.category,
                    count: c.count,
                })
                .collect(),
            measures_done: s.measures_done,
            measures_total: s.measures_total,
            indicators: s
                .indicators
                .into_iter()
                .map(|i| IndicatorDto {
                    issue_title: i.issue_title,
                    label: i.label,
                    kind: i.kind,
                    target: i.target,
                    before_fiscal_year: i.before_fiscal_year,
                    before: i.before.into(),
                    after_fiscal_year: i.after_fiscal_year,
                    after: i.after.into(),
                })
                .collect(),
            published_at,
        }
    }

    /// The summary as one sheet: what the page shows, in the page's words.
    fn sheet(&self) -> Sheet {
        let stage = |s: &str| {
            IssueStage::from_db(s)
                .map(labels::issue_stage)
                .unwrap_or("")
        };
        let category = |c: &str| {
            DomainCategory::from_db(c)
                .map(labels::issue_category)
                .unwrap_or("")
        };
        Sheet {
            name: "公表".into(),
            title: format!(
                "{} 地域協議会の実施状況（{}）",
                self.administration_name, self.fiscal_year_label
            ),
            period: format!(
                "{}年度　{}未満の件数は「{}未満」と表示",
                self.fiscal_year, self.suppression_threshold, self.suppression_threshold
            ),
            sections: vec![
                Section {
                    title: Some("協議会と開催回数".into()),
                    header: vec![
                        "協議会".into(),
                        "種別".into(),
                        "親会議".into(),
                        "開催回数".into(),
                    ],
                    rows: self
                        .councils
                        .iter()
                        .map(|c| {
                            vec![
                                Cell::from(c.name.as_str()),
                                labels::council_kind(&c.kind).into(),
                                Cell::from(c.parent_name.clone().unwrap_or_default()),
                                c.meetings_held.into(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some("課題の段階".into()),
                    header: vec!["段階".into(), "件数".into()],
                    rows: self
                        .issues_by_stage
                        .iter()
                        .map(|c| vec![stage(&c.stage).into(), c.count.into()])
                        .collect(),
                },
                Section {
                    title: Some("課題の分野".into()),
                    header: vec!["分野".into(), "件数".into()],
                    rows: self
                        .issues_by_category
                        .iter()
                        .map(|c| vec![category(&c.category).into(), c.count.into()])
                        .collect(),
                },
                Section {
                    title: Some("対策".into()),
                    header: vec!["実施済み（年度内）".into(), "対策数".into()],
                    rows: vec![vec![self.measures_done.into(), self.measures_total.into()]],
                },
                Section {
                    title: Some("指標（前後）".into()),
                    header: vec![
                        "課題".into(),
                        "指標".into(),
                        "目標".into(),
                        "前".into(),
                        "後".into(),
                    ],
                    rows: self
                        .indicators
                        .iter()
                        .map(|i| {
                            vec![
                                Cell::from(i.issue_title.as_str()),
                                i.label.as_str().into(),
                                Cell::from(i.target.clone().unwrap_or_default()),
                                format!("{}（{}年度）", i.before.label, i.before_fiscal_year)
                                    .into(),
                                format!("{}（{}年度）", i.after.label, i.after_fiscal_year).into(),
                            ]
                        })
                        .collect(),
                },
            ],
        }
    }
}

/// A publication as its administration lists them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationDto {
    pub id: Uuid,
    pub fiscal_year: i32,
    pub published_by: Uuid,
    #[schema(format = DateTime)]
    pub published_at: String,
    /// How many times the year was published.
    pub version: i32,
    pub summary: PublicationSummaryDto,
}

impl From<Publication> for PublicationDto {
    fn from(p: Publication) -> Self {
        let at = ts(p.published_at);
        Self {
            id: p.id,
            fiscal_year: p.fiscal_year,
            published_by: p.published_by,
            published_at: at.clone(),
            version: p.version,
            summary: PublicationSummaryDto::new(p.summary, Some(at)),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fiscal_year": 2026}))]
pub struct CreatePublication {
    #[schema(minimum = 2000, maximum = 2100)]
    pub fiscal_year: i32,
}

fn download(
    req: &HttpRequest,
    asked: Option<&str>,
    name: &str,
    body: &PublicationSummaryDto,
) -> Result<HttpResponse, ApiError> {
    let f = match asked {
        Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(_) => Format::Json,
        None => format(req),
    };
    respond_as(f, name, body, || body.sheet())
}

/// The summary as it would be published now: the officer's preview (the system
/// administrator may read any administration's). JSON, CSV or Excel as `Accept` asks.
#[utoipa::path(
    tag = "regional", operation_id = "preview_publication",
    params(("id" = Uuid, Path), FiscalYearQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((PublicationSummaryDto = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/administrations/{id}/publication-preview")]
pub async fn preview(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    q: web::Query<FiscalYearQuery>,
) -> Result<HttpResponse, ApiError> {
    let fy = fiscal_year(&q.fiscal_year)?;
    let id = id.into_inner();
    let s = state.services.clone();
    let summary = caller
        .run(move |ctx| s.publications().preview(ctx, id, fy))
        .await?;
    let body = PublicationSummaryDto::new(summary, None);
    download(&req, None, &format!("publication-preview-{fy}"), &body)
}

/// The administration's publications, newest year first.
#[utoipa::path(
    tag = "regional", operation_id = "list_publications",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<PublicationDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/administrations/{id}/publications")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.publications().list(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(
        found
            .into_iter()
            .map(PublicationDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Publish the year's summary as it is now (an officer of the administration). Publishing
/// the year again replaces what the public page shows.
#[utoipa::path(
    tag = "regional", operation_id = "create_publication",
    params(("id" = Uuid, Path)),
    request_body = CreatePublication,
    responses((status = 201, body = PublicationDto, headers(("Location" = String))), CreateUnderProblems),
    security(("bearer" = []))
)]
#[post("/administrations/{id}/publications")]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreatePublication>,
) -> Result<HttpResponse, ApiError> {
    let fy = fiscal_year(&body.into_inner().fiscal_year.to_string())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.publications().publish(ctx, id, fy))
        .await?;
    let code = p.summary.administration_code.clone();
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/public/administrations/{code}/summary?fiscal_year={fy}"),
        ))
        .json(PublicationDto::from(p)))
}

/// The published summary of an administration's fiscal year, for everyone (no sign-in):
/// JSON, or CSV / Excel (`?format=` or `Accept`). 404 when the year is not published.
#[utoipa::path(
    tag = "regional", operation_id = "get_public_summary",
    params(("code" = String, Path, description = "全国地方公共団体コード, e.g. `340006`"), PublicSummaryQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook",
         content((PublicationSummaryDto = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, description = "No such administration, or the year is not published", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad fiscal year", body = crate::problem::Problem, content_type = "application/problem+json")
    ),
    security(())
)]
#[get("/public/administrations/{code}/summary")]
pub async fn public(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    q: web::Query<PublicSummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let fy = fiscal_year(&q.fiscal_year)?;
    let code = code.into_inner();
    let name = format!("summary-{code}-{fy}");
    let s = state.services.clone();
    let p = blocking(move || s.publications().public(&code, fy)).await?;
    let at = ts(p.published_at);
    let body = PublicationSummaryDto::new(p.summary, Some(at));
    let mut res = download(&req, q.format.as_deref(), &name, &body)?;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(res)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdministrationCouncilRow {
    #[schema(value_type = AdministrationKind)]
    pub kind: String,
    pub administrations: i64,
    pub with_council: i64,
    pub with_intractable: i64,
    pub with_pediatric: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilKindRow {
    /// `intractable`, `pediatric` or `joint`.
    pub kind: String,
    pub councils: i64,
    /// Met at least once in the fiscal year.
    pub met: i64,
    pub sub_councils: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberCategoryRow {
    pub category: String,
    pub members: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssueStageRow {
    #[schema(value_type = IssueCategory)]
    pub category: String,
    pub extraction: i64,
    pub planning: i64,
    pub implementation: i64,
    pub evaluation: i64,
}

/// The ministry's part-2 tables.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionalCouncilsReport {
    pub fiscal_year: i32,
    pub administrations: Vec<AdministrationCouncilRow>,
    pub councils: Vec<CouncilKindRow>,
    pub joint_councils: i64,
    pub members: Vec<MemberCategoryRow>,
    pub issues: Vec<IssueStageRow>,
}

impl RegionalCouncilsReport {
    fn new(t: NationalTables) -> Self {
        Self {
            fiscal_year: t.fiscal_year,
            administrations: t
                .administrations
                .into_iter()
                .map(|a| AdministrationCouncilRow {
                    kind: a.kind.as_str().to_owned(),
                    administrations: a.administrations,
                    with_council: a.with_council,
                    with_intractable: a.with_intractable,
                    with_pediatric: a.with_pediatric,
                })
                .collect(),
            councils: t
                .councils
                .into_iter()
                .map(|c| CouncilKindRow {
                    kind: c.kind,
                    councils: c.councils,
                    met: c.met,
                    sub_councils: c.sub_councils,
                })
                .collect(),
            joint_councils: t.joint_councils,
            members: t
                .members
                .into_iter()
                .map(|(category, members)| MemberCategoryRow { category, members })
                .collect(),
            issues: t
                .issues
                .into_iter()
                .map(|(c, n)| IssueStageRow {
                    category: c.as_str().to_owned(),
                    extraction: n[0],
                    planning: n[1],
                    implementation: n[2],
                    evaluation: n[3],
                })
                .collect(),
        }
    }

    fn sheet(&self) -> Sheet {
        let adm_kind = |k: &str| {
            tsunagu_domain::values::AdministrationKind::from_db(k)
                .map(labels::administration_kind)
                .unwrap_or("")
        };
        let cat = |c: &str| {
            DomainCategory::from_db(c)
                .map(labels::issue_category)
                .unwrap_or("")
        };
        Sheet {
            name: "地域協議会".into(),
            title: "地域協議会の設置・開催状況".into(),
            period: format!("{}年度", self.fiscal_year),
            sections: vec![
                Section {
                    title: Some("協議会を設置している自治体".into()),
                    header: vec![
                        "自治体の種類".into(),
                        "登録数".into(),
                        "協議会あり".into(),
                        "難病".into(),
                        "小慢".into(),
                    ],
                    rows: self
                        .administrations
                        .iter()
                        .map(|a| {
                            vec![
                                adm_kind(&a.kind).into(),
                                a.administrations.into(),
                                a.with_council.into(),
                                a.with_intractable.into(),
                                a.with_pediatric.into(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some("協議会の開催（年度内に1回以上）".into()),
                    header: vec![
                        "種別".into(),
                        "協議会数".into(),
                        "開催あり".into(),
                        "部会数".into(),
                    ],
                    rows: self
                        .councils
                        .iter()
                        .map(|c| {
                            vec![
                                labels::council_kind(&c.kind).into(),
                                c.councils.into(),
                                c.met.into(),
                                c.sub_councils.into(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some("構成員の分野".into()),
                    header: vec!["分野".into(), "人数".into()],
                    rows: self
                        .members
                        .iter()
                        .map(|m| {
                            vec![
                                labels::member_category(&m.category).into(),
                                m.members.into(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some("課題（分野×段階）".into()),
                    header: vec![
                        "分野".into(),
                        "抽出".into(),
                        "検討".into(),
                        "実施".into(),
                        "評価".into(),
                    ],
                    rows: self
                        .issues
                        .iter()
                        .map(|i| {
                            vec![
                                cat(&i.category).into(),
                                i.extraction.into(),
                                i.planning.into(),
                                i.implementation.into(),
                                i.evaluation.into(),
                            ]
                        })
                        .collect(),
                },
            ],
        }
    }
}

/// 地域協議会 (part 2): administrations with a council by kind of administration, councils
/// that met in the fiscal year, joint councils, members by category, issues by stage and
/// category. System administrator. JSON, CSV or Excel as `Accept` asks.
#[utoipa::path(
    tag = "reports", operation_id = "report_regional_councils",
    params(FiscalYearQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((RegionalCouncilsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []))
)]
#[get("/reports/regional-councils")]
pub async fn national(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<FiscalYearQuery>,
) -> Result<HttpResponse, ApiError> {
    let fy = fiscal_year(&q.fiscal_year)?;
    let s = state.services.clone();
    let t = caller
        .run(move |ctx| s.regional_reports().national(ctx, fy))
        .await?;
    let body = RegionalCouncilsReport::new(t);
    let name = format!("regional-councils-{fy}");
    respond_as(format(&req), &name, &body, || body.sheet())
}
