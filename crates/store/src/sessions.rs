//! Sign-in: credentials, the throttle of failed attempts, sessions with their rotating
//! refresh tokens, and two-factor sign-in (TOTP secrets and recovery codes).

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::StoreError;
use crate::rows::{choice, naive, opt_uuid, utc, uuid};
use crate::schema::{centers, login_throttles, recovery_codes, refresh_tokens, sessions, users};
use crate::sealed::totp_context;
use crate::users::UserRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::{AuditDraft, Outcome};
use tsunagu_domain::entities::{Actor, LoginThrottle, Session, UserCredentials};
use tsunagu_domain::ports::{RefreshOutcome, SessionStore, StoreResult};
use tsunagu_domain::values::Role;
use uuid::Uuid;

/// A refresh token with what decides whether it may be rotated.
#[derive(Queryable)]
struct RefreshLookup {
    session_id: String,
    spent_at: Option<NaiveDateTime>,
    user_id: String,
    expires_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    role: String,
    active: bool,
    center_id: Option<String>,
}

/// What every request's session check reads of its user: who they are and what they must
/// still do. Not the password hash, which only a sign-in or a password change needs: it
/// stays out of the process's memory on every other request.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct SignedInUser {
    id: String,
    center_id: Option<String>,
    administration_id: Option<String>,
    login: String,
    display_name: String,
    role: String,
    totp_enabled: bool,
    must_change_password: bool,
}

fn totp_already_enabled() -> StoreError {
    StoreError::Domain(DomainError::conflict(
        "totp_already_enabled",
        "two-factor sign-in is already set up for this user",
    ))
}

impl SessionStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all)]
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
            let secret = secret
                .map(|s| self.open(&totp_context(&r.id), &s))
                .transpose()?;
            Ok(Some(UserCredentials {
                user: r.into_entity()?,
                password_hash,
                totp_secret: secret,
                totp_enabled: enabled,
                totp_last_step: last,
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn login_throttle(&self, login: &str) -> StoreResult<Option<LoginThrottle>> {
        self.read(|c| {
            let row: Option<(String, i32, NaiveDateTime, Option<NaiveDateTime>)> =
                login_throttles::table
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

    #[tracing::instrument(level = "debug", skip_all, fields(failures = t.failures))]
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
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(session = %s.id, user = %s.user_id))]
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
                    sessions::revoked_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(refresh_hash),
                    refresh_tokens::session_id.eq(s.id.to_string()),
                    refresh_tokens::issued_at.eq(naive(s.created_at)),
                    refresh_tokens::spent_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            diesel::delete(login_throttles::table.filter(login_throttles::login.eq(login)))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
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
                append_event(
                    c,
                    &self.keys,
                    &audit.outcome(Outcome::Denied).detail("unknown_token"),
                )?;
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
                append_event(
                    c,
                    &self.keys,
                    &audit
                        .outcome(Outcome::Denied)
                        .detail("refresh_token_reused_session_revoked"),
                )?;
                return Ok(RefreshOutcome::Reused);
            }
            if revoked_at.is_some() || utc(expires_at) <= now || !active {
                append_event(
                    c,
                    &self.keys,
                    &audit.outcome(Outcome::Denied).detail("session_ended"),
                )?;
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
                    refresh_tokens::spent_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            append_event(c, &self.keys, &audit)?;
            Ok(RefreshOutcome::Rotated {
                user_id: uuid("sessions.user_id", &user_id)?,
                session_id: uuid("sessions.id", &session_id)?,
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
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
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id, user = %user_id))]
    fn principal(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Actor>> {
        self.read(|c| {
            let row: Option<(SignedInUser, Option<String>)> = per_backend!(c, c => sessions::table
                .inner_join(users::table.left_join(centers::table))
                .filter(sessions::id.eq(session_id.to_string()))
                .filter(sessions::user_id.eq(user_id.to_string()))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(naive(now)))
                .filter(users::active.eq(true))
                // A deactivated center locks out its staff; the system administrator has none.
                .filter(users::center_id.is_null().or(centers::active.eq(true)))
                .select((SignedInUser::as_select(), centers::totp_roles.nullable()))
                .first(c)
                .optional())?;
            let Some((u, required)) = row else {
                return Ok(None);
            };
            let role = choice("users.role", Role::from_db(&u.role))?;
            let center_requires =
                required.is_some_and(|roles| roles.split(',').any(|x| x == role.as_str()));
            Ok(Some(Actor {
                user_id: uuid("users.id", &u.id)?,
                session_id,
                role,
                center_id: opt_uuid("users.center_id", u.center_id.as_deref())?,
                administration_id: opt_uuid(
                    "users.administration_id",
                    u.administration_id.as_deref(),
                )?,
                login: u.login,
                display_name: u.display_name,
                totp_enabled: u.totp_enabled,
                must_enroll_totp: !u.totp_enabled
                    && tsunagu_domain::policy::second_factor_required(role, center_requires),
                must_change_password: u.must_change_password,
                scopes: None,
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
    fn start_totp(&self, user_id: Uuid, secret: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            let n = diesel::update(
                users::table
                    .filter(users::id.eq(user_id.to_string()))
                    .filter(users::totp_enabled.eq(false)),
            )
            .set(
                users::totp_secret.eq(Some(self.seal(&totp_context(&user_id.to_string()), secret))),
            )
            .execute(c)?;
            if n == 0 {
                return Err(totp_already_enabled());
            }
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
    fn totp_state(&self, user_id: Uuid) -> StoreResult<(Option<String>, bool, i64)> {
        self.read(|c| {
            let (secret, enabled, last): (Option<String>, bool, i64) = users::table
                .find(user_id.to_string())
                .select((
                    users::totp_secret,
                    users::totp_enabled,
                    users::totp_last_step,
                ))
                .first(c)?;
            let secret = secret
                .map(|s| self.open(&totp_context(&user_id.to_string()), &s))
                .transpose()?;
            Ok((secret, enabled, last))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id, codes = recovery_hashes.len()))]
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
                return Err(totp_already_enabled());
            }
            diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(&id)))
                .execute(c)?;
            for h in recovery_hashes {
                diesel::insert_into(recovery_codes::table)
                    .values((
                        recovery_codes::user_id.eq(&id),
                        recovery_codes::code_hash.eq(h),
                        recovery_codes::used_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(c)?;
            }
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
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

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
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

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
    fn reset_totp(&self, user_id: Uuid, now: DateTime<Utc>, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            let id = user_id.to_string();
            diesel::update(users::table.filter(users::id.eq(&id)))
                .set((
                    users::totp_secret.eq(None::<String>),
                    users::totp_enabled.eq(false),
                    users::version.eq(users::version + 1),
                    users::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(&id)))
                .execute(c)?;
            diesel::update(
                sessions::table
                    .filter(sessions::user_id.eq(&id))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(Some(naive(now))))
            .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user = %user_id))]
    fn change_password(
        &self,
        user_id: Uuid,
        keep_session: Uuid,
        password_hash: &str,
        login: &str,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            let id = user_id.to_string();
            diesel::update(users::table.filter(users::id.eq(&id)))
                .set((
                    users::password_hash.eq(password_hash),
                    users::must_change_password.eq(false),
                    users::version.eq(users::version + 1),
                    users::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            diesel::update(
                sessions::table
                    .filter(sessions::user_id.eq(&id))
                    .filter(sessions::id.ne(keep_session.to_string()))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(Some(naive(now))))
            .execute(c)?;
            diesel::delete(login_throttles::table.filter(login_throttles::login.eq(login)))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }
}
