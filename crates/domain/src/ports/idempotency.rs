use super::StoreResult;
use crate::idempotency::IdempotencyClaim;
use chrono::{DateTime, Utc};

/// A stored answer to a creating request, replayed for a retry with the same key. `body`
/// is `None` when the answer carried a secret and so was not kept (see
/// [`crate::idempotency`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: Option<String>,
}

/// The record a request's change made, marked in the change's own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedChange {
    /// The audit action's stored name, e.g. `patient.create`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
}

/// What a request with an `Idempotency-Key` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First use of the key, or a retry after an attempt that died without changing
    /// anything: go ahead with this claim, then store the answer.
    Started(IdempotencyClaim),
    /// The same request was answered already: send this again.
    Replay(StoredResponse),
    /// The same request's change committed, but its answer is not kept (the process died
    /// before storing it, or it carried a secret): answer from the record as it is now.
    Committed {
        change: CommittedChange,
        answer: Option<StoredResponse>,
    },
    /// The same key is being answered right now; its lease ends in this many seconds.
    InProgress { retry_after_secs: u64 },
    /// The key was used for a different request.
    Mismatch,
}

/// Safe retries of creating requests.
pub trait IdempotencyStore {
    /// Claims `(caller, key)` for a request: a new claim, or a takeover of one whose lease
    /// ended before `now` without a committed change. Keys claimed before `expired_before`
    /// are forgotten.
    fn idempotency_begin(
        &self,
        claim: &IdempotencyClaim,
        request_hash: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin>;
    /// Stores the answer, if `claim` still holds the key. The body is stored sealed; one of
    /// `None` (an answer carrying a secret) keeps only the status and headers.
    fn idempotency_finish(
        &self,
        claim: &IdempotencyClaim,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Forgets a claim whose request failed on the server's side before changing anything,
    /// so it can be retried at once.
    fn idempotency_abandon(&self, claim: &IdempotencyClaim) -> StoreResult<()>;
    /// Deletes keys claimed before `expired_before`; answers how many.
    fn idempotency_purge(&self, expired_before: DateTime<Utc>) -> StoreResult<usize>;
}
