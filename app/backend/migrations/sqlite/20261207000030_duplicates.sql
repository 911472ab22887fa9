-- Finding the people and companies that may have been added twice.
--
-- `match_key` is a person's folded last and first names and their folded company name, derived
-- in code on every write (as `sort_name` is; NULL until the server's data step fills it for the
-- people stored before): two people with the same key have the same name at the same company.
ALTER TABLE people ADD COLUMN match_key TEXT;
CREATE INDEX people_workspace_match_key ON people (workspace_id, match_key);

-- E-mail addresses compare without regard to case (as the further ones already do, through
-- `person_contacts_value`), phone numbers in E.164 as stored.
CREATE INDEX people_workspace_email_lower ON people (workspace_id, lower(email));
CREATE INDEX people_workspace_phone ON people (workspace_id, phone);

-- A company's domain is stored in lower case, its phone in E.164.
CREATE INDEX companies_workspace_domain ON companies (workspace_id, domain);
CREATE INDEX companies_workspace_phone ON companies (workspace_id, phone);
