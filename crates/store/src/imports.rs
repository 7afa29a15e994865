//! Imports of a center's 台帳: the upload, its staged table (sealed: it is a bulk copy of
//! health data), what its dry run found, the row keys imported and each center's mapping.

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid};
use crate::schema::{
    import_duplicates, import_files, import_keys, import_mappings, import_problems, imports,
    patients,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::sync::Arc;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::exchange::import::{
    Duplicate, DuplicateAction, Encoding, Import, ImportCounts, ImportKind, ImportMapping,
    ImportState, Problem, table::Table,
};
use tsunagu_domain::page::Page;
use tsunagu_domain::ports::{CheckResult, ImportStore, Store, StoreResult};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = imports)]
struct ImportRow {
    id: String,
    center_id: String,
    kind: String,
    state: String,
    file_name: String,
    encoding: String,
    headers: String,
    mapping: String,
    rows_total: i32,
    progress_done: i32,
    counts: String,
    skip_invalid: bool,
    failure: Option<String>,
    lease_until: Option<NaiveDateTime>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    committed_at: Option<NaiveDateTime>,
    version: i32,
}

fn json_err(what: &str, e: &serde_json::Error) -> DomainError {
    DomainError::Internal(format!("{what}: {e}"))
}

fn kind_of(s: &str) -> Result<ImportKind, DomainError> {
    choice(
        "imports.kind",
        ImportKind::ALL.iter().copied().find(|k| k.as_str() == s),
    )
}

impl ImportRow {
    fn from_entity(i: &Import) -> Result<Self, DomainError> {
        Ok(Self {
            id: i.id.to_string(),
            center_id: i.center_id.to_string(),
            kind: i.kind.as_str().to_owned(),
            state: i.state.as_str().to_owned(),
            file_name: i.file_name.clone(),
            encoding: i.encoding.as_str().to_owned(),
            headers: serde_json::to_string(&i.columns).map_err(|e| json_err("headers", &e))?,
            mapping: serde_json::to_string(&i.mapping).map_err(|e| json_err("mapping", &e))?,
            rows_total: i.rows_total,
            progress_done: i.progress_done,
            counts: serde_json::to_string(&i.counts).map_err(|e| json_err("counts", &e))?,
            skip_invalid: i.skip_invalid,
            failure: i.failure.clone(),
            lease_until: None,
            created_by: i.created_by.to_string(),
            created_at: naive(i.created_at),
            updated_at: naive(i.updated_at),
            committed_at: i.committed_at.map(naive),
            version: i.version,
        })
    }

