-- Notes members write on a record (a person; later companies, leads and opportunities). They show
-- in the record's timeline, and are deleted with the record.
CREATE TABLE notes (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    record_id TEXT NOT NULL,
    -- Who wrote it; NULL once they have left the workspace's product.
    author_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX notes_record ON notes (workspace_id, record_id, created_at);
