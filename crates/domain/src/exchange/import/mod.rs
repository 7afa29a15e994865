//! Moving a center's existing 台帳 in: a file of patients or consultations (CSV in UTF-8 or
//! Shift_JIS, or .xlsx) is read into a table ([`table`]), its columns mapped to Tsunagu's
//! fields ([`fields`]: guessed from the headers, or the center's mapping of last time), and
//! every row checked by the same rules as the API ([`rows`]) in a dry run that reports each
//! problem by row and column and each possible duplicate of a registered patient. After the
//! supervisor has fixed the file or the mapping and decided the duplicates, the import is
//! committed: every record in one transaction (all or nothing), each row key remembered so a
//! second run of the same file creates nothing twice.
//!
//! The dry run and the commit run in the background ([`Imports::work_once`], driven by the
//! server's worker): a file of tens of thousands of rows takes longer than a request should.
//! A worker leases the import while it works; if it dies, the lease runs out and another
//! takes the step up again (a commit that died left nothing, its transaction rolled back).

pub mod fields;
pub mod rows;
pub mod table;

use crate::app::Ctx;
use crate::audit::AuditDraft;
use crate::cases::{DuplicateCheck, DuplicateProbe, DuplicateReason, duplicate_reasons};
use crate::clock::tokyo;
use crate::entities::{Actor, RequestMeta};
use crate::error::DomainError;
use crate::events::Action;
use crate::page::Page;
use crate::policy;
use crate::ports::{CheckResult, Scope};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rows::Reader;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Condvar, Mutex};
use table::Table;
use uuid::Uuid;

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(field: &str, s: &str) -> Result<Self, crate::error::FieldError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(crate::error::FieldError::new(field, "invalid_choice", format!(
                        "must be one of: {}", [$($s),+].join(", ")))),
                }
            }
        }
    };
}

wire_enum!(
    /// What a file holds, one kind per file.
    ImportKind {
        Patients = "patients",
        Consultations = "consultations",
        Referrals = "referrals",
        FollowUps = "follow_ups",
    }
);

wire_enum!(
    /// `checking` → `checked` (the dry run's report) → `committing` → `committed`; a run
    /// that could not finish is `failed` with its reason, and nothing of it was written.
    ImportState {
        Checking = "checking",
        Checked = "checked",
        Committing = "committing",
        Committed = "committed",
        Failed = "failed",
    }
);

wire_enum!(
    /// How the file was read.
    Encoding {
        Utf8 = "utf-8",
        ShiftJis = "shift_jis",
        Xlsx = "xlsx",
    }
);

wire_enum!(
    /// What an import makes of a follow-up whose day has passed with nothing written.
    PastFollowUps {
        Overdue = "overdue",
        NotRecorded = "not_recorded",
    }
);

wire_enum!(
    /// What becomes of a row that may be a patient already registered: the row's records go
    /// to that patient (`merge`), a new patient is registered anyway (`create`), or the row is
    /// left out (`skip`).
    DuplicateAction {
        Merge = "merge",
        Create = "create",
        Skip = "skip",
    }
);

/// Which column feeds which field, what a cell's words mean as Tsunagu's codes, and what an
/// empty or missing column stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportMapping {
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// Referrals and follow-ups only: what becomes of a follow-up whose day has passed with
    /// nothing written about it — `overdue` (the default: it stays in the queue) or
    /// `not_recorded` (kept in the history, out of the queue, so years-old promises do not
    /// flood it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_follow_ups: Option<String>,
}

impl ImportMapping {
    /// Whether past follow-ups with nothing written are kept as not recorded.
    pub fn past_as_not_recorded(&self) -> bool {
        self.past_follow_ups.as_deref() == Some(PastFollowUps::NotRecorded.as_str())
    }
}

/// How many rows are what, after the last dry run and after the commit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows: i32,
    pub valid: i32,
    pub invalid: i32,
    pub duplicates: i32,
    pub already_imported: i32,
    pub created: i32,
    pub merged: i32,
    pub skipped: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub id: Uuid,
    pub center_id: Uuid,
    pub kind: ImportKind,
    pub state: ImportState,
    pub file_name: String,
    pub encoding: Encoding,
    pub columns: Vec<String>,
    pub mapping: ImportMapping,
    pub rows_total: i32,
    pub progress_done: i32,
    pub counts: ImportCounts,
    pub skip_invalid: bool,
    pub failure: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// One thing wrong with one row, as the error report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The data row, from 1 (the line under the header).
    pub row: i32,
    pub column: Option<String>,
    pub field: Option<String>,
    pub code: String,
    /// Japanese, for the person fixing the file.
    pub message: String,
    pub value: Option<String>,
}

/// A registered patient (or an earlier row of the same file) a row may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub patient_id: Option<Uuid>,
    pub row: Option<i32>,
    pub case_number: Option<String>,
    pub name: String,
    pub reasons: Vec<String>,
}

/// What the row says of the person, and whom it may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateDetail {
    pub name: String,
    pub kana: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub row: i32,
    pub detail: DuplicateDetail,
    pub action: Option<DuplicateAction>,
    /// With `merge`: the registered patient the row is.
    pub patient_id: Option<Uuid>,
}

/// An upload, as the HTTP layer hands it over.
pub struct Upload {
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub mapping: Option<ImportMapping>,
}

/// A change asked of a checked import: a new mapping, and/or choices for duplicate rows.
#[derive(Debug, Default)]
pub struct Revision {
    pub mapping: Option<ImportMapping>,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub row: i32,
    pub action: DuplicateAction,
    pub patient_id: Option<Uuid>,
}

/// The progress of commits running in this process. A commit writes in one transaction, so
/// its rows cannot be counted from the database until it is over; the replica running it
/// answers from here, every 100 rows, and on PostgreSQL it also writes the figure to the
/// import's row every 1,000 (beside its transaction), which the other replicas answer.
#[derive(Default)]
pub struct ImportRuns {
    progress: Mutex<HashMap<Uuid, i32>>,
    /// Woken when an import is waiting for a worker, so it starts at once.
    wake: (Mutex<bool>, Condvar),
}

impl ImportRuns {
    fn set(&self, id: Uuid, done: Option<i32>) {
        let mut m = self
            .progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match done {
            Some(d) => {
                m.insert(id, d);
            }
            None => {
                m.remove(&id);
            }
        }
    }

    fn get(&self, id: Uuid) -> Option<i32> {
        self.progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
            .copied()
    }

    pub fn notify(&self) {
        let (flag, cv) = &self.wake;
        *flag
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        cv.notify_all();
    }

    /// Waits until an import is announced or `timeout` passes.
    pub fn wait(&self, timeout: std::time::Duration) {
        let (flag, cv) = &self.wake;
        let guard = flag
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (mut guard, _) = cv
            .wait_timeout_while(guard, timeout, |woken| !*woken)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = false;
    }
}

/// A worker holds an import this long before another may take it up; the check renews it
/// as it goes.
const CHECK_LEASE_MINUTES: i64 = 5;
/// A commit is one transaction: its lease must outlast the longest one.
const COMMIT_LEASE_MINUTES: i64 = 15;
/// The check stores its progress every this many rows.
const PROGRESS_EVERY: usize = 500;
/// A commit publishes its progress (and renews its lease) every this many rows, where the
/// database allows (see `ImportStore::publish_commit_progress`).
const PUBLISH_EVERY: usize = 1000;
/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

