//! Safe retries: the answer to a creating request, kept per caller and key.

use crate::DieselStore;
use crate::rows::naive;
use crate::schema::idempotency_keys::dsl as k;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::ports::{IdempotencyBegin, IdempotencyStore, StoreResult, StoredResponse};

/// A claimed key as read: request hash, state, and the stored answer once done.
type KeyRow = (
    String,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl IdempotencyStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all)]
    fn idempotency_begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin> {
        let found = self.write(|c| {
            diesel::delete(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key))
                    .filter(k::created_at.lt(naive(expired_before))),
            )
            .execute(c)?;
            let row: Option<KeyRow> = k::idempotency_keys
                .filter(k::caller.eq(caller))
                .filter(k::key.eq(key))
                .select((
                    k::request_hash,
                    k::state,
                    k::status,
                    k::content_type,
                    k::location,
                    k::etag,
                    k::body,
                ))
                .first(c)
                .optional()?;
            let Some((hash, state, status, content_type, location, etag, body)) = row else {
                diesel::insert_into(k::idempotency_keys)
                    .values((
                        k::caller.eq(caller),
                        k::key.eq(key),
                        k::request_hash.eq(request_hash),
                        k::state.eq("in_progress"),
                        k::created_at.eq(naive(now)),
                    ))
                    .execute(c)?;
                return Ok(IdempotencyBegin::Started);
            };
            Ok(if state != "done" {
                IdempotencyBegin::InProgress
            } else if hash != request_hash {
                IdempotencyBegin::Mismatch
            } else {
                IdempotencyBegin::Replay(StoredResponse {
                    status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
                    content_type,
                    location,
                    etag,
                    body: body.unwrap_or_default(),
                })
            })
        });
        // Two first uses at the same instant: the loser sees the winner's claim.
        match found {
            Err(DomainError::Conflict { .. }) => Ok(IdempotencyBegin::InProgress),
            other => other,
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(status = r.status))]
    fn idempotency_finish(&self, caller: &str, key: &str, r: &StoredResponse) -> StoreResult<()> {
        self.write(|c| {
            diesel::update(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key)),
            )
            .set((
                k::state.eq("done"),
                k::status.eq(Some(i32::from(r.status))),
                k::content_type.eq(&r.content_type),
                k::location.eq(&r.location),
                k::etag.eq(&r.etag),
                k::body.eq(Some(&r.body)),
            ))
            .execute(c)?;
            Ok(())
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()> {
        self.write(|c| {
            diesel::delete(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key)),
            )
            .execute(c)?;
            Ok(())
        })
    }
}
