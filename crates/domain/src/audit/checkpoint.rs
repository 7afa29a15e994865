//! Signed checkpoints of the audit chain: a statement that at `time` the chain reached `seq`
//! with hash `hash` (and had its upgrade point at `keyed_from`), signed with HMAC-SHA256
//! under the audit MAC key of data key `key_id`.
//!
//! A checkpoint is meant to leave the database (printed, mailed, kept in another system):
//! whoever can write the database but does not hold the data key can neither make one nor
//! change one, so a checkpoint kept elsewhere pins everything at or before its `seq`. It is
//! a MAC, not a public-key signature: checking one needs the data key, and whoever holds
//! that key could also make one.
//!
//! The text form, one field a line, fixed order:
//!
//! ```text
//! tsunagu audit checkpoint v1
//! seq: 42
//! hash: 9f86d0…
//! keyed_from: 1
//! time: 2026-12-03T10:00:00.000000Z
//! key_id: 1a2b3c4d
//! mac: 5e88…
//! ```
//!
//! The MAC covers the first six lines exactly as [`Checkpoint::encode`] writes them
//! (each followed by a line feed).

use super::Pin;
use crate::data_keys::{DataKeys, hmac_sha256};
use chrono::{DateTime, SecondsFormat, Utc};

const HEADER: &str = "tsunagu audit checkpoint v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint: {0}")]
    Malformed(&'static str),
    #[error("the checkpoint was signed under data key {0}, which is not configured")]
    UnknownKey(String),
    #[error(
        "the checkpoint's signature does not check out: it was changed or not made with this key"
    )]
    BadSignature,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub keyed_from: i64,
    pub time: DateTime<Utc>,
    pub key_id: String,
    /// HMAC-SHA256, hex.
    pub mac: String,
}

impl Checkpoint {
    /// Signs the chain's state under the current data key's audit MAC key.
    pub fn sign(
        keys: &DataKeys,
        seq: i64,
        hash: &str,
        keyed_from: i64,
        time: DateTime<Utc>,
    ) -> Self {
        let (key_id, key) = keys.current_audit_mac_key();
        let mut cp = Self {
            seq,
            hash: hash.to_owned(),
            keyed_from,
            // Microseconds, as written, so that a parsed checkpoint signs the same text.
            time: time
                .to_rfc3339_opts(SecondsFormat::Micros, true)
                .parse()
                .unwrap_or(time),
            key_id: key_id.to_owned(),
            mac: String::new(),
        };
        cp.mac = hex::encode(hmac_sha256(key, &[cp.signed_text().as_bytes()]));
        cp
    }

    /// The lines the MAC covers.
    fn signed_text(&self) -> String {
        format!(
            "{HEADER}\nseq: {}\nhash: {}\nkeyed_from: {}\ntime: {}\nkey_id: {}\n",
            self.seq,
            self.hash,
            self.keyed_from,
            self.time.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.key_id
        )
    }

    /// The text form (see the module documentation).
    pub fn encode(&self) -> String {
        format!("{}mac: {}\n", self.signed_text(), self.mac)
    }