crate::facade!(
    /// Importing a center's 台帳: `services.imports()`.
    Imports,
    imports
);

fn kind_of(raw: &str) -> Result<ImportKind, DomainError> {
    ImportKind::parse("kind", raw).map_err(|e| DomainError::Validation(vec![e]))
}

/// The fields a kind of import fills in.
pub fn fields_of(kind: &str) -> Result<&'static [fields::FieldSpec], DomainError> {
    let kind = ImportKind::parse("kind", kind).map_err(|e| DomainError::Validation(vec![e]))?;
    Ok(fields::fields(kind))
}

/// Checks a mapping names only the kind's fields and codes, so a typo in a third party's
/// mapping is an error rather than a silently unmapped column.
pub fn check_mapping(kind: ImportKind, m: &ImportMapping) -> Result<(), DomainError> {
    let mut v = crate::error::Validator::new();
    let known = |f: &str| fields::spec(kind, f);
    for f in m
        .columns
        .keys()
        .chain(m.values.keys())
        .chain(m.defaults.keys())
    {
        if known(f).is_none() {
            v.push(crate::error::FieldError::new(
                format!("mapping.{f}"),
                "unknown_field",
                format!("{} has no field {f}", kind.as_str()),
            ));
        }
    }
    for (f, words) in &m.values {
        if let Some(spec) = known(f).filter(|s| !s.codes.is_empty()) {
            for code in words.values() {
                if fields::code_of(spec, code).is_none() {
                    v.push(crate::error::FieldError::new(
                        format!("mapping.values.{f}"),
                        "invalid_choice",
                        format!("{code} is not a code of {f}"),
                    ));
                }
            }
        }
    }
    for (f, d) in &m.defaults {
        if let Some(spec) = known(f).filter(|s| !s.codes.is_empty())
            && fields::code_of(spec, d).is_none()
        {
            v.push(crate::error::FieldError::new(
                format!("mapping.defaults.{f}"),
                "invalid_choice",
                format!("{d} is not a code of {f}"),
            ));
        }
    }
    if let Some(p) = m.past_follow_ups.as_deref() {
        match PastFollowUps::parse("mapping.past_follow_ups", p) {
            Err(e) => v.push(e),
            Ok(PastFollowUps::NotRecorded)
                if !matches!(kind, ImportKind::Referrals | ImportKind::FollowUps) =>
            {
                v.push(crate::error::FieldError::new(
                    "mapping.past_follow_ups",
                    "not_applicable",
                    "only referrals and follow-ups have follow-ups",
                ));
            }
            Ok(_) => {}
        }
    }
    v.finish()
}

