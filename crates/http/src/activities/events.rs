//! `/events` and `/events/{id}/attendees` (イベント・集団活動), and `/reports/events`.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::period_label;
use crate::dto::{
    AttendeeRole, EventKind, ListOf, PeriodDto, ReportQuery, date, double_option, ts,
};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::labels;
use crate::problem::{
    ApiError, CreateProblems, CreateUnderProblems, ListProblems, ReadProblems, UpdateProblems,
};
use crate::sheet::{Cell, Section, Sheet};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::activities::{
    Attendee, AttendeeInput, Event, EventCount, EventInput, EventQuery, EventUpdate,
    EventsReport as Figures,
};
use tsunagu_domain::reports::Period;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A patient named at an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeDto {
    pub patient_id: Uuid,
    #[schema(value_type = AttendeeRole)]
    pub role: String,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Attendee> for AttendeeDto {
    fn from(a: Attendee) -> Self {
        Self {
            patient_id: a.patient_id,
            role: a.role.as_str().to_owned(),
            created_by: a.created_by,
            created_at: ts(a.created_at),
        }
    }
}

/// An event or group activity (イベント・集団活動).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub id: Uuid,
    #[schema(value_type = EventKind)]
    pub kind: String,
    /// What an `other` event was; `null` for the coded kinds.
    pub kind_other: Option<String>,
    #[schema(example = "難病カフェ 6月")]
    pub title: String,
    #[schema(format = Date)]
    pub held_on: String,
    /// `HH:MM`, Asia/Tokyo.
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$", example = "13:30")]
    pub start_time: Option<String>,
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: Option<String>,
    pub place: Option<String>,
    pub online: bool,
    /// The center's staff who ran it.
    pub staff_ids: Vec<Uuid>,
    /// Patients who came, named or not.
    pub patients_count: i32,
    /// Family members who came, named or not.
    pub families_count: i32,
    /// Professionals (agencies, medical and welfare staff) who came.
    pub professionals_count: i32,
    /// What was handed out.
    pub materials: Vec<String>,
    /// The series it belongs to (e.g. the monthly 難病カフェ).
    pub series: Option<String>,
    pub notes: Option<String>,
    /// The patients named at it, each with a consent in force on its day.
    pub attendees: Vec<AttendeeDto>,
    pub created_by: Uuid,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Event> for EventDto {
    fn from(e: Event) -> Self {
        let hhmm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
        Self {
            id: e.id,
            kind: e.kind.as_str().to_owned(),
            kind_other: e.kind_other,
            title: e.title,
            held_on: date(e.held_on),
            start_time: e.start_time.map(hhmm),
            end_time: e.end_time.map(hhmm),
            place: e.place,
            online: e.online,
            staff_ids: e.staff_ids,
            patients_count: e.patients_count,
            families_count: e.families_count,
            professionals_count: e.professionals_count,
            materials: e.materials,
            series: e.series,
            notes: e.notes,
            attendees: e.attendees.into_iter().map(Into::into).collect(),
            created_by: e.created_by,
            version: e.version,
            created_at: ts(e.created_at),
            updated_at: ts(e.updated_at),
        }
    }
}

/// An event's materials: each item trimmed, blank items skipped, each at most 200
/// characters once trimmed (which no `maxLength` states, as the length of what is sent may be
/// longer), at most 30 items that are not blank.
fn material_items() -> utoipa::openapi::schema::ArrayBuilder {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("{optional_name}")),
        )
        .description(Some(
            "At most 30 items that are not blank (blank ones are skipped), each at most 200 characters once trimmed.",
        ))
}

fn materials() -> utoipa::openapi::schema::Array {
    material_items().build()
}

fn optional_materials() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{SchemaType, Type};
    material_items()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "cafe", "title": "難病カフェ 6月", "held_on": "2026-06-20", "start_time": "13:30", "end_time": "15:30", "place": "県民文化センター 会議室", "online": false, "staff_ids": [], "patients_count": 8, "families_count": 3, "professionals_count": 1, "materials": ["就労支援ガイド"], "series": "難病カフェ"}))]
