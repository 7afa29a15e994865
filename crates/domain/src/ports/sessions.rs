use super::StoreResult;
use crate::audit::AuditDraft;
use crate::entities::{Actor, LoginThrottle, Session, UserCredentials};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The old token is spent and the new one stored.
    Rotated { user_id: Uuid, session_id: Uuid },
    /// The token was already spent: someone replayed it, so the whole session was revoked.
    Reused,
    /// Unknown token, or its session is over.
    Invalid,
}

/// Sign-in: credentials, throttling, sessions with their refresh tokens, and two-factor
/// sign-in (TOTP and recovery codes).
pub trait SessionStore {
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

    // --- two-factor sign-in ---------------------------------------------------------
    /// Stores a new secret for a user who has not enabled TOTP yet (409 otherwise).
    fn start_totp(&self, user_id: Uuid, secret: &str, audit: &AuditDraft) -> StoreResult<()>;
    /// (secret, enabled, last accepted step).
    fn totp_state(&self, user_id: Uuid) -> StoreResult<(Option<String>, bool, i64)>;
    /// Enables TOTP and replaces the recovery codes (stored as hashes).
    fn enable_totp(
        &self,
        user_id: Uuid,
        step: i64,
        recovery_hashes: &[String],
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Accepts a code's step if it is newer than the last one accepted (a code is good once).
    fn use_totp_step(&self, user_id: Uuid, step: i64) -> StoreResult<bool>;
    /// Spends a recovery code; false if unknown or spent.
    fn use_recovery_code(&self, user_id: Uuid, hash: &str, now: DateTime<Utc>)
    -> StoreResult<bool>;
    /// Removes a user's two-factor enrolment, finished or only started (the sealed secret
    /// and the recovery codes), and revokes every session of theirs at once, with the audit
    /// event. Removing what is not there changes nothing but the sessions.
    fn reset_totp(&self, user_id: Uuid, now: DateTime<Utc>, audit: &AuditDraft) -> StoreResult<()>;

    // --- one's own password ----------------------------------------------------------
    /// Replaces a user's password hash and clears `must_change_password`, revokes every
    /// session of theirs but `keep_session` and forgets the login's failed attempts, with
    /// the audit event.
    fn change_password(
        &self,
        user_id: Uuid,
        keep_session: Uuid,
        password_hash: &str,
        login: &str,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
}
