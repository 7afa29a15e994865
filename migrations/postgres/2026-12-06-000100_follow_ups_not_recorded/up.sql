-- A follow-up brought in from a 台帳 whose day had passed with nothing written about it: it
-- leaves the queue (cancelled_on is the day of the import) and says why, instead of showing
-- as years overdue.
ALTER TABLE follow_ups ADD COLUMN not_recorded BOOLEAN NOT NULL DEFAULT FALSE;
