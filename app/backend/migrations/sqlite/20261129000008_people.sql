-- People: the persons a workspace keeps. Every row belongs to one workspace, and every query
-- names it.
CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    job_title TEXT NOT NULL,
    company_name TEXT NOT NULL,
    -- Validated on the server; NULL when not known. The phone is stored in E.164 (+41446681800).
    email TEXT,
    phone TEXT,
    owner_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    -- The lawful basis on which the workspace holds the person, when it was recorded, and the
    -- evidence (free text: where and how). NULL until someone records it.
    lawful_basis TEXT CHECK (lawful_basis IN ('consent', 'contract', 'legitimate_interest', 'other')),
    lawful_basis_at BIGINT,
    lawful_basis_evidence TEXT NOT NULL,
    -- Permission to send marketing e-mail, when and how it was given or refused.
    marketing_permission TEXT NOT NULL CHECK (marketing_permission IN ('granted', 'refused', 'unknown')),
    marketing_permission_at BIGINT,
    marketing_permission_how TEXT NOT NULL,
    -- Derived on every write, in code: the list's sort key (lower-case "last first") and the text
    -- the search box looks in (names, e-mail, phone digits, company, lower case).
    sort_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Incremented on every change: an edit based on an older version is checked for conflicts.
    version BIGINT NOT NULL
);

-- Keyset pagination: each sort order has an index that ends in the id, the tie-breaker.
CREATE INDEX people_workspace_name ON people (workspace_id, sort_name, id);
CREATE INDEX people_workspace_created ON people (workspace_id, created_at, id);
CREATE INDEX people_workspace_owner ON people (workspace_id, owner_id, sort_name, id);
CREATE INDEX people_workspace_email ON people (workspace_id, email);

-- Search: a trigram full-text index over search_text, so that any three or more characters of a
-- name, address, phone number or company find the person. It is an external-content table over
-- people's rowid, kept in step by the triggers below. (VACUUM may renumber the rowids of a table
-- without an INTEGER PRIMARY KEY; after one, run INSERT INTO people_search(people_search)
-- VALUES ('rebuild').)
CREATE VIRTUAL TABLE people_search USING fts5 (
    search_text,
    content = 'people',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);

CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;

CREATE TRIGGER people_search_update AFTER UPDATE OF search_text ON people BEGIN
    INSERT INTO people_search (people_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO people_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

-- Tags on people, as typed (trimmed); the filter matches them exactly.
CREATE TABLE person_tags (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    tag TEXT NOT NULL,
    -- Led by the workspace, so that reading the tags of a page of people uses this key for both
    -- the workspace and the people.
    PRIMARY KEY (workspace_id, person_id, tag)
);

CREATE INDEX person_tags_workspace_tag ON person_tags (workspace_id, tag, person_id);

-- The activity timeline of every record: its creation and every field change, with who made it
-- and the old and new values. Deleted with the record (the values are personal data).
CREATE TABLE record_events (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    record_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('created', 'changed')),
    field TEXT,
    old_value TEXT,
    new_value TEXT
);

CREATE INDEX record_events_record ON record_events (workspace_id, record_id, at);
