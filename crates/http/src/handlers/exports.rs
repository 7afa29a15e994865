//! The bulk export of a center's case data: `POST /exports` records the request,
//! `GET /exports/{id}` answers its state, `GET /exports/{id}/file` produces and streams the
//! file (see `tsunagu_domain::exchange::export` for why the file is made at download time).
//!
//! CSV and JSON are written by a producer on the blocking pool that reads the records page
//! by page and hands the bytes through a bounded channel to the response: when the client
//! reads slowly the channel fills and the producer waits (backpressure), when it goes away
//! the producer stops. A workbook cannot be streamed before it is whole (a zip's directory
//! comes last), so it is written in rust_xlsxwriter's constant-memory mode to an unnamed
//! temporary file, which is then streamed the same way and vanishes when closed.

use super::{blocking, created, json_with_etag};
use crate::AppState;
use crate::auth::Caller;
use crate::dto::{CreateExport, ExportDto};
use crate::export_file;
use crate::problem::{ApiError, CreateProblems, ReadProblems};
use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use std::io::{Read, Seek, Write};
use tokio::sync::mpsc;
use tsunagu_domain::DomainError;
use tsunagu_domain::error::Validator;
use tsunagu_domain::exchange::export::{ExportFormat, ExportReader, RecordKind};
use uuid::Uuid;

/// How many chunks may wait between the producer and the client: with [`CHUNK`], at most
/// a quarter of a megabyte of the file is in memory at once, whatever the center's size.
const IN_FLIGHT: usize = 4;
/// The producer hands the bytes over in chunks of about this size.
const CHUNK: usize = 64 * 1024;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Chunk = Result<Bytes, std::io::Error>;

/// Starts a bulk export of the caller's center: `csv` (one record kind: `kind` is
/// required), `xlsx` (a sheet per kind) or `json` (one document with every kind). The
/// center's supervisor only; audited as `export.create` with the rows each kind holds. The
/// file is at `file` (`GET /exports/{id}/file`).
#[utoipa::path(
    tag = "exports",
    operation_id = "create_export",
    request_body = CreateExport,
    responses(
        (status = 201, body = ExportDto, headers(("ETag" = String), ("Location" = String))),
        CreateProblems
    ),
    security(("bearer" = []))
)]
#[post("/exports")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::ApiJson<CreateExport>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut v = Validator::new();
    let format = v.check(ExportFormat::parse("format", &b.format));
    let kind = match b.kind.as_deref() {
        None => None,
        Some(k) => v.check(RecordKind::parse("kind", k)),
    };
    v.finish().map_err(ApiError::from)?;
    let Some(format) = format else {
        return Err(ApiError::internal());
    };
    let s = state.services.clone();
    let e = caller
        .run(move |ctx| s.exchange().create_export(ctx, format, kind))
        .await?;
    let version = e.version;
    let dto = ExportDto::from(e);
    Ok(created(
        format!("/api/v1/exports/{}", dto.id),
        version,
        &dto,
    ))
}

/// A bulk export's state: its format and kind, the rows each kind had when it was
/// requested, and once a download was produced whole (`completed`), the rows it wrote.
/// Another center's export answers 404.
#[utoipa::path(
    tag = "exports",
    operation_id = "get_export",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ExportDto, headers(("ETag" = String))), ReadProblems),
    security(("bearer" = []))
)]
#[get("/exports/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let e = caller.run(move |ctx| s.exchange().export(ctx, id)).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        e.version,
        &ExportDto::from(e),
    ))
}

