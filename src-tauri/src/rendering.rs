//! How WebKitGTK draws the window on Linux. With a GPU it composites the page's layers with OpenGL. Without
//! one (no DRM render node: a virtual machine, a remote desktop, a CI runner under Xvfb) that OpenGL is Mesa's
//! software renderer (llvmpipe), which keeps about one CPU core busy compositing for as long as the page
//! changes, slowing the page's own work on a small machine, and which crashed the web process once in our
//! runs (a protection fault in `swrast_dri.so`). WebKit's non-composited mode paints with the CPU directly
//! instead. A value the user set for `WEBKIT_DISABLE_COMPOSITING_MODE` is always kept.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's switch for its non-composited mode.
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Where Linux lists the GPUs' device nodes.
const DRI_DIR: &str = "/dev/dri";

/// Whether to turn WebKit's compositing off: only when the user chose nothing and there is no GPU to use.
pub fn should_disable_compositing(user_choice: Option<&OsStr>, has_gpu: bool) -> bool {
    user_choice.is_none() && !has_gpu
}

/// Whether `dir` holds a DRM render node (`renderD128`, …): a GPU a webview can render with.
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Turns compositing off on a machine without a GPU (see the module docs). Call it first in `run`, before
/// any thread starts: it sets an environment variable, which WebKit reads when the window is created.
pub fn choose_compositing() {
    if cfg!(target_os = "linux")
        && should_disable_compositing(
            std::env::var_os(DISABLE_COMPOSITING).as_deref(),
            has_render_node(Path::new(DRI_DIR)),
        )
    {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh empty directory of this test's own under the system's temp dir.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("backdesk-rendering-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn compositing_is_turned_off_only_without_a_gpu_and_without_a_user_choice() {
        assert!(should_disable_compositing(None, false));
        assert!(!should_disable_compositing(None, true));
        // the user's choice wins either way, even "0" (compositing on) on a machine without a GPU
        assert!(!should_disable_compositing(Some(OsStr::new("0")), false));
        assert!(!should_disable_compositing(Some(OsStr::new("1")), true));
    }

    #[test]
    fn a_render_node_is_a_gpu_a_card_node_alone_or_no_directory_is_not() {
        let with_gpu = scratch("gpu");
        std::fs::write(with_gpu.join("card0"), b"").unwrap();
        std::fs::write(with_gpu.join("renderD128"), b"").unwrap();
        assert!(has_render_node(&with_gpu));

        let card_only = scratch("card");
        std::fs::write(card_only.join("card0"), b"").unwrap();
        assert!(!has_render_node(&card_only));

        assert!(!has_render_node(&with_gpu.join("missing")));
        for dir in [with_gpu, card_only] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
