DROP TABLE reviews;
ALTER TABLE follow_ups DROP COLUMN recorded_by;
DROP INDEX referrals_review_idx;
ALTER TABLE referrals DROP COLUMN review_state;
ALTER TABLE centers DROP COLUMN sample_percent;
ALTER TABLE centers DROP COLUMN escalation_days;
