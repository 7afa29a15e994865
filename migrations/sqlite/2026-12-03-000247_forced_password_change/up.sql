-- An account whose password was chosen by an administrator (a new account, or a password
-- set for someone) must change it at its next sign-in; until then only the account's own
-- routes answer. Existing accounts are not asked to.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
