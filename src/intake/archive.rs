//! The content-addressed archive of originals: `archive/ab/abcdef…` named by SHA-256, written once
//! (temp file, fsync, rename), made read-only, and never modified or deleted.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    if let Ok(existing) = fs::metadata(&target) {
        if existing.len() == bytes.len() as u64 {
            return Ok(target);
        }
        // A different length under the same hash can only be a torn earlier write; rewrite it.
    }
    let dir = target.parent().unwrap_or(archive_dir);
    fs::create_dir_all(dir).map_err(|e| Error::io("create archive directory", dir, e))?;
    let temp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
    {
        let mut file = File::create(&temp).map_err(|e| Error::io("write archive file", &temp, e))?;
        file.write_all(bytes)
            .map_err(|e| Error::io("write archive file", &temp, e))?;
        file.sync_all()
            .map_err(|e| Error::io("sync archive file", &temp, e))?;
    }
    let mut permissions = fs::metadata(&temp)
        .map_err(|e| Error::io("inspect archive file", &temp, e))?
        .permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&temp, permissions).map_err(|e| Error::io("protect archive file", &temp, e))?;
    fs::rename(&temp, &target).map_err(|e| Error::io("move into the archive", &target, e))?;
    if let Ok(directory) = File::open(dir) {
        // makes the rename itself durable; not possible on every platform, hence best effort
        let _ = directory.sync_all();
    }
    Ok(target)
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
    fn sha256_matches_the_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
