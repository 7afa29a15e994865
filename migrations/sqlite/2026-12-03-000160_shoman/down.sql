DROP TABLE support_plan_actions;
DROP TABLE support_plan_reviews;
DROP TABLE support_plan_versions;
DROP TABLE support_plans;
ALTER TABLE centers DROP COLUMN programs;
