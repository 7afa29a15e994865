//! A council's meetings (`/councils/{id}/meetings`, `/meetings/{id}`) and the papers given
//! out at them (`/meetings/{id}/attachments`). Read with the council's reach (see
//! [`super::councils`]); written by the administration's officers.
//!
//! Papers are PDF or Office files, sent as the raw body with their media type; the bytes
//! must be what the type says (else 415 `unsupported_media_type`), at most
//! [`ATTACHMENT_MAX_BYTES`] (else 413 `too_large`). They are served back only as
//! downloads (`Content-Disposition: attachment`, `nosniff`, a sandboxing CSP, never cached).

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{ItemsOf, ListOf, ListQuery, MeetingKind, MeetingStatus, date, double_option, ts};
use crate::handlers::{created, if_match, json_with_etag, page};
use crate::json::ApiJson;
use crate::problem::{ApiError, CreateProblems, ListUnderProblems, ReadProblems, UpdateProblems};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tsunagu_domain::regional::meetings::{
    ATTACHMENT_MAX_BYTES, AttachmentMeta, ContentRefusal, Meeting, MeetingInput,
    UpdateMeetingInput, check_content,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A council meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: Uuid,
    pub council_id: Uuid,
    pub administration_id: Uuid,
    #[schema(value_type = MeetingKind)]
    pub kind: String,
    #[schema(value_type = MeetingStatus)]
    pub status: String,
    #[schema(format = Date)]
    pub held_on: String,
    #[schema(example = "令和8年度 第1回 難病対策地域協議会")]
    pub title: String,
    pub location: Option<String>,
    pub agenda: String,
    /// 議事録.
    pub minutes: String,
    /// What was decided (決定事項).
    pub decisions: String,
    /// The members who attended (members of the council).
    pub attendee_ids: Vec<Uuid>,
    pub version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Meeting> for MeetingDto {
    fn from(m: Meeting) -> Self {
        Self {
            id: m.id,
            council_id: m.council_id,
            administration_id: m.administration_id,
            kind: m.kind.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            held_on: date(m.held_on),
            title: m.title,
            location: m.location,
            agenda: m.agenda,
            minutes: m.minutes,
            decisions: m.decisions,
            attendee_ids: m.attendee_ids,
            version: m.version,
            created_at: ts(m.created_at),
            updated_at: ts(m.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "plenary", "held_on": "2026-07-10", "title": "令和8年度 第1回 難病対策地域協議会", "location": "県庁 本館6階 講堂", "agenda": "1. 就労支援の現状\n2. 災害時の備え", "attendee_ids": []}))]
pub struct CreateMeeting {
    #[schema(value_type = MeetingKind)]
    pub kind: String,
    /// `planned` when absent.
    #[schema(value_type = Option<MeetingStatus>)]
    pub status: Option<String>,
    #[schema(format = Date)]
    pub held_on: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: String,
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub location: Option<String>,
    #[schema(pattern = "{multiline_prose}")]
    pub agenda: Option<String>,
    #[schema(pattern = "{multiline_prose}")]
    pub minutes: Option<String>,
    #[schema(pattern = "{multiline_prose}")]
    pub decisions: Option<String>,
    /// Members of this council (else 422 `not_a_member` at `attendee_ids`).
    #[serde(default)]
    pub attendee_ids: Vec<Uuid>,
}

/// Fields to change; absent fields stay, `null` clears `location`; `attendee_ids` replaces
/// the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeeting {
    #[schema(value_type = Option<MeetingKind>)]
    pub kind: Option<String>,
    #[schema(value_type = Option<MeetingStatus>)]
    pub status: Option<String>,
    #[schema(format = Date)]
    pub held_on: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "{optional_name}", max_length = 100)]
    pub location: Option<Option<String>>,
    #[schema(pattern = "{multiline_prose}")]
    pub agenda: Option<String>,
    #[schema(pattern = "{multiline_prose}")]
    pub minutes: Option<String>,
    #[schema(pattern = "{multiline_prose}")]
    pub decisions: Option<String>,
    pub attendee_ids: Option<Vec<Uuid>>,
}

/// A paper's bytes (PDF or an Office file).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct PaperFile(Vec<u8>);

