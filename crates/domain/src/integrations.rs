//! Use cases of third-party integration: a center administrator manages API clients and
//! webhook subscriptions; clients exchange their credentials for tokens; the delivery
//! worker sends what the outbox holds. The rules (scopes, secrets, signing, retries) are in
//! [`crate::platform`].

use crate::app::{Ctx, Services};
use crate::audit::{AuditDraft, Outcome};
use crate::entities::{Actor, RequestMeta};
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::platform::{
    self, ApiClient, AttemptResult, DEFAULT_ROTATION_OVERLAP, Delivery, DeliveryJob,
    MAX_ROTATION_OVERLAP, Webhook,
};
use crate::policy::{self, Permission};
use crate::ports::SecretRotation;
use crate::values::{self, Role};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

const CLIENT_NAME_MAX: usize = 100;

/// A token the token endpoint may issue: whose, for which center, with which scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientGrant {
    pub client: Uuid,
    pub center_id: Uuid,
    pub scopes: Vec<String>,
}

/// Why the token endpoint refuses (RFC 6749 §5.2).
#[derive(Debug)]
pub enum TokenRefusal {
    /// Unknown client, wrong secret, revoked client or inactive center: one answer for all.
    InvalidClient,
    /// A scope asked for that the client was not granted.
    InvalidScope(String),
    Other(DomainError),
}

impl From<DomainError> for TokenRefusal {
    fn from(e: DomainError) -> Self {
        Self::Other(e)
    }
}

/// The token endpoint's audit event for a known client: the client is the actor, in its
/// center, with the reach its tokens get.
fn token_event(meta: &RequestMeta, now: DateTime<Utc>, c: &ApiClient) -> AuditDraft {
    let mut ev = AuditDraft::anonymous(meta, now, Action::OauthToken).resource(c.id);
    ev.actor_kind = "client";
    ev.actor_id = Some(c.id);
    ev.actor_role = Some(Role::Supervisor.as_str().to_owned());
    ev.center_id = Some(c.center_id);
    ev
}

/// Integrations are the center administrator's ([`Permission::ManageIntegrations`]).
fn require_admin(actor: &Actor) -> Result<Uuid, DomainError> {
    policy::permit_in_center(actor, Permission::ManageIntegrations)
}

