DROP TABLE import_keys;
DROP TABLE import_mappings;
DROP TABLE import_duplicates;
DROP TABLE import_problems;
DROP TABLE import_files;
DROP TABLE imports;
