//! The use cases: parse input into valid values, decide who may do what, apply the rules,
//! and hand the store one atomic unit of work with its audit event. Every method is
//! synchronous (diesel is), so the HTTP adapter runs it on the blocking pool.

use crate::app::{Ctx, NAME_MAX, NOTES_MAX, Services, changed_fields};
use crate::audit::{AuditDraft, ChainReport, ChainWalker, Outcome};
use crate::auth::{self, ThrottleVerdict};
use crate::entities::{Actor, Agency, Center, LoginThrottle, RequestMeta, Session, User};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission, Reach};
use crate::ports::{
    AgencyChanges, CenterChanges, IdempotencyBegin, RefreshOutcome, Scope, StoredResponse,
    UserChanges,
};
use crate::values::{self, AgencyType, Login, OperatingType, PrefectureCode, Role};
use uuid::Uuid;

/// A successful sign-in or refresh: the session and the refresh token to hand back once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub refresh_token: String,
}

/// The result of a sign-in attempt, and how long to hold the answer back (the throttle's
/// slow-down applies to successes and failures alike, so it reveals nothing).
#[derive(Debug)]
pub struct LoginAttempt {
    pub result: Result<Issued, DomainError>,
    pub delay: Option<std::time::Duration>,
}

pub struct CreateCenterInput {
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub operating_type: String,
}

#[derive(Default)]
pub struct UpdateCenterInput {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    pub operating_type: Option<String>,
    pub follow_up_days: Option<i32>,
    pub escalation_days: Option<i32>,
    pub sample_percent: Option<i32>,
    pub totp_roles: Option<Vec<String>>,
    pub active: Option<bool>,
}

pub struct CreateUserInput {
    pub center_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

#[derive(Default)]
pub struct UpdateUserInput {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

pub struct CreateAgencyInput {
    pub agency_type: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

#[derive(Default)]
pub struct UpdateAgencyInput {
    pub agency_type: Option<String>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

impl Services {
    // --- start-up --------------------------------------------------------------------

