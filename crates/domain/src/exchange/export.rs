//! The bulk export of a center's case data (issue 19): patients, consultations, referrals,
//! follow-ups and consents, as CSV (one kind per file), an .xlsx workbook (a sheet per kind)
//! or one JSON document, for the center's supervisor.
//!
//! **What is kept, and why.** `POST /exports` records the request (an `exports` row: who,
//! which format and kind, when, and how many rows each kind had then) and audits it; the
//! file is produced from the live records while `GET /exports/{id}/file` streams it, read
//! in keyset pages, and the row counts it wrote are recorded when it completes. The file is
//! never stored: a finished file would be a second, unencrypted copy of every patient's data
//! at rest, with its own retention and deletion to get right, and on a replica's disk it
//! would be reachable from that replica only. The row in the database is all there is, so
//! any replica answers the state and produces the file. A download reads each page in its
//! own short query (no connection, lock or snapshot is held while a slow client reads), so
//! a record changed during a download appears as it was when its page was read; a record
//! created after the request may appear, one deleted may not — the counts recorded at the
//! end say exactly what the file held.

use super::Exchange;
use crate::app::Ctx;
use crate::app::Services;
use crate::entities::{Consent, Consultation, FollowUp, Patient, Referral};
use crate::error::{DomainError, FieldError};
use crate::events::Action;
use crate::policy;
use crate::ports::Scope;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// How many records one page reads: large enough that the queries are few, small enough
/// that a page is a few hundred kilobytes whatever the center's size.
pub const PAGE: i64 = 500;

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(FieldError::new(field, "invalid_choice", format!(
                        "must be one of: {}", [$($s),+].join(", ")))),
                }
            }

            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

code_enum!(
    /// The file an export is: CSV (UTF-8 with a BOM, one record kind), an .xlsx workbook
    /// (a sheet per kind) or one JSON document (every kind).
    ExportFormat {
        Csv = "csv",
        Xlsx = "xlsx",
        Json = "json",
    }
);

code_enum!(
    /// The case records an export holds, in the order a workbook or document has them.
    RecordKind {
        Patients = "patients",
        Consultations = "consultations",
        Referrals = "referrals",
        FollowUps = "follow_ups",
        Consents = "consents",
    }
);

code_enum!(
    /// `ready` until a download of the file completed, then `completed` (with the rows it
    /// wrote). The file can be downloaded again either way.
    ExportState {
        Ready = "ready",
        Completed = "completed",
    }
);

/// Rows per record kind, in [`RecordKind`] order.
pub type RowCounts = Vec<(RecordKind, i64)>;

/// A bulk export as recorded: the request, and what its last complete download wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub id: Uuid,
    pub center_id: Uuid,
    pub format: ExportFormat,
    /// The one kind a CSV holds, or the one kind asked for; `None` for every kind.
    pub kind: Option<RecordKind>,
    pub state: ExportState,
    /// Rows per kind when the export was requested.
    pub counts: RowCounts,
    /// Rows per kind the last complete download wrote.
    pub written: Option<RowCounts>,
    pub downloads: i32,
    pub requested_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl Export {
    /// The kinds the file holds, in order.
    pub fn kinds(&self) -> Vec<RecordKind> {
        self.kind
            .map_or_else(|| RecordKind::ALL.to_vec(), |k| vec![k])
    }
}

/// The kinds an export of `format` holds: a CSV is one table, so it names its kind; a
/// workbook or a JSON document holds every kind unless one is asked for.
pub fn kinds_of(
    format: ExportFormat,
    kind: Option<RecordKind>,
) -> Result<Vec<RecordKind>, DomainError> {
    match (format, kind) {
        (_, Some(k)) => Ok(vec![k]),
        (ExportFormat::Csv, None) => Err(DomainError::Validation(vec![FieldError::new(
            "kind",
            "required",
            "a CSV holds one record kind: patients, consultations, referrals, follow_ups or consents",
        )])),
        (_, None) => Ok(RecordKind::ALL.to_vec()),
    }
}