    /// Reads the text form. Blank lines, surrounding white space and `#` comment lines are
    /// skipped, so a checkpoint survives being pasted into a mail or a ticket.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        use CheckpointError::Malformed;
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        if lines.next() != Some(HEADER) {
            return Err(Malformed(
                "the first line must be `tsunagu audit checkpoint v1`",
            ));
        }
        let mut field = |name: &'static str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(':'))
                .map(str::trim)
                .ok_or(Malformed("a field is missing or out of order"))
        };
        let seq = field("seq")?;
        let hash = field("hash")?;
        let keyed_from = field("keyed_from")?;
        let time = field("time")?;
        let key_id = field("key_id")?;
        let mac = field("mac")?;
        let is_hex = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        let cp = Self {
            seq: seq
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or(Malformed("seq must be a number"))?,
            hash: Some(hash)
                .filter(|h| is_hex(h, 64))
                .ok_or(Malformed("hash must be 64 lowercase hex digits"))?
                .to_owned(),
            keyed_from: keyed_from
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(Malformed("keyed_from must be a positive number"))?,
            time: DateTime::parse_from_rfc3339(time)
                .map_err(|_| Malformed("time must be an RFC 3339 time"))?
                .with_timezone(&Utc),
            key_id: Some(key_id)
                .filter(|k| is_hex(k, 8))
                .ok_or(Malformed("key_id must be 8 lowercase hex digits"))?
                .to_owned(),
            mac: Some(mac)
                .filter(|m| is_hex(m, 64))
                .ok_or(Malformed("mac must be 64 lowercase hex digits"))?
                .to_owned(),
        };
        if lines.next().is_some() {
            return Err(Malformed("there is more after the mac line"));
        }
        Ok(cp)
    }

    /// Checks the signature; on success, the point of the chain it pins.
    pub fn verify(&self, keys: &DataKeys) -> Result<Pin, CheckpointError> {
        let key = keys
            .audit_mac_key(&self.key_id)
            .ok_or_else(|| CheckpointError::UnknownKey(self.key_id.clone()))?;
        let want = hmac_sha256(key, &[self.signed_text().as_bytes()]);
        let got = hex::decode(&self.mac).map_err(|_| CheckpointError::BadSignature)?;
        // Constant time, though a checkpoint is checked offline: it costs nothing.
        let same = want.len() == got.len()
            && want.iter().zip(&got).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(CheckpointError::BadSignature);
        }
        Ok(Pin {
            seq: self.seq,
            hash: self.hash.clone(),
            keyed_from_seq: self.keyed_from,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_keys::generate_key;
    use chrono::TimeZone;

    fn keys() -> DataKeys {
        DataKeys::from_base64(&generate_key(), &[]).unwrap()
    }

    fn sample(k: &DataKeys) -> Checkpoint {
        let t = Utc.timestamp_opt(1_800_000_000, 123_456_789).unwrap();
        Checkpoint::sign(k, 42, &"ab".repeat(32), 7, t)
    }

    #[test]
    fn a_checkpoint_round_trips_and_verifies() {
        let k = keys();
        let cp = sample(&k);
        let text = cp.encode();
        assert!(
            text.starts_with("tsunagu audit checkpoint v1\nseq: 42\n"),
            "{text}"
        );
        assert!(
            text.contains("time: 2027-01-15T08:00:00.123456Z\n"),
            "{text}"
        );
        let back = Checkpoint::parse(&text).unwrap();
        assert_eq!(back, cp);
        assert_eq!(
            back.verify(&k).unwrap(),
            Pin {
                seq: 42,
                hash: "ab".repeat(32),
                keyed_from_seq: 7
            }
        );
        // Pasted with comments, indentation and CRLF line ends.
        let pasted = format!("# kept in the safe\r\n\r\n{}", text.replace('\n', "\r\n  "));
        assert_eq!(Checkpoint::parse(&pasted).unwrap(), cp);
    }

    #[test]
    fn a_changed_checkpoint_or_another_key_is_refused() {
        let k = keys();
        let cp = sample(&k);
        for (from, to) in [
            ("seq: 42", "seq: 43"),
            ("keyed_from: 7", "keyed_from: 1"),
            ("time: 2027", "time: 2028"),
        ] {
            let text = cp.encode().replace(from, to);
            assert_eq!(
                Checkpoint::parse(&text).unwrap().verify(&k),
                Err(CheckpointError::BadSignature),
                "{to}"
            );
        }
        let mut other_hash = cp.clone();
        other_hash.hash = "cd".repeat(32);
        assert_eq!(other_hash.verify(&k), Err(CheckpointError::BadSignature));
        // Made with a key of someone's own.
        let forger = keys();
        assert_eq!(
            sample(&forger).verify(&k),
            Err(CheckpointError::UnknownKey(forger.current_id().to_owned()))
        );
        let mut renamed = sample(&forger);
        renamed.key_id = k.current_id().to_owned();
        assert_eq!(renamed.verify(&k), Err(CheckpointError::BadSignature));
    }

    #[test]
    fn an_old_key_still_checks_the_checkpoints_it_signed() {
        let old = generate_key();
        let cp = sample(&DataKeys::from_base64(&old, &[]).unwrap());
        let rotated = DataKeys::from_base64(&generate_key(), &[&old]).unwrap();
        assert!(cp.verify(&rotated).is_ok());
        let dropped = DataKeys::from_base64(&generate_key(), &[]).unwrap();
        assert!(matches!(
            cp.verify(&dropped),
            Err(CheckpointError::UnknownKey(_))
        ));
    }

    #[test]
    fn malformed_checkpoints_are_refused() {
        let k = keys();
        let good = sample(&k).encode();
        for bad in [
            String::new(),
            "hello".to_owned(),
            good.replace("seq: 42", "seq: -1"),
            good.replace("seq: 42", "seq: x"),
            good.replace("hash: ", "hash: zz"),
            good.replace("keyed_from: 7", "keyed_from: 0"),
            good.replace("time: 2027-01-15", "time: yesterday"),
            good.replace("key_id: ", "key_id: 0"),
            good.replace("mac: ", "mac: 00"),
            good.replace("seq: 42\n", ""),
            format!("{good}extra: 1\n"),
        ] {
            assert!(
                matches!(Checkpoint::parse(&bad), Err(CheckpointError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
