-- The workspace's counts, kept as the rows change (issue 25, item 7): the dashboard (and the
-- lists' "of 12,408") read one row per kind instead of counting the table. Triggers keep them, so
-- every change that adds or removes a row (a form, a bulk action, a conversion, the seed, a later
-- import) moves its count in its own transaction, and no path can forget to. They run once per
-- statement over its transition tables, so a bulk change of 10,000 rows updates each count once.

CREATE TABLE record_counts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('people', 'companies', 'leads', 'opportunities', 'tasks', 'open_tasks')),
    -- Never below zero: a count that would go negative stops the change that moved it.
    n BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (workspace_id, kind)
);

-- A workspace starts with its six counts at zero (the triggers below only update existing rows).
CREATE FUNCTION record_counts_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_counts (workspace_id, kind, n)
    SELECT added.id, kinds.kind, 0
    FROM added CROSS JOIN (VALUES ('people'), ('companies'), ('leads'), ('opportunities'),
                                  ('tasks'), ('open_tasks')) AS kinds (kind);
    RETURN NULL;
END $$;
CREATE TRIGGER record_counts_workspace AFTER INSERT ON workspaces
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION record_counts_workspace();

-- What the workspaces hold now.
INSERT INTO record_counts (workspace_id, kind, n)
SELECT w.id, 'people', (SELECT COUNT(*) FROM people t WHERE t.workspace_id = w.id) FROM workspaces w
UNION ALL
SELECT w.id, 'companies', (SELECT COUNT(*) FROM companies t WHERE t.workspace_id = w.id)
FROM workspaces w
UNION ALL
SELECT w.id, 'leads', (SELECT COUNT(*) FROM leads t WHERE t.workspace_id = w.id) FROM workspaces w
UNION ALL
SELECT w.id, 'opportunities', (SELECT COUNT(*) FROM opportunities t WHERE t.workspace_id = w.id)
FROM workspaces w
UNION ALL
SELECT w.id, 'tasks', (SELECT COUNT(*) FROM tasks t WHERE t.workspace_id = w.id) FROM workspaces w
UNION ALL
SELECT w.id, 'open_tasks',
       (SELECT COUNT(*) FROM tasks t WHERE t.workspace_id = w.id AND t.done_at IS NULL)
FROM workspaces w;

-- Rows added (INSERT, transition table `added`) or removed (DELETE, `removed`) by one statement,
-- by workspace, into the count named by the trigger's argument.
CREATE FUNCTION record_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE record_counts c SET n = c.n + d.n
        FROM (SELECT workspace_id, COUNT(*) AS n FROM added GROUP BY workspace_id) d
        WHERE c.workspace_id = d.workspace_id AND c.kind = TG_ARGV[0];
    ELSE
        UPDATE record_counts c SET n = c.n - d.n
        FROM (SELECT workspace_id, COUNT(*) AS n FROM removed GROUP BY workspace_id) d
        WHERE c.workspace_id = d.workspace_id AND c.kind = TG_ARGV[0];
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER people_counted_insert AFTER INSERT ON people
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('people');
CREATE TRIGGER people_counted_delete AFTER DELETE ON people
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('people');
CREATE TRIGGER companies_counted_insert AFTER INSERT ON companies
REFERENCING NEW TABLE AS added FOR EACH STATEMENT
EXECUTE FUNCTION record_counts_moved('companies');
CREATE TRIGGER companies_counted_delete AFTER DELETE ON companies
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
EXECUTE FUNCTION record_counts_moved('companies');
CREATE TRIGGER leads_counted_insert AFTER INSERT ON leads
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('leads');
CREATE TRIGGER leads_counted_delete AFTER DELETE ON leads
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('leads');
CREATE TRIGGER opportunities_counted_insert AFTER INSERT ON opportunities
REFERENCING NEW TABLE AS added FOR EACH STATEMENT
EXECUTE FUNCTION record_counts_moved('opportunities');
CREATE TRIGGER opportunities_counted_delete AFTER DELETE ON opportunities
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
EXECUTE FUNCTION record_counts_moved('opportunities');
CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('tasks');
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION record_counts_moved('tasks');

