//! Moving a center's existing 台帳 in (`/imports`): upload a CSV (UTF-8 or Shift_JIS) or an
//! .xlsx as `multipart/form-data`, read the dry run's problems and possible duplicates,
//! change the mapping or decide the duplicates, download the error report, and commit. The
//! dry run and the commit run in the background: each answers 202 with the import, whose
//! `state` and `progress` tell how far it is (poll `GET /imports/{id}`).

use super::{blocking, json_with_etag};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{ItemsOf, ListOf, ListQuery, ts};
use crate::json::ApiJson;
use crate::problem::{
    ApiError, CreateProblems, ImportChangeProblems, ListProblems, ListUnderProblems, ReadProblems,
};
use crate::regional::meetings::content_disposition;
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, patch, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::exchange::import::{
    self as import, Candidate, Decision, Duplicate, Import, ImportMapping, MAX_FILE_BYTES, Problem,
    Revision, Upload, fields::FieldSpec,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

// --- wire types ---------------------------------------------------------------------------

/// Which column of the file feeds which field (`columns`: field → header), what the file's
/// words mean as Tsunagu's codes (`values`: field → {word → code}), and what an empty cell
/// or a missing column stands for (`defaults`: field → value).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"columns": {"name": "氏名", "name_kana": "フリガナ", "birth_date": "生年月日"}, "values": {"employment_status": {"休職": "on_leave"}}, "defaults": {"program": "nanbyo", "support_awareness": "unaware"}}))]
pub struct ImportMappingDto {
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// Referrals and follow-ups: a follow-up whose day has passed with nothing written stays
    /// in the queue as overdue (`overdue`, the default) or is kept as `not_recorded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::dto::PastFollowUps>)]
    pub past_follow_ups: Option<String>,
}

impl From<ImportMapping> for ImportMappingDto {
    fn from(m: ImportMapping) -> Self {
        Self {
            columns: m.columns,
            values: m.values,
            defaults: m.defaults,
            past_follow_ups: m.past_follow_ups,
        }
    }
}

impl From<ImportMappingDto> for ImportMapping {
    fn from(m: ImportMappingDto) -> Self {
        Self {
            columns: m.columns,
            values: m.values,
            defaults: m.defaults,
            past_follow_ups: m.past_follow_ups,
        }
    }
}

/// How far the dry run or the commit is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProgress {
    pub done: i32,
    pub total: i32,
}

/// How many rows are what.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCountsDto {
    pub rows: i32,
    pub valid: i32,
    pub invalid: i32,
    /// Rows that may be patients already registered (or earlier rows of the file).
    pub duplicates: i32,
    /// Rows imported by an earlier run of the same file: nothing is created for them again.
    pub already_imported: i32,
    pub created: i32,
    pub merged: i32,
    pub skipped: i32,
}

/// An import of a center's 台帳.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    pub id: Uuid,
    #[schema(value_type = crate::dto::ImportKind)]
    pub kind: String,
    #[schema(value_type = crate::dto::ImportState)]
    pub state: String,
    #[schema(example = "相談者台帳_2023.csv")]
    pub file_name: String,
    #[schema(value_type = crate::dto::ImportEncoding)]
    pub encoding: String,
    /// The file's header row.
    pub columns: Vec<String>,
    /// The mapping the last dry run used.
    pub mapping: ImportMappingDto,
    pub progress: ImportProgress,
    pub counts: ImportCountsDto,
    /// Whether invalid rows are left out of the commit.
    pub skip_invalid: bool,
    /// Why the last run failed (Japanese); nothing of a failed commit was written.
    pub failure: Option<String>,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub committed_at: Option<String>,
    pub version: i32,
}

