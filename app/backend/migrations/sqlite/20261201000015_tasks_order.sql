-- The tasks lists read a page straight from an index in their own order, instead of sorting
-- every open (or done) task of the workspace first.
-- Open tasks: undated last, then by due day, age and id (`tasks::db::OPEN_KEY`, word for word,
-- so that the planner matches the expressions), the workspace's and one member's.
CREATE INDEX tasks_open_order ON tasks (
    workspace_id,
    (CASE WHEN due_on IS NULL THEN 1 ELSE 0 END),
    (COALESCE(due_on, '')),
    created_at,
    id
) WHERE done_at IS NULL;
CREATE INDEX tasks_open_assignee_order ON tasks (
    workspace_id,
    assignee_id,
    (CASE WHEN due_on IS NULL THEN 1 ELSE 0 END),
    (COALESCE(due_on, '')),
    created_at,
    id
) WHERE done_at IS NULL;
-- Done tasks, the most recently done first.
CREATE INDEX tasks_done_order ON tasks (workspace_id, done_at, id) WHERE done_at IS NOT NULL;
