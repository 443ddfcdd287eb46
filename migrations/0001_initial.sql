-- Backdesk schema, version 1. Forward-only: never edit a migration once it has shipped; add a new one.
-- Money and quantities are canonical decimal TEXT (rust_decimal), dates ISO TEXT (YYYY-MM-DD),
-- instants RFC 3339 UTC TEXT.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE vendors (
    vendor_id          TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    tax_id             TEXT,
    iban               TEXT,
    bic                TEXT,
    account_number     TEXT,
    currency           TEXT,
    email              TEXT,
    payment_terms_days INTEGER,
    default_account    TEXT,
    aliases            TEXT NOT NULL DEFAULT '[]', -- JSON array of names
    origin             TEXT NOT NULL,              -- import:FILE | sync:CONNECTION
    updated_at         TEXT NOT NULL
);
CREATE INDEX vendors_by_tax_id ON vendors (tax_id);
CREATE INDEX vendors_by_iban ON vendors (iban);

CREATE TABLE accounts (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT,
    origin     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE purchase_order_lines (
    po_number   TEXT NOT NULL,
    line_no     INTEGER NOT NULL,
    vendor_id   TEXT NOT NULL REFERENCES vendors (vendor_id),
    item_code   TEXT,
    description TEXT NOT NULL,
    quantity    TEXT NOT NULL,
    unit_price  TEXT NOT NULL,
    currency    TEXT NOT NULL,
    tax_rate    TEXT,
    order_date  TEXT NOT NULL,
    department  TEXT,
    requester   TEXT,
    account     TEXT,
    origin      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (po_number, line_no)
);
CREATE INDEX purchase_order_lines_by_vendor ON purchase_order_lines (vendor_id);

CREATE TABLE receipts (
    receipt_id        TEXT NOT NULL,
    po_number         TEXT NOT NULL,
    line_no           INTEGER NOT NULL,
    quantity_received TEXT NOT NULL,
    received_date     TEXT NOT NULL,
    origin            TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (receipt_id, po_number, line_no),
    FOREIGN KEY (po_number, line_no) REFERENCES purchase_order_lines (po_number, line_no)
);
CREATE INDEX receipts_by_po_line ON receipts (po_number, line_no);

-- One row per file (or e-mail attachment) seen by intake. `received` is the journal state: in flight.
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    media_type     TEXT,
    state          TEXT NOT NULL CHECK (state IN ('received', 'processed', 'rejected', 'duplicate_file')),
    reason_code    TEXT,
    reason_message TEXT,
    duplicate_of   INTEGER REFERENCES documents (id),
    received_at    TEXT NOT NULL,
    finished_at    TEXT
);
CREATE INDEX documents_by_sha256 ON documents (sha256);
CREATE INDEX documents_by_state ON documents (state);

CREATE TABLE invoices (
    id                       INTEGER PRIMARY KEY,
    document_id              INTEGER NOT NULL REFERENCES documents (id),
    status                   TEXT NOT NULL CHECK (status IN
                                 ('exception', 'awaiting_approval', 'approved', 'posted', 'paid', 'rejected')),
    document_type            TEXT NOT NULL CHECK (document_type IN ('invoice', 'credit_note')),
    extraction_method        TEXT NOT NULL,
    vendor_id                TEXT REFERENCES vendors (vendor_id),
    invoice_number           TEXT,
    type_code                TEXT,
    issue_date               TEXT,
    due_date                 TEXT,
    currency                 TEXT,
    total_net                TEXT,
    total_tax                TEXT,
    total_gross              TEXT,
    amount_due               TEXT,
    purchase_order_reference TEXT,
    seller_name              TEXT,
    seller_vat_id            TEXT,
    buyer_name               TEXT,
    buyer_reference          TEXT,
    iban                     TEXT,
    confidence               REAL,     -- lowest required-field confidence, in [0, 1]
    canonical                TEXT NOT NULL, -- the canonical EN 16931 invoice as JSON
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX invoices_by_status ON invoices (status);
CREATE INDEX invoices_by_vendor ON invoices (vendor_id);
CREATE INDEX invoices_by_document ON invoices (document_id);

CREATE TABLE invoice_reasons (
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    code       TEXT NOT NULL,
    message    TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (invoice_id, seq)
);

-- Per-field value, confidence and provenance (contracts/extraction.md).
CREATE TABLE invoice_fields (
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    confidence REAL NOT NULL,
    method     TEXT NOT NULL,
    page       INTEGER,
    bbox       TEXT, -- JSON [x0, y0, x1, y1] in PDF points from the bottom-left
    PRIMARY KEY (invoice_id, field)
);

-- Read views for the UI's reporting queries (through the read-only tauri-plugin-sql connection).
CREATE VIEW report_invoice_list AS
SELECT i.id,
       i.status,
       i.document_type,
       i.vendor_id,
       COALESCE(v.name, i.seller_name) AS vendor_name,
       i.invoice_number,
       i.issue_date,
       i.due_date,
       i.currency,
       i.total_gross,
       i.purchase_order_reference,
       (SELECT group_concat(r.code, ',') FROM invoice_reasons r WHERE r.invoice_id = i.id) AS reason_codes,
       i.created_at
FROM invoices i
LEFT JOIN vendors v ON v.vendor_id = i.vendor_id;

CREATE VIEW report_invoice_counts_by_status AS
SELECT status, COUNT(*) AS invoice_count FROM invoices GROUP BY status;

CREATE VIEW report_exceptions_by_reason AS
SELECT r.code AS reason_code, COUNT(DISTINCT r.invoice_id) AS invoice_count
FROM invoice_reasons r JOIN invoices i ON i.id = r.invoice_id
WHERE i.status = 'exception'
GROUP BY r.code;

CREATE VIEW report_documents_by_state AS
SELECT state, COUNT(*) AS document_count FROM documents GROUP BY state;
