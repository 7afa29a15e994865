-- 小慢 自立支援事業の任意事業: the optional projects a center runs (療養生活支援, 相互交流支援,
-- 就職支援, 介護者支援, その他), each session held with its participants, and the register of
-- needs the center sees and no one meets (ニーズ), coded so they can be counted.

CREATE TABLE shoman_projects (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('respite', 'exchange', 'employment', 'caregiver', 'other')),
    name TEXT NOT NULL,
    description TEXT,
    started_on DATE NOT NULL,
    -- Open while NULL: a project runs until it is ended.
    ended_on DATE,
    -- The body the project is commissioned to (委託先), if any.
    partner TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX shoman_projects_center_idx ON shoman_projects (center_id, id);

-- One session of a project: what was done, where, by whom and for how many.
CREATE TABLE shoman_project_sessions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    project_id TEXT NOT NULL REFERENCES shoman_projects (id),
    held_on DATE NOT NULL,
    activity TEXT NOT NULL CHECK (activity IN ('temporary_care', 'workshop', 'children_meeting', 'work_experience', 'job_consultation_meeting', 'hospital_accompaniment', 'sibling_support', 'learning_support', 'physical_training', 'other')),
    place TEXT,
    online BOOLEAN NOT NULL DEFAULT FALSE,
    -- Space-separated ids of the center's staff who ran it.
    staff_ids TEXT NOT NULL,
    children_count INTEGER NOT NULL CHECK (children_count >= 0),
    family_count INTEGER NOT NULL CHECK (family_count >= 0),
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shoman_project_sessions_project_idx ON shoman_project_sessions (project_id, held_on);
CREATE INDEX shoman_project_sessions_center_idx ON shoman_project_sessions (center_id, held_on);

-- The named participants of a session, each with a consent in force on its day: a child
-- (児童等) or the family of that child (保護者, きょうだい).
CREATE TABLE shoman_session_participants (
    session_id TEXT NOT NULL REFERENCES shoman_project_sessions (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    role TEXT NOT NULL CHECK (role IN ('child', 'family')),
    PRIMARY KEY (session_id, patient_id, role)
);
CREATE INDEX shoman_session_participants_patient_idx ON shoman_session_participants (patient_id);

-- ニーズ: what the center sees and no one meets; anonymous when patient_id is NULL.
CREATE TABLE shoman_needs (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('respite', 'exchange', 'employment', 'caregiver_support', 'sibling_support', 'learning_support', 'schooling', 'medical_care', 'transition', 'financial', 'other')),
    description TEXT NOT NULL,
    noted_on DATE NOT NULL,
    patient_id TEXT REFERENCES patients (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'met', 'dropped')),
    met_on DATE,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (met_on IS NULL OR status = 'met')
);
CREATE INDEX shoman_needs_center_idx ON shoman_needs (center_id, id);
CREATE INDEX shoman_needs_noted_idx ON shoman_needs (center_id, noted_on);
CREATE INDEX shoman_needs_patient_idx ON shoman_needs (patient_id);
