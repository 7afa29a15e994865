//! Wire types of the bulk export of a center's case data (`/exports`).

use super::{ExportFormat, ExportKind, ExportState, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::exchange::export::{Export, RecordKind};
use utoipa::ToSchema;
use uuid::Uuid;

/// What to export: `csv` (one record kind per file: `kind` is required), `xlsx` (a workbook
/// with a sheet per kind) or `json` (one document with every kind); for `xlsx` and `json`
/// a `kind` narrows the file to that kind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"format": "csv", "kind": "patients"}))]
pub struct CreateExport {
    #[schema(value_type = ExportFormat)]
    pub format: String,
    #[schema(value_type = Option<ExportKind>)]
    pub kind: Option<String>,
}

/// Rows per record kind; a kind the export does not hold is absent.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ExportCountsDto {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patients: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultations: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrals: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_ups: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consents: Option<i64>,
}

impl ExportCountsDto {
    fn new(counts: &[(RecordKind, i64)]) -> Self {
        let mut out = Self::default();
        for (k, n) in counts {
            let slot = match k {
                RecordKind::Patients => &mut out.patients,
                RecordKind::Consultations => &mut out.consultations,
                RecordKind::Referrals => &mut out.referrals,
                RecordKind::FollowUps => &mut out.follow_ups,
                RecordKind::Consents => &mut out.consents,
            };
            *slot = Some(*n);
        }
        out
    }
}

/// A bulk export of the center's case data. The file is produced from the records while it
/// is downloaded (`file`), as often as it is asked for; `state` is `completed` once a
/// download was produced whole, with the rows it wrote in `written`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportDto {
    pub id: Uuid,
    #[schema(value_type = ExportFormat)]
    pub format: &'static str,
    /// The one record kind it holds; `null` for every kind.
    #[schema(value_type = Option<ExportKind>)]
    pub kind: Option<&'static str>,
    #[schema(value_type = ExportState)]
    pub state: &'static str,
    /// Rows per kind when the export was requested.
    pub counts: ExportCountsDto,
    /// Rows per kind the last complete download wrote; `null` before one completed.
    pub written: Option<ExportCountsDto>,
    /// How many downloads were produced whole.
    pub downloads: i32,
    pub requested_by: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub completed_at: Option<String>,
    /// Where to download the file: `/api/v1/exports/{id}/file`.
    pub file: String,
}

impl From<Export> for ExportDto {
    fn from(e: Export) -> Self {
        Self {
            id: e.id,
            format: e.format.as_str(),
            kind: e.kind.map(RecordKind::as_str),
            state: e.state.as_str(),
            counts: ExportCountsDto::new(&e.counts),
            written: e.written.as_deref().map(ExportCountsDto::new),
            downloads: e.downloads,
            requested_by: e.requested_by,
            created_at: ts(e.created_at),
            completed_at: e.completed_at.map(ts),
            file: format!("/api/v1/exports/{}/file", e.id),
        }
    }
}
