-- E-mails waiting to go out. A message is queued in the same transaction as the change that
-- causes it, so a committed change always has its e-mail and a rolled-back one never does.
-- A worker on any instance claims due messages for a minute (claimed_until), delivers them over
-- SMTP or as .eml files, and marks them sent; a failure is retried later with a growing delay.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    -- The SMTP envelope.
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    -- The whole RFC 5322 message (headers and body) as formatted when queued.
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    -- A fixed description of the last failure (never the relay's text, which may name people).
    last_error TEXT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
