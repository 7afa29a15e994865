//! `/trainings` (研修): the trainings the center's staff attended or gave.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{ListOf, TrainingCourse, TrainingParticipation, date, double_option, ts};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListProblems, ReadProblems, UpdateProblems};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::activities::{Training, TrainingInput, TrainingQuery, TrainingUpdate};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A training (研修) a staff member attended or gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingDto {
    pub id: Uuid,
    /// The staff member.
    pub user_id: Uuid,
    #[schema(value_type = TrainingParticipation)]
    pub participation: String,
    #[schema(value_type = TrainingCourse)]
    pub course: String,
    #[schema(example = "難病相談支援員研修")]
    pub title: String,
    pub organiser: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    /// The last day of a course over several days; `null` for one day.
    #[schema(format = Date)]
    pub ended_on: Option<String>,
    /// Hours, to two decimals.
    #[schema(example = 3.5)]
    pub hours: f64,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Training> for TrainingDto {
    fn from(t: Training) -> Self {
        Self {
            id: t.id,
            user_id: t.user_id,
            participation: t.participation.as_str().to_owned(),
            course: t.course.as_str().to_owned(),
            title: t.title,
            organiser: t.organiser,
            held_on: date(t.held_on),
            ended_on: t.ended_on.map(date),
            hours: f64::from(t.hours_hundredths) / 100.0,
            notes: t.notes,
            created_by: t.created_by,
            version: t.version,
            created_at: ts(t.created_at),
            updated_at: ts(t.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"participation": "attended", "course": "staff_training", "title": "難病相談支援員研修", "organiser": "難病情報センター", "held_on": "2026-06-12", "hours": 3.5}))]
pub struct CreateTraining {
    /// The staff member; the caller when absent. Another's needs a supervisor or the center
    /// administrator (403 `supervisor_only`).
    pub user_id: Option<Uuid>,
    #[schema(value_type = TrainingParticipation)]
    pub participation: String,
    #[schema(value_type = TrainingCourse)]
    pub course: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: String,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub organiser: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    /// Not before `held_on`.
    #[schema(format = Date)]
    pub ended_on: Option<String>,
    /// At least 0.01, at most two decimals and 24 hours a day (422 `over_24_per_day`).
    #[schema(minimum = 0.01, maximum = 8784)]
    pub hours: f64,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTraining {
    pub user_id: Option<Uuid>,
    #[schema(value_type = Option<TrainingParticipation>)]
    pub participation: Option<String>,
    #[schema(value_type = Option<TrainingCourse>)]
    pub course: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub organiser: Option<Option<String>>,
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(format = Date)]
    pub ended_on: Option<Option<String>>,
    #[schema(minimum = 0.01, maximum = 8784)]
    pub hours: Option<f64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingListQuery {
    /// 年度 the training began in.
    #[param(example = 2026, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: Option<String>,
    /// One staff member's.
    pub user_id: Option<Uuid>,
    #[param(value_type = Option<TrainingCourse>)]
    pub course: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The center's trainings in creation order; `?fiscal_year=`, `?user_id=`, `?course=`.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_trainings",
    params(TrainingListQuery),
    responses((status = 200, body = ListOf<TrainingDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/trainings")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<TrainingListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = TrainingQuery {
        fiscal_year: q.fiscal_year,
        user_id: q.user_id,
        course: q.course,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.activities().trainings(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, TrainingDto::from)))
}

/// Record a training: one's own, or (a supervisor or the center administrator) any staff
/// member's of the center.
#[utoipa::path(
    tag = "activities",
    operation_id = "create_training",
    request_body = CreateTraining,
    responses(
        (status = 201, body = TrainingDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/trainings")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateTraining>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = TrainingInput {
        user_id: b.user_id,
        participation: b.participation,
        course: b.course,
        title: b.title,
        organiser: b.organiser,
        held_on: b.held_on,
        ended_on: b.ended_on,
        hours: b.hours,
        notes: b.notes,
    };
    let s = state.services.clone();
    let t = caller
        .run(move |ctx| s.activities().create_training(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/trainings/{}", t.id),
        t.version,
        &TrainingDto::from(t),
    ))
}

/// Read a training.
#[utoipa::path(
    tag = "activities",
    operation_id = "get_training",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TrainingDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/trainings/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let t = caller
        .run(move |ctx| s.activities().training(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        t.version,
        &TrainingDto::from(t),
    ))
}

/// Change a training (one's own, or a supervisor's or administrator's call). Requires
/// `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_training",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateTraining,
    responses((status = 200, body = TrainingDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/trainings/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateTraining>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = TrainingUpdate {
        user_id: b.user_id,
        participation: b.participation,
        course: b.course,
        title: b.title,
        organiser: b.organiser,
        held_on: b.held_on,
        ended_on: b.ended_on,
        hours: b.hours,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let t = caller
        .run(move |ctx| s.activities().update_training(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        t.version,
        &TrainingDto::from(t),
    ))
}