/// A paper's particulars (its content is at its own URL).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: Uuid,
    pub meeting_id: Uuid,
    #[schema(example = "資料1_就労支援の現状.pdf")]
    pub file_name: String,
    #[schema(example = "application/pdf")]
    pub media_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<AttachmentMeta> for AttachmentDto {
    fn from(a: AttachmentMeta) -> Self {
        Self {
            id: a.id,
            meeting_id: a.meeting_id,
            file_name: a.file_name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            created_at: ts(a.created_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// The paper's file name, as it is to be downloaded (no folder).
    #[param(example = "資料1.pdf")]
    pub file_name: String,
}

/// Whether `path` is a paper's upload (`POST /api/v1/meetings/{id}/attachments`), whose
/// body is a file up to [`ATTACHMENT_MAX_BYTES`] rather than JSON.
pub(crate) fn is_attachment_upload(path: &str) -> bool {
    path.strip_prefix("/api/v1/meetings/")
        .and_then(|rest| rest.strip_suffix("/attachments"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "Payload too large",
    )
    .detail(format!(
        "a paper may be at most {ATTACHMENT_MAX_BYTES} bytes"
    ))
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Unsupported media type",
    )
    .detail(format!(
        "a paper is a PDF or Office file whose bytes match its Content-Type, one of: {}",
        tsunagu_domain::regional::meetings::allowed_media_types()
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `Content-Disposition` for a download of `name` (RFC 6266, with the RFC 5987 encoding
/// of a name that is not plain ASCII, and an ASCII fallback for old clients).
pub(crate) fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " !#$&+-.^_`|~()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A council's meetings, the latest first.
#[utoipa::path(
    tag = "regional",
    operation_id = "list_meetings",
    params(("id" = Uuid, Path), ListQuery),
    responses((status = 200, body = ListOf<MeetingDto>), ListUnderProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/councils/{id}/meetings")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let req = page(q.limit, q.cursor.as_deref())?;
    let id = id.into_inner();
    let s = state.services.clone();
    let p = caller
        .run(move |ctx| s.meetings().list(ctx, id, req))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(p, MeetingDto::from)))
}

/// Record a meeting of a council (an officer): planned, or held with its minutes.
#[utoipa::path(
    tag = "regional",
    operation_id = "create_meeting",
    params(("id" = Uuid, Path)),
    request_body = CreateMeeting,
    responses(
        (status = 201, body = MeetingDto, headers(("ETag" = String), ("Location" = String))),
        (status = 404, description = "No such council within your reach (`not_found`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[post("/councils/{id}/meetings")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CreateMeeting>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = MeetingInput {
        kind: b.kind,
        status: b.status,
        held_on: b.held_on,
        title: b.title,
        location: b.location,
        agenda: b.agenda,
        minutes: b.minutes,
        decisions: b.decisions,
        attendee_ids: b.attendee_ids,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| s.meetings().create(ctx, id, input))
        .await?;
    Ok(created(
        format!("/api/v1/meetings/{}", m.id),
        m.version,
        &MeetingDto::from(m),
    ))
}

/// Read a meeting.
#[utoipa::path(
    tag = "regional",
    operation_id = "get_meeting",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/meetings/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let m = caller.run(move |ctx| s.meetings().get(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        m.version,
        &MeetingDto::from(m),
    ))
}

/// Change a meeting (an officer): its minutes, decisions, agenda, status, attendees.
/// Requires `If-Match`.
#[utoipa::path(
    tag = "regional",
    operation_id = "update_meeting",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from your last read, or `*` for whatever version is current")),
    request_body = UpdateMeeting,
    responses((status = 200, body = MeetingDto, headers(("ETag" = String))), UpdateProblems),
    security(("bearer" = []), ("oauth2" = ["regional:write"]))
)]
#[patch("/meetings/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateMeeting>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match(&req)?;
    let b = body.into_inner();
    let input = UpdateMeetingInput {
        kind: b.kind,
        status: b.status,
        held_on: b.held_on,
        title: b.title,
        location: b.location,
        agenda: b.agenda,
        minutes: b.minutes,
        decisions: b.decisions,
        attendee_ids: b.attendee_ids,
    };
    let id = id.into_inner();
    let s = state.services.clone();
    let m = caller
        .run(move |ctx| s.meetings().update(ctx, id, version, input))
        .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        m.version,
        &MeetingDto::from(m),
    ))
}

// --- papers --------------------------------------------------------------------------------

