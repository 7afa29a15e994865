//! The access log: every read of a patient's data leaves an audit event, and the answer
//! carrying the data leaves only once that event is durable (the MHLW guideline asks that
//! every access be logged; an event that a crash could lose after the data went out would
//! break that). Reads are frequent, so events are written by group commit: each reader
//! queues its event; when no batch is being written, the reader writes everything queued
//! itself (it leads the batch), appending it to the hash chain in one transaction on the
//! connection it already holds, and releases every reader of that batch when it commits;
//! readers who arrive while a batch is written wait, and one of them leads the next. Under
//! load many readers share one commit, so the cost per read falls as concurrency rises (see
//! `tsunagu bench reads`). A read that goes on after the patient is known (the timeline reads
//! the rest of the history) queues its event at that point ([`AccessLog::queue_read`]) and
//! waits for it only when it is about to answer: a batch led meanwhile by another reader
//! carries it, so the batches grow and the reader often finds its event written already.
//! The reader leading writes on its own thread: handing the batch to a writer thread and
//! being woken by it cost two thread switches per read, and at four connections most
//! batches hold one or two events.
//!
//! If the database refuses a batch, its readers are told at once (the read fails with
//! `Unavailable`, never answered unaudited) and the writer thread retries the batch after a
//! backoff, during which no reader leads: the trail may then record a read whose answer
//! was an error, never the opposite. Reads that answer no personal data (report totals, the
//! supervision summary's counts, a chain verification) only queue their event
//! ([`AccessLog::queue`]), which the writer thread writes: they must answer even while the
//! trail cannot be appended to, which is when a verification is needed most. Changes never go
//! through here: their events are written in the change's own transaction.

use crate::audit::AuditDraft;
use crate::error::DomainError;
use crate::ports::{Store, StoreResult};
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
    /// A batch is being written (by a reader leading it or by the writer thread): the next
    /// waits for it, so batches reach the chain in the order their events were queued.
    writing: bool,
    /// After a refusal: no batch is tried before this instant, and the wait before the next
    /// retry doubles up to [`RETRY_MAX`].
    retry_at: Option<Instant>,
    backoff: Duration,
    /// Readers waiting for their events: they lead the batches of what is queued, so the
    /// writer thread is woken only when none is left to (it would take their turn).
    waiting: usize,
    /// Readers whose events are queued while they are still reading: each comes back to
    /// wait for its event (and leads a batch if none is being written), so, like waiting
    /// readers, they keep the writer thread asleep.
    expected: usize,
}

impl State {
    /// Whether a batch may be started now: none is being written, something is queued, and
    /// no retry is being waited for.
    fn may_lead(&self, now: Instant) -> bool {
        !self.writing && !self.queue.is_empty() && self.retry_at.is_none_or(|t| now >= t)
    }

    /// Takes the next batch to write and marks it as being written.
    fn lead(&mut self) -> Vec<AuditDraft> {
        self.writing = true;
        let n = self.queue.len().min(MAX_BATCH);
        self.queue.drain(..n).collect()
    }

    /// Whether what is queued needs the writer thread: a retry (it keeps the backoff), or
    /// events no reader, waiting or still to come back, will lead (only queued, or left by
    /// readers who gave up or failed before answering).
    fn needs_writer(&self) -> bool {
        !self.queue.is_empty() && (self.waiting + self.expected == 0 || self.retry_at.is_some())
    }
}

struct Inner {
    state: Mutex<State>,
    /// Wakes the writer when events arrive.
    arrived: Condvar,
    /// Wakes `flush` callers when a batch is written.
    written: Condvar,
    store: Arc<dyn Trail>,
}

/// What the access log needs of the store: appending events, and giving back the connection
/// a waiting reader holds. Its own trait so the log's concurrency is tested without a
/// database.
trait Trail: Send + Sync {
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()>;
    fn release_held_connection(&self);
}

struct OfStore(Arc<dyn Store>);

impl Trail for OfStore {
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()> {
        self.0.append_audit(events)
    }

