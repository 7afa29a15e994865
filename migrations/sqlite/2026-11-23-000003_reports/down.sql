DROP INDEX patients_center_created_idx;
DROP TABLE referral_outcome_totals;
DROP TABLE referral_patients;
DROP TABLE consultation_patients;
DROP TABLE consultation_counts;
DROP TABLE referral_counts;
ALTER TABLE referrals DROP COLUMN achieved;
ALTER TABLE referrals DROP COLUMN agency_type;
