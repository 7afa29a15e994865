//! The audit trail: who did or read what, when, from where, and with what outcome — never
//! the personal data itself. Events form a keyed hash chain (HMAC-SHA256 under a key derived
//! from the data key, which lives outside the database), so a changed, deleted or inserted
//! row is found by walking it even when whoever changed it recomputed the hashes; the chain's
//! head row tells where it must end, so removing the newest events is found too; and a
//! [`checkpoint::Checkpoint`] kept outside the database pins a point of it.
//!
//! Events written before the chain was keyed keep their plain SHA-256 hashes: they are
//! accepted only below the head's `keyed_from_seq`, the upgrade point recorded by the
//! migration that introduced the key.

pub mod checkpoint;

use crate::data_keys::{DataKeys, hmac_sha256};
use crate::entities::{Actor, RequestMeta};
use crate::events::Action;
use crate::idempotency::IdempotencyClaim;
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the very first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Refused: bad credentials, a missing role or scope, a locked login.
    Denied,
    /// The record does not exist in the caller's center (which includes other centers' records).
    NotFound,
    /// The request was understood but failed (validation, a rule, a conflict).
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::NotFound => "not_found",
            Self::Failed => "failed",
        }
    }
}

/// An event before it takes its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// `user`, `client` (an API client) or `system` (start-up, background work).
    pub actor_kind: &'static str,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub center_id: Option<Uuid>,
    /// What happened; its stored name (`user.create`, `patient.read`) and the kind of
    /// record it concerns come from the action itself.
    pub action: Action,
    pub resource_id: Option<String>,
    pub patient_id: Option<Uuid>,
    pub outcome: Outcome,
    pub request_id: String,
    pub source: Option<String>,
    /// Non-personal context: changed field names, a result count, an error code.
    pub detail: Option<String>,
    /// The request's `Idempotency-Key` claim, which a successful change marks committed in
    /// its own transaction. Not part of the stored event.
    pub idempotency: Option<IdempotencyClaim>,
}