-- The open tasks (not ticked done): added, removed, and ticked or unticked by one statement.
CREATE FUNCTION open_tasks_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE record_counts c SET n = c.n + d.n
        FROM (SELECT workspace_id, COUNT(*) AS n FROM added WHERE done_at IS NULL
              GROUP BY workspace_id) d
        WHERE c.workspace_id = d.workspace_id AND c.kind = 'open_tasks';
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE record_counts c SET n = c.n - d.n
        FROM (SELECT workspace_id, COUNT(*) AS n FROM removed WHERE done_at IS NULL
              GROUP BY workspace_id) d
        WHERE c.workspace_id = d.workspace_id AND c.kind = 'open_tasks';
    ELSE
        UPDATE record_counts c SET n = c.n + d.n
        FROM (SELECT workspace_id, SUM(delta) AS n
              FROM (SELECT workspace_id, 1 AS delta FROM added WHERE done_at IS NULL
                    UNION ALL
                    SELECT workspace_id, -1 FROM removed WHERE done_at IS NULL) moved
              GROUP BY workspace_id HAVING SUM(delta) <> 0) d
        WHERE c.workspace_id = d.workspace_id AND c.kind = 'open_tasks';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER open_tasks_counted_insert AFTER INSERT ON tasks
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION open_tasks_moved();
CREATE TRIGGER open_tasks_counted_delete AFTER DELETE ON tasks
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION open_tasks_moved();
CREATE TRIGGER open_tasks_counted_update AFTER UPDATE ON tasks
REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT
EXECUTE FUNCTION open_tasks_moved();

-- The open pipeline's value: opportunities and their amounts by stage and currency, kept the same
-- way (the dashboard keeps the stages whose outcome is open; a stage's row goes when it is empty).
CREATE TABLE pipeline_totals (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    stage_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    n BIGINT NOT NULL CHECK (n >= 0),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (workspace_id, stage_id, currency)
);

INSERT INTO pipeline_totals (workspace_id, stage_id, currency, n, amount_minor)
SELECT workspace_id, stage_id, currency, COUNT(*), SUM(amount_minor)
FROM opportunities GROUP BY workspace_id, stage_id, currency;

-- One statement's opportunities leave their stage-and-currency totals (DELETE) or join them
-- (INSERT); an UPDATE moves only those whose stage, currency or amount changed, so that renaming
-- an opportunity locks no total.
CREATE FUNCTION pipeline_totals_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE pipeline_totals t SET n = t.n - d.n, amount_minor = t.amount_minor - d.amount_minor
        FROM (SELECT workspace_id, stage_id, currency, COUNT(*) AS n,
                     SUM(amount_minor) AS amount_minor
              FROM removed GROUP BY workspace_id, stage_id, currency) d
        WHERE t.workspace_id = d.workspace_id AND t.stage_id = d.stage_id
          AND t.currency = d.currency;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE pipeline_totals t SET n = t.n - d.n, amount_minor = t.amount_minor - d.amount_minor
        FROM (SELECT r.workspace_id, r.stage_id, r.currency, COUNT(*) AS n,
                     SUM(r.amount_minor) AS amount_minor
              FROM removed r JOIN added a ON a.id = r.id
              WHERE (r.stage_id, r.currency, r.amount_minor)
                    IS DISTINCT FROM (a.stage_id, a.currency, a.amount_minor)
              GROUP BY r.workspace_id, r.stage_id, r.currency) d
        WHERE t.workspace_id = d.workspace_id AND t.stage_id = d.stage_id
          AND t.currency = d.currency;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO pipeline_totals AS t (workspace_id, stage_id, currency, n, amount_minor)
        SELECT workspace_id, stage_id, currency, COUNT(*), SUM(amount_minor)
        FROM added GROUP BY workspace_id, stage_id, currency
        ON CONFLICT (workspace_id, stage_id, currency)
        DO UPDATE SET n = t.n + excluded.n, amount_minor = t.amount_minor + excluded.amount_minor;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO pipeline_totals AS t (workspace_id, stage_id, currency, n, amount_minor)
        SELECT a.workspace_id, a.stage_id, a.currency, COUNT(*), SUM(a.amount_minor)
        FROM removed r JOIN added a ON a.id = r.id
        WHERE (r.stage_id, r.currency, r.amount_minor)
              IS DISTINCT FROM (a.stage_id, a.currency, a.amount_minor)
        GROUP BY a.workspace_id, a.stage_id, a.currency
        ON CONFLICT (workspace_id, stage_id, currency)
        DO UPDATE SET n = t.n + excluded.n, amount_minor = t.amount_minor + excluded.amount_minor;
    END IF;
    -- A total that no opportunity is in any more goes (a stage deleted, a currency no longer used).
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM pipeline_totals t
        WHERE t.n = 0 AND t.workspace_id IN (SELECT DISTINCT workspace_id FROM removed);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pipeline_totals_insert AFTER INSERT ON opportunities
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION pipeline_totals_moved();
CREATE TRIGGER pipeline_totals_delete AFTER DELETE ON opportunities
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION pipeline_totals_moved();
CREATE TRIGGER pipeline_totals_update AFTER UPDATE ON opportunities
REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT
EXECUTE FUNCTION pipeline_totals_moved();

-- "Overdue": the open tasks due before today, counted on an index of the open tasks alone (today
-- moves, so this one cannot be kept; it reads as many index entries as there are overdue tasks).
CREATE INDEX tasks_open_due ON tasks (workspace_id, due_on) WHERE done_at IS NULL;
