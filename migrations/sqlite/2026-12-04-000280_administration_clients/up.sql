-- API clients of an administration (自治体): a client belongs to a center or to an
-- administration, never both. SQLite cannot drop a NOT NULL in place, so the table is
-- rebuilt (https://www.sqlite.org/lang_altertable.html#otheralter); nothing refers to it.
CREATE TABLE api_clients_new (
    id TEXT PRIMARY KEY,
    center_id TEXT REFERENCES centers (id),
    administration_id TEXT REFERENCES administrations (id),
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
    version INTEGER NOT NULL,
    CHECK ((center_id IS NULL) <> (administration_id IS NULL))
);
INSERT INTO api_clients_new (id, center_id, name, client_id, scopes, secret_hash, previous_secret_hash, previous_secret_expires_at, secret_rotated_at, revoked_at, last_used_at, created_by, created_at, updated_at, version)
    SELECT id, center_id, name, client_id, scopes, secret_hash, previous_secret_hash, previous_secret_expires_at, secret_rotated_at, revoked_at, last_used_at, created_by, created_at, updated_at, version FROM api_clients;
DROP TABLE api_clients;
ALTER TABLE api_clients_new RENAME TO api_clients;
CREATE INDEX api_clients_center_idx ON api_clients (center_id, id);
CREATE INDEX api_clients_administration_idx ON api_clients (administration_id, id);
