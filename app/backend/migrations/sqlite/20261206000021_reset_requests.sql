-- Password-reset requests waiting for the worker. The form only queues one, for any address
-- typed, so a request for an address with an account and one for an address without cost the
-- request the same work and take as long; the worker looks the address up and sends the link.
-- A request is deleted once handled: the address typed is personal data, kept only until then.
CREATE TABLE reset_requests (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    -- Set while one worker handles it, so that two instances never both do.
    claimed_until BIGINT
);

CREATE INDEX reset_requests_requested ON reset_requests (requested_at);
