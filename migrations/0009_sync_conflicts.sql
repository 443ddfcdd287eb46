-- Conflict handling for sync (issue 9): how our vendors, accounts and tax codes are called in each accounting
-- system. A vendor the other side does not know is either mapped to one of its records (remote_id) or marked to
-- be created there (create_remote = 1); `backdesk sync map-vendor|map-account|map-tax` asks once and this table
-- remembers.
CREATE TABLE sync_mappings (
    target         TEXT NOT NULL CHECK (target IN ('xero', 'qbo')),
    kind           TEXT NOT NULL CHECK (kind IN ('vendor', 'account', 'tax')),
    local_key      TEXT NOT NULL,
    remote_id      TEXT,
    create_remote  INTEGER NOT NULL DEFAULT 0 CHECK (create_remote IN (0, 1)),
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (target, kind, local_key),
    -- exactly one of: a remote record, or "create it there"
    CHECK ((remote_id IS NULL) = (create_remote = 1))
);
