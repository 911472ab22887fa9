-- A delivered message keeps only when it was queued and sent: its recipient and text (personal
-- data, and links with tokens kept elsewhere only hashed) are erased once it is out, as the
-- sender now does on every delivery. This erases those of messages delivered before.
UPDATE outbox SET recipient = '', message = '' WHERE sent_at IS NOT NULL;
