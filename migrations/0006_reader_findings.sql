-- Problems found while reading a document (EN 16931 rule violations of an e-invoice, as reasons) and the
-- non-blocking rule warnings, kept with the invoice so that a later decision (after a correction, an
-- override or a policy change) still sees them without re-reading the original.
ALTER TABLE invoices ADD COLUMN reader_findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE invoices ADD COLUMN reader_warnings TEXT NOT NULL DEFAULT '[]';
