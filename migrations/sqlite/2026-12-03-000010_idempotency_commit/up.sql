-- Idempotency keys complete in the transaction of the change they guard (a crash can no
-- longer leave a key "in progress" for a day), and their kept answers are sealed with the
-- data key. Keys live 24 hours; the old rows (whose answers could hold secrets in
-- plaintext) are dropped rather than carried over.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'committed', 'done')),
    -- The attempt holding the key; a change commits only under the token it started with.
    claim TEXT NOT NULL,
    lease_until TIMESTAMP NOT NULL,
    -- The record the change made (set in the change's transaction).
    action TEXT,
    resource_type TEXT,
    resource_id TEXT,
    status INTEGER,
    content_type TEXT,
    location TEXT,
    etag TEXT,
    -- The answer's body, sealed (enc:v1:…); NULL when the answer carried a secret.
    body TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
