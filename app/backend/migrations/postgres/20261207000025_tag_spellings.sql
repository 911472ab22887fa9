-- Tags compare without regard to case and keep the spelling they were first written in: "VIP"
-- typed where "vip" exists is "vip". One row per workspace, kind of record and tag in lower
-- case; a new tag's row is added in the same transaction as the tag (`records::db::spell_tags`).
-- The tags stored before are given one spelling each by a data step (`db::data_steps`).
CREATE TABLE tag_spellings (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    -- "people" or "companies".
    kind TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, tag_key)
);
