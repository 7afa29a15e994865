//! Sign-in: the rules (the password policy, password hashing, refresh tokens and the
//! throttle on repeated failures, here) and the use cases — signing in and out
//! ([`sign_in`]), changing one's own password ([`password`]) and setting up a second factor
//! ([`two_factor`]), which an administrator may reset. Token *signing* is the HTTP
//! adapter's business; what a token means is here.

pub mod hashing;
pub mod password;
pub mod sign_in;
pub mod totp;
pub mod two_factor;

pub use crate::secrets::{hash_token, new_opaque_token};

use crate::error::FieldError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use std::sync::OnceLock;

/// NIST SP 800-63B: at least 12 here (the bar), long passphrases welcome.
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Access tokens live ten minutes; the refresh token keeps a session going.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(10);
/// A session ends twelve hours after sign-in however often it is refreshed: one working day.
pub const SESSION_TTL: Duration = Duration::hours(12);

/// Failures of one login before answers are slowed down.
pub const SLOW_AFTER_FAILURES: i32 = 3;
/// Failures of one login before it is locked for a while.
pub const LOCK_AFTER_FAILURES: i32 = 5;
/// A quiet spell after which earlier failures are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
const MAX_LOCK: Duration = Duration::hours(1);

/// Checks a new password against the policy: length, and not obviously guessable (zxcvbn
/// score of at least 3, with the person's own login and name counted as guessable).
/// No composition rules: they make passwords worse, not better.
pub fn check_password_policy(
    field: &str,
    password: &str,
    user_inputs: &[&str],
) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(
            field,
            "password_too_short",
            format!("must be at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(FieldError::new(
            field,
            "password_too_long",
            format!("must be at most {PASSWORD_MAX_CHARS} characters"),
        ));
    }
    let score: u8 = zxcvbn::zxcvbn(password, user_inputs).score().into();
    if score < 3 {
        return Err(FieldError::new(
            field,
            "password_too_weak",
            "is too easy to guess; a few unrelated words make a strong passphrase",
        ));
    }
    Ok(())
}

/// Hashes with argon2id, m=19456 KiB, t=2, p=1 (OWASP's minimum; the crate's default), on
/// the bounded hashing pool ([`hashing`]).
pub fn hash_password(password: &str) -> Result<String, crate::DomainError> {
    let password = zeroize::Zeroizing::new(password.to_owned());
    hashing::run(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| crate::DomainError::Internal(format!("argon2 hash: {e}")))
    })
    .unwrap_or_else(|| Err(crate::DomainError::Internal("argon2 hash panicked".into())))
}

/// Checks a password against its hash, on the bounded hashing pool ([`hashing`]).
pub fn verify_password(hash: &str, password: &str) -> bool {
    let (hash, password) = (
        hash.to_owned(),
        zeroize::Zeroizing::new(password.to_owned()),
    );
    hashing::run(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .unwrap_or(false)
}

/// Spends the same time as a real check, so an unknown login cannot be told apart from a
/// wrong password by the answer's timing.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY
        .get_or_init(|| hash_password("tsunagu dummy password for timing").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// What the throttle says about one more attempt of a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allow,
    /// Allowed, but answer only after this delay (slows guessing without locking anyone out).
    Slow(std::time::Duration),
    Locked {
        retry_after_secs: u64,
    },
}

/// Failures that still count at `now`: older ones lapse after a quiet [`FAILURE_WINDOW`],
/// unless a lock is still running.
pub fn live_failures(
    failures: i32,
    last_failure_at: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> i32 {
    let locked = locked_until.is_some_and(|t| t > now);
    if !locked && now - last_failure_at > FAILURE_WINDOW {
        0
    } else {
        failures
    }
}

pub fn throttle_verdict(
    failures: i32,
    locked_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ThrottleVerdict {
    if let Some(until) = locked_until.filter(|t| *t > now) {
        let secs = (until - now).num_seconds().max(1);
        return ThrottleVerdict::Locked {
            retry_after_secs: u64::try_from(secs).unwrap_or(1),
        };
    }
    if failures >= SLOW_AFTER_FAILURES {
        return ThrottleVerdict::Slow(std::time::Duration::from_millis(750));
    }
    ThrottleVerdict::Allow
}

/// After the `failures`-th failure in a row: lock for 1, 2, 4 … minutes, at most an hour.
pub fn lock_after(failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if failures < LOCK_AFTER_FAILURES {
        return None;
    }
    let exp = u32::try_from(failures - LOCK_AFTER_FAILURES)
        .unwrap_or(0)
        .min(6);
    let lock = Duration::minutes(1i64 << exp).min(MAX_LOCK);
    Some(now + lock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn policy_refuses_short_and_weak() {
        assert_eq!(
            check_password_policy("p", "short", &[]).unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            check_password_policy("p", "passwordpassword", &[])
                .unwrap_err()
                .code,
            "password_too_weak"
        );
        assert_eq!(
            check_password_policy("p", "sato.hanako2026", &["sato.hanako"])
                .unwrap_err()
                .code,
            "password_too_weak"
        );
        assert!(check_password_policy("p", "correct horse battery staple", &[]).is_ok());
        assert!(check_password_policy("p", &"x".repeat(300), &[]).is_err());
        // Japanese passphrases count characters, not bytes.
        assert!(check_password_policy("p", "つなぐ難病相談支援センター広島二〇二六", &[]).is_ok());
    }

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash_password("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery staple"));
        assert!(!verify_password(&h, "correct horse battery stapler"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_opaque_token("rt_");
        let (b, _) = new_opaque_token("rt_");
        assert_ne!(a, b);
        assert!(a.starts_with("rt_") && a.len() == 3 + 43, "{a}");
        assert_eq!(hash_token(&a), ha);
    }

    #[test]
    fn throttle_slows_then_locks_and_lapses() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(throttle_verdict(0, None, now), ThrottleVerdict::Allow);
        assert!(matches!(
            throttle_verdict(3, None, now),
            ThrottleVerdict::Slow(_)
        ));
        assert_eq!(lock_after(4, now), None);
        let until = lock_after(5, now).unwrap();
        assert_eq!(until - now, Duration::minutes(1));
        assert_eq!(lock_after(7, now).unwrap() - now, Duration::minutes(4));
        assert_eq!(lock_after(40, now).unwrap() - now, Duration::hours(1));
        assert_eq!(
            throttle_verdict(5, Some(until), now),
            ThrottleVerdict::Locked {
                retry_after_secs: 60
            }
        );
        assert_eq!(live_failures(4, now, None, now + Duration::minutes(16)), 0);
        assert_eq!(live_failures(4, now, None, now + Duration::minutes(14)), 4);
    }
}
