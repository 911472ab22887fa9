-- People merged into others. The row keeps what the merge changed (`undo`, JSON: the person
-- merged away as they were, the survivor as they were, and the ids of every row that moved),
-- so that the merge can be undone while the survivor stays at `kept_version`; and it leads the
-- merged person's old address to the survivor. Deleting either person deletes it (it holds
-- their details).
CREATE TABLE merges (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind TEXT NOT NULL CHECK (kind IN ('people')),
    kept_id TEXT NOT NULL,
    merged_id TEXT NOT NULL,
    merged_name TEXT NOT NULL,
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    kept_version BIGINT NOT NULL,
    undo TEXT NOT NULL,
    undone_at BIGINT
);

-- The survivor's page asks for the merge it can undo; an old address for its survivor.
CREATE INDEX merges_kept ON merges (workspace_id, kept_id, at);
CREATE INDEX merges_merged ON merges (workspace_id, merged_id);
