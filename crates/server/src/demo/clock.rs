//! The generator's clock: it is set to the instant each step of the story happens, so
//! records made through the use cases carry realistic times and "today" is that day.

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use tsunagu_domain::clock::{Clock, truncate_micros};

#[derive(Debug)]
pub struct DemoClock(Mutex<DateTime<Utc>>);

impl DemoClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(truncate_micros(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        // A poisoned lock only means another thread panicked mid-set; the value is whole.
        let mut t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = truncate_micros(at);
    }
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
