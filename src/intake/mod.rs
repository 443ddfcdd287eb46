//! Intake: finding the files to take in, archiving originals, watching the inbox, telling when a file is
//! complete, and the report of a batch. The use cases that drive it live in `api::ingest` and `api::watch`.

pub mod archive;
pub mod group_commit;
pub mod mounts;
pub mod stability;
pub mod watcher;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::api::CoreEvent;
use crate::error::{Error, Result};
use crate::model::{DocumentId, InvoiceId};

/// What one `ingest` run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// Files looked at.
    pub files: usize,
    pub processed: usize,
    pub rejected: usize,
    pub duplicate_files: usize,
    /// Documents left in the journal by an earlier interrupted run and finished now.
    pub resumed: usize,
    /// Files taken in before from the same path with the same bytes (a restart or rescan found them
    /// again): left alone.
    pub already_taken: usize,
    /// New invoices that need a person (status `exception`).
    pub exceptions: usize,
    pub invoice_ids: Vec<InvoiceId>,
    pub document_ids: Vec<DocumentId>,
    /// Files that could not even be read (gone, no permission): nothing was recorded for them, the rest of
    /// the batch went on.
    pub unreadable_files: Vec<UnreadableFile>,
}

impl IngestReport {
    /// Adds what another part of the same batch did.
    pub fn absorb(&mut self, other: IngestReport) {
        self.files += other.files;
        self.processed += other.processed;
        self.rejected += other.rejected;
        self.duplicate_files += other.duplicate_files;
        self.resumed += other.resumed;
        self.already_taken += other.already_taken;
        self.exceptions += other.exceptions;
        self.invoice_ids.extend(other.invoice_ids);
        self.document_ids.extend(other.document_ids);
        self.unreadable_files.extend(other.unreadable_files);
    }

    /// The event that closes a batch.
    pub fn summary_event(&self) -> CoreEvent {
        CoreEvent::BatchFinished {
            documents: self.document_ids.len(),
            processed: self.processed,
            rejected: self.rejected,
            duplicate_files: self.duplicate_files,
            exceptions: self.exceptions,
        }
    }
}

/// A file intake could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableFile {
    pub path: String,
    pub message: String,
}

/// Whether a file name is a temporary or partial file that must not be taken (yet).
pub fn is_partial_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with('.')
        || lower.starts_with("~$")
        || lower.ends_with('~')
        || [
            ".part",
            ".partial",
            ".crdownload",
            ".download",
            ".tmp",
            ".temp",
            ".swp",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// The name a part of a container is stored and shown under: its last path component only (no folders,
/// no `..`, no control characters), or `attachment-N` when nothing usable is left.
pub fn safe_part_name(name: &str, index: usize) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        format!("attachment-{}", index + 1)
    } else {
        cleaned.to_owned()
    }
}

/// Expands files and folders (recursively) into the files to take in, as absolute paths in a stable order,
/// skipping temporary and partial names.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        // absolute (without resolving links), so `ingest inbox` and `ingest /home/me/inbox` name a file alike
        let path = &std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let metadata = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
        if metadata.is_dir() {
            collect_dir(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("list folder", dir, e))?
        .filter_map(std::result::Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if is_partial_name(&name.to_string_lossy()) {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| Error::io("inspect", &path, e))?;
        if file_type.is_dir() {
            collect_dir(&path, files)?;
        } else if file_type.is_file() || file_type.is_symlink() {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_temporary_names_are_skipped() {
        for name in [
            "x.pdf.part",
            "~$invoice.xlsx",
            "a.crdownload",
            ".hidden.xml",
            "draft.xml~",
        ] {
            assert!(is_partial_name(name), "{name}");
        }
        for name in ["invoice.pdf", "INV-1.xml", "partner.xml"] {
            assert!(!is_partial_name(name), "{name}");
        }
    }

    #[test]
    fn part_names_lose_their_folders_and_traversal() {
        assert_eq!(safe_part_name("../../x.pdf", 0), "x.pdf");
        assert_eq!(safe_part_name("..\\..\\win.pdf", 0), "win.pdf");
        assert_eq!(safe_part_name("/etc/passwd", 0), "passwd");
        assert_eq!(safe_part_name("..", 2), "attachment-3");
        assert_eq!(safe_part_name("a\u{0}b\nc.xml", 0), "abc.xml");
        assert_eq!(safe_part_name("invoice 12.pdf", 0), "invoice 12.pdf");
    }

    #[test]
    fn folders_are_walked_recursively_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("b.xml"), "x").unwrap();
        std::fs::write(dir.path().join("a.xml"), "x").unwrap();
        std::fs::write(dir.path().join("sub/c.xml"), "x").unwrap();
        std::fs::write(dir.path().join("d.xml.part"), "x").unwrap();
        let files = collect_files(&[dir.path().to_owned()]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            [PathBuf::from("a.xml"), "b.xml".into(), "sub/c.xml".into()]
        );
    }
}
