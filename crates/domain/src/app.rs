//! The application core every feature's use cases share: who is calling ([`Ctx`]), the
//! ports and clock they work with ([`Services`]), auditing a refused request, and logging
//! reads of personal data. Each feature reaches its use cases through a facade declared
//! with [`crate::facade!`], e.g. `services.patients().create(ctx, input)`.

use crate::access::{AccessLog, PendingRead};
use crate::audit::{AuditDraft, Outcome};
use crate::clock::{Clock, tokyo_date};
use crate::entities::{Actor, RequestMeta};
use crate::error::DomainError;
use crate::events::Action;
use crate::integrations::targets::AllowHosts;
use crate::ports::{Mailer, Store};
use chrono::NaiveDate;
use std::sync::Arc;
use uuid::Uuid;

/// Who is calling and from where: what every use case needs for authorization and audit.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub meta: RequestMeta,
}

#[derive(Clone)]
pub struct Services {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Where reads of patient data are logged (see [`AccessLog`]).
    pub(crate) access: AccessLog,
    /// Internal webhook targets the operator allowed (see [`crate::integrations::targets`]).
    pub(crate) webhook_allow: Arc<AllowHosts>,
    /// How long an idempotency claim holds its key (see [`crate::idempotency::LEASE`]).
    pub(crate) idempotency_lease: chrono::Duration,
    /// The SMTP relay agency links are e-mailed through; `None` when none is configured.
    pub(crate) mailer: Option<Arc<dyn Mailer>>,
    /// Imports running in this process (see [`crate::exchange::import::ImportRuns`]).
    pub(crate) import_runs: Arc<crate::exchange::import::ImportRuns>,
}

pub const NAME_MAX: usize = 100;
/// How long a read waits for its access event to commit before it answers 503 instead.
pub(crate) const ACCESS_LOG_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
pub const NOTES_MAX: usize = 2000;

