-- The users table keeps its wider role check and its administration column: narrowing it
-- means rebuilding the table again, and the older code never writes the new roles. An
-- officer's row would still name an administration, so the administrations stay too.
SELECT 1;
