//! Store-level failures, folded into [`DomainError`] at the port boundary.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tsunagu_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error(transparent)]
    Query(#[from] DieselError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// What the connection-level functions of the feature files return.
pub(crate) type R<T> = Result<T, StoreError>;

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d,
            StoreError::Query(q) => query_error(q),
        }
    }
}

pub(crate) fn query_error(e: DieselError) -> DomainError {
    match e {
        DieselError::NotFound => DomainError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let what = info
                .constraint_name()
                .map(str::to_owned)
                .unwrap_or_else(|| info.message().to_owned());
            if what.contains("login") {
                DomainError::conflict("login_taken", "this login is already in use")
            } else if what.contains("code") {
                DomainError::conflict("code_taken", "this code is already in use")
            } else {
                DomainError::conflict(
                    "already_exists",
                    "a record with these values already exists",
                )
            }
        }
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            info,
        ) => DomainError::Unavailable(info.message().to_owned()),
        other => DomainError::Internal(other.to_string()),
    }
}

/// After an update matched no row: the record is gone (or another center's), or its version moved.
pub(crate) fn missing_or_stale(exists: bool) -> StoreError {
    StoreError::Domain(if exists {
        DomainError::PreconditionFailed
    } else {
        DomainError::NotFound
    })
}

/// A record that was just written and cannot be read back (another center's, or deleted).
pub(crate) fn not_found() -> StoreError {
    StoreError::Domain(DomainError::NotFound)
}
