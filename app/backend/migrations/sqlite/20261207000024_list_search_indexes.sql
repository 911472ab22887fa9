-- Every list searches through an index, as the people's does (20261206000020): a trigram FTS5
-- table per kind of record, keyed by a column of the row's own (`search_key`, which a dump and
-- restore keeps, unlike the rowid), kept in step by triggers; and an index over (workspace,
-- search text) for a search of one or two characters, which matches the start of the name
-- (`records::search`).

ALTER TABLE companies ADD COLUMN search_key INTEGER;
UPDATE companies SET search_key = rowid;
CREATE UNIQUE INDEX companies_search_key ON companies (search_key);

CREATE VIRTUAL TABLE companies_search USING fts5 (
    search_text,
    content = 'companies',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
INSERT INTO companies_search (companies_search) VALUES ('rebuild');

CREATE TRIGGER companies_search_insert AFTER INSERT ON companies BEGIN
    UPDATE companies SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM companies)
    WHERE rowid = new.rowid AND search_key IS NULL;
    INSERT INTO companies_search (rowid, search_text)
    SELECT search_key, search_text FROM companies WHERE rowid = new.rowid;
END;

CREATE TRIGGER companies_search_delete AFTER DELETE ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
END;

CREATE TRIGGER companies_search_update AFTER UPDATE OF search_text ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
    INSERT INTO companies_search (rowid, search_text) VALUES (new.search_key, new.search_text);
END;

CREATE INDEX companies_workspace_search_text ON companies (workspace_id, search_text);

ALTER TABLE leads ADD COLUMN search_key INTEGER;
UPDATE leads SET search_key = rowid;
CREATE UNIQUE INDEX leads_search_key ON leads (search_key);

CREATE VIRTUAL TABLE leads_search USING fts5 (
    search_text,
    content = 'leads',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
INSERT INTO leads_search (leads_search) VALUES ('rebuild');

CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
    UPDATE leads SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM leads)
    WHERE rowid = new.rowid AND search_key IS NULL;
    INSERT INTO leads_search (rowid, search_text)
    SELECT search_key, search_text FROM leads WHERE rowid = new.rowid;
END;

CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
END;

CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
    INSERT INTO leads_search (rowid, search_text) VALUES (new.search_key, new.search_text);
END;

CREATE INDEX leads_workspace_search_text ON leads (workspace_id, search_text);

ALTER TABLE opportunities ADD COLUMN search_key INTEGER;
UPDATE opportunities SET search_key = rowid;
CREATE UNIQUE INDEX opportunities_search_key ON opportunities (search_key);

CREATE VIRTUAL TABLE opportunities_search USING fts5 (
    search_text,
    content = 'opportunities',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
INSERT INTO opportunities_search (opportunities_search) VALUES ('rebuild');

CREATE TRIGGER opportunities_search_insert AFTER INSERT ON opportunities BEGIN
    UPDATE opportunities SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM opportunities)
    WHERE rowid = new.rowid AND search_key IS NULL;
    INSERT INTO opportunities_search (rowid, search_text)
    SELECT search_key, search_text FROM opportunities WHERE rowid = new.rowid;
END;

CREATE TRIGGER opportunities_search_delete AFTER DELETE ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
END;

CREATE TRIGGER opportunities_search_update AFTER UPDATE OF search_text ON opportunities BEGIN
    INSERT INTO opportunities_search (opportunities_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
    INSERT INTO opportunities_search (rowid, search_text) VALUES (new.search_key, new.search_text);
END;

CREATE INDEX opportunities_workspace_search_text ON opportunities (workspace_id, search_text);

ALTER TABLE tasks ADD COLUMN search_key INTEGER;
UPDATE tasks SET search_key = rowid;
CREATE UNIQUE INDEX tasks_search_key ON tasks (search_key);

CREATE VIRTUAL TABLE tasks_search USING fts5 (
    search_text,
    content = 'tasks',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
INSERT INTO tasks_search (tasks_search) VALUES ('rebuild');

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
    UPDATE tasks SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM tasks)
    WHERE rowid = new.rowid AND search_key IS NULL;
    INSERT INTO tasks_search (rowid, search_text)
    SELECT search_key, search_text FROM tasks WHERE rowid = new.rowid;
END;

CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
END;

CREATE TRIGGER tasks_search_update AFTER UPDATE OF search_text ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_text)
    VALUES ('delete', old.search_key, old.search_text);
    INSERT INTO tasks_search (rowid, search_text) VALUES (new.search_key, new.search_text);
END;

CREATE INDEX tasks_workspace_search_text ON tasks (workspace_id, search_text);
