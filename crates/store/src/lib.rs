//! Tsunagu's persistence: the diesel implementation of the domain's [`Store`] port for
//! SQLite (the embedded default) and PostgreSQL (production). All SQL lives in this crate.

/// Runs the same diesel expression on whichever backend the connection is: for the few
/// statements (upserts, multi-row inserts) that diesel cannot build for `MultiConnection`.
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

pub mod bulk;
mod cases;
pub mod db;
mod integrations;
mod reports;
mod rollup;
mod rows;
pub mod schema;
mod supervision;

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use db::{DbConn, Pool, PooledConn, write_tx};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rows::{AgencyRow, AuditRow, CenterRow, UserRow, naive, utc, uuid};
use schema::{
    agencies, audit_chain_head, audit_events, centers, login_throttles, recovery_codes,
    refresh_tokens, sessions, users,
};
use std::time::Duration;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::{AuditDraft, AuditEvent, Outcome, chain_hash};
use tsunagu_domain::entities::{
    Actor, Agency, CaseHistory, Center, Consent, Consultation, FollowUp, FollowUpView, LevelChange,
    LoginThrottle, Patient, PatientLabel, Provision, QueueRow, Referral, Review, Session, User,
    UserCredentials,
};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::platform::{
    ApiClient, AttemptResult, ClientCredentials, Delivery, DeliveryJob, Webhook,
};
use tsunagu_domain::ports::{
    AgencyChanges, AuditFilter, CenterChanges, ConsultationFilter, FollowUpFilter,
    IdempotencyBegin, PatientQuery, ReferralEffects, ReferralFilter, RefreshOutcome, Scope,
    SecretRotation, Store, StoreResult, StoredResponse, SummaryCounts, UserChanges,
};
use tsunagu_domain::reports::{DimCount, OutcomeCount, Period, ReferralCount, ReportScope};
use tsunagu_domain::values::{self, AgencyType, ReviewState, Role, SupportAwareness};
use uuid::Uuid;

pub use db::{Backend, DatabaseUrl, OpenError, default_pool_size, open_pool, run_migrations};

/// Store-level failures, folded into [`DomainError`] at the port boundary.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error(transparent)]
    Query(#[from] DieselError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d,
            StoreError::Query(q) => query_error(q),
        }
    }
}

fn query_error(e: DieselError) -> DomainError {
    match e {
        DieselError::NotFound => DomainError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let what = info
                .constraint_name()
                .map(str::to_owned)
                .unwrap_or_else(|| info.message().to_owned());
            if what.contains("login") {
                DomainError::conflict("login_taken", "this login is already in use")
            } else if what.contains("code") {
                DomainError::conflict("code_taken", "this code is already in use")
            } else {
                DomainError::conflict(
                    "already_exists",
                    "a record with these values already exists",
                )
            }
        }
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
            DomainError::Unavailable(info.message().to_owned())
        }
        other => DomainError::Internal(other.to_string()),
    }
}

/// A refresh token with what decides whether it may be rotated.
#[derive(Queryable)]
struct RefreshLookup {
    session_id: String,
    spent_at: Option<chrono::NaiveDateTime>,
    user_id: String,
    expires_at: chrono::NaiveDateTime,
    revoked_at: Option<chrono::NaiveDateTime>,
    role: String,
    active: bool,
    center_id: Option<String>,
}

#[derive(Clone)]
pub struct DieselStore {
    pool: Pool,
    backend: Backend,
}

impl DieselStore {
    pub fn new(pool: Pool, backend: Backend) -> Self {
        Self { pool, backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    fn conn(&self) -> StoreResult<PooledConn> {
        self.pool
            .get()
            .map_err(|e| DomainError::Unavailable(e.to_string()))
    }

    fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>) -> StoreResult<T> {
        let mut c = self.conn()?;
        f(&mut c).map_err(Into::into)
    }

    fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, StoreError>) -> StoreResult<T> {
        let mut c = self.conn()?;
        write_tx(&mut c, f).map_err(Into::into)
    }
}

/// Appends events to the hash chain inside the caller's transaction. Updating the head row
/// first takes its lock, which serialises appends across connections and API replicas; the
/// head then tells the sequence number and hash to continue from.
pub(crate) fn append_events(conn: &mut DbConn, drafts: &[AuditDraft]) -> Result<(), StoreError> {
    if drafts.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev): (i64, String) =
        diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
            .set(audit_chain_head::seq.eq(audit_chain_head::seq))
            .returning((audit_chain_head::seq, audit_chain_head::hash))
            .get_result(conn)?;
    for d in drafts {
        seq += 1;
        let hash = chain_hash(&prev, &d.record().canonical(seq));
        diesel::insert_into(audit_events::table)
            .values(AuditRow::new(seq, d, prev, hash.clone()))
            .execute(conn)?;
        prev = hash;
    }
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set((
            audit_chain_head::seq.eq(seq),
            audit_chain_head::hash.eq(prev),
        ))
        .execute(conn)?;
    // The outbox rows of webhook events go in the same transaction as the change.
    integrations::enqueue_audited(conn, drafts)
}

