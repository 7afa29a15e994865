DROP TABLE peer_assignments;
-- The users table keeps its wider role check: narrowing it means rebuilding the table
-- again, and the older code never writes the new role.