impl Imports<'_> {
    /// Stores the upload and starts its dry run. The mapping is the one given (its columns, if
    /// it maps none, filled as below), else the center's mapping of its last import of the
    /// kind, else one guessed from the headers.
    #[tracing::instrument(name = "imports.start", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn start(&self, ctx: &Ctx, upload: Upload) -> Result<Import, DomainError> {
        self.guard(ctx, Action::ImportCreate, None, || {
            let center = policy::import(&ctx.actor)?;
            let kind = kind_of(&upload.kind)?;
            if upload.bytes.len() > MAX_FILE_BYTES {
                return Err(DomainError::rule(
                    "file_too_large",
                    "at most 50 MB in one file",
                ));
            }
            let file_name = crate::values::too_long("file_name", upload.file_name.trim(), 255)
                .map(|()| upload.file_name.trim().to_owned())
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let (table, encoding) = table::read(&upload.bytes)?;
            let now = self.clock.now();
            let mapping = match upload.mapping {
                Some(mut m) => {
                    check_mapping(kind, &m)?;
                    // A mapping that maps no column (only values, defaults or the choice for
                    // past follow-ups) keeps the columns of last time, or guessed ones.
                    if m.columns.is_empty() {
                        m.columns = match self.store.saved_mapping(center, kind)? {
                            Some(saved) => saved.columns,
                            None => fields::guess(kind, &table.columns).columns,
                        };
                    }
                    // The center's next file of the kind starts from it.
                    self.store
                        .save_mapping(center, kind, &m, ctx.actor.user_id, now)?;
                    m
                }
                None => match self.store.saved_mapping(center, kind)? {
                    Some(m) => m,
                    None => fields::guess(kind, &table.columns),
                },
            };
            let rows_total = i32::try_from(table.rows.len()).unwrap_or(i32::MAX);
            let import = Import {
                id: Uuid::now_v7(),
                center_id: center,
                kind,
                state: ImportState::Checking,
                file_name,
                encoding,
                columns: table.columns.clone(),
                mapping,
                rows_total,
                progress_done: 0,
                counts: ImportCounts::default(),
                skip_invalid: false,
                failure: None,
                created_by: ctx.actor.user_id,
                created_at: now,
                updated_at: now,
                committed_at: None,
                version: 1,
            };
            let ev = self
                .ev(ctx, Action::ImportCreate)
                .resource(import.id)
                .detail(format!(
                    "kind={}; rows={rows_total}; encoding={}",
                    kind.as_str(),
                    encoding.as_str()
                ));
            self.store.insert_import(&import, &table, &ev)?;
            self.import_runs.notify();
            Ok(import)
        })
    }

    #[tracing::instrument(name = "imports.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Import, DomainError> {
        self.guard(ctx, Action::ImportRead, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            let mut i = self
                .store
                .import(center, id)?
                .ok_or(DomainError::NotFound)?;
            if i.state == ImportState::Committing
                && let Some(done) = self.import_runs.get(id)
            {
                i.progress_done = done;
            }
            Ok(i)
        })
    }

    #[tracing::instrument(name = "imports.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Page<Import>, DomainError> {
        self.guard(ctx, Action::ImportRead, None, || {
            let center = policy::import(&ctx.actor)?;
            self.store.imports(center, after, limit)
        })
    }

    /// The problems of the last dry run: they quote the file's cells, so reading them is a
    /// read of personal data and logged as one.
    #[tracing::instrument(name = "imports.problems", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn problems(
        &self,
        ctx: &Ctx,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> Result<Page<Problem>, DomainError> {
        self.guard(ctx, Action::ImportRead, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            self.store
                .import(center, id)?
                .ok_or(DomainError::NotFound)?;
            let page = self.store.import_problems(id, after, limit)?;
            self.log_access(
                self.ev(ctx, Action::ImportRead)
                    .resource(id)
                    .detail(format!("problems; count={}", page.items.len())),
            )?;
            Ok(page)
        })
    }

    #[tracing::instrument(name = "imports.duplicates", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn duplicates(
        &self,
        ctx: &Ctx,
        id: Uuid,
        after: Option<i32>,
        limit: i64,
    ) -> Result<Page<Duplicate>, DomainError> {
        self.guard(ctx, Action::ImportRead, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            self.store
                .import(center, id)?
                .ok_or(DomainError::NotFound)?;
            let page = self.store.import_duplicates(id, after, limit)?;
            self.log_access(
                self.ev(ctx, Action::ImportRead)
                    .resource(id)
                    .detail(format!("duplicates; count={}", page.items.len())),
            )?;
            Ok(page)
        })
    }

    /// The file's rows with their problems, for the error report beside the rows. Gone once
    /// the import is committed (the staged file is deleted then).
    #[tracing::instrument(name = "imports.report", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn report(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<(Import, Table, Vec<Problem>), DomainError> {
        self.guard(ctx, Action::ImportReport, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            let i = self
                .store
                .import(center, id)?
                .ok_or(DomainError::NotFound)?;
            let table = self
                .store
                .import_table(id)?
                .ok_or_else(|| DomainError::Gone {
                    code: "import_file_deleted",
                    detail: "the file was deleted when the import was committed".into(),
                })?;
            let problems = self.store.all_import_problems(id)?;
            self.log_access(
                self.ev(ctx, Action::ImportReport)
                    .resource(id)
                    .detail(format!(
                        "rows={}; problems={}",
                        table.rows.len(),
                        problems.len()
                    )),
            )?;
            Ok((i, table, problems))
        })
    }

    /// A new mapping (checked again from the start) and/or choices for duplicate rows.
    #[tracing::instrument(name = "imports.revise", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn revise(&self, ctx: &Ctx, id: Uuid, r: Revision) -> Result<Import, DomainError> {
        self.guard(ctx, Action::ImportUpdate, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            let current = self.store.import(center, id)?.ok_or(DomainError::NotFound)?;
            if !matches!(current.state, ImportState::Checked | ImportState::Failed) {
                return Err(DomainError::conflict(
                    "import_not_checked",
                    "the import can be changed once its check is done, and not after it is committed",
                ));
            }
            let mut next = current.clone();
            let mut detail = Vec::new();
            if !r.decisions.is_empty() {
                let known = self.store.import_duplicates(id, None, i64::MAX)?;
                let mut decided = Vec::with_capacity(r.decisions.len());
                for d in &r.decisions {
                    let Some(dup) = known.items.iter().find(|x| x.row == d.row) else {
                        return Err(DomainError::field(
                            "decisions",
                            "not_a_duplicate",
                            format!("row {} is not a possible duplicate", d.row),
                        ));
                    };
                    let patient_id = match d.action {
                        DuplicateAction::Merge => {
                            let target = d.patient_id.or_else(|| {
                                let mut ids = dup.detail.candidates.iter().filter_map(|c| c.patient_id);
                                match (ids.next(), ids.next()) {
                                    (Some(one), None) => Some(one),
                                    _ => None,
                                }
                            });
                            let Some(target) = target.filter(|t| {
                                dup.detail.candidates.iter().any(|c| c.patient_id == Some(*t))
                            }) else {
                                return Err(DomainError::field(
                                    "decisions",
                                    "merge_target_required",
                                    format!("row {}: name which registered patient it is (patient_id)", d.row),
                                ));
                            };
                            Some(target)
                        }
                        _ => None,
                    };
                    decided.push(Duplicate {
                        action: Some(d.action),
                        patient_id,
                        ..dup.clone()
                    });
                }
                detail.push(format!("decisions={}", decided.len()));
                if r.mapping.is_none() {
                    let ev = self.ev(ctx, Action::ImportUpdate).resource(id).detail(detail.join("; "));
                    next.updated_at = self.clock.now();
                    return self.store.decide_duplicates(&next, current.version, &decided, &ev);
                }
                let ev = self.ev(ctx, Action::ImportUpdate).resource(id).detail(detail.join("; "));
                self.store.decide_duplicates(&next, current.version, &decided, &ev)?;
                next.version += 1;
            }
            if let Some(m) = r.mapping {
                check_mapping(current.kind, &m)?;
                self.store
                    .save_mapping(center, current.kind, &m, ctx.actor.user_id, self.clock.now())?;
                next.mapping = m;
                next.state = ImportState::Checking;
                next.progress_done = 0;
                next.failure = None;
                next.updated_at = self.clock.now();
                let ev = self
                    .ev(ctx, Action::ImportUpdate)
                    .resource(id)
                    .detail("mapping; state=checking");
                let saved = self.store.save_import(&next, next.version, Some(&ev))?;
                self.import_runs.notify();
                return Ok(saved);
            }
            self.store.import(center, id)?.ok_or(DomainError::NotFound)
        })
    }

    /// Asks for the checked import to be written. Refused while rows are invalid (unless
    /// they are to be skipped) or a possible duplicate has no decision.
    #[tracing::instrument(name = "imports.commit", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn commit(&self, ctx: &Ctx, id: Uuid, skip_invalid: bool) -> Result<Import, DomainError> {
        self.guard(ctx, Action::ImportUpdate, Some(id), || {
            let center = policy::import(&ctx.actor)?;
            let current = self.store.import(center, id)?.ok_or(DomainError::NotFound)?;
            if current.state != ImportState::Checked {
                return Err(DomainError::conflict(
                    "import_not_checked",
                    "only a checked import can be committed",
                ));
            }
            if current.counts.invalid > 0 && !skip_invalid {
                return Err(DomainError::rule(
                    "import_has_errors",
                    format!(
                        "{} rows have errors: fix the file, or commit with skip_invalid to leave them out",
                        current.counts.invalid
                    ),
                ));
            }
            let undecided = self
                .store
                .import_duplicates(id, None, i64::MAX)?
                .items
                .iter()
                .filter(|d| d.action.is_none())
                .count();
            if undecided > 0 {
                return Err(DomainError::rule(
                    "duplicates_undecided",
                    format!("{undecided} possible duplicates have no decision (merge, create or skip)"),
                ));
            }
            let mut next = current.clone();
            next.state = ImportState::Committing;
            next.skip_invalid = skip_invalid;
            next.progress_done = 0;
            next.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::ImportUpdate)
                .resource(id)
                .detail(format!("state=committing; skip_invalid={skip_invalid}"));
            let saved = self.store.save_import(&next, current.version, Some(&ev))?;
            self.import_runs.notify();
            Ok(saved)
        })
    }

    /// Runs the next step of one waiting import (its dry run or its commit); `false` when
    /// none was waiting.
    pub fn work_once(&self) -> Result<bool, DomainError> {
        let now = self.clock.now();
        let Some(import) = self
            .store
            .claim_import(now, now + Duration::minutes(CHECK_LEASE_MINUTES))?
        else {
            return Ok(false);
        };
        let span = tracing::info_span!("import", id = %import.id, kind = import.kind.as_str(), state = import.state.as_str());
        let _enter = span.enter();
        let outcome = match import.state {
            ImportState::Checking => self.run_check(&import),
            ImportState::Committing => self.run_commit(&import),
            _ => Ok(()),
        };
        self.import_runs.set(import.id, None);
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "import step failed");
            self.fail(&import, &e)?;
        }
        Ok(true)
    }

    /// Who runs the import's steps: the supervisor who uploaded it, as long as they still
    /// may import for the center.
    fn ctx_of(&self, import: &Import) -> Result<Ctx, DomainError> {
        let user = self
            .store
            .user(Scope::Center(import.center_id), import.created_by)?
            .filter(|u| u.active)
            .ok_or_else(|| {
                DomainError::rule(
                    "importer_inactive",
                    "the supervisor who uploaded the file can no longer sign in",
                )
            })?;
        let actor = Actor {
            user_id: user.id,
            session_id: Uuid::nil(),
            role: user.role,
            center_id: Some(import.center_id),
            administration_id: None,
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        };
        policy::import(&actor)?;
        Ok(Ctx {
            actor,
            meta: RequestMeta {
                // Every record the import writes carries it, so the trail groups them.
                request_id: format!("import:{}", import.id),
                source: None,
                idempotency: None,
            },
        })
    }

    fn fail(&self, import: &Import, e: &DomainError) -> Result<(), DomainError> {
        let Some(current) = self.store.import(import.center_id, import.id)? else {
            return Ok(());
        };
        let mut next = current.clone();
        next.failure = Some(failure_text(e));
        next.updated_at = self.clock.now();
        next.state = match current.state {
            // A check that could not run leaves nothing to commit; the mapping can be fixed.
            ImportState::Checking => ImportState::Failed,
            ImportState::Committing => ImportState::Failed,
            s => s,
        };
        let ev = AuditDraft::system(self.clock.now(), Action::ImportFail)
            .center(Some(import.center_id))
            .resource(import.id)
            .detail(format!("state={}", current.state.as_str()));
        self.store.finish_import(&next, &ev)
    }

    fn run_check(&self, import: &Import) -> Result<(), DomainError> {
        let ctx = self.ctx_of(import)?;
        let table = self
            .store
            .import_table(import.id)?
            .ok_or_else(|| DomainError::Internal("the import's file is gone".into()))?;
        let previous: HashMap<i32, Duplicate> = self
            .store
            .import_duplicates(import.id, None, i64::MAX)?
            .items
            .into_iter()
            .map(|d| (d.row, d))
            .collect();
        let mut checker = Checker::new(self, &ctx, import);
        for i in 0..table.rows.len() {
            checker.row(&table, i)?;
            if (i + 1) % PROGRESS_EVERY == 0 {
                let now = self.clock.now();
                self.store.set_import_progress(
                    import.id,
                    i32::try_from(i + 1).unwrap_or(i32::MAX),
                    now + Duration::minutes(CHECK_LEASE_MINUTES),
                )?;
            }
        }
        let (counts, problems, mut duplicates) = checker.finish();
        // A decision made before a re-check stands while the row is still a possible duplicate.
        for d in &mut duplicates {
            if let Some(p) = previous.get(&d.row)
                && (p.patient_id.is_none()
                    || d.detail
                        .candidates
                        .iter()
                        .any(|c| c.patient_id == p.patient_id))
            {
                d.action = p.action;
                d.patient_id = p.patient_id;
            }
        }
        let mut next = self
            .store
            .import(import.center_id, import.id)?
            .ok_or(DomainError::NotFound)?;
        next.state = ImportState::Checked;
        next.counts = counts;
        next.progress_done = import.rows_total;
        next.failure = None;
        next.updated_at = self.clock.now();
        self.store.save_check(&CheckResult {
            import: &next,
            problems: &problems,
            duplicates: &duplicates,
        })?;
        Ok(())
    }

    fn run_commit(&self, import: &Import) -> Result<(), DomainError> {
        let ctx = self.ctx_of(import)?;
        let table = self
            .store
            .import_table(import.id)?
            .ok_or_else(|| DomainError::Internal("the import's file is gone".into()))?;
        let decisions: HashMap<i32, Duplicate> = self
            .store
            .import_duplicates(import.id, None, i64::MAX)?
            .items
            .into_iter()
            .map(|d| (d.row, d))
            .collect();
        let now = self.clock.now();
        // The lease must outlast the transaction.
        self.store.set_import_progress(
            import.id,
            0,
            now + Duration::minutes(COMMIT_LEASE_MINUTES),
        )?;
        let runs = self.import_runs.clone();
        let mut counts = ImportCounts::default();
        self.store.in_transaction(&mut |tx| {
            let services = self.with_store(tx.clone());
            let imports = services.imports();
            let mut writer = Writer {
                imports,
                ctx: &ctx,
                import,
                decisions: &decisions,
                checker: Checker::new(&services, &ctx, import),
                counts: ImportCounts::default(),
            };
            for i in 0..table.rows.len() {
                writer.row(&table, i)?;
                let done = i32::try_from(i + 1).unwrap_or(i32::MAX);
                if (i + 1) % 100 == 0 {
                    runs.set(import.id, Some(done));
                }
                if (i + 1) % PUBLISH_EVERY == 0 {
                    // For the other replicas, on the database's other connection.
                    self.store.publish_commit_progress(
                        import.id,
                        done,
                        self.clock.now() + Duration::minutes(COMMIT_LEASE_MINUTES),
                    )?;
                }
            }
            counts = writer.finish()?;
            let mut done = import.clone();
            done.state = ImportState::Committed;
            done.counts = counts;
            done.progress_done = import.rows_total;
            done.committed_at = Some(services.clock.now());
            done.updated_at = services.clock.now();
            let ev = services
                .ev(&ctx, Action::ImportCommit)
                .resource(import.id)
                .detail(format!(
                    "kind={}; created={}; merged={}; skipped={}; already_imported={}",
                    import.kind.as_str(),
                    counts.created,
                    counts.merged,
                    counts.skipped,
                    counts.already_imported
                ));
            tx.finish_import(&done, &ev)
        })?;
        tracing::info!(
            created = counts.created,
            merged = counts.merged,
            "import committed"
        );
        Ok(())
    }
}