/// The audit detail of an export: its format, kind and rows per kind (never a record's
/// content), e.g. `format=csv; kind=patients; patients=12`.
pub fn audit_detail(
    format: ExportFormat,
    kind: Option<RecordKind>,
    counts: &[(RecordKind, i64)],
) -> String {
    let mut parts = vec![
        format!("format={}", format.as_str()),
        format!("kind={}", kind.map_or("all", RecordKind::as_str)),
    ];
    parts.extend(counts.iter().map(|(k, n)| format!("{}={n}", k.as_str())));
    parts.join("; ")
}

/// One page of records of one kind, oldest first (by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Records {
    Patients(Vec<Patient>),
    Consultations(Vec<Consultation>),
    Referrals(Vec<Referral>),
    FollowUps(Vec<FollowUp>),
    Consents(Vec<Consent>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::Patients(v) => v.len(),
            Records::Consultations(v) => v.len(),
            Records::Referrals(v) => v.len(),
            Records::FollowUps(v) => v.len(),
            Records::Consents(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last record's id: where the next page starts.
    pub fn last_id(&self) -> Option<Uuid> {
        match self {
            Records::Patients(v) => v.last().map(|x| x.id),
            Records::Consultations(v) => v.last().map(|x| x.id),
            Records::Referrals(v) => v.last().map(|x| x.id),
            Records::FollowUps(v) => v.last().map(|x| x.id),
            Records::Consents(v) => v.last().map(|x| x.id),
        }
    }

    /// The patients the records name.
    fn patient_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = match self {
            Records::Patients(_) => Vec::new(),
            Records::Consultations(v) => v.iter().filter_map(|x| x.patient_id).collect(),
            Records::Referrals(v) => v.iter().map(|x| x.patient_id).collect(),
            Records::FollowUps(v) => v.iter().map(|x| x.patient_id).collect(),
            Records::Consents(v) => v.iter().map(|x| x.patient_id).collect(),
        };
        ids.sort();
        ids.dedup();
        ids
    }
}

/// A page with what a reader of the file needs beside the ids: the case numbers of the
/// patients it names, and the names of the agencies.
#[derive(Debug, Clone)]
pub struct RecordPage {
    pub records: Records,
    pub case_numbers: HashMap<Uuid, String>,
    pub agencies: HashMap<Uuid, String>,
}

/// Reads an export's records page by page, for the file being produced. Each call is its
/// own short query on a pooled connection: nothing is held between pages.
pub struct ExportReader {
    services: Services,
    export: Export,
    agencies: HashMap<Uuid, String>,
}

impl ExportReader {
    pub fn export(&self) -> &Export {
        &self.export
    }

    /// Up to [`PAGE`] records of `kind` after `after` (by id), with their labels.
    pub fn page(
        &mut self,
        kind: RecordKind,
        after: Option<Uuid>,
    ) -> Result<RecordPage, DomainError> {
        let center = self.export.center_id;
        let store = &self.services.store;
        let records = store.export_page(center, kind, after, PAGE)?;
        let ids = records.patient_ids();
        let case_numbers = if ids.is_empty() {
            HashMap::new()
        } else {
            store
                .patient_labels(center, &ids)?
                .into_iter()
                .map(|l| (l.id, l.case_number))
                .collect()
        };
        if let Records::Referrals(v) = &records {
            for r in v {
                if self.agencies.contains_key(&r.agency_id) {
                    continue;
                }
                let name = store
                    .agency(Scope::Center(center), r.agency_id)?
                    .map(|a| a.name)
                    .unwrap_or_default();
                self.agencies.insert(r.agency_id, name);
            }
        }
        Ok(RecordPage {
            records,
            case_numbers,
            agencies: self.agencies.clone(),
        })
    }

    /// Records that the file was produced whole, with the rows it wrote per kind.
    pub fn finish(&self, written: &[(RecordKind, i64)]) -> Result<(), DomainError> {
        self.services.store.complete_export(
            self.export.center_id,
            self.export.id,
            written,
            self.services.clock.now(),
        )
    }
}

