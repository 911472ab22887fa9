-- Opportunities: deals a workspace hopes to win, each in a stage of the workspace's pipeline.
-- Every row belongs to one workspace, and every query names it.

-- The pipeline's stages, in the workspace's order. A workspace gets the default stages (Lead,
-- Qualified, Proposal, Negotiation, Won, Lost) the first time it looks at its pipeline, and can
-- rename and reorder them. `outcome` says whether an opportunity in the stage is still open, won
-- or lost; it stays with the stage when the stage is renamed.
CREATE TABLE pipeline_stages (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost'))
);

-- One stage per name in a workspace (without case); also what makes the defaults' insertion safe
-- when two pages ask for them at once.
CREATE UNIQUE INDEX pipeline_stages_workspace_name ON pipeline_stages (workspace_id, lower(name));

CREATE TABLE opportunities (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    -- The amount in the currency's minor units (cents), never a float; `currency` is ISO 4217.
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    -- The expected close date, YYYY-MM-DD.
    close_on TEXT NOT NULL,
    stage_id TEXT NOT NULL REFERENCES pipeline_stages (id),
    company_id TEXT REFERENCES companies (id) ON DELETE SET NULL,
    owner_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- The lead it was opened from, when it came from a conversion.
    lead_id TEXT REFERENCES leads (id) ON DELETE SET NULL,
    -- Derived on every write, in code: name and company name in lower case.
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Incremented on every change: an edit based on an older version is checked for conflicts.
    version BIGINT NOT NULL
);

-- The list's order (keyset pagination on the close date, then the id), the stage filter and the
-- board's columns.
CREATE INDEX opportunities_workspace_close ON opportunities (workspace_id, close_on, id);
CREATE INDEX opportunities_workspace_stage_close
    ON opportunities (workspace_id, stage_id, close_on, id);
CREATE INDEX opportunities_workspace_owner_close
    ON opportunities (workspace_id, owner_id, close_on, id);
CREATE INDEX opportunities_workspace_company ON opportunities (workspace_id, company_id);

-- The people an opportunity is with.
CREATE TABLE opportunity_people (
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (opportunity_id, person_id)
);

CREATE INDEX opportunity_people_person ON opportunity_people (workspace_id, person_id);
