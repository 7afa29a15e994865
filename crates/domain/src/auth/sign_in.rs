//! Signing in (password, then the second factor where one is set up), refreshing a session,
//! signing out, and the actor behind a verified access token.

use crate::app::Ctx;
use crate::audit::{AuditDraft, Outcome};
use crate::auth::totp;
use crate::auth::{self, ThrottleVerdict};
use crate::entities::{Actor, LoginThrottle, RequestMeta, Session, User, UserCredentials};
use crate::error::DomainError;
use crate::events::Action;
use crate::ports::RefreshOutcome;
use crate::values::Login;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A successful sign-in or refresh: the session and the refresh token to hand back once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub refresh_token: String,
}

/// The result of a sign-in attempt, and how long to hold the answer back (the throttle's
/// slow-down applies to successes and failures alike, so it reveals nothing).
#[derive(Debug)]
pub struct LoginAttempt {
    pub result: Result<Issued, DomainError>,
    pub delay: Option<std::time::Duration>,
}

crate::facade!(
    /// Sign-in and sessions: `services.sign_in()`.
    SignIn,
    sign_in
);

impl SignIn<'_> {
    #[tracing::instrument(skip_all)]
    pub fn login(
        &self,
        meta: &RequestMeta,
        login: &str,
        password: &str,
        second_factor: Option<&str>,
    ) -> LoginAttempt {
        let now = self.clock.now();
        let key = Login::normalise(login);
        let base = AuditDraft::anonymous(meta, now, Action::Login);
        if key.contains('\0') {
            // No login holds U+0000, and PostgreSQL cannot even compare text holding one:
            // the answer is an unknown login's, without asking for it (the attempt is still
            // on the trail).
            let ev = base.outcome(Outcome::Denied).detail("invalid_credentials");
            let result = self
                .store
                .append_audit(&[ev])
                .and(Err(DomainError::Unauthenticated {
                    code: "invalid_credentials",
                }));
            return LoginAttempt {
                result,
                delay: None,
            };
        }
        let (failures, delay) = match self.throttle(&key, &base, now) {
            Ok(t) => t,
            Err(e) => {
                return LoginAttempt {
                    result: Err(e),
                    delay: None,
                };
            }
        };
        let result = self.check_and_start(&key, base, password, second_factor, failures, now);
        LoginAttempt { result, delay }
    }

    #[tracing::instrument(skip_all)]
    pub fn refresh(&self, meta: &RequestMeta, refresh_token: &str) -> Result<Issued, DomainError> {
        let now = self.clock.now();
        let (new_token, new_hash) = auth::new_opaque_token("rt_");
        let audit = AuditDraft::anonymous(meta, now, Action::Refresh);
        match self.store.rotate_refresh_token(
            &auth::hash_token(refresh_token),
            &new_hash,
            now,
            audit,
        )? {
            RefreshOutcome::Rotated {
                user_id,
                session_id,
            } => Ok(Issued {
                user_id,
                session_id,
                refresh_token: new_token,
            }),
            RefreshOutcome::Reused | RefreshOutcome::Invalid => Err(DomainError::Unauthenticated {
                code: "invalid_refresh_token",
            }),
        }
    }

    #[tracing::instrument(skip_all, fields(session_id = %ctx.actor.session_id))]
    pub fn logout(&self, ctx: &Ctx) -> Result<(), DomainError> {
        let now = self.clock.now();
        let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::Logout)
            .resource(ctx.actor.session_id);
        self.store.revoke_session(ctx.actor.session_id, now, &ev)
    }

    /// The actor behind a verified access token, checked against the database on every
    /// request so that logout, deactivation and role changes take effect at once.
    #[tracing::instrument(skip_all, fields(%session_id))]
    pub fn authenticate(&self, session_id: Uuid, user_id: Uuid) -> Result<Actor, DomainError> {
        self.store
            .principal(session_id, user_id, self.clock.now())?
            .ok_or(DomainError::Unauthenticated {
                code: "invalid_token",
            })
    }

    /// One more failure of this login (a wrong password at sign-in, or a wrong current
    /// password when changing it), recorded with its audit event: it may lock the login.
    pub(crate) fn count_failure(
        &self,
        key: &str,
        failures: i32,
        now: DateTime<Utc>,
        ev: &AuditDraft,
    ) -> Result<(), DomainError> {
        let t = LoginThrottle {
            login: key.to_owned(),
            failures: failures + 1,
            last_failure_at: now,
            locked_until: auth::lock_after(failures + 1, now),
        };
        self.store.record_login_failure(&t, ev)
    }

    /// Failures of this login that still count, and how long to hold the answer back;
    /// refuses (and audits the refusal) while the login is locked.
    pub(crate) fn throttle(
        &self,
        key: &str,
        base: &AuditDraft,
        now: DateTime<Utc>,
    ) -> Result<(i32, Option<std::time::Duration>), DomainError> {
        let throttle = self.store.login_throttle(key)?;
        let failures = throttle.as_ref().map_or(0, |t| {
            auth::live_failures(t.failures, t.last_failure_at, t.locked_until, now)
        });
        match auth::throttle_verdict(
            failures,
            throttle.as_ref().and_then(|t| t.locked_until),
            now,
        ) {
            ThrottleVerdict::Locked { retry_after_secs } => {
                let ev = base.clone().outcome(Outcome::Denied).detail("locked");
                self.store.append_audit(&[ev])?;
                Err(DomainError::TooManyAttempts { retry_after_secs })
            }
            ThrottleVerdict::Slow(d) => Ok((failures, Some(d))),
            ThrottleVerdict::Allow => Ok((failures, None)),
        }
    }

    /// Checks the password and the second factor; starts a session or counts a failure.
    fn check_and_start(
        &self,
        key: &str,
        base: AuditDraft,
        password: &str,
        second_factor: Option<&str>,
        failures: i32,
        now: DateTime<Utc>,
    ) -> Result<Issued, DomainError> {
        let creds = self.store.credentials_by_login(key)?;
        let ok_user = match &creds {
            Some(c) => auth::verify_password(&c.password_hash, password).then_some(&c.user),
            None => {
                auth::verify_against_dummy(password);
                None
            }
        };
        // An inactive user with the right password is answered like a wrong password: the
        // answer must not tell an attacker which logins exist.
        let ok_user = ok_user.filter(|u| u.active);
        // Which factor proved who the caller is, or the failure's code.
        let proof = match (ok_user, &creds) {
            (Some(u), Some(c)) if c.totp_enabled => {
                match self.second_factor(&base, u, c, second_factor, now)? {
                    Some(factor) => Ok((u, factor)),
                    None => Err("invalid_totp"),
                }
            }
            (Some(u), _) => Ok((u, "password")),
            (None, _) => Err("invalid_credentials"),
        };
        match proof {
            Ok((user, factor)) => self.start_session(key, base, user, factor, now),
            Err(code) => {
                let mut ev = base.outcome(Outcome::Denied).detail(code);
                if let Some(c) = &creds {
                    ev.actor_id = Some(c.user.id);
                    ev.center_id = c.user.center_id;
                }
                self.count_failure(key, failures, now, &ev)?;
                Err(DomainError::Unauthenticated { code })
            }
        }
    }

    /// The second step for an enrolled user whose password was right: the factor that was
    /// accepted (`totp` or `recovery_code`), or `None` for a wrong code. Without a code the
    /// answer is `totp_required` — not a failure, the normal second step.
    fn second_factor(
        &self,
        base: &AuditDraft,
        user: &User,
        creds: &UserCredentials,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<&'static str>, DomainError> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            let mut ev = base
                .clone()
                .outcome(Outcome::Denied)
                .detail("totp_required");
            ev.actor_id = Some(user.id);
            ev.center_id = user.center_id;
            self.store.append_audit(&[ev])?;
            return Err(DomainError::Unauthenticated {
                code: "totp_required",
            });
        };
        if totp::is_code(code) {
            let step = creds
                .totp_secret
                .as_deref()
                .and_then(|s| totp::verify(s, code, now.timestamp(), creds.totp_last_step));
            let accepted = match step {
                Some(step) => self.store.use_totp_step(user.id, step)?,
                None => false,
            };
            Ok(accepted.then_some("totp"))
        } else {
            let accepted =
                self.store
                    .use_recovery_code(user.id, &totp::recovery_hash(code), now)?;
            Ok(accepted.then_some("recovery_code"))
        }
    }

    fn start_session(
        &self,
        key: &str,
        base: AuditDraft,
        user: &User,
        factor: &str,
        now: DateTime<Utc>,
    ) -> Result<Issued, DomainError> {
        let session = Session {
            id: Uuid::now_v7(),
            user_id: user.id,
            created_at: now,
            expires_at: now + auth::SESSION_TTL,
            revoked_at: None,
        };
        let (refresh_token, refresh_hash) = auth::new_opaque_token("rt_");
        let mut ev = base
            .resource(session.id)
            .center(user.center_id)
            .detail(format!("factor={factor}"));
        ev.actor_kind = "user";
        ev.actor_id = Some(user.id);
        ev.actor_role = Some(user.role.as_str().to_owned());
        self.store
            .start_session(&session, &refresh_hash, key, &ev)
            .map(|()| Issued {
                user_id: user.id,
                session_id: session.id,
                refresh_token,
            })
    }
}
