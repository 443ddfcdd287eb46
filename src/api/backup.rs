//! Use case: back a workspace up into one file and restore such a file into a new data directory.
//!
//! The file is `BACKDESK-BACKUP\n1\n`, then each entry's bytes one after another (a consistent database
//! snapshot from `VACUUM INTO` as `backdesk.db`, every archived original, the other files at the top of
//! the data directory such as `policy.toml`), then the manifest as JSON (paths, sizes, SHA-256, schema
//! version, invoice count), then the manifest's length (8 bytes, little endian) and `BDBKEND\n`. The
//! manifest comes last so each entry is hashed while it is written. A restore checks everything (magic,
//! length, schema version, every size and hash) into a staging folder beside the target and only then
//! renames it into place: a corrupted or truncated backup leaves nothing behind, and a restore never
//! writes into an existing workspace.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Workspace;
use crate::error::{Error, Result};
use crate::store::{self, Store};

const HEADER: &[u8] = b"BACKDESK-BACKUP\n1\n";
const TRAILER: &[u8; 8] = b"BDBKEND\n";
const FORMAT: u32 = 1;
const DATABASE_ENTRY: &str = "backdesk.db";
/// The manifest is small (one line per file); anything larger is not one of ours.
const MANIFEST_LIMIT: u64 = 256 * 1024 * 1024;

/// One file in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupEntry {
    /// Relative to the data directory, `/`-separated.
    pub path: String,
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// What a backup holds, written at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: u32,
    /// The database's schema version (migrations applied) when it was backed up.
    pub schema_version: i64,
    pub created_at: String,
    pub invoice_count: usize,
    pub entries: Vec<BackupEntry>,
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    pub file: PathBuf,
    /// Files in the backup (the database, originals, settings files).
    pub entries: usize,
    /// Size of the backup file.
    pub bytes: u64,
    pub invoice_count: usize,
    pub schema_version: i64,
}

/// What a restore made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// The new data directory, ready to open.
    pub data_dir: PathBuf,
    pub entries: usize,
    pub invoice_count: usize,
    pub schema_version: i64,
}

impl Workspace {
    /// Writes this workspace into one backup file at `file` (replaced only once the new one is complete).
    pub async fn back_up(&self, file: &Path) -> Result<BackupReport> {
        let partial = sibling(file, ".partial")?;
        let snapshot = sibling(file, ".snapshot.db")?;
        for stale in [&partial, &snapshot] {
            remove_if_present(stale)?;
        }
        let pool = self.store().pool();
        store::snapshot::vacuum_into(pool, &snapshot).await?;
        let schema_version = self.store().schema_version().await?;
        let invoice_count = store::invoices::count(pool).await?;
        let data_dir = self.paths().data_dir.clone();
        let (snapshot_for_task, partial_for_task) = (snapshot.clone(), partial.clone());
        let written = tokio::task::spawn_blocking(move || {
            let mut sources = vec![(DATABASE_ENTRY.to_owned(), snapshot_for_task)];
            sources.extend(workspace_files(&data_dir)?);
            write_backup(&partial_for_task, &sources, schema_version, invoice_count)
        })
        .await
        .map_err(|e| Error::InvalidData(format!("the backup stopped unexpectedly: {e}")));
        let _ = std::fs::remove_file(&snapshot);
        let (entries, bytes) = match written.and_then(|inner| inner) {
            Ok(done) => done,
            Err(error) => {
                let _ = std::fs::remove_file(&partial);
                return Err(error);
            }
        };
        std::fs::rename(&partial, file).map_err(|e| Error::io("move the finished backup to", file, e))?;
        Ok(BackupReport {
            file: file.to_owned(),
            entries,
            bytes,
            invoice_count,
            schema_version,
        })
    }
}

/// Reads and checks a backup's manifest (magic, trailer, length, schema version) without restoring it.
pub fn read_backup_manifest(file: &Path) -> Result<BackupManifest> {
    let mut reader = File::open(file).map_err(|e| Error::io("open the backup", file, e))?;
    let (manifest, _) = read_manifest(file, &mut reader)?;
    Ok(manifest)
}

/// Restores the backup `file` into `data_dir`, which must not exist yet (or be an empty folder): every
/// entry is checked against the manifest in a staging folder first, so a damaged backup leaves nothing.
pub async fn restore_backup(file: &Path, data_dir: &Path) -> Result<RestoreReport> {
    let (file, target) = (file.to_owned(), data_dir.to_owned());
    let manifest = tokio::task::spawn_blocking(move || unpack(&file, &target))
        .await
        .map_err(|e| Error::InvalidData(format!("the restore stopped unexpectedly: {e}")))??;
    let workspace = Workspace::open(data_dir).await?;
    let invoice_count = store::invoices::count(workspace.store().pool()).await?;
    workspace.store().clone().close().await;
    if invoice_count != manifest.invoice_count {
        return Err(Error::InvalidData(format!(
            "the restored workspace in {} holds {invoice_count} invoices but the backup says {}; keep the \
             original workspace and make a new backup",
            data_dir.display(),
            manifest.invoice_count
        )));
    }
    Ok(RestoreReport {
        data_dir: data_dir.to_owned(),
        entries: manifest.entries.len(),
        invoice_count,
        schema_version: manifest.schema_version,
    })
}

