-- The search index is keyed by a column of the people table's own, no longer by its implicit
-- rowid: a rowid may be renumbered (a dump and restore does it, and SQLite allows VACUUM to), after
-- which a search would match one person's text and return another. `search_key` is data: it is
-- copied, dumped and restored with the row.
DROP TRIGGER people_search_insert;
DROP TRIGGER people_search_delete;
DROP TRIGGER people_search_update;
DROP TABLE people_search;

ALTER TABLE people ADD COLUMN search_key INTEGER;
UPDATE people SET search_key = rowid;
CREATE UNIQUE INDEX people_search_key ON people (search_key);

CREATE VIRTUAL TABLE people_search USING fts5 (
    search_text,
    content = 'people',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
INSERT INTO people_search (people_search) VALUES ('rebuild');

-- A new person gets the next key (the inserts name their columns and leave it out), then is
-- indexed under it.
CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    UPDATE people SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM people)
    WHERE rowid = new.rowid AND search_key IS NULL;
    INSERT INTO people_search (rowid, search_text)
    SELECT search_key, search_text FROM people WHERE rowid = new.rowid;
END;

CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
END;

CREATE TRIGGER people_search_update AFTER UPDATE OF search_text ON people BEGIN
    INSERT INTO people_search (people_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
    INSERT INTO people_search (rowid, search_text) VALUES (new.search_key, new.search_text);
END;
