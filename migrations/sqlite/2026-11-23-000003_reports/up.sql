-- Reports: the ministry's figures come from rollups kept in the same transaction as every
-- change, so a report reads thousands of rows instead of millions.

-- The type of the agency when the referral was made: the survey counts referrals by it, and
-- a later change of the agency's type must not move old referrals between buckets.
ALTER TABLE referrals ADD COLUMN agency_type TEXT NOT NULL DEFAULT 'other';
UPDATE referrals SET agency_type = (SELECT agency_type FROM agencies WHERE agencies.id = referrals.agency_id);
-- Whether the referral reached its purpose's outcome (employed for new employment, retained
-- for job retention) in a follow-up or at closing; counted once.
ALTER TABLE referrals ADD COLUMN achieved BOOLEAN NOT NULL DEFAULT FALSE;

-- Referrals per day, agency type, purpose and current level.
CREATE TABLE referral_counts (
    center_id TEXT NOT NULL,
    day DATE NOT NULL,
    agency_type TEXT NOT NULL,
    purpose TEXT NOT NULL,
    level TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (center_id, day, agency_type, purpose, level)
) WITHOUT ROWID;

-- Consultations per Tokyo day, one row per dimension and value (`channel`/`phone`,
-- `topic`/`employment`, `joint`/`yes`, `anonymous`/`yes`, `total`/`all`): a few dozen rows
-- a day whatever the volume, and every breakdown is one indexed range.
CREATE TABLE consultation_counts (
    center_id TEXT NOT NULL,
    day DATE NOT NULL,
    dim TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (center_id, day, dim, value)
) WITHOUT ROWID;

-- Patients consulted per fiscal year (distinct counts cannot be summed from daily rows).
CREATE TABLE consultation_patients (
    center_id TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    patient_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (center_id, fiscal_year, patient_id)
) WITHOUT ROWID;

-- Patients referred per fiscal year, agency type and purpose, and how many of those
-- referrals reached their outcome.
CREATE TABLE referral_patients (
    center_id TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    agency_type TEXT NOT NULL,
    purpose TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    referrals INTEGER NOT NULL,
    achieved INTEGER NOT NULL,
    PRIMARY KEY (center_id, fiscal_year, agency_type, purpose, patient_id)
) WITHOUT ROWID;

-- Per fiscal year, agency type and purpose: how many patients were referred and how many
-- of them reached the outcome (kept from the transitions of `referral_patients`).
CREATE TABLE referral_outcome_totals (
    center_id TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    agency_type TEXT NOT NULL,
    purpose TEXT NOT NULL,
    patients INTEGER NOT NULL,
    achieved INTEGER NOT NULL,
    PRIMARY KEY (center_id, fiscal_year, agency_type, purpose)
) WITHOUT ROWID;

-- Support awareness at intake, by registration time.
CREATE INDEX patients_center_created_idx ON patients (center_id, created_at, employment_status, support_awareness);
