-- ピア・サポーター: a staff role whose reach is the patients assigned to them (and the
-- anonymous consultations they record themselves).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter'));

-- Which peer supporter looks after which patient. An assignment ends (ended_on) rather
-- than disappearing, so who could read a patient's record when stays answerable; the
-- supporter's reach is the assignments without an end. One open assignment per pair.
CREATE TABLE peer_assignments (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    started_on DATE NOT NULL,
    ended_on DATE,
    assigned_by TEXT NOT NULL,
    ended_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK ((ended_on IS NULL) = (ended_by IS NULL))
);
CREATE UNIQUE INDEX peer_assignments_open_idx ON peer_assignments (patient_id, user_id) WHERE ended_on IS NULL;
CREATE INDEX peer_assignments_user_idx ON peer_assignments (user_id, patient_id);
