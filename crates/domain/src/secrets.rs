//! Opaque secrets (refresh tokens, API-client secrets, recovery codes' hashes): made and
//! hashed here, below every feature, so sign-in and integrations share one way of doing it
//! without importing each other.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// An opaque secret (256 random bits, base64url) and the hash that is stored in its place.
pub fn new_opaque_token(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("{prefix}{}", base64url(&bytes));
    let hash = hash_token(&token);
    (token, hash)
}

/// SHA-256 is right for high-entropy random tokens (unlike passwords, they cannot be guessed).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
