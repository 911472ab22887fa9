-- Workspaces are the tenant boundary: every row of customer data names its workspace, and every
-- query of such data filters by the workspace taken from the session.
--
-- Conventions shared by both engines (sqlx's Any driver decodes neither UUIDs, timestamps nor
-- SQLite booleans): ids are UUIDs as TEXT, times are BIGINT milliseconds since the Unix epoch
-- (UTC), flags are INTEGER 0/1.
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- 'customer': a team's own workspace. 'vendor': the one the operators work in, where demo
    -- requests arrive as leads.
    kind TEXT NOT NULL CHECK (kind IN ('customer', 'vendor')),
    created_at BIGINT NOT NULL
);

-- There is exactly one vendor workspace; start-up creates it when missing.
CREATE UNIQUE INDEX workspaces_one_vendor ON workspaces (kind) WHERE kind = 'vendor';