/// `file` with `suffix` added to its name, in the same folder.
fn sibling(file: &Path, suffix: &str) -> Result<PathBuf> {
    let name = file.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "{} is not a file name; choose where to write the backup",
            file.display()
        ))
    })?;
    let mut name = name.to_owned();
    name.push(suffix);
    Ok(file.with_file_name(name))
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove the leftover", path, e)),
    }
}

/// The files a backup carries besides the database snapshot: every archived original (not the archive's
/// half-written `.incoming`) and the regular files at the top of the data directory other than the live
/// database and its WAL (e.g. `policy.toml`). Logs and the demo's inbox stay behind.
fn workspace_files(data_dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in read_dir_sorted(data_dir)? {
        let name = entry.to_string_lossy().into_owned();
        let path = data_dir.join(&entry);
        if path.is_file() && !name.starts_with("backdesk.db") {
            files.push((name, path));
        }
    }
    let archive = data_dir.join("archive");
    if archive.is_dir() {
        collect_archive(&archive, "archive", &mut files)?;
    }
    Ok(files)
}

fn collect_archive(dir: &Path, relative: &str, files: &mut Vec<(String, PathBuf)>) -> Result<()> {
    for entry in read_dir_sorted(dir)? {
        let name = entry.to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // `.incoming`: files still being archived
        }
        let path = dir.join(&entry);
        let rel = format!("{relative}/{name}");
        if path.is_dir() {
            collect_archive(&path, &rel, files)?;
        } else if path.is_file() {
            files.push((rel, path));
        }
    }
    Ok(())
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<std::ffi::OsString>> {
    let mut names = std::fs::read_dir(dir)
        .map_err(|e| Error::io("list", dir, e))?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io("list", dir, e))?;
    names.sort();
    Ok(names)
}

/// Writes header, entries (hashed as they are copied), manifest and trailer; returns entries and bytes.
fn write_backup(
    target: &Path,
    sources: &[(String, PathBuf)],
    schema_version: i64,
    invoice_count: usize,
) -> Result<(usize, u64)> {
    let file = File::create(target).map_err(|e| Error::io("create the backup", target, e))?;
    let mut out = BufWriter::new(file);
    let write_err = |e| Error::io("write the backup", target, e);
    out.write_all(HEADER).map_err(write_err)?;
    let mut entries = Vec::with_capacity(sources.len());
    for (path, source) in sources {
        let input = File::open(source).map_err(|e| Error::io("read", source, e))?;
        let (size, sha256) = copy_hashed(&mut BufReader::new(input), &mut out, u64::MAX)
            .map_err(|e| Error::io("copy into the backup", source, e))?;
        entries.push(BackupEntry {
            path: path.clone(),
            size,
            sha256,
        });
    }
    let manifest = BackupManifest {
        format: FORMAT,
        schema_version,
        created_at: crate::store::timestamp(Utc::now()),
        invoice_count,
        entries,
    };
    let json = serde_json::to_vec(&manifest)
        .map_err(|e| Error::InvalidData(format!("the backup manifest could not be written: {e}")))?;
    out.write_all(&json).map_err(write_err)?;
    out.write_all(&(json.len() as u64).to_le_bytes())
        .map_err(write_err)?;
    out.write_all(TRAILER).map_err(write_err)?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io("write the backup", target, e.into_error()))?;
    file.sync_all().map_err(write_err)?;
    let bytes = file.metadata().map_err(write_err)?.len();
    Ok((manifest.entries.len(), bytes))
}

/// Copies at most `limit` bytes, returning how many and their SHA-256.
fn copy_hashed(input: &mut impl Read, out: &mut impl Write, limit: u64) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    let mut input = input.take(limit);
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n])?;
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

fn damaged(file: &Path, what: &str) -> Error {
    Error::InvalidData(format!(
        "{} is not a complete Backdesk backup ({what}); nothing was restored — use another copy of the backup",
        file.display()
    ))
}

