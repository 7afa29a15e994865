DROP TABLE support_plan_actions;
DROP TABLE support_plan_reviews;
DROP TABLE support_plan_versions;
DROP TABLE support_plans;
ALTER TABLE centers DROP COLUMN programs;
-- Refuses (rather than deleting anyone) while a self_reliance_worker exists: change their
-- role first.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('system_admin', 'center_admin', 'supervisor', 'consultant'));
