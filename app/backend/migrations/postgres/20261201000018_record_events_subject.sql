-- The other record an event names (the person added to or removed from an opportunity's people;
-- the other side of a lead's conversion), so that deleting that record also takes its name out
-- of the timelines that tell of it.
ALTER TABLE record_events ADD COLUMN subject_id TEXT;

-- Conversions carry the other record's id already.
UPDATE record_events SET subject_id = old_value WHERE kind = 'converted' AND old_value <> '';

-- Changes of an opportunity's people name the person only: they are matched by name among the
-- people linked to it now. (One removed from it earlier cannot be told apart from a namesake and
-- stays without a subject.)
UPDATE record_events SET subject_id = (
    SELECT op.person_id
    FROM opportunity_people op
    JOIN people p ON p.workspace_id = op.workspace_id AND p.id = op.person_id
    WHERE op.workspace_id = record_events.workspace_id
      AND op.opportunity_id = record_events.record_id
      AND (CASE WHEN p.last_name = '' THEN p.first_name ELSE p.first_name || ' ' || p.last_name END)
          IN (record_events.old_value, record_events.new_value)
    LIMIT 1)
WHERE kind = 'changed' AND field = 'people';

CREATE INDEX record_events_subject ON record_events (workspace_id, subject_id)
    WHERE subject_id IS NOT NULL;
