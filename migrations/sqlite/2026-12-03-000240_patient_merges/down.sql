DROP INDEX patients_merged_into_idx;
ALTER TABLE patients DROP COLUMN merged_at;
ALTER TABLE patients DROP COLUMN merged_into;
