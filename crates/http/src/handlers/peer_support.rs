//! ピア・サポーター over HTTP: `/patients/{id}/peer-supporters` (who looks after the patient;
//! a supervisor assigns and ends) and `/reports/peer-support` (the evidence of their work).
//! The wire types live here with their handlers.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{ItemsOf, PeriodDto, ReportQuery, period_label};
use crate::json::ApiJson;
use crate::problem::{ApiError, LinkProblems, ListProblems, ReadProblems};
use crate::sheet::{Cell, Section, Sheet};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use tsunagu_domain::peer_support::{PeerAssignment, PeerMonth, PeerSupportReport};
use tsunagu_domain::reports::Period;
use utoipa::ToSchema;
use uuid::Uuid;

/// A peer supporter looking after a patient; `ended_on` is set once the assignment ended
/// (their reach over the patient ended with it).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerAssignmentDto {
    pub id: Uuid,
    pub patient_id: Uuid,
    /// The peer supporter (a user with the role `peer_supporter`).
    pub user_id: Uuid,
    #[schema(format = Date)]
    pub started_on: String,
    #[schema(format = Date)]
    pub ended_on: Option<String>,
    pub assigned_by: Uuid,
    pub ended_by: Option<Uuid>,
    pub created_at: String,
}

impl From<PeerAssignment> for PeerAssignmentDto {
    fn from(a: PeerAssignment) -> Self {
        Self {
            id: a.id,
            patient_id: a.patient_id,
            user_id: a.user_id,
            started_on: a.started_on.to_string(),
            ended_on: a.ended_on.map(|d| d.to_string()),
            assigned_by: a.assigned_by,
            ended_by: a.ended_by,
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "01890a5d-ac96-774b-bcce-b302099a8057"}))]
pub struct AssignPeerSupporter {
    /// An active peer supporter of the center (422 `not_a_peer_supporter` for another
    /// role, `unknown_user` for anyone else).
    pub user_id: Uuid,
}

/// The patient's peer supporters, current and past, newest first. For those who work with
/// the center's patients (not a peer supporter).
#[utoipa::path(
    tag = "peer-support",
    operation_id = "list_peer_assignments",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<PeerAssignmentDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["patients:read"]))
)]
#[get("/patients/{id}/peer-supporters")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.peer_support().assignments(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(PeerAssignmentDto::from).collect(),
    }))
}

/// Assign a peer supporter to the patient: from then on they find the patient, read their
/// consultations and record their own. A supervisor in person; 409 `already_assigned` when
/// the supporter already looks after the patient.
#[utoipa::path(
    tag = "peer-support",
    operation_id = "assign_peer_supporter",
    params(("id" = Uuid, Path)),
    request_body = AssignPeerSupporter,
    responses(
        (status = 201, body = PeerAssignmentDto, headers(("Location" = String))),
        LinkProblems
    ),
    security(("bearer" = []))
)]
#[post("/patients/{id}/peer-supporters")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<AssignPeerSupporter>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = body.into_inner().user_id;
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.peer_support().assign(ctx, id, user))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/patients/{id}/peer-supporters"),
        ))
        .json(PeerAssignmentDto::from(a)))
}

/// End the supporter's assignment to the patient (a supervisor in person): their reach
/// over the patient ends at once. 404 when they are not assigned now.
#[utoipa::path(
    tag = "peer-support",
    operation_id = "end_peer_assignment",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = PeerAssignmentDto), ReadProblems),
    security(("bearer" = []))
)]
#[delete("/patients/{id}/peer-supporters/{user_id}")]
pub async fn end(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user) = path.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.peer_support().end(ctx, id, user))
        .await?;
    Ok(HttpResponse::Ok().json(PeerAssignmentDto::from(a)))
}

// --- the evidence ------------------------------------------------------------------------

/// One month of a supporter's work.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerMonthDto {
    /// `YYYY-MM`; `null` on the total.
    pub month: Option<String>,
    pub consultations: i64,
    pub consultation_minutes: i64,
    /// Events and group activities they ran (named among the staff).
    pub events: i64,
    pub event_minutes: i64,
    /// Consultation and event time, in hours (two decimals).
    pub hours: f64,
}

