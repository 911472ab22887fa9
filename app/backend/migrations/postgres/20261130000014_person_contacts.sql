-- More ways to reach a person. The main e-mail address and phone number stay on `people` (the
-- list shows them, and they gain a type); any others, each with its type, and the person's
-- mailing addresses live in their own tables, deleted with the person.
ALTER TABLE people ADD COLUMN email_kind TEXT NOT NULL DEFAULT 'work'
    CHECK (email_kind IN ('work', 'personal'));
ALTER TABLE people ADD COLUMN phone_kind TEXT NOT NULL DEFAULT 'work'
    CHECK (phone_kind IN ('work', 'personal', 'mobile'));

-- E-mail addresses (as validated) and phone numbers (in E.164) beyond the main ones.
CREATE TABLE person_contacts (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'phone')),
    kind TEXT NOT NULL CHECK (kind IN ('work', 'personal', 'mobile')),
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX person_contacts_person ON person_contacts (workspace_id, person_id, created_at);
-- Converting a lead, or adding a person to an opportunity, finds them by any of their addresses.
CREATE INDEX person_contacts_value ON person_contacts (workspace_id, lower(value));

-- Mailing addresses. Street, city and country are required; region and postal code are not
-- used everywhere.
CREATE TABLE person_addresses (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('work', 'home', 'other')),
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    region TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX person_addresses_person ON person_addresses (workspace_id, person_id, created_at);