impl Exchange<'_> {
    /// Requests a bulk export of the caller's center: counts the rows of each kind it will
    /// hold and records the request with its `export.create` event in one transaction.
    #[tracing::instrument(name = "exchange.create_export", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_export(
        &self,
        ctx: &Ctx,
        format: ExportFormat,
        kind: Option<RecordKind>,
    ) -> Result<Export, DomainError> {
        self.guard(ctx, Action::ExportCreate, None, || {
            let center_id = policy::export_center(&ctx.actor)?;
            let kinds = kinds_of(format, kind)?;
            let mut counts = Vec::with_capacity(kinds.len());
            for k in kinds {
                counts.push((k, self.store.count_export_records(center_id, k)?));
            }
            let now = self.clock.now();
            let export = Export {
                id: Uuid::now_v7(),
                center_id,
                format,
                kind,
                state: ExportState::Ready,
                counts,
                written: None,
                downloads: 0,
                requested_by: ctx.actor.user_id,
                created_at: now,
                completed_at: None,
                version: 1,
            };
            let ev = self
                .ev(ctx, Action::ExportCreate)
                .resource(export.id)
                .detail(audit_detail(format, kind, &export.counts));
            self.store.insert_export(&export, &ev)?;
            Ok(export)
        })
    }

    /// An export's state (no personal data: its kind and row counts).
    #[tracing::instrument(name = "exchange.export", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn export(&self, ctx: &Ctx, id: Uuid) -> Result<Export, DomainError> {
        self.guard(ctx, Action::ExportRead, Some(id), || {
            let center_id = policy::export_center(&ctx.actor)?;
            let export = self
                .store
                .export(center_id, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_impersonal_read(self.ev(ctx, Action::ExportRead).resource(id));
            Ok(export)
        })
    }

    /// Opens an export's file for reading: the caller must still be the center's
    /// supervisor, and the `export.download` event (format, kind and the rows each kind
    /// has now) is durable before this returns, so before any of the file is answered.
    #[tracing::instrument(name = "exchange.download_export", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn download_export(&self, ctx: &Ctx, id: Uuid) -> Result<ExportReader, DomainError> {
        self.guard(ctx, Action::ExportDownload, Some(id), || {
            let center_id = policy::export_center(&ctx.actor)?;
            let export = self
                .store
                .export(center_id, id)?
                .ok_or(DomainError::NotFound)?;
            let mut counts = Vec::new();
            for k in export.kinds() {
                counts.push((k, self.store.count_export_records(center_id, k)?));
            }
            self.log_access(
                self.ev(ctx, Action::ExportDownload)
                    .resource(id)
                    .detail(audit_detail(export.format, export.kind, &counts)),
            )?;
            Ok(ExportReader {
                services: (**self).clone(),
                export,
                agencies: HashMap::new(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_names_its_kind_and_the_others_hold_every_kind() {
        assert!(matches!(
            kinds_of(ExportFormat::Csv, None),
            Err(DomainError::Validation(e)) if e[0].field == "kind" && e[0].code == "required"
        ));
        assert_eq!(
            kinds_of(ExportFormat::Csv, Some(RecordKind::Referrals)).unwrap(),
            vec![RecordKind::Referrals]
        );
        for f in [ExportFormat::Xlsx, ExportFormat::Json] {
            assert_eq!(kinds_of(f, None).unwrap(), RecordKind::ALL.to_vec());
            assert_eq!(
                kinds_of(f, Some(RecordKind::Consents)).unwrap(),
                vec![RecordKind::Consents]
            );
        }
    }

    #[test]
    fn the_audit_detail_counts_rows_and_names_no_record() {
        assert_eq!(
            audit_detail(
                ExportFormat::Csv,
                Some(RecordKind::Patients),
                &[(RecordKind::Patients, 12)]
            ),
            "format=csv; kind=patients; patients=12"
        );
        assert_eq!(
            audit_detail(
                ExportFormat::Json,
                None,
                &[(RecordKind::Patients, 2), (RecordKind::FollowUps, 0)]
            ),
            "format=json; kind=all; patients=2; follow_ups=0"
        );
    }

    #[test]
    fn codes_read_back() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::from_db(k.as_str()), Some(*k));
        }
        assert!(RecordKind::parse("kind", "audit").is_err());
        assert_eq!(
            ExportFormat::parse("format", "xlsx"),
            Ok(ExportFormat::Xlsx)
        );
    }
}
