-- A bulk action over every record a list matches ("all 12,408 matching"), applied in the
-- background a batch at a time. A server claims a job by writing its own id in `runner` with a
-- lease; each batch, in one transaction with the changes it makes, moves `last_id` (the walk is
-- in id order) and the counts and renews the lease. A server that stops leaves the lease to run
-- out; another (or the same, restarted) then resumes after `last_id`: no batch is applied twice
-- or half.
CREATE TABLE bulk_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Who started it: each batch is made as this member, in their role at that moment.
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- "People", "Companies", "Leads" or "Opportunities".
    kind TEXT NOT NULL,
    -- "AddTag", "SetOwner" or "Delete", and its value (the tag, or the new owner's id).
    action TEXT NOT NULL,
    value TEXT NOT NULL,
    -- The tag or the new owner's name, as the progress and the outcome say it.
    label TEXT NOT NULL,
    -- The list's search and filters (JSON of crm_core::bulk::BulkScope).
    scope TEXT NOT NULL,
    -- queued, running, done, failed or cancelled.
    state TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    changed BIGINT NOT NULL DEFAULT 0,
    -- The largest id walked so far ('' before the first batch).
    last_id TEXT NOT NULL DEFAULT '',
    -- Why it failed, for the member.
    problem TEXT,
    runner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);

-- The work waiting for a server, oldest first.
CREATE INDEX bulk_jobs_waiting ON bulk_jobs (state, created_at);
-- A member's jobs on a list, for its progress after a reload.
CREATE INDEX bulk_jobs_member ON bulk_jobs (workspace_id, member_id, kind, state);
