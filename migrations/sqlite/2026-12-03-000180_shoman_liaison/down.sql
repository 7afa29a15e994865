DROP TABLE liaison_provisions;
DROP TABLE liaison_contacts;
ALTER TABLE consultations DROP COLUMN shoman_requester;
ALTER TABLE consultations DROP COLUMN shoman_menu;
ALTER TABLE centers DROP COLUMN child_assent_age;
-- The consents table keeps its wider scope check and the giver's columns: narrowing it
-- means rebuilding the table again, and the older code never writes the new values.
