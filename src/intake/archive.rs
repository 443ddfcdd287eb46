//! The content-addressed archive of originals: `archive/ab/abcdef…` named by SHA-256, written once
//! (temp file, fsync, rename), made read-only, and never modified or deleted.
//!
//! Files from the inbox are streamed in: one pass reads the file, hashes it and writes the temp copy, so
//! a 200 MB file is never held in memory; only a file small enough to be read is kept in memory as well.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The SHA-256 of some bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where the original with this hash lives in the archive.
pub fn archived_path(archive_dir: &Path, sha256: &str) -> PathBuf {
    archive_dir.join(&sha256[..2.min(sha256.len())]).join(sha256)
}

/// Stores the bytes under their hash unless an identical original is already there; returns its path.
/// Durable before it returns: the data and the directory entry are synced.
pub fn archive_original(archive_dir: &Path, sha256: &str, bytes: &[u8]) -> Result<PathBuf> {
    let target = archived_path(archive_dir, sha256);
    if fs::metadata(&target).is_ok_and(|existing| existing.len() == bytes.len() as u64) {
        return Ok(target);
    }
    // a different length under the same hash can only be a torn earlier write; it is replaced
    let incoming = archive_dir.join(INCOMING);
    fs::create_dir_all(&incoming).map_err(|e| Error::io("create archive directory", &incoming, e))?;
    let temp = incoming.join(unique_temp_name());
    let written = File::create(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .map_err(|e| Error::io("write archive file", &temp, e))
        .and_then(|()| place(&temp, &target, bytes.len() as u64));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written.map(|()| target)
}

/// Where files being streamed into the archive are written before they are named by their hash.
const INCOMING: &str = ".incoming";

/// The chunk size for streaming a file into the archive.
const CHUNK: usize = 256 * 1024;

/// A file streamed into the archive.
#[derive(Debug)]
pub struct Archived {
    pub sha256: String,
    pub size: u64,
    /// The bytes, when the file is no larger than the limit asked for; `None` for a larger file.
    pub bytes: Option<Vec<u8>>,
}

/// Why a file could not be archived: the inbox file could not be read (the rest of the batch goes on), or
/// the archive itself could not be written (intake must stop: nothing can be taken in safely).
#[derive(Debug)]
pub enum ArchiveError {
    Source(Error),
    Archive(Error),
}

/// Streams a file into the archive, hashing it on the way; durable before it returns. Keeps the bytes in
/// memory too when the file has at most `keep_up_to` bytes.
pub fn archive_file(
    archive_dir: &Path,
    source: &Path,
    keep_up_to: u64,
) -> std::result::Result<Archived, ArchiveError> {
    let mut input = File::open(source).map_err(|e| ArchiveError::Source(Error::io("read", source, e)))?;
    let expected = input.metadata().map(|m| m.len()).unwrap_or(0);
    let incoming = archive_dir.join(INCOMING);
    fs::create_dir_all(&incoming)
        .map_err(|e| ArchiveError::Archive(Error::io("create archive directory", &incoming, e)))?;
    let temp = incoming.join(unique_temp_name());
    let written = copy_hashing(&mut input, source, &temp, expected, keep_up_to);
    let (sha256, size, bytes) = match written {
        Ok(done) => done,
        Err(error) => {
            let _ = fs::remove_file(&temp);
            return Err(error);
        }
    };
    let target = archived_path(archive_dir, &sha256);
    let placed = place(&temp, &target, size).map_err(ArchiveError::Archive);
    if placed.is_err() {
        let _ = fs::remove_file(&temp);
    }
    placed?;
    Ok(Archived { sha256, size, bytes })
}

/// Reads, hashes and writes in one pass; returns the hash, the size and (when small enough) the bytes.
fn copy_hashing(
    input: &mut File,
    source: &Path,
    temp: &Path,
    expected: u64,
    keep_up_to: u64,
) -> std::result::Result<(String, u64, Option<Vec<u8>>), ArchiveError> {
    let mut output =
        File::create(temp).map_err(|e| ArchiveError::Archive(Error::io("write archive file", temp, e)))?;
    let mut hasher = Sha256::new();
    let mut kept =
        (expected <= keep_up_to).then(|| Vec::with_capacity(usize::try_from(expected).unwrap_or(0)));
    let mut buffer = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ArchiveError::Source(Error::io("read", source, e))),
        };
        let chunk = &buffer[..n];
        hasher.update(chunk);
        output
            .write_all(chunk)
            .map_err(|e| ArchiveError::Archive(Error::io("write archive file", temp, e)))?;
        size += n as u64;
        if size > keep_up_to {
            kept = None;
        } else if let Some(kept) = kept.as_mut() {
            kept.extend_from_slice(chunk);
        }
    }
    output
        .sync_all()
        .map_err(|e| ArchiveError::Archive(Error::io("sync archive file", temp, e)))?;
    Ok((hex::encode(hasher.finalize()), size, kept))
}

