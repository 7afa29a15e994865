//! `Idempotency-Key`: a create repeated with the same key answers what the first one did,
//! so a client may retry after a lost answer without creating twice. The HTTP adapter
//! hashes the request and stores the response; the rule of how long a key counts is here.

use crate::error::DomainError;
use crate::ports::{IdempotencyBegin, StoredResponse};
use chrono::{DateTime, Duration, Utc};

/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::hours(24);

/// Keys claimed before this instant are forgotten.
pub fn forgotten_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - KEY_TTL
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
        self.store
            .idempotency_begin(caller, key, request_hash, now, forgotten_before(now))
    }

    /// Stores the answer to repeat for the key.
    #[tracing::instrument(skip_all)]
    pub fn finish(
        &self,
        caller: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), DomainError> {
        self.store.idempotency_finish(caller, key, response)
    }

    /// Releases a key whose request failed, so a retry runs it again.
    #[tracing::instrument(skip_all)]
    pub fn abandon(&self, caller: &str, key: &str) -> Result<(), DomainError> {
        self.store.idempotency_abandon(caller, key)
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
}
