//! Background housekeeping inside `tsunagu serve`: forgets `Idempotency-Key`s older than a
//! day, with their sealed answers, so the table holds no more than a day of requests. The
//! delete is by age only, so any number of replicas may run it at once.

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
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("tsunagu-housekeeping".into())
            .spawn(move || run(&services, every, &flag))
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

fn run(services: &Services, every: Duration, stop: &AtomicBool) {
    let mut last: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
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
