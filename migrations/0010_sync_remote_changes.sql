-- Remote edit/delete detection for sync (issue 9): what the accounting system said about a bill right after we
-- created it (its total and last-updated stamp), so a later read-back can tell an edit or a deletion on the other
-- side; and the flag such a change raised. A flagged bill is shown, never silently overwritten.
ALTER TABLE sync_jobs ADD COLUMN remote_total TEXT;
ALTER TABLE sync_jobs ADD COLUMN remote_updated TEXT;
-- NULL: as we posted it; otherwise what was found ('edited: …' or 'deleted: …')
ALTER TABLE sync_jobs ADD COLUMN remote_flag TEXT;
