//! What every row type shares. Each feature file keeps its rows as diesel reads and writes
//! them, and their conversion to domain entities; text ids, text enums and naive UTC
//! timestamps are the portable forms both backends share.

use crate::error::{R, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use tsunagu_domain::DomainError;
use uuid::Uuid;

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn uuid(field: &str, s: &str) -> Result<Uuid, DomainError> {
    Uuid::parse_str(s).map_err(|_| DomainError::Internal(format!("stored {field} is not a uuid")))
}

pub fn opt_uuid(field: &str, s: Option<&str>) -> Result<Option<Uuid>, DomainError> {
    s.map(|s| uuid(field, s)).transpose()
}

/// An optional text enum read back: absent stays absent, an unknown value is a defect.
pub fn opt_choice<T>(
    field: &str,
    s: Option<&str>,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, DomainError> {
    s.map(|s| choice(field, f(s))).transpose()
}

pub fn choice<T>(field: &str, v: Option<T>) -> Result<T, DomainError> {
    v.ok_or_else(|| DomainError::Internal(format!("stored {field} is not a known value")))
}

/// Rows read back as entities; one that does not convert is a defect of the whole read.
pub fn convert<T, U>(rows: Vec<T>, f: impl Fn(T) -> Result<U, DomainError>) -> R<Vec<U>> {
    rows.into_iter()
        .map(f)
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

/// A space-separated list as stored (scopes, event types).
pub fn words(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}