impl From<Import> for ImportDto {
    fn from(i: Import) -> Self {
        let c = i.counts;
        Self {
            id: i.id,
            kind: i.kind.as_str().to_owned(),
            state: i.state.as_str().to_owned(),
            file_name: i.file_name,
            encoding: i.encoding.as_str().to_owned(),
            columns: i.columns,
            mapping: i.mapping.into(),
            progress: ImportProgress {
                done: i.progress_done.min(i.rows_total),
                total: i.rows_total,
            },
            counts: ImportCountsDto {
                rows: c.rows,
                valid: c.valid,
                invalid: c.invalid,
                duplicates: c.duplicates,
                already_imported: c.already_imported,
                created: c.created,
                merged: c.merged,
                skipped: c.skipped,
            },
            skip_invalid: i.skip_invalid,
            failure: i.failure,
            created_by: i.created_by,
            created_at: ts(i.created_at),
            updated_at: ts(i.updated_at),
            committed_at: i.committed_at.map(ts),
            version: i.version,
        }
    }
}

/// A code of a field and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCode {
    pub value: String,
    pub label: String,
    /// Words in a file that mean this code without a value mapping.
    pub words: Vec<String>,
}

/// A field an import fills in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportField {
    #[schema(example = "birth_date")]
    pub field: String,
    #[schema(example = "生年月日")]
    pub label: String,
    /// A row without it (and without a default) is invalid.
    pub required: bool,
    #[schema(value_type = crate::dto::ImportValueKind)]
    pub value_kind: String,
    pub codes: Vec<ImportCode>,
    /// Header names that are mapped to this field without asking.
    pub aliases: Vec<String>,
}

impl From<&FieldSpec> for ImportField {
    fn from(s: &FieldSpec) -> Self {
        Self {
            field: s.field.to_owned(),
            label: s.label.to_owned(),
            required: s.required,
            value_kind: s.value_kind.as_str().to_owned(),
            codes: s
                .codes
                .iter()
                .map(|(code, words)| ImportCode {
                    value: (*code).to_owned(),
                    label: words.first().copied().unwrap_or(code).to_owned(),
                    words: words.iter().map(|w| (*w).to_owned()).collect(),
                })
                .collect(),
            aliases: s.aliases.iter().map(|a| (*a).to_owned()).collect(),
        }
    }
}

/// One thing wrong with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    /// The data row, from 1 (the spreadsheet's line under the header).
    pub row: i32,
    /// The column's header in the file.
    pub column: Option<String>,
    pub field: Option<String>,
    #[schema(example = "invalid_date")]
    pub code: String,
    #[schema(
        example = "「生年月日」を日付として読めません（例: 2023/4/1、R5.4.1、令和5年4月1日）"
    )]
    pub message: String,
    /// The cell as written.
    pub value: Option<String>,
}

impl From<Problem> for ImportProblem {
    fn from(p: Problem) -> Self {
        Self {
            row: p.row,
            column: p.column,
            field: p.field,
            code: p.code,
            message: p.message,
            value: p.value,
        }
    }
}

/// A registered patient, or an earlier row of the file, that a row may be.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCandidate {
    /// `null` for an earlier row of the same file (see `row`).
    pub patient_id: Option<Uuid>,
    pub row: Option<i32>,
    pub case_number: Option<String>,
    pub name: String,
    #[schema(value_type = Vec<crate::dto::DuplicateReason>)]
    pub reasons: Vec<String>,
}

impl From<Candidate> for ImportCandidate {
    fn from(c: Candidate) -> Self {
        Self {
            patient_id: c.patient_id,
            row: c.row,
            case_number: c.case_number,
            name: c.name,
            reasons: c.reasons,
        }
    }
}

/// A row that may be a patient already registered, and what is to become of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDuplicate {
    pub row: i32,
    pub name: String,
    pub kana: Option<String>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    pub candidates: Vec<ImportCandidate>,
    /// `null` until decided; the import cannot be committed while any is undecided.
    #[schema(value_type = Option<crate::dto::DuplicateAction>)]
    pub action: Option<String>,
    /// With `merge`: the registered patient the row is.
    pub patient_id: Option<Uuid>,
}

impl From<Duplicate> for ImportDuplicate {
    fn from(d: Duplicate) -> Self {
        Self {
            row: d.row,
            name: d.detail.name,
            kana: d.detail.kana,
            birth_date: d.detail.birth_date.map(|b| b.to_string()),
            candidates: d.detail.candidates.into_iter().map(Into::into).collect(),
            action: d.action.map(|a| a.as_str().to_owned()),
            patient_id: d.patient_id,
        }
    }
}

