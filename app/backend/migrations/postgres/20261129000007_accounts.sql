-- Members (the people who log in), their workspaces and roles, what they accepted at sign-up,
-- their sessions, and the single-use links sent to them by e-mail.

CREATE TABLE members (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- As typed, with the domain in lower case.
    email TEXT NOT NULL,
    -- The whole address in lower case: how a member is found, and unique.
    email_key TEXT NOT NULL,
    -- An Argon2id PHC string. NULL for an operator created from the command line until they
    -- follow their one-time link and choose a password.
    password_hash TEXT,
    email_verified_at BIGINT,
    -- The profile the member edits in the browser; all optional.
    job_title TEXT,
    phone TEXT,
    mailing_address TEXT,
    -- An IANA time zone name, like Europe/Zurich.
    time_zone TEXT,
    -- A language tag, like en or de.
    language TEXT,
    -- Incremented on every profile change: a save based on an older version is refused.
    version BIGINT NOT NULL DEFAULT 1,
    -- When the member confirmed being at least 18 or of legal age to contract where they live.
    age_confirmed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX members_email_key ON members (email_key);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    member_id TEXT NOT NULL REFERENCES members (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'operator')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, member_id)
);

CREATE INDEX memberships_member ON memberships (member_id);

-- Which version of the privacy policy each member accepted, and when.
CREATE TABLE policy_acceptances (
    member_id TEXT NOT NULL REFERENCES members (id),
    policy_version BIGINT NOT NULL REFERENCES policy_versions (version),
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, policy_version)
);

-- Sessions live here, not in a server's memory, so every instance knows them.
CREATE TABLE sessions (
    -- SHA-256 (hex) of the secret in the member's cookie; the secret itself is never stored.
    secret_hash TEXT PRIMARY KEY NOT NULL,
    -- A public id, to list a member's sessions and end one of them.
    id TEXT NOT NULL UNIQUE,
    member_id TEXT NOT NULL REFERENCES members (id),
    -- The workspace the member is working in, chosen on the server.
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    -- The absolute end, however active the session is.
    expires_at BIGINT NOT NULL,
    -- Shown to the member in their list of sessions, as the privacy policy says we collect them.
    user_agent TEXT,
    ip_address TEXT
);

CREATE INDEX sessions_member ON sessions (member_id);

-- Links sent by e-mail: address verification, password reset, and confirming a new address. Only a hash of the token is
-- kept; a link works once (used_at) and until expires_at.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    member_id TEXT NOT NULL REFERENCES members (id),
    -- The address the link was sent to.
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE INDEX account_tokens_member ON account_tokens (member_id, purpose);

-- Invitations to join a workspace, sent by e-mail. Only a hash of the link's token is kept; a link
-- works once (accepted_at), until it expires, and not after it is revoked.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    -- The address invited, as typed (domain in lower case), and its lower-case key.
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    invited_by TEXT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);

CREATE INDEX invitations_workspace ON invitations (workspace_id, created_at);
