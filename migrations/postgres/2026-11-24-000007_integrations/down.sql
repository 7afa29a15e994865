ALTER TABLE follow_ups DROP COLUMN overdue_announced_at;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE api_clients;
