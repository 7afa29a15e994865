//! The chains themselves: which chain an event belongs to (its center's, or the platform's),
//! how an event is linked to the one before it in its chain (keyed, or plain SHA-256 below the
//! upgrade point), what a stored event and a head row hold, and the walk that finds the first
//! link of a chain that does not hold.

use super::{AuditRecord, GENESIS_HASH};
use crate::data_keys::{DataKeys, hmac_sha256};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The chain of events that concern no center (the system administrator's work, sign-ins
/// that failed before anyone was known, start-up). An upgraded database's whole earlier
/// trail is its start.
pub const PLATFORM_CHAIN: &str = "platform";

/// The chain an event of `center_id` is appended to: its center's own (named by the center's
/// id), so that writes of different centers never wait for each other, or the platform's.
pub fn chain_of(center_id: Option<Uuid>) -> String {
    center_id.map_or_else(|| PLATFORM_CHAIN.to_owned(), |c| c.to_string())
}

/// The order in which a transaction that appends to several chains locks their heads:
/// centers' chains by id, the platform's last. One order for every transaction, so two
/// never wait for each other's heads crosswise (a deadlock). A change stamped under its
/// center's head appends to that same center, so it keeps the order too.
pub fn lock_order<'a>(chains: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = chains.into_iter().collect();
    v.sort_unstable_by_key(|c| (*c == PLATFORM_CHAIN, *c));
    v.dedup();
    v
}

/// The unkeyed link of events written before the chain was keyed:
/// `hash = SHA-256(prev_hash || "\n" || canonical content)`, hex. Anyone can compute it,
/// which is why it is accepted only below the upgrade point.
pub fn chain_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// The keyed link: `hash = HMAC-SHA256(audit key, prev_hash || "\n" || canonical content)`,
/// hex. Without the key (which is not in the database) nobody can compute it, so an event
/// cannot be forged, changed or re-chained unnoticed.
pub fn keyed_chain_hash(key: &[u8; 32], prev_hash: &str, canonical: &str) -> String {
    hex::encode(hmac_sha256(
        key,
        &[prev_hash.as_bytes(), b"\n", canonical.as_bytes()],
    ))
}

/// A stored event: the draft plus its place in its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// The global order of the audit list (and its cursor): rising, but not part of any
    /// hash and, on PostgreSQL, with gaps (drawn from a sequence without a lock).
    pub seq: i64,
    /// The chain: a center's id, or [`PLATFORM_CHAIN`].
    pub chain: String,
    /// The place in the chain: 1, 2, 3, … without gaps; what the link hashes.
    pub chain_seq: i64,
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
    /// The data key whose audit MAC key chained it; `None` for an unkeyed event written
    /// before the upgrade.
    pub key_id: Option<String>,
}

/// A chain's head row: where the chain must end, and from which `seq` on every event must
/// be keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub chain: String,
    /// The chain's last `chain_seq` (0 when it has no event yet).
    pub seq: i64,
    pub hash: String,
    /// The first `seq` written after the chain became keyed (1 for a database created keyed).
    pub keyed_from_seq: i64,
}

/// The first link of the chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The chain it is in.
    pub chain: String,
    /// The event's place in its chain (`chain_seq`), or for `truncated` the first one that
    /// is missing.
    pub seq: i64,
    /// Its id; empty when the event is missing.
    pub id: String,
    /// One of [`reasons`].
    pub reason: &'static str,
}

