ALTER TABLE audit_chain_head DROP COLUMN has_active_webhooks;
