-- Intake, version 2: documents taken out of a container (an e-mail's attachments) point at their parent and
-- keep the e-mail's context; the journal counts how often a document was started again after an interrupted
-- run, so one that brings the app down every time is set aside instead of stalling intake forever.

ALTER TABLE documents ADD COLUMN parent_id INTEGER REFERENCES documents (id);
ALTER TABLE documents ADD COLUMN part_name TEXT;
ALTER TABLE documents ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN email_from TEXT;
ALTER TABLE documents ADD COLUMN email_subject TEXT;
ALTER TABLE documents ADD COLUMN email_date TEXT;
ALTER TABLE documents ADD COLUMN email_message_id TEXT;
ALTER TABLE documents ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

CREATE INDEX documents_by_path ON documents (path);
CREATE INDEX documents_by_parent ON documents (parent_id);
