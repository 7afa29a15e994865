-- Regional councils (難病対策地域協議会, 慢性疾病児童等地域支援協議会) of an administration,
-- with their sub-meetings (部会: a council with a parent), members, meetings and the papers
-- given out at them. A council's records are read by the administration's officers, the
-- system administrator (for the ministry's figures) and its own members in their term.
CREATE TABLE councils (
    id TEXT PRIMARY KEY,
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    -- A 部会 belongs to its council, in the same administration.
    parent_id TEXT REFERENCES councils (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intractable', 'pediatric', 'joint')),
    scope TEXT NOT NULL CHECK (scope IN ('prefecture', 'secondary_medical_area', 'health_center')),
    -- The 二次医療圏 or 保健所 it covers, for the narrower scopes.
    area_name TEXT,
    established_on DATE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX councils_administration_idx ON councils (administration_id, id);
CREATE INDEX councils_parent_idx ON councils (parent_id);

-- A member: a person and the body they represent, in the paper's nine categories, for a term.
-- A member who is not staff may have a sign-in (`user_id`, role council_member) that reaches
-- only their councils' records, and only after their confidentiality pledge (守秘義務) and
-- within their term.
CREATE TABLE council_members (
    id TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils (id),
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    name TEXT NOT NULL,
    organization TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('medical', 'welfare', 'public_health', 'consultation', 'community', 'employment', 'education', 'patients_families', 'other')),
    council_role TEXT NOT NULL DEFAULT 'member' CHECK (council_role IN ('chair', 'vice_chair', 'member', 'secretariat')),
    term_start DATE NOT NULL,
    term_end DATE NOT NULL,
    user_id TEXT REFERENCES users (id),
    pledged_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (term_end >= term_start)
);
CREATE INDEX council_members_council_idx ON council_members (council_id, id);
CREATE INDEX council_members_user_idx ON council_members (user_id);
CREATE UNIQUE INDEX council_members_user_council_idx ON council_members (council_id, user_id);

CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils (id),
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    kind TEXT NOT NULL CHECK (kind IN ('plenary', 'subcommittee', 'secretariat')),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    held_on DATE NOT NULL,
    title TEXT NOT NULL,
    location TEXT,
    agenda TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_council_idx ON meetings (council_id, held_on, id);
CREATE INDEX meetings_administration_idx ON meetings (administration_id, held_on);

CREATE TABLE meeting_attendees (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    member_id TEXT NOT NULL REFERENCES council_members (id),
    PRIMARY KEY (meeting_id, member_id)
);

-- Papers given out at a meeting (PDF and Office files), kept in the database so that a
-- backup holds them; served only as downloads, never rendered or executed.
CREATE TABLE meeting_attachments (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_attachments_meeting_idx ON meeting_attachments (meeting_id, id);