/// Every item of a list the store answers a page at a time (a center's staff, its agencies).
fn every_page<T>(
    mut fetch: impl FnMut(crate::page::PageRequest) -> Result<Page<T>, DomainError>,
    id: impl Fn(&T) -> Uuid,
) -> Result<Vec<T>, DomainError> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = fetch(crate::page::PageRequest {
            limit: 200,
            after,
            after_key: None,
            updated_since: None,
        })?;
        after = page.items.last().map(&id);
        let last = page.next_cursor.is_none();
        all.extend(page.items);
        if last {
            return Ok(all);
        }
    }
}

/// Why a step failed, for the supervisor (the details are in the server's log).
fn failure_text(e: &DomainError) -> String {
    match e {
        DomainError::Rule { detail, .. } | DomainError::Conflict { detail, .. } => detail.clone(),
        DomainError::Validation(f) => f
            .iter()
            .map(|x| format!("{}: {}", x.field, x.message))
            .collect::<Vec<_>>()
            .join("; "),
        DomainError::Unavailable(_) => {
            "データベースに接続できませんでした。もう一度お試しください".into()
        }
        _ => "取込を完了できませんでした（何も書き込まれていません）".into(),
    }
}

/// What a row becomes: a record to create (with its input), a registered patient it is, or
/// nothing (already imported, invalid, or a patient row matching an earlier one).
enum Planned {
    Patient {
        input: crate::cases::PatientInput,
        registered: Option<DateTime<Utc>>,
    },
    Consultation(crate::cases::ConsultationInput),
    Referral {
        input: crate::cases::ReferralInput,
        /// The day consent was given, when none is in force yet, and the agency's kind (which
        /// the consent's scope covers).
        consent: Option<(NaiveDate, crate::values::AgencyType)>,
        /// The outcome and the day, for a referral the 台帳 shows as ended.
        closing: Option<(String, NaiveDate)>,
    },
    FollowUp {
        referral_id: Uuid,
        due_on: NaiveDate,
        /// Its recording, when the 台帳 says it was done.
        record: Option<crate::cases::FollowUpUpdate>,
        assignee: Option<Uuid>,
        /// The outcome the referral closes with, on the day this follow-up was done.
        closes: Option<String>,
    },
}

struct RowPlan {
    row: i32,
    key: String,
    planned: Option<Planned>,
    already: bool,
}

