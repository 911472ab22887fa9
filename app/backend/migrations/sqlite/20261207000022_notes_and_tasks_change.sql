-- Notes can be edited by their author: when they last were. (A deleted note's row goes, its text
-- with it; the record's timeline keeps only that a note was deleted, by whom and when.)
ALTER TABLE notes ADD COLUMN edited_at BIGINT;

-- Tasks are edited in place field by field, with the same version check as the records: each
-- change adds one, and a save made from an older version is checked against what changed.
ALTER TABLE tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