/// A decision for one duplicate row.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportDecision {
    pub row: i32,
    #[schema(value_type = crate::dto::DuplicateAction)]
    pub action: String,
    /// With `merge`, which registered patient (may be left out when there is one candidate).
    pub patient_id: Option<Uuid>,
}

/// A new mapping (the dry run runs again, and the mapping is kept for the center's next
/// file of the kind) and/or decisions for duplicate rows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseImport {
    pub mapping: Option<ImportMappingDto>,
    #[serde(default)]
    pub decisions: Vec<ImportDecision>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitImport {
    /// Leave the rows with problems out (else 422 `import_has_errors` while any remain).
    #[serde(default)]
    pub skip_invalid: bool,
}

/// The upload's parts; no others (the document says so, so clients and generators send none).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// The 台帳: CSV (UTF-8, with or without BOM, or Shift_JIS/CP932) or .xlsx (its first
    /// sheet); the first row names the columns. At most 50 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(value_type = crate::dto::ImportKind)]
    kind: String,
    /// An `ImportMapping` (sent as JSON); without it the center's mapping of its last import
    /// of the kind is used, else one guessed from the header names.
    mapping: Option<ImportMappingDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsQuery {
    #[param(value_type = crate::dto::ImportKind)]
    pub kind: String,
}

// --- handlers -----------------------------------------------------------------------------

fn accepted(i: Import) -> HttpResponse {
    let location = format!("/api/v1/imports/{}", i.id);
    let version = i.version;
    let mut res = json_with_etag(StatusCode::ACCEPTED, version, &ImportDto::from(i));
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        "Payload too large",
    )
    .detail(format!("a file may be at most {MAX_FILE_BYTES} bytes"))
}

/// Whether `path` is an import's upload, whose body is a file rather than JSON.
pub(crate) fn is_upload(path: &str) -> bool {
    path == "/api/v1/imports"
}

async fn read_upload(mut form: Multipart) -> Result<Upload, ApiError> {
    let mut upload = Upload {
        kind: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
        mapping: None,
    };
    let mut has_file = false;
    let bad = |detail: &str| {
        ApiError::bad_request("unreadable_body", "the form could not be read")
            .detail(detail.to_owned())
    };
    while let Some(part) = form.next().await {
        let mut part = part.map_err(|_| bad("the multipart/form-data body could not be read"))?;
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned));
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|_| bad("a part of the form could not be read"))?;
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => {
                has_file = true;
                upload.file_name = file_name.unwrap_or_else(|| "upload".to_owned());
                upload.bytes = bytes;
            }
            "kind" => upload.kind = String::from_utf8_lossy(&bytes).trim().to_owned(),
            "mapping" => {
                // `null` (or nothing) is no mapping: the center's or a guessed one is used.
                let m: Option<ImportMappingDto> = serde_json::from_slice(&bytes).map_err(|e| {
                    ApiError::from(DomainError::field(
                        "mapping",
                        "invalid_mapping",
                        format!("the mapping is not an ImportMapping: {e}"),
                    ))
                })?;
                upload.mapping = m.map(Into::into);
            }
            _ => {}
        }
    }
    if !has_file {
        return Err(ApiError::from(DomainError::field(
            "file",
            "required",
            "send the file as the part `file`",
        )));
    }
    Ok(upload)
}

/// Uploads a 台帳 and starts its dry run: 202 with the import in state `checking`. A
/// supervisor in person only. Audited as `import.create`.
#[utoipa::path(
    tag = "imports",
    operation_id = "create_import",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Stored; the dry run runs in the background",
         body = ImportDto,
         headers(("Location" = String), ("ETag" = String))),
        (status = 413, description = "The file is over 50 MB (`file_too_large`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/imports")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(form).await?;
    let s = state.services.clone();
    let i = caller
        .run(move |ctx| s.imports().start(ctx, upload))
        .await?;
    Ok(accepted(i))
}

