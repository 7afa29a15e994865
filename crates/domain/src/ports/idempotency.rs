use super::StoreResult;
use chrono::{DateTime, Utc};

/// A stored answer to a creating request, replayed for a retry with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// What a request with an `Idempotency-Key` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First use of the key: go ahead, then store the answer.
    Started,
    /// The same request was answered already: send this again.
    Replay(StoredResponse),
    /// The same key is being answered right now.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// Safe retries of creating requests.
pub trait IdempotencyStore {
    /// Claims `(caller, key)` for a request (keys older than `expired_before` are forgotten).
    fn idempotency_begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin>;
    fn idempotency_finish(
        &self,
        caller: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Forgets a claimed key whose request failed on the server's side, so it can be retried.
    fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()>;
}
