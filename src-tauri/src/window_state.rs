//! The main window's size, position and maximised state, remembered between runs in
//! `window-state.json` in the app's config directory: written whenever the window is resized or moved
//! (so a killed app remembers too), applied at start when it still fits on a monitor.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime, Window, WindowEvent};

const FILE_NAME: &str = "window-state.json";

/// The geometry of the window when it was last not maximised (physical pixels), and whether it was maximised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

/// A monitor's area (physical pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// What was seen of the window: its outer position, inner size, and whether it is maximised or minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
    pub minimized: bool,
}

/// The geometry to remember after `observed`: a maximised or minimised window keeps the size and place it
/// had before (so un-maximising after a restart returns there), only the flag changes.
pub fn remember(previous: Option<WindowGeometry>, observed: Observed) -> Option<WindowGeometry> {
    if observed.minimized || observed.width == 0 || observed.height == 0 {
        return previous;
    }
    if observed.maximized {
        return Some(WindowGeometry {
            maximized: true,
            ..previous.unwrap_or(WindowGeometry {
                x: observed.x,
                y: observed.y,
                width: observed.width,
                height: observed.height,
                maximized: true,
            })
        });
    }
    Some(WindowGeometry {
        x: observed.x,
        y: observed.y,
        width: observed.width,
        height: observed.height,
        maximized: false,
    })
}

/// Where to put the window at start: the remembered size (at least `min`), and the remembered position
/// only when its title bar would be on one of `monitors` (a monitor unplugged since puts it back in the
/// middle, not off screen).
pub fn placement(
    saved: WindowGeometry,
    min: (u32, u32),
    monitors: &[Area],
) -> (PhysicalSize<u32>, Option<PhysicalPosition<i32>>) {
    let size = PhysicalSize::new(saved.width.max(min.0), saved.height.max(min.1));
    // a point a little inside the top-left corner: where the title bar is grabbed
    let (gx, gy) = (i64::from(saved.x) + 40, i64::from(saved.y) + 10);
    let visible = monitors.iter().any(|m| {
        let (mx, my) = (i64::from(m.x), i64::from(m.y));
        gx >= mx && gy >= my && gx < mx + i64::from(m.width) && gy < my + i64::from(m.height)
    });
    (size, visible.then(|| PhysicalPosition::new(saved.x, saved.y)))
}

/// Managed by Tauri: where the file is and what was last written.
pub struct WindowStateFile {
    path: Option<PathBuf>,
    last: Mutex<Option<WindowGeometry>>,
}

fn read(path: &Path) -> Option<WindowGeometry> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(geometry) => Some(geometry),
        Err(error) => {
            eprintln!(
                "backdesk-desktop: {} is not a window state ({error}); using the default size",
                path.display()
            );
            None
        }
    }
}

fn write(path: &Path, geometry: &WindowGeometry) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("json.tmp");
    std::fs::write(
        &temporary,
        serde_json::to_vec(geometry).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&temporary, path)
}

/// Applies the remembered geometry to the main window and starts remembering; call once in `setup`.
pub fn restore_window_state(app: &AppHandle) {
    let path = app.path().app_config_dir().ok().map(|dir| dir.join(FILE_NAME));
    let saved = path.as_deref().and_then(read);
    if let (Some(saved), Some(window)) = (saved, app.get_webview_window("main")) {
        let monitors: Vec<Area> = window
            .available_monitors()
            .unwrap_or_default()
            .iter()
            .map(|m| Area {
                x: m.position().x,
                y: m.position().y,
                width: m.size().width,
                height: m.size().height,
            })
            .collect();
        let scale = window.scale_factor().unwrap_or(1.0);
        // the window's minimum size (tauri.conf.json) in physical pixels
        let min = ((720.0 * scale) as u32, (480.0 * scale) as u32);
        let (size, position) = placement(saved, min, &monitors);
        let applied = window.set_size(size).and_then(|()| match position {
            Some(position) => window.set_position(position),
            None => window.center(),
        });
        let applied = applied.and_then(|()| {
            if saved.maximized {
                window.maximize()
            } else {
                Ok(())
            }
        });
        if let Err(error) = applied {
            eprintln!("backdesk-desktop: the remembered window size could not be applied: {error}");
        }
    }
    app.manage(WindowStateFile {
        path,
        last: Mutex::new(saved),
    });
}