pub struct CreateEvent {
    #[schema(value_type = EventKind)]
    pub kind: String,
    /// Required for `other`, refused for the coded kinds.
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub kind_other: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: String,
    #[schema(format = Date)]
    pub held_on: String,
    /// `HH:MM`.
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub start_time: Option<String>,
    /// `HH:MM`, after `start_time`.
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<String>,
    #[serde(default)]
    pub online: bool,
    /// Active staff of the center.
    #[serde(default)]
    pub staff_ids: Vec<Uuid>,
    #[serde(default)]
    pub patients_count: i32,
    #[serde(default)]
    pub families_count: i32,
    #[serde(default)]
    pub professionals_count: i32,
    #[serde(default)]
    #[schema(schema_with = materials)]
    pub materials: Vec<String>,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub series: Option<String>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears; lists replace. A new `held_on` is
/// checked against every attendee's consent again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvent {
    #[schema(value_type = Option<EventKind>)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub kind_other: Option<Option<String>>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: Option<String>,
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub start_time: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub place: Option<Option<String>>,
    pub online: Option<bool>,
    pub staff_ids: Option<Vec<Uuid>>,
    #[schema(minimum = 0)]
    pub patients_count: Option<i32>,
    #[schema(minimum = 0)]
    pub families_count: Option<i32>,
    #[schema(minimum = 0)]
    pub professionals_count: Option<i32>,
    #[schema(schema_with = optional_materials)]
    pub materials: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub series: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"patient_id": "0193a0b4-0000-7000-8000-000000000001", "role": "patient"}))]
pub struct CreateAttendee {
    pub patient_id: Uuid,
    #[schema(value_type = AttendeeRole)]
    pub role: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// 年度 the event was held in.
    #[param(example = 2026, pattern = r"^(20[0-9]{2}|2100)$")]
    pub fiscal_year: Option<String>,
    #[param(value_type = Option<EventKind>)]
    pub kind: Option<String>,
    /// The series' name, exactly.
    pub series: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The center's events in creation order; `?fiscal_year=`, `?kind=`, `?series=`. An
/// access event names each attendee on the page.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_events",
    params(EventListQuery),
    responses((status = 200, body = ListOf<EventDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let q = q.into_inner();
    let query = EventQuery {
        fiscal_year: q.fiscal_year,
        kind: q.kind,
        series: q.series,
    };
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.activities().events(ctx, query, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, EventDto::from)))
}

/// Record an event or group activity (case work: consultants, 自立支援員, supervisors).
#[utoipa::path(
    tag = "activities",
    operation_id = "create_event",
    request_body = CreateEvent,
    responses(
        (status = 201, body = EventDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/events")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateEvent>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = EventInput {
        kind: b.kind,
        kind_other: b.kind_other,
        title: b.title,
        held_on: b.held_on,
        start_time: b.start_time,
        end_time: b.end_time,
        place: b.place,
        online: b.online,
        staff_ids: b.staff_ids,
        patients_count: b.patients_count,
        families_count: b.families_count,
        professionals_count: b.professionals_count,
        materials: b.materials,
        series: b.series,
        notes: b.notes,
    };
    let s = state.services.clone();
    let e = caller
        .run(move |ctx| s.activities().create_event(ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/events/{}", e.id),
        e.version,
        &EventDto::from(e),
    ))
}

/// Read an event (an access event naming each attendee).
#[utoipa::path(
    tag = "activities",
    operation_id = "get_event",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EventDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/events/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let e = caller.run(move |ctx| s.activities().event(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        e.version,
        &EventDto::from(e),
    ))
}

