-- The orders the companies, leads, opportunities and tasks lists offer besides their first one, each
-- held by an index so that a page is read in order from where the previous one ended (keyset
-- pagination), never sorted from the whole workspace. The expressions are written as the lists
-- write them: an index on an expression serves only that same expression.
CREATE INDEX companies_workspace_created ON companies (workspace_id, created_at, id);
-- The companies list filtered by owner, by name.
CREATE INDEX companies_workspace_owner_name ON companies (workspace_id, owner_id, sort_name, id);
CREATE INDEX leads_workspace_name ON leads (workspace_id, lower(name), id);
CREATE INDEX opportunities_workspace_created ON opportunities (workspace_id, created_at, id);
CREATE INDEX opportunities_workspace_name ON opportunities (workspace_id, lower(name), id);
-- The tasks lists, open and done, the most recently added first (`tasks::db::NEWEST_ORDER`).
CREATE INDEX tasks_open_created ON tasks (workspace_id, created_at, id) WHERE done_at IS NULL;
CREATE INDEX tasks_done_created ON tasks (workspace_id, created_at, id) WHERE done_at IS NOT NULL;
