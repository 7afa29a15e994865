//! `Idempotency-Key`: a create repeated with the same key answers what the first one did,
//! so a client may retry after a lost answer without creating twice — also after the server
//! died in the middle.
//!
//! How it holds across a crash:
//!
//! - A request first *claims* its key: a row `in_progress` with a random claim token and a
//!   short lease ([`LEASE`]).
//! - The claim travels with the request ([`IdempotencyClaim`] in
//!   [`crate::entities::RequestMeta`], copied into each audit draft). The store, when it
//!   appends the change's audit events — inside the change's own transaction — marks the key
//!   `committed` with the record the change made, but only if the row still holds this
//!   claim token; otherwise the change rolls back (409 `idempotency_in_progress`). So the
//!   change and the mark commit together or not at all, and an attempt whose claim was
//!   taken over can never commit a second time.
//! - Then the answer is stored (`done`), its body sealed with the data key; an answer that
//!   carries a secret (an API client's or a webhook's secret) is not kept.
//! - A retry finds: `done` with a body → that answer again; `committed` without one (the
//!   process died between the commit and storing the answer, or the answer held a secret) →
//!   the record as it is now, re-read (never the secret); `in_progress` within its lease →
//!   409 with `Retry-After`; `in_progress` after its lease → nothing committed (the mark
//!   would say so), so the retry takes the claim over and performs the request.
//!
//! Keys are kept [`KEY_TTL`] and purged by a background task ([`Idempotency::purge`]).

use crate::error::DomainError;
use crate::ports::{IdempotencyBegin, StoredResponse};
use chrono::{DateTime, Duration, Utc};

/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::hours(24);

/// How long a claim blocks a concurrent duplicate, by default (the server's
/// `TSUNAGU_IDEMPOTENCY_LEASE_SECS`). It is also how long a retry waits after a crash: the
/// claim of a request that was in flight when the process died answers 409 with
/// `Retry-After` until it runs out. A request that outlives it is not repeated twice: a retry
/// may take the claim over, and the first attempt's change then fails its fencing check and
/// rolls back.
pub const LEASE: Duration = Duration::seconds(30);

/// Keys claimed before this instant are forgotten.
pub fn forgotten_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - KEY_TTL
}

/// One attempt's hold on a caller's key, carried with the request to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// `user:<id>` or `client:<id>`.
    pub caller: String,
    pub key: String,
    /// Random per attempt: what fences a taken-over attempt out.
    pub token: String,
}

crate::facade!(
    /// Idempotent requests: `services.idempotency()`.
    Idempotency,
    idempotency
);

impl Idempotency<'_> {
    /// Claims a key for a caller's request (see [`IdempotencyBegin`]).
    #[tracing::instrument(skip_all)]
    pub fn begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
    ) -> Result<IdempotencyBegin, DomainError> {
        let now = self.clock.now();
        let claim = IdempotencyClaim {
            caller: caller.to_owned(),
            key: key.to_owned(),
            token: {
                let mut b = [0u8; 16];
                rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
                hex::encode(b)
            },
        };
        self.store.idempotency_begin(
            &claim,
            request_hash,
            now,
            now + self.idempotency_lease,
            forgotten_before(now),
        )
    }

    /// Stores the answer to repeat for the key.
    #[tracing::instrument(skip_all)]
    pub fn finish(
        &self,
        claim: &IdempotencyClaim,
        response: &StoredResponse,
    ) -> Result<(), DomainError> {
        self.store.idempotency_finish(claim, response)
    }

    /// Releases a key whose request failed before changing anything, so a retry runs it again.
    #[tracing::instrument(skip_all)]
    pub fn abandon(&self, claim: &IdempotencyClaim) -> Result<(), DomainError> {
        self.store.idempotency_abandon(claim)
    }

    /// Deletes the keys older than [`KEY_TTL`] (with their sealed answers); answers how many.
    #[tracing::instrument(skip_all)]
    pub fn purge(&self) -> Result<usize, DomainError> {
        self.store
            .idempotency_purge(forgotten_before(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_count_for_a_day() {
        let now = Utc.with_ymd_and_hms(2026, 4, 2, 9, 0, 0).unwrap();
        assert_eq!(
            forgotten_before(now),
            Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_lease_is_short_against_the_key_ttl() {
        assert!(LEASE <= Duration::seconds(60));
        assert!(LEASE * 100 < KEY_TTL);
    }
}