    fn release_held_connection(&self) {
        self.0.release_held_connection();
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the queue inconsistent (every update
        // is a single push or swap), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `batch` (taken with [`State::lead`]) and settles it: on commit its readers are
    /// released; on refusal they are told, the events go back in front, in order, so the
    /// trail keeps its sequence, and a retry is set after the backoff. Either way the next
    /// batch may then start: waiting readers and the writer thread are woken.
    fn write(&self, batch: Vec<AuditDraft>) {
        // Counts and times only: the events themselves name patients.
        let span = tracing::info_span!(
            "access_log_batch",
            events = batch.len(),
            duration_ms = tracing::field::Empty
        );
        let _entered = span.enter();
        let started = Instant::now();
        // A panic inside the store must not leave the batch marked as being written.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.store.append_audit(&batch)
        }))
        .unwrap_or_else(|_| {
            Err(DomainError::Internal(
                "the access-log batch panicked".into(),
            ))
        });
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let mut st = self.lock();
        st.writing = false;
        match result {
            Ok(()) => {
                tracing::debug!("access events written");
                st.written += batch.len() as u64;
                st.retry_at = None;
                st.backoff = RETRY_MIN;
            }
            Err(e) => {
                let backoff = st.backoff;
                tracing::warn!(
                    error = %e,
                    retry_in_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                    "writing access events failed; will retry"
                );
                st.refusals += 1;
                st.refused_through = st.written + batch.len() as u64;
                let rest = std::mem::take(&mut st.queue);
                st.queue = batch;
                st.queue.extend(rest);
                st.retry_at = Some(Instant::now() + backoff);
                st.backoff = (backoff * 2).min(RETRY_MAX);
            }
        }
        let wake_writer = st.needs_writer();
        drop(st);
        self.written.notify_all();
        if wake_writer {
            self.arrived.notify_one();
        }
    }

    /// Gives the lock back, waking the writer thread if what is queued needs it (see
    /// [`State::needs_writer`]).
    fn wake_writer_if_needed(&self, st: MutexGuard<'_, State>) {
        let wake = st.needs_writer();
        drop(st);
        if wake {
            self.arrived.notify_one();
        }
    }

    /// Writes one event at once: without a writer thread, events are not batched.
    fn append_one(&self, event: &AuditDraft) -> StoreResult<()> {
        self.store.append_audit(std::slice::from_ref(event))
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
        Self::start_on(Arc::new(OfStore(store)))
    }

    fn start_on(store: Arc<dyn Trail>) -> Self {
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                backoff: RETRY_MIN,
                ..State::default()
            }),
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
            if let Err(e) = self.inner.append_one(&event) {
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
    pub fn record(&self, event: AuditDraft, timeout: Duration) -> Result<(), DomainError> {
        self.queue_read(event).durable(timeout)
    }

    /// Queues the event of a read whose data is not answered yet; the reader calls
    /// [`PendingRead::durable`] before answering. Queued as soon as the patient is known, the
    /// event rides on any batch written while the reader goes on reading. If the reader
    /// fails before answering, the event is written all the same (the data was read).
    pub fn queue_read(&self, mut event: AuditDraft) -> PendingRead<'_> {
        // A read never completes an idempotent request: only a change's own transaction does.
        event.idempotency = None;
        if self.inline {
            return PendingRead {
                log: self,
                inline: Some(event),
                ticket: 0,
                refusals: 0,
                settled: false,
            };
        }
        let mut st = self.inner.lock();
        st.queue.push(event);
        st.queued += 1;
        st.expected += 1;
        PendingRead {
            log: self,
            inline: None,
            ticket: st.queued,
            refusals: st.refusals,
            settled: false,
        }
    }

    /// Waits until the event of `ticket` is written, leading a batch whenever one may start;
    /// gives the lock back with the outcome. `refusals` is the count when the event was
    /// queued: a refusal since then that took the ticket's batch ends the wait at once.
    fn wait_for<'a>(
        &'a self,
        mut st: MutexGuard<'a, State>,
        ticket: u64,
        refusals: u64,
        timeout: Duration,
    ) -> (MutexGuard<'a, State>, Result<(), DomainError>) {
        let deadline = Instant::now() + timeout;
        // Whoever leads writes on the connection this thread holds; a reader that waits
        // gives its connection back first, for the one leading the batch it waits for.
        let mut holds_connection = true;
        loop {
            if st.written >= ticket {
                return (st, Ok(()));
            }
            if st.refusals != refusals && st.refused_through >= ticket {
                let refused =
                    DomainError::Unavailable("the access log could not be written".into());
                return (st, Err(refused));
            }
            let now = Instant::now();
            if st.may_lead(now) {
                let batch = st.lead();
                drop(st);
                self.inner.write(batch);
                st = self.inner.lock();
                continue;
            }
            let left = deadline.saturating_duration_since(now);
            if left.is_zero() {
                let late =
                    DomainError::Unavailable("the access log was not written in time".into());
                return (st, Err(late));
            }
            if holds_connection {
                drop(st);
                self.inner.store.release_held_connection();
                holds_connection = false;
                st = self.inner.lock();
                continue;
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

/// A read's event queued ahead of the answer (see [`AccessLog::queue_read`]).
#[must_use = "the answer waits for its event: call `durable`"]
pub struct PendingRead<'a> {
    log: &'a AccessLog,
    /// The event, when there is no writer thread and events are written one by one.
    inline: Option<AuditDraft>,
    ticket: u64,
    /// The log's refusal count when the event was queued.
    refusals: u64,
    settled: bool,
}

impl PendingRead<'_> {
    /// Returns once the event is durable, leading a batch if none is being written; or
    /// `Unavailable` if the database refused its batch or `timeout` passed first.
    pub fn durable(mut self, timeout: Duration) -> Result<(), DomainError> {
        self.settled = true;
        let log = self.log;
        if let Some(event) = self.inline.take() {
            return log.inner.append_one(&event);
        }
        let mut st = log.inner.lock();
        st.expected -= 1;
        st.waiting += 1;
        let (mut st, outcome) = log.wait_for(st, self.ticket, self.refusals, timeout);
        st.waiting -= 1;
        log.inner.wake_writer_if_needed(st);
        outcome
    }
}

impl Drop for PendingRead<'_> {
    /// A reader that failed before answering: its event is still written (its data was
    /// read), by the next batch or, if no reader is left to lead one, the writer thread.
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let Some(event) = self.inline.take() {
            if let Err(e) = self.log.inner.append_one(&event) {
                tracing::error!(error = %e, "an access event could not be written");
            }
            return;
        }
        let mut st = self.log.inner.lock();
        st.expected -= 1;
        self.log.inner.wake_writer_if_needed(st);
    }
}