impl Services {
    fn integration_event(&self, ctx: &Ctx, action: Action) -> AuditDraft {
        AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action)
    }

    // --- API clients -------------------------------------------------------------------

    /// Registers a client; the answer carries the secret, which is never shown again.
    pub fn create_api_client(
        &self,
        ctx: &Ctx,
        name: &str,
        scopes: &[String],
    ) -> Result<(ApiClient, String), DomainError> {
        self.guard(ctx, Action::ApiClientCreate, None, || {
            let center_id = require_admin(&ctx.actor)?;
            let mut v = Validator::new();
            let name = v.check(values::text("name", name, 1, CLIENT_NAME_MAX));
            let scopes = v.check(platform::parse_scopes("scopes", scopes));
            v.finish()?;
            let (Some(name), Some(scopes)) = (name, scopes) else {
                return Err(DomainError::Internal(
                    "validator passed without values".into(),
                ));
            };
            let now = self.clock.now();
            let (client_id, secret, hash) = platform::new_client_credentials();
            let client = ApiClient {
                id: Uuid::now_v7(),
                center_id,
                name,
                client_id,
                scopes,
                created_by: ctx.actor.user_id,
                created_at: now,
                updated_at: now,
                secret_rotated_at: None,
                previous_secret_expires_at: None,
                revoked_at: None,
                last_used_at: None,
                version: 1,
            };
            let ev = self
                .integration_event(ctx, Action::ApiClientCreate)
                .resource(client.id)
                .detail(format!("scopes={}", client.scopes.join(" ")));
            self.store.insert_api_client(&client, &hash, &ev)?;
            Ok((client, secret))
        })
    }

    pub fn list_api_clients(
        &self,
        ctx: &Ctx,
        page: PageRequest,
    ) -> Result<Page<ApiClient>, DomainError> {
        self.guard(ctx, Action::ApiClientList, None, || {
            let center = require_admin(&ctx.actor)?;
            self.store.api_clients(center, page)
        })
    }

    pub fn get_api_client(&self, ctx: &Ctx, id: Uuid) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientRead, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            self.store
                .api_client(center, id)?
                .ok_or(DomainError::NotFound)
        })
    }

    /// Renames a client or changes its scopes; tokens already issued lose a withdrawn scope
    /// at once (every request checks the client's current scopes).
    pub fn update_api_client(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        name: Option<&str>,
        scopes: Option<&[String]>,
    ) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientUpdate, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            let mut c = self
                .store
                .api_client(center, id)?
                .ok_or(DomainError::NotFound)?;
            if c.version != expected_version {
                return Err(DomainError::PreconditionFailed);
            }
            let mut v = Validator::new();
            if let Some(n) = name
                && let Some(n) = v.check(values::text("name", n, 1, CLIENT_NAME_MAX))
            {
                c.name = n;
            }
            if let Some(s) = scopes
                && let Some(s) = v.check(platform::parse_scopes("scopes", s))
            {
                c.scopes = s;
            }
            v.finish()?;
            if c.revoked_at.is_some() {
                return Err(DomainError::rule(
                    "client_revoked",
                    "this client is revoked; register a new one",
                ));
            }
            c.updated_at = self.clock.now();
            let ev = self
                .integration_event(ctx, Action::ApiClientUpdate)
                .resource(c.id)
                .detail(format!("scopes={}", c.scopes.join(" ")));
            self.store.save_api_client(&c, expected_version, None, &ev)
        })
    }

    /// Issues a new secret. The previous one keeps working for `overlap` (default a day, at
    /// most 30 days; zero ends it at once), so an application can switch without downtime.
    pub fn rotate_api_client_secret(
        &self,
        ctx: &Ctx,
        id: Uuid,
        overlap_seconds: Option<i64>,
    ) -> Result<(ApiClient, String), DomainError> {
        self.guard(ctx, Action::ApiClientRotateSecret, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            let overlap = match overlap_seconds {
                None => DEFAULT_ROTATION_OVERLAP,
                Some(s) if (0..=MAX_ROTATION_OVERLAP.num_seconds()).contains(&s) => {
                    Duration::seconds(s)
                }
                Some(_) => {
                    return Err(DomainError::field(
                        "overlap_seconds",
                        "out_of_range",
                        format!(
                            "must be from 0 to {} (30 days)",
                            MAX_ROTATION_OVERLAP.num_seconds()
                        ),
                    ));
                }
            };
            let mut c = self
                .store
                .api_client(center, id)?
                .ok_or(DomainError::NotFound)?;
            if c.revoked_at.is_some() {
                return Err(DomainError::rule(
                    "client_revoked",
                    "this client is revoked; register a new one",
                ));
            }
            let now = self.clock.now();
            let (secret, hash) = crate::auth::new_opaque_token(platform::CLIENT_SECRET_PREFIX);
            let version = c.version;
            c.secret_rotated_at = Some(now);
            c.previous_secret_expires_at = Some(now + overlap);
            c.updated_at = now;
            let ev = self
                .integration_event(ctx, Action::ApiClientRotateSecret)
                .resource(c.id)
                .detail(format!("overlap_seconds={}", overlap.num_seconds()));
            let c = self.store.save_api_client(
                &c,
                version,
                Some(&SecretRotation { new_hash: hash }),
                &ev,
            )?;
            Ok((c, secret))
        })
    }

    /// Revokes a client: its tokens stop working with the next request, and it gets no new
    /// ones. Revoking twice is harmless.
    pub fn revoke_api_client(&self, ctx: &Ctx, id: Uuid) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientRevoke, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            let mut c = self
                .store
                .api_client(center, id)?
                .ok_or(DomainError::NotFound)?;
            if c.revoked_at.is_some() {
                return Ok(c);
            }
            let version = c.version;
            let now = self.clock.now();
            c.revoked_at = Some(now);
            c.previous_secret_expires_at = None;
            c.updated_at = now;
            let ev = self
                .integration_event(ctx, Action::ApiClientRevoke)
                .resource(c.id);
            self.store.save_api_client(&c, version, None, &ev)
        })
    }

    /// The client-credentials grant: checks the client's secret and narrows its scopes to
    /// those asked for. Every answer is audited, naming the client.
    pub fn client_token(
        &self,
        meta: &RequestMeta,
        client_id: &str,
        secret: &str,
        scope: Option<&str>,
    ) -> Result<ClientGrant, TokenRefusal> {
        let now = self.clock.now();
        let creds = self.store.client_credentials(client_id)?;
        let refuse = |code: &str, client: Option<&ApiClient>| {
            let ev = match client {
                Some(c) => token_event(meta, now, c),
                None => AuditDraft::anonymous(meta, now, Action::OauthToken),
            }
            .outcome(Outcome::Denied)
            .detail(code.to_owned());
            if let Err(e) = self.store.append_audit(&[ev]) {
                crate::app::tracing_free_log(&e);
            }
        };
        let Some(creds) = creds else {
            // Spend the hashing time anyway, so an unknown id cannot be told apart.
            let _ = crate::auth::hash_token(secret);
            refuse("invalid_client", None);
            return Err(TokenRefusal::InvalidClient);
        };
        if !creds.accepts(secret, now) || creds.client.revoked_at.is_some() || !creds.center_active
        {
            refuse("invalid_client", Some(&creds.client));
            return Err(TokenRefusal::InvalidClient);
        }
        let scopes = match platform::token_scopes(&creds.client.scopes, scope) {
            Ok(s) => s,
            Err(bad) => {
                refuse("invalid_scope", Some(&creds.client));
                return Err(TokenRefusal::InvalidScope(bad));
            }
        };
        let c = &creds.client;
        let ev = token_event(meta, now, c).detail(format!("scopes={}", scopes.join(" ")));
        self.store.append_audit(&[ev])?;
        // Marks it used; a revoked client cannot get here.
        self.store.active_client(c.id, now)?;
        Ok(ClientGrant {
            client: c.id,
            center_id: c.center_id,
            scopes,
        })
    }

    /// The actor behind a client's access token: the client as it is now (revoked → the
    /// token stops working), with the token's scopes less any the center has withdrawn.
    pub fn client_actor(&self, id: Uuid, token_scopes: &[String]) -> Result<Actor, DomainError> {
        let c = self.store.active_client(id, self.clock.now())?.ok_or(
            DomainError::Unauthenticated {
                code: "invalid_token",
            },
        )?;
        let scopes = token_scopes
            .iter()
            .filter(|s| c.scopes.contains(s))
            .cloned()
            .collect();
        Ok(Actor {
            user_id: c.id,
            session_id: Uuid::nil(),
            role: Role::Supervisor,
            center_id: Some(c.center_id),
            login: c.client_id,
            display_name: c.name,
            totp_enabled: false,
            must_enroll_totp: false,
            scopes: Some(scopes),
        })
    }

    // --- webhooks ----------------------------------------------------------------------

    /// Subscribes a URL to events; the answer carries the signing secret, shown only then.
    pub fn create_webhook(
        &self,
        ctx: &Ctx,
        url: &str,
        events: &[String],
        description: Option<&str>,
    ) -> Result<(Webhook, String), DomainError> {
        self.guard(ctx, Action::WebhookCreate, None, || {
            let center_id = require_admin(&ctx.actor)?;
            let mut v = Validator::new();
            let url = v.check(platform::parse_webhook_url("url", url));
            let events = v.check(platform::parse_events("events", events));
            let description = v
                .check(values::optional_text("description", description, 200))
                .flatten();
            v.finish()?;
            let (Some(url), Some(events)) = (url, events) else {
                return Err(DomainError::Internal(
                    "validator passed without values".into(),
                ));
            };
            let now = self.clock.now();
            let w = Webhook {
                id: Uuid::now_v7(),
                center_id,
                url,
                events,
                description,
                active: true,
                created_by: ctx.actor.user_id,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            let secret = platform::new_webhook_secret();
            let ev = self
                .integration_event(ctx, Action::WebhookCreate)
                .resource(w.id)
                .detail(format!("events={}", w.events.join(" ")));
            self.store.insert_webhook(&w, &secret, &ev)?;
            Ok((w, secret))
        })
    }

    pub fn list_webhooks(
        &self,
        ctx: &Ctx,
        page: PageRequest,
    ) -> Result<Page<Webhook>, DomainError> {
        self.guard(ctx, Action::WebhookList, None, || {
            let center = require_admin(&ctx.actor)?;
            self.store.webhooks(center, page)
        })
    }

    pub fn get_webhook(&self, ctx: &Ctx, id: Uuid) -> Result<Webhook, DomainError> {
        self.guard(ctx, Action::WebhookRead, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            self.store.webhook(center, id)?.ok_or(DomainError::NotFound)
        })
    }

    /// Changes the URL, events or description, or pauses (`active: false`) a subscription.
    /// Events that happen while it is paused are not queued for it.
    pub fn update_webhook(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: WebhookChanges,
    ) -> Result<Webhook, DomainError> {
        self.guard(ctx, Action::WebhookUpdate, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            let mut w = self
                .store
                .webhook(center, id)?
                .ok_or(DomainError::NotFound)?;
            if w.version != expected_version {
                return Err(DomainError::PreconditionFailed);
            }
            let mut v = Validator::new();
            if let Some(u) = input.url
                && let Some(u) = v.check(platform::parse_webhook_url("url", &u))
            {
                w.url = u;
            }
            if let Some(e) = input.events
                && let Some(e) = v.check(platform::parse_events("events", &e))
            {
                w.events = e;
            }
            if let Some(d) = input.description
                && let Some(d) = v.check(values::optional_text("description", d.as_deref(), 200))
            {
                w.description = d;
            }
            if let Some(a) = input.active {
                w.active = a;
            }
            v.finish()?;
            w.updated_at = self.clock.now();
            let ev = self
                .integration_event(ctx, Action::WebhookUpdate)
                .resource(w.id)
                .detail(format!(
                    "events={}; active={}",
                    w.events.join(" "),
                    w.active
                ));
            self.store.save_webhook(&w, expected_version, &ev)
        })
    }

    pub fn delete_webhook(&self, ctx: &Ctx, id: Uuid) -> Result<(), DomainError> {
        self.guard(ctx, Action::WebhookDelete, Some(id), || {
            let center = require_admin(&ctx.actor)?;
            let ev = self
                .integration_event(ctx, Action::WebhookDelete)
                .resource(id);
            self.store.delete_webhook(center, id, &ev)
        })
    }

    /// The delivery log of a subscription, newest first.
    pub fn list_deliveries(
        &self,
        ctx: &Ctx,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Delivery>, DomainError> {
        self.guard(ctx, Action::WebhookDeliveries, Some(webhook_id), || {
            let center = require_admin(&ctx.actor)?;
            self.store
                .webhook(center, webhook_id)?
                .ok_or(DomainError::NotFound)?;
            self.store.deliveries(center, webhook_id, page)
        })
    }

    // --- the delivery worker's side ----------------------------------------------------

    /// Deliveries due now, leased to the caller for `lease`.
    pub fn claim_deliveries(
        &self,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<DeliveryJob>, DomainError> {
        let now = self.clock.now();
        self.store.claim_deliveries(now, now + lease, limit)
    }

    /// Logs an attempt and schedules the next one (or gives up) by the backoff rule.
    pub fn record_attempt(
        &self,
        job: &DeliveryJob,
        result: &AttemptResult,
    ) -> Result<(), DomainError> {
        let now = self.clock.now();
        let next = if result.succeeded() {
            None
        } else {
            platform::next_attempt(job.delivery.attempts + 1, now)
        };
        self.store
            .finish_delivery(job.delivery.id, now, result, next)
    }

    /// Queues `follow_up.overdue` for follow-ups that became overdue; returns how many.
    pub fn announce_overdue(&self, limit: i64) -> Result<usize, DomainError> {
        self.store
            .announce_overdue(self.clock.today_tokyo(), self.clock.now(), limit)
    }

    /// The signed headers of a delivery sent at `at`: `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature`.
    pub fn signed_headers(job: &DeliveryJob, at: DateTime<Utc>) -> Option<[(String, String); 3]> {
        let id = platform::message_id(job.delivery.id);
        let ts = at.timestamp();
        let sig = platform::sign(&job.secret, &id, ts, &job.delivery.payload)?;
        Some([
            ("webhook-id".into(), id),
            ("webhook-timestamp".into(), ts.to_string()),
            ("webhook-signature".into(), sig),
        ])
    }
}

/// Changes to a subscription; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}
