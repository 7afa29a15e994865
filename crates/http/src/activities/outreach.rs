//! `/outreach-activities` (周知) and `/reports/outreach` (周知の効果).

use crate::AppState;
use crate::auth::Caller;
use crate::dto::period_label;
use crate::dto::{ListOf, PeriodDto, ReferralSource, ReportQuery, date, double_option, ts};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use crate::sheet::{Cell, Section, Sheet};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::activities::outreach::{ActivityEffect, OutreachReport as Figures};
use tsunagu_domain::activities::{OutreachActivity, OutreachInput, OutreachQuery, OutreachUpdate};
use tsunagu_domain::reports::Period;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An outreach activity (周知): e.g. 300 leaflets (`quantity` 300, `unit` 枚) to 12
/// 指定医療機関 (`facility_count` 12).
/// The kinds of outreach (周知): the `ReferralSource` values a center can act on — every
/// source but `family_friend`, `medical_staff`, `patient_association` and `unknown`. A
/// schema only (the domain parses the text); `dto::enums`' test keeps it equal to the
/// domain's list.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OutreachKind {
    PosterDesignatedHospital,
    LeafletAtApplication,
    DesignatedDoctorTraining,
    Msw,
    CommunitySupportCenter,
    CareManager,
    Homepage,
    Newsletter,
    Sns,
    Other,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachActivityDto {
    pub id: Uuid,
    /// One of the outreach kinds of `ReferralSource` (not `family_friend`,
    /// `medical_staff`, `patient_association` or `unknown`).
    #[schema(value_type = OutreachKind)]
    pub kind: String,
    /// What an `other` activity was; `null` for the coded kinds.
    pub kind_other: Option<String>,
    /// Whom it reached, in words.
    #[schema(example = "県内の指定医療機関")]
    pub target: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    pub quantity: Option<i32>,
    #[schema(example = "枚")]
    pub unit: Option<String>,
    /// How many facilities it went to.
    pub facility_count: Option<i32>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<OutreachActivity> for OutreachActivityDto {
    fn from(a: OutreachActivity) -> Self {
        Self {
            id: a.id,
            kind: a.kind.as_str().to_owned(),
            kind_other: a.kind_other,
            target: a.target,
            held_on: date(a.held_on),
            quantity: a.quantity,
            unit: a.unit,
            facility_count: a.facility_count,
            notes: a.notes,
            created_by: a.created_by,
            version: a.version,
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "leaflet_at_application", "target": "県内の指定医療機関", "held_on": "2026-06-10", "quantity": 300, "unit": "枚", "facility_count": 12}))]
pub struct CreateOutreachActivity {
    /// An outreach kind.
    #[schema(value_type = OutreachKind)]
    pub kind: String,
    /// Required for `other`, refused for the coded kinds.
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub kind_other: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub target: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    #[schema(minimum = 0)]
    pub quantity: Option<i32>,
    /// What the quantity counts; only with a quantity.
    #[schema(pattern = "{optional_name}", max_length = 20)]
    pub unit: Option<String>,
    #[schema(minimum = 0)]
    pub facility_count: Option<i32>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOutreachActivity {
    #[schema(value_type = Option<OutreachKind>)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub kind_other: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub target: Option<Option<String>>,
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub quantity: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 20)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub facility_count: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutreachListQuery {
    /// 年度 the activity was held in (`2026`: 2026-04-01 to 2027-03-31).
    #[param(example = 2026, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: Option<String>,
    #[param(value_type = Option<OutreachKind>)]
    pub kind: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The center's outreach activities in creation order; `?fiscal_year=`, `?kind=`.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_outreach_activities",
    params(OutreachListQuery),
    responses((status = 200, body = ListOf<OutreachActivityDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/outreach-activities")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<OutreachListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = OutreachQuery {
        fiscal_year: q.fiscal_year,
        kind: q.kind,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.activities().outreach_activities(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, OutreachActivityDto::from)))
}

/// Record an outreach activity (周知). Every member of the center may.
#[utoipa::path(
    tag = "activities",
    operation_id = "create_outreach_activity",
    request_body = CreateOutreachActivity,
    responses(
        (status = 201, body = OutreachActivityDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/outreach-activities")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOutreachActivity>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = OutreachInput {
        kind: b.kind,
        kind_other: b.kind_other,
        target: b.target,
        held_on: b.held_on,
        quantity: b.quantity,
        unit: b.unit,
        facility_count: b.facility_count,
        notes: b.notes,
    };
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.activities().create_outreach(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/outreach-activities/{}", a.id),
        a.version,
        &OutreachActivityDto::from(a),
    ))
}

/// Read an outreach activity.
#[utoipa::path(
    tag = "activities",
    operation_id = "get_outreach_activity",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OutreachActivityDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/outreach-activities/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.activities().outreach(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &OutreachActivityDto::from(a),
    ))
}

/// Change an outreach activity. Requires `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_outreach_activity",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateOutreachActivity,
    responses((status = 200, body = OutreachActivityDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/outreach-activities/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateOutreachActivity>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = OutreachUpdate {
        kind: b.kind,
        kind_other: b.kind_other,
        target: b.target,
        held_on: b.held_on,
        quantity: b.quantity,
        unit: b.unit,
        facility_count: b.facility_count,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.activities().update_outreach(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        a.version,
        &OutreachActivityDto::from(a),
    ))
}

// --- the report --------------------------------------------------------------------------

/// New patients of one source per month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutreachSourceRow {
    /// `null`: registered without the question answered.
    #[schema(value_type = Option<ReferralSource>)]
    pub source: Option<&'static str>,
    /// One per entry of `months`.
    pub counts: Vec<i64>,
    pub total: i64,
}