/// Checks rows one by one, remembering what the file itself holds (keys, people) so a row
/// repeating an earlier one is found.
struct Checker<'a> {
    services: &'a crate::app::Services,
    ctx: &'a Ctx,
    import: &'a Import,
    counts: ImportCounts,
    problems: Vec<Problem>,
    duplicates: Vec<Duplicate>,
    keys: HashMap<String, i32>,
    people: HashMap<(String, String, NaiveDate), (i32, String)>,
    phones: HashMap<String, (i32, String)>,
    /// The center's staff by folded display name and login, for the consultant column.
    staff: Option<HashMap<String, Uuid>>,
    /// The center's agencies, for the referral's agency column.
    agencies: Option<Vec<crate::entities::Agency>>,
    /// Referrals an earlier row of the file closes.
    closed: std::collections::HashSet<Uuid>,
    today: NaiveDate,
}

impl<'a> Checker<'a> {
    fn new(services: &'a crate::app::Services, ctx: &'a Ctx, import: &'a Import) -> Self {
        Self {
            services,
            ctx,
            import,
            counts: ImportCounts::default(),
            problems: Vec::new(),
            duplicates: Vec::new(),
            keys: HashMap::new(),
            people: HashMap::new(),
            phones: HashMap::new(),
            staff: None,
            agencies: None,
            closed: std::collections::HashSet::new(),
            today: services.today(),
        }
    }

    fn row(&mut self, table: &Table, i: usize) -> Result<(), DomainError> {
        let _ = self.plan(table, i)?;
        Ok(())
    }

    /// Reads and checks row `i`; counts it and keeps its problems and possible duplicates.
    fn plan(&mut self, table: &Table, i: usize) -> Result<Option<RowPlan>, DomainError> {
        if table.is_blank(i) {
            return Ok(None);
        }
        let row = i32::try_from(i + 1).unwrap_or(i32::MAX);
        let cells = table.rows.get(i).map_or(&[][..], Vec::as_slice);
        let import = self.import;
        let mut r = Reader::new(import.kind, row, &table.columns, cells, &import.mapping);
        self.counts.rows += 1;
        let key = r.row_key();
        let store = &self.services.store;
        if store
            .imported_key(import.center_id, import.kind, &key)?
            .is_some()
        {
            self.counts.already_imported += 1;
            return Ok(Some(RowPlan {
                row,
                key,
                planned: None,
                already: true,
            }));
        }
        if let Some(first) = self.keys.get(&key) {
            r.problem(
                "row_key",
                "duplicate_row",
                format!("{first}行目と同じ行です（同じ番号か、同じ内容）"),
                None,
            );
        } else {
            self.keys.insert(key.clone(), row);
        }
        let planned = match import.kind {
            ImportKind::Patients => self.patient(&mut r)?,
            ImportKind::Consultations => self.consultation(&mut r)?,
            ImportKind::Referrals => self.referral(&mut r)?,
            ImportKind::FollowUps => self.follow_up(&mut r)?,
        };
        let ok = r.problems.is_empty();
        if ok {
            self.counts.valid += 1;
        } else {
            self.counts.invalid += 1;
            self.problems.append(&mut r.problems);
        }
        Ok(Some(RowPlan {
            row,
            key,
            planned: planned.filter(|_| ok),
            already: false,
        }))
    }

