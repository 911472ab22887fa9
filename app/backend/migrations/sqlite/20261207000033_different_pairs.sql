-- Pairs of people (or of companies) that a member said are two different ones: "Possible
-- duplicates" no longer lists them. The two ids in order (`first_id` sorts first), so that a
-- pair is one row whichever way it was marked. Deleting either record deletes its rows.
CREATE TABLE different_pairs (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind TEXT NOT NULL CHECK (kind IN ('people', 'companies')),
    first_id TEXT NOT NULL,
    second_id TEXT NOT NULL,
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, first_id, second_id),
    CHECK (first_id < second_id)
);