/// Change an event. Requires `If-Match`.
#[utoipa::path(
    tag = "activities",
    operation_id = "update_event",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read")),
    request_body = UpdateEvent,
    responses((status = 200, body = EventDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[patch("/events/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateEvent>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = EventUpdate {
        kind: b.kind,
        kind_other: b.kind_other,
        title: b.title,
        held_on: b.held_on,
        start_time: b.start_time,
        end_time: b.end_time,
        place: b.place,
        online: b.online,
        staff_ids: b.staff_ids,
        patients_count: b.patients_count,
        families_count: b.families_count,
        professionals_count: b.professionals_count,
        materials: b.materials,
        series: b.series,
        notes: b.notes,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let e = caller
        .run(move |ctx| s.activities().update_event(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        e.version,
        &EventDto::from(e),
    ))
}

/// The patients named at an event (an access event naming each).
#[utoipa::path(
    tag = "activities",
    operation_id = "list_event_attendees",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ListOf<AttendeeDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:read"]))
)]
#[get("/events/{id}/attendees")]
pub async fn list_attendees(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let named = caller
        .run(move |ctx| s.activities().attendees(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf {
        items: named.into_iter().map(AttendeeDto::from).collect(),
        next_cursor: None,
    }))
}

/// Name a patient at an event: a patient of the center (422 `attendee_not_found`) with a
/// consent in force on its day (422 `attendee_without_consent`: count them in the
/// headcount only), covered by the headcount of their role (422 `fewer_than_named`), once
/// (409 `already_attending`). Answers the event as it is now, with its new ETag; the event
/// shows on the patient's timeline.
#[utoipa::path(
    tag = "activities",
    operation_id = "create_event_attendee",
    params(("id" = Uuid, Path)),
    request_body = CreateAttendee,
    responses(
        (status = 201, body = EventDto, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "Already named (`already_attending`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateUnderProblems
    ),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[post("/events/{id}/attendees")]
pub async fn add_attendee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateAttendee>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = AttendeeInput {
        patient_id: b.patient_id,
        role: b.role,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let (e, _) = caller
        .run(move |ctx| s.activities().add_attendee(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/events/{}", e.id),
        e.version,
        &EventDto::from(e),
    ))
}

/// Take a patient off an event's list (the headcount stays). Answers the event as it is
/// now.
#[utoipa::path(
    tag = "activities",
    operation_id = "delete_event_attendee",
    params(("id" = Uuid, Path), ("patient_id" = Uuid, Path)),
    responses((status = 200, body = EventDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["activities:write"]))
)]
#[delete("/events/{id}/attendees/{patient_id}")]
pub async fn remove_attendee(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, patient) = path.into_inner();
    let s = state.services.clone();
    let e = caller
        .run(move |ctx| s.activities().remove_attendee(ctx, id, patient))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        e.version,
        &EventDto::from(e),
    ))
}

// --- the report --------------------------------------------------------------------------

/// Events of one kind held in the period, and who came.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventKindFigures {
    /// `null` on the total row.
    #[schema(value_type = Option<EventKind>)]
    pub kind: Option<&'static str>,
    pub events: i64,
    pub patients: i64,
    pub families: i64,
    pub professionals: i64,
    /// Patients, families and professionals.
    pub people: i64,
    /// Patients named at them (a patient at two events counts twice).
    pub named: i64,
}

impl From<&EventCount> for EventKindFigures {
    fn from(c: &EventCount) -> Self {
        Self {
            kind: c.kind.map(|k| k.as_str()),
            events: c.events,
            patients: c.patients,
            families: c.families,
            professionals: c.professionals,
            people: c.people(),
            named: c.named,
        }
    }
}

/// イベント・集団活動の実績: per kind, the events held in the period and the headcounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsReport {
    pub period: PeriodDto,
    /// Every kind, in order.
    pub rows: Vec<EventKindFigures>,
    pub total: EventKindFigures,
}

impl EventsReport {
    pub fn new(period: &Period, r: &Figures) -> Self {
        Self {
            period: period.into(),
            rows: r.rows.iter().map(Into::into).collect(),
            total: (&r.total).into(),
        }
    }

    pub fn sheet(&self, period: &Period, r: &Figures) -> Sheet {
        let line = |label: String, c: &EventCount| {
            vec![
                Cell::from(label),
                c.events.into(),
                c.patients.into(),
                c.families.into(),
                c.professionals.into(),
                c.people().into(),
            ]
        };
        Sheet {
            name: "イベント".into(),
            title: "イベント・集団活動の実績".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header: ["種類", "開催回数", "患者", "家族", "関係者", "参加者計"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: r
                    .rows
                    .iter()
                    .map(|c| line(c.kind.map_or("", labels::event_kind).to_owned(), c))
                    .chain(std::iter::once(line("合計".to_owned(), &r.total)))
                    .collect(),
            }],
        }
    }
}

/// The report and its sheet, for `/reports/events` and the annual workbook.
pub(crate) fn shape(period: &Period, f: &Figures) -> (EventsReport, Sheet) {
    let b = EventsReport::new(period, f);
    let sheet = b.sheet(period, f);
    (b, sheet)
}

/// イベント・集団活動: per kind, the events held in the period, the patients, families and
/// professionals who came (summed over events) and the patients named. For a center's
/// supervisor or administrator; the system administrator across centers. Never a name.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_events",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((EventsReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/events")]
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
        "events",
        |s, c, p, pref| s.activities().events_report(c, p, pref),
        |p, f| shape(p, &f),
    )
    .await
}
