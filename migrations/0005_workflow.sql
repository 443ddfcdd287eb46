-- Workflow (schema version 5): people and their approval limits, approvals of the steps of an invoice's
-- latest decision, field corrections (old → new), holds and owners, and the append-only audit trail with
-- its hash chain. Forward-only: never edit once shipped.

CREATE TABLE people (
    name           TEXT PRIMARY KEY COLLATE NOCASE,
    role           TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'owner')),
    approval_limit TEXT, -- decimal TEXT in the invoice currency; NULL: no limit
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- One row per approval of one step. Steps belong to a decision: a new decision (after a correction or an
-- override) re-opens approval, and approvals of an older decision no longer count.
CREATE TABLE approval_actions (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    decision_id INTEGER NOT NULL REFERENCES invoice_decisions (id) ON DELETE CASCADE,
    step_order  INTEGER NOT NULL,
    person      TEXT NOT NULL,
    acting_for  TEXT, -- the person or role whose delegation this approval used
    comment     TEXT,
    acted_at    TEXT NOT NULL
);
CREATE INDEX approval_actions_by_invoice ON approval_actions (invoice_id, decision_id);

CREATE TABLE field_corrections (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    field        TEXT NOT NULL,
    old_value    TEXT, -- NULL: the field was absent
    new_value    TEXT NOT NULL,
    corrected_by TEXT NOT NULL,
    corrected_at TEXT NOT NULL
);
CREATE INDEX field_corrections_by_invoice ON field_corrections (invoice_id);

CREATE TABLE invoice_holds (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
    held_by    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    held_at    TEXT NOT NULL
);

CREATE TABLE invoice_owners (
    invoice_id  INTEGER PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
    person      TEXT NOT NULL,
    assigned_at TEXT NOT NULL
);

-- The audit trail: hash = sha256 of the canonical serialisation of (id, at, actor, action, invoice_id,
-- detail, prev_hash); see src/workflow/audit.rs. No foreign key: the trail outlives what it describes.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    invoice_id INTEGER,
    detail     TEXT NOT NULL DEFAULT '{}',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_by_invoice ON audit_log (invoice_id, id);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be removed'); END;

-- The last entry's id and hash: removing entries from the end of the trail is found by comparing with it.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);

-- When each invoice entered its current status (the last received / status_changed entry).
CREATE VIEW report_invoice_status_since AS
SELECT i.id AS invoice_id,
       i.status,
       (SELECT MAX(a.at) FROM audit_log a
        WHERE a.invoice_id = i.id AND a.action IN ('received', 'status_changed')) AS since
FROM invoices i;

-- Exceptions by reason, with owner and since when (the UI computes the age against its clock).
CREATE VIEW report_exception_queue AS
SELECT i.id AS invoice_id,
       r.code AS reason_code,
       r.message AS reason_message,
       COALESCE(v.name, i.seller_name) AS vendor_name,
       i.invoice_number,
       i.total_gross,
       i.currency,
       o.person AS owner,
       s.since
FROM invoices i
JOIN invoice_reasons r ON r.invoice_id = i.id
LEFT JOIN vendors v ON v.vendor_id = i.vendor_id
LEFT JOIN invoice_owners o ON o.invoice_id = i.id
LEFT JOIN report_invoice_status_since s ON s.invoice_id = i.id
WHERE i.status = 'exception' AND i.id NOT IN (SELECT invoice_id FROM invoice_holds);

-- Invoices awaiting approval with the steps of their latest decision and how many approvals it has.
CREATE VIEW report_approval_queue AS
SELECT i.id AS invoice_id,
       COALESCE(v.name, i.seller_name) AS vendor_name,
       i.invoice_number,
       i.total_gross,
       i.currency,
       d.id AS decision_id,
       d.approval_steps,
       (SELECT COUNT(*) FROM approval_actions a WHERE a.decision_id = d.id) AS approvals,
       s.since
FROM invoices i
JOIN invoice_decisions d ON d.id = (SELECT MAX(id) FROM invoice_decisions WHERE invoice_id = i.id)
LEFT JOIN vendors v ON v.vendor_id = i.vendor_id
LEFT JOIN report_invoice_status_since s ON s.invoice_id = i.id
WHERE i.status = 'awaiting_approval' AND i.id NOT IN (SELECT invoice_id FROM invoice_holds);

CREATE VIEW report_on_hold AS
SELECT h.invoice_id, i.status, COALESCE(v.name, i.seller_name) AS vendor_name, i.invoice_number,
       i.total_gross, i.currency, h.held_by, h.reason, h.held_at AS since
FROM invoice_holds h
JOIN invoices i ON i.id = h.invoice_id
LEFT JOIN vendors v ON v.vendor_id = i.vendor_id;

-- Milestones per invoice for cycle times: received, first approved, first posted (instants).
CREATE VIEW report_cycle_times AS
SELECT i.id AS invoice_id,
       i.vendor_id,
       (SELECT MIN(a.at) FROM audit_log a WHERE a.invoice_id = i.id AND a.action = 'received') AS received_at,
       (SELECT MIN(a.at) FROM audit_log a WHERE a.invoice_id = i.id AND (
            (a.action = 'received' AND json_extract(a.detail, '$.status') = 'approved')
         OR (a.action = 'status_changed' AND json_extract(a.detail, '$.to') = 'approved'))) AS approved_at,
       (SELECT MIN(a.at) FROM audit_log a WHERE a.invoice_id = i.id AND a.action = 'status_changed'
            AND json_extract(a.detail, '$.to') = 'posted') AS posted_at
FROM invoices i;

-- Per-vendor extraction accuracy: fields extracted and fields a person corrected.
CREATE VIEW report_vendor_accuracy AS
SELECT i.vendor_id,
       COUNT(DISTINCT i.id) AS invoices,
       (SELECT COUNT(*) FROM invoice_fields f JOIN invoices j ON j.id = f.invoice_id
        WHERE j.vendor_id IS i.vendor_id) AS fields,
       (SELECT COUNT(DISTINCT c.invoice_id || '/' || c.field) FROM field_corrections c
        JOIN invoices j ON j.id = c.invoice_id WHERE j.vendor_id IS i.vendor_id) AS fields_corrected
FROM invoices i
GROUP BY i.vendor_id;

-- The audit trail for the UI, newest first.
CREATE VIEW report_audit_trail AS
SELECT id, at, actor, action, invoice_id, detail FROM audit_log ORDER BY id DESC;