/// The `updated_at` of a change to case records, taken under the audit chain's lock (which
/// the transaction holds until it commits): never before `proposed`, and always after the
/// last one given. So these times follow commit order, and a client syncing with
/// `updated_since` cannot miss a change that committed late with an earlier time.
pub(crate) fn change_stamp(
    conn: &mut DbConn,
    proposed: DateTime<Utc>,
) -> Result<chrono::NaiveDateTime, StoreError> {
    let last: Option<chrono::NaiveDateTime> =
        diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
            .set(audit_chain_head::seq.eq(audit_chain_head::seq))
            .returning(audit_chain_head::last_change_at)
            .get_result(conn)?;
    let proposed = naive(proposed);
    let stamp = match last {
        Some(l) if l >= proposed => l + chrono::Duration::microseconds(1),
        _ => proposed,
    };
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set(audit_chain_head::last_change_at.eq(Some(stamp)))
        .execute(conn)?;
    Ok(stamp)
}

fn one_audit(conn: &mut DbConn, d: &AuditDraft) -> Result<(), StoreError> {
    append_events(conn, std::slice::from_ref(d))
}

fn page_of<T>(rows: Vec<T>, req: &PageRequest, id_of: impl Fn(&T) -> Uuid) -> Page<T> {
    Page::from_rows(rows, req, id_of)
}

pub(crate) fn after_key(req: &PageRequest) -> String {
    req.after.map(|u| u.to_string()).unwrap_or_default()
}

/// After an update matched no row: the record is gone (or another center's), or its version moved.
pub(crate) fn missing_or_stale(exists: bool) -> StoreError {
    StoreError::Domain(if exists {
        DomainError::PreconditionFailed
    } else {
        DomainError::NotFound
    })
}

impl Store for DieselStore {
    fn ping(&self) -> StoreResult<()> {
        let mut c = self
            .pool
            .get_timeout(Duration::from_secs(2))
            .map_err(|e| DomainError::Unavailable(e.to_string()))?;
        diesel::sql_query("SELECT 1")
            .execute(&mut *c)
            .map(|_| ())
            .map_err(query_error)
    }

    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()> {
        self.write(|c| append_events(c, events))
    }

