//! Changing one's own password (`POST /me/password`): at any time, and necessarily after an
//! administrator chose it (a new account, or a password they set). The current password is
//! checked like a sign-in — a wrong one counts toward the same lockout as a wrong password
//! at sign-in, so a stolen session cannot be used to guess it — and the new one passes the
//! same policy as every password.

use crate::app::Ctx;
use crate::audit::{AuditDraft, Outcome};
use crate::auth;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::values::Login;

crate::facade!(
    /// One's own password: `services.password()`.
    Password,
    password
);

/// The result of a change, and how long to hold the answer back (the sign-in throttle's
/// slow-down, applied to successes and failures alike).
#[derive(Debug)]
pub struct PasswordAttempt {
    pub result: Result<(), DomainError>,
    pub delay: Option<std::time::Duration>,
}

fn incorrect_current() -> DomainError {
    DomainError::rule(
        "current_password_incorrect",
        "the current password is not correct",
    )
}

/// The new password against the policy (with the person's login and name counted as
/// guessable) and against the current one: a change must change it. Every problem of the
/// new password is reported at once; the current password is checked only after.
pub fn check_new_password(
    current: &str,
    new: &str,
    login: &str,
    display_name: &str,
) -> Result<(), DomainError> {
    let mut v = Validator::new();
    if new == current {
        v.push(FieldError::new(
            "new_password",
            "password_reused",
            "must differ from the current password",
        ));
    } else {
        v.check(auth::check_password_policy(
            "new_password",
            new,
            &[login, display_name],
        ));
    }
    if current.is_empty() {
        v.push(FieldError::new(
            "current_password",
            "required",
            "is required",
        ));
    }
    v.finish()
}

impl Password<'_> {
    /// Changes the caller's password: clears `must_change_password`, signs out their other
    /// sessions (this one goes on) and forgets the login's failed attempts. Audited, with
    /// refusals; never with either password.
    #[tracing::instrument(skip_all, fields(user_id = %ctx.actor.user_id))]
    pub fn change(&self, ctx: &Ctx, current: &str, new: &str) -> PasswordAttempt {
        let now = self.clock.now();
        let key = Login::normalise(&ctx.actor.login);
        let base = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::PasswordChange)
            .resource(ctx.actor.user_id);
        let (failures, delay) = match self.sign_in().throttle(&key, &base, now) {
            Ok(t) => t,
            Err(e) => {
                return PasswordAttempt {
                    result: Err(e),
                    delay: None,
                };
            }
        };
        let result = self.check_and_change(ctx, &key, base, current, new, failures);
        PasswordAttempt { result, delay }
    }

    fn check_and_change(
        &self,
        ctx: &Ctx,
        key: &str,
        base: AuditDraft,
        current: &str,
        new: &str,
        failures: i32,
    ) -> Result<(), DomainError> {
        let actor = &ctx.actor;
        let now = base.occurred_at;
        if actor.is_client() {
            return Err(crate::policy::insufficient_role());
        }
        check_new_password(current, new, &actor.login, &actor.display_name)?;
        let creds = self
            .store
            .credentials_by_login(key)?
            .filter(|c| c.user.id == actor.user_id)
            .ok_or(DomainError::Unauthenticated {
                code: "invalid_token",
            })?;
        if !auth::verify_password(&creds.password_hash, current) {
            let ev = base
                .outcome(Outcome::Denied)
                .detail("current_password_incorrect");
            self.sign_in().count_failure(key, failures, now, &ev)?;
            return Err(incorrect_current());
        }
        let hash = auth::hash_password(new)?;
        let ev = base.detail(format!("required={}", actor.must_change_password));
        self.store
            .change_password(actor.user_id, actor.session_id, &hash, key, now, &ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Result<(), DomainError>) -> Vec<(String, &'static str)> {
        match r {
            Ok(()) => vec![],
            Err(DomainError::Validation(errs)) => {
                errs.into_iter().map(|e| (e.field, e.code)).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_new_password_must_be_strong_and_new() {
        let strong = "correct horse battery staple";
        assert!(check_new_password("initial words here 1", strong, "sato", "佐藤").is_ok());
        assert_eq!(
            fields(check_new_password(strong, strong, "sato", "佐藤")),
            [("new_password".to_owned(), "password_reused")]
        );
        assert_eq!(
            fields(check_new_password("x", "short", "sato", "佐藤")),
            [("new_password".to_owned(), "password_too_short")]
        );
        // The person's own login does not make a password strong.
        assert_eq!(
            fields(check_new_password(
                "x",
                "sato.hanako2026",
                "sato.hanako",
                "佐藤"
            )),
            [("new_password".to_owned(), "password_too_weak")]
        );
        assert_eq!(
            fields(check_new_password("", strong, "sato", "佐藤")),
            [("current_password".to_owned(), "required")]
        );
    }
}
