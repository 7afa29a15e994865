-- ピア・サポーター: a staff role whose reach is the patients assigned to them (and the
-- anonymous consultations they record themselves).

-- SQLite cannot change a CHECK in place: the users table is rebuilt (the procedure of
-- https://www.sqlite.org/lang_altertable.html#otheralter), with foreign keys off so that
-- the tables referring to users keep their rows, and checked before committing.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY,
    center_id TEXT REFERENCES centers (id),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    CHECK ((role = 'system_admin') = (center_id IS NULL))
);
INSERT INTO users_new (id, center_id, login, display_name, role, password_hash, active, version, created_at, updated_at, totp_secret, totp_enabled, totp_last_step)
    SELECT id, center_id, login, display_name, role, password_hash, active, version, created_at, updated_at, totp_secret, totp_enabled, totp_last_step FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_center_idx ON users (center_id, id);

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
COMMIT;
PRAGMA foreign_keys = ON;
