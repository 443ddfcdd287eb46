//! The tray icon: how many invoices are exceptions and await approval (menu lines and tooltip, updated by
//! `attention.rs` from core events), and Show, About and Quit. A desktop without a tray host just has no
//! icon: the failure is logged, the app runs on.

use backdesk::api::attention::Attention;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Wry};

/// The tray icon's id.
const TRAY_ID: &str = "backdesk";
/// Sent to the window when "About Backdesk" is chosen in the tray menu.
pub const SHOW_ABOUT_EVENT: &str = "show-about";

/// The two count lines of the tray menu, kept to update their text.
struct CountItems {
    exceptions: MenuItem<Wry>,
    awaiting: MenuItem<Wry>,
}

/// Creates the tray icon with its menu; logs and carries on when the desktop has no tray.
pub fn create_tray(app: &AppHandle) {
    if let Err(error) = try_create(app) {
        eprintln!("backdesk-desktop: no tray icon ({error}); the window works without it");
    }
}

fn try_create(app: &AppHandle) -> tauri::Result<()> {
    let [exceptions_text, awaiting_text] = Attention::default().lines();
    // the counts are information, not commands: shown disabled
    let exceptions = MenuItem::with_id(app, "exceptions", exceptions_text, false, None::<&str>)?;
    let awaiting = MenuItem::with_id(app, "awaiting", awaiting_text, false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Backdesk", true, None::<&str>)?;
    let about = MenuItem::with_id(app, "about", "About Backdesk", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&exceptions, &awaiting, &separator, &show, &about, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip("Backdesk")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "show" => show_window(app),
            "about" => {
                show_window(app);
                if let Err(error) = app.emit(SHOW_ABOUT_EVENT, ()) {
                    eprintln!("backdesk-desktop: could not open the About box: {error}");
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(CountItems { exceptions, awaiting });
    Ok(())
}

/// Brings the main window back (from the tray, minimised or behind others).
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let shown = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            eprintln!("backdesk-desktop: could not show the window: {error}");
        }
    }
}

/// Writes the counts into the tray's menu, tooltip and title (the number beside the icon, where shown).
pub fn show_counts(app: &AppHandle, attention: &Attention) {
    let Some(items) = app.try_state::<CountItems>() else {
        return; // no tray on this desktop
    };
    let [exceptions, awaiting] = attention.lines();
    let waiting = attention.exceptions + attention.awaiting_approval;
    let updated = items
        .exceptions
        .set_text(exceptions)
        .and_then(|()| items.awaiting.set_text(awaiting));
    let updated = updated.and_then(|()| match app.tray_by_id(TRAY_ID) {
        Some(tray) => tray
            .set_tooltip(Some(attention.tooltip()))
            .and_then(|()| tray.set_title((waiting > 0).then(|| waiting.to_string()))),
        None => Ok(()),
    });
    if let Err(error) = updated {
        eprintln!("backdesk-desktop: could not update the tray counts: {error}");
    }
}