/// The window was resized or moved: remember where it is now. Other events are ignored.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if window.label() != "main"
        || !matches!(
            event,
            WindowEvent::Resized(_) | WindowEvent::Moved(_) | WindowEvent::CloseRequested { .. }
        )
    {
        return;
    }
    let Some(file) = window.try_state::<WindowStateFile>() else {
        return; // before setup restored the state: nothing to compare with yet
    };
    let Some(path) = file.path.as_deref() else {
        return;
    };
    let (Ok(position), Ok(size)) = (window.outer_position(), window.inner_size()) else {
        return;
    };
    let observed = Observed {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
        maximized: window.is_maximized().unwrap_or(false),
        minimized: window.is_minimized().unwrap_or(false),
    };
    let Ok(mut last) = file.last.lock() else {
        return;
    };
    let next = remember(*last, observed);
    if next == *last {
        return;
    }
    if let Some(geometry) = next {
        if let Err(error) = write(path, &geometry) {
            eprintln!(
                "backdesk-desktop: the window size could not be saved to {}: {error}",
                path.display()
            );
            return;
        }
    }
    *last = next;
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORMAL: Observed = Observed {
        x: 100,
        y: 50,
        width: 1000,
        height: 700,
        maximized: false,
        minimized: false,
    };

    #[test]
    fn a_maximised_or_minimised_window_keeps_the_size_it_had_before() {
        let normal = remember(None, NORMAL).unwrap();
        assert_eq!(
            (normal.width, normal.height, normal.maximized),
            (1000, 700, false)
        );
        let maximised = remember(
            Some(normal),
            Observed {
                x: 0,
                y: 0,
                width: 1920,
                height: 1080,
                maximized: true,
                ..NORMAL
            },
        );
        assert_eq!(
            maximised,
            Some(WindowGeometry {
                maximized: true,
                ..normal
            }),
            "un-maximising returns to 1000x700"
        );
        let minimised = remember(
            maximised,
            Observed {
                minimized: true,
                ..NORMAL
            },
        );
        assert_eq!(minimised, maximised, "minimising changes nothing");
        assert_eq!(remember(maximised, NORMAL), Some(normal), "restored again");
    }

    #[test]
    fn a_remembered_place_off_every_monitor_is_not_used_but_the_size_is() {
        let saved = WindowGeometry {
            x: 2500,
            y: 100,
            width: 900,
            height: 600,
            maximized: false,
        };
        let laptop = Area {
            x: 0,
            y: 0,
            width: 1920,
            height: 1080,
        };
        let external = Area {
            x: 1920,
            y: 0,
            width: 2560,
            height: 1440,
        };
        let (size, position) = placement(saved, (720, 480), &[laptop, external]);
        assert_eq!((size.width, size.height), (900, 600));
        assert_eq!(
            position,
            Some(PhysicalPosition::new(2500, 100)),
            "on the external monitor"
        );
        let (_, position) = placement(saved, (720, 480), &[laptop]);
        assert_eq!(position, None, "the external monitor is gone: centre instead");
        let tiny = WindowGeometry {
            width: 200,
            height: 100,
            ..saved
        };
        let (size, _) = placement(tiny, (720, 480), &[laptop]);
        assert_eq!(
            (size.width, size.height),
            (720, 480),
            "never below the minimum size"
        );
    }

    #[test]
    fn the_file_round_trips_and_a_damaged_one_is_ignored() {
        let dir = std::env::temp_dir().join(format!("backdesk-window-state-{}", std::process::id()));
        let path = dir.join("nested").join(FILE_NAME);
        let geometry = WindowGeometry {
            x: -5,
            y: 7,
            width: 1111,
            height: 777,
            maximized: true,
        };
        write(&path, &geometry).unwrap();
        assert_eq!(read(&path), Some(geometry));
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(read(&path), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
