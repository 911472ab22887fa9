-- Leads: people who showed interest and are not yet contacts. Demo requests arrive here, in the
-- vendor's workspace, with source 'Request a Demo'.
CREATE TABLE leads (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email TEXT NOT NULL,
    company_name TEXT NOT NULL,
    phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'unqualified')),
    source TEXT NOT NULL,
    -- What the lead told us when asking (team size, free text), kept as given.
    team_size TEXT,
    message TEXT,
    -- The e-mail marketing choice made on the form (1 = yes, 0 = no), when it was made, and the
    -- privacy policy version shown beside the choice. NULL when the lead came without a choice.
    marketing_consent BIGINT CHECK (marketing_consent IN (0, 1)),
    marketing_consent_at BIGINT,
    policy_version BIGINT REFERENCES policy_versions (version),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Incremented on every change: a save based on an older version is refused.
    version BIGINT NOT NULL
);

CREATE INDEX leads_workspace_created ON leads (workspace_id, created_at, id);