    fn into_entity(self) -> Result<Import, DomainError> {
        Ok(Import {
            id: uuid("imports.id", &self.id)?,
            center_id: uuid("imports.center_id", &self.center_id)?,
            kind: kind_of(&self.kind)?,
            state: choice(
                "imports.state",
                ImportState::ALL
                    .iter()
                    .copied()
                    .find(|s| s.as_str() == self.state),
            )?,
            file_name: self.file_name,
            encoding: choice(
                "imports.encoding",
                Encoding::ALL
                    .iter()
                    .copied()
                    .find(|s| s.as_str() == self.encoding),
            )?,
            columns: serde_json::from_str(&self.headers).map_err(|e| json_err("headers", &e))?,
            mapping: serde_json::from_str(&self.mapping).map_err(|e| json_err("mapping", &e))?,
            rows_total: self.rows_total,
            progress_done: self.progress_done,
            counts: serde_json::from_str::<ImportCounts>(&self.counts)
                .map_err(|e| json_err("counts", &e))?,
            skip_invalid: self.skip_invalid,
            failure: self.failure,
            created_by: uuid("imports.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            committed_at: self.committed_at.map(utc),
            version: self.version,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = import_problems)]
struct ProblemRow {
    import_id: String,
    seq: i32,
    row_no: i32,
    column_name: Option<String>,
    field: Option<String>,
    code: String,
    message: String,
    value: Option<String>,
}

impl ProblemRow {
    fn into_entity(self) -> Problem {
        Problem {
            row: self.row_no,
            column: self.column_name,
            field: self.field,
            code: self.code,
            message: self.message,
            value: self.value,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = import_duplicates)]
struct DuplicateRow {
    import_id: String,
    row_no: i32,
    detail: String,
    action: Option<String>,
    patient_id: Option<String>,
}

impl DuplicateRow {
    fn of(import: Uuid, d: &Duplicate) -> Result<Self, DomainError> {
        Ok(Self {
            import_id: import.to_string(),
            row_no: d.row,
            detail: serde_json::to_string(&d.detail).map_err(|e| json_err("detail", &e))?,
            action: d.action.map(|a| a.as_str().to_owned()),
            patient_id: d.patient_id.map(|p| p.to_string()),
        })
    }

    fn into_entity(self) -> Result<Duplicate, DomainError> {
        Ok(Duplicate {
            row: self.row_no,
            detail: serde_json::from_str(&self.detail).map_err(|e| json_err("detail", &e))?,
            action: match self.action.as_deref() {
                None => None,
                Some(a) => Some(choice(
                    "import_duplicates.action",
                    DuplicateAction::ALL
                        .iter()
                        .copied()
                        .find(|x| x.as_str() == a),
                )?),
            },
            patient_id: opt_uuid("import_duplicates.patient_id", self.patient_id.as_deref())?,
        })
    }
}

/// The sealing context of an import's staged file (also re-sealed by `crate::sealed`).
fn table_context(id: &str) -> String {
    format!("import_files.cells:{id}")
}

fn one(c: &mut crate::db::DbConn, center: &str, id: &str) -> R<Option<Import>> {
    let row: Option<ImportRow> = imports::table
        .filter(imports::center_id.eq(center))
        .filter(imports::id.eq(id))
        .select(ImportRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(ImportRow::into_entity).transpose()?)
}

/// Writes the import's changeable columns if its version is `expected`; bumps the version
/// and lets go of any lease (the next step is for whichever worker comes first).
fn write_state(c: &mut crate::db::DbConn, i: &Import, expected: i32) -> R<()> {
    let row = ImportRow::from_entity(i)?;
    let target = imports::table
        .filter(imports::id.eq(&row.id))
        .filter(imports::center_id.eq(&row.center_id))
        .filter(imports::version.eq(expected));
    let n = diesel::update(target)
        .set((
            imports::state.eq(&row.state),
            imports::mapping.eq(&row.mapping),
            imports::progress_done.eq(row.progress_done),
            imports::counts.eq(&row.counts),
            imports::skip_invalid.eq(row.skip_invalid),
            imports::failure.eq(&row.failure),
            imports::lease_until.eq(None::<NaiveDateTime>),
            imports::updated_at.eq(row.updated_at),
            imports::committed_at.eq(row.committed_at),
            imports::version.eq(imports::version + 1),
        ))
        .execute(c)?;
    if n == 0 {
        let exists = one(c, &row.center_id, &row.id)?.is_some();
        return Err(missing_or_stale(exists));
    }
    Ok(())
}

fn reread(c: &mut crate::db::DbConn, i: &Import) -> R<Import> {
    one(c, &i.center_id.to_string(), &i.id.to_string())?.ok_or_else(not_found)
}

fn page_after<T>(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> i32) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more {
        items.last().map(|x| key(x).to_string())
    } else {
        None
    };
    Page { items, next_cursor }
}

impl ImportStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(id = %import.id))]
    fn insert_import(&self, import: &Import, table: &Table, audit: &AuditDraft) -> StoreResult<()> {
        let id = import.id.to_string();
        let cells = serde_json::to_string(table).map_err(|e| json_err("table", &e))?;
        let sealed = self.seal(&table_context(&id), &cells);
        let row = ImportRow::from_entity(import)?;
        self.write(|c| {
            diesel::insert_into(imports::table)
                .values(&row)
                .execute(c)?;
            diesel::insert_into(import_files::table)
                .values((
                    import_files::import_id.eq(&id),
                    import_files::cells.eq(&sealed),
                ))
                .execute(c)?;
            append_event(c, &self.keys, audit)?;
            Ok(())
        })
    }

