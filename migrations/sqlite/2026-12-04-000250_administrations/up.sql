-- The administration (自治体): a prefecture, designated city, 保健所設置市 or 特別区 that runs
-- regional councils and oversees the centers in its area. Its officers (`municipal_officer`)
-- read the aggregates of its centers, never a patient. Council members who are not staff
-- (`council_member`) belong to neither a center nor an administration: their reach is the
-- councils they sit on.

-- SQLite cannot change a CHECK in place: the users table is rebuilt (the procedure of
-- https://www.sqlite.org/lang_altertable.html#otheralter), with foreign keys off so that
-- the tables referring to users keep their rows.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE administrations (
    id TEXT PRIMARY KEY,
    -- 全国地方公共団体コード (six digits with the check digit), from the shipped master.
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('prefecture', 'designated_city', 'health_center_city', 'special_ward')),
    prefecture_code TEXT NOT NULL,
    -- Figures under this many are shown as 「N未満」 in anything that leaves the administration.
    suppression_threshold INTEGER NOT NULL DEFAULT 5 CHECK (suppression_threshold BETWEEN 1 AND 100),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE centers ADD COLUMN administration_id TEXT REFERENCES administrations (id);
CREATE INDEX centers_administration_idx ON centers (administration_id);

CREATE TABLE users_new (
    id TEXT PRIMARY KEY,
    center_id TEXT REFERENCES centers (id),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter', 'municipal_officer', 'council_member')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    administration_id TEXT REFERENCES administrations (id),
    -- A center's staff belong to a center; an officer to an administration; the system
    -- administrator and council members to neither.
    CHECK ((center_id IS NOT NULL) = (role NOT IN ('system_admin', 'municipal_officer', 'council_member'))),
    CHECK ((administration_id IS NOT NULL) = (role = 'municipal_officer'))
);
INSERT INTO users_new (id, center_id, login, display_name, role, password_hash, active, version, created_at, updated_at, totp_secret, totp_enabled, totp_last_step, must_change_password)
    SELECT id, center_id, login, display_name, role, password_hash, active, version, created_at, updated_at, totp_secret, totp_enabled, totp_last_step, must_change_password FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_center_idx ON users (center_id, id);
CREATE INDEX users_administration_idx ON users (administration_id, id);
COMMIT;
PRAGMA foreign_keys = ON;
