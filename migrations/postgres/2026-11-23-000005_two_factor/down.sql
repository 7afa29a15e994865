DROP TABLE recovery_codes;
ALTER TABLE centers DROP COLUMN totp_roles;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled;
ALTER TABLE users DROP COLUMN totp_secret;