    fn audit_chain(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| {
            let rows: Vec<AuditRow> = audit_events::table
                .filter(audit_events::seq.gt(after_seq))
                .order(audit_events::seq.asc())
                .limit(limit)
                .select(AuditRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(AuditRow::into_event).collect())
        })
    }

    fn audit_events(&self, f: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| {
            use audit_events::dsl as e;
            let mut q = e::audit_events
                .order(e::seq.desc())
                .limit(limit)
                .select(AuditRow::as_select())
                .into_boxed();
            if let Some(center) = f.center {
                q = q.filter(e::center_id.eq(center.to_string()));
            }
            if let Some(p) = f.patient_id {
                q = q.filter(e::patient_id.eq(p.to_string()));
            }
            if let Some(a) = f.actor_id {
                q = q.filter(e::actor_id.eq(a.to_string()));
            }
            if let Some(action) = &f.action {
                q = if action.ends_with('.') {
                    q.filter(e::action.like(format!("{action}%")))
                } else {
                    q.filter(e::action.eq(action.clone()))
                };
            }
            if let Some(t) = f.from {
                q = q.filter(e::occurred_at.ge(naive(t)));
            }
            if let Some(t) = f.to {
                q = q.filter(e::occurred_at.lt(naive(t)));
            }
            if let Some(s) = f.before_seq {
                q = q.filter(e::seq.lt(s));
            }
            let rows: Vec<AuditRow> = q.load(c)?;
            Ok(rows.into_iter().map(AuditRow::into_event).collect())
        })
    }

    fn count_users_with_role(&self, role: Role) -> StoreResult<i64> {
        self.read(|c| {
            Ok(users::table
                .filter(users::role.eq(role.as_str()))
                .count()
                .get_result(c)?)
        })
    }

    fn credentials_by_login(&self, login: &str) -> StoreResult<Option<UserCredentials>> {
        self.read(|c| {
            let row: Option<UserRow> = users::table
                .filter(users::login.eq(login))
                .select(UserRow::as_select())
                .first(c)
                .optional()?;
            let Some(r) = row else { return Ok(None) };
            let (secret, enabled, last): (Option<String>, bool, i64) = users::table
                .find(&r.id)
                .select((
                    users::totp_secret,
                    users::totp_enabled,
                    users::totp_last_step,
                ))
                .first(c)?;
            let password_hash = r.password_hash.clone();
            Ok(Some(UserCredentials {
                user: r.into_entity()?,
                password_hash,
                totp_secret: secret,
                totp_enabled: enabled,
                totp_last_step: last,
            }))
        })
    }

    fn login_throttle(&self, login: &str) -> StoreResult<Option<LoginThrottle>> {
        self.read(|c| {
            let row: Option<(
                String,
                i32,
                chrono::NaiveDateTime,
                Option<chrono::NaiveDateTime>,
            )> = login_throttles::table
                .filter(login_throttles::login.eq(login))
                .first(c)
                .optional()?;
            Ok(row.map(|(login, failures, last, locked)| LoginThrottle {
                login,
                failures,
                last_failure_at: utc(last),
                locked_until: locked.map(utc),
            }))
        })
    }

    fn record_login_failure(&self, t: &LoginThrottle, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            // Read-then-write is safe here: the transaction is a writer from its start.
            let values = (
                login_throttles::failures.eq(t.failures),
                login_throttles::last_failure_at.eq(naive(t.last_failure_at)),
                login_throttles::locked_until.eq(t.locked_until.map(naive)),
            );
            let n =
                diesel::update(login_throttles::table.filter(login_throttles::login.eq(&t.login)))
                    .set(values)
                    .execute(c)?;
            if n == 0 {
                diesel::insert_into(login_throttles::table)
                    .values((
                        login_throttles::login.eq(&t.login),
                        values.0,
                        values.1,
                        values.2,
                    ))
                    .execute(c)?;
            }
            one_audit(c, audit)
        })
    }

    fn start_session(
        &self,
        s: &Session,
        refresh_hash: &str,
        login: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(sessions::table)
                .values((
                    sessions::id.eq(s.id.to_string()),
                    sessions::user_id.eq(s.user_id.to_string()),
                    sessions::created_at.eq(naive(s.created_at)),
                    sessions::expires_at.eq(naive(s.expires_at)),
                    sessions::revoked_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c)?;
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(refresh_hash),
                    refresh_tokens::session_id.eq(s.id.to_string()),
                    refresh_tokens::issued_at.eq(naive(s.created_at)),
                    refresh_tokens::spent_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c)?;
            diesel::delete(login_throttles::table.filter(login_throttles::login.eq(login)))
                .execute(c)?;
            one_audit(c, audit)
        })
    }

    fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        mut audit: AuditDraft,
    ) -> StoreResult<RefreshOutcome> {
        self.write(|c| {
            let found: Option<RefreshLookup> = refresh_tokens::table
                .inner_join(sessions::table.inner_join(users::table))
                .filter(refresh_tokens::token_hash.eq(old_hash))
                .select((
                    refresh_tokens::session_id,
                    refresh_tokens::spent_at,
                    sessions::user_id,
                    sessions::expires_at,
                    sessions::revoked_at,
                    users::role,
                    users::active,
                    users::center_id,
                ))
                .first(c)
                .optional()?;
            let Some(RefreshLookup {
                session_id,
                spent_at,
                user_id,
                expires_at,
                revoked_at,
                role,
                active,
                center_id,
            }) = found
            else {
                one_audit(c, &audit.outcome(Outcome::Denied).detail("unknown_token"))?;
                return Ok(RefreshOutcome::Invalid);
            };
            audit.actor_kind = "user";
            audit.actor_id = Some(uuid("sessions.user_id", &user_id)?);
            audit.actor_role = Some(role);
            audit.center_id = center_id
                .as_deref()
                .map(|s| uuid("users.center_id", s))
                .transpose()?;
            audit.resource_id = Some(session_id.clone());
            if spent_at.is_some() {
                // A spent token came back: whoever holds the chain of tokens is not alone.
                diesel::update(
                    sessions::table
                        .filter(sessions::id.eq(&session_id))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(Some(naive(now))))
                .execute(c)?;
                one_audit(
                    c,
                    &audit
                        .outcome(Outcome::Denied)
                        .detail("refresh_token_reused_session_revoked"),
                )?;
                return Ok(RefreshOutcome::Reused);
            }
            if revoked_at.is_some() || utc(expires_at) <= now || !active {
                one_audit(c, &audit.outcome(Outcome::Denied).detail("session_ended"))?;
                return Ok(RefreshOutcome::Invalid);
            }
            let spent = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(old_hash))
                    .filter(refresh_tokens::spent_at.is_null()),
            )
            .set(refresh_tokens::spent_at.eq(Some(naive(now))))
            .execute(c)?;
            if spent != 1 {
                return Ok(RefreshOutcome::Invalid);
            }
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(new_hash),
                    refresh_tokens::session_id.eq(&session_id),
                    refresh_tokens::issued_at.eq(naive(now)),
                    refresh_tokens::spent_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c)?;
            one_audit(c, &audit)?;
            Ok(RefreshOutcome::Rotated {
                user_id: uuid("sessions.user_id", &user_id)?,
                session_id: uuid("sessions.id", &session_id)?,
            })
        })
    }

    fn revoke_session(
        &self,
        session_id: Uuid,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::update(
                sessions::table
                    .filter(sessions::id.eq(session_id.to_string()))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(Some(naive(now))))
            .execute(c)?;
            one_audit(c, audit)
        })
    }

    fn principal(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Actor>> {
        self.read(|c| {
            let row: Option<(UserRow, bool, Option<String>)> = sessions::table
                .inner_join(users::table.left_join(centers::table))
                .filter(sessions::id.eq(session_id.to_string()))
                .filter(sessions::user_id.eq(user_id.to_string()))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(naive(now)))
                .filter(users::active.eq(true))
                // A deactivated center locks out its staff; the system administrator has none.
                .filter(users::center_id.is_null().or(centers::active.eq(true)))
                .select((
                    UserRow::as_select(),
                    users::totp_enabled,
                    centers::totp_roles.nullable(),
                ))
                .first(c)
                .optional()?;
            let Some((r, totp_enabled, required)) = row else {
                return Ok(None);
            };
            let u = r.into_entity()?;
            let must_enroll_totp = !totp_enabled
                && required.is_some_and(|roles| roles.split(',').any(|x| x == u.role.as_str()));
            Ok(Some(Actor {
                user_id: u.id,
                session_id,
                role: u.role,
                center_id: u.center_id,
                login: u.login,
                display_name: u.display_name,
                totp_enabled,
                must_enroll_totp,
                scopes: None,
            }))
        })
    }

    fn idempotency_begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin> {
        use schema::idempotency_keys::dsl as k;
        let found = self.write(|c| {
            diesel::delete(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key))
                    .filter(k::created_at.lt(naive(expired_before))),
            )
            .execute(c)?;
            type Row = (
                String,
                String,
                Option<i32>,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let row: Option<Row> = k::idempotency_keys
                .filter(k::caller.eq(caller))
                .filter(k::key.eq(key))
                .select((
                    k::request_hash,
                    k::state,
                    k::status,
                    k::content_type,
                    k::location,
                    k::etag,
                    k::body,
                ))
                .first(c)
                .optional()?;
            let Some((hash, state, status, content_type, location, etag, body)) = row else {
                diesel::insert_into(k::idempotency_keys)
                    .values((
                        k::caller.eq(caller),
                        k::key.eq(key),
                        k::request_hash.eq(request_hash),
                        k::state.eq("in_progress"),
                        k::created_at.eq(naive(now)),
                    ))
                    .execute(c)?;
                return Ok(IdempotencyBegin::Started);
            };
            Ok(if state != "done" {
                IdempotencyBegin::InProgress
            } else if hash != request_hash {
                IdempotencyBegin::Mismatch
            } else {
                IdempotencyBegin::Replay(StoredResponse {
                    status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
                    content_type,
                    location,
                    etag,
                    body: body.unwrap_or_default(),
                })
            })
        });
        // Two first uses at the same instant: the loser sees the winner's claim.
        match found {
            Err(DomainError::Conflict { .. }) => Ok(IdempotencyBegin::InProgress),
            other => other,
        }
    }

    fn idempotency_finish(&self, caller: &str, key: &str, r: &StoredResponse) -> StoreResult<()> {
        use schema::idempotency_keys::dsl as k;
        self.write(|c| {
            diesel::update(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key)),
            )
            .set((
                k::state.eq("done"),
                k::status.eq(Some(i32::from(r.status))),
                k::content_type.eq(&r.content_type),
                k::location.eq(&r.location),
                k::etag.eq(&r.etag),
                k::body.eq(Some(&r.body)),
            ))
            .execute(c)?;
            Ok(())
        })
    }

    fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()> {
        use schema::idempotency_keys::dsl as k;
        self.write(|c| {
            diesel::delete(
                k::idempotency_keys
                    .filter(k::caller.eq(caller))
                    .filter(k::key.eq(key)),
            )
            .execute(c)?;
            Ok(())
        })
    }

    fn start_totp(&self, user_id: Uuid, secret: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            let n = diesel::update(
                users::table
                    .filter(users::id.eq(user_id.to_string()))
                    .filter(users::totp_enabled.eq(false)),
            )
            .set(users::totp_secret.eq(Some(secret)))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::Domain(DomainError::conflict(
                    "totp_already_enabled",
                    "two-factor sign-in is already set up for this user",
                )));
            }
            one_audit(c, audit)
        })
    }

    fn totp_state(&self, user_id: Uuid) -> StoreResult<(Option<String>, bool, i64)> {
        self.read(|c| {
            Ok(users::table
                .find(user_id.to_string())
                .select((
                    users::totp_secret,
                    users::totp_enabled,
                    users::totp_last_step,
                ))
                .first(c)?)
        })
    }

    fn enable_totp(
        &self,
        user_id: Uuid,
        step: i64,
        recovery_hashes: &[String],
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            let id = user_id.to_string();
            let n = diesel::update(
                users::table
                    .filter(users::id.eq(&id))
                    .filter(users::totp_enabled.eq(false)),
            )
            .set((users::totp_enabled.eq(true), users::totp_last_step.eq(step)))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::Domain(DomainError::conflict(
                    "totp_already_enabled",
                    "two-factor sign-in is already set up for this user",
                )));
            }
            diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(&id)))
                .execute(c)?;
            for h in recovery_hashes {
                diesel::insert_into(recovery_codes::table)
                    .values((
                        recovery_codes::user_id.eq(&id),
                        recovery_codes::code_hash.eq(h),
                        recovery_codes::used_at.eq(None::<chrono::NaiveDateTime>),
                    ))
                    .execute(c)?;
            }
            one_audit(c, audit)
        })
    }

    fn use_totp_step(&self, user_id: Uuid, step: i64) -> StoreResult<bool> {
        self.write(|c| {
            Ok(diesel::update(
                users::table
                    .filter(users::id.eq(user_id.to_string()))
                    .filter(users::totp_last_step.lt(step)),
            )
            .set(users::totp_last_step.eq(step))
            .execute(c)?
                == 1)
        })
    }

    fn use_recovery_code(
        &self,
        user_id: Uuid,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|c| {
            Ok(diesel::update(
                recovery_codes::table
                    .filter(recovery_codes::user_id.eq(user_id.to_string()))
                    .filter(recovery_codes::code_hash.eq(hash))
                    .filter(recovery_codes::used_at.is_null()),
            )
            .set(recovery_codes::used_at.eq(Some(naive(now))))
            .execute(c)?
                == 1)
        })
    }

    fn insert_center(&self, center: &Center, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(centers::table)
                .values(CenterRow::from_entity(center))
                .execute(c)?;
            one_audit(c, audit)
        })
    }

    fn center(&self, id: Uuid) -> StoreResult<Option<Center>> {
        self.read(|c| {
            let row: Option<CenterRow> = centers::table
                .find(id.to_string())
                .select(CenterRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(CenterRow::into_entity).transpose()?)
        })
    }

    fn centers(&self, req: PageRequest) -> StoreResult<Page<Center>> {
        self.read(|c| {
            let rows: Vec<CenterRow> = centers::table
                .filter(centers::id.gt(after_key(&req)))
                .order(centers::id.asc())
                .limit(req.limit + 1)
                .select(CenterRow::as_select())
                .load(c)?;
            let items = rows
                .into_iter()
                .map(CenterRow::into_entity)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(items, &req, |x| x.id))
        })
    }

    fn update_center(
        &self,
        id: Uuid,
        expected_version: i32,
        ch: &CenterChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Center> {
        self.write(|c| {
            let target = centers::table
                .filter(centers::id.eq(id.to_string()))
                .filter(centers::version.eq(expected_version));
            let n = diesel::update(target)
                .set((
                    ch.name.as_ref().map(|v| centers::name.eq(v)),
                    ch.prefecture_code
                        .as_ref()
                        .map(|v| centers::prefecture_code.eq(v)),
                    ch.operating_type
                        .map(|v| centers::operating_type.eq(v.as_str())),
                    ch.active.map(|v| centers::active.eq(v)),
                    ch.follow_up_days.map(|v| centers::follow_up_days.eq(v)),
                    ch.escalation_days.map(|v| centers::escalation_days.eq(v)),
                    ch.sample_percent.map(|v| centers::sample_percent.eq(v)),
                    ch.totp_roles
                        .as_ref()
                        .map(|v| centers::totp_roles.eq(values::join_list(v, Role::as_str))),
                    centers::version.eq(centers::version + 1),
                    centers::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            if n == 0 {
                let exists = centers::table
                    .find(id.to_string())
                    .count()
                    .get_result::<i64>(c)?
                    > 0;
                return Err(missing_or_stale(exists));
            }
            one_audit(c, audit)?;
            Ok(centers::table
                .find(id.to_string())
                .select(CenterRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }

    fn insert_user(&self, user: &User, password_hash: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(users::table)
                .values(UserRow::from_entity(user, password_hash))
                .execute(c)?;
            one_audit(c, audit)
        })
    }

    fn user(&self, scope: Scope, id: Uuid) -> StoreResult<Option<User>> {
        self.read(|c| {
            let mut q = users::table
                .filter(users::id.eq(id.to_string()))
                .select(UserRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(users::center_id.eq(center.to_string()));
            }
            let row: Option<UserRow> = q.first(c).optional()?;
            Ok(row.map(UserRow::into_entity).transpose()?)
        })
    }

    fn users(&self, scope: Scope, req: PageRequest) -> StoreResult<Page<User>> {
        self.read(|c| {
            let mut q = users::table
                .filter(users::id.gt(after_key(&req)))
                .order(users::id.asc())
                .limit(req.limit + 1)
                .select(UserRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(users::center_id.eq(center.to_string()));
            }
            let rows: Vec<UserRow> = q.load(c)?;
            let items = rows
                .into_iter()
                .map(UserRow::into_entity)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(items, &req, |x| x.id))
        })
    }

    fn update_user(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        ch: &UserChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<User> {
        self.write(|c| {
            let center_filter = match scope {
                Scope::All => None,
                Scope::Center(center) => Some(center.to_string()),
            };
            let mut target = diesel::update(users::table)
                .filter(users::id.eq(id.to_string()))
                .filter(users::version.eq(expected_version))
                .into_boxed();
            if let Some(center) = &center_filter {
                target = target.filter(users::center_id.eq(center));
            }
            let n = target
                .set((
                    ch.display_name.as_ref().map(|v| users::display_name.eq(v)),
                    ch.role.map(|v| users::role.eq(v.as_str())),
                    ch.active.map(|v| users::active.eq(v)),
                    ch.password_hash
                        .as_ref()
                        .map(|v| users::password_hash.eq(v)),
                    users::version.eq(users::version + 1),
                    users::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            let mut check = users::table
                .filter(users::id.eq(id.to_string()))
                .into_boxed();
            if let Some(center) = &center_filter {
                check = check.filter(users::center_id.eq(center));
            }
            if n == 0 {
                let exists = check.count().get_result::<i64>(c)? > 0;
                return Err(missing_or_stale(exists));
            }
            if ch.ends_sessions() {
                diesel::update(
                    sessions::table
                        .filter(sessions::user_id.eq(id.to_string()))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(Some(naive(now))))
                .execute(c)?;
            }
            one_audit(c, audit)?;
            Ok(users::table
                .find(id.to_string())
                .select(UserRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }

    fn insert_agency(&self, agency: &Agency, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(agencies::table)
                .values(AgencyRow::from_entity(agency))
                .execute(c)?;
            one_audit(c, audit)
        })
    }

    fn agency(&self, scope: Scope, id: Uuid) -> StoreResult<Option<Agency>> {
        self.read(|c| {
            let mut q = agencies::table
                .filter(agencies::id.eq(id.to_string()))
                .select(AgencyRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(agencies::center_id.eq(center.to_string()));
            }
            let row: Option<AgencyRow> = q.first(c).optional()?;
            Ok(row.map(AgencyRow::into_entity).transpose()?)
        })
    }

    fn agencies(
        &self,
        scope: Scope,
        agency_type: Option<AgencyType>,
        req: PageRequest,
    ) -> StoreResult<Page<Agency>> {
        self.read(|c| {
            let mut q = agencies::table
                .filter(agencies::id.gt(after_key(&req)))
                .order(agencies::id.asc())
                .limit(req.limit + 1)
                .select(AgencyRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(agencies::center_id.eq(center.to_string()));
            }
            if let Some(t) = agency_type {
                q = q.filter(agencies::agency_type.eq(t.as_str()));
            }
            let rows: Vec<AgencyRow> = q.load(c)?;
            let items = rows
                .into_iter()
                .map(AgencyRow::into_entity)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(items, &req, |x| x.id))
        })
    }

    fn update_agency(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        ch: &AgencyChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Agency> {
        self.write(|c| {
            let Scope::Center(center) = scope else {
                return Err(StoreError::Domain(DomainError::NotFound));
            };
            let center = center.to_string();
            let n = diesel::update(
                agencies::table
                    .filter(agencies::id.eq(id.to_string()))
                    .filter(agencies::center_id.eq(&center))
                    .filter(agencies::version.eq(expected_version)),
            )
            .set((
                ch.agency_type.map(|v| agencies::agency_type.eq(v.as_str())),
                ch.name.as_ref().map(|v| agencies::name.eq(v)),
                ch.phone.as_ref().map(|v| agencies::phone.eq(v.clone())),
                ch.address.as_ref().map(|v| agencies::address.eq(v.clone())),
                ch.notes.as_ref().map(|v| agencies::notes.eq(v.clone())),
                ch.active.map(|v| agencies::active.eq(v)),
                agencies::version.eq(agencies::version + 1),
                agencies::updated_at.eq(naive(now)),
            ))
            .execute(c)?;
            if n == 0 {
                let exists = agencies::table
                    .filter(agencies::id.eq(id.to_string()))
                    .filter(agencies::center_id.eq(&center))
                    .count()
                    .get_result::<i64>(c)?
                    > 0;
                return Err(missing_or_stale(exists));
            }
            one_audit(c, audit)?;
            Ok(agencies::table
                .find(id.to_string())
                .select(AgencyRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }

    fn insert_patient(
        &self,
        patient: &Patient,
        fiscal_year: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Patient> {
        self.write(|c| cases::insert_patient(c, patient, fiscal_year, audit))
    }

    fn patient(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Patient>> {
        self.read(|c| cases::patient(c, center, id))
    }

    fn patient_labels(&self, center: Uuid, ids: &[Uuid]) -> StoreResult<Vec<PatientLabel>> {
        self.read(|c| cases::patient_labels(c, center, ids))
    }

    fn patients(
        &self,
        center: Uuid,
        query: Option<&PatientQuery>,
        page: PageRequest,
    ) -> StoreResult<Page<Patient>> {
        self.read(|c| cases::patients(c, center, query, &page))
    }

    fn save_patient(
        &self,
        patient: &Patient,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Patient> {
        self.write(|c| cases::save_patient(c, patient, expected_version, audit))
    }

    fn insert_consent(&self, consent: &Consent, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| cases::insert_consent(c, consent, audit))
    }

    fn consent(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consent>> {
        self.read(|c| cases::consent(c, center, id))
    }

    fn consents(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Consent>> {
        self.read(|c| cases::consents_of(c, center, patient_id))
    }

    fn save_consent(
        &self,
        consent: &Consent,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consent> {
        self.write(|c| cases::save_consent(c, consent, expected_version, audit))
    }

    fn insert_consultation(
        &self,
        x: &Consultation,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|c| cases::insert_consultation(c, x, audit))
    }

    fn consultation(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consultation>> {
        self.read(|c| cases::consultation(c, center, id))
    }

    fn consultations(
        &self,
        center: Uuid,
        filter: &ConsultationFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Consultation>> {
        self.read(|c| cases::consultations(c, center, filter, &page))
    }

    fn save_consultation(
        &self,
        x: &Consultation,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consultation> {
        self.write(|c| cases::save_consultation(c, x, expected_version, audit))
    }

    fn insert_referral(
        &self,
        r: &Referral,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|c| cases::insert_referral(c, r, effects, audit))
    }

    fn referral(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Referral>> {
        self.read(|c| cases::referral(c, center, id))
    }

    fn referrals(
        &self,
        center: Uuid,
        filter: &ReferralFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Referral>> {
        self.read(|c| cases::referrals_page(c, center, filter, &page))
    }

    fn save_referral(
        &self,
        r: &Referral,
        expected_version: i32,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<Referral> {
        self.write(|c| cases::save_referral(c, r, expected_version, effects, audit))
    }

    fn level_changes(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<LevelChange>> {
        self.read(|c| cases::level_changes(c, center, referral_id))
    }

    fn provisions(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Provision>> {
        self.read(|c| cases::provisions(c, center, patient_id))
    }

    fn insert_follow_up(&self, f: &FollowUp, audit: &AuditDraft) -> StoreResult<DateTime<Utc>> {
        self.write(|c| cases::insert_follow_up(c, f, audit))
    }

    fn follow_up(&self, center: Uuid, id: Uuid) -> StoreResult<Option<FollowUpView>> {
        self.read(|c| cases::follow_up(c, center, id))
    }

    fn follow_ups(
        &self,
        center: Uuid,
        filter: &FollowUpFilter,
        page: PageRequest,
    ) -> StoreResult<Page<FollowUpView>> {
        self.read(|c| cases::follow_ups_page(c, center, filter, &page))
    }

    fn save_follow_up(
        &self,
        f: &FollowUp,
        expected_version: i32,
        next: Option<&FollowUp>,
        review_pending: bool,
        audit: &[AuditDraft],
    ) -> StoreResult<FollowUp> {
        self.write(|c| cases::save_follow_up(c, f, expected_version, next, review_pending, audit))
    }

    fn count_done_follow_ups(&self, center: Uuid, referral_id: Uuid) -> StoreResult<i64> {
        self.read(|c| cases::count_done_follow_ups(c, center, referral_id))
    }

    fn case_history(&self, center: Uuid, patient_id: Uuid) -> StoreResult<CaseHistory> {
        self.read(|c| cases::case_history(c, center, patient_id))
    }

    fn report_centers(&self, scope: &ReportScope) -> StoreResult<Vec<Uuid>> {
        self.read(|c| reports::report_centers(c, scope))
    }

    fn referral_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralCount>> {
        self.read(|c| reports::referral_counts(c, scope, from, to))
    }

    fn consultation_dims(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DimCount>> {
        self.read(|c| reports::consultation_dims(c, scope, from, to))
    }

    fn consultation_days(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, i64)>> {
        self.read(|c| reports::consultation_days(c, scope, from, to))
    }

    fn consulted_patients(&self, scope: &ReportScope, period: &Period) -> StoreResult<i64> {
        self.read(|c| reports::consulted_patients(c, scope, period))
    }

    fn referral_outcomes(
        &self,
        scope: &ReportScope,
        period: &Period,
    ) -> StoreResult<Vec<OutcomeCount>> {
        self.read(|c| reports::referral_outcomes(c, scope, period))
    }

    fn support_awareness(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(SupportAwareness, i64)>> {
        self.read(|c| reports::support_awareness(c, scope, from, to))
    }

    fn insert_review(
        &self,
        review: &Review,
        state: ReviewState,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Referral> {
        self.write(|c| supervision::insert_review(c, review, state, expected_version, audit))
    }

    fn reviews(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Review>> {
        self.read(|c| supervision::reviews_of(c, center, referral_id))
    }

    fn follow_up_recorders(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Uuid>> {
        self.read(|c| supervision::follow_up_recorders(c, center, referral_id))
    }

    fn queue_rows(
        &self,
        center: Uuid,
        escalate_before: NaiveDate,
        sample_since: NaiveDate,
        sample_percent: i32,
    ) -> StoreResult<Vec<QueueRow>> {
        self.read(|c| {
            supervision::queue_rows(c, center, escalate_before, sample_since, sample_percent)
        })
    }

    fn summary_counts(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<SummaryCounts> {
        self.read(|c| supervision::summary_counts(c, center, from, to, today))
    }

    fn insert_api_client(
        &self,
        client: &ApiClient,
        secret_hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| integrations::insert_api_client(c, client, secret_hash, audit))
    }

    fn api_client(&self, center: Uuid, id: Uuid) -> StoreResult<Option<ApiClient>> {
        self.read(|c| integrations::api_client(c, center, id))
    }

    fn api_clients(&self, center: Uuid, page: PageRequest) -> StoreResult<Page<ApiClient>> {
        self.read(|c| integrations::api_clients(c, center, &page))
    }

    fn save_api_client(
        &self,
        client: &ApiClient,
        expected_version: i32,
        secret: Option<&SecretRotation>,
        audit: &AuditDraft,
    ) -> StoreResult<ApiClient> {
        self.write(|c| {
            integrations::save_api_client(
                c,
                client,
                expected_version,
                secret.map(|s| s.new_hash.as_str()),
                audit,
            )
        })
    }

    fn client_credentials(&self, client_id: &str) -> StoreResult<Option<ClientCredentials>> {
        self.read(|c| integrations::client_credentials(c, client_id))
    }

    fn active_client(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ApiClient>> {
        self.read(|c| integrations::active_client(c, id, now))
    }

    fn insert_webhook(&self, w: &Webhook, secret: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| integrations::insert_webhook(c, w, secret, audit))
    }

    fn webhook(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Webhook>> {
        self.read(|c| integrations::webhook(c, center, id))
    }

    fn webhooks(&self, center: Uuid, page: PageRequest) -> StoreResult<Page<Webhook>> {
        self.read(|c| integrations::webhooks_of(c, center, &page))
    }

    fn save_webhook(
        &self,
        w: &Webhook,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Webhook> {
        self.write(|c| integrations::save_webhook(c, w, expected_version, audit))
    }

    fn delete_webhook(&self, center: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| integrations::delete_webhook(c, center, id, audit))
    }

    fn deliveries(
        &self,
        center: Uuid,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Delivery>> {
        self.read(|c| integrations::deliveries(c, center, webhook_id, &page))
    }

    fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryJob>> {
        self.write(|c| integrations::claim_deliveries(c, now, lease_until, limit))
    }

    fn finish_delivery(
        &self,
        delivery_id: Uuid,
        at: DateTime<Utc>,
        result: &AttemptResult,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        self.write(|c| integrations::finish_delivery(c, delivery_id, at, result, next_attempt_at))
    }

    fn announce_overdue(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<usize> {
        self.write(|c| integrations::announce_overdue(c, today, now, limit))
    }
}
