-- Published versions of the privacy policy, numbered 1, 2, 3... in publication order.
-- Append-only: a published text is never rewritten, so anyone can see exactly the text they
-- agreed to. The triggers make UPDATE and DELETE fail even for code that tries.
CREATE TABLE policy_versions (
    version BIGINT PRIMARY KEY NOT NULL,
    -- Midnight UTC of the date from which this version applies.
    effective_at BIGINT NOT NULL,
    -- The source text exactly as published (the format of app/content/*.md).
    content TEXT NOT NULL,
    -- SHA-256 of `content`, hex; the same text cannot be published twice.
    content_hash TEXT NOT NULL,
    -- 1 when the change is significant: members get a prominent notice and an e-mail.
    significant INTEGER NOT NULL CHECK (significant IN (0, 1)),
    published_at BIGINT NOT NULL,
    CONSTRAINT policy_versions_content_hash_key UNIQUE (content_hash)
);

CREATE INDEX policy_versions_effective ON policy_versions (effective_at, version);

CREATE TRIGGER policy_versions_never_updated BEFORE UPDATE ON policy_versions
BEGIN
    SELECT RAISE(ABORT, 'policy versions are append-only');
END;

CREATE TRIGGER policy_versions_never_deleted BEFORE DELETE ON policy_versions
BEGIN
    SELECT RAISE(ABORT, 'policy versions are append-only');
END;
