-- Decisions (schema version 3): what the policy decided for each invoice and why, the PO lines each
-- invoice was matched to (cumulative quantities are summed from here), bank-account confirmations made
-- out of band, and "not a duplicate" overrides. Forward-only: never edit once shipped.

CREATE TABLE invoice_decisions (
    id                INTEGER PRIMARY KEY,
    invoice_id        INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    decided_at        TEXT NOT NULL,
    policy_version    TEXT NOT NULL,
    outcome           TEXT NOT NULL CHECK (outcome IN ('straight_through', 'awaiting_approval', 'exception')),
    vendor_id         TEXT,
    purchase_orders   TEXT NOT NULL DEFAULT '[]', -- JSON array of PO numbers
    approval_steps    TEXT NOT NULL DEFAULT '[]', -- JSON
    suggested_account TEXT,
    reasons           TEXT NOT NULL DEFAULT '[]', -- JSON [{code, message, detail}]
    trace             TEXT NOT NULL DEFAULT '[]'  -- JSON [{rule, outcome}]
);
CREATE INDEX invoice_decisions_by_invoice ON invoice_decisions (invoice_id);
CREATE INDEX invoice_decisions_by_vendor ON invoice_decisions (vendor_id);

-- The matches of an invoice's latest decision. `consumes` = 0 for a duplicate: it uses up no quantity.
CREATE TABLE invoice_matches (
    invoice_id         INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    invoice_line_index INTEGER NOT NULL,
    invoice_line       TEXT NOT NULL,
    po_number          TEXT NOT NULL,
    po_line_no         INTEGER NOT NULL,
    tier               TEXT NOT NULL,
    mode               TEXT NOT NULL,
    quantity           TEXT NOT NULL, -- signed: credit notes are negative
    unit_price         TEXT,
    po_unit_price      TEXT NOT NULL,
    consumes           INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (invoice_id, invoice_line_index)
);
CREATE INDEX invoice_matches_by_po_line ON invoice_matches (po_number, po_line_no);

CREATE TABLE bank_confirmations (
    id           INTEGER PRIMARY KEY,
    vendor_id    TEXT NOT NULL REFERENCES vendors (vendor_id),
    account      TEXT NOT NULL, -- normalised: upper case, no spaces
    confirmed_by TEXT NOT NULL,
    method       TEXT NOT NULL, -- how, e.g. "called the number on file"
    confirmed_at TEXT NOT NULL,
    invoice_id   INTEGER REFERENCES invoices (id)
);
CREATE INDEX bank_confirmations_by_vendor ON bank_confirmations (vendor_id);

CREATE TABLE duplicate_overrides (
    id               INTEGER PRIMARY KEY,
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    not_duplicate_of INTEGER NOT NULL REFERENCES invoices (id),
    decided_by       TEXT NOT NULL,
    reason           TEXT NOT NULL,
    decided_at       TEXT NOT NULL
);
CREATE INDEX duplicate_overrides_by_invoice ON duplicate_overrides (invoice_id);

-- Change detection for the per-workspace caches of vendors and PO numbers: a counter per table that every
-- insert, update and delete bumps, so checking a cache is one row read, not a scan.
CREATE TABLE table_versions (
    table_name TEXT PRIMARY KEY,
    version    INTEGER NOT NULL
);
INSERT INTO table_versions (table_name, version) VALUES ('vendors', 0), ('purchase_order_lines', 0);
CREATE TRIGGER vendors_changed_insert AFTER INSERT ON vendors
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'vendors'; END;
CREATE TRIGGER vendors_changed_update AFTER UPDATE ON vendors
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'vendors'; END;
CREATE TRIGGER vendors_changed_delete AFTER DELETE ON vendors
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'vendors'; END;
CREATE TRIGGER purchase_order_lines_changed_insert AFTER INSERT ON purchase_order_lines
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'purchase_order_lines'; END;
CREATE TRIGGER purchase_order_lines_changed_update AFTER UPDATE ON purchase_order_lines
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'purchase_order_lines'; END;
CREATE TRIGGER purchase_order_lines_changed_delete AFTER DELETE ON purchase_order_lines
BEGIN UPDATE table_versions SET version = version + 1 WHERE table_name = 'purchase_order_lines'; END;

-- A vendor's history (duplicates, bank accounts) is read for every decision: covering it with an index
-- makes that one contiguous range instead of one table page per past invoice.
CREATE INDEX invoices_history_by_vendor
    ON invoices (vendor_id, id, document_type, invoice_number, issue_date, total_gross, currency, iban, status);
