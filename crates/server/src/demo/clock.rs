//! The generator's clock: it is set to the instant each step of the story happens, so
//! records made through the use cases carry realistic times and "today" is that day.

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use tsunagu_domain::clock::{Clock, truncate_micros};

/// The story's clock. It never runs past `latest`, the real moment the generator started:
/// a step drawn in today's office hours (Tokyo) can lie ahead of the real time (generated
/// at 7:00, a consultation at 14:30 today), and a record stamped in the future would show
/// as done later today and move the center's change stamps ahead of every real write after
/// it. Such steps happen "now" instead.
#[derive(Debug)]
pub struct DemoClock {
    at: Mutex<DateTime<Utc>>,
    latest: DateTime<Utc>,
}

impl DemoClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        let latest = truncate_micros(now);
        Self {
            at: Mutex::new(latest),
            latest,
        }
    }

    /// Sets the clock to `at`, or to `latest` when `at` is later; returns what it was set to.
    pub fn set(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        // A poisoned lock only means another thread panicked mid-set; the value is whole.
        let mut t = self
            .at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = truncate_micros(at).min(self.latest);
        *t
    }
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn the_story_never_runs_past_the_moment_it_was_generated() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T21:37:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = DemoClock::new(now);
        assert_eq!(
            clock.set(now - Duration::days(30)),
            now - Duration::days(30)
        );
        assert_eq!(clock.now(), now - Duration::days(30));
        // Today's office hours in Tokyo, still ahead of the real time.
        assert_eq!(clock.set(now + Duration::hours(8)), now);
        assert_eq!(clock.now(), now);
    }
}
