//! Cursors of the lists: an id for lists in id order, a date or time with an id for lists
//! ordered by when, and a change time with an id for incremental sync.

use crate::error::{R, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use tsunagu_domain::DomainError;
use tsunagu_domain::page::PageRequest;

/// The id after which a list in id order goes on (empty: from the start).
pub(crate) fn after_key(req: &PageRequest) -> String {
    req.after.map(|u| u.to_string()).unwrap_or_default()
}

pub(crate) fn bad_cursor() -> StoreError {
    StoreError::Domain(DomainError::field(
        "cursor",
        "invalid_cursor",
        "is not a cursor this API returned",
    ))
}

/// The date a keyed cursor carries, when the list is ordered by a date.
pub(crate) fn cursor_date(req: &PageRequest) -> R<Option<(NaiveDate, String)>> {
    match (&req.after_key, req.after) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => NaiveDate::parse_from_str(k.as_str(), "%Y-%m-%d")
            .map(|d| Some((d, id.to_string())))
            .map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

pub(crate) fn cursor_time(req: &PageRequest) -> R<Option<(NaiveDateTime, String)>> {
    match (&req.after_key, req.after) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => DateTime::parse_from_rfc3339(k.as_str())
            .map(|t| Some((t.naive_utc(), id.to_string())))
            .map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

pub(crate) fn time_key(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
