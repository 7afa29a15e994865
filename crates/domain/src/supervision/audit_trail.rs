//! The audit trail as supervisors, administrators and the system administrator read it,
//! and the verification of its hash chain.

use crate::app::Ctx;
use crate::audit::checkpoint::{ChainPoint, Checkpoint, CheckpointError};
use crate::audit::{
    AuditEvent, BrokenLink, ChainReport, ChainWalker, Pin, TrailReport, chain_of, lock_order,
};
use crate::data_keys::DataKeys;
use crate::entities::Actor;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::policy::{self, Permission, Reach};
use crate::ports::AuditFilter;
use crate::values;
use uuid::Uuid;

/// Filters of `GET /audit-events`, as given.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub patient_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The `seq` to continue below (the cursor).
    pub before_seq: Option<i64>,
}

/// Most events one CSV export holds; narrow the filters for more.
pub const EXPORT_MAX: i64 = 100_000;

/// Events read from the store at a time while verifying the chain.
const VERIFY_BATCH: i64 = 5_000;

/// Most times a verification catches up with events appended to a chain while it walked,
/// before it compares with the head it last read (which then names events it did not walk, and is
/// reported as truncation only if those events are indeed missing: see `verify_chain`).
const VERIFY_ROUNDS: usize = 20;

/// An action filter: a stored action name such as `patient.read`, or a prefix of one such
/// as `patient.`.
fn action_filter_ok(a: &str) -> bool {
    !a.is_empty()
        && a.len() <= 64
        && a.chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
}

/// What a search event's detail says of the query once redacted.
const REDACTED: &str = "q=[redacted]";

/// A list event's detail with the typed query (`q=…`, up to the `; count=` that follows
/// it) replaced, for readers who do not see patients: the name someone searched for is the
/// patient's data. Other details are returned as they are.
fn redact_searches(detail: &str) -> String {
    let start = if detail.starts_with("q=") {
        Some(0)
    } else {
        detail.find("; q=").map(|i| i + 2)
    };
    let Some(start) = start else {
        return detail.to_owned();
    };
    let end = detail[start..]
        .rfind("; count=")
        .map_or(detail.len(), |i| start + i);
    format!("{}{REDACTED}{}", &detail[..start], &detail[end..])
}

/// Who may read the trail ([`Permission::ReadAuditTrail`]): `None` is every center's.
fn trail_scope(actor: &Actor) -> Result<Option<Uuid>, DomainError> {
    policy::permit(actor, Permission::ReadAuditTrail).map(Reach::center)
}

crate::facade!(
    /// The audit trail: `services.audit_trail()`.
    AuditTrail,
    audit_trail
);