    /// On an installation without a system administrator, creates one. Returns the password
    /// when it was generated, so the caller can print it once.
    pub fn bootstrap_admin(
        &self,
        login: &str,
        password: Option<&str>,
    ) -> Result<Option<String>, DomainError> {
        if self.store.count_users_with_role(Role::SystemAdmin)? > 0 {
            return Ok(None);
        }
        let login = Login::parse("TSUNAGU_ADMIN_LOGIN", login)
            .map_err(|e| DomainError::Validation(vec![e]))?;
        let (password, generated) = match password {
            Some(p) => {
                auth::check_password_policy("TSUNAGU_ADMIN_PASSWORD", p, &[login.as_str()])
                    .map_err(|e| DomainError::Validation(vec![e]))?;
                (p.to_owned(), false)
            }
            None => (auth::new_opaque_token("").0, true),
        };
        let now = self.clock.now();
        let user = User {
            id: Uuid::now_v7(),
            center_id: None,
            login: login.as_str().to_owned(),
            display_name: "System administrator".to_owned(),
            role: Role::SystemAdmin,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let hash = auth::hash_password(&password)?;
        let audit = AuditDraft::system(now, Action::UserBootstrap).resource(user.id);
        self.store.insert_user(&user, &hash, &audit)?;
        Ok(generated.then_some(password))
    }

    // --- sign-in ---------------------------------------------------------------------

    pub fn login(
        &self,
        meta: &RequestMeta,
        login: &str,
        password: &str,
        second_factor: Option<&str>,
    ) -> LoginAttempt {
        let now = self.clock.now();
        let key = Login::normalise(login);
        let base = AuditDraft::anonymous(meta, now, Action::Login);

        let throttle = match self.store.login_throttle(&key) {
            Ok(t) => t,
            Err(e) => {
                return LoginAttempt {
                    result: Err(e),
                    delay: None,
                };
            }
        };
        let failures = throttle.as_ref().map_or(0, |t| {
            auth::live_failures(t.failures, t.last_failure_at, t.locked_until, now)
        });
        let delay = match auth::throttle_verdict(
            failures,
            throttle.as_ref().and_then(|t| t.locked_until),
            now,
        ) {
            ThrottleVerdict::Locked { retry_after_secs } => {
                let ev = base.outcome(Outcome::Denied).detail("locked");
                let result = self
                    .store
                    .append_audit(&[ev])
                    .and(Err(DomainError::TooManyAttempts { retry_after_secs }));
                return LoginAttempt {
                    result,
                    delay: None,
                };
            }
            ThrottleVerdict::Slow(d) => Some(d),
            ThrottleVerdict::Allow => None,
        };

        let creds = match self.store.credentials_by_login(&key) {
            Ok(c) => c,
            Err(e) => {
                return LoginAttempt {
                    result: Err(e),
                    delay,
                };
            }
        };
        let ok_user = match &creds {
            Some(c) => auth::verify_password(&c.password_hash, password).then_some(&c.user),
            None => {
                auth::verify_against_dummy(password);
                None
            }
        };
        // An inactive user with the right password is answered like a wrong password: the
        // answer must not tell an attacker which logins exist.
        let ok_user = ok_user.filter(|u| u.active);
        // The second factor, for an enrolled user whose password was right.
        let mut failure_code = "invalid_credentials";
        let mut factor = "password";
        let ok_user = match (ok_user, &creds) {
            (Some(u), Some(c)) if c.totp_enabled => match second_factor.map(str::trim) {
                None | Some("") => {
                    // Not a failure: the normal second step. The client asks for the code.
                    let mut ev = base.outcome(Outcome::Denied).detail("totp_required");
                    ev.actor_id = Some(u.id);
                    ev.center_id = u.center_id;
                    let result =
                        self.store
                            .append_audit(&[ev])
                            .and(Err(DomainError::Unauthenticated {
                                code: "totp_required",
                            }));
                    return LoginAttempt { result, delay };
                }
                Some(code) => {
                    let accepted = if crate::totp::is_code(code) {
                        factor = "totp";
                        let step = c.totp_secret.as_deref().and_then(|s| {
                            crate::totp::verify(s, code, now.timestamp(), c.totp_last_step)
                        });
                        match step {
                            Some(step) => match self.store.use_totp_step(u.id, step) {
                                Ok(ok) => ok,
                                Err(e) => {
                                    return LoginAttempt {
                                        result: Err(e),
                                        delay,
                                    };
                                }
                            },
                            None => false,
                        }
                    } else {
                        factor = "recovery_code";
                        match self.store.use_recovery_code(
                            u.id,
                            &crate::totp::recovery_hash(code),
                            now,
                        ) {
                            Ok(ok) => ok,
                            Err(e) => {
                                return LoginAttempt {
                                    result: Err(e),
                                    delay,
                                };
                            }
                        }
                    };
                    if !accepted {
                        failure_code = "invalid_totp";
                    }
                    accepted.then_some(u)
                }
            },
            (u, _) => u,
        };
        let Some(user) = ok_user else {
            let failures = failures + 1;
            let t = LoginThrottle {
                login: key.clone(),
                failures,
                last_failure_at: now,
                locked_until: auth::lock_after(failures, now),
            };
            let mut ev = base.outcome(Outcome::Denied).detail(failure_code);
            if let Some(c) = &creds {
                ev.actor_id = Some(c.user.id);
                ev.center_id = c.user.center_id;
            }
            let result = self
                .store
                .record_login_failure(&t, &ev)
                .and(Err(DomainError::Unauthenticated { code: failure_code }));
            return LoginAttempt { result, delay };
        };

        let session = Session {
            id: Uuid::now_v7(),
            user_id: user.id,
            created_at: now,
            expires_at: now + auth::SESSION_TTL,
            revoked_at: None,
        };
        let (refresh_token, refresh_hash) = auth::new_opaque_token("rt_");
        let mut ev = base
            .resource(session.id)
            .center(user.center_id)
            .detail(format!("factor={factor}"));
        ev.actor_kind = "user";
        ev.actor_id = Some(user.id);
        ev.actor_role = Some(user.role.as_str().to_owned());
        let result = self
            .store
            .start_session(&session, &refresh_hash, &key, &ev)
            .map(|()| Issued {
                user_id: user.id,
                session_id: session.id,
                refresh_token,
            });
        LoginAttempt { result, delay }
    }

    pub fn refresh(&self, meta: &RequestMeta, refresh_token: &str) -> Result<Issued, DomainError> {
        let now = self.clock.now();
        let (new_token, new_hash) = auth::new_opaque_token("rt_");
        let audit = AuditDraft::anonymous(meta, now, Action::Refresh);
        match self.store.rotate_refresh_token(
            &auth::hash_token(refresh_token),
            &new_hash,
            now,
            audit,
        )? {
            RefreshOutcome::Rotated {
                user_id,
                session_id,
            } => Ok(Issued {
                user_id,
                session_id,
                refresh_token: new_token,
            }),
            RefreshOutcome::Reused | RefreshOutcome::Invalid => Err(DomainError::Unauthenticated {
                code: "invalid_refresh_token",
            }),
        }
    }

    pub fn logout(&self, ctx: &Ctx) -> Result<(), DomainError> {
        let now = self.clock.now();
        let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::Logout)
            .resource(ctx.actor.session_id);
        self.store.revoke_session(ctx.actor.session_id, now, &ev)
    }