/// Why a link does not hold.
pub mod reasons {
    /// The event's content (or hash) is not what was chained.
    pub const CONTENT_CHANGED: &str = "content_changed";
    /// The event does not continue the one before it: a row before it was deleted, or one
    /// was inserted.
    pub const PREVIOUS_HASH_MISMATCH: &str = "previous_hash_mismatch";
    /// A `seq` is missing: rows were deleted.
    pub const SEQUENCE_GAP: &str = "sequence_gap";
    /// An event after the upgrade point carries an unkeyed hash: written (or re-chained)
    /// by someone without the audit key.
    pub const NOT_KEYED: &str = "not_keyed";
    /// Chained under a data key that is not configured, so it cannot be checked.
    pub const UNKNOWN_KEY: &str = "unknown_key";
    /// The chain ends before the head (or a checkpoint) says it does: the newest events,
    /// or all of them, were removed.
    pub const TRUNCATED: &str = "truncated";
    /// The last event is not the one the head row names.
    pub const HEAD_MISMATCH: &str = "head_mismatch";
    /// The event at a checkpoint's `seq` is not the one the checkpoint signed.
    pub const CHECKPOINT_MISMATCH: &str = "checkpoint_mismatch";
    /// The head's upgrade point moved (it is recorded once, by the upgrade).
    pub const UPGRADE_POINT_CHANGED: &str = "upgrade_point_changed";
    /// The chain has events, belongs to a center or is named by a checkpoint, but its head
    /// row is gone.
    pub const HEAD_MISSING: &str = "head_missing";
}

/// The walk of one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: String,
    pub checked: i64,
    pub first_broken: Option<BrokenLink>,
    /// Where the walk ended (`0` and the genesis hash for an empty trail): what a checkpoint
    /// of an intact chain signs.
    pub last_seq: i64,
    pub last_hash: String,
    /// The head's upgrade point the walk used.
    pub keyed_from_seq: i64,
    /// The global `seq` of the last event walked (0 for none).
    pub last_event_seq: i64,
}

/// The walk of every chain (or of those in the reader's reach), in [`lock_order`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrailReport {
    pub chains: Vec<ChainReport>,
    /// Events checked in all chains.
    pub checked: i64,
    /// The first broken link of the first broken chain.
    pub first_broken: Option<BrokenLink>,
    /// The newest event's global `seq` among those walked (0 for none).
    pub last_seq: i64,
}

impl TrailReport {
    pub fn new(chains: Vec<ChainReport>) -> Self {
        Self {
            checked: chains.iter().map(|c| c.checked).sum(),
            first_broken: chains.iter().find_map(|c| c.first_broken.clone()),
            last_seq: chains.iter().map(|c| c.last_event_seq).max().unwrap_or(0),
            chains,
        }
    }

    /// The walk of one chain.
    pub fn chain(&self, chain: &str) -> Option<&ChainReport> {
        self.chains.iter().find(|c| c.chain == chain)
    }
}

/// A point of a chain known from outside the database (a verified checkpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
    pub keyed_from_seq: i64,
}

/// Walks events in `seq` order, carrying the previous hash between batches.
#[derive(Debug, Clone)]
pub struct ChainWalker<'k> {
    keys: &'k DataKeys,
    chain: String,
    last_event_seq: i64,
    keyed_from_seq: i64,
    pin: Option<Pin>,
    prev_hash: String,
    prev_seq: i64,
    prev_id: String,
    checked: i64,
    broken: Option<BrokenLink>,
}

impl<'k> ChainWalker<'k> {
    /// A walk of `chain` from its first event: unkeyed events are accepted below
    /// `keyed_from_seq`, and keyed ones under any configured data key.
    pub fn new(keys: &'k DataKeys, chain: &str, keyed_from_seq: i64) -> Self {
        Self {
            keys,
            chain: chain.to_owned(),
            last_event_seq: 0,
            keyed_from_seq,
            pin: None,
            prev_hash: GENESIS_HASH.to_owned(),
            prev_seq: 0,
            prev_id: String::new(),
            checked: 0,
            broken: None,
        }
    }

    /// Also requires the chain to pass through `pin`.
    pub fn pinned(mut self, pin: Pin) -> Self {
        self.pin = Some(pin);
        self
    }

