-- 小児慢性特定疾病児童等自立支援事業: the 自立支援員's role, which programs a center runs,
-- and support plans with their versions, reviews and actions.

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
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker')),
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

-- Comma-separated: nanbyo (難病相談支援センター), shoman (小慢 自立支援事業). Centers from
-- before run 難病 only.
ALTER TABLE centers ADD COLUMN programs TEXT NOT NULL DEFAULT 'nanbyo';

-- 小慢 自立支援: a child's support plan (各種支援策の利用計画). The row is the current
-- revision; what each submitted revision said is kept in support_plan_versions.
-- draft → submitted → approved | returned; editing a returned or approved plan starts the
-- next revision as a draft.
CREATE TABLE support_plans (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    situation TEXT,
    wishes TEXT,
    -- [{"kind": "employment", "text": "…"}, …] (kinds: independence, employment,
    -- schooling, medical_care).
    goals TEXT NOT NULL,
    review_due_on DATE,
    approved_on DATE,
    author_id TEXT NOT NULL REFERENCES users (id),
    submitted_by TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX support_plans_center_idx ON support_plans (center_id, id);
CREATE INDEX support_plans_patient_idx ON support_plans (patient_id);
CREATE INDEX support_plans_review_due_idx ON support_plans (center_id, review_due_on);

-- Each submitted revision as it was submitted; never changed.
CREATE TABLE support_plan_versions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    plan_id TEXT NOT NULL REFERENCES support_plans (id),
    revision INTEGER NOT NULL,
    situation TEXT,
    wishes TEXT,
    goals TEXT NOT NULL,
    review_due_on DATE,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, revision)
);

-- A supervisor's decision on a submitted revision (four eyes: never its author).
CREATE TABLE support_plan_reviews (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    plan_id TEXT NOT NULL REFERENCES support_plans (id),
    revision INTEGER NOT NULL,
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    comment TEXT,
    review_due_on DATE,
    created_at TIMESTAMP NOT NULL,
    CHECK (decision = 'approved' OR comment IS NOT NULL)
);
CREATE INDEX support_plan_reviews_plan_idx ON support_plan_reviews (plan_id, created_at);

-- What the plan sets in motion: each action with the body that delivers it, followed up
-- like a referral (done / not done / changed, outcome, next date).
CREATE TABLE support_plan_actions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    plan_id TEXT NOT NULL REFERENCES support_plans (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    body_kind TEXT NOT NULL CHECK (body_kind IN ('school', 'employer', 'hospital', 'welfare_office', 'hello_work', 'other_center', 'optional_project', 'other')),
    body_name TEXT NOT NULL,
    description TEXT,
    responsible TEXT NOT NULL,
    due_on DATE NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'done', 'not_done', 'changed')),
    outcome TEXT,
    next_on DATE,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX support_plan_actions_plan_idx ON support_plan_actions (plan_id, due_on);
CREATE INDEX support_plan_actions_open_idx ON support_plan_actions (center_id, state, due_on);

COMMIT;
PRAGMA foreign_keys = ON;
