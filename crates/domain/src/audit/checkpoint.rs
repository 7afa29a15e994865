//! Signed checkpoints of the audit chains: a statement that at `time` each chain reached its
//! `seq` with hash `hash` (and had its upgrade point at `keyed_from`), signed with
//! HMAC-SHA256 under the audit MAC key of data key `key_id`.
//!
//! A checkpoint is meant to leave the database (printed, mailed, kept in another system):
//! whoever can write the database but does not hold the data key can neither make one nor
//! change one, so a checkpoint kept elsewhere pins everything at or before its `seq` in each
//! chain it names — and that those chains exist: a center's chain removed whole, head and
//! all, is found. It is a MAC, not a public-key signature: checking one needs the data key,
//! and whoever holds that key could also make one.
//!
//! The text form, one field a line, fixed order; one `chain`/`seq`/`hash`/`keyed_from` group
//! per chain, in the order the chains are locked (centers by id, the platform last):
//!
//! ```text
//! tsunagu audit checkpoint v2
//! time: 2026-12-03T10:00:00.000000Z
//! key_id: 1a2b3c4d
//! chain: 0193a1b2-…
//! seq: 7
//! hash: 3c1f…
//! keyed_from: 1
//! chain: platform
//! seq: 42
//! hash: 9f86d0…
//! keyed_from: 1
//! mac: 5e88…
//! ```
//!
//! The MAC covers every line before `mac` exactly as [`Checkpoint::encode`] writes them
//! (each followed by a line feed). A `v1` checkpoint (made before the chains were split:
//! `seq`, `hash`, `keyed_from`, `time`, `key_id`, `mac`) is still read and checked; it
//! pins the platform chain, which is the trail it was made of.

use super::{PLATFORM_CHAIN, Pin};
use crate::data_keys::{DataKeys, hmac_sha256};
use chrono::{DateTime, SecondsFormat, Utc};

const HEADER_V1: &str = "tsunagu audit checkpoint v1";
const HEADER: &str = "tsunagu audit checkpoint v2";

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

/// Where one chain stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainPoint {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
    pub keyed_from: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// 2, or 1 for a checkpoint of the single chain of earlier versions.
    pub version: u8,
    pub time: DateTime<Utc>,
    pub key_id: String,
    pub chains: Vec<ChainPoint>,
    /// HMAC-SHA256, hex.
    pub mac: String,
}

impl Checkpoint {
    /// Signs the chains' state under the current data key's audit MAC key.
    pub fn sign(keys: &DataKeys, chains: Vec<ChainPoint>, time: DateTime<Utc>) -> Self {
        let (key_id, key) = keys.current_audit_mac_key();
        let mut cp = Self {
            version: 2,
            // Microseconds, as written, so that a parsed checkpoint signs the same text.
            time: time
                .to_rfc3339_opts(SecondsFormat::Micros, true)
                .parse()
                .unwrap_or(time),
            key_id: key_id.to_owned(),
            chains,
            mac: String::new(),
        };
        cp.mac = hex::encode(hmac_sha256(key, &[cp.signed_text().as_bytes()]));
        cp
    }

    /// The point of `chain`, if the checkpoint names it.
    pub fn chain(&self, chain: &str) -> Option<&ChainPoint> {
        self.chains.iter().find(|c| c.chain == chain)
    }

