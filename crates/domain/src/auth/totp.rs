//! Time-based one-time passwords (RFC 6238; HMAC-SHA1, 6 digits, 30-second steps — what
//! authenticator apps expect) and one-time recovery codes. The codes and base32 come from
//! `totp-rs`; what is ours is the rule that a step is accepted once.

use rand::RngCore;
use totp_rs::{Algorithm, Secret, Totp};

pub const STEP_SECONDS: i64 = 30;
pub const RECOVERY_CODES: usize = 10;
const DIGITS: u8 = 6;

/// A new 160-bit secret, base32 (RFC 4648, no padding), as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    Secret::from(bytes).to_base32()
}

/// Reads base32 as people type it: any case, with spaces or padding.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let clean: String = s
        .chars()
        .filter(|c| *c != '=' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Secret::try_from_base32(clean)
        .ok()
        .map(|s| s.as_bytes().to_vec())
}

/// The generator for a secret, with no drift allowed: [`verify`] walks the steps itself.
fn totp(secret: &[u8], digits: u8) -> Option<Totp> {
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(STEP_SECONDS.unsigned_abs())
        .with_secret(secret)
        .build()
        .ok()
}

/// The first second of a time step, as the generator takes it.
fn step_start(step: i64) -> Option<u64> {
    u64::try_from(step)
        .ok()?
        .checked_mul(STEP_SECONDS.unsigned_abs())
}

/// The 6-digit code of a time step (`None` for a secret shorter than RFC 4226's 128 bits).
pub fn code(secret: &[u8], step: i64) -> Option<u32> {
    totp(secret, DIGITS)?
        .generate(step_start(step)?)
        .to_string()
        .parse()
        .ok()
}

pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step a code belongs to, if it is valid now (allowing one step of clock drift either
/// way) and newer than `last_step` (a code is good once).
pub fn verify(secret_b32: &str, input: &str, unix_seconds: i64, last_step: i64) -> Option<i64> {
    let input = input.trim();
    if !is_code(input) {
        return None;
    }
    let totp = totp(&base32_decode(secret_b32)?, DIGITS)?;
    let now = step_at(unix_seconds);
    (now - 1..=now + 1)
        .find(|s| *s > last_step && step_start(*s).is_some_and(|t| totp.check(input, t).is_some()))
}

/// Whether an input looks like a TOTP code rather than a recovery code.
pub fn is_code(input: &str) -> bool {
    let t = input.trim();
    t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())
}

/// `otpauth://` URI for authenticator apps (shown as a QR code).
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// Ten recovery codes like `k7dq-2mxa-p9fh` (lower-case base32, 60 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 8];
            rand::thread_rng().fill_bytes(&mut bytes);
            let s = base32(&bytes).to_ascii_lowercase();
            format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
        })
        .collect()
}

/// Recovery codes are compared by hash, ignoring case, spaces and hyphens.
pub fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    super::hash_token(&norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits → last 6.
        let secret = b"12345678901234567890";
        for (t, want) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
        ] {
            assert_eq!(code(secret, step_at(t)), Some(want % 1_000_000), "t={t}");
            let eight = totp(secret, 8)
                .unwrap()
                .generate(step_start(step_at(t)).unwrap());
            assert_eq!(eight.to_string(), format!("{want:08}"), "t={t}");
        }
    }

    #[test]
    fn base32_round_trip_and_verify_once() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        let bytes = base32_decode(&s).unwrap();
        assert_eq!(base32(&bytes), s);
        let now = 1_800_000_000;
        let c = format!("{:06}", code(&bytes, step_at(now)).unwrap());
        let step = verify(&s, &c, now, 0).unwrap();
        assert_eq!(verify(&s, &c, now, step), None, "a code is good once");
        assert!(verify(&s, &c, now + 30, 0).is_some(), "one step of drift");
        assert!(verify(&s, &c, now + 90, 0).is_none());
        assert!(verify(&s, "12345", now, 0).is_none());
        assert_eq!(base32_decode(&s.to_lowercase()).unwrap(), bytes);
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI", "RFC 4648 section 10");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert!(
            otpauth_uri("Tsunagu", "sato", &s).starts_with("otpauth://totp/Tsunagu:sato?secret=")
        );
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            recovery_hash(&codes[0].to_uppercase().replace('-', " ")),
            recovery_hash(&codes[0])
        );
    }
}
