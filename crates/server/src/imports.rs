//! The import worker inside `tsunagu serve`: runs the dry runs and commits of imports in
//! the background (see `tsunagu_domain::exchange::import`). Every replica runs one; an
//! import is leased by the worker that takes it, so each step runs once at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tsunagu_domain::app::Services;

/// How long an idle worker waits before it looks again for imports another replica
/// announced (this replica's own wake it at once).
const IDLE_WAIT: Duration = Duration::from_secs(2);

pub struct Worker {
    stop: Arc<AtomicBool>,
    services: Services,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(services: Services) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let s = services.clone();
        let thread = std::thread::Builder::new()
            .name("tsunagu-imports".into())
            .spawn(move || run(&s, &flag))
            .map_err(|e| tracing::error!(error = %e, "cannot start the import worker"))
            .ok();
        Self {
            stop,
            services,
            thread,
        }
    }

    pub fn stop(mut self) {
        self.halt();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.services.import_runs().notify();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.halt();
    }
}

fn run(services: &Services, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match services.imports().work_once() {
            Ok(true) => {}
            Ok(false) => services.import_runs().wait(IDLE_WAIT),
            Err(e) => {
                tracing::warn!(error = %e, "the import worker cannot reach the database");
                std::thread::sleep(IDLE_WAIT);
            }
        }
    }
}
