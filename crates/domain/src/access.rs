//! The access log: every read of a patient's data leaves an audit event, and the answer
//! carrying the data leaves only once that event is durable (the MHLW guideline asks that
//! every access be logged; an event that a crash could lose after the data went out would
//! break that). Reads are frequent, so events are written by group commit: each reader
//! queues its event and waits; one writer appends everything queued to the hash chain in
//! one transaction and releases every reader of that batch when it commits. Under load many
//! readers share one commit, so the cost per read falls as concurrency rises (see
//! `tsunagu bench reads`).
//!
//! If the database refuses a batch, its readers are told at once (the read fails with
//! `Unavailable`, never answered unaudited) and the writer retries the batch: the trail may
//! then record a read whose answer was an error, never the opposite. Reads that answer no
//! personal data (report totals, the supervision summary's counts, a chain verification)
//! only queue their event ([`AccessLog::queue`]): they must answer even while the trail
//! cannot be appended to, which is when a verification is needed most. Changes never go
//! through here: their events are written in the change's own transaction.

use crate::audit::AuditDraft;
use crate::error::DomainError;
use crate::ports::Store;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// Most events per transaction: bounds one transaction's time under a burst.
const MAX_BATCH: usize = 2_000;
/// How long to wait before retrying after the database refused a batch.
const RETRY_MIN: Duration = Duration::from_millis(50);
const RETRY_MAX: Duration = Duration::from_secs(5);

#[derive(Default)]
struct State {
    queue: Vec<AuditDraft>,
    /// Events ever queued and ever written: a reader's event is durable once `written`
    /// reaches the `queued` count its push made (its ticket).
    queued: u64,
    written: u64,
    /// How many batches the database refused, and the last ticket of the latest one: a
    /// reader waiting on a ticket in a refused batch gives up at once.
    refusals: u64,
    refused_through: u64,
}

struct Inner {
    state: Mutex<State>,
    /// Wakes the writer when events arrive.
    arrived: Condvar,
    /// Wakes `flush` callers when a batch is written.
    written: Condvar,
    store: Arc<dyn Store>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the queue inconsistent (every update
        // is a single push or swap), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The last handle is gone (shutdown): write what is left, synchronously.
        let rest = std::mem::take(&mut self.lock().queue);
        if !rest.is_empty()
            && let Err(e) = self.store.append_audit(&rest)
        {
            tracing::error!(
                events = rest.len(),
                error = %e,
                "access events could not be written at shutdown"
            );
        }
    }
}

/// A handle on the access log; clones share one queue and one writer thread.
#[derive(Clone)]
pub struct AccessLog {
    inner: Arc<Inner>,
    /// No writer thread could be started: write each event synchronously instead.
    inline: bool,
}

impl AccessLog {
    /// Starts the writer thread. It holds only a weak reference, so it ends once every
    /// handle is dropped (the remaining events are then written by `Inner::drop`).
    pub fn start(store: Arc<dyn Store>) -> Self {
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            arrived: Condvar::new(),
            written: Condvar::new(),
            store,
        });
        let weak = Arc::downgrade(&inner);
        let spawned = std::thread::Builder::new()
            .name("tsunagu-access-log".into())
            .spawn(move || writer(&weak));
        let inline = match spawned {
            Ok(_) => false,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the access-log writer; writing inline");
                true
            }
        };
        Self { inner, inline }
    }

    /// Queues an event of a read that carries no personal data (a report's totals, a chain
    /// verification) and returns at once: such a read must still answer while the trail
    /// cannot be appended to (verification exists for exactly that case).
    pub fn queue(&self, mut event: AuditDraft) {
        // A read never completes an idempotent request: only a change's own transaction does.
        event.idempotency = None;
        if self.inline {
            if let Err(e) = self.inner.store.append_audit(std::slice::from_ref(&event)) {
                tracing::error!(error = %e, "an access event could not be written");
            }
            return;
        }
        let mut st = self.inner.lock();
        st.queue.push(event);
        st.queued += 1;
        drop(st);
        self.inner.arrived.notify_one();
    }

    /// Appends one event and returns once it is durable (committed with its batch), or an
    /// `Unavailable` error if the database refused the batch or `timeout` passed first.
    pub fn record(&self, mut event: AuditDraft, timeout: Duration) -> Result<(), DomainError> {
        event.idempotency = None;
        if self.inline {
            return self.inner.store.append_audit(std::slice::from_ref(&event));
        }
        // The writer needs a pooled connection to commit what this thread waits for.
        self.inner.store.release_held_connection();
        let mut st = self.inner.lock();
        st.queue.push(event);
        st.queued += 1;
        let (ticket, refusals) = (st.queued, st.refusals);
        self.inner.arrived.notify_one();
        let deadline = Instant::now() + timeout;
        loop {
            if st.written >= ticket {
                return Ok(());
            }
            if st.refusals != refusals && st.refused_through >= ticket {
                return Err(DomainError::Unavailable(
                    "the access log could not be written".into(),
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(DomainError::Unavailable(
                    "the access log was not written in time".into(),
                ));
            }
            st = match self.inner.written.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }

    /// Waits until every event queued before the call is written (or `timeout` passes);
    /// returns whether it was. For orderly shutdown and for tests that read the trail.
    pub fn flush(&self, timeout: Duration) -> bool {
        let mut st = self.inner.lock();
        let target = st.queued;
        let deadline = std::time::Instant::now() + timeout;
        while st.written < target {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            st = match self.inner.written.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        true
    }
}

fn writer(weak: &Weak<Inner>) {
    let mut backoff = RETRY_MIN;
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let batch = {
            let mut st = inner.lock();
            if st.queue.is_empty() {
                // Wake up now and then to notice that every handle is gone.
                st = match inner.arrived.wait_timeout(st, Duration::from_millis(500)) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
            if st.queue.is_empty() {
                continue;
            }
            let n = st.queue.len().min(MAX_BATCH);
            st.queue.drain(..n).collect::<Vec<_>>()
        };
        // Counts and times only: the events themselves name patients.
        let span = tracing::info_span!(
            "access_log_batch",
            events = batch.len(),
            duration_ms = tracing::field::Empty
        );
        let entered = span.enter();
        let started = Instant::now();
        let result = inner.store.append_audit(&batch);
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        match result {
            Ok(()) => {
                tracing::debug!("access events written");
                backoff = RETRY_MIN;
                let mut st = inner.lock();
                st.written += batch.len() as u64;
                drop(st);
                inner.written.notify_all();
            }
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    retry_in_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                    "writing access events failed; will retry"
                );
                {
                    // Tell this batch's readers, then put the events back in front, in
                    // order, so the trail keeps its sequence.
                    let mut st = inner.lock();
                    st.refusals += 1;
                    st.refused_through = st.written + batch.len() as u64;
                    let rest = std::mem::take(&mut st.queue);
                    st.queue = batch;
                    st.queue.extend(rest);
                }
                inner.written.notify_all();
                drop(entered);
                drop(inner);
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(RETRY_MAX);
            }
        }
    }
}
