-- 機関への確認リンク: one-time links for the agency of a referral. Only the token's SHA-256
-- is kept; the agency's answer is recorded as a follow-up (follow_ups.agency_link_id).
CREATE TABLE agency_links (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    emailed BOOLEAN NOT NULL DEFAULT FALSE,
    used_at TIMESTAMP,
    outcome TEXT CHECK (outcome IN ('came', 'did_not_come', 'registered_job_seeker', 'employed', 'retention_support_started')),
    follow_up_id TEXT REFERENCES follow_ups (id),
    revoked_at TIMESTAMP,
    revoked_by TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((used_at IS NULL) = (outcome IS NULL)),
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX agency_links_referral_idx ON agency_links (referral_id, created_at);

ALTER TABLE follow_ups ADD COLUMN agency_link_id TEXT REFERENCES agency_links (id);
ALTER TABLE follow_ups ADD COLUMN agency_outcome TEXT CHECK (agency_outcome IN ('came', 'did_not_come', 'registered_job_seeker', 'employed', 'retention_support_started'));
