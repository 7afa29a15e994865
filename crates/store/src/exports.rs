//! Bulk exports: the recorded requests, and the center's case records in keyset pages by id
//! for the file (see `tsunagu_domain::exchange::export`).

use crate::DieselStore;
use crate::audit::append_event;
use crate::consents::ConsentRow;
use crate::consultations::ConsultationRow;
use crate::error::{R, StoreError};
use crate::follow_ups::FollowUpRow;
use crate::patients::PatientRow;
use crate::referral_rows::ReferralRow;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::{consents, consultations, exports, follow_ups, patients, referrals};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::BTreeMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::exchange::export::{
    Export, ExportFormat, ExportState, RecordKind, Records, RowCounts,
};
use tsunagu_domain::ports::{ExportStore, StoreResult};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = exports)]
struct ExportRow {
    id: String,
    center_id: String,
    format: String,
    kind: Option<String>,
    state: String,
    counts: String,
    written: Option<String>,
    downloads: i32,
    requested_by: String,
    created_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
    version: i32,
}

/// Rows per kind as stored: a JSON object by kind name.
fn counts_text(counts: &[(RecordKind, i64)]) -> String {
    let map: BTreeMap<&str, i64> = counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
}

fn counts_of(field: &str, s: &str) -> Result<RowCounts, DomainError> {
    let map: BTreeMap<String, i64> = serde_json::from_str(s)
        .map_err(|_| DomainError::Internal(format!("stored {field} is not a count map")))?;
    let mut out = Vec::with_capacity(map.len());
    for (k, n) in map {
        out.push((choice(field, RecordKind::from_db(&k))?, n));
    }
    out.sort_by_key(|(k, _)| *k);
    Ok(out)
}

impl ExportRow {
    fn from_entity(e: &Export) -> Self {
        Self {
            id: e.id.to_string(),
            center_id: e.center_id.to_string(),
            format: e.format.as_str().to_owned(),
            kind: e.kind.map(|k| k.as_str().to_owned()),
            state: e.state.as_str().to_owned(),
            counts: counts_text(&e.counts),
            written: e.written.as_deref().map(counts_text),
            downloads: e.downloads,
            requested_by: e.requested_by.to_string(),
            created_at: naive(e.created_at),
            completed_at: e.completed_at.map(naive),
            version: e.version,
        }
    }

    fn into_entity(self) -> Result<Export, DomainError> {
        Ok(Export {
            id: uuid("exports.id", &self.id)?,
            center_id: uuid("exports.center_id", &self.center_id)?,
            format: choice("exports.format", ExportFormat::from_db(&self.format))?,
            kind: self
                .kind
                .as_deref()
                .map(|k| choice("exports.kind", RecordKind::from_db(k)))
                .transpose()?,
            state: choice("exports.state", ExportState::from_db(&self.state))?,
            counts: counts_of("exports.counts", &self.counts)?,
            written: self
                .written
                .as_deref()
                .map(|w| counts_of("exports.written", w))
                .transpose()?,
            downloads: self.downloads,
            requested_by: uuid("exports.requested_by", &self.requested_by)?,
            created_at: utc(self.created_at),
            completed_at: self.completed_at.map(utc),
            version: self.version,
        })
    }
}

