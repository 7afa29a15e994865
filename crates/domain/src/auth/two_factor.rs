//! Setting up two-factor sign-in (TOTP) for one's own account, and an administrator's
//! reset of a staff member's (a lost phone): they enrol again.

use crate::app::Ctx;
use crate::audit::AuditDraft;
use crate::auth::totp;
use crate::error::{DomainError, FieldError};
use crate::events::Action;
use crate::policy::{self, Reach};
use crate::ports::Scope;
use uuid::Uuid;

crate::facade!(
    /// Two-factor enrolment: `services.two_factor()`.
    TwoFactor,
    two_factor
);

fn already_enabled() -> DomainError {
    DomainError::conflict(
        "totp_already_enabled",
        "two-factor sign-in is already set up for this user",
    )
}

impl TwoFactor<'_> {
    /// Starts (or restarts) enrolment: a new secret and its `otpauth://` URI.
    #[tracing::instrument(skip_all, fields(user_id = %ctx.actor.user_id))]
    pub fn start(&self, ctx: &Ctx) -> Result<(String, String), DomainError> {
        self.guard(ctx, Action::TotpStart, Some(ctx.actor.user_id), || {
            if ctx.actor.totp_enabled {
                return Err(already_enabled());
            }
            let secret = totp::new_secret();
            let ev =
                AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), Action::TotpStart)
                    .resource(ctx.actor.user_id);
            self.store.start_totp(ctx.actor.user_id, &secret, &ev)?;
            let uri = totp::otpauth_uri("Tsunagu", &ctx.actor.login, &secret);
            Ok((secret, uri))
        })
    }

    /// Confirms enrolment with a code from the app; returns the recovery codes (shown once).
    #[tracing::instrument(skip_all, fields(user_id = %ctx.actor.user_id))]
    pub fn confirm(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>, DomainError> {
        self.guard(ctx, Action::TotpEnable, Some(ctx.actor.user_id), || {
            let (secret, enabled, last) = self.store.totp_state(ctx.actor.user_id)?;
            if enabled {
                return Err(already_enabled());
            }
            let Some(secret) = secret else {
                return Err(DomainError::rule(
                    "totp_not_started",
                    "start enrolment first (POST /me/totp)",
                ));
            };
            let now = self.clock.now();
            let Some(step) = totp::verify(&secret, code, now.timestamp(), last) else {
                return Err(DomainError::Validation(vec![FieldError::new(
                    "code",
                    "invalid_totp",
                    "the code does not match; check the app's clock and try the next code",
                )]));
            };
            let codes = totp::new_recovery_codes();
            let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::TotpEnable)
                .resource(ctx.actor.user_id);
            self.store
                .enable_totp(ctx.actor.user_id, step, &hashes, &ev)?;
            Ok(codes)
        })
    }

    /// Removes a staff member's two-factor enrolment — the sealed secret and the recovery
    /// codes — and signs them out everywhere at once; at their next sign-in the password
    /// alone lets them in, and where their center requires a second factor they must enrol
    /// again before anything else. Idempotent: a user with nothing enrolled is answered the
    /// same (their sessions end all the same). One audit event naming the user, saying
    /// whether an enrolment was removed.
    #[tracing::instrument(skip_all, fields(%user_id))]
    pub fn reset(&self, ctx: &Ctx, user_id: Uuid) -> Result<(), DomainError> {
        self.guard(ctx, Action::TotpReset, Some(user_id), || {
            let scope = match policy::reset_second_factor(&ctx.actor, user_id)? {
                Reach::Center(c) => Scope::Center(c),
                Reach::All => Scope::All,
            };
            let user = self
                .store
                .user(scope, user_id)?
                .ok_or(DomainError::NotFound)?;
            policy::reset_second_factor_of(&ctx.actor, user.role)?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::TotpReset)
                .resource(user_id)
                .center(user.center_id)
                .detail(format!("was_enabled={}", user.totp_enabled));
            self.store.reset_totp(user_id, now, &ev)
        })
    }
}
