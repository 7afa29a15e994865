//! The records Tsunagu keeps. Ids are UUID v7 (time-ordered); times are UTC, microseconds.

use crate::values::{AgencyType, OperatingType, Role};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A 難病相談支援センター: the unit that owns every record below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Center {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub operating_type: OperatingType,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member of staff who signs in. `center_id` is `None` only for a `system_admin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub center_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user with the secret needed to check a sign-in. Never leaves the domain and store.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

/// An outside office a patient is referred to, e.g. ハローワーク広島.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: Uuid,
    pub center_id: Uuid,
    pub agency_type: AgencyType,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A signed-in session. Access tokens name it, so revoking it stops them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Who is asking, as established from a valid token and the current database state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub role: Role,
    pub center_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
}

impl Actor {
    /// The center whose records this actor may touch; `None` for the system administrator.
    pub fn center(&self) -> Option<Uuid> {
        self.center_id
    }
}

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub request_id: String,
    pub source: Option<String>,
}

/// The failed-sign-in state of one login name (known or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginThrottle {
    pub login: String,
    pub failures: i32,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}
