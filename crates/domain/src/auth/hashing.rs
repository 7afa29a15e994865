//! Password hashing on a small pool of its own threads. Argon2id takes 19 MiB of working
//! memory per hash, and the allocator keeps that memory with the thread that ran it: run on
//! whichever of the server's many blocking threads happens to sign someone in, 8 parallel
//! sign-ins left an idle server at 205 MB. Here at most [`threads`] hashes run at once (one
//! per core, up to 4) and the rest queue, so that memory is bounded whatever the number of
//! simultaneous sign-ins; the callers are blocking threads already, so waiting costs nothing
//! else.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

/// How many hashes may run at once.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, 4)
}

/// The pool's queue, started on first use; `None` if no thread could be started (then each
/// hash runs on its caller's thread, as before).
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            let rx = Arc::new(Mutex::new(rx));
            let started = (0..threads())
                .filter(|i| {
                    let rx = rx.clone();
                    std::thread::Builder::new()
                        .name(format!("tsunagu-argon2-{i}"))
                        .spawn(move || work(&rx))
                        .is_ok()
                })
                .count();
            if started == 0 {
                tracing::error!("cannot start the password-hashing threads; hashing inline");
            }
            (started > 0).then(|| Mutex::new(tx))
        })
        .as_ref()
}

fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        // One worker waits on the queue at a time; the others wait for the lock. A poisoned
        // lock only means a job panicked while another worker held it: the queue is whole.
        let job = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            // A panicking job must not take its worker with it: with every worker gone,
            // sign-ins would wait forever. Its caller sees the result channel close.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// Runs `f` on the pool and waits for its result; `None` if it panicked.
pub(crate) fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = done.send(f());
    });
    match queue() {
        Some(q) => {
            let sent = q.lock().unwrap_or_else(PoisonError::into_inner).send(job);
            if let Err(mpsc::SendError(job)) = sent {
                job();
            }
        }
        None => job(),
    }
    result.recv().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_the_pool_and_answer_their_caller() {
        let names: Vec<_> = (0..8)
            .map(|i| {
                std::thread::spawn(move || {
                    run(move || (i, std::thread::current().name().map(str::to_owned))).unwrap()
                })
            })
            .map(|h| h.join().unwrap())
            .collect();
        for (i, (j, name)) in names.into_iter().enumerate() {
            assert_eq!(i, j);
            assert!(name.unwrap().starts_with("tsunagu-argon2-"));
        }
        let pool: std::collections::HashSet<_> = (0..16)
            .map(|_| run(|| std::thread::current().id()).unwrap())
            .collect();
        assert!(pool.len() <= threads(), "{pool:?}");
    }

    #[test]
    fn a_panicking_job_answers_none_and_the_pool_goes_on() {
        // More panics than workers: each worker survives its panic.
        for _ in 0..threads() * 2 {
            assert_eq!(run(|| -> i32 { panic!("boom") }), None);
        }
        assert_eq!(run(|| 7), Some(7));
    }
}
