-- Two-factor sign-in (TOTP, RFC 6238) with one-time recovery codes.

-- The shared secret (base32), set when enrolment starts; `totp_enabled` once confirmed.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
-- The last 30-second step a code was accepted for: a code is good once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- Roles that must sign in with two factors (the ministry's guideline for medical
-- information systems asks it of administrators and supervisors).
ALTER TABLE centers ADD COLUMN totp_roles TEXT NOT NULL DEFAULT 'center_admin,supervisor';

CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);
