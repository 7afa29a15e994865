DROP TABLE publications;
DROP TABLE meeting_issues;
DROP TABLE regional_issue_comments;
DROP TABLE regional_issue_figures;
DROP TABLE regional_issue_measures;
DROP TABLE regional_issue_stage_changes;
DROP TABLE regional_issues;