impl Services {
    /// Builds the services and starts the access-log writer.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let access = AccessLog::start(store.clone());
        Self {
            store,
            clock,
            access,
            webhook_allow: Arc::default(),
            idempotency_lease: crate::idempotency::LEASE,
            mailer: None,
            import_runs: Arc::default(),
        }
    }

    /// The same services over another store: an import's commit runs the use cases on a
    /// store inside one transaction.
    pub(crate) fn with_store(&self, store: Arc<dyn Store>) -> Self {
        Self {
            store,
            ..self.clone()
        }
    }

    /// Imports waiting for a worker are announced here (the server's import worker waits on it).
    pub fn import_runs(&self) -> &Arc<crate::exchange::import::ImportRuns> {
        &self.import_runs
    }

    /// How long a request's claim on its `Idempotency-Key` lasts
    /// (`TSUNAGU_IDEMPOTENCY_LEASE_SECS`): after a crash, a retry of a request that was in
    /// flight answers 409 `idempotency_in_progress` until it has run out.
    pub fn with_idempotency_lease(mut self, lease: chrono::Duration) -> Self {
        self.idempotency_lease = lease;
        self
    }

    /// E-mails agency links through this relay (`TSUNAGU_SMTP_URL`).
    pub fn with_mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// Lets webhooks go to these internal hosts (`TSUNAGU_WEBHOOK_ALLOW_HOSTS`); without it
    /// every target must be public.
    pub fn with_webhook_allow_hosts(mut self, allow: AllowHosts) -> Self {
        self.webhook_allow = Arc::new(allow);
        self
    }

    /// The internal webhook targets the operator allowed.
    pub fn webhook_allow_hosts(&self) -> &AllowHosts {
        &self.webhook_allow
    }

    /// Waits until every queued access event is written; `false` if `timeout` passed first.
    pub fn flush_access_log(&self, timeout: std::time::Duration) -> bool {
        self.access.flush(timeout)
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn ready(&self) -> Result<(), DomainError> {
        self.store.ping()
    }

    /// Runs one request's work (its session check and its use case) on one database
    /// connection (see [`crate::ports::Health::in_one_connection`]).
    pub fn in_one_connection<T>(
        &self,
        f: impl FnOnce() -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        let mut f = Some(f);
        let mut out = None;
        self.store.in_one_connection(&mut || {
            if let Some(f) = f.take() {
                out = Some(f());
            }
        });
        out.unwrap_or_else(|| {
            Err(DomainError::Internal(
                "the store did not run the request's work".into(),
            ))
        })
    }

    /// Runs a use case and audits it when it is refused or points at nothing.
    pub(crate) fn guard<T>(
        &self,
        ctx: &Ctx,
        action: Action,
        id: Option<Uuid>,
        f: impl FnOnce() -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        f().inspect_err(|e| self.audit_refusal(ctx, action, id.map(|i| i.to_string()), e))
    }

    /// Records a request that was refused or pointed at nothing, which the trail must show
    /// (someone probing other centers' ids is exactly what an auditor looks for).
    pub fn audit_refusal(
        &self,
        ctx: &Ctx,
        action: Action,
        resource_id: Option<String>,
        err: &DomainError,
    ) {
        let outcome = match err {
            DomainError::NotFound => Outcome::NotFound,
            DomainError::Forbidden { .. }
            | DomainError::InsufficientScope { .. }
            | DomainError::Unauthenticated { .. } => Outcome::Denied,
            _ => return,
        };
        let mut ev =
            AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action).outcome(outcome);
        ev.resource_id = resource_id;
        if let Err(e) = self.store.append_audit(&[ev]) {
            log_unaudited_refusal(&e);
        }
    }

    pub(crate) fn today(&self) -> NaiveDate {
        tokyo_date(self.clock.now())
    }

    pub(crate) fn ev(&self, ctx: &Ctx, action: Action) -> AuditDraft {
        AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action)
    }

    /// Logs a read of one patient's data; returns once the event is durable (see
    /// [`crate::access`]), so the data is answered only after.
    pub(crate) fn log_read(
        &self,
        ctx: &Ctx,
        action: Action,
        id: Uuid,
        patient: Uuid,
    ) -> Result<(), DomainError> {
        self.queue_read(ctx, action, id, patient)
            .durable(ACCESS_LOG_WAIT)
    }

    /// Queues the event of a read of one patient's data that goes on reading: the answer
    /// waits for it with [`PendingRead::durable`] (see [`AccessLog::queue_read`]).
    pub(crate) fn queue_read(
        &self,
        ctx: &Ctx,
        action: Action,
        id: Uuid,
        patient: Uuid,
    ) -> PendingRead<'_> {
        self.access
            .queue_read(self.ev(ctx, action).resource(id).patient(patient))
    }

    /// Appends a read's access event; returns once it is durable. For every read that
    /// answers personal data.
    pub(crate) fn log_access(&self, ev: AuditDraft) -> Result<(), DomainError> {
        self.access.record(ev, ACCESS_LOG_WAIT)
    }

    /// Queues the event of a read that answers no personal data (totals, a verification),
    /// which must answer even while the trail cannot be appended to.
    pub(crate) fn log_impersonal_read(&self, ev: AuditDraft) {
        self.access.queue(ev);
    }

    /// Logs a list or search: one event with the query and how many records it returned;
    /// durable before it returns, like [`Self::log_read`].
    pub(crate) fn log_list(
        &self,
        ctx: &Ctx,
        action: Action,
        query: &str,
        count: usize,
    ) -> Result<(), DomainError> {
        let mut ev = self
            .ev(ctx, action)
            .detail(format!("{query}; count={count}"));
        if let Some(p) = query
            .split("; ")
            .find_map(|kv| kv.strip_prefix("patient_id="))
            .and_then(|p| Uuid::parse_str(p).ok())
        {
            ev = ev.patient(p);
        }
        self.log_access(ev)
    }
}

/// Names of the changed fields, for the audit detail (names only: never the values).
pub(crate) fn changed_fields(fields: &[(&str, bool)]) -> String {
    let names: Vec<&str> = fields
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(n, _)| *n)
        .collect();
    format!("fields={}", names.join(","))
}

/// Reports an audit record of a refusal that could not be written. Refusals must never
/// turn into errors themselves, so this only logs.
pub(crate) fn log_unaudited_refusal(e: &DomainError) {
    tracing::error!(error = %e, "audit of a refused request failed");
}