    fn import(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Import>> {
        self.read(|c| one(c, &center.to_string(), &id.to_string()))
    }

    fn imports(&self, center: Uuid, after: Option<Uuid>, limit: i64) -> StoreResult<Page<Import>> {
        self.read(|c| {
            let mut q = imports::table
                .filter(imports::center_id.eq(center.to_string()))
                .order(imports::id.desc())
                .limit(limit + 1)
                .select(ImportRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(imports::id.lt(a.to_string()));
            }
            let rows: Vec<ImportRow> = q.load(c)?;
            let mut items = convert(rows, ImportRow::into_entity)?;
            let lim = usize::try_from(limit).unwrap_or(usize::MAX);
            let more = items.len() > lim;
            items.truncate(lim);
            let next_cursor = if more {
                items.last().map(|x| x.id.to_string())
            } else {
                None
            };
            Ok(Page { items, next_cursor })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn import_table(&self, id: Uuid) -> StoreResult<Option<Table>> {
        let key = id.to_string();
        let sealed: Option<String> = self.read(|c| {
            Ok(import_files::table
                .filter(import_files::import_id.eq(&key))
                .select(import_files::cells)
                .first(c)
                .optional()?)
        })?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let text = self
            .open(&table_context(&key), &sealed)
            .map_err(DomainError::from)?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| json_err("table", &e))
    }

    fn save_import(
        &self,
        import: &Import,
        expected_version: i32,
        audit: Option<&AuditDraft>,
    ) -> StoreResult<Import> {
        self.write(|c| {
            write_state(c, import, expected_version)?;
            if let Some(a) = audit {
                append_event(c, &self.keys, a)?;
            }
            reread(c, import)
        })
    }

    fn set_import_progress(
        &self,
        id: Uuid,
        done: i32,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::update(imports::table.filter(imports::id.eq(id.to_string())))
                .set((
                    imports::progress_done.eq(done),
                    imports::lease_until.eq(Some(naive(lease_until))),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn publish_commit_progress(
        &self,
        id: Uuid,
        done: i32,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if self.backend() == crate::Backend::Sqlite {
            return Ok(false);
        }
        // Only while the import is still committing: the commit's own last write wins.
        self.write(|c| {
            diesel::update(
                imports::table
                    .filter(imports::id.eq(id.to_string()))
                    .filter(imports::state.eq("committing")),
            )
            .set((
                imports::progress_done.eq(done),
                imports::lease_until.eq(Some(naive(lease_until))),
            ))
            .execute(c)?;
            Ok(true)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %r.import.id, problems = r.problems.len(), duplicates = r.duplicates.len()))]
    fn save_check(&self, r: &CheckResult<'_>) -> StoreResult<Import> {
        let id = r.import.id.to_string();
        let dups = r
            .duplicates
            .iter()
            .map(|d| DuplicateRow::of(r.import.id, d))
            .collect::<Result<Vec<_>, _>>()?;
        self.write(|c| {
            diesel::delete(import_problems::table.filter(import_problems::import_id.eq(&id)))
                .execute(c)?;
            diesel::delete(import_duplicates::table.filter(import_duplicates::import_id.eq(&id)))
                .execute(c)?;
            for (seq, p) in r.problems.iter().enumerate() {
                diesel::insert_into(import_problems::table)
                    .values(ProblemRow {
                        import_id: id.clone(),
                        seq: i32::try_from(seq).unwrap_or(i32::MAX),
                        row_no: p.row,
                        column_name: p.column.clone(),
                        field: p.field.clone(),
                        code: p.code.clone(),
                        message: p.message.clone(),
                        value: p.value.clone(),
                    })
                    .execute(c)?;
            }
            for d in &dups {
                diesel::insert_into(import_duplicates::table)
                    .values(d)
                    .execute(c)?;
            }
            // The check is the worker's: whatever the version, it writes its result (a
            // revision in between sets the state back to checking, which the guard keeps).
            let current = reread(c, r.import)?;
            if current.state != ImportState::Checking {
                return Err(StoreError::Domain(DomainError::conflict(
                    "import_changed",
                    "the import changed while it was checked",
                )));
            }
            write_state(c, r.import, current.version)?;
            reread(c, r.import)
        })
    }

    fn import_problems(
        &self,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> StoreResult<Page<Problem>> {
        self.read(|c| {
            let rows: Vec<ProblemRow> = import_problems::table
                .filter(import_problems::import_id.eq(id.to_string()))
                .filter(import_problems::seq.gt(after.unwrap_or(-1)))
                .order(import_problems::seq.asc())
                .limit(limit.saturating_add(1))
                .select(ProblemRow::as_select())
                .load(c)?;
            let pairs: Vec<(i32, Problem)> =
                rows.into_iter().map(|r| (r.seq, r.into_entity())).collect();
            let page = page_after(pairs, limit, |(s, _)| *s);
            Ok(Page {
                items: page.items.into_iter().map(|(_, p)| p).collect(),
                next_cursor: page.next_cursor,
            })
        })
    }

    fn all_import_problems(&self, id: Uuid) -> StoreResult<Vec<Problem>> {
        self.read(|c| {
            let rows: Vec<ProblemRow> = import_problems::table
                .filter(import_problems::import_id.eq(id.to_string()))
                .order(import_problems::seq.asc())
                .select(ProblemRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(ProblemRow::into_entity).collect())
        })
    }

    fn import_duplicates(
        &self,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> StoreResult<Page<Duplicate>> {
        self.read(|c| {
            let rows: Vec<DuplicateRow> = import_duplicates::table
                .filter(import_duplicates::import_id.eq(id.to_string()))
                .filter(import_duplicates::row_no.gt(after.unwrap_or(0)))
                .order(import_duplicates::row_no.asc())
                .limit(limit.saturating_add(1))
                .select(DuplicateRow::as_select())
                .load(c)?;
            let items = convert(rows, DuplicateRow::into_entity)?;
            Ok(page_after(items, limit, |d| d.row))
        })
    }

    fn decide_duplicates(
        &self,
        import: &Import,
        expected_version: i32,
        decisions: &[Duplicate],
        audit: &AuditDraft,
    ) -> StoreResult<Import> {
        let id = import.id.to_string();
        self.write(|c| {
            write_state(c, import, expected_version)?;
            for d in decisions {
                diesel::update(
                    import_duplicates::table
                        .filter(import_duplicates::import_id.eq(&id))
                        .filter(import_duplicates::row_no.eq(d.row)),
                )
                .set((
                    import_duplicates::action.eq(d.action.map(|a| a.as_str())),
                    import_duplicates::patient_id.eq(d.patient_id.map(|p| p.to_string())),
                ))
                .execute(c)?;
            }
            append_event(c, &self.keys, audit)?;
            reread(c, import)
        })
    }

    fn claim_import(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Import>> {
        self.write(|c| {
            let waiting: Option<ImportRow> = imports::table
                .filter(imports::state.eq_any(["checking", "committing"]))
                .filter(
                    imports::lease_until
                        .is_null()
                        .or(imports::lease_until.lt(naive(now))),
                )
                .order(imports::id.asc())
                .select(ImportRow::as_select())
                .first(c)
                .optional()?;
            let Some(row) = waiting else {
                return Ok(None);
            };
            // Taken only if no other worker took it in between (its version or lease moved).
            let n = diesel::update(
                imports::table
                    .filter(imports::id.eq(&row.id))
                    .filter(imports::version.eq(row.version))
                    .filter(
                        imports::lease_until
                            .is_null()
                            .or(imports::lease_until.lt(naive(now))),
                    ),
            )
            .set(imports::lease_until.eq(Some(naive(lease_until))))
            .execute(c)?;
            if n == 0 {
                return Ok(None);
            }
            Ok(Some(row.into_entity()?))
        })
    }

    fn imported_key(&self, center: Uuid, kind: ImportKind, key: &str) -> StoreResult<Option<Uuid>> {
        self.read(|c| {
            let id: Option<String> = import_keys::table
                .filter(import_keys::center_id.eq(center.to_string()))
                .filter(import_keys::kind.eq(kind.as_str()))
                .filter(import_keys::row_key.eq(key))
                .select(import_keys::record_id)
                .first(c)
                .optional()?;
            Ok(opt_uuid("import_keys.record_id", id.as_deref())?)
        })
    }

    fn insert_imported_key(
        &self,
        center: Uuid,
        kind: ImportKind,
        key: &str,
        record: Uuid,
        import: Uuid,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(import_keys::table)
                .values((
                    import_keys::center_id.eq(center.to_string()),
                    import_keys::kind.eq(kind.as_str()),
                    import_keys::row_key.eq(key),
                    import_keys::record_id.eq(record.to_string()),
                    import_keys::import_id.eq(import.to_string()),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn patient_by_case_number(&self, center: Uuid, case_number: &str) -> StoreResult<Option<Uuid>> {
        self.read(|c| {
            let id: Option<String> = patients::table
                .filter(patients::center_id.eq(center.to_string()))
                .filter(patients::case_number.eq(case_number))
                .filter(patients::merged_into.is_null())
                .select(patients::id)
                .first(c)
                .optional()?;
            Ok(opt_uuid("patients.id", id.as_deref())?)
        })
    }

    fn saved_mapping(&self, center: Uuid, kind: ImportKind) -> StoreResult<Option<ImportMapping>> {
        let stored: Option<String> = self.read(|c| {
            Ok(import_mappings::table
                .filter(import_mappings::center_id.eq(center.to_string()))
                .filter(import_mappings::kind.eq(kind.as_str()))
                .select(import_mappings::mapping)
                .first(c)
                .optional()?)
        })?;
        stored
            .map(|s| serde_json::from_str(&s).map_err(|e| json_err("mapping", &e)))
            .transpose()
    }

    fn save_mapping(
        &self,
        center: Uuid,
        kind: ImportKind,
        mapping: &ImportMapping,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let text = serde_json::to_string(mapping).map_err(|e| json_err("mapping", &e))?;
        self.write(|c| {
            let key = import_mappings::table
                .filter(import_mappings::center_id.eq(center.to_string()))
                .filter(import_mappings::kind.eq(kind.as_str()));
            let n = diesel::update(key)
                .set((
                    import_mappings::mapping.eq(&text),
                    import_mappings::updated_by.eq(by.to_string()),
                    import_mappings::updated_at.eq(naive(at)),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(import_mappings::table)
                    .values((
                        import_mappings::center_id.eq(center.to_string()),
                        import_mappings::kind.eq(kind.as_str()),
                        import_mappings::mapping.eq(&text),
                        import_mappings::updated_by.eq(by.to_string()),
                        import_mappings::updated_at.eq(naive(at)),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %import.id, state = import.state.as_str()))]
    fn finish_import(&self, import: &Import, audit: &AuditDraft) -> StoreResult<()> {
        let id = import.id.to_string();
        self.write(|c| {
            let current = reread(c, import)?;
            write_state(c, import, current.version)?;
            if import.state == ImportState::Committed {
                // The records are in the case tables now; the staged copy of the file goes.
                diesel::delete(import_files::table.filter(import_files::import_id.eq(&id)))
                    .execute(c)?;
            }
            append_event(c, &self.keys, audit)?;
            Ok(())
        })
    }

    fn in_transaction(
        &self,
        work: &mut dyn FnMut(Arc<dyn Store>) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let (store, batch) = self.batched_flat()?;
        let store: Arc<dyn Store> = Arc::new(store);
        work(store.clone())?;
        drop(store);
        batch.finish()
    }
}
