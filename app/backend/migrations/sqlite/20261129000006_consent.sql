-- The consent ledger: one row per cookie decision, appended and never changed, so the product can
-- show what each browser agreed to, when, on which text. The triggers refuse UPDATE and DELETE.
CREATE TABLE consent_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The anonymous consent id kept in the visitor's `candor_consent` cookie.
    consent_id TEXT NOT NULL,
    -- The member who decided, when logged in.
    member_id TEXT,
    action TEXT NOT NULL CHECK (action IN ('accept_all', 'reject_all', 'custom', 'withdraw', 'gpc')),
    preferences INTEGER NOT NULL CHECK (preferences IN (0, 1)),
    analytics INTEGER NOT NULL CHECK (analytics IN (0, 1)),
    marketing INTEGER NOT NULL CHECK (marketing IN (0, 1)),
    -- 1 when the request carried a Global Privacy Control signal.
    gpc INTEGER NOT NULL CHECK (gpc IN (0, 1)),
    policy_revision TEXT NOT NULL,
    -- SHA-256 (hex) of the exact text shown where the decision was made.
    text_hash TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('banner', 'dialog', 'no_js_form', 'settings_page', 'gpc')),
    decided_at BIGINT NOT NULL
);

CREATE INDEX consent_ledger_consent ON consent_ledger (consent_id, decided_at);
CREATE INDEX consent_ledger_decided ON consent_ledger (decided_at);

CREATE TRIGGER consent_ledger_never_updated BEFORE UPDATE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;

CREATE TRIGGER consent_ledger_never_deleted BEFORE DELETE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;

-- The product's own page-view count, kept only for visitors who allowed analytics. No address,
-- no user agent, no query string: the day, the path, and a visit hash that changes every day.
CREATE TABLE page_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    viewed_at BIGINT NOT NULL,
    path TEXT NOT NULL,
    visit_hash TEXT NOT NULL
);

CREATE INDEX page_views_viewed ON page_views (viewed_at);
