//! The ports the domain needs from persistence. The store crate implements [`Store`] for
//! SQLite and PostgreSQL; every method that changes data writes the given audit event in the
//! same transaction, so a change without its event (or an event without its change) cannot be
//! committed.

use crate::DomainError;
use crate::audit::{AuditDraft, AuditEvent};
use crate::entities::{Actor, Agency, Center, LoginThrottle, Session, User, UserCredentials};
use crate::page::{Page, PageRequest};
use crate::values::{AgencyType, OperatingType, Role};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub type StoreResult<T> = Result<T, DomainError>;

/// Which centers' records a query may see. Handing the store a scope (rather than filtering
/// afterwards) keeps other centers' rows out of every result, count and 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The installation: only ever given for a `system_admin`'s non-patient records.
    All,
    Center(Uuid),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterChanges {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    pub operating_type: Option<OperatingType>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    /// Changes after which tokens already issued must stop working at once.
    pub fn ends_sessions(&self) -> bool {
        self.role.is_some() || self.active == Some(false) || self.password_hash.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyChanges {
    pub agency_type: Option<AgencyType>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The old token is spent and the new one stored.
    Rotated { user_id: Uuid, session_id: Uuid },
    /// The token was already spent: someone replayed it, so the whole session was revoked.
    Reused,
    /// Unknown token, or its session is over.
    Invalid,
}

pub trait Store: Send + Sync {
    /// A cheap round trip, for `/readyz`.
    fn ping(&self) -> StoreResult<()>;

    // --- the audit trail -------------------------------------------------------------
    /// Appends events that go with no other change (reads, denials, failed sign-ins).
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()>;
    /// Events with `seq > after_seq` in chain order, for verification.
    fn audit_chain(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;

    // --- sign-in ---------------------------------------------------------------------
    fn count_users_with_role(&self, role: Role) -> StoreResult<i64>;
    fn credentials_by_login(&self, login: &str) -> StoreResult<Option<UserCredentials>>;
    fn login_throttle(&self, login: &str) -> StoreResult<Option<LoginThrottle>>;
    /// Stores the throttle state after a failure, with the failure's audit event.
    fn record_login_failure(&self, throttle: &LoginThrottle, audit: &AuditDraft)
    -> StoreResult<()>;
    /// Starts a session with its first refresh token and clears the login's failures.
    fn start_session(
        &self,
        session: &Session,
        refresh_hash: &str,
        login: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Spends `old_hash` and stores `new_hash` in its place, or detects reuse. The store fills
    /// in the audit event's actor and outcome.
    fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<RefreshOutcome>;
    fn revoke_session(
        &self,
        session_id: Uuid,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// The actor behind a token, if its session is live, the user active and the center open.
    fn principal(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Actor>>;

    // --- centers ---------------------------------------------------------------------
    fn insert_center(&self, center: &Center, audit: &AuditDraft) -> StoreResult<()>;
    fn center(&self, id: Uuid) -> StoreResult<Option<Center>>;
    fn centers(&self, page: PageRequest) -> StoreResult<Page<Center>>;
    fn update_center(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: &CenterChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Center>;

    // --- users -----------------------------------------------------------------------
    fn insert_user(&self, user: &User, password_hash: &str, audit: &AuditDraft) -> StoreResult<()>;
    fn user(&self, scope: Scope, id: Uuid) -> StoreResult<Option<User>>;
    fn users(&self, scope: Scope, page: PageRequest) -> StoreResult<Page<User>>;
    /// Applies the changes if the version still matches; revokes the user's sessions when
    /// [`UserChanges::ends_sessions`].
    fn update_user(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &UserChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<User>;

    // --- agencies --------------------------------------------------------------------
    fn insert_agency(&self, agency: &Agency, audit: &AuditDraft) -> StoreResult<()>;
    fn agency(&self, scope: Scope, id: Uuid) -> StoreResult<Option<Agency>>;
    fn agencies(
        &self,
        scope: Scope,
        agency_type: Option<AgencyType>,
        page: PageRequest,
    ) -> StoreResult<Page<Agency>>;
    fn update_agency(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &AgencyChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Agency>;
}
