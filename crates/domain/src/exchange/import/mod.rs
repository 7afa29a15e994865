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
/// its progress cannot be read from the database until it is over; the replica running it
/// answers it from here (another replica shows the state and the rows total).
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
/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

crate::facade!(
    /// Importing a center's 台帳: `services.imports()`.
    Imports,
    imports
);

fn kind_of(raw: &str) -> Result<ImportKind, DomainError> {
    let kind = ImportKind::parse("kind", raw).map_err(|e| DomainError::Validation(vec![e]))?;
    if fields::fields(kind).is_empty() {
        return Err(DomainError::rule(
            "kind_not_supported",
            format!(
                "importing {} is not supported yet; import patients and consultations",
                kind.as_str()
            ),
        ));
    }
    Ok(kind)
}

/// The fields a kind of import fills in; none for a kind not imported yet (which is how a
/// client tells which kinds it can offer).
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
    v.finish()
}

impl Imports<'_> {
    /// Stores the upload and starts its dry run. The mapping is the one given, else the
    /// center's mapping of its last import of the kind, else one guessed from the headers.
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
                Some(m) => {
                    check_mapping(kind, &m)?;
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
                if (i + 1) % 100 == 0 {
                    runs.set(import.id, Some(i32::try_from(i + 1).unwrap_or(i32::MAX)));
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
            ImportKind::Referrals | ImportKind::FollowUps => None,
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
            let mut after = None;
            loop {
                let page = self.services.store.users(
                    Scope::Center(self.import.center_id),
                    crate::page::PageRequest {
                        limit: 200,
                        after,
                        after_key: None,
                        updated_since: None,
                    },
                )?;
                for u in &page.items {
                    if u.active && policy::can_do_case_work(u.role) {
                        staff.insert(crate::kana::fold(&u.display_name), u.id);
                        staff.insert(crate::kana::fold(&u.login), u.id);
                    }
                }
                after = page.items.last().map(|u| u.id);
                if page.next_cursor.is_none() {
                    break;
                }
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
        };
        store.insert_imported_key(center, kind, &plan.key, record, id)?;
        Ok(())
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
    fn kinds_not_yet_imported_say_so() {
        assert!(kind_of("patients").is_ok());
        assert!(matches!(
            kind_of("referrals"),
            Err(DomainError::Rule {
                code: "kind_not_supported",
                ..
            })
        ));
        assert!(matches!(kind_of("people"), Err(DomainError::Validation(_))));
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
