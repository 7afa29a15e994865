ALTER TABLE users DROP CONSTRAINT users_administration_check;
ALTER TABLE users DROP CONSTRAINT users_center_check;
ALTER TABLE users DROP COLUMN administration_id;
ALTER TABLE centers DROP COLUMN administration_id;
DROP TABLE administrations;
-- The users table keeps its wider role check (see the SQLite migration's down).
