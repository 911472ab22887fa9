-- Companies are merged too: `merges` keeps theirs beside people's (`kind`).
ALTER TABLE merges DROP CONSTRAINT merges_kind_check;
ALTER TABLE merges ADD CONSTRAINT merges_kind_check CHECK (kind IN ('people', 'companies'));
