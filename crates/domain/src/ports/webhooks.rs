use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::platform::{Delivery, Webhook};
use uuid::Uuid;

/// Webhook subscriptions and their delivery log.
pub trait WebhookStore {
    fn insert_webhook(&self, w: &Webhook, secret: &str, audit: &AuditDraft) -> StoreResult<()>;
    fn webhook(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Webhook>>;
    fn webhooks(&self, center: Uuid, page: PageRequest) -> StoreResult<Page<Webhook>>;
    fn save_webhook(
        &self,
        w: &Webhook,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Webhook>;
    /// Removes a subscription and its pending deliveries (the delivery log goes with it).
    fn delete_webhook(&self, center: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()>;
    /// A subscription's deliveries, newest first.
    fn deliveries(
        &self,
        center: Uuid,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Delivery>>;
}
