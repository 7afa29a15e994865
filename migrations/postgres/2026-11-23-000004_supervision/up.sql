-- Supervision: reviews of referrals' follow-up work, and the settings of the audit queue.

-- Follow-ups overdue by more than this many days escalate to the supervisor.
ALTER TABLE centers ADD COLUMN escalation_days INTEGER NOT NULL DEFAULT 7 CHECK (escalation_days BETWEEN 1 AND 365);
-- The share of lower-level referrals sampled into the audit queue for a quality check.
ALTER TABLE centers ADD COLUMN sample_percent INTEGER NOT NULL DEFAULT 10 CHECK (sample_percent BETWEEN 0 AND 100);

-- none → pending (a follow-up was recorded, or a returned referral was corrected) →
-- approved | returned.
ALTER TABLE referrals ADD COLUMN review_state TEXT NOT NULL DEFAULT 'none' CHECK (review_state IN ('none', 'pending', 'approved', 'returned'));
CREATE INDEX referrals_review_idx ON referrals (center_id, review_state);

-- Who recorded the follow-up as done (the four-eyes rule needs it).
ALTER TABLE follow_ups ADD COLUMN recorded_by TEXT;

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (decision = 'approved' OR comment IS NOT NULL)
);
CREATE INDEX reviews_referral_idx ON reviews (referral_id, created_at);
CREATE INDEX reviews_center_idx ON reviews (center_id, created_at);
