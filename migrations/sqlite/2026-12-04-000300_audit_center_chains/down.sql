-- Back to one chain: only the platform chain's head survives, so a trail with center
-- events no longer verifies after this (a development aid, not a way back in production).
CREATE TABLE audit_chain_head_old (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    last_change_at TIMESTAMP,
    keyed_from_seq BIGINT NOT NULL DEFAULT 1
);
INSERT INTO audit_chain_head_old (id, seq, hash, last_change_at, keyed_from_seq)
    SELECT 1, seq, hash, (SELECT MAX(last_change_at) FROM audit_chain_head), keyed_from_seq
    FROM audit_chain_head WHERE chain = 'platform';
DROP TABLE audit_chain_head;
ALTER TABLE audit_chain_head_old RENAME TO audit_chain_head;
DROP INDEX audit_events_chain_idx;
ALTER TABLE audit_events DROP COLUMN chain_seq;
ALTER TABLE audit_events DROP COLUMN chain;
