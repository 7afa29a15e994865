//! Setting up two-factor sign-in (TOTP) for one's own account.

use crate::app::Ctx;
use crate::audit::AuditDraft;
use crate::auth::totp;
use crate::error::{DomainError, FieldError};
use crate::events::Action;

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
}
