DROP TABLE peer_assignments;
-- The users table keeps its wider role check (see the SQLite migration's down).
