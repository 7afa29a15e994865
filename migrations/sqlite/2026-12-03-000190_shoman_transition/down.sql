DROP TABLE patient_program_changes;