/// Add a paper to a meeting (an officer): the file itself as the body, its media type as
/// `Content-Type` (PDF, Word, Excel or PowerPoint, current or legacy), its name in
/// `file_name`. The bytes must be what the type says (415 `unsupported_media_type`); at
/// most 10 MiB (413 `too_large`).
#[utoipa::path(
    tag = "regional",
    operation_id = "create_meeting_attachment",
    params(("id" = Uuid, Path), AttachmentQuery),
    request_body(
        description = "The file",
        content(
            (PaperFile = "application/pdf"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (PaperFile = "application/msword"),
            (PaperFile = "application/vnd.ms-excel"),
            (PaperFile = "application/vnd.ms-powerpoint"),
        )
    ),
    responses(
        (status = 201, body = AttachmentDto, headers(("Location" = String))),
        (status = 404, description = "No such meeting within your reach (`not_found`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 10 MiB (`too_large`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an allowed media type, or the bytes are not what it says (`unsupported_media_type`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/meetings/{id}/attachments")]
pub async fn add_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    q: web::Query<AttachmentQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !tsunagu_domain::regional::meetings::allowed_media_types().any(|m| m == media_type) {
        return Err(unsupported());
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > ATTACHMENT_MAX_BYTES) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::bad_request("unreadable_body", "the body could not be read"))?;
        if body.len() + chunk.len() > ATTACHMENT_MAX_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    match check_content(&media_type, &body) {
        Ok(_) | Err(ContentRefusal::Empty) => {}
        Err(ContentRefusal::TooLarge) => return Err(too_large()),
        Err(ContentRefusal::UnsupportedMediaType) => return Err(unsupported()),
    }
    let id = id.into_inner();
    let file_name = q.into_inner().file_name;
    let content = body.to_vec();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| {
            s.meetings()
                .add_attachment(ctx, id, &file_name, &media_type, content)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/meetings/{id}/attachments/{}", a.id),
        ))
        .json(AttachmentDto::from(a)))
}

/// A meeting's papers (names, types and sizes).
#[utoipa::path(
    tag = "regional",
    operation_id = "list_meeting_attachments",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemsOf<AttachmentDto>), ReadProblems),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/meetings/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let found = caller
        .run(move |ctx| s.meetings().attachments(ctx, id))
        .await?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: found.into_iter().map(AttachmentDto::from).collect(),
    }))
}

/// Download a paper: its bytes under its stored media type, as an attachment, never
/// rendered in the page (`nosniff`, a sandboxing `Content-Security-Policy`) nor cached.
/// The read is on the audit trail.
#[utoipa::path(
    tag = "regional",
    operation_id = "get_meeting_attachment",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The file",
         headers(("Content-Disposition" = String), ("X-Content-Type-Options" = String), ("Content-Security-Policy" = String), ("Cache-Control" = String)),
         content(
            (PaperFile = "application/pdf"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (PaperFile = "application/msword"),
            (PaperFile = "application/vnd.ms-excel"),
            (PaperFile = "application/vnd.ms-powerpoint"),
         )),
        ReadProblems
    ),
    security(("bearer" = []), ("oauth2" = ["regional:read"]))
)]
#[get("/meetings/{id}/attachments/{attachment_id}")]
pub async fn read_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let s = state.services.clone();
    let a = caller
        .run(move |ctx| s.meetings().attachment(ctx, id, attachment_id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(a.meta.media_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(&a.meta.file_name),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(a.content))
}

/// Remove a paper (an officer).
#[utoipa::path(
    tag = "regional",
    operation_id = "delete_meeting_attachment",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Removed"),
        ReadProblems
    ),
    security(("bearer" = []))
)]
#[delete("/meetings/{id}/attachments/{attachment_id}")]
pub async fn delete_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let s = state.services.clone();
    caller
        .run(move |ctx| s.meetings().delete_attachment(ctx, id, attachment_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_name_the_file_safely() {
        assert_eq!(
            content_disposition("minutes.pdf"),
            "attachment; filename=\"minutes.pdf\"; filename*=UTF-8''minutes.pdf"
        );
        assert_eq!(
            content_disposition("資料 1.pdf"),
            "attachment; filename=\"__ 1.pdf\"; filename*=UTF-8''%E8%B3%87%E6%96%99%201.pdf"
        );
        // Quotes and separators never break out of the header's parameters.
        let d = content_disposition("a\";b.pdf");
        assert!(d.starts_with("attachment; filename=\"a__b.pdf\"; filename*=UTF-8''a%22%3Bb.pdf"));
    }

    #[test]
    fn the_upload_path_is_recognised() {
        assert!(is_attachment_upload("/api/v1/meetings/abc/attachments"));
        assert!(!is_attachment_upload("/api/v1/meetings/abc/attachments/x"));
        assert!(!is_attachment_upload("/api/v1/meetings//attachments"));
        assert!(!is_attachment_upload("/api/v1/councils"));
    }
}
