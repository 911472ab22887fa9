-- Tasks: something to do, by a day, for a member, about a person (or about nothing in particular).
CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    title TEXT NOT NULL,
    -- The day it is due, YYYY-MM-DD (so that text order is date order); NULL when none.
    due_on TEXT,
    assignee_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- The person it is about; the tasks go when the person is deleted.
    record_id TEXT,
    created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    -- When it was ticked done, and by whom; NULL while it is open.
    done_at BIGINT,
    done_by TEXT REFERENCES members (id) ON DELETE SET NULL
);

-- The lists: open (or done) tasks by due day, the workspace's or one member's.
CREATE INDEX tasks_workspace_due ON tasks (workspace_id, due_on, id);
CREATE INDEX tasks_workspace_assignee ON tasks (workspace_id, assignee_id, due_on);
CREATE INDEX tasks_record ON tasks (workspace_id, record_id);
