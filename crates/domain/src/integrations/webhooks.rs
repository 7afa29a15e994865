//! Webhook subscriptions and their delivery logs, as a center administrator manages them.

use crate::app::Ctx;
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::platform::{self, Delivery, Webhook};
use crate::policy::{self, Permission};
use crate::values;
use uuid::Uuid;

const DESCRIPTION_MAX: usize = 200;

/// Changes to a subscription; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

crate::facade!(
    /// Webhook subscriptions: `services.webhooks()`.
    Webhooks,
    webhooks
);

impl Webhooks<'_> {
    /// Subscribes a URL to events; the answer carries the signing secret, shown only then.
    #[tracing::instrument(skip_all, fields(webhook = tracing::field::Empty))]
    pub fn create(
        &self,
        ctx: &Ctx,
        url: &str,
        events: &[String],
        description: Option<&str>,
    ) -> Result<(Webhook, String), DomainError> {
        self.guard(ctx, Action::WebhookCreate, None, || {
            let center_id = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            let mut v = Validator::new();
            let url = v.check(platform::parse_webhook_url("url", url, &self.webhook_allow));
            let events = v.check(platform::parse_events("events", events));
            let description = v
                .check(values::optional_text(
                    "description",
                    description,
                    DESCRIPTION_MAX,
                ))
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
                .ev(ctx, Action::WebhookCreate)
                .resource(w.id)
                .detail(format!("events={}", w.events.join(" ")));
            self.store.insert_webhook(&w, &secret, &ev)?;
            tracing::Span::current().record("webhook", tracing::field::display(w.id));
            Ok((w, secret))
        })
    }

    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<Webhook>, DomainError> {
        self.guard(ctx, Action::WebhookList, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            let page = self.store.webhooks(center, page)?;
            tracing::Span::current().record("count", page.items.len());
            Ok(page)
        })
    }

    #[tracing::instrument(skip_all, fields(webhook = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Webhook, DomainError> {
        self.guard(ctx, Action::WebhookRead, Some(id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            self.store.webhook(center, id)?.ok_or(DomainError::NotFound)
        })
    }

    /// Changes the URL, events or description, or pauses (`active: false`) a subscription.
    /// Events that happen while it is paused are not queued for it.
    #[tracing::instrument(skip_all, fields(webhook = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: WebhookChanges,
    ) -> Result<Webhook, DomainError> {
        self.guard(ctx, Action::WebhookUpdate, Some(id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            let mut w = self
                .store
                .webhook(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(w.version)?;
            let mut v = Validator::new();
            if let Some(u) = input.url
                && let Some(u) =
                    v.check(platform::parse_webhook_url("url", &u, &self.webhook_allow))
            {
                w.url = u;
            }
            if let Some(e) = input.events
                && let Some(e) = v.check(platform::parse_events("events", &e))
            {
                w.events = e;
            }
            if let Some(d) = input.description
                && let Some(d) = v.check(values::optional_text(
                    "description",
                    d.as_deref(),
                    DESCRIPTION_MAX,
                ))
            {
                w.description = d;
            }
            if let Some(a) = input.active {
                w.active = a;
            }
            v.finish()?;
            w.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::WebhookUpdate)
                .resource(w.id)
                .detail(format!(
                    "events={}; active={}",
                    w.events.join(" "),
                    w.active
                ));
            self.store.save_webhook(&w, expected_version, &ev)
        })
    }

    #[tracing::instrument(skip_all, fields(webhook = %id))]
    pub fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), DomainError> {
        self.guard(ctx, Action::WebhookDelete, Some(id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            let ev = self.ev(ctx, Action::WebhookDelete).resource(id);
            self.store.delete_webhook(center, id, &ev)
        })
    }

    /// The delivery log of a subscription, newest first.
    #[tracing::instrument(skip_all, fields(webhook = %webhook_id, count = tracing::field::Empty))]
    pub fn deliveries(
        &self,
        ctx: &Ctx,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Delivery>, DomainError> {
        self.guard(ctx, Action::WebhookDeliveries, Some(webhook_id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ManageIntegrations)?;
            self.store
                .webhook(center, webhook_id)?
                .ok_or(DomainError::NotFound)?;
            let page = self.store.deliveries(center, webhook_id, page)?;
            tracing::Span::current().record("count", page.items.len());
            Ok(page)
        })
    }
}