/// The export's file, produced from the center's records as it is sent: CSV (UTF-8 with a
/// BOM, Japanese column names and labels, dates in ISO 8601), an .xlsx workbook (a sheet
/// per kind) or a JSON document (`{"export": …, "patients": […], …}`, records as the API
/// answers them). Audited as `export.download` (format, kind, rows per kind) before the
/// first byte; the export turns `completed` once the file was produced whole. It may be
/// downloaded again (each time from the records as they are then).
#[utoipa::path(
    tag = "exports",
    operation_id = "get_export_file",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The file (`Content-Disposition: attachment`)",
         content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Object = "application/json"))),
        ReadProblems
    ),
    security(("bearer" = []))
)]
#[get("/exports/{id}/file")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let s = state.services.clone();
    let day = state
        .services
        .clock()
        .today_tokyo()
        .format("%Y%m%d")
        .to_string();
    let reader = caller
        .run(move |ctx| s.exchange().download_export(ctx, id))
        .await?;
    let e = reader.export();
    let kind = e.kind.map_or("all", RecordKind::as_str);
    let (content_type, ext) = match e.format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Json => ("application/json", "json"),
        ExportFormat::Xlsx => (XLSX, "xlsx"),
    };
    let name = format!("tsunagu-export-{kind}-{day}.{ext}");
    let (tx, rx) = mpsc::channel::<Chunk>(IN_FLIGHT);
    match e.format {
        ExportFormat::Csv | ExportFormat::Json => {
            actix_web::rt::task::spawn_blocking(move || produce(reader, tx));
        }
        ExportFormat::Xlsx => {
            // The workbook is whole before the answer starts: a failure is still a problem
            // answer, not a cut-off file.
            let tmp = blocking(move || workbook(reader)).await?;
            actix_web::rt::task::spawn_blocking(move || send_file(tmp, tx));
        }
    }
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// Collects the file's bytes and hands them on in chunks; `false` once the client is gone.
struct Sink {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

impl Sink {
    fn write(&mut self, bytes: &[u8]) -> bool {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() < CHUNK {
            return true;
        }
        self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // Blocks while the channel is full: the client's pace is the producer's.
        self.tx.blocking_send(Ok(chunk)).is_ok()
    }

