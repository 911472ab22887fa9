-- The workspace's audit trail: who did what that the workspace's admins (and its people) may
-- need to account for, starting with every export (which list, its search and filters, the
-- format, how many rows went out and whether the download finished). Rows are only ever added.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Who did it; NULL once they have left the product.
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- What was done ("export"), and to what ("people").
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- The rest, as JSON (an export: format, filter, rows, finished).
    detail TEXT NOT NULL,
    at BIGINT NOT NULL
);

-- The trail of a workspace, newest first.
CREATE INDEX audit_events_workspace ON audit_events (workspace_id, at, id);
