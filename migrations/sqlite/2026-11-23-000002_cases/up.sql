-- The case: patients, consent, consultations, referrals with their level history, records
-- of data provided to agencies, and follow-ups. Every row carries its center so that every
-- query can be scoped to the caller's center without a join.

-- Days from a level-4 referral to its automatically scheduled first follow-up.
ALTER TABLE centers ADD COLUMN follow_up_days INTEGER NOT NULL DEFAULT 14 CHECK (follow_up_days BETWEEN 1 AND 365);

-- The last case number given out per center and fiscal year (case numbers read "2026-0042").
CREATE TABLE case_counters (
    center_id TEXT NOT NULL REFERENCES centers (id),
    fiscal_year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (center_id, fiscal_year)
);

CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    case_number TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name_kana TEXT NOT NULL,
    given_name_kana TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT CHECK (sex IN ('female', 'male', 'other')),
    prefecture_code TEXT,
    municipality_code TEXT,
    phone TEXT,
    email TEXT,
    program TEXT NOT NULL CHECK (program IN ('nanbyo', 'shoman')),
    disease_number INTEGER CHECK (disease_number BETWEEN 1 AND 999),
    diagnosis TEXT,
    employment_status TEXT NOT NULL CHECK (employment_status IN ('employed', 'on_leave', 'job_seeking', 'not_working', 'student')),
    support_awareness TEXT NOT NULL CHECK (support_awareness IN ('using', 'used_before', 'aware_not_used', 'unaware')),
    disability_certificate BOOLEAN NOT NULL DEFAULT FALSE,
    notes TEXT,
    search_key TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (center_id, case_number)
);
CREATE INDEX patients_center_idx ON patients (center_id, id);

-- The name search index: every 1- and 2-character piece of a patient's folded names and
-- readings. A query is answered from its bigrams with index lookups, the same way on both
-- databases (pg_trgm does not split Japanese text, and SQLite has no substring index).
CREATE TABLE patient_search_grams (
    center_id TEXT NOT NULL,
    gram TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    PRIMARY KEY (center_id, gram, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_search_grams_patient_idx ON patient_search_grams (patient_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    given_on DATE NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('employment_agencies', 'all_agencies')),
    withdrawn_on DATE,
    notes TEXT,
    recorded_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE INDEX consents_patient_idx ON consents (patient_id, given_on);

CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT REFERENCES patients (id),
    occurred_at TIMESTAMP NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'email', 'outreach', 'home_visit', 'online')),
    requester TEXT NOT NULL CHECK (requester IN ('patient', 'family', 'agency', 'other')),
    topics TEXT NOT NULL,
    duration_minutes INTEGER CHECK (duration_minutes BETWEEN 1 AND 1440),
    with_employment_supporter BOOLEAN NOT NULL DEFAULT FALSE,
    summary TEXT,
    consultant_id TEXT NOT NULL REFERENCES users (id),
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consultations_center_idx ON consultations (center_id, id);
CREATE INDEX consultations_center_time_idx ON consultations (center_id, occurred_at);
CREATE INDEX consultations_patient_idx ON consultations (patient_id, occurred_at);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    consultation_id TEXT REFERENCES consultations (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('new_employment', 'job_retention')),
    level TEXT NOT NULL CHECK (level IN ('information_only', 'phone_mediation', 'accompanied', 'accompanied_with_follow_up')),
    referred_on DATE NOT NULL,
    handed_over TEXT,
    notes TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    outcome TEXT CHECK (outcome IN ('searching', 'employed', 'retained', 'left_job', 'declined', 'lost_contact', 'other')),
    closed_on DATE,
    consultant_id TEXT NOT NULL REFERENCES users (id),
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'closed') = (closed_on IS NOT NULL AND outcome IS NOT NULL))
);
CREATE INDEX referrals_center_idx ON referrals (center_id, id);
CREATE INDEX referrals_center_date_idx ON referrals (center_id, referred_on);
CREATE INDEX referrals_patient_idx ON referrals (patient_id, referred_on);

-- Every level a referral has had: the first row is its creation (from_level NULL).
CREATE TABLE referral_level_changes (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    from_level TEXT,
    to_level TEXT NOT NULL,
    reason TEXT,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX referral_level_changes_referral_idx ON referral_level_changes (referral_id, changed_at);

-- 第三者提供の記録: which personal data went to which agency, when, under which consent.
CREATE TABLE data_provisions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    consent_id TEXT NOT NULL REFERENCES consents (id),
    items TEXT NOT NULL,
    provided_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX data_provisions_patient_idx ON data_provisions (patient_id, provided_on);

CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    assignee_id TEXT NOT NULL REFERENCES users (id),
    due_on DATE NOT NULL,
    done_on DATE,
    method TEXT CHECK (method IN ('phone', 'in_person', 'email', 'visit', 'online', 'other')),
    contacted TEXT CHECK (contacted IN ('patient', 'agency', 'employer')),
    outcome TEXT CHECK (outcome IN ('searching', 'employed', 'retained', 'left_job', 'declined', 'lost_contact', 'other')),
    notes TEXT,
    next_due_on DATE,
    cancelled_on DATE,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((done_on IS NULL) = (method IS NULL AND contacted IS NULL AND outcome IS NULL)),
    CHECK (done_on IS NULL OR cancelled_on IS NULL)
);
CREATE INDEX follow_ups_referral_idx ON follow_ups (referral_id, due_on);
CREATE INDEX follow_ups_patient_idx ON follow_ups (patient_id, due_on);
-- The work queue: open follow-ups by due date, per center and per assignee.
CREATE INDEX follow_ups_open_idx ON follow_ups (center_id, due_on, id) WHERE done_on IS NULL AND cancelled_on IS NULL;
CREATE INDEX follow_ups_open_assignee_idx ON follow_ups (center_id, assignee_id, due_on, id) WHERE done_on IS NULL AND cancelled_on IS NULL;
CREATE INDEX follow_ups_done_idx ON follow_ups (center_id, done_on, id) WHERE done_on IS NOT NULL;
