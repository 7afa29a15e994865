-- Bulk exports of a center's case data (issue 19). A row is the request: who asked for
-- which format and kind, and when. The file itself is never kept: it is produced from the
-- live records while it is downloaded (see crates/domain/src/exchange/export.rs), so no
-- second copy of the center's personal data sits in a table or on a replica's disk.
CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
    -- One record kind (a CSV is one kind), or NULL for every kind.
    kind TEXT CHECK (kind IN ('patients', 'consultations', 'referrals', 'follow_ups', 'consents')),
    state TEXT NOT NULL CHECK (state IN ('ready', 'completed')),
    -- Rows per kind as counted when the export was requested, as JSON ({"patients": 12, ...}).
    counts TEXT NOT NULL,
    -- Rows per kind the last complete download wrote, as JSON; NULL before one completed.
    written TEXT,
    downloads INTEGER NOT NULL DEFAULT 0,
    requested_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX exports_center_idx ON exports (center_id, id);
