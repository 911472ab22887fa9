-- Attempts per key and fixed time window, for rate limits every server instance shares.
-- key_hash is SHA-256 of the server secret, the bucket and the key (an IP address, an account):
-- the table can tell attempts apart but cannot say whose they were. Rows older than a day are
-- deleted by the application.
CREATE TABLE rate_limit_hits (
    bucket TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (bucket, key_hash, window_start)
);

CREATE INDEX rate_limit_hits_window ON rate_limit_hits (window_start);