    /// Ends the response with an error: the client sees a cut connection, never a file
    /// that looks whole.
    fn fail(self, e: &DomainError) {
        tracing::error!(error = %e, "export file failed");
        let _ = self
            .tx
            .blocking_send(Err(std::io::Error::other("the export failed")));
    }
}

/// Why producing stopped early.
enum Stop {
    ClientGone,
    Failed(DomainError),
}

impl From<DomainError> for Stop {
    fn from(e: DomainError) -> Self {
        Stop::Failed(e)
    }
}

/// Writes the CSV or JSON file page by page into the response.
fn produce(mut reader: ExportReader, tx: mpsc::Sender<Chunk>) {
    let mut sink = Sink {
        tx,
        buf: Vec::with_capacity(CHUNK),
    };
    match write_pages(&mut reader, &mut sink) {
        Ok(()) => {}
        Err(Stop::ClientGone) => {
            tracing::info!(export = %reader.export().id, "export download abandoned by the client");
        }
        Err(Stop::Failed(e)) => sink.fail(&e),
    }
}

fn write_pages(reader: &mut ExportReader, sink: &mut Sink) -> Result<(), Stop> {
    let export = reader.export().clone();
    let json = export.format == ExportFormat::Json;
    let mut written = Vec::new();
    let put = |sink: &mut Sink, b: &[u8]| {
        if sink.write(b) {
            Ok(())
        } else {
            Err(Stop::ClientGone)
        }
    };
    if json {
        let head = serde_json::json!({
            "id": export.id,
            "format": "json",
            "kinds": export.kinds().iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "requested_at": crate::dto::ts(export.created_at),
        });
        put(sink, format!("{{\"export\":{head}").as_bytes())?;
    }
    for kind in export.kinds() {
        if json {
            put(sink, format!(",\"{}\":[", kind.as_str()).as_bytes())?;
        } else {
            put(sink, export_file::csv_start(kind).as_bytes())?;
        }
        let mut after = None;
        let mut n: i64 = 0;
        loop {
            let page = reader.page(kind, after)?;
            if page.records.is_empty() {
                break;
            }
            after = page.records.last_id();
            if json {
                let items = export_file::json_items(&page)
                    .map_err(|e| DomainError::Internal(e.to_string()))?;
                for item in items {
                    if n > 0 {
                        put(sink, b",")?;
                    }
                    put(sink, &item)?;
                    n += 1;
                }
            } else {
                for row in export_file::rows(&page) {
                    put(sink, export_file::csv_line(&row).as_bytes())?;
                    n += 1;
                }
            }
            if page.records.len()
                < usize::try_from(tsunagu_domain::exchange::export::PAGE).unwrap_or(0)
            {
                break;
            }
        }
        if json {
            put(sink, b"]")?;
        }
        written.push((kind, n));
    }
    if json {
        put(sink, b"}")?;
    }
    // Recorded before the last bytes leave, so whoever reads the state after the download
    // sees it completed.
    reader.finish(&written)?;
    if sink.flush() {
        Ok(())
    } else {
        Err(Stop::ClientGone)
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> DomainError {
    DomainError::Internal(format!("the export workbook: {e}"))
}

/// Writes the workbook, a sheet per kind in constant-memory mode (each row goes to the
/// sheet's temporary file as the next begins), into an unnamed temporary file; answers it
/// rewound.
fn workbook(mut reader: ExportReader) -> Result<std::fs::File, DomainError> {
    use rust_xlsxwriter::{Format, Workbook};
    let export = reader.export().clone();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut written = Vec::new();
    for kind in export.kinds() {
        let (sheet, columns) = export_file::header(kind);
        let ws = wb
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        ws.set_name(sheet).map_err(xlsx_error)?;
        for (i, h) in columns.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            ws.set_column_width(col, 16).map_err(xlsx_error)?;
            ws.write_string_with_format(0, col, *h, &bold)
                .map_err(xlsx_error)?;
        }
        let mut after = None;
        let mut row: u32 = 1;
        loop {
            let page = reader.page(kind, after)?;
            if page.records.is_empty() {
                break;
            }
            after = page.records.last_id();
            for cells in export_file::rows(&page) {
                for (i, c) in cells.iter().enumerate() {
                    let col = u16::try_from(i).unwrap_or(u16::MAX);
                    match c {
                        crate::sheet::Cell::Text(t) if t.is_empty() => {}
                        crate::sheet::Cell::Text(t) => {
                            ws.write_string(row, col, t).map_err(xlsx_error)?;
                        }
                        crate::sheet::Cell::Int(n) => {
                            ws.write_number(row, col, *n as f64).map_err(xlsx_error)?;
                        }
                        crate::sheet::Cell::Ratio(Some(x)) => {
                            ws.write_number(row, col, *x).map_err(xlsx_error)?;
                        }
                        crate::sheet::Cell::Ratio(None) => {}
                    }
                }
                row += 1;
            }
            if page.records.len()
                < usize::try_from(tsunagu_domain::exchange::export::PAGE).unwrap_or(0)
            {
                break;
            }
        }
        written.push((kind, i64::from(row - 1)));
    }
    let io = |e: std::io::Error| DomainError::Internal(format!("the export's temporary file: {e}"));
    let mut tmp = tempfile::tempfile().map_err(io)?;
    wb.save_to_writer(&mut tmp).map_err(xlsx_error)?;
    tmp.flush().map_err(io)?;
    tmp.rewind().map_err(io)?;
    reader.finish(&written)?;
    Ok(tmp)
}

/// Streams a finished file into the response, chunk by chunk.
fn send_file(mut tmp: std::fs::File, tx: mpsc::Sender<Chunk>) {
    loop {
        let mut buf = vec![0u8; CHUNK];
        match tmp.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                buf.truncate(n);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "export file could not be read back");
                let _ = tx.blocking_send(Err(e));
                return;
            }
        }
    }
}
