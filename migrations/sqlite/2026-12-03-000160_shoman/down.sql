DROP TABLE support_plan_actions;
DROP TABLE support_plan_reviews;
DROP TABLE support_plan_versions;
DROP TABLE support_plans;
ALTER TABLE centers DROP COLUMN programs;
-- The users table keeps its wider role check: narrowing it means rebuilding the table
-- again, and the older code never writes the new role.
