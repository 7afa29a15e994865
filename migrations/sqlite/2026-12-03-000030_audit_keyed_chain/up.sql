-- The audit chain becomes keyed: each event is linked with HMAC-SHA256 under a key derived
-- from the data key (outside the database) and records that key's id. Events written
-- before keep their plain SHA-256 links (`key_id` NULL); `keyed_from_seq` records the
-- upgrade point, from which verification accepts keyed links only. A database created
-- with this migration has nothing unkeyed: its point is 1.
ALTER TABLE audit_events ADD COLUMN key_id TEXT;
ALTER TABLE audit_chain_head ADD COLUMN keyed_from_seq BIGINT NOT NULL DEFAULT 1;
UPDATE audit_chain_head SET keyed_from_seq = seq + 1;