    /// The actor behind a verified access token, checked against the database on every
    /// request so that logout, deactivation and role changes take effect at once.
    pub fn authenticate(&self, session_id: Uuid, user_id: Uuid) -> Result<Actor, DomainError> {
        self.store
            .principal(session_id, user_id, self.clock.now())?
            .ok_or(DomainError::Unauthenticated {
                code: "invalid_token",
            })
    }

    /// Starts (or restarts) two-factor enrolment: a new secret and its `otpauth://` URI.
    pub fn start_totp(&self, ctx: &Ctx) -> Result<(String, String), DomainError> {
        self.guard(ctx, Action::TotpStart, Some(ctx.actor.user_id), || {
            if ctx.actor.totp_enabled {
                return Err(DomainError::conflict(
                    "totp_already_enabled",
                    "two-factor sign-in is already set up for this user",
                ));
            }
            let secret = crate::totp::new_secret();
            let ev =
                AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), Action::TotpStart)
                    .resource(ctx.actor.user_id);
            self.store.start_totp(ctx.actor.user_id, &secret, &ev)?;
            let uri = crate::totp::otpauth_uri("Tsunagu", &ctx.actor.login, &secret);
            Ok((secret, uri))
        })
    }

    /// Confirms enrolment with a code from the app; returns the recovery codes (shown once).
    pub fn confirm_totp(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>, DomainError> {
        self.guard(ctx, Action::TotpEnable, Some(ctx.actor.user_id), || {
            let (secret, enabled, last) = self.store.totp_state(ctx.actor.user_id)?;
            if enabled {
                return Err(DomainError::conflict(
                    "totp_already_enabled",
                    "two-factor sign-in is already set up for this user",
                ));
            }
            let Some(secret) = secret else {
                return Err(DomainError::rule(
                    "totp_not_started",
                    "start enrolment first (POST /me/totp)",
                ));
            };
            let now = self.clock.now();
            let Some(step) = crate::totp::verify(&secret, code, now.timestamp(), last) else {
                return Err(DomainError::Validation(vec![FieldError::new(
                    "code",
                    "invalid_totp",
                    "the code does not match; check the app's clock and try the next code",
                )]));
            };
            let codes = crate::totp::new_recovery_codes();
            let hashes: Vec<String> = codes
                .iter()
                .map(|c| crate::totp::recovery_hash(c))
                .collect();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::TotpEnable)
                .resource(ctx.actor.user_id);
            self.store
                .enable_totp(ctx.actor.user_id, step, &hashes, &ev)?;
            Ok(codes)
        })
    }

    /// Claims an `Idempotency-Key` for a caller's request (see [`IdempotencyBegin`]). Keys are
    /// remembered for 24 hours.
    pub fn idempotency_begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
    ) -> Result<IdempotencyBegin, DomainError> {
        let now = self.clock.now();
        self.store.idempotency_begin(
            caller,
            key,
            request_hash,
            now,
            now - chrono::Duration::hours(24),
        )
    }

    pub fn idempotency_finish(
        &self,
        caller: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), DomainError> {
        self.store.idempotency_finish(caller, key, response)
    }

    pub fn idempotency_abandon(&self, caller: &str, key: &str) -> Result<(), DomainError> {
        self.store.idempotency_abandon(caller, key)
    }

    /// Walks the whole audit chain in batches.
    pub fn verify_audit_chain(&self) -> Result<ChainReport, DomainError> {
        let mut walker = ChainWalker::default();
        let mut after = 0;
        loop {
            let batch = self.store.audit_chain(after, 5_000)?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for ev in &batch {
                if !walker.feed(ev) {
                    return Ok(walker.finish());
                }
            }
        }
        Ok(walker.finish())
    }

    // --- centers ---------------------------------------------------------------------

