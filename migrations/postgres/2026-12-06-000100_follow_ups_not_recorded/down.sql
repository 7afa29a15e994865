ALTER TABLE follow_ups DROP COLUMN not_recorded;
