-- An administration's clients cannot live in the older table: they go with the column.
DELETE FROM api_clients WHERE center_id IS NULL;
CREATE TABLE api_clients_old (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
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
INSERT INTO api_clients_old
    SELECT id, center_id, name, client_id, scopes, secret_hash, previous_secret_hash, previous_secret_expires_at, secret_rotated_at, revoked_at, last_used_at, created_by, created_at, updated_at, version FROM api_clients;
DROP TABLE api_clients;
ALTER TABLE api_clients_old RENAME TO api_clients;
CREATE INDEX api_clients_center_idx ON api_clients (center_id, id);
