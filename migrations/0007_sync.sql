-- Sync with accounting systems (issue 9): the outbox of durable push jobs and what the other side calls our things.

-- One job per (target, invoice): the idempotency key is derived from the invoice and its original document, so a
-- retry, a restart or a second `sync` never makes a second job, and the key sent to the API is always the same.
CREATE TABLE sync_jobs (
    id               INTEGER PRIMARY KEY,
    target           TEXT NOT NULL CHECK (target IN ('xero', 'qbo')),
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id),
    idempotency_key  TEXT NOT NULL UNIQUE,
    -- pending: not sent yet; sending: a create may have reached the other side (look up before re-sending);
    -- created: the bill exists remotely (remote_id), its attachment may not; done: bill + attachment + posted;
    -- failed: refused for a reason retrying will not fix (last_error says which).
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'created', 'done', 'failed')),
    payload          TEXT NOT NULL,
    remote_id        TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (target, invoice_id)
);
CREATE INDEX sync_jobs_by_state ON sync_jobs (state, next_attempt_at);

-- Master data pulled from an accounting system (contacts, accounts, tax rates, purchase orders), as sent.
CREATE TABLE sync_remote_records (
    target      TEXT NOT NULL,
    collection  TEXT NOT NULL,
    remote_id   TEXT NOT NULL,
    name        TEXT,
    payload     TEXT NOT NULL,
    pulled_at   TEXT NOT NULL,
    PRIMARY KEY (target, collection, remote_id)
);