/// One activity and the new patients who named its kind, before and after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutreachEffectRow {
    pub activity: OutreachActivityEffectDto,
    /// Registered in the `window_days` days before the activity's day.
    pub before: i64,
    /// Registered from its day on, for `window_days` days.
    pub after: i64,
    /// `after − before`.
    pub change: i64,
}

/// The activity as the report shows it (no notes).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutreachActivityEffectDto {
    pub id: Uuid,
    #[schema(value_type = OutreachKind)]
    pub kind: &'static str,
    pub kind_other: Option<String>,
    pub target: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    pub quantity: Option<i32>,
    pub unit: Option<String>,
    pub facility_count: Option<i32>,
}

/// 周知の効果: new patients per source (how they heard of the center) per month, and for
/// each outreach activity held in the period the new patients from its source in the
/// `window_days` days before it against the `window_days` days from its day on.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachReport {
    pub period: PeriodDto,
    pub window_days: i64,
    /// The months of the period, `YYYY-MM`.
    pub months: Vec<String>,
    /// Every source in the list's order, then `source: null` (not asked).
    pub rows: Vec<OutreachSourceRow>,
    /// Per month, all sources.
    pub totals: Vec<i64>,
    pub total: i64,
    pub activities: Vec<OutreachEffectRow>,
}

fn effect_row(e: &ActivityEffect) -> OutreachEffectRow {
    let a = &e.activity;
    OutreachEffectRow {
        activity: OutreachActivityEffectDto {
            id: a.id,
            kind: a.kind.as_str(),
            kind_other: a.kind_other.clone(),
            target: a.target.clone(),
            held_on: date(a.held_on),
            quantity: a.quantity,
            unit: a.unit.clone(),
            facility_count: a.facility_count,
        },
        before: e.before,
        after: e.after,
        change: e.after - e.before,
    }
}

impl OutreachReport {
    pub fn new(period: &Period, r: &Figures) -> Self {
        Self {
            period: period.into(),
            window_days: r.window_days,
            months: r
                .months
                .iter()
                .map(|m| m.format("%Y-%m").to_string())
                .collect(),
            rows: r
                .rows
                .iter()
                .map(|x| OutreachSourceRow {
                    source: x.source.map(|s| s.as_str()),
                    counts: x.counts.clone(),
                    total: x.total,
                })
                .collect(),
            totals: r.totals.clone(),
            total: r.total,
            activities: r.activities.iter().map(effect_row).collect(),
        }
    }

    pub fn sheet(&self, period: &Period, r: &Figures) -> Sheet {
        let months: Vec<String> = r
            .months
            .iter()
            .map(|m| m.format("%Y年%-m月").to_string())
            .collect();
        let header = std::iter::once("周知の経路".to_owned())
            .chain(months)
            .chain(std::iter::once("計".to_owned()))
            .collect();
        let by_source = Section {
            title: Some("新規登録者数（経路別・月別）".into()),
            header,
            rows: r
                .rows
                .iter()
                .map(|x| {
                    std::iter::once(Cell::from(super::source_label(x.source)))
                        .chain(x.counts.iter().map(|n| Cell::from(*n)))
                        .chain(std::iter::once(Cell::from(x.total)))
                        .collect()
                })
                .chain(std::iter::once(
                    std::iter::once(Cell::from("合計"))
                        .chain(r.totals.iter().map(|n| Cell::from(*n)))
                        .chain(std::iter::once(Cell::from(r.total)))
                        .collect(),
                ))
                .collect(),
        };
        let effects = Section {
            title: Some(format!(
                "周知活動の前後{}日間の新規登録者数（同じ経路）",
                r.window_days
            )),
            header: [
                "実施日",
                "種類",
                "対象",
                "数量",
                "単位",
                "施設数",
                "前",
                "後",
                "増減",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: r
                .activities
                .iter()
                .map(|e| {
                    let a = &e.activity;
                    let kind = match &a.kind_other {
                        Some(o) => format!("{}（{o}）", crate::labels::referral_source(a.kind)),
                        None => crate::labels::referral_source(a.kind).to_owned(),
                    };
                    let opt =
                        |n: Option<i32>| n.map_or(Cell::from(""), |n| Cell::from(i64::from(n)));
                    vec![
                        Cell::from(date(a.held_on)),
                        Cell::from(kind),
                        Cell::from(a.target.clone().unwrap_or_default()),
                        opt(a.quantity),
                        Cell::from(a.unit.clone().unwrap_or_default()),
                        opt(a.facility_count),
                        Cell::from(e.before),
                        Cell::from(e.after),
                        Cell::from(e.after - e.before),
                    ]
                })
                .collect(),
        };
        Sheet {
            name: "周知の効果".into(),
            title: "周知活動と新規登録者（どこで知ったか）".into(),
            period: period_label(period),
            sections: vec![by_source, effects],
        }
    }
}

/// The report and its sheet, for `/reports/outreach` and the annual workbook.
pub(crate) fn shape(period: &Period, f: &Figures) -> (OutreachReport, Sheet) {
    let b = OutreachReport::new(period, f);
    let sheet = b.sheet(period, f);
    (b, sheet)
}

/// 周知の効果: new patients per source (`referral_source`, asked at intake) per month of the
/// period, and for each outreach activity held in it the new patients of the same center
/// who named its kind, registered in the 30 days before its day and in the 30 days from its
/// day on. For a center's supervisor or administrator; the system administrator across
/// centers (each activity against its own center's patients). Never a patient's name or id.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_outreach",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((OutreachReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/outreach")]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    crate::handlers::reports::serve_with(
        state,
        caller,
        req,
        q.into_inner(),
        "outreach",
        |s, c, p, pref| s.activities().outreach_report(c, p, pref),
        |p, f| shape(p, &f),
    )
    .await
}
