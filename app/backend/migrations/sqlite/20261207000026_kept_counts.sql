-- The workspace's counts, kept as the rows change (issue 25, item 7): the dashboard (and the
-- lists' "of 12,408") read one row per kind instead of counting the table. Triggers keep them, so
-- every change that adds or removes a row (a form, a bulk action, a conversion, the seed, a later
-- import) moves its count in its own transaction, and no path can forget to.

CREATE TABLE record_counts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('people', 'companies', 'leads', 'opportunities', 'tasks', 'open_tasks')),
    -- Never below zero: a count that would go negative stops the change that moved it.
    n BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (workspace_id, kind)
);

-- A workspace starts with its six counts at zero (the triggers below only update existing rows).
CREATE TRIGGER record_counts_workspace AFTER INSERT ON workspaces BEGIN
    INSERT INTO record_counts (workspace_id, kind, n)
    VALUES (new.id, 'people', 0), (new.id, 'companies', 0), (new.id, 'leads', 0),
           (new.id, 'opportunities', 0), (new.id, 'tasks', 0), (new.id, 'open_tasks', 0);
END;

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

CREATE TRIGGER people_counted_insert AFTER INSERT ON people BEGIN
    UPDATE record_counts SET n = n + 1 WHERE workspace_id = new.workspace_id AND kind = 'people';
END;
CREATE TRIGGER people_counted_delete AFTER DELETE ON people BEGIN
    UPDATE record_counts SET n = n - 1 WHERE workspace_id = old.workspace_id AND kind = 'people';
END;

CREATE TRIGGER companies_counted_insert AFTER INSERT ON companies BEGIN
    UPDATE record_counts SET n = n + 1
    WHERE workspace_id = new.workspace_id AND kind = 'companies';
END;
CREATE TRIGGER companies_counted_delete AFTER DELETE ON companies BEGIN
    UPDATE record_counts SET n = n - 1
    WHERE workspace_id = old.workspace_id AND kind = 'companies';
END;

CREATE TRIGGER leads_counted_insert AFTER INSERT ON leads BEGIN
    UPDATE record_counts SET n = n + 1 WHERE workspace_id = new.workspace_id AND kind = 'leads';
END;
CREATE TRIGGER leads_counted_delete AFTER DELETE ON leads BEGIN
    UPDATE record_counts SET n = n - 1 WHERE workspace_id = old.workspace_id AND kind = 'leads';
END;

CREATE TRIGGER opportunities_counted_insert AFTER INSERT ON opportunities BEGIN
    UPDATE record_counts SET n = n + 1
    WHERE workspace_id = new.workspace_id AND kind = 'opportunities';
END;
CREATE TRIGGER opportunities_counted_delete AFTER DELETE ON opportunities BEGIN
    UPDATE record_counts SET n = n - 1
    WHERE workspace_id = old.workspace_id AND kind = 'opportunities';
END;

-- Tasks: all of them, and the open ones (not ticked done), which ticking and unticking move.
CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks BEGIN
    UPDATE record_counts SET n = n + 1
    WHERE workspace_id = new.workspace_id
      AND (kind = 'tasks' OR (kind = 'open_tasks' AND new.done_at IS NULL));
END;
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks BEGIN
    UPDATE record_counts SET n = n - 1
    WHERE workspace_id = old.workspace_id
      AND (kind = 'tasks' OR (kind = 'open_tasks' AND old.done_at IS NULL));
END;
CREATE TRIGGER tasks_counted_done AFTER UPDATE OF done_at ON tasks
WHEN (old.done_at IS NULL) <> (new.done_at IS NULL) BEGIN
    UPDATE record_counts SET n = n + CASE WHEN new.done_at IS NULL THEN 1 ELSE -1 END
    WHERE workspace_id = new.workspace_id AND kind = 'open_tasks';
END;

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

CREATE TRIGGER pipeline_totals_insert AFTER INSERT ON opportunities BEGIN
    INSERT INTO pipeline_totals (workspace_id, stage_id, currency, n, amount_minor)
    VALUES (new.workspace_id, new.stage_id, new.currency, 1, new.amount_minor)
    ON CONFLICT (workspace_id, stage_id, currency)
    DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;
CREATE TRIGGER pipeline_totals_delete AFTER DELETE ON opportunities BEGIN
    UPDATE pipeline_totals SET n = n - 1, amount_minor = amount_minor - old.amount_minor
    WHERE workspace_id = old.workspace_id AND stage_id = old.stage_id
      AND currency = old.currency;
    DELETE FROM pipeline_totals
    WHERE workspace_id = old.workspace_id AND stage_id = old.stage_id
      AND currency = old.currency AND n = 0;
END;
CREATE TRIGGER pipeline_totals_update AFTER UPDATE OF stage_id, currency, amount_minor
ON opportunities BEGIN
    UPDATE pipeline_totals SET n = n - 1, amount_minor = amount_minor - old.amount_minor
    WHERE workspace_id = old.workspace_id AND stage_id = old.stage_id
      AND currency = old.currency;
    DELETE FROM pipeline_totals
    WHERE workspace_id = old.workspace_id AND stage_id = old.stage_id
      AND currency = old.currency AND n = 0;
    INSERT INTO pipeline_totals (workspace_id, stage_id, currency, n, amount_minor)
    VALUES (new.workspace_id, new.stage_id, new.currency, 1, new.amount_minor)
    ON CONFLICT (workspace_id, stage_id, currency)
    DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

-- "Overdue": the open tasks due before today, counted on an index of the open tasks alone (today
-- moves, so this one cannot be kept; it reads as many index entries as there are overdue tasks).
CREATE INDEX tasks_open_due ON tasks (workspace_id, due_on) WHERE done_at IS NULL;