impl AuditDraft {
    pub fn by_actor(actor: &Actor, meta: &RequestMeta, now: DateTime<Utc>, action: Action) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: now,
            actor_kind: if actor.is_client() { "client" } else { "user" },
            actor_id: Some(actor.user_id),
            actor_role: Some(actor.role.as_str().to_owned()),
            center_id: actor.center_id,
            action,
            resource_id: None,
            patient_id: None,
            outcome: Outcome::Success,
            request_id: meta.request_id.clone(),
            source: meta.source.clone(),
            detail: None,
            idempotency: meta.idempotency.clone(),
        }
    }

    pub fn anonymous(meta: &RequestMeta, now: DateTime<Utc>, action: Action) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: now,
            actor_kind: "anonymous",
            actor_id: None,
            actor_role: None,
            center_id: None,
            action,
            resource_id: None,
            patient_id: None,
            outcome: Outcome::Success,
            request_id: meta.request_id.clone(),
            source: meta.source.clone(),
            detail: None,
            idempotency: meta.idempotency.clone(),
        }
    }

    pub fn system(now: DateTime<Utc>, action: Action) -> Self {
        let mut d = Self::anonymous(&RequestMeta::default(), now, action);
        d.actor_kind = "system";
        d
    }

    pub fn resource(mut self, id: impl ToString) -> Self {
        self.resource_id = Some(id.to_string());
        self
    }

    /// Names the patient whose data the event concerns ("who viewed this record").
    pub fn patient(mut self, patient_id: Uuid) -> Self {
        self.patient_id = Some(patient_id);
        self
    }

    pub fn center(mut self, center_id: Option<Uuid>) -> Self {
        self.center_id = center_id;
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The event as the strings that are stored and hashed.
    pub fn record(&self) -> AuditRecord {
        AuditRecord {
            id: self.id.to_string(),
            occurred_at: self
                .occurred_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
            actor_kind: self.actor_kind.to_owned(),
            actor_id: self.actor_id.map(|u| u.to_string()),
            actor_role: self.actor_role.clone(),
            center_id: self.center_id.map(|u| u.to_string()),
            action: self.action.as_str().to_owned(),
            resource_type: self.action.resource_type().to_owned(),
            resource_id: self.resource_id.clone(),
            patient_id: self.patient_id.map(|u| u.to_string()),
            outcome: self.outcome.as_str().to_owned(),
            request_id: self.request_id.clone(),
            source: self.source.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// An event exactly as stored: raw strings, so that verification hashes what is in the
/// database byte for byte (a tampered value must not be "repaired" on the way in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: String,
    /// RFC 3339, UTC, microseconds.
    pub occurred_at: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub center_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    pub outcome: String,
    pub request_id: String,
    pub source: Option<String>,
    pub detail: Option<String>,
}

impl AuditRecord {
    /// The exact bytes the chain hashes. Field order and escaping are fixed forever: changing
    /// them would break every stored chain.
    pub fn canonical(&self, seq: i64) -> String {
        fn esc(s: &str) -> String {
            s.replace('\\', "\\\\").replace('\n', "\\n")
        }
        fn opt(s: Option<&String>) -> String {
            s.map_or_else(|| "-".to_owned(), |s| format!("'{}", esc(s)))
        }
        let fields = [
            ("seq", seq.to_string()),
            ("id", esc(&self.id)),
            ("occurred_at", esc(&self.occurred_at)),
            ("actor_kind", esc(&self.actor_kind)),
            ("actor_id", opt(self.actor_id.as_ref())),
            ("actor_role", opt(self.actor_role.as_ref())),
            ("center_id", opt(self.center_id.as_ref())),
            ("action", esc(&self.action)),
            ("resource_type", esc(&self.resource_type)),
            ("resource_id", opt(self.resource_id.as_ref())),
            ("patient_id", opt(self.patient_id.as_ref())),
            ("outcome", esc(&self.outcome)),
            ("request_id", esc(&self.request_id)),
            ("source", opt(self.source.as_ref())),
            ("detail", opt(self.detail.as_ref())),
        ];
        fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
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

/// A stored event: the draft plus its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
    /// The data key whose audit MAC key chained it; `None` for an unkeyed event written
    /// before the upgrade.
    pub key_id: Option<String>,
}

/// The chain's head row: where the chain must end, and from which `seq` on every event must
/// be keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    /// The first `seq` written after the chain became keyed (1 for a database created keyed).
    pub keyed_from_seq: i64,
}

/// The first link of the chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The event at fault, or for `truncated` the first `seq` that is missing.
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub checked: i64,
    pub first_broken: Option<BrokenLink>,
    /// Where the walk ended (`0` and the genesis hash for an empty trail): what a checkpoint
    /// of an intact chain signs.
    pub last_seq: i64,
    pub last_hash: String,
    /// The head's upgrade point the walk used.
    pub keyed_from_seq: i64,
}

/// A point of the chain known from outside the database (a verified checkpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub seq: i64,
    pub hash: String,
    pub keyed_from_seq: i64,
}

/// Walks events in `seq` order, carrying the previous hash between batches.
#[derive(Debug, Clone)]
pub struct ChainWalker<'k> {
    keys: &'k DataKeys,
    keyed_from_seq: i64,
    pin: Option<Pin>,
    prev_hash: String,
    prev_seq: i64,
    prev_id: String,
    checked: i64,
    broken: Option<BrokenLink>,
}

