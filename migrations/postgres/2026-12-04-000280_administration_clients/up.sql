-- API clients of an administration (自治体): a client belongs to a center or to an
-- administration, never both.
ALTER TABLE api_clients ALTER COLUMN center_id DROP NOT NULL;
ALTER TABLE api_clients ADD COLUMN administration_id TEXT REFERENCES administrations (id);
ALTER TABLE api_clients ADD CONSTRAINT api_clients_one_owner
    CHECK ((center_id IS NULL) <> (administration_id IS NULL));
CREATE INDEX api_clients_administration_idx ON api_clients (administration_id, id);
