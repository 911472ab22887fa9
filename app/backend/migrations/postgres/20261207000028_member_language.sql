-- A member's language now decides how their dates and times are written (issue 25, item 2), and
-- only English as written in the United Kingdom ("en-GB") or the United States ("en-US") is
-- offered. The other languages the profile offered before changed nothing on any page: a choice
-- of them is cleared rather than kept as a promise the product does not keep. Unset reads as
-- en-GB. (A member's time zone needs no change: every zone offered before is still offered.)
UPDATE members SET language = NULL WHERE language IS NOT NULL AND language NOT IN ('en-GB', 'en-US');
