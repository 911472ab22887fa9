-- Published versions of the privacy policy, numbered 1, 2, 3... in publication order.
-- Append-only: a published text is never rewritten, so anyone can see exactly the text they
-- agreed to. The trigger makes UPDATE and DELETE fail even for code that tries.
CREATE TABLE policy_versions (
    version BIGINT PRIMARY KEY NOT NULL,
    -- Midnight UTC of the date from which this version applies.
    effective_at BIGINT NOT NULL,
    -- The source text exactly as published (the format of app/content/*.md).
    content TEXT NOT NULL,
    -- SHA-256 of `content`, hex; the same text cannot be published twice.
    content_hash TEXT NOT NULL,
    -- 1 when the change is significant: members get a prominent notice and an e-mail.
    significant BIGINT NOT NULL CHECK (significant IN (0, 1)),
    published_at BIGINT NOT NULL,
    CONSTRAINT policy_versions_content_hash_key UNIQUE (content_hash)
);

CREATE INDEX policy_versions_effective ON policy_versions (effective_at, version);

CREATE FUNCTION policy_versions_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'policy versions are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policy_versions_append_only BEFORE UPDATE OR DELETE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION policy_versions_append_only();
