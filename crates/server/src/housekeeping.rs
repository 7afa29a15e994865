//! Background housekeeping inside `tsunagu serve`: forgets `Idempotency-Key`s older than a
//! day, with their sealed answers, so the table holds no more than a day of requests (the
//! delete is by age only, so any number of replicas may run it at once); and, when
//! configured, verifies the audit chain periodically and writes a signed checkpoint of it to
//! the log, which is shipped away from the database (see the README's "Audit trail").

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tsunagu_domain::app::Services;

/// How often expired keys are purged.
pub const PURGE_EVERY: Duration = Duration::from_secs(600);

pub struct Housekeeper {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Housekeeper {
    /// Purges at once, then every `every`, until stopped or dropped.
    pub fn spawn(services: Services, every: Duration) -> Self {
        Self::spawn_with_checkpoints(services, every, None)
    }

    /// [`Self::spawn`], and a checkpoint of the audit chain in the log every
    /// `checkpoint_every` (the first after one interval, not at start).
    pub fn spawn_with_checkpoints(
        services: Services,
        every: Duration,
        checkpoint_every: Option<Duration>,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("tsunagu-housekeeping".into())
            .spawn(move || run(&services, every, checkpoint_every, &flag))
            .map_err(|e| tracing::error!(error = %e, "cannot start housekeeping"))
            .ok();
        Self { stop, thread }
    }

    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run(
    services: &Services,
    every: Duration,
    checkpoint_every: Option<Duration>,
    stop: &AtomicBool,
) {
    let mut last: Option<Instant> = None;
    let mut last_checkpoint = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if checkpoint_every.is_some_and(|e| last_checkpoint.elapsed() >= e) {
            last_checkpoint = Instant::now();
            log_checkpoint(services);
        }
        if last.is_none_or(|t| t.elapsed() >= every) {
            last = Some(Instant::now());
            let span = tracing::info_span!("idempotency_purge");
            let _guard = span.enter();
            match services.idempotency().purge() {
                Ok(0) => {}
                Ok(n) => tracing::info!(keys = n, "purged expired idempotency keys"),
                Err(e) => tracing::warn!(error = %e, "cannot purge expired idempotency keys"),
            }
        }
        std::thread::sleep(every.min(Duration::from_millis(200)));
    }
}

/// Verifies every chain and logs a signed checkpoint of them (its fields are those of the
/// checkpoint file `tsunagu audit verify --checkpoint` reads; `chains` holds one
/// `chain seq hash keyed_from` group per chain, in the file's order), or, if one is broken,
/// an error.
fn log_checkpoint(services: &Services) {
    let span = tracing::info_span!("audit_checkpoint");
    let _guard = span.enter();
    match services.audit_trail().checkpoint() {
        Ok(Ok(cp)) => tracing::info!(
            time = %cp.time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            key_id = %cp.key_id,
            chains = %cp
                .chains
                .iter()
                .map(|c| format!("{} {} {} {}", c.chain, c.seq, c.hash, c.keyed_from))
                .collect::<Vec<_>>()
                .join("; "),
            mac = %cp.mac,
            "audit trail checkpoint"
        ),
        Ok(Err(b)) => tracing::error!(
            chain = %b.chain,
            seq = b.seq,
            id = %b.id,
            reason = b.reason,
            "audit trail BROKEN: no checkpoint"
        ),
        Err(e) => tracing::warn!(error = %e, "cannot check the audit trail for a checkpoint"),
    }
}
