-- Every list searches through an index, as the people's does: a trigram index (pg_trgm) over the
-- search text of the leads, opportunities and tasks (the companies have one), and an index over
-- (workspace, search text) in byte order for a search of one or two characters, which matches the
-- start of the name (`records::search`).
CREATE INDEX leads_search_trgm ON leads USING gin (search_text public.gin_trgm_ops);
CREATE INDEX opportunities_search_trgm ON opportunities USING gin (search_text public.gin_trgm_ops);
CREATE INDEX tasks_search_trgm ON tasks USING gin (search_text public.gin_trgm_ops);
CREATE INDEX companies_workspace_search_text ON companies (workspace_id, (search_text COLLATE "C"));
CREATE INDEX leads_workspace_search_text ON leads (workspace_id, (search_text COLLATE "C"));
CREATE INDEX opportunities_workspace_search_text ON opportunities (workspace_id, (search_text COLLATE "C"));
CREATE INDEX tasks_workspace_search_text ON tasks (workspace_id, (search_text COLLATE "C"));
