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
//!
//! There is one chain per center and one for the platform (events of no center; see
//! [`chain_of`]), each with its own head row, so that writes of different centers never wait
//! for each other's lock. A trail from before that became the start of the platform chain
//! as it was. Each chain is walked, keyed, checkpointed and verified on its own; the global
//! `seq` only orders the audit list.

pub mod chain;
pub mod checkpoint;

pub use chain::*;

use crate::entities::{Actor, RequestMeta};
use crate::events::Action;
use crate::idempotency::IdempotencyClaim;
use chrono::{DateTime, SecondsFormat, Utc};
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

    /// The chain it is appended to ([`chain_of`] its center).
    pub fn chain(&self) -> String {
        chain_of(self.center_id)
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
    /// them would break every stored chain. Each field is a line `name=value`; a value has
    /// each `\` doubled and each line break written `\n`; an optional value is `-` when
    /// absent and starts with `'` when present. Written into one buffer: it runs for every
    /// audited read and change, and again for every event a verification walks.
    pub fn canonical(&self, seq: i64) -> String {
        let mut out = String::with_capacity(CANONICAL_CAPACITY);
        out.push_str("seq=");
        out.push_str(&seq.to_string());
        required(&mut out, "id", &self.id);
        required(&mut out, "occurred_at", &self.occurred_at);
        required(&mut out, "actor_kind", &self.actor_kind);
        optional(&mut out, "actor_id", self.actor_id.as_deref());
        optional(&mut out, "actor_role", self.actor_role.as_deref());
        optional(&mut out, "center_id", self.center_id.as_deref());
        required(&mut out, "action", &self.action);
        required(&mut out, "resource_type", &self.resource_type);
        optional(&mut out, "resource_id", self.resource_id.as_deref());
        optional(&mut out, "patient_id", self.patient_id.as_deref());
        required(&mut out, "outcome", &self.outcome);
        required(&mut out, "request_id", &self.request_id);
        optional(&mut out, "source", self.source.as_deref());
        optional(&mut out, "detail", self.detail.as_deref());
        out
    }
}

/// Room for a typical event's canonical form (ids, a time, short names), so it is written
/// without growing the buffer.
const CANONICAL_CAPACITY: usize = 512;

/// Starts the line of a field of [`AuditRecord::canonical`]: `\nname=`.
fn line(out: &mut String, name: &str) {
    out.push('\n');
    out.push_str(name);
    out.push('=');
}

/// Appends the line of a field that always has a value.
fn required(out: &mut String, name: &str, value: &str) {
    line(out, name);
    escaped(out, value);
}

/// Appends the line of an optional field: `-` when absent, `'value` when present.
fn optional(out: &mut String, name: &str, value: Option<&str>) {
    line(out, name);
    match value {
        None => out.push('-'),
        Some(v) => {
            out.push('\'');
            escaped(out, v);
        }
    }
}

/// Appends `s` with each `\` doubled and each line break written `\n`, nothing else changed.
fn escaped(out: &mut String, s: &str) {
    let mut rest = s;
    // Bytes, not chars: both are ASCII (so a match is at a char boundary), and a byte scan
    // skips decoding each char.
    while let Some(i) = rest.bytes().position(|b| b == b'\\' || b == b'\n') {
        out.push_str(&rest[..i]);
        out.push_str(if rest.as_bytes()[i] == b'\\' {
            "\\\\"
        } else {
            "\\n"
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            id: "01a24b74-f701-72ba-b61b-a565a7be8461".into(),
            occurred_at: "2026-12-06T13:09:43.653482Z".into(),
            actor_kind: "user".into(),
            actor_id: Some("01a24b74-f5ea-71d9-8d14-76c3bf5867c2".into()),
            actor_role: None,
            center_id: Some("01a24b74-f54a-75d9-88ab-eda7ca484260".into()),
            action: "patient.timeline".into(),
            resource_type: "patient".into(),
            resource_id: Some("p1".into()),
            patient_id: None,
            outcome: "success".into(),
            request_id: "r-1".into(),
            source: Some("127.0.0.1".into()),
            detail: Some("a\\b\nc\\n 相談".into()),
        }
    }

    /// The form every stored chain was hashed with, written down: a change to the field
    /// order, a name, the markers of optional values or the escaping breaks this test (and
    /// would break every chain).
    #[test]
    fn the_canonical_form_is_the_one_stored_chains_were_hashed_with() {
        assert_eq!(
            record().canonical(42),
            "seq=42\n\
             id=01a24b74-f701-72ba-b61b-a565a7be8461\n\
             occurred_at=2026-12-06T13:09:43.653482Z\n\
             actor_kind=user\n\
             actor_id='01a24b74-f5ea-71d9-8d14-76c3bf5867c2\n\
             actor_role=-\n\
             center_id='01a24b74-f54a-75d9-88ab-eda7ca484260\n\
             action=patient.timeline\n\
             resource_type=patient\n\
             resource_id='p1\n\
             patient_id=-\n\
             outcome=success\n\
             request_id=r-1\n\
             source='127.0.0.1\n\
             detail='a\\\\b\\nc\\\\n 相談"
        );
    }

    /// The definition the chains began with (a string per field, escaped by two
    /// replacements, joined), kept here to hold the one-buffer writer to it.
    fn first_definition(r: &AuditRecord, seq: i64) -> String {
        fn esc(s: &str) -> String {
            s.replace('\\', "\\\\").replace('\n', "\\n")
        }
        fn opt(s: Option<&String>) -> String {
            s.map_or_else(|| "-".to_owned(), |s| format!("'{}", esc(s)))
        }
        [
            ("seq", seq.to_string()),
            ("id", esc(&r.id)),
            ("occurred_at", esc(&r.occurred_at)),
            ("actor_kind", esc(&r.actor_kind)),
            ("actor_id", opt(r.actor_id.as_ref())),
            ("actor_role", opt(r.actor_role.as_ref())),
            ("center_id", opt(r.center_id.as_ref())),
            ("action", esc(&r.action)),
            ("resource_type", esc(&r.resource_type)),
            ("resource_id", opt(r.resource_id.as_ref())),
            ("patient_id", opt(r.patient_id.as_ref())),
            ("outcome", esc(&r.outcome)),
            ("request_id", esc(&r.request_id)),
            ("source", opt(r.source.as_ref())),
            ("detail", opt(r.detail.as_ref())),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
    }

    #[test]
    fn the_one_buffer_writer_agrees_with_the_first_definition() {
        let awkward = [
            "",
            "\\",
            "\n",
            "\\n",
            "\n\\",
            "\\\\\n\n",
            "'",
            "-",
            "=x\r\n",
            "相談\\メモ\n二行目",
            "end\\",
        ];
        for (i, s) in awkward.iter().enumerate() {
            let mut r = record();
            r.id = (*s).to_owned();
            r.request_id = format!("{s}{s}");
            r.actor_role = Some((*s).to_owned());
            r.patient_id = (i % 2 == 0).then(|| (*s).to_owned());
            r.detail = (i % 3 != 0).then(|| format!("x{s}y"));
            r.source = None;
            for seq in [0, 1, -7, i64::MAX] {
                assert_eq!(r.canonical(seq), first_definition(&r, seq), "{s:?} {seq}");
            }
        }
    }
}
