-- Row triggers do not fire on TRUNCATE, which would empty the consent ledger at once: a statement
-- trigger refuses it too, so the ledger stays append-only whatever the statement.
CREATE TRIGGER consent_ledger_never_truncated BEFORE TRUNCATE ON consent_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION consent_ledger_append_only();
