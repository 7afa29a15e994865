DROP TABLE shoman_needs;
DROP TABLE shoman_session_participants;
DROP TABLE shoman_project_sessions;
DROP TABLE shoman_projects;
