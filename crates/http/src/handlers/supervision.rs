//! Supervision: reviews of referrals, the audit queue, notifications and the summary.

use super::page;
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    AuditQueueDto, AuditQueueQuery, CreateReview, ItemsOf, NotificationDto, PlanQueueDto,
    QueueItemDto, ReasonCountDto, ReportQuery, ReviewDto, SummaryRowDto, SupervisionSummaryDto,
};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateUnderProblems, ListProblems, ReadProblems};
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use tsunagu_domain::reports::Period;
use tsunagu_domain::supervision::QueueQuery;
use uuid::Uuid;

/// A supervisor approves a referral's follow-up work or returns it for correction (a
/// comment is required). Four eyes: not on a referral the supervisor made or followed up
/// (403 `four_eyes`). A returned referral goes back to its consultant; their next
/// follow-up or correction puts it back in review.
#[utoipa::path(
    tag = "supervision",
    operation_id = "create_referral_review",
    params(("id" = Uuid, Path)),
    request_body = CreateReview,
    responses((status = 201, body = ReviewDto, headers(("Location" = String))), CreateUnderProblems),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateReview>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let id = id.into_inner();
    let s = state.services.clone();
    let (_, review) = caller
        .run(move |ctx| {
            s.reviews()
                .create(ctx, id, &b.decision, b.comment.as_deref())
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/referrals/{id}/reviews")))
        .json(ReviewDto::from(review)))
}

/// A referral's reviews, oldest first.
#[utoipa::path(
    tag = "supervision",
    operation_id = "list_referral_reviews",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<ReviewDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["referrals:read"]))
)]
#[get("/referrals/{id}/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller.run(move |ctx| s.reviews().list(ctx, id)).await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(ReviewDto::from).collect(),
    }))
}

/// What needs the supervisor's eye, most urgent first: escalated follow-ups, level-4
/// referrals whose follow-up is overdue or missing, referrals returned and not yet
/// corrected, follow-up work awaiting review, and a sample of lower-level referrals at the
/// center's rate. Each item says why it is there. Paged (follow `next_cursor`); `total` and
/// `by_reason` count the whole queue (as filtered) on every page. Filters: `reason`,
/// `level`, `consultant_id`, `agency_type`, `from`/`to` (the referral's day).
#[utoipa::path(
    tag = "supervision",
    operation_id = "get_audit_queue",
    params(AuditQueueQuery),
    responses((status = 200, body = AuditQueueDto), ListProblems),
    security(("bearer" = []))
)]
#[get("/audit-queue")]
pub async fn queue(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<AuditQueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let req = page(q.limit, q.cursor.as_deref())?;
    let filters = QueueQuery {
        reason: q.reason,
        level: q.level,
        consultant_id: q.consultant_id,
        agency_type: q.agency_type,
        from: q.from,
        to: q.to,
    };
    let s = state.services.clone();
    let queue = caller
        .run(move |ctx| s.audit_queue().list(ctx, &filters, &req))
        .await?;
    Ok(HttpResponse::Ok().json(AuditQueueDto {
        total: queue.total,
        by_reason: queue
            .by_reason
            .into_iter()
            .map(|(reason, count)| ReasonCountDto {
                reason: reason.as_str(),
                count,
            })
            .collect(),
        items: queue
            .items
            .items
            .into_iter()
            .map(QueueItemDto::from)
            .collect(),
        next_cursor: queue.items.next_cursor,
        support_plans: queue.plans.map(PlanQueueDto::from),
    }))
}

/// The caller's notifications: follow-ups overdue beyond the center's escalation days
/// (a consultant's own; all of the center's for a supervisor) and referrals returned to a
/// consultant with the reviewer's comment.
#[utoipa::path(
    tag = "supervision",
    operation_id = "list_notifications",
    responses((status = 200, body = ItemsOf<NotificationDto>), ListProblems),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn notifications(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let s = state.services.clone();
    let today = state.services.clock().today_tokyo();
    let found = caller.run(move |ctx| s.notifications().list(ctx)).await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found
            .into_iter()
            .map(|n| NotificationDto::new(n, today))
            .collect(),
    }))
}

/// Follow-up work for a period, per consultant and per agency type: follow-ups done on
/// time, overdue now, median days from referral to first follow-up, referrals by level,
/// returned reviews.
#[utoipa::path(
    tag = "supervision",
    operation_id = "get_supervision_summary",
    params(ReportQuery),
    responses((status = 200, body = SupervisionSummaryDto), ListProblems),
    security(("bearer" = []))
)]
#[get("/supervision/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let p = Period::parse(q.fiscal_year.as_deref(), q.from.as_deref(), q.to.as_deref())?;
    let s = state.services.clone();
    let r = caller
        .run(move |ctx| s.supervision_summary().get(ctx, &p))
        .await?;
    Ok(HttpResponse::Ok().json(SupervisionSummaryDto {
        period: (&p).into(),
        by_consultant: r
            .by_consultant
            .into_iter()
            .map(|(who, row)| SummaryRowDto::new(Some(who), None, row))
            .collect(),
        by_agency_type: r
            .by_agency_type
            .into_iter()
            .map(|(t, row)| SummaryRowDto::new(None, Some(t.as_str()), row))
            .collect(),
    }))
}
