-- 小慢: the consultation menu and who asked, liaison with schools, employers and agencies
-- with its record of provision, and who gave a consent (a minor's guardian, the child's
-- own assent).

ALTER TABLE consents DROP CONSTRAINT consents_scope_check;
ALTER TABLE consents ADD CONSTRAINT consents_scope_check CHECK (scope IN ('employment_agencies', 'all_agencies', 'schools', 'employers', 'all_bodies'));
-- Who gave it; consents recorded before have none (null: not recorded).
ALTER TABLE consents ADD COLUMN given_by TEXT CHECK (given_by IN ('self', 'guardian'));
ALTER TABLE consents ADD COLUMN guardian_name TEXT;
ALTER TABLE consents ADD COLUMN guardian_relationship TEXT;
ALTER TABLE consents ADD COLUMN child_assent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE consents ADD CONSTRAINT consents_guardian_check CHECK (given_by IS NULL OR given_by = 'guardian' OR guardian_name IS NULL);

-- A center's age from which a minor's own assent is recorded beside the guardian's
-- consent (0: never required).
ALTER TABLE centers ADD COLUMN child_assent_age INTEGER NOT NULL DEFAULT 15 CHECK (child_assent_age BETWEEN 0 AND 20);

-- 小慢 相談支援のメニュー: which menu a 小慢 consultation belongs to and who asked, in the
-- program's own terms (the older `requester` keeps the 難病 survey's). Null for the
-- consultations of other programs and for those recorded before.
ALTER TABLE consultations ADD COLUMN shoman_menu TEXT CHECK (shoman_menu IN ('ryoiku_guidance', 'itinerant_guidance', 'peer_counseling', 'self_reliance_guidance', 'school_employer'));
ALTER TABLE consultations ADD COLUMN shoman_requester TEXT CHECK (shoman_requester IN ('child', 'family', 'school', 'employer', 'other'));

-- 関係機関との連絡調整: a contact with a school, employer or agency about a 小慢 child,
-- against a plan's action where there is one.
CREATE TABLE liaison_contacts (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    plan_id TEXT REFERENCES support_plans (id),
    action_id TEXT REFERENCES support_plan_actions (id),
    body_kind TEXT NOT NULL CHECK (body_kind IN ('school', 'employer', 'hospital', 'welfare_office', 'hello_work', 'other_center', 'optional_project', 'other')),
    body_name TEXT NOT NULL,
    contact_person TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'visit', 'meeting', 'email', 'letter', 'online')),
    contacted_on DATE NOT NULL,
    summary TEXT NOT NULL,
    shared_data BOOLEAN NOT NULL DEFAULT FALSE,
    next_on DATE,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (action_id IS NULL OR plan_id IS NOT NULL)
);
CREATE INDEX liaison_contacts_center_idx ON liaison_contacts (center_id, id);
CREATE INDEX liaison_contacts_patient_idx ON liaison_contacts (patient_id, contacted_on);
CREATE INDEX liaison_contacts_plan_idx ON liaison_contacts (plan_id);

-- 第三者提供の記録 of a contact that passed the child's data to a school or employer, under
-- the consent in force that day. Written once, never changed.
CREATE TABLE liaison_provisions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    contact_id TEXT NOT NULL UNIQUE REFERENCES liaison_contacts (id),
    body_kind TEXT NOT NULL,
    body_name TEXT NOT NULL,
    consent_id TEXT NOT NULL REFERENCES consents (id),
    provided_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX liaison_provisions_patient_idx ON liaison_provisions (patient_id, provided_on);
