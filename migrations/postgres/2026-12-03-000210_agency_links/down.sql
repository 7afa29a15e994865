ALTER TABLE follow_ups DROP COLUMN agency_outcome;
ALTER TABLE follow_ups DROP COLUMN agency_link_id;
DROP TABLE agency_links;
