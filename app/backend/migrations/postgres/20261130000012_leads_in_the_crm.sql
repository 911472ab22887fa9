-- Leads in the CRM: an owner, the text the search box looks in, and what a lead was converted
-- into (the person, and the company when there is one), when and by whom. A converted lead
-- stays, with its history, linked to its person.
ALTER TABLE leads ADD COLUMN owner_id TEXT REFERENCES members (id) ON DELETE SET NULL;
ALTER TABLE leads ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN person_id TEXT REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE leads ADD COLUMN company_id TEXT REFERENCES companies (id) ON DELETE SET NULL;
ALTER TABLE leads ADD COLUMN converted_at BIGINT;
ALTER TABLE leads ADD COLUMN converted_by TEXT REFERENCES members (id) ON DELETE SET NULL;

-- The search text of the leads already kept, as the code derives it on every write: name,
-- e-mail, company name and the phone's digits, in lower case.
UPDATE leads SET search_text = lower(trim(
    name || ' ' || email || ' ' || company_name || ' ' ||
    regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')));

-- The list (newest first) and its status filter.
CREATE INDEX leads_workspace_status_created ON leads (workspace_id, status, created_at, id);
CREATE INDEX leads_workspace_owner_created ON leads (workspace_id, owner_id, created_at, id);

-- Converting a lead looks for a person with its e-mail address, without case.
CREATE INDEX people_workspace_email_key ON people (workspace_id, lower(email));

-- Timelines gain conversions ("converted this lead into the person ...", "came from the lead
-- ..."): field names the role, old_value the other record's id and new_value its name.
ALTER TABLE record_events DROP CONSTRAINT record_events_kind_check;
ALTER TABLE record_events ADD CONSTRAINT record_events_kind_check
    CHECK (kind IN ('created', 'changed', 'converted'));
