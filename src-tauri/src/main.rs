//! Entry point of the desktop binary: everything lives in the library so it can be tested and reused.

// no console window next to the app on Windows release builds
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(backdesk_desktop::run());
}
