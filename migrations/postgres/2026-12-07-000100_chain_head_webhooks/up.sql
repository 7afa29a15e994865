-- Whether the chain's center has an active webhook subscription. Every audited write of a
-- center locks this row already; reading the answer there spares each write a look-up of
-- the center's subscriptions (most centers have none). A change to the center's webhooks
-- sets it again under the same lock, so a write never reads a stale answer.
ALTER TABLE audit_chain_head ADD COLUMN has_active_webhooks BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE audit_chain_head SET has_active_webhooks = EXISTS (
    SELECT 1 FROM webhooks w WHERE w.center_id = audit_chain_head.chain AND w.active
);
