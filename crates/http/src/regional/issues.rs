//! `/regional-issues`: the PDCA register of regional problems — issues, their stage
//! changes, measures (対策), linked live figures and comments. An administration's officers
//! run it; the system administrator reads every administration's.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    FigureKind, IssueCategory, IssueStage, ListOf, MeasureStatus, date, double_option, ts,
};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::labels;
use crate::problem::{ApiError, CreateUnderProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::regional::issues::{
    FigureInput, FigureReading, IssueComment, IssueDetail, IssueInput, IssueMeeting, IssueQuery,
    IssueUpdate, Measure, MeasureInput, MeasureUpdate, RegionalIssue, StageChange,
};
use tsunagu_domain::values;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A regional issue (地域の課題).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionalIssueDto {
    pub id: Uuid,
    pub administration_id: Uuid,
    pub council_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    #[schema(value_type = IssueCategory)]
    pub category: String,
    /// What shows the problem, in words (live figures are in `figures`).
    pub evidence: String,
    #[schema(value_type = IssueStage)]
    pub stage: String,
    pub evaluation: String,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<RegionalIssue> for RegionalIssueDto {
    fn from(i: RegionalIssue) -> Self {
        Self {
            id: i.id,
            administration_id: i.administration_id,
            council_id: i.council_id,
            title: i.title,
            description: i.description,
            category: i.category.as_str().to_owned(),
            evidence: i.evidence,
            stage: i.stage.as_str().to_owned(),
            evaluation: i.evaluation,
            created_by: i.created_by,
            version: i.version,
            created_at: ts(i.created_at),
            updated_at: ts(i.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub title: String,
    pub owner: String,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    #[schema(value_type = MeasureStatus)]
    pub status: String,
    #[schema(format = Date)]
    pub done_on: Option<String>,
    pub version: i32,
}

impl From<Measure> for MeasureDto {
    fn from(m: Measure) -> Self {
        Self {
            id: m.id,
            issue_id: m.issue_id,
            title: m.title,
            owner: m.owner,
            due_on: m.due_on.map(date),
            status: m.status.as_str().to_owned(),
            done_on: m.done_on.map(date),
            version: m.version,
        }
    }
}

/// A figure's value: a count, or a part of a whole with the share.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureValueDto {
    pub numerator: i64,
    pub denominator: Option<i64>,
    /// `numerator / denominator` rounded to 0.1 %, for shares with a whole.
    pub share: Option<f64>,
    /// The fiscal year counted (yearly figures) or that of the day it was read.
    pub fiscal_year: i32,
}

/// A live figure linked to an issue: its value when linked (`baseline`) and now
/// (`current`, re-read on every read of the issue). These are the administration's own
/// figures; suppression applies to what it publishes.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedFigureDto {
    pub id: Uuid,
    #[schema(value_type = FigureKind)]
    pub kind: String,
    pub parameter: Option<String>,
    pub label: String,
    pub target: Option<String>,
    pub baseline: FigureValueDto,
    pub current: FigureValueDto,
    #[schema(format = DateTime)]
    pub linked_at: String,
}

impl From<FigureReading> for LinkedFigureDto {
    fn from(r: FigureReading) -> Self {
        let f = r.figure;
        Self {
            id: f.id,
            kind: f.kind.as_str().to_owned(),
            parameter: f.parameter,
            label: f.label,
            target: f.target,
            baseline: FigureValueDto {
                numerator: f.baseline.numerator,
                denominator: f.baseline.denominator,
                share: f.baseline.share(),
                fiscal_year: f.baseline_fiscal_year,
            },
            current: FigureValueDto {
                numerator: r.current.numerator,
                denominator: r.current.denominator,
                share: r.current.share(),
                fiscal_year: r.current_fiscal_year,
            },
            linked_at: ts(f.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssueMeetingDto {
    pub meeting_id: Uuid,
    pub council_id: Uuid,
    #[schema(format = Date)]
    pub held_on: String,
    pub title: String,
}

impl From<IssueMeeting> for IssueMeetingDto {
    fn from(m: IssueMeeting) -> Self {
        Self {
            meeting_id: m.meeting_id,
            council_id: m.council_id,
            held_on: date(m.held_on),
            title: m.title,
        }
    }
}

/// An issue with its measures, live figures and the meetings that discussed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionalIssueDetailDto {
    #[serde(flatten)]
    pub issue: RegionalIssueDto,
    pub measures: Vec<MeasureDto>,
    pub figures: Vec<LinkedFigureDto>,
    pub meetings: Vec<IssueMeetingDto>,
}

impl From<IssueDetail> for RegionalIssueDetailDto {
    fn from(d: IssueDetail) -> Self {
        Self {
            issue: d.issue.into(),
            measures: d.measures.into_iter().map(Into::into).collect(),
            figures: d.figures.into_iter().map(Into::into).collect(),
            meetings: d.meetings.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageChangeDto {
    pub id: Uuid,
    /// Absent for the issue's registration.
    #[schema(value_type = Option<IssueStage>)]
    pub from_stage: Option<String>,
    #[schema(value_type = IssueStage)]
    pub to_stage: String,
    pub reason: String,
    pub changed_by: Uuid,
    /// Their display name.
    pub changed_by_name: Option<String>,
    #[schema(format = DateTime)]
    pub changed_at: String,
}

impl From<StageChange> for StageChangeDto {
    fn from(c: StageChange) -> Self {
        Self {
            id: c.id,
            from_stage: c.from_stage.map(|s| s.as_str().to_owned()),
            to_stage: c.to_stage.as_str().to_owned(),
            reason: c.reason,
            changed_by: c.changed_by,
            changed_by_name: c.changed_by_name,
            changed_at: ts(c.changed_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssueCommentDto {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<IssueComment> for IssueCommentDto {
    fn from(c: IssueComment) -> Self {
        Self {
            id: c.id,
            author_id: c.author_id,
            author_name: c.author_name,
            body: c.body,
            created_at: ts(c.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "就労支援機関への紹介が案内のみに留まる", "category": "employment"}))]
pub struct CreateRegionalIssue {
    /// 1 to 200 characters.
    #[schema(pattern = "{text}", max_length = 200)]
    pub title: String,
    #[schema(pattern = "{prose}", max_length = 8000)]
    pub description: Option<String>,
    #[schema(value_type = IssueCategory)]
    pub category: String,
    #[schema(pattern = "{prose}", max_length = 8000)]
    pub evidence: Option<String>,
    /// A council of the same administration that works on it.
    pub council_id: Option<Uuid>,
    /// An API client names the officer of its administration it records for (required for
    /// a client; an officer records as themselves and leaves it out).
    pub officer_id: Option<Uuid>,
}

/// Fields to change; absent fields stay. The stage changes through `stage-changes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRegionalIssue {
    #[schema(pattern = "{text}", max_length = 200)]
    pub title: Option<String>,
    #[schema(pattern = "{prose}", max_length = 8000)]
    pub description: Option<String>,
    #[schema(value_type = Option<IssueCategory>)]
    pub category: Option<String>,
    #[schema(pattern = "{prose}", max_length = 8000)]
    pub evidence: Option<String>,
    /// The evaluation (④対策の評価) in words.
    #[schema(pattern = "{prose}", max_length = 8000)]
    pub evaluation: Option<String>,
    /// `null` detaches the council.
    #[serde(default, deserialize_with = "double_option")]
    pub council_id: Option<Option<Uuid>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IssueListQuery {
    /// At most 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    #[param(value_type = Option<IssueStage>)]
    pub stage: Option<String>,
    #[param(value_type = Option<IssueCategory>)]
    pub category: Option<String>,
    pub council_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to_stage": "planning", "reason": "協議会で課題として確認"}))]
pub struct CreateStageChange {
    #[schema(value_type = IssueStage)]
    pub to_stage: String,
    /// Why (1 to 2000 characters).
    #[schema(pattern = "{text}", max_length = 2000)]
    pub reason: String,
    /// An API client names the officer of its administration it records for (required for
    /// a client; an officer records as themselves and leaves it out).
    pub officer_id: Option<Uuid>,
}

/// The issue after the change, and the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageChangeResult {
    pub issue: RegionalIssueDto,
    pub change: StageChangeDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "同行支援の手引きを作成", "owner": "難病相談支援センター", "due_on": "2027-03-31"}))]
pub struct CreateMeasure {
    #[schema(pattern = "{text}", max_length = 200)]
    pub title: String,
    /// Who carries it out.
    #[schema(pattern = "{text}", max_length = 100)]
    pub owner: String,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// `planned` unless given.
    #[schema(value_type = Option<MeasureStatus>)]
    pub status: Option<String>,
    /// For `done`: the day (default today; not in the future).
    #[schema(format = Date)]
    pub done_on: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeasure {
    #[schema(pattern = "{text}", max_length = 200)]
    pub title: Option<String>,
    #[schema(pattern = "{text}", max_length = 100)]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Option<String>>,
    #[schema(value_type = Option<MeasureStatus>)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "referrals_information_only_share", "parameter": "employment_life_support_center", "target": "50%以下"}))]
pub struct LinkFigure {
    #[schema(value_type = FigureKind)]
    pub kind: String,
    /// An agency type, a topic or a need kind, as the kind asks.
    #[schema(pattern = "{figure_parameter}")]
    pub parameter: Option<String>,
    /// Defaults to the figure's Japanese name.
    #[schema(pattern = "{optional_text}")]
    pub label: Option<String>,
    /// The council's target, in words.
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub target: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIssueComment {
    /// 1 to 2000 characters.
    #[schema(pattern = "{text}", max_length = 2000)]
    pub body: String,
}

/// List the register: an officer's own administration, every one for the system
/// administrator.
#[utoipa::path(
    tag = "regional", operation_id = "list_regional_issues",
    params(IssueListQuery),
    responses((status = 200, body = ListOf<RegionalIssueDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/regional-issues")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<IssueListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let req = page(q.limit, q.cursor.as_deref())?;
    let query = IssueQuery {
        stage: q.stage,
        category: q.category,
        council_id: q.council_id,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.regional_issues().list(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, RegionalIssueDto::from)))
}

/// Register an issue (an officer, in their administration). It starts at `extraction`.
#[utoipa::path(
    tag = "regional", operation_id = "create_regional_issue",
    request_body = CreateRegionalIssue,
    responses(
        (status = 201, body = RegionalIssueDto, headers(("ETag" = String), ("Location" = String))),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/regional-issues")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateRegionalIssue>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = IssueInput {
        title: b.title,
        description: b.description,
        category: b.category,
        evidence: b.evidence,
        council_id: b.council_id,
        officer_id: b.officer_id,
    };
    let s = state.services.clone();
    let i = caller
        .run(move |ctx| s.regional_issues().create(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/regional-issues/{}", i.id),
        i.version,
        &RegionalIssueDto::from(i),
    ))
}

/// Read an issue with its measures, its linked figures re-read now and the meetings that
/// discussed it.
#[utoipa::path(
    tag = "regional", operation_id = "get_regional_issue",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RegionalIssueDetailDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/regional-issues/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let d = caller
        .run(move |ctx| s.regional_issues().get(ctx, id))
        .await?;
    let version = d.issue.version;
    Ok(json_with_etag(
        StatusCode::OK,
        version,
        &RegionalIssueDetailDto::from(d),
    ))
}

/// Change an issue's fields. Requires `If-Match`.
#[utoipa::path(
    tag = "regional", operation_id = "update_regional_issue",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*`")),
    request_body = UpdateRegionalIssue,
    responses((status = 200, body = RegionalIssueDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[patch("/regional-issues/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateRegionalIssue>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = IssueUpdate {
        title: b.title,
        description: b.description,
        category: b.category,
        evidence: b.evidence,
        evaluation: b.evaluation,
        council_id: b.council_id,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let i = caller
        .run(move |ctx| s.regional_issues().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        i.version,
        &RegionalIssueDto::from(i),
    ))
}

/// The issue's history: who moved it, when, from where to where and why (oldest first; the
/// first entry is its registration).
#[utoipa::path(
    tag = "regional", operation_id = "list_regional_issue_stage_changes",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<StageChangeDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/regional-issues/{id}/stage-changes")]
pub async fn stage_changes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.regional_issues().stage_changes(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(c.into_iter().map(StageChangeDto::from).collect::<Vec<_>>()))
}

/// Move the issue to another stage: forward one stage (`implementation` needs a measure
/// not dropped), or back to any earlier one to start the cycle again; 422 `stage_skipped`,
/// `same_stage`, `no_measures`. Requires `If-Match` (the issue's ETag).
#[utoipa::path(
    tag = "regional", operation_id = "create_regional_issue_stage_change",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The issue's ETag, or `*`")),
    request_body = CreateStageChange,
    responses(
        (status = 201, body = StageChangeResult, headers(("ETag" = String))),
        UpdateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/regional-issues/{id}/stage-changes")]
pub async fn change_stage(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<CreateStageChange>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let id = id.into_inner();
    let s = state.services.clone();
    let (i, c) = caller
        .run(move |ctx| {
            s.regional_issues()
                .change_stage(ctx, id, version, &b.to_stage, &b.reason, b.officer_id)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::CREATED,
        i.version,
        &StageChangeResult {
            issue: i.into(),
            change: c.into(),
        },
    ))
}

/// Plan a measure (対策) for the issue.
#[utoipa::path(
    tag = "regional", operation_id = "create_regional_measure",
    params(("id" = Uuid, Path)),
    request_body = CreateMeasure,
    responses((status = 201, body = MeasureDto, headers(("ETag" = String), ("Location" = String))), CreateUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/regional-issues/{id}/measures")]
pub async fn add_measure(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateMeasure>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = MeasureInput {
        title: b.title,
        owner: b.owner,
        due_on: b.due_on,
        status: b.status,
        done_on: b.done_on,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| s.regional_issues().add_measure(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/regional-issues/{id}/measures/{}", m.id),
        m.version,
        &MeasureDto::from(m),
    ))
}

/// Change a measure (its status: `done` on a day, or `dropped`). Requires `If-Match`.
#[utoipa::path(
    tag = "regional", operation_id = "update_regional_measure",
    params(("id" = Uuid, Path), ("measure_id" = Uuid, Path), ("If-Match" = String, Header, description = "The measure's ETag, or `*`")),
    request_body = UpdateMeasure,
    responses((status = 200, body = MeasureDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[patch("/regional-issues/{id}/measures/{measure_id}")]
pub async fn update_measure(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<UpdateMeasure>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = MeasureUpdate {
        title: b.title,
        owner: b.owner,
        due_on: b.due_on,
        status: b.status,
        done_on: b.done_on,
    };
    let (id, measure) = path.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| {
            s.regional_issues()
                .update_measure(ctx, id, measure, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        m.version,
        &MeasureDto::from(m),
    ))
}

/// Link a live figure from the administration's centers as evidence or indicator; its
/// value now is kept as the baseline.
#[utoipa::path(
    tag = "regional", operation_id = "link_regional_figure",
    params(("id" = Uuid, Path)),
    request_body = LinkFigure,
    responses((status = 201, body = LinkedFigureDto), CreateUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/regional-issues/{id}/figures")]
pub async fn link_figure(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<LinkFigure>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let label = b.label.filter(|l| !l.trim().is_empty()).unwrap_or_else(|| {
        values::FigureKind::from_db(&b.kind)
            .map(|k| labels::figure(k, b.parameter.as_deref()))
            .unwrap_or_default()
    });
    let input = FigureInput {
        kind: b.kind,
        parameter: b.parameter,
        label,
        target: b.target,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let f = caller
        .run(move |ctx| s.regional_issues().link_figure(ctx, id, input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/regional-issues/{id}/figures/{}", f.figure.id),
        ))
        .json(LinkedFigureDto::from(f)))
}

/// Unlink a figure.
#[utoipa::path(
    tag = "regional", operation_id = "unlink_regional_figure",
    params(("id" = Uuid, Path), ("figure_id" = Uuid, Path)),
    responses((status = 204, description = "Unlinked"), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[delete("/regional-issues/{id}/figures/{figure_id}")]
pub async fn unlink_figure(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, figure) = path.into_inner();
    let s = state.services.clone();
    caller
        .run(move |ctx| s.regional_issues().unlink_figure(ctx, id, figure))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The issue's comments, oldest first.
#[utoipa::path(
    tag = "regional", operation_id = "list_regional_issue_comments",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<IssueCommentDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/regional-issues/{id}/comments")]
pub async fn comments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.regional_issues().comments(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(c.into_iter().map(IssueCommentDto::from).collect::<Vec<_>>()))
}

/// Comment on the issue.
#[utoipa::path(
    tag = "regional", operation_id = "create_regional_issue_comment",
    params(("id" = Uuid, Path)),
    request_body = CreateIssueComment,
    responses((status = 201, body = IssueCommentDto), CreateUnderProblems),
    security(("bearer" = []))
)]
#[post("/regional-issues/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateIssueComment>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let id = id.into_inner();
    let s = state.services.clone();
    let c = caller
        .run(move |ctx| s.regional_issues().add_comment(ctx, id, &b.body))
        .await?;
    Ok(HttpResponse::Created().json(IssueCommentDto::from(c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"issue_ids": []}))]
pub struct SetMeetingIssues {
    /// The issues of the meeting's administration it discussed (replaces the list; at most
    /// 100).
    pub issue_ids: Vec<Uuid>,
}

/// The issues a meeting discussed: whoever reads the meeting (its administration's officers,
/// the system administrator, the council's members) reads the list.
#[utoipa::path(
    tag = "regional", operation_id = "list_meeting_issues",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RegionalIssueDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/meetings/{id}/issues")]
pub async fn meeting_issues(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.regional_issues().meeting_issues(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(
        found
            .into_iter()
            .map(RegionalIssueDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Record which issues a meeting discussed (an officer of its administration), replacing
/// the list. 422 `not_found` for an issue of another administration.
#[utoipa::path(
    tag = "regional", operation_id = "set_meeting_issues",
    params(("id" = Uuid, Path)),
    request_body = SetMeetingIssues,
    responses((status = 200, body = Vec<RegionalIssueDto>), CreateUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[put("/meetings/{id}/issues")]
pub async fn set_meeting_issues(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<SetMeetingIssues>,
) -> Result<HttpResponse, ApiError> {
    let ids = body.into_inner().issue_ids;
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.regional_issues().set_meeting_issues(ctx, id, ids))
        .await?;
    Ok(HttpResponse::Ok().json(
        found
            .into_iter()
            .map(RegionalIssueDto::from)
            .collect::<Vec<_>>(),
    ))
}
