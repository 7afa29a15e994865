//! Keyset pagination: lists are ordered by id (UUID v7, so by creation time), or by a sort
//! key and then id, and the cursor is the last row's (key and) id. Stable under concurrent
//! inserts, unlike offsets. A keyed cursor reads `KEY~ID`, e.g. `2026-06-01~0193…`.

use crate::error::FieldError;
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Uuid>,
    /// The sort key of the last row, for lists ordered by something other than id.
    pub after_key: Option<CursorKey>,
    /// Incremental sync: only records changed after this time, oldest change first (the
    /// cursor then carries `updated_at`). Change times follow commit order, so a client that
    /// pages to the end and resumes from the last `updated_at` it saw misses nothing and
    /// sees nothing twice.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A sort key carried in a cursor: short, and only characters dates and times use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorKey(String);

impl CursorKey {
    fn parse(s: &str) -> Option<Self> {
        (!s.is_empty()
            && s.len() <= 40
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+' | '_')))
        .then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PageRequest {
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => {
                errors.push(FieldError::new(
                    "limit",
                    "out_of_range",
                    format!("must be from 1 to {MAX_LIMIT}"),
                ));
                DEFAULT_LIMIT
            }
        };
        let (after, after_key) = match cursor.filter(|c| !c.is_empty()) {
            None => (None, None),
            Some(c) => {
                let (key, id) = match c.split_once('~') {
                    Some((k, id)) => (CursorKey::parse(k).map(Some), id),
                    None => (Some(None), c),
                };
                match (key, Uuid::parse_str(id)) {
                    (Some(key), Ok(id)) => (Some(id), key),
                    _ => {
                        errors.push(FieldError::new(
                            "cursor",
                            "invalid_cursor",
                            "is not a cursor this API returned",
                        ));
                        (None, None)
                    }
                }
            }
        };
        if errors.is_empty() {
            Ok(Self {
                limit,
                after,
                after_key,
                updated_since: None,
            })
        } else {
            Err(errors)
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
            after_key: None,
            updated_since: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says another page exists.
    pub fn from_rows(mut rows: Vec<T>, req: &PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let limit = usize::try_from(req.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more {
            rows.last().map(|r| id_of(r).to_string())
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Like [`Page::from_rows`] for lists ordered by a key and then id.
    pub fn from_rows_keyed(
        mut rows: Vec<T>,
        req: &PageRequest,
        key_of: impl Fn(&T) -> (String, Uuid),
    ) -> Self {
        let limit = usize::try_from(req.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more {
            rows.last().map(|r| {
                let (k, id) = key_of(r);
                format!("{k}~{id}")
            })
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors() {
        let id = Uuid::now_v7();
        let p = PageRequest::parse(None, Some(&id.to_string())).unwrap();
        assert_eq!((p.after, p.after_key), (Some(id), None));
        let p = PageRequest::parse(Some(5), Some(&format!("2026-06-01~{id}"))).unwrap();
        assert_eq!(p.after_key.unwrap().as_str(), "2026-06-01");
        for bad in [
            "nope",
            "x~nope",
            "a b~0193",
            &format!("'~{id}"),
            &format!("~{id}"),
        ] {
            assert!(PageRequest::parse(None, Some(bad)).is_err(), "{bad}");
        }
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(201), None).is_err());
    }
}
