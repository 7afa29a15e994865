-- The PDCA register of regional problems (地域の課題): ①課題の抽出 ②対策の検討 ③対策の実施
-- ④対策の評価, with who moved an issue when and why, its measures (対策), the live figures
-- from the centers' data that are its evidence and indicators, and members' comments.
CREATE TABLE regional_issues (
    id TEXT PRIMARY KEY,
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    council_id TEXT REFERENCES councils (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('employment', 'disaster_medical', 'home_care', 'severity_prevention', 'transition', 'medical_care_children', 'awareness', 'other')),
    evidence TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'extraction' CHECK (stage IN ('extraction', 'planning', 'implementation', 'evaluation')),
    evaluation TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_issues_administration_idx ON regional_issues (administration_id, id);
CREATE INDEX regional_issues_council_idx ON regional_issues (council_id);

CREATE TABLE regional_issue_stage_changes (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL REFERENCES regional_issues (id),
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_issue_stage_changes_issue_idx ON regional_issue_stage_changes (issue_id, changed_at, id);

CREATE TABLE regional_issue_measures (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL REFERENCES regional_issues (id),
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on DATE,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    done_on DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_issue_measures_issue_idx ON regional_issue_measures (issue_id, id);

-- A live figure linked as evidence or indicator: which figure, its parameter (an agency kind
-- for referral figures), and the value when it was linked (the "before" of before/after).
CREATE TABLE regional_issue_figures (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL REFERENCES regional_issues (id),
    kind TEXT NOT NULL,
    parameter TEXT,
    label TEXT NOT NULL,
    baseline_numerator BIGINT NOT NULL,
    baseline_denominator BIGINT,
    baseline_fiscal_year INTEGER NOT NULL,
    target TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_issue_figures_issue_idx ON regional_issue_figures (issue_id, id);

CREATE TABLE regional_issue_comments (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL REFERENCES regional_issues (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX regional_issue_comments_issue_idx ON regional_issue_comments (issue_id, created_at, id);

-- Which issues a meeting discussed.
CREATE TABLE meeting_issues (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    issue_id TEXT NOT NULL REFERENCES regional_issues (id),
    PRIMARY KEY (meeting_id, issue_id)
);
CREATE INDEX meeting_issues_issue_idx ON meeting_issues (issue_id);

-- A published yearly summary (公表): the suppressed figures as they were published, so that
-- the public page shows what the administration approved, not what has changed since.
CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    fiscal_year INTEGER NOT NULL,
    summary TEXT NOT NULL,
    published_by TEXT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (administration_id, fiscal_year)
);
