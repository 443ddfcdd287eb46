//! What kind of file system a folder is on: change notifications (inotify, FSEvents) do not see changes made
//! by other machines on a network share, and are unreliable on removable and FUSE file systems, so the
//! watcher polls such folders instead. On Linux this reads `/proc/self/mountinfo`; elsewhere every folder
//! counts as local.

use std::path::Path;

/// Where a folder lives, as far as watching it is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderKind {
    /// A local disk: native change notifications work.
    Local,
    /// A network, FUSE or removable file system (named, e.g. `nfs4` or `vfat on removable /dev/sdb1`):
    /// poll it.
    NeedsPolling(String),
}

/// The kind of file system `folder` is on.
pub fn folder_kind(folder: &Path) -> FolderKind {
    let Ok(mountinfo) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return FolderKind::Local;
    };
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_owned());
    let Some(mount) = mount_of(&mountinfo, &folder) else {
        return FolderKind::Local;
    };
    let removable = is_removable_device(&mount.source);
    classify(&mount.fs_type, &mount.source, removable)
}

/// One line of `/proc/self/mountinfo`, the parts that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub mount_point: String,
    pub fs_type: String,
    pub source: String,
}

/// The mount a path is on: the longest mount point that is a prefix of it (the last one wins when a
/// mount point was mounted over).
pub fn mount_of(mountinfo: &str, path: &Path) -> Option<Mount> {
    let mut best: Option<Mount> = None;
    for line in mountinfo.lines() {
        let Some(mount) = parse_line(line) else {
            continue;
        };
        if !path.starts_with(&mount.mount_point) {
            continue;
        }
        let longer = best
            .as_ref()
            .is_none_or(|b| mount.mount_point.len() >= b.mount_point.len());
        if longer {
            best = Some(mount);
        }
    }
    best
}

/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
fn parse_line(line: &str) -> Option<Mount> {
    let (before, after) = line.split_once(" - ")?;
    let mount_point = unescape(before.split(' ').nth(4)?);
    let mut after = after.split(' ');
    let fs_type = after.next()?.to_owned();
    let source = unescape(after.next().unwrap_or(""));
    Some(Mount {
        mount_point,
        fs_type,
        source,
    })
}

/// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = chars.clone().take(3).collect();
            if digits.len() == 3 {
                if let Ok(code) = u8::from_str_radix(&digits, 8) {
                    out.push(char::from(code));
                    for _ in 0..3 {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Whether a file system of this type (from this source) must be polled.
pub fn classify(fs_type: &str, source: &str, removable: bool) -> FolderKind {
    const NETWORK: [&str; 14] = [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "virtiofs",
        "afs",
        "ceph",
        "glusterfs",
        "davfs",
        "fuse",
        "sshfs",
        "ncpfs",
    ];
    const REMOVABLE_TYPES: [&str; 7] = ["vfat", "msdos", "exfat", "ntfs", "ntfs3", "fuseblk", "hfsplus"];
    let base = fs_type.split('.').next().unwrap_or(fs_type);
    if NETWORK.contains(&base) {
        return FolderKind::NeedsPolling(format!("{fs_type} (network or FUSE file system)"));
    }
    if removable && REMOVABLE_TYPES.contains(&base) {
        return FolderKind::NeedsPolling(format!("{fs_type} on removable {source}"));
    }
    FolderKind::Local
}

/// Whether a block device (`/dev/sdb1`) is removable, per `/sys/class/block/NAME/removable` (or its
/// parent disk's).
fn is_removable_device(source: &str) -> bool {
    let Some(name) = source.strip_prefix("/dev/") else {
        return false;
    };
    let Ok(device) = Path::new("/sys/class/block").join(name).canonicalize() else {
        return false;
    };
    let candidates = [Some(device.as_path()), device.parent()];
    let removable = candidates
        .into_iter()
        .flatten()
        .filter_map(|dir| std::fs::read_to_string(dir.join("removable")).ok())
        .any(|flag| flag.trim() == "1");
    removable
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/share rw,relatime shared:20 - nfs4 server:/export rw,vers=4.2
41 22 0:36 / /media/usb\\040stick rw,relatime shared:21 - vfat /dev/sdb1 rw
42 22 0:37 / /home/u/remote rw,relatime shared:22 - fuse.sshfs u@host: rw
43 40 0:38 / /mnt/share/local rw,relatime shared:23 - ext4 /dev/sdc1 rw
";

    #[test]
    fn the_longest_mount_point_wins_and_escapes_are_read() {
        let mount = mount_of(MOUNTINFO, Path::new("/mnt/share/inbox")).unwrap();
        assert_eq!(
            (mount.fs_type.as_str(), mount.mount_point.as_str()),
            ("nfs4", "/mnt/share")
        );
        let nested = mount_of(MOUNTINFO, Path::new("/mnt/share/local/inbox")).unwrap();
        assert_eq!(nested.fs_type, "ext4");
        let usb = mount_of(MOUNTINFO, Path::new("/media/usb stick/ap")).unwrap();
        assert_eq!((usb.fs_type.as_str(), usb.source.as_str()), ("vfat", "/dev/sdb1"));
        assert_eq!(
            mount_of(MOUNTINFO, Path::new("/home/u/ap")).unwrap().fs_type,
            "ext4"
        );
        assert!(
            mount_of(MOUNTINFO, Path::new("/mnt/shared")).unwrap().fs_type == "ext4",
            "a prefix of the name is not a parent folder"
        );
    }

    #[test]
    fn network_fuse_and_removable_file_systems_are_polled() {
        assert!(matches!(
            classify("nfs4", "server:/x", false),
            FolderKind::NeedsPolling(_)
        ));
        assert!(matches!(
            classify("cifs", "//nas/ap", false),
            FolderKind::NeedsPolling(_)
        ));
        assert!(matches!(
            classify("fuse.sshfs", "u@h:", false),
            FolderKind::NeedsPolling(_)
        ));
        assert!(matches!(
            classify("vfat", "/dev/sdb1", true),
            FolderKind::NeedsPolling(_)
        ));
        assert_eq!(classify("vfat", "/dev/nvme0n1p1", false), FolderKind::Local);
        assert_eq!(classify("ext4", "/dev/sda1", false), FolderKind::Local);
        assert_eq!(classify("btrfs", "/dev/sda2", true), FolderKind::Local);
    }

    #[test]
    fn a_temp_folder_on_this_machine_is_classified_without_error() {
        let dir = tempfile::tempdir().unwrap();
        // whatever the CI machine mounts /tmp as, the call answers
        let _ = folder_kind(dir.path());
    }
}
