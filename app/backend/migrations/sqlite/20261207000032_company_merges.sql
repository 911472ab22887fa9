-- Companies are merged too: `merges` keeps theirs beside people's (`kind`). SQLite changes a
-- CHECK by building the table again, with the same columns and indexes.
CREATE TABLE merges_new (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind TEXT NOT NULL CHECK (kind IN ('people', 'companies')),
    kept_id TEXT NOT NULL,
    merged_id TEXT NOT NULL,
    merged_name TEXT NOT NULL,
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    kept_version BIGINT NOT NULL,
    undo TEXT NOT NULL,
    undone_at BIGINT
);

INSERT INTO merges_new (id, workspace_id, kind, kept_id, merged_id, merged_name, actor_id, at,
                        kept_version, undo, undone_at)
SELECT id, workspace_id, kind, kept_id, merged_id, merged_name, actor_id, at, kept_version, undo,
       undone_at
FROM merges;

DROP TABLE merges;
ALTER TABLE merges_new RENAME TO merges;

CREATE INDEX merges_kept ON merges (workspace_id, kept_id, at);
CREATE INDEX merges_merged ON merges (workspace_id, merged_id);
