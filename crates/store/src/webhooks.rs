//! Webhook subscriptions and the log of their deliveries.

use crate::DieselStore;
use crate::audit::{append_event, note_webhooks_changed};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::outbox::{DeliveryTuple, delivery, delivery_columns};
use crate::paging::after_key;
use crate::rows::{convert, naive, utc, uuid, words};
use crate::schema::{webhook_attempts, webhook_deliveries, webhooks};
use crate::sealed::webhook_context;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::platform::{AttemptRecord, Delivery, Webhook};
use tsunagu_domain::ports::{StoreResult, WebhookStore};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub center_id: String,
    pub url: String,
    pub events: String,
    pub description: Option<String>,
    pub active: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl WebhookRow {
    fn from_entity(w: &Webhook) -> Self {
        Self {
            id: w.id.to_string(),
            center_id: w.center_id.to_string(),
            url: w.url.clone(),
            events: w.events.join(" "),
            description: w.description.clone(),
            active: w.active,
            created_by: w.created_by.to_string(),
            created_at: naive(w.created_at),
            updated_at: naive(w.updated_at),
            version: w.version,
        }
    }

    fn into_entity(self) -> Result<Webhook, DomainError> {
        Ok(Webhook {
            id: uuid("webhooks.id", &self.id)?,
            center_id: uuid("webhooks.center_id", &self.center_id)?,
            url: self.url,
            events: words(&self.events),
            description: self.description,
            active: self.active,
            created_by: uuid("webhooks.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            version: self.version,
        })
    }
}

fn webhook(c: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Webhook>> {
    let row: Option<WebhookRow> = webhooks::table
        .filter(webhooks::id.eq(id.to_string()))
        .filter(webhooks::center_id.eq(center.to_string()))
        .select(WebhookRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(WebhookRow::into_entity).transpose()?)
}

/// An attempt as read: (delivery, at, status, error, milliseconds).
type AttemptTuple = (String, NaiveDateTime, Option<i32>, Option<String>, i64);

/// Every attempt at these deliveries, oldest first.
fn attempts_of(c: &mut DbConn, ids: &[Uuid]) -> R<HashMap<Uuid, Vec<AttemptRecord>>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<AttemptTuple> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&keys))
        .order((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
        ))
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status,
            webhook_attempts::error,
            webhook_attempts::duration_ms,
        ))
        .load(c)?;
    let mut out: HashMap<Uuid, Vec<_>> = HashMap::new();
    for (d, at, status, error, ms) in rows {
        out.entry(uuid("webhook_attempts.delivery_id", &d)?)
            .or_default()
            .push(AttemptRecord {
                attempted_at: utc(at),
                status,
                error,
                duration_ms: ms,
            });
    }
    Ok(out)
}

impl WebhookStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %w.center_id, id = %w.id))]
    fn insert_webhook(&self, w: &Webhook, secret: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(webhooks::table)
                .values((
                    WebhookRow::from_entity(w),
                    webhooks::secret.eq(self.seal(&webhook_context(&w.id.to_string()), secret)),
                ))
                .execute(c)?;
            note_webhooks_changed(c, w.center_id)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn webhook(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Webhook>> {
        self.read(|c| webhook(c, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn webhooks(&self, center: Uuid, req: PageRequest) -> StoreResult<Page<Webhook>> {
        self.read(|c| {
            let rows: Vec<WebhookRow> = webhooks::table
                .filter(webhooks::center_id.eq(center.to_string()))
                .filter(webhooks::id.gt(after_key(&req)))
                .order(webhooks::id.asc())
                .limit(req.limit + 1)
                .select(WebhookRow::as_select())
                .load(c)?;
            let items = convert(rows, WebhookRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %w.center_id, id = %w.id))]
    fn save_webhook(
        &self,
        w: &Webhook,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Webhook> {
        self.write(|c| {
            let n = diesel::update(
                webhooks::table
                    .filter(webhooks::id.eq(w.id.to_string()))
                    .filter(webhooks::center_id.eq(w.center_id.to_string()))
                    .filter(webhooks::version.eq(expected_version)),
            )
            .set((
                webhooks::url.eq(&w.url),
                webhooks::events.eq(w.events.join(" ")),
                webhooks::description.eq(&w.description),
                webhooks::active.eq(w.active),
                webhooks::updated_at.eq(naive(w.updated_at)),
                webhooks::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            if n == 0 {
                let exists = webhook(c, w.center_id, w.id)?.is_some();
                return Err(missing_or_stale(exists));
            }
            note_webhooks_changed(c, w.center_id)?;
            append_event(c, &self.keys, audit)?;
            webhook(c, w.center_id, w.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn delete_webhook(&self, center: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            let id = id.to_string();
            let n = webhooks::table
                .filter(webhooks::id.eq(&id))
                .filter(webhooks::center_id.eq(center.to_string()))
                .count()
                .get_result::<i64>(c)?;
            if n == 0 {
                return Err(not_found());
            }
            // Explicitly, not by cascade alone: the order matters to foreign keys on both
            // backends.
            let deliveries = webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(&id))
                .select(webhook_deliveries::id);
            diesel::delete(
                webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
            )
            .execute(c)?;
            diesel::delete(
                webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(&id)),
            )
            .execute(c)?;
            diesel::delete(webhooks::table.filter(webhooks::id.eq(&id))).execute(c)?;
            note_webhooks_changed(c, center)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, webhook = %webhook_id))]
    fn deliveries(
        &self,
        center: Uuid,
        webhook_id: Uuid,
        req: PageRequest,
    ) -> StoreResult<Page<Delivery>> {
        self.read(|c| {
            let mut q = webhook_deliveries::table
                .filter(webhook_deliveries::center_id.eq(center.to_string()))
                .filter(webhook_deliveries::webhook_id.eq(webhook_id.to_string()))
                .order(webhook_deliveries::id.desc())
                .limit(req.limit + 1)
                .select(delivery_columns!())
                .into_boxed();
            if let Some(after) = req.after {
                q = q.filter(webhook_deliveries::id.lt(after.to_string()));
            }
            let rows: Vec<DeliveryTuple> = q.load(c)?;
            let mut items = convert(rows, delivery)?;
            let ids: Vec<Uuid> = items.iter().map(|d| d.id).collect();
            let mut logs = attempts_of(c, &ids)?;
            for d in &mut items {
                d.log = logs.remove(&d.id).unwrap_or_default();
            }
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }
}
