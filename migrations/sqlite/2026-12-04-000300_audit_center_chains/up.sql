-- Per-center audit chains. Until now every write transaction began by locking the one row of
-- `audit_chain_head`, so all writes of the installation committed one at a time. Now each
-- center has its own chain (and its own head row, its own lock), and events with no center
-- go to the `platform` chain. An event's chain is `audit_events.chain` (a center's id, or
-- `platform`) and its place in it `chain_seq`; `seq` stays the global order the audit list
-- pages by, but is no longer part of any hash.
--
-- The existing trail becomes the start of the `platform` chain unchanged: its events keep
-- their hashes and their `seq` as `chain_seq` (the canonical form hashes the chain position,
-- which for them is the old `seq`), so it stays verifiable, a checkpoint taken before the
-- upgrade still pins it, and its upgrade point (`keyed_from_seq`) stays where it was. Every
-- existing center's chain starts empty, keyed from its first event, and inherits the old
-- head's `last_change_at` so that change times keep rising for `updated_since`.
DROP TRIGGER audit_events_no_update;
ALTER TABLE audit_events ADD COLUMN chain TEXT NOT NULL DEFAULT 'platform';
ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT NOT NULL DEFAULT 0;
UPDATE audit_events SET chain_seq = seq;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (chain, chain_seq);

CREATE TABLE audit_chain_head_new (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    last_change_at TIMESTAMP,
    keyed_from_seq BIGINT NOT NULL DEFAULT 1
);
INSERT INTO audit_chain_head_new (chain, seq, hash, last_change_at, keyed_from_seq)
    SELECT 'platform', seq, hash, last_change_at, keyed_from_seq FROM audit_chain_head;
INSERT INTO audit_chain_head_new (chain, seq, hash, last_change_at, keyed_from_seq)
    SELECT id, 0, '0000000000000000000000000000000000000000000000000000000000000000',
           (SELECT last_change_at FROM audit_chain_head), 1
    FROM centers;
DROP TABLE audit_chain_head;
ALTER TABLE audit_chain_head_new RENAME TO audit_chain_head;
