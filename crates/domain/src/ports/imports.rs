use super::{Store, StoreResult};
use crate::audit::AuditDraft;
use crate::exchange::import::{
    Duplicate, Import, ImportKind, ImportMapping, Problem, table::Table,
};
use crate::page::Page;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// What a dry run found, stored together with the import's new state.
pub struct CheckResult<'a> {
    pub import: &'a Import,
    pub problems: &'a [Problem],
    pub duplicates: &'a [Duplicate],
}

/// Imports of a center's existing 台帳: the upload and its staged table, what the dry run
/// found, the row keys already imported and the mapping each center last used.
pub trait ImportStore {
    /// Stores a new import with its table (sealed at rest) and its audit event.
    fn insert_import(&self, import: &Import, table: &Table, audit: &AuditDraft) -> StoreResult<()>;
    fn import(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Import>>;
    /// The center's imports, newest first.
    fn imports(&self, center: Uuid, after: Option<Uuid>, limit: i64) -> StoreResult<Page<Import>>;
    /// The staged table; `None` once the import was committed (it is then deleted).
    fn import_table(&self, id: Uuid) -> StoreResult<Option<Table>>;
    /// Writes the import's state, mapping, counts and decisions request if its version is
    /// still `expected_version`; the event is written in the same transaction.
    fn save_import(
        &self,
        import: &Import,
        expected_version: i32,
        audit: Option<&AuditDraft>,
    ) -> StoreResult<Import>;
    /// The rows checked so far, for the progress bar (no audit: nothing changes but a count).
    fn set_import_progress(
        &self,
        id: Uuid,
        done: i32,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// A running commit's progress, for the replicas not running it, and its lease renewed:
    /// written beside the commit's transaction where the database lets two transactions
    /// write at once (PostgreSQL; `true`). SQLite has one writer, the commit, and one
    /// process, which answers the progress from memory: nothing is written (`false`).
    fn publish_commit_progress(
        &self,
        id: Uuid,
        done: i32,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Replaces what the last dry run found and stores the import as checked.
    fn save_check(&self, result: &CheckResult<'_>) -> StoreResult<Import>;
    fn import_problems(
        &self,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> StoreResult<Page<Problem>>;
    /// Every problem, for the report, in row order.
    fn all_import_problems(&self, id: Uuid) -> StoreResult<Vec<Problem>>;
    fn import_duplicates(
        &self,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> StoreResult<Page<Duplicate>>;
    /// Records the choices for duplicate rows (row, action, patient) with the import's event.
    fn decide_duplicates(
        &self,
        import: &Import,
        expected_version: i32,
        decisions: &[Duplicate],
        audit: &AuditDraft,
    ) -> StoreResult<Import>;
    /// Takes the oldest import waiting for a worker (checking or committing, and not held
    /// by a live lease), leasing it until `lease_until`.
    fn claim_import(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Import>>;
    /// The record a row key was imported as, if it was.
    fn imported_key(&self, center: Uuid, kind: ImportKind, key: &str) -> StoreResult<Option<Uuid>>;
    fn insert_imported_key(
        &self,
        center: Uuid,
        kind: ImportKind,
        key: &str,
        record: Uuid,
        import: Uuid,
    ) -> StoreResult<()>;
    /// A patient of the center by case number (`2026-0042`).
    fn patient_by_case_number(&self, center: Uuid, case_number: &str) -> StoreResult<Option<Uuid>>;
    fn saved_mapping(&self, center: Uuid, kind: ImportKind) -> StoreResult<Option<ImportMapping>>;
    fn save_mapping(
        &self,
        center: Uuid,
        kind: ImportKind,
        mapping: &ImportMapping,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Ends an import (committed or failed): its state and counts with its event, and its
    /// staged table deleted. Called inside the commit's transaction for `committed`, so the
    /// records and the import's end commit together.
    fn finish_import(&self, import: &Import, audit: &AuditDraft) -> StoreResult<()>;
    /// Runs `work` with a store whose every call is inside one transaction, committed when
    /// `work` succeeds and rolled back when it fails (or the process dies): an import's
    /// records all commit or none does.
    fn in_transaction(
        &self,
        work: &mut dyn FnMut(Arc<dyn Store>) -> StoreResult<()>,
    ) -> StoreResult<()>;
}