/// The center's imports, newest first.
#[utoipa::path(
    tag = "imports",
    operation_id = "list_imports",
    params(ListQuery),
    responses((status = 200, body = ListOf<ImportDto>), ListProblems),
    security(("bearer" = []))
)]
#[get("/imports")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let req = super::page(q.limit, q.cursor.as_deref())?;
    let s = state.services.clone();
    let page = caller
        .run(move |ctx| s.imports().list(ctx, req.after, req.limit))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(page, ImportDto::from)))
}

/// The fields a kind of import fills in, with the header names and words it understands.
/// (Beside `/imports`, not under it, so that no path
/// under `/imports/` is both a record id and a word.)
#[utoipa::path(
    tag = "imports",
    operation_id = "list_import_fields",
    params(FieldsQuery),
    responses((status = 200, body = ItemsOf<ImportField>), ListProblems),
    security(("bearer" = []))
)]
#[get("/import-fields")]
pub async fn list_fields(
    _caller: Caller,
    q: web::Query<FieldsQuery>,
) -> Result<HttpResponse, ApiError> {
    let specs = import::fields_of(&q.kind)?;
    Ok(HttpResponse::Ok().json(ItemsOf {
        items: specs.iter().map(ImportField::from).collect::<Vec<_>>(),
    }))
}

/// An import: its state, progress and counts.
#[utoipa::path(
    tag = "imports",
    operation_id = "get_import",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ImportDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []))
)]
#[get("/imports/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let i = caller.run(move |ctx| s.imports().get(ctx, id)).await?;
    let version = i.version;
    Ok(json_with_etag(StatusCode::OK, version, &ImportDto::from(i)))
}

/// A new mapping (the dry run runs again: 202, state `checking`) and/or decisions for the
/// duplicate rows. Only once the dry run is done (else 409 `import_not_checked`).
#[utoipa::path(
    tag = "imports",
    operation_id = "update_import",
    params(("id" = Uuid, Path)),
    request_body = ReviseImport,
    responses(
        (status = 202, body = ImportDto, headers(("ETag" = String))),
        ImportChangeProblems
    ),
    security(("bearer" = []))
)]
#[patch("/imports/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<ReviseImport>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut decisions = Vec::with_capacity(body.decisions.len());
    let mut errors = Vec::new();
    for d in body.decisions {
        match import::DuplicateAction::parse("decisions.action", &d.action) {
            Ok(action) => decisions.push(Decision {
                row: d.row,
                action,
                patient_id: d.patient_id,
            }),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(DomainError::Validation(errors).into());
    }
    let revision = Revision {
        mapping: body.mapping.map(Into::into),
        decisions,
    };
    let s = state.services.clone();
    let i = caller
        .run(move |ctx| s.imports().revise(ctx, id, revision))
        .await?;
    Ok(accepted(i))
}

/// Writes the checked import: every record in one transaction (all or none), in the
/// background (202, state `committing`, then `committed` or `failed`). Refused while rows
/// have problems (422 `import_has_errors`, unless `skip_invalid`) or a duplicate is
/// undecided (422 `duplicates_undecided`).
#[utoipa::path(
    tag = "imports",
    operation_id = "commit_import",
    params(("id" = Uuid, Path)),
    request_body = CommitImport,
    responses(
        (status = 202, body = ImportDto, headers(("ETag" = String))),
        ImportChangeProblems
    ),
    security(("bearer" = []))
)]
#[post("/imports/{id}/commit")]
pub async fn commit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Option<ApiJson<CommitImport>>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let skip_invalid = body.map(|b| b.into_inner().skip_invalid).unwrap_or(false);
    let s = state.services.clone();
    let i = caller
        .run(move |ctx| s.imports().commit(ctx, id, skip_invalid))
        .await?;
    Ok(accepted(i))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// Items per page, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn rows_page(q: &RowsQuery) -> Result<(Option<i32>, i64), ApiError> {
    let limit = q.limit.unwrap_or(100);
    let mut errors = Vec::new();
    if !(1..=500).contains(&limit) {
        errors.push(tsunagu_domain::error::FieldError::new(
            "limit",
            "out_of_range",
            "must be 1 to 500",
        ));
    }
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match c.parse::<i32>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.push(tsunagu_domain::error::FieldError::new(
                    "cursor",
                    "invalid_cursor",
                    "not a cursor this list gave",
                ));
                None
            }
        },
    };
    if errors.is_empty() {
        Ok((after, limit))
    } else {
        Err(DomainError::Validation(errors).into())
    }
}