impl AuditTrail<'_> {
    /// Audit events, newest first; reading them is itself recorded.
    #[tracing::instrument(skip_all, fields(limit = limit, export = export, count = tracing::field::Empty))]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: AuditQuery,
        limit: i64,
        export: bool,
    ) -> Result<Vec<AuditEvent>, DomainError> {
        let action = if export {
            Action::AuditExport
        } else {
            Action::AuditList
        };
        self.guard(ctx, action, None, || {
            let center = trail_scope(&ctx.actor)?;
            let mut v = Validator::new();
            let from = q
                .from
                .as_deref()
                .and_then(|t| v.check(values::timestamp("from", t)));
            let to =
                q.to.as_deref()
                    .and_then(|t| v.check(values::timestamp("to", t)));
            if q.action.as_deref().is_some_and(|a| !action_filter_ok(a)) {
                v.push(FieldError::new(
                    "action",
                    "invalid_action",
                    "an action such as patient.read, or a prefix such as patient.",
                ));
            }
            v.finish()?;
            let filter = AuditFilter {
                center,
                patient_id: q.patient_id,
                actor_id: q.actor_id,
                action: q.action.clone(),
                from,
                to,
                before_seq: q.before_seq,
            };
            let mut events = self.store.audit_events(&filter, limit)?;
            if !policy::may_read_patient_searches(&ctx.actor) {
                for e in &mut events {
                    if let Some(d) = e.record.detail.as_deref() {
                        e.record.detail = Some(redact_searches(d));
                    }
                }
            }
            tracing::Span::current().record("count", events.len());
            let mut ev = self.ev(ctx, action).detail(format!(
                "patient_id={}; actor_id={}; action={}; count={}",
                q.patient_id.map(|x| x.to_string()).unwrap_or_default(),
                q.actor_id.map(|x| x.to_string()).unwrap_or_default(),
                q.action.clone().unwrap_or_default(),
                events.len()
            ));
            if let Some(p) = q.patient_id {
                ev = ev.patient(p);
            }
            self.log_access(ev)?;
            Ok(events)
        })
    }

    /// Walks the chains in the reader's reach: a center's supervisor or administrator their
    /// center's chain, the system administrator every chain.
    #[tracing::instrument(skip_all)]
    pub fn verify(&self, ctx: &Ctx) -> Result<TrailReport, DomainError> {
        self.guard(ctx, Action::AuditVerify, None, || {
            let only = trail_scope(&ctx.actor)?.map(|c| chain_of(Some(c)));
            // Everything queued so far belongs to the chains being checked.
            self.access.flush(std::time::Duration::from_secs(5));
            let report = self.verify_chains(only.as_deref(), &[])?;
            self.log_impersonal_read(self.ev(ctx, Action::AuditVerify).detail(format!(
                "chains={}; checked={}; valid={}",
                report.chains.len(),
                report.checked,
                report.first_broken.is_none()
            )));
            Ok(report)
        })
    }

    /// Walks every audit chain in batches (`tsunagu audit verify`, restore, checkpoints),
    /// each to where its head row says it ends.
    ///
    /// A chain's head is read after its events: an append commits its events and the head
    /// together, so a head past the last event read means either events appended meanwhile
    /// (walked in another round) or events removed (found when a round finds none).
    pub fn verify_chain(&self) -> Result<TrailReport, DomainError> {
        self.verify_chains(None, &[])
    }

    /// [`Self::verify_chain`], also requiring each chain a pin names to exist and pass
    /// through it (pins from a checkpoint [`Self::check_checkpoint`] accepted).
    pub fn verify_chain_pinned(&self, pins: &[Pin]) -> Result<TrailReport, DomainError> {
        self.verify_chains(None, pins)
    }

    #[tracing::instrument(skip_all, fields(chains = tracing::field::Empty, checked = tracing::field::Empty))]
    fn verify_chains(&self, only: Option<&str>, pins: &[Pin]) -> Result<TrailReport, DomainError> {
        let keys = self.store.audit_chain_keys();
        // A center's reader walks one chain: no need to look for every chain there is.
        let mut names = match only {
            Some(chain) => vec![chain.to_owned()],
            None => self.store.audit_chain_names()?,
        };
        names.extend(pins.iter().map(|p| p.chain.clone()));
        let names: Vec<String> = lock_order(names.iter().map(String::as_str))
            .into_iter()
            .filter(|c| only.is_none_or(|o| o == *c))
            .map(str::to_owned)
            .collect();
        let mut reports = Vec::with_capacity(names.len());
        for chain in &names {
            let pin = pins.iter().find(|p| &p.chain == chain).cloned();
            reports.push(self.walk_chain(&keys, chain, pin)?);
        }
        let report = TrailReport::new(reports);
        let span = tracing::Span::current();
        span.record("chains", report.chains.len());
        span.record("checked", report.checked);
        Ok(report)
    }

    /// Walks one chain to its head, catching up with events appended while it walked.
    fn walk_chain(
        &self,
        keys: &DataKeys,
        chain: &str,
        pin: Option<Pin>,
    ) -> Result<ChainReport, DomainError> {
        let mut head = self.store.audit_chain_head(chain)?;
        let keyed_from = head.as_ref().map_or(1, |h| h.keyed_from_seq);
        let mut walker = ChainWalker::new(keys, chain, keyed_from);
        if let Some(pin) = pin {
            walker = walker.pinned(pin);
        }
        let mut after = 0;
        for _round in 0..VERIFY_ROUNDS {
            let start = after;
            'batches: loop {
                let batch = self.store.audit_chain(chain, after, VERIFY_BATCH)?;
                let Some(last) = batch.last() else { break };
                after = last.chain_seq;
                for ev in &batch {
                    if !walker.feed(ev) {
                        break 'batches;
                    }
                }
            }
            head = self.store.audit_chain_head(chain)?;
            if walker.is_broken() || head.as_ref().is_none_or(|h| h.seq <= after) || after == start
            {
                break;
            }
        }
        Ok(walker.finish(head.as_ref()))
    }

    /// Checks a checkpoint's signature (`tsunagu audit verify --checkpoint FILE`); on
    /// success, the points it pins for [`Self::verify_chain_pinned`].
    pub fn check_checkpoint(&self, cp: &Checkpoint) -> Result<Vec<Pin>, CheckpointError> {
        cp.verify(&self.store.audit_chain_keys())
    }

    /// Verifies every chain and, when all are intact, signs a checkpoint of where each ends
    /// (`tsunagu audit checkpoint`, and the periodic checkpoint in the log). A broken chain
    /// gets no checkpoint: signing it would vouch for the damage.
    #[tracing::instrument(skip_all)]
    pub fn checkpoint(&self) -> Result<Result<Checkpoint, BrokenLink>, DomainError> {
        let report = self.verify_chain()?;
        if let Some(broken) = report.first_broken {
            return Ok(Err(broken));
        }
        // What the walk verified, not heads read later: events appended since are not
        // vouched for.
        let keys = self.store.audit_chain_keys();
        let chains = report
            .chains
            .into_iter()
            .map(|c| ChainPoint {
                chain: c.chain,
                seq: c.last_seq,
                hash: c.last_hash,
                keyed_from: c.keyed_from_seq,
            })
            .collect();
        Ok(Ok(Checkpoint::sign(&keys, chains, self.clock.now())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_searches_are_redacted() {
        assert_eq!(
            redact_searches("q=山田 花子; count=2"),
            "q=[redacted]; count=2"
        );
        assert_eq!(
            redact_searches("q=a; count=1; count=3"),
            "q=[redacted]; count=3",
            "a query that looks like a count is redacted whole"
        );
        assert_eq!(redact_searches("q=; count=0"), "q=[redacted]; count=0");
        assert_eq!(
            redact_searches("status=open; q=やまだ; count=4"),
            "status=open; q=[redacted]; count=4"
        );
        assert_eq!(redact_searches("q=やまだ"), "q=[redacted]");
        for kept in ["fields=notes", "patient_id=1; count=3", "faq=1"] {
            assert_eq!(redact_searches(kept), kept);
        }
    }

    #[test]
    fn action_filters_are_names_or_prefixes() {
        for ok in ["patient.read", "patient.", "auth.totp_start"] {
            assert!(action_filter_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "Patient.read",
            "patient read",
            "patient.*",
            &"a".repeat(65),
        ] {
            assert!(!action_filter_ok(bad), "{bad}");
        }
    }
}
