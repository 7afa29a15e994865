DROP TABLE meeting_attachments;
DROP TABLE meeting_attendees;
DROP TABLE meetings;
DROP TABLE council_members;
DROP TABLE councils;
