//! Safe retries: the claim on a caller's key, the mark a change leaves in its own
//! transaction, and the sealed answer (see `tsunagu_domain::idempotency` for the protocol).

use crate::DieselStore;
use crate::db::DbConn;
use crate::error::{R, StoreError};
use crate::rows::{naive, utc};
use crate::schema::idempotency_keys::dsl as k;
use crate::sealed::idempotency_context;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::{AuditDraft, Outcome};
use tsunagu_domain::idempotency::IdempotencyClaim;
use tsunagu_domain::ports::{
    CommittedChange, IdempotencyBegin, IdempotencyStore, StoreResult, StoredResponse,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = crate::schema::idempotency_keys)]
struct KeyRow {
    request_hash: String,
    state: String,
    lease_until: NaiveDateTime,
    action: Option<String>,
    resource_type: Option<String>,
    resource_id: Option<String>,
    status: Option<i32>,
    content_type: Option<String>,
    location: Option<String>,
    etag: Option<String>,
    body: Option<String>,
}

fn taken_over() -> StoreError {
    StoreError::Domain(DomainError::conflict(
        "idempotency_in_progress",
        "another attempt with this Idempotency-Key took it over; retry to get its answer",
    ))
}

/// Marks the request's key committed with the record its change made, inside the change's
/// transaction (called by the audit append, which every change goes through). The mark is
/// made only under the claim the request started with: if a retry took the key over after
/// the lease ran out, this change rolls back instead of committing a second time.
pub(crate) fn mark_committed(conn: &mut DbConn, drafts: &[AuditDraft]) -> R<()> {
    let Some((d, claim)) = drafts.iter().find_map(|d| {
        d.idempotency
            .as_ref()
            .filter(|_| d.outcome == Outcome::Success)
            .map(|c| (d, c))
    }) else {
        return Ok(());
    };
    let mine = k::idempotency_keys
        .filter(k::caller.eq(&claim.caller))
        .filter(k::key.eq(&claim.key))
        .filter(k::claim.eq(&claim.token));
    let n = diesel::update(mine.filter(k::state.eq("in_progress")))
        .set((
            k::state.eq("committed"),
            k::action.eq(Some(d.action.as_str())),
            k::resource_type.eq(Some(d.action.resource_type())),
            k::resource_id.eq(&d.resource_id),
        ))
        .execute(conn)?;
    if n == 1 {
        return Ok(());
    }
    // A request whose change spans several transactions marked the key in the first one.
    let already: i64 = mine.count().get_result(conn)?;
    if already == 1 {
        Ok(())
    } else {
        Err(taken_over())
    }
}

impl IdempotencyStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all)]
    fn idempotency_begin(
        &self,
        claim: &IdempotencyClaim,
        request_hash: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin> {
        let (caller, key) = (claim.caller.as_str(), claim.key.as_str());
        let found = self.write(|c| {
            let this = || {
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key))
            };
            diesel::delete(this().filter(k::created_at.lt(naive(expired_before)))).execute(c)?;
            let row: Option<KeyRow> = this().select(KeyRow::as_select()).first(c).optional()?;
            let Some(row) = row else {
                diesel::insert_into(k::idempotency_keys)
                    .values((
                        k::caller.eq(caller),
                        k::key.eq(key),
                        k::request_hash.eq(request_hash),
                        k::state.eq("in_progress"),
                        k::claim.eq(&claim.token),
                        k::lease_until.eq(naive(lease_until)),
                        k::created_at.eq(naive(now)),
                    ))
                    .execute(c)?;
                return Ok(IdempotencyBegin::Started(claim.clone()));
            };
            let lease = utc(row.lease_until);
            if row.state == "in_progress" && lease > now {
                let secs = (lease - now).num_seconds().max(1);
                return Ok(IdempotencyBegin::InProgress {
                    retry_after_secs: u64::try_from(secs).unwrap_or(1),
                });
            }
            if row.request_hash != request_hash {
                return Ok(IdempotencyBegin::Mismatch);
            }
            let answer = |row: &KeyRow| -> R<Option<StoredResponse>> {
                let Some(status) = row.status else {
                    return Ok(None);
                };
                let body = row
                    .body
                    .as_deref()
                    .map(|b| self.open(&idempotency_context(caller, key), b))
                    .transpose()?;
                Ok(Some(StoredResponse {
                    status: u16::try_from(status).unwrap_or(200),
                    content_type: row.content_type.clone(),
                    location: row.location.clone(),
                    etag: row.etag.clone(),
                    body,
                }))
            };
            let change = row.action.clone().map(|action| CommittedChange {
                action,
                resource_type: row.resource_type.clone().unwrap_or_default(),
                resource_id: row.resource_id.clone(),
            });
            if row.state == "done" && (row.body.is_some() || change.is_none()) {
                // A kept answer, or one that changed nothing (a refusal, an empty answer).
                let stored = answer(&row)?.unwrap_or(StoredResponse {
                    status: 200,
                    content_type: None,
                    location: None,
                    etag: None,
                    body: None,
                });
                return Ok(IdempotencyBegin::Replay(stored));
            }
            if let Some(change) = change {
                // Committed, but the answer is not kept: it carried a secret, or the process
                // died between the commit and storing it.
                return Ok(IdempotencyBegin::Committed {
                    answer: answer(&row)?,
                    change,
                });
            }
            // The lease ran out and nothing committed (the change would have marked the key
            // in its own transaction): the attempt died, so this one goes ahead under a new
            // claim, which fences the old one out should it still be running.
            diesel::update(this())
                .set((
                    k::state.eq("in_progress"),
                    k::claim.eq(&claim.token),
                    k::lease_until.eq(naive(lease_until)),
                ))
                .execute(c)?;
            Ok(IdempotencyBegin::Started(claim.clone()))
        });
        // Two first uses at the same instant: the loser sees the winner's claim.
        match found {
            Err(DomainError::Conflict { .. }) => Ok(IdempotencyBegin::InProgress {
                retry_after_secs: 1,
            }),
            other => other,
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(status = r.status))]
    fn idempotency_finish(&self, claim: &IdempotencyClaim, r: &StoredResponse) -> StoreResult<()> {
        let body = r
            .body
            .as_deref()
            .map(|b| self.seal(&idempotency_context(&claim.caller, &claim.key), b));
        self.write(|c| {
            diesel::update(
                k::idempotency_keys
                    .filter(k::caller.eq(&claim.caller))
                    .filter(k::key.eq(&claim.key))
                    .filter(k::claim.eq(&claim.token)),
            )
            .set((
                k::state.eq("done"),
                k::status.eq(Some(i32::from(r.status))),
                k::content_type.eq(&r.content_type),
                k::location.eq(&r.location),
                k::etag.eq(&r.etag),
                k::body.eq(body),
            ))
            .execute(c)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn idempotency_abandon(&self, claim: &IdempotencyClaim) -> StoreResult<()> {
        self.write(|c| {
            // Only a claim that changed nothing is forgotten: a committed change keeps its
            // mark, so the retry answers it instead of repeating it.
            diesel::delete(
                k::idempotency_keys
                    .filter(k::caller.eq(&claim.caller))
                    .filter(k::key.eq(&claim.key))
                    .filter(k::claim.eq(&claim.token))
                    .filter(k::state.eq("in_progress")),
            )
            .execute(c)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn idempotency_purge(&self, expired_before: DateTime<Utc>) -> StoreResult<usize> {
        self.write(|c| {
            Ok(
                diesel::delete(k::idempotency_keys.filter(k::created_at.lt(naive(expired_before))))
                    .execute(c)?,
            )
        })
    }
}
