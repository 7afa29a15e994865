use super::StoreResult;
use crate::audit::AuditDraft;
use crate::exchange::export::{Export, RecordKind, Records};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Bulk exports (see [`crate::exchange::export`]): the recorded requests, and the center's
/// case records read in keyset pages for the file.
pub trait ExportStore {
    /// Records the request with its audit event, in one transaction.
    fn insert_export(&self, export: &Export, audit: &AuditDraft) -> StoreResult<()>;
    fn export(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Export>>;
    /// Marks the export completed with the rows a download wrote, and counts the download.
    fn complete_export(
        &self,
        center: Uuid,
        id: Uuid,
        written: &[(RecordKind, i64)],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// How many records of `kind` the center holds (a patient merged into another record
    /// is not counted: it is the same person, listed once).
    fn count_export_records(&self, center: Uuid, kind: RecordKind) -> StoreResult<i64>;
    /// Up to `limit` records of `kind` after `after`, by id (so oldest first): one short
    /// query per page, stable while records are added.
    fn export_page(
        &self,
        center: Uuid,
        kind: RecordKind,
        after: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Records>;
}