    /// The lines the MAC covers.
    fn signed_text(&self) -> String {
        let time = self.time.to_rfc3339_opts(SecondsFormat::Micros, true);
        if self.version == 1 {
            let (seq, hash, keyed_from) = self
                .chains
                .first()
                .map_or((0, "", 1), |c| (c.seq, c.hash.as_str(), c.keyed_from));
            return format!(
                "{HEADER_V1}\nseq: {seq}\nhash: {hash}\nkeyed_from: {keyed_from}\ntime: {time}\nkey_id: {}\n",
                self.key_id
            );
        }
        let mut out = format!("{HEADER}\ntime: {time}\nkey_id: {}\n", self.key_id);
        for c in &self.chains {
            out.push_str(&format!(
                "chain: {}\nseq: {}\nhash: {}\nkeyed_from: {}\n",
                c.chain, c.seq, c.hash, c.keyed_from
            ));
        }
        out
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
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .peekable();
        let version = match lines.next() {
            Some(HEADER_V1) => 1,
            Some(HEADER) => 2,
            _ => {
                return Err(Malformed(
                    "the first line must be `tsunagu audit checkpoint v2` (or v1)",
                ));
            }
        };
        let point = |chain: &str, seq: &str, hash: &str, keyed_from: &str| {
            Ok(ChainPoint {
                chain: Some(chain)
                    .filter(|c| chain_name_ok(c))
                    .ok_or(Malformed("chain must be `platform` or a center's id"))?
                    .to_owned(),
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
            })
        };
        let (time, key_id, chains) = if version == 1 {
            let seq = field(&mut lines, "seq")?;
            let hash = field(&mut lines, "hash")?;
            let keyed_from = field(&mut lines, "keyed_from")?;
            let time = field(&mut lines, "time")?;
            let key_id = field(&mut lines, "key_id")?;
            (
                time,
                key_id,
                vec![point(PLATFORM_CHAIN, seq, hash, keyed_from)?],
            )
        } else {
            let time = field(&mut lines, "time")?;
            let key_id = field(&mut lines, "key_id")?;
            let mut chains: Vec<ChainPoint> = Vec::new();
            while lines.peek().is_some_and(|l| l.starts_with("chain:")) {
                let chain = field(&mut lines, "chain")?;
                let seq = field(&mut lines, "seq")?;
                let hash = field(&mut lines, "hash")?;
                let keyed_from = field(&mut lines, "keyed_from")?;
                let p = point(chain, seq, hash, keyed_from)?;
                if chains.iter().any(|c| c.chain == p.chain) {
                    return Err(Malformed("a chain is named twice"));
                }
                chains.push(p);
            }
            if chains.is_empty() {
                return Err(Malformed("no chain is named"));
            }
            (time, key_id, chains)
        };
        let mac = field(&mut lines, "mac")?;
        let cp = Self {
            version,
            time: DateTime::parse_from_rfc3339(time)
                .map_err(|_| Malformed("time must be an RFC 3339 time"))?
                .with_timezone(&Utc),
            key_id: Some(key_id)
                .filter(|k| is_hex(k, 8))
                .ok_or(Malformed("key_id must be 8 lowercase hex digits"))?
                .to_owned(),
            chains,
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

    /// Checks the signature; on success, the point of each chain it pins.
    pub fn verify(&self, keys: &DataKeys) -> Result<Vec<Pin>, CheckpointError> {
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
        Ok(self
            .chains
            .iter()
            .map(|c| Pin {
                chain: c.chain.clone(),
                seq: c.seq,
                hash: c.hash.clone(),
                keyed_from_seq: c.keyed_from,
            })
            .collect())
    }
}

/// The next line's value, which must be the field `name`.
fn field<'t>(
    lines: &mut impl Iterator<Item = &'t str>,
    name: &'static str,
) -> Result<&'t str, CheckpointError> {
    lines
        .next()
        .and_then(|l| l.strip_prefix(name))
        .and_then(|l| l.strip_prefix(':'))
        .map(str::trim)
        .ok_or(CheckpointError::Malformed(
            "a field is missing or out of order",
        ))
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `platform`, or a center's id (a UUID as stored: lowercase, hyphenated).
fn chain_name_ok(c: &str) -> bool {
    c == PLATFORM_CHAIN
        || (c.len() == 36
            && c.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_keys::generate_key;
    use chrono::TimeZone;

    const CENTER: &str = "0193a1b2-0000-7000-8000-000000000001";

    fn keys() -> DataKeys {
        DataKeys::from_base64(&generate_key(), &[]).unwrap()
    }

    fn t() -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 123_456_789).unwrap()
    }

    fn sample(k: &DataKeys) -> Checkpoint {
        Checkpoint::sign(
            k,
            vec![
                ChainPoint {
                    chain: CENTER.into(),
                    seq: 9,
                    hash: "cd".repeat(32),
                    keyed_from: 1,
                },
                ChainPoint {
                    chain: PLATFORM_CHAIN.into(),
                    seq: 42,
                    hash: "ab".repeat(32),
                    keyed_from: 7,
                },
            ],
            t(),
        )
    }