    /// The last `seq` walked so far.
    pub fn last_seq(&self) -> i64 {
        self.prev_seq
    }

    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    fn link_fault(&self, ev: &AuditEvent) -> Option<&'static str> {
        if ev.chain_seq != self.prev_seq + 1 || ev.chain != self.chain {
            return Some(reasons::SEQUENCE_GAP);
        }
        if ev.prev_hash != self.prev_hash {
            return Some(reasons::PREVIOUS_HASH_MISMATCH);
        }
        // The link hashes the place in the chain; the chain itself is in the content (the
        // center's id) and in the link to the event before.
        let canonical = ev.record.canonical(ev.chain_seq);
        let expected = match &ev.key_id {
            None if ev.chain_seq >= self.keyed_from_seq => return Some(reasons::NOT_KEYED),
            None => chain_hash(&ev.prev_hash, &canonical),
            Some(id) => match self.keys.audit_mac_key(id) {
                None => return Some(reasons::UNKNOWN_KEY),
                Some(key) => keyed_chain_hash(key, &ev.prev_hash, &canonical),
            },
        };
        if expected != ev.hash {
            return Some(reasons::CONTENT_CHANGED);
        }
        match &self.pin {
            Some(p) if p.seq == ev.chain_seq && p.hash != ev.hash => {
                Some(reasons::CHECKPOINT_MISMATCH)
            }
            _ => None,
        }
    }

    /// Feeds the next event; returns false once a broken link was found.
    pub fn feed(&mut self, ev: &AuditEvent) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.checked += 1;
        if let Some(reason) = self.link_fault(ev) {
            self.broken = Some(BrokenLink {
                chain: self.chain.clone(),
                seq: ev.chain_seq,
                id: ev.record.id.clone(),
                reason,
            });
            return false;
        }
        self.prev_seq = ev.chain_seq;
        self.last_event_seq = ev.seq;
        self.prev_hash.clone_from(&ev.hash);
        self.prev_id.clone_from(&ev.record.id);
        true
    }

    /// Ends the walk against the chain's head row read after the last event (`None`: there
    /// is none): the chain must end exactly there, pass any pin, and the upgrade point must
    /// be where it was recorded.
    pub fn finish(self, head: Option<&ChainHead>) -> ChainReport {
        let link = |seq: i64, id: &str, reason: &'static str| BrokenLink {
            chain: self.chain.clone(),
            seq,
            id: id.to_owned(),
            reason,
        };
        let broken = self.broken.clone().or_else(|| {
            if self.pin.as_ref().is_some_and(|p| self.prev_seq < p.seq) {
                return Some(link(self.prev_seq + 1, "", reasons::TRUNCATED));
            }
            let Some(head) = head else {
                return Some(link(self.prev_seq, &self.prev_id, reasons::HEAD_MISSING));
            };
            if self
                .pin
                .as_ref()
                .is_some_and(|p| p.keyed_from_seq != head.keyed_from_seq)
            {
                return Some(link(
                    head.keyed_from_seq,
                    "",
                    reasons::UPGRADE_POINT_CHANGED,
                ));
            }
            if head.seq > self.prev_seq {
                return Some(link(self.prev_seq + 1, "", reasons::TRUNCATED));
            }
            if head.seq != self.prev_seq || head.hash != self.prev_hash {
                return Some(link(self.prev_seq, &self.prev_id, reasons::HEAD_MISMATCH));
            }
            // Recorded as the head's seq + 1 when the chain became keyed, and the head only
            // grows: beyond it, someone moved it to pass off re-chained unkeyed events.
            if head.keyed_from_seq > head.seq + 1 || head.keyed_from_seq < 1 {
                return Some(link(
                    head.keyed_from_seq,
                    "",
                    reasons::UPGRADE_POINT_CHANGED,
                ));
            }
            None
        });
        ChainReport {
            chain: self.chain,
            checked: self.checked,
            first_broken: broken,
            last_seq: self.prev_seq,
            last_hash: self.prev_hash,
            keyed_from_seq: self.keyed_from_seq,
            last_event_seq: self.last_event_seq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditDraft;
    use crate::data_keys::generate_key;
    use crate::events::Action;
    use chrono::TimeZone;
    use chrono::Utc;
    use uuid::Uuid;

    fn keys() -> DataKeys {
        DataKeys::from_base64(&generate_key(), &[]).unwrap()
    }

    /// `n` events; those below `keyed_from` unkeyed (as an upgraded database has them),
    /// the rest keyed under `keys`' current key.
    fn chain(keys: &DataKeys, n: i64, keyed_from: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let t = Utc.timestamp_opt(1_700_000_000 + seq, 0).unwrap();
                let d = AuditDraft::system(t, Action::AuditVerify)
                    .resource(seq)
                    .detail("line\nbreak")
                    .record();
                let (hash, key_id) = if seq < keyed_from {
                    (chain_hash(&prev, &d.canonical(seq)), None)
                } else {
                    let (id, k) = keys.current_audit_mac_key();
                    (
                        keyed_chain_hash(k, &prev, &d.canonical(seq)),
                        Some(id.to_owned()),
                    )
                };
                let ev = AuditEvent {
                    // Global numbers need not match the chain's.
                    seq: seq * 3,
                    chain: PLATFORM_CHAIN.to_owned(),
                    chain_seq: seq,
                    record: d,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    key_id,
                };
                prev = hash;
                ev
            })
            .collect()
    }

    fn head_of(evs: &[AuditEvent], keyed_from: i64) -> ChainHead {
        ChainHead {
            chain: PLATFORM_CHAIN.to_owned(),
            seq: evs.last().map_or(0, |e| e.chain_seq),
            hash: evs
                .last()
                .map_or_else(|| GENESIS_HASH.to_owned(), |e| e.hash.clone()),
            keyed_from_seq: keyed_from,
        }
    }

    fn walk_to(keys: &DataKeys, evs: &[AuditEvent], head: &ChainHead) -> ChainReport {
        let mut w = ChainWalker::new(keys, &head.chain, head.keyed_from_seq);
        for e in evs {
            w.feed(e);
        }
        w.finish(Some(head))
    }

    fn walk(keys: &DataKeys, evs: &[AuditEvent]) -> ChainReport {
        walk_to(keys, evs, &head_of(evs, 1))
    }

    fn reason(r: &ChainReport) -> &'static str {
        r.first_broken.as_ref().map_or("intact", |b| b.reason)
    }

    /// Re-chains `evs` from `from` (0-based) on as someone with database access but without
    /// the key would: plain SHA-256, or another key, recomputed all the way to the end.
    fn rechain(evs: &mut [AuditEvent], from: usize, other: Option<&DataKeys>) {
        let mut prev = if from == 0 {
            GENESIS_HASH.to_owned()
        } else {
            evs[from - 1].hash.clone()
        };
        for e in &mut evs[from..] {
            e.prev_hash.clone_from(&prev);
            let c = e.record.canonical(e.chain_seq);
            match other {
                None => {
                    e.hash = chain_hash(&prev, &c);
                    e.key_id = None;
                }
                Some(k) => {
                    let (id, key) = k.current_audit_mac_key();
                    e.hash = keyed_chain_hash(key, &prev, &c);
                    e.key_id = Some(id.to_owned());
                }
            }
            prev.clone_from(&e.hash);
        }
    }

    #[test]
    fn intact_chain_verifies() {
        let k = keys();
        let r = walk(&k, &chain(&k, 5, 1));
        assert_eq!(r.checked, 5);
        assert_eq!(r.first_broken, None);
        // An empty trail with an empty head is intact.
        assert_eq!(walk(&k, &[]).first_broken, None);
    }

    #[test]
    fn the_keyed_link_is_hmac_sha256() {
        // HMAC-SHA256 of the previous hash, a line break and the content, under the key.
        let key = [0x0bu8; 32];
        let mac = keyed_chain_hash(&key, "ab", "cd");
        assert_eq!(mac, hex::encode(hmac_sha256(&key, &[b"ab\ncd"])));
        assert_ne!(mac, chain_hash("ab", "cd"));
        assert_ne!(mac, keyed_chain_hash(&[0x0cu8; 32], "ab", "cd"));
    }

    #[test]
    fn changed_deleted_inserted_are_found() {
        let k = keys();
        let mut c = chain(&k, 5, 1);
        c[2].record.action = "audit.list".into();
        assert_eq!(
            walk(&k, &c).first_broken.unwrap(),
            BrokenLink {
                chain: PLATFORM_CHAIN.into(),
                seq: 3,
                id: c[2].record.id.clone(),
                reason: "content_changed"
            }
        );

        // A value outside the known set is hashed as stored, not mapped to a default.
        let mut c = chain(&k, 3, 1);
        c[1].record.outcome = "succes".into();
        assert_eq!(reason(&walk(&k, &c)), "content_changed");

        let mut c = chain(&k, 5, 1);
        c.remove(1);
        assert_eq!(reason(&walk(&k, &c)), "sequence_gap");

        // An inserted row that renumbers everything after it still breaks the hash links.
        let mut c = chain(&k, 5, 1);
        let mut fake = c[1].clone();
        fake.record.id = Uuid::now_v7().to_string();
        c.insert(2, fake);
        for (i, e) in c.iter_mut().enumerate() {
            e.chain_seq = i64::try_from(i).unwrap() + 1;
        }
        let broken = walk(&k, &c).first_broken.unwrap();
        assert_eq!((broken.seq, broken.reason), (3, "previous_hash_mismatch"));
    }

    #[test]
    fn a_forged_event_with_a_recomputed_hash_is_found() {
        let k = keys();
        let mut c = chain(&k, 4, 1);
        let mut forged = c[3].clone();
        forged.chain_seq = 5;
        forged.record.action = "patient.delete".into();
        c.push(forged);
        // Appended with a plain SHA-256 link, as anyone can compute it.
        rechain(&mut c, 4, None);
        let r = walk(&k, &c);
        assert_eq!(
            (r.first_broken.as_ref().unwrap().seq, reason(&r)),
            (5, "not_keyed")
        );
        // With a key of the forger's own: the MAC does not check out under ours.
        rechain(&mut c, 4, Some(&keys()));
        assert_eq!(reason(&walk(&k, &c)), "unknown_key");
        // Even naming our key id, the MAC is the forger's.
        c[4].key_id = Some(k.current_id().to_owned());
        assert_eq!(reason(&walk(&k, &c)), "content_changed");
    }

    #[test]
    fn an_edit_rechained_without_the_key_is_found() {
        let k = keys();
        let mut c = chain(&k, 6, 1);
        c[2].record.detail = Some("role=supervisor".into());
        rechain(&mut c, 2, None);
        let r = walk(&k, &c);
        assert_eq!(
            (r.first_broken.as_ref().unwrap().seq, reason(&r)),
            (3, "not_keyed")
        );
        rechain(&mut c, 2, Some(&keys()));
        assert_eq!(reason(&walk(&k, &c)), "unknown_key");
    }

    #[test]
    fn truncation_and_a_wiped_trail_are_found_against_the_head() {
        let k = keys();
        let c = chain(&k, 6, 1);
        let head = head_of(&c, 1);
        let r = walk_to(&k, &c[..4], &head);
        assert_eq!(
            r.first_broken,
            Some(BrokenLink {
                chain: PLATFORM_CHAIN.into(),
                seq: 5,
                id: String::new(),
                reason: "truncated"
            })
        );
        let r = walk_to(&k, &[], &head);
        assert_eq!(
            (r.first_broken.as_ref().unwrap().seq, reason(&r)),
            (1, "truncated")
        );
        // The head rewritten to the new last event but with another hash.
        let mut h = head_of(&c, 1);
        h.hash = GENESIS_HASH.into();
        assert_eq!(reason(&walk_to(&k, &c, &h)), "head_mismatch");
        // Events beyond the head (appended without moving it).
        assert_eq!(
            reason(&walk_to(&k, &c, &head_of(&c[..5], 1))),
            "head_mismatch"
        );
    }

    #[test]
    fn unkeyed_events_pass_only_below_the_upgrade_point() {
        let k = keys();
        let c = chain(&k, 6, 4);
        assert_eq!(reason(&walk_to(&k, &c, &head_of(&c, 4))), "intact");
        // An upgraded database whose chain nobody appended to since.
        let c = chain(&k, 3, 4);
        assert_eq!(reason(&walk_to(&k, &c, &head_of(&c, 4))), "intact");
        // The upgrade point moved past the head, to pass off a re-chained unkeyed trail.
        let mut c = chain(&k, 6, 4);
        rechain(&mut c, 0, None);
        assert_eq!(reason(&walk_to(&k, &c, &head_of(&c, 4))), "not_keyed");
        assert_eq!(
            reason(&walk_to(&k, &c, &head_of(&c, 100))),
            "upgrade_point_changed"
        );
    }

    #[test]
    fn events_under_an_old_key_verify_while_it_is_configured() {
        let (old, new) = (generate_key(), generate_key());
        let before = DataKeys::from_base64(&old, &[]).unwrap();
        let mut c = chain(&before, 3, 1);
        let after = DataKeys::from_base64(&new, &[&old]).unwrap();
        // Appending continues under the new key.
        let t = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        let d = AuditDraft::system(t, Action::AuditVerify).record();
        let (id, key) = after.current_audit_mac_key();
        let prev = c[2].hash.clone();
        c.push(AuditEvent {
            seq: 4,
            chain: PLATFORM_CHAIN.into(),
            chain_seq: 4,
            hash: keyed_chain_hash(key, &prev, &d.canonical(4)),
            record: d,
            prev_hash: prev,
            key_id: Some(id.to_owned()),
        });
        assert_eq!(reason(&walk(&after, &c)), "intact");
        let dropped = DataKeys::from_base64(&new, &[]).unwrap();
        let r = walk(&dropped, &c);
        assert_eq!(
            (r.first_broken.as_ref().unwrap().seq, reason(&r)),
            (1, "unknown_key")
        );
    }

    #[test]
    fn a_pin_must_be_passed_through() {
        let k = keys();
        let c = chain(&k, 6, 1);
        let pin = Pin {
            chain: PLATFORM_CHAIN.into(),
            seq: 4,
            hash: c[3].hash.clone(),
            keyed_from_seq: 1,
        };
        let pinned = |evs: &[AuditEvent], head: &ChainHead, pin: Pin| {
            let mut w = ChainWalker::new(&k, &head.chain, head.keyed_from_seq).pinned(pin);
            for e in evs {
                w.feed(e);
            }
            w.finish(Some(head))
        };
        assert_eq!(reason(&pinned(&c, &head_of(&c, 1), pin.clone())), "intact");
        // Rewound to before the pin, head and all.
        let r = pinned(&c[..2], &head_of(&c[..2], 1), pin.clone());
        assert_eq!(
            (r.first_broken.as_ref().unwrap().seq, reason(&r)),
            (3, "truncated")
        );
        let mut other = pin.clone();
        other.hash = c[2].hash.clone();
        assert_eq!(
            reason(&pinned(&c, &head_of(&c, 1), other)),
            "checkpoint_mismatch"
        );
        let mut moved = pin;
        moved.keyed_from_seq = 3;
        assert_eq!(
            reason(&pinned(&c, &head_of(&c, 1), moved)),
            "upgrade_point_changed"
        );
    }

    #[test]
    fn an_event_goes_to_its_centers_chain_or_the_platforms() {
        let a = Uuid::now_v7();
        assert_eq!(chain_of(Some(a)), a.to_string());
        assert_eq!(chain_of(None), PLATFORM_CHAIN);
        // The system administrator's event about a center still names no center of its
        // own: the platform's chain.
        let d = AuditDraft::system(Utc::now(), Action::AuditVerify);
        assert_eq!(d.chain(), PLATFORM_CHAIN);
        assert_eq!(d.clone().center(Some(a)).chain(), a.to_string());
    }

    #[test]
    fn heads_are_locked_centers_first_by_id_then_the_platform() {
        let (a, b) = ("0193-a", "f000-b");
        assert_eq!(
            lock_order([PLATFORM_CHAIN, b, a, b, PLATFORM_CHAIN]),
            vec![a, b, PLATFORM_CHAIN]
        );
        assert_eq!(lock_order([PLATFORM_CHAIN]), vec![PLATFORM_CHAIN]);
        // Whatever order the events came in, two transactions lock in the same order.
        assert_eq!(
            lock_order([a, PLATFORM_CHAIN]),
            lock_order([PLATFORM_CHAIN, a])
        );
    }

    /// Events of one center, chained in their own chain under their own head: what the
    /// store appends.
    fn center_chain(keys: &DataKeys, center: Uuid, n: i64, first_global: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|cs| {
                let t = Utc.timestamp_opt(1_700_000_000 + cs, 0).unwrap();
                let d = AuditDraft::system(t, Action::AuditVerify)
                    .center(Some(center))
                    .record();
                let (id, k) = keys.current_audit_mac_key();
                let hash = keyed_chain_hash(k, &prev, &d.canonical(cs));
                let ev = AuditEvent {
                    seq: first_global + cs * 2,
                    chain: center.to_string(),
                    chain_seq: cs,
                    record: d,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    key_id: Some(id.to_owned()),
                };
                prev = hash;
                ev
            })
            .collect()
    }

    fn walk_chain(keys: &DataKeys, evs: &[AuditEvent], head: Option<&ChainHead>) -> ChainReport {
        let chain = head.map_or_else(|| evs[0].chain.clone(), |h| h.chain.clone());
        let mut w = ChainWalker::new(keys, &chain, head.map_or(1, |h| h.keyed_from_seq));
        for e in evs {
            w.feed(e);
        }
        w.finish(head)
    }

    fn center_head(evs: &[AuditEvent], center: Uuid) -> ChainHead {
        ChainHead {
            chain: center.to_string(),
            seq: evs.last().map_or(0, |e| e.chain_seq),
            hash: evs
                .last()
                .map_or_else(|| GENESIS_HASH.to_owned(), |e| e.hash.clone()),
            keyed_from_seq: 1,
        }
    }

    #[test]
    fn each_chain_verifies_alone_and_the_trail_names_the_broken_one() {
        let k = keys();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let ca = center_chain(&k, a, 4, 0);
        let cb = center_chain(&k, b, 3, 1);
        let ra = walk_chain(&k, &ca, Some(&center_head(&ca, a)));
        let rb = walk_chain(&k, &cb, Some(&center_head(&cb, b)));
        assert_eq!((reason(&ra), reason(&rb)), ("intact", "intact"));
        assert_eq!((ra.last_seq, ra.last_event_seq), (4, 8));
        let trail = TrailReport::new(vec![ra.clone(), rb.clone()]);
        assert_eq!(
            (trail.checked, trail.last_seq, trail.first_broken.clone()),
            (7, 8, None)
        );

        // Center B's third event changed: B's chain breaks there, A's does not.
        let mut tampered = cb.clone();
        tampered[2].record.detail = Some("changed".into());
        let rb = walk_chain(&k, &tampered, Some(&center_head(&cb, b)));
        let trail = TrailReport::new(vec![ra.clone(), rb]);
        assert_eq!(
            trail.first_broken,
            Some(BrokenLink {
                chain: b.to_string(),
                seq: 3,
                id: cb[2].record.id.clone(),
                reason: "content_changed"
            })
        );
        assert_eq!(reason(trail.chain(&a.to_string()).unwrap()), "intact");

        // An event moved into another center's chain (its chain renamed, renumbered and
        // relinked with a plain hash) breaks there: the center's id is in what is hashed.
        let mut moved = ca.clone();
        let mut stray = cb[0].clone();
        stray.chain = a.to_string();
        stray.chain_seq = 5;
        stray.prev_hash = ca[3].hash.clone();
        moved.push(stray);
        let r = walk_chain(&k, &moved, Some(&center_head(&moved, a)));
        assert_eq!(
            r.first_broken.map(|b| (b.seq, b.reason)),
            Some((5, "content_changed"))
        );

        // A chain whose head row was deleted, and a head with its events gone.
        assert_eq!(reason(&walk_chain(&k, &ca, None)), "head_missing");
        assert_eq!(
            reason(&walk_chain(&k, &[], Some(&center_head(&ca, a)))),
            "truncated"
        );
        // A new center's chain: an empty head, no events.
        assert_eq!(
            reason(&walk_chain(&k, &[], Some(&center_head(&[], a)))),
            "intact"
        );
    }
}
