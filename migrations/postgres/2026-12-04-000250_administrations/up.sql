-- The administration (自治体): a prefecture, designated city, 保健所設置市 or 特別区 that runs
-- regional councils and oversees the centers in its area. Its officers (`municipal_officer`)
-- read the aggregates of its centers, never a patient. Council members who are not staff
-- (`council_member`) belong to neither a center nor an administration: their reach is the
-- councils they sit on.
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

ALTER TABLE users ADD COLUMN administration_id TEXT REFERENCES administrations (id);
CREATE INDEX users_administration_idx ON users (administration_id, id);
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter', 'municipal_officer', 'council_member'));
-- A center's staff belong to a center; an officer to an administration; the system
-- administrator and council members to neither.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_check;
ALTER TABLE users ADD CONSTRAINT users_center_check CHECK ((center_id IS NOT NULL) = (role NOT IN ('system_admin', 'municipal_officer', 'council_member')));
ALTER TABLE users ADD CONSTRAINT users_administration_check CHECK ((administration_id IS NOT NULL) = (role = 'municipal_officer'));
