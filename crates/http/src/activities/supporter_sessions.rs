//! 出張相談 with the Hello Work 難病患者就職サポーター: `/supporter-schedules` (the recurring
//! schedule and the sessions it generates), `/supporter-sessions` with
//! `/supporter-sessions/{id}/slots` (booking patients), and `/reports/supporter-sessions`.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::period_label;
use crate::dto::{
    ListOf, PeriodDto, ReportQuery, SupporterBookingStatus, SupporterSessionStatus, date,
    double_option, ts,
};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, CreateUnderProblems, ListProblems, ReadProblems, UpdateProblems,
};
use crate::sheet::{Cell, Section, Sheet};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{Datelike, NaiveTime};
use serde::{Deserialize, Serialize};
use tsunagu_domain::activities::supporter_sessions::{
    BookingInput, BookingUpdate, BookingView, GenerateInput, ScheduleInput, ScheduleUpdate,
    SessionInput, SessionQuery, SessionUpdate, Slot, SupporterFigures, SupporterSchedule,
    SupporterSession, SupporterSessionsReport as Figures,
};
use tsunagu_domain::reports::Period;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

// --- schedules ---------------------------------------------------------------------------

/// A recurring 出張相談 schedule with a Hello Work office, e.g. the 2nd and 4th Tuesday.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterScheduleDto {
    pub id: Uuid,
    /// A Hello Work office among the center's agencies.
    pub agency_id: Uuid,
    /// ISO 8601 weekday: 1 is Monday, 7 is Sunday.
    #[schema(minimum = 1, maximum = 7, example = 2)]
    pub weekday: i32,
    /// Weeks of the month (1 to 5).
    #[schema(example = json!([2, 4]))]
    pub weeks: Vec<i32>,
    /// `HH:MM`, Asia/Tokyo.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "13:00")]
    pub start_time: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "16:00")]
    pub end_time: String,
    #[schema(example = 45)]
    pub slot_minutes: i32,
    pub place: Option<String>,
    /// The 就職サポーター's name, as the center writes it.
    pub supporter_name: Option<String>,
    pub active: bool,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<SupporterSchedule> for SupporterScheduleDto {
    fn from(s: SupporterSchedule) -> Self {
        Self {
            id: s.id,
            agency_id: s.agency_id,
            weekday: i32::try_from(s.weekday.number_from_monday()).unwrap_or(1),
            weeks: s.weeks.iter().map(|w| i32::from(*w)).collect(),
            start_time: hhmm(s.start_time),
            end_time: hhmm(s.end_time),
            slot_minutes: s.slot_minutes,
            place: s.place,
            supporter_name: s.supporter_name,
            active: s.active,
            created_by: s.created_by,
            version: s.version,
            created_at: ts(s.created_at),
            updated_at: ts(s.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agency_id": "0193a0b4-0000-7000-8000-000000000002", "weekday": 2, "weeks": [2, 4], "start_time": "13:00", "end_time": "16:00", "slot_minutes": 45, "place": "センター相談室", "supporter_name": "ハローワーク 就職サポーター"}))]
pub struct CreateSupporterSchedule {
    /// An active Hello Work office of the center (422 `not_hello_work`).
    pub agency_id: Uuid,
    /// ISO 8601 weekday: 1 is Monday, 7 is Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: i32,
    /// Weeks of the month, 1 to 5; a 5th week a month lacks is skipped.
    pub weeks: Vec<i32>,
    /// `HH:MM`.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: String,
    /// `HH:MM`, after `start_time`.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end_time: String,
    /// 10 to 240; the session must hold at least one slot.
    #[schema(minimum = 10, maximum = 240)]
    pub slot_minutes: i32,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub supporter_name: Option<String>,
}

/// The days to generate sessions for: `fiscal_year`, or `from` and `to` (at most 400 days).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fiscal_year": "2026"}))]
pub struct GenerateSupporterSessions {
    #[schema(pattern = "{optional_fiscal_year}")]
    pub fiscal_year: Option<String>,
    #[schema(format = Date)]
    pub from: Option<String>,
    #[schema(format = Date)]
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The center's 出張相談 schedules in creation order.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_supporter_schedules",
    params(PageQuery),
    responses((status = 200, body = ListOf<SupporterScheduleDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-schedules")]
pub async fn list_schedules(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.activities().supporter_schedules(ctx, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, SupporterScheduleDto::from)))
}

/// Record a recurring 出張相談 schedule with a Hello Work office.
#[utoipa::path(
    tag = "activities",
    operation_id = "create_supporter_schedule",
    request_body = CreateSupporterSchedule,
    responses(
        (status = 201, body = SupporterScheduleDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/supporter-schedules")]
pub async fn create_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateSupporterSchedule>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = ScheduleInput {
        agency_id: b.agency_id,
        weekday: b.weekday,
        weeks: b.weeks,
        start_time: b.start_time,
        end_time: b.end_time,
        slot_minutes: b.slot_minutes,
        place: b.place,
        supporter_name: b.supporter_name,
    };
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.activities().create_supporter_schedule(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/supporter-schedules/{}", x.id),
        x.version,
        &SupporterScheduleDto::from(x),
    ))
}

/// Read a 出張相談 schedule.
#[utoipa::path(
    tag = "activities",
    operation_id = "get_supporter_schedule",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupporterScheduleDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-schedules/{id}")]
pub async fn read_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.activities().supporter_schedule(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &SupporterScheduleDto::from(x),
    ))
}

/// Fields to change; absent fields stay, `null` clears. Sessions already made keep their
/// day and times; `active: false` ends the schedule (it generates nothing after, 409
/// `schedule_inactive`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UpdateSupporterSchedule {
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: Option<i32>,
    pub weeks: Option<Vec<i32>>,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end_time: Option<String>,
    #[schema(minimum = 10, maximum = 240)]
    pub slot_minutes: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub supporter_name: Option<Option<String>>,
    pub active: Option<bool>,
}

/// Change a 出張相談 schedule. Requires `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_supporter_schedule",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateSupporterSchedule,
    responses((status = 200, body = SupporterScheduleDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/supporter-schedules/{id}")]
pub async fn update_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateSupporterSchedule>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = ScheduleUpdate {
        weekday: b.weekday,
        weeks: b.weeks,
        start_time: b.start_time,
        end_time: b.end_time,
        slot_minutes: b.slot_minutes,
        place: b.place,
        supporter_name: b.supporter_name,
        active: b.active,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| {
            s.activities()
                .update_supporter_schedule(ctx, id, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &SupporterScheduleDto::from(x),
    ))
}

/// Generate the schedule's sessions for a fiscal year or a range of days. Days on which the
/// office already has a session are skipped, so generating again adds only what is
/// missing. Answers the sessions made (possibly none).
#[utoipa::path(
    tag = "activities",
    operation_id = "generate_supporter_sessions",
    params(("id" = Uuid, Path)),
    request_body = GenerateSupporterSessions,
    responses(
        (status = 201, body = ListOf<SupporterSessionDto>),
        (status = 409, description = "The schedule is not in use (`schedule_inactive`), or another generation made a day at the same time (`session_exists`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/supporter-schedules/{id}/sessions")]
pub async fn generate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<GenerateSupporterSessions>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = GenerateInput {
        fiscal_year: b.fiscal_year,
        from: b.from,
        to: b.to,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let made = caller
        .run(move |ctx| s.activities().generate_supporter_sessions(ctx, id, input))
        .await?;
    Ok(HttpResponse::Created().json(ListOf {
        items: made.into_iter().map(SupporterSessionDto::from).collect(),
        next_cursor: None,
    }))
}

// --- sessions ----------------------------------------------------------------------------

/// A 出張相談 session with the Hello Work 就職サポーター. Who is booked is read from
/// `/supporter-sessions/{id}/slots`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterSessionDto {
    pub id: Uuid,
    pub agency_id: Uuid,
    /// The schedule it was generated from; `null` for a session made by hand.
    pub schedule_id: Option<Uuid>,
    #[schema(format = Date)]
    pub held_on: String,
    /// `HH:MM`, Asia/Tokyo.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "13:00")]
    pub start_time: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "16:00")]
    pub end_time: String,
    pub slot_minutes: i32,
    pub place: Option<String>,
    pub supporter_name: Option<String>,
    /// The center's staff who sat in.
    pub staff_ids: Vec<Uuid>,
    #[schema(value_type = SupporterSessionStatus)]
    pub status: String,
    pub notes: Option<String>,
    /// How many slots the session holds.
    pub slots_total: i64,
    /// Slots with a live booking.
    pub slots_booked: i64,
    /// Bookings marked held (joint consultations that took place).
    pub consultations_held: i64,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<SupporterSession> for SupporterSessionDto {
    fn from(s: SupporterSession) -> Self {
        let slots_total = count(s.slots().len());
        let slots_booked = count(s.live_bookings().count());
        let consultations_held = count(
            s.bookings
                .iter()
                .filter(|b| b.status == tsunagu_domain::values::SupporterBookingStatus::Held)
                .count(),
        );
        Self {
            id: s.id,
            agency_id: s.agency_id,
            schedule_id: s.schedule_id,
            held_on: date(s.held_on),
            start_time: hhmm(s.start_time),
            end_time: hhmm(s.end_time),
            slot_minutes: s.slot_minutes,
            place: s.place,
            supporter_name: s.supporter_name,
            staff_ids: s.staff_ids,
            status: s.status.as_str().to_owned(),
            notes: s.notes,
            slots_total,
            slots_booked,
            consultations_held,
            created_by: s.created_by,
            version: s.version,
            created_at: ts(s.created_at),
            updated_at: ts(s.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agency_id": "0193a0b4-0000-7000-8000-000000000002", "held_on": "2026-06-09", "start_time": "13:00", "end_time": "16:00", "slot_minutes": 45, "place": "センター相談室", "supporter_name": "ハローワーク 就職サポーター"}))]
pub struct CreateSupporterSession {
    /// An active Hello Work office of the center (422 `not_hello_work`).
    pub agency_id: Uuid,
    #[schema(format = Date)]
    pub held_on: String,
    /// `HH:MM`.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: String,
    /// `HH:MM`, after `start_time`.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end_time: String,
    #[schema(minimum = 10, maximum = 240)]
    pub slot_minutes: i32,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub supporter_name: Option<String>,
    /// Active staff of the center.
    #[serde(default)]
    pub staff_ids: Vec<Uuid>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears. Times may change only so that every
/// live booking still starts a slot (409 `booked_slot_moved`); `cancelled` only without live
/// bookings (409 `session_has_bookings`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupporterSession {
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end_time: Option<String>,
    pub slot_minutes: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub supporter_name: Option<Option<String>>,
    pub staff_ids: Option<Vec<Uuid>>,
    #[schema(value_type = Option<SupporterSessionStatus>)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupporterSessionListQuery {
    /// 年度 the session is held in.
    #[param(example = 2026)]
    pub fiscal_year: Option<String>,
    /// Held on or after.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Held on or before.
    #[param(format = Date)]
    pub to: Option<String>,
    /// One Hello Work office.
    pub agency_id: Option<Uuid>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The center's 出張相談 sessions in creation order; `?fiscal_year=`, `?from=`, `?to=`,
/// `?agency_id=`.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_supporter_sessions",
    params(SupporterSessionListQuery),
    responses((status = 200, body = ListOf<SupporterSessionDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-sessions")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<SupporterSessionListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = SessionQuery {
        fiscal_year: q.fiscal_year,
        from: q.from,
        to: q.to,
        agency_id: q.agency_id,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.activities().supporter_sessions(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, SupporterSessionDto::from)))
}

/// Record one 出張相談 session by hand (a day outside the schedule).
#[utoipa::path(
    tag = "activities",
    operation_id = "create_supporter_session",
    request_body = CreateSupporterSession,
    responses(
        (status = 201, body = SupporterSessionDto, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The office already has a session that day (`session_exists`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/supporter-sessions")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateSupporterSession>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = SessionInput {
        agency_id: b.agency_id,
        held_on: b.held_on,
        start_time: b.start_time,
        end_time: b.end_time,
        slot_minutes: b.slot_minutes,
        place: b.place,
        supporter_name: b.supporter_name,
        staff_ids: b.staff_ids,
        notes: b.notes,
    };
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.activities().create_supporter_session(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/supporter-sessions/{}", x.id),
        x.version,
        &SupporterSessionDto::from(x),
    ))
}

/// Read a 出張相談 session.
#[utoipa::path(
    tag = "activities",
    operation_id = "get_supporter_session",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupporterSessionDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-sessions/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| s.activities().supporter_session(ctx, id))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &SupporterSessionDto::from(x),
    ))
}

/// Change a 出張相談 session (its day, times, place, staff, status). Requires `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_supporter_session",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateSupporterSession,
    responses(
        (status = 200, body = SupporterSessionDto, headers(("ETag" = String))),
        (status = 409, description = "`booked_slot_moved`, `session_has_bookings` or `session_exists`", body = crate::problem::Problem, content_type = "application/problem+json"),
        UpdateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/supporter-sessions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateSupporterSession>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = SessionUpdate {
        held_on: b.held_on,
        start_time: b.start_time,
        end_time: b.end_time,
        slot_minutes: b.slot_minutes,
        place: b.place,
        supporter_name: b.supporter_name,
        staff_ids: b.staff_ids,
        status: b.status,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let x = caller
        .run(move |ctx| {
            s.activities()
                .update_supporter_session(ctx, id, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        x.version,
        &SupporterSessionDto::from(x),
    ))
}

// --- slots and bookings ------------------------------------------------------------------

/// 新規求職者 / 就職者 as the linked referral's follow-ups show them.
#[derive(Debug, Serialize, ToSchema)]
pub struct DerivedOutcomeDto {
    /// The agency confirmed the registration as a job seeker (求職登録).
    pub new_job_seeker: bool,
    /// A follow-up found the patient employed or keeping the job, or the agency confirmed it.
    pub employed: bool,
}

/// A patient booked into a slot of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterBookingDto {
    pub id: Uuid,
    pub session_id: Uuid,
    pub patient_id: Uuid,
    /// The patient's case number and name, for the session's list.
    pub patient_case_number: Option<String>,
    pub patient_name: Option<String>,
    /// `HH:MM`: the start of the slot.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "13:45")]
    pub slot_start: String,
    #[schema(value_type = SupporterBookingStatus)]
    pub status: String,
    /// The patient's consultation record of the joint consultation.
    pub consultation_id: Option<Uuid>,
    /// The referral it led to.
    pub referral_id: Option<Uuid>,
    /// 新規求職者 as entered by the supporter; `null`: not entered (the figures follow
    /// `derived`).
    pub new_job_seeker: Option<bool>,
    /// 就職者 as entered; `null`: not entered.
    pub employed: Option<bool>,
    pub derived: DerivedOutcomeDto,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<BookingView> for SupporterBookingDto {
    fn from(v: BookingView) -> Self {
        let b = v.booking;
        Self {
            id: b.id,
            session_id: b.session_id,
            patient_id: b.patient_id,
            patient_case_number: v.patient.as_ref().map(|p| p.case_number.clone()),
            patient_name: v.patient.map(|p| p.name),
            slot_start: hhmm(b.slot_start),
            status: b.status.as_str().to_owned(),
            consultation_id: b.consultation_id,
            referral_id: b.referral_id,
            new_job_seeker: b.new_job_seeker,
            employed: b.employed,
            derived: DerivedOutcomeDto {
                new_job_seeker: v.derived.new_job_seeker,
                employed: v.derived.employed,
            },
            notes: b.notes,
            created_by: b.created_by,
            version: b.version,
            created_at: ts(b.created_at),
            updated_at: ts(b.updated_at),
        }
    }
}

/// A slot of a session and its live booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterSlotDto {
    /// `HH:MM`.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end_time: String,
    /// `null` when the slot is free.
    pub booking: Option<SupporterBookingDto>,
}

impl From<Slot> for SupporterSlotDto {
    fn from(s: Slot) -> Self {
        Self {
            start_time: hhmm(s.start),
            end_time: hhmm(s.end),
            booking: s.booking.map(Into::into),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slot_start": "13:45", "patient_id": "0193a0b4-0000-7000-8000-000000000001"}))]
pub struct CreateSupporterBooking {
    /// `HH:MM`: the start of one of the session's slots.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub slot_start: String,
    pub patient_id: Uuid,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// What came of a booking; absent fields stay, `null` clears. A consultation and outcomes
/// are recorded for a `held` booking (422 `not_held`); a cancelled booking stays cancelled
/// (409 `booking_cancelled`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "held", "create_consultation": true, "new_job_seeker": true}))]
pub struct UpdateSupporterBooking {
    #[schema(value_type = Option<SupporterBookingStatus>)]
    pub status: Option<String>,
    /// One of the patient's consultations (422 `consultation_not_found`).
    #[serde(default, deserialize_with = "double_option")]
    pub consultation_id: Option<Option<Uuid>>,
    /// Record the joint consultation as a new consultation of the patient (in person, on
    /// employment, with the 就職サポーター) and link it.
    #[serde(default)]
    pub create_consultation: bool,
    /// One of the patient's referrals (422 `referral_not_found`).
    #[serde(default, deserialize_with = "double_option")]
    pub referral_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub new_job_seeker: Option<Option<bool>>,
    #[serde(default, deserialize_with = "double_option")]
    pub employed: Option<Option<bool>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

/// A session's slots, each with its live booking (an access event naming each patient).
#[utoipa::path(
    tag = "activities",
    operation_id = "list_supporter_slots",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ListOf<SupporterSlotDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-sessions/{id}/slots")]
pub async fn list_slots(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let slots = caller
        .run(move |ctx| s.activities().supporter_slots(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf {
        items: slots.into_iter().map(SupporterSlotDto::from).collect(),
        next_cursor: None,
    }))
}

/// Book a slot for a patient of the center (422 `patient_not_found`) with a consent in
/// force on the session's day (422 `booking_without_consent`). Of two bookings of one slot
/// exactly one is made; the other answers 409 `slot_taken`. A patient holds one slot of a
/// session (409 `patient_already_booked`); a cancelled session takes no bookings (409
/// `session_cancelled`).
#[utoipa::path(
    tag = "activities",
    operation_id = "create_supporter_booking",
    params(("id" = Uuid, Path)),
    request_body = CreateSupporterBooking,
    responses(
        (status = 201, body = SupporterBookingDto, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "`slot_taken`, `patient_already_booked` or `session_cancelled`", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/supporter-sessions/{id}/slots")]
pub async fn book(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateSupporterBooking>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = BookingInput {
        slot_start: b.slot_start,
        patient_id: b.patient_id,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let v = caller
        .run(move |ctx| s.activities().book_supporter_slot(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/supporter-sessions/{id}/slots/{}", v.booking.id),
        v.booking.version,
        &SupporterBookingDto::from(v),
    ))
}

/// Read a booking (an access event naming the patient).
#[utoipa::path(
    tag = "activities",
    operation_id = "get_supporter_booking",
    params(("id" = Uuid, Path), ("booking_id" = Uuid, Path)),
    responses((status = 200, body = SupporterBookingDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/supporter-sessions/{id}/slots/{booking_id}")]
pub async fn read_booking(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, booking) = path.into_inner();
    let s = state.services.clone();
    let v = caller
        .run(move |ctx| s.activities().supporter_booking(ctx, id, booking))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        v.booking.version,
        &SupporterBookingDto::from(v),
    ))
}

/// Record what came of a booking: `held` (the session becomes held) with the consultation
/// record and referral, 新規求職者 / 就職者; `no_show`; or `cancelled` (the slot is free
/// again). Requires `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_supporter_booking",
    params(("id" = Uuid, Path), ("booking_id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateSupporterBooking,
    responses(
        (status = 200, body = SupporterBookingDto, headers(("ETag" = String))),
        (status = 409, description = "`booking_cancelled` or `session_cancelled`", body = crate::problem::Problem, content_type = "application/problem+json"),
        UpdateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/supporter-sessions/{id}/slots/{booking_id}")]
pub async fn update_booking(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<UpdateSupporterBooking>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = BookingUpdate {
        status: b.status,
        consultation_id: b.consultation_id,
        create_consultation: b.create_consultation,
        referral_id: b.referral_id,
        new_job_seeker: b.new_job_seeker,
        employed: b.employed,
        notes: b.notes,
    };
    let (id, booking) = path.into_inner();
    let s = state.services.clone();
    let v = caller
        .run(move |ctx| {
            s.activities()
                .update_supporter_booking(ctx, id, booking, version, input)
        })
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        v.booking.version,
        &SupporterBookingDto::from(v),
    ))
}

// --- the report --------------------------------------------------------------------------

/// 出張相談の実績 of one row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupporterFiguresDto {
    /// Sessions marked held.
    pub sessions_held: i64,
    /// Joint consultations held (a patient seen twice counts twice).
    pub consultations: i64,
    /// Different patients seen.
    pub people_seen: i64,
    /// 新規求職者: patients registered as new job seekers (entered, else from follow-ups).
    pub new_job_seekers: i64,
    /// 就職者: patients employed (entered, else from follow-ups).
    pub employed: i64,
}

impl From<&SupporterFigures> for SupporterFiguresDto {
    fn from(f: &SupporterFigures) -> Self {
        Self {
            sessions_held: f.sessions_held,
            consultations: f.consultations,
            people_seen: f.people_seen,
            new_job_seekers: f.new_job_seekers,
            employed: f.employed,
        }
    }
}

/// One month of the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterMonthRow {
    /// `YYYY-MM`.
    #[schema(example = "2026-04")]
    pub month: String,
    #[serde(flatten)]
    pub figures: SupporterFiguresDto,
}

/// One Hello Work office.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterOfficeRow {
    pub agency_id: Uuid,
    pub agency_name: String,
    #[serde(flatten)]
    pub figures: SupporterFiguresDto,
}

/// 難病患者就職サポーターによる出張相談の実績: per month and per Hello Work office.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupporterSessionsReport {
    pub period: PeriodDto,
    /// Every month of the period, in order.
    pub months: Vec<SupporterMonthRow>,
    /// Every office with a session in the period, by name.
    pub offices: Vec<SupporterOfficeRow>,
    /// People are counted once in the total, however many months they came.
    pub total: SupporterFiguresDto,
}

impl SupporterSessionsReport {
    pub fn new(period: &Period, r: &Figures) -> Self {
        Self {
            period: period.into(),
            months: r
                .months
                .iter()
                .map(|(m, f)| SupporterMonthRow {
                    month: format!("{:04}-{:02}", m.year(), m.month()),
                    figures: f.into(),
                })
                .collect(),
            offices: r
                .offices
                .iter()
                .map(|o| SupporterOfficeRow {
                    agency_id: o.agency_id,
                    agency_name: o.agency_name.clone(),
                    figures: (&o.figures).into(),
                })
                .collect(),
            total: (&r.total).into(),
        }
    }

    pub fn sheet(&self, period: &Period, r: &Figures) -> Sheet {
        let line = |label: String, f: &SupporterFigures| {
            vec![
                Cell::from(label),
                f.sessions_held.into(),
                f.consultations.into(),
                f.people_seen.into(),
                f.new_job_seekers.into(),
                f.employed.into(),
            ]
        };
        let header = |first: &str| {
            [
                first,
                "開催回数",
                "相談件数",
                "相談者数",
                "新規求職者",
                "就職者",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        Sheet {
            name: "出張相談".into(),
            title: "難病患者就職サポーターによる出張相談の実績".into(),
            period: period_label(period),
            sections: vec![
                Section {
                    title: Some("月別".into()),
                    header: header("月"),
                    rows: r
                        .months
                        .iter()
                        .map(|(m, f)| line(format!("{}年{}月", m.year(), m.month()), f))
                        .chain(std::iter::once(line("合計".to_owned(), &r.total)))
                        .collect(),
                },
                Section {
                    title: Some("ハローワーク別".into()),
                    header: header("ハローワーク"),
                    rows: r
                        .offices
                        .iter()
                        .map(|o| line(o.agency_name.clone(), &o.figures))
                        .collect(),
                },
            ],
        }
    }
}

/// The report and its sheet, for `/reports/supporter-sessions` and the annual workbook.
pub(crate) fn shape(period: &Period, f: &Figures) -> (SupporterSessionsReport, Sheet) {
    let b = SupporterSessionsReport::new(period, f);
    let sheet = b.sheet(period, f);
    (b, sheet)
}

/// 難病患者就職サポーターによる出張相談: per month and per Hello Work office, the sessions
/// held, the joint consultations, the people seen, 新規求職者 and 就職者 (as the supporter
/// entered them, else from the linked referral's follow-ups). For a center's supervisor or
/// administrator; the system administrator across centers. Never a name of a patient.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_supporter_sessions",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((SupporterSessionsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/supporter-sessions")]
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
        "supporter-sessions",
        |s, c, p, pref| s.activities().supporter_sessions_report(c, p, pref),
        |p, f| shape(p, &f),
    )
    .await
}
