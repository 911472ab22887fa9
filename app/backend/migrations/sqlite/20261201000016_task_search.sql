-- What the tasks list's search box looks in: the title in lower case (`tasks::db::search_text`).
ALTER TABLE tasks ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE tasks SET search_text = LOWER(title);
