-- The center's other work (issue 18): outreach to make the center known (周知) and how each
-- patient heard of it, the staff's training (研修), and events and group activities
-- (ピア相談会, 難病カフェ, seminars…) with the patients named at them.

-- How the patient heard of the center, asked at intake (NULL: not asked, for patients
-- registered before it was).
ALTER TABLE patients ADD COLUMN referral_source TEXT CHECK (referral_source IN ('poster_designated_hospital', 'leaflet_at_application', 'designated_doctor_training', 'msw', 'community_support_center', 'care_manager', 'homepage', 'newsletter', 'sns', 'other', 'family_friend', 'medical_staff', 'patient_association', 'unknown'));

-- 周知: one outreach activity, e.g. 300 leaflets to 12 指定医療機関.
CREATE TABLE outreach_activities (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('poster_designated_hospital', 'leaflet_at_application', 'designated_doctor_training', 'msw', 'community_support_center', 'care_manager', 'homepage', 'newsletter', 'sns', 'other')),
    -- What `other` was; NULL for the coded kinds.
    kind_other TEXT,
    target TEXT,
    held_on DATE NOT NULL,
    quantity INTEGER CHECK (quantity IS NULL OR quantity >= 0),
    unit TEXT,
    facility_count INTEGER CHECK (facility_count IS NULL OR facility_count >= 0),
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'other') = (kind_other IS NOT NULL))
);
CREATE INDEX outreach_activities_center_idx ON outreach_activities (center_id, held_on);

-- 研修: a training a staff member attended or gave, with its hours in hundredths (1.5 h is
-- 150) so sums stay exact.
CREATE TABLE trainings (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    participation TEXT NOT NULL CHECK (participation IN ('attended', 'given')),
    course TEXT NOT NULL CHECK (course IN ('peer_supporter_training', 'staff_training', 'other')),
    title TEXT NOT NULL,
    organiser TEXT,
    held_on DATE NOT NULL,
    -- The last day of a course over several days; NULL for one day.
    ended_on DATE,
    hours_hundredths INTEGER NOT NULL CHECK (hours_hundredths > 0),
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= held_on)
);
CREATE INDEX trainings_center_idx ON trainings (center_id, held_on);
CREATE INDEX trainings_user_idx ON trainings (user_id);

-- イベント・集団活動: one event, its headcounts and what was handed out.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('peer_consultation', 'cafe', 'seminar', 'lecture', 'employment_seminar', 'legal_consultation', 'other')),
    kind_other TEXT,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    -- HH:MM, Asia/Tokyo.
    start_time TEXT,
    end_time TEXT,
    place TEXT,
    online BOOLEAN NOT NULL DEFAULT FALSE,
    -- Space-separated ids of the center's staff who ran it.
    staff_ids TEXT NOT NULL,
    patients_count INTEGER NOT NULL CHECK (patients_count >= 0),
    families_count INTEGER NOT NULL CHECK (families_count >= 0),
    professionals_count INTEGER NOT NULL CHECK (professionals_count >= 0),
    -- One item per line.
    materials TEXT NOT NULL,
    -- The series it belongs to (e.g. the monthly 難病カフェ), by name.
    series TEXT,
    notes TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'other') = (kind_other IS NOT NULL))
);
CREATE INDEX events_center_idx ON events (center_id, held_on);

-- The patients named at an event, each with a consent in force on its day.
CREATE TABLE event_attendees (
    event_id TEXT NOT NULL REFERENCES events (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    role TEXT NOT NULL CHECK (role IN ('patient', 'family')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, patient_id)
);
CREATE INDEX event_attendees_patient_idx ON event_attendees (patient_id);
