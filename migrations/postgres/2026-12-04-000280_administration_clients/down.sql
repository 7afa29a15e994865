-- An administration's clients cannot live in the older table: they go with the column.
DELETE FROM api_clients WHERE center_id IS NULL;
DROP INDEX api_clients_administration_idx;
ALTER TABLE api_clients DROP CONSTRAINT api_clients_one_owner;
ALTER TABLE api_clients DROP COLUMN administration_id;
ALTER TABLE api_clients ALTER COLUMN center_id SET NOT NULL;
