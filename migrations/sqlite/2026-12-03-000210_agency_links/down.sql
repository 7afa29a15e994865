-- follow_ups keeps its two agency columns: SQLite cannot drop a column with a reference or
-- a check without rebuilding the table, and older code never reads them.
UPDATE follow_ups SET agency_link_id = NULL, agency_outcome = NULL;
DROP TABLE agency_links;
