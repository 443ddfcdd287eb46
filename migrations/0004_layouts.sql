-- Vendor layout memory (visual extraction): where each field sits on a vendor's documents, learnt from a
-- correction. One row per vendor and field; a new correction replaces the old place.
CREATE TABLE vendor_layouts (
    vendor_key TEXT NOT NULL,             -- vat:DE123456789 | iban:DE… | name:acme gmbh
    field      TEXT NOT NULL,             -- contract field name (contracts/extraction.md)
    anchor     TEXT NOT NULL,             -- squashed anchor words ('' when none)
    beside     INTEGER NOT NULL,          -- 1: right of the anchor on its line, 0: under it
    page       INTEGER NOT NULL,          -- 1-based
    region     TEXT NOT NULL,             -- JSON [x0, y0, x1, y1] in PDF points
    updated_at TEXT NOT NULL,             -- RFC 3339 UTC
    PRIMARY KEY (vendor_key, field)
);
