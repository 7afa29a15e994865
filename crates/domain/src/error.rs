//! The errors the domain can answer with. Each carries a stable, machine-readable `code`
//! that the HTTP adapter puts into the problem document; clients switch on the code, so
//! codes never change once published.

use std::fmt;

/// One invalid field of an input, reported together with all the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Collects field errors while an input is parsed, so one answer lists every bad field.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of a failed parse and keeps going.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Validation(self.errors))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// Input that does not parse into valid values (422).
    Validation(Vec<FieldError>),
    /// Missing, or belonging to another center: the two are indistinguishable on purpose (404).
    NotFound,
    /// Not signed in, or credentials that do not check out (401).
    Unauthenticated { code: &'static str },
    /// Signed in, but the role or scope does not allow it (403).
    Forbidden { code: &'static str, detail: String },
    /// An API client without the scope the operation needs (403 `insufficient_scope`,
    /// naming the scope, as RFC 6750 §3.1 has it).
    InsufficientScope { scope: String },
    /// The record changed since the caller read it (412).
    PreconditionFailed,
    /// A uniqueness or state conflict, e.g. a login already in use (409).
    Conflict { code: &'static str, detail: String },
    /// A business rule refuses the operation, e.g. no consent in force (422).
    Rule { code: &'static str, detail: String },
    /// It existed but can no longer be used: a one-time link that was used, expired or
    /// was revoked (410).
    Gone { code: &'static str, detail: String },
    /// The patient was merged into another record, which answers for them now: the caller is
    /// pointed at it (410 `patient_merged`, with `merged_into` and `Location`).
    PatientMerged { into: uuid::Uuid },
    /// Too many attempts; try again after this many seconds (429).
    TooManyAttempts { retry_after_secs: u64 },
    /// The database cannot be reached, or could not answer now: a wait cut off by its
    /// limits, a deadlock, a standby refusing writes (503; trying again is right).
    Unavailable(String),
    /// A defect or an unexpected storage failure (500). The text is logged, never shown.
    Internal(String),
}

impl DomainError {
    pub fn rule(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Rule {
            code,
            detail: detail.into(),
        }
    }
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Validation(errs) => write!(f, "validation failed on {} field(s)", errs.len()),
            Self::NotFound => f.write_str("not found"),
            Self::Unauthenticated { code } => write!(f, "unauthenticated: {code}"),
            Self::Forbidden { code, .. } => write!(f, "forbidden: {code}"),
            Self::InsufficientScope { scope } => write!(f, "insufficient scope: needs {scope}"),
            Self::PreconditionFailed => f.write_str("precondition failed"),
            Self::Conflict { code, .. } => write!(f, "conflict: {code}"),
            Self::Rule { code, .. } => write!(f, "rule: {code}"),
            Self::Gone { code, .. } => write!(f, "gone: {code}"),
            Self::PatientMerged { into } => write!(f, "patient merged into {into}"),
            Self::TooManyAttempts { retry_after_secs } => {
                write!(f, "too many attempts, retry after {retry_after_secs}s")
            }
            Self::Unavailable(m) => write!(f, "unavailable: {m}"),
            Self::Internal(m) => write!(f, "internal: {m}"),
        }
    }
}

impl std::error::Error for DomainError {}
