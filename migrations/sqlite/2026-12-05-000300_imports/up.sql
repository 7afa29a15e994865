-- Importing a center's existing 台帳 (Excel/CSV): the upload and its state, the file's
-- table (sealed: a bulk copy of health data staged until it is committed), the problems and
-- duplicates its dry run found, the mapping each center last used per kind, and the row keys
-- already imported, which make re-running the same file create nothing twice.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('patients', 'consultations', 'referrals', 'follow_ups')),
    state TEXT NOT NULL CHECK (state IN ('checking', 'checked', 'committing', 'committed', 'failed')),
    file_name TEXT NOT NULL,
    encoding TEXT NOT NULL CHECK (encoding IN ('utf-8', 'shift_jis', 'xlsx')),
    headers TEXT NOT NULL,
    mapping TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    progress_done INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL,
    skip_invalid BOOLEAN NOT NULL DEFAULT FALSE,
    failure TEXT,
    -- While a worker runs the import's next step; a step whose worker died is taken up again
    -- once its lease has run out.
    lease_until TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    committed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX imports_center_idx ON imports (center_id, id);
CREATE INDEX imports_work_idx ON imports (state, lease_until);

CREATE TABLE import_files (
    import_id TEXT PRIMARY KEY REFERENCES imports (id),
    cells TEXT NOT NULL
);

CREATE TABLE import_problems (
    import_id TEXT NOT NULL REFERENCES imports (id),
    seq INTEGER NOT NULL,
    row_no INTEGER NOT NULL,
    column_name TEXT,
    field TEXT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_duplicates (
    import_id TEXT NOT NULL REFERENCES imports (id),
    row_no INTEGER NOT NULL,
    detail TEXT NOT NULL,
    action TEXT CHECK (action IN ('merge', 'create', 'skip')),
    patient_id TEXT,
    PRIMARY KEY (import_id, row_no)
);

CREATE TABLE import_mappings (
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (center_id, kind)
);

CREATE TABLE import_keys (
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL,
    row_key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    import_id TEXT NOT NULL REFERENCES imports (id),
    PRIMARY KEY (center_id, kind, row_key)
);
