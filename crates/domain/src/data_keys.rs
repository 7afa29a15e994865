//! Secrets at rest (TOTP secrets, webhook signing secrets, kept idempotent answers): sealed
//! with XChaCha20-Poly1305 under a 256-bit data key that lives outside the database.
//!
//! A sealed value is `enc:v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`. The key id is the
//! first 8 hex digits of SHA-256 over a label and the key, so it names a key without
//! revealing it and needs no bookkeeping; several keys may be configured (the current one
//! seals, every one opens), which is how keys rotate: configure a new current key, keep the
//! old one as an old key, run `tsunagu keys rotate`, then drop the old one.
//!
//! Every value is sealed with a *context* (e.g. `users.totp_secret:<user id>`) as associated
//! data, so a ciphertext copied to another row or column does not open there.
//!
//! Each data key also yields the key of the audit chain's MAC ([`DataKeys::audit_mac_key`]):
//! HKDF-SHA256-Expand (RFC 5869) with the data key as the pseudorandom key and a label of
//! its own, so the audit trail is keyed by what seals secrets without the two uses ever
//! sharing a key, and it carries the data key's id (and rotates with it).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// What every sealed value starts with.
pub const SEALED_PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 24;
const KEY_ID_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "a data key must be 32 bytes in standard base64 (make one with `tsunagu keys generate`)"
    )]
    Malformed,
    #[error("no data key is configured")]
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is not sealed")]
    NotSealed,
    #[error("the value was sealed under key {0}, which is not configured")]
    UnknownKey(String),
    #[error("the sealed value does not open: wrong key, wrong context or tampered")]
    Forged,
}

/// The HKDF `info` of the audit chain's MAC key. Fixed forever: changing it would make
/// every keyed audit event fail verification.
const AUDIT_MAC_INFO: &[u8] = b"tsunagu audit chain mac v1";

/// One data key, its id and the audit MAC key derived from it.
#[derive(Clone)]
struct DataKey {
    id: String,
    cipher: XChaCha20Poly1305,
    audit_mac: [u8; 32],
}

impl DataKey {
    fn new(bytes: &[u8; 32]) -> Self {
        Self {
            id: key_id(bytes),
            cipher: XChaCha20Poly1305::new(bytes.into()),
            audit_mac: hkdf_expand32(bytes, AUDIT_MAC_INFO),
        }
    }
}

/// HKDF-SHA256-Expand for one 32-byte block: `T(1) = HMAC(prk, info ‖ 0x01)`. A data key is
/// 32 uniformly random bytes, so it serves as the pseudorandom key without the extract step
/// (RFC 5869, section 3.3).
fn hkdf_expand32(prk: &[u8; 32], info: &[u8]) -> [u8; 32] {
    hmac_sha256(prk, &[info, &[1]])
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length, so a 32-byte key is never refused.
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of every length")
    };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// The configured data keys: the current one, which seals, and older ones, which only open.
#[derive(Clone)]
pub struct DataKeys {
    current: DataKey,
    old: Vec<DataKey>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Ids only: a key never reaches a log.
        f.debug_struct("DataKeys")
            .field("current", &self.current.id)
            .field("old", &self.old.iter().map(|k| &k.id).collect::<Vec<_>>())
            .finish()
    }
}

/// The id of a key: 8 hex digits of SHA-256("tsunagu-data-key\n" ‖ key).
pub fn key_id(key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"tsunagu-data-key\n");
    h.update(key);
    hex::encode(h.finalize())[..KEY_ID_LEN].to_owned()
}

/// A new random key, base64 (what `tsunagu keys generate` prints and a key file holds).
pub fn generate_key() -> String {
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    STANDARD.encode(k)
}

fn decode_key(b64: &str) -> Result<[u8; 32], KeyError> {
    let bytes = STANDARD
        .decode(b64.trim())
        .map_err(|_| KeyError::Malformed)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Malformed)
}

/// The id a sealed value names, if it is sealed.
pub fn sealed_key_id(value: &str) -> Option<&str> {
    let rest = value.strip_prefix(SEALED_PREFIX)?;
    rest.get(..KEY_ID_LEN)
        .filter(|_| rest.as_bytes().get(KEY_ID_LEN) == Some(&b':'))
}

