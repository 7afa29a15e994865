//! Optimistic concurrency: which version of a record a change was made against.

use crate::error::DomainError;

/// What a change's `If-Match` asks of the record it changes (RFC 9110 §13.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: whatever version is current. The change still applies atomically to the version
    /// it was checked against, so a write that lands in between answers 412 rather than being
    /// overwritten unseen.
    Any,
    /// A version the client read (`"v3"`).
    Version(i32),
}

impl IfMatch {
    /// The version the change must be saved against, or 412 when the client named another
    /// version than the current one.
    pub fn against(self, current: i32) -> Result<i32, DomainError> {
        match self {
            Self::Any => Ok(current),
            Self::Version(v) if v == current => Ok(current),
            Self::Version(_) => Err(DomainError::PreconditionFailed),
        }
    }
}

impl From<i32> for IfMatch {
    fn from(version: i32) -> Self {
        Self::Version(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_version_matches_only_itself() {
        assert_eq!(IfMatch::Version(3).against(3), Ok(3));
        assert_eq!(
            IfMatch::Version(2).against(3),
            Err(DomainError::PreconditionFailed)
        );
    }

    #[test]
    fn any_matches_the_current_version() {
        assert_eq!(IfMatch::Any.against(1), Ok(1));
        assert_eq!(IfMatch::Any.against(7), Ok(7));
    }
}