fn hours(minutes: i64) -> f64 {
    // Two decimals, like the trainings' hours; exact enough for evidence, never summed again.
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

impl PeerMonthDto {
    fn new(m: &PeerMonth, total: bool) -> Self {
        Self {
            month: (!total).then(|| m.month.format("%Y-%m").to_string()),
            consultations: m.consultations,
            consultation_minutes: m.consultation_minutes,
            events: m.events,
            event_minutes: m.event_minutes,
            hours: hours(m.minutes()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeerSupporterFigures {
    pub user_id: Uuid,
    pub display_name: String,
    pub active: bool,
    /// When they first completed a ピア・サポーター養成講習会 (the last day of the course).
    #[schema(format = Date)]
    pub course_completed_on: Option<String>,
    /// Hours of 養成講習会 attended in the period.
    pub course_hours: f64,
    /// Every month of the period, in order.
    pub months: Vec<PeerMonthDto>,
    pub total: PeerMonthDto,
}

/// ピア・サポーターの活動実績: per peer supporter, consultations recorded and events run per
/// month with their hours, and their training (養成講習会) — the evidence a center keeps for
/// their treatment (処遇改善).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerSupportReportDto {
    pub period: PeriodDto,
    pub supporters: Vec<PeerSupporterFigures>,
}

impl PeerSupportReportDto {
    fn new(period: &Period, r: &PeerSupportReport) -> Self {
        Self {
            period: period.into(),
            supporters: r
                .supporters
                .iter()
                .map(|s| PeerSupporterFigures {
                    user_id: s.user_id,
                    display_name: s.display_name.clone(),
                    active: s.active,
                    course_completed_on: s.course_completed_on.map(|d| d.to_string()),
                    course_hours: s.course_hours_hundredths as f64 / 100.0,
                    months: s
                        .months
                        .iter()
                        .map(|m| PeerMonthDto::new(m, false))
                        .collect(),
                    total: PeerMonthDto::new(&s.total(), true),
                })
                .collect(),
        }
    }

    /// One line per supporter and month, then their total: a table that reads in a
    /// spreadsheet and filters by name.
    fn sheet(&self, period: &Period) -> Sheet {
        let mut rows = Vec::new();
        for s in &self.supporters {
            let line = |month: String, m: &PeerMonthDto| {
                vec![
                    Cell::from(s.display_name.clone()),
                    Cell::from(month),
                    m.consultations.into(),
                    m.consultation_minutes.into(),
                    m.events.into(),
                    m.event_minutes.into(),
                    Cell::from(format!("{:.2}", m.hours)),
                    Cell::from(s.course_completed_on.clone().unwrap_or_default()),
                ]
            };
            for m in &s.months {
                rows.push(line(m.month.clone().unwrap_or_default(), m));
            }
            rows.push(line("合計".into(), &s.total));
        }
        Sheet {
            name: "ピア・サポーター".into(),
            title: "ピア・サポーターの活動実績".into(),
            period: period_label(period),
            sections: vec![Section {
                title: None,
                header: [
                    "ピア・サポーター",
                    "月",
                    "相談件数",
                    "相談時間（分）",
                    "活動回数",
                    "活動時間（分）",
                    "時間計",
                    "養成講習会修了日",
                ]
                .map(str::to_owned)
                .to_vec(),
                rows,
            }],
        }
    }
}

/// ピア・サポーターの活動実績 of the center: a supervisor or the center administrator reads
/// every supporter's line, a peer supporter their own. It names staff, so it is one center's
/// (the system administrator: 403 `center_staff_only`). JSON, CSV or Excel.
#[utoipa::path(
    tag = "reports",
    operation_id = "report_peer_support",
    params(ReportQuery),
    responses(
        (status = 200, description = "JSON, CSV or an Excel workbook, as `Accept` asks",
         content((PeerSupportReportDto = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["reports:read"]))
)]
#[get("/reports/peer-support")]
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
        "peer-support",
        |s, c, p, _| s.peer_support().report(c, p),
        |p, f| {
            let body = PeerSupportReportDto::new(p, &f);
            let sheet = body.sheet(p);
            (body, sheet)
        },
    )
    .await
}
