//! `/audit-events`: the audit trail for supervisors, as JSON pages or a CSV export, and the
//! verification of its hash chain.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    AuditChainState, AuditEventDto, AuditListQuery, AuditVerification, BrokenLinkDto, ListOf,
};
use crate::problem::{ApiError, ListProblems};
use crate::sheet::{self, Section, Sheet};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use tsunagu_domain::DomainError;
use tsunagu_domain::page::{DEFAULT_LIMIT, MAX_LIMIT};
use tsunagu_domain::supervision::{AuditQuery, EXPORT_MAX};

/// Audit events of the caller's center (all of them for the system administrator), newest
/// first; `?patient_id=` answers "who viewed this record". `Accept: text/csv` exports every
/// matching event (up to 100,000). Reading the trail is itself recorded.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_events",
    params(AuditListQuery),
    responses(
        (status = 200, description = "A page of events, or CSV as `Accept` asks",
         content((ListOf<AuditEventDto> = "application/json"), (String = "text/csv"))),
        ListProblems
    ),
    security(("bearer" = []), ("oauth2" = ["audit:read"]))
)]
#[get("/audit-events")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    let limit = match q.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(
                DomainError::field("limit", "out_of_range", "must be from 1 to 200").into(),
            );
        }
    };
    let before_seq = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            DomainError::field(
                "cursor",
                "invalid_cursor",
                "is not a cursor this API returned",
            )
        })?),
    };
    let query = AuditQuery {
        patient_id: q.patient_id,
        actor_id: q.actor_id,
        action: q.action,
        from: q.from,
        to: q.to,
        before_seq,
    };
    let s = state.services.clone();
    let fetch = if csv { EXPORT_MAX } else { limit + 1 };
    let mut events = caller
        .run(move |ctx| s.audit_trail().list(ctx, query, fetch, csv))
        .await?;
    if csv {
        let sheet = Sheet {
            name: "audit".into(),
            title: "監査ログ (audit trail)".into(),
            period: String::new(),
            sections: vec![Section {
                title: None,
                header: AuditEventDto::CSV_HEADER.map(str::to_owned).to_vec(),
                rows: events
                    .into_iter()
                    .map(|e| AuditEventDto::from(e).csv_row())
                    .collect(),
            }],
        };
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-events.csv\"",
            ))
            .body(sheet::csv(&sheet)));
    }
    let more = i64::try_from(events.len()).unwrap_or(i64::MAX) > limit;
    events.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more {
        events.last().map(|e| e.seq.to_string())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(ListOf {
        items: events.into_iter().map(AuditEventDto::from).collect(),
        next_cursor,
    }))
}

/// Walks the audit trail's hash chains in the caller's reach (a center's own chain; every
/// chain for the system administrator) and names the first broken link: a changed byte, a
/// deleted or an inserted row is found.
#[utoipa::path(
    tag = "audit",
    operation_id = "verify_audit_events",
    responses((status = 200, body = AuditVerification), ListProblems),
    security(("bearer" = []), ("oauth2" = ["audit:read"]))
)]
#[get("/audit-events/verify")]
pub async fn verify(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let s = state.services.clone();
    let r = caller.run(move |ctx| s.audit_trail().verify(ctx)).await?;
    Ok(HttpResponse::Ok().json(AuditVerification {
        valid: r.first_broken.is_none(),
        checked: r.checked,
        first_broken: r.first_broken.map(|b| BrokenLinkDto {
            chain: b.chain,
            seq: b.seq,
            id: b.id,
            reason: b.reason,
        }),
        chains: r
            .chains
            .into_iter()
            .map(|c| AuditChainState {
                valid: c.first_broken.is_none(),
                chain: c.chain,
                checked: c.checked,
                last_seq: c.last_seq,
                last_hash: c.last_hash,
            })
            .collect(),
    }))
}
