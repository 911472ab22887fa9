-- Companies: the organisations a workspace deals with. Every row belongs to one workspace, and
-- every query names it.
CREATE TABLE companies (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    -- The web domain in lower case (example.com), the phone in E.164; NULL when not known.
    domain TEXT,
    phone TEXT,
    -- The mailing address, each part as typed (empty when not known).
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    region TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    owner_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- Derived on every write, in code: the name in lower case (the list's order, and one company
    -- per name in a workspace) and the text the search box looks in.
    sort_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Incremented on every change: an edit based on an older version is checked for conflicts.
    version BIGINT NOT NULL
);

-- The list's order (keyset pagination on the name, then the id) and the one-name rule.
CREATE UNIQUE INDEX companies_workspace_name ON companies (workspace_id, sort_name);

-- Tags on companies, as typed (trimmed); the filter matches them exactly.
CREATE TABLE company_tags (
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (workspace_id, company_id, tag)
);

CREATE INDEX company_tags_workspace_tag ON company_tags (workspace_id, tag, company_id);

-- The company a person works at: set when the person's company name is a company's name.
ALTER TABLE people ADD COLUMN company_id TEXT REFERENCES companies (id) ON DELETE SET NULL;

CREATE INDEX people_workspace_company ON people (workspace_id, company_id, sort_name, id);

-- Search looks through the workspace's companies in name order (LIKE over search_text): a
-- workspace keeps far fewer companies than people, so no trigram index is kept for them.
