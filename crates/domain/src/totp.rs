//! Time-based one-time passwords (RFC 6238; HMAC-SHA1, 6 digits, 30-second steps — what
//! authenticator apps expect) and one-time recovery codes.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const RECOVERY_CODES: usize = 10;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new 160-bit secret, base32 (RFC 4648, no padding), as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for b in bytes {
        buf = (buf << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buf >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buf << (5 - bits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())?;
        buf = (buf << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buf >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

/// The 6-digit code of a time step.
pub fn code(secret: &[u8], step: i64) -> Option<u32> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0F);
    let bin = (u32::from(h[offset] & 0x7F) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    Some(bin % 1_000_000)
}

pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step a code belongs to, if it is valid now (allowing one step of clock drift either
/// way) and newer than `last_step` (a code is good once).
pub fn verify(secret_b32: &str, input: &str, unix_seconds: i64, last_step: i64) -> Option<i64> {
    let input = input.trim();
    if input.len() != 6 || !input.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = input.parse().ok()?;
    let secret = base32_decode(secret_b32)?;
    let now = step_at(unix_seconds);
    (now - 1..=now + 1).find(|s| *s > last_step && code(&secret, *s) == Some(want))
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
    crate::auth::hash_token(&norm)
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
