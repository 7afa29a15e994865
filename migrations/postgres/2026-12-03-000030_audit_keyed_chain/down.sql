ALTER TABLE audit_chain_head DROP COLUMN keyed_from_seq;
ALTER TABLE audit_events DROP COLUMN key_id;