/// Checks header, trailer and lengths and parses the manifest; returns it with the file's length.
fn read_manifest(file: &Path, reader: &mut File) -> Result<(BackupManifest, u64)> {
    let read_err = |e| Error::io("read the backup", file, e);
    let length = reader.metadata().map_err(read_err)?.len();
    let mut header = vec![0u8; HEADER.len()];
    if length < (HEADER.len() + 16) as u64 {
        return Err(damaged(file, "it is too short"));
    }
    reader.read_exact(&mut header).map_err(read_err)?;
    if header != HEADER {
        return Err(damaged(file, "it does not start like one"));
    }
    reader.seek(SeekFrom::End(-16)).map_err(read_err)?;
    let mut tail = [0u8; 16];
    reader.read_exact(&mut tail).map_err(read_err)?;
    if &tail[8..] != TRAILER {
        return Err(damaged(file, "its end is missing: the file was cut short"));
    }
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(&tail[..8]);
    let manifest_len = u64::from_le_bytes(len_bytes);
    let room = length - HEADER.len() as u64 - 16;
    if manifest_len > room || manifest_len > MANIFEST_LIMIT {
        return Err(damaged(file, "its manifest length is impossible"));
    }
    reader
        .seek(SeekFrom::Start(length - 16 - manifest_len))
        .map_err(read_err)?;
    let mut json =
        vec![0u8; usize::try_from(manifest_len).map_err(|_| damaged(file, "its manifest is too large"))?];
    reader.read_exact(&mut json).map_err(read_err)?;
    let manifest: BackupManifest = serde_json::from_slice(&json)
        .map_err(|e| damaged(file, &format!("its manifest is unreadable: {e}")))?;
    if manifest.format != FORMAT {
        return Err(Error::InvalidData(format!(
            "{} is a backup in format {} but this version of Backdesk reads format {FORMAT}; install the version that made it",
            file.display(),
            manifest.format
        )));
    }
    let supported = Store::supported_schema_version();
    if manifest.schema_version > supported {
        return Err(Error::InvalidData(format!(
            "{} was made by a newer Backdesk (schema version {}, this version understands up to {supported}); \
             install the newer version to restore it",
            file.display(),
            manifest.schema_version
        )));
    }
    let declared: u64 = manifest.entries.iter().map(|e| e.size).sum();
    if declared != room - manifest_len {
        return Err(damaged(file, "its contents and its manifest differ in length"));
    }
    if !manifest.entries.iter().any(|e| e.path == DATABASE_ENTRY) {
        return Err(damaged(file, "it holds no database"));
    }
    for entry in &manifest.entries {
        safe_relative(&entry.path)
            .ok_or_else(|| damaged(file, &format!("it names an unsafe path '{}'", entry.path)))?;
    }
    Ok((manifest, length))
}

/// A manifest path as a relative path without `..` or roots, else `None`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let plain = relative.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !path.is_empty()).then(|| relative.to_owned())
}

/// Restores into a staging folder beside `target`, checking every entry, then renames it into place.
fn unpack(file: &Path, target: &Path) -> Result<BackupManifest> {
    let occupied = match std::fs::read_dir(target) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io("look into", target, e)),
    };
    if occupied || target.is_file() {
        return Err(Error::Usage(format!(
            "{} is not empty; restore into a new folder (a restore never overwrites a workspace)",
            target.display()
        )));
    }
    let mut reader = File::open(file).map_err(|e| Error::io("open the backup", file, e))?;
    let (manifest, _) = read_manifest(file, &mut reader)?;
    let staging = sibling(target, &format!(".restoring-{}", std::process::id()))?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io("remove the leftover", &staging, e))?;
    }
    let result = unpack_entries(file, &mut reader, &manifest, &staging).and_then(|()| {
        if target.is_dir() {
            // empty (checked above): rename cannot replace a directory everywhere
            std::fs::remove_dir(target).map_err(|e| Error::io("replace the empty folder", target, e))?;
        }
        std::fs::rename(&staging, target).map_err(|e| Error::io("move the restored workspace to", target, e))
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| manifest)
}

fn unpack_entries(file: &Path, reader: &mut File, manifest: &BackupManifest, staging: &Path) -> Result<()> {
    reader
        .seek(SeekFrom::Start(HEADER.len() as u64))
        .map_err(|e| Error::io("read the backup", file, e))?;
    let mut input = BufReader::new(reader);
    for entry in &manifest.entries {
        let relative = safe_relative(&entry.path).ok_or_else(|| damaged(file, "it names an unsafe path"))?;
        let path = staging.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        let out = File::create(&path).map_err(|e| Error::io("create", &path, e))?;
        let mut out = BufWriter::new(out);
        let (size, sha256) =
            copy_hashed(&mut input, &mut out, entry.size).map_err(|e| Error::io("restore", &path, e))?;
        out.flush().map_err(|e| Error::io("restore", &path, e))?;
        if size != entry.size || sha256 != entry.sha256 {
            return Err(damaged(
                file,
                &format!(
                    "'{}' does not match its recorded SHA-256: the backup is corrupted",
                    entry.path
                ),
            ));
        }
        if entry.path.starts_with("archive/") {
            // originals are kept read-only, as intake leaves them
            let mut permissions = std::fs::metadata(&path)
                .map_err(|e| Error::io("restore", &path, e))?
                .permissions();
            permissions.set_readonly(true);
            std::fs::set_permissions(&path, permissions).map_err(|e| Error::io("restore", &path, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_restored() {
        assert!(safe_relative("archive/ab/abcdef").is_some());
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("archive/../../x").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn hashing_while_copying_stops_at_the_limit() {
        let mut out = Vec::new();
        let (n, hash) = copy_hashed(&mut &b"abcdef"[..], &mut out, 3).unwrap();
        assert_eq!((n, out.as_slice()), (3, &b"abc"[..]));
        assert_eq!(hash, hex::encode(Sha256::digest(b"abc")));
    }
}