impl<'k> ChainWalker<'k> {
    /// A walk from the first event: unkeyed events are accepted below `keyed_from_seq`, and
    /// keyed ones under any configured data key.
    pub fn new(keys: &'k DataKeys, keyed_from_seq: i64) -> Self {
        Self {
            keys,
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
        if ev.seq != self.prev_seq + 1 {
            return Some(reasons::SEQUENCE_GAP);
        }
        if ev.prev_hash != self.prev_hash {
            return Some(reasons::PREVIOUS_HASH_MISMATCH);
        }
        let canonical = ev.record.canonical(ev.seq);
        let expected = match &ev.key_id {
            None if ev.seq >= self.keyed_from_seq => return Some(reasons::NOT_KEYED),
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
            Some(p) if p.seq == ev.seq && p.hash != ev.hash => Some(reasons::CHECKPOINT_MISMATCH),
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
                seq: ev.seq,
                id: ev.record.id.clone(),
                reason,
            });
            return false;
        }
        self.prev_seq = ev.seq;
        self.prev_hash.clone_from(&ev.hash);
        self.prev_id.clone_from(&ev.record.id);
        true
    }

    /// Ends the walk against the head row read after the last event: the chain must end
    /// exactly there, pass any pin, and the upgrade point must be where it was recorded.
    pub fn finish(self, head: &ChainHead) -> ChainReport {
        let missing = |seq: i64| BrokenLink {
            seq,
            id: String::new(),
            reason: reasons::TRUNCATED,
        };
        let broken = self.broken.clone().or_else(|| {
            if let Some(p) = &self.pin {
                if self.prev_seq < p.seq {
                    return Some(missing(self.prev_seq + 1));
                }
                if p.keyed_from_seq != head.keyed_from_seq {
                    return Some(BrokenLink {
                        seq: head.keyed_from_seq,
                        id: String::new(),
                        reason: reasons::UPGRADE_POINT_CHANGED,
                    });
                }
            }
            if head.seq > self.prev_seq {
                return Some(missing(self.prev_seq + 1));
            }
            if head.seq != self.prev_seq || head.hash != self.prev_hash {
                return Some(BrokenLink {
                    seq: self.prev_seq,
                    id: self.prev_id.clone(),
                    reason: reasons::HEAD_MISMATCH,
                });
            }
            // Recorded as the head's seq + 1 when the chain became keyed, and the head only
            // grows: beyond it, someone moved it to pass off re-chained unkeyed events.
            if head.keyed_from_seq > head.seq + 1 || head.keyed_from_seq < 1 {
                return Some(BrokenLink {
                    seq: head.keyed_from_seq,
                    id: String::new(),
                    reason: reasons::UPGRADE_POINT_CHANGED,
                });
            }
            None
        });
        ChainReport {
            checked: self.checked,
            first_broken: broken,
            last_seq: self.prev_seq,
            last_hash: self.prev_hash,
            keyed_from_seq: self.keyed_from_seq,
        }
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
                    seq,
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
            seq: evs.last().map_or(0, |e| e.seq),
            hash: evs
                .last()
                .map_or_else(|| GENESIS_HASH.to_owned(), |e| e.hash.clone()),
            keyed_from_seq: keyed_from,
        }
    }

    fn walk_to(keys: &DataKeys, evs: &[AuditEvent], head: &ChainHead) -> ChainReport {
        let mut w = ChainWalker::new(keys, head.keyed_from_seq);
        for e in evs {
            w.feed(e);
        }
        w.finish(head)
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
            let c = e.record.canonical(e.seq);
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
            e.seq = i64::try_from(i).unwrap() + 1;
        }
        let broken = walk(&k, &c).first_broken.unwrap();
        assert_eq!((broken.seq, broken.reason), (3, "previous_hash_mismatch"));
    }

    #[test]
    fn a_forged_event_with_a_recomputed_hash_is_found() {
        let k = keys();
        let mut c = chain(&k, 4, 1);
        let mut forged = c[3].clone();
        forged.seq = 5;
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
            seq: 4,
            hash: c[3].hash.clone(),
            keyed_from_seq: 1,
        };
        let pinned = |evs: &[AuditEvent], head: &ChainHead, pin: Pin| {
            let mut w = ChainWalker::new(&k, head.keyed_from_seq).pinned(pin);
            for e in evs {
                w.feed(e);
            }
            w.finish(head)
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
}