/// The writer thread: writes what is only queued (reads that answer no personal data), and
/// retries a refused batch once its backoff has passed. Readers who wait lead their own
/// batches (see [`AccessLog::record`]).
fn writer(weak: &Weak<Inner>) {
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let batch = {
            let mut st = inner.lock();
            let now = Instant::now();
            if !st.may_lead(now) {
                // Until a retry is due; otherwise wake up now and then to notice that every
                // handle is gone.
                let wait = st
                    .retry_at
                    .filter(|_| !st.writing && !st.queue.is_empty())
                    .map_or(Duration::from_millis(500), |t| {
                        t.saturating_duration_since(now)
                    });
                st = match inner.arrived.wait_timeout(st, wait) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
            if !st.may_lead(Instant::now()) {
                continue;
            }
            st.lead()
        };
        inner.write(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Action;

    fn event() -> AuditDraft {
        AuditDraft::system(chrono::Utc::now(), Action::AuditVerify)
    }

    fn queued(n: usize) -> State {
        State {
            queue: (0..n).map(|_| event()).collect(),
            queued: n as u64,
            backoff: RETRY_MIN,
            ..State::default()
        }
    }

    #[test]
    fn a_batch_starts_only_when_none_is_written_something_is_queued_and_no_retry_is_due() {
        let now = Instant::now();
        assert!(!queued(0).may_lead(now));
        let mut st = queued(3);
        assert!(st.may_lead(now));
        let batch = st.lead();
        assert_eq!((batch.len(), st.queue.len()), (3, 0));
        st.queue.push(event());
        assert!(!st.may_lead(now), "one batch at a time, in order");
        st.writing = false;
        st.retry_at = Some(now + Duration::from_millis(50));
        assert!(!st.may_lead(now), "the backoff after a refusal");
        assert!(st.may_lead(now + Duration::from_millis(50)));
    }

    #[test]
    fn a_batch_holds_at_most_max_batch_events_taken_from_the_front() {
        let mut st = queued(MAX_BATCH + 5);
        for (i, e) in st.queue.iter_mut().enumerate() {
            e.request_id = i.to_string();
        }
        let batch = st.lead();
        assert_eq!(batch.len(), MAX_BATCH);
        assert_eq!(batch[0].request_id, "0");
        assert_eq!(st.queue.len(), 5);
        assert_eq!(st.queue[0].request_id, MAX_BATCH.to_string());
    }

    #[test]
    fn the_writer_thread_is_needed_only_for_what_no_waiting_reader_will_lead() {
        let mut st = queued(0);
        assert!(!st.needs_writer(), "nothing queued");
        st = queued(2);
        st.waiting = 1;
        assert!(!st.needs_writer(), "a waiting reader leads it");
        st.waiting = 0;
        assert!(
            st.needs_writer(),
            "only queued, or left by readers who gave up"
        );
        st.waiting = 1;
        st.retry_at = Some(Instant::now());
        assert!(st.needs_writer(), "a retry keeps the backoff");
        st.retry_at = None;
        st.waiting = 0;
        st.expected = 1;
        assert!(
            !st.needs_writer(),
            "a reader still reading comes back to lead it"
        );
    }

    /// A trail that records the size of each batch it is given, and refuses while `refuse`.
    #[derive(Default)]
    struct Recorded {
        batches: Mutex<Vec<usize>>,
        refuse: std::sync::atomic::AtomicBool,
    }

    impl Trail for Recorded {
        fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()> {
            if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(DomainError::Unavailable("refused".into()));
            }
            self.batches.lock().unwrap().push(events.len());
            Ok(())
        }

        fn release_held_connection(&self) {}
    }

    fn log_on(trail: &Arc<Recorded>) -> AccessLog {
        AccessLog::start_on(trail.clone())
    }

    const WAIT: Duration = Duration::from_secs(5);

    #[test]
    fn an_event_queued_ahead_rides_on_the_batch_another_reader_leads() {
        let trail = Arc::new(Recorded::default());
        let log = log_on(&trail);
        let still_reading = log.queue_read(event());
        log.record(event(), WAIT).unwrap();
        assert_eq!(
            *trail.batches.lock().unwrap(),
            vec![2],
            "one batch for both"
        );
        still_reading.durable(WAIT).unwrap();
        assert_eq!(
            *trail.batches.lock().unwrap(),
            vec![2],
            "written already: nothing more to write"
        );
    }

    #[test]
    fn a_reader_that_comes_back_first_leads_the_batch_itself() {
        let trail = Arc::new(Recorded::default());
        let log = log_on(&trail);
        let first = log.queue_read(event());
        let second = log.queue_read(event());
        first.durable(WAIT).unwrap();
        second.durable(WAIT).unwrap();
        assert_eq!(*trail.batches.lock().unwrap(), vec![2]);
    }

    #[test]
    fn the_event_of_a_reader_that_failed_before_answering_is_still_written() {
        let trail = Arc::new(Recorded::default());
        let log = log_on(&trail);
        drop(log.queue_read(event()));
        assert!(log.flush(WAIT), "the writer thread writes it");
        assert_eq!(*trail.batches.lock().unwrap(), vec![1]);
    }

    #[test]
    fn a_refused_batch_fails_its_readers_at_once_and_is_retried() {
        let trail = Arc::new(Recorded::default());
        trail
            .refuse
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let log = log_on(&trail);
        let pending = log.queue_read(event());
        let started = Instant::now();
        let refused = pending.durable(WAIT);
        assert!(matches!(refused, Err(DomainError::Unavailable(_))));
        assert!(started.elapsed() < WAIT, "told at once, not at the timeout");
        trail
            .refuse
            .store(false, std::sync::atomic::Ordering::SeqCst);
        assert!(
            log.flush(WAIT),
            "the writer thread retries after the backoff"
        );
        assert_eq!(*trail.batches.lock().unwrap(), vec![1]);
    }

    #[test]
    fn without_a_writer_thread_events_are_written_when_the_reader_answers_or_fails() {
        let trail = Arc::new(Recorded::default());
        let log = AccessLog {
            inline: true,
            ..log_on(&trail)
        };
        let pending = log.queue_read(event());
        assert!(
            trail.batches.lock().unwrap().is_empty(),
            "not before the answer"
        );
        pending.durable(WAIT).unwrap();
        drop(log.queue_read(event()));
        assert_eq!(*trail.batches.lock().unwrap(), vec![1, 1]);
    }
}