    fn patient(&mut self, r: &mut Reader<'_>) -> Result<Option<Planned>, DomainError> {
        let (input, registered) = rows::patient_input(r);
        let checked = crate::cases::check_new(
            self.import.center_id,
            self.ctx.actor.user_id,
            self.services.clock.now(),
            input.clone(),
            self.today,
        );
        let p = match checked {
            Ok(p) => p,
            Err(DomainError::Validation(errors)) => {
                r.refused(&errors);
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if !r.problems.is_empty() {
            return Ok(None);
        }
        let name = format!("{} {}", p.family_name, p.given_name);
        let kana = format!("{} {}", p.family_name_kana, p.given_name_kana);
        let mut candidates = Vec::new();
        // Earlier rows of the same file.
        let who = (
            p.family_name_kana.clone(),
            p.given_name_kana.clone(),
            p.birth_date,
        );
        let digits = p
            .phone
            .as_deref()
            .map(crate::cases::phone_digits)
            .filter(|d| d.len() >= 6);
        if let Some((row, n)) = self.people.get(&who) {
            candidates.push(Candidate {
                patient_id: None,
                row: Some(*row),
                case_number: None,
                name: n.clone(),
                reasons: vec![DuplicateReason::SameReadingAndBirthDate.as_str().to_owned()],
            });
        } else {
            self.people.insert(who, (r.row, name.clone()));
        }
        if let Some(d) = &digits {
            match self.phones.get(d) {
                Some((row, n)) if !candidates.iter().any(|c| c.row == Some(*row)) => {
                    candidates.push(Candidate {
                        patient_id: None,
                        row: Some(*row),
                        case_number: None,
                        name: n.clone(),
                        reasons: vec![DuplicateReason::SamePhone.as_str().to_owned()],
                    });
                }
                Some(_) => {}
                None => {
                    self.phones.insert(d.clone(), (r.row, name.clone()));
                }
            }
        }
        // Patients already registered.
        let probe = DuplicateProbe::of(&DuplicateCheck {
            family_name_kana: Some(p.family_name_kana.clone()),
            given_name_kana: Some(p.given_name_kana.clone()),
            birth_date: Some(p.birth_date.to_string()),
            phone: p.phone.clone(),
        });
        if !probe.is_empty() {
            for found in self
                .services
                .store
                .possible_duplicates(self.import.center_id, &probe)?
            {
                let reasons = duplicate_reasons(&found, &probe);
                if reasons.is_empty() {
                    continue;
                }
                candidates.push(Candidate {
                    patient_id: Some(found.id),
                    row: None,
                    case_number: Some(found.case_number.clone()),
                    name: format!("{} {}", found.family_name, found.given_name),
                    reasons: reasons.iter().map(|x| x.as_str().to_owned()).collect(),
                });
            }
        }
        if !candidates.is_empty() {
            self.counts.duplicates += 1;
            self.duplicates.push(Duplicate {
                row: r.row,
                detail: DuplicateDetail {
                    name,
                    kana: Some(kana),
                    birth_date: Some(p.birth_date),
                    candidates,
                },
                action: None,
                patient_id: None,
            });
        }
        // The 台帳 kept the day; the record is dated at the start of that office day.
        let registered = registered
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .and_then(|t| t.and_local_timezone(tokyo()).single())
            .map(|t| t.with_timezone(&Utc));
        Ok(Some(Planned::Patient { input, registered }))
    }

    fn consultation(&mut self, r: &mut Reader<'_>) -> Result<Option<Planned>, DomainError> {
        let mut input = rows::consultation_input(r);
        if let Err(DomainError::Validation(errors)) =
            crate::cases::check_fields(&input, self.services.clock.now())
        {
            r.refused(&errors);
        }
        input.patient_id = Some(self.patient_of(r)?);
        input.consultant_id = self.consultant_of(r)?;
        Ok(Some(Planned::Consultation(input)))
    }

    /// The patient a consultation row is with: by the patient's row key of an earlier
    /// import, or by case number; neither given is an anonymous consultation.
    fn patient_of(&mut self, r: &mut Reader<'_>) -> Result<Option<Uuid>, DomainError> {
        let center = self.import.center_id;
        if let Some(k) = r.text("patient_key") {
            let key = format!("k:{}", rows::narrow(&k));
            return match self
                .services
                .store
                .imported_key(center, ImportKind::Patients, &key)?
            {
                Some(id) => Ok(Some(id)),
                None => {
                    r.problem(
                        "patient_key",
                        "patient_not_found",
                        format!("相談者「{k}」が取り込まれていません（先に相談者台帳を取り込んでください）"),
                        Some(k),
                    );
                    Ok(None)
                }
            };
        }
        if let Some(n) = r.text("case_number") {
            return match self
                .services
                .store
                .patient_by_case_number(center, &rows::narrow(&n))?
            {
                Some(id) => Ok(Some(id)),
                None => {
                    r.problem(
                        "case_number",
                        "patient_not_found",
                        format!("ケース番号「{n}」の相談者がいません"),
                        Some(n),
                    );
                    Ok(None)
                }
            };
        }
        Ok(None)
    }

    /// The consultant a row names (display name or login of an active consultant or
    /// supervisor of the center); none named is the supervisor importing.
    fn consultant_of(&mut self, r: &mut Reader<'_>) -> Result<Option<Uuid>, DomainError> {
        let Some(name) = r.text("consultant") else {
            return Ok(None);
        };
        if self.staff.is_none() {
            let mut staff = HashMap::new();
            let center = Scope::Center(self.import.center_id);
            let users = every_page(|req| self.services.store.users(center, req), |u| u.id)?;
            for u in users
                .iter()
                .filter(|u| u.active && policy::can_do_case_work(u.role))
            {
                staff.insert(crate::kana::fold(&u.display_name), u.id);
                staff.insert(crate::kana::fold(&u.login), u.id);
            }
            self.staff = Some(staff);
        }
        let found = self
            .staff
            .as_ref()
            .and_then(|s| s.get(&crate::kana::fold(&name)).copied());
        if found.is_none() {
            r.problem(
                "consultant",
                "unknown_consultant",
                format!("担当者「{name}」はこのセンターの相談員にいません（値の対応で職員を指定してください）"),
                Some(name),
            );
        }
        Ok(found)
    }

    fn referral(&mut self, r: &mut Reader<'_>) -> Result<Option<Planned>, DomainError> {
        let row = rows::referral_row(r);
        let mut input = row.input;
        if let Err(DomainError::Validation(errors)) =
            crate::cases::check_new_referral(&input, self.today)
        {
            r.refused(&errors);
        }
        let patient = self.patient_of(r)?;
        if patient.is_none() && r.text("patient_key").is_none() && r.text("case_number").is_none() {
            r.problem(
                "patient_key",
                "required",
                "紹介する相談者（「相談者番号」か「ケース番号」）が空です".to_owned(),
                None,
            );
        }
        let agency = match row.agency.as_deref() {
            Some(name) => self.agency_of(r, name)?,
            None => None,
        };
        input.consultant_id = self.consultant_of(r)?;
        let level = crate::values::Level::parse("level", &input.level).ok();
        let referred_on = row.referred_on;
        let (Some(patient), Some(agency), Some(level), Some(referred_on)) =
            (patient, agency, level, referred_on)
        else {
            return Ok(None);
        };
        input.patient_id = patient;
        input.agency_id = agency.id;
        // From phone mediation up the patient's data goes to the agency: a consent in force
        // that day, or the day the 台帳 says it was given (recorded by the commit).
        let mut consent = None;
        if level.passes_data()
            && !self.consent_in_force(patient, agency.agency_type, referred_on)?
        {
            match row.consent_given_on {
                None => r.problem(
                    "consent_given_on",
                    "consent_required",
                    "この対応レベルでは紹介先に相談者の情報を渡すので、紹介日に有効な同意が必要です（「同意日」の列を対応させるか、先に同意を記録してください）".to_owned(),
                    None,
                ),
                Some(d) if d > referred_on => r.problem(
                    "consent_given_on",
                    "consent_after_referral",
                    "「同意日」が紹介日より後です".to_owned(),
                    Some(d.to_string()),
                ),
                Some(d) => {
                    if self.consent_by_patient(patient, d)? {
                        consent = Some(d);
                    } else {
                        r.problem(
                            "consent_given_on",
                            "consent_by_guardian",
                            "この日の相談者は保護者の同意が必要な年齢です。保護者の同意は先にTsunaguで記録してください".to_owned(),
                            Some(d.to_string()),
                        );
                    }
                }
            }
        }
        let closing = match (row.closed_on, row.outcome) {
            (None, None) => None,
            (None, Some(_)) => {
                r.problem(
                    "closed_on",
                    "required",
                    "「結果」は紹介を終了した日（「終了日」）と一緒に書いてください".to_owned(),
                    None,
                );
                None
            }
            (Some(closed_on), outcome) => {
                match crate::cases::check_closing(
                    level,
                    referred_on,
                    outcome.as_deref(),
                    closed_on,
                    self.today,
                    0,
                ) {
                    Ok(()) => outcome.map(|o| (o, closed_on)),
                    Err(DomainError::Validation(errors)) => {
                        r.refused(&errors);
                        None
                    }
                    Err(DomainError::Rule { .. }) => {
                        r.problem(
                            "closed_on",
                            "follow_up_required",
                            "フォローアップ付きの紹介は、フォローアップを取り込むときに終了します（フォローアップ台帳の「紹介の終了」）".to_owned(),
                            Some(closed_on.to_string()),
                        );
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        Ok(Some(Planned::Referral {
            input,
            consent: consent.map(|d| (d, agency.agency_type)),
            closing,
        }))
    }

    fn follow_up(&mut self, r: &mut Reader<'_>) -> Result<Option<Planned>, DomainError> {
        let row = rows::follow_up_row(r);
        let referral = self.referral_of(r)?;
        let assignee = self.consultant_of(r)?;
        let (Some(referral), Some(due_on)) = (referral, row.due_on) else {
            return Ok(None);
        };
        let done = row.record.done_on.is_some();
        if let Err(DomainError::Validation(errors)) =
            crate::cases::check_record(due_on, &row.record, self.today)
        {
            r.refused(&errors);
        }
        if referral.status == crate::values::ReferralStatus::Closed
            || self.closed.contains(&referral.id)
        {
            let key = r.text("referral_key");
            r.problem(
                "referral_key",
                "referral_closed",
                "この紹介は終了しています（終了日を外して紹介を取り込み、フォローアップの「紹介の終了」で終了してください）".to_owned(),
                key,
            );
        }
        let mut closes = None;
        if row.closes_referral {
            let done_on = row.record.done_on.clone().flatten();
            match done_on.as_deref().and_then(|d| d.parse::<NaiveDate>().ok()) {
                None => r.problem(
                    "closes_referral",
                    "only_when_done",
                    "紹介を終了するのは、実施したフォローアップの行です（「実施日」を書いてください）".to_owned(),
                    None,
                ),
                Some(day) => {
                    match crate::cases::check_closing(
                        referral.level,
                        referral.referred_on,
                        row.record.outcome.as_deref(),
                        day,
                        self.today,
                        1,
                    ) {
                        Ok(()) => {
                            self.closed.insert(referral.id);
                            closes = row.record.outcome.clone();
                        }
                        Err(DomainError::Validation(errors)) => r.refused(&errors),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(Some(Planned::FollowUp {
            referral_id: referral.id,
            due_on,
            record: done.then_some(row.record),
            assignee,
            closes,
        }))
    }

    /// The referral a follow-up row is about, by its row key of an earlier import.
    fn referral_of(
        &mut self,
        r: &mut Reader<'_>,
    ) -> Result<Option<crate::entities::Referral>, DomainError> {
        let center = self.import.center_id;
        let Some(k) = r.text("referral_key") else {
            r.required("referral_key", true);
            return Ok(None);
        };
        let key = format!("k:{}", rows::narrow(&k));
        let store = &self.services.store;
        let found = match store.imported_key(center, ImportKind::Referrals, &key)? {
            Some(id) => store.referral(center, id)?,
            None => None,
        };
        if found.is_none() {
            r.problem(
                "referral_key",
                "referral_not_found",
                format!("紹介「{k}」が取り込まれていません（先に紹介台帳を取り込んでください）"),
                Some(k),
            );
        }
        Ok(found)
    }

    /// The agency a referral row names: one of the center's agencies by its name, or by a
    /// word for its kind (「HW」, 「ナカポツ」) when the center has exactly one of that kind.
    fn agency_of(
        &mut self,
        r: &mut Reader<'_>,
        name: &str,
    ) -> Result<Option<crate::entities::Agency>, DomainError> {
        if self.agencies.is_none() {
            let center = Scope::Center(self.import.center_id);
            let all = every_page(
                |req| self.services.store.agencies(center, None, req),
                |a| a.id,
            )?;
            self.agencies = Some(all);
        }
        let agencies = self.agencies.as_deref().unwrap_or_default();
        let folded = crate::kana::fold(name);
        let by_name = agencies
            .iter()
            .find(|a| crate::kana::fold(&a.name) == folded);
        let found = match by_name {
            Some(a) => Some(a),
            None => {
                let of_kind: Vec<&crate::entities::Agency> = fields::agency_type_of(name)
                    .map(|t| {
                        agencies
                            .iter()
                            .filter(|a| a.active && a.agency_type == t)
                            .collect()
                    })
                    .unwrap_or_default();
                match of_kind.as_slice() {
                    [one] => Some(*one),
                    [] => None,
                    _ => {
                        r.problem(
                            "agency",
                            "agency_ambiguous",
                            format!("「{name}」に当たる紹介先が複数あります（値の対応で紹介先の名前を指定してください）"),
                            Some(name.to_owned()),
                        );
                        return Ok(None);
                    }
                }
            }
        };
        match found {
            None => {
                r.problem(
                    "agency",
                    "unknown_agency",
                    format!("紹介先「{name}」が登録されていません（先に紹介先を登録するか、値の対応で登録済みの紹介先の名前を指定してください）"),
                    Some(name.to_owned()),
                );
                Ok(None)
            }
            Some(a) if !a.active => {
                r.problem(
                    "agency",
                    "inactive_agency",
                    format!("紹介先「{}」は使用停止です", a.name),
                    Some(name.to_owned()),
                );
                Ok(None)
            }
            Some(a) => Ok(Some(a.clone())),
        }
    }

    /// Whether the patient has a consent in force on `day` covering the agency's kind.
    fn consent_in_force(
        &self,
        patient: Uuid,
        agency_type: crate::values::AgencyType,
        day: NaiveDate,
    ) -> Result<bool, DomainError> {
        Ok(self
            .services
            .store
            .consents(self.import.center_id, patient)?
            .iter()
            .any(|c| c.allows_provision(agency_type, day)))
    }

    /// Whether the patient could give consent themselves on `day`: the import records a
    /// 台帳's consent as the patient's own; a child's is recorded in Tsunagu, with its guardian.
    fn consent_by_patient(&self, patient: Uuid, day: NaiveDate) -> Result<bool, DomainError> {
        let store = &self.services.store;
        let center = self.import.center_id;
        let Some(p) = store.patient(center, patient)? else {
            return Ok(false);
        };
        let assent_age = store
            .center(center)?
            .map_or(crate::values::DEFAULT_CHILD_ASSENT_AGE, |c| {
                c.child_assent_age
            });
        let giver = crate::cases::Giver {
            given_by: crate::values::GivenBy::SelfGiven,
            guardian_name: None,
            guardian_relationship: None,
            child_assent: false,
        };
        Ok(crate::cases::check_giver(
            &giver,
            crate::cases::age_on(p.birth_date, day),
            p.program,
            assent_age,
        )
        .is_ok())
    }

    fn finish(self) -> (ImportCounts, Vec<Problem>, Vec<Duplicate>) {
        (self.counts, self.problems, self.duplicates)
    }
}

/// Writes the rows of a commit, inside its transaction, through the same use cases as the
/// API (so each record gets the same rules, rows, rollups and audit event).
struct Writer<'a> {
    imports: Imports<'a>,
    ctx: &'a Ctx,
    import: &'a Import,
    decisions: &'a HashMap<i32, Duplicate>,
    checker: Checker<'a>,
    counts: ImportCounts,
}

impl Writer<'_> {
    fn row(&mut self, table: &Table, i: usize) -> Result<(), DomainError> {
        let Some(plan) = self.checker.plan(table, i)? else {
            return Ok(());
        };
        if plan.already {
            self.counts.already_imported += 1;
            return Ok(());
        }
        let Some(planned) = plan.planned else {
            // Invalid now: the commit was asked with skip_invalid, or the data changed since
            // the check, which the check's counts then no longer match (see finish).
            self.counts.skipped += 1;
            return Ok(());
        };
        let (center, kind, id) = (self.import.center_id, self.import.kind, self.import.id);
        let store = &self.imports.store;
        let decision = self.decisions.get(&plan.row);
        let record = match (planned, decision.and_then(|d| d.action)) {
            (_, Some(DuplicateAction::Skip)) => {
                self.counts.skipped += 1;
                return Ok(());
            }
            (Planned::Patient { .. }, Some(DuplicateAction::Merge)) => {
                let Some(target) = decision.and_then(|d| d.patient_id) else {
                    return Err(DomainError::rule(
                        "duplicates_undecided",
                        format!("row {}: no patient to merge into", plan.row),
                    ));
                };
                self.counts.merged += 1;
                target
            }
            (Planned::Patient { input, registered }, _) => {
                if decision.is_none() && self.checker.duplicates.iter().any(|d| d.row == plan.row) {
                    return Err(DomainError::rule(
                        "duplicates_undecided",
                        format!(
                            "{}行目は登録済みの相談者と重複の可能性があります。確認してからもう一度取り込んでください",
                            plan.row
                        ),
                    ));
                }
                let p = self
                    .imports
                    .patients()
                    .create_registered(self.ctx, input, registered)?;
                self.counts.created += 1;
                p.id
            }
            (Planned::Consultation(input), _) => {
                let c = self.imports.consultations().create(self.ctx, input)?;
                self.counts.created += 1;
                c.id
            }
            (
                Planned::Referral {
                    input,
                    consent,
                    closing,
                },
                _,
            ) => {
                let id = self.referral(input, consent, closing)?;
                self.counts.created += 1;
                id
            }
            (
                Planned::FollowUp {
                    referral_id,
                    due_on,
                    record,
                    assignee,
                    closes,
                },
                _,
            ) => {
                let id = self.follow_up(referral_id, due_on, record, assignee, closes)?;
                self.counts.created += 1;
                id
            }
        };
        store.insert_imported_key(center, kind, &plan.key, record, id)?;
        Ok(())
    }

    /// A referral through the API's use case: its consent first when the 台帳 gives one and
    /// none is in force, then the referral (with its provision and first follow-up), then its
    /// end.
    fn referral(
        &self,
        input: crate::cases::ReferralInput,
        consent: Option<(NaiveDate, crate::values::AgencyType)>,
        closing: Option<(String, NaiveDate)>,
    ) -> Result<Uuid, DomainError> {
        let ctx = self.ctx;
        let patient = input.patient_id;
        let referred_on = input
            .referred_on
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok());
        if let (Some((given_on, agency_type)), Some(day)) = (consent, referred_on)
            // An earlier row of this file may have recorded it already.
            && !self.checker.consent_in_force(patient, agency_type, day)?
        {
            let scope = if agency_type == crate::values::AgencyType::Other {
                crate::values::ConsentScope::AllAgencies
            } else {
                crate::values::ConsentScope::EmploymentAgencies
            };
            self.imports.consents().create(
                ctx,
                patient,
                crate::cases::ConsentInput {
                    given_on: given_on.to_string(),
                    scope: scope.as_str().to_owned(),
                    notes: Some("台帳から取込".to_owned()),
                    ..crate::cases::ConsentInput::default()
                },
            )?;
        }
        let r = self.imports.referrals().create(ctx, input)?;
        if self.import.mapping.past_as_not_recorded() {
            self.leave_past_unrecorded(r.center_id, r.id)?;
        }
        if let Some((outcome, closed_on)) = closing {
            self.imports.referrals().update(
                ctx,
                r.id,
                crate::if_match::IfMatch::Any,
                crate::cases::ReferralUpdate {
                    status: Some("closed".to_owned()),
                    outcome: Some(outcome),
                    closed_on: Some(closed_on.to_string()),
                    ..crate::cases::ReferralUpdate::default()
                },
            )?;
        }
        Ok(r.id)
    }

    /// The referral's open follow-ups due before today, out of the queue as not recorded.
    fn leave_past_unrecorded(&self, center: Uuid, referral: Uuid) -> Result<(), DomainError> {
        let today = self.checker.today;
        let follow_ups = self.imports.follow_ups();
        for f in follow_ups.unfilled(center, referral)? {
            if f.is_open() && f.due_on < today {
                follow_ups.leave_unrecorded(self.ctx, &f)?;
            }
        }
        Ok(())
    }

    /// A follow-up row fills the referral's first follow-up still to fill (the one its level
    /// scheduled, or one an earlier import left as not recorded), else a new one: due on the
    /// row's day, recorded when the row says it was done, and closing the referral when the
    /// row says so. Through the API's use cases, so its rules, events and rollups hold.
    fn follow_up(
        &self,
        referral_id: Uuid,
        due_on: NaiveDate,
        record: Option<crate::cases::FollowUpUpdate>,
        assignee: Option<Uuid>,
        closes: Option<String>,
    ) -> Result<Uuid, DomainError> {
        let ctx = self.ctx;
        let center = self.import.center_id;
        let follow_ups = self.imports.follow_ups();
        let target = match follow_ups.unfilled(center, referral_id)?.into_iter().next() {
            Some(f) if f.not_recorded => follow_ups.reopen_unrecorded(ctx, &f)?,
            Some(f) => f,
            None => {
                follow_ups
                    .create(
                        ctx,
                        referral_id,
                        crate::cases::FollowUpInput {
                            due_on: due_on.to_string(),
                            assignee_id: assignee,
                            notes: None,
                        },
                    )?
                    .follow_up
            }
        };
        let done_on = record.as_ref().and_then(|x| x.done_on.clone().flatten());
        let mut change = record.unwrap_or_default();
        if target.due_on != due_on {
            change.due_on = Some(due_on.to_string());
        }
        if let Some(a) = assignee.filter(|a| *a != target.assignee_id) {
            change.assignee_id = Some(a);
        }
        let mut current = target.clone();
        if change.due_on.is_some() || change.assignee_id.is_some() || change.done_on.is_some() {
            current = follow_ups
                .update_imported(
                    ctx,
                    target.id,
                    crate::if_match::IfMatch::Version(target.version),
                    change,
                )?
                .follow_up;
        }
        if current.is_open()
            && current.due_on < self.checker.today
            && self.import.mapping.past_as_not_recorded()
        {
            follow_ups.leave_unrecorded(ctx, &current)?;
        }
        if let (Some(outcome), Some(done_on)) = (closes, done_on) {
            self.imports.referrals().update(
                ctx,
                referral_id,
                crate::if_match::IfMatch::Any,
                crate::cases::ReferralUpdate {
                    status: Some("closed".to_owned()),
                    outcome: Some(outcome),
                    closed_on: Some(done_on),
                    ..crate::cases::ReferralUpdate::default()
                },
            )?;
        }
        Ok(target.id)
    }

    fn finish(mut self) -> Result<ImportCounts, DomainError> {
        // What the rows are, as found again while writing; what became of them, as written.
        let seen = self.checker.counts;
        self.counts.rows = seen.rows;
        self.counts.valid = seen.valid;
        self.counts.invalid = seen.invalid;
        self.counts.duplicates = seen.duplicates;
        let skipped_invalid = seen.invalid;
        if skipped_invalid > 0 && !self.import.skip_invalid {
            return Err(DomainError::rule(
                "import_has_errors",
                format!(
                    "チェックの後で{skipped_invalid}行がエラーになりました。もう一度チェックしてください"
                ),
            ));
        }
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_with_an_unknown_field_or_code_is_refused() {
        let mut m = ImportMapping::default();
        m.columns.insert("nmae".into(), "氏名".into());
        let err = check_mapping(ImportKind::Patients, &m).unwrap_err();
        assert!(matches!(err, DomainError::Validation(ref f) if f[0].code == "unknown_field"));
        let mut m = ImportMapping::default();
        m.values
            .insert("sex".into(), BTreeMap::from([("F".into(), "woman".into())]));
        assert!(check_mapping(ImportKind::Patients, &m).is_err());
        let mut m = ImportMapping::default();
        m.values.insert(
            "sex".into(),
            BTreeMap::from([("F".into(), "female".into())]),
        );
        m.defaults.insert("program".into(), "nanbyo".into());
        assert!(check_mapping(ImportKind::Patients, &m).is_ok());
    }

    #[test]
    fn every_kind_is_imported_and_past_follow_ups_belong_to_referrals_and_follow_ups() {
        for k in ImportKind::ALL {
            assert!(kind_of(k.as_str()).is_ok());
            assert!(!fields::fields(*k).is_empty());
        }
        assert!(matches!(kind_of("people"), Err(DomainError::Validation(_))));
        let m = ImportMapping {
            past_follow_ups: Some("not_recorded".into()),
            ..ImportMapping::default()
        };
        assert!(m.past_as_not_recorded());
        assert!(check_mapping(ImportKind::FollowUps, &m).is_ok());
        assert!(check_mapping(ImportKind::Referrals, &m).is_ok());
        assert!(check_mapping(ImportKind::Patients, &m).is_err());
        let m = ImportMapping {
            past_follow_ups: Some("forgotten".into()),
            ..ImportMapping::default()
        };
        assert!(check_mapping(ImportKind::FollowUps, &m).is_err());
        assert!(!ImportMapping::default().past_as_not_recorded());
    }

    #[test]
    fn the_mapping_round_trips_as_json() {
        let mut m = ImportMapping::default();
        m.columns.insert("name".into(), "氏名".into());
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<ImportMapping>(&s).unwrap(), m);
        // A mapping stored before `defaults` existed still reads.
        assert!(serde_json::from_str::<ImportMapping>(r#"{"columns":{}}"#).is_ok());
    }
}
