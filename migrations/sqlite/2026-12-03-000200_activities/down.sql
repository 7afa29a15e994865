DROP TABLE event_attendees;
DROP TABLE events;
DROP TABLE trainings;
DROP TABLE outreach_activities;
ALTER TABLE patients DROP COLUMN referral_source;
