-- 移行期: a 小慢 child who moves to the adult 難病 program stays the same patient; each
-- change of program is kept here (the patient row holds only the current one).
CREATE TABLE patient_program_changes (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    from_program TEXT NOT NULL CHECK (from_program IN ('nanbyo', 'shoman')),
    to_program TEXT NOT NULL CHECK (to_program IN ('nanbyo', 'shoman')),
    changed_on DATE NOT NULL,
    changed_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (from_program <> to_program)
);
CREATE INDEX patient_program_changes_patient_idx ON patient_program_changes (patient_id, created_at);
