-- Onboarding coordination (issue 10): checklist templates (versioned), hires, and each hire's checklist items.
-- A hire keeps the template version it was created from: its items are copied from that version.

CREATE TABLE onboarding_templates (
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,            -- the template as JSON (onboarding::template::Template)
    created_at TEXT NOT NULL,
    PRIMARY KEY (key, version)
);

CREATE TABLE hires (
    id               INTEGER PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,  -- the hire's inbox folder: INBOX/onboarding/<slug>/
    name             TEXT NOT NULL,
    email            TEXT,
    role             TEXT NOT NULL DEFAULT '',
    start_date       TEXT NOT NULL,
    employment_type  TEXT NOT NULL,
    country          TEXT NOT NULL,
    manager          TEXT,
    template_key     TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    retention_days   INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    purged_at        TEXT,                  -- set by the purge: personal fields are blanked, the row stays
    FOREIGN KEY (template_key, template_version) REFERENCES onboarding_templates (key, version)
);

CREATE TABLE hire_items (
    id           INTEGER PRIMARY KEY,
    hire_id      INTEGER NOT NULL REFERENCES hires (id),
    item_key     TEXT NOT NULL,
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL,            -- document | task
    document_type TEXT,                    -- for documents: id, right_to_work, tax_form, …
    owner        TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    min_pages    INTEGER NOT NULL DEFAULT 1,
    state        TEXT NOT NULL DEFAULT 'open',  -- open | problem | done
    done_by      TEXT,
    done_at      TEXT,
    document_id  INTEGER REFERENCES documents (id),
    reasons      TEXT NOT NULL DEFAULT '[]',    -- JSON: [{code, message, evidence}]
    fields       TEXT NOT NULL DEFAULT '{}',    -- JSON: extracted personal fields (blanked by the purge)
    UNIQUE (hire_id, item_key)
);
CREATE INDEX hire_items_by_due ON hire_items (state, due_date);
