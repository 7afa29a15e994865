-- Third-party integration: API clients of a center, its webhook subscriptions, and the
-- outbox of deliveries (written in the same transaction as the change it announces) with
-- the log of every attempt.
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    -- Space-separated, as OAuth writes scopes.
    scopes TEXT NOT NULL,
    -- SHA-256 of the secret: the secret itself is shown once and never stored.
    secret_hash TEXT NOT NULL,
    previous_secret_hash TEXT,
    previous_secret_expires_at TIMESTAMP,
    secret_rotated_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX api_clients_center_idx ON api_clients (center_id, id);

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT,
    -- The signing key must be usable to sign, so it is kept (not hashed).
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX webhooks_center_idx ON webhooks (center_id, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    center_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    -- A worker's lease: another replica leaves the delivery alone until it lapses.
    locked_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at);

-- When follow_up.overdue was queued for a follow-up, so it is announced once.
ALTER TABLE follow_ups ADD COLUMN overdue_announced_at TIMESTAMP;

-- Incremental sync (`?updated_since=`): every change to a case record takes its
-- `updated_at` from one clock, advanced under the audit chain's lock (held to commit), so
-- those times are in commit order and a client that mirrors by them misses nothing.
ALTER TABLE audit_chain_head ADD COLUMN last_change_at TIMESTAMP;
CREATE INDEX patients_sync_idx ON patients (center_id, updated_at, id);
CREATE INDEX consultations_sync_idx ON consultations (center_id, updated_at, id);
CREATE INDEX referrals_sync_idx ON referrals (center_id, updated_at, id);
CREATE INDEX follow_ups_sync_idx ON follow_ups (center_id, updated_at, id);
