-- 出張相談 with the Hello Work 難病患者就職サポーター (issue 18): the recurring schedule of a
-- center and a Hello Work office, the sessions it yields, and the patients booked into their
-- time slots, with what came of each joint consultation.

-- A recurring schedule, e.g. the 2nd and 4th Tuesday, 13:00-16:00 in 45-minute slots.
CREATE TABLE supporter_schedules (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    -- ISO 8601 weekday: 1 is Monday, 7 is Sunday.
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    -- The weeks of the month, space-separated (1 to 5): "2 4" is the 2nd and the 4th.
    weeks TEXT NOT NULL,
    -- HH:MM, Asia/Tokyo.
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 10 AND 240),
    place TEXT,
    supporter_name TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX supporter_schedules_center_idx ON supporter_schedules (center_id);

-- One 出張相談 day. One per office and day: generating from a schedule twice, or two staff
-- generating at once, cannot make a second session for the same day.
CREATE TABLE supporter_sessions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    schedule_id TEXT REFERENCES supporter_schedules (id),
    held_on DATE NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 10 AND 240),
    place TEXT,
    supporter_name TEXT,
    -- Space-separated ids of the center's staff who sat in.
    staff_ids TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (center_id, agency_id, held_on)
);
CREATE INDEX supporter_sessions_center_idx ON supporter_sessions (center_id, held_on);

-- A patient booked into a slot (by its start), and what came of it.
CREATE TABLE supporter_bookings (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES supporter_sessions (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    slot_start TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'held', 'no_show', 'cancelled')),
    consultation_id TEXT REFERENCES consultations (id),
    referral_id TEXT REFERENCES referrals (id),
    -- As entered by the supporter; NULL: not entered (the figures then follow the linked
    -- referral's follow-ups).
    new_job_seeker BOOLEAN,
    employed BOOLEAN,
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The database, not a check before the insert, refuses double booking: of two concurrent
-- bookings of one slot exactly one commits. A cancelled booking frees its slot.
CREATE UNIQUE INDEX supporter_bookings_slot_key ON supporter_bookings (session_id, slot_start) WHERE status <> 'cancelled';
-- A patient holds at most one slot of a session.
CREATE UNIQUE INDEX supporter_bookings_patient_key ON supporter_bookings (session_id, patient_id) WHERE status <> 'cancelled';
CREATE INDEX supporter_bookings_patient_idx ON supporter_bookings (patient_id);