/// Moves a synced temp file to its place in the archive (read-only), unless an intact copy is there already.
fn place(temp: &Path, target: &Path, size: u64) -> Result<()> {
    if fs::metadata(target).is_ok_and(|existing| existing.len() == size) {
        fs::remove_file(temp).map_err(|e| Error::io("remove archive temp file", temp, e))?;
        return Ok(());
    }
    let dir = target.parent().unwrap_or(target);
    fs::create_dir_all(dir).map_err(|e| Error::io("create archive directory", dir, e))?;
    let mut permissions = fs::metadata(temp)
        .map_err(|e| Error::io("inspect archive file", temp, e))?
        .permissions();
    permissions.set_readonly(true);
    fs::set_permissions(temp, permissions).map_err(|e| Error::io("protect archive file", temp, e))?;
    fs::rename(temp, target).map_err(|e| Error::io("move into the archive", target, e))?;
    if let Ok(directory) = File::open(dir) {
        // makes the rename itself durable; not possible on every platform, hence best effort
        let _ = directory.sync_all();
    }
    Ok(())
}

/// A temp file name no other writer (thread or process) uses at the same time.
fn unique_temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The SHA-256 of a file, streamed.
pub fn hash_file(path: &Path) -> Result<String> {
    let mut input = File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Removes temp files an interrupted run left while streaming into the archive (older than `age`, so a
/// file another running process is writing right now is left alone).
pub fn remove_stale_temp_files(archive_dir: &Path, age: Duration) {
    let Ok(entries) = fs::read_dir(archive_dir.join(INCOMING)) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.filter_map(std::result::Result::ok) {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > age);
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Reads an original back from the archive.
pub fn read_original(archive_dir: &Path, sha256: &str) -> Result<Vec<u8>> {
    let path = archived_path(archive_dir, sha256);
    fs::read(&path).map_err(|e| Error::io("read archived original", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archiving_is_content_addressed_idempotent_and_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"<Invoice/>";
        let sha = sha256_hex(bytes);
        let first = archive_original(dir.path(), &sha, bytes).unwrap();
        let second = archive_original(dir.path(), &sha, bytes).unwrap();
        assert_eq!(first, second);
        assert_eq!(first, dir.path().join(&sha[..2]).join(&sha));
        assert_eq!(read_original(dir.path(), &sha).unwrap(), bytes);
        assert!(
            fs::metadata(&first).unwrap().permissions().readonly(),
            "originals are protected"
        );
        let leftovers: Vec<_> = fs::read_dir(first.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file is left behind");
    }

    #[test]
    fn a_streamed_file_is_archived_byte_for_byte_and_kept_in_memory_only_when_small() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        let source = dir.path().join("in.bin");
        let content: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&source, &content).unwrap();

        let small = archive_file(&archive, &source, 1_000_000).unwrap();
        assert_eq!(small.sha256, sha256_hex(&content));
        assert_eq!(small.size, content.len() as u64);
        assert_eq!(small.bytes.as_deref(), Some(content.as_slice()));
        assert_eq!(read_original(&archive, &small.sha256).unwrap(), content);

        let large = archive_file(&archive, &source, 100_000).unwrap();
        assert_eq!(large.sha256, small.sha256, "the same bytes, the same name");
        assert!(large.bytes.is_none(), "too large to keep in memory");
        assert_eq!(hash_file(&source).unwrap(), small.sha256);
        let left: Vec<_> = fs::read_dir(archive.join(INCOMING)).unwrap().collect();
        assert!(left.is_empty(), "no temp file is left behind: {left:?}");
    }

    #[test]
    fn sha256_matches_the_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