    #[test]
    fn a_checkpoint_round_trips_and_verifies_per_chain() {
        let k = keys();
        let cp = sample(&k);
        let text = cp.encode();
        assert!(
            text.starts_with(&format!(
                "tsunagu audit checkpoint v2\ntime: 2027-01-15T08:00:00.123456Z\nkey_id: {}\nchain: {CENTER}\nseq: 9\n",
                k.current_id()
            )),
            "{text}"
        );
        let back = Checkpoint::parse(&text).unwrap();
        assert_eq!(back, cp);
        let pins = back.verify(&k).unwrap();
        assert_eq!(pins.len(), 2);
        assert_eq!(
            pins[1],
            Pin {
                chain: PLATFORM_CHAIN.into(),
                seq: 42,
                hash: "ab".repeat(32),
                keyed_from_seq: 7
            }
        );
        assert_eq!(back.chain(CENTER).unwrap().seq, 9);
        // Pasted with comments, indentation and CRLF line ends.
        let pasted = format!("# kept in the safe\r\n\r\n{}", text.replace('\n', "\r\n  "));
        assert_eq!(Checkpoint::parse(&pasted).unwrap(), cp);
    }

    #[test]
    fn a_checkpoint_made_before_the_chains_were_split_pins_the_platform_chain() {
        // As version 1 wrote it: one chain, fields in their old order.
        let k = keys();
        let (key_id, key) = k.current_audit_mac_key();
        let signed = format!(
            "tsunagu audit checkpoint v1\nseq: 42\nhash: {}\nkeyed_from: 7\ntime: 2027-01-15T08:00:00.123456Z\nkey_id: {key_id}\n",
            "ab".repeat(32)
        );
        let text = format!(
            "{signed}mac: {}\n",
            hex::encode(hmac_sha256(key, &[signed.as_bytes()]))
        );
        let cp = Checkpoint::parse(&text).unwrap();
        assert_eq!(cp.version, 1);
        assert_eq!(cp.encode(), text);
        let pins = cp.verify(&k).unwrap();
        assert_eq!(
            pins,
            vec![Pin {
                chain: PLATFORM_CHAIN.into(),
                seq: 42,
                hash: "ab".repeat(32),
                keyed_from_seq: 7
            }]
        );
        let changed = Checkpoint::parse(&text.replace("seq: 42", "seq: 41")).unwrap();
        assert_eq!(changed.verify(&k), Err(CheckpointError::BadSignature));
    }

    #[test]
    fn a_changed_checkpoint_or_another_key_is_refused() {
        let k = keys();
        let cp = sample(&k);
        for (from, to) in [
            ("seq: 42", "seq: 43"),
            ("seq: 9", "seq: 8"),
            ("keyed_from: 7", "keyed_from: 1"),
            ("time: 2027", "time: 2028"),
            (CENTER, "0193a1b2-0000-7000-8000-000000000002"),
        ] {
            let text = cp.encode().replace(from, to);
            assert_eq!(
                Checkpoint::parse(&text).unwrap().verify(&k),
                Err(CheckpointError::BadSignature),
                "{to}"
            );
        }
        let mut other_hash = cp.clone();
        other_hash.chains[0].hash = "ef".repeat(32);
        assert_eq!(other_hash.verify(&k), Err(CheckpointError::BadSignature));
        // A chain left out.
        let mut fewer = cp.clone();
        fewer.chains.remove(0);
        assert_eq!(fewer.verify(&k), Err(CheckpointError::BadSignature));
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
        let center_group = format!(
            "chain: {CENTER}\nseq: 9\nhash: {}\nkeyed_from: 1\n",
            "cd".repeat(32)
        );
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
            good.replace(CENTER, "Center-A"),
            good.replace(&center_group, &format!("{center_group}{center_group}")),
            good.replace(&center_group, "")
                .replace("chain: platform\nseq: 42\n", ""),
            format!("{good}extra: 1\n"),
        ] {
            assert!(
                matches!(Checkpoint::parse(&bad), Err(CheckpointError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