pub fn is_sealed(value: &str) -> bool {
    sealed_key_id(value).is_some()
}

impl DataKeys {
    /// From base64 keys: the current one and any older ones.
    pub fn from_base64(current: &str, old: &[&str]) -> Result<Self, KeyError> {
        let current = DataKey::new(&decode_key(current)?);
        let old = old
            .iter()
            .map(|k| decode_key(k).map(|k| DataKey::new(&k)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { current, old })
    }

    /// From a key file: one base64 key a line, the first is current, the others old;
    /// blank lines and `#` comments are skipped.
    pub fn from_file_text(text: &str) -> Result<Self, KeyError> {
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let current = keys.next().ok_or(KeyError::Missing)?;
        let old: Vec<&str> = keys.collect();
        Self::from_base64(current, &old)
    }

    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// The audit chain's MAC key derived from the data key with this id, if it is configured.
    pub fn audit_mac_key(&self, id: &str) -> Option<&[u8; 32]> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == id)
            .map(|k| &k.audit_mac)
    }

    /// The current key's id and audit MAC key: what new audit events are chained under.
    pub fn current_audit_mac_key(&self) -> (&str, &[u8; 32]) {
        (&self.current.id, &self.current.audit_mac)
    }

    /// Every configured key's id, current first.
    pub fn ids(&self) -> Vec<&str> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .map(|k| k.id.as_str())
            .collect()
    }

    /// Seals `plaintext` under the current key, bound to `context`.
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption with a valid key and a 24-byte nonce cannot fail for in-memory input
        // of this size; an empty ciphertext would be refused when opened, never accepted.
        let ct = self
            .current
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!(
            "{SEALED_PREFIX}{}:{}",
            self.current.id,
            STANDARD.encode(blob)
        )
    }

    /// Opens a value sealed by [`DataKeys::seal`] with the same context.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, OpenError> {
        let id = sealed_key_id(sealed).ok_or(OpenError::NotSealed)?;
        let key = std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == id)
            .ok_or_else(|| OpenError::UnknownKey(id.to_owned()))?;
        let b64 = &sealed[SEALED_PREFIX.len() + KEY_ID_LEN + 1..];
        let blob = STANDARD.decode(b64).map_err(|_| OpenError::Forged)?;
        if blob.len() < NONCE_LEN + 16 {
            return Err(OpenError::Forged);
        }
        let (nonce, ct) = blob.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| OpenError::Forged)?;
        let plain = key
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Forged)?;
        String::from_utf8(plain).map_err(|_| OpenError::Forged)
    }

    /// Whether a stored value must be (re)sealed to be under the current key: plaintext, or
    /// sealed under an older key.
    pub fn needs_reseal(&self, value: &str) -> bool {
        sealed_key_id(value) != Some(self.current.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (String, String) {
        (generate_key(), generate_key())
    }

    #[test]
    fn a_sealed_value_opens_with_its_key_and_context() {
        let (a, _) = keys();
        let k = DataKeys::from_base64(&a, &[]).unwrap();
        let s = k.seal("users.totp_secret:1", "JBSWY3DPEHPK3PXP");
        assert!(s.starts_with(&format!("enc:v1:{}:", k.current_id())));
        assert!(!s.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            k.open("users.totp_secret:1", &s).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        // Random nonces: the same secret seals differently each time.
        assert_ne!(s, k.seal("users.totp_secret:1", "JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn another_key_with_the_same_id_slot_does_not_open_it() {
        let (a, b) = keys();
        let ka = DataKeys::from_base64(&a, &[]).unwrap();
        let kb = DataKeys::from_base64(&b, &[]).unwrap();
        let s = ka.seal("c", "secret");
        assert_eq!(
            kb.open("c", &s),
            Err(OpenError::UnknownKey(ka.current_id().to_owned()))
        );
        // Even when the id is forged to name the other key, the tag refuses it.
        let forged = s.replace(ka.current_id(), kb.current_id());
        assert_eq!(kb.open("c", &forged), Err(OpenError::Forged));
    }

    #[test]
    fn tampered_ciphertext_or_another_context_fails() {
        let (a, _) = keys();
        let k = DataKeys::from_base64(&a, &[]).unwrap();
        let s = k.seal("webhooks.secret:1", "whsec_abc");
        let mut bytes = s.clone().into_bytes();
        let last = bytes.len() - 3;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert_eq!(
            k.open("webhooks.secret:1", &tampered),
            Err(OpenError::Forged)
        );
        assert_eq!(k.open("webhooks.secret:2", &s), Err(OpenError::Forged));
        assert_eq!(
            k.open("webhooks.secret:1", "whsec_abc"),
            Err(OpenError::NotSealed)
        );
        assert_eq!(
            k.open("webhooks.secret:1", "enc:v1:abcdefgh:"),
            Err(OpenError::UnknownKey("abcdefgh".into()))
        );
    }

    #[test]
    fn the_current_key_seals_and_old_keys_still_open() {
        let (old, new) = keys();
        let before = DataKeys::from_base64(&old, &[]).unwrap();
        let s = before.seal("c", "x");
        let after = DataKeys::from_base64(&new, &[&old]).unwrap();
        assert_eq!(after.open("c", &s).unwrap(), "x");
        assert!(after.needs_reseal(&s));
        let resealed = after.seal("c", "x");
        assert_eq!(sealed_key_id(&resealed), Some(after.current_id()));
        assert!(!after.needs_reseal(&resealed));
        assert!(after.needs_reseal("plaintext"));
        assert_eq!(after.ids(), vec![after.current_id(), before.current_id()]);
    }

    #[test]
    fn a_key_file_lists_the_current_key_first() {
        let (old, new) = keys();
        let text = format!("# tsunagu data keys\n{new}\n\n{old}\n");
        let k = DataKeys::from_file_text(&text).unwrap();
        let n = DataKeys::from_base64(&new, &[]).unwrap();
        let o = DataKeys::from_base64(&old, &[]).unwrap();
        assert_eq!(k.ids(), vec![n.current_id(), o.current_id()]);
        assert_eq!(
            DataKeys::from_file_text("# empty\n").unwrap_err(),
            KeyError::Missing
        );
        assert_eq!(
            DataKeys::from_base64("c2hvcnQ=", &[]).unwrap_err(),
            KeyError::Malformed
        );
    }

    #[test]
    fn the_audit_mac_key_is_derived_per_data_key_and_differs_from_it() {
        let (old, new) = keys();
        let k = DataKeys::from_base64(&new, &[&old]).unwrap();
        let o = DataKeys::from_base64(&old, &[]).unwrap();
        let (id, cur) = k.current_audit_mac_key();
        assert_eq!(id, k.current_id());
        assert_eq!(k.audit_mac_key(id), Some(cur));
        assert_eq!(
            k.audit_mac_key(o.current_id()),
            Some(o.current_audit_mac_key().1),
            "an old key still yields its audit key"
        );
        assert_ne!(cur, o.current_audit_mac_key().1);
        assert_eq!(k.audit_mac_key("abcdefgh"), None);
        let raw: [u8; 32] = STANDARD.decode(&new).unwrap().try_into().unwrap();
        assert_ne!(cur, &raw, "the MAC key is not the data key itself");
        // RFC 5869 test case 1's PRK and OKM, first 32 bytes (info f0..f9, L = 42).
        let prk: [u8; 32] =
            hex::decode("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
                .unwrap()
                .try_into()
                .unwrap();
        let info = hex::decode("f0f1f2f3f4f5f6f7f8f9").unwrap();
        assert_eq!(
            hex::encode(hkdf_expand32(&prk, &info)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    #[test]
    fn key_ids_are_stable_and_do_not_reveal_the_key() {
        let k = [7u8; 32];
        assert_eq!(key_id(&k), key_id(&k));
        assert_eq!(key_id(&k).len(), 8);
        assert_ne!(key_id(&k), key_id(&[8u8; 32]));
        let dbg = format!(
            "{:?}",
            DataKeys::from_base64(&STANDARD.encode(k), &[]).unwrap()
        );
        assert!(!dbg.contains(&STANDARD.encode(k)));
    }
}
