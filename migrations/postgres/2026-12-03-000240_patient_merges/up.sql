-- A supervisor merges a patient registered twice into the record that stays (the survivor).
-- The merged row is kept, because its id may be held elsewhere (an API client's copy, a
-- bookmark, the audit trail), and answers with a pointer to the survivor; it leaves lists,
-- searches, duplicate checks and reports.
ALTER TABLE patients ADD COLUMN merged_into TEXT REFERENCES patients (id);
ALTER TABLE patients ADD COLUMN merged_at TIMESTAMP;
CREATE INDEX patients_merged_into_idx ON patients (merged_into);