/// One page of a kind's records, by id after `after`. Every query is scoped to the center.
fn page(
    conn: &mut crate::db::DbConn,
    center: &str,
    kind: RecordKind,
    after: Option<String>,
    limit: i64,
) -> R<Records> {
    Ok(match kind {
        RecordKind::Patients => {
            let mut q = patients::table
                .filter(patients::center_id.eq(center))
                // A record merged into another is the same person: exported once.
                .filter(patients::merged_into.is_null())
                .order(patients::id.asc())
                .limit(limit)
                .select(PatientRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(patients::id.gt(a));
            }
            Records::Patients(convert(q.load(conn)?, PatientRow::into_entity)?)
        }
        RecordKind::Consultations => {
            let mut q = consultations::table
                .filter(consultations::center_id.eq(center))
                .order(consultations::id.asc())
                .limit(limit)
                .select(ConsultationRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(consultations::id.gt(a));
            }
            Records::Consultations(convert(q.load(conn)?, ConsultationRow::into_entity)?)
        }
        RecordKind::Referrals => {
            let mut q = referrals::table
                .filter(referrals::center_id.eq(center))
                .order(referrals::id.asc())
                .limit(limit)
                .select(ReferralRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(referrals::id.gt(a));
            }
            Records::Referrals(convert(q.load(conn)?, ReferralRow::into_entity)?)
        }
        RecordKind::FollowUps => {
            let mut q = follow_ups::table
                .filter(follow_ups::center_id.eq(center))
                .order(follow_ups::id.asc())
                .limit(limit)
                .select(FollowUpRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(follow_ups::id.gt(a));
            }
            Records::FollowUps(convert(q.load(conn)?, FollowUpRow::into_entity)?)
        }
        RecordKind::Consents => {
            let mut q = consents::table
                .filter(consents::center_id.eq(center))
                .order(consents::id.asc())
                .limit(limit)
                .select(ConsentRow::as_select())
                .into_boxed();
            if let Some(a) = after {
                q = q.filter(consents::id.gt(a));
            }
            Records::Consents(convert(q.load(conn)?, ConsentRow::into_entity)?)
        }
    })
}

fn count(conn: &mut crate::db::DbConn, center: &str, kind: RecordKind) -> R<i64> {
    Ok(match kind {
        RecordKind::Patients => patients::table
            .filter(patients::center_id.eq(center))
            .filter(patients::merged_into.is_null())
            .count()
            .get_result(conn)?,
        RecordKind::Consultations => consultations::table
            .filter(consultations::center_id.eq(center))
            .count()
            .get_result(conn)?,
        RecordKind::Referrals => referrals::table
            .filter(referrals::center_id.eq(center))
            .count()
            .get_result(conn)?,
        RecordKind::FollowUps => follow_ups::table
            .filter(follow_ups::center_id.eq(center))
            .count()
            .get_result(conn)?,
        RecordKind::Consents => consents::table
            .filter(consents::center_id.eq(center))
            .count()
            .get_result(conn)?,
    })
}

impl ExportStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %e.center_id, id = %e.id))]
    fn insert_export(&self, e: &Export, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(exports::table)
                .values(ExportRow::from_entity(e))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn export(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Export>> {
        self.read(|conn| {
            let row: Option<ExportRow> = exports::table
                .filter(exports::id.eq(id.to_string()))
                .filter(exports::center_id.eq(center.to_string()))
                .select(ExportRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(ExportRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn complete_export(
        &self,
        center: Uuid,
        id: Uuid,
        written: &[(RecordKind, i64)],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|conn| {
            let n = diesel::update(
                exports::table
                    .filter(exports::id.eq(id.to_string()))
                    .filter(exports::center_id.eq(center.to_string())),
            )
            .set((
                exports::state.eq(ExportState::Completed.as_str()),
                exports::written.eq(Some(counts_text(written))),
                exports::downloads.eq(exports::downloads + 1),
                exports::completed_at.eq(Some(naive(at))),
                exports::version.eq(exports::version + 1),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(StoreError::Domain(DomainError::NotFound));
            }
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, kind = kind.as_str()))]
    fn count_export_records(&self, center: Uuid, kind: RecordKind) -> StoreResult<i64> {
        self.read(|conn| count(conn, &center.to_string(), kind))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, kind = kind.as_str()))]
    fn export_page(
        &self,
        center: Uuid,
        kind: RecordKind,
        after: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Records> {
        self.read(|conn| {
            page(
                conn,
                &center.to_string(),
                kind,
                after.map(|a| a.to_string()),
                limit,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_back_in_kind_order() {
        let c = vec![(RecordKind::Patients, 3), (RecordKind::Consents, 0)];
        let text = counts_text(&c);
        assert_eq!(text, r#"{"consents":0,"patients":3}"#);
        assert_eq!(counts_of("x", &text).unwrap(), c);
    }
}