/// The problems the last dry run found, in row order. They quote the file's cells: audited
/// as `import.read`.
#[utoipa::path(
    tag = "imports",
    operation_id = "list_import_problems",
    params(("id" = Uuid, Path), RowsQuery),
    responses((status = 200, body = ListOf<ImportProblem>), ListUnderProblems),
    security(("bearer" = []))
)]
#[get("/imports/{id}/problems")]
pub async fn list_problems(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<RowsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (after, limit) = rows_page(&q)?;
    let s = state.services.clone();
    let page = caller
        .run(move |ctx| s.imports().problems(ctx, id, after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(page, ImportProblem::from)))
}

/// The rows that may be patients already registered (or repeat an earlier row), with their
/// candidates and decisions. Audited as `import.read`.
#[utoipa::path(
    tag = "imports",
    operation_id = "list_import_duplicates",
    params(("id" = Uuid, Path), RowsQuery),
    responses((status = 200, body = ListOf<ImportDuplicate>), ListUnderProblems),
    security(("bearer" = []))
)]
#[get("/imports/{id}/duplicates")]
pub async fn list_duplicates(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    q: web::Query<RowsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (after, limit) = rows_page(&q)?;
    let s = state.services.clone();
    let page = caller
        .run(move |ctx| s.imports().duplicates(ctx, id, after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(ListOf::from_page(page, ImportDuplicate::from)))
}

/// The error report: every row of the file as .xlsx, with 「行」 and 「エラー」 in front of
/// the file's own columns, so it can be fixed in Excel and uploaded again (the two columns
/// are not read). 410 `import_file_deleted` once the import is committed. Audited as
/// `import.report`.
#[utoipa::path(
    tag = "imports",
    operation_id = "get_import_report",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "An .xlsx workbook",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 410, description = "The import was committed and its file deleted (`import_file_deleted`)", body = crate::problem::Problem, content_type = "application/problem+json"),
        ReadProblems
    ),
    security(("bearer" = []))
)]
#[get("/imports/{id}/report")]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let (i, table, problems) = caller.run(move |ctx| s.imports().report(ctx, id)).await?;
    let stem = i
        .file_name
        .rsplit_once('.')
        .map_or(i.file_name.as_str(), |(stem, _)| stem);
    let name = format!("取込エラー_{stem}.xlsx");
    let bytes = blocking(move || {
        report_xlsx(&table.columns, &table.rows, &problems)
            .map_err(|e| DomainError::Internal(format!("the report workbook: {e}")))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(&name)))
        .body(bytes))
}

/// The file's rows with the problems of each beside it. The header is the first row (no
/// title above it), so the sheet, once fixed, is a file the import reads again.
fn report_xlsx(
    columns: &[String],
    rows: &[Vec<String>],
    problems: &[Problem],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let mut by_row: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for p in problems {
        let text = match &p.column {
            Some(c) => format!("{c}: {}", p.message),
            None => p.message.clone(),
        };
        by_row.entry(p.row).or_default().push(text);
    }
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("取込エラー")?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8_F1_FE));
    let error = Format::new()
        .set_font_color(Color::RGB(0xB0_00_20))
        .set_text_wrap();
    ws.write_string_with_format(0, 0, "行", &head)?;
    ws.write_string_with_format(0, 1, "エラー", &head)?;
    for (c, name) in columns.iter().enumerate() {
        ws.write_string_with_format(0, col(c + 2), name, &head)?;
    }
    for (n, r) in rows.iter().enumerate() {
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let row = i32::try_from(n + 1).unwrap_or(i32::MAX);
        ws.write_number(line, 0, f64::from(row))?;
        if let Some(v) = by_row.get(&row) {
            ws.write_string_with_format(line, 1, v.join(" ／ "), &error)?;
        }
        for (c, cell) in r.iter().enumerate() {
            ws.write_string(line, col(c + 2), cell)?;
        }
    }
    ws.set_column_width(1, 60)?;
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}