    pub fn create_center(
        &self,
        ctx: &Ctx,
        input: CreateCenterInput,
    ) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterCreate, None, || {
            require_system_admin(&ctx.actor)?;
            let mut v = Validator::new();
            let code = v.check(values::center_code("code", &input.code));
            let name = v.check(values::text("name", &input.name, 1, NAME_MAX));
            let pref = v.check(PrefectureCode::parse(
                "prefecture_code",
                &input.prefecture_code,
            ));
            let op = v.check(OperatingType::parse(
                "operating_type",
                &input.operating_type,
            ));
            v.finish()?;
            let (Some(code), Some(name), Some(pref), Some(operating_type)) = (code, name, pref, op)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let center = Center {
                id: Uuid::now_v7(),
                code,
                name,
                prefecture_code: pref.as_string(),
                operating_type,
                follow_up_days: 14,
                escalation_days: 7,
                sample_percent: 10,
                totp_roles: vec![Role::CenterAdmin, Role::Supervisor],
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::CenterCreate)
                .resource(center.id)
                .center(Some(center.id));
            self.store.insert_center(&center, &ev)?;
            Ok(center)
        })
    }

    pub fn get_center(&self, ctx: &Ctx, id: Uuid) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterRead, Some(id), || {
            // Staff may read their own center (to show its name); only the system administrator
            // sees the others.
            let visible = policy::may_see_center(&ctx.actor, id);
            let found = if visible {
                self.store.center(id)?
            } else {
                None
            };
            found.ok_or(DomainError::NotFound)
        })
    }

    pub fn list_centers(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<Center>, DomainError> {
        self.guard(ctx, Action::CenterList, None, || {
            require_system_admin(&ctx.actor)?;
            self.store.centers(page)
        })
    }

    pub fn update_center(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: UpdateCenterInput,
    ) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterUpdate, Some(id), || {
            // The system administrator runs centers; a center administrator may tune its own
            // center's case settings and nothing else.
            let own_settings_only = input.name.is_none()
                && input.prefecture_code.is_none()
                && input.operating_type.is_none()
                && input.active.is_none();
            policy::update_center(&ctx.actor, id, own_settings_only)?;
            let mut v = Validator::new();
            let changes = CenterChanges {
                name: input
                    .name
                    .as_deref()
                    .and_then(|n| v.check(values::text("name", n, 1, NAME_MAX))),
                prefecture_code: input.prefecture_code.as_deref().and_then(|p| {
                    v.check(PrefectureCode::parse("prefecture_code", p))
                        .map(PrefectureCode::as_string)
                }),
                operating_type: input
                    .operating_type
                    .as_deref()
                    .and_then(|o| v.check(OperatingType::parse("operating_type", o))),
                follow_up_days: input
                    .follow_up_days
                    .and_then(|d| v.check(in_range("follow_up_days", d, 1, 365))),
                escalation_days: input
                    .escalation_days
                    .and_then(|d| v.check(in_range("escalation_days", d, 1, 365))),
                sample_percent: input
                    .sample_percent
                    .and_then(|d| v.check(in_range("sample_percent", d, 0, 100))),
                totp_roles: input.totp_roles.as_deref().and_then(|r| {
                    v.check(
                        values::enum_list("totp_roles", r, 0, Role::parse).and_then(|roles| {
                            if roles.contains(&Role::SystemAdmin) {
                                Err(FieldError::new(
                                    "totp_roles",
                                    "invalid_choice",
                                    "a center's roles are center_admin, supervisor and consultant",
                                ))
                            } else {
                                Ok(roles)
                            }
                        }),
                    )
                }),
                active: input.active,
            };
            v.finish()?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::CenterUpdate)
                .resource(id)
                .center(Some(id))
                .detail(changed_fields(&[
                    ("name", changes.name.is_some()),
                    ("follow_up_days", changes.follow_up_days.is_some()),
                    ("escalation_days", changes.escalation_days.is_some()),
                    ("sample_percent", changes.sample_percent.is_some()),
                    ("totp_roles", changes.totp_roles.is_some()),
                    ("prefecture_code", changes.prefecture_code.is_some()),
                    ("operating_type", changes.operating_type.is_some()),
                    ("active", changes.active.is_some()),
                ]));
            self.store
                .update_center(id, expected_version, &changes, now, &ev)
        })
    }

    // --- users -----------------------------------------------------------------------

    pub fn create_user(&self, ctx: &Ctx, input: CreateUserInput) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserCreate, None, || {
            let actor = &ctx.actor;
            let mut v = Validator::new();
            let login = v.check(Login::parse("login", &input.login));
            let display_name = v.check(values::text(
                "display_name",
                &input.display_name,
                1,
                NAME_MAX,
            ));
            let role = v.check(Role::parse("role", &input.role));
            let inputs: Vec<&str> = [login.as_ref().map(Login::as_str), display_name.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            v.check(auth::check_password_policy(
                "password",
                &input.password,
                &inputs,
            ));

            // Where the new user belongs: a center administrator's own center (any other
            // center_id is refused), or the center a system administrator names.
            let center_id = match policy::permit(actor, Permission::ManageStaff)? {
                Reach::All => match (role, input.center_id) {
                    (Some(Role::SystemAdmin), Some(_)) => {
                        v.push(FieldError::new(
                            "center_id",
                            "must_be_empty",
                            "a system administrator belongs to no center",
                        ));
                        None
                    }
                    (Some(Role::SystemAdmin), None) | (None, _) => None,
                    (Some(_), None) => {
                        v.push(FieldError::new(
                            "center_id",
                            "required",
                            "name the center the user belongs to",
                        ));
                        None
                    }
                    (Some(_), Some(c)) => Some(c),
                },
                Reach::Center(own) => {
                    if input.center_id.is_some_and(|c| c != own) {
                        v.push(FieldError::new(
                            "center_id",
                            "not_own_center",
                            "must be your own center",
                        ));
                    }
                    if let Some(r) = role {
                        policy::assign_role(actor, r)?;
                    }
                    Some(own)
                }
            };
            v.finish()?;
            let (Some(login), Some(display_name), Some(role)) = (login, display_name, role) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            if let Some(c) = center_id {
                match self.store.center(c)? {
                    Some(center) if center.active => {}
                    _ => {
                        return Err(DomainError::field(
                            "center_id",
                            "unknown_center",
                            "no such active center",
                        ));
                    }
                }
            }
            let hash = auth::hash_password(&input.password)?;
            let now = self.clock.now();
            let user = User {
                id: Uuid::now_v7(),
                center_id,
                login: login.as_str().to_owned(),
                display_name,
                role,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(actor, &ctx.meta, now, Action::UserCreate)
                .resource(user.id)
                .center(center_id.or(actor.center_id))
                .detail(format!("role={}", role.as_str()));
            self.store.insert_user(&user, &hash, &ev)?;
            Ok(user)
        })
    }

    pub fn get_user(&self, ctx: &Ctx, id: Uuid) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserRead, Some(id), || {
            let scope = staff_scope(&ctx.actor)?;
            self.store.user(scope, id)?.ok_or(DomainError::NotFound)
        })
    }

    pub fn list_users(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<User>, DomainError> {
        self.guard(ctx, Action::UserList, None, || {
            let scope = staff_scope(&ctx.actor)?;
            self.store.users(scope, page)
        })
    }

    pub fn update_user(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: UpdateUserInput,
    ) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserUpdate, Some(id), || {
            let actor = &ctx.actor;
            let scope = scope_of(policy::update_staff(
                actor,
                id,
                input.role.is_some() || input.active.is_some(),
            )?);
            let mut v = Validator::new();
            let display_name = input
                .display_name
                .as_deref()
                .and_then(|n| v.check(values::text("display_name", n, 1, NAME_MAX)));
            let role = input
                .role
                .as_deref()
                .and_then(|r| v.check(Role::parse("role", r)));
            if let Some(p) = &input.password {
                v.check(auth::check_password_policy("password", p, &[]));
            }
            if actor.user_id == id
                && (role.is_some_and(|r| r != actor.role) || input.active == Some(false))
            {
                v.push(FieldError::new(
                    if role.is_some() { "role" } else { "active" },
                    "cannot_change_self",
                    "you cannot change your own role or deactivate yourself",
                ));
            }
            v.finish()?;
            let current = self.store.user(scope, id)?.ok_or(DomainError::NotFound)?;
            // A system administrator has no center; nobody turns a center's staff into one or back.
            if role.is_some_and(|r| (r == Role::SystemAdmin) != (current.role == Role::SystemAdmin))
            {
                return Err(DomainError::field(
                    "role",
                    "role_not_assignable",
                    "cannot move a user between the installation and a center",
                ));
            }
            let password_hash = input
                .password
                .as_deref()
                .map(auth::hash_password)
                .transpose()?;
            let changes = UserChanges {
                display_name,
                role,
                active: input.active,
                password_hash,
            };
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(actor, &ctx.meta, now, Action::UserUpdate)
                .resource(id)
                .center(current.center_id)
                .detail(changed_fields(&[
                    ("display_name", changes.display_name.is_some()),
                    ("role", changes.role.is_some()),
                    ("active", changes.active.is_some()),
                    ("password", changes.password_hash.is_some()),
                ]));
            self.store
                .update_user(scope, id, expected_version, &changes, now, &ev)
        })
    }

    // --- agencies --------------------------------------------------------------------

    pub fn create_agency(
        &self,
        ctx: &Ctx,
        input: CreateAgencyInput,
    ) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyCreate, None, || {
            let center_id = policy::permit_in_center(&ctx.actor, Permission::ManageAgencies)?;
            let mut v = Validator::new();
            let agency_type = v.check(AgencyType::parse("agency_type", &input.agency_type));
            let name = v.check(values::text("name", &input.name, 1, NAME_MAX));
            let phone = v
                .check(values::optional_text("phone", input.phone.as_deref(), 30))
                .flatten();
            let address = v
                .check(values::optional_text(
                    "address",
                    input.address.as_deref(),
                    200,
                ))
                .flatten();
            let notes = v
                .check(values::optional_text(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            let (Some(agency_type), Some(name)) = (agency_type, name) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let agency = Agency {
                id: Uuid::now_v7(),
                center_id,
                agency_type,
                name,
                phone,
                address,
                notes,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AgencyCreate)
                .resource(agency.id);
            self.store.insert_agency(&agency, &ev)?;
            Ok(agency)
        })
    }

    pub fn get_agency(&self, ctx: &Ctx, id: Uuid) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyRead, Some(id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ReadAgencies)?;
            self.store
                .agency(Scope::Center(center), id)?
                .ok_or(DomainError::NotFound)
        })
    }

    pub fn list_agencies(
        &self,
        ctx: &Ctx,
        agency_type: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Agency>, DomainError> {
        self.guard(ctx, Action::AgencyList, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ReadAgencies)?;
            let t = agency_type
                .map(|t| AgencyType::parse("agency_type", t))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            self.store.agencies(Scope::Center(center), t, page)
        })
    }

    pub fn update_agency(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: UpdateAgencyInput,
    ) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyUpdate, Some(id), || {
            let center_id = policy::permit_in_center(&ctx.actor, Permission::ManageAgencies)?;
            let mut v = Validator::new();
            let changes = AgencyChanges {
                agency_type: input
                    .agency_type
                    .as_deref()
                    .and_then(|t| v.check(AgencyType::parse("agency_type", t))),
                name: input
                    .name
                    .as_deref()
                    .and_then(|n| v.check(values::text("name", n, 1, NAME_MAX))),
                phone: input.phone.map(|p| {
                    v.check(values::optional_text("phone", p.as_deref(), 30))
                        .flatten()
                }),
                address: input.address.map(|p| {
                    v.check(values::optional_text("address", p.as_deref(), 200))
                        .flatten()
                }),
                notes: input.notes.map(|p| {
                    v.check(values::optional_text("notes", p.as_deref(), NOTES_MAX))
                        .flatten()
                }),
                active: input.active,
            };
            v.finish()?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AgencyUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("agency_type", changes.agency_type.is_some()),
                    ("name", changes.name.is_some()),
                    ("phone", changes.phone.is_some()),
                    ("address", changes.address.is_some()),
                    ("notes", changes.notes.is_some()),
                    ("active", changes.active.is_some()),
                ]));
            self.store.update_agency(
                Scope::Center(center_id),
                id,
                expected_version,
                &changes,
                now,
                &ev,
            )
        })
    }
}

fn in_range(field: &str, n: i32, lo: i32, hi: i32) -> Result<i32, FieldError> {
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new(
            field,
            "out_of_range",
            format!("must be from {lo} to {hi}"),
        ))
    }
}

/// The store's scope for a policy reach.
fn scope_of(reach: Reach) -> Scope {
    match reach {
        Reach::Center(c) => Scope::Center(c),
        Reach::All => Scope::All,
    }
}

fn require_system_admin(actor: &Actor) -> Result<(), DomainError> {
    policy::permit(actor, Permission::ManageCenters).map(|_| ())
}

fn staff_scope(actor: &Actor) -> Result<Scope, DomainError> {
    policy::permit(actor, Permission::ReadStaff).map(scope_of)
}
